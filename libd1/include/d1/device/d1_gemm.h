/* SPDX-License-Identifier: MIT */
/*
 * d1_gemm.h - building blocks of matrix-multiply kernels: strided copies
 * as DMA lists, and the FP32 register-tile micro-kernels of the
 * kernel-writing guide (Documentation/accel/d1/kernels.rst).
 *
 * The micro-kernels address their panels with immediate offsets, so the
 * row strides are compile-time constants: define D1_GEMM_LDA (floats per
 * row of the A panel) and D1_GEMM_LDB (floats per row of the B panel and
 * of the C tile) before including this header.  They use vector
 * registers v0..v23.
 */
#ifndef D1_GEMM_H
#define D1_GEMM_H

#include "d1_kernel.h"

/*
 * d1_dma_rows - @n descriptors at @d copying @len bytes each, @src and
 * @dst advancing by their strides (a strided 2D copy).  Every descriptor
 * is linked to the next (D1_DMA_LIST), so several calls build one list;
 * clear D1_DMA_LIST on the last one - the descriptor before the returned
 * pointer - to end it.
 */
static inline struct d1_dma_desc *d1_dma_rows(struct d1_dma_desc *d,
					      uint16_t kind, uint64_t dst,
					      uint64_t dst_stride, uint64_t src,
					      uint64_t src_stride, uint32_t len,
					      uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++, d++) {
		d->src = src + i * src_stride;
		d->dst = dst + i * dst_stride;
		d->len = len;
		d->kind = kind | D1_DMA_LIST;
		d->node = 0;
		d->next = (uintptr_t)(d + 1);
	}
	return d;
}

#if defined(D1_GEMM_LDA) && defined(D1_GEMM_LDB)

/* Row r of the C tile is v4r..v4r+3, A's broadcasts v16..v19, B's
 * vectors v20..v23 (register numbers must be literals). */
#define D1_GEMM_FMA_ROW_(va, c0, c1, c2, c3) do { \
	d1_vfma(D1_T_FP32, c0, va, 20, c0); d1_vfma(D1_T_FP32, c1, va, 21, c1); \
	d1_vfma(D1_T_FP32, c2, va, 22, c2); d1_vfma(D1_T_FP32, c3, va, 23, c3); \
} while (0)
#define D1_GEMM_C_ROW_(op, p, c0, c1, c2, c3) do { \
	op(c0, p, 0); op(c1, p, 64); op(c2, p, 128); op(c3, p, 192); \
} while (0)
#define D1_GEMM_C_TILE_(op, p) do { \
	D1_GEMM_C_ROW_(op, p, 0, 1, 2, 3); \
	D1_GEMM_C_ROW_(op, (p) + D1_GEMM_LDB, 4, 5, 6, 7); \
	D1_GEMM_C_ROW_(op, (p) + 2 * D1_GEMM_LDB, 8, 9, 10, 11); \
	D1_GEMM_C_ROW_(op, (p) + 3 * D1_GEMM_LDB, 12, 13, 14, 15); \
} while (0)
#define D1_GEMM_ZERO_(v, p, off)	d1_vsplat(D1_T_FP32, v, 0)
/* A's four rows at k, broadcast to v16..v19 */
#define D1_GEMM_BCAST_A_(a) do { \
	d1_vldbc32_at(16, a, 0); \
	d1_vldbc32_at(17, a, 4 * D1_GEMM_LDA); \
	d1_vldbc32_at(18, a, 8 * D1_GEMM_LDA); \
	d1_vldbc32_at(19, a, 12 * D1_GEMM_LDA); \
} while (0)

/*
 * d1_gemm_f32_4x64 - c[0..3][0..63] += a[0..3][0..kc) b[0..kc)[0..63];
 * with @first, c = a b (c is not read).  The 4 x 64 tile of C stays in 16
 * vector registers: per k, four broadcasts of A, four vectors of B and
 * 16 vfma - 16 FMAs per 8 loads.
 */
static inline void d1_gemm_f32_4x64(const float *a, const float *b, float *c,
				    uint32_t kc, int first)
{
	const float *end = a + kc;

	if (first)
		D1_GEMM_C_TILE_(D1_GEMM_ZERO_, c);
	else
		D1_GEMM_C_TILE_(d1_vld_at, c);
	for (; a < end; a++, b += D1_GEMM_LDB) {
		D1_GEMM_BCAST_A_(a);
		d1_vld_at(20, b, 0);
		d1_vld_at(21, b, 64);
		d1_vld_at(22, b, 128);
		d1_vld_at(23, b, 192);
		D1_GEMM_FMA_ROW_(16, 0, 1, 2, 3);
		D1_GEMM_FMA_ROW_(17, 4, 5, 6, 7);
		D1_GEMM_FMA_ROW_(18, 8, 9, 10, 11);
		D1_GEMM_FMA_ROW_(19, 12, 13, 14, 15);
	}
	D1_GEMM_C_TILE_(d1_vst_at, c);
}

/* d1_gemm_f32_4x16 - the same for a 4 x 16 tile (the last columns of a
 * block whose width is not a multiple of 64). */
static inline void d1_gemm_f32_4x16(const float *a, const float *b, float *c,
				    uint32_t kc, int first)
{
	const float *end = a + kc;

	if (first) {
		d1_vsplat(D1_T_FP32, 0, 0); d1_vsplat(D1_T_FP32, 1, 0);
		d1_vsplat(D1_T_FP32, 2, 0); d1_vsplat(D1_T_FP32, 3, 0);
	} else {
		d1_vld_at(0, c, 0); d1_vld_at(1, c + D1_GEMM_LDB, 0);
		d1_vld_at(2, c + 2 * D1_GEMM_LDB, 0);
		d1_vld_at(3, c + 3 * D1_GEMM_LDB, 0);
	}
	for (; a < end; a++, b += D1_GEMM_LDB) {
		D1_GEMM_BCAST_A_(a);
		d1_vld_at(20, b, 0);
		d1_vfma(D1_T_FP32, 0, 16, 20, 0);
		d1_vfma(D1_T_FP32, 1, 17, 20, 1);
		d1_vfma(D1_T_FP32, 2, 18, 20, 2);
		d1_vfma(D1_T_FP32, 3, 19, 20, 3);
	}
	d1_vst_at(0, c, 0); d1_vst_at(1, c + D1_GEMM_LDB, 0);
	d1_vst_at(2, c + 2 * D1_GEMM_LDB, 0);
	d1_vst_at(3, c + 3 * D1_GEMM_LDB, 0);
}

#endif /* D1_GEMM_LDA && D1_GEMM_LDB */

#endif /* D1_GEMM_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * SGEMM: C = A B in FP32, row-major in HBM (A M x K, B K x N, C M x N),
 * M a multiple of 4, N of 16.
 *
 * C is cut into blocks of up to BM x BN, dealt out round-robin to every
 * hart of every node.  A hart works on its block out of its own SRAM
 * region: the K dimension streams in chunks of KC, the A rows (bm x kc)
 * and B rows (kc x bn) of one chunk arriving by list DMA (one descriptor
 * per row: the strided copy) into one pair of buffers while the chunk
 * before is multiplied out of the other pair (double buffering).  The
 * micro-kernel keeps a 4 x 64 tile of C in 16 vector registers; per k it
 * broadcasts four elements of A (vldbc.32) and loads four vectors of B,
 * then runs 16 vfma - 16 FMAs per 8 loads.
 */
#include <d1/device/d1_kernel.h>

#include "kargs.h"
#include "kmm.h"

#define BM	64
#define BN	256
#define KC	64

/* The steps of the kernel-writing guide (kernels.rst), for make bench:
 * 1 4 x 16 tiles of C, each K chunk waited for as soon as it is asked
 * for; 2 4 x 64 tiles in 16 registers; 3 (default) the next chunk
 * fetched while this one is multiplied. */
#ifndef STEP
#define STEP 3
#endif

/* A hart's SRAM region, above the image. */
struct region {
	float c[BM * BN];
	float a[2][BM * KC];
	float b[2][KC * BN];
	struct d1_dma_desc da[2][BM + KC];	/* A rows, then B rows */
	struct d1_dma_desc dc[BM];
};

static struct region *region(unsigned int hart)
{
	return hart_region(hart, sizeof(struct region));
}

/* Row r of the C tile is registers 4r..4r+3 (register numbers must be
 * literals); A's broadcasts are v16..v19, B's vectors v20..v23. */
#define FMA_ROW(va, c0, c1, c2, c3) do { \
	d1_vfma(D1_T_FP32, c0, va, 20, c0); d1_vfma(D1_T_FP32, c1, va, 21, c1); \
	d1_vfma(D1_T_FP32, c2, va, 22, c2); d1_vfma(D1_T_FP32, c3, va, 23, c3); \
} while (0)
#define C_ROW(op, p, c0, c1, c2, c3) do { \
	op(c0, p, 0); op(c1, p, 64); op(c2, p, 128); op(c3, p, 192); \
} while (0)
#define C_TILE(op, p) do { \
	C_ROW(op, p, 0, 1, 2, 3); C_ROW(op, (p) + BN, 4, 5, 6, 7); \
	C_ROW(op, (p) + 2 * BN, 8, 9, 10, 11); \
	C_ROW(op, (p) + 3 * BN, 12, 13, 14, 15); \
} while (0)
#define ZERO(v, p, off)	d1_vsplat(D1_T_FP32, v, 0)

/* C[0..3][0..63] (row stride BN) += A[0..3][0..kc) (row stride KC) B
 * (row stride BN); @first: C starts at zero instead. */
static void tile4x64(const float *a, const float *b, float *c, uint32_t kc,
		     int first)
{
	const float *end = a + kc;

	if (first)
		C_TILE(ZERO, c);
	else
		C_TILE(d1_vld_at, c);
	for (; a < end; a++, b += BN) {
		d1_vldbc32_at(16, a, 0);
		d1_vldbc32_at(17, a, 4 * KC);
		d1_vldbc32_at(18, a, 8 * KC);
		d1_vldbc32_at(19, a, 12 * KC);
		d1_vld_at(20, b, 0);
		d1_vld_at(21, b, 64);
		d1_vld_at(22, b, 128);
		d1_vld_at(23, b, 192);
		FMA_ROW(16, 0, 1, 2, 3);
		FMA_ROW(17, 4, 5, 6, 7);
		FMA_ROW(18, 8, 9, 10, 11);
		FMA_ROW(19, 12, 13, 14, 15);
	}
	C_TILE(d1_vst_at, c);
}

/* The same for a 4 x 16 tile (the last columns when bn % 64). */
static void tile4x16(const float *a, const float *b, float *c, uint32_t kc,
		     int first)
{
	const float *end = a + kc;

	if (first) {
		d1_vsplat(D1_T_FP32, 0, 0); d1_vsplat(D1_T_FP32, 1, 0);
		d1_vsplat(D1_T_FP32, 2, 0); d1_vsplat(D1_T_FP32, 3, 0);
	} else {
		d1_vld_at(0, c, 0); d1_vld_at(1, c + BN, 0);
		d1_vld_at(2, c + 2 * BN, 0); d1_vld_at(3, c + 3 * BN, 0);
	}
	for (; a < end; a++, b += BN) {
		d1_vldbc32_at(16, a, 0);
		d1_vldbc32_at(17, a, 4 * KC);
		d1_vldbc32_at(18, a, 8 * KC);
		d1_vldbc32_at(19, a, 12 * KC);
		d1_vld_at(20, b, 0);
		d1_vfma(D1_T_FP32, 0, 16, 20, 0);
		d1_vfma(D1_T_FP32, 1, 17, 20, 1);
		d1_vfma(D1_T_FP32, 2, 18, 20, 2);
		d1_vfma(D1_T_FP32, 3, 19, 20, 3);
	}
	d1_vst_at(0, c, 0); d1_vst_at(1, c + BN, 0);
	d1_vst_at(2, c + 2 * BN, 0); d1_vst_at(3, c + 3 * BN, 0);
}

int d1_main(void *argp, unsigned int hart)
{
	const struct gemm_args *g = argp;
	struct region *r = region(hart);
	uint32_t harts = d1_nharts();
	uint64_t workers = (uint64_t)d1_grid_nodes() * harts;
	uint64_t mb = (g->m + BM - 1) / BM, nb = (g->n + BN - 1) / BN;
	uint64_t nk = (g->k + KC - 1) / KC, blk, c_tag = 0;

	for (blk = d1_node_id() * harts + hart; blk < mb * nb; blk += workers) {
		uint64_t m0 = blk / nb * BM, n0 = blk % nb * BN, kk;
		uint32_t bm = g->m - m0 < BM ? (uint32_t)(g->m - m0) : BM;
		uint32_t bn = g->n - n0 < BN ? (uint32_t)(g->n - n0) : BN;
		uint64_t tag[2] = { 0, 0 };

		for (kk = 0; kk <= nk; kk++) {
			unsigned int buf = kk & 1;

			if (kk < nk) {	/* fetch chunk kk */
				uint64_t k0 = kk * KC;
				uint32_t kc = g->k - k0 < KC ? (uint32_t)(g->k - k0) : KC;
				struct d1_dma_desc *d;

				d = rows(r->da[buf], D1_DMA_HBM_TO_SRAM,
					 (uintptr_t)r->a[buf], KC * 4,
					 g->a + (m0 * g->k + k0) * 4, g->k * 4,
					 kc * 4, bm);
				d = rows(d, D1_DMA_HBM_TO_SRAM, (uintptr_t)r->b[buf],
					 BN * 4, g->b + (k0 * g->n + n0) * 4,
					 g->n * 4, bn * 4, kc);
				d[-1].kind &= ~D1_DMA_LIST;
				tag[buf] = d1_dma_start(r->da[buf]);
				if (STEP < 3)
					d1_dma_wait(tag[buf]);
			}
			if (kk == 0) {
				/* the last block's C is on its way out */
				if (c_tag)
					d1_dma_wait(c_tag);
				continue;
			}
			{	/* multiply chunk kk - 1 */
				unsigned int prev = buf ^ 1;
				uint64_t k0 = (kk - 1) * KC;
				uint32_t kc = g->k - k0 < KC ? (uint32_t)(g->k - k0) : KC;
				uint32_t i, j;

				d1_dma_wait(tag[prev]);
				for (i = 0; i < bm; i += 4) {
					for (j = 0; STEP >= 2 && j + 64 <= bn; j += 64)
						tile4x64(&r->a[prev][i * KC], &r->b[prev][j],
							 &r->c[i * BN + j], kc, kk == 1);
					for (; j < bn; j += 16)
						tile4x16(&r->a[prev][i * KC], &r->b[prev][j],
							 &r->c[i * BN + j], kc, kk == 1);
				}
			}
		}
		{	/* C block out */
			struct d1_dma_desc *d = rows(r->dc, D1_DMA_SRAM_TO_HBM,
						     g->c + (m0 * g->n + n0) * 4,
						     g->n * 4, (uintptr_t)r->c,
						     BN * 4, bn * 4, bm);

			d[-1].kind &= ~D1_DMA_LIST;
			c_tag = d1_dma_start(r->dc);
		}
	}
	if (c_tag)
		d1_dma_wait(c_tag);
	return 0;
}

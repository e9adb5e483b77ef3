// SPDX-License-Identifier: GPL-2.0
/*
 * SGEMM: C = A B in FP32.  Each node takes blocks of 8 rows of C
 * (round-robin by node id), DMAs its A rows and all of B into SRAM, and
 * computes 64 (then 16) columns at a time with broadcast-load + vfma,
 * k ascending.
 */
#include <d1/device/d1_kernel.h>

#include "kargs.h"

int d1_main(void *argp, unsigned int hart)
{
	const struct gemm_args *a = argp;
	uint32_t nodes = d1_grid_nodes(), id = d1_node_id();
	float *B = (float *)(uintptr_t)KDATA_IN;		/* K x N */
	float *A = (float *)(uintptr_t)KDATA_OUT;		/* 8 x K */
	float *C = (float *)(uintptr_t)KDATA_OUT2;		/* 8 x N */
	uint64_t rb, r, j, k;

	(void)hart;
	d1_dma_copy(D1_DMA_HBM_TO_SRAM, 0, (uintptr_t)B, a->b,
		    (uint32_t)(a->k * a->n * 4));
	for (rb = id; rb < a->m / 8; rb += nodes) {
		d1_dma_copy(D1_DMA_HBM_TO_SRAM, 0, (uintptr_t)A,
			    a->a + rb * 8 * a->k * 4, (uint32_t)(8 * a->k * 4));
		for (r = 0; r < 8; r++) {
			const float *arow = &A[r * a->k];
			float *crow = &C[r * a->n];

			/* 64 columns at a time: one broadcast feeds 4 FMAs */
			for (j = 0; j + 64 <= a->n; j += 64) {
				const float *b = &B[j];

				d1_vsplat(D1_T_FP32, 3, 0);
				d1_vsplat(D1_T_FP32, 4, 0);
				d1_vsplat(D1_T_FP32, 5, 0);
				d1_vsplat(D1_T_FP32, 6, 0);
				for (k = 0; k < a->k; k++, b += a->n) {
					d1_vldbc32(1, &arow[k]);
					d1_vld(2, b);
					d1_vfma(D1_T_FP32, 3, 1, 2, 3);
					d1_vld(2, b + 16);
					d1_vfma(D1_T_FP32, 4, 1, 2, 4);
					d1_vld(2, b + 32);
					d1_vfma(D1_T_FP32, 5, 1, 2, 5);
					d1_vld(2, b + 48);
					d1_vfma(D1_T_FP32, 6, 1, 2, 6);
				}
				d1_vst(3, &crow[j]);
				d1_vst(4, &crow[j + 16]);
				d1_vst(5, &crow[j + 32]);
				d1_vst(6, &crow[j + 48]);
			}
			for (; j < a->n; j += 16) {
				d1_vsplat(D1_T_FP32, 3, 0);
				for (k = 0; k < a->k; k++) {
					d1_vldbc32(1, &arow[k]);
					d1_vld(2, &B[k * a->n + j]);
					d1_vfma(D1_T_FP32, 3, 1, 2, 3);
				}
				d1_vst(3, &crow[j]);
			}
		}
		d1_dma_copy(D1_DMA_SRAM_TO_HBM, 0, a->c + rb * 8 * a->n * 4,
			    (uintptr_t)C, (uint32_t)(8 * a->n * 4));
	}
	return 0;
}

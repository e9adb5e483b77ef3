// SPDX-License-Identifier: GPL-2.0
/*
 * BF16 matmul on the 8x8x4 unit: C(MxN, FP32) = A(MxK) B(KxN), A and B
 * in BF16 packed as tiles (A: [M/8][K/4] tiles of 8x4, B: [K/4][N/8]
 * tiles of 4x8, 64 bytes each), C as [M/8][N/8] tiles of 8x8 FP32 (256
 * bytes).  Tile rows of C go round-robin over nodes, k ascending.  With
 * sr_out, C is also converted to BF16 with stochastic rounding.
 */
#include <d1/device/d1_kernel.h>

#include "kargs.h"

int d1_main(void *argp, unsigned int hart)
{
	const struct gemm_args *a = argp;
	uint32_t nodes = d1_grid_nodes(), id = d1_node_id();
	uint64_t mt = a->m / 8, nt = a->n / 8, kt = a->k / 4, i, j, k;
	uint8_t *B = (uint8_t *)(uintptr_t)KDATA_IN;	/* all of B */
	uint8_t *A = (uint8_t *)(uintptr_t)KDATA_OUT;	/* one tile row */
	uint8_t *C = (uint8_t *)(uintptr_t)KDATA_OUT2;	/* one tile row */

	(void)hart;
	d1_dma_copy(D1_DMA_HBM_TO_SRAM, 0, (uintptr_t)B, a->b,
		    (uint32_t)(kt * nt * 64));
	for (i = id; i < mt; i += nodes) {
		d1_dma_copy(D1_DMA_HBM_TO_SRAM, 0, (uintptr_t)A,
			    a->a + i * kt * 64, (uint32_t)(kt * 64));
		for (j = 0; j < nt; j++) {
			uint8_t *c = C + j * 256;

			d1_vsplat(D1_T_FP32, 8, 0);
			d1_vsplat(D1_T_FP32, 9, 0);
			d1_vsplat(D1_T_FP32, 10, 0);
			d1_vsplat(D1_T_FP32, 11, 0);
			for (k = 0; k < kt; k++) {
				d1_vld(1, A + k * 64);
				d1_vld(2, B + (k * nt + j) * 64);
				d1_vmma(D1_T_BF16, 8, 1, 2);
			}
			d1_vst(8, c);
			d1_vst(9, c + 64);
			d1_vst(10, c + 128);
			d1_vst(11, c + 192);
			if (a->sr_out) {
				/* 64 FP32 -> 64 BF16 (128 bytes) */
				d1_vcvt(D1_T_FP32, D1_T_BF16, 0, 1, 12, 8);
				d1_vcvt(D1_T_FP32, D1_T_BF16, 1, 1, 12, 9);
				d1_vcvt(D1_T_FP32, D1_T_BF16, 0, 1, 13, 10);
				d1_vcvt(D1_T_FP32, D1_T_BF16, 1, 1, 13, 11);
				d1_vst(12, c + 0x8000);
				d1_vst(13, c + 0x8000 + 64);
			}
		}
		d1_dma_copy(D1_DMA_SRAM_TO_HBM, 0, a->c + i * nt * 256,
			    (uintptr_t)C, (uint32_t)(nt * 256));
		if (a->sr_out) {
			for (j = 0; j < nt; j++)
				d1_dma_copy(D1_DMA_SRAM_TO_HBM, 0,
					    a->c16 + (i * nt + j) * 128,
					    (uintptr_t)(C + j * 256 + 0x8000), 128);
		}
	}
	return 0;
}

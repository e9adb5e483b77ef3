// SPDX-License-Identifier: MIT
/*
 * SGEMM: C = alpha * A B + beta * C, FP32, row-major, N a multiple of 16.
 * B is brought into every node's SRAM once; the rows of C are dealt out
 * round-robin over the nodes of the launch.  A row of C is 16 lanes at a
 * time: broadcast A[i][k] (vldbc.32), fused multiply-add with the row
 * B[k][j..j+15].
 */
#include <d1/device/d1_launch.h>

#define MAXB	(160 * 1024 / 4)	/* floats of B in SRAM */
#define MAXN	1024

static float sb[MAXB];
static float arow[MAXN], crow[MAXN];

D1_KERNEL(sgemm, (d1_devptr, a), (d1_devptr, b), (d1_devptr, c),
	  (uint32_t, m), (uint32_t, n), (uint32_t, k), (float, alpha),
	  (float, beta))
{
	uint32_t rank = d1_launch_rank(), ranks = d1_launch_size();
	uint32_t i, j, kk;

	if (d1_hart_id())
		return;
	if ((uint64_t)k * n > MAXB || n > MAXN || k > MAXN || n % 16) {
		d1_printf("sgemm: %ux%ux%u does not fit\n", m, n, k);
		d1_exit(2);
	}
	d1_dma_copy(D1_DMA_HBM_TO_SRAM, 0, (uintptr_t)sb, b.addr, k * n * 4);
	union { float f; uint32_t u; } al = { alpha }, be = { beta };

	d1_vsplat(D1_T_FP32, 30, al.u);
	d1_vsplat(D1_T_FP32, 31, be.u);
	for (i = rank; i < m; i += ranks) {
		d1_dma_copy(D1_DMA_HBM_TO_SRAM, 0, (uintptr_t)arow,
			    a.addr + (uint64_t)i * k * 4, k * 4);
		d1_dma_copy(D1_DMA_HBM_TO_SRAM, 0, (uintptr_t)crow,
			    c.addr + (uint64_t)i * n * 4, n * 4);
		for (j = 0; j < n; j += 16) {
			d1_vsplat(D1_T_FP32, 1, 0);
			for (kk = 0; kk < k; kk++) {
				d1_vldbc32(2, &arow[kk]);
				d1_vld(3, &sb[kk * n + j]);
				d1_vfma(D1_T_FP32, 1, 2, 3, 1);
			}
			d1_vld(4, &crow[j]);
			d1_vmul(D1_T_FP32, 4, 4, 31);	/* beta * C */
			d1_vfma(D1_T_FP32, 1, 1, 30, 4);	/* alpha * AB + it */
			d1_vst(1, &crow[j]);
		}
		d1_dma_copy(D1_DMA_SRAM_TO_HBM, 0, c.addr + (uint64_t)i * n * 4,
			    (uintptr_t)crow, n * 4);
	}
}

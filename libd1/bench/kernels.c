// SPDX-License-Identifier: MIT
/* Kernels of the libd1 benchmark (sdk-bench.c). */
#include <d1/device/d1_launch.h>

D1_KERNEL(empty)
{
}

/*
 * A small launch: each node takes its 4096 floats of @x, runs
 * x = x * a + b @rounds times on the vector unit, and writes them back.
 */
D1_KERNEL(small, (d1_devptr, x), (uint32_t, rounds))
{
	static float v[4096];
	uint64_t at = x.addr + (uint64_t)d1_launch_rank() * sizeof(v);
	uint32_t r, i;

	if (d1_hart_id())
		return;
	d1_dma_copy(D1_DMA_HBM_TO_SRAM, 0, (uintptr_t)v, at, sizeof(v));
	d1_vsplat(D1_T_FP32, 2, 0x3f000000);	/* 0.5f */
	d1_vsplat(D1_T_FP32, 3, 0x3f800000);	/* 1.0f */
	for (i = 0; i < 4096; i += 16) {
		d1_vld(1, &v[i]);
		for (r = 0; r < rounds; r++)
			d1_vfma(D1_T_FP32, 1, 1, 2, 3);
		d1_vst(1, &v[i]);
	}
	d1_dma_copy(D1_DMA_SRAM_TO_HBM, 0, at, (uintptr_t)v, sizeof(v));
}

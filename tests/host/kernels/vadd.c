// SPDX-License-Identifier: GPL-2.0
/* Vector add over HBM: DMA in, 512-bit FP32 adds, DMA out. */
#include <d1/device/d1_kernel.h>

#include "kargs.h"

int d1_main(void *argp, unsigned int hart)
{
	const struct vadd_args *a = argp;
	uint32_t nodes = d1_grid_nodes(), harts = d1_nharts();
	uint64_t per_node = a->n / nodes, per_hart = per_node / harts;
	uint64_t first = d1_node_id() * per_node + hart * per_hart;
	uint64_t bytes = per_hart * 4, i;
	float *x = (float *)(uintptr_t)(KDATA_IN + hart * 0x10000);
	float *y = (float *)(uintptr_t)(KDATA_OUT + hart * 0x10000);
	struct d1_dma_desc in[2] = {
		{ a->a + first * 4, (uintptr_t)x, (uint32_t)bytes,
		  D1_DMA_HBM_TO_SRAM | D1_DMA_LIST, 0, 0 },
		{ a->b + first * 4, (uintptr_t)y, (uint32_t)bytes,
		  D1_DMA_HBM_TO_SRAM, 0, 0 },
	};

	in[0].next = (uintptr_t)&in[1];
	d1_dma_wait(d1_dma_start(in));
	for (i = 0; i < per_hart; i += 16) {
		d1_vld(1, x + i);
		d1_vld(2, y + i);
		d1_vadd(D1_T_FP32, 3, 1, 2);
		d1_vst(3, x + i);
	}
	d1_dma_copy(D1_DMA_SRAM_TO_HBM, 0, a->c + first * 4, (uintptr_t)x,
		    (uint32_t)bytes);
	return 0;
}

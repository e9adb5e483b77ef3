// SPDX-License-Identifier: GPL-2.0
/*
 * Selftest device kernel: each node DMAs its slice of int32 from device
 * memory into SRAM, multiplies it by (node id + 2), DMAs it back, prints a
 * line and exits with its node id.  Other modes spin or fault.
 */
#include <d1/device/d1_kernel.h>

#include "d1k_args.h"

int d1_main(void *argp, unsigned int hart)
{
	const struct d1k_args *a = argp;
	int32_t *buf = (int32_t *)(uintptr_t)(D1_SRAM_BASE + 0x40000);
	uint32_t id = d1_node_id(), i;
	uint64_t off = (uint64_t)id * a->n * sizeof(int32_t);

	if (hart)
		return 0;
	switch (a->mode) {
	case D1K_SPIN:
		for (;;)
			__asm__ volatile("");
	case D1K_ILLEGAL:
		__asm__ volatile(".word 0");
		return 1;
	default:
		break;
	}
	d1_dma_copy(D1_DMA_HBM_TO_SRAM, 0, (uintptr_t)buf, a->src + off,
		    a->n * sizeof(int32_t));
	for (i = 0; i < a->n; i++)
		buf[i] *= (int32_t)(id + 2);
	d1_dma_copy(D1_DMA_SRAM_TO_HBM, 0, a->dst + off, (uintptr_t)buf,
		    a->n * sizeof(int32_t));
	d1_printf("node %u scaled %u\n", id, a->n);
	return (int)id;
}

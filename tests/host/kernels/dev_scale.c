// SPDX-License-Identifier: GPL-2.0
/*
 * Device LAUNCH test kernel: each node DMAs its slice of int32 from device
 * memory (host or HBM through the context MMU) into SRAM, scales it by
 * (node id + 2), DMAs it back, prints a line and exits with its node id.
 */
#include <d1/device/d1_kernel.h>

#include "dev_args.h"

int d1_main(void *argp, unsigned int hart)
{
	const struct dev_scale_args *a = argp;
	int32_t *buf = (int32_t *)(uintptr_t)0x10040000u;
	uint32_t id = d1_node_id(), i;
	uint64_t off = (uint64_t)id * a->n * sizeof(int32_t);

	if (hart)
		return 0;
	switch (a->mode) {
	case DEV_SPIN:
		for (;;)
			__asm__ volatile("");
	case DEV_ILLEGAL:
		__asm__ volatile(".word 0");	/* all-zero: illegal */
		return 1;
	case DEV_SRAM_OVERFLOW:
		*(volatile uint32_t *)(uintptr_t)(D1_SRAM_BASE + D1_SRAM_SIZE) = 1;
		return 1;
	case DEV_DEADLOCK:
		d1_sem_wait(0, 1);
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
	d1_printf("scaled %u by %u\n", a->n, id + 2);
	return (int)id;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Selftest device kernel: each node DMAs its slice of int32 from device
 * memory into SRAM, multiplies it by (node id + 2), DMAs it back, prints a
 * line and exits with its node id.  Other modes spin, loop, fault, leave
 * traces on the node or look for what an earlier kernel left.
 */
#include <d1/device/d1_kernel.h>

#include "d1k_args.h"

extern char __image_end[];

static int dirty(const struct d1k_args *a)
{
	volatile uint64_t *p = (volatile uint64_t *)(uintptr_t)a->dst;
	uint32_t i;

	for (i = 0; i < a->n; i++)
		p[i] = 0x5ec7e7000000000ull | i;
	for (i = 0; i < D1_NUM_SEMS; i++)
		d1_sem_signal(D1_SEM_LOCAL(i), 7);
	d1_vsplat(D1_T_INT32, 3, 0x5ec7e7);
	d1_vst(3, (void *)(uintptr_t)(a->dst + a->n * 8));
	d1_printf("secret %u\n", a->n);
	return 0;
}

static int scan(void)
{
	const uint64_t *w = (const uint64_t *)(((uintptr_t)__image_end + 7) & ~7ul);
	uint64_t sp, i, n, bad = 0;

	__asm__ volatile("mv %0, sp" : "=r"(sp));
	n = ((sp - 4096) - (uintptr_t)w) / 8;
	for (i = 0; i < n; i++)
		bad += w[i] != 0;
	for (i = 0; i < D1_NUM_SEMS; i++)
		bad += d1_sem_read((uint32_t)i) != 0;
	bad += d1_vget(D1_T_INT32, 3, 0) != 0;
	return (int)(bad < 255 ? bad : 255);
}

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
	case D1K_LOOP:
		for (i = 0; i < a->n; i++)
			for (uint32_t j = 0; j < 1024; j++)
				__asm__ volatile("");
		return 0;
	case D1K_DIRTY:
		return dirty(a);
	case D1K_SCAN:
		if (a->n)	/* a self-check: find our own traces */
			dirty(a);
		return scan();
	case D1K_PEER:
		if ((a->n & 0xffff) == D1_S_SEM_SIGNAL)
			d1_sem_signal(D1_SEM_NODE(a->n >> 16, 0), 1);
		else
			d1_dma_copy((uint16_t)a->n, (uint16_t)(a->n >> 16),
				    (uintptr_t)buf, (uintptr_t)buf, 64);
		return 0;
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

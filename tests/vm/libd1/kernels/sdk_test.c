// SPDX-License-Identifier: GPL-2.0
/*
 * Kernels of the in-VM libd1 tests (tests/vm/libd1/test_launch.c), built at
 * run time with d1_program_create_from_file() (the test build warms the
 * cache with d1cc, so the guest finds them there).
 */
#include <d1/device/d1_launch.h>

#define CHUNK 1024

static uint32_t sram[CHUNK];

/* dst[i] = value + i for i < n, by the first node's hart 0. */
D1_KERNEL(fill, (d1_devptr, dst), (uint32_t, n), (uint32_t, value))
{
	uint32_t i, start, len;

	if (d1_hart_id())
		return;
	for (start = 0; start < n; start += CHUNK) {
		len = n - start < CHUNK ? n - start : CHUNK;
		for (i = 0; i < len; i++)
			sram[i] = value + start + i;
		d1_dma_copy(D1_DMA_SRAM_TO_HBM, 0, dst.addr + start * 4,
			    (uintptr_t)sram, len * 4);
	}
}

/* out[(node slot) * 4 + hart] = mesh x << 24 | mesh y << 16 | hart << 8 |
 * 0x5a, one u32 per hart of every node of a @cols-wide rectangle at
 * (@x0, @y0) on the card; 0xee instead of 0x5a where the node's id is not
 * its slot in the rectangle. */
D1_KERNEL(whoami, (d1_devptr, out), (uint32_t, x0), (uint32_t, y0),
	  (uint32_t, cols))
{
	static uint32_t word[4];
	uint32_t h = d1_hart_id();
	uint32_t slot = (d1_mesh_y() - y0) * cols + (d1_mesh_x() - x0);

	word[h] = d1_mesh_x() << 24 | d1_mesh_y() << 16 | h << 8 |
		  (slot == d1_node_id() ? 0x5a : 0xee);
	d1_dma_copy(D1_DMA_SRAM_TO_HBM, 0, out.addr + (slot * 4 + h) * 4,
		    (uintptr_t)&word[h], 4);
}

/* y[i] = a * x[i] for i < n (float), done by node 0. */
D1_KERNEL(scale, (d1_devptr, x), (d1_devptr, y), (uint32_t, n), (float, a))
{
	float *f = (float *)sram;
	uint32_t start, i, len;

	if (d1_node_id() || d1_hart_id())
		return;
	for (start = 0; start < n; start += CHUNK) {
		len = n - start < CHUNK ? n - start : CHUNK;
		d1_dma_copy(D1_DMA_HBM_TO_SRAM, 0, (uintptr_t)f,
			    x.addr + start * 4, len * 4);
		for (i = 0; i < len; i++)
			f[i] *= a;
		d1_dma_copy(D1_DMA_SRAM_TO_HBM, 0, y.addr + start * 4,
			    (uintptr_t)f, len * 4);
	}
}

D1_KERNEL(hello, (uint32_t, tag))
{
	if (d1_hart_id())
		return;
	d1_printf("hello %u from node %u\n", tag, d1_node_id());
}

/* Node (fx, fy) loads from outside SRAM; the others exit normally. */
D1_KERNEL(bad_load, (uint32_t, fx), (uint32_t, fy))
{
	if (d1_node_x() == fx && d1_node_y() == fy && !d1_hart_id()) {
		volatile uint32_t *p = (volatile uint32_t *)(uintptr_t)0x20000000;

		d1_printf("about to fault\n");
		(void)*p;
	}
}

/* DMA from a device address nothing maps. */
D1_KERNEL(bad_dma, (d1_devptr, src))
{
	if (!d1_hart_id())
		d1_dma_copy(D1_DMA_HBM_TO_SRAM, 0, (uintptr_t)sram, src.addr, 64);
}

D1_KERNEL(spin, (uint32_t, unused))
{
	(void)unused;
	for (;;)
		__asm__ volatile("");
}

D1_KERNEL(exit_with, (uint32_t, code))
{
	d1_exit(code);
}

/* Waits for a semaphore nobody signals: the device detects the deadlock. */
D1_KERNEL(deadlock, (uint32_t, sem))
{
	d1_sem_wait(sem, 1);
}

/* Leave traces in SRAM (n words at @addr), semaphores and printf. */
D1_KERNEL(dirty, (uint32_t, n), (uint64_t, addr))
{
	volatile uint64_t *p = (volatile uint64_t *)(uintptr_t)addr;
	uint32_t i;

	if (d1_hart_id())
		return;
	for (i = 0; i < n; i++)
		p[i] = 0xd1d1000000000000ull | i;
	for (i = 0; i < D1_NUM_SEMS; i++)
		d1_sem_signal(D1_SEM_LOCAL(i), 5);
	d1_printf("left %u words\n", n);
}

extern char __image_end[];

/* out[node id] = nonzero SRAM words between the image and this stack,
 * plus nonzero semaphores: what an earlier kernel could have left. */
D1_KERNEL(scan, (d1_devptr, out))
{
	static uint32_t count;
	const uint64_t *w = (const uint64_t *)(((uintptr_t)__image_end + 7) & ~7ul);
	uint64_t sp, i, n;

	if (d1_hart_id())
		return;
	__asm__ volatile("mv %0, sp" : "=r"(sp));
	n = ((sp - 4096) - (uintptr_t)w) / 8;
	count = 0;
	for (i = 0; i < n; i++)
		count += w[i] != 0;
	for (i = 0; i < D1_NUM_SEMS; i++)
		count += d1_sem_read((uint32_t)i) != 0;
	d1_dma_copy(D1_DMA_SRAM_TO_HBM, 0, out.addr + d1_node_id() * 4,
		    (uintptr_t)&count, 4);
}

/* Aim DMA (@kind D1_DMA_TO_NODE / FROM_NODE) or, for kind 0, a semaphore
 * signal at node @node of the launch. */
D1_KERNEL(peer, (uint32_t, kind), (uint32_t, node))
{
	if (d1_hart_id())
		return;
	if (kind)
		d1_dma_copy((uint16_t)kind, (uint16_t)node, (uintptr_t)sram,
			    (uintptr_t)sram, 64);
	else
		d1_sem_signal(D1_SEM_NODE(node, 0), 1);
}

/* @n thousand empty loop rounds on hart 0 of every node. */
D1_KERNEL(loop, (uint32_t, n))
{
	uint32_t i, j;

	if (d1_hart_id())
		return;
	for (i = 0; i < n; i++)
		for (j = 0; j < 1000; j++)
			__asm__ volatile("");
}

/* Hart 0 of every node exits with @base + its node id. */
D1_KERNEL(exit_node, (uint32_t, base))
{
	if (!d1_hart_id())
		d1_exit(base + d1_node_id());
}

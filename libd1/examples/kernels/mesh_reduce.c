// SPDX-License-Identifier: MIT
/*
 * Sum of n uint32 (mod 2^32) across the mesh.  Each node of the launch
 * sums its slice on the vector unit; a barrier marks every partial sum
 * ready; then a binary tree over the ranks folds them into rank 0: at
 * level l a node DMAs its sum straight into the SRAM of the node 2^l ranks
 * below it (node-to-node DMA) and signals that node's semaphore l.
 * out[0] gets the total, out[1 + rank] each node's partial.
 */
#include <d1/device/d1_launch.h>

#define TILE	4096

static uint32_t tile[TILE];
static uint32_t mine[16] __attribute__((aligned(64)));
static uint32_t inbox[16][16] __attribute__((aligned(64)));

D1_KERNEL(mesh_reduce, (d1_devptr, data), (uint32_t, n), (d1_devptr, out))
{
	uint32_t rank = d1_launch_rank(), ranks = d1_launch_size();
	uint32_t per = (n + ranks - 1) / ranks, start = rank * per;
	uint32_t end = start + per < n ? start + per : n, sum = 0, t, i, s, lvl;

	if (d1_hart_id())
		return;
	/* 1: the local slice, 16 lanes at a time. */
	d1_vsplat(D1_T_INT32, 1, 0);
	for (t = start; t < end; t += TILE) {
		uint32_t len = end - t < TILE ? end - t : TILE;

		d1_dma_copy(D1_DMA_HBM_TO_SRAM, 0, (uintptr_t)tile,
			    data.addr + (uint64_t)t * 4, len * 4);
		for (i = 0; i + 16 <= len; i += 16) {
			d1_vld(2, &tile[i]);
			d1_vadd(D1_T_INT32, 1, 1, 2);
		}
		for (; i < len; i++)
			sum += tile[i];
	}
	d1_vredsum(D1_T_INT32, 3, 1);
	sum += (uint32_t)d1_vget(D1_T_INT32, 3, 0);
	mine[0] = sum;
	d1_dma_copy(D1_DMA_SRAM_TO_HBM, 0, out.addr + 4 + rank * 4,
		    (uintptr_t)mine, 4);

	/* 2: everyone has a partial. */
	d1_barrier();

	/* 3: the tree. */
	for (s = 1, lvl = 0; s < ranks; s <<= 1, lvl++) {
		if (rank % (2 * s) == s) {
			uint32_t to = d1_launch_node(rank - s);

			d1_dma_copy(D1_DMA_TO_NODE, (uint16_t)to,
				    (uintptr_t)inbox[lvl], (uintptr_t)mine, 64);
			d1_sem_signal(D1_SEM_NODE(to, lvl), 1);
			return;
		}
		if (rank % (2 * s) == 0 && rank + s < ranks) {
			d1_sem_wait(lvl, 1);
			mine[0] += inbox[lvl][0];
		}
	}
	d1_dma_copy(D1_DMA_SRAM_TO_HBM, 0, out.addr, (uintptr_t)mine, 4);
	d1_printf("mesh_reduce: %u ranks, total %u\n", ranks, mine[0]);
}

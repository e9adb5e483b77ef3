// SPDX-License-Identifier: GPL-2.0
/* Mesh DMA and synchronisation kernels (see enum sync_mode). */
#include <d1/device/d1_kernel.h>

#include "kargs.h"

#define RECV	KDATA_IN		/* two receive buffers */
#define ACC	KDATA_OUT
#define SEND	KDATA_OUT2

/* Ring all-reduce (sum of int32 vectors): pass buffers to the right,
 * double-buffered, with a data semaphore (0) and a credit semaphore (1). */
static int ring(const struct sync_args *a)
{
	uint32_t n = d1_grid_nodes(), id = d1_node_id();
	uint32_t right = (id + 1) % n, left = (id + n - 1) % n;
	int32_t *acc = (int32_t *)(uintptr_t)ACC, *send = (int32_t *)(uintptr_t)SEND;
	uint64_t bytes = a->len * 4, i, step;

	for (i = 0; i < a->len; i++)
		send[i] = acc[i];	/* the host filled ACC */
	d1_sem_signal(D1_SEM_LOCAL(1), 2);	/* two free buffers at the right */
	for (step = 1; step < n; step++) {
		uint64_t slot = RECV + (step & 1) * bytes;
		int32_t *in = (int32_t *)(uintptr_t)slot;

		d1_sem_wait(1, 1);	/* a free buffer at the right */
		d1_dma_copy(D1_DMA_TO_NODE, (uint16_t)right, slot,
			    (uintptr_t)send, (uint32_t)bytes);
		d1_sem_signal(D1_SEM_NODE(right, 0), 1);
		d1_sem_wait(0, 1);	/* data from the left */
		for (i = 0; i < a->len; i += 16) {
			d1_vld(1, &in[i]);
			d1_vld(2, &acc[i]);
			d1_vadd(D1_T_INT32, 2, 2, 1);
			d1_vst(2, &acc[i]);
			d1_vst(1, &send[i]);
		}
		d1_sem_signal(D1_SEM_NODE(left, 1), 1);	/* buffer consumed */
	}
	return 0;
}

static int pingpong(const struct sync_args *a)
{
	uint32_t id = d1_node_id(), peer = id ^ 1;
	volatile uint64_t *ball = (volatile uint64_t *)(uintptr_t)RECV;
	uint64_t r;

	if (id > 1)
		return 0;
	if (id == 0) {
		*ball = 0;
		d1_sem_signal(D1_SEM_LOCAL(0), 1);
	}
	for (r = 0; r < a->rounds; r++) {
		d1_sem_wait(0, 1);
		*ball += 1;
		d1_dma_copy(D1_DMA_TO_NODE, (uint16_t)peer, RECV,
			    (uintptr_t)ball, 8);
		d1_sem_signal(D1_SEM_NODE(peer, 0), 1);
	}
	if (id == 0)
		d1_sem_wait(0, 1);	/* the last ball from node 1 */
	return (int)*ball;
}

/* Every phase: each node pushes f(phase, id) into node 0's table, then a
 * barrier; node 0 sums the table after it.  Every hart takes part. */
static int barrier_phases(const struct sync_args *a, unsigned int hart)
{
	uint32_t id = d1_node_id(), harts = d1_nharts();
	uint64_t *table = (uint64_t *)(uintptr_t)RECV;
	uint64_t *sums = (uint64_t *)(uintptr_t)ACC;
	uint64_t *mine = (uint64_t *)(uintptr_t)(SEND + hart * 64);
	uint64_t p;

	for (p = 0; p < a->rounds; p++) {
		/* skew: nodes and harts arrive epochs apart */
		for (volatile uint64_t d = 0; d < (id * 3 + hart + p) % 7 * 500; d++)
			;
		*mine = (p + 1) * 1000 + id * 10 + hart;
		d1_dma_copy(D1_DMA_TO_NODE, 0,
			    (uintptr_t)&table[id * harts + hart],
			    (uintptr_t)mine, 8);
		d1_barrier();
		if (id == 0 && hart == 0) {
			uint64_t s = 0, i;

			for (i = 0; i < d1_grid_nodes() * harts; i++)
				s += table[i];
			sums[p] = s;
		}
		d1_barrier();
	}
	return 0;
}

/* Four harts each sum a quarter of 1..4096; harts 1-3 hand their part
 * to hart 0 through SRAM and a local semaphore. */
static int smt(unsigned int hart)
{
	volatile uint64_t *part = (volatile uint64_t *)(uintptr_t)RECV;
	uint64_t s = 0, i;

	for (i = hart * 1024 + 1; i <= (hart + 1) * 1024ull; i++)
		s += i * i;
	part[hart] = s;
	if (hart) {
		d1_sem_signal(D1_SEM_LOCAL(2), 1);
		return 0;
	}
	d1_sem_wait(2, 3);
	*(uint64_t *)(uintptr_t)ACC = part[0] + part[1] + part[2] + part[3];
	return 0;
}

/* Read the left neighbour's ACC (filled by the host) into RECV. */
static int pull(const struct sync_args *a)
{
	uint32_t n = d1_grid_nodes(), id = d1_node_id();

	d1_dma_copy(D1_DMA_FROM_NODE, (uint16_t)((id + n - 1) % n), RECV, ACC,
		    (uint32_t)(a->len * 4));
	return 0;
}

/* Gather four 64-byte pieces of ACC in reverse order with one list. */
static int list(void)
{
	struct d1_dma_desc d[4];
	int i;

	for (i = 0; i < 4; i++) {
		d[i].src = ACC + (3 - i) * 64;
		d[i].dst = RECV + i * 64;
		d[i].len = 64;
		d[i].kind = D1_DMA_SRAM_TO_SRAM | (i < 3 ? D1_DMA_LIST : 0);
		d[i].node = 0;
		d[i].next = (uintptr_t)&d[i + 1 < 4 ? i + 1 : i];
	}
	d1_dma_wait(d1_dma_start(d));
	return 0;
}

int d1_main(void *argp, unsigned int hart)
{
	const struct sync_args *a = argp;

	switch (a->mode) {
	case SYNC_RING: return ring(a);
	case SYNC_PINGPONG: return pingpong(a);
	case SYNC_BARRIER: return barrier_phases(a, hart);
	case SYNC_SMT: return smt(hart);
	case SYNC_PULL: return pull(a);
	case SYNC_LIST: return list();
	}
	return -1;
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host test bench for the DIP core: fake host memory behind the bus
 * callbacks, an HBM buffer, a page-table builder and ring helpers, so queue
 * behaviour is testable without QEMU.
 */
#ifndef D1_DIP_HARNESS_H
#define D1_DIP_HARNESS_H

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>

#include "dip.h"

#define BENCH_BUS_BASE	0x80000000ull	/* host memory's bus address */
#define BENCH_BUS_SIZE	(16u << 20)
#define BENCH_HBM_SIZE	(16u << 20)

struct bench {
	struct d1_dip d;
	uint8_t *bus;		/* fake host memory */
	uint8_t *hbm;
	uint64_t hbm_size;
	uint64_t bus_brk;	/* next free bus byte (page tables, rings) */
	pthread_mutex_t lock;
	/*
	 * Queue threads reach host memory at once (a SIGNAL on one queue, a
	 * WAIT polling the same word on another); each access is whole, as
	 * a DMA transaction is.
	 */
	pthread_mutex_t bus_lock;
	unsigned int notifies[1 + D1_DIP_MAX_QUEUES];
	unsigned int errors;
	/* A link stream (cfg.link_wire): its socket + 1, 0: none. */
	int wire_fd;
	pthread_mutex_t wire_lock;	/* one message at a time */
};

static inline int bench_bus_read(void *opaque, uint64_t addr, void *buf,
				 uint64_t len)
{
	struct bench *b = opaque;

	if (addr < BENCH_BUS_BASE || addr - BENCH_BUS_BASE > BENCH_BUS_SIZE ||
	    len > BENCH_BUS_SIZE - (addr - BENCH_BUS_BASE))
		return -1;
	pthread_mutex_lock(&b->bus_lock);
	memcpy(buf, b->bus + (addr - BENCH_BUS_BASE), len);
	pthread_mutex_unlock(&b->bus_lock);
	return 0;
}

static inline int bench_bus_write(void *opaque, uint64_t addr,
				  const void *buf, uint64_t len)
{
	struct bench *b = opaque;

	if (addr < BENCH_BUS_BASE || addr - BENCH_BUS_BASE > BENCH_BUS_SIZE ||
	    len > BENCH_BUS_SIZE - (addr - BENCH_BUS_BASE))
		return -1;
	pthread_mutex_lock(&b->bus_lock);
	memcpy(b->bus + (addr - BENCH_BUS_BASE), buf, len);
	pthread_mutex_unlock(&b->bus_lock);
	return 0;
}

static inline void bench_notify(void *opaque, unsigned int vec)
{
	struct bench *b = opaque;

	pthread_mutex_lock(&b->lock);
	b->notifies[vec]++;
	pthread_mutex_unlock(&b->lock);
}

static inline unsigned int bench_notifies(struct bench *b, unsigned int vec)
{
	unsigned int n;

	pthread_mutex_lock(&b->lock);
	n = b->notifies[vec];
	pthread_mutex_unlock(&b->lock);
	return n;
}

static inline void bench_guest_error(void *opaque, const char *msg,
				     uint64_t addr)
{
	struct bench *b = opaque;

	(void)msg;
	(void)addr;
	/* Also from the threads that feed a link stream. */
	__atomic_fetch_add(&b->errors, 1, __ATOMIC_RELAXED);
}

static inline uint64_t bench_now(void *opaque)
{
	struct timespec ts;

	(void)opaque;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* A link stream over a socket: whole messages, one at a time. */
static inline int bench_link_send(void *opaque, const void *buf, size_t len)
{
	struct bench *b = opaque;
	const char *p = buf;
	ssize_t n = 0;

	if (!b->wire_fd)
		return -1;
	pthread_mutex_lock(&b->wire_lock);
	while (len && (n = send(b->wire_fd - 1, p, len, MSG_NOSIGNAL)) > 0) {
		p += n;
		len -= n;
	}
	pthread_mutex_unlock(&b->wire_lock);
	return len ? -1 : 0;
}

static const struct d1_dip_ops bench_ops = {
	.notify = bench_notify,
	.guest_error = bench_guest_error,
	.bus_read = bench_bus_read,
	.bus_write = bench_bus_write,
	.now_ns = bench_now,
	.link_send = bench_link_send,
};

static inline struct d1_dip_config bench_config(void)
{
	struct d1_dip_config c = {
		.grid_rows = 2, .grid_cols = 2, .nodes = 4,
		.sram_size = 1280 * 1024, .num_queues = 4, .num_contexts = 16,
		.hbm_size = BENCH_HBM_SIZE,
	};
	return c;
}

static inline int bench_init(struct bench *b, const struct d1_dip_config *c)
{
	memset(b, 0, sizeof(*b));
	pthread_mutex_init(&b->lock, NULL);
	pthread_mutex_init(&b->bus_lock, NULL);
	pthread_mutex_init(&b->wire_lock, NULL);
	b->bus = calloc(1, BENCH_BUS_SIZE);
	/* Pages on first touch: tests that only read the HBM size registers
	 * ask for gigabytes, which calloc() under ASan would poison whole. */
	b->hbm = mmap(NULL, c->hbm_size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	b->hbm_size = c->hbm_size;
	b->bus_brk = BENCH_BUS_BASE + BENCH_BUS_SIZE / 2;
	if (!b->bus || b->hbm == MAP_FAILED)
		return -1;
	return d1_dip_init(&b->d, c, b->hbm, &bench_ops, b);
}

static inline void bench_fini(struct bench *b)
{
	d1_dip_destroy(&b->d);
	free(b->bus);
	if (b->hbm && b->hbm != MAP_FAILED)
		munmap(b->hbm, b->hbm_size);
	pthread_mutex_destroy(&b->lock);
	pthread_mutex_destroy(&b->bus_lock);
	pthread_mutex_destroy(&b->wire_lock);
}

static inline uint32_t rd(struct bench *b, uint64_t off)
{
	return d1_dip_reg_read(&b->d, off, 4);
}

static inline void wr(struct bench *b, uint64_t off, uint32_t v)
{
	d1_dip_reg_write(&b->d, off, v, 4);
}

/* Host memory: pointer for a bus address in the fake host memory. */
static inline void *bench_ptr(struct bench *b, uint64_t bus)
{
	return b->bus + (bus - BENCH_BUS_BASE);
}

/* Zeroed, 4 KiB aligned bus memory from the upper half. */
static inline uint64_t bench_alloc(struct bench *b, uint64_t size)
{
	uint64_t a = b->bus_brk;

	b->bus_brk += (size + 4095) & ~4095ull;
	memset(bench_ptr(b, a), 0, size);
	return a;
}

static inline uint64_t *bench_pte(struct bench *b, uint64_t table,
				  unsigned int idx)
{
	return (uint64_t *)bench_ptr(b, table) + idx;
}

/* Map [va, va+size) of a page table at @root to @target (4 KiB pages). */
static inline void bench_map(struct bench *b, uint64_t root, uint64_t va,
			     uint64_t target, uint64_t size, uint64_t flags)
{
	uint64_t off;

	for (off = 0; off < size; off += D1_PAGE_SIZE) {
		uint64_t v = va + off, table = root, *pte;
		int level;

		for (level = D1_PT_LEVELS - 1; level > 0; level--) {
			pte = bench_pte(b, table, (v >> D1_PT_SHIFT(level)) & 511);
			if (!(*pte & D1_PTE_VALID))
				*pte = bench_alloc(b, 4096) | D1_PTE_VALID;
			table = *pte & D1_PTE_ADDR_MASK;
		}
		pte = bench_pte(b, table, (v >> D1_PAGE_SHIFT) & 511);
		*pte = (target + off) | flags | D1_PTE_VALID | D1_PTE_LEAF;
	}
}

/* A context with an empty page table; returns the root's bus address. */
static inline uint64_t bench_context(struct bench *b, unsigned int ctx)
{
	uint64_t root = bench_alloc(b, 4096);

	wr(b, D1_REG_CTX(ctx, D1_CTX_PT_LO), (uint32_t)root);
	wr(b, D1_REG_CTX(ctx, D1_CTX_PT_HI), (uint32_t)(root >> 32));
	wr(b, D1_REG_CTX(ctx, D1_CTX_CTRL), D1_CTX_VALID);
	return root;
}

struct bench_queue {
	unsigned int idx;
	uint64_t ring;
	uint32_t size, tail;
};

static inline void bench_queue_start(struct bench *b, struct bench_queue *q,
				     unsigned int idx, unsigned int ctx,
				     uint32_t size)
{
	q->idx = idx;
	q->size = size;
	q->tail = 0;
	q->ring = bench_alloc(b, (uint64_t)size * D1_DESC_SIZE);
	wr(b, D1_REG_Q(idx, D1_Q_RING_LO), (uint32_t)q->ring);
	wr(b, D1_REG_Q(idx, D1_Q_RING_HI), (uint32_t)(q->ring >> 32));
	wr(b, D1_REG_Q(idx, D1_Q_RING_SIZE), size);
	wr(b, D1_REG_Q(idx, D1_Q_CTX), ctx);
	wr(b, D1_REG_Q(idx, D1_Q_IRQ_MASK),
	   D1_Q_IRQ_COMPLETE | D1_Q_IRQ_ERROR);
	wr(b, D1_REG_Q(idx, D1_Q_CTRL), D1_Q_CTRL_ENABLE);
}

/* Descriptor @op with words 1..3 (COPY, LINK_COPY: src, dst, bytes). */
static inline void bench_desc(uint64_t *w, unsigned int op, uint64_t w1,
			      uint64_t w2, uint64_t w3, unsigned int flags,
			      uint32_t seq)
{
	memset(w, 0, D1_DESC_SIZE);
	w[0] = D1_DESC_HDR(op, flags, seq);
	w[1] = w1;
	w[2] = w2;
	w[3] = w3;
}

/* Queue one descriptor (8 words) and ring the doorbell. */
static inline void bench_submit(struct bench *b, struct bench_queue *q,
				const uint64_t *w)
{
	memcpy(bench_ptr(b, q->ring + (uint64_t)q->tail * D1_DESC_SIZE), w,
	       D1_DESC_SIZE);
	q->tail = (q->tail + 1) & (q->size - 1);
	wr(b, D1_REG_Q(q->idx, D1_Q_TAIL), q->tail);
}

/* Wait until the queue drained or stopped; returns Q_STATUS (-1 timeout). */
static inline int64_t bench_wait(struct bench *b, struct bench_queue *q,
				 unsigned int ms)
{
	uint64_t end = bench_now(NULL) + (uint64_t)ms * 1000000;

	while (bench_now(NULL) < end) {
		uint32_t st = rd(b, D1_REG_Q(q->idx, D1_Q_STATUS));

		if ((st & D1_Q_STATUS_STOPPED) ||
		    (!(st & D1_Q_STATUS_BUSY) &&
		     rd(b, D1_REG_Q(q->idx, D1_Q_HEAD)) == q->tail))
			return st;
		nanosleep(&(struct timespec){ .tv_nsec = 100000 }, NULL);
	}
	return -1;
}

/* Wait until register @reg has a bit of @mask set; false on timeout. */
static inline bool bench_until(struct bench *b, uint64_t reg, uint32_t mask,
			       unsigned int ms)
{
	uint64_t end = bench_now(NULL) + (uint64_t)ms * 1000000;

	while (!(rd(b, reg) & mask)) {
		if (bench_now(NULL) >= end)
			return false;
		nanosleep(&(struct timespec){ .tv_nsec = 100000 }, NULL);
	}
	return true;
}

#endif /* D1_DIP_HARNESS_H */

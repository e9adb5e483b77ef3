// SPDX-License-Identifier: GPL-2.0
/*
 * Bounded random testing of the DIP core: random descriptors (opcodes,
 * flags, reserved bits, addresses, sizes, launch fields) over a context
 * whose page tables include random garbage entries.  Pass: every command
 * ends (completes or stops the queue) within its deadline, memory nobody
 * mapped is never written, and the device still runs a known-good command.
 * The seed is printed; D1_FUZZ_SEED (a number, or "random") and
 * D1_FUZZ_ITERS reproduce or extend a run (make stress does).
 */
#include <stdio.h>

#include "dip_harness.h"
#include "kselftest_harness.h"

#define VA_OK	0x100000000ull	/* 64 KiB of scratch host memory, RW */
#define VA_RO	0x100100000ull	/* the same memory, read-only */
#define VA_HBM	0x200000000ull	/* 64 KiB of HBM */
#define VA_JUNK	0x300000000ull	/* 2 MiB behind a table of random PTEs */
#define SCRATCH	(64u << 10)
/* Bus memory [SENTINEL, SENTINEL + 1 MiB) is never mapped. */
#define SENTINEL (BENCH_BUS_BASE + (1u << 20))

static uint64_t rng;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static uint64_t pick_va(void)
{
	static const uint64_t bases[] = { VA_OK, VA_RO, VA_HBM, VA_JUNK, 0,
					  1ull << 39, ~0ull - 4096 };
	uint64_t base = bases[next() % 7];

	return base + next() % (SCRATCH + 8192);
}

static uint64_t pick_size(void)
{
	switch (next() % 6) {
	case 0:
		return 0;
	case 1:
		return next() % 16;
	case 2:
		return next() % SCRATCH;
	case 3:
		return (1ull << 30) + next() % 3 - 1;
	case 4:
		return next();
	default:
		return 8;
	}
}

static void random_desc(uint64_t *w)
{
	static const unsigned int ops[] = {
		D1_OP_NOP, D1_OP_COPY, D1_OP_SIGNAL, D1_OP_WAIT,
		D1_OP_TIMESTAMP, D1_OP_LAUNCH, D1_OP_LINK_COPY, 0xff,
	};
	unsigned int op = ops[next() % 8], flags = next() % 4 ? next() & 3 : next() & 0xff;
	unsigned int i;

	for (i = 0; i < 8; i++)
		w[i] = 0;
	w[0] = D1_DESC_HDR(op, flags, next() & 0xffffffff);
	if (next() % 8 == 0)
		w[0] |= next() & 0xffff0000ull;		/* ctx / reserved */
	w[1] = pick_va();
	w[2] = op == D1_OP_COPY ? pick_va() : next() % 3 ? 0 : next();
	w[3] = op == D1_OP_COPY ? pick_size() : 0;
	if (op == D1_OP_WAIT)
		w[2] = next() % 2;	/* mostly satisfiable: memory is zero or not */
	if (op == D1_OP_LAUNCH) {
		w[2] = pick_size() | (uint64_t)(next() % 16384) << 32;
		w[3] = next() % 2 ? pick_va() : 0;
		w[4] = next() % 2 ? (next() & 0x0003000300010001ull) : next();
		w[5] = (next() % 64) | (uint64_t)(next() % 6) << 32;
		w[6] = next() % 1000;
		w[7] = pick_va();
	}
	if (next() % 16 == 0)
		w[1 + next() % 7] = next();		/* garbage in a word */
}

TEST(random_descriptors)
{
	struct d1_dip_config c = bench_config();
	const char *s = getenv("D1_FUZZ_SEED"), *n = getenv("D1_FUZZ_ITERS");
	unsigned int iters = n ? (unsigned int)strtoul(n, NULL, 0) : 3000, i;
	unsigned int stopped = 0, completed = 0;
	struct bench b;
	struct bench_queue q;
	uint64_t root, junk, w[8];
	uint8_t *sentinel;

	/* Fixed by default so make check is repeatable; "random" for stress. */
	if (s && !strcmp(s, "random"))
		rng = 0x9e3779b97f4a7c15ull ^ (uint64_t)time(NULL);
	else
		rng = s ? strtoull(s, NULL, 0) : 0x9e3779b97f4a7c15ull;
	if (!rng)
		rng = 1;
	TH_LOG("seed 0x%llx, %u iterations", (unsigned long long)rng, iters);

	ASSERT_EQ(0, bench_init(&b, &c));
	root = bench_context(&b, 0);
	bench_map(&b, root, VA_OK, BENCH_BUS_BASE, SCRATCH,
		  D1_PTE_READ | D1_PTE_WRITE);
	bench_map(&b, root, VA_RO, BENCH_BUS_BASE, SCRATCH, D1_PTE_READ);
	bench_map(&b, root, VA_HBM, 0, SCRATCH,
		  D1_PTE_READ | D1_PTE_WRITE | D1_PTE_HBM);
	/* A page of random entries: each either points into the scratch
	 * area (any flags, reserved bits included) or outside bus memory.
	 */
	bench_map(&b, root, VA_JUNK, BENCH_BUS_BASE, 4096, D1_PTE_READ);
	junk = *bench_pte(&b, root, (VA_JUNK >> 30) & 511) & D1_PTE_ADDR_MASK;
	junk = *bench_pte(&b, junk, 0) & D1_PTE_ADDR_MASK;	/* leaf table */
	for (i = 0; i < 512; i++) {
		uint64_t e = next();

		e &= ~D1_PTE_ADDR_MASK | 0xffffull << 12;
		e &= ~D1_PTE_HBM;
		e |= next() % 2 ? BENCH_BUS_BASE + (next() % 16) * 4096 :
				  0x1000ull * (next() % 1024);
		*bench_pte(&b, junk, i) = e;
	}
	sentinel = bench_ptr(&b, SENTINEL);
	memset(sentinel, 0xa5, 1u << 20);
	bench_queue_start(&b, &q, 0, 0, 64);

	for (i = 0; i < iters; i++) {
		int64_t st;

		random_desc(w);
		bench_submit(&b, &q, w);
		/* A WAIT may legitimately block: give it little time. */
		st = bench_wait(&b, &q, (w[0] & 0xff) == D1_OP_WAIT ? 20 : 10000);
		if (st < 0 && (w[0] & 0xff) == D1_OP_WAIT) {
			/* An unsatisfiable WAIT is legal: reset recovers. */
			st = D1_Q_STATUS_STOPPED;
		}
		ASSERT_LE(0, st) {
			TH_LOG("iteration %u hung: w0 %llx", i,
			       (unsigned long long)w[0]);
		}
		if (st & D1_Q_STATUS_STOPPED || next() % 50 == 0) {
			stopped += !!(st & D1_Q_STATUS_STOPPED);
			wr(&b, D1_REG_Q(0, D1_Q_CTRL), D1_Q_CTRL_RESET);
			wr(&b, D1_REG_Q(0, D1_Q_CTRL), D1_Q_CTRL_ENABLE);
			q.tail = 0;
		} else {
			completed++;
		}
		if (next() % 200 == 0)
			wr(&b, D1_REG_FAULT_STATUS, 0);
	}
	TH_LOG("%u completed, %u stopped the queue", completed, stopped);
	EXPECT_LT(0u, completed);
	EXPECT_LT(0u, stopped);

	/* Nothing unmapped was written. */
	for (i = 0; i < (1u << 20); i++)
		ASSERT_EQ(0xa5, sentinel[i]);

	/* The device still works. */
	memset(bench_ptr(&b, BENCH_BUS_BASE), 0x3c, 256);
	w[0] = D1_DESC_HDR(D1_OP_COPY, 0, 0);
	w[1] = VA_OK;
	w[2] = VA_HBM + 1024;
	w[3] = 256;
	w[4] = w[5] = w[6] = w[7] = 0;
	bench_submit(&b, &q, w);
	EXPECT_EQ(0, bench_wait(&b, &q, 10000));
	EXPECT_EQ(0, memcmp(b.hbm + 1024, bench_ptr(&b, BENCH_BUS_BASE), 256));
	bench_fini(&b);
}

TEST_HARNESS_MAIN

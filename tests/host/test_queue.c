// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the DIP command queues and device MMU (qemu-device/core/
 * queue.c, mmu.c): every command type, translation, each fault type,
 * cross-queue WAIT/SIGNAL, resets and bad descriptors.
 */
#include "dip_harness.h"
#include "kselftest_harness.h"

#define VA_HOST	0x100000000ull	/* where the tests map host buffers */
#define VA_HBM	0x200000000ull	/* ... and HBM */
#define RW	(D1_PTE_READ | D1_PTE_WRITE)

FIXTURE(q) {
	struct bench b;
	struct bench_queue q0, q1;
	uint64_t root, host;	/* context 3's table; a 1 MiB host buffer */
};

FIXTURE_SETUP(q)
{
	struct d1_dip_config c = bench_config();

	ASSERT_EQ(0, bench_init(&self->b, &c));
	self->root = bench_context(&self->b, 3);
	self->host = BENCH_BUS_BASE;	/* lower half: data */
	bench_map(&self->b, self->root, VA_HOST, self->host, 1 << 20, RW);
	bench_map(&self->b, self->root, VA_HBM, 0, 1 << 20, RW | D1_PTE_HBM);
	bench_queue_start(&self->b, &self->q0, 0, 3, 64);
	bench_queue_start(&self->b, &self->q1, 1, 3, 8);
}

FIXTURE_TEARDOWN(q)
{
	bench_fini(&self->b);
}

static void fill(uint8_t *p, size_t n, unsigned int seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 131 + seed * 7 + (i >> 8));
}

static void copy_desc(uint64_t *w, uint64_t src, uint64_t dst, uint64_t n,
		      unsigned int flags, uint32_t seq)
{
	bench_desc(w, D1_OP_COPY, src, dst, n, flags, seq);
}

TEST_F(q, copy_round_trip_any_alignment)
{
	struct bench *b = &self->b;
	uint8_t *host = bench_ptr(b, self->host);
	uint64_t w[8];
	/* Odd sizes and offsets across page boundaries. */
	static const uint64_t sizes[] = { 1, 7, 4096, 4097, 12345, 300000 };
	unsigned int i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint64_t n = sizes[i], so = 13 * i + 1, ho = 4093 + i;

		fill(host + so, n, i);
		memset(host + 600000, 0, n);
		/* host -> HBM -> host */
		copy_desc(w, VA_HOST + so, VA_HBM + ho, n, 0, 0);
		bench_submit(b, &self->q0, w);
		copy_desc(w, VA_HBM + ho, VA_HOST + 600000, n,
			  D1_DESC_F_FENCE, 100 + i);
		bench_submit(b, &self->q0, w);
		ASSERT_EQ(0, bench_wait(b, &self->q0, 5000));
		ASSERT_EQ(0, memcmp(host + so, b->hbm + ho, n));
		ASSERT_EQ(0, memcmp(host + so, host + 600000, n));
		EXPECT_EQ(100 + i, rd(b, D1_REG_Q(0, D1_Q_FENCE)));
	}
	EXPECT_EQ(2 * i, rd(b, D1_REG_Q(0, D1_Q_CMDS_LO)));
	EXPECT_EQ(2 * (1 + 7 + 4096 + 4097 + 12345 + 300000),
		  rd(b, D1_REG_Q(0, D1_Q_DMA_BYTES_LO)));
	EXPECT_EQ(0u, rd(b, D1_REG_FAULT_COUNT));
}

TEST_F(q, signal_timestamp_and_interrupts)
{
	struct bench *b = &self->b;
	uint64_t w[8] = { 0 }, *mem = bench_ptr(b, self->host);
	unsigned int before = bench_notifies(b, D1_MSIX_VEC_QUEUE(0));

	w[0] = D1_DESC_HDR(D1_OP_TIMESTAMP, 0, 0);
	w[1] = VA_HOST + 8;
	bench_submit(b, &self->q0, w);
	w[0] = D1_DESC_HDR(D1_OP_SIGNAL, D1_DESC_F_IRQ, 0);
	w[1] = VA_HOST;
	w[2] = 0xfeedfacecafef00dull;
	bench_submit(b, &self->q0, w);
	w[0] = D1_DESC_HDR(D1_OP_TIMESTAMP, D1_DESC_F_IRQ | D1_DESC_F_FENCE, 9);
	w[1] = VA_HOST + 16;
	w[2] = 0;
	bench_submit(b, &self->q0, w);
	ASSERT_EQ(0, bench_wait(b, &self->q0, 5000));
	EXPECT_EQ(0xfeedfacecafef00dull, mem[0]);
	EXPECT_NE(0u, mem[1]);
	EXPECT_LE(mem[1], mem[2]);
	EXPECT_EQ(9u, rd(b, D1_REG_Q(0, D1_Q_FENCE)));
	EXPECT_EQ(D1_Q_IRQ_COMPLETE, rd(b, D1_REG_Q(0, D1_Q_IRQ_STATUS)));
	EXPECT_LE(before + 1, bench_notifies(b, D1_MSIX_VEC_QUEUE(0)));
	EXPECT_EQ(0u, bench_notifies(b, D1_MSIX_VEC_QUEUE(1)));
	wr(b, D1_REG_Q(0, D1_Q_IRQ_STATUS), D1_Q_IRQ_COMPLETE);
	EXPECT_EQ(0u, rd(b, D1_REG_Q(0, D1_Q_IRQ_STATUS)));
}

TEST_F(q, wait_across_queues)
{
	struct bench *b = &self->b;
	uint64_t w[8] = { 0 }, *mem = bench_ptr(b, self->host);

	/* q1 waits for mem[0] >= 5, then copies; q0 signals later. */
	w[0] = D1_DESC_HDR(D1_OP_WAIT, 0, 0);
	w[1] = VA_HOST;
	w[2] = 5;
	bench_submit(b, &self->q1, w);
	w[0] = D1_DESC_HDR(D1_OP_SIGNAL, 0, 0);
	w[1] = VA_HOST + 8;
	w[2] = 77;
	bench_submit(b, &self->q1, w);
	EXPECT_EQ(-1, bench_wait(b, &self->q1, 50));
	EXPECT_EQ(0u, mem[1]);

	w[1] = VA_HOST;
	w[2] = 4;		/* not enough */
	bench_submit(b, &self->q0, w);
	ASSERT_EQ(0, bench_wait(b, &self->q0, 5000));
	EXPECT_EQ(-1, bench_wait(b, &self->q1, 50));
	w[2] = 5;
	bench_submit(b, &self->q0, w);
	ASSERT_EQ(0, bench_wait(b, &self->q1, 5000));
	EXPECT_EQ(77u, mem[1]);
}

TEST_F(q, unmapped_access_faults_and_stops_queue)
{
	struct bench *b = &self->b;
	uint64_t w[8];
	uint32_t st, f;

	wr(b, D1_REG_IRQ_MASK, D1_IRQ_ALL);
	copy_desc(w, VA_HOST, VA_HBM + (1 << 20) - 8, 16, 0, 0);
	bench_submit(b, &self->q0, w);
	copy_desc(w, VA_HOST, VA_HOST + 64, 8, 0, 0);	/* must not run */
	bench_submit(b, &self->q0, w);
	st = bench_wait(b, &self->q0, 5000);
	ASSERT_TRUE(st & D1_Q_STATUS_STOPPED);
	EXPECT_EQ((uint32_t)D1_QERR_MMU_FAULT, D1_Q_STATUS_ERROR(st));
	EXPECT_EQ(0u, rd(b, D1_REG_Q(0, D1_Q_HEAD)));	/* on the culprit */
	f = rd(b, D1_REG_FAULT_STATUS);
	EXPECT_TRUE(f & D1_FAULT_VALID);
	EXPECT_EQ(3u, D1_FAULT_CTX(f));
	EXPECT_EQ(0u, D1_FAULT_QUEUE(f));
	EXPECT_EQ((uint32_t)D1_ACCESS_WRITE, D1_FAULT_ACCESS(f));
	EXPECT_EQ((uint32_t)D1_MMU_UNMAPPED, D1_FAULT_REASON(f));
	EXPECT_EQ((uint32_t)(VA_HBM + (1 << 20)), rd(b, D1_REG_FAULT_VA_LO));
	EXPECT_EQ((uint32_t)(VA_HBM >> 32), rd(b, D1_REG_FAULT_VA_HI));
	EXPECT_TRUE(rd(b, D1_REG_IRQ_STATUS) & D1_IRQ_FAULT);
	EXPECT_LE(1u, bench_notifies(b, D1_MSIX_VEC_DEVICE));
	EXPECT_TRUE(rd(b, D1_REG_Q(0, D1_Q_IRQ_STATUS)) & D1_Q_IRQ_ERROR);
	EXPECT_EQ(1u, rd(b, D1_REG_Q(0, D1_Q_FAULTS)));
	/* The first 8 bytes were in range: HBM got them, the rest not. */
	EXPECT_EQ(0, memcmp(b->hbm + (1 << 20) - 8, bench_ptr(b, self->host), 8));

	/* Another queue of the same device keeps working. */
	copy_desc(w, VA_HOST, VA_HOST + 128, 8, 0, 0);
	bench_submit(b, &self->q1, w);
	EXPECT_EQ(0, bench_wait(b, &self->q1, 5000));

	/* Reset recovers the queue. */
	wr(b, D1_REG_FAULT_STATUS, 0);
	EXPECT_EQ(0u, rd(b, D1_REG_FAULT_STATUS));
	wr(b, D1_REG_Q(0, D1_Q_CTRL), D1_Q_CTRL_RESET);
	EXPECT_EQ(0u, rd(b, D1_REG_Q(0, D1_Q_STATUS)));
	EXPECT_EQ(0u, rd(b, D1_REG_Q(0, D1_Q_CTRL)));
	wr(b, D1_REG_Q(0, D1_Q_CTRL), D1_Q_CTRL_ENABLE);
	self->q0.tail = 0;
	copy_desc(w, VA_HOST, VA_HBM, 8, 0, 0);
	bench_submit(b, &self->q0, w);
	EXPECT_EQ(0, bench_wait(b, &self->q0, 5000));
}

TEST_F(q, fault_reasons)
{
	struct bench *b = &self->b;
	struct {
		uint64_t va;
		unsigned int access, reason;
	} cases[] = {
		{ VA_HOST + (2 << 20), D1_ACCESS_READ, D1_MMU_UNMAPPED },
		{ 1ull << 40, D1_ACCESS_READ, D1_MMU_UNMAPPED },
		{ 0x300000000ull, D1_ACCESS_WRITE, D1_MMU_PERMISSION },
		{ 0x400000000ull, D1_ACCESS_READ, D1_MMU_BAD_PTE },
		{ 0x500000000ull, D1_ACCESS_READ, D1_MMU_RANGE },
		{ 0x600000000ull, D1_ACCESS_READ, D1_MMU_BUS },
	};
	unsigned int i;
	uint64_t w[8];

	/* Read-only page, a PTE with reserved bits, HBM beyond the end,
	 * and a host page outside bus memory.
	 */
	bench_map(b, self->root, 0x300000000ull, self->host, 4096, D1_PTE_READ);
	bench_map(b, self->root, 0x400000000ull, self->host, 4096,
		  D1_PTE_READ | (1ull << 5));
	bench_map(b, self->root, 0x500000000ull, BENCH_HBM_SIZE, 4096,
		  D1_PTE_READ | D1_PTE_HBM);
	bench_map(b, self->root, 0x600000000ull, 0x1000, 4096, D1_PTE_READ);

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint32_t st, f;

		if (cases[i].access == D1_ACCESS_WRITE)
			copy_desc(w, VA_HOST, cases[i].va, 8, 0, 0);
		else
			copy_desc(w, cases[i].va, VA_HOST, 8, 0, 0);
		wr(b, D1_REG_Q(0, D1_Q_CTRL), D1_Q_CTRL_RESET);
		wr(b, D1_REG_Q(0, D1_Q_CTRL), D1_Q_CTRL_ENABLE);
		wr(b, D1_REG_FAULT_STATUS, 0);
		self->q0.tail = 0;
		bench_submit(b, &self->q0, w);
		st = bench_wait(b, &self->q0, 5000);
		EXPECT_EQ((uint32_t)D1_QERR_MMU_FAULT, D1_Q_STATUS_ERROR(st));
		f = rd(b, D1_REG_FAULT_STATUS);
		EXPECT_EQ(cases[i].reason, D1_FAULT_REASON(f)) {
			TH_LOG("case %u", i);
		}
		EXPECT_EQ(cases[i].access, D1_FAULT_ACCESS(f));
		EXPECT_EQ((uint32_t)cases[i].va, rd(b, D1_REG_FAULT_VA_LO));
	}
	EXPECT_EQ(i, rd(b, D1_REG_FAULT_COUNT));
}

TEST_F(q, large_pages)
{
	struct bench *b = &self->b;
	uint64_t mid = bench_alloc(&self->b, 4096), w[8];
	uint64_t base = BENCH_BUS_BASE + (2u << 20);	/* 2 MiB aligned */
	uint8_t *p = bench_ptr(b, base);
	uint32_t st;

	/* VA 0x4_0000_0000: root slot 16 -> a middle table whose slot 0 is
	 * a 2 MiB page, slot 1 a misaligned one; root slot 17 maps 1 GiB of
	 * HBM, more than the card has.
	 */
	*bench_pte(b, self->root, 16) = mid | D1_PTE_VALID;
	*bench_pte(b, mid, 0) = base | D1_PTE_VALID | D1_PTE_LEAF | RW;
	*bench_pte(b, mid, 1) = (base + 4096) | D1_PTE_VALID | D1_PTE_LEAF | RW;
	*bench_pte(b, self->root, 17) = D1_PTE_VALID | D1_PTE_LEAF | RW |
					D1_PTE_HBM;

	fill(p, 4096, 3);
	copy_desc(w, 0x400000000ull + 100, 0x400000000ull + (2u << 20) - 4196,
		  4096, 0, 0);
	bench_submit(b, &self->q0, w);
	ASSERT_EQ(0, bench_wait(b, &self->q0, 5000));
	EXPECT_EQ(0, memcmp(p + 100, p + (2u << 20) - 4196, 4096));

	copy_desc(w, 0x400000000ull + (2u << 20), VA_HOST, 8, 0, 0);
	bench_submit(b, &self->q0, w);
	st = bench_wait(b, &self->q0, 5000);
	EXPECT_EQ((uint32_t)D1_MMU_BAD_PTE,
		  D1_FAULT_REASON(rd(b, D1_REG_FAULT_STATUS)));
	EXPECT_EQ((uint32_t)D1_QERR_MMU_FAULT, D1_Q_STATUS_ERROR(st));

	wr(b, D1_REG_Q(0, D1_Q_CTRL), D1_Q_CTRL_RESET);
	wr(b, D1_REG_Q(0, D1_Q_CTRL), D1_Q_CTRL_ENABLE);
	wr(b, D1_REG_FAULT_STATUS, 0);
	self->q0.tail = 0;
	copy_desc(w, 0x440000000ull, VA_HOST, 8, 0, 0);
	bench_submit(b, &self->q0, w);
	st = bench_wait(b, &self->q0, 5000);
	EXPECT_EQ((uint32_t)D1_MMU_RANGE,
		  D1_FAULT_REASON(rd(b, D1_REG_FAULT_STATUS)));
}

TEST_F(q, contexts_are_isolated)
{
	struct bench *b = &self->b;
	uint64_t root5 = bench_context(b, 5), w[8];
	struct bench_queue q2;
	uint32_t st;

	/* Context 5 maps only its own page; context 3's VAs mean nothing. */
	bench_map(b, root5, VA_HOST, self->host + (512 << 10), 4096, RW);
	bench_queue_start(b, &q2, 2, 5, 8);
	fill(bench_ptr(b, self->host), 4096, 1);
	copy_desc(w, VA_HOST, VA_HOST + 4096, 16, 0, 0);
	bench_submit(b, &q2, w);
	st = bench_wait(b, &q2, 5000);
	EXPECT_EQ((uint32_t)D1_QERR_MMU_FAULT, D1_Q_STATUS_ERROR(st));
	EXPECT_EQ(5u, D1_FAULT_CTX(rd(b, D1_REG_FAULT_STATUS)));
	EXPECT_EQ(2u, D1_FAULT_QUEUE(rd(b, D1_REG_FAULT_STATUS)));

	/* A descriptor may name its context: q0 (bound to 3) runs one in 5. */
	wr(b, D1_REG_FAULT_STATUS, 0);
	copy_desc(w, VA_HOST, VA_HOST + 8, 8, D1_DESC_F_CTX, 0);
	w[0] |= D1_DESC_HDR_CTX(5);
	fill(bench_ptr(b, self->host + (512 << 10)), 8, 9);
	bench_submit(b, &self->q0, w);
	EXPECT_EQ(0, bench_wait(b, &self->q0, 5000));
	EXPECT_EQ(0, memcmp(bench_ptr(b, self->host + (512 << 10)),
			    bench_ptr(b, self->host + (512 << 10) + 8), 8));
	/* ... and faults are charged to that context. */
	copy_desc(w, VA_HOST, VA_HOST + 4096, 8, D1_DESC_F_CTX, 0);
	w[0] |= D1_DESC_HDR_CTX(5);
	bench_submit(b, &self->q0, w);
	st = bench_wait(b, &self->q0, 5000);
	EXPECT_EQ((uint32_t)D1_QERR_MMU_FAULT, D1_Q_STATUS_ERROR(st));
	EXPECT_EQ(5u, D1_FAULT_CTX(rd(b, D1_REG_FAULT_STATUS)));
	EXPECT_EQ(0u, D1_FAULT_QUEUE(rd(b, D1_REG_FAULT_STATUS)));

	/* An invalid context faults before touching anything. */
	wr(b, D1_REG_CTX(5, D1_CTX_CTRL), 0);
	wr(b, D1_REG_Q(2, D1_Q_CTRL), D1_Q_CTRL_RESET);
	wr(b, D1_REG_Q(2, D1_Q_CTRL), D1_Q_CTRL_ENABLE);
	wr(b, D1_REG_FAULT_STATUS, 0);
	q2.tail = 0;
	copy_desc(w, VA_HOST, VA_HOST + 8, 8, 0, 0);
	bench_submit(b, &q2, w);
	st = bench_wait(b, &q2, 5000);
	EXPECT_EQ((uint32_t)D1_QERR_MMU_FAULT, D1_Q_STATUS_ERROR(st));
	EXPECT_EQ((uint32_t)D1_MMU_BAD_CTX,
		  D1_FAULT_REASON(rd(b, D1_REG_FAULT_STATUS)));
}

TEST_F(q, bad_descriptors_stop_the_queue)
{
	struct bench *b = &self->b;
	struct {
		uint64_t w0, w1, w3, w7;
		unsigned int err;
	} cases[] = {
		{ 0x7f, 0, 0, 0, D1_QERR_BAD_OPCODE },
		{ D1_DESC_HDR(D1_OP_NOP, 0x80, 0), 0, 0, 0, D1_QERR_BAD_DESC },
		{ D1_DESC_HDR(D1_OP_NOP, 0, 0) | 1u << 16, 0, 0, 0, D1_QERR_BAD_DESC },
		{ D1_DESC_HDR(D1_OP_NOP, 0, 0), 5, 0, 0, D1_QERR_BAD_DESC },
		{ D1_DESC_HDR(D1_OP_COPY, 0, 0), VA_HOST, (1ull << 30) + 1, 0, D1_QERR_BAD_DESC },
		{ D1_DESC_HDR(D1_OP_COPY, 0, 0), VA_HOST, 8, 1, D1_QERR_BAD_DESC },
		{ D1_DESC_HDR(D1_OP_SIGNAL, 0, 0), VA_HOST, 0, 1, D1_QERR_BAD_DESC },
	};
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t w[8] = { cases[i].w0, cases[i].w1, VA_HOST + 64,
				  cases[i].w3, 0, 0, 0, cases[i].w7 };
		uint32_t st;

		wr(b, D1_REG_Q(0, D1_Q_CTRL), D1_Q_CTRL_RESET);
		wr(b, D1_REG_Q(0, D1_Q_CTRL), D1_Q_CTRL_ENABLE);
		self->q0.tail = 0;
		bench_submit(b, &self->q0, w);
		st = bench_wait(b, &self->q0, 5000);
		EXPECT_EQ(cases[i].err, D1_Q_STATUS_ERROR(st)) {
			TH_LOG("case %u", i);
		}
	}
	/* A NOP is fine and a good queue never reported a fault. */
	EXPECT_EQ(0u, rd(b, D1_REG_FAULT_COUNT));
}

TEST_F(q, ring_configuration_is_checked)
{
	struct bench *b = &self->b;

	/* Misaligned ring, non-power-of-two size, bad context. */
	wr(b, D1_REG_Q(3, D1_Q_RING_LO), 0x1020);
	wr(b, D1_REG_Q(3, D1_Q_RING_SIZE), 8);
	wr(b, D1_REG_Q(3, D1_Q_CTRL), D1_Q_CTRL_ENABLE);
	EXPECT_EQ((uint32_t)D1_QERR_RING,
		  D1_Q_STATUS_ERROR(rd(b, D1_REG_Q(3, D1_Q_STATUS))));
	EXPECT_EQ(0u, rd(b, D1_REG_Q(3, D1_Q_CTRL)));
	wr(b, D1_REG_Q(3, D1_Q_RING_LO), 0x1000);
	wr(b, D1_REG_Q(3, D1_Q_RING_SIZE), 6);
	wr(b, D1_REG_Q(3, D1_Q_CTRL), D1_Q_CTRL_ENABLE);
	EXPECT_EQ(0u, rd(b, D1_REG_Q(3, D1_Q_CTRL)));
	wr(b, D1_REG_Q(3, D1_Q_RING_SIZE), 8);
	wr(b, D1_REG_Q(3, D1_Q_CTX), 16);
	wr(b, D1_REG_Q(3, D1_Q_CTRL), D1_Q_CTRL_ENABLE);
	EXPECT_EQ(0u, rd(b, D1_REG_Q(3, D1_Q_CTRL)));

	/* An enabled queue's configuration is locked; TAIL is bounded. */
	wr(b, D1_REG_Q(0, D1_Q_RING_SIZE), 4);
	EXPECT_EQ(64u, rd(b, D1_REG_Q(0, D1_Q_RING_SIZE)));
	wr(b, D1_REG_Q(0, D1_Q_TAIL), 64);
	EXPECT_EQ(0u, rd(b, D1_REG_Q(0, D1_Q_TAIL)));
	EXPECT_EQ((uint32_t)D1_ERROR_BAD_ACCESS, rd(b, D1_REG_ERROR));

	/* A ring outside host memory stops the queue when it fetches. */
	wr(b, D1_REG_Q(3, D1_Q_RING_LO), 0x1000);
	wr(b, D1_REG_Q(3, D1_Q_RING_HI), 0);
	wr(b, D1_REG_Q(3, D1_Q_CTX), 0);
	wr(b, D1_REG_Q(3, D1_Q_CTRL), D1_Q_CTRL_ENABLE);
	wr(b, D1_REG_Q(3, D1_Q_TAIL), 1);
	{
		struct bench_queue q3 = { .idx = 3, .size = 8, .tail = 1 };

		EXPECT_EQ((uint32_t)D1_QERR_RING,
			  D1_Q_STATUS_ERROR(bench_wait(b, &q3, 5000)));
	}
}

TEST_F(q, reset_aborts_a_blocked_wait)
{
	struct bench *b = &self->b;
	uint64_t w[8] = { 0 }, *mem = bench_ptr(b, self->host);

	w[0] = D1_DESC_HDR(D1_OP_WAIT, 0, 0);
	w[1] = VA_HOST;
	w[2] = 1;
	bench_submit(b, &self->q0, w);
	/* The queue thread picks the WAIT up when the host schedules it. */
	EXPECT_TRUE(bench_until(b, D1_REG_Q(0, D1_Q_STATUS),
				D1_Q_STATUS_BUSY, 5000));
	EXPECT_EQ(-1, bench_wait(b, &self->q0, 20));

	wr(b, D1_REG_Q(0, D1_Q_CTRL), D1_Q_CTRL_RESET);
	/* The reset write returns once the queue is idle. */
	EXPECT_EQ(0u, rd(b, D1_REG_Q(0, D1_Q_STATUS)));
	EXPECT_EQ(0u, rd(b, D1_REG_Q(0, D1_Q_HEAD)));

	/* Device reset also clears contexts; set up again and run. */
	bench_submit(b, &self->q1, w);
	wr(b, D1_REG_RESET, D1_RESET_MAGIC);
	EXPECT_EQ(0u, rd(b, D1_REG_Q(1, D1_Q_STATUS)));
	EXPECT_EQ(0u, rd(b, D1_REG_CTX(3, D1_CTX_CTRL)));
	bench_context(b, 3);
	wr(b, D1_REG_CTX(3, D1_CTX_PT_LO), (uint32_t)self->root);
	bench_queue_start(b, &self->q0, 0, 3, 64);
	w[0] = D1_DESC_HDR(D1_OP_SIGNAL, 0, 0);
	w[2] = 42;
	bench_submit(b, &self->q0, w);
	EXPECT_EQ(0, bench_wait(b, &self->q0, 5000));
	EXPECT_EQ(42u, mem[0]);
}

TEST_F(q, low_power_holds_work_until_wake)
{
	struct bench *b = &self->b;
	uint64_t w[8] = { 0 }, *mem = bench_ptr(b, self->host);

	wr(b, D1_REG_PM_CTRL, D1_PM_LOW);
	w[0] = D1_DESC_HDR(D1_OP_SIGNAL, 0, 0);
	w[1] = VA_HOST;
	w[2] = 3;
	bench_submit(b, &self->q0, w);
	EXPECT_EQ(-1, bench_wait(b, &self->q0, 20));
	EXPECT_EQ(0u, mem[0]);
	wr(b, D1_REG_PM_CTRL, D1_PM_ACTIVE);
	EXPECT_EQ(0, bench_wait(b, &self->q0, 5000));
	EXPECT_EQ(3u, mem[0]);
}

TEST_HARNESS_MAIN

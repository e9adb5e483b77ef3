// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the DIP-to-DIP link (qemu-device/core/link.c): two cards
 * of one process linked by name; LINK_COPY into the peer's window, its
 * counters and fence, and each fault: no peer, outside the window, the
 * peer reset or unplugged during a copy, a bad source address.
 */
#include "dip_harness.h"
#include "kselftest_harness.h"

#define VA_HOST	0x100000000ull	/* the sender's host buffer */
#define VA_HBM	0x200000000ull	/* ... and its own HBM */
#define RW	(D1_PTE_READ | D1_PTE_WRITE)
#define WIN_BASE	(4u << 20)	/* the receiver's window in its HBM */
#define WIN_SIZE	(8u << 20)

FIXTURE(link) {
	struct bench a, b;	/* a sends to b, b to a */
	struct bench_queue q;	/* a's queue 0 */
	bool b_live;
};

static int card_init(struct bench *bn, const char *name, const char *peer)
{
	struct d1_dip_config c = bench_config();

	c.link_name = name;
	c.link_peer = peer;
	return bench_init(bn, &c);
}

static void open_window(struct bench *bn, uint64_t base, uint64_t size)
{
	wr(bn, D1_REG_LINK_WIN_BASE_LO, (uint32_t)base);
	wr(bn, D1_REG_LINK_WIN_BASE_HI, (uint32_t)(base >> 32));
	wr(bn, D1_REG_LINK_WIN_SIZE_LO, (uint32_t)size);
	wr(bn, D1_REG_LINK_WIN_SIZE_HI, (uint32_t)(size >> 32));
}

FIXTURE_SETUP(link)
{
	uint64_t root;

	ASSERT_EQ(0, card_init(&self->a, "card-a", "card-b"));
	ASSERT_EQ(0, card_init(&self->b, "card-b", "card-a"));
	self->b_live = true;
	root = bench_context(&self->a, 2);
	bench_map(&self->a, root, VA_HOST, BENCH_BUS_BASE, 1 << 20, RW);
	bench_map(&self->a, root, VA_HBM, 0, BENCH_HBM_SIZE, RW | D1_PTE_HBM);
	bench_queue_start(&self->a, &self->q, 0, 2, 16);
	open_window(&self->b, WIN_BASE, WIN_SIZE);
}

FIXTURE_TEARDOWN(link)
{
	bench_fini(&self->a);
	if (self->b_live)
		bench_fini(&self->b);
}

static void fill(uint8_t *p, size_t n, unsigned int seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 131 + seed * 7 + (i >> 8) + 1);
}

static bool all_zero(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

static void link_desc(uint64_t *w, uint64_t src, uint64_t dst, uint64_t n,
		      unsigned int flags, uint32_t seq)
{
	bench_desc(w, D1_OP_LINK_COPY, src, dst, n, flags, seq);
}

static uint64_t rd64(struct bench *bn, uint64_t lo)
{
	return rd(bn, lo) | (uint64_t)rd(bn, lo + 4) << 32;
}

/* Submits one LINK_COPY on a's queue 0; returns its Q_STATUS error. */
static unsigned int link_copy(struct bench *a, struct bench_queue *q,
			      uint64_t src, uint64_t dst, uint64_t n)
{
	uint64_t w[8];
	int64_t st;

	link_desc(w, src, dst, n, 0, 0);
	bench_submit(a, q, w);
	st = bench_wait(a, q, 20000);
	if (st < 0)
		return ~0u;
	return D1_Q_STATUS_ERROR((uint32_t)st);
}

/* Recover a's queue 0 after a failed command. */
static void requeue(struct bench *a, struct bench_queue *q)
{
	wr(a, D1_REG_Q(q->idx, D1_Q_CTRL), D1_Q_CTRL_RESET);
	wr(a, D1_REG_Q(q->idx, D1_Q_CTRL), D1_Q_CTRL_ENABLE);
	q->tail = 0;
}

TEST_F(link, addresses_and_status)
{
	uint32_t sa = rd(&self->a, D1_REG_LINK_SELF);
	uint32_t sb = rd(&self->b, D1_REG_LINK_SELF);

	EXPECT_NE(0u, sa);
	EXPECT_NE(0u, sb);
	EXPECT_NE(sa, sb);
	EXPECT_EQ(sb, rd(&self->a, D1_REG_LINK_PEER));
	EXPECT_EQ(sa, rd(&self->b, D1_REG_LINK_PEER));
	EXPECT_EQ(D1_LINK_UP, rd(&self->a, D1_REG_LINK_STATUS));
	EXPECT_EQ((uint32_t)WIN_BASE, rd(&self->b, D1_REG_LINK_WIN_BASE_LO));
	EXPECT_EQ((uint32_t)WIN_SIZE, rd(&self->b, D1_REG_LINK_WIN_SIZE_LO));

	/* The window is in 4 KiB units: an unaligned write is refused. */
	wr(&self->b, D1_REG_LINK_WIN_SIZE_LO, 4095);
	EXPECT_EQ((uint32_t)D1_ERROR_BAD_ACCESS, rd(&self->b, D1_REG_ERROR));
	/* Read-only registers stay. */
	wr(&self->b, D1_REG_ERROR, 0);
	wr(&self->b, D1_REG_LINK_TX_LO, 5);
	EXPECT_EQ((uint32_t)D1_ERROR_BAD_ACCESS, rd(&self->b, D1_REG_ERROR));
	EXPECT_EQ(0u, rd(&self->b, D1_REG_LINK_TX_LO));

	/* The peer gone: down, no peer address. */
	bench_fini(&self->b);
	self->b_live = false;
	EXPECT_EQ(0u, rd(&self->a, D1_REG_LINK_STATUS));
	EXPECT_EQ(0u, rd(&self->a, D1_REG_LINK_PEER));
}

TEST_F(link, copy_into_the_window)
{
	struct bench *a = &self->a, *b = &self->b;
	uint8_t *src = bench_ptr(a, BENCH_BUS_BASE);
	static const uint64_t sizes[] = { 1, 4095, 4097, 300001 };
	uint64_t w[8], dst = 0, total = 0;
	unsigned int i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		fill(src + i, sizes[i], i);
		link_desc(w, VA_HOST + i, dst, sizes[i],
			  D1_DESC_F_FENCE | D1_DESC_F_IRQ, 40 + i);
		bench_submit(a, &self->q, w);
		ASSERT_EQ(0, bench_wait(a, &self->q, 5000));
		EXPECT_EQ(40 + i, rd(a, D1_REG_Q(0, D1_Q_FENCE)));
		EXPECT_EQ(0, memcmp(src + i, b->hbm + WIN_BASE + dst, sizes[i]));
		dst += sizes[i] + 17;
		total += sizes[i];
	}
	/* Nothing outside the window was touched. */
	EXPECT_TRUE(all_zero(b->hbm, WIN_BASE));
	EXPECT_TRUE(all_zero(b->hbm + WIN_BASE + dst,
			     BENCH_HBM_SIZE - WIN_BASE - dst));
	EXPECT_EQ(total, rd64(a, D1_REG_LINK_TX_LO));
	EXPECT_EQ(total, rd64(b, D1_REG_LINK_RX_LO));
	EXPECT_EQ(0u, rd64(b, D1_REG_LINK_TX_LO));
	EXPECT_EQ(total, rd64(a, D1_REG_Q(0, D1_Q_DMA_BYTES_LO)));
	EXPECT_EQ(0u, rd(a, D1_REG_LINK_ERRORS));
	EXPECT_LE(1u, bench_notifies(a, D1_MSIX_VEC_QUEUE(0)));
	/* Modelled: 2 us a copy, then 50 GB/s (25 bytes a 2 GHz cycle). */
	EXPECT_EQ(4 * 4000 + (0 + 1) + (4095 + 24) / 25 + (4097 + 24) / 25 +
		  (300001 + 24) / 25, rd64(a, D1_REG_LINK_CYCLES_LO));
	EXPECT_EQ(0u, rd64(b, D1_REG_LINK_CYCLES_LO));

	/* The last byte of the window, from a's HBM. */
	a->hbm[77] = 0xa5;
	ASSERT_EQ(0u, link_copy(a, &self->q, VA_HBM + 77, WIN_SIZE - 1, 1));
	EXPECT_EQ(0xa5, b->hbm[WIN_BASE + WIN_SIZE - 1]);
}

TEST_F(link, outside_the_window_moves_nothing)
{
	struct bench *a = &self->a, *b = &self->b;
	static const struct { uint64_t dst, n; } bad[] = {
		{ WIN_SIZE - 4, 5 },		/* crosses the end */
		{ WIN_SIZE, 1 },		/* just past it */
		{ ~0ull - 2, 8 },		/* wraps */
		{ 0, WIN_SIZE + 1 },
	};
	unsigned int i;

	fill(bench_ptr(a, BENCH_BUS_BASE), 4096, 3);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ((unsigned int)D1_QERR_LINK_WINDOW,
			  link_copy(a, &self->q, VA_HOST, bad[i].dst, bad[i].n))
			TH_LOG("dst %#llx n %llu", (unsigned long long)bad[i].dst,
			       (unsigned long long)bad[i].n);
		EXPECT_EQ(0u, rd(a, D1_REG_Q(0, D1_Q_HEAD)));	/* on it */
		requeue(a, &self->q);
	}
	EXPECT_TRUE(all_zero(b->hbm, BENCH_HBM_SIZE));
	EXPECT_EQ(i, rd(a, D1_REG_LINK_ERRORS));
	EXPECT_EQ(0u, rd64(b, D1_REG_LINK_RX_LO));

	/* A closed window, and one reaching past the peer's HBM. */
	open_window(b, WIN_BASE, 0);
	EXPECT_EQ((unsigned int)D1_QERR_LINK_WINDOW,
		  link_copy(a, &self->q, VA_HOST, 0, 1));
	requeue(a, &self->q);
	open_window(b, BENCH_HBM_SIZE - 4096, 8192);
	EXPECT_EQ((unsigned int)D1_QERR_LINK_WINDOW,
		  link_copy(a, &self->q, VA_HOST, 0, 1));
	requeue(a, &self->q);
	EXPECT_TRUE(all_zero(b->hbm, BENCH_HBM_SIZE));
	/* Not the sender's MMU: no fault recorded. */
	EXPECT_EQ(0u, rd(a, D1_REG_FAULT_COUNT));
}

TEST_F(link, bad_source_and_bad_descriptors)
{
	struct bench *a = &self->a;
	uint64_t w[8];
	uint32_t f;

	wr(a, D1_REG_IRQ_MASK, D1_IRQ_ALL);
	EXPECT_EQ((unsigned int)D1_QERR_MMU_FAULT,
		  link_copy(a, &self->q, VA_HOST + (1 << 20) - 8, 0, 16));
	f = rd(a, D1_REG_FAULT_STATUS);
	EXPECT_TRUE(f & D1_FAULT_VALID);
	EXPECT_EQ((uint32_t)D1_ACCESS_READ, D1_FAULT_ACCESS(f));
	EXPECT_EQ((uint32_t)D1_MMU_UNMAPPED, D1_FAULT_REASON(f));
	requeue(a, &self->q);

	link_desc(w, VA_HOST, 0, 8, 0, 0);
	w[4] = 1;
	bench_submit(a, &self->q, w);
	EXPECT_EQ((uint32_t)D1_QERR_BAD_DESC,
		  D1_Q_STATUS_ERROR((uint32_t)bench_wait(a, &self->q, 5000)));
	requeue(a, &self->q);
	EXPECT_EQ((unsigned int)D1_QERR_BAD_DESC,
		  link_copy(a, &self->q, VA_HOST, 0, D1_COPY_MAX + 1));
	requeue(a, &self->q);
	/* Neither is the link's failure. */
	EXPECT_EQ(0u, rd(a, D1_REG_LINK_ERRORS));
}

TEST_F(link, no_peer_is_link_down)
{
	struct bench c;
	struct bench_queue q;
	uint64_t root;

	/* A peer name no card has. */
	ASSERT_EQ(0, card_init(&c, "card-c", "nobody"));
	EXPECT_EQ(0u, rd(&c, D1_REG_LINK_STATUS));
	root = bench_context(&c, 1);
	bench_map(&c, root, VA_HOST, BENCH_BUS_BASE, 4096, RW);
	bench_queue_start(&c, &q, 0, 1, 4);
	EXPECT_EQ((unsigned int)D1_QERR_LINK_DOWN,
		  link_copy(&c, &q, VA_HOST, 0, 8));
	EXPECT_EQ(1u, rd(&c, D1_REG_LINK_ERRORS));
	bench_fini(&c);

	/* A second card of the same name is refused. */
	EXPECT_EQ(-1, card_init(&c, "card-b", "card-a"));
	free(c.bus);	/* the core is gone already */
	munmap(c.hbm, c.hbm_size);

	/* The peer unplugged, then plugged in again under its name. */
	bench_fini(&self->b);
	self->b_live = false;
	fill(bench_ptr(&self->a, BENCH_BUS_BASE), 64, 9);
	EXPECT_EQ((unsigned int)D1_QERR_LINK_DOWN,
		  link_copy(&self->a, &self->q, VA_HOST, 0, 64));
	requeue(&self->a, &self->q);
	ASSERT_EQ(0, card_init(&self->b, "card-b", "card-a"));
	self->b_live = true;
	EXPECT_EQ((unsigned int)D1_QERR_LINK_WINDOW,	/* closed after plug */
		  link_copy(&self->a, &self->q, VA_HOST, 0, 64));
	requeue(&self->a, &self->q);
	open_window(&self->b, 0, 4096);
	EXPECT_EQ(0u, link_copy(&self->a, &self->q, VA_HOST, 0, 64));
	EXPECT_EQ(0, memcmp(bench_ptr(&self->a, BENCH_BUS_BASE),
			    self->b.hbm, 64));
}

struct racer {
	struct bench *b;
	bool unplug;
};

static void *race_peer(void *arg)
{
	struct racer *r = arg;

	nanosleep(&(struct timespec){ .tv_nsec = 200000 }, NULL);
	if (r->unplug)
		d1_link_detach(&r->b->d);
	else
		wr(r->b, D1_REG_RESET, D1_RESET_MAGIC);
	return NULL;
}

/*
 * The peer resets (or leaves) while an 8 MiB copy runs: the copy ends
 * with LINK_RESET (LINK_DOWN), never hangs, and what arrived is a prefix
 * of the source.  A copy may also win the race; it then arrived whole.
 * Tried until the race was seen.
 */
static void peer_goes_mid_copy(struct __test_metadata *_metadata,
			       FIXTURE_DATA(link) *self, bool unplug)
{
	unsigned int want = unplug ? D1_QERR_LINK_DOWN : D1_QERR_LINK_RESET;
	struct bench *a = &self->a, *b = &self->b;
	struct racer r = { b, unplug };
	unsigned int try, err, seen = 0, late = 0;
	pthread_t t;

	fill(a->hbm, WIN_SIZE, 5);
	for (try = 0; try < 50 && !seen; try++) {
		memset(b->hbm + WIN_BASE, 0, WIN_SIZE);
		open_window(b, WIN_BASE, WIN_SIZE);
		ASSERT_EQ(0, pthread_create(&t, NULL, race_peer, &r));
		err = link_copy(a, &self->q, VA_HBM, 0, WIN_SIZE);
		pthread_join(t, NULL);
		if (err == 0) {
			EXPECT_EQ(0, memcmp(a->hbm, b->hbm + WIN_BASE, WIN_SIZE));
		} else if (!unplug && err == D1_QERR_LINK_WINDOW) {
			/* Reset before the copy began: its window was shut. */
			EXPECT_TRUE(all_zero(b->hbm + WIN_BASE, WIN_SIZE));
			requeue(a, &self->q);
			late++;
		} else {
			ASSERT_EQ(want, err);
			seen++;
			requeue(a, &self->q);
		}
		if (unplug)
			ASSERT_EQ(0, d1_link_attach(&b->d));
	}
	EXPECT_EQ(1u, seen);
	EXPECT_EQ(seen + late, rd(a, D1_REG_LINK_ERRORS));
}

TEST_F(link, peer_reset_during_a_copy)
{
	peer_goes_mid_copy(_metadata, self, false);
	/* The reset closed the window. */
	EXPECT_EQ(0u, rd(&self->b, D1_REG_LINK_WIN_SIZE_LO));
	EXPECT_EQ((unsigned int)D1_QERR_LINK_WINDOW,
		  link_copy(&self->a, &self->q, VA_HOST, 0, 1));
}

TEST_F(link, peer_unplug_during_a_copy)
{
	peer_goes_mid_copy(_metadata, self, true);
}

/* A card may name itself: the link loops back into its own window. */
TEST(loopback)
{
	struct d1_dip_config c = bench_config();
	struct bench_queue q;
	struct bench b;
	uint64_t root;

	c.link_name = "self";
	c.link_peer = "self";
	ASSERT_EQ(0, bench_init(&b, &c));
	EXPECT_EQ(rd(&b, D1_REG_LINK_SELF), rd(&b, D1_REG_LINK_PEER));
	root = bench_context(&b, 0);
	bench_map(&b, root, VA_HBM, 0, 1 << 20, RW | D1_PTE_HBM);
	bench_queue_start(&b, &q, 0, 0, 4);
	open_window(&b, 1 << 20, 1 << 20);
	fill(b.hbm, 4096, 1);
	EXPECT_EQ(0u, link_copy(&b, &q, VA_HBM, 100, 4096));
	EXPECT_EQ(0, memcmp(b.hbm, b.hbm + (1 << 20) + 100, 4096));
	EXPECT_EQ(4096u, rd(&b, D1_REG_LINK_TX_LO));
	EXPECT_EQ(4096u, rd(&b, D1_REG_LINK_RX_LO));
	bench_fini(&b);
}

TEST_HARNESS_MAIN

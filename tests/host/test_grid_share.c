// SPDX-License-Identifier: GPL-2.0
/*
 * The node grid as a shared resource: the grid scheduler's reservations
 * (gridsched.c), concurrent launches on disjoint rectangles (grid.c,
 * pool.c), scrubbing between launches, confinement of node-to-node DMA
 * and semaphores to the launch, time limits, the image cache (icache.c),
 * and all of it through the device's queues (launch.c).
 */
#define _GNU_SOURCE
#include <string.h>
#include <time.h>

#include "dip_harness.h"
#include "gridsched.h"
#include "icache.h"
#include "node_harness.h"
#include "pool.h"
#include "sim.h"
#include "kernels/dev_args.h"
#include "kernels/kargs.h"
#include "kselftest_harness.h"

static uint64_t now_ns(void)
{
	return bench_now(NULL);
}

/* ---- the scheduler's bookkeeping ---------------------------------- */

static struct d1_resv resv(uint32_t x0, uint32_t y0, uint32_t cols,
			   uint32_t rows)
{
	struct d1_resv r = { .x0 = x0, .y0 = y0, .cols = cols, .rows = rows };

	return r;
}

TEST(sched_disjoint_rectangles_run_together)
{
	struct d1_sched s = { 0 };
	struct d1_resv a = resv(0, 0, 4, 4), b = resv(4, 0, 4, 4);
	struct d1_resv c = resv(0, 4, 8, 1);

	d1_sched_add(&s, &a);
	d1_sched_add(&s, &b);
	d1_sched_add(&s, &c);
	EXPECT_TRUE(d1_sched_ready(&s, &a));
	EXPECT_TRUE(d1_sched_ready(&s, &b));
	EXPECT_TRUE(d1_sched_ready(&s, &c));
	a.running = b.running = c.running = true;
	EXPECT_EQ(40u, d1_sched_busy_nodes(&s));
}

/* Overlapping requests go in arrival order; a later one never passes. */
TEST(sched_overlapping_in_arrival_order_without_starvation)
{
	struct d1_sched s = { 0 };
	struct d1_resv small1 = resv(0, 0, 1, 1), big = resv(0, 0, 4, 4);
	struct d1_resv small2 = resv(3, 3, 1, 1), far = resv(8, 8, 2, 2);
	struct d1_resv small3 = resv(0, 0, 1, 1);

	d1_sched_add(&s, &small1);
	d1_sched_add(&s, &big);
	d1_sched_add(&s, &small2);
	d1_sched_add(&s, &far);
	EXPECT_TRUE(d1_sched_ready(&s, &small1));
	small1.running = true;
	/* big waits for small1; small2's nodes are free, but big came
	 * first and overlaps it: small2 waits behind big */
	EXPECT_FALSE(d1_sched_ready(&s, &big));
	EXPECT_FALSE(d1_sched_ready(&s, &small2));
	/* far overlaps nobody: it runs at once */
	EXPECT_TRUE(d1_sched_ready(&s, &far));
	/* a stream of small launches on small1's node never overtakes big */
	d1_sched_remove(&s, &small1);
	d1_sched_add(&s, &small3);
	EXPECT_TRUE(d1_sched_ready(&s, &big));
	EXPECT_FALSE(d1_sched_ready(&s, &small3));
	big.running = true;
	EXPECT_FALSE(d1_sched_ready(&s, &small2));
	d1_sched_remove(&s, &big);
	EXPECT_TRUE(d1_sched_ready(&s, &small2));
	EXPECT_TRUE(d1_sched_ready(&s, &small3));
}

/* A waiting request that gives up (queue reset) unblocks those behind. */
TEST(sched_abandoned_request_unblocks)
{
	struct d1_sched s = { 0 };
	struct d1_resv run = resv(0, 0, 2, 2), wait = resv(1, 1, 2, 2);
	struct d1_resv behind = resv(2, 2, 1, 1);

	d1_sched_add(&s, &run);
	run.running = true;
	d1_sched_add(&s, &wait);
	d1_sched_add(&s, &behind);
	EXPECT_FALSE(d1_sched_ready(&s, &wait));
	EXPECT_FALSE(d1_sched_ready(&s, &behind));
	d1_sched_remove(&s, &wait);
	EXPECT_TRUE(d1_sched_ready(&s, &behind));
	EXPECT_EQ(4u, d1_sched_busy_nodes(&s));
}

/* ---- the shared pool ----------------------------------------------- */

struct pool_ctx {
	struct d1_pool *p;
	uint32_t items;
	atomic_uint ran;
	uint64_t end;
};

static void slow_item(void *ctx, uint32_t i)
{
	struct pool_ctx *c = ctx;

	(void)i;
	nanosleep(&(struct timespec){ .tv_nsec = 1000000 }, NULL);
	atomic_fetch_add(&c->ran, 1);
}

static void *pool_job(void *arg)
{
	struct pool_ctx *c = arg;

	d1_pool_run(c->p, c->items, slow_item, c);
	c->end = now_ns();
	return NULL;
}

/* A small job started during a big one is not held up until it ends. */
TEST(pool_shares_between_concurrent_jobs)
{
	struct d1_pool *p = d1_pool_create(3);
	struct pool_ctx big = { .p = p, .items = 1000 };
	struct pool_ctx small = { .p = p, .items = 4 };
	pthread_t tb, ts;

	ASSERT_NE(NULL, p);
	atomic_init(&big.ran, 0);
	atomic_init(&small.ran, 0);
	ASSERT_EQ(0, pthread_create(&tb, NULL, pool_job, &big));
	nanosleep(&(struct timespec){ .tv_nsec = 20000000 }, NULL);
	ASSERT_EQ(0, pthread_create(&ts, NULL, pool_job, &small));
	pthread_join(ts, NULL);
	pthread_join(tb, NULL);
	EXPECT_EQ(1000u, atomic_load(&big.ran));
	EXPECT_EQ(4u, atomic_load(&small.ran));
	EXPECT_LT(small.end, big.end);
	d1_pool_destroy(p);
}

/* ---- launches on the grid directly -------------------------------- */

static struct d1_launch basic_at(const struct basic_args *a, uint32_t x0,
				 uint32_t y0, uint32_t w, uint32_t h)
{
	struct d1_launch l = {
		.x0 = x0, .y0 = y0, .width = w, .height = h,
		.args = a, .args_size = sizeof(*a), .budget = 50000000,
		.flags = D1_LAUNCH_SCRUB,
	};

	return l;
}

/* Whatever a kernel leaves behind, the next one finds nothing. */
TEST(scrub_leaves_nothing_for_the_next_launch)
{
	struct d1_grid *g = grid_with_kernel(2, 2, 2, "basic");
	struct basic_args dirty = { BASIC_DIRTY, 64, KDATA_OUT };
	struct basic_args scan = { BASIC_SCAN, 0, 0 };
	struct d1_launch l;

	ASSERT_NE(NULL, g);
	/* the scan sees what a kernel left when nothing scrubs ... */
	l = basic_at(&dirty, 0, 0, 1, 1);
	ASSERT_EQ(0, d1_grid_run(g, &l, NULL, NULL, 0));
	ASSERT_EQ(D1_NODE_EXITED, d1_grid_report(g, 0)->status);
	l = basic_at(&scan, 0, 0, 1, 1);
	l.flags = 0;
	ASSERT_EQ(0, d1_grid_run(g, &l, NULL, NULL, 0));
	EXPECT_EQ(D1_NODE_EXITED, d1_grid_report(g, 0)->status);
	EXPECT_LT(60, d1_grid_report(g, 0)->exit_code);
	/* ... and nothing after a scrub, also on a 2x2 launch */
	l = basic_at(&dirty, 0, 0, 2, 2);
	ASSERT_EQ(0, d1_grid_run(g, &l, NULL, NULL, 0));
	l = basic_at(&scan, 0, 0, 2, 2);
	ASSERT_EQ(0, d1_grid_run(g, &l, NULL, NULL, 0));
	for (uint32_t n = 0; n < 4; n++) {
		EXPECT_EQ(D1_NODE_EXITED, d1_grid_report(g, n)->status);
		EXPECT_EQ(0, d1_grid_report(g, n)->exit_code) {
			TH_LOG("node %u", n);
		}
		EXPECT_EQ(0u, d1_grid_report(g, n)->print_len);
	}
	d1_grid_destroy(g);
}

/* A small kernel dirties a few pages: that is what the next scrub costs. */
TEST(scrub_pays_for_what_was_touched)
{
	struct d1_grid *g = grid_with_kernel(1, 1, 1, "basic");
	struct basic_args dirty = { BASIC_DIRTY, 64, KDATA_OUT };
	struct basic_args big = { BASIC_DIRTY, 64 * 1024, KDATA_IN };
	struct d1_launch l = basic_at(&dirty, 0, 0, 1, 1);
	uint64_t small_bytes;

	ASSERT_NE(NULL, g);
	ASSERT_EQ(0, d1_grid_run(g, &l, NULL, NULL, 0));
	small_bytes = d1_grid_dirty_bytes(g, 0);
	/* image, a data page or two, the stack, the arguments */
	EXPECT_GE(small_bytes, 4u * 4096);
	EXPECT_LE(small_bytes, 16u * 4096);
	l = basic_at(&big, 0, 0, 1, 1);
	ASSERT_EQ(0, d1_grid_run(g, &l, NULL, NULL, 0));
	EXPECT_LE(512u << 10, d1_grid_dirty_bytes(g, 0));
	d1_grid_destroy(g);
}

/*
 * Stores of every kind at scattered places: whichever engine runs them -
 * translated code with inline AVX-512 vector stores where the host has
 * it, translated code calling C for vector stores, the interpreter -
 * every SRAM page they change is marked dirty, the marks are the
 * interpreter's, and the scrub leaves zeros at every place for the next
 * launch.
 */
TEST(scrub_after_scattered_stores_on_every_engine)
{
	static const char *const engine[] = { NULL, "noavx512", "0" };
	static uint64_t want[D1_DIRTY_WORDS];
	struct basic_args sc = { BASIC_SCATTER, 400, KDATA_IN };
	struct basic_args scan = { BASIC_SCAN, 0, 0 };

	for (unsigned int e = 0; e < 3; e++) {
		struct d1_grid *g;
		struct d1_launch l;
		const uint8_t *sram;
		uint64_t x = KSCATTER_SEED, pages = 0, bad = 0;

		if (engine[e])
			setenv("D1_JIT", engine[e], 1);
		g = grid_with_kernel(1, 1, 1, "basic");
		unsetenv("D1_JIT");
		ASSERT_NE(NULL, g);
#if defined(__x86_64__) && defined(__linux__)
		/* translation is on unless D1_JIT=0 */
		EXPECT_EQ(e < 2, g->image->jit != NULL);
#endif
		l = basic_at(&sc, 0, 0, 1, 1);
		ASSERT_EQ(0, d1_grid_run(g, &l, NULL, NULL, 0));
		ASSERT_EQ(D1_NODE_EXITED, d1_grid_report(g, 0)->status);
		ASSERT_EQ(0, d1_grid_report(g, 0)->exit_code);

		/* every page holding something is marked */
		sram = g->nodes[0].sram;
		for (uint64_t p = 0; p < D1_DIRTY_PAGES; p++) {
			const uint8_t *b = sram + (p << D1_DIRTY_SHIFT);
			bool used = false;

			for (uint32_t k = 0; k < (1u << D1_DIRTY_SHIFT) && !used; k++)
				used = b[k] != 0;
			pages += used;
			if (used && !(g->nodes[0].dirty[p / 64] >> (p % 64) & 1)) {
				TH_LOG("D1_JIT=%s: page %llu written, not marked",
				       engine[e] ? engine[e] : "-",
				       (unsigned long long)p);
				bad++;
			}
		}
		EXPECT_EQ(0u, bad);
		EXPECT_LE(120u, pages);
		/* and the same marks on every engine, the interpreter's last */
		if (e == 0)
			memcpy(want, g->nodes[0].dirty, sizeof(want));
		else
			EXPECT_EQ(0, memcmp(want, g->nodes[0].dirty,
					    sizeof(want)));

		/* the next launch finds zeros, by its own scan and ours */
		l = basic_at(&scan, 0, 0, 1, 1);
		ASSERT_EQ(0, d1_grid_run(g, &l, NULL, NULL, 0));
		EXPECT_EQ(D1_NODE_EXITED, d1_grid_report(g, 0)->status);
		EXPECT_EQ(0, d1_grid_report(g, 0)->exit_code);
		for (uint64_t i = 0; i < sc.n; i++) {
			uint64_t off = kscatter_off(i, &x);
			const uint8_t *b = sram + (KDATA_IN - D1_SRAM_BASE) + off;

			for (uint32_t k = 0; k < 64; k++)
				bad += b[k] != 0;
		}
		EXPECT_EQ(0u, bad);
		d1_grid_destroy(g);
	}
}

/* A node outside the launch is named in the fault and never touched. */
TEST(confined_to_the_launch_rectangle)
{
	struct d1_grid *g = grid_with_kernel(2, 2, 1, "basic");
	static const uint32_t kinds[] = { D1_DMA_TO_NODE, D1_DMA_FROM_NODE,
					  D1_S_SEM_SIGNAL };
	struct basic_args a = { BASIC_PEER, 0, 0 };
	uint32_t i, n;

	ASSERT_NE(NULL, g);
	for (n = 0; n < 4; n++)
		memset(node_ptr(g, n, KDATA_OUT), 0x77, 64);
	for (i = 0; i < 3; i++) {
		/* a 1x2 launch in column 1 (mesh nodes 1 and 3) names node 2:
		 * it does not exist there (mesh node 2 is beside it) */
		struct d1_launch l = basic_at(&a, 1, 0, 1, 2);
		const struct d1_node_report *r;

		a.n = kinds[i] | 2u << 16;
		l.flags = 0;
		ASSERT_EQ(0, d1_grid_run(g, &l, NULL, NULL, 0));
		r = d1_grid_report(g, 1);
		EXPECT_EQ(D1_NODE_FAULT, r->status);
		EXPECT_EQ(D1_FAULT_PEER, r->fault) {
			TH_LOG("kind %u", kinds[i]);
		}
		EXPECT_EQ(2u, r->fault_addr);
		EXPECT_EQ(D1_OPC_SYNC, *(uint32_t *)node_ptr(g, 1, r->fault_pc) & 0x7f);
		EXPECT_EQ(D1_FAULT_PEER, d1_grid_report(g, 3)->fault);
	}
	for (n = 0; n < 4; n += 2) {
		uint8_t want[64];

		memset(want, 0x77, sizeof(want));
		EXPECT_EQ(0, memcmp(want, node_ptr(g, n, KDATA_OUT), 64));
		EXPECT_EQ(D1_NODE_IDLE, d1_grid_report(g, n)->status);
	}
	/* within it, node 1 of the launch is mesh node 3 */
	{
		struct d1_launch l = basic_at(&a, 1, 0, 1, 2);

		memset(node_ptr(g, 1, KDATA_IN), 0x42, 64);
		memset(node_ptr(g, 3, KDATA_IN), 0x42, 64);
		a.n = D1_DMA_TO_NODE | 1u << 16;
		l.flags = 0;
		ASSERT_EQ(0, d1_grid_run(g, &l, NULL, NULL, 0));
		EXPECT_EQ(D1_NODE_EXITED, d1_grid_report(g, 1)->status);
		EXPECT_EQ(0x42, *(uint8_t *)node_ptr(g, 3, KDATA_OUT));
		EXPECT_EQ(0x77, *(uint8_t *)node_ptr(g, 2, KDATA_OUT));
	}
	d1_grid_destroy(g);
}

TEST(time_limit_stops_a_spinning_launch)
{
	struct d1_grid *g = grid_with_kernel(1, 2, 1, "basic");
	struct basic_args a = { BASIC_SPIN, 0, 0 };
	struct d1_launch l = basic_at(&a, 0, 0, 2, 1);
	struct d1_launch_result res;
	uint64_t t0 = now_ns(), dt;

	ASSERT_NE(NULL, g);
	l.budget = 0;
	l.time_limit_ns = 100000000;
	ASSERT_EQ(0, d1_grid_run(g, &l, &res, NULL, 0));
	dt = now_ns() - t0;
	EXPECT_EQ(2u, res.time_limited);
	EXPECT_EQ(D1_NODE_TIME_LIMIT, d1_grid_report(g, 1)->status);
	EXPECT_LE(100000000u, dt);
	EXPECT_GT(d1_grid_report(g, 1)->fault_pc, (uint64_t)D1_SRAM_BASE);
	d1_grid_destroy(g);
}

struct run_ctx {
	struct d1_grid *g;
	struct d1_launch l;
	struct d1_launch_result res;
	int ret;
};

static void *run_thread(void *arg)
{
	struct run_ctx *c = arg;

	c->ret = d1_grid_run(c->g, &c->l, &c->res, NULL, 0);
	return NULL;
}

/* While one launch spins on the left half, one on the right completes. */
TEST(disjoint_launches_run_concurrently)
{
	struct d1_grid *g = grid_with_kernel(2, 4, 2, "basic");
	struct basic_args spin = { BASIC_SPIN, 0, 0 };
	struct basic_args hello = { BASIC_HELLO, 0, 0 };
	struct run_ctx left = { .g = g }, right = { .g = g };
	atomic_int stop;
	pthread_t tl, tr;

	ASSERT_NE(NULL, g);
	atomic_init(&stop, 0);
	left.l = basic_at(&spin, 0, 0, 2, 2);
	left.l.budget = 0;
	left.l.stop = &stop;
	right.l = basic_at(&hello, 2, 0, 2, 2);
	ASSERT_EQ(0, pthread_create(&tl, NULL, run_thread, &left));
	ASSERT_EQ(0, pthread_create(&tr, NULL, run_thread, &right));
	pthread_join(tr, NULL);
	EXPECT_EQ(0, right.ret);
	EXPECT_EQ(4u, right.res.exited);
	EXPECT_EQ(101, d1_grid_report(g, 3)->exit_code);	/* rank 1 */
	atomic_store(&stop, 1);
	pthread_join(tl, NULL);
	EXPECT_EQ(4u, left.res.aborted);
	d1_grid_destroy(g);
}

/*
 * Two ring all-reduces (kernels/sync.c: node ids, DMA and semaphores
 * across the launch) on the two halves at once compute what one alone
 * does, bit for bit, for 1 and 3 host threads.
 */
TEST(concurrent_launches_compute_alike)
{
	uint8_t ref[4][256];
	uint32_t t, n, i;

	for (t = 1; t <= 3; t += 2) {
		struct d1_grid *g = grid_with_kernel(2, 4, t, "sync");
		struct sync_args a = { SYNC_RING, 0, 64 };
		struct run_ctx c[2];
		pthread_t th[2];
		int32_t want[64] = { 0 };

		ASSERT_NE(NULL, g);
		/* rank r of either half starts with the same data */
		for (n = 0; n < 8; n++) {
			int32_t *acc = node_ptr(g, n, KDATA_OUT);
			uint32_t rank = (n / 4) * 2 + n % 2;

			for (i = 0; i < 64; i++) {
				acc[i] = (int32_t)(rank * 1000 + i * 7) - 999;
				if (n % 4 < 2)
					want[i] += acc[i];
			}
		}
		for (i = 0; i < 2; i++) {
			memset(&c[i], 0, sizeof(c[i]));
			c[i].g = g;
			c[i].l = (struct d1_launch) {
				.x0 = 2 * i, .width = 2, .height = 2,
				.args = &a, .args_size = sizeof(a),
				.budget = 10000000,
			};
			ASSERT_EQ(0, pthread_create(&th[i], NULL, run_thread, &c[i]));
		}
		for (i = 0; i < 2; i++) {
			pthread_join(th[i], NULL);
			EXPECT_EQ(0, c[i].ret);
			EXPECT_EQ(4u, c[i].res.exited);
		}
		for (n = 0; n < 4; n++) {
			uint32_t left = (n / 2) * 4 + n % 2, right = left + 2;
			const uint8_t *p = node_ptr(g, left, KDATA_OUT);

			EXPECT_EQ(0, memcmp(want, p, sizeof(want)));
			EXPECT_EQ(0, memcmp(p, node_ptr(g, right, KDATA_OUT), 256));
			EXPECT_EQ(0, memcmp(d1_grid_report(g, left),
					    d1_grid_report(g, right),
					    sizeof(struct d1_node_report)));
			if (t == 1)
				memcpy(ref[n], p, 256);
			else
				EXPECT_EQ(0, memcmp(ref[n], p, 256));
		}
		d1_grid_destroy(g);
	}
}

/* ---- the image cache ----------------------------------------------- */

TEST(icache_by_content_bounded_lru)
{
	size_t size;
	uint8_t *a = kernel_read("basic", &size), *b = NULL, *c = NULL;
	struct d1_kimage *ia, *ib, *i2;
	struct d1_icache ic;
	uint64_t one;

	ASSERT_NE(NULL, a);
	b = malloc(size);
	c = malloc(size);
	/* b differs in the last byte (the string table: still valid) */
	memcpy(b, a, size);
	b[size - 1] ^= 0x20;
	memcpy(c, a, size);
	c[size - 2] ^= 0x20;

	d1_icache_init(&ic, 64 << 20);
	ia = d1_icache_get(&ic, a, size, NULL, 0);
	ASSERT_NE(NULL, ia);
	i2 = d1_icache_get(&ic, a, size, NULL, 0);
	EXPECT_EQ(ia, i2);		/* the same decode */
	EXPECT_EQ(1u, ic.hits);
	EXPECT_EQ(1u, ic.misses);
	d1_kimage_put(i2);
	ib = d1_icache_get(&ic, b, size, NULL, 0);
	EXPECT_NE(ia, ib);		/* one byte apart: another image */
	EXPECT_EQ(2u, ic.misses);
	one = ic.used / 2;
	d1_kimage_put(ib);
	d1_icache_fini(&ic);

	/* room for two: a, b, a, c evicts b (least recently used) */
	d1_icache_init(&ic, 2 * one + one / 2);
	d1_kimage_put(d1_icache_get(&ic, a, size, NULL, 0));
	d1_kimage_put(d1_icache_get(&ic, b, size, NULL, 0));
	d1_kimage_put(d1_icache_get(&ic, a, size, NULL, 0));
	d1_kimage_put(d1_icache_get(&ic, c, size, NULL, 0));
	EXPECT_LE(ic.used, ic.cap);
	EXPECT_EQ(1u, ic.hits);
	d1_kimage_put(d1_icache_get(&ic, a, size, NULL, 0));
	EXPECT_EQ(2u, ic.hits);
	d1_kimage_put(d1_icache_get(&ic, b, size, NULL, 0));
	EXPECT_EQ(2u, ic.hits);		/* b was gone */
	/* an image in use outlives its eviction */
	d1_icache_fini(&ic);
	EXPECT_EQ(d1_kimage_entry(ia), d1_kimage_entry(ia));
	d1_kimage_put(ia);
	/* a bad image is refused with a reason, nothing cached */
	{
		char err[128] = "";

		d1_icache_init(&ic, 64 << 20);
		memset(c, 0, 64);
		EXPECT_EQ(NULL, d1_icache_get(&ic, c, size, err, sizeof(err)));
		EXPECT_STREQ("not an ELF file", err);
		EXPECT_EQ(0u, ic.used);
		d1_icache_fini(&ic);
	}
	free(a);
	free(b);
	free(c);
}

/* ---- through the device's queues ------------------------------------ */

#define VA_BUF	0x100000000ull
#define VA_IMG	0x300000000ull
#define BUF	(256u << 10)
#define REPORT	4096u

/* Per queue: its own context and its own host buffer (args, report,
 * results at BUF offsets below). */
#define O_ARGS	0x0
#define O_REP	0x1000
#define O_TS	0x2000
#define O_OUT	0x3000

struct img {
	uint64_t bus;
	uint32_t size;
};

FIXTURE(dev) {
	struct bench b;
	struct bench_queue q[4];
	uint64_t buf[4];	/* bus address of each queue's buffer */
	struct img basic, scale;
};

static struct img put_image(struct bench *b, const char *name)
{
	struct img im = { 0 };
	size_t size;
	void *elf = kernel_read(name, &size);

	if (!elf)
		return im;
	im.bus = bench_alloc(b, (size + 4095) & ~4095ul);
	memcpy(bench_ptr(b, im.bus), elf, size);
	im.size = (uint32_t)size;
	free(elf);
	return im;
}

FIXTURE_SETUP(dev)
{
	struct d1_dip_config c = bench_config();
	unsigned int i;

	c.image_cache = 16 << 20;
	ASSERT_EQ(0, bench_init(&self->b, &c));
	self->basic = put_image(&self->b, "basic");
	self->scale = put_image(&self->b, "dev_scale");
	ASSERT_NE(0u, self->basic.size);
	ASSERT_NE(0u, self->scale.size);
	/* VA_IMG: basic, VA_IMG + 16 MiB: dev_scale, in every context */
	for (i = 0; i < 4; i++) {
		uint64_t root = bench_context(&self->b, i);

		self->buf[i] = bench_alloc(&self->b, BUF);
		bench_map(&self->b, root, VA_BUF, self->buf[i], BUF,
			  D1_PTE_READ | D1_PTE_WRITE);
		bench_map(&self->b, root, VA_IMG, self->basic.bus,
			  (self->basic.size + 4095) & ~4095u, D1_PTE_READ);
		bench_map(&self->b, root, VA_IMG + (16 << 20), self->scale.bus,
			  (self->scale.size + 4095) & ~4095u, D1_PTE_READ);
		bench_queue_start(&self->b, &self->q[i], i, i, 16);
	}
}

FIXTURE_TEARDOWN(dev)
{
	bench_fini(&self->b);
}

static void *qbuf(struct __test_metadata *m, FIXTURE_DATA(dev) *self,
		  unsigned int q, uint32_t off)
{
	(void)m;
	return (uint8_t *)bench_ptr(&self->b, self->buf[q]) + off;
}

#define QBUF(q, off) qbuf(_metadata, self, q, off)

/* LAUNCH basic (@scale: dev_scale) with @args on queue @q, then a
 * TIMESTAMP into the queue's O_TS slot. */
static void dev_launch(FIXTURE_DATA(dev) *self, unsigned int q, bool scale,
		       const void *args, uint32_t args_size, uint32_t x0,
		       uint32_t y0, uint32_t cols, uint32_t rows,
		       uint32_t limit_ms, uint64_t budget)
{
	struct bench *b = &self->b;
	const struct img *im = scale ? &self->scale : &self->basic;
	uint64_t w[8] = {
		D1_DESC_HDR(D1_OP_LAUNCH, 0, 0),
		VA_IMG + (scale ? 16u << 20 : 0),
		D1_LAUNCH_W2(im->size, REPORT),
		VA_BUF + O_ARGS,
		D1_LAUNCH_W4(x0, y0, cols, rows),
		D1_LAUNCH_W5(args_size, 1, limit_ms),
		budget,
		VA_BUF + O_REP,
	};
	uint64_t ts[8] = { D1_DESC_HDR(D1_OP_TIMESTAMP, 0, 0), VA_BUF + O_TS };

	memcpy((uint8_t *)bench_ptr(b, self->buf[q]) + O_ARGS, args, args_size);
	memset((uint8_t *)bench_ptr(b, self->buf[q]) + O_REP, 0, REPORT);
	bench_submit(b, &self->q[q], w);
	bench_submit(b, &self->q[q], ts);
}

static uint32_t q_status(struct bench *b, unsigned int q)
{
	return rd(b, D1_REG_Q(q, D1_Q_STATUS));
}

static uint64_t q_run_ns(struct bench *b, unsigned int q)
{
	uint64_t lo = rd(b, D1_REG_Q(q, D1_Q_RUN_NS_LO));

	return lo | (uint64_t)rd(b, D1_REG_Q(q, D1_Q_RUN_NS_HI)) << 32;
}

static uint32_t rep_u32(FIXTURE_DATA(dev) *self, unsigned int q,
			uint32_t off)
{
	uint32_t v;

	memcpy(&v, (uint8_t *)bench_ptr(&self->b, self->buf[q]) + O_REP + off, 4);
	return v;
}

static uint64_t rep_u64(FIXTURE_DATA(dev) *self, unsigned int q,
			uint32_t off)
{
	uint64_t v;

	memcpy(&v, (uint8_t *)bench_ptr(&self->b, self->buf[q]) + O_REP + off, 8);
	return v;
}

static uint64_t ts_of(FIXTURE_DATA(dev) *self, unsigned int q)
{
	uint64_t v;

	memcpy(&v, (uint8_t *)bench_ptr(&self->b, self->buf[q]) + O_TS, 8);
	return v;
}

/* Wait until @cond or @ms passed. */
#define WAIT_FOR(cond, ms) ({						\
	uint64_t end_ = now_ns() + (uint64_t)(ms) * 1000000;		\
	while (!(cond) && now_ns() < end_)				\
		nanosleep(&(struct timespec){ .tv_nsec = 200000 }, NULL); \
	(cond); })

/* Launches on disjoint nodes run at once, from different contexts. */
TEST_F(dev, disjoint_launches_run_at_the_same_time)
{
	struct bench *b = &self->b;
	struct basic_args spin = { BASIC_SPIN, 0, 0 };
	struct dev_scale_args sc = { VA_BUF + O_OUT, VA_BUF + O_OUT, 16, DEV_SCALE };
	int32_t *data = QBUF(1, O_OUT);
	unsigned int i;

	dev_launch(self, 0, false, &spin, sizeof(spin), 0, 0, 1, 2, 0, 0);
	ASSERT_TRUE(WAIT_FOR(q_run_ns(b, 0) > 0, 5000));
	for (i = 0; i < 16; i++)
		data[i] = (int32_t)i - 3;
	dev_launch(self, 1, true, &sc, sizeof(sc), 1, 0, 1, 2, 0, 10000000);
	/* queue 1's launch completes while queue 0's still runs */
	ASSERT_EQ(0, bench_wait(b, &self->q[1], 20000));
	for (i = 0; i < 16; i++)
		EXPECT_EQ(((int32_t)i - 3) * 2, data[i]);
	EXPECT_EQ(D1_Q_STATUS_BUSY, q_status(b, 0));
	EXPECT_EQ(2u, rd(b, D1_REG_GRID_BUSY));
	EXPECT_LT(0u, q_run_ns(b, 0));
	wr(b, D1_REG_Q(0, D1_Q_CTRL), D1_Q_CTRL_RESET);
	EXPECT_EQ(0u, q_status(b, 0));
	EXPECT_EQ(0u, rd(b, D1_REG_GRID_BUSY));
}

/*
 * Overlapping launches wait in arrival order, visibly (GRID_WAIT, no
 * running time), and a later one whose nodes are free does not pass an
 * earlier one that overlaps it.
 */
TEST_F(dev, overlapping_launches_wait_in_order)
{
	struct bench *b = &self->b;
	struct basic_args spin = { BASIC_SPIN, 0, 0 };
	struct basic_args hello = { BASIC_HELLO, 0, 0 };

	/* q0 holds node (0,0) for 300 ms */
	dev_launch(self, 0, false, &spin, sizeof(spin), 0, 0, 1, 1, 300, 0);
	ASSERT_TRUE(WAIT_FOR(q_run_ns(b, 0) > 0, 5000));
	/* q1 wants the whole grid for 200 ms; q2 then wants (1,1) only */
	dev_launch(self, 1, false, &spin, sizeof(spin), 0, 0, 2, 2, 200, 0);
	ASSERT_TRUE(WAIT_FOR(q_status(b, 1) & D1_Q_STATUS_GRID_WAIT, 5000));
	dev_launch(self, 2, false, &hello, sizeof(hello), 1, 1, 1, 1, 0, 100000);
	ASSERT_TRUE(WAIT_FOR(q_status(b, 2) & D1_Q_STATUS_GRID_WAIT, 5000));
	EXPECT_EQ(D1_Q_STATUS_BUSY | D1_Q_STATUS_GRID_WAIT, q_status(b, 1));
	EXPECT_EQ(0u, q_run_ns(b, 1));
	EXPECT_EQ(0u, q_run_ns(b, 2));
	/* each ends in turn: q0 and q1 at their time limits, then q2 */
	for (unsigned int q = 0; q < 3; q++)
		ASSERT_NE(-1, bench_wait(b, &self->q[q], 20000));
	EXPECT_EQ((uint32_t)D1_QERR_TIME_LIMIT, D1_Q_STATUS_ERROR(q_status(b, 0)));
	EXPECT_EQ((uint32_t)D1_QERR_TIME_LIMIT, D1_Q_STATUS_ERROR(q_status(b, 1)));
	EXPECT_EQ(0u, q_status(b, 2));
	EXPECT_EQ(100u, rep_u32(self, 2, D1_REPORT_HDR_SIZE));
	/* q1 got the grid only after q0's 300 ms and ran its full 200 ms
	 * then (its limit counts on the grid, not while waiting); q2
	 * ran after q1 although its node was free all along */
	EXPECT_LT(ts_of(self, 1), ts_of(self, 2));
	EXPECT_EQ((uint32_t)D1_QERR_TIME_LIMIT, rep_u32(self, 1, D1_REPORT_STATUS_OFF));
}

/* Resetting one queue stops its launch only; its nodes go to the next. */
TEST_F(dev, abort_one_launch_among_several)
{
	struct bench *b = &self->b;
	struct basic_args spin = { BASIC_SPIN, 0, 0 };
	struct basic_args hello = { BASIC_HELLO, 0, 0 };
	uint64_t r0, r2;

	dev_launch(self, 0, false, &spin, sizeof(spin), 0, 0, 1, 1, 0, 0);
	dev_launch(self, 1, false, &spin, sizeof(spin), 1, 0, 1, 1, 0, 0);
	dev_launch(self, 2, false, &spin, sizeof(spin), 0, 1, 1, 1, 0, 0);
	ASSERT_TRUE(WAIT_FOR(q_run_ns(b, 0) && q_run_ns(b, 1) && q_run_ns(b, 2),
			     5000));
	dev_launch(self, 3, false, &hello, sizeof(hello), 1, 0, 1, 1, 0, 100000);
	ASSERT_TRUE(WAIT_FOR(q_status(b, 3) & D1_Q_STATUS_GRID_WAIT, 5000));
	EXPECT_EQ(3u, rd(b, D1_REG_GRID_BUSY));

	wr(b, D1_REG_Q(1, D1_Q_CTRL), D1_Q_CTRL_RESET);
	EXPECT_EQ(0u, q_status(b, 1));
	/* queue 3's launch gets node (1,0) and completes */
	ASSERT_EQ(0, bench_wait(b, &self->q[3], 20000));
	EXPECT_EQ(100u, rep_u32(self, 3, D1_REPORT_HDR_SIZE));
	/* the others still run */
	r0 = q_run_ns(b, 0);
	r2 = q_run_ns(b, 2);
	EXPECT_EQ(D1_Q_STATUS_BUSY, q_status(b, 0));
	EXPECT_EQ(D1_Q_STATUS_BUSY, q_status(b, 2));
	EXPECT_TRUE(WAIT_FOR(q_run_ns(b, 0) > r0 && q_run_ns(b, 2) > r2, 5000));
	EXPECT_EQ(2u, rd(b, D1_REG_GRID_BUSY));
	wr(b, D1_REG_Q(0, D1_Q_CTRL), D1_Q_CTRL_RESET);
	wr(b, D1_REG_Q(2, D1_Q_CTRL), D1_Q_CTRL_RESET);
	EXPECT_EQ(0u, rd(b, D1_REG_GRID_BUSY));
}

/* A time limit stops an endless kernel with a report of where it was. */
TEST_F(dev, time_limit_reports_where_it_stopped)
{
	struct bench *b = &self->b;
	struct basic_args spin = { BASIC_SPIN, 0, 0 };
	uint64_t t0 = now_ns();

	dev_launch(self, 0, false, &spin, sizeof(spin), 0, 0, 2, 1, 150, 0);
	ASSERT_NE(-1, bench_wait(b, &self->q[0], 20000));
	EXPECT_LE(150000000u, now_ns() - t0);
	EXPECT_EQ((uint32_t)D1_QERR_TIME_LIMIT, D1_Q_STATUS_ERROR(q_status(b, 0)));
	EXPECT_EQ(D1_REPORT_MAGIC, rep_u32(self, 0, D1_REPORT_MAGIC_OFF));
	EXPECT_EQ((uint32_t)D1_QERR_TIME_LIMIT, rep_u32(self, 0, D1_REPORT_STATUS_OFF));
	EXPECT_EQ(0u, rep_u32(self, 0, D1_REPORT_HDR_SIZE + D1_REPORT_N_FAULT_OFF));
	EXPECT_LT((uint64_t)D1_SRAM_BASE,
		  rep_u64(self, 0, D1_REPORT_HDR_SIZE + D1_REPORT_N_PC_OFF));
	EXPECT_EQ(0u, q_run_ns(b, 0));
	/* reserved bits of w5 are refused */
	wr(b, D1_REG_Q(0, D1_Q_CTRL), D1_Q_CTRL_RESET);
	wr(b, D1_REG_Q(0, D1_Q_CTRL), D1_Q_CTRL_ENABLE);
	self->q[0].tail = 0;
	{
		uint64_t w[8] = {
			D1_DESC_HDR(D1_OP_LAUNCH, 0, 0), VA_IMG,
			D1_LAUNCH_W2(self->basic.size, REPORT), VA_BUF + O_ARGS,
			D1_LAUNCH_W4(0, 0, 1, 1),
			D1_LAUNCH_W5(sizeof(spin), 1, 10) | 1ull << 36, 1000,
			VA_BUF + O_REP,
		};

		bench_submit(b, &self->q[0], w);
		EXPECT_EQ((uint32_t)D1_QERR_BAD_DESC,
			  D1_Q_STATUS_ERROR(bench_wait(b, &self->q[0], 5000)));
	}
}

/* What one context's kernel leaves on a node, the next context's does
 * not see, whichever queue and in whichever order they come. */
TEST_F(dev, no_leak_between_contexts)
{
	struct bench *b = &self->b;
	struct basic_args dirty = { BASIC_DIRTY, 64, KDATA_OUT };
	struct basic_args scan = { BASIC_SCAN, 0, 0 };
	unsigned int round;

	for (round = 0; round < 4; round++) {
		unsigned int w = round % 2 ? 3 : 0, r = round % 2 ? 0 : 3;

		dev_launch(self, w, false, &dirty, sizeof(dirty), 1, 1, 1, 1, 0, 1000000);
		ASSERT_EQ(0, bench_wait(b, &self->q[w], 20000));
		dev_launch(self, r, false, &scan, sizeof(scan), 0, 0, 2, 2, 0, 10000000);
		ASSERT_EQ(0, bench_wait(b, &self->q[r], 20000));
		for (unsigned int n = 0; n < 4; n++) {
			EXPECT_EQ(0u, rep_u32(self, r, D1_REPORT_HDR_SIZE +
					      n * D1_REPORT_NODE_SIZE_CTR)) {
				TH_LOG("round %u node %u", round, n);
			}
		}
		EXPECT_EQ(0u, rep_u32(self, r, D1_REPORT_PRINTF_OFF));
	}
}

/* DMA or a semaphore aimed outside the rectangle: a node fault naming
 * the node, reported to the launching context. */
TEST_F(dev, reference_outside_the_rectangle_faults)
{
	struct bench *b = &self->b;
	struct basic_args peer = { BASIC_PEER, D1_DMA_FROM_NODE | 1u << 16, 0 };

	dev_launch(self, 2, false, &peer, sizeof(peer), 1, 1, 1, 1, 0, 1000000);
	EXPECT_EQ((uint32_t)D1_QERR_NODE_FAULT,
		  D1_Q_STATUS_ERROR(bench_wait(b, &self->q[2], 20000)));
	EXPECT_EQ((uint32_t)D1_NODE_FAULT_PEER,
		  rep_u32(self, 2, D1_REPORT_HDR_SIZE + D1_REPORT_N_FAULT_OFF));
	EXPECT_EQ(1u, rep_u64(self, 2, D1_REPORT_HDR_SIZE + D1_REPORT_N_ADDR_OFF));
	EXPECT_LT((uint64_t)D1_SRAM_BASE,
		  rep_u64(self, 2, D1_REPORT_HDR_SIZE + D1_REPORT_N_PC_OFF));
}

/* Cached by content: a second launch of the same bytes hits; the same
 * buffer rewritten in place is a new image and runs as written. */
TEST_F(dev, image_cache_follows_the_bytes)
{
	struct bench *b = &self->b;
	struct dev_scale_args sc = { VA_BUF + O_OUT, VA_BUF + O_OUT, 4, DEV_SCALE };
	char *elf = bench_ptr(b, self->scale.bus), *s;
	const char *text = (const char *)QBUF(0, O_REP + D1_REPORT_HDR_SIZE +
					      D1_REPORT_NODE_SIZE_CTR);
	uint32_t i;

	EXPECT_EQ(0u, rd(b, D1_REG_ICACHE_MISSES));
	for (i = 0; i < 2; i++) {
		dev_launch(self, 0, true, &sc, sizeof(sc), 0, 0, 1, 1, 0, 1000000);
		ASSERT_EQ(0, bench_wait(b, &self->q[0], 20000));
	}
	EXPECT_EQ(1u, rd(b, D1_REG_ICACHE_MISSES));
	EXPECT_EQ(1u, rd(b, D1_REG_ICACHE_HITS));
	EXPECT_EQ(0, strncmp(text, "[0,0] scaled 4 by 2\n", 20));
	/* rewrite the format string in place */
	s = memmem(elf, self->scale.size, "scaled %u", 9);
	ASSERT_NE(NULL, s);
	memcpy(s, "SCALED", 6);
	dev_launch(self, 0, true, &sc, sizeof(sc), 0, 0, 1, 1, 0, 1000000);
	ASSERT_EQ(0, bench_wait(b, &self->q[0], 20000));
	EXPECT_EQ(2u, rd(b, D1_REG_ICACHE_MISSES));
	EXPECT_EQ(0, strncmp(text, "[0,0] SCALED 4 by 2\n", 20));
	/* a device reset forgets the cache */
	wr(b, D1_REG_RESET, D1_RESET_MAGIC);
	EXPECT_EQ(0u, rd(b, D1_REG_ICACHE_MISSES));
}

TEST_HARNESS_MAIN

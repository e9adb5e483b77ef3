// SPDX-License-Identifier: GPL-2.0
/*
 * The node grid as a shared resource: concurrent launches on disjoint
 * rectangles (grid.c, pool.c), scrubbing between launches, confinement of
 * node-to-node DMA and semaphores to the launch, time limits.
 */
#define _GNU_SOURCE
#include <string.h>
#include <time.h>

#include "dip_harness.h"
#include "node_harness.h"
#include "pool.h"
#include "kernels/kargs.h"
#include "kselftest_harness.h"

static uint64_t now_ns(void)
{
	return bench_now(NULL);
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
	struct pool_ctx big = { .p = p, .items = 400 };
	struct pool_ctx small = { .p = p, .items = 8 };
	pthread_t tb, ts;

	ASSERT_NE(NULL, p);
	atomic_init(&big.ran, 0);
	atomic_init(&small.ran, 0);
	ASSERT_EQ(0, pthread_create(&tb, NULL, pool_job, &big));
	nanosleep(&(struct timespec){ .tv_nsec = 20000000 }, NULL);
	ASSERT_EQ(0, pthread_create(&ts, NULL, pool_job, &small));
	pthread_join(ts, NULL);
	pthread_join(tb, NULL);
	EXPECT_EQ(400u, atomic_load(&big.ran));
	EXPECT_EQ(8u, atomic_load(&small.ran));
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

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * The node timing model against analytical expectations (node-sim.rst,
 * "Timing model"; the constants are timing.h's): DMA set-up, hops and
 * bandwidth, link and HBM contention, SMT latency hiding, the matrix
 * unit's peak, and counters identical for any host thread count and on
 * translated code and the interpreter.
 */
#include <stdlib.h>
#include <string.h>

#include "kernels/kargs.h"
#include "kselftest_harness.h"
#include "node_harness.h"
#include "timing.h"

#define NONE 0xffff

static int run(struct d1_grid *g, const struct timing_args *a,
	       uint32_t harts, struct hbm *h, struct d1_launch_result *res)
{
	struct d1_launch l = { 0 };

	l.args = a;
	l.args_size = sizeof(*a);
	l.harts = harts;
	l.budget = 100000000;
	l.quantum = 512;
	l.mem = &hbm_ops;
	l.mem_opaque = h;
	return d1_grid_run(g, &l, res, NULL, 0);
}

static uint64_t ceil_div(uint64_t a, uint64_t b)
{
	return (a + b - 1) / b;
}

/* What a dma.wait right after its dma.start stalls for a transfer taking
 * @cost cycles from issue to completion. */
static uint64_t dma_stall(uint64_t cost)
{
	return cost - D1_TC_DMA;
}

static const struct d1_node_counters *ctr(struct d1_grid *g, uint32_t node)
{
	return &d1_grid_report(g, node)->ctr;
}

/* TIMING_DMA on a 1 x @cols row: rank i sends @len bytes to dst[i]
 * (NONE: nothing); the grid, for its reports. */
static struct d1_grid *dma_run(struct __test_metadata *_metadata,
			       uint32_t cols, const uint16_t *dst, uint64_t len)
{
	struct d1_grid *g = grid_with_kernel(1, cols, 1, "timing");
	struct timing_args a = { .mode = TIMING_DMA, .n = len };
	struct d1_launch_result res;
	uint32_t i;

	if (!g)
		return NULL;
	for (i = 0; i < 16; i++)
		a.dst[i] = i < cols ? dst[i] : NONE;
	EXPECT_EQ(0, run(g, &a, 1, NULL, &res));
	EXPECT_EQ(cols, res.exited);
	EXPECT_EQ(res.cycles, d1_grid_report(g, 0)->ctr.cycles);
	return g;
}

/* One transfer of @len bytes over @hops hops: set-up + hops + bandwidth. */
static void lone_transfer(struct __test_metadata *_metadata, uint16_t hops,
			  uint64_t len)
{
	uint16_t dst[8] = { hops, NONE, NONE, NONE, NONE, NONE, NONE, NONE };
	struct d1_grid *g = dma_run(_metadata, 8, dst, len);
	uint32_t i;

	ASSERT_NE(NULL, g);
	EXPECT_EQ(dma_stall(D1_TM_DMA_SETUP + hops * D1_TM_HOP +
			    ceil_div(len, D1_TM_LINK_BPC)),
		  ctr(g, 0)->stall_dma);
	EXPECT_EQ(len, ctr(g, 0)->dma_node_out);
	EXPECT_EQ(len, ctr(g, hops)->dma_node_in);
	/* every node on the way sent it east, none further */
	for (i = 0; i < 8; i++) {
		EXPECT_EQ(i < hops ? len : 0, ctr(g, i)->link_bytes[D1_LINK_E]);
		EXPECT_EQ(0, ctr(g, i)->link_bytes[D1_LINK_W]);
	}
	d1_grid_destroy(g);
}

TEST(dma_costs_setup_plus_hops_plus_bytes_over_bandwidth)
{
	lone_transfer(_metadata, 1, 4096);
	lone_transfer(_metadata, 3, 4096);
	lone_transfer(_metadata, 7, 4096);
	lone_transfer(_metadata, 2, 100000);
}

/* Transfers of @len from rank i to dst[i] on a 1 x 4 row; the stalls. */
static void pair(struct __test_metadata *_metadata, uint16_t d0, uint16_t d1,
		 uint16_t d2, uint64_t len, uint64_t stall[3])
{
	const uint16_t dst[4] = { d0, d1, d2, NONE };
	struct d1_grid *g = dma_run(_metadata, 4, dst, len);
	uint32_t i;

	ASSERT_NE(NULL, g);
	for (i = 0; i < 3; i++)
		stall[i] = ctr(g, i)->stall_dma;
	d1_grid_destroy(g);
}

TEST(transfers_sharing_a_link_contend_disjoint_ones_do_not)
{
	const uint64_t len = 65536;
	uint64_t lone[3], shared[3], disjoint[3];

	/* 0 -> 2 alone; 0 -> 2 with 1 -> 3 (both cross link 1-2 east) */
	pair(_metadata, 2, NONE, NONE, len, lone);
	pair(_metadata, 2, 3, NONE, len, shared);
	pair(_metadata, 1, NONE, 3, len, disjoint);
	EXPECT_EQ(dma_stall(D1_TM_DMA_SETUP + 2 * D1_TM_HOP +
			    len / D1_TM_LINK_BPC), lone[0]);
	EXPECT_GT(shared[0], lone[0]);
	EXPECT_GT(shared[1], lone[0]);
	/* the shared link carries both: each finishes when 2 len drained */
	EXPECT_EQ(dma_stall(D1_TM_DMA_SETUP + 2 * D1_TM_HOP +
			    2 * len / D1_TM_LINK_BPC), shared[0]);
	/* 0 -> 1 and 2 -> 3 share nothing: each as fast as alone */
	EXPECT_EQ(dma_stall(D1_TM_DMA_SETUP + D1_TM_HOP +
			    len / D1_TM_LINK_BPC), disjoint[0]);
	EXPECT_EQ(disjoint[0], disjoint[2]);
}

/* Reading HBM: the node's port alone, the card's bandwidth when many. */
TEST(hbm_bandwidth_is_shared_by_the_card)
{
	const uint64_t len = 65536;
	struct hbm *h = hbm_new(len);
	struct timing_args a = { .mode = TIMING_HBM, .n = len,
				 .addr = HBM_BASE };
	struct d1_launch_result res;
	struct d1_grid *g;
	uint32_t i;

	ASSERT_NE(NULL, h);
	g = grid_with_kernel(1, 1, 1, "timing");
	ASSERT_NE(NULL, g);
	ASSERT_EQ(0, run(g, &a, 1, h, &res));
	EXPECT_EQ(dma_stall(D1_TM_DMA_SETUP + len / D1_TM_PORT_BPC),
		  ctr(g, 0)->stall_dma);
	EXPECT_EQ(len, ctr(g, 0)->dma_hbm_read);
	d1_grid_destroy(g);

	g = grid_with_kernel(2, 4, 1, "timing");
	ASSERT_NE(NULL, g);
	ASSERT_EQ(0, run(g, &a, 1, h, &res));
	ASSERT_EQ(8, res.exited);
	for (i = 0; i < 8; i++)
		EXPECT_EQ(dma_stall(D1_TM_DMA_SETUP +
				    ceil_div(8 * len, D1_TM_HBM_BPC)),
			  ctr(g, i)->stall_dma);
	d1_grid_destroy(g);
	hbm_free(h);
}

/* A chain of dependent divides: one hart's latency, hidden by others. */
TEST(smt_harts_hide_each_others_latency)
{
	struct d1_grid *g = grid_with_kernel(1, 1, 1, "timing");
	struct timing_args a = { .mode = TIMING_DIV, .n = 20000 };
	struct d1_launch_result res;
	uint64_t one, four;
	uint32_t k;

	ASSERT_NE(NULL, g);
	ASSERT_EQ(0, run(g, &a, 1, NULL, &res));
	one = ctr(g, 0)->cycles;
	/* latency bound: at least the divides' cost */
	EXPECT_GE(one, a.n * D1_TC_DIV);
	EXPECT_LT(one, a.n * (D1_TC_DIV + 8));
	ASSERT_EQ(0, run(g, &a, 4, NULL, &res));
	four = ctr(g, 0)->cycles;
	for (k = 0; k < 4; k++)
		EXPECT_EQ(ctr(g, 0)->instret[0], ctr(g, 0)->instret[k]);
	/* four chains in about the time of one, far below 4x */
	EXPECT_LT(four, 4 * one);
	EXPECT_LT(four, one + one / 10);
	EXPECT_GE(four, one);
	EXPECT_EQ(0, ctr(g, 0)->stall_dma + ctr(g, 0)->stall_sem +
		     ctr(g, 0)->stall_barrier);
	d1_grid_destroy(g);
}

/* vmma: one 8x8x4 a cycle per node at peak (512 FLOP/cycle). */
TEST(vmma_reaches_the_documented_peak)
{
	struct d1_grid *g = grid_with_kernel(1, 1, 1, "timing");
	struct timing_args a = { .mode = TIMING_VMMA, .n = 200 };
	struct d1_launch_result res;
	const struct d1_node_counters *c;
	double one, four;

	ASSERT_NE(NULL, g);
	ASSERT_EQ(0, run(g, &a, 1, NULL, &res));
	c = ctr(g, 0);
	EXPECT_EQ(a.n * 64, c->mat_ops);
	EXPECT_EQ(a.n * 64 * D1_VMMA_FLOPS, c->flops);
	one = (double)c->flops / (double)c->cycles;
	/* one hart: one vmma per D1_TC_VMMA cycles */
	EXPECT_LE(one, (double)D1_VMMA_FLOPS / D1_TC_VMMA);
	EXPECT_GE(one, 0.9 * D1_VMMA_FLOPS / D1_TC_VMMA);
	ASSERT_EQ(0, run(g, &a, 4, NULL, &res));
	c = ctr(g, 0);
	EXPECT_EQ(4 * a.n * 64, c->mat_ops);
	four = (double)c->flops / (double)c->cycles;
	TH_LOG("vmma: %.1f FLOP/cycle one hart, %.1f four (peak %d)", one,
	       four, D1_VMMA_FLOPS);
	EXPECT_LE(four, D1_VMMA_FLOPS);
	EXPECT_GE(four, 0.95 * D1_VMMA_FLOPS);
	d1_grid_destroy(g);
}

/* TIMING_MIX on a 3 x 3 grid, 4 harts: the reports of every node. */
static void mix(struct __test_metadata *_metadata, uint32_t threads,
		struct d1_node_report rep[9], uint64_t *cycles)
{
	struct d1_grid *g = grid_with_kernel(3, 3, threads, "timing");
	struct timing_args a = { .mode = TIMING_MIX, .n = 300,
				 .addr = HBM_BASE };
	struct hbm *h = hbm_new(16384);
	struct d1_launch_result res;
	uint32_t i;

	ASSERT_NE(NULL, g);
	ASSERT_NE(NULL, h);
	ASSERT_EQ(0, run(g, &a, 4, h, &res));
	ASSERT_EQ(9, res.exited);
	for (i = 0; i < 9; i++)
		rep[i] = *d1_grid_report(g, i);
	*cycles = res.cycles;
	d1_grid_destroy(g);
	hbm_free(h);
}

static void expect_same(struct __test_metadata *_metadata,
			const struct d1_node_report *x,
			const struct d1_node_report *y)
{
	uint32_t i;

	for (i = 0; i < 9; i++) {
		EXPECT_EQ(x[i].exit_code, y[i].exit_code);
		EXPECT_EQ(x[i].cycles, y[i].cycles);
		EXPECT_EQ(0, memcmp(&x[i].ctr, &y[i].ctr, sizeof(x[i].ctr)))
			TH_LOG("node %u: counters differ", i);
	}
}

TEST(counters_are_filled_and_identical_for_any_thread_count)
{
	struct d1_node_report one[9], two[9];
	uint64_t c1, c2;
	uint32_t i, k;

	mix(_metadata, 1, one, &c1);
	mix(_metadata, 2, two, &c2);
	EXPECT_EQ(c1, c2);
	expect_same(_metadata, one, two);
	for (i = 0; i < 9; i++) {
		const struct d1_node_counters *c = &one[i].ctr;
		uint64_t sum = 0, links = 0;

		for (k = 0; k < 4; k++) {
			EXPECT_GT(c->instret[k], 0);
			sum += c->instret[k];
		}
		EXPECT_EQ(one[i].instret, sum);
		EXPECT_EQ(one[i].cycles, c->cycles);
		EXPECT_GE(c->cycles, c->instret[0]);
		/* each hart: vld, vld, vfma, vredsum, 2 vsplat, vst; a vmma */
		EXPECT_EQ(4 * 7, c->vec_ops);
		EXPECT_EQ(4, c->mat_ops);
		EXPECT_GT(c->flops, 4 * (D1_VMMA_FLOPS + 32 + 15));
		EXPECT_EQ(256u << (i % 4), c->dma_node_out);
		EXPECT_EQ(256u << ((i + 8) % 9 % 4), c->dma_node_in);
		EXPECT_EQ(1024, c->dma_hbm_read);
		EXPECT_GT(c->stall_dma, 0);
		EXPECT_GT(c->stall_barrier, 0);
		for (k = 0; k < D1_LINKS; k++)
			links += c->link_bytes[k];
		/* node 8 sends to 0 across the grid: 4 hops; the rest 1 */
		EXPECT_GE(links, 256u << (i % 4));
		EXPECT_GE(c1, c->cycles);
	}
	/* 8 -> 0 goes west along row 2, then north up column 0 */
	EXPECT_EQ(256u << 0, one[8].ctr.link_bytes[D1_LINK_W]);
	EXPECT_EQ(256u << 0, one[7].ctr.link_bytes[D1_LINK_W]);
	EXPECT_EQ(256u << 0, one[6].ctr.link_bytes[D1_LINK_N]);
	EXPECT_EQ(256u << 0, one[3].ctr.link_bytes[D1_LINK_N]);
	/* 2 -> 3 goes west along row 0 then south */
	EXPECT_EQ(256u << 2, one[2].ctr.link_bytes[D1_LINK_W]);
}

TEST(translated_code_and_the_interpreter_count_the_same)
{
	struct d1_node_report jit[9], interp[9];
	uint64_t c1, c2;

	unsetenv("D1_JIT");
	mix(_metadata, 1, jit, &c1);
	setenv("D1_JIT", "0", 1);
	mix(_metadata, 1, interp, &c2);
	unsetenv("D1_JIT");
	EXPECT_EQ(c1, c2);
	expect_same(_metadata, jit, interp);
}

TEST_HARNESS_MAIN

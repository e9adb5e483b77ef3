// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the DIP LAUNCH command (qemu-device/core/launch.c): a
 * clang-built kernel fetched through the context MMU, run on the node grid
 * with node DMA translated by the same context; the launch report; budget
 * timeouts, node faults, DMA faults, reset during a launch.
 */
#include "drm/d1_accel.h"
#include "dip_harness.h"
#include "node_harness.h"
#include "kernels/dev_args.h"
#include "kselftest_harness.h"

#define VA_HOST	0x100000000ull
#define VA_HBM	0x200000000ull
#define VA_IMG	0x300000000ull
#define RW	(D1_PTE_READ | D1_PTE_WRITE)
#define N	64		/* int32 per node */
#define REPORT	8192

/* Host buffer layout (offsets from the bus base) */
#define OFF_ARGS	0x0
#define OFF_OUT		0x1000
#define OFF_REP		0x10000
#define OFF_IMG		0x40000

FIXTURE(l) {
	struct bench b;
	struct bench_queue q;
	uint32_t img_size;
};

FIXTURE_SETUP(l)
{
	struct d1_dip_config c = bench_config();
	uint64_t root;
	size_t size;
	void *img = kernel_read("dev_scale", &size);

	ASSERT_NE(NULL, img);
	ASSERT_EQ(0, bench_init(&self->b, &c));
	root = bench_context(&self->b, 3);
	bench_map(&self->b, root, VA_HOST, BENCH_BUS_BASE, 1 << 20, RW);
	bench_map(&self->b, root, VA_HBM, 0, 1 << 20, RW | D1_PTE_HBM);
	bench_map(&self->b, root, VA_IMG, BENCH_BUS_BASE + OFF_IMG,
		  (size + 4095) & ~4095ul, D1_PTE_READ);
	memcpy(bench_ptr(&self->b, BENCH_BUS_BASE + OFF_IMG), img, size);
	free(img);
	self->img_size = size;
	bench_queue_start(&self->b, &self->q, 0, 3, 16);
}

FIXTURE_TEARDOWN(l)
{
	bench_fini(&self->b);
}

static uint64_t rect(uint32_t x0, uint32_t y0, uint32_t cols, uint32_t rows)
{
	return x0 | y0 << 16 | (uint64_t)cols << 32 | (uint64_t)rows << 48;
}

static void launch_sized(struct bench *b, struct bench_queue *q,
			 uint32_t img_size, uint64_t r, uint32_t harts,
			 uint64_t budget, const struct dev_scale_args *a,
			 uint32_t report_bytes)
{
	uint64_t w[8];

	memcpy(bench_ptr(b, BENCH_BUS_BASE + OFF_ARGS), a, sizeof(*a));
	w[0] = D1_DESC_HDR(D1_OP_LAUNCH, D1_DESC_F_FENCE, 7);
	w[1] = VA_IMG;
	w[2] = img_size | (uint64_t)report_bytes << 32;
	w[3] = VA_HOST + OFF_ARGS;
	w[4] = r;
	w[5] = sizeof(*a) | (uint64_t)harts << 32;
	w[6] = budget;
	w[7] = VA_HOST + OFF_REP;
	bench_submit(b, q, w);
}

static void launch(struct bench *b, struct bench_queue *q, uint32_t img_size,
		   uint64_t r, uint32_t harts, uint64_t budget,
		   const struct dev_scale_args *a)
{
	launch_sized(b, q, img_size, r, harts, budget, a, REPORT);
}

/* The launch report, read through the uAPI structs that pin its layout. */
static const struct drm_d1_launch_report *report(struct bench *b)
{
	return bench_ptr(b, BENCH_BUS_BASE + OFF_REP);
}

static const struct drm_d1_launch_node *report_node(struct bench *b,
						    unsigned int i)
{
	const struct drm_d1_launch_report *r = report(b);

	return (const void *)((const char *)(r + 1) + i * r->node_size);
}

/* Node @i's counters: right after its base record. */
static const struct drm_d1_launch_node_counters *
report_ctr(struct bench *b, unsigned int i)
{
	return (const void *)(report_node(b, i) + 1);
}

TEST_F(l, scale_on_every_node)
{
	struct bench *b = &self->b;
	struct dev_scale_args a = { VA_HBM, VA_HOST + OFF_OUT, N, DEV_SCALE };
	int32_t *in = (int32_t *)b->hbm;
	int32_t *out = bench_ptr(b, BENCH_BUS_BASE + OFF_OUT);
	const char *text;
	unsigned int i, node;
	uint64_t sum = 0;

	for (i = 0; i < 4 * N; i++)
		in[i] = (int32_t)(i * 37) - 1000;
	launch(b, &self->q, self->img_size, rect(0, 0, 2, 2), 2, 1000000, &a);
	ASSERT_EQ(0, bench_wait(b, &self->q, 20000));

	for (i = 0; i < 4 * N; i++)
		ASSERT_EQ(in[i] * (int32_t)(i / N + 2), out[i]) {
			TH_LOG("element %u", i);
		}
	EXPECT_EQ(D1_REPORT_MAGIC, report(b)->magic);
	EXPECT_EQ((uint32_t)D1_QERR_NONE, report(b)->status);
	EXPECT_EQ(4u, report(b)->nodes);
	/* The report has room for them: records with counters. */
	EXPECT_EQ((uint32_t)D1_REPORT_NODE_SIZE_CTR, report(b)->node_size);
	for (node = 0; node < 4; node++) {
		const struct drm_d1_launch_node_counters *c =
			report_ctr(b, node);

		EXPECT_EQ(node, report_node(b, node)->exit_code);
		EXPECT_EQ((uint32_t)D1_FAULT_NONE, report_node(b, node)->fault);
		EXPECT_EQ((uint32_t)DRM_D1_NODE_EXITED,
			  report_node(b, node)->state);
		/*
		 * Hart 0 did the work, hart 1 returned at once; one issue
		 * slot per node cycle.
		 */
		EXPECT_LT(c->instret[1], c->instret[0]);
		EXPECT_LT(0u, c->instret[1]);
		EXPECT_LE(c->instret[0] + c->instret[1], c->cycles);
		EXPECT_LE(c->cycles, report(b)->cycles);
		EXPECT_EQ((uint64_t)N * 4, c->dma_hbm_read);
		EXPECT_EQ((uint64_t)N * 4, c->dma_hbm_write);
		EXPECT_EQ(0u, c->instret[2]);
		EXPECT_EQ(0u, c->instret[3]);
		EXPECT_EQ(0u, c->dma_node_out);
		EXPECT_EQ(0u, c->dma_node_in);
		EXPECT_EQ(0u, c->mat_ops);
		EXPECT_EQ(0u, c->reserved[0]);
		EXPECT_EQ(0u, c->reserved[8]);
		sum += c->instret[0] + c->instret[1];
	}
	EXPECT_EQ(report(b)->instret, sum);
	EXPECT_LT(0u, report(b)->instret);
	EXPECT_LE(report(b)->instret / 8, report(b)->cycles);
	EXPECT_EQ(report(b)->instret,
		  (uint64_t)rd(b, D1_REG_Q(0, D1_Q_INSTRET_LO)));
	EXPECT_EQ(report(b)->cycles,
		  (uint64_t)rd(b, D1_REG_Q(0, D1_Q_CYCLES_LO)));
	EXPECT_LT(0u, report(b)->grid_ns);
	EXPECT_EQ(2u * 4 * N * 4, rd(b, D1_REG_Q(0, D1_Q_DMA_BYTES_LO)));
	EXPECT_EQ(7u, rd(b, D1_REG_Q(0, D1_Q_FENCE)));

	/* printf text, each line tagged with its node's coordinates */
	text = (const char *)report_node(b, 4);	/* after the 4 records */
	EXPECT_EQ(strlen("[0,0] scaled 64 by 2\n") * 4,
		  report(b)->printf_bytes);
	EXPECT_EQ(0, strncmp(text, "[0,0] scaled 64 by 2\n[1,0] scaled 64 by 3\n"
			     "[0,1] scaled 64 by 4\n[1,1] scaled 64 by 5\n",
			     report(b)->printf_bytes));
}

TEST_F(l, report_without_room_for_counters)
{
	struct bench *b = &self->b;
	struct dev_scale_args a = { VA_HBM, VA_HOST + OFF_OUT, N, DEV_SCALE };
	uint8_t *rep = bench_ptr(b, BENCH_BUS_BASE + OFF_REP);
	const char *text;
	unsigned int node;

	/*
	 * One byte short of the records with counters: the 32-byte records
	 * an older driver asked for, and the printf text right after them.
	 */
	memset(rep, 0xa5, REPORT);
	launch_sized(b, &self->q, self->img_size, rect(0, 0, 2, 2), 1,
		     1000000, &a, D1_REPORT_SIZE_CTR(4) - 1);
	ASSERT_EQ(0, bench_wait(b, &self->q, 20000));
	EXPECT_EQ(D1_REPORT_MAGIC, report(b)->magic);
	EXPECT_EQ((uint32_t)D1_REPORT_NODE_SIZE, report(b)->node_size);
	EXPECT_EQ(4u, report(b)->nodes);
	for (node = 0; node < 4; node++) {
		EXPECT_EQ(node, report_node(b, node)->exit_code);
		EXPECT_EQ((uint32_t)DRM_D1_NODE_EXITED,
			  report_node(b, node)->state);
	}
	EXPECT_LT(0u, report(b)->instret);
	text = (const char *)report_node(b, 4);
	EXPECT_EQ(strlen("[0,0] scaled 64 by 2\n") * 4,
		  report(b)->printf_bytes);
	EXPECT_EQ(0, strncmp(text, "[0,0] scaled 64 by 2\n",
			     strlen("[0,0] scaled 64 by 2\n")));
	/* Nothing written past the text. */
	EXPECT_EQ(0xa5, rep[D1_REPORT_SIZE(4) + report(b)->printf_bytes]);
}

/* Every counter lands in the uAPI field of its name. */
TEST(record_layout)
{
	struct d1_node_report r = {
		.status = D1_NODE_TIME_LIMIT, .exit_code = -3, .fault = 0,
		.fault_hart = 2, .fault_pc = 0x1234, .fault_addr = 0x5678,
	};
	uint64_t rec[D1_REPORT_NODE_SIZE_CTR / 8];
	const struct drm_d1_launch_node *n = (const void *)rec;
	const struct drm_d1_launch_node_counters *c = (const void *)(n + 1);
	uint64_t *v = (uint64_t *)&r.ctr;
	unsigned int i;

	for (i = 0; i < sizeof(r.ctr) / 8; i++)
		v[i] = 1000 + i;
	memset(rec, 0xee, sizeof(rec));
	d1_launch_put_node((uint8_t *)rec, D1_REPORT_NODE_SIZE, &r);
	EXPECT_EQ((uint32_t)-3, n->exit_code);
	EXPECT_EQ(0u, n->fault);
	EXPECT_EQ(2u, n->hart);
	EXPECT_EQ((uint32_t)DRM_D1_NODE_TIME_LIMIT, n->state);
	EXPECT_EQ(0x1234u, n->fault_pc);
	EXPECT_EQ(0x5678u, n->fault_addr);
	EXPECT_EQ(0xeeeeeeeeeeeeeeeeull, c->cycles);	/* base record only */

	memset(rec, 0, sizeof(rec));
	d1_launch_put_node((uint8_t *)rec, D1_REPORT_NODE_SIZE_CTR, &r);
	EXPECT_EQ(2u, n->hart);
	EXPECT_EQ(1000u, c->cycles);
	for (i = 0; i < 4; i++) {
		EXPECT_EQ(1001u + i, c->instret[i]);
		EXPECT_EQ(1015u + i, c->link_bytes[i]);
	}
	EXPECT_EQ(1005u, c->stall_dma);
	EXPECT_EQ(1006u, c->stall_sem);
	EXPECT_EQ(1007u, c->stall_barrier);
	EXPECT_EQ(1008u, c->vec_ops);
	EXPECT_EQ(1009u, c->mat_ops);
	EXPECT_EQ(1010u, c->flops);
	EXPECT_EQ(1011u, c->dma_hbm_read);
	EXPECT_EQ(1012u, c->dma_hbm_write);
	EXPECT_EQ(1013u, c->dma_node_out);
	EXPECT_EQ(1014u, c->dma_node_in);
	for (i = 0; i < 9; i++)
		EXPECT_EQ(0u, c->reserved[i]);
}

TEST_F(l, sub_rectangle)
{
	struct bench *b = &self->b;
	struct dev_scale_args a = { VA_HBM, VA_HOST + OFF_OUT, N, DEV_SCALE };
	int32_t *out = bench_ptr(b, BENCH_BUS_BASE + OFF_OUT);
	const char *text;
	unsigned int i;

	for (i = 0; i < 4 * N; i++)
		((int32_t *)b->hbm)[i] = (int32_t)i;
	/*
	 * Column x = 1: mesh nodes 1 and 3, which the kernel sees as nodes
	 * 0 and 1 of a 1x2 grid.  The printf tags give the mesh place.
	 */
	launch(b, &self->q, self->img_size, rect(1, 0, 1, 2), 1, 1000000, &a);
	ASSERT_EQ(0, bench_wait(b, &self->q, 20000));
	text = (const char *)report_node(b, 2);	/* after the 2 records */
	EXPECT_EQ(2u, report(b)->nodes);
	EXPECT_EQ(0u, report_node(b, 0)->exit_code);
	EXPECT_EQ(1u, report_node(b, 1)->exit_code);
	for (i = 0; i < N; i++) {
		EXPECT_EQ((int32_t)i * 2, out[i]);
		EXPECT_EQ((int32_t)(N + i) * 3, out[N + i]);
		EXPECT_EQ(0, out[2 * N + i]);	/* no third node */
	}
	EXPECT_EQ(0, strncmp(text, "[1,0] scaled 64 by 2\n[1,1] scaled 64 by 3\n",
			     report(b)->printf_bytes));
}

TEST_F(l, budget_timeout)
{
	struct bench *b = &self->b;
	struct dev_scale_args a = { 0, 0, 0, DEV_SPIN };
	int64_t st;

	launch(b, &self->q, self->img_size, rect(0, 0, 1, 1), 1, 50000, &a);
	st = bench_wait(b, &self->q, 20000);
	EXPECT_EQ((uint32_t)D1_QERR_TIMEOUT, D1_Q_STATUS_ERROR(st));
	EXPECT_EQ((uint32_t)D1_QERR_TIMEOUT, report(b)->status);
	EXPECT_LE(50000u, report(b)->instret);
	EXPECT_EQ((uint32_t)DRM_D1_NODE_BUDGET, report_node(b, 0)->state);
	EXPECT_EQ(report(b)->instret, report_ctr(b, 0)->instret[0]);
}

TEST_F(l, node_fault_is_reported)
{
	struct bench *b = &self->b;
	struct dev_scale_args a = { 0, 0, 0, DEV_ILLEGAL };
	int64_t st;

	launch(b, &self->q, self->img_size, rect(1, 1, 1, 1), 1, 1000000, &a);
	st = bench_wait(b, &self->q, 20000);
	EXPECT_EQ((uint32_t)D1_QERR_NODE_FAULT, D1_Q_STATUS_ERROR(st));
	EXPECT_EQ((uint32_t)D1_QERR_NODE_FAULT, report(b)->status);
	EXPECT_EQ((uint32_t)D1_FAULT_ILLEGAL, report_node(b, 0)->fault);
	EXPECT_EQ((uint32_t)DRM_D1_NODE_FAULTED, report_node(b, 0)->state);
	EXPECT_NE(0u, report_node(b, 0)->fault_pc);
	/* A node fault is not an MMU fault. */
	EXPECT_EQ(0u, rd(b, D1_REG_FAULT_STATUS));
}

TEST_F(l, store_past_sram_is_reported)
{
	struct bench *b = &self->b;
	struct dev_scale_args a = { 0, 0, 0, DEV_SRAM_OVERFLOW };

	launch(b, &self->q, self->img_size, rect(0, 0, 1, 1), 1, 1000000, &a);
	bench_wait(b, &self->q, 20000);
	EXPECT_EQ((uint32_t)D1_QERR_NODE_FAULT, report(b)->status);
	EXPECT_EQ((uint32_t)D1_FAULT_STORE, report_node(b, 0)->fault);
	EXPECT_EQ((uint64_t)D1_SRAM_BASE + D1_SRAM_SIZE,
		  report_node(b, 0)->fault_addr);
}

TEST_F(l, node_dma_outside_mappings)
{
	struct bench *b = &self->b;
	struct dev_scale_args a = { VA_HBM + (1 << 20), VA_HOST + OFF_OUT, N,
				    DEV_SCALE };
	uint32_t f;
	int64_t st;

	launch(b, &self->q, self->img_size, rect(0, 0, 1, 1), 1, 1000000, &a);
	st = bench_wait(b, &self->q, 20000);
	EXPECT_EQ((uint32_t)D1_QERR_MMU_FAULT, D1_Q_STATUS_ERROR(st));
	f = rd(b, D1_REG_FAULT_STATUS);
	EXPECT_TRUE(f & D1_FAULT_VALID);
	EXPECT_EQ((uint32_t)D1_ACCESS_READ, D1_FAULT_ACCESS(f));
	EXPECT_EQ((uint32_t)D1_MMU_UNMAPPED, D1_FAULT_REASON(f));
	EXPECT_EQ((uint32_t)(VA_HBM + (1 << 20)), rd(b, D1_REG_FAULT_VA_LO));
	EXPECT_EQ((uint32_t)D1_FAULT_DMA, report_node(b, 0)->fault);
}

/* Context @c's 64-bit usage register @lo (CTX_CYCLES_LO, CTX_GRID_NS_LO). */
static uint64_t ctx_stat(struct bench *b, unsigned int c, uint32_t lo)
{
	return rd(b, D1_REG_CTX_STAT(c, lo)) |
	       (uint64_t)rd(b, D1_REG_CTX_STAT(c, lo + 4)) << 32;
}

/*
 * CTX_STAT: a context's usage is its launches' (cycles as the reports
 * sum them, grid time at least theirs); other contexts see none; a
 * CTX_CTRL write and a device reset clear it.
 */
TEST_F(l, context_usage)
{
	struct bench *b = &self->b;
	struct dev_scale_args a = { VA_HBM, VA_HOST + OFF_OUT, N, DEV_SCALE };
	uint64_t cycles = 0, grid_ns = 0;
	unsigned int i;

	EXPECT_EQ(0u, ctx_stat(b, 3, D1_CTX_CYCLES_LO));
	for (i = 0; i < 2; i++) {
		launch(b, &self->q, self->img_size, rect(0, 0, 1 + i, 1), 1,
		       1000000, &a);
		ASSERT_EQ(0, bench_wait(b, &self->q, 20000));
		ASSERT_EQ((uint32_t)D1_QERR_NONE, report(b)->status);
		cycles += report(b)->cycles;
		grid_ns += report(b)->grid_ns;
		EXPECT_EQ(cycles, ctx_stat(b, 3, D1_CTX_CYCLES_LO));
		EXPECT_LE(grid_ns, ctx_stat(b, 3, D1_CTX_GRID_NS_LO));
	}
	EXPECT_LT(0u, cycles);
	EXPECT_EQ(cycles, (uint64_t)rd(b, D1_REG_Q(0, D1_Q_CYCLES_LO)));
	EXPECT_EQ(0u, ctx_stat(b, 2, D1_CTX_CYCLES_LO));
	EXPECT_EQ(0u, ctx_stat(b, 2, D1_CTX_GRID_NS_LO));
	/* Read-only: a write is a guest error and changes nothing. */
	i = b->errors;
	wr(b, D1_REG_CTX_STAT(3, D1_CTX_CYCLES_LO), 0);
	EXPECT_EQ(i + 1, b->errors);
	EXPECT_EQ(cycles, ctx_stat(b, 3, D1_CTX_CYCLES_LO));

	wr(b, D1_REG_CTX(3, D1_CTX_CTRL), D1_CTX_VALID);
	EXPECT_EQ(0u, ctx_stat(b, 3, D1_CTX_CYCLES_LO));
	EXPECT_EQ(0u, ctx_stat(b, 3, D1_CTX_GRID_NS_LO));
	launch(b, &self->q, self->img_size, rect(0, 0, 1, 1), 1, 1000000, &a);
	ASSERT_EQ(0, bench_wait(b, &self->q, 20000));
	EXPECT_EQ(report(b)->cycles, ctx_stat(b, 3, D1_CTX_CYCLES_LO));
	wr(b, D1_REG_RESET, D1_RESET_MAGIC);
	EXPECT_EQ(0u, ctx_stat(b, 3, D1_CTX_CYCLES_LO));
	EXPECT_EQ(0u, ctx_stat(b, 3, D1_CTX_GRID_NS_LO));
}

TEST_F(l, reset_during_launch)
{
	struct bench *b = &self->b;
	struct dev_scale_args a = { 0, 0, 0, DEV_SPIN };
	struct dev_scale_args ok = { VA_HBM, VA_HOST + OFF_OUT, N, DEV_SCALE };

	/* No budget: only a reset stops it. */
	launch(b, &self->q, self->img_size, rect(0, 0, 2, 2), 4, 0, &a);
	EXPECT_EQ(-1, bench_wait(b, &self->q, 50));
	wr(b, D1_REG_Q(0, D1_Q_CTRL), D1_Q_CTRL_RESET);
	EXPECT_EQ(0u, rd(b, D1_REG_Q(0, D1_Q_STATUS)));
	EXPECT_NE(D1_REPORT_MAGIC, report(b)->magic);	/* aborted: none */

	wr(b, D1_REG_Q(0, D1_Q_CTRL), D1_Q_CTRL_ENABLE);
	self->q.tail = 0;
	((int32_t *)b->hbm)[0] = 21;
	launch(b, &self->q, self->img_size, rect(0, 0, 1, 1), 1, 1000000, &ok);
	ASSERT_EQ(0, bench_wait(b, &self->q, 20000));
	EXPECT_EQ(42, *(int32_t *)bench_ptr(b, BENCH_BUS_BASE + OFF_OUT));
}

TEST_F(l, launches_take_turns_on_the_grid)
{
	struct bench *b = &self->b;
	struct dev_scale_args spin = { 0, 0, 0, DEV_SPIN };
	struct dev_scale_args ok = { VA_HBM, VA_HOST + OFF_OUT, N, DEV_SCALE };
	struct bench_queue q1;
	uint64_t w[8];

	/*
	 * q0 spins with no budget; q1's launch, overlapping it, waits
	 * visibly (launches on disjoint nodes: test_grid_share.c).  Each
	 * step waits for the state it needs, however slow the host: q0 on
	 * its nodes (RUN_NS counts) before q1 asks for them.
	 */
	launch(b, &self->q, self->img_size, rect(0, 0, 1, 1), 1, 0, &spin);
	ASSERT_TRUE(bench_until(b, D1_REG_Q(0, D1_Q_RUN_NS_LO), ~0u, 20000));
	bench_queue_start(b, &q1, 1, 3, 16);
	memcpy(w, (uint64_t[8]){ D1_DESC_HDR(D1_OP_LAUNCH, 0, 0), VA_IMG,
		self->img_size | (uint64_t)REPORT << 32, VA_HOST + OFF_ARGS + 64,
		rect(0, 0, 2, 1), sizeof(ok) | 1ull << 32, 1000000,
		VA_HOST + OFF_REP + REPORT }, sizeof(w));
	memcpy((uint8_t *)bench_ptr(b, BENCH_BUS_BASE + OFF_ARGS) + 64, &ok,
	       sizeof(ok));
	bench_submit(b, &q1, w);
	ASSERT_TRUE(bench_until(b, D1_REG_Q(1, D1_Q_STATUS),
				D1_Q_STATUS_GRID_WAIT, 20000));
	EXPECT_EQ(D1_Q_STATUS_BUSY | D1_Q_STATUS_GRID_WAIT,
		  rd(b, D1_REG_Q(1, D1_Q_STATUS)));
	EXPECT_EQ(0u, rd(b, D1_REG_Q(1, D1_Q_RUN_NS_LO)));
	EXPECT_EQ(D1_Q_STATUS_BUSY, rd(b, D1_REG_Q(0, D1_Q_STATUS)));

	/* Resetting the spinning queue lets the other launch run. */
	wr(b, D1_REG_Q(0, D1_Q_CTRL), D1_Q_CTRL_RESET);
	ASSERT_EQ(0, bench_wait(b, &q1, 20000));
	EXPECT_EQ(0u, rd(b, D1_REG_Q(1, D1_Q_STATUS)));
}

TEST_F(l, bad_launch_descriptors)
{
	struct bench *b = &self->b;
	struct dev_scale_args a = { 0, 0, 0, DEV_SCALE };
	struct {
		uint64_t rect;
		uint32_t harts;
	} cases[] = {
		{ rect(1, 0, 2, 1), 1 },	/* beyond the grid */
		{ rect(0, 0, 0, 1), 1 },	/* empty */
		{ rect(0, 0, 1, 1), 0 },	/* no harts */
		{ rect(0, 0, 1, 1), 5 },	/* too many harts */
	};
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		wr(b, D1_REG_Q(0, D1_Q_CTRL), D1_Q_CTRL_RESET);
		wr(b, D1_REG_Q(0, D1_Q_CTRL), D1_Q_CTRL_ENABLE);
		self->q.tail = 0;
		launch(b, &self->q, self->img_size, cases[i].rect,
		       cases[i].harts, 1000, &a);
		EXPECT_EQ((uint32_t)D1_QERR_BAD_DESC,
			  D1_Q_STATUS_ERROR(bench_wait(b, &self->q, 5000))) {
			TH_LOG("case %u", i);
		}
	}
	/* A corrupt image is refused too. */
	wr(b, D1_REG_Q(0, D1_Q_CTRL), D1_Q_CTRL_RESET);
	wr(b, D1_REG_Q(0, D1_Q_CTRL), D1_Q_CTRL_ENABLE);
	self->q.tail = 0;
	memset(bench_ptr(b, BENCH_BUS_BASE + OFF_IMG), 0x5a, 64);
	launch(b, &self->q, self->img_size, rect(0, 0, 1, 1), 1, 1000, &a);
	EXPECT_EQ((uint32_t)D1_QERR_BAD_DESC,
		  D1_Q_STATUS_ERROR(bench_wait(b, &self->q, 5000)));
}

TEST_HARNESS_MAIN

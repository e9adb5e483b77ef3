// SPDX-License-Identifier: GPL-2.0
/*
 * libd1 launch results on the real device (in the VM): every node's exit
 * code from d1_exit(), its state, fault, and counters - non-zero where
 * work ran, zero where it did not, summing to the launch's totals and to
 * the queue telemetry - for successful and failed launches, and the
 * API's errors (not ready, bad index, NULL).
 * The counters come from the node simulator's timing model.
 */
#include <stdint.h>
#include <stdio.h>

#include "d1_test.h"
#include "sdk_test.h"
#include "kselftest_harness.h"

FIXTURE(result) {
	d1_device *dev;
	d1_program *prog;
	d1_stream *s;
};

FIXTURE_SETUP(result)
{
	self->dev = NULL;
	self->prog = NULL;
	self->s = NULL;
	SDK_SETUP(self->dev);
	self->prog = test_program("sdk_test.c");
	ASSERT_NE(NULL, self->prog);
	ASSERT_EQ(D1_SUCCESS, d1_stream_create(self->dev, D1_STREAM_ANY_QUEUE,
					       &self->s));
}

FIXTURE_TEARDOWN(result)
{
	if (self->s)
		d1_stream_destroy(self->s);
	if (self->prog)
		d1_program_destroy(self->prog);
	if (self->dev)
		EXPECT_EQ(D1_SUCCESS, d1_device_close(self->dev));
}

static uint64_t harts_instret(const struct d1_node_result *n)
{
	return n->instret[0] + n->instret[1] + n->instret[2] + n->instret[3];
}

static uint64_t queue_stat(d1_device *dev, unsigned int q, int cycles)
{
	struct d1_telemetry t;

	if (d1_device_telemetry(dev, &t) || q >= t.num_queues)
		return ~0ull;
	return cycles ? t.queue[q].cycles : t.queue[q].instret;
}

TEST_F(result, exit_codes_and_counters_per_node)
{
	struct d1_launch_config cfg = { .x0 = 1, .y0 = 1, .cols = 3, .rows = 2,
					.harts = 2 };
	d1_kernel *k = SDK_KERNEL(self->prog, "exit_node");
	uint64_t instret = 0, cycles = 0, q_instret, q_cycles;
	unsigned int i, q;
	struct d1_launch_info li;
	struct d1_node_result n;
	d1_launch_result *r;

	ASSERT_NE(NULL, k);
	ASSERT_EQ(D1_SUCCESS, d1_stream_queue(self->s, &q));
	q_instret = queue_stat(self->dev, q, 0);
	q_cycles = queue_stat(self->dev, q, 1);
	ASSERT_EQ(D1_SUCCESS, d1_kernel_set_arg_u32(k, 0, 100));
	ASSERT_EQ(D1_SUCCESS, d1_launch_with_result(self->s, k, &cfg, &r));
	ASSERT_NE(NULL, r);
	/* Filled when the stream completes it, not before. */
	EXPECT_EQ(D1_ERROR_NOT_READY, d1_launch_result_info(r, &li));
	EXPECT_EQ(D1_ERROR_NOT_READY, d1_launch_result_node(r, 0, &n));
	ASSERT_EQ(D1_SUCCESS, d1_stream_synchronize(self->s, D1_TIMEOUT_INFINITE));

	ASSERT_EQ(D1_SUCCESS, d1_launch_result_info(r, &li));
	EXPECT_EQ(1u, li.x0);
	EXPECT_EQ(1u, li.y0);
	EXPECT_EQ(3u, li.cols);
	EXPECT_EQ(2u, li.rows);
	EXPECT_EQ(2u, li.harts);
	EXPECT_EQ(D1_SUCCESS, li.status);
	EXPECT_STREQ("exit_node", li.kernel);
	EXPECT_EQ(1u, li.counters);
	EXPECT_LT(0u, li.instret);
	EXPECT_LT(0u, li.cycles);
	EXPECT_LT(0u, li.grid_ns);
	EXPECT_EQ((double)li.cycles / 2e6, li.sim_ms);
	for (i = 0; i < 6; i++) {
		ASSERT_EQ(D1_SUCCESS, d1_launch_result_node(r, i, &n));
		EXPECT_EQ(1 + i % 3, n.x);
		EXPECT_EQ(1 + i / 3, n.y);
		EXPECT_EQ((unsigned int)D1_NODE_EXITED, n.status);
		EXPECT_STREQ("exited", d1_node_state_name(n.status));
		EXPECT_EQ(100 + (int)i, n.exit_code);
		EXPECT_EQ(0u, n.fault);
		/* Two harts launched, the other two never ran. */
		EXPECT_EQ(0u, n.instret[2]);
		EXPECT_EQ(0u, n.instret[3]);
		EXPECT_EQ(0u, n.dma_hbm_read + n.dma_hbm_write +
			      n.dma_node_out + n.dma_node_in);
		EXPECT_EQ(0u, n.mat_ops);
		EXPECT_EQ(0u, n.reserved[0]);
		EXPECT_LT(0u, n.instret[0]);
		EXPECT_LT(0u, n.instret[1]);
		/* One issue slot a cycle, shared by the harts. */
		EXPECT_LE(n.instret[0] + n.instret[1], n.cycles);
		EXPECT_LE(n.cycles, li.cycles);
		instret += harts_instret(&n);
		if (n.cycles > cycles)
			cycles = n.cycles;
	}
	EXPECT_EQ(li.instret, instret);
	EXPECT_EQ(li.cycles, cycles);
	/* The queue's telemetry adds up the same launches. */
	EXPECT_EQ(q_instret + li.instret, queue_stat(self->dev, q, 0));
	EXPECT_EQ(q_cycles + li.cycles, queue_stat(self->dev, q, 1));

	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_launch_result_node(r, 6, &n));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_launch_result_node(r, 0, NULL));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_launch_result_info(r, NULL));
	EXPECT_EQ(D1_SUCCESS, d1_launch_result_destroy(r));
	d1_kernel_destroy(k);
}

TEST_F(result, counters_where_the_work_ran)
{
	enum { N = 3000 };
	struct d1_launch_config cfg = { .cols = 2 };
	d1_kernel *k = SDK_KERNEL(self->prog, "scale");
	struct d1_node_result n[2];
	static float x[N], y[N];
	d1_launch_result *r;
	d1_buffer *bx, *by;
	unsigned int i;

	ASSERT_NE(NULL, k);
	for (i = 0; i < N; i++)
		x[i] = (float)i;
	ASSERT_EQ(D1_SUCCESS, d1_buffer_create(self->dev, N * 4, D1_MEM_HBM, 0, &bx));
	ASSERT_EQ(D1_SUCCESS, d1_buffer_create(self->dev, N * 4, D1_MEM_HBM, 0, &by));
	ASSERT_EQ(D1_SUCCESS, d1_memcpy_htod(bx, 0, x, sizeof(x)));
	ASSERT_EQ(D1_SUCCESS, d1_kernel_set_arg_buffer(k, 0, bx, 0));
	ASSERT_EQ(D1_SUCCESS, d1_kernel_set_arg_buffer(k, 1, by, 0));
	ASSERT_EQ(D1_SUCCESS, d1_kernel_set_arg_u32(k, 2, N));
	ASSERT_EQ(D1_SUCCESS, d1_kernel_set_arg_f32(k, 3, 0.5f));
	ASSERT_EQ(D1_SUCCESS, d1_launch_with_result(self->s, k, &cfg, &r));
	ASSERT_EQ(D1_SUCCESS, d1_stream_synchronize(self->s, D1_TIMEOUT_INFINITE));
	ASSERT_EQ(D1_SUCCESS, d1_memcpy_dtoh(y, by, 0, sizeof(y)));
	for (i = 0; i < N; i++)
		ASSERT_EQ(x[i] * 0.5f, y[i]);

	/* Node 0 did the work; node 1 returned at once. */
	ASSERT_EQ(D1_SUCCESS, d1_launch_result_node(r, 0, &n[0]));
	ASSERT_EQ(D1_SUCCESS, d1_launch_result_node(r, 1, &n[1]));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_launch_result_node(r, 2, &n[1]));
	for (i = 0; i < 2; i++) {
		EXPECT_EQ((unsigned int)D1_NODE_EXITED, n[i].status);
		EXPECT_EQ(0, n[i].exit_code);
	}
	EXPECT_EQ(0u, n[1].dma_hbm_read + n[1].dma_hbm_write);
	EXPECT_EQ(0u, n[1].flops);
	EXPECT_EQ(0u, n[0].dma_node_out + n[0].dma_node_in);
	EXPECT_EQ((uint64_t)N * 4, n[0].dma_hbm_read);
	EXPECT_EQ((uint64_t)N * 4, n[0].dma_hbm_write);
	EXPECT_LT(n[1].instret[0] + (uint64_t)N, n[0].instret[0]);
	EXPECT_LT(n[1].cycles, n[0].cycles);
	EXPECT_EQ(D1_SUCCESS, d1_launch_result_destroy(r));
	d1_buffer_destroy(bx);
	d1_buffer_destroy(by);
	d1_kernel_destroy(k);
}

TEST_F(result, failed_launch_names_the_faulting_node)
{
	struct d1_launch_config cfg = { .cols = 2 };
	d1_kernel *k = SDK_KERNEL(self->prog, "bad_load");
	struct d1_launch_info li;
	struct d1_node_result n;
	d1_launch_result *r;

	ASSERT_NE(NULL, k);
	ASSERT_EQ(D1_SUCCESS, d1_kernel_set_arg_u32(k, 0, 1));
	ASSERT_EQ(D1_SUCCESS, d1_kernel_set_arg_u32(k, 1, 0));
	ASSERT_EQ(D1_SUCCESS, d1_launch_with_result(self->s, k, &cfg, &r));
	EXPECT_EQ(D1_ERROR_LAUNCH_FAILED,
		  d1_stream_synchronize(self->s, D1_TIMEOUT_INFINITE));
	ASSERT_EQ(D1_SUCCESS, d1_launch_result_info(r, &li));
	EXPECT_EQ(D1_ERROR_LAUNCH_FAILED, li.status);
	ASSERT_EQ(D1_SUCCESS, d1_launch_result_node(r, 0, &n));
	EXPECT_EQ((unsigned int)D1_NODE_EXITED, n.status);
	EXPECT_EQ(0u, n.fault);
	ASSERT_EQ(D1_SUCCESS, d1_launch_result_node(r, 1, &n));
	EXPECT_EQ((unsigned int)D1_NODE_FAULTED, n.status);
	EXPECT_STREQ("faulted", d1_node_state_name(n.status));
	EXPECT_EQ(1u, n.x);
	EXPECT_EQ(4u, n.fault);		/* load access fault (isa.rst) */
	EXPECT_EQ(0u, n.hart);
	EXPECT_EQ(0x20000000u, n.fault_addr);
	EXPECT_NE(0u, n.fault_pc);
	EXPECT_EQ(D1_SUCCESS, d1_launch_result_destroy(r));
	d1_kernel_destroy(k);
}

TEST_F(result, owned_by_the_caller)
{
	struct d1_launch_config cfg = { .cols = 2 };
	d1_kernel *k = SDK_KERNEL(self->prog, "exit_node");
	struct d1_launch_info li;
	struct d1_node_result n;
	d1_launch_result *r = (d1_launch_result *)&cfg, *r2;

	ASSERT_NE(NULL, k);
	ASSERT_EQ(D1_SUCCESS, d1_kernel_set_arg_u32(k, 0, 7));
	/* Errors: nothing launched, no object. */
	EXPECT_EQ(D1_ERROR_INVALID_VALUE,
		  d1_launch_with_result(self->s, k, &cfg, NULL));
	cfg.harts = 5;
	EXPECT_EQ(D1_ERROR_INVALID_VALUE,
		  d1_launch_with_result(self->s, k, &cfg, &r));
	EXPECT_EQ(NULL, r);
	cfg.harts = 1;
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_launch_result_info(NULL, &li));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_launch_result_node(NULL, 0, &n));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_launch_result_destroy(NULL));

	/* Released before the launch ends: the launch runs on. */
	ASSERT_EQ(D1_SUCCESS, d1_launch_with_result(self->s, k, &cfg, &r2));
	EXPECT_EQ(D1_SUCCESS, d1_launch_result_destroy(r2));
	/* Kept after the stream is gone. */
	ASSERT_EQ(D1_SUCCESS, d1_launch_with_result(self->s, k, &cfg, &r));
	EXPECT_EQ(D1_SUCCESS, d1_stream_destroy(self->s));
	self->s = NULL;
	ASSERT_EQ(D1_SUCCESS, d1_launch_result_info(r, &li));
	EXPECT_EQ(D1_SUCCESS, li.status);
	ASSERT_EQ(D1_SUCCESS, d1_launch_result_node(r, 1, &n));
	EXPECT_EQ(8, n.exit_code);
	EXPECT_EQ(D1_SUCCESS, d1_launch_result_destroy(r));
	d1_kernel_destroy(k);
}

TEST_HARNESS_MAIN

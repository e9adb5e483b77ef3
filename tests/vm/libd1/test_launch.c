// SPDX-License-Identifier: GPL-2.0
/*
 * libd1 kernels on the real device (in the VM): launches on grid
 * rectangles with SMT harts, arguments, device printf, events and
 * elapsed time, cross-stream waits, and device errors: node faults with
 * node/PC/address, DMA (MMU) faults, a hung kernel and an exhausted budget
 * reported as timeouts, with the stream usable afterwards.
 */
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include "d1_test.h"
#include "sdk_test.h"
#include "kselftest_harness.h"

struct capture {
	char text[65536];
	size_t len;
};

static void capture_cb(void *user, const char *text, size_t len)
{
	struct capture *c = user;

	if (len > sizeof(c->text) - 1 - c->len)
		len = sizeof(c->text) - 1 - c->len;
	memcpy(c->text + c->len, text, len);
	c->len += len;
	c->text[c->len] = '\0';
}

FIXTURE(launch) {
	d1_device *dev;
	d1_program *prog;
	d1_stream *s;
	struct capture cap;
};

FIXTURE_SETUP(launch)
{
	self->dev = NULL;
	self->prog = NULL;
	self->s = NULL;
	SDK_SETUP(self->dev);
	self->prog = test_program("sdk_test.c");
	ASSERT_NE(NULL, self->prog);
	ASSERT_EQ(D1_SUCCESS, d1_stream_create(self->dev, D1_STREAM_ANY_QUEUE,
					       &self->s));
	self->cap.len = 0;
	self->cap.text[0] = '\0';
	ASSERT_EQ(D1_SUCCESS, d1_stream_set_printf_handler(self->s, capture_cb,
							   &self->cap));
}

FIXTURE_TEARDOWN(launch)
{
	if (self->s)
		d1_stream_destroy(self->s);
	if (self->prog)
		d1_program_destroy(self->prog);
	if (self->dev)
		EXPECT_EQ(D1_SUCCESS, d1_device_close(self->dev));
}

TEST_F(launch, fill_and_read_back)
{
	enum { N = 5000 };
	struct d1_launch_config cfg = { .cols = 1, .rows = 1 };
	d1_kernel *k = SDK_KERNEL(self->prog, "fill");
	static uint32_t out[N];
	d1_buffer *b;
	unsigned int i;

	ASSERT_NE(NULL, k);
	ASSERT_EQ(D1_SUCCESS, d1_buffer_create(self->dev, N * 4, D1_MEM_HBM, 0, &b));
	/* Unset arguments are refused before anything runs. */
	EXPECT_EQ(D1_ERROR_ARGUMENT, d1_launch(self->s, k, &cfg));
	ASSERT_EQ(D1_SUCCESS, d1_kernel_set_arg_buffer(k, 0, b, 0));
	ASSERT_EQ(D1_SUCCESS, d1_kernel_set_arg_u32(k, 1, N));
	ASSERT_EQ(D1_SUCCESS, d1_kernel_set_arg_u32(k, 2, 1000));
	ASSERT_EQ(D1_SUCCESS, d1_launch(self->s, k, &cfg));
	/* Arguments were taken at launch: changing them now is harmless. */
	ASSERT_EQ(D1_SUCCESS, d1_kernel_set_arg_u32(k, 2, 7));
	ASSERT_EQ(D1_SUCCESS, d1_memcpy_dtoh_async(self->s, out, b, 0, sizeof(out)));
	ASSERT_EQ(D1_SUCCESS, d1_stream_synchronize(self->s, D1_TIMEOUT_INFINITE));
	for (i = 0; i < N; i++)
		if (out[i] != 1000 + i)
			break;
	EXPECT_EQ(N, i) TH_LOG("out[%u] = %u", i, i < N ? out[i] : 0);
	d1_kernel_destroy(k);
	d1_buffer_destroy(b);
}

TEST_F(launch, rectangle_with_harts)
{
	struct d1_launch_config cfg = { .x0 = 2, .y0 = 1, .cols = 3, .rows = 2,
					.harts = 4 };
	d1_kernel *k = SDK_KERNEL(self->prog, "whoami");
	uint32_t out[6 * 4];
	unsigned int i, h;
	d1_buffer *b;

	ASSERT_NE(NULL, k);
	ASSERT_EQ(D1_SUCCESS, d1_buffer_create(self->dev, sizeof(out), D1_MEM_HBM, 0, &b));
	ASSERT_EQ(D1_SUCCESS, d1_kernel_set_arg_buffer(k, 0, b, 0));
	ASSERT_EQ(D1_SUCCESS, d1_kernel_set_arg_u32(k, 1, cfg.x0));
	ASSERT_EQ(D1_SUCCESS, d1_kernel_set_arg_u32(k, 2, cfg.y0));
	ASSERT_EQ(D1_SUCCESS, d1_kernel_set_arg_u32(k, 3, cfg.cols));
	ASSERT_EQ(D1_SUCCESS, d1_launch(self->s, k, &cfg));
	ASSERT_EQ(D1_SUCCESS, d1_stream_synchronize(self->s, D1_TIMEOUT_INFINITE));
	ASSERT_EQ(D1_SUCCESS, d1_memcpy_dtoh(out, b, 0, sizeof(out)));
	for (i = 0; i < 6; i++)
		for (h = 0; h < 4; h++) {
			uint32_t x = 2 + i % 3, y = 1 + i / 3;

			EXPECT_EQ(x << 24 | y << 16 | h << 8 | 0x5a, out[i * 4 + h]);
		}
	/* Outside the grid, bad hart counts: refused. */
	cfg.x0 = (unsigned int)d1_device_prop("grid-cols") - 1;
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_launch(self->s, k, &cfg));
	cfg.x0 = 0;
	cfg.harts = 5;
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_launch(self->s, k, &cfg));
	d1_kernel_destroy(k);
	d1_buffer_destroy(b);
}

TEST_F(launch, float_argument)
{
	enum { N = 3000 };
	struct d1_launch_config cfg = { 0 };
	d1_kernel *k = SDK_KERNEL(self->prog, "scale");
	static float x[N], y[N];
	d1_buffer *bx, *by;
	unsigned int i;

	ASSERT_NE(NULL, k);
	for (i = 0; i < N; i++)
		x[i] = (float)i * 0.5f;
	ASSERT_EQ(D1_SUCCESS, d1_buffer_create(self->dev, sizeof(x), D1_MEM_HBM, 0, &bx));
	ASSERT_EQ(D1_SUCCESS, d1_buffer_create(self->dev, sizeof(y), D1_MEM_HOST, 0, &by));
	ASSERT_EQ(D1_SUCCESS, d1_memcpy_htod(bx, 0, x, sizeof(x)));
	ASSERT_EQ(D1_SUCCESS, d1_kernel_set_arg_buffer(k, 0, bx, 0));
	ASSERT_EQ(D1_SUCCESS, d1_kernel_set_arg_buffer(k, 1, by, 0));
	ASSERT_EQ(D1_SUCCESS, d1_kernel_set_arg_u32(k, 2, N));
	EXPECT_EQ(D1_ERROR_ARGUMENT, d1_kernel_set_arg_u32(k, 3, 3));
	ASSERT_EQ(D1_SUCCESS, d1_kernel_set_arg_f32(k, 3, -3.0f));
	ASSERT_EQ(D1_SUCCESS, d1_launch(self->s, k, &cfg));
	ASSERT_EQ(D1_SUCCESS, d1_stream_synchronize(self->s, D1_TIMEOUT_INFINITE));
	ASSERT_EQ(D1_SUCCESS, d1_memcpy_dtoh(y, by, 0, sizeof(y)));
	for (i = 0; i < N; i++)
		if (y[i] != x[i] * -3.0f)
			break;
	EXPECT_EQ(N, i);
	d1_kernel_destroy(k);
	d1_buffer_destroy(bx);
	d1_buffer_destroy(by);
}

TEST_F(launch, device_printf_prefixed_by_node)
{
	struct d1_launch_config cfg = { .x0 = 1, .y0 = 0, .cols = 2, .rows = 2 };
	d1_kernel *k = SDK_KERNEL(self->prog, "hello");

	ASSERT_NE(NULL, k);
	ASSERT_EQ(D1_SUCCESS, d1_kernel_set_arg_u32(k, 0, 42));
	ASSERT_EQ(D1_SUCCESS, d1_launch(self->s, k, &cfg));
	ASSERT_EQ(D1_SUCCESS, d1_stream_synchronize(self->s, D1_TIMEOUT_INFINITE));
	/* prefixed with the place on the card; the id is the one in the launch */
	EXPECT_NE(NULL, strstr(self->cap.text, "[1,0] hello 42 from node 0\n"))
		TH_LOG("%s", self->cap.text);
	EXPECT_NE(NULL, strstr(self->cap.text, "[2,0] hello 42 from node 1\n"));
	EXPECT_NE(NULL, strstr(self->cap.text, "[1,1] hello 42 from node 2\n"));
	EXPECT_NE(NULL, strstr(self->cap.text, "[2,1] hello 42 from node 3\n"));
	d1_kernel_destroy(k);
}

TEST_F(launch, node_fault_names_node_pc_and_address)
{
	struct d1_launch_config cfg = { .cols = 4, .rows = 2 };
	d1_kernel *k = SDK_KERNEL(self->prog, "bad_load");
	d1_kernel *h = SDK_KERNEL(self->prog, "hello");
	struct d1_error_info e;

	ASSERT_NE(NULL, k);
	ASSERT_EQ(D1_SUCCESS, d1_kernel_set_arg_u32(k, 0, 3));
	ASSERT_EQ(D1_SUCCESS, d1_kernel_set_arg_u32(k, 1, 1));
	ASSERT_EQ(D1_SUCCESS, d1_launch(self->s, k, &cfg));
	EXPECT_EQ(D1_ERROR_LAUNCH_FAILED,
		  d1_stream_synchronize(self->s, D1_TIMEOUT_INFINITE));
	ASSERT_EQ(D1_SUCCESS, d1_stream_last_error(self->s, &e));
	EXPECT_EQ(D1_ERRKIND_NODE_FAULT, e.kind);
	EXPECT_EQ(3u, e.node_x);
	EXPECT_EQ(1u, e.node_y);
	EXPECT_EQ(0u, e.hart);
	EXPECT_EQ(4u, e.fault);		/* D1_FAULT_LOAD */
	EXPECT_EQ(0x20000000u, e.address);
	EXPECT_LE(0x10000000u, e.pc);
	EXPECT_GT(0x10140000u, e.pc);
	EXPECT_STREQ("bad_load", e.kernel);
	EXPECT_NE(NULL, strstr(e.message, "node (3,1)")) TH_LOG("%s", e.message);
	/* Its printf output still arrives. */
	EXPECT_NE(NULL, strstr(self->cap.text, "[3,1] about to fault"));
	/* The stream (and handle) recovered. */
	ASSERT_EQ(D1_SUCCESS, d1_kernel_set_arg_u32(h, 0, 1));
	ASSERT_EQ(D1_SUCCESS, d1_launch(self->s, h, &cfg));
	EXPECT_EQ(D1_SUCCESS, d1_stream_synchronize(self->s, D1_TIMEOUT_INFINITE));
	d1_kernel_destroy(k);
	d1_kernel_destroy(h);
}

TEST_F(launch, dma_fault_names_the_address)
{
	struct d1_launch_config cfg = { 0 };
	d1_kernel *k = SDK_KERNEL(self->prog, "bad_dma");
	struct d1_error_info e;

	ASSERT_NE(NULL, k);
	ASSERT_EQ(D1_SUCCESS, d1_kernel_set_arg_devaddr(k, 0, 0x7000000000ull));
	ASSERT_EQ(D1_SUCCESS, d1_launch(self->s, k, &cfg));
	EXPECT_EQ(D1_ERROR_LAUNCH_FAILED,
		  d1_stream_synchronize(self->s, D1_TIMEOUT_INFINITE));
	ASSERT_EQ(D1_SUCCESS, d1_stream_last_error(self->s, &e));
	EXPECT_TRUE(e.kind == D1_ERRKIND_NODE_FAULT || e.kind == D1_ERRKIND_MMU_FAULT);
	EXPECT_EQ(0x7000000000ull, e.address) TH_LOG("%s", e.message);
	EXPECT_EQ(0u, e.access);	/* read */
	d1_kernel_destroy(k);
}

TEST_F(launch, hung_kernel_times_out_and_stream_recovers)
{
	struct d1_launch_config cfg = { 0 };
	d1_kernel *k = SDK_KERNEL(self->prog, "spin");
	d1_kernel *h = SDK_KERNEL(self->prog, "hello");
	struct d1_error_info e;

	ASSERT_NE(NULL, k);
	ASSERT_EQ(D1_SUCCESS, d1_kernel_set_arg_u32(k, 0, 0));
	/* With a budget: the device stops it. */
	cfg.budget = 100000;
	ASSERT_EQ(D1_SUCCESS, d1_launch(self->s, k, &cfg));
	EXPECT_EQ(D1_ERROR_TIMEOUT,
		  d1_stream_synchronize(self->s, D1_TIMEOUT_INFINITE));
	ASSERT_EQ(D1_SUCCESS, d1_stream_last_error(self->s, &e));
	EXPECT_EQ(D1_ERRKIND_BUDGET, e.kind) TH_LOG("%s", e.message);
	/* Without: it is stopped at its time limit, the job timeout. */
	cfg.budget = 0;
	ASSERT_EQ(D1_SUCCESS, d1_launch(self->s, k, &cfg));
	/* A short host timeout only stops waiting. */
	EXPECT_EQ(D1_ERROR_TIMEOUT, d1_stream_synchronize(self->s, 1000000));
	EXPECT_EQ(D1_ERROR_NOT_READY, d1_stream_query(self->s));
	EXPECT_EQ(D1_ERROR_TIMEOUT,
		  d1_stream_synchronize(self->s, D1_TIMEOUT_INFINITE));
	ASSERT_EQ(D1_SUCCESS, d1_stream_last_error(self->s, &e));
	EXPECT_EQ(D1_ERRKIND_TIME_LIMIT, e.kind) TH_LOG("%s", e.message);
	EXPECT_STREQ("spin", e.kernel);
	EXPECT_LE(0x10000000u, e.pc);
	ASSERT_EQ(D1_SUCCESS, d1_kernel_set_arg_u32(h, 0, 9));
	ASSERT_EQ(D1_SUCCESS, d1_launch(self->s, h, &cfg));
	EXPECT_EQ(D1_SUCCESS, d1_stream_synchronize(self->s, D1_TIMEOUT_INFINITE));
	EXPECT_NE(NULL, strstr(self->cap.text, "hello 9"));
	d1_kernel_destroy(k);
	d1_kernel_destroy(h);
}

TEST_F(launch, deadlock_is_reported)
{
	struct d1_launch_config cfg = { .cols = 2, .harts = 2 };
	d1_kernel *k = SDK_KERNEL(self->prog, "deadlock");
	d1_kernel *h = SDK_KERNEL(self->prog, "hello");
	struct d1_error_info e;

	ASSERT_NE(NULL, k);
	ASSERT_EQ(D1_SUCCESS, d1_kernel_set_arg_u32(k, 0, 3));
	ASSERT_EQ(D1_SUCCESS, d1_launch(self->s, k, &cfg));
	EXPECT_EQ(D1_ERROR_LAUNCH_FAILED,
		  d1_stream_synchronize(self->s, D1_TIMEOUT_INFINITE));
	ASSERT_EQ(D1_SUCCESS, d1_stream_last_error(self->s, &e));
	EXPECT_EQ(D1_ERRKIND_DEADLOCK, e.kind) TH_LOG("%s", e.message);
	EXPECT_STREQ("deadlock", e.kernel);
	ASSERT_EQ(D1_SUCCESS, d1_kernel_set_arg_u32(h, 0, 1));
	ASSERT_EQ(D1_SUCCESS, d1_launch(self->s, h, &cfg));
	EXPECT_EQ(D1_SUCCESS, d1_stream_synchronize(self->s, D1_TIMEOUT_INFINITE));
	d1_kernel_destroy(k);
	d1_kernel_destroy(h);
}

TEST_F(launch, failure_on_one_stream_leaves_another_working)
{
	struct d1_launch_config cfg = { 0 };
	d1_kernel *bad = SDK_KERNEL(self->prog, "bad_load");
	d1_kernel *fill = SDK_KERNEL(self->prog, "fill");
	struct d1_error_info e;
	uint32_t out[64];
	d1_stream *s2;
	d1_buffer *b;
	unsigned int i;

	ASSERT_EQ(D1_SUCCESS, d1_stream_create(self->dev, D1_STREAM_ANY_QUEUE, &s2));
	ASSERT_EQ(D1_SUCCESS, d1_buffer_create(self->dev, 4096, D1_MEM_HBM, 0, &b));
	ASSERT_EQ(D1_SUCCESS, d1_kernel_set_arg_u32(bad, 0, 0));
	ASSERT_EQ(D1_SUCCESS, d1_kernel_set_arg_u32(bad, 1, 0));
	ASSERT_EQ(D1_SUCCESS, d1_launch(self->s, bad, &cfg));
	/* Let it fail (and the handle turn guilty) before the other stream
	 * submits, without collecting the failure. */
	usleep(1000000);
	ASSERT_EQ(D1_SUCCESS, d1_kernel_set_arg_buffer(fill, 0, b, 0));
	ASSERT_EQ(D1_SUCCESS, d1_kernel_set_arg_u32(fill, 1, 64));
	ASSERT_EQ(D1_SUCCESS, d1_kernel_set_arg_u32(fill, 2, 5));
	ASSERT_EQ(D1_SUCCESS, d1_launch(s2, fill, &cfg));
	ASSERT_EQ(D1_SUCCESS, d1_memcpy_dtoh_async(s2, out, b, 0, sizeof(out)));
	EXPECT_EQ(D1_SUCCESS, d1_stream_synchronize(s2, D1_TIMEOUT_INFINITE));
	for (i = 0; i < 64; i++)
		EXPECT_EQ(5 + i, out[i]);
	/* The failure is still reported where it happened. */
	EXPECT_EQ(D1_ERROR_LAUNCH_FAILED,
		  d1_stream_synchronize(self->s, D1_TIMEOUT_INFINITE));
	ASSERT_EQ(D1_SUCCESS, d1_stream_last_error(self->s, &e));
	EXPECT_EQ(D1_ERRKIND_NODE_FAULT, e.kind) TH_LOG("%s", e.message);
	EXPECT_EQ(0u, e.node_x);
	d1_stream_destroy(s2);
	d1_buffer_destroy(b);
	d1_kernel_destroy(bad);
	d1_kernel_destroy(fill);
}

TEST_F(launch, exit_codes_checked_on_request)
{
	struct d1_launch_config cfg = { .cols = 2 };
	d1_kernel *k = SDK_KERNEL(self->prog, "exit_with");
	struct d1_error_info e;

	ASSERT_NE(NULL, k);
	ASSERT_EQ(D1_SUCCESS, d1_kernel_set_arg_u32(k, 0, 3));
	ASSERT_EQ(D1_SUCCESS, d1_launch(self->s, k, &cfg));
	EXPECT_EQ(D1_SUCCESS, d1_stream_synchronize(self->s, D1_TIMEOUT_INFINITE));
	cfg.flags = D1_LAUNCH_CHECK_EXIT;
	ASSERT_EQ(D1_SUCCESS, d1_launch(self->s, k, &cfg));
	EXPECT_EQ(D1_ERROR_LAUNCH_FAILED,
		  d1_stream_synchronize(self->s, D1_TIMEOUT_INFINITE));
	ASSERT_EQ(D1_SUCCESS, d1_stream_last_error(self->s, &e));
	EXPECT_EQ(D1_ERRKIND_EXIT_CODE, e.kind);
	EXPECT_EQ(3u, e.exit_code);
	d1_kernel_destroy(k);
}

TEST_F(launch, events_time_and_order_streams)
{
	enum { N = 1 << 20 };
	d1_event *e0, *e1, *copied;
	d1_stream *s2;
	d1_buffer *x;
	uint32_t *in = malloc(N * 4), *out = malloc(N * 4);
	unsigned int i, q1, q2;
	float ms = -1;

	ASSERT_NE(NULL, out);
	for (i = 0; i < N; i++)
		in[i] = i * 7;
	ASSERT_EQ(D1_SUCCESS, d1_event_create(self->dev, &e0));
	ASSERT_EQ(D1_SUCCESS, d1_event_create(self->dev, &e1));
	ASSERT_EQ(D1_SUCCESS, d1_event_create(self->dev, &copied));
	EXPECT_EQ(D1_ERROR_INVALID_STATE, d1_event_query(e0));
	ASSERT_EQ(D1_SUCCESS, d1_stream_create(self->dev, D1_STREAM_ANY_QUEUE, &s2));
	ASSERT_EQ(D1_SUCCESS, d1_stream_queue(self->s, &q1));
	ASSERT_EQ(D1_SUCCESS, d1_stream_queue(s2, &q2));
	EXPECT_NE(q1, q2);
	ASSERT_EQ(D1_SUCCESS, d1_buffer_create(self->dev, N * 4, D1_MEM_HBM, 0, &x));

	ASSERT_EQ(D1_SUCCESS, d1_event_record(e0, self->s));
	ASSERT_EQ(D1_SUCCESS, d1_memcpy_htod_async(self->s, x, 0, in, N * 4));
	ASSERT_EQ(D1_SUCCESS, d1_event_record(copied, self->s));
	ASSERT_EQ(D1_SUCCESS, d1_event_record(e1, self->s));
	/* s2 reads only after s's copy. */
	ASSERT_EQ(D1_SUCCESS, d1_stream_wait_event(s2, copied));
	ASSERT_EQ(D1_SUCCESS, d1_memcpy_dtoh_async(s2, out, x, 0, N * 4));
	ASSERT_EQ(D1_SUCCESS, d1_stream_synchronize(s2, D1_TIMEOUT_INFINITE));
	EXPECT_EQ(0, memcmp(in, out, N * 4));
	ASSERT_EQ(D1_SUCCESS, d1_event_synchronize(e1, D1_TIMEOUT_INFINITE));
	EXPECT_EQ(D1_SUCCESS, d1_event_query(e1));
	ASSERT_EQ(D1_SUCCESS, d1_event_elapsed_ms(e0, e1, &ms));
	EXPECT_LT(0.0f, ms);
	EXPECT_GT(60000.0f, ms);
	ASSERT_EQ(D1_SUCCESS, d1_event_elapsed_ms(e1, e0, &ms));
	EXPECT_GT(0.0f, ms);
	ASSERT_EQ(D1_SUCCESS, d1_stream_synchronize(self->s, D1_TIMEOUT_INFINITE));
	d1_event_destroy(e0);
	d1_event_destroy(e1);
	d1_event_destroy(copied);
	d1_stream_destroy(s2);
	d1_buffer_destroy(x);
	free(in);
	free(out);
}

TEST_HARNESS_MAIN

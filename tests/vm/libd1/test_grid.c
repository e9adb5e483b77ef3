// SPDX-License-Identifier: GPL-2.0
/*
 * libd1 on the shared node grid (in the VM): two streams on disjoint
 * rectangles run at once, and an endless kernel on one delays nothing on
 * the other; a kernel's time limit (d1_launch_config.time_limit_ms)
 * stops it and says where, or lets it run longer; nothing one process's
 * kernel leaves on its nodes is seen by another process's; DMA or a
 * semaphore aimed outside the launch is a node fault naming the node.
 */
#include <stdint.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "d1_test.h"
#include "sdk_test.h"
#include "kselftest_harness.h"

/* From the node ISA (hw/d1_isa.h) */
#define DMA_TO_NODE	3
#define DMA_FROM_NODE	4
#define FAULT_PEER	10

FIXTURE(grid) {
	d1_device *dev;
	d1_program *prog;
	d1_stream *s[2];
	struct d1_device_info info;
	unsigned int half, rows;	/* a half's columns, full rows */
};

FIXTURE_SETUP(grid)
{
	unsigned int q0, q1;

	memset(self, 0, sizeof(*self));
	SDK_SETUP(self->dev);
	self->prog = test_program("sdk_test.c");
	ASSERT_NE(NULL, self->prog);
	ASSERT_EQ(D1_SUCCESS, d1_device_info(self->dev, &self->info));
	ASSERT_LE(2u, self->info.num_queues);
	ASSERT_EQ(D1_SUCCESS, d1_stream_create(self->dev, 0, &self->s[0]));
	ASSERT_EQ(D1_SUCCESS, d1_stream_create(self->dev, 1, &self->s[1]));
	ASSERT_EQ(D1_SUCCESS, d1_stream_queue(self->s[0], &q0));
	ASSERT_EQ(D1_SUCCESS, d1_stream_queue(self->s[1], &q1));
	ASSERT_NE(q0, q1);
	self->half = self->info.grid_cols / 2;
	self->rows = self->info.node_count / self->info.grid_cols;
	ASSERT_LE(1u, self->half);
}

FIXTURE_TEARDOWN(grid)
{
	unsigned int i;

	for (i = 0; i < 2; i++)
		if (self->s[i])
			d1_stream_destroy(self->s[i]);
	if (self->prog)
		d1_program_destroy(self->prog);
	if (self->dev)
		EXPECT_EQ(D1_SUCCESS, d1_device_close(self->dev));
}

/*
 * Stream 0 spins on the left half with a time limit; once it runs,
 * stream 1 fills a buffer from the right half three times: done while
 * stream 0's kernel still runs (the device ran them at once), well
 * within a tenth of the limit by the device clock.  Stream 0 then ends
 * with D1_ERROR_TIMEOUT, kind D1_ERRKIND_TIME_LIMIT, and where its first
 * node was; meanwhile the handle's synchronous copies keep working.
 */
TEST_F(grid, endless_kernel_beside_a_working_stream)
{
	struct d1_launch_config left = { .cols = self->half, .rows = self->rows,
					 .time_limit_ms = 4000 };
	struct d1_launch_config right = { .x0 = self->half, .cols = 1,
					  .rows = 1 };
	d1_kernel *spin = SDK_KERNEL(self->prog, "spin");
	d1_kernel *fill = SDK_KERNEL(self->prog, "fill");
	d1_event *e0, *e1, *e2;
	struct d1_error_info e;
	uint32_t out[256];
	d1_buffer *b;
	float ms_other, ms_left;
	unsigned int i;

	ASSERT_NE(NULL, spin);
	ASSERT_NE(NULL, fill);
	ASSERT_EQ(D1_SUCCESS, d1_event_create(self->dev, &e0));
	ASSERT_EQ(D1_SUCCESS, d1_event_create(self->dev, &e1));
	ASSERT_EQ(D1_SUCCESS, d1_event_create(self->dev, &e2));
	ASSERT_EQ(D1_SUCCESS, d1_buffer_create(self->dev, sizeof(out),
					       D1_MEM_HBM, 0, &b));
	ASSERT_EQ(D1_SUCCESS, d1_kernel_set_arg_u32(spin, 0, 0));
	ASSERT_EQ(D1_SUCCESS, d1_event_record(e0, self->s[0]));
	ASSERT_EQ(D1_SUCCESS, d1_launch(self->s[0], spin, &left));
	ASSERT_EQ(D1_SUCCESS, d1_event_synchronize(e0, 30000000000ull));
	usleep(200000);		/* its launch took its nodes meanwhile */

	ASSERT_EQ(D1_SUCCESS, d1_event_record(e1, self->s[1]));
	ASSERT_EQ(D1_SUCCESS, d1_kernel_set_arg_buffer(fill, 0, b, 0));
	ASSERT_EQ(D1_SUCCESS, d1_kernel_set_arg_u32(fill, 1, 256));
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(D1_SUCCESS, d1_kernel_set_arg_u32(fill, 2, 10 * i));
		ASSERT_EQ(D1_SUCCESS, d1_launch(self->s[1], fill, &right));
	}
	ASSERT_EQ(D1_SUCCESS, d1_event_record(e2, self->s[1]));
	/* (on stream 1: the handle turns guilty when stream 0 fails) */
	ASSERT_EQ(D1_SUCCESS, d1_memcpy_dtoh_async(self->s[1], out, b, 0,
						   sizeof(out)));
	ASSERT_EQ(D1_SUCCESS, d1_stream_synchronize(self->s[1],
						    D1_TIMEOUT_INFINITE));
	/* the left half still runs */
	EXPECT_EQ(D1_ERROR_NOT_READY, d1_stream_query(self->s[0]));
	ASSERT_EQ(D1_SUCCESS, d1_event_elapsed_ms(e1, e2, &ms_other));
	EXPECT_GT(400.0f, ms_other);
	ASSERT_EQ(D1_SUCCESS, d1_event_elapsed_ms(e0, e1, &ms_left));
	EXPECT_LT(0.0f, ms_left);
	for (i = 0; i < 256; i++)
		EXPECT_EQ(20 + i, out[i]);

	/* Once stream 0 has failed, before anyone collects it, the
	 * handle's synchronous copies still work (its failure stays for
	 * stream 0 to report). */
	usleep(5000000);
	memset(out, 0, sizeof(out));
	EXPECT_EQ(D1_SUCCESS, d1_memcpy_dtoh(out, b, 0, sizeof(out)));
	EXPECT_EQ(275u, out[255]);
	EXPECT_EQ(D1_ERROR_TIMEOUT, d1_stream_synchronize(self->s[0],
							  D1_TIMEOUT_INFINITE));
	ASSERT_EQ(D1_SUCCESS, d1_stream_last_error(self->s[0], &e));
	EXPECT_EQ(D1_ERRKIND_TIME_LIMIT, e.kind) TH_LOG("%s", e.message);
	EXPECT_EQ(0u, e.node_x);
	EXPECT_EQ(0u, e.node_y);
	EXPECT_LE(0x10000000u, e.pc);
	EXPECT_GT(0x10140000u, e.pc);
	EXPECT_NE(NULL, strstr(e.message, "time limit of 4000 ms"))
		TH_LOG("%s", e.message);
	/* the stream works again */
	ASSERT_EQ(D1_SUCCESS, d1_launch(self->s[0], fill, &right));
	EXPECT_EQ(D1_SUCCESS, d1_stream_synchronize(self->s[0],
						    D1_TIMEOUT_INFINITE));
	d1_event_destroy(e0);
	d1_event_destroy(e1);
	d1_event_destroy(e2);
	d1_buffer_destroy(b);
	d1_kernel_destroy(spin);
	d1_kernel_destroy(fill);
}

/* Device ms of @k on one node with time limit @limit; its status. */
static d1_status timed_launch(FIXTURE_DATA(grid) *self, d1_kernel *k,
			      uint64_t limit, float *ms)
{
	struct d1_launch_config cfg = { .time_limit_ms = limit };
	d1_event *e0, *e1;
	d1_status st;

	*ms = 0;
	if (d1_event_create(self->dev, &e0) || d1_event_create(self->dev, &e1))
		return D1_ERROR_OUT_OF_MEMORY;
	d1_event_record(e0, self->s[0]);
	st = d1_launch(self->s[0], k, &cfg);
	if (!st)
		st = d1_event_record(e1, self->s[0]);
	if (!st)
		st = d1_stream_synchronize(self->s[0], D1_TIMEOUT_INFINITE);
	if (!st)
		d1_event_elapsed_ms(e0, e1, ms);
	d1_event_destroy(e0);
	d1_event_destroy(e1);
	return st;
}

/*
 * The time limit both ways: a kernel that runs about two seconds is
 * stopped by a 500 ms limit, and completes under a 30 s one - longer
 * than the first limit let it run.
 */
TEST_F(grid, time_limit_stops_or_lets_run)
{
	d1_kernel *k = SDK_KERNEL(self->prog, "loop");
	struct d1_error_info e;
	uint32_t n = 200;
	float ms = 0;
	int i;

	ASSERT_NE(NULL, k);
	/* size the loop to about two seconds of device time */
	for (i = 0; i < 6 && ms < 1500; i++) {
		if (ms > 0)
			n = (uint32_t)(n * (ms < 100 ? 16 : 2000 / ms));
		ASSERT_EQ(D1_SUCCESS, d1_kernel_set_arg_u32(k, 0, n));
		ASSERT_EQ(D1_SUCCESS, timed_launch(self, k, 30000, &ms));
	}
	EXPECT_LE(1000.0f, ms);
	EXPECT_EQ(D1_ERROR_TIMEOUT, timed_launch(self, k, 500, &ms));
	ASSERT_EQ(D1_SUCCESS, d1_stream_last_error(self->s[0], &e));
	EXPECT_EQ(D1_ERRKIND_TIME_LIMIT, e.kind) TH_LOG("%s", e.message);
	EXPECT_NE(NULL, strstr(e.message, "time limit of 500 ms"));
	EXPECT_EQ(D1_SUCCESS, timed_launch(self, k, 30000, &ms));
	EXPECT_LE(1000.0f, ms);
	d1_kernel_destroy(k);
}

/* A limit the driver does not allow is refused when enqueueing. */
TEST_F(grid, time_limit_bounded_by_the_driver)
{
	struct d1_launch_config cfg = { .time_limit_ms = 1ull << 40 };
	d1_kernel *k = SDK_KERNEL(self->prog, "exit_with");

	ASSERT_NE(NULL, k);
	ASSERT_EQ(D1_SUCCESS, d1_kernel_set_arg_u32(k, 0, 0));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_launch(self->s[0], k, &cfg));
	cfg.time_limit_ms = 0;
	cfg.reserved[0] = 1;
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_launch(self->s[0], k, &cfg));
	d1_kernel_destroy(k);
}

/* Runs kernel @name of sdk_test.c in a new process with its own device
 * handle: dirty (n words) or scan; returns scan's total, -1 on error. */
static int other_process(const char *name, unsigned int cols)
{
	int p[2], total = -1, status;
	pid_t pid;

	if (pipe(p))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		struct d1_launch_config cfg = { .cols = cols, .rows = 1 };
		d1_device *dev;
		d1_program *prog;
		d1_stream *s;
		d1_kernel *k;
		d1_buffer *b = NULL;
		uint32_t out[64] = { 0 }, i;
		int sum = -1;

		close(p[0]);
		if (!d1_device_open(0, &dev) &&
		    !d1_stream_create(dev, D1_STREAM_ANY_QUEUE, &s) &&
		    (prog = test_program("sdk_test.c")) &&
		    !d1_kernel_create(prog, name, &k)) {
			d1_status st;

			if (!strcmp(name, "dirty")) {
				d1_kernel_set_arg_u32(k, 0, 64);
				d1_kernel_set_arg_u64(k, 1, 0x10080000);
			} else {
				d1_buffer_create(dev, sizeof(out), D1_MEM_HBM,
						 0, &b);
				d1_kernel_set_arg_buffer(k, 0, b, 0);
			}
			st = d1_launch(s, k, &cfg);
			if (!st)
				st = d1_stream_synchronize(s, D1_TIMEOUT_INFINITE);
			if (!st && b)
				st = d1_memcpy_dtoh(out, b, 0, sizeof(out));
			for (i = 0, sum = st ? -1 : 0; !st && i < cols; i++)
				sum += (int)out[i];
		}
		if (write(p[1], &sum, sizeof(sum)) != sizeof(sum))
			_exit(2);
		_exit(0);
	}
	close(p[1]);
	if (read(p[0], &total, sizeof(total)) != sizeof(total))
		total = -1;
	close(p[0]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		total = -1;
	return total;
}

/* Scan nodes 0..cols-1 in this process; the total. */
static int scan_here(struct __test_metadata *_metadata,
		     FIXTURE_DATA(grid) *self, unsigned int cols)
{
	struct d1_launch_config cfg = { .cols = cols, .rows = 1 };
	d1_kernel *k = SDK_KERNEL(self->prog, "scan");
	uint32_t out[64] = { 0 };
	d1_buffer *b;
	int sum = 0;
	unsigned int i;

	if (!k || d1_buffer_create(self->dev, sizeof(out), D1_MEM_HBM, 0, &b))
		return -1;
	if (d1_kernel_set_arg_buffer(k, 0, b, 0) ||
	    d1_launch(self->s[0], k, &cfg) ||
	    d1_stream_synchronize(self->s[0], D1_TIMEOUT_INFINITE) ||
	    d1_memcpy_dtoh(out, b, 0, sizeof(out)))
		sum = -1;
	for (i = 0; sum >= 0 && i < cols; i++)
		sum += (int)out[i];
	d1_buffer_destroy(b);
	d1_kernel_destroy(k);
	return sum;
}

/*
 * Process B never sees what process A's kernel left on the same nodes,
 * whichever runs first.  (The scan sees traces: a kernel that dirties
 * and a scan in one process would find them if the device kept them.)
 */
TEST_F(grid, nothing_left_for_the_next_process)
{
	unsigned int cols = self->half < 2 ? self->half : 2;
	struct d1_launch_config cfg = { .cols = cols, .rows = 1 };
	d1_kernel *dirty = SDK_KERNEL(self->prog, "dirty");

	ASSERT_NE(NULL, dirty);
	/* another process dirties, this one scans */
	ASSERT_EQ(0, other_process("dirty", cols));
	EXPECT_EQ(0, scan_here(_metadata, self, cols));
	/* this process dirties, another scans */
	ASSERT_EQ(D1_SUCCESS, d1_kernel_set_arg_u32(dirty, 0, 64));
	ASSERT_EQ(D1_SUCCESS, d1_kernel_set_arg_u64(dirty, 1, 0x10080000));
	ASSERT_EQ(D1_SUCCESS, d1_launch(self->s[0], dirty, &cfg));
	ASSERT_EQ(D1_SUCCESS, d1_stream_synchronize(self->s[0],
						    D1_TIMEOUT_INFINITE));
	EXPECT_EQ(0, other_process("scan", cols));
	d1_kernel_destroy(dirty);
}

/* DMA either way and a semaphore signal to node 1 of a 1x1 launch. */
TEST_F(grid, reference_outside_the_launch_names_the_node)
{
	static const unsigned int kinds[] = { DMA_TO_NODE, DMA_FROM_NODE, 0 };
	struct d1_launch_config cfg = { .x0 = self->half, .cols = 1, .rows = 1 };
	d1_kernel *k = SDK_KERNEL(self->prog, "peer");
	struct d1_error_info e;
	unsigned int i;

	ASSERT_NE(NULL, k);
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(D1_SUCCESS, d1_kernel_set_arg_u32(k, 0, kinds[i]));
		ASSERT_EQ(D1_SUCCESS, d1_kernel_set_arg_u32(k, 1, 1 + i));
		ASSERT_EQ(D1_SUCCESS, d1_launch(self->s[0], k, &cfg));
		EXPECT_EQ(D1_ERROR_LAUNCH_FAILED,
			  d1_stream_synchronize(self->s[0], D1_TIMEOUT_INFINITE));
		ASSERT_EQ(D1_SUCCESS, d1_stream_last_error(self->s[0], &e));
		EXPECT_EQ(D1_ERRKIND_NODE_FAULT, e.kind);
		EXPECT_EQ((unsigned int)FAULT_PEER, e.fault);
		EXPECT_EQ(1u + i, e.address);
		EXPECT_EQ(self->half, e.node_x);
		EXPECT_LE(0x10000000u, e.pc);
		EXPECT_NE(NULL, strstr(e.message, "node outside the launch"))
			TH_LOG("%s", e.message);
	}
	d1_kernel_destroy(k);
}

TEST_HARNESS_MAIN

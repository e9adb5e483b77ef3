// SPDX-License-Identifier: GPL-2.0
/*
 * d1 selftests: command submission.  COPY round trips, fences and timeline
 * points, cross-queue WAIT, LAUNCH of a real device kernel, faults and
 * guilt, isolation between files and processes, hang recovery, fdinfo,
 * runtime PM and every invalid form of SUBMIT.
 *
 * Needs d1.ko loaded (or $D1_KMOD/$D1_KO) and the default d1-dip device.
 */
#include <pthread.h>

#include "d1_submit_common.h"
#include "kernels/d1k_args.h"
#include "kselftest_harness.h"

#define MiB	(1024 * 1024)

FIXTURE(sub) {
	struct d1_dev dev;
	struct drm_d1_submit_info si;
	int fd;
};

FIXTURE_SETUP(sub)
{
	D1_SETUP_OPEN(self);
	ASSERT_EQ(0, d1_submit_info(self->fd, &self->si));
}

FIXTURE_TEARDOWN(sub)
{
	if (self->fd >= 0)
		close(self->fd);
}

static void fill_random(void *p, size_t n, unsigned int seed)
{
	unsigned char *b = p;
	size_t i;

	for (i = 0; i < n; i++) {
		seed = seed * 1103515245 + 12345;
		b[i] = seed >> 16;
	}
}

/* The submit limits are what the uAPI doc says. */
TEST_F(sub, submit_info)
{
	struct drm_d1_device_info info;

	ASSERT_EQ(0, d1_query_info(self->fd, &info));
	EXPECT_EQ(2u << 20, self->si.va_start);
	EXPECT_EQ(1ull << 39, self->si.va_end);
	EXPECT_EQ(4096u, self->si.page_size);
	EXPECT_EQ(info.num_queues, self->si.submit_queues);
	EXPECT_EQ(256u, self->si.max_cmds);
	EXPECT_EQ(64u, self->si.max_syncs);
	EXPECT_LT(0u, self->si.job_timeout_ms);
	EXPECT_GE(info.hbm_size, self->si.hbm_free);
	EXPECT_LE(self->si.job_timeout_ms, self->si.max_time_limit_ms);
	EXPECT_GE(0xffffffu, self->si.max_time_limit_ms);
}

/* host -> HBM -> host, 1 MiB + 3 bytes of random data, on every queue. */
TEST_F(sub, copy_round_trip)
{
	const size_t n = MiB + 3;
	struct d1_buf src, hbm, dst;
	struct drm_d1_cmd c[2];
	__u32 q;

	ASSERT_EQ(0, d1_buf_new(self->fd, 2 * MiB, DRM_D1_BO_HOST, &src));
	ASSERT_EQ(0, d1_buf_new(self->fd, 2 * MiB, DRM_D1_BO_HBM, &hbm));
	ASSERT_EQ(0, d1_buf_new(self->fd, 2 * MiB, DRM_D1_BO_HOST, &dst));
	for (q = 0; q < self->si.submit_queues; q++) {
		fill_random(src.map, n, q + 1);
		memset(dst.map, 0, 2 * MiB);
		c[0] = d1_cmd_copy(src.va, hbm.va + 5, n);
		c[1] = d1_cmd_copy(hbm.va + 5, dst.va, n);
		ASSERT_EQ(1, d1_run(self->fd, q, c, 2, 10 * D1_SEC));
		ASSERT_EQ(0, memcmp(src.map, dst.map, n)) TH_LOG("queue %u", q);
		/* The CPU sees the HBM copy through BAR2 too. */
		ASSERT_EQ(0, memcmp((char *)src.map, (char *)hbm.map + 5, 4096));
	}
	d1_buf_free(self->fd, &src);
	d1_buf_free(self->fd, &hbm);
	d1_buf_free(self->fd, &dst);
}

/* SIGNAL stores, TIMESTAMP stores the device clock, WAIT passes. */
TEST_F(sub, signal_wait_timestamp)
{
	struct d1_buf b;
	struct drm_d1_cmd c[4];
	__u64 *u;

	ASSERT_EQ(0, d1_buf_new(self->fd, 4096, DRM_D1_BO_HOST, &b));
	u = b.map;
	u[3] = 7;
	c[0] = d1_cmd_mem(DRM_D1_CMD_SIGNAL, b.va, 0x1234567890ull);
	c[1] = d1_cmd_mem(DRM_D1_CMD_TIMESTAMP, b.va + 8, 0);
	c[2] = d1_cmd_mem(DRM_D1_CMD_WAIT, b.va + 24, 7);
	c[3] = d1_cmd_mem(DRM_D1_CMD_TIMESTAMP, b.va + 16, 0);
	ASSERT_EQ(1, d1_run(self->fd, 0, c, 4, 10 * D1_SEC));
	EXPECT_EQ(0x1234567890ull, u[0]);
	EXPECT_NE(0ull, u[1]);
	EXPECT_LE(u[1], u[2]);
	d1_buf_free(self->fd, &b);
}

/* An in-fence orders jobs on different queues; out-fences signal. */
TEST_F(sub, in_out_fences)
{
	struct drm_d1_sync in = { 0 }, out = { 0 };
	struct d1_buf b;
	struct drm_d1_cmd c;
	__u32 s1 = 0, s2;
	__u64 *u;

	ASSERT_EQ(0, d1_buf_new(self->fd, 4096, DRM_D1_BO_HOST, &b));
	u = b.map;
	ASSERT_EQ(0, drmSyncobjCreate(self->fd, 0, &s2));
	/* Job 1 on queue 0 waits for memory the CPU writes later. */
	c = d1_cmd_mem(DRM_D1_CMD_WAIT, b.va, 1);
	ASSERT_EQ(0, d1_submit_sync(self->fd, 0, &c, 1, &s1));
	/* Job 2 on queue 1 must wait for job 1 through the in-fence. */
	in.handle = s1;
	out.handle = s2;
	c = d1_cmd_mem(DRM_D1_CMD_SIGNAL, b.va + 8, 5);
	ASSERT_EQ(0, d1_submit(self->fd, 1, &c, 1, &in, 1, &out, 1));
	usleep(200000);
	EXPECT_EQ(-ETIME, d1_sync_wait(self->fd, s2, 0));
	EXPECT_EQ(0ull, u[1]);
	__atomic_store_n(&u[0], 1, __ATOMIC_SEQ_CST);
	ASSERT_EQ(0, d1_sync_wait(self->fd, s2, 10 * D1_SEC));
	EXPECT_EQ(1, d1_sync_status(self->fd, s1));
	EXPECT_EQ(1, d1_sync_status(self->fd, s2));
	EXPECT_EQ(5ull, u[1]);
	drmSyncobjDestroy(self->fd, s1);
	drmSyncobjDestroy(self->fd, s2);
	d1_buf_free(self->fd, &b);
}

/* Timeline points: out-points 1 and 2, in-point 1, libdrm waits/queries. */
TEST_F(sub, timeline_points)
{
	struct drm_d1_sync p1 = { 0 }, p2 = { 0 };
	struct d1_buf b;
	struct drm_d1_cmd c;
	uint64_t point = 0;
	__u64 *u;
	__u32 tl, first;

	ASSERT_EQ(0, d1_buf_new(self->fd, 4096, DRM_D1_BO_HOST, &b));
	u = b.map;
	ASSERT_EQ(0, drmSyncobjCreate(self->fd, 0, &tl));
	p1.handle = tl;
	p1.point = 1;
	p2.handle = tl;
	p2.point = 2;

	c = d1_cmd_mem(DRM_D1_CMD_WAIT, b.va, 1);
	ASSERT_EQ(0, d1_submit(self->fd, 2, &c, 1, NULL, 0, &p1, 1));
	c = d1_cmd_mem(DRM_D1_CMD_SIGNAL, b.va + 8, 9);
	ASSERT_EQ(0, d1_submit(self->fd, 3, &c, 1, &p1, 1, &p2, 1));
	usleep(100000);
	ASSERT_EQ(0, drmSyncobjQuery(self->fd, &tl, &point, 1));
	EXPECT_EQ(0ull, point);
	__atomic_store_n(&u[0], 1, __ATOMIC_SEQ_CST);
	point = 2;
	ASSERT_EQ(0, drmSyncobjTimelineWait(self->fd, &tl, &point, 1,
					    INT64_MAX, 0, &first));
	ASSERT_EQ(0, drmSyncobjQuery(self->fd, &tl, &point, 1));
	EXPECT_EQ(2ull, point);
	EXPECT_EQ(9ull, u[1]);
	drmSyncobjDestroy(self->fd, tl);
	d1_buf_free(self->fd, &b);
}

/* A WAIT on one queue is released by a SIGNAL on another. */
TEST_F(sub, cross_queue_wait)
{
	struct d1_buf b, src, dst;
	struct drm_d1_cmd c[2];
	__u32 sw = 0, ss = 0;

	ASSERT_EQ(0, d1_buf_new(self->fd, 4096, DRM_D1_BO_HOST, &b));
	ASSERT_EQ(0, d1_buf_new(self->fd, 65536, DRM_D1_BO_HBM, &src));
	ASSERT_EQ(0, d1_buf_new(self->fd, 65536, DRM_D1_BO_HOST, &dst));
	fill_random(src.map, 65536, 7);
	c[0] = d1_cmd_mem(DRM_D1_CMD_WAIT, b.va, 3);
	c[1] = d1_cmd_copy(src.va, dst.va, 65536);
	ASSERT_EQ(0, d1_submit_sync(self->fd, 1, c, 2, &sw));
	usleep(200000);
	EXPECT_EQ(-ETIME, d1_sync_wait(self->fd, sw, 0));
	c[0] = d1_cmd_mem(DRM_D1_CMD_SIGNAL, b.va, 3);
	ASSERT_EQ(0, d1_submit_sync(self->fd, 0, c, 1, &ss));
	ASSERT_EQ(0, d1_sync_wait(self->fd, sw, 10 * D1_SEC));
	EXPECT_EQ(1, d1_sync_status(self->fd, sw));
	EXPECT_EQ(0, memcmp(src.map, dst.map, 65536));
	drmSyncobjDestroy(self->fd, sw);
	drmSyncobjDestroy(self->fd, ss);
	d1_buf_free(self->fd, &b);
	d1_buf_free(self->fd, &src);
	d1_buf_free(self->fd, &dst);
}

/* State shared by the LAUNCH tests. */
struct launch {
	struct d1_buf img, args, data, out, rep;
	__u32 img_size;
};

static int launch_setup(int fd, struct launch *l, __u32 n)
{
	int ret;

	memset(l, 0, sizeof(*l));
	ret = d1_kernel_load(fd, "d1k_scale.elf", &l->img, &l->img_size);
	if (!ret)
		ret = d1_buf_new(fd, 4096, DRM_D1_BO_HOST, &l->args);
	if (!ret)
		ret = d1_buf_new(fd, (n * 4 + 4095) & ~4095u, DRM_D1_BO_HBM,
				 &l->data);
	if (!ret)
		ret = d1_buf_new(fd, (n * 4 + 4095) & ~4095u, DRM_D1_BO_HOST,
				 &l->out);
	if (!ret)
		ret = d1_buf_new(fd, 8192, DRM_D1_BO_HOST, &l->rep);
	return ret;
}

static void launch_free(int fd, struct launch *l)
{
	d1_buf_free(fd, &l->img);
	d1_buf_free(fd, &l->args);
	d1_buf_free(fd, &l->data);
	d1_buf_free(fd, &l->out);
	d1_buf_free(fd, &l->rep);
}

static struct drm_d1_cmd launch_cmd(struct launch *l, __u32 mode, __u32 n,
				    __u64 src, __u64 dst, __u16 cols,
				    __u64 budget)
{
	struct d1k_args *a = l->args.map;

	a->src = src;
	a->dst = dst;
	a->n = n;
	a->mode = mode;
	return d1_cmd_launch(l->img.va, l->img_size, l->args.va, sizeof(*a),
			     cols, 1, budget, l->rep.va, 8192);
}

/* A real kernel on 2 nodes scales HBM data into a host buffer. */
TEST_F(sub, launch_scale)
{
	const __u32 n = 64;
	const struct drm_d1_launch_node_counters *ctr;
	const struct drm_d1_launch_report *rep;
	const struct drm_d1_launch_node *node;
	struct drm_d1_cmd c;
	struct launch l;
	int32_t *in, *out;
	__u64 sum = 0;
	__u32 i;

	ASSERT_EQ(0, launch_setup(self->fd, &l, 2 * n));
	in = l.data.map;
	out = l.out.map;
	for (i = 0; i < 2 * n; i++)
		in[i] = (int32_t)i - 50;
	c = launch_cmd(&l, D1K_SCALE, n, l.data.va, l.out.va, 2, 0);
	ASSERT_EQ(1, d1_run(self->fd, 0, &c, 1, 60 * D1_SEC));
	for (i = 0; i < 2 * n; i++)
		ASSERT_EQ(((int32_t)i - 50) * (int32_t)(i / n + 2), out[i])
			TH_LOG("element %u", i);
	rep = l.rep.map;
	EXPECT_EQ(DRM_D1_REPORT_MAGIC, rep->magic);
	EXPECT_EQ(DRM_D1_ERROR_NONE, rep->status);
	EXPECT_EQ(2u, rep->nodes);
	/* 8 KiB hold the records with counters. */
	ASSERT_EQ(sizeof(*node) + sizeof(*ctr), rep->node_size);
	EXPECT_LT(0u, rep->instret);
	EXPECT_LT(0u, rep->grid_ns);
	for (i = 0; i < 2; i++) {
		node = (const void *)((const char *)(rep + 1) +
				      i * rep->node_size);
		ctr = (const void *)(node + 1);
		EXPECT_EQ(i, node->exit_code);	/* its node id */
		EXPECT_EQ(DRM_D1_NODE_FAULT_NONE, node->fault);
		EXPECT_EQ(DRM_D1_NODE_EXITED, node->state);
		/* One hart launched; one issue slot a cycle. */
		EXPECT_EQ(0u, ctr->instret[1] + ctr->instret[2] +
			      ctr->instret[3]);
		EXPECT_LT(0u, ctr->instret[0]);
		EXPECT_LE(ctr->instret[0], ctr->cycles);
		EXPECT_LE(ctr->cycles, rep->cycles);
		EXPECT_EQ(0u, ctr->reserved[0]);
		sum += ctr->instret[0];
	}
	EXPECT_EQ(rep->instret, sum);
	EXPECT_NE(NULL, strstr((const char *)(rep + 1) + 2 * rep->node_size,
			       "node 1 scaled 64"));
	launch_free(self->fd, &l);
}

/*
 * fdinfo's grid engine: a file's modelled cycles are its launch
 * reports' sum, its grid time at least theirs; another file's stay 0.
 */
TEST_F(sub, launch_fdinfo_grid)
{
	const struct drm_d1_launch_report *rep = NULL;
	__u64 cycles = 0, grid_ns = 0;
	char buf[4096], *s;
	struct drm_d1_cmd c;
	struct launch l;
	int other, i;

	s = d1_fdinfo_get(self->fd, "drm-maxfreq-grid", buf, sizeof(buf));
	ASSERT_NE(NULL, s);
	EXPECT_STREQ("2000 MHz", s);
	EXPECT_EQ(0, d1_fdinfo_num(self->fd, "drm-cycles-grid"));
	EXPECT_EQ(0, d1_fdinfo_num(self->fd, "drm-engine-grid"));
	other = open(self->dev.node, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, other);

	ASSERT_EQ(0, launch_setup(self->fd, &l, 256));
	for (i = 0; i < 2; i++) {
		c = launch_cmd(&l, D1K_SCALE, 32 << i, l.data.va, l.out.va,
			       1 + i, 0);
		ASSERT_EQ(1, d1_run(self->fd, i, &c, 1, 60 * D1_SEC));
		rep = l.rep.map;
		ASSERT_EQ(DRM_D1_ERROR_NONE, rep->status);
		ASSERT_LT(0u, rep->cycles);
		cycles += rep->cycles;
		grid_ns += rep->grid_ns;
		EXPECT_EQ((long long)cycles,
			  d1_fdinfo_num(self->fd, "drm-cycles-grid"));
		EXPECT_LE((long long)grid_ns,
			  d1_fdinfo_num(self->fd, "drm-engine-grid"));
	}
	s = d1_fdinfo_get(self->fd, "drm-engine-grid", buf, sizeof(buf));
	ASSERT_NE(NULL, s);
	EXPECT_NE(NULL, strstr(s, " ns"));
	EXPECT_EQ(0, d1_fdinfo_num(other, "drm-cycles-grid"));
	EXPECT_EQ(0, d1_fdinfo_num(other, "drm-engine-grid"));
	close(other);
	launch_free(self->fd, &l);
}

/*
 * A report sized for the 32-byte records of uAPI 2.1 gets them, and
 * nothing is written past it.
 */
TEST_F(sub, launch_report_without_counters)
{
	const __u32 n = 16, size = sizeof(struct drm_d1_launch_report) +
			2 * sizeof(struct drm_d1_launch_node) + 24;
	const struct drm_d1_launch_report *rep;
	const struct drm_d1_launch_node *node;
	struct drm_d1_cmd c;
	struct launch l;
	__u32 i;

	ASSERT_EQ(0, launch_setup(self->fd, &l, 2 * n));
	memset(l.rep.map, 0xa5, 8192);
	c = launch_cmd(&l, D1K_SCALE, n, l.data.va, l.out.va, 2, 0);
	c.launch.report_size = size;
	ASSERT_EQ(1, d1_run(self->fd, 0, &c, 1, 60 * D1_SEC));
	rep = l.rep.map;
	EXPECT_EQ(DRM_D1_REPORT_MAGIC, rep->magic);
	EXPECT_EQ(DRM_D1_ERROR_NONE, rep->status);
	EXPECT_EQ(sizeof(*node), rep->node_size);
	for (i = 0; i < 2; i++) {
		node = (const struct drm_d1_launch_node *)(rep + 1) + i;
		EXPECT_EQ(i, node->exit_code);
		EXPECT_EQ(DRM_D1_NODE_EXITED, node->state);
	}
	/* Printf text: what fits, the rest counted as dropped. */
	EXPECT_LT(0u, rep->printf_bytes);
	EXPECT_GE(24u, rep->printf_bytes);
	EXPECT_LT(0u, rep->printf_dropped);
	EXPECT_EQ(0xa5, ((const __u8 *)l.rep.map)[size]);
	launch_free(self->fd, &l);
}

/*
 * A kernel DMAing from an unmapped VA faults: its fence ends with -EIO,
 * the file becomes guilty with the fault recorded, SUBMIT is refused
 * until cleared, and another file on the same queue is not affected.
 */
TEST_F(sub, fault_guilty)
{
	const __u64 bad = 0x7f00000000ull;
	struct drm_d1_context_status st;
	struct d1_buf ob, os;
	struct drm_d1_cmd c;
	struct launch l;
	__u32 so = 0, so2 = 0;
	int other;

	other = open(self->dev.node, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, other);
	ASSERT_EQ(0, d1_buf_new(other, 4096, DRM_D1_BO_HOST, &ob));
	ASSERT_EQ(0, launch_setup(self->fd, &l, 16));

	c = launch_cmd(&l, D1K_SCALE, 16, bad, l.out.va, 1, 0);
	ASSERT_EQ(0, d1_submit_sync(self->fd, 0, &c, 1, &so));
	/* The other file's job is queued behind the faulting one. */
	c = d1_cmd_mem(DRM_D1_CMD_SIGNAL, ob.va, 77);
	ASSERT_EQ(0, d1_submit_sync(other, 0, &c, 1, &so2));
	ASSERT_EQ(0, d1_sync_wait(self->fd, so, 60 * D1_SEC));
	EXPECT_EQ(-EIO, d1_sync_status(self->fd, so));
	ASSERT_EQ(0, d1_sync_wait(other, so2, 60 * D1_SEC));
	EXPECT_EQ(1, d1_sync_status(other, so2));
	EXPECT_EQ(77ull, *(__u64 *)ob.map);

	ASSERT_EQ(0, d1_ctx_status(self->fd, 0, &st));
	EXPECT_EQ(1u, st.guilty);
	EXPECT_EQ(1u, st.error_count);
	EXPECT_EQ(DRM_D1_ERROR_MMU_FAULT, st.error);
	EXPECT_EQ(0u, st.queue);
	EXPECT_EQ(bad, st.fault_va);
	EXPECT_EQ(DRM_D1_ACCESS_READ, st.fault_access);
	EXPECT_EQ(DRM_D1_FAULT_UNMAPPED, st.fault_reason);
	EXPECT_GT(16u, st.context_id);

	c = d1_cmd_mem(DRM_D1_CMD_SIGNAL, l.out.va, 1);
	EXPECT_EQ(-ECANCELED, d1_submit_sync(self->fd, 0, &c, 1, &so));
	ASSERT_EQ(0, d1_ctx_status(other, 0, &st));
	EXPECT_EQ(0u, st.guilty);
	EXPECT_EQ(0u, st.error_count);

	ASSERT_EQ(0, d1_ctx_status(self->fd, DRM_D1_CONTEXT_STATUS_CLEAR, &st));
	EXPECT_EQ(1u, st.guilty);
	ASSERT_EQ(0, d1_ctx_status(self->fd, 0, &st));
	EXPECT_EQ(0u, st.guilty);
	EXPECT_EQ(0u, st.error_count);
	ASSERT_EQ(1, d1_run(self->fd, 0, &c, 1, 10 * D1_SEC));

	drmSyncobjDestroy(self->fd, so);
	drmSyncobjDestroy(other, so2);
	launch_free(self->fd, &l);
	d1_buf_free(other, &ob);
	(void)os;
	close(other);
}

/* A LAUNCH that runs out of its budget fails with -EIO, error BUDGET. */
TEST_F(sub, launch_budget)
{
	struct drm_d1_context_status st;
	struct drm_d1_cmd c;
	struct launch l;

	ASSERT_EQ(0, launch_setup(self->fd, &l, 16));
	c = launch_cmd(&l, D1K_SPIN, 16, l.data.va, l.out.va, 1, 20000);
	ASSERT_EQ(-EIO, d1_run(self->fd, 1, &c, 1, 60 * D1_SEC));
	ASSERT_EQ(0, d1_ctx_status(self->fd, DRM_D1_CONTEXT_STATUS_CLEAR, &st));
	EXPECT_EQ(DRM_D1_ERROR_BUDGET, st.error);
	EXPECT_EQ(1u, st.queue);
	EXPECT_EQ(0ull, st.fault_va);
	launch_free(self->fd, &l);
}

/*
 * A job that makes no progress (a WAIT nobody satisfies) hangs its queue:
 * after the job timeout its fence ends with -ETIMEDOUT, a devcoredump
 * appears, an innocent job of another file queued behind it completes,
 * and the next job of the guilty file (after clearing) passes.  (A kernel
 * that never ends is stopped by its time limit instead: d1_grid.c.)
 */
TEST_F(sub, hang_recovery)
{
	struct drm_d1_context_status st;
	struct d1_buf ob;
	struct drm_d1_cmd c;
	struct launch l;
	__u32 so = 0, so2 = 0;
	struct timespec t0, t1;
	long long ms;
	int other;

	other = open(self->dev.node, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, other);
	ASSERT_EQ(0, d1_buf_new(other, 4096, DRM_D1_BO_HOST, &ob));
	ASSERT_EQ(0, launch_setup(self->fd, &l, 16));
	d1_devcoredump_take("");

	clock_gettime(CLOCK_MONOTONIC, &t0);
	c = d1_cmd_mem(DRM_D1_CMD_WAIT, l.out.va, 1);
	ASSERT_EQ(0, d1_submit_sync(self->fd, 2, &c, 1, &so));
	c = d1_cmd_mem(DRM_D1_CMD_SIGNAL, ob.va, 42);
	ASSERT_EQ(0, d1_submit_sync(other, 2, &c, 1, &so2));
	ASSERT_EQ(0, d1_sync_wait(self->fd, so,
				  (self->si.job_timeout_ms + 60000ll) * 1000000));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	EXPECT_EQ(-ETIMEDOUT, d1_sync_status(self->fd, so));
	EXPECT_LE((long long)self->si.job_timeout_ms - 100, ms);

	ASSERT_EQ(0, d1_sync_wait(other, so2, 30 * D1_SEC));
	EXPECT_EQ(1, d1_sync_status(other, so2));
	EXPECT_EQ(42ull, *(__u64 *)ob.map);
	ASSERT_EQ(0, d1_ctx_status(other, 0, &st));
	EXPECT_EQ(0u, st.guilty);
	EXPECT_EQ(1u, st.reset_count);

	ASSERT_EQ(0, d1_ctx_status(self->fd, DRM_D1_CONTEXT_STATUS_CLEAR, &st));
	EXPECT_EQ(1u, st.guilty);
	EXPECT_EQ(DRM_D1_ERROR_HANG, st.error);
	EXPECT_EQ(2u, st.queue);
	EXPECT_EQ(1u, st.reset_count);

	/* The devcoredump of the hang (taking it discards it). */
	EXPECT_TRUE(d1_devcoredump_take("d1 devcoredump: queue 2 hang"));

	c = launch_cmd(&l, D1K_SCALE, 16, l.data.va, l.out.va, 1, 0);
	EXPECT_EQ(1, d1_run(self->fd, 2, &c, 1, 60 * D1_SEC));
	drmSyncobjDestroy(self->fd, so);
	drmSyncobjDestroy(other, so2);
	launch_free(self->fd, &l);
	d1_buf_free(other, &ob);
	close(other);
}

/*
 * Many jobs: 320 jobs of 4 commands on one queue wrap the 1024-entry ring
 * more than once; every job's SIGNAL lands and the last fence covers all.
 */
TEST_F(sub, ring_wrap)
{
	const unsigned int jobs = 320;
	struct drm_d1_cmd c[4];
	struct d1_buf b;
	__u32 so = 0;
	unsigned int i;
	__u64 *u;

	ASSERT_EQ(0, d1_buf_new(self->fd, jobs * 8 + 64, DRM_D1_BO_HOST, &b));
	u = b.map;
	for (i = 0; i < jobs; i++) {
		c[0] = d1_cmd_mem(DRM_D1_CMD_TIMESTAMP, b.va + jobs * 8, 0);
		c[1] = d1_cmd_mem(DRM_D1_CMD_WAIT, b.va + jobs * 8 + 8, 0);
		c[2] = d1_cmd_copy(b.va + jobs * 8, b.va + jobs * 8 + 16, 8);
		c[3] = d1_cmd_mem(DRM_D1_CMD_SIGNAL, b.va + i * 8, i + 1);
		ASSERT_EQ(0, d1_submit_sync(self->fd, 3, c, 4, &so))
			TH_LOG("job %u", i);
	}
	ASSERT_EQ(0, d1_sync_wait(self->fd, so, 60 * D1_SEC));
	EXPECT_EQ(1, d1_sync_status(self->fd, so));
	for (i = 0; i < jobs; i++)
		ASSERT_EQ(i + 1ull, u[i]) TH_LOG("job %u", i);
	drmSyncobjDestroy(self->fd, so);
	d1_buf_free(self->fd, &b);
}

struct stress_arg {
	int fd;
	__u32 queue;
	struct d1_buf *buf;
	unsigned int first, count;
	int ret;
};

static void *stress_fn(void *p)
{
	struct stress_arg *a = p;
	struct drm_d1_cmd c;
	__u32 so = 0;
	unsigned int i;

	for (i = a->first; i < a->first + a->count && !a->ret; i++) {
		c = d1_cmd_mem(DRM_D1_CMD_SIGNAL, a->buf->va + i * 8, i + 1);
		a->ret = d1_submit_sync(a->fd, a->queue, &c, 1, &so);
	}
	if (!a->ret)
		a->ret = d1_sync_wait(a->fd, so, 60 * D1_SEC);
	if (!a->ret && d1_sync_status(a->fd, so) != 1)
		a->ret = -EIO;
	if (so)
		drmSyncobjDestroy(a->fd, so);
	return NULL;
}

/* Threads of two files submit concurrently to every queue. */
TEST_F(sub, concurrent_submitters)
{
	const unsigned int per = 100;
	struct stress_arg args[8];
	struct d1_buf bufs[2];
	pthread_t tid[8];
	int fds[2], i, n = 0;
	unsigned int j;

	fds[0] = self->fd;
	fds[1] = open(self->dev.node, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fds[1]);
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, d1_buf_new(fds[i], 8 * per * 4, DRM_D1_BO_HOST,
					&bufs[i]));
	for (i = 0; i < 8; i++) {
		if ((__u32)(i / 2) >= self->si.submit_queues)
			continue;
		args[n] = (struct stress_arg){
			.fd = fds[i % 2], .queue = i / 2, .buf = &bufs[i % 2],
			.first = (i / 2) * per, .count = per,
		};
		ASSERT_EQ(0, pthread_create(&tid[n], NULL, stress_fn,
					    &args[n]));
		n++;
	}
	for (i = 0; i < n; i++) {
		ASSERT_EQ(0, pthread_join(tid[i], NULL));
		EXPECT_EQ(0, args[i].ret) TH_LOG("thread %d", i);
	}
	for (i = 0; i < n; i++)
		for (j = args[i].first; j < args[i].first + per; j++)
			ASSERT_EQ(j + 1ull, ((__u64 *)args[i].buf->map)[j]);
	d1_buf_free(fds[1], &bufs[1]);
	d1_buf_free(fds[0], &bufs[0]);
	close(fds[1]);
}

TEST_HARNESS_MAIN

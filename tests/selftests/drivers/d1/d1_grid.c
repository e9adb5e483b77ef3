// SPDX-License-Identifier: GPL-2.0
/*
 * d1 selftests: the node grid shared between files.  Launches of two
 * files on disjoint halves run at the same time (the device timestamps
 * place one inside the other); an endless kernel in one half neither
 * delays the other half nor outlives its time limit, and only its file
 * is guilty; nothing a kernel of one process leaves on its nodes is seen
 * by the next process there; node-to-node DMA and semaphores aimed
 * outside the launch fault, naming the node.
 *
 * Geometry comes from QUERY: "half" is half of the card's full rows.
 */
#include <sys/wait.h>

#include "d1_isa.h"
#include "d1_submit_common.h"
#include "kernels/d1k_args.h"
#include "kselftest_harness.h"

FIXTURE(grid) {
	struct d1_dev dev;
	struct drm_d1_device_info info;
	struct drm_d1_submit_info si;
	int fd, fd2;		/* two files: two address spaces */
	struct d1_klaunch k, k2;
	__u16 half, rows;	/* columns of a half, full rows */
};

FIXTURE_SETUP(grid)
{
	self->fd2 = -1;
	D1_SETUP_OPEN(self);
	ASSERT_EQ(0, d1_query_info(self->fd, &self->info));
	ASSERT_EQ(0, d1_submit_info(self->fd, &self->si));
	self->fd2 = open(self->dev.node, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd2);
	ASSERT_EQ(0, d1_klaunch_setup(self->fd, &self->k));
	ASSERT_EQ(0, d1_klaunch_setup(self->fd2, &self->k2));
	self->half = self->info.grid_cols / 2;
	self->rows = self->info.node_count / self->info.grid_cols;
	ASSERT_LE(1, self->half);
	ASSERT_LE(1, self->rows);
	ASSERT_LE(2u, self->si.submit_queues);
}

FIXTURE_TEARDOWN(grid)
{
	if (self->fd2 >= 0) {
		d1_klaunch_free(self->fd2, &self->k2);
		close(self->fd2);
	}
	if (self->fd >= 0) {
		d1_klaunch_free(self->fd, &self->k);
		close(self->fd);
	}
}

/* Poll until timestamp @i of @k is written (a command ran). */
static bool ts_written(struct d1_klaunch *k, unsigned int i, int ms)
{
	for (; ms > 0; ms -= 10) {
		if (d1_klaunch_time(k, i))
			return true;
		usleep(10000);
	}
	return d1_klaunch_time(k, i) != 0;
}

/*
 * File 1 spins on the left half (time limit @limit_ms, 0: the job
 * timeout); once it runs, file 2 runs @jobs quick jobs on the right half
 * on another queue.  They complete while file 1's kernel still runs, so
 * the device ran both at once; file 1's ends at its limit with
 * -ETIMEDOUT, DRM_D1_ERROR_TIME_LIMIT and a report of where each node
 * was, and only file 1 is guilty.  Returns file 2's device time in ns.
 */
static __u64 spin_beside(struct __test_metadata *_metadata,
			 FIXTURE_DATA(grid) *self, __u32 limit_ms,
			 unsigned int jobs, __u64 *spin_ns)
{
	struct drm_d1_context_status st;
	struct drm_d1_launch_report *rep;
	struct drm_d1_cmd c[2];
	struct timespec t0, t1;
	__u32 so = 0;
	unsigned int j;
	__u64 t;

	memset(self->k.ts.map, 0, 4096);
	memset(self->k2.ts.map, 0, 4096);
	c[0] = d1_klaunch_ts(&self->k, 0);
	c[1] = d1_klaunch_cmd(&self->k, 0, D1K_SPIN, 0, 0, 0, 0, 0,
			      self->half, self->rows, limit_ms);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ASSERT_EQ(0, d1_submit_sync(self->fd, 0, c, 2, &so));
	ASSERT_TRUE(ts_written(&self->k, 0, 20000));
	usleep(200000);		/* its LAUNCH took its nodes meanwhile */

	for (j = 0; j < jobs; j++) {
		struct drm_d1_cmd d[3] = {
			d1_klaunch_ts(&self->k2, 2 * j),
			d1_klaunch_cmd(&self->k2, 1, D1K_LOOP, 1, 0, 0,
				       self->half, 0, self->half, self->rows, 0),
			d1_klaunch_ts(&self->k2, 2 * j + 1),
		};

		ASSERT_EQ(1, d1_run(self->fd2, 1, d, 3, 120 * D1_SEC));
	}
	/* file 1's kernel still runs */
	EXPECT_EQ(0, d1_sync_status(self->fd, so));
	t = d1_klaunch_time(&self->k2, 2 * jobs - 1) - d1_klaunch_time(&self->k2, 0);
	EXPECT_LT(d1_klaunch_time(&self->k, 0), d1_klaunch_time(&self->k2, 0));

	ASSERT_EQ(0, d1_sync_wait(self->fd, so, 300 * D1_SEC));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	*spin_ns = (t1.tv_sec - t0.tv_sec) * D1_SEC + (t1.tv_nsec - t0.tv_nsec);
	EXPECT_EQ(-ETIMEDOUT, d1_sync_status(self->fd, so));
	rep = d1_klaunch_report(&self->k, 0);
	EXPECT_EQ(DRM_D1_REPORT_MAGIC, rep->magic);
	EXPECT_EQ(DRM_D1_ERROR_TIME_LIMIT, rep->status);
	EXPECT_EQ((__u32)self->half * self->rows, rep->nodes);
	EXPECT_EQ(DRM_D1_NODE_FAULT_NONE, d1_klaunch_node(&self->k, 0, 0)->fault);
	EXPECT_LE(0x10000000ull, d1_klaunch_node(&self->k, 0, 0)->fault_pc);
	EXPECT_GT(0x10140000ull, d1_klaunch_node(&self->k, 0, 0)->fault_pc);

	ASSERT_EQ(0, d1_ctx_status(self->fd, DRM_D1_CONTEXT_STATUS_CLEAR, &st));
	EXPECT_EQ(1u, st.guilty);
	EXPECT_EQ(DRM_D1_ERROR_TIME_LIMIT, st.error);
	EXPECT_EQ(0u, st.queue);
	ASSERT_EQ(0, d1_ctx_status(self->fd2, 0, &st));
	EXPECT_EQ(0u, st.guilty);
	EXPECT_EQ(0u, st.error_count);
	EXPECT_EQ(0u, st.reset_count);
	drmSyncobjDestroy(self->fd, so);
	return t;
}

/* Two files on disjoint halves: one launch runs inside the other. */
TEST_F(grid, disjoint_halves_run_at_once)
{
	__u64 spin_ns;

	spin_beside(_metadata, self, 3000, 1, &spin_ns);
	EXPECT_LE(3000ull * 1000000, spin_ns);
	/* the guilty file works again after clearing */
	EXPECT_EQ(1, d1_copy_round_trip(self->fd, 3));
}

/*
 * An endless kernel with no limit of its own (the job timeout applies)
 * holds only its half: three jobs on the other half finish within a small
 * bound - a tenth of the timeout - long before it is stopped.
 */
TEST_F(grid, endless_kernel_does_not_delay_the_other_half)
{
	__u64 t, spin_ns;

	t = spin_beside(_metadata, self, 0, 3, &spin_ns);
	EXPECT_LT(t, (__u64)self->si.job_timeout_ms * 1000000 / 10);
	EXPECT_LE((__u64)self->si.job_timeout_ms * 1000000, spin_ns);
}

/*
 * What a kernel of one process leaves on its nodes, a kernel of another
 * process finds nothing of, in either order: the device scrubs between
 * launches.  (The scan itself finds a kernel's own traces.)
 */
TEST_F(grid, no_leak_between_processes)
{
	__u16 cols = self->half < 2 ? self->half : 2;
	struct drm_d1_cmd c;
	unsigned int order, n;

	/* the scan works: after dirtying in the same launch it counts */
	c = d1_klaunch_cmd(&self->k, 0, D1K_SCAN, 64, 0, 0x10080000, 0, 0,
			   cols, 1, 0);
	ASSERT_EQ(1, d1_run(self->fd, 0, &c, 1, 60 * D1_SEC));
	EXPECT_LE(64u, d1_klaunch_node(&self->k, 0, 0)->exit_code);

	for (order = 0; order < 2; order++) {
		int p[2];
		pid_t pid;
		char go;
		int status;

		ASSERT_EQ(0, pipe(p));
		pid = fork();
		ASSERT_LE(0, pid);
		if (pid == 0) {
			/* the other process: its own file and kernel BOs */
			struct d1_klaunch k;
			int fd = open(self->dev.node, O_RDWR | O_CLOEXEC);
			__u32 mode = order ? D1K_SCAN : D1K_DIRTY;
			int ret = 10;	/* 10: no file, 11: no kernel */

			close(p[0]);
			if (fd >= 0 && !(ret = 11, d1_klaunch_setup(fd, &k))) {
				/* dirtying writes where the scan looks */
				c = d1_klaunch_cmd(&k, 0, mode, order ? 0 : 64, 0,
						   0x10080000, 0, 0, cols, 1, 0);
				ret = d1_run(fd, 1, &c, 1, 60 * D1_SEC);
				ret = ret == 1 ? 0 : 20 + (ret < 0 ? -ret : ret);
				for (n = 0; !ret && order && n < cols; n++)
					if (d1_klaunch_node(&k, 0, n)->exit_code)
						ret = 100 + d1_klaunch_node(&k, 0, n)->exit_code % 100;
				d1_klaunch_free(fd, &k);
			}
			go = (char)ret;
			if (write(p[1], &go, 1) != 1)
				ret = 1;
			_exit(ret);
		}
		close(p[1]);
		if (order == 1) {
			/* this process dirties first, the child scans */
			c = d1_klaunch_cmd(&self->k, 0, D1K_DIRTY, 64, 0,
					   0x10080000, 0, 0, cols, 1, 0);
			ASSERT_EQ(1, d1_run(self->fd, 0, &c, 1, 60 * D1_SEC));
		}
		ASSERT_EQ(1, read(p[0], &go, 1));
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status)) {
			TH_LOG("order %u: the child %s (exit %d)", order,
			       order ? "scanned" : "dirtied",
			       WEXITSTATUS(status));
		}
		close(p[0]);
		if (order == 0) {
			/* the child dirtied, this process scans */
			c = d1_klaunch_cmd(&self->k, 0, D1K_SCAN, 0, 0, 0,
					   0, 0, cols, 1, 0);
			ASSERT_EQ(1, d1_run(self->fd, 0, &c, 1, 60 * D1_SEC));
			for (n = 0; n < cols; n++)
				EXPECT_EQ(0u, d1_klaunch_node(&self->k, 0, n)->exit_code);
			EXPECT_EQ(0u, d1_klaunch_report(&self->k, 0)->printf_bytes);
		}
	}
}

/*
 * Node-to-node DMA either way and a semaphore signal aimed at a node
 * outside the launch: a node fault naming the node (its id in the
 * launch) with the PC, reported to the launching file only; inside the
 * launch the same DMA works.
 */
TEST_F(grid, reference_outside_the_launch_faults)
{
	static const __u32 kinds[] = { D1_DMA_TO_NODE, D1_DMA_FROM_NODE,
				       D1_S_SEM_SIGNAL };
	struct drm_d1_context_status st;
	struct drm_d1_launch_node *node;
	struct drm_d1_cmd c;
	unsigned int i;

	for (i = 0; i < 3; i++) {
		__u32 peer = 1 + i;	/* a 1x1 launch has only node 0 */

		c = d1_klaunch_cmd(&self->k, 0, D1K_PEER, kinds[i] | peer << 16,
				   0, 0, 1, 0, 1, 1, 0);
		ASSERT_EQ(-EIO, d1_run(self->fd, 0, &c, 1, 60 * D1_SEC));
		node = d1_klaunch_node(&self->k, 0, 0);
		EXPECT_EQ(DRM_D1_ERROR_NODE_FAULT,
			  d1_klaunch_report(&self->k, 0)->status);
		EXPECT_EQ(DRM_D1_NODE_FAULT_PEER, node->fault) {
			TH_LOG("kind %u", kinds[i]);
		}
		EXPECT_EQ(peer, node->fault_addr);
		EXPECT_LE(0x10000000ull, node->fault_pc);
		EXPECT_GT(0x10140000ull, node->fault_pc);
		ASSERT_EQ(0, d1_ctx_status(self->fd, DRM_D1_CONTEXT_STATUS_CLEAR,
					   &st));
		EXPECT_EQ(DRM_D1_ERROR_NODE_FAULT, st.error);
	}
	ASSERT_EQ(0, d1_ctx_status(self->fd2, 0, &st));
	EXPECT_EQ(0u, st.error_count);
	/* node 1 of a 2x1 launch exists */
	if (self->half >= 2) {
		c = d1_klaunch_cmd(&self->k, 0, D1K_PEER, D1_DMA_TO_NODE | 1 << 16,
				   0, 0, 0, 0, 2, 1, 0);
		EXPECT_EQ(1, d1_run(self->fd, 0, &c, 1, 60 * D1_SEC));
	}
}

/* A time limit beyond what the driver allows, or on another command,
 * is refused at SUBMIT. */
TEST_F(grid, time_limit_checked)
{
	struct drm_d1_cmd c;

	ASSERT_LE(self->si.job_timeout_ms, self->si.max_time_limit_ms);
	c = d1_klaunch_cmd(&self->k, 0, D1K_SCALE, 0, 0, 0, 0, 0, 1, 1,
			   self->si.max_time_limit_ms + 1);
	EXPECT_EQ(-EINVAL, d1_submit(self->fd, 0, &c, 1, NULL, 0, NULL, 0));
	c = d1_cmd_mem(DRM_D1_CMD_TIMESTAMP, self->k.ts.va, 0);
	c.time_limit_ms = 10;
	EXPECT_EQ(-EINVAL, d1_submit(self->fd, 0, &c, 1, NULL, 0, NULL, 0));
	c.time_limit_ms = 0;
	c.pad2 = 1;
	EXPECT_EQ(-EINVAL, d1_submit(self->fd, 0, &c, 1, NULL, 0, NULL, 0));
}

TEST_HARNESS_MAIN

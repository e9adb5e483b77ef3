// SPDX-License-Identifier: GPL-2.0
/*
 * d1 selftests: observability and test hooks.  sysfs telemetry values
 * and counters, the debugfs dumps (rings, contexts, bos, mmu), and the
 * reset knobs: a queue or device reset with jobs on the rings resubmits
 * them (no job fails, every file with a job on a ring counts a reset);
 * the shipped udev rule (tools/udev/70-d1.rules) as udevadm applies it;
 * with drm.debug's DRIVER category on, refused ioctls say why in the
 * kernel log.
 *
 * Needs d1.ko loaded (or $D1_KMOD/$D1_KO), debugfs for the debugfs tests.
 */
#include <grp.h>

#include "d1_submit_common.h"
#include "kernels/d1k_args.h"
#include "kselftest_harness.h"

FIXTURE(dbg) {
	struct d1_dev dev;
	char debugfs[PATH_MAX];
	char telemetry[PATH_MAX + 16];
	int fd;
};

FIXTURE_SETUP(dbg)
{
	char real[PATH_MAX];

	self->fd = -1;
	D1_REQUIRE_LOADED();
	ASSERT_EQ(0, d1_find(&self->dev));
	ASSERT_NE(NULL, realpath(self->dev.sysfs, real));
	snprintf(self->debugfs, sizeof(self->debugfs),
		 "/sys/kernel/debug/accel/%s", basename(real));
	snprintf(self->telemetry, sizeof(self->telemetry), "%s/telemetry",
		 self->dev.sysfs);
	self->fd = open(self->dev.node, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(dbg)
{
	if (self->fd >= 0)
		close(self->fd);
}

static unsigned long stat_of(const char *dir, const char *name)
{
	unsigned long v = ~0ul;

	d1_sysfs_read_ul(dir, name, &v);
	return v;
}

/* Read a whole (debugfs) file into @buf; returns its length or -errno. */
static ssize_t slurp(const char *dir, const char *name, char *buf, size_t len)
{
	char path[PATH_MAX * 2];
	ssize_t n, used = 0;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	while ((size_t)used < len - 1 &&
	       (n = read(fd, buf + used, len - 1 - used)) > 0)
		used += n;
	close(fd);
	buf[used] = '\0';
	return used;
}

TEST_F(dbg, telemetry)
{
	struct d1_buf a, b;
	struct drm_d1_cmd c;
	unsigned long cmds0, dma0, done0, t, p;

	t = stat_of(self->telemetry, "temperature_mc");
	p = stat_of(self->telemetry, "power_mw");
	EXPECT_LE(20000ul, t);
	EXPECT_GE(100000ul, t);
	EXPECT_LE(1000ul, p);
	EXPECT_GE(500000ul, p);
	EXPECT_GE(1ul, stat_of(self->telemetry, "pm_state"));
	EXPECT_NE(~0ul, stat_of(self->telemetry, "device_resets"));
	EXPECT_NE(~0ul, stat_of(self->telemetry, "q3_resets"));
	EXPECT_NE(~0ul, stat_of(self->telemetry, "q3_instret"));
	EXPECT_NE(~0ul, stat_of(self->telemetry, "q0_busy_ns"));
	EXPECT_NE(~0ul, stat_of(self->telemetry, "q0_faults"));
	EXPECT_NE(~0ul, stat_of(self->telemetry, "q0_jobs_failed"));

	cmds0 = stat_of(self->telemetry, "q1_cmds");
	dma0 = stat_of(self->telemetry, "q1_dma_bytes");
	done0 = stat_of(self->telemetry, "q1_jobs_done");
	ASSERT_EQ(0, d1_buf_new(self->fd, 65536, DRM_D1_BO_HOST, &a));
	ASSERT_EQ(0, d1_buf_new(self->fd, 65536, DRM_D1_BO_HBM, &b));
	c = d1_cmd_copy(a.va, b.va, 65536);
	ASSERT_EQ(1, d1_run(self->fd, 1, &c, 1, 10 * D1_SEC));
	EXPECT_EQ(cmds0 + 1, stat_of(self->telemetry, "q1_cmds"));
	EXPECT_EQ(dma0 + 65536, stat_of(self->telemetry, "q1_dma_bytes"));
	EXPECT_EQ(done0 + 1, stat_of(self->telemetry, "q1_jobs_done"));
	d1_buf_free(self->fd, &a);
	d1_buf_free(self->fd, &b);
}

TEST_F(dbg, debugfs_dumps)
{
	static char buf[65536];
	struct d1_buf a;

	if (access(self->debugfs, R_OK))
		SKIP(return, "no debugfs");
	ASSERT_EQ(0, d1_buf_new(self->fd, 8192, DRM_D1_BO_HBM, &a));
	ASSERT_LT(0, slurp(self->debugfs, "rings", buf, sizeof(buf)));
	EXPECT_NE(NULL, strstr(buf, "queue 0:"));
	EXPECT_NE(NULL, strstr(buf, "hw: ctrl 0x1"));
	ASSERT_LT(0, slurp(self->debugfs, "contexts", buf, sizeof(buf)));
	EXPECT_NE(NULL, strstr(buf, "guilty 0"));
	ASSERT_LT(0, slurp(self->debugfs, "bos", buf, sizeof(buf)));
	EXPECT_NE(NULL, strstr(buf, "hbm size"));
	EXPECT_NE(NULL, strstr(buf, "hbm size 8192"));
	ASSERT_LT(0, slurp(self->debugfs, "mmu", buf, sizeof(buf)));
	EXPECT_NE(NULL, strstr(buf, " rw hbm bo 8192 offset 0x0"));
	EXPECT_NE(NULL, strstr(buf, "-> pte 0x"));
	d1_buf_free(self->fd, &a);
}

/* Knob @name with jobs waiting on every queue: they all survive. */
static void reset_with_jobs(struct __test_metadata *_metadata,
			    struct _test_data_dbg *self, const char *name,
			    const char *val)
{
	struct drm_d1_context_status st;
	struct drm_d1_submit_info si;
	char path[PATH_MAX * 2];
	struct drm_d1_cmd c[2];
	__u32 sync[32], q;
	struct d1_buf b;
	__u64 *u;

	if (access(self->debugfs, W_OK))
		SKIP(return, "no debugfs");
	ASSERT_EQ(0, d1_submit_info(self->fd, &si));
	ASSERT_GE(32u, si.submit_queues);
	ASSERT_EQ(0, d1_buf_new(self->fd, 4096, DRM_D1_BO_HOST, &b));
	u = b.map;
	for (q = 0; q < si.submit_queues; q++) {
		c[0] = d1_cmd_mem(DRM_D1_CMD_WAIT, b.va, 1);
		c[1] = d1_cmd_mem(DRM_D1_CMD_SIGNAL, b.va + 8 + 8 * q, q + 1);
		sync[q] = 0;
		ASSERT_EQ(0, d1_submit_sync(self->fd, q, c, 2, &sync[q]));
	}
	usleep(100000);
	snprintf(path, sizeof(path), "%s/%s", self->debugfs, name);
	ASSERT_EQ(0, d1_sysfs_write(path, val));
	usleep(100000);
	for (q = 0; q < si.submit_queues; q++)
		EXPECT_EQ(0, d1_sync_status(self->fd, sync[q]));
	__atomic_store_n(&u[0], 1, __ATOMIC_SEQ_CST);
	for (q = 0; q < si.submit_queues; q++) {
		EXPECT_EQ(0, d1_sync_wait(self->fd, sync[q], 10 * D1_SEC));
		EXPECT_EQ(1, d1_sync_status(self->fd, sync[q]));
		EXPECT_EQ(q + 1, u[1 + q]);
		drmSyncobjDestroy(self->fd, sync[q]);
	}
	ASSERT_EQ(0, d1_ctx_status(self->fd, DRM_D1_CONTEXT_STATUS_CLEAR, &st));
	EXPECT_EQ(0u, st.guilty);
	EXPECT_EQ(0u, st.error_count);
	EXPECT_EQ(1u, st.reset_count);
	d1_buf_free(self->fd, &b);
}

TEST_F(dbg, reset_queue_knob)
{
	unsigned long r0 = stat_of(self->telemetry, "q2_resets");

	reset_with_jobs(_metadata, self, "reset_queue", "2");
	EXPECT_EQ(r0 + 1, stat_of(self->telemetry, "q2_resets"));
}

TEST_F(dbg, reset_device_knob)
{
	unsigned long r0 = stat_of(self->telemetry, "device_resets");

	reset_with_jobs(_metadata, self, "reset_device", "1");
	EXPECT_EQ(r0 + 1, stat_of(self->telemetry, "device_resets"));
}

/*
 * A device reset clears the card's per-context usage registers; the
 * file's fdinfo grid cycles and time keep what was counted before it.
 */
TEST_F(dbg, reset_keeps_fdinfo_grid_usage)
{
	long long cycles, grid_ns;
	char path[PATH_MAX * 2];
	struct d1_klaunch k;
	struct drm_d1_cmd c;

	if (access(self->debugfs, W_OK))
		SKIP(return, "no debugfs");
	ASSERT_EQ(0, d1_klaunch_setup(self->fd, &k));
	c = d1_klaunch_cmd(&k, 0, D1K_LOOP, 4, 0, 0, 0, 0, 2, 1, 0);
	ASSERT_EQ(1, d1_run(self->fd, 0, &c, 1, 60 * D1_SEC));
	ASSERT_EQ(DRM_D1_ERROR_NONE, d1_klaunch_report(&k, 0)->status);
	cycles = d1_fdinfo_num(self->fd, "drm-cycles-grid");
	grid_ns = d1_fdinfo_num(self->fd, "drm-engine-grid");
	EXPECT_EQ((long long)d1_klaunch_report(&k, 0)->cycles, cycles);
	EXPECT_LT(0, grid_ns);

	snprintf(path, sizeof(path), "%s/reset_device", self->debugfs);
	ASSERT_EQ(0, d1_sysfs_write(path, "1"));
	EXPECT_EQ(cycles, d1_fdinfo_num(self->fd, "drm-cycles-grid"));
	EXPECT_EQ(grid_ns, d1_fdinfo_num(self->fd, "drm-engine-grid"));
	/* And counting goes on from there. */
	ASSERT_EQ(1, d1_run(self->fd, 0, &c, 1, 60 * D1_SEC));
	EXPECT_EQ(cycles + (long long)d1_klaunch_report(&k, 0)->cycles,
		  d1_fdinfo_num(self->fd, "drm-cycles-grid"));
	d1_klaunch_free(self->fd, &k);
}

TEST_F(dbg, reset_knob_invalid)
{
	char path[PATH_MAX * 2];

	if (access(self->debugfs, W_OK))
		SKIP(return, "no debugfs");
	snprintf(path, sizeof(path), "%s/reset_queue", self->debugfs);
	EXPECT_EQ(-EINVAL, d1_sysfs_write(path, "99"));
	snprintf(path, sizeof(path), "%s/reset_device", self->debugfs);
	EXPECT_EQ(-EINVAL, d1_sysfs_write(path, "2"));
}

/* The kernel log records after @kfd's position, into @buf. */
static void kmsg_read(int kfd, char *buf, size_t len)
{
	size_t used = 0;
	ssize_t n;

	/* One record per read; EPIPE: some were overwritten, go on. */
	while (used < len - 1 &&
	       ((n = read(kfd, buf + used, len - 1 - used)) > 0 ||
		(n < 0 && errno == EPIPE)))
		if (n > 0)
			used += n;
	buf[used] = '\0';
}

/*
 * drm.debug=0x2 (DRM_UT_DRIVER) makes a refused VM_BIND or SUBMIT log the
 * check that failed; with the category off the same refusal logs nothing.
 */
TEST_F(dbg, drm_debug_says_why)
{
	const char *param = "/sys/module/drm/parameters/debug";
	struct drm_d1_vm_bind b = { .flags = DRM_D1_VM_READ | 0x40000000 };
	static char log[65536];
	struct drm_d1_cmd c[2];
	unsigned long old;
	char val[32];
	struct d1_buf buf;
	int kfd;

	if (d1_sysfs_read_ul("/sys/module/drm/parameters", "debug", &old) ||
	    access(param, W_OK))
		SKIP(return, "no writable drm.debug");
	kfd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	ASSERT_LE(0, kfd);
	ASSERT_EQ(0, lseek(kfd, 0, SEEK_END));
	ASSERT_EQ(0, d1_buf_new_flags(self->fd, 4096, DRM_D1_BO_HOST,
				      DRM_D1_VM_READ, &buf));
	c[0] = d1_cmd_mem(DRM_D1_CMD_WAIT, buf.va, 0);
	c[1] = d1_cmd_mem(DRM_D1_CMD_TIMESTAMP, buf.va + 8, 0);

	snprintf(val, sizeof(val), "0x%lx", old | 0x2);
	ASSERT_EQ(0, d1_sysfs_write(param, val));
	EXPECT_EQ(-EINVAL, d1_ioctl(self->fd, DRM_IOCTL_D1_VM_BIND, &b));
	EXPECT_EQ(-EINVAL, d1_submit(self->fd, 77, c, 1, NULL, 0, NULL, 0));
	/* cmd 0 is fine; cmd 1 needs write access to a read-only page. */
	EXPECT_EQ(-EINVAL, d1_submit(self->fd, 0, c, 2, NULL, 0, NULL, 0));
	snprintf(val, sizeof(val), "0x%lx", old & ~0x2ul);
	ASSERT_EQ(0, d1_sysfs_write(param, val));
	b.flags = DRM_D1_VM_READ | 0x20000000;
	EXPECT_EQ(-EINVAL, d1_ioctl(self->fd, DRM_IOCTL_D1_VM_BIND, &b));
	snprintf(val, sizeof(val), "0x%lx", old);
	ASSERT_EQ(0, d1_sysfs_write(param, val));

	kmsg_read(kfd, log, sizeof(log));
	close(kfd);
	EXPECT_NE(NULL, strstr(log, "VM_BIND: unknown flags 0x40000000"))
		TH_LOG("kernel log after the ioctls:\n%s", log);
	EXPECT_NE(NULL, strstr(log, "SUBMIT: queue 77, the driver uses "));
	EXPECT_NE(NULL, strstr(log, "SUBMIT: cmd 1: the u64 at [0x"));
	EXPECT_NE(NULL, strstr(log, ") is not mapped writable"));
	EXPECT_EQ(NULL, strstr(log, "VM_BIND: unknown flags 0x20000000"));
	d1_buf_free(self->fd, &buf);
}

/* tools/udev/70-d1.rules gives the node to group render, mode 0660. */
TEST_F(dbg, udev_rule)
{
	char exe[PATH_MAX], cmd[PATH_MAX * 3], line[512];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	bool group = false, mode = false;
	struct group *gr;
	FILE *f;

	ASSERT_LT(0, n);
	exe[n] = '\0';
	gr = getgrnam("render");
	mkdir("/run/udev", 0755);
	if (system("udevadm --version >/dev/null 2>&1") || !gr ||
	    (mkdir("/run/udev/rules.d", 0755) && errno != EEXIST))
		SKIP(return, "no udevadm, group render or /run/udev");
	snprintf(cmd, sizeof(cmd),
		 "cp %s/../../tools/udev/70-d1.rules /run/udev/rules.d/ && "
		 "udevadm test --action=add /sys/class/accel/%s 2>&1",
		 dirname(exe), basename(self->dev.node));
	f = popen(cmd, "r");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f)) {
		char want[64];

		snprintf(want, sizeof(want), "70-d1.rules:8 GROUP %u",
			 (unsigned int)gr->gr_gid);
		group |= strstr(line, want) != NULL;
		mode |= strstr(line, "70-d1.rules:8 MODE 0660") != NULL;
	}
	pclose(f);
	unlink("/run/udev/rules.d/70-d1.rules");
	EXPECT_TRUE(group);
	EXPECT_TRUE(mode);
}

TEST_HARNESS_MAIN

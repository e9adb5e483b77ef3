// SPDX-License-Identifier: GPL-2.0
/*
 * d1 selftests: module unload/reload through d1-kmod, unload refused while
 * a file is open (also with BOs, mappings and jobs), driver unbind
 * (unplug) under an open file and with jobs in flight, module parameters
 * of the submission path (queues, the job timeout, launch time limits),
 * runtime PM.
 *
 * $D1_KMOD is the d1-kmod tool, $D1_KO the d1.ko to load; the module tests
 * skip when either is unset.  Every test leaves d1 loaded and bound.
 */
#include <pthread.h>
#include <time.h>

#include "d1_submit_common.h"
#include "kernels/d1k_args.h"
#include "kselftest_harness.h"

#define OUT_LEN	4096
#define D1_MAX_QUEUES_TEST	32

#define NEED_KMOD() do { \
	if (!getenv("D1_KMOD") || !getenv("D1_KO")) \
		SKIP(return, "set D1_KMOD (d1-kmod tool) and D1_KO (d1.ko) to test module load/unload"); \
} while (0)

/*
 * Every test loads or unloads the module, which takes tens of seconds on
 * the debug kernel under TCG when the host is busy: more than the
 * harness's default of 30 s per test.
 */
#define LC_TIMEOUT	600

FIXTURE(lc) {};
FIXTURE_SETUP(lc) {}
FIXTURE_TEARDOWN(lc) {}

/* Open the d1 device and prove it works: QUERY and a PING round trip. */
static int d1_check_device(struct __test_metadata *_metadata,
			   struct d1_dev *dev)
{
	struct drm_d1_device_info info;
	__u32 echo = 0;
	int fd;

	ASSERT_EQ(0, d1_find(dev)) TH_LOG("no accel device bound to d1");
	fd = open(dev->node, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd) TH_LOG("open %s: %s", dev->node, strerror(errno));
	EXPECT_EQ(0, d1_query_info(fd, &info));
	EXPECT_EQ(D1_PCI_DEVICE_ID, info.pci_device);
	EXPECT_EQ(0, d1_ping(fd, 0xc0ffee, 0, &echo));
	EXPECT_EQ(~0xc0ffeeu, echo);
	close(fd);
	return 0;
}

static void d1_load(struct __test_metadata *_metadata, const char *param)
{
	char out[OUT_LEN];

	ASSERT_EQ(0, d1_kmod_run(out, sizeof(out), "load", getenv("D1_KO"),
				 param, NULL)) TH_LOG("load: %s", out);
	ASSERT_TRUE(d1_module_loaded());
}

static void d1_unload(struct __test_metadata *_metadata)
{
	char out[OUT_LEN];
	struct d1_dev dev;

	ASSERT_EQ(0, d1_kmod_run(out, sizeof(out), "unload", NULL, NULL,
				 NULL)) TH_LOG("unload: %s", out);
	ASSERT_FALSE(d1_module_loaded());
	ASSERT_EQ(-ENODEV, d1_find(&dev));
	ASSERT_EQ(3, d1_kmod_run(out, sizeof(out), "status", NULL, NULL,
				 NULL));
	ASSERT_NE(NULL, strstr(out, "not loaded")) TH_LOG("status: %s", out);
}

static void d1_ensure(struct __test_metadata *_metadata)
{
	char out[OUT_LEN] = "";

	ASSERT_EQ(0, d1_ensure_loaded(out, sizeof(out)))
		TH_LOG("d1 not loaded and cannot load it: %s", out);
}

TEST_F_TIMEOUT(lc, unload_reload, LC_TIMEOUT)
{
	struct d1_dev dev;

	NEED_KMOD();
	d1_ensure(_metadata);
	d1_check_device(_metadata, &dev);

	d1_unload(_metadata);
	d1_load(_metadata, NULL);
	d1_check_device(_metadata, &dev);
}

TEST_F_TIMEOUT(lc, reload_cycles, LC_TIMEOUT)
{
	struct d1_dev dev;
	int i;

	NEED_KMOD();
	d1_ensure(_metadata);
	for (i = 0; i < 3; i++) {
		d1_unload(_metadata);
		d1_load(_metadata, NULL);
		d1_check_device(_metadata, &dev);
	}
}

/* Unloading while a file is open is refused and breaks nothing. */
TEST_F_TIMEOUT(lc, unload_busy, LC_TIMEOUT)
{
	char out[OUT_LEN];
	struct d1_dev dev;
	__u32 echo = 0;
	int fd, rc;

	NEED_KMOD();
	d1_ensure(_metadata);
	ASSERT_EQ(0, d1_find(&dev));
	fd = open(dev.node, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);

	rc = d1_kmod_run(out, sizeof(out), "unload", NULL, NULL, NULL);
	EXPECT_EQ(1, rc);
	EXPECT_NE(NULL, strstr(out, "in use")) TH_LOG("unload said: %s", out);
	EXPECT_TRUE(d1_module_loaded());

	rc = d1_kmod_run(out, sizeof(out), "status", NULL, NULL, NULL);
	EXPECT_EQ(0, rc);
	EXPECT_NE(NULL, strstr(out, "d1: loaded")) TH_LOG("status: %s", out);

	/* The open file keeps working. */
	EXPECT_EQ(0, d1_ping(fd, 0x1234, 0, &echo));
	EXPECT_EQ(~0x1234u, echo);
	close(fd);
	d1_check_device(_metadata, &dev);

	/* With the file closed, unloading works. */
	d1_unload(_metadata);
	d1_load(_metadata, NULL);
	d1_check_device(_metadata, &dev);
}

TEST_F_TIMEOUT(lc, load_twice, LC_TIMEOUT)
{
	char out[OUT_LEN];
	struct d1_dev dev;

	NEED_KMOD();
	d1_ensure(_metadata);
	EXPECT_EQ(1, d1_kmod_run(out, sizeof(out), "load", getenv("D1_KO"),
				 NULL, NULL));
	EXPECT_NE(NULL, strstr(out, "already loaded")) TH_LOG("load: %s", out);
	d1_check_device(_metadata, &dev);
}

/* Parameters given to d1-kmod reach the module. */
TEST_F_TIMEOUT(lc, load_with_param, LC_TIMEOUT)
{
	unsigned long val;
	struct d1_dev dev;

	NEED_KMOD();
	d1_ensure(_metadata);
	d1_unload(_metadata);
	d1_load(_metadata, "ping_timeout_ms=1234");
	ASSERT_EQ(0, d1_sysfs_read_ul("/sys/module/d1/parameters",
				      "ping_timeout_ms", &val));
	EXPECT_EQ(1234, val);
	d1_check_device(_metadata, &dev);

	d1_unload(_metadata);
	d1_load(_metadata, NULL);
	ASSERT_EQ(0, d1_sysfs_read_ul("/sys/module/d1/parameters",
				      "ping_timeout_ms", &val));
	EXPECT_EQ(1000, val);
}

TEST_F_TIMEOUT(lc, kmod_errors, LC_TIMEOUT)
{
	char out[OUT_LEN];

	NEED_KMOD();
	d1_ensure(_metadata);
	EXPECT_EQ(2, d1_kmod_run(out, sizeof(out), NULL, NULL, NULL, NULL));
	EXPECT_EQ(2, d1_kmod_run(out, sizeof(out), "frobnicate", NULL, NULL,
				 NULL));
	EXPECT_EQ(2, d1_kmod_run(out, sizeof(out), "load", NULL, NULL, NULL));
	EXPECT_EQ(1, d1_kmod_run(out, sizeof(out), "load",
				 "/nonexistent/d1.ko", NULL, NULL));
	EXPECT_NE(NULL, strstr(out, "/nonexistent/d1.ko")) TH_LOG("%s", out);
	EXPECT_TRUE(d1_module_loaded());
}

/*
 * Unbinding the driver (what hot-unplug does) under an open file: the
 * file's ioctls fail with ENODEV, the accel node goes away, and binding
 * again gives a working device.
 */
TEST_F_TIMEOUT(lc, unbind_with_open_file, LC_TIMEOUT)
{
	char real[PATH_MAX], bdf[64], out[OUT_LEN] = "";
	struct drm_d1_device_info info;
	struct d1_dev dev;
	__u32 echo = 0;
	int fd, ret;

	ret = d1_ensure_loaded(out, sizeof(out));
	if (ret < 0)
		SKIP(return, "d1 is not loaded and D1_KMOD/D1_KO are unset");
	ASSERT_EQ(0, ret) TH_LOG("%s", out);
	ASSERT_EQ(0, d1_find(&dev));
	ASSERT_NE(NULL, realpath(dev.sysfs, real));
	snprintf(bdf, sizeof(bdf), "%s", basename(real));

	fd = open(dev.node, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, d1_ping(fd, 1, 0, &echo));

	ASSERT_EQ(0, d1_sysfs_write("/sys/bus/pci/drivers/d1/unbind", bdf));
	EXPECT_EQ(-ENODEV, d1_find(&dev));
	EXPECT_EQ(-1, d1_query_info(fd, &info));
	EXPECT_EQ(ENODEV, errno);
	EXPECT_EQ(-ENODEV, d1_ping(fd, 2, 0, &echo));
	close(fd);

	ASSERT_EQ(0, d1_sysfs_write("/sys/bus/pci/drivers/d1/bind", bdf));
	d1_check_device(_metadata, &dev);
}

struct blocked_ping {
	int fd;
	int ret;
	double seconds;
};

static void *blocked_ping_fn(void *arg)
{
	struct blocked_ping *b = arg;
	struct timespec t0, t1;
	__u32 echo = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	b->ret = d1_ping(b->fd, 9, 20000000000ull, &echo);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	b->seconds = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	return NULL;
}

/*
 * Unbind while a PING sleeps waiting for an interrupt that cannot come
 * (doorbell masked through debugfs): unbind must not wait for the 20 s
 * timeout, and the sleeper returns ENODEV at once.
 */
TEST_F_TIMEOUT(lc, unbind_during_ping, LC_TIMEOUT)
{
	char real[PATH_MAX], bdf[64], hook[PATH_MAX + 64], out[OUT_LEN] = "";
	struct blocked_ping b = { .ret = 1 };
	struct d1_dev dev;
	pthread_t tid;
	int ret;

	ret = d1_ensure_loaded(out, sizeof(out));
	if (ret < 0)
		SKIP(return, "d1 is not loaded and D1_KMOD/D1_KO are unset");
	ASSERT_EQ(0, ret) TH_LOG("%s", out);
	ASSERT_EQ(0, d1_find(&dev));
	ASSERT_NE(NULL, realpath(dev.sysfs, real));
	snprintf(bdf, sizeof(bdf), "%s", basename(real));
	snprintf(hook, sizeof(hook),
		 "/sys/kernel/debug/accel/%s/test_mask_doorbell", bdf);
	if (access(hook, W_OK))
		SKIP(return, "no debugfs hook (debugfs not mounted?)");

	b.fd = open(dev.node, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, b.fd);
	ASSERT_EQ(0, d1_sysfs_write(hook, "1"));
	ASSERT_EQ(0, pthread_create(&tid, NULL, blocked_ping_fn, &b));
	usleep(300000);

	ASSERT_EQ(0, d1_sysfs_write("/sys/bus/pci/drivers/d1/unbind", bdf));
	ASSERT_EQ(0, pthread_join(tid, NULL));
	EXPECT_EQ(-ENODEV, b.ret);
	EXPECT_LE(0.25, b.seconds);
	EXPECT_GT(10.0, b.seconds);
	close(b.fd);

	/* A fresh probe starts with the doorbell unmasked. */
	ASSERT_EQ(0, d1_sysfs_write("/sys/bus/pci/drivers/d1/bind", bdf));
	d1_check_device(_metadata, &dev);
}

/* The PCI address of the d1 device, for unbind/bind. */
static void d1_bdf(struct __test_metadata *_metadata, struct d1_dev *dev,
		   char *bdf, size_t len)
{
	char real[PATH_MAX];

	ASSERT_EQ(0, d1_find(dev));
	ASSERT_NE(NULL, realpath(dev->sysfs, real));
	snprintf(bdf, len, "%s", basename(real));
}

/* A COPY through HBM works on a fresh file. */
static void d1_check_copy(struct __test_metadata *_metadata,
			  struct d1_dev *dev)
{
	int fd;

	ASSERT_EQ(0, d1_find(dev));
	fd = open(dev->node, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	/* It unmaps its BOs: CPU mappings keep the file (and module) busy. */
	EXPECT_EQ(1, d1_copy_round_trip(fd, 0x77));
	close(fd);
}

/*
 * Jobs that cannot finish (WAITs on memory nobody writes) on every queue,
 * with host and HBM BOs mapped by the CPU and the device.
 */
struct busy_file {
	int fd;
	struct d1_buf host, hbm;
	__u32 sync[D1_MAX_QUEUES_TEST];
	__u32 nq;
};

static void busy_file_start(struct __test_metadata *_metadata,
			    struct d1_dev *dev, struct busy_file *bf)
{
	struct drm_d1_submit_info si;
	struct drm_d1_cmd c[2];
	__u32 q;

	memset(bf, 0, sizeof(*bf));
	ASSERT_EQ(0, d1_find(dev));
	bf->fd = open(dev->node, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, bf->fd);
	ASSERT_EQ(0, d1_submit_info(bf->fd, &si));
	bf->nq = si.submit_queues;
	ASSERT_GE(D1_MAX_QUEUES_TEST, bf->nq);
	ASSERT_EQ(0, d1_buf_new(bf->fd, 65536, DRM_D1_BO_HOST, &bf->host));
	ASSERT_EQ(0, d1_buf_new(bf->fd, 65536, DRM_D1_BO_HBM, &bf->hbm));
	memset(bf->hbm.map, 0x11, 65536);
	for (q = 0; q < bf->nq; q++) {
		c[0] = d1_cmd_mem(DRM_D1_CMD_WAIT, bf->host.va + 8 * q, 1);
		c[1] = d1_cmd_copy(bf->hbm.va, bf->host.va + 4096, 4096);
		ASSERT_EQ(0, d1_submit_sync(bf->fd, q, c, 2, &bf->sync[q]));
	}
	usleep(100000);
	for (q = 0; q < bf->nq; q++)
		EXPECT_EQ(0, d1_sync_status(bf->fd, bf->sync[q]));
}

/*
 * Unload is refused while a file holds BOs, mappings and queued jobs;
 * the jobs finish normally and, once the file is closed, unload and
 * reload work.
 */
TEST_F_TIMEOUT(lc, unload_busy_with_jobs, LC_TIMEOUT)
{
	char out[OUT_LEN];
	struct busy_file bf;
	struct d1_dev dev;
	__u64 *flags;
	__u32 q;

	NEED_KMOD();
	d1_ensure(_metadata);
	busy_file_start(_metadata, &dev, &bf);
	EXPECT_EQ(1, d1_kmod_run(out, sizeof(out), "unload", NULL, NULL,
				 NULL));
	EXPECT_NE(NULL, strstr(out, "in use")) TH_LOG("unload said: %s", out);
	flags = bf.host.map;
	for (q = 0; q < bf.nq; q++)
		__atomic_store_n(&flags[q], 1, __ATOMIC_SEQ_CST);
	for (q = 0; q < bf.nq; q++) {
		EXPECT_EQ(0, d1_sync_wait(bf.fd, bf.sync[q], 10 * D1_SEC));
		EXPECT_EQ(1, d1_sync_status(bf.fd, bf.sync[q]));
	}
	EXPECT_EQ(0x11, ((unsigned char *)bf.host.map)[4096]);
	/* Closing with mappings still in place releases everything. */
	close(bf.fd);
	munmap(bf.host.map, bf.host.size);
	munmap(bf.hbm.map, bf.hbm.size);
	d1_unload(_metadata);
	d1_load(_metadata, NULL);
	d1_check_copy(_metadata, &dev);
}

/*
 * Unbind (what hot-unplug does) with jobs in flight on every queue: no
 * oops, the jobs' fences end with -ENODEV, every ioctl of the file fails
 * with ENODEV, host BO mappings stay readable, close works, and a new
 * bind gives a working device.
 */
TEST_F_TIMEOUT(lc, unbind_with_jobs_in_flight, LC_TIMEOUT)
{
	struct drm_d1_context_status st;
	char bdf[64], out[OUT_LEN] = "";
	int sfd[D1_MAX_QUEUES_TEST], ret;
	struct busy_file bf;
	struct drm_d1_cmd c;
	struct d1_dev dev;
	__u32 h, q;
	__u64 va = 0;

	ret = d1_ensure_loaded(out, sizeof(out));
	if (ret < 0)
		SKIP(return, "d1 is not loaded and D1_KMOD/D1_KO are unset");
	d1_bdf(_metadata, &dev, bdf, sizeof(bdf));
	busy_file_start(_metadata, &dev, &bf);

	/* Sync files outlive the device; the syncobj ioctls do not. */
	for (q = 0; q < bf.nq; q++)
		ASSERT_EQ(0, drmSyncobjExportSyncFile(bf.fd, bf.sync[q],
						      &sfd[q]));
	ASSERT_EQ(0, d1_sysfs_write("/sys/bus/pci/drivers/d1/unbind", bdf));
	for (q = 0; q < bf.nq; q++) {
		struct pollfd pfd = { .fd = sfd[q], .events = POLLIN };
		struct sync_file_info info = { 0 };

		EXPECT_EQ(1, poll(&pfd, 1, 10000));
		EXPECT_EQ(0, ioctl(sfd[q], SYNC_IOC_FILE_INFO, &info));
		EXPECT_EQ(-ENODEV, info.status);
		close(sfd[q]);
	}
	EXPECT_EQ(-ENODEV, d1_sync_wait(bf.fd, bf.sync[0], 0));
	c = d1_cmd_mem(DRM_D1_CMD_SIGNAL, bf.host.va, 1);
	EXPECT_EQ(-ENODEV, d1_submit_sync(bf.fd, 0, &c, 1, &bf.sync[0]));
	EXPECT_EQ(-ENODEV, d1_bo_create(bf.fd, 4096, DRM_D1_BO_HOST, &h));
	EXPECT_EQ(-ENODEV, d1_vm_bind(bf.fd, bf.host.handle,
				      DRM_D1_VM_READ, 0, 0, &va));
	EXPECT_EQ(-ENODEV, d1_vm_unbind(bf.fd, bf.host.va, 0));
	EXPECT_EQ(-ENODEV, d1_ctx_status(bf.fd, 0, &st));
	EXPECT_EQ(0, ((unsigned char *)bf.host.map)[0]);
	munmap(bf.host.map, bf.host.size);
	munmap(bf.hbm.map, bf.hbm.size);
	EXPECT_EQ(0, close(bf.fd));

	ASSERT_EQ(0, d1_sysfs_write("/sys/bus/pci/drivers/d1/bind", bdf));
	d1_check_device(_metadata, &dev);
	d1_check_copy(_metadata, &dev);
}

/* Reload d1 with parameters @p1 and @p2; open it into *@fd. */
static void d1_reload_open(struct __test_metadata *_metadata, const char *p1,
			   const char *p2, int *fd)
{
	char out[OUT_LEN];
	struct d1_dev dev;

	d1_ensure(_metadata);
	d1_unload(_metadata);
	ASSERT_EQ(0, d1_kmod_run(out, sizeof(out), "load", getenv("D1_KO"),
				 p1, p2))
		TH_LOG("load: %s", out);
	ASSERT_EQ(0, d1_find(&dev));
	*fd = open(dev.node, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, *fd);
}

/* queues= and job_timeout_ms= reach SUBMIT_INFO and SUBMIT. */
TEST_F_TIMEOUT(lc, submit_params, LC_TIMEOUT)
{
	struct drm_d1_submit_info si;
	struct drm_d1_cmd c;
	struct d1_buf b;
	int fd;

	NEED_KMOD();
	d1_reload_open(_metadata, "queues=2", "job_timeout_ms=1500", &fd);
	ASSERT_EQ(0, d1_submit_info(fd, &si));
	EXPECT_EQ(2u, si.submit_queues);
	EXPECT_EQ(1500u, si.job_timeout_ms);
	ASSERT_EQ(0, d1_buf_new(fd, 4096, DRM_D1_BO_HOST, &b));
	c = d1_cmd_mem(DRM_D1_CMD_SIGNAL, b.va, 3);
	EXPECT_EQ(1, d1_run(fd, 1, &c, 1, 10 * D1_SEC));
	EXPECT_EQ(-EINVAL, d1_run(fd, 2, &c, 1, 10 * D1_SEC));
	/* A WAIT nobody satisfies is a hang after 1.5 s. */
	c = d1_cmd_mem(DRM_D1_CMD_WAIT, b.va, 4);
	EXPECT_EQ(-ETIMEDOUT, d1_run(fd, 0, &c, 1, 20 * D1_SEC));
	EXPECT_TRUE(d1_devcoredump_take("d1 devcoredump: queue 0 hang"));
	d1_buf_free(fd, &b);
	close(fd);
	d1_unload(_metadata);
	d1_load(_metadata, NULL);
}

/* Device ns of a LOOP of @n rounds on one node with time limit @limit. */
static int loop_ns(int fd, struct d1_klaunch *k, __u32 n, __u32 limit,
		   __u64 *ns)
{
	struct drm_d1_cmd c[3] = {
		d1_klaunch_ts(k, 0),
		d1_klaunch_cmd(k, 0, D1K_LOOP, n, 0, 0, 0, 0, 1, 1, limit),
		d1_klaunch_ts(k, 1),
	};
	int ret;

	memset(k->ts.map, 0, 16);
	ret = d1_run(fd, 0, c, 3, 300 * D1_SEC);
	*ns = d1_klaunch_time(k, 1) - d1_klaunch_time(k, 0);
	return ret;
}

/*
 * Launch time limits both ways, with a 1 s job timeout: a kernel running
 * more than three job timeouts completes when its LAUNCH asks for a
 * longer limit (the driver's timer leaves it alone); without one the same
 * kernel is stopped at the job timeout, counted on the grid, and only
 * its file is guilty.
 */
TEST_F_TIMEOUT(lc, launch_time_limits, LC_TIMEOUT)
{
	struct drm_d1_context_status st;
	struct drm_d1_submit_info si;
	struct d1_klaunch k;
	struct d1_dev dev;
	__u64 ns = 0;
	__u32 n = 256;
	int fd, fd2, i;

	NEED_KMOD();
	d1_reload_open(_metadata, "job_timeout_ms=1000",
		       "max_time_limit_ms=60000", &fd);
	ASSERT_EQ(0, d1_find(&dev));
	fd2 = open(dev.node, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, d1_submit_info(fd, &si));
	EXPECT_EQ(1000u, si.job_timeout_ms);
	EXPECT_EQ(60000u, si.max_time_limit_ms);
	ASSERT_EQ(0, d1_klaunch_setup(fd, &k));

	/* size the loop to run well past three job timeouts */
	ASSERT_EQ(1, loop_ns(fd, &k, n, 60000, &ns));
	for (i = 0; i < 4 && ns < 3300ull * 1000000; i++) {
		__u64 want = ns ? (__u64)n * 4000 * 1000000 / ns : n * 16ull;

		n = want > n * 64ull ? n * 64 : want < n * 2ull ? n * 2 : want;
		ASSERT_EQ(1, loop_ns(fd, &k, n, 60000, &ns))
			TH_LOG("a %u-round loop with a 60 s limit failed", n);
	}
	EXPECT_LE(3000ull * 1000000, ns);
	ASSERT_EQ(0, d1_ctx_status(fd, 0, &st));
	EXPECT_EQ(0u, st.error_count);

	/* the job timeout is the default limit: stopped, and only fd guilty */
	EXPECT_EQ(-ETIMEDOUT, loop_ns(fd, &k, n, 0, &ns));
	EXPECT_EQ(DRM_D1_ERROR_TIME_LIMIT, d1_klaunch_report(&k, 0)->status);
	EXPECT_EQ(1, d1_copy_round_trip(fd2, 7));
	ASSERT_EQ(0, d1_ctx_status(fd, DRM_D1_CONTEXT_STATUS_CLEAR, &st));
	EXPECT_EQ(1u, st.guilty);
	EXPECT_EQ(DRM_D1_ERROR_TIME_LIMIT, st.error);
	ASSERT_EQ(0, d1_ctx_status(fd2, 0, &st));
	EXPECT_EQ(0u, st.guilty);
	EXPECT_EQ(0u, st.error_count);

	d1_klaunch_free(fd, &k);
	close(fd);
	close(fd2);
	d1_unload(_metadata);
	d1_load(_metadata, NULL);
}

/*
 * Runtime PM: an idle card enters low power after autosuspend_ms
 * (telemetry pm_state 1); a SUBMIT wakes it and the job runs.
 */
TEST_F_TIMEOUT(lc, runtime_pm, LC_TIMEOUT)
{
	char dir[PATH_MAX + 16];
	struct drm_d1_cmd c;
	unsigned long state = 9;
	struct d1_buf b;
	struct d1_dev dev;
	int fd, i;

	NEED_KMOD();
	d1_ensure(_metadata);
	d1_unload(_metadata);
	d1_load(_metadata, "autosuspend_ms=100");
	ASSERT_EQ(0, d1_find(&dev));
	snprintf(dir, sizeof(dir), "%s/telemetry", dev.sysfs);
	fd = open(dev.node, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, d1_buf_new(fd, 4096, DRM_D1_BO_HOST, &b));
	for (i = 0; i < 2; i++) {
		unsigned long usage = 99;

		usleep(600000);
		ASSERT_EQ(0, d1_sysfs_read_ul(dir, "pm_state", &state));
		d1_sysfs_read_ul(dev.sysfs, "power/runtime_usage", &usage);
		EXPECT_EQ(D1_PM_LOW, state) TH_LOG("round %d usage %lu", i,
						    usage);
		c = d1_cmd_mem(DRM_D1_CMD_SIGNAL, b.va, 10 + i);
		EXPECT_EQ(1, d1_run(fd, i, &c, 1, 10 * D1_SEC));
		EXPECT_EQ(10ull + i, *(__u64 *)b.map);
	}
	ASSERT_EQ(0, d1_sysfs_read_ul(dir, "pm_state", &state));
	EXPECT_EQ(D1_PM_ACTIVE, state);
	d1_buf_free(fd, &b);
	close(fd);
	d1_unload(_metadata);
	d1_load(_metadata, NULL);
}

TEST_HARNESS_MAIN

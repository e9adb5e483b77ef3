// SPDX-License-Identifier: GPL-2.0
/*
 * d1 selftests: surprise-free hot-unplug through QEMU (QMP device_del /
 * device_add, forwarded by tools/vm-qmp.sh inside tools/vm-run.sh).
 *
 * With files open, BOs mapped by the CPU and the device and jobs in flight
 * on every queue (one of them a LAUNCH that never ends), removing the card
 * must not oops; the jobs' fences end with -ENODEV; every ioctl of the
 * files fails with ENODEV; CPU mappings of HBM BOs are gone (SIGBUS),
 * those of host BOs stay; close works; plugging a card in again gives a
 * working device.  Skips outside the test VM.
 *
 * The surprise variant first makes the card answer nothing, as if pulled
 * out (the device's "surprise-removed" property: registers read all
 * ones, no DMA, no interrupts), lets the job timeout find it so, then
 * removes it.
 */
#include <signal.h>
#include <sys/resource.h>

#include "d1_submit_common.h"
#include "d1_qmp.h"
#include "kernels/d1k_args.h"
#include "kselftest_harness.h"

#define D1_MAX_QUEUES_TEST	32

/* The signal that kills a child reading @p, or 0 when the read works. */
static int read_signal(const void *p)
{
	struct rlimit no_core = { 0, 0 };
	int status;
	pid_t pid;

	pid = fork();
	if (pid == 0) {
		setrlimit(RLIMIT_CORE, &no_core);
		_exit(*(const volatile unsigned char *)p);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFSIGNALED(status) ? WTERMSIG(status) : 0;
}

FIXTURE(unplug) {
	int unused;
};

FIXTURE_SETUP(unplug)
{
	if (!getenv("D1_QMP_DIR"))
		SKIP(return, "not inside tools/vm-run.sh (no QMP)");
	D1_REQUIRE_LOADED();
	ASSERT_TRUE(wait_present(true, 60000));
	card_names();
}

FIXTURE_TEARDOWN(unplug)
{
	if (getenv("D1_QMP_DIR") && !wait_present(true, 100))
		replug();
}

static void check_copy(struct __test_metadata *_metadata)
{
	struct d1_dev dev;
	int fd;

	ASSERT_EQ(0, d1_find(&dev));
	fd = open(dev.node, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	EXPECT_EQ(1, d1_copy_round_trip(fd, 0x42));
	close(fd);
}

/*
 * Unplug and replug an idle card.  The guest's hotplug driver alone
 * waits 5 s before it powers a slot off, so allow more than the 30 s
 * default on a busy host.
 */
TEST_F_TIMEOUT(unplug, idle, 300)
{
	ASSERT_EQ(0, card_qmp(qmp_del));
	ASSERT_TRUE(wait_present(false, 60000));
	ASSERT_TRUE(replug());
	check_copy(_metadata);
}

TEST_F_TIMEOUT(unplug, with_jobs_in_flight, 300)
{
	int fds[2], sfd[D1_MAX_QUEUES_TEST + 1], nsfd = 0, i, f;
	struct drm_d1_context_status st;
	struct drm_d1_submit_info si;
	struct d1_buf host[2], hbm[2], img, args, rep;
	struct timespec t0, t1;
	bool late;
	struct drm_d1_cmd c[2];
	struct d1k_args *a;
	__u32 so, isz, q, h;
	struct d1_dev dev;
	__u64 va = 0;

	ASSERT_EQ(0, d1_find(&dev));
	for (f = 0; f < 2; f++) {
		fds[f] = open(dev.node, O_RDWR | O_CLOEXEC);
		ASSERT_LE(0, fds[f]);
		ASSERT_EQ(0, d1_buf_new(fds[f], 65536, DRM_D1_BO_HOST,
					&host[f]));
		ASSERT_EQ(0, d1_buf_new(fds[f], 65536, DRM_D1_BO_HBM,
					&hbm[f]));
		memset(hbm[f].map, 0x11, 65536);
	}
	ASSERT_EQ(0, d1_submit_info(fds[0], &si));
	ASSERT_GE(D1_MAX_QUEUES_TEST, si.submit_queues);

	/* File 0: a LAUNCH that never ends on queue 0. */
	ASSERT_EQ(0, d1_kernel_load(fds[0], "d1k_scale.elf", &img, &isz));
	ASSERT_EQ(0, d1_buf_new(fds[0], 4096, DRM_D1_BO_HOST, &args));
	ASSERT_EQ(0, d1_buf_new(fds[0], 4096, DRM_D1_BO_HOST, &rep));
	a = args.map;
	a->mode = D1K_SPIN;
	c[0] = d1_cmd_launch(img.va, isz, args.va, sizeof(*a), 1, 1, 0,
			     rep.va, 4096);
	/* Still running at the removal however slow the guest is. */
	c[0].time_limit_ms = si.max_time_limit_ms;
	so = 0;
	ASSERT_EQ(0, d1_submit_sync(fds[0], 0, c, 1, &so));
	ASSERT_EQ(0, drmSyncobjExportSyncFile(fds[0], so, &sfd[nsfd++]));
	/* File 1: WAITs nobody satisfies, then COPYs, on every queue. */
	for (q = 0; q < si.submit_queues; q++) {
		c[0] = d1_cmd_mem(DRM_D1_CMD_WAIT, host[1].va + 8 * q, 1);
		c[1] = d1_cmd_copy(hbm[1].va, host[1].va + 4096, 4096);
		so = 0;
		ASSERT_EQ(0, d1_submit_sync(fds[1], q, c, 2, &so));
		ASSERT_EQ(0, drmSyncobjExportSyncFile(fds[1], so,
						      &sfd[nsfd++]));
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	usleep(300000);
	EXPECT_EQ(0, read_signal(hbm[0].map));

	ASSERT_EQ(0, card_qmp(qmp_del));
	ASSERT_TRUE(wait_present(false, 60000));
	/*
	 * A WAIT nobody satisfies times out once the job timeout has passed:
	 * when the removal took that long (a debug kernel on a busy host),
	 * -ETIMEDOUT is its due end; otherwise the removal ended it.
	 */
	clock_gettime(CLOCK_MONOTONIC, &t1);
	late = (t1.tv_sec - t0.tv_sec) * 1000 +
	       (t1.tv_nsec - t0.tv_nsec) / 1000000 >= si.job_timeout_ms;

	for (i = 0; i < nsfd; i++) {
		struct pollfd pfd = { .fd = sfd[i], .events = POLLIN };
		struct sync_file_info info = { 0 };

		EXPECT_EQ(1, poll(&pfd, 1, 10000)) TH_LOG("fence %d", i);
		EXPECT_EQ(0, ioctl(sfd[i], SYNC_IOC_FILE_INFO, &info));
		if (!(late && info.status == -ETIMEDOUT))
			EXPECT_EQ(-ENODEV, info.status) TH_LOG("fence %d", i);
		close(sfd[i]);
	}
	for (f = 0; f < 2; f++) {
		struct drm_d1_device_info info;

		EXPECT_EQ(-1, d1_query_info(fds[f], &info));
		EXPECT_EQ(ENODEV, errno);
		c[0] = d1_cmd_mem(DRM_D1_CMD_SIGNAL, host[f].va, 1);
		so = 0;
		EXPECT_EQ(-ENODEV, d1_submit(fds[f], 0, c, 1, NULL, 0, NULL,
					     0));
		EXPECT_EQ(-ENODEV, d1_bo_create(fds[f], 4096, DRM_D1_BO_HOST,
						&h));
		EXPECT_EQ(-ENODEV, d1_vm_bind(fds[f], host[f].handle,
					      DRM_D1_VM_READ, 0, 0, &va));
		EXPECT_EQ(-ENODEV, d1_ctx_status(fds[f], 0, &st));
		/* Host pages stay readable through the CPU mapping. */
		EXPECT_EQ(0, ((unsigned char *)host[f].map)[4096]);
		/* BAR2 is gone: the HBM mapping faults. */
		EXPECT_EQ(SIGBUS, read_signal(hbm[f].map));
		EXPECT_EQ(SIGBUS, read_signal((char *)hbm[f].map + 61440));
		munmap(host[f].map, host[f].size);
		munmap(hbm[f].map, hbm[f].size);
	}
	munmap(img.map, img.size);
	munmap(args.map, args.size);
	munmap(rep.map, rep.size);
	EXPECT_EQ(0, close(fds[0]));
	EXPECT_EQ(0, close(fds[1]));

	ASSERT_TRUE(replug());
	check_copy(_metadata);
}

/*
 * A card that stops answering with jobs on its rings: the job timeout
 * finds it reading all ones and ends the jobs with ENODEV (no reset can
 * help), then the removal finds nothing left to wait for.
 */
TEST_F_TIMEOUT(unplug, surprise_removal, 300)
{
	struct drm_d1_device_info info;
	unsigned long timeout_ms = 0;
	struct d1_buf host, img, args, rep;
	struct drm_d1_cmd c[2];
	struct d1k_args *a;
	__u32 so[2] = { 0 }, isz, echo;
	struct d1_dev dev;
	int fd, i, st;

	ASSERT_EQ(0, d1_sysfs_read_ul("/sys/module/d1/parameters",
				      "job_timeout_ms", &timeout_ms));
	ASSERT_EQ(0, d1_find(&dev));
	fd = open(dev.node, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, d1_buf_new(fd, 65536, DRM_D1_BO_HOST, &host));
	ASSERT_EQ(0, d1_kernel_load(fd, "d1k_scale.elf", &img, &isz));
	ASSERT_EQ(0, d1_buf_new(fd, 4096, DRM_D1_BO_HOST, &args));
	ASSERT_EQ(0, d1_buf_new(fd, 4096, DRM_D1_BO_HOST, &rep));
	a = args.map;
	a->mode = D1K_SPIN;
	c[0] = d1_cmd_launch(img.va, isz, args.va, sizeof(*a), 1, 1, 0,
			     rep.va, 4096);
	ASSERT_EQ(0, d1_submit_sync(fd, 0, c, 1, &so[0]));
	c[0] = d1_cmd_mem(DRM_D1_CMD_WAIT, host.va, 1);
	c[1] = d1_cmd_copy(host.va + 4096, host.va + 8192, 4096);
	ASSERT_EQ(0, d1_submit_sync(fd, 1, c, 2, &so[1]));
	usleep(300000);

	ASSERT_EQ(0, card_qmp(qmp_pull));
	EXPECT_EQ(-ETIMEDOUT, d1_ping(fd, 1, 100000000, &echo));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, d1_sync_wait(fd, so[i],
					  (timeout_ms + 20000) * 1000000ll))
			TH_LOG("job %d never ended", i);
		st = d1_sync_status(fd, so[i]);
		/*
		 * The endless LAUNCH may reach its time limit (the job
		 * timeout) on the device before the driver finds the card
		 * gone; either way it ends with an error, never hangs.
		 */
		if (i == 0 && st == -ETIMEDOUT)
			continue;
		EXPECT_EQ(-ENODEV, st) TH_LOG("job %d", i);
	}

	ASSERT_EQ(0, card_qmp(qmp_del));
	ASSERT_TRUE(wait_present(false, 60000));
	EXPECT_EQ(-1, d1_query_info(fd, &info));
	EXPECT_EQ(ENODEV, errno);
	d1_buf_free(fd, &host);
	d1_buf_free(fd, &img);
	d1_buf_free(fd, &args);
	d1_buf_free(fd, &rep);
	EXPECT_EQ(0, close(fd));

	ASSERT_TRUE(replug());
	check_copy(_metadata);
}

TEST_HARNESS_MAIN

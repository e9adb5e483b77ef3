// SPDX-License-Identifier: GPL-2.0
/*
 * d1 selftests: allocation failures, one at a time, everywhere.
 *
 * With the kernel's fault injection (/proc/thread-self/fail-nth, the
 * debug guest kernel), a sequence of driver calls is replayed failing the
 * Nth allocation of this task, for N = 1, 2, ... until the sequence runs
 * without reaching an Nth allocation.  Every call that fails must fail
 * with ENOMEM and leave nothing broken: the same call made again succeeds,
 * the rest of the sequence runs, its data is right, and once the file is
 * closed the driver's object counts (debugfs "objects") are back where
 * they were.  The sequence:
 *
 *  - ioctls: open, BO create (host and HBM), mmap and fault, VM_BIND,
 *    SUBMIT of COPY jobs with out-syncs, waits, VM_UNBIND, GEM_CLOSE,
 *    close.
 *
 * Probe is not swept: on 6.12 an allocation failing inside drm_dev_init()
 * (drm_minor_alloc()) makes DRM's own cleanup put_device() an error
 * pointer, a core bug no driver can avoid.
 *
 * Allocations the kernel makes in other tasks (the scheduler's workers)
 * are not counted.  Skips on a kernel without fault injection.  kmemleak
 * (the guest check's last suite) finds what error paths leak.
 */
#include <sys/syscall.h>

#include "d1_submit_common.h"
#include "kselftest_harness.h"

#define FAIL_NTH	"/proc/thread-self/fail-nth"
#define FI_DIR		"/sys/kernel/debug"
#define MAX_N		20000
#define JOBS		3
#define BO_SIZE		65536

/* Fault injection knobs: every allocation may fail, quietly. */
static const char *const fi_setup[][2] = {
	{ FI_DIR "/failslab/ignore-gfp-wait", "N" },
	{ FI_DIR "/failslab/verbose", "0" },
	{ FI_DIR "/fail_page_alloc/ignore-gfp-wait", "N" },
	{ FI_DIR "/fail_page_alloc/ignore-gfp-highmem", "N" },
	{ FI_DIR "/fail_page_alloc/min-order", "0" },
	{ FI_DIR "/fail_page_alloc/verbose", "0" },
};

static void kmsg(const char *s)
{
	d1_sysfs_write("/dev/kmsg", s);
}

/* One injected failure: where it hit and what the call said. */
struct hit {
	const char *step;
	int err;
};

struct seq {
	int nth;		/* fd of fail-nth */
	struct hit hit;
	const char *bad;	/* a step that failed wrongly */
	int bad_err;
};

/*
 * STEP(s, name, expr): run expr (>= 0 or -errno); on an ENOMEM, record
 * the hit and run it again, which must work now (the fault is spent).
 */
#define STEP(s, name, expr) ({						\
	int r_ = (expr);						\
	if (r_ == -ENOMEM && !(s)->hit.step) {				\
		(s)->hit.step = (name);					\
		(s)->hit.err = -r_;					\
		r_ = (expr);						\
	}								\
	if (r_ < 0 && !(s)->bad) {					\
		(s)->bad = (name);					\
		(s)->bad_err = -r_;					\
	}								\
	r_;								\
})

static int fail_nth_set(int fd, int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%d", n);

	return pwrite(fd, buf, len, 0) == len ? 0 : -errno;
}

/* fail-nth now: 0 once the failure was injected. */
static int fail_nth_get(int fd)
{
	char buf[16] = "";

	if (pread(fd, buf, sizeof(buf) - 1, 0) <= 0)
		return -1;
	return atoi(buf);
}

static int open_dev(const char *node)
{
	int fd = open(node, O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

static int bo_map(int fd, struct d1_buf *b)
{
	b->map = d1_bo_mmap(fd, b->handle, b->size);
	return b->map ? 0 : -errno;
}

/* Source data in the first half of a host BO, zeroes in the second. */
static int fill(struct d1_buf *b, unsigned char seed)
{
	unsigned char *p = b->map;
	size_t i;

	for (i = 0; i < b->size / 2; i++)
		p[i] = (unsigned char)(seed + i * 7 + 1);
	memset(p + b->size / 2, 0, b->size / 2);
	return 0;
}

/* 0 when the job of @so completed without error, else -errno. */
static int job_ok(int fd, __u32 so)
{
	int st = d1_sync_status(fd, so);

	if (st == 1)
		return 0;
	/*
	 * drm_syncobj_export_sync_file() says EINVAL when it cannot allocate
	 * the sync_file; an EINVAL that persists still fails the retry.
	 */
	if (st == -1000 - EINVAL)
		return -ENOMEM;
	if (st <= -1000)	/* exporting or reading the fence failed */
		return -((-st) % 1000);
	return -EIO;
}

static int syncobj_create(int fd, __u32 *h)
{
	return drmSyncobjCreate(fd, 0, h) ? -errno : 0;
}

/*
 * The ioctl sequence, the Nth allocation failing from its start to its
 * close (the caller reads fail-nth afterwards).  Returns 1 when the data
 * came back right and every step worked (after at most one injected
 * ENOMEM), 0 otherwise.
 */
static int ioctl_seq(struct seq *s, const char *node, int n)
{
	struct d1_buf host = { .size = BO_SIZE }, hbm = { .size = BO_SIZE };
	__u32 so[JOBS] = { 0 };
	struct drm_d1_cmd c[2];
	int fd, i, ok = 0;

	memset(&s->hit, 0, sizeof(s->hit));
	s->bad = NULL;
	if (fail_nth_set(s->nth, n))
		return 0;

	fd = STEP(s, "open", open_dev(node));
	if (fd < 0)
		goto out;
	if (STEP(s, "BO_CREATE host", d1_bo_create(fd, BO_SIZE, DRM_D1_BO_HOST,
						   &host.handle)) ||
	    STEP(s, "BO_CREATE hbm", d1_bo_create(fd, BO_SIZE, DRM_D1_BO_HBM,
						  &hbm.handle)) ||
	    STEP(s, "mmap host", bo_map(fd, &host)) ||
	    STEP(s, "mmap hbm", bo_map(fd, &hbm)) ||
	    fill(&host, (unsigned char)n) ||
	    STEP(s, "VM_BIND host", d1_vm_bind(fd, host.handle,
					       DRM_D1_VM_READ | DRM_D1_VM_WRITE,
					       0, 0, &host.va)) ||
	    STEP(s, "VM_BIND hbm", d1_vm_bind(fd, hbm.handle,
					      DRM_D1_VM_READ | DRM_D1_VM_WRITE,
					      0, 0, &hbm.va)))
		goto close;
	for (i = 0; i < JOBS; i++) {
		__u64 off = (__u64)i * 4096;

		/* host[off] -> hbm[off] -> host[32K + off] */
		c[0] = d1_cmd_copy(host.va + off, hbm.va + off, 4096);
		c[1] = d1_cmd_copy(hbm.va + off, host.va + BO_SIZE / 2 + off,
				   4096);
		if (STEP(s, "syncobj create", syncobj_create(fd, &so[i])) ||
		    STEP(s, "SUBMIT", d1_submit_sync(fd, i % 2, c, 2, &so[i])))
			goto close;
	}
	for (i = 0; i < JOBS; i++)
		if (STEP(s, "syncobj wait", d1_sync_wait(fd, so[i], 60 * D1_SEC)) ||
		    STEP(s, "job status", job_ok(fd, so[i])))
			goto close;
	ok = !memcmp(host.map, (char *)host.map + BO_SIZE / 2, JOBS * 4096);
	if (STEP(s, "VM_UNBIND", d1_vm_unbind(fd, host.va, 0)) ||
	    STEP(s, "VM_UNBIND", d1_vm_unbind(fd, hbm.va, 0)))
		ok = 0;
	host.va = hbm.va = 0;
close:
	/* Whatever failed, the rest is torn down the ordinary way. */
	for (i = 0; i < JOBS; i++)
		if (so[i])
			drmSyncobjDestroy(fd, so[i]);
	d1_buf_free(fd, &host);
	d1_buf_free(fd, &hbm);
	close(fd);
out:
	return ok && !s->bad;
}

/* Where to start ($D1_FAILNTH_FIRST: to look at one allocation). */
static int first_n(void)
{
	const char *s = getenv("D1_FAILNTH_FIRST");

	return s ? atoi(s) : 1;
}

FIXTURE(failnth) {
	struct d1_dev dev;
	int nth;
};

FIXTURE_SETUP(failnth)
{
	unsigned int i;

	self->nth = -1;
	if (access(FAIL_NTH, W_OK))
		SKIP(return, "no %s (kernel without fault injection)", FAIL_NTH);
	D1_REQUIRE_LOADED();
	ASSERT_EQ(0, d1_find(&self->dev));
	for (i = 0; i < ARRAY_SIZE(fi_setup); i++)
		ASSERT_EQ(0, d1_sysfs_write(fi_setup[i][0], fi_setup[i][1]))
			TH_LOG("%s", fi_setup[i][0]);
	/* $D1_FAILNTH_VERBOSE=2: a stack dump of every injected failure. */
	if (getenv("D1_FAILNTH_VERBOSE")) {
		d1_sysfs_write(FI_DIR "/failslab/verbose",
			       getenv("D1_FAILNTH_VERBOSE"));
		d1_sysfs_write(FI_DIR "/fail_page_alloc/verbose",
			       getenv("D1_FAILNTH_VERBOSE"));
	}
	self->nth = open(FAIL_NTH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->nth);
	/* The guest check knows the stack dumps in here are on purpose. */
	kmsg("d1-failnth: begin");
}

FIXTURE_TEARDOWN(failnth)
{
	if (self->nth < 0)
		return;
	fail_nth_set(self->nth, 0);
	close(self->nth);
	kmsg("d1-failnth: end");
}

TEST_F_TIMEOUT(failnth, ioctls, 3000)
{
	char base[256], now[256];
	struct seq s = { .nth = self->nth };
	int n, hits = 0, ok = 0;

	ASSERT_EQ(0, d1_objects(base, sizeof(base)));
	/* How many allocations the sequence makes (none fails here). */
	ASSERT_TRUE(ioctl_seq(&s, self->dev.node, 1000000000));
	TH_LOG("the sequence makes %d allocations",
	       1000000000 - fail_nth_get(self->nth));
	fail_nth_set(self->nth, 0);
	for (n = first_n(); n < MAX_N; n++) {
		ok = ioctl_seq(&s, self->dev.node, n);
		/* Still counting: the sequence made fewer than n allocations. */
		if (fail_nth_get(self->nth) > 0) {
			fail_nth_set(self->nth, 0);
			ASSERT_TRUE(ok) TH_LOG("without an injected failure: %s errno %d",
					       s.bad ?: "wrong data", s.bad_err);
			break;
		}
		if (s.hit.step)
			hits++;
		EXPECT_TRUE(ok)
			TH_LOG("allocation %d: %s failed with errno %d (hit %s)",
			       n, s.bad ?: "data", s.bad_err,
			       s.hit.step ?: "nothing visible");
		ASSERT_TRUE(d1_objects_back(base, now, sizeof(now)))
			TH_LOG("allocation %d (hit %s): objects\n%s, were\n%s", n,
			       s.hit.step ?: "nothing visible", now, base);
		if (!ok)
			break;
		if (n % 100 == 0)
			TH_LOG("%d allocations failed so far, %d reported", n,
			       hits);
	}
	ASSERT_LT(n, MAX_N);
	TH_LOG("%d allocations failed in turn, %d of them reported ENOMEM",
	       n - 1, hits);
	ASSERT_LT(1, n);
}

TEST_HARNESS_MAIN

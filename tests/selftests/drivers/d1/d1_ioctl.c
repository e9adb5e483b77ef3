// SPDX-License-Identifier: GPL-2.0
/*
 * d1 selftests: the accel node and the QUERY and PING ioctls.
 *
 * Needs d1.ko loaded and the default d1-dip device; loads the module
 * through $D1_KMOD/$D1_KO when it is not loaded yet.
 */
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/sysmacros.h>
#include <time.h>

#include "d1_common.h"
#include "kselftest_harness.h"

#define PATTERN		0xa5

FIXTURE(d1) {
	struct d1_dev dev;
	int fd;
};

FIXTURE_SETUP(d1)
{
	D1_SETUP_OPEN(self);
}

FIXTURE_TEARDOWN(d1)
{
	if (self->fd >= 0)
		close(self->fd);
}

/* The node is a char device of the accel major; several opens coexist. */
TEST_F(d1, open_close)
{
	struct drm_d1_device_info info;
	struct stat st;
	int fd2;

	ASSERT_EQ(0, fstat(self->fd, &st));
	ASSERT_TRUE(S_ISCHR(st.st_mode));
	ASSERT_EQ(D1_ACCEL_MAJOR, major(st.st_rdev));

	fd2 = open(self->dev.node, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, d1_query_info(fd2, &info));
	ASSERT_EQ(0, close(fd2));
	/* The first file still works after the second one is gone. */
	ASSERT_EQ(0, d1_query_info(self->fd, &info));
	ASSERT_EQ(D1_PCI_DEVICE_ID, info.pci_device);
}

/* DEVICE_INFO reports the card as configured and as PCI sees it. */
TEST_F(d1, query_device_info)
{
	struct drm_d1_device_info info;
	unsigned long vendor = 0, device = 0;
	char path[PATH_MAX];
	struct stat st;

	ASSERT_EQ(0, d1_query_info(self->fd, &info));

	ASSERT_EQ(0, d1_sysfs_read_ul(self->dev.sysfs, "vendor", &vendor));
	ASSERT_EQ(0, d1_sysfs_read_ul(self->dev.sysfs, "device", &device));
	ASSERT_EQ(D1_PCI_VENDOR_ID, vendor);
	ASSERT_EQ(D1_PCI_DEVICE_ID, device);
	ASSERT_EQ(device, info.pci_device);

	ASSERT_EQ(D1_VERSION_MAJOR(D1_HW_VERSION),
		  D1_VERSION_MAJOR(info.hw_version));
	/* the card the VM runner made (d1_device_props.h) */
	ASSERT_EQ(d1_device_prop("grid-rows"), info.grid_rows);
	ASSERT_EQ(d1_device_prop("grid-cols"), info.grid_cols);
	ASSERT_EQ(d1_device_prop("nodes"), info.node_count);
	ASSERT_EQ(d1_device_prop("sram-size"), info.sram_per_node);
	ASSERT_EQ(d1_device_prop("queues"), info.num_queues);
	ASSERT_EQ(d1_device_prop("contexts"), info.num_contexts);

	/* HBM is whatever the VM gave the card: the size of BAR2. */
	ASSERT_GT(sizeof(path), (size_t)snprintf(path, sizeof(path),
						 "%s/resource%d",
						 self->dev.sysfs, D1_BAR_HBM));
	ASSERT_EQ(0, stat(path, &st)) TH_LOG("stat %s: %s", path,
					     strerror(errno));
	ASSERT_LT(0, st.st_size);
	ASSERT_EQ((__u64)st.st_size, info.hbm_size);
}

/* The uAPI version: this header's, and the DRM driver version too. */
TEST_F(d1, query_uapi_version)
{
	struct drm_d1_device_info info;
	struct drm_version v = { 0 };
	char name[16] = "";

	ASSERT_EQ(0, d1_query_info(self->fd, &info));
	EXPECT_EQ(DRM_D1_UAPI_VERSION_MAJOR, info.uapi_major);
	EXPECT_EQ(DRM_D1_UAPI_VERSION_MINOR, info.uapi_minor);
	EXPECT_LE(2u, info.uapi_major);

	v.name = name;
	v.name_len = sizeof(name) - 1;
	ASSERT_EQ(0, ioctl(self->fd, DRM_IOCTL_VERSION, &v));
	EXPECT_STREQ("d1", name);
	EXPECT_EQ((int)info.uapi_major, v.version_major);
	EXPECT_EQ((int)info.uapi_minor, v.version_minor);
}

/* Size 0 asks for the size and copies nothing (data is not touched). */
TEST_F(d1, query_size_zero)
{
	struct drm_d1_query q = {
		.param = DRM_D1_QUERY_DEVICE_INFO,
		.size = 0,
		.data = 0,
	};

	ASSERT_EQ(0, ioctl(self->fd, DRM_IOCTL_D1_QUERY, &q));
	ASSERT_EQ(sizeof(struct drm_d1_device_info), q.size);

	/* Not even a bad pointer matters when nothing is copied. */
	q.size = 0;
	q.data = 8;
	ASSERT_EQ(0, ioctl(self->fd, DRM_IOCTL_D1_QUERY, &q));
	ASSERT_EQ(sizeof(struct drm_d1_device_info), q.size);
}

/* Older userspace with a shorter struct gets exactly its prefix. */
TEST_F(d1, query_smaller)
{
	struct drm_d1_device_info full;
	unsigned char buf[sizeof(full)];
	struct drm_d1_query q = {
		.param = DRM_D1_QUERY_DEVICE_INFO,
		.data = (__u64)(uintptr_t)buf,
	};
	unsigned int len, i;

	ASSERT_EQ(0, d1_query_info(self->fd, &full));

	for (len = 1; len < sizeof(full); len += 7) {
		memset(buf, PATTERN, sizeof(buf));
		q.size = len;
		ASSERT_EQ(0, ioctl(self->fd, DRM_IOCTL_D1_QUERY, &q));
		ASSERT_EQ(sizeof(full), q.size);
		ASSERT_EQ(0, memcmp(buf, &full, len));
		for (i = len; i < sizeof(buf); i++)
			ASSERT_EQ(PATTERN, buf[i]) TH_LOG("byte %u of %u", i, len);
	}
}

/*
 * Newer userspace with a longer struct: the kernel fills what it knows and
 * leaves the tail alone (userspace zero-fills it beforehand).
 */
TEST_F(d1, query_larger)
{
	struct drm_d1_device_info full;
	unsigned char buf[sizeof(full) + 64];
	struct drm_d1_query q = {
		.param = DRM_D1_QUERY_DEVICE_INFO,
		.size = sizeof(buf),
		.data = (__u64)(uintptr_t)buf,
	};
	unsigned int i;

	ASSERT_EQ(0, d1_query_info(self->fd, &full));

	memset(buf, 0, sizeof(buf));
	memset(buf + sizeof(full), PATTERN, sizeof(buf) - sizeof(full));
	ASSERT_EQ(0, ioctl(self->fd, DRM_IOCTL_D1_QUERY, &q));
	ASSERT_EQ(sizeof(full), q.size);
	ASSERT_EQ(0, memcmp(buf, &full, sizeof(full)));
	for (i = sizeof(full); i < sizeof(buf); i++)
		ASSERT_EQ(PATTERN, buf[i]) TH_LOG("tail byte %u", i);
}

static int query_errno(int fd, struct drm_d1_query *q)
{
	return ioctl(fd, DRM_IOCTL_D1_QUERY, q) ? errno : 0;
}

TEST_F(d1, query_bad_param)
{
	struct drm_d1_device_info info;
	const __u32 params[] = { DRM_D1_QUERY_SUBMIT_INFO + 1, 0x100, 0x7fffffff,
				 0xffffffff };
	struct drm_d1_query q = {
		.size = sizeof(info),
		.data = (__u64)(uintptr_t)&info,
	};
	unsigned int i;

	for (i = 0; i < sizeof(params) / sizeof(params[0]); i++) {
		q.param = params[i];
		q.size = sizeof(info);
		ASSERT_EQ(EINVAL, query_errno(self->fd, &q))
			TH_LOG("param %u", params[i]);
	}
}

TEST_F(d1, query_bad_flags)
{
	struct drm_d1_device_info info;
	struct drm_d1_query q = {
		.param = DRM_D1_QUERY_DEVICE_INFO,
		.data = (__u64)(uintptr_t)&info,
	};
	unsigned int bit;

	for (bit = 0; bit < 32; bit++) {
		q.flags = 1u << bit;
		q.size = sizeof(info);
		ASSERT_EQ(EINVAL, query_errno(self->fd, &q)) TH_LOG("bit %u", bit);
	}
	/* Also when only the size is asked for. */
	q.flags = 1;
	q.size = 0;
	ASSERT_EQ(EINVAL, query_errno(self->fd, &q));
}

TEST_F(d1, query_bad_pad)
{
	struct drm_d1_device_info info;
	struct drm_d1_query q = {
		.param = DRM_D1_QUERY_DEVICE_INFO,
		.size = sizeof(info),
		.data = (__u64)(uintptr_t)&info,
	};

	q.pad = 1;
	ASSERT_EQ(EINVAL, query_errno(self->fd, &q));
	q.pad = 0x80000000u;
	q.size = sizeof(info);
	ASSERT_EQ(EINVAL, query_errno(self->fd, &q));
}

TEST_F(d1, query_bad_pointer)
{
	struct drm_d1_query q = {
		.param = DRM_D1_QUERY_DEVICE_INFO,
	};
	void *ro;

	/* Unmapped user address. */
	q.size = sizeof(struct drm_d1_device_info);
	q.data = 8;
	ASSERT_EQ(EFAULT, query_errno(self->fd, &q));

	/* Kernel address. */
	q.size = sizeof(struct drm_d1_device_info);
	q.data = 0xffffffffff600000ull - 0x1000000;
	ASSERT_EQ(EFAULT, query_errno(self->fd, &q));

	/* Read-only mapping. */
	ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, ro);
	q.size = sizeof(struct drm_d1_device_info);
	q.data = (__u64)(uintptr_t)ro;
	ASSERT_EQ(EFAULT, query_errno(self->fd, &q));
	munmap(ro, 4096);

	/* The argument struct itself. */
	ASSERT_EQ(-1, ioctl(self->fd, DRM_IOCTL_D1_QUERY, NULL));
	ASSERT_EQ(EFAULT, errno);
}

/*
 * Unknown driver ioctl numbers: drm_ioctl() answers -EINVAL for a number
 * in the driver range past the table, -ENOTTY for a foreign ioctl type.
 */
TEST_F(d1, unknown_ioctl)
{
	struct drm_d1_ping p = { 0 };
	unsigned int nr;

	for (nr = DRM_D1_PING + 1; nr < DRM_COMMAND_END - DRM_COMMAND_BASE;
	     nr += 13) {
		ASSERT_EQ(-1, ioctl(self->fd,
				    DRM_IOWR(DRM_COMMAND_BASE + nr,
					     struct drm_d1_ping), &p));
		ASSERT_EQ(EINVAL, errno) TH_LOG("nr 0x%x", nr);
	}
	ASSERT_EQ(-1, ioctl(self->fd, _IOWR('x', DRM_COMMAND_BASE,
					    struct drm_d1_ping), &p));
	ASSERT_EQ(ENOTTY, errno);

	/* The device is unharmed. */
	ASSERT_EQ(0, d1_ping(self->fd, 7, 0, &p.echo));
	ASSERT_EQ(~7u, p.echo);
}

TEST_F(d1, ping_roundtrip)
{
	const __u32 values[] = {
		0, 1, 2, 0x12345678, 0x80000000, 0xdeadbeef, 0xfffffffe,
		0xffffffff,
	};
	unsigned int i;
	__u32 echo = 0;

	for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		echo = values[i];	/* not the answer */
		ASSERT_EQ(0, d1_ping(self->fd, values[i], 0, &echo));
		ASSERT_EQ(~values[i], echo) TH_LOG("value 0x%x", values[i]);
		ASSERT_EQ(0, d1_ping(self->fd, values[i], 1000000000ull,
				     &echo));
		ASSERT_EQ(~values[i], echo) TH_LOG("value 0x%x", values[i]);
	}
}

TEST_F(d1, ping_many)
{
	__u32 v, echo = 0;

	for (v = 0; v < 500; v++) {
		ASSERT_EQ(0, d1_ping(self->fd, v * 0x9e3779b9u, 0, &echo));
		ASSERT_EQ(~(v * 0x9e3779b9u), echo);
	}
}

struct ping_thread {
	const char *node;
	int fd;
	__u32 seed;
	int errors;
};

static void *ping_thread_fn(void *arg)
{
	struct ping_thread *t = arg;
	int fd = t->fd;
	__u32 v, echo = 0;
	int i;

	if (fd < 0)
		fd = open(t->node, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		t->errors++;
		return NULL;
	}
	for (i = 0; i < 200; i++) {
		v = t->seed + i * 0x01000193u;
		if (d1_ping(fd, v, 0, &echo) || echo != ~v)
			t->errors++;
	}
	if (t->fd < 0)
		close(fd);
	return NULL;
}

/* Concurrent pings, on one file and on several, each get their answer. */
TEST_F(d1, ping_concurrent)
{
	struct ping_thread t[6];
	pthread_t tid[6];
	int i;

	for (i = 0; i < 6; i++) {
		t[i].node = self->dev.node;
		t[i].fd = i < 3 ? self->fd : -1;
		t[i].seed = 0x1000u * (i + 1);
		t[i].errors = 0;
		ASSERT_EQ(0, pthread_create(&tid[i], NULL, ping_thread_fn,
					    &t[i]));
	}
	for (i = 0; i < 6; i++) {
		ASSERT_EQ(0, pthread_join(tid[i], NULL));
		EXPECT_EQ(0, t[i].errors) TH_LOG("thread %d", i);
	}
}

/*
 * A timeout too short to be met either works or fails with ETIMEDOUT;
 * either way a late interrupt must not confuse the next ping.
 */
TEST_F(d1, ping_short_timeout)
{
	int i, ret, timeouts = 0;
	__u32 echo = 0;

	for (i = 0; i < 50; i++) {
		ret = d1_ping(self->fd, i, 1, &echo);
		if (ret == -ETIMEDOUT) {
			timeouts++;
		} else {
			ASSERT_EQ(0, ret);
			ASSERT_EQ(~(__u32)i, echo);
		}
		ASSERT_EQ(0, d1_ping(self->fd, 0x5000 + i, 0, &echo));
		ASSERT_EQ(~(0x5000u + i), echo);
	}
	TH_LOG("%d of 50 pings with a 1 ns timeout timed out", timeouts);
}

static int ping_errno(int fd, struct drm_d1_ping *p)
{
	return ioctl(fd, DRM_IOCTL_D1_PING, p) ? errno : 0;
}

TEST_F(d1, ping_bad_flags)
{
	struct drm_d1_ping p = { .value = 1 };
	unsigned int bit;

	for (bit = 0; bit < 32; bit++) {
		p.flags = 1u << bit;
		p.echo = 0;
		ASSERT_EQ(EINVAL, ping_errno(self->fd, &p)) TH_LOG("bit %u", bit);
		ASSERT_EQ(0, p.echo);
	}
}

TEST_F(d1, ping_bad_pad)
{
	struct drm_d1_ping p = { .value = 1 };

	p.pad = 1;
	ASSERT_EQ(EINVAL, ping_errno(self->fd, &p));
	ASSERT_EQ(0, p.echo);
	p.pad = 0xffffffff;
	ASSERT_EQ(EINVAL, ping_errno(self->fd, &p));
	ASSERT_EQ(0, p.echo);
}

TEST_F(d1, ping_bad_pointer)
{
	ASSERT_EQ(-1, ioctl(self->fd, DRM_IOCTL_D1_PING, NULL));
	ASSERT_EQ(EFAULT, errno);
	ASSERT_EQ(-1, ioctl(self->fd, DRM_IOCTL_D1_PING, (void *)8));
	ASSERT_EQ(EFAULT, errno);
}

/*
 * Timeouts, late and interrupted waits, forced through the driver's
 * debugfs hook that masks the doorbell interrupt.
 */
FIXTURE(d1_masked) {
	struct d1_dev dev;
	char hook[PATH_MAX + 64];
	int fd;
};

static int hook_write(const char *hook, int masked)
{
	return d1_sysfs_write(hook, masked ? "1" : "0");
}

FIXTURE_SETUP(d1_masked)
{
	char real[PATH_MAX];

	self->fd = -1;
	self->hook[0] = '\0';
	D1_REQUIRE_LOADED();
	ASSERT_EQ(0, d1_find(&self->dev));
	ASSERT_NE(NULL, realpath(self->dev.sysfs, real));
	snprintf(self->hook, sizeof(self->hook),
		 "/sys/kernel/debug/accel/%s/test_mask_doorbell",
		 basename(real));
	if (access(self->hook, W_OK)) {
		self->hook[0] = '\0';
		SKIP(return, "no debugfs hook (debugfs not mounted?)");
	}
	self->fd = open(self->dev.node, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(d1_masked)
{
	if (self->hook[0])
		hook_write(self->hook, 0);
	if (self->fd >= 0)
		close(self->fd);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* No interrupt: -ETIMEDOUT after the caller's timeout, not before. */
TEST_F(d1_masked, ping_timeout)
{
	__u32 echo = 0x55;
	double t0, dt;

	ASSERT_EQ(0, hook_write(self->hook, 1));
	t0 = now_s();
	ASSERT_EQ(-ETIMEDOUT, d1_ping(self->fd, 1, 50000000ull, &echo));
	dt = now_s() - t0;
	ASSERT_EQ(0x55, echo);
	ASSERT_LE(0.045, dt);
	ASSERT_GT(5.0, dt);
}

/* Timeout 0 selects the driver default, ping_timeout_ms (1 s). */
TEST_F(d1_masked, ping_default_timeout)
{
	unsigned long ms = 0;
	__u32 echo = 0;
	double t0, dt;

	ASSERT_EQ(0, d1_sysfs_read_ul("/sys/module/d1/parameters",
				      "ping_timeout_ms", &ms));
	ASSERT_EQ(0, hook_write(self->hook, 1));
	t0 = now_s();
	ASSERT_EQ(-ETIMEDOUT, d1_ping(self->fd, 1, 0, &echo));
	dt = now_s() - t0;
	ASSERT_LE(ms / 1000.0 * 0.95, dt);
	ASSERT_GT(ms / 1000.0 + 5.0, dt);
}

/*
 * A timed-out ping's interrupt arrives late (on unmask); the next ping
 * must wait for its own interrupt and return its own answer.
 */
TEST_F(d1_masked, ping_late_interrupt)
{
	__u32 echo = 0;
	int i;

	for (i = 0; i < 5; i++) {
		ASSERT_EQ(0, hook_write(self->hook, 1));
		ASSERT_EQ(-ETIMEDOUT, d1_ping(self->fd, 0x100 + i, 10000000ull,
					      &echo));
		ASSERT_EQ(0, hook_write(self->hook, 0));
		ASSERT_EQ(0, d1_ping(self->fd, 0x200 + i, 0, &echo));
		ASSERT_EQ(~(0x200u + i), echo);
	}
}

static void on_sigusr1(int sig)
{
	(void)sig;
}

struct kicker {
	pthread_t target;
	unsigned int delay_ms;
};

static void *kick_fn(void *arg)
{
	struct kicker *k = arg;

	usleep(k->delay_ms * 1000);
	pthread_kill(k->target, SIGUSR1);
	return NULL;
}

/* A signal ends the wait: EINTR when the handler does not restart. */
TEST_F(d1_masked, ping_interrupted)
{
	struct sigaction sa = { .sa_handler = on_sigusr1 };
	struct kicker k = { .target = pthread_self(), .delay_ms = 200 };
	__u32 echo = 0;
	double t0, dt;
	pthread_t tid;

	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;	/* no SA_RESTART */
	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));
	ASSERT_EQ(0, hook_write(self->hook, 1));

	t0 = now_s();
	ASSERT_EQ(0, pthread_create(&tid, NULL, kick_fn, &k));
	ASSERT_EQ(-EINTR, d1_ping(self->fd, 3, 10000000000ull, &echo));
	dt = now_s() - t0;
	ASSERT_EQ(0, pthread_join(tid, NULL));
	ASSERT_LE(0.15, dt);
	ASSERT_GT(5.0, dt);

	ASSERT_EQ(0, hook_write(self->hook, 0));
	ASSERT_EQ(0, d1_ping(self->fd, 4, 0, &echo));
	ASSERT_EQ(~4u, echo);
}

TEST_HARNESS_MAIN

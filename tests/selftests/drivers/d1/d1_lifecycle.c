// SPDX-License-Identifier: GPL-2.0
/*
 * d1 selftests: module unload/reload through d1-kmod, unload refused while
 * a file is open, driver unbind (unplug) under an open file.
 *
 * $D1_KMOD is the d1-kmod tool, $D1_KO the d1.ko to load; the module tests
 * skip when either is unset.  Every test leaves d1 loaded and bound.
 */
#include <pthread.h>
#include <time.h>

#include "d1_common.h"
#include "kselftest_harness.h"

#define OUT_LEN	4096

#define NEED_KMOD() do { \
	if (!getenv("D1_KMOD") || !getenv("D1_KO")) \
		SKIP(return, "set D1_KMOD (d1-kmod tool) and D1_KO (d1.ko) to test module load/unload"); \
} while (0)

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

TEST(unload_reload)
{
	struct d1_dev dev;

	NEED_KMOD();
	d1_ensure(_metadata);
	d1_check_device(_metadata, &dev);

	d1_unload(_metadata);
	d1_load(_metadata, NULL);
	d1_check_device(_metadata, &dev);
}

TEST(reload_cycles)
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
TEST(unload_busy)
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

TEST(load_twice)
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
TEST(load_with_param)
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

TEST(kmod_errors)
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
TEST(unbind_with_open_file)
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
TEST(unbind_during_ping)
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

TEST_HARNESS_MAIN

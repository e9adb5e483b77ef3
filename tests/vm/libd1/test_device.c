// SPDX-License-Identifier: GPL-2.0
/*
 * libd1 against the real device (in the VM, d1.ko loaded): counting,
 * opening by index and by PCI address, device info compared with the
 * device defaults and with sysfs, invalid indices, several handles.
 */
#include <errno.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>

#include "d1_test.h"
#include "kselftest_harness.h"

TEST(count_at_least_one)
{
	unsigned int count = 0;

	ASSERT_EQ(D1_SUCCESS, d1_device_count(&count))
		TH_LOG("is d1.ko loaded?");
	ASSERT_GE(count, 1u);
}

FIXTURE(dev) {
	d1_device *dev;
	struct d1_device_info info;
};

FIXTURE_SETUP(dev)
{
	d1_status st;

	self->dev = NULL;
	st = d1_device_open(0, &self->dev);
	ASSERT_EQ(D1_SUCCESS, st) TH_LOG("%s", d1_status_string(st));
	ASSERT_NE(NULL, self->dev);
	st = d1_device_info(self->dev, &self->info);
	ASSERT_EQ(D1_SUCCESS, st) TH_LOG("%s", d1_status_string(st));
}

FIXTURE_TEARDOWN(dev)
{
	if (self->dev)
		EXPECT_EQ(D1_SUCCESS, d1_device_close(self->dev));
}

TEST_F(dev, identity)
{
	const struct d1_device_info *in = &self->info;
	char devnode[64], pci[64];
	struct stat st;

	EXPECT_EQ(0u, in->index);
	snprintf(devnode, sizeof(devnode), "/dev/accel/accel%u", in->minor);
	EXPECT_STREQ(devnode, in->devnode);
	ASSERT_EQ(0, stat(in->devnode, &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(in->minor, minor(st.st_rdev));

	ASSERT_EQ(0, sysfs_pci_address(in->minor, pci, sizeof(pci)));
	EXPECT_STREQ(pci, in->pci_address);

	EXPECT_STREQ("d1", in->driver_name);
	EXPECT_EQ(1u, in->hw_major);
	EXPECT_EQ(0u, in->hw_minor);
	EXPECT_EQ((uint32_t)D1_PCI_DEVICE_ID, in->pci_device);
	/* The uAPI version (2.0 and later report it) is the DRM version. */
	EXPECT_LE(2u, in->uapi_major);
	EXPECT_EQ((int)in->uapi_major, in->driver_major);
	EXPECT_EQ((int)in->uapi_minor, in->driver_minor);
	TH_LOG("%s %s hw %u.%u driver %s %d.%d.%d", in->devnode,
	       in->pci_address, in->hw_major, in->hw_minor, in->driver_name,
	       in->driver_major, in->driver_minor, in->driver_patch);
}

TEST_F(dev, capabilities_are_the_defaults)
{
	const struct d1_device_info *in = &self->info;

	EXPECT_EQ(d1_device_prop("grid-rows"), in->grid_rows);
	EXPECT_EQ(d1_device_prop("grid-cols"), in->grid_cols);
	EXPECT_EQ(d1_device_prop("nodes"), in->node_count);
	EXPECT_LE(in->node_count, in->grid_rows * in->grid_cols);
	EXPECT_EQ(d1_device_prop("sram-size"), in->sram_per_node);
	EXPECT_EQ(d1_device_prop("queues"), in->num_queues);
	EXPECT_EQ(d1_device_prop("contexts"), in->num_contexts);
	for (unsigned int i = 0; i < sizeof(in->reserved) / 8; i++)
		EXPECT_EQ(0u, in->reserved[i]);
}

TEST_F(dev, hbm_size_is_bar2_size)
{
	uint64_t bar2 = 0;

	ASSERT_EQ(0, sysfs_bar_size(self->info.minor, 2, &bar2));
	EXPECT_NE(0u, bar2);
	EXPECT_EQ(bar2, self->info.hbm_size);
	TH_LOG("HBM %" PRIu64 " bytes", self->info.hbm_size);
}

TEST_F(dev, info_is_repeatable)
{
	struct d1_device_info again;

	memset(&again, 0x5a, sizeof(again));
	ASSERT_EQ(D1_SUCCESS, d1_device_info(self->dev, &again));
	EXPECT_EQ(0, memcmp(&self->info, &again, sizeof(again)));
}

TEST_F(dev, info_null_output)
{
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_device_info(self->dev, NULL));
}

TEST_F(dev, open_by_pci_finds_the_same_device)
{
	struct d1_device_info info;
	const char *full = self->info.pci_address;
	d1_device *d = NULL;

	ASSERT_EQ(D1_SUCCESS, d1_device_open_by_pci(full, &d));
	ASSERT_EQ(D1_SUCCESS, d1_device_info(d, &info));
	EXPECT_EQ(0, memcmp(&self->info, &info, sizeof(info)));
	EXPECT_EQ(D1_SUCCESS, d1_device_close(d));

	/* Without the domain, if it is 0000. */
	if (!strncmp(full, "0000:", 5)) {
		d = NULL;
		ASSERT_EQ(D1_SUCCESS, d1_device_open_by_pci(full + 5, &d));
		EXPECT_EQ(D1_SUCCESS, d1_device_close(d));
	}
	d = NULL;
	EXPECT_EQ(D1_ERROR_NO_DEVICE, d1_device_open_by_pci("00ff:1f:1f.7", &d));
	EXPECT_EQ(NULL, d);
}

TEST(invalid_index)
{
	unsigned int count = 0;
	d1_device *d = NULL;

	ASSERT_EQ(D1_SUCCESS, d1_device_count(&count));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_device_open(count, &d));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_device_open(count + 100, &d));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_device_open(~0u, &d));
	EXPECT_EQ(NULL, d);
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_device_open(0, NULL));
}

TEST(every_device_opens)
{
	struct d1_device_info info;
	unsigned int count = 0, i;
	d1_device *d;

	ASSERT_EQ(D1_SUCCESS, d1_device_count(&count));
	for (i = 0; i < count; i++) {
		d = NULL;
		ASSERT_EQ(D1_SUCCESS, d1_device_open(i, &d));
		ASSERT_EQ(D1_SUCCESS, d1_device_info(d, &info));
		EXPECT_EQ(i, info.index);
		EXPECT_EQ(D1_SUCCESS, d1_device_close(d));
	}
}

TEST(many_handles)
{
	enum { N = 16 };
	d1_device *d[N];
	uint32_t echo;
	int i;

	for (i = 0; i < N; i++)
		ASSERT_EQ(D1_SUCCESS, d1_device_open(0, &d[i]));
	for (i = 0; i < N; i++) {
		ASSERT_EQ(D1_SUCCESS, d1_device_ping(d[i], i, &echo, 0));
		EXPECT_EQ(~(uint32_t)i, echo);
	}
	/* Closing in another order than opening. */
	for (i = N - 1; i >= 0; i -= 2)
		EXPECT_EQ(D1_SUCCESS, d1_device_close(d[i]));
	for (i = 0; i < N; i += 2)
		EXPECT_EQ(D1_SUCCESS, d1_device_close(d[i]));
}

TEST(open_close_cycles)
{
	d1_device *d;
	int i;

	for (i = 0; i < 200; i++) {
		d = NULL;
		ASSERT_EQ(D1_SUCCESS, d1_device_open(0, &d));
		ASSERT_EQ(D1_SUCCESS, d1_device_close(d));
	}
}

/* An unprivileged user sees the device but may not open a 0600 node. */
TEST(permission_denied)
{
	char devnode[64];
	unsigned int count = 0;
	struct d1_device_info info;
	struct stat st;
	d1_device *d;
	int status;
	pid_t pid;

	if (geteuid())
		SKIP(return, "needs root to switch to an unprivileged user");
	ASSERT_EQ(D1_SUCCESS, d1_device_open(0, &d));
	ASSERT_EQ(D1_SUCCESS, d1_device_info(d, &info));
	ASSERT_EQ(D1_SUCCESS, d1_device_close(d));
	snprintf(devnode, sizeof(devnode), "%s", info.devnode);
	ASSERT_EQ(0, stat(devnode, &st));
	if (st.st_mode & (S_IROTH | S_IWOTH))
		SKIP(return, "%s is accessible to everyone", devnode);

	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		d = NULL;
		if (setgid(65534) || setuid(65534))
			_exit(10);
		if (d1_device_count(&count) != D1_SUCCESS || !count)
			_exit(11);
		if (d1_device_open(0, &d) != D1_ERROR_PERMISSION || d)
			_exit(12);
		if (errno != EACCES && errno != EPERM)
			_exit(13);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

TEST_HARNESS_MAIN

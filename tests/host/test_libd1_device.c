// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of libd1 device discovery and argument checking, against a
 * fake sysfs tree (D1_SYSFS_ROOT) and fake /dev (D1_DEV_ROOT).  No d1
 * device is needed: opening stops at the fake node, and calls on a handle
 * use /dev/null, which answers every ioctl with ENOTTY.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libd1_internal.h"
#include "kselftest_harness.h"

/* Builds "<root>/<fmt...>" into @buf (PATH_MAX bytes); returns @buf. */
static const char *fpath(char *buf, const char *root, const char *fmt, ...)
{
	char rel[PATH_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(rel, sizeof(rel), fmt, ap);
	va_end(ap);
	if (snprintf(buf, PATH_MAX, "%s/%s", root, rel) >= PATH_MAX)
		abort();
	return buf;
}

static int mkdir_p(const char *path)
{
	char tmp[PATH_MAX], *p;

	snprintf(tmp, sizeof(tmp), "%s", path);
	for (p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(tmp, 0755) && errno != EEXIST ? -1 : 0;
}

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

/*
 * Adds accel<minor> for PCI function 0000:00:<slot>.0 to the fake sysfs
 * at @root, bound to @driver (NULL: unbound).  Laid out like the real
 * thing: class/accel/accelN/device -> the PCI device directory, whose
 * driver link points at bus/pci/drivers/<driver>.
 */
static int add_accel(const char *root, unsigned int minor, unsigned int slot,
		     const char *driver, int with_dev_attr)
{
	char pci[PATH_MAX], node[PATH_MAX], p[PATH_MAX], t[PATH_MAX];
	char text[32];

	fpath(pci, root, "devices/pci0000:00/0000:00:%02x.0", slot);
	fpath(node, root, "class/accel/accel%u", minor);
	if (mkdir_p(pci) || mkdir_p(node))
		return -1;
	if (driver) {
		fpath(t, root, "bus/pci/drivers/%s", driver);
		if (mkdir_p(t) ||
		    symlink(t, fpath(p, pci, "driver")))
			return -1;
	}
	if (symlink(pci, fpath(p, node, "device")))
		return -1;
	if (with_dev_attr) {
		snprintf(text, sizeof(text), "261:%u\n", minor);
		if (write_file(fpath(p, node, "dev"), text))
			return -1;
	}
	return 0;
}

static int rm_entry(const char *path, const struct stat *st, int flag,
		    struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

FIXTURE(fake) {
	char root[PATH_MAX];
	char sys[PATH_MAX];
	char dev[PATH_MAX];
};

FIXTURE_SETUP(fake)
{
	snprintf(self->root, sizeof(self->root), "/tmp/d1-libd1-test.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->root));
	fpath(self->sys, self->root, "sys");
	fpath(self->dev, self->root, "dev");
	ASSERT_EQ(0, mkdir_p(self->sys));
	ASSERT_EQ(0, mkdir_p(self->dev));
	ASSERT_EQ(0, setenv("D1_SYSFS_ROOT", self->sys, 1));
	ASSERT_EQ(0, setenv("D1_DEV_ROOT", self->dev, 1));
}

FIXTURE_TEARDOWN(fake)
{
	nftw(self->root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* A fake device node that open(O_RDWR) rejects with EISDIR. */
static int add_devnode_dir(const char *dev, unsigned int minor)
{
	char p[PATH_MAX];

	return mkdir_p(fpath(p, dev, "accel/accel%u", minor));
}

TEST_F(fake, no_accel_class_is_no_device)
{
	unsigned int count = 42;
	d1_device *dev = (d1_device *)0x1;

	EXPECT_EQ(D1_ERROR_NO_DEVICE, d1_device_count(&count));
	EXPECT_EQ(0u, count);
	EXPECT_EQ(D1_ERROR_NO_DEVICE, d1_device_open(0, &dev));
	EXPECT_EQ((d1_device *)0x1, dev);
	EXPECT_EQ(D1_ERROR_NO_DEVICE, d1_device_open_by_pci("00:04.0", &dev));
}

TEST_F(fake, sysfs_root_missing_is_no_device)
{
	unsigned int count = 42;

	ASSERT_EQ(0, setenv("D1_SYSFS_ROOT", "/nonexistent/d1/sysfs", 1));
	EXPECT_EQ(D1_ERROR_NO_DEVICE, d1_device_count(&count));
	EXPECT_EQ(0u, count);
}

TEST_F(fake, empty_accel_class_is_no_device)
{
	char p[PATH_MAX];
	unsigned int count = 42;

	ASSERT_EQ(0, mkdir_p(fpath(p, self->sys, "class/accel")));
	EXPECT_EQ(D1_ERROR_NO_DEVICE, d1_device_count(&count));
	EXPECT_EQ(0u, count);
}

TEST_F(fake, only_other_drivers_is_no_device)
{
	unsigned int count = 42;

	ASSERT_EQ(0, add_accel(self->sys, 0, 3, "ivpu", 1));
	ASSERT_EQ(0, add_accel(self->sys, 1, 4, NULL, 1));
	EXPECT_EQ(D1_ERROR_NO_DEVICE, d1_device_count(&count));
	EXPECT_EQ(0u, count);
}

TEST_F(fake, counts_only_d1_nodes)
{
	unsigned int count = 0;

	ASSERT_EQ(0, add_accel(self->sys, 0, 4, "d1", 1));
	ASSERT_EQ(0, add_accel(self->sys, 1, 5, "ivpu", 1));
	ASSERT_EQ(0, add_accel(self->sys, 2, 6, "d1", 1));
	EXPECT_EQ(D1_SUCCESS, d1_device_count(&count));
	EXPECT_EQ(2u, count);

	/* A "d1x" driver is not ours; neither are non-accel entries. */
	ASSERT_EQ(0, add_accel(self->sys, 3, 7, "d1x", 1));
	ASSERT_EQ(0, add_accel(self->sys, 4, 8, NULL, 1));
	EXPECT_EQ(D1_SUCCESS, d1_device_count(&count));
	EXPECT_EQ(2u, count);
}

TEST_F(fake, ignores_non_accel_names)
{
	char p[PATH_MAX];
	unsigned int count = 0;

	ASSERT_EQ(0, add_accel(self->sys, 0, 4, "d1", 1));
	/* Same shape, wrong names. */
	ASSERT_EQ(0, mkdir_p(fpath(p, self->sys, "class/accel/accelX")));
	ASSERT_EQ(0, mkdir_p(fpath(p, self->sys, "class/accel/accel1a")));
	ASSERT_EQ(0, mkdir_p(fpath(p, self->sys, "class/accel/accel")));
	EXPECT_EQ(D1_SUCCESS, d1_device_count(&count));
	EXPECT_EQ(1u, count);
}

TEST_F(fake, sorted_by_minor_with_pci_addresses)
{
	struct d1_node_list list;

	/* Created out of order; accel10 sorts after accel2 numerically. */
	ASSERT_EQ(0, add_accel(self->sys, 10, 0x1a, "d1", 1));
	ASSERT_EQ(0, add_accel(self->sys, 2, 0x04, "d1", 1));
	ASSERT_EQ(0, add_accel(self->sys, 7, 0x05, "ivpu", 1));
	/* No "dev" attribute: the minor comes from the name. */
	ASSERT_EQ(0, add_accel(self->sys, 5, 0x06, "d1", 0));

	ASSERT_EQ(D1_SUCCESS, d1_enumerate(&list));
	ASSERT_EQ(3u, list.count);
	EXPECT_EQ(2u, list.nodes[0].minor);
	EXPECT_STREQ("accel2", list.nodes[0].name);
	EXPECT_STREQ("0000:00:04.0", list.nodes[0].pci_address);
	EXPECT_EQ(5u, list.nodes[1].minor);
	EXPECT_STREQ("0000:00:06.0", list.nodes[1].pci_address);
	EXPECT_EQ(10u, list.nodes[2].minor);
	EXPECT_STREQ("accel10", list.nodes[2].name);
	EXPECT_STREQ("0000:00:1a.0", list.nodes[2].pci_address);
	d1_node_list_free(&list);
	EXPECT_EQ(NULL, list.nodes);
	EXPECT_EQ(0u, list.count);
}

TEST_F(fake, open_index_out_of_range)
{
	d1_device *dev = NULL;

	ASSERT_EQ(0, add_accel(self->sys, 0, 4, "d1", 1));
	ASSERT_EQ(0, add_accel(self->sys, 1, 5, "d1", 1));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_device_open(2, &dev));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_device_open(~0u, &dev));
	EXPECT_EQ(NULL, dev);
}

TEST_F(fake, open_missing_node_is_no_device)
{
	d1_device *dev = NULL;

	ASSERT_EQ(0, add_accel(self->sys, 0, 4, "d1", 1));
	EXPECT_EQ(D1_ERROR_NO_DEVICE, d1_device_open(0, &dev));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(NULL, dev);
}

TEST_F(fake, open_reaches_the_right_node)
{
	d1_device *dev = NULL;

	/* index 1 is accel3 (minor order 1, 3); only its node "exists". */
	ASSERT_EQ(0, add_accel(self->sys, 3, 5, "d1", 1));
	ASSERT_EQ(0, add_accel(self->sys, 1, 4, "d1", 1));
	ASSERT_EQ(0, add_devnode_dir(self->dev, 3));
	EXPECT_EQ(D1_ERROR_NO_DEVICE, d1_device_open(0, &dev));
	EXPECT_EQ(D1_ERROR_OS, d1_device_open(1, &dev));
	EXPECT_EQ(EISDIR, errno);
	EXPECT_EQ(NULL, dev);
}

TEST_F(fake, open_non_drm_node_is_no_device)
{
	char p[PATH_MAX];
	d1_device *dev = NULL;

	/* A regular file answers DRM_IOCTL_VERSION with ENOTTY. */
	ASSERT_EQ(0, add_accel(self->sys, 0, 4, "d1", 1));
	ASSERT_EQ(0, mkdir_p(fpath(p, self->dev, "accel")));
	ASSERT_EQ(0, write_file(fpath(p, self->dev, "accel/accel0"), ""));
	EXPECT_EQ(D1_ERROR_NO_DEVICE, d1_device_open(0, &dev));
	EXPECT_EQ(NULL, dev);
}

TEST_F(fake, open_by_pci_matches_address)
{
	d1_device *dev = NULL;

	ASSERT_EQ(0, add_accel(self->sys, 0, 4, "d1", 1));
	ASSERT_EQ(0, add_accel(self->sys, 1, 0x1a, "d1", 1));
	ASSERT_EQ(0, add_devnode_dir(self->dev, 1));

	/* Found (then fails to open the directory "node"): D1_ERROR_OS. */
	EXPECT_EQ(D1_ERROR_OS, d1_device_open_by_pci("0000:00:1a.0", &dev));
	EXPECT_EQ(D1_ERROR_OS, d1_device_open_by_pci("00:1A.0", &dev));
	/* Found, node missing. */
	EXPECT_EQ(D1_ERROR_NO_DEVICE, d1_device_open_by_pci("00:04.0", &dev));
	/* Not a d1 device. */
	EXPECT_EQ(D1_ERROR_NO_DEVICE, d1_device_open_by_pci("00:05.0", &dev));
	EXPECT_EQ(D1_ERROR_NO_DEVICE,
		  d1_device_open_by_pci("0001:00:1a.0", &dev));
	EXPECT_EQ(NULL, dev);
}

/* Three d1 cards: accel0 at 00:04.0, accel1 at 00:05.0, accel2 at 00:1a.0. */
static void add_three(struct __test_metadata *_metadata, const char *sys)
{
	ASSERT_EQ(0, add_accel(sys, 2, 0x1a, "d1", 1));
	ASSERT_EQ(0, add_accel(sys, 0, 0x04, "d1", 1));
	ASSERT_EQ(0, add_accel(sys, 1, 0x05, "d1", 1));
}

TEST_F(fake, visible_devices_select_and_order)
{
	struct d1_node_list list;

	add_three(_metadata, self->sys);
	/* Indices of the full list and PCI addresses, in the order given. */
	ASSERT_EQ(0, setenv("D1_VISIBLE_DEVICES", "2,00:04.0", 1));
	ASSERT_EQ(D1_SUCCESS, d1_enumerate(&list));
	ASSERT_EQ(2u, list.count);
	EXPECT_STREQ("accel2", list.nodes[0].name);
	EXPECT_STREQ("accel0", list.nodes[1].name);
	d1_node_list_free(&list);

	ASSERT_EQ(0, setenv("D1_VISIBLE_DEVICES", "0000:00:05.0", 1));
	ASSERT_EQ(D1_SUCCESS, d1_enumerate(&list));
	ASSERT_EQ(1u, list.count);
	EXPECT_STREQ("accel1", list.nodes[0].name);
	EXPECT_STREQ("0000:00:05.0", list.nodes[0].pci_address);
	d1_node_list_free(&list);
}

TEST_F(fake, visible_devices_index_is_of_the_selection)
{
	d1_device *dev = NULL;
	unsigned int count = 0;

	add_three(_metadata, self->sys);
	ASSERT_EQ(0, add_devnode_dir(self->dev, 2));
	ASSERT_EQ(0, setenv("D1_VISIBLE_DEVICES", "2", 1));
	ASSERT_EQ(D1_SUCCESS, d1_device_count(&count));
	EXPECT_EQ(1u, count);
	/* Device 0 is accel2 (found, its node a directory: EISDIR). */
	EXPECT_EQ(D1_ERROR_OS, d1_device_open(0, &dev));
	EXPECT_EQ(EISDIR, errno);
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_device_open(1, &dev));
	/* Hidden cards cannot be opened by address either. */
	EXPECT_EQ(D1_ERROR_NO_DEVICE, d1_device_open_by_pci("00:04.0", &dev));
	EXPECT_EQ(NULL, dev);
}

TEST_F(fake, visible_devices_absent_cards_left_out)
{
	unsigned int count = 0;

	add_three(_metadata, self->sys);
	ASSERT_EQ(0, setenv("D1_VISIBLE_DEVICES", "7,1,00:1f.0", 1));
	ASSERT_EQ(D1_SUCCESS, d1_device_count(&count));
	EXPECT_EQ(1u, count);
	/* Only absent ones, or an empty list: no device. */
	ASSERT_EQ(0, setenv("D1_VISIBLE_DEVICES", "3,00:1f.0", 1));
	EXPECT_EQ(D1_ERROR_NO_DEVICE, d1_device_count(&count));
	EXPECT_EQ(0u, count);
	ASSERT_EQ(0, setenv("D1_VISIBLE_DEVICES", "", 1));
	EXPECT_EQ(D1_ERROR_NO_DEVICE, d1_device_count(&count));
}

TEST_F(fake, visible_devices_malformed_is_invalid)
{
	static const char *const bad[] = {
		"x", "0,", ",0", "0,,1", "-1", "+1", "0x1", " 0", "1,1",
		"00:04.0,0", "00:04", "99999999999999999999",
	};
	unsigned int count = 7, i;

	add_three(_metadata, self->sys);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ASSERT_EQ(0, setenv("D1_VISIBLE_DEVICES", bad[i], 1));
		EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_device_count(&count))
			TH_LOG("D1_VISIBLE_DEVICES=\"%s\"", bad[i]);
	}
}

TEST(open_by_pci_rejects_malformed)
{
	static const char *const bad[] = {
		"", "00:04", "0000:00:04", "00:04.0x", " 00:04.0",
		"00:04.8", "00:20.0", "100:00.0", "00:04.-1", "hello",
		"0000:00:04.0:1",
	};
	d1_device *dev = NULL;
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		EXPECT_EQ(D1_ERROR_INVALID_VALUE,
			  d1_device_open_by_pci(bad[i], &dev))
			TH_LOG("case %u", i);
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_device_open_by_pci(NULL, &dev));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE,
		  d1_device_open_by_pci("00:04.0", NULL));
	EXPECT_EQ(NULL, dev);
}

TEST(pci_address_normalize)
{
	char out[D1_PCI_ADDRESS_LEN];

	ASSERT_EQ(0, d1_pci_address_normalize("00:04.0", out, sizeof(out)));
	EXPECT_STREQ("0000:00:04.0", out);
	ASSERT_EQ(0, d1_pci_address_normalize("ABCD:Ef:1f.7", out,
					      sizeof(out)));
	EXPECT_STREQ("abcd:ef:1f.7", out);
	ASSERT_EQ(0, d1_pci_address_normalize("10000:00:00.0", out,
					      sizeof(out)));
	EXPECT_STREQ("10000:00:00.0", out);
	EXPECT_EQ(-1, d1_pci_address_normalize("0000:00:04.0", out, 8));
}

/* struct d1_device_info is ABI: its size and layout are fixed per SONAME. */
TEST(device_info_abi)
{
	EXPECT_EQ(256u, sizeof(struct d1_device_info));
	EXPECT_EQ(8u, offsetof(struct d1_device_info, devnode));
	EXPECT_EQ(184u, offsetof(struct d1_device_info, hbm_size));
	EXPECT_EQ(192u, offsetof(struct d1_device_info, uapi_major));
	EXPECT_EQ(196u, offsetof(struct d1_device_info, uapi_minor));
	EXPECT_EQ(200u, offsetof(struct d1_device_info, reserved));
}

/*
 * Drivers of this uAPI major or older open; a newer major may have
 * removed what libd1 uses and is refused.
 */
TEST(driver_version_check)
{
	EXPECT_EQ(D1_SUCCESS, d1_driver_version_check(1));
	EXPECT_EQ(D1_SUCCESS,
		  d1_driver_version_check(DRM_D1_UAPI_VERSION_MAJOR));
	EXPECT_EQ(D1_ERROR_NOT_SUPPORTED,
		  d1_driver_version_check(DRM_D1_UAPI_VERSION_MAJOR + 1));
	EXPECT_EQ(D1_ERROR_NOT_SUPPORTED, d1_driver_version_check(99));
}

TEST(null_arguments)
{
	struct d1_device_info info;
	uint32_t echo = 7;

	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_device_count(NULL));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_device_open(0, NULL));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_device_info(NULL, &info));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_device_info(NULL, NULL));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_device_ping(NULL, 1, &echo, 0));
	EXPECT_EQ(7u, echo);
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_device_close(NULL));
}

/* A handle on /dev/null, made the way open_node() makes one. */
static d1_device *null_handle(void)
{
	struct d1_device *dev = calloc(1, sizeof(*dev));

	if (!dev)
		return NULL;
	dev->fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	snprintf(dev->id.devnode, sizeof(dev->id.devnode), "/dev/null");
	if (dev->fd < 0) {
		free(dev);
		return NULL;
	}
	return dev;
}

TEST(handle_null_outputs)
{
	d1_device *dev = null_handle();

	ASSERT_NE(NULL, dev);
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_device_info(dev, NULL));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_device_ping(dev, 1, NULL, 0));
	EXPECT_EQ(D1_SUCCESS, d1_device_close(dev));
}

TEST(handle_on_non_d1_file)
{
	struct d1_device_info info;
	d1_device *dev = null_handle();
	uint32_t echo = 7;

	ASSERT_NE(NULL, dev);
	memset(&info, 0xa5, sizeof(info));
	EXPECT_EQ(D1_ERROR_NOT_SUPPORTED, d1_device_info(dev, &info));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(0xa5u, (unsigned char)info.devnode[0]);
	EXPECT_EQ(D1_ERROR_NOT_SUPPORTED, d1_device_ping(dev, 1, &echo, 0));
	EXPECT_EQ(7u, echo);
	EXPECT_EQ(D1_SUCCESS, d1_device_close(dev));
}

TEST(close_reports_bad_descriptor)
{
	d1_device *dev = null_handle();

	ASSERT_NE(NULL, dev);
	close(dev->fd);
	/* The handle is freed either way (ASan checks for leaks). */
	EXPECT_EQ(D1_ERROR_OS, d1_device_close(dev));
	EXPECT_EQ(EBADF, errno);
}

TEST_HARNESS_MAIN

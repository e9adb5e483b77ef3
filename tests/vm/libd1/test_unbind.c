// SPDX-License-Identifier: GPL-2.0
/*
 * libd1 when the device goes away under an open handle: unbinding the
 * PCI device from d1 (as hot-unplug does) makes calls on the handle fail
 * with D1_ERROR_DEVICE_LOST and the device disappear from the count;
 * binding it again brings it back; SDK objects (buffers, streams, events,
 * work in flight) report it too and can still be freed.  Needs root
 * (sysfs bind/unbind).
 */
#include <errno.h>
#include <fcntl.h>

#include "d1_test.h"
#include "sdk_test.h"
#include "kselftest_harness.h"

#define DRV_DIR "/sys/bus/pci/drivers/d1"

static int sysfs_write(const char *path, const char *text)
{
	ssize_t n;
	int fd;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

FIXTURE(unbind) {
	d1_device *dev;
	struct d1_device_info info;
	int unbound;
};

FIXTURE_SETUP(unbind)
{
	self->dev = NULL;
	self->unbound = 0;
	if (geteuid())
		SKIP(return, "needs root to unbind the driver");
	if (access(DRV_DIR "/unbind", W_OK))
		SKIP(return, "no %s/unbind", DRV_DIR);
	ASSERT_EQ(D1_SUCCESS, d1_device_open(0, &self->dev));
	ASSERT_EQ(D1_SUCCESS, d1_device_info(self->dev, &self->info));
	ASSERT_NE(0, self->info.pci_address[0]);
}

FIXTURE_TEARDOWN(unbind)
{
	unsigned int count = 0;

	if (self->dev)
		d1_device_close(self->dev);
	if (self->unbound) {
		EXPECT_EQ(0, sysfs_write(DRV_DIR "/bind",
					 self->info.pci_address))
			TH_LOG("rebinding %s: %s", self->info.pci_address,
			       strerror(errno));
		EXPECT_EQ(D1_SUCCESS, d1_device_count(&count));
		EXPECT_GE(count, 1u);
	}
}

TEST_F(unbind, open_handle_reports_device_lost)
{
	unsigned int before = 0, after = 0;
	struct d1_device_info info;
	d1_device *d = NULL;
	uint32_t echo = 0;

	ASSERT_EQ(D1_SUCCESS, d1_device_count(&before));
	ASSERT_EQ(D1_SUCCESS, d1_device_ping(self->dev, 7, &echo, 0));
	ASSERT_EQ(~7u, echo);

	ASSERT_EQ(0, sysfs_write(DRV_DIR "/unbind", self->info.pci_address))
		TH_LOG("unbind: %s", strerror(errno));
	self->unbound = 1;

	echo = 0;
	EXPECT_EQ(D1_ERROR_DEVICE_LOST, d1_device_ping(self->dev, 7, &echo, 0));
	EXPECT_EQ(ENODEV, errno);
	EXPECT_EQ(0u, echo);
	EXPECT_EQ(D1_ERROR_DEVICE_LOST, d1_device_info(self->dev, &info));
	EXPECT_EQ(D1_SUCCESS, d1_device_close(self->dev));
	self->dev = NULL;

	/* Gone from the enumeration, and not openable by address. */
	if (before == 1) {
		EXPECT_EQ(D1_ERROR_NO_DEVICE, d1_device_count(&after));
		EXPECT_EQ(0u, after);
		EXPECT_EQ(D1_ERROR_NO_DEVICE, d1_device_open(0, &d));
	} else {
		EXPECT_EQ(D1_SUCCESS, d1_device_count(&after));
		EXPECT_EQ(before - 1, after);
	}
	EXPECT_EQ(D1_ERROR_NO_DEVICE,
		  d1_device_open_by_pci(self->info.pci_address, &d));
	EXPECT_EQ(NULL, d);
}

TEST_F(unbind, sdk_objects_report_device_lost)
{
	struct d1_launch_config cfg = { 0 };
	struct d1_error_info e;
	d1_buffer *buf, *more = NULL;
	d1_stream *s, *s2 = NULL;
	d1_event *ev;
	d1_program *prog;
	d1_kernel *spin;
	char data[256] = { 1 };
	void *map;

	if (!sdk_supported(self->dev))
		SKIP(return, "the d1 driver has no memory management yet");
	prog = test_program("sdk_test.c");
	ASSERT_NE(NULL, prog);
	ASSERT_EQ(D1_SUCCESS, d1_kernel_create(prog, "spin", &spin));
	ASSERT_EQ(D1_SUCCESS, d1_kernel_set_arg_u32(spin, 0, 0));
	ASSERT_EQ(D1_SUCCESS, d1_buffer_create(self->dev, 4096, D1_MEM_HOST, 0, &buf));
	ASSERT_EQ(D1_SUCCESS, d1_buffer_map(buf, &map));
	ASSERT_EQ(D1_SUCCESS, d1_stream_create(self->dev, D1_STREAM_ANY_QUEUE, &s));
	ASSERT_EQ(D1_SUCCESS, d1_event_create(self->dev, &ev));
	/* A kernel that never ends is running when the device goes. */
	ASSERT_EQ(D1_SUCCESS, d1_launch(s, spin, &cfg));
	ASSERT_EQ(D1_SUCCESS, d1_event_record(ev, s));

	ASSERT_EQ(0, sysfs_write(DRV_DIR "/unbind", self->info.pci_address))
		TH_LOG("unbind: %s", strerror(errno));
	self->unbound = 1;

	EXPECT_EQ(D1_ERROR_DEVICE_LOST, d1_stream_synchronize(s, D1_TIMEOUT_INFINITE));
	ASSERT_EQ(D1_SUCCESS, d1_stream_last_error(s, &e));
	EXPECT_STREQ("spin", e.kernel) TH_LOG("%s", e.message);
	EXPECT_NE(NULL, strstr(e.message, "the device is gone"));
	EXPECT_EQ(D1_ERROR_DEVICE_LOST, d1_event_synchronize(ev, D1_TIMEOUT_INFINITE));
	EXPECT_EQ(D1_ERROR_DEVICE_LOST, d1_stream_query(s));
	EXPECT_EQ(D1_ERROR_DEVICE_LOST,
		  d1_buffer_create(self->dev, 4096, D1_MEM_HOST, 0, &more));
	EXPECT_EQ(NULL, more);
	EXPECT_EQ(D1_ERROR_DEVICE_LOST, d1_memcpy_htod(buf, 0, data, sizeof(data)));
	EXPECT_EQ(D1_ERROR_DEVICE_LOST, d1_launch(s, spin, &cfg));
	EXPECT_EQ(D1_ERROR_DEVICE_LOST, d1_event_record(ev, s));
	EXPECT_EQ(D1_ERROR_DEVICE_LOST,
		  d1_stream_create(self->dev, D1_STREAM_ANY_QUEUE, &s2));
	/* Host buffer pages stay readable through the mapping. */
	EXPECT_EQ(0, ((volatile char *)map)[0]);
	/* Everything can still be freed. */
	EXPECT_EQ(D1_SUCCESS, d1_event_destroy(ev));
	EXPECT_EQ(D1_ERROR_DEVICE_LOST, d1_stream_destroy(s));	/* freed anyway */
	EXPECT_EQ(D1_SUCCESS, d1_buffer_unmap(buf));
	EXPECT_EQ(D1_SUCCESS, d1_buffer_destroy(buf));
	EXPECT_EQ(D1_SUCCESS, d1_kernel_destroy(spin));
	EXPECT_EQ(D1_SUCCESS, d1_program_destroy(prog));
	EXPECT_EQ(D1_SUCCESS, d1_device_close(self->dev));
	self->dev = NULL;
}

TEST_F(unbind, rebound_device_works)
{
	d1_device *d = NULL;
	uint32_t echo = 0;

	ASSERT_EQ(D1_SUCCESS, d1_device_close(self->dev));
	self->dev = NULL;
	ASSERT_EQ(0, sysfs_write(DRV_DIR "/unbind", self->info.pci_address));
	self->unbound = 1;
	ASSERT_EQ(0, sysfs_write(DRV_DIR "/bind", self->info.pci_address))
		TH_LOG("bind: %s", strerror(errno));
	self->unbound = 0;

	ASSERT_EQ(D1_SUCCESS, d1_device_open_by_pci(self->info.pci_address, &d));
	EXPECT_EQ(D1_SUCCESS, d1_device_ping(d, 0x1234, &echo, 0));
	EXPECT_EQ(~0x1234u, echo);
	EXPECT_EQ(D1_SUCCESS, d1_device_close(d));
}

TEST_HARNESS_MAIN

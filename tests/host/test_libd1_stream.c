// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of libd1 buffers, streams, events, copies and launches
 * without a device: every call's invalid arguments, range checks done
 * before any ioctl, and D1_ERROR_NOT_SUPPORTED from a handle whose driver
 * has no memory management (/dev/null answers every ioctl with ENOTTY).
 * The real behaviour is tested in the VM (tests/vm/libd1/).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libd1_internal.h"
#include "kselftest_harness.h"

static d1_device *null_handle(void)
{
	struct d1_device *dev = calloc(1, sizeof(*dev));

	if (!dev)
		return NULL;
	pthread_mutex_init(&dev->lock, NULL);
	dev->fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (dev->fd < 0) {
		free(dev);
		return NULL;
	}
	return dev;
}

/* A buffer that was never allocated, for checks made before any ioctl. */
static struct d1_buffer fake_buffer(d1_device *dev, uint64_t size)
{
	struct d1_buffer b;

	memset(&b, 0, sizeof(b));
	b.dev = dev;
	b.bo.size = size;
	b.bo.va = 0x200000;
	return b;
}

TEST(old_driver_is_not_supported)
{
	d1_device *dev = null_handle();
	d1_buffer *buf = NULL;
	d1_stream *s = NULL;
	d1_event *e = NULL;

	ASSERT_NE(NULL, dev);
	EXPECT_EQ(D1_ERROR_NOT_SUPPORTED,
		  d1_buffer_create(dev, 4096, D1_MEM_HOST, 0, &buf));
	EXPECT_EQ(D1_ERROR_NOT_SUPPORTED, d1_stream_create(dev, -1, &s));
	EXPECT_EQ(D1_ERROR_NOT_SUPPORTED, d1_event_create(dev, &e));
	EXPECT_EQ(D1_ERROR_NOT_SUPPORTED, d1_buffer_import_fd(dev, 0, &buf));
	EXPECT_EQ(NULL, buf);
	EXPECT_EQ(NULL, s);
	EXPECT_EQ(NULL, e);
	EXPECT_EQ(D1_SUCCESS, d1_device_close(dev));
}

TEST(buffer_invalid_arguments)
{
	d1_device *dev = null_handle();
	struct d1_buffer fb;
	d1_buffer *buf = NULL;
	uint64_t v;
	unsigned int t;
	void *ptr;
	int fd;

	ASSERT_NE(NULL, dev);
	fb = fake_buffer(dev, 8192);
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_buffer_create(NULL, 1, 0, 0, &buf));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_buffer_create(dev, 0, 0, 0, &buf));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_buffer_create(dev, 1, 2, 0, &buf));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_buffer_create(dev, 1, 0, 2, &buf));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_buffer_create(dev, 1, 0, 0, NULL));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_buffer_size(NULL, &v));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_buffer_size(&fb, NULL));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_buffer_type(NULL, &t));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_buffer_device_address(NULL, &v));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_buffer_device_address(&fb, NULL));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_buffer_map(NULL, &ptr));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_buffer_map(&fb, NULL));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_buffer_unmap(NULL));
	EXPECT_EQ(D1_ERROR_INVALID_STATE, d1_buffer_unmap(&fb));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_buffer_export_fd(NULL, &fd));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_buffer_export_fd(&fb, NULL));
	fb.type = D1_MEM_HBM;
	EXPECT_EQ(D1_ERROR_NOT_SUPPORTED, d1_buffer_export_fd(&fb, &fd));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_buffer_import_fd(NULL, 0, &buf));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_buffer_import_fd(dev, -1, &buf));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_buffer_import_fd(dev, 0, NULL));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_buffer_destroy(NULL));
	ASSERT_EQ(D1_SUCCESS, d1_buffer_size(&fb, &v));
	EXPECT_EQ(8192u, v);
	ASSERT_EQ(D1_SUCCESS, d1_buffer_device_address(&fb, &v));
	EXPECT_EQ(0x200000u, v);
	EXPECT_EQ(D1_SUCCESS, d1_device_close(dev));
}

TEST(copy_ranges_checked_first)
{
	d1_device *dev = null_handle();
	struct d1_buffer a, b;
	char host[64];
	d1_stream *s = (d1_stream *)&a;	/* never dereferenced: args fail first */

	ASSERT_NE(NULL, dev);
	a = fake_buffer(dev, 4096);
	b = fake_buffer(dev, 8192);
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_memcpy_htod(NULL, 0, host, 1));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_memcpy_htod(&a, 0, NULL, 1));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_memcpy_htod(&a, 0, host, 0));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_memcpy_htod(&a, 4090, host, 7));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_memcpy_htod(&a, 4097, host, 1));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE,
		  d1_memcpy_htod(&a, UINT64_MAX, host, 2));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_memcpy_dtoh(NULL, &a, 0, 1));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_memcpy_dtoh(host, NULL, 0, 1));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_memcpy_dtoh(host, &a, 4096, 1));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_memcpy_dtod(&a, 0, &b, 0, 4097));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_memcpy_dtod(&b, 8000, &a, 0, 200));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_memcpy_dtod(NULL, 0, &a, 0, 1));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE,
		  d1_memcpy_htod_async(NULL, &a, 0, host, 1));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE,
		  d1_memcpy_dtoh_async(NULL, host, &a, 0, 1));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE,
		  d1_memcpy_dtod_async(NULL, &a, 0, &b, 0, 1));
	(void)s;
	/* Without a driver: the sync copies report it. */
	EXPECT_EQ(D1_ERROR_NOT_SUPPORTED, d1_memcpy_htod(&a, 0, host, 64));
	EXPECT_EQ(D1_ERROR_NOT_SUPPORTED, d1_memcpy_dtoh(host, &a, 0, 64));
	EXPECT_EQ(D1_SUCCESS, d1_device_close(dev));
}

TEST(stream_and_event_invalid_arguments)
{
	struct d1_error_info info;
	struct d1_launch_config cfg;
	unsigned int q;
	float ms;

	memset(&cfg, 0, sizeof(cfg));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_stream_create(NULL, 0, NULL));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_stream_queue(NULL, &q));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_stream_synchronize(NULL, 0));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_stream_query(NULL));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_stream_wait_event(NULL, NULL));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_stream_destroy(NULL));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE,
		  d1_stream_set_printf_handler(NULL, NULL, NULL));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_stream_last_error(NULL, &info));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_event_create(NULL, NULL));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_event_record(NULL, NULL));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_event_query(NULL));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_event_synchronize(NULL, 0));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_event_elapsed_ms(NULL, NULL, &ms));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_event_destroy(NULL));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_launch(NULL, NULL, &cfg));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE,
		  d1_kernel_set_arg_buffer(NULL, 0, NULL, 0));
}

TEST(stream_queue_out_of_range)
{
	d1_device *dev = null_handle();
	d1_stream *s = NULL;

	ASSERT_NE(NULL, dev);
	/* Checked before the driver is asked. */
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_stream_create(dev, -2, &s));
	EXPECT_EQ(NULL, s);
	EXPECT_EQ(D1_SUCCESS, d1_device_close(dev));
}

TEST_HARNESS_MAIN

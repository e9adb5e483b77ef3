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

/* A launch report parsed into per-node results (launch results, result.c). */
static void *make_report(uint32_t node_size, uint32_t nodes, size_t *size)
{
	struct drm_d1_launch_report h = {
		.magic = DRM_D1_REPORT_MAGIC, .status = DRM_D1_ERROR_NODE_FAULT,
		.nodes = nodes, .node_size = node_size, .instret = 1234,
		.cycles = 4000000, .grid_ns = 777,
	};
	uint8_t *rep;
	uint32_t i, j;

	*size = sizeof(h) + (size_t)node_size * nodes;
	rep = calloc(1, *size);
	if (!rep)
		return NULL;
	memcpy(rep, &h, sizeof(h));
	for (i = 0; i < nodes; i++) {
		struct drm_d1_launch_node n = {
			.exit_code = (uint32_t)-(int)i, .fault = i ? 4 : 0,
			.hart = i, .state = i ? DRM_D1_NODE_FAULTED :
					DRM_D1_NODE_EXITED,
			.fault_pc = 0x100 + i, .fault_addr = 0x200 + i,
		};
		struct drm_d1_launch_node_counters c;
		uint64_t *v = (uint64_t *)&c;

		for (j = 0; j < sizeof(c) / 8; j++)
			v[j] = 1000 * (i + 1) + j;
		memcpy(rep + sizeof(h) + i * node_size, &n, sizeof(n));
		if (node_size >= sizeof(n) + sizeof(c))
			memcpy(rep + sizeof(h) + i * node_size + sizeof(n), &c,
			       sizeof(c));
	}
	return rep;
}

TEST(launch_result_from_report)
{
	struct d1_pending p = {
		.kind = D1_PENDING_LAUNCH, .x0 = 4, .y0 = 2, .cols = 2,
		.rows = 1, .harts = 3, .kernel = "k",
	};
	const size_t rec = sizeof(struct drm_d1_launch_node) +
			   sizeof(struct drm_d1_launch_node_counters);
	struct d1_launch_info li;
	struct d1_node_result n;
	size_t size;
	void *rep;
	unsigned int i;

	/* 256-byte records: base record and counters, every field. */
	rep = make_report(rec, 2, &size);
	ASSERT_NE(NULL, rep);
	ASSERT_EQ(256u, rec);
	p.result = d1_launch_result_new(&p);
	ASSERT_NE(NULL, p.result);
	EXPECT_EQ(NULL, d1__launch_job_result(&p));
	EXPECT_EQ(D1_ERROR_NOT_READY, d1_launch_result_info(p.result, &li));
	d1_launch_result_end(p.result, rep, size, D1_ERROR_LAUNCH_FAILED);
	EXPECT_EQ(p.result, d1__launch_job_result(&p));
	ASSERT_EQ(D1_SUCCESS, d1_launch_result_info(p.result, &li));
	EXPECT_EQ(4u, li.x0);
	EXPECT_EQ(2u, li.y0);
	EXPECT_EQ(3u, li.harts);
	EXPECT_EQ(D1_ERROR_LAUNCH_FAILED, li.status);
	EXPECT_STREQ("k", li.kernel);
	EXPECT_EQ(1234u, li.instret);
	EXPECT_EQ(4000000u, li.cycles);
	EXPECT_EQ(2.0, li.sim_ms);
	EXPECT_EQ(777u, li.grid_ns);
	EXPECT_EQ(1u, li.counters);
	for (i = 0; i < 2; i++) {
		uint64_t b = 1000 * (i + 1);

		ASSERT_EQ(D1_SUCCESS, d1_launch_result_node(p.result, i, &n));
		EXPECT_EQ(4 + i, n.x);
		EXPECT_EQ(2u, n.y);
		EXPECT_EQ(i ? (unsigned int)D1_NODE_FAULTED :
			  (unsigned int)D1_NODE_EXITED, n.status);
		EXPECT_EQ(-(int)i, n.exit_code);
		EXPECT_EQ(i ? 4u : 0u, n.fault);
		EXPECT_EQ(i, n.hart);
		EXPECT_EQ(0x100u + i, n.fault_pc);
		EXPECT_EQ(0x200u + i, n.fault_addr);
		EXPECT_EQ(b, n.cycles);
		EXPECT_EQ(b + 1, n.instret[0]);
		EXPECT_EQ(b + 4, n.instret[3]);
		EXPECT_EQ(b + 5, n.stall_dma);
		EXPECT_EQ(b + 6, n.stall_sem);
		EXPECT_EQ(b + 7, n.stall_barrier);
		EXPECT_EQ(b + 8, n.vec_ops);
		EXPECT_EQ(b + 9, n.mat_ops);
		EXPECT_EQ(b + 10, n.flops);
		EXPECT_EQ(b + 11, n.dma_hbm_read);
		EXPECT_EQ(b + 12, n.dma_hbm_write);
		EXPECT_EQ(b + 13, n.dma_node_out);
		EXPECT_EQ(b + 14, n.dma_node_in);
		EXPECT_EQ(b + 15, n.link_bytes[0]);
		EXPECT_EQ(b + 18, n.link_bytes[3]);
		EXPECT_EQ(0u, n.reserved[0]);
	}
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_launch_result_node(p.result, 2, &n));
	d1_launch_result_put(p.result);
	free(rep);

	/* 32-byte records of an older driver: no counters. */
	rep = make_report(sizeof(struct drm_d1_launch_node), 2, &size);
	ASSERT_NE(NULL, rep);
	p.result = d1_launch_result_new(&p);
	ASSERT_NE(NULL, p.result);
	d1_launch_result_end(p.result, rep, size, D1_SUCCESS);
	ASSERT_EQ(D1_SUCCESS, d1_launch_result_info(p.result, &li));
	EXPECT_EQ(0u, li.counters);
	EXPECT_EQ(1234u, li.instret);
	ASSERT_EQ(D1_SUCCESS, d1_launch_result_node(p.result, 1, &n));
	EXPECT_EQ((unsigned int)D1_NODE_FAULTED, n.status);
	EXPECT_EQ(0x201u, n.fault_addr);
	EXPECT_EQ(0u, n.cycles);
	EXPECT_EQ(0u, n.instret[0]);

	/* A report cut short: only the records it holds. */
	d1_launch_result_put(p.result);
	p.result = d1_launch_result_new(&p);
	ASSERT_NE(NULL, p.result);
	d1_launch_result_end(p.result, rep, size - 1, D1_SUCCESS);
	ASSERT_EQ(D1_SUCCESS, d1_launch_result_node(p.result, 0, &n));
	EXPECT_EQ((unsigned int)D1_NODE_EXITED, n.status);
	ASSERT_EQ(D1_SUCCESS, d1_launch_result_node(p.result, 1, &n));
	EXPECT_EQ((unsigned int)D1_NODE_UNKNOWN, n.status);
	d1_launch_result_put(p.result);

	/* No report (the launch never ended on its own). */
	((struct drm_d1_launch_report *)rep)->magic = 0;
	p.result = d1_launch_result_new(&p);
	ASSERT_NE(NULL, p.result);
	d1_launch_result_end(p.result, rep, size, D1_ERROR_TIMEOUT);
	ASSERT_EQ(D1_SUCCESS, d1_launch_result_info(p.result, &li));
	EXPECT_EQ(D1_ERROR_TIMEOUT, li.status);
	EXPECT_EQ(0u, li.instret);
	ASSERT_EQ(D1_SUCCESS, d1_launch_result_node(p.result, 1, &n));
	EXPECT_EQ((unsigned int)D1_NODE_UNKNOWN, n.status);
	EXPECT_EQ(5u, n.x);
	EXPECT_STREQ("unknown", d1_node_state_name(n.status));
	EXPECT_STREQ("unknown", d1_node_state_name(99));
	/* The caller's reference outlives the job's. */
	d1_launch_result_get(p.result);
	d1_launch_result_put(p.result);
	EXPECT_EQ(D1_SUCCESS, d1_launch_result_destroy(p.result));
	free(rep);
}

TEST_HARNESS_MAIN

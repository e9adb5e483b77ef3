// SPDX-License-Identifier: GPL-2.0
/*
 * libd1 buffers and copies against the real device (in the VM): host and
 * HBM buffers, map/unmap, sizes, synchronous and asynchronous copies in
 * every direction, dma-buf sharing with another process, and errors.
 */
#include <errno.h>
#include <stdint.h>
#include <sys/wait.h>
#include <unistd.h>

#include "d1_test.h"
#include "sdk_test.h"
#include "kselftest_harness.h"

FIXTURE(mem) {
	d1_device *dev;
};

FIXTURE_SETUP(mem)
{
	self->dev = NULL;
	SDK_SETUP(self->dev);
}

FIXTURE_TEARDOWN(mem)
{
	if (self->dev)
		EXPECT_EQ(D1_SUCCESS, d1_device_close(self->dev));
}

static void pattern(uint32_t *p, size_t n, uint32_t seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = seed * 2654435761u + (uint32_t)i * 40503u;
}

TEST_F(mem, create_sizes_and_addresses)
{
	d1_buffer *a, *b;
	uint64_t size, va_a, va_b;
	unsigned int type;

	ASSERT_EQ(D1_SUCCESS, d1_buffer_create(self->dev, 1, D1_MEM_HOST, 0, &a));
	ASSERT_EQ(D1_SUCCESS, d1_buffer_size(a, &size));
	EXPECT_EQ(4096u, size);
	ASSERT_EQ(D1_SUCCESS, d1_buffer_type(a, &type));
	EXPECT_EQ(D1_MEM_HOST, type);
	ASSERT_EQ(D1_SUCCESS, d1_buffer_create(self->dev, 3 << 20, D1_MEM_HBM, 0, &b));
	ASSERT_EQ(D1_SUCCESS, d1_buffer_size(b, &size));
	EXPECT_EQ(3u << 20, size);
	ASSERT_EQ(D1_SUCCESS, d1_buffer_device_address(a, &va_a));
	ASSERT_EQ(D1_SUCCESS, d1_buffer_device_address(b, &va_b));
	EXPECT_NE(0u, va_a);
	EXPECT_NE(0u, va_b);
	EXPECT_EQ(0u, va_a % 4096);
	EXPECT_TRUE(va_a + 4096 <= va_b || va_b + (3u << 20) <= va_a);
	EXPECT_EQ(D1_SUCCESS, d1_buffer_destroy(a));
	EXPECT_EQ(D1_SUCCESS, d1_buffer_destroy(b));
}

TEST_F(mem, too_big_is_refused)
{
	struct d1_device_info info;
	d1_buffer *b = NULL;

	ASSERT_EQ(D1_SUCCESS, d1_device_info(self->dev, &info));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE,
		  d1_buffer_create(self->dev, info.hbm_size + 4096, D1_MEM_HBM, 0, &b));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE,
		  d1_buffer_create(self->dev, UINT64_MAX, D1_MEM_HOST, 0, &b));
	EXPECT_EQ(NULL, b);
}

TEST_F(mem, hbm_exhaustion_is_out_of_memory)
{
	struct d1_device_info info;
	d1_buffer *big, *more = NULL;

	ASSERT_EQ(D1_SUCCESS, d1_device_info(self->dev, &info));
	ASSERT_EQ(D1_SUCCESS, d1_buffer_create(self->dev, info.hbm_size / 2 + 4096,
					       D1_MEM_HBM, 0, &big));
	EXPECT_EQ(D1_ERROR_OUT_OF_MEMORY,
		  d1_buffer_create(self->dev, info.hbm_size / 2 + 4096,
				   D1_MEM_HBM, 0, &more));
	EXPECT_EQ(NULL, more);
	EXPECT_EQ(D1_SUCCESS, d1_buffer_destroy(big));
	/* Freed: fits again. */
	ASSERT_EQ(D1_SUCCESS, d1_buffer_create(self->dev, info.hbm_size / 2 + 4096,
					       D1_MEM_HBM, 0, &big));
	EXPECT_EQ(D1_SUCCESS, d1_buffer_destroy(big));
}

TEST_F(mem, map_host_and_hbm)
{
	d1_buffer *h, *m;
	uint32_t *p, *q, *p2;
	uint32_t back[256];

	ASSERT_EQ(D1_SUCCESS, d1_buffer_create(self->dev, 4096, D1_MEM_HOST, 0, &h));
	ASSERT_EQ(D1_SUCCESS, d1_buffer_create(self->dev, 4096, D1_MEM_HBM, 0, &m));
	ASSERT_EQ(D1_SUCCESS, d1_buffer_map(h, (void **)&p));
	ASSERT_EQ(D1_SUCCESS, d1_buffer_map(h, (void **)&p2));
	EXPECT_EQ(p, p2);
	EXPECT_EQ(0u, p[0]);	/* new buffers read as zero */
	pattern(p, 256, 1);
	ASSERT_EQ(D1_SUCCESS, d1_buffer_map(m, (void **)&q));
	pattern(q, 256, 2);	/* CPU writes through BAR2 */
	/* The device sees both. */
	ASSERT_EQ(D1_SUCCESS, d1_memcpy_dtoh(back, h, 0, sizeof(back)));
	EXPECT_EQ(0, memcmp(back, p, sizeof(back)));
	ASSERT_EQ(D1_SUCCESS, d1_memcpy_dtoh(back, m, 0, sizeof(back)));
	pattern(p, 256, 2);
	EXPECT_EQ(0, memcmp(back, p, sizeof(back)));
	EXPECT_EQ(D1_SUCCESS, d1_buffer_unmap(h));
	EXPECT_EQ(D1_SUCCESS, d1_buffer_unmap(h));
	EXPECT_EQ(D1_ERROR_INVALID_STATE, d1_buffer_unmap(h));
	EXPECT_EQ(D1_SUCCESS, d1_buffer_unmap(m));
	EXPECT_EQ(D1_SUCCESS, d1_buffer_destroy(h));
	EXPECT_EQ(D1_SUCCESS, d1_buffer_destroy(m));
}

TEST_F(mem, sync_copies_every_direction)
{
	enum { N = 300000 };	/* not a multiple of the page size */
	uint32_t *src = malloc(N * 4), *dst = malloc(N * 4);
	d1_buffer *hbm, *hbm2, *host;

	ASSERT_NE(NULL, src);
	ASSERT_NE(NULL, dst);
	pattern(src, N, 3);
	ASSERT_EQ(D1_SUCCESS, d1_buffer_create(self->dev, N * 4, D1_MEM_HBM, 0, &hbm));
	ASSERT_EQ(D1_SUCCESS, d1_buffer_create(self->dev, N * 4 + 100, D1_MEM_HBM, 0, &hbm2));
	ASSERT_EQ(D1_SUCCESS, d1_buffer_create(self->dev, N * 4, D1_MEM_HOST, 0, &host));
	ASSERT_EQ(D1_SUCCESS, d1_memcpy_htod(hbm, 0, src, N * 4));
	ASSERT_EQ(D1_SUCCESS, d1_memcpy_dtod(hbm2, 3, hbm, 0, N * 4));
	ASSERT_EQ(D1_SUCCESS, d1_memcpy_dtod(host, 0, hbm2, 3, N * 4));
	memset(dst, 0, N * 4);
	ASSERT_EQ(D1_SUCCESS, d1_memcpy_dtoh(dst, host, 0, N * 4));
	EXPECT_EQ(0, memcmp(src, dst, N * 4));
	/* Partial, unaligned. */
	memset(dst, 0, 64);
	ASSERT_EQ(D1_SUCCESS, d1_memcpy_dtoh(dst, hbm, 5, 13));
	EXPECT_EQ(0, memcmp((char *)src + 5, dst, 13));
	/* Out of range (of the page-rounded size). */
	{
		uint64_t size;

		ASSERT_EQ(D1_SUCCESS, d1_buffer_size(hbm, &size));
		EXPECT_EQ(0u, size % 4096);
		EXPECT_EQ(D1_ERROR_INVALID_VALUE,
			  d1_memcpy_dtoh(dst, hbm, size - 4, 8));
		EXPECT_EQ(D1_SUCCESS, d1_memcpy_dtoh(dst, hbm, size - 8, 8));
	}
	d1_buffer_destroy(hbm);
	d1_buffer_destroy(hbm2);
	d1_buffer_destroy(host);
	free(src);
	free(dst);
}

TEST_F(mem, async_copies_in_stream_order)
{
	enum { N = 65536 };
	uint32_t *a = malloc(N * 4), *b = malloc(N * 4), *out = malloc(N * 4);
	d1_buffer *x;
	d1_stream *s;
	d1_status st;

	ASSERT_NE(NULL, out);
	pattern(a, N, 4);
	pattern(b, N, 5);
	ASSERT_EQ(D1_SUCCESS, d1_stream_create(self->dev, D1_STREAM_ANY_QUEUE, &s));
	ASSERT_EQ(D1_SUCCESS, d1_buffer_create(self->dev, N * 4, D1_MEM_HBM, 0, &x));
	ASSERT_EQ(D1_SUCCESS, d1_memcpy_htod_async(s, x, 0, a, N * 4));
	/* The source may be reused at once. */
	memset(a, 0xee, N * 4);
	ASSERT_EQ(D1_SUCCESS, d1_memcpy_dtoh_async(s, out, x, 0, N * 4));
	ASSERT_EQ(D1_SUCCESS, d1_memcpy_htod_async(s, x, 0, b, N * 4));
	st = d1_stream_query(s);
	EXPECT_TRUE(st == D1_SUCCESS || st == D1_ERROR_NOT_READY);
	ASSERT_EQ(D1_SUCCESS, d1_stream_synchronize(s, D1_TIMEOUT_INFINITE));
	EXPECT_EQ(D1_SUCCESS, d1_stream_query(s));
	pattern(a, N, 4);
	EXPECT_EQ(0, memcmp(a, out, N * 4));
	ASSERT_EQ(D1_SUCCESS, d1_memcpy_dtoh(out, x, 0, N * 4));
	EXPECT_EQ(0, memcmp(b, out, N * 4));
	EXPECT_EQ(D1_SUCCESS, d1_stream_destroy(s));
	d1_buffer_destroy(x);
	free(a);
	free(b);
	free(out);
}

TEST_F(mem, dma_buf_shared_with_another_process)
{
	d1_buffer *buf;
	uint32_t *p;
	int fd, status;
	pid_t pid;

	ASSERT_EQ(D1_SUCCESS, d1_buffer_create(self->dev, 8192, D1_MEM_HOST, 0, &buf));
	ASSERT_EQ(D1_SUCCESS, d1_buffer_map(buf, (void **)&p));
	pattern(p, 2048, 6);
	ASSERT_EQ(D1_SUCCESS, d1_buffer_export_fd(buf, &fd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		/* Another process, its own handle and address space. */
		uint32_t want[2048], got[2048];
		d1_device *dev;
		d1_buffer *imp;
		uint64_t size;

		if (d1_device_open(0, &dev) ||
		    d1_buffer_import_fd(dev, fd, &imp) ||
		    d1_buffer_size(imp, &size) || size != 8192 ||
		    d1_memcpy_dtoh(got, imp, 0, sizeof(got)))
			_exit(1);
		pattern(want, 2048, 6);
		if (memcmp(want, got, sizeof(got)))
			_exit(2);
		/* Write back through the device. */
		pattern(want, 2048, 7);
		if (d1_memcpy_htod(imp, 0, want, sizeof(want)))
			_exit(3);
		d1_buffer_destroy(imp);
		d1_device_close(dev);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	{
		uint32_t want[2048];

		pattern(want, 2048, 7);
		EXPECT_EQ(0, memcmp(want, p, sizeof(want)));
	}
	close(fd);
	d1_buffer_unmap(buf);
	d1_buffer_destroy(buf);
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_buffer_import_fd(self->dev, 12345, &buf));
}

TEST_F(mem, hbm_cannot_be_exported)
{
	d1_buffer *buf;
	int fd = -1;

	ASSERT_EQ(D1_SUCCESS, d1_buffer_create(self->dev, 4096, D1_MEM_HBM, 0, &buf));
	EXPECT_EQ(D1_ERROR_NOT_SUPPORTED, d1_buffer_export_fd(buf, &fd));
	EXPECT_EQ(-1, fd);
	d1_buffer_destroy(buf);
}

TEST_F(mem, read_only_buffer_faults_on_device_write)
{
	struct d1_error_info e;
	d1_buffer *ro, *src;
	uint64_t va;
	d1_stream *s;
	char x[64] = { 1 };

	ASSERT_EQ(D1_SUCCESS, d1_buffer_create(self->dev, 4096, D1_MEM_HOST,
					       D1_BUFFER_READ_ONLY, &ro));
	ASSERT_EQ(D1_SUCCESS, d1_buffer_create(self->dev, 4096, D1_MEM_HBM, 0, &src));
	ASSERT_EQ(D1_SUCCESS, d1_stream_create(self->dev, 0, &s));
	/* The driver refuses a copy into a read-only mapping up front. */
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_memcpy_dtod_async(s, ro, 0, src, 0, 64));
	/* Reading it is fine; the stream is still usable. */
	ASSERT_EQ(D1_SUCCESS, d1_memcpy_dtod_async(s, src, 0, ro, 0, 64));
	ASSERT_EQ(D1_SUCCESS, d1_memcpy_htod_async(s, src, 0, x, 64));
	EXPECT_EQ(D1_SUCCESS, d1_stream_synchronize(s, D1_TIMEOUT_INFINITE));
	ASSERT_EQ(D1_SUCCESS, d1_stream_last_error(s, &e));
	EXPECT_EQ(D1_ERRKIND_NONE, e.kind);
	ASSERT_EQ(D1_SUCCESS, d1_buffer_device_address(ro, &va));
	d1_stream_destroy(s);
	d1_buffer_destroy(ro);
	d1_buffer_destroy(src);
}

TEST_F(mem, objects_of_another_handle_are_refused)
{
	d1_device *other;
	d1_buffer *mine, *theirs;
	d1_stream *s;
	d1_event *e;
	char x[16] = { 0 };

	ASSERT_EQ(D1_SUCCESS, d1_device_open(0, &other));
	ASSERT_EQ(D1_SUCCESS, d1_buffer_create(self->dev, 4096, D1_MEM_HBM, 0, &mine));
	ASSERT_EQ(D1_SUCCESS, d1_buffer_create(other, 4096, D1_MEM_HBM, 0, &theirs));
	ASSERT_EQ(D1_SUCCESS, d1_stream_create(self->dev, 0, &s));
	ASSERT_EQ(D1_SUCCESS, d1_event_create(other, &e));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_memcpy_htod_async(s, theirs, 0, x, 16));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_memcpy_dtoh_async(s, x, theirs, 0, 16));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE,
		  d1_memcpy_dtod_async(s, mine, 0, theirs, 0, 16));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_memcpy_dtod(mine, 0, theirs, 0, 16));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_event_record(e, s));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_stream_wait_event(s, e));
	/* Each handle's own objects still work. */
	EXPECT_EQ(D1_SUCCESS, d1_memcpy_htod_async(s, mine, 0, x, 16));
	EXPECT_EQ(D1_SUCCESS, d1_stream_synchronize(s, D1_TIMEOUT_INFINITE));
	EXPECT_EQ(D1_SUCCESS, d1_memcpy_htod(theirs, 0, x, 16));
	d1_event_destroy(e);
	d1_stream_destroy(s);
	d1_buffer_destroy(mine);
	d1_buffer_destroy(theirs);
	d1_device_close(other);
}

TEST_HARNESS_MAIN

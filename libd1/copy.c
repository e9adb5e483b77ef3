// SPDX-License-Identifier: MIT
/*
 * Copies between host memory and buffers, and between buffers: COPY jobs
 * (LINK_COPY into another card's buffer) of at most 1 GiB a command.
 * Host memory goes through a staging BO from the stream's pool; the
 * synchronous copies run on the handle's internal stream.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "libd1_internal.h"

#define COPY_CHUNK	(1ull << 30)	/* the most one COPY command moves */

static int range_bad(const d1_buffer *b, uint64_t off, uint64_t size)
{
	return off > b->bo.size || size > b->bo.size - off;
}

/* One job of @op commands copying @size bytes from VA @src to VA @dst. */
static d1_status copy_job(d1_stream *s, uint32_t op, uint64_t dst,
			  uint64_t src, uint64_t size, struct d1_pending *p)
{
	unsigned int n = (unsigned int)((size + COPY_CHUNK - 1) / COPY_CHUNK);
	struct drm_d1_cmd *cmds;
	unsigned int i;
	d1_status st;

	if (!n || n > s->dev->sinfo.max_cmds)
		return D1_ERROR_INVALID_VALUE;
	cmds = calloc(n, sizeof(*cmds));
	if (!cmds)
		return D1_ERROR_OUT_OF_MEMORY;
	for (i = 0; i < n; i++) {
		uint64_t off = (uint64_t)i * COPY_CHUNK;

		cmds[i].op = op;
		cmds[i].copy.src = src + off;
		cmds[i].copy.dst = dst + off;
		cmds[i].copy.size = size - off < COPY_CHUNK ? size - off :
				    COPY_CHUNK;
	}
	st = d1_submit(s, cmds, n, p, 0);
	free(cmds);
	return st;
}

/* A pending record owning one staging BO of @size from the stream's pool. */
static d1_status new_staged(d1_stream *stream, enum d1_pending_kind kind,
			    size_t size, struct d1_pending **pp)
{
	struct d1_pending *p = d1_pending_new(kind);
	d1_status st;

	if (!p)
		return D1_ERROR_OUT_OF_MEMORY;
	st = d1_stream_bo(stream, size, &p->bo[0]);
	if (st) {
		free(p);
		return st;
	}
	p->nbo = 1;
	*pp = p;
	return D1_SUCCESS;
}

/* A job copying between device VAs, no host work after it. */
static d1_status copy_va(d1_stream *s, uint32_t op, uint64_t dst,
			 uint64_t src, uint64_t size)
{
	struct d1_pending *p = d1_pending_new(D1_PENDING_FREE);
	d1_status st;

	if (!p)
		return D1_ERROR_OUT_OF_MEMORY;
	st = copy_job(s, op, dst, src, size, p);
	if (st)
		d1_pending_free(s, p);
	return st;
}

D1_API d1_status d1_memcpy_htod_async(d1_stream *stream, d1_buffer *dst,
				      uint64_t dst_offset, const void *src,
				      size_t size)
{
	struct d1_pending *p;
	d1_status st;

	if (!stream || !dst || !src || !size || dst->dev != stream->dev ||
	    range_bad(dst, dst_offset, size))
		return D1_ERROR_INVALID_VALUE;
	st = new_staged(stream, D1_PENDING_FREE, size, &p);
	if (st)
		return st;
	memcpy(p->bo[0].map, src, size);
	st = copy_job(stream, DRM_D1_CMD_COPY, dst->bo.va + dst_offset,
		      p->bo[0].va, size, p);
	if (st)
		d1_pending_free(stream, p);
	return st;
}

D1_API d1_status d1_memcpy_dtoh_async(d1_stream *stream, void *dst,
				      d1_buffer *src, uint64_t src_offset,
				      size_t size)
{
	struct d1_pending *p;
	d1_status st;

	if (!stream || !dst || !src || !size || src->dev != stream->dev ||
	    range_bad(src, src_offset, size))
		return D1_ERROR_INVALID_VALUE;
	st = new_staged(stream, D1_PENDING_DTOH, size, &p);
	if (st)
		return st;
	p->dst = dst;
	p->size = size;
	st = copy_job(stream, DRM_D1_CMD_COPY, p->bo[0].va,
		      src->bo.va + src_offset, size, p);
	if (st)
		d1_pending_free(stream, p);
	return st;
}

D1_API d1_status d1_memcpy_dtod_async(d1_stream *stream, d1_buffer *dst,
				      uint64_t dst_offset, d1_buffer *src,
				      uint64_t src_offset, size_t size)
{
	if (!stream || !dst || !src || !size || dst->dev != stream->dev ||
	    src->dev != stream->dev || range_bad(dst, dst_offset, size) ||
	    range_bad(src, src_offset, size))
		return D1_ERROR_INVALID_VALUE;
	return copy_va(stream, DRM_D1_CMD_COPY, dst->bo.va + dst_offset,
		       src->bo.va + src_offset, size);
}

D1_API d1_status d1_memcpy_peer_async(d1_stream *stream, d1_buffer *dst,
				      uint64_t dst_offset, d1_buffer *src,
				      uint64_t src_offset, size_t size)
{
	uint64_t va;
	uint32_t op;
	d1_status st;

	if (!stream || !dst || !src || !size || src->dev != stream->dev ||
	    dst->dev == stream->dev || dst->type != D1_MEM_HBM ||
	    range_bad(dst, dst_offset, size) ||
	    range_bad(src, src_offset, size))
		return D1_ERROR_INVALID_VALUE;
	st = d1_peer_map_get(stream->dev, dst, &va, &op);
	if (st)
		return st;
	return copy_va(stream, op, va + dst_offset, src->bo.va + src_offset,
		       size);
}

/* The handle's internal stream, locked; NULL on error (in *st). */
static d1_stream *internal_stream(d1_device *dev, d1_status *st)
{
	*st = d1_dev_limits(dev);
	if (*st)
		return NULL;
	pthread_mutex_lock(&dev->internal_lock);
	if (!dev->internal) {
		*st = d1_stream_create(dev, 0, &dev->internal);
		if (*st) {
			pthread_mutex_unlock(&dev->internal_lock);
			return NULL;
		}
	}
	return dev->internal;
}

static d1_status sync_internal(d1_device *dev, d1_status st)
{
	if (st == D1_SUCCESS)
		st = d1_stream_synchronize(dev->internal, D1_TIMEOUT_INFINITE);
	pthread_mutex_unlock(&dev->internal_lock);
	return st;
}

D1_API d1_status d1_memcpy_htod(d1_buffer *dst, uint64_t dst_offset,
				const void *src, size_t size)
{
	d1_stream *s;
	d1_status st;

	if (!dst || !src || !size || range_bad(dst, dst_offset, size))
		return D1_ERROR_INVALID_VALUE;
	s = internal_stream(dst->dev, &st);
	if (!s)
		return st;
	return sync_internal(dst->dev,
			     d1_memcpy_htod_async(s, dst, dst_offset, src, size));
}

D1_API d1_status d1_memcpy_dtoh(void *dst, d1_buffer *src,
				uint64_t src_offset, size_t size)
{
	d1_stream *s;
	d1_status st;

	if (!dst || !src || !size || range_bad(src, src_offset, size))
		return D1_ERROR_INVALID_VALUE;
	s = internal_stream(src->dev, &st);
	if (!s)
		return st;
	return sync_internal(src->dev,
			     d1_memcpy_dtoh_async(s, dst, src, src_offset, size));
}

D1_API d1_status d1_memcpy_dtod(d1_buffer *dst, uint64_t dst_offset,
				d1_buffer *src, uint64_t src_offset,
				size_t size)
{
	d1_stream *s;
	d1_status st;

	if (!dst || !src || !size || dst->dev != src->dev ||
	    range_bad(dst, dst_offset, size) || range_bad(src, src_offset, size))
		return D1_ERROR_INVALID_VALUE;
	s = internal_stream(dst->dev, &st);
	if (!s)
		return st;
	return sync_internal(dst->dev,
			     d1_memcpy_dtod_async(s, dst, dst_offset, src,
						  src_offset, size));
}

D1_API d1_status d1_memcpy_peer(d1_buffer *dst, uint64_t dst_offset,
				d1_buffer *src, uint64_t src_offset,
				size_t size)
{
	d1_stream *s;
	d1_status st;

	if (!dst || !src || !size || dst->dev == src->dev ||
	    dst->type != D1_MEM_HBM || range_bad(dst, dst_offset, size) ||
	    range_bad(src, src_offset, size))
		return D1_ERROR_INVALID_VALUE;
	s = internal_stream(src->dev, &st);
	if (!s)
		return st;
	return sync_internal(src->dev,
			     d1_memcpy_peer_async(s, dst, dst_offset, src,
						  src_offset, size));
}

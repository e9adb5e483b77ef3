// SPDX-License-Identifier: MIT
/*
 * Device memory: BOs (host or HBM) mapped into the handle's device
 * address space, CPU mappings, dma-buf export and import.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xf86drm.h>

#include "libd1_internal.h"

/* The driver's limits and the grid, once per handle. */
d1_status d1_dev_limits(d1_device *dev)
{
	d1_status st = D1_SUCCESS;

	pthread_mutex_lock(&dev->lock);
	if (dev->have_limits)
		goto out;
	if (d1_query(dev, DRM_D1_QUERY_SUBMIT_INFO, &dev->sinfo,
		     sizeof(dev->sinfo))) {
		/* A driver without memory management refuses the query. */
		st = errno == EINVAL ? D1_ERROR_NOT_SUPPORTED :
		     d1_fail_errno(errno);
		goto out;
	}
	if (d1_query(dev, DRM_D1_QUERY_DEVICE_INFO, &dev->dinfo,
		     sizeof(dev->dinfo))) {
		st = d1_fail_errno(errno);
		goto out;
	}
	if (!dev->sinfo.page_size || !dev->sinfo.submit_queues) {
		st = D1_ERROR_NOT_SUPPORTED;
		goto out;
	}
	dev->have_limits = 1;
out:
	pthread_mutex_unlock(&dev->lock);
	return st;
}

static void gem_close(d1_device *dev, uint32_t handle)
{
	struct drm_gem_close c = { .handle = handle };

	drmIoctl(dev->fd, DRM_IOCTL_GEM_CLOSE, &c);
}

d1_status d1_bo_map(d1_device *dev, struct d1_bo *bo)
{
	struct drm_d1_bo_info info;
	void *p;

	if (bo->map)
		return D1_SUCCESS;
	memset(&info, 0, sizeof(info));
	info.handle = bo->handle;
	if (drmIoctl(dev->fd, DRM_IOCTL_D1_BO_INFO, &info))
		return d1_fail_errno(errno);
	p = mmap(NULL, bo->size, PROT_READ | PROT_WRITE, MAP_SHARED, dev->fd,
		 (off_t)info.mmap_offset);
	if (p == MAP_FAILED)
		return d1_fail_errno(errno);
	bo->map = p;
	return D1_SUCCESS;
}

/* Binds @bo (handle and size set) into the address space. */
static d1_status bo_bind(d1_device *dev, struct d1_bo *bo, uint32_t vm_flags)
{
	struct drm_d1_vm_bind b;

	memset(&b, 0, sizeof(b));
	b.handle = bo->handle;
	b.flags = vm_flags;
	if (drmIoctl(dev->fd, DRM_IOCTL_D1_VM_BIND, &b))
		return d1_fail_errno(errno);
	bo->va = b.va;
	return D1_SUCCESS;
}

d1_status d1_bo_new(d1_device *dev, uint64_t size, uint32_t placement,
		    uint32_t vm_flags, int map, struct d1_bo *bo)
{
	struct drm_d1_bo_create c;
	d1_status st;
	int err;

	memset(bo, 0, sizeof(*bo));
	memset(&c, 0, sizeof(c));
	c.size = size;
	c.placement = placement;
	if (drmIoctl(dev->fd, DRM_IOCTL_D1_BO_CREATE, &c))
		return d1_fail_errno(errno);
	bo->handle = c.handle;
	bo->size = c.size;
	bo->placement = placement;
	st = bo_bind(dev, bo, vm_flags);
	if (st == D1_SUCCESS && map)
		st = d1_bo_map(dev, bo);
	if (st) {
		err = errno;
		d1_bo_free(dev, bo);
		errno = err;
	}
	return st;
}

void d1_bo_free(d1_device *dev, struct d1_bo *bo)
{
	if (bo->map)
		munmap(bo->map, bo->size);
	if (bo->va) {
		struct drm_d1_vm_unbind u;

		memset(&u, 0, sizeof(u));
		u.va = bo->va;
		drmIoctl(dev->fd, DRM_IOCTL_D1_VM_UNBIND, &u);
	}
	if (bo->handle)
		gem_close(dev, bo->handle);
	memset(bo, 0, sizeof(*bo));
}

D1_API d1_status d1_buffer_create(d1_device *dev, uint64_t size,
				  unsigned int type, unsigned int flags,
				  d1_buffer **out)
{
	struct d1_buffer *b;
	d1_status st;

	if (!dev || !out || !size || type > D1_MEM_HBM ||
	    (flags & ~D1_BUFFER_FLAGS_ALL))
		return D1_ERROR_INVALID_VALUE;
	st = d1_dev_limits(dev);
	if (st)
		return st;
	/* Rounding up must not wrap; the kernel checks the real limits. */
	if (size > UINT64_MAX - dev->sinfo.page_size ||
	    (type == D1_MEM_HBM && dev->dinfo.hbm_size &&
	     size > dev->dinfo.hbm_size) ||
	    size > dev->sinfo.va_end - dev->sinfo.va_start)
		return D1_ERROR_INVALID_VALUE;
	b = calloc(1, sizeof(*b));
	if (!b)
		return D1_ERROR_OUT_OF_MEMORY;
	st = d1_bo_new(dev, size, type == D1_MEM_HBM ? DRM_D1_BO_HBM :
		       DRM_D1_BO_HOST, DRM_D1_VM_READ |
		       (flags & D1_BUFFER_READ_ONLY ? 0 : DRM_D1_VM_WRITE), 0,
		       &b->bo);
	if (st) {
		free(b);
		return st;
	}
	b->dev = dev;
	b->type = type;
	*out = b;
	return D1_SUCCESS;
}

D1_API d1_status d1_buffer_size(d1_buffer *buf, uint64_t *size)
{
	if (!buf || !size)
		return D1_ERROR_INVALID_VALUE;
	*size = buf->bo.size;
	return D1_SUCCESS;
}

D1_API d1_status d1_buffer_type(d1_buffer *buf, unsigned int *type)
{
	if (!buf || !type)
		return D1_ERROR_INVALID_VALUE;
	*type = buf->type;
	return D1_SUCCESS;
}

D1_API d1_status d1_buffer_device_address(d1_buffer *buf, uint64_t *addr)
{
	if (!buf || !addr)
		return D1_ERROR_INVALID_VALUE;
	*addr = buf->bo.va;
	return D1_SUCCESS;
}

D1_API d1_status d1_buffer_map(d1_buffer *buf, void **ptr)
{
	d1_status st;

	if (!buf || !ptr)
		return D1_ERROR_INVALID_VALUE;
	st = d1_bo_map(buf->dev, &buf->bo);
	if (st)
		return st;
	buf->maps++;
	*ptr = buf->bo.map;
	return D1_SUCCESS;
}

D1_API d1_status d1_buffer_unmap(d1_buffer *buf)
{
	if (!buf)
		return D1_ERROR_INVALID_VALUE;
	if (!buf->maps)
		return D1_ERROR_INVALID_STATE;
	if (--buf->maps == 0) {
		munmap(buf->bo.map, buf->bo.size);
		buf->bo.map = NULL;
	}
	return D1_SUCCESS;
}

D1_API d1_status d1_buffer_export_fd(d1_buffer *buf, int *fd)
{
	if (!buf || !fd)
		return D1_ERROR_INVALID_VALUE;
	if (buf->type != D1_MEM_HOST)
		return D1_ERROR_NOT_SUPPORTED;
	if (drmPrimeHandleToFD(buf->dev->fd, buf->bo.handle,
			       DRM_CLOEXEC | DRM_RDWR, fd))
		return d1_fail_errno(errno);
	return D1_SUCCESS;
}

D1_API d1_status d1_buffer_import_fd(d1_device *dev, int fd, d1_buffer **out)
{
	struct drm_d1_bo_info info;
	struct d1_buffer *b;
	uint32_t handle;
	d1_status st;
	int err;

	if (!dev || fd < 0 || !out)
		return D1_ERROR_INVALID_VALUE;
	st = d1_dev_limits(dev);
	if (st)
		return st;
	if (drmPrimeFDToHandle(dev->fd, fd, &handle))
		return errno == EBADF ? D1_ERROR_INVALID_VALUE :
		       d1_fail_errno(errno);
	memset(&info, 0, sizeof(info));
	info.handle = handle;
	if (drmIoctl(dev->fd, DRM_IOCTL_D1_BO_INFO, &info)) {
		err = errno;
		gem_close(dev, handle);
		return d1_fail_errno(err);
	}
	b = calloc(1, sizeof(*b));
	if (!b) {
		gem_close(dev, handle);
		return D1_ERROR_OUT_OF_MEMORY;
	}
	b->dev = dev;
	b->type = info.placement == DRM_D1_BO_HBM ? D1_MEM_HBM : D1_MEM_HOST;
	b->bo.handle = handle;
	b->bo.size = info.size;
	b->bo.placement = info.placement;
	st = bo_bind(dev, &b->bo, DRM_D1_VM_READ | DRM_D1_VM_WRITE);
	if (st) {
		err = errno;
		gem_close(dev, handle);
		free(b);
		errno = err;
		return st;
	}
	*out = b;
	return D1_SUCCESS;
}

D1_API d1_status d1_buffer_destroy(d1_buffer *buf)
{
	if (!buf)
		return D1_ERROR_INVALID_VALUE;
	d1_peer_release_buffer(buf);
	d1_bo_free(buf->dev, &buf->bo);
	free(buf);
	return D1_SUCCESS;
}

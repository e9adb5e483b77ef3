/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Raw-ioctl helpers for the fuzz and stress programs: buffer objects
 * created, mapped and bound in one call, one-job submits, context status.
 * Kept below libd1 on purpose: these programs exercise the uAPI itself.
 */
#ifndef D1_UAPI_UTIL_H
#define D1_UAPI_UTIL_H

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include <xf86drm.h>
#include <drm/d1_accel.h>

struct ubo {
	uint32_t handle;
	uint64_t size, va;
	void *map;		/* CPU mapping, or NULL */
};

/* Create, mmap (if @map) and bind a BO; 0 or -errno. */
static inline int ubo_new(int fd, struct ubo *b, uint64_t size,
			  uint32_t placement, uint32_t vm_flags, int map)
{
	struct drm_d1_bo_create c = { .size = size, .placement = placement };
	struct drm_d1_bo_mmap_offset mo = { 0 };
	struct drm_d1_vm_bind vb = { .flags = vm_flags };

	memset(b, 0, sizeof(*b));
	if (ioctl(fd, DRM_IOCTL_D1_BO_CREATE, &c))
		return -errno;
	b->handle = c.handle;
	b->size = c.size;
	vb.handle = c.handle;
	if (ioctl(fd, DRM_IOCTL_D1_VM_BIND, &vb))
		return -errno;
	b->va = vb.va;
	if (!map)
		return 0;
	mo.handle = c.handle;
	if (ioctl(fd, DRM_IOCTL_D1_BO_MMAP_OFFSET, &mo))
		return -errno;
	b->map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		      mo.offset);
	if (b->map == MAP_FAILED) {
		b->map = NULL;
		return -errno;
	}
	return 0;
}

/* Unmap, unbind and close a BO made by ubo_new. */
static inline void ubo_free(int fd, struct ubo *b)
{
	struct drm_d1_vm_unbind vu = { .va = b->va };
	struct drm_gem_close gc = { .handle = b->handle };

	if (b->map)
		munmap(b->map, b->size);
	if (b->va)
		ioctl(fd, DRM_IOCTL_D1_VM_UNBIND, &vu);
	if (b->handle)
		ioctl(fd, DRM_IOCTL_GEM_CLOSE, &gc);
	memset(b, 0, sizeof(*b));
}

/*
 * Submit @n commands on @queue with a fresh binary syncobj as out-fence
 * and wait for it up to @timeout_ms.  Returns 0, or -errno of the submit
 * or of the wait (-ETIME when the fence did not signal in time).
 */
static inline int usubmit_wait(int fd, uint32_t queue,
			       const struct drm_d1_cmd *cmds, uint32_t n,
			       int64_t timeout_ms)
{
	struct drm_syncobj_create sc = { 0 };
	struct drm_d1_sync out = { 0 };
	struct drm_d1_submit s = { 0 };
	struct drm_syncobj_destroy sd;
	int64_t deadline;
	int ret = 0;

	if (ioctl(fd, DRM_IOCTL_SYNCOBJ_CREATE, &sc))
		return -errno;
	out.handle = sc.handle;
	s.queue = queue;
	s.cmds = (uintptr_t)cmds;
	s.cmd_count = n;
	s.cmd_size = sizeof(*cmds);
	s.out_syncs = (uintptr_t)&out;
	s.out_sync_count = 1;
	s.sync_size = sizeof(out);
	if (ioctl(fd, DRM_IOCTL_D1_SUBMIT, &s)) {
		ret = -errno;
	} else {
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		deadline = ts.tv_sec * 1000000000ll + ts.tv_nsec +
			   timeout_ms * 1000000ll;
		if (drmSyncobjWait(fd, &sc.handle, 1, deadline,
				   DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT, NULL))
			ret = -errno;
	}
	sd.handle = sc.handle;
	sd.pad = 0;
	ioctl(fd, DRM_IOCTL_SYNCOBJ_DESTROY, &sd);
	return ret;
}

static inline int ucontext_status(int fd, struct drm_d1_context_status *st,
				  int clear)
{
	memset(st, 0, sizeof(*st));
	st->flags = clear ? DRM_D1_CONTEXT_STATUS_CLEAR : 0;
	return ioctl(fd, DRM_IOCTL_D1_GET_CONTEXT_STATUS, st) ? -errno : 0;
}

static inline struct drm_d1_cmd ucopy(uint64_t src, uint64_t dst,
				      uint64_t size)
{
	struct drm_d1_cmd c;

	memset(&c, 0, sizeof(c));
	c.op = DRM_D1_CMD_COPY;
	c.copy.src = src;
	c.copy.dst = dst;
	c.copy.size = size;
	return c;
}

#endif /* D1_UAPI_UTIL_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the d1 selftests that use buffers, address spaces and
 * command submission: thin wrappers returning 0 or -errno.
 */
#ifndef D1_SUBMIT_COMMON_H
#define D1_SUBMIT_COMMON_H

#include <linux/sync_file.h>
#include <poll.h>
#include <sys/mman.h>
#include <time.h>
#include <xf86drm.h>

#include "d1_common.h"

#ifndef D1_KERNEL_DIR
#define D1_KERNEL_DIR "kernels"
#endif

#define D1_SEC		1000000000ll

/* Linux 6.6's syncobj eventfd; Debian 12's libdrm headers predate it. */
#ifndef DRM_IOCTL_SYNCOBJ_EVENTFD
struct drm_syncobj_eventfd {
	__u32 handle;
	__u32 flags;
	__u64 point;
	__s32 fd;
	__u32 pad;
};

#define DRM_IOCTL_SYNCOBJ_EVENTFD DRM_IOWR(0xCF, struct drm_syncobj_eventfd)
#endif

/* A BO, where it is bound and where the CPU sees it. */
struct d1_buf {
	__u32 handle;
	__u64 size;
	__u64 va;
	void *map;
};

static inline int d1_ioctl(int fd, unsigned long req, void *arg)
{
	return ioctl(fd, req, arg) ? -errno : 0;
}

static inline int d1_submit_info(int fd, struct drm_d1_submit_info *si)
{
	struct drm_d1_query q = {
		.param = DRM_D1_QUERY_SUBMIT_INFO,
		.size = sizeof(*si),
		.data = (__u64)(uintptr_t)si,
	};

	memset(si, 0, sizeof(*si));
	return d1_ioctl(fd, DRM_IOCTL_D1_QUERY, &q);
}

static inline int d1_bo_create(int fd, __u64 size, __u32 placement,
			       __u32 *handle)
{
	struct drm_d1_bo_create c = { .size = size, .placement = placement };
	int ret = d1_ioctl(fd, DRM_IOCTL_D1_BO_CREATE, &c);

	if (!ret)
		*handle = c.handle;
	return ret;
}

static inline int d1_bo_close(int fd, __u32 handle)
{
	struct drm_gem_close c = { .handle = handle };

	return d1_ioctl(fd, DRM_IOCTL_GEM_CLOSE, &c);
}

/* Map a BO for the CPU at the offset BO_INFO gives; NULL on error. */
static inline void *d1_bo_mmap(int fd, __u32 handle, size_t size)
{
	struct drm_d1_bo_info bi = { .handle = handle };
	void *p;

	if (d1_ioctl(fd, DRM_IOCTL_D1_BO_INFO, &bi))
		return NULL;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 bi.mmap_offset);
	return p == MAP_FAILED ? NULL : p;
}

static inline int d1_vm_bind(int fd, __u32 handle, __u32 flags, __u64 offset,
			     __u64 size, __u64 *va)
{
	struct drm_d1_vm_bind b = {
		.handle = handle, .flags = flags, .offset = offset,
		.size = size, .va = *va,
	};
	int ret = d1_ioctl(fd, DRM_IOCTL_D1_VM_BIND, &b);

	if (!ret)
		*va = b.va;
	return ret;
}

static inline int d1_vm_unbind(int fd, __u64 va, __u64 size)
{
	struct drm_d1_vm_unbind u = { .va = va, .size = size };

	return d1_ioctl(fd, DRM_IOCTL_D1_VM_UNBIND, &u);
}

/* Create, map for the CPU and bind a BO with VM_BIND @vm_flags. */
static inline int d1_buf_new_flags(int fd, __u64 size, __u32 placement,
				   __u32 vm_flags, struct d1_buf *b)
{
	int ret;

	memset(b, 0, sizeof(*b));
	b->size = size;
	ret = d1_bo_create(fd, size, placement, &b->handle);
	if (ret)
		return ret;
	b->map = d1_bo_mmap(fd, b->handle, size);
	if (!b->map)
		return -errno;
	return d1_vm_bind(fd, b->handle, vm_flags, 0, 0, &b->va);
}

/* Create, map for the CPU and bind read-write a BO. */
static inline int d1_buf_new(int fd, __u64 size, __u32 placement,
			     struct d1_buf *b)
{
	return d1_buf_new_flags(fd, size, placement,
				DRM_D1_VM_READ | DRM_D1_VM_WRITE, b);
}

static inline void d1_buf_free(int fd, struct d1_buf *b)
{
	if (b->va)
		d1_vm_unbind(fd, b->va, 0);
	if (b->map)
		munmap(b->map, b->size);
	if (b->handle)
		d1_bo_close(fd, b->handle);
	memset(b, 0, sizeof(*b));
}

static inline struct drm_d1_cmd d1_cmd_copy(__u64 src, __u64 dst, __u64 size)
{
	struct drm_d1_cmd c = { .op = DRM_D1_CMD_COPY };

	c.copy.src = src;
	c.copy.dst = dst;
	c.copy.size = size;
	return c;
}

static inline struct drm_d1_cmd d1_cmd_mem(__u32 op, __u64 va, __u64 value)
{
	struct drm_d1_cmd c = { .op = op };

	c.mem.va = va;
	c.mem.value = value;
	return c;
}

/* SUBMIT with optional in-syncs and out-syncs. */
static inline int d1_submit(int fd, __u32 queue, const struct drm_d1_cmd *cmds,
			    __u32 n, const struct drm_d1_sync *in, __u32 nin,
			    const struct drm_d1_sync *out, __u32 nout)
{
	struct drm_d1_submit s = {
		.queue = queue,
		.cmds = (__u64)(uintptr_t)cmds,
		.cmd_count = n,
		.cmd_size = sizeof(*cmds),
		.in_syncs = (__u64)(uintptr_t)in,
		.in_sync_count = nin,
		.out_syncs = (__u64)(uintptr_t)out,
		.out_sync_count = nout,
		.sync_size = sizeof(struct drm_d1_sync),
	};

	return d1_ioctl(fd, DRM_IOCTL_D1_SUBMIT, &s);
}

/* SUBMIT signalling binary syncobj @syncobj (created if 0). */
static inline int d1_submit_sync(int fd, __u32 queue,
				 const struct drm_d1_cmd *cmds, __u32 n,
				 __u32 *syncobj)
{
	struct drm_d1_sync out = { 0 };
	int ret;

	if (!*syncobj) {
		ret = drmSyncobjCreate(fd, 0, syncobj);
		if (ret)
			return -errno;
	}
	out.handle = *syncobj;
	return d1_submit(fd, queue, cmds, n, NULL, 0, &out, 1);
}

/* Wait for a binary syncobj; 0, -ETIME on timeout. */
static inline int d1_sync_wait(int fd, __u32 syncobj, long long timeout_ns)
{
	struct timespec ts;
	__u32 first;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	if (drmSyncobjWait(fd, &syncobj, 1,
			   ts.tv_sec * D1_SEC + ts.tv_nsec + timeout_ns, 0,
			   &first))
		return -errno;
	return 0;
}

/*
 * The error status of a syncobj's fence: 1 signalled without error, 0
 * still pending, a negative errno when it ended with an error.
 */
static inline int d1_sync_status(int fd, __u32 syncobj)
{
	struct sync_fence_info fi = { 0 };
	struct sync_file_info info = { 0 };
	int sfd, ret;

	if (drmSyncobjExportSyncFile(fd, syncobj, &sfd))
		return -1000 - errno;
	info.num_fences = 1;
	info.sync_fence_info = (__u64)(uintptr_t)&fi;
	ret = ioctl(sfd, SYNC_IOC_FILE_INFO, &info);
	close(sfd);
	if (ret)
		return -2000 - errno;
	return info.status < 0 ? info.status : fi.status;
}

/* Submit and wait; returns the fence status as d1_sync_status(). */
static inline int d1_run(int fd, __u32 queue, const struct drm_d1_cmd *cmds,
			 __u32 n, long long timeout_ns)
{
	__u32 so = 0;
	int ret;

	ret = d1_submit_sync(fd, queue, cmds, n, &so);
	if (!ret)
		ret = d1_sync_wait(fd, so, timeout_ns);
	if (!ret)
		ret = d1_sync_status(fd, so);
	if (so)
		drmSyncobjDestroy(fd, so);
	return ret;
}

/*
 * The known-good job: COPY 8 KiB from a host BO (bound read-only) through
 * an HBM BO into another host BO (bound write-only) on queue 0.  Returns
 * 1 when the data came back intact, else 0 or a negative errno.
 */
static inline int d1_copy_round_trip(int fd, unsigned char seed)
{
	struct d1_buf a = { 0 }, b = { 0 }, c = { 0 };
	struct drm_d1_cmd cmd[2];
	unsigned int i;
	int ret;

	ret = d1_buf_new_flags(fd, 8192, DRM_D1_BO_HOST, DRM_D1_VM_READ, &a);
	if (!ret)
		ret = d1_buf_new(fd, 8192, DRM_D1_BO_HBM, &b);
	if (!ret)
		ret = d1_buf_new_flags(fd, 8192, DRM_D1_BO_HOST,
				       DRM_D1_VM_WRITE, &c);
	if (!ret) {
		for (i = 0; i < 8192; i++)
			((unsigned char *)a.map)[i] = (unsigned char)(i * 13 + seed);
		cmd[0] = d1_cmd_copy(a.va, b.va, 8192);
		cmd[1] = d1_cmd_copy(b.va, c.va, 8192);
		ret = d1_run(fd, 0, cmd, 2, 10 * D1_SEC);
		if (ret == 1 && memcmp(a.map, c.map, 8192))
			ret = 0;
	}
	d1_buf_free(fd, &a);
	d1_buf_free(fd, &b);
	d1_buf_free(fd, &c);
	return ret;
}

static inline int d1_ctx_status(int fd, __u32 flags,
				struct drm_d1_context_status *st)
{
	memset(st, 0, sizeof(*st));
	st->flags = flags;
	return d1_ioctl(fd, DRM_IOCTL_D1_GET_CONTEXT_STATUS, st);
}

/* fdinfo: one "key:\tvalue" line per key; value of @key or NULL. */
static inline char *d1_fdinfo_get(int fd, const char *key, char *buf,
				  size_t len)
{
	char path[64], *p;
	size_t klen = strlen(key);
	ssize_t n;
	int f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = open(path, O_RDONLY);
	if (f < 0)
		return NULL;
	n = read(f, buf, len - 1);
	close(f);
	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	for (p = buf; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		if (!strncmp(p, key, klen) && p[klen] == ':') {
			char *end = strchr(p, '\n');

			if (end)
				*end = '\0';
			return p + klen + 1 + strspn(p + klen + 1, " \t");
		}
	}
	return NULL;
}

/* A numeric fdinfo key of @fd ("123", "123 ns"); -1 if absent. */
static inline long long d1_fdinfo_num(int fd, const char *key)
{
	char buf[4096], *s = d1_fdinfo_get(fd, key, buf, sizeof(buf));

	return s ? strtoll(s, NULL, 10) : -1;
}

/* Read a whole file (a device kernel); NULL on error. */
static inline void *d1_read_file(const char *path, size_t *len)
{
	struct stat st;
	void *buf;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) || !st.st_size) {
		close(fd);
		return NULL;
	}
	buf = malloc(st.st_size);
	if (buf && read(fd, buf, st.st_size) != st.st_size) {
		free(buf);
		buf = NULL;
	}
	close(fd);
	*len = st.st_size;
	return buf;
}

/* Upload the selftest device kernel into a new host BO bound read-only. */
static inline int d1_kernel_load(int fd, const char *name, struct d1_buf *img,
				 __u32 *img_size)
{
	char path[PATH_MAX];
	size_t len;
	void *elf;
	int ret;

	snprintf(path, sizeof(path), "%s/%s", D1_KERNEL_DIR, name);
	elf = d1_read_file(path, &len);
	if (!elf)
		return -ENOENT;
	memset(img, 0, sizeof(*img));
	img->size = (len + 4095) & ~4095ull;
	ret = d1_bo_create(fd, img->size, DRM_D1_BO_HOST, &img->handle);
	if (!ret) {
		img->map = d1_bo_mmap(fd, img->handle, img->size);
		ret = img->map ? 0 : -errno;
	}
	if (!ret) {
		memcpy(img->map, elf, len);
		ret = d1_vm_bind(fd, img->handle, DRM_D1_VM_READ, 0, 0,
				 &img->va);
	}
	free(elf);
	*img_size = len;
	return ret;
}

static inline struct drm_d1_cmd d1_cmd_launch(__u64 image, __u32 image_size,
					      __u64 args, __u32 args_size,
					      __u16 cols, __u16 rows,
					      __u64 budget, __u64 report,
					      __u32 report_size)
{
	struct drm_d1_cmd c = { .op = DRM_D1_CMD_LAUNCH };

	c.launch.image = image;
	c.launch.image_size = image_size;
	c.launch.args = args;
	c.launch.args_size = args_size;
	c.launch.harts = 1;
	c.launch.cols = cols;
	c.launch.rows = rows;
	c.launch.budget = budget;
	c.launch.report = report;
	c.launch.report_size = report_size;
	return c;
}

/*
 * Look through the pending devcoredumps for one containing @needle and
 * discard them all (writing to "data" frees a dump).  Returns true if
 * one matched.
 */
static inline bool d1_devcoredump_take(const char *needle)
{
	DIR *d = opendir("/sys/class/devcoredump");
	char path[PATH_MAX], buf[512];
	struct dirent *de;
	bool found = false;
	ssize_t n;
	int fd;

	while (d && (de = readdir(d))) {
		if (strncmp(de->d_name, "devcd", 5))
			continue;
		snprintf(path, sizeof(path), "/sys/class/devcoredump/%s/data",
			 de->d_name);
		fd = open(path, O_RDWR);
		if (fd < 0)
			continue;
		n = read(fd, buf, sizeof(buf) - 1);
		if (n > 0) {
			buf[n] = '\0';
			if (strstr(buf, needle))
				found = true;
		}
		n = write(fd, "1", 1);	/* discard; nothing to do on error */
		close(fd);
	}
	if (d)
		closedir(d);
	return found;
}

/*
 * LAUNCHes of the selftest kernel (kernels/d1k_scale.c, struct d1k_args)
 * on any rectangle: up to D1_KL_SLOTS in flight, each with its own
 * argument block, report and a pair of device timestamps.
 */
#define D1_KL_SLOTS	8
#define D1_KL_REPORT	16384u

struct d1_klaunch {
	struct d1_buf img, args, rep, ts;
	__u32 img_size;
};

static inline void d1_klaunch_free(int fd, struct d1_klaunch *k)
{
	d1_buf_free(fd, &k->img);
	d1_buf_free(fd, &k->args);
	d1_buf_free(fd, &k->rep);
	d1_buf_free(fd, &k->ts);
}

static inline int d1_klaunch_setup(int fd, struct d1_klaunch *k)
{
	int ret;

	memset(k, 0, sizeof(*k));
	ret = d1_kernel_load(fd, "d1k_scale.elf", &k->img, &k->img_size);
	if (!ret)
		ret = d1_buf_new(fd, 4096, DRM_D1_BO_HOST, &k->args);
	if (!ret)
		ret = d1_buf_new(fd, D1_KL_SLOTS * D1_KL_REPORT, DRM_D1_BO_HOST,
				 &k->rep);
	if (!ret)
		ret = d1_buf_new(fd, 4096, DRM_D1_BO_HOST, &k->ts);
	if (ret)
		d1_klaunch_free(fd, k);
	return ret;
}

/* The LAUNCH of slot @slot: mode, n, src, dst as struct d1k_args. */
static inline struct drm_d1_cmd d1_klaunch_cmd(struct d1_klaunch *k,
					       unsigned int slot, __u32 mode,
					       __u32 n, __u64 src, __u64 dst,
					       __u16 x0, __u16 y0, __u16 cols,
					       __u16 rows, __u32 limit_ms)
{
	__u32 *a = (__u32 *)((char *)k->args.map + slot * 256);
	struct drm_d1_cmd c;

	memcpy(a, &src, 8);
	memcpy(a + 2, &dst, 8);
	a[4] = n;
	a[5] = mode;
	memset((char *)k->rep.map + slot * D1_KL_REPORT, 0, D1_KL_REPORT);
	c = d1_cmd_launch(k->img.va, k->img_size, k->args.va + slot * 256, 24,
			  cols, rows, 0, k->rep.va + slot * D1_KL_REPORT,
			  D1_KL_REPORT);
	c.launch.x0 = x0;
	c.launch.y0 = y0;
	c.time_limit_ms = limit_ms;
	return c;
}

/* TIMESTAMP into timestamp @i (0..511) of @k. */
static inline struct drm_d1_cmd d1_klaunch_ts(struct d1_klaunch *k,
					      unsigned int i)
{
	return d1_cmd_mem(DRM_D1_CMD_TIMESTAMP, k->ts.va + i * 8, 0);
}

static inline __u64 d1_klaunch_time(struct d1_klaunch *k, unsigned int i)
{
	return ((volatile __u64 *)k->ts.map)[i];
}

static inline struct drm_d1_launch_report *
d1_klaunch_report(struct d1_klaunch *k, unsigned int slot)
{
	return (struct drm_d1_launch_report *)((char *)k->rep.map +
					       slot * D1_KL_REPORT);
}

/* Node @node's record: records are the report's node_size apart. */
static inline struct drm_d1_launch_node *
d1_klaunch_node(struct d1_klaunch *k, unsigned int slot, unsigned int node)
{
	struct drm_d1_launch_report *r = d1_klaunch_report(k, slot);

	return (struct drm_d1_launch_node *)((char *)(r + 1) +
					     node * r->node_size);
}

#endif /* D1_SUBMIT_COMMON_H */

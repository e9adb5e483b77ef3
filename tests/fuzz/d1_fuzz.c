// SPDX-License-Identifier: GPL-2.0
/*
 * ioctl fuzzer for d1.ko: random and mutation-based calls over every d1
 * ioctl and the DRM core ones on our fd (GEM close, PRIME, every syncobj
 * ioctl: create, destroy, wait, timeline wait, signal, timeline signal,
 * reset, query, transfer, handle<->fd and sync_file, eventfd), with random
 * sizes, handles, pointers (NULL, unmapped, read-only, misaligned, kernel
 * addresses), flags and padding; BOs mapped at (and around) the offsets
 * BO_INFO gives, touched so they fault, partly unmapped, kept mapped past
 * GEM_CLOSE.  Several threads and a forked child share the fd.
 *
 * Counts the DRM core trusts are clamped, not skipped: Linux 6.12's
 * drm_syncobj_array_find() kmallocs a syncobj count without __GFP_NOWARN
 * and WARNs on a huge one (a core issue, not ours), and a wait's timeout
 * is bounded so an unsignalled fence is no hang.
 *
 * Pass: no call crashes us or the child, the kernel log stays clean (the
 * VM runner fails the run on any WARNING/BUG/Oops), the device still runs
 * a known-good job afterwards, and closing the fd releases every BO and
 * context (checked through the driver's debugfs counters).
 *
 * D1_FUZZ_CALLS (default 5000, spread over the threads and the child),
 * D1_FUZZ_THREADS (default 3) and D1_FUZZ_SEED (default fixed; "random")
 * set the run; the figures are printed at the end.
 */
#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <time.h>

#include <xf86drm.h>

#include "d1_common.h"
#include "d1_submit_common.h"
#include "kselftest_harness.h"

#define MAX_HANDLES	32
#define MAX_MAPS	8
#define MAX_SYNC_COUNT	64	/* syncobj array counts are clamped to this */

static __thread uint64_t rng;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

struct fuzz {
	int fd;
	uint8_t *ok;		/* 64 KiB read-write */
	uint8_t *ro;		/* a read-only page */
	uint8_t *none;		/* a PROT_NONE page */
	uint32_t bos[MAX_HANDLES], nbos;
	uint32_t syncs[MAX_HANDLES], nsyncs;
	uint64_t vas[MAX_HANDLES];
	uint32_t nvas;
	struct { uint8_t *p; size_t len; int prot; } maps[MAX_MAPS];
	int efd;		/* an eventfd for SYNCOBJ_EVENTFD */
	uint64_t seed;
	unsigned long calls, ok_calls, touched;
	unsigned long err[140];
};

static uint64_t pick_ptr(struct fuzz *f, size_t need)
{
	switch (rnd() % 8) {
	case 0:
		return 0;
	case 1:
		return (uintptr_t)f->none;
	case 2:
		return (uintptr_t)f->ro;
	case 3:
		return (uintptr_t)f->ok + 65536 - need / 2;	/* runs off the end */
	case 4:
		return 0xffff888000000000ull + (rnd() & 0xffff000);	/* kernel */
	case 5:
		return (uintptr_t)f->ok + 1 + rnd() % 7;	/* misaligned */
	default:
		return (uintptr_t)f->ok + (rnd() % 4096) * 8;
	}
}

static uint32_t pick_handle(const uint32_t *h, uint32_t n)
{
	if (n && rnd() % 4)
		return h[rnd() % n];
	return rnd() % 3 ? (uint32_t)rnd() % 64 : (uint32_t)rnd();
}

static uint64_t pick_size(void)
{
	static const uint64_t s[] = { 0, 1, 4095, 4096, 8192, 65536,
				      1ull << 20, 1ull << 30, 1ull << 40,
				      ~0ull, ~0ull - 4095 };

	return rnd() % 3 ? s[rnd() % 11] : rnd() % (1u << 22);
}

static uint64_t pick_va(struct fuzz *f)
{
	if (f->nvas && rnd() % 2)
		return f->vas[rnd() % f->nvas] + (rnd() % 3) * 4096 - 4096;
	return rnd() % 2 ? rnd() : (rnd() % 64) << 20;
}

/* Flip a few bytes of @buf: the mutation half of the fuzzer. */
static void mutate(uint8_t *buf, size_t len)
{
	unsigned int k = rnd() % 4;

	while (k-- && len)
		buf[rnd() % len] ^= (uint8_t)(1u << (rnd() % 8));
}

/* A command of the kinds SUBMIT takes, mostly valid-looking. */
static void fill_cmd(struct fuzz *f, struct drm_d1_cmd *c)
{
	memset(c, 0, sizeof(*c));
	c->op = rnd() % 7;
	switch (c->op) {
	case DRM_D1_CMD_COPY:
		c->copy.src = pick_va(f);
		c->copy.dst = pick_va(f);
		c->copy.size = rnd() % 2 ? rnd() % 8192 : pick_size();
		break;
	case DRM_D1_CMD_LAUNCH:
		c->launch.image = pick_va(f);
		c->launch.image_size = (uint32_t)pick_size();
		c->launch.report = pick_va(f);
		c->launch.report_size = rnd() % 8192;
		c->launch.harts = rnd() % 6;
		c->launch.cols = rnd() % 3;
		c->launch.rows = rnd() % 3;
		c->launch.budget = 1 + rnd() % 100000;	/* never unbounded */
		break;
	case DRM_D1_CMD_WAIT:
		c->mem.va = pick_va(f);
		c->mem.value = 0;	/* satisfiable: a hang is not a finding */
		break;
	default:
		c->mem.va = pick_va(f);
		c->mem.value = rnd();
		break;
	}
	if (rnd() % 8 == 0)
		mutate((uint8_t *)c, sizeof(*c));
}

static void note(struct fuzz *f, int ret)
{
	f->calls++;
	if (!ret)
		f->ok_calls++;
	else if (errno > 0 && errno < 140)
		f->err[errno]++;
}

static void remember(uint64_t *arr, uint32_t *n, uint64_t v)
{
	if (*n < MAX_HANDLES)
		arr[(*n)++] = v;
	else
		arr[rnd() % MAX_HANDLES] = v;
}

union syncobj_arg {
	struct drm_syncobj_create create;
	struct drm_syncobj_destroy destroy;
	struct drm_syncobj_handle fd;
	struct drm_syncobj_wait wait;
	struct drm_syncobj_timeline_wait twait;
	struct drm_syncobj_array array;
	struct drm_syncobj_timeline_array tarray;
	struct drm_syncobj_transfer transfer;
	struct drm_syncobj_eventfd eventfd;
};

static __u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * D1_SEC + ts.tv_nsec;
}

/* Handles and points for a syncobj array: ours, junk, or bad pointers. */
static __u64 sync_handles(struct fuzz *f, uint32_t *buf, unsigned int n)
{
	unsigned int i;

	if (rnd() % 8 == 0)
		return pick_ptr(f, n * 4);
	for (i = 0; i < n; i++)
		buf[i] = pick_handle(f->syncs, f->nsyncs);
	return (uintptr_t)buf;
}

static __u64 sync_points(struct fuzz *f, uint64_t *buf, unsigned int n)
{
	unsigned int i;

	if (rnd() % 8 == 0)
		return pick_ptr(f, n * 8);
	for (i = 0; i < n; i++)
		buf[i] = rnd() % 4 ? rnd() % 8 : rnd();
	return (uintptr_t)buf;
}

/* A syncobj ioctl with mostly valid-looking arguments; returns its number. */
static unsigned long syncobj_call(struct fuzz *f, union syncobj_arg *a)
{
	static __thread uint32_t handles[MAX_SYNC_COUNT];
	static __thread uint64_t points[MAX_SYNC_COUNT];
	unsigned int n = rnd() % 4 ? 1 + rnd() % 3 : rnd() % MAX_SYNC_COUNT;
	uint32_t h = pick_handle(f->syncs, f->nsyncs);

	switch (rnd() % 14) {
	case 0:
		a->create.flags = rnd() % 2 ? rnd() % 2 : (uint32_t)rnd();
		return DRM_IOCTL_SYNCOBJ_CREATE;
	case 1:
		a->destroy.handle = h;
		a->destroy.pad = rnd() % 8 ? 0 : (uint32_t)rnd();
		return DRM_IOCTL_SYNCOBJ_DESTROY;
	case 2:
		a->fd.handle = h;
		a->fd.flags = rnd() % 2 ?
			DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE :
			rnd() % 2 ? 0 : (uint32_t)rnd();
		return DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD;
	case 3:
		a->fd.fd = rnd() % 2 ? (int)(rnd() % 40) : -1;
		a->fd.handle = rnd() % 2 ? 0 : h;
		a->fd.flags = rnd() % 2 ?
			DRM_SYNCOBJ_FD_TO_HANDLE_FLAGS_IMPORT_SYNC_FILE : 0;
		return DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE;
	case 4:
	case 5:
		a->wait.handles = sync_handles(f, handles, n);
		a->wait.count_handles = n;
		a->wait.flags = rnd() % 8 ? rnd() % 8 : (uint32_t)rnd();
		a->wait.timeout_nsec = rnd() % 2 ? 0 : now_ns() + rnd() % 1000000;
		return DRM_IOCTL_SYNCOBJ_WAIT;
	case 6:
	case 7:
		a->twait.handles = sync_handles(f, handles, n);
		a->twait.points = sync_points(f, points, n);
		a->twait.count_handles = n;
		a->twait.flags = rnd() % 8 ? rnd() % 16 : (uint32_t)rnd();
		a->twait.timeout_nsec = rnd() % 2 ? 0 : now_ns() + rnd() % 1000000;
		return DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT;
	case 8:
		a->array.handles = sync_handles(f, handles, n);
		a->array.count_handles = n;
		a->array.pad = rnd() % 8 ? 0 : (uint32_t)rnd();
		return rnd() % 2 ? DRM_IOCTL_SYNCOBJ_SIGNAL : DRM_IOCTL_SYNCOBJ_RESET;
	case 9:
	case 10:
		a->tarray.handles = sync_handles(f, handles, n);
		a->tarray.points = sync_points(f, points, n);
		a->tarray.count_handles = n;
		a->tarray.flags = rnd() % 4 ? 0 : rnd() % 2 ?
			DRM_SYNCOBJ_QUERY_FLAGS_LAST_SUBMITTED : (uint32_t)rnd();
		return rnd() % 2 ? DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL :
				   DRM_IOCTL_SYNCOBJ_QUERY;
	case 11:
	case 12:
		a->transfer.src_handle = h;
		a->transfer.dst_handle = pick_handle(f->syncs, f->nsyncs);
		a->transfer.src_point = rnd() % 3 ? rnd() % 8 : rnd();
		a->transfer.dst_point = rnd() % 3 ? rnd() % 8 : rnd();
		a->transfer.flags = rnd() % 8 ? 0 : (uint32_t)rnd();
		a->transfer.pad = rnd() % 8 ? 0 : (uint32_t)rnd();
		return DRM_IOCTL_SYNCOBJ_TRANSFER;
	default:
		a->eventfd.handle = h;
		a->eventfd.point = rnd() % 8;
		a->eventfd.fd = rnd() % 4 ? f->efd : (int)(rnd() % 40);
		a->eventfd.flags = rnd() % 4 ? 0 : rnd() % 2 ?
			DRM_SYNCOBJ_WAIT_FLAGS_WAIT_AVAILABLE : (uint32_t)rnd();
		a->eventfd.pad = rnd() % 8 ? 0 : (uint32_t)rnd();
		return DRM_IOCTL_SYNCOBJ_EVENTFD;
	}
}

/*
 * After mutation: counts within MAX_SYNC_COUNT (the core WARNs on huge
 * ones), waits of at most 1 ms (an unsignalled fence is not a hang), no
 * transfer that waits for submission (5 s each).
 */
static void syncobj_clamp(unsigned long req, union syncobj_arg *a)
{
	__s64 deadline = (__s64)now_ns() + 1000000;

	switch (req) {
	case DRM_IOCTL_SYNCOBJ_WAIT:
		a->wait.count_handles %= MAX_SYNC_COUNT + 1;
		if (a->wait.timeout_nsec > deadline)
			a->wait.timeout_nsec = deadline;
		break;
	case DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT:
		a->twait.count_handles %= MAX_SYNC_COUNT + 1;
		if (a->twait.timeout_nsec > deadline)
			a->twait.timeout_nsec = deadline;
		break;
	case DRM_IOCTL_SYNCOBJ_SIGNAL:
	case DRM_IOCTL_SYNCOBJ_RESET:
		a->array.count_handles %= MAX_SYNC_COUNT + 1;
		break;
	case DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL:
	case DRM_IOCTL_SYNCOBJ_QUERY:
		a->tarray.count_handles %= MAX_SYNC_COUNT + 1;
		break;
	case DRM_IOCTL_SYNCOBJ_TRANSFER:
		a->transfer.flags &= ~DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT;
		break;
	}
}

/* Drop mapping @i (its BO may be closed long since). */
static void unmap_one(struct fuzz *f, unsigned int i)
{
	if (f->maps[i].p)
		munmap(f->maps[i].p, f->maps[i].len);
	f->maps[i].p = NULL;
}

/*
 * Map a BO at its offset, or around it (a page before, past its end, a
 * length beyond the BO), with any protection; touch what was mapped so
 * it faults in; sometimes unmap part of it; keep it for later touches.
 */
static void map_bo(struct fuzz *f, uint64_t offset, uint64_t size)
{
	static const int prots[] = { PROT_READ, PROT_READ | PROT_WRITE,
				     PROT_WRITE, PROT_NONE };
	int prot = prots[rnd() % 4];
	uint64_t len = rnd() % 4 ? size : rnd() % 2 ? 4096 : size + 4096;
	uint64_t off = offset;
	unsigned int i = rnd() % MAX_MAPS;
	uint8_t *p;

	if (rnd() % 8 == 0)
		off += (rnd() % 3) * 4096 - 4096;
	p = mmap(NULL, len, prot, MAP_SHARED, f->fd, (off_t)off);
	note(f, p == MAP_FAILED ? -1 : 0);
	if (p == MAP_FAILED)
		return;
	unmap_one(f, i);
	/* Only what lies within the BO is touched: past it is SIGBUS. */
	if (off == offset && len <= size) {
		f->maps[i].p = p;
		f->maps[i].len = len;
		f->maps[i].prot = prot;
		if (rnd() % 4 == 0 && len > 4096) {
			/* Split the VMA: drop its first page. */
			munmap(p, 4096);
			f->maps[i].p = p + 4096;
			f->maps[i].len = len - 4096;
		}
	} else {
		munmap(p, len);
	}
}

/* Read or write a random page of a kept mapping, as its prot allows. */
static void touch_map(struct fuzz *f)
{
	unsigned int i = rnd() % MAX_MAPS;
	volatile uint8_t *p = f->maps[i].p;
	size_t at;

	if (!p || f->maps[i].prot == PROT_NONE)
		return;
	at = (rnd() % (f->maps[i].len / 4096)) * 4096 + rnd() % 4096;
	if (f->maps[i].prot & PROT_WRITE)
		p[at] = (uint8_t)rnd();
	else
		(void)p[at];
	f->touched++;
	if (rnd() % 16 == 0)
		unmap_one(f, i);
}

static void one_call(struct fuzz *f)
{
	union {
		struct drm_d1_query q;
		struct drm_d1_ping p;
		struct drm_d1_bo_create bc;
		struct drm_d1_bo_info bi;
		struct drm_d1_vm_bind vb;
		struct drm_d1_vm_unbind vu;
		struct drm_d1_submit s;
		struct drm_d1_context_status cs;
		struct drm_gem_close gc;
		struct drm_prime_handle ph;
		union syncobj_arg so;
		uint8_t raw[512];
	} a;
	static struct drm_d1_cmd cmds[8];
	static struct drm_d1_sync syncs[4];
	unsigned long req;
	unsigned int i;
	int ret, mutable = 1, map = 0;

	if (rnd() % 8 == 0)
		touch_map(f);
	memset(&a, 0, sizeof(a));
	switch (rnd() % 16) {
	case 0:
		a.q.param = rnd() % 3;
		a.q.size = rnd() % 2 ? sizeof(struct drm_d1_device_info) : rnd() % 256;
		a.q.data = pick_ptr(f, a.q.size);
		req = DRM_IOCTL_D1_QUERY;
		break;
	case 1:
		a.p.value = (uint32_t)rnd();
		a.p.timeout_ns = rnd() % 2 ? 0 : rnd() % 2000000;
		req = DRM_IOCTL_D1_PING;
		break;
	case 2:
	case 3:
		a.bc.size = rnd() % 2 ? 4096 * (1 + rnd() % 16) : pick_size();
		a.bc.placement = rnd() % 3;
		req = DRM_IOCTL_D1_BO_CREATE;
		break;
	case 4:
		/* BO_INFO, then map the BO at the offset it gives. */
		map = 1;
		/* fall through */
	case 5:
		a.bi.handle = pick_handle(f->bos, f->nbos);
		req = DRM_IOCTL_D1_BO_INFO;
		break;
	case 6:
	case 7:
		a.vb.handle = pick_handle(f->bos, f->nbos);
		a.vb.flags = rnd() % 4 ? 1 + rnd() % 3 : (uint32_t)rnd();
		a.vb.offset = rnd() % 2 ? 0 : pick_size();
		a.vb.size = rnd() % 2 ? 0 : pick_size();
		if (a.vb.flags & DRM_D1_VM_FIXED)
			a.vb.va = pick_va(f);
		req = DRM_IOCTL_D1_VM_BIND;
		break;
	case 8:
		a.vu.va = pick_va(f);
		a.vu.size = rnd() % 2 ? 0 : pick_size();
		req = DRM_IOCTL_D1_VM_UNBIND;
		break;
	case 9:
	case 10:
		for (i = 0; i < 8; i++)
			fill_cmd(f, &cmds[i]);
		for (i = 0; i < 4; i++) {
			syncs[i].handle = pick_handle(f->syncs, f->nsyncs);
			syncs[i].point = rnd() % 3 ? 0 : rnd() % 5;
		}
		a.s.queue = rnd() % 6;
		a.s.cmds = rnd() % 4 ? (uintptr_t)cmds : pick_ptr(f, 512);
		a.s.cmd_count = rnd() % 4 ? 1 + rnd() % 8 : (uint32_t)rnd();
		a.s.cmd_size = rnd() % 4 ? sizeof(struct drm_d1_cmd) : (uint32_t)rnd() % 8192;
		a.s.in_syncs = rnd() % 2 ? (uintptr_t)syncs : pick_ptr(f, 64);
		a.s.out_syncs = rnd() % 2 ? (uintptr_t)syncs : pick_ptr(f, 64);
		a.s.in_sync_count = rnd() % 3;
		a.s.out_sync_count = rnd() % 3;
		a.s.sync_size = rnd() % 4 ? sizeof(struct drm_d1_sync) : (uint32_t)rnd() % 8192;
		req = DRM_IOCTL_D1_SUBMIT;
		break;
	case 11:
		a.cs.flags = rnd() % 4 ? rnd() % 2 : (uint32_t)rnd();
		req = DRM_IOCTL_D1_GET_CONTEXT_STATUS;
		break;
	case 12:
		a.gc.handle = pick_handle(f->bos, f->nbos);
		req = DRM_IOCTL_GEM_CLOSE;
		break;
	case 13:
		if (rnd() % 2) {
			a.ph.handle = pick_handle(f->bos, f->nbos);
			a.ph.flags = rnd() % 2 ? DRM_CLOEXEC | DRM_RDWR : (uint32_t)rnd();
			req = DRM_IOCTL_PRIME_HANDLE_TO_FD;
		} else {
			a.ph.fd = (int)(rnd() % 40);
			req = DRM_IOCTL_PRIME_FD_TO_HANDLE;
		}
		break;
	case 14:
		req = syncobj_call(f, &a.so);
		if (rnd() % 6 == 0)
			mutate(a.raw, sizeof(a.so));
		syncobj_clamp(req, &a.so);
		/* A bad argument pointer, but never readable junk. */
		if (rnd() % 50 == 0) {
			ret = ioctl(f->fd, req, rnd() % 2 ? NULL : f->none);
			note(f, ret);
			return;
		}
		mutable = 0;
		break;
	default:
		/* Any command number of ours, any direction and size. */
		for (i = 0; i < sizeof(a.raw); i++)
			a.raw[i] = (uint8_t)rnd();
		req = _IOC(rnd() % 4, DRM_IOCTL_BASE,
			   DRM_COMMAND_BASE + rnd() % 0x20, rnd() % 300);
		break;
	}
	if (mutable && rnd() % 6 == 0)
		mutate(a.raw, 64);
	if (mutable && rnd() % 50 == 0)
		ret = ioctl(f->fd, req, pick_ptr(f, 64));	/* bad arg pointer */
	else
		ret = ioctl(f->fd, req, &a);
	note(f, ret);
	if (ret)
		return;

	/* Keep what the calls created, so later ones use real handles. */
	if (req == DRM_IOCTL_D1_BO_INFO && map && a.bi.size <= (16u << 20)) {
		map_bo(f, a.bi.mmap_offset, a.bi.size);
	} else if (req == DRM_IOCTL_D1_BO_CREATE) {
		uint64_t h = a.bc.handle;

		/* A big BO stays unused: bound, it would pin its pages and
		 * a 2 GiB guest runs out of memory (the OOM killer is no
		 * finding).
		 */
		if (a.bc.size > (16u << 20)) {
			struct drm_gem_close gc = { .handle = a.bc.handle };

			ioctl(f->fd, DRM_IOCTL_GEM_CLOSE, &gc);
			return;
		}

		if (f->nbos == MAX_HANDLES) {
			struct drm_gem_close gc = { .handle = f->bos[0] };

			ioctl(f->fd, DRM_IOCTL_GEM_CLOSE, &gc);
			memmove(f->bos, f->bos + 1, sizeof(f->bos) - sizeof(f->bos[0]));
			f->nbos--;
		}
		f->bos[f->nbos++] = (uint32_t)h;
	} else if (req == DRM_IOCTL_D1_VM_BIND) {
		remember(f->vas, &f->nvas, a.vb.va);
	} else if (req == DRM_IOCTL_SYNCOBJ_CREATE) {
		if (f->nsyncs < MAX_HANDLES)
			f->syncs[f->nsyncs++] = a.so.create.handle;
	} else if (req == DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD) {
		close(a.so.fd.fd);
	} else if (req == DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE) {
		if (f->nsyncs < MAX_HANDLES)
			f->syncs[f->nsyncs++] = a.so.fd.handle;
	} else if (req == DRM_IOCTL_PRIME_HANDLE_TO_FD) {
		close(a.ph.fd);
	}
}

/*
 * Lines in one of the driver's debugfs lists (named after the card's PCI
 * address), or -1 without debugfs.
 */
static long debugfs_count(const struct d1_dev *dev, const char *name)
{
	char path[PATH_MAX + 64], real[PATH_MAX], line[512];
	long n = 0;
	FILE *fp;

	if (!realpath(dev->sysfs, real))
		return -1;
	snprintf(path, sizeof(path), "/sys/kernel/debug/accel/%s/%s",
		 basename(real), name);
	fp = fopen(path, "r");
	if (!fp)
		return -1;
	while (fgets(line, sizeof(line), fp))
		n++;
	fclose(fp);
	return n;
}

#define MAX_THREADS	8

/* One worker's share of the calls; its own handles, maps and figures. */
static void fuzz_run(struct fuzz *f, unsigned long calls)
{
	unsigned long i;
	unsigned int m;

	rng = f->seed ? f->seed : 1;
	f->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	for (i = 0; i < calls; i++)
		one_call(f);
	for (m = 0; m < MAX_MAPS; m++)
		unmap_one(f, m);
	close(f->efd);
}

struct worker {
	pthread_t thread;
	struct fuzz f;
	unsigned long calls;
};

static void *fuzz_thread(void *arg)
{
	struct worker *w = arg;

	fuzz_run(&w->f, w->calls);
	return NULL;
}

TEST(ioctl_fuzz)
{
	const char *c = getenv("D1_FUZZ_CALLS"), *s = getenv("D1_FUZZ_SEED");
	const char *t = getenv("D1_FUZZ_THREADS");
	unsigned long calls = c ? strtoul(c, NULL, 0) : 5000, share;
	unsigned int nthreads = t ? strtoul(t, NULL, 0) : 3, i;
	static struct worker w[1 + MAX_THREADS];
	unsigned long total = 0, ok = 0, touched = 0, err[140] = { 0 };
	long bos_before, ctx_before;
	struct d1_dev dev;
	uint8_t *mem;
	uint64_t seed;
	int e, fd, status;
	pid_t child;

	if (d1_find(&dev))
		SKIP(return, "no d1 device (is d1.ko loaded?)");
	bos_before = debugfs_count(&dev, "bos");
	ctx_before = debugfs_count(&dev, "contexts");
	/* The leak check below needs the driver's debugfs lists. */
	ASSERT_LE(0, bos_before) TH_LOG("no d1 debugfs (debugfs not mounted?)");
	if (s && !strcmp(s, "random"))
		seed = (uint64_t)time(NULL) * 0x9e3779b97f4a7c15ull;
	else
		seed = s ? strtoull(s, NULL, 0) : 0xd1f0221ull;
	if (nthreads > MAX_THREADS)
		nthreads = MAX_THREADS;
	/* The main thread, the others, and a forked child share the calls. */
	share = calls / (nthreads + 2);
	TH_LOG("seed 0x%llx, %lu calls over %u threads and a child",
	       (unsigned long long)seed, calls, nthreads + 1);

	fd = open(dev.node, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	mem = mmap(NULL, 65536 + 3 * 4096, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, mem);
	ASSERT_EQ(0, mprotect(mem + 65536, 4096, PROT_NONE));
	ASSERT_EQ(0, mprotect(mem + 65536 + 4096, 4096, PROT_READ));
	ASSERT_EQ(0, mprotect(mem + 65536 + 2 * 4096, 4096, PROT_NONE));
	for (i = 0; i <= nthreads; i++) {
		memset(&w[i].f, 0, sizeof(w[i].f));
		w[i].f.fd = fd;
		w[i].f.ok = mem;
		w[i].f.ro = mem + 65536 + 4096;
		w[i].f.none = mem + 65536 + 2 * 4096;
		w[i].f.seed = seed + i * 0x9e3779b97f4a7c15ull;
		w[i].calls = i ? share : calls - nthreads * share - share;
	}

	/* The child uses the same file (same handles) from its own mm. */
	child = fork();
	ASSERT_LE(0, child);
	if (!child) {
		struct fuzz cf = w[0].f;

		cf.seed = ~seed;
		fuzz_run(&cf, share);
		_exit(0);
	}
	for (i = 1; i <= nthreads; i++)
		ASSERT_EQ(0, pthread_create(&w[i].thread, NULL, fuzz_thread,
					    &w[i]));
	fuzz_run(&w[0].f, w[0].calls);
	for (i = 1; i <= nthreads; i++)
		pthread_join(w[i].thread, NULL);
	ASSERT_EQ(child, waitpid(child, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("the forked child died: status 0x%x", status);

	for (i = 0; i <= nthreads; i++) {
		total += w[i].f.calls;
		ok += w[i].f.ok_calls;
		touched += w[i].f.touched;
		for (e = 1; e < 140; e++)
			err[e] += w[i].f.err[e];
	}
	TH_LOG("%lu calls (and %lu in the child): %lu succeeded, %lu touches of mapped BOs",
	       total, share, ok, touched);
	for (e = 1; e < 140; e++)
		if (err[e])
			TH_LOG("  %-10s %lu", strerror(e), err[e]);
	EXPECT_LT(0ul, ok);
	EXPECT_LT(0ul, err[EINVAL]);

	/* The fuzzed file may be guilty now; a fresh one must work. */
	close(fd);
	fd = open(dev.node, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(1, d1_copy_round_trip(fd, 1));
	close(fd);

	/* Every BO and context of both files is gone. */
	usleep(200000);	/* deferred frees */
	EXPECT_EQ(bos_before, debugfs_count(&dev, "bos"));
	EXPECT_EQ(ctx_before, debugfs_count(&dev, "contexts"));
	munmap(mem, 65536 + 3 * 4096);
}

TEST_HARNESS_MAIN

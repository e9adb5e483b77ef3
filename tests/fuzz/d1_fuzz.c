// SPDX-License-Identifier: GPL-2.0
/*
 * ioctl fuzzer for d1.ko: random and mutation-based calls over every d1
 * ioctl and the DRM core ones on our fd (GEM close, PRIME, syncobj,
 * version), with random sizes, handles, pointers (NULL, unmapped,
 * read-only, misaligned, kernel addresses), flags and padding.
 *
 * Pass: no call crashes us, the kernel log stays clean (the VM runner
 * fails the run on any WARNING/BUG/Oops), the device still runs a
 * known-good job afterwards, and closing the fd releases every BO and
 * context (checked through the driver's debugfs counters when present).
 *
 * D1_FUZZ_CALLS (default 5000) and D1_FUZZ_SEED (default fixed; "random")
 * set the run; the figures are printed at the end.
 */
#include <poll.h>
#include <sys/mman.h>
#include <time.h>

#include <xf86drm.h>

#include "d1_common.h"
#include "d1_submit_common.h"
#include "kselftest_harness.h"

#define MAX_HANDLES	32

static uint64_t rng;

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
	unsigned long calls, ok_calls, faults;
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
		struct drm_syncobj_create sc;
		struct drm_syncobj_destroy sd;
		struct drm_syncobj_wait sw;
		struct drm_syncobj_timeline_array ta;
		uint8_t raw[512];
	} a;
	static struct drm_d1_cmd cmds[8];
	static struct drm_d1_sync syncs[4];
	unsigned long req;
	unsigned int i;
	int ret, mutable = 1, map = 0;

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
		switch (rnd() % 3) {
		case 0:
			a.sc.flags = rnd() % 2 ? rnd() % 2 : (uint32_t)rnd();
			req = DRM_IOCTL_SYNCOBJ_CREATE;
			break;
		case 1:
			a.sd.handle = pick_handle(f->syncs, f->nsyncs);
			req = DRM_IOCTL_SYNCOBJ_DESTROY;
			break;
		default:
			a.ta.handles = rnd() % 2 ? (uintptr_t)f->syncs : pick_ptr(f, 16);
			a.ta.points = pick_ptr(f, 16);
			a.ta.count_handles = rnd() % 3;
			req = DRM_IOCTL_SYNCOBJ_QUERY;
			break;
		}
		/*
		 * Neither mutated nor pointed at junk: Linux 6.12's
		 * drm_syncobj_array_find() kmallocs a huge count without
		 * __GFP_NOWARN and WARNs - a DRM core issue, not ours, that
		 * would fail every run.
		 */
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
		volatile uint8_t *p = mmap(NULL, a.bi.size,
					   PROT_READ | PROT_WRITE, MAP_SHARED,
					   f->fd, (off_t)a.bi.mmap_offset);

		if (p != MAP_FAILED) {
			p[0] = p[a.bi.size - 1];
			munmap((void *)p, a.bi.size);
		}
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
	} else if (req == DRM_IOCTL_SYNCOBJ_CREATE && f->nsyncs < MAX_HANDLES) {
		f->syncs[f->nsyncs++] = a.sc.handle;
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

TEST(ioctl_fuzz)
{
	const char *c = getenv("D1_FUZZ_CALLS"), *s = getenv("D1_FUZZ_SEED");
	unsigned long calls = c ? strtoul(c, NULL, 0) : 5000, i;
	long bos_before, ctx_before;
	struct d1_dev dev;
	struct fuzz f;
	int e;

	if (d1_find(&dev))
		SKIP(return, "no d1 device (is d1.ko loaded?)");
	bos_before = debugfs_count(&dev, "bos");
	ctx_before = debugfs_count(&dev, "contexts");
	/* The leak check below needs the driver's debugfs lists. */
	ASSERT_LE(0, bos_before) TH_LOG("no d1 debugfs (debugfs not mounted?)");
	if (s && !strcmp(s, "random"))
		rng = (uint64_t)time(NULL) * 0x9e3779b97f4a7c15ull;
	else
		rng = s ? strtoull(s, NULL, 0) : 0xd1f0221ull;
	if (!rng)
		rng = 1;
	TH_LOG("seed 0x%llx, %lu calls", (unsigned long long)rng, calls);

	memset(&f, 0, sizeof(f));
	f.fd = open(dev.node, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, f.fd);
	f.ok = mmap(NULL, 65536 + 3 * 4096, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, f.ok);
	f.ro = f.ok + 65536 + 4096;
	f.none = f.ok + 65536 + 2 * 4096;
	ASSERT_EQ(0, mprotect(f.ok + 65536, 4096, PROT_NONE));
	ASSERT_EQ(0, mprotect(f.ro, 4096, PROT_READ));
	ASSERT_EQ(0, mprotect(f.none, 4096, PROT_NONE));

	for (i = 0; i < calls; i++)
		one_call(&f);

	TH_LOG("%lu calls: %lu succeeded", f.calls, f.ok_calls);
	for (e = 1; e < 140; e++)
		if (f.err[e])
			TH_LOG("  %-10s %lu", strerror(e), f.err[e]);
	EXPECT_LT(0ul, f.ok_calls);
	EXPECT_LT(0ul, f.err[EINVAL]);

	/* The fuzzed file may be guilty now; a fresh one must work. */
	close(f.fd);
	f.fd = open(dev.node, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, f.fd);
	ASSERT_EQ(1, d1_copy_round_trip(f.fd, 1));
	close(f.fd);

	/* Every BO and context of both files is gone. */
	usleep(200000);	/* deferred frees */
	EXPECT_EQ(bos_before, debugfs_count(&dev, "bos"));
	EXPECT_EQ(ctx_before, debugfs_count(&dev, "contexts"));
	munmap(f.ok, 65536 + 3 * 4096);
}

TEST_HARNESS_MAIN

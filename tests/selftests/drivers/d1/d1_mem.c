// SPDX-License-Identifier: GPL-2.0
/*
 * d1 selftests: buffer objects and address spaces.  BO_CREATE, BO_INFO
 * (and CPU mappings at its mmap_offset), VM_BIND, VM_UNBIND,
 * GET_CONTEXT_STATUS: valid use and every invalid form; the retired
 * BO_MMAP_OFFSET number refused; hardware context exhaustion; isolation
 * between files and processes; PRIME sharing of host BOs; fdinfo;
 * SUBMIT's invalid forms.
 *
 * Needs d1.ko loaded (or $D1_KMOD/$D1_KO) and the default d1-dip device.
 */
/* SUB(...) overrides its defaults with designated initializers. */
#pragma GCC diagnostic ignored "-Woverride-init"

#include <pthread.h>

#include "d1_submit_common.h"
#include "kselftest_harness.h"

#define MiB	(1024 * 1024ull)
#define RW	(DRM_D1_VM_READ | DRM_D1_VM_WRITE)
#define D1_MAX_CONTEXTS_TEST	256

FIXTURE(mem) {
	struct d1_dev dev;
	struct drm_d1_device_info info;
	struct drm_d1_submit_info si;
	int fd;
};

FIXTURE_SETUP(mem)
{
	D1_SETUP_OPEN(self);
	ASSERT_EQ(0, d1_query_info(self->fd, &self->info));
	ASSERT_EQ(0, d1_submit_info(self->fd, &self->si));
}

FIXTURE_TEARDOWN(mem)
{
	if (self->fd >= 0)
		close(self->fd);
}

static int bo_create_raw(int fd, struct drm_d1_bo_create *c)
{
	return d1_ioctl(fd, DRM_IOCTL_D1_BO_CREATE, c);
}

TEST_F(mem, bo_create)
{
	struct drm_d1_bo_create c;
	struct drm_d1_bo_info bi = { 0 };

	/* Sizes round up to the page size. */
	c = (struct drm_d1_bo_create){ .size = 1, .placement = DRM_D1_BO_HOST };
	ASSERT_EQ(0, bo_create_raw(self->fd, &c));
	EXPECT_EQ(4096ull, c.size);
	EXPECT_NE(0u, c.handle);
	bi.handle = c.handle;
	ASSERT_EQ(0, d1_ioctl(self->fd, DRM_IOCTL_D1_BO_INFO, &bi));
	EXPECT_EQ(4096ull, bi.size);
	EXPECT_EQ(DRM_D1_BO_HOST, bi.placement);
	EXPECT_NE(0ull, bi.mmap_offset);
	EXPECT_EQ(0, d1_bo_close(self->fd, c.handle));

	c = (struct drm_d1_bo_create){ .size = 5000, .placement = DRM_D1_BO_HBM };
	ASSERT_EQ(0, bo_create_raw(self->fd, &c));
	EXPECT_EQ(8192ull, c.size);
	bi = (struct drm_d1_bo_info){ .handle = c.handle };
	ASSERT_EQ(0, d1_ioctl(self->fd, DRM_IOCTL_D1_BO_INFO, &bi));
	EXPECT_EQ(DRM_D1_BO_HBM, bi.placement);
	EXPECT_EQ(0, d1_bo_close(self->fd, c.handle));
}

TEST_F(mem, bo_create_invalid)
{
	struct drm_d1_bo_create c;
	__u32 h1, h2;

	c = (struct drm_d1_bo_create){ .size = 0, .placement = DRM_D1_BO_HOST };
	EXPECT_EQ(-EINVAL, bo_create_raw(self->fd, &c));
	c = (struct drm_d1_bo_create){ .size = 4096, .placement = 2 };
	EXPECT_EQ(-EINVAL, bo_create_raw(self->fd, &c));
	c = (struct drm_d1_bo_create){ .size = 4096, .flags = 1 };
	EXPECT_EQ(-EINVAL, bo_create_raw(self->fd, &c));
	c = (struct drm_d1_bo_create){ .size = 4096, .pad = 1 };
	EXPECT_EQ(-EINVAL, bo_create_raw(self->fd, &c));
	c = (struct drm_d1_bo_create){ .size = ~0ull };
	EXPECT_EQ(-EINVAL, bo_create_raw(self->fd, &c));
	c = (struct drm_d1_bo_create){ .size = self->info.hbm_size + 1,
				       .placement = DRM_D1_BO_HBM };
	EXPECT_EQ(-EINVAL, bo_create_raw(self->fd, &c));
	/* HBM runs out: -ENOSPC, and comes back when freed. */
	ASSERT_EQ(0, d1_bo_create(self->fd, self->info.hbm_size * 3 / 4,
				  DRM_D1_BO_HBM, &h1));
	EXPECT_EQ(-ENOSPC, d1_bo_create(self->fd, self->info.hbm_size / 2,
					DRM_D1_BO_HBM, &h2));
	EXPECT_EQ(0, d1_bo_close(self->fd, h1));
	ASSERT_EQ(0, d1_bo_create(self->fd, self->info.hbm_size / 2,
				  DRM_D1_BO_HBM, &h2));
	EXPECT_EQ(0, d1_bo_close(self->fd, h2));
}

/*
 * BO_INFO's mmap_offset maps either placement: what the CPU writes there
 * the device reads (COPY out to another BO), a second mapping sees the
 * same memory, and the offset stays the same.
 */
TEST_F(mem, bo_info_mmap)
{
	const __u32 placements[] = { DRM_D1_BO_HOST, DRM_D1_BO_HBM };
	const size_t n = 3 * 4096;
	unsigned int k, i;

	for (k = 0; k < 2; k++) {
		struct drm_d1_bo_info bi = { 0 }, again = { 0 };
		struct d1_buf out;
		struct drm_d1_cmd c;
		unsigned char *p, *again_p;
		__u64 va = 0;
		__u32 h;

		ASSERT_EQ(0, d1_bo_create(self->fd, n, placements[k], &h));
		bi.handle = h;
		bi.pad = 0xdead;
		ASSERT_EQ(0, d1_ioctl(self->fd, DRM_IOCTL_D1_BO_INFO, &bi));
		EXPECT_EQ(n, bi.size);
		EXPECT_EQ(placements[k], bi.placement);
		EXPECT_EQ(0u, bi.pad);
		ASSERT_NE(0ull, bi.mmap_offset);
		ASSERT_EQ(0ull, bi.mmap_offset % 4096);

		p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd,
			 bi.mmap_offset);
		ASSERT_NE(MAP_FAILED, p) TH_LOG("placement %u: %s",
						placements[k], strerror(errno));
		for (i = 0; i < n; i++)
			p[i] = (unsigned char)(i * 7 + k);
		again_p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_SHARED,
			       self->fd, bi.mmap_offset);
		ASSERT_NE(MAP_FAILED, again_p);
		EXPECT_EQ(0, memcmp(again_p, p, n));
		again_p[4096 + 5] ^= 0xff;
		EXPECT_EQ((unsigned char)((4096 + 5) * 7 + k) ^ 0xff,
			  p[4096 + 5]);
		again_p[4096 + 5] ^= 0xff;
		munmap(again_p, n);

		/* The device sees the CPU's writes. */
		ASSERT_EQ(0, d1_vm_bind(self->fd, h, DRM_D1_VM_READ, 0, 0, &va));
		ASSERT_EQ(0, d1_buf_new(self->fd, n, DRM_D1_BO_HOST, &out));
		c = d1_cmd_copy(va, out.va, n);
		ASSERT_EQ(1, d1_run(self->fd, 0, &c, 1, 10 * D1_SEC));
		EXPECT_EQ(0, memcmp(out.map, p, n)) TH_LOG("placement %u",
							   placements[k]);

		again.handle = h;
		ASSERT_EQ(0, d1_ioctl(self->fd, DRM_IOCTL_D1_BO_INFO, &again));
		EXPECT_EQ(bi.mmap_offset, again.mmap_offset);
		munmap(p, n);
		d1_buf_free(self->fd, &out);
		EXPECT_EQ(0, d1_vm_unbind(self->fd, va, 0));
		EXPECT_EQ(0, d1_bo_close(self->fd, h));
	}
}

TEST_F(mem, bo_info_mmap_invalid)
{
	const __u32 placements[] = { DRM_D1_BO_HOST, DRM_D1_BO_HBM };
	struct drm_d1_bo_info bi = { .handle = 12345 };
	unsigned int k;
	__u32 h;
	void *p;

	EXPECT_EQ(-ENOENT, d1_ioctl(self->fd, DRM_IOCTL_D1_BO_INFO, &bi));
	for (k = 0; k < 2; k++) {
		ASSERT_EQ(0, d1_bo_create(self->fd, 4096, placements[k], &h));
		bi = (struct drm_d1_bo_info){ .handle = h, .flags = 1 };
		EXPECT_EQ(-EINVAL, d1_ioctl(self->fd, DRM_IOCTL_D1_BO_INFO, &bi));
		bi.flags = 0;
		ASSERT_EQ(0, d1_ioctl(self->fd, DRM_IOCTL_D1_BO_INFO, &bi));
		/*
		 * Private (copy-on-write) mappings, maps larger than the BO
		 * and maps not starting at the offset are refused.
		 */
		p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE,
			 self->fd, bi.mmap_offset);
		EXPECT_EQ(MAP_FAILED, p) TH_LOG("placement %u", placements[k]);
		p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED,
			 self->fd, bi.mmap_offset);
		EXPECT_EQ(MAP_FAILED, p);
		p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED,
			 self->fd, bi.mmap_offset + 4096);
		EXPECT_EQ(MAP_FAILED, p);
		EXPECT_EQ(0, d1_bo_close(self->fd, h));
	}
}

/*
 * DRM_D1_BO_MMAP_OFFSET (0x03) was retired in uAPI 2.0: the number is a
 * hole in the ioctl table, refused with EINVAL whatever the argument.
 */
struct d1_retired_mmap_offset {
	__u32 handle;
	__u32 flags;
	__u64 offset;
};

TEST_F(mem, bo_mmap_offset_retired)
{
	struct d1_retired_mmap_offset o = { .offset = 0x1234 };
	const unsigned long nr = DRM_COMMAND_BASE + 0x03;
	struct drm_d1_bo_info bi = { 0 };

	ASSERT_EQ(0, d1_bo_create(self->fd, 4096, DRM_D1_BO_HOST, &o.handle));
	EXPECT_EQ(-EINVAL, d1_ioctl(self->fd,
				    DRM_IOWR(nr, struct d1_retired_mmap_offset),
				    &o));
	EXPECT_EQ(0x1234ull, o.offset);
	EXPECT_EQ(-EINVAL, d1_ioctl(self->fd, DRM_IO(nr), NULL));
	bi.handle = o.handle;
	EXPECT_EQ(-EINVAL, d1_ioctl(self->fd,
				    DRM_IOWR(nr, struct drm_d1_bo_info), &bi));
	EXPECT_EQ(0ull, bi.mmap_offset);
	EXPECT_EQ(0, d1_bo_close(self->fd, o.handle));
}

/* New BOs read zero, also HBM that held another BO's data. */
TEST_F(mem, bo_zeroed)
{
	const size_t n = 64 * 1024;
	unsigned int round, i;
	__u32 h;

	for (round = 0; round < 3; round++) {
		unsigned char *p;

		ASSERT_EQ(0, d1_bo_create(self->fd, n, round == 2 ?
					  DRM_D1_BO_HOST : DRM_D1_BO_HBM, &h));
		p = d1_bo_mmap(self->fd, h, n);
		ASSERT_NE(NULL, p);
		for (i = 0; i < n; i++)
			ASSERT_EQ(0, p[i]) TH_LOG("round %u byte %u", round, i);
		memset(p, 0xa5, n);
		munmap(p, n);
		EXPECT_EQ(0, d1_bo_close(self->fd, h));
	}
}

TEST_F(mem, vm_bind)
{
	__u64 va = 0, va2 = 0, fixed;
	__u32 h;

	ASSERT_EQ(0, d1_bo_create(self->fd, 4 * MiB, DRM_D1_BO_HBM, &h));
	ASSERT_EQ(0, d1_vm_bind(self->fd, h, RW, 0, 0, &va));
	EXPECT_LE(self->si.va_start, va);
	EXPECT_EQ(0ull, va % (2 * MiB));
	/* A range of the same BO, read-only, somewhere else. */
	ASSERT_EQ(0, d1_vm_bind(self->fd, h, DRM_D1_VM_READ, 4096, 8192, &va2));
	EXPECT_TRUE(va2 >= va + 4 * MiB || va2 + 8192 <= va);
	/* At a chosen VA. */
	fixed = 0x4000000000ull;
	ASSERT_EQ(0, d1_vm_bind(self->fd, h, RW | DRM_D1_VM_FIXED, 0, 4096,
				&fixed));
	EXPECT_EQ(0x4000000000ull, fixed);
	/* The mapping keeps the BO: closing the handle does not unmap. */
	EXPECT_EQ(0, d1_bo_close(self->fd, h));
	EXPECT_EQ(0, d1_vm_unbind(self->fd, va, 4 * MiB));
	EXPECT_EQ(0, d1_vm_unbind(self->fd, va2, 0));
	EXPECT_EQ(0, d1_vm_unbind(self->fd, fixed, 0));
	EXPECT_EQ(-ENOENT, d1_vm_unbind(self->fd, fixed, 0));
}

TEST_F(mem, vm_bind_invalid)
{
	struct drm_d1_vm_bind b;
	struct drm_d1_vm_unbind u;
	__u64 va, end = self->si.va_end;
	__u32 h;

	ASSERT_EQ(0, d1_bo_create(self->fd, 64 * 1024, DRM_D1_BO_HOST, &h));
#define BIND(...) ({ b = (struct drm_d1_vm_bind){ __VA_ARGS__ }; \
		     d1_ioctl(self->fd, DRM_IOCTL_D1_VM_BIND, &b); })
	EXPECT_EQ(-ENOENT, BIND(.handle = 999, .flags = RW));
	EXPECT_EQ(-EINVAL, BIND(.handle = h, .flags = 0));
	EXPECT_EQ(-EINVAL, BIND(.handle = h, .flags = DRM_D1_VM_FIXED,
				.va = 0x4000000000ull));
	EXPECT_EQ(-EINVAL, BIND(.handle = h, .flags = RW | 0x8));
	EXPECT_EQ(-EINVAL, BIND(.handle = h, .flags = RW, .offset = 100));
	EXPECT_EQ(-EINVAL, BIND(.handle = h, .flags = RW, .size = 100));
	EXPECT_EQ(-EINVAL, BIND(.handle = h, .flags = RW, .va = 0x4000000000ull));
	EXPECT_EQ(-EINVAL, BIND(.handle = h, .flags = RW, .offset = 64 * 1024));
	EXPECT_EQ(-EINVAL, BIND(.handle = h, .flags = RW, .offset = 4096,
				.size = 64 * 1024));
	EXPECT_EQ(-EINVAL, BIND(.handle = h, .flags = RW, .offset = 4096,
				.size = ~0ull & ~4095ull));
	EXPECT_EQ(-EINVAL, BIND(.handle = h, .flags = RW | DRM_D1_VM_FIXED,
				.va = 0x4000000123ull));
	EXPECT_EQ(-EINVAL, BIND(.handle = h, .flags = RW | DRM_D1_VM_FIXED,
				.va = 0));
	EXPECT_EQ(-EINVAL, BIND(.handle = h, .flags = RW | DRM_D1_VM_FIXED,
				.va = self->si.va_start - 4096));
	EXPECT_EQ(-EINVAL, BIND(.handle = h, .flags = RW | DRM_D1_VM_FIXED,
				.va = end - 4096));
	EXPECT_EQ(-EINVAL, BIND(.handle = h, .flags = RW | DRM_D1_VM_FIXED,
				.va = ~0ull & ~4095ull));
	/* Overlap with an existing mapping. */
	ASSERT_EQ(0, BIND(.handle = h, .flags = RW | DRM_D1_VM_FIXED,
			  .va = 0x4000000000ull));
	EXPECT_EQ(-ENOSPC, BIND(.handle = h, .flags = RW | DRM_D1_VM_FIXED,
				.va = 0x4000000000ull + 4096, .size = 4096));
	EXPECT_EQ(-ENOSPC, BIND(.handle = h, .flags = RW | DRM_D1_VM_FIXED,
				.va = 0x4000000000ull - 4096, .size = 8192));
	/* Exactly at the end of the range is fine. */
	EXPECT_EQ(0, BIND(.handle = h, .flags = RW | DRM_D1_VM_FIXED,
			  .va = end - 4096, .size = 4096));
#undef BIND

	u = (struct drm_d1_vm_unbind){ .va = 0x4000000000ull, .flags = 1 };
	EXPECT_EQ(-EINVAL, d1_ioctl(self->fd, DRM_IOCTL_D1_VM_UNBIND, &u));
	u = (struct drm_d1_vm_unbind){ .va = 0x4000000000ull, .pad = 1 };
	EXPECT_EQ(-EINVAL, d1_ioctl(self->fd, DRM_IOCTL_D1_VM_UNBIND, &u));
	EXPECT_EQ(-EINVAL, d1_vm_unbind(self->fd, 0x4000000000ull, 4096));
	EXPECT_EQ(-ENOENT, d1_vm_unbind(self->fd, 0x4000000000ull + 4096, 0));
	EXPECT_EQ(-ENOENT, d1_vm_unbind(self->fd, 0x100000, 0));
	EXPECT_EQ(0, d1_vm_unbind(self->fd, 0x4000000000ull, 64 * 1024));
	EXPECT_EQ(0, d1_vm_unbind(self->fd, end - 4096, 4096));
	va = 0;
	EXPECT_EQ(0, d1_vm_bind(self->fd, h, RW, 0, 0, &va));
	EXPECT_EQ(0, d1_bo_close(self->fd, h));
}

struct unbind_arg {
	int fd;
	__u64 va;
	int ret;
	volatile int done;
};

static void *unbind_fn(void *p)
{
	struct unbind_arg *a = p;

	a->ret = d1_vm_unbind(a->fd, a->va, 0);
	a->done = 1;
	return NULL;
}

/*
 * VM_UNBIND waits for the file's earlier jobs: a job blocked in a WAIT
 * holds it back until the WAIT is satisfied; the mapping is then gone.
 */
TEST_F(mem, unbind_waits_for_jobs)
{
	struct unbind_arg a = { .fd = self->fd };
	struct d1_buf flag, other;
	struct drm_d1_cmd c[2];
	pthread_t tid;
	__u32 so = 0;

	ASSERT_EQ(0, d1_buf_new(self->fd, 4096, DRM_D1_BO_HOST, &flag));
	ASSERT_EQ(0, d1_buf_new(self->fd, 4096, DRM_D1_BO_HOST, &other));
	c[0] = d1_cmd_mem(DRM_D1_CMD_WAIT, flag.va, 1);
	c[1] = d1_cmd_mem(DRM_D1_CMD_SIGNAL, other.va, 7);
	ASSERT_EQ(0, d1_submit_sync(self->fd, 0, c, 2, &so));
	a.va = other.va;
	ASSERT_EQ(0, pthread_create(&tid, NULL, unbind_fn, &a));
	usleep(300000);
	EXPECT_EQ(0, a.done);
	__atomic_store_n((__u64 *)flag.map, 1, __ATOMIC_SEQ_CST);
	ASSERT_EQ(0, pthread_join(tid, NULL));
	EXPECT_EQ(0, a.ret);
	EXPECT_EQ(1, d1_sync_status(self->fd, so));
	EXPECT_EQ(7ull, *(__u64 *)other.map);
	/* Gone: a new job may not use it. */
	c[0] = d1_cmd_mem(DRM_D1_CMD_SIGNAL, other.va, 8);
	EXPECT_EQ(-EINVAL, d1_submit(self->fd, 0, c, 1, NULL, 0, NULL, 0));
	other.va = 0;
	drmSyncobjDestroy(self->fd, so);
	d1_buf_free(self->fd, &flag);
	d1_buf_free(self->fd, &other);
}

/* The card has num_contexts hardware contexts; one per binding file. */
TEST_F(mem, context_exhaustion)
{
	struct drm_d1_context_status st;
	int fds[D1_MAX_CONTEXTS_TEST], extra, i, n;
	__u64 va;
	__u32 h;

	n = self->info.num_contexts;
	ASSERT_GE(D1_MAX_CONTEXTS_TEST, n);
	ASSERT_EQ(0, d1_ctx_status(self->fd, 0, &st));
	EXPECT_EQ(~0u, st.context_id);
	for (i = 0; i < n; i++) {
		fds[i] = open(self->dev.node, O_RDWR | O_CLOEXEC);
		ASSERT_LE(0, fds[i]);
		ASSERT_EQ(0, d1_bo_create(fds[i], 4096, DRM_D1_BO_HOST, &h));
		va = 0;
		ASSERT_EQ(0, d1_vm_bind(fds[i], h, RW, 0, 0, &va))
			TH_LOG("file %d", i);
		ASSERT_EQ(0, d1_ctx_status(fds[i], 0, &st));
		EXPECT_GT((__u32)n, st.context_id);
	}
	/* Query and ping still work without a context. */
	extra = open(self->dev.node, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, extra);
	ASSERT_EQ(0, d1_bo_create(extra, 4096, DRM_D1_BO_HOST, &h));
	va = 0;
	EXPECT_EQ(-ENOSPC, d1_vm_bind(extra, h, RW, 0, 0, &va));
	close(fds[3]);
	va = 0;
	EXPECT_EQ(0, d1_vm_bind(extra, h, RW, 0, 0, &va));
	for (i = 0; i < n; i++)
		if (i != 3)
			close(fds[i]);
	close(extra);
}

/*
 * Isolation: a child process with its own file cannot reach the parent's
 * buffer through any VA.  The parent's VA is not mapped in the child's
 * address space (SUBMIT refuses it), binding its own BO there shows its
 * own zeroes, and a kernel whose DMA reads the parent's VA faults in the
 * child only: the parent is not guilty and its jobs still run.
 */
TEST_F(mem, isolation)
{
	const __u64 sva = 0x5000000000ull;
	struct drm_d1_context_status st;
	struct d1_buf secret, out;
	struct drm_d1_cmd c;
	__u32 h;
	pid_t pid;
	int status;

	ASSERT_EQ(0, d1_bo_create(self->fd, 4096, DRM_D1_BO_HBM, &h));
	secret.va = sva;
	ASSERT_EQ(0, d1_vm_bind(self->fd, h, RW | DRM_D1_VM_FIXED, 0, 0,
				&secret.va));
	secret.map = d1_bo_mmap(self->fd, h, 4096);
	ASSERT_NE(NULL, secret.map);
	memset(secret.map, 0x5e, 4096);
	ASSERT_EQ(0, d1_buf_new(self->fd, 4096, DRM_D1_BO_HOST, &out));

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct d1_buf mine, img, rep, args;
		__u64 va = sva, *a;
		int fd = open(self->dev.node, O_RDWR | O_CLOEXEC), i;
		unsigned char *p;
		__u32 isz;

		if (fd < 0 || d1_buf_new(fd, 4096, DRM_D1_BO_HOST, &mine))
			_exit(10);
		/* Not mapped here: refused before it reaches the device. */
		c = d1_cmd_copy(sva, mine.va, 4096);
		if (d1_run(fd, 0, &c, 1, 10 * D1_SEC) != -EINVAL)
			_exit(11);
		/* The child's own BO at the same VA: its own (zero) data. */
		if (d1_bo_create(fd, 4096, DRM_D1_BO_HOST, &h) ||
		    d1_vm_bind(fd, h, RW | DRM_D1_VM_FIXED, 0, 0, &va))
			_exit(12);
		if (d1_run(fd, 0, &c, 1, 10 * D1_SEC) != 1)
			_exit(13);
		p = mine.map;
		for (i = 0; i < 4096; i++)
			if (p[i])
				_exit(14);
		/* Node DMA from the parent's VA faults, in the child. */
		if (d1_vm_unbind(fd, va, 0) ||
		    d1_kernel_load(fd, "d1k_scale.elf", &img, &isz) ||
		    d1_buf_new(fd, 4096, DRM_D1_BO_HOST, &rep) ||
		    d1_buf_new(fd, 4096, DRM_D1_BO_HOST, &args))
			_exit(15);
		a = args.map;
		a[0] = sva;		/* src */
		a[1] = mine.va;		/* dst */
		a[2] = 16;		/* n = 16, mode = scale */
		c = d1_cmd_launch(img.va, isz, args.va, 24, 1, 1, 0, rep.va,
				  4096);
		if (d1_run(fd, 0, &c, 1, 60 * D1_SEC) != -EIO)
			_exit(16);
		if (d1_ctx_status(fd, 0, &st) || !st.guilty ||
		    st.error != DRM_D1_ERROR_MMU_FAULT || st.fault_va != sva)
			_exit(17);
		for (i = 0; i < 4096; i++)
			if (p[i])
				_exit(18);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));

	/* The parent's data is intact and its jobs still run. */
	ASSERT_EQ(0, d1_ctx_status(self->fd, 0, &st));
	EXPECT_EQ(0u, st.guilty);
	EXPECT_EQ(0u, st.error_count);
	c = d1_cmd_copy(secret.va, out.va, 4096);
	ASSERT_EQ(1, d1_run(self->fd, 0, &c, 1, 10 * D1_SEC));
	EXPECT_EQ(0x5e, ((unsigned char *)out.map)[4095]);
	EXPECT_EQ(0x5e, ((unsigned char *)secret.map)[0]);
	munmap(secret.map, 4096);
	d1_vm_unbind(self->fd, sva, 0);
	d1_bo_close(self->fd, h);
	d1_buf_free(self->fd, &out);
}

/* Host BOs travel between files (and processes) as PRIME dma-bufs. */
TEST_F(mem, prime_share)
{
	struct d1_buf a, b;
	struct drm_d1_cmd c;
	int other, dmafd;
	__u32 imported;
	__u64 va = 0;

	ASSERT_EQ(0, d1_buf_new(self->fd, 8192, DRM_D1_BO_HOST, &a));
	memset(a.map, 0x3c, 8192);
	ASSERT_EQ(0, drmPrimeHandleToFD(self->fd, a.handle, DRM_CLOEXEC,
					&dmafd));
	other = open(self->dev.node, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, other);
	ASSERT_EQ(0, drmPrimeFDToHandle(other, dmafd, &imported));
	ASSERT_EQ(0, d1_buf_new(other, 8192, DRM_D1_BO_HOST, &b));
	ASSERT_EQ(0, d1_vm_bind(other, imported, DRM_D1_VM_READ, 0, 0, &va));
	c = d1_cmd_copy(va, b.va, 8192);
	ASSERT_EQ(1, d1_run(other, 1, &c, 1, 10 * D1_SEC));
	EXPECT_EQ(0x3c, ((unsigned char *)b.map)[8191]);
	close(dmafd);
	d1_buf_free(other, &b);
	close(other);
	d1_buf_free(self->fd, &a);

	/* An HBM BO shared with another file of the card is the same BO. */
	ASSERT_EQ(0, d1_buf_new(self->fd, 8192, DRM_D1_BO_HBM, &a));
	ASSERT_EQ(0, drmPrimeHandleToFD(self->fd, a.handle, DRM_CLOEXEC,
					&dmafd));
	other = open(self->dev.node, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, other);
	ASSERT_EQ(0, drmPrimeFDToHandle(other, dmafd, &imported));
	close(dmafd);
	{
		struct drm_d1_bo_info bi = { .handle = imported };
		unsigned char *p;

		ASSERT_EQ(0, d1_ioctl(other, DRM_IOCTL_D1_BO_INFO, &bi));
		EXPECT_EQ(DRM_D1_BO_HBM, bi.placement);
		p = d1_bo_mmap(other, imported, 8192);
		ASSERT_NE(NULL, p);
		((unsigned char *)a.map)[4097] = 0xa7;
		EXPECT_EQ(0xa7, p[4097]);
		munmap(p, 8192);
	}
	close(other);
	d1_buf_free(self->fd, &a);
}

/* fdinfo has the standard DRM keys, with engine time and memory. */
TEST_F(mem, fdinfo)
{
	char path[64], buf[4096], *p;
	struct d1_buf a, b;
	struct drm_d1_cmd c;
	unsigned long long ns = 0;
	ssize_t n;
	int fd;

	ASSERT_EQ(0, d1_buf_new(self->fd, MiB, DRM_D1_BO_HOST, &a));
	ASSERT_EQ(0, d1_buf_new(self->fd, MiB, DRM_D1_BO_HBM, &b));
	c = d1_cmd_copy(a.va, b.va, MiB);
	ASSERT_EQ(1, d1_run(self->fd, 1, &c, 1, 10 * D1_SEC));

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", self->fd);
	fd = open(path, O_RDONLY);
	ASSERT_LE(0, fd);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	ASSERT_LT(0, n);
	buf[n] = '\0';
	EXPECT_NE(NULL, strstr(buf, "drm-driver:\td1\n")) TH_LOG("%s", buf);
	EXPECT_NE(NULL, strstr(buf, "drm-client-id:\t"));
	EXPECT_NE(NULL, strstr(buf, "drm-engine-q0:\t"));
	EXPECT_NE(NULL, strstr(buf, "drm-total-memory:\t"));
	p = strstr(buf, "drm-engine-q1:\t");
	ASSERT_NE(NULL, p);
	ASSERT_EQ(1, sscanf(p, "drm-engine-q1:\t%llu ns", &ns));
	EXPECT_LT(0ull, ns);
	d1_buf_free(self->fd, &a);
	d1_buf_free(self->fd, &b);
}

/* Every invalid form of SUBMIT. */
TEST_F(mem, submit_invalid)
{
	struct drm_d1_cmd cmds[2], big[2][2];
	struct drm_d1_sync sy = { 0 };
	struct d1_buf rw, ro;
	struct drm_d1_submit s;
	struct drm_d1_cmd c;
	__u64 rova = 0;
	__u32 so;

	ASSERT_EQ(0, d1_buf_new(self->fd, 8192, DRM_D1_BO_HOST, &rw));
	ASSERT_EQ(0, d1_bo_create(self->fd, 4096, DRM_D1_BO_HOST, &ro.handle));
	ASSERT_EQ(0, d1_vm_bind(self->fd, ro.handle, DRM_D1_VM_READ, 0, 0,
				&rova));
	ASSERT_EQ(0, drmSyncobjCreate(self->fd, 0, &so));
	cmds[0] = d1_cmd_mem(DRM_D1_CMD_SIGNAL, rw.va, 1);
	cmds[1] = cmds[0];

#define SUB(...) ({ s = (struct drm_d1_submit){ .cmds = (__u64)(uintptr_t)cmds, \
		.cmd_count = 1, .cmd_size = sizeof(cmds[0]), __VA_ARGS__ }; \
		d1_ioctl(self->fd, DRM_IOCTL_D1_SUBMIT, &s); })
	ASSERT_EQ(0, SUB());
	EXPECT_EQ(-EINVAL, SUB(.flags = 1));
	EXPECT_EQ(-EINVAL, SUB(.pad = 1));
	EXPECT_EQ(-EINVAL, SUB(.queue = self->si.submit_queues));
	EXPECT_EQ(-EINVAL, SUB(.cmd_count = 0));
	EXPECT_EQ(-EINVAL, SUB(.cmd_count = self->si.max_cmds + 1));
	/* 64 bytes: the command before time_limit_ms (read as 0) */
	EXPECT_EQ(0, SUB(.cmd_size = 64));
	EXPECT_EQ(-EINVAL, SUB(.cmd_size = 64 - 8));
	EXPECT_EQ(-EINVAL, SUB(.cmd_size = 4097));
	EXPECT_EQ(-EFAULT, SUB(.cmds = 8));
	EXPECT_EQ(-EFAULT, SUB(.cmds = (__u64)(uintptr_t)cmds + (1ull << 46)));
	/* Larger elements: the unknown tail must be zero. */
	memset(big, 0, sizeof(big));
	big[0][0] = cmds[0];
	big[1][0] = cmds[0];
	EXPECT_EQ(0, SUB(.cmds = (__u64)(uintptr_t)big, .cmd_count = 2,
			 .cmd_size = sizeof(big[0])));
	big[1][1].op = 1;
	EXPECT_EQ(-EINVAL, SUB(.cmds = (__u64)(uintptr_t)big, .cmd_count = 2,
			       .cmd_size = sizeof(big[0])));
	/* Syncs. */
	EXPECT_EQ(-EINVAL, SUB(.in_sync_count = 1, .sync_size = 8,
			       .in_syncs = (__u64)(uintptr_t)&sy));
	EXPECT_EQ(-EINVAL, SUB(.in_sync_count = self->si.max_syncs + 1,
			       .sync_size = sizeof(sy),
			       .in_syncs = (__u64)(uintptr_t)&sy));
	EXPECT_EQ(-EINVAL, SUB(.out_sync_count = self->si.max_syncs + 1,
			       .sync_size = sizeof(sy),
			       .out_syncs = (__u64)(uintptr_t)&sy));
	sy.handle = 4321;
	EXPECT_EQ(-ENOENT, SUB(.in_sync_count = 1, .sync_size = sizeof(sy),
			       .in_syncs = (__u64)(uintptr_t)&sy));
	EXPECT_EQ(-ENOENT, SUB(.out_sync_count = 1, .sync_size = sizeof(sy),
			       .out_syncs = (__u64)(uintptr_t)&sy));
	sy.handle = so;
	sy.flags = 1;
	EXPECT_EQ(-EINVAL, SUB(.out_sync_count = 1, .sync_size = sizeof(sy),
			       .out_syncs = (__u64)(uintptr_t)&sy));
	sy.flags = 0;
	/* A fresh syncobj has no fence to wait for. */
	EXPECT_EQ(-EINVAL, SUB(.in_sync_count = 1, .sync_size = sizeof(sy),
			       .in_syncs = (__u64)(uintptr_t)&sy));
	EXPECT_EQ(-EFAULT, SUB(.in_sync_count = 1, .sync_size = sizeof(sy),
			       .in_syncs = 16));
	EXPECT_EQ(0, SUB(.out_sync_count = 1, .sync_size = sizeof(sy),
			 .out_syncs = (__u64)(uintptr_t)&sy));
	EXPECT_EQ(0, d1_sync_wait(self->fd, so, 10 * D1_SEC));

	/* Commands. */
#define CMD(x) ({ cmds[0] = (x); SUB(); })
	c = d1_cmd_mem(DRM_D1_CMD_SIGNAL, rw.va, 1);
	c.op = 0;
	EXPECT_EQ(-EINVAL, CMD(c));
	c.op = 6;
	EXPECT_EQ(-EINVAL, CMD(c));
	c = d1_cmd_mem(DRM_D1_CMD_SIGNAL, rw.va, 1);
	c.flags = 1;
	EXPECT_EQ(-EINVAL, CMD(c));
	c = d1_cmd_mem(DRM_D1_CMD_SIGNAL, rw.va, 1);
	c.pad[5] = 1;
	EXPECT_EQ(-EINVAL, CMD(c));
	EXPECT_EQ(-EINVAL, CMD(d1_cmd_mem(DRM_D1_CMD_SIGNAL, rw.va + 4, 1)));
	EXPECT_EQ(-EINVAL, CMD(d1_cmd_mem(DRM_D1_CMD_SIGNAL, rova, 1)));
	EXPECT_EQ(0, CMD(d1_cmd_mem(DRM_D1_CMD_WAIT, rova, 0)));
	EXPECT_EQ(-EINVAL, CMD(d1_cmd_mem(DRM_D1_CMD_SIGNAL, 0x10000, 1)));
	EXPECT_EQ(-EINVAL, CMD(d1_cmd_mem(DRM_D1_CMD_TIMESTAMP, rw.va, 1)));
	EXPECT_EQ(-EINVAL, CMD(d1_cmd_mem(DRM_D1_CMD_TIMESTAMP, rova, 0)));
	EXPECT_EQ(-EINVAL, CMD(d1_cmd_copy(rw.va, rw.va + 4096, 0)));
	EXPECT_EQ(-EINVAL, CMD(d1_cmd_copy(rw.va, rw.va + 4096, 8192)));
	EXPECT_EQ(-EINVAL, CMD(d1_cmd_copy(rw.va, rova, 16)));
	EXPECT_EQ(-EINVAL, CMD(d1_cmd_copy(rw.va, rw.va, (1ull << 30) + 1)));
	EXPECT_EQ(-EINVAL, CMD(d1_cmd_copy(~0ull - 8, rw.va, 16)));
	EXPECT_EQ(0, CMD(d1_cmd_copy(rova, rw.va + 100, 4096)));
	/* LAUNCH field checks. */
	c = d1_cmd_launch(rova, 4096, 0, 0, 1, 1, 0, rw.va, 8192);
	c.launch.harts = 0;
	EXPECT_EQ(-EINVAL, CMD(c));
	c.launch.harts = 5;
	EXPECT_EQ(-EINVAL, CMD(c));
	c.launch.harts = 1;
	c.launch.cols = 0;
	EXPECT_EQ(-EINVAL, CMD(c));
	c.launch.cols = self->info.grid_cols + 1;
	EXPECT_EQ(-EINVAL, CMD(c));
	c.launch.cols = 1;
	if (self->info.node_count < self->info.grid_rows * self->info.grid_cols) {
		c.launch.y0 = self->info.grid_rows - 1;
		c.launch.x0 = self->info.grid_cols - 1;	/* a disabled node */
		EXPECT_EQ(-EINVAL, CMD(c));
		c.launch.x0 = c.launch.y0 = 0;
	}
	/* Room for the header but not for the node's record. */
	c.launch.report_size = sizeof(struct drm_d1_launch_report);
	EXPECT_EQ(-EINVAL, CMD(c));
	c.launch.report_size = 8192;
	c.launch.report = rova;
	EXPECT_EQ(-EINVAL, CMD(c));
	c.launch.report = rw.va;
	c.launch.args_size = 16;
	EXPECT_EQ(-EINVAL, CMD(c));
	c.launch.args = rw.va;
	c.launch.args_size = 4097;
	EXPECT_EQ(-EINVAL, CMD(c));
	c.launch.args_size = 0;
	c.launch.image_size = 0;
	EXPECT_EQ(-EINVAL, CMD(c));
	c.launch.image_size = 8192;	/* beyond the mapping */
	EXPECT_EQ(-EINVAL, CMD(c));
#undef CMD
#undef SUB
	drmSyncobjDestroy(self->fd, so);
	d1_vm_unbind(self->fd, rova, 0);
	d1_bo_close(self->fd, ro.handle);
	d1_buf_free(self->fd, &rw);
}

TEST_F(mem, context_status_invalid)
{
	struct drm_d1_context_status st;

	EXPECT_EQ(-EINVAL, d1_ctx_status(self->fd, 2, &st));
	ASSERT_EQ(0, d1_ctx_status(self->fd, 0, &st));
	EXPECT_EQ(0u, st.guilty);
	EXPECT_EQ(0u, st.error_count);
	EXPECT_EQ(0u, st.pad);
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * d1 selftests: races between the calls of a file and its end, and
 * between users of the card and its unbind, unplug or unload.
 *
 * Each test repeats one race many times ($D1_RACE_ITERS, default 200;
 * the debug-kernel lane runs thousands under lockdep and KASAN) and
 * checks what every call returned: success or the errno that says the
 * file or the card went away, never anything else.  Work that completes
 * is verified; afterwards the driver's object counts (debugfs "objects")
 * are back where they were and a known-good job works.
 *
 *  close_vs_submit       close(fd) while another thread submits jobs
 *  close_vs_unbind       close(fd) while another thread binds and unbinds
 *                        (VM_UNBIND waits for jobs in flight)
 *  gem_close_in_flight   GEM_CLOSE (and munmap) of BOs a queued job uses,
 *                        while it waits: the job still reads and writes
 *                        them, its result is right
 *  fork_shared_fd        parent and child submit on the same file; the
 *                        child exits mid-work
 *  unbind_vs_users       sysfs unbind/bind while threads open the device,
 *                        map HBM BOs and fault on them
 *  hbm_map_after_unbind  an HBM mapping of an unbound card, old or new,
 *                        raises SIGBUS (the BAR may be another device's
 *                        by then)
 *  unload_vs_open        module unload/load while a thread opens the device
 *  surprise_removal_vs_users
 *                        the card pulled out (QMP: it answers nothing),
 *                        then removed and plugged in again, while
 *                        threads open it, map and touch HBM BOs and run
 *                        jobs (inside tools/vm-run.sh only)
 */
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>

#include "d1_submit_common.h"
#include "d1_qmp.h"
#include "kselftest_harness.h"

#define BO_SIZE	65536

static int iters(void)
{
	const char *s = getenv("D1_RACE_ITERS");

	return s ? atoi(s) : 200;
}

static unsigned int rnd(void)
{
	static unsigned int x = 0x12345;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return x;
}

/* A known-good job on a fresh file works. */
static int device_works(void)
{
	struct d1_dev dev;
	int fd, ret;

	if (d1_find(&dev))
		return 0;
	fd = open(dev.node, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ret = d1_copy_round_trip(fd, 0x5a);
	close(fd);
	return ret == 1;
}

FIXTURE(race) {
	struct d1_dev dev;
	char bdf[64];		/* the card's PCI address */
	char base[256];
};

FIXTURE_SETUP(race)
{
	char real[PATH_MAX];

	D1_REQUIRE_LOADED();
	ASSERT_EQ(0, d1_find(&self->dev));
	ASSERT_NE(NULL, realpath(self->dev.sysfs, real));
	snprintf(self->bdf, sizeof(self->bdf), "%s", basename(real));
	ASSERT_EQ(0, d1_objects(self->base, sizeof(self->base)))
		TH_LOG("no debugfs objects file (debugfs not mounted?)");
}

/*
 * A test that failed half-way (even by a signal: this runs in the parent)
 * leaves the card bound for the next.
 */
FIXTURE_TEARDOWN_PARENT(race)
{
	struct d1_dev dev;

	if (d1_module_loaded() && d1_find(&dev))
		d1_sysfs_write("/sys/bus/pci/drivers/d1/bind", self->bdf);
	/* Card 0's QEMU names: the races run on it. */
	if (getenv("D1_QMP_DIR") && !wait_present(true, 100))
		replug();
}

/* What a test thread saw: calls that worked, and the first bad errno. */
struct worker {
	int fd;
	struct d1_buf buf;
	atomic_int stop;
	unsigned long ok, gone;
	int bad;
};

/* An errno that says the file (or the card) is gone. */
static bool gone_errno(int e)
{
	return e == EBADF || e == ENODEV;
}

static void worker_note(struct worker *w, int ret)
{
	if (!ret)
		w->ok++;
	else if (gone_errno(-ret))
		w->gone++;
	else if (!w->bad)
		w->bad = -ret;
}

/*
 * One race: @fn works on @w->fd in a thread while this one closes the
 * file after up to @max_us.  Returns what close() returned.
 */
static int close_race(struct worker *w, void *(*fn)(void *),
		      unsigned int max_us)
{
	pthread_t t;
	int ret;

	if (pthread_create(&t, NULL, fn, w))
		return -1;
	usleep(rnd() % max_us);
	ret = close(w->fd);
	atomic_store(&w->stop, 1);
	pthread_join(t, NULL);
	return ret;
}

static void *submitter(void *arg)
{
	struct worker *w = arg;
	struct drm_d1_cmd c[2];
	int ret = 0;

	while (!ret && !atomic_load(&w->stop)) {
		__u32 so = 0;

		c[0] = d1_cmd_copy(w->buf.va, w->buf.va + BO_SIZE / 2, 4096);
		c[1] = d1_cmd_mem(DRM_D1_CMD_SIGNAL, w->buf.va + 8192, 1);
		ret = d1_submit_sync(w->fd, rnd() % 2, c, 2, &so);
		worker_note(w, ret);
		if (so && !ret)
			drmSyncobjDestroy(w->fd, so);
	}
	return NULL;
}

TEST_F_TIMEOUT(race, close_vs_submit, 900)
{
	unsigned long ok = 0, gone = 0;
	char now[256];
	int i, n = iters();

	for (i = 0; i < n; i++) {
		struct worker w = { 0 };

		w.fd = open(self->dev.node, O_RDWR | O_CLOEXEC);
		ASSERT_LE(0, w.fd);
		ASSERT_EQ(0, d1_buf_new(w.fd, BO_SIZE, DRM_D1_BO_HOST, &w.buf));
		/* The mapping outlives the file; the jobs keep the BO. */
		ASSERT_EQ(0, close_race(&w, submitter, 3000));
		ASSERT_EQ(0, w.bad) TH_LOG("iteration %d: %s", i,
					    strerror(w.bad));
		munmap(w.buf.map, w.buf.size);
		ok += w.ok;
		gone += w.gone;
	}
	TH_LOG("%d closes raced %lu jobs submitted, %lu calls after close",
	       n, ok, gone);
	EXPECT_LT(0ul, ok);
	ASSERT_TRUE(d1_objects_back(self->base, now, sizeof(now)))
		TH_LOG("objects\n%s, were\n%s", now, self->base);
	EXPECT_TRUE(device_works());
}

static void *binder(void *arg)
{
	struct worker *w = arg;
	struct drm_d1_cmd c;
	int ret = 0;

	while (!ret && !atomic_load(&w->stop)) {
		__u64 va = 0;
		__u32 so = 0;

		ret = d1_vm_bind(w->fd, w->buf.handle,
				 DRM_D1_VM_READ | DRM_D1_VM_WRITE, 0, 0, &va);
		worker_note(w, ret);
		if (ret)
			break;
		/* A job on the mapping: the unbind waits for it. */
		c = d1_cmd_copy(va, va + BO_SIZE / 2, 8192);
		ret = d1_submit_sync(w->fd, 0, &c, 1, &so);
		worker_note(w, ret);
		if (so && !ret)
			drmSyncobjDestroy(w->fd, so);
		if (ret)
			break;
		ret = d1_vm_unbind(w->fd, va, 0);
		worker_note(w, ret);
	}
	return NULL;
}

TEST_F_TIMEOUT(race, close_vs_unbind, 900)
{
	unsigned long ok = 0, gone = 0;
	char now[256];
	int i, n = iters();

	for (i = 0; i < n; i++) {
		struct worker w = { 0 };

		w.fd = open(self->dev.node, O_RDWR | O_CLOEXEC);
		ASSERT_LE(0, w.fd);
		w.buf.size = BO_SIZE;
		ASSERT_EQ(0, d1_bo_create(w.fd, BO_SIZE, i % 2 ? DRM_D1_BO_HBM :
					  DRM_D1_BO_HOST, &w.buf.handle));
		ASSERT_EQ(0, close_race(&w, binder, 5000));
		ASSERT_EQ(0, w.bad) TH_LOG("iteration %d: %s", i,
					    strerror(w.bad));
		ok += w.ok;
		gone += w.gone;
	}
	TH_LOG("%d closes raced %lu binds, jobs and unbinds, %lu calls after close",
	       n, ok, gone);
	EXPECT_LT(0ul, ok);
	ASSERT_TRUE(d1_objects_back(self->base, now, sizeof(now)))
		TH_LOG("objects\n%s, were\n%s", now, self->base);
	EXPECT_TRUE(device_works());
}

struct closer {
	int fd;
	__u32 handles[2];
	void *maps[2];
	int ret;
};

static void *gem_closer(void *arg)
{
	struct closer *c = arg;
	int i;

	usleep(rnd() % 2000);
	for (i = 0; i < 2; i++) {
		munmap(c->maps[i], BO_SIZE);
		if (!c->ret)
			c->ret = d1_bo_close(c->fd, c->handles[i]);
	}
	return NULL;
}

/*
 * A job waits on a semaphore, then copies src -> HBM -> dst; src and the
 * HBM BO lose their handles and CPU mappings meanwhile (VM_BIND keeps
 * them), from another thread while this one releases the semaphore.
 */
TEST_F_TIMEOUT(race, gem_close_in_flight, 900)
{
	unsigned char pattern[BO_SIZE / 2];
	char now[256];
	int fd, i, j, n = iters();

	fd = open(self->dev.node, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	for (i = 0; i < n; i++) {
		struct d1_buf src, hbm, dst;
		struct closer cl = { .fd = fd };
		struct drm_d1_cmd c[3];
		pthread_t t;
		__u32 so = 0;

		ASSERT_EQ(0, d1_buf_new(fd, BO_SIZE, DRM_D1_BO_HOST, &src));
		ASSERT_EQ(0, d1_buf_new(fd, BO_SIZE, DRM_D1_BO_HBM, &hbm));
		ASSERT_EQ(0, d1_buf_new(fd, BO_SIZE, DRM_D1_BO_HOST, &dst));
		for (j = 0; j < BO_SIZE / 2; j++)
			pattern[j] = (unsigned char)(rnd() >> 8);
		memcpy((char *)src.map + 4096, pattern, sizeof(pattern));
		c[0] = d1_cmd_mem(DRM_D1_CMD_WAIT, src.va, 1);
		c[1] = d1_cmd_copy(src.va + 4096, hbm.va, sizeof(pattern));
		c[2] = d1_cmd_copy(hbm.va, dst.va, sizeof(pattern));
		ASSERT_EQ(0, d1_submit_sync(fd, i % 2, c, 3, &so));

		cl.handles[0] = src.handle;
		cl.handles[1] = hbm.handle;
		cl.maps[0] = src.map;
		cl.maps[1] = hbm.map;
		/* The semaphore: through the CPU mapping, while it lasts. */
		*(volatile __u64 *)src.map = 1;
		ASSERT_EQ(0, pthread_create(&t, NULL, gem_closer, &cl));
		ASSERT_EQ(0, d1_sync_wait(fd, so, 60 * D1_SEC));
		pthread_join(t, NULL);
		ASSERT_EQ(0, cl.ret);
		ASSERT_EQ(1, d1_sync_status(fd, so)) TH_LOG("iteration %d", i);
		ASSERT_EQ(0, memcmp(dst.map, pattern, sizeof(pattern)))
			TH_LOG("iteration %d: wrong data", i);
		drmSyncobjDestroy(fd, so);
		/* The mappings still hold the closed BOs; now they go. */
		ASSERT_EQ(0, d1_vm_unbind(fd, src.va, 0));
		ASSERT_EQ(0, d1_vm_unbind(fd, hbm.va, 0));
		d1_buf_free(fd, &dst);
	}
	close(fd);
	ASSERT_TRUE(d1_objects_back(self->base, now, sizeof(now)))
		TH_LOG("objects\n%s, were\n%s", now, self->base);
}

/*
 * Jobs of one process on a shared file: each checks its own data.
 * Returns the number of wrong results, or -errno of a failed call.
 */
static int shared_work(int fd, struct d1_buf *b, unsigned int half,
		       unsigned int jobs)
{
	unsigned char *p = b->map;
	unsigned int off = half * (BO_SIZE / 2), i, j;
	struct drm_d1_cmd c;
	int ret;

	for (j = 0; j < jobs; j++) {
		for (i = 0; i < 4096; i++)
			p[off + i] = (unsigned char)(rnd() >> 8);
		memset(p + off + 8192, 0, 4096);
		c = d1_cmd_copy(b->va + off, b->va + off + 8192, 4096);
		ret = d1_run(fd, half, &c, 1, 60 * D1_SEC);
		if (ret != 1)
			return ret < 0 ? ret : -EIO;
		if (memcmp(p + off, p + off + 8192, 4096))
			return 1;
	}
	return 0;
}

TEST_F_TIMEOUT(race, fork_shared_fd, 900)
{
	struct d1_buf b;
	char now[256];
	int fd, i, n = iters() / 10 + 1;

	fd = open(self->dev.node, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, d1_buf_new(fd, BO_SIZE, DRM_D1_BO_HOST, &b));
	for (i = 0; i < n; i++) {
		int status;
		pid_t pid;

		pid = fork();
		ASSERT_LE(0, pid);
		if (pid == 0) {
			/* Exit (without closing) after some of its work. */
			_exit(shared_work(fd, &b, 1, 1 + rnd() % 8) ? 1 : 0);
		}
		ASSERT_EQ(0, shared_work(fd, &b, 0, 4));
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		ASSERT_TRUE(WIFEXITED(status));
		ASSERT_EQ(0, WEXITSTATUS(status)) TH_LOG("child %d", i);
		rnd();
	}
	/* The file outlived every child: it still works. */
	ASSERT_EQ(0, shared_work(fd, &b, 0, 2));
	d1_buf_free(fd, &b);
	close(fd);
	ASSERT_TRUE(d1_objects_back(self->base, now, sizeof(now)))
		TH_LOG("objects\n%s, were\n%s", now, self->base);
}

/* ---- the card going away under its users ---- */

static __thread sigjmp_buf fault_jmp;
static __thread int in_probe;

static void on_sigbus(int sig)
{
	(void)sig;
	if (in_probe)
		siglongjmp(fault_jmp, 1);
	_exit(99);
}

struct user {
	atomic_int stop;
	unsigned long opens, maps, faults, sigbus, gone;
	int bad, bad_step;
};

static void user_bad(struct user *u, int step, int e)
{
	if (!u->bad) {
		u->bad = e;
		u->bad_step = step;
	}
}

/*
 * Open the card, looked up anew (a card plugged in again or rebound may
 * get another minor); -1 when it is gone (counted) or open failed
 * otherwise (noted).
 */
static int user_open(struct user *u)
{
	struct d1_dev dev;
	int fd;

	if (d1_find(&dev)) {
		u->gone++;
		usleep(1000);
		return -1;
	}
	fd = open(dev.node, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT || errno == ENODEV || errno == ENXIO)
			u->gone++;
		else
			user_bad(u, 1, errno);
		usleep(1000);
		return -1;
	}
	u->opens++;
	return fd;
}

/*
 * Open the device, create and map an HBM BO, touch its pages, close;
 * over and over.  While the card is unbound, open fails (ENOENT: the
 * node is gone, ENODEV: it is going); an open file's calls fail with
 * ENODEV and its HBM mappings raise SIGBUS.
 */
static void *user_thread(void *arg)
{
	struct user *u = arg;

	while (!atomic_load(&u->stop)) {
		volatile unsigned char *p;
		__u32 h;
		int fd, ret, i;

		fd = user_open(u);
		if (fd < 0)
			continue;
		ret = d1_bo_create(fd, BO_SIZE, DRM_D1_BO_HBM, &h);
		if (ret) {
			if (ret == -ENODEV)
				u->gone++;
			else
				user_bad(u, 2, -ret);
			close(fd);
			continue;
		}
		p = d1_bo_mmap(fd, h, BO_SIZE);
		if (!p) {
			if (errno == ENODEV)
				u->gone++;
			else
				user_bad(u, 3, errno);
		} else {
			u->maps++;
			in_probe = 1;
			if (sigsetjmp(fault_jmp, 1)) {
				u->sigbus++;
			} else {
				for (i = 0; i < BO_SIZE; i += 4096) {
					p[i] = (unsigned char)(i >> 12);
					/* A pulled card's BAR reads all ones. */
					if (p[i] == 0xff)
						u->gone++;
					else if (p[i] != (unsigned char)(i >> 12))
						user_bad(u, 4, EBADMSG);
				}
				u->faults++;
			}
			in_probe = 0;
			munmap((void *)p, BO_SIZE);
		}
		d1_bo_close(fd, h);
		close(fd);
	}
	return NULL;
}

TEST_F_TIMEOUT(race, unbind_vs_users, 900)
{
	struct sigaction sa = { .sa_handler = on_sigbus };
	struct user u = { 0 };
	char now[256];
	pthread_t t[2];
	int i, k, n = iters() / 10 + 1;

	if (geteuid())
		SKIP(return, "needs root to unbind the driver");
	ASSERT_EQ(0, sigaction(SIGBUS, &sa, NULL));
	for (k = 0; k < 2; k++)
		ASSERT_EQ(0, pthread_create(&t[k], NULL, user_thread, &u));
	for (i = 0; i < n; i++) {
		usleep(rnd() % 20000);
		ASSERT_EQ(0, d1_sysfs_write("/sys/bus/pci/drivers/d1/unbind",
					    self->bdf));
		usleep(rnd() % 5000);
		ASSERT_EQ(0, d1_sysfs_write("/sys/bus/pci/drivers/d1/bind",
					    self->bdf));
	}
	atomic_store(&u.stop, 1);
	for (k = 0; k < 2; k++)
		pthread_join(t[k], NULL);
	TH_LOG("%d unbinds raced %lu opens, %lu maps, %lu mappings used, %lu SIGBUS, %lu calls on a gone card",
	       n, u.opens, u.maps, u.faults, u.sigbus, u.gone);
	ASSERT_EQ(0, u.bad) TH_LOG("step %d: %s", u.bad_step,
				    strerror(u.bad));
	EXPECT_LT(0ul, u.faults);
	ASSERT_EQ(0, d1_find(&self->dev));
	ASSERT_TRUE(d1_objects_back(self->base, now, sizeof(now)))
		TH_LOG("objects\n%s, were\n%s", now, self->base);
	EXPECT_TRUE(device_works());
}

/* Does touching the second page of @p raise SIGBUS? */
static bool sigbus_on_touch(volatile void *p)
{
	bool hit = false;

	in_probe = 1;
	if (sigsetjmp(fault_jmp, 1))
		hit = true;
	else
		(void)((volatile unsigned char *)p)[4096];
	in_probe = 0;
	return hit;
}

TEST_F_TIMEOUT(race, hbm_map_after_unbind, 900)
{
	struct sigaction sa = { .sa_handler = on_sigbus };
	char now[256];
	struct drm_d1_bo_info info = { 0 };
	volatile unsigned char *p;
	void *q;
	__u32 h;
	int fd;

	if (geteuid())
		SKIP(return, "needs root to unbind the driver");
	ASSERT_EQ(0, sigaction(SIGBUS, &sa, NULL));
	fd = open(self->dev.node, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, d1_bo_create(fd, BO_SIZE, DRM_D1_BO_HBM, &h));
	info.handle = h;
	ASSERT_EQ(0, d1_ioctl(fd, DRM_IOCTL_D1_BO_INFO, &info));
	p = mmap(NULL, BO_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 info.mmap_offset);
	ASSERT_NE(MAP_FAILED, p);
	p[0] = 0x5a;
	ASSERT_EQ(0x5a, p[0]);

	ASSERT_EQ(0, d1_sysfs_write("/sys/bus/pci/drivers/d1/unbind",
				    self->bdf));
	EXPECT_TRUE(sigbus_on_touch(p)) TH_LOG("the old mapping still reaches the BAR");
	q = mmap(NULL, BO_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 info.mmap_offset);
	if (q != MAP_FAILED) {
		EXPECT_TRUE(sigbus_on_touch(q))
			TH_LOG("a new mapping of an unbound card's HBM reaches the BAR");
		munmap(q, BO_SIZE);
	} else {
		EXPECT_EQ(ENODEV, errno);
	}
	munmap((void *)p, BO_SIZE);
	close(fd);

	ASSERT_EQ(0, d1_sysfs_write("/sys/bus/pci/drivers/d1/bind",
				    self->bdf));
	ASSERT_EQ(0, d1_find(&self->dev));
	ASSERT_TRUE(d1_objects_back(self->base, now, sizeof(now)))
		TH_LOG("objects\n%s, were\n%s", now, self->base);
	EXPECT_TRUE(device_works());
}

/*
 * Open the device and run the known-good job, over and over.  A pulled
 * card ends jobs with a timeout or ENODEV (the file is guilty then: the
 * next round opens a new one), a removed one refuses every call; the
 * job's data is never wrong.
 */
static void *job_thread(void *arg)
{
	struct user *u = arg;

	while (!atomic_load(&u->stop)) {
		int fd, ret;

		fd = user_open(u);
		if (fd < 0)
			continue;
		ret = d1_copy_round_trip(fd, (unsigned char)u->opens);
		/* A sync_file call failed (d1_sync_status()): its errno. */
		if (ret <= -1000)
			ret = -(-ret % 1000);
		if (ret == 1)
			u->faults++;
		else if (ret == -ENODEV || ret == -ETIMEDOUT || ret == -ETIME ||
			 ret == -ECANCELED)
			u->gone++;
		else
			user_bad(u, 5, ret ? -ret : EBADMSG);
		close(fd);
	}
	return NULL;
}

/*
 * Surprise removal as QEMU models it (the card stops answering: BAR
 * reads all ones, no DMA, no interrupts), then the removal itself and a
 * new card in the slot, under users of every kind.  Each call fails with
 * an errno that says the card is gone, or works; no oops, no hang, and
 * afterwards nothing is left behind.
 */
TEST_F_TIMEOUT(race, surprise_removal_vs_users, 900)
{
	struct sigaction sa = { .sa_handler = on_sigbus };
	struct user u = { 0 }, j = { 0 };
	char now[256];
	pthread_t t[3];
	int i, k, n = iters() / 200 ? iters() / 200 : 1;

	if (!getenv("D1_QMP_DIR"))
		SKIP(return, "not inside tools/vm-run.sh (no QMP)");
	card_names();
	ASSERT_EQ(0, sigaction(SIGBUS, &sa, NULL));
	for (k = 0; k < 2; k++)
		ASSERT_EQ(0, pthread_create(&t[k], NULL, user_thread, &u));
	ASSERT_EQ(0, pthread_create(&t[2], NULL, job_thread, &j));
	for (i = 0; i < n; i++) {
		usleep(200000 + rnd() % 300000);
		ASSERT_EQ(0, card_qmp(qmp_pull));
		usleep(rnd() % 300000);
		ASSERT_EQ(0, card_qmp(qmp_del));
		ASSERT_TRUE(wait_present(false, 60000));
		usleep(rnd() % 200000);
		ASSERT_TRUE(replug());
	}
	usleep(300000);
	atomic_store(&u.stop, 1);
	atomic_store(&j.stop, 1);
	for (k = 0; k < 3; k++)
		pthread_join(t[k], NULL);
	TH_LOG("%d surprise removals raced %lu opens, %lu maps, %lu mappings used, %lu SIGBUS, %lu calls on a gone card; %lu jobs done, %lu failed with the card",
	       n, u.opens, u.maps, u.faults, u.sigbus, u.gone, j.faults,
	       j.gone);
	ASSERT_EQ(0, u.bad) TH_LOG("step %d: %s", u.bad_step,
				    strerror(u.bad));
	ASSERT_EQ(0, j.bad) TH_LOG("step %d: %s", j.bad_step,
				    strerror(j.bad));
	EXPECT_LT(0ul, u.faults);
	EXPECT_LT(0ul, j.faults);
	ASSERT_EQ(0, d1_find(&self->dev));
	ASSERT_TRUE(d1_objects_back(self->base, now, sizeof(now)))
		TH_LOG("objects\n%s, were\n%s", now, self->base);
	EXPECT_TRUE(device_works());
}

static void *opener(void *arg)
{
	struct user *u = arg;

	while (!atomic_load(&u->stop)) {
		__u32 echo;
		int fd;

		fd = user_open(u);
		if (fd < 0)
			continue;
		if (d1_ping(fd, 7, 0, &echo) && errno != ENODEV)
			user_bad(u, 2, errno);
		close(fd);
	}
	return NULL;
}

TEST_F_TIMEOUT(race, unload_vs_open, 900)
{
	struct user u = { 0 };
	unsigned long unloads = 0, busy = 0;
	char out[1024];
	pthread_t t;
	int i, rc, n = iters() / 10 + 1;

	if (!getenv("D1_KMOD") || !getenv("D1_KO"))
		SKIP(return, "set D1_KMOD and D1_KO to unload and load d1");
	ASSERT_EQ(0, pthread_create(&t, NULL, opener, &u));
	for (i = 0; i < n; i++) {
		usleep(rnd() % 10000);
		rc = d1_kmod_run(out, sizeof(out), "unload", NULL, NULL, NULL);
		if (rc == 0) {
			unloads++;
			ASSERT_EQ(0, d1_kmod_run(out, sizeof(out), "load",
						 getenv("D1_KO"), NULL, NULL))
				TH_LOG("load: %s", out);
		} else {
			/* Refused: a file was open at that moment. */
			ASSERT_EQ(1, rc) TH_LOG("unload: %s", out);
			ASSERT_NE(NULL, strstr(out, "in use")) TH_LOG("%s", out);
			busy++;
		}
	}
	atomic_store(&u.stop, 1);
	pthread_join(t, NULL);
	TH_LOG("%d unloads raced %lu opens: %lu unloaded, %lu refused (busy), %lu opens found no card",
	       n, u.opens, unloads, busy, u.gone);
	ASSERT_EQ(0, u.bad) TH_LOG("step %d: %s", u.bad_step,
				    strerror(u.bad));
	ASSERT_TRUE(d1_module_loaded());
	EXPECT_TRUE(device_works());
}

TEST_HARNESS_MAIN

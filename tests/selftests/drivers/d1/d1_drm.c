// SPDX-License-Identifier: GPL-2.0
/*
 * What any generic DRM client does on /dev/accel, modelled on IGT's core
 * (core_getversion, prime_self_import) and syncobj (syncobj_basic,
 * syncobj_wait, syncobj_timeline, syncobj_eventfd) tests: the version,
 * capabilities, binary and timeline syncobjs driven by d1 jobs and by
 * the host, sync_file export/import, PRIME of host BOs, the fdinfo keys
 * of Documentation/gpu/drm-usage-stats.rst, and closed handles.
 */
#include <sys/eventfd.h>
#include <xf86drm.h>

#include "kselftest_harness.h"
#include "d1_submit_common.h"

#define KiB	1024ull
#define MiB	(1024 * KiB)

FIXTURE(drm) {
	struct d1_dev dev;
	int fd;
	struct d1_buf buf;	/* host BO, read-write at buf.va */
};

FIXTURE_SETUP(drm)
{
	D1_SETUP_OPEN(self);
	ASSERT_EQ(0, d1_buf_new(self->fd, 64 * KiB, DRM_D1_BO_HOST,
				&self->buf));
}

FIXTURE_TEARDOWN(drm)
{
	if (self->fd >= 0) {
		d1_buf_free(self->fd, &self->buf);
		close(self->fd);
	}
}

static __u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * D1_SEC + ts.tv_nsec;
}

/* SUBMIT one SIGNAL of @value at @va, with optional syncs. */
static int signal_job(int fd, __u64 va, __u64 value,
		      const struct drm_d1_sync *in, __u32 nin,
		      const struct drm_d1_sync *out, __u32 nout)
{
	struct drm_d1_cmd c = d1_cmd_mem(DRM_D1_CMD_SIGNAL, va, value);

	return d1_submit(fd, 0, &c, 1, in, nin, out, nout);
}

static volatile __u64 *word(struct d1_buf *b, unsigned int i)
{
	return (volatile __u64 *)b->map + i;
}

/* DRM_IOCTL_VERSION: lengths first, then truncated, then whole strings. */
TEST_F(drm, version)
{
	struct drm_d1_device_info info;
	char name[8], date[16], desc[64], shortdesc[4];
	struct drm_version v;
	size_t desc_len;

	memset(&v, 0, sizeof(v));
	ASSERT_EQ(0, d1_ioctl(self->fd, DRM_IOCTL_VERSION, &v));
	EXPECT_EQ(2u, v.name_len);
	ASSERT_LT(0u, v.desc_len);
	ASSERT_GT(sizeof(desc), v.desc_len);
	ASSERT_GT(sizeof(date), v.date_len);
	desc_len = v.desc_len;
	/* A short buffer gets a prefix and the full length, no more. */
	memset(shortdesc, 'x', sizeof(shortdesc));
	v.name = name;
	v.name_len = sizeof(name);
	v.desc = shortdesc;
	v.desc_len = 2;
	ASSERT_EQ(0, d1_ioctl(self->fd, DRM_IOCTL_VERSION, &v));
	EXPECT_EQ(desc_len, v.desc_len);
	EXPECT_EQ(0, memcmp(shortdesc, "D1xx", 4));
	v.desc = desc;
	v.desc_len = sizeof(desc);
	v.date = date;
	v.date_len = sizeof(date);
	ASSERT_EQ(0, d1_ioctl(self->fd, DRM_IOCTL_VERSION, &v));
	EXPECT_EQ(0, memcmp(name, "d1", 2));
	desc[v.desc_len] = '\0';
	EXPECT_STREQ("D1 DIP accelerator (emulated)", desc);
	/* The DRM version is the uAPI version QUERY reports. */
	ASSERT_EQ(0, d1_query_info(self->fd, &info));
	EXPECT_EQ((int)info.uapi_major, v.version_major);
	EXPECT_EQ((int)info.uapi_minor, v.version_minor);
	EXPECT_EQ(DRM_D1_UAPI_VERSION_MAJOR, v.version_major);
}

/* GET_CAP: what an accel driver has, and KMS caps it has not. */
TEST_F(drm, get_cap)
{
	uint64_t val;

	ASSERT_EQ(0, drmGetCap(self->fd, DRM_CAP_SYNCOBJ, &val));
	EXPECT_EQ(1ull, val);
	ASSERT_EQ(0, drmGetCap(self->fd, DRM_CAP_SYNCOBJ_TIMELINE, &val));
	EXPECT_EQ(1ull, val);
	ASSERT_EQ(0, drmGetCap(self->fd, DRM_CAP_PRIME, &val));
	EXPECT_EQ((__u64)(DRM_PRIME_CAP_IMPORT | DRM_PRIME_CAP_EXPORT), val);
	ASSERT_EQ(0, drmGetCap(self->fd, DRM_CAP_TIMESTAMP_MONOTONIC, &val));
	EXPECT_EQ(1ull, val);
	EXPECT_EQ(-1, drmGetCap(self->fd, DRM_CAP_DUMB_BUFFER, &val));
	EXPECT_EQ(EOPNOTSUPP, errno);
	EXPECT_EQ(-1, drmGetCap(self->fd, 0xdead, &val));
	EXPECT_EQ(EOPNOTSUPP, errno);
}

/* syncobj_basic: create/destroy, flags, waits without fences. */
TEST_F(drm, syncobj_basic)
{
	struct drm_syncobj_create c = { .flags = 0x80 };
	struct drm_syncobj_wait w;
	__u32 h, sig, first;

	EXPECT_EQ(-EINVAL, d1_ioctl(self->fd, DRM_IOCTL_SYNCOBJ_CREATE, &c));
	ASSERT_EQ(0, drmSyncobjCreate(self->fd, 0, &h));
	ASSERT_EQ(0, drmSyncobjCreate(self->fd, DRM_SYNCOBJ_CREATE_SIGNALED,
				      &sig));
	/* Created signalled: waits at once. */
	EXPECT_EQ(0, drmSyncobjWait(self->fd, &sig, 1, 0, 0, &first));
	/* No fence yet: an error, or a timeout when waiting for submit
	 * (libdrm's waits return -errno). */
	EXPECT_EQ(-EINVAL, drmSyncobjWait(self->fd, &h, 1, 0, 0, &first));
	EXPECT_EQ(-ETIME, drmSyncobjWait(self->fd, &h, 1, now_ns() + 10000000,
					 DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT,
					 &first));
	/* WAIT_ALL over {signalled, empty} times out; ANY does not. */
	{
		__u32 two[2] = { sig, h };

		EXPECT_EQ(0, drmSyncobjWait(self->fd, two, 2, 0,
					    DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT,
					    &first));
		EXPECT_EQ(0u, first);
		EXPECT_EQ(-ETIME, drmSyncobjWait(self->fd, two, 2, 0,
						 DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL |
						 DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT,
						 &first));
	}
	/* Zero handles wait for nothing; unknown flags are refused. */
	memset(&w, 0, sizeof(w));
	w.handles = (__u64)(uintptr_t)&h;
	EXPECT_EQ(0, d1_ioctl(self->fd, DRM_IOCTL_SYNCOBJ_WAIT, &w));
	w.count_handles = 1;
	w.flags = 0x100;
	EXPECT_EQ(-EINVAL, d1_ioctl(self->fd, DRM_IOCTL_SYNCOBJ_WAIT, &w));
	/* Host signal, then reset back to no fence. */
	EXPECT_EQ(0, drmSyncobjSignal(self->fd, &h, 1));
	EXPECT_EQ(0, drmSyncobjWait(self->fd, &h, 1, 0, 0, &first));
	EXPECT_EQ(0, drmSyncobjReset(self->fd, &h, 1));
	EXPECT_EQ(-EINVAL, drmSyncobjWait(self->fd, &h, 1, 0, 0, &first));
	EXPECT_EQ(0, drmSyncobjDestroy(self->fd, h));
	EXPECT_EQ(0, drmSyncobjDestroy(self->fd, sig));
}

/* A binary syncobj signalled by a d1 job; reset; reused. */
TEST_F(drm, syncobj_binary_job)
{
	struct drm_d1_sync out = { 0 };
	__u32 first;
	int round;

	ASSERT_EQ(0, drmSyncobjCreate(self->fd, 0, &out.handle));
	for (round = 1; round <= 3; round++) {
		ASSERT_EQ(0, signal_job(self->fd, self->buf.va, round, NULL, 0,
					&out, 1));
		ASSERT_EQ(0, d1_sync_wait(self->fd, out.handle, 10 * D1_SEC));
		EXPECT_EQ((__u64)round, *word(&self->buf, 0));
		EXPECT_EQ(1, d1_sync_status(self->fd, out.handle));
		ASSERT_EQ(0, drmSyncobjReset(self->fd, &out.handle, 1));
		EXPECT_EQ(-ETIME, drmSyncobjWait(self->fd, &out.handle, 1,
						 now_ns() + 1000000,
						 DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT,
						 &first));
	}
	drmSyncobjDestroy(self->fd, out.handle);
}

/*
 * Timelines: a job on queue 1 waits for a word the host writes, then
 * signals point 2; a job on queue 0 waits for point 2 and signals point
 * 5.  Then QUERY, host TIMELINE_SIGNAL, WAIT_AVAILABLE, TRANSFER both ways.
 */
TEST_F(drm, syncobj_timeline)
{
	struct drm_d1_sync p2 = { .point = 2 }, p5 = { .point = 5 };
	struct drm_d1_cmd c;
	uint64_t point, p;
	__u32 tl, bin, first;

	ASSERT_EQ(0, drmSyncobjCreate(self->fd, 0, &tl));
	ASSERT_EQ(0, drmSyncobjCreate(self->fd, 0, &bin));
	p2.handle = tl;
	p5.handle = tl;
	c = d1_cmd_mem(DRM_D1_CMD_WAIT, self->buf.va + 8, 1);
	ASSERT_EQ(0, d1_submit(self->fd, 1, &c, 1, NULL, 0, &p2, 1));
	ASSERT_EQ(0, signal_job(self->fd, self->buf.va, 0x5555, &p2, 1,
				&p5, 1));
	point = 5;
	EXPECT_EQ(-ETIME, drmSyncobjTimelineWait(self->fd, &tl, &point, 1,
						 now_ns() + 100000000, 0,
						 &first));
	EXPECT_EQ(0ull, *word(&self->buf, 0));
	ASSERT_EQ(0, drmSyncobjQuery(self->fd, &tl, &p, 1));
	EXPECT_EQ(0ull, p);
	/* The word arrives: point 2, then the second job, then point 5. */
	*word(&self->buf, 1) = 1;
	ASSERT_EQ(0, drmSyncobjTimelineWait(self->fd, &tl, &point, 1,
					    now_ns() + 10 * D1_SEC, 0, &first));
	EXPECT_EQ(0x5555ull, *word(&self->buf, 0));
	ASSERT_EQ(0, drmSyncobjQuery(self->fd, &tl, &p, 1));
	EXPECT_EQ(5ull, p);
	/* Point 9 is not there yet, not even available. */
	point = 9;
	EXPECT_EQ(-ETIME, drmSyncobjTimelineWait(self->fd, &tl, &point, 1, 0,
						 DRM_SYNCOBJ_WAIT_FLAGS_WAIT_AVAILABLE |
						 DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT,
						 &first));
	/* Transfer point 5 into the binary syncobj, that into point 9. */
	ASSERT_EQ(0, drmSyncobjTransfer(self->fd, bin, 0, tl, 5, 0));
	ASSERT_EQ(0, drmSyncobjWait(self->fd, &bin, 1, now_ns() + D1_SEC, 0,
				    &first));
	ASSERT_EQ(0, drmSyncobjTransfer(self->fd, tl, 9, bin, 0, 0));
	ASSERT_EQ(0, drmSyncobjTimelineWait(self->fd, &tl, &point, 1,
					    now_ns() + D1_SEC, 0, &first));
	ASSERT_EQ(0, drmSyncobjQuery(self->fd, &tl, &p, 1));
	EXPECT_EQ(9ull, p);
	/* The host signals point 12. */
	point = 12;
	ASSERT_EQ(0, drmSyncobjTimelineSignal(self->fd, &tl, &point, 1));
	ASSERT_EQ(0, drmSyncobjQuery(self->fd, &tl, &p, 1));
	EXPECT_EQ(12ull, p);
	drmSyncobjDestroy(self->fd, tl);
	drmSyncobjDestroy(self->fd, bin);
}

/* A job's fence as a sync_file, and a sync_file as a syncobj. */
TEST_F(drm, sync_file)
{
	struct sync_file_info info = { 0 };
	struct sync_fence_info fi = { 0 };
	struct drm_d1_sync out = { 0 }, in = { 0 };
	struct pollfd pfd;
	__u32 imported;
	int sfd, pipefd[2];

	ASSERT_EQ(0, drmSyncobjCreate(self->fd, 0, &out.handle));
	ASSERT_EQ(0, signal_job(self->fd, self->buf.va, 77, NULL, 0, &out, 1));
	ASSERT_EQ(0, drmSyncobjExportSyncFile(self->fd, out.handle, &sfd));
	pfd.fd = sfd;
	pfd.events = POLLIN;
	ASSERT_EQ(1, poll(&pfd, 1, 10000));
	EXPECT_EQ(77ull, *word(&self->buf, 0));
	info.num_fences = 1;
	info.sync_fence_info = (__u64)(uintptr_t)&fi;
	ASSERT_EQ(0, ioctl(sfd, SYNC_IOC_FILE_INFO, &info));
	EXPECT_EQ(1, info.status);
	EXPECT_EQ(1, fi.status);
	EXPECT_NE(0, fi.driver_name[0]);
	/* Imported into another syncobj, it gates the next job. */
	ASSERT_EQ(0, drmSyncobjCreate(self->fd, 0, &imported));
	ASSERT_EQ(0, drmSyncobjImportSyncFile(self->fd, imported, sfd));
	close(sfd);
	in.handle = imported;
	ASSERT_EQ(0, drmSyncobjReset(self->fd, &out.handle, 1));
	ASSERT_EQ(0, signal_job(self->fd, self->buf.va + 8, 78, &in, 1,
				&out, 1));
	ASSERT_EQ(0, d1_sync_wait(self->fd, out.handle, 10 * D1_SEC));
	EXPECT_EQ(78ull, *word(&self->buf, 1));
	/* Anything but a sync_file is refused. */
	ASSERT_EQ(0, pipe(pipefd));
	EXPECT_EQ(-1, drmSyncobjImportSyncFile(self->fd, imported, pipefd[0]));
	EXPECT_EQ(EINVAL, errno);
	close(pipefd[0]);
	close(pipefd[1]);
	/* Exporting an empty syncobj fails. */
	ASSERT_EQ(0, drmSyncobjReset(self->fd, &imported, 1));
	EXPECT_EQ(-1, drmSyncobjExportSyncFile(self->fd, imported, &sfd));
	drmSyncobjDestroy(self->fd, imported);
	drmSyncobjDestroy(self->fd, out.handle);
}

/* A syncobj shared with another open file (HANDLE_TO_FD / FD_TO_HANDLE). */
TEST_F(drm, syncobj_share)
{
	struct drm_d1_sync out = { 0 };
	__u32 theirs, first;
	int other, sfd;

	other = open(self->dev.node, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, other);
	ASSERT_EQ(0, drmSyncobjCreate(self->fd, 0, &out.handle));
	ASSERT_EQ(0, drmSyncobjHandleToFD(self->fd, out.handle, &sfd));
	ASSERT_EQ(0, drmSyncobjFDToHandle(other, sfd, &theirs));
	close(sfd);
	ASSERT_EQ(0, signal_job(self->fd, self->buf.va, 5, NULL, 0, &out, 1));
	/* The other file sees the job's fence through the same syncobj. */
	ASSERT_EQ(0, drmSyncobjWait(other, &theirs, 1, now_ns() + 10 * D1_SEC,
				    DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT,
				    &first));
	EXPECT_EQ(5ull, *word(&self->buf, 0));
	/* Destroying our handle leaves theirs. */
	ASSERT_EQ(0, drmSyncobjDestroy(self->fd, out.handle));
	EXPECT_EQ(0, drmSyncobjWait(other, &theirs, 1, 0, 0, &first));
	EXPECT_EQ(0, drmSyncobjDestroy(other, theirs));
	/* A file that is no syncobj is refused. */
	EXPECT_EQ(-1, drmSyncobjFDToHandle(other, self->fd, &theirs));
	EXPECT_EQ(EINVAL, errno);
	close(other);
}

/* An eventfd fires once the job's timeline point signals. */
TEST_F(drm, syncobj_eventfd)
{
	struct drm_d1_sync out = { .point = 3 };
	struct drm_syncobj_eventfd ev = { .point = 3 };
	struct pollfd pfd;
	uint64_t count = 0;
	int efd;

	ASSERT_EQ(0, drmSyncobjCreate(self->fd, 0, &out.handle));
	efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	ASSERT_LE(0, efd);
	ev.handle = out.handle;
	ev.fd = efd;
	ASSERT_EQ(0, d1_ioctl(self->fd, DRM_IOCTL_SYNCOBJ_EVENTFD, &ev));
	EXPECT_EQ(-1, read(efd, &count, sizeof(count)));
	EXPECT_EQ(EAGAIN, errno);
	ASSERT_EQ(0, signal_job(self->fd, self->buf.va, 3, NULL, 0, &out, 1));
	pfd.fd = efd;
	pfd.events = POLLIN;
	ASSERT_EQ(1, poll(&pfd, 1, 10000));
	ASSERT_EQ(8, read(efd, &count, sizeof(count)));
	EXPECT_EQ(1ull, count);
	EXPECT_EQ(3ull, *word(&self->buf, 0));
	/* Padding and unknown flags are refused; so is a closed handle. */
	ev.pad = 1;
	EXPECT_EQ(-EINVAL, d1_ioctl(self->fd, DRM_IOCTL_SYNCOBJ_EVENTFD, &ev));
	ev.pad = 0;
	ev.flags = 0x40;
	EXPECT_EQ(-EINVAL, d1_ioctl(self->fd, DRM_IOCTL_SYNCOBJ_EVENTFD, &ev));
	ev.flags = 0;
	drmSyncobjDestroy(self->fd, out.handle);
	EXPECT_EQ(-ENOENT, d1_ioctl(self->fd, DRM_IOCTL_SYNCOBJ_EVENTFD, &ev));
	close(efd);
}

/* prime_self_import: export, re-import, CPU view through the dma-buf. */
TEST_F(drm, prime_host_bo)
{
	__u32 again, theirs, h;
	struct d1_buf hbm;
	unsigned char *p;
	int dmafd, other;

	memset(self->buf.map, 0x6b, 64 * KiB);
	ASSERT_EQ(0, drmPrimeHandleToFD(self->fd, self->buf.handle,
					DRM_CLOEXEC | DRM_RDWR, &dmafd));
	/* Importing our own export gives our own handle back. */
	ASSERT_EQ(0, drmPrimeFDToHandle(self->fd, dmafd, &again));
	EXPECT_EQ(self->buf.handle, again);
	/* Another file gets its handle; the dma-buf maps the same pages. */
	other = open(self->dev.node, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, other);
	ASSERT_EQ(0, drmPrimeFDToHandle(other, dmafd, &theirs));
	p = mmap(NULL, 64 * KiB, PROT_READ | PROT_WRITE, MAP_SHARED, dmafd, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(0x6b, p[64 * KiB - 1]);
	p[0] = 0x11;
	EXPECT_EQ(0x11, ((unsigned char *)self->buf.map)[0]);
	munmap(p, 64 * KiB);
	/* A job of the other file writes the imported BO. */
	{
		__u64 va = 0;
		struct drm_d1_cmd c;

		ASSERT_EQ(0, d1_vm_bind(other, theirs, DRM_D1_VM_READ |
					DRM_D1_VM_WRITE, 0, 0, &va));
		c = d1_cmd_mem(DRM_D1_CMD_SIGNAL, va + 8, 0x1234);
		ASSERT_EQ(1, d1_run(other, 1, &c, 1, 10 * D1_SEC));
		EXPECT_EQ(0x1234ull, *word(&self->buf, 1));
		EXPECT_EQ(0, d1_vm_unbind(other, va, 0));
	}
	close(dmafd);
	EXPECT_EQ(0, d1_bo_close(other, theirs));
	close(other);

	/* A dma-buf outlives the handle it came from. */
	ASSERT_EQ(0, d1_bo_create(self->fd, 8 * KiB, DRM_D1_BO_HOST, &h));
	ASSERT_EQ(0, drmPrimeHandleToFD(self->fd, h, DRM_CLOEXEC, &dmafd));
	ASSERT_EQ(0, d1_bo_close(self->fd, h));
	ASSERT_EQ(0, drmPrimeFDToHandle(self->fd, dmafd, &h));
	close(dmafd);
	EXPECT_EQ(0, d1_bo_close(self->fd, h));

	/*
	 * HBM exports for d1 cards only (uAPI 2.3): the dma-buf has no
	 * pages for the CPU; our own import is our BO.
	 */
	ASSERT_EQ(0, d1_buf_new(self->fd, 8 * KiB, DRM_D1_BO_HBM, &hbm));
	ASSERT_EQ(0, drmPrimeHandleToFD(self->fd, hbm.handle, DRM_CLOEXEC,
					&dmafd));
	EXPECT_EQ(MAP_FAILED, mmap(NULL, 8 * KiB, PROT_READ, MAP_SHARED,
				   dmafd, 0));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(0, drmPrimeFDToHandle(self->fd, dmafd, &h));
	EXPECT_EQ(hbm.handle, h);
	close(dmafd);
	d1_buf_free(self->fd, &hbm);
	/* Neither a closed handle nor a non-dma-buf file. */
	EXPECT_EQ(-1, drmPrimeHandleToFD(self->fd, 0x7fff, DRM_CLOEXEC,
					 &dmafd));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(-1, drmPrimeFDToHandle(self->fd, self->fd, &h));
	EXPECT_EQ(EINVAL, errno);
}

/* A memory key's value in bytes ("4096 KiB", "1 MiB", "512"); -1 if none. */
static long long fdinfo_bytes(int fd, const char *key)
{
	char buf[4096], unit[8] = "";
	unsigned long long v;
	char *s = d1_fdinfo_get(fd, key, buf, sizeof(buf));

	if (!s || sscanf(s, "%llu %7s", &v, unit) < 1)
		return -1;
	if (!strcmp(unit, "KiB"))
		v *= KiB;
	else if (!strcmp(unit, "MiB"))
		v *= MiB;
	else if (unit[0])
		return -1;
	return v;
}

/* Documentation/gpu/drm-usage-stats.rst: mandatory and memory keys. */
TEST_F(drm, fdinfo_keys)
{
	char buf[4096], pdev[PATH_MAX], *s;
	long long total, shared, resident;
	unsigned long long id, id2;
	struct d1_buf big;
	int other, dmafd;
	ssize_t n;

	s = d1_fdinfo_get(self->fd, "drm-driver", buf, sizeof(buf));
	ASSERT_NE(NULL, s);
	EXPECT_STREQ("d1", s);
	/* drm-pdev: the PCI address of the card. */
	n = readlink(self->dev.sysfs, pdev, sizeof(pdev) - 1);
	ASSERT_LT(0, n);
	pdev[n] = '\0';
	s = d1_fdinfo_get(self->fd, "drm-pdev", buf, sizeof(buf));
	ASSERT_NE(NULL, s);
	EXPECT_STREQ(basename(pdev), s);
	/* drm-client-id: stable for a file, unique across files. */
	s = d1_fdinfo_get(self->fd, "drm-client-id", buf, sizeof(buf));
	ASSERT_NE(NULL, s);
	id = strtoull(s, NULL, 10);
	s = d1_fdinfo_get(self->fd, "drm-client-id", buf, sizeof(buf));
	ASSERT_NE(NULL, s);
	EXPECT_EQ(id, strtoull(s, NULL, 10));
	other = open(self->dev.node, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, other);
	s = d1_fdinfo_get(other, "drm-client-id", buf, sizeof(buf));
	ASSERT_NE(NULL, s);
	id2 = strtoull(s, NULL, 10);
	EXPECT_NE(id, id2);
	/* One engine key per queue, in ns. */
	s = d1_fdinfo_get(self->fd, "drm-engine-q3", buf, sizeof(buf));
	ASSERT_NE(NULL, s);
	EXPECT_NE(NULL, strstr(s, " ns"));

	/* Memory: a new 1 MiB host BO counts in total and, once touched,
	 * resident; exported, in shared. */
	total = fdinfo_bytes(self->fd, "drm-total-memory");
	resident = fdinfo_bytes(self->fd, "drm-resident-memory");
	shared = fdinfo_bytes(self->fd, "drm-shared-memory");
	ASSERT_LE(64 * (long long)KiB, total);
	ASSERT_LE(0, resident);
	ASSERT_LE(0, shared);
	ASSERT_EQ(0, d1_buf_new(self->fd, MiB, DRM_D1_BO_HOST, &big));
	memset(big.map, 1, MiB);
	EXPECT_EQ(total + (long long)MiB,
		  fdinfo_bytes(self->fd, "drm-total-memory"));
	EXPECT_LE(resident + (long long)MiB,
		  fdinfo_bytes(self->fd, "drm-resident-memory"));
	ASSERT_EQ(0, drmPrimeHandleToFD(self->fd, big.handle, DRM_CLOEXEC,
					&dmafd));
	EXPECT_EQ(shared + (long long)MiB,
		  fdinfo_bytes(self->fd, "drm-shared-memory"));
	close(dmafd);
	d1_buf_free(self->fd, &big);
	EXPECT_EQ(total, fdinfo_bytes(self->fd, "drm-total-memory"));
	/* The other file has no BO. */
	EXPECT_EQ(0, fdinfo_bytes(other, "drm-total-memory"));
	close(other);
}

/* Every use of a closed handle is a clean error, and nothing breaks. */
TEST_F(drm, closed_handles)
{
	struct drm_d1_bo_info bi = { 0 };
	struct drm_d1_sync out = { 0 };
	__u32 h, so, first;
	__u64 va = 0;
	int fd;

	ASSERT_EQ(0, d1_bo_create(self->fd, 4 * KiB, DRM_D1_BO_HOST, &h));
	ASSERT_EQ(0, d1_bo_close(self->fd, h));
	EXPECT_EQ(-EINVAL, d1_bo_close(self->fd, h));
	bi.handle = h;
	EXPECT_EQ(-ENOENT, d1_ioctl(self->fd, DRM_IOCTL_D1_BO_INFO, &bi));
	EXPECT_EQ(-ENOENT, d1_vm_bind(self->fd, h, DRM_D1_VM_READ, 0, 0, &va));
	EXPECT_EQ(-1, drmPrimeHandleToFD(self->fd, h, DRM_CLOEXEC, &fd));
	EXPECT_EQ(ENOENT, errno);

	ASSERT_EQ(0, drmSyncobjCreate(self->fd, 0, &so));
	ASSERT_EQ(0, drmSyncobjDestroy(self->fd, so));
	EXPECT_EQ(-1, drmSyncobjDestroy(self->fd, so));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-ENOENT, drmSyncobjWait(self->fd, &so, 1, 0, 0, &first));
	EXPECT_EQ(-1, drmSyncobjSignal(self->fd, &so, 1));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(-1, drmSyncobjHandleToFD(self->fd, so, &fd));
	EXPECT_EQ(EINVAL, errno);
	/* A job naming a closed syncobj is refused before it runs. */
	out.handle = so;
	EXPECT_EQ(-ENOENT, signal_job(self->fd, self->buf.va, 9, NULL, 0,
				      &out, 1));
	EXPECT_EQ(-ENOENT, signal_job(self->fd, self->buf.va, 9, &out, 1,
				      NULL, 0));
	EXPECT_EQ(0ull, *word(&self->buf, 0));
	/* The file works on. */
	EXPECT_EQ(1, d1_copy_round_trip(self->fd, 0x42));
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmarks through d1.ko, run inside the VM (tools/bench.sh boots it):
 * COPY bandwidth host BO -> HBM BO against memcpy in the guest, submit to
 * fence latency of a one-SIGNAL job and of an empty LAUNCH against a
 * no-op ioctl.  Prints "BENCH name value unit baseline ratio" lines.
 *
 *   bench-vm [--quick] [KERNEL.elf]
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "d1_common.h"
#include "d1_submit_common.h"
#include "../../tests/host/kernels/dev_args.h"

#define SIZE	(32u << 20)

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void report(const char *name, double value, const char *unit,
		   double baseline)
{
	printf("BENCH %s %.6g %s %.6g %.6g\n", name, value, unit, baseline,
	       baseline ? value / baseline : 0);
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

/* Mean time of @reps no-op ioctls (a size-only QUERY), in us. */
static double noop_ioctl_us(int fd, int reps)
{
	struct drm_d1_query q = { .param = DRM_D1_QUERY_DEVICE_INFO };
	double t0 = now();
	int i;

	for (i = 0; i < reps; i++) {
		q.size = 0;
		if (ioctl(fd, DRM_IOCTL_D1_QUERY, &q))
			die("QUERY");
	}
	return (now() - t0) / reps * 1e6;
}

/*
 * Submit one command and wait for its fence, nothing more (d1_run also
 * reads the fence's error status, which would be measured too).
 */
static int job(int fd, const struct drm_d1_cmd *c)
{
	__u32 so = 0;
	int ret = d1_submit_sync(fd, 0, c, 1, &so);

	if (!ret)
		ret = d1_sync_wait(fd, so, 60 * D1_SEC);
	if (so)
		drmSyncobjDestroy(fd, so);
	return ret;
}

static double job_us(int fd, const struct drm_d1_cmd *c, int reps)
{
	double t0 = now();
	int i;

	for (i = 0; i < reps; i++)
		if (job(fd, c))
			die("job");
	return (now() - t0) / reps * 1e6;
}

int main(int argc, char **argv)
{
	int quick = argc > 1 && !strcmp(argv[1], "--quick");
	const char *kpath = argc > 1 + quick ? argv[1 + quick] :
			    "build/tests/kernels/dev_scale.elf";
	int reps = quick ? 3 : 10, lat = quick ? 50 : 500;
	struct d1_buf src, hbm, sig, img, args, rep;
	struct dev_scale_args a = { 0, 0, 0, DEV_SCALE };
	struct drm_d1_cmd c;
	struct d1_dev dev;
	double t0, host, copy, noop;
	char *buf;
	FILE *f;
	long n;
	int fd, i;

	if (d1_find(&dev))
		die("no d1 device");
	fd = open(dev.node, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		die(dev.node);
	if (d1_buf_new_flags(fd, SIZE, DRM_D1_BO_HOST, DRM_D1_VM_READ, &src) ||
	    d1_buf_new_flags(fd, SIZE, DRM_D1_BO_HBM, DRM_D1_VM_WRITE, &hbm) ||
	    d1_buf_new_flags(fd, 4096, DRM_D1_BO_HOST, DRM_D1_VM_WRITE, &sig))
		die("buffers");

	/* COPY host -> HBM against memcpy between two guest buffers. */
	buf = malloc(SIZE);
	memset(src.map, 0x5a, SIZE);
	memcpy(buf, src.map, SIZE);		/* warm both */
	t0 = now();
	for (i = 0; i < reps; i++) {
		memcpy(buf, src.map, SIZE);
		__asm__ volatile("" ::: "memory");
	}
	host = (double)SIZE * reps / (now() - t0) / 1e9;
	c = d1_cmd_copy(src.va, hbm.va, SIZE);
	if (job(fd, &c))
		die("COPY");
	t0 = now();
	for (i = 0; i < reps; i++)
		if (job(fd, &c))
			die("COPY");
	copy = (double)SIZE * reps / (now() - t0) / 1e9;
	report("vm_copy_32MiB_host_to_hbm", copy, "GB/s", host);

	/* Submit -> fence of a one-SIGNAL job, against a no-op ioctl. */
	noop = noop_ioctl_us(fd, lat * 10);
	memset(&c, 0, sizeof(c));
	c.op = DRM_D1_CMD_SIGNAL;
	c.mem.va = sig.va;
	c.mem.value = 1;
	report("vm_submit_to_fence", job_us(fd, &c, lat), "us", noop);

	/* An empty launch (the kernel returns at once) on one node. */
	f = fopen(kpath, "rb");
	if (!f)
		die(kpath);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	if (d1_buf_new_flags(fd, (n + 4095) & ~4095l, DRM_D1_BO_HOST, DRM_D1_VM_READ, &img) ||
	    d1_buf_new_flags(fd, 4096, DRM_D1_BO_HOST, DRM_D1_VM_READ, &args) ||
	    d1_buf_new_flags(fd, 4096, DRM_D1_BO_HOST, DRM_D1_VM_WRITE, &rep))
		die("launch buffers");
	/* Through a bounce buffer: 9p cannot read into a BO mapping (no
	 * struct pages to pin for its zero-copy path).
	 */
	buf = realloc(buf, n);
	if (!buf || fread(buf, 1, n, f) != (size_t)n)
		die("read kernel");
	memcpy(img.map, buf, n);
	fclose(f);
	memcpy(args.map, &a, sizeof(a));	/* n = 0: nothing to do */
	memset(&c, 0, sizeof(c));
	c.op = DRM_D1_CMD_LAUNCH;
	c.launch.image = img.va;
	c.launch.image_size = n;
	c.launch.args = args.va;
	c.launch.args_size = sizeof(a);
	c.launch.harts = 1;
	c.launch.cols = 1;
	c.launch.rows = 1;
	c.launch.budget = 1000000;
	c.launch.report = rep.va;
	c.launch.report_size = 4096;
	report("vm_empty_launch", job_us(fd, &c, lat / 5), "us", noop);

	free(buf);
	close(fd);
	return 0;
}

// SPDX-License-Identifier: MIT
/*
 * sdk-bench - libd1 benchmarks, each next to its baseline, as
 * "BENCH name value unit baseline ratio" lines (tools/bench.sh format):
 *
 *   program_build_hit_ms   building a cached program  vs a cold build
 *   launch_empty_us        launch + synchronise of an empty 1-node kernel
 *                          vs a bare no-op ioctl (d1_device_info: QUERY)
 *   h2d_gbps, d2h_gbps     64 MiB synchronous copies to/from HBM vs memcpy
 *                          in this machine
 *
 * --host-only runs only the first (no device needed), --device-only all
 * but the first (a cold clang build under emulation measures the VM, not
 * libd1); --quick fewer rounds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <d1/d1.h>

#ifndef D1_BENCH_KERNELS
#define D1_BENCH_KERNELS "kernels.c"
#endif

#define CHECK(call) do { \
	d1_status st_ = (call); \
	if (st_) { \
		fprintf(stderr, "sdk-bench: %s: %s\n", #call, \
			d1_status_string(st_)); \
		exit(1); \
	} \
} while (0)

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void bench(const char *name, double v, const char *unit, double base)
{
	printf("BENCH %s %.6f %s %.6f %.6f\n", name, v, unit, base,
	       base ? v / base : 0.0);
}

static double build_ms(const char *src, int flags)
{
	struct d1_build_options o = { .flags = (unsigned int)flags };
	d1_program *p;
	double t0, t;

	CHECK(d1_program_create_from_source(src, 0, "bench.c", &p));
	t0 = now();
	CHECK(d1_program_build(p, &o));
	t = (now() - t0) * 1e3;
	d1_program_destroy(p);
	return t;
}

static void bench_build(int rounds)
{
	char src[256], dir[] = "/tmp/d1-bench-cache.XXXXXX", cmd[128];
	double cold = 0, hit = 0;
	int i;

	/* A fresh cache, a source of its own: the first build is cold. */
	if (!mkdtemp(dir))
		exit(1);
	setenv("D1_CACHE_DIR", dir, 1);
	for (i = 0; i < rounds; i++) {
		snprintf(src, sizeof(src),
			 "#include <d1/device/d1_launch.h>\n"
			 "D1_KERNEL(k%d, (uint32_t, n)) { d1_exit(n + %d); }\n",
			 i, i);
		cold += build_ms(src, 0);
		hit += build_ms(src, 0);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd))
		fprintf(stderr, "sdk-bench: could not remove %s\n", dir);
	unsetenv("D1_CACHE_DIR");
	bench("program_build_hit_ms", hit / rounds, "ms", cold / rounds);
}

static void bench_launch(d1_device *dev, int rounds)
{
	struct d1_launch_config cfg = { 0 };
	struct d1_device_info info;
	d1_program *p;
	d1_stream *s;
	d1_kernel *k;
	double t0, launch, ioctl_us;
	int i;

	CHECK(d1_program_create_from_file(D1_BENCH_KERNELS, &p));
	CHECK(d1_program_build(p, NULL));
	CHECK(d1_kernel_create(p, "empty", &k));
	CHECK(d1_stream_create(dev, D1_STREAM_ANY_QUEUE, &s));
	CHECK(d1_launch(s, k, &cfg));	/* uploads the image */
	CHECK(d1_stream_synchronize(s, D1_TIMEOUT_INFINITE));
	t0 = now();
	for (i = 0; i < rounds; i++) {
		CHECK(d1_launch(s, k, &cfg));
		CHECK(d1_stream_synchronize(s, D1_TIMEOUT_INFINITE));
	}
	launch = (now() - t0) * 1e6 / rounds;
	t0 = now();
	for (i = 0; i < rounds * 10; i++)
		CHECK(d1_device_info(dev, &info));
	ioctl_us = (now() - t0) * 1e6 / (rounds * 10);
	bench("launch_empty_us", launch, "us", ioctl_us);
	d1_stream_destroy(s);
	d1_kernel_destroy(k);
	d1_program_destroy(p);
}

static void bench_copies(d1_device *dev, int rounds)
{
	const size_t size = 64u << 20;
	char *a = malloc(size), *b = malloc(size);
	double t0, h2d, d2h, mc;
	d1_buffer *buf;
	int i;

	if (!a || !b)
		exit(1);
	memset(a, 1, size);
	memset(b, 2, size);
	CHECK(d1_buffer_create(dev, size, D1_MEM_HBM, 0, &buf));
	CHECK(d1_memcpy_htod(buf, 0, a, size));	/* warm up */
	t0 = now();
	for (i = 0; i < rounds; i++)
		CHECK(d1_memcpy_htod(buf, 0, a, size));
	h2d = size * (double)rounds / (now() - t0) / 1e9;
	t0 = now();
	for (i = 0; i < rounds; i++)
		CHECK(d1_memcpy_dtoh(b, buf, 0, size));
	d2h = size * (double)rounds / (now() - t0) / 1e9;
	t0 = now();
	for (i = 0; i < rounds; i++) {
		memcpy(b, a, size);
		__asm__ volatile("" ::: "memory");
	}
	mc = size * (double)rounds / (now() - t0) / 1e9;
	bench("h2d_gbps", h2d, "GB/s", mc);
	bench("d2h_gbps", d2h, "GB/s", mc);
	d1_buffer_destroy(buf);
	free(a);
	free(b);
}

int main(int argc, char **argv)
{
	int quick = 0, host_only = 0, device_only = 0, i;
	d1_device *dev;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--quick"))
			quick = 1;
		else if (!strcmp(argv[i], "--host-only"))
			host_only = 1;
		else if (!strcmp(argv[i], "--device-only"))
			device_only = 1;
		else {
			fprintf(stderr, "usage: sdk-bench [--quick] [--host-only | --device-only]\n");
			return 64;
		}
	}
	if (!device_only)
		bench_build(quick ? 2 : 5);
	if (host_only)
		return 0;
	CHECK(d1_device_open(0, &dev));
	bench_launch(dev, quick ? 20 : 100);
	bench_copies(dev, quick ? 2 : 5);
	d1_device_close(dev);
	return 0;
}

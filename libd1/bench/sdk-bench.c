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
 *   grid_4proc_disjoint_4x4  launches per second of 4 processes, each
 *                          launching a small kernel over and over on its
 *                          own 4x4 quadrant of an 8x8 corner of the grid,
 *                          vs the same launches from one process in
 *                          sequence
 *   launch_cached_image_us a launch + synchronise of an image the card
 *                          has seen vs the first launch of a new image
 *                          (upload and device-side decode included)
 *
 * --host-only runs only the first (no device needed), --device-only all
 * but the first (a cold clang build under emulation measures the VM, not
 * libd1); --quick fewer rounds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <d1/d1.h>

#include "median.h"

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

/* The small kernel on quadrant @q (of an 8x8 corner), with its buffer. */
struct small {
	d1_device *dev;
	d1_program *p;
	d1_stream *s;
	d1_kernel *k;
	d1_buffer *x;
};

enum { SMALL_ROUNDS = 8 };

static void small_open(struct small *sm, unsigned int queue)
{
	struct d1_device_info info;

	CHECK(d1_device_open(0, &sm->dev));
	CHECK(d1_device_info(sm->dev, &info));
	CHECK(d1_program_create_from_file(D1_BENCH_KERNELS, &sm->p));
	CHECK(d1_program_build(sm->p, NULL));
	CHECK(d1_kernel_create(sm->p, "small", &sm->k));
	CHECK(d1_stream_create(sm->dev, (int)(queue % info.num_queues), &sm->s));
	CHECK(d1_buffer_create(sm->dev, 16 * 4096 * 4, D1_MEM_HBM, 0, &sm->x));
	CHECK(d1_kernel_set_arg_buffer(sm->k, 0, sm->x, 0));
	CHECK(d1_kernel_set_arg_u32(sm->k, 1, SMALL_ROUNDS));
}

static void small_launch(struct small *sm, unsigned int q)
{
	struct d1_launch_config cfg = { .x0 = (q % 2) * 4, .y0 = (q / 2) * 4,
					 .cols = 4, .rows = 4 };

	CHECK(d1_launch(sm->s, sm->k, &cfg));
	CHECK(d1_stream_synchronize(sm->s, D1_TIMEOUT_INFINITE));
}

static void small_close(struct small *sm)
{
	d1_buffer_destroy(sm->x);
	d1_stream_destroy(sm->s);
	d1_kernel_destroy(sm->k);
	d1_program_destroy(sm->p);
	d1_device_close(sm->dev);
}

/* Seconds for 4 * @n small launches from one process in sequence. */
static double grid_sequential(int n)
{
	struct small sm;
	double t0, t;
	int i;

	small_open(&sm, 0);
	small_launch(&sm, 0);		/* upload, warm the card's caches */
	t0 = now();
	for (i = 0; i < 4 * n; i++)
		small_launch(&sm, i % 4);
	t = now() - t0;
	small_close(&sm);
	return t;
}

/* Seconds for @n small launches from each of 4 processes at once. */
static double grid_parallel(int n)
{
	int go[2], done[2], q, i;
	struct small sm;
	pid_t pid[4];
	double t0;
	char c;

	if (pipe(go) || pipe(done))
		exit(1);
	for (q = 0; q < 4; q++) {
		pid[q] = fork();
		if (pid[q] < 0)
			exit(1);
		if (pid[q] == 0) {
			small_open(&sm, q);
			small_launch(&sm, q);
			c = 'r';
			if (write(done[1], &c, 1) != 1 || read(go[0], &c, 1) != 1)
				_exit(1);
			for (i = 0; i < n; i++)
				small_launch(&sm, q);
			small_close(&sm);
			_exit(0);
		}
	}
	for (q = 0; q < 4; q++)
		if (read(done[0], &c, 1) != 1)
			exit(1);
	t0 = now();
	if (write(go[1], "gggg", 4) != 4)
		exit(1);
	for (q = 0; q < 4; q++) {
		int st;

		if (waitpid(pid[q], &st, 0) != pid[q] || !WIFEXITED(st) ||
		    WEXITSTATUS(st))
			exit(1);
	}
	close(go[0]);
	close(go[1]);
	close(done[0]);
	close(done[1]);
	return now() - t0;
}

/*
 * The grid shared: four processes, each its own device handle (context)
 * and queue, launch the small kernel @n times on their own quadrant, each
 * launch synchronised before the next; against one process making the
 * same 4 * @n launches in sequence.  Medians of @trials, taken in turns.
 */
static void bench_grid(int n, int trials)
{
	double seq[16], par[16];
	int t;

	for (t = 0; t < trials; t++) {
		seq[t] = grid_sequential(n);
		par[t] = grid_parallel(n);
	}
	printf("sdk-bench: %d small 4x4 launches (medians of %d): %.1f ms from one process in sequence, %.1f ms from 4 processes on disjoint quadrants\n",
	       4 * n, trials, d1_bench_median(seq, trials) * 1e3,
	       d1_bench_median(par, trials) * 1e3);
	bench("grid_4proc_disjoint_4x4", 4 * n / d1_bench_median(par, trials),
	      "launch/s", 4 * n / d1_bench_median(seq, trials));
}

/*
 * The first launch of an image the card has not seen (a new program: its
 * upload and the device's decode) against launching it again (the card
 * keeps decoded images by content).  Each round's image differs in a byte
 * past the ELF's end, so the card cannot know it yet.
 */
static void bench_image_cache(d1_device *dev, int rounds)
{
	struct d1_launch_config cfg = { .cols = 4, .rows = 4 };
	double first = 0, again = 0, t0;
	size_t size;
	d1_program *p;
	d1_stream *s;
	char *elf;
	int i;

	CHECK(d1_program_create_from_file(D1_BENCH_KERNELS, &p));
	CHECK(d1_program_build(p, NULL));
	CHECK(d1_program_binary(p, NULL, 0, &size));
	elf = calloc(1, size + 8);
	if (!elf)
		exit(1);
	CHECK(d1_program_binary(p, elf, size, &size));
	d1_program_destroy(p);
	CHECK(d1_stream_create(dev, D1_STREAM_ANY_QUEUE, &s));
	for (i = 0; i < rounds; i++) {
		d1_program *pi;
		d1_kernel *k;

		memcpy(elf + size, &i, sizeof(i));	/* a new image */
		CHECK(d1_program_create_from_elf(elf, size + sizeof(i), &pi));
		CHECK(d1_kernel_create(pi, "empty", &k));
		t0 = now();
		CHECK(d1_launch(s, k, &cfg));
		CHECK(d1_stream_synchronize(s, D1_TIMEOUT_INFINITE));
		first += now() - t0;
		t0 = now();
		CHECK(d1_launch(s, k, &cfg));
		CHECK(d1_stream_synchronize(s, D1_TIMEOUT_INFINITE));
		again += now() - t0;
		d1_kernel_destroy(k);
		d1_program_destroy(pi);
	}
	d1_stream_destroy(s);
	free(elf);
	bench("launch_cached_image_us", again * 1e6 / rounds, "us",
	      first * 1e6 / rounds);
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
	bench_image_cache(dev, quick ? 5 : 20);
	bench_copies(dev, quick ? 2 : 5);
	d1_device_close(dev);
	bench_grid(quick ? 10 : 25, quick ? 1 : 5);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * DIP device benchmark (make bench), each figure next to a baseline
 * measured in this run; prints "BENCH name value unit baseline ratio"
 * lines that tools/bench.sh collects:
 *
 *   dip_copy_8MiB_host_to_hbm     COPY bandwidth vs host memcpy
 *   dip_nop_round_trip            doorbell to completion vs a thread
 *                                 hand-off
 *   dip_launch_cached_image       LAUNCH latency of an image in the
 *                                 device's image cache vs a new one
 *   dip_scrub_small_kernel        scrub time per launch after a small
 *                                 kernel, 4x4 nodes, vs an empty launch
 *   dip_scrub_full_sram           the same after a kernel that wrote all
 *                                 of SRAM, vs the same empty launch
 *   dip_4_queues_disjoint_4x4     throughput of small launches from 4
 *                                 queues (contexts) on disjoint 4x4
 *                                 rectangles vs the same launches from one
 *                                 queue in sequence
 *
 *   bench-dip [--quick] [KERNEL_DIR]   (kernels of tests/host/kernels)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *kdir = "build/tests/kernels";
#define D1_KERNEL_DIR kdir

#include "dip_harness.h"
#include "median.h"
#include "node_harness.h"
#include "kernels/dev_args.h"
#include "kernels/kargs.h"

#define VA_HOST	0x100000000ull
#define VA_HBM	0x200000000ull
#define SIZE	(8u << 20)

static double secs(void)
{
	return bench_now(NULL) * 1e-9;
}

static void report(const char *name, double value, const char *unit,
		   double baseline)
{
	printf("BENCH %s %.6g %s %.6g %.6g\n", name, value, unit, baseline,
	       baseline ? value / baseline : 0);
}

static double memcpy_gbps(uint8_t *dst, const uint8_t *src, int reps)
{
	double t0 = secs();
	int i;

	for (i = 0; i < reps; i++) {
		memcpy(dst, src, SIZE);
		__asm__ volatile("" ::: "memory");
	}
	return (double)SIZE * reps / (secs() - t0) / 1e9;
}

static double copy_gbps(struct bench *b, struct bench_queue *q, int reps)
{
	uint64_t w[8] = { D1_DESC_HDR(D1_OP_COPY, 0, 0), VA_HOST, VA_HBM, SIZE };
	double t0 = secs();
	int i;

	for (i = 0; i < reps; i++) {
		bench_submit(b, q, w);
		if (bench_wait(b, q, 60000) != 0)
			return -1;
	}
	return (double)SIZE * reps / (secs() - t0) / 1e9;
}

/* Round trip of a NOP: doorbell write to HEAD advancing. */
static double nop_latency_us(struct bench *b, struct bench_queue *q, int reps)
{
	uint64_t w[8] = { D1_DESC_HDR(D1_OP_NOP, 0, 0) };
	double t0 = secs();
	int i;

	for (i = 0; i < reps; i++) {
		bench_submit(b, q, w);
		while (rd(b, D1_REG_Q(q->idx, D1_Q_HEAD)) != q->tail)
			;
	}
	return (secs() - t0) / reps * 1e6;
}

/* Baseline: the cheapest asynchronous hand-off, a condvar ping-pong. */
struct pingpong {
	pthread_mutex_t m;
	pthread_cond_t c;
	int turn, stop;
};

static void *pong(void *arg)
{
	struct pingpong *p = arg;

	pthread_mutex_lock(&p->m);
	while (!p->stop) {
		if (p->turn == 1) {
			p->turn = 0;
			pthread_cond_broadcast(&p->c);
		}
		pthread_cond_wait(&p->c, &p->m);
	}
	pthread_mutex_unlock(&p->m);
	return NULL;
}

static double handoff_us(int reps)
{
	struct pingpong p = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER,
			      0, 0 };
	pthread_t t;
	double t0;
	int i;

	pthread_create(&t, NULL, pong, &p);
	t0 = secs();
	pthread_mutex_lock(&p.m);
	for (i = 0; i < reps; i++) {
		p.turn = 1;
		pthread_cond_broadcast(&p.c);
		while (p.turn)
			pthread_cond_wait(&p.c, &p.m);
	}
	p.stop = 1;
	pthread_cond_broadcast(&p.c);
	pthread_mutex_unlock(&p.m);
	t0 = (secs() - t0) / reps * 1e6;
	pthread_join(t, NULL);
	return t0;
}

/* ---- launches ---- */

#define VA_IMG	0x300000000ull
#define VA_BUF	0x100000000ull
#define LBUF	(1u << 20)	/* per queue: args, report, data */
#define L_REP	0x1000
#define L_DATA	0x10000
#define L_REPORT	8192u

/* Kernel @name of tests/host/kernels, built in kdir; exits without. */
static void *read_kernel(const char *name, size_t *size)
{
	void *elf = kernel_read(name, size);

	if (!elf) {
		fprintf(stderr, "bench-dip: no %s/%s.elf\n", kdir, name);
		exit(1);
	}
	return elf;
}

/* A device with @queues queues, each in its own context with the kernel
 * @name mapped at VA_IMG and a buffer at VA_BUF. */
struct ldev {
	struct bench b;
	struct bench_queue q[4];
	uint64_t buf[4];
	uint64_t img;		/* bus address of the ELF, 8 spare bytes after */
	uint32_t img_size;	/* the ELF's */
	uint32_t launch_bytes;	/* what a LAUNCH names: the ELF, or more */
};

static void ldev_init(struct ldev *L, const char *name, uint32_t rows,
		      uint32_t cols, uint64_t image_cache, uint32_t queues)
{
	struct d1_dip_config c = bench_config();
	size_t size;
	void *elf = read_kernel(name, &size);
	uint64_t map_size;
	uint32_t i;

	c.grid_rows = rows;
	c.grid_cols = cols;
	c.nodes = rows * cols;
	c.image_cache = image_cache;
	c.sim_threads = (uint32_t)sysconf(_SC_NPROCESSORS_ONLN);
	if (bench_init(&L->b, &c))
		exit(1);
	map_size = (size + 8 + 4095) & ~4095ul;
	L->img = bench_alloc(&L->b, map_size);
	memcpy(bench_ptr(&L->b, L->img), elf, size);
	L->img_size = L->launch_bytes = size;
	free(elf);
	for (i = 0; i < queues; i++) {
		uint64_t root = bench_context(&L->b, i);

		L->buf[i] = bench_alloc(&L->b, LBUF);
		bench_map(&L->b, root, VA_BUF, L->buf[i], LBUF,
			  D1_PTE_READ | D1_PTE_WRITE);
		bench_map(&L->b, root, VA_IMG, L->img, map_size, D1_PTE_READ);
		bench_queue_start(&L->b, &L->q[i], i, i, 256);
	}
}

/* Queue a LAUNCH of the kernel on @q over cols x rows at (x0, y0). */
static void ldev_launch(struct ldev *L, uint32_t q, const void *args,
			uint32_t args_size, uint32_t x0, uint32_t y0,
			uint32_t cols, uint32_t rows)
{
	uint64_t w[8] = {
		D1_DESC_HDR(D1_OP_LAUNCH, 0, 0), VA_IMG,
		D1_LAUNCH_W2(L->launch_bytes, L_REPORT), VA_BUF,
		D1_LAUNCH_W4(x0, y0, cols, rows), D1_LAUNCH_W5(args_size, 1, 0),
		100000000, VA_BUF + L_REP,
	};

	memcpy(bench_ptr(&L->b, L->buf[q]), args, args_size);
	bench_submit(&L->b, &L->q[q], w);
}

static int ldev_wait(struct ldev *L, uint32_t q)
{
	return bench_wait(&L->b, &L->q[q], 600000) == 0 ? 0 : -1;
}

/* Microseconds of one LAUNCH of an empty kernel on @L. */
static double launch_once_us(struct ldev *L, uint32_t cols, uint32_t rows)
{
	struct basic_args a = { 999, 0, 0 };	/* an unknown mode: returns */
	double t0 = secs();

	ldev_launch(L, 0, &a, sizeof(a), 0, 0, cols, rows);
	if (ldev_wait(L, 0)) {
		fprintf(stderr, "bench-dip: launch failed\n");
		exit(1);
	}
	return (secs() - t0) * 1e6;
}

/* Median microseconds per empty LAUNCH, one after another. */
static double launch_us(struct ldev *L, uint32_t cols, uint32_t rows,
			int reps)
{
	double *t = calloc(reps, sizeof(*t)), m;
	int i;

	if (!t)
		exit(1);
	launch_once_us(L, cols, rows);		/* warm */
	for (i = 0; i < reps; i++)
		t[i] = launch_once_us(L, cols, rows);
	m = d1_bench_median(t, reps);
	free(t);
	return m;
}

/*
 * Image cache: an empty launch of an image the device has seen against
 * one of an image it has not (the same ELF with 8 new bytes after it, so
 * a new key: read, hashed and decoded), taken in turns on one device.
 */
static void bench_icache(int reps)
{
	double *th = calloc(reps, sizeof(double));
	double *tm = calloc(reps, sizeof(double));
	struct ldev L;
	double t_hit, t_miss;
	uint64_t tag;
	int i;

	if (!th || !tm)
		exit(1);
	ldev_init(&L, "basic", 4, 4, 64 << 20, 1);
	launch_once_us(&L, 4, 4);
	for (i = 0; i < reps; i++) {
		L.launch_bytes = L.img_size;
		th[i] = launch_once_us(&L, 4, 4);
		tag = i + 1;
		memcpy(bench_ptr(&L.b, L.img + L.img_size), &tag, sizeof(tag));
		L.launch_bytes = L.img_size + sizeof(tag);
		tm[i] = launch_once_us(&L, 4, 4);
	}
	t_hit = d1_bench_median(th, reps);
	t_miss = d1_bench_median(tm, reps);
	free(th);
	free(tm);
	if (rd(&L.b, D1_REG_ICACHE_HITS) != (uint32_t)reps ||
	    rd(&L.b, D1_REG_ICACHE_MISSES) != (uint32_t)reps + 1) {
		fprintf(stderr, "bench-dip: image cache hits %u misses %u\n",
			rd(&L.b, D1_REG_ICACHE_HITS),
			rd(&L.b, D1_REG_ICACHE_MISSES));
		exit(1);
	}
	printf("empty 4x4 launch of a %u-byte image: %.1f us cached, %.1f us new\n",
	       L.img_size, t_hit, t_miss);
	report("dip_launch_cached_image", t_hit, "us", t_miss);
	bench_fini(&L.b);
}

/* Scrub time of the next launch after @dirty, 4x4 nodes, average. */
static double scrub_us(struct d1_grid *g, const struct basic_args *dirty,
		       int reps)
{
	struct basic_args empty = { 999, 0, 0 };
	struct d1_launch l = {
		.width = 4, .height = 4, .budget = 100000000,
		.flags = D1_LAUNCH_SCRUB, .args_size = sizeof(empty),
	};
	struct d1_launch_result res;
	uint64_t ns = 0;
	int i;

	for (i = 0; i < reps; i++) {
		l.args = dirty;
		if (d1_grid_run(g, &l, &res, NULL, 0) || res.exited != 16)
			exit(1);
		l.args = &empty;
		if (d1_grid_run(g, &l, &res, NULL, 0) || res.exited != 16)
			exit(1);
		ns += res.scrub_ns;
	}
	return ns / 1e3 / reps;
}

static void bench_scrub(int reps)
{
	struct d1_grid_config gc = { .rows = 4, .cols = 4, .threads = 1 };
	struct d1_grid *g = d1_grid_create(&gc);
	struct basic_args small = { BASIC_DIRTY, 64, KDATA_OUT };
	struct basic_args full = { BASIC_DIRTY, (D1_SRAM_SIZE - 0x40000 - 0x8000) / 8,
				   KDATA_IN };
	struct ldev L;
	double empty, s_small, s_full;
	size_t size;
	void *elf = read_kernel("basic", &size);

	if (!g || d1_grid_load_elf(g, elf, size, NULL, 0))
		exit(1);
	free(elf);
	ldev_init(&L, "basic", 4, 4, 64 << 20, 1);
	empty = launch_us(&L, 4, 4, reps);
	s_small = scrub_us(g, &small, reps);
	s_full = scrub_us(g, &full, reps / 4 + 1);
	printf("scrub per 4x4 launch: %.1f us after a small kernel (%llu KiB dirty on node 0), %.1f us after a full-SRAM one; empty launch %.1f us\n",
	       s_small, (unsigned long long)d1_grid_dirty_bytes(g, 0) >> 10,
	       s_full, empty);
	report("dip_scrub_small_kernel", s_small, "us", empty);
	report("dip_scrub_full_sram", s_full, "us", empty);
	d1_grid_destroy(g);
	bench_fini(&L.b);
}

/*
 * Small launches (dev_scale: DMA in, scale, DMA out, 1024 ints per node)
 * on the four 4x4 quadrants of an 8x8 grid: four queues at once, each in
 * its own context on its own quadrant, against one queue doing all of
 * them in sequence (rotating over the quadrants).  Medians of @trials,
 * taken in turns.
 */
static void bench_concurrent(int per_queue, int trials)
{
	const struct dev_scale_args a = { VA_BUF + L_DATA, VA_BUF + L_DATA,
					  1024, DEV_SCALE };
	double t0, t_seq, t_par, seq[16], par[16];
	struct ldev L;
	uint32_t q, i;
	int t;

	ldev_init(&L, "dev_scale", 8, 8, 64 << 20, 4);
	/* warm the image cache and the nodes */
	for (q = 0; q < 4; q++) {
		ldev_launch(&L, q, &a, sizeof(a), (q % 2) * 4, (q / 2) * 4, 4, 4);
		if (ldev_wait(&L, q))
			exit(1);
	}
	for (t = 0; t < trials; t++) {
		t0 = secs();
		for (i = 0; i < 4u * per_queue; i++) {
			q = i % 4;
			ldev_launch(&L, 0, &a, sizeof(a), (q % 2) * 4,
				    (q / 2) * 4, 4, 4);
			if (ldev_wait(&L, 0))
				exit(1);
		}
		seq[t] = secs() - t0;
		t0 = secs();
		for (i = 0; i < (uint32_t)per_queue; i++) {
			for (q = 0; q < 4; q++)
				ldev_launch(&L, q, &a, sizeof(a), (q % 2) * 4,
					    (q / 2) * 4, 4, 4);
			for (q = 0; q < 4; q++)
				if (ldev_wait(&L, q))
					exit(1);
		}
		par[t] = secs() - t0;
	}
	t_seq = d1_bench_median(seq, trials);
	t_par = d1_bench_median(par, trials);
	printf("%u small 4x4 launches (medians of %d): %.1f ms from one queue in sequence, %.1f ms from 4 queues at once\n",
	       4 * per_queue, trials, t_seq * 1e3, t_par * 1e3);
	report("dip_4_queues_disjoint_4x4", 4 * per_queue / t_par, "launch/s",
	       4 * per_queue / t_seq);
	bench_fini(&L.b);
}

int main(int argc, char **argv)
{
	int quick = argc > 1 && !strcmp(argv[1], "--quick");
	int reps = quick ? 4 : 32, lat = quick ? 200 : 5000;
	struct d1_dip_config c = bench_config();
	struct bench b;
	struct bench_queue q;
	uint64_t root;
	double dev, host;

	if (argc > 1 + quick)
		kdir = argv[1 + quick];

	if (bench_init(&b, &c)) {
		fprintf(stderr, "bench-dip: cannot start the device core\n");
		return 1;
	}
	root = bench_context(&b, 1);
	bench_map(&b, root, VA_HOST, BENCH_BUS_BASE, SIZE, D1_PTE_READ);
	bench_map(&b, root, VA_HBM, 0, SIZE, D1_PTE_WRITE | D1_PTE_HBM);
	bench_queue_start(&b, &q, 0, 1, 64);
	memset(bench_ptr(&b, BENCH_BUS_BASE), 0x5a, SIZE);

	/* One untimed round each first: page faults are not bandwidth. */
	memcpy_gbps(b.hbm, bench_ptr(&b, BENCH_BUS_BASE), 1);
	copy_gbps(&b, &q, 1);
	host = memcpy_gbps(b.hbm, bench_ptr(&b, BENCH_BUS_BASE), reps);
	dev = copy_gbps(&b, &q, reps);
	if (dev < 0 || memcmp(b.hbm, bench_ptr(&b, BENCH_BUS_BASE), SIZE)) {
		fprintf(stderr, "bench-dip: COPY failed\n");
		return 1;
	}
	report("dip_copy_8MiB_host_to_hbm", dev, "GB/s", host);
	report("dip_nop_round_trip", nop_latency_us(&b, &q, lat), "us",
	       handoff_us(lat));
	bench_fini(&b);

	bench_icache(quick ? 20 : 200);
	bench_scrub(quick ? 8 : 64);
	bench_concurrent(quick ? 8 : 50, quick ? 1 : 7);
	return 0;
}

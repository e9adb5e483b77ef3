// SPDX-License-Identifier: GPL-2.0
/*
 * DIP device benchmark (make bench): COPY bandwidth of the device core
 * against host memcpy of the same size, and command round-trip latency
 * (doorbell to completion) against a bare thread hand-off, both measured
 * in this run.  Prints "BENCH name value unit baseline ratio" lines that
 * tools/bench.sh collects.
 *
 *   bench-dip [--quick]
 */
#include <stdio.h>
#include <string.h>

#include "dip_harness.h"

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

int main(int argc, char **argv)
{
	int quick = argc > 1 && !strcmp(argv[1], "--quick");
	int reps = quick ? 4 : 32, lat = quick ? 200 : 5000;
	struct d1_dip_config c = bench_config();
	struct bench b;
	struct bench_queue q;
	uint64_t root;
	double dev, host;

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
	return 0;
}

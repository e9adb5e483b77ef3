/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * The median of repeated timings: robust to the other load of a shared
 * machine.  Used by the benchmarks (sdk-bench, tools/bench-dip).
 */
#ifndef D1_BENCH_MEDIAN_H
#define D1_BENCH_MEDIAN_H

#include <stdlib.h>

static int d1_bench_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The median of @n values (sorts them). */
static inline double d1_bench_median(double *v, int n)
{
	qsort(v, n, sizeof(*v), d1_bench_cmp);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

#endif /* D1_BENCH_MEDIAN_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * Node-simulator benchmark (make bench): scalar MIPS against qemu-riscv64
 * running the same program, FP32 and BF16 matmul GFLOPS on the emulated
 * grid against host single-thread sgemm (OpenBLAS when installed), and
 * scaling with host threads and grid size.  Each result is printed as
 * "BENCH name value unit baseline ratio" (tools/bench.sh turns these into
 * build/bench.json); --json FILE also appends {name, value, unit,
 * baseline, ratio} records to the JSON array in FILE.
 *
 *   bench-core [--quick] [--matmul] [--json FILE]
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "grid.h"
#include "kernels/kargs.h"

#define HBM_BASE 0x4000000000ull

static const char *json_path;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Append one record to the JSON array in json_path. */
static void record(const char *name, double value, const char *unit,
		   double baseline, double ratio)
{
	char *old = NULL;
	long n = 0;
	FILE *f;

	/* the line tools/bench.sh collects */
	printf("BENCH %s %.6g %s %.6g %.6g\n", name, value, unit, baseline,
	       ratio);
	if (!json_path)
		return;
	f = fopen(json_path, "r");
	if (f) {
		fseek(f, 0, SEEK_END);
		n = ftell(f);
		fseek(f, 0, SEEK_SET);
		old = calloc(1, (size_t)n + 1);
		if (fread(old, 1, (size_t)n, f) != (size_t)n)
			n = 0;
		fclose(f);
		while (n > 0 && (old[n - 1] == '\n' || old[n - 1] == ' ' ||
				 old[n - 1] == ']'))
			n--;
	}
	f = fopen(json_path, "w");
	if (!f) {
		free(old);
		return;
	}
	if (n > 1)
		fprintf(f, "%.*s,\n", (int)n, old);
	else
		fprintf(f, "[\n");
	fprintf(f, "  {\"name\": \"%s\", \"value\": %.6g, \"unit\": \"%s\", "
		"\"baseline\": %.6g, \"ratio\": %.6g}\n]\n", name, value, unit,
		baseline, ratio);
	fclose(f);
	free(old);
}

static void *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	void *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n);
	if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*size = (size_t)n;
	return buf;
}

static struct d1_grid *grid(uint32_t rows, uint32_t cols, uint32_t threads,
			    const char *kernel)
{
	struct d1_grid_config cfg = { .rows = rows, .cols = cols, .threads = threads };
	struct d1_grid *g = d1_grid_create(&cfg);
	char path[512], err[256];
	size_t size;
	void *elf;

	snprintf(path, sizeof(path), "%s/%s.elf", KDIR, kernel);
	elf = read_file(path, &size);
	if (!g || !elf || d1_grid_load_elf(g, elf, size, err, sizeof(err))) {
		fprintf(stderr, "bench-core: cannot load %s\n", path);
		exit(1);
	}
	free(elf);
	return g;
}

/* ------------------------------------------------------------ scalar */

static double run_qemu(const char *elf, char *out, size_t cap)
{
	char cmd[600];
	double t0 = now(), t;
	size_t n;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "qemu-riscv64 %s", elf);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	n = fread(out, 1, cap - 1, p);
	out[n] = 0;
	if (pclose(p))
		return -1;
	t = now() - t0;
	return t;
}

/* Best-of-3 times of @kernel on the simulator and under qemu-riscv64;
 * returns the instruction count (outputs must match). */
static uint64_t time_scalar(const char *kernel, double *t_d1, double *t_qemu)
{
	struct d1_grid *g = grid(1, 1, 1, kernel);
	struct d1_launch l = { 0 };
	struct d1_launch_result res;
	char path[512], qout[256];
	const char *o;
	size_t len;
	int k;

	l.quantum = 1u << 20;
	*t_d1 = 1e9;
	for (k = 0; k < 3; k++) {
		double t0 = now();

		d1_grid_run(g, &l, &res, NULL, 0);
		if (now() - t0 < *t_d1)
			*t_d1 = now() - t0;
	}
	o = d1_grid_output(g, 0, &len);
	snprintf(path, sizeof(path), "%s/%s.elf", KDIR, kernel);
	*t_qemu = 1e9;
	for (k = 0; k < 3; k++) {
		double tk = run_qemu(path, qout, sizeof(qout));

		if (tk > 0 && tk < *t_qemu)
			*t_qemu = tk;
	}
	if (*t_qemu < 1e9 && (strlen(qout) != len || memcmp(qout, o, len)))
		fprintf(stderr, "bench-core: %s output differs from qemu!\n", kernel);
	if (*t_qemu >= 1e9)
		*t_qemu = 0;
	printf("%s: %llu instructions, d1 %.4f s, qemu-riscv64 %.4f s\n", kernel,
	       (unsigned long long)res.instret, *t_d1, *t_qemu);
	d1_grid_destroy(g);
	return res.instret;
}

/*
 * Scalar MIPS against qemu-riscv64 on the same program.  The plain ratio
 * counts qemu's process start-up (a few ms) against it; the steady-state
 * ratio uses the difference between a long and a short run of the same
 * program, which cancels start-up and translation on both sides.
 */
static void bench_scalar(int quick)
{
	double t, tq, ts, tqs, mips, mq;
	uint64_t n = time_scalar(quick ? "scalar-small" : "scalar", &t, &tq);
	uint64_t ns;

	mips = n / t / 1e6;
	mq = tq > 0 ? n / tq / 1e6 : 0;
	record("core.scalar_mips", mips, "MIPS", mq, mq > 0 ? mips / mq : 0);
	if (quick)
		return;
	ns = time_scalar("scalar-small", &ts, &tqs);
	if (t > ts && tq > tqs) {
		mips = (n - ns) / (t - ts) / 1e6;
		mq = (n - ns) / (tq - tqs) / 1e6;
		record("core.scalar_mips_steady", mips, "MIPS", mq, mips / mq);
	}
}

/* ------------------------------------------------------------ matmul */

struct hbm {
	uint8_t *mem;
	uint64_t size;
};

static int hbm_read(void *opaque, uint64_t addr, void *buf, uint64_t len)
{
	struct hbm *h = opaque;

	if (addr < HBM_BASE || addr - HBM_BASE + len > h->size)
		return -1;
	memcpy(buf, h->mem + (addr - HBM_BASE), len);
	return 0;
}

static int hbm_write(void *opaque, uint64_t addr, const void *buf, uint64_t len)
{
	struct hbm *h = opaque;

	if (addr < HBM_BASE || addr - HBM_BASE + len > h->size)
		return -1;
	memcpy(h->mem + (addr - HBM_BASE), buf, len);
	return 0;
}

static const struct d1_mem_ops hbm_ops = {
	.read = hbm_read,
	.write = hbm_write,
};

typedef void (*sgemm_fn)(int order, int ta, int tb, int m, int n, int k,
			 float alpha, const float *a, int lda, const float *b,
			 int ldb, float beta, float *c, int ldc);

static double host_sgemm_gflops(int m, int n, int k, const char **which)
{
	static const char *const libs[] = { "libopenblas.so.0", "libblas.so.3",
					    "libcblas.so.3" };
	float *a = calloc((size_t)m * k, 4), *b = calloc((size_t)k * n, 4);
	float *c = calloc((size_t)m * n, 4);
	sgemm_fn fn = NULL;
	double best = 1e9;
	unsigned int i;
	int r;

	for (i = 0; i < 3 && !fn; i++) {
		void *h = dlopen(libs[i], RTLD_NOW);

		if (!h)
			continue;
		fn = (sgemm_fn)(uintptr_t)dlsym(h, "cblas_sgemm");
		if (fn)
			*which = libs[i];
		/* single-threaded baseline */
		{
			void (*set)(int) = (void (*)(int))(uintptr_t)
				dlsym(h, "openblas_set_num_threads");

			if (set)
				set(1);
		}
	}
	if (!fn) {
		*which = "none";
		return 0;
	}
	for (i = 0; i < (unsigned int)(m * k); i++)
		a[i] = (float)(i % 17) - 8;
	for (i = 0; i < (unsigned int)(k * n); i++)
		b[i] = (float)(i % 13) - 6;
	for (r = 0; r < 5; r++) {
		double t0 = now();

		fn(101, 111, 111, m, n, k, 1.0f, a, k, b, n, 0.0f, c, n);
		if (now() - t0 < best)
			best = now() - t0;
	}
	free(a);
	free(b);
	free(c);
	return 2.0 * m * n * k / best / 1e9;
}

/* Seconds for one launch of @kernel (sgemm/bf16mm) on rows x cols. */
static double matmul_time(const char *kernel, uint32_t rows, uint32_t cols,
			  uint32_t threads, uint32_t m, uint32_t n, uint32_t k)
{
	struct d1_grid *g = grid(rows, cols, threads, kernel);
	struct hbm h;
	struct gemm_args a;
	struct d1_launch l = { 0 };
	struct d1_launch_result res;
	int bf = !strcmp(kernel, "bf16mm");
	uint64_t es = bf ? 2 : 4, i;
	double best = 1e9;
	int r;

	h.size = (uint64_t)m * k * es + (uint64_t)k * n * es + (uint64_t)m * n * 4;
	h.mem = malloc(h.size);
	for (i = 0; i < h.size / 4; i++)
		((uint32_t *)h.mem)[i] = bf ? 0x3f803f80u + (uint32_t)(i % 7) : 0x3f800000u;
	a = (struct gemm_args){ HBM_BASE, HBM_BASE + m * k * es,
				HBM_BASE + m * k * es + k * n * es, m, n, k, 0, 0 };
	l.args = &a;
	l.args_size = sizeof(a);
	l.mem = &hbm_ops;
	l.mem_opaque = &h;
	l.quantum = 1u << 16;
	for (r = 0; r < 2; r++) {
		double t0 = now();

		d1_grid_run(g, &l, &res, NULL, 0);
		if (res.exited != rows * cols)
			fprintf(stderr, "bench-core: %s did not exit cleanly\n", kernel);
		if (now() - t0 < best)
			best = now() - t0;
	}
	printf("%s %ux%u grid, %u thread(s): %.4f s, %llu instructions "
	       "(%.0f MIPS)\n", kernel, rows, cols, threads, best,
	       (unsigned long long)res.instret, res.instret / best / 1e6);
	free(h.mem);
	d1_grid_destroy(g);
	return best;
}

static void bench_matmul(int quick)
{
	uint32_t s = quick ? 128 : 256;
	double flops = 2.0 * s * s * s, blas, t1, t2;
	const char *which;

	blas = host_sgemm_gflops((int)s, (int)s, (int)s, &which);
	printf("matmul %ux%ux%u, host baseline: %s cblas_sgemm, 1 thread\n",
	       s, s, s, which);
	t1 = matmul_time("sgemm", 4, 4, 1, s, s, s);
	record("core.sgemm_fp32_gflops_4x4", flops / t1 / 1e9, "GFLOPS", blas,
	       blas > 0 ? flops / t1 / 1e9 / blas : 0);
	t2 = matmul_time("sgemm", 4, 4, 2, s, s, s);
	record("core.sgemm_threads_1to2_speedup", t1 / t2, "x", 1, t1 / t2);
	t1 = matmul_time("bf16mm", 4, 4, 1, s, s, s);
	record("core.matmul_bf16_gflops_4x4", flops / t1 / 1e9, "GFLOPS", blas,
	       blas > 0 ? flops / t1 / 1e9 / blas : 0);
	t2 = matmul_time("bf16mm", 4, 4, 2, s, s, s);
	record("core.bf16mm_threads_1to2_speedup", t1 / t2, "x", 1, t1 / t2);
}

/* Aggregate MIPS of the scalar program on growing grids (2 threads). */
static void bench_grid_scaling(void)
{
	static const uint32_t dims[][2] = { { 1, 1 }, { 2, 2 }, { 4, 4 } };
	double base = 0;
	unsigned int d;

	for (d = 0; d < 3; d++) {
		struct d1_grid *g = grid(dims[d][0], dims[d][1], 2, "scalar-small");
		struct d1_launch l = { 0 };
		struct d1_launch_result res;
		double t0 = now(), mips;
		char name[64];

		l.quantum = 1u << 16;
		d1_grid_run(g, &l, &res, NULL, 0);
		mips = res.instret / (now() - t0) / 1e6;
		if (d == 0)
			base = mips;
		snprintf(name, sizeof(name), "core.grid_%ux%u_aggregate_mips",
			 dims[d][0], dims[d][1]);
		record(name, mips, "MIPS", base, mips / base);
		d1_grid_destroy(g);
	}
}

int main(int argc, char **argv)
{
	int quick = 0, only_matmul = 0, i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--quick"))
			quick = 1;
		else if (!strcmp(argv[i], "--matmul"))
			only_matmul = 1;
		else if (!strcmp(argv[i], "--json") && i + 1 < argc)
			json_path = argv[++i];
	}
	if (only_matmul) {
		bench_matmul(quick);
		return 0;
	}
	bench_scalar(quick);
	bench_matmul(quick);
	bench_grid_scaling();
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Node-simulator benchmark (make bench): scalar MIPS against qemu-riscv64
 * running the same program, FP32 and BF16 matmul GFLOPS on the emulated
 * grid against host sgemm (OpenBLAS with the best kernels for this CPU,
 * in a child process of its own), and scaling with host threads and grid
 * size.  Baselines are warm and best of several runs; single-thread
 * figures on both sides are CPU time, so other load on the machine
 * counts against neither.  Each result is printed as
 * "BENCH name value unit baseline ratio" (tools/bench.sh turns these into
 * build/bench.json); --json FILE also appends {name, value, unit,
 * baseline, ratio} records to the JSON array in FILE.
 *
 *   bench-core [--quick] [--matmul] [--timing] [--json FILE]
 *
 * --matmul: only the matrix-unit and matmul figures; --timing: only what
 * the timing model costs.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "grid.h"
#include "kernels/kargs.h"
#include "timing.h"

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

/* CPU seconds (user + system) of one qemu-riscv64 run of @elf; its
 * output into @out.  -1 if it could not run. */
static double run_qemu(const char *elf, char *out, size_t cap)
{
	struct rusage ru;
	int fds[2], st;
	size_t n = 0;
	ssize_t k;
	pid_t pid;

	if (pipe(fds))
		return -1;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execlp("qemu-riscv64", "qemu-riscv64", elf, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	while (pid > 0 && (k = read(fds[0], out + n, cap - 1 - n)) > 0)
		n += (size_t)k;
	out[n] = 0;
	close(fds[0]);
	if (pid < 0 || wait4(pid, &st, 0, &ru) != pid || !WIFEXITED(st) ||
	    WEXITSTATUS(st) != 0)
		return -1;
	return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6 +
	       ru.ru_stime.tv_sec + ru.ru_stime.tv_usec * 1e-6;
}

static double process_cpu(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Best-of-@rounds CPU times of @kernel on the simulator (one node, one
 * host thread) and under qemu-riscv64, each after a warm-up run; returns
 * the instruction count (outputs must match). */
static uint64_t time_scalar(const char *kernel, int rounds, double *t_d1,
			    double *t_qemu)
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
	for (k = -1; k < rounds; k++) {
		double t0 = process_cpu(), t;

		d1_grid_run(g, &l, &res, NULL, 0);
		t = process_cpu() - t0;
		if (k >= 0 && t < *t_d1)
			*t_d1 = t;
	}
	o = d1_grid_output(g, 0, &len);
	snprintf(path, sizeof(path), "%s/%s.elf", KDIR, kernel);
	*t_qemu = 1e9;
	qout[0] = 0;
	for (k = -1; k < rounds; k++) {
		double tk = run_qemu(path, qout, sizeof(qout));

		if (k >= 0 && tk > 0 && tk < *t_qemu)
			*t_qemu = tk;
	}
	if (*t_qemu < 1e9 && (strlen(qout) != len || memcmp(qout, o, len)))
		fprintf(stderr, "bench-core: %s output differs from qemu!\n", kernel);
	if (*t_qemu >= 1e9)
		*t_qemu = 0;
	printf("%s: %llu instructions, CPU time d1 %.4f s, qemu-riscv64 %.4f s\n",
	       kernel, (unsigned long long)res.instret, *t_d1, *t_qemu);
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
	int rounds = quick ? 2 : 5;
	double t, tq, ts, tqs, mips, mq;
	uint64_t n = time_scalar(quick ? "scalar-small" : "scalar", rounds,
				 &t, &tq);
	uint64_t ns;

	mips = n / t / 1e6;
	mq = tq > 0 ? n / tq / 1e6 : 0;
	record("core.scalar_mips", mips, "MIPS", mq, mq > 0 ? mips / mq : 0);
	if (quick)
		return;
	ns = time_scalar("scalar-small", rounds, &ts, &tqs);
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

/*
 * OpenBLAS picks its kernels from the CPU model; on a model it does not
 * know (virtual CPUs often are) it falls back to generic SSE3 kernels
 * several times slower than the CPU can go.  The baseline names the
 * kernel family from the CPU's feature flags instead, as
 * OPENBLAS_CORETYPE (names of OpenBLAS 0.3.x's dynamic x86-64 build).
 */
static const char *blas_coretype(void)
{
	static const struct {
		const char *name;
		const char *flags[6];
	} types[] = {
		{ "Cooperlake", { "avx512f", "avx512dq", "avx512cd", "avx512bw",
				  "avx512vl", "avx512_bf16" } },
		{ "SkylakeX", { "avx512f", "avx512dq", "avx512cd", "avx512bw",
				"avx512vl" } },
		{ "Haswell", { "avx2", "fma" } },
		{ "Sandybridge", { "avx" } },
		{ "Nehalem", { "sse4_2" } },
		{ "Core2", { "ssse3" } },
		{ "Prescott", { "pni" } },
	};
	static char line[8192];
	FILE *f = fopen("/proc/cpuinfo", "r");
	unsigned int i, j;
	int found = 0;

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "flags", 5)) {
			found = 1;
			break;
		}
	if (f)
		fclose(f);
	if (!found)
		return NULL;
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		for (j = 0; j < 6 && types[i].flags[j]; j++) {
			char word[32];

			snprintf(word, sizeof(word), " %s", types[i].flags[j]);
			if (!strstr(line, word))
				break;
			/* whole words only */
			{
				const char *p = strstr(line, word) + strlen(word);

				if (*p != ' ' && *p != '\n')
					break;
			}
		}
		if (j == 6 || !types[i].flags[j])
			return types[i].name;
	}
	return NULL;
}

struct blas_result {
	double gflops;		/* wall clock, best of the rounds */
	double cpu_gflops;	/* thread CPU time (1 thread), best */
	char core[32];		/* the kernel family OpenBLAS reports */
};

static double thread_cpu(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* In a child process (the CORETYPE is for the baseline only): s x s x s
 * cblas_sgemm on @threads threads, one warm-up call, best of @rounds. */
static void blas_child(int fd, const char *coretype, int threads, int s,
		       int rounds)
{
	static const char *const libs[] = { "libopenblas.so.0", "libblas.so.3" };
	struct blas_result r = { 0, 0, "none" };
	char nt[16];
	sgemm_fn fn = NULL;
	void *h = NULL;
	unsigned int i;
	float *a, *b, *c;

	if (coretype)
		setenv("OPENBLAS_CORETYPE", coretype, 1);
	else
		unsetenv("OPENBLAS_CORETYPE");
	snprintf(nt, sizeof(nt), "%d", threads);
	setenv("OPENBLAS_NUM_THREADS", nt, 1);
	for (i = 0; i < 2 && !fn; i++) {
		h = dlopen(libs[i], RTLD_NOW);
		if (h)
			fn = (sgemm_fn)(uintptr_t)dlsym(h, "cblas_sgemm");
	}
	a = calloc((size_t)s * s, 4);
	b = calloc((size_t)s * s, 4);
	c = calloc((size_t)s * s, 4);
	if (fn && a && b && c) {
		char *(*corename)(void) = (char *(*)(void))(uintptr_t)
			dlsym(h, "openblas_get_corename");
		void (*set)(int) = (void (*)(int))(uintptr_t)
			dlsym(h, "openblas_set_num_threads");
		double best = 1e9, best_cpu = 1e9;
		int k;

		if (set)
			set(threads);
		snprintf(r.core, sizeof(r.core), "%s",
			 corename ? corename() : "reference BLAS");
		for (i = 0; i < (unsigned int)(s * s); i++) {
			a[i] = (float)(i % 17) - 8;
			b[i] = (float)(i % 13) - 6;
		}
		for (k = -1; k < rounds; k++) {	/* -1: warm-up */
			double t0 = now(), c0 = thread_cpu(), t, tc;

			fn(101, 111, 111, s, s, s, 1.0f, a, s, b, s, 0.0f, c, s);
			t = now() - t0;
			tc = thread_cpu() - c0;
			if (k >= 0 && t < best)
				best = t;
			if (k >= 0 && tc < best_cpu)
				best_cpu = tc;
		}
		r.gflops = 2.0 * s * s * s / best / 1e9;
		r.cpu_gflops = 2.0 * s * s * s / best_cpu / 1e9;
	}
	if (write(fd, &r, sizeof(r)) != sizeof(r))
		_exit(1);
	_exit(0);
}

static struct blas_result blas_run(const char *coretype, int threads, int s,
				   int rounds)
{
	struct blas_result r = { 0, 0, "none" };
	int fds[2], st;
	pid_t pid;

	fflush(stdout);
	if (pipe(fds))
		return r;
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		blas_child(fds[1], coretype, threads, s, rounds);
	}
	close(fds[1]);
	if (pid > 0 && read(fds[0], &r, sizeof(r)) != sizeof(r))
		r.gflops = r.cpu_gflops = 0;
	close(fds[0]);
	if (pid > 0)
		waitpid(pid, &st, 0);
	return r;
}

/* Host sgemm baselines: single-thread (CPU time) and all threads. */
static struct blas_result blas1, blas_all;

static void bench_blas(int quick)
{
	const char *ct = blas_coretype();
	int s = quick ? 512 : 1024, rounds = quick ? 3 : 7;
	int ncpu = (int)sysconf(_SC_NPROCESSORS_ONLN);
	struct blas_result dflt;

	blas1 = blas_run(ct, 1, s, rounds);
	blas_all = blas_run(ct, ncpu > 0 ? ncpu : 1, s, rounds);
	dflt = blas_run(NULL, 1, s, rounds);
	printf("host sgemm %dx%dx%d: OPENBLAS_CORETYPE=%s (from the CPU flags), "
	       "OpenBLAS uses %s; without it: %s\n", s, s, s, ct ? ct : "(unset)",
	       blas1.core, dflt.core);
	printf("host sgemm: 1 thread %.1f GFLOPS (CPU time; %.1f wall), "
	       "%d threads %.1f GFLOPS; default kernels %.1f GFLOPS\n",
	       blas1.cpu_gflops, blas1.gflops, ncpu, blas_all.gflops,
	       dflt.cpu_gflops);
	record("host.sgemm_1thread_gflops", blas1.cpu_gflops, "GFLOPS",
	       dflt.cpu_gflops, dflt.cpu_gflops > 0 ?
	       blas1.cpu_gflops / dflt.cpu_gflops : 0);
	record("host.sgemm_allthreads_gflops", blas_all.gflops, "GFLOPS",
	       blas1.gflops, blas1.gflops > 0 ? blas_all.gflops / blas1.gflops : 0);
}

struct mm_time {
	double wall;		/* best of the rounds */
	double cpu;		/* process CPU time, best */
};

/* Times of one launch of @kernel (sgemm/bf16mm) on rows x cols. */
static struct mm_time matmul_time(const char *kernel, uint32_t rows,
				  uint32_t cols, uint32_t threads, uint32_t harts,
				  uint32_t m, uint32_t n, uint32_t k, int rounds)
{
	struct d1_grid *g = grid(rows, cols, threads, kernel);
	struct mm_time best = { 1e9, 1e9 };
	uint64_t cycles;
	struct hbm h;
	struct gemm_args a;
	struct d1_launch l = { 0 };
	struct d1_launch_result res;
	int bf = !strncmp(kernel, "bf16mm", 6);
	uint64_t es = bf ? 2 : 4, i;
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
	l.harts = harts;
	for (r = -1; r < rounds; r++) {	/* -1: warm-up */
		double t0 = now(), c0 = process_cpu(), t, c;

		d1_grid_run(g, &l, &res, NULL, 0);
		t = now() - t0;
		c = process_cpu() - c0;
		if (res.exited != rows * cols)
			fprintf(stderr, "bench-core: %s did not exit cleanly\n", kernel);
		if (r >= 0 && t < best.wall)
			best.wall = t;
		if (r >= 0 && c < best.cpu)
			best.cpu = c;
	}
	cycles = d1_grid_report(g, 0)->ctr.cycles;
	printf("%s %ux%u grid, %u hart(s), %u thread(s): %.4f s (CPU %.4f s), "
	       "%llu instructions, %llu epochs, node 0 %llu cycles, "
	       "%.1f FLOP/cycle\n", kernel, rows, cols, harts, threads,
	       best.wall, best.cpu, (unsigned long long)res.instret,
	       (unsigned long long)res.epochs, (unsigned long long)cycles,
	       cycles ? 2.0 * m * n * k / rows / cols / cycles : 0);
	free(h.mem);
	d1_grid_destroy(g);
	return best;
}

static double ratio(double v, double base)
{
	return base > 0 ? v / base : 0;
}

/*
 * Matmul on a 4x4 grid.  One host thread: GFLOPS by process CPU time
 * against single-thread sgemm by thread CPU time (both immune to other
 * load on the machine).  Two host threads: wall-clock speedup.
 */
static void bench_matmul(int quick)
{
	uint32_t s = quick ? 256 : 1024;
	double flops = 2.0 * s * s * s, g1;
	int rounds = quick ? 1 : 3;
	struct mm_time t1, t2;

	printf("matmul %ux%ux%u against host sgemm, 1 thread: %.1f GFLOPS\n",
	       s, s, s, blas1.cpu_gflops);
	t1 = matmul_time("sgemm", 4, 4, 1, 1, s, s, s, rounds);
	g1 = flops / t1.cpu / 1e9;
	record("core.sgemm_fp32_gflops_4x4", g1, "GFLOPS", blas1.cpu_gflops,
	       ratio(g1, blas1.cpu_gflops));
	t2 = matmul_time("sgemm", 4, 4, 2, 1, s, s, s, rounds);
	record("core.sgemm_threads_1to2_speedup", t1.wall / t2.wall, "x", 1,
	       t1.wall / t2.wall);
	t1 = matmul_time("bf16mm", 4, 4, 1, 1, s, s, s, rounds);
	g1 = flops / t1.cpu / 1e9;
	record("core.matmul_bf16_gflops_4x4", g1, "GFLOPS", blas1.cpu_gflops,
	       ratio(g1, blas1.cpu_gflops));
	t2 = matmul_time("bf16mm", 4, 4, 2, 1, s, s, s, rounds);
	record("core.bf16mm_threads_1to2_speedup", t1.wall / t2.wall, "x", 1,
	       t1.wall / t2.wall);
}

/*
 * The kernel-writing guide's steps (kernels.rst) for both matmul kernels
 * on a 4x4 grid, one host thread, GFLOPS by process CPU time: 1 small
 * tiles, DMA waited for at once; 2 register blocking; 3 double
 * buffering; 4 the same on two harts per node.
 */
static void bench_steps(int quick)
{
	static const char *const kern[] = { "sgemm", "bf16mm" };
	uint32_t s = quick ? 256 : 1024;
	double flops = 2.0 * s * s * s;
	unsigned int k, step;
	char name[64], elf[32];

	for (k = 0; k < 2; k++)
		for (step = 1; step <= 4; step++) {
			struct mm_time t;
			double gf;

			if (step < 3)
				snprintf(elf, sizeof(elf), "%s-step%u", kern[k], step);
			else
				snprintf(elf, sizeof(elf), "%s", kern[k]);
			t = matmul_time(elf, 4, 4, 1, step == 4 ? 2 : 1, s, s, s,
					quick ? 1 : 2);
			gf = flops / t.cpu / 1e9;
			snprintf(name, sizeof(name), "core.%s_step%u_gflops", kern[k],
				 step);
			record(name, gf, "GFLOPS", blas1.cpu_gflops,
			       ratio(gf, blas1.cpu_gflops));
		}
}

/*
 * Matrix-unit throughput on one node, one hart, one host thread
 * (vmma.c: operands in registers, no memory traffic), by process CPU
 * time against single-thread sgemm.
 */
static void bench_vmma(int quick)
{
	static const struct { uint64_t type; const char *name; } t[] = {
		{ D1_T_BF16, "bf16" }, { D1_T_CFP8E4, "cfp8e4" },
		{ D1_T_CFP8E5, "cfp8e5" },
	};
	struct d1_grid *g = grid(1, 1, 1, "vmma");
	unsigned int k;
	int r;

	for (k = 0; k < sizeof(t) / sizeof(t[0]); k++) {
		uint64_t args[2] = { quick ? 20000 : 200000, t[k].type };
		struct d1_launch l = { 0 };
		struct d1_launch_result res;
		double best = 1e9, gf;
		char name[64];

		if (t[k].type == D1_T_BF16 && !quick)
			args[0] *= 10;	/* the fast one: time it long enough */
		l.args = args;
		l.args_size = sizeof(args);
		l.quantum = 1u << 16;
		for (r = -1; r < (quick ? 1 : 3); r++) {
			double c0 = process_cpu(), c;

			d1_grid_run(g, &l, &res, NULL, 0);
			c = process_cpu() - c0;
			if (res.exited != 1)
				fprintf(stderr, "bench-core: vmma did not exit cleanly\n");
			if (r >= 0 && c < best)
				best = c;
		}
		gf = 4096.0 * args[0] / best / 1e9;
		printf("vmma.%s, registers only, 1 thread: %.4f s CPU, %.1f GFLOPS\n",
		       t[k].name, best, gf);
		snprintf(name, sizeof(name), "core.vmma_%s_gflops_1thread", t[k].name);
		record(name, gf, "GFLOPS", blas1.cpu_gflops,
		       ratio(gf, blas1.cpu_gflops));
	}
	d1_grid_destroy(g);
}

/*
 * What the timing model costs: the scalar program (translated code's
 * counting) and SGEMM on a 4x4 grid (SMT and DMA accounting too), by
 * process CPU time with the model on against off (timing.h), best of
 * several runs each.  Ratio: speed with the model / without.
 */
static void bench_timing(int quick)
{
	int rounds = quick ? 2 : 5, r, on;
	uint32_t s = quick ? 256 : 768;
	double t[2] = { 1e9, 1e9 }, gf[2];
	struct d1_grid *g[2];
	uint64_t n = 0;

	for (on = 0; on < 2; on++) {
		d1_tm_enable(on);	/* images keep it from their loading */
		g[on] = grid(1, 1, 1, quick ? "scalar-small" : "scalar");
	}
	for (r = -1; r < rounds; r++) {
		for (on = 0; on < 2; on++) {
			struct d1_launch l = { .quantum = 1u << 20 };
			struct d1_launch_result res;
			double c0, c;

			d1_tm_enable(on);
			c0 = process_cpu();
			d1_grid_run(g[on], &l, &res, NULL, 0);
			c = process_cpu() - c0;
			if (r >= 0 && c < t[on])
				t[on] = c;
			n = res.instret;
		}
	}
	printf("timing model: scalar %.4f s CPU with, %.4f s without\n", t[1],
	       t[0]);
	record("core.timing_model_scalar_mips", n / t[1] / 1e6, "MIPS",
	       n / t[0] / 1e6, t[0] / t[1]);
	for (on = 0; on < 2; on++) {
		d1_tm_enable(on);
		gf[on] = 2.0 * s * s * s /
			 matmul_time("sgemm", 4, 4, 1, 1, s, s, s, rounds).cpu / 1e9;
		d1_grid_destroy(g[on]);
	}
	d1_tm_enable(true);
	printf("timing model: sgemm 4x4 %.2f GFLOPS with, %.2f without\n",
	       gf[1], gf[0]);
	record("core.timing_model_sgemm_gflops", gf[1], "GFLOPS", gf[0],
	       ratio(gf[1], gf[0]));
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
	int quick = 0, only_matmul = 0, only_timing = 0, i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--quick"))
			quick = 1;
		else if (!strcmp(argv[i], "--matmul"))
			only_matmul = 1;
		else if (!strcmp(argv[i], "--timing"))
			only_timing = 1;
		else if (!strcmp(argv[i], "--json") && i + 1 < argc)
			json_path = argv[++i];
	}
	if (only_timing) {
		bench_timing(quick);
		return 0;
	}
	bench_blas(quick);
	if (only_matmul) {
		bench_vmma(quick);
		bench_matmul(quick);
		return 0;
	}
	bench_scalar(quick);
	bench_vmma(quick);
	bench_matmul(quick);
	bench_steps(quick);
	bench_timing(quick);
	bench_grid_scaling();
	return 0;
}

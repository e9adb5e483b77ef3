// SPDX-License-Identifier: GPL-2.0
/*
 * Differential tests of the node core.
 *
 * The scalar ISA: the same clang-built RV64IMF programs run on the node
 * simulator - translated to host code and interpreted - and under
 * qemu-riscv64 (Debian's qemu-user, the reference); their printed output
 * (hashes of every instruction's results and fflags over edge-case and
 * random operands) and exit codes must be identical.
 *
 * The D1 extension, which qemu-riscv64 does not have: kernels using
 * every vector and matrix instruction, SR, DMA, semaphores and barriers
 * run on the default engine (translated code, host-SIMD vector unit) and
 * on the reference engine (the interpreter, the element-by-element
 * vector unit); SRAM, HBM, reports and output must be identical - also
 * when a run stops at an instruction budget in the middle of a block,
 * and for odd epoch lengths.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "kernels/kargs.h"
#include "kselftest_harness.h"
#include "node_harness.h"
#include "vec.h"

#define QEMU "qemu-riscv64"

static int have_qemu(void)
{
	return system("command -v " QEMU " >/dev/null 2>&1") == 0;
}

/* Run @name under qemu-user; output into @buf, returns the exit code. */
static int run_qemu(const char *name, char *buf, size_t cap, size_t *len)
{
	char cmd[600];
	FILE *p;
	int st;

	snprintf(cmd, sizeof(cmd), QEMU " %s/%s.elf", D1_KERNEL_DIR, name);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	*len = fread(buf, 1, cap, p);
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Load @name with D1_JIT set to @jit (NULL: unset) - translation is
 * decided at load time. */
static struct d1_grid *grid_jit(uint32_t rows, uint32_t cols,
				uint32_t threads, const char *name,
				const char *jit)
{
	struct d1_grid *g;

	if (jit)
		setenv("D1_JIT", jit, 1);
	g = grid_with_kernel(rows, cols, threads, name);
	unsetenv("D1_JIT");
	return g;
}

static void compare(struct __test_metadata *_metadata, const char *name,
		    bool translate)
{
	struct d1_grid *g = grid_jit(1, 1, 1, name, translate ? NULL : "0");
	struct d1_launch l = { 0 };
	static char ref[8192];
	const struct d1_node_report *r;
	const char *out;
	size_t rlen, olen;
	int code;

	if (!have_qemu())
		SKIP(return, QEMU " is not installed (tools/setup.sh installs it)");
	ASSERT_NE(NULL, g);
	code = run_qemu(name, ref, sizeof(ref), &rlen);
	ASSERT_LE(0, code);
	ASSERT_LT(100u, rlen);	/* the reference did print */
	l.budget = 200000000;
	ASSERT_EQ(0, d1_grid_run(g, &l, NULL, NULL, 0));
	r = d1_grid_report(g, 0);
	out = d1_grid_output(g, 0, &olen);
	EXPECT_EQ(D1_NODE_EXITED, r->status);
	EXPECT_EQ(0u, r->print_dropped);
	EXPECT_EQ(code, (int)(r->exit_code & 0xff));
	if (olen != rlen || memcmp(out, ref, rlen)) {
		/* show the first differing lines */
		const char *a = ref, *b = out;
		int shown = 0;

		while (a < ref + rlen && b < out + olen && shown < 8) {
			const char *ea = memchr(a, '\n', ref + rlen - a);
			const char *eb = memchr(b, '\n', out + olen - b);

			if (!ea || !eb)
				break;
			if (ea - a != eb - b || memcmp(a, b, ea - a)) {
				TH_LOG("qemu: %.*s", (int)(ea - a), a);
				TH_LOG("d1:   %.*s", (int)(eb - b), b);
				shown++;
			}
			a = ea + 1;
			b = eb + 1;
		}
	}
	EXPECT_EQ(rlen, olen);
	EXPECT_EQ(0, memcmp(out, ref, rlen < olen ? rlen : olen));
	d1_grid_destroy(g);
}

TEST(integer_and_memory_instructions)
{
	compare(_metadata, "diff_int", true);
}

TEST(integer_and_memory_instructions_interpreted)
{
	compare(_metadata, "diff_int", false);
}

TEST(float_instructions_all_rounding_modes)
{
	compare(_metadata, "diff_fp", true);
}

TEST(float_instructions_all_rounding_modes_interpreted)
{
	compare(_metadata, "diff_fp", false);
}

/* ------------------------------------------------- the D1 extension */

struct launch_case {
	const char *kernel;
	uint32_t rows, cols, harts;
	const void *args;
	uint32_t args_size;
	uint64_t hbm_size;
	uint64_t budget;	/* 0: plenty */
	uint32_t quantum;
	uint64_t seed;
};

struct engine_run {
	struct d1_grid *g;
	struct hbm *h;
	struct d1_launch_result res;
};

/* An engine: D1_JIT at load (NULL: unset) and the vector unit level
 * (D1_VEC_LEVELS: the default). */
struct engine {
	const char *jit;
	enum d1_vec_level vec;
};

static const struct engine reference_engine = { "0", D1_VEC_REF };

/* The engines compared with the reference: the default (translated
 * code, inline AVX-512 where the host has it, the best vector level),
 * then translated code calling the vector unit at every level this host
 * runs, and the interpreter on the best level. */
static unsigned int fast_engines(struct engine *e)
{
	unsigned int n = 0;
	enum d1_vec_level l;

	e[n++] = (struct engine){ NULL, D1_VEC_LEVELS };
	for (l = D1_VEC_C; l < D1_VEC_LEVELS; l++)
		if (d1_vops_level(l))
			e[n++] = (struct engine){ "noavx512", l };
	e[n++] = (struct engine){ "0", D1_VEC_LEVELS };
	return n;
}

/* Run @c on engine @e; SRAM and HBM start from the same pseudo-random
 * contents. */
static int run_engine(const struct launch_case *c, const struct engine *e,
		      struct engine_run *r)
{
	struct d1_launch l = { 0 };
	uint64_t x = 0x9e3779b97f4a7c15ull, i;
	uint32_t node;
	int ret;

	r->g = grid_jit(c->rows, c->cols, 2, c->kernel, e->jit);
	if (!r->g)
		return -1;
	r->h = hbm_new(c->hbm_size ? c->hbm_size : 64);
	for (i = 0; i < r->h->size; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		/* moderate BF16/FP32 values, some specials */
		r->h->mem[i] = (uint8_t)(i % 2 ? (x & 0x3f) + 0x3c : x);
	}
	for (node = 0; node < c->rows * c->cols; node++)
		for (i = 0; i < 0x40000; i += 8) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			memcpy(node_ptr(r->g, node, KDATA_OUT + i), &x, 8);
		}
	l.args = c->args;
	l.args_size = c->args_size;
	l.harts = c->harts;
	l.budget = c->budget ? c->budget : 200000000;
	l.quantum = c->quantum;
	l.seed = c->seed;
	l.mem = &hbm_ops;
	l.mem_opaque = r->h;
	if (e->vec != D1_VEC_LEVELS && d1_vec_force(e->vec))
		return -1;
	ret = d1_grid_run(r->g, &l, &r->res, NULL, 0);
	d1_vec_unforce();
	return ret;
}

static void engine_agrees(struct __test_metadata *_metadata,
			  const struct launch_case *c, const struct engine *e,
			  struct engine_run *r)
{
	const char *jit = e->jit ? e->jit : "-", *vec = e->vec == D1_VEC_LEVELS ?
			  "-" : d1_vec_level_name(e->vec);
	struct engine_run f;
	uint32_t node, nodes = c->rows * c->cols;

	ASSERT_EQ(0, run_engine(c, e, &f));
	if (memcmp(&f.res, &r->res, sizeof(f.res)))
		TH_LOG("%s D1_JIT=%s D1_VEC=%s: results differ", c->kernel,
		       jit, vec);
	EXPECT_EQ(0, memcmp(&f.res, &r->res, sizeof(f.res)));
	for (node = 0; node < nodes; node++) {
		const struct d1_node_report *a = d1_grid_report(f.g, node);
		const struct d1_node_report *b = d1_grid_report(r->g, node);
		size_t la, lb;
		const char *oa = d1_grid_output(f.g, node, &la);
		const char *ob = d1_grid_output(r->g, node, &lb);

		if (memcmp(a, b, sizeof(*a)))
			TH_LOG("%s D1_JIT=%s D1_VEC=%s node %u: %s/%s pc %llx/%llx "
			       "instret %llu/%llu", c->kernel, jit, vec, node,
			       d1_node_status_name(a->status),
			       d1_node_status_name(b->status),
			       (unsigned long long)a->fault_pc,
			       (unsigned long long)b->fault_pc,
			       (unsigned long long)a->instret,
			       (unsigned long long)b->instret);
		EXPECT_EQ(0, memcmp(a, b, sizeof(*a)));
		EXPECT_EQ(la, lb);
		EXPECT_EQ(0, memcmp(oa, ob, la < lb ? la : lb));
		if (memcmp(d1_grid_sram(f.g, node), d1_grid_sram(r->g, node),
			   D1_SRAM_SIZE)) {
			TH_LOG("%s D1_JIT=%s D1_VEC=%s node %u: SRAM differs",
			       c->kernel, jit, vec, node);
			EXPECT_TRUE(0);
		}
	}
	if (memcmp(f.h->mem, r->h->mem, f.h->size)) {
		TH_LOG("%s D1_JIT=%s D1_VEC=%s: HBM differs", c->kernel, jit, vec);
		EXPECT_TRUE(0);
	}
	d1_grid_destroy(f.g);
	hbm_free(f.h);
}

/* Every fast engine against the reference engine. */
static void engines_agree(struct __test_metadata *_metadata,
			  const struct launch_case *c)
{
	struct engine e[D1_VEC_LEVELS + 2];
	struct engine_run r;
	unsigned int k, n = fast_engines(e);

	ASSERT_EQ(0, run_engine(c, &reference_engine, &r));
	for (k = 0; k < n; k++)
		engine_agrees(_metadata, c, &e[k], &r);
	d1_grid_destroy(r.g);
	hbm_free(r.h);
}

struct vops_args {
	uint64_t fpcfg, vrm, seed;
};

/* Every vector and matrix instruction for every type, RNE and SR,
 * default, programmed and extreme biases (kernels/vops.c). */
TEST(every_vector_instruction_default_vs_reference)
{
	static const struct vops_args va[] = {
		{ D1_FPCFG_DEFAULT, 0, 0 },
		{ D1_FPCFG_DEFAULT, 1, 99 },
		{ 28u << 16 | 12u << 8 | 3u, 1, 12345 },
		{ 255u << 16 | 255u << 8 | 255u, 1, 7 },
		{ 0, 0, 0 },
		{ 140u << 16 | 149u << 8 | 148u, 1, 3 },
	};
	unsigned int k;

	for (k = 0; k < sizeof(va) / sizeof(va[0]); k++) {
		struct launch_case c = { "vops", 1, 1, 1, &va[k], sizeof(va[k]),
					 0, 0, 0, 0 };

		engines_agree(_metadata, &c);
	}
}

/* Matmul kernels (FP32 FMA, BF16 vmma with SR output), vector add on
 * two harts, through DMA from HBM; also stopped by a budget in the
 * middle of their loops, and with odd epoch lengths. */
TEST(kernels_default_vs_reference)
{
	struct gemm_args ga = { HBM_BASE, HBM_BASE + 64 * 80 * 4,
				HBM_BASE + 64 * 80 * 4 + 80 * 40 * 4, 64, 40, 80,
				0, 0 };
	struct gemm_args ba = { HBM_BASE, HBM_BASE + 72 * 80 * 2,
				HBM_BASE + 72 * 80 * 2 + 80 * 32 * 2, 72, 32, 80,
				1, HBM_BASE + 0x10000 };
	struct vadd_args va = { HBM_BASE, HBM_BASE + 4096 * 4,
				HBM_BASE + 2 * 4096 * 4, 4096 };
	const struct launch_case cases[] = {
		{ "sgemm", 2, 2, 1, &ga, sizeof(ga), 0x40000, 0, 0, 0 },
		{ "sgemm", 2, 2, 1, &ga, sizeof(ga), 0x40000, 20011, 97, 0 },
		{ "bf16mm", 2, 2, 1, &ba, sizeof(ba), 0x20000, 0, 0, 5 },
		{ "bf16mm", 2, 2, 1, &ba, sizeof(ba), 0x20000, 3001, 13, 6 },
		{ "vadd", 2, 3, 2, &va, sizeof(va), 0x20000, 0, 7, 0 },
	};
	unsigned int k;

	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++)
		engines_agree(_metadata, &cases[k]);
}

/* DMA, semaphores, barriers and SMT (kernels/sync.c). */
TEST(synchronisation_default_vs_reference)
{
	static const struct sync_args sa[] = {
		{ SYNC_RING, 0, 64 }, { SYNC_PINGPONG, 20, 0 },
		{ SYNC_BARRIER, 5, 0 }, { SYNC_SMT, 10, 0 },
		{ SYNC_PULL, 0, 100 }, { SYNC_LIST, 0, 0 },
	};
	unsigned int k;

	for (k = 0; k < sizeof(sa) / sizeof(sa[0]); k++) {
		struct launch_case c = { "sync", 3, 3, sa[k].mode == SYNC_SMT ? 4 : 2,
					 &sa[k], sizeof(sa[k]), 0, 0, 61, 0 };

		engines_agree(_metadata, &c);
	}
}

/* Faults are reported at the same instruction with the same counts. */
TEST(faults_default_vs_reference)
{
	static const struct basic_args ba[] = {
		{ BASIC_F_LOAD, 0, 0 }, { BASIC_F_STORE_TEXT, 0, 0 },
		{ BASIC_F_STORE_OOB, 0, 0 }, { BASIC_F_FETCH, 0, 0 },
		{ BASIC_F_MISALIGNED, 0, 0 }, { BASIC_F_ILLEGAL, 0, 0 },
		{ BASIC_F_VLD, 0, 0x1013ffff }, { BASIC_F_VST, 0, 0x10000040 },
		{ BASIC_SORT, 300, 0 }, { BASIC_FDOT, 200, 0 },
		{ BASIC_COUNTERS, 0, 0 }, { BASIC_SPIN, 0, 0 },
	};
	unsigned int k;

	for (k = 0; k < sizeof(ba) / sizeof(ba[0]); k++) {
		struct launch_case c = { "basic", 1, 2, 1, &ba[k], sizeof(ba[k]),
					 0, ba[k].mode == BASIC_SPIN ? 100003 : 0,
					 0, 0 };

		engines_agree(_metadata, &c);
	}
}

/* ------------------------------------------------ random programs */

/* RISC-V encodings */
static uint32_t r_type(uint32_t f7, uint32_t rs2, uint32_t rs1, uint32_t f3,
		       uint32_t rd, uint32_t opc)
{
	return f7 << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opc;
}

static uint32_t i_type(int32_t imm, uint32_t rs1, uint32_t f3, uint32_t rd,
		       uint32_t opc)
{
	return (uint32_t)(imm & 0xfff) << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opc;
}

static uint32_t s_type(int32_t imm, uint32_t rs2, uint32_t rs1, uint32_t f3,
		       uint32_t opc)
{
	return (uint32_t)(imm >> 5 & 0x7f) << 25 | rs2 << 20 | rs1 << 15 |
	       f3 << 12 | (uint32_t)(imm & 0x1f) << 7 | opc;
}

static uint32_t b_type(int32_t off, uint32_t rs2, uint32_t rs1, uint32_t f3)
{
	uint32_t o = (uint32_t)off;

	return (o >> 12 & 1) << 31 | (o >> 5 & 0x3f) << 25 | rs2 << 20 |
	       rs1 << 15 | f3 << 12 | (o >> 1 & 0xf) << 8 | (o >> 11 & 1) << 7 |
	       0x63;
}

static uint64_t prng = 0x853c49e6748fea9bull;

static uint32_t prand(void)
{
	prng = prng * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(prng >> 33);
}

#define PDATA	0x10040000u	/* x30: data the program reads and writes */
#define PSAVE	0x10050000u	/* registers saved at the end */

/*
 * A random program: registers from random data, then a loop of random
 * integer, M, F, memory, branch and vector instructions (operands, and
 * rd = rs aliasing, chosen at random; memory inside a data window, one
 * access in a few hundred outside SRAM or into the text), then every
 * register stored and exit.
 */
static size_t gen_program(uint32_t *w, size_t cap)
{
	size_t n = 0, loop, k, body = 40 + prand() % 200;
	uint32_t r;

#define EMIT(x) do { uint32_t x_ = (x); if (n < cap) w[n++] = x_; } while (0)
#define RX() (1 + prand() % 27)		/* x1..x27: x28-31 are ours */
	/* x30 = PDATA, x31 = loop counter, x29 = PSAVE */
	EMIT(0x00000037u | 30 << 7 | PDATA);		/* lui x30 */
	EMIT(0x00000037u | 29 << 7 | PSAVE);		/* lui x29 */
	EMIT(i_type(3 + prand() % 5, 0, 0, 31, 0x13));	/* li x31, n */
	for (r = 1; r < 28; r++)
		EMIT(i_type((int32_t)(8 * r), 30, 3, r, 0x03));	/* ld */
	for (r = 0; r < 32; r++)
		EMIT(i_type((int32_t)(256 + 4 * r), 30, 2, r, 0x07));	/* flw */
	for (r = 0; r < 8; r++)		/* vld v0..v7 */
		EMIT(i_type((int32_t)(512 + 64 * r), 30, 0, r, 0x5b));
	loop = n;
	for (k = 0; k < body; k++) {
		uint32_t rd = RX(), rs1 = RX(), rs2 = RX(), c = prand() % 100;

		if (prand() % 8 == 0)
			rd = 0;			/* writes to x0 */
		if (prand() % 4 == 0)
			rs1 = rd;		/* aliasing */
		if (c < 30) {			/* OP, OP-32, M */
			static const uint32_t f3f7[][2] = {
				{ 0, 0 }, { 0, 0x20 }, { 1, 0 }, { 2, 0 }, { 3, 0 },
				{ 4, 0 }, { 5, 0 }, { 5, 0x20 }, { 6, 0 }, { 7, 0 },
				{ 0, 1 }, { 1, 1 }, { 2, 1 }, { 3, 1 }, { 4, 1 },
				{ 5, 1 }, { 6, 1 }, { 7, 1 },
			};
			unsigned int q = prand() % 18, f3 = f3f7[q][0];
			bool w32 = prand() % 3 == 0 &&
				   (f3f7[q][1] == 1 ? f3 == 0 || f3 >= 4 :
				    f3 == 0 || f3 == 1 || f3 == 5);

			EMIT(r_type(f3f7[q][1], rs2, rs1, f3f7[q][0], rd,
				    w32 ? 0x3b : 0x33));
		} else if (c < 50) {		/* OP-IMM(-32) */
			unsigned int f3 = prand() % 8;
			int32_t imm = (int32_t)(prand() % 4096) - 2048;

			if (f3 == 1 || f3 == 5)
				imm = (int32_t)(prand() % 64) |
				      (f3 == 5 && prand() % 2 ? 0x400 : 0);
			if (prand() % 3 == 0 && (f3 == 0 || f3 == 1 || f3 == 5)) {
				if (f3 != 0)
					imm &= ~0x20;
				EMIT(i_type(imm, rs1, f3, rd, 0x1b));
			} else {
				EMIT(i_type(imm, rs1, f3, rd, 0x13));
			}
		} else if (c < 55) {		/* LUI, AUIPC */
			EMIT((prand() & 0xfffff000u) | rd << 7 |
			     (prand() % 2 ? 0x37 : 0x17));
		} else if (c < 70) {		/* loads and stores */
			bool bad = prand() % 300 == 0;
			int32_t off = (int32_t)(prand() % 2048) - 1024;
			unsigned int f3 = prand() % 4, base = 28;

			/* x28 = x30 + (rs1 & 0x7f8), or a wild address */
			EMIT(i_type(0x7f8, rs1, 7, 28, 0x13));
			EMIT(r_type(0, bad ? rs2 : 30, 28, 0, 28, 0x33));
			if (prand() % 2)
				EMIT(s_type(off, rs2, base, f3, 0x23));
			else
				EMIT(i_type(off, base, prand() % 7, rd, 0x03));
		} else if (c < 80) {		/* F: RNE/dynamic, compares */
			static const uint32_t f7[] = { 0x00, 0x04, 0x08, 0x0c, 0x10,
						       0x14, 0x50, 0x60, 0x68, 0x70,
						       0x78, 0x2c };
			uint32_t op = f7[prand() % 12], f3 = prand() % 2 ? 7 : 0;
			uint32_t frs2 = prand() % 32;

			if (op == 0x10)
				f3 = prand() % 3;
			else if (op == 0x14)
				f3 = prand() % 2;
			else if (op == 0x50)
				f3 = prand() % 3;
			else if (op == 0x70 || op == 0x78)
				f3 = op == 0x70 ? prand() % 2 : 0;
			else if (prand() % 6 == 0)
				f3 = 1 + prand() % 4;	/* directed modes */
			if (op == 0x60 || op == 0x68)
				frs2 = prand() % 4;
			if (op == 0x70 || op == 0x78 || op == 0x2c)
				frs2 = 0;
			EMIT(r_type(op, frs2, prand() % 32, f3, prand() % 32, 0x53));
		} else if (c < 83) {		/* fmadd family */
			EMIT(prand() % 32 << 27 | prand() % 32 << 20 |
			     prand() % 32 << 15 | (prand() % 2 ? 7u : 0u) << 12 |
			     prand() % 32 << 7 | (0x43 + 4 * (prand() % 4)));
		} else if (c < 90) {		/* forward branch over a few */
			uint32_t skip = 1 + prand() % 3;

			EMIT(b_type((int32_t)(4 * (skip + 1)), rs2, rs1,
				    (uint32_t[]){ 0, 1, 4, 5, 6, 7 }[prand() % 6]));
			while (skip--)
				EMIT(i_type((int32_t)(prand() % 100), rs1, 0, rd, 0x13));
		} else if (c < 97) {		/* vector arithmetic */
			uint32_t t = prand() % 8, vd = prand() % 8;
			uint32_t f7 = prand() % 11;

			if (prand() % 3 == 0)	/* vfma, vsel */
				EMIT((prand() % 8) << 27 | (prand() % 2) << 25 |
				     (prand() % 8) << 20 | (prand() % 8) << 15 |
				     t << 12 | vd << 7 | 0x2b);
			else
				EMIT(r_type(f7, prand() % 8, prand() % 8, t, vd, 0x0b));
		} else {			/* vmma, vst */
			if (prand() % 2)
				EMIT(r_type(3, prand() % 8, prand() % 8,
					    (uint32_t[]){ 1, 3, 4 }[prand() % 3],
					    4 * (prand() % 2), 0x2b));
			else
				EMIT(s_type((int32_t)(64 * (prand() % 16)), prand() % 8,
					    30, 1, 0x5b));
		}
	}
	/* loop: addi x31, x31, -1; bnez x31, loop */
	EMIT(i_type(-1, 31, 0, 31, 0x13));
	EMIT(b_type(-(int32_t)(4 * (n - loop)), 0, 31, 1));
	for (r = 1; r < 32; r++)
		EMIT(s_type((int32_t)(8 * r), r, 29, 3, 0x23));	/* sd */
	for (r = 0; r < 32; r++)
		EMIT(s_type((int32_t)(256 + 4 * r), r, 29, 2, 0x27)); /* fsw */
	for (r = 0; r < 8; r++)		/* vst v0..v7 */
		EMIT(s_type((int32_t)(512 + 64 * r), r, 29, 1, 0x5b));
	EMIT(i_type(93, 0, 0, 17, 0x13));	/* li a7, 93 */
	EMIT(0x00000073);			/* ecall */
#undef EMIT
#undef RX
	return n;
}

/*
 * A kernel-like random program: vector registers loaded from random data
 * (NaNs with payloads, infinities and subnormals among it), then a loop
 * with no branch inside - vld, vldbc.32, vst, FP32 vadd/vsub/vmul/vfma,
 * vmma.bf16, vsplat and pointer increments in random order - which
 * translated code runs with its vector registers in host registers.
 */
static size_t gen_vloop(uint32_t *w, size_t cap)
{
	size_t n = 0, loop, k, body = 4 + prand() % 40;
	uint32_t r;

#define EMIT(x) do { uint32_t x_ = (x); if (n < cap) w[n++] = x_; } while (0)
	EMIT(0x00000037u | 30 << 7 | PDATA);		/* lui x30 */
	EMIT(0x00000037u | 29 << 7 | PSAVE);		/* lui x29 */
	EMIT(i_type(2 + prand() % 20, 0, 0, 31, 0x13));	/* li x31, n */
	EMIT(r_type(0, 0, 30, 0, 28, 0x33));		/* mv x28, x30 */
	for (r = 0; r < 24; r++)
		EMIT(i_type((int32_t)(64 * r), 30, 0, r, 0x5b));	/* vld */
	loop = n;
	for (k = 0; k < body; k++) {
		uint32_t vd = prand() % 24, c = prand() % 100;

		if (c < 15) {
			EMIT(i_type((int32_t)(64 * (prand() % 30)), 28, 0, vd, 0x5b));
		} else if (c < 20) {
			EMIT(i_type((int32_t)(4 * (prand() % 400)), 28, 2, vd, 0x5b));
		} else if (c < 28) {
			EMIT(s_type((int32_t)(64 * (prand() % 30)), prand() % 24,
				    28, 1, 0x5b));
		} else if (c < 55) {
			EMIT(r_type(prand() % 3, prand() % 24, prand() % 24, 0, vd,
				    0x0b));
		} else if (c < 80) {	/* vfma */
			EMIT((prand() % 24) << 27 | (prand() % 24) << 20 |
			     (prand() % 24) << 15 | 0 << 12 | vd << 7 | 0x2b);
		} else if (c < 92) {	/* vmma.bf16, C at a multiple of 4 */
			EMIT(r_type(3, prand() % 24, prand() % 24, 1,
				    4 * (prand() % 6), 0x2b));
		} else if (c < 95) {	/* vsplat */
			EMIT(r_type(0x20, 0, 1 + prand() % 27, prand() % 8, vd, 0x0b));
		} else {		/* move the window */
			EMIT(i_type(64 * (int32_t)(prand() % 3) - 64, 28, 0, 28, 0x13));
		}
	}
	EMIT(i_type(-1, 31, 0, 31, 0x13));
	EMIT(b_type(-(int32_t)(4 * (n - loop)), 0, 31, 1));
	for (r = 0; r < 32; r++)	/* vst v0..v31 */
		EMIT(s_type((int32_t)(64 * r), r, 29, 1, 0x5b));
	EMIT(i_type(93, 0, 0, 17, 0x13));
	EMIT(0x00000073);
#undef EMIT
	return n;
}

/* A one-segment ELF holding @n words of text at D1_SRAM_BASE. */
static size_t make_elf(uint8_t *e, const uint32_t *w, size_t n)
{
	uint64_t v;
	uint32_t u;
	uint16_t h;

	memset(e, 0, 120);
	memcpy(e, "\177ELF", 4);
	e[4] = 2;		/* 64-bit */
	e[5] = 1;		/* little endian */
	e[6] = 1;
	h = 2;			/* ET_EXEC */
	memcpy(e + 0x10, &h, 2);
	h = 243;		/* EM_RISCV */
	memcpy(e + 0x12, &h, 2);
	u = 1;
	memcpy(e + 0x14, &u, 4);
	v = D1_SRAM_BASE;
	memcpy(e + 0x18, &v, 8);	/* entry */
	v = 64;
	memcpy(e + 0x20, &v, 8);	/* phoff */
	h = 64;
	memcpy(e + 0x34, &h, 2);
	h = 56;
	memcpy(e + 0x36, &h, 2);
	h = 1;
	memcpy(e + 0x38, &h, 2);
	u = 1;			/* PT_LOAD */
	memcpy(e + 64, &u, 4);
	u = 5;			/* R X */
	memcpy(e + 68, &u, 4);
	v = 120;
	memcpy(e + 72, &v, 8);	/* offset */
	v = D1_SRAM_BASE;
	memcpy(e + 80, &v, 8);
	memcpy(e + 88, &v, 8);
	v = 4 * n;
	memcpy(e + 96, &v, 8);
	memcpy(e + 104, &v, 8);
	memcpy(e + 120, w, 4 * n);
	return 120 + 4 * n;
}

/* Translated code (with and without inline AVX-512) and the interpreter
 * on random programs and random vector loops, run to the end and
 * stopped by budgets at random instruction counts. */
TEST(random_programs_translated_vs_interpreted)
{
	static const char *const jit[3] = { NULL, "noavx512", "0" };
	static uint32_t w[4096];
	static uint8_t elf[120 + sizeof(w)], data[0x10000];
	struct d1_grid_config cfg = { 1, 1, 1, 0 };
	struct d1_grid *g[3];
	unsigned int prog, k, e, diffs = 0;

	for (e = 0; e < 3; e++) {
		g[e] = d1_grid_create(&cfg);
		ASSERT_NE(NULL, g[e]);
	}
	for (prog = 0; prog < 200; prog++) {
		bool vloop = prog % 2;
		size_t n = vloop ? gen_vloop(w, 4096) : gen_program(w, 4096);
		size_t size = make_elf(elf, w, n);
		uint64_t budgets[3] = { 2000000, 1 + prand() % 2000,
					1 + prand() % 200 };
		char err[128];

		for (k = 0; k < sizeof(data); k++) {
			data[k] = (uint8_t)prand();
			/* FP32 NaNs and infinities with payloads now and then */
			if (vloop && k % 4 == 3 && prand() % 16 == 0)
				data[k] |= 0x7f, data[k - 1] |= 0x80;
		}
		for (e = 0; e < 3; e++) {
			if (jit[e])
				setenv("D1_JIT", jit[e], 1);
			ASSERT_EQ(0, d1_grid_load_elf(g[e], elf, size, err,
						      sizeof(err)));
			unsetenv("D1_JIT");
		}
		for (k = 0; k < 3; k++) {
			const struct d1_node_report *a, *b = NULL;
			struct d1_launch l = { 0 };

			l.budget = budgets[k];
			l.quantum = 1 + prand() % 300;
			for (e = 0; e < 3; e++) {
				memset(d1_grid_sram(g[e], 0), 0, D1_SRAM_SIZE);
				memcpy(node_ptr(g[e], 0, PDATA), data, sizeof(data));
				ASSERT_EQ(0, d1_grid_run(g[e], &l, NULL, NULL, 0));
			}
			b = d1_grid_report(g[2], 0);
			for (e = 0; e < 2; e++) {
				a = d1_grid_report(g[e], 0);
				if ((memcmp(a, b, sizeof(*a)) ||
				     memcmp(d1_grid_sram(g[e], 0),
					    d1_grid_sram(g[2], 0), D1_SRAM_SIZE)) &&
				    diffs++ < 5)
					TH_LOG("program %u budget %llu D1_JIT=%s: "
					       "%s/%s pc %llx/%llx instret %llu/%llu",
					       prog, (unsigned long long)budgets[k],
					       jit[e] ? jit[e] : "-",
					       d1_node_status_name(a->status),
					       d1_node_status_name(b->status),
					       (unsigned long long)a->fault_pc,
					       (unsigned long long)b->fault_pc,
					       (unsigned long long)a->instret,
					       (unsigned long long)b->instret);
			}
		}
	}
	EXPECT_EQ(0u, diffs);
	for (e = 0; e < 3; e++)
		d1_grid_destroy(g[e]);
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * The host-SIMD vector unit against the reference, at every level this
 * host runs (portable C, AVX2, AVX-512): every operation for every
 * element type and type pair, both rounding modes (stochastic rounding
 * from a fixed seed, checking the generator ends in the same state, so
 * the number and order of draws match), default, programmed and extreme
 * exponent biases, over random operands and edge cases - NaN with
 * payloads, +-Inf, +-0, subnormals, the largest finite values, exact
 * rounding ties - with the output register aliasing an input or not.
 * Results must be bit-identical.
 */
#include <math.h>
#include <string.h>

#include "fmt.h"
#include "kselftest_harness.h"
#include "vec.h"

static uint64_t lcg = 0x2545f4914f6cdd1dull;

static uint32_t rnd(void)
{
	lcg = lcg * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(lcg >> 32);
}

static const uint32_t cfgs[] = {
	D1_FPCFG_DEFAULT,
	28u << 16 | 12u << 8 | 3u,
	0,				/* every bias 0 */
	255u << 16 | 255u << 8 | 255u,	/* every bias 255 */
	140u << 16 | 148u << 8 | 147u,	/* the last CFP8 biases within FP32 */
	141u << 16 | 149u << 8 | 148u,	/* the first beyond */
	63u << 16 | 31u << 8 | 15u,
};
#define NCFG (sizeof(cfgs) / sizeof(cfgs[0]))

static unsigned int tbits(unsigned int t)
{
	return d1_type_bits(t);
}

static uint32_t tmask(unsigned int t)
{
	return tbits(t) == 32 ? 0xffffffffu : (1u << tbits(t)) - 1;
}

static void setel(d1_vreg *v, unsigned int bits, unsigned int i, uint32_t x)
{
	memcpy(v->b + i * bits / 8, &x, bits / 8);
}

/* An edge value of type @t (index @k, any value), or a random one. */
static uint32_t edge(unsigned int t, unsigned int k)
{
	static const uint32_t e32[] = {
		0, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00000,
		0x7f800001, 0x7fa00001, 0xffc12345, 0x00000001, 0x80000001,
		0x007fffff, 0x00800000, 0x7f7fffff, 0xff7fffff, 0x3f800000,
		0xbf800000, 0x3f808000, 0x3f818000, 0x3f80ffff, 0x4b400001,
		0x4f000000, 0xcf000000, 0x4effffff, 0x42fe0000, 0x43000000,
		0xc3010000, 0x477fff00, 0x477f8000, 0x3f7fffff, 0x00408000,
		0x40490fdb,
	};
	static const uint32_t e16[] = {
		0, 0x8000, 0x7f80, 0xff80, 0x7fc0, 0xffc0, 0x7f81, 0x7fa1,
		0x0001, 0x8001, 0x007f, 0x0080, 0x7f7f, 0xff7f, 0x3f80, 0xbf80,
		0x3f81, 0x4040, 0x0040, 0x3fff, 0x7f00, 0x4300, 0xc300, 0x4780,
	};
	uint32_t r = rnd();

	if (t == D1_T_FP32)
		return k < sizeof(e32) / 4 ? e32[k] : r;
	if (t == D1_T_BF16)
		return k < sizeof(e16) / 4 ? e16[k] : r & 0xffff;
	switch (k % 8) {	/* CFP and INT: codes near the ends */
	case 0: return 0;
	case 1: return tmask(t);
	case 2: return tmask(t) >> 1;
	case 3: return (tmask(t) >> 1) + 1;
	case 4: return 1;
	case 5: return (tmask(t) >> 1) - 1;
	default: return r & tmask(t);
	}
}

/*
 * Operand sets: 0 random, 1 edges, 2 equal or near-equal pairs (ties in
 * sums), 3 moderate exponents (FP32/BF16) so that sums and products stay
 * finite and round, 4 exhaustive codes for 8-bit types.
 */
#define NSETS 5

static void fill(d1_vreg *v, unsigned int t, unsigned int set,
		 unsigned int which, unsigned int round)
{
	unsigned int bits = tbits(t), n = 512 / bits, i;

	for (i = 0; i < n; i++) {
		uint32_t x = rnd() & tmask(t);

		switch (set) {
		case 1:
			x = edge(t, (i * 7 + which * 13 + round * 5) % 40);
			break;
		case 2:
			if (which == 1) {
				uint32_t a = 0;

				memcpy(&a, v[-1].b + i * bits / 8, bits / 8);
				x = a ^ (rnd() % 4);	/* a, or a few ulps off */
			}
			break;
		case 3:
			if (t == D1_T_FP32)
				x = (x & 0x807fffff) | ((118 + rnd() % 20) << 23);
			else if (t == D1_T_BF16)
				x = (x & 0x807f) | ((118 + rnd() % 20) << 7);
			break;
		case 4:
			if (bits == 8)
				x = (i + 64 * round) & 0xff;
			if (bits == 8 && which == 1)
				x = (i * 37 + round * 11 + 5) & 0xff;
			break;
		}
		setel(v, bits, i, x);
	}
}

/* Compare two registers; log the first difference. */
static int same(struct __test_metadata *_metadata, const char *what,
		const char *lvl, unsigned int t, unsigned int u, uint32_t cfg,
		int sr, const d1_vreg *want, const d1_vreg *got,
		const d1_vreg *a, const d1_vreg *b)
{
	unsigned int i;

	if (!memcmp(want, got, sizeof(*want)))
		return 1;
	for (i = 0; i < 64 && want->b[i] == got->b[i]; i++)
		;
	TH_LOG("%s %s t%u u%u cfg %06x %s: byte %u want %02x got %02x "
	       "(a %02x%02x%02x%02x b %02x%02x%02x%02x at its word)",
	       lvl, what, t, u, cfg, sr ? "SR" : "RNE", i, want->b[i],
	       got->b[i], a->b[i | 3], a->b[i | 2], a->b[i | 1], a->b[i & ~3u],
	       b->b[i | 3], b->b[i | 2], b->b[i | 1], b->b[i & ~3u]);
	return 0;
}

#define FOR_LEVELS(ops, lvl)						\
	for (enum d1_vec_level l_ = D1_VEC_C; l_ < D1_VEC_LEVELS; l_++)	\
		if (((ops) = d1_vops_level(l_)) != NULL &&		\
		    ((lvl) = d1_vec_level_name(l_)) != NULL)

TEST(levels_this_host_runs)
{
	enum d1_vec_level l;

	for (l = D1_VEC_REF; l < D1_VEC_LEVELS; l++)
		TH_LOG("level %s: %s", d1_vec_level_name(l),
		       d1_vops_level(l) ? "yes" : "no");
	ASSERT_NE(NULL, d1_vops_level(D1_VEC_REF));
	ASSERT_NE(NULL, d1_vops_level(D1_VEC_C));
	/* the switch forces a level, and back */
	ASSERT_EQ(0, d1_vec_force(D1_VEC_REF));
	EXPECT_EQ(&d1_vops_ref, d1_vops());
	ASSERT_EQ(0, d1_vec_force(D1_VEC_C));
	EXPECT_EQ(d1_vops_level(D1_VEC_C), d1_vops());
	EXPECT_EQ(-1, d1_vec_force(D1_VEC_LEVELS));
}

TEST(binop_fma_sel_every_type)
{
	const struct d1_vops *ops;
	const char *lvl;
	unsigned int bad = 0, runs = 0;

	FOR_LEVELS(ops, lvl) {
		for (unsigned int t = 0; t < 8; t++)
			for (unsigned int ci = 0; ci < NCFG; ci++)
				for (unsigned int set = 0; set < NSETS; set++)
					for (unsigned int round = 0; round < 4; round++)
						for (int sr = 0; sr < 2; sr++) {
			d1_vreg in[3], want, got;
			uint64_t s1 = 0x1234567 + round, s2 = s1;
			struct d1_vctx c1 = { cfgs[ci], sr ? &s1 : NULL };
			struct d1_vctx c2 = { cfgs[ci], sr ? &s2 : NULL };
			unsigned int op;

			if (!d1_type_is_float(t) && (ci || sr))
				continue;	/* integers ignore both */
			fill(&in[0], t, set, 0, round);
			fill(&in[1], t, set, 1, round);
			fill(&in[2], t, set, 2, round);
			for (op = D1_V_ADD; op <= D1_V_CMPLE; op++) {
				d1_vops_ref.binop(t, op, &want, &in[0], &in[1], &c1);
				ops->binop(t, op, &got, &in[0], &in[1], &c2);
				bad += !same(_metadata, "binop", lvl, t, op, cfgs[ci], sr,
					     &want, &got, &in[0], &in[1]);
				/* vd aliasing an input */
				d1_vops_ref.binop(t, op, &want, &in[0], &in[1], &c1);
				got = in[1];
				ops->binop(t, op, &got, &in[0], &got, &c2);
				bad += !same(_metadata, "binop alias", lvl, t, op, cfgs[ci],
					     sr, &want, &got, &in[0], &in[1]);
			}
			d1_vops_ref.fma(t, &want, &in[0], &in[1], &in[2], &c1);
			ops->fma(t, &got, &in[0], &in[1], &in[2], &c2);
			bad += !same(_metadata, "fma", lvl, t, 0, cfgs[ci], sr, &want,
				     &got, &in[0], &in[1]);
			d1_vops_ref.fma(t, &want, &in[0], &in[1], &in[2], &c1);
			got = in[2];
			ops->fma(t, &got, &in[0], &in[1], &got, &c2);
			bad += !same(_metadata, "fma alias", lvl, t, 0, cfgs[ci], sr,
				     &want, &got, &in[0], &in[1]);
			d1_vops_ref.sel(t, &want, &in[0], &in[1], &in[2]);
			ops->sel(t, &got, &in[0], &in[1], &in[2]);
			bad += !same(_metadata, "sel", lvl, t, 0, cfgs[ci], sr, &want,
				     &got, &in[0], &in[1]);
			EXPECT_EQ(s1, s2);	/* the same draws */
			runs++;
			if (bad > 8)
				goto out;
		}
	}
out:
	EXPECT_EQ(0u, bad);
	EXPECT_LT(0u, runs);
}

TEST(reductions_every_type)
{
	const struct d1_vops *ops;
	const char *lvl;
	unsigned int bad = 0;

	FOR_LEVELS(ops, lvl) {
		for (unsigned int t = 0; t < 8; t++)
			for (unsigned int ci = 0; ci < NCFG; ci++)
				for (unsigned int set = 0; set < NSETS; set++)
					for (unsigned int round = 0; round < 6; round++)
						for (int sr = 0; sr < 2; sr++)
							for (unsigned int op = D1_V_REDSUM;
							     op <= D1_V_REDMIN; op++) {
			d1_vreg in, want, got;
			uint64_t s1 = 99 + round, s2 = s1;
			struct d1_vctx c1 = { cfgs[ci], sr ? &s1 : NULL };
			struct d1_vctx c2 = { cfgs[ci], sr ? &s2 : NULL };

			fill(&in, t, set, 0, round);
			d1_vops_ref.reduce(t, op, &want, &in, &c1);
			got = in;
			ops->reduce(t, op, &got, &got, &c2);
			bad += !same(_metadata, "reduce", lvl, t, op, cfgs[ci], sr,
				     &want, &got, &in, &in);
			EXPECT_EQ(s1, s2);
			if (bad > 8)
				goto out;
		}
	}
out:
	EXPECT_EQ(0u, bad);
}

/* Conversion sources: the fill sets, plus midpoints between neighbours
 * of the destination type (exact ties) and values just off them. */
static void fill_cvt(d1_vreg *v, unsigned int t, unsigned int u,
		     uint32_t cfg, unsigned int set, unsigned int round)
{
	unsigned int bits = tbits(t), n = 512 / bits, i;
	struct d1_fpfmt ft = d1_type_fmt(t, cfg), fu = d1_type_fmt(u, cfg);

	fill(v, t, set % NSETS, 0, round);
	if (set < NSETS || !d1_type_is_float(t) || !d1_type_is_float(u))
		return;
	for (i = 0; i < n; i++) {
		uint32_t c = rnd() & (tmask(u) >> 1);
		double lo = d1_fp_decode(&fu, c), hi = d1_fp_decode(&fu, c + 1);
		double x = (lo + hi) / 2;

		if (isnan(x) || isinf(x))
			x = lo;
		if (i % 3 == 1)
			x = nextafter(x, 0);
		else if (i % 3 == 2)
			x = nextafter(x, INFINITY);
		if (rnd() & 1)
			x = -x;
		setel(v, bits, i, d1_fp_encode(&ft, x, NULL));
	}
}

TEST(conversions_every_type_pair)
{
	const struct d1_vops *ops;
	const char *lvl;
	unsigned int bad = 0;

	FOR_LEVELS(ops, lvl) {
		for (unsigned int t = 0; t < 8; t++)
			for (unsigned int u = 0; u < 8; u++)
				for (unsigned int ci = 0; ci < NCFG; ci++)
					for (unsigned int set = 0; set < NSETS + 1; set++)
						for (unsigned int round = 0; round < 3; round++)
							for (int sr = 0; sr < 2; sr++) {
			unsigned int bt = tbits(t), bu = tbits(u), p;
			unsigned int parts = bt > bu ? bt / bu : bu / bt;

			for (p = 0; p < parts; p++) {
				d1_vreg in, want, got;
				uint64_t s1 = 7 + round * 31 + p, s2 = s1;
				struct d1_vctx c1 = { cfgs[ci], sr ? &s1 : NULL };
				struct d1_vctx c2 = { cfgs[ci], sr ? &s2 : NULL };

				fill_cvt(&in, t, u, cfgs[ci], set, round);
				fill(&want, u, 0, 0, round);	/* vd's old contents */
				got = want;
				d1_vops_ref.cvt(t, u, p, &want, &in, &c1);
				ops->cvt(t, u, p, &got, &in, &c2);
				bad += !same(_metadata, "cvt", lvl, t, u, cfgs[ci], sr,
					     &want, &got, &in, &in);
				/* vd = vs1 */
				got = in;
				ops->cvt(t, u, p, &got, &got, &c2);
				want = in;
				d1_vops_ref.cvt(t, u, p, &want, &in, &c1);
				bad += !same(_metadata, "cvt alias", lvl, t, u, cfgs[ci],
					     sr, &want, &got, &in, &in);
				EXPECT_EQ(s1, s2);
				if (bad > 8)
					goto out;
			}
		}
	}
out:
	EXPECT_EQ(0u, bad);
}

TEST(matrix_multiply_accumulate)
{
	static const unsigned int types[] = { D1_T_BF16, D1_T_CFP8E4,
					      D1_T_CFP8E5 };
	const struct d1_vops *ops;
	const char *lvl;
	unsigned int bad = 0;

	FOR_LEVELS(ops, lvl) {
		for (unsigned int k = 0; k < 3; k++)
			for (unsigned int ci = 0; ci < NCFG; ci++)
				for (unsigned int set = 0; set < NSETS; set++)
					for (unsigned int round = 0; round < 6; round++) {
			unsigned int t = types[k];
			d1_vreg r[6], want[6], got[6];
			unsigned int i;

			fill(&r[0], t, set, 0, round);
			fill(&r[1], t, set, 1, round);
			for (i = 0; i < 4; i++)	/* C: FP32 edges too */
				fill(&r[2 + i], D1_T_FP32, set == 4 ? 3 : set, i,
				     round);
			memcpy(want, r, sizeof(r));
			memcpy(got, r, sizeof(r));
			d1_vops_ref.mma(t, &want[2], &want[0], &want[1], cfgs[ci]);
			ops->mma(t, &got[2], &got[0], &got[1], cfgs[ci]);
			for (i = 2; i < 6; i++)
				bad += !same(_metadata, "mma", lvl, t, i, cfgs[ci], 0,
					     &want[i], &got[i], &r[0], &r[1]);
			/* A in the accumulator's first register */
			memcpy(want, r, sizeof(r));
			memcpy(got, r, sizeof(r));
			want[2] = got[2] = r[0];
			d1_vops_ref.mma(t, &want[2], &want[2], &want[1], cfgs[ci]);
			ops->mma(t, &got[2], &got[2], &got[1], cfgs[ci]);
			for (i = 2; i < 6; i++)
				bad += !same(_metadata, "mma alias", lvl, t, i, cfgs[ci],
					     0, &want[i], &got[i], &r[0], &r[1]);
			if (bad > 8)
				goto out;
		}
	}
out:
	EXPECT_EQ(0u, bad);
}

/* The matmul semantics, stated independently: one FP32 fused
 * multiply-add per k, in k order (fmaf on the host), at every level. */
TEST(matrix_multiply_is_fp32_fma_in_k_order)
{
	const struct d1_vops *ops;
	const char *lvl;
	d1_vreg a, b, c[4];
	unsigned int r, col, k, i, bad = 0;
	float A[32], B[32], C0[64];

	for (i = 0; i < 32; i++) {
		uint32_t x = (rnd() & 0x807f) | ((100 + rnd() % 50) << 7);
		uint32_t y = (rnd() & 0x807f) | ((100 + rnd() % 50) << 7);
		uint32_t xf = x << 16, yf = y << 16;

		setel(&a, 16, i, x);
		setel(&b, 16, i, y);
		memcpy(&A[i], &xf, 4);
		memcpy(&B[i], &yf, 4);
	}
	for (i = 0; i < 64; i++)
		C0[i] = (float)((int)(rnd() % 2001) - 1000) * 0x1p-30f;
	ops = &d1_vops_ref;
	lvl = "ref";
	for (;;) {
		for (i = 0; i < 64; i++)
			memcpy(c[i / 16].b + 4 * (i % 16), &C0[i], 4);
		ops->mma(D1_T_BF16, c, &a, &b, D1_FPCFG_DEFAULT);
		for (r = 0; r < 8; r++)
			for (col = 0; col < 8; col++) {
				float acc = C0[r * 8 + col], got;

				for (k = 0; k < 4; k++)
					acc = fmaf(A[r * 4 + k], B[k * 8 + col], acc);
				i = r * 8 + col;
				memcpy(&got, c[i / 16].b + 4 * (i % 16), 4);
				if (memcmp(&acc, &got, 4) && bad++ < 4)
					TH_LOG("%s C[%u][%u]: want %a got %a", lvl, r,
					       col, acc, got);
			}
		if (ops != &d1_vops_ref)
			break;
		ops = d1_vops_level(D1_VEC_AVX512);
		lvl = "avx512";
		if (!ops) {
			ops = d1_vops_level(D1_VEC_C);
			lvl = "c";
		}
	}
	EXPECT_EQ(0u, bad);
}

TEST_HARNESS_MAIN

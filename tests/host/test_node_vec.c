// SPDX-License-Identifier: GPL-2.0
/*
 * D1 vector unit and element formats against host references.
 *
 * The references here are written independently of the core: every
 * narrow format is rounded by searching a sorted table of all its
 * representable values (nearest, ties to the even code), FP32 uses the
 * host's IEEE arithmetic, integers plain C.  Inputs include NaN, Inf,
 * subnormals, overflow and exact ties for every type.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "kernels/kargs.h"
#include "vec.h"
#include "kselftest_harness.h"
#include "node_harness.h"

/* ------------------------------------------------------------ reference */

struct rfmt {
	int e, m, bias;
	int ieee;
};

static struct rfmt rfmt_of(unsigned int t, uint32_t fpcfg)
{
	switch (t) {
	case D1_T_FP32: return (struct rfmt){ 8, 23, 127, 1 };
	case D1_T_BF16: return (struct rfmt){ 8, 7, 127, 1 };
	case D1_T_CFP16: return (struct rfmt){ 6, 9, (int)(fpcfg >> 16 & 0xff), 0 };
	case D1_T_CFP8E4: return (struct rfmt){ 4, 3, (int)(fpcfg & 0xff), 0 };
	default: return (struct rfmt){ 5, 2, (int)(fpcfg >> 8 & 0xff), 0 };
	}
}

static unsigned int tbits(unsigned int t)
{
	static const unsigned int b[8] = { 32, 16, 16, 8, 8, 8, 16, 32 };

	return b[t];
}

static double rdecode(unsigned int t, uint32_t fpcfg, uint32_t c)
{
	struct rfmt f = rfmt_of(t, fpcfg);
	uint32_t mant = c % (1u << f.m), ex = (c >> f.m) % (1u << f.e);
	double v;

	if (t == D1_T_FP32) {
		float x;

		memcpy(&x, &c, 4);
		return x;
	}
	if (f.ieee && ex == (1u << f.e) - 1)
		v = mant ? NAN : INFINITY;
	else if (ex == 0)
		v = mant * pow(2, 1 - f.bias - f.m);
	else
		v = (1 + mant * pow(2, -f.m)) * pow(2, (int)ex - f.bias);
	return (c >> (f.e + f.m)) & 1 ? -v : v;
}

/* Positive finite values of a narrow format, ascending = by code. */
struct rtable {
	unsigned int t;
	uint32_t fpcfg;
	uint32_t n;
	double v[1u << 15];
};

static struct rtable *rtable_get(unsigned int t, uint32_t fpcfg)
{
	static struct rtable *cache[8];
	struct rtable *rt = cache[t];
	struct rfmt f = rfmt_of(t, fpcfg);
	uint32_t c, ncodes = 1u << (f.e + f.m);

	if (rt && rt->fpcfg == fpcfg)
		return rt;
	if (!rt)
		rt = cache[t] = malloc(sizeof(*rt));
	rt->t = t;
	rt->fpcfg = fpcfg;
	rt->n = 0;
	for (c = 0; c < ncodes; c++) {
		double v = rdecode(t, fpcfg, c);

		if (isnan(v) || isinf(v))
			break;
		rt->v[rt->n++] = v;
	}
	return rt;
}

/* RNE to a narrow FP type (BF16/CFP16/CFP8) by table search. */
static uint32_t rround(unsigned int t, uint32_t fpcfg, double x)
{
	struct rfmt f = rfmt_of(t, fpcfg);
	struct rtable *rt = rtable_get(t, fpcfg);
	uint32_t sign = (signbit(x) ? 1u : 0u) << (f.e + f.m);
	double ax = fabs(x), max = rt->v[rt->n - 1];
	uint32_t lo = 0, hi = rt->n - 1, c;

	if (isnan(x))
		return f.ieee ? 0x7fc0 : 0;
	if (ax >= max) {
		double ulp = max - rt->v[rt->n - 2];

		if (f.ieee && ax >= max + ulp / 2)
			return sign | (rt->n);	/* Inf code follows max */
		return sign | (rt->n - 1);
	}
	while (hi - lo > 1) {	/* v[lo] <= ax < v[hi] */
		uint32_t mid = (lo + hi) / 2;

		if (rt->v[mid] <= ax)
			lo = mid;
		else
			hi = mid;
	}
	if (ax - rt->v[lo] < rt->v[hi] - ax)
		c = lo;
	else if (ax - rt->v[lo] > rt->v[hi] - ax)
		c = hi;
	else
		c = (lo & 1) ? hi : lo;
	return sign | c;
}

static uint32_t f2u(float f)
{
	uint32_t u;

	memcpy(&u, &f, 4);
	return u;
}

static uint32_t rcanon32(float f)
{
	return isnan(f) ? 0x7fc00000u : f2u(f);
}

/* Round to any FP type. */
static uint32_t rfp(unsigned int t, uint32_t fpcfg, double x)
{
	return t == D1_T_FP32 ? rcanon32((float)x) : rround(t, fpcfg, x);
}

static int64_t rint_sat(double x, unsigned int bits)
{
	double lo = -pow(2, bits - 1), hi = pow(2, bits - 1) - 1, r;

	if (isnan(x))
		return 0;
	r = nearbyint(x);	/* host default: RNE */
	return r < lo ? (int64_t)lo : r > hi ? (int64_t)hi : (int64_t)r;
}

static int64_t sx(uint32_t v, unsigned int bits)
{
	return bits == 32 ? (int32_t)v : bits == 16 ? (int16_t)v : (int8_t)v;
}

static uint32_t getel(const uint8_t *v, unsigned int bits, unsigned int i)
{
	uint32_t r = 0;

	memcpy(&r, v + i * bits / 8, bits / 8);
	return r;
}

static void setel(uint8_t *v, unsigned int bits, unsigned int i, uint32_t x)
{
	memcpy(v + i * bits / 8, &x, bits / 8);
}

static int isfp(unsigned int t)
{
	return t <= D1_T_CFP8E5;
}

static double val(unsigned int t, uint32_t fpcfg, uint32_t raw)
{
	return isfp(t) ? rdecode(t, fpcfg, raw) : (double)sx(raw, tbits(t));
}

static int isnan_el(unsigned int t, uint32_t raw, uint32_t fpcfg)
{
	return isfp(t) && isnan(rdecode(t, fpcfg, raw));
}

/* maximumNumber / minimumNumber */
static uint32_t rmaxmin(unsigned int t, uint32_t fpcfg, uint32_t a, uint32_t b,
			int max)
{
	double x = val(t, fpcfg, a), y = val(t, fpcfg, b);
	uint32_t sign = 1u << (tbits(t) - 1);

	if (isnan_el(t, a, fpcfg) && isnan_el(t, b, fpcfg))
		return t == D1_T_FP32 ? 0x7fc00000u : 0x7fc0;
	if (isnan_el(t, a, fpcfg))
		return b;
	if (isnan_el(t, b, fpcfg))
		return a;
	if (x == 0 && y == 0 && isfp(t))
		return max ? ((a & sign) ? b : a) : ((a & sign) ? a : b);
	return (max ? x >= y : x <= y) ? a : b;
}

static uint32_t mask_of(unsigned int t)
{
	return tbits(t) == 32 ? 0xffffffffu : (1u << tbits(t)) - 1;
}

static uint32_t rbin(unsigned int t, uint32_t fpcfg, int op, uint32_t a, uint32_t b)
{
	unsigned int bits = tbits(t);
	double x = val(t, fpcfg, a), y = val(t, fpcfg, b);
	uint32_t ones = mask_of(t);

	if (t == D1_T_FP32) {
		float fa, fb;

		memcpy(&fa, &a, 4);
		memcpy(&fb, &b, 4);
		switch (op) {
		case 0: return rcanon32(fa + fb);
		case 1: return rcanon32(fa - fb);
		case 2: return rcanon32(fa * fb);
		}
	}
	switch (op) {
	case 0: return isfp(t) ? rfp(t, fpcfg, x + y) : (a + b) & ones;
	case 1: return isfp(t) ? rfp(t, fpcfg, x - y) : (a - b) & ones;
	case 2: return isfp(t) ? rfp(t, fpcfg, x * y) :
		(uint32_t)(sx(a, bits) * sx(b, bits)) & ones;
	case 3: return rmaxmin(t, fpcfg, a, b, 1);
	case 4: return rmaxmin(t, fpcfg, a, b, 0);
	case 5: return x == y ? ones : 0;
	case 6: return x < y ? ones : 0;
	default: return x <= y ? ones : 0;
	}
}

/* ----------------------------------------------------- test input data */

static uint64_t lcg = 12345;

static uint32_t rnd(void)
{
	lcg = lcg * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(lcg >> 33);
}

/* Fill the three input registers of type t with edge cases, exact ties
 * and random values. */
static void fill_inputs(uint8_t *in, unsigned int t, uint32_t fpcfg)
{
	unsigned int bits = tbits(t), n = 512 / bits, i, r;
	static const uint32_t e32[] = { 0, 0x80000000, 0x7f800000, 0xff800000,
		0x7fc00000, 0x7f800001, 0x00000001, 0x7f7fffff, 0x3f800000,
		0xbf800000, 0x00800000, 0x3f800001 };
	static const uint32_t e16[] = { 0, 0x8000, 0x7f80, 0xff80, 0x7fc0,
		0x7f81, 0x0001, 0x7f7f, 0x3f80, 0xbf80, 0x0080, 0x3f81 };

	for (r = 0; r < 3; r++) {
		for (i = 0; i < n; i++) {
			uint32_t v = rnd() & mask_of(t);

			if (t == D1_T_FP32 && i < 12 && r < 2)
				v = e32[(i + 5 * r) % 12];
			else if (t == D1_T_BF16 && i < 12 && r < 2)
				v = e16[(i + 5 * r) % 12];
			else if (isfp(t) && (i % 3) == 0 && r < 2 && t != D1_T_FP32)
				v = getel(in, bits, i);	/* a == b: tie-ish */
			else if (t == D1_T_FP32 && (i & 1))	/* moderate */
				v = (v & 0x807fffff) | ((120 + rnd() % 16) << 23);
			else if (t == D1_T_BF16 && (i & 1))
				v = (v & 0x807f) | ((120 + rnd() % 16) << 7);
			if (r == 2 && (i & 3) == 0)
				v = 0;		/* selector zeros */
			setel(in + 64 * r, bits, i, v);
		}
	}
	(void)fpcfg;
}

/* ---------------------------------------------------- kernel run + check */

struct vops_args {
	uint64_t fpcfg, vrm, seed;
};

#define VIN KDATA_IN
#define VPAT (KDATA_IN + 8 * 192)
#define VMMA (KDATA_IN + 8 * 192 + 64)

struct vrun {
	struct d1_grid *g;
	uint8_t in[8 * 192 + 64 + 3 * 384];
	const uint8_t *out;
};

static int run_vops(struct vrun *v, uint64_t fpcfg, uint64_t vrm, uint64_t seed)
{
	struct vops_args a = { fpcfg, vrm, seed };
	struct d1_launch l = { 0 };
	unsigned int t, k, i;

	v->g = grid_with_kernel(1, 1, 1, "vops");
	if (!v->g)
		return -1;
	lcg = 777;
	for (t = 0; t < 8; t++)
		fill_inputs(v->in + t * 192, t, fpcfg);
	for (i = 0; i < 64; i++)
		v->in[8 * 192 + i] = (uint8_t)(0xa5 ^ i);
	for (k = 0; k < 3; k++) {
		static const unsigned int mt[3] = { D1_T_BF16, D1_T_CFP8E4, D1_T_CFP8E5 };
		uint8_t *m = v->in + 8 * 192 + 64 + k * 384;

		for (i = 0; i < 32; i++) {
			/* finite inputs: avoid NaN/Inf so sums are meaningful */
			uint32_t x = rnd(), y = rnd();

			if (mt[k] == D1_T_BF16) {
				setel(m, 16, i, (x & 0x807f) | ((122 + x % 10) << 7));
				setel(m + 64, 16, i, (y & 0x807f) | ((122 + y % 10) << 7));
			} else {
				m[i] = (uint8_t)x;
				m[64 + i] = (uint8_t)y;
			}
		}
		for (i = 0; i < 64; i++) {
			float c = (float)((int)(rnd() % 2001) - 1000) / 64.0f;

			setel(m + 128, 32, i, f2u(c));
		}
	}
	memcpy(node_ptr(v->g, 0, VIN), v->in, sizeof(v->in));
	l.args = &a;
	l.args_size = sizeof(a);
	l.budget = 1000000;
	if (d1_grid_run(v->g, &l, NULL, NULL, 0) ||
	    d1_grid_report(v->g, 0)->status != D1_NODE_EXITED ||
	    d1_grid_report(v->g, 0)->exit_code != 216)
		return -1;
	v->out = node_ptr(v->g, 0, KDATA_OUT);
	return 0;
}

/* Compare one record; logs the first mismatch. */
#define CHECK_EL(_what, t, i, want, got) do { \
	if ((want) != (got)) { \
		TH_LOG("%s type %u elem %u: want 0x%x got 0x%x", _what, t, i, \
		       (unsigned int)(want), (unsigned int)(got)); \
		bad++; \
	} \
} while (0)

static unsigned int check_type_ops(struct __test_metadata *_metadata,
				   struct vrun *v, uint32_t fpcfg)
{
	static const char *const names[] = { "vadd", "vsub", "vmul", "vmax",
		"vmin", "vcmpeq", "vcmplt", "vcmple" };
	unsigned int t, op, i, bad = 0;

	for (t = 0; t < 8; t++) {
		const uint8_t *a = v->in + t * 192, *b = a + 64, *c = a + 128;
		const uint8_t *o = v->out + t * 16 * 64;
		unsigned int bits = tbits(t), n = 512 / bits;
		uint32_t acc[3];

		for (op = 0; op < 8; op++)
			for (i = 0; i < n && bad < 5; i++)
				CHECK_EL(names[op], t, i,
					 rbin(t, fpcfg, op, getel(a, bits, i), getel(b, bits, i)),
					 getel(o + op * 64, bits, i));
		for (i = 0; i < n && bad < 5; i++) {	/* fma, sel */
			uint32_t x = getel(a, bits, i), y = getel(b, bits, i);
			uint32_t z = getel(c, bits, i), want;

			if (t == D1_T_FP32) {
				float fx, fy, fz;

				memcpy(&fx, &x, 4);
				memcpy(&fy, &y, 4);
				memcpy(&fz, &z, 4);
				want = rcanon32(fmaf(fx, fy, fz));
			} else if (isfp(t)) {
				want = rfp(t, fpcfg, val(t, fpcfg, x) * val(t, fpcfg, y) +
					   val(t, fpcfg, z));
			} else {
				want = (x * y + z) & mask_of(t);
			}
			CHECK_EL("vfma", t, i, want, getel(o + 8 * 64, bits, i));
			CHECK_EL("vsel", t, i, z ? x : y, getel(o + 9 * 64, bits, i));
		}
		acc[0] = acc[1] = acc[2] = getel(a, bits, 0);
		for (i = 1; i < n; i++) {
			acc[0] = rbin(t, fpcfg, 0, acc[0], getel(a, bits, i));
			acc[1] = rbin(t, fpcfg, 3, acc[1], getel(a, bits, i));
			acc[2] = rbin(t, fpcfg, 4, acc[2], getel(a, bits, i));
		}
		for (op = 0; op < 3; op++) {
			CHECK_EL("vred", t, op, acc[op], getel(o + (10 + op) * 64, bits, 0));
			for (i = 1; i < n; i++)
				CHECK_EL("vred zero", t, i, 0u, getel(o + (10 + op) * 64, bits, i));
		}
		for (i = 0; i < n; i++)
			CHECK_EL("vsplat", t, i, 0x12345678u & mask_of(t),
				 getel(o + 13 * 64, bits, i));
		{
			uint64_t g0, g1;

			memcpy(&g0, o + 14 * 64, 8);
			memcpy(&g1, o + 14 * 64 + 8, 8);
			CHECK_EL("vget", t, 3, (uint64_t)sx(getel(a, bits, 3), bits), g0);
			CHECK_EL("vget mod", t, 5, (uint64_t)sx(getel(b, bits, (64 + 5) % n), bits), g1);
		}
		for (i = 0; i < n; i++)
			CHECK_EL("vset", t, i, i == 2 ? 0x3333ccccu & mask_of(t) :
				 getel(a, bits, i), getel(o + 15 * 64, bits, i));
	}
	return bad;
}

static uint32_t rcvt(unsigned int t, unsigned int u, uint32_t fpcfg, uint32_t raw)
{
	double x = val(t, fpcfg, raw);

	if (isfp(u)) {
		if (t == u && isnan_el(t, raw, fpcfg))
			return t == D1_T_FP32 ? 0x7fc00000u : 0x7fc0;
		return rfp(u, fpcfg, x);
	}
	return (uint32_t)rint_sat(x, tbits(u)) & mask_of(u);
}

static unsigned int check_cvt(struct __test_metadata *_metadata, struct vrun *v,
			      uint32_t fpcfg, unsigned int t, unsigned int u,
			      unsigned int p, const uint8_t *o)
{
	unsigned int bt = tbits(t), bu = tbits(u), wide = bt > bu ? bt : bu;
	unsigned int n = 512 / wide, i, bad = 0;
	uint8_t want[64];
	const uint8_t *src = v->in + t * 192;

	if (bu > bt)
		memset(want, 0, 64);
	else
		memcpy(want, v->in + 8 * 192, 64);
	for (i = 0; i < n; i++) {
		unsigned int si = bu > bt ? p * n + i : i, di = bu < bt ? p * n + i : i;

		setel(want, bu, di, rcvt(t, u, fpcfg, getel(src, bt, si)));
	}
	for (i = 0; i < 512 / bu && bad < 4; i++)
		if (getel(want, bu, i) != getel(o, bu, i)) {
			TH_LOG("vcvt %u->%u p%u elem %u (src 0x%x): want 0x%x got 0x%x",
			       t, u, p, i, bu > bt ? getel(src, bt, p * n + i) :
			       getel(src, bt, i % n), getel(want, bu, i), getel(o, bu, i));
			bad++;
		}
	return bad;
}

static unsigned int check_cvts(struct __test_metadata *_metadata, struct vrun *v,
			       uint32_t fpcfg)
{
	static const unsigned int extra[8][3] = { { 1, 0, 1 }, { 0, 1, 1 },
		{ 3, 0, 3 }, { 0, 4, 2 }, { 5, 7, 2 }, { 7, 5, 3 }, { 6, 3, 1 },
		{ 3, 2, 1 } };
	const uint8_t *o = v->out + 128 * 64;
	unsigned int t, u, k, bad = 0;

	for (t = 0; t < 8; t++)
		for (u = 0; u < 8; u++, o += 64)
			bad += check_cvt(_metadata, v, fpcfg, t, u, 0, o);
	for (k = 0; k < 8; k++, o += 64)
		bad += check_cvt(_metadata, v, fpcfg, extra[k][0], extra[k][1],
				 extra[k][2], o);
	return bad;
}

static unsigned int check_rest(struct __test_metadata *_metadata, struct vrun *v,
			       uint32_t fpcfg)
{
	const uint8_t *o = v->out + (128 + 72) * 64, *a = v->in, *b = v->in + 64;
	static const unsigned int mt[3] = { D1_T_BF16, D1_T_CFP8E4, D1_T_CFP8E5 };
	unsigned int i, k, r, c, bad = 0;

	for (i = 0; i < 64; i++) {
		CHECK_EL("vand", 0, i, a[i] & b[i], o[i]);
		CHECK_EL("vor", 0, i, a[i] | b[i], o[64 + i]);
		CHECK_EL("vxor", 0, i, a[i] ^ b[i], o[128 + i]);
		CHECK_EL("vldbc32", 0, i, a[68 + i % 4], o[192 + i]);
	}
	o += 4 * 64;
	for (k = 0; k < 3; k++, o += 256) {
		const uint8_t *m = v->in + 8 * 192 + 64 + k * 384;
		unsigned int bits = mt[k] == D1_T_BF16 ? 16 : 8;

		for (r = 0; r < 8; r++)
			for (c = 0; c < 8; c++) {
				float acc;
				uint32_t craw = getel(m + 128, 32, r * 8 + c);

				/* one FP32 fused multiply-add per k, in k order
				 * (these biases keep every value an FP32 value) */
				memcpy(&acc, &craw, 4);
				for (i = 0; i < 4; i++)
					acc = fmaf((float)val(mt[k], fpcfg, getel(m, bits, r * 4 + i)),
						   (float)val(mt[k], fpcfg,
							      getel(m + 64, bits, i * 8 + c)),
						   acc);
				CHECK_EL("vmma", mt[k], r * 8 + c, rcanon32(acc),
					 getel(o, 32, r * 8 + c));
			}
	}
	return bad;
}

/* Every implementation of the vector unit this host runs (vec.h). */
#define FOR_EACH_LEVEL(l)						\
	for (enum d1_vec_level l = D1_VEC_REF; l < D1_VEC_LEVELS; l++)	\
		if (d1_vec_force(l) == 0)

static void every_instruction(struct __test_metadata *_metadata, uint32_t cfg)
{
	static struct vrun v;

	FOR_EACH_LEVEL(l) {
		TH_LOG("level %s", d1_vec_level_name(l));
		ASSERT_EQ(0, run_vops(&v, cfg, 0, 0));
		EXPECT_EQ(0u, check_type_ops(_metadata, &v, cfg));
		EXPECT_EQ(0u, check_cvts(_metadata, &v, cfg));
		EXPECT_EQ(0u, check_rest(_metadata, &v, cfg));
		d1_grid_destroy(v.g);
	}
	d1_vec_unforce();
}

TEST(every_vector_instruction_default_biases)
{
	every_instruction(_metadata, D1_FPCFG_DEFAULT);
}

TEST(every_vector_instruction_programmed_biases)
{
	every_instruction(_metadata, 28u << 16 | 12u << 8 | 3u);	/* CFP16 28, E5 12, E4 3 */
}

/* With d1.vrm = SR, narrow FP add results are one of the two neighbours
 * of the exact sum; FP32 and integer results are unchanged; the same
 * seed gives the same bits, another seed other bits. */
TEST(stochastic_vector_arithmetic)
{
	static struct vrun v1, v2, v3;
	unsigned int t, i, bad = 0, differ = 0;

	ASSERT_EQ(0, run_vops(&v1, D1_FPCFG_DEFAULT, 1, 99));
	ASSERT_EQ(0, run_vops(&v2, D1_FPCFG_DEFAULT, 1, 99));
	ASSERT_EQ(0, run_vops(&v3, D1_FPCFG_DEFAULT, 1, 100));
	EXPECT_EQ(0, memcmp(v1.out, v2.out, 216 * 64));
	for (t = 0; t < 8; t++) {
		unsigned int bits = tbits(t), n = 512 / bits;
		const uint8_t *a = v1.in + t * 192, *b = a + 64;
		const uint8_t *o = v1.out + t * 16 * 64;

		for (i = 0; i < n; i++) {
			uint32_t x = getel(a, bits, i), y = getel(b, bits, i);
			uint32_t got = getel(o, bits, i);
			double exact = val(t, D1_FPCFG_DEFAULT, x) + val(t, D1_FPCFG_DEFAULT, y);
			double g = val(t, D1_FPCFG_DEFAULT, got);
			uint32_t rne = rbin(t, D1_FPCFG_DEFAULT, 0, x, y);

			if (getel(v3.out + t * 16 * 64, bits, i) != got)
				differ++;
			if (t == D1_T_FP32 || !isfp(t) || isnan(exact) ||
			    isinf(exact) || isinf(g)) {
				if (t == D1_T_FP32 || !isfp(t))
					CHECK_EL("sr-exempt", t, i, rne, got);
				continue;
			}
			/* got is the neighbour below or above exact */
			if (g != exact) {
				uint32_t below = rround(t, D1_FPCFG_DEFAULT, exact);
				double rv = val(t, D1_FPCFG_DEFAULT, below);
				int ok = g == rv;

				/* the other neighbour: next code away from rv */
				if (!ok) {
					uint32_t mag = below & (mask_of(t) >> 1);
					uint32_t sgn = below & ~(mask_of(t) >> 1);
					uint32_t other = (fabs(exact) > fabs(rv)) ?
						sgn | (mag + 1) : sgn | (mag - 1);

					ok = mag && got == other;
					ok = ok || got == (sgn | (mag + 1));
				}
				if (!ok && bad++ < 5)
					TH_LOG("type %u elem %u: %a not a neighbour of %a",
					       t, i, g, exact);
			}
		}
	}
	EXPECT_EQ(0u, bad);
	EXPECT_LT(0u, differ);	/* another seed, other roundings */
	d1_grid_destroy(v1.g);
	d1_grid_destroy(v2.g);
	d1_grid_destroy(v3.g);
}

/* ------------------------------------------------- format-level tests */

TEST(encode_rne_matches_table_reference)
{
	static const unsigned int types[] = { D1_T_BF16, D1_T_CFP16,
					      D1_T_CFP8E4, D1_T_CFP8E5 };
	static const uint32_t cfgs[] = { D1_FPCFG_DEFAULT, 0x230f0a, 0x020101 };
	unsigned int k, j, i, bad = 0;

	for (k = 0; k < 4; k++)
		for (j = 0; j < 3; j++) {
			unsigned int t = types[k];
			struct d1_fpfmt f = d1_type_fmt(t, cfgs[j]);
			struct rtable *rt = rtable_get(t, cfgs[j]);
			uint32_t c;

			/* decode every code */
			for (c = 0; c < (1u << d1_type_bits(t)); c++) {
				double a = d1_fp_decode(&f, c), b = rdecode(t, cfgs[j], c);

				if (!(a == b || (isnan(a) && isnan(b))) && bad++ < 5)
					TH_LOG("decode t%u 0x%x: %a vs %a", t, c, a, b);
			}
			/* exact ties, midpoints +- tiny, random, edges */
			for (i = 0; i + 1 < rt->n; i++) {
				double lo = rt->v[i], hi = rt->v[i + 1];
				double xs[4] = { (lo + hi) / 2, nextafter((lo + hi) / 2, 0),
						 nextafter((lo + hi) / 2, INFINITY),
						 -(lo + hi) / 2 };
				unsigned int q;

				if (rt->n > 256 && (i % 61))
					continue;
				for (q = 0; q < 4; q++) {
					uint32_t want = rround(t, cfgs[j], xs[q]);
					uint32_t got = d1_fp_encode(&f, xs[q], NULL);

					if (want != got && bad++ < 5)
						TH_LOG("t%u cfg %x x=%a: want 0x%x got 0x%x",
						       t, cfgs[j], xs[q], want, got);
				}
			}
			for (i = 0; i < 20000; i++) {
				double x = ldexp((double)rnd() / 4294967296.0 * 2 - 1,
						 (int)(rnd() % 100) - 50);
				uint32_t want = rround(t, cfgs[j], x);
				uint32_t got = d1_fp_encode(&f, x, NULL);

				if (want != got && bad++ < 5)
					TH_LOG("t%u x=%a: want 0x%x got 0x%x", t, x, want, got);
			}
			{
				double ed[] = { INFINITY, -INFINITY, NAN, 1e300, -1e300,
						0.0, -0.0, 1e-300, -1e-300 };

				for (i = 0; i < sizeof(ed) / sizeof(ed[0]); i++) {
					uint32_t want = rround(t, cfgs[j], ed[i]);
					uint32_t got = d1_fp_encode(&f, ed[i], NULL);

					if (want != got && bad++ < 5)
						TH_LOG("t%u edge %a: want 0x%x got 0x%x",
						       t, ed[i], want, got);
				}
			}
		}
	EXPECT_EQ(0u, bad);
}

/*
 * Stochastic rounding: over 2^16 draws the mean of the rounded values is
 * within 1 % of the spacing (hi - lo) from the exact value, only the two
 * neighbours occur, and P(hi) tracks the position of x between them.
 */
TEST(stochastic_rounding_distribution)
{
	static const unsigned int types[] = { D1_T_FP32, D1_T_BF16, D1_T_CFP16,
					      D1_T_CFP8E4, D1_T_CFP8E5 };
	static const double fracs[] = { 0.5, 0.1, 0.9, 0.01, 0.37 };
	unsigned int k, j, i;
	uint64_t rng = 0x1234567;

	for (k = 0; k < 5; k++) {
		unsigned int t = types[k];
		struct d1_fpfmt f = d1_type_fmt(t, D1_FPCFG_DEFAULT);
		/* two neighbours around 1.25 (normal) and near the bottom
		 * of the range (subnormal) */
		double bases[2] = { 1.25, ldexp(1.0, -f.bias - 1) };

		for (j = 0; j < 2; j++) {
			uint32_t lo_c = d1_fp_encode(&f, bases[j], NULL);
			double lo = d1_fp_decode(&f, lo_c);
			double hi = d1_fp_decode(&f, lo_c + 1);

			for (unsigned int q = 0; q < 5; q++) {
				double x = lo + (hi - lo) * fracs[q], sum = 0;
				unsigned int nhi = 0, other = 0;

				for (i = 0; i < 65536; i++) {
					uint32_t c = d1_fp_encode(&f, x, &rng);

					if (c == lo_c + 1)
						nhi++;
					else if (c != lo_c)
						other++;
					sum += d1_fp_decode(&f, c);
				}
				EXPECT_EQ(0u, other);
				EXPECT_LT(fabs(sum / 65536 - x), 0.01 * (hi - lo));
				EXPECT_LT(fabs(nhi / 65536.0 - fracs[q]), 0.01);
			}
			/* an exact value never moves */
			EXPECT_EQ(lo_c, d1_fp_encode(&f, lo, &rng));
		}
	}
	/* float -> INT8 */
	for (k = 0; k < 5; k++) {
		double x = 3 + fracs[k], sum = 0;

		for (i = 0; i < 65536; i++)
			sum += (double)d1_int_from_double(x, 8, &rng);
		EXPECT_LT(fabs(sum / 65536 - x), 0.01);
	}
}

TEST(int_conversion_saturates)
{
	EXPECT_EQ(127, d1_int_from_double(1e9, 8, NULL));
	EXPECT_EQ(-128, d1_int_from_double(-1e9, 8, NULL));
	EXPECT_EQ(0, d1_int_from_double(NAN, 16, NULL));
	EXPECT_EQ(2147483647, d1_int_from_double(INFINITY, 32, NULL));
	EXPECT_EQ(2, d1_int_from_double(2.5, 32, NULL));	/* ties even */
	EXPECT_EQ(-4, d1_int_from_double(-3.5, 32, NULL));
	EXPECT_EQ(rint_sat(-2.5, 16), d1_int_from_double(-2.5, 16, NULL));
}

TEST_HARNESS_MAIN

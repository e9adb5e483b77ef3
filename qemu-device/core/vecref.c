// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The reference vector and matrix unit: every element on its own, as
 * Documentation/accel/d1/isa.rst words it.  FP elements are decoded to
 * binary64, computed there (binary64 holds every sum, difference and
 * product of two narrower values with enough precision that rounding
 * once more to the element type equals rounding the exact result; FP32
 * FMA uses fmaf) and rounded to the element type by fmt.c, RNE or SR.
 *
 * Slow and simple on purpose: the host-SIMD implementations (vecfast.c)
 * are tested against it.
 */
#include <math.h>
#include <string.h>

#include "bits.h"
#include "fmt.h"
#include "vec.h"

static inline uint32_t vget(const d1_vreg *v, unsigned int bits, unsigned int i)
{
	const uint8_t *p = v->b + i * (bits / 8);

	switch (bits) {
	case 8: return p[0];
	case 16: return (uint32_t)(p[0] | p[1] << 8);
	default: return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
	}
}

static inline void vset(d1_vreg *v, unsigned int bits, unsigned int i,
			uint32_t val)
{
	uint8_t *p = v->b + i * (bits / 8);

	p[0] = (uint8_t)val;
	if (bits >= 16)
		p[1] = (uint8_t)(val >> 8);
	if (bits == 32) {
		p[2] = (uint8_t)(val >> 16);
		p[3] = (uint8_t)(val >> 24);
	}
}

static inline int64_t sext_bits(uint32_t v, unsigned int bits)
{
	return bits == 32 ? (int64_t)(int32_t)v :
	       bits == 16 ? (int64_t)(int16_t)v : (int64_t)(int8_t)v;
}

/* Element value as binary64 (FP types) or integer (INT types). */
static inline double elem_val(const struct d1_fpfmt *f, unsigned int t,
			      uint32_t raw)
{
	if (t == D1_T_FP32)
		return (double)d1_b2f(raw);
	if (t == D1_T_BF16)
		return (double)d1_bf16_to_f32(raw);
	if (d1_type_is_float(t))
		return d1_fp_decode(f, raw);
	return (double)sext_bits(raw, d1_type_bits(t));
}

/* Round binary64 @x to FP type @t (RNE, or SR from @rng). */
static inline uint32_t fp_round(const struct d1_fpfmt *f, unsigned int t,
				double x, uint64_t *rng)
{
	if (t == D1_T_FP32 && !rng)
		return d1_f32_canon((float)x);
	return d1_fp_encode(f, x, rng);
}

static inline bool fp_isnan(unsigned int t, uint32_t raw)
{
	if (t == D1_T_FP32)
		return d1_f32_isnan(raw);
	if (t == D1_T_BF16)
		return d1_bf16_isnan(raw);
	return false;
}

static uint32_t canon_nan(unsigned int t)
{
	return t == D1_T_FP32 ? D1_F32_CANON_NAN : D1_BF16_CANON_NAN;
}

/* maximumNumber / minimumNumber on raw elements. */
static uint32_t fp_maxmin(const struct d1_fpfmt *f, unsigned int t,
			  uint32_t a, uint32_t b, bool max)
{
	unsigned int bits = d1_type_bits(t);
	uint32_t sign = 1u << (bits - 1);
	double da, db;

	if (fp_isnan(t, a) && fp_isnan(t, b))
		return canon_nan(t);
	if (fp_isnan(t, a))
		return b;
	if (fp_isnan(t, b))
		return a;
	da = elem_val(f, t, a);
	db = elem_val(f, t, b);
	if (da == db && da == 0) {	/* zeros: -0 < +0 */
		bool an = a & sign;

		if (max)
			return an ? b : a;
		return an ? a : b;
	}
	return (max ? da >= db : da <= db) ? a : b;
}

static uint32_t int_op(unsigned int op, unsigned int bits, uint32_t ra,
		       uint32_t rb)
{
	int64_t a = sext_bits(ra, bits), b = sext_bits(rb, bits);
	uint32_t ones = bits == 32 ? 0xffffffffu : (1u << bits) - 1;

	switch (op) {
	case D1_V_ADD: return (ra + rb) & ones;
	case D1_V_SUB: return (ra - rb) & ones;
	case D1_V_MUL: return (uint32_t)((uint64_t)a * (uint64_t)b) & ones;
	case D1_V_MAX: return a >= b ? ra : rb;
	case D1_V_MIN: return a <= b ? ra : rb;
	case D1_V_CMPEQ: return a == b ? ones : 0;
	case D1_V_CMPLT: return a < b ? ones : 0;
	default: return a <= b ? ones : 0;	/* CMPLE */
	}
}

static uint32_t fp_op(const struct d1_fpfmt *f, unsigned int t,
		      unsigned int op, uint32_t ra, uint32_t rb,
		      uint64_t *rng)
{
	uint32_t ones = d1_type_bits(t) == 32 ? 0xffffffffu :
			(1u << d1_type_bits(t)) - 1;
	double a = elem_val(f, t, ra), b = elem_val(f, t, rb);

	switch (op) {
	case D1_V_ADD: return fp_round(f, t, a + b, rng);
	case D1_V_SUB: return fp_round(f, t, a - b, rng);
	case D1_V_MUL: return fp_round(f, t, a * b, rng);
	case D1_V_MAX: return fp_maxmin(f, t, ra, rb, true);
	case D1_V_MIN: return fp_maxmin(f, t, ra, rb, false);
	case D1_V_CMPEQ: return a == b ? ones : 0;
	case D1_V_CMPLT: return a < b ? ones : 0;
	default: return a <= b ? ones : 0;	/* CMPLE */
	}
}

/* FP32 has no stochastic rounding in arithmetic. */
static uint64_t *arith_rng(unsigned int t, const struct d1_vctx *c)
{
	return t == D1_T_FP32 ? NULL : c->rng;
}

static void ref_binop(unsigned int t, unsigned int op, d1_vreg *vd,
		      const d1_vreg *a, const d1_vreg *b,
		      const struct d1_vctx *c)
{
	unsigned int bits = d1_type_bits(t), n = 512 / bits, i;
	struct d1_fpfmt f = d1_type_fmt(t, c->fpcfg);
	uint64_t *rng = arith_rng(t, c);
	d1_vreg out;

	for (i = 0; i < n; i++) {
		uint32_t x = vget(a, bits, i), y = vget(b, bits, i);

		vset(&out, bits, i, d1_type_is_float(t) ?
		     fp_op(&f, t, op, x, y, rng) : int_op(op, bits, x, y));
	}
	*vd = out;
}

static void ref_fma(unsigned int t, d1_vreg *vd, const d1_vreg *a,
		    const d1_vreg *b, const d1_vreg *c,
		    const struct d1_vctx *ctx)
{
	unsigned int bits = d1_type_bits(t), n = 512 / bits, i;
	struct d1_fpfmt f = d1_type_fmt(t, ctx->fpcfg);
	uint64_t *rng = arith_rng(t, ctx);
	d1_vreg out;

	for (i = 0; i < n; i++) {
		uint32_t x = vget(a, bits, i), y = vget(b, bits, i);
		uint32_t z = vget(c, bits, i), r;

		if (t == D1_T_FP32) {
			r = d1_f32_canon(fmaf(d1_b2f(x), d1_b2f(y), d1_b2f(z)));
		} else if (d1_type_is_float(t)) {
			/* the product is exact in binary64 */
			double p = elem_val(&f, t, x) * elem_val(&f, t, y);

			r = fp_round(&f, t, p + elem_val(&f, t, z), rng);
		} else {
			r = int_op(D1_V_ADD, bits, int_op(D1_V_MUL, bits, x, y), z);
		}
		vset(&out, bits, i, r);
	}
	*vd = out;
}

static void ref_sel(unsigned int t, d1_vreg *vd, const d1_vreg *a,
		    const d1_vreg *b, const d1_vreg *m)
{
	unsigned int bits = d1_type_bits(t), n = 512 / bits, i;
	d1_vreg out;

	for (i = 0; i < n; i++)
		vset(&out, bits, i, vget(m, bits, i) ? vget(a, bits, i) :
						      vget(b, bits, i));
	*vd = out;
}

static void ref_reduce(unsigned int t, unsigned int op, d1_vreg *vd,
		       const d1_vreg *a, const struct d1_vctx *c)
{
	unsigned int bits = d1_type_bits(t), n = 512 / bits, i;
	struct d1_fpfmt f = d1_type_fmt(t, c->fpcfg);
	uint64_t *rng = arith_rng(t, c);
	uint32_t acc = vget(a, bits, 0);
	unsigned int eop = op == D1_V_REDSUM ? D1_V_ADD :
			   op == D1_V_REDMAX ? D1_V_MAX : D1_V_MIN;

	for (i = 1; i < n; i++) {
		uint32_t e = vget(a, bits, i);

		acc = d1_type_is_float(t) ? fp_op(&f, t, eop, acc, e, rng) :
					    int_op(eop, bits, acc, e);
	}
	memset(vd, 0, sizeof(*vd));
	vset(vd, bits, 0, acc);
}

static void ref_cvt(unsigned int t, unsigned int u, unsigned int p,
		    d1_vreg *vd, const d1_vreg *a, const struct d1_vctx *c)
{
	unsigned int bt = d1_type_bits(t), bu = d1_type_bits(u);
	unsigned int wide = bt > bu ? bt : bu, n = 512 / wide, i;
	struct d1_fpfmt ft = d1_type_fmt(t, c->fpcfg), fu = d1_type_fmt(u, c->fpcfg);
	d1_vreg src = *a;

	if (bu > bt)
		memset(vd, 0, sizeof(*vd));	/* widening: vd fully written */
	for (i = 0; i < n; i++) {
		unsigned int si = bu > bt ? p * n + i : i;
		unsigned int di = bu < bt ? p * n + i : i;
		uint32_t raw = vget(&src, bt, si), r;
		double x = elem_val(&ft, t, raw);

		if (d1_type_is_float(u)) {
			if (t == u && !c->rng) {
				r = raw;
				if (fp_isnan(t, raw))
					r = canon_nan(t);
			} else {
				r = d1_fp_encode(&fu, x, c->rng);
			}
		} else {
			r = (uint32_t)d1_int_from_double(x, bu, c->rng);
		}
		vset(vd, bu, di, r);
	}
}

/*
 * acc += A B: for k = 0..3 in order, C[r][c] = RNE_fp32(C[r][c] +
 * A[r][k] * B[k][c]) with the product exact - one FP32 fused
 * multiply-add per step.  binary64 computes it: the product of two
 * BF16/CFP8 values is exact there, and rounding the binary64 sum of an
 * FP32 value and such a product once more to FP32 equals rounding the
 * exact sum.
 */
static void ref_mma(unsigned int t, d1_vreg *acc, const d1_vreg *a,
		    const d1_vreg *b, uint32_t fpcfg)
{
	struct d1_fpfmt f = d1_type_fmt(t, fpcfg);
	unsigned int bits = d1_type_bits(t), r, col, k, e;
	double A[32], B[32];

	for (e = 0; e < 32; e++) {
		A[e] = elem_val(&f, t, vget(a, bits, e));
		B[e] = elem_val(&f, t, vget(b, bits, e));
	}
	for (r = 0; r < 8; r++) {
		for (col = 0; col < 8; col++) {
			d1_vreg *v = &acc[(r * 8 + col) / 16];
			unsigned int i = (r * 8 + col) % 16;
			float c = d1_b2f(vget(v, 32, i));

			for (k = 0; k < 4; k++)
				c = (float)((double)c + A[r * 4 + k] * B[k * 8 + col]);
			vset(v, 32, i, d1_f32_canon(c));
		}
	}
}

const struct d1_vops d1_vops_ref = {
	.name = "ref",
	.binop = ref_binop,
	.fma = ref_fma,
	.sel = ref_sel,
	.reduce = ref_reduce,
	.cvt = ref_cvt,
	.mma = ref_mma,
};

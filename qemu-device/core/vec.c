// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * D1 vector unit: 32 x 512-bit registers per hart, element-wise
 * arithmetic on the D1 element types, conversions with RNE or stochastic
 * rounding, reductions and the 8x8x4 matrix multiply-accumulate.
 * Semantics: Documentation/accel/d1/isa.rst.
 *
 * FP results are computed in binary64 and rounded once to the element
 * type (binary64 holds every sum, difference and product of two narrower
 * values with enough precision that this equals correct rounding; FP32
 * FMA uses fmaf).  Vector instructions leave fflags alone.
 */
#include <fenv.h>
#include <math.h>
#include <string.h>

#include "bits.h"
#include "fmt.h"
#include "hostfp.h"
#include "sim.h"

/*
 * 16-lane FP32 fused multiply-add.  On x86-64 with GCC/clang and an FMA
 * CPU the lanes compile to hardware FMA (selected at run time); fmaf()
 * elsewhere - the same correctly rounded results either way.
 */
#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target("fma"))) static void fma16_hw(float *r, const float *x,
						    const float *y,
						    const float *z)
{
	int i;

	for (i = 0; i < 16; i++)
		r[i] = __builtin_fmaf(x[i], y[i], z[i]);
}

static int have_hw_fma(void)
{
	/* The grid's pool threads ask at once: atomic, not a data race. */
	static atomic_int cached = -1;
	int v = atomic_load_explicit(&cached, memory_order_relaxed);

	if (v < 0) {
		v = __builtin_cpu_supports("fma") ? 1 : 0;
		atomic_store_explicit(&cached, v, memory_order_relaxed);
	}
	return v;
}
#endif

static void fma16(float *r, const float *x, const float *y, const float *z)
{
	int i;

#if defined(__x86_64__) && defined(__GNUC__)
	if (have_hw_fma()) {
		fma16_hw(r, x, y, z);
		return;
	}
#endif
	for (i = 0; i < 16; i++)
		r[i] = fmaf(x[i], y[i], z[i]);
}

/* Fast paths view registers as host float arrays (little-endian hosts). */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define D1_VEC_LE 1
#else
#define D1_VEC_LE 0
#endif

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

/* Store 16 FP32 lanes, NaNs canonical: the FP32 fast paths' epilogue. */
static inline void vset_f32x16(d1_vreg *out, const float *r)
{
	unsigned int i;

	memcpy(out->b, r, 64);
	for (i = 0; i < 16; i++)
		if (d1_f32_isnan(vget(out, 32, i)))
			vset(out, 32, i, D1_F32_CANON_NAN);
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

static int vcvt(struct d1_hart *h, const struct d1_insn *in, d1_vreg *out)
{
	unsigned int t = in->f3, u = in->rs2 & 7, p = in->f7 - D1_V_CVT;
	unsigned int bt = d1_type_bits(t), bu = d1_type_bits(u);
	unsigned int wide = bt > bu ? bt : bu, n = 512 / wide, i;
	struct d1_fpfmt ft = d1_type_fmt(t, h->fpcfg), fu = d1_type_fmt(u, h->fpcfg);
	uint64_t *rng = (in->rs2 & D1_CVT_SR) ? &h->sr_state : NULL;
	const d1_vreg *src = &h->v[in->rs1];

	if (in->rs2 & 0x10)
		return D1_FAULT_ILLEGAL;
	if (p >= (bt > bu ? bt / bu : bu / bt))
		return D1_FAULT_ILLEGAL;
	if (bu > bt)
		memset(out, 0, sizeof(*out));	/* widening: vd fully written */
	else
		*out = h->v[in->rd];		/* narrowing: others kept */
	for (i = 0; i < n; i++) {
		unsigned int si = bu > bt ? p * n + i : i;
		unsigned int di = bu < bt ? p * n + i : i;
		uint32_t raw = vget(src, bt, si), r;
		double x = elem_val(&ft, t, raw);

		if (d1_type_is_float(u)) {
			if (t == u && !rng) {
				r = raw;
				if (fp_isnan(t, raw))
					r = canon_nan(t);
			} else {
				r = d1_fp_encode(&fu, x, rng);
			}
		} else {
			r = (uint32_t)d1_int_from_double(x, bu, rng);
		}
		vset(out, bu, di, r);
	}
	return 0;
}

static void vreduce(struct d1_hart *h, const struct d1_insn *in,
		    d1_vreg *out)
{
	unsigned int t = in->f3, bits = d1_type_bits(t), n = 512 / bits, i;
	struct d1_fpfmt f = d1_type_fmt(t, h->fpcfg);
	uint64_t *rng = h->vrm == D1_VRM_SR && t != D1_T_FP32 ? &h->sr_state : NULL;
	const d1_vreg *v = &h->v[in->rs1];
	uint32_t acc = vget(v, bits, 0);
	unsigned int op = in->f7 == D1_V_REDSUM ? D1_V_ADD :
			  in->f7 == D1_V_REDMAX ? D1_V_MAX : D1_V_MIN;

	for (i = 1; i < n; i++) {
		uint32_t e = vget(v, bits, i);

		acc = d1_type_is_float(t) ? fp_op(&f, t, op, acc, e, rng) :
					    int_op(op, bits, acc, e);
	}
	memset(out, 0, sizeof(*out));
	vset(out, bits, 0, acc);
}

static int varith(struct d1_hart *h, const struct d1_insn *in)
{
	unsigned int t = in->f3, bits = d1_type_bits(t), n = 512 / bits, i;
	struct d1_fpfmt f = d1_type_fmt(t, h->fpcfg);
	uint64_t *rng = h->vrm == D1_VRM_SR && t != D1_T_FP32 ? &h->sr_state : NULL;
	const d1_vreg *a = &h->v[in->rs1], *b = &h->v[in->rs2];
	d1_vreg out;

	switch (in->f7) {
	case D1_V_ADD: case D1_V_SUB: case D1_V_MUL: case D1_V_MAX:
	case D1_V_MIN: case D1_V_CMPEQ: case D1_V_CMPLT: case D1_V_CMPLE:
		if (D1_VEC_LE && t == D1_T_FP32 && in->f7 <= D1_V_MUL) {
			float x[16], y[16], r[16];

			memcpy(x, a->b, 64);
			memcpy(y, b->b, 64);
			if (in->f7 == D1_V_ADD)
				for (i = 0; i < 16; i++)
					r[i] = x[i] + y[i];
			else if (in->f7 == D1_V_SUB)
				for (i = 0; i < 16; i++)
					r[i] = x[i] - y[i];
			else
				for (i = 0; i < 16; i++)
					r[i] = x[i] * y[i];
			vset_f32x16(&out, r);
			break;
		}
		for (i = 0; i < n; i++) {
			uint32_t x = vget(a, bits, i), y = vget(b, bits, i);

			vset(&out, bits, i, d1_type_is_float(t) ?
			     fp_op(&f, t, in->f7, x, y, rng) :
			     int_op(in->f7, bits, x, y));
		}
		break;
	case D1_V_AND:
	case D1_V_OR:
	case D1_V_XOR:
		for (i = 0; i < 64; i++)
			out.b[i] = in->f7 == D1_V_AND ? a->b[i] & b->b[i] :
				   in->f7 == D1_V_OR ? a->b[i] | b->b[i] :
				   a->b[i] ^ b->b[i];
		break;
	case D1_V_REDSUM:
	case D1_V_REDMAX:
	case D1_V_REDMIN:
		if (in->rs2)
			return D1_FAULT_ILLEGAL;
		vreduce(h, in, &out);
		break;
	case D1_V_SPLAT:
		if (in->rs2)
			return D1_FAULT_ILLEGAL;
		for (i = 0; i < n; i++)
			vset(&out, bits, i, (uint32_t)h->x[in->rs1]);
		break;
	case D1_V_MVXV:
		h->x[in->rd] = (uint64_t)sext_bits(vget(a, bits,
						   (unsigned int)(h->x[in->rs2] % n)),
						   bits);
		return 0;
	case D1_V_MVVX:
		vset(&h->v[in->rd], bits, (unsigned int)(h->x[in->rs2] % n),
		     (uint32_t)h->x[in->rs1]);
		return 0;
	default:
		if (in->f7 >= D1_V_CVT && in->f7 < D1_V_CVT + 4) {
			int r = vcvt(h, in, &out);

			if (r)
				return r;
			break;
		}
		return D1_FAULT_ILLEGAL;
	}
	h->v[in->rd] = out;
	return 0;
}

static void mma_decode(struct d1_node *n, const struct d1_fpfmt *f,
		       unsigned int t, uint32_t fpcfg, const d1_vreg *v,
		       double *out)
{
	unsigned int i, k = t == D1_T_CFP8E5;

	if (t == D1_T_BF16) {
		uint16_t raw[32];

		if (D1_VEC_LE)
			memcpy(raw, v->b, sizeof(raw));
		else
			for (i = 0; i < 32; i++)
				raw[i] = (uint16_t)vget(v, 16, i);
		for (i = 0; i < 32; i++)
			out[i] = (double)d1_bf16_to_f32(raw[i]);
		return;
	}
	if (n->mma_lut_cfg[k] != fpcfg) {
		for (i = 0; i < 256; i++)
			n->mma_lut[k][i] = d1_fp_decode(f, i);
		n->mma_lut_cfg[k] = fpcfg;
	}
	for (i = 0; i < 32; i++)
		out[i] = n->mma_lut[k][v->b[i]];
}

/* C(vd..vd+3) += A(vs1) B(vs2), see isa.rst */
static void vmma(struct d1_node *n, struct d1_hart *h,
		 const struct d1_insn *in, const struct d1_fpfmt *f)
{
	unsigned int t = in->f3, r, col, k, e;
	double A[32], B[32];
	float C[64];

	mma_decode(n, f, t, h->fpcfg, &h->v[in->rs1], A);
	mma_decode(n, f, t, h->fpcfg, &h->v[in->rs2], B);
	if (D1_VEC_LE)
		memcpy(C, h->v[in->rd].b, sizeof(C));	/* vd..vd+3 */
	else
		for (e = 0; e < 64; e++)
			C[e] = d1_b2f(vget(&h->v[in->rd + e / 16], 32, e % 16));
	for (r = 0; r < 8; r++) {
		for (col = 0; col < 8; col++) {
			double s = 0;

			for (k = 0; k < 4; k++)
				s += A[r * 4 + k] * B[k * 8 + col];
			C[r * 8 + col] = (float)((double)C[r * 8 + col] + s);
		}
	}
	for (e = 0; e < 64; e++)
		if (d1_f32_isnan(d1_f2b(C[e])))
			C[e] = d1_b2f(D1_F32_CANON_NAN);
	if (D1_VEC_LE) {
		memcpy(h->v[in->rd].b, C, sizeof(C));
	} else {
		for (e = 0; e < 64; e++)
			vset(&h->v[in->rd + e / 16], 32, e % 16, d1_f2b(C[e]));
	}
}

static int v3(struct d1_node *node, struct d1_hart *h,
	      const struct d1_insn *in)
{
	unsigned int t = in->f3, bits = d1_type_bits(t), n = 512 / bits, i;
	struct d1_fpfmt f = d1_type_fmt(t, h->fpcfg);
	uint64_t *rng = h->vrm == D1_VRM_SR && t != D1_T_FP32 ? &h->sr_state : NULL;
	const d1_vreg *a = &h->v[in->rs1], *b = &h->v[in->rs2], *c = &h->v[in->rs3];
	d1_vreg out;

	switch (in->f7) {
	case D1_V3_FMA:
		if (D1_VEC_LE && t == D1_T_FP32) {
			float x[16], y[16], z[16], r[16];

			memcpy(x, a->b, 64);
			memcpy(y, b->b, 64);
			memcpy(z, c->b, 64);
			fma16(r, x, y, z);
			vset_f32x16(&out, r);
			h->v[in->rd] = out;
			return 0;
		}
		for (i = 0; i < n; i++) {
			uint32_t x = vget(a, bits, i), y = vget(b, bits, i);
			uint32_t z = vget(c, bits, i), r;

			if (t == D1_T_FP32) {
				r = d1_f32_canon(fmaf(d1_b2f(x), d1_b2f(y),
						       d1_b2f(z)));
			} else if (d1_type_is_float(t)) {
				r = fp_round(&f, t, elem_val(&f, t, x) *
					     elem_val(&f, t, y) +
					     elem_val(&f, t, z), rng);
			} else {
				r = int_op(D1_V_ADD, bits,
					   int_op(D1_V_MUL, bits, x, y), z);
			}
			vset(&out, bits, i, r);
		}
		h->v[in->rd] = out;
		return 0;
	case D1_V3_SEL:
		for (i = 0; i < n; i++)
			vset(&out, bits, i, vget(c, bits, i) ? vget(a, bits, i) :
							      vget(b, bits, i));
		h->v[in->rd] = out;
		return 0;
	case D1_V3_MMA:
		if ((t != D1_T_BF16 && t != D1_T_CFP8E4 && t != D1_T_CFP8E5) ||
		    in->rs3 || (in->rd & 3))
			return D1_FAULT_ILLEGAL;
		vmma(node, h, in, &f);
		return 0;
	}
	return D1_FAULT_ILLEGAL;
}

static int vmem(struct d1_node *n, struct d1_hart *h,
		const struct d1_insn *in, uint64_t *addr)
{
	uint64_t a = h->x[in->rs1] + (int64_t)in->imm;
	unsigned int i;

	switch (in->f3) {
	case D1_VM_LD:
		if (!d1_sram_readable(a, 64)) {
			*addr = a;
			return D1_FAULT_LOAD;
		}
		memcpy(h->v[in->rd].b, n->sram + (a - D1_SRAM_BASE), 64);
		return 0;
	case D1_VM_LDBC32:
		if (!d1_sram_readable(a, 4)) {
			*addr = a;
			return D1_FAULT_LOAD;
		}
		for (i = 0; i < 16; i++)
			memcpy(h->v[in->rd].b + 4 * i,
			       n->sram + (a - D1_SRAM_BASE), 4);
		return 0;
	case D1_VM_ST:
		if (!d1_sram_writable(n->run->img, a, 64)) {
			*addr = a;
			return D1_FAULT_STORE;
		}
		memcpy(n->sram + (a - D1_SRAM_BASE), h->v[in->rs2].b, 64);
		d1_dirty(n->dirty, a - D1_SRAM_BASE, 64);
		return 0;
	}
	return D1_FAULT_ILLEGAL;
}

int d1_vec_exec(struct d1_node *n, struct d1_hart *h,
		const struct d1_insn *in, enum d1_vec_kind kind,
		uint64_t *addr)
{
	int r;

	if (kind == D1_VK_MEM)
		return vmem(n, h, in, addr);
	d1_fp_flush(h);		/* keep the scalar flags, drop ours */
	r = kind == D1_VK_ARITH ? varith(h, in) : v3(n, h, in);
	d1_hostfe_set_raw(0);
	return r;
}

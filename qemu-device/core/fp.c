// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Scalar FP semantics beyond the interpreter's inline round-to-nearest
 * path (see fp.h): the directed rounding modes through the host's
 * rounding control, RMM in software, FP→int conversion and min/max with
 * RISC-V's flags.
 */
#include <fenv.h>
#include <math.h>

#include "fp.h"

static const int host_rm[4] = { FE_TONEAREST, FE_TOWARDZERO, FE_DOWNWARD,
				FE_UPWARD };

void d1_fp_flush(struct d1_hart *h)
{
	uint32_t raw = d1_hostfe_raw();

	if (raw) {
		h->fflags |= d1_hostfe_to_rv(raw);
		d1_hostfe_set_raw(0);
	}
}

/* Round a nonzero magnitude m * 2^e (m < 2^64) to binary32 with RMM. */
static uint32_t rmm_pack(uint64_t m, int e, bool neg, uint32_t *flags)
{
	int top = 63, shift, ex;
	uint64_t kept, rem, half;

	while (!(m >> top))
		top--;
	ex = top + e;				/* value in [2^ex, 2^(ex+1)) */
	if (ex < -126)
		shift = top - 23 + (-126 - ex);	/* subnormal: fixed quantum */
	else
		shift = top - 23;
	if (shift <= 0) {
		kept = shift > -64 ? m << -shift : 0;
		rem = 0;
		half = 1;
	} else if (shift >= 64) {
		kept = 0;
		rem = m;
		half = 0;	/* never a tie, always below half */
	} else {
		kept = m >> shift;
		rem = m & ((1ull << shift) - 1);
		half = 1ull << (shift - 1);
	}
	if (rem)
		*flags |= RV_NX;
	if (half && rem >= half)
		kept++;
	/* kept * 2^(e + shift); renormalise */
	if (kept >> 24) {
		kept >>= 1;
		shift++;
	}
	ex = e + shift + 23;	/* exponent of bit 23 of kept */
	if (kept == 0) {
		if (rem)
			*flags |= RV_UF;
		return (uint32_t)neg << 31;
	}
	if (!(kept >> 23)) {	/* subnormal */
		if (rem)
			*flags |= RV_UF;
		return (uint32_t)neg << 31 | (uint32_t)kept;
	}
	if (ex > 127) {
		*flags |= RV_OF | RV_NX;
		return (uint32_t)neg << 31 | 0x7f800000;
	}
	return (uint32_t)neg << 31 | (uint32_t)(ex + 127) << 23 |
	       (uint32_t)(kept & 0x7fffff);
}

/* binary64 @d (exact, or correctly rounded from a result that is not a
 * binary32 tie) to binary32 with RMM. */
static uint32_t rmm_from_double(double d, uint32_t *flags)
{
	uint64_t u = d1_dbl_bits(d);
	int e;

	if (((u >> 52) & 0x7ff) == 0x7ff)	/* Inf/NaN: exact */
		return ((u & 0x000fffffffffffffull) ? D1_F32_CANON_NAN :
			((uint32_t)(u >> 63) << 31 | 0x7f800000));
	if ((u & ~(1ull << 63)) == 0)
		return (uint32_t)(u >> 63) << 31;
	e = (int)((u >> 52) & 0x7ff);
	return rmm_pack((u & 0x000fffffffffffffull) | (e ? 1ull << 52 : 0),
			(e ? e : 1) - 1075, u >> 63, flags);
}

/* An FP instruction in round-to-nearest, ties-away (RMM). */
static uint32_t fp_rmm(struct d1_hart *h, const struct d1_insn *in)
{
	volatile double a = d1_b2f(h->f[in->rs1]), b = d1_b2f(h->f[in->rs2]);
	volatile double c = d1_b2f(h->f[in->rs3]);
	uint64_t x = h->x[in->rs1];
	uint32_t flags = 0, r;
	double d = 0;
	uint32_t saved, e;

	switch (in->op) {
	case OP_FCVT_S_W:
		x = (uint64_t)(int64_t)(int32_t)x;
		/* fall through */
	case OP_FCVT_S_L:
		if (!x)
			return 0;
		r = rmm_pack((int64_t)x < 0 ? -x : x, 0, (int64_t)x < 0, &flags);
		h->fflags |= flags;
		return r;
	case OP_FCVT_S_WU:
		x = (uint32_t)x;
		/* fall through */
	case OP_FCVT_S_LU:
		if (!x)
			return 0;
		r = rmm_pack(x, 0, false, &flags);
		h->fflags |= flags;
		return r;
	default:
		break;
	}
	/* binary64 holds the exact result, or rounds a non-tie (and raises
	 * NV/DZ exactly as binary32 would) */
	saved = d1_hostfe_raw();
	d1_hostfe_set_raw(0);
	switch (in->op) {
	case OP_FMADD: d = fma(a, b, c); break;
	case OP_FMSUB: d = fma(a, b, -c); break;
	case OP_FNMSUB: d = fma(-a, b, c); break;
	case OP_FNMADD: d = fma(-a, b, -c); break;
	case OP_FADD: d = a + b; break;
	case OP_FSUB: d = a - b; break;
	case OP_FMUL: d = a * b; break;
	case OP_FDIV: d = a / b; break;
	case OP_FSQRT: d = sqrt(a); break;
	default: break;
	}
	e = d1_hostfe_to_rv(d1_hostfe_raw());
	d1_hostfe_set_raw(saved);
	flags |= e & (RV_NV | RV_DZ | RV_NX);
	r = rmm_from_double(d, &flags);
	if ((flags & RV_NX) && (r & 0x7f800000) == 0)
		flags |= RV_UF;
	h->fflags |= flags;
	return r;
}

/*
 * An FP instruction whose result depends on the rounding mode, in the
 * mode @rm (not RNE).  Operands go through volatile objects so the
 * compiler cannot move the arithmetic across fesetround().
 */
uint32_t d1_fp_rounded(struct d1_hart *h, const struct d1_insn *in, int rm)
{
	volatile float a = d1_b2f(h->f[in->rs1]), b = d1_b2f(h->f[in->rs2]);
	volatile float c = d1_b2f(h->f[in->rs3]);
	volatile int64_t xi = (int64_t)h->x[in->rs1];
	volatile float r = 0;

	if (rm == 4)
		return fp_rmm(h, in);
	fesetround(host_rm[rm]);
	switch (in->op) {
	case OP_FMADD: r = fmaf(a, b, c); break;
	case OP_FMSUB: r = fmaf(a, b, -c); break;
	case OP_FNMSUB: r = fmaf(-a, b, c); break;
	case OP_FNMADD: r = fmaf(-a, b, -c); break;
	case OP_FADD: r = a + b; break;
	case OP_FSUB: r = a - b; break;
	case OP_FMUL: r = a * b; break;
	case OP_FDIV: r = a / b; break;
	case OP_FSQRT: r = sqrtf(a); break;
	case OP_FCVT_S_W: r = (float)(int32_t)xi; break;
	case OP_FCVT_S_WU: r = (float)(uint32_t)xi; break;
	case OP_FCVT_S_L: r = (float)(int64_t)xi; break;
	case OP_FCVT_S_LU: r = (float)(uint64_t)xi; break;
	default: break;
	}
	fesetround(FE_TONEAREST);
	return d1_f32_canon(r);
}

static uint64_t fcvt_to_int_(struct d1_hart *h, uint32_t b, int rm,
			     int kind)
{
	static const double lo[4] = { -0x1p31, 0, -0x1p63, 0 };
	static const double hi[4] = { 0x1p31, 0x1p32, 0x1p63, 0x1p64 };
	static const uint64_t vmin[4] = { (uint64_t)INT32_MIN, 0,
					  (uint64_t)INT64_MIN, 0 };
	static const uint64_t vmax[4] = { INT32_MAX, UINT64_MAX, INT64_MAX,
					  UINT64_MAX };
	double d, fl, frac, r;

	if (d1_f32_isnan(b)) {
		h->fflags |= RV_NV;
		return vmax[kind];
	}
	d = (double)d1_b2f(b);
	if (fabs(d) >= 0x1p52) {	/* already an integer, or Inf */
		r = d;
	} else {
		fl = floor(d);
		frac = d - fl;	/* exact */
		switch (rm) {
		case 0:
			r = fl + (frac > 0.5 ||
				  (frac == 0.5 && fmod(fl, 2.0) != 0));
			break;
		case 1: r = d < 0 ? -floor(-d) : fl; break;
		case 2: r = fl; break;
		case 3: r = fl + (frac > 0); break;
		default: {	/* RMM: ties away from zero */
			double ad = fabs(d), afl = floor(ad);

			r = afl + (ad - afl >= 0.5);
			r = d < 0 ? -r : r;
			break;
		}
		}
	}
	if (r < lo[kind]) {
		h->fflags |= RV_NV;
		return vmin[kind];
	}
	if (r >= hi[kind]) {
		h->fflags |= RV_NV;
		return vmax[kind];
	}
	if (r != d)
		h->fflags |= RV_NX;
	switch (kind) {
	case 0: return (uint64_t)(int64_t)(int32_t)r;
	case 1: return (uint64_t)(int64_t)(int32_t)(uint32_t)r;
	case 2: return (uint64_t)(int64_t)r;
	default: return (uint64_t)r;
	}
}

/* Host flags raised by the helper arithmetic are discarded. */
uint64_t d1_fcvt_to_int(struct d1_hart *h, uint32_t b, int rm, int kind)
{
	uint32_t saved = d1_hostfe_raw();
	uint64_t r;

	r = fcvt_to_int_(h, b, rm, kind);
	d1_hostfe_set_raw(saved);
	return r;
}

uint32_t d1_fminmax(struct d1_hart *h, uint32_t a, uint32_t b, bool max)
{
	float fa, fb;

	if (d1_f32_issnan(a) || d1_f32_issnan(b))
		h->fflags |= RV_NV;
	if (d1_f32_isnan(a) && d1_f32_isnan(b))
		return D1_F32_CANON_NAN;
	if (d1_f32_isnan(a))
		return b;
	if (d1_f32_isnan(b))
		return a;
	if (((a | b) & 0x7fffffff) == 0)	/* zeros: -0 < +0 */
		return max ? (a & b) : (a | b);
	fa = d1_b2f(a);
	fb = d1_b2f(b);
	return (max ? fa > fb : fa < fb) ? a : b;
}

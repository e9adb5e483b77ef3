/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host-SIMD vector unit, one instantiation per level: vecfast.c includes
 * this file once for each, under that level's target attributes, with
 * VF(name) giving each its own names, VF_W the width in bytes of the
 * host vectors (64, or 32 for AVX2) and VF_X86 = 0, 256 or 512 saying
 * which intrinsics it may use.
 *
 * The code uses GCC/clang vector extensions of VF_W bytes; a 512-bit
 * register is 64 / VF_W of them.  The few operations vector extensions
 * lack (fused multiply-add, permutes, scaling by powers of two) use
 * intrinsics where the level has them.  Narrow FP elements (BF16, CFP16,
 * CFP8) go through binary64 lanes exactly as the reference does
 * (vecref.c): decode, compute, round with d1_fp_encode()'s integer
 * algorithm, so results and SR draws are bit-identical; FP32 and
 * integers use lanes of their own width.
 */

#define VF_L	(VF_W / 8)	/* 64-bit lanes per vector */
#define VF_P	(64 / VF_W)	/* vectors per 512-bit register */

typedef double VF(f64) __attribute__((vector_size(VF_W)));
typedef int64_t VF(i64) __attribute__((vector_size(VF_W)));
typedef uint64_t VF(u64) __attribute__((vector_size(VF_W)));
typedef float VF(f32) __attribute__((vector_size(VF_W)));
typedef int32_t VF(i32) __attribute__((vector_size(VF_W)));
typedef uint32_t VF(u32) __attribute__((vector_size(VF_W)));
typedef int16_t VF(i16) __attribute__((vector_size(VF_W)));
typedef uint16_t VF(u16) __attribute__((vector_size(VF_W)));
typedef int8_t VF(i8) __attribute__((vector_size(VF_W)));
typedef uint8_t VF(u8) __attribute__((vector_size(VF_W)));
/* VF_L elements of 8, 16 and 32 bits, and FP32 */
typedef uint8_t VF(u8l) __attribute__((vector_size(VF_L)));
typedef uint16_t VF(u16l) __attribute__((vector_size(VF_L * 2)));
typedef uint32_t VF(u32l) __attribute__((vector_size(VF_L * 4)));
typedef int32_t VF(i32l) __attribute__((vector_size(VF_L * 4)));
typedef float VF(f32l) __attribute__((vector_size(VF_L * 4)));

#define vd VF(f64)
#define vq VF(i64)
#define vuq VF(u64)

/* ------------------------------------------------------------ lanes */

VF_INLINE vuq VF(sel64)(vq m, vuq a, vuq b)
{
	return (a & (vuq)m) | (b & ~(vuq)m);
}

VF_INLINE vuq VF(splat64)(uint64_t x)
{
	return (vuq){ 0 } + x;
}

VF_INLINE vq VF(max64)(vq a, vq b)
{
	return (vq)VF(sel64)(a > b, (vuq)a, (vuq)b);
}

VF_INLINE vq VF(min64)(vq a, vq b)
{
	return (vq)VF(sel64)(a < b, (vuq)a, (vuq)b);
}

/* VF_L elements of @bits bits at @p, zero-extended to 64-bit lanes. */
VF_INLINE vuq VF(load)(const uint8_t *p, unsigned int bits)
{
	if (bits == 8) {
		VF(u8l) v;

		memcpy(&v, p, sizeof(v));
		return __builtin_convertvector(v, vuq);
	}
	if (bits == 16) {
		VF(u16l) v;

		memcpy(&v, p, sizeof(v));
		return __builtin_convertvector(v, vuq);
	}
	{
		VF(u32l) v;

		memcpy(&v, p, sizeof(v));
		return __builtin_convertvector(v, vuq);
	}
}

/* Store the low @bits of each lane as elements at @p. */
VF_INLINE void VF(store)(uint8_t *p, unsigned int bits, vuq x)
{
	if (bits == 8) {
		VF(u8l) v = __builtin_convertvector(x, VF(u8l));

		memcpy(p, &v, sizeof(v));
	} else if (bits == 16) {
		VF(u16l) v = __builtin_convertvector(x, VF(u16l));

		memcpy(p, &v, sizeof(v));
	} else {
		VF(u32l) v = __builtin_convertvector(x, VF(u32l));

		memcpy(p, &v, sizeof(v));
	}
}

/* Small non-negative integers (< 2^52) as binary64, exactly. */
VF_INLINE vd VF(u52_to_f64)(vuq x)
{
	return (vd)(x | UINT64_C(0x4330000000000000)) - 0x1p52;
}

/* 2^e for integer e in [-1022, 1023]. */
VF_INLINE vd VF(pow2)(vq e)
{
	return (vd)((vuq)(e + 1023) << 52);
}

/* ------------------------------------------------ decode and encode */

/* Raw elements of type @t as binary64 (exact). */
VF_INLINE vd VF(decode)(vuq raw, unsigned int t, const struct d1_fpfmt *f)
{
	if (t == D1_T_FP32 || t == D1_T_BF16) {
		VF(u32l) b = __builtin_convertvector(raw, VF(u32l));

		if (t == D1_T_BF16)
			b <<= 16;
		return __builtin_convertvector((VF(f32l))b, vd);
	}
	if (d1_type_is_float(t)) {
		uint64_t mmask = (UINT64_C(1) << f->mbits) - 1;
		vuq mag = raw & ((UINT64_C(1) << (f->ebits + f->mbits)) - 1);
		vq e = (vq)(mag >> f->mbits);
		vuq sig = (mag & mmask) | ((vuq)(e != 0) & (mmask + 1));
		vq ex = VF(max64)(e, (vq){ 0 } + 1) - f->bias - f->mbits;
		vd v = VF(u52_to_f64)(sig) * VF(pow2)(ex);

		return (vd)((vuq)v | ((raw >> (f->ebits + f->mbits)) << 63));
	}
	{
		unsigned int sh = 64 - d1_type_bits(t);
		vq s = (vq)(raw << sh) >> sh;

		return __builtin_convertvector(__builtin_convertvector(s, VF(i32l)),
					       vd);
	}
}

/*
 * binary64 lanes to FP format @f: d1_fp_encode() lane by lane.  @r are
 * the SR draws (NULL: round to nearest, ties to even).
 */
VF_INLINE vuq VF(encode)(const struct d1_fpfmt *f, vd x, const vuq *r)
{
	const int E = f->ebits, M = f->mbits;
	const uint64_t one = 1;
	const uint64_t efmax = (one << E) - (f->ieee ? 2 : 1);
	const uint64_t maxfin = (efmax << M) | ((one << M) - 1);
	const uint64_t inf = f->ieee ? (efmax + 1) << M : maxfin;
	const uint64_t qnan = f->ieee ? ((efmax + 1) << M) | (one << (M - 1)) : 0;
	vuq u = (vuq)x;
	vuq sign = (u >> 63) << (E + M);
	vq de = (vq)((u >> 52) & 0x7ff);
	vuq m = u & ((one << 52) - 1);
	vq normal = de != 0;
	vuq mm = m | ((vuq)normal & (one << 52));
	vq e = (vq)VF(sel64)(normal, (vuq)(de - 1023), VF(splat64)(-1022));
	vq te = VF(max64)(e, (vq){ 0 } + (1 - f->bias));
	vq shift = te - M - (e - 52);
	vq big = shift >= 64;
	vuq sh = (vuq)VF(min64)(shift, (vq){ 0 } + 63);
	vuq lowmask = (VF(splat64)(1) << sh) - 1;
	vuq kept = mm >> sh, rem = mm & lowmask, res;
	vq carry, ef, over;

	if (r) {
		/* add uniform random bits to the dropped ones; far below
		 * the smallest step, P(up) = mm / 2^shift */
		vuq sh2 = (vuq)VF(min64)(VF(max64)(shift - 64, (vq){ 0 }),
					 (vq){ 0 } + 63);

		kept += (rem + (*r & lowmask)) >> sh;
		kept = VF(sel64)(big, (vuq)-(*r < (mm >> sh2)), kept);
	} else {
		vuq half = VF(splat64)(1) << (sh - 1);
		vq up = (rem > half) | ((rem == half) & ((kept & 1) != 0));

		kept -= (vuq)up;
		kept &= ~(vuq)big;
	}
	carry = (kept >> (M + 1)) != 0;
	kept = VF(sel64)(carry, kept >> 1, kept);
	te -= carry;
	ef = (vq)VF(sel64)((kept >> M) != 0, (vuq)(te + f->bias), VF(splat64)(0));
	over = ef > (vq){ 0 } + (int64_t)efmax;
	res = sign | ((vuq)ef << M) | (kept & ((one << M) - 1));
	res = VF(sel64)(over, sign | inf, res);
	/* specials: NaN, Inf, zero */
	res = VF(sel64)((de == 0x7ff) & (m == 0), sign | inf, res);
	res = VF(sel64)((de == 0x7ff) & (m != 0), VF(splat64)(qnan), res);
	res = VF(sel64)((de == 0) & (m == 0), sign, res);
	return res;
}

/* binary64 lanes to INT@bits with saturation, NaN to 0:
 * d1_int_from_double() lane by lane. */
VF_INLINE vuq VF(encode_int)(unsigned int bits, vd x, const vuq *r)
{
	const double lo = -(double)(UINT64_C(1) << (bits - 1)), hi = -lo - 1;
	const double magic = 0x1.8p52;	/* adding it rounds to an integer */
	const vd one = (vd){ 0 } + 1.0, vlo = (vd){ 0 } + lo;
	const vd vhi = (vd){ 0 } + hi;
	/* in range only, so the rounding below cannot overflow */
	vd xc = (vd)VF(sel64)((x > lo) & (x < hi), (vuq)x, VF(splat64)(0));
	vd rn = (xc + magic) - magic;	/* RNE, |xc| < 2^31 */
	vd res = rn;

	if (r) {
		vd fl = rn - (vd)((vuq)(rn > xc) & (vuq)one);
		vd frac = xc - fl;	/* exact */
		vuq d = *r >> 11;	/* up iff d * 2^-53 < frac */
		vd u = (VF(u52_to_f64)(d >> 26) * 0x1p26 +
			VF(u52_to_f64)(d & ((UINT64_C(1) << 26) - 1))) * 0x1p-53;

		res = fl + (vd)((vuq)(u < frac) & (vuq)one);
		res = (vd)VF(sel64)(res > hi, (vuq)vhi, (vuq)res);
	}
	res = (vd)VF(sel64)(x <= lo, (vuq)vlo, (vuq)res);
	res = (vd)VF(sel64)(x >= hi, (vuq)vhi, (vuq)res);
	res = (vd)VF(sel64)(x != x, VF(splat64)(0), (vuq)res);
	/* the low bits of (res + magic) are res in two's complement */
	return (vuq)(res + magic) & (bits == 32 ? UINT64_C(0xffffffff) :
				     (UINT64_C(1) << bits) - 1);
}

/* @n SR draws in element order. */
static inline void VF(draws)(uint64_t *rng, uint64_t *r, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		r[i] = d1_sr_next(rng);
}

/* maximumNumber/minimumNumber on decoded lanes @x, @y (raw @a, @b):
 * @nan is the type's canonical NaN (CFP types have none). */
VF_INLINE vuq VF(maxmin)(vd x, vd y, vuq a, vuq b, unsigned int bits,
			 uint64_t nan, bool max)
{
	vq xn = x != x, yn = y != y;
	vuq an = (a >> (bits - 1)) & 1;
	vq zeros = (x == y) & (x == 0);
	vq pick_a = max ? x >= y : x <= y;
	vuq res;

	/* between zeros, -0 < +0 */
	pick_a = (vq)VF(sel64)(zeros, (vuq)(max ? an == 0 : an != 0),
			       (vuq)pick_a);
	res = VF(sel64)(pick_a, a, b);
	res = VF(sel64)(xn, b, res);
	res = VF(sel64)(yn, a, res);
	return VF(sel64)(xn & yn, VF(splat64)(nan), res);
}

/* Element type @t's 64-bit lanes starting at element @i of @v. */
#define VF_LANES(v, i, bits) VF(load)((v)->b + (i) * (bits) / 8, bits)

/* ---------------------------------------------------------- binary ops */

static void VF(binop_int)(unsigned int t, unsigned int op, d1_vreg *vd_,
			  const d1_vreg *a, const d1_vreg *b)
{
	uint8_t out[64];
	unsigned int h;

#define VF_INT_OPS(S, U) do {						\
		S x, y, m;						\
		U r;							\
		memcpy(&x, a->b + h, VF_W);				\
		memcpy(&y, b->b + h, VF_W);				\
		switch (op) {						\
		case D1_V_ADD: r = (U)x + (U)y; break;			\
		case D1_V_SUB: r = (U)x - (U)y; break;			\
		case D1_V_MUL: r = (U)x * (U)y; break;			\
		case D1_V_MAX:						\
			m = x >= y;					\
			r = ((U)x & (U)m) | ((U)y & ~(U)m);		\
			break;						\
		case D1_V_MIN:						\
			m = x <= y;					\
			r = ((U)x & (U)m) | ((U)y & ~(U)m);		\
			break;						\
		case D1_V_CMPEQ: r = (U)(x == y); break;		\
		case D1_V_CMPLT: r = (U)(x < y); break;			\
		default: r = (U)(x <= y); break;			\
		}							\
		memcpy(out + h, &r, VF_W);				\
	} while (0)

	for (h = 0; h < 64; h += VF_W) {
		if (t == D1_T_INT8)
			VF_INT_OPS(VF(i8), VF(u8));
		else if (t == D1_T_INT16)
			VF_INT_OPS(VF(i16), VF(u16));
		else
			VF_INT_OPS(VF(i32), VF(u32));
	}
#undef VF_INT_OPS
	memcpy(vd_->b, out, 64);
}

VF_INLINE VF(u32) VF(canon32)(VF(f32) r)
{
	VF(i32) nan = r != r;

	return ((VF(u32))r & ~(VF(u32))nan) | (D1_F32_CANON_NAN & (VF(u32))nan);
}

static void VF(binop_fp32)(unsigned int op, d1_vreg *vd_, const d1_vreg *a,
			   const d1_vreg *b)
{
	bool max = op == D1_V_MAX;
	uint8_t out[64];
	unsigned int h;

	for (h = 0; h < 64; h += VF_W) {
		VF(f32) x, y;
		VF(u32) r, ua, ub;
		VF(i32) xn, yn, zeros, an, pick;

		memcpy(&x, a->b + h, VF_W);
		memcpy(&y, b->b + h, VF_W);
		switch (op) {
		case D1_V_ADD: r = VF(canon32)(x + y); break;
		case D1_V_SUB: r = VF(canon32)(x - y); break;
		case D1_V_MUL: r = VF(canon32)(x * y); break;
		case D1_V_CMPEQ: r = (VF(u32))(x == y); break;
		case D1_V_CMPLT: r = (VF(u32))(x < y); break;
		case D1_V_CMPLE: r = (VF(u32))(x <= y); break;
		default:	/* max, min: see VF(maxmin) */
			ua = (VF(u32))x;
			ub = (VF(u32))y;
			xn = x != x;
			yn = y != y;
			zeros = (x == y) & (x == 0);
			an = (VF(i32))(ua >> 31) != 0;
			pick = max ? x >= y : x <= y;
			pick = (zeros & (max ? ~an : an)) | (~zeros & pick);
			r = (ua & (VF(u32))pick) | (ub & ~(VF(u32))pick);
			r = (ub & (VF(u32))xn) | (r & ~(VF(u32))xn);
			r = (ua & (VF(u32))yn) | (r & ~(VF(u32))yn);
			r = (D1_F32_CANON_NAN & (VF(u32))(xn & yn)) |
			    (r & ~(VF(u32))(xn & yn));
			break;
		}
		memcpy(out + h, &r, VF_W);
	}
	memcpy(vd_->b, out, 64);
}

static void VF(binop)(unsigned int t, unsigned int op, d1_vreg *vd_,
		      const d1_vreg *a, const d1_vreg *b,
		      const struct d1_vctx *c)
{
	unsigned int bits = d1_type_bits(t), n = 512 / bits, i;
	struct d1_fpfmt f;
	uint64_t r[64];
	uint8_t out[64];
	uint64_t nan = t == D1_T_BF16 ? D1_BF16_CANON_NAN : 0;
	bool sr = c->rng && op <= D1_V_MUL;

	if (!d1_type_is_float(t)) {
		VF(binop_int)(t, op, vd_, a, b);
		return;
	}
	if (t == D1_T_FP32) {
		VF(binop_fp32)(op, vd_, a, b);
		return;
	}
	f = d1_type_fmt(t, c->fpcfg);
	if (sr)
		VF(draws)(c->rng, r, n);
	for (i = 0; i < n; i += VF_L) {
		vuq ra = VF_LANES(a, i, bits), rb = VF_LANES(b, i, bits);
		vd x = VF(decode)(ra, t, &f), y = VF(decode)(rb, t, &f);
		vuq ri = { 0 }, res;

		if (sr)
			memcpy(&ri, r + i, sizeof(ri));
		switch (op) {
		case D1_V_ADD: res = VF(encode)(&f, x + y, sr ? &ri : NULL); break;
		case D1_V_SUB: res = VF(encode)(&f, x - y, sr ? &ri : NULL); break;
		case D1_V_MUL: res = VF(encode)(&f, x * y, sr ? &ri : NULL); break;
		case D1_V_MAX: res = VF(maxmin)(x, y, ra, rb, bits, nan, true); break;
		case D1_V_MIN: res = VF(maxmin)(x, y, ra, rb, bits, nan, false); break;
		case D1_V_CMPEQ: res = (vuq)(x == y); break;
		case D1_V_CMPLT: res = (vuq)(x < y); break;
		default: res = (vuq)(x <= y); break;
		}
		VF(store)(out + i * bits / 8, bits, res);
	}
	memcpy(vd_->b, out, 64);
}

/* ------------------------------------------------------------- fma, sel */

VF_INLINE VF(f32) VF(fma32)(VF(f32) x, VF(f32) y, VF(f32) z)
{
#if VF_X86 >= 512
	return (VF(f32))_mm512_fmadd_round_ps((__m512)x, (__m512)y, (__m512)z,
					      _MM_FROUND_TO_NEAREST_INT |
					      _MM_FROUND_NO_EXC);
#elif VF_X86 >= 256
	return (VF(f32))_mm256_fmadd_ps((__m256)x, (__m256)y, (__m256)z);
#else
	VF(f32) r;
	unsigned int i;

	for (i = 0; i < VF_W / 4; i++)
		r[i] = fmaf(x[i], y[i], z[i]);
	return r;
#endif
}

static void VF(fma)(unsigned int t, d1_vreg *vd_, const d1_vreg *a,
		    const d1_vreg *b, const d1_vreg *c,
		    const struct d1_vctx *ctx)
{
	unsigned int bits = d1_type_bits(t), n = 512 / bits, i, h;
	struct d1_fpfmt f;
	uint64_t r[64];
	uint8_t out[64];

	if (t == D1_T_FP32 || !d1_type_is_float(t)) {
		for (h = 0; h < 64; h += VF_W) {
#define VF_INT_FMA(U) do {						\
			U x, y, z;					\
			memcpy(&x, a->b + h, VF_W);			\
			memcpy(&y, b->b + h, VF_W);			\
			memcpy(&z, c->b + h, VF_W);			\
			x = x * y + z;					\
			memcpy(out + h, &x, VF_W);			\
		} while (0)
			if (t == D1_T_FP32) {
				VF(f32) x, y, z;
				VF(u32) res;

				memcpy(&x, a->b + h, VF_W);
				memcpy(&y, b->b + h, VF_W);
				memcpy(&z, c->b + h, VF_W);
				res = VF(canon32)(VF(fma32)(x, y, z));
				memcpy(out + h, &res, VF_W);
			} else if (t == D1_T_INT8) {
				VF_INT_FMA(VF(u8));
			} else if (t == D1_T_INT16) {
				VF_INT_FMA(VF(u16));
			} else {
				VF_INT_FMA(VF(u32));
			}
#undef VF_INT_FMA
		}
		memcpy(vd_->b, out, 64);
		return;
	}
	f = d1_type_fmt(t, ctx->fpcfg);
	if (ctx->rng)
		VF(draws)(ctx->rng, r, n);
	for (i = 0; i < n; i += VF_L) {
		vd x = VF(decode)(VF_LANES(a, i, bits), t, &f);
		vd y = VF(decode)(VF_LANES(b, i, bits), t, &f);
		vd z = VF(decode)(VF_LANES(c, i, bits), t, &f);
		vd p = x * y;	/* exact */
		vuq ri = { 0 };

		if (ctx->rng)
			memcpy(&ri, r + i, sizeof(ri));
		VF(store)(out + i * bits / 8, bits,
			  VF(encode)(&f, p + z, ctx->rng ? &ri : NULL));
	}
	memcpy(vd_->b, out, 64);
}

static void VF(sel)(unsigned int t, d1_vreg *vd_, const d1_vreg *a,
		    const d1_vreg *b, const d1_vreg *m)
{
	unsigned int bits = d1_type_bits(t), h;
	uint8_t out[64];

#define VF_SEL(U) do {							\
		U x, y, s;						\
		memcpy(&x, a->b + h, VF_W);				\
		memcpy(&y, b->b + h, VF_W);				\
		memcpy(&s, m->b + h, VF_W);				\
		s = (U)(s != 0);					\
		x = (x & s) | (y & ~s);					\
		memcpy(out + h, &x, VF_W);				\
	} while (0)
	for (h = 0; h < 64; h += VF_W) {
		if (bits == 8)
			VF_SEL(VF(u8));
		else if (bits == 16)
			VF_SEL(VF(u16));
		else
			VF_SEL(VF(u32));
	}
#undef VF_SEL
	memcpy(vd_->b, out, 64);
}

/* ---------------------------------------------------------- reductions */

static void VF(reduce)(unsigned int t, unsigned int op, d1_vreg *vd_,
		       const d1_vreg *a, const struct d1_vctx *c)
{
	unsigned int bits = d1_type_bits(t), n = 512 / bits, i, h;
	uint8_t out[64] = { 0 };

	if (!d1_type_is_float(t)) {
		/* wrapping sums, max and min are order-free: combine the
		 * register's vectors lane-wise, then the lanes */
#define VF_INT_RED(S, U) do {						\
		S x, y, m;						\
		int64_t acc;						\
		memcpy(&x, a->b, VF_W);					\
		for (h = VF_W; h < 64; h += VF_W) {			\
			memcpy(&y, a->b + h, VF_W);			\
			m = op == D1_V_REDMAX ? x >= y : x <= y;	\
			x = op == D1_V_REDSUM ? (S)((U)x + (U)y) :	\
			    (S)(((U)x & (U)m) | ((U)y & ~(U)m));	\
		}							\
		acc = x[0];						\
		for (i = 1; i < VF_W * 8 / bits; i++) {			\
			if (op == D1_V_REDSUM)				\
				acc += x[i];				\
			else if (op == D1_V_REDMAX)			\
				acc = x[i] > acc ? x[i] : acc;		\
			else						\
				acc = x[i] < acc ? x[i] : acc;		\
		}							\
		d1_st_le(out, (uint64_t)acc, (int)bits / 8);		\
	} while (0)
		if (t == D1_T_INT8)
			VF_INT_RED(VF(i8), VF(u8));
		else if (t == D1_T_INT16)
			VF_INT_RED(VF(i16), VF(u16));
		else
			VF_INT_RED(VF(i32), VF(u32));
#undef VF_INT_RED
		memcpy(vd_->b, out, 64);
		return;
	}
	if (t == D1_T_FP32 && op == D1_V_REDSUM) {
		/* in element order, rounded at each step */
		float x[16], acc;

		memcpy(x, a->b, 64);
		acc = x[0];
		for (i = 1; i < 16; i++)
			acc += x[i];
		d1_st_le(out, d1_f32_canon(acc), 4);
		memcpy(vd_->b, out, 64);
		return;
	}
	{
		struct d1_fpfmt f = d1_type_fmt(t, c->fpcfg);
		uint64_t raw[64], acc;
		uint64_t nan = t == D1_T_FP32 ? D1_F32_CANON_NAN :
			       t == D1_T_BF16 ? D1_BF16_CANON_NAN : 0;
		double v[64], s;

		for (i = 0; i < n; i += VF_L) {
			vuq rr = VF_LANES(a, i, bits);
			vd x = VF(decode)(rr, t, &f);

			memcpy(raw + i, &rr, sizeof(rr));
			memcpy(v + i, &x, sizeof(x));
		}
		acc = raw[0];
		s = v[0];
		if (op == D1_V_REDSUM) {
			/* in element order, rounded at each step */
			uint64_t r[64];

			if (c->rng)
				VF(draws)(c->rng, r, n - 1);
			for (i = 1; i < n; i++) {
				vuq ri = VF(splat64)(c->rng ? r[i - 1] : 0);

				acc = VF(encode)(&f, (vd){ 0 } + (s + v[i]),
						 c->rng ? &ri : NULL)[0];
				s = VF(decode)(VF(splat64)(acc), t, &f)[0];
			}
		} else {
			/* maximumNumber/minimumNumber are order-free */
			for (i = 1; i < n; i++) {
				acc = VF(maxmin)((vd){ 0 } + s, (vd){ 0 } + v[i],
						 VF(splat64)(acc),
						 VF(splat64)(raw[i]), bits, nan,
						 op == D1_V_REDMAX)[0];
				if (acc == raw[i])
					s = v[i];
			}
		}
		d1_st_le(out, acc, (int)bits / 8);
		memcpy(vd_->b, out, 64);
	}
}

/* ---------------------------------------------------------- conversion */

static void VF(cvt)(unsigned int t, unsigned int u, unsigned int p,
		    d1_vreg *vd_, const d1_vreg *a, const struct d1_vctx *c)
{
	unsigned int bt = d1_type_bits(t), bu = d1_type_bits(u);
	unsigned int n = 512 / (bt > bu ? bt : bu), i;
	unsigned int s0 = bu > bt ? p * n : 0, d0 = bu < bt ? p * n : 0;
	struct d1_fpfmt ft = d1_type_fmt(t, c->fpcfg);
	struct d1_fpfmt fu = d1_type_fmt(u, c->fpcfg);
	uint64_t nan = t == D1_T_FP32 ? D1_F32_CANON_NAN : D1_BF16_CANON_NAN;
	uint64_t r[64];
	uint8_t out[64];
	d1_vreg src = *a;

	if (bu > bt)
		memset(out, 0, 64);	/* widening: vd fully written */
	else
		memcpy(out, vd_->b, 64);	/* narrowing: the rest is kept */
	if (c->rng)
		VF(draws)(c->rng, r, n);
	for (i = 0; i < n; i += VF_L) {
		vuq raw = VF_LANES(&src, s0 + i, bt), res;
		vd x = VF(decode)(raw, t, &ft);
		vuq ri = { 0 };

		if (c->rng)
			memcpy(&ri, r + i, sizeof(ri));
		if (!d1_type_is_float(u))
			res = VF(encode_int)(bu, x, c->rng ? &ri : NULL);
		else if (t == u && !c->rng)	/* NaNs canonical */
			res = VF(sel64)(x != x, VF(splat64)(nan), raw);
		else
			res = VF(encode)(&fu, x, c->rng ? &ri : NULL);
		VF(store)(out + (d0 + i) * bu / 8, bu, res);
	}
	memcpy(vd_->b, out, 64);
}

/* ------------------------------------------------------------- matmul */

/*
 * The binary64 form (any bias): C = RNE_fp32(C + a * b) per k, the sum
 * rounded to binary64 first, which equals rounding the exact sum (see
 * vecref.c).
 */
static void VF(mma_f64)(unsigned int t, d1_vreg *acc, const d1_vreg *a,
			const d1_vreg *b, uint32_t fpcfg)
{
	struct d1_fpfmt f = d1_type_fmt(t, fpcfg);
	unsigned int bits = d1_type_bits(t), e, k;
	double A[32], B[32];
	float C[64];

	for (e = 0; e < 32; e += VF_L) {
		vd x = VF(decode)(VF_LANES(a, e, bits), t, &f);
		vd y = VF(decode)(VF_LANES(b, e, bits), t, &f);

		memcpy(A + e, &x, sizeof(x));
		memcpy(B + e, &y, sizeof(y));
	}
	memcpy(C, acc, sizeof(C));
	for (e = 0; e < 64; e += VF_L) {	/* VF_L columns of row e / 8 */
		unsigned int row = e / 8, col = e % 8;
		VF(f32l) cr;
		VF(i32l) nan;
		vd cd;

		memcpy(&cr, C + e, sizeof(cr));
		for (k = 0; k < 4; k++) {
			vd bk;

			memcpy(&bk, B + k * 8 + col, sizeof(bk));
			cd = __builtin_convertvector(cr, vd);
			cr = __builtin_convertvector(cd + A[row * 4 + k] * bk,
						     VF(f32l));
		}
		nan = cr != cr;
		cr = (VF(f32l))(((VF(u32l))cr & ~(VF(u32l))nan) |
				(D1_F32_CANON_NAN & (VF(u32l))nan));
		memcpy(C + e, &cr, sizeof(cr));
	}
	memcpy(acc, C, sizeof(C));
}

/* CFP8 values are FP32 values (normal or subnormal) for these biases. */
static inline bool VF(cfp8_in_fp32)(unsigned int t, uint32_t fpcfg)
{
	if (t == D1_T_CFP8E4)
		return (fpcfg & 0xff) <= 147;
	if (t == D1_T_CFP8E5)
		return ((fpcfg >> 8) & 0xff) <= 148;
	return true;
}

#if VF_X86 >= 512
/* 16 CFP8 codes (zero-extended) to FP32 lanes, exactly. */
VF_INLINE __m512 VF(cfp8_ps)(__m512i v, const struct d1_fpfmt *f)
{
	__m512i mag = _mm512_and_si512(v, _mm512_set1_epi32(0x7f));
	__m512i e = _mm512_srli_epi32(mag, f->mbits);
	__m512i m = _mm512_and_si512(mag, _mm512_set1_epi32((1 << f->mbits) - 1));
	__m512i e1 = _mm512_max_epi32(e, _mm512_set1_epi32(1));
	/* significand: m, with the implicit bit where e != 0 */
	__m512i sig = _mm512_mask_or_epi32(m, _mm512_test_epi32_mask(e, e), m,
					   _mm512_set1_epi32(1 << f->mbits));
	__m512 val = _mm512_scalef_round_ps(_mm512_cvtepi32_ps(sig),
			_mm512_cvtepi32_ps(_mm512_sub_epi32(e1,
				_mm512_set1_epi32(f->bias + f->mbits))),
			_MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);

	return _mm512_castsi512_ps(_mm512_or_si512(_mm512_castps_si512(val),
			_mm512_slli_epi32(_mm512_and_si512(v, _mm512_set1_epi32(0x80)), 24)));
}

/* 32 elements (one register) as two registers of 16 FP32 lanes. */
VF_INLINE void VF(mma_in)(unsigned int t, const struct d1_fpfmt *f,
			  const d1_vreg *v, __m512 out[2])
{
	unsigned int h;

	for (h = 0; h < 2; h++) {
		if (t == D1_T_BF16) {
			__m256i x = _mm256_loadu_si256((const __m256i *)(v->b + 32 * h));

			out[h] = _mm512_castsi512_ps(_mm512_slli_epi32(
					_mm512_cvtepu16_epi32(x), 16));
		} else {
			__m128i x = _mm_loadu_si128((const __m128i *)(v->b + 16 * h));

			out[h] = VF(cfp8_ps)(_mm512_cvtepu8_epi32(x), f);
		}
	}
}

/* One FP32 register of C holds rows 2j and 2j + 1: per k, A[2j][k] in
 * the low eight lanes and A[2j+1][k] in the high ones, times B's row k
 * in both halves. */
static void VF(mma)(unsigned int t, d1_vreg *acc, const d1_vreg *a,
		    const d1_vreg *b, uint32_t fpcfg)
{
	struct d1_fpfmt f = d1_type_fmt(t, fpcfg);
	__m512 A[2], B[2], Bk[4];
	unsigned int j, k;

	if (!VF(cfp8_in_fp32)(t, fpcfg)) {
		VF(mma_f64)(t, acc, a, b, fpcfg);
		return;
	}
	VF(mma_in)(t, &f, a, A);
	VF(mma_in)(t, &f, b, B);
	Bk[0] = _mm512_shuffle_f32x4(B[0], B[0], 0x44);
	Bk[1] = _mm512_shuffle_f32x4(B[0], B[0], 0xee);
	Bk[2] = _mm512_shuffle_f32x4(B[1], B[1], 0x44);
	Bk[3] = _mm512_shuffle_f32x4(B[1], B[1], 0xee);
	for (j = 0; j < 4; j++) {
		__m512 c = _mm512_loadu_ps(acc[j].b);

		for (k = 0; k < 4; k++) {
			int lo = 8 * (int)(j & 1) + (int)k, hi = lo + 4;
			__m512i idx = _mm512_set_epi32(hi, hi, hi, hi, hi, hi, hi, hi,
						       lo, lo, lo, lo, lo, lo, lo, lo);
			__m512 ak = _mm512_permutexvar_ps(idx, A[j >> 1]);

			c = _mm512_fmadd_round_ps(ak, Bk[k], c,
						  _MM_FROUND_TO_NEAREST_INT |
						  _MM_FROUND_NO_EXC);
		}
		c = _mm512_mask_mov_ps(c, _mm512_cmp_ps_mask(c, c, _CMP_UNORD_Q),
				       _mm512_castsi512_ps(_mm512_set1_epi32(
					       (int)D1_F32_CANON_NAN)));
		_mm512_storeu_ps(acc[j].b, c);
	}
}
#elif VF_X86 >= 256
/* Eight elements from element @i of @v as FP32 lanes, exactly. */
VF_INLINE __m256 VF(mma_in8)(unsigned int t, const struct d1_fpfmt *f,
			     const d1_vreg *v, unsigned int i)
{
	__m256i x, mag, e, e1, m, sig;
	__m256 val;

	if (t == D1_T_BF16)
		return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(
				_mm_loadu_si128((const __m128i *)(v->b + 2 * i))), 16));
	x = _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)(v->b + i)));
	mag = _mm256_and_si256(x, _mm256_set1_epi32(0x7f));
	e = _mm256_srli_epi32(mag, f->mbits);
	m = _mm256_and_si256(mag, _mm256_set1_epi32((1 << f->mbits) - 1));
	e1 = _mm256_max_epi32(e, _mm256_set1_epi32(1));
	sig = _mm256_or_si256(m, _mm256_andnot_si256(
			_mm256_cmpeq_epi32(e, _mm256_setzero_si256()),
			_mm256_set1_epi32(1 << f->mbits)));
	/* sig * 2^(e1 - bias - M), as two exact power-of-two scalings */
	val = _mm256_mul_ps(_mm256_cvtepi32_ps(sig), _mm256_castsi256_ps(
			_mm256_slli_epi32(_mm256_add_epi32(e1, _mm256_set1_epi32(
				127 + 64 - f->bias - f->mbits)), 23)));
	val = _mm256_mul_ps(val, _mm256_set1_ps(0x1p-64f));
	return _mm256_castsi256_ps(_mm256_or_si256(_mm256_castps_si256(val),
			_mm256_slli_epi32(_mm256_and_si256(x, _mm256_set1_epi32(0x80)), 24)));
}

/* One row of C (eight FP32 lanes) at a time, A[r][k] broadcast. */
static void VF(mma)(unsigned int t, d1_vreg *acc, const d1_vreg *a,
		    const d1_vreg *b, uint32_t fpcfg)
{
	struct d1_fpfmt f = d1_type_fmt(t, fpcfg);
	float A[32];
	__m256 B[4];
	uint8_t *C = acc->b;
	unsigned int r, k;

	if (!VF(cfp8_in_fp32)(t, fpcfg)) {
		VF(mma_f64)(t, acc, a, b, fpcfg);
		return;
	}
	for (k = 0; k < 4; k++) {
		_mm256_storeu_ps(A + 8 * k, VF(mma_in8)(t, &f, a, 8 * k));
		B[k] = VF(mma_in8)(t, &f, b, 8 * k);
	}
	for (r = 0; r < 8; r++) {
		__m256 c = _mm256_loadu_ps((const float *)(void *)(C + 32 * r));

		for (k = 0; k < 4; k++)
			c = _mm256_fmadd_ps(_mm256_broadcast_ss(A + 4 * r + k), B[k], c);
		c = _mm256_blendv_ps(c, _mm256_castsi256_ps(_mm256_set1_epi32(
					(int)D1_F32_CANON_NAN)),
				     _mm256_cmp_ps(c, c, _CMP_UNORD_Q));
		_mm256_storeu_ps((float *)(void *)(C + 32 * r), c);
	}
}
#else
static void VF(mma)(unsigned int t, d1_vreg *acc, const d1_vreg *a,
		    const d1_vreg *b, uint32_t fpcfg)
{
	VF(mma_f64)(t, acc, a, b, fpcfg);
}
#endif

static const struct d1_vops VF(ops) = {
	.name = VF_NAME,
	.binop = VF(binop),
	.fma = VF(fma),
	.sel = VF(sel),
	.reduce = VF(reduce),
	.cvt = VF(cvt),
	.mma = VF(mma),
};

#undef vd
#undef vq
#undef vuq
#undef VF_L
#undef VF_P
#undef VF_LANES

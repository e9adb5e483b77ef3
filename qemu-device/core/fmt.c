// SPDX-License-Identifier: GPL-2.0-or-later
/* D1 element formats: see fmt.h and Documentation/accel/d1/isa.rst. */
#include <math.h>
#include <string.h>

#include "bits.h"
#include "d1_isa.h"
#include "fmt.h"

unsigned int d1_type_bits(unsigned int t)
{
	static const unsigned char bits[8] = { 32, 16, 16, 8, 8, 8, 16, 32 };

	return bits[t & 7];
}

bool d1_type_is_float(unsigned int t)
{
	return t <= D1_T_CFP8E5;
}

struct d1_fpfmt d1_type_fmt(unsigned int t, uint32_t fpcfg)
{
	struct d1_fpfmt f = { 8, 23, 127, true };

	switch (t) {
	case D1_T_BF16:
		f.mbits = 7;
		break;
	case D1_T_CFP16:
		f = (struct d1_fpfmt){ 6, 9, (int)((fpcfg >> 16) & 0xff), false };
		break;
	case D1_T_CFP8E4:
		f = (struct d1_fpfmt){ 4, 3, (int)(fpcfg & 0xff), false };
		break;
	case D1_T_CFP8E5:
		f = (struct d1_fpfmt){ 5, 2, (int)((fpcfg >> 8) & 0xff), false };
		break;
	default:
		break;
	}
	return f;
}

uint64_t d1_splitmix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

double d1_fp_decode(const struct d1_fpfmt *f, uint32_t bits)
{
	uint32_t emax = (1u << f->ebits) - 1;
	uint32_t mant = bits & ((1u << f->mbits) - 1);
	uint32_t e = (bits >> f->mbits) & emax;
	bool neg = (bits >> (f->ebits + f->mbits)) & 1;
	double v;

	if (f->ieee && e == emax)
		v = mant ? NAN : INFINITY;
	else if (e == 0)
		v = ldexp((double)mant, 1 - f->bias - f->mbits);
	else
		v = ldexp((double)(mant | (1u << f->mbits)),
			  (int)e - f->bias - f->mbits);
	return neg ? -v : v;
}

uint32_t d1_fp_encode(const struct d1_fpfmt *f, double x, uint64_t *rng)
{
	uint64_t u = d1_dbl_bits(x);
	uint32_t sign = (uint32_t)(u >> 63) << (f->ebits + f->mbits);
	uint32_t efmax = (1u << f->ebits) - (f->ieee ? 2 : 1);
	uint32_t maxfin = (efmax << f->mbits) | ((1u << f->mbits) - 1);
	int de = (int)((u >> 52) & 0x7ff);
	uint64_t m = u & ((1ull << 52) - 1);
	int emin = 1 - f->bias;
	int e, te, shift;
	uint64_t kept, rem;
	uint64_t r = rng ? d1_sr_next(rng) : 0;	/* one draw, always */
	uint32_t ef;

	if (de == 0x7ff) {
		if (m) /* NaN */
			return f->ieee ? ((efmax + 1) << f->mbits) |
					 (1u << (f->mbits - 1)) : 0;
		return sign | (f->ieee ? (efmax + 1) << f->mbits : maxfin);
	}
	if (de == 0 && m == 0)
		return sign;
	if (de == 0) {		/* binary64 subnormal */
		e = -1022;
		while (!(m & (1ull << 52))) {
			m <<= 1;
			e--;
		}
	} else {
		m |= 1ull << 52;
		e = de - 1023;
	}
	/* |x| = m * 2^(e - 52); keep multiples of 2^(te - mbits). */
	te = e > emin ? e : emin;
	shift = te - f->mbits - (e - 52);
	if (shift >= 64) {
		kept = 0;
		if (rng)	/* P(up) = m / 2^shift */
			kept = shift - 64 < 53 && r < (m >> (shift - 64));
	} else {
		kept = m >> shift;
		rem = m & ((1ull << shift) - 1);
		if (rng) {
			kept += (rem + (r & ((1ull << shift) - 1))) >> shift;
		} else {
			uint64_t half = 1ull << (shift - 1);

			if (rem > half || (rem == half && (kept & 1)))
				kept++;
		}
	}
	if (kept >> (f->mbits + 1)) {	/* rounded up to next binade */
		kept >>= 1;
		te++;
	}
	if (kept >> f->mbits)
		ef = (uint32_t)(te + f->bias);
	else
		ef = 0;		/* subnormal (te == emin) */
	if (ef > efmax)
		return sign | (f->ieee ? (efmax + 1) << f->mbits : maxfin);
	return sign | (ef << f->mbits) |
	       (uint32_t)(kept & ((1ull << f->mbits) - 1));
}

int64_t d1_int_from_double(double x, unsigned int bits, uint64_t *rng)
{
	double lo = -ldexp(1.0, (int)bits - 1), hi = -lo - 1;
	double fl, frac;
	uint64_t r = rng ? d1_sr_next(rng) : 0;	/* one draw, always */

	if (x != x)
		return 0;
	if (x <= lo)
		return (int64_t)lo;
	if (x >= hi)
		return (int64_t)hi;
	fl = floor(x);
	frac = x - fl;		/* exact: |x| < 2^32 */
	if (rng) {
		/* 53-bit uniform in [0, 1): round up iff u < frac. */
		double u = (double)(r >> 11) * 0x1p-53;

		if (u < frac)
			fl += 1;
	} else if (frac > 0.5 || (frac == 0.5 && fmod(fl, 2.0) != 0)) {
		fl += 1;
	}
	if (fl > hi)
		fl = hi;
	return (int64_t)fl;
}

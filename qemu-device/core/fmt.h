/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * D1 element formats (FP32, BF16, CFP16, CFP8 1-4-3/1-5-2, INT8/16/32):
 * decode to binary64, encode from binary64 with round-to-nearest-even or
 * stochastic rounding.  No host floating-point environment is touched.
 */
#ifndef D1_FMT_H
#define D1_FMT_H

#include <stdbool.h>
#include <stdint.h>

struct d1_fpfmt {
	int ebits;
	int mbits;
	int bias;
	bool ieee;	/* has Inf/NaN (FP32, BF16) */
};

/* Element width in bits of type @t (D1_T_*). */
unsigned int d1_type_bits(unsigned int t);
bool d1_type_is_float(unsigned int t);
/* Format of FP type @t with the biases in d1.fpcfg value @fpcfg. */
struct d1_fpfmt d1_type_fmt(unsigned int t, uint32_t fpcfg);

/* xorshift64* step; state must be nonzero. */
static inline uint64_t d1_sr_next(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545f4914f6cdd1dull;
}

uint64_t d1_splitmix64(uint64_t x);

double d1_fp_decode(const struct d1_fpfmt *f, uint32_t bits);
/* @rng NULL: RNE; else stochastic rounding drawing once from *rng. */
uint32_t d1_fp_encode(const struct d1_fpfmt *f, double x, uint64_t *rng);

/* Float to INTn (n = 8/16/32) with saturation, NaN → 0; RNE or SR. */
int64_t d1_int_from_double(double x, unsigned int bits, uint64_t *rng);

#endif /* D1_FMT_H */

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Scalar FP (the F extension) for the interpreter.
 *
 * FP exceptions: host arithmetic on binary32 gives the IEEE results and
 * raises the same five exceptions as RISC-V; they accumulate in the host
 * FP environment while a hart runs and are folded into fflags when the
 * hart stops or reads fflags/fcsr (d1_fp_flush).  Operations whose RISC-V
 * flag rules differ from the host's (FP→int conversion, min/max,
 * compares) compute their flags explicitly and touch no host FP state.
 *
 * Round-to-nearest-even arithmetic is done inline by the interpreter with
 * the helpers below; fp.c holds the other rounding modes, FP→int
 * conversion and min/max.
 */
#ifndef D1_FP_H
#define D1_FP_H

#include <stdbool.h>
#include <stdint.h>

#include "bits.h"
#include "decode.h"
#include "hostfp.h"
#include "sim.h"

/* Effective rounding mode, or -1 if illegal. */
static inline int d1_fp_rm(const struct d1_hart *h,
			   const struct d1_insn *in)
{
	unsigned int rm = in->f3 == 7 ? h->frm : in->f3;

	return rm <= 4 ? (int)rm : -1;
}

/* RISC-V raises NV for FMA of inf x 0 even when the addend is a quiet NaN. */
static inline bool d1_fma_invalid(uint32_t a, uint32_t b)
{
	bool ai = (a & 0x7fffffff) == 0x7f800000;
	bool bi = (b & 0x7fffffff) == 0x7f800000;
	bool az = (a & 0x7fffffff) == 0, bz = (b & 0x7fffffff) == 0;

	return (ai && bz) || (az && bi);
}

/* FEQ/FLT/FLE (@op) with RISC-V's NaN and flag rules. */
static inline uint64_t d1_fcmp(struct d1_hart *h, uint32_t a, uint32_t b,
			       int op)
{
	if (d1_f32_isnan(a) || d1_f32_isnan(b)) {
		if (op != OP_FEQ || d1_f32_issnan(a) || d1_f32_issnan(b))
			h->fflags |= RV_NV;
		return 0;
	}
	if (op == OP_FEQ)
		return d1_b2f(a) == d1_b2f(b);
	if (op == OP_FLT)
		return d1_b2f(a) < d1_b2f(b);
	return d1_b2f(a) <= d1_b2f(b);
}

static inline uint64_t d1_fclass(uint32_t b)
{
	bool neg = b >> 31;
	uint32_t m = b & 0x7fffff, e = (b >> 23) & 0xff;

	if (e == 0xff) {
		if (!m)
			return neg ? 1u << 0 : 1u << 7;
		return (m & 0x400000) ? 1u << 9 : 1u << 8;
	}
	if (e == 0)
		return m ? (neg ? 1u << 2 : 1u << 5) : (neg ? 1u << 3 : 1u << 4);
	return neg ? 1u << 1 : 1u << 6;
}

/* The result of FP instruction @in in rounding mode @rm (1-4: not RNE). */
uint32_t d1_fp_rounded(struct d1_hart *h, const struct d1_insn *in, int rm);
/* FCVT.{W,WU,L,LU}.S (@kind 0-3): RISC-V saturation and flags. */
uint64_t d1_fcvt_to_int(struct d1_hart *h, uint32_t b, int rm, int kind);
/* FMIN/FMAX: minimumNumber/maximumNumber, -0 < +0, NV on sNaN. */
uint32_t d1_fminmax(struct d1_hart *h, uint32_t a, uint32_t b, bool max);

#endif /* D1_FP_H */

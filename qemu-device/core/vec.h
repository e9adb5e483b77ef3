/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The D1 vector and matrix unit's arithmetic, behind one table of
 * operations per implementation:
 *
 * - the reference (vecref.c): element by element through binary64, the
 *   definition every other implementation is tested against;
 * - host-SIMD implementations (vecfast.c) for the portable C level
 *   (GCC/clang vector extensions on the baseline ISA), AVX2 and
 *   AVX-512, picked at run time from the host CPU.
 *
 * Every implementation gives bit-identical results, including the
 * stochastic-rounding draws (one per element, in element order, where
 * the reference draws one).  vec.c decodes instructions, checks their
 * operands and calls the active table; the operations below get valid
 * operands only.  Output registers may alias inputs.
 */
#ifndef D1_VEC_H
#define D1_VEC_H

#include <stdint.h>

#include "sim.h"

/* What an operation needs from the hart besides its registers. */
struct d1_vctx {
	uint32_t fpcfg;		/* d1.fpcfg: the exponent biases */
	uint64_t *rng;		/* SR generator state; NULL: round to nearest */
};

struct d1_vops {
	const char *name;
	/* vd = a op b, op D1_V_ADD .. D1_V_CMPLE */
	void (*binop)(unsigned int t, unsigned int op, d1_vreg *vd,
		      const d1_vreg *a, const d1_vreg *b,
		      const struct d1_vctx *c);
	/* vd = a * b + c */
	void (*fma)(unsigned int t, d1_vreg *vd, const d1_vreg *a,
		    const d1_vreg *b, const d1_vreg *c,
		    const struct d1_vctx *x);
	/* vd = m != 0 ? a : b, per element */
	void (*sel)(unsigned int t, d1_vreg *vd, const d1_vreg *a,
		    const d1_vreg *b, const d1_vreg *m);
	/* op D1_V_REDSUM .. D1_V_REDMIN */
	void (*reduce)(unsigned int t, unsigned int op, d1_vreg *vd,
		       const d1_vreg *a, const struct d1_vctx *c);
	/* vcvt type t -> u, part p; narrowing keeps vd's other elements */
	void (*cvt)(unsigned int t, unsigned int u, unsigned int p,
		    d1_vreg *vd, const d1_vreg *a, const struct d1_vctx *c);
	/* acc[0..3] (8x8 FP32) += A(a, 8x4) B(b, 4x8), type t */
	void (*mma)(unsigned int t, d1_vreg *acc, const d1_vreg *a,
		    const d1_vreg *b, uint32_t fpcfg);
};

/* Implementation levels, slowest first. */
enum d1_vec_level {
	D1_VEC_REF = 0,		/* the element-by-element reference */
	D1_VEC_C,		/* portable C vector extensions */
	D1_VEC_AVX2,
	D1_VEC_AVX512,
	D1_VEC_LEVELS
};

extern const struct d1_vops d1_vops_ref;

/* The table of @level, or NULL if this host cannot run it. */
const struct d1_vops *d1_vops_level(enum d1_vec_level level);
/* The table in use: the best level the host runs, unless D1_VEC (ref,
 * c, avx2, avx512) or d1_vec_force() chose another. */
const struct d1_vops *d1_vops(void);
/* Use @level from now on (tests); -1 if the host cannot run it. */
int d1_vec_force(enum d1_vec_level level);
/* Back to the level d1_vops() picks by itself. */
void d1_vec_unforce(void);
const char *d1_vec_level_name(enum d1_vec_level level);

#endif /* D1_VEC_H */

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host floating-point exception flags, as RISC-V fflags bits.
 *
 * The scalar core lets host binary32 arithmetic raise IEEE exceptions and
 * folds them into fflags.  <fenv.h> is the portable way; on x86-64 the
 * flags of SSE arithmetic live in MXCSR, which the intrinsics read and
 * write in a few cycles (glibc's feclearexcept also rewrites the x87
 * environment, which costs ~100x more and dominated vector code).
 */
#ifndef D1_HOSTFP_H
#define D1_HOSTFP_H

#include <fenv.h>
#include <stdint.h>

#define RV_NV	0x10
#define RV_DZ	0x08
#define RV_OF	0x04
#define RV_UF	0x02
#define RV_NX	0x01

#if defined(__x86_64__) && defined(__SSE2__)
#include <xmmintrin.h>

/* MXCSR flags: IE 0x01, DE 0x02, ZE 0x04, OE 0x08, UE 0x10, PE 0x20 */
static inline uint32_t d1_hostfe_raw(void)
{
	return _mm_getcsr() & 0x3f;
}

static inline void d1_hostfe_set_raw(uint32_t raw)
{
	_mm_setcsr((_mm_getcsr() & ~0x3fu) | (raw & 0x3f));
}

static inline uint32_t d1_hostfe_to_rv(uint32_t raw)
{
	return (raw & 0x01 ? RV_NV : 0) | (raw & 0x04 ? RV_DZ : 0) |
	       (raw & 0x08 ? RV_OF : 0) | (raw & 0x10 ? RV_UF : 0) |
	       (raw & 0x20 ? RV_NX : 0);
}
#else
static inline uint32_t d1_hostfe_raw(void)
{
	return (uint32_t)fetestexcept(FE_ALL_EXCEPT);
}

static inline void d1_hostfe_set_raw(uint32_t raw)
{
	int now = fetestexcept(FE_ALL_EXCEPT);

	if (now & ~(int)raw)
		feclearexcept(now & ~(int)raw);
	if ((int)raw & ~now)
		feraiseexcept((int)raw & ~now);
}

static inline uint32_t d1_hostfe_to_rv(uint32_t raw)
{
	return (raw & FE_INVALID ? RV_NV : 0) |
	       (raw & FE_DIVBYZERO ? RV_DZ : 0) |
	       (raw & FE_OVERFLOW ? RV_OF : 0) |
	       (raw & FE_UNDERFLOW ? RV_UF : 0) |
	       (raw & FE_INEXACT ? RV_NX : 0);
}
#endif

#endif /* D1_HOSTFP_H */

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Bit-level views shared by the node simulator: binary32/BF16/binary64
 * as raw bits and back, NaN tests and canonical NaNs, and little-endian
 * loads and stores of SRAM and file bytes.  memcpy() is the portable
 * type pun; compilers turn these into single moves.
 */
#ifndef D1_BITS_H
#define D1_BITS_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define D1_F32_CANON_NAN	0x7fc00000u
#define D1_BF16_CANON_NAN	0x7fc0u

static inline float d1_b2f(uint32_t b)
{
	float f;

	memcpy(&f, &b, sizeof(f));
	return f;
}

static inline uint32_t d1_f2b(float f)
{
	uint32_t b;

	memcpy(&b, &f, sizeof(b));
	return b;
}

static inline uint64_t d1_dbl_bits(double d)
{
	uint64_t u;

	memcpy(&u, &d, sizeof(u));
	return u;
}

static inline bool d1_f32_isnan(uint32_t b)
{
	return (b & 0x7fffffff) > 0x7f800000;
}

static inline bool d1_f32_issnan(uint32_t b)
{
	return d1_f32_isnan(b) && !(b & 0x00400000);
}

/* The bits of @r, any NaN replaced by the canonical one. */
static inline uint32_t d1_f32_canon(float r)
{
	uint32_t b = d1_f2b(r);

	return d1_f32_isnan(b) ? D1_F32_CANON_NAN : b;
}

/* BF16 is the top half of a binary32. */
static inline float d1_bf16_to_f32(uint32_t b)
{
	return d1_b2f(b << 16);
}

static inline bool d1_bf16_isnan(uint32_t b)
{
	return (b & 0x7fff) > 0x7f80;
}

/* Little-endian @sz-byte (1..8) integer at @p. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
static inline uint64_t d1_ld_le(const uint8_t *p, int sz)
{
	uint64_t v = 0;

	memcpy(&v, p, (size_t)sz);
	return v;
}

static inline void d1_st_le(uint8_t *p, uint64_t v, int sz)
{
	memcpy(p, &v, (size_t)sz);
}
#else
static inline uint64_t d1_ld_le(const uint8_t *p, int sz)
{
	uint64_t v = 0;
	int i;

	for (i = sz - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static inline void d1_st_le(uint8_t *p, uint64_t v, int sz)
{
	int i;

	for (i = 0; i < sz; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}
#endif

#endif /* D1_BITS_H */

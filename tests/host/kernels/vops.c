// SPDX-License-Identifier: GPL-2.0
/*
 * Vector-unit kernel for the per-instruction tests: runs every D1 vector
 * instruction for every element type on inputs the host placed in SRAM
 * and stores each result register, in a fixed order the host replays
 * with its reference (tests/host/test_node_vec.c).
 *
 * Inputs: per type T, three registers at VIN + T * 192 (a, b, c).
 * Outputs: 64-byte records from VOUT on, in the order below.
 */
#include <d1/device/d1_kernel.h>

#include "kargs.h"

#define VIN	KDATA_IN
#define VPAT	(KDATA_IN + 8 * 192)	/* pattern preloaded into vd */
#define VMMA	(KDATA_IN + 8 * 192 + 64)	/* A, B, C0..C3 per mma type */

static uint8_t *o;

#define ST(vr) do { d1_vst(vr, o); o += 64; } while (0)

#define BIN(T, op) do { op(T, 3, 1, 2); ST(3); } while (0)
#define RED(T, op) do { op(T, 3, 1); ST(3); } while (0)

#define TYPE_OPS(T) do { \
	const uint8_t *in = (const uint8_t *)(uintptr_t)(VIN + (T) * 192); \
	d1_vld(1, in); d1_vld(2, in + 64); d1_vld(4, in + 128); \
	BIN(T, d1_vadd); BIN(T, d1_vsub); BIN(T, d1_vmul); \
	BIN(T, d1_vmax); BIN(T, d1_vmin); BIN(T, d1_vcmpeq); \
	BIN(T, d1_vcmplt); BIN(T, d1_vcmple); \
	d1_vfma(T, 3, 1, 2, 4); ST(3); \
	d1_vsel(T, 3, 1, 2, 4); ST(3); \
	RED(T, d1_vredsum); RED(T, d1_vredmax); RED(T, d1_vredmin); \
	d1_vsplat(T, 5, 0x9abcdef012345678ull); ST(5); \
	*(uint64_t *)o = d1_vget(T, 1, 3); \
	*(uint64_t *)(o + 8) = d1_vget(T, 2, 64 + 5); \
	o += 64; \
	d1_vld(6, in); d1_vset(T, 6, 2, 0x5555aaaa3333cccc); ST(6); \
} while (0)

#define CVT1(T, U, P) do { \
	d1_vld(1, (const void *)(uintptr_t)(VIN + (T) * 192)); \
	d1_vld(3, (const void *)(uintptr_t)VPAT); \
	d1_vcvt(T, U, P, 0, 3, 1); ST(3); \
} while (0)
#define CVT_ROW(T) do { CVT1(T, 0, 0); CVT1(T, 1, 0); CVT1(T, 2, 0); \
	CVT1(T, 3, 0); CVT1(T, 4, 0); CVT1(T, 5, 0); CVT1(T, 6, 0); \
	CVT1(T, 7, 0); } while (0)

#define MMA(T, k) do { \
	const uint8_t *m = (const uint8_t *)(uintptr_t)(VMMA + (k) * 384); \
	d1_vld(1, m); d1_vld(2, m + 64); d1_vld(8, m + 128); \
	d1_vld(9, m + 192); d1_vld(10, m + 256); d1_vld(11, m + 320); \
	d1_vmma(T, 8, 1, 2); ST(8); ST(9); ST(10); ST(11); \
} while (0)

struct vops_args {
	uint64_t fpcfg;
	uint64_t vrm;
	uint64_t seed;
};

int d1_main(void *argp, unsigned int hart)
{
	const struct vops_args *a = argp;

	(void)hart;
	o = (uint8_t *)(uintptr_t)KDATA_OUT;
	d1_set_fpcfg(a->fpcfg);
	d1_set_vrm(a->vrm);
	if (a->seed)
		d1_set_srseed(a->seed);
	TYPE_OPS(0); TYPE_OPS(1); TYPE_OPS(2); TYPE_OPS(3);
	TYPE_OPS(4); TYPE_OPS(5); TYPE_OPS(6); TYPE_OPS(7);
	CVT_ROW(0); CVT_ROW(1); CVT_ROW(2); CVT_ROW(3);
	CVT_ROW(4); CVT_ROW(5); CVT_ROW(6); CVT_ROW(7);
	/* second parts: widening reads part 1, narrowing writes part 1 */
	CVT1(1, 0, 1); CVT1(0, 1, 1); CVT1(3, 0, 3); CVT1(0, 4, 2);
	CVT1(5, 7, 2); CVT1(7, 5, 3); CVT1(6, 3, 1); CVT1(3, 2, 1);
	/* the bitwise operations */
	d1_vld(1, (const void *)(uintptr_t)VIN);
	d1_vld(2, (const void *)(uintptr_t)(VIN + 64));
	d1_vand(3, 1, 2); ST(3);
	d1_vor(3, 1, 2); ST(3);
	d1_vxor(3, 1, 2); ST(3);
	d1_vldbc32(3, (const void *)(uintptr_t)(VIN + 68)); ST(3);
	MMA(1, 0); MMA(3, 1); MMA(4, 2);
	return (int)((uintptr_t)o - KDATA_OUT) / 64;
}

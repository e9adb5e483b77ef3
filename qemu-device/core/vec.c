// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * D1 vector unit: 32 x 512-bit registers per hart, element-wise
 * arithmetic on the D1 element types, conversions with RNE or stochastic
 * rounding, reductions and the 8x8x4 matrix multiply-accumulate.
 * Semantics: Documentation/accel/d1/isa.rst.
 *
 * This file decodes the instructions, checks their operands and moves
 * data; the arithmetic is in the implementation d1_vops() picks (vec.h).
 * Vector instructions leave fflags alone.
 */
#include <string.h>

#include "bits.h"
#include "fmt.h"
#include "hostfp.h"
#include "vec.h"

static inline uint32_t vget(const d1_vreg *v, unsigned int bits, unsigned int i)
{
	return (uint32_t)d1_ld_le(v->b + i * (bits / 8), (int)bits / 8);
}

static inline void vset(d1_vreg *v, unsigned int bits, unsigned int i,
			uint32_t val)
{
	d1_st_le(v->b + i * (bits / 8), val, (int)bits / 8);
}

static inline int64_t sext_bits(uint32_t v, unsigned int bits)
{
	return bits == 32 ? (int64_t)(int32_t)v :
	       bits == 16 ? (int64_t)(int16_t)v : (int64_t)(int8_t)v;
}

static int varith(struct d1_hart *h, const struct d1_insn *in,
		  const struct d1_vops *ops)
{
	unsigned int t = in->f3, bits = d1_type_bits(t), n = 512 / bits, i;
	struct d1_vctx c = { h->fpcfg, h->vrm == D1_VRM_SR ? &h->sr_state : NULL };
	const d1_vreg *a = &h->v[in->rs1], *b = &h->v[in->rs2];
	d1_vreg *vd = &h->v[in->rd];

	switch (in->f7) {
	case D1_V_ADD: case D1_V_SUB: case D1_V_MUL: case D1_V_MAX:
	case D1_V_MIN: case D1_V_CMPEQ: case D1_V_CMPLT: case D1_V_CMPLE:
		ops->binop(t, in->f7, vd, a, b, &c);
		return 0;
	case D1_V_AND:
	case D1_V_OR:
	case D1_V_XOR: {
		uint64_t x[8], y[8];

		memcpy(x, a->b, 64);
		memcpy(y, b->b, 64);
		for (i = 0; i < 8; i++)
			x[i] = in->f7 == D1_V_AND ? x[i] & y[i] :
			       in->f7 == D1_V_OR ? x[i] | y[i] : x[i] ^ y[i];
		memcpy(vd->b, x, 64);
		return 0;
	}
	case D1_V_REDSUM:
	case D1_V_REDMAX:
	case D1_V_REDMIN:
		if (in->rs2)
			return D1_FAULT_ILLEGAL;
		ops->reduce(t, in->f7, vd, a, &c);
		return 0;
	case D1_V_SPLAT:
		if (in->rs2)
			return D1_FAULT_ILLEGAL;
		for (i = 0; i < n; i++)
			vset(vd, bits, i, (uint32_t)h->x[in->rs1]);
		return 0;
	case D1_V_MVXV:
		h->x[in->rd] = (uint64_t)sext_bits(vget(a, bits,
						   (unsigned int)(h->x[in->rs2] % n)),
						   bits);
		return 0;
	case D1_V_MVVX:
		vset(vd, bits, (unsigned int)(h->x[in->rs2] % n),
		     (uint32_t)h->x[in->rs1]);
		return 0;
	}
	if (in->f7 >= D1_V_CVT && in->f7 < D1_V_CVT + 4) {
		unsigned int u = in->rs2 & 7, p = in->f7 - D1_V_CVT;
		unsigned int bu = d1_type_bits(u);

		if (in->rs2 & 0x10)
			return D1_FAULT_ILLEGAL;
		if (p >= (bits > bu ? bits / bu : bu / bits))
			return D1_FAULT_ILLEGAL;
		c.rng = (in->rs2 & D1_CVT_SR) ? &h->sr_state : NULL;
		ops->cvt(t, u, p, vd, a, &c);
		return 0;
	}
	return D1_FAULT_ILLEGAL;
}

static int v3(struct d1_hart *h, const struct d1_insn *in,
	      const struct d1_vops *ops)
{
	unsigned int t = in->f3;
	struct d1_vctx c = { h->fpcfg, h->vrm == D1_VRM_SR ? &h->sr_state : NULL };
	const d1_vreg *a = &h->v[in->rs1], *b = &h->v[in->rs2];

	switch (in->f7) {
	case D1_V3_FMA:
		ops->fma(t, &h->v[in->rd], a, b, &h->v[in->rs3], &c);
		return 0;
	case D1_V3_SEL:
		ops->sel(t, &h->v[in->rd], a, b, &h->v[in->rs3]);
		return 0;
	case D1_V3_MMA:
		if ((t != D1_T_BF16 && t != D1_T_CFP8E4 && t != D1_T_CFP8E5) ||
		    in->rs3 || (in->rd & 3))
			return D1_FAULT_ILLEGAL;
		ops->mma(t, &h->v[in->rd], a, b, h->fpcfg);
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
	const struct d1_vops *ops = d1_vops();
	int r;

	if (kind == D1_VK_MEM)
		return vmem(n, h, in, addr);
	d1_fp_flush(h);		/* keep the scalar flags, drop ours */
	r = kind == D1_VK_ARITH ? varith(h, in, ops) : v3(h, in, ops);
	d1_hostfe_set_raw(0);
	return r;
}

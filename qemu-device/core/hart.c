// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * D1 hart: RV64IMF scalar core with the D1 extension hooks.
 *
 * The loaded image's executable segments are decoded once
 * (d1_predecode) into struct d1_insn; the interpreter dispatches on the
 * pre-decoded handler index, never on the raw instruction word.
 *
 * FP exceptions: host arithmetic on binary32 gives the IEEE results and
 * raises the same five exceptions as RISC-V; they accumulate in the host
 * FP environment while a hart runs and are folded into fflags when the
 * hart stops or reads fflags/fcsr.  Operations whose RISC-V flag rules
 * differ from the host's (FP→int conversion, min/max, compares) compute
 * their flags explicitly and touch no host FP state.
 */
#include <fenv.h>
#include <math.h>
#include <string.h>

#include "bits.h"
#include "hostfp.h"
#include "sim.h"

#define D1_OPS(X) \
	X(OP_ILLEGAL) X(OP_END) X(OP_LUI) X(OP_AUIPC) X(OP_JAL) X(OP_JALR) X(OP_BEQ) \
	X(OP_BNE) X(OP_BLT) X(OP_BGE) X(OP_BLTU) X(OP_BGEU) X(OP_LB) X(OP_LH) \
	X(OP_LW) X(OP_LD) X(OP_LBU) X(OP_LHU) X(OP_LWU) X(OP_SB) X(OP_SH) \
	X(OP_SW) X(OP_SD) X(OP_ADDI) X(OP_SLTI) X(OP_SLTIU) X(OP_XORI) \
	X(OP_ORI) X(OP_ANDI) X(OP_SLLI) X(OP_SRLI) X(OP_SRAI) X(OP_ADD) \
	X(OP_SUB) X(OP_SLL) X(OP_SLT) X(OP_SLTU) X(OP_XOR) X(OP_SRL) X(OP_SRA) \
	X(OP_OR) X(OP_AND) X(OP_ADDIW) X(OP_SLLIW) X(OP_SRLIW) X(OP_SRAIW) \
	X(OP_ADDW) X(OP_SUBW) X(OP_SLLW) X(OP_SRLW) X(OP_SRAW) X(OP_MUL) \
	X(OP_MULH) X(OP_MULHSU) X(OP_MULHU) X(OP_DIV) X(OP_DIVU) X(OP_REM) \
	X(OP_REMU) X(OP_MULW) X(OP_DIVW) X(OP_DIVUW) X(OP_REMW) X(OP_REMUW) \
	X(OP_NOP) X(OP_ECALL) X(OP_EBREAK) X(OP_CSRRW) X(OP_CSRRS) X(OP_CSRRC) \
	X(OP_CSRRWI) X(OP_CSRRSI) X(OP_CSRRCI) X(OP_FLW) X(OP_FSW) X(OP_FMADD) \
	X(OP_FMSUB) X(OP_FNMSUB) X(OP_FNMADD) X(OP_FADD) X(OP_FSUB) X(OP_FMUL) \
	X(OP_FDIV) X(OP_FSQRT) X(OP_FSGNJ) X(OP_FSGNJN) X(OP_FSGNJX) \
	X(OP_FMIN) X(OP_FMAX) X(OP_FCVT_W_S) X(OP_FCVT_WU_S) X(OP_FCVT_L_S) \
	X(OP_FCVT_LU_S) X(OP_FCVT_S_W) X(OP_FCVT_S_WU) X(OP_FCVT_S_L) \
	X(OP_FCVT_S_LU) X(OP_FMV_X_W) X(OP_FMV_W_X) X(OP_FEQ) X(OP_FLT) \
	X(OP_FLE) X(OP_FCLASS) X(OP_VARITH) X(OP_V3) X(OP_VMEM) X(OP_SYNC)

#define D1_OP_ENUM(op) op,
enum d1_op { D1_OPS(D1_OP_ENUM) OP_COUNT };

/* ---------------------------------------------------------------- decode */

static int32_t sext(uint32_t v, int bits)
{
	return (int32_t)(v << (32 - bits)) >> (32 - bits);
}

static uint8_t xrd(uint32_t w)
{
	uint8_t rd = (w >> 7) & 31;

	return rd ? rd : 32;
}

static void decode_one(uint32_t w, struct d1_insn *d)
{
	uint32_t opc = w & 0x7f, f3 = (w >> 12) & 7, f7 = w >> 25;
	int32_t imm_i = (int32_t)w >> 20;
	int32_t imm_s = sext(((w >> 25) << 5) | ((w >> 7) & 31), 12);
	int32_t imm_b = sext(((w >> 31) << 12) | (((w >> 7) & 1) << 11) |
			     (((w >> 25) & 0x3f) << 5) |
			     (((w >> 8) & 0xf) << 1), 13);
	int32_t imm_j = sext(((w >> 31) << 20) | (((w >> 12) & 0xff) << 12) |
			     (((w >> 20) & 1) << 11) |
			     (((w >> 21) & 0x3ff) << 1), 21);
	static const uint8_t br[8] = { OP_BEQ, OP_BNE, 0, 0, OP_BLT, OP_BGE,
				       OP_BLTU, OP_BGEU };
	static const uint8_t ld[8] = { OP_LB, OP_LH, OP_LW, OP_LD, OP_LBU,
				       OP_LHU, OP_LWU, 0 };
	static const uint8_t st[8] = { OP_SB, OP_SH, OP_SW, OP_SD };
	static const uint8_t opi[8] = { OP_ADDI, 0, OP_SLTI, OP_SLTIU, OP_XORI,
					0, OP_ORI, OP_ANDI };
	static const uint8_t op0[8] = { OP_ADD, OP_SLL, OP_SLT, OP_SLTU,
					OP_XOR, OP_SRL, OP_OR, OP_AND };
	static const uint8_t opm[8] = { OP_MUL, OP_MULH, OP_MULHSU, OP_MULHU,
					OP_DIV, OP_DIVU, OP_REM, OP_REMU };
	static const uint8_t opmw[8] = { OP_MULW, 0, 0, 0, OP_DIVW, OP_DIVUW,
					 OP_REMW, OP_REMUW };
	static const uint8_t csr[8] = { 0, OP_CSRRW, OP_CSRRS, OP_CSRRC, 0,
					OP_CSRRWI, OP_CSRRSI, OP_CSRRCI };

	memset(d, 0, sizeof(*d));
	d->op = OP_ILLEGAL;
	d->imm = (int32_t)w;
	d->rd = (w >> 7) & 31;
	d->rs1 = (w >> 15) & 31;
	d->rs2 = (w >> 20) & 31;
	d->rs3 = w >> 27;
	d->f3 = f3;
	d->f7 = f7;

	switch (opc) {
	case 0x37: d->op = OP_LUI; d->rd = xrd(w); d->imm = (int32_t)(w & 0xfffff000u); break;
	case 0x17: d->op = OP_AUIPC; d->rd = xrd(w); d->imm = (int32_t)(w & 0xfffff000u); break;
	case 0x6f: d->op = OP_JAL; d->rd = xrd(w); d->imm = imm_j; break;
	case 0x67:
		if (f3 == 0) {
			d->op = OP_JALR;
			d->rd = xrd(w);
			d->imm = imm_i;
		}
		break;
	case 0x63:
		if (br[f3]) {
			d->op = br[f3];
			d->imm = imm_b;
		}
		break;
	case 0x03:
		if (ld[f3]) {
			d->op = ld[f3];
			d->rd = xrd(w);
			d->imm = imm_i;
		}
		break;
	case 0x23:
		if (f3 < 4) {
			d->op = st[f3];
			d->imm = imm_s;
		}
		break;
	case 0x13:
		d->rd = xrd(w);
		if (f3 == 1 && (w >> 26) == 0) {
			d->op = OP_SLLI;
			d->imm = (w >> 20) & 63;
		} else if (f3 == 5 && (w >> 26) == 0) {
			d->op = OP_SRLI;
			d->imm = (w >> 20) & 63;
		} else if (f3 == 5 && (w >> 26) == 0x10) {
			d->op = OP_SRAI;
			d->imm = (w >> 20) & 63;
		} else if (opi[f3]) {
			d->op = opi[f3];
			d->imm = imm_i;
		}
		break;
	case 0x1b:
		d->rd = xrd(w);
		if (f3 == 0) {
			d->op = OP_ADDIW;
			d->imm = imm_i;
		} else if (f3 == 1 && f7 == 0) {
			d->op = OP_SLLIW;
			d->imm = d->rs2;
		} else if (f3 == 5 && f7 == 0) {
			d->op = OP_SRLIW;
			d->imm = d->rs2;
		} else if (f3 == 5 && f7 == 0x20) {
			d->op = OP_SRAIW;
			d->imm = d->rs2;
		}
		break;
	case 0x33:
		d->rd = xrd(w);
		if (f7 == 0)
			d->op = op0[f3];
		else if (f7 == 1)
			d->op = opm[f3];
		else if (f7 == 0x20 && f3 == 0)
			d->op = OP_SUB;
		else if (f7 == 0x20 && f3 == 5)
			d->op = OP_SRA;
		break;
	case 0x3b:
		d->rd = xrd(w);
		if (f7 == 0 && f3 == 0)
			d->op = OP_ADDW;
		else if (f7 == 0x20 && f3 == 0)
			d->op = OP_SUBW;
		else if (f7 == 0 && f3 == 1)
			d->op = OP_SLLW;
		else if (f7 == 0 && f3 == 5)
			d->op = OP_SRLW;
		else if (f7 == 0x20 && f3 == 5)
			d->op = OP_SRAW;
		else if (f7 == 1 && opmw[f3])
			d->op = opmw[f3];
		break;
	case 0x0f:
		if (f3 == 0 || f3 == 1)
			d->op = OP_NOP;	/* FENCE, FENCE.I */
		break;
	case 0x73:
		if (w == 0x00000073)
			d->op = OP_ECALL;
		else if (w == 0x00100073)
			d->op = OP_EBREAK;
		else if (csr[f3]) {
			d->op = csr[f3];
			d->rd = xrd(w);
			d->imm = (w >> 20) & 0xfff;
		}
		break;
	case 0x07:
		if (f3 == 2) {
			d->op = OP_FLW;
			d->imm = imm_i;
		}
		break;
	case 0x27:
		if (f3 == 2) {
			d->op = OP_FSW;
			d->imm = imm_s;
		}
		break;
	case 0x43: case 0x47: case 0x4b: case 0x4f:
		if (((w >> 25) & 3) == 0)
			d->op = OP_FMADD + ((opc >> 2) & 3);
		break;
	case 0x53:
		switch (f7) {
		case 0x00: d->op = OP_FADD; break;
		case 0x04: d->op = OP_FSUB; break;
		case 0x08: d->op = OP_FMUL; break;
		case 0x0c: d->op = OP_FDIV; break;
		case 0x2c:
			if (d->rs2 == 0)
				d->op = OP_FSQRT;
			break;
		case 0x10:
			if (f3 < 3)
				d->op = OP_FSGNJ + f3;
			break;
		case 0x14:
			if (f3 < 2)
				d->op = OP_FMIN + f3;
			break;
		case 0x60:
			if (d->rs2 < 4) {
				d->op = OP_FCVT_W_S + d->rs2;
				d->rd = xrd(w);
			}
			break;
		case 0x68:
			if (d->rs2 < 4)
				d->op = OP_FCVT_S_W + d->rs2;
			break;
		case 0x70:
			if (d->rs2 == 0 && f3 == 0)
				d->op = OP_FMV_X_W;
			else if (d->rs2 == 0 && f3 == 1)
				d->op = OP_FCLASS;
			d->rd = xrd(w);
			break;
		case 0x78:
			if (d->rs2 == 0 && f3 == 0)
				d->op = OP_FMV_W_X;
			break;
		case 0x50:
			if (f3 == 2)
				d->op = OP_FEQ;
			else if (f3 == 1)
				d->op = OP_FLT;
			else if (f3 == 0)
				d->op = OP_FLE;
			d->rd = xrd(w);
			break;
		}
		break;
	case D1_OPC_VARITH:
		if (f7 == D1_V_MVXV)
			d->rd = xrd(w);
		d->op = OP_VARITH;
		break;
	case D1_OPC_V3:
		d->f7 = (w >> 25) & 3;
		d->op = OP_V3;
		break;
	case D1_OPC_VMEM:
		if (f3 == D1_VM_LD || f3 == D1_VM_LDBC32) {
			d->op = OP_VMEM;
			d->imm = imm_i;
		} else if (f3 == D1_VM_ST) {
			d->op = OP_VMEM;
			d->imm = imm_s;
		}
		break;
	case D1_OPC_SYNC:
		if (f3 == 0 && f7 <= D1_S_SEM_READ) {
			d->op = OP_SYNC;
			d->rd = xrd(w);
		}
		break;
	}
	/* f-format rounding fields 5/6 in the R4 forms */
	if (d->op >= OP_FMADD && d->op <= OP_FNMADD && (f3 == 5 || f3 == 6))
		d->op = OP_ILLEGAL;
	/* FADD..FSQRT and FCVT with rm 5/6 */
	if ((d->op >= OP_FADD && d->op <= OP_FSQRT) ||
	    (d->op >= OP_FCVT_W_S && d->op <= OP_FCVT_S_LU)) {
		if (f3 == 5 || f3 == 6)
			d->op = OP_ILLEGAL;
	}
	if (d->op == OP_ILLEGAL) {
		d->imm = (int32_t)w;
		d->f7 = 0;
	}
}

void d1_predecode(const uint8_t *text, uint64_t n, struct d1_insn *out)
{
	uint64_t i;

	/* out[-1]: padding (never executed), out[n]: the end-of-text sentinel */
	memset(&out[-1], 0, sizeof(out[-1]));
	memset(&out[n], 0, sizeof(out[n]));
	out[-1].op = OP_ILLEGAL;
	out[n].op = OP_END;

	for (i = 0; i < n; i++) {
		decode_one((uint32_t)d1_ld_le(text + 4 * i, 4), &out[i]);
		/*
		 * Static targets (branches, JAL) inside the text become
		 * instruction-index offsets (rs3 = 0); others keep the byte
		 * offset and are checked when taken (rs3 = 1).
		 */
		if ((out[i].op >= OP_BEQ && out[i].op <= OP_BGEU) ||
		    out[i].op == OP_JAL) {
			int64_t t = (int64_t)i * 4 + out[i].imm;

			if ((out[i].imm & 3) || t < 0 || t >= (int64_t)n * 4) {
				out[i].rs3 = 1;
			} else {
				out[i].rs3 = 0;
				out[i].imm /= 4;
			}
		}
	}
}

/* ---------------------------------------------------------------- memory */

bool d1_sram_readable(uint64_t addr, uint64_t len)
{
	uint64_t o = addr - D1_SRAM_BASE;

	return o <= D1_SRAM_SIZE && len <= D1_SRAM_SIZE - o;
}

bool d1_sram_writable(const struct d1_grid *g, uint64_t addr, uint64_t len)
{
	if (!d1_sram_readable(addr, len))
		return false;
	return len == 0 || addr + len <= g->text_lo || addr >= g->text_hi;
}

static uint64_t oob_addr(uint64_t addr)
{
	return d1_sram_readable(addr, 1) ? D1_SRAM_BASE + D1_SRAM_SIZE : addr;
}

/* -------------------------------------------------------------------- FP */

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

/* Effective rounding mode, or -1 if illegal. */
static inline int eff_rm(const struct d1_hart *h, const struct d1_insn *in)
{
	unsigned int rm = in->f3 == 7 ? h->frm : in->f3;

	return rm <= 4 ? (int)rm : -1;
}

static bool fma_invalid(uint32_t a, uint32_t b)
{
	bool ai = (a & 0x7fffffff) == 0x7f800000, bi = (b & 0x7fffffff) == 0x7f800000;
	bool az = (a & 0x7fffffff) == 0, bz = (b & 0x7fffffff) == 0;

	return (ai && bz) || (az && bi);
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
static uint32_t fp_rounded(struct d1_hart *h, const struct d1_insn *in,
			   int rm)
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

/* FCVT.{W,WU,L,LU}.S: RISC-V saturation and flags (host flags raised by
 * the helper arithmetic are discarded). */
static uint64_t fcvt_to_int_(struct d1_hart *h, uint32_t b, int rm, int kind);

static uint64_t fcvt_to_int(struct d1_hart *h, uint32_t b, int rm, int kind)
{
	uint32_t saved = d1_hostfe_raw();
	uint64_t r;

	r = fcvt_to_int_(h, b, rm, kind);
	d1_hostfe_set_raw(saved);
	return r;
}

static uint64_t fcvt_to_int_(struct d1_hart *h, uint32_t b, int rm, int kind)
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

static uint32_t fminmax(struct d1_hart *h, uint32_t a, uint32_t b, bool max)
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

static uint64_t fcmp(struct d1_hart *h, uint32_t a, uint32_t b, int op)
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

static uint64_t fclass(uint32_t b)
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

/* ------------------------------------------------------------- multiply */

static uint64_t mulhu64(uint64_t a, uint64_t b)
{
	uint64_t al = (uint32_t)a, ah = a >> 32, bl = (uint32_t)b, bh = b >> 32;
	uint64_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
	uint64_t mid = (ll >> 32) + (uint32_t)lh + (uint32_t)hl;

	return hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
}

static uint64_t mulh64(uint64_t a, uint64_t b, bool sa, bool sb)
{
	uint64_t r = mulhu64(a, b);

	if (sa && (int64_t)a < 0)
		r -= b;
	if (sb && (int64_t)b < 0)
		r -= a;
	return r;
}

/* ------------------------------------------------------------------ CSRs */

/* Returns false for an unknown CSR or a write to a read-only one. */
static bool csr_access(struct d1_node *n, struct d1_hart *h, uint32_t csr,
		       bool write, uint64_t val, uint64_t *old)
{
	struct d1_grid *g = n->g;
	bool ro = (csr >> 10) == 3;

	if (write && ro)
		return false;
	switch (csr) {
	case D1_CSR_FFLAGS:
		d1_fp_flush(h);
		*old = h->fflags;
		if (write)
			h->fflags = val & 0x1f;
		return true;
	case D1_CSR_FRM:
		*old = h->frm;
		if (write)
			h->frm = val & 7;
		return true;
	case D1_CSR_FCSR:
		d1_fp_flush(h);
		*old = h->frm << 5 | h->fflags;
		if (write) {
			h->fflags = val & 0x1f;
			h->frm = (val >> 5) & 7;
		}
		return true;
	case D1_CSR_CYCLE:
	case D1_CSR_TIME:
		*old = h->cycle;
		return true;
	case D1_CSR_INSTRET:
		*old = h->instret;
		return true;
	case D1_CSR_MHARTID:
	case D1_CSR_HARTID:
		*old = h->id;
		return true;
	case D1_CSR_NODEX:
		*old = n->x;
		return true;
	case D1_CSR_NODEY:
		*old = n->y;
		return true;
	case D1_CSR_GRIDCOLS:
		*old = g->cols;
		return true;
	case D1_CSR_GRIDROWS:
		*old = g->rows;
		return true;
	case D1_CSR_NODEID:
		*old = n->id;
		return true;
	case D1_CSR_NHARTS:
		*old = n->nharts;
		return true;
	case D1_CSR_GRIDNODES:
		*old = g->usable;
		return true;
	case D1_CSR_VRM:
		*old = h->vrm;
		if (write)
			h->vrm = val & 1;
		return true;
	case D1_CSR_SRSEED:
		*old = h->sr_state;
		if (write)
			h->sr_state = val ? val : 0x9e3779b97f4a7c15ull;
		return true;
	case D1_CSR_FPCFG:
		*old = h->fpcfg;
		if (write)
			h->fpcfg = val & 0xffffff;
		return true;
	}
	return false;
}

/* --------------------------------------------------------------- ecalls */

/* Returns 0, or a fault code with *addr set. */
static int do_ecall(struct d1_node *n, struct d1_hart *h, uint64_t *addr)
{
	uint64_t a7 = h->x[17];

	switch (a7) {
	case D1_ECALL_EXIT:
	case D1_ECALL_EXIT_GROUP:
		h->exit_code = (int64_t)h->x[10];
		h->state = H_EXITED;
		return 0;
	case D1_ECALL_WRITE: {
		uint64_t fd = h->x[10], buf = h->x[11], len = h->x[12];
		uint64_t room, take;

		if (fd != 1 && fd != 2) {
			h->x[10] = (uint64_t)-9;	/* -EBADF */
			return 0;
		}
		if (!d1_sram_readable(buf, len)) {
			*addr = oob_addr(buf);
			return D1_FAULT_LOAD;
		}
		room = D1_PRINT_BUF_SIZE - n->rep.print_len;
		take = len < room ? len : room;
		memcpy(n->print + n->rep.print_len,
		       n->sram + (buf - D1_SRAM_BASE), take);
		n->rep.print_len += (uint32_t)take;
		n->rep.print_dropped += (uint32_t)(len - take);
		h->x[10] = len;
		return 0;
	}
	}
	*addr = a7;
	return D1_FAULT_ECALL;
}

/* ----------------------------------------------------------- interpreter */

void d1_node_fault(struct d1_node *n, struct d1_hart *h, uint32_t fault,
		   uint64_t pc, uint64_t addr)
{
	if (n->stopped)
		return;
	n->stopped = true;
	n->rep.status = D1_NODE_FAULT;
	n->rep.fault = fault;
	n->rep.fault_hart = h ? h->id : 0;
	n->rep.fault_pc = pc;
	n->rep.fault_addr = addr;
}

#define SRAM_CHECK(addr, sz, code)					\
	do {								\
		o = (addr) - D1_SRAM_BASE;				\
		if (o > D1_SRAM_SIZE - (sz)) {				\
			fcode = (code);					\
			faddr = oob_addr(addr);				\
			goto fault;					\
		}							\
	} while (0)

#define LOAD(sz, type)							\
	do {								\
		uint64_t a_ = x[in->rs1] + (int64_t)in->imm;		\
		SRAM_CHECK(a_, sz, D1_FAULT_LOAD);			\
		x[in->rd] = (uint64_t)(int64_t)(type)			\
			    d1_ld_le(mem + o, sz);			\
	} while (0)

#define STORE(sz)							\
	do {								\
		uint64_t a_ = x[in->rs1] + (int64_t)in->imm;		\
		SRAM_CHECK(a_, sz, D1_FAULT_STORE);			\
		if (o < text_end && o + (sz) > text_off) {		\
			fcode = D1_FAULT_STORE;				\
			faddr = a_;					\
			goto fault;					\
		}							\
		d1_st_le(mem + o, x[in->rs2], sz);			\
	} while (0)

/* Jump: NEXT then steps from the entry before the target onto it. */
#define JUMP(target)							\
	do {								\
		uint64_t t_ = (target);					\
		if (t_ & 3) {						\
			fcode = D1_FAULT_MISALIGNED_PC;			\
			faddr = t_;					\
			goto fault;					\
		}							\
		if (t_ - base >= size) {				\
			fpc = t_;					\
			goto fetch_fault;				\
		}							\
		in = code + ((t_ - base) >> 2) - 1;			\
	} while (0)

#define PC() (base + ((uint64_t)(in - code) << 2))

/* Taken branch / JAL: a pre-checked index offset, or the slow path. */
#define BRANCH()							\
	do {								\
		if (in->rs3)						\
			JUMP(PC() + (int64_t)in->imm);			\
		else							\
			in += in->imm - 1;				\
	} while (0)

#define FP_RM(expr)							\
	do {								\
		int rm_ = eff_rm(h, in);				\
		if (rm_ == 0) {						\
			f[in->rd] = d1_f32_canon(expr);			\
		} else if (rm_ > 0) {					\
			f[in->rd] = fp_rounded(h, in, rm_);		\
		} else {						\
			goto illegal;					\
		}							\
	} while (0)

/*
 * Dispatch: with GCC/clang, threaded code (computed goto, one indirect
 * jump per handler, which predicts far better than one shared switch);
 * elsewhere a plain switch on the pre-decoded handler index.
 */
#if defined(__GNUC__) && !defined(D1_NO_THREADED)
#define D1_THREADED 1
#endif

/*
 * Sequential flow steps @in; the sentinel after the text (OP_END) turns
 * running off its end into a fetch fault, so no per-instruction bounds
 * check is needed.
 */
#ifdef D1_THREADED
#define D1_OP_LABEL(op) [op] = &&L_##op,
#define CASE(op) L_##op:
#define DISPATCH_BEGIN goto *labels[in->op];
#define DISPATCH_END
#define NEXT								\
	do {								\
		in++;							\
		if (--left == 0)					\
			goto out;					\
		goto *labels[in->op];					\
	} while (0)
#else
#define CASE(op) case op:
#define DISPATCH_BEGIN switch (in->op) {
#define DISPATCH_END default: goto illegal; }
#define NEXT								\
	do {								\
		in++;							\
		if (--left == 0)					\
			goto out;					\
		goto next;						\
	} while (0)
#endif

void d1_hart_run(struct d1_node *n, struct d1_hart *h, uint64_t n_insns)
{
#ifdef D1_THREADED
	static const void *const labels[OP_COUNT] = { D1_OPS(D1_OP_LABEL) };
#endif
	struct d1_grid *g = n->g;
	const struct d1_insn *code = g->code;
	const uint64_t base = g->text_lo, size = g->text_hi - g->text_lo;
	const uint64_t text_off = g->text_lo - D1_SRAM_BASE;
	const uint64_t text_end = g->text_hi - D1_SRAM_BASE;
	uint64_t *x = h->x;
	uint32_t *f = h->f;
	uint8_t *mem = n->sram;
	uint64_t o, faddr = 0, fpc, done = 0;
	uint64_t left = n_insns, start_left;
	uint32_t fcode = 0;
	const struct d1_insn *in;

	if (h->budget - h->instret < left)
		left = h->budget - h->instret;
	d1_hostfe_set_raw(0);

	start_left = left;
	if ((h->pc & 3) || h->pc - base >= size) {
		in = code - 1;		/* PC() is not used on this path */
		fpc = h->pc;
		goto fetch_fault;
	}
	in = code + ((h->pc - base) >> 2);
	if (!left)
		goto out;
#ifndef D1_THREADED
next:
#endif
	DISPATCH_BEGIN
		CASE(OP_ILLEGAL)
			goto illegal;
		CASE(OP_END)
			fpc = PC();
			goto fetch_fault;
		CASE(OP_LUI) x[in->rd] = (uint64_t)(int64_t)in->imm; NEXT;
		CASE(OP_AUIPC) x[in->rd] = PC() + (int64_t)in->imm; NEXT;
		CASE(OP_JAL) {
			uint64_t link = PC() + 4, *rd = &x[in->rd];

			BRANCH();			/* moves in */
			*rd = link;
			NEXT;
		}
		CASE(OP_JALR) {
			uint64_t t = (x[in->rs1] + (int64_t)in->imm) & ~1ull;
			uint64_t link = PC() + 4, *rd = &x[in->rd];

			JUMP(t);			/* moves in */
			*rd = link;
			NEXT;
		}
		CASE(OP_BEQ)
			if (x[in->rs1] == x[in->rs2])
				BRANCH();
			NEXT;
		CASE(OP_BNE)
			if (x[in->rs1] != x[in->rs2])
				BRANCH();
			NEXT;
		CASE(OP_BLT)
			if ((int64_t)x[in->rs1] < (int64_t)x[in->rs2])
				BRANCH();
			NEXT;
		CASE(OP_BGE)
			if ((int64_t)x[in->rs1] >= (int64_t)x[in->rs2])
				BRANCH();
			NEXT;
		CASE(OP_BLTU)
			if (x[in->rs1] < x[in->rs2])
				BRANCH();
			NEXT;
		CASE(OP_BGEU)
			if (x[in->rs1] >= x[in->rs2])
				BRANCH();
			NEXT;
		CASE(OP_LB) LOAD(1, int8_t); NEXT;
		CASE(OP_LH) LOAD(2, int16_t); NEXT;
		CASE(OP_LW) LOAD(4, int32_t); NEXT;
		CASE(OP_LD) LOAD(8, int64_t); NEXT;
		CASE(OP_LBU) LOAD(1, uint8_t); NEXT;
		CASE(OP_LHU) LOAD(2, uint16_t); NEXT;
		CASE(OP_LWU) LOAD(4, uint32_t); NEXT;
		CASE(OP_SB) STORE(1); NEXT;
		CASE(OP_SH) STORE(2); NEXT;
		CASE(OP_SW) STORE(4); NEXT;
		CASE(OP_SD) STORE(8); NEXT;
		CASE(OP_ADDI) x[in->rd] = x[in->rs1] + (int64_t)in->imm; NEXT;
		CASE(OP_SLTI) x[in->rd] = (int64_t)x[in->rs1] < (int64_t)in->imm; NEXT;
		CASE(OP_SLTIU) x[in->rd] = x[in->rs1] < (uint64_t)(int64_t)in->imm; NEXT;
		CASE(OP_XORI) x[in->rd] = x[in->rs1] ^ (uint64_t)(int64_t)in->imm; NEXT;
		CASE(OP_ORI) x[in->rd] = x[in->rs1] | (uint64_t)(int64_t)in->imm; NEXT;
		CASE(OP_ANDI) x[in->rd] = x[in->rs1] & (uint64_t)(int64_t)in->imm; NEXT;
		CASE(OP_SLLI) x[in->rd] = x[in->rs1] << in->imm; NEXT;
		CASE(OP_SRLI) x[in->rd] = x[in->rs1] >> in->imm; NEXT;
		CASE(OP_SRAI) x[in->rd] = (uint64_t)((int64_t)x[in->rs1] >> in->imm); NEXT;
		CASE(OP_ADD) x[in->rd] = x[in->rs1] + x[in->rs2]; NEXT;
		CASE(OP_SUB) x[in->rd] = x[in->rs1] - x[in->rs2]; NEXT;
		CASE(OP_SLL) x[in->rd] = x[in->rs1] << (x[in->rs2] & 63); NEXT;
		CASE(OP_SLT) x[in->rd] = (int64_t)x[in->rs1] < (int64_t)x[in->rs2]; NEXT;
		CASE(OP_SLTU) x[in->rd] = x[in->rs1] < x[in->rs2]; NEXT;
		CASE(OP_XOR) x[in->rd] = x[in->rs1] ^ x[in->rs2]; NEXT;
		CASE(OP_SRL) x[in->rd] = x[in->rs1] >> (x[in->rs2] & 63); NEXT;
		CASE(OP_SRA) x[in->rd] = (uint64_t)((int64_t)x[in->rs1] >> (x[in->rs2] & 63)); NEXT;
		CASE(OP_OR) x[in->rd] = x[in->rs1] | x[in->rs2]; NEXT;
		CASE(OP_AND) x[in->rd] = x[in->rs1] & x[in->rs2]; NEXT;
		CASE(OP_ADDIW) x[in->rd] = (uint64_t)(int64_t)(int32_t)(uint32_t)(x[in->rs1] + (int64_t)in->imm); NEXT;
		CASE(OP_SLLIW) x[in->rd] = (uint64_t)(int64_t)(int32_t)((uint32_t)x[in->rs1] << in->imm); NEXT;
		CASE(OP_SRLIW) x[in->rd] = (uint64_t)(int64_t)(int32_t)((uint32_t)x[in->rs1] >> in->imm); NEXT;
		CASE(OP_SRAIW) x[in->rd] = (uint64_t)(int64_t)((int32_t)x[in->rs1] >> in->imm); NEXT;
		CASE(OP_ADDW) x[in->rd] = (uint64_t)(int64_t)(int32_t)(uint32_t)(x[in->rs1] + x[in->rs2]); NEXT;
		CASE(OP_SUBW) x[in->rd] = (uint64_t)(int64_t)(int32_t)(uint32_t)(x[in->rs1] - x[in->rs2]); NEXT;
		CASE(OP_SLLW) x[in->rd] = (uint64_t)(int64_t)(int32_t)((uint32_t)x[in->rs1] << (x[in->rs2] & 31)); NEXT;
		CASE(OP_SRLW) x[in->rd] = (uint64_t)(int64_t)(int32_t)((uint32_t)x[in->rs1] >> (x[in->rs2] & 31)); NEXT;
		CASE(OP_SRAW) x[in->rd] = (uint64_t)(int64_t)((int32_t)x[in->rs1] >> (x[in->rs2] & 31)); NEXT;
		CASE(OP_MUL) x[in->rd] = x[in->rs1] * x[in->rs2]; NEXT;
		CASE(OP_MULH) x[in->rd] = mulh64(x[in->rs1], x[in->rs2], true, true); NEXT;
		CASE(OP_MULHSU) x[in->rd] = mulh64(x[in->rs1], x[in->rs2], true, false); NEXT;
		CASE(OP_MULHU) x[in->rd] = mulhu64(x[in->rs1], x[in->rs2]); NEXT;
		CASE(OP_DIV) {
			int64_t a = (int64_t)x[in->rs1], b = (int64_t)x[in->rs2];

			x[in->rd] = b == 0 ? UINT64_MAX :
				    (a == INT64_MIN && b == -1) ? (uint64_t)a :
				    (uint64_t)(a / b);
			NEXT;
		}
		CASE(OP_DIVU)
			x[in->rd] = x[in->rs2] ? x[in->rs1] / x[in->rs2] : UINT64_MAX;
			NEXT;
		CASE(OP_REM) {
			int64_t a = (int64_t)x[in->rs1], b = (int64_t)x[in->rs2];

			x[in->rd] = b == 0 ? (uint64_t)a :
				    (a == INT64_MIN && b == -1) ? 0 :
				    (uint64_t)(a % b);
			NEXT;
		}
		CASE(OP_REMU)
			x[in->rd] = x[in->rs2] ? x[in->rs1] % x[in->rs2] : x[in->rs1];
			NEXT;
		CASE(OP_MULW)
			x[in->rd] = (uint64_t)(int64_t)(int32_t)(uint32_t)(x[in->rs1] * x[in->rs2]);
			NEXT;
		CASE(OP_DIVW) {
			int32_t a = (int32_t)x[in->rs1], b = (int32_t)x[in->rs2];

			x[in->rd] = (uint64_t)(int64_t)(b == 0 ? -1 :
					(a == INT32_MIN && b == -1) ? a : a / b);
			NEXT;
		}
		CASE(OP_DIVUW) {
			uint32_t a = (uint32_t)x[in->rs1], b = (uint32_t)x[in->rs2];

			x[in->rd] = (uint64_t)(int64_t)(int32_t)(b ? a / b : UINT32_MAX);
			NEXT;
		}
		CASE(OP_REMW) {
			int32_t a = (int32_t)x[in->rs1], b = (int32_t)x[in->rs2];

			x[in->rd] = (uint64_t)(int64_t)(b == 0 ? a :
					(a == INT32_MIN && b == -1) ? 0 : a % b);
			NEXT;
		}
		CASE(OP_REMUW) {
			uint32_t a = (uint32_t)x[in->rs1], b = (uint32_t)x[in->rs2];

			x[in->rd] = (uint64_t)(int64_t)(int32_t)(b ? a % b : a);
			NEXT;
		}
		CASE(OP_NOP)
			NEXT;
		CASE(OP_ECALL)
			fcode = do_ecall(n, h, &faddr);
			if (fcode)
				goto fault;
			if (h->state != H_RUN) {
				left--;
				in++;
				goto out;
			}
			NEXT;
		CASE(OP_EBREAK)
			fcode = D1_FAULT_BREAKPOINT;
			faddr = PC();
			goto fault;
		CASE(OP_CSRRW) CASE(OP_CSRRS) CASE(OP_CSRRC)
		CASE(OP_CSRRWI) CASE(OP_CSRRSI) CASE(OP_CSRRCI) {
			bool imm = in->op >= OP_CSRRWI;
			int kind = (in->op - OP_CSRRW) % 3;	/* W, S, C */
			uint64_t src = imm ? in->rs1 : x[in->rs1];
			bool write = kind == 0 || in->rs1 != 0;
			uint64_t old, nv;

			h->instret += start_left - left;
			h->cycle += start_left - left;
			start_left = left;
			if (!csr_access(n, h, (uint32_t)in->imm, false, 0, &old))
				goto illegal;
			nv = kind == 0 ? src : kind == 1 ? old | src : old & ~src;
			if (write && !csr_access(n, h, (uint32_t)in->imm, true,
						 nv, &old))
				goto illegal;
			x[in->rd] = old;
			NEXT;
		}
		CASE(OP_FLW) {
			uint64_t a_ = x[in->rs1] + (int64_t)in->imm;

			SRAM_CHECK(a_, 4, D1_FAULT_LOAD);
			f[in->rd] = (uint32_t)d1_ld_le(mem + o, 4);
			NEXT;
		}
		CASE(OP_FSW) {
			uint64_t a_ = x[in->rs1] + (int64_t)in->imm;

			SRAM_CHECK(a_, 4, D1_FAULT_STORE);
			if (o < text_end && o + 4 > text_off) {
				fcode = D1_FAULT_STORE;
				faddr = a_;
				goto fault;
			}
			d1_st_le(mem + o, f[in->rs2], 4);
			NEXT;
		}
		CASE(OP_FMADD)
		CASE(OP_FMSUB)
		CASE(OP_FNMSUB)
		CASE(OP_FNMADD) {
			float a = d1_b2f(f[in->rs1]), b = d1_b2f(f[in->rs2]);
			float c = d1_b2f(f[in->rs3]);
			int rm = eff_rm(h, in);

			if (rm < 0)
				goto illegal;
			if (fma_invalid(f[in->rs1], f[in->rs2]))
				h->fflags |= RV_NV;
			if (rm)
				f[in->rd] = fp_rounded(h, in, rm);
			else if (in->op == OP_FMADD)
				f[in->rd] = d1_f32_canon(fmaf(a, b, c));
			else if (in->op == OP_FMSUB)
				f[in->rd] = d1_f32_canon(fmaf(a, b, -c));
			else if (in->op == OP_FNMSUB)
				f[in->rd] = d1_f32_canon(fmaf(-a, b, c));
			else
				f[in->rd] = d1_f32_canon(fmaf(-a, b, -c));
			NEXT;
		}
		CASE(OP_FADD) FP_RM(d1_b2f(f[in->rs1]) + d1_b2f(f[in->rs2])); NEXT;
		CASE(OP_FSUB) FP_RM(d1_b2f(f[in->rs1]) - d1_b2f(f[in->rs2])); NEXT;
		CASE(OP_FMUL) FP_RM(d1_b2f(f[in->rs1]) * d1_b2f(f[in->rs2])); NEXT;
		CASE(OP_FDIV) FP_RM(d1_b2f(f[in->rs1]) / d1_b2f(f[in->rs2])); NEXT;
		CASE(OP_FSQRT) FP_RM(sqrtf(d1_b2f(f[in->rs1]))); NEXT;
		CASE(OP_FSGNJ)
			f[in->rd] = (f[in->rs1] & 0x7fffffff) | (f[in->rs2] & 0x80000000u);
			NEXT;
		CASE(OP_FSGNJN)
			f[in->rd] = (f[in->rs1] & 0x7fffffff) | (~f[in->rs2] & 0x80000000u);
			NEXT;
		CASE(OP_FSGNJX)
			f[in->rd] = f[in->rs1] ^ (f[in->rs2] & 0x80000000u);
			NEXT;
		CASE(OP_FMIN) f[in->rd] = fminmax(h, f[in->rs1], f[in->rs2], false); NEXT;
		CASE(OP_FMAX) f[in->rd] = fminmax(h, f[in->rs1], f[in->rs2], true); NEXT;
		CASE(OP_FCVT_W_S) CASE(OP_FCVT_WU_S)
		CASE(OP_FCVT_L_S) CASE(OP_FCVT_LU_S) {
			int rm = eff_rm(h, in);

			if (rm < 0)
				goto illegal;
			x[in->rd] = fcvt_to_int(h, f[in->rs1], rm,
						in->op - OP_FCVT_W_S);
			NEXT;
		}
		CASE(OP_FCVT_S_W) FP_RM((float)(int32_t)x[in->rs1]); NEXT;
		CASE(OP_FCVT_S_WU) FP_RM((float)(uint32_t)x[in->rs1]); NEXT;
		CASE(OP_FCVT_S_L) FP_RM((float)(int64_t)x[in->rs1]); NEXT;
		CASE(OP_FCVT_S_LU) FP_RM((float)x[in->rs1]); NEXT;
		CASE(OP_FMV_X_W) x[in->rd] = (uint64_t)(int64_t)(int32_t)f[in->rs1]; NEXT;
		CASE(OP_FMV_W_X) f[in->rd] = (uint32_t)x[in->rs1]; NEXT;
		CASE(OP_FEQ) CASE(OP_FLT) CASE(OP_FLE)
			x[in->rd] = fcmp(h, f[in->rs1], f[in->rs2], in->op);
			NEXT;
		CASE(OP_FCLASS) x[in->rd] = fclass(f[in->rs1]); NEXT;
		CASE(OP_VARITH)
		CASE(OP_V3)
		CASE(OP_VMEM)
			fcode = (uint32_t)d1_vec_exec(n, h, in,
						      (enum d1_vec_kind)(in->op - OP_VARITH),
						      &faddr);
			if (fcode == D1_FAULT_ILLEGAL)
				goto illegal;
			if (fcode)
				goto fault;
			NEXT;
		CASE(OP_SYNC)
			h->pc = PC();
			fcode = (uint32_t)d1_sync_exec(n, h, in, &faddr);
			if (fcode == D1_FAULT_ILLEGAL)
				goto illegal;
			if (fcode)
				goto fault;
			if (h->state != H_RUN)
				goto out;	/* blocked: retry later */
			NEXT;
	DISPATCH_END
	goto out;

fetch_fault:
	d1_node_fault(n, h, D1_FAULT_FETCH, fpc, fpc);
	h->state = H_STOPPED;
	h->pc = fpc;
	goto count;

illegal:
	fcode = D1_FAULT_ILLEGAL;
	faddr = (uint32_t)(in->op == OP_ILLEGAL ? (uint32_t)in->imm :
			   (uint32_t)d1_ld_le(mem + (PC() - D1_SRAM_BASE), 4));
fault:
	d1_node_fault(n, h, fcode, PC(), faddr);
	h->state = H_STOPPED;
out:
	h->pc = PC();
count:
	done = start_left - left;
	h->instret += done;
	h->cycle += done;
	d1_fp_flush(h);
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Pre-decoding of RV64IMF and the D1 extension (custom-0..3): the loaded
 * image's executable segments are decoded once into struct d1_insn, so
 * the interpreter dispatches on a handler index, never on the raw word.
 * Encodings: Documentation/accel/d1/isa.rst.
 */
#include <string.h>

#include "bits.h"
#include "decode.h"
#include "sim.h"

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

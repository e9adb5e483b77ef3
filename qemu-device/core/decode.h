/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The scalar core's pre-decoded form: d1_predecode() (decode.c) turns
 * each instruction word into a struct d1_insn (sim.h) whose op is one of
 * the handler indices below; the interpreter (hart.c) dispatches on it.
 *
 * Operand conventions the interpreter relies on:
 * - rd of an instruction writing an x register is 32 (a sink) for x0;
 * - branches and JAL whose target lies in the text have rs3 = 0 and imm
 *   as an instruction-index offset; others rs3 = 1 and imm in bytes;
 * - OP_ILLEGAL keeps the raw word in imm; OP_END is the sentinel after
 *   the text.
 * The order of D1_OPS matters: decode and execution use ranges
 * (OP_BEQ..OP_BGEU, OP_FMADD..OP_FNMADD, OP_CSRRW..OP_CSRRCI) and
 * offsets (OP_FSGNJ + funct3, OP_FCVT_W_S + rs2, OP_VARITH + the
 * enum d1_vec_kind).
 */
#ifndef D1_DECODE_H
#define D1_DECODE_H

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

#endif /* D1_DECODE_H */

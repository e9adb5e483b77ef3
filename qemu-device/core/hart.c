// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * D1 hart: the RV64IMF interpreter with the D1 extension hooks, and node
 * SRAM access.
 *
 * It runs the pre-decoded text (decode.c, decode.h): one handler per
 * enum d1_op, dispatched by threaded code where the compiler has computed
 * goto, by a switch elsewhere.  Where the text has been translated to
 * host code (jit.c), a hart runs that and the interpreter takes what it
 * leaves.  Integer and memory instructions and
 * round-to-nearest-even FP run inline; the other FP rounding modes and
 * conversions are in fp.c, CSRs and ecalls in sys.c, vector instructions
 * in vec.c and synchronisation/DMA in grid.c.
 */
#include <math.h>

#include "bits.h"
#include "decode.h"
#include "fp.h"
#include "hostfp.h"
#include "jit.h"
#include "sim.h"
#include "timing.h"

/* ---------------------------------------------------------------- memory */

bool d1_sram_readable(uint64_t addr, uint64_t len)
{
	uint64_t o = addr - D1_SRAM_BASE;

	return o <= D1_SRAM_SIZE && len <= D1_SRAM_SIZE - o;
}

bool d1_sram_writable(const struct d1_kimage *img, uint64_t addr,
		      uint64_t len)
{
	if (!d1_sram_readable(addr, len))
		return false;
	return len == 0 || addr + len <= img->text_lo || addr >= img->text_hi;
}

uint64_t d1_sram_fault_addr(uint64_t addr)
{
	return d1_sram_readable(addr, 1) ? D1_SRAM_BASE + D1_SRAM_SIZE : addr;
}

/* ------------------------------------------------------------- multiply */

/* MULHU/MULH/MULHSU: the high 64 bits of the 128-bit product. */
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
			faddr = d1_sram_fault_addr(addr);				\
			goto fault;					\
		}							\
	} while (0)

#define LOAD(sz, type)							\
	do {								\
		uint64_t a_ = x[in->rs1] + (int64_t)in->imm;		\
		SRAM_CHECK(a_, sz, D1_FAULT_LOAD);			\
		x[in->rd] = (uint64_t)(int64_t)(type)			\
			    d1_ld_le(mem + o, sz);			\
		lat += D1_TC_LOAD - 1;					\
	} while (0)

/* A store of at most 8 bytes touches at most two pages. */
#define DIRTY(off, sz)							\
	do {								\
		uint64_t p0_ = (off) >> D1_DIRTY_SHIFT;			\
		uint64_t p1_ = ((off) + (sz) - 1) >> D1_DIRTY_SHIFT;	\
		dirty[p0_ / 64] |= 1ull << (p0_ % 64);			\
		dirty[p1_ / 64] |= 1ull << (p1_ % 64);			\
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
		DIRTY(o, sz);						\
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

/* Timing: cycles beyond the one every instruction costs (timing.h) */
#define COST(c) (lat += (c) - 1)

/* Bring h->instret and h->cycle up to date (before what reads them). */
#define FLUSH()								\
	do {								\
		h->instret += start_left - left;			\
		h->cycle += start_left - left + lat;			\
		lat = 0;						\
		start_left = left;					\
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

/* A retired scalar FP arithmetic instruction: cost and one FP op. */
#define FPOP(c) (COST(c), fl++)

#define FP_RM(expr)							\
	do {								\
		int rm_ = d1_fp_rm(h, in);				\
		if (rm_ == 0) {						\
			f[in->rd] = d1_f32_canon(expr);			\
		} else if (rm_ > 0) {					\
			f[in->rd] = d1_fp_rounded(h, in, rm_);		\
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

/* Interpret at most @left instructions from h->pc; returns how many
 * retired (also counted into instret and cycle). */
static uint64_t interp(struct d1_node *n, struct d1_hart *h, uint64_t left)
{
#ifdef D1_THREADED
	static const void *const labels[OP_COUNT] = { D1_OPS(D1_OP_LABEL) };
#endif
	const struct d1_kimage *img = n->run->img;
	const struct d1_insn *code = img->code;
	const uint64_t base = img->text_lo, size = img->text_hi - img->text_lo;
	const uint64_t text_off = img->text_lo - D1_SRAM_BASE;
	const uint64_t text_end = img->text_hi - D1_SRAM_BASE;
	uint64_t *x = h->x;
	uint32_t *f = h->f;
	uint8_t *mem = n->sram;
	uint64_t *dirty = n->dirty;
	const uint64_t given = left;
	uint64_t o, faddr = 0, fpc, done = 0, start_left = left;
	uint64_t lat = 0, fl = 0;	/* timing: extra cycles, FP ops */
	uint32_t fcode = 0;
	const struct d1_insn *in;

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
		CASE(OP_MUL) x[in->rd] = x[in->rs1] * x[in->rs2]; COST(D1_TC_MUL); NEXT;
		CASE(OP_MULH) x[in->rd] = mulh64(x[in->rs1], x[in->rs2], true, true); COST(D1_TC_MUL); NEXT;
		CASE(OP_MULHSU) x[in->rd] = mulh64(x[in->rs1], x[in->rs2], true, false); COST(D1_TC_MUL); NEXT;
		CASE(OP_MULHU) x[in->rd] = mulhu64(x[in->rs1], x[in->rs2]); COST(D1_TC_MUL); NEXT;
		CASE(OP_DIV) {
			int64_t a = (int64_t)x[in->rs1], b = (int64_t)x[in->rs2];

			x[in->rd] = b == 0 ? UINT64_MAX :
				    (a == INT64_MIN && b == -1) ? (uint64_t)a :
				    (uint64_t)(a / b);
			COST(D1_TC_DIV);
			NEXT;
		}
		CASE(OP_DIVU)
			x[in->rd] = x[in->rs2] ? x[in->rs1] / x[in->rs2] : UINT64_MAX;
			COST(D1_TC_DIV);
			NEXT;
		CASE(OP_REM) {
			int64_t a = (int64_t)x[in->rs1], b = (int64_t)x[in->rs2];

			x[in->rd] = b == 0 ? (uint64_t)a :
				    (a == INT64_MIN && b == -1) ? 0 :
				    (uint64_t)(a % b);
			COST(D1_TC_DIV);
			NEXT;
		}
		CASE(OP_REMU)
			x[in->rd] = x[in->rs2] ? x[in->rs1] % x[in->rs2] : x[in->rs1];
			COST(D1_TC_DIV);
			NEXT;
		CASE(OP_MULW)
			x[in->rd] = (uint64_t)(int64_t)(int32_t)(uint32_t)(x[in->rs1] * x[in->rs2]);
			COST(D1_TC_MUL);
			NEXT;
		CASE(OP_DIVW) {
			int32_t a = (int32_t)x[in->rs1], b = (int32_t)x[in->rs2];

			x[in->rd] = (uint64_t)(int64_t)(b == 0 ? -1 :
					(a == INT32_MIN && b == -1) ? a : a / b);
			COST(D1_TC_DIV);
			NEXT;
		}
		CASE(OP_DIVUW) {
			uint32_t a = (uint32_t)x[in->rs1], b = (uint32_t)x[in->rs2];

			x[in->rd] = (uint64_t)(int64_t)(int32_t)(b ? a / b : UINT32_MAX);
			COST(D1_TC_DIV);
			NEXT;
		}
		CASE(OP_REMW) {
			int32_t a = (int32_t)x[in->rs1], b = (int32_t)x[in->rs2];

			x[in->rd] = (uint64_t)(int64_t)(b == 0 ? a :
					(a == INT32_MIN && b == -1) ? 0 : a % b);
			COST(D1_TC_DIV);
			NEXT;
		}
		CASE(OP_REMUW) {
			uint32_t a = (uint32_t)x[in->rs1], b = (uint32_t)x[in->rs2];

			x[in->rd] = (uint64_t)(int64_t)(int32_t)(b ? a % b : a);
			COST(D1_TC_DIV);
			NEXT;
		}
		CASE(OP_NOP)
			NEXT;
		CASE(OP_ECALL)
			fcode = d1_ecall(n, h, &faddr);
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

			FLUSH();
			if (!d1_csr_access(n, h, (uint32_t)in->imm, false, 0, &old))
				goto illegal;
			nv = kind == 0 ? src : kind == 1 ? old | src : old & ~src;
			if (write && !d1_csr_access(n, h, (uint32_t)in->imm, true,
						 nv, &old))
				goto illegal;
			x[in->rd] = old;
			COST(D1_TC_CSR);
			NEXT;
		}
		CASE(OP_FLW) {
			uint64_t a_ = x[in->rs1] + (int64_t)in->imm;

			SRAM_CHECK(a_, 4, D1_FAULT_LOAD);
			f[in->rd] = (uint32_t)d1_ld_le(mem + o, 4);
			COST(D1_TC_LOAD);
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
			DIRTY(o, 4);
			NEXT;
		}
		CASE(OP_FMADD)
		CASE(OP_FMSUB)
		CASE(OP_FNMSUB)
		CASE(OP_FNMADD) {
			float a = d1_b2f(f[in->rs1]), b = d1_b2f(f[in->rs2]);
			float c = d1_b2f(f[in->rs3]);
			int rm = d1_fp_rm(h, in);

			if (rm < 0)
				goto illegal;
			if (d1_fma_invalid(f[in->rs1], f[in->rs2]))
				h->fflags |= RV_NV;
			if (rm)
				f[in->rd] = d1_fp_rounded(h, in, rm);
			else if (in->op == OP_FMADD)
				f[in->rd] = d1_f32_canon(fmaf(a, b, c));
			else if (in->op == OP_FMSUB)
				f[in->rd] = d1_f32_canon(fmaf(a, b, -c));
			else if (in->op == OP_FNMSUB)
				f[in->rd] = d1_f32_canon(fmaf(-a, b, c));
			else
				f[in->rd] = d1_f32_canon(fmaf(-a, b, -c));
			COST(D1_TC_FP);
			fl += 2;
			NEXT;
		}
		CASE(OP_FADD) FP_RM(d1_b2f(f[in->rs1]) + d1_b2f(f[in->rs2])); FPOP(D1_TC_FP); NEXT;
		CASE(OP_FSUB) FP_RM(d1_b2f(f[in->rs1]) - d1_b2f(f[in->rs2])); FPOP(D1_TC_FP); NEXT;
		CASE(OP_FMUL) FP_RM(d1_b2f(f[in->rs1]) * d1_b2f(f[in->rs2])); FPOP(D1_TC_FP); NEXT;
		CASE(OP_FDIV) FP_RM(d1_b2f(f[in->rs1]) / d1_b2f(f[in->rs2])); FPOP(D1_TC_FDIV); NEXT;
		CASE(OP_FSQRT) FP_RM(sqrtf(d1_b2f(f[in->rs1]))); FPOP(D1_TC_FDIV); NEXT;
		CASE(OP_FSGNJ)
			f[in->rd] = (f[in->rs1] & 0x7fffffff) | (f[in->rs2] & 0x80000000u);
			NEXT;
		CASE(OP_FSGNJN)
			f[in->rd] = (f[in->rs1] & 0x7fffffff) | (~f[in->rs2] & 0x80000000u);
			NEXT;
		CASE(OP_FSGNJX)
			f[in->rd] = f[in->rs1] ^ (f[in->rs2] & 0x80000000u);
			NEXT;
		CASE(OP_FMIN) f[in->rd] = d1_fminmax(h, f[in->rs1], f[in->rs2], false); COST(D1_TC_FP); NEXT;
		CASE(OP_FMAX) f[in->rd] = d1_fminmax(h, f[in->rs1], f[in->rs2], true); COST(D1_TC_FP); NEXT;
		CASE(OP_FCVT_W_S) CASE(OP_FCVT_WU_S)
		CASE(OP_FCVT_L_S) CASE(OP_FCVT_LU_S) {
			int rm = d1_fp_rm(h, in);

			if (rm < 0)
				goto illegal;
			x[in->rd] = d1_fcvt_to_int(h, f[in->rs1], rm,
						in->op - OP_FCVT_W_S);
			COST(D1_TC_FP);
			NEXT;
		}
		CASE(OP_FCVT_S_W) FP_RM((float)(int32_t)x[in->rs1]); COST(D1_TC_FP); NEXT;
		CASE(OP_FCVT_S_WU) FP_RM((float)(uint32_t)x[in->rs1]); COST(D1_TC_FP); NEXT;
		CASE(OP_FCVT_S_L) FP_RM((float)(int64_t)x[in->rs1]); COST(D1_TC_FP); NEXT;
		CASE(OP_FCVT_S_LU) FP_RM((float)x[in->rs1]); COST(D1_TC_FP); NEXT;
		CASE(OP_FMV_X_W) x[in->rd] = (uint64_t)(int64_t)(int32_t)f[in->rs1]; NEXT;
		CASE(OP_FMV_W_X) f[in->rd] = (uint32_t)x[in->rs1]; NEXT;
		CASE(OP_FEQ) CASE(OP_FLT) CASE(OP_FLE)
			x[in->rd] = d1_fcmp(h, f[in->rs1], f[in->rs2], in->op);
			COST(D1_TC_FP);
			NEXT;
		CASE(OP_FCLASS) x[in->rd] = d1_fclass(f[in->rs1]); NEXT;
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
			COST(d1_tm_vec(h, in));
			NEXT;
		CASE(OP_SYNC)
			h->pc = PC();
			FLUSH();
			fcode = (uint32_t)d1_sync_exec(n, h, in, &faddr);
			if (fcode == D1_FAULT_ILLEGAL)
				goto illegal;
			if (fcode)
				goto fault;
			if (h->state != H_RUN)
				goto out;	/* blocked: retry later */
			COST(in->f7 == D1_S_DMA_START ? D1_TC_DMA : D1_TC_SYNC);
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
	h->cycle += done + lat;
	h->flops += fl;
	return given - left;
}

/*
 * Run hart @h for at most @n_insns instructions (fewer if it stops or
 * blocks): translated code where there is some (jit.c), the interpreter
 * for the rest.  Host FP flags accumulate over the whole run and are
 * folded into fflags at its end.
 */
void d1_hart_run(struct d1_node *n, struct d1_hart *h, uint64_t n_insns)
{
	const struct d1_jit *j = n->run->img->jit;
	uint64_t left = n_insns, k;

	if (h->budget - h->instret < left)
		left = h->budget - h->instret;
	d1_hostfe_set_raw(0);
	if (!j) {
		interp(n, h, left);
	} else {
		while (left && h->state == H_RUN && !n->stopped) {
			k = d1_jit_run(j, n, h, left);
			h->instret += k;	/* the code counts cycles */
			left -= k;
			if (!left)
				break;
			k = d1_jit_span(j, h->pc);
			left -= interp(n, h, k < left ? k : left);
		}
	}
	d1_fp_flush(h);
}

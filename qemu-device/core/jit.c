// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Translation of decoded node code to x86-64 host code (see jit.h).
 *
 * The text is cut into basic blocks at load time: a block starts at the
 * entry to the text, at every static branch or jump target and after
 * every instruction that ends one (branches, jumps, and instructions left
 * to the interpreter), and holds at most JIT_MAX_BLOCK instructions.
 * Each block becomes straight-line host code that
 *
 * - first checks that the hart may still run all of its instructions
 *   (r13 counts the instructions left, the block subtracts its length),
 *   so that runs stop exactly where the interpreter's would;
 * - then adds its instructions' modelled cycles and operation counts
 *   to the hart (timing.h); an exit from its middle takes back those
 *   of the instructions it did not run;
 * - keeps the guest registers in struct d1_hart (rbx) and SRAM at r12,
 *   with the same bounds checks as the interpreter;
 * - ends in a direct jump to the next block (branches and jumps with a
 *   static target are chained; JALR looks its target up in a table).
 *
 * Any check that fails - an access outside SRAM, a store into the text,
 * a jump outside it, a vector instruction that would fault - leaves the
 * translated code at that instruction, with the instruction count of the
 * ones before it, and the interpreter executes it again and reports the
 * fault exactly as it would have.  Instructions with side effects beyond
 * the hart's registers and SRAM (CSRs, ecall, ebreak, synchronisation)
 * are never translated.
 *
 * Rounding: translated FP code runs with the hart's frm = RNE only (the
 * interpreter runs harts whose frm is another mode).  Host exception
 * flags accumulate in MXCSR exactly as the interpreter's do.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "bits.h"
#include "decode.h"
#include "fp.h"
#include "jit.h"
#include "timing.h"

#if defined(__x86_64__) && defined(__linux__) && defined(__GNUC__)
#define D1_JIT_X86 1
#include <sys/mman.h>
#else
#define D1_JIT_X86 0
#endif

#define JIT_MAX_BLOCK	256
#define JIT_MAX_TEXT	(1u << 20)	/* instructions; larger: interpret */

/* What translated code sees of a run (r14 points to it). */
struct jit_ctx {
	uint64_t exit_pc;
	struct d1_node *n;
	struct d1_hart *h;
	uint8_t *sram;
	uint64_t *dirty;	/* the node's dirty-page bitmap */
	void *const *entry;	/* per instruction: its block, or NULL */
};

struct d1_jit {
	uint8_t *code;		/* mapped, read + execute */
	size_t code_size;
	void **entry;		/* per instruction index */
	uint16_t *span;		/* per index: instructions to the next entry */
	uint64_t n, text_lo;
	uint64_t (*enter)(struct jit_ctx *c, void *block, uint64_t left);
};

/* ------------------------------------------------------------ helpers */

/*
 * C helpers translated code calls for what is not worth inlining; each
 * computes exactly what the interpreter computes.
 */
static uint64_t jh_div(uint64_t x, uint64_t y, uint32_t op)
{
	switch (op) {
	case OP_DIV: {
		int64_t a = (int64_t)x, b = (int64_t)y;

		return b == 0 ? UINT64_MAX : (a == INT64_MIN && b == -1) ?
		       (uint64_t)a : (uint64_t)(a / b);
	}
	case OP_DIVU:
		return y ? x / y : UINT64_MAX;
	case OP_REM: {
		int64_t a = (int64_t)x, b = (int64_t)y;

		return b == 0 ? (uint64_t)a : (a == INT64_MIN && b == -1) ? 0 :
		       (uint64_t)(a % b);
	}
	case OP_REMU:
		return y ? x % y : x;
	case OP_DIVW: {
		int32_t a = (int32_t)x, b = (int32_t)y;

		return (uint64_t)(int64_t)(b == 0 ? -1 :
				(a == INT32_MIN && b == -1) ? a : a / b);
	}
	case OP_DIVUW: {
		uint32_t a = (uint32_t)x, b = (uint32_t)y;

		return (uint64_t)(int64_t)(int32_t)(b ? a / b : UINT32_MAX);
	}
	case OP_REMW: {
		int32_t a = (int32_t)x, b = (int32_t)y;

		return (uint64_t)(int64_t)(b == 0 ? a :
				(a == INT32_MIN && b == -1) ? 0 : a % b);
	}
	default: {	/* REMUW */
		uint32_t a = (uint32_t)x, b = (uint32_t)y;

		return (uint64_t)(int64_t)(int32_t)(b ? a % b : a);
	}
	}
}

/* FMADD/FMSUB/FNMSUB/FNMADD.S, frm = RNE (as the interpreter's). */
static uint32_t jh_fma(struct d1_hart *h, const struct d1_insn *in)
{
	float a = d1_b2f(h->f[in->rs1]), b = d1_b2f(h->f[in->rs2]);
	float c = d1_b2f(h->f[in->rs3]);
	int rm = d1_fp_rm(h, in);

	if (d1_fma_invalid(h->f[in->rs1], h->f[in->rs2]))
		h->fflags |= RV_NV;
	if (rm)
		return d1_fp_rounded(h, in, rm);
	if (in->op == OP_FMADD)
		return d1_f32_canon(__builtin_fmaf(a, b, c));
	if (in->op == OP_FMSUB)
		return d1_f32_canon(__builtin_fmaf(a, b, -c));
	if (in->op == OP_FNMSUB)
		return d1_f32_canon(__builtin_fmaf(-a, b, c));
	return d1_f32_canon(__builtin_fmaf(-a, b, -c));
}

static uint64_t jh_fcmp(struct d1_hart *h, uint32_t a, uint32_t b, int op)
{
	return d1_fcmp(h, a, b, op);
}

static uint64_t jh_fclass(uint32_t b)
{
	return d1_fclass(b);
}

static uint32_t jh_cvt_s_lu(uint64_t x)
{
	return d1_f2b((float)x);
}

/* A vector instruction: 0, or nonzero if it faults (the interpreter
 * then executes it again and reports the fault). */
static int jh_vec(struct jit_ctx *c, const struct d1_insn *in)
{
	uint64_t addr;

	return d1_vec_exec(c->n, c->h, in,
			   (enum d1_vec_kind)(in->op - OP_VARITH), &addr);
}

#if D1_JIT_X86

/* ------------------------------------------------------- the assembler */

enum { RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12, R13,
       R14, R15 };

/* Registers translated code keeps. */
#define RH	RBX	/* struct d1_hart * */
#define RMEM	R12	/* node SRAM */
#define RLEFT	R13	/* instructions the run may still retire */
#define RCTX	R14	/* struct jit_ctx * */

struct as {
	uint8_t *b;
	size_t n, cap;
	bool oom;
};

static void reserve(struct as *a, size_t k)
{
	uint8_t *p;
	size_t cap;

	if (a->n + k <= a->cap || a->oom)
		return;
	cap = a->cap ? a->cap * 2 : 65536;
	while (cap < a->n + k)
		cap *= 2;
	p = realloc(a->b, cap);
	if (!p) {
		a->oom = true;
		return;
	}
	a->b = p;
	a->cap = cap;
}

static void b1(struct as *a, unsigned int v)
{
	reserve(a, 1);
	if (!a->oom)
		a->b[a->n++] = (uint8_t)v;
	else
		a->n++;
}

static void b4(struct as *a, uint32_t v)
{
	b1(a, v);
	b1(a, v >> 8);
	b1(a, v >> 16);
	b1(a, v >> 24);
}

static void b8(struct as *a, uint64_t v)
{
	b4(a, (uint32_t)v);
	b4(a, (uint32_t)(v >> 32));
}

static void patch4(struct as *a, size_t at, uint32_t v)
{
	if (a->oom)
		return;
	memcpy(a->b + at, &v, 4);
}

/* A memory operand: [base + index + disp], or [rip + to target]. */
struct mem {
	int base, index;
	int32_t disp;
	long rip;		/* >= 0: RIP-relative to this code offset */
};

static struct mem M(int base, int32_t disp)
{
	return (struct mem){ base, -1, disp, -1 };
}

static struct mem MX(int base, int index, int32_t disp)
{
	return (struct mem){ base, index, disp, -1 };
}

static struct mem MRIP(long target)
{
	return (struct mem){ -1, -1, 0, target };
}

/* ModRM (+ SIB + displacement) for @reg and memory @m; @tail bytes of
 * immediate follow (for RIP-relative); @evex: no disp8 (it would be
 * scaled). */
static void modrm_mem(struct as *a, int reg, struct mem m, int tail, bool evex)
{
	int base = m.base & 7, mod;

	reg &= 7;
	if (m.rip >= 0) {
		b1(a, 0x05 | reg << 3);
		b4(a, (uint32_t)(m.rip - (long)(a->n + 4 + tail)));
		return;
	}
	if (m.disp == 0 && base != 5)
		mod = 0;
	else if (!evex && m.disp >= -128 && m.disp <= 127)
		mod = 1;
	else
		mod = 2;
	if (m.index >= 0 || base == 4) {
		b1(a, mod << 6 | reg << 3 | 4);
		b1(a, ((m.index >= 0 ? m.index : RSP) & 7) << 3 | base);
	} else {
		b1(a, mod << 6 | reg << 3 | base);
	}
	if (mod == 1)
		b1(a, (uint8_t)m.disp);
	else if (mod == 2)
		b4(a, (uint32_t)m.disp);
}

static void rex(struct as *a, int w, int reg, int index, int base, bool force)
{
	unsigned int r = 0x40 | (unsigned int)w << 3 | (reg >> 3 & 1) << 2 |
			 (index >= 0 ? (index >> 3 & 1) << 1 : 0) |
			 (base >= 0 ? (base >> 3 & 1) : 0);

	if (r != 0x40 || force)
		b1(a, r);
}

/* Opcode bytes, most significant first; @op = bytes, @len = how many. */
static void opc(struct as *a, uint32_t op, int len)
{
	while (len--)
		b1(a, op >> (8 * len));
}

/* [pfx] [REX] op  modrm(reg, m) */
static void rm_(struct as *a, int pfx, int w, uint32_t op, int len, int reg,
		struct mem m, int tail)
{
	if (pfx)
		b1(a, pfx);
	rex(a, w, reg, m.rip >= 0 ? -1 : m.index, m.rip >= 0 ? -1 : m.base,
	    false);
	opc(a, op, len);
	modrm_mem(a, reg, m, tail, false);
}

/* [pfx] [REX] op  modrm(reg, rm) with a register rm */
static void rr_(struct as *a, int pfx, int w, uint32_t op, int len, int reg,
		int rm)
{
	if (pfx)
		b1(a, pfx);
	rex(a, w, reg, -1, rm, false);
	opc(a, op, len);
	b1(a, 0xc0 | (reg & 7) << 3 | (rm & 7));
}

static void mov_rm(struct as *a, int r, struct mem m)	/* mov r64, m */
{
	rm_(a, 0, 1, 0x8b, 1, r, m, 0);
}

static void mov_mr(struct as *a, struct mem m, int r)	/* mov m, r64 */
{
	rm_(a, 0, 1, 0x89, 1, r, m, 0);
}

static void mov32_rm(struct as *a, int r, struct mem m)
{
	rm_(a, 0, 0, 0x8b, 1, r, m, 0);
}

static void mov32_mr(struct as *a, struct mem m, int r)
{
	rm_(a, 0, 0, 0x89, 1, r, m, 0);
}

static void mov_mi(struct as *a, struct mem m, int32_t imm)	/* qword */
{
	rm_(a, 0, 1, 0xc7, 1, 0, m, 4);
	b4(a, (uint32_t)imm);
}

static void mov32_mi(struct as *a, struct mem m, uint32_t imm)
{
	rm_(a, 0, 0, 0xc7, 1, 0, m, 4);
	b4(a, imm);
}

static void mov_ri64(struct as *a, int r, uint64_t imm)
{
	rex(a, 1, 0, -1, r, false);
	b1(a, 0xb8 + (r & 7));
	b8(a, imm);
}

static void mov_rr(struct as *a, int dst, int src)
{
	rr_(a, 0, 1, 0x89, 1, src, dst);
}

/* ALU r64 op= m64: add 03, or 0b, and 23, sub 2b, xor 33, cmp 3b */
static void alu_rm(struct as *a, uint32_t op, int w, int r, struct mem m)
{
	rm_(a, 0, w, op, 1, r, m, 0);
}

/* ALU r64 op= imm32: /0 add, /1 or, /4 and, /5 sub, /6 xor, /7 cmp */
static void alu_ri(struct as *a, int digit, int w, int r, int32_t imm)
{
	if (imm >= -128 && imm <= 127) {
		rr_(a, 0, w, 0x83, 1, digit, r);
		b1(a, (uint8_t)imm);
	} else {
		rr_(a, 0, w, 0x81, 1, digit, r);
		b4(a, (uint32_t)imm);
	}
}

enum { ALU_ADD = 0, ALU_OR = 1, ALU_AND = 4, ALU_SUB = 5, ALU_XOR = 6,
       ALU_CMP = 7 };

static void lea(struct as *a, int r, struct mem m)
{
	rm_(a, 0, 1, 0x8d, 1, r, m, 0);
}

/* shl /4, shr /5, sar /7; by an immediate or by cl (@imm < 0) */
static void shift(struct as *a, int digit, int w, int r, int imm)
{
	if (imm < 0) {
		rr_(a, 0, w, 0xd3, 1, digit, r);
	} else {
		rr_(a, 0, w, 0xc1, 1, digit, r);
		b1(a, (uint8_t)imm);
	}
}

static void movsxd_rr(struct as *a, int dst, int src)
{
	rr_(a, 0, 1, 0x63, 1, dst, src);
}

/* setcc al; movzx eax, al */
static void setcc_rax(struct as *a, int cc)
{
	b1(a, 0x0f);
	b1(a, 0x90 | cc);
	b1(a, 0xc0);
	b1(a, 0x0f);
	b1(a, 0xb6);
	b1(a, 0xc0);
}

enum { CC_B = 2, CC_AE = 3, CC_E = 4, CC_NE = 5, CC_BE = 6, CC_A = 7,
       CC_P = 0xa, CC_L = 0xc, CC_GE = 0xd };

/* jcc rel32 / jmp rel32 to a code offset fixed up later: returns where
 * the rel32 is. */
static size_t jcc32(struct as *a, int cc)
{
	b1(a, 0x0f);
	b1(a, 0x80 | cc);
	b4(a, 0);
	return a->n - 4;
}

static size_t jmp32(struct as *a)
{
	b1(a, 0xe9);
	b4(a, 0);
	return a->n - 4;
}

static void bind(struct as *a, size_t rel32_at, size_t target)
{
	patch4(a, rel32_at, (uint32_t)((long)target - (long)(rel32_at + 4)));
}

static void call_abs(struct as *a, const void *fn)
{
	mov_ri64(a, RAX, (uint64_t)(uintptr_t)fn);
	rr_(a, 0, 0, 0xff, 1, 2, RAX);		/* call rax */
}

/* SSE scalar: F3 0F op xmm, m32 */
static void sse_rm(struct as *a, int pfx, uint32_t op, int x, struct mem m)
{
	rm_(a, pfx, 0, 0x0f00 | op, 2, x, m, 0);
}

/*
 * EVEX (AVX-512) instruction: @mm 1 = 0F, 2 = 0F38, 3 = 0F3A; @pp 0/66/
 * F3/F2 as 0-3; @reg the ModRM.reg operand, @v the EVEX.vvvv one (0 if
 * unused); memory operand @m, or register @rm when m.base == -2.
 * @k opmask, @b the EVEX.b bit, @ll vector length (2 = 512) or, with b
 * on registers, the rounding mode.
 */
struct evex {
	int mm, pp, w, op, ll, b, k;
};

static void evex_(struct as *a, struct evex e, int reg, int v, struct mem m,
		  int rm, int tail)
{
	int rx, rb;

	if (m.base == -2) {
		rb = rm >> 3 & 1;
		rx = rm >> 4 & 1;
	} else {
		rb = m.rip >= 0 || m.base < 0 ? 0 : m.base >> 3 & 1;
		rx = m.index >= 0 ? m.index >> 3 & 1 : 0;
	}
	b1(a, 0x62);
	b1(a, (!(reg >> 3 & 1)) << 7 | (!rx) << 6 | (!rb) << 5 |
	      (!(reg >> 4 & 1)) << 4 | e.mm);
	b1(a, e.w << 7 | (~v & 15) << 3 | 4 | e.pp);
	b1(a, e.ll << 5 | e.b << 4 | (!(v >> 4 & 1)) << 3 | e.k);
	b1(a, e.op);
	if (m.base == -2)
		b1(a, 0xc0 | (reg & 7) << 3 | (rm & 7));
	else
		modrm_mem(a, reg, m, tail, true);
}

#define ZR ((struct mem){ -2, -1, 0, -1 })	/* "register operand" */

/* ------------------------------------------------------ the translator */

#define XOFF(r)	((int32_t)(offsetof(struct d1_hart, x) + 8 * (r)))
#define FOFF(r)	((int32_t)(offsetof(struct d1_hart, f) + 4 * (r)))
#define VOFF(r)	((int32_t)(offsetof(struct d1_hart, v) + 64 * (r)))
#define CTX(f)	((int32_t)offsetof(struct jit_ctx, f))
#define HOFF(f)	((int32_t)offsetof(struct d1_hart, f))

/*
 * A block's vector register cache: when a block's vector instructions
 * are all inlined and it calls no C, the D1 vector registers it uses
 * live in zmm registers - loaded when the block is entered, written back
 * (all it writes) on every way out, kept across iterations of a block
 * that loops to itself.  zmm31 holds canonical NaNs, the first @base
 * zmm are scratch, vector register r is in zmm(slot(r)).
 */
struct vcache {
	bool on;
	int base;
	uint32_t used, written;
	/* zmm copies that may hold a NaN with another payload than the
	 * canonical one: FP32 results are made canonical only when the
	 * bits can be seen (a store, a bitwise use, the way out), since FP
	 * arithmetic gives a NaN for a NaN input whatever its payload */
	uint32_t dirty;
};

#define ZCANON	31

static int slot(const struct vcache *vc, unsigned int r)
{
	return vc->base + __builtin_popcount(vc->used & ((1u << r) - 1));
}

/* A jump waiting for the code offset of a block or exit stub. */
struct fixup {
	size_t at;		/* rel32 position */
	uint64_t target;	/* instruction index */
};

struct jit_build {
	struct as a;
	const struct d1_insn *code;
	uint64_t n, text_lo, text_off, text_end;
	bool avx512;		/* inline AVX-512 vector code */
	long k_canon;		/* constant: canonical NaNs */
	long *block_at;		/* per index: code offset of its block, -1 */
	struct fixup *fix;	/* jumps to blocks */
	size_t nfix, fix_cap;
	size_t exit_code;	/* offset of the common exit */
	/* the block being translated */
	uint64_t start, len;
	struct vcache vc;
	size_t loop_jcc[2];	/* a self-loop's back edges */
	int nloop;
	bool wb_done;		/* registers written back on the way out */
	struct exitpt {
		size_t at;	/* rel32 */
		uint64_t idx;	/* instruction to resume at */
		uint64_t back;	/* instructions to give back to RLEFT */
		struct d1_tm_w bw;	/* their counts to take back */
		struct vcache vc;	/* registers to write back */
	} *ex;
	size_t nex, ex_cap;
	bool fail;
	bool timing;		/* count cycles and ops (timing.h) */
	/* the block's timing weights: of its first k instructions */
	struct d1_tm_w wsum[JIT_MAX_BLOCK + 1];
};

static uint64_t pc_of(const struct jit_build *jb, uint64_t i)
{
	return jb->text_lo + 4 * i;
}

static void add_fix(struct jit_build *jb, size_t at, uint64_t target)
{
	if (jb->nfix == jb->fix_cap) {
		size_t cap = jb->fix_cap ? 2 * jb->fix_cap : 1024;
		struct fixup *p = realloc(jb->fix, cap * sizeof(*p));

		if (!p) {
			jb->fail = true;
			return;
		}
		jb->fix = p;
		jb->fix_cap = cap;
	}
	jb->fix[jb->nfix++] = (struct fixup){ at, target };
}

/* Leave translated code to resume at instruction @idx, giving back
 * @back instructions of this block's count. */
static void add_exit(struct jit_build *jb, size_t at, uint64_t idx,
		     uint64_t back)
{
	if (jb->nex == jb->ex_cap) {
		size_t cap = jb->ex_cap ? 2 * jb->ex_cap : 64;
		struct exitpt *p = realloc(jb->ex, cap * sizeof(*p));

		if (!p) {
			jb->fail = true;
			return;
		}
		jb->ex = p;
		jb->ex_cap = cap;
	}
	jb->ex[jb->nex] = (struct exitpt){ at, idx, back, { 0 },
					   { false, 0, 0, 0, 0 } };
	if (back) {	/* [idx, idx + back) is the rest of this block */
		const struct d1_tm_w *all = &jb->wsum[jb->len];
		const struct d1_tm_w *done = &jb->wsum[idx - jb->start];

		jb->ex[jb->nex].bw = (struct d1_tm_w){
			all->cycles - done->cycles, all->vec - done->vec,
			all->mat - done->mat, all->flops - done->flops };
	}
	jb->nex++;
}

/* A jump (already emitted, rel32 at @at) out of the middle of the block
 * at instruction @i: the interpreter executes @i next. */
static void exit_at(struct jit_build *jb, size_t at, uint64_t i)
{
	add_exit(jb, at, i, jb->start + jb->len - i);
	if (!jb->fail)
		jb->ex[jb->nex - 1].vc = jb->vc;	/* registers out first */
}

/* Continue at instruction @target after the block (its count retired). */
static void goto_index(struct jit_build *jb, size_t at, uint64_t target)
{
	if (target < jb->n && jb->block_at[target] != -2)
		add_fix(jb, at, target);	/* a block: chain to it */
	else
		add_exit(jb, at, target, 0);
}

static bool is_branch(unsigned int op)
{
	return op >= OP_BEQ && op <= OP_BGEU;
}

/* Does the block end after this instruction? */
static bool ends_block(unsigned int op)
{
	return is_branch(op) || op == OP_JAL || op == OP_JALR;
}

/* Left to the interpreter: side effects beyond registers and SRAM, or
 * nothing to run. */
static bool interp_only(unsigned int op)
{
	return op == OP_ILLEGAL || op == OP_END || op == OP_ECALL ||
	       op == OP_EBREAK || (op >= OP_CSRRW && op <= OP_CSRRCI) ||
	       op == OP_SYNC;
}

/* SRAM offset of x[rs1] + imm into rax; to the exit if it is outside
 * SRAM for @sz bytes (or, for stores, inside the text). */
static void sram_addr(struct jit_build *jb, uint64_t i, int sz, bool store)
{
	struct as *a = &jb->a;
	const struct d1_insn *in = &jb->code[i];
	int32_t off = in->imm - D1_SRAM_BASE;

	mov_rm(a, RAX, M(RH, XOFF(in->rs1)));
	lea(a, RAX, M(RAX, off));
	if (store && jb->text_off == 0) {
		/* writable: [text_end, SRAM_SIZE - sz], one unsigned compare */
		alu_ri(a, ALU_SUB, 1, RAX, (int32_t)jb->text_end);
		alu_ri(a, ALU_CMP, 1, RAX,
		       (int32_t)(D1_SRAM_SIZE - sz - jb->text_end));
		exit_at(jb, jcc32(a, CC_A), i);
		lea(a, RAX, M(RAX, (int32_t)jb->text_end));
		return;
	}
	alu_ri(a, ALU_CMP, 1, RAX, D1_SRAM_SIZE - sz);
	exit_at(jb, jcc32(a, CC_A), i);
	if (store) {	/* overlap: o < text_end && o + sz > text_off */
		size_t ok;

		lea(a, RCX, M(RAX, sz));
		alu_ri(a, ALU_CMP, 1, RCX, (int32_t)jb->text_off);
		ok = jcc32(a, CC_BE);
		alu_ri(a, ALU_CMP, 1, RAX, (int32_t)jb->text_end);
		exit_at(jb, jcc32(a, CC_B), i);
		bind(a, ok, a->n);
	}
}

/* dirty[page / 64] |= 1 << page % 64 for the page number in @r
 * (rdx: the bitmap); clobbers r8, r9. */
static void mark_page(struct as *a, int r)
{
	mov_rr(a, R8, r);
	shift(a, 5, 1, R8, 6);
	shift(a, 4, 1, R8, 3);			/* byte offset of its word */
	rr_(a, 0, 0, 0x31, 1, R9, R9);		/* xor r9d, r9d */
	rr_(a, 0, 1, 0x0fab, 2, r, R9);		/* bts r9, r */
	rm_(a, 0, 1, 0x09, 1, R9, MX(RDX, R8, 0), 0);	/* or [rdx+r8], r9 */
}

/*
 * Mark the dirty pages of the @sz bytes stored at SRAM offset rax, as the
 * interpreter's DIRTY() does: the first page and, if another, the last
 * (@sz is at most a page).  Clobbers rax, rcx, rdx, r8, r9.
 */
static void mark_dirty(struct as *a, int sz)
{
	size_t same;

	mov_rm(a, RDX, M(RCTX, CTX(dirty)));
	lea(a, RCX, M(RAX, sz - 1));
	shift(a, 5, 1, RAX, D1_DIRTY_SHIFT);
	shift(a, 5, 1, RCX, D1_DIRTY_SHIFT);
	mark_page(a, RAX);
	rr_(a, 0, 1, 0x39, 1, RAX, RCX);	/* cmp rcx, rax */
	same = jcc32(a, CC_E);
	mark_page(a, RCX);
	bind(a, same, a->n);
}

/* Store an FP32 result in xmm0 to f[rd], NaN canonical. */
static void store_f32_canon(struct as *a, int rd)
{
	size_t nan, done;

	rr_(a, 0, 0, 0x0f2e, 2, 0, 0);		/* ucomiss xmm0, xmm0 */
	nan = jcc32(a, CC_P);
	sse_rm(a, 0xf3, 0x11, 0, M(RH, FOFF(rd)));	/* movss [f], xmm0 */
	done = jmp32(a);
	bind(a, nan, a->n);
	mov32_mi(a, M(RH, FOFF(rd)), D1_F32_CANON_NAN);
	bind(a, done, a->n);
}

/* Call a helper returning in rax after loading rdi/rsi/rdx/rcx. */
static void call_fp_rounded(struct jit_build *jb, const struct d1_insn *in,
			    int rm)
{
	struct as *a = &jb->a;

	mov_rr(a, RDI, RH);
	mov_ri64(a, RSI, (uint64_t)(uintptr_t)in);
	mov_ri64(a, RDX, (uint64_t)rm);
	call_abs(a, (const void *)d1_fp_rounded);
	mov32_mr(a, M(RH, FOFF(in->rd)), RAX);
}

/* ------------------------------------------------ vector instructions */

static struct evex EV(int mm, int pp, int op, int ll, int b, int k)
{
	return (struct evex){ mm, pp, 0, op, ll, b, k };
}

/* vmovups zmm@z, m / m, zmm@z */
static void vload(struct as *a, int z, struct mem m)
{
	evex_(a, EV(1, 0, 0x10, 2, 0, 0), z, 0, m, 0, 0);
}

static void vstore(struct as *a, struct mem m, int z)
{
	evex_(a, EV(1, 0, 0x11, 2, 0, 0), z, 0, m, 0, 0);
}

/* vmovaps zmm@d, zmm@s */
static void vmov(struct as *a, int d, int s)
{
	evex_(a, EV(1, 0, 0x28, 2, 0, 0), d, 0, ZR, s, 0);
}

/* FP32 op {rn-sae} (no host exceptions): zmm@d = zmm@v op zmm@r */
static void vfp(struct as *a, int mm, int pp, int op, int d, int v, int r)
{
	evex_(a, EV(mm, pp, op, 0, 1, 0), d, v, ZR, r, 0);
}

/* zmm@z's NaN lanes made canonical, from zmm31 (@cached) or memory */
static void vcanon_z(struct jit_build *jb, int z, bool cached)
{
	struct as *a = &jb->a;

	/* vcmpunordps k1, z, z {sae}; then z{k1} = canonical NaNs */
	evex_(a, EV(1, 0, 0xc2, 0, 1, 0), 1, z, ZR, z, 1);
	b1(a, 3);
	if (cached)
		evex_(a, EV(1, 0, 0x28, 2, 0, 1), z, 0, ZR, ZCANON, 0);
	else
		evex_(a, EV(1, 0, 0x10, 2, 0, 1), z, 0, MRIP(jb->k_canon), 0, 0);
}

/* The zmm holding vector register @r for reading: its cache slot, or
 * scratch @z loaded from the register file. */
static int vsrc(struct jit_build *jb, unsigned int r, int z)
{
	if (jb->vc.on)
		return slot(&jb->vc, r);
	vload(&jb->a, z, M(RH, VOFF(r)));
	return z;
}

/* The same for a use that sees the bits (not just the FP value). */
static int vsrc_bits(struct jit_build *jb, unsigned int r, int z)
{
	if (jb->vc.on && (jb->vc.dirty >> r & 1)) {
		vcanon_z(jb, slot(&jb->vc, r), true);
		jb->vc.dirty &= ~(1u << r);
	}
	return vsrc(jb, r, z);
}

/* The zmm to compute vector register @r in (then vdone()). */
static int vdst(struct jit_build *jb, unsigned int r, int z)
{
	return jb->vc.on ? slot(&jb->vc, r) : z;
}

/* @r computed in zmm@z; @fp: an FP32 result (NaNs made canonical). */
static void vdone(struct jit_build *jb, unsigned int r, int z, bool fp)
{
	if (jb->vc.on) {
		if (fp)
			jb->vc.dirty |= 1u << r;
		else
			jb->vc.dirty &= ~(1u << r);
		return;
	}
	if (fp)
		vcanon_z(jb, z, false);
	vstore(&jb->a, M(RH, VOFF(r)), z);
}

/* Cached registers back to the register file (NaNs canonical). */
static void vc_writeback(struct jit_build *jb, const struct vcache *vc)
{
	unsigned int r;

	for (r = 0; r < 32; r++) {
		if (!vc->on || !(vc->written >> r & 1))
			continue;
		if (vc->dirty >> r & 1)
			vcanon_z(jb, slot(vc, r), true);
		vstore(&jb->a, M(RH, VOFF(r)), slot(vc, r));
	}
}

static void vc_load(struct jit_build *jb)
{
	unsigned int r;

	jb->vc.dirty = 0;
	vload(&jb->a, ZCANON, MRIP(jb->k_canon));
	for (r = 0; r < 32; r++)
		if (jb->vc.used >> r & 1)
			vload(&jb->a, slot(&jb->vc, r), M(RH, VOFF(r)));
}

/*
 * vmma.bf16: one zmm of C holds rows 2j and 2j+1, as in vecfast.h's
 * AVX-512 path.  Per k it needs A[2j][k] in the low and A[2j+1][k] in
 * the high eight lanes, and B's row k in both halves.  Cross-lane
 * shuffles are the scarce resource, so A's rows are first arranged in
 * pairs, [row 2j, row 2j, row 2j+1, row 2j+1] by 128-bit lane, and the
 * per-k broadcast is an in-lane vpermilps.  Scratch: zmm0-9.
 */
static void emit_vmma_bf16(struct jit_build *jb, const struct d1_insn *in)
{
	struct as *a = &jb->a;
	const bool vc = jb->vc.on;
	int j, k, h;

	/* A's rows 0-3 and 4-7 in zmm0/1, B's rows 0-1 and 2-3 in zmm2/3,
	 * as FP32: zero-extend the BF16 words, shift into the top half */
	for (h = 0; h < 2; h++) {
		unsigned int r = h ? in->rs2 : in->rs1;

		if (vc) {
			vsrc_bits(jb, r, 0);
			/* vextracti64x4 ymm(2h+1), zmm(slot), 1 */
			evex_(a, (struct evex){ 3, 1, 1, 0x3b, 2, 0, 0 },
			      slot(&jb->vc, r), 0, ZR, 2 * h + 1, 1);
			b1(a, 1);
			/* vpmovzxwd zmm(2h), ymm(slot); zmm(2h+1), ymm(2h+1) */
			evex_(a, EV(2, 1, 0x33, 2, 0, 0), 2 * h, 0, ZR,
			      slot(&jb->vc, r), 0);
			evex_(a, EV(2, 1, 0x33, 2, 0, 0), 2 * h + 1, 0, ZR,
			      2 * h + 1, 0);
		} else {
			evex_(a, EV(2, 1, 0x33, 2, 0, 0), 2 * h, 0,
			      M(RH, VOFF(r)), 0, 0);
			evex_(a, EV(2, 1, 0x33, 2, 0, 0), 2 * h + 1, 0,
			      M(RH, VOFF(r) + 32), 0, 0);
		}
	}
	for (h = 0; h < 4; h++) {	/* vpslld zmm@h, zmm@h, 16 */
		evex_(a, EV(1, 1, 0x72, 2, 0, 0), 6, h, ZR, h, 1);
		b1(a, 16);
	}
	/* vshuff32x4: B's row k in both halves (zmm4+k); A's row pairs
	 * j = 0, 1, 2, 3 in zmm2, 3, 0, 1 (lanes 0011 and 2233 of a half) */
	for (k = 0; k < 4; k++) {
		evex_(a, EV(3, 1, 0x23, 2, 0, 0), 4 + k, 2 + k / 2, ZR,
		      2 + k / 2, 1);
		b1(a, k % 2 ? 0xee : 0x44);
	}
	for (j = 0; j < 4; j++) {
		static const int dst[] = { 2, 3, 0, 1 };

		evex_(a, EV(3, 1, 0x23, 2, 0, 0), dst[j], j / 2, ZR, j / 2, 1);
		b1(a, j % 2 ? 0xfa : 0x50);
	}
	for (j = 0; j < 4; j++) {
		static const int pair[] = { 2, 3, 0, 1 };
		int c = 9;

		if (vc)
			c = slot(&jb->vc, in->rd + j);
		else
			vload(a, c, M(RH, VOFF(in->rd + j)));
		for (k = 0; k < 4; k++) {
			/* vpermilps zmm8, pair, k k k k; C += zmm8 * Bk */
			evex_(a, EV(3, 1, 0x04, 2, 0, 0), 8, 0, ZR, pair[j], 1);
			b1(a, 0x55 * k);
			vfp(a, 2, 1, 0xb8, c, 8, 4 + k);
		}
		vdone(jb, in->rd + j, c, true);
	}
}

/* Scratch zmm registers an inline vector instruction needs, or -1 if
 * it is not inlined (the C implementation runs it). */
static int vec_inline(const struct jit_build *jb, const struct d1_insn *in)
{
	if (!jb->avx512)
		return -1;
	if (in->op == OP_VMEM)
		return in->f3 <= D1_VM_LDBC32 ? 1 : -1;
	if (in->op == OP_VARITH && in->f3 == D1_T_FP32 && in->f7 <= D1_V_MUL)
		return 2;
	if (in->op == OP_VARITH && in->f7 == D1_V_SPLAT && !in->rs2)
		return 1;
	if (in->op == OP_V3 && in->f7 == D1_V3_FMA && in->f3 == D1_T_FP32)
		return 3;
	if (in->op == OP_V3 && in->f7 == D1_V3_MMA && in->f3 == D1_T_BF16 &&
	    !in->rs3 && !(in->rd & 3))
		return 10;
	return -1;
}

/* The vector registers an inlined instruction reads or writes. */
static void vec_regs(const struct d1_insn *in, uint32_t *used,
		     uint32_t *written)
{
	uint32_t u = 0, w = 0;

	if (in->op == OP_VMEM) {
		if (in->f3 == D1_VM_ST)
			u = 1u << in->rs2;
		else
			w = 1u << in->rd;
	} else if (in->op == OP_VARITH && in->f7 == D1_V_SPLAT) {
		w = 1u << in->rd;
	} else if (in->op == OP_VARITH) {
		u = 1u << in->rs1 | 1u << in->rs2;
		w = 1u << in->rd;
	} else if (in->f7 == D1_V3_FMA) {
		u = 1u << in->rs1 | 1u << in->rs2 | 1u << in->rs3;
		w = 1u << in->rd;
	} else {	/* vmma: C is read and written */
		u = 1u << in->rs1 | 1u << in->rs2 | 0xfu << in->rd;
		w = 0xfu << in->rd;
	}
	*used |= u | w;
	*written |= w;
}

/* Inline AVX-512 code for vector instruction @i; false: call C. */
static bool emit_vec_inline(struct jit_build *jb, uint64_t i)
{
	struct as *a = &jb->a;
	const struct d1_insn *in = &jb->code[i];
	int d, x, y;

	if (vec_inline(jb, in) < 0)
		return false;
	if (in->op == OP_VMEM) {
		struct mem sram = MX(RMEM, RAX, 0);

		switch (in->f3) {
		case D1_VM_LD:
			sram_addr(jb, i, 64, false);
			d = vdst(jb, in->rd, 0);
			vload(a, d, sram);
			vdone(jb, in->rd, d, false);
			return true;
		case D1_VM_LDBC32:	/* vbroadcastss zmm, [sram] */
			sram_addr(jb, i, 4, false);
			d = vdst(jb, in->rd, 0);
			evex_(a, EV(2, 1, 0x18, 2, 0, 0), d, 0, sram, 0, 0);
			vdone(jb, in->rd, d, false);
			return true;
		default:		/* D1_VM_ST */
			sram_addr(jb, i, 64, true);
			vstore(a, sram, vsrc_bits(jb, in->rs2, 0));
			mark_dirty(a, 64);
			return true;
		}
	}
	if (in->op == OP_VARITH && in->f7 == D1_V_SPLAT) {
		/* vpbroadcastb/w/d zmm, eax */
		static const int op[] = { 0x7c, 0x7b, 0x7b, 0x7a, 0x7a, 0x7a, 0x7b,
					  0x7c };

		mov32_rm(a, RAX, M(RH, XOFF(in->rs1)));
		d = vdst(jb, in->rd, 0);
		evex_(a, EV(2, 1, op[in->f3], 2, 0, 0), d, 0, ZR, RAX, 0);
		vdone(jb, in->rd, d, false);
		return true;
	}
	if (in->op == OP_VARITH) {	/* FP32 add, sub, mul */
		static const int op[] = { 0x58, 0x5c, 0x59 };

		x = vsrc(jb, in->rs1, 0);
		y = vsrc(jb, in->rs2, 1);
		d = vdst(jb, in->rd, 0);
		vfp(a, 1, 0, op[in->f7], d, x, y);
		vdone(jb, in->rd, d, true);
		return true;
	}
	if (in->f7 == D1_V3_FMA) {	/* vd = vs1 * vs2 + vs3 */
		int z = vsrc(jb, in->rs3, 0);

		x = vsrc(jb, in->rs1, 1);
		y = vsrc(jb, in->rs2, 2);
		d = vdst(jb, in->rd, 0);
		if (d == z) {
			vfp(a, 2, 1, 0xb8, d, x, y);	/* 231: d = x y + d */
		} else if (d == x) {
			vfp(a, 2, 1, 0xa8, d, y, z);	/* 213: d = y d + z */
		} else if (d == y) {
			vfp(a, 2, 1, 0xa8, d, x, z);
		} else {
			vmov(a, d, z);
			vfp(a, 2, 1, 0xb8, d, x, y);
		}
		vdone(jb, in->rd, d, true);
		return true;
	}
	emit_vmma_bf16(jb, in);
	return true;
}

/* Translate instruction @i (one the block former let through). */
static void emit_insn(struct jit_build *jb, uint64_t i)
{
	struct as *a = &jb->a;
	const struct d1_insn *in = &jb->code[i];
	const int rd = in->rd, rs1 = in->rs1, rs2 = in->rs2;
	const uint64_t pc = pc_of(jb, i);
	int rm = in->f3 == 7 ? 0 : in->f3;	/* frm is RNE here */
	size_t at;

	switch (in->op) {
	case OP_NOP:
		return;
	case OP_LUI:
		if (rd != 32)
			mov_mi(a, M(RH, XOFF(rd)), in->imm);
		return;
	case OP_AUIPC:
		if (rd != 32) {
			mov_ri64(a, RAX, pc + (uint64_t)(int64_t)in->imm);
			mov_mr(a, M(RH, XOFF(rd)), RAX);
		}
		return;
	case OP_JAL:
		if (in->rs3) {		/* target outside the text */
			exit_at(jb, jmp32(a), i);
			return;
		}
		vc_writeback(jb, &jb->vc);
		if (rd != 32)
			mov_mi(a, M(RH, XOFF(rd)), (int32_t)(pc + 4));
		goto_index(jb, jmp32(a), i + (uint64_t)(int64_t)in->imm);
		return;
	case OP_JALR:
		mov_rm(a, RAX, M(RH, XOFF(rs1)));
		alu_ri(a, ALU_ADD, 1, RAX, in->imm);
		alu_ri(a, ALU_AND, 1, RAX, -2);
		mov_rr(a, RCX, RAX);
		alu_ri(a, ALU_SUB, 1, RCX, (int32_t)jb->text_lo);
		/* test cl, 3 */
		b1(a, 0xf6);
		b1(a, 0xc1);
		b1(a, 3);
		exit_at(jb, jcc32(a, CC_NE), i);
		alu_ri(a, ALU_CMP, 1, RCX, (int32_t)(4 * jb->n));
		exit_at(jb, jcc32(a, CC_AE), i);
		mov_rm(a, RDX, M(RCTX, CTX(entry)));
		/* mov rdx, [rdx + rcx*2] */
		b1(a, 0x48);
		b1(a, 0x8b);
		b1(a, 0x14);
		b1(a, 0x4a);
		rr_(a, 0, 1, 0x85, 1, RDX, RDX);	/* test rdx, rdx */
		exit_at(jb, jcc32(a, CC_E), i);
		vc_writeback(jb, &jb->vc);
		if (rd != 32)
			mov_mi(a, M(RH, XOFF(rd)), (int32_t)(pc + 4));
		rr_(a, 0, 0, 0xff, 1, 4, RDX);		/* jmp rdx */
		return;
	case OP_BEQ: case OP_BNE: case OP_BLT: case OP_BGE: case OP_BLTU:
	case OP_BGEU: {
		static const int cc[] = { CC_E, CC_NE, CC_L, CC_GE, CC_B, CC_AE };

		uint64_t target = i + (uint64_t)(int64_t)in->imm;

		mov_rm(a, RAX, M(RH, XOFF(rs1)));
		alu_rm(a, 0x3b, 1, RAX, M(RH, XOFF(rs2)));
		if (jb->vc.on && !in->rs3 && target == jb->start) {
			/* a loop: registers stay cached (emit_block) */
			jb->loop_jcc[jb->nloop++] = jcc32(a, cc[in->op - OP_BEQ]);
			return;
		}
		vc_writeback(jb, &jb->vc);	/* flags survive stores */
		jb->wb_done = true;
		at = jcc32(a, cc[in->op - OP_BEQ]);
		if (in->rs3)
			exit_at(jb, at, i);	/* the interpreter faults */
		else
			goto_index(jb, at, target);
		return;
	}
	case OP_LB: case OP_LH: case OP_LW: case OP_LD: case OP_LBU:
	case OP_LHU: case OP_LWU: case OP_FLW: {
		static const int size[] = { 1, 2, 4, 8, 1, 2, 4 };
		struct mem src = MX(RMEM, RAX, 0);
		int sz = in->op == OP_FLW ? 4 : size[in->op - OP_LB];

		sram_addr(jb, i, sz, false);
		switch (in->op) {
		case OP_LB: rm_(a, 0, 1, 0x0fbe, 2, RCX, src, 0); break;
		case OP_LH: rm_(a, 0, 1, 0x0fbf, 2, RCX, src, 0); break;
		case OP_LW: rm_(a, 0, 1, 0x63, 1, RCX, src, 0); break;
		case OP_LD: mov_rm(a, RCX, src); break;
		case OP_LBU: rm_(a, 0, 0, 0x0fb6, 2, RCX, src, 0); break;
		case OP_LHU: rm_(a, 0, 0, 0x0fb7, 2, RCX, src, 0); break;
		default: mov32_rm(a, RCX, src); break;	/* LWU, FLW */
		}
		if (in->op == OP_FLW)
			mov32_mr(a, M(RH, FOFF(rd)), RCX);
		else if (rd != 32)
			mov_mr(a, M(RH, XOFF(rd)), RCX);
		return;
	}
	case OP_SB: case OP_SH: case OP_SW: case OP_SD: case OP_FSW: {
		int sz = in->op == OP_FSW ? 4 : 1 << (in->op - OP_SB);
		struct mem dst = MX(RMEM, RAX, 0);

		sram_addr(jb, i, sz, true);
		if (in->op == OP_FSW)
			mov32_rm(a, RCX, M(RH, FOFF(rs2)));
		else
			mov_rm(a, RCX, M(RH, XOFF(rs2)));
		switch (sz) {
		case 1: rm_(a, 0, 0, 0x88, 1, RCX, dst, 0); break;
		case 2: rm_(a, 0x66, 0, 0x89, 1, RCX, dst, 0); break;
		case 4: mov32_mr(a, dst, RCX); break;
		default: mov_mr(a, dst, RCX); break;
		}
		mark_dirty(a, sz);
		return;
	}
	default:
		break;
	}

	/* Integer arithmetic has no effect when its result goes to x0. */
	if (rd == 32 && in->op < OP_FLW)
		return;
	switch (in->op) {
	case OP_ADDI: case OP_XORI: case OP_ORI: case OP_ANDI: {
		static const int d[] = { ALU_ADD, 0, 0, ALU_XOR, ALU_OR, ALU_AND };

		mov_rm(a, RAX, M(RH, XOFF(rs1)));
		if (in->imm)
			alu_ri(a, d[in->op - OP_ADDI], 1, RAX, in->imm);
		break;
	}
	case OP_SLTI: case OP_SLTIU:
		mov_rm(a, RAX, M(RH, XOFF(rs1)));
		alu_ri(a, ALU_CMP, 1, RAX, in->imm);
		setcc_rax(a, in->op == OP_SLTI ? CC_L : CC_B);
		break;
	case OP_SLLI: case OP_SRLI: case OP_SRAI:
		mov_rm(a, RAX, M(RH, XOFF(rs1)));
		shift(a, in->op == OP_SLLI ? 4 : in->op == OP_SRLI ? 5 : 7, 1,
		      RAX, in->imm);
		break;
	case OP_ADD: case OP_SUB: case OP_XOR: case OP_OR: case OP_AND: {
		uint32_t op = in->op == OP_ADD ? 0x03 : in->op == OP_SUB ? 0x2b :
			      in->op == OP_XOR ? 0x33 : in->op == OP_OR ? 0x0b : 0x23;

		mov_rm(a, RAX, M(RH, XOFF(rs1)));
		alu_rm(a, op, 1, RAX, M(RH, XOFF(rs2)));
		break;
	}
	case OP_SLT: case OP_SLTU:
		mov_rm(a, RAX, M(RH, XOFF(rs1)));
		alu_rm(a, 0x3b, 1, RAX, M(RH, XOFF(rs2)));
		setcc_rax(a, in->op == OP_SLT ? CC_L : CC_B);
		break;
	case OP_SLL: case OP_SRL: case OP_SRA:
	case OP_SLLW: case OP_SRLW: case OP_SRAW: {
		int w = in->op == OP_SLL || in->op == OP_SRL || in->op == OP_SRA;
		int digit = in->op == OP_SLL || in->op == OP_SLLW ? 4 :
			    in->op == OP_SRL || in->op == OP_SRLW ? 5 : 7;

		mov_rm(a, RAX, M(RH, XOFF(rs1)));
		mov_rm(a, RCX, M(RH, XOFF(rs2)));
		shift(a, digit, w, RAX, -1);
		if (!w)
			movsxd_rr(a, RAX, RAX);
		break;
	}
	case OP_ADDIW:
		mov32_rm(a, RAX, M(RH, XOFF(rs1)));
		if (in->imm)
			alu_ri(a, ALU_ADD, 0, RAX, in->imm);
		movsxd_rr(a, RAX, RAX);
		break;
	case OP_SLLIW: case OP_SRLIW: case OP_SRAIW:
		mov32_rm(a, RAX, M(RH, XOFF(rs1)));
		shift(a, in->op == OP_SLLIW ? 4 : in->op == OP_SRLIW ? 5 : 7, 0,
		      RAX, in->imm);
		movsxd_rr(a, RAX, RAX);
		break;
	case OP_ADDW: case OP_SUBW:
		mov32_rm(a, RAX, M(RH, XOFF(rs1)));
		alu_rm(a, in->op == OP_ADDW ? 0x03 : 0x2b, 0, RAX,
		       M(RH, XOFF(rs2)));
		movsxd_rr(a, RAX, RAX);
		break;
	case OP_MUL:
		mov_rm(a, RAX, M(RH, XOFF(rs1)));
		rm_(a, 0, 1, 0x0faf, 2, RAX, M(RH, XOFF(rs2)), 0);
		break;
	case OP_MULW:
		mov32_rm(a, RAX, M(RH, XOFF(rs1)));
		rm_(a, 0, 0, 0x0faf, 2, RAX, M(RH, XOFF(rs2)), 0);
		movsxd_rr(a, RAX, RAX);
		break;
	case OP_MULH: case OP_MULHU: case OP_MULHSU:
		mov_rm(a, RAX, M(RH, XOFF(rs1)));
		/* imul /5 or mul /4 qword [rs2]: rdx:rax */
		rm_(a, 0, 1, 0xf7, 1, in->op == OP_MULH ? 5 : 4,
		    M(RH, XOFF(rs2)), 0);
		if (in->op == OP_MULHSU) {	/* mulhu - (a < 0 ? b : 0) */
			mov_rm(a, RAX, M(RH, XOFF(rs1)));
			shift(a, 7, 1, RAX, 63);
			alu_rm(a, 0x23, 1, RAX, M(RH, XOFF(rs2)));
			rr_(a, 0, 1, 0x29, 1, RAX, RDX);	/* sub rdx, rax */
		}
		mov_rr(a, RAX, RDX);
		break;
	case OP_DIV: case OP_DIVU: case OP_REM: case OP_REMU:
	case OP_DIVW: case OP_DIVUW: case OP_REMW: case OP_REMUW:
		mov_rm(a, RDI, M(RH, XOFF(rs1)));
		mov_rm(a, RSI, M(RH, XOFF(rs2)));
		mov_ri64(a, RDX, in->op);
		call_abs(a, (const void *)jh_div);
		break;

	/* ---- F ---- */
	case OP_FADD: case OP_FSUB: case OP_FMUL: case OP_FDIV: case OP_FSQRT: {
		static const uint32_t op[] = { 0x58, 0x5c, 0x59, 0x5e, 0x51 };

		if (rm) {
			call_fp_rounded(jb, in, rm);
			return;
		}
		if (in->op == OP_FSQRT) {
			sse_rm(a, 0xf3, 0x51, 0, M(RH, FOFF(rs1)));
		} else {
			sse_rm(a, 0xf3, 0x10, 0, M(RH, FOFF(rs1)));
			sse_rm(a, 0xf3, op[in->op - OP_FADD], 0, M(RH, FOFF(rs2)));
		}
		store_f32_canon(a, rd);
		return;
	}
	case OP_FMADD: case OP_FMSUB: case OP_FNMSUB: case OP_FNMADD:
		mov_rr(a, RDI, RH);
		mov_ri64(a, RSI, (uint64_t)(uintptr_t)in);
		call_abs(a, (const void *)jh_fma);
		mov32_mr(a, M(RH, FOFF(rd)), RAX);
		return;
	case OP_FSGNJ: case OP_FSGNJN: case OP_FSGNJX:
		mov32_rm(a, RAX, M(RH, FOFF(rs1)));
		mov32_rm(a, RCX, M(RH, FOFF(rs2)));
		if (in->op == OP_FSGNJN)
			rr_(a, 0, 0, 0xf7, 1, 2, RCX);	/* not ecx */
		alu_ri(a, ALU_AND, 0, RCX, (int32_t)0x80000000);
		if (in->op != OP_FSGNJX)
			alu_ri(a, ALU_AND, 0, RAX, 0x7fffffff);
		rr_(a, 0, 0, 0x31, 1, RCX, RAX);	/* xor eax, ecx */
		mov32_mr(a, M(RH, FOFF(rd)), RAX);
		return;
	case OP_FMIN: case OP_FMAX:
		mov_rr(a, RDI, RH);
		mov32_rm(a, RSI, M(RH, FOFF(rs1)));
		mov32_rm(a, RDX, M(RH, FOFF(rs2)));
		mov_ri64(a, RCX, in->op == OP_FMAX);
		call_abs(a, (const void *)d1_fminmax);
		mov32_mr(a, M(RH, FOFF(rd)), RAX);
		return;
	case OP_FCVT_W_S: case OP_FCVT_WU_S: case OP_FCVT_L_S: case OP_FCVT_LU_S:
		mov_rr(a, RDI, RH);
		mov32_rm(a, RSI, M(RH, FOFF(rs1)));
		mov_ri64(a, RDX, (uint64_t)rm);
		mov_ri64(a, RCX, in->op - OP_FCVT_W_S);
		call_abs(a, (const void *)d1_fcvt_to_int);
		break;
	case OP_FCVT_S_W: case OP_FCVT_S_WU: case OP_FCVT_S_L: case OP_FCVT_S_LU:
		if (rm) {
			call_fp_rounded(jb, in, rm);
			return;
		}
		if (in->op == OP_FCVT_S_LU) {
			mov_rm(a, RDI, M(RH, XOFF(rs1)));
			call_abs(a, (const void *)jh_cvt_s_lu);
			mov32_mr(a, M(RH, FOFF(rd)), RAX);
			return;
		}
		if (in->op == OP_FCVT_S_W) {	/* cvtsi2ss xmm0, dword */
			sse_rm(a, 0xf3, 0x2a, 0, M(RH, XOFF(rs1)));
		} else {
			if (in->op == OP_FCVT_S_WU)
				mov32_rm(a, RAX, M(RH, XOFF(rs1)));
			else
				mov_rm(a, RAX, M(RH, XOFF(rs1)));
			/* cvtsi2ss xmm0, rax */
			b1(a, 0xf3);
			b1(a, 0x48);
			b1(a, 0x0f);
			b1(a, 0x2a);
			b1(a, 0xc0);
		}
		sse_rm(a, 0xf3, 0x11, 0, M(RH, FOFF(rd)));
		return;
	case OP_FMV_X_W:
		rm_(a, 0, 1, 0x63, 1, RAX, M(RH, FOFF(rs1)), 0);
		break;
	case OP_FMV_W_X:
		mov32_rm(a, RAX, M(RH, XOFF(rs1)));
		mov32_mr(a, M(RH, FOFF(rd)), RAX);
		return;
	case OP_FEQ: case OP_FLT: case OP_FLE:
		mov_rr(a, RDI, RH);
		mov32_rm(a, RSI, M(RH, FOFF(rs1)));
		mov32_rm(a, RDX, M(RH, FOFF(rs2)));
		mov_ri64(a, RCX, in->op);
		call_abs(a, (const void *)jh_fcmp);
		break;
	case OP_FCLASS:
		mov32_rm(a, RDI, M(RH, FOFF(rs1)));
		call_abs(a, (const void *)jh_fclass);
		break;

	/* ---- D1 vector unit ---- */
	case OP_VARITH: case OP_V3: case OP_VMEM:
		if (emit_vec_inline(jb, i))
			return;
		mov_rr(a, RDI, RCTX);
		mov_ri64(a, RSI, (uint64_t)(uintptr_t)in);
		call_abs(a, (const void *)jh_vec);
		rr_(a, 0, 0, 0x85, 1, RAX, RAX);	/* test eax, eax */
		exit_at(jb, jcc32(a, CC_NE), i);
		return;
	default:
		jb->fail = true;	/* the block former let it through */
		return;
	}
	/* integer result in rax */
	if (rd != 32)
		mov_mr(a, M(RH, XOFF(rd)), RAX);
}

/* Does instruction @in call C from translated code? */
static bool calls_c(const struct jit_build *jb, const struct d1_insn *in)
{
	int rm = in->f3 == 7 ? 0 : in->f3;

	switch (in->op) {
	case OP_DIV: case OP_DIVU: case OP_REM: case OP_REMU:
	case OP_DIVW: case OP_DIVUW: case OP_REMW: case OP_REMUW:
	case OP_FMADD: case OP_FMSUB: case OP_FNMSUB: case OP_FNMADD:
	case OP_FMIN: case OP_FMAX: case OP_FCVT_W_S: case OP_FCVT_WU_S:
	case OP_FCVT_L_S: case OP_FCVT_LU_S: case OP_FCVT_S_LU:
	case OP_FEQ: case OP_FLT: case OP_FLE: case OP_FCLASS:
		return true;
	case OP_FADD: case OP_FSUB: case OP_FMUL: case OP_FDIV: case OP_FSQRT:
	case OP_FCVT_S_W: case OP_FCVT_S_WU: case OP_FCVT_S_L:
		return rm != 0;
	case OP_VARITH: case OP_V3: case OP_VMEM:
		return vec_inline(jb, in) < 0;
	default:
		return false;
	}
}

/* Cache the block's vector registers in zmm if it calls no C, has
 * vector instructions and they fit beside its scratch registers. */
static void plan_cache(struct jit_build *jb)
{
	uint32_t used = 0, written = 0;
	int scratch = 0;
	uint64_t k;

	jb->vc.on = false;
	for (k = jb->start; k < jb->start + jb->len; k++) {
		const struct d1_insn *in = &jb->code[k];
		int need;

		if (calls_c(jb, in))
			return;
		if (in->op != OP_VARITH && in->op != OP_V3 && in->op != OP_VMEM)
			continue;
		need = vec_inline(jb, in);
		if (need > scratch)
			scratch = need;
		vec_regs(in, &used, &written);
	}
	if (!used || scratch + __builtin_popcount(used) > ZCANON)
		return;
	jb->vc = (struct vcache){ true, scratch, used, written, 0 };
}

/* add (@digit 0) or sub (5) qword [hart field], imm32 */
static void count_field(struct as *a, int digit, int32_t off, uint32_t v)
{
	if (!v)
		return;
	rm_(a, 0, 1, 0x81, 1, digit, M(RH, off), 0);
	b4(a, v);
}

/* Count timing weights @w into the hart (add) or take them back (sub). */
static void emit_counts(struct jit_build *jb, const struct d1_tm_w *w,
			int digit)
{
	if (!jb->timing)
		return;
	count_field(&jb->a, digit, HOFF(cycle), w->cycles);
	count_field(&jb->a, digit, HOFF(vec_ops), w->vec);
	count_field(&jb->a, digit, HOFF(mat_ops), w->mat);
	count_field(&jb->a, digit, HOFF(flops), w->flops);
}

/* The block's prefix sums of timing weights. */
static void block_weights(struct jit_build *jb)
{
	uint64_t k;

	for (k = 0; k < jb->len; k++) {
		struct d1_tm_w w, *s = &jb->wsum[k + 1];

		d1_tm_insn(&jb->code[jb->start + k], &w);
		*s = jb->wsum[k];
		s->cycles += w.cycles;
		s->vec += w.vec;
		s->mat += w.mat;
		s->flops += w.flops;
	}
}

/* After the block's instructions: out to the next block, unless a jump
 * ended it (@here: the next block may be emitted right after). */
static void emit_tail(struct jit_build *jb, const bool *leader, bool here)
{
	const struct d1_insn *last = &jb->code[jb->start + jb->len - 1];
	uint64_t next = jb->start + jb->len;

	if (last->op == OP_JAL || last->op == OP_JALR)
		return;
	if (!jb->wb_done)
		vc_writeback(jb, &jb->vc);
	if (here && next < jb->n && jb->block_at[next] == -1 && leader[next] &&
	    !interp_only(jb->code[next].op))
		return;		/* the next block is emitted right here */
	goto_index(jb, jmp32(&jb->a), next);
}

static void emit_body(struct jit_build *jb)
{
	uint64_t k;

	jb->wb_done = false;
	for (k = jb->start; k < jb->start + jb->len; k++)
		emit_insn(jb, k);
}

/*
 * Translate the block starting at @start; returns its length.  A block
 * with cached registers that branches back to itself is emitted twice:
 * the first iteration, then the steady state, which starts with the
 * first one's results still in zmm (and not yet made canonical) and
 * loops to itself while the instruction count allows.
 */
static uint64_t emit_block(struct jit_build *jb, uint64_t start,
			   const bool *leader)
{
	struct as *a = &jb->a;
	uint64_t i = start;
	const struct d1_insn *last;
	bool loop;

	/* find its extent */
	jb->len = 0;
	while (i < jb->n && !interp_only(jb->code[i].op) &&
	       jb->len < JIT_MAX_BLOCK && (i == start || !leader[i])) {
		jb->len++;
		if (ends_block(jb->code[i].op)) {
			i++;
			break;
		}
		i++;
	}
	jb->start = start;
	jb->block_at[start] = (long)a->n;
	block_weights(jb);
	plan_cache(jb);
	last = &jb->code[start + jb->len - 1];
	loop = jb->vc.on && is_branch(last->op) && !last->rs3 &&
	       start + jb->len - 1 + (uint64_t)(int64_t)last->imm == start;
	jb->nloop = 0;
	/* cmp r13, len; jb exit (nothing retired); sub r13, len */
	alu_ri(a, ALU_CMP, 1, RLEFT, (int32_t)jb->len);
	add_exit(jb, jcc32(a, CC_B), start, 0);
	alu_ri(a, ALU_SUB, 1, RLEFT, (int32_t)jb->len);
	emit_counts(jb, &jb->wsum[jb->len], 0);
	if (jb->vc.on)
		vc_load(jb);
	emit_body(jb);
	if (loop) {
		uint32_t steady = jb->vc.dirty;
		size_t top;
		int k;

		emit_tail(jb, leader, false);
		top = a->n;
		jb->vc.dirty = steady;
		emit_body(jb);
		emit_tail(jb, leader, false);
		if (jb->vc.dirty != steady)	/* cannot be: same code */
			jb->fail = true;
		/* the back edges: another iteration if the count allows */
		for (k = 0; k < jb->nloop; k++)
			bind(a, jb->loop_jcc[k], a->n);
		alu_ri(a, ALU_CMP, 1, RLEFT, (int32_t)jb->len);
		add_exit(jb, jcc32(a, CC_B), start, 0);
		if (!jb->fail)
			jb->ex[jb->nex - 1].vc = jb->vc;
		alu_ri(a, ALU_SUB, 1, RLEFT, (int32_t)jb->len);
		emit_counts(jb, &jb->wsum[jb->len], 0);
		bind(a, jmp32(a), top);
	} else {
		emit_tail(jb, leader, true);
	}
	jb->vc.on = false;
	return jb->len;
}

/* The exits of every block, out of line after all blocks: set the pc to
 * resume at, give back the count of what did not run, leave. */
static void emit_exits(struct jit_build *jb)
{
	struct as *a = &jb->a;
	size_t k;

	for (k = 0; k < jb->nex; k++) {
		const struct exitpt *e = &jb->ex[k];

		bind(a, e->at, a->n);
		vc_writeback(jb, &e->vc);
		if (e->back)
			alu_ri(a, ALU_ADD, 1, RLEFT, (int32_t)e->back);
		emit_counts(jb, &e->bw, 5);
		mov_mi(a, M(RCTX, CTX(exit_pc)), (int32_t)pc_of(jb, e->idx));
		bind(a, jmp32(a), jb->exit_code);
	}
}

/* Entry (offset 0): enter(ctx, block, left) -> left; and the common exit. */
static void emit_frame(struct jit_build *jb)
{
	static const int saved[] = { RBX, RBP, R12, R13, R14, R15 };
	struct as *a = &jb->a;
	int k;

	for (k = 0; k < 6; k++) {
		if (saved[k] >= 8)
			b1(a, 0x41);
		b1(a, 0x50 + (saved[k] & 7));		/* push */
	}
	alu_ri(a, ALU_SUB, 1, RSP, 8);		/* 16-byte aligned calls */
	mov_rr(a, RCTX, RDI);
	mov_rm(a, RH, M(RCTX, CTX(h)));
	mov_rm(a, RMEM, M(RCTX, CTX(sram)));
	mov_rr(a, RLEFT, RDX);
	rr_(a, 0, 0, 0xff, 1, 4, RSI);		/* jmp rsi */
	jb->exit_code = a->n;
	mov_rr(a, RAX, RLEFT);
	alu_ri(a, ALU_ADD, 1, RSP, 8);
	for (k = 5; k >= 0; k--) {
		if (saved[k] >= 8)
			b1(a, 0x41);
		b1(a, 0x58 + (saved[k] & 7));		/* pop */
	}
	b1(a, 0xc3);
	/* a register of canonical NaNs, 64-byte aligned */
	while (a->n % 64)
		b1(a, 0xcc);
	jb->k_canon = (long)a->n;
	for (k = 0; k < 16; k++)
		b4(a, D1_F32_CANON_NAN);
}

static bool host_avx512(void)
{
	__builtin_cpu_init();
	return __builtin_cpu_supports("avx512f") &&
	       __builtin_cpu_supports("avx512bw") &&
	       __builtin_cpu_supports("avx512dq") &&
	       __builtin_cpu_supports("avx512vl");
}

struct d1_jit *d1_jit_build(const struct d1_insn *code, uint64_t n,
			    uint64_t text_lo, uint64_t text_hi)
{
	struct jit_build jb = { 0 };
	struct d1_jit *j = NULL;
	const char *env = getenv("D1_JIT");
	bool *leader = NULL;
	uint64_t i, k;
	void *map;

	if ((env && !strcmp(env, "0")) || n == 0 || n > JIT_MAX_TEXT)
		return NULL;
	jb.code = code;
	jb.n = n;
	jb.text_lo = text_lo;
	jb.text_off = text_lo - D1_SRAM_BASE;
	jb.text_end = text_hi - D1_SRAM_BASE;
	jb.avx512 = host_avx512() && !(env && !strcmp(env, "noavx512"));
	jb.timing = d1_tm_enabled();
	leader = calloc(n + 1, sizeof(*leader));
	jb.block_at = malloc((n + 1) * sizeof(*jb.block_at));
	j = calloc(1, sizeof(*j));
	if (!leader || !jb.block_at || !j)
		goto fail;
	j->entry = calloc(n, sizeof(*j->entry));
	j->span = calloc(n, sizeof(*j->span));
	if (!j->entry || !j->span)
		goto fail;

	/* leaders: the start, static targets, after block ends */
	leader[0] = true;
	for (i = 0; i < n; i++) {
		const struct d1_insn *in = &code[i];

		if ((is_branch(in->op) || in->op == OP_JAL) && !in->rs3)
			leader[i + (uint64_t)(int64_t)in->imm] = true;
		if (ends_block(in->op) || interp_only(in->op))
			leader[i + 1] = true;
	}
	/* which leaders get blocks: -1 yes (not yet placed), -2 no */
	for (i = 0; i <= n; i++)
		jb.block_at[i] = i < n && leader[i] && !interp_only(code[i].op) ?
				 -1 : -2;
	/* blocks cut at JIT_MAX_BLOCK start new ones */
	for (i = 0; i < n; i++) {
		uint64_t len = 0;

		if (jb.block_at[i] != -1)
			continue;
		for (k = i; k < n && !interp_only(code[k].op) &&
		     (k == i || !leader[k]) && len < JIT_MAX_BLOCK; k++) {
			len++;
			if (ends_block(code[k].op))
				break;
		}
		if (len == JIT_MAX_BLOCK && i + len < n && !leader[i + len] &&
		    !interp_only(code[i + len].op)) {
			leader[i + len] = true;
			jb.block_at[i + len] = -1;
		}
	}

	emit_frame(&jb);
	for (i = 0; i < n && !jb.fail && !jb.a.oom; i++)
		if (jb.block_at[i] == -1)
			emit_block(&jb, i, leader);
	emit_exits(&jb);
	if (jb.fail || jb.a.oom)
		goto fail;
	for (k = 0; k < jb.nfix; k++)
		bind(&jb.a, jb.fix[k].at, (size_t)jb.block_at[jb.fix[k].target]);

	map = mmap(NULL, jb.a.n, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED)
		goto fail;
	memcpy(map, jb.a.b, jb.a.n);
	if (mprotect(map, jb.a.n, PROT_READ | PROT_EXEC)) {
		munmap(map, jb.a.n);
		goto fail;
	}
	j->code = map;
	j->code_size = jb.a.n;
	j->n = n;
	j->text_lo = text_lo;
	j->enter = (uint64_t (*)(struct jit_ctx *, void *, uint64_t))(uintptr_t)map;
	for (i = 0; i < n; i++)
		j->entry[i] = jb.block_at[i] >= 0 ? j->code + jb.block_at[i] : NULL;
	/* span: to the next entry (the interpreter runs up to it) */
	for (i = n, k = 1; i-- > 0;) {
		j->span[i] = (uint16_t)(k > UINT16_MAX ? UINT16_MAX : k);
		k = i > 0 && j->entry[i] ? 1 : k + 1;
	}
	free(leader);
	free(jb.block_at);
	free(jb.fix);
	free(jb.ex);
	free(jb.a.b);
	return j;
fail:
	free(leader);
	free(jb.block_at);
	free(jb.fix);
	free(jb.ex);
	free(jb.a.b);
	d1_jit_free(j);
	return NULL;
}

void d1_jit_free(struct d1_jit *j)
{
	if (!j)
		return;
	if (j->code)
		munmap(j->code, j->code_size);
	free(j->entry);
	free(j->span);
	free(j);
}

size_t d1_jit_footprint(const struct d1_jit *j)
{
	return j ? sizeof(*j) + j->code_size +
		   j->n * (sizeof(*j->entry) + sizeof(*j->span)) : 0;
}

uint64_t d1_jit_run(const struct d1_jit *j, struct d1_node *n,
		    struct d1_hart *h, uint64_t left)
{
	struct jit_ctx c;
	uint64_t i = (h->pc - j->text_lo) >> 2, after;

	if (h->frm != 0 || (h->pc & 3) || h->pc - j->text_lo >= 4 * j->n ||
	    !j->entry[i])
		return 0;
	c.exit_pc = h->pc;
	c.n = n;
	c.h = h;
	c.sram = n->sram;
	c.dirty = n->dirty;
	c.entry = (void *const *)j->entry;
	after = j->enter(&c, j->entry[i], left);
	h->pc = c.exit_pc;
	return left - after;
}

uint64_t d1_jit_span(const struct d1_jit *j, uint64_t pc)
{
	uint64_t i = (pc - j->text_lo) >> 2;

	if ((pc & 3) || pc - j->text_lo >= 4 * j->n)
		return 1;
	return j->span[i];
}

#else /* !D1_JIT_X86 */

struct d1_jit *d1_jit_build(const struct d1_insn *code, uint64_t n,
			    uint64_t text_lo, uint64_t text_hi)
{
	(void)code;
	(void)n;
	(void)text_lo;
	(void)text_hi;
	(void)jh_div;
	(void)jh_fma;
	(void)jh_fcmp;
	(void)jh_fclass;
	(void)jh_cvt_s_lu;
	(void)jh_vec;
	return NULL;
}

void d1_jit_free(struct d1_jit *j)
{
	(void)j;
}

size_t d1_jit_footprint(const struct d1_jit *j)
{
	(void)j;
	return 0;
}

uint64_t d1_jit_run(const struct d1_jit *j, struct d1_node *n,
		    struct d1_hart *h, uint64_t left)
{
	(void)j;
	(void)n;
	(void)h;
	(void)left;
	return 0;
}

uint64_t d1_jit_span(const struct d1_jit *j, uint64_t pc)
{
	(void)j;
	(void)pc;
	return 1;
}

#endif

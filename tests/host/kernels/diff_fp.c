// SPDX-License-Identifier: GPL-2.0
/*
 * Differential test program (standard RV64IMF only; runs on the D1 node
 * simulator and under qemu-riscv64): every F instruction in every static
 * rounding mode over edge-case and pseudo-random operands; prints one
 * hash of (result, fflags) per instruction and mode.
 */
#include <d1/device/d1_kernel.h>

static const uint32_t edges[] = {
	0x00000000, 0x80000000, 0x3f800000, 0xbf800000, 0x00000001,
	0x807fffff, 0x00800000, 0x7f7fffff, 0xff7fffff, 0x7f800000,
	0xff800000, 0x7fc00000, 0x7f800001, 0xffc00001, 0x3f000000,
	0x3fc00000, 0x40200000, 0xc0200000, 0x4f000000, 0xcf000000,
	0x4f800000, 0x5f000000, 0xdf000000, 0x5f800000, 0x3f800001,
	0x33800000, 0x4effffff, 0xcf000001, 0x3effffff, 0x0b800000,
	0x7e800000, 0x00400000, 0x40490fdb, 0xc2f60000, 0x3dcccccd,
};
#define NEDGE (sizeof(edges) / sizeof(edges[0]))
#define NRAND 600

static uint64_t rng = 0x1234567887654321ull;

static uint32_t rnd32(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

/* operand i of the sequence: edges first, then random bit patterns and
 * random values of moderate magnitude */
static uint32_t operand(unsigned int i, unsigned int salt)
{
	uint32_t r;

	if (i < NEDGE)
		return edges[(i + salt) % NEDGE];
	r = rnd32();
	if (i & 1)
		r = (r & 0x807fffff) | ((0x70 + (r >> 24) % 0x20) << 23);
	return r;
}

static uint64_t h;

static void mix(uint64_t v)
{
	h ^= v;
	h *= 0x100000001b3ull;
	h ^= h >> 29;
}

static inline uint32_t fl(void)
{
	uint64_t f;

	__asm__ volatile("csrrw %0, fflags, x0" : "=r"(f));
	return (uint32_t)f;
}

#define F2(insn, rm) \
	static uint32_t t_##insn##_##rm(uint32_t a, uint32_t b, uint32_t c) \
	{ \
		uint32_t r; \
		(void)c; \
		__asm__ volatile("fmv.w.x ft0, %1\n fmv.w.x ft1, %2\n" \
				 #insn ".s ft2, ft0, ft1, " #rm "\n fmv.x.w %0, ft2" \
				 : "=r"(r) : "r"(a), "r"(b) : "ft0", "ft1", "ft2"); \
		return r; \
	}
#define F3(insn, rm) \
	static uint32_t t_##insn##_##rm(uint32_t a, uint32_t b, uint32_t c) \
	{ \
		uint32_t r; \
		__asm__ volatile("fmv.w.x ft0, %1\n fmv.w.x ft1, %2\n fmv.w.x ft3, %3\n" \
				 #insn ".s ft2, ft0, ft1, ft3, " #rm "\n fmv.x.w %0, ft2" \
				 : "=r"(r) : "r"(a), "r"(b), "r"(c) \
				 : "ft0", "ft1", "ft2", "ft3"); \
		return r; \
	}
#define F1(insn, rm) \
	static uint32_t t_##insn##_##rm(uint32_t a, uint32_t b, uint32_t c) \
	{ \
		uint32_t r; \
		(void)b; (void)c; \
		__asm__ volatile("fmv.w.x ft0, %1\n" #insn ".s ft2, ft0, " #rm \
				 "\n fmv.x.w %0, ft2" \
				 : "=r"(r) : "r"(a) : "ft0", "ft2"); \
		return r; \
	}
/* float -> integer register */
#define CVTI(name, insn, rm) \
	static uint32_t t_##name##_##rm(uint32_t a, uint32_t b, uint32_t c) \
	{ \
		uint64_t r; \
		(void)b; (void)c; \
		__asm__ volatile("fmv.w.x ft0, %1\n" #insn " %0, ft0, " #rm \
				 : "=r"(r) : "r"(a) : "ft0"); \
		mix(r); \
		return (uint32_t)(r >> 32) ^ (uint32_t)r; \
	}
/* integer register -> float; the operand is widened from a and b */
#define CVTF(name, insn, rm) \
	static uint32_t t_##name##_##rm(uint32_t a, uint32_t b, uint32_t c) \
	{ \
		uint32_t r; \
		uint64_t x = (uint64_t)a << 32 | b; \
		(void)c; \
		if (b & 1) \
			x = (uint64_t)(int64_t)(int32_t)a; \
		__asm__ volatile(#insn " ft2, %1, " #rm "\n fmv.x.w %0, ft2" \
				 : "=r"(r) : "r"(x) : "ft2"); \
		return r; \
	}
/* no rounding mode */
#define FN(name, body) \
	static uint32_t t_##name(uint32_t a, uint32_t b, uint32_t c) \
	{ \
		uint64_t r; \
		(void)c; \
		__asm__ volatile("fmv.w.x ft0, %1\n fmv.w.x ft1, %2\n" body \
				 : "=r"(r) : "r"(a), "r"(b) : "ft0", "ft1", "ft2"); \
		mix(r); \
		return (uint32_t)r; \
	}

#define MODES(X, insn) X(insn, rne) X(insn, rtz) X(insn, rdn) X(insn, rup) \
	X(insn, rmm)
MODES(F2, fadd) MODES(F2, fsub) MODES(F2, fmul) MODES(F2, fdiv)
MODES(F1, fsqrt)
MODES(F3, fmadd) MODES(F3, fmsub) MODES(F3, fnmadd) MODES(F3, fnmsub)
#define CVTIM(name, insn) CVTI(name, insn, rne) CVTI(name, insn, rtz) \
	CVTI(name, insn, rdn) CVTI(name, insn, rup) CVTI(name, insn, rmm)
CVTIM(cvtws, fcvt.w.s) CVTIM(cvtwus, fcvt.wu.s) CVTIM(cvtls, fcvt.l.s)
CVTIM(cvtlus, fcvt.lu.s)
#define CVTFM(name, insn) CVTF(name, insn, rne) CVTF(name, insn, rtz) \
	CVTF(name, insn, rdn) CVTF(name, insn, rup) CVTF(name, insn, rmm)
CVTFM(cvtsw, fcvt.s.w) CVTFM(cvtswu, fcvt.s.wu) CVTFM(cvtsl, fcvt.s.l)
CVTFM(cvtslu, fcvt.s.lu)
FN(fmin, "fmin.s ft2, ft0, ft1\n fmv.x.w %0, ft2")
FN(fmax, "fmax.s ft2, ft0, ft1\n fmv.x.w %0, ft2")
FN(fsgnj, "fsgnj.s ft2, ft0, ft1\n fmv.x.w %0, ft2")
FN(fsgnjn, "fsgnjn.s ft2, ft0, ft1\n fmv.x.w %0, ft2")
FN(fsgnjx, "fsgnjx.s ft2, ft0, ft1\n fmv.x.w %0, ft2")
FN(feq, "feq.s %0, ft0, ft1")
FN(flt, "flt.s %0, ft0, ft1")
FN(fle, "fle.s %0, ft0, ft1")
FN(fclass, "fclass.s %0, ft0")
FN(fmvxw, "fmv.x.w %0, ft0")

struct op {
	const char *name;
	uint32_t (*fn)(uint32_t, uint32_t, uint32_t);
};

#define E(insn, rm) { #insn "." #rm, t_##insn##_##rm },
#define EM(insn) E(insn, rne) E(insn, rtz) E(insn, rdn) E(insn, rup) \
	E(insn, rmm)
#define EI(insn) EM(insn)
static const struct op ops[] = {
	EM(fadd) EM(fsub) EM(fmul) EM(fdiv) EM(fsqrt)
	EM(fmadd) EM(fmsub) EM(fnmadd) EM(fnmsub)
	EI(cvtws) EI(cvtwus) EI(cvtls) EI(cvtlus)
	EM(cvtsw) EM(cvtswu) EM(cvtsl) EM(cvtslu)
	{ "fmin", t_fmin }, { "fmax", t_fmax }, { "fsgnj", t_fsgnj },
	{ "fsgnjn", t_fsgnjn }, { "fsgnjx", t_fsgnjx }, { "feq", t_feq },
	{ "flt", t_flt }, { "fle", t_fle }, { "fclass", t_fclass },
	{ "fmv.x.w", t_fmvxw },
};

int d1_main(void *args, unsigned int hart)
{
	unsigned int k, i, j;
	uint64_t all = 0;

	(void)args;
	(void)hart;
	for (k = 0; k < sizeof(ops) / sizeof(ops[0]); k++) {
		h = 0xcbf29ce484222325ull;
		rng = 0x1234567887654321ull + k;
		fl();
		for (i = 0; i < NEDGE + NRAND; i++) {
			uint32_t a = operand(i, 0);

			for (j = 0; j < (i < NEDGE ? NEDGE : 2); j++) {
				uint32_t b = operand(i < NEDGE ? j : NEDGE + j, 3);
				uint32_t c = operand(i < NEDGE ? (i + j) % NEDGE :
						     NEDGE + 1, 7);

				mix(ops[k].fn(a, b, c));
				mix(fl());
			}
		}
		all ^= h;
		d1_printf("%-10s %016lx\n", ops[k].name, (unsigned long)h);
	}
	/* dynamic rounding through frm, and fcsr round trip */
	for (k = 0; k < 5; k++) {
		uint64_t f;

		__asm__ volatile("fsrm %0" :: "r"((uint64_t)k));
		h = k;
		for (i = 0; i < NEDGE; i++)
			for (j = 0; j < NEDGE; j++) {
				uint32_t r;

				__asm__ volatile("fmv.w.x ft0, %1\n fmv.w.x ft1, %2\n"
						 "fadd.s ft2, ft0, ft1\n fmv.x.w %0, ft2"
						 : "=r"(r) : "r"(edges[i]), "r"(edges[j])
						 : "ft0", "ft1", "ft2");
				mix(r);
			}
		__asm__ volatile("frcsr %0" : "=r"(f));
		mix(f);
		d1_printf("frm=%u      %016lx\n", k, (unsigned long)h);
	}
	return (int)(all & 0x7f);
}

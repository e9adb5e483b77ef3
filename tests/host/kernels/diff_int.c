// SPDX-License-Identifier: GPL-2.0
/*
 * Differential test program (standard RV64IM only): every integer ALU,
 * shift, M-extension and load/store-width instruction over edge-case and
 * pseudo-random operands; one hash per instruction.  Also a few whole
 * programs (sieve, CRC32, recursion) printing their results.
 */
#include <d1/device/d1_kernel.h>

static const uint64_t edges[] = {
	0, 1, 2, 3, 31, 32, 33, 63, 64, 0x7f, 0x80, 0xff, 0x7fff, 0x8000,
	0xffff, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ull,
	0x7fffffffffffffffull, 0x8000000000000000ull, 0xffffffffffffffffull,
	0xfffffffffffffffeull, 0xffffffff80000000ull, 0x123456789abcdef0ull,
	0xfedcba9876543210ull, 0x00000000fffffffeull, 0x8000000000000001ull,
};
#define NEDGE (sizeof(edges) / sizeof(edges[0]))

static uint64_t rng = 88172645463325252ull;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static uint64_t h;

static void mix(uint64_t v)
{
	h ^= v;
	h *= 0x100000001b3ull;
	h ^= h >> 29;
}

#define R(name) \
	static uint64_t t_##name(uint64_t a, uint64_t b) \
	{ \
		uint64_t r; \
		__asm__ volatile(#name " %0, %1, %2" : "=r"(r) : "r"(a), "r"(b)); \
		return r; \
	}
#define I(name, tag, imm) \
	static uint64_t t_##name##_##tag(uint64_t a, uint64_t b) \
	{ \
		uint64_t r; \
		(void)b; \
		__asm__ volatile(#name " %0, %1, " #imm : "=r"(r) : "r"(a)); \
		return r; \
	}
R(add) R(sub) R(sll) R(slt) R(sltu) R(xor) R(srl) R(sra) R(or) R(and)
R(addw) R(subw) R(sllw) R(srlw) R(sraw)
R(mul) R(mulh) R(mulhsu) R(mulhu) R(div) R(divu) R(rem) R(remu)
R(mulw) R(divw) R(divuw) R(remw) R(remuw)
I(addi, m2048, -2048) I(addi, 2047, 2047) I(slti, m1, -1) I(sltiu, m1, -1) I(xori, m1, -1)
I(ori, 0x555, 0x555) I(andi, m16, -16) I(slli, 63, 63) I(srli, 1, 1) I(srai, 37, 37)
I(addiw, m1, -1) I(slliw, 31, 31) I(srliw, 7, 7) I(sraiw, 31, 31)

static uint64_t t_loads(uint64_t a, uint64_t b)
{
	volatile uint64_t buf[2] = { a, b };
	volatile uint8_t *p = (volatile uint8_t *)buf + (b & 7);

	return (uint64_t)*(volatile int8_t *)p + *(volatile uint8_t *)p * 3 +
	       (uint64_t)*(volatile int16_t *)p * 5 +
	       *(volatile uint16_t *)p * 7 + (uint64_t)*(volatile int32_t *)p * 11 +
	       *(volatile uint32_t *)p * 13 + *(volatile uint64_t *)p * 17;
}

static uint64_t t_stores(uint64_t a, uint64_t b)
{
	volatile uint64_t buf[3] = { 0, 0, 0 };
	volatile uint8_t *p = (volatile uint8_t *)buf + (b & 7);

	*(volatile uint64_t *)p = a;
	*(volatile uint32_t *)(p + 3) = (uint32_t)b;
	*(volatile uint16_t *)(p + 9) = (uint16_t)(a >> 7);
	*(volatile uint8_t *)(p + 13) = (uint8_t)b;
	return buf[0] * 3 + buf[1] * 5 + buf[2];
}

struct op {
	const char *name;
	uint64_t (*fn)(uint64_t, uint64_t);
};
#define E(n) { #n, t_##n },
#define EI(n, tag, imm) { #n " " #imm, t_##n##_##tag },
static const struct op ops[] = {
	E(add) E(sub) E(sll) E(slt) E(sltu) E(xor) E(srl) E(sra) E(or) E(and)
	E(addw) E(subw) E(sllw) E(srlw) E(sraw)
	E(mul) E(mulh) E(mulhsu) E(mulhu) E(div) E(divu) E(rem) E(remu)
	E(mulw) E(divw) E(divuw) E(remw) E(remuw)
	EI(addi, m2048, -2048) EI(addi, 2047, 2047) EI(slti, m1, -1) EI(sltiu, m1, -1) EI(xori, m1, -1)
	EI(ori, 0x555, 0x555) EI(andi, m16, -16) EI(slli, 63, 63) EI(srli, 1, 1) EI(srai, 37, 37)
	EI(addiw, m1, -1) EI(slliw, 31, 31) EI(srliw, 7, 7) EI(sraiw, 31, 31)
	E(loads) E(stores)
};

static uint32_t crc32(const uint8_t *p, unsigned int n)
{
	uint32_t c = 0xffffffff;
	unsigned int i, k;

	for (i = 0; i < n; i++) {
		c ^= p[i];
		for (k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320 & -(c & 1));
	}
	return ~c;
}

static unsigned int fib(unsigned int n)
{
	return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

static uint8_t sieve[20000];

int d1_main(void *args, unsigned int hart)
{
	unsigned int k, i, j, primes = 0;

	(void)args;
	(void)hart;
	for (k = 0; k < sizeof(ops) / sizeof(ops[0]); k++) {
		h = 0xcbf29ce484222325ull;
		rng = 88172645463325252ull + k;
		for (i = 0; i < NEDGE; i++)
			for (j = 0; j < NEDGE; j++)
				mix(ops[k].fn(edges[i], edges[j]));
		for (i = 0; i < 3000; i++) {
			uint64_t a = rnd(), b = rnd();

			if (i & 1)
				b >>= (a & 63);
			mix(ops[k].fn(a, b));
		}
		d1_printf("%-12s %016lx\n", ops[k].name, (unsigned long)h);
	}
	for (i = 2; i < sizeof(sieve); i++) {
		if (sieve[i])
			continue;
		primes++;
		for (j = 2 * i; j < sizeof(sieve); j += i)
			sieve[j] = 1;
	}
	d1_printf("primes %u crc %08x fib %u\n", primes,
		  crc32(sieve, sizeof(sieve)), fib(20));
	return (int)(primes & 0x7f);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Scalar benchmark program (standard RV64IMF only): runs unchanged on the
 * D1 node simulator and under qemu-riscv64.  Integer hashing, a sieve,
 * CRC32, insertion sort and a float loop; prints a checksum.
 */
#include <d1/device/d1_kernel.h>

#ifndef ITERS
#define ITERS 40
#endif

static uint8_t sieve[65536];
static int32_t arr[512];

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

int d1_main(void *args, unsigned int hart)
{
	uint64_t h = 1469598103934665603ull, x = 88172645463325252ull;
	unsigned int it, i, j;
	float f = 0.5f;

	(void)args;
	(void)hart;
	for (it = 0; it < ITERS; it++) {
		for (i = 0; i < sizeof(sieve); i++)
			sieve[i] = 0;
		for (i = 2; i < sizeof(sieve); i++)
			if (!sieve[i])
				for (j = 2 * i; j < sizeof(sieve); j += i)
					sieve[j] = 1;
		h = (h ^ crc32(sieve, 4096)) * 1099511628211ull;
		for (i = 0; i < 512; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			arr[i] = (int32_t)x;
		}
		for (i = 1; i < 512; i++) {
			int32_t v = arr[i];

			for (j = i; j > 0 && arr[j - 1] > v; j--)
				arr[j] = arr[j - 1];
			arr[j] = v;
		}
		h = (h ^ (uint64_t)arr[it % 512]) * 1099511628211ull;
		for (i = 0; i < 20000; i++)
			f = f * 1.0001f + (float)(i & 7) * 0.25f - f * 0.0001f;
		h ^= (uint64_t)(int64_t)f;
		h += x / (it + 3) + x % (it + 7);
	}
	d1_printf("checksum %016lx\n", (unsigned long)h);
	return 0;
}

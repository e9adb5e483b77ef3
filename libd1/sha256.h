/* SPDX-License-Identifier: MIT */
/* sha256.h - SHA-256, private to libd1 (program cache keys and checksums). */
#ifndef LIBD1_SHA256_H
#define LIBD1_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define D1_SHA256_LEN	32

struct d1_sha256 {
	uint32_t h[8];
	uint64_t len;
	uint8_t buf[64];
	size_t fill;
};

void d1_sha256_init(struct d1_sha256 *s);
void d1_sha256_update(struct d1_sha256 *s, const void *data, size_t n);
void d1_sha256_final(struct d1_sha256 *s, uint8_t out[D1_SHA256_LEN]);
void d1_sha256(const void *data, size_t n, uint8_t out[D1_SHA256_LEN]);
void d1_sha256_hex(const uint8_t h[D1_SHA256_LEN],
		   char out[2 * D1_SHA256_LEN + 1]);

#endif /* LIBD1_SHA256_H */

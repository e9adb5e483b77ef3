/* SPDX-License-Identifier: MIT */
/*
 * sha256.h - SHA-256 for program cache keys and checksums: nettle's
 * (struct sha256_ctx, sha256_init(), sha256_digest()), with small helpers
 * for the calls libd1 makes throughout.  Private to libd1.
 */
#ifndef LIBD1_SHA256_H
#define LIBD1_SHA256_H

#include <stddef.h>
#include <stdint.h>

#include <nettle/base16.h>
#include <nettle/sha2.h>

#define D1_SHA256_LEN	SHA256_DIGEST_SIZE

/* sha256_update() for any data. */
static inline void d1_sha256_update(struct sha256_ctx *c, const void *data,
				    size_t n)
{
	sha256_update(c, n, data);
}

static inline void d1_sha256(const void *data, size_t n,
			     uint8_t out[D1_SHA256_LEN])
{
	struct sha256_ctx c;

	sha256_init(&c);
	sha256_update(&c, n, data);
	sha256_digest(&c, D1_SHA256_LEN, out);
}

/* Lower-case hex, NUL-terminated. */
static inline void d1_sha256_hex(const uint8_t h[D1_SHA256_LEN],
				 char out[2 * D1_SHA256_LEN + 1])
{
	base16_encode_update(out, D1_SHA256_LEN, h);
	out[2 * D1_SHA256_LEN] = '\0';
}

#endif /* LIBD1_SHA256_H */

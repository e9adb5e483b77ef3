/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Device-side image cache: decoded kernel images (grid.h's struct
 * d1_kimage) keyed by the bytes of their ELF, so a launch of an image the
 * card has seen skips decoding.  The key is the content (a 64-bit hash,
 * confirmed by comparing the bytes), never the address it came from: an
 * image rewritten in place is a new image.  Bounded in bytes, least
 * recently used out first; images in use by launches stay alive until
 * those end (they hold references).  Thread-safe.
 */
#ifndef D1_ICACHE_H
#define D1_ICACHE_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

struct d1_kimage;
struct icache_ent;

struct d1_icache {
	pthread_mutex_t lock;
	uint64_t cap;		/* bytes; 0: nothing is kept */
	uint64_t used;
	struct icache_ent *head, *tail;	/* most recently used first */
	uint64_t hits, misses;
};

void d1_icache_init(struct d1_icache *c, uint64_t cap);
void d1_icache_fini(struct d1_icache *c);
/* Forget every image (device reset); counters too. */
void d1_icache_clear(struct d1_icache *c);
/*
 * The image for @elf (one reference, d1_kimage_put() it): cached, or
 * loaded and cached.  NULL with a message in @err for a bad image.
 */
struct d1_kimage *d1_icache_get(struct d1_icache *c, const void *elf,
			       size_t size, char *err, size_t errlen);

#endif /* D1_ICACHE_H */

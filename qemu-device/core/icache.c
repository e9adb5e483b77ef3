// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Device-side image cache (icache.h): a list in LRU order.  It holds at
 * most a few hundred entries in practice (images are kilobytes to
 * megabytes and the cache some tens of MiB), so a linear search by hash
 * costs less than reading the image through the MMU does.
 */
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "grid.h"
#include "icache.h"

struct icache_ent {
	uint64_t hash;
	size_t size;
	void *elf;		/* the key's bytes, compared on a hash match */
	struct d1_kimage *img;	/* the cache's reference */
	uint64_t bytes;		/* what the entry holds */
	struct icache_ent *prev, *next;
};

static uint64_t hash_bytes(const uint8_t *p, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ull ^ n, w;
	size_t i;

	for (i = 0; i + 8 <= n; i += 8) {
		memcpy(&w, p + i, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
		h ^= h >> 29;
	}
	for (w = 0; i < n; i++)
		w = w << 8 | p[i];
	return d1_splitmix64(h ^ w);
}

static void unlink_ent(struct d1_icache *c, struct icache_ent *e)
{
	if (e->prev)
		e->prev->next = e->next;
	else
		c->head = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		c->tail = e->prev;
	e->prev = e->next = NULL;
}

static void push_front(struct d1_icache *c, struct icache_ent *e)
{
	e->prev = NULL;
	e->next = c->head;
	if (c->head)
		c->head->prev = e;
	else
		c->tail = e;
	c->head = e;
}

static void free_ent(struct icache_ent *e)
{
	d1_kimage_put(e->img);
	free(e->elf);
	free(e);
}

/* Evict from the LRU end until @need more bytes fit; lock held. */
static void make_room(struct d1_icache *c, uint64_t need)
{
	while (c->tail && c->used + need > c->cap) {
		struct icache_ent *e = c->tail;

		unlink_ent(c, e);
		c->used -= e->bytes;
		free_ent(e);
	}
}

static struct icache_ent *find(struct d1_icache *c, uint64_t hash,
			       const void *elf, size_t size)
{
	struct icache_ent *e;

	for (e = c->head; e; e = e->next)
		if (e->hash == hash && e->size == size &&
		    !memcmp(e->elf, elf, size))
			return e;
	return NULL;
}

void d1_icache_init(struct d1_icache *c, uint64_t cap)
{
	memset(c, 0, sizeof(*c));
	pthread_mutex_init(&c->lock, NULL);
	c->cap = cap;
}

void d1_icache_clear(struct d1_icache *c)
{
	pthread_mutex_lock(&c->lock);
	while (c->head) {
		struct icache_ent *e = c->head;

		unlink_ent(c, e);
		free_ent(e);
	}
	c->used = 0;
	c->hits = 0;
	c->misses = 0;
	pthread_mutex_unlock(&c->lock);
}

void d1_icache_fini(struct d1_icache *c)
{
	d1_icache_clear(c);
	pthread_mutex_destroy(&c->lock);
}

struct d1_kimage *d1_icache_get(struct d1_icache *c, const void *elf,
			       size_t size, char *err, size_t errlen)
{
	uint64_t hash = hash_bytes(elf, size), bytes;
	struct icache_ent *e;
	struct d1_kimage *img;

	pthread_mutex_lock(&c->lock);
	e = find(c, hash, elf, size);
	if (e) {
		unlink_ent(c, e);
		push_front(c, e);
		c->hits++;
		img = d1_kimage_get(e->img);
		pthread_mutex_unlock(&c->lock);
		return img;
	}
	c->misses++;
	pthread_mutex_unlock(&c->lock);

	/* Decode without the lock: other launches look up meanwhile. */
	img = d1_kimage_load(elf, size, err, errlen);
	if (!img)
		return NULL;
	bytes = sizeof(*e) + size + d1_kimage_footprint(img);
	if (bytes > c->cap)
		return img;		/* too big to keep */
	e = calloc(1, sizeof(*e));
	if (e)
		e->elf = malloc(size);
	if (!e || !e->elf) {
		free(e);
		return img;
	}
	memcpy(e->elf, elf, size);
	e->hash = hash;
	e->size = size;
	e->bytes = bytes;
	e->img = d1_kimage_get(img);

	pthread_mutex_lock(&c->lock);
	if (find(c, hash, elf, size)) {
		/* Another launch of the same image got here first. */
		pthread_mutex_unlock(&c->lock);
		free_ent(e);
		return img;
	}
	make_room(c, bytes);
	push_front(c, e);
	c->used += bytes;
	pthread_mutex_unlock(&c->lock);
	return img;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A fixed pool of host threads running parallel-for jobs. */
#ifndef D1_POOL_H
#define D1_POOL_H

#include <stdint.h>

struct d1_pool;

/* @threads total workers including the caller; 1 means no threads. */
struct d1_pool *d1_pool_create(uint32_t threads);
void d1_pool_destroy(struct d1_pool *p);
uint32_t d1_pool_threads(const struct d1_pool *p);
/*
 * A client (a launch) comes or goes; workers help only while there are
 * fewer clients than threads.  d1_pool_run() works without entering.
 */
void d1_pool_enter(struct d1_pool *p);
void d1_pool_leave(struct d1_pool *p);
/* Call fn(ctx, i) for i in [0, n) across the pool; returns when done. */
void d1_pool_run(struct d1_pool *p, uint32_t n,
		 void (*fn)(void *ctx, uint32_t i), void *ctx);

#endif /* D1_POOL_H */

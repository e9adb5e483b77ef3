// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Host thread pool for the grid simulator: workers wait on a condition
 * variable for a job generation, then pull item indices from an atomic
 * counter.  Which thread runs which item does not matter for results:
 * items (nodes) are independent within a job (an epoch).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "pool.h"

struct d1_pool {
	uint32_t threads;
	pthread_t *tids;
	pthread_mutex_t lock;
	pthread_cond_t start, done;
	uint64_t gen;		/* job generation, under lock */
	uint32_t busy;		/* workers still in the job, under lock */
	int quit;
	/* the current job */
	void (*fn)(void *ctx, uint32_t i);
	void *ctx;
	uint32_t n;
	atomic_uint next;
};

static void pool_work(struct d1_pool *p)
{
	uint32_t i;

	while ((i = atomic_fetch_add(&p->next, 1)) < p->n)
		p->fn(p->ctx, i);
}

static void *pool_worker(void *arg)
{
	struct d1_pool *p = arg;
	uint64_t seen = 0;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (p->gen == seen && !p->quit)
			pthread_cond_wait(&p->start, &p->lock);
		if (p->quit)
			break;
		seen = p->gen;
		pthread_mutex_unlock(&p->lock);
		pool_work(p);
		pthread_mutex_lock(&p->lock);
		if (--p->busy == 0)
			pthread_cond_signal(&p->done);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

struct d1_pool *d1_pool_create(uint32_t threads)
{
	struct d1_pool *p = calloc(1, sizeof(*p));
	uint32_t i;

	if (!p)
		return NULL;
	p->threads = threads ? threads : 1;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->start, NULL);
	pthread_cond_init(&p->done, NULL);
	if (p->threads > 1) {
		p->tids = calloc(p->threads - 1, sizeof(*p->tids));
		if (!p->tids) {
			p->threads = 1;
			return p;
		}
		for (i = 0; i < p->threads - 1; i++) {
			if (pthread_create(&p->tids[i], NULL, pool_worker, p)) {
				p->threads = i + 1;
				break;
			}
		}
	}
	return p;
}

void d1_pool_destroy(struct d1_pool *p)
{
	uint32_t i;

	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->quit = 1;
	pthread_cond_broadcast(&p->start);
	pthread_mutex_unlock(&p->lock);
	for (i = 0; i + 1 < p->threads; i++)
		pthread_join(p->tids[i], NULL);
	free(p->tids);
	pthread_cond_destroy(&p->start);
	pthread_cond_destroy(&p->done);
	pthread_mutex_destroy(&p->lock);
	free(p);
}

uint32_t d1_pool_threads(const struct d1_pool *p)
{
	return p->threads;
}

void d1_pool_run(struct d1_pool *p, uint32_t n,
		 void (*fn)(void *ctx, uint32_t i), void *ctx)
{
	uint32_t i;

	if (p->threads == 1 || n == 1) {
		for (i = 0; i < n; i++)
			fn(ctx, i);
		return;
	}
	pthread_mutex_lock(&p->lock);
	p->fn = fn;
	p->ctx = ctx;
	p->n = n;
	atomic_store(&p->next, 0);
	p->busy = p->threads - 1;
	p->gen++;
	pthread_cond_broadcast(&p->start);
	pthread_mutex_unlock(&p->lock);
	pool_work(p);
	pthread_mutex_lock(&p->lock);
	while (p->busy)
		pthread_cond_wait(&p->done, &p->lock);
	pthread_mutex_unlock(&p->lock);
}

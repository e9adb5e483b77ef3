// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Host thread pool for the grid simulator, shared by the launches running
 * at the same time.  Each d1_pool_run() call is a job (an epoch of one
 * launch: one item per node).  Its caller works on its own job's items;
 * the pool's workers take one item at a time from the jobs in turn
 * (round-robin), so concurrent launches get an equal share of the
 * workers whatever their sizes; alone, a job's items go without turns.  Which thread runs which item does not
 * matter for results: items (nodes) are independent within a job.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>

#include "pool.h"

struct pool_job {
	void (*fn)(void *ctx, uint32_t i);
	void *ctx;
	uint32_t n;
	atomic_uint next;	/* next item to claim */
	atomic_uint done;	/* items finished */
	uint32_t users;		/* workers holding a pointer, under lock */
	struct pool_job *prev, *nxt;
};

struct d1_pool {
	uint32_t threads;
	pthread_t *tids;
	pthread_mutex_t lock;
	pthread_cond_t work;	/* a job arrived (workers wait) */
	pthread_cond_t done;	/* a job may have finished (callers wait) */
	struct pool_job *jobs;	/* running jobs, under lock */
	atomic_uint njobs;	/* how many */
	struct pool_job *turn;	/* the job whose turn is next */
	uint32_t idle;		/* workers waiting on @work */
	bool quit;
};

/*
 * Run items of @j until none is left unclaimed, or (@p set: a worker)
 * only one while other jobs wait for their turn.  True if it finished @j.
 */
static bool pool_claim(struct d1_pool *p, struct pool_job *j)
{
	uint32_t i, fin = 0;

	while ((i = atomic_fetch_add(&j->next, 1)) < j->n) {
		j->fn(j->ctx, i);
		fin = atomic_fetch_add(&j->done, 1) + 1;
		if (p && atomic_load(&p->njobs) > 1)
			break;
	}
	return fin == j->n;
}

/* A job with unclaimed items, taking turns; caller holds the lock. */
static struct pool_job *pool_pick(struct d1_pool *p)
{
	struct pool_job *j = p->turn ? p->turn : p->jobs;
	struct pool_job *start = j;

	if (!j)
		return NULL;
	do {
		struct pool_job *next = j->nxt ? j->nxt : p->jobs;

		if (atomic_load(&j->next) < j->n) {
			p->turn = next;
			return j;
		}
		j = next;
	} while (j != start);
	return NULL;
}

static void *pool_worker(void *arg)
{
	struct d1_pool *p = arg;

	pthread_mutex_lock(&p->lock);
	while (!p->quit) {
		struct pool_job *j = pool_pick(p);
		bool fin;

		if (!j) {
			p->idle++;
			pthread_cond_wait(&p->work, &p->lock);
			p->idle--;
			continue;
		}
		j->users++;
		pthread_mutex_unlock(&p->lock);
		fin = pool_claim(p, j);
		pthread_mutex_lock(&p->lock);
		if (--j->users == 0 || fin)
			pthread_cond_broadcast(&p->done);
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
	pthread_cond_init(&p->work, NULL);
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
	p->quit = true;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->lock);
	for (i = 0; i + 1 < p->threads; i++)
		pthread_join(p->tids[i], NULL);
	free(p->tids);
	pthread_cond_destroy(&p->work);
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
	struct pool_job j = { .fn = fn, .ctx = ctx, .n = n };
	uint32_t i;

	if (p->threads == 1 || n == 1) {
		for (i = 0; i < n; i++)
			fn(ctx, i);
		return;
	}
	atomic_init(&j.next, 0);
	atomic_init(&j.done, 0);
	pthread_mutex_lock(&p->lock);
	j.nxt = p->jobs;
	if (p->jobs)
		p->jobs->prev = &j;
	p->jobs = &j;
	atomic_fetch_add(&p->njobs, 1);
	if (p->idle)
		pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->lock);

	pool_claim(NULL, &j);

	pthread_mutex_lock(&p->lock);
	while (atomic_load(&j.done) < n || j.users)
		pthread_cond_wait(&p->done, &p->lock);
	if (j.prev)
		j.prev->nxt = j.nxt;
	else
		p->jobs = j.nxt;
	if (j.nxt)
		j.nxt->prev = j.prev;
	if (p->turn == &j)
		p->turn = j.nxt;
	atomic_fetch_sub(&p->njobs, 1);
	pthread_mutex_unlock(&p->lock);
}

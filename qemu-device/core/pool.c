// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Host thread pool for the grid simulator, shared by the launches running
 * at the same time.  Each launch is a client (d1_pool_enter/leave) and
 * each d1_pool_run() call a job (an epoch of one launch: one item per
 * node); its caller - the launch's own thread - always works on it.  The
 * pool's threads - 1 workers help only while fewer clients run than there
 * are threads: then they take one item at a time from the jobs in turn
 * (round-robin), so concurrent launches get an equal share of them
 * whatever their sizes.  With as many launches as threads, every launch
 * already has a thread of its own; a worker would only add a dependency
 * between launches (a launch whose item a preempted worker holds waits
 * for that worker), so they rest.
 * Which thread runs which item does not matter for results: items
 * (nodes) are independent within a job.
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
	pthread_cond_t idle;	/* its caller waits for the workers */
	struct pool_job *prev, *nxt;
};

struct d1_pool {
	uint32_t threads;
	pthread_t *tids;
	pthread_mutex_t lock;
	pthread_cond_t work;	/* workers wait for a job to help */
	struct pool_job *jobs;	/* running jobs, under lock */
	uint32_t njobs;		/* how many, under lock */
	uint32_t clients;	/* launches entered, under lock */
	struct pool_job *turn;	/* the job whose turn is next */
	uint32_t idle;		/* workers waiting on @work */
	bool quit;
};

/* Run items of @j until none is left unclaimed, or just one (@one). */
static void pool_claim(struct pool_job *j, bool one)
{
	uint32_t i;

	while ((i = atomic_fetch_add(&j->next, 1)) < j->n) {
		j->fn(j->ctx, i);
		atomic_fetch_add(&j->done, 1);
		if (one)
			break;
	}
}

/*
 * A job with unclaimed items, taking turns, while workers are wanted;
 * caller holds the lock.
 */
static struct pool_job *pool_pick(struct d1_pool *p)
{
	struct pool_job *j = p->turn ? p->turn : p->jobs;
	struct pool_job *start = j;

	if (!j || p->clients >= p->threads)
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
		bool one;

		if (!j) {
			p->idle++;
			pthread_cond_wait(&p->work, &p->lock);
			p->idle--;
			continue;
		}
		one = p->njobs > 1;	/* alone, a job needs no turns */
		j->users++;
		pthread_mutex_unlock(&p->lock);
		pool_claim(j, one);
		pthread_mutex_lock(&p->lock);
		if (--j->users == 0)
			pthread_cond_signal(&j->idle);
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
	pthread_cond_init(&j.idle, NULL);
	pthread_mutex_lock(&p->lock);
	j.nxt = p->jobs;
	if (p->jobs)
		p->jobs->prev = &j;
	p->jobs = &j;
	p->njobs++;
	if (p->idle && p->clients < p->threads)
		pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->lock);

	pool_claim(&j, false);

	pthread_mutex_lock(&p->lock);
	while (j.users)
		pthread_cond_wait(&j.idle, &p->lock);
	if (j.prev)
		j.prev->nxt = j.nxt;
	else
		p->jobs = j.nxt;
	if (j.nxt)
		j.nxt->prev = j.prev;
	if (p->turn == &j)
		p->turn = j.nxt;
	p->njobs--;
	pthread_mutex_unlock(&p->lock);
	pthread_cond_destroy(&j.idle);
}

void d1_pool_enter(struct d1_pool *p)
{
	pthread_mutex_lock(&p->lock);
	p->clients++;
	pthread_mutex_unlock(&p->lock);
}

void d1_pool_leave(struct d1_pool *p)
{
	pthread_mutex_lock(&p->lock);
	/* one fewer: resting workers may be wanted again */
	if (p->clients-- == p->threads && p->idle && p->jobs)
		pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->lock);
}

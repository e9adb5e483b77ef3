// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * D1 grid: nodes, launches and the epoch scheduler.
 *
 * A launch runs on its rectangle of nodes in epochs.  Within an epoch
 * every node of the launch runs each of its harts for up to `quantum`
 * instructions, touching only its own state, so nodes run in parallel on
 * the host thread pool in any order.  Between epochs the launch's thread
 * applies everything that crosses nodes - DMA, remote semaphore signals,
 * barrier release - in rank order, then decides termination, deadlock,
 * time limit and abort.  Results therefore do not depend on the number
 * of host threads.  A launch reaches only the nodes of its rectangle
 * (node operands are ranks in it), so launches on disjoint rectangles
 * run at the same time, on their own threads, sharing the pool.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bits.h"
#include "fmt.h"
#include "sim.h"
#include "timing.h"

#define DEFAULT_QUANTUM 4096

static int fail(char *err, size_t errlen, const char *msg)
{
	if (err && errlen)
		snprintf(err, errlen, "%s", msg);
	return -1;
}

struct d1_grid *d1_grid_create(const struct d1_grid_config *cfg)
{
	struct d1_grid *g;
	uint32_t rows = cfg && cfg->rows ? cfg->rows : D1_GRID_DEFAULT_ROWS;
	uint32_t cols = cfg && cfg->cols ? cfg->cols : D1_GRID_DEFAULT_COLS;
	uint32_t i;

	if (rows > D1_GRID_MAX_DIM || cols > D1_GRID_MAX_DIM)
		return NULL;
	g = calloc(1, sizeof(*g));
	if (!g)
		return NULL;
	pthread_mutex_init(&g->lock, NULL);
	g->rows = rows;
	g->cols = cols;
	g->nnodes = rows * cols;
	g->usable = cfg && cfg->nodes ? cfg->nodes :
		    (rows == D1_GRID_DEFAULT_ROWS && cols == D1_GRID_DEFAULT_COLS ?
		     D1_GRID_DEFAULT_NODES : g->nnodes);
	if (g->usable > g->nnodes) {
		pthread_mutex_destroy(&g->lock);
		free(g);
		return NULL;
	}
	g->nodes = calloc(g->nnodes, sizeof(*g->nodes));
	if (!g->nodes)
		goto err;
	for (i = 0; i < g->nnodes; i++) {
		struct d1_node *n = &g->nodes[i];

		n->g = g;
		n->id = i;
		n->x = i % cols;
		n->y = i / cols;
		n->sram = calloc(1, D1_SRAM_SIZE);
		if (!n->sram)
			goto err;
	}
	g->threads = cfg && cfg->threads ? cfg->threads : 1;
	g->pool = d1_pool_create(g->threads);
	if (!g->pool)
		goto err;
	return g;
err:
	d1_grid_destroy(g);
	return NULL;
}

void d1_grid_destroy(struct d1_grid *g)
{
	uint32_t i;

	if (!g)
		return;
	d1_pool_destroy(g->pool);
	for (i = 0; g->nodes && i < g->nnodes; i++) {
		free(g->nodes[i].sram);
		free(g->nodes[i].dma);
		free(g->nodes[i].sig);
	}
	free(g->nodes);
	d1_kimage_put(g->image);
	pthread_mutex_destroy(&g->lock);
	free(g);
}

uint32_t d1_grid_rows(const struct d1_grid *g)
{
	return g->rows;
}

uint32_t d1_grid_cols(const struct d1_grid *g)
{
	return g->cols;
}

uint32_t d1_grid_nodes(const struct d1_grid *g)
{
	return g->usable;
}

void d1_grid_set_threads(struct d1_grid *g, uint32_t threads)
{
	struct d1_pool *p;

	threads = threads ? threads : 1;
	if (threads == d1_pool_threads(g->pool))
		return;
	p = d1_pool_create(threads);
	if (!p)
		return;
	d1_pool_destroy(g->pool);
	g->pool = p;
	g->threads = threads;
}

const struct d1_node_report *d1_grid_report(const struct d1_grid *g,
					    uint32_t node)
{
	return node < g->nnodes ? &g->nodes[node].rep : NULL;
}

const char *d1_grid_output(const struct d1_grid *g, uint32_t node,
			   size_t *len)
{
	if (node >= g->nnodes) {
		*len = 0;
		return "";
	}
	*len = g->nodes[node].rep.print_len;
	return g->nodes[node].print;
}

uint8_t *d1_grid_sram(struct d1_grid *g, uint32_t node)
{
	if (node >= g->nnodes)
		return NULL;
	/* The host may write anywhere: all of it needs scrubbing. */
	d1_dirty(g->nodes[node].dirty, 0, D1_SRAM_SIZE);
	return g->nodes[node].sram;
}

uint64_t d1_grid_dirty_bytes(const struct d1_grid *g, uint32_t node)
{
	uint64_t bytes = 0;
	uint32_t i;

	if (node >= g->nnodes)
		return 0;
	for (i = 0; i < D1_DIRTY_WORDS; i++)
		bytes += (uint64_t)__builtin_popcountll(g->nodes[node].dirty[i])
			 << D1_DIRTY_SHIFT;
	return bytes;
}

void d1_grid_abort(struct d1_grid *g)
{
	struct d1_run *r;

	pthread_mutex_lock(&g->lock);
	for (r = g->runs; r; r = r->next)
		atomic_store(&r->abort, 1);
	pthread_mutex_unlock(&g->lock);
}

const char *d1_node_status_name(enum d1_node_status s)
{
	static const char *const names[] = {
		"idle", "exited", "fault", "timeout", "deadlock", "aborted",
		"time limit",
	};

	return (unsigned int)s < sizeof(names) / sizeof(names[0]) ?
	       names[s] : "?";
}

const char *d1_fault_name(uint32_t fault)
{
	static const char *const names[] = {
		"none", "illegal instruction", "instruction fetch",
		"misaligned jump target", "load access", "store access",
		"unknown ecall", "breakpoint", "DMA", "synchronisation",
		"node outside the launch",
	};

	return fault < sizeof(names) / sizeof(names[0]) ? names[fault] : "?";
}

/* ------------------------------------------------------- sync and DMA */

static bool push(void **arr, uint32_t *n, uint32_t *cap, size_t sz)
{
	void *p;

	if (*n < *cap)
		return true;
	p = realloc(*arr, (*cap ? *cap * 2 : 16) * sz);
	if (!p)
		return false;
	*arr = p;
	*cap = *cap ? *cap * 2 : 16;
	return true;
}

/* Queue a descriptor list: 0, a fault code, or -1 if the node's queue
 * is full (the hart stalls and retries after the next epoch). */
static int dma_start(struct d1_node *n, struct d1_hart *h, uint64_t desc,
		     uint64_t *addr)
{
	uint64_t tag = n->dma_issued + 1;
	uint32_t count = 0, first = n->ndma;

	for (;;) {
		const uint8_t *d;
		struct d1_dma_op *op;
		uint16_t kind;

		if (!d1_sram_readable(desc, D1_DMA_DESC_SIZE) || (desc & 7) ||
		    ++count > D1_DMA_MAX_LIST) {
			*addr = desc;
			return D1_FAULT_DMA;
		}
		d = n->sram + (desc - D1_SRAM_BASE);
		if (n->ndma >= D1_DMA_QUEUE_MAX) {
			n->ndma = first;	/* retry the whole list later */
			return -1;
		}
		if (!push((void **)&n->dma, &n->ndma, &n->dma_cap, sizeof(*op))) {
			*addr = desc;
			return D1_FAULT_DMA;
		}
		op = &n->dma[n->ndma++];
		kind = (uint16_t)d1_ld_le(d + D1_DMA_OFF_KIND, 2);
		op->kind = kind & D1_DMA_KIND_MASK;
		op->peer = (uint16_t)d1_ld_le(d + D1_DMA_OFF_NODE, 2);
		/* Confinement: only nodes of the launch can be named. */
		if ((op->kind == D1_DMA_TO_NODE ||
		     op->kind == D1_DMA_FROM_NODE) &&
		    op->peer >= n->run->nnodes) {
			n->ndma = first;
			*addr = op->peer;
			return D1_FAULT_PEER;
		}
		op->len = (uint32_t)d1_ld_le(d + D1_DMA_OFF_LEN, 8);
		op->src = d1_ld_le(d + D1_DMA_OFF_SRC, 8);
		op->dst = d1_ld_le(d + D1_DMA_OFF_DST, 8);
		op->tag = tag;
		op->pc = h->pc;
		op->at = h->cycle;
		op->hart = h->id;
		if (!(kind & D1_DMA_LIST))
			break;
		desc = d1_ld_le(d + D1_DMA_OFF_NEXT, 8);
	}
	n->dma_issued = tag;
	return 0;
}

/*
 * Perform one transfer; 0 or a fault code with *addr = the refused
 * address (or node).
 */
static int dma_do(struct d1_run *run, struct d1_node *n,
		  const struct d1_dma_op *op, uint64_t *addr)
{
	const struct d1_launch *l = run->l;
	struct d1_node *peer = op->peer < run->nnodes ? run->node[op->peer] :
			       NULL;
	struct d1_node *dn = n;
	uint8_t *src = NULL, *dst = NULL;

	switch (op->kind) {
	case D1_DMA_SRAM_TO_SRAM:
	case D1_DMA_SRAM_TO_HBM:
	case D1_DMA_TO_NODE:
		if (!d1_sram_readable(op->src, op->len)) {
			*addr = op->src;
			return D1_FAULT_DMA;
		}
		src = n->sram + (op->src - D1_SRAM_BASE);
		break;
	case D1_DMA_FROM_NODE:
		if (!peer) {
			*addr = op->peer;
			return D1_FAULT_PEER;
		}
		if (!d1_sram_readable(op->src, op->len)) {
			*addr = op->src;
			return D1_FAULT_DMA;
		}
		src = peer->sram + (op->src - D1_SRAM_BASE);
		break;
	case D1_DMA_HBM_TO_SRAM:
		break;
	default:
		*addr = op->kind;
		return D1_FAULT_DMA;
	}
	switch (op->kind) {
	case D1_DMA_SRAM_TO_SRAM:
	case D1_DMA_HBM_TO_SRAM:
	case D1_DMA_FROM_NODE:
		if (!d1_sram_writable(run->img, op->dst, op->len)) {
			*addr = op->dst;
			return D1_FAULT_DMA;
		}
		break;
	case D1_DMA_TO_NODE:
		if (!peer) {
			*addr = op->peer;
			return D1_FAULT_PEER;
		}
		if (!d1_sram_writable(run->img, op->dst, op->len)) {
			*addr = op->dst;
			return D1_FAULT_DMA;
		}
		dn = peer;
		break;
	}
	if (op->kind != D1_DMA_SRAM_TO_HBM) {
		dst = dn->sram + (op->dst - D1_SRAM_BASE);
		if (op->len)
			d1_dirty(dn->dirty, op->dst - D1_SRAM_BASE, op->len);
	}
	if (op->kind == D1_DMA_HBM_TO_SRAM) {
		if (!l->mem || !l->mem->read ||
		    l->mem->read(l->mem_opaque, op->src, dst, op->len)) {
			*addr = op->src;
			return D1_FAULT_DMA;
		}
	} else if (op->kind == D1_DMA_SRAM_TO_HBM) {
		if (!l->mem || !l->mem->write ||
		    l->mem->write(l->mem_opaque, op->dst, src, op->len)) {
			*addr = op->dst;
			return D1_FAULT_DMA;
		}
	} else {
		memmove(dst, src, op->len);
	}
	n->rep.dma_bytes += op->len;
	return 0;
}

int d1_sync_exec(struct d1_node *n, struct d1_hart *h,
		 const struct d1_insn *in, uint64_t *addr)
{
	uint64_t a = h->x[in->rs1], b = h->x[in->rs2];
	uint32_t idx = (uint32_t)a & D1_SEM_IDX_MASK;
	int r;

	switch (in->f7) {
	case D1_S_DMA_START:
		r = dma_start(n, h, a, addr);
		if (r < 0) {
			h->state = H_DMA_WAIT;	/* queue full: retry */
			return 0;
		}
		if (!r)
			h->x[in->rd] = n->dma_issued;
		return r;
	case D1_S_DMA_WAIT: {
		uint64_t tag = a ? a : n->dma_issued;

		if (tag > n->dma_issued) {	/* never issued */
			*addr = a;
			return D1_FAULT_SYNC;
		}
		if (n->dma_done >= tag) {
			h->x[in->rd] = 0;
			h->state = H_RUN;
			d1_tm_dma_wait(n, h, tag);
		} else {
			h->state = H_DMA_WAIT;
		}
		return 0;
	}
	case D1_S_SEM_SIGNAL: {
		uint32_t node = (uint32_t)(a >> D1_SEM_NODE_SHIFT) & 0xffff;
		struct d1_signal *s;

		if ((a & D1_SEM_SELF) || node == n->rank) {
			n->sem[idx] += (uint32_t)b;
			if (h->cycle > n->sem_at[idx])
				n->sem_at[idx] = h->cycle;
			return 0;
		}
		if (node >= n->run->nnodes) {	/* not a node of the launch */
			*addr = node;
			return D1_FAULT_PEER;
		}
		if (!push((void **)&n->sig, &n->nsig, &n->sig_cap, sizeof(*s))) {
			*addr = a;
			return D1_FAULT_SYNC;
		}
		s = &n->sig[n->nsig++];
		s->node = node;
		s->sem = idx;
		s->val = (uint32_t)b;
		s->at = d1_tm_signal_at(n, h, node);
		return 0;
	}
	case D1_S_SEM_WAIT:
		if (n->sem[idx] >= (uint32_t)b) {
			n->sem[idx] -= (uint32_t)b;
			h->state = H_RUN;
			d1_tm_sem_wait(n, h, idx);
		} else {
			h->state = H_SEM_WAIT;
			h->wait_sem = idx;
			h->wait_val = (uint32_t)b;
		}
		return 0;
	case D1_S_BARRIER:
		h->state = H_BARRIER;	/* the boundary releases it */
		return 0;
	case D1_S_SEM_READ:
		h->x[in->rd] = n->sem[idx];
		return 0;
	}
	return D1_FAULT_ILLEGAL;
}


/* ---------------------------------------------------------- launches */

static bool node_live(const struct d1_node *n)
{
	return !n->stopped && n->rep.status == D1_NODE_IDLE;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t run_now(const struct d1_run *run)
{
	const struct d1_launch *l = run->l;

	if (l->mem && l->mem->now_ns)
		return l->mem->now_ns(l->mem_opaque);
	return mono_ns();
}

static void hart_init(struct d1_node *n, struct d1_hart *h, uint32_t id,
		      const struct d1_launch *l, uint64_t entry,
		      uint32_t stack)
{
	memset(h, 0, sizeof(*h));
	h->id = id;
	h->pc = entry;
	h->x[10] = D1_ARGS_ADDR;
	h->x[11] = id;
	h->x[2] = D1_ARGS_ADDR - (uint64_t)id * stack;
	h->budget = l->budget ? l->budget : UINT64_MAX;
	h->fpcfg = D1_FPCFG_DEFAULT;
	/* By rank: a launch computes the same wherever it is placed. */
	h->sr_state = d1_splitmix64(l->seed ^
				    d1_splitmix64((uint64_t)n->rank << 8 | id));
	if (!h->sr_state)
		h->sr_state = 1;
	h->state = H_RUN;
}

/*
 * Zero what earlier launches (or the host) left on @n outside the range
 * the image load overwrites anyway, and reset everything else a launch
 * could observe.
 */
static void node_scrub(struct d1_node *n, const struct d1_kimage *img)
{
	uint64_t keep_lo = img->image_lo - D1_SRAM_BASE;
	uint64_t keep_hi = img->image_hi - D1_SRAM_BASE;
	uint32_t w;

	for (w = 0; w < D1_DIRTY_WORDS; w++) {
		uint64_t bits = n->dirty[w];

		while (bits) {
			uint64_t p = (uint64_t)w * 64 + (uint64_t)__builtin_ctzll(bits);
			uint64_t a = p << D1_DIRTY_SHIFT;
			uint64_t b = a + (1u << D1_DIRTY_SHIFT);

			bits &= bits - 1;
			if (a < keep_lo)
				memset(n->sram + a, 0, (b < keep_lo ? b : keep_lo) - a);
			if (b > keep_hi) {
				uint64_t from = a > keep_hi ? a : keep_hi;

				memset(n->sram + from, 0, b - from);
			}
		}
		n->dirty[w] = 0;
	}
	memset(n->harts, 0, sizeof(n->harts));
	memset(n->print, 0, n->rep.print_len);
}

/* Put the rectangle's usable nodes on @run, in rank order. */
static void run_bind(struct d1_run *run)
{
	struct d1_grid *g = run->g;
	uint32_t x, y, k = 0;

	for (y = 0; y < run->rows; y++) {
		for (x = 0; x < run->cols; x++) {
			uint32_t id = (run->y0 + y) * g->cols + run->x0 + x;
			struct d1_node *n = &g->nodes[id];

			if (id >= g->usable)
				continue;	/* spares: always the last ranks */
			n->run = run;
			n->rank = k;
			n->rx = x;
			n->ry = y;
			run->node[k++] = n;
		}
	}
	run->nnodes = k;
}

/* Scrub (with D1_LAUNCH_SCRUB), load and start every node of @run. */
static void run_load(struct d1_run *run, uint32_t harts, uint64_t entry,
		     uint32_t stack, struct d1_launch_result *res)
{
	const struct d1_launch *l = run->l;
	const struct d1_kimage *img = run->img;
	uint64_t lo = img->image_lo - D1_SRAM_BASE;
	uint64_t args = D1_ARGS_ADDR - D1_SRAM_BASE;
	uint32_t i, k;

	if (l->flags & D1_LAUNCH_SCRUB) {
		uint64_t t0 = mono_ns();

		for (i = 0; i < run->nnodes; i++)
			node_scrub(run->node[i], img);
		res->scrub_ns = mono_ns() - t0;
	}
	for (i = 0; i < run->nnodes; i++) {
		struct d1_node *n = run->node[i];

		memset(&n->rep, 0, sizeof(n->rep));
		n->stopped = false;
		n->ndma = 0;
		n->nsig = 0;
		n->dma_issued = 0;
		n->dma_done = 0;
		memset(n->sem, 0, sizeof(n->sem));
		memset(n->sem_at, 0, sizeof(n->sem_at));
		memset(n->dma_at, 0, sizeof(n->dma_at));
		n->dma_last = 0;
		n->nharts = harts;
		memcpy(n->sram + lo, img->seg, img->image_hi - img->image_lo);
		d1_dirty(n->dirty, lo, img->image_hi - img->image_lo);
		memset(n->sram + args, 0, D1_ARGS_SIZE);
		if (l->args_size)
			memcpy(n->sram + args, l->args, l->args_size);
		d1_dirty(n->dirty, args, D1_ARGS_SIZE);
		for (k = 0; k < harts; k++)
			hart_init(n, &n->harts[k], k, l, entry, stack);
	}
}

static void node_epoch(void *ctx, uint32_t i)
{
	struct d1_run *run = ctx;
	struct d1_node *n = run->node[i];
	uint64_t start[D1_MAX_HARTS] = { 0 }, issued[D1_MAX_HARTS] = { 0 };
	uint32_t k;

	n->progress = false;
	if (!node_live(n))
		return;
	for (k = 0; k < n->nharts && !n->stopped; k++) {
		struct d1_hart *h = &n->harts[k];
		uint64_t before = h->instret;

		start[k] = h->cycle;
		if (h->state == H_SEM_WAIT || h->state == H_DMA_WAIT)
			h->state = H_RUN;	/* re-executes the wait */
		if (h->state == H_RUN)
			d1_hart_run(n, h, run->quantum);
		issued[k] = h->instret - before;
		if (h->instret != before)
			n->progress = true;
		if (h->state == H_RUN && h->instret >= h->budget &&
		    !n->stopped) {
			n->stopped = true;
			n->rep.status = D1_NODE_TIMEOUT;
			n->rep.fault_hart = h->id;
			n->rep.fault_pc = h->pc;
		}
	}
	if (d1_tm_enabled())
		d1_tm_smt(n, start, issued);
}

/* Stop every live node of @run with @status (where its first hart is). */
static void run_stop(struct d1_run *run, enum d1_node_status status)
{
	uint32_t i, k;

	for (i = 0; i < run->nnodes; i++) {
		struct d1_node *n = run->node[i];

		if (!node_live(n))
			continue;
		n->stopped = true;
		n->rep.status = status;
		for (k = 0; k < n->nharts; k++) {
			if (n->harts[k].state == H_EXITED)
				continue;
			n->rep.fault_hart = k;
			n->rep.fault_pc = n->harts[k].pc;
			break;
		}
	}
}

static bool run_stopping(struct d1_run *run)
{
	return atomic_load(&run->abort) ||
	       (run->l->stop && atomic_load(run->l->stop));
}

/* Everything between two epochs.  Returns true when the launch is over. */
static bool boundary(struct d1_run *run, struct d1_launch_result *res)
{
	bool event = false, any_live = false, all_barrier = true;
	bool dma_planned = false;
	uint64_t release = 0;
	uint32_t i, k, j;

	for (i = 0; i < run->nnodes; i++) {
		struct d1_node *n = run->node[i];

		if (n->progress)
			event = true;
		if (n->ndma && !dma_planned && d1_tm_enabled()) {
			d1_tm_dma_plan(run);
			dma_planned = true;
		}
		for (j = 0; j < n->ndma && !n->stopped; j++) {
			uint64_t addr = 0;
			int fault;

			/* a queue of big transfers can take a while: stay
			 * responsive to an abort (the launch ends below) */
			if (run_stopping(run))
				break;

			fault = dma_do(run, n, &n->dma[j], &addr);
			if (fault) {
				d1_node_fault(n, &n->harts[n->dma[j].hart],
					      (uint32_t)fault, n->dma[j].pc,
					      addr);
				break;
			}
			d1_tm_dma_done(run, n, &n->dma[j]);
			n->dma_done = n->dma[j].tag;
			event = true;
		}
		n->ndma = 0;
	}
	for (i = 0; i < run->nnodes; i++) {
		struct d1_node *n = run->node[i];

		for (j = 0; j < n->nsig; j++) {
			const struct d1_signal *sg = &n->sig[j];
			struct d1_node *to = run->node[sg->node];

			to->sem[sg->sem] += sg->val;
			if (sg->at > to->sem_at[sg->sem])
				to->sem_at[sg->sem] = sg->at;
		}
		if (n->nsig)
			event = true;
		n->nsig = 0;
	}
	/* barrier: every running hart of the launch waits at one */
	for (i = 0; i < run->nnodes; i++) {
		struct d1_node *n = run->node[i];

		if (!node_live(n))
			continue;
		for (k = 0; k < n->nharts; k++) {
			if (n->harts[k].state == H_EXITED)
				continue;
			any_live = true;
			if (n->harts[k].state != H_BARRIER)
				all_barrier = false;
			else if (n->harts[k].cycle > release)
				release = n->harts[k].cycle;
		}
	}
	if (any_live && all_barrier) {
		/* the last hart to arrive releases them all */
		release += D1_TM_BARRIER;
		for (i = 0; i < run->nnodes; i++) {
			struct d1_node *n = run->node[i];

			if (!node_live(n))
				continue;
			for (k = 0; k < n->nharts; k++) {
				struct d1_hart *h = &n->harts[k];

				if (h->state != H_BARRIER)
					continue;
				h->state = H_RUN;
				h->pc += 4;
				h->instret++;
				h->stall_barrier += release - h->cycle;
				h->cycle = release + D1_TC_SYNC;
			}
		}
		event = true;
	}
	/* node completion */
	any_live = false;
	for (i = 0; i < run->nnodes; i++) {
		struct d1_node *n = run->node[i];
		bool all_exited = true;

		if (!node_live(n))
			continue;
		for (k = 0; k < n->nharts; k++)
			if (n->harts[k].state != H_EXITED)
				all_exited = false;
		if (all_exited) {
			n->rep.status = D1_NODE_EXITED;
			n->rep.exit_code = n->harts[0].exit_code;
		} else {
			any_live = true;
		}
	}
	res->epochs++;
	if (!any_live)
		return true;
	if (run_stopping(run)) {
		run_stop(run, D1_NODE_ABORTED);
		return true;
	}
	if (run->deadline && run_now(run) >= run->deadline) {
		run_stop(run, D1_NODE_TIME_LIMIT);
		return true;
	}
	if (event)
		return false;
	/* Nothing moved: can any blocked hart proceed next epoch? */
	for (i = 0; i < run->nnodes; i++) {
		struct d1_node *n = run->node[i];

		if (!node_live(n))
			continue;
		for (k = 0; k < n->nharts; k++) {
			struct d1_hart *h = &n->harts[k];

			if (h->state == H_RUN || h->state == H_DMA_WAIT ||
			    (h->state == H_SEM_WAIT &&
			     n->sem[h->wait_sem] >= h->wait_val))
				return false;
		}
	}
	run_stop(run, D1_NODE_DEADLOCK);
	return true;
}

static void run_account(struct d1_run *run, struct d1_launch_result *res)
{
	uint32_t i, k;

	for (i = 0; i < run->nnodes; i++) {
		struct d1_node *n = run->node[i];
		struct d1_node_counters *c = &n->rep.ctr;

		for (k = 0; k < n->nharts; k++) {
			const struct d1_hart *h = &n->harts[k];

			n->rep.instret += h->instret;
			if (h->cycle > c->cycles)
				c->cycles = h->cycle;
			c->instret[k] = h->instret;
			c->stall_dma += h->stall_dma;
			c->stall_sem += h->stall_sem;
			c->stall_barrier += h->stall_barrier;
			c->vec_ops += h->vec_ops;
			c->mat_ops += h->mat_ops;
			c->flops += h->flops;
		}
		d1_tm_links(run, i, c->link_bytes);
		n->rep.cycles = c->cycles;
		if (c->cycles > res->cycles)
			res->cycles = c->cycles;
		res->instret += n->rep.instret;
		switch (n->rep.status) {
		case D1_NODE_EXITED: res->exited++; break;
		case D1_NODE_FAULT: res->faulted++; break;
		case D1_NODE_TIMEOUT: res->timed_out++; break;
		case D1_NODE_DEADLOCK: res->deadlocked++; break;
		case D1_NODE_ABORTED: res->aborted++; break;
		case D1_NODE_TIME_LIMIT: res->time_limited++; break;
		default: break;
		}
		n->run = NULL;
	}
	res->nodes = run->nnodes;
}

int d1_grid_run(struct d1_grid *g, const struct d1_launch *l,
		struct d1_launch_result *res, char *err, size_t errlen)
{
	const struct d1_kimage *img = l->image ? l->image : g->image;
	struct d1_launch_result dummy;
	struct d1_run run, **pp;
	uint32_t harts, stack;
	uint64_t entry;

	if (!res)
		res = &dummy;
	memset(res, 0, sizeof(*res));
	if (!img)
		return fail(err, errlen, "no kernel image loaded");
	memset(&run, 0, sizeof(run));
	run.g = g;
	run.l = l;
	run.img = img;
	run.x0 = l->x0;
	run.y0 = l->y0;
	run.cols = l->width ? l->width : g->cols;
	run.rows = l->height ? l->height : g->rows;
	if (l->x0 >= g->cols || l->y0 >= g->rows ||
	    run.cols > g->cols - l->x0 || run.rows > g->rows - l->y0)
		return fail(err, errlen, "node rectangle outside the grid");
	harts = l->harts ? l->harts : 1;
	if (harts > D1_MAX_HARTS)
		return fail(err, errlen, "too many harts per node");
	if (l->args_size > D1_ARGS_SIZE || (l->args_size && !l->args))
		return fail(err, errlen, "bad argument block");
	stack = l->stack_size ? l->stack_size : D1_DEFAULT_STACK;
	if (stack & 15 || (uint64_t)stack * harts > D1_ARGS_ADDR - img->image_hi)
		return fail(err, errlen, "stacks overlap the image");
	entry = l->entry ? l->entry : img->entry;
	if (entry < img->text_lo || entry >= img->text_hi || (entry & 3))
		return fail(err, errlen, "entry point outside the text");
	run.node = calloc((size_t)run.cols * run.rows, sizeof(*run.node));
	run.tm = d1_tm_run_create(&run);
	if (!run.node || !run.tm) {
		free(run.node);
		d1_tm_run_free(run.tm);
		return fail(err, errlen, "out of memory");
	}

	run.quantum = l->quantum ? l->quantum : DEFAULT_QUANTUM;
	atomic_init(&run.abort, 0);
	pthread_mutex_lock(&g->lock);
	run.next = g->runs;
	g->runs = &run;
	pthread_mutex_unlock(&g->lock);

	run_bind(&run);
	run_load(&run, harts, entry, stack, res);
	if (l->time_limit_ns)
		run.deadline = run_now(&run) + l->time_limit_ns;
	d1_pool_enter(g->pool);
	while (run.nnodes) {
		d1_pool_run(g->pool, run.nnodes, node_epoch, &run);
		if (boundary(&run, res))
			break;
	}
	d1_pool_leave(g->pool);
	run_account(&run, res);

	pthread_mutex_lock(&g->lock);
	for (pp = &g->runs; *pp != &run; pp = &(*pp)->next)
		;
	*pp = run.next;
	pthread_mutex_unlock(&g->lock);
	free(run.node);
	d1_tm_run_free(run.tm);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * D1 grid: nodes, launches and the epoch scheduler.
 *
 * A launch runs in epochs.  Within an epoch every node runs each of its
 * harts for up to `quantum` instructions, touching only its own state, so
 * nodes run in parallel on the host thread pool in any order.  Between
 * epochs one thread applies everything that crosses nodes - DMA, remote
 * semaphore signals, barrier release - in node-id order, then decides
 * termination, deadlock and abort.  Results therefore do not depend on
 * the number of host threads.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bits.h"
#include "fmt.h"
#include "sim.h"

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
	g->rows = rows;
	g->cols = cols;
	g->nnodes = rows * cols;
	g->usable = cfg && cfg->nodes ? cfg->nodes :
		    (rows == D1_GRID_DEFAULT_ROWS && cols == D1_GRID_DEFAULT_COLS ?
		     D1_GRID_DEFAULT_NODES : g->nnodes);
	if (g->usable > g->nnodes) {
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
	atomic_init(&g->abort, 0);
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
	free(g->image);
	free(g->code_mem);
	free(g->symtab);
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
	return node < g->nnodes ? g->nodes[node].sram : NULL;
}

void d1_grid_abort(struct d1_grid *g)
{
	atomic_store(&g->abort, 1);
}

const char *d1_node_status_name(enum d1_node_status s)
{
	static const char *const names[] = {
		"idle", "exited", "fault", "timeout", "deadlock", "aborted",
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
		op->len = (uint32_t)d1_ld_le(d + D1_DMA_OFF_LEN, 8);
		op->src = d1_ld_le(d + D1_DMA_OFF_SRC, 8);
		op->dst = d1_ld_le(d + D1_DMA_OFF_DST, 8);
		op->tag = tag;
		op->pc = h->pc;
		op->hart = h->id;
		if (!(kind & D1_DMA_LIST))
			break;
		desc = d1_ld_le(d + D1_DMA_OFF_NEXT, 8);
	}
	n->dma_issued = tag;
	return 0;
}

/* Perform one transfer; 0 or nonzero with *addr = the refused address. */
static int dma_do(struct d1_grid *g, struct d1_node *n,
		  const struct d1_dma_op *op, uint64_t *addr)
{
	const struct d1_launch *l = g->launch;
	struct d1_node *peer = op->peer < g->usable ? &g->nodes[op->peer] : NULL;
	uint8_t *src = NULL, *dst = NULL;

	switch (op->kind) {
	case D1_DMA_SRAM_TO_SRAM:
	case D1_DMA_SRAM_TO_HBM:
	case D1_DMA_TO_NODE:
		if (!d1_sram_readable(op->src, op->len)) {
			*addr = op->src;
			return -1;
		}
		src = n->sram + (op->src - D1_SRAM_BASE);
		break;
	case D1_DMA_FROM_NODE:
		if (!peer || !d1_sram_readable(op->src, op->len)) {
			*addr = peer ? op->src : op->peer;
			return -1;
		}
		src = peer->sram + (op->src - D1_SRAM_BASE);
		break;
	case D1_DMA_HBM_TO_SRAM:
		break;
	default:
		*addr = op->kind;
		return -1;
	}
	switch (op->kind) {
	case D1_DMA_SRAM_TO_SRAM:
	case D1_DMA_HBM_TO_SRAM:
	case D1_DMA_FROM_NODE:
		if (!d1_sram_writable(g, op->dst, op->len)) {
			*addr = op->dst;
			return -1;
		}
		dst = n->sram + (op->dst - D1_SRAM_BASE);
		break;
	case D1_DMA_TO_NODE:
		if (!peer || !d1_sram_writable(g, op->dst, op->len)) {
			*addr = peer ? op->dst : op->peer;
			return -1;
		}
		dst = peer->sram + (op->dst - D1_SRAM_BASE);
		break;
	}
	if (op->kind == D1_DMA_HBM_TO_SRAM) {
		if (!l->mem || !l->mem->read ||
		    l->mem->read(l->mem_opaque, op->src, dst, op->len)) {
			*addr = op->src;
			return -1;
		}
	} else if (op->kind == D1_DMA_SRAM_TO_HBM) {
		if (!l->mem || !l->mem->write ||
		    l->mem->write(l->mem_opaque, op->dst, src, op->len)) {
			*addr = op->dst;
			return -1;
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
		} else {
			h->state = H_DMA_WAIT;
		}
		return 0;
	}
	case D1_S_SEM_SIGNAL: {
		uint32_t node = (uint32_t)(a >> D1_SEM_NODE_SHIFT) & 0xffff;
		struct d1_signal *s;

		if ((a & D1_SEM_SELF) || node == n->id) {
			n->sem[idx] += (uint32_t)b;
			return 0;
		}
		if (node >= n->g->usable) {	/* outside the grid, or a spare */
			*addr = a;
			return D1_FAULT_SYNC;
		}
		if (!push((void **)&n->sig, &n->nsig, &n->sig_cap, sizeof(*s))) {
			*addr = a;
			return D1_FAULT_SYNC;
		}
		s = &n->sig[n->nsig++];
		s->node = node;
		s->sem = idx;
		s->val = (uint32_t)b;
		return 0;
	}
	case D1_S_SEM_WAIT:
		if (n->sem[idx] >= (uint32_t)b) {
			n->sem[idx] -= (uint32_t)b;
			h->state = H_RUN;
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
	return n->active && !n->stopped && n->rep.status == D1_NODE_IDLE;
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
	h->sr_state = d1_splitmix64(l->seed ^
				    d1_splitmix64((uint64_t)n->id << 8 | id));
	if (!h->sr_state)
		h->sr_state = 1;
	h->state = H_RUN;
}

static void node_epoch(void *ctx, uint32_t i)
{
	struct d1_grid *g = ctx;
	struct d1_node *n = &g->nodes[i];
	uint32_t k;

	n->progress = false;
	if (!node_live(n))
		return;
	for (k = 0; k < n->nharts && !n->stopped; k++) {
		struct d1_hart *h = &n->harts[k];
		uint64_t before = h->instret;

		if (h->state == H_SEM_WAIT || h->state == H_DMA_WAIT)
			h->state = H_RUN;	/* re-executes the wait */
		if (h->state == H_RUN)
			d1_hart_run(n, h, g->quantum);
		if (h->instret != before)
			n->progress = true;
		if (h->state == H_SEM_WAIT || h->state == H_DMA_WAIT ||
		    h->state == H_BARRIER)
			h->cycle += g->quantum;
		if (h->state == H_RUN && h->instret >= h->budget &&
		    !n->stopped) {
			n->stopped = true;
			n->rep.status = D1_NODE_TIMEOUT;
			n->rep.fault_hart = h->id;
			n->rep.fault_pc = h->pc;
		}
	}
}

/* Everything between two epochs.  Returns true when the launch is over. */
static bool boundary(struct d1_grid *g, struct d1_launch_result *res)
{
	bool event = false, any_live = false, all_barrier = true;
	uint32_t i, k, j;

	for (i = 0; i < g->nnodes; i++) {
		struct d1_node *n = &g->nodes[i];

		if (n->progress)
			event = true;
		for (j = 0; j < n->ndma && !n->stopped; j++) {
			uint64_t addr = 0;

			/* a queue of big transfers can take a while: stay
			 * responsive to an abort (the launch ends below) */
			if (atomic_load(&g->abort))
				break;

			if (dma_do(g, n, &n->dma[j], &addr)) {
				d1_node_fault(n, &n->harts[n->dma[j].hart],
					      D1_FAULT_DMA, n->dma[j].pc, addr);
				break;
			}
			n->dma_done = n->dma[j].tag;
			event = true;
		}
		n->ndma = 0;
	}
	for (i = 0; i < g->nnodes; i++) {
		struct d1_node *n = &g->nodes[i];

		for (j = 0; j < n->nsig; j++)
			g->nodes[n->sig[j].node].sem[n->sig[j].sem] += n->sig[j].val;
		if (n->nsig)
			event = true;
		n->nsig = 0;
	}
	/* barrier: every running hart of the launch waits at one */
	for (i = 0; i < g->nnodes; i++) {
		struct d1_node *n = &g->nodes[i];

		if (!node_live(n))
			continue;
		for (k = 0; k < n->nharts; k++) {
			if (n->harts[k].state == H_EXITED)
				continue;
			any_live = true;
			if (n->harts[k].state != H_BARRIER)
				all_barrier = false;
		}
	}
	if (any_live && all_barrier) {
		for (i = 0; i < g->nnodes; i++) {
			struct d1_node *n = &g->nodes[i];

			if (!node_live(n))
				continue;
			for (k = 0; k < n->nharts; k++) {
				struct d1_hart *h = &n->harts[k];

				if (h->state != H_BARRIER)
					continue;
				h->state = H_RUN;
				h->pc += 4;
				h->instret++;
				h->cycle++;
			}
		}
		event = true;
	}
	/* node completion */
	any_live = false;
	for (i = 0; i < g->nnodes; i++) {
		struct d1_node *n = &g->nodes[i];
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
	if (atomic_load(&g->abort)) {
		for (i = 0; i < g->nnodes; i++)
			if (node_live(&g->nodes[i])) {
				g->nodes[i].stopped = true;
				g->nodes[i].rep.status = D1_NODE_ABORTED;
			}
		return true;
	}
	if (event)
		return false;
	/* Nothing moved: can any blocked hart proceed next epoch? */
	for (i = 0; i < g->nnodes; i++) {
		struct d1_node *n = &g->nodes[i];

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
	for (i = 0; i < g->nnodes; i++)
		if (node_live(&g->nodes[i])) {
			g->nodes[i].stopped = true;
			g->nodes[i].rep.status = D1_NODE_DEADLOCK;
		}
	return true;
}

int d1_grid_run(struct d1_grid *g, const struct d1_launch *l,
		struct d1_launch_result *res, char *err, size_t errlen)
{
	struct d1_launch_result dummy;
	uint32_t w, h, harts, stack, i, k;
	uint64_t entry;

	if (!res)
		res = &dummy;
	memset(res, 0, sizeof(*res));
	if (!g->code)
		return fail(err, errlen, "no kernel image loaded");
	w = l->width ? l->width : g->cols;
	h = l->height ? l->height : g->rows;
	if (l->x0 >= g->cols || l->y0 >= g->rows || w > g->cols - l->x0 ||
	    h > g->rows - l->y0)
		return fail(err, errlen, "node rectangle outside the grid");
	harts = l->harts ? l->harts : 1;
	if (harts > D1_MAX_HARTS)
		return fail(err, errlen, "too many harts per node");
	if (l->args_size > D1_ARGS_SIZE || (l->args_size && !l->args))
		return fail(err, errlen, "bad argument block");
	stack = l->stack_size ? l->stack_size : D1_DEFAULT_STACK;
	if (stack & 15 || (uint64_t)stack * harts > D1_ARGS_ADDR - g->image_hi)
		return fail(err, errlen, "stacks overlap the image");
	entry = l->entry ? l->entry : g->entry;
	if (entry < g->text_lo || entry >= g->text_hi || (entry & 3))
		return fail(err, errlen, "entry point outside the text");

	g->launch = l;
	g->quantum = l->quantum ? l->quantum : DEFAULT_QUANTUM;
	atomic_store(&g->abort, 0);
	for (i = 0; i < g->nnodes; i++) {
		struct d1_node *n = &g->nodes[i];

		memset(&n->rep, 0, sizeof(n->rep));
		n->active = n->x >= l->x0 && n->x < l->x0 + w &&
			    n->y >= l->y0 && n->y < l->y0 + h && i < g->usable;
		n->stopped = false;
		n->ndma = 0;
		n->nsig = 0;
		n->dma_issued = 0;
		n->dma_done = 0;
		memset(n->sem, 0, sizeof(n->sem));
		n->mma_lut_cfg[0] = n->mma_lut_cfg[1] = UINT32_MAX;
		if (!n->active)
			continue;
		res->nodes++;
		n->nharts = harts;
		memcpy(n->sram + (g->image_lo - D1_SRAM_BASE),
		       g->image + (g->image_lo - D1_SRAM_BASE),
		       g->image_hi - g->image_lo);
		memset(n->sram + (D1_ARGS_ADDR - D1_SRAM_BASE), 0, D1_ARGS_SIZE);
		if (l->args_size)
			memcpy(n->sram + (D1_ARGS_ADDR - D1_SRAM_BASE), l->args,
			       l->args_size);
		for (k = 0; k < harts; k++)
			hart_init(n, &n->harts[k], k, l, entry, stack);
	}

	while (1) {
		d1_pool_run(g->pool, g->nnodes, node_epoch, g);
		if (boundary(g, res))
			break;
	}

	for (i = 0; i < g->nnodes; i++) {
		struct d1_node *n = &g->nodes[i];

		if (!n->active)
			continue;
		for (k = 0; k < n->nharts; k++) {
			n->rep.instret += n->harts[k].instret;
			if (n->harts[k].cycle > n->rep.cycles)
				n->rep.cycles = n->harts[k].cycle;
		}
		res->instret += n->rep.instret;
		switch (n->rep.status) {
		case D1_NODE_EXITED: res->exited++; break;
		case D1_NODE_FAULT: res->faulted++; break;
		case D1_NODE_TIMEOUT: res->timed_out++; break;
		case D1_NODE_DEADLOCK: res->deadlocked++; break;
		case D1_NODE_ABORTED: res->aborted++; break;
		default: break;
		}
	}
	g->launch = NULL;
	return 0;
}

// SPDX-License-Identifier: MIT
/*
 * Launch results: a launch's report (struct drm_d1_launch_report and its
 * node records, with their counters when the driver gives them) parsed
 * into struct d1_launch_info and one struct d1_node_result per node when
 * the launch ends.  Every launch job holds one; d1_launch_with_result()
 * shares it with the caller, reference counted, so either may go first.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libd1_internal.h"

static_assert(D1_NODE_EXITED == DRM_D1_NODE_EXITED &&
	      D1_NODE_FAULTED == DRM_D1_NODE_FAULTED &&
	      D1_NODE_BUDGET == DRM_D1_NODE_BUDGET &&
	      D1_NODE_DEADLOCK == DRM_D1_NODE_DEADLOCK &&
	      D1_NODE_STOPPED == DRM_D1_NODE_STOPPED &&
	      D1_NODE_TIME_LIMIT == DRM_D1_NODE_TIME_LIMIT,
	      "node states are the uAPI's");

/* The timing model's nominal node clock. */
#define D1_NODE_HZ	2000000000.0

struct d1_launch_result *d1_launch_result_new(const struct d1_pending *p)
{
	unsigned int n = p->cols * p->rows, i;
	struct d1_launch_result *r;

	r = calloc(1, sizeof(*r) + (size_t)n * sizeof(r->nodes[0]));
	if (!r)
		return NULL;
	atomic_init(&r->refs, 1);
	atomic_init(&r->done, 0);
	r->nnodes = n;
	r->info.x0 = p->x0;
	r->info.y0 = p->y0;
	r->info.cols = p->cols;
	r->info.rows = p->rows;
	r->info.harts = p->harts;
	/* Longer names are cut. */
	snprintf(r->info.kernel, sizeof(r->info.kernel), "%.*s",
		 (int)sizeof(r->info.kernel) - 1, p->kernel);
	for (i = 0; i < n; i++) {
		r->nodes[i].x = p->x0 + i % p->cols;
		r->nodes[i].y = p->y0 + i / p->cols;
	}
	return r;
}

struct d1_launch_result *d1_launch_result_get(struct d1_launch_result *r)
{
	atomic_fetch_add(&r->refs, 1);
	return r;
}

void d1_launch_result_put(struct d1_launch_result *r)
{
	if (r && atomic_fetch_sub(&r->refs, 1) == 1)
		free(r);
}

static void node_counters(struct d1_node_result *n,
			  const struct drm_d1_launch_node_counters *c)
{
	unsigned int i;

	n->cycles = c->cycles;
	for (i = 0; i < 4; i++) {
		n->instret[i] = c->instret[i];
		n->link_bytes[i] = c->link_bytes[i];
	}
	n->stall_dma = c->stall_dma;
	n->stall_sem = c->stall_sem;
	n->stall_barrier = c->stall_barrier;
	n->vec_ops = c->vec_ops;
	n->mat_ops = c->mat_ops;
	n->flops = c->flops;
	n->dma_hbm_read = c->dma_hbm_read;
	n->dma_hbm_write = c->dma_hbm_write;
	n->dma_node_out = c->dma_node_out;
	n->dma_node_in = c->dma_node_in;
}

void d1_launch_result_end(struct d1_launch_result *r, const void *rep,
			  uint64_t size, d1_status status)
{
	const size_t csize = sizeof(struct drm_d1_launch_node) +
			     sizeof(struct drm_d1_launch_node_counters);
	struct drm_d1_launch_report h;
	uint64_t i;

	r->info.status = status;
	if (!rep || size < sizeof(h))
		goto out;
	memcpy(&h, rep, sizeof(h));
	if (h.magic != DRM_D1_REPORT_MAGIC ||
	    h.node_size < sizeof(struct drm_d1_launch_node))
		goto out;
	r->info.cycles = h.cycles;
	r->info.instret = h.instret;
	r->info.sim_ms = (double)h.cycles / (D1_NODE_HZ / 1e3);
	r->info.grid_ns = h.grid_ns;
	r->info.counters = h.node_size >= csize;
	for (i = 0; i < r->nnodes && i < h.nodes; i++) {
		const uint8_t *rec = (const uint8_t *)rep + sizeof(h) +
				     (uint64_t)h.node_size * i;
		struct drm_d1_launch_node_counters c;
		struct drm_d1_launch_node b;
		struct d1_node_result *n = &r->nodes[i];

		if ((uint64_t)(rec - (const uint8_t *)rep) + h.node_size > size)
			break;
		memcpy(&b, rec, sizeof(b));
		n->status = b.state;
		n->fault = b.fault;
		n->hart = b.hart;
		n->exit_code = (int)b.exit_code;
		n->fault_pc = b.fault_pc;
		n->fault_addr = b.fault_addr;
		if (r->info.counters) {
			memcpy(&c, rec + sizeof(b), sizeof(c));
			node_counters(n, &c);
		}
	}
out:
	atomic_store_explicit(&r->done, 1, memory_order_release);
}

const struct d1_launch_result *d1__launch_job_result(const struct d1_pending *p)
{
	if (p->kind != D1_PENDING_LAUNCH || !p->result ||
	    !atomic_load_explicit(&p->result->done, memory_order_acquire))
		return NULL;
	return p->result;
}

static int ended(d1_launch_result *r)
{
	return atomic_load_explicit(&r->done, memory_order_acquire);
}

D1_API d1_status d1_launch_result_info(d1_launch_result *r,
				       struct d1_launch_info *info)
{
	if (!r || !info)
		return D1_ERROR_INVALID_VALUE;
	if (!ended(r))
		return D1_ERROR_NOT_READY;
	*info = r->info;
	return D1_SUCCESS;
}

D1_API d1_status d1_launch_result_node(d1_launch_result *r,
				       unsigned int index,
				       struct d1_node_result *node)
{
	if (!r || !node)
		return D1_ERROR_INVALID_VALUE;
	if (!ended(r))
		return D1_ERROR_NOT_READY;
	if (index >= r->nnodes)
		return D1_ERROR_INVALID_VALUE;
	*node = r->nodes[index];
	return D1_SUCCESS;
}

D1_API d1_status d1_launch_result_destroy(d1_launch_result *r)
{
	if (!r)
		return D1_ERROR_INVALID_VALUE;
	d1_launch_result_put(r);
	return D1_SUCCESS;
}

D1_API const char *d1_node_state_name(unsigned int state)
{
	static const char *const names[] = {
		"unknown", "exited", "faulted", "budget", "deadlock",
		"stopped", "time limit",
	};

	return state < sizeof(names) / sizeof(names[0]) ? names[state] :
	       "unknown";
}

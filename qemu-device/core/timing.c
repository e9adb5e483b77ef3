// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The node timing model (see timing.h and node-sim.rst, "Timing model").
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "fmt.h"
#include "timing.h"

static atomic_int tm_on = -1;	/* -1: not read from the environment */

bool d1_tm_enabled(void)
{
	int on = atomic_load(&tm_on);

	if (on < 0) {
		const char *env = getenv("D1_TIMING");

		on = !(env && !strcmp(env, "0"));
		atomic_store(&tm_on, on);
	}
	return on;
}

void d1_tm_enable(bool on)
{
	atomic_store(&tm_on, on);
}

/* ------------------------------------------------------- the cost table */

static uint32_t vec_elems(unsigned int t)
{
	return 512 / d1_type_bits(t);
}

static bool vec_fp(unsigned int t)
{
	return t <= D1_T_CFP8E5;
}

/* Vector unit instructions (OP_VARITH, OP_V3, OP_VMEM). */
static void vec_weights(const struct d1_insn *in, struct d1_tm_w *w)
{
	unsigned int t = in->f3;

	w->vec = 1;
	if (in->op == OP_VMEM) {
		w->cycles = in->f3 == D1_VM_ST ? D1_TC_VSTORE : D1_TC_VLOAD;
		return;
	}
	if (in->op == OP_V3) {
		if (in->f7 == D1_V3_MMA) {
			w->vec = 0;
			w->mat = 1;
			w->cycles = D1_TC_VMMA;
			w->flops = D1_VMMA_FLOPS;
		} else if (in->f7 == D1_V3_FMA) {
			w->cycles = D1_TC_VFMA;
			w->flops = vec_fp(t) ? 2 * vec_elems(t) : 0;
		} else {
			w->cycles = D1_TC_VEC;
		}
		return;
	}
	switch (in->f7) {
	case D1_V_ADD: case D1_V_SUB: case D1_V_MUL:
		w->cycles = D1_TC_VEC;
		w->flops = vec_fp(t) ? vec_elems(t) : 0;
		return;
	case D1_V_REDSUM:
		w->cycles = D1_TC_VRED;
		w->flops = vec_fp(t) ? vec_elems(t) - 1 : 0;
		return;
	case D1_V_REDMAX: case D1_V_REDMIN:
		w->cycles = D1_TC_VRED;
		return;
	default:
		w->cycles = D1_TC_VEC;
	}
}

void d1_tm_insn(const struct d1_insn *in, struct d1_tm_w *w)
{
	unsigned int op = in->op;

	memset(w, 0, sizeof(*w));
	w->cycles = D1_TC_ALU;
	if (op >= OP_JAL && op <= OP_BGEU)
		w->cycles = D1_TC_BRANCH;
	else if ((op >= OP_LB && op <= OP_LWU) || op == OP_FLW)
		w->cycles = D1_TC_LOAD;
	else if ((op >= OP_SB && op <= OP_SD) || op == OP_FSW)
		w->cycles = D1_TC_STORE;
	else if ((op >= OP_MUL && op <= OP_MULHU) || op == OP_MULW)
		w->cycles = D1_TC_MUL;
	else if ((op >= OP_DIV && op <= OP_REMU) ||
		 (op >= OP_DIVW && op <= OP_REMUW))
		w->cycles = D1_TC_DIV;
	else if (op == OP_ECALL || op == OP_EBREAK)
		w->cycles = D1_TC_SYS;
	else if (op >= OP_CSRRW && op <= OP_CSRRCI)
		w->cycles = D1_TC_CSR;
	else if (op >= OP_FMADD && op <= OP_FNMADD)
		w->cycles = D1_TC_FP, w->flops = 2;
	else if (op >= OP_FADD && op <= OP_FMUL)
		w->cycles = D1_TC_FP, w->flops = 1;
	else if (op == OP_FDIV || op == OP_FSQRT)
		w->cycles = D1_TC_FDIV, w->flops = 1;
	else if (op == OP_FMIN || op == OP_FMAX ||
		 (op >= OP_FCVT_W_S && op <= OP_FCVT_S_LU) ||
		 (op >= OP_FEQ && op <= OP_FLE))
		w->cycles = D1_TC_FP;
	else if ((op >= OP_FSGNJ && op <= OP_FSGNJX) || op == OP_FMV_X_W ||
		 op == OP_FMV_W_X || op == OP_FCLASS)
		w->cycles = D1_TC_FMOVE;
	else if (op >= OP_VARITH && op <= OP_VMEM)
		vec_weights(in, w);
	else if (op == OP_SYNC)
		w->cycles = in->f7 == D1_S_DMA_START ? D1_TC_DMA : D1_TC_SYNC;
}

uint32_t d1_tm_vec(struct d1_hart *h, const struct d1_insn *in)
{
	struct d1_tm_w w = { 0 };

	vec_weights(in, &w);
	h->vec_ops += w.vec;
	h->mat_ops += w.mat;
	h->flops += w.flops;
	return w.cycles;
}

/* ------------------------------------------------------------------ SMT */

void d1_tm_smt(struct d1_node *n, const uint64_t *start,
	       const uint64_t *issued)
{
	uint64_t end[D1_MAX_HARTS];
	uint32_t k, j;

	for (k = 0; k < n->nharts; k++)
		end[k] = n->harts[k].cycle;
	for (k = 0; k < n->nharts; k++) {
		uint64_t slots = 0;

		if (!issued[k])
			continue;
		/* the harts whose issue overlapped this one's interval share
		 * the slot with it round robin: each takes at most as many
		 * slots as this one before it is done */
		for (j = 0; j < n->nharts; j++)
			if (issued[j] && start[j] < end[k] && start[k] < end[j])
				slots += issued[j] < issued[k] ? issued[j] :
					 issued[k];
		if (start[k] + slots > n->harts[k].cycle)
			n->harts[k].cycle = start[k] + slots;
	}
}

/* ------------------------------------------------------------ DMA, mesh */

struct d1_tm_run {
	uint32_t cols, rows;
	bool loaded;		/* some load set since the last clear */
	uint64_t hbm;		/* HBM bytes in this interval (the card's) */
	uint64_t *port;		/* per position: local and HBM bytes */
	uint64_t (*load)[D1_LINKS];	/* per position: bytes in this interval */
	uint64_t (*bytes)[D1_LINKS];	/* per position: the launch's total */
};

struct d1_tm_run *d1_tm_run_create(const struct d1_run *run)
{
	size_t np = (size_t)run->cols * run->rows;
	struct d1_tm_run *tm = calloc(1, sizeof(*tm));

	if (!tm)
		return NULL;
	tm->cols = run->cols;
	tm->rows = run->rows;
	tm->port = calloc(np, sizeof(*tm->port));
	tm->load = calloc(np, sizeof(*tm->load));
	tm->bytes = calloc(np, sizeof(*tm->bytes));
	if (!tm->port || !tm->load || !tm->bytes) {
		d1_tm_run_free(tm);
		return NULL;
	}
	return tm;
}

void d1_tm_run_free(struct d1_tm_run *tm)
{
	if (!tm)
		return;
	free(tm->port);
	free(tm->load);
	free(tm->bytes);
	free(tm);
}

enum route_op { R_LOAD, R_MAX, R_BYTES };

/*
 * XY routing from (sx, sy) to (dx, dy) in the launch rectangle (row 0 is
 * north): along the row first, then along the column.  Each link is
 * counted at the node it leaves.  Returns the hops; R_MAX: the largest
 * interval load on the way into *acc.
 */
static uint32_t route(struct d1_tm_run *tm, uint32_t sx, uint32_t sy,
		      uint32_t dx, uint32_t dy, enum route_op op,
		      uint64_t bytes, uint64_t *acc)
{
	uint32_t x = sx, y = sy, hops = 0;

	while (x != dx || y != dy) {
		int dir = x < dx ? D1_LINK_E : x > dx ? D1_LINK_W :
			  y < dy ? D1_LINK_S : D1_LINK_N;
		uint32_t pos = y * tm->cols + x;

		if (op == R_LOAD)
			tm->load[pos][dir] += bytes;
		else if (op == R_BYTES)
			tm->bytes[pos][dir] += bytes;
		else if (tm->load[pos][dir] > *acc)
			*acc = tm->load[pos][dir];
		x = dir == D1_LINK_E ? x + 1 : dir == D1_LINK_W ? x - 1 : x;
		y = dir == D1_LINK_S ? y + 1 : dir == D1_LINK_N ? y - 1 : y;
		hops++;
	}
	return hops;
}

/* The source and destination of a node-to-node transfer. */
static void ends(const struct d1_run *run, const struct d1_node *n,
		 const struct d1_dma_op *op, const struct d1_node **s,
		 const struct d1_node **d)
{
	const struct d1_node *p = run->node[op->peer];

	*s = op->kind == D1_DMA_TO_NODE ? n : p;
	*d = op->kind == D1_DMA_TO_NODE ? p : n;
}

static uint32_t pos(const struct d1_tm_run *tm, const struct d1_node *n)
{
	return n->ry * tm->cols + n->rx;
}

static bool node_kind(const struct d1_run *run, const struct d1_dma_op *op)
{
	return (op->kind == D1_DMA_TO_NODE || op->kind == D1_DMA_FROM_NODE) &&
	       op->peer < run->nnodes;
}

void d1_tm_dma_plan(struct d1_run *run)
{
	struct d1_tm_run *tm = run->tm;
	uint32_t i, j;

	if (tm->loaded) {
		size_t np = (size_t)tm->cols * tm->rows;

		memset(tm->port, 0, np * sizeof(*tm->port));
		memset(tm->load, 0, np * sizeof(*tm->load));
		tm->hbm = 0;
		tm->loaded = false;
	}
	for (i = 0; i < run->nnodes; i++) {
		struct d1_node *n = run->node[i];

		for (j = 0; j < n->ndma; j++) {
			const struct d1_dma_op *op = &n->dma[j];
			const struct d1_node *s, *d;

			tm->loaded = true;
			if (node_kind(run, op)) {
				ends(run, n, op, &s, &d);
				if (s == d)
					tm->port[pos(tm, n)] += op->len;
				else
					route(tm, s->rx, s->ry, d->rx, d->ry,
					      R_LOAD, op->len, NULL);
				continue;
			}
			tm->port[pos(tm, n)] += op->len;
			if (op->kind == D1_DMA_HBM_TO_SRAM ||
			    op->kind == D1_DMA_SRAM_TO_HBM)
				tm->hbm += op->len;
		}
	}
}

static uint64_t xfer(uint64_t bytes, uint64_t bpc)
{
	return (bytes + bpc - 1) / bpc;
}

void d1_tm_dma_done(struct d1_run *run, struct d1_node *n,
		    const struct d1_dma_op *op)
{
	struct d1_tm_run *tm = run->tm;
	uint64_t t = xfer(tm->port[pos(tm, n)], D1_TM_PORT_BPC);
	uint64_t *at = &n->dma_at[op->tag % D1_TM_TAGS];
	uint64_t done;

	switch (op->kind) {
	case D1_DMA_HBM_TO_SRAM:
		n->rep.ctr.dma_hbm_read += op->len;
		if (xfer(tm->hbm, D1_TM_HBM_BPC) > t)
			t = xfer(tm->hbm, D1_TM_HBM_BPC);
		break;
	case D1_DMA_SRAM_TO_HBM:
		n->rep.ctr.dma_hbm_write += op->len;
		if (xfer(tm->hbm, D1_TM_HBM_BPC) > t)
			t = xfer(tm->hbm, D1_TM_HBM_BPC);
		break;
	case D1_DMA_TO_NODE:
	case D1_DMA_FROM_NODE: {
		const struct d1_node *s, *d;
		uint64_t max = 0;
		uint32_t hops;

		ends(run, n, op, &s, &d);
		run->node[s->rank]->rep.ctr.dma_node_out += op->len;
		run->node[d->rank]->rep.ctr.dma_node_in += op->len;
		if (s == d)
			break;
		hops = route(tm, s->rx, s->ry, d->rx, d->ry, R_MAX, 0, &max);
		route(tm, s->rx, s->ry, d->rx, d->ry, R_BYTES, op->len, NULL);
		t = (uint64_t)hops * D1_TM_HOP + xfer(max, D1_TM_LINK_BPC);
		break;
	}
	}
	done = op->at + D1_TM_DMA_SETUP + t;
	/* a tag completes with the last of its transfers and the tags
	 * before it (dma.wait waits for all of them) */
	if (done > n->dma_last)
		n->dma_last = done;
	*at = n->dma_last;
}

void d1_tm_dma_wait(struct d1_node *n, struct d1_hart *h, uint64_t tag)
{
	uint64_t at;

	/* older than the slots keep: at most the oldest one kept */
	if (n->dma_done - tag >= D1_TM_TAGS)
		tag = n->dma_done - (D1_TM_TAGS - 1);
	at = n->dma_at[tag % D1_TM_TAGS];
	if (at > h->cycle) {
		h->stall_dma += at - h->cycle;
		h->cycle = at;
	}
}

uint64_t d1_tm_signal_at(const struct d1_node *n, const struct d1_hart *h,
			 uint32_t to)
{
	const struct d1_node *p = n->run->node[to];
	uint32_t hops = (p->rx > n->rx ? p->rx - n->rx : n->rx - p->rx) +
			(p->ry > n->ry ? p->ry - n->ry : n->ry - p->ry);

	return h->cycle + D1_TM_SIGNAL + (uint64_t)hops * D1_TM_HOP;
}

void d1_tm_sem_wait(struct d1_node *n, struct d1_hart *h, uint32_t idx)
{
	if (n->sem_at[idx] > h->cycle) {
		h->stall_sem += n->sem_at[idx] - h->cycle;
		h->cycle = n->sem_at[idx];
	}
}

void d1_tm_links(const struct d1_run *run, uint32_t rank,
		 uint64_t out[D1_LINKS])
{
	const struct d1_node *n = run->node[rank];

	memcpy(out, run->tm->bytes[pos(run->tm, n)],
	       sizeof(uint64_t) * D1_LINKS);
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * d1 DIP LAUNCH command: fetches a kernel image and its arguments through
 * the queue's context, takes the decoded image from the image cache,
 * reserves the launch's rectangle of the node grid (gridsched.c: launches on
 * disjoint rectangles run at the same time, overlapping ones in arrival
 * order), runs it there (grid.c) on scrubbed nodes with node DMA
 * translated by the same context, and writes the launch report
 * (Documentation/accel/d1/hw-interface.rst, "The node grid").
 */
#include <assert.h>
#include <endian.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dip.h"
#include "grid.h"
#include "icache.h"

/* The register contract and the node ISA name the same limits and codes. */
static_assert(D1_LAUNCH_ARGS_MAX == D1_ARGS_SIZE, "argument area");
static_assert(D1_LAUNCH_HARTS_MAX == D1_MAX_HARTS, "harts per node");
static_assert(D1_NODE_FAULT_ILLEGAL == D1_FAULT_ILLEGAL &&
	      D1_NODE_FAULT_FETCH == D1_FAULT_FETCH &&
	      D1_NODE_FAULT_MISALIGNED_PC == D1_FAULT_MISALIGNED_PC &&
	      D1_NODE_FAULT_LOAD == D1_FAULT_LOAD &&
	      D1_NODE_FAULT_STORE == D1_FAULT_STORE &&
	      D1_NODE_FAULT_ECALL == D1_FAULT_ECALL &&
	      D1_NODE_FAULT_BREAKPOINT == D1_FAULT_BREAKPOINT &&
	      D1_NODE_FAULT_DMA == D1_FAULT_DMA &&
	      D1_NODE_FAULT_SYNC == D1_FAULT_SYNC &&
	      D1_NODE_FAULT_PEER == D1_FAULT_PEER,
	      "report fault codes are the node's fault codes");
static_assert(D1_NODE_STATE_EXITED == D1_NODE_EXITED &&
	      D1_NODE_STATE_FAULTED == D1_NODE_FAULT &&
	      D1_NODE_STATE_BUDGET == D1_NODE_TIMEOUT &&
	      D1_NODE_STATE_DEADLOCK == D1_NODE_DEADLOCK &&
	      D1_NODE_STATE_STOPPED == D1_NODE_ABORTED &&
	      D1_NODE_STATE_TIME_LIMIT == D1_NODE_TIME_LIMIT,
	      "report node states are the grid's node states");
static_assert(D1_REPORT_N_RSVD_OFF == D1_REPORT_N_CYCLES_OFF +
	      sizeof(struct d1_node_counters), "counters fill their part");
static_assert(D1_REPORT_N_LINK_OFF ==
	      D1_REPORT_N_CYCLES_OFF + offsetof(struct d1_node_counters,
						link_bytes) &&
	      D1_REPORT_N_FLOPS_OFF ==
	      D1_REPORT_N_CYCLES_OFF + offsetof(struct d1_node_counters, flops),
	      "counters in the grid's order");

/* What a running launch's node DMA and time limit use. */
struct launch_mem {
	struct d1_vspace *vs;
	struct d1_dip *d;
};

static int vs_read(void *opaque, uint64_t addr, void *buf, uint64_t len)
{
	struct launch_mem *m = opaque;

	return d1_vspace_read(m->vs, addr, buf, len);
}

static int vs_write(void *opaque, uint64_t addr, const void *buf,
		    uint64_t len)
{
	struct launch_mem *m = opaque;

	return d1_vspace_write(m->vs, addr, buf, len);
}

static uint64_t dev_now(void *opaque)
{
	struct launch_mem *m = opaque;

	return m->d->ops->now_ns(m->d->opaque);
}

static const struct d1_mem_ops vs_mem_ops = {
	.read = vs_read,
	.write = vs_write,
	.now_ns = dev_now,
};

static void put32(uint8_t *p, uint32_t v)
{
	v = htole32(v);
	memcpy(p, &v, 4);
}

static void put64(uint8_t *p, uint64_t v)
{
	v = htole64(v);
	memcpy(p, &v, 8);
}

/*
 * Reserve @r's rectangle for @q's launch, waiting (Q_STATUS.GRID_WAIT)
 * behind earlier overlapping launches; false if the queue was reset
 * meanwhile.
 */
static bool grid_reserve(struct d1_queue *q, struct d1_resv *r)
{
	struct d1_dip *d = q->dev;
	bool ok;

	pthread_mutex_lock(&d->lock);
	d1_sched_add(&d->sched, r);
	while (!d1_sched_ready(&d->sched, r) && !q->abort && !d->exiting) {
		q->grid_wait = true;
		pthread_cond_wait(&d->kick, &d->lock);
	}
	q->grid_wait = false;
	ok = !q->abort && !d->exiting;
	if (ok) {
		r->running = true;
		q->on_grid = true;
		q->grid_since = d->ops->now_ns(d->opaque);
	} else {
		d1_sched_remove(&d->sched, r);
		pthread_cond_broadcast(&d->kick);
	}
	pthread_mutex_unlock(&d->lock);
	return ok;
}

static void grid_release(struct d1_queue *q, struct d1_resv *r)
{
	struct d1_dip *d = q->dev;

	pthread_mutex_lock(&d->lock);
	d1_sched_remove(&d->sched, r);
	pthread_cond_broadcast(&d->kick);
	pthread_mutex_unlock(&d->lock);
}

/* The grid, made on the first launch. */
static struct d1_grid *grid_get(struct d1_dip *d)
{
	struct d1_grid *g;

	pthread_mutex_lock(&d->lock);
	if (!d->grid) {
		struct d1_grid_config gc = {
			.rows = d->cfg.grid_rows,
			.cols = d->cfg.grid_cols,
			.nodes = d->cfg.nodes,
			.threads = d->cfg.sim_threads,
		};

		d->grid = d1_grid_create(&gc);
	}
	g = d->grid;
	pthread_mutex_unlock(&d->lock);
	return g;
}

void d1_launch_init(struct d1_dip *d)
{
	d1_icache_init(&d->icache, d->cfg.image_cache);
}

void d1_launch_fini(struct d1_dip *d)
{
	if (d->grid)
		d1_grid_destroy(d->grid);
	d->grid = NULL;
	d1_icache_fini(&d->icache);
}

/*
 * Device printf: each node's text, every line prefixed with the node's
 * coordinates, into @out (up to @cap bytes).  Returns bytes written; adds
 * what did not fit to @dropped.  With @out NULL only counts.
 */
static uint32_t gather_printf(struct d1_grid *g, uint32_t x0, uint32_t y0,
			      uint32_t cols, uint32_t rows, char *out,
			      uint32_t cap, uint32_t *dropped)
{
	uint32_t used = 0, x, y;

	for (y = y0; y < y0 + rows; y++) {
		for (x = x0; x < x0 + cols; x++) {
			const struct d1_node_report *r;
			size_t len, i;
			const char *s;
			bool bol = true;

			r = d1_grid_report(g, y * d1_grid_cols(g) + x);
			s = d1_grid_output(g, y * d1_grid_cols(g) + x, &len);
			*dropped += r->print_dropped;
			for (i = 0; i < len; i++) {
				char pre[24];
				int n = 0;

				if (bol)
					n = snprintf(pre, sizeof(pre), "[%u,%u] ",
						     x, y);
				if (used + n + 1 > cap) {
					*dropped += len - i;
					break;
				}
				if (out) {
					memcpy(out + used, pre, n);
					out[used + n] = s[i];
				}
				used += n + 1;
				bol = s[i] == '\n';
			}
			/* Keep nodes apart even without a final newline. */
			if (!bol && len && used < cap) {
				if (out)
					out[used] = '\n';
				used++;
			}
		}
	}
	return used;
}

void d1_launch_put_node(uint8_t *p, uint32_t rsize,
			const struct d1_node_report *r)
{
	const uint64_t *v = (const uint64_t *)&r->ctr;
	size_t i;

	put32(p + D1_REPORT_N_EXIT_OFF, (uint32_t)r->exit_code);
	put32(p + D1_REPORT_N_FAULT_OFF,
	      r->status == D1_NODE_FAULT ? r->fault : 0);
	put32(p + D1_REPORT_N_HART_OFF, r->fault_hart);
	put32(p + D1_REPORT_N_STATE_OFF, r->status);
	put64(p + D1_REPORT_N_PC_OFF, r->fault_pc);
	put64(p + D1_REPORT_N_ADDR_OFF, r->fault_addr);
	if (rsize < D1_REPORT_NODE_SIZE_CTR)
		return;
	/* All u64, in the record's order (checked above). */
	for (i = 0; i < sizeof(r->ctr) / sizeof(*v); i++)
		put64(p + D1_REPORT_N_CYCLES_OFF + 8 * i, v[i]);
}

/*
 * Report to @report_va: header, node records (with counters when the
 * report has room for them), printf text.
 */
static unsigned int write_report(struct d1_grid *g, struct d1_vspace *vs,
				 uint64_t report_va, uint32_t report_bytes,
				 uint32_t x0, uint32_t y0, uint32_t cols,
				 uint32_t rows, unsigned int status,
				 const struct d1_launch_result *res,
				 uint64_t cycles, uint64_t grid_ns)
{
	uint32_t nodes = cols * rows, rsize = D1_REPORT_NODE_SIZE;
	uint32_t dropped = 0, used, head;
	uint8_t *rep;
	uint32_t x, y, i = 0;
	int err;

	if (report_bytes >= (uint64_t)D1_REPORT_SIZE_CTR(nodes))
		rsize = D1_REPORT_NODE_SIZE_CTR;
	head = D1_REPORT_HDR_SIZE + nodes * rsize;
	/* Only what is written: the guest may name a 4 GiB report. */
	used = gather_printf(g, x0, y0, cols, rows, NULL,
			     report_bytes - head, &dropped);
	rep = calloc(1, head + used);
	if (!rep)
		return D1_QERR_BAD_DESC;
	for (y = y0; y < y0 + rows; y++)
		for (x = x0; x < x0 + cols; x++, i++)
			d1_launch_put_node(rep + D1_REPORT_HDR_SIZE + i * rsize,
					   rsize,
					   d1_grid_report(g, y * d1_grid_cols(g) + x));
	dropped = 0;
	used = gather_printf(g, x0, y0, cols, rows, (char *)rep + head, used,
			     &dropped);
	put32(rep + D1_REPORT_MAGIC_OFF, D1_REPORT_MAGIC);
	put32(rep + D1_REPORT_STATUS_OFF, status);
	put32(rep + D1_REPORT_NODES_OFF, nodes);
	put32(rep + D1_REPORT_PRINTF_OFF, used);
	put32(rep + D1_REPORT_DROPPED_OFF, dropped);
	put32(rep + D1_REPORT_NODE_SIZE_OFF, rsize);
	put64(rep + D1_REPORT_INSTRET_OFF, res->instret);
	put64(rep + D1_REPORT_CYCLES_OFF, cycles);
	put64(rep + D1_REPORT_GRID_NS_OFF, grid_ns);
	err = d1_vspace_write(vs, report_va, rep, head + used);
	free(rep);
	return err ? D1_QERR_MMU_FAULT : D1_QERR_NONE;
}

/* The queue error for a launch's outcome. */
static unsigned int launch_status(const struct d1_launch_result *res,
				  const struct d1_vspace *vs)
{
	if (res->aborted)
		return D1_QERR_ABORTED;
	if (res->faulted && vs->fault.reason)
		return D1_QERR_MMU_FAULT;	/* node DMA outside mappings */
	if (res->faulted)
		return D1_QERR_NODE_FAULT;
	if (res->timed_out)
		return D1_QERR_TIMEOUT;
	if (res->time_limited)
		return D1_QERR_TIME_LIMIT;
	if (res->deadlocked)
		return D1_QERR_DEADLOCK;
	return D1_QERR_NONE;
}

unsigned int d1_launch_exec(struct d1_queue *q, struct d1_vspace *vs,
			    const uint64_t *w, struct d1_launch_stats *st)
{
	struct d1_dip *d = q->dev;
	uint32_t image_bytes = D1_LAUNCH_W2_IMAGE(w[2]);
	uint32_t report_bytes = D1_LAUNCH_W2_REPORT(w[2]);
	uint32_t args_bytes = D1_LAUNCH_W5_ARGS(w[5]);
	uint32_t harts = D1_LAUNCH_W5_HARTS(w[5]);
	uint32_t limit_ms = D1_LAUNCH_W5_LIMIT(w[5]);
	uint32_t x0 = D1_LAUNCH_W4_X0(w[4]), y0 = D1_LAUNCH_W4_Y0(w[4]);
	uint32_t cols = D1_LAUNCH_W4_COLS(w[4]), rows = D1_LAUNCH_W4_ROWS(w[4]);
	struct launch_mem mem = { .vs = vs, .d = d };
	struct d1_resv resv = { .x0 = x0, .y0 = y0, .cols = cols, .rows = rows };
	struct d1_launch_result res;
	struct d1_mmu_fault keep;
	struct d1_kimage *img;
	struct d1_grid *grid;
	struct d1_launch l;
	unsigned int status, err;
	uint64_t grid_ns, cycles = 0;
	uint8_t *image = NULL, args[D1_LAUNCH_ARGS_MAX];
	char msg[128];
	uint32_t y, x;

	/* Validate everything before touching memory or the grid. */
	if (!image_bytes || image_bytes > D1_LAUNCH_IMAGE_MAX ||
	    (w[5] & D1_LAUNCH_W5_RSVD) || args_bytes > D1_LAUNCH_ARGS_MAX ||
	    (!w[3] && args_bytes) || !harts || harts > D1_LAUNCH_HARTS_MAX ||
	    !cols || !rows || x0 + cols > d->cfg.grid_cols ||
	    y0 + rows > d->cfg.grid_rows || !w[7] ||
	    report_bytes < D1_REPORT_SIZE(cols * rows))
		return D1_QERR_BAD_DESC;
	/* Disabled nodes (the last of the mesh, row-major) cannot run. */
	for (y = y0; y < y0 + rows; y++)
		for (x = x0; x < x0 + cols; x++)
			if (y * d->cfg.grid_cols + x >= d->cfg.nodes)
				return D1_QERR_BAD_DESC;

	image = malloc(image_bytes);
	if (!image)
		return D1_QERR_BAD_DESC;
	if (d1_vspace_read(vs, w[1], image, image_bytes) ||
	    (args_bytes && d1_vspace_read(vs, w[3], args, args_bytes))) {
		free(image);
		return D1_QERR_MMU_FAULT;
	}
	/* By content: the bytes just read are the image, wherever from. */
	img = d1_icache_get(&d->icache, image, image_bytes, msg, sizeof(msg));
	free(image);
	grid = grid_get(d);
	if (!img || !grid) {
		d1_kimage_put(img);
		return D1_QERR_BAD_DESC;
	}
	if (!grid_reserve(q, &resv)) {
		d1_kimage_put(img);
		return D1_QERR_ABORTED;
	}

	memset(&l, 0, sizeof(l));
	l.image = img;
	l.x0 = x0;
	l.y0 = y0;
	l.width = cols;
	l.height = rows;
	l.harts = harts;
	l.budget = w[6];
	l.args = args_bytes ? args : NULL;
	l.args_size = args_bytes;
	l.mem = &vs_mem_ops;
	l.mem_opaque = &mem;
	l.flags = D1_LAUNCH_SCRUB;
	l.stop = &q->grid_stop;
	l.time_limit_ns = (uint64_t)limit_ms * 1000000;
	vs->fault.reason = 0;
	if (d1_grid_run(grid, &l, &res, msg, sizeof(msg))) {
		grid_release(q, &resv);
		d1_kimage_put(img);
		return D1_QERR_BAD_DESC;
	}
	d1_kimage_put(img);
	grid_ns = d->ops->now_ns(d->opaque) - q->grid_since;

	st->instret += res.instret;
	for (y = y0; y < y0 + rows; y++) {
		for (x = x0; x < x0 + cols; x++) {
			const struct d1_node_report *r =
				d1_grid_report(grid, y * d->cfg.grid_cols + x);

			st->dma_bytes += r->dma_bytes;
			if (r->cycles > cycles)
				cycles = r->cycles;
		}
	}
	st->cycles += cycles;

	status = launch_status(&res, vs);
	if (status == D1_QERR_ABORTED) {
		grid_release(q, &resv);
		return status;
	}
	/* The report must not clobber the node DMA fault. */
	keep = vs->fault;
	err = write_report(grid, vs, w[7], report_bytes, x0, y0, cols, rows,
			   status, &res, cycles, grid_ns);
	if (status == D1_QERR_MMU_FAULT || !err)
		vs->fault = keep;
	grid_release(q, &resv);
	return status ? status : err;
}

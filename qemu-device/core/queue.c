// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * d1 DIP command queues: per-queue registers and the command-processor
 * thread that fetches 64-byte descriptors from the ring in host memory and
 * executes them in order (COPY, LAUNCH, SIGNAL, WAIT, TIMESTAMP, NOP;
 * LINK_COPY in link.c).
 */
#include <endian.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dip.h"

/* COPY moves at most this much between abort checks. */
#define COPY_CHUNK	(1u << 20)
/* WAIT re-reads memory at least this often (host CPU writes wake no one). */
#define WAIT_POLL_NS	200000

static bool ring_valid(const struct d1_queue *q)
{
	return !(q->ring & (D1_DESC_SIZE - 1)) && q->size >= 2 &&
	       q->size <= 65536 && !(q->size & (q->size - 1)) &&
	       q->ctx < q->dev->cfg.num_contexts;
}

static bool runnable(const struct d1_queue *q)
{
	return (q->ctrl & D1_Q_CTRL_ENABLE) &&
	       !(q->status & D1_Q_STATUS_STOPPED) &&
	       q->head != q->tail && q->dev->pm_state == D1_PM_ACTIVE;
}

/* Stop @q with @err and raise its error interrupt. */
static void stop_locked(struct d1_queue *q, unsigned int err,
			unsigned int *vecs)
{
	q->status = D1_Q_STATUS_STOPPED | err << 8;
	q->faults++;
	q->irq_status |= D1_Q_IRQ_ERROR;
	if (q->irq_status & q->irq_mask)
		*vecs |= 1u << D1_MSIX_VEC_QUEUE(q->idx);
}

void d1_queue_reset_locked(struct d1_queue *q)
{
	q->gen++;
	q->abort = true;
	q->head = 0;
	q->tail = 0;
	q->status = 0;
	q->ctrl &= ~D1_Q_CTRL_ENABLE;
	q->irq_status = 0;
	/* A launch on the grid stops at its next epoch boundary. */
	atomic_store(&q->grid_stop, 1);
}

uint32_t d1_queue_reg_read_locked(struct d1_queue *q, unsigned int reg,
				  bool *ok)
{
	switch (reg) {
	case D1_Q_RING_LO:
		return (uint32_t)q->ring;
	case D1_Q_RING_HI:
		return (uint32_t)(q->ring >> 32);
	case D1_Q_RING_SIZE:
		return q->size;
	case D1_Q_CTX:
		return q->ctx;
	case D1_Q_CTRL:
		return q->ctrl;
	case D1_Q_STATUS:
		return q->status | (q->busy ? D1_Q_STATUS_BUSY : 0) |
		       (q->grid_wait ? D1_Q_STATUS_GRID_WAIT : 0);
	case D1_Q_HEAD:
		return q->head;
	case D1_Q_TAIL:
		return q->tail;
	case D1_Q_FENCE:
		return q->fence;
	case D1_Q_IRQ_STATUS:
		return q->irq_status;
	case D1_Q_IRQ_MASK:
		return q->irq_mask;
	case D1_Q_CMDS_LO:
		return (uint32_t)q->cmds;
	case D1_Q_CMDS_HI:
		return (uint32_t)(q->cmds >> 32);
	case D1_Q_BUSY_NS_LO:
		return (uint32_t)q->busy_ns;
	case D1_Q_BUSY_NS_HI:
		return (uint32_t)(q->busy_ns >> 32);
	case D1_Q_DMA_BYTES_LO:
		return (uint32_t)q->dma_bytes;
	case D1_Q_DMA_BYTES_HI:
		return (uint32_t)(q->dma_bytes >> 32);
	case D1_Q_INSTRET_LO:
		return (uint32_t)q->instret;
	case D1_Q_INSTRET_HI:
		return (uint32_t)(q->instret >> 32);
	case D1_Q_CYCLES_LO:
		return (uint32_t)q->cycles;
	case D1_Q_CYCLES_HI:
		return (uint32_t)(q->cycles >> 32);
	case D1_Q_FAULTS:
		return q->faults;
	case D1_Q_RUN_NS_LO: {
		struct d1_dip *d = q->dev;
		uint64_t t = q->on_grid ?
			     d->ops->now_ns(d->opaque) - q->grid_since : 0;

		q->run_ns_hi = (uint32_t)(t >> 32);
		return (uint32_t)t;
	}
	case D1_Q_RUN_NS_HI:
		return q->run_ns_hi;
	}
	*ok = false;
	return ~0u;
}

/* Configuration registers only change while the queue is disabled. */
static bool config_write_ok(const struct d1_queue *q)
{
	return !(q->ctrl & D1_Q_CTRL_ENABLE);
}

bool d1_queue_reg_write_locked(struct d1_queue *q, unsigned int reg,
			       uint32_t val, unsigned int *vecs)
{
	struct d1_dip *d = q->dev;

	switch (reg) {
	case D1_Q_RING_LO:
		if (!config_write_ok(q))
			return false;
		q->ring = (q->ring & ~0xffffffffull) | val;
		return true;
	case D1_Q_RING_HI:
		if (!config_write_ok(q))
			return false;
		q->ring = (q->ring & 0xffffffffull) | (uint64_t)val << 32;
		return true;
	case D1_Q_RING_SIZE:
		if (!config_write_ok(q))
			return false;
		q->size = val;
		return true;
	case D1_Q_CTX:
		if (!config_write_ok(q))
			return false;
		q->ctx = val;
		return true;
	case D1_Q_CTRL:
		if (val & D1_Q_CTRL_RESET) {
			d1_queue_reset_locked(q);
			pthread_cond_broadcast(&d->kick);
			while (q->busy)
				d1_dip_wait_idle_locked(d);
			return !(val & ~D1_Q_CTRL_RESET);
		}
		if (val & ~D1_Q_CTRL_ENABLE)
			return false;
		if ((val & D1_Q_CTRL_ENABLE) && !(q->ctrl & D1_Q_CTRL_ENABLE)) {
			if (!ring_valid(q)) {
				q->status = D1_Q_STATUS_STOPPED |
					    D1_QERR_RING << 8;
				return false;
			}
			q->head = 0;
			q->tail = 0;
			q->status = 0;
		}
		q->ctrl = val;
		pthread_cond_broadcast(&d->kick);
		return true;
	case D1_Q_TAIL:
		if (!(q->ctrl & D1_Q_CTRL_ENABLE) || val >= q->size)
			return false;
		q->tail = val;
		pthread_cond_broadcast(&d->kick);
		return true;
	case D1_Q_IRQ_STATUS:
		q->irq_status &= ~val;
		return true;
	case D1_Q_IRQ_MASK:
		q->irq_mask = val & (D1_Q_IRQ_COMPLETE | D1_Q_IRQ_ERROR);
		/* A latched event becomes visible on unmask, as for IRQ_MASK. */
		if (q->irq_status & q->irq_mask)
			*vecs |= 1u << D1_MSIX_VEC_QUEUE(q->idx);
		return true;
	}
	return false;
}

/* ---- command execution (no lock held) ---- */

struct exec_ctx {
	struct d1_queue *q;
	unsigned int ctx;	/* context the command runs in */
	struct d1_vspace vs;
	uint64_t dma_bytes;
	struct d1_launch_stats launch;	/* LAUNCH's share */
	bool faulted;		/* vs.fault holds an MMU fault */
};

bool d1_queue_aborted(struct d1_queue *q)
{
	bool a;

	pthread_mutex_lock(&q->dev->lock);
	a = q->abort || q->dev->exiting;
	pthread_mutex_unlock(&q->dev->lock);
	return a;
}

static unsigned int mmu_fail(struct exec_ctx *x)
{
	x->faulted = true;
	return D1_QERR_MMU_FAULT;
}

static unsigned int exec_copy(struct exec_ctx *x, const uint64_t *w)
{
	uint64_t src = w[1], dst = w[2], len = w[3], off = 0;
	uint8_t *buf;
	unsigned int err = D1_QERR_NONE;

	if (len > D1_COPY_MAX || w[4] || w[5] || w[6] || w[7])
		return D1_QERR_BAD_DESC;
	buf = malloc(len < COPY_CHUNK ? (len ? len : 1) : COPY_CHUNK);
	if (!buf)
		return D1_QERR_BAD_DESC;
	while (off < len) {
		uint64_t n = len - off < COPY_CHUNK ? len - off : COPY_CHUNK;

		if (d1_queue_aborted(x->q)) {
			err = D1_QERR_ABORTED;
			break;
		}
		if (d1_vspace_read(&x->vs, src + off, buf, n) ||
		    d1_vspace_write(&x->vs, dst + off, buf, n)) {
			err = mmu_fail(x);
			break;
		}
		off += n;
		x->dma_bytes += n;
	}
	free(buf);
	return err;
}

static unsigned int exec_signal(struct exec_ctx *x, const uint64_t *w)
{
	uint64_t v = htole64(w[2]);

	if (w[3] || w[4] || w[5] || w[6] || w[7])
		return D1_QERR_BAD_DESC;
	if (d1_vspace_write(&x->vs, w[1], &v, sizeof(v)))
		return mmu_fail(x);
	/* Wake queues waiting on memory. */
	pthread_mutex_lock(&x->q->dev->lock);
	pthread_cond_broadcast(&x->q->dev->kick);
	pthread_mutex_unlock(&x->q->dev->lock);
	return D1_QERR_NONE;
}

static unsigned int exec_wait(struct exec_ctx *x, const uint64_t *w)
{
	struct d1_dip *d = x->q->dev;

	if (w[3] || w[4] || w[5] || w[6] || w[7])
		return D1_QERR_BAD_DESC;
	for (;;) {
		struct timespec ts;
		uint64_t v;

		if (d1_vspace_read(&x->vs, w[1], &v, sizeof(v)))
			return mmu_fail(x);
		if (le64toh(v) >= w[2])
			return D1_QERR_NONE;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += WAIT_POLL_NS;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_mutex_lock(&d->lock);
		if (!x->q->abort && !d->exiting)
			pthread_cond_timedwait(&d->kick, &d->lock, &ts);
		pthread_mutex_unlock(&d->lock);
		if (d1_queue_aborted(x->q))
			return D1_QERR_ABORTED;
	}
}

static unsigned int exec_timestamp(struct exec_ctx *x, const uint64_t *w)
{
	struct d1_dip *d = x->q->dev;
	uint64_t t;

	if (w[2] || w[3] || w[4] || w[5] || w[6] || w[7])
		return D1_QERR_BAD_DESC;
	t = htole64(d->ops && d->ops->now_ns ? d->ops->now_ns(d->opaque) : 0);
	if (d1_vspace_write(&x->vs, w[1], &t, sizeof(t)))
		return mmu_fail(x);
	return D1_QERR_NONE;
}

static unsigned int exec_desc(struct exec_ctx *x, const uint64_t *w)
{
	unsigned int i;

	if (w[0] & D1_DESC_HDR_RSVD || D1_DESC_FLAGS(w[0]) & ~D1_DESC_F_ALL)
		return D1_QERR_BAD_DESC;

	switch (D1_DESC_OPCODE(w[0])) {
	case D1_OP_NOP:
		for (i = 1; i < D1_DESC_WORDS; i++)
			if (w[i])
				return D1_QERR_BAD_DESC;
		return D1_QERR_NONE;
	case D1_OP_COPY:
		return exec_copy(x, w);
	case D1_OP_LAUNCH: {
		unsigned int err = d1_launch_exec(x->q, &x->vs, w, &x->launch);

		if (err == D1_QERR_MMU_FAULT)
			x->faulted = true;
		return err;
	}
	case D1_OP_SIGNAL:
		return exec_signal(x, w);
	case D1_OP_WAIT:
		return exec_wait(x, w);
	case D1_OP_TIMESTAMP:
		return exec_timestamp(x, w);
	case D1_OP_LINK_COPY: {
		unsigned int err = d1_link_copy(x->q, &x->vs, w, &x->dma_bytes);

		if (err == D1_QERR_MMU_FAULT)
			x->faulted = true;
		return err;
	}
	}
	return D1_QERR_BAD_OPCODE;
}

void *d1_queue_thread(void *arg)
{
	struct d1_queue *q = arg;
	struct d1_dip *d = q->dev;

	pthread_mutex_lock(&d->lock);
	while (!d->exiting) {
		struct exec_ctx x = { .q = q };
		uint64_t w[D1_DESC_WORDS], start, addr, now, grid_ns;
		unsigned int err, vecs = 0, i;
		uint32_t gen;

		if (!runnable(q)) {
			pthread_cond_wait(&d->kick, &d->lock);
			continue;
		}
		gen = q->gen;
		q->busy = true;
		q->abort = false;
		atomic_store(&q->grid_stop, 0);
		start = d->ops->now_ns(d->opaque);
		q->busy_since = start;
		addr = q->ring + (uint64_t)q->head * D1_DESC_SIZE;
		pthread_mutex_unlock(&d->lock);

		if (d->ops->bus_read(d->opaque, addr, w, sizeof(w))) {
			err = D1_QERR_RING;
		} else {
			unsigned int ctx = q->ctx;
			bool ctx_ok;

			for (i = 0; i < D1_DESC_WORDS; i++)
				w[i] = le64toh(w[i]);
			/* A descriptor may name its own context (F_CTX). */
			if (D1_DESC_FLAGS(w[0]) & D1_DESC_F_CTX)
				ctx = D1_DESC_CTX(w[0]);
			else if (D1_DESC_CTX(w[0]))
				ctx = D1_DIP_MAX_CONTEXTS;	/* reserved bits set */
			pthread_mutex_lock(&d->lock);
			ctx_ok = ctx < d->cfg.num_contexts &&
				 (d->ctx[ctx].ctrl & D1_CTX_VALID);
			x.ctx = ctx;
			x.vs = (struct d1_vspace) {
				.bus_read = d->ops->bus_read,
				.bus_write = d->ops->bus_write,
				.opaque = d->opaque,
				.root = ctx_ok ? d->ctx[ctx].pt : 0,
				.hbm = d->hbm,
				.hbm_size = d->cfg.hbm_size,
			};
			pthread_mutex_unlock(&d->lock);
			if (ctx == D1_DIP_MAX_CONTEXTS) {
				err = D1_QERR_BAD_DESC;
			} else if (!ctx_ok && D1_DESC_OPCODE(w[0]) != D1_OP_NOP) {
				x.vs.fault = (struct d1_mmu_fault) {
					.reason = D1_MMU_BAD_CTX,
				};
				x.faulted = true;
				err = D1_QERR_MMU_FAULT;
			} else {
				err = exec_desc(&x, w);
			}
		}

		pthread_mutex_lock(&d->lock);
		now = d->ops->now_ns(d->opaque);
		q->busy = false;
		/* RUN_NS counts until the launch's outcome is in STATUS */
		grid_ns = q->on_grid ? now - q->grid_since : 0;
		q->on_grid = false;
		q->busy_ns += now - start;
		q->dma_bytes += x.dma_bytes + x.launch.dma_bytes;
		q->instret += x.launch.instret;
		q->cycles += x.launch.cycles;
		pthread_cond_broadcast(&d->idle);
		if (gen != q->gen)
			continue;	/* reset while running: result dropped */
		if (x.ctx < d->cfg.num_contexts) {
			d->ctx[x.ctx].cycles += x.launch.cycles;
			d->ctx[x.ctx].grid_ns += grid_ns;
		}
		if (x.faulted) {
			d1_dip_record_fault_locked(d, x.ctx, q->idx,
						   &x.vs.fault);
			d1_dip_raise_locked(d, D1_IRQ_FAULT, &vecs);
		}
		if (err) {
			stop_locked(q, err, &vecs);
		} else {
			q->head = (q->head + 1) & (q->size - 1);
			q->cmds++;
			if (D1_DESC_FLAGS(w[0]) & D1_DESC_F_FENCE)
				q->fence = (uint32_t)D1_DESC_SEQNO(w[0]);
			if (D1_DESC_FLAGS(w[0]) & D1_DESC_F_IRQ) {
				q->irq_status |= D1_Q_IRQ_COMPLETE;
				if (q->irq_status & q->irq_mask)
					vecs |= 1u << D1_MSIX_VEC_QUEUE(q->idx);
			}
		}
		if (vecs) {
			pthread_mutex_unlock(&d->lock);
			for (i = 0; vecs; i++, vecs >>= 1)
				if (vecs & 1)
					d->ops->notify(d->opaque, i);
			pthread_mutex_lock(&d->lock);
		}
	}
	pthread_mutex_unlock(&d->lock);
	return NULL;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * d1 DIP card core: the BAR0 register file, device-wide state (interrupts,
 * contexts, fault record, telemetry, power) and the queue threads' life.
 * See Documentation/accel/d1/hw-interface.rst.
 */
#include "dip.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *d1_dip_check_config(const struct d1_dip_config *cfg)
{
	if (!cfg->grid_rows || cfg->grid_rows > D1_DIP_MAX_GRID_DIM)
		return "grid-rows must be 1..64";
	if (!cfg->grid_cols || cfg->grid_cols > D1_DIP_MAX_GRID_DIM)
		return "grid-cols must be 1..64";
	if (!cfg->nodes || cfg->nodes > cfg->grid_rows * cfg->grid_cols)
		return "nodes must be 1..grid-rows*grid-cols";
	if (!cfg->sram_size || cfg->sram_size % 4096)
		return "sram-size must be a non-zero multiple of 4 KiB";
	if (!cfg->num_queues || cfg->num_queues > D1_DIP_MAX_QUEUES)
		return "queues must be 1..32";
	if (!cfg->num_contexts || cfg->num_contexts > D1_DIP_MAX_CONTEXTS)
		return "contexts must be 1..256";
	if (cfg->hbm_size < (1u << 20) || (cfg->hbm_size & (cfg->hbm_size - 1)))
		return "hbm-size must be a power of two of at least 1 MiB";
	if ((cfg->link_name && strlen(cfg->link_name) >= D1_LINK_NAME_MAX) ||
	    (cfg->link_peer && strlen(cfg->link_peer) >= D1_LINK_NAME_MAX))
		return "link names must be shorter than 64 bytes";
	return NULL;
}

static void notify_vecs(struct d1_dip *d, unsigned int vecs)
{
	unsigned int v;

	for (v = 0; vecs; v++, vecs >>= 1)
		if ((vecs & 1) && d->ops && d->ops->notify)
			d->ops->notify(d->opaque, v);
}

void d1_dip_bad_access(struct d1_dip *d, const char *msg, uint64_t addr)
{
	d->error = D1_ERROR_BAD_ACCESS;
	if (d->ops && d->ops->guest_error)
		d->ops->guest_error(d->opaque, msg, addr);
}

/* Latch @bits in IRQ_STATUS; add the device vector to @vecs if enabled. */
void d1_dip_raise_locked(struct d1_dip *d, uint32_t bits, unsigned int *vecs)
{
	d->irq_status |= bits;
	if (d->irq_status & d->irq_mask)
		*vecs |= 1u << D1_MSIX_VEC_DEVICE;
}

void d1_dip_record_fault_locked(struct d1_dip *d, unsigned int ctx,
				unsigned int queue,
				const struct d1_mmu_fault *f)
{
	d->fault_count++;
	if (d->fault_status & D1_FAULT_VALID)
		return;		/* keep the first one until cleared */
	d->fault_status = D1_FAULT_VALID | (ctx & 0xff) | (queue & 0xff) << 8 |
			  (f->access & 3) << 16 | (f->reason & 0xf) << 20;
	d->fault_va = f->va;
}

/* Caller holds the lock.  Waits a little for a queue thread to finish. */
void d1_dip_wait_idle_locked(struct d1_dip *d)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += 5000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	pthread_cond_timedwait(&d->idle, &d->lock, &ts);
}

/* Caller holds the lock.  Aborts every queue and waits until all idle. */
static void reset_locked(struct d1_dip *d)
{
	unsigned int i;
	bool busy;

	for (i = 0; i < d->cfg.num_queues; i++)
		d1_queue_reset_locked(&d->q[i]);
	pthread_cond_broadcast(&d->kick);
	do {
		busy = false;
		for (i = 0; i < d->cfg.num_queues; i++)
			busy |= d->q[i].busy;
		if (busy)
			d1_dip_wait_idle_locked(d);
	} while (busy);

	for (i = 0; i < d->cfg.num_queues; i++)
		d->q[i].fence = 0;
	memset(d->ctx, 0, sizeof(d->ctx));
	d->scratch = 0;
	d->irq_status = 0;
	d->irq_mask = 0;
	d->doorbell_ack = 0;
	d->error = D1_ERROR_NONE;
	d->pm_state = D1_PM_ACTIVE;
	d->fault_status = 0;
	d->fault_va = 0;
	d->fault_count = 0;
	/* Link copies into this card that are under way end (LINK_RESET). */
	d->link.epoch++;
	d->link.win_base = 0;
	d->link.win_size = 0;
	d->link.tx = 0;
	d->link.rx = 0;
	d->link.errors = 0;
	d->link.cycles = 0;
	d1_icache_clear(&d->icache);
}

void d1_dip_reset(struct d1_dip *d)
{
	pthread_mutex_lock(&d->lock);
	reset_locked(d);
	pthread_mutex_unlock(&d->lock);
}

int d1_dip_init(struct d1_dip *d, const struct d1_dip_config *cfg,
		uint8_t *hbm, const struct d1_dip_ops *ops, void *opaque)
{
	unsigned int i;

	memset(d, 0, sizeof(*d));
	d->cfg = *cfg;
	/* Not kept in cfg: the caller's strings need not outlive this. */
	d->cfg.link_name = d->cfg.link_peer = NULL;
	if (cfg->link_name)
		snprintf(d->link.name, sizeof(d->link.name), "%s",
			 cfg->link_name);
	if (cfg->link_peer)
		snprintf(d->link.peer, sizeof(d->link.peer), "%s",
			 cfg->link_peer);
	d->ops = ops;
	d->opaque = opaque;
	d->hbm = hbm;
	pthread_mutex_init(&d->lock, NULL);
	pthread_cond_init(&d->kick, NULL);
	pthread_cond_init(&d->idle, NULL);
	pthread_cond_init(&d->link.wire_cond, NULL);
	d->link.wire = cfg->link_wire;
	for (i = 0; i < cfg->num_queues; i++) {
		d->q[i].dev = d;
		d->q[i].idx = i;
		atomic_init(&d->q[i].grid_stop, 0);
	}
	d1_launch_init(d);
	reset_locked(d);
	if (cfg->link_wire) {
		d->link.rx_data = malloc(D1_LINK_WIRE_CHUNK);
		if (!d->link.rx_data) {
			d1_dip_destroy(d);
			return -1;
		}
	}
	if (d1_link_attach(d)) {
		d1_dip_destroy(d);
		return -1;
	}

	for (i = 0; i < cfg->num_queues; i++) {
		struct d1_queue *q = &d->q[i];

		if (pthread_create(&q->thread, NULL, d1_queue_thread, q)) {
			d1_dip_destroy(d);
			return -1;
		}
		q->thread_started = true;
	}
	return 0;
}

void d1_dip_destroy(struct d1_dip *d)
{
	unsigned int i;

	/* Senders into this card finish their chunk and see the link down. */
	d1_link_detach(d);
	pthread_mutex_lock(&d->lock);
	d->exiting = true;
	for (i = 0; i < d->cfg.num_queues; i++)
		d1_queue_reset_locked(&d->q[i]);
	pthread_cond_broadcast(&d->kick);
	pthread_mutex_unlock(&d->lock);

	for (i = 0; i < d->cfg.num_queues; i++) {
		if (d->q[i].thread_started)
			pthread_join(d->q[i].thread, NULL);
		d->q[i].thread_started = false;
	}
	d1_launch_fini(d);
	free(d->link.rx_data);
	d->link.rx_data = NULL;
	pthread_cond_destroy(&d->link.wire_cond);
	pthread_cond_destroy(&d->kick);
	pthread_cond_destroy(&d->idle);
	pthread_mutex_destroy(&d->lock);
}

static uint64_t now_ns(struct d1_dip *d)
{
	return d->ops && d->ops->now_ns ? d->ops->now_ns(d->opaque) : 0;
}

/*
 * Emulated thermals: the share of queue time spent busy since the last
 * read, smoothed; idle 35 degC / 25 W, flat out 85 degC / 400 W.
 */
static void update_activity(struct d1_dip *d)
{
	uint64_t now = now_ns(d), busy = 0, dt;
	unsigned int i;
	double util;

	for (i = 0; i < d->cfg.num_queues; i++) {
		busy += d->q[i].busy_ns;
		if (d->q[i].busy)
			busy += now - d->q[i].busy_since;
	}
	dt = now - d->act_last_ns;
	if (d->act_last_ns && dt) {
		util = (double)(busy - d->act_last_busy) /
		       ((double)dt * d->cfg.num_queues);
		if (util > 1)
			util = 1;
		d->activity = 0.7 * d->activity + 0.3 * util;
	}
	d->act_last_ns = now;
	d->act_last_busy = busy;
}

static bool access_ok(struct d1_dip *d, uint64_t addr, unsigned int size)
{
	if (size != 4 || (addr & 3)) {
		d1_dip_bad_access(d, "d1-dip: register access must be aligned 32-bit",
				  addr);
		return false;
	}
	return true;
}

static uint32_t reg_read_locked(struct d1_dip *d, uint64_t addr, bool *ok)
{
	const struct d1_dip_config *c = &d->cfg;
	uint64_t t;

	*ok = true;
	if (addr >= D1_REG_QUEUE_BASE &&
	    addr < D1_REG_QUEUE_BASE + c->num_queues * D1_QUEUE_STRIDE) {
		addr -= D1_REG_QUEUE_BASE;
		return d1_queue_reg_read_locked(&d->q[addr / D1_QUEUE_STRIDE],
						addr % D1_QUEUE_STRIDE, ok);
	}
	if (addr >= D1_REG_CTX_BASE &&
	    addr < D1_REG_CTX_BASE + c->num_contexts * D1_CTX_STRIDE) {
		struct d1_context *x;

		addr -= D1_REG_CTX_BASE;
		x = &d->ctx[addr / D1_CTX_STRIDE];
		switch (addr % D1_CTX_STRIDE) {
		case D1_CTX_PT_LO:
			return (uint32_t)x->pt;
		case D1_CTX_PT_HI:
			return (uint32_t)(x->pt >> 32);
		case D1_CTX_CTRL:
			return x->ctrl;
		}
		*ok = false;
		return ~0u;
	}
	if (addr >= D1_REG_CTX_STAT_BASE &&
	    addr < D1_REG_CTX_STAT_BASE +
		   c->num_contexts * D1_CTX_STAT_STRIDE) {
		const struct d1_context *x;

		addr -= D1_REG_CTX_STAT_BASE;
		x = &d->ctx[addr / D1_CTX_STAT_STRIDE];
		switch (addr % D1_CTX_STAT_STRIDE) {
		case D1_CTX_CYCLES_LO:
			return (uint32_t)x->cycles;
		case D1_CTX_CYCLES_HI:
			return (uint32_t)(x->cycles >> 32);
		case D1_CTX_GRID_NS_LO:
			return (uint32_t)x->grid_ns;
		case D1_CTX_GRID_NS_HI:
			return (uint32_t)(x->grid_ns >> 32);
		}
	}

	switch (addr) {
	case D1_REG_ID:
		return D1_ID_MAGIC;
	case D1_REG_VERSION:
		return D1_HW_VERSION;
	case D1_REG_GRID:
		return c->grid_rows | c->grid_cols << 16;
	case D1_REG_NODES:
		return c->nodes;
	case D1_REG_SRAM_SIZE:
		return c->sram_size;
	case D1_REG_NUM_QUEUES:
		return c->num_queues;
	case D1_REG_NUM_CONTEXTS:
		return c->num_contexts;
	case D1_REG_MSIX_VECTORS:
		return 1 + c->num_queues;
	case D1_REG_HBM_SIZE_LO:
		return (uint32_t)c->hbm_size;
	case D1_REG_HBM_SIZE_HI:
		return (uint32_t)(c->hbm_size >> 32);
	case D1_REG_SCRATCH:
		return d->scratch;
	case D1_REG_IRQ_STATUS:
		return d->irq_status;
	case D1_REG_IRQ_MASK:
		return d->irq_mask;
	case D1_REG_DOORBELL_ACK:
		return d->doorbell_ack;
	case D1_REG_ERROR:
		return d->error;
	case D1_REG_TEMP_MC:
		update_activity(d);
		return d->pm_state == D1_PM_LOW ? 30000 :
		       35000 + (uint32_t)(d->activity * 50000);
	case D1_REG_POWER_MW:
		update_activity(d);
		return d->pm_state == D1_PM_LOW ? 5000 :
		       25000 + (uint32_t)(d->activity * 375000);
	case D1_REG_PM_CTRL:
	case D1_REG_PM_STATE:
		return d->pm_state;
	case D1_REG_TIME_LO:
		t = now_ns(d);
		d->time_hi_latch = (uint32_t)(t >> 32);
		return (uint32_t)t;
	case D1_REG_TIME_HI:
		return d->time_hi_latch;
	case D1_REG_GRID_BUSY:
		return d1_sched_busy_nodes(&d->sched);
	case D1_REG_ICACHE_HITS:
	case D1_REG_ICACHE_MISSES: {
		uint32_t v;

		pthread_mutex_lock(&d->icache.lock);
		v = (uint32_t)(addr == D1_REG_ICACHE_HITS ? d->icache.hits :
			       d->icache.misses);
		pthread_mutex_unlock(&d->icache.lock);
		return v;
	}
	case D1_REG_FAULT_STATUS:
		return d->fault_status;
	case D1_REG_FAULT_VA_LO:
		return (uint32_t)d->fault_va;
	case D1_REG_FAULT_VA_HI:
		return (uint32_t)(d->fault_va >> 32);
	case D1_REG_FAULT_COUNT:
		return d->fault_count;
	case D1_REG_LINK_STATUS:
		return (d1_link_peer_addr(d) ? D1_LINK_UP : 0) |
		       (d->link.wire ? D1_LINK_STREAM : 0);
	case D1_REG_LINK_SELF:
		return d->link.addr;
	case D1_REG_LINK_PEER:
		return d1_link_peer_addr(d);
	case D1_REG_LINK_WIN_BASE_LO:
		return (uint32_t)d->link.win_base;
	case D1_REG_LINK_WIN_BASE_HI:
		return (uint32_t)(d->link.win_base >> 32);
	case D1_REG_LINK_WIN_SIZE_LO:
		return (uint32_t)d->link.win_size;
	case D1_REG_LINK_WIN_SIZE_HI:
		return (uint32_t)(d->link.win_size >> 32);
	case D1_REG_LINK_TX_LO:
		return (uint32_t)d->link.tx;
	case D1_REG_LINK_TX_HI:
		return (uint32_t)(d->link.tx >> 32);
	case D1_REG_LINK_RX_LO:
		return (uint32_t)d->link.rx;
	case D1_REG_LINK_RX_HI:
		return (uint32_t)(d->link.rx >> 32);
	case D1_REG_LINK_ERRORS:
		return d->link.errors;
	case D1_REG_LINK_CYCLES_LO:
		return (uint32_t)d->link.cycles;
	case D1_REG_LINK_CYCLES_HI:
		return (uint32_t)(d->link.cycles >> 32);
	case D1_REG_DOORBELL:
	case D1_REG_RESET:
	case D1_REG_MMU_INVALIDATE:
		return 0;	/* write-only */
	}
	*ok = false;
	return ~0u;
}

uint32_t d1_dip_reg_read(struct d1_dip *d, uint64_t addr, unsigned int size)
{
	uint32_t val;
	bool ok;

	pthread_mutex_lock(&d->lock);
	if (!access_ok(d, addr, size)) {
		val = ~0u;
	} else {
		val = reg_read_locked(d, addr, &ok);
		if (!ok)
			d1_dip_bad_access(d, "d1-dip: read of unknown register",
					  addr);
	}
	pthread_mutex_unlock(&d->lock);
	return val;
}

static bool ctx_write_locked(struct d1_dip *d, uint64_t off, uint32_t val)
{
	struct d1_context *x = &d->ctx[off / D1_CTX_STRIDE];

	switch (off % D1_CTX_STRIDE) {
	case D1_CTX_PT_LO:
		x->pt = (x->pt & ~0xffffffffull) | (val & ~0xfffu);
		return !(val & 0xfff);
	case D1_CTX_PT_HI:
		x->pt = (x->pt & 0xffffffffull) | (uint64_t)val << 32;
		return true;
	case D1_CTX_CTRL:
		/* A new binding (or none) must not see the old one's usage. */
		x->ctrl = val & D1_CTX_VALID;
		x->cycles = 0;
		x->grid_ns = 0;
		return true;
	}
	return false;
}

static bool reg_write_locked(struct d1_dip *d, uint64_t addr, uint32_t val,
			     unsigned int *vecs)
{
	const struct d1_dip_config *c = &d->cfg;

	if (addr >= D1_REG_QUEUE_BASE &&
	    addr < D1_REG_QUEUE_BASE + c->num_queues * D1_QUEUE_STRIDE) {
		addr -= D1_REG_QUEUE_BASE;
		return d1_queue_reg_write_locked(&d->q[addr / D1_QUEUE_STRIDE],
						 addr % D1_QUEUE_STRIDE, val,
						 vecs);
	}
	if (addr >= D1_REG_CTX_BASE &&
	    addr < D1_REG_CTX_BASE + c->num_contexts * D1_CTX_STRIDE)
		return ctx_write_locked(d, addr - D1_REG_CTX_BASE, val);

	switch (addr) {
	case D1_REG_SCRATCH:
		d->scratch = val;
		return true;
	case D1_REG_IRQ_STATUS:
		d->irq_status &= ~val;
		return true;
	case D1_REG_IRQ_MASK:
		d->irq_mask = val & D1_IRQ_ALL;
		/* Unmasking a pending event delivers it (level semantics). */
		d1_dip_raise_locked(d, 0, vecs);
		return true;
	case D1_REG_DOORBELL:
		d->doorbell_ack = ~val;
		d1_dip_raise_locked(d, D1_IRQ_DOORBELL, vecs);
		return true;
	case D1_REG_ERROR:
		if (val == 0)
			d->error = D1_ERROR_NONE;
		return true;
	case D1_REG_RESET:
		if (val != D1_RESET_MAGIC)
			return false;
		reset_locked(d);
		return true;
	case D1_REG_MMU_INVALIDATE:
		/* No translation cache: nothing to drop. */
		return val < c->num_contexts;
	case D1_REG_PM_CTRL:
		if (val > D1_PM_LOW)
			return false;
		d->pm_state = val;
		pthread_cond_broadcast(&d->kick);
		return true;
	case D1_REG_FAULT_STATUS:
		d->fault_status = 0;
		d->fault_va = 0;
		return true;
	case D1_REG_LINK_WIN_BASE_LO:
		d->link.win_base = (d->link.win_base & ~0xffffffffull) |
				   (val & ~0xfffu);
		return !(val & 0xfff);
	case D1_REG_LINK_WIN_BASE_HI:
		d->link.win_base = (d->link.win_base & 0xffffffffull) |
				   (uint64_t)val << 32;
		return true;
	case D1_REG_LINK_WIN_SIZE_LO:
		d->link.win_size = (d->link.win_size & ~0xffffffffull) |
				   (val & ~0xfffu);
		return !(val & 0xfff);
	case D1_REG_LINK_WIN_SIZE_HI:
		d->link.win_size = (d->link.win_size & 0xffffffffull) |
				   (uint64_t)val << 32;
		return true;
	}
	return false;
}

void d1_dip_reg_write(struct d1_dip *d, uint64_t addr, uint32_t val,
		      unsigned int size)
{
	unsigned int vecs = 0;

	pthread_mutex_lock(&d->lock);
	if (access_ok(d, addr, size) && !reg_write_locked(d, addr, val, &vecs))
		d1_dip_bad_access(d, "d1-dip: bad write (read-only or unknown register, or bad value)",
				  addr);
	pthread_mutex_unlock(&d->lock);
	notify_vecs(d, vecs);
}

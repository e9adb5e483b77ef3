// SPDX-License-Identifier: GPL-2.0-only
/*
 * d1: recovery.
 *
 * A queue stops when a command fails (MMU fault, node fault, budget,
 * deadlock, a launch past its time limit, bad descriptor); its interrupt
 * thread then asks the scheduler to run the timeout handler at once
 * (drm_sched_fault()).  A job that makes no progress for job_timeout_ms -
 * not a LAUNCH waiting for nodes or running within its time limit, which
 * the device stops itself - gets there by the scheduler's timer.  Either
 * way d1_reset_queue() runs, one recovery at a time on the ordered reset
 * workqueue:
 *
 *  1. signal what the device completed;
 *  2. for a hang, capture a devcoredump (published before any fence
 *     signals, so whoever sees the error finds the dump);
 *  3. reset the queue (Q_CTRL.RESET returns once the queue is idle); if
 *     it is still busy, reset the whole device;
 *  4. the job at the head of the ring is guilty: its file's address space
 *     is marked guilty with the failure recorded for GET_CONTEXT_STATUS,
 *     its fence ends with -EIO (device error) or -ETIMEDOUT (hang, time
 *     limit); the
 *     guilty file's other jobs on the ring end with -ECANCELED;
 *  5. the queue is enabled again and the innocent jobs are written to the
 *     ring anew, in order; their fences signal as if nothing happened.
 *
 * Locking: a recovery holds d1->reset_lock throughout, and the ring_lock
 * of each queue it touches (all of them for a device reset) nested in it.
 * run_job() takes its queue's ring_lock alone.  reset_lock thus orders
 * the ring_locks; lockdep learns so through mutex_lock_nest_lock().
 */
#include <linux/devcoredump.h>
#include <linux/ktime.h>
#include <linux/lockdep.h>
#include <linux/pci.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_print.h>
#include <drm/d1_accel.h>

#include "d1_device.h"
#include "d1_drv.h"
#include "d1_irq.h"
#include "d1_job.h"
#include "d1_link.h"
#include "d1_mmu.h"
#include "d1_reset.h"

static atomic_t d1_reset_seq = ATOMIC_INIT(0);

/*
 * Has the job at the head of @q made no progress for (about) the job
 * timeout?  The caller holds ring_lock.
 */
static bool d1_queue_hung(struct d1_queue *q)
{
	u64 limit = (u64)d1_job_timeout() * NSEC_PER_MSEC * 9 / 10;
	struct d1_job *job;
	bool hung = false;

	lockdep_assert_held(&q->ring_lock);
	spin_lock(&q->lock);
	job = list_first_entry_or_null(&q->pending, struct d1_job, node);
	if (job)
		hung = ktime_get_ns() - max(job->start_ns, q->progress_ns) >=
		       limit;
	spin_unlock(&q->lock);
	return hung;
}

/*
 * Count a reset once per address space it hits.  Callers walk a queue's
 * pending jobs under q->lock, which keeps job->ctx alive.
 */
static void d1_ctx_count_reset(struct d1_ctx *ctx, u32 seq)
{
	spin_lock(&ctx->status_lock);
	if (ctx->status.reset_seq != seq) {
		ctx->status.reset_seq = seq;
		ctx->status.reset_count++;
	}
	spin_unlock(&ctx->status_lock);
}

static u32 d1_error_from_qerr(u32 qerr)
{
	switch (qerr) {
	case D1_QERR_MMU_FAULT:
		return DRM_D1_ERROR_MMU_FAULT;
	case D1_QERR_NODE_FAULT:
		return DRM_D1_ERROR_NODE_FAULT;
	case D1_QERR_TIMEOUT:
		return DRM_D1_ERROR_BUDGET;
	case D1_QERR_DEADLOCK:
		return DRM_D1_ERROR_DEADLOCK;
	case D1_QERR_TIME_LIMIT:
		return DRM_D1_ERROR_TIME_LIMIT;
	case D1_QERR_LINK_DOWN:
		return DRM_D1_ERROR_LINK_DOWN;
	case D1_QERR_LINK_WINDOW:
		return DRM_D1_ERROR_LINK_WINDOW;
	case D1_QERR_LINK_RESET:
		return DRM_D1_ERROR_LINK_RESET;
	default:
		return DRM_D1_ERROR_BAD_CMD;
	}
}

/* For the log: what a queue error code means. */
static const char *d1_qerr_name(u32 qerr)
{
	switch (qerr) {
	case D1_QERR_MMU_FAULT:
		return "MMU fault";
	case D1_QERR_NODE_FAULT:
		return "node fault";
	case D1_QERR_TIMEOUT:
		return "budget";
	case D1_QERR_DEADLOCK:
		return "deadlock";
	case D1_QERR_TIME_LIMIT:
		return "time limit";
	case D1_QERR_LINK_DOWN:
		return "link down";
	case D1_QERR_LINK_WINDOW:
		return "outside the peer's window";
	case D1_QERR_LINK_RESET:
		return "peer reset";
	default:
		return "refused command";
	}
}

static void d1_ctx_record(struct d1_ctx *ctx, u32 queue, u32 error,
			  u32 fault, u64 fault_va, u32 seq)
{
	struct d1_ctx_status *st = &ctx->status;

	spin_lock(&ctx->status_lock);
	if (!st->error_count) {
		st->error = error;
		st->queue = queue;
		/* The fault record names the context that faulted. */
		if (error == DRM_D1_ERROR_MMU_FAULT && fault & D1_FAULT_VALID &&
		    D1_FAULT_CTX(fault) == ctx->hw_id) {
			st->fault_va = fault_va;
			st->fault_access = D1_FAULT_ACCESS(fault);
			st->fault_reason = D1_FAULT_REASON(fault);
		}
	}
	st->error_count++;
	if (st->reset_seq != seq) {
		st->reset_seq = seq;
		st->reset_count++;
	}
	WRITE_ONCE(st->guilty, true);
	spin_unlock(&ctx->status_lock);
}

/* ---- devcoredump ---- */

#define D1_DUMP_SIZE	(64 * 1024)

/* Describe the hung @job into @buf; the caller holds q->lock. */
static size_t d1_coredump_fill(struct d1_queue *q, struct d1_job *job,
			       char *buf)
{
	struct d1_device *d1 = q->d1;
	struct drm_print_iterator it = { };
	struct drm_printer p;
	u32 r = q->idx, i, w, slot;

	lockdep_assert_held(&q->lock);
	it.data = buf;
	it.start = 0;
	it.remain = D1_DUMP_SIZE - 1;
	p = drm_coredump_printer(&it);

	drm_printf(&p, "d1 devcoredump: queue %u hang after %u ms\n", r,
		   d1_job_timeout());
	drm_printf(&p, "time_ns %lld\n", ktime_get_real_ns());
	drm_printf(&p, "job seqno %u client %llu hw_ctx %d ring %u+%u\n",
		   job->seqno, job->ctx->client_id, job->ctx->hw_id,
		   job->ring_start, job->ncmds);
	drm_printf(&p, "device irq_status 0x%x error %u pm_state %u\n",
		   d1_read(d1, D1_REG_IRQ_STATUS), d1_read(d1, D1_REG_ERROR),
		   d1_read(d1, D1_REG_PM_STATE));
	drm_printf(&p, "fault_status 0x%x fault_va 0x%llx fault_count %u\n",
		   d1_read(d1, D1_REG_FAULT_STATUS),
		   (u64)d1_read(d1, D1_REG_FAULT_VA_HI) << 32 |
		   d1_read(d1, D1_REG_FAULT_VA_LO),
		   d1_read(d1, D1_REG_FAULT_COUNT));
	drm_printf(&p, "queue %u\n", r);
	d1_queue_print_regs(&p, q);
	drm_printf(&p, "descriptors of the hung job:\n");
	for (i = 0; i < job->ncmds; i++) {
		slot = (job->ring_start + i) & (D1_RING_ENTRIES - 1);
		drm_printf(&p, "  [%4u]", slot);
		for (w = 0; w < D1_DESC_WORDS; w++)
			drm_printf(&p, " %016llx",
				   le64_to_cpu(q->ring[slot * D1_DESC_WORDS + w]));
		drm_printf(&p, "\n");
	}
	return D1_DUMP_SIZE - it.remain;
}

/* ---- device reset ---- */

/*
 * A queue's ring_lock, taken by a recovery (which holds reset_lock).
 */
static void d1_ring_lock(struct d1_queue *q)
{
	mutex_lock_nest_lock(&q->ring_lock, &q->d1->reset_lock);
}

/*
 * Reset the card and restart every queue but @locked (whose ring_lock
 * the caller holds and which it restarts itself).  All jobs on the other
 * rings are innocent and resubmitted.  Runs on the reset workqueue with
 * reset_lock held.
 */
static void d1_reset_device_locked(struct d1_device *d1,
				   struct d1_queue *locked, u32 seq)
{
	struct d1_job *job;
	u32 i;

	lockdep_assert_held(&d1->reset_lock);
	if (locked)
		lockdep_assert_held(&locked->ring_lock);
	for (i = 0; i < d1->nr_queues; i++) {
		if (&d1->queues[i] != locked)
			d1_ring_lock(&d1->queues[i]);
		/* The reset clears Q_FENCE: signal what completed first. */
		d1_queue_signal(&d1->queues[i]);
	}

	d1_mmu_save_usage(d1);
	d1_device_reset(d1);
	d1_irq_hw_restore(d1);
	d1_mmu_restore(d1);
	/* The reset closed the receive window. */
	d1_link_window_open(d1);
	atomic_inc(&d1->device_resets);

	for (i = 0; i < d1->nr_queues; i++) {
		struct d1_queue *q = &d1->queues[i];

		if (q == locked)
			continue;
		spin_lock(&q->lock);
		list_for_each_entry(job, &q->pending, node)
			d1_ctx_count_reset(job->ctx, seq);
		spin_unlock(&q->lock);
		d1_queue_hw_enable(q);
		d1_queue_rewrite(q);
		atomic_inc(&q->resets);
		mutex_unlock(&q->ring_lock);
	}
	drm_warn(&d1->drm, "device reset\n");
}

/**
 * d1_reset_queue() - recover a stopped or hung queue
 * @q: the queue, inside drm_dev_enter(), on the reset workqueue.
 * @force: reset even though nothing failed (debugfs); no job is guilty.
 */
void d1_reset_queue(struct d1_queue *q, bool force)
{
	struct d1_device *d1 = q->d1;
	struct d1_job *guilty = NULL, *job, *next;
	u32 status, qerr = 0, fault = 0, seq, r = q->idx;
	bool hang = false, empty;
	LIST_HEAD(cancel);
	u64 fault_va = 0;
	size_t dump_len = 0;
	char *dump = NULL;

	if (!force)
		dump = vzalloc(D1_DUMP_SIZE);
	mutex_lock(&d1->reset_lock);
	d1_ring_lock(q);
	if (d1_read(d1, D1_REG_ID) == ~0u) {
		/*
		 * The card reads all ones: it is gone without a word
		 * (surprise removal), remove() follows.  No reset can help.
		 */
		d1_queue_fail_pending(q, -ENODEV);
		mutex_unlock(&q->ring_lock);
		mutex_unlock(&d1->reset_lock);
		vfree(dump);
		return;
	}
	status = d1_read(d1, D1_REG_Q(r, D1_Q_STATUS));
	if (status & D1_Q_STATUS_STOPPED) {
		qerr = D1_Q_STATUS_ERROR(status);
	} else if (!force) {
		/*
		 * A timeout, or a late run for a stop already recovered
		 * from: only a job stuck at the head that long is a hang.
		 */
		d1_queue_signal(q);
		if (!d1_queue_hung(q)) {
			mutex_unlock(&q->ring_lock);
			mutex_unlock(&d1->reset_lock);
			vfree(dump);
			return;
		}
		hang = true;
	}

	if (qerr == D1_QERR_MMU_FAULT) {
		fault = d1_read(d1, D1_REG_FAULT_STATUS);
		fault_va = (u64)d1_read(d1, D1_REG_FAULT_VA_HI) << 32 |
			   d1_read(d1, D1_REG_FAULT_VA_LO);
		d1_write(d1, D1_REG_FAULT_STATUS, 0);
	}

	d1_queue_signal(q);
	spin_lock(&q->lock);
	empty = list_empty(&q->pending);
	job = list_first_entry_or_null(&q->pending, struct d1_job, node);
	if (hang && job && dump)
		dump_len = d1_coredump_fill(q, job, dump);
	spin_unlock(&q->lock);
	if (hang && empty) {
		/* It completed while the timeout fired. */
		mutex_unlock(&q->ring_lock);
		mutex_unlock(&d1->reset_lock);
		vfree(dump);
		return;
	}
	/* Published before the fence tells anybody about the hang. */
	if (dump_len)
		dev_coredumpv(&d1->pdev->dev, dump, dump_len, GFP_KERNEL);
	else
		vfree(dump);

	seq = atomic_inc_return(&d1_reset_seq);
	d1_write(d1, D1_REG_Q(r, D1_Q_CTRL), D1_Q_CTRL_RESET);
	status = d1_read(d1, D1_REG_Q(r, D1_Q_STATUS));
	if (status & D1_Q_STATUS_BUSY)
		d1_reset_device_locked(d1, q, seq);
	d1_queue_signal(q);

	spin_lock(&q->lock);
	if (!force && (qerr || hang)) {
		guilty = list_first_entry_or_null(&q->pending, struct d1_job,
						  node);
		if (guilty) {
			list_del_init(&guilty->node);
			d1_ctx_record(guilty->ctx, r,
				      hang ? DRM_D1_ERROR_HANG :
				      d1_error_from_qerr(qerr),
				      fault, fault_va, seq);
		}
	}
	list_for_each_entry_safe(job, next, &q->pending, node) {
		if (READ_ONCE(job->ctx->status.guilty))
			list_move_tail(&job->node, &cancel);
		else
			d1_ctx_count_reset(job->ctx, seq);
	}
	spin_unlock(&q->lock);

	if (guilty) {
		bool late = hang || qerr == D1_QERR_TIME_LIMIT;

		drm_info(&d1->drm, "queue %u: job %u of client %llu %s (error %u: %s), queue reset\n",
			 r, guilty->seqno, guilty->ctx->client_id,
			 hang ? "hung" : "failed", qerr,
			 hang ? "no progress" : d1_qerr_name(qerr));
		d1_job_fence_error(guilty, late ? -ETIMEDOUT : -EIO);
	}
	list_for_each_entry_safe(job, next, &cancel, node) {
		list_del_init(&job->node);
		d1_job_fence_error(job, -ECANCELED);
	}

	d1_queue_hw_enable(q);
	d1_queue_rewrite(q);
	atomic_inc(&q->resets);
	mutex_unlock(&q->ring_lock);
	mutex_unlock(&d1->reset_lock);
}

/**
 * d1_reset_device_sync() - reset the whole card now (debugfs)
 * @d1: the device.
 *
 * Every job on the rings is resubmitted.
 *
 * Return: 0, or -ENODEV after an unplug.
 */
int d1_reset_device_sync(struct d1_device *d1)
{
	u32 seq = atomic_inc_return(&d1_reset_seq);
	int idx;

	if (!drm_dev_enter(&d1->drm, &idx))
		return -ENODEV;
	mutex_lock(&d1->reset_lock);
	d1_reset_device_locked(d1, NULL, seq);
	mutex_unlock(&d1->reset_lock);
	drm_dev_exit(idx);
	return 0;
}

int d1_context_status_ioctl(struct drm_device *drm, void *data,
			    struct drm_file *file)
{
	struct d1_file_priv *fpriv = file->driver_priv;
	struct drm_d1_context_status *args = data;
	struct d1_ctx *ctx = fpriv->ctx;
	struct d1_ctx_status *st = &ctx->status;
	int idx;

	if (args->flags & ~DRM_D1_CONTEXT_STATUS_CLEAR)
		return d1_refuse(drm, -EINVAL,
				 "GET_CONTEXT_STATUS: unknown flags 0x%x\n",
				 args->flags & ~DRM_D1_CONTEXT_STATUS_CLEAR);
	if (!drm_dev_enter(drm, &idx))
		return -ENODEV;

	spin_lock(&ctx->status_lock);
	args->guilty = st->guilty;
	args->error_count = st->error_count;
	args->reset_count = st->reset_count;
	args->error = st->error;
	args->queue = st->queue;
	args->fault_va = st->fault_va;
	args->fault_access = st->fault_access;
	args->fault_reason = st->fault_reason;
	args->context_id = READ_ONCE(ctx->hw_id) < 0 ? ~0u : ctx->hw_id;
	args->pad = 0;
	if (args->flags & DRM_D1_CONTEXT_STATUS_CLEAR) {
		u32 seq = st->reset_seq;

		memset(st, 0, sizeof(*st));
		st->reset_seq = seq;
	}
	spin_unlock(&ctx->status_lock);

	drm_dev_exit(idx);
	return 0;
}

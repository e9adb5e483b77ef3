// SPDX-License-Identifier: GPL-2.0-only
/*
 * d1: hardware queues, jobs and the SUBMIT ioctl.
 *
 * Each hardware queue has a ring of 64-byte descriptors and a drm_sched
 * scheduler; each open file has one scheduler entity per queue.  SUBMIT
 * validates the commands against the file's address space and translates
 * them into descriptors that name the file's hardware context (F_CTX).
 * A LINK_COPY's destination is a peer BO mapping, translated to an offset
 * in the peer card's receive window; the job holds the peer BOs it writes
 * to until it is freed.
 * run_job() copies them to the ring, the last one with F_FENCE | F_IRQ and
 * a per-queue seqno, and rings the doorbell (Q_TAIL).  The queue's
 * interrupt thread reads Q_FENCE and signals the hardware fences of every
 * job up to it.  When the queue stops on an error, or a job runs past the
 * timeout, d1_reset.c takes over.
 *
 * Every LAUNCH carries a time limit the device enforces, counted from
 * when the launch got its nodes: the command's time_limit_ms, or the job
 * timeout.  The scheduler's timer, one job timeout long, is a backstop:
 * it leaves alone a queue whose LAUNCH waits for nodes or runs within
 * its limit.
 */
#include <linux/dma-fence.h>
#include <linux/dma-fence-chain.h>
#include <linux/dma-mapping.h>
#include <linux/interrupt.h>
#include <linux/ktime.h>
#include <linux/lockdep.h>
#include <linux/moduleparam.h>
#include <linux/overflow.h>
#include <linux/pci.h>
#include <linux/pm_runtime.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_managed.h>
#include <drm/drm_print.h>
#include <drm/drm_syncobj.h>
#include <drm/d1_accel.h>

#include "d1_device.h"
#include "d1_drv.h"
#include "d1_gem.h"
#include "d1_job.h"
#include "d1_link.h"
#include "d1_mmu.h"
#include "d1_pm.h"
#include "d1_reset.h"
#include "d1_uapi_hw.h"

/* Largest element size accepted for commands and syncs. */
#define D1_MAX_ELEM_SIZE	4096
/* The smallest drm_d1_cmd: its size before time_limit_ms was added. */
#define D1_CMD_SIZE_V1		offsetof(struct drm_d1_cmd, time_limit_ms)

static unsigned int d1_job_timeout_ms = 10000;
module_param_named(job_timeout_ms, d1_job_timeout_ms, uint, 0444);
MODULE_PARM_DESC(job_timeout_ms,
		 "A job running longer is reset and fails with -ETIMEDOUT (ms, default 10000)");

unsigned int d1_job_timeout(void)
{
	return clamp(d1_job_timeout_ms, 10u, D1_LAUNCH_LIMIT_MAX_MS);
}

static unsigned int d1_max_time_limit_ms = 3600000;
module_param_named(max_time_limit_ms, d1_max_time_limit_ms, uint, 0444);
MODULE_PARM_DESC(max_time_limit_ms,
		 "Largest time limit a LAUNCH may ask for (ms, default 3600000; at least job_timeout_ms, at most 16777215)");

/**
 * d1_max_time_limit() - the largest per-launch time limit SUBMIT accepts
 *
 * Return: milliseconds, between the job timeout and what the LAUNCH
 * descriptor can carry.
 */
unsigned int d1_max_time_limit(void)
{
	return clamp(d1_max_time_limit_ms, d1_job_timeout(),
		     D1_LAUNCH_LIMIT_MAX_MS);
}

static inline struct d1_job *to_d1_job(struct drm_sched_job *job)
{
	return container_of(job, struct d1_job, base);
}

/* ---- hardware fences ---- */

static const char *d1_fence_driver_name(struct dma_fence *fence)
{
	return "d1";
}

static const char *d1_fence_timeline_name(struct dma_fence *fence)
{
	return "d1-queue";
}

static const struct dma_fence_ops d1_fence_ops = {
	.get_driver_name = d1_fence_driver_name,
	.get_timeline_name = d1_fence_timeline_name,
};

/**
 * d1_job_fence_error() - end a job that will not complete on the device
 * @job: a job already removed from its queue's pending list.
 * @error: the errno its fence carries.
 *
 * Once its hardware fence signals, the scheduler may free the job at any
 * time: nothing of it is touched afterwards.
 */
void d1_job_fence_error(struct d1_job *job, int error)
{
	atomic64_inc(&job->q->jobs_failed);
	dma_fence_set_error(job->hw_fence, error);
	dma_fence_signal(job->hw_fence);
}

/* ---- the ring ---- */

/**
 * d1_queue_hw_enable() - program and enable a (reset or new) queue
 * @q: the queue; the caller holds ring_lock and is inside drm_dev_enter().
 *
 * Descriptors carry their own context (F_CTX), so the queue's CTX is 0.
 */
void d1_queue_hw_enable(struct d1_queue *q)
{
	struct d1_device *d1 = q->d1;
	u32 i = q->idx;

	lockdep_assert_held(&q->ring_lock);
	d1_write(d1, D1_REG_Q(i, D1_Q_RING_LO), lower_32_bits(q->ring_dma));
	d1_write(d1, D1_REG_Q(i, D1_Q_RING_HI), upper_32_bits(q->ring_dma));
	d1_write(d1, D1_REG_Q(i, D1_Q_RING_SIZE), D1_RING_ENTRIES);
	d1_write(d1, D1_REG_Q(i, D1_Q_CTX), 0);
	d1_write(d1, D1_REG_Q(i, D1_Q_IRQ_STATUS),
		 D1_Q_IRQ_COMPLETE | D1_Q_IRQ_ERROR);
	d1_write(d1, D1_REG_Q(i, D1_Q_IRQ_MASK),
		 D1_Q_IRQ_COMPLETE | D1_Q_IRQ_ERROR);
	d1_write(d1, D1_REG_Q(i, D1_Q_CTRL), D1_Q_CTRL_ENABLE);
	q->tail = 0;
	WRITE_ONCE(q->progress_ns, ktime_get_ns());
}

/* Copy @job's descriptors to the ring at tail; the caller holds ring_lock. */
static void d1_ring_put(struct d1_queue *q, struct d1_job *job)
{
	u32 i, w;

	lockdep_assert_held(&q->ring_lock);
	job->ring_start = q->tail;
	for (i = 0; i < job->ncmds; i++) {
		__le64 *slot = q->ring + (size_t)q->tail * D1_DESC_WORDS;
		u64 hdr = job->desc[i][0];

		if (i == job->ncmds - 1)
			hdr |= D1_DESC_HDR(0, D1_DESC_F_FENCE | D1_DESC_F_IRQ,
					   job->seqno);
		slot[0] = cpu_to_le64(hdr);
		for (w = 1; w < D1_DESC_WORDS; w++)
			slot[w] = cpu_to_le64(job->desc[i][w]);
		q->tail = (q->tail + 1) & (D1_RING_ENTRIES - 1);
	}
}

static void d1_ring_kick(struct d1_queue *q)
{
	/* Descriptors are in memory before the device sees the new tail. */
	dma_wmb();
	d1_write(q->d1, D1_REG_Q(q->idx, D1_Q_TAIL), q->tail);
}

/**
 * d1_queue_rewrite() - write the pending jobs to a freshly enabled ring
 * @q: the queue; the caller holds ring_lock, inside drm_dev_enter().
 */
void d1_queue_rewrite(struct d1_queue *q)
{
	struct d1_job *job;

	lockdep_assert_held(&q->ring_lock);
	spin_lock(&q->lock);
	list_for_each_entry(job, &q->pending, node)
		d1_ring_put(q, job);
	spin_unlock(&q->lock);
	d1_ring_kick(q);
}

/**
 * d1_queue_signal() - signal the jobs the device completed
 * @q: the queue, inside drm_dev_enter().
 */
void d1_queue_signal(struct d1_queue *q)
{
	u32 fence = d1_read(q->d1, D1_REG_Q(q->idx, D1_Q_FENCE));
	struct d1_job *job, *next;
	u64 now = ktime_get_ns(), start = 0;

	spin_lock(&q->lock);
	list_for_each_entry_safe(job, next, &q->pending, node) {
		if ((s32)(fence - job->seqno) < 0)
			break;
		list_del_init(&job->node);
		/* Engine time: from when it could start to its completion. */
		start = max(start, job->start_ns);
		atomic64_add(now - start, &job->ctx->engine_ns[q->idx]);
		start = now;
		atomic64_inc(&q->jobs_done);
		dma_fence_signal(job->hw_fence);
		q->progress_ns = now;
	}
	spin_unlock(&q->lock);
}

/* ---- scheduler backend ---- */

/*
 * Are the cards of the job's peer BOs still bound?  One that went away
 * must not have its link address taken over by a new card before the
 * copy reaches the link.
 */
static bool d1_job_peers_present(struct d1_job *job)
{
	u32 i;

	for (i = 0; i < job->npeers; i++)
		if (drm_dev_is_unplugged(to_d1_peer_bo(job->peers[i])->hbm->dev))
			return false;
	return true;
}

static void d1_job_put_peers(struct d1_job *job)
{
	u32 i;

	for (i = 0; i < job->npeers; i++)
		drm_gem_object_put(job->peers[i]);
	kvfree(job->peers);
	job->peers = NULL;
	job->npeers = 0;
}

static struct dma_fence *d1_job_run(struct drm_sched_job *sched_job)
{
	struct d1_job *job = to_d1_job(sched_job);
	struct d1_queue *q = job->q;
	struct d1_device *d1 = q->d1;
	int idx, error;

	error = sched_job->s_fence->finished.error;
	if (error)
		return ERR_PTR(error);
	if (READ_ONCE(job->ctx->status.guilty))
		return ERR_PTR(-ECANCELED);
	if (!d1_job_peers_present(job))
		return ERR_PTR(-ENODEV);
	if (!drm_dev_enter(&d1->drm, &idx))
		return ERR_PTR(-ENODEV);

	mutex_lock(&q->ring_lock);
	job->seqno = ++q->seqno;
	dma_fence_init(job->hw_fence, &d1_fence_ops, &q->fence_lock,
		       q->fence_context, job->seqno);
	job->start_ns = ktime_get_ns();
	spin_lock(&q->lock);
	list_add_tail(&job->node, &q->pending);
	spin_unlock(&q->lock);
	d1_ring_put(q, job);
	d1_ring_kick(q);
	mutex_unlock(&q->ring_lock);

	drm_dev_exit(idx);
	return dma_fence_get(job->hw_fence);
}

/*
 * Is the LAUNCH at the head of @q running on its nodes within its time
 * limit (the device stops it there; a job timeout of grace covers the
 * stop itself)?
 */
static bool d1_queue_launch_in_time(struct d1_queue *q)
{
	u64 run_ns = d1_read64(q->d1, D1_REG_Q(q->idx, D1_Q_RUN_NS_LO));
	struct d1_job *job;
	u64 limit_ns = 0;

	if (!run_ns)
		return false;
	spin_lock(&q->lock);
	job = list_first_entry_or_null(&q->pending, struct d1_job, node);
	if (job)
		limit_ns = (u64)(job->time_limit_ms + d1_job_timeout()) *
			   NSEC_PER_MSEC;
	spin_unlock(&q->lock);
	return run_ns < limit_ns;
}

static enum drm_gpu_sched_stat d1_job_timedout(struct drm_sched_job *sched_job)
{
	struct d1_queue *q = to_d1_job(sched_job)->q;
	struct drm_gpu_scheduler *sched = sched_job->sched;
	int idx;

	/*
	 * The scheduler took the job off its pending list; put it back
	 * before recovery signals anything, so that it is freed as usual.
	 */
	spin_lock(&sched->job_list_lock);
	list_add(&sched_job->list, &sched->pending_list);
	spin_unlock(&sched->job_list_lock);

	if (!drm_dev_enter(&q->d1->drm, &idx))
		return DRM_GPU_SCHED_STAT_ENODEV;
	/*
	 * A LAUNCH waiting for nodes other launches hold is not hung: those
	 * have time limits of their own.  One running within its own limit
	 * is not hung either: the device stops it at the limit.  Keep
	 * waiting.
	 */
	d1_queue_signal(q);
	if (d1_read(q->d1, D1_REG_Q(q->idx, D1_Q_STATUS)) ==
	    (D1_Q_STATUS_BUSY | D1_Q_STATUS_GRID_WAIT) ||
	    d1_queue_launch_in_time(q)) {
		drm_dev_exit(idx);
		return DRM_GPU_SCHED_STAT_NOMINAL;
	}
	d1_reset_queue(q, false);
	drm_dev_exit(idx);
	/*
	 * The job may have completed while it was off the list, with the
	 * free work finding nothing: run that work (and run_job) again.
	 */
	drm_sched_wqueue_start(sched);
	return DRM_GPU_SCHED_STAT_NOMINAL;
}

static void d1_job_free(struct drm_sched_job *sched_job)
{
	struct d1_job *job = to_d1_job(sched_job);

	drm_sched_job_cleanup(sched_job);
	if (job->pm_ref)
		d1_pm_put(job->q->d1);
	/* Not initialized when the job never reached run_job. */
	if (job->hw_fence->ops)
		dma_fence_put(job->hw_fence);
	else
		kfree(job->hw_fence);
	d1_ctx_put(job->ctx);
	d1_job_put_peers(job);
	kvfree(job->desc);
	kfree(job);
	atomic_dec(&d1_objects.jobs);
}

static const struct drm_sched_backend_ops d1_sched_ops = {
	.run_job = d1_job_run,
	.timedout_job = d1_job_timedout,
	.free_job = d1_job_free,
};

/* ---- interrupts ---- */

static irqreturn_t d1_queue_irq_thread(int irq, void *arg)
{
	struct d1_queue *q = arg;
	struct d1_device *d1 = q->d1;
	u32 status;
	int idx;

	if (!drm_dev_enter(&d1->drm, &idx))
		return IRQ_NONE;
	status = d1_read(d1, D1_REG_Q(q->idx, D1_Q_IRQ_STATUS));
	if (!status || status == ~0u) {
		drm_dev_exit(idx);
		return IRQ_NONE;
	}
	d1_write(d1, D1_REG_Q(q->idx, D1_Q_IRQ_STATUS), status);

	if (status & D1_Q_IRQ_COMPLETE)
		d1_queue_signal(q);
	if (status & D1_Q_IRQ_ERROR)
		drm_sched_fault(&q->sched);
	drm_dev_exit(idx);
	return IRQ_HANDLED;
}

/* ---- setup ---- */

static void d1_queues_irq_fini(struct d1_device *d1);

static void d1_queues_fini(struct drm_device *drm, void *arg)
{
	struct d1_device *d1 = to_d1_device(drm);
	u32 i;

	for (i = 0; i < d1->nr_queues; i++)
		drm_sched_fini(&d1->queues[i].sched);
	destroy_workqueue(d1->reset_wq);
}

static unsigned int d1_queues_param;
module_param_named(queues, d1_queues_param, uint, 0444);
MODULE_PARM_DESC(queues,
		 "Hardware queues to use, 0 = all the card has (default 0)");

/**
 * d1_queues_init() - rings, schedulers and interrupts of every queue
 * @d1: the device; MSI-X vectors allocated.
 *
 * The schedulers live until the DRM device is released (files still
 * open after an unplug keep using their entities).
 *
 * Return: 0 or a negative errno.
 */
int d1_queues_init(struct d1_device *d1)
{
	struct device *dev = &d1->pdev->dev;
	u32 i, n = d1->caps.num_queues;
	int ret;

	if (d1_queues_param && d1_queues_param < n)
		n = d1_queues_param;
	d1->queues = drmm_kcalloc(&d1->drm, n, sizeof(*d1->queues),
				  GFP_KERNEL);
	if (!d1->queues)
		return -ENOMEM;
	d1->reset_wq = alloc_ordered_workqueue("d1-reset", 0);
	if (!d1->reset_wq)
		return -ENOMEM;

	for (i = 0; i < n; i++) {
		struct d1_queue *q = &d1->queues[i];
		struct drm_sched_init_args args = {
			.ops = &d1_sched_ops,
			.num_rqs = DRM_SCHED_PRIORITY_COUNT,
			.credit_limit = D1_RING_ENTRIES - 1,
			.timeout = msecs_to_jiffies(d1_job_timeout()),
			.timeout_wq = d1->reset_wq,
			.name = q->name,
			.dev = dev,
		};

		q->d1 = d1;
		q->idx = i;
		snprintf(q->name, sizeof(q->name), "d1-q%u", i);
		mutex_init(&q->ring_lock);
		spin_lock_init(&q->lock);
		spin_lock_init(&q->fence_lock);
		INIT_LIST_HEAD(&q->pending);
		q->fence_context = dma_fence_context_alloc(1);
		q->ring = dmam_alloc_coherent(dev, D1_RING_ENTRIES * D1_DESC_SIZE,
					      &q->ring_dma, GFP_KERNEL);
		if (!q->ring) {
			ret = -ENOMEM;
			goto err;
		}
		ret = drm_sched_init(&q->sched, &args);
		if (ret)
			goto err;
		d1->nr_queues = i + 1;
	}

	ret = drmm_add_action_or_reset(&d1->drm, d1_queues_fini, NULL);
	if (ret)
		return ret;

	for (i = 0; i < n; i++) {
		struct d1_queue *q = &d1->queues[i];
		int irq = pci_irq_vector(d1->pdev, D1_MSIX_VEC_QUEUE(i));

		/* Threaded: signalling fences may take a while. */
		ret = irq < 0 ? irq :
		      request_threaded_irq(irq, NULL, d1_queue_irq_thread,
					   IRQF_ONESHOT, q->name, q);
		if (ret) {
			d1_queues_irq_fini(d1);
			return ret;
		}
		q->irq = irq;
	}
	d1_queues_hw_start(d1);
	return 0;

err:
	for (i = 0; i < d1->nr_queues; i++)
		drm_sched_fini(&d1->queues[i].sched);
	d1->nr_queues = 0;
	destroy_workqueue(d1->reset_wq);
	return ret;
}

/* Release the queue interrupts that were requested. */
static void d1_queues_irq_fini(struct d1_device *d1)
{
	u32 i;

	for (i = 0; i < d1->nr_queues; i++) {
		if (d1->queues[i].irq > 0)
			free_irq(d1->queues[i].irq, &d1->queues[i]);
		d1->queues[i].irq = 0;
	}
}

/**
 * d1_queues_hw_start() - enable every queue (after probe or a device reset)
 * @d1: the device.
 */
void d1_queues_hw_start(struct d1_device *d1)
{
	u32 i;

	for (i = 0; i < d1->nr_queues; i++) {
		struct d1_queue *q = &d1->queues[i];

		mutex_lock(&q->ring_lock);
		d1_queue_hw_enable(q);
		mutex_unlock(&q->ring_lock);
	}
}

/**
 * d1_queues_unplug() - the card is gone: fail everything on the rings
 * @d1: the device, after drm_dev_unplug() and a final reset.
 *
 * Jobs not yet run fail in run_job() with -ENODEV; the schedulers
 * themselves stay until the last file is closed.
 */
void d1_queues_unplug(struct d1_device *d1)
{
	u32 i;

	d1_queues_irq_fini(d1);
	for (i = 0; i < d1->nr_queues; i++)
		d1_queue_fail_pending(&d1->queues[i], -ENODEV);
}

/**
 * d1_queue_fail_pending() - end every job on a queue's ring with an error
 * @q: the queue.
 * @error: the errno the jobs' fences carry.
 */
void d1_queue_fail_pending(struct d1_queue *q, int error)
{
	struct d1_job *job, *next;
	LIST_HEAD(dead);

	spin_lock(&q->lock);
	list_splice_init(&q->pending, &dead);
	spin_unlock(&q->lock);
	list_for_each_entry_safe(job, next, &dead, node) {
		list_del_init(&job->node);
		d1_job_fence_error(job, error);
	}
}

/* True when no job is on any ring (runtime suspend may proceed). */
bool d1_queues_idle(struct d1_device *d1)
{
	bool idle = true;
	u32 i;

	for (i = 0; i < d1->nr_queues && idle; i++) {
		spin_lock(&d1->queues[i].lock);
		idle = list_empty(&d1->queues[i].pending);
		spin_unlock(&d1->queues[i].lock);
	}
	return idle;
}

/**
 * d1_file_queues_init() - one scheduler entity per queue for a new file
 * @fpriv: the file.
 *
 * Return: 0 or a negative errno.
 */
int d1_file_queues_init(struct d1_file_priv *fpriv)
{
	struct d1_device *d1 = fpriv->d1;
	u32 i;
	int ret;

	fpriv->entities = kcalloc(d1->nr_queues, sizeof(*fpriv->entities),
				  GFP_KERNEL);
	if (!fpriv->entities)
		return -ENOMEM;
	for (i = 0; i < d1->nr_queues; i++) {
		struct drm_gpu_scheduler *sched = &d1->queues[i].sched;

		ret = drm_sched_entity_init(&fpriv->entities[i],
					    DRM_SCHED_PRIORITY_NORMAL, &sched,
					    1, NULL);
		if (ret) {
			while (i--)
				drm_sched_entity_destroy(&fpriv->entities[i]);
			kfree(fpriv->entities);
			fpriv->entities = NULL;
			return ret;
		}
	}
	return 0;
}

/**
 * d1_file_queues_fini() - tear down a closing file's entities
 * @fpriv: the file.
 *
 * Jobs already queued still run (they hold the address space); jobs the
 * scheduler had not taken yet are dropped after a bounded wait.
 */
void d1_file_queues_fini(struct d1_file_priv *fpriv)
{
	u32 i;

	if (!fpriv->entities)
		return;
	for (i = 0; i < fpriv->d1->nr_queues; i++)
		drm_sched_entity_destroy(&fpriv->entities[i]);
	kfree(fpriv->entities);
	fpriv->entities = NULL;
}

/* ---- SUBMIT ---- */

/* Bytes of command @i's union after the first @used must be zero. */
static int d1_cmd_check_unused(struct drm_device *drm, u32 i,
			       const struct drm_d1_cmd *c, size_t used)
{
	if (memchr_inv((const u8 *)c->pad + used, 0, sizeof(c->pad) - used))
		return d1_refuse(drm, -EINVAL,
				 "SUBMIT: cmd %u: op %u uses %zu bytes of the union, the rest must be zero\n",
				 i, c->op, used);
	return 0;
}

/* Is [@va, @va + @len) of command @i mapped with the rights @need? */
static int d1_cmd_check_range(struct d1_ctx *ctx, u32 i, const char *what,
			      u64 va, u64 len, u32 need)
{
	int ret = d1_ctx_check_range(ctx, va, len, need);

	if (!ret)
		return 0;
	if (ret == -EXDEV)
		return d1_refuse(&ctx->d1->drm, -EINVAL,
				 "SUBMIT: cmd %u: %s [0x%llx, +0x%llx) reaches a peer BO mapping, only a LINK_COPY destination may\n",
				 i, what, va, len);
	return d1_refuse(&ctx->d1->drm, -EINVAL,
			 "SUBMIT: cmd %u: %s [0x%llx, +0x%llx) is not mapped %s\n",
			 i, what, va, len,
			 need & DRM_D1_VM_WRITE ? "writable" : "readable");
}

/* What COPY and LINK_COPY share: the union's use, the size, the source. */
static int d1_cmd_copy_src(struct d1_ctx *ctx, u32 i,
			   const struct drm_d1_cmd *c)
{
	struct drm_device *drm = &ctx->d1->drm;
	const struct drm_d1_cmd_copy *cp = &c->copy;
	bool link = c->op == DRM_D1_CMD_LINK_COPY;
	int ret;

	ret = d1_cmd_check_unused(drm, i, c, sizeof(*cp));
	if (ret)
		return ret;
	if (!cp->size || cp->size > D1_COPY_MAX)
		return d1_refuse(drm, -EINVAL,
				 "SUBMIT: cmd %u: %s size %llu not in 1..%llu\n",
				 i, link ? "LINK_COPY" : "COPY", cp->size,
				 D1_COPY_MAX);
	return d1_cmd_check_range(ctx, i,
				  link ? "LINK_COPY source" : "COPY source",
				  cp->src, cp->size, DRM_D1_VM_READ);
}

static int d1_cmd_copy(struct d1_ctx *ctx, u32 i, const struct drm_d1_cmd *c,
		       u64 *w)
{
	const struct drm_d1_cmd_copy *cp = &c->copy;
	int ret;

	ret = d1_cmd_copy_src(ctx, i, c);
	if (!ret)
		ret = d1_cmd_check_range(ctx, i, "COPY destination", cp->dst,
					 cp->size, DRM_D1_VM_WRITE);
	if (ret)
		return ret;
	w[1] = cp->src;
	w[2] = cp->dst;
	w[3] = cp->size;
	return D1_OP_COPY;
}

/*
 * LINK_COPY: the destination becomes an offset in the peer's receive
 * window; *@peer gets its peer BO, referenced.
 */
static int d1_cmd_link_copy(struct d1_ctx *ctx, u32 i,
			    const struct drm_d1_cmd *c, u64 *w,
			    struct drm_gem_object **peer)
{
	struct drm_device *drm = &ctx->d1->drm;
	const struct drm_d1_cmd_copy *cp = &c->copy;
	struct drm_gem_object *obj;
	u64 hbm;
	int ret;

	ret = d1_cmd_copy_src(ctx, i, c);
	if (ret)
		return ret;
	obj = d1_ctx_peer_range(ctx, cp->dst, cp->size, &hbm);
	if (!obj)
		return d1_refuse(drm, -EINVAL,
				 "SUBMIT: cmd %u: LINK_COPY destination [0x%llx, +0x%llx) is not inside one peer BO mapping\n",
				 i, cp->dst, cp->size);
	if (drm_dev_is_unplugged(to_d1_peer_bo(obj)->hbm->dev)) {
		drm_gem_object_put(obj);
		return d1_refuse(drm, -ENODEV,
				 "SUBMIT: cmd %u: LINK_COPY destination: the peer card is gone\n",
				 i);
	}
	*peer = obj;
	w[1] = cp->src;
	w[2] = hbm - D1_LINK_WIN_BASE;
	w[3] = cp->size;
	return D1_OP_LINK_COPY;
}

/* The LAUNCH fields that need no address space. */
static int d1_cmd_launch_check(struct drm_device *drm, u32 i,
			       const struct drm_d1_cmd_launch *l)
{
	const struct d1_caps *caps = &to_d1_device(drm)->caps;
	u64 need;

	if (!l->image_size || l->image_size > D1_LAUNCH_IMAGE_MAX)
		return d1_refuse(drm, -EINVAL,
				 "SUBMIT: cmd %u: LAUNCH image_size %u not in 1..%u\n",
				 i, l->image_size, D1_LAUNCH_IMAGE_MAX);
	if (l->args_size > D1_LAUNCH_ARGS_MAX)
		return d1_refuse(drm, -EINVAL,
				 "SUBMIT: cmd %u: LAUNCH args_size %u above %u\n",
				 i, l->args_size, D1_LAUNCH_ARGS_MAX);
	if (!l->args != !l->args_size)
		return d1_refuse(drm, -EINVAL,
				 "SUBMIT: cmd %u: LAUNCH args 0x%llx must be 0 exactly when args_size (%u) is\n",
				 i, l->args, l->args_size);
	if (!l->harts || l->harts > D1_LAUNCH_HARTS_MAX)
		return d1_refuse(drm, -EINVAL,
				 "SUBMIT: cmd %u: LAUNCH harts %u not in 1..%u\n",
				 i, l->harts, D1_LAUNCH_HARTS_MAX);
	if (!l->cols || !l->rows ||
	    l->x0 + l->cols > caps->grid_cols ||
	    l->y0 + l->rows > caps->grid_rows)
		return d1_refuse(drm, -EINVAL,
				 "SUBMIT: cmd %u: LAUNCH rectangle %ux%u at (%u,%u) is empty or leaves the %ux%u grid\n",
				 i, l->cols, l->rows, l->x0, l->y0,
				 caps->grid_cols, caps->grid_rows);
	/* Unusable nodes are the last ones of the mesh, row-major. */
	if ((u32)(l->y0 + l->rows - 1) * caps->grid_cols +
	    l->x0 + l->cols - 1 >= caps->node_count)
		return d1_refuse(drm, -EINVAL,
				 "SUBMIT: cmd %u: LAUNCH rectangle %ux%u at (%u,%u) reaches past node %u\n",
				 i, l->cols, l->rows, l->x0, l->y0,
				 caps->node_count - 1);
	need = D1_REPORT_SIZE((u64)l->cols * l->rows);
	if (l->report_size < need)
		return d1_refuse(drm, -EINVAL,
				 "SUBMIT: cmd %u: LAUNCH report_size %u below the %llu its %u nodes need\n",
				 i, l->report_size, need, l->cols * l->rows);
	return 0;
}

/* The LAUNCH's time limit in ms for the descriptor, or a refusal. */
static int d1_cmd_launch_limit(struct drm_device *drm, u32 i,
			       const struct drm_d1_cmd *c)
{
	if (c->time_limit_ms > d1_max_time_limit())
		return d1_refuse(drm, -EINVAL,
				 "SUBMIT: cmd %u: LAUNCH time_limit_ms %u above max_time_limit_ms %u\n",
				 i, c->time_limit_ms, d1_max_time_limit());
	return c->time_limit_ms ? c->time_limit_ms : d1_job_timeout();
}

static int d1_cmd_launch(struct d1_ctx *ctx, u32 i,
			 const struct drm_d1_cmd *c, u64 *w)
{
	struct drm_device *drm = &ctx->d1->drm;
	const struct drm_d1_cmd_launch *l = &c->launch;
	int ret, limit;

	limit = d1_cmd_launch_limit(drm, i, c);
	if (limit < 0)
		return limit;
	ret = d1_cmd_check_unused(drm, i, c, sizeof(*l));
	if (!ret)
		ret = d1_cmd_launch_check(drm, i, l);
	if (!ret)
		ret = d1_cmd_check_range(ctx, i, "LAUNCH image", l->image,
					 l->image_size, DRM_D1_VM_READ);
	if (!ret && l->args_size)
		ret = d1_cmd_check_range(ctx, i, "LAUNCH args", l->args,
					 l->args_size, DRM_D1_VM_READ);
	if (!ret)
		ret = d1_cmd_check_range(ctx, i, "LAUNCH report", l->report,
					 l->report_size, DRM_D1_VM_WRITE);
	if (ret)
		return ret;
	w[1] = l->image;
	w[2] = D1_LAUNCH_W2(l->image_size, l->report_size);
	w[3] = l->args;
	w[4] = D1_LAUNCH_W4(l->x0, l->y0, l->cols, l->rows);
	w[5] = D1_LAUNCH_W5(l->args_size, l->harts, limit);
	w[6] = l->budget;
	w[7] = l->report;
	return D1_OP_LAUNCH;
}

/* SIGNAL, WAIT and TIMESTAMP: one u64 in device memory. */
static int d1_cmd_mem(struct d1_ctx *ctx, u32 i, const struct drm_d1_cmd *c,
		      u64 *w)
{
	struct drm_device *drm = &ctx->d1->drm;
	const struct drm_d1_cmd_mem *m = &c->mem;
	u32 need = c->op == DRM_D1_CMD_WAIT ? DRM_D1_VM_READ : DRM_D1_VM_WRITE;
	int ret;

	ret = d1_cmd_check_unused(drm, i, c, sizeof(*m));
	if (ret)
		return ret;
	if (!IS_ALIGNED(m->va, sizeof(u64)))
		return d1_refuse(drm, -EINVAL,
				 "SUBMIT: cmd %u: op %u va 0x%llx is not 8-byte aligned\n",
				 i, c->op, m->va);
	if (c->op == DRM_D1_CMD_TIMESTAMP && m->value)
		return d1_refuse(drm, -EINVAL,
				 "SUBMIT: cmd %u: TIMESTAMP value 0x%llx must be 0\n",
				 i, m->value);
	ret = d1_cmd_check_range(ctx, i, "the u64 at", m->va, sizeof(u64),
				 need);
	if (ret)
		return ret;
	w[1] = m->va;
	switch (c->op) {
	case DRM_D1_CMD_SIGNAL:
		w[2] = m->value;
		return D1_OP_SIGNAL;
	case DRM_D1_CMD_WAIT:
		w[2] = m->value;
		return D1_OP_WAIT;
	default:
		return D1_OP_TIMESTAMP;
	}
}

/*
 * Check command @i, @c, against the address space and write its
 * descriptor to @w; a LINK_COPY's peer BO goes to *@peer, referenced.
 * The caller holds ctx->lock.
 */
static int d1_cmd_translate(struct d1_ctx *ctx, u32 i,
			    const struct drm_d1_cmd *c, u64 *w,
			    struct drm_gem_object **peer)
{
	struct drm_device *drm = &ctx->d1->drm;
	int op;

	lockdep_assert_held(&ctx->lock);
	if (c->flags)
		return d1_refuse(drm, -EINVAL,
				 "SUBMIT: cmd %u: flags 0x%x must be 0\n",
				 i, c->flags);
	if (c->pad2)
		return d1_refuse(drm, -EINVAL,
				 "SUBMIT: cmd %u: pad2 0x%x must be 0\n",
				 i, c->pad2);
	if (c->time_limit_ms && c->op != DRM_D1_CMD_LAUNCH)
		return d1_refuse(drm, -EINVAL,
				 "SUBMIT: cmd %u: op %u takes no time_limit_ms\n",
				 i, c->op);
	memset(w, 0, D1_DESC_SIZE);
	switch (c->op) {
	case DRM_D1_CMD_COPY:
		op = d1_cmd_copy(ctx, i, c, w);
		break;
	case DRM_D1_CMD_LAUNCH:
		op = d1_cmd_launch(ctx, i, c, w);
		break;
	case DRM_D1_CMD_SIGNAL:
	case DRM_D1_CMD_WAIT:
	case DRM_D1_CMD_TIMESTAMP:
		op = d1_cmd_mem(ctx, i, c, w);
		break;
	case DRM_D1_CMD_LINK_COPY:
		op = d1_cmd_link_copy(ctx, i, c, w, peer);
		break;
	default:
		return d1_refuse(drm, -EINVAL, "SUBMIT: cmd %u: unknown op %u\n",
				 i, c->op);
	}
	if (op < 0)
		return op;
	w[0] = D1_DESC_HDR(op, D1_DESC_F_CTX, 0) | D1_DESC_HDR_CTX(ctx->hw_id);
	return 0;
}

/*
 * Read element @i of a user array of @size-byte elements (@what, for
 * the log) into @dst.
 */
static int d1_copy_elem(struct drm_device *drm, const char *what, void *dst,
			size_t dst_size, u64 array, u32 i, u32 size)
{
	void __user *src = u64_to_user_ptr(array + (u64)i * size);
	int ret;

	ret = copy_struct_from_user(dst, dst_size, src, size);
	if (ret == -E2BIG)
		return d1_refuse(drm, -EINVAL,
				 "SUBMIT: %s %u: bytes beyond the first %zu must be zero\n",
				 what, i, dst_size);
	if (ret)
		return d1_refuse(drm, ret,
				 "SUBMIT: %s %u at 0x%llx is not readable\n",
				 what, i, array + (u64)i * size);
	return 0;
}

/**
 * struct d1_out_sync - an out-sync being attached
 * @syncobj: the syncobj.
 * @chain: preallocated timeline node (timeline points only).
 * @point: the point, 0 for a binary syncobj.
 */
struct d1_out_sync {
	struct drm_syncobj *syncobj;
	struct dma_fence_chain *chain;
	u64 point;
};

static void d1_out_syncs_free(struct d1_out_sync *out, u32 n)
{
	u32 i;

	for (i = 0; i < n; i++) {
		if (out[i].syncobj)
			drm_syncobj_put(out[i].syncobj);
		dma_fence_chain_free(out[i].chain);
	}
	kfree(out);
}

static int d1_submit_in_syncs(struct d1_job *job, struct drm_file *file,
			      const struct drm_d1_submit *args)
{
	struct drm_device *drm = file->minor->dev;
	u32 i;
	int ret;

	for (i = 0; i < args->in_sync_count; i++) {
		struct drm_d1_sync s;
		struct dma_fence *fence;

		ret = d1_copy_elem(drm, "in-sync", &s, sizeof(s),
				   args->in_syncs, i, args->sync_size);
		if (ret)
			return ret;
		if (s.flags)
			return d1_refuse(drm, -EINVAL,
					 "SUBMIT: in-sync %u: flags 0x%x must be 0\n",
					 i, s.flags);
		ret = drm_syncobj_find_fence(file, s.handle, s.point, 0, &fence);
		if (ret)
			return d1_refuse(drm, ret,
					 "SUBMIT: in-sync %u: syncobj %u has no fence at point %llu (%d)\n",
					 i, s.handle, s.point, ret);
		ret = drm_sched_job_add_dependency(&job->base, fence);
		if (ret)
			return ret;
	}
	return 0;
}

static struct d1_out_sync *d1_submit_out_syncs(struct drm_file *file,
					       const struct drm_d1_submit *args)
{
	struct drm_device *drm = file->minor->dev;
	struct d1_out_sync *out;
	u32 i;
	int ret;

	out = kcalloc(max(args->out_sync_count, 1u), sizeof(*out), GFP_KERNEL);
	if (!out)
		return ERR_PTR(-ENOMEM);
	for (i = 0; i < args->out_sync_count; i++) {
		struct drm_d1_sync s;

		ret = d1_copy_elem(drm, "out-sync", &s, sizeof(s),
				   args->out_syncs, i, args->sync_size);
		if (!ret && s.flags)
			ret = d1_refuse(drm, -EINVAL,
					"SUBMIT: out-sync %u: flags 0x%x must be 0\n",
					i, s.flags);
		if (ret)
			goto err;
		out[i].syncobj = drm_syncobj_find(file, s.handle);
		if (!out[i].syncobj) {
			ret = d1_refuse(drm, -ENOENT,
					"SUBMIT: out-sync %u: no syncobj %u\n",
					i, s.handle);
			goto err;
		}
		out[i].point = s.point;
		if (s.point) {
			out[i].chain = dma_fence_chain_alloc();
			if (!out[i].chain) {
				ret = -ENOMEM;
				goto err;
			}
		}
	}
	return out;
err:
	d1_out_syncs_free(out, args->out_sync_count);
	return ERR_PTR(ret);
}

static int d1_submit_check_args(struct d1_device *d1,
				const struct drm_d1_submit *args)
{
	struct drm_device *drm = &d1->drm;

	if (args->flags || args->pad)
		return d1_refuse(drm, -EINVAL,
				 "SUBMIT: flags 0x%x and pad 0x%x must be 0\n",
				 args->flags, args->pad);
	if (args->queue >= d1->nr_queues)
		return d1_refuse(drm, -EINVAL,
				 "SUBMIT: queue %u, the driver uses %u\n",
				 args->queue, d1->nr_queues);
	if (!args->cmd_count || args->cmd_count > D1_MAX_CMDS)
		return d1_refuse(drm, -EINVAL,
				 "SUBMIT: cmd_count %u not in 1..%u\n",
				 args->cmd_count, D1_MAX_CMDS);
	if (args->cmd_size < D1_CMD_SIZE_V1 ||
	    args->cmd_size > D1_MAX_ELEM_SIZE)
		return d1_refuse(drm, -EINVAL,
				 "SUBMIT: cmd_size %u not in %zu..%u\n",
				 args->cmd_size, D1_CMD_SIZE_V1,
				 D1_MAX_ELEM_SIZE);
	if (args->in_sync_count > D1_MAX_SYNCS ||
	    args->out_sync_count > D1_MAX_SYNCS)
		return d1_refuse(drm, -EINVAL,
				 "SUBMIT: in_sync_count %u or out_sync_count %u above %u\n",
				 args->in_sync_count, args->out_sync_count,
				 D1_MAX_SYNCS);
	if ((args->in_sync_count || args->out_sync_count) &&
	    (args->sync_size < sizeof(struct drm_d1_sync) ||
	     args->sync_size > D1_MAX_ELEM_SIZE))
		return d1_refuse(drm, -EINVAL,
				 "SUBMIT: sync_size %u not in %zu..%u\n",
				 args->sync_size, sizeof(struct drm_d1_sync),
				 D1_MAX_ELEM_SIZE);
	return 0;
}

int d1_submit_ioctl(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct d1_device *d1 = to_d1_device(drm);
	struct d1_file_priv *fpriv = file->driver_priv;
	struct drm_d1_submit *args = data;
	struct d1_ctx *ctx = fpriv->ctx;
	struct d1_out_sync *out = NULL;
	struct drm_d1_cmd *cmds = NULL;
	struct dma_fence *finished;
	struct d1_job *job;
	u32 i, n;
	int idx, ret;

	ret = d1_submit_check_args(d1, args);
	if (ret)
		return ret;
	if (!drm_dev_enter(drm, &idx))
		return -ENODEV;
	if (READ_ONCE(ctx->status.guilty)) {
		ret = d1_refuse(drm, -ECANCELED,
				"SUBMIT: a job of this file failed; GET_CONTEXT_STATUS with CLEAR re-enables it\n");
		goto out_exit;
	}

	job = kzalloc(sizeof(*job), GFP_KERNEL);
	cmds = kvcalloc(args->cmd_count, sizeof(*cmds), GFP_KERNEL);
	if (job) {
		job->desc = kvcalloc(args->cmd_count, sizeof(*job->desc),
				     GFP_KERNEL);
		job->hw_fence = kzalloc(sizeof(*job->hw_fence), GFP_KERNEL);
	}
	if (!job || !cmds || !job->desc || !job->hw_fence) {
		ret = -ENOMEM;
		goto out_free;
	}
	job->q = &d1->queues[args->queue];
	job->ncmds = args->cmd_count;
	INIT_LIST_HEAD(&job->node);

	for (i = 0, n = 0; i < args->cmd_count; i++) {
		ret = d1_copy_elem(drm, "cmd", &cmds[i], sizeof(cmds[i]),
				   args->cmds, i, args->cmd_size);
		if (ret)
			goto out_free;
		n += cmds[i].op == DRM_D1_CMD_LINK_COPY;
	}
	if (n) {
		job->peers = kvcalloc(n, sizeof(*job->peers), GFP_KERNEL);
		if (!job->peers) {
			ret = -ENOMEM;
			goto out_free;
		}
	}

	ret = drm_sched_job_init(&job->base, &fpriv->entities[args->queue],
				 args->cmd_count, fpriv, file->client_id);
	if (ret)
		goto out_free;

	ret = d1_submit_in_syncs(job, file, args);
	if (ret)
		goto out_cleanup;
	out = d1_submit_out_syncs(file, args);
	if (IS_ERR(out)) {
		ret = PTR_ERR(out);
		out = NULL;
		goto out_cleanup;
	}

	ret = d1_pm_get(d1);
	if (ret)
		goto out_cleanup;
	job->pm_ref = true;

	mutex_lock(&ctx->lock);
	ret = d1_ctx_hw_bind(ctx);
	for (i = 0; !ret && i < args->cmd_count; i++) {
		struct drm_gem_object *peer = NULL;

		ret = d1_cmd_translate(ctx, i, &cmds[i], job->desc[i], &peer);
		if (peer)
			job->peers[job->npeers++] = peer;
		if (D1_DESC_OPCODE(job->desc[i][0]) == D1_OP_LAUNCH)
			job->time_limit_ms = max(job->time_limit_ms,
						 D1_LAUNCH_W5_LIMIT(job->desc[i][5]));
	}
	if (ret) {
		mutex_unlock(&ctx->lock);
		d1_pm_put(d1);
		goto out_cleanup;
	}
	job->ctx = d1_ctx_get(ctx);
	atomic_inc(&d1_objects.jobs);
	drm_sched_job_arm(&job->base);
	finished = dma_fence_get(&job->base.s_fence->finished);
	dma_fence_put(ctx->last[args->queue]);
	ctx->last[args->queue] = dma_fence_get(finished);
	drm_sched_entity_push_job(&job->base);
	mutex_unlock(&ctx->lock);

	for (i = 0; i < args->out_sync_count; i++) {
		if (out[i].chain) {
			drm_syncobj_add_point(out[i].syncobj, out[i].chain,
					      finished, out[i].point);
			out[i].chain = NULL;
		} else {
			drm_syncobj_replace_fence(out[i].syncobj, finished);
		}
	}
	dma_fence_put(finished);
	d1_out_syncs_free(out, args->out_sync_count);
	kvfree(cmds);
	drm_dev_exit(idx);
	return 0;

out_cleanup:
	drm_sched_job_cleanup(&job->base);
out_free:
	if (out)
		d1_out_syncs_free(out, args->out_sync_count);
	if (job) {
		d1_job_put_peers(job);
		kvfree(job->desc);
		kfree(job->hw_fence);
		kfree(job);
	}
	kvfree(cmds);
out_exit:
	drm_dev_exit(idx);
	return ret;
}

/**
 * d1_queue_print_regs() - print the registers of a queue
 * @p: where to.
 * @q: the queue, inside drm_dev_enter().
 */
void d1_queue_print_regs(struct drm_printer *p, struct d1_queue *q)
{
	struct d1_device *d1 = q->d1;
	u32 r = q->idx;

	drm_printf(p, "  hw: ctrl 0x%x status 0x%x head %u tail %u fence %u",
		   d1_read(d1, D1_REG_Q(r, D1_Q_CTRL)),
		   d1_read(d1, D1_REG_Q(r, D1_Q_STATUS)),
		   d1_read(d1, D1_REG_Q(r, D1_Q_HEAD)),
		   d1_read(d1, D1_REG_Q(r, D1_Q_TAIL)),
		   d1_read(d1, D1_REG_Q(r, D1_Q_FENCE)));
	drm_printf(p, " irq 0x%x/0x%x\n",
		   d1_read(d1, D1_REG_Q(r, D1_Q_IRQ_STATUS)),
		   d1_read(d1, D1_REG_Q(r, D1_Q_IRQ_MASK)));
	drm_printf(p, "  hw: cmds %llu busy_ns %llu dma %llu instret %llu",
		   d1_read64(d1, D1_REG_Q(r, D1_Q_CMDS_LO)),
		   d1_read64(d1, D1_REG_Q(r, D1_Q_BUSY_NS_LO)),
		   d1_read64(d1, D1_REG_Q(r, D1_Q_DMA_BYTES_LO)),
		   d1_read64(d1, D1_REG_Q(r, D1_Q_INSTRET_LO)));
	drm_printf(p, " cycles %llu faults %u run_ns %llu\n",
		   d1_read64(d1, D1_REG_Q(r, D1_Q_CYCLES_LO)),
		   d1_read(d1, D1_REG_Q(r, D1_Q_FAULTS)),
		   d1_read64(d1, D1_REG_Q(r, D1_Q_RUN_NS_LO)));
}

/* debugfs "rings": registers, driver state and pending jobs of @q. */
void d1_queue_debugfs_show(struct drm_printer *p, struct d1_queue *q)
{
	struct d1_device *d1 = q->d1;
	struct d1_job *job;
	int idx;

	drm_printf(p, "queue %u: tail %u seqno %u done %lld failed %lld resets %d\n",
		   q->idx, q->tail, q->seqno,
		   (long long)atomic64_read(&q->jobs_done),
		   (long long)atomic64_read(&q->jobs_failed),
		   atomic_read(&q->resets));
	if (drm_dev_enter(&d1->drm, &idx)) {
		d1_queue_print_regs(p, q);
		drm_dev_exit(idx);
	}
	spin_lock(&q->lock);
	list_for_each_entry(job, &q->pending, node)
		drm_printf(p, "  job seqno %u ring %u+%u client %llu ctx %d\n",
			   job->seqno, job->ring_start, job->ncmds,
			   job->ctx->client_id, job->ctx->hw_id);
	spin_unlock(&q->lock);
}

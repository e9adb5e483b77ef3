/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * d1: hardware queues, jobs and SUBMIT.
 */
#ifndef __D1_JOB_H__
#define __D1_JOB_H__

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <drm/gpu_scheduler.h>

#include "d1_regs.h"

struct d1_ctx;
struct d1_device;
struct d1_file_priv;
struct drm_device;
struct drm_file;
struct drm_gem_object;
struct drm_printer;

#define D1_RING_ENTRIES		1024	/* descriptors per queue ring */
#define D1_MAX_CMDS		256	/* commands per SUBMIT */
#define D1_MAX_SYNCS		64	/* in-syncs (or out-syncs) per SUBMIT */

/**
 * struct d1_queue - one hardware command queue and its scheduler
 * @d1: the device.
 * @idx: queue number.
 * @name: "d1-qN", the scheduler's name.
 * @sched: jobs of all files for this queue.
 * @ring: the descriptor ring (coherent DMA memory).
 * @ring_dma: its bus address.
 * @ring_lock: serializes ring writes (run_job) with resets of the queue.
 * @tail: next free ring slot (the producer index last written to Q_TAIL).
 * @seqno: seqno of the newest job written to the ring.
 * @lock: protects @pending.
 * @fence_lock: the lock of the queue's hardware fences.
 * @pending: jobs on the ring, oldest first.
 * @fence_context: dma_fence context of the queue's hardware fences.
 * @irq: Linux IRQ of the queue's MSI-X vector.
 * @progress_ns: when a job last completed or the queue was (re)started.
 * @jobs_done: jobs completed without error.
 * @jobs_failed: jobs that failed (error, hang) or were cancelled.
 * @resets: queue resets.
 */
struct d1_queue {
	struct d1_device *d1;
	u32 idx;
	char name[16];
	struct drm_gpu_scheduler sched;
	__le64 *ring;
	dma_addr_t ring_dma;
	struct mutex ring_lock;	/* ring, tail, seqno, queue resets */
	u32 tail;
	u32 seqno;
	spinlock_t lock;	/* protects pending */
	spinlock_t fence_lock;	/* dma_fence lock of the hardware fences */
	struct list_head pending;
	u64 fence_context;
	int irq;
	u64 progress_ns;
	atomic64_t jobs_done;
	atomic64_t jobs_failed;
	atomic_t resets;
};

/**
 * struct d1_job - one SUBMIT
 * @base: the scheduler job.
 * @q: its queue.
 * @ctx: the address space it runs in (referenced).
 * @ncmds: descriptors in @desc.
 * @desc: the translated descriptors (seqno and fence flags are set when
 *        the job is written to the ring).
 * @seqno: queue seqno of the last descriptor.
 * @hw_fence: signalled when the device completed the job (or it failed).
 * @node: in d1_queue.pending while on the ring.
 * @ring_start: ring slot of the first descriptor.
 * @start_ns: when it was written to the ring (engine time).
 * @time_limit_ms: the largest time limit of its LAUNCHes (0: none).
 * @pm_ref: holds a runtime PM reference.
 * @peers: the peer BOs its LINK_COPYs write to, referenced until the job
 *         is freed (their HBM on the peer card stays allocated).
 * @npeers: entries of @peers.
 */
struct d1_job {
	struct drm_sched_job base;
	struct d1_queue *q;
	struct d1_ctx *ctx;
	u32 ncmds;
	u64 (*desc)[D1_DESC_WORDS];
	u32 seqno;
	struct dma_fence *hw_fence;
	struct list_head node;
	u32 ring_start;
	u64 start_ns;
	u32 time_limit_ms;
	bool pm_ref;
	struct drm_gem_object **peers;
	u32 npeers;
};

unsigned int d1_job_timeout(void);
unsigned int d1_max_time_limit(void);
int d1_queues_init(struct d1_device *d1);
void d1_queues_hw_start(struct d1_device *d1);
void d1_queues_unplug(struct d1_device *d1);
int d1_file_queues_init(struct d1_file_priv *fpriv);
void d1_file_queues_fini(struct d1_file_priv *fpriv);

void d1_queue_hw_enable(struct d1_queue *q);
void d1_queue_signal(struct d1_queue *q);
void d1_queue_rewrite(struct d1_queue *q);
void d1_job_fence_error(struct d1_job *job, int error);
void d1_queue_fail_pending(struct d1_queue *q, int error);
bool d1_queues_idle(struct d1_device *d1);
void d1_queue_print_regs(struct drm_printer *p, struct d1_queue *q);
void d1_queue_debugfs_show(struct drm_printer *p, struct d1_queue *q);

int d1_submit_ioctl(struct drm_device *drm, void *data,
		    struct drm_file *file);

#endif /* __D1_JOB_H__ */

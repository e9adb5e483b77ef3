/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * d1: per-file device address spaces (device MMU contexts).
 */
#ifndef __D1_MMU_H__
#define __D1_MMU_H__

#include <linux/bits.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/sizes.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <drm/drm_mm.h>

#include "d1_regs.h"
#include "d1_device.h"

struct dma_fence;
struct drm_device;
struct drm_file;
struct drm_gem_object;
struct drm_printer;

/* The VA range VM_BIND uses: VA 0 and the low pages are never mapped. */
#define D1_VA_USER_START	SZ_2M
#define D1_VA_USER_END		BIT_ULL(D1_VA_BITS)

/**
 * struct d1_pt - one 4 KiB page table
 * @cpu: its entries, little endian.
 * @dma: its bus address.
 * @child: the next level's tables (NULL for a leaf table).
 */
struct d1_pt {
	__le64 *cpu;
	dma_addr_t dma;
	struct d1_pt **child;
};

/**
 * struct d1_ctx_status - what happened to the jobs of an address space
 * @guilty: a job failed; SUBMIT is refused until cleared.
 * @error_count: failed jobs.
 * @reset_count: resets that hit jobs of this context.
 * @error: DRM_D1_ERROR_* of the first failure.
 * @queue: its queue.
 * @fault_va: its MMU fault VA.
 * @fault_access: DRM_D1_ACCESS_*.
 * @fault_reason: DRM_D1_FAULT_*.
 * @reset_seq: the last reset counted in @reset_count (internal).
 */
struct d1_ctx_status {
	bool guilty;
	u32 error_count;
	u32 reset_count;
	u32 error;
	u32 queue;
	u64 fault_va;
	u32 fault_access;
	u32 fault_reason;
	u32 reset_seq;
};

/**
 * struct d1_ctx - the device address space of one open file
 * @ref: held by the file and by each of its jobs (the page tables must
 *       outlive the jobs using them).
 * @d1: the device.
 * @lock: protects @va_mm, the page tables, @hw_id and @last; held across
 *        the validation and queueing of a SUBMIT.
 * @va_mm: the mappings (struct d1_mapping) by VA.
 * @root: the root page table.
 * @pt_count: page tables allocated.
 * @hw_id: the hardware context, or -1.
 * @last: per queue, the completion fence of the newest job.
 * @status_lock: protects @status.
 * @status: failures and resets (GET_CONTEXT_STATUS).
 * @engine_ns: per queue, time its jobs spent on the hardware.
 * @saved_cycles: modelled cycles of its LAUNCHes before the last device
 *                reset (which cleared the CTX_STAT registers); under the
 *                device's ctx_lock, like @saved_grid_ns.
 * @saved_grid_ns: time its LAUNCHes held their nodes before that reset.
 * @client_id: the DRM client id of the file (for debugfs).
 * @node: in d1_device.ctx_list.
 */
struct d1_ctx {
	struct kref ref;
	struct d1_device *d1;
	struct mutex lock;	/* va_mm, page tables, hw_id, last */
	struct drm_mm va_mm;
	struct d1_pt root;
	u32 pt_count;
	int hw_id;
	struct dma_fence *last[D1_MAX_QUEUES];
	spinlock_t status_lock;	/* protects status */
	struct d1_ctx_status status;
	atomic64_t engine_ns[D1_MAX_QUEUES];
	u64 saved_cycles;
	u64 saved_grid_ns;
	u64 client_id;
	struct list_head node;
};

struct d1_ctx *d1_ctx_create(struct d1_device *d1, u64 client_id);
void d1_ctx_put(struct d1_ctx *ctx);

static inline struct d1_ctx *d1_ctx_get(struct d1_ctx *ctx)
{
	kref_get(&ctx->ref);
	return ctx;
}

int d1_ctx_hw_bind(struct d1_ctx *ctx);
int d1_ctx_check_range(struct d1_ctx *ctx, u64 va, u64 len, u32 need);
struct drm_gem_object *d1_ctx_peer_range(struct d1_ctx *ctx, u64 va, u64 len,
					 u64 *offset);
void d1_mmu_restore(struct d1_device *d1);
void d1_mmu_save_usage(struct d1_device *d1);
void d1_ctx_usage(struct d1_ctx *ctx, u64 *cycles, u64 *grid_ns);
void d1_mmu_unplug(struct d1_device *d1);
void d1_mmu_debugfs_show(struct drm_printer *p, struct d1_ctx *ctx,
			 bool tables);

int d1_vm_bind_ioctl(struct drm_device *drm, void *data,
		     struct drm_file *file);
int d1_vm_unbind_ioctl(struct drm_device *drm, void *data,
		       struct drm_file *file);

#endif /* __D1_MMU_H__ */

// SPDX-License-Identifier: GPL-2.0-only
/*
 * d1: per-file device address spaces.
 *
 * Every open file has its own 39-bit VA space: 3-level page tables in
 * coherent DMA memory in the format of d1_regs.h, and, from its first
 * VM_BIND, one of the card's hardware contexts pointing at them.  The
 * driver sets that context in every descriptor of the file's jobs
 * (D1_DESC_F_CTX), so a file reaches exactly what it bound.
 *
 * A peer BO (an HBM BO of the link peer card) is bound without page
 * table entries: the card cannot reach it through its MMU, the range only
 * names LINK_COPY destinations (d1_ctx_peer_range()).
 *
 * Page tables are allocated on demand and freed with the address space;
 * unmapping clears entries and invalidates the context.  The address
 * space is reference counted: jobs hold it, so neither the tables nor the
 * memory they point to go away while the device may still use them.
 */
#include <linux/dma-fence.h>
#include <linux/dma-mapping.h>
#include <linux/lockdep.h>
#include <linux/pci.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_print.h>
#include <drm/d1_accel.h>

#include "d1_drv.h"
#include "d1_gem.h"
#include "d1_mmu.h"

/**
 * struct d1_mapping - one VM_BIND
 * @node: its VA range in d1_ctx.va_mm.
 * @obj: the BO, referenced while mapped.
 * @offset: byte offset of the mapping in the BO.
 * @flags: DRM_D1_VM_READ and/or DRM_D1_VM_WRITE.
 */
struct d1_mapping {
	struct drm_mm_node node;
	struct drm_gem_object *obj;
	u64 offset;
	u32 flags;
};

static struct device *d1_dma_dev(struct d1_ctx *ctx)
{
	return &ctx->d1->pdev->dev;
}

static int d1_pt_alloc(struct d1_ctx *ctx, struct d1_pt *pt, bool leaf)
{
	pt->cpu = dma_alloc_coherent(d1_dma_dev(ctx), D1_PAGE_SIZE, &pt->dma,
				     GFP_KERNEL);
	if (!pt->cpu)
		return -ENOMEM;
	pt->child = NULL;
	if (!leaf) {
		pt->child = kcalloc(D1_PT_ENTRIES, sizeof(*pt->child),
				    GFP_KERNEL);
		if (!pt->child) {
			dma_free_coherent(d1_dma_dev(ctx), D1_PAGE_SIZE,
					  pt->cpu, pt->dma);
			pt->cpu = NULL;
			return -ENOMEM;
		}
	}
	ctx->pt_count++;
	atomic_inc(&d1_objects.tables);
	return 0;
}

static void d1_pt_free(struct d1_ctx *ctx, struct d1_pt *pt)
{
	unsigned int i;

	if (!pt->cpu)
		return;
	if (pt->child) {
		for (i = 0; i < D1_PT_ENTRIES; i++) {
			if (!pt->child[i])
				continue;
			d1_pt_free(ctx, pt->child[i]);
			kfree(pt->child[i]);
		}
		kfree(pt->child);
		pt->child = NULL;
	}
	dma_free_coherent(d1_dma_dev(ctx), D1_PAGE_SIZE, pt->cpu, pt->dma);
	pt->cpu = NULL;
	atomic_dec(&d1_objects.tables);
}

static unsigned int d1_pt_index(u64 va, int level)
{
	return (va >> D1_PT_SHIFT(level)) & (D1_PT_ENTRIES - 1);
}

/*
 * The leaf table covering @va; allocated (with its parents) if @alloc.
 * The caller holds ctx->lock.
 */
static struct d1_pt *d1_pt_leaf(struct d1_ctx *ctx, u64 va, bool alloc)
{
	struct d1_pt *pt = &ctx->root;
	int level;

	lockdep_assert_held(&ctx->lock);
	/* The tables are gone once the card was unplugged. */
	if (!pt->cpu)
		return NULL;
	for (level = D1_PT_LEVELS - 1; level > 0; level--) {
		unsigned int idx = d1_pt_index(va, level);
		struct d1_pt *next = pt->child[idx];

		if (!next) {
			if (!alloc)
				return NULL;
			next = kzalloc(sizeof(*next), GFP_KERNEL);
			if (!next)
				return NULL;
			if (d1_pt_alloc(ctx, next, level == 1)) {
				kfree(next);
				return NULL;
			}
			pt->child[idx] = next;
			/* Entries are complete before the device can see them. */
			dma_wmb();
			WRITE_ONCE(pt->cpu[idx],
				   cpu_to_le64((next->dma & D1_PTE_ADDR_MASK) |
					       D1_PTE_VALID));
		}
		pt = next;
	}
	return pt;
}

static int d1_pte_set(struct d1_ctx *ctx, u64 va, u64 pte)
{
	struct d1_pt *leaf = d1_pt_leaf(ctx, va, pte != 0);

	if (!leaf)
		return pte ? -ENOMEM : 0;
	WRITE_ONCE(leaf->cpu[d1_pt_index(va, 0)], cpu_to_le64(pte));
	return 0;
}

static void d1_ctx_invalidate(struct d1_ctx *ctx)
{
	int idx;

	dma_wmb();
	if (ctx->hw_id < 0 || !drm_dev_enter(&ctx->d1->drm, &idx))
		return;
	d1_write(ctx->d1, D1_REG_MMU_INVALIDATE, ctx->hw_id);
	drm_dev_exit(idx);
}

static void d1_mapping_clear(struct d1_ctx *ctx, struct d1_mapping *m)
{
	u64 va;

	for (va = m->node.start; va < m->node.start + m->node.size;
	     va += D1_PAGE_SIZE)
		d1_pte_set(ctx, va, 0);
}

/* An HBM BO's range is contiguous: HBM offsets, flagged D1_PTE_HBM. */
static int d1_mapping_write_hbm(struct d1_ctx *ctx, struct d1_mapping *m,
				u64 flags)
{
	u64 addr = to_d1_hbm_bo(m->obj)->hbm.start + m->offset, i;
	int ret;

	flags |= D1_PTE_HBM;
	for (i = 0; i < m->node.size; i += D1_PAGE_SIZE) {
		ret = d1_pte_set(ctx, m->node.start + i,
				 ((addr + i) & D1_PTE_ADDR_MASK) | flags);
		if (ret)
			return ret;
	}
	return 0;
}

/* A host BO: the bus addresses of its pages, DMA-mapped when bound. */
static int d1_mapping_write_host(struct d1_ctx *ctx, struct d1_mapping *m,
				 u64 flags)
{
	struct sg_table *sgt = to_d1_host_bo(m->obj)->base.sgt;
	u64 first = m->offset >> PAGE_SHIFT;
	u64 count = m->node.size >> PAGE_SHIFT;
	u64 va = m->node.start, pg = 0;
	struct sg_dma_page_iter iter;
	int ret;

	for_each_sgtable_dma_page(sgt, &iter, 0) {
		dma_addr_t addr = sg_page_iter_dma_address(&iter);

		if (pg >= first + count)
			break;
		if (pg >= first) {
			ret = d1_pte_set(ctx, va,
					 (addr & D1_PTE_ADDR_MASK) | flags);
			if (ret)
				return ret;
			va += D1_PAGE_SIZE;
		}
		pg++;
	}
	return va == m->node.start + m->node.size ? 0 : -EINVAL;
}

static int d1_mapping_write(struct d1_ctx *ctx, struct d1_mapping *m)
{
	u64 flags = D1_PTE_VALID | D1_PTE_LEAF;

	if (m->flags & DRM_D1_VM_READ)
		flags |= D1_PTE_READ;
	if (m->flags & DRM_D1_VM_WRITE)
		flags |= D1_PTE_WRITE;
	if (d1_gem_is_peer(m->obj))
		return 0;
	if (d1_gem_is_hbm(m->obj))
		return d1_mapping_write_hbm(ctx, m, flags);
	return d1_mapping_write_host(ctx, m, flags);
}

/**
 * d1_ctx_create() - a new, empty address space
 * @d1: the device.
 * @client_id: the DRM client id of the file it belongs to.
 *
 * Return: the address space with one reference, or an ERR_PTR().
 */
struct d1_ctx *d1_ctx_create(struct d1_device *d1, u64 client_id)
{
	struct d1_ctx *ctx;
	int ret;

	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return ERR_PTR(-ENOMEM);
	kref_init(&ctx->ref);
	ctx->d1 = d1;
	ctx->hw_id = -1;
	ctx->client_id = client_id;
	mutex_init(&ctx->lock);
	spin_lock_init(&ctx->status_lock);
	drm_mm_init(&ctx->va_mm, D1_VA_USER_START,
		    D1_VA_USER_END - D1_VA_USER_START);
	ret = d1_pt_alloc(ctx, &ctx->root, false);
	if (ret) {
		drm_mm_takedown(&ctx->va_mm);
		mutex_destroy(&ctx->lock);
		kfree(ctx);
		return ERR_PTR(ret);
	}
	mutex_lock(&d1->ctx_list_lock);
	list_add_tail(&ctx->node, &d1->ctx_list);
	mutex_unlock(&d1->ctx_list_lock);
	atomic_inc(&d1_objects.ctxs);
	return ctx;
}

static void d1_ctx_hw_unbind(struct d1_ctx *ctx)
{
	struct d1_device *d1 = ctx->d1;
	int idx;

	if (ctx->hw_id < 0)
		return;
	if (drm_dev_enter(&d1->drm, &idx)) {
		d1_write(d1, D1_REG_CTX(ctx->hw_id, D1_CTX_CTRL), 0);
		d1_write(d1, D1_REG_MMU_INVALIDATE, ctx->hw_id);
		drm_dev_exit(idx);
	}
	mutex_lock(&d1->ctx_lock);
	d1->ctx_owner[ctx->hw_id] = NULL;
	clear_bit(ctx->hw_id, d1->ctx_used);
	mutex_unlock(&d1->ctx_lock);
	ctx->hw_id = -1;
}

static void d1_ctx_release(struct kref *ref)
{
	struct d1_ctx *ctx = container_of(ref, struct d1_ctx, ref);
	struct drm_mm_node *node, *next;
	unsigned int i;

	mutex_lock(&ctx->d1->ctx_list_lock);
	list_del(&ctx->node);
	mutex_unlock(&ctx->d1->ctx_list_lock);
	/* No job uses the address space any more: the device is done. */
	d1_ctx_hw_unbind(ctx);
	drm_mm_for_each_node_safe(node, next, &ctx->va_mm) {
		struct d1_mapping *m = container_of(node, struct d1_mapping,
						    node);

		drm_mm_remove_node(node);
		drm_gem_object_put(m->obj);
		kfree(m);
		atomic_dec(&d1_objects.mappings);
	}
	drm_mm_takedown(&ctx->va_mm);
	d1_pt_free(ctx, &ctx->root);
	for (i = 0; i < D1_MAX_QUEUES; i++)
		dma_fence_put(ctx->last[i]);
	mutex_destroy(&ctx->lock);
	kfree(ctx);
	atomic_dec(&d1_objects.ctxs);
}

void d1_ctx_put(struct d1_ctx *ctx)
{
	if (ctx)
		kref_put(&ctx->ref, d1_ctx_release);
}

static void d1_ctx_hw_program(struct d1_device *d1, struct d1_ctx *ctx)
{
	int id = ctx->hw_id;

	d1_write(d1, D1_REG_CTX(id, D1_CTX_PT_LO), lower_32_bits(ctx->root.dma));
	d1_write(d1, D1_REG_CTX(id, D1_CTX_PT_HI), upper_32_bits(ctx->root.dma));
	d1_write(d1, D1_REG_CTX(id, D1_CTX_CTRL), D1_CTX_VALID);
	d1_write(d1, D1_REG_MMU_INVALIDATE, id);
}

/**
 * d1_ctx_hw_bind() - give the address space a hardware context
 * @ctx: the address space; the caller holds ctx->lock and is inside
 *       drm_dev_enter().
 *
 * Return: 0 (also when it already has one), -ENOSPC when all hardware
 * contexts are taken.
 */
int d1_ctx_hw_bind(struct d1_ctx *ctx)
{
	struct d1_device *d1 = ctx->d1;
	unsigned long id;

	lockdep_assert_held(&ctx->lock);
	if (ctx->hw_id >= 0)
		return 0;
	mutex_lock(&d1->ctx_lock);
	id = find_first_zero_bit(d1->ctx_used, d1->caps.num_contexts);
	if (id >= d1->caps.num_contexts) {
		mutex_unlock(&d1->ctx_lock);
		return d1_refuse(&d1->drm, -ENOSPC,
				 "all %u hardware contexts are in use\n",
				 d1->caps.num_contexts);
	}
	set_bit(id, d1->ctx_used);
	d1->ctx_owner[id] = ctx;
	ctx->hw_id = id;
	d1_ctx_hw_program(d1, ctx);
	mutex_unlock(&d1->ctx_lock);
	return 0;
}

/* Add the CTX_STAT registers of hardware context @id to the totals. */
static void d1_ctx_read_usage(struct d1_device *d1, int id, u64 *cycles,
			      u64 *grid_ns)
{
	*cycles += d1_read64(d1, D1_REG_CTX_STAT(id, D1_CTX_CYCLES_LO));
	*grid_ns += d1_read64(d1, D1_REG_CTX_STAT(id, D1_CTX_GRID_NS_LO));
}

/**
 * d1_mmu_save_usage() - keep the contexts' usage across a device reset
 * @d1: the device, inside drm_dev_enter(); the caller holds reset_lock.
 *
 * The reset clears the CTX_STAT registers: what they counted so far goes
 * to each bound address space's saved totals.
 */
void d1_mmu_save_usage(struct d1_device *d1)
{
	struct d1_ctx *ctx;
	unsigned long id;

	lockdep_assert_held(&d1->reset_lock);
	mutex_lock(&d1->ctx_lock);
	for_each_set_bit(id, d1->ctx_used, d1->caps.num_contexts) {
		ctx = d1->ctx_owner[id];
		d1_ctx_read_usage(d1, id, &ctx->saved_cycles,
				  &ctx->saved_grid_ns);
	}
	mutex_unlock(&d1->ctx_lock);
}

/**
 * d1_ctx_usage() - what the address space's LAUNCHes used so far
 * @ctx: the address space.
 * @cycles: out, modelled cycles (the launch reports' sum).
 * @grid_ns: out, time its launches held their nodes.
 *
 * Waits for a device reset in progress, so the saved totals and the
 * registers are never counted twice.
 */
void d1_ctx_usage(struct d1_ctx *ctx, u64 *cycles, u64 *grid_ns)
{
	struct d1_device *d1 = ctx->d1;
	int idx;

	mutex_lock(&d1->reset_lock);
	mutex_lock(&d1->ctx_lock);
	*cycles = ctx->saved_cycles;
	*grid_ns = ctx->saved_grid_ns;
	/* hw_id is set under ctx_lock and cleared only at release. */
	if (ctx->hw_id >= 0 && drm_dev_enter(&d1->drm, &idx)) {
		d1_ctx_read_usage(d1, ctx->hw_id, cycles, grid_ns);
		drm_dev_exit(idx);
	}
	mutex_unlock(&d1->ctx_lock);
	mutex_unlock(&d1->reset_lock);
}

/**
 * d1_mmu_restore() - program every held context again after a device reset
 * @d1: the device, inside drm_dev_enter().
 */
void d1_mmu_restore(struct d1_device *d1)
{
	unsigned long id;

	mutex_lock(&d1->ctx_lock);
	for_each_set_bit(id, d1->ctx_used, d1->caps.num_contexts)
		d1_ctx_hw_program(d1, d1->ctx_owner[id]);
	mutex_unlock(&d1->ctx_lock);
}

/**
 * d1_mmu_unplug() - free every page table while the card still exists
 * @d1: the device in remove, reset (the card reads no table any more).
 *
 * After remove the DMA API is gone for the card; address spaces that
 * outlive it (open files) keep their mappings' BO references only.
 */
void d1_mmu_unplug(struct d1_device *d1)
{
	struct d1_ctx *ctx;

	mutex_lock(&d1->ctx_list_lock);
	list_for_each_entry(ctx, &d1->ctx_list, node) {
		mutex_lock(&ctx->lock);
		d1_pt_free(ctx, &ctx->root);
		mutex_unlock(&ctx->lock);
	}
	mutex_unlock(&d1->ctx_list_lock);
}

/**
 * d1_ctx_check_range() - is a VA range mapped with the rights needed?
 * @ctx: the address space; the caller holds ctx->lock.
 * @va: first byte.
 * @len: bytes, > 0.
 * @need: DRM_D1_VM_READ and/or DRM_D1_VM_WRITE.
 *
 * Return: 0 when every byte is covered by mappings granting @need,
 * -EXDEV when a byte lies in a peer BO mapping (the MMU does not map it),
 * -EINVAL otherwise.
 */
int d1_ctx_check_range(struct d1_ctx *ctx, u64 va, u64 len, u32 need)
{
	u64 end;

	lockdep_assert_held(&ctx->lock);
	if (!len || check_add_overflow(va, len, &end))
		return -EINVAL;
	while (va < end) {
		struct drm_mm_node *node;
		bool found = false;

		drm_mm_for_each_node_in_range(node, &ctx->va_mm, va, va + 1) {
			struct d1_mapping *m = container_of(node,
							    struct d1_mapping,
							    node);

			if (d1_gem_is_peer(m->obj))
				return -EXDEV;
			if ((m->flags & need) != need)
				return -EINVAL;
			va = node->start + node->size;
			found = true;
			break;
		}
		if (!found)
			return -EINVAL;
	}
	return 0;
}

/**
 * d1_ctx_peer_range() - the peer BO a LINK_COPY destination lies in
 * @ctx: the address space; the caller holds ctx->lock.
 * @va: first byte.
 * @len: bytes, > 0.
 * @offset: out: the HBM offset of @va on the peer card.
 *
 * Return: the peer BO with a reference when [@va, @va + @len) lies inside
 * one peer BO mapping, else NULL.
 */
struct drm_gem_object *d1_ctx_peer_range(struct d1_ctx *ctx, u64 va, u64 len,
					 u64 *offset)
{
	struct drm_mm_node *node;
	u64 end;

	lockdep_assert_held(&ctx->lock);
	if (!len || check_add_overflow(va, len, &end))
		return NULL;
	drm_mm_for_each_node_in_range(node, &ctx->va_mm, va, va + 1) {
		struct d1_mapping *m = container_of(node, struct d1_mapping,
						    node);

		if (!d1_gem_is_peer(m->obj) || end > node->start + node->size)
			return NULL;
		*offset = d1_gem_peer_hbm_offset(m->obj) + m->offset +
			  (va - node->start);
		drm_gem_object_get(m->obj);
		return m->obj;
	}
	return NULL;
}

static struct d1_mapping *d1_mapping_find(struct d1_ctx *ctx, u64 va)
{
	struct drm_mm_node *node;

	drm_mm_for_each_node_in_range(node, &ctx->va_mm, va, va + 1) {
		if (node->start == va)
			return container_of(node, struct d1_mapping, node);
		break;
	}
	return NULL;
}

/* The VM_BIND arguments that need neither the BO nor the address space. */
static int d1_vm_bind_check_args(struct drm_device *drm,
				 const struct drm_d1_vm_bind *args)
{
	if (args->flags & ~DRM_D1_VM_FLAGS)
		return d1_refuse(drm, -EINVAL, "VM_BIND: unknown flags 0x%x\n",
				 args->flags & ~DRM_D1_VM_FLAGS);
	if (!(args->flags & (DRM_D1_VM_READ | DRM_D1_VM_WRITE)))
		return d1_refuse(drm, -EINVAL,
				 "VM_BIND: flags 0x%x grant neither READ nor WRITE\n",
				 args->flags);
	if (!IS_ALIGNED(args->offset, D1_PAGE_SIZE) ||
	    !IS_ALIGNED(args->size, D1_PAGE_SIZE) ||
	    !IS_ALIGNED(args->va, D1_PAGE_SIZE))
		return d1_refuse(drm, -EINVAL,
				 "VM_BIND: offset 0x%llx, size 0x%llx and va 0x%llx must be multiples of %llu\n",
				 args->offset, args->size, args->va,
				 D1_PAGE_SIZE);
	if (!(args->flags & DRM_D1_VM_FIXED) && args->va)
		return d1_refuse(drm, -EINVAL,
				 "VM_BIND: va 0x%llx without DRM_D1_VM_FIXED must be 0\n",
				 args->va);
	return 0;
}

/* The range of @obj to map; *@size set, 0 for the rest of the BO. */
static int d1_vm_bind_check_range(struct drm_device *drm,
				  const struct drm_d1_vm_bind *args,
				  const struct drm_gem_object *obj, u64 *size)
{
	u64 end;

	if (args->offset >= obj->size)
		return d1_refuse(drm, -EINVAL,
				 "VM_BIND: offset 0x%llx is not inside the BO (0x%zx bytes)\n",
				 args->offset, obj->size);
	*size = args->size ? args->size : obj->size - args->offset;
	if (check_add_overflow(args->offset, *size, &end) || end > obj->size)
		return d1_refuse(drm, -EINVAL,
				 "VM_BIND: offset 0x%llx + size 0x%llx is beyond the BO (0x%zx bytes)\n",
				 args->offset, *size, obj->size);
	if (args->flags & DRM_D1_VM_FIXED &&
	    (args->va < D1_VA_USER_START ||
	     check_add_overflow(args->va, *size, &end) ||
	     end > D1_VA_USER_END))
		return d1_refuse(drm, -EINVAL,
				 "VM_BIND: fixed range [0x%llx, +0x%llx) is not inside [0x%llx, 0x%llx)\n",
				 args->va, *size, (u64)D1_VA_USER_START,
				 D1_VA_USER_END);
	return 0;
}

int d1_vm_bind_ioctl(struct drm_device *drm, void *data,
		     struct drm_file *file)
{
	struct d1_file_priv *fpriv = file->driver_priv;
	struct d1_ctx *ctx = fpriv->ctx;
	struct drm_d1_vm_bind *args = data;
	struct drm_gem_object *obj;
	struct d1_mapping *m;
	u64 size;
	int idx, ret;

	ret = d1_vm_bind_check_args(drm, args);
	if (ret)
		return ret;

	obj = d1_gem_lookup(file, args->handle);
	if (!obj)
		return d1_refuse(drm, -ENOENT, "VM_BIND: no BO with handle %u\n",
				 args->handle);
	ret = d1_vm_bind_check_range(drm, args, obj, &size);
	if (ret)
		goto out_put;
	if (d1_gem_is_peer(obj) && args->flags & DRM_D1_VM_READ) {
		ret = d1_refuse(drm, -EINVAL,
				"VM_BIND: a peer BO is a LINK_COPY destination: WRITE, not READ\n");
		goto out_put;
	}

	if (!drm_dev_enter(drm, &idx)) {
		ret = -ENODEV;
		goto out_put;
	}

	if (d1_gem_is_host(obj)) {
		/* Pins the pages and maps them for DMA until the BO is freed. */
		ret = d1_gem_dma_map(to_d1_host_bo(obj));
		if (ret)
			goto out_exit;
	}

	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m) {
		ret = -ENOMEM;
		goto out_exit;
	}
	m->obj = obj;
	m->offset = args->offset;
	m->flags = args->flags & (DRM_D1_VM_READ | DRM_D1_VM_WRITE);

	mutex_lock(&ctx->lock);
	ret = d1_ctx_hw_bind(ctx);
	if (ret)
		goto out_unlock;
	if (args->flags & DRM_D1_VM_FIXED) {
		m->node.start = args->va;
		m->node.size = size;
		ret = drm_mm_reserve_node(&ctx->va_mm, &m->node);
		if (ret)
			ret = d1_refuse(drm, -ENOSPC,
					"VM_BIND: [0x%llx, +0x%llx) overlaps a mapping\n",
					args->va, size);
	} else {
		ret = drm_mm_insert_node_generic(&ctx->va_mm, &m->node, size,
						 size >= SZ_2M ? SZ_2M :
						 D1_PAGE_SIZE, 0,
						 DRM_MM_INSERT_BEST);
		if (ret)
			ret = d1_refuse(drm, -ENOSPC,
					"VM_BIND: no free VA range of 0x%llx bytes\n",
					size);
	}
	if (ret)
		goto out_unlock;
	ret = d1_mapping_write(ctx, m);
	if (ret) {
		d1_mapping_clear(ctx, m);
		drm_mm_remove_node(&m->node);
		goto out_unlock;
	}
	d1_ctx_invalidate(ctx);
	atomic_inc(&d1_objects.mappings);
	args->va = m->node.start;
	m = NULL;
	obj = NULL;	/* the mapping holds the reference now */
out_unlock:
	mutex_unlock(&ctx->lock);
	kfree(m);
out_exit:
	drm_dev_exit(idx);
out_put:
	if (obj)
		drm_gem_object_put(obj);
	return ret;
}

/* Fences of jobs still running in @ctx; the caller holds ctx->lock. */
static unsigned int d1_ctx_busy_fences(struct d1_ctx *ctx,
				       struct dma_fence **fences)
{
	unsigned int i, n = 0;

	lockdep_assert_held(&ctx->lock);
	for (i = 0; i < ctx->d1->nr_queues; i++)
		if (ctx->last[i] && !dma_fence_is_signaled(ctx->last[i]))
			fences[n++] = dma_fence_get(ctx->last[i]);
	return n;
}

int d1_vm_unbind_ioctl(struct drm_device *drm, void *data,
		       struct drm_file *file)
{
	struct d1_file_priv *fpriv = file->driver_priv;
	struct dma_fence *fences[D1_MAX_QUEUES];
	struct d1_ctx *ctx = fpriv->ctx;
	struct drm_d1_vm_unbind *args = data;
	struct d1_mapping *m;
	unsigned int n, i;
	long wait = 0;

	if (args->flags || args->pad)
		return d1_refuse(drm, -EINVAL,
				 "VM_UNBIND: flags 0x%x and pad 0x%x must be 0\n",
				 args->flags, args->pad);
	if (drm_dev_is_unplugged(drm))
		return -ENODEV;

	/*
	 * Wait for the jobs that may use the mapping, then remove it with
	 * the lock held so that no new job can be queued in between.
	 */
	for (;;) {
		mutex_lock(&ctx->lock);
		m = d1_mapping_find(ctx, args->va);
		if (!m) {
			mutex_unlock(&ctx->lock);
			return d1_refuse(drm, -ENOENT,
					 "VM_UNBIND: no mapping starts at 0x%llx\n",
					 args->va);
		}
		if (args->size && args->size != m->node.size) {
			u64 size = m->node.size;

			mutex_unlock(&ctx->lock);
			return d1_refuse(drm, -EINVAL,
					 "VM_UNBIND: size 0x%llx, the mapping at 0x%llx has 0x%llx\n",
					 args->size, args->va, size);
		}
		n = d1_ctx_busy_fences(ctx, fences);
		if (!n)
			break;
		mutex_unlock(&ctx->lock);
		for (i = 0; i < n; i++) {
			if (wait >= 0)
				wait = dma_fence_wait(fences[i], true);
			dma_fence_put(fences[i]);
		}
		if (wait < 0)
			return wait;
	}
	d1_mapping_clear(ctx, m);
	d1_ctx_invalidate(ctx);
	drm_mm_remove_node(&m->node);
	mutex_unlock(&ctx->lock);
	drm_gem_object_put(m->obj);
	kfree(m);
	atomic_dec(&d1_objects.mappings);
	return 0;
}

/* debugfs: the mappings of @ctx, and with @tables its valid leaf PTEs. */
void d1_mmu_debugfs_show(struct drm_printer *p, struct d1_ctx *ctx,
			 bool tables)
{
	struct drm_mm_node *node;

	mutex_lock(&ctx->lock);
	drm_printf(p, "client %llu hw_ctx %d root %pad tables %u\n",
		   ctx->client_id, ctx->hw_id, &ctx->root.dma, ctx->pt_count);
	drm_mm_for_each_node(node, &ctx->va_mm) {
		struct d1_mapping *m = container_of(node, struct d1_mapping,
						    node);
		u64 va;

		drm_printf(p, "  va 0x%010llx-0x%010llx %c%c %s bo %zu offset 0x%llx\n",
			   node->start, node->start + node->size,
			   m->flags & DRM_D1_VM_READ ? 'r' : '-',
			   m->flags & DRM_D1_VM_WRITE ? 'w' : '-',
			   d1_gem_kind(m->obj),
			   m->obj->size, m->offset);
		if (!tables)
			continue;
		for (va = node->start; va < node->start + node->size;
		     va += D1_PAGE_SIZE) {
			struct d1_pt *leaf = d1_pt_leaf(ctx, va, false);

			if (!leaf)
				continue;
			drm_printf(p, "    0x%010llx -> pte 0x%016llx\n", va,
				   le64_to_cpu(READ_ONCE(leaf->cpu[d1_pt_index(va, 0)])));
		}
	}
	mutex_unlock(&ctx->lock);
}

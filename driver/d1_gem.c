// SPDX-License-Identifier: GPL-2.0-only
/*
 * d1: buffer objects, one GEM object type per placement.
 *
 * Host BOs (struct d1_host_bo) are drm_gem_shmem objects: zeroed pages,
 * mapped for device DMA when first bound (drm_gem_shmem_get_pages_sgt()
 * pins them until the BO is freed), exportable through PRIME.  HBM BOs
 * (struct d1_hbm_bo) are plain GEM objects owning a range of the card's
 * HBM from a drm_mm; the CPU maps them through BAR2, write-combined, page
 * by page as it faults, and freeing one returns its range.  HBM BOs are
 * exported through PRIME to other d1 cards only: the dma-buf has no pages
 * and refuses every attach.  A d1 card whose link sends to the exporting
 * card imports it as a peer BO (struct d1_peer_bo), which holds the HBM BO
 * and serves as a LINK_COPY destination only.  Each type has its own
 * drm_gem_object_funcs; the funcs pointer tells them apart.
 */
#include <linux/dma-buf.h>
#include <linux/dma-mapping.h>
#include <linux/dma-resv.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_prime.h>
#include <drm/drm_print.h>
#include <drm/drm_vma_manager.h>
#include <drm/d1_accel.h>

#include "d1_device.h"
#include "d1_drv.h"
#include "d1_gem.h"
#include "d1_link.h"
#include "d1_mmu.h"

/* ---- host BOs ---- */

/* drm_gem_shmem_free() frees the shmem object: it must be the d1_host_bo. */
static_assert(offsetof(struct d1_host_bo, base) == 0);

static enum drm_gem_object_status d1_host_status(struct drm_gem_object *obj)
{
	return to_drm_gem_shmem_obj(obj)->pages ? DRM_GEM_OBJECT_RESIDENT : 0;
}

static void d1_host_free(struct drm_gem_object *obj)
{
	struct d1_device *d1 = to_d1_device(obj->dev);
	struct d1_host_bo *bo = to_d1_host_bo(obj);

	mutex_lock(&d1->ctx_list_lock);
	list_del_init(&bo->dma_node);
	mutex_unlock(&d1->ctx_list_lock);
	drm_gem_shmem_object_free(obj);
	atomic_dec(&d1_objects.bos);
}

static const struct drm_gem_object_funcs d1_host_funcs = {
	.free = d1_host_free,
	.print_info = drm_gem_shmem_object_print_info,
	.pin = drm_gem_shmem_object_pin,
	.unpin = drm_gem_shmem_object_unpin,
	.get_sg_table = drm_gem_shmem_object_get_sg_table,
	.vmap = drm_gem_shmem_object_vmap,
	.vunmap = drm_gem_shmem_object_vunmap,
	.mmap = drm_gem_shmem_object_mmap,
	.status = d1_host_status,
	.vm_ops = &drm_gem_shmem_vm_ops,
};

/**
 * d1_gem_create_object() - drm_driver.gem_create_object: a host BO
 * @drm: the device.
 * @size: bytes.
 *
 * drm_gem_shmem_create() calls it for BO_CREATE, and so does the import
 * of a PRIME buffer: every shmem object of d1 is a d1_host_bo.
 *
 * Return: the GEM object embedded in a new d1_host_bo, or an ERR_PTR().
 */
struct drm_gem_object *d1_gem_create_object(struct drm_device *drm,
					    size_t size)
{
	struct d1_host_bo *bo;

	bo = kzalloc(sizeof(*bo), GFP_KERNEL);
	if (!bo)
		return ERR_PTR(-ENOMEM);
	bo->base.base.funcs = &d1_host_funcs;
	INIT_LIST_HEAD(&bo->dma_node);
	return &bo->base.base;
}

/**
 * d1_gem_prime_import_sg_table() - drm_driver.gem_prime_import_sg_table
 * @drm: the device.
 * @attach: the attachment of the foreign dma-buf.
 * @sgt: its pages.
 *
 * Return: a new host BO on those pages, or an ERR_PTR().
 */
struct drm_gem_object *
d1_gem_prime_import_sg_table(struct drm_device *drm,
			     struct dma_buf_attachment *attach,
			     struct sg_table *sgt)
{
	struct drm_gem_object *obj;

	obj = drm_gem_shmem_prime_import_sg_table(drm, attach, sgt);
	if (!IS_ERR(obj))
		atomic_inc(&d1_objects.bos);
	return obj;
}

/**
 * d1_gem_dma_map() - pin a host BO's pages and map them for the card
 * @bo: the BO.
 *
 * The mapping lasts until the BO is freed, or until the card is unplugged
 * (d1_gem_unplug()).
 *
 * Return: 0 or a negative errno.
 */
int d1_gem_dma_map(struct d1_host_bo *bo)
{
	struct d1_device *d1 = to_d1_device(bo->base.base.dev);
	struct sg_table *sgt;

	sgt = drm_gem_shmem_get_pages_sgt(&bo->base);
	if (IS_ERR(sgt))
		return PTR_ERR(sgt);
	if (bo->base.base.import_attach)
		return 0;
	mutex_lock(&d1->ctx_list_lock);
	if (list_empty(&bo->dma_node))
		list_add_tail(&bo->dma_node, &d1->dma_bos);
	mutex_unlock(&d1->ctx_list_lock);
	return 0;
}

/**
 * d1_gem_unplug() - the card is going: undo every DMA mapping of host BOs
 * @drm: the device, reset (the card touches no memory any more).
 *
 * After remove the DMA API (an IOMMU domain, say) is gone for the card,
 * so BOs freed later must find nothing left to unmap.  Their pages stay
 * pinned until they are freed.
 */
void d1_gem_unplug(struct drm_device *drm)
{
	struct d1_device *d1 = to_d1_device(drm);
	struct d1_host_bo *bo, *next;

	mutex_lock(&d1->ctx_list_lock);
	list_for_each_entry_safe(bo, next, &d1->dma_bos, dma_node) {
		struct drm_gem_shmem_object *shmem = &bo->base;

		dma_resv_lock(shmem->base.resv, NULL);
		if (shmem->sgt) {
			dma_unmap_sgtable(drm->dev, shmem->sgt,
					  DMA_BIDIRECTIONAL, 0);
			sg_free_table(shmem->sgt);
			kfree(shmem->sgt);
			shmem->sgt = NULL;
		}
		dma_resv_unlock(shmem->base.resv);
		list_del_init(&bo->dma_node);
	}
	mutex_unlock(&d1->ctx_list_lock);
}

/* ---- HBM BOs ---- */

/* Pages of BAR2 one CPU fault maps: one fault per page would crawl. */
#define D1_HBM_FAULT_PAGES	512

static void d1_hbm_free(struct drm_gem_object *obj)
{
	struct d1_device *d1 = to_d1_device(obj->dev);
	struct d1_hbm_bo *bo = to_d1_hbm_bo(obj);

	mutex_lock(&d1->hbm_lock);
	drm_mm_remove_node(&bo->hbm);
	d1->hbm_used -= obj->size;
	mutex_unlock(&d1->hbm_lock);
	drm_gem_object_release(obj);
	kfree(bo);
	atomic_dec(&d1_objects.bos);
}

static int d1_hbm_mmap(struct drm_gem_object *obj, struct vm_area_struct *vma)
{
	if (is_cow_mapping(vma->vm_flags))
		return -EINVAL;
	/* The fake offset selected the object; pages count from its start. */
	vma->vm_pgoff -= drm_vma_node_start(&obj->vma_node);
	if (vma->vm_pgoff + vma_pages(vma) > obj->size >> PAGE_SHIFT)
		return -EINVAL;
	vm_flags_set(vma, VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_page_prot = pgprot_writecombine(vm_get_page_prot(vma->vm_flags));
	return 0;
}

/*
 * Map BAR2 behind the faulting page and the pages after it (up to
 * D1_HBM_FAULT_PAGES, within the VMA), write-combined.  Once the card is
 * unplugged (which zaps every mapping) accesses get SIGBUS.
 */
static vm_fault_t d1_hbm_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct drm_gem_object *obj = vma->vm_private_data;
	struct d1_device *d1 = to_d1_device(obj->dev);
	unsigned long addr = vmf->address, pfn;
	vm_fault_t ret, r;
	unsigned int i;
	int idx;

	if (!drm_dev_enter(obj->dev, &idx))
		return VM_FAULT_SIGBUS;
	/* vm_pgoff counts from the BO's first page (d1_hbm_mmap()). */
	pfn = ((d1->hbm_bus + to_d1_hbm_bo(obj)->hbm.start) >> PAGE_SHIFT) +
	      vmf->pgoff;
	ret = vmf_insert_pfn(vma, addr, pfn);
	for (i = 1; i < D1_HBM_FAULT_PAGES && !(ret & VM_FAULT_ERROR); i++) {
		addr += PAGE_SIZE;
		if (addr >= vma->vm_end)
			break;
		r = vmf_insert_pfn(vma, addr, pfn + i);
		if (r & VM_FAULT_ERROR)
			break;
	}
	drm_dev_exit(idx);
	return ret;
}

static enum drm_gem_object_status d1_hbm_status(struct drm_gem_object *obj)
{
	return DRM_GEM_OBJECT_RESIDENT;
}

static const struct vm_operations_struct d1_hbm_vm_ops = {
	.fault = d1_hbm_fault,
	.open = drm_gem_vm_open,
	.close = drm_gem_vm_close,
};

/*
 * HBM has no struct pages: no importer but a d1 card, which never
 * attaches (d1_gem_prime_import()), can use the dma-buf.
 */
static int d1_hbm_dmabuf_attach(struct dma_buf *dmabuf,
				struct dma_buf_attachment *attach)
{
	struct drm_gem_object *obj = dmabuf->priv;

	return d1_refuse(obj->dev, -EOPNOTSUPP,
			 "PRIME: %s cannot attach an HBM BO, only a d1 link peer imports it\n",
			 dev_name(attach->dev));
}

static struct sg_table *d1_hbm_dmabuf_map(struct dma_buf_attachment *attach,
					  enum dma_data_direction dir)
{
	return ERR_PTR(-EOPNOTSUPP);
}

static void d1_hbm_dmabuf_unmap(struct dma_buf_attachment *attach,
				struct sg_table *sgt,
				enum dma_data_direction dir)
{
}

/* No mmap or vmap either: the dma-buf core refuses them with -EINVAL. */
static const struct dma_buf_ops d1_hbm_dmabuf_ops = {
	.attach = d1_hbm_dmabuf_attach,
	.map_dma_buf = d1_hbm_dmabuf_map,
	.unmap_dma_buf = d1_hbm_dmabuf_unmap,
	.release = drm_gem_dmabuf_release,
};

static struct dma_buf *d1_hbm_export(struct drm_gem_object *obj, int flags)
{
	struct dma_buf_export_info exp_info = {
		.exp_name = KBUILD_MODNAME,
		.owner = THIS_MODULE,
		.ops = &d1_hbm_dmabuf_ops,
		.size = obj->size,
		.flags = flags,
		.priv = obj,
		.resv = obj->resv,
	};

	return drm_gem_dmabuf_export(obj->dev, &exp_info);
}

static const struct drm_gem_object_funcs d1_hbm_funcs = {
	.free = d1_hbm_free,
	.export = d1_hbm_export,
	.mmap = d1_hbm_mmap,
	.status = d1_hbm_status,
	.vm_ops = &d1_hbm_vm_ops,
};

static struct drm_gem_object *d1_hbm_create(struct d1_device *d1, u64 size)
{
	struct d1_hbm_bo *bo;
	int ret;

	bo = kzalloc(sizeof(*bo), GFP_KERNEL);
	if (!bo)
		return ERR_PTR(-ENOMEM);
	bo->base.funcs = &d1_hbm_funcs;

	mutex_lock(&d1->hbm_lock);
	ret = drm_mm_insert_node_generic(&d1->hbm_mm, &bo->hbm, size,
					 size >= SZ_2M ? SZ_2M : PAGE_SIZE,
					 0, DRM_MM_INSERT_BEST);
	if (!ret)
		d1->hbm_used += size;
	mutex_unlock(&d1->hbm_lock);
	if (ret) {
		kfree(bo);
		return ERR_PTR(d1_refuse(&d1->drm, -ENOSPC,
					 "BO_CREATE: no free HBM range of %llu bytes\n",
					 size));
	}

	drm_gem_private_object_init(&d1->drm, &bo->base, size);
	atomic_inc(&d1_objects.bos);
	/* No data of an earlier owner may show through. */
	memset_io(d1->hbm + bo->hbm.start, 0, size);

	ret = drm_gem_create_mmap_offset(&bo->base);
	if (ret) {
		drm_gem_object_put(&bo->base);
		return ERR_PTR(ret);
	}
	return &bo->base;
}

/* ---- peer BOs ---- */

static void d1_peer_free(struct drm_gem_object *obj)
{
	struct d1_peer_bo *bo = to_d1_peer_bo(obj);
	struct drm_device *exporter = bo->hbm->dev;

	drm_gem_object_release(obj);
	drm_gem_object_put(bo->hbm);
	drm_dev_put(exporter);
	kfree(bo);
	atomic_dec(&d1_objects.bos);
}

static int d1_peer_mmap(struct drm_gem_object *obj, struct vm_area_struct *vma)
{
	return d1_refuse(obj->dev, -EINVAL,
			 "mmap: a peer BO is HBM of another card, the CPU cannot map it\n");
}

/* Re-export gives the original dma-buf (drm_gem_prime_handle_to_fd()). */
static struct dma_buf *d1_peer_export(struct drm_gem_object *obj, int flags)
{
	return ERR_PTR(-EINVAL);
}

/* No .status: the memory is the other card's, not resident on this one. */
static const struct drm_gem_object_funcs d1_peer_funcs = {
	.free = d1_peer_free,
	.export = d1_peer_export,
	.mmap = d1_peer_mmap,
};

/**
 * d1_gem_peer_hbm_offset() - where a peer BO lies in its card's HBM
 * @obj: a peer BO.
 *
 * Return: the HBM offset of its first byte on the exporting card.
 */
u64 d1_gem_peer_hbm_offset(struct drm_gem_object *obj)
{
	return to_d1_hbm_bo(to_d1_peer_bo(obj)->hbm)->hbm.start;
}

static struct drm_gem_object *d1_peer_create(struct drm_device *drm,
					     struct drm_gem_object *hbm)
{
	struct d1_peer_bo *bo;
	int ret;

	ret = d1_link_check_peer(to_d1_device(drm), to_d1_device(hbm->dev));
	if (ret)
		return ERR_PTR(ret);
	bo = kzalloc(sizeof(*bo), GFP_KERNEL);
	if (!bo)
		return ERR_PTR(-ENOMEM);
	bo->base.funcs = &d1_peer_funcs;
	drm_gem_private_object_init(drm, &bo->base, hbm->size);
	drm_dev_get(hbm->dev);
	drm_gem_object_get(hbm);
	bo->hbm = hbm;
	atomic_inc(&d1_objects.bos);
	ret = drm_gem_create_mmap_offset(&bo->base);
	if (ret) {
		drm_gem_object_put(&bo->base);
		return ERR_PTR(ret);
	}
	return &bo->base;
}

/**
 * d1_gem_prime_import() - drm_driver.gem_prime_import
 * @drm: the importing device.
 * @dmabuf: the dma-buf.
 *
 * A d1 HBM BO comes back as itself on its own card and as a peer BO on
 * the card whose link sends to its card (-EXDEV on any other card); every
 * other dma-buf is imported as a host BO on its pages.
 *
 * Return: the GEM object with a reference, or an ERR_PTR().
 */
struct drm_gem_object *d1_gem_prime_import(struct drm_device *drm,
					   struct dma_buf *dmabuf)
{
	struct drm_gem_object *obj = dmabuf->priv;

	if (dmabuf->ops != &d1_hbm_dmabuf_ops)
		return drm_gem_prime_import(drm, dmabuf);
	if (obj->dev == drm) {
		drm_gem_object_get(obj);
		return obj;
	}
	return d1_peer_create(drm, obj);
}

/* ---- all ---- */

bool d1_gem_is_host(const struct drm_gem_object *obj)
{
	return obj->funcs == &d1_host_funcs;
}

bool d1_gem_is_hbm(const struct drm_gem_object *obj)
{
	return obj->funcs == &d1_hbm_funcs;
}

bool d1_gem_is_peer(const struct drm_gem_object *obj)
{
	return obj->funcs == &d1_peer_funcs;
}

/* "host", "hbm" or "peer" for debugfs; NULL for no BO of d1. */
const char *d1_gem_kind(const struct drm_gem_object *obj)
{
	if (d1_gem_is_host(obj))
		return "host";
	if (d1_gem_is_hbm(obj))
		return "hbm";
	return d1_gem_is_peer(obj) ? "peer" : NULL;
}

/**
 * d1_gem_lookup() - a d1 BO of @file by handle
 * @file: the file.
 * @handle: its GEM handle.
 *
 * Return: the BO with a reference, or NULL when @handle names none.
 */
struct drm_gem_object *d1_gem_lookup(struct drm_file *file, u32 handle)
{
	struct drm_gem_object *obj = drm_gem_object_lookup(file, handle);

	if (obj && !d1_gem_kind(obj)) {
		drm_gem_object_put(obj);
		obj = NULL;
	}
	return obj;
}

u64 d1_gem_hbm_free(struct drm_device *drm)
{
	struct d1_device *d1 = to_d1_device(drm);
	u64 used;

	mutex_lock(&d1->hbm_lock);
	used = d1->hbm_used;
	mutex_unlock(&d1->hbm_lock);
	return d1->caps.hbm_size - used;
}

/* debugfs "hbm": the HBM allocator's ranges. */
void d1_gem_debugfs_show(struct drm_printer *p, struct drm_device *drm)
{
	struct d1_device *d1 = to_d1_device(drm);

	mutex_lock(&d1->hbm_lock);
	drm_printf(p, "hbm size %llu used %llu\n", d1->caps.hbm_size,
		   d1->hbm_used);
	drm_mm_print(&d1->hbm_mm, p);
	mutex_unlock(&d1->hbm_lock);
}

/* ---- ioctls ---- */

int d1_gem_create_ioctl(struct drm_device *drm, void *data,
			struct drm_file *file)
{
	struct d1_device *d1 = to_d1_device(drm);
	struct drm_d1_bo_create *args = data;
	struct drm_gem_shmem_object *shmem;
	struct drm_gem_object *obj;
	u64 size;
	int idx, ret;

	if (args->flags || args->pad)
		return d1_refuse(drm, -EINVAL,
				 "BO_CREATE: flags 0x%x and pad 0x%x must be 0\n",
				 args->flags, args->pad);
	if (!args->size || args->size > D1_VA_USER_END - D1_VA_USER_START)
		return d1_refuse(drm, -EINVAL,
				 "BO_CREATE: size %llu not in 1..%llu\n",
				 args->size, D1_VA_USER_END - D1_VA_USER_START);
	size = PAGE_ALIGN(args->size);

	if (!drm_dev_enter(drm, &idx))
		return -ENODEV;

	switch (args->placement) {
	case DRM_D1_BO_HOST:
		shmem = drm_gem_shmem_create(drm, size);
		if (IS_ERR(shmem)) {
			ret = PTR_ERR(shmem);
			/*
			 * shmem says ENOSPC when it cannot allocate an inode;
			 * DRM's shmem mount has no size limit, so that is
			 * memory, not HBM, running out.
			 */
			if (ret == -ENOSPC)
				ret = -ENOMEM;
			goto out;
		}
		atomic_inc(&d1_objects.bos);
		obj = &shmem->base;
		break;
	case DRM_D1_BO_HBM:
		if (size > d1->caps.hbm_size) {
			ret = d1_refuse(drm, -EINVAL,
					"BO_CREATE: %llu bytes, the card has %llu of HBM\n",
					size, d1->caps.hbm_size);
			goto out;
		}
		obj = d1_hbm_create(d1, size);
		if (IS_ERR(obj)) {
			ret = PTR_ERR(obj);
			goto out;
		}
		break;
	default:
		ret = d1_refuse(drm, -EINVAL, "BO_CREATE: unknown placement %u\n",
				args->placement);
		goto out;
	}

	ret = drm_gem_handle_create(file, obj, &args->handle);
	drm_gem_object_put(obj);
	if (!ret)
		args->size = size;
out:
	drm_dev_exit(idx);
	return ret;
}

int d1_gem_info_ioctl(struct drm_device *drm, void *data,
		      struct drm_file *file)
{
	struct drm_d1_bo_info *args = data;
	struct drm_gem_object *obj;
	int idx, ret;

	if (args->flags)
		return d1_refuse(drm, -EINVAL, "BO_INFO: flags 0x%x must be 0\n",
				 args->flags);
	if (!drm_dev_enter(drm, &idx))
		return -ENODEV;
	obj = d1_gem_lookup(file, args->handle);
	if (!obj) {
		ret = d1_refuse(drm, -ENOENT, "BO_INFO: no BO with handle %u\n",
				args->handle);
		goto out_exit;
	}
	/* Host BOs get their offset on first use. */
	ret = drm_gem_create_mmap_offset(obj);
	if (!ret) {
		args->size = obj->size;
		args->placement = d1_gem_is_hbm(obj) ? DRM_D1_BO_HBM :
				  d1_gem_is_peer(obj) ? DRM_D1_BO_PEER :
				  DRM_D1_BO_HOST;
		args->pad = 0;
		args->mmap_offset = drm_vma_node_offset_addr(&obj->vma_node);
	}
	drm_gem_object_put(obj);
out_exit:
	drm_dev_exit(idx);
	return ret;
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * d1: buffer objects in host memory (drm_gem_shmem) or in the card's HBM.
 */
#ifndef __D1_GEM_H__
#define __D1_GEM_H__

#include <linux/container_of.h>
#include <linux/types.h>
#include <drm/drm_gem_shmem_helper.h>
#include <drm/drm_mm.h>

struct drm_device;
struct drm_file;
struct drm_printer;

/**
 * struct d1_bo - a d1 buffer object
 * @base: the shmem object; for HBM BOs only its GEM object is used.
 * @placement: DRM_D1_BO_HOST or DRM_D1_BO_HBM.
 * @hbm: the HBM range of an HBM BO.
 * @dma_node: in d1_device.dma_bos while its pages are mapped for DMA.
 */
struct d1_bo {
	struct drm_gem_shmem_object base;
	u32 placement;
	struct drm_mm_node hbm;
	struct list_head dma_node;
};

static inline struct d1_bo *to_d1_bo(struct drm_gem_object *obj)
{
	return container_of(obj, struct d1_bo, base.base);
}

struct drm_gem_object *d1_gem_create_object(struct drm_device *drm,
					    size_t size);
bool d1_gem_is_d1_bo(struct drm_gem_object *obj);
int d1_gem_dma_map(struct d1_bo *bo);
void d1_gem_unplug(struct drm_device *drm);
u64 d1_gem_hbm_free(struct drm_device *drm);
void d1_gem_debugfs_show(struct drm_printer *p, struct drm_device *drm);

int d1_gem_create_ioctl(struct drm_device *drm, void *data,
			struct drm_file *file);
int d1_gem_mmap_offset_ioctl(struct drm_device *drm, void *data,
			     struct drm_file *file);
int d1_gem_info_ioctl(struct drm_device *drm, void *data,
		      struct drm_file *file);

#endif /* __D1_GEM_H__ */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * d1: buffer objects, two GEM object types: host memory (drm_gem_shmem)
 * and the card's HBM.
 */
#ifndef __D1_GEM_H__
#define __D1_GEM_H__

#include <linux/container_of.h>
#include <linux/list.h>
#include <linux/types.h>
#include <drm/drm_gem.h>
#include <drm/drm_gem_shmem_helper.h>
#include <drm/drm_mm.h>

struct dma_buf;
struct dma_buf_attachment;
struct drm_device;
struct drm_file;
struct drm_printer;
struct sg_table;

/**
 * struct d1_host_bo - a BO in host memory (DRM_D1_BO_HOST); also every
 * BO imported through PRIME
 * @base: the shmem object.
 * @dma_node: in d1_device.dma_bos while its pages are mapped for DMA.
 */
struct d1_host_bo {
	struct drm_gem_shmem_object base;
	struct list_head dma_node;
};

/**
 * struct d1_hbm_bo - a BO in the card's HBM (DRM_D1_BO_HBM)
 * @base: the GEM object; it has no backing store in host memory.
 * @hbm: its range of HBM (byte offsets into BAR2).
 */
struct d1_hbm_bo {
	struct drm_gem_object base;
	struct drm_mm_node hbm;
};

/**
 * struct d1_peer_bo - an HBM BO of the link peer card, imported through
 * PRIME (DRM_D1_BO_PEER)
 * @base: the GEM object of this card; no backing store, no CPU mapping.
 * @hbm: the exporting card's HBM BO, referenced (and its DRM device) so
 *       that its HBM range stays allocated while this BO lives.
 *
 * It only names the destination of LINK_COPY commands.
 */
struct d1_peer_bo {
	struct drm_gem_object base;
	struct drm_gem_object *hbm;
};

bool d1_gem_is_host(const struct drm_gem_object *obj);
bool d1_gem_is_hbm(const struct drm_gem_object *obj);
bool d1_gem_is_peer(const struct drm_gem_object *obj);
const char *d1_gem_kind(const struct drm_gem_object *obj);

static inline struct d1_host_bo *to_d1_host_bo(struct drm_gem_object *obj)
{
	return container_of(obj, struct d1_host_bo, base.base);
}

static inline struct d1_hbm_bo *to_d1_hbm_bo(struct drm_gem_object *obj)
{
	return container_of(obj, struct d1_hbm_bo, base);
}

static inline struct d1_peer_bo *to_d1_peer_bo(struct drm_gem_object *obj)
{
	return container_of(obj, struct d1_peer_bo, base);
}

u64 d1_gem_peer_hbm_offset(struct drm_gem_object *obj);

struct drm_gem_object *d1_gem_create_object(struct drm_device *drm,
					    size_t size);
struct drm_gem_object *
d1_gem_prime_import_sg_table(struct drm_device *drm,
			     struct dma_buf_attachment *attach,
			     struct sg_table *sgt);
struct drm_gem_object *d1_gem_prime_import(struct drm_device *drm,
					   struct dma_buf *dmabuf);
struct drm_gem_object *d1_gem_lookup(struct drm_file *file, u32 handle);
int d1_gem_dma_map(struct d1_host_bo *bo);
void d1_gem_unplug(struct drm_device *drm);
u64 d1_gem_hbm_free(struct drm_device *drm);
void d1_gem_debugfs_show(struct drm_printer *p, struct drm_device *drm);

int d1_gem_create_ioctl(struct drm_device *drm, void *data,
			struct drm_file *file);
int d1_gem_info_ioctl(struct drm_device *drm, void *data,
		      struct drm_file *file);

#endif /* __D1_GEM_H__ */

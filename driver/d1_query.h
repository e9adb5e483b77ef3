/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * d1: DRM_IOCTL_D1_QUERY.
 */
#ifndef __D1_QUERY_H__
#define __D1_QUERY_H__

struct drm_device;
struct drm_file;

int d1_query_ioctl(struct drm_device *drm, void *data, struct drm_file *file);

#endif /* __D1_QUERY_H__ */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * d1: recovery from failed and hung jobs, context status, devcoredump.
 */
#ifndef __D1_RESET_H__
#define __D1_RESET_H__

#include <linux/types.h>

struct d1_device;
struct d1_queue;
struct drm_device;
struct drm_file;

void d1_reset_queue(struct d1_queue *q, bool force);
int d1_reset_device_sync(struct d1_device *d1);
int d1_context_status_ioctl(struct drm_device *drm, void *data,
			    struct drm_file *file);

#endif /* __D1_RESET_H__ */

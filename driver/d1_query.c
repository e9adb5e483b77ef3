// SPDX-License-Identifier: GPL-2.0-only
/*
 * d1: DRM_IOCTL_D1_QUERY, size-negotiated reads of device information.
 *
 * The caller says how many bytes it has room for; the kernel copies
 * min(room, full size) and always reports the full size, so a size of 0
 * asks for the size only and old userspace with a shorter struct keeps
 * working when the block grows.
 */
#include <linux/minmax.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/d1_accel.h>

#include "d1_device.h"
#include "d1_drv.h"
#include "d1_gem.h"
#include "d1_job.h"
#include "d1_mmu.h"
#include "d1_query.h"

static int d1_query_copy(struct drm_d1_query *args, const void *block,
			 u32 full)
{
	u32 len = min(args->size, full);

	if (len && copy_to_user(u64_to_user_ptr(args->data), block, len))
		return -EFAULT;
	args->size = full;
	return 0;
}

static int d1_query_device_info(struct d1_device *d1,
				struct drm_d1_query *args)
{
	const struct d1_caps *caps = &d1->caps;
	struct drm_d1_device_info info;

	memset(&info, 0, sizeof(info));
	info.hw_version = caps->hw_version;
	info.pci_device = caps->pci_device;
	info.grid_rows = caps->grid_rows;
	info.grid_cols = caps->grid_cols;
	info.node_count = caps->node_count;
	info.sram_per_node = caps->sram_per_node;
	info.num_queues = caps->num_queues;
	info.num_contexts = caps->num_contexts;
	info.hbm_size = caps->hbm_size;
	info.uapi_major = DRM_D1_UAPI_VERSION_MAJOR;
	info.uapi_minor = DRM_D1_UAPI_VERSION_MINOR;

	return d1_query_copy(args, &info, sizeof(info));
}

static int d1_query_submit_info(struct d1_device *d1,
				struct drm_d1_query *args)
{
	struct drm_d1_submit_info info;

	memset(&info, 0, sizeof(info));
	info.va_start = D1_VA_USER_START;
	info.va_end = D1_VA_USER_END;
	info.page_size = D1_PAGE_SIZE;
	info.submit_queues = d1->nr_queues;
	info.max_cmds = D1_MAX_CMDS;
	info.max_syncs = D1_MAX_SYNCS;
	info.job_timeout_ms = d1_job_timeout();
	info.max_time_limit_ms = d1_max_time_limit();
	info.hbm_free = d1_gem_hbm_free(&d1->drm);

	return d1_query_copy(args, &info, sizeof(info));
}

int d1_query_ioctl(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct d1_device *d1 = to_d1_device(drm);
	struct drm_d1_query *args = data;
	int idx, ret;

	if (args->flags || args->pad)
		return d1_refuse(drm, -EINVAL,
				 "QUERY: flags 0x%x and pad 0x%x must be 0\n",
				 args->flags, args->pad);

	if (!drm_dev_enter(drm, &idx))
		return -ENODEV;

	switch (args->param) {
	case DRM_D1_QUERY_DEVICE_INFO:
		ret = d1_query_device_info(d1, args);
		break;
	case DRM_D1_QUERY_SUBMIT_INFO:
		ret = d1_query_submit_info(d1, args);
		break;
	default:
		ret = d1_refuse(drm, -EINVAL, "QUERY: unknown param %u\n",
				args->param);
		break;
	}

	drm_dev_exit(idx);
	return ret;
}

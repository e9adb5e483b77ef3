// SPDX-License-Identifier: GPL-2.0-only
/*
 * d1: debugfs files under /sys/kernel/debug/accel/<device>/.
 *
 *   irq_errors          D1_IRQ_ERROR events since probe (read only)
 *   test_mask_doorbell  write 1 to mask the doorbell interrupt, 0 to
 *                       unmask it; lets tests force PING timeouts and
 *                       late interrupts
 */
#include <linux/debugfs.h>
#include <drm/drm_device.h>

#include "d1_debugfs.h"
#include "d1_device.h"
#include "d1_irq.h"

static int d1_debugfs_mask_doorbell_get(void *data, u64 *val)
{
	struct d1_device *d1 = data;

	*val = d1_irq_doorbell_masked(d1);
	return 0;
}

static int d1_debugfs_mask_doorbell_set(void *data, u64 val)
{
	struct d1_device *d1 = data;

	if (val > 1)
		return -EINVAL;
	return d1_irq_test_mask_doorbell(d1, val);
}

DEFINE_DEBUGFS_ATTRIBUTE(d1_debugfs_mask_doorbell_fops,
			 d1_debugfs_mask_doorbell_get,
			 d1_debugfs_mask_doorbell_set, "%llu\n");

/**
 * d1_debugfs_init() - create the d1 files in the device's debugfs dir
 * @d1: the device, registered with DRM.
 *
 * The DRM core removes the directory with the device.
 */
void d1_debugfs_init(struct d1_device *d1)
{
	struct dentry *root = d1->drm.debugfs_root;

	debugfs_create_atomic_t("irq_errors", 0400, root, &d1->irq.errors);
	debugfs_create_file_unsafe("test_mask_doorbell", 0600, root, d1,
				   &d1_debugfs_mask_doorbell_fops);
}

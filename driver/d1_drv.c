// SPDX-License-Identifier: GPL-2.0-only
/*
 * d1: DRM accel driver for the d1 DIP card (emulated Tesla D1 host
 * interface).  Module, PCI driver, drm_driver, the ioctl table, per-file
 * state and fdinfo; each ioctl lives in the file of its concern.
 */
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <drm/drm_accel.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_gem_shmem_helper.h>
#include <drm/drm_ioctl.h>
#include <drm/drm_print.h>
#include <drm/d1_accel.h>

#include "d1_regs.h"
#include "d1_debugfs.h"
#include "d1_device.h"
#include "d1_drv.h"
#include "d1_gem.h"
#include "d1_irq.h"
#include "d1_job.h"
#include "d1_link.h"
#include "d1_mmu.h"
#include "d1_ping.h"
#include "d1_pm.h"
#include "d1_query.h"
#include "d1_reset.h"
#include "d1_sysfs.h"

struct d1_objects d1_objects;

static int d1_open(struct drm_device *drm, struct drm_file *file)
{
	struct d1_device *d1 = to_d1_device(drm);
	struct d1_file_priv *priv;
	int ret;

	priv = kzalloc(sizeof(*priv), GFP_KERNEL);
	if (!priv)
		return -ENOMEM;
	priv->d1 = d1;
	priv->ctx = d1_ctx_create(d1, file->client_id);
	if (IS_ERR(priv->ctx)) {
		ret = PTR_ERR(priv->ctx);
		goto err_free;
	}
	ret = d1_file_queues_init(priv);
	if (ret)
		goto err_ctx;
	file->driver_priv = priv;
	return 0;

err_ctx:
	d1_ctx_put(priv->ctx);
err_free:
	kfree(priv);
	return ret;
}

static void d1_postclose(struct drm_device *drm, struct drm_file *file)
{
	struct d1_file_priv *priv = file->driver_priv;

	/* Queued jobs keep the address space until they are done. */
	d1_file_queues_fini(priv);
	d1_ctx_put(priv->ctx);
	kfree(priv);
	file->driver_priv = NULL;
}

/*
 * fdinfo: drm-driver and drm-client-id come from drm_show_fdinfo().  The
 * queues are engines, and so is the node grid behind them: its time and
 * modelled cycles are what the file's LAUNCHes used.
 */
static void d1_show_fdinfo(struct drm_printer *p, struct drm_file *file)
{
	struct d1_file_priv *priv = file->driver_priv;
	struct d1_device *d1 = priv->d1;
	u64 cycles, grid_ns;
	u32 i;

	for (i = 0; i < d1->nr_queues; i++)
		drm_printf(p, "drm-engine-q%u:\t%llu ns\n", i,
			   (u64)atomic64_read(&priv->ctx->engine_ns[i]));
	d1_ctx_usage(priv->ctx, &cycles, &grid_ns);
	drm_printf(p, "drm-engine-grid:\t%llu ns\n", grid_ns);
	drm_printf(p, "drm-cycles-grid:\t%llu\n", cycles);
	drm_printf(p, "drm-maxfreq-grid:\t%u MHz\n", D1_NODE_CLOCK_MHZ);
	drm_show_memory_stats(p, file);
}

/*
 * 0x03 (BO_MMAP_OFFSET until uAPI 2.0) is a hole: drm_ioctl() refuses it
 * with -EINVAL, like any number without a handler.
 */
static const struct drm_ioctl_desc d1_ioctls[] = {
	DRM_IOCTL_DEF_DRV(D1_QUERY, d1_query_ioctl, 0),
	DRM_IOCTL_DEF_DRV(D1_PING, d1_ping_ioctl, 0),
	DRM_IOCTL_DEF_DRV(D1_BO_CREATE, d1_gem_create_ioctl, 0),
	DRM_IOCTL_DEF_DRV(D1_BO_INFO, d1_gem_info_ioctl, 0),
	DRM_IOCTL_DEF_DRV(D1_VM_BIND, d1_vm_bind_ioctl, 0),
	DRM_IOCTL_DEF_DRV(D1_VM_UNBIND, d1_vm_unbind_ioctl, 0),
	DRM_IOCTL_DEF_DRV(D1_SUBMIT, d1_submit_ioctl, 0),
	DRM_IOCTL_DEF_DRV(D1_GET_CONTEXT_STATUS, d1_context_status_ioctl, 0),
};

static const struct file_operations d1_fops = {
	.owner = THIS_MODULE,
	DRM_ACCEL_FOPS,
	.show_fdinfo = drm_show_fdinfo,
};

static const struct drm_driver d1_drm_driver = {
	.driver_features = DRIVER_COMPUTE_ACCEL | DRIVER_GEM |
			   DRIVER_SYNCOBJ | DRIVER_SYNCOBJ_TIMELINE,
	.open = d1_open,
	.postclose = d1_postclose,
	.show_fdinfo = d1_show_fdinfo,
	.gem_create_object = d1_gem_create_object,
	.gem_prime_import = d1_gem_prime_import,
	.gem_prime_import_sg_table = d1_gem_prime_import_sg_table,
	.ioctls = d1_ioctls,
	.num_ioctls = ARRAY_SIZE(d1_ioctls),
	.fops = &d1_fops,
	.name = D1_DRIVER_NAME,
	.desc = D1_DRIVER_DESC,
	.date = D1_DRIVER_DATE,
	.major = D1_DRIVER_MAJOR,
	.minor = D1_DRIVER_MINOR,
};

static int d1_pci_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct d1_device *d1;
	int ret;

	d1 = d1_device_init(pdev, &d1_drm_driver);
	if (IS_ERR(d1))
		return PTR_ERR(d1);
	pci_set_drvdata(pdev, d1);

	ret = d1_irq_init(d1);
	if (ret)
		goto err_device;

	ret = d1_queues_init(d1);
	if (ret)
		goto err_irq;
	d1_link_window_open(d1);

	ret = d1_sysfs_init(d1);
	if (ret)
		goto err_queues;

	ret = drm_dev_register(&d1->drm, 0);
	if (ret)
		goto err_queues;

	d1_debugfs_init(d1);
	d1_pm_init(d1);
	return 0;

err_queues:
	d1_device_reset(d1);
	d1_queues_unplug(d1);
err_irq:
	d1_irq_fini(d1);
err_device:
	d1_device_fini(d1);
	return ret;
}

static void d1_pci_remove(struct pci_dev *pdev)
{
	struct d1_device *d1 = pci_get_drvdata(pdev);

	/* From here on ioctls fail with -ENODEV; waiters are woken below. */
	drm_dev_unplug(&d1->drm);
	d1_pm_fini(d1);
	/* Stop all device DMA before any memory it may use is released. */
	d1_device_reset(d1);
	d1_queues_unplug(d1);
	/* Undo DMA mappings now: the DMA API goes with the device. */
	d1_mmu_unplug(d1);
	d1_gem_unplug(&d1->drm);
	d1_irq_fini(d1);
	d1_device_fini(d1);
}

static const struct pci_device_id d1_pci_ids[] = {
	{ PCI_DEVICE(D1_PCI_VENDOR_ID, D1_PCI_DEVICE_ID) },
	{ }
};
MODULE_DEVICE_TABLE(pci, d1_pci_ids);

static struct pci_driver d1_pci_driver = {
	.name = KBUILD_MODNAME,
	.id_table = d1_pci_ids,
	.probe = d1_pci_probe,
	.remove = d1_pci_remove,
	.driver.pm = pm_ptr(&d1_pm_ops),
};
module_pci_driver(d1_pci_driver);

MODULE_DESCRIPTION("DRM accel driver for the D1 DIP card");
MODULE_LICENSE("GPL");

// SPDX-License-Identifier: GPL-2.0-only
/*
 * d1: DRM accel driver for the d1 DIP card (emulated Tesla D1 host
 * interface).  Module, PCI driver, drm_driver and the ioctl table; each
 * ioctl lives in the file of its concern.
 */
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <drm/drm_accel.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_ioctl.h>
#include <drm/d1_accel.h>

#include "d1_regs.h"
#include "d1_debugfs.h"
#include "d1_device.h"
#include "d1_drv.h"
#include "d1_irq.h"
#include "d1_ping.h"
#include "d1_query.h"

static int d1_open(struct drm_device *drm, struct drm_file *file)
{
	struct d1_file_priv *priv;

	priv = kzalloc(sizeof(*priv), GFP_KERNEL);
	if (!priv)
		return -ENOMEM;
	priv->d1 = to_d1_device(drm);
	file->driver_priv = priv;
	return 0;
}

static void d1_postclose(struct drm_device *drm, struct drm_file *file)
{
	kfree(file->driver_priv);
	file->driver_priv = NULL;
}

static const struct drm_ioctl_desc d1_ioctls[] = {
	DRM_IOCTL_DEF_DRV(D1_QUERY, d1_query_ioctl, 0),
	DRM_IOCTL_DEF_DRV(D1_PING, d1_ping_ioctl, 0),
};

DEFINE_DRM_ACCEL_FOPS(d1_fops);

static const struct drm_driver d1_drm_driver = {
	.driver_features = DRIVER_COMPUTE_ACCEL | DRIVER_GEM,
	.open = d1_open,
	.postclose = d1_postclose,
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

	ret = drm_dev_register(&d1->drm, 0);
	if (ret)
		goto err_irq;

	d1_debugfs_init(d1);
	return 0;

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
};
module_pci_driver(d1_pci_driver);

MODULE_DESCRIPTION("DRM accel driver for the D1 DIP card");
MODULE_LICENSE("GPL");

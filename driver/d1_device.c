// SPDX-License-Identifier: GPL-2.0-only
/*
 * d1 DIP card: PCI bring-up, identification, reset and capabilities.
 */
#include <linux/dma-mapping.h>
#include <linux/pci.h>
#include <drm/drm_drv.h>
#include <drm/drm_managed.h>
#include <drm/drm_print.h>

#include "d1_regs.h"
#include "d1_device.h"

#define D1_SCRATCH_PATTERN	0x5a5ac3c3u

/**
 * d1_device_reset() - reset the card to its power-on state
 * @d1: the device.
 *
 * The RESET write returns once every queue has left its command, so
 * memory the aborted commands used may be freed afterwards.
 */
void d1_device_reset(struct d1_device *d1)
{
	d1_write(d1, D1_REG_RESET, D1_RESET_MAGIC);
	/* Read back to flush the posted write before touching anything. */
	d1_read(d1, D1_REG_ID);
}

static int d1_device_identify(struct d1_device *d1)
{
	struct drm_device *drm = &d1->drm;
	u32 id, version;

	id = d1_read(d1, D1_REG_ID);
	if (id != D1_ID_MAGIC) {
		drm_err(drm, "bad ID 0x%08x (expected 0x%08x)\n", id,
			D1_ID_MAGIC);
		return -ENODEV;
	}

	version = d1_read(d1, D1_REG_VERSION);
	if (D1_VERSION_MAJOR(version) != D1_VERSION_MAJOR(D1_HW_VERSION)) {
		drm_err(drm, "unsupported hardware version %u.%u\n",
			D1_VERSION_MAJOR(version), D1_VERSION_MINOR(version));
		return -ENODEV;
	}
	d1->caps.hw_version = version;
	return 0;
}

/* The register file must hold what we write, or nothing else will work. */
static int d1_device_check_scratch(struct d1_device *d1)
{
	u32 val;

	d1_write(d1, D1_REG_SCRATCH, D1_SCRATCH_PATTERN);
	val = d1_read(d1, D1_REG_SCRATCH);
	d1_write(d1, D1_REG_SCRATCH, 0);
	if (val != D1_SCRATCH_PATTERN) {
		drm_err(&d1->drm, "scratch register reads 0x%08x, wrote 0x%08x\n",
			val, D1_SCRATCH_PATTERN);
		return -EIO;
	}
	return 0;
}

static int d1_device_read_caps(struct d1_device *d1)
{
	struct d1_caps *caps = &d1->caps;
	struct pci_dev *pdev = d1->pdev;
	u32 grid;

	grid = d1_read(d1, D1_REG_GRID);
	caps->pci_device = pdev->device;
	caps->grid_rows = D1_GRID_ROWS(grid);
	caps->grid_cols = D1_GRID_COLS(grid);
	caps->node_count = d1_read(d1, D1_REG_NODES);
	caps->sram_per_node = d1_read(d1, D1_REG_SRAM_SIZE);
	caps->num_queues = d1_read(d1, D1_REG_NUM_QUEUES);
	caps->num_contexts = d1_read(d1, D1_REG_NUM_CONTEXTS);
	caps->msix_vectors = d1_read(d1, D1_REG_MSIX_VECTORS);
	caps->hbm_size = (u64)d1_read(d1, D1_REG_HBM_SIZE_HI) << 32 |
			 d1_read(d1, D1_REG_HBM_SIZE_LO);

	if (!caps->grid_rows || !caps->grid_cols || !caps->node_count ||
	    caps->node_count > caps->grid_rows * caps->grid_cols ||
	    !caps->num_queues || caps->num_queues > D1_MAX_QUEUES ||
	    !caps->num_contexts || caps->num_contexts > D1_MAX_CONTEXTS ||
	    caps->msix_vectors < D1_MSIX_VEC_QUEUE(caps->num_queues)) {
		drm_err(&d1->drm, "inconsistent capabilities: grid %ux%u, %u nodes, %u queues, %u contexts, %u MSI-X vectors\n",
			caps->grid_rows, caps->grid_cols, caps->node_count,
			caps->num_queues, caps->num_contexts,
			caps->msix_vectors);
		return -ENODEV;
	}
	if (pci_resource_len(pdev, D1_BAR_HBM) < caps->hbm_size)
		drm_warn(&d1->drm, "HBM BAR (%llu bytes) smaller than HBM (%llu bytes)\n",
			 (u64)pci_resource_len(pdev, D1_BAR_HBM),
			 caps->hbm_size);

	drm_info(&d1->drm, "D1 DIP %u.%u: %ux%u grid, %u nodes, %u KiB SRAM/node, %u queues, %u contexts, %llu MiB HBM\n",
		 D1_VERSION_MAJOR(caps->hw_version),
		 D1_VERSION_MINOR(caps->hw_version),
		 caps->grid_rows, caps->grid_cols, caps->node_count,
		 caps->sram_per_node / 1024, caps->num_queues,
		 caps->num_contexts, caps->hbm_size >> 20);
	return 0;
}

static void d1_device_hbm_fini(struct drm_device *drm, void *arg)
{
	struct d1_device *d1 = to_d1_device(drm);

	drm_mm_takedown(&d1->hbm_mm);
}

/* HBM: an allocator over the card's HBM and a WC mapping of BAR2. */
static int d1_device_hbm_init(struct d1_device *d1)
{
	struct pci_dev *pdev = d1->pdev;
	u64 size = min_t(u64, d1->caps.hbm_size,
			 pci_resource_len(pdev, D1_BAR_HBM));

	if (!size) {
		drm_err(&d1->drm, "no HBM\n");
		return -ENODEV;
	}
	d1->caps.hbm_size = size;
	d1->hbm_bus = pci_resource_start(pdev, D1_BAR_HBM);
	d1->hbm = devm_ioremap_wc(&pdev->dev, d1->hbm_bus, size);
	if (!d1->hbm) {
		drm_err(&d1->drm, "cannot map the HBM BAR\n");
		return -ENOMEM;
	}
	drm_mm_init(&d1->hbm_mm, 0, size);
	return drmm_add_action_or_reset(&d1->drm, d1_device_hbm_fini, NULL);
}

/**
 * d1_device_init() - bring up the PCI function and identify the card
 * @pdev: the PCI function being probed.
 * @driver: the DRM driver the device is allocated for.
 *
 * Enables the function, maps BAR0, checks the ID and version, resets the
 * card to its power-on state and reads its capabilities.  Everything is
 * device-managed: the caller undoes nothing on failure.
 *
 * Return: the new device, or an ERR_PTR().
 */
struct d1_device *d1_device_init(struct pci_dev *pdev,
				 const struct drm_driver *driver)
{
	struct d1_device *d1;
	void __iomem *regs;
	int ret;

	d1 = devm_drm_dev_alloc(&pdev->dev, driver, struct d1_device, drm);
	if (IS_ERR(d1))
		return d1;
	d1->pdev = pdev;

	ret = drmm_mutex_init(&d1->drm, &d1->ping_lock);
	if (!ret)
		ret = drmm_mutex_init(&d1->drm, &d1->hbm_lock);
	if (!ret)
		ret = drmm_mutex_init(&d1->drm, &d1->ctx_lock);
	if (!ret)
		ret = drmm_mutex_init(&d1->drm, &d1->ctx_list_lock);
	if (!ret)
		ret = drmm_mutex_init(&d1->drm, &d1->reset_lock);
	if (ret)
		return ERR_PTR(ret);
	atomic_set(&d1->device_resets, 0);
	INIT_LIST_HEAD(&d1->ctx_list);
	INIT_LIST_HEAD(&d1->dma_bos);

	ret = pcim_enable_device(pdev);
	if (ret) {
		drm_err(&d1->drm, "cannot enable PCI device: %d\n", ret);
		return ERR_PTR(ret);
	}

	if (pci_resource_len(pdev, D1_BAR_REGS) < D1_REGS_SIZE) {
		drm_err(&d1->drm, "register BAR too small\n");
		return ERR_PTR(-ENODEV);
	}
	regs = pcim_iomap_region(pdev, D1_BAR_REGS, KBUILD_MODNAME);
	if (IS_ERR(regs)) {
		drm_err(&d1->drm, "cannot map register BAR: %ld\n",
			PTR_ERR(regs));
		return ERR_CAST(regs);
	}
	d1->regs = regs;

	/* MSI-X messages are memory writes: the function must master. */
	pci_set_master(pdev);

	ret = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64));
	if (ret) {
		drm_err(&d1->drm, "no 64-bit DMA: %d\n", ret);
		return ERR_PTR(ret);
	}
	/*
	 * The card reaches memory through its page tables, a page at a
	 * time: a DMA segment may be as long as the mapping gives it.
	 */
	dma_set_max_seg_size(&pdev->dev, UINT_MAX);

	ret = d1_device_identify(d1);
	if (ret)
		return ERR_PTR(ret);

	d1_device_reset(d1);

	ret = d1_device_check_scratch(d1);
	if (ret)
		return ERR_PTR(ret);

	ret = d1_device_read_caps(d1);
	if (ret)
		return ERR_PTR(ret);

	ret = d1_device_hbm_init(d1);
	if (ret)
		return ERR_PTR(ret);

	return d1;
}

/**
 * d1_device_fini() - quiesce the card before the driver lets go of it
 * @d1: the device.
 *
 * Resets the card so nothing is left latched or enabled; mappings and the
 * PCI enable count are released by devres after remove.
 */
void d1_device_fini(struct d1_device *d1)
{
	d1_device_reset(d1);
	pci_clear_master(d1->pdev);
}

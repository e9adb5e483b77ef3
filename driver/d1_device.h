/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * d1 DIP card: the device-wide state and its register accessors.
 */
#ifndef __D1_DEVICE_H__
#define __D1_DEVICE_H__

#include <linux/container_of.h>
#include <linux/io.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <drm/drm_device.h>

#include "d1_irq.h"

struct drm_driver;
struct pci_dev;

/**
 * struct d1_caps - what the card reports about itself at probe
 * @hw_version: D1_REG_VERSION, major << 16 | minor.
 * @pci_device: PCI device ID.
 * @grid_rows: rows of the node mesh.
 * @grid_cols: columns of the node mesh.
 * @node_count: usable nodes in the mesh.
 * @sram_per_node: bytes of SRAM per node.
 * @num_queues: hardware command queues.
 * @num_contexts: device address-space contexts.
 * @msix_vectors: MSI-X vectors the card implements.
 * @hbm_size: bytes of HBM.
 */
struct d1_caps {
	u32 hw_version;
	u32 pci_device;
	u32 grid_rows;
	u32 grid_cols;
	u32 node_count;
	u32 sram_per_node;
	u32 num_queues;
	u32 num_contexts;
	u32 msix_vectors;
	u64 hbm_size;
};

/**
 * struct d1_device - one d1 DIP card
 * @drm: the DRM device, first so the DRM core can free us.
 * @pdev: the PCI function.
 * @regs: BAR0, the register file.
 * @caps: capabilities read at probe.
 * @irq: interrupt state.
 * @ping_lock: serializes users of the doorbell (one request in flight).
 */
struct d1_device {
	struct drm_device drm;
	struct pci_dev *pdev;
	void __iomem *regs;
	struct d1_caps caps;
	struct d1_irq irq;
	struct mutex ping_lock;	/* protects the doorbell and irq.doorbell */
};

static inline struct d1_device *to_d1_device(struct drm_device *drm)
{
	return container_of(drm, struct d1_device, drm);
}

static inline u32 d1_read(struct d1_device *d1, u32 reg)
{
	return readl(d1->regs + reg);
}

static inline void d1_write(struct d1_device *d1, u32 reg, u32 val)
{
	writel(val, d1->regs + reg);
}

struct d1_device *d1_device_init(struct pci_dev *pdev,
				 const struct drm_driver *driver);
void d1_device_fini(struct d1_device *d1);

#endif /* __D1_DEVICE_H__ */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * d1 DIP card: the device-wide state and its register accessors.
 */
#ifndef __D1_DEVICE_H__
#define __D1_DEVICE_H__

#include <linux/atomic.h>
#include <linux/bitmap.h>
#include <linux/container_of.h>
#include <linux/io.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <drm/drm_device.h>
#include <drm/drm_mm.h>

#include "d1_irq.h"

/* The device allows up to 32 queues and 256 contexts. */
#define D1_MAX_QUEUES		32
#define D1_MAX_CONTEXTS		256

struct d1_ctx;
struct d1_queue;
struct workqueue_struct;

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
 * @hbm: BAR2 mapped write-combined (zeroing new HBM BOs).
 * @hbm_bus: CPU physical address of BAR2 (mmap of HBM BOs).
 * @hbm_lock: protects @hbm_mm and @hbm_used.
 * @hbm_mm: allocator of HBM ranges.
 * @hbm_used: bytes of HBM in BOs.
 * @dma_bos: host BOs whose pages are mapped for the card's DMA.
 * @ctx_list_lock: protects @ctx_list and @dma_bos.
 * @ctx_list: every address space (struct d1_ctx) of the card.
 * @ctx_lock: protects @ctx_used and @ctx_owner.
 * @ctx_used: hardware contexts held by files.
 * @ctx_owner: the address space each held hardware context runs.
 * @nr_queues: queues in use (module parameter ``queues``, at most the
 *             card's).
 * @queues: the hardware queues, @nr_queues of them.
 * @reset_wq: ordered: timeouts and recoveries of all queues run one at a
 *            time.
 * @reset_lock: held by a queue or device recovery; the queues' ring_locks
 *              nest in it (see d1_reset.c).
 * @device_resets: device resets since probe.
 * @pm_active: runtime PM is set up (d1_pm_init() succeeded).
 */
struct d1_device {
	struct drm_device drm;
	struct pci_dev *pdev;
	void __iomem *regs;
	struct d1_caps caps;
	struct d1_irq irq;
	struct mutex ping_lock;	/* protects the doorbell and irq.doorbell */

	void __iomem *hbm;
	resource_size_t hbm_bus;
	struct mutex hbm_lock;	/* protects hbm_mm, hbm_used */
	struct drm_mm hbm_mm;
	u64 hbm_used;

	struct mutex ctx_list_lock;	/* protects ctx_list, dma_bos */
	struct list_head ctx_list;
	struct list_head dma_bos;
	struct mutex ctx_lock;	/* protects ctx_used, ctx_owner */
	DECLARE_BITMAP(ctx_used, D1_MAX_CONTEXTS);
	struct d1_ctx *ctx_owner[D1_MAX_CONTEXTS];

	u32 nr_queues;
	struct d1_queue *queues;
	struct workqueue_struct *reset_wq;
	struct mutex reset_lock;	/* serializes recoveries */
	atomic_t device_resets;
	bool pm_active;
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

static inline u64 d1_read64(struct d1_device *d1, u32 lo)
{
	u32 hi, l;

	do {
		hi = d1_read(d1, lo + 4);
		l = d1_read(d1, lo);
	} while (hi != d1_read(d1, lo + 4));
	return (u64)hi << 32 | l;
}

struct d1_device *d1_device_init(struct pci_dev *pdev,
				 const struct drm_driver *driver);
void d1_device_reset(struct d1_device *d1);
void d1_device_fini(struct d1_device *d1);

#endif /* __D1_DEVICE_H__ */

// SPDX-License-Identifier: GPL-2.0-only
/*
 * d1: sysfs telemetry, in the PCI device's directory
 * (/sys/class/accel/accelN/device/telemetry/), one value per file:
 *
 *   temperature_mc   die temperature, milli-degC
 *   power_mw         board power, mW
 *   pm_state         0 active, 1 low power
 *   device_resets    device resets since probe
 *   link_up          1 while the DIP-to-DIP link's peer is there
 *   link_self        this card's link address
 *   link_peer        the peer's link address (0: link down)
 *   link_tx_bytes    bytes sent over the link
 *   link_rx_bytes    bytes the peer wrote into this card's window
 *   link_errors      link copies the link failed
 *   link_cycles      modelled time of the link copies (2 GHz cycles)
 *   qN_cmds          commands the device completed on queue N
 *   qN_busy_ns       time queue N spent executing
 *   qN_dma_bytes     bytes queue N moved (COPY and node DMA)
 *   qN_instret       node instructions its LAUNCHes retired
 *   qN_cycles        modelled cycles of its LAUNCHes (sum of the reports')
 *   qN_faults        commands that failed on it
 *   qN_jobs_done     jobs completed
 *   qN_jobs_failed   jobs failed, timed out or cancelled
 *   qN_resets        queue resets
 *
 * Reading never wakes the card; after an unplug reads fail with ENODEV.
 */
#include <linux/device.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include <drm/drm_drv.h>
#include <drm/drm_managed.h>

#include "d1_regs.h"
#include "d1_device.h"
#include "d1_job.h"
#include "d1_sysfs.h"

enum d1_stat {
	D1_STAT_TEMP,
	D1_STAT_POWER,
	D1_STAT_PM_STATE,
	D1_STAT_DEVICE_RESETS,
	D1_STAT_LINK_UP,
	D1_STAT_LINK_SELF,
	D1_STAT_LINK_PEER,
	D1_STAT_LINK_TX,
	D1_STAT_LINK_RX,
	D1_STAT_LINK_ERRORS,
	D1_STAT_LINK_CYCLES,
	D1_STAT_Q_CMDS,
	D1_STAT_Q_BUSY_NS,
	D1_STAT_Q_DMA_BYTES,
	D1_STAT_Q_INSTRET,
	D1_STAT_Q_CYCLES,
	D1_STAT_Q_FAULTS,
	D1_STAT_Q_JOBS_DONE,
	D1_STAT_Q_JOBS_FAILED,
	D1_STAT_Q_RESETS,
	D1_STAT_COUNT,
};

#define D1_STAT_FIRST_QUEUE	D1_STAT_Q_CMDS

static const char * const d1_stat_names[D1_STAT_COUNT] = {
	"temperature_mc", "power_mw", "pm_state", "device_resets",
	"link_up", "link_self", "link_peer", "link_tx_bytes", "link_rx_bytes",
	"link_errors", "link_cycles",
	"cmds", "busy_ns", "dma_bytes", "instret", "cycles", "faults",
	"jobs_done", "jobs_failed", "resets",
};

/**
 * struct d1_stat_attr - one telemetry file
 * @attr: the sysfs attribute.
 * @d1: the device.
 * @stat: what it shows.
 * @queue: the queue of a per-queue value.
 * @name: its file name.
 */
struct d1_stat_attr {
	struct device_attribute attr;
	struct d1_device *d1;
	enum d1_stat stat;
	u32 queue;
	char name[24];
};

static u64 d1_stat_read(struct d1_device *d1, enum d1_stat stat, u32 q)
{
	struct d1_queue *queue = &d1->queues[q];

	switch (stat) {
	case D1_STAT_TEMP:
		return d1_read(d1, D1_REG_TEMP_MC);
	case D1_STAT_POWER:
		return d1_read(d1, D1_REG_POWER_MW);
	case D1_STAT_PM_STATE:
		return d1_read(d1, D1_REG_PM_STATE);
	case D1_STAT_DEVICE_RESETS:
		return atomic_read(&d1->device_resets);
	case D1_STAT_LINK_UP:
		return d1_read(d1, D1_REG_LINK_STATUS) & D1_LINK_UP;
	case D1_STAT_LINK_SELF:
		return d1_read(d1, D1_REG_LINK_SELF);
	case D1_STAT_LINK_PEER:
		return d1_read(d1, D1_REG_LINK_PEER);
	case D1_STAT_LINK_TX:
		return d1_read64(d1, D1_REG_LINK_TX_LO);
	case D1_STAT_LINK_RX:
		return d1_read64(d1, D1_REG_LINK_RX_LO);
	case D1_STAT_LINK_ERRORS:
		return d1_read(d1, D1_REG_LINK_ERRORS);
	case D1_STAT_LINK_CYCLES:
		return d1_read64(d1, D1_REG_LINK_CYCLES_LO);
	case D1_STAT_Q_CMDS:
		return d1_read64(d1, D1_REG_Q(q, D1_Q_CMDS_LO));
	case D1_STAT_Q_BUSY_NS:
		return d1_read64(d1, D1_REG_Q(q, D1_Q_BUSY_NS_LO));
	case D1_STAT_Q_DMA_BYTES:
		return d1_read64(d1, D1_REG_Q(q, D1_Q_DMA_BYTES_LO));
	case D1_STAT_Q_INSTRET:
		return d1_read64(d1, D1_REG_Q(q, D1_Q_INSTRET_LO));
	case D1_STAT_Q_CYCLES:
		return d1_read64(d1, D1_REG_Q(q, D1_Q_CYCLES_LO));
	case D1_STAT_Q_FAULTS:
		return d1_read(d1, D1_REG_Q(q, D1_Q_FAULTS));
	case D1_STAT_Q_JOBS_DONE:
		return atomic64_read(&queue->jobs_done);
	case D1_STAT_Q_JOBS_FAILED:
		return atomic64_read(&queue->jobs_failed);
	case D1_STAT_Q_RESETS:
		return atomic_read(&queue->resets);
	default:
		return 0;
	}
}

static ssize_t d1_stat_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	struct d1_stat_attr *sa = container_of(attr, struct d1_stat_attr, attr);
	u64 val;
	int idx;

	if (!drm_dev_enter(&sa->d1->drm, &idx))
		return -ENODEV;
	val = d1_stat_read(sa->d1, sa->stat, sa->queue);
	drm_dev_exit(idx);
	return sysfs_emit(buf, "%llu\n", val);
}

/**
 * d1_sysfs_init() - create the telemetry group
 * @d1: the device, queues set up.
 *
 * Return: 0 or a negative errno.  The group goes with the PCI device's
 * driver binding (devm).
 */
int d1_sysfs_init(struct d1_device *d1)
{
	u32 per_q = D1_STAT_COUNT - D1_STAT_FIRST_QUEUE;
	u32 n = D1_STAT_FIRST_QUEUE + per_q * d1->nr_queues, i, k = 0;
	struct device *dev = &d1->pdev->dev;
	struct attribute_group *grp;
	struct d1_stat_attr *sa;
	struct attribute **attrs;

	sa = devm_kcalloc(dev, n, sizeof(*sa), GFP_KERNEL);
	attrs = devm_kcalloc(dev, n + 1, sizeof(*attrs), GFP_KERNEL);
	grp = devm_kzalloc(dev, sizeof(*grp), GFP_KERNEL);
	if (!sa || !attrs || !grp)
		return -ENOMEM;

	for (i = 0; i < D1_STAT_FIRST_QUEUE; i++, k++) {
		sa[k].stat = i;
		strscpy(sa[k].name, d1_stat_names[i], sizeof(sa[k].name));
	}
	for (i = 0; i < d1->nr_queues * per_q; i++, k++) {
		sa[k].stat = D1_STAT_FIRST_QUEUE + i % per_q;
		sa[k].queue = i / per_q;
		snprintf(sa[k].name, sizeof(sa[k].name), "q%u_%s",
			 sa[k].queue, d1_stat_names[sa[k].stat]);
	}
	for (k = 0; k < n; k++) {
		sa[k].d1 = d1;
		sysfs_attr_init(&sa[k].attr.attr);
		sa[k].attr.attr.name = sa[k].name;
		sa[k].attr.attr.mode = 0444;
		sa[k].attr.show = d1_stat_show;
		attrs[k] = &sa[k].attr.attr;
	}
	grp->name = "telemetry";
	grp->attrs = attrs;
	return devm_device_add_group(dev, grp);
}

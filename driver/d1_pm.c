// SPDX-License-Identifier: GPL-2.0-only
/*
 * d1: runtime power management.
 *
 * Every job holds a runtime PM reference from SUBMIT until it is freed.
 * When the last one is gone the device idles for autosuspend_ms, then
 * runtime suspend puts the card in its low-power state (PM_CTRL = 1);
 * the next SUBMIT resumes it (PM_CTRL = 0) before its job is queued.  The
 * card has no PCI PM capability, so the function itself stays in D0.
 */
#include <linux/moduleparam.h>
#include <linux/pci.h>
#include <linux/pm_runtime.h>
#include <drm/drm_drv.h>

#include "d1_regs.h"
#include "d1_device.h"
#include "d1_job.h"
#include "d1_pm.h"

static int d1_autosuspend_ms = 1000;
module_param_named(autosuspend_ms, d1_autosuspend_ms, int, 0444);
MODULE_PARM_DESC(autosuspend_ms,
		 "Idle time before the card enters low power (ms, default 1000; -1 never)");

static int d1_pm_set(struct d1_device *d1, u32 state)
{
	int idx;

	if (!drm_dev_enter(&d1->drm, &idx))
		return 0;
	d1_write(d1, D1_REG_PM_CTRL, state);
	drm_dev_exit(idx);
	return 0;
}

static int d1_pm_runtime_suspend(struct device *dev)
{
	struct d1_device *d1 = pci_get_drvdata(to_pci_dev(dev));

	if (!d1_queues_idle(d1))
		return -EBUSY;
	return d1_pm_set(d1, D1_PM_LOW);
}

static int d1_pm_runtime_resume(struct device *dev)
{
	struct d1_device *d1 = pci_get_drvdata(to_pci_dev(dev));

	return d1_pm_set(d1, D1_PM_ACTIVE);
}

const struct dev_pm_ops d1_pm_ops = {
	RUNTIME_PM_OPS(d1_pm_runtime_suspend, d1_pm_runtime_resume, NULL)
};

/**
 * d1_pm_init() - allow runtime suspend with autosuspend
 * @d1: the device at the end of probe (the PCI core holds it active).
 */
void d1_pm_init(struct d1_device *d1)
{
	struct device *dev = &d1->pdev->dev;

	pm_runtime_set_autosuspend_delay(dev, d1_autosuspend_ms);
	pm_runtime_use_autosuspend(dev);
	pm_runtime_mark_last_busy(dev);
	pm_runtime_put_autosuspend(dev);
	pm_runtime_allow(dev);
	d1->pm_active = true;
}

/**
 * d1_pm_fini() - keep the device active from remove on
 * @d1: the device.
 */
void d1_pm_fini(struct d1_device *d1)
{
	struct device *dev = &d1->pdev->dev;

	if (!d1->pm_active)
		return;
	pm_runtime_forbid(dev);
	pm_runtime_get_noresume(dev);
	pm_runtime_dont_use_autosuspend(dev);
	WRITE_ONCE(d1->pm_active, false);
}

/**
 * d1_pm_get() - wake the card for a job
 * @d1: the device.
 *
 * Return: 0 or a negative errno.
 */
int d1_pm_get(struct d1_device *d1)
{
	return pm_runtime_resume_and_get(&d1->pdev->dev);
}

/**
 * d1_pm_put() - a job is done with the card
 * @d1: the device.
 *
 * Also after remove: jobs freed late give back what they took, so the
 * count is balanced when the PCI core undoes its probe-time reference.
 */
void d1_pm_put(struct d1_device *d1)
{
	struct device *dev = &d1->pdev->dev;

	pm_runtime_mark_last_busy(dev);
	pm_runtime_put_autosuspend(dev);
}

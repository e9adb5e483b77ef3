/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * d1: runtime power management.
 */
#ifndef __D1_PM_H__
#define __D1_PM_H__

#include <linux/pm.h>

struct d1_device;

extern const struct dev_pm_ops d1_pm_ops;

void d1_pm_init(struct d1_device *d1);
void d1_pm_fini(struct d1_device *d1);
int d1_pm_get(struct d1_device *d1);
void d1_pm_put(struct d1_device *d1);

#endif /* __D1_PM_H__ */

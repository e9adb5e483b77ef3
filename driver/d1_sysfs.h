/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * d1: sysfs telemetry.
 */
#ifndef __D1_SYSFS_H__
#define __D1_SYSFS_H__

struct d1_device;

int d1_sysfs_init(struct d1_device *d1);

#endif /* __D1_SYSFS_H__ */

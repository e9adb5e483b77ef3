/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * d1: debugfs files (state and test hooks).
 */
#ifndef __D1_DEBUGFS_H__
#define __D1_DEBUGFS_H__

struct d1_device;

void d1_debugfs_init(struct d1_device *d1);

#endif /* __D1_DEBUGFS_H__ */

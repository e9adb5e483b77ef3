/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * d1: DRM accel driver for the d1 DIP card.
 */
#ifndef __D1_DRV_H__
#define __D1_DRV_H__

#include <linux/atomic.h>
#include <drm/drm_print.h>
#include <drm/d1_accel.h>

struct d1_ctx;
struct d1_device;
struct drm_sched_entity;

#define D1_DRIVER_NAME		"d1"
#define D1_DRIVER_DESC		"D1 DIP accelerator (emulated)"
#define D1_DRIVER_DATE		"20261129"
/* The DRM driver version is the uAPI version. */
#define D1_DRIVER_MAJOR		DRM_D1_UAPI_VERSION_MAJOR
#define D1_DRIVER_MINOR		DRM_D1_UAPI_VERSION_MINOR

/*
 * Refuse an ioctl argument: say why in the kernel log when drm.debug has
 * the DRIVER category (0x2) on, and evaluate to the errno @err.
 */
#define d1_refuse(drm, err, fmt, ...) \
	({ drm_dbg(drm, fmt, ##__VA_ARGS__); (err); })

/**
 * struct d1_objects - live objects of the driver, all cards together
 * @bos: buffer objects (created or imported).
 * @ctxs: address spaces.
 * @mappings: VM_BIND mappings.
 * @tables: device page tables.
 * @jobs: jobs submitted and not yet freed.
 *
 * Shown in debugfs ("objects"); tests check that they return to where
 * they were once every file is closed, also after unplug and errors.
 */
struct d1_objects {
	atomic_t bos;
	atomic_t ctxs;
	atomic_t mappings;
	atomic_t tables;
	atomic_t jobs;
};

extern struct d1_objects d1_objects;

/**
 * struct d1_file_priv - per-open-file state
 * @d1: the device the file was opened on.
 * @ctx: the file's device address space.
 * @entities: one scheduler entity per queue.
 */
struct d1_file_priv {
	struct d1_device *d1;
	struct d1_ctx *ctx;
	struct drm_sched_entity *entities;
};

#endif /* __D1_DRV_H__ */

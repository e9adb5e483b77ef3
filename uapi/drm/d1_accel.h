/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR MIT) */
/*
 * d1_accel.h - uAPI of the d1 DRM accel driver (/dev/accel/accelN).
 *
 * The only contract between d1.ko and userspace.  Rules for every ioctl
 * (Documentation/accel/d1/uapi.rst):
 *  - all fields are fixed width; structs are padded explicitly to 8 bytes;
 *  - pad fields and unknown flag bits must be zero, else -EINVAL;
 *  - growing structs only append fields; queries negotiate the size.
 */
#ifndef _UAPI_DRM_D1_ACCEL_H_
#define _UAPI_DRM_D1_ACCEL_H_

#include "drm.h"

#if defined(__cplusplus)
extern "C" {
#endif

#define DRM_D1_QUERY		0x00
#define DRM_D1_PING		0x01

#define DRM_IOCTL_D1_QUERY \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_D1_QUERY, struct drm_d1_query)
#define DRM_IOCTL_D1_PING \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_D1_PING, struct drm_d1_ping)

/* drm_d1_query.param values */
#define DRM_D1_QUERY_DEVICE_INFO	0	/* struct drm_d1_device_info */

/**
 * struct drm_d1_query - read a block of device information
 * @param: what to read, a DRM_D1_QUERY_* value.
 * @flags: must be zero.
 * @size: in: bytes available at @data; out: the full size of the block.
 *        The kernel copies min(in, full) bytes, so older userspace with a
 *        smaller struct keeps working; @size 0 only asks for the size.
 * @pad: must be zero.
 * @data: user pointer to the destination.
 */
struct drm_d1_query {
	__u32 param;
	__u32 flags;
	__u32 size;
	__u32 pad;
	__u64 data;
};

/**
 * struct drm_d1_device_info - DRM_D1_QUERY_DEVICE_INFO block
 * @hw_version: device version, major << 16 | minor.
 * @pci_device: PCI device ID.
 * @grid_rows, @grid_cols: the node mesh.
 * @node_count: usable nodes in the mesh.
 * @sram_per_node: bytes of SRAM per node.
 * @num_queues: hardware command queues.
 * @num_contexts: device address-space contexts.
 * @hbm_size: bytes of HBM on the card.
 *
 * New fields are only ever appended.
 */
struct drm_d1_device_info {
	__u32 hw_version;
	__u32 pci_device;
	__u32 grid_rows;
	__u32 grid_cols;
	__u32 node_count;
	__u32 sram_per_node;
	__u32 num_queues;
	__u32 num_contexts;
	__u64 hbm_size;
};

/**
 * struct drm_d1_ping - ring the device doorbell and wait for its interrupt
 * @value: in: value written to the doorbell.
 * @flags: must be zero.
 * @timeout_ns: in: relative timeout; 0 selects the driver default (1 s).
 *              -ETIMEDOUT when the interrupt does not arrive in time.
 * @echo: out: the device's answer, ~@value.
 * @pad: must be zero.
 */
struct drm_d1_ping {
	__u32 value;
	__u32 flags;
	__u64 timeout_ns;
	__u32 echo;
	__u32 pad;
};

#if defined(__cplusplus)
}
#endif

#endif /* _UAPI_DRM_D1_ACCEL_H_ */

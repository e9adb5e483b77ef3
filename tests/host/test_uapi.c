// SPDX-License-Identifier: GPL-2.0
/*
 * The uAPI layout rules of uapi/drm/d1_accel.h, checked: every struct is
 * a multiple of 8 bytes, every field sits at its documented offset and
 * naturally aligned, and the fields add up to the struct size, so there
 * is no implicit padding whose content or size could differ between
 * compilers or 32/64-bit userspace.  Also the ioctl number encodings.
 * (tests/host/Makefile separately compiles the header as C++.)
 *
 * What the device hands to user space unchanged (the launch report and
 * its codes, the MMU fault access and reason) is the hardware's
 * (hw/d1_regs.h): driver/d1_uapi_hw.h pins it at compile time, here as in
 * d1.ko.
 */
#include <assert.h>
#include <stddef.h>
#include <sys/ioctl.h>

#include "drm/d1_accel.h"
#include "d1_regs.h"
#include "../../driver/d1_uapi_hw.h"
#include "kselftest_harness.h"

#define MSIZE(type, member) sizeof(((type *)0)->member)

/* Checks one field: documented offset, natural alignment. */
#define FIELD(type, member, off) do { \
	ASSERT_EQ((size_t)(off), offsetof(type, member)) \
		TH_LOG(#type "." #member); \
	ASSERT_EQ(0u, offsetof(type, member) % MSIZE(type, member)) \
		TH_LOG(#type "." #member " misaligned"); \
	sum += MSIZE(type, member); \
} while (0)

TEST(query_layout)
{
	size_t sum = 0;

	FIELD(struct drm_d1_query, param, 0);
	FIELD(struct drm_d1_query, flags, 4);
	FIELD(struct drm_d1_query, size, 8);
	FIELD(struct drm_d1_query, pad, 12);
	FIELD(struct drm_d1_query, data, 16);
	ASSERT_EQ(24u, sizeof(struct drm_d1_query));
	ASSERT_EQ(sizeof(struct drm_d1_query), sum);
	ASSERT_EQ(0u, sizeof(struct drm_d1_query) % 8);
}

TEST(device_info_layout)
{
	size_t sum = 0;

	FIELD(struct drm_d1_device_info, hw_version, 0);
	FIELD(struct drm_d1_device_info, pci_device, 4);
	FIELD(struct drm_d1_device_info, grid_rows, 8);
	FIELD(struct drm_d1_device_info, grid_cols, 12);
	FIELD(struct drm_d1_device_info, node_count, 16);
	FIELD(struct drm_d1_device_info, sram_per_node, 20);
	FIELD(struct drm_d1_device_info, num_queues, 24);
	FIELD(struct drm_d1_device_info, num_contexts, 28);
	FIELD(struct drm_d1_device_info, hbm_size, 32);
	FIELD(struct drm_d1_device_info, uapi_major, 40);
	FIELD(struct drm_d1_device_info, uapi_minor, 44);
	ASSERT_EQ(48u, sizeof(struct drm_d1_device_info));
	ASSERT_EQ(sizeof(struct drm_d1_device_info), sum);
	ASSERT_EQ(0u, sizeof(struct drm_d1_device_info) % 8);
}

TEST(bo_info_layout)
{
	size_t sum = 0;

	FIELD(struct drm_d1_bo_info, handle, 0);
	FIELD(struct drm_d1_bo_info, flags, 4);
	FIELD(struct drm_d1_bo_info, size, 8);
	FIELD(struct drm_d1_bo_info, placement, 16);
	FIELD(struct drm_d1_bo_info, pad, 20);
	FIELD(struct drm_d1_bo_info, mmap_offset, 24);
	ASSERT_EQ(32u, sizeof(struct drm_d1_bo_info));
	ASSERT_EQ(sizeof(struct drm_d1_bo_info), sum);
}

TEST(ping_layout)
{
	size_t sum = 0;

	FIELD(struct drm_d1_ping, value, 0);
	FIELD(struct drm_d1_ping, flags, 4);
	FIELD(struct drm_d1_ping, timeout_ns, 8);
	FIELD(struct drm_d1_ping, echo, 16);
	FIELD(struct drm_d1_ping, pad, 20);
	ASSERT_EQ(24u, sizeof(struct drm_d1_ping));
	ASSERT_EQ(sizeof(struct drm_d1_ping), sum);
	ASSERT_EQ(0u, sizeof(struct drm_d1_ping) % 8);
}

/* The command grew by appending: a 64-byte command is the old one. */
TEST(cmd_layout)
{
	size_t sum = 0;

	FIELD(struct drm_d1_cmd, op, 0);
	FIELD(struct drm_d1_cmd, flags, 4);
	ASSERT_EQ(8u, offsetof(struct drm_d1_cmd, pad));
	sum += MSIZE(struct drm_d1_cmd, pad);
	FIELD(struct drm_d1_cmd, time_limit_ms, 64);
	FIELD(struct drm_d1_cmd, pad2, 68);
	ASSERT_EQ(72u, sizeof(struct drm_d1_cmd));
	ASSERT_EQ(sizeof(struct drm_d1_cmd), sum);
	ASSERT_EQ(56u, sizeof(struct drm_d1_cmd_launch));
	ASSERT_EQ(8u, offsetof(struct drm_d1_cmd, launch));
}

TEST(submit_info_layout)
{
	size_t sum = 0;

	FIELD(struct drm_d1_submit_info, va_start, 0);
	FIELD(struct drm_d1_submit_info, va_end, 8);
	FIELD(struct drm_d1_submit_info, page_size, 16);
	FIELD(struct drm_d1_submit_info, submit_queues, 20);
	FIELD(struct drm_d1_submit_info, max_cmds, 24);
	FIELD(struct drm_d1_submit_info, max_syncs, 28);
	FIELD(struct drm_d1_submit_info, job_timeout_ms, 32);
	FIELD(struct drm_d1_submit_info, max_time_limit_ms, 36);
	FIELD(struct drm_d1_submit_info, hbm_free, 40);
	ASSERT_EQ(48u, sizeof(struct drm_d1_submit_info));
	ASSERT_EQ(sizeof(struct drm_d1_submit_info), sum);
}

TEST(field_widths)
{
	/* Pointers travel as __u64, sizes as __u32. */
	ASSERT_EQ(8u, MSIZE(struct drm_d1_query, data));
	ASSERT_EQ(4u, MSIZE(struct drm_d1_query, size));
	ASSERT_EQ(8u, MSIZE(struct drm_d1_device_info, hbm_size));
	ASSERT_EQ(8u, MSIZE(struct drm_d1_ping, timeout_ns));
	ASSERT_EQ(4u, MSIZE(struct drm_d1_ping, echo));
}

TEST(ioctl_numbers)
{
	ASSERT_EQ(0, DRM_D1_QUERY);
	ASSERT_EQ(1, DRM_D1_PING);
	ASSERT_EQ(0, DRM_D1_QUERY_DEVICE_INFO);

	ASSERT_EQ((unsigned int)DRM_IOCTL_BASE, _IOC_TYPE(DRM_IOCTL_D1_QUERY));
	ASSERT_EQ((unsigned int)(DRM_COMMAND_BASE + DRM_D1_QUERY),
		  _IOC_NR(DRM_IOCTL_D1_QUERY));
	ASSERT_EQ((unsigned int)(_IOC_READ | _IOC_WRITE),
		  _IOC_DIR(DRM_IOCTL_D1_QUERY));
	ASSERT_EQ(sizeof(struct drm_d1_query), _IOC_SIZE(DRM_IOCTL_D1_QUERY));

	ASSERT_EQ((unsigned int)DRM_IOCTL_BASE, _IOC_TYPE(DRM_IOCTL_D1_PING));
	ASSERT_EQ((unsigned int)(DRM_COMMAND_BASE + DRM_D1_PING),
		  _IOC_NR(DRM_IOCTL_D1_PING));
	ASSERT_EQ((unsigned int)(_IOC_READ | _IOC_WRITE),
		  _IOC_DIR(DRM_IOCTL_D1_PING));
	ASSERT_EQ(sizeof(struct drm_d1_ping), _IOC_SIZE(DRM_IOCTL_D1_PING));

	/* Retiring 0x03 renumbered nothing. */
	ASSERT_EQ(4, DRM_D1_BO_INFO);
	ASSERT_EQ((unsigned int)(DRM_COMMAND_BASE + DRM_D1_BO_INFO),
		  _IOC_NR(DRM_IOCTL_D1_BO_INFO));
	ASSERT_EQ(sizeof(struct drm_d1_bo_info), _IOC_SIZE(DRM_IOCTL_D1_BO_INFO));

	/* Driver ioctls live in [DRM_COMMAND_BASE, DRM_COMMAND_END). */
	ASSERT_LT(DRM_COMMAND_BASE + DRM_D1_PING, DRM_COMMAND_END);
}

TEST_HARNESS_MAIN

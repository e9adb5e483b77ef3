/* SPDX-License-Identifier: MIT */
/*
 * d1_memory.h - device buffers.
 *
 * A d1_buffer is memory the card reaches at a device address: host pages
 * (D1_MEM_HOST: the device reads and writes them by DMA over PCIe; the CPU
 * maps them cached) or card HBM (D1_MEM_HBM: fast for the nodes; the CPU
 * maps them through BAR2, write-combined, so reading them back should be
 * done with a copy).  Every buffer is mapped into its device handle's
 * address space for its whole life; d1_buffer_device_address() is what a
 * kernel's d1_devptr parameter receives.  Sizes are rounded up to the
 * device page size (4 KiB).
 *
 * Host buffers can be shared with another process (or another device
 * handle) as a dma-buf file descriptor.
 */
#ifndef D1_MEMORY_H
#define D1_MEMORY_H

#include <stddef.h>
#include <stdint.h>

#include "d1_common.h"
#include "d1_status.h"
#include "d1_device.h"

#if defined(__cplusplus)
extern "C" {
#endif

typedef struct d1_buffer d1_buffer;

/* Where a buffer lives. */
enum d1_mem_type {
	D1_MEM_HOST = 0,
	D1_MEM_HBM = 1,
};

/* Flags of d1_buffer_create(). */
#define D1_BUFFER_READ_ONLY	(1u << 0)	/* the device may only read it */
#define D1_BUFFER_FLAGS_ALL	0x1u

/*
 * d1_buffer_create - allocate @size bytes of @type memory on @dev and map
 * it into the device address space.
 *
 * D1_ERROR_INVALID_VALUE for size 0, a size the memory type can never
 * hold, an unknown type or flag; D1_ERROR_OUT_OF_MEMORY when the card's
 * HBM (or device address space) has no room now;
 * D1_ERROR_NOT_SUPPORTED with a driver without memory management.
 */
D1_API d1_status d1_buffer_create(d1_device *dev, uint64_t size,
				  unsigned int type, unsigned int flags,
				  d1_buffer **out);

/* Bytes of the buffer (the requested size rounded up to a page). */
D1_API d1_status d1_buffer_size(d1_buffer *buf, uint64_t *size);
D1_API d1_status d1_buffer_type(d1_buffer *buf, unsigned int *type);

/* The buffer's device address (what a d1_devptr parameter receives). */
D1_API d1_status d1_buffer_device_address(d1_buffer *buf, uint64_t *addr);

/*
 * d1_buffer_map - CPU pointer to the buffer's memory (the same pointer for
 * every map until the last unmap).  Maps nest; d1_buffer_unmap() undoes
 * one.  The CPU must not touch memory a pending device command uses.
 */
D1_API d1_status d1_buffer_map(d1_buffer *buf, void **ptr);
D1_API d1_status d1_buffer_unmap(d1_buffer *buf);

/*
 * d1_buffer_export_fd - a dma-buf file descriptor for host buffer @buf
 * (close it when done).  D1_ERROR_NOT_SUPPORTED for HBM buffers.
 */
D1_API d1_status d1_buffer_export_fd(d1_buffer *buf, int *fd);

/*
 * d1_buffer_import_fd - a buffer on @dev for the dma-buf @fd (exported by
 * any d1 handle, in any process).  @fd stays the caller's.
 */
D1_API d1_status d1_buffer_import_fd(d1_device *dev, int fd, d1_buffer **out);

/*
 * d1_buffer_destroy - unmap from the device (after the work already
 * submitted on the handle has finished) and free.  An outstanding CPU
 * mapping is removed too.
 */
D1_API d1_status d1_buffer_destroy(d1_buffer *buf);

#if defined(__cplusplus)
}
#endif

#endif /* D1_MEMORY_H */

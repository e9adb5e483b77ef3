/* SPDX-License-Identifier: MIT */
/*
 * d1_device.h - finding, opening and querying d1 devices.
 *
 * A d1 device is one D1 DIP card driven by d1.ko and exposed as
 * /dev/accel/accelN.  Devices are numbered 0..count-1 in the order of
 * their accel minor number; the numbering is stable while no card is
 * added or removed.
 *
 * A d1_device handle is an open file on the device node.  Handles are
 * independent of each other (no library-wide state); one handle may be
 * used from several threads, but d1_device_close() must not race with
 * other calls on the same handle.
 *
 * Environment: D1_SYSFS_ROOT (default "/sys") and D1_DEV_ROOT (default
 * "/dev") relocate the sysfs and device trees, for tests.
 */
#ifndef D1_DEVICE_H
#define D1_DEVICE_H

#include <stdint.h>

#include "d1_common.h"
#include "d1_status.h"

#if defined(__cplusplus)
extern "C" {
#endif

/* Opaque handle of an open device. */
typedef struct d1_device d1_device;

/* Buffer sizes of the strings in struct d1_device_info (with the NUL). */
#define D1_PCI_ADDRESS_LEN	32
#define D1_DEVNODE_LEN		64
#define D1_DRIVER_NAME_LEN	32

/**
 * struct d1_device_info - identity and capabilities of an open device
 * @index: the device's number (as passed to d1_device_open()).
 * @minor: accel minor number (N of /dev/accel/accelN).
 * @devnode: device node path, e.g. "/dev/accel/accel0".
 * @pci_address: PCI address "dddd:bb:dd.f", or "" if unknown.
 * @driver_name: kernel driver name ("d1").
 * @driver_major: kernel driver version (drmGetVersion()), major.
 * @driver_minor: minor.
 * @driver_patch: patch level.
 * @hw_major: device (hardware) version, major.
 * @hw_minor: minor.
 * @pci_device: PCI device ID (0xd1d1).
 * @grid_rows: rows of the node mesh.
 * @grid_cols: columns of the node mesh.
 * @node_count: usable nodes in the mesh.
 * @sram_per_node: bytes of SRAM per node.
 * @num_queues: hardware command queues.
 * @num_contexts: device address-space contexts.
 * @hbm_size: bytes of HBM on the card (the size of PCI BAR2).
 * @uapi_major: uAPI version the driver implements, major (equal to
 *              @driver_major); 0 from drivers before 2.0, which do not
 *              report it.
 * @uapi_minor: minor (equal to @driver_minor); 0 before 2.0.
 * @reserved: zero; room for new fields without changing the struct size.
 *
 * Fields the running driver does not report are 0.  New fields take the
 * place of @reserved, so the struct keeps its size and layout within a
 * SONAME.
 */
struct d1_device_info {
	unsigned int index;
	unsigned int minor;
	char devnode[D1_DEVNODE_LEN];
	char pci_address[D1_PCI_ADDRESS_LEN];
	char driver_name[D1_DRIVER_NAME_LEN];
	int driver_major;
	int driver_minor;
	int driver_patch;
	uint32_t hw_major;
	uint32_t hw_minor;
	uint32_t pci_device;
	uint32_t grid_rows;
	uint32_t grid_cols;
	uint32_t node_count;
	uint32_t sram_per_node;
	uint32_t num_queues;
	uint32_t num_contexts;
	uint64_t hbm_size;
	uint32_t uapi_major;
	uint32_t uapi_minor;
	uint64_t reserved[7];
};

/*
 * d1_device_count - number of d1 devices in the system.
 *
 * Returns D1_SUCCESS and sets *count >= 1, or D1_ERROR_NO_DEVICE (with
 * *count set to 0) when the d1 driver is not loaded or drives no card.
 * Only the cards D1_VISIBLE_DEVICES names count when it is set (a
 * comma-separated list of indices or PCI addresses; a malformed one:
 * D1_ERROR_INVALID_VALUE).
 */
D1_API d1_status d1_device_count(unsigned int *count);

/*
 * d1_device_open - open device number @index.
 *
 * On success stores a new handle in *out.  D1_ERROR_INVALID_VALUE when
 * @index >= the device count, D1_ERROR_NO_DEVICE when there is none,
 * D1_ERROR_PERMISSION when the node may not be opened,
 * D1_ERROR_NOT_SUPPORTED when its driver has a newer uAPI major version
 * than this libd1 was built for (DRM_D1_UAPI_VERSION_MAJOR).
 */
D1_API d1_status d1_device_open(unsigned int index, d1_device **out);

/*
 * d1_device_open_by_pci - open the device at PCI address @bdf.
 *
 * @bdf is "dddd:bb:dd.f" or "bb:dd.f" (domain 0000), case-insensitive.
 * D1_ERROR_NO_DEVICE when no d1 device has that address.
 */
D1_API d1_status d1_device_open_by_pci(const char *bdf, d1_device **out);

/*
 * d1_device_info - fill *info with the device's identity and capabilities.
 */
D1_API d1_status d1_device_info(d1_device *dev, struct d1_device_info *info);

/*
 * d1_device_ping - ring the device doorbell with @value and wait for its
 * interrupt; the device answers ~@value, stored in *echo.
 *
 * @timeout_ns: relative timeout; 0 selects the driver default (1 s).
 * D1_ERROR_TIMEOUT when the device did not answer in time.
 */
D1_API d1_status d1_device_ping(d1_device *dev, uint32_t value, uint32_t *echo,
				uint64_t timeout_ns);

/**
 * struct d1_queue_telemetry - the counters of one hardware queue
 * @cmds: commands completed (device).
 * @busy_ns: time spent executing.
 * @dma_bytes: bytes moved by COPY and node DMA.
 * @instret: node instructions retired.
 * @faults: commands that failed.
 * @jobs_done: jobs completed (driver).
 * @jobs_failed: jobs failed, timed out or cancelled.
 * @resets: queue resets.
 * @cycles: modelled cycles of its launches (the sum of their
 *          d1_launch_info.cycles: simulated device time at 2 GHz).
 */
struct d1_queue_telemetry {
	uint64_t cmds;
	uint64_t busy_ns;
	uint64_t dma_bytes;
	uint64_t instret;
	uint64_t faults;
	uint64_t jobs_done;
	uint64_t jobs_failed;
	uint64_t resets;
	uint64_t cycles;
};

#define D1_TELEMETRY_MAX_QUEUES	32

/**
 * struct d1_telemetry - the card's sensors and counters
 * @temperature_mc: die temperature, milli-degC.
 * @power_mw: board power, mW.
 * @pm_state: 0 active, 1 low power.
 * @num_queues: entries of @queue filled.
 * @device_resets: resets of the whole card.
 * @queue: per hardware queue.
 * @link_up: 1 while the card's DIP-to-DIP link has its peer.
 * @link_self: this card's link address (0: the driver exports none).
 * @link_peer: the peer's link address, 0 while the link is down; the
 *	peer is the card whose @link_self it is.
 * @link_errors: link copies the link failed.
 * @link_tx_bytes: bytes sent over the link.
 * @link_rx_bytes: bytes the peer wrote into this card's window.
 * @link_cycles: the timing model's time for the link copies this card
 *	sent, in cycles at 2 GHz (set-up and ~50 GB/s each).
 * @reserved: zero.
 *
 * Read from the driver's sysfs directory
 * /sys/class/accel/accelN/device/telemetry/; reading never wakes the card.
 */
struct d1_telemetry {
	uint32_t temperature_mc;
	uint32_t power_mw;
	uint32_t pm_state;
	uint32_t num_queues;
	uint64_t device_resets;
	struct d1_queue_telemetry queue[D1_TELEMETRY_MAX_QUEUES];
	uint32_t link_up;
	uint32_t link_self;
	uint32_t link_peer;
	uint32_t link_errors;
	uint64_t link_tx_bytes;
	uint64_t link_rx_bytes;
	uint64_t link_cycles;
	uint64_t reserved[3];
};

/*
 * d1_device_telemetry - read @dev's telemetry.  D1_ERROR_NOT_SUPPORTED
 * when the driver exports none.
 */
D1_API d1_status d1_device_telemetry(d1_device *dev,
				     struct d1_telemetry *telemetry);

/*
 * d1_device_close - close @dev and free the handle.
 *
 * The handle is invalid afterwards, whatever the result.
 */
D1_API d1_status d1_device_close(d1_device *dev);

#if defined(__cplusplus)
}
#endif

#endif /* D1_DEVICE_H */

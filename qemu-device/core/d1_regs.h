/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * D1 DIP card hardware interface: PCI identity and BAR0 register map.
 *
 * Data only (no types, no logic): the one source both the QEMU device and
 * the d1.ko driver include, so the two cannot drift.  Every register is
 * 32 bits wide, little endian, accessed with naturally aligned 32-bit
 * loads/stores.  Documentation/accel/d1/hw-interface.rst is the prose form.
 */
#ifndef D1_REGS_H
#define D1_REGS_H

/* PCI identity (QEMU's experimental vendor range). */
#define D1_PCI_VENDOR_ID	0x1234
#define D1_PCI_DEVICE_ID	0xd1d1
#define D1_PCI_CLASS		0x1200	/* processing accelerator */

/* BARs */
#define D1_BAR_REGS		0	/* 64 KiB MMIO registers */
#define D1_BAR_HBM		2	/* 64-bit prefetchable HBM aperture */
#define D1_BAR_MSIX		4	/* MSI-X table and PBA */
#define D1_REGS_SIZE		0x10000

/* Identification */
#define D1_REG_ID		0x0000	/* reads D1_ID_MAGIC */
#define D1_ID_MAGIC		0xd1d1c0deu
#define D1_REG_VERSION		0x0004	/* major << 16 | minor */
#define D1_VERSION_MAJOR(v)	(((v) >> 16) & 0xffffu)
#define D1_VERSION_MINOR(v)	((v) & 0xffffu)
#define D1_HW_VERSION		0x00010000u	/* 1.0 */

/* Capabilities (read-only) */
#define D1_REG_GRID		0x0010	/* rows [15:0], cols [31:16] */
#define D1_GRID_ROWS(v)		((v) & 0xffffu)
#define D1_GRID_COLS(v)		(((v) >> 16) & 0xffffu)
#define D1_REG_NODES		0x0014	/* usable nodes in the grid */
#define D1_REG_SRAM_SIZE	0x0018	/* bytes of SRAM per node */
#define D1_REG_NUM_QUEUES	0x001c	/* hardware command queues */
#define D1_REG_NUM_CONTEXTS	0x0020	/* address-space contexts */
#define D1_REG_MSIX_VECTORS	0x0024	/* 1 + NUM_QUEUES */
#define D1_REG_HBM_SIZE_LO	0x0028	/* HBM bytes, low 32 bits */
#define D1_REG_HBM_SIZE_HI	0x002c	/* HBM bytes, high 32 bits */

/* Scratch: read back what was written; for bring-up checks. */
#define D1_REG_SCRATCH		0x0040

/*
 * Interrupts.  STATUS bits latch when an event happens; writing 1 clears
 * them.  An event raises its MSI-X vector only while its MASK bit is set
 * (1 = enabled).  Device events use vector D1_MSIX_VEC_DEVICE.
 */
#define D1_REG_IRQ_STATUS	0x0050
#define D1_REG_IRQ_MASK		0x0054
#define D1_IRQ_DOORBELL		(1u << 0)	/* doorbell request done */
#define D1_IRQ_ERROR		(1u << 1)	/* device error, see ERROR */
#define D1_IRQ_ALL		(D1_IRQ_DOORBELL | D1_IRQ_ERROR)
#define D1_MSIX_VEC_DEVICE	0

/*
 * Doorbell: writing a value V to DOORBELL makes the device store ~V in
 * DOORBELL_ACK, set D1_IRQ_DOORBELL and signal the device vector.  It
 * proves the register → device → interrupt → driver path end to end.
 */
#define D1_REG_DOORBELL		0x0060
#define D1_REG_DOORBELL_ACK	0x0064

/* Last device error (write 0 to clear) */
#define D1_REG_ERROR		0x0070
#define D1_ERROR_NONE		0
#define D1_ERROR_BAD_ACCESS	1	/* unaligned/unknown register access */

/* Write D1_RESET_MAGIC to reset the whole device to power-on state. */
#define D1_REG_RESET		0x0080
#define D1_RESET_MAGIC		0xd1e5e700u

#endif /* D1_REGS_H */

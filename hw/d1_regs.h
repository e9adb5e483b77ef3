/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * D1 DIP card hardware interface: PCI identity and BAR0 register map.
 *
 * Data only (macros, no types, no logic): the one source the QEMU device,
 * the d1.ko driver and the tests include, so they cannot drift.  Every
 * packed field has a mask/shift pair, or a packing macro, used on both
 * sides.  Every register is 32 bits wide, little endian, accessed with
 * naturally aligned 32-bit loads/stores.  The node ISA (what runs on the
 * nodes) is d1_isa.h beside this file; the driver does not need it.
 * Documentation/accel/d1/hw-interface.rst is the prose form.
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

/* The nodes' nominal clock: modelled cycles to device time. */
#define D1_NODE_CLOCK_MHZ	2000

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
#define D1_IRQ_FAULT		(1u << 2)	/* MMU fault latched, see FAULT_* */
#define D1_IRQ_ALL		(D1_IRQ_DOORBELL | D1_IRQ_ERROR | D1_IRQ_FAULT)
#define D1_MSIX_VEC_DEVICE	0
#define D1_MSIX_VEC_QUEUE(q)	(1 + (q))

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

/* MMU: write a context id to drop any cached translations of it. */
#define D1_REG_MMU_INVALIDATE	0x0090

/* Telemetry, emulated from activity */
#define D1_REG_TEMP_MC		0x00a0	/* die temperature, milli-degC */
#define D1_REG_POWER_MW		0x00a4	/* board power, mW */

/* Power management: write 1 to enter low power (queues must be idle). */
#define D1_REG_PM_CTRL		0x00b0
#define D1_REG_PM_STATE		0x00b4	/* D1_PM_ACTIVE or D1_PM_LOW */
#define D1_PM_ACTIVE		0
#define D1_PM_LOW		1

/* Device clock in ns (TIMESTAMP writes it); read LO first, it latches HI. */
#define D1_REG_TIME_LO		0x00c0
#define D1_REG_TIME_HI		0x00c4

/*
 * The node grid (read-only): nodes reserved by running launches now, and
 * the device image cache's lookups since reset.
 */
#define D1_REG_GRID_BUSY	0x00d0
#define D1_REG_ICACHE_HITS	0x00d4
#define D1_REG_ICACHE_MISSES	0x00d8

/*
 * Fault record: the first MMU fault since the last clear is latched here
 * (later ones only count).  Writing any value to FAULT_STATUS clears it.
 */
#define D1_REG_FAULT_STATUS	0x0100
#define D1_REG_FAULT_VA_LO	0x0104
#define D1_REG_FAULT_VA_HI	0x0108
#define D1_REG_FAULT_COUNT	0x010c	/* faults since reset */
#define D1_FAULT_VALID		(1u << 31)
#define D1_FAULT_CTX(v)		((v) & 0xffu)
#define D1_FAULT_QUEUE(v)	(((v) >> 8) & 0xffu)
#define D1_FAULT_ACCESS(v)	(((v) >> 16) & 0x3u)
#define D1_FAULT_REASON(v)	(((v) >> 20) & 0xfu)	/* D1_MMU_* */
#define D1_ACCESS_READ		0
#define D1_ACCESS_WRITE		1
#define D1_ACCESS_EXEC		2
#define D1_MMU_UNMAPPED	1	/* no valid PTE */
#define D1_MMU_PERMISSION	2	/* R/W/X bit missing */
#define D1_MMU_BAD_PTE	3	/* reserved bits or bad level */
#define D1_MMU_RANGE		4	/* HBM offset beyond HBM */
#define D1_MMU_BUS		5	/* page-table or host DMA error */
#define D1_MMU_BAD_CTX	6	/* queue bound to an invalid context */

/*
 * DIP-to-DIP link: one per card, to the card its "link-peer" property
 * names (modelled on Dojo's TTPoE; see hw-interface.rst).  LINK_COPY
 * commands send bytes to the peer's HBM, into the window the peer opened
 * (LINK_WIN_*, HBM offsets, 4 KiB aligned; size 0, the reset value,
 * closes it).  Link addresses name the cards of one system (0: none).
 */
#define D1_REG_LINK_STATUS	0x0200	/* R: D1_LINK_UP while the peer is there */
#define D1_LINK_UP		(1u << 0)
/* The link is a stream to another system: LINK_PEER is an address there. */
#define D1_LINK_STREAM		(1u << 1)
#define D1_REG_LINK_SELF	0x0204	/* R: this card's link address */
#define D1_REG_LINK_PEER	0x0208	/* R: the peer's link address, 0 if down */
#define D1_REG_LINK_WIN_BASE_LO	0x0210	/* RW: window base, HBM offset */
#define D1_REG_LINK_WIN_BASE_HI	0x0214
#define D1_REG_LINK_WIN_SIZE_LO	0x0218	/* RW: window bytes */
#define D1_REG_LINK_WIN_SIZE_HI	0x021c
#define D1_REG_LINK_TX_LO	0x0220	/* bytes sent to the peer */
#define D1_REG_LINK_TX_HI	0x0224
#define D1_REG_LINK_RX_LO	0x0228	/* bytes received into the window */
#define D1_REG_LINK_RX_HI	0x022c
#define D1_REG_LINK_ERRORS	0x0230	/* LINK_COPYs the link failed */
#define D1_REG_LINK_CYCLES_LO	0x0238	/* modelled cycles of the copies */
#define D1_REG_LINK_CYCLES_HI	0x023c

/*
 * Contexts: each has a 3-level page table in host memory (bus address of
 * the 4 KiB-aligned root table).  CTX_CTRL.VALID enables it.
 */
#define D1_REG_CTX_BASE		0x3000
#define D1_CTX_STRIDE		0x10
#define D1_REG_CTX(c, r)	(D1_REG_CTX_BASE + (c) * D1_CTX_STRIDE + (r))
#define D1_CTX_PT_LO		0x0
#define D1_CTX_PT_HI		0x4
#define D1_CTX_CTRL		0x8
#define D1_CTX_VALID		(1u << 0)

/*
 * Per-context usage (read-only): what the context's LAUNCHes used, for
 * per-process accounting (DRM fdinfo).  A write of the context's CTX_CTRL
 * and a device reset clear them, so a new binding starts from zero.
 */
#define D1_REG_CTX_STAT_BASE	0x4000
#define D1_CTX_STAT_STRIDE	0x10
#define D1_REG_CTX_STAT(c, r)	\
	(D1_REG_CTX_STAT_BASE + (c) * D1_CTX_STAT_STRIDE + (r))
#define D1_CTX_CYCLES_LO	0x0	/* modelled cycles (sum of the reports') */
#define D1_CTX_CYCLES_HI	0x4
#define D1_CTX_GRID_NS_LO	0x8	/* time its LAUNCHes held their nodes */
#define D1_CTX_GRID_NS_HI	0xc

/*
 * Page tables: 39-bit device VA, 4 KiB pages, 512 64-bit entries a level.
 * Root index VA[38:30], middle VA[29:21], leaf VA[20:12].  A LEAF entry
 * in the root maps 1 GiB, in the middle 2 MiB; leaf-level entries must
 * have LEAF set.  Non-leaf entries hold the next table's bus address.
 */
#define D1_VA_BITS		39
#define D1_PAGE_SHIFT		12
#define D1_PAGE_SIZE		(1ull << D1_PAGE_SHIFT)
#define D1_PT_LEVELS		3
#define D1_PT_ENTRIES		512
#define D1_PT_SHIFT(level)	(D1_PAGE_SHIFT + 9 * (level))	/* level 0 = leaf */
#define D1_PTE_VALID		(1ull << 0)
#define D1_PTE_READ		(1ull << 1)
#define D1_PTE_WRITE		(1ull << 2)
#define D1_PTE_EXEC		(1ull << 3)
#define D1_PTE_HBM		(1ull << 4)	/* address is an HBM offset */
#define D1_PTE_LEAF		(1ull << 7)
#define D1_PTE_ADDR_MASK	0x000ffffffffff000ull	/* bits 51:12 */
#define D1_PTE_RSVD_MASK	0xfff0000000000f60ull	/* must be zero */

/*
 * Command queues.  Each is a ring of 64-byte descriptors in host memory
 * (bus address, 64-byte aligned, SIZE entries, a power of two 2..65536).
 * The driver writes descriptors at TAIL and then TAIL itself (the doorbell);
 * the device executes from HEAD in order.  A failing command stops the
 * queue with HEAD on it and STATUS.STOPPED set; Q_CTRL.RESET recovers.
 */
#define D1_REG_QUEUE_BASE	0x1000
#define D1_QUEUE_STRIDE		0x80
#define D1_REG_Q(q, r)		(D1_REG_QUEUE_BASE + (q) * D1_QUEUE_STRIDE + (r))
#define D1_Q_RING_LO		0x00
#define D1_Q_RING_HI		0x04
#define D1_Q_RING_SIZE		0x08	/* entries */
#define D1_Q_CTX		0x0c	/* context the queue runs in */
#define D1_Q_CTRL		0x10
#define D1_Q_CTRL_ENABLE	(1u << 0)
#define D1_Q_CTRL_RESET		(1u << 1)	/* write 1: abort, HEAD=TAIL=0 */
#define D1_Q_STATUS		0x14
#define D1_Q_STATUS_BUSY	(1u << 0)
#define D1_Q_STATUS_STOPPED	(1u << 1)
#define D1_Q_STATUS_GRID_WAIT	(1u << 2)	/* LAUNCH waits for its nodes */
#define D1_Q_STATUS_ERROR(v)	(((v) >> 8) & 0xffu)
#define D1_Q_HEAD		0x18	/* R: next descriptor to execute */
#define D1_Q_TAIL		0x1c	/* RW: producer index; write = doorbell */
#define D1_Q_FENCE		0x20	/* R: seqno of the last FENCE command */
#define D1_Q_IRQ_STATUS		0x24	/* RW1C */
#define D1_Q_IRQ_MASK		0x28
#define D1_Q_IRQ_COMPLETE	(1u << 0)	/* a command with F_IRQ finished */
#define D1_Q_IRQ_ERROR		(1u << 1)	/* the queue stopped */
/* Telemetry, 64-bit counters as LO/HI pairs (read HI, LO, HI again) */
#define D1_Q_CMDS_LO		0x40	/* commands completed */
#define D1_Q_CMDS_HI		0x44
#define D1_Q_BUSY_NS_LO		0x48	/* time spent executing */
#define D1_Q_BUSY_NS_HI		0x4c
#define D1_Q_DMA_BYTES_LO	0x50	/* bytes moved by COPY */
#define D1_Q_DMA_BYTES_HI	0x54
#define D1_Q_INSTRET_LO		0x58	/* node instructions retired */
#define D1_Q_INSTRET_HI		0x5c
#define D1_Q_FAULTS		0x60	/* commands that failed */
/*
 * How long the LAUNCH at HEAD has been running on the grid, in ns of the
 * device clock; 0 while it waits for its nodes or HEAD is not a LAUNCH.
 * Read LO first: it latches HI.
 */
#define D1_Q_RUN_NS_LO		0x68
#define D1_Q_RUN_NS_HI		0x6c
/* Modelled cycles of its LAUNCHes: the sum of their report's cycles */
#define D1_Q_CYCLES_LO		0x70
#define D1_Q_CYCLES_HI		0x74

/* Queue error codes (Q_STATUS.ERROR) */
#define D1_QERR_NONE		0
#define D1_QERR_BAD_OPCODE	1
#define D1_QERR_BAD_DESC	2	/* reserved bits, bad sizes */
#define D1_QERR_MMU_FAULT	3	/* see FAULT_* */
#define D1_QERR_NODE_FAULT	4	/* a node faulted; see the report */
#define D1_QERR_TIMEOUT		5	/* launch exceeded its budget */
#define D1_QERR_DEADLOCK	6	/* all harts blocked on semaphores */
#define D1_QERR_RING		7	/* ring not readable / bad config */
#define D1_QERR_ABORTED		8	/* queue reset during the command */
#define D1_QERR_TIME_LIMIT	9	/* launch ran past its time limit */
#define D1_QERR_LINK_DOWN	10	/* LINK_COPY: no peer, or it went away */
#define D1_QERR_LINK_WINDOW	11	/* LINK_COPY: outside the peer's window */
#define D1_QERR_LINK_RESET	12	/* LINK_COPY: the peer reset meanwhile */

/*
 * Descriptor: 8 little-endian 64-bit words.  Word 0 is the header:
 * opcode [7:0], flags [15:8], context [23:16] (used with D1_DESC_F_CTX,
 * else zero), reserved [31:24] (zero), seqno [63:32].
 * Words 1..7 are per opcode; unused words must be zero.
 */
#define D1_DESC_SIZE		64
#define D1_DESC_WORDS		8
#define D1_DESC_OPCODE(h)	((h) & 0xffu)
#define D1_DESC_FLAGS(h)	(((h) >> 8) & 0xffu)
#define D1_DESC_SEQNO(h)	((h) >> 32)
#define D1_DESC_CTX(h)		(((h) >> 16) & 0xffu)
#define D1_DESC_HDR_RSVD	0x00000000ff000000ull
#define D1_DESC_HDR(op, flags, seq) \
	((unsigned long long)(op) | (unsigned long long)(flags) << 8 | \
	 (unsigned long long)(seq) << 32)
#define D1_DESC_F_IRQ		(1u << 0)	/* raise Q_IRQ_COMPLETE when done */
#define D1_DESC_F_FENCE		(1u << 1)	/* set Q_FENCE = seqno when done */
#define D1_DESC_F_CTX		(1u << 2)	/* run in the header's context */
#define D1_DESC_F_ALL		(D1_DESC_F_IRQ | D1_DESC_F_FENCE | D1_DESC_F_CTX)
#define D1_DESC_HDR_CTX(ctx)	((unsigned long long)(ctx) << 16)

#define D1_OP_NOP		0x00
/* COPY: w1 src VA, w2 dst VA, w3 bytes (any alignment, <= 1 GiB) */
#define D1_OP_COPY		0x01
/*
 * LAUNCH: w1 image VA (ELF), w2 image bytes | report bytes, w3 args VA
 * (0 = none), w4 the node rectangle, w5 args bytes | harts per node |
 * time limit in ms on the grid (0 = none), w6 instruction budget per
 * hart (0 = unlimited), w7 report VA (see the launch report below).
 * Pack and unpack w2, w4 and w5 only with the macros below.
 */
#define D1_OP_LAUNCH		0x02
#define D1_LAUNCH_W2(image_bytes, report_bytes) \
	((unsigned long long)(image_bytes) | \
	 (unsigned long long)(report_bytes) << 32)
#define D1_LAUNCH_W2_IMAGE(w)	((unsigned int)((w) & 0xffffffffu))
#define D1_LAUNCH_W2_REPORT(w)	((unsigned int)((w) >> 32))
#define D1_LAUNCH_W4(x0, y0, cols, rows) \
	((unsigned long long)(x0) | (unsigned long long)(y0) << 16 | \
	 (unsigned long long)(cols) << 32 | (unsigned long long)(rows) << 48)
#define D1_LAUNCH_W4_X0(w)	((unsigned int)((w) & 0xffffu))
#define D1_LAUNCH_W4_Y0(w)	((unsigned int)(((w) >> 16) & 0xffffu))
#define D1_LAUNCH_W4_COLS(w)	((unsigned int)(((w) >> 32) & 0xffffu))
#define D1_LAUNCH_W4_ROWS(w)	((unsigned int)(((w) >> 48) & 0xffffu))
#define D1_LAUNCH_W5(args_bytes, harts, limit_ms) \
	((unsigned long long)(args_bytes) | (unsigned long long)(harts) << 32 | \
	 (unsigned long long)(limit_ms) << 40)
#define D1_LAUNCH_W5_ARGS(w)	((unsigned int)((w) & 0xffffffffu))
#define D1_LAUNCH_W5_HARTS(w)	((unsigned int)(((w) >> 32) & 0xfu))
#define D1_LAUNCH_W5_LIMIT(w)	((unsigned int)((w) >> 40))
#define D1_LAUNCH_W5_RSVD	0x000000f000000000ull	/* must be zero */
/* Limits of a LAUNCH (the node ISA's argument area and harts match). */
#define D1_LAUNCH_IMAGE_MAX	(16u << 20)	/* image bytes */
#define D1_LAUNCH_ARGS_MAX	4096u		/* argument bytes */
#define D1_LAUNCH_HARTS_MAX	4u		/* harts per node */
#define D1_LAUNCH_LIMIT_MAX_MS	0xffffffu	/* time limit, ~4.6 hours */
/* SIGNAL: w1 VA of a u64, w2 value to store */
#define D1_OP_SIGNAL		0x03
/* WAIT: w1 VA of a u64, w2 value; completes once *VA >= value */
#define D1_OP_WAIT		0x04
/* TIMESTAMP: w1 VA of a u64 that receives the device clock (ns) */
#define D1_OP_TIMESTAMP		0x05
/*
 * LINK_COPY: w1 src VA (this card's context), w2 dst offset in the link
 * peer's window, w3 bytes (any alignment, <= 1 GiB).  The whole range
 * must fit the window or nothing moves.
 */
#define D1_OP_LINK_COPY		0x06

#define D1_COPY_MAX		(1ull << 30)

/*
 * Launch report, written to the report VA when a LAUNCH ends (also on
 * failure): a 64-byte header, one record per node of the rect in
 * row-major order, then device printf text filling the rest.  A record is
 * 256 bytes (the 32-byte base record and the node's counters) when the
 * report holds D1_REPORT_SIZE_CTR(nodes) bytes, else the 32-byte base
 * record alone; the header's node size says which.  Byte offsets below;
 * all fields little endian.  The uAPI's struct drm_d1_launch_report,
 * drm_d1_launch_node and drm_d1_launch_node_counters are this layout
 * (the driver pins it at build time).
 */
#define D1_REPORT_MAGIC		0xd1a0c0deu
#define D1_REPORT_HDR_SIZE	64
#define D1_REPORT_NODE_SIZE	32	/* base record */
#define D1_REPORT_NODE_SIZE_CTR	256	/* base record + counters */
#define D1_REPORT_SIZE(nodes)	(D1_REPORT_HDR_SIZE + \
				 (nodes) * D1_REPORT_NODE_SIZE)
#define D1_REPORT_SIZE_CTR(nodes) (D1_REPORT_HDR_SIZE + \
				   (nodes) * D1_REPORT_NODE_SIZE_CTR)
/* header */
#define D1_REPORT_MAGIC_OFF	0	/* u32 D1_REPORT_MAGIC */
#define D1_REPORT_STATUS_OFF	4	/* u32 a D1_QERR_* */
#define D1_REPORT_NODES_OFF	8	/* u32 node records */
#define D1_REPORT_PRINTF_OFF	12	/* u32 printf bytes written */
#define D1_REPORT_DROPPED_OFF	16	/* u32 printf bytes dropped */
#define D1_REPORT_NODE_SIZE_OFF	20	/* u32 bytes of one node record */
#define D1_REPORT_INSTRET_OFF	24	/* u64 instructions retired */
#define D1_REPORT_CYCLES_OFF	32	/* u64 cycles, max over nodes */
#define D1_REPORT_GRID_NS_OFF	40	/* u64 device ns on the grid */
/* node record: base */
#define D1_REPORT_N_EXIT_OFF	0	/* u32 exit code of hart 0 */
#define D1_REPORT_N_FAULT_OFF	4	/* u32 a D1_NODE_FAULT_* */
#define D1_REPORT_N_HART_OFF	8	/* u32 faulting hart */
#define D1_REPORT_N_STATE_OFF	12	/* u32 a D1_NODE_STATE_* */
#define D1_REPORT_N_PC_OFF	16	/* u64 fault PC */
#define D1_REPORT_N_ADDR_OFF	24	/* u64 fault address */
/* node record: counters (256-byte records only), all u64 */
#define D1_REPORT_N_CYCLES_OFF	32	/* modelled node cycles */
#define D1_REPORT_N_INSTRET_OFF	40	/* [4] instructions per hart */
#define D1_REPORT_N_STALL_DMA_OFF 72	/* stall cycles: DMA waits */
#define D1_REPORT_N_STALL_SEM_OFF 80	/* semaphore waits */
#define D1_REPORT_N_STALL_BAR_OFF 88	/* barrier waits */
#define D1_REPORT_N_VEC_OPS_OFF	96	/* vector instructions */
#define D1_REPORT_N_MAT_OPS_OFF	104	/* vmma instructions */
#define D1_REPORT_N_FLOPS_OFF	112	/* floating point ops */
#define D1_REPORT_N_HBM_RD_OFF	120	/* DMA bytes HBM -> SRAM */
#define D1_REPORT_N_HBM_WR_OFF	128	/* DMA bytes SRAM -> HBM */
#define D1_REPORT_N_NODE_OUT_OFF 136	/* DMA bytes sent to nodes */
#define D1_REPORT_N_NODE_IN_OFF	144	/* DMA bytes received from nodes */
#define D1_REPORT_N_LINK_OFF	152	/* [4] mesh link bytes out: E W N S */
#define D1_REPORT_N_RSVD_OFF	184	/* zero up to the record's end */
/* node states in the report */
#define D1_NODE_STATE_NONE	0	/* not reported (older devices) */
#define D1_NODE_STATE_EXITED	1	/* hart 0 exited */
#define D1_NODE_STATE_FAULTED	2	/* a hart faulted */
#define D1_NODE_STATE_BUDGET	3	/* a hart used its budget up */
#define D1_NODE_STATE_DEADLOCK	4	/* every live hart was blocked */
#define D1_NODE_STATE_STOPPED	5	/* the launch was aborted */
#define D1_NODE_STATE_TIME_LIMIT 6	/* the launch ran past its limit */
/* node fault codes in the report (the node ISA's D1_FAULT_* values) */
#define D1_NODE_FAULT_NONE		0
#define D1_NODE_FAULT_ILLEGAL		1
#define D1_NODE_FAULT_FETCH		2
#define D1_NODE_FAULT_MISALIGNED_PC	3
#define D1_NODE_FAULT_LOAD		4
#define D1_NODE_FAULT_STORE		5
#define D1_NODE_FAULT_ECALL		6
#define D1_NODE_FAULT_BREAKPOINT	7
#define D1_NODE_FAULT_DMA		8
#define D1_NODE_FAULT_SYNC		9
#define D1_NODE_FAULT_PEER		10	/* address: the node named */

#endif /* D1_REGS_H */

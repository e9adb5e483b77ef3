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

/*
 * The uAPI version this header describes.  The driver reports the version
 * it implements in drm_d1_device_info (uapi_major, uapi_minor) and as its
 * DRM driver version (DRM_IOCTL_VERSION).  The major grows when something
 * is removed or changes meaning, the minor when something is added
 * (history: Documentation/accel/d1/uapi.rst).
 */
#define DRM_D1_UAPI_VERSION_MAJOR	2
#define DRM_D1_UAPI_VERSION_MINOR	3

#define DRM_D1_QUERY			0x00
#define DRM_D1_PING			0x01
#define DRM_D1_BO_CREATE		0x02
/* 0x03 is retired (BO_MMAP_OFFSET until 2.0; BO_INFO gives mmap_offset). */
#define DRM_D1_BO_INFO			0x04
#define DRM_D1_VM_BIND			0x05
#define DRM_D1_VM_UNBIND		0x06
#define DRM_D1_SUBMIT			0x07
#define DRM_D1_GET_CONTEXT_STATUS	0x08

#define DRM_IOCTL_D1_QUERY \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_D1_QUERY, struct drm_d1_query)
#define DRM_IOCTL_D1_PING \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_D1_PING, struct drm_d1_ping)
#define DRM_IOCTL_D1_BO_CREATE \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_D1_BO_CREATE, struct drm_d1_bo_create)
#define DRM_IOCTL_D1_BO_INFO \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_D1_BO_INFO, struct drm_d1_bo_info)
#define DRM_IOCTL_D1_VM_BIND \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_D1_VM_BIND, struct drm_d1_vm_bind)
#define DRM_IOCTL_D1_VM_UNBIND \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_D1_VM_UNBIND, struct drm_d1_vm_unbind)
#define DRM_IOCTL_D1_SUBMIT \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_D1_SUBMIT, struct drm_d1_submit)
#define DRM_IOCTL_D1_GET_CONTEXT_STATUS \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_D1_GET_CONTEXT_STATUS, \
		 struct drm_d1_context_status)

/* drm_d1_query.param values */
#define DRM_D1_QUERY_DEVICE_INFO	0	/* struct drm_d1_device_info */
#define DRM_D1_QUERY_SUBMIT_INFO	1	/* struct drm_d1_submit_info */

/**
 * struct drm_d1_query - read a block of device information
 * @param: what to read:
 *
 *         %DRM_D1_QUERY_DEVICE_INFO: &struct drm_d1_device_info.
 *
 *         %DRM_D1_QUERY_SUBMIT_INFO: &struct drm_d1_submit_info (-EINVAL
 *         from a driver without memory management and submission).
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
 * @pci_device: PCI device ID (0xd1d1).
 * @grid_rows: rows of the node mesh.
 * @grid_cols: columns of the node mesh.
 * @node_count: usable nodes in the mesh: node y * @grid_cols + x is usable
 *              when its index is below @node_count.
 * @sram_per_node: bytes of SRAM per node.
 * @num_queues: hardware command queues.
 * @num_contexts: device address-space contexts (files with a mapping).
 * @hbm_size: bytes of HBM on the card, the size of PCI BAR2.
 * @uapi_major: major uAPI version the driver implements
 *              (DRM_D1_UAPI_VERSION_MAJOR of its header); drivers before
 *              2.0 do not report it (the field reads as 0 when zeroed).
 * @uapi_minor: minor uAPI version the driver implements.
 *
 * The values are read from the card at probe and do not change while the
 * driver is bound.  New fields are only ever appended.
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
	__u32 uapi_major;
	__u32 uapi_minor;
};

/**
 * struct drm_d1_submit_info - DRM_D1_QUERY_SUBMIT_INFO block: the limits
 * of memory management and command submission
 * @va_start: lowest device VA that VM_BIND uses or accepts.
 * @va_end: end (exclusive) of the VM_BIND range.
 * @page_size: device MMU page size; BO sizes, VM_BIND offsets, sizes and
 *             VAs are multiples of it.
 * @submit_queues: queues SUBMIT accepts (0..submit_queues-1); may be
 *                 fewer than num_queues (module parameter ``queues``).
 * @max_cmds: most commands in one SUBMIT.
 * @max_syncs: most in-syncs, and most out-syncs, in one SUBMIT.
 * @job_timeout_ms: a job making no progress this long is stopped and its
 *                  fence signalled with -ETIMEDOUT; also the time limit
 *                  of a LAUNCH that sets none.
 * @max_time_limit_ms: the largest &drm_d1_cmd.time_limit_ms SUBMIT
 *                     accepts (module parameter ``max_time_limit_ms``,
 *                     never below @job_timeout_ms); 0 from drivers
 *                     before uAPI 2.1.
 * @hbm_free: bytes of HBM not allocated to BOs when queried.
 *
 * New fields are only ever appended.
 */
struct drm_d1_submit_info {
	__u64 va_start;
	__u64 va_end;
	__u32 page_size;
	__u32 submit_queues;
	__u32 max_cmds;
	__u32 max_syncs;
	__u32 job_timeout_ms;
	__u32 max_time_limit_ms;
	__u64 hbm_free;
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

/* drm_d1_bo_create.placement */
#define DRM_D1_BO_HOST		0
#define DRM_D1_BO_HBM		1
#define DRM_D1_BO_PEER		2	/* BO_INFO only (uAPI 2.3) */

/**
 * struct drm_d1_bo_create - allocate a buffer object
 * @size: in: bytes (rounded up to the page size); out: the BO's size.
 *        0 or more than the placement can ever hold is -EINVAL.
 * @placement: where the memory is: %DRM_D1_BO_HOST, host pages the
 *             device reaches by DMA, or %DRM_D1_BO_HBM, the card's HBM
 *             (CPU mappings go through PCI BAR2).
 * @flags: must be zero.
 * @handle: out: the GEM handle, valid in this file only.
 * @pad: must be zero.
 *
 * New BOs read as zero.  -ENOSPC when HBM has no free range that large.
 *
 * An HBM BO may be exported with DRM_IOCTL_PRIME_HANDLE_TO_FD (uAPI 2.3);
 * only d1 devices import the dma-buf.  Imported into the card that made
 * it, it is the same BO; imported into the card whose DIP-to-DIP link
 * sends to that card, it is a %DRM_D1_BO_PEER BO, which names the memory
 * as a LINK_COPY destination and nothing else; imported into any other
 * card, -EXDEV.
 */
struct drm_d1_bo_create {
	__u64 size;
	__u32 placement;
	__u32 flags;
	__u32 handle;
	__u32 pad;
};

/**
 * struct drm_d1_bo_info - describe a BO
 * @handle: the BO.
 * @flags: must be zero.
 * @size: out: bytes.
 * @placement: out: DRM_D1_BO_HOST, DRM_D1_BO_HBM or DRM_D1_BO_PEER (an
 *             HBM BO of the link peer card, imported through PRIME).
 * @pad: out: zero.
 * @mmap_offset: out: the fake offset that maps the BO: pass it to mmap()
 *               on the same fd (MAP_SHARED).  mmap() of a peer BO fails
 *               with -EINVAL: the CPU cannot reach the peer's HBM.
 */
struct drm_d1_bo_info {
	__u32 handle;
	__u32 flags;
	__u64 size;
	__u32 placement;
	__u32 pad;
	__u64 mmap_offset;
};

/* drm_d1_vm_bind.flags */
#define DRM_D1_VM_READ		(1u << 0)
#define DRM_D1_VM_WRITE		(1u << 1)
#define DRM_D1_VM_FIXED		(1u << 2)
#define DRM_D1_VM_FLAGS		(DRM_D1_VM_READ | DRM_D1_VM_WRITE | \
				 DRM_D1_VM_FIXED)

/**
 * struct drm_d1_vm_bind - map a BO range into this file's device VA space
 * @handle: the BO.
 * @flags: at least one of %DRM_D1_VM_READ (the device may read) and
 *         %DRM_D1_VM_WRITE (it may write); %DRM_D1_VM_FIXED maps at @va,
 *         without it the driver picks the VA (2 MiB aligned for ranges of
 *         2 MiB or more).  A peer BO takes %DRM_D1_VM_WRITE without
 *         %DRM_D1_VM_READ: its range only names LINK_COPY destinations
 *         (the card's MMU does not map it; any other command naming it
 *         is refused).
 * @offset: page-aligned offset into the BO.
 * @size: page-aligned bytes, 1 page up to the end of the BO; 0 means
 *        from @offset to the end of the BO.
 * @va: in with DRM_D1_VM_FIXED: page-aligned VA inside
 *      [va_start, va_end) of the submit info, not overlapping an existing
 *      mapping (-ENOSPC if it does); otherwise ignored (must be zero).
 *      Out: the VA of the mapping.
 *
 * The mapping holds a reference to the BO: closing the handle does not
 * unmap it.  -ENOSPC also when no free VA range is large enough or no
 * hardware context is free for this file (the card has num_contexts).
 */
struct drm_d1_vm_bind {
	__u32 handle;
	__u32 flags;
	__u64 offset;
	__u64 size;
	__u64 va;
};

/**
 * struct drm_d1_vm_unbind - remove a mapping made by VM_BIND
 * @va: the VA VM_BIND returned (start of the mapping).
 * @size: 0, or the mapping's size.
 * @flags: must be zero.
 * @pad: must be zero.
 *
 * Waits until the jobs this file submitted earlier have finished, then
 * unmaps.  -ENOENT when no mapping starts at @va.
 */
struct drm_d1_vm_unbind {
	__u64 va;
	__u64 size;
	__u32 flags;
	__u32 pad;
};

/* drm_d1_cmd.op */
#define DRM_D1_CMD_COPY		1
#define DRM_D1_CMD_LAUNCH	2
#define DRM_D1_CMD_SIGNAL	3
#define DRM_D1_CMD_WAIT		4
#define DRM_D1_CMD_TIMESTAMP	5
#define DRM_D1_CMD_LINK_COPY	6	/* uAPI 2.3 */

/**
 * struct drm_d1_cmd_copy - copy @size bytes from @src to @dst (device VAs)
 * @src: readable VA range (host or HBM BO).
 * @dst: writable VA range; for %DRM_D1_CMD_LINK_COPY a range inside one
 *       mapping of a peer BO (%DRM_D1_BO_PEER).
 * @size: 1 byte up to 1 GiB, any alignment.
 */
struct drm_d1_cmd_copy {
	__u64 src;
	__u64 dst;
	__u64 size;
};

/**
 * struct drm_d1_cmd_launch - run an RV64 ELF kernel on a rectangle of nodes
 * @image: readable VA of the ELF image.
 * @image_size: bytes, 1 up to 16 MiB.
 * @report_size: bytes at @report, at least
 *               sizeof(struct drm_d1_launch_report) +
 *               sizeof(struct drm_d1_launch_node) * @cols * @rows;
 *               with room for sizeof(struct drm_d1_launch_report) +
 *               (sizeof(struct drm_d1_launch_node) +
 *               sizeof(struct drm_d1_launch_node_counters)) * @cols *
 *               @rows (uAPI 2.2) the records carry the nodes' counters.
 * @args: readable VA of the argument block, 0 when @args_size is 0.
 * @args_size: bytes copied to every node's argument area, up to 4096.
 * @harts: harts per node, 1..4.
 * @x0: first column of the rectangle.  The kernel sees the rectangle as
 *       its grid: node ids and coordinates are relative to it, and DMA or
 *       semaphores naming a node outside it fault
 *       (%DRM_D1_NODE_FAULT_PEER).
 * @y0: first row.
 * @cols: columns, >= 1.
 * @rows: rows, >= 1; the rectangle lies in the grid and its nodes are
 *        usable (index y * grid_cols + x < node_count).
 * @budget: instructions per hart before the launch fails with
 *          DRM_D1_ERROR_BUDGET; 0 means none (its time limit applies).
 * @report: writable VA of the launch report, a &drm_d1_launch_report
 *          followed by its node records and printf text.
 *
 * The kernel's own DMA is not checked at SUBMIT: the device MMU checks
 * it, and a bad address fails the job with %DRM_D1_ERROR_MMU_FAULT.
 * LAUNCHes share the node grid: those on disjoint rectangles run at the
 * same time, whatever their queues and files; overlapping ones run in the
 * order they reached the device.  Every launch starts on nodes scrubbed
 * of what ran there before.  Its time limit is &drm_d1_cmd.time_limit_ms.
 */
struct drm_d1_cmd_launch {
	__u64 image;
	__u32 image_size;
	__u32 report_size;
	__u64 args;
	__u32 args_size;
	__u32 harts;
	__u16 x0;
	__u16 y0;
	__u16 cols;
	__u16 rows;
	__u64 budget;
	__u64 report;
};

/**
 * struct drm_d1_cmd_mem - SIGNAL, WAIT and TIMESTAMP
 * @va: 8-byte aligned VA of a little-endian u64: writable for SIGNAL and
 *      TIMESTAMP, readable for WAIT.
 * @value: SIGNAL stores it; WAIT completes once the u64 is >= it (any
 *         queue's SIGNAL or a CPU write); zero for TIMESTAMP, which
 *         stores the device clock in ns.
 */
struct drm_d1_cmd_mem {
	__u64 va;
	__u64 value;
};

/**
 * struct drm_d1_cmd - one command of a SUBMIT (72 bytes; 64 before
 * @time_limit_ms, which &drm_d1_submit.cmd_size tells the kernel)
 * @op: what to do:
 *
 *      %DRM_D1_CMD_COPY: copy bytes, @copy.
 *
 *      %DRM_D1_CMD_LAUNCH: run a kernel on the node grid, @launch.
 *
 *      %DRM_D1_CMD_SIGNAL: store a value, @mem; wakes WAITs on every
 *      queue.
 *
 *      %DRM_D1_CMD_WAIT: wait for a value, @mem.  A WAIT that is never
 *      satisfied is a hang (the job timeout applies).
 *
 *      %DRM_D1_CMD_TIMESTAMP: store the device clock, @mem.
 *
 *      %DRM_D1_CMD_LINK_COPY: copy bytes over the DIP-to-DIP link into
 *      the HBM of the link peer card, @copy (uAPI 2.3).
 * @flags: must be zero.
 * @copy: the arguments of %DRM_D1_CMD_COPY and %DRM_D1_CMD_LINK_COPY.
 * @launch: the arguments of %DRM_D1_CMD_LAUNCH.
 * @mem: the arguments of %DRM_D1_CMD_SIGNAL, %DRM_D1_CMD_WAIT and
 *       %DRM_D1_CMD_TIMESTAMP.
 * @pad: the union's size; bytes an op does not use must be zero.
 * @time_limit_ms: %DRM_D1_CMD_LAUNCH: the launch is stopped once it has
 *                 run this long on its nodes (time spent waiting for
 *                 nodes other launches hold does not count) and fails
 *                 with %DRM_D1_ERROR_TIME_LIMIT; 0 means the job timeout
 *                 (&drm_d1_submit_info.job_timeout_ms); more than
 *                 &drm_d1_submit_info.max_time_limit_ms is -EINVAL.  Zero
 *                 for other ops.
 * @pad2: must be zero.
 *
 * Every VA range a command names must be covered, without gaps, by this
 * file's VM_BIND mappings with the access the command needs, at the time
 * of the SUBMIT (-EINVAL otherwise).  Peer BO mappings serve only as the
 * destination of %DRM_D1_CMD_LINK_COPY, which must lie in one of them.
 */
struct drm_d1_cmd {
	__u32 op;
	__u32 flags;
	union {
		struct drm_d1_cmd_copy copy;
		struct drm_d1_cmd_launch launch;
		struct drm_d1_cmd_mem mem;
		__u64 pad[7];
	};
	__u32 time_limit_ms;
	__u32 pad2;
};

/**
 * struct drm_d1_sync - a syncobj and a point on it
 * @handle: syncobj handle (DRM_IOCTL_SYNCOBJ_CREATE on this fd).
 * @flags: must be zero.
 * @point: 0 for a binary syncobj (its current fence), else a timeline
 *         point.
 */
struct drm_d1_sync {
	__u32 handle;
	__u32 flags;
	__u64 point;
};

/**
 * struct drm_d1_submit - queue a job: commands run in order on one queue
 * @queue: hardware queue, < submit_queues of the submit info.
 * @flags: must be zero.
 * @cmds: user pointer to @cmd_count commands, @cmd_size bytes apart.
 * @cmd_count: 1..max_cmds.
 * @cmd_size: sizeof(struct drm_d1_cmd) as the caller knows it: at least
 *            64 (then &drm_d1_cmd.time_limit_ms reads as 0), at most
 *            4096; bytes beyond what the kernel knows must be zero.
 * @in_syncs: user pointer to @in_sync_count drm_d1_sync: the job starts
 *            after all these fences signal.
 * @out_syncs: user pointer to @out_sync_count drm_d1_sync: each gets the
 *             job's completion fence (replacing a binary syncobj's fence,
 *             or adding the timeline point).
 * @in_sync_count: 0..max_syncs.
 * @out_sync_count: 0..max_syncs.
 * @sync_size: sizeof(struct drm_d1_sync) as the caller knows it, 16..4096
 *             (ignored when both counts are 0).
 * @pad: must be zero.
 *
 * The job's fence signals when its last command completes; with an error
 * when the job failed: -EIO (the device stopped it: MMU or node fault,
 * budget, deadlock, refused command), -ETIMEDOUT (a LAUNCH ran past its
 * time limit - the device stopped it and wrote its report - or the job
 * made no progress for the job timeout and its queue was reset; never for
 * time a LAUNCH spends waiting for nodes), -ECANCELED (not run because
 * this file was guilty), -ENODEV (the card went away first).  A failed job makes the file guilty:
 * SUBMIT then returns -ECANCELED until GET_CONTEXT_STATUS with
 * DRM_D1_CONTEXT_STATUS_CLEAR (or a new open).
 */
struct drm_d1_submit {
	__u32 queue;
	__u32 flags;
	__u64 cmds;
	__u32 cmd_count;
	__u32 cmd_size;
	__u64 in_syncs;
	__u64 out_syncs;
	__u32 in_sync_count;
	__u32 out_sync_count;
	__u32 sync_size;
	__u32 pad;
};

/* drm_d1_context_status.error, drm_d1_launch_report.status */
#define DRM_D1_ERROR_NONE	0
#define DRM_D1_ERROR_BAD_CMD	2
#define DRM_D1_ERROR_MMU_FAULT	3
#define DRM_D1_ERROR_NODE_FAULT	4
#define DRM_D1_ERROR_BUDGET	5
#define DRM_D1_ERROR_DEADLOCK	6
#define DRM_D1_ERROR_TIME_LIMIT	9
#define DRM_D1_ERROR_LINK_DOWN	10	/* uAPI 2.3 */
#define DRM_D1_ERROR_LINK_WINDOW	11
#define DRM_D1_ERROR_LINK_RESET	12
#define DRM_D1_ERROR_HANG	16

/**
 * DRM_D1_REPORT_MAGIC - &drm_d1_launch_report.magic once the device wrote
 * the report; anything else means the launch never ended on its own (it
 * was reset, or the report range was not writable).
 */
#define DRM_D1_REPORT_MAGIC	0xd1a0c0deu

/* drm_d1_launch_node.fault */
#define DRM_D1_NODE_FAULT_NONE		0
#define DRM_D1_NODE_FAULT_ILLEGAL	1
#define DRM_D1_NODE_FAULT_FETCH		2
#define DRM_D1_NODE_FAULT_MISALIGNED_PC	3
#define DRM_D1_NODE_FAULT_LOAD		4
#define DRM_D1_NODE_FAULT_STORE		5
#define DRM_D1_NODE_FAULT_ECALL		6
#define DRM_D1_NODE_FAULT_BREAKPOINT	7
#define DRM_D1_NODE_FAULT_DMA		8
#define DRM_D1_NODE_FAULT_SYNC		9
#define DRM_D1_NODE_FAULT_PEER		10

/**
 * struct drm_d1_launch_report - header of the report a LAUNCH writes
 * @magic: DRM_D1_REPORT_MAGIC.
 * @status: %DRM_D1_ERROR_NONE, or why the launch failed:
 *          %DRM_D1_ERROR_MMU_FAULT, %DRM_D1_ERROR_NODE_FAULT,
 *          %DRM_D1_ERROR_BUDGET, %DRM_D1_ERROR_DEADLOCK or
 *          %DRM_D1_ERROR_TIME_LIMIT (as &drm_d1_context_status.error;
 *          after a time limit each node's record has where it was
 *          stopped: @hart and @fault_pc of &drm_d1_launch_node, @fault
 *          %DRM_D1_NODE_FAULT_NONE).
 * @nodes: node records that follow the header, &drm_d1_cmd_launch.cols
 *         times &drm_d1_cmd_launch.rows, in row-major order.
 * @printf_bytes: bytes of device printf text after the node records.
 * @printf_dropped: printf bytes that did not fit the report.
 * @node_size: bytes of one node record (at least
 *             sizeof(struct drm_d1_launch_node)); records start right
 *             after the header, @node_size bytes apart.
 * @instret: instructions retired by all harts of the launch.
 * @cycles: modelled node cycles of the launch at the nominal 2 GHz (the
 *          largest over its nodes).
 * @grid_ns: device clock ns from the launch getting its nodes to its end
 *           (wall time of the simulation; uAPI 2.2, else zero).
 * @pad: zero.
 *
 * The device writes the report when the launch ends, also when it failed;
 * &drm_d1_cmd_launch.report_size must hold the header and the node
 * records.  A record is a &drm_d1_launch_node, followed by a
 * &drm_d1_launch_node_counters when @node_size is the two together (the
 * device gives the counters when the report has room for them).  The
 * printf text is the nodes' output, each line prefixed with "[x,y] ".
 */
struct drm_d1_launch_report {
	__u32 magic;
	__u32 status;
	__u32 nodes;
	__u32 printf_bytes;
	__u32 printf_dropped;
	__u32 node_size;
	__u64 instret;
	__u64 cycles;
	__u64 grid_ns;
	__u64 pad[2];
};

/**
 * struct drm_d1_launch_node - one node's record in a launch report
 * @exit_code: the exit code of the node's hart 0 (its d1_exit() value or
 *             kernel return value).
 * @fault: why the node stopped (Documentation/accel/d1/isa.rst, "Faults"):
 *
 *         %DRM_D1_NODE_FAULT_NONE: it did not fault.
 *
 *         %DRM_D1_NODE_FAULT_ILLEGAL: illegal instruction.
 *
 *         %DRM_D1_NODE_FAULT_FETCH: instruction fetch outside the text.
 *
 *         %DRM_D1_NODE_FAULT_MISALIGNED_PC: misaligned jump target.
 *
 *         %DRM_D1_NODE_FAULT_LOAD: load outside SRAM.
 *
 *         %DRM_D1_NODE_FAULT_STORE: store outside writable SRAM.
 *
 *         %DRM_D1_NODE_FAULT_ECALL: unknown system call.
 *
 *         %DRM_D1_NODE_FAULT_BREAKPOINT: ebreak.
 *
 *         %DRM_D1_NODE_FAULT_DMA: node DMA refused (@fault_addr); when the
 *         device MMU refused it, the file's context status has the
 *         details.
 *
 *         %DRM_D1_NODE_FAULT_SYNC: bad semaphore or DMA-wait operand.
 *
 *         %DRM_D1_NODE_FAULT_PEER: a DMA or semaphore named a node
 *         outside the launch; @fault_addr is that node's id (in the
 *         launch).  Nothing was accessed.
 * @hart: the hart that faulted.
 * @state: how the node ended (uAPI 2.2; zero before): %DRM_D1_NODE_EXITED,
 *         %DRM_D1_NODE_FAULTED, %DRM_D1_NODE_BUDGET (a hart used its
 *         budget up), %DRM_D1_NODE_DEADLOCK, %DRM_D1_NODE_STOPPED (the
 *         launch was aborted) or %DRM_D1_NODE_TIME_LIMIT.
 * @fault_pc: PC of the faulting instruction.
 * @fault_addr: the address (SRAM or device VA), or the node id for
 *              %DRM_D1_NODE_FAULT_PEER.
 */
struct drm_d1_launch_node {
	__u32 exit_code;
	__u32 fault;
	__u32 hart;
	__u32 state;
	__u64 fault_pc;
	__u64 fault_addr;
};

/* drm_d1_launch_node.state */
#define DRM_D1_NODE_NONE	0
#define DRM_D1_NODE_EXITED	1
#define DRM_D1_NODE_FAULTED	2
#define DRM_D1_NODE_BUDGET	3
#define DRM_D1_NODE_DEADLOCK	4
#define DRM_D1_NODE_STOPPED	5
#define DRM_D1_NODE_TIME_LIMIT	6

/**
 * struct drm_d1_launch_node_counters - a node's counters in a launch
 * report, right after its &drm_d1_launch_node (uAPI 2.2)
 * @cycles: modelled node cycles at the nominal 2 GHz, from the launch's
 *          start to the node's end.
 * @instret: instructions retired, per hart (zero for harts not launched).
 * @stall_dma: cycles harts with work waited for DMA (summed over harts).
 * @stall_sem: cycles harts waited on semaphores.
 * @stall_barrier: cycles harts waited at barriers.
 * @vec_ops: vector unit instructions.
 * @mat_ops: vmma instructions (one 8x8x4 multiply-accumulate each).
 * @flops: floating point operations (a fused multiply-add counts 2).
 * @dma_hbm_read: DMA bytes from device memory into the node's SRAM.
 * @dma_hbm_write: DMA bytes from its SRAM to device memory.
 * @dma_node_out: DMA bytes it sent to other nodes.
 * @dma_node_in: DMA bytes other nodes sent it.
 * @link_bytes: bytes it put on its mesh links, east, west, north, south.
 * @reserved: zero.
 *
 * Documentation/accel/d1/node-sim.rst describes the timing model behind
 * them.
 */
struct drm_d1_launch_node_counters {
	__u64 cycles;
	__u64 instret[4];
	__u64 stall_dma;
	__u64 stall_sem;
	__u64 stall_barrier;
	__u64 vec_ops;
	__u64 mat_ops;
	__u64 flops;
	__u64 dma_hbm_read;
	__u64 dma_hbm_write;
	__u64 dma_node_out;
	__u64 dma_node_in;
	__u64 link_bytes[4];
	__u64 reserved[9];
};

/* drm_d1_context_status.fault_access */
#define DRM_D1_ACCESS_READ	0
#define DRM_D1_ACCESS_WRITE	1
#define DRM_D1_ACCESS_EXEC	2

/* drm_d1_context_status.fault_reason */
#define DRM_D1_FAULT_UNMAPPED	1
#define DRM_D1_FAULT_PERMISSION	2
#define DRM_D1_FAULT_BAD_PTE	3
#define DRM_D1_FAULT_RANGE	4
#define DRM_D1_FAULT_BUS	5
#define DRM_D1_FAULT_BAD_CTX	6

/* drm_d1_context_status.flags */
#define DRM_D1_CONTEXT_STATUS_CLEAR	(1u << 0)	/* then forget it all */

/**
 * struct drm_d1_context_status - failures and resets seen by this file
 * @flags: in: DRM_D1_CONTEXT_STATUS_CLEAR clears the record and the
 *         guilty flag after reading them.
 * @guilty: out: 1 when a job of this file failed (SUBMIT refuses).
 * @error_count: out: jobs of this file that failed.
 * @reset_count: out: queue or device resets that hit jobs of this file
 *               (as the guilty one or as an innocent bystander).
 * @error: out: why the first failure recorded failed:
 *
 *         %DRM_D1_ERROR_NONE: no failure.
 *
 *         %DRM_D1_ERROR_BAD_CMD: the device refused a command.
 *
 *         %DRM_D1_ERROR_MMU_FAULT: a device access faulted in the MMU;
 *         @fault_va, @fault_access and @fault_reason tell where and why.
 *
 *         %DRM_D1_ERROR_NODE_FAULT: a node faulted; the launch report
 *         names node, PC and address (&drm_d1_launch_node).
 *
 *         %DRM_D1_ERROR_BUDGET: a LAUNCH ran out of its instruction budget.
 *
 *         %DRM_D1_ERROR_DEADLOCK: every running hart waited on a semaphore
 *         or barrier.
 *
 *         %DRM_D1_ERROR_TIME_LIMIT: a LAUNCH ran past its time limit; its
 *         report has where each node was.
 *
 *         %DRM_D1_ERROR_LINK_DOWN: a LINK_COPY found no link peer (it
 *         was removed, or the link is not up).
 *
 *         %DRM_D1_ERROR_LINK_WINDOW: a LINK_COPY fell outside the peer's
 *         receive window (the peer's driver had not opened it again
 *         after a reset).
 *
 *         %DRM_D1_ERROR_LINK_RESET: the peer card was reset during a
 *         LINK_COPY; part of the data may have arrived.
 *
 *         %DRM_D1_ERROR_HANG: the job made no progress for the job
 *         timeout and its queue was reset.
 * @queue: out: its queue.
 * @fault_va: out: for %DRM_D1_ERROR_MMU_FAULT, the faulting VA; else 0.
 * @fault_access: out: for %DRM_D1_ERROR_MMU_FAULT, %DRM_D1_ACCESS_READ,
 *                %DRM_D1_ACCESS_WRITE or %DRM_D1_ACCESS_EXEC; else 0.
 * @fault_reason: out: for %DRM_D1_ERROR_MMU_FAULT, as the hardware
 *                reports it: %DRM_D1_FAULT_UNMAPPED (no mapping at
 *                @fault_va), %DRM_D1_FAULT_PERMISSION (mapped without the
 *                access right), %DRM_D1_FAULT_BAD_PTE, %DRM_D1_FAULT_RANGE
 *                (beyond HBM), %DRM_D1_FAULT_BUS or %DRM_D1_FAULT_BAD_CTX;
 *                else 0.
 * @context_id: out: the hardware context of this file, or ~0 if it has
 *              none yet (it gets one at its first VM_BIND).
 * @pad: out: zero.
 *
 * Everything counts since open or the last CLEAR.
 */
struct drm_d1_context_status {
	__u32 flags;
	__u32 guilty;
	__u32 error_count;
	__u32 reset_count;
	__u32 error;
	__u32 queue;
	__u64 fault_va;
	__u32 fault_access;
	__u32 fault_reason;
	__u32 context_id;
	__u32 pad;
};

#if defined(__cplusplus)
}
#endif

#endif /* _UAPI_DRM_D1_ACCEL_H_ */

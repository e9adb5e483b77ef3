/* SPDX-License-Identifier: MIT */
/*
 * d1_stream.h - streams, events, copies and kernel launches.
 *
 * A d1_stream is an in-order queue of device work on one of the card's
 * hardware queues: everything enqueued on a stream runs in order, and
 * streams on different queues run concurrently.  Work is asynchronous:
 * enqueueing returns at once and failures surface when the stream (or an
 * event recorded on it) is synchronised.  A stream is used by one thread
 * at a time.
 *
 * A d1_event marks a point in a stream: it completes when everything
 * enqueued before it has, records the device clock then (for
 * d1_event_elapsed_ms()), and can make another stream wait
 * (d1_stream_wait_event()).  Underneath, each stream owns a timeline
 * syncobj; every job it submits signals the next point.
 *
 * Errors from the device: when a launch faults, synchronising returns
 * D1_ERROR_LAUNCH_FAILED (D1_ERROR_TIMEOUT for a kernel that ran past its
 * time limit or out of its instruction budget, or a job that hung) and
 * d1_stream_last_error() tells what happened: node, hart, PC, faulting
 * address, or the MMU fault's VA and access.  The handle's error state is
 * cleared, so the stream (and the handle) stay usable.  Work enqueued
 * after the failed job on the same handle and not yet run is cancelled.
 */
#ifndef D1_STREAM_H
#define D1_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include "d1_common.h"
#include "d1_status.h"
#include "d1_device.h"
#include "d1_memory.h"
#include "d1_program.h"

#if defined(__cplusplus)
extern "C" {
#endif

typedef struct d1_stream d1_stream;
typedef struct d1_event d1_event;

#define D1_STREAM_ANY_QUEUE	(-1)
#define D1_TIMEOUT_INFINITE	UINT64_MAX

/*
 * d1_stream_create - a stream on hardware queue @queue (0..queues-1), or
 * D1_STREAM_ANY_QUEUE to spread streams over the queues round-robin.
 */
D1_API d1_status d1_stream_create(d1_device *dev, int queue, d1_stream **out);

/* The hardware queue the stream submits to. */
D1_API d1_status d1_stream_queue(d1_stream *stream, unsigned int *queue);

/*
 * d1_stream_synchronize - wait until everything enqueued on @stream has
 * completed, at most @timeout_ns (D1_TIMEOUT_INFINITE: no limit), and
 * finish its host-side work (device printf output, device-to-host copies).
 * D1_ERROR_TIMEOUT if the time ran out (the work goes on); the first
 * failure of the work otherwise (see d1_stream_last_error()).
 */
D1_API d1_status d1_stream_synchronize(d1_stream *stream, uint64_t timeout_ns);

/* D1_SUCCESS if all work is done (and finished as above), else
 * D1_ERROR_NOT_READY; never blocks. */
D1_API d1_status d1_stream_query(d1_stream *stream);

/*
 * d1_stream_wait_event - the next job enqueued on @stream starts only once
 * @event's latest recording (as of that enqueue) has completed: a
 * device-side wait, the host does not block.  @event must have been
 * recorded (else D1_ERROR_INVALID_STATE).
 */
D1_API d1_status d1_stream_wait_event(d1_stream *stream, d1_event *event);

/* d1_stream_destroy - synchronise (without limit) and free; the stream is
 * freed even when this reports D1_ERROR_DEVICE_LOST. */
D1_API d1_status d1_stream_destroy(d1_stream *stream);

/* Device printf output of a stream's launches goes here instead of stdout
 * (NULL restores stdout).  @text is "[x,y] " prefixed lines. */
typedef void (*d1_printf_handler)(void *user, const char *text, size_t len);
D1_API d1_status d1_stream_set_printf_handler(d1_stream *stream,
					      d1_printf_handler handler,
					      void *user);

/**
 * enum d1_error_kind - what kind of failure a struct d1_error_info is
 * @D1_ERRKIND_NONE: no failure.
 * @D1_ERRKIND_NODE_FAULT: a node faulted: node, hart, pc, fault, address;
 *                         a DMA fault adds the MMU's access and reason;
 *                         DMA or a semaphore aimed outside the launch is
 *                         the fault "node outside the launch" with the
 *                         node's id (in the launch) as address.
 * @D1_ERRKIND_MMU_FAULT: a copy (or another command) touched an unmapped
 *                        or read-only device address: address, access,
 *                        reason.
 * @D1_ERRKIND_TIMEOUT: the job made no progress for the driver's job
 *                      timeout and its queue was reset; D1_ERROR_TIMEOUT.
 * @D1_ERRKIND_BUDGET: a hart ran out of its instruction budget;
 *                     D1_ERROR_TIMEOUT.
 * @D1_ERRKIND_DEADLOCK: every running hart waits on a semaphore or
 *                       barrier.
 * @D1_ERRKIND_BAD_COMMAND: the device refused a command.
 * @D1_ERRKIND_EXIT_CODE: with D1_LAUNCH_CHECK_EXIT, a node exited with a
 *                        non-zero code: node, exit_code.
 * @D1_ERRKIND_CANCELLED: not run because an earlier job of the device
 *                        handle failed.
 * @D1_ERRKIND_DISPATCH: the argument block did not match the image: node,
 *                       exit_code (the dispatcher's code).
 * @D1_ERRKIND_TIME_LIMIT: the launch ran past its time limit and was
 *                         stopped: node, hart and pc of its first node
 *                         then; D1_ERROR_TIMEOUT.
 * @D1_ERRKIND_LINK: a peer copy failed on the DIP-to-DIP link: the link
 *                   is down or the peer gone (D1_ERROR_NOT_LINKED), the
 *                   peer's receive window refused it, or the peer card
 *                   was reset meanwhile (D1_ERROR_LAUNCH_FAILED; part of
 *                   the data may have arrived).
 */
enum d1_error_kind {
	D1_ERRKIND_NONE = 0,
	D1_ERRKIND_NODE_FAULT,
	D1_ERRKIND_MMU_FAULT,
	D1_ERRKIND_TIMEOUT,
	D1_ERRKIND_BUDGET,
	D1_ERRKIND_DEADLOCK,
	D1_ERRKIND_BAD_COMMAND,
	D1_ERRKIND_EXIT_CODE,
	D1_ERRKIND_CANCELLED,
	D1_ERRKIND_DISPATCH,
	D1_ERRKIND_TIME_LIMIT,
	D1_ERRKIND_LINK,
};

/**
 * struct d1_error_info - what went wrong in the last failed job
 * @status: the d1_status the synchronising call returned.
 * @kind: an &enum d1_error_kind.
 * @node_x: column of the (first) faulting node.
 * @node_y: its row.
 * @hart: the faulting hart.
 * @fault: for D1_ERRKIND_NODE_FAULT, the node fault code (D1_FAULT_* of
 *         the ISA, Documentation/accel/d1/isa.rst).
 * @exit_code: the node's exit code.
 * @access: for MMU faults: 0 read, 1 write, 2 exec.
 * @reason: for MMU faults: 1 unmapped, 2 permission, 3 bad PTE, 4 range,
 *          5 bus, 6 bad context.
 * @reserved0: zero.
 * @pc: faulting PC.
 * @address: the node fault's address (see the ISA), or the MMU fault VA.
 * @kernel: the kernel's name ("" for copies).
 * @message: all of it as one line.
 * @reserved: zero.
 */
struct d1_error_info {
	d1_status status;
	unsigned int kind;
	unsigned int node_x;
	unsigned int node_y;
	unsigned int hart;
	unsigned int fault;
	unsigned int exit_code;
	unsigned int access;
	unsigned int reason;
	unsigned int reserved0;
	uint64_t pc;
	uint64_t address;
	char kernel[128];
	char message[256];
	uint64_t reserved[8];
};

/* d1_stream_last_error - the last failure synchronising @stream reported
 * (kind D1_ERRKIND_NONE if none). */
D1_API d1_status d1_stream_last_error(d1_stream *stream,
				      struct d1_error_info *info);

/* ---- events ---------------------------------------------------------- */

D1_API d1_status d1_event_create(d1_device *dev, d1_event **out);

/* Mark the current end of @stream; replaces an earlier recording. */
D1_API d1_status d1_event_record(d1_event *event, d1_stream *stream);

/* D1_SUCCESS once completed, D1_ERROR_NOT_READY before; never blocks.
 * D1_ERROR_INVALID_STATE if never recorded. */
D1_API d1_status d1_event_query(d1_event *event);

/* Wait for the event, at most @timeout_ns; D1_ERROR_TIMEOUT when over. */
D1_API d1_status d1_event_synchronize(d1_event *event, uint64_t timeout_ns);

/*
 * d1_event_elapsed_ms - device time from @start to @end, both completed,
 * in milliseconds (device clock, ns resolution).  D1_ERROR_NOT_READY if
 * one has not completed.
 */
D1_API d1_status d1_event_elapsed_ms(d1_event *start, d1_event *end,
				     float *ms);

D1_API d1_status d1_event_destroy(d1_event *event);

/* ---- copies ---------------------------------------------------------- */

/*
 * Copies between buffers and host memory.  The _async forms enqueue on
 * @stream: host-to-device copies take a copy of @src at once (the caller
 * may reuse it on return); device-to-host copies write @dst when the
 * stream is synchronised or queried after the copy completed (an event
 * alone does not).  The plain forms use the device handle's internal
 * stream and wait.
 * Ranges are checked: D1_ERROR_INVALID_VALUE when outside the buffer.
 */
D1_API d1_status d1_memcpy_htod(d1_buffer *dst, uint64_t dst_offset,
				const void *src, size_t size);
D1_API d1_status d1_memcpy_dtoh(void *dst, d1_buffer *src,
				uint64_t src_offset, size_t size);
D1_API d1_status d1_memcpy_dtod(d1_buffer *dst, uint64_t dst_offset,
				d1_buffer *src, uint64_t src_offset,
				size_t size);
D1_API d1_status d1_memcpy_htod_async(d1_stream *stream, d1_buffer *dst,
				      uint64_t dst_offset, const void *src,
				      size_t size);
D1_API d1_status d1_memcpy_dtoh_async(d1_stream *stream, void *dst,
				      d1_buffer *src, uint64_t src_offset,
				      size_t size);
D1_API d1_status d1_memcpy_dtod_async(d1_stream *stream, d1_buffer *dst,
				      uint64_t dst_offset, d1_buffer *src,
				      uint64_t src_offset, size_t size);

/*
 * d1_memcpy_peer_async - copy @size bytes of @src (host or HBM, on the
 * stream's device) to HBM buffer @dst of another card, over the sending
 * card's DIP-to-DIP link.  Ordered on @stream like d1_memcpy_dtod_async();
 * the bytes are in @dst once the copy completed (synchronise @stream, or
 * an event recorded after the copy, before using @dst on its own device).
 *
 * The first copy into @dst from a device handle maps @dst there (exported
 * and imported as a peer BO); the mapping is kept for later copies until
 * @dst is destroyed or either handle is closed.  A @dst on another handle
 * of the sending card itself is copied to with a plain COPY.
 *
 * D1_ERROR_INVALID_VALUE for ranges outside a buffer, @src not on the
 * stream's device, @dst on it (use d1_memcpy_dtod_async()) or not HBM;
 * D1_ERROR_NOT_LINKED when the sending card's link does not reach @dst's
 * card.  A copy failing on the link fails the stream: D1_ERROR_NOT_LINKED
 * (link down, peer gone) or D1_ERROR_LAUNCH_FAILED (peer reset), with
 * kind D1_ERRKIND_LINK in d1_stream_last_error().
 */
D1_API d1_status d1_memcpy_peer_async(d1_stream *stream, d1_buffer *dst,
				      uint64_t dst_offset, d1_buffer *src,
				      uint64_t src_offset, size_t size);
/* d1_memcpy_peer - the same on @src's device's internal stream, waiting. */
D1_API d1_status d1_memcpy_peer(d1_buffer *dst, uint64_t dst_offset,
				d1_buffer *src, uint64_t src_offset,
				size_t size);

/* ---- launches -------------------------------------------------------- */

/**
 * struct d1_launch_config - where and how a kernel runs
 * @x0: first column of the node rectangle.  The kernel sees the rectangle
 *      as its grid: node ids and coordinates (and the nodes DMA and
 *      semaphores can name) are relative to it.
 * @y0: first row.
 * @cols: columns (0 is taken as 1).
 * @rows: rows (0 is taken as 1).
 * @harts: hardware threads per node, 1..4 (0 is taken as 1).
 * @flags: %D1_LAUNCH_CHECK_EXIT fails the launch when a node exits with a
 *         non-zero code.
 * @budget: instructions per hart before the launch fails with
 *          D1_ERROR_TIMEOUT (0: none).
 * @time_limit_ms: the launch is stopped once it has run this long on its
 *                 nodes (waiting for nodes other launches hold does not
 *                 count) and fails with D1_ERROR_TIMEOUT, kind
 *                 D1_ERRKIND_TIME_LIMIT.  0: the driver's job timeout; at
 *                 most the driver's max_time_limit_ms, else
 *                 D1_ERROR_INVALID_VALUE (D1_ERROR_NOT_SUPPORTED from a
 *                 driver without time limits).
 * @reserved: zero.
 *
 * A rectangle outside the grid or on unusable nodes is
 * D1_ERROR_INVALID_VALUE.  Launches on disjoint rectangles run at the
 * same time, from any streams and processes; overlapping ones wait for
 * each other in the order they reached the card.  Every launch starts on
 * nodes scrubbed of what ran there before.
 */
struct d1_launch_config {
	unsigned int x0;
	unsigned int y0;
	unsigned int cols;
	unsigned int rows;
	unsigned int harts;
	unsigned int flags;
	uint64_t budget;
	uint64_t time_limit_ms;
	uint64_t reserved[3];
};

/* Fail the launch when a node exits with a non-zero code. */
#define D1_LAUNCH_CHECK_EXIT	(1u << 0)
#define D1_LAUNCH_FLAGS_ALL	0x1u

/*
 * d1_kernel_set_arg_buffer - set buffer parameter @index of @kernel to
 * @buf's device address plus @offset.
 */
D1_API d1_status d1_kernel_set_arg_buffer(d1_kernel *kernel,
					  unsigned int index, d1_buffer *buf,
					  uint64_t offset);

/*
 * d1_launch - enqueue @kernel with its current arguments (taken now) on
 * @stream, running on every node of the rectangle.  D1_ERROR_ARGUMENT if
 * a parameter is unset, D1_ERROR_INVALID_VALUE for a rectangle outside
 * the grid or a bad hart count.  The launch's outcome and device printf
 * output come when the stream is synchronised.
 */
D1_API d1_status d1_launch(d1_stream *stream, d1_kernel *kernel,
			   const struct d1_launch_config *config);

/* ---- launch results -------------------------------------------------- */

/*
 * The per-node results and counters of one launch, filled when the launch
 * ends (when its stream, or an event recorded after it, is synchronised
 * or queried).  Owned by the caller of d1_launch_with_result(); valid on
 * any thread, and after the stream is gone.
 */
typedef struct d1_launch_result d1_launch_result;

/* How a node ended (d1_node_result.status). */
enum d1_node_state {
	D1_NODE_UNKNOWN = 0,	/* not reported (older driver or device) */
	D1_NODE_EXITED = 1,	/* hart 0 returned or called d1_exit() */
	D1_NODE_FAULTED = 2,	/* a hart faulted: fault, hart, fault_pc */
	D1_NODE_BUDGET = 3,	/* a hart used its instruction budget up */
	D1_NODE_DEADLOCK = 4,	/* every live hart of the launch was blocked */
	D1_NODE_STOPPED = 5,	/* the launch was aborted */
	D1_NODE_TIME_LIMIT = 6,	/* the launch ran past its time limit */
};

/**
 * struct d1_node_result - one node of a finished launch
 * @x: card grid column.
 * @y: card grid row.
 * @status: an enum d1_node_state.
 * @fault: why it faulted (the node fault codes of the ISA, as
 *         d1_error_info.fault); 0 if it did not.
 * @hart: the faulting hart, or where a time limit stopped it.
 * @exit_code: hart 0's d1_exit() value (or the kernel's return value).
 * @fault_pc: PC of the fault (or where a time limit stopped it).
 * @fault_addr: the faulting address.
 * @cycles: modelled node cycles at the nominal 2 GHz.
 * @instret: instructions retired per hart.
 * @stall_dma: cycles harts waited for DMA (summed over harts).
 * @stall_sem: cycles harts waited on semaphores.
 * @stall_barrier: cycles harts waited at barriers.
 * @vec_ops: vector unit instructions.
 * @mat_ops: vmma instructions (one 8x8x4 multiply-accumulate each).
 * @flops: floating point operations (a fused multiply-add counts 2).
 * @dma_hbm_read: DMA bytes from device memory into the node's SRAM.
 * @dma_hbm_write: DMA bytes from its SRAM to device memory.
 * @dma_node_out: DMA bytes it sent to other nodes.
 * @dma_node_in: DMA bytes other nodes sent it.
 * @link_bytes: bytes it put on its mesh links: east, west, north, south.
 * @reserved: zero.
 *
 * The counters (@cycles onwards) come from the card's timing model
 * (Documentation/accel/d1/node-sim.rst); they are 0 when
 * d1_launch_info.counters is 0 (a driver before uAPI 2.2).
 */
struct d1_node_result {
	unsigned int x, y;
	unsigned int status;
	unsigned int fault;
	unsigned int hart;
	int exit_code;
	uint64_t fault_pc, fault_addr;
	uint64_t cycles;
	uint64_t instret[4];
	uint64_t stall_dma, stall_sem, stall_barrier;
	uint64_t vec_ops, mat_ops, flops;
	uint64_t dma_hbm_read, dma_hbm_write, dma_node_out, dma_node_in;
	uint64_t link_bytes[4];
	uint64_t reserved[8];
};

/**
 * struct d1_launch_info - a finished launch as a whole
 * @x0: first column of its rectangle.
 * @y0: first row.
 * @cols: columns.
 * @rows: rows.
 * @harts: harts per node.
 * @status: what synchronising returned for it (D1_SUCCESS,
 *          D1_ERROR_LAUNCH_FAILED, D1_ERROR_TIMEOUT, ...);
 *          D1_ERROR_DEVICE_LOST when its outcome will never be known.
 * @kernel: the kernel's name (its first 63 characters).
 * @cycles: modelled cycles of the launch: the largest over its nodes.
 * @instret: instructions retired by all harts of all nodes.
 * @sim_ms: @cycles as time at the nominal 2 GHz (simulated device time).
 * @grid_ns: device clock ns the launch ran on its nodes (the wall time of
 *           the simulation; 0 from a driver before uAPI 2.2).
 * @counters: 1 when the node results carry counters, 0 when the driver
 *            is older than uAPI 2.2 (status, exit code and fault only).
 * @reserved32: zero.
 * @reserved: zero.
 */
struct d1_launch_info {
	unsigned int x0, y0, cols, rows, harts;
	int status;
	char kernel[64];
	uint64_t cycles;
	uint64_t instret;
	double sim_ms;
	uint64_t grid_ns;
	unsigned int counters;
	unsigned int reserved32;
	uint64_t reserved[8];
};

/*
 * d1_launch_with_result - d1_launch(), and *@result (a new object the
 * caller destroys with d1_launch_result_destroy()) is filled when the
 * launch ends.  On failure *@result is NULL.
 */
D1_API d1_status d1_launch_with_result(d1_stream *stream, d1_kernel *kernel,
				       const struct d1_launch_config *config,
				       d1_launch_result **result);

/* d1_launch_result_info - the launch as a whole; D1_ERROR_NOT_READY until
 * it has ended. */
D1_API d1_status d1_launch_result_info(d1_launch_result *r,
				       struct d1_launch_info *info);

/*
 * d1_launch_result_node - node @index, row-major in the launch's
 * rectangle (0..cols*rows-1; D1_ERROR_INVALID_VALUE beyond);
 * D1_ERROR_NOT_READY until the launch has ended.
 */
D1_API d1_status d1_launch_result_node(d1_launch_result *r,
				       unsigned int index,
				       struct d1_node_result *node);

/* d1_launch_result_destroy - release @r (the launch may still run). */
D1_API d1_status d1_launch_result_destroy(d1_launch_result *r);

/*
 * d1_node_state_name - "exited", "faulted", "budget", "deadlock",
 * "stopped", "time limit" or "unknown".  Never NULL.
 */
D1_API const char *d1_node_state_name(unsigned int state);

#if defined(__cplusplus)
}
#endif

#endif /* D1_STREAM_H */

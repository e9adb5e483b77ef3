/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * D1 node grid simulator: a rows x cols mesh of D1 nodes running the ISA
 * of Documentation/accel/d1/isa.rst.  Plain C11, no QEMU dependency.
 *
 * Life cycle: d1_grid_create() → d1_kimage_load() (or d1_grid_load_elf())
 * → d1_grid_run() (any number of times) → d1_grid_report() /
 * d1_grid_output() → d1_grid_destroy().  Several threads may run launches
 * at the same time on disjoint node rectangles (keeping them disjoint is
 * the caller's job: the device's grid scheduler does it); a launch only
 * touches the nodes of its rectangle.  d1_grid_run() spreads a launch's
 * nodes over the grid's shared host thread pool and gives bit-identical
 * results for any thread count.  d1_grid_abort() may be called from any
 * thread.
 */
#ifndef D1_GRID_H
#define D1_GRID_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "d1_isa.h"

/*
 * The real D1: 354 usable training nodes.  The default simulated mesh is
 * 18 x 20 with the last 6 node ids (row 17, columns 14-19) as spares that
 * never run and cannot be reached by DMA or semaphores.
 */
#define D1_GRID_DEFAULT_ROWS	18
#define D1_GRID_DEFAULT_COLS	20
#define D1_GRID_DEFAULT_NODES	354
#define D1_GRID_MAX_DIM		64

/*
 * Device address space for DMA (HBM and host memory through the device
 * MMU).  Return 0 on success, nonzero to refuse the access: the issuing
 * node then stops with D1_FAULT_DMA at @addr.  A launch calls them only
 * from the thread that called d1_grid_run() (DMA runs between epochs);
 * concurrent launches call their own ops concurrently.  @now_ns is the
 * clock a launch's time limit counts in (NULL: CLOCK_MONOTONIC).
 */
struct d1_mem_ops {
	int (*read)(void *opaque, uint64_t addr, void *buf, uint64_t len);
	int (*write)(void *opaque, uint64_t addr, const void *buf,
		     uint64_t len);
	uint64_t (*now_ns)(void *opaque);
};

/*
 * A kernel image: an RV64 little-endian ELF executable (clang/lld output)
 * checked, with its PT_LOAD segments laid out as the initial SRAM of a
 * node and its executable segments decoded.  Immutable once loaded and
 * reference counted, so any number of launches on any threads share one.
 */
struct d1_kimage;

/* Returns the image (one reference), or NULL with a message in @err. */
struct d1_kimage *d1_kimage_load(const void *elf, size_t size, char *err,
			       size_t errlen);
struct d1_kimage *d1_kimage_get(struct d1_kimage *img);
void d1_kimage_put(struct d1_kimage *img);
uint64_t d1_kimage_entry(const struct d1_kimage *img);
/* Address of a symbol in the image's .symtab; 0 if absent. */
uint64_t d1_kimage_symbol(const struct d1_kimage *img, const char *name);
/* Host memory the image holds (segments, decoded text, symbols). */
size_t d1_kimage_footprint(const struct d1_kimage *img);

struct d1_grid_config {
	uint32_t rows;		/* 0: D1_GRID_DEFAULT_ROWS */
	uint32_t cols;		/* 0: D1_GRID_DEFAULT_COLS */
	uint32_t threads;	/* host threads in the shared pool; 0: 1 */
	/* usable nodes: ids [0, nodes); 0: all, or 354 for the default
	 * 18 x 20 mesh */
	uint32_t nodes;
};

/* d1_launch.flags */
#define D1_LAUNCH_SCRUB	(1u << 0)	/* start on clean nodes (below) */

struct d1_launch {
	/* The kernel; NULL: the image d1_grid_load_elf() loaded. */
	const struct d1_kimage *image;
	uint64_t entry;		/* 0: the ELF entry point */
	/*
	 * Rectangle of nodes to run; width/height 0: the whole grid.  The
	 * kernel sees the rectangle as its grid: node ids, coordinates and
	 * the DMA/semaphore node operands are relative to it (isa.rst).
	 */
	uint32_t x0, y0, width, height;
	uint32_t harts;		/* per node, 1..D1_MAX_HARTS; 0: 1 */
	uint64_t budget;	/* instructions per hart; 0: unlimited */
	uint32_t stack_size;	/* per hart; 0: D1_DEFAULT_STACK */
	uint32_t quantum;	/* instructions per hart per epoch; 0: 4096 */
	uint64_t seed;		/* mixed into every hart's SR seed */
	const void *args;	/* copied to D1_ARGS_ADDR on every node */
	uint32_t args_size;	/* <= D1_ARGS_SIZE */
	const struct d1_mem_ops *mem;	/* NULL: every HBM access faults */
	void *mem_opaque;
	/*
	 * D1_LAUNCH_SCRUB: before loading, every node of the rectangle gets
	 * SRAM outside the image zeroed (only the pages earlier launches or
	 * the host dirtied), semaphores, DMA queues, all harts' registers and
	 * the print buffer reset.  Without it SRAM keeps what the host or an
	 * earlier launch left there (host tests preload data that way).
	 */
	uint32_t flags;
	/* Nonzero (any thread may set it): stop at the next epoch boundary,
	 * live nodes D1_NODE_ABORTED.  NULL: only d1_grid_abort() stops. */
	const atomic_int *stop;
	/* Stop live nodes with D1_NODE_TIME_LIMIT once the launch has run
	 * this long (mem->now_ns clock); 0: no limit. */
	uint64_t time_limit_ns;
};

enum d1_node_status {
	D1_NODE_IDLE = 0,	/* not part of the last launch (or a spare) */
	D1_NODE_EXITED,
	D1_NODE_FAULT,
	D1_NODE_TIMEOUT,
	D1_NODE_DEADLOCK,
	D1_NODE_ABORTED,
	D1_NODE_TIME_LIMIT,	/* the launch ran past its time limit */
};

/*
 * Per-node counters of the last launch, from the timing model
 * (node-sim.rst, "Timing model").  Cycles are modelled node cycles at
 * the nominal 2 GHz; stalls are cycles in which a hart that had work
 * could not issue, by cause (summed over harts).
 */
enum d1_link_dir { D1_LINK_E, D1_LINK_W, D1_LINK_N, D1_LINK_S, D1_LINKS };

struct d1_node_counters {
	uint64_t cycles;		/* launch start to the node's end */
	uint64_t instret[D1_MAX_HARTS];	/* per hart */
	uint64_t stall_dma;		/* DMA waits */
	uint64_t stall_sem;		/* semaphore waits */
	uint64_t stall_barrier;		/* barrier waits */
	uint64_t vec_ops;		/* vector unit instructions */
	uint64_t mat_ops;		/* vmma instructions (8x8x4 each) */
	uint64_t flops;			/* floating point ops (FMA = 2) */
	uint64_t dma_hbm_read;		/* bytes HBM -> SRAM */
	uint64_t dma_hbm_write;		/* bytes SRAM -> HBM */
	uint64_t dma_node_out;		/* bytes this node sent to nodes */
	uint64_t dma_node_in;		/* bytes it received from nodes */
	uint64_t link_bytes[D1_LINKS];	/* bytes out on its mesh links */
};

struct d1_node_report {
	enum d1_node_status status;
	int64_t exit_code;	/* hart 0's exit code */
	uint32_t fault;		/* D1_FAULT_* */
	uint32_t fault_hart;
	uint64_t fault_pc;
	uint64_t fault_addr;
	uint64_t instret;	/* all harts */
	uint64_t cycles;	/* max over harts */
	uint64_t dma_bytes;
	uint32_t print_len;
	uint32_t print_dropped;
	struct d1_node_counters ctr;
};

/* Summary of a launch: counts of nodes by outcome. */
struct d1_launch_result {
	uint32_t nodes, exited, faulted, timed_out, deadlocked, aborted;
	uint32_t time_limited;
	uint64_t instret;
	uint64_t epochs;
	uint64_t scrub_ns;	/* host time spent scrubbing (CLOCK_MONOTONIC) */
	uint64_t cycles;	/* modelled: the last node's end (ctr.cycles) */
};

struct d1_grid;

struct d1_grid *d1_grid_create(const struct d1_grid_config *cfg);
void d1_grid_destroy(struct d1_grid *g);
uint32_t d1_grid_rows(const struct d1_grid *g);
uint32_t d1_grid_cols(const struct d1_grid *g);
uint32_t d1_grid_nodes(const struct d1_grid *g);	/* usable */
void d1_grid_set_threads(struct d1_grid *g, uint32_t threads);

/*
 * The grid's default image, for launches with no d1_launch.image: loads
 * @elf (d1_kimage_load()) in place of the previous one.  Returns 0, or -1
 * with a message in @err.  Not while a launch uses the default image.
 */
int d1_grid_load_elf(struct d1_grid *g, const void *elf, size_t size,
		     char *err, size_t errlen);
uint64_t d1_grid_entry(const struct d1_grid *g);
/* Address of a symbol in the default image's .symtab; 0 if absent. */
uint64_t d1_grid_symbol(const struct d1_grid *g, const char *name);

/*
 * Run a launch to completion (every node exited, faulted, timed out,
 * deadlocked, or the launch was stopped): copy the image's segments and
 * the argument block into each node of the rectangle (after scrubbing it
 * with D1_LAUNCH_SCRUB), start its harts, run epochs.  Returns 0, or -1
 * if @l is invalid (message in @err) - nothing ran then.  Launches on
 * disjoint rectangles may run at the same time from different threads.
 */
int d1_grid_run(struct d1_grid *g, const struct d1_launch *l,
		struct d1_launch_result *res, char *err, size_t errlen);
/* Stop every running launch at its next epoch boundary. */
void d1_grid_abort(struct d1_grid *g);

const struct d1_node_report *d1_grid_report(const struct d1_grid *g,
					    uint32_t node);
/* The node's print buffer of the last launch (not NUL-terminated). */
const char *d1_grid_output(const struct d1_grid *g, uint32_t node,
			   size_t *len);
/*
 * Host view of a node's SRAM (D1_SRAM_SIZE bytes) for loading data; the
 * whole of it counts as dirty for the next scrub.
 */
uint8_t *d1_grid_sram(struct d1_grid *g, uint32_t node);
/* SRAM bytes of @node the next scrub would zero (dirty pages). */
uint64_t d1_grid_dirty_bytes(const struct d1_grid *g, uint32_t node);

const char *d1_node_status_name(enum d1_node_status s);
const char *d1_fault_name(uint32_t fault);

#endif /* D1_GRID_H */

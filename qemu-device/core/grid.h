/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * D1 node grid simulator: a rows x cols mesh of D1 nodes running the ISA
 * of Documentation/accel/d1/isa.rst.  Plain C11, no QEMU dependency.
 *
 * Life cycle: d1_grid_create() → d1_grid_load_elf() → d1_grid_run() (any
 * number of times) → d1_grid_report()/d1_grid_output() → d1_grid_destroy().
 * A grid is used by one caller thread at a time; d1_grid_run() spreads the
 * nodes over its own host threads and gives bit-identical results for any
 * thread count.  d1_grid_abort() may be called from any thread.
 */
#ifndef D1_GRID_H
#define D1_GRID_H

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
 * node then stops with D1_FAULT_DMA at @addr.  Never called concurrently
 * (DMA runs between epochs on the thread that called d1_grid_run()).
 */
struct d1_mem_ops {
	int (*read)(void *opaque, uint64_t addr, void *buf, uint64_t len);
	int (*write)(void *opaque, uint64_t addr, const void *buf,
		     uint64_t len);
};

struct d1_grid_config {
	uint32_t rows;		/* 0: D1_GRID_DEFAULT_ROWS */
	uint32_t cols;		/* 0: D1_GRID_DEFAULT_COLS */
	uint32_t threads;	/* host threads for d1_grid_run; 0: 1 */
	/* usable nodes: ids [0, nodes); 0: all, or 354 for the default
	 * 18 x 20 mesh */
	uint32_t nodes;
};

struct d1_launch {
	uint64_t entry;		/* 0: the ELF entry point */
	/* Rectangle of nodes to run; width/height 0: the whole grid. */
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
};

enum d1_node_status {
	D1_NODE_IDLE = 0,	/* not part of the last launch (or a spare) */
	D1_NODE_EXITED,
	D1_NODE_FAULT,
	D1_NODE_TIMEOUT,
	D1_NODE_DEADLOCK,
	D1_NODE_ABORTED,
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
};

/* Summary of a launch: counts of nodes by outcome. */
struct d1_launch_result {
	uint32_t nodes, exited, faulted, timed_out, deadlocked, aborted;
	uint64_t instret;
	uint64_t epochs;
};

struct d1_grid;

struct d1_grid *d1_grid_create(const struct d1_grid_config *cfg);
void d1_grid_destroy(struct d1_grid *g);
uint32_t d1_grid_rows(const struct d1_grid *g);
uint32_t d1_grid_cols(const struct d1_grid *g);
uint32_t d1_grid_nodes(const struct d1_grid *g);	/* usable */
void d1_grid_set_threads(struct d1_grid *g, uint32_t threads);

/*
 * Load an RV64 little-endian ELF executable (clang/lld output): PT_LOAD
 * segments into every node's SRAM (the rest of SRAM is zeroed) and decode
 * the executable segments once.  Returns 0, or -1 with a message in @err.
 */
int d1_grid_load_elf(struct d1_grid *g, const void *elf, size_t size,
		     char *err, size_t errlen);
uint64_t d1_grid_entry(const struct d1_grid *g);
/* Address of a symbol in the loaded ELF's .symtab; 0 if absent. */
uint64_t d1_grid_symbol(const struct d1_grid *g, const char *name);

/*
 * Run a launch to completion (every node exited, faulted, timed out,
 * deadlocked, or the launch was aborted).  Returns 0, or -1 if @l is
 * invalid (message in @err) - nothing ran then.
 */
int d1_grid_run(struct d1_grid *g, const struct d1_launch *l,
		struct d1_launch_result *res, char *err, size_t errlen);
/* Stop the running launch at the next epoch boundary. */
void d1_grid_abort(struct d1_grid *g);

const struct d1_node_report *d1_grid_report(const struct d1_grid *g,
					    uint32_t node);
/* The node's print buffer of the last launch (not NUL-terminated). */
const char *d1_grid_output(const struct d1_grid *g, uint32_t node,
			   size_t *len);
/* Host view of a node's SRAM (D1_SRAM_SIZE bytes) for loading data. */
uint8_t *d1_grid_sram(struct d1_grid *g, uint32_t node);

const char *d1_node_status_name(enum d1_node_status s);
const char *d1_fault_name(uint32_t fault);

#endif /* D1_GRID_H */

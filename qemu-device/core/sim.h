/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Internal state of the D1 grid simulator (grid.h is the public API).
 */
#ifndef D1_SIM_H
#define D1_SIM_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "grid.h"
#include "pool.h"

/* A pre-decoded instruction: handler index plus unpacked operands. */
struct d1_insn {
	uint16_t op;		/* enum d1_op */
	uint8_t rd;		/* x register 0 is redirected to slot 32 */
	uint8_t rs1;
	uint8_t rs2;
	uint8_t rs3;
	uint8_t f3;		/* funct3: rounding mode, element type ... */
	uint8_t f7;		/* funct7 / funct2 */
	int32_t imm;		/* immediate; the raw word for ILLEGAL */
};

enum d1_hart_state {
	H_RUN = 0,
	H_EXITED,
	H_STOPPED,		/* node faulted / timed out / aborted */
	H_SEM_WAIT,
	H_BARRIER,
	H_DMA_WAIT,
};

typedef struct { uint8_t b[64]; } d1_vreg;

struct d1_hart {
	uint64_t x[33];		/* x[32]: sink for writes to x0 */
	uint32_t f[32];
	uint64_t pc;
	uint64_t instret;
	uint64_t cycle;
	uint64_t budget;	/* instret limit; UINT64_MAX: none */
	uint64_t sr_state;
	uint32_t fflags;
	uint32_t frm;
	uint32_t vrm;
	uint32_t fpcfg;
	uint32_t id;
	enum d1_hart_state state;
	uint32_t wait_sem;	/* H_SEM_WAIT: index, value */
	uint32_t wait_val;
	uint64_t wait_tag;	/* H_DMA_WAIT */
	int64_t exit_code;
	/* timing model counters (timing.c); cycle is its clock */
	uint64_t vec_ops, mat_ops, flops;
	uint64_t stall_dma, stall_sem, stall_barrier;
	d1_vreg v[32];
};

struct d1_dma_op {
	uint16_t kind;
	uint16_t peer;		/* remote node (launch rank) for TO/FROM_NODE */
	uint32_t len;
	uint64_t src, dst;
	uint64_t tag;
	uint64_t pc;		/* of the dma.start, for fault reports */
	uint64_t at;		/* issuing hart's clock at dma.start */
	uint32_t hart;
};

struct d1_signal {
	uint32_t node;		/* launch rank */
	uint32_t sem;
	uint32_t val;
	uint64_t at;		/* modelled arrival */
};

/*
 * Dirty tracking for scrubbing: one bit per 4 KiB page of SRAM, set by
 * every write (stores, vector stores, DMA, loading).  A scrub zeroes only
 * the pages marked, so a small kernel pays for what it touched.
 */
#define D1_DIRTY_SHIFT	12
#define D1_DIRTY_PAGES	(D1_SRAM_SIZE >> D1_DIRTY_SHIFT)
#define D1_DIRTY_WORDS	((D1_DIRTY_PAGES + 63) / 64)

/* Mark the pages of SRAM offsets [off, off + len), len > 0. */
static inline void d1_dirty(uint64_t *bm, uint64_t off, uint64_t len)
{
	uint64_t p = off >> D1_DIRTY_SHIFT, last = (off + len - 1) >> D1_DIRTY_SHIFT;

	for (; p <= last; p++)
		bm[p / 64] |= 1ull << (p % 64);
}

/* DMA tags whose completion time a node keeps (timing.c) */
#define D1_TM_TAGS	64

struct d1_run;
struct d1_tm_run;

struct d1_node {
	struct d1_grid *g;
	uint32_t id, x, y;	/* place in the mesh */
	/* the launch running on the node, and the node's place in it */
	struct d1_run *run;
	uint32_t rank, rx, ry;
	bool stopped;		/* fault/timeout/abort: no hart runs */
	uint8_t *sram;
	uint64_t dirty[D1_DIRTY_WORDS];
	uint32_t nharts;
	struct d1_hart harts[D1_MAX_HARTS];
	uint32_t sem[D1_NUM_SEMS];
	/* DMA queued during the epoch, performed at its end */
	struct d1_dma_op *dma;
	uint32_t ndma, dma_cap;
	uint64_t dma_issued, dma_done;
	/* remote semaphore signals queued during the epoch */
	struct d1_signal *sig;
	uint32_t nsig, sig_cap;
	bool progress;		/* some hart retired an instruction */
	/* timing model (timing.c) */
	uint64_t sem_at[D1_NUM_SEMS];	/* arrival of the last signal */
	uint64_t dma_at[D1_TM_TAGS];	/* completion of tag t at t % TAGS */
	uint64_t dma_last;		/* of every transfer done so far */
	struct d1_node_report rep;
	char print[D1_PRINT_BUF_SIZE];
};

struct d1_kimage {
	atomic_uint refs;
	uint64_t entry;
	uint64_t text_lo, text_hi;	/* executable range (SRAM address) */
	uint64_t image_lo, image_hi;	/* range covered by segments */
	uint8_t *seg;		/* initial SRAM of [image_lo, image_hi) */
	struct d1_insn *code;	/* (text_hi - text_lo) / 4 entries, plus a
				 * sentinel after and a pad entry before */
	struct d1_insn *code_mem;	/* the allocation */
	struct d1_jit *jit;	/* the text as host code, or NULL */
	char *symtab;		/* 8-byte address + "name\0" records */
	size_t symtab_len;
	size_t footprint;
};

/* One launch running on its rectangle (d1_grid_run's state). */
struct d1_run {
	struct d1_grid *g;
	const struct d1_launch *l;
	const struct d1_kimage *img;
	uint32_t x0, y0, cols, rows;
	uint32_t nnodes;	/* usable nodes of the rectangle: ranks */
	struct d1_node **node;	/* by rank */
	uint32_t quantum;
	uint64_t deadline;	/* now_ns value to stop at; 0: none */
	atomic_int abort;	/* d1_grid_abort() */
	struct d1_tm_run *tm;	/* timing model: links, HBM (timing.c) */
	struct d1_run *next;	/* in g->runs */
};

struct d1_grid {
	uint32_t rows, cols, nnodes;
	uint32_t usable;	/* node ids >= usable are spares */
	uint32_t threads;
	struct d1_node *nodes;
	struct d1_pool *pool;
	struct d1_kimage *image;	/* default image (d1_grid_load_elf) */
	pthread_mutex_t lock;	/* protects runs */
	struct d1_run *runs;	/* launches running now */
};

/* decode.c: decode n words into out[0..n); out[-1] and out[n] must exist */
void d1_predecode(const uint8_t *text, uint64_t n, struct d1_insn *out);
/* hart.c: run hart @h of node @n for at most @n_insns instructions. */
void d1_hart_run(struct d1_node *n, struct d1_hart *h, uint64_t n_insns);
void d1_node_fault(struct d1_node *n, struct d1_hart *h, uint32_t fault,
		   uint64_t pc, uint64_t addr);

/* vec.c: execute one D1 vector instruction (custom-0/1/2); 0, or a
 * D1_FAULT_* code with *addr set. */
enum d1_vec_kind { D1_VK_ARITH, D1_VK_V3, D1_VK_MEM };
int d1_vec_exec(struct d1_node *n, struct d1_hart *h,
		const struct d1_insn *in, enum d1_vec_kind kind,
		uint64_t *addr);
/* Is [addr, addr + len) writable SRAM for this image (not its text)? */
bool d1_sram_writable(const struct d1_kimage *img, uint64_t addr,
		      uint64_t len);
bool d1_sram_readable(uint64_t addr, uint64_t len);
/* The fault address reported for an access at @addr outside SRAM. */
uint64_t d1_sram_fault_addr(uint64_t addr);
/* fp.c: fold the host FP exception flags into h->fflags and clear them. */
void d1_fp_flush(struct d1_hart *h);

/* sys.c: CSR access (false: unknown CSR, or a write to a read-only one)
 * and ecall services (0, or a D1_FAULT_* code with *addr set). */
bool d1_csr_access(struct d1_node *n, struct d1_hart *h, uint32_t csr,
		   bool write, uint64_t val, uint64_t *old);
int d1_ecall(struct d1_node *n, struct d1_hart *h, uint64_t *addr);

/* grid.c: D1 synchronisation instructions; 0, or a D1_FAULT_* code with
 * *addr set.  May block the hart (changes h->state). */
int d1_sync_exec(struct d1_node *n, struct d1_hart *h,
		 const struct d1_insn *in, uint64_t *addr);

#endif /* D1_SIM_H */

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The node timing model (node-sim.rst, "Timing model"): the cost table
 * of the ISA (isa.rst, "Cost table"), the SMT issue accounting of a
 * node's harts and the DMA/mesh model of a launch.  Accounting only: it
 * changes no result of a kernel, only its cycle counts and counters.
 *
 * The interpreter adds the costs of what it retires, the translated
 * code adds each block's static sum (d1_tm_insn()); both give the same
 * counters.  Everything that crosses harts or nodes is resolved in a
 * fixed order (hart order within a node, rank order between epochs), so
 * the figures do not depend on the host thread count.
 */
#ifndef D1_TIMING_H
#define D1_TIMING_H

#include <stdbool.h>
#include <stdint.h>

#include "sim.h"

/*
 * Whether the model runs (default: yes; D1_TIMING=0 in the environment:
 * no).  Off, translated code does not count and launches do no SMT and
 * DMA accounting - for measuring what the model costs.  Images keep the
 * setting of when they were loaded.
 */
bool d1_tm_enabled(void);
void d1_tm_enable(bool on);

/* Cycles an instruction keeps its hart busy: the hart issues its next
 * instruction that many cycles after this one (no overlap within a hart;
 * the other harts of the node hide the latency). */
#define D1_TC_ALU	1	/* integer ALU, LUI/AUIPC, NOP */
#define D1_TC_BRANCH	1	/* branches, JAL, JALR */
#define D1_TC_MUL	3
#define D1_TC_DIV	20	/* DIV/REM, any width */
#define D1_TC_LOAD	3	/* SRAM load, FLW */
#define D1_TC_STORE	1	/* SRAM store, FSW */
#define D1_TC_FP	4	/* FADD/FSUB/FMUL/FMA, FMIN/FMAX, compares,
				 * conversions */
#define D1_TC_FDIV	12	/* FDIV, FSQRT */
#define D1_TC_FMOVE	1	/* sign injection, FMV, FCLASS */
#define D1_TC_CSR	2
#define D1_TC_SYS	1	/* ecall, ebreak */
#define D1_TC_SYNC	2	/* semaphores, barrier, dma.wait */
#define D1_TC_DMA	4	/* dma.start (per list) */
#define D1_TC_VEC	2	/* vector ALU, compare, select, splat, moves,
				 * conversions */
#define D1_TC_VFMA	4
#define D1_TC_VRED	4	/* reductions */
#define D1_TC_VLOAD	3
#define D1_TC_VSTORE	1
#define D1_TC_VMMA	4	/* one 8x8x4 tile product; the matrix unit
				 * accepts one a cycle from the node's harts */
#define D1_VMMA_FLOPS	512	/* 8 * 8 * 4 multiply-adds */

/* DMA engine and mesh (cycles at 2 GHz, bytes per cycle). */
#define D1_TM_DMA_SETUP	64	/* descriptor fetch to first byte */
#define D1_TM_HOP	2	/* per mesh hop */
#define D1_TM_LINK_BPC	256	/* per link and direction: 512 GB/s */
#define D1_TM_PORT_BPC	256	/* a node's own DMA port (SRAM, HBM) */
#define D1_TM_HBM_BPC	400	/* the card's HBM: 800 GB/s, shared */
#define D1_TM_SIGNAL	8	/* remote sem.signal: issue + per hop */
/* The DIP-to-DIP link (TTPoE, ~50 GB/s): a LINK_COPY's set-up, rate. */
#define D1_TM_DIPLINK_SETUP	4000	/* 2 us: frames out, ack back */
#define D1_TM_DIPLINK_BPC	25	/* 50 GB/s */
#define D1_TM_BARRIER	16	/* release after the last hart arrives */

/* What one instruction adds to its hart's counters. */
struct d1_tm_w {
	uint32_t cycles;	/* D1_TC_* */
	uint32_t vec, mat;	/* vector unit / vmma instructions */
	uint32_t flops;		/* FP operations (FMA: 2) */
};

/* The weights of decoded instruction @in (retired). */
void d1_tm_insn(const struct d1_insn *in, struct d1_tm_w *w);
/* A retired vector instruction: its counters into @h, cycles returned. */
uint32_t d1_tm_vec(struct d1_hart *h, const struct d1_insn *in);

/*
 * SMT: after an epoch in which hart k of @n went from clock start[k] to
 * h->cycle (its own latency chain) retiring issued[k] instructions,
 * delay each to when a shared issue slot, round robin among the harts
 * that overlapped it, could have issued them.
 */
void d1_tm_smt(struct d1_node *n, const uint64_t *start,
	       const uint64_t *issued);

/* Per-launch DMA and mesh state (struct d1_run.tm). */
struct d1_tm_run *d1_tm_run_create(const struct d1_run *run);
void d1_tm_run_free(struct d1_tm_run *tm);

/* Between epochs: the link/HBM loads of all the transfers queued in this
 * epoch (the interval over which they contend), before any completes. */
void d1_tm_dma_plan(struct d1_run *run);
/* Transfer @op of node @n was performed: count its bytes and record when
 * its tag completes. */
void d1_tm_dma_done(struct d1_run *run, struct d1_node *n,
		    const struct d1_dma_op *op);
/* dma.wait @tag succeeded: stall hart @h until the tag's completion. */
void d1_tm_dma_wait(struct d1_node *n, struct d1_hart *h, uint64_t tag);
/* Arrival time of a sem.signal from @h on @n to rank @to. */
uint64_t d1_tm_signal_at(const struct d1_node *n, const struct d1_hart *h,
			 uint32_t to);
/* A wait on semaphore @idx succeeded: stall @h until its last signal. */
void d1_tm_sem_wait(struct d1_node *n, struct d1_hart *h, uint32_t idx);
/* Mesh link bytes out of the node at rank @rank, into @out. */
void d1_tm_links(const struct d1_run *run, uint32_t rank,
		 uint64_t out[D1_LINKS]);

#endif /* D1_TIMING_H */

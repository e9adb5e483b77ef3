/* SPDX-License-Identifier: GPL-2.0 */
/* Argument blocks shared by the node-simulator tests and their kernels. */
#ifndef KARGS_H
#define KARGS_H

#include <stdint.h>

/* SRAM addresses the host uses for test data (below the stacks). */
#define KDATA_IN	0x10040000u
#define KDATA_OUT	0x10080000u
#define KDATA_OUT2	0x100c0000u

enum basic_mode {
	BASIC_HELLO = 0,	/* print, record CSRs, exit 100 + node id */
	BASIC_SORT,		/* sort n int32 at KDATA_IN into KDATA_OUT */
	BASIC_FDOT,		/* out = sum a[i] * b[i] in float, in order */
	BASIC_SPIN,		/* loop forever */
	BASIC_F_ILLEGAL,
	BASIC_F_LOAD,
	BASIC_F_STORE_TEXT,
	BASIC_F_STORE_OOB,
	BASIC_F_FETCH,
	BASIC_F_MISALIGNED,
	BASIC_F_ECALL,
	BASIC_F_EBREAK,
	BASIC_F_DMA,		/* HBM read refused by the callback */
	BASIC_F_SYNC,		/* signal to a node outside the grid */
	BASIC_DEADLOCK,		/* wait on a semaphore nobody signals */
	BASIC_FAULT_ON_NODE,	/* node arg[1] takes a load fault */
	BASIC_PRINT_FLOOD,	/* print more than the buffer holds */
	BASIC_DMA_ONE,		/* one DMA: kind n & 0xff, node n >> 8,
				 * dst addr, src KDATA_IN, 64 bytes */
	BASIC_DMA_DESC_AT,	/* dma.start with the descriptor at addr */
	BASIC_DMA_WAIT_BOGUS,	/* dma.wait on a tag never issued */
	BASIC_CSR_WRITE_RO,	/* write the read-only d1.nodeid CSR */
	BASIC_CSR_UNKNOWN,	/* read CSR 0x7c0 */
	BASIC_BAD_RM,		/* fadd.s with rounding mode 5 */
	BASIC_COUNTERS,		/* read cycle/instret around a loop */
	BASIC_F_VLD,		/* vld from addr */
	BASIC_F_VST,		/* vst to addr */
	BASIC_MIXED_DEADLOCK,	/* node 0 at a barrier, others on a semaphore */
	BASIC_BARRIER_EXITED,	/* node 0 exits, the others meet at a barrier */
	BASIC_DMA_FLOOD,	/* n lists of 4096 8-byte copies, no waits */
	BASIC_DIRTY,		/* leave state behind: n words at addr,
				 * vector/DMA stores, registers, semaphores */
	BASIC_SCAN,		/* exit with the count of what BASIC_DIRTY
				 * could have left: nonzero SRAM words
				 * between the image and the stack, registers,
				 * CSRs and semaphores off their reset value */
	BASIC_PEER,		/* n & 0xffff: DMA_TO_NODE, FROM_NODE or
				 * a semaphore signal (D1_S_SEM_SIGNAL) to
				 * node n >> 16 */
	BASIC_SCATTER,		/* n stores of every width, FP and vector,
				 * at KSCATTER places from addr */
};

/*
 * BASIC_SCATTER's places: store i goes to addr + kscatter_off(i, &x), x
 * starting at KSCATTER_SEED, with the value x | KSCATTER_ONES (every
 * byte nonzero); the doubleword, word and vector stores cross a page
 * boundary.
 */
#define KSCATTER_SPAN	0xc0000u
#define KSCATTER_SEED	0x9e3779b97f4a7c15ull
#define KSCATTER_ONES	0x0101010101010101ull

static inline uint64_t kscatter_off(uint64_t i, uint64_t *x)
{
	uint64_t off;

	*x = *x * 6364136223846793005ull + 1442695040888963407ull;
	off = (*x >> 24) % (KSCATTER_SPAN - 4096);
	if (i % 3 == 0 || i % 6 == 5)	/* sd, sw, vst */
		off = (off | 4095) - 2;
	return off;
}

struct basic_args {
	uint64_t mode;
	uint64_t n;		/* element count or node id */
	uint64_t addr;		/* a test address */
};

/* kernels/vadd.c: c = a + b (FP32), n elements split across nodes and
 * harts; per node a contiguous slice of n / nodes elements. */
struct vadd_args {
	uint64_t a, b, c;	/* device (HBM) addresses */
	uint64_t n;
};

/* kernels/sgemm.c: C(MxN) = A(MxK) B(KxN), FP32 row-major in HBM; rows
 * of C round-robin over nodes in blocks of 8. */
struct gemm_args {
	uint64_t a, b, c;
	uint64_t m, n, k;
	uint64_t sr_out;	/* bf16mm: also store C as BF16 with SR */
	uint64_t c16;		/* bf16mm: where */
};

/* kernels/sync.c modes */
enum sync_mode {
	SYNC_RING = 0,		/* ring all-reduce over the mesh with DMA */
	SYNC_PINGPONG,		/* nodes 0 and 1 bounce a counter */
	SYNC_BARRIER,		/* phases separated by grid barriers */
	SYNC_SMT,		/* 4 harts of a node combine via semaphores */
	SYNC_PULL,		/* FROM_NODE reads from the left neighbour */
	SYNC_LIST,		/* list DMA gathers 4 pieces in one start */
};

struct sync_args {
	uint64_t mode;
	uint64_t rounds;
	uint64_t len;		/* ring: int32 elements per node */
};

/* kernels/timing.c modes (the timing model's tests) */
enum timing_mode {
	TIMING_DMA = 0,		/* rank r sends n bytes KDATA_IN -> KDATA_OUT
				 * to rank dst[r] (none: 0xffff) and waits */
	TIMING_HBM,		/* every node reads n bytes of HBM at addr */
	TIMING_DIV,		/* every hart: a chain of n dependent divides */
	TIMING_VMMA,		/* every hart: n x 64 vmma on registers */
	TIMING_MIX,		/* scalar, FP, vector, vmma, DMA over the mesh
				 * and HBM, semaphores and a barrier */
};

struct timing_args {
	uint64_t mode;
	uint64_t n;
	uint64_t addr;
	uint16_t dst[16];
};

#endif /* KARGS_H */

/* SPDX-License-Identifier: GPL-2.0 */
/* Arguments of the selftest device kernel (kernels/d1k_scale.c). */
#ifndef D1K_ARGS_H
#define D1K_ARGS_H

#include <stdint.h>

enum d1k_mode {
	D1K_SCALE = 0,	/* dst[i] = src[i] * (node + 2) for the node's slice */
	D1K_SPIN,	/* loop forever */
	D1K_ILLEGAL,	/* execute an illegal instruction */
	D1K_LOOP,	/* n * 1024 empty loop rounds, then exit 0 */
	D1K_DIRTY,	/* n words of a pattern at SRAM address dst, and
			 * semaphores, vector registers, printf */
	D1K_SCAN,	/* exit with the count of nonzero SRAM words between
			 * the image and the stack, plus nonzero semaphores
			 * and vector registers (with n > 0: after D1K_DIRTY
			 * itself) */
	D1K_PEER,	/* n & 0xffff: D1_DMA_TO_NODE, D1_DMA_FROM_NODE or
			 * D1_S_SEM_SIGNAL aimed at node n >> 16 */
};

struct d1k_args {
	uint64_t src, dst;	/* device VAs */
	uint32_t n;		/* int32 per node */
	uint32_t mode;
};

#endif /* D1K_ARGS_H */

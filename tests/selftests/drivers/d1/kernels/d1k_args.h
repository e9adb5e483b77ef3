/* SPDX-License-Identifier: GPL-2.0 */
/* Arguments of the selftest device kernel (kernels/d1k_scale.c). */
#ifndef D1K_ARGS_H
#define D1K_ARGS_H

#include <stdint.h>

enum d1k_mode {
	D1K_SCALE = 0,	/* dst[i] = src[i] * (node + 2) for the node's slice */
	D1K_SPIN,	/* loop forever */
	D1K_ILLEGAL,	/* execute an illegal instruction */
};

struct d1k_args {
	uint64_t src, dst;	/* device VAs */
	uint32_t n;		/* int32 per node */
	uint32_t mode;
};

#endif /* D1K_ARGS_H */

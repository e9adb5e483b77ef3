/* SPDX-License-Identifier: GPL-2.0 */
/* Arguments of the device LAUNCH test kernel (kernels/dev_scale.c). */
#ifndef DEV_ARGS_H
#define DEV_ARGS_H

#include <stdint.h>

enum dev_mode {
	DEV_SCALE = 0,		/* the verified job */
	DEV_SPIN,		/* never ends */
	DEV_ILLEGAL,		/* executes an illegal instruction */
	DEV_SRAM_OVERFLOW,	/* stores past the end of SRAM */
	DEV_DEADLOCK,		/* waits on a semaphore nobody signals */
};

struct dev_scale_args {
	uint64_t src, dst;	/* device VAs */
	uint32_t n;		/* int32 per node */
	uint32_t mode;
};

#endif /* DEV_ARGS_H */

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * d1 DIP card core: register file and device behaviour, with no QEMU
 * dependency.  The QEMU glue (../d1_dip.c) forwards BAR0 accesses here and
 * supplies the host-side effects (MSI-X) through struct d1_dip_ops.
 */
#ifndef D1_DIP_H
#define D1_DIP_H

#include <stdbool.h>
#include <stdint.h>

#include "d1_regs.h"

struct d1_dip_config {
	uint32_t grid_rows;
	uint32_t grid_cols;
	uint32_t nodes;		/* usable nodes, <= rows * cols */
	uint32_t sram_size;	/* bytes per node */
	uint32_t num_queues;
	uint32_t num_contexts;
	uint64_t hbm_size;
};

struct d1_dip_ops {
	/* Signal MSI-X vector @vec. */
	void (*notify)(void *opaque, unsigned int vec);
	/* A guest programming error worth logging (not fatal). */
	void (*guest_error)(void *opaque, const char *msg, uint64_t addr);
};

struct d1_dip {
	struct d1_dip_config cfg;
	const struct d1_dip_ops *ops;
	void *opaque;

	uint32_t scratch;
	uint32_t irq_status;
	uint32_t irq_mask;
	uint32_t doorbell_ack;
	uint32_t error;
};

/* Largest grid the card supports in either dimension. */
#define D1_DIP_MAX_GRID_DIM	64u

/* Returns NULL when @cfg is valid, else a message naming the bad field. */
const char *d1_dip_check_config(const struct d1_dip_config *cfg);

void d1_dip_init(struct d1_dip *d, const struct d1_dip_config *cfg,
		 const struct d1_dip_ops *ops, void *opaque);
void d1_dip_reset(struct d1_dip *d);

/* BAR0 access; @size is in bytes.  Only aligned 32-bit accesses are valid. */
uint32_t d1_dip_reg_read(struct d1_dip *d, uint64_t addr, unsigned int size);
void d1_dip_reg_write(struct d1_dip *d, uint64_t addr, uint32_t val,
		      unsigned int size);

#endif /* D1_DIP_H */

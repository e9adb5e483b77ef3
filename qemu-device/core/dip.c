// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * d1 DIP card core: the BAR0 register file and its side effects.
 * See Documentation/accel/d1/hw-interface.rst.
 */
#include "dip.h"

#include <string.h>

const char *d1_dip_check_config(const struct d1_dip_config *cfg)
{
	if (!cfg->grid_rows || cfg->grid_rows > D1_DIP_MAX_GRID_DIM)
		return "grid-rows must be 1..64";
	if (!cfg->grid_cols || cfg->grid_cols > D1_DIP_MAX_GRID_DIM)
		return "grid-cols must be 1..64";
	if (!cfg->nodes || cfg->nodes > cfg->grid_rows * cfg->grid_cols)
		return "nodes must be 1..grid-rows*grid-cols";
	if (!cfg->sram_size || cfg->sram_size % 4096)
		return "sram-size must be a non-zero multiple of 4 KiB";
	if (!cfg->num_queues || cfg->num_queues > 32)
		return "queues must be 1..32";
	if (!cfg->num_contexts || cfg->num_contexts > 256)
		return "contexts must be 1..256";
	if (cfg->hbm_size < (1u << 20) || (cfg->hbm_size & (cfg->hbm_size - 1)))
		return "hbm-size must be a power of two of at least 1 MiB";
	return NULL;
}

void d1_dip_reset(struct d1_dip *d)
{
	d->scratch = 0;
	d->irq_status = 0;
	d->irq_mask = 0;
	d->doorbell_ack = 0;
	d->error = D1_ERROR_NONE;
}

void d1_dip_init(struct d1_dip *d, const struct d1_dip_config *cfg,
		 const struct d1_dip_ops *ops, void *opaque)
{
	memset(d, 0, sizeof(*d));
	d->cfg = *cfg;
	d->ops = ops;
	d->opaque = opaque;
	d1_dip_reset(d);
}

static void bad_access(struct d1_dip *d, const char *msg, uint64_t addr)
{
	d->error = D1_ERROR_BAD_ACCESS;
	if (d->ops && d->ops->guest_error)
		d->ops->guest_error(d->opaque, msg, addr);
}

/* Latch @bits in IRQ_STATUS and signal the device vector if enabled. */
static void raise_irq(struct d1_dip *d, uint32_t bits)
{
	d->irq_status |= bits;
	if ((d->irq_status & d->irq_mask) && d->ops && d->ops->notify)
		d->ops->notify(d->opaque, D1_MSIX_VEC_DEVICE);
}

static bool access_ok(struct d1_dip *d, uint64_t addr, unsigned int size)
{
	if (size != 4 || (addr & 3)) {
		bad_access(d, "d1-dip: register access must be aligned 32-bit",
			   addr);
		return false;
	}
	return true;
}

uint32_t d1_dip_reg_read(struct d1_dip *d, uint64_t addr, unsigned int size)
{
	const struct d1_dip_config *c = &d->cfg;

	if (!access_ok(d, addr, size))
		return ~0u;

	switch (addr) {
	case D1_REG_ID:
		return D1_ID_MAGIC;
	case D1_REG_VERSION:
		return D1_HW_VERSION;
	case D1_REG_GRID:
		return c->grid_rows | c->grid_cols << 16;
	case D1_REG_NODES:
		return c->nodes;
	case D1_REG_SRAM_SIZE:
		return c->sram_size;
	case D1_REG_NUM_QUEUES:
		return c->num_queues;
	case D1_REG_NUM_CONTEXTS:
		return c->num_contexts;
	case D1_REG_MSIX_VECTORS:
		return 1 + c->num_queues;
	case D1_REG_HBM_SIZE_LO:
		return (uint32_t)c->hbm_size;
	case D1_REG_HBM_SIZE_HI:
		return (uint32_t)(c->hbm_size >> 32);
	case D1_REG_SCRATCH:
		return d->scratch;
	case D1_REG_IRQ_STATUS:
		return d->irq_status;
	case D1_REG_IRQ_MASK:
		return d->irq_mask;
	case D1_REG_DOORBELL_ACK:
		return d->doorbell_ack;
	case D1_REG_ERROR:
		return d->error;
	case D1_REG_DOORBELL:
	case D1_REG_RESET:
		return 0;	/* write-only */
	default:
		bad_access(d, "d1-dip: read of unknown register", addr);
		return ~0u;
	}
}

void d1_dip_reg_write(struct d1_dip *d, uint64_t addr, uint32_t val,
		      unsigned int size)
{
	if (!access_ok(d, addr, size))
		return;

	switch (addr) {
	case D1_REG_SCRATCH:
		d->scratch = val;
		break;
	case D1_REG_IRQ_STATUS:
		d->irq_status &= ~val;
		break;
	case D1_REG_IRQ_MASK:
		d->irq_mask = val & D1_IRQ_ALL;
		/* Unmasking a pending event delivers it (level semantics). */
		if (d->irq_status & d->irq_mask)
			raise_irq(d, 0);
		break;
	case D1_REG_DOORBELL:
		d->doorbell_ack = ~val;
		raise_irq(d, D1_IRQ_DOORBELL);
		break;
	case D1_REG_ERROR:
		if (val == 0)
			d->error = D1_ERROR_NONE;
		break;
	case D1_REG_RESET:
		if (val == D1_RESET_MAGIC)
			d1_dip_reset(d);
		else
			bad_access(d, "d1-dip: bad RESET magic", addr);
		break;
	default:
		bad_access(d, "d1-dip: write to read-only or unknown register",
			   addr);
		break;
	}
}

// SPDX-License-Identifier: GPL-2.0
/* Host unit tests of the DIP register core (qemu-device/core/dip.c). */
#include <string.h>

#include "dip.h"
#include "kselftest_harness.h"

struct notify_log {
	unsigned int count;
	unsigned int last_vec;
	unsigned int errors;
};

static void log_notify(void *opaque, unsigned int vec)
{
	struct notify_log *l = opaque;

	l->count++;
	l->last_vec = vec;
}

static void log_error(void *opaque, const char *msg, uint64_t addr)
{
	struct notify_log *l = opaque;

	(void)msg;
	(void)addr;
	l->errors++;
}

static const struct d1_dip_ops log_ops = {
	.notify = log_notify,
	.guest_error = log_error,
};

static const struct d1_dip_config default_cfg = {
	.grid_rows = 18, .grid_cols = 20, .nodes = 354,
	.sram_size = 1280 * 1024, .num_queues = 4, .num_contexts = 16,
	.hbm_size = 1ull << 33,
};

FIXTURE(dip) {
	struct d1_dip d;
	struct notify_log log;
};

FIXTURE_SETUP(dip)
{
	memset(&self->log, 0, sizeof(self->log));
	d1_dip_init(&self->d, &default_cfg, &log_ops, &self->log);
}

FIXTURE_TEARDOWN(dip)
{
}

TEST_F(dip, identity_and_caps)
{
	struct d1_dip *d = &self->d;

	EXPECT_EQ(D1_ID_MAGIC, d1_dip_reg_read(d, D1_REG_ID, 4));
	EXPECT_EQ(1u, D1_VERSION_MAJOR(d1_dip_reg_read(d, D1_REG_VERSION, 4)));
	EXPECT_EQ(18u, D1_GRID_ROWS(d1_dip_reg_read(d, D1_REG_GRID, 4)));
	EXPECT_EQ(20u, D1_GRID_COLS(d1_dip_reg_read(d, D1_REG_GRID, 4)));
	EXPECT_EQ(354u, d1_dip_reg_read(d, D1_REG_NODES, 4));
	EXPECT_EQ(5u, d1_dip_reg_read(d, D1_REG_MSIX_VECTORS, 4));
	/* 8 GiB HBM splits across the two halves. */
	EXPECT_EQ(0u, d1_dip_reg_read(d, D1_REG_HBM_SIZE_LO, 4));
	EXPECT_EQ(2u, d1_dip_reg_read(d, D1_REG_HBM_SIZE_HI, 4));
	EXPECT_EQ(0u, self->log.errors);
}

TEST_F(dip, doorbell_respects_mask)
{
	struct d1_dip *d = &self->d;

	d1_dip_reg_write(d, D1_REG_DOORBELL, 41, 4);
	EXPECT_EQ(~41u, d1_dip_reg_read(d, D1_REG_DOORBELL_ACK, 4));
	EXPECT_EQ(D1_IRQ_DOORBELL, d1_dip_reg_read(d, D1_REG_IRQ_STATUS, 4));
	EXPECT_EQ(0u, self->log.count);

	/* Enabling a latched source delivers it once. */
	d1_dip_reg_write(d, D1_REG_IRQ_MASK, 0xffffffff, 4);
	EXPECT_EQ(D1_IRQ_ALL, d1_dip_reg_read(d, D1_REG_IRQ_MASK, 4));
	EXPECT_EQ(1u, self->log.count);
	EXPECT_EQ((unsigned int)D1_MSIX_VEC_DEVICE, self->log.last_vec);

	/* Write-1-to-clear. */
	d1_dip_reg_write(d, D1_REG_IRQ_STATUS, D1_IRQ_DOORBELL, 4);
	EXPECT_EQ(0u, d1_dip_reg_read(d, D1_REG_IRQ_STATUS, 4));

	d1_dip_reg_write(d, D1_REG_DOORBELL, 0, 4);
	EXPECT_EQ(0xffffffffu, d1_dip_reg_read(d, D1_REG_DOORBELL_ACK, 4));
	EXPECT_EQ(2u, self->log.count);
}

TEST_F(dip, bad_accesses_are_flagged)
{
	struct d1_dip *d = &self->d;

	EXPECT_EQ(0xffffffffu, d1_dip_reg_read(d, D1_REG_SCRATCH, 2));
	EXPECT_EQ((uint32_t)D1_ERROR_BAD_ACCESS,
		  d1_dip_reg_read(d, D1_REG_ERROR, 4));
	d1_dip_reg_write(d, D1_REG_ERROR, 0, 4);
	EXPECT_EQ(0u, d1_dip_reg_read(d, D1_REG_ERROR, 4));

	d1_dip_reg_write(d, D1_REG_SCRATCH + 1, 1, 4);
	d1_dip_reg_write(d, D1_REG_NODES, 1, 4);
	EXPECT_EQ(354u, d1_dip_reg_read(d, D1_REG_NODES, 4));
	EXPECT_EQ(0xffffffffu, d1_dip_reg_read(d, 0x4000, 4));
	EXPECT_EQ(4u, self->log.errors);
}

TEST_F(dip, reset_needs_magic)
{
	struct d1_dip *d = &self->d;

	d1_dip_reg_write(d, D1_REG_SCRATCH, 0x5a5a, 4);
	d1_dip_reg_write(d, D1_REG_RESET, 1, 4);
	EXPECT_EQ(0x5a5au, d1_dip_reg_read(d, D1_REG_SCRATCH, 4));
	d1_dip_reg_write(d, D1_REG_RESET, D1_RESET_MAGIC, 4);
	EXPECT_EQ(0u, d1_dip_reg_read(d, D1_REG_SCRATCH, 4));
	EXPECT_EQ(0u, d1_dip_reg_read(d, D1_REG_ERROR, 4));
}

TEST(config_validation)
{
	struct d1_dip_config c = default_cfg;

	EXPECT_EQ(NULL, d1_dip_check_config(&c));
	c.nodes = 361;
	EXPECT_NE(NULL, d1_dip_check_config(&c));
	c = default_cfg;
	c.grid_rows = 0;
	EXPECT_NE(NULL, d1_dip_check_config(&c));
	c = default_cfg;
	c.hbm_size = 3u << 20;
	EXPECT_NE(NULL, d1_dip_check_config(&c));
	c = default_cfg;
	c.sram_size = 1000;
	EXPECT_NE(NULL, d1_dip_check_config(&c));
	c = default_cfg;
	c.num_queues = 0;
	EXPECT_NE(NULL, d1_dip_check_config(&c));
}

TEST_HARNESS_MAIN

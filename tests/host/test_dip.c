// SPDX-License-Identifier: GPL-2.0
/* Host unit tests of the DIP register core (qemu-device/core/dip.c). */
#include <string.h>

#include "dip_harness.h"
#include "kselftest_harness.h"

FIXTURE(dip) {
	struct bench b;
};

FIXTURE_SETUP(dip)
{
	struct d1_dip_config c = bench_config();

	c.grid_rows = 18;
	c.grid_cols = 20;
	c.nodes = 354;
	c.hbm_size = 1ull << 33;	/* registers only: never touched */
	ASSERT_EQ(0, bench_init(&self->b, &c));
}

FIXTURE_TEARDOWN(dip)
{
	bench_fini(&self->b);
}

TEST_F(dip, identity_and_caps)
{
	struct d1_dip *d = &self->b.d;

	EXPECT_EQ(D1_ID_MAGIC, d1_dip_reg_read(d, D1_REG_ID, 4));
	EXPECT_EQ(1u, D1_VERSION_MAJOR(d1_dip_reg_read(d, D1_REG_VERSION, 4)));
	EXPECT_EQ(18u, D1_GRID_ROWS(d1_dip_reg_read(d, D1_REG_GRID, 4)));
	EXPECT_EQ(20u, D1_GRID_COLS(d1_dip_reg_read(d, D1_REG_GRID, 4)));
	EXPECT_EQ(354u, d1_dip_reg_read(d, D1_REG_NODES, 4));
	EXPECT_EQ(5u, d1_dip_reg_read(d, D1_REG_MSIX_VECTORS, 4));
	/* 8 GiB HBM splits across the two halves. */
	EXPECT_EQ(0u, d1_dip_reg_read(d, D1_REG_HBM_SIZE_LO, 4));
	EXPECT_EQ(2u, d1_dip_reg_read(d, D1_REG_HBM_SIZE_HI, 4));
	EXPECT_EQ(0u, self->b.errors);
}

TEST_F(dip, doorbell_respects_mask)
{
	struct d1_dip *d = &self->b.d;

	d1_dip_reg_write(d, D1_REG_DOORBELL, 41, 4);
	EXPECT_EQ(~41u, d1_dip_reg_read(d, D1_REG_DOORBELL_ACK, 4));
	EXPECT_EQ(D1_IRQ_DOORBELL, d1_dip_reg_read(d, D1_REG_IRQ_STATUS, 4));
	EXPECT_EQ(0u, bench_notifies(&self->b, D1_MSIX_VEC_DEVICE));

	/* Enabling a latched source delivers it once. */
	d1_dip_reg_write(d, D1_REG_IRQ_MASK, 0xffffffff, 4);
	EXPECT_EQ(D1_IRQ_ALL, d1_dip_reg_read(d, D1_REG_IRQ_MASK, 4));
	EXPECT_EQ(1u, bench_notifies(&self->b, D1_MSIX_VEC_DEVICE));

	/* Write-1-to-clear. */
	d1_dip_reg_write(d, D1_REG_IRQ_STATUS, D1_IRQ_DOORBELL, 4);
	EXPECT_EQ(0u, d1_dip_reg_read(d, D1_REG_IRQ_STATUS, 4));

	d1_dip_reg_write(d, D1_REG_DOORBELL, 0, 4);
	EXPECT_EQ(0xffffffffu, d1_dip_reg_read(d, D1_REG_DOORBELL_ACK, 4));
	EXPECT_EQ(2u, bench_notifies(&self->b, D1_MSIX_VEC_DEVICE));
	EXPECT_EQ(0u, bench_notifies(&self->b, D1_MSIX_VEC_QUEUE(0)));
}

TEST_F(dip, bad_accesses_are_flagged)
{
	struct d1_dip *d = &self->b.d;

	EXPECT_EQ(0xffffffffu, d1_dip_reg_read(d, D1_REG_SCRATCH, 2));
	EXPECT_EQ((uint32_t)D1_ERROR_BAD_ACCESS,
		  d1_dip_reg_read(d, D1_REG_ERROR, 4));
	d1_dip_reg_write(d, D1_REG_ERROR, 0, 4);
	EXPECT_EQ(0u, d1_dip_reg_read(d, D1_REG_ERROR, 4));

	d1_dip_reg_write(d, D1_REG_SCRATCH + 1, 1, 4);
	d1_dip_reg_write(d, D1_REG_NODES, 1, 4);
	EXPECT_EQ(354u, d1_dip_reg_read(d, D1_REG_NODES, 4));
	EXPECT_EQ(0xffffffffu, d1_dip_reg_read(d, 0x8000, 4));
	/* The usage of a context the card does not have. */
	EXPECT_EQ(0xffffffffu,
		  d1_dip_reg_read(d, D1_REG_CTX_STAT(255, D1_CTX_CYCLES_LO), 4));
	EXPECT_EQ(5u, self->b.errors);
}

TEST_F(dip, reset_needs_magic)
{
	struct d1_dip *d = &self->b.d;

	d1_dip_reg_write(d, D1_REG_SCRATCH, 0x5a5a, 4);
	d1_dip_reg_write(d, D1_REG_RESET, 1, 4);
	EXPECT_EQ(0x5a5au, d1_dip_reg_read(d, D1_REG_SCRATCH, 4));
	d1_dip_reg_write(d, D1_REG_RESET, D1_RESET_MAGIC, 4);
	EXPECT_EQ(0u, d1_dip_reg_read(d, D1_REG_SCRATCH, 4));
	EXPECT_EQ(0u, d1_dip_reg_read(d, D1_REG_ERROR, 4));
}

TEST_F(dip, context_registers)
{
	struct d1_dip *d = &self->b.d;

	d1_dip_reg_write(d, D1_REG_CTX(15, D1_CTX_PT_LO), 0x12345000, 4);
	d1_dip_reg_write(d, D1_REG_CTX(15, D1_CTX_PT_HI), 0x9, 4);
	d1_dip_reg_write(d, D1_REG_CTX(15, D1_CTX_CTRL), 0xff, 4);
	EXPECT_EQ(0x12345000u, d1_dip_reg_read(d, D1_REG_CTX(15, D1_CTX_PT_LO), 4));
	EXPECT_EQ(0x9u, d1_dip_reg_read(d, D1_REG_CTX(15, D1_CTX_PT_HI), 4));
	EXPECT_EQ(D1_CTX_VALID, d1_dip_reg_read(d, D1_REG_CTX(15, D1_CTX_CTRL), 4));
	EXPECT_EQ(0u, self->b.errors);
	/* An unaligned root is refused; context 16 does not exist. */
	d1_dip_reg_write(d, D1_REG_CTX(15, D1_CTX_PT_LO), 0x12345008, 4);
	EXPECT_EQ(1u, self->b.errors);
	EXPECT_EQ(0xffffffffu, d1_dip_reg_read(d, D1_REG_CTX(16, D1_CTX_CTRL), 4));
	EXPECT_EQ(2u, self->b.errors);
	/* Reset invalidates every context. */
	d1_dip_reg_write(d, D1_REG_RESET, D1_RESET_MAGIC, 4);
	EXPECT_EQ(0u, d1_dip_reg_read(d, D1_REG_CTX(15, D1_CTX_CTRL), 4));
}

TEST_F(dip, power_and_telemetry)
{
	struct d1_dip *d = &self->b.d;
	uint32_t t0, t1;

	EXPECT_EQ((uint32_t)D1_PM_ACTIVE, d1_dip_reg_read(d, D1_REG_PM_STATE, 4));
	/* Idle: 35 degC, 25 W. */
	EXPECT_EQ(35000u, d1_dip_reg_read(d, D1_REG_TEMP_MC, 4));
	EXPECT_EQ(25000u, d1_dip_reg_read(d, D1_REG_POWER_MW, 4));
	d1_dip_reg_write(d, D1_REG_PM_CTRL, D1_PM_LOW, 4);
	EXPECT_EQ((uint32_t)D1_PM_LOW, d1_dip_reg_read(d, D1_REG_PM_STATE, 4));
	EXPECT_GT(25000u, d1_dip_reg_read(d, D1_REG_POWER_MW, 4));
	d1_dip_reg_write(d, D1_REG_PM_CTRL, 7, 4);	/* invalid: ignored */
	EXPECT_EQ((uint32_t)D1_PM_LOW, d1_dip_reg_read(d, D1_REG_PM_STATE, 4));
	d1_dip_reg_write(d, D1_REG_PM_CTRL, D1_PM_ACTIVE, 4);
	EXPECT_EQ((uint32_t)D1_PM_ACTIVE, d1_dip_reg_read(d, D1_REG_PM_STATE, 4));

	/* The device clock runs. */
	t0 = d1_dip_reg_read(d, D1_REG_TIME_LO, 4);
	nanosleep(&(struct timespec){ .tv_nsec = 2000000 }, NULL);
	t1 = d1_dip_reg_read(d, D1_REG_TIME_LO, 4);
	EXPECT_NE(t0, t1);
}

TEST(config_validation)
{
	struct d1_dip_config c = bench_config(), default_cfg = bench_config();

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

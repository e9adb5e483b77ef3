/*
 * qtest for the d1 DIP device: exercised only through its PCI registers.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qemu/osdep.h"
#include "libqtest.h"
#include "libqos/pci.h"
#include "libqos/pci-pc.h"
#include "hw/pci/pci_regs.h"

#include "../../hw/misc/d1/core/d1_regs.h"

#define D1_DEVFN QPCI_DEVFN(4, 0)

typedef struct {
	QTestState *qts;
	QPCIBus *bus;
	QPCIDevice *dev;
	QPCIBar regs;
} D1Test;

static void d1_start(D1Test *t, const char *props)
{
	t->qts = qtest_initf("-machine q35 -nodefaults "
			     "-device d1-dip,addr=04.0%s", props);
	t->bus = qpci_new_pc(t->qts, NULL);
	t->dev = qpci_device_find(t->bus, D1_DEVFN);
	g_assert_nonnull(t->dev);
	qpci_device_enable(t->dev);
	t->regs = qpci_iomap(t->dev, D1_BAR_REGS, NULL);
}

static void d1_stop(D1Test *t)
{
	if (t->dev->msix_enabled)
		qpci_msix_disable(t->dev);
	g_free(t->dev);
	qpci_free_pc(t->bus);
	qtest_quit(t->qts);
}

static uint32_t rd(D1Test *t, uint64_t off)
{
	return qpci_io_readl(t->dev, t->regs, off);
}

static void wr(D1Test *t, uint64_t off, uint32_t v)
{
	qpci_io_writel(t->dev, t->regs, off, v);
}

static void test_identity(void)
{
	D1Test t;

	d1_start(&t, "");
	g_assert_cmphex(qpci_config_readw(t.dev, PCI_VENDOR_ID), ==,
			D1_PCI_VENDOR_ID);
	g_assert_cmphex(qpci_config_readw(t.dev, PCI_DEVICE_ID), ==,
			D1_PCI_DEVICE_ID);
	g_assert_cmphex(qpci_config_readw(t.dev, PCI_CLASS_DEVICE), ==,
			D1_PCI_CLASS);
	g_assert_cmphex(rd(&t, D1_REG_ID), ==, D1_ID_MAGIC);
	g_assert_cmphex(rd(&t, D1_REG_VERSION), ==, D1_HW_VERSION);
	/* Defaults: the 354-node D1 mesh, 1.25 MiB SRAM per node. */
	g_assert_cmpuint(D1_GRID_ROWS(rd(&t, D1_REG_GRID)), ==, 18);
	g_assert_cmpuint(D1_GRID_COLS(rd(&t, D1_REG_GRID)), ==, 20);
	g_assert_cmpuint(rd(&t, D1_REG_NODES), ==, 354);
	g_assert_cmpuint(rd(&t, D1_REG_SRAM_SIZE), ==, 1280 * 1024);
	g_assert_cmpuint(rd(&t, D1_REG_NUM_QUEUES), ==, 4);
	g_assert_cmpuint(rd(&t, D1_REG_MSIX_VECTORS), ==, 5);
	g_assert_cmpuint(rd(&t, D1_REG_HBM_SIZE_LO), ==, 256 << 20);
	g_assert_cmpuint(rd(&t, D1_REG_HBM_SIZE_HI), ==, 0);
	d1_stop(&t);
}

static void test_properties(void)
{
	D1Test t;

	d1_start(&t, ",grid-rows=2,grid-cols=3,nodes=5,queues=2,"
		 "hbm-size=64M");
	g_assert_cmphex(rd(&t, D1_REG_GRID), ==, 2 | 3 << 16);
	g_assert_cmpuint(rd(&t, D1_REG_NODES), ==, 5);
	g_assert_cmpuint(rd(&t, D1_REG_NUM_QUEUES), ==, 2);
	g_assert_cmpuint(rd(&t, D1_REG_MSIX_VECTORS), ==, 3);
	g_assert_cmpuint(qpci_msix_table_size(t.dev), ==, 3);
	g_assert_cmpuint(rd(&t, D1_REG_HBM_SIZE_LO), ==, 64 << 20);
	d1_stop(&t);
}

static void test_scratch_and_errors(void)
{
	D1Test t;

	d1_start(&t, "");
	g_assert_cmphex(rd(&t, D1_REG_SCRATCH), ==, 0);
	wr(&t, D1_REG_SCRATCH, 0xdeadbeef);
	g_assert_cmphex(rd(&t, D1_REG_SCRATCH), ==, 0xdeadbeef);
	g_assert_cmpuint(rd(&t, D1_REG_ERROR), ==, D1_ERROR_NONE);

	/* A write to a read-only register is ignored and flagged. */
	wr(&t, D1_REG_ID, 0);
	g_assert_cmphex(rd(&t, D1_REG_ID), ==, D1_ID_MAGIC);
	g_assert_cmpuint(rd(&t, D1_REG_ERROR), ==, D1_ERROR_BAD_ACCESS);
	wr(&t, D1_REG_ERROR, 0);
	g_assert_cmpuint(rd(&t, D1_REG_ERROR), ==, D1_ERROR_NONE);

	/* Sub-word access is rejected, not split. */
	g_assert_cmphex(qpci_io_readb(t.dev, t.regs, D1_REG_SCRATCH), ==, 0xff);
	g_assert_cmpuint(rd(&t, D1_REG_ERROR), ==, D1_ERROR_BAD_ACCESS);

	/* Unknown offsets read as all-ones. */
	g_assert_cmphex(rd(&t, 0x8000), ==, 0xffffffff);

	/* Reset restores power-on state. */
	wr(&t, D1_REG_RESET, D1_RESET_MAGIC);
	g_assert_cmphex(rd(&t, D1_REG_SCRATCH), ==, 0);
	g_assert_cmpuint(rd(&t, D1_REG_ERROR), ==, D1_ERROR_NONE);
	d1_stop(&t);
}

static void test_doorbell_msix(void)
{
	D1Test t;

	d1_start(&t, "");
	qpci_msix_enable(t.dev);
	/* Vectors start masked, so a notification shows up in the PBA. */
	g_assert_true(qpci_msix_masked(t.dev, D1_MSIX_VEC_DEVICE));

	/* Masked in the device: status latches, no message. */
	wr(&t, D1_REG_DOORBELL, 0x12345678);
	g_assert_cmphex(rd(&t, D1_REG_DOORBELL_ACK), ==, ~0x12345678u);
	g_assert_cmphex(rd(&t, D1_REG_IRQ_STATUS), ==, D1_IRQ_DOORBELL);
	g_assert_false(qpci_msix_pending(t.dev, D1_MSIX_VEC_DEVICE));

	/* Unmasking a latched event delivers it. */
	wr(&t, D1_REG_IRQ_MASK, D1_IRQ_DOORBELL);
	g_assert_true(qpci_msix_pending(t.dev, D1_MSIX_VEC_DEVICE));

	/* Ack, ring again: new value, new message. */
	wr(&t, D1_REG_IRQ_STATUS, D1_IRQ_DOORBELL);
	g_assert_cmphex(rd(&t, D1_REG_IRQ_STATUS), ==, 0);
	wr(&t, D1_REG_DOORBELL, 7);
	g_assert_cmphex(rd(&t, D1_REG_DOORBELL_ACK), ==, ~7u);
	g_assert_true(qpci_msix_pending(t.dev, D1_MSIX_VEC_DEVICE));
	/* No queue vector fired. */
	g_assert_false(qpci_msix_pending(t.dev, 1));
	d1_stop(&t);
}

static void test_hbm_bar(void)
{
	D1Test t;
	QPCIBar hbm;
	uint64_t size;

	d1_start(&t, ",hbm-size=16M");
	hbm = qpci_iomap(t.dev, D1_BAR_HBM, &size);
	g_assert_cmpuint(size, ==, 16 << 20);
	qpci_io_writeq(t.dev, hbm, 0, 0x0123456789abcdefULL);
	qpci_io_writeq(t.dev, hbm, size - 8, 0xfedcba9876543210ULL);
	g_assert_cmphex(qpci_io_readq(t.dev, hbm, 0), ==, 0x0123456789abcdefULL);
	g_assert_cmphex(qpci_io_readq(t.dev, hbm, size - 8), ==,
			0xfedcba9876543210ULL);
	qpci_iounmap(t.dev, hbm);
	d1_stop(&t);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	qtest_add_func("/d1-dip/identity", test_identity);
	qtest_add_func("/d1-dip/properties", test_properties);
	qtest_add_func("/d1-dip/scratch-and-errors", test_scratch_and_errors);
	qtest_add_func("/d1-dip/doorbell-msix", test_doorbell_msix);
	qtest_add_func("/d1-dip/hbm-bar", test_hbm_bar);
	return g_test_run();
}

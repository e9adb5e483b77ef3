/*
 * qtest for the d1 DIP device: exercised only through its PCI registers.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qemu/osdep.h"
#include "libqtest.h"
#include "libqos/pci.h"
#include "libqos/pci-pc.h"
#include "libqos/malloc-pc.h"
#include "hw/pci/pci_regs.h"

#include "hw/misc/d1/d1_regs.h"

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


/* ---- queues and MMU, through guest memory ---- */

#define VA_BUF	0x40000000ull	/* guest buffer mapped here */
#define VA_HBM	0x80000000ull	/* HBM mapped here */

typedef struct {
	D1Test t;
	QGuestAllocator alloc;
	uint64_t root, ring, buf;
	uint32_t tail;
} D1Queue;

static uint64_t zalloc(D1Queue *q, size_t size)
{
	uint64_t a = guest_alloc(&q->alloc, size);

	g_assert_cmphex(a & 4095, ==, 0);
	qtest_memset(q->t.qts, a, 0, size);
	return a;
}

/* Map [va, va + size) to @target with 4 KiB pages. */
static void map(D1Queue *q, uint64_t va, uint64_t target, uint64_t size,
		uint64_t flags)
{
	uint64_t off;

	for (off = 0; off < size; off += D1_PAGE_SIZE) {
		uint64_t v = va + off, table = q->root, pte;
		int level;

		for (level = D1_PT_LEVELS - 1; level > 0; level--) {
			uint64_t slot = table + ((v >> D1_PT_SHIFT(level)) & 511) * 8;

			pte = qtest_readq(q->t.qts, slot);
			if (!(pte & D1_PTE_VALID)) {
				pte = zalloc(q, 4096) | D1_PTE_VALID;
				qtest_writeq(q->t.qts, slot, pte);
			}
			table = pte & D1_PTE_ADDR_MASK;
		}
		qtest_writeq(q->t.qts, table + ((v >> 12) & 511) * 8,
			     (target + off) | flags | D1_PTE_VALID | D1_PTE_LEAF);
	}
}

/* The card at 04.0 with @props, queue 1 running in context 2. */
static void queue_start_with(D1Queue *q, const char *props)
{
	D1Test *t = &q->t;

	d1_start(t, props);
	pc_alloc_init(&q->alloc, t->qts, ALLOC_NO_FLAGS);
	qpci_msix_enable(t->dev);
	q->root = zalloc(q, 4096);
	q->ring = zalloc(q, 16 * D1_DESC_SIZE);
	q->buf = zalloc(q, 64 * 1024);
	q->tail = 0;
	map(q, VA_BUF, q->buf, 64 * 1024, D1_PTE_READ | D1_PTE_WRITE);
	map(q, VA_HBM, 0, 64 * 1024, D1_PTE_READ | D1_PTE_WRITE | D1_PTE_HBM);
	wr(t, D1_REG_CTX(2, D1_CTX_PT_LO), (uint32_t)q->root);
	wr(t, D1_REG_CTX(2, D1_CTX_PT_HI), (uint32_t)(q->root >> 32));
	wr(t, D1_REG_CTX(2, D1_CTX_CTRL), D1_CTX_VALID);
	wr(t, D1_REG_Q(1, D1_Q_RING_LO), (uint32_t)q->ring);
	wr(t, D1_REG_Q(1, D1_Q_RING_HI), (uint32_t)(q->ring >> 32));
	wr(t, D1_REG_Q(1, D1_Q_RING_SIZE), 16);
	wr(t, D1_REG_Q(1, D1_Q_CTX), 2);
	wr(t, D1_REG_Q(1, D1_Q_IRQ_MASK), D1_Q_IRQ_COMPLETE | D1_Q_IRQ_ERROR);
	wr(t, D1_REG_IRQ_MASK, D1_IRQ_ALL);
	wr(t, D1_REG_Q(1, D1_Q_CTRL), D1_Q_CTRL_ENABLE);
	g_assert_cmpuint(rd(t, D1_REG_Q(1, D1_Q_STATUS)), ==, 0);
}

static void queue_start(D1Queue *q)
{
	queue_start_with(q, "");
}

static void queue_stop(D1Queue *q)
{
	alloc_destroy(&q->alloc);
	d1_stop(&q->t);
}

static void submit8(D1Queue *q, uint64_t w0, uint64_t w1, uint64_t w2,
		    uint64_t w3, uint64_t w4, uint64_t w5, uint64_t w6,
		    uint64_t w7)
{
	uint64_t a = q->ring + q->tail * D1_DESC_SIZE;
	uint64_t w[8] = { w0, w1, w2, w3, w4, w5, w6, w7 };
	int i;

	for (i = 0; i < 8; i++)
		qtest_writeq(q->t.qts, a + i * 8, w[i]);
	q->tail = (q->tail + 1) % 16;
	wr(&q->t, D1_REG_Q(1, D1_Q_TAIL), q->tail);
}

static void submit(D1Queue *q, uint64_t w0, uint64_t w1, uint64_t w2,
		   uint64_t w3)
{
	submit8(q, w0, w1, w2, w3, 0, 0, 0, 0);
}

/* The queue threads run beside the qtest: poll with a deadline. */
static uint32_t queue_wait(D1Queue *q)
{
	gint64 end = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;

	for (;;) {
		uint32_t st = rd(&q->t, D1_REG_Q(1, D1_Q_STATUS));

		if ((st & D1_Q_STATUS_STOPPED) ||
		    (!(st & D1_Q_STATUS_BUSY) &&
		     rd(&q->t, D1_REG_Q(1, D1_Q_HEAD)) == q->tail))
			return st;
		g_assert_cmpint(g_get_monotonic_time(), <, end);
		g_usleep(1000);
	}
}

/* Wait for a queue-thread interrupt (delivered by a bottom half). */
static bool msix_pending_wait(D1Test *t, unsigned int vec)
{
	gint64 end = g_get_monotonic_time() + 5 * G_USEC_PER_SEC;

	while (g_get_monotonic_time() < end) {
		if (qpci_msix_pending(t->dev, vec))
			return true;
		qtest_clock_step(t->qts, 1000);
		g_usleep(1000);
	}
	return false;
}

static void test_queue_commands(void)
{
	D1Queue q;
	uint8_t data[5000], back[5000];
	QPCIBar hbm;
	size_t i;

	queue_start(&q);
	for (i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7 + 3);
	qtest_memwrite(q.t.qts, q.buf + 3, data, sizeof(data));
	/* The device clock is QEMU's virtual clock, which qtest drives. */
	qtest_clock_step(q.t.qts, 1000000);

	/* guest -> HBM (unaligned, crosses a page), HBM -> guest */
	submit(&q, D1_DESC_HDR(D1_OP_COPY, 0, 0), VA_BUF + 3, VA_HBM + 4090,
	       sizeof(data));
	submit(&q, D1_DESC_HDR(D1_OP_COPY, 0, 0), VA_HBM + 4090,
	       VA_BUF + 0x8000, sizeof(data));
	submit(&q, D1_DESC_HDR(D1_OP_TIMESTAMP, 0, 0), VA_BUF + 0xf008, 0, 0);
	submit(&q, D1_DESC_HDR(D1_OP_SIGNAL, D1_DESC_F_IRQ | D1_DESC_F_FENCE, 41),
	       VA_BUF + 0xf000, 0x1122334455667788ull, 0);
	g_assert_cmpuint(queue_wait(&q), ==, 0);

	qtest_memread(q.t.qts, q.buf + 0x8000, back, sizeof(back));
	g_assert_cmpmem(data, sizeof(data), back, sizeof(back));
	hbm = qpci_iomap(q.t.dev, D1_BAR_HBM, NULL);
	qpci_memread(q.t.dev, hbm, 4090, back, sizeof(back));
	g_assert_cmpmem(data, sizeof(data), back, sizeof(back));
	g_assert_cmphex(qtest_readq(q.t.qts, q.buf + 0xf000), ==,
			0x1122334455667788ull);
	g_assert_cmpuint(qtest_readq(q.t.qts, q.buf + 0xf008), >=, 1000000);
	g_assert_cmpuint(rd(&q.t, D1_REG_Q(1, D1_Q_FENCE)), ==, 41);
	g_assert_cmpuint(rd(&q.t, D1_REG_Q(1, D1_Q_CMDS_LO)), ==, 4);
	g_assert_cmpuint(rd(&q.t, D1_REG_Q(1, D1_Q_DMA_BYTES_LO)), ==,
			 2 * sizeof(data));
	/* Completion interrupt on the queue's own vector only. */
	g_assert_true(msix_pending_wait(&q.t, D1_MSIX_VEC_QUEUE(1)));
	g_assert_false(qpci_msix_pending(q.t.dev, D1_MSIX_VEC_QUEUE(0)));
	g_assert_false(qpci_msix_pending(q.t.dev, D1_MSIX_VEC_DEVICE));
	qpci_iounmap(q.t.dev, hbm);
	queue_stop(&q);
}

static void test_queue_fault(void)
{
	D1Queue q;
	uint32_t st, f;

	queue_start(&q);
	/* Read-only page: a COPY into it faults with a write access. */
	map(&q, VA_BUF + 0x100000, q.buf, 4096, D1_PTE_READ);
	submit(&q, D1_DESC_HDR(D1_OP_COPY, 0, 0), VA_BUF, VA_BUF + 0x100010, 8);
	st = queue_wait(&q);
	g_assert_true(st & D1_Q_STATUS_STOPPED);
	g_assert_cmpuint(D1_Q_STATUS_ERROR(st), ==, D1_QERR_MMU_FAULT);
	f = rd(&q.t, D1_REG_FAULT_STATUS);
	g_assert_true(f & D1_FAULT_VALID);
	g_assert_cmpuint(D1_FAULT_CTX(f), ==, 2);
	g_assert_cmpuint(D1_FAULT_QUEUE(f), ==, 1);
	g_assert_cmpuint(D1_FAULT_ACCESS(f), ==, D1_ACCESS_WRITE);
	g_assert_cmpuint(D1_FAULT_REASON(f), ==, D1_MMU_PERMISSION);
	g_assert_cmphex(rd(&q.t, D1_REG_FAULT_VA_LO), ==,
			(uint32_t)(VA_BUF + 0x100010));
	g_assert_true(msix_pending_wait(&q.t, D1_MSIX_VEC_DEVICE));
	g_assert_true(msix_pending_wait(&q.t, D1_MSIX_VEC_QUEUE(1)));

	/* Unknown opcode after a queue reset: error status, device fine. */
	wr(&q.t, D1_REG_Q(1, D1_Q_CTRL), D1_Q_CTRL_RESET);
	wr(&q.t, D1_REG_Q(1, D1_Q_CTRL), D1_Q_CTRL_ENABLE);
	q.tail = 0;
	submit(&q, 0xee, 0, 0, 0);
	st = queue_wait(&q);
	g_assert_cmpuint(D1_Q_STATUS_ERROR(st), ==, D1_QERR_BAD_OPCODE);
	g_assert_cmphex(rd(&q.t, D1_REG_ID), ==, D1_ID_MAGIC);

	/* DMA aimed at MMIO (our own BAR0) is a bus fault, not an access. */
	wr(&q.t, D1_REG_Q(1, D1_Q_CTRL), D1_Q_CTRL_RESET);
	wr(&q.t, D1_REG_Q(1, D1_Q_CTRL), D1_Q_CTRL_ENABLE);
	wr(&q.t, D1_REG_FAULT_STATUS, 0);
	wr(&q.t, D1_REG_SCRATCH, 0x77);
	q.tail = 0;
	map(&q, VA_BUF + 0x200000, q.t.regs.addr & ~4095ull, 4096,
	    D1_PTE_READ | D1_PTE_WRITE);
	submit(&q, D1_DESC_HDR(D1_OP_SIGNAL, 0, 0),
	       VA_BUF + 0x200000 + D1_REG_RESET, D1_RESET_MAGIC, 0);
	st = queue_wait(&q);
	g_assert_cmpuint(D1_Q_STATUS_ERROR(st), ==, D1_QERR_MMU_FAULT);
	g_assert_cmpuint(D1_FAULT_REASON(rd(&q.t, D1_REG_FAULT_STATUS)), ==,
			 D1_MMU_BUS);
	g_assert_cmphex(rd(&q.t, D1_REG_SCRATCH), ==, 0x77);
	queue_stop(&q);
}

static void test_flr(void)
{
	D1Queue q;
	uint8_t cap;
	uint16_t ctl;

	queue_start(&q);
	wr(&q.t, D1_REG_SCRATCH, 0x55);
	cap = qpci_find_capability(q.t.dev, PCI_CAP_ID_EXP, 0);
	g_assert_cmpuint(cap, !=, 0);
	g_assert_true(qpci_config_readl(q.t.dev, cap + PCI_EXP_DEVCAP) &
		      PCI_EXP_DEVCAP_FLR);
	ctl = qpci_config_readw(q.t.dev, cap + PCI_EXP_DEVCTL);
	qpci_config_writew(q.t.dev, cap + PCI_EXP_DEVCTL,
			   ctl | PCI_EXP_DEVCTL_BCR_FLR);
	/* The function is back to power-on state (BARs too): map it again. */
	qpci_device_enable(q.t.dev);
	q.t.regs = qpci_iomap(q.t.dev, D1_BAR_REGS, NULL);
	g_assert_cmpuint(rd(&q.t, D1_REG_SCRATCH), ==, 0);
	g_assert_cmpuint(rd(&q.t, D1_REG_Q(1, D1_Q_CTRL)), ==, 0);
	g_assert_cmpuint(rd(&q.t, D1_REG_CTX(2, D1_CTX_CTRL)), ==, 0);
	g_assert_cmphex(rd(&q.t, D1_REG_ID), ==, D1_ID_MAGIC);
	queue_stop(&q);
}

/*
 * A LAUNCH that never ends (no budget) is stopped by a queue reset, and
 * the queue works again.  Needs a clang-built kernel: D1_QTEST_KERNEL
 * names tests/host/kernels/dev_scale.c's ELF (tools/check.sh sets it).
 */
#define VA_IMG	0x60000000ull

/*
 * Start the device with queue 1 and the kernel mapped at VA_IMG; its
 * size in *@len.  False (the test skipped) without a kernel.
 */
static bool queue_start_kernel(D1Queue *q, gsize *len)
{
	const char *path = getenv("D1_QTEST_KERNEL");
	gchar *elf = NULL;
	uint64_t img;

	if (!path || !g_file_get_contents(path, &elf, len, NULL)) {
		g_test_skip("D1_QTEST_KERNEL not set");
		return false;
	}
	queue_start(q);
	img = zalloc(q, (*len + 4095) & ~4095ul);
	qtest_memwrite(q->t.qts, img, elf, *len);
	map(q, VA_IMG, img, (*len + 4095) & ~4095ul, D1_PTE_READ);
	g_free(elf);
	return true;
}

static void test_reset_during_launch(void)
{
	gsize len = 0;
	D1Queue q;
	uint64_t args;
	uint32_t st;

	if (!queue_start_kernel(&q, &len))
		return;
	/* struct dev_scale_args { src, dst, n, mode = DEV_SPIN } */
	args = q.buf + 0x100;
	qtest_writeq(q.t.qts, args + 16, 0 | (uint64_t)1 << 32);

	submit8(&q, D1_DESC_HDR(D1_OP_LAUNCH, 0, 0), VA_IMG,
		len | (uint64_t)4096 << 32, VA_BUF + 0x100,
		0 | 0ull << 16 | 2ull << 32 | 1ull << 48, 24 | 1ull << 32, 0,
		VA_BUF + 0x1000);
	g_usleep(100 * 1000);
	st = rd(&q.t, D1_REG_Q(1, D1_Q_STATUS));
	g_assert_true(st & D1_Q_STATUS_BUSY);
	g_assert_false(st & D1_Q_STATUS_STOPPED);

	wr(&q.t, D1_REG_Q(1, D1_Q_CTRL), D1_Q_CTRL_RESET);
	g_assert_cmpuint(rd(&q.t, D1_REG_Q(1, D1_Q_STATUS)), ==, 0);

	/* Same image, a 2-node budget: it times out cleanly with a report. */
	wr(&q.t, D1_REG_Q(1, D1_Q_CTRL), D1_Q_CTRL_ENABLE);
	q.tail = 0;
	submit8(&q, D1_DESC_HDR(D1_OP_LAUNCH, 0, 0), VA_IMG,
		len | (uint64_t)4096 << 32, VA_BUF + 0x100,
		0 | 0ull << 16 | 2ull << 32 | 1ull << 48, 24 | 1ull << 32,
		20000, VA_BUF + 0x1000);
	st = queue_wait(&q);
	g_assert_cmpuint(D1_Q_STATUS_ERROR(st), ==, D1_QERR_TIMEOUT);
	g_assert_cmphex(qtest_readl(q.t.qts, q.buf + 0x1000), ==,
			D1_REPORT_MAGIC);
	g_assert_cmpuint(qtest_readl(q.t.qts, q.buf + 0x1008), ==, 2);
	queue_stop(&q);
}

/*
 * Two LAUNCHes on two queues in two contexts, on disjoint nodes, run at
 * the same time: queue 2's completes while queue 1's still spins, and
 * queue 1's running time on the grid keeps growing meanwhile.
 */
static void test_concurrent_launches(void)
{
	uint64_t ring2, w[8], run0, run1;
	gsize len = 0;
	uint32_t st, i;
	D1Queue q;

	if (!queue_start_kernel(&q, &len))
		return;
	/* context 3 shares context 2's tables; queue 2 runs in it */
	wr(&q.t, D1_REG_CTX(3, D1_CTX_PT_LO), (uint32_t)q.root);
	wr(&q.t, D1_REG_CTX(3, D1_CTX_PT_HI), (uint32_t)(q.root >> 32));
	wr(&q.t, D1_REG_CTX(3, D1_CTX_CTRL), D1_CTX_VALID);
	ring2 = zalloc(&q, 16 * D1_DESC_SIZE);
	wr(&q.t, D1_REG_Q(2, D1_Q_RING_LO), (uint32_t)ring2);
	wr(&q.t, D1_REG_Q(2, D1_Q_RING_HI), (uint32_t)(ring2 >> 32));
	wr(&q.t, D1_REG_Q(2, D1_Q_RING_SIZE), 16);
	wr(&q.t, D1_REG_Q(2, D1_Q_CTX), 3);
	wr(&q.t, D1_REG_Q(2, D1_Q_CTRL), D1_Q_CTRL_ENABLE);

	/* struct dev_scale_args { src, dst, n, mode }: queue 1 spins ... */
	qtest_writeq(q.t.qts, q.buf + 0x100 + 16, 0 | (uint64_t)1 << 32);
	submit8(&q, D1_DESC_HDR(D1_OP_LAUNCH, 0, 0), VA_IMG,
		D1_LAUNCH_W2(len, 4096), VA_BUF + 0x100,
		D1_LAUNCH_W4(0, 0, 1, 1), D1_LAUNCH_W5(24, 1, 0), 0,
		VA_BUF + 0x1000);
	/* it holds its node before queue 2 starts ... */
	for (i = 0; i < 10000 && rd(&q.t, D1_REG_GRID_BUSY) != 1; i++)
		g_usleep(1000);
	g_assert_cmpuint(rd(&q.t, D1_REG_GRID_BUSY), ==, 1);
	/* ... queue 2 scales 4 ints by 2 on the node beside it */
	qtest_writeq(q.t.qts, q.buf + 0x200, VA_BUF + 0x3000);
	qtest_writeq(q.t.qts, q.buf + 0x208, VA_BUF + 0x4000);
	qtest_writeq(q.t.qts, q.buf + 0x210, 4);
	for (i = 0; i < 4; i++)
		qtest_writel(q.t.qts, q.buf + 0x3000 + 4 * i, 100 + i);
	w[0] = D1_DESC_HDR(D1_OP_LAUNCH, 0, 0);
	w[1] = VA_IMG;
	w[2] = D1_LAUNCH_W2(len, 4096);
	w[3] = VA_BUF + 0x200;
	w[4] = D1_LAUNCH_W4(1, 0, 1, 1);
	w[5] = D1_LAUNCH_W5(24, 1, 0);
	w[6] = 1000000;
	w[7] = VA_BUF + 0x5000;
	for (i = 0; i < 8; i++)
		qtest_writeq(q.t.qts, ring2 + i * 8, w[i]);
	wr(&q.t, D1_REG_Q(2, D1_Q_TAIL), 1);

	for (i = 0; i < 10000; i++) {
		st = rd(&q.t, D1_REG_Q(2, D1_Q_STATUS));
		if (!(st & D1_Q_STATUS_BUSY) &&
		    rd(&q.t, D1_REG_Q(2, D1_Q_HEAD)) == 1)
			break;
		g_usleep(1000);
	}
	g_assert_cmpuint(rd(&q.t, D1_REG_Q(2, D1_Q_STATUS)), ==, 0);
	for (i = 0; i < 4; i++)
		g_assert_cmpuint(qtest_readl(q.t.qts, q.buf + 0x4000 + 4 * i),
				 ==, 2 * (100 + i));
	g_assert_cmphex(qtest_readl(q.t.qts, q.buf + 0x5000), ==,
			D1_REPORT_MAGIC);
	/* queue 1 still runs, and has run on the grid all along */
	g_assert_cmpuint(rd(&q.t, D1_REG_Q(1, D1_Q_STATUS)), ==,
			 D1_Q_STATUS_BUSY);
	g_assert_cmpuint(rd(&q.t, D1_REG_GRID_BUSY), ==, 1);
	/* (the virtual clock only moves when the qtest steps it) */
	qtest_clock_step(q.t.qts, 1000);
	run0 = rd(&q.t, D1_REG_Q(1, D1_Q_RUN_NS_LO));
	run0 |= (uint64_t)rd(&q.t, D1_REG_Q(1, D1_Q_RUN_NS_HI)) << 32;
	g_assert_cmpuint(run0, >=, 1000);
	qtest_clock_step(q.t.qts, 1000000);
	run1 = rd(&q.t, D1_REG_Q(1, D1_Q_RUN_NS_LO));
	run1 |= (uint64_t)rd(&q.t, D1_REG_Q(1, D1_Q_RUN_NS_HI)) << 32;
	g_assert_cmpuint(run1, >=, run0 + 1000000);
	wr(&q.t, D1_REG_Q(1, D1_Q_CTRL), D1_Q_CTRL_RESET);
	g_assert_cmpuint(rd(&q.t, D1_REG_Q(1, D1_Q_STATUS)), ==, 0);
	g_assert_cmpuint(rd(&q.t, D1_REG_GRID_BUSY), ==, 0);
	queue_stop(&q);
}

/* Random register writes never crash or wedge the device. */
static void test_register_fuzz(void)
{
	D1Queue q;
	GRand *r = g_rand_new_with_seed(0xd1);
	int i;

	queue_start(&q);
	for (i = 0; i < 4000; i++) {
		uint32_t off = g_rand_int_range(r, 0, 0x4000) & ~3u;

		/* Not RESET's magic, not the ring/context of queue 1. */
		if (off == D1_REG_RESET)
			continue;
		if (g_rand_boolean(r))
			wr(&q.t, off, g_rand_int(r));
		else
			rd(&q.t, off);
	}
	/* Whatever state that left, a device reset brings it back. */
	wr(&q.t, D1_REG_RESET, D1_RESET_MAGIC);
	g_assert_cmphex(rd(&q.t, D1_REG_ID), ==, D1_ID_MAGIC);
	g_assert_cmpuint(rd(&q.t, D1_REG_ERROR), ==, 0);
	g_rand_free(r);
	alloc_destroy(&q.alloc);
	d1_stop(&q.t);
	/* A fresh device still runs commands. */
	queue_start(&q);
	submit(&q, D1_DESC_HDR(D1_OP_SIGNAL, 0, 0), VA_BUF, 99, 0);
	g_assert_cmpuint(queue_wait(&q), ==, 0);
	g_assert_cmpuint(qtest_readq(q.t.qts, q.buf), ==, 99);
	queue_stop(&q);
}

/* ---- rings, descriptors, faults and sizes on any queue ---- */

typedef struct {
	unsigned int idx;
	uint64_t ring;
	uint32_t tail;
} D1Ring;

/* Queue 1 as queue_start() set it up. */
static void ring_of_queue1(D1Queue *q, D1Ring *r)
{
	r->idx = 1;
	r->ring = q->ring;
	r->tail = q->tail;
}

/* Queue @idx on a 16-entry ring, running in context @ctx. */
static void ring_start(D1Queue *q, D1Ring *r, unsigned int idx,
		       unsigned int ctx)
{
	D1Test *t = &q->t;

	r->idx = idx;
	r->tail = 0;
	r->ring = zalloc(q, 16 * D1_DESC_SIZE);
	wr(t, D1_REG_Q(idx, D1_Q_RING_LO), (uint32_t)r->ring);
	wr(t, D1_REG_Q(idx, D1_Q_RING_HI), (uint32_t)(r->ring >> 32));
	wr(t, D1_REG_Q(idx, D1_Q_RING_SIZE), 16);
	wr(t, D1_REG_Q(idx, D1_Q_CTX), ctx);
	wr(t, D1_REG_Q(idx, D1_Q_CTRL), D1_Q_CTRL_ENABLE);
	g_assert_cmpuint(rd(t, D1_REG_Q(idx, D1_Q_STATUS)), ==, 0);
}

static void ring_submit(D1Queue *q, D1Ring *r, const uint64_t *w)
{
	uint64_t a = r->ring + r->tail * D1_DESC_SIZE;
	int i;

	for (i = 0; i < D1_DESC_WORDS; i++)
		qtest_writeq(q->t.qts, a + i * 8, w[i]);
	r->tail = (r->tail + 1) % 16;
	wr(&q->t, D1_REG_Q(r->idx, D1_Q_TAIL), r->tail);
}

static uint32_t ring_wait(D1Queue *q, D1Ring *r)
{
	gint64 end = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;

	for (;;) {
		uint32_t st = rd(&q->t, D1_REG_Q(r->idx, D1_Q_STATUS));

		if ((st & D1_Q_STATUS_STOPPED) ||
		    (!(st & D1_Q_STATUS_BUSY) &&
		     rd(&q->t, D1_REG_Q(r->idx, D1_Q_HEAD)) == r->tail))
			return st;
		g_assert_cmpint(g_get_monotonic_time(), <, end);
		g_usleep(1000);
	}
}

/* Queue reset, enable again, clear the fault record. */
static void ring_recover(D1Queue *q, D1Ring *r)
{
	wr(&q->t, D1_REG_Q(r->idx, D1_Q_CTRL), D1_Q_CTRL_RESET);
	g_assert_cmpuint(rd(&q->t, D1_REG_Q(r->idx, D1_Q_STATUS)), ==, 0);
	wr(&q->t, D1_REG_Q(r->idx, D1_Q_CTRL), D1_Q_CTRL_ENABLE);
	wr(&q->t, D1_REG_FAULT_STATUS, 0);
	r->tail = 0;
}

/* Run one descriptor; it must stop the queue with @qerr. */
static void expect_qerr(D1Queue *q, D1Ring *r, const uint64_t *w,
			unsigned int qerr)
{
	uint32_t st;

	ring_submit(q, r, w);
	st = ring_wait(q, r);
	g_assert_true(st & D1_Q_STATUS_STOPPED);
	g_assert_cmpuint(D1_Q_STATUS_ERROR(st), ==, qerr);
	g_assert_cmpuint(rd(&q->t, D1_REG_Q(r->idx, D1_Q_HEAD)), ==,
			 (r->tail + 15) % 16);
	ring_recover(q, r);
}

/*
 * Run one descriptor; it must stop the queue with an MMU fault whose
 * record names @reason, @access, @va (UINT64_MAX: not checked), this
 * queue and context @ctx; the device's fault count goes up by one.
 */
static void expect_fault(D1Queue *q, D1Ring *r, const uint64_t *w,
			 unsigned int ctx, unsigned int reason,
			 unsigned int access, uint64_t va)
{
	uint32_t count = rd(&q->t, D1_REG_FAULT_COUNT), st, f;

	ring_submit(q, r, w);
	st = ring_wait(q, r);
	g_assert_true(st & D1_Q_STATUS_STOPPED);
	g_assert_cmpuint(D1_Q_STATUS_ERROR(st), ==, D1_QERR_MMU_FAULT);
	f = rd(&q->t, D1_REG_FAULT_STATUS);
	g_assert_true(f & D1_FAULT_VALID);
	g_assert_cmpuint(D1_FAULT_REASON(f), ==, reason);
	g_assert_cmpuint(D1_FAULT_ACCESS(f), ==, access);
	g_assert_cmpuint(D1_FAULT_QUEUE(f), ==, r->idx);
	g_assert_cmpuint(D1_FAULT_CTX(f), ==, ctx);
	if (va != UINT64_MAX) {
		g_assert_cmphex(rd(&q->t, D1_REG_FAULT_VA_LO), ==, (uint32_t)va);
		g_assert_cmphex(rd(&q->t, D1_REG_FAULT_VA_HI), ==,
				(uint32_t)(va >> 32));
	}
	g_assert_cmpuint(rd(&q->t, D1_REG_FAULT_COUNT), ==, count + 1);
	ring_recover(q, r);
}

#define DESC(op, ...) ((const uint64_t[8]){ D1_DESC_HDR(op, 0, 0), __VA_ARGS__ })

/* The device still works: a SIGNAL on @r lands in guest memory. */
static void expect_alive(D1Queue *q, D1Ring *r)
{
	ring_submit(q, r, DESC(D1_OP_SIGNAL, VA_BUF + 0xff00, 0x5a5a));
	g_assert_cmpuint(ring_wait(q, r), ==, 0);
	g_assert_cmphex(qtest_readq(q->t.qts, q->buf + 0xff00), ==, 0x5a5a);
	qtest_writeq(q->t.qts, q->buf + 0xff00, 0);
}

/* A WAIT on one queue is released by a SIGNAL from another. */
static void test_wait_across_queues(void)
{
	D1Queue q;
	D1Ring waiter, signaller;
	uint32_t st;

	queue_start(&q);
	ring_of_queue1(&q, &signaller);
	ring_start(&q, &waiter, 3, 2);
	ring_submit(&q, &waiter, (const uint64_t[8]){
		D1_DESC_HDR(D1_OP_WAIT, D1_DESC_F_FENCE, 7), VA_BUF + 0x100, 3 });
	ring_submit(&q, &waiter, DESC(D1_OP_SIGNAL, VA_BUF + 0x108, 1));
	/* Not yet: 2 < 3. */
	ring_submit(&q, &signaller, DESC(D1_OP_SIGNAL, VA_BUF + 0x100, 2));
	g_assert_cmpuint(ring_wait(&q, &signaller), ==, 0);
	g_usleep(50 * 1000);
	st = rd(&q.t, D1_REG_Q(3, D1_Q_STATUS));
	g_assert_true(st & D1_Q_STATUS_BUSY);
	g_assert_false(st & D1_Q_STATUS_STOPPED);
	g_assert_cmpuint(rd(&q.t, D1_REG_Q(3, D1_Q_HEAD)), ==, 0);
	g_assert_cmpuint(qtest_readq(q.t.qts, q.buf + 0x108), ==, 0);
	/* >= releases it, and what follows the WAIT runs. */
	ring_submit(&q, &signaller, DESC(D1_OP_SIGNAL, VA_BUF + 0x100, 5));
	g_assert_cmpuint(ring_wait(&q, &signaller), ==, 0);
	g_assert_cmpuint(ring_wait(&q, &waiter), ==, 0);
	g_assert_cmpuint(rd(&q.t, D1_REG_Q(3, D1_Q_FENCE)), ==, 7);
	g_assert_cmpuint(qtest_readq(q.t.qts, q.buf + 0x108), ==, 1);

	/* A WAIT nobody satisfies holds its queue only: a reset ends it. */
	ring_submit(&q, &waiter, DESC(D1_OP_WAIT, VA_BUF + 0x100, 100));
	g_usleep(20 * 1000);
	g_assert_true(rd(&q.t, D1_REG_Q(3, D1_Q_STATUS)) & D1_Q_STATUS_BUSY);
	expect_alive(&q, &signaller);
	ring_recover(&q, &waiter);
	expect_alive(&q, &waiter);
	queue_stop(&q);
}

/* MMU fault reasons, each with its access, VA, queue and context. */
static void test_fault_unmapped(void)
{
	D1Queue q;
	D1Ring r;

	queue_start(&q);
	ring_of_queue1(&q, &r);
	/* Source never mapped: a read fault at its first byte. */
	expect_fault(&q, &r, DESC(D1_OP_COPY, 0x123456789ull, VA_BUF, 8), 2,
		     D1_MMU_UNMAPPED, D1_ACCESS_READ, 0x123456789ull);
	/* A copy running off the end of a mapping faults at the first
	 * unmapped page. */
	expect_fault(&q, &r, DESC(D1_OP_COPY, VA_BUF, VA_HBM + 0x8000,
				  0x10000), 2, D1_MMU_UNMAPPED,
		     D1_ACCESS_WRITE, VA_HBM + 0x10000);
	/* Beyond the 39-bit VA space. */
	expect_fault(&q, &r, DESC(D1_OP_TIMESTAMP, 1ull << 39), 2,
		     D1_MMU_UNMAPPED, D1_ACCESS_WRITE, 1ull << 39);
	/* A copy whose end wraps around 2^64. */
	expect_fault(&q, &r, DESC(D1_OP_COPY, ~0ull - 3, VA_BUF, 8), 2,
		     D1_MMU_UNMAPPED, D1_ACCESS_READ, ~0ull - 3);
	expect_alive(&q, &r);
	queue_stop(&q);
}

static void test_fault_permission(void)
{
	D1Queue q;
	D1Ring r;

	queue_start(&q);
	ring_of_queue1(&q, &r);
	map(&q, VA_BUF + 0x100000, q.buf, 4096, D1_PTE_WRITE);	/* no R */
	map(&q, VA_BUF + 0x200000, q.buf, 4096, D1_PTE_READ);	/* no W */
	expect_fault(&q, &r, DESC(D1_OP_COPY, VA_BUF + 0x100008, VA_BUF, 8),
		     2, D1_MMU_PERMISSION, D1_ACCESS_READ, VA_BUF + 0x100008);
	expect_fault(&q, &r, DESC(D1_OP_WAIT, VA_BUF + 0x100000, 0), 2,
		     D1_MMU_PERMISSION, D1_ACCESS_READ, VA_BUF + 0x100000);
	expect_fault(&q, &r, DESC(D1_OP_SIGNAL, VA_BUF + 0x200010, 1), 2,
		     D1_MMU_PERMISSION, D1_ACCESS_WRITE, VA_BUF + 0x200010);
	/* Nothing was written through the read-only alias. */
	g_assert_cmpuint(qtest_readq(q.t.qts, q.buf + 0x10), ==, 0);
	expect_alive(&q, &r);
	queue_stop(&q);
}

/* Malformed page tables: reserved bits, bad levels, misaligned pages,
 * cycles, tables outside RAM. */
static void test_fault_bad_pte(void)
{
	D1Queue q;
	D1Ring r;
	uint64_t root_slot, mid, leaf, slot;

	queue_start(&q);
	ring_of_queue1(&q, &r);
	map(&q, VA_BUF + 0x100000, q.buf, 4096, D1_PTE_READ);
	root_slot = q.root + ((VA_BUF >> 30) & 511) * 8;
	mid = qtest_readq(q.t.qts, root_slot) & D1_PTE_ADDR_MASK;
	leaf = qtest_readq(q.t.qts, mid + ((VA_BUF + 0x100000) >> 21 & 511) * 8) &
	       D1_PTE_ADDR_MASK;
	slot = leaf + ((VA_BUF + 0x100000) >> 12 & 511) * 8;

	/* Reserved bits in a leaf entry. */
	qtest_writeq(q.t.qts, slot, q.buf | D1_PTE_VALID | D1_PTE_READ |
		     D1_PTE_LEAF | 1ull << 62);
	expect_fault(&q, &r, DESC(D1_OP_COPY, VA_BUF + 0x100000, VA_BUF, 8),
		     2, D1_MMU_BAD_PTE, D1_ACCESS_READ, VA_BUF + 0x100000);
	/* A leaf-level entry without LEAF. */
	qtest_writeq(q.t.qts, slot, q.buf | D1_PTE_VALID | D1_PTE_READ);
	expect_fault(&q, &r, DESC(D1_OP_COPY, VA_BUF + 0x100000, VA_BUF, 8),
		     2, D1_MMU_BAD_PTE, D1_ACCESS_READ, VA_BUF + 0x100000);
	/* A table entry with the HBM bit. */
	qtest_writeq(q.t.qts, mid + 8, leaf | D1_PTE_VALID | D1_PTE_HBM);
	expect_fault(&q, &r, DESC(D1_OP_COPY, VA_BUF + 0x200000, VA_BUF, 8),
		     2, D1_MMU_BAD_PTE, D1_ACCESS_READ, VA_BUF + 0x200000);
	/* A 2 MiB page whose base is not 2 MiB aligned. */
	qtest_writeq(q.t.qts, mid + 16, 0x1000 | D1_PTE_VALID | D1_PTE_READ |
		     D1_PTE_LEAF | D1_PTE_HBM);
	expect_fault(&q, &r, DESC(D1_OP_COPY, VA_BUF + 0x400000, VA_BUF, 8),
		     2, D1_MMU_BAD_PTE, D1_ACCESS_READ, VA_BUF + 0x400000);
	/* A cycle: the middle entry points back at the root table, whose
	 * entry 1 is then read as a leaf-level entry without LEAF. */
	qtest_writeq(q.t.qts, mid + 24, q.root | D1_PTE_VALID);
	expect_fault(&q, &r, DESC(D1_OP_COPY, VA_BUF + 0x601000, VA_BUF, 8),
		     2, D1_MMU_BAD_PTE, D1_ACCESS_READ, VA_BUF + 0x601000);
	/* A table outside guest RAM, and one inside the registers BAR. */
	qtest_writeq(q.t.qts, mid + 32, 0xfff00000000ull | D1_PTE_VALID);
	expect_fault(&q, &r, DESC(D1_OP_COPY, VA_BUF + 0x800000, VA_BUF, 8),
		     2, D1_MMU_BUS, D1_ACCESS_READ, VA_BUF + 0x800000);
	qtest_writeq(q.t.qts, mid + 40, (q.t.regs.addr & ~4095ull) |
		     D1_PTE_VALID);
	expect_fault(&q, &r, DESC(D1_OP_COPY, VA_BUF + 0xa00000, VA_BUF, 8),
		     2, D1_MMU_BUS, D1_ACCESS_READ, VA_BUF + 0xa00000);
	g_assert_cmphex(rd(&q.t, D1_REG_ID), ==, D1_ID_MAGIC);
	expect_alive(&q, &r);
	queue_stop(&q);
}

/* An HBM page beyond the card's HBM; a queue on an invalid context. */
static void test_fault_range_and_context(void)
{
	D1Queue q;
	D1Ring r, r0;

	queue_start(&q);
	ring_of_queue1(&q, &r);
	/* 256 MiB of HBM: a page at 256 MiB is out of range. */
	map(&q, VA_HBM + 0x100000, 256ull << 20, 4096,
	    D1_PTE_READ | D1_PTE_WRITE | D1_PTE_HBM);
	expect_fault(&q, &r, DESC(D1_OP_SIGNAL, VA_HBM + 0x100000, 1), 2,
		     D1_MMU_RANGE, D1_ACCESS_WRITE, VA_HBM + 0x100000);
	/* Context 5 is not valid: any command but NOP faults. */
	ring_start(&q, &r0, 0, 5);
	ring_submit(&q, &r0, DESC(D1_OP_NOP, 0));
	g_assert_cmpuint(ring_wait(&q, &r0), ==, 0);
	expect_fault(&q, &r0, DESC(D1_OP_SIGNAL, VA_BUF, 1), 5,
		     D1_MMU_BAD_CTX, 0, UINT64_MAX);
	/* A descriptor naming an invalid context (F_CTX) faults the same. */
	expect_fault(&q, &r, (const uint64_t[8]){
		D1_DESC_HDR(D1_OP_SIGNAL, D1_DESC_F_CTX, 0) | D1_DESC_HDR_CTX(9),
		VA_BUF, 1 }, 9, D1_MMU_BAD_CTX, 0, UINT64_MAX);
	/* Once valid with context 2's tables, the queue runs. */
	wr(&q.t, D1_REG_CTX(5, D1_CTX_PT_LO), (uint32_t)q.root);
	wr(&q.t, D1_REG_CTX(5, D1_CTX_PT_HI), (uint32_t)(q.root >> 32));
	wr(&q.t, D1_REG_CTX(5, D1_CTX_CTRL), D1_CTX_VALID);
	expect_alive(&q, &r0);
	queue_stop(&q);
}

/* A descriptor may run in another context (F_CTX): its own tables. */
static void test_descriptor_context(void)
{
	D1Queue q;
	D1Ring r;
	uint64_t root7, other;

	queue_start(&q);
	ring_of_queue1(&q, &r);
	other = zalloc(&q, 4096);
	root7 = q.root;
	q.root = zalloc(&q, 4096);
	map(&q, VA_BUF, other, 4096, D1_PTE_READ | D1_PTE_WRITE);
	wr(&q.t, D1_REG_CTX(7, D1_CTX_PT_LO), (uint32_t)q.root);
	wr(&q.t, D1_REG_CTX(7, D1_CTX_PT_HI), (uint32_t)(q.root >> 32));
	wr(&q.t, D1_REG_CTX(7, D1_CTX_CTRL), D1_CTX_VALID);
	q.root = root7;
	/* The same VA lands in context 7's page, then in context 2's. */
	ring_submit(&q, &r, (const uint64_t[8]){
		D1_DESC_HDR(D1_OP_SIGNAL, D1_DESC_F_CTX, 0) | D1_DESC_HDR_CTX(7),
		VA_BUF + 8, 0x77 });
	ring_submit(&q, &r, DESC(D1_OP_SIGNAL, VA_BUF + 8, 0x22));
	g_assert_cmpuint(ring_wait(&q, &r), ==, 0);
	g_assert_cmphex(qtest_readq(q.t.qts, other + 8), ==, 0x77);
	g_assert_cmphex(qtest_readq(q.t.qts, q.buf + 8), ==, 0x22);
	/* Context bits without F_CTX are reserved. */
	expect_qerr(&q, &r, (const uint64_t[8]){
		D1_DESC_HDR(D1_OP_SIGNAL, 0, 0) | D1_DESC_HDR_CTX(7),
		VA_BUF + 8, 1 }, D1_QERR_BAD_DESC);
	queue_stop(&q);
}

/* Reserved header bits, unknown flags, stray words: BAD_DESC, no effect. */
static void test_descriptor_validation(void)
{
	static const unsigned int ops[] = { D1_OP_NOP, D1_OP_COPY,
		D1_OP_SIGNAL, D1_OP_WAIT, D1_OP_TIMESTAMP };
	D1Queue q;
	D1Ring r;
	unsigned int i, w;

	queue_start(&q);
	ring_of_queue1(&q, &r);
	expect_qerr(&q, &r, (const uint64_t[8]){ D1_DESC_HDR(D1_OP_NOP, 0, 0) |
		    1ull << 24 }, D1_QERR_BAD_DESC);
	expect_qerr(&q, &r, (const uint64_t[8]){
		    D1_DESC_HDR(D1_OP_NOP, 0x80, 0) }, D1_QERR_BAD_DESC);
	expect_qerr(&q, &r, DESC(0x07, 0), D1_QERR_BAD_OPCODE);
	expect_qerr(&q, &r, DESC(0xff, 0), D1_QERR_BAD_OPCODE);
	/* A word no opcode uses must be zero (the VAs are valid). */
	for (i = 0; i < G_N_ELEMENTS(ops); i++) {
		for (w = ops[i] == D1_OP_COPY ? 4 : ops[i] == D1_OP_NOP ? 1 :
			 ops[i] == D1_OP_TIMESTAMP ? 2 : 3; w < 8; w += 3) {
			uint64_t d[8] = { D1_DESC_HDR(ops[i], 0, 0) };

			if (ops[i] != D1_OP_NOP) {
				d[1] = VA_BUF + 0x200;
				if (ops[i] == D1_OP_COPY) {
					d[2] = VA_BUF + 0x300;
					d[3] = 8;
				}
			}
			d[w] = 1;
			expect_qerr(&q, &r, d, D1_QERR_BAD_DESC);
		}
	}
	/* None of them wrote anything. */
	g_assert_cmpuint(qtest_readq(q.t.qts, q.buf + 0x200), ==, 0);
	g_assert_cmpuint(qtest_readq(q.t.qts, q.buf + 0x300), ==, 0);
	g_assert_cmpuint(rd(&q.t, D1_REG_FAULT_COUNT), ==, 0);
	expect_alive(&q, &r);
	queue_stop(&q);
}

/* Ring set-up: alignment, sizes, context, doorbell range, live config. */
static void test_ring_validation(void)
{
	static const struct { uint64_t ring; uint32_t size, ctx; } bad[] = {
		{ 0x100040 + 8, 16, 2 },	/* not 64-byte aligned */
		{ 0x100000, 0, 2 }, { 0x100000, 1, 2 }, { 0x100000, 24, 2 },
		{ 0x100000, 131072, 2 },	/* sizes: 2..65536, powers of 2 */
		{ 0x100000, 16, 16 },		/* context beyond NUM_CONTEXTS */
	};
	D1Queue q;
	D1Ring r;
	unsigned int i;
	uint32_t st;

	queue_start(&q);
	for (i = 0; i < G_N_ELEMENTS(bad); i++) {
		wr(&q.t, D1_REG_Q(0, D1_Q_RING_LO), (uint32_t)bad[i].ring);
		wr(&q.t, D1_REG_Q(0, D1_Q_RING_HI), 0);
		wr(&q.t, D1_REG_Q(0, D1_Q_RING_SIZE), bad[i].size);
		wr(&q.t, D1_REG_Q(0, D1_Q_CTX), bad[i].ctx);
		wr(&q.t, D1_REG_Q(0, D1_Q_CTRL), D1_Q_CTRL_ENABLE);
		st = rd(&q.t, D1_REG_Q(0, D1_Q_STATUS));
		g_assert_true(st & D1_Q_STATUS_STOPPED);
		g_assert_cmpuint(D1_Q_STATUS_ERROR(st), ==, D1_QERR_RING);
		g_assert_cmpuint(rd(&q.t, D1_REG_Q(0, D1_Q_CTRL)), ==, 0);
		g_assert_cmpuint(rd(&q.t, D1_REG_ERROR), ==, D1_ERROR_BAD_ACCESS);
		wr(&q.t, D1_REG_ERROR, 0);
	}
	/* A valid ring; a doorbell past its end is refused. */
	ring_start(&q, &r, 0, 2);
	wr(&q.t, D1_REG_Q(0, D1_Q_TAIL), 16);
	g_assert_cmpuint(rd(&q.t, D1_REG_Q(0, D1_Q_TAIL)), ==, 0);
	g_assert_cmpuint(rd(&q.t, D1_REG_ERROR), ==, D1_ERROR_BAD_ACCESS);
	wr(&q.t, D1_REG_ERROR, 0);
	/* Configuration does not change under a running queue. */
	wr(&q.t, D1_REG_Q(0, D1_Q_RING_SIZE), 64);
	g_assert_cmpuint(rd(&q.t, D1_REG_Q(0, D1_Q_RING_SIZE)), ==, 16);
	wr(&q.t, D1_REG_Q(0, D1_Q_CTX), 3);
	g_assert_cmpuint(rd(&q.t, D1_REG_Q(0, D1_Q_CTX)), ==, 2);
	expect_alive(&q, &r);
	/* A ring in memory nobody backs: RING error on the first fetch. */
	wr(&q.t, D1_REG_Q(0, D1_Q_CTRL), D1_Q_CTRL_RESET);
	wr(&q.t, D1_REG_Q(0, D1_Q_RING_LO), 0);
	wr(&q.t, D1_REG_Q(0, D1_Q_RING_HI), 0xfff);
	wr(&q.t, D1_REG_Q(0, D1_Q_RING_SIZE), 65536);
	wr(&q.t, D1_REG_Q(0, D1_Q_CTRL), D1_Q_CTRL_ENABLE);
	g_assert_cmpuint(rd(&q.t, D1_REG_Q(0, D1_Q_STATUS)), ==, 0);
	wr(&q.t, D1_REG_Q(0, D1_Q_TAIL), 65535);
	r.tail = 65535;
	st = ring_wait(&q, &r);
	g_assert_cmpuint(D1_Q_STATUS_ERROR(st), ==, D1_QERR_RING);
	g_assert_true(st & D1_Q_STATUS_STOPPED);
	g_assert_cmpuint(rd(&q.t, D1_REG_Q(0, D1_Q_HEAD)), ==, 0);
	queue_stop(&q);
}

/* Sizes at and past every limit are refused before any work. */
static void test_huge_sizes(void)
{
	const char *path = getenv("D1_QTEST_KERNEL");
	D1Queue q;
	D1Ring r;
	gchar *elf = NULL;
	gsize len = 0;
	uint64_t img;

	queue_start(&q);
	ring_of_queue1(&q, &r);
	/* COPY: more than 1 GiB is a bad descriptor, 1 GiB faults where the
	 * mapping ends. */
	expect_qerr(&q, &r, DESC(D1_OP_COPY, VA_BUF, VA_HBM,
				 D1_COPY_MAX + 1), D1_QERR_BAD_DESC);
	expect_qerr(&q, &r, DESC(D1_OP_COPY, VA_BUF, VA_HBM, ~0ull),
		    D1_QERR_BAD_DESC);
	expect_fault(&q, &r, DESC(D1_OP_COPY, VA_BUF, VA_HBM, D1_COPY_MAX), 2,
		     D1_MMU_UNMAPPED, D1_ACCESS_READ, VA_BUF + 0x10000);
	/* LAUNCH limits: image, arguments, harts, rectangle, report. */
	expect_qerr(&q, &r, DESC(D1_OP_LAUNCH, VA_BUF,
				 D1_LAUNCH_W2(D1_LAUNCH_IMAGE_MAX + 1, 4096), 0,
				 D1_LAUNCH_W4(0, 0, 1, 1), D1_LAUNCH_W5(0, 1, 0), 0,
				 VA_BUF), D1_QERR_BAD_DESC);
	expect_qerr(&q, &r, DESC(D1_OP_LAUNCH, VA_BUF, D1_LAUNCH_W2(64, 4096),
				 VA_BUF, D1_LAUNCH_W4(0, 0, 1, 1),
				 D1_LAUNCH_W5(D1_LAUNCH_ARGS_MAX + 1, 1, 0), 0,
				 VA_BUF), D1_QERR_BAD_DESC);
	expect_qerr(&q, &r, DESC(D1_OP_LAUNCH, VA_BUF, D1_LAUNCH_W2(64, 4096),
				 0, D1_LAUNCH_W4(0, 0, 1, 1),
				 D1_LAUNCH_W5(0, D1_LAUNCH_HARTS_MAX + 1, 0), 0,
				 VA_BUF), D1_QERR_BAD_DESC);
	expect_qerr(&q, &r, DESC(D1_OP_LAUNCH, VA_BUF, D1_LAUNCH_W2(64, 4096),
				 0, D1_LAUNCH_W4(0xffff, 0xffff, 0xffff, 0xffff),
				 D1_LAUNCH_W5(0, 1, 0), 0, VA_BUF), D1_QERR_BAD_DESC);
	/* The last row's spare nodes (354 of 18 x 20) cannot run. */
	expect_qerr(&q, &r, DESC(D1_OP_LAUNCH, VA_BUF, D1_LAUNCH_W2(64, 4096),
				 0, D1_LAUNCH_W4(19, 17, 1, 1),
				 D1_LAUNCH_W5(0, 1, 0), 0, VA_BUF), D1_QERR_BAD_DESC);
	expect_qerr(&q, &r, DESC(D1_OP_LAUNCH, VA_BUF,
				 D1_LAUNCH_W2(64, D1_REPORT_SIZE(4) - 1), 0,
				 D1_LAUNCH_W4(0, 0, 2, 2), D1_LAUNCH_W5(0, 1, 0), 0,
				 VA_BUF), D1_QERR_BAD_DESC);
	g_assert_cmpuint(rd(&q.t, D1_REG_FAULT_COUNT), ==, 1);

	/* A 4 GiB report size is legal: the device writes what it has. */
	if (path && g_file_get_contents(path, &elf, &len, NULL)) {
		img = zalloc(&q, (len + 4095) & ~4095ul);
		qtest_memwrite(q.t.qts, img, elf, len);
		map(&q, VA_IMG, img, (len + 4095) & ~4095ul, D1_PTE_READ);
		qtest_memset(q.t.qts, q.buf + 0x2000, 0xee, 0x1000);
		/* dev_scale in DEV_SPIN mode, budget-bound: a timeout report */
		qtest_writeq(q.t.qts, q.buf + 0x100 + 16, (uint64_t)1 << 32);
		ring_submit(&q, &r, DESC(D1_OP_LAUNCH, VA_IMG,
					 D1_LAUNCH_W2(len, 0xffffffffu),
					 VA_BUF + 0x100, D1_LAUNCH_W4(0, 0, 1, 1),
					 D1_LAUNCH_W5(24, 1, 0), 5000,
					 VA_BUF + 0x1000));
		g_assert_cmpuint(D1_Q_STATUS_ERROR(ring_wait(&q, &r)), ==,
				 D1_QERR_TIMEOUT);
		g_assert_cmphex(qtest_readl(q.t.qts, q.buf + 0x1000), ==,
				D1_REPORT_MAGIC);
		g_assert_cmpuint(qtest_readl(q.t.qts, q.buf + 0x1000 +
					     D1_REPORT_NODES_OFF), ==, 1);
		/* Room for everything: the record with counters. */
		g_assert_cmpuint(qtest_readl(q.t.qts, q.buf + 0x1000 +
					     D1_REPORT_NODE_SIZE_OFF), ==,
				 D1_REPORT_NODE_SIZE_CTR);
		g_assert_cmpuint(qtest_readl(q.t.qts, q.buf + 0x1000 +
					     D1_REPORT_HDR_SIZE +
					     D1_REPORT_N_STATE_OFF), ==,
				 D1_NODE_STATE_BUDGET);
		/* Nothing past the header, node record and text. */
		g_assert_cmphex(qtest_readb(q.t.qts, q.buf + 0x2000 + 0x800), ==,
				0xee);
		g_free(elf);
		ring_recover(&q, &r);
	}
	expect_alive(&q, &r);
	queue_stop(&q);
}

/* Random config-space writes never crash the device; re-enabled, it works. */
static void test_config_space_fuzz(void)
{
	GRand *rnd = g_rand_new_with_seed(0xc0f1);
	D1Queue q;
	D1Ring r;
	int i;

	queue_start(&q);
	ring_of_queue1(&q, &r);
	for (i = 0; i < 3000; i++) {
		uint32_t off = g_rand_int_range(rnd, 0, 256);
		uint32_t v = g_rand_int(rnd);

		switch (g_rand_int_range(rnd, 0, 4)) {
		case 0:
			qpci_config_writeb(q.t.dev, off, v);
			break;
		case 1:
			qpci_config_writew(q.t.dev, off & ~1u, v);
			break;
		case 2:
			qpci_config_writel(q.t.dev, off & ~3u, v);
			break;
		default:
			qpci_config_readl(q.t.dev, off & ~3u);
		}
	}
	g_rand_free(rnd);
	/* Identity is read-only. */
	g_assert_cmphex(qpci_config_readw(q.t.dev, PCI_VENDOR_ID), ==,
			D1_PCI_VENDOR_ID);
	g_assert_cmphex(qpci_config_readw(q.t.dev, PCI_DEVICE_ID), ==,
			D1_PCI_DEVICE_ID);
	/* An FLR puts the function back in its power-on state. */
	{
		uint8_t cap = qpci_find_capability(q.t.dev, PCI_CAP_ID_EXP, 0);

		g_assert_cmpuint(cap, !=, 0);
		qpci_config_writew(q.t.dev, cap + PCI_EXP_DEVCTL,
				   PCI_EXP_DEVCTL_BCR_FLR);
	}
	q.t.dev->msix_enabled = false;
	qpci_device_enable(q.t.dev);
	q.t.regs = qpci_iomap(q.t.dev, D1_BAR_REGS, NULL);
	g_assert_cmphex(rd(&q.t, D1_REG_ID), ==, D1_ID_MAGIC);
	g_assert_cmpuint(rd(&q.t, D1_REG_Q(1, D1_Q_CTRL)), ==, 0);
	/* Set up again, it runs commands. */
	wr(&q.t, D1_REG_CTX(2, D1_CTX_PT_LO), (uint32_t)q.root);
	wr(&q.t, D1_REG_CTX(2, D1_CTX_PT_HI), (uint32_t)(q.root >> 32));
	wr(&q.t, D1_REG_CTX(2, D1_CTX_CTRL), D1_CTX_VALID);
	ring_start(&q, &r, 1, 2);
	expect_alive(&q, &r);
	queue_stop(&q);
}

/* ---- hot-unplug through a PCIe root port ---- */

/*
 * Two cards of one QEMU linked both ways ("a" at 04.0, "b" at 06.0):
 * LINK_COPY from a's guest buffer into b's window, seen through b's HBM
 * BAR; outside the window, b reset and b pulled out each fail cleanly.
 */
#define LINK_WIN	0x10000u
static void test_link_copy(void)
{
	D1Queue q;
	D1Ring r;
	QPCIDevice *b;
	QPCIBar breg, bhbm;
	uint8_t data[5000], back[5000], zero[5000] = { 0 };
	uint32_t st;
	size_t i;

	queue_start_with(&q, ",id=a,link-peer=b -device d1-dip,addr=06.0,"
			 "id=b,link-peer=a,hbm-size=16M");
	ring_of_queue1(&q, &r);
	b = qpci_device_find(q.t.bus, QPCI_DEVFN(6, 0));
	g_assert_nonnull(b);
	qpci_device_enable(b);
	breg = qpci_iomap(b, D1_BAR_REGS, NULL);
	bhbm = qpci_iomap(b, D1_BAR_HBM, NULL);

	g_assert_cmpuint(rd(&q.t, D1_REG_LINK_STATUS), ==, D1_LINK_UP);
	g_assert_cmpuint(rd(&q.t, D1_REG_LINK_PEER), ==,
			 qpci_io_readl(b, breg, D1_REG_LINK_SELF));
	g_assert_cmpuint(qpci_io_readl(b, breg, D1_REG_LINK_PEER), ==,
			 rd(&q.t, D1_REG_LINK_SELF));

	/* Closed until b opens its window: nothing moves. */
	for (i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 13 + 1);
	qtest_memwrite(q.t.qts, q.buf + 5, data, sizeof(data));
	expect_qerr(&q, &r, DESC(D1_OP_LINK_COPY, VA_BUF + 5, 0, 8),
		    D1_QERR_LINK_WINDOW);
	qpci_io_writel(b, breg, D1_REG_LINK_WIN_BASE_LO, LINK_WIN);
	qpci_io_writel(b, breg, D1_REG_LINK_WIN_SIZE_LO, LINK_WIN);

	ring_submit(&q, &r, (const uint64_t[8]){
		    D1_DESC_HDR(D1_OP_LINK_COPY, D1_DESC_F_FENCE, 7),
		    VA_BUF + 5, 100, sizeof(data) });
	g_assert_cmpuint(ring_wait(&q, &r), ==, 0);
	g_assert_cmpuint(rd(&q.t, D1_REG_Q(1, D1_Q_FENCE)), ==, 7);
	qpci_memread(b, bhbm, LINK_WIN + 100, back, sizeof(back));
	g_assert_cmpmem(data, sizeof(data), back, sizeof(back));
	g_assert_cmpuint(rd(&q.t, D1_REG_LINK_TX_LO), ==, sizeof(data));
	g_assert_cmpuint(qpci_io_readl(b, breg, D1_REG_LINK_RX_LO), ==,
			 sizeof(data));

	/* Past the window's end: nothing moves, the error counts. */
	expect_qerr(&q, &r, DESC(D1_OP_LINK_COPY, VA_BUF, LINK_WIN - 8, 9),
		    D1_QERR_LINK_WINDOW);
	qpci_memread(b, bhbm, 2 * LINK_WIN - 8, back, 8);
	g_assert_cmpmem(zero, 8, back, 8);
	g_assert_cmpuint(rd(&q.t, D1_REG_LINK_ERRORS), ==, 2);

	/* b reset: its window is shut. */
	qpci_io_writel(b, breg, D1_REG_RESET, D1_RESET_MAGIC);
	g_assert_cmpuint(qpci_io_readl(b, breg, D1_REG_LINK_WIN_SIZE_LO), ==, 0);
	expect_qerr(&q, &r, DESC(D1_OP_LINK_COPY, VA_BUF, 0, 8),
		    D1_QERR_LINK_WINDOW);

	/* b pulled out: the link is down; back in, up again. */
	qtest_qmp_assert_success(q.t.qts, "{'execute': 'qom-set', 'arguments':"
				 " {'path': '/machine/peripheral/b', 'property':"
				 " 'surprise-removed', 'value': true}}");
	g_assert_cmpuint(rd(&q.t, D1_REG_LINK_STATUS), ==, 0);
	g_assert_cmpuint(rd(&q.t, D1_REG_LINK_PEER), ==, 0);
	expect_qerr(&q, &r, DESC(D1_OP_LINK_COPY, VA_BUF, 0, 8),
		    D1_QERR_LINK_DOWN);
	qtest_qmp_assert_success(q.t.qts, "{'execute': 'qom-set', 'arguments':"
				 " {'path': '/machine/peripheral/b', 'property':"
				 " 'surprise-removed', 'value': false}}");
	g_assert_cmpuint(rd(&q.t, D1_REG_LINK_STATUS), ==, D1_LINK_UP);
	qpci_io_writel(b, breg, D1_REG_LINK_WIN_SIZE_LO, LINK_WIN);
	ring_submit(&q, &r, DESC(D1_OP_LINK_COPY, VA_BUF + 5, 0, 64));
	st = ring_wait(&q, &r);
	g_assert_cmpuint(st, ==, 0);
	qpci_memread(b, bhbm, 0, back, 64);
	g_assert_cmpmem(data, 64, back, 64);

	qpci_iounmap(b, breg);
	qpci_iounmap(b, bhbm);
	g_free(b);
	queue_stop(&q);
}

/* Wait up to 5 s for register @off of @t to read @val. */
static bool rd_until(D1Test *t, uint64_t off, uint32_t val)
{
	int i;

	for (i = 0; i < 5000 && rd(t, off) != val; i++)
		g_usleep(1000);
	return rd(t, off) == val;
}

/*
 * The link over a socket between two QEMU processes ("link-chardev"):
 * card a of one sends into the window of card b of the other; when b's
 * QEMU goes, a's link is down.
 */
static void test_link_socket(void)
{
	g_autofree char *dir = g_dir_make_tmp("d1-link-XXXXXX", NULL);
	g_autofree char *path = g_strdup_printf("%s/link", dir);
	g_autofree char *bprops = NULL, *aprops = NULL;
	uint8_t data[60000], back[60000];
	QPCIBar bhbm;
	D1Test b;
	D1Queue q;
	D1Ring r;
	size_t i;

	bprops = g_strdup_printf(",hbm-size=16M,link-chardev=l -chardev "
				 "socket,id=l,path=%s,server=on,wait=off",
				 path);
	d1_start(&b, bprops);
	aprops = g_strdup_printf(",link-chardev=l -chardev socket,id=l,path=%s",
				 path);
	queue_start_with(&q, aprops);
	ring_of_queue1(&q, &r);
	g_assert_true(rd_until(&q.t, D1_REG_LINK_STATUS,
			       D1_LINK_UP | D1_LINK_STREAM));
	g_assert_true(rd_until(&b, D1_REG_LINK_STATUS,
			       D1_LINK_UP | D1_LINK_STREAM));
	g_assert_cmpuint(rd(&q.t, D1_REG_LINK_PEER), ==,
			 rd(&b, D1_REG_LINK_SELF));

	for (i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 29 + (i >> 10) + 3);
	qtest_memwrite(q.t.qts, q.buf, data, sizeof(data));
	expect_qerr(&q, &r, DESC(D1_OP_LINK_COPY, VA_BUF, 0, 8),
		    D1_QERR_LINK_WINDOW);
	wr(&b, D1_REG_LINK_WIN_BASE_LO, 1 << 20);
	wr(&b, D1_REG_LINK_WIN_SIZE_LO, 1 << 20);
	ring_submit(&q, &r, DESC(D1_OP_LINK_COPY, VA_BUF, 4096 + 7,
				 sizeof(data)));
	g_assert_cmpuint(ring_wait(&q, &r), ==, 0);
	bhbm = qpci_iomap(b.dev, D1_BAR_HBM, NULL);
	qpci_memread(b.dev, bhbm, (1 << 20) + 4096 + 7, back, sizeof(back));
	g_assert_cmpmem(data, sizeof(data), back, sizeof(back));
	g_assert_cmpuint(rd(&q.t, D1_REG_LINK_TX_LO), ==, sizeof(data));
	g_assert_cmpuint(rd(&b, D1_REG_LINK_RX_LO), ==, sizeof(data));
	qpci_iounmap(b.dev, bhbm);

	/* The other QEMU gone: down, and copies say so. */
	d1_stop(&b);
	g_assert_true(rd_until(&q.t, D1_REG_LINK_STATUS, D1_LINK_STREAM));
	g_assert_cmpuint(rd(&q.t, D1_REG_LINK_PEER), ==, 0);
	expect_qerr(&q, &r, DESC(D1_OP_LINK_COPY, VA_BUF, 0, 8),
		    D1_QERR_LINK_DOWN);
	queue_stop(&q);
	unlink(path);
	rmdir(dir);
}

/* A card without a peer, or naming one that is not there: link down. */
static void test_link_down(void)
{
	D1Queue q;
	D1Ring r;

	queue_start_with(&q, ",link-peer=nobody");
	ring_of_queue1(&q, &r);
	g_assert_cmpuint(rd(&q.t, D1_REG_LINK_STATUS), ==, 0);
	g_assert_cmpuint(rd(&q.t, D1_REG_LINK_PEER), ==, 0);
	g_assert_cmpuint(rd(&q.t, D1_REG_LINK_SELF), !=, 0);
	expect_qerr(&q, &r, DESC(D1_OP_LINK_COPY, VA_BUF, 0, 8),
		    D1_QERR_LINK_DOWN);
	g_assert_cmpuint(rd(&q.t, D1_REG_LINK_ERRORS), ==, 1);
	queue_stop(&q);
}

#define RP_DEVFN	QPCI_DEVFN(5, 0)
#define RP_BUS		1
#define UNPLUG_VA	0x40000000ull

/* The root port: bus 1 behind it, memory windows over libqos' MMIO. */
static void rp_setup(QPCIDevice *rp)
{
	qpci_config_writeb(rp, PCI_PRIMARY_BUS, 0);
	qpci_config_writeb(rp, PCI_SECONDARY_BUS, RP_BUS);
	qpci_config_writeb(rp, PCI_SUBORDINATE_BUS, RP_BUS);
	qpci_config_writew(rp, PCI_MEMORY_BASE, 0xe000);
	qpci_config_writew(rp, PCI_MEMORY_LIMIT, 0xfff0);
	qpci_config_writew(rp, PCI_PREF_MEMORY_BASE, 0xe000);
	qpci_config_writew(rp, PCI_PREF_MEMORY_LIMIT, 0xfff0);
	qpci_config_writel(rp, PCI_PREF_BASE_UPPER32, 0);
	qpci_config_writel(rp, PCI_PREF_LIMIT_UPPER32, 0);
	qpci_config_writew(rp, PCI_COMMAND,
			   PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
}

/* The slot's power controller and power indicator, as pciehp does. */
static void rp_slot_power(QPCIDevice *rp, bool on)
{
	uint8_t cap = qpci_find_capability(rp, PCI_CAP_ID_EXP, 0);
	uint16_t ctl = qpci_config_readw(rp, cap + PCI_EXP_SLTCTL);

	g_assert_cmpuint(cap, !=, 0);
	ctl &= ~(PCI_EXP_SLTCTL_PCC | PCI_EXP_SLTCTL_PIC);
	ctl |= on ? PCI_EXP_SLTCTL_PWR_ON | PCI_EXP_SLTCTL_PWR_IND_ON :
		    PCI_EXP_SLTCTL_PWR_OFF | PCI_EXP_SLTCTL_PWR_IND_OFF;
	qpci_config_writew(rp, cap + PCI_EXP_SLTCTL, ctl);
}

/*
 * device_del while queues are busy (a WAIT nobody satisfies, a COPY
 * stream): the guest (this test) powers the slot off as pciehp does,
 * QEMU removes the card and its queue threads stop; then device_add puts
 * a fresh card in the slot that works.
 */
static void test_device_del(void)
{
	QTestState *qts;
	QPCIBus *bus;
	QPCIDevice *rp, *dev;
	QGuestAllocator alloc;
	QPCIBar regs;
	uint64_t root, ring0, ring1, buf, pte, table;
	int round, level, i;

	qts = qtest_init("-machine q35 -nodefaults "
			 "-global ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off "
			 "-device pcie-root-port,id=rp0,bus=pcie.0,chassis=1,addr=05.0 "
			 "-device d1-dip,id=d1,bus=rp0,hbm-size=16M");
	bus = qpci_new_pc(qts, NULL);
	pc_alloc_init(&alloc, qts, ALLOC_NO_FLAGS);
	rp = qpci_device_find(bus, RP_DEVFN);
	g_assert_nonnull(rp);
	rp_setup(rp);

	for (round = 0; round < 2; round++) {
		dev = qpci_device_find(bus, RP_BUS << 8);
		g_assert_nonnull(dev);
		g_assert_cmphex(qpci_config_readw(dev, PCI_VENDOR_ID), ==,
				D1_PCI_VENDOR_ID);
		qpci_device_enable(dev);
		regs = qpci_iomap(dev, D1_BAR_REGS, NULL);
		g_assert_cmphex(qpci_io_readl(dev, regs, D1_REG_ID), ==,
				D1_ID_MAGIC);

		/* Context 0 maps 64 KiB of guest memory at UNPLUG_VA. */
		root = guest_alloc(&alloc, 4096);
		buf = guest_alloc(&alloc, 64 * 1024);
		ring0 = guest_alloc(&alloc, 16 * D1_DESC_SIZE);
		ring1 = guest_alloc(&alloc, 16 * D1_DESC_SIZE);
		qtest_memset(qts, root, 0, 4096);
		qtest_memset(qts, buf, 0, 64 * 1024);
		for (table = root, level = D1_PT_LEVELS - 1; level > 0; level--) {
			uint64_t next = guest_alloc(&alloc, 4096);

			qtest_memset(qts, next, 0, 4096);
			qtest_writeq(qts, table + ((UNPLUG_VA >> D1_PT_SHIFT(level)) & 511) * 8,
				     next | D1_PTE_VALID);
			table = next;
		}
		for (i = 0; i < 16; i++) {
			pte = (buf + i * 4096) | D1_PTE_VALID | D1_PTE_READ |
			      D1_PTE_WRITE | D1_PTE_LEAF;
			qtest_writeq(qts, table + i * 8, pte);
		}
		qpci_io_writel(dev, regs, D1_REG_CTX(0, D1_CTX_PT_LO), (uint32_t)root);
		qpci_io_writel(dev, regs, D1_REG_CTX(0, D1_CTX_PT_HI), root >> 32);
		qpci_io_writel(dev, regs, D1_REG_CTX(0, D1_CTX_CTRL), D1_CTX_VALID);

		/* Queue 0: SIGNAL then a WAIT nobody satisfies; queue 1: COPYs. */
		for (i = 0; i < 16; i++) {
			uint64_t a0 = ring0 + i * D1_DESC_SIZE;
			uint64_t a1 = ring1 + i * D1_DESC_SIZE;
			int w;

			for (w = 0; w < 8; w++) {
				qtest_writeq(qts, a0 + w * 8, 0);
				qtest_writeq(qts, a1 + w * 8, 0);
			}
			qtest_writeq(qts, a1, D1_DESC_HDR(D1_OP_COPY, 0, 0));
			qtest_writeq(qts, a1 + 8, UNPLUG_VA);
			qtest_writeq(qts, a1 + 16, UNPLUG_VA + 0x8000);
			qtest_writeq(qts, a1 + 24, 0x8000);
		}
		qtest_writeq(qts, ring0, D1_DESC_HDR(D1_OP_SIGNAL, 0, 0));
		qtest_writeq(qts, ring0 + 8, UNPLUG_VA + 0x100);
		qtest_writeq(qts, ring0 + 16, 7);
		qtest_writeq(qts, ring0 + D1_DESC_SIZE, D1_DESC_HDR(D1_OP_WAIT, 0, 0));
		qtest_writeq(qts, ring0 + D1_DESC_SIZE + 8, UNPLUG_VA + 0x100);
		qtest_writeq(qts, ring0 + D1_DESC_SIZE + 16, 8);
		for (i = 0; i < 2; i++) {
			uint64_t ring = i ? ring1 : ring0;

			qpci_io_writel(dev, regs, D1_REG_Q(i, D1_Q_RING_LO), (uint32_t)ring);
			qpci_io_writel(dev, regs, D1_REG_Q(i, D1_Q_RING_HI), ring >> 32);
			qpci_io_writel(dev, regs, D1_REG_Q(i, D1_Q_RING_SIZE), 16);
			qpci_io_writel(dev, regs, D1_REG_Q(i, D1_Q_CTX), 0);
			qpci_io_writel(dev, regs, D1_REG_Q(i, D1_Q_CTRL), D1_Q_CTRL_ENABLE);
			qpci_io_writel(dev, regs, D1_REG_Q(i, D1_Q_TAIL), i ? 15 : 2);
		}
		/* The SIGNAL went through the root port to guest memory. */
		for (i = 0; i < 5000 && qtest_readq(qts, buf + 0x100) != 7; i++)
			g_usleep(1000);
		g_assert_cmpuint(qtest_readq(qts, buf + 0x100), ==, 7);
		g_assert_true(qpci_io_readl(dev, regs, D1_REG_Q(0, D1_Q_STATUS)) &
			      D1_Q_STATUS_BUSY);

		/* device_del; the guest answers the attention button. */
		qtest_qmp_device_del_send(qts, "d1");
		rp_slot_power(rp, false);
		qtest_qmp_eventwait(qts, "DEVICE_DELETED");
		g_assert_cmphex(qpci_config_readw(dev, PCI_VENDOR_ID), ==, 0xffff);
		g_free(dev);

		/* A new card in the powered slot. */
		qtest_qmp_device_add(qts, "d1-dip", "d1",
				     "{'bus': 'rp0', 'hbm-size': 16777216}");
		rp_slot_power(rp, true);
	}
	g_free(rp);
	alloc_destroy(&alloc);
	qpci_free_pc(bus);
	qtest_quit(qts);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	qtest_add_func("/d1-dip/identity", test_identity);
	qtest_add_func("/d1-dip/properties", test_properties);
	qtest_add_func("/d1-dip/scratch-and-errors", test_scratch_and_errors);
	qtest_add_func("/d1-dip/doorbell-msix", test_doorbell_msix);
	qtest_add_func("/d1-dip/hbm-bar", test_hbm_bar);
	qtest_add_func("/d1-dip/queue-commands", test_queue_commands);
	qtest_add_func("/d1-dip/queue-fault", test_queue_fault);
	qtest_add_func("/d1-dip/flr", test_flr);
	qtest_add_func("/d1-dip/reset-during-launch", test_reset_during_launch);
	qtest_add_func("/d1-dip/concurrent-launches", test_concurrent_launches);
	qtest_add_func("/d1-dip/register-fuzz", test_register_fuzz);
	qtest_add_func("/d1-dip/wait-across-queues", test_wait_across_queues);
	qtest_add_func("/d1-dip/fault-unmapped", test_fault_unmapped);
	qtest_add_func("/d1-dip/fault-permission", test_fault_permission);
	qtest_add_func("/d1-dip/fault-bad-pte", test_fault_bad_pte);
	qtest_add_func("/d1-dip/fault-range-and-context",
		       test_fault_range_and_context);
	qtest_add_func("/d1-dip/descriptor-context", test_descriptor_context);
	qtest_add_func("/d1-dip/descriptor-validation",
		       test_descriptor_validation);
	qtest_add_func("/d1-dip/ring-validation", test_ring_validation);
	qtest_add_func("/d1-dip/huge-sizes", test_huge_sizes);
	qtest_add_func("/d1-dip/config-space-fuzz", test_config_space_fuzz);
	qtest_add_func("/d1-dip/device-del", test_device_del);
	qtest_add_func("/d1-dip/link-copy", test_link_copy);
	qtest_add_func("/d1-dip/link-down", test_link_down);
	qtest_add_func("/d1-dip/link-socket", test_link_socket);
	return g_test_run();
}

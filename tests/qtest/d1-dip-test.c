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

static void queue_start(D1Queue *q)
{
	D1Test *t = &q->t;

	d1_start(t, "");
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

static void test_reset_during_launch(void)
{
	const char *path = getenv("D1_QTEST_KERNEL");
	gchar *elf = NULL;
	gsize len = 0;
	D1Queue q;
	uint64_t img, args;
	uint32_t st;

	if (!path || !g_file_get_contents(path, &elf, &len, NULL)) {
		g_test_skip("D1_QTEST_KERNEL not set");
		return;
	}
	queue_start(&q);
	img = zalloc(&q, (len + 4095) & ~4095ul);
	qtest_memwrite(q.t.qts, img, elf, len);
	map(&q, VA_IMG, img, (len + 4095) & ~4095ul, D1_PTE_READ);
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
	g_free(elf);
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
	qtest_add_func("/d1-dip/register-fuzz", test_register_fuzz);
	return g_test_run();
}

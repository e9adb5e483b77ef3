/*
 * QEMU glue for the d1 DIP (Dojo Interface Processor) PCIe card.
 *
 * BAR0: registers, command queues and MMU contexts, handled by the
 *       QEMU-free core (core/dip.c, queue.c, mmu.c, launch.c).
 * BAR2: HBM aperture (RAM of size "hbm-size").
 * BAR4: MSI-X table and PBA.
 * See Documentation/accel/d1/hw-interface.rst.
 *
 * DIP-to-DIP link: the card is known to its link peers by its device id;
 * "link-peer" names the card (device id) its LINK_COPY commands send to.
 * The core resolves the name at each copy, so the peer may come and go.
 * Or "link-chardev" carries the link over a character device (a socket
 * to another QEMU, core/linkwire.c): queue threads queue messages for a
 * bottom half to write, the chardev's reader hands what arrives to the
 * core.
 *
 * Test hook: the runtime property "surprise-removed" (QMP qom-set) makes
 * the card behave as if pulled out: BAR0 reads all-ones and ignores
 * writes, its DMA fails, it raises no interrupt and leaves its link.
 * Tests set it before device_del to exercise surprise-removal paths.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qemu/osdep.h"
#include "qemu/units.h"
#include "qemu/log.h"
#include "qemu/module.h"
#include "qemu/main-loop.h"
#include "qemu/timer.h"
#include "qemu/atomic.h"
#include "qapi/error.h"
#include "hw/pci/pci.h"
#include "hw/pci/msix.h"
#include "hw/pci/pcie.h"
#include "sysemu/dma.h"
#include "exec/memory.h"
#include "qemu/rcu.h"
#include "hw/qdev-properties.h"
#include "hw/qdev-properties-system.h"
#include "chardev/char-fe.h"
#include "migration/vmstate.h"
#include "qom/object.h"

#include "core/dip.h"

#define TYPE_D1_DIP "d1-dip"
OBJECT_DECLARE_SIMPLE_TYPE(D1DipState, D1_DIP)

struct D1DipState {
	PCIDevice pdev;
	MemoryRegion mmio;
	MemoryRegion hbm;

	struct d1_dip_config cfg;
	char *link_peer;
	struct d1_dip core;
	bool core_live;

	/* Vectors raised by queue threads, delivered by the bottom half. */
	QEMUBH *irq_bh;
	uint64_t pending_vecs;

	/* The link over a chardev: messages the bottom half writes. */
	CharBackend link_chr;
	bool link_open;
	QemuMutex link_lock;	/* link_tx, link_open */
	GByteArray *link_tx;
	QEMUBH *link_bh;

	/* "surprise-removed": the card answers nothing (test hook). */
	bool gone;
};

static void d1_dip_fire(D1DipState *s, uint64_t vecs)
{
	unsigned int v;

	if (qatomic_read(&s->gone))
		return;
	for (v = 0; vecs; v++, vecs >>= 1)
		if ((vecs & 1) && msix_enabled(&s->pdev))
			msix_notify(&s->pdev, v);
}

static void d1_dip_irq_bh(void *opaque)
{
	D1DipState *s = opaque;

	d1_dip_fire(s, qatomic_xchg(&s->pending_vecs, 0));
}

/*
 * MSI-X may only be raised under the BQL.  Register accesses hold it;
 * queue threads do not, so they hand the vector to a bottom half.
 */
static void d1_dip_notify(void *opaque, unsigned int vec)
{
	D1DipState *s = opaque;

	if (qemu_mutex_iothread_locked()) {
		d1_dip_fire(s, 1ull << vec);
	} else {
		qatomic_or(&s->pending_vecs, 1ull << vec);
		qemu_bh_schedule(s->irq_bh);
	}
}

/*
 * Queue threads DMA without the BQL.  Only RAM may be a target: MMIO (our
 * own BAR included) would need the BQL, which a reset holds while waiting
 * for these threads.  The device reports such an access as a bus error.
 */
static bool d1_dip_dma_is_ram(D1DipState *s, uint64_t addr, uint64_t len,
			      bool is_write)
{
	AddressSpace *as = pci_get_address_space(&s->pdev);
	uint64_t end = addr + len;

	if (end < addr)
		return false;
	RCU_READ_LOCK_GUARD();
	while (addr < end) {
		hwaddr xlat, plen = end - addr;
		MemoryRegion *mr = address_space_translate(as, addr, &xlat, &plen,
							   is_write,
							   MEMTXATTRS_UNSPECIFIED);

		if (!memory_region_is_ram(mr) || !plen)
			return false;
		addr += plen;
	}
	return true;
}

static int d1_dip_bus_read(void *opaque, uint64_t addr, void *buf,
			   uint64_t len)
{
	D1DipState *s = opaque;

	if (qatomic_read(&s->gone) || !d1_dip_dma_is_ram(s, addr, len, false))
		return -1;
	return pci_dma_read(&s->pdev, addr, buf, len) == MEMTX_OK ? 0 : -1;
}

static int d1_dip_bus_write(void *opaque, uint64_t addr, const void *buf,
			    uint64_t len)
{
	D1DipState *s = opaque;

	if (qatomic_read(&s->gone) || !d1_dip_dma_is_ram(s, addr, len, true))
		return -1;
	return pci_dma_write(&s->pdev, addr, buf, len) == MEMTX_OK ? 0 : -1;
}

static uint64_t d1_dip_now_ns(void *opaque)
{
	return qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
}

static void d1_dip_guest_error(void *opaque, const char *msg, uint64_t addr)
{
	qemu_log_mask(LOG_GUEST_ERROR, "%s (offset 0x%" PRIx64 ")\n", msg, addr);
}

/*
 * A message for the other end of the link: any thread.  The chardev may
 * only be written under the BQL, which a queue thread must not wait for
 * (a reset holds it while waiting for them), so a bottom half writes.
 */
static int d1_dip_link_send(void *opaque, const void *buf, size_t len)
{
	D1DipState *s = opaque;
	int ret = -1;

	qemu_mutex_lock(&s->link_lock);
	if (s->link_open) {
		g_byte_array_append(s->link_tx, buf, len);
		ret = 0;
	}
	qemu_mutex_unlock(&s->link_lock);
	if (!ret)
		qemu_bh_schedule(s->link_bh);
	return ret;
}

static void d1_dip_link_bh(void *opaque)
{
	D1DipState *s = opaque;
	GByteArray *tx;

	qemu_mutex_lock(&s->link_lock);
	tx = s->link_tx;
	s->link_tx = g_byte_array_new();
	qemu_mutex_unlock(&s->link_lock);
	/* At most one request and its answers a direction: never stuck. */
	if (tx->len)
		qemu_chr_fe_write_all(&s->link_chr, tx->data, tx->len);
	g_byte_array_unref(tx);
}

static int d1_dip_link_can_receive(void *opaque)
{
	return 64 * KiB;
}

static void d1_dip_link_receive(void *opaque, const uint8_t *buf, int size)
{
	D1DipState *s = opaque;

	d1_link_wire_rx(&s->core, buf, size);
}

static void d1_dip_link_event(void *opaque, QEMUChrEvent event)
{
	D1DipState *s = opaque;

	if (event != CHR_EVENT_OPENED && event != CHR_EVENT_CLOSED)
		return;
	qemu_mutex_lock(&s->link_lock);
	s->link_open = event == CHR_EVENT_OPENED;
	g_byte_array_set_size(s->link_tx, 0);
	qemu_mutex_unlock(&s->link_lock);
	d1_link_wire_up(&s->core, event == CHR_EVENT_OPENED);
}

static const struct d1_dip_ops d1_dip_core_ops = {
	.notify = d1_dip_notify,
	.guest_error = d1_dip_guest_error,
	.bus_read = d1_dip_bus_read,
	.bus_write = d1_dip_bus_write,
	.now_ns = d1_dip_now_ns,
	.link_send = d1_dip_link_send,
};

static uint64_t d1_dip_mmio_read(void *opaque, hwaddr addr, unsigned size)
{
	D1DipState *s = opaque;

	/* A pulled card: the read completes with all ones. */
	if (qatomic_read(&s->gone))
		return size == 8 ? ~0ull : (1ull << (size * 8)) - 1;
	return d1_dip_reg_read(&s->core, addr, size);
}

static void d1_dip_mmio_write(void *opaque, hwaddr addr, uint64_t val,
			      unsigned size)
{
	D1DipState *s = opaque;

	if (qatomic_read(&s->gone))
		return;
	d1_dip_reg_write(&s->core, addr, val, size);
}

static const MemoryRegionOps d1_dip_mmio_ops = {
	.read = d1_dip_mmio_read,
	.write = d1_dip_mmio_write,
	.endianness = DEVICE_LITTLE_ENDIAN,
	/* Let the core see (and reject) odd sizes instead of QEMU splitting. */
	.valid = { .min_access_size = 1, .max_access_size = 8 },
	.impl = { .min_access_size = 1, .max_access_size = 8 },
};

/* The host CPUs this QEMU may run on: the default for sim-threads. */
static uint32_t d1_dip_host_cpus(void)
{
	cpu_set_t set;
	int n;

	if (sched_getaffinity(0, sizeof(set), &set))
		return 1;
	n = CPU_COUNT(&set);
	return n > 0 ? n : 1;
}

/* After the queue threads stopped; the chardev's handlers are gone. */
static void d1_dip_link_fini(D1DipState *s)
{
	qemu_bh_delete(s->link_bh);
	g_byte_array_unref(s->link_tx);
	qemu_mutex_destroy(&s->link_lock);
}

static void d1_dip_realize(PCIDevice *pdev, Error **errp)
{
	D1DipState *s = D1_DIP(pdev);
	const char *bad;
	unsigned int nvec, i;

	if (!s->cfg.sim_threads)
		s->cfg.sim_threads = d1_dip_host_cpus();
	s->cfg.link_name = DEVICE(pdev)->id;
	s->cfg.link_peer = s->link_peer;
	s->cfg.link_wire = qemu_chr_fe_backend_connected(&s->link_chr);
	if (s->cfg.link_wire && s->link_peer) {
		error_setg(errp, "d1-dip: link-peer and link-chardev exclude each other");
		return;
	}
	bad = d1_dip_check_config(&s->cfg);
	if (bad) {
		error_setg(errp, "d1-dip: %s", bad);
		return;
	}

	pci_config_set_interrupt_pin(pdev->config, 1);
	if (pci_is_express(pdev)) {
		if (pcie_endpoint_cap_init(pdev, 0) < 0) {
			error_setg(errp, "d1-dip: cannot add the PCIe capability");
			return;
		}
		pcie_cap_flr_init(pdev);
	}

	memory_region_init_io(&s->mmio, OBJECT(s), &d1_dip_mmio_ops, s,
			      "d1-dip.regs", D1_REGS_SIZE);
	pci_register_bar(pdev, D1_BAR_REGS, PCI_BASE_ADDRESS_SPACE_MEMORY,
			 &s->mmio);

	memory_region_init_ram(&s->hbm, OBJECT(s), "d1-dip.hbm",
			       s->cfg.hbm_size, errp);
	if (*errp)
		return;
	pci_register_bar(pdev, D1_BAR_HBM,
			 PCI_BASE_ADDRESS_SPACE_MEMORY |
			 PCI_BASE_ADDRESS_MEM_TYPE_64 |
			 PCI_BASE_ADDRESS_MEM_PREFETCH, &s->hbm);

	nvec = 1 + s->cfg.num_queues;
	if (msix_init_exclusive_bar(pdev, nvec, D1_BAR_MSIX, errp))
		return;
	for (i = 0; i < nvec; i++)
		msix_vector_use(pdev, i);

	s->irq_bh = qemu_bh_new(d1_dip_irq_bh, s);
	qemu_mutex_init(&s->link_lock);
	s->link_tx = g_byte_array_new();
	s->link_bh = qemu_bh_new(d1_dip_link_bh, s);
	if (d1_dip_init(&s->core, &s->cfg,
			memory_region_get_ram_ptr(&s->hbm),
			&d1_dip_core_ops, s)) {
		error_setg(errp, "d1-dip: cannot start the queue threads, or "
			   "another card has the id '%s'", s->cfg.link_name ?: "");
		d1_dip_link_fini(s);
		qemu_bh_delete(s->irq_bh);
		msix_uninit_exclusive_bar(pdev);
		return;
	}
	s->core_live = true;
	if (s->cfg.link_wire)
		qemu_chr_fe_set_handlers(&s->link_chr, d1_dip_link_can_receive,
					 d1_dip_link_receive, d1_dip_link_event,
					 NULL, s, NULL, true);
}

static void d1_dip_exit(PCIDevice *pdev)
{
	D1DipState *s = D1_DIP(pdev);

	/* No more bytes for the core, and no more sent. */
	qemu_chr_fe_deinit(&s->link_chr, false);
	qemu_mutex_lock(&s->link_lock);
	s->link_open = false;
	qemu_mutex_unlock(&s->link_lock);
	/* Hot-unplug: stop the queue threads before anything they use goes. */
	if (s->core_live) {
		d1_dip_destroy(&s->core);
		s->core_live = false;
	}
	d1_dip_link_fini(s);
	qemu_bh_delete(s->irq_bh);
	msix_uninit_exclusive_bar(pdev);
}

static void d1_dip_qdev_reset(DeviceState *dev)
{
	D1DipState *s = D1_DIP(dev);

	if (s->core_live)
		d1_dip_reset(&s->core);
	qatomic_set(&s->pending_vecs, 0);
}

/* Config writes: the PCIe FLR bit resets the function. */
static void d1_dip_config_write(PCIDevice *pdev, uint32_t addr, uint32_t val,
				int len)
{
	pci_default_write_config(pdev, addr, val, len);
	if (pci_is_express(pdev))
		pcie_cap_flr_write_config(pdev, addr, val, len);
}

static Property d1_dip_properties[] = {
	DEFINE_PROP_UINT32("grid-rows", D1DipState, cfg.grid_rows, 18),
	DEFINE_PROP_UINT32("grid-cols", D1DipState, cfg.grid_cols, 20),
	DEFINE_PROP_UINT32("nodes", D1DipState, cfg.nodes, 354),
	DEFINE_PROP_UINT32("sram-size", D1DipState, cfg.sram_size,
			   1280 * KiB),
	DEFINE_PROP_UINT32("queues", D1DipState, cfg.num_queues, 4),
	DEFINE_PROP_UINT32("contexts", D1DipState, cfg.num_contexts, 16),
	DEFINE_PROP_SIZE("hbm-size", D1DipState, cfg.hbm_size, 256 * MiB),
	/* 0: as many as the host CPUs QEMU may use */
	DEFINE_PROP_UINT32("sim-threads", D1DipState, cfg.sim_threads, 0),
	DEFINE_PROP_SIZE("image-cache", D1DipState, cfg.image_cache, 64 * MiB),
	DEFINE_PROP_STRING("link-peer", D1DipState, link_peer),
	DEFINE_PROP_CHR("link-chardev", D1DipState, link_chr),
	DEFINE_PROP_END_OF_LIST(),
};

static bool d1_dip_get_gone(Object *obj, Error **errp)
{
	return qatomic_read(&D1_DIP(obj)->gone);
}

static void d1_dip_set_gone(Object *obj, bool value, Error **errp)
{
	D1DipState *s = D1_DIP(obj);

	qatomic_set(&s->gone, value);
	if (!s->core_live)
		return;
	if (value)
		d1_link_detach(&s->core);
	else if (d1_link_attach(&s->core))
		error_setg(errp, "d1-dip: another card took the link name");
}

static void d1_dip_instance_init(Object *obj)
{
	object_property_add_bool(obj, "surprise-removed", d1_dip_get_gone,
				 d1_dip_set_gone);
}

static const VMStateDescription vmstate_d1_dip = {
	.name = TYPE_D1_DIP,
	.unmigratable = 1,
};

static void d1_dip_class_init(ObjectClass *klass, void *data)
{
	DeviceClass *dc = DEVICE_CLASS(klass);
	PCIDeviceClass *k = PCI_DEVICE_CLASS(klass);

	k->realize = d1_dip_realize;
	k->exit = d1_dip_exit;
	k->config_write = d1_dip_config_write;
	k->vendor_id = D1_PCI_VENDOR_ID;
	k->device_id = D1_PCI_DEVICE_ID;
	k->revision = 1;
	k->class_id = D1_PCI_CLASS;
	dc->desc = "D1 DIP accelerator card";
	dc->vmsd = &vmstate_d1_dip;
	dc->reset = d1_dip_qdev_reset;
	device_class_set_props(dc, d1_dip_properties);
	set_bit(DEVICE_CATEGORY_MISC, dc->categories);
}

static const TypeInfo d1_dip_info = {
	.name = TYPE_D1_DIP,
	.parent = TYPE_PCI_DEVICE,
	.instance_size = sizeof(D1DipState),
	.instance_init = d1_dip_instance_init,
	.class_init = d1_dip_class_init,
	.interfaces = (InterfaceInfo[]) {
		{ INTERFACE_PCIE_DEVICE },
		{ },
	},
};

static void d1_dip_register_types(void)
{
	type_register_static(&d1_dip_info);
}

type_init(d1_dip_register_types)

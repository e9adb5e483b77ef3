// SPDX-License-Identifier: GPL-2.0-only
/*
 * d1 DIP card: MSI-X interrupt handling.
 *
 * Device events (doorbell done, device error) latch bits in IRQ_STATUS and
 * signal MSI-X vector D1_MSIX_VEC_DEVICE while enabled in IRQ_MASK.  The
 * handler acknowledges what it read by writing the bits back (W1C).
 */
#include <linux/interrupt.h>
#include <linux/lockdep.h>
#include <linux/pci.h>
#include <drm/drm_drv.h>
#include <drm/drm_print.h>

#include "d1_regs.h"
#include "d1_device.h"
#include "d1_irq.h"

/* The events this driver handles; only these are enabled. */
#define D1_IRQ_HANDLED	(D1_IRQ_DOORBELL | D1_IRQ_ERROR)

static irqreturn_t d1_irq_handler(int irq, void *arg)
{
	struct d1_device *d1 = arg;
	u32 status, err;

	status = d1_read(d1, D1_REG_IRQ_STATUS);
	/* All ones: the card is gone (surprise removal). */
	if (!status || status == ~0u)
		return IRQ_NONE;
	d1_write(d1, D1_REG_IRQ_STATUS, status);

	if (status & D1_IRQ_ERROR) {
		err = d1_read(d1, D1_REG_ERROR);
		d1_write(d1, D1_REG_ERROR, D1_ERROR_NONE);
		atomic_inc(&d1->irq.errors);
		drm_err_ratelimited(&d1->drm, "device error %u\n", err);
	}

	if (status & D1_IRQ_DOORBELL) {
		d1->irq.doorbell_ack = d1_read(d1, D1_REG_DOORBELL_ACK);
		complete(&d1->irq.doorbell);
	}

	if (status & ~D1_IRQ_HANDLED)
		drm_dbg_driver(&d1->drm, "unhandled IRQ status bits 0x%x\n",
			       status & ~D1_IRQ_HANDLED);

	return IRQ_HANDLED;
}

/**
 * d1_irq_init() - set up MSI-X and enable device interrupts
 * @d1: the device, with registers mapped and capabilities read.
 *
 * Return: 0 or a negative errno.
 */
int d1_irq_init(struct d1_device *d1)
{
	struct pci_dev *pdev = d1->pdev;
	int nvec, ret;

	init_completion(&d1->irq.doorbell);
	atomic_set(&d1->irq.errors, 0);
	spin_lock_init(&d1->irq.mask_lock);

	/* The device vector and one per queue (d1_job.c requests those). */
	nvec = D1_MSIX_VEC_QUEUE(d1->caps.num_queues);
	nvec = pci_alloc_irq_vectors(pdev, nvec, nvec, PCI_IRQ_MSIX);
	if (nvec < 0) {
		drm_err(&d1->drm, "cannot allocate MSI-X vectors: %d\n", nvec);
		return nvec;
	}

	d1->irq.irq = pci_irq_vector(pdev, D1_MSIX_VEC_DEVICE);
	if (d1->irq.irq < 0) {
		ret = d1->irq.irq;
		goto err_free_vectors;
	}

	/* Nothing stale may fire before the handler exists. */
	d1_write(d1, D1_REG_IRQ_MASK, 0);
	d1_write(d1, D1_REG_IRQ_STATUS, D1_IRQ_ALL);

	ret = request_irq(d1->irq.irq, d1_irq_handler, 0, KBUILD_MODNAME, d1);
	if (ret) {
		drm_err(&d1->drm, "cannot request IRQ %d: %d\n", d1->irq.irq,
			ret);
		goto err_free_vectors;
	}

	d1->irq.mask = D1_IRQ_HANDLED;
	d1_write(d1, D1_REG_IRQ_MASK, d1->irq.mask);
	return 0;

err_free_vectors:
	pci_free_irq_vectors(pdev);
	return ret;
}

/**
 * d1_irq_hw_restore() - enable device interrupts again after a device reset
 * @d1: the device.
 */
void d1_irq_hw_restore(struct d1_device *d1)
{
	spin_lock(&d1->irq.mask_lock);
	d1_write(d1, D1_REG_IRQ_MASK, d1->irq.mask);
	spin_unlock(&d1->irq.mask_lock);
}

/**
 * d1_irq_fini() - disable device interrupts and release MSI-X
 * @d1: the device.
 *
 * Wakes anybody still waiting for the doorbell; they find the device
 * unplugged and return -ENODEV.
 */
void d1_irq_fini(struct d1_device *d1)
{
	spin_lock(&d1->irq.mask_lock);
	WRITE_ONCE(d1->irq.mask, 0);
	d1_write(d1, D1_REG_IRQ_MASK, 0);
	spin_unlock(&d1->irq.mask_lock);
	free_irq(d1->irq.irq, d1);
	pci_free_irq_vectors(d1->pdev);
	complete_all(&d1->irq.doorbell);
}

/**
 * d1_irq_doorbell_prepare() - get ready to wait for a new doorbell
 * @d1: the device; the caller holds ping_lock.
 *
 * Clears a doorbell event left over from an earlier request (one that
 * timed out, say) and waits for a handler that may still be processing
 * it, so that only the interrupt of the next DOORBELL write completes
 * irq.doorbell.
 */
void d1_irq_doorbell_prepare(struct d1_device *d1)
{
	lockdep_assert_held(&d1->ping_lock);
	d1_write(d1, D1_REG_IRQ_STATUS, D1_IRQ_DOORBELL);
	synchronize_irq(d1->irq.irq);
	reinit_completion(&d1->irq.doorbell);
}

/**
 * d1_irq_test_mask_doorbell() - test hook: suppress doorbell interrupts
 * @d1: the device.
 * @masked: true to mask D1_IRQ_DOORBELL, false to enable it again.
 *
 * While masked, PING times out; unmasking delivers the latched event
 * late, which the next PING must not mistake for its own.
 *
 * Return: 0, or -ENODEV once the device is unplugged.
 */
int d1_irq_test_mask_doorbell(struct d1_device *d1, bool masked)
{
	int idx;

	if (!drm_dev_enter(&d1->drm, &idx))
		return -ENODEV;
	spin_lock(&d1->irq.mask_lock);
	if (masked)
		WRITE_ONCE(d1->irq.mask, d1->irq.mask & ~D1_IRQ_DOORBELL);
	else
		WRITE_ONCE(d1->irq.mask, d1->irq.mask | D1_IRQ_DOORBELL);
	d1_write(d1, D1_REG_IRQ_MASK, d1->irq.mask);
	spin_unlock(&d1->irq.mask_lock);
	drm_dev_exit(idx);
	return 0;
}

bool d1_irq_doorbell_masked(struct d1_device *d1)
{
	return !(READ_ONCE(d1->irq.mask) & D1_IRQ_DOORBELL);
}

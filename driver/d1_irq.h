/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * d1 DIP card: MSI-X interrupt handling.
 */
#ifndef __D1_IRQ_H__
#define __D1_IRQ_H__

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/spinlock.h>
#include <linux/types.h>

struct d1_device;

/**
 * struct d1_irq - interrupt state of one card
 * @irq: Linux IRQ number of the device vector (D1_MSIX_VEC_DEVICE).
 * @doorbell: completed by the handler when D1_IRQ_DOORBELL fires.
 * @doorbell_ack: DOORBELL_ACK as read by the handler for @doorbell.
 * @errors: D1_IRQ_ERROR events seen since probe.
 * @mask_lock: serializes updates of @mask and IRQ_MASK.
 * @mask: the events enabled in IRQ_MASK.
 */
struct d1_irq {
	int irq;
	struct completion doorbell;
	u32 doorbell_ack;
	atomic_t errors;
	spinlock_t mask_lock;	/* protects mask and the IRQ_MASK register */
	u32 mask;
};

int d1_irq_init(struct d1_device *d1);
void d1_irq_fini(struct d1_device *d1);
void d1_irq_hw_restore(struct d1_device *d1);
void d1_irq_doorbell_prepare(struct d1_device *d1);
int d1_irq_test_mask_doorbell(struct d1_device *d1, bool masked);
bool d1_irq_doorbell_masked(struct d1_device *d1);

#endif /* __D1_IRQ_H__ */

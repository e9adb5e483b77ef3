/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * d1 DIP card: MSI-X interrupt handling.
 */
#ifndef __D1_IRQ_H__
#define __D1_IRQ_H__

#include <linux/completion.h>
#include <linux/types.h>

struct d1_device;

/**
 * struct d1_irq - interrupt state of one card
 * @irq: Linux IRQ number of the device vector (D1_MSIX_VEC_DEVICE).
 * @doorbell: completed by the handler when D1_IRQ_DOORBELL fires.
 * @doorbell_ack: DOORBELL_ACK as read by the handler for @doorbell.
 * @errors: D1_IRQ_ERROR events seen since probe.
 */
struct d1_irq {
	int irq;
	struct completion doorbell;
	u32 doorbell_ack;
	atomic_t errors;
};

int d1_irq_init(struct d1_device *d1);
void d1_irq_fini(struct d1_device *d1);

#endif /* __D1_IRQ_H__ */

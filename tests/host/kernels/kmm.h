/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers of the matmul kernels: per-hart SRAM regions, strided DMA. */
#ifndef KMM_H
#define KMM_H

#include <d1/device/d1_kernel.h>

extern char __image_end[];

/* Hart @hart's region of @size bytes in SRAM, above the image. */
static inline void *hart_region(unsigned int hart, uintptr_t size)
{
	uintptr_t base = ((uintptr_t)__image_end + 4095) & ~(uintptr_t)4095;

	return (void *)(base + hart * ((size + 4095) & ~(uintptr_t)4095));
}

/* Link @n copies of @len bytes, @src and @dst advancing by their
 * strides, into a DMA list at @d; returns the descriptor after it. */
static inline struct d1_dma_desc *rows(struct d1_dma_desc *d, uint16_t kind,
				       uint64_t dst, uint64_t dst_stride,
				       uint64_t src, uint64_t src_stride,
				       uint32_t len, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++, d++) {
		d->src = src + i * src_stride;
		d->dst = dst + i * dst_stride;
		d->len = len;
		d->kind = kind | D1_DMA_LIST;
		d->node = 0;
		d->next = (uintptr_t)(d + 1);
	}
	return d;
}

#endif /* KMM_H */

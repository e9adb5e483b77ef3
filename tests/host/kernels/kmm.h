/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers of the matmul kernels: per-hart SRAM regions. */
#ifndef KMM_H
#define KMM_H

#include <d1/device/d1_gemm.h>

extern char __image_end[];

/* Hart @hart's region of @size bytes in SRAM, above the image. */
static inline void *hart_region(unsigned int hart, uintptr_t size)
{
	uintptr_t base = ((uintptr_t)__image_end + 4095) & ~(uintptr_t)4095;

	return (void *)(base + hart * ((size + 4095) & ~(uintptr_t)4095));
}

#endif /* KMM_H */

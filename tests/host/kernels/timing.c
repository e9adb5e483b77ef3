// SPDX-License-Identifier: GPL-2.0
/* Kernels with known costs for the timing model's tests (enum timing_mode). */
#include <d1/device/d1_kernel.h>

#include "kargs.h"

static int dma(const struct timing_args *a, unsigned int hart)
{
	uint32_t id = d1_node_id();

	if (hart || id >= 16 || a->dst[id] == 0xffff)
		return 0;
	d1_dma_copy(D1_DMA_TO_NODE, a->dst[id], KDATA_OUT, KDATA_IN,
		    (uint32_t)a->n);
	return 0;
}

static int hbm(const struct timing_args *a, unsigned int hart)
{
	if (hart)
		return 0;
	d1_dma_copy(D1_DMA_HBM_TO_SRAM, 0, KDATA_OUT, a->addr, (uint32_t)a->n);
	return 0;
}

static int divs(const struct timing_args *a)
{
	uint64_t x = ~0ull, y = 3, i;

	for (i = 0; i < a->n; i++)
		__asm__ volatile("divu %0, %0, %1" : "+r"(x) : "r"(y));
	return (int)(x & 0x7f);
}

#define VMMA8 do { \
	d1_vmma(D1_T_BF16, 0, 16, 18); d1_vmma(D1_T_BF16, 4, 16, 19); \
	d1_vmma(D1_T_BF16, 8, 17, 18); d1_vmma(D1_T_BF16, 12, 17, 19); \
	d1_vmma(D1_T_BF16, 0, 17, 19); d1_vmma(D1_T_BF16, 4, 17, 18); \
	d1_vmma(D1_T_BF16, 8, 16, 19); d1_vmma(D1_T_BF16, 12, 16, 18); \
} while (0)

static int vmma(const struct timing_args *a)
{
	uint64_t i;

	d1_vsplat(D1_T_INT32, 16, 0x3f803f80);
	d1_vsplat(D1_T_INT32, 17, 0x3f803f80);
	d1_vsplat(D1_T_INT32, 18, 0x3f803f80);
	d1_vsplat(D1_T_INT32, 19, 0x3f803f80);
	for (i = 0; i < a->n; i++) {
		VMMA8; VMMA8; VMMA8; VMMA8; VMMA8; VMMA8; VMMA8; VMMA8;
	}
	return (int)d1_vget(D1_T_FP32, 0, 0);
}

/* Everything once: per hart some scalar, FP and vector work; then hart 0
 * passes a block to the right over the mesh, reads HBM and meets the
 * others at a barrier. */
static int mix(const struct timing_args *a, unsigned int hart)
{
	uint32_t id = d1_node_id(), n = d1_grid_nodes();
	float *f = (float *)(uintptr_t)(KDATA_IN + 4096 * hart);
	uint64_t s = id * 7 + hart, i;
	float acc = 0;

	for (i = 0; i < a->n * (1 + hart + id % 3); i++) {
		s = s * 6364136223846793005ull + i / (s % 5 + 1);
		f[i % 64] = (float)(s >> 40);
		acc = acc * 0.5f + f[(i * 7) % 64] / 3.0f;
	}
	d1_vld(1, f);
	d1_vld(2, f + 16);
	d1_vfma(D1_T_FP32, 3, 1, 2, 1);
	d1_vredsum(D1_T_FP32, 4, 3);
	d1_vsplat(D1_T_INT32, 16, 0x3f803f80);
	d1_vsplat(D1_T_INT32, 18, 0x3f803f80);
	d1_vmma(D1_T_BF16, 0, 16, 18);
	d1_vst(4, f + 32);
	if (hart == 0) {
		d1_dma_copy(D1_DMA_TO_NODE, (uint16_t)((id + 1) % n),
			    KDATA_OUT, KDATA_IN, 256 << (id % 4));
		d1_sem_signal(D1_SEM_NODE((id + 1) % n, 0), 1);
		d1_sem_wait(0, 1);
		if (a->addr)
			d1_dma_copy(D1_DMA_HBM_TO_SRAM, 0, KDATA_OUT2,
				    a->addr + id * 1024, 1024);
	}
	d1_barrier();
	return (int)((uint64_t)acc + s) & 0xff;
}

int d1_main(void *argp, unsigned int hart)
{
	const struct timing_args *a = argp;

	switch (a->mode) {
	case TIMING_DMA:
		return dma(a, hart);
	case TIMING_HBM:
		return hbm(a, hart);
	case TIMING_DIV:
		return divs(a);
	case TIMING_VMMA:
		return vmma(a);
	case TIMING_MIX:
		return mix(a, hart);
	}
	return -1;
}

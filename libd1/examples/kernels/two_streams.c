// SPDX-License-Identifier: MIT
/*
 * x[i] = x[i] * a + b, @rounds times, on n floats: every node of the
 * launch takes a slice, keeps it in SRAM and iterates on the vector unit.
 * Long enough per node for two launches side by side to show.
 */
#include <d1/device/d1_launch.h>

#define MAXN 16384	/* floats per node */

static float x[MAXN];

D1_KERNEL(iterate, (d1_devptr, data), (uint32_t, n), (uint32_t, rounds),
	  (float, a), (float, b))
{
	uint32_t ranks = d1_launch_size(), rank = d1_launch_rank();
	uint32_t per = (n + ranks - 1) / ranks, start = rank * per, len, r, i;

	if (d1_hart_id() || start >= n)
		return;
	len = n - start < per ? n - start : per;
	if (len > MAXN)
		len = MAXN;
	d1_dma_copy(D1_DMA_HBM_TO_SRAM, 0, (uintptr_t)x, data.addr + start * 4,
		    len * 4);
	d1_vsplat(D1_T_FP32, 2, *(uint32_t *)&a);
	d1_vsplat(D1_T_FP32, 3, *(uint32_t *)&b);
	for (i = 0; i + 16 <= len; i += 16) {
		d1_vld(1, &x[i]);
		for (r = 0; r < rounds; r++)
			d1_vfma(D1_T_FP32, 1, 1, 2, 3);
		d1_vst(1, &x[i]);
	}
	for (; i < len; i++)
		for (r = 0; r < rounds; r++)
			x[i] = x[i] * a + b;
	d1_dma_copy(D1_DMA_SRAM_TO_HBM, 0, data.addr + start * 4, (uintptr_t)x,
		    len * 4);
}

// SPDX-License-Identifier: MIT
/*
 * c = a + b on n floats.  Every node of the launch takes a contiguous
 * slice, moves it through SRAM in tiles by DMA and adds 16 lanes at a time
 * on the 512-bit vector unit.
 */
#include <d1/device/d1_launch.h>

#define TILE 4096	/* floats per tile */

static float ta[TILE], tb[TILE];

D1_KERNEL(vector_add, (d1_devptr, a), (d1_devptr, b), (d1_devptr, c),
	  (uint32_t, n))
{
	uint32_t ranks = d1_launch_size(), rank = d1_launch_rank();
	uint32_t per = (n + ranks - 1) / ranks, start = rank * per, end, t, i;

	if (d1_hart_id() || start >= n)
		return;
	end = start + per < n ? start + per : n;
	for (t = start; t < end; t += TILE) {
		uint32_t len = end - t < TILE ? end - t : TILE;

		d1_dma_copy(D1_DMA_HBM_TO_SRAM, 0, (uintptr_t)ta, a.addr + t * 4,
			    len * 4);
		d1_dma_copy(D1_DMA_HBM_TO_SRAM, 0, (uintptr_t)tb, b.addr + t * 4,
			    len * 4);
		for (i = 0; i + 16 <= len; i += 16) {
			d1_vld(1, &ta[i]);
			d1_vld(2, &tb[i]);
			d1_vadd(D1_T_FP32, 3, 1, 2);
			d1_vst(3, &ta[i]);
		}
		for (; i < len; i++)
			ta[i] += tb[i];
		d1_dma_copy(D1_DMA_SRAM_TO_HBM, 0, c.addr + t * 4, (uintptr_t)ta,
			    len * 4);
	}
}

// SPDX-License-Identifier: MIT
/* y[i] = a * x[i] + b over n floats; the launch's nodes split the work. */
#include <d1/device/d1_launch.h>

#define TILE 4096

static float t[TILE];

D1_KERNEL(axpb, (d1_devptr, x), (d1_devptr, y), (uint32_t, n), (float, a),
	  (float, b))
{
	uint32_t ranks = d1_launch_size(), rank = d1_launch_rank();
	uint32_t per = (n + ranks - 1) / ranks, start = rank * per, end, o, i;
	union { float f; uint32_t u; } ua = { a }, ub = { b };

	if (d1_hart_id() || start >= n)
		return;
	end = start + per < n ? start + per : n;
	d1_vsplat(D1_T_FP32, 5, ua.u);
	d1_vsplat(D1_T_FP32, 6, ub.u);
	for (o = start; o < end; o += TILE) {
		uint32_t len = end - o < TILE ? end - o : TILE;

		d1_dma_copy(D1_DMA_HBM_TO_SRAM, 0, (uintptr_t)t,
			    x.addr + (uint64_t)o * 4, len * 4);
		for (i = 0; i + 16 <= len; i += 16) {
			d1_vld(1, &t[i]);
			d1_vfma(D1_T_FP32, 1, 1, 5, 6);
			d1_vst(1, &t[i]);
		}
		for (; i < len; i++)
			t[i] = t[i] * a + b;
		d1_dma_copy(D1_DMA_SRAM_TO_HBM, 0, y.addr + (uint64_t)o * 4,
			    (uintptr_t)t, len * 4);
	}
}

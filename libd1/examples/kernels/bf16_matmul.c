// SPDX-License-Identifier: MIT
/*
 * BF16 matrix multiply on the 8x8x4 matrix unit: C (FP32) = A B with A and
 * B given in FP32 and rounded to BF16 on the device with *stochastic
 * rounding* (vcvt ...SR), so the rounding errors average out instead of
 * piling up in one direction.
 *
 * Layouts (the host packs them): A as [M/8][K/4] tiles of 8x4 FP32
 * (element r*4+k), B as [K/4][N/8] tiles of 4x8 FP32 (element k*8+c), C
 * as [M/8][N/8] tiles of 8x8 FP32, row-major.  One BF16 tile is one
 * 512-bit register; vmma accumulates C += A B into 4 registers.  Tile
 * rows of C are dealt out round-robin over the nodes of the launch.
 */
#include <d1/device/d1_launch.h>

#define MAXT	1024			/* BF16 tiles of B in SRAM */

static uint8_t b16[MAXT * 64];		/* B, converted */
static uint8_t a16[256 * 64];		/* one tile row of A, converted */
static float f32[32 * 2];		/* staging: one FP32 tile */
static float ctile[128 * 64];		/* one tile row of C */

/* FP32 tile at device address @src -> BF16 tile at @dst, SR. */
static void convert_tile(uint64_t src, uint8_t *dst)
{
	d1_dma_copy(D1_DMA_HBM_TO_SRAM, 0, (uintptr_t)f32, src, 128);
	d1_vld(1, &f32[0]);
	d1_vld(2, &f32[16]);
	d1_vcvt(D1_T_FP32, D1_T_BF16, 0, 1, 3, 1);
	d1_vcvt(D1_T_FP32, D1_T_BF16, 1, 1, 3, 2);
	d1_vst(3, dst);
}

D1_KERNEL(bf16_matmul, (d1_devptr, a), (d1_devptr, b), (d1_devptr, c),
	  (uint32_t, m), (uint32_t, n), (uint32_t, k), (uint64_t, seed))
{
	uint32_t rank = d1_launch_rank(), ranks = d1_launch_size();
	uint32_t mt = m / 8, nt = n / 8, kt = k / 4, i, j, t;

	if (d1_hart_id())
		return;
	if (m % 8 || n % 8 || k % 4 || kt * nt > MAXT || kt > 256 || nt > 128)
		d1_exit(2);
	d1_set_srseed(seed * 0x9e3779b97f4a7c15ull + rank + 1);
	for (t = 0; t < kt * nt; t++)
		convert_tile(b.addr + (uint64_t)t * 128, &b16[t * 64]);
	for (i = rank; i < mt; i += ranks) {
		for (t = 0; t < kt; t++)
			convert_tile(a.addr + ((uint64_t)i * kt + t) * 128,
				     &a16[t * 64]);
		for (j = 0; j < nt; j++) {
			d1_vsplat(D1_T_FP32, 8, 0);
			d1_vsplat(D1_T_FP32, 9, 0);
			d1_vsplat(D1_T_FP32, 10, 0);
			d1_vsplat(D1_T_FP32, 11, 0);
			for (t = 0; t < kt; t++) {
				d1_vld(4, &a16[t * 64]);
				d1_vld(5, &b16[(t * nt + j) * 64]);
				d1_vmma(D1_T_BF16, 8, 4, 5);
			}
			d1_vst(8, &ctile[j * 64]);
			d1_vst(9, &ctile[j * 64 + 16]);
			d1_vst(10, &ctile[j * 64 + 32]);
			d1_vst(11, &ctile[j * 64 + 48]);
		}
		d1_dma_copy(D1_DMA_SRAM_TO_HBM, 0,
			    c.addr + (uint64_t)i * nt * 256, (uintptr_t)ctile,
			    nt * 256);
	}
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Matrix-unit throughput: vmma on operands already in vector registers,
 * no memory traffic - the peak a kernel's inner loop can approach.
 * Arguments: { iterations, type }; each iteration runs 8 vmma (4 C
 * tiles of 8x8 FP32 in v0-v15, A in v16/v17, B in v18/v19), 4096 FLOPs.
 */
#include <d1/device/d1_kernel.h>

struct vmma_args {
	uint64_t iters;
	uint64_t type;		/* D1_T_BF16, D1_T_CFP8E4 or D1_T_CFP8E5 */
};

static uint8_t ab[4][64] __attribute__((aligned(64)));
static uint8_t c[16][64] __attribute__((aligned(64)));

#define STEP(t) do { \
	d1_vmma(t, 0, 16, 18); d1_vmma(t, 4, 16, 19); \
	d1_vmma(t, 8, 17, 18); d1_vmma(t, 12, 17, 19); \
	d1_vmma(t, 0, 17, 19); d1_vmma(t, 4, 17, 18); \
	d1_vmma(t, 8, 16, 19); d1_vmma(t, 12, 16, 18); \
} while (0)

int d1_main(void *argp, unsigned int hart)
{
	const struct vmma_args *a = argp;
	uint64_t i;
	unsigned int k;

	if (hart)
		return 0;
	/* small normal values: 1 + k/64 (BF16), codes near 1.0 (CFP8) */
	for (k = 0; k < 64; k++) {
		uint16_t bf = (uint16_t)(0x3f80 + k % 16);

		ab[k / 16][k % 16 * 4 + 0] = (uint8_t)bf;
		ab[k / 16][k % 16 * 4 + 1] = (uint8_t)(bf >> 8);
		ab[k / 16][k % 16 * 4 + 2] = (uint8_t)bf;
		ab[k / 16][k % 16 * 4 + 3] = (uint8_t)(bf >> 8);
	}
	if (a->type != D1_T_BF16)
		for (k = 0; k < 256; k++)
			ab[k / 64][k % 64] = (uint8_t)(0x30 + k % 8);
	d1_vsplat(D1_T_FP32, 0, 0);
	for (k = 0; k < 16; k++)
		d1_vst(0, c[k]);
	d1_vld(16, ab[0]);
	d1_vld(17, ab[1]);
	d1_vld(18, ab[2]);
	d1_vld(19, ab[3]);
	d1_vld_at(0, c, 0); d1_vld_at(1, c, 64); d1_vld_at(2, c, 128);
	d1_vld_at(3, c, 192); d1_vld_at(4, c, 256); d1_vld_at(5, c, 320);
	d1_vld_at(6, c, 384); d1_vld_at(7, c, 448); d1_vld_at(8, c, 512);
	d1_vld_at(9, c, 576); d1_vld_at(10, c, 640); d1_vld_at(11, c, 704);
	d1_vld_at(12, c, 768); d1_vld_at(13, c, 832); d1_vld_at(14, c, 896);
	d1_vld_at(15, c, 960);
	switch (a->type) {
	case D1_T_BF16:
		for (i = 0; i < a->iters; i++)
			STEP(D1_T_BF16);
		break;
	case D1_T_CFP8E4:
		for (i = 0; i < a->iters; i++)
			STEP(D1_T_CFP8E4);
		break;
	default:
		for (i = 0; i < a->iters; i++)
			STEP(D1_T_CFP8E5);
		break;
	}
	d1_vst_at(0, c, 0); d1_vst_at(4, c, 256); d1_vst_at(8, c, 512);
	d1_vst_at(12, c, 768);
	return 0;
}

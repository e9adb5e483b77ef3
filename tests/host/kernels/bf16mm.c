// SPDX-License-Identifier: GPL-2.0
/*
 * BF16 matmul on the 8x8x4 unit: C(MxN, FP32) = A(MxK) B(KxN), A and B
 * in BF16 packed as tiles (A: [M/8][K/4] tiles of 8x4, B: [K/4][N/8]
 * tiles of 4x8, 64 bytes each), C as [M/8][N/8] tiles of 8x8 FP32 (256
 * bytes).  With sr_out, C is also converted to BF16 with stochastic
 * rounding (tiles of 128 bytes at c16).
 *
 * C is cut into blocks of up to BM x BN tiles, dealt out round-robin to
 * every hart of every node.  A hart streams its block's K in chunks of
 * KT tiles: the A and B tiles of one chunk arrive by list DMA into one
 * pair of SRAM buffers while the chunk before is multiplied out of the
 * other.  The micro-kernel keeps 2 x 2 tiles of C (16 vector registers)
 * and, per k tile, loads two tiles of A and two of B and runs four vmma.
 */
#include <d1/device/d1_kernel.h>

#include "kargs.h"
#include "kmm.h"

#define BM	8	/* tiles */
#define BN	16
#define KT	16

/* The steps of the kernel-writing guide (kernels.rst), for make bench:
 * 1 one C tile at a time, each K chunk waited for as soon as it is
 * asked for; 2 blocked 2 x 2 tiles in registers; 3 (default) the next
 * chunk fetched while this one is multiplied. */
#ifndef STEP
#define STEP 3
#endif

struct region {
	uint8_t c[BM * BN * 256];
	uint8_t a[2][BM * KT * 64];
	uint8_t b[2][KT * BN * 64];
	uint8_t c16[BM * BN * 128];
	struct d1_dma_desc da[2][BM + KT];	/* A tile rows, B tile rows */
	struct d1_dma_desc dc[2 * BM];
};

static struct region *region(unsigned int hart)
{
	return hart_region(hart, sizeof(struct region));
}

#define C4(op, p, off, r0, r1, r2, r3) do { \
	op(r0, p, (off)); op(r1, p, (off) + 64); \
	op(r2, p, (off) + 128); op(r3, p, (off) + 192); \
} while (0)
#define ZERO(v, p, off)	d1_vsplat(D1_T_FP32, v, 0)

/* C tiles (0,0) (0,1) at c0, (1,0) (1,1) at c1 += A tile rows a, a +
 * KT tiles times B tiles b, b + 1, over kt k tiles. */
static void tile2x2(const uint8_t *a, const uint8_t *b, uint8_t *c0,
		    uint8_t *c1, uint32_t kt, int first)
{
	const uint8_t *end = a + kt * 64;

	if (first) {
		C4(ZERO, c0, 0, 0, 1, 2, 3); C4(ZERO, c0, 256, 4, 5, 6, 7);
		C4(ZERO, c1, 0, 8, 9, 10, 11); C4(ZERO, c1, 256, 12, 13, 14, 15);
	} else {
		C4(d1_vld_at, c0, 0, 0, 1, 2, 3);
		C4(d1_vld_at, c0, 256, 4, 5, 6, 7);
		C4(d1_vld_at, c1, 0, 8, 9, 10, 11);
		C4(d1_vld_at, c1, 256, 12, 13, 14, 15);
	}
	for (; a < end; a += 64, b += BN * 64) {
		d1_vld_at(16, a, 0);
		d1_vld_at(17, a, KT * 64);
		d1_vld_at(18, b, 0);
		d1_vld_at(19, b, 64);
		d1_vmma(D1_T_BF16, 0, 16, 18);
		d1_vmma(D1_T_BF16, 4, 16, 19);
		d1_vmma(D1_T_BF16, 8, 17, 18);
		d1_vmma(D1_T_BF16, 12, 17, 19);
	}
	C4(d1_vst_at, c0, 0, 0, 1, 2, 3); C4(d1_vst_at, c0, 256, 4, 5, 6, 7);
	C4(d1_vst_at, c1, 0, 8, 9, 10, 11); C4(d1_vst_at, c1, 256, 12, 13, 14, 15);
}

/* One C tile (the odd row or column of a block). */
static void tile1x1(const uint8_t *a, const uint8_t *b, uint8_t *c,
		    uint32_t kt, int first)
{
	const uint8_t *end = a + kt * 64;

	if (first)
		C4(ZERO, c, 0, 0, 1, 2, 3);
	else
		C4(d1_vld_at, c, 0, 0, 1, 2, 3);
	for (; a < end; a += 64, b += BN * 64) {
		d1_vld_at(16, a, 0);
		d1_vld_at(18, b, 0);
		d1_vmma(D1_T_BF16, 0, 16, 18);
	}
	C4(d1_vst_at, c, 0, 0, 1, 2, 3);
}

/* 64 FP32 at c -> 64 BF16 at o, stochastic rounding. */
static void to_bf16_sr(const uint8_t *c, uint8_t *o)
{
	C4(d1_vld_at, c, 0, 8, 9, 10, 11);
	d1_vcvt(D1_T_FP32, D1_T_BF16, 0, 1, 12, 8);
	d1_vcvt(D1_T_FP32, D1_T_BF16, 1, 1, 12, 9);
	d1_vcvt(D1_T_FP32, D1_T_BF16, 0, 1, 13, 10);
	d1_vcvt(D1_T_FP32, D1_T_BF16, 1, 1, 13, 11);
	d1_vst(12, o);
	d1_vst_at(13, o, 64);
}

int d1_main(void *argp, unsigned int hart)
{
	const struct gemm_args *g = argp;
	struct region *r = region(hart);
	uint32_t harts = d1_nharts();
	uint64_t workers = (uint64_t)d1_grid_nodes() * harts;
	uint64_t mt = g->m / 8, nt = g->n / 8, kt = g->k / 4;
	uint64_t mb = (mt + BM - 1) / BM, nb = (nt + BN - 1) / BN;
	uint64_t nk = (kt + KT - 1) / KT, blk, c_tag = 0;

	for (blk = d1_node_id() * harts + hart; blk < mb * nb; blk += workers) {
		uint64_t m0 = blk / nb * BM, n0 = blk % nb * BN, kk;
		uint32_t bm = mt - m0 < BM ? (uint32_t)(mt - m0) : BM;
		uint32_t bn = nt - n0 < BN ? (uint32_t)(nt - n0) : BN;
		uint64_t tag[2] = { 0, 0 };
		uint32_t i, j;

		for (kk = 0; kk <= nk; kk++) {
			unsigned int buf = kk & 1;

			if (kk < nk) {	/* fetch chunk kk */
				uint64_t k0 = kk * KT;
				uint32_t kc = kt - k0 < KT ? (uint32_t)(kt - k0) : KT;
				struct d1_dma_desc *d;

				d = d1_dma_rows(r->da[buf], D1_DMA_HBM_TO_SRAM,
						(uintptr_t)r->a[buf], KT * 64,
						g->a + (m0 * kt + k0) * 64, kt * 64,
						kc * 64, bm);
				d = d1_dma_rows(d, D1_DMA_HBM_TO_SRAM,
						(uintptr_t)r->b[buf], BN * 64,
						g->b + (k0 * nt + n0) * 64, nt * 64,
						bn * 64, kc);
				d[-1].kind &= ~D1_DMA_LIST;
				tag[buf] = d1_dma_start(r->da[buf]);
				if (STEP < 3)
					d1_dma_wait(tag[buf]);
			}
			if (kk == 0) {
				if (c_tag)	/* the last block is on its way out */
					d1_dma_wait(c_tag);
				continue;
			}
			{	/* multiply chunk kk - 1 */
				unsigned int p = buf ^ 1;
				uint64_t k0 = (kk - 1) * KT;
				uint32_t kc = kt - k0 < KT ? (uint32_t)(kt - k0) : KT;
				int first = kk == 1;

				d1_dma_wait(tag[p]);
				for (i = 0; STEP >= 2 && i + 2 <= bm; i += 2) {
					for (j = 0; j + 2 <= bn; j += 2)
						tile2x2(&r->a[p][i * KT * 64],
							&r->b[p][j * 64],
							&r->c[(i * BN + j) * 256],
							&r->c[((i + 1) * BN + j) * 256],
							kc, first);
					for (; j < bn; j++) {
						tile1x1(&r->a[p][i * KT * 64],
							&r->b[p][j * 64],
							&r->c[(i * BN + j) * 256], kc, first);
						tile1x1(&r->a[p][(i + 1) * KT * 64],
							&r->b[p][j * 64],
							&r->c[((i + 1) * BN + j) * 256], kc,
							first);
					}
				}
				for (; i < bm; i++)
					for (j = 0; j < bn; j++)
						tile1x1(&r->a[p][i * KT * 64],
							&r->b[p][j * 64],
							&r->c[(i * BN + j) * 256], kc, first);
			}
		}
		{	/* C block out: one descriptor per tile row */
			struct d1_dma_desc *d;

			d = d1_dma_rows(r->dc, D1_DMA_SRAM_TO_HBM,
					g->c + (m0 * nt + n0) * 256, nt * 256,
					(uintptr_t)r->c, BN * 256, bn * 256, bm);

			if (g->sr_out) {
				for (i = 0; i < bm; i++)
					for (j = 0; j < bn; j++)
						to_bf16_sr(&r->c[(i * BN + j) * 256],
							   &r->c16[(i * BN + j) * 128]);
				d = d1_dma_rows(d, D1_DMA_SRAM_TO_HBM,
						g->c16 + (m0 * nt + n0) * 128,
						nt * 128, (uintptr_t)r->c16,
						BN * 128, bn * 128, bm);
			}
			d[-1].kind &= ~D1_DMA_LIST;
			c_tag = d1_dma_start(r->dc);
		}
	}
	if (c_tag)
		d1_dma_wait(c_tag);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * SGEMM: C = A B in FP32, row-major in HBM (A M x K, B K x N, C M x N),
 * M a multiple of 4, N of 16.
 *
 * C is cut into blocks of up to BM x BN, dealt out round-robin to every
 * hart of every node.  A hart works on its block out of its own SRAM
 * region: the K dimension streams in chunks of KC, the A rows (bm x kc)
 * and B rows (kc x bn) of one chunk arriving by list DMA (one descriptor
 * per row: the strided copy) into one pair of buffers while the chunk
 * before is multiplied out of the other pair (double buffering).  The
 * micro-kernel keeps a 4 x 64 tile of C in 16 vector registers; per k it
 * broadcasts four elements of A (vldbc.32) and loads four vectors of B,
 * then runs 16 vfma - 16 FMAs per 8 loads.
 */
#define BM	64
#define BN	256
#define KC	64

#define D1_GEMM_LDA	KC
#define D1_GEMM_LDB	BN
#include <d1/device/d1_gemm.h>

#include "kargs.h"
#include "kmm.h"

/* The steps of the kernel-writing guide (kernels.rst), for make bench:
 * 1 4 x 16 tiles of C, each K chunk waited for as soon as it is asked
 * for; 2 4 x 64 tiles in 16 registers; 3 (default) the next chunk
 * fetched while this one is multiplied. */
#ifndef STEP
#define STEP 3
#endif

/* A hart's SRAM region, above the image. */
struct region {
	float c[BM * BN];
	float a[2][BM * KC];
	float b[2][KC * BN];
	struct d1_dma_desc da[2][BM + KC];	/* A rows, then B rows */
	struct d1_dma_desc dc[BM];
};

static struct region *region(unsigned int hart)
{
	return hart_region(hart, sizeof(struct region));
}

int d1_main(void *argp, unsigned int hart)
{
	const struct gemm_args *g = argp;
	struct region *r = region(hart);
	uint32_t harts = d1_nharts();
	uint64_t workers = (uint64_t)d1_grid_nodes() * harts;
	uint64_t mb = (g->m + BM - 1) / BM, nb = (g->n + BN - 1) / BN;
	uint64_t nk = (g->k + KC - 1) / KC, blk, c_tag = 0;

	for (blk = d1_node_id() * harts + hart; blk < mb * nb; blk += workers) {
		uint64_t m0 = blk / nb * BM, n0 = blk % nb * BN, kk;
		uint32_t bm = g->m - m0 < BM ? (uint32_t)(g->m - m0) : BM;
		uint32_t bn = g->n - n0 < BN ? (uint32_t)(g->n - n0) : BN;
		uint64_t tag[2] = { 0, 0 };

		for (kk = 0; kk <= nk; kk++) {
			unsigned int buf = kk & 1;

			if (kk < nk) {	/* fetch chunk kk */
				uint64_t k0 = kk * KC;
				uint32_t kc = g->k - k0 < KC ? (uint32_t)(g->k - k0) : KC;
				struct d1_dma_desc *d;

				d = d1_dma_rows(r->da[buf], D1_DMA_HBM_TO_SRAM,
						(uintptr_t)r->a[buf], KC * 4,
						g->a + (m0 * g->k + k0) * 4, g->k * 4,
						kc * 4, bm);
				d = d1_dma_rows(d, D1_DMA_HBM_TO_SRAM,
						(uintptr_t)r->b[buf], BN * 4,
						g->b + (k0 * g->n + n0) * 4, g->n * 4,
						bn * 4, kc);
				d[-1].kind &= ~D1_DMA_LIST;
				tag[buf] = d1_dma_start(r->da[buf]);
				if (STEP < 3)
					d1_dma_wait(tag[buf]);
			}
			if (kk == 0) {
				/* the last block's C is on its way out */
				if (c_tag)
					d1_dma_wait(c_tag);
				continue;
			}
			{	/* multiply chunk kk - 1 */
				unsigned int prev = buf ^ 1;
				uint64_t k0 = (kk - 1) * KC;
				uint32_t kc = g->k - k0 < KC ? (uint32_t)(g->k - k0) : KC;
				uint32_t i, j;

				d1_dma_wait(tag[prev]);
				for (i = 0; i < bm; i += 4) {
					for (j = 0; STEP >= 2 && j + 64 <= bn; j += 64)
						d1_gemm_f32_4x64(&r->a[prev][i * KC],
								 &r->b[prev][j],
								 &r->c[i * BN + j], kc,
								 kk == 1);
					for (; j < bn; j += 16)
						d1_gemm_f32_4x16(&r->a[prev][i * KC],
								 &r->b[prev][j],
								 &r->c[i * BN + j], kc,
								 kk == 1);
				}
			}
		}
		{	/* C block out */
			struct d1_dma_desc *d;

			d = d1_dma_rows(r->dc, D1_DMA_SRAM_TO_HBM,
					g->c + (m0 * g->n + n0) * 4, g->n * 4,
					(uintptr_t)r->c, BN * 4, bn * 4, bm);

			d[-1].kind &= ~D1_DMA_LIST;
			c_tag = d1_dma_start(r->dc);
		}
	}
	if (c_tag)
		d1_dma_wait(c_tag);
	return 0;
}

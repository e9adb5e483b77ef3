// SPDX-License-Identifier: MIT
/*
 * SGEMM: C = alpha * A B + beta * C, FP32, row-major; M a multiple of 4,
 * N of 16.
 *
 * C is cut into blocks of up to BM x BN, dealt out round-robin to the
 * nodes of the launch.  A node works on a block out of SRAM: the K
 * dimension streams in chunks of KC, the A rows (bm x kc) and B rows
 * (kc x bn) of one chunk arriving by list DMA (one descriptor per row)
 * into one pair of buffers while the chunk before is multiplied out of
 * the other (double buffering).  The micro-kernel keeps a 4 x 64 tile of
 * C in 16 vector registers: per k, four broadcasts of A (vldbc.32), four
 * vectors of B, 16 vfma.  Then C = alpha * AB + beta * C, and the block
 * goes out by DMA while the next one comes in.
 */
#include <d1/device/d1_launch.h>

#define BM	64
#define BN	128
#define KC	64

#define D1_GEMM_LDA	KC
#define D1_GEMM_LDB	BN
#include <d1/device/d1_gemm.h>

static float acc[BM * BN];		/* A B of the block */
static float cin[BM * BN];		/* C of the block, then the result */
static float sa[2][BM * KC];
static float sb[2][KC * BN];
static struct d1_dma_desc da[2][BM + KC], dc[BM];

D1_KERNEL(sgemm, (d1_devptr, a), (d1_devptr, b), (d1_devptr, c),
	  (uint32_t, m), (uint32_t, n), (uint32_t, k), (float, alpha),
	  (float, beta))
{
	uint32_t mb = (m + BM - 1) / BM, nb = (n + BN - 1) / BN;
	uint32_t nk = (k + KC - 1) / KC, blk;
	union { float f; uint32_t u; } al = { alpha }, be = { beta };
	uint64_t c_tag = 0;

	if (d1_hart_id())
		return;
	if (m % 4 || n % 16 || !k) {
		d1_printf("sgemm: %ux%ux%u: M must be a multiple of 4, N of 16\n",
			  m, n, k);
		d1_exit(2);
	}
	for (blk = d1_launch_rank(); blk < mb * nb; blk += d1_launch_size()) {
		uint32_t m0 = blk / nb * BM, n0 = blk % nb * BN, kk, i, j;
		uint32_t bm = m - m0 < BM ? m - m0 : BM;
		uint32_t bn = n - n0 < BN ? n - n0 : BN;
		uint64_t tag[2] = { 0, 0 };

		for (kk = 0; kk <= nk; kk++) {
			unsigned int buf = kk & 1;

			if (kk < nk) {	/* fetch chunk kk (and C with the first) */
				uint32_t k0 = kk * KC, kc = k - k0 < KC ? k - k0 : KC;
				struct d1_dma_desc *d = da[buf];

				if (!kk) {	/* the last block's C is out */
					if (c_tag)
						d1_dma_wait(c_tag);
					d = d1_dma_rows(dc, D1_DMA_HBM_TO_SRAM,
							(uintptr_t)cin, BN * 4,
							c.addr + ((uint64_t)m0 * n + n0) * 4,
							(uint64_t)n * 4, bn * 4, bm);
					d[-1].kind &= ~D1_DMA_LIST;
					d1_dma_start(dc);
					d = da[buf];
				}
				d = d1_dma_rows(d, D1_DMA_HBM_TO_SRAM,
						(uintptr_t)sa[buf], KC * 4,
						a.addr + ((uint64_t)m0 * k + k0) * 4,
						(uint64_t)k * 4, kc * 4, bm);
				d = d1_dma_rows(d, D1_DMA_HBM_TO_SRAM,
						(uintptr_t)sb[buf], BN * 4,
						b.addr + ((uint64_t)k0 * n + n0) * 4,
						(uint64_t)n * 4, bn * 4, kc);
				d[-1].kind &= ~D1_DMA_LIST;
				tag[buf] = d1_dma_start(da[buf]);
			}
			if (!kk)
				continue;
			{	/* multiply chunk kk - 1 */
				unsigned int p = buf ^ 1;
				uint32_t k0 = (kk - 1) * KC;
				uint32_t kc = k - k0 < KC ? k - k0 : KC;

				d1_dma_wait(tag[p]);
				for (i = 0; i < bm; i += 4) {
					for (j = 0; j + 64 <= bn; j += 64)
						d1_gemm_f32_4x64(&sa[p][i * KC],
								 &sb[p][j],
								 &acc[i * BN + j], kc,
								 kk == 1);
					for (; j < bn; j += 16)
						d1_gemm_f32_4x16(&sa[p][i * KC],
								 &sb[p][j],
								 &acc[i * BN + j], kc,
								 kk == 1);
				}
			}
		}
		/* C = alpha * AB + beta * C, then out */
		d1_vsplat(D1_T_FP32, 30, al.u);
		d1_vsplat(D1_T_FP32, 31, be.u);
		for (i = 0; i < bm; i++)
			for (j = 0; j < bn; j += 16) {
				d1_vld(1, &acc[i * BN + j]);
				d1_vld(2, &cin[i * BN + j]);
				d1_vmul(D1_T_FP32, 2, 2, 31);
				d1_vfma(D1_T_FP32, 2, 1, 30, 2);
				d1_vst(2, &cin[i * BN + j]);
			}
		d1_dma_rows(dc, D1_DMA_SRAM_TO_HBM,
			    c.addr + ((uint64_t)m0 * n + n0) * 4, (uint64_t)n * 4,
			    (uintptr_t)cin, BN * 4, bn * 4, bm)[-1].kind &= ~D1_DMA_LIST;
		c_tag = d1_dma_start(dc);
	}
	if (c_tag)
		d1_dma_wait(c_tag);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Whole clang-built kernels on small grids against host references:
 * vector add, SGEMM and BF16 matmul (8x8x4 unit, plus stochastic BF16
 * output) through DMA from a host-simulated HBM; mesh ring all-reduce,
 * semaphore ping-pong, barriers, SMT harts, pull and list DMA; results
 * bit-identical for any host thread count.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/kargs.h"
#include "kselftest_harness.h"
#include "node_harness.h"

static uint64_t lcg = 1;

static uint32_t rnd(void)
{
	lcg = lcg * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(lcg >> 33);
}

static float rndf(void)
{
	return (float)((int)(rnd() % 20001) - 10000) / 1024.0f;
}

static uint32_t f2u(float f)
{
	uint32_t u;

	memcpy(&u, &f, 4);
	return u;
}

static float u2f(uint32_t u)
{
	float f;

	memcpy(&f, &u, 4);
	return f;
}

static int run(struct d1_grid *g, const void *args, uint32_t size,
	       uint32_t harts, struct hbm *h, struct d1_launch_result *res)
{
	struct d1_launch l = { 0 };

	l.args = args;
	l.args_size = size;
	l.harts = harts;
	l.budget = 50000000;
	l.quantum = 256;
	l.mem = &hbm_ops;
	l.mem_opaque = h;
	return d1_grid_run(g, &l, res, NULL, 0);
}

static void vadd_on(struct __test_metadata *_metadata, uint32_t rows,
		    uint32_t cols, uint32_t harts, uint32_t threads)
{
	uint32_t nodes = rows * cols, n = nodes * harts * 16 * 37, i;
	struct hbm *h = hbm_new(3 * (uint64_t)n * 4);
	struct d1_grid *g = grid_with_kernel(rows, cols, threads, "vadd");
	struct vadd_args a = { HBM_BASE, HBM_BASE + n * 4, HBM_BASE + 2 * n * 4, n };
	struct d1_launch_result res;
	float *x = (float *)h->mem, *y = x + n, *z = y + n;

	ASSERT_NE(NULL, g);
	for (i = 0; i < n; i++) {
		x[i] = rndf();
		y[i] = rndf() * 3.3f;
	}
	ASSERT_EQ(0, run(g, &a, sizeof(a), harts, h, &res));
	EXPECT_EQ(nodes, res.exited);
	for (i = 0; i < n; i++)
		if (f2u(z[i]) != f2u(x[i] + y[i])) {
			TH_LOG("elem %u: %a != %a + %a", i, z[i], x[i], y[i]);
			EXPECT_EQ(f2u(x[i] + y[i]), f2u(z[i]));
			break;
		}
	EXPECT_EQ((uint64_t)n * 8, h->bytes_read);
	EXPECT_EQ((uint64_t)n * 4, h->bytes_written);
	d1_grid_destroy(g);
	hbm_free(h);
}

TEST(vector_add_1x1)
{
	vadd_on(_metadata, 1, 1, 1, 1);
}

TEST(vector_add_2x3_two_harts_two_threads)
{
	vadd_on(_metadata, 2, 3, 2, 2);
}

static void sgemm_on(struct __test_metadata *_metadata, uint32_t rows,
		     uint32_t cols, uint32_t m, uint32_t n, uint32_t k)
{
	struct hbm *h = hbm_new(((uint64_t)m * k + k * n + m * n) * 4);
	struct d1_grid *g = grid_with_kernel(rows, cols, 2, "sgemm");
	struct gemm_args a = { HBM_BASE, HBM_BASE + m * k * 4,
			       HBM_BASE + (m * k + k * n) * 4, m, n, k, 0, 0 };
	float *A = (float *)h->mem, *B = A + m * k, *C = B + k * n;
	uint32_t i, j, q, bad = 0;

	ASSERT_NE(NULL, g);
	for (i = 0; i < m * k; i++)
		A[i] = rndf();
	for (i = 0; i < k * n; i++)
		B[i] = rndf();
	ASSERT_EQ(0, run(g, &a, sizeof(a), 1, h, NULL));
	for (i = 0; i < m; i++)
		for (j = 0; j < n; j++) {
			float c = 0;

			for (q = 0; q < k; q++)
				c = fmaf(A[i * k + q], B[q * n + j], c);
			if (f2u(c) != f2u(C[i * n + j]) && bad++ < 3)
				TH_LOG("C[%u][%u] = %a, want %a", i, j, C[i * n + j], c);
		}
	EXPECT_EQ(0u, bad);
	d1_grid_destroy(g);
	hbm_free(h);
}

TEST(sgemm_1x1_32x32x32)
{
	sgemm_on(_metadata, 1, 1, 32, 32, 32);
}

TEST(sgemm_2x2_64x80x40)
{
	sgemm_on(_metadata, 2, 2, 64, 80, 40);	/* 64-wide blocks + a 16 */
}

TEST(sgemm_3x1_40x16x7)
{
	sgemm_on(_metadata, 3, 1, 40, 16, 7);
}

static uint16_t to_bf16(float f)
{
	uint32_t u = f2u(f);

	return (uint16_t)((u + 0x7fff + ((u >> 16) & 1)) >> 16);
}

static float bf16f(uint16_t b)
{
	return u2f((uint32_t)b << 16);
}

static void bf16mm_on(struct __test_metadata *_metadata, uint32_t rows,
		      uint32_t cols, uint32_t m, uint32_t n, uint32_t k,
		      uint32_t threads)
{
	uint64_t asz = (uint64_t)m * k * 2, bsz = (uint64_t)k * n * 2;
	uint64_t csz = (uint64_t)m * n * 4;
	struct hbm *h = hbm_new(asz + bsz + csz + csz / 2);
	struct d1_grid *g = grid_with_kernel(rows, cols, threads, "bf16mm");
	struct gemm_args a = { HBM_BASE, HBM_BASE + asz, HBM_BASE + asz + bsz,
			       m, n, k, 1, HBM_BASE + asz + bsz + csz };
	uint16_t *A = malloc(asz), *B = malloc(bsz);
	uint8_t *pa = h->mem, *pb = pa + asz, *pc = pb + bsz, *pc16 = pc + csz;
	uint32_t i, j, q, bad = 0, up = 0, down = 0;

	ASSERT_NE(NULL, g);
	for (i = 0; i < m * k; i++)
		A[i] = to_bf16(rndf());
	for (i = 0; i < k * n; i++)
		B[i] = to_bf16(rndf());
	/* pack tiles: A [m/8][k/4] of 8x4, B [k/4][n/8] of 4x8 */
	for (i = 0; i < m; i++)
		for (q = 0; q < k; q++)
			memcpy(pa + (((i / 8) * (k / 4) + q / 4) * 32 +
				     (i % 8) * 4 + q % 4) * 2, &A[i * k + q], 2);
	for (q = 0; q < k; q++)
		for (j = 0; j < n; j++)
			memcpy(pb + (((q / 4) * (n / 8) + j / 8) * 32 +
				     (q % 4) * 8 + j % 8) * 2, &B[q * n + j], 2);
	ASSERT_EQ(0, run(g, &a, sizeof(a), 1, h, NULL));
	for (i = 0; i < m; i++)
		for (j = 0; j < n; j++) {
			uint64_t tile = (i / 8) * (n / 8) + j / 8;
			uint32_t e = (i % 8) * 8 + j % 8, got;
			uint16_t g16;
			float c = 0, gf, lo, hi;

			/* FP32 accumulation, one fused multiply-add per k */
			for (q = 0; q < k; q++)
				c = fmaf(bf16f(A[i * k + q]), bf16f(B[q * n + j]), c);
			memcpy(&got, pc + tile * 256 + e * 4, 4);
			if (got != f2u(c) && bad++ < 3)
				TH_LOG("C[%u][%u] = %a, want %a", i, j, u2f(got), c);
			/* SR output: one of the two BF16 neighbours of c */
			memcpy(&g16, pc16 + tile * 128 + e * 2, 2);
			gf = bf16f(g16);
			lo = bf16f((uint16_t)(f2u(c) >> 16));
			hi = bf16f((uint16_t)((f2u(c) >> 16) + 1));
			if (gf != c) {
				if (gf == lo)
					down++;
				else if (gf == hi)
					up++;
				else if (bad++ < 3)
					TH_LOG("SR C[%u][%u] = %a not next to %a", i, j, gf, c);
			}
		}
	EXPECT_EQ(0u, bad);
	/* both directions occur (values are not multiples of the BF16 ulp) */
	EXPECT_LT(m * n / 8, up);
	EXPECT_LT(m * n / 8, down);
	free(A);
	free(B);
	d1_grid_destroy(g);
	hbm_free(h);
}

TEST(bf16_matmul_1x1_16x16x16)
{
	bf16mm_on(_metadata, 1, 1, 16, 16, 16, 1);
}

TEST(bf16_matmul_2x2_64x32x48)
{
	bf16mm_on(_metadata, 2, 2, 64, 32, 48, 2);
}

TEST(bf16_matmul_1x3_40x24x8)
{
	bf16mm_on(_metadata, 1, 3, 40, 24, 8, 3);
}

/* Several K chunks (the last one short) through both DMA buffers, odd
 * tile counts left over from the blocks in M and N. */
TEST(bf16_matmul_2x1_136x136x144)
{
	bf16mm_on(_metadata, 2, 1, 136, 136, 144, 2);
}

/* ---------------------------------------------------- mesh and sync */

TEST(ring_allreduce_over_the_mesh)
{
	static const uint32_t shapes[][2] = { { 1, 2 }, { 2, 3 }, { 4, 4 } };
	unsigned int s;

	for (s = 0; s < 3; s++) {
		uint32_t rows = shapes[s][0], cols = shapes[s][1], nodes = rows * cols;
		struct d1_grid *g = grid_with_kernel(rows, cols, 2, "sync");
		struct sync_args a = { SYNC_RING, 0, 64 };
		struct d1_launch_result res;
		int32_t want[64] = { 0 };
		uint32_t node, i;

		ASSERT_NE(NULL, g);
		for (node = 0; node < nodes; node++) {
			int32_t *acc = node_ptr(g, node, KDATA_OUT);

			for (i = 0; i < 64; i++) {
				acc[i] = (int32_t)(rnd() % 100000) - 50000;
				want[i] += acc[i];
			}
		}
		ASSERT_EQ(0, run(g, &a, sizeof(a), 1, NULL, &res));
		EXPECT_EQ(nodes, res.exited);
		for (node = 0; node < nodes; node++) {
			EXPECT_EQ(0, memcmp(want, node_ptr(g, node, KDATA_OUT),
					    sizeof(want)));
			EXPECT_EQ((nodes - 1) * 256u, d1_grid_report(g, node)->dma_bytes);
		}
		d1_grid_destroy(g);
	}
}

TEST(semaphore_ping_pong)
{
	struct d1_grid *g = grid_with_kernel(1, 2, 1, "sync");
	struct sync_args a = { SYNC_PINGPONG, 25, 0 };
	struct d1_launch_result res;

	ASSERT_NE(NULL, g);
	ASSERT_EQ(0, run(g, &a, sizeof(a), 1, NULL, &res));
	EXPECT_EQ(2u, res.exited);
	EXPECT_EQ(50, d1_grid_report(g, 0)->exit_code);
	EXPECT_EQ(50, d1_grid_report(g, 1)->exit_code);
	/* each hop costs at least one epoch of waiting */
	EXPECT_LE(50u, res.epochs);
	d1_grid_destroy(g);
}

TEST(grid_barrier_phases_with_smt)
{
	struct d1_grid *g = grid_with_kernel(2, 2, 2, "sync");
	struct sync_args a = { SYNC_BARRIER, 6, 0 };
	uint64_t p, id, h;

	ASSERT_NE(NULL, g);
	ASSERT_EQ(0, run(g, &a, sizeof(a), 3, NULL, NULL));
	for (p = 0; p < 6; p++) {
		uint64_t want = 0, got;

		for (id = 0; id < 4; id++)
			for (h = 0; h < 3; h++)
				want += (p + 1) * 1000 + id * 10 + h;
		memcpy(&got, (uint8_t *)node_ptr(g, 0, KDATA_OUT) + p * 8, 8);
		EXPECT_EQ(want, got);
	}
	for (id = 0; id < 4; id++)
		EXPECT_EQ(D1_NODE_EXITED, d1_grid_report(g, id)->status);
	d1_grid_destroy(g);
}

TEST(four_smt_harts_share_sram)
{
	struct d1_grid *g = grid_with_kernel(1, 2, 1, "sync");
	struct sync_args a = { SYNC_SMT, 0, 0 };
	uint64_t want = 0, got, i;

	ASSERT_NE(NULL, g);
	for (i = 1; i <= 4096; i++)
		want += i * i;
	ASSERT_EQ(0, run(g, &a, sizeof(a), 4, NULL, NULL));
	for (i = 0; i < 2; i++) {
		memcpy(&got, node_ptr(g, (uint32_t)i, KDATA_OUT), 8);
		EXPECT_EQ(want, got);
	}
	d1_grid_destroy(g);
}

TEST(pull_and_list_dma)
{
	struct d1_grid *g = grid_with_kernel(1, 3, 1, "sync");
	struct sync_args a = { SYNC_PULL, 0, 100 };
	uint32_t node, i;

	ASSERT_NE(NULL, g);
	for (node = 0; node < 3; node++)
		for (i = 0; i < 256; i++)
			((uint8_t *)node_ptr(g, node, KDATA_OUT))[i] = (uint8_t)(node * 50 + i);
	ASSERT_EQ(0, run(g, &a, sizeof(a), 1, NULL, NULL));
	for (node = 0; node < 3; node++)
		EXPECT_EQ(0, memcmp(node_ptr(g, node, KDATA_IN),
				    node_ptr(g, (node + 2) % 3, KDATA_OUT), 400));
	a.mode = SYNC_LIST;
	ASSERT_EQ(0, run(g, &a, sizeof(a), 1, NULL, NULL));
	for (node = 0; node < 3; node++)
		for (i = 0; i < 4; i++)
			EXPECT_EQ(0, memcmp((uint8_t *)node_ptr(g, node, KDATA_IN) + i * 64,
					    (uint8_t *)node_ptr(g, node, KDATA_OUT) + (3 - i) * 64,
					    64));
	d1_grid_destroy(g);
}

/* The same launches with 1 and 4 host threads: identical reports
 * (instret, cycles, DMA bytes) and identical SRAM. */
TEST(bit_identical_for_any_thread_count)
{
	static const char *const kernels[] = { "sync", "bf16mm" };
	unsigned int kk;

	for (kk = 0; kk < 2; kk++) {
		struct d1_grid *g[2];
		struct hbm *h[2];
		unsigned int t, node;

		for (t = 0; t < 2; t++) {
			struct sync_args sa = { SYNC_RING, 0, 64 };
			struct gemm_args ga = { HBM_BASE, HBM_BASE + 64 * 32 * 2,
						HBM_BASE + 2 * 64 * 32 * 2, 64, 32, 32,
						1, HBM_BASE + 0x10000 };

			g[t] = grid_with_kernel(3, 3, t ? 4 : 1, kernels[kk]);
			ASSERT_NE(NULL, g[t]);
			h[t] = hbm_new(0x20000);
			lcg = 5;
			for (node = 0; node < 9; node++) {
				uint32_t *p = node_ptr(g[t], node, KDATA_OUT), i;

				for (i = 0; i < 64; i++)
					p[i] = rnd();
			}
			for (node = 0; node < 0x20000 / 4; node++)
				((uint32_t *)h[t]->mem)[node] = rnd() & 0x3f7f3f7f;
			if (kk == 0) {
				ASSERT_EQ(0, run(g[t], &sa, sizeof(sa), 2, h[t], NULL));
			} else {
				ASSERT_EQ(0, run(g[t], &ga, sizeof(ga), 1, h[t], NULL));
			}
		}
		for (node = 0; node < 9; node++) {
			const struct d1_node_report *r0 = d1_grid_report(g[0], node);
			const struct d1_node_report *r1 = d1_grid_report(g[1], node);

			EXPECT_EQ(D1_NODE_EXITED, r0->status);
			EXPECT_EQ(0, memcmp(r0, r1, sizeof(*r0)));
			EXPECT_EQ(0, memcmp(d1_grid_sram(g[0], node),
					    d1_grid_sram(g[1], node), D1_SRAM_SIZE));
		}
		EXPECT_EQ(0, memcmp(h[0]->mem, h[1]->mem, 0x20000));
		for (t = 0; t < 2; t++) {
			d1_grid_destroy(g[t]);
			hbm_free(h[t]);
		}
	}
}

TEST_HARNESS_MAIN

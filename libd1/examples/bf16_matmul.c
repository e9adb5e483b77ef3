// SPDX-License-Identifier: MIT
/*
 * bf16_matmul: C = A B (M=N=64, K=256) with BF16 inputs on the 8x8x4
 * matrix unit, the FP32 inputs rounded to BF16 on the device with
 * stochastic rounding.  Checked against the exact product: every element
 * within the BF16 error bound, and the mean error (the bias) much smaller
 * than the typical error, as stochastic rounding promises.
 */
#include <math.h>

#include "common.h"

enum { M = 64, N = 64, K = 256 };

static float A[M * K], B[K * N], C[M * N];
static float Ap[M * K], Bp[K * N], Cp[M * N];

/* @f rounded to BF16, to nearest even (host reference). */
static float bf16_rne(float f)
{
	uint32_t u;

	memcpy(&u, &f, 4);
	u = (u + 0x7fff + ((u >> 16) & 1)) & 0xffff0000u;
	memcpy(&f, &u, 4);
	return f;
}

int main(void)
{
	struct d1_launch_config cfg = { .cols = 4, .rows = 2,
					 .flags = D1_LAUNCH_CHECK_EXIT };
	double sum_err = 0, sum_abs = 0, worst = 0, rne_bias = 0;
	d1_buffer *da, *db, *dc;
	d1_event *e0, *e1;
	d1_program *prog;
	d1_device *dev;
	d1_stream *s;
	d1_kernel *k;
	int i, j, kk, bad = 0;
	float ms;

	/*
	 * Values in [1, 1 + 0.45 ulp): BF16 keeps 8 significant bits, so
	 * round-to-nearest turns every one into 1.0 (always low), while
	 * stochastic rounding goes up with probability 0.45 * frac.
	 */
	for (i = 0; i < M * K; i++)
		A[i] = 1.0f + (float)((i * 7919) % 1000) / 1000.0f * 0.45f * 0.0078125f;
	for (i = 0; i < K * N; i++)
		B[i] = 1.0f + (float)((i * 104729) % 1000) / 1000.0f * 0.45f * 0.0078125f;
	/* Pack into tiles. */
	for (i = 0; i < M; i++)
		for (kk = 0; kk < K; kk++)
			Ap[((i / 8) * (K / 4) + kk / 4) * 32 + (i % 8) * 4 + kk % 4] =
				A[i * K + kk];
	for (kk = 0; kk < K; kk++)
		for (j = 0; j < N; j++)
			Bp[((kk / 4) * (N / 8) + j / 8) * 32 + (kk % 4) * 8 + j % 8] =
				B[kk * N + j];

	CHECK(d1_device_open(0, &dev));
	prog = example_program("bf16_matmul.c");
	CHECK(d1_kernel_create(prog, "bf16_matmul", &k));
	CHECK(d1_stream_create(dev, D1_STREAM_ANY_QUEUE, &s));
	CHECK(d1_event_create(dev, &e0));
	CHECK(d1_event_create(dev, &e1));
	CHECK(d1_buffer_create(dev, sizeof(Ap), D1_MEM_HBM, 0, &da));
	CHECK(d1_buffer_create(dev, sizeof(Bp), D1_MEM_HBM, 0, &db));
	CHECK(d1_buffer_create(dev, sizeof(Cp), D1_MEM_HBM, 0, &dc));
	CHECK(d1_memcpy_htod(da, 0, Ap, sizeof(Ap)));
	CHECK(d1_memcpy_htod(db, 0, Bp, sizeof(Bp)));
	CHECK(d1_kernel_set_arg_buffer(k, 0, da, 0));
	CHECK(d1_kernel_set_arg_buffer(k, 1, db, 0));
	CHECK(d1_kernel_set_arg_buffer(k, 2, dc, 0));
	CHECK(d1_kernel_set_arg_u32(k, 3, M));
	CHECK(d1_kernel_set_arg_u32(k, 4, N));
	CHECK(d1_kernel_set_arg_u32(k, 5, K));
	CHECK(d1_kernel_set_arg_u64(k, 6, 12345));
	CHECK(d1_event_record(e0, s));
	CHECK(d1_launch(s, k, &cfg));
	CHECK(d1_event_record(e1, s));
	CHECK_SYNC(s, d1_stream_synchronize(s, D1_TIMEOUT_INFINITE));
	CHECK(d1_memcpy_dtoh(Cp, dc, 0, sizeof(Cp)));
	CHECK(d1_event_elapsed_ms(e0, e1, &ms));

	for (i = 0; i < M; i++)
		for (j = 0; j < N; j++)
			C[i * N + j] = Cp[((i / 8) * (N / 8) + j / 8) * 64 +
					  (i % 8) * 8 + j % 8];
	for (i = 0; i < M; i++)
		for (j = 0; j < N; j++) {
			double ref = 0, mag = 0, rne = 0, err;

			for (kk = 0; kk < K; kk++) {
				ref += (double)A[i * K + kk] * B[kk * N + j];
				mag += fabs((double)A[i * K + kk] * B[kk * N + j]);
				rne += (double)bf16_rne(A[i * K + kk]) *
				       bf16_rne(B[kk * N + j]);
			}
			rne_bias += (rne - ref) / mag;
			err = ((double)C[i * N + j] - ref) / mag;
			/* each factor within 1 BF16 ulp (2^-7): <= ~2^-6 */
			if (fabs(err) > 1.0 / 64 || C[i * N + j] != C[i * N + j])
				bad++;
			sum_err += err;
			sum_abs += fabs(err);
			if (fabs(err) > worst)
				worst = fabs(err);
		}
	printf("bf16_matmul: %dx%dx%d BF16 (stochastic rounding) on %ux%u nodes, 8x8x4 vmma\n",
	       M, N, K, cfg.cols, cfg.rows);
	printf("bf16_matmul: C[0]=%.4f; relative error: worst %.2e, mean |err| %.2e, bias %.2e\n",
	       C[0], worst, sum_abs / (M * N), sum_err / (M * N));
	printf("bf16_matmul: round-to-nearest would have a bias of %.2e\n",
	       rne_bias / (M * N));
	printf("bf16_matmul: kernel %.3f ms device time\n", ms);
	/* Unbiased: far below round-to-nearest's bias. */
	if (fabs(sum_err) * 10 > fabs(rne_bias))
		bad++;
	printf("bf16_matmul: %s\n", bad ? "FAILED" : "PASSED");

	d1_event_destroy(e0);
	d1_event_destroy(e1);
	d1_buffer_destroy(da);
	d1_buffer_destroy(db);
	d1_buffer_destroy(dc);
	d1_stream_destroy(s);
	d1_kernel_destroy(k);
	d1_program_destroy(prog);
	d1_device_close(dev);
	return bad ? 1 : 0;
}

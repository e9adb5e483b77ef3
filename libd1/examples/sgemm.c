// SPDX-License-Identifier: MIT
/*
 * sgemm: C = alpha A B + beta C in FP32 (M=N=K=128) on a 4x2 rectangle;
 * checked against a double-precision reference on the host.
 */
#include <math.h>

#include "common.h"

enum { M = 128, N = 128, K = 128 };

static float A[M * K], B[K * N], C[M * N], R[M * N];

int main(void)
{
	struct d1_launch_config cfg = { .cols = 4, .rows = 2 };
	const float alpha = 1.5f, beta = -0.5f;
	d1_buffer *da, *db, *dc;
	d1_event *e0, *e1;
	d1_program *prog;
	d1_device *dev;
	d1_stream *s;
	d1_kernel *k;
	double maxerr = 0;
	float ms;
	int i, j, kk;

	for (i = 0; i < M * K; i++)
		A[i] = (float)((i * 37) % 101) / 50.0f - 1.0f;
	for (i = 0; i < K * N; i++)
		B[i] = (float)((i * 53) % 97) / 48.0f - 1.0f;
	for (i = 0; i < M * N; i++)
		C[i] = (float)(i % 7);
	for (i = 0; i < M; i++)
		for (j = 0; j < N; j++) {
			double acc = 0;

			for (kk = 0; kk < K; kk++)
				acc += (double)A[i * K + kk] * B[kk * N + j];
			R[i * N + j] = (float)(alpha * acc + beta * C[i * N + j]);
		}

	CHECK(d1_device_open(0, &dev));
	prog = example_program("sgemm.c");
	CHECK(d1_kernel_create(prog, "sgemm", &k));
	CHECK(d1_stream_create(dev, D1_STREAM_ANY_QUEUE, &s));
	CHECK(d1_event_create(dev, &e0));
	CHECK(d1_event_create(dev, &e1));
	CHECK(d1_buffer_create(dev, sizeof(A), D1_MEM_HBM, 0, &da));
	CHECK(d1_buffer_create(dev, sizeof(B), D1_MEM_HBM, 0, &db));
	CHECK(d1_buffer_create(dev, sizeof(C), D1_MEM_HBM, 0, &dc));
	CHECK(d1_memcpy_htod(da, 0, A, sizeof(A)));
	CHECK(d1_memcpy_htod(db, 0, B, sizeof(B)));
	CHECK(d1_memcpy_htod(dc, 0, C, sizeof(C)));
	CHECK(d1_kernel_set_arg_buffer(k, 0, da, 0));
	CHECK(d1_kernel_set_arg_buffer(k, 1, db, 0));
	CHECK(d1_kernel_set_arg_buffer(k, 2, dc, 0));
	CHECK(d1_kernel_set_arg_u32(k, 3, M));
	CHECK(d1_kernel_set_arg_u32(k, 4, N));
	CHECK(d1_kernel_set_arg_u32(k, 5, K));
	CHECK(d1_kernel_set_arg_f32(k, 6, alpha));
	CHECK(d1_kernel_set_arg_f32(k, 7, beta));
	CHECK(d1_event_record(e0, s));
	cfg.flags = D1_LAUNCH_CHECK_EXIT;
	CHECK(d1_launch(s, k, &cfg));
	CHECK(d1_event_record(e1, s));
	CHECK_SYNC(s, d1_stream_synchronize(s, D1_TIMEOUT_INFINITE));
	CHECK(d1_memcpy_dtoh(C, dc, 0, sizeof(C)));
	CHECK(d1_event_elapsed_ms(e0, e1, &ms));

	for (i = 0; i < M * N; i++) {
		double err = fabs((double)C[i] - R[i]) / (1.0 + fabs(R[i]));

		if (err > maxerr)
			maxerr = err;
	}
	printf("sgemm: %dx%dx%d FP32 on %ux%u nodes: C[0]=%g (ref %g), max rel err %.2e\n",
	       M, N, K, cfg.cols, cfg.rows, C[0], R[0], maxerr);
	printf("sgemm: kernel %.3f ms device time, %.1f MFLOP/s\n", ms,
	       ms > 0 ? 2.0 * M * N * K / (ms * 1e3) : 0.0);
	printf("sgemm: %s\n", maxerr < 1e-4 ? "PASSED" : "FAILED");

	d1_event_destroy(e0);
	d1_event_destroy(e1);
	d1_buffer_destroy(da);
	d1_buffer_destroy(db);
	d1_buffer_destroy(dc);
	d1_stream_destroy(s);
	d1_kernel_destroy(k);
	d1_program_destroy(prog);
	d1_device_close(dev);
	return maxerr < 1e-4 ? 0 : 1;
}

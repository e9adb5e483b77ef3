// SPDX-License-Identifier: MIT
/*
 * sgemm: C = alpha A B + beta C in FP32 on a rectangle of nodes, checked
 * against a double-precision reference on the host (every element, or
 * 4096 sampled ones for big shapes), with the kernel's device time and
 * GFLOPS.
 *
 *   sgemm [M N K [COLS ROWS]]     default 128 128 128 on 4 x 2 nodes
 */
#include <math.h>

#include "common.h"

/* A and B from their indices: values in [-1, 1]. */
static float a_at(uint64_t i) { return (float)((i * 37) % 101) / 50.0f - 1.0f; }
static float b_at(uint64_t i) { return (float)((i * 53) % 97) / 48.0f - 1.0f; }

int main(int argc, char **argv)
{
	struct d1_launch_config cfg = { .cols = 4, .rows = 2 };
	const float alpha = 1.5f, beta = -0.5f;
	uint32_t M = 128, N = 128, K = 128;
	uint64_t i, j, kk, samples;
	float *A, *B, *C, *C0, ms;
	d1_buffer *da, *db, *dc;
	d1_event *e0, *e1;
	d1_program *prog;
	d1_device *dev;
	d1_stream *s;
	d1_kernel *k;
	double maxerr = 0;

	if (argc >= 4) {
		M = (uint32_t)strtoul(argv[1], NULL, 0);
		N = (uint32_t)strtoul(argv[2], NULL, 0);
		K = (uint32_t)strtoul(argv[3], NULL, 0);
	}
	if (argc >= 6) {
		cfg.cols = (uint32_t)strtoul(argv[4], NULL, 0);
		cfg.rows = (uint32_t)strtoul(argv[5], NULL, 0);
	}
	if (!M || !N || !K || M % 4 || N % 16 || M > 8192 || N > 8192 ||
	    K > 8192) {
		fprintf(stderr, "sgemm: M a multiple of 4, N of 16, each at most 8192\n");
		return 2;
	}
	A = malloc((size_t)M * K * 4);
	B = malloc((size_t)K * N * 4);
	C = malloc((size_t)M * N * 4);
	C0 = malloc((size_t)M * N * 4);
	if (!A || !B || !C || !C0)
		return 1;
	for (i = 0; i < (uint64_t)M * K; i++)
		A[i] = a_at(i);
	for (i = 0; i < (uint64_t)K * N; i++)
		B[i] = b_at(i);
	for (i = 0; i < (uint64_t)M * N; i++)
		C0[i] = (float)(i % 7);

	CHECK(d1_device_open(0, &dev));
	prog = example_program("sgemm.c");
	CHECK(d1_kernel_create(prog, "sgemm", &k));
	CHECK(d1_stream_create(dev, D1_STREAM_ANY_QUEUE, &s));
	CHECK(d1_event_create(dev, &e0));
	CHECK(d1_event_create(dev, &e1));
	CHECK(d1_buffer_create(dev, (size_t)M * K * 4, D1_MEM_HBM, 0, &da));
	CHECK(d1_buffer_create(dev, (size_t)K * N * 4, D1_MEM_HBM, 0, &db));
	CHECK(d1_buffer_create(dev, (size_t)M * N * 4, D1_MEM_HBM, 0, &dc));
	CHECK(d1_memcpy_htod(da, 0, A, (size_t)M * K * 4));
	CHECK(d1_memcpy_htod(db, 0, B, (size_t)K * N * 4));
	CHECK(d1_memcpy_htod(dc, 0, C0, (size_t)M * N * 4));
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
	CHECK(d1_memcpy_dtoh(C, dc, 0, (size_t)M * N * 4));
	CHECK(d1_event_elapsed_ms(e0, e1, &ms));

	/* every element of a small C; a fixed sample of a big one */
	samples = (uint64_t)M * N * K <= 1u << 24 ? (uint64_t)M * N : 4096;
	for (kk = 0; kk < samples; kk++) {
		uint64_t e = samples == (uint64_t)M * N ? kk :
			     (kk * 2654435761u) % ((uint64_t)M * N);
		double acc = 0, r, err;

		i = e / N;
		j = e % N;
		for (uint64_t q = 0; q < K; q++)
			acc += (double)A[i * K + q] * B[q * N + j];
		r = (float)(alpha * acc + beta * C0[e]);
		err = fabs((double)C[e] - r) / (1.0 + fabs(r));
		if (err > maxerr)
			maxerr = err;
	}
	printf("sgemm: %ux%ux%u FP32 on %ux%u nodes: C[0]=%g, max rel err %.2e "
	       "over %llu elements\n", M, N, K, cfg.cols, cfg.rows, C[0], maxerr,
	       (unsigned long long)samples);
	printf("sgemm: kernel %.3f ms device time, %.2f GFLOPS\n", ms,
	       ms > 0 ? 2.0 * M * N * K / (ms * 1e6) : 0.0);
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
	free(A);
	free(B);
	free(C);
	free(C0);
	return maxerr < 1e-4 ? 0 : 1;
}

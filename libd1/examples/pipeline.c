// SPDX-License-Identifier: MIT
/*
 * pipeline: two streams overlap copies and compute.  The data goes through
 * in chunks with two device buffers per side (double buffering): the copy
 * stream uploads chunk i once the compute stream is done with the buffer
 * (event), the compute stream starts on it once it is uploaded (event) and
 * downloads the result.  Events also time the whole pipeline on the device.
 */
#include "common.h"

enum { CHUNKS = 8, CHUNK = 1 << 18, NBUF = 2 };

int main(void)
{
	struct d1_launch_config cfg = { .cols = 4, .rows = 2 };
	const size_t bytes = CHUNK * sizeof(float);
	float *in = malloc(bytes * CHUNKS), *out = malloc(bytes * CHUNKS);
	d1_event *uploaded[NBUF], *consumed[NBUF], *start, *end;
	d1_buffer *dx[NBUF], *dy[NBUF];
	d1_stream *copy, *compute;
	unsigned int qc, qk;
	d1_program *prog;
	d1_device *dev;
	d1_kernel *k;
	uint32_t i, c, bad = 0;
	double t0;
	float ms;

	if (!in || !out)
		return 1;
	for (i = 0; i < CHUNK * CHUNKS; i++)
		in[i] = (float)(i % 1000) * 0.5f;

	CHECK(d1_device_open(0, &dev));
	prog = example_program("pipeline.c");
	CHECK(d1_kernel_create(prog, "axpb", &k));
	CHECK(d1_stream_create(dev, D1_STREAM_ANY_QUEUE, &copy));
	CHECK(d1_stream_create(dev, D1_STREAM_ANY_QUEUE, &compute));
	CHECK(d1_stream_queue(copy, &qc));
	CHECK(d1_stream_queue(compute, &qk));
	CHECK(d1_event_create(dev, &start));
	CHECK(d1_event_create(dev, &end));
	for (i = 0; i < NBUF; i++) {
		CHECK(d1_buffer_create(dev, bytes, D1_MEM_HBM, 0, &dx[i]));
		CHECK(d1_buffer_create(dev, bytes, D1_MEM_HBM, 0, &dy[i]));
		CHECK(d1_event_create(dev, &uploaded[i]));
		CHECK(d1_event_create(dev, &consumed[i]));
	}
	CHECK(d1_kernel_set_arg_u32(k, 2, CHUNK));
	CHECK(d1_kernel_set_arg_f32(k, 3, 2.0f));
	CHECK(d1_kernel_set_arg_f32(k, 4, 1.0f));

	t0 = now_ms();
	CHECK(d1_event_record(start, copy));
	for (c = 0; c < CHUNKS; c++) {
		unsigned int b = c % NBUF;

		/* Upload into buffer b once chunk c-2's kernel has read it. */
		if (c >= NBUF)
			CHECK(d1_stream_wait_event(copy, consumed[b]));
		CHECK(d1_memcpy_htod_async(copy, dx[b], 0, in + (size_t)c * CHUNK,
					   bytes));
		CHECK(d1_event_record(uploaded[b], copy));
		/* Compute on it when it is there, then download. */
		CHECK(d1_stream_wait_event(compute, uploaded[b]));
		CHECK(d1_kernel_set_arg_buffer(k, 0, dx[b], 0));
		CHECK(d1_kernel_set_arg_buffer(k, 1, dy[b], 0));
		CHECK(d1_launch(compute, k, &cfg));
		CHECK(d1_memcpy_dtoh_async(compute, out + (size_t)c * CHUNK, dy[b],
					   0, bytes));
		CHECK(d1_event_record(consumed[b], compute));
	}
	CHECK(d1_event_record(end, compute));
	CHECK_SYNC(copy, d1_stream_synchronize(copy, D1_TIMEOUT_INFINITE));
	CHECK_SYNC(compute, d1_stream_synchronize(compute, D1_TIMEOUT_INFINITE));
	CHECK(d1_event_elapsed_ms(start, end, &ms));

	for (i = 0; i < CHUNK * CHUNKS; i++)
		if (out[i] != in[i] * 2.0f + 1.0f)
			bad++;
	printf("pipeline: %d chunks of %d floats, copy stream on queue %u, compute stream on queue %u\n",
	       CHUNKS, CHUNK, qc, qk);
	printf("pipeline: y[1]=%g y[last]=%g; device time %.3f ms, wall %.1f ms\n",
	       out[1], out[CHUNK * CHUNKS - 1], ms, now_ms() - t0);
	printf("pipeline: %s (%u mismatches)\n", bad ? "FAILED" : "PASSED", bad);

	for (i = 0; i < NBUF; i++) {
		d1_buffer_destroy(dx[i]);
		d1_buffer_destroy(dy[i]);
		d1_event_destroy(uploaded[i]);
		d1_event_destroy(consumed[i]);
	}
	d1_event_destroy(start);
	d1_event_destroy(end);
	d1_stream_destroy(copy);
	d1_stream_destroy(compute);
	d1_kernel_destroy(k);
	d1_program_destroy(prog);
	d1_device_close(dev);
	free(in);
	free(out);
	return bad ? 1 : 0;
}

// SPDX-License-Identifier: MIT
/*
 * vector_add: c = a + b for 1M floats on a 4x4 rectangle of nodes.
 * Copies in, launches, copies out, checks against the host, and prints
 * the device time (events) of each step.
 */
#include "common.h"

int main(void)
{
	const uint32_t n = 1u << 20;
	const size_t bytes = n * sizeof(float);
	struct d1_launch_config cfg = { .cols = 4, .rows = 4 };
	float *a = malloc(bytes), *b = malloc(bytes), *c = malloc(bytes);
	d1_event *ev[4];
	float t_in, t_run, t_out;
	d1_buffer *da, *db, *dc;
	d1_program *prog;
	d1_device *dev;
	d1_stream *s;
	d1_kernel *k;
	uint32_t i, bad = 0;
	double t0 = now_ms();

	if (!a || !b || !c)
		return 1;
	for (i = 0; i < n; i++) {
		a[i] = (float)i * 0.25f;
		b[i] = 1000.0f - (float)i;
	}
	CHECK(d1_device_open(0, &dev));
	prog = example_program("vector_add.c");
	CHECK(d1_kernel_create(prog, "vector_add", &k));
	CHECK(d1_stream_create(dev, D1_STREAM_ANY_QUEUE, &s));
	for (i = 0; i < 4; i++)
		CHECK(d1_event_create(dev, &ev[i]));
	CHECK(d1_buffer_create(dev, bytes, D1_MEM_HBM, 0, &da));
	CHECK(d1_buffer_create(dev, bytes, D1_MEM_HBM, 0, &db));
	CHECK(d1_buffer_create(dev, bytes, D1_MEM_HBM, 0, &dc));

	CHECK(d1_event_record(ev[0], s));
	CHECK(d1_memcpy_htod_async(s, da, 0, a, bytes));
	CHECK(d1_memcpy_htod_async(s, db, 0, b, bytes));
	CHECK(d1_event_record(ev[1], s));
	CHECK(d1_kernel_set_arg_buffer(k, 0, da, 0));
	CHECK(d1_kernel_set_arg_buffer(k, 1, db, 0));
	CHECK(d1_kernel_set_arg_buffer(k, 2, dc, 0));
	CHECK(d1_kernel_set_arg_u32(k, 3, n));
	CHECK(d1_launch(s, k, &cfg));
	CHECK(d1_event_record(ev[2], s));
	CHECK(d1_memcpy_dtoh_async(s, c, dc, 0, bytes));
	CHECK(d1_event_record(ev[3], s));
	CHECK_SYNC(s, d1_stream_synchronize(s, D1_TIMEOUT_INFINITE));

	for (i = 0; i < n; i++)
		if (c[i] != a[i] + b[i])
			bad++;
	CHECK(d1_event_elapsed_ms(ev[0], ev[1], &t_in));
	CHECK(d1_event_elapsed_ms(ev[1], ev[2], &t_run));
	CHECK(d1_event_elapsed_ms(ev[2], ev[3], &t_out));
	printf("vector_add: %u floats on %ux%u nodes: c[0]=%g c[%u]=%g\n", n,
	       cfg.cols, cfg.rows, c[0], n - 1, c[n - 1]);
	printf("vector_add: device time: copy in %.3f ms, kernel %.3f ms, copy out %.3f ms; wall %.1f ms\n",
	       t_in, t_run, t_out, now_ms() - t0);
	printf("vector_add: %s (%u mismatches)\n", bad ? "FAILED" : "PASSED", bad);

	for (i = 0; i < 4; i++)
		d1_event_destroy(ev[i]);
	d1_buffer_destroy(da);
	d1_buffer_destroy(db);
	d1_buffer_destroy(dc);
	d1_stream_destroy(s);
	d1_kernel_destroy(k);
	d1_program_destroy(prog);
	d1_device_close(dev);
	free(a);
	free(b);
	free(c);
	return bad ? 1 : 0;
}

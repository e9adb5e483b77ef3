// SPDX-License-Identifier: MIT
/*
 * two_streams: two streams (two hardware queues) each launch a kernel on
 * their own rectangle of the grid - the left and the right part - at the
 * same time (kernels/two_streams.c iterates x = x * a + b on n floats).
 * The card runs launches on disjoint rectangles concurrently: the events
 * around each launch show by the device clock how long they overlapped.
 * Both streams first wait for a gate, a launch on a third stream on a
 * node of their own, so both are queued before either starts however
 * slowly the host submits.  Both results are checked against the host.
 */
#include "common.h"

enum { ROUNDS = 2000 };

int main(void)
{
	struct d1_device_info info;
	struct d1_launch_config cfg[2], gcfg = { .cols = 1, .rows = 1 };
	d1_event *ev[2][2], *gate = NULL;
	d1_stream *s[2], *gs = NULL;
	d1_buffer *buf[2], *gbuf = NULL;
	d1_program *prog;
	d1_kernel *k[2], *gk = NULL;
	d1_device *dev;
	float *x[2], want, t[2][2], over;
	unsigned int i, j, w, h, n, queue[2];
	int bad = 0;

	CHECK(d1_device_open(0, &dev));
	CHECK(d1_device_info(dev, &info));
	/* Up to 4x4 nodes each, side by side on the card's full rows. */
	w = info.grid_cols / 2 < 4 ? info.grid_cols / 2 : 4;
	h = info.node_count / info.grid_cols < 4 ?
	    info.node_count / info.grid_cols : 4;
	n = w * h * 4096;
	prog = example_program("two_streams.c");
	for (i = 0; i < 2; i++) {
		cfg[i] = (struct d1_launch_config) { .x0 = i * w, .cols = w,
						     .rows = h };
		x[i] = malloc(n * sizeof(float));
		if (!x[i])
			return 1;
		for (j = 0; j < n; j++)
			x[i][j] = (float)(j % 1000) * (i ? -0.25f : 0.5f);
		CHECK(d1_stream_create(dev, (int)i, &s[i]));
		CHECK(d1_stream_queue(s[i], &queue[i]));
		CHECK(d1_event_create(dev, &ev[i][0]));
		CHECK(d1_event_create(dev, &ev[i][1]));
		CHECK(d1_buffer_create(dev, n * sizeof(float), D1_MEM_HBM, 0,
				       &buf[i]));
		CHECK(d1_memcpy_htod(buf[i], 0, x[i], n * sizeof(float)));
		CHECK(d1_kernel_create(prog, "iterate", &k[i]));
		CHECK(d1_kernel_set_arg_buffer(k[i], 0, buf[i], 0));
		CHECK(d1_kernel_set_arg_u32(k[i], 1, n));
		CHECK(d1_kernel_set_arg_u32(k[i], 2, ROUNDS));
		CHECK(d1_kernel_set_arg_f32(k[i], 3, 0.5f));
		CHECK(d1_kernel_set_arg_f32(k[i], 4, i ? -1.0f : 1.0f));
	}
	/* The gate: a node right of or below both rectangles, if any. */
	if (2 * w < info.grid_cols)
		gcfg.x0 = 2 * w;
	else if (h < info.node_count / info.grid_cols)
		gcfg.y0 = h;
	if (gcfg.x0 || gcfg.y0) {
		CHECK(d1_stream_create(dev, D1_STREAM_ANY_QUEUE, &gs));
		CHECK(d1_event_create(dev, &gate));
		CHECK(d1_buffer_create(dev, 4096 * sizeof(float), D1_MEM_HBM,
				       0, &gbuf));
		CHECK(d1_kernel_create(prog, "iterate", &gk));
		CHECK(d1_kernel_set_arg_buffer(gk, 0, gbuf, 0));
		CHECK(d1_kernel_set_arg_u32(gk, 1, 4096));
		CHECK(d1_kernel_set_arg_u32(gk, 2, 2 * ROUNDS));
		CHECK(d1_kernel_set_arg_f32(gk, 3, 0.5f));
		CHECK(d1_kernel_set_arg_f32(gk, 4, 0.0f));
		CHECK(d1_launch(gs, gk, &gcfg));
		CHECK(d1_event_record(gate, gs));
	}
	/* Both enqueued at once; neither waits for the other. */
	for (i = 0; i < 2; i++) {
		if (gate)
			CHECK(d1_stream_wait_event(s[i], gate));
		CHECK(d1_event_record(ev[i][0], s[i]));
		CHECK(d1_launch(s[i], k[i], &cfg[i]));
		CHECK(d1_event_record(ev[i][1], s[i]));
	}
	for (i = 0; i < 2; i++)
		CHECK_SYNC(s[i], d1_stream_synchronize(s[i], D1_TIMEOUT_INFINITE));

	/* Device times relative to stream 0's start. */
	for (i = 0; i < 2; i++)
		for (j = 0; j < 2; j++)
			CHECK(d1_event_elapsed_ms(ev[0][0], ev[i][j], &t[i][j]));
	over = (t[0][1] < t[1][1] ? t[0][1] : t[1][1]) -
	       (t[0][0] > t[1][0] ? t[0][0] : t[1][0]);
	for (i = 0; i < 2; i++)
		printf("two_streams: stream %u (queue %u) on %ux%u nodes at (%u,0): %.3f .. %.3f ms\n",
		       i, queue[i], w, h, cfg[i].x0, t[i][0], t[i][1]);
	printf("two_streams: overlap %.3f ms (%.0f%% of the shorter launch)\n",
	       over > 0 ? over : 0.0f,
	       over > 0 ? 100.0f * over / (t[0][1] - t[0][0] < t[1][1] - t[1][0] ?
					    t[0][1] - t[0][0] : t[1][1] - t[1][0]) : 0.0f);
	/*
	 * Each stream's first event is a TIMESTAMP on its own queue, run as
	 * soon as the host submits it: a stream that starts only after the
	 * other's launch ended was submitted too late to overlap (a slow
	 * guest), which says nothing of the card.
	 */
	if (t[1][0] >= t[0][1] || t[0][0] >= t[1][1]) {
		printf("two_streams: one launch was submitted after the other ended; no overlap to check\n");
	} else if (over <= 0) {
		printf("two_streams: the launches did not overlap\n");
		bad++;
	}

	for (i = 0; i < 2; i++) {
		float *out = malloc(n * sizeof(float));

		if (!out)
			return 1;
		CHECK(d1_memcpy_dtoh(out, buf[i], 0, n * sizeof(float)));
		for (j = 0; j < n; j++) {
			unsigned int r;

			want = x[i][j];
			for (r = 0; r < ROUNDS; r++)
				want = want * 0.5f + (i ? -1.0f : 1.0f);
			if (out[j] != want) {
				if (bad++ < 5)
					printf("two_streams: stream %u x[%u] = %g, want %g\n",
					       i, j, out[j], want);
			}
		}
		free(out);
		free(x[i]);
		d1_kernel_destroy(k[i]);
		d1_buffer_destroy(buf[i]);
		d1_event_destroy(ev[i][0]);
		d1_event_destroy(ev[i][1]);
		d1_stream_destroy(s[i]);
	}
	if (gs) {
		CHECK_SYNC(gs, d1_stream_synchronize(gs, D1_TIMEOUT_INFINITE));
		d1_kernel_destroy(gk);
		d1_buffer_destroy(gbuf);
		d1_event_destroy(gate);
		d1_stream_destroy(gs);
	}
	printf("two_streams: %s\n", bad ? "FAILED" : "PASSED");
	d1_program_destroy(prog);
	d1_device_close(dev);
	return bad ? 1 : 0;
}

// SPDX-License-Identifier: MIT
/*
 * mesh_reduce: sum 2M uint32 on a 6x3 rectangle of nodes with a barrier
 * and a tree of node-to-node DMAs (kernels/mesh_reduce.c); checks the
 * total and every node's partial sum against the host.
 */
#include "common.h"

enum { N = 2 << 20, COLS = 6, ROWS = 3, RANKS = COLS * ROWS };

int main(void)
{
	struct d1_launch_config cfg = { .cols = COLS, .rows = ROWS };
	struct d1_device_info info;
	uint32_t *data = malloc(N * 4), out[1 + RANKS], want = 0, r, i;
	uint32_t per = (N + RANKS - 1) / RANKS;
	d1_buffer *dd, *dout;
	d1_event *e0, *e1;
	d1_program *prog;
	d1_device *dev;
	d1_stream *s;
	d1_kernel *k;
	int bad = 0;
	float ms;

	if (!data)
		return 1;
	for (i = 0; i < N; i++)
		data[i] = i * 2654435761u;
	for (i = 0; i < N; i++)
		want += data[i];

	CHECK(d1_device_open(0, &dev));
	/* Off the corner where the card has room: the kernel does not mind
	 * where (node ids are relative to the rectangle). */
	CHECK(d1_device_info(dev, &info));
	cfg.x0 = info.grid_cols > COLS ? 1 : 0;
	cfg.y0 = info.node_count / info.grid_cols >= ROWS + 2 ? 2 : 0;
	prog = example_program("mesh_reduce.c");
	CHECK(d1_kernel_create(prog, "mesh_reduce", &k));
	CHECK(d1_stream_create(dev, D1_STREAM_ANY_QUEUE, &s));
	CHECK(d1_event_create(dev, &e0));
	CHECK(d1_event_create(dev, &e1));
	CHECK(d1_buffer_create(dev, N * 4, D1_MEM_HBM, 0, &dd));
	CHECK(d1_buffer_create(dev, sizeof(out), D1_MEM_HBM, 0, &dout));
	CHECK(d1_memcpy_htod(dd, 0, data, N * 4));
	CHECK(d1_kernel_set_arg_buffer(k, 0, dd, 0));
	CHECK(d1_kernel_set_arg_u32(k, 1, N));
	CHECK(d1_kernel_set_arg_buffer(k, 2, dout, 0));
	CHECK(d1_event_record(e0, s));
	CHECK(d1_launch(s, k, &cfg));
	CHECK(d1_event_record(e1, s));
	CHECK_SYNC(s, d1_stream_synchronize(s, D1_TIMEOUT_INFINITE));
	CHECK(d1_memcpy_dtoh(out, dout, 0, sizeof(out)));
	CHECK(d1_event_elapsed_ms(e0, e1, &ms));

	for (r = 0; r < RANKS; r++) {
		uint32_t part = 0;

		for (i = r * per; i < (r + 1) * per && i < N; i++)
			part += data[i];
		if (part != out[1 + r]) {
			printf("mesh_reduce: rank %u partial %u, want %u\n", r,
			       out[1 + r], part);
			bad++;
		}
	}
	if (out[0] != want)
		bad++;
	printf("mesh_reduce: %u values on %ux%u nodes at (%u,%u): total %u (host %u)\n",
	       (unsigned int)N, cfg.cols, cfg.rows, cfg.x0, cfg.y0, out[0], want);
	printf("mesh_reduce: kernel %.3f ms device time\n", ms);
	printf("mesh_reduce: %s\n", bad ? "FAILED" : "PASSED");

	d1_event_destroy(e0);
	d1_event_destroy(e1);
	d1_buffer_destroy(dd);
	d1_buffer_destroy(dout);
	d1_stream_destroy(s);
	d1_kernel_destroy(k);
	d1_program_destroy(prog);
	d1_device_close(dev);
	free(data);
	return bad ? 1 : 0;
}

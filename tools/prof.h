/* SPDX-License-Identifier: GPL-2.0 */
/*
 * prof.h - d1-prof's model of a recorded run (the file libd1 writes with
 * D1_PROF_OUT, libd1/profile.c) and what is computed from it: the trace
 * JSON, per-node metrics for the heatmap, the colour scale and the text
 * summary.  No device and no cairo here, so the host tests use it.
 */
#ifndef D1_PROF_H
#define D1_PROF_H

#include <stdint.h>
#include <stdio.h>

#define PROF_NODE_HZ		2e9	/* nominal node clock */
#define PROF_PEAK_FLOP_BF16	512	/* vmma 8x8x4 a cycle: 256 FMA */
#define PROF_PEAK_FLOP_FP32	32	/* 64 GFLOPS FP32 at 2 GHz */
#define PROF_HBM_GBS		800.0	/* card HBM */
#define PROF_LINK_GBS		512.0	/* a mesh link, per direction */

enum prof_metric { PROF_CYCLES, PROF_UTIL, PROF_DMA, PROF_STALLS };

struct prof_dev {
	int pid;
	unsigned int ctx, card, rows, cols, nodes, queues;
	char pci[32];
};

/* One node of a launch: status 0 exited, 1 faulted; the counters. */
struct prof_node {
	unsigned int status, fault;
	int exit_code;
	uint64_t cycles, instret[4];
	uint64_t stall_dma, stall_sem, stall_barrier;
	uint64_t vec_ops, mat_ops, flops;
	uint64_t hbm_read, hbm_write, node_out, node_in;
	uint64_t link[4];		/* E, W, N, S */
};

struct prof_job {
	int pid;
	uint64_t seq;
	unsigned int ctx, queue, op, dir;	/* op: DRM_D1_CMD_* */
	int status;			/* d1_status; -1 never completed */
	uint64_t host_ns, start, end;	/* device ns; 0: not stamped */
	uint64_t bytes, event;
	uint64_t *waits;		/* event ids it waited for */
	unsigned int nwaits;
	/* launches */
	int launch, counters;
	unsigned int x0, y0, cols, rows, harts, rstatus;
	uint64_t instret, cycles;
	char kernel[64];
	struct prof_node *nodes;	/* cols * rows, row-major */
	unsigned int nnodes;
};

struct prof {
	struct prof_dev *devs;
	unsigned int ndevs;
	struct prof_job *jobs;		/* sorted by (seq, pid) after load */
	unsigned int njobs;
};

/* Parses a profile file; 0, or -1 with a message in @err. */
int prof_load(struct prof *p, FILE *f, char *err, size_t errlen);
void prof_free(struct prof *p);
const struct prof_dev *prof_dev_of(const struct prof *p,
				   const struct prof_job *j);

/* The Chrome trace-event JSON of the run (Perfetto, chrome://tracing). */
void prof_write_trace(const struct prof *p, FILE *out);
/* @s as a JSON string, quotes included. */
void prof_json_string(FILE *out, const char *s);

/*
 * Per-node values of @metric on card @card, summed over the launches:
 * @val[y * cols + x]; @rows, @cols and @nodes describe the grid; @what
 * says what the values are (a static string).  0, or -1: no such card.
 */
int prof_metric(const struct prof *p, unsigned int card,
		enum prof_metric metric, double **val, unsigned int *rows,
		unsigned int *cols, unsigned int *nodes, const char **what);
int prof_metric_parse(const char *name, enum prof_metric *m);
const char *prof_metric_name(enum prof_metric m);
/* The kernels launched on @card, comma-separated, in @buf. */
void prof_kernels(const struct prof *p, unsigned int card, char *buf,
		  size_t len);

/* The heatmap colour of @t in [0, 1] (clamped): viridis, 8 bits. */
void prof_colour(double t, uint8_t rgb[3]);
/* The colour of spare (unusable) nodes: not on the scale. */
extern const uint8_t prof_spare_rgb[3];

void prof_summary(const struct prof *p, FILE *out);

#endif /* D1_PROF_H */

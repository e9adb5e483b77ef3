// SPDX-License-Identifier: GPL-2.0
/*
 * Verified workload for the stress runs: a loop of jobs on one fd whose
 * results are checked against host-computed references, or one kind of
 * deliberately bad job whose failure must be reported to this file only.
 *
 *   d1_workload [-m MODE] [-s SECONDS | -n JOBS] [-q QUEUE] [-k KERNEL.elf]
 *
 * MODE: mixed (COPY round trips of random sizes and LAUNCHes of the
 * dev_scale kernel, all verified; the default), hang (a kernel that spins
 * with no budget: stopped at its time limit, the job timeout), fault
 * (node DMA from an unmapped VA: expects an MMU fault at that VA),
 * readonly (node DMA into
 * a read-only mapping: a permission fault there), illegal (an illegal
 * instruction: a node fault), sram (a store past the end of SRAM: a node
 * fault), deadlock (a semaphore nobody signals), budget (spins past its
 * budget).
 * Prints "workload: ..." figures; exit 0 only if every job did what it
 * had to.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "d1_common.h"
#include "d1_submit_common.h"
#include "../host/kernels/dev_args.h"

#define REPORT	8192
#define N	64	/* int32 per node */

struct wl {
	int fd;
	uint32_t queue;
	struct d1_buf img, args, in, out, rep, hbm;
	uint32_t img_size;
	uint64_t seed;
	unsigned long ok, bad;
};

static uint64_t rnd(struct wl *w)
{
	w->seed ^= w->seed << 13;
	w->seed ^= w->seed >> 7;
	w->seed ^= w->seed << 17;
	return w->seed;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int setup(struct wl *w, const char *kernel)
{
	void *elf = NULL;
	long n;
	FILE *f = fopen(kernel, "rb");

	if (!f) {
		fprintf(stderr, "workload: cannot open %s\n", kernel);
		return -1;
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	elf = malloc(n);
	if (!elf || fread(elf, 1, n, f) != (size_t)n) {
		fclose(f);
		free(elf);
		return -1;
	}
	fclose(f);
	w->img_size = n;
	if (d1_buf_new_flags(w->fd, (n + 4095) & ~4095l, DRM_D1_BO_HOST, DRM_D1_VM_READ, &w->img) ||
	    d1_buf_new_flags(w->fd, 4096, DRM_D1_BO_HOST, DRM_D1_VM_READ, &w->args) ||
	    d1_buf_new(w->fd, 1 << 20, DRM_D1_BO_HOST, &w->in) ||
	    d1_buf_new(w->fd, 1 << 20, DRM_D1_BO_HOST, &w->out) ||
	    d1_buf_new(w->fd, REPORT, DRM_D1_BO_HOST, &w->rep) ||
	    d1_buf_new(w->fd, 1 << 20, DRM_D1_BO_HBM, &w->hbm)) {
		fprintf(stderr, "workload: buffer set-up failed: %m\n");
		free(elf);
		return -1;
	}
	memcpy(w->img.map, elf, n);
	free(elf);
	return 0;
}

static struct drm_d1_cmd launch_cmd(struct wl *w, uint32_t cols, uint32_t rows,
				    uint32_t x0, uint64_t budget)
{
	struct drm_d1_cmd c;

	/* The report BO is reused: the last launch's must not pass. */
	memset(w->rep.map, 0, sizeof(struct drm_d1_launch_report));
	memset(&c, 0, sizeof(c));
	c.op = DRM_D1_CMD_LAUNCH;
	c.launch.image = w->img.va;
	c.launch.image_size = w->img_size;
	c.launch.report = w->rep.va;
	c.launch.report_size = REPORT;
	c.launch.args = w->args.va;
	c.launch.args_size = sizeof(struct dev_scale_args);
	c.launch.harts = 1;
	c.launch.x0 = x0;
	c.launch.cols = cols;
	c.launch.rows = rows;
	c.launch.budget = budget;
	return c;
}

/*
 * The report of a launch on @cols nodes of row 0 from @x0: @status, and
 * every node stopped with @fault or, without one, exited with its node id.
 */
static int report_ok(struct wl *w, uint32_t cols, uint32_t x0,
		     uint32_t status, uint32_t fault)
{
	const struct drm_d1_launch_report *r = w->rep.map;
	const struct drm_d1_launch_node *n;
	uint32_t i;

	if (r->magic != DRM_D1_REPORT_MAGIC || r->status != status ||
	    r->nodes != cols || r->node_size < sizeof(*n)) {
		fprintf(stderr, "workload: report magic 0x%x status %u nodes %u (want status %u, %u nodes)\n",
			r->magic, r->status, r->nodes, status, cols);
		return 0;
	}
	for (i = 0; i < cols; i++) {
		n = (const void *)((const char *)(r + 1) + i * r->node_size);
		/* dev_scale exits with its node id: its rank in the launch */
		if (n->fault != fault || (!fault && n->exit_code != i)) {
			fprintf(stderr, "workload: node %u: fault %u exit %u (want fault %u)\n",
				x0 + i, n->fault, n->exit_code, fault);
			return 0;
		}
	}
	return 1;
}

/* COPY in -> HBM -> out with a random size and offsets, verified. */
static int job_copy(struct wl *w)
{
	uint64_t size = 1 + rnd(w) % (256 << 10), so = rnd(w) % 4096,
		 ho = rnd(w) % 4096, doff = rnd(w) % 4096;
	struct drm_d1_cmd c[2];
	uint64_t i;
	int ret;

	for (i = 0; i < size; i++)
		((uint8_t *)w->in.map)[so + i] = (uint8_t)rnd(w);
	c[0] = d1_cmd_copy(w->in.va + so, w->hbm.va + ho, size);
	c[1] = d1_cmd_copy(w->hbm.va + ho, w->out.va + doff, size);
	ret = d1_run(w->fd, w->queue, c, 2, 120 * D1_SEC);
	if (ret != 1) {
		errno = ret < 0 && ret > -1000 ? -ret : EIO;
		return -1;
	}
	if (memcmp((uint8_t *)w->in.map + so, (uint8_t *)w->out.map + doff,
		   size)) {
		errno = EBADMSG;	/* wrong data */
		return -1;
	}
	return 0;
}

/*
 * LAUNCH dev_scale on 1..2 nodes of row 0, anywhere in its first four
 * columns: node r of the launch computes slice r, out = in * (r + 2).
 */
static int job_launch(struct wl *w)
{
	struct dev_scale_args a = { w->in.va, w->out.va, N, DEV_SCALE };
	uint32_t cols = 1 + rnd(w) % 2, x0 = rnd(w) % 4, i;
	int32_t *in = w->in.map, *out = w->out.map;
	struct drm_d1_cmd c;
	int ret;

	for (i = 0; i < (cols + 1) * N; i++) {
		in[i] = (int32_t)rnd(w);
		out[i] = 0;
	}
	memcpy(w->args.map, &a, sizeof(a));
	c = launch_cmd(w, cols, 1, x0, 10000000);
	ret = d1_run(w->fd, w->queue, &c, 1, 120 * D1_SEC);
	if (ret != 1) {
		errno = ret < 0 && ret > -1000 ? -ret : EIO;
		return -1;
	}
	for (i = 0; i < (cols + 1) * N; i++) {
		if (out[i] != (i < cols * N ?
			       (int32_t)((uint32_t)in[i] * (i / N + 2)) : 0)) {
			errno = EBADMSG;
			return -1;
		}
	}
	if (!report_ok(w, cols, x0, DRM_D1_ERROR_NONE, DRM_D1_NODE_FAULT_NONE)) {
		errno = EBADMSG;
		return -1;
	}
	return 0;
}

/*
 * A bad job: it must fail, with the reason recorded for this file, and
 * the file must work again after clearing its status.
 */
static int job_bad(struct wl *w, const char *mode)
{
	struct dev_scale_args a = { w->in.va, w->out.va, N, DEV_SCALE };
	struct drm_d1_context_status st;
	uint32_t want, node_fault = DRM_D1_NODE_FAULT_NONE;
	uint64_t budget = 10000000;
	struct drm_d1_cmd c;
	int ret;

	if (!strcmp(mode, "hang")) {
		a.mode = DEV_SPIN;
		budget = 0;
		want = DRM_D1_ERROR_TIME_LIMIT;
	} else if (!strcmp(mode, "budget")) {
		a.mode = DEV_SPIN;
		budget = 100000;
		want = DRM_D1_ERROR_BUDGET;
	} else if (!strcmp(mode, "illegal")) {
		a.mode = DEV_ILLEGAL;
		want = DRM_D1_ERROR_NODE_FAULT;
		node_fault = DRM_D1_NODE_FAULT_ILLEGAL;
	} else if (!strcmp(mode, "sram")) {
		a.mode = DEV_SRAM_OVERFLOW;
		want = DRM_D1_ERROR_NODE_FAULT;
		node_fault = DRM_D1_NODE_FAULT_STORE;
	} else if (!strcmp(mode, "deadlock")) {
		a.mode = DEV_DEADLOCK;
		want = DRM_D1_ERROR_DEADLOCK;
	} else if (!strcmp(mode, "readonly")) {
		a.dst = w->img.va;	/* bound read-only */
		want = DRM_D1_ERROR_MMU_FAULT;
	} else {
		a.src = 0x7f0000000000ull & ((1ull << 39) - 1);	/* unmapped */
		want = DRM_D1_ERROR_MMU_FAULT;
	}
	memcpy(w->args.map, &a, sizeof(a));
	/* on a node of its own per queue: bad jobs of several queues run
	 * side by side */
	c = launch_cmd(w, 1, 1, w->queue % 4, budget);
	ret = d1_run(w->fd, w->queue, &c, 1, 300 * D1_SEC);
	if (ret == -ETIME)
		return -1;	/* never signalled: recovery failed */
	if (d1_ctx_status(w->fd, DRM_D1_CONTEXT_STATUS_CLEAR, &st) || !st.guilty || st.error != want) {
		fprintf(stderr, "workload: %s: guilty %u error %u (want %u)\n",
			mode, st.guilty, st.error, want);
		return -1;
	}
	if (want == DRM_D1_ERROR_MMU_FAULT) {
		uint64_t va = a.dst == w->img.va ? a.dst : a.src;
		uint32_t reason = a.dst == w->img.va ? DRM_D1_FAULT_PERMISSION :
				  DRM_D1_FAULT_UNMAPPED;

		if (st.fault_va != va || st.fault_reason != reason) {
			fprintf(stderr, "workload: fault at 0x%llx reason %u, want 0x%llx reason %u\n",
				(unsigned long long)st.fault_va, st.fault_reason,
				(unsigned long long)va, reason);
			return -1;
		}
	}
	/* The report names the node's fault. */
	if (node_fault && !report_ok(w, 1, 0, want, node_fault))
		return -1;
	/* Cleared: the same file runs good work again. */
	return job_copy(w);
}

int main(int argc, char **argv)
{
	const char *mode = "mixed", *kernel = "build/tests/kernels/dev_scale.elf";
	double seconds = 0, t0;
	unsigned long jobs = 20;
	struct d1_dev dev;
	struct wl w = { .seed = 0x5eed };
	int opt;

	while ((opt = getopt(argc, argv, "m:s:n:q:k:")) != -1) {
		switch (opt) {
		case 'm': mode = optarg; break;
		case 's': seconds = atof(optarg); break;
		case 'n': jobs = strtoul(optarg, NULL, 0); break;
		case 'q': w.queue = strtoul(optarg, NULL, 0); break;
		case 'k': kernel = optarg; break;
		default:
			fprintf(stderr, "usage: %s [-m MODE] [-s SECONDS | -n JOBS] [-q QUEUE] [-k ELF]\n",
				argv[0]);
			return 2;
		}
	}
	w.seed ^= (uint64_t)getpid() << 20;
	if (d1_find(&dev)) {
		fprintf(stderr, "workload: no d1 device\n");
		return 1;
	}
	w.fd = open(dev.node, O_RDWR | O_CLOEXEC);
	if (w.fd < 0) {
		fprintf(stderr, "workload: open %s: %m\n", dev.node);
		return 1;
	}
	if (setup(&w, kernel))
		return 1;
	t0 = now();
	while (seconds ? now() - t0 < seconds : w.ok + w.bad < jobs) {
		int r;

		if (!strcmp(mode, "mixed"))
			r = rnd(&w) % 2 ? job_copy(&w) : job_launch(&w);
		else
			r = job_bad(&w, mode);
		if (r) {
			struct drm_d1_context_status st;

			w.bad++;
			if (w.bad <= 5) {
				int e = errno;

				d1_ctx_status(w.fd, 0, &st);
				fprintf(stderr, "workload[%d]: %s job %lu failed: %s (context error %u, fault VA 0x%llx)\n",
					getpid(), mode, w.ok + w.bad,
					strerror(e), st.error,
					(unsigned long long)st.fault_va);
			}
			/* Go on with a clean record: later jobs stand alone. */
			d1_ctx_status(w.fd, DRM_D1_CONTEXT_STATUS_CLEAR, &st);
		} else {
			w.ok++;
		}
	}
	printf("workload[%d]: %s: %lu jobs verified, %lu wrong, %.1f s\n",
	       getpid(), mode, w.ok, w.bad, now() - t0);
	return w.bad ? 1 : 0;
}

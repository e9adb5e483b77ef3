// SPDX-License-Identifier: MIT
/*
 * Profiling for d1-prof.  When the environment names a profile output
 * (D1_PROF_OUT=path) libd1 records every job its streams submit: copies,
 * launches and event records, with the stream's queue, the handle, the
 * bytes or the kernel and its rectangle, the host time of the submit and
 * the device time the queue started and finished the job.
 *
 * Device times: each job is submitted as TIMESTAMP, its commands,
 * TIMESTAMP, so the queue itself stores its clock around the work (the
 * queue runs a job's commands in order, one job at a time).  The two
 * stamps go to a 64 KiB host BO per stream, 16 bytes a job, slot = the
 * job's timeline point modulo 4096.  Cost per job while profiling: two
 * commands of a few microseconds on the device and one record on the
 * host; without D1_PROF_OUT, one test of d1_prof_on per submit.
 *
 * A job is recorded when the stream completes it (synchronize, query,
 * destroy) with its outcome and, for a launch, the report: per node its
 * status, exit code and fault.  Jobs of streams a program never
 * synchronises are collected when their device is closed or at exit.
 * Records carry a sequence number taken at submit, across all threads;
 * the file is appended to at exit, under flock, by every process (a
 * forked child with its own records only; a process ended by a signal or
 * _exit() writes none).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "libd1_internal.h"

#define PROF_TS_BYTES	(64u << 10)
#define PROF_SLOTS	(PROF_TS_BYTES / 16)
#define PROF_FORMAT	1		/* first line: "d1prof 1 PID" */
/* The 19 counters of a node line (cycles ... link bytes), all 0. */
#define ZERO_COUNTERS	" 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0"

struct d1_prof_job {
	uint64_t seq;
	uint64_t host_ns;
	uint64_t bytes;
	uint64_t event;			/* TIMESTAMP of an event: its id */
	unsigned int op;		/* DRM_D1_CMD_* of the first command */
	unsigned int dir;		/* copies: 1 HtoD, 2 DtoH, 3 DtoD */
	unsigned int harts;
	unsigned int slot;
	int stamped;			/* bracketed by TIMESTAMPs */
	unsigned int nwaits;
	uint64_t waits[D1_STREAM_MAX_WAITS];
};

int d1_prof_on;

static struct {
	pthread_mutex_t lock;
	char *path;
	FILE *buf;			/* open_memstream */
	char *text;
	size_t len;
	atomic_uint_fast64_t seq;
	atomic_uint ctx;
	d1_stream **streams;		/* with pending recorded jobs */
	unsigned int nstreams, cap;
} prof = { .lock = PTHREAD_MUTEX_INITIALIZER };

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void prof_flush(void);

/*
 * A forked child starts with no records: its parent writes those.  (Its
 * copy of the parent's handles is not usable: nothing left to collect.)
 */
static void prof_child(void)
{
	if (prof.buf)
		fclose(prof.buf);
	free(prof.text);
	prof.text = NULL;
	prof.len = 0;
	prof.nstreams = 0;
	prof.buf = open_memstream(&prof.text, &prof.len);
	if (!prof.buf)
		d1_prof_on = 0;
	pthread_mutex_init(&prof.lock, NULL);
}

__attribute__((constructor)) static void prof_init(void)
{
	const char *path = getenv("D1_PROF_OUT");

	if (!path || !*path)
		return;
	prof.path = strdup(path);
	prof.buf = open_memstream(&prof.text, &prof.len);
	if (!prof.path || !prof.buf || atexit(prof_flush) ||
	    pthread_atfork(NULL, NULL, prof_child)) {
		fprintf(stderr, "libd1: profiling disabled: %s\n",
			strerror(errno));
		return;
	}
	d1_prof_on = 1;
}

/* The handle's id in the records; its grid is described at first use. */
static unsigned int prof_ctx(d1_device *dev)
{
	if (dev->prof_ctx)
		return dev->prof_ctx;
	dev->prof_ctx = atomic_fetch_add(&prof.ctx, 1) + 1;
	fprintf(prof.buf, "D %d %u %u %u %u %u %u %s\n", (int)getpid(),
		dev->prof_ctx, dev->id.index, dev->dinfo.grid_rows,
		dev->dinfo.grid_cols, dev->dinfo.node_count,
		dev->sinfo.submit_queues,
		dev->id.pci_address[0] ? dev->id.pci_address : "-");
	return dev->prof_ctx;
}

static void track_stream(d1_stream *s)
{
	unsigned int i;

	for (i = 0; i < prof.nstreams; i++)
		if (prof.streams[i] == s)
			return;
	if (prof.nstreams == prof.cap) {
		unsigned int cap = prof.cap ? 2 * prof.cap : 16;
		d1_stream **n = realloc(prof.streams, cap * sizeof(*n));

		if (!n)
			return;
		prof.streams = n;
		prof.cap = cap;
	}
	prof.streams[prof.nstreams++] = s;
}

/*
 * Called by d1_submit(): the job to submit instead of @cmds (with the two
 * TIMESTAMPs, in *@wrapped, freed by d1_prof_submitted()).  Profiling
 * never fails a submit: without memory the job goes unrecorded.
 */
void d1_prof_submit(d1_stream *s, struct drm_d1_cmd *cmds,
		    unsigned int n, struct d1_pending *p,
		    struct drm_d1_cmd **wrapped, unsigned int *nwrapped)
{
	struct d1_prof_job *j;
	struct drm_d1_cmd *w;
	unsigned int i;

	*wrapped = cmds;
	*nwrapped = n;
	if (p->prof || !n)
		return;
	j = calloc(1, sizeof(*j));
	if (!j)
		return;
	j->host_ns = now_ns();
	j->op = cmds[0].op;
	for (i = 0; i < n; i++)
		if (cmds[i].op == DRM_D1_CMD_COPY)
			j->bytes += cmds[i].copy.size;
	if (j->op == DRM_D1_CMD_LAUNCH)
		j->harts = cmds[0].launch.harts;
	if (j->op == DRM_D1_CMD_COPY)	/* copy.c: staging BO for host memory */
		j->dir = p->kind == D1_PENDING_DTOH ? 2 : p->nbo ? 1 : 3;
	j->nwaits = s->nwaits;
	memcpy(j->waits, s->prof_waits, s->nwaits * sizeof(j->waits[0]));
	p->prof = j;

	if (!s->prof_ts.handle &&
	    d1_stream_bo(s, PROF_TS_BYTES, &s->prof_ts) != D1_SUCCESS)
		memset(&s->prof_ts, 0, sizeof(s->prof_ts));
	if (!s->prof_ts.map || n + 2 > s->dev->sinfo.max_cmds)
		return;
	w = calloc(n + 2, sizeof(*w));
	if (!w)
		return;
	j->slot = (unsigned int)((s->point + 1) % PROF_SLOTS);
	memset((uint8_t *)s->prof_ts.map + 16 * j->slot, 0, 16);
	w[0].op = DRM_D1_CMD_TIMESTAMP;
	w[0].mem.va = s->prof_ts.va + 16 * j->slot;
	memcpy(w + 1, cmds, n * sizeof(*w));
	w[n + 1] = w[0];
	w[n + 1].mem.va += 8;
	j->stamped = 1;
	*wrapped = w;
	*nwrapped = n + 2;
}

/* After the SUBMIT ioctl (@ok: it took the job): numbers the job. */
void d1_prof_submitted(d1_stream *s, struct d1_pending *p,
		       struct drm_d1_cmd *wrapped, int ok)
{
	struct d1_prof_job *j = p->prof;

	if (j && wrapped != NULL && j->stamped)
		free(wrapped);
	if (!j)
		return;
	if (!ok) {
		free(j);
		p->prof = NULL;
		return;
	}
	j->seq = atomic_fetch_add(&prof.seq, 1) + 1;
	pthread_mutex_lock(&prof.lock);
	track_stream(s);
	pthread_mutex_unlock(&prof.lock);
}

/* d1_event_record(): the event's id is its recording job's number. */
void d1_prof_event(d1_event *e, d1_stream *s)
{
	struct d1_pending *p = s->tail;

	if (p && p->prof) {
		p->prof->event = p->prof->seq;
		e->prof_id = p->prof->seq;
	}
}

/* d1_stream_wait_event(): the next job waits for @e's last recording. */
void d1_prof_wait(d1_stream *s, const d1_event *e)
{
	s->prof_waits[s->nwaits] = e->prof_id;
}

/* A completed launch from its parsed results, counters included. */
static void record_result(int pid, const struct d1_prof_job *j,
			  const struct d1_pending *p,
			  const struct d1_launch_result *r)
{
	unsigned int k, i;

	fprintf(prof.buf, "L %d %" PRIu64 " %u %u %u %u %u %d %" PRIu64
		" %" PRIu64 " %u %s\n", pid, j->seq, p->x0, p->y0, p->cols,
		p->rows, j->harts, r->info.status, r->info.instret,
		r->info.cycles, r->info.counters ? 1u : 0u, p->kernel);
	for (k = 0; k < r->nnodes; k++) {
		const struct d1_node_result *n = &r->nodes[k];

		fprintf(prof.buf, "N %d %" PRIu64 " %u %u %d %u %" PRIu64, pid,
			j->seq, k, n->status != D1_NODE_EXITED, n->exit_code,
			n->fault, n->cycles);
		for (i = 0; i < 4; i++)
			fprintf(prof.buf, " %" PRIu64, n->instret[i]);
		fprintf(prof.buf, " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64
			" %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64
			" %" PRIu64, n->stall_dma, n->stall_sem, n->stall_barrier,
			n->vec_ops, n->mat_ops, n->flops, n->dma_hbm_read,
			n->dma_hbm_write, n->dma_node_out, n->dma_node_in);
		for (i = 0; i < 4; i++)
			fprintf(prof.buf, " %" PRIu64, n->link_bytes[i]);
		fputc('\n', prof.buf);
	}
}

/* Records job @p.  @st: its outcome, -1 when collected unfinished. */
static void record(d1_stream *s, struct d1_pending *p, int st)
{
	struct d1_prof_job *j = p->prof;
	uint64_t t[2] = { 0, 0 };
	int pid = (int)getpid();
	unsigned int ctx, i;

	if (j->stamped)
		memcpy(t, (uint8_t *)s->prof_ts.map + 16 * j->slot, 16);
	pthread_mutex_lock(&prof.lock);
	ctx = prof_ctx(s->dev);
	fprintf(prof.buf, "J %d %" PRIu64 " %u %u %u %u %d %" PRIu64
		" %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 "\n", pid,
		j->seq, ctx, s->queue, j->op, j->dir, st, j->host_ns, t[0],
		t[1], j->bytes, j->event);
	for (i = 0; i < j->nwaits; i++)
		if (j->waits[i])
			fprintf(prof.buf, "W %d %" PRIu64 " %" PRIu64 "\n", pid,
				j->seq, j->waits[i]);
	if (p->kind == D1_PENDING_LAUNCH && d1__launch_job_result(p)) {
		record_result(pid, j, p, d1__launch_job_result(p));
	} else if (p->kind == D1_PENDING_LAUNCH) {
		const uint8_t *rep = p->bo[1].map;
		struct drm_d1_launch_report h;
		uint64_t nodes = (uint64_t)p->cols * p->rows, k;

		memset(&h, 0, sizeof(h));
		if (rep)
			memcpy(&h, rep, sizeof(h));
		if (h.magic != DRM_D1_REPORT_MAGIC ||
		    h.node_size < sizeof(struct drm_d1_launch_node))
			h.nodes = 0;
		fprintf(prof.buf, "L %d %" PRIu64 " %u %u %u %u %u %u %" PRIu64
			" %" PRIu64 " 0 %s\n", pid, j->seq, p->x0, p->y0, p->cols,
			p->rows, j->harts, h.magic == DRM_D1_REPORT_MAGIC ?
			h.status : ~0u, (uint64_t)h.instret, (uint64_t)h.cycles,
			p->kernel);
		for (k = 0; k < nodes && k < h.nodes; k++) {
			struct drm_d1_launch_node r;

			memcpy(&r, rep + sizeof(h) + (uint64_t)h.node_size * k,
			       sizeof(r));
			/* Counters (after the fault) are 0: none yet. */
			fprintf(prof.buf, "N %d %" PRIu64 " %" PRIu64
				" %u %d %u" ZERO_COUNTERS "\n", pid, j->seq,
				k, r.fault ? 1u : 0u, (int)r.exit_code,
				r.fault);
		}
	}
	pthread_mutex_unlock(&prof.lock);
	free(j);
	p->prof = NULL;
}

/* Called for every job the stream completes, before its BOs go. */
void d1_prof_done(d1_stream *s, struct d1_pending *p, d1_status st)
{
	if (p->prof)
		record(s, p, (int)st);
}

/* Jobs still pending on @s: recorded as they are (unfinished: -1). */
static void collect(d1_stream *s)
{
	struct d1_pending *p;

	for (p = s->head; p; p = p->next)
		if (p->prof)
			record(s, p, -1);
}

static void untrack(d1_stream *s)
{
	unsigned int i;

	for (i = 0; i < prof.nstreams; i++)
		if (prof.streams[i] == s) {
			prof.streams[i] = prof.streams[--prof.nstreams];
			return;
		}
}

/* d1_stream_destroy(), after its jobs were completed. */
void d1_prof_stream_gone(d1_stream *s)
{
	collect(s);
	pthread_mutex_lock(&prof.lock);
	untrack(s);
	pthread_mutex_unlock(&prof.lock);
	if (s->prof_ts.handle)
		d1_bo_free(s->dev, &s->prof_ts);
}

/* d1_device_close(): the streams left on the handle are unusable. */
void d1_prof_device_gone(d1_device *dev)
{
	unsigned int i = 0;

	while (i < prof.nstreams) {
		d1_stream *s = prof.streams[i];

		if (s->dev != dev) {
			i++;
			continue;
		}
		collect(s);
		pthread_mutex_lock(&prof.lock);
		untrack(s);
		pthread_mutex_unlock(&prof.lock);
	}
}

/* At exit: jobs never completed, then everything to the file at once. */
static void prof_flush(void)
{
	int fd;

	while (prof.nstreams)
		d1_prof_device_gone(prof.streams[0]->dev);
	pthread_mutex_lock(&prof.lock);
	d1_prof_on = 0;
	fclose(prof.buf);
	prof.buf = NULL;
	fd = open(prof.path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0 || flock(fd, LOCK_EX)) {
		fprintf(stderr, "libd1: profile %s: %s\n", prof.path,
			strerror(errno));
	} else {
		char head[64];
		int n = snprintf(head, sizeof(head), "d1prof %d %d\n",
				 PROF_FORMAT, (int)getpid());
		size_t off = 0;

		if (write(fd, head, (size_t)n) != n)
			off = prof.len + 1;
		while (off < prof.len) {
			ssize_t w = write(fd, prof.text + off, prof.len - off);

			if (w <= 0)
				break;
			off += (size_t)w;
		}
		if (off != prof.len)
			fprintf(stderr, "libd1: profile %s: short write\n",
				prof.path);
	}
	if (fd >= 0)
		close(fd);
	free(prof.text);
	free(prof.path);
	free(prof.streams);
	pthread_mutex_unlock(&prof.lock);
}

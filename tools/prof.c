// SPDX-License-Identifier: GPL-2.0
/*
 * d1-prof's analysis of a recorded run: the profile file libd1 writes
 * (libd1/profile.c; Documentation/accel/d1/profiling.rst), the trace JSON,
 * the per-node metrics and colour scale of the heatmap, the text summary.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "drm/d1_accel.h"
#include "prof.h"

#define MAX_FIELDS	40

const uint8_t prof_spare_rgb[3] = { 0x30, 0x30, 0x30 };

static int split(char *line, char **f)
{
	int n = 0;
	char *save, *t;

	for (t = strtok_r(line, " \n", &save); t && n < MAX_FIELDS;
	     t = strtok_r(NULL, " \n", &save))
		f[n++] = t;
	return n;
}

static uint64_t u64(const char *s)
{
	return strtoull(s, NULL, 10);
}

static struct prof_job *find_job(struct prof *p, int pid, uint64_t seq)
{
	unsigned int i;

	/* Lines of a job follow its J line: search from the end. */
	for (i = p->njobs; i-- > 0;)
		if (p->jobs[i].seq == seq && p->jobs[i].pid == pid)
			return &p->jobs[i];
	return NULL;
}

static int cmp_job(const void *a, const void *b)
{
	const struct prof_job *x = a, *y = b;

	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

static int grow(void **arr, unsigned int n, size_t size)
{
	void *m;

	/* capacity: 16, then doubled whenever full */
	if (n && (n < 16 || (n & (n - 1))))
		return 0;
	m = realloc(*arr, (n ? 2 * (size_t)n : 16) * size);
	if (!m)
		return -1;
	*arr = m;
	return 0;
}

static int parse_job(struct prof *p, char **f, int n)
{
	struct prof_job *j;

	if (n != 13 || grow((void **)&p->jobs, p->njobs, sizeof(*j)))
		return -1;
	j = &p->jobs[p->njobs++];
	memset(j, 0, sizeof(*j));
	j->pid = atoi(f[1]);
	j->seq = u64(f[2]);
	j->ctx = (unsigned int)u64(f[3]);
	j->queue = (unsigned int)u64(f[4]);
	j->op = (unsigned int)u64(f[5]);
	j->dir = (unsigned int)u64(f[6]);
	j->status = atoi(f[7]);
	j->host_ns = u64(f[8]);
	j->start = u64(f[9]);
	j->end = u64(f[10]);
	j->bytes = u64(f[11]);
	j->event = u64(f[12]);
	return 0;
}

static int parse_launch(struct prof *p, char **f, int n)
{
	struct prof_job *j;

	if (n != 13)
		return -1;
	j = find_job(p, atoi(f[1]), u64(f[2]));
	if (!j || j->launch)
		return -1;
	j->launch = 1;
	j->x0 = (unsigned int)u64(f[3]);
	j->y0 = (unsigned int)u64(f[4]);
	j->cols = (unsigned int)u64(f[5]);
	j->rows = (unsigned int)u64(f[6]);
	j->harts = (unsigned int)u64(f[7]);
	j->rstatus = (unsigned int)u64(f[8]);
	j->instret = u64(f[9]);
	j->cycles = u64(f[10]);
	j->counters = atoi(f[11]);
	snprintf(j->kernel, sizeof(j->kernel), "%s", f[12]);
	if (!j->cols || !j->rows || j->cols > 4096 || j->rows > 4096)
		return -1;
	j->nodes = calloc((size_t)j->cols * j->rows, sizeof(*j->nodes));
	return j->nodes ? 0 : -1;
}

static int parse_node(struct prof *p, char **f, int n)
{
	struct prof_job *j;
	struct prof_node *r;
	uint64_t idx;
	int i, k = 7;

	if (n != 26)
		return -1;
	j = find_job(p, atoi(f[1]), u64(f[2]));
	idx = u64(f[3]);
	if (!j || !j->nodes || idx >= (uint64_t)j->cols * j->rows)
		return -1;
	r = &j->nodes[idx];
	r->status = (unsigned int)u64(f[4]);
	r->exit_code = atoi(f[5]);
	r->fault = (unsigned int)u64(f[6]);
	r->cycles = u64(f[k++]);
	for (i = 0; i < 4; i++)
		r->instret[i] = u64(f[k++]);
	r->stall_dma = u64(f[k++]);
	r->stall_sem = u64(f[k++]);
	r->stall_barrier = u64(f[k++]);
	r->vec_ops = u64(f[k++]);
	r->mat_ops = u64(f[k++]);
	r->flops = u64(f[k++]);
	r->hbm_read = u64(f[k++]);
	r->hbm_write = u64(f[k++]);
	r->node_out = u64(f[k++]);
	r->node_in = u64(f[k++]);
	for (i = 0; i < 4; i++)
		r->link[i] = u64(f[k++]);
	if (idx + 1 > j->nnodes)
		j->nnodes = (unsigned int)idx + 1;
	return 0;
}

static int parse_wait(struct prof *p, char **f, int n)
{
	struct prof_job *j;
	uint64_t *w;

	if (n != 4)
		return -1;
	j = find_job(p, atoi(f[1]), u64(f[2]));
	if (!j)
		return -1;
	w = realloc(j->waits, (j->nwaits + 1) * sizeof(*w));
	if (!w)
		return -1;
	j->waits = w;
	w[j->nwaits++] = u64(f[3]);
	return 0;
}

static int parse_dev(struct prof *p, char **f, int n)
{
	struct prof_dev *d;

	if (n != 9 || grow((void **)&p->devs, p->ndevs, sizeof(*d)))
		return -1;
	d = &p->devs[p->ndevs++];
	d->pid = atoi(f[1]);
	d->ctx = (unsigned int)u64(f[2]);
	d->card = (unsigned int)u64(f[3]);
	d->rows = (unsigned int)u64(f[4]);
	d->cols = (unsigned int)u64(f[5]);
	d->nodes = (unsigned int)u64(f[6]);
	d->queues = (unsigned int)u64(f[7]);
	snprintf(d->pci, sizeof(d->pci), "%s", strcmp(f[8], "-") ? f[8] : "");
	return d->rows && d->cols && d->rows <= 4096 && d->cols <= 4096 ? 0 : -1;
}

int prof_load(struct prof *p, FILE *in, char *err, size_t errlen)
{
	char *line = NULL, *f[MAX_FIELDS];
	size_t cap = 0;
	unsigned int lineno = 0;
	int n, bad = 0;

	memset(p, 0, sizeof(*p));
	while (getline(&line, &cap, in) > 0) {
		lineno++;
		n = split(line, f);
		if (!n)
			continue;
		if (!strcmp(f[0], "d1prof"))
			bad = n < 2 || strcmp(f[1], "1");
		else if (!strcmp(f[0], "D"))
			bad = parse_dev(p, f, n);
		else if (!strcmp(f[0], "J"))
			bad = parse_job(p, f, n);
		else if (!strcmp(f[0], "L"))
			bad = parse_launch(p, f, n);
		else if (!strcmp(f[0], "N"))
			bad = parse_node(p, f, n);
		else if (!strcmp(f[0], "W"))
			bad = parse_wait(p, f, n);
		else
			bad = 1;
		if (bad)
			break;
	}
	free(line);
	if (bad) {
		snprintf(err, errlen, "malformed profile record at line %u",
			 lineno);
		prof_free(p);
		return -1;
	}
	if (p->njobs)
		qsort(p->jobs, p->njobs, sizeof(*p->jobs), cmp_job);
	return 0;
}

void prof_free(struct prof *p)
{
	unsigned int i;

	for (i = 0; i < p->njobs; i++) {
		free(p->jobs[i].nodes);
		free(p->jobs[i].waits);
	}
	free(p->jobs);
	free(p->devs);
	memset(p, 0, sizeof(*p));
}

const struct prof_dev *prof_dev_of(const struct prof *p,
				   const struct prof_job *j)
{
	unsigned int i;

	for (i = 0; i < p->ndevs; i++)
		if (p->devs[i].pid == j->pid && p->devs[i].ctx == j->ctx)
			return &p->devs[i];
	return NULL;
}

static unsigned int card_of(const struct prof *p, const struct prof_job *j)
{
	const struct prof_dev *d = prof_dev_of(p, j);

	return d ? d->card : 0;
}

void prof_json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static const char *const dir_name[] = { "copy", "copy HtoD", "copy DtoH",
					"copy DtoD" };

static const char *job_name(const struct prof_job *j)
{
	if (j->launch)
		return j->kernel;
	if (j->op == DRM_D1_CMD_COPY)
		return dir_name[j->dir < 4 ? j->dir : 0];
	if (j->op == DRM_D1_CMD_TIMESTAMP)
		return j->event ? "event" : "timestamp";
	if (j->op == DRM_D1_CMD_SIGNAL)
		return "signal";
	if (j->op == DRM_D1_CMD_WAIT)
		return "wait";
	return "job";
}

/* Node counters summed over a launch (the trace's launch args). */
static void launch_sums(const struct prof_job *j, struct prof_node *s,
			unsigned int *exited, unsigned int *faulted)
{
	unsigned int i, k;

	memset(s, 0, sizeof(*s));
	*exited = *faulted = 0;
	for (i = 0; i < j->nnodes; i++) {
		const struct prof_node *r = &j->nodes[i];

		if (r->status)
			(*faulted)++;
		else
			(*exited)++;
		s->cycles = r->cycles > s->cycles ? r->cycles : s->cycles;
		for (k = 0; k < 4; k++) {
			s->instret[k] += r->instret[k];
			s->link[k] += r->link[k];
		}
		s->stall_dma += r->stall_dma;
		s->stall_sem += r->stall_sem;
		s->stall_barrier += r->stall_barrier;
		s->vec_ops += r->vec_ops;
		s->mat_ops += r->mat_ops;
		s->flops += r->flops;
		s->hbm_read += r->hbm_read;
		s->hbm_write += r->hbm_write;
		s->node_out += r->node_out;
		s->node_in += r->node_in;
	}
}

static uint64_t first_start(const struct prof *p)
{
	uint64_t t0 = 0;
	unsigned int i;

	for (i = 0; i < p->njobs; i++)
		if (p->jobs[i].start && (!t0 || p->jobs[i].start < t0))
			t0 = p->jobs[i].start;
	return t0;
}

static double us(uint64_t ns, uint64_t t0)
{
	return (double)(ns - t0) / 1e3;
}

static const struct prof_job *event_job(const struct prof *p, int pid,
					uint64_t id)
{
	unsigned int i;

	for (i = 0; i < p->njobs; i++)
		if (p->jobs[i].pid == pid && p->jobs[i].event == id)
			return &p->jobs[i];
	return NULL;
}

static void trace_meta(const struct prof *p, FILE *out, const char **sep)
{
	unsigned int i, q;

	for (i = 0; i < p->ndevs; i++) {
		const struct prof_dev *d = &p->devs[i];
		unsigned int k;
		char name[96];

		for (k = 0; k < i; k++)
			if (p->devs[k].card == d->card)
				break;
		if (k < i)
			continue;	/* one process per card */
		snprintf(name, sizeof(name), "d1 card %u%s%s%s (%ux%u grid)",
			 d->card, d->pci[0] ? " (" : "", d->pci,
			 d->pci[0] ? ")" : "", d->cols, d->rows);
		fprintf(out, "%s{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":%u,\"args\":{\"name\":",
			*sep, d->card);
		prof_json_string(out, name);
		fputs("}}", out);
		*sep = ",\n";
		for (q = 0; q < d->queues; q++)
			fprintf(out, "%s{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":%u,\"tid\":%u,\"args\":{\"name\":\"queue %u\"}}",
				*sep, d->card, q, q);
	}
}

static void trace_launch_args(const struct prof_job *j, FILE *out)
{
	unsigned int exited, faulted, k;
	struct prof_node s;
	uint64_t instret = 0;

	launch_sums(j, &s, &exited, &faulted);
	fprintf(out, ",\"rectangle\":\"%ux%u at (%u,%u)\",\"harts\":%u,\"report_status\":%u,\"instret\":%" PRIu64
		",\"cycles\":%" PRIu64 ",\"sim_ms\":%.6f,\"nodes_exited\":%u,\"nodes_faulted\":%u",
		j->cols, j->rows, j->x0, j->y0, j->harts, j->rstatus,
		j->instret, j->cycles, (double)j->cycles / PROF_NODE_HZ * 1e3,
		exited, faulted);
	if (!j->counters)
		return;
	for (k = 0; k < 4; k++)
		instret += s.instret[k];
	fprintf(out, ",\"node_instret\":%" PRIu64 ",\"stall_dma\":%" PRIu64
		",\"stall_sem\":%" PRIu64 ",\"stall_barrier\":%" PRIu64
		",\"vec_ops\":%" PRIu64 ",\"mat_ops\":%" PRIu64 ",\"flops\":%" PRIu64
		",\"dma_hbm_read\":%" PRIu64 ",\"dma_hbm_write\":%" PRIu64
		",\"dma_node_out\":%" PRIu64 ",\"dma_node_in\":%" PRIu64
		",\"link_bytes\":%" PRIu64,
		instret, s.stall_dma, s.stall_sem, s.stall_barrier, s.vec_ops,
		s.mat_ops, s.flops, s.hbm_read, s.hbm_write, s.node_out,
		s.node_in, s.link[0] + s.link[1] + s.link[2] + s.link[3]);
}

void prof_write_trace(const struct prof *p, FILE *out)
{
	uint64_t t0 = first_start(p), h0 = 0;
	const char *sep = "";
	unsigned int i, k;

	for (i = 0; i < p->njobs; i++)
		if (!h0 || p->jobs[i].host_ns < h0)
			h0 = p->jobs[i].host_ns;
	fputs("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n", out);
	trace_meta(p, out, &sep);
	for (i = 0; i < p->njobs; i++) {
		const struct prof_job *j = &p->jobs[i];
		unsigned int card = card_of(p, j);

		if (!j->start || !j->end || j->end < j->start)
			continue;	/* no device times */
		fprintf(out, "%s{\"name\":", sep);
		sep = ",\n";
		prof_json_string(out, job_name(j));
		if (j->op == DRM_D1_CMD_TIMESTAMP) {
			/* the event's own stamp is between the two */
			fprintf(out, ",\"cat\":\"event\",\"ph\":\"i\",\"s\":\"t\",\"pid\":%u,\"tid\":%u,\"ts\":%.3f",
				card, j->queue, us(j->start, t0));
		} else {
			fprintf(out, ",\"cat\":\"%s\",\"ph\":\"X\",\"pid\":%u,\"tid\":%u,\"ts\":%.3f,\"dur\":%.3f",
				j->launch ? "launch" : "copy", card, j->queue,
				us(j->start, t0), (double)(j->end - j->start) / 1e3);
		}
		fprintf(out, ",\"args\":{\"seq\":%" PRIu64 ",\"process\":%d,\"context\":%u,\"status\":%d,\"host_submit_us\":%.3f",
			j->seq, j->pid, j->ctx, j->status, us(j->host_ns, h0));
		if (j->op == DRM_D1_CMD_COPY)
			fprintf(out, ",\"bytes\":%" PRIu64 ",\"GB/s\":%.3f",
				j->bytes, j->end > j->start ?
				(double)j->bytes / (double)(j->end - j->start) : 0.0);
		if (j->event)
			fprintf(out, ",\"event\":%" PRIu64, j->event);
		if (j->launch)
			trace_launch_args(j, out);
		fputs("}}", out);
		/* a flow from each event this job waited for to its start */
		for (k = 0; k < j->nwaits; k++) {
			const struct prof_job *e = event_job(p, j->pid, j->waits[k]);

			if (!e || !e->start)
				continue;
			fprintf(out, ",\n{\"name\":\"wait\",\"cat\":\"sync\",\"ph\":\"s\",\"id\":\"%d.%" PRIu64 ".%" PRIu64
				"\",\"pid\":%u,\"tid\":%u,\"ts\":%.3f}",
				j->pid, e->seq, j->seq, card_of(p, e), e->queue,
				us(e->start, t0));
			fprintf(out, ",\n{\"name\":\"wait\",\"cat\":\"sync\",\"ph\":\"f\",\"bp\":\"e\",\"id\":\"%d.%" PRIu64 ".%" PRIu64
				"\",\"pid\":%u,\"tid\":%u,\"ts\":%.3f}",
				j->pid, e->seq, j->seq, card, j->queue,
				us(j->start, t0));
		}
	}
	fputs("\n]}\n", out);
}

int prof_metric_parse(const char *name, enum prof_metric *m)
{
	static const char *const names[] = { "cycles", "util", "dma",
					     "stalls" };
	unsigned int i;

	for (i = 0; i < 4; i++)
		if (!strcmp(name, names[i])) {
			*m = (enum prof_metric)i;
			return 0;
		}
	return -1;
}

const char *prof_metric_name(enum prof_metric m)
{
	switch (m) {
	case PROF_CYCLES:
		return "cycles";
	case PROF_UTIL:
		return "util";
	case PROF_DMA:
		return "dma";
	case PROF_STALLS:
		return "stalls";
	}
	return "?";
}

static const struct prof_dev *card_dev(const struct prof *p,
				       unsigned int card)
{
	unsigned int i;

	for (i = 0; i < p->ndevs; i++)
		if (p->devs[i].card == card)
			return &p->devs[i];
	return NULL;
}

int prof_metric(const struct prof *p, unsigned int card,
		enum prof_metric metric, double **val, unsigned int *rows,
		unsigned int *cols, unsigned int *nodes, const char **what)
{
	const struct prof_dev *d = card_dev(p, card);
	double *num, *den;
	unsigned int i, k, n, counters = 0;

	if (!d)
		return -1;
	n = d->rows * d->cols;
	num = calloc(n, sizeof(*num));
	den = calloc(n, sizeof(*den));
	if (!num || !den) {
		free(num);
		free(den);
		return -1;
	}
	for (i = 0; i < p->njobs; i++) {
		const struct prof_job *j = &p->jobs[i];

		if (!j->launch || card_of(p, j) != card)
			continue;
		counters |= j->counters;
		for (k = 0; k < j->cols * j->rows; k++) {
			const struct prof_node *r = &j->nodes[k];
			unsigned int x = j->x0 + k % j->cols;
			unsigned int y = j->y0 + k / j->cols;
			uint64_t ins = r->instret[0] + r->instret[1] +
				       r->instret[2] + r->instret[3];
			/* without counters a node ran the launch's cycles */
			double cyc = (double)(j->counters ? r->cycles :
					      j->cycles);

			if (x >= d->cols || y >= d->rows)
				continue;
			switch (metric) {
			case PROF_CYCLES:
				num[y * d->cols + x] += cyc;
				break;
			case PROF_UTIL:
				num[y * d->cols + x] += j->counters ?
					(double)ins : cyc;
				den[y * d->cols + x] += j->counters ? cyc :
					(double)j->cycles;
				break;
			case PROF_DMA:
				num[y * d->cols + x] += (double)(r->hbm_read +
					r->hbm_write + r->node_out + r->node_in);
				break;
			case PROF_STALLS:
				num[y * d->cols + x] += (double)(r->stall_dma +
					r->stall_sem + r->stall_barrier);
				den[y * d->cols + x] += cyc;
				break;
			}
		}
	}
	if (metric == PROF_UTIL || metric == PROF_STALLS)
		for (k = 0; k < n; k++)
			num[k] = den[k] > 0 ? num[k] / den[k] : 0;
	free(den);
	*val = num;
	*rows = d->rows;
	*cols = d->cols;
	*nodes = d->nodes;
	switch (metric) {
	case PROF_CYCLES:
		*what = counters ? "modelled node cycles, summed over launches" :
			"launch cycles on the node, summed (no per-node counters)";
		break;
	case PROF_UTIL:
		*what = counters ? "instructions per cycle (issue slot use)" :
			"share of the launches' cycles (no per-node counters)";
		break;
	case PROF_DMA:
		*what = counters ? "DMA bytes (HBM and node to node)" :
			"DMA bytes (no per-node counters: all 0)";
		break;
	case PROF_STALLS:
		*what = counters ? "stalled share of cycles (DMA, semaphore, barrier)" :
			"stalled share of cycles (no per-node counters: all 0)";
		break;
	}
	return 0;
}

void prof_kernels(const struct prof *p, unsigned int card, char *buf,
		  size_t len)
{
	unsigned int i, k;
	size_t used = 0;

	buf[0] = '\0';
	for (i = 0; i < p->njobs; i++) {
		const struct prof_job *j = &p->jobs[i];

		if (!j->launch || card_of(p, j) != card)
			continue;
		for (k = 0; k < i; k++)
			if (p->jobs[k].launch && card_of(p, &p->jobs[k]) == card &&
			    !strcmp(p->jobs[k].kernel, j->kernel))
				break;
		if (k < i)
			continue;
		used += (size_t)snprintf(buf + used, used < len ? len - used : 0,
					 "%s%s", used ? ", " : "", j->kernel);
		if (used >= len)
			break;
	}
}

/* Viridis at 9 stops (matplotlib's), linearly interpolated. */
void prof_colour(double t, uint8_t rgb[3])
{
	static const uint8_t stops[9][3] = {
		{ 68, 1, 84 }, { 71, 44, 122 }, { 59, 81, 139 },
		{ 44, 113, 142 }, { 33, 144, 141 }, { 39, 173, 129 },
		{ 92, 200, 99 }, { 170, 220, 50 }, { 253, 231, 37 },
	};
	double x, f;
	unsigned int i, c;

	if (!(t > 0))
		t = 0;		/* also NaN */
	if (t > 1)
		t = 1;
	x = t * 8;
	i = (unsigned int)x;
	if (i >= 8)
		i = 7;
	f = x - i;
	for (c = 0; c < 3; c++)
		rgb[c] = (uint8_t)lround(stops[i][c] +
					 f * (stops[i + 1][c] - stops[i][c]));
}

/* --- text summary --- */

struct ksum {
	char name[64];
	unsigned int calls;
	double dev_ns, sim_cycles;
};

static void summary_kernels(const struct prof *p, FILE *out)
{
	struct ksum *k = calloc(p->njobs ? p->njobs : 1, sizeof(*k));
	unsigned int i, n = 0, m;

	if (!k)
		return;
	for (i = 0; i < p->njobs; i++) {
		const struct prof_job *j = &p->jobs[i];

		if (!j->launch)
			continue;
		for (m = 0; m < n && strcmp(k[m].name, j->kernel); m++)
			;
		if (m == n)
			snprintf(k[n++].name, sizeof(k[0].name), "%s", j->kernel);
		k[m].calls++;
		k[m].dev_ns += j->end > j->start ? (double)(j->end - j->start) : 0;
		k[m].sim_cycles += (double)j->cycles;
	}
	fprintf(out, "%-24s %6s %13s %13s %13s %13s\n", "kernel", "calls",
		"device total", "device mean", "sim. total", "sim. mean");
	for (m = 0; m < n; m++)
		fprintf(out, "%-24s %6u %10.3f ms %10.3f ms %10.6f ms %10.6f ms\n",
			k[m].name, k[m].calls, k[m].dev_ns / 1e6,
			k[m].dev_ns / 1e6 / k[m].calls,
			k[m].sim_cycles / PROF_NODE_HZ * 1e3,
			k[m].sim_cycles / PROF_NODE_HZ * 1e3 / k[m].calls);
	if (!n)
		fputs("(no launches)\n", out);
	free(k);
}

static void summary_copies(const struct prof *p, FILE *out)
{
	unsigned int i, d;

	for (d = 1; d < 4; d++) {
		uint64_t bytes = 0, ns = 0;
		unsigned int n = 0;

		for (i = 0; i < p->njobs; i++) {
			const struct prof_job *j = &p->jobs[i];

			if (j->op != DRM_D1_CMD_COPY || j->dir != d)
				continue;
			n++;
			bytes += j->bytes;
			ns += j->end > j->start ? j->end - j->start : 0;
		}
		if (n)
			fprintf(out, "%-10s %6u copies %12" PRIu64 " bytes %10.3f ms %8.3f GB/s\n",
				dir_name[d] + 5, n, bytes, (double)ns / 1e6,
				ns ? (double)bytes / (double)ns : 0.0);
	}
}

static void summary_counters(const struct prof *p, FILE *out)
{
	struct prof_node t, s;
	double node_cycles = 0, grid_cycles = 0, stalls;
	unsigned int i, k, exited, faulted, launches = 0, counters = 0;
	uint64_t dma;

	memset(&t, 0, sizeof(t));
	for (i = 0; i < p->njobs; i++) {
		const struct prof_job *j = &p->jobs[i];

		if (!j->launch)
			continue;
		launches++;
		if (!j->counters)
			continue;
		counters++;
		launch_sums(j, &s, &exited, &faulted);
		for (k = 0; k < j->nnodes; k++)
			node_cycles += (double)j->nodes[k].cycles;
		grid_cycles += (double)j->cycles;
		t.flops += s.flops;
		t.mat_ops += s.mat_ops;
		t.vec_ops += s.vec_ops;
		t.stall_dma += s.stall_dma;
		t.stall_sem += s.stall_sem;
		t.stall_barrier += s.stall_barrier;
		t.hbm_read += s.hbm_read;
		t.hbm_write += s.hbm_write;
		t.node_out += s.node_out;
		for (k = 0; k < 4; k++)
			t.link[k] += s.link[k];
	}
	if (!launches)
		return;
	if (!counters) {
		fputs("FLOP/cycle, DMA bandwidth and stalls: no per-node counters in the launch reports\n",
		      out);
		return;
	}
	fprintf(out, "compute    %.3g FLOP in %.3g node cycles: %.3f FLOP/cycle per node (peak %d BF16 vmma, %d FP32)\n",
		(double)t.flops, node_cycles,
		node_cycles > 0 ? (double)t.flops / node_cycles : 0.0,
		PROF_PEAK_FLOP_BF16, PROF_PEAK_FLOP_FP32);
	dma = t.hbm_read + t.hbm_write;
	fprintf(out, "HBM DMA    %" PRIu64 " bytes: %.3f GB/s over the launches' simulated time (model limit %.0f GB/s)\n",
		dma, grid_cycles > 0 ? (double)dma / (grid_cycles / PROF_NODE_HZ) / 1e9 : 0.0,
		PROF_HBM_GBS);
	fprintf(out, "mesh       %" PRIu64 " bytes node to node, %" PRIu64 " on links (limit %.0f GB/s per link and direction)\n",
		t.node_out, t.link[0] + t.link[1] + t.link[2] + t.link[3],
		PROF_LINK_GBS);
	stalls = (double)(t.stall_dma + t.stall_sem + t.stall_barrier);
	fprintf(out, "stalls     %.1f%% of node cycles", node_cycles > 0 ?
		100 * stalls / node_cycles : 0.0);
	if (stalls > 0) {
		struct { const char *n; uint64_t v; } c[3] = {
			{ "DMA wait", t.stall_dma }, { "semaphore", t.stall_sem },
			{ "barrier", t.stall_barrier },
		};

		/* largest first */
		for (i = 0; i < 3; i++)
			for (k = i + 1; k < 3; k++)
				if (c[k].v > c[i].v) {
					typeof(c[0]) x = c[i];

					c[i] = c[k];
					c[k] = x;
				}
		fputs(":", out);
		for (i = 0; i < 3 && c[i].v; i++)
			fprintf(out, "%s %s %.1f%%", i ? "," : "", c[i].n,
				100 * (double)c[i].v / stalls);
	}
	fputc('\n', out);
}

void prof_summary(const struct prof *p, FILE *out)
{
	unsigned int i, unfinished = 0, failed = 0;

	for (i = 0; i < p->njobs; i++) {
		if (p->jobs[i].status < 0)
			unfinished++;
		else if (p->jobs[i].status)
			failed++;
	}
	fprintf(out, "== d1-prof: %u jobs", p->njobs);
	if (failed)
		fprintf(out, ", %u failed", failed);
	if (unfinished)
		fprintf(out, ", %u not completed by the program", unfinished);
	fputc('\n', out);
	summary_kernels(p, out);
	summary_copies(p, out);
	summary_counters(p, out);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * d1-prof - run a libd1 program and profile its work on the card.
 *
 *   d1-prof [--trace OUT.json] [--heatmap OUT.png] [--metric M]
 *           [--metrics OUT.csv] [--timeline OUT.png] [--summary]
 *           [--raw OUT] -- PROGRAM [ARG]...
 *
 * Runs PROGRAM with D1_PROF_OUT naming a temporary file: libd1 records
 * every job there (libd1/profile.c).  Then writes the timeline (Chrome
 * trace-event JSON), the grid heatmap of metric M (cycles, util, dma,
 * stalls; PNG drawn with cairo) and its values as CSV, the timeline as a
 * picture, and the summary
 * (the default when no output is asked for) to stderr.
 *
 * Exit: PROGRAM's exit status (128 + signal when killed); 127 PROGRAM not
 * found; 2 the profile could not be read or written; 64 bad usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cairo.h>

#include "prof.h"

#define EXIT_ERROR	2
#define EXIT_USAGE	64
#define EXIT_NOTFOUND	127

/* Heatmap geometry (profiling.rst): cells of CELL px, legend on the right. */
#define CELL		28
#define MARGIN_L	40
#define MARGIN_T	60
#define MARGIN_B	40
#define LEGEND_W	120

static void usage(FILE *f)
{
	fprintf(f,
		"usage: d1-prof [options] -- PROGRAM [ARG]...\n"
		"  -t, --trace=FILE     timeline as Chrome trace-event JSON\n"
		"                       (Perfetto, chrome://tracing)\n"
		"  -H, --heatmap=FILE   PNG of the node grid coloured by --metric\n"
		"  -m, --metric=M       cycles (default), util, dma or stalls\n"
		"  -c, --metrics=FILE   the heatmap's per-node values as CSV\n"
		"  -s, --summary        time per kernel, copies, FLOP/cycle,\n"
		"                       DMA and stalls on stderr (the default\n"
		"                       when no file is asked for)\n"
		"  -r, --raw=FILE       keep libd1's records\n"
		"  -T, --timeline=FILE  the trace drawn as a PNG\n"
		"  -d, --device=N       card of the heatmap (default: the first)\n"
		"Exit: PROGRAM's status; 127 not found; 2 profile error; 64 usage.\n");
}

/* Runs @argv with D1_PROF_OUT=@path; its exit status as a shell gives it. */
static int run(char **argv, const char *path)
{
	int fds[2], st, err = 0;
	pid_t pid;

	/* The child reports a failed exec through a close-on-exec pipe. */
	if (pipe2(fds, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		close(fds[0]);
		setenv("D1_PROF_OUT", path, 1);
		execvp(argv[0], argv);
		err = errno;
		if (write(fds[1], &err, sizeof(err)) < 0)
			_exit(EXIT_NOTFOUND);
		_exit(EXIT_NOTFOUND);
	}
	close(fds[1]);
	/* The program's own signals (^C) are for it; wait for its end. */
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	if (read(fds[0], &err, sizeof(err)) != sizeof(err))
		err = 0;
	close(fds[0]);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (err) {
		fprintf(stderr, "d1-prof: %s: %s\n", argv[0], strerror(err));
		return err == ENOENT ? EXIT_NOTFOUND : 126;
	}
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return WEXITSTATUS(st);
}

static void cell_rgb(double v, double lo, double hi, uint8_t rgb[3])
{
	prof_colour(hi > lo ? (v - lo) / (hi - lo) : 0, rgb);
}

static void set_rgb(cairo_t *cr, const uint8_t rgb[3])
{
	cairo_set_source_rgb(cr, rgb[0] / 255.0, rgb[1] / 255.0, rgb[2] / 255.0);
}

static void text(cairo_t *cr, double x, double y, double size, const char *s)
{
	cairo_set_font_size(cr, size);
	cairo_move_to(cr, x, y);
	cairo_show_text(cr, s);
}

/* Writes the picture drawn on @sf to @path and frees both. */
static int finish_png(cairo_t *cr, cairo_surface_t *sf, const char *path)
{
	int ret = 0;

	cairo_destroy(cr);
	if (cairo_surface_write_to_png(sf, path) != CAIRO_STATUS_SUCCESS) {
		fprintf(stderr, "d1-prof: %s: cannot write the PNG\n", path);
		ret = -1;
	}
	cairo_surface_destroy(sf);
	return ret;
}

/*
 * The heatmap: one CELL-px square per node at (MARGIN_L + x * CELL,
 * MARGIN_T + y * CELL), row 0 at the top; spare nodes dark grey with a
 * cross in the corner; the colour bar from @lo (bottom) to @hi (top).
 */
static int heatmap(const char *path, const double *val, unsigned int rows,
		   unsigned int cols, unsigned int nodes, const char *title,
		   const char *what, double lo, double hi)
{
	int w = MARGIN_L + (int)cols * CELL + LEGEND_W;
	int h = MARGIN_T + (int)rows * CELL + MARGIN_B;
	cairo_surface_t *sf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
	cairo_t *cr = cairo_create(sf);
	unsigned int x, y, i;
	double bx = MARGIN_L + cols * CELL + 20, bh = rows * CELL;
	char label[64];
	uint8_t rgb[3];

	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
			       CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_antialias(cr, CAIRO_ANTIALIAS_NONE);
	for (y = 0; y < rows; y++)
		for (x = 0; x < cols; x++) {
			i = y * cols + x;
			if (i < nodes)
				cell_rgb(val[i], lo, hi, rgb);
			set_rgb(cr, i < nodes ? rgb : prof_spare_rgb);
			cairo_rectangle(cr, MARGIN_L + x * CELL,
					MARGIN_T + y * CELL, CELL - 1, CELL - 1);
			cairo_fill(cr);
			if (i >= nodes) {	/* spare: a small cross */
				cairo_set_source_rgb(cr, 0.75, 0.75, 0.75);
				cairo_move_to(cr, MARGIN_L + x * CELL + 3,
					      MARGIN_T + y * CELL + 3);
				cairo_rel_line_to(cr, 6, 6);
				cairo_move_to(cr, MARGIN_L + x * CELL + 9,
					      MARGIN_T + y * CELL + 3);
				cairo_rel_line_to(cr, -6, 6);
				cairo_set_line_width(cr, 1);
				cairo_stroke(cr);
			}
		}
	/* colour bar */
	for (i = 0; i < (unsigned int)bh; i++) {
		prof_colour(1.0 - (double)i / (bh - 1), rgb);
		set_rgb(cr, rgb);
		cairo_rectangle(cr, bx, MARGIN_T + i, 18, 1);
		cairo_fill(cr);
	}
	cairo_set_antialias(cr, CAIRO_ANTIALIAS_DEFAULT);
	cairo_set_source_rgb(cr, 0, 0, 0);
	snprintf(label, sizeof(label), "%.4g", hi);
	text(cr, bx + 22, MARGIN_T + 10, 11, label);
	snprintf(label, sizeof(label), "%.4g", lo);
	text(cr, bx + 22, MARGIN_T + bh, 11, label);
	text(cr, MARGIN_L, 22, 15, title);
	text(cr, MARGIN_L, 42, 11, what);
	/* axes: every 5th column and row */
	for (x = 0; x < cols; x += 5) {
		snprintf(label, sizeof(label), "%u", x);
		text(cr, MARGIN_L + x * CELL + 8, MARGIN_T + rows * CELL + 14, 10,
		     label);
	}
	for (y = 0; y < rows; y += 5) {
		snprintf(label, sizeof(label), "%u", y);
		text(cr, 12, MARGIN_T + y * CELL + 18, 10, label);
	}
	set_rgb(cr, prof_spare_rgb);
	cairo_rectangle(cr, MARGIN_L, MARGIN_T + rows * CELL + 22, 12, 12);
	cairo_fill(cr);
	cairo_set_source_rgb(cr, 0, 0, 0);
	text(cr, MARGIN_L + 18, MARGIN_T + rows * CELL + 32, 10,
	     "spare node (not usable)");
	return finish_png(cr, sf, path);
}

/* Timeline picture: lanes of LANE_H px, one per queue a job ran on. */
#define TL_W		1000
#define TL_LEFT		110
#define LANE_H		34

static const double tl_copy[4][3] = {
	{ 0.6, 0.6, 0.6 }, { 0.27, 0.51, 0.71 }, { 0.87, 0.52, 0.19 },
	{ 0.55, 0.42, 0.69 },
};

/*
 * The trace as a picture (what Perfetto shows, without it): per queue a
 * lane, copies coloured by direction, launches green with their kernel,
 * event records as ticks, waits as arrows from the event to the job.
 */
static int timeline(const struct prof *p, const char *path)
{
	unsigned int lanes[64][2], nl = 0, i, k, l;
	uint64_t t0 = 0, t1 = 0;
	cairo_surface_t *sf;
	double span, sx, v;
	char label[96];
	cairo_t *cr;
	int h;

	for (i = 0; i < p->njobs; i++) {
		const struct prof_job *j = &p->jobs[i];
		const struct prof_dev *d = prof_dev_of(p, j);
		unsigned int card = d ? d->card : 0;

		if (!j->start || j->end < j->start)
			continue;
		t0 = !t0 || j->start < t0 ? j->start : t0;
		t1 = j->end > t1 ? j->end : t1;
		for (l = 0; l < nl; l++)
			if (lanes[l][0] == card && lanes[l][1] == j->queue)
				break;
		if (l == nl && nl < 64) {
			lanes[nl][0] = card;
			lanes[nl++][1] = j->queue;
		}
	}
	h = 70 + (int)nl * LANE_H + 30;
	sf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, TL_W, h);
	cr = cairo_create(sf);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
			       CAIRO_FONT_WEIGHT_NORMAL);
	span = t1 > t0 ? (double)(t1 - t0) : 1;
	sx = (TL_W - TL_LEFT - 40) / span;
	cairo_set_source_rgb(cr, 0, 0, 0);
	text(cr, 10, 22, 15, "d1-prof timeline (device time)");
	for (k = 0; k <= 10; k++) {	/* time axis */
		double x = TL_LEFT + k * (TL_W - TL_LEFT - 40) / 10.0;

		cairo_set_source_rgb(cr, 0.85, 0.85, 0.85);
		cairo_move_to(cr, x, 50);
		cairo_line_to(cr, x, 60 + nl * LANE_H);
		cairo_set_line_width(cr, 1);
		cairo_stroke(cr);
		cairo_set_source_rgb(cr, 0, 0, 0);
		v = span * k / 10 / 1e6;
		snprintf(label, sizeof(label), v >= 100 || !k ? "%.0f ms" :
			 v >= 1 ? "%.1f ms" : "%.3f ms", v);
		text(cr, x - 12, 46, 10, label);
	}
	for (l = 0; l < nl; l++) {
		snprintf(label, sizeof(label), "card %u queue %u", lanes[l][0],
			 lanes[l][1]);
		cairo_set_source_rgb(cr, 0, 0, 0);
		text(cr, 8, 60 + l * LANE_H + 20, 11, label);
	}
	for (i = 0; i < p->njobs; i++) {
		const struct prof_job *j = &p->jobs[i];
		const struct prof_dev *d = prof_dev_of(p, j);
		unsigned int card = d ? d->card : 0;
		double x, w, y;

		if (!j->start || j->end < j->start)
			continue;
		for (l = 0; l < nl; l++)
			if (lanes[l][0] == card && lanes[l][1] == j->queue)
				break;
		if (l == nl)
			continue;
		x = TL_LEFT + (double)(j->start - t0) * sx;
		w = (double)(j->end - j->start) * sx;
		y = 60 + l * LANE_H + 4;
		if (j->event) {
			cairo_set_source_rgb(cr, 0.8, 0.1, 0.1);
			cairo_rectangle(cr, x, y - 2, 1.5, LANE_H - 4);
		} else if (j->launch) {
			cairo_set_source_rgb(cr, 0.30, 0.65, 0.35);
			cairo_rectangle(cr, x, y, w > 1 ? w : 1, LANE_H - 8);
		} else {
			const double *c = tl_copy[j->dir < 4 ? j->dir : 0];

			cairo_set_source_rgb(cr, c[0], c[1], c[2]);
			cairo_rectangle(cr, x, y, w > 1 ? w : 1, LANE_H - 8);
		}
		cairo_fill(cr);
		if (j->launch && w > 40) {
			cairo_set_source_rgb(cr, 1, 1, 1);
			text(cr, x + 3, y + 16, 10, j->kernel);
		}
		for (k = 0; k < j->nwaits; k++) {
			unsigned int e, el;

			for (e = 0; e < p->njobs; e++)
				if (p->jobs[e].pid == j->pid &&
				    p->jobs[e].event == j->waits[k])
					break;
			if (e == p->njobs || !p->jobs[e].start)
				continue;
			for (el = 0; el < nl; el++)
				if (lanes[el][1] == p->jobs[e].queue &&
				    lanes[el][0] == card)
					break;
			if (el == nl)
				continue;
			cairo_set_source_rgb(cr, 0.8, 0.1, 0.1);
			cairo_set_line_width(cr, 0.8);
			cairo_move_to(cr, TL_LEFT + (double)(p->jobs[e].start - t0) * sx,
				      60 + el * LANE_H + LANE_H / 2);
			cairo_line_to(cr, x, y + (LANE_H - 8) / 2);
			cairo_stroke(cr);
		}
	}
	/* legend */
	for (k = 1; k < 4; k++) {
		cairo_set_source_rgb(cr, tl_copy[k][0], tl_copy[k][1],
				     tl_copy[k][2]);
		cairo_rectangle(cr, TL_LEFT + (k - 1) * 120, h - 22, 12, 12);
		cairo_fill(cr);
		cairo_set_source_rgb(cr, 0, 0, 0);
		text(cr, TL_LEFT + (k - 1) * 120 + 16, h - 12, 10,
		     k == 1 ? "copy HtoD" : k == 2 ? "copy DtoH" : "copy DtoD");
	}
	cairo_set_source_rgb(cr, 0.30, 0.65, 0.35);
	cairo_rectangle(cr, TL_LEFT + 360, h - 22, 12, 12);
	cairo_fill(cr);
	cairo_set_source_rgb(cr, 0, 0, 0);
	text(cr, TL_LEFT + 376, h - 12, 10, "launch");
	cairo_set_source_rgb(cr, 0.8, 0.1, 0.1);
	cairo_rectangle(cr, TL_LEFT + 460, h - 22, 2, 12);
	cairo_fill(cr);
	cairo_set_source_rgb(cr, 0, 0, 0);
	text(cr, TL_LEFT + 466, h - 12, 10, "event record / wait");
	return finish_png(cr, sf, path);
}

/* The heatmap and/or its CSV for @card. */
static int grid_outputs(const struct prof *p, unsigned int card,
			enum prof_metric m, const char *png, const char *csv)
{
	unsigned int rows, cols, nodes, i;
	const char *what;
	char kernels[256], title[384];
	double *val, lo = 0, hi = 0;
	int ret = 0;

	if (prof_metric(p, card, m, &val, &rows, &cols, &nodes, &what)) {
		fprintf(stderr, "d1-prof: the program used no card %u\n", card);
		return -1;
	}
	for (i = 0; i < nodes && i < rows * cols; i++)
		if (val[i] > hi)
			hi = val[i];
	prof_kernels(p, card, kernels, sizeof(kernels));
	snprintf(title, sizeof(title), "d1 card %u: %s - %s", card,
		 prof_metric_name(m), kernels[0] ? kernels : "no launches");
	if (png && heatmap(png, val, rows, cols, nodes, title, what, lo, hi))
		ret = -1;
	if (csv) {
		FILE *f = fopen(csv, "w");
		uint8_t rgb[3];

		if (!f) {
			fprintf(stderr, "d1-prof: %s: %s\n", csv, strerror(errno));
			free(val);
			return -1;
		}
		fprintf(f, "# %s\n# metric %s, scale %g..%g, cell %d px at (%d + x*%d, %d + y*%d)\n",
			what, prof_metric_name(m), lo, hi, CELL, MARGIN_L, CELL,
			MARGIN_T, CELL);
		fputs("x,y,usable,value,r,g,b\n", f);
		for (i = 0; i < rows * cols; i++) {
			if (i < nodes)
				cell_rgb(val[i], lo, hi, rgb);
			else
				memcpy(rgb, prof_spare_rgb, 3);
			fprintf(f, "%u,%u,%d,%.17g,%u,%u,%u\n", i % cols,
				i / cols, i < nodes, i < nodes ? val[i] : 0.0,
				rgb[0], rgb[1], rgb[2]);
		}
		if (fclose(f))
			ret = -1;
	}
	free(val);
	return ret;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "trace", required_argument, NULL, 't' },
		{ "heatmap", required_argument, NULL, 'H' },
		{ "metric", required_argument, NULL, 'm' },
		{ "metrics", required_argument, NULL, 'c' },
		{ "summary", no_argument, NULL, 's' },
		{ "raw", required_argument, NULL, 'r' },
		{ "timeline", required_argument, NULL, 'T' },
		{ "device", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *trace = NULL, *png = NULL, *csv = NULL, *raw = NULL;
	const char *tl = NULL;
	char path[4096] = "/tmp/d1-prof.XXXXXX", err[128];
	enum prof_metric metric = PROF_CYCLES;
	int c, summary = 0, status, fd, ret = 0;
	unsigned int card = 0;
	int have_card = 0;
	struct prof p;
	FILE *f;

	while ((c = getopt_long(argc, argv, "+t:H:m:c:sr:T:d:h", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			trace = optarg;
			break;
		case 'H':
			png = optarg;
			break;
		case 'm':
			if (prof_metric_parse(optarg, &metric)) {
				fprintf(stderr, "d1-prof: unknown metric '%s' (cycles, util, dma, stalls)\n",
					optarg);
				return EXIT_USAGE;
			}
			break;
		case 'c':
			csv = optarg;
			break;
		case 's':
			summary = 1;
			break;
		case 'r':
			raw = optarg;
			break;
		case 'T':
			tl = optarg;
			break;
		case 'd':
			card = (unsigned int)strtoul(optarg, NULL, 0);
			have_card = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!trace && !png && !csv && !raw && !tl)
		summary = 1;

	/* libd1 appends to the file: start from an empty one */
	if (raw)
		fd = open(raw, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	else
		fd = mkstemp(path);
	if (fd < 0) {
		fprintf(stderr, "d1-prof: %s: %s\n", raw ? raw : path,
			strerror(errno));
		return EXIT_ERROR;
	}
	close(fd);
	if (raw && snprintf(path, sizeof(path), "%s", raw) >= (int)sizeof(path)) {
		fprintf(stderr, "d1-prof: %s: name too long\n", raw);
		return EXIT_USAGE;
	}
	status = run(argv + optind, path);
	if (status < 0) {
		fprintf(stderr, "d1-prof: cannot run %s: %s\n", argv[optind],
			strerror(errno));
		status = EXIT_ERROR;
		goto out;
	}
	if (status == EXIT_NOTFOUND || status == 126)
		goto out;
	f = fopen(path, "r");
	if (!f || prof_load(&p, f, err, sizeof(err))) {
		fprintf(stderr, "d1-prof: profile of %s: %s\n", argv[optind],
			f ? err : strerror(errno));
		if (f)
			fclose(f);
		ret = -1;
		goto out;
	}
	fclose(f);
	if (!p.njobs)
		fprintf(stderr, "d1-prof: %s did no work on a d1 card (no device, or not a libd1 program)\n",
			argv[optind]);
	if (trace) {
		f = fopen(trace, "w");
		if (f) {
			prof_write_trace(&p, f);
			if (fclose(f))
				f = NULL;
		}
		if (!f) {
			fprintf(stderr, "d1-prof: %s: %s\n", trace, strerror(errno));
			ret = -1;
		}
	}
	if ((png || csv) && !p.njobs)
		ret = -1;
	if ((png || csv) && p.njobs) {
		if (!have_card && p.ndevs)
			card = p.devs[0].card;
		if (grid_outputs(&p, card, metric, png, csv))
			ret = -1;
	}
	if (tl && timeline(&p, tl))
		ret = -1;
	if (summary)
		prof_summary(&p, stderr);
	prof_free(&p);
out:
	if (!raw)
		unlink(path);
	/* The program's status first; our own failure only when it passed. */
	if (status == 0 && ret)
		return EXIT_ERROR;
	return status;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * d1-prof in the VM on a libd1 example: the trace JSON parses, its jobs
 * are those libd1 recorded, in the order the program issued them and not
 * overlapping on a queue, copies with their bytes, the heatmap's values
 * are the launches' cycles on their rectangles (prof_check.py); the PNG
 * has the documented size and one cell per node of the card's mesh in
 * the colour of its value (spares apart); the program's exit status comes
 * back, a missing program and bad usage are errors.  This program is
 * also profiled itself (worker modes, see main()): copies from several
 * threads, and work a program never waits for nor releases.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cairo.h>

#include "prof.h"
#include "sdk_test.h"
#include "kselftest_harness.h"

/* d1-prof's heatmap geometry (profiling.rst) */
#define CELL		28
#define MARGIN_L	40
#define MARGIN_T	60
#define MARGIN_B	40
#define LEGEND_W	120

static int sh(const char *cmd)
{
	int st = system(cmd);

	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

FIXTURE(prof) {
	char dir[64];
	struct d1_device_info info;
};

FIXTURE_SETUP(prof)
{
	d1_device *dev;

	SDK_SETUP(dev);
	ASSERT_EQ(D1_SUCCESS, d1_device_info(dev, &self->info));
	d1_device_close(dev);
	use_test_cache();
	snprintf(self->dir, sizeof(self->dir), "/tmp/d1prof.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
}

FIXTURE_TEARDOWN(prof)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", self->dir);
	if (self->dir[0])
		system(cmd);
}

/* d1-prof on example @name: all outputs in the fixture's directory. */
static int profile(const char *dir, const char *name)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd),
		 "%s/d1-prof --trace %s/t.json --heatmap %s/h.png --metrics %s/h.csv --raw %s/raw --timeline %s/t.png --summary -- %s/%s >%s/out 2>&1",
		 D1_BIN_DIR, dir, dir, dir, dir, dir, D1_EXAMPLES_DIR, name,
		 dir);
	return sh(cmd);
}

static void show(struct __test_metadata *_metadata, const char *path)
{
	char line[512];
	FILE *f = fopen(path, "r");

	while (f && fgets(line, sizeof(line), f))
		TH_LOG("%s", strtok(line, "\n") ? line : "");
	if (f)
		fclose(f);
}

/*
 * The PNG against the CSV: size, then per cell the pixel at its centre
 * is the colour of its value on the scale (0..max), or the spare colour.
 */
static void check_png(struct __test_metadata *_metadata, const char *dir,
		      const struct d1_device_info *info)
{
	unsigned int x, y, usable, cells = 0, nusable = 0, r, g, b;
	char path[128], line[256];
	cairo_surface_t *s;
	double v, max = 0;
	const uint8_t *px;
	int stride;
	FILE *f;

	snprintf(path, sizeof(path), "%s/h.png", dir);
	s = cairo_image_surface_create_from_png(path);
	ASSERT_EQ(CAIRO_STATUS_SUCCESS, cairo_surface_status(s));
	EXPECT_EQ(MARGIN_L + (int)info->grid_cols * CELL + LEGEND_W,
		  cairo_image_surface_get_width(s));
	EXPECT_EQ(MARGIN_T + (int)info->grid_rows * CELL + MARGIN_B,
		  cairo_image_surface_get_height(s));
	cairo_surface_flush(s);
	px = cairo_image_surface_get_data(s);
	stride = cairo_image_surface_get_stride(s);

	snprintf(path, sizeof(path), "%s/h.csv", dir);
	f = fopen(path, "r");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%u,%u,%u,%lf", &x, &y, &usable, &v) == 4 &&
		    v > max)
			max = v;
	rewind(f);
	while (fgets(line, sizeof(line), f)) {
		const uint8_t *p;
		uint8_t want[3];

		if (sscanf(line, "%u,%u,%u,%lf,%u,%u,%u", &x, &y, &usable, &v,
			   &r, &g, &b) != 7)
			continue;
		ASSERT_LT(x, info->grid_cols);
		ASSERT_LT(y, info->grid_rows);
		EXPECT_EQ(y * info->grid_cols + x < info->node_count, usable);
		cells++;
		nusable += usable;
		if (usable)
			prof_colour(max > 0 ? v / max : 0, want);
		else
			memcpy(want, prof_spare_rgb, 3);
		/* RGB24: 0x00RRGGBB in native (little) endian words */
		p = px + (MARGIN_T + y * CELL + CELL / 2) * stride +
		    4 * (MARGIN_L + x * CELL + CELL / 2);
		EXPECT_EQ(want[0], p[2]) TH_LOG("cell %u,%u", x, y);
		EXPECT_EQ(want[1], p[1]) TH_LOG("cell %u,%u", x, y);
		EXPECT_EQ(want[2], p[0]) TH_LOG("cell %u,%u", x, y);
		EXPECT_EQ(want[0], r);
		EXPECT_EQ(want[1], g);
		EXPECT_EQ(want[2], b);
	}
	fclose(f);
	cairo_surface_destroy(s);
	EXPECT_EQ(info->grid_rows * info->grid_cols, cells);
	EXPECT_EQ(info->node_count, nusable);
	EXPECT_GT(max, 0);
}

static void check_outputs(struct __test_metadata *_metadata, const char *dir,
			  unsigned long copy_bytes, int launches, int waits)
{
	char cmd[1024];
	int st;

	snprintf(cmd, sizeof(cmd),
		 "/usr/bin/python3 %s/prof_check.py %s/t.json %s/raw %s/h.csv %lu %d %d >%s/check 2>&1",
		 D1_TEST_DIR, dir, dir, dir, copy_bytes, launches, waits, dir);
	st = sh(cmd);
	snprintf(cmd, sizeof(cmd), "%s/check", dir);
	show(_metadata, cmd);
	EXPECT_EQ(0, st);
}

/*
 * libd1/examples/pipeline.c: a copy stream and a compute stream (two
 * queues) in 8 chunks of 1 MiB, each launch waiting for its chunk's copy
 * event, each copy back for its launch's.
 */
TEST_F_TIMEOUT(prof, pipeline, 300)
{
	char path[128], cmd[256], line[256];
	cairo_surface_t *s;
	int st, waits = 0;
	FILE *f;

	st = profile(self->dir, "pipeline");
	snprintf(path, sizeof(path), "%s/out", self->dir);
	show(_metadata, path);
	ASSERT_EQ(0, st);
	/* every wait libd1 recorded is a flow in the trace */
	snprintf(cmd, sizeof(cmd), "grep -c '^W ' %s/raw", self->dir);
	f = popen(cmd, "r");
	ASSERT_NE(NULL, f);
	if (fgets(line, sizeof(line), f))
		waits = atoi(line);
	pclose(f);
	EXPECT_GE(waits, 8);
	check_outputs(_metadata, self->dir, 1ul << 20, 8, waits);
	check_png(_metadata, self->dir, &self->info);
	/* the timeline picture: 1000 px wide, a lane for each of 2 queues */
	snprintf(path, sizeof(path), "%s/t.png", self->dir);
	s = cairo_image_surface_create_from_png(path);
	ASSERT_EQ(CAIRO_STATUS_SUCCESS, cairo_surface_status(s));
	EXPECT_EQ(1000, cairo_image_surface_get_width(s));
	EXPECT_EQ(70 + 2 * 34 + 30, cairo_image_surface_get_height(s));
	cairo_surface_destroy(s);
}

TEST_F_TIMEOUT(prof, exit_status_and_errors, 120)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "%s/d1-prof -- sh -c 'exit 3' 2>/dev/null",
		 D1_BIN_DIR);
	EXPECT_EQ(3, sh(cmd));
	snprintf(cmd, sizeof(cmd), "%s/d1-prof -- sh -c 'kill -TERM $$' 2>/dev/null",
		 D1_BIN_DIR);
	EXPECT_EQ(128 + 15, sh(cmd));
	snprintf(cmd, sizeof(cmd), "%s/d1-prof -- %s/no-such-program 2>%s/err",
		 D1_BIN_DIR, self->dir, self->dir);
	EXPECT_EQ(127, sh(cmd));
	snprintf(cmd, sizeof(cmd), "grep -q 'no-such-program: No such file' %s/err",
		 self->dir);
	EXPECT_EQ(0, sh(cmd));
	snprintf(cmd, sizeof(cmd), "%s/d1-prof --metric bogus -- true 2>/dev/null",
		 D1_BIN_DIR);
	EXPECT_EQ(64, sh(cmd));
	/* a program that never touched a card: no heatmap, an error */
	snprintf(cmd, sizeof(cmd), "%s/d1-prof --heatmap %s/x.png -- true 2>/dev/null",
		 D1_BIN_DIR, self->dir);
	EXPECT_EQ(2, sh(cmd));
}

/* Worker: THREADS threads, each its stream, COPIES copies of its size. */
#define THREADS		4
#define COPIES		6

static d1_device *wdev;

static void *worker_thread(void *arg)
{
	uintptr_t t = (uintptr_t)arg;
	size_t size = 4096 * (t + 1);
	char *src = calloc(1, size), *dst = malloc(size);
	d1_buffer *b = NULL;
	d1_stream *s = NULL;
	uintptr_t bad = 1;
	unsigned int i;

	if (!src || !dst || d1_stream_create(wdev, -1, &s) ||
	    d1_buffer_create(wdev, size, D1_MEM_HBM, 0, &b))
		goto out;
	for (i = 0; i < COPIES / 2; i++)
		if (d1_memcpy_htod_async(s, b, 0, src, size) ||
		    d1_memcpy_dtoh_async(s, dst, b, 0, size))
			goto out;
	bad = d1_stream_synchronize(s, D1_TIMEOUT_INFINITE) != D1_SUCCESS;
out:
	if (b)
		d1_buffer_destroy(b);
	if (s)
		d1_stream_destroy(s);
	free(src);
	free(dst);
	return (void *)bad;
}

static int worker(const char *mode)
{
	pthread_t th[THREADS];
	uintptr_t t, bad = 0;
	void *r;

	if (d1_device_open(0, &wdev))
		return 1;
	if (!strcmp(mode, "--worker-threads")) {
		for (t = 0; t < THREADS; t++)
			if (pthread_create(&th[t], NULL, worker_thread, (void *)t))
				return 1;
		for (t = 0; t < THREADS; t++) {
			pthread_join(th[t], &r);
			bad |= (uintptr_t)r;
		}
		d1_device_close(wdev);
		return (int)bad;
	}
	if (!strcmp(mode, "--worker-fork")) {
		/* a copy, then a child that exits: one record, not two */
		pid_t pid;
		int st;

		bad = (uintptr_t)worker_thread((void *)0);
		pid = fork();
		if (pid == 0)
			exit(0);
		if (pid < 0 || waitpid(pid, &st, 0) != pid || st)
			bad = 1;
		d1_device_close(wdev);
		return (int)bad;
	}
	/* --worker-leak: copies queued, never waited for, nothing freed */
	{
		static char data[8192];
		d1_stream *s;
		d1_buffer *b;

		if (d1_stream_create(wdev, -1, &s) ||
		    d1_buffer_create(wdev, sizeof(data), D1_MEM_HBM, 0, &b) ||
		    d1_memcpy_htod_async(s, b, 0, data, sizeof(data)) ||
		    d1_memcpy_htod_async(s, b, 0, data, 4096))
			return 1;
	}
	return 0;
}

/* The jobs of a raw profile: count, and of each size. */
static int raw_jobs(const char *path, unsigned long *sizes, unsigned int n,
		    unsigned int *count, uint64_t *maxseq)
{
	unsigned long long seq, bytes;
	char line[512];
	unsigned int i;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	memset(count, 0, n * sizeof(*count));
	*maxseq = 0;
	while (fgets(line, sizeof(line), f)) {
		if (line[0] != 'J' ||
		    sscanf(line, "J %*d %llu %*u %*u %*u %*u %*d %*u %*u %*u %llu",
			   &seq, &bytes) != 2)
			continue;
		*maxseq = seq > *maxseq ? seq : *maxseq;
		for (i = 0; i < n; i++)
			if (sizes[i] == bytes)
				count[i]++;
	}
	fclose(f);
	return 0;
}

static char self_path[4096];

/* Every thread's jobs recorded, numbered 1..n with no gap. */
TEST_F_TIMEOUT(prof, threads, 120)
{
	unsigned long sizes[THREADS];
	unsigned int count[THREADS], i, total = 0;
	char cmd[8192], path[128];
	uint64_t maxseq;

	snprintf(cmd, sizeof(cmd), "%s/d1-prof --raw %s/raw -- %s --worker-threads 2>&1",
		 D1_BIN_DIR, self->dir, self_path);
	ASSERT_EQ(0, sh(cmd));
	for (i = 0; i < THREADS; i++)
		sizes[i] = 4096ul * (i + 1);
	snprintf(path, sizeof(path), "%s/raw", self->dir);
	ASSERT_EQ(0, raw_jobs(path, sizes, THREADS, count, &maxseq));
	for (i = 0; i < THREADS; i++) {
		EXPECT_EQ(COPIES, count[i]) TH_LOG("thread %u", i);
		total += count[i];
	}
	EXPECT_EQ(total, maxseq);
	snprintf(cmd, sizeof(cmd),
		 "test $(grep '^J ' %s/raw | cut -d' ' -f3 | sort -u | wc -l) = %u",
		 self->dir, total);
	EXPECT_EQ(0, sh(cmd));
}

/* A forked child does not write its parent's records again. */
TEST_F_TIMEOUT(prof, fork, 120)
{
	unsigned long size = 4096;
	unsigned int count;
	char cmd[8192], path[128];
	uint64_t maxseq;

	snprintf(cmd, sizeof(cmd), "%s/d1-prof --raw %s/raw -- %s --worker-fork 2>&1",
		 D1_BIN_DIR, self->dir, self_path);
	ASSERT_EQ(0, sh(cmd));
	snprintf(path, sizeof(path), "%s/raw", self->dir);
	ASSERT_EQ(0, raw_jobs(path, &size, 1, &count, &maxseq));
	EXPECT_EQ(COPIES, count);
	EXPECT_EQ(COPIES, maxseq);
}

/* A program that exits with its work pending still leaves its records. */
TEST_F_TIMEOUT(prof, exit_without_cleanup, 120)
{
	unsigned long sizes[2] = { 8192, 4096 };
	unsigned int count[2];
	char cmd[8192], path[128];
	uint64_t maxseq;

	snprintf(cmd, sizeof(cmd), "%s/d1-prof --raw %s/raw -- %s --worker-leak 2>&1",
		 D1_BIN_DIR, self->dir, self_path);
	ASSERT_EQ(0, sh(cmd));
	snprintf(path, sizeof(path), "%s/raw", self->dir);
	ASSERT_EQ(0, raw_jobs(path, sizes, 2, count, &maxseq));
	EXPECT_EQ(1u, count[0]);
	EXPECT_EQ(1u, count[1]);
	EXPECT_EQ(2u, maxseq);
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strncmp(argv[1], "--worker-", 9))
		return worker(argv[1]);
	if (!realpath(argv[0], self_path))
		return 1;
	return test_harness_run(argc, argv);
}

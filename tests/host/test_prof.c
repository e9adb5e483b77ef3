// SPDX-License-Identifier: GPL-2.0
/*
 * d1-prof's analysis (tools/prof.c) on hand-written profiles: parsing and
 * its errors, the trace JSON (order, times, args, escaping, wait flows),
 * per-node metrics on the grid, the colour scale and the summary.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prof.h"
#include "kselftest_harness.h"

/*
 * Process 7, one card of 3 rows x 4 columns with 10 usable nodes, two
 * queues: a 4096-byte copy (1000 ns), an event record on queue 0 that a
 * launch on queue 1 (2x1 nodes at (1,1), counters) waits for, then a
 * second launch of the same kernel (1x1 at (1,1), no counters).
 */
static const char run1[] =
	"d1prof 1 7\n"
	"D 7 1 0 3 4 10 2 0000:01:00.0\n"
	"J 7 1 1 0 1 1 0 500 10000 11000 4096 0\n"
	"J 7 2 1 0 5 0 0 600 11500 11600 0 2\n"
	"J 7 3 1 1 2 0 0 700 12000 20000 0 0\n"
	"W 7 3 2\n"
	"L 7 3 1 1 2 1 4 0 300 2000 1 my_\"k\n"
	"N 7 3 0 0 0 0 2000 100 100 100 100 3 1 1 0 0 1024 4096 0 64 64 64 0 0 0\n"
	"N 7 3 1 1 0 4 1000 100 0 0 0 0 0 0 0 0 0 0 0 0 64 0 0 0 0\n"
	"J 7 4 1 1 2 0 -1 800 0 0 0 0\n"
	"L 7 4 1 1 1 1 1 0 10 500 0 my_\"k\n"
	"N 7 4 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n";

static int load(struct prof *p, const char *text)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	char err[128];
	int ret;

	if (!f)
		return -1;
	ret = prof_load(p, f, err, sizeof(err));
	fclose(f);
	return ret;
}

/* @fn's output on @p as a string (freed by the caller). */
static char *output(const struct prof *p,
		    void (*fn)(const struct prof *, FILE *))
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	fn(p, f);
	fclose(f);
	return buf;
}

TEST(parses_jobs_launches_nodes)
{
	struct prof p;

	ASSERT_EQ(0, load(&p, run1));
	ASSERT_EQ(1u, p.ndevs);
	EXPECT_EQ(3u, p.devs[0].rows);
	EXPECT_EQ(4u, p.devs[0].cols);
	EXPECT_EQ(10u, p.devs[0].nodes);
	ASSERT_EQ(4u, p.njobs);
	EXPECT_EQ(4096u, p.jobs[0].bytes);
	EXPECT_EQ(1u, p.jobs[0].dir);
	EXPECT_EQ(2u, p.jobs[1].event);
	ASSERT_EQ(1u, p.jobs[2].nwaits);
	EXPECT_EQ(2u, p.jobs[2].waits[0]);
	ASSERT_TRUE(p.jobs[2].launch);
	EXPECT_STREQ("my_\"k", p.jobs[2].kernel);
	ASSERT_EQ(2u, p.jobs[2].nnodes);
	EXPECT_EQ(2000u, p.jobs[2].nodes[0].cycles);
	EXPECT_EQ(100u, p.jobs[2].nodes[0].instret[3]);
	EXPECT_EQ(3u, p.jobs[2].nodes[0].stall_dma);
	EXPECT_EQ(1024u, p.jobs[2].nodes[0].flops);
	EXPECT_EQ(64u, p.jobs[2].nodes[0].link[0]);
	EXPECT_EQ(1u, p.jobs[2].nodes[1].status);
	EXPECT_EQ(4u, p.jobs[2].nodes[1].fault);
	EXPECT_EQ(-1, p.jobs[3].status);
	prof_free(&p);
}

TEST(sorted_by_sequence_across_processes)
{
	static const char two[] =
		"d1prof 1 9\nD 9 1 0 1 1 1 1 -\n"
		"J 9 2 1 0 1 2 0 5 300 400 8 0\n"
		"d1prof 1 8\nD 8 1 0 1 1 1 1 -\n"
		"J 8 1 1 0 1 3 0 5 100 200 8 0\n"
		"J 8 2 1 0 1 1 0 5 200 250 8 0\n";
	struct prof p;

	ASSERT_EQ(0, load(&p, two));
	ASSERT_EQ(3u, p.njobs);
	EXPECT_EQ(1u, p.jobs[0].seq);
	EXPECT_EQ(8, p.jobs[1].pid);
	EXPECT_EQ(9, p.jobs[2].pid);
	EXPECT_STREQ("", p.devs[0].pci);
	prof_free(&p);
}

TEST(malformed_records_are_errors)
{
	static const char *const bad[] = {
		"d1prof 2 1\n",				/* unknown format */
		"X 1 2 3\n",				/* unknown record */
		"J 1 1 1 0 1 1 0 5 100\n",		/* short */
		"L 1 1 0 0 1 1 1 0 0 0 0 k\n",		/* no such job */
		"D 1 1 0 1 1 1 1 -\nJ 1 1 1 0 2 0 0 5 1 2 0 0\n"
		"L 1 1 0 0 1 1 1 0 0 0 0 k\n"
		"N 1 1 1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n",
							/* node outside */
	};
	struct prof p;
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(-1, load(&p, bad[i])) TH_LOG("case %u", i);
		EXPECT_EQ(0u, p.njobs);
	}
	/* an empty file is an empty run */
	ASSERT_EQ(0, load(&p, ""));
	EXPECT_EQ(0u, p.njobs);
}

TEST(trace_events_times_and_args)
{
	struct prof p;
	char *t;

	ASSERT_EQ(0, load(&p, run1));
	t = output(&p, prof_write_trace);
	ASSERT_NE(NULL, t);
	/* metadata: the card and its two queues */
	EXPECT_NE(NULL, strstr(t, "\"name\":\"process_name\",\"ph\":\"M\",\"pid\":0,\"args\":{\"name\":\"d1 card 0 (0000:01:00.0) (4x3 grid)\"}"));
	EXPECT_NE(NULL, strstr(t, "\"tid\":1,\"args\":{\"name\":\"queue 1\"}"));
	/* the copy: first device time is 0, 1000 ns = 1 us, 4096 B/us */
	EXPECT_NE(NULL, strstr(t, "{\"name\":\"copy HtoD\",\"cat\":\"copy\",\"ph\":\"X\",\"pid\":0,\"tid\":0,\"ts\":0.000,\"dur\":1.000"));
	EXPECT_NE(NULL, strstr(t, "\"bytes\":4096,\"GB/s\":4.096"));
	/* the event is an instant at 1.5 us */
	EXPECT_NE(NULL, strstr(t, "\"name\":\"event\",\"cat\":\"event\",\"ph\":\"i\",\"s\":\"t\",\"pid\":0,\"tid\":0,\"ts\":1.500"));
	/* the launch: escaped name, 8 us, rectangle, sums of the nodes */
	EXPECT_NE(NULL, strstr(t, "{\"name\":\"my_\\\"k\",\"cat\":\"launch\",\"ph\":\"X\",\"pid\":0,\"tid\":1,\"ts\":2.000,\"dur\":8.000"));
	EXPECT_NE(NULL, strstr(t, "\"rectangle\":\"2x1 at (1,1)\",\"harts\":4"));
	EXPECT_NE(NULL, strstr(t, "\"nodes_exited\":1,\"nodes_faulted\":1"));
	EXPECT_NE(NULL, strstr(t, "\"node_instret\":500,"));
	EXPECT_NE(NULL, strstr(t, "\"flops\":1024,"));
	EXPECT_NE(NULL, strstr(t, "\"dma_hbm_read\":4096,"));
	/* the wait: a flow from the event (queue 0) to the launch's start */
	EXPECT_NE(NULL, strstr(t, "\"ph\":\"s\",\"id\":\"7.2.3\",\"pid\":0,\"tid\":0,\"ts\":1.500"));
	EXPECT_NE(NULL, strstr(t, "\"ph\":\"f\",\"bp\":\"e\",\"id\":\"7.2.3\",\"pid\":0,\"tid\":1,\"ts\":2.000"));
	/* the unfinished job has no device times: not on the timeline */
	EXPECT_EQ(NULL, strstr(t, "\"seq\":4,"));
	/* in issue order */
	EXPECT_LT(strstr(t, "\"seq\":1,"), strstr(t, "\"seq\":2,"));
	EXPECT_LT(strstr(t, "\"seq\":2,"), strstr(t, "\"seq\":3,"));
	free(t);
	prof_free(&p);
}

TEST(json_strings_escaped)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ASSERT_NE(NULL, f);
	prof_json_string(f, "a\"b\\c\n\x01");
	fclose(f);
	EXPECT_STREQ("\"a\\\"b\\\\c\\u000a\\u0001\"", buf);
	free(buf);
}

TEST(metrics_on_the_grid)
{
	unsigned int rows, cols, nodes, i;
	const char *what;
	struct prof p;
	double *v;

	ASSERT_EQ(0, load(&p, run1));
	EXPECT_EQ(-1, prof_metric(&p, 1, PROF_CYCLES, &v, &rows, &cols,
				  &nodes, &what));
	/* cycles: node (1,1) ran 2000 (counters) + 500 (launch, none) */
	ASSERT_EQ(0, prof_metric(&p, 0, PROF_CYCLES, &v, &rows, &cols, &nodes,
				 &what));
	EXPECT_EQ(3u, rows);
	EXPECT_EQ(4u, cols);
	EXPECT_EQ(10u, nodes);
	EXPECT_EQ(2500.0, v[1 * 4 + 1]);
	EXPECT_EQ(1000.0, v[1 * 4 + 2]);
	for (i = 0; i < 12; i++)
		if (i != 5 && i != 6)
			EXPECT_EQ(0.0, v[i]);
	EXPECT_NE(NULL, strstr(what, "modelled"));
	free(v);
	/* util: (400 instructions + 500 of 500 cycles) / (2000 + 500) */
	ASSERT_EQ(0, prof_metric(&p, 0, PROF_UTIL, &v, &rows, &cols, &nodes,
				 &what));
	EXPECT_EQ(900.0 / 2500.0, v[5]);
	EXPECT_EQ(100.0 / 1000.0, v[6]);
	free(v);
	/* dma: 4096 + 64 + 64 + 0 bytes; the other node received 64 */
	ASSERT_EQ(0, prof_metric(&p, 0, PROF_DMA, &v, &rows, &cols, &nodes,
				 &what));
	EXPECT_EQ(4096.0 + 64 + 64, v[5]);
	EXPECT_EQ(64.0, v[6]);
	free(v);
	/* stalls: 3 + 1 + 1 cycles of 2500 */
	ASSERT_EQ(0, prof_metric(&p, 0, PROF_STALLS, &v, &rows, &cols, &nodes,
				 &what));
	EXPECT_EQ(5.0 / 2500.0, v[5]);
	EXPECT_EQ(0.0, v[6]);
	free(v);
	prof_free(&p);
}

TEST(metric_names)
{
	enum prof_metric m;

	ASSERT_EQ(0, prof_metric_parse("stalls", &m));
	EXPECT_EQ(PROF_STALLS, m);
	EXPECT_STREQ("stalls", prof_metric_name(m));
	ASSERT_EQ(0, prof_metric_parse("util", &m));
	EXPECT_STREQ("util", prof_metric_name(m));
	EXPECT_EQ(-1, prof_metric_parse("flops", &m));
}

static int luma(const uint8_t c[3])
{
	return 299 * c[0] + 587 * c[1] + 114 * c[2];
}

TEST(colour_scale)
{
	uint8_t a[3], b[3];
	int i;

	/* viridis' ends, clamped outside [0, 1] and for NaN */
	prof_colour(0, a);
	EXPECT_EQ(68, a[0]);
	EXPECT_EQ(1, a[1]);
	EXPECT_EQ(84, a[2]);
	prof_colour(-3, b);
	EXPECT_EQ(0, memcmp(a, b, 3));
	prof_colour(0.0 / 0.0, b);
	EXPECT_EQ(0, memcmp(a, b, 3));
	prof_colour(1, a);
	EXPECT_EQ(253, a[0]);
	EXPECT_EQ(231, a[1]);
	EXPECT_EQ(37, a[2]);
	prof_colour(7, b);
	EXPECT_EQ(0, memcmp(a, b, 3));
	/* the middle stop, and halfway between the first two */
	prof_colour(0.5, a);
	EXPECT_EQ(33, a[0]);
	EXPECT_EQ(144, a[1]);
	EXPECT_EQ(141, a[2]);
	prof_colour(1.0 / 16, a);
	EXPECT_EQ(70, a[0]);
	EXPECT_EQ(23, a[1]);
	EXPECT_EQ(103, a[2]);
	/* brighter as the value grows; spares are off the scale */
	for (i = 0; i < 100; i++) {
		prof_colour(i / 100.0, a);
		prof_colour((i + 1) / 100.0, b);
		EXPECT_LE(luma(a), luma(b));
		EXPECT_NE(0, memcmp(a, prof_spare_rgb, 3));
	}
}

TEST(summary_kernels_copies_counters)
{
	struct prof p;
	char *s;

	ASSERT_EQ(0, load(&p, run1));
	s = output(&p, prof_summary);
	ASSERT_NE(NULL, s);
	EXPECT_NE(NULL, strstr(s, "4 jobs, 1 not completed by the program"));
	/* two calls: 8 us + nothing measured; 2500 cycles = 1.25 us */
	EXPECT_NE(NULL, strstr(s, "my_\"k                         2      0.008 ms      0.004 ms   0.001250 ms   0.000625 ms"))
		TH_LOG("%s", s);
	EXPECT_NE(NULL, strstr(s, "HtoD            1 copies         4096 bytes      0.001 ms    4.096 GB/s"));
	/* counters of the first launch: 1024 FLOP in 3000 node cycles */
	EXPECT_NE(NULL, strstr(s, "1.02e+03 FLOP in 3e+03 node cycles: 0.341 FLOP/cycle per node (peak 512 BF16 vmma, 32 FP32)"));
	EXPECT_NE(NULL, strstr(s, "stalls     0.2% of node cycles: DMA wait 60.0%, semaphore 20.0%, barrier 20.0%"));
	free(s);
	prof_free(&p);
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * d1-run and d1cc in the VM: run a kernel with buffers from files, check
 * the output file, list kernels, and report a device fault or a launch
 * stopped at its time limit with exit status 1 and the reason on stderr.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sdk_test.h"
#include "kselftest_harness.h"

#ifndef D1_BIN_DIR
#error "D1_BIN_DIR"
#endif

/* Runs @cmd (through sh); its output (stdout+stderr) in @out. */
static int run(const char *cmd, char *out, size_t len)
{
	char full[2048];
	size_t n = 0;
	FILE *f;
	int st;

	snprintf(full, sizeof(full), "%s 2>&1", cmd);
	f = popen(full, "r");
	if (!f)
		return -1;
	while (n + 1 < len && fgets(out + n, (int)(len - n), f))
		n += strlen(out + n);
	out[n] = '\0';
	st = pclose(f);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

FIXTURE(run) {
	char dir[64];
};

FIXTURE_SETUP(run)
{
	d1_device *dev;

	SDK_SETUP(dev);
	d1_device_close(dev);
	use_test_cache();
	snprintf(self->dir, sizeof(self->dir), "/tmp/d1run.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
}

FIXTURE_TEARDOWN(run)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", self->dir);
	if (self->dir[0])
		system(cmd);
}

TEST_F(run, scale_with_files)
{
	char cmd[1024], out[4096], path[128];
	float x[100], y[100];
	FILE *f;
	int i;

	for (i = 0; i < 100; i++)
		x[i] = (float)i;
	snprintf(path, sizeof(path), "%s/x.bin", self->dir);
	f = fopen(path, "wb");
	ASSERT_NE(NULL, f);
	ASSERT_EQ(100u, fwrite(x, 4, 100, f));
	fclose(f);
	snprintf(cmd, sizeof(cmd),
		 "%s/d1-run -k scale %s/sdk_test.c in:%s/x.bin out:%s/y.bin:400 100 2.5",
		 D1_BIN_DIR, D1_TEST_KERNELS, self->dir, self->dir);
	ASSERT_EQ(0, run(cmd, out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "scale on 1x1 node(s)")) TH_LOG("%s", out);
	snprintf(path, sizeof(path), "%s/y.bin", self->dir);
	f = fopen(path, "rb");
	ASSERT_NE(NULL, f);
	ASSERT_EQ(100u, fread(y, 4, 100, f));
	fclose(f);
	for (i = 0; i < 100; i++)
		EXPECT_EQ(x[i] * 2.5f, y[i]);
}

TEST_F(run, printf_list_and_usage)
{
	char cmd[1024], out[4096];

	snprintf(cmd, sizeof(cmd), "%s/d1-run -g 2x1 -k hello %s/sdk_test.c 5",
		 D1_BIN_DIR, D1_TEST_KERNELS);
	ASSERT_EQ(0, run(cmd, out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "[0,0] hello 5 from node 0"));
	EXPECT_NE(NULL, strstr(out, "[1,0] hello 5 from node 1"));
	snprintf(cmd, sizeof(cmd), "%s/d1-run --list %s/sdk_test.c", D1_BIN_DIR,
		 D1_TEST_KERNELS);
	ASSERT_EQ(0, run(cmd, out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "scale(d1_devptr x, d1_devptr y, uint32_t n, float a)"))
		TH_LOG("%s", out);
	/* Several kernels and no -k; wrong argument counts and values. */
	snprintf(cmd, sizeof(cmd), "%s/d1-run %s/sdk_test.c", D1_BIN_DIR,
		 D1_TEST_KERNELS);
	EXPECT_EQ(64, run(cmd, out, sizeof(out)));
	snprintf(cmd, sizeof(cmd), "%s/d1-run -k hello %s/sdk_test.c", D1_BIN_DIR,
		 D1_TEST_KERNELS);
	EXPECT_EQ(64, run(cmd, out, sizeof(out)));
	snprintf(cmd, sizeof(cmd), "%s/d1-run -k hello %s/sdk_test.c x12",
		 D1_BIN_DIR, D1_TEST_KERNELS);
	EXPECT_EQ(64, run(cmd, out, sizeof(out)));
}

TEST_F(run, device_fault_exit_1)
{
	char cmd[1024], out[4096];

	snprintf(cmd, sizeof(cmd), "%s/d1-run -k bad_load %s/sdk_test.c 0 0",
		 D1_BIN_DIR, D1_TEST_KERNELS);
	EXPECT_EQ(1, run(cmd, out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "node (0,0) hart 0: load access fault at pc 0x"))
		TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "address 0x20000000"));
}

/* --counters: a line per node with its state and exit code, even when
 * one node faulted. */
TEST_F(run, counters_per_node)
{
	char cmd[1024], out[8192];

	snprintf(cmd, sizeof(cmd), "%s/d1-run -q -c -g 3x1 -a 2,1 -k exit_node %s/sdk_test.c 40",
		 D1_BIN_DIR, D1_TEST_KERNELS);
	EXPECT_EQ(0, run(cmd, out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "node     state       exit     cycles    instret"))
		TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "(2,1)    exited        40 "));
	EXPECT_NE(NULL, strstr(out, "(3,1)    exited        41 "));
	EXPECT_NE(NULL, strstr(out, "(4,1)    exited        42 "));
	EXPECT_EQ(NULL, strstr(out, "(5,1)"));
	EXPECT_NE(NULL, strstr(out, "launch   exit_node: "));
	EXPECT_EQ(NULL, strstr(out, "no per-node counters"));

	snprintf(cmd, sizeof(cmd), "%s/d1-run -c -g 2x1 -k bad_load %s/sdk_test.c 1 0",
		 D1_BIN_DIR, D1_TEST_KERNELS);
	EXPECT_EQ(1, run(cmd, out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "(0,0)    exited         0 ")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "(1,0)    faulted        0 "));
}

/* -T stops a kernel that never ends at its time limit: exit 1, and why. */
TEST_F(run, time_limit_exit_1)
{
	char cmd[1024], out[4096];

	snprintf(cmd, sizeof(cmd), "%s/d1-run -T 300 -k spin %s/sdk_test.c 0",
		 D1_BIN_DIR, D1_TEST_KERNELS);
	EXPECT_EQ(1, run(cmd, out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "stopped at its time limit of 300 ms"))
		TH_LOG("%s", out);
}

TEST_HARNESS_MAIN

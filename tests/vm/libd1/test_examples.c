// SPDX-License-Identifier: GPL-2.0
/*
 * Runs every libd1 example (build/examples/, built with the VM tests) on
 * the device: each checks its own results against the host and prints
 * "<name>: PASSED".  Kernels come from the program cache the build warmed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sdk_test.h"
#include "kselftest_harness.h"

#ifndef D1_EXAMPLES_DIR
#error "D1_EXAMPLES_DIR"
#endif

/* Run example @name with the arguments @args. */
static void run_args(struct __test_metadata *_metadata, const char *name,
		     const char *args)
{
	char cmd[1024], line[512], want[128];
	int found = 0, status;
	d1_device *dev;
	FILE *f;

	SDK_SETUP(dev);
	d1_device_close(dev);
	use_test_cache();
	snprintf(cmd, sizeof(cmd), "%s/%s %s 2>&1", D1_EXAMPLES_DIR, name, args);
	snprintf(want, sizeof(want), "%s: PASSED", name);
	f = popen(cmd, "r");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f)) {
		TH_LOG("%s", strtok(line, "\n") ? line : "");
		if (!strncmp(line, want, strlen(want)))
			found = 1;
	}
	status = pclose(f);
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_TRUE(found);
}

static void run_example(struct __test_metadata *_metadata, const char *name)
{
	run_args(_metadata, name, "");
}

TEST(vector_add) { run_example(_metadata, "vector_add"); }
TEST(sgemm) { run_example(_metadata, "sgemm"); }
/* partial blocks of C in M and N and a short K chunk, on 3x2 nodes */
TEST(sgemm_odd_shape) { run_args(_metadata, "sgemm", "200 176 100 3 2"); }
TEST(bf16_matmul) { run_example(_metadata, "bf16_matmul"); }
TEST(mesh_reduce) { run_example(_metadata, "mesh_reduce"); }
TEST(pipeline) { run_example(_metadata, "pipeline"); }
TEST(two_streams) { run_example(_metadata, "two_streams"); }

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * d1-smi (build/bin/d1-smi) against the real device: the device line
 * and capabilities agree with libd1, exit codes.
 */
#include <sys/wait.h>

#include "d1_test.h"
#include "kselftest_harness.h"

#ifndef D1_BIN_DIR
#error "D1_BIN_DIR"
#endif

/* The build's d1-smi; $D1_SMI overrides. */
static int smi_path(char *out, size_t len)
{
	const char *env = getenv("D1_SMI");

	if (env && *env)
		return (size_t)snprintf(out, len, "%s", env) >= len ? -1 : 0;
	return (size_t)snprintf(out, len, "%s/d1-smi", D1_BIN_DIR) >= len ?
	       -1 : 0;
}

/* Runs d1-smi @args; its stdout into @buf; returns its exit code. */
static int run_smi(const char *args, char *buf, size_t len)
{
	char smi[PATH_MAX], cmd[PATH_MAX + 128];
	size_t n = 0, r;
	FILE *p;
	int status;

	if (smi_path(smi, sizeof(smi)))
		return -1;
	snprintf(cmd, sizeof(cmd), "'%s' %s 2>/dev/null", smi, args);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	while (n + 1 < len && (r = fread(buf + n, 1, len - 1 - n, p)) > 0)
		n += r;
	buf[n] = '\0';
	status = pclose(p);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

FIXTURE(smi) {
	struct d1_device_info info;
	char out[8192];
};

FIXTURE_SETUP(smi)
{
	char smi[PATH_MAX];
	d1_device *dev;

	if (smi_path(smi, sizeof(smi)) || access(smi, X_OK))
		SKIP(return, "d1-smi not built (make -C tools)");
	ASSERT_EQ(D1_SUCCESS, d1_device_open(0, &dev));
	ASSERT_EQ(D1_SUCCESS, d1_device_info(dev, &self->info));
	ASSERT_EQ(D1_SUCCESS, d1_device_close(dev));
}

FIXTURE_TEARDOWN(smi)
{
}

TEST_F(smi, lists_the_device)
{
	char line[256], cap[64];

	ASSERT_EQ(0, run_smi("", self->out, sizeof(self->out)));
	TH_LOG("d1-smi:\n%s", self->out);
	snprintf(line, sizeof(line), "D1 0: %s (PCI %s, hw %u.%u, driver d1 ",
		 self->info.devnode, self->info.pci_address,
		 self->info.hw_major, self->info.hw_minor);
	EXPECT_NE(NULL, strstr(self->out, line)) TH_LOG("want '%s'", line);
	snprintf(cap, sizeof(cap), "uAPI            %u.%u",
		 self->info.uapi_major, self->info.uapi_minor);
	EXPECT_NE(NULL, strstr(self->out, cap));
	snprintf(cap, sizeof(cap), "grid            %ux%u",
		 self->info.grid_rows, self->info.grid_cols);
	EXPECT_NE(NULL, strstr(self->out, cap));
	snprintf(cap, sizeof(cap), "nodes           %u",
		 self->info.node_count);
	EXPECT_NE(NULL, strstr(self->out, cap));
	EXPECT_NE(NULL, strstr(self->out, "SRAM/node       1280 KiB"));
	snprintf(cap, sizeof(cap), "queues          %u",
		 self->info.num_queues);
	EXPECT_NE(NULL, strstr(self->out, cap));
	snprintf(cap, sizeof(cap), "contexts        %u",
		 self->info.num_contexts);
	EXPECT_NE(NULL, strstr(self->out, cap));
	EXPECT_NE(NULL, strstr(self->out, "HBM             "));
}

TEST_F(smi, list_only)
{
	ASSERT_EQ(0, run_smi("-L", self->out, sizeof(self->out)));
	EXPECT_EQ(0, strncmp(self->out, "D1 0: ", 6));
	EXPECT_EQ(NULL, strstr(self->out, "grid"));
}

TEST_F(smi, ping)
{
	ASSERT_EQ(0, run_smi("--ping -i 0", self->out, sizeof(self->out)));
	EXPECT_NE(NULL, strstr(self->out, "0x5a5a1234 -> 0xa5a5edcb ok"))
		TH_LOG("%s", self->out);
}

TEST_F(smi, exit_codes)
{
	EXPECT_EQ(0, run_smi("--help", self->out, sizeof(self->out)));
	EXPECT_NE(NULL, strstr(self->out, "Usage: d1-smi"));
	EXPECT_EQ(2, run_smi("-i 999", self->out, sizeof(self->out)));
	EXPECT_EQ(64, run_smi("--bogus", self->out, sizeof(self->out)));
}

TEST_F(smi, telemetry_processes_and_watch)
{
	d1_device *dev;
	d1_buffer *b;
	char *second;
	int have_mm;

	/* This process, with a buffer, shows up as a client. */
	ASSERT_EQ(D1_SUCCESS, d1_device_open(0, &dev));
	have_mm = d1_buffer_create(dev, 1 << 20, D1_MEM_HOST, 0, &b) ==
		  D1_SUCCESS;
	ASSERT_EQ(0, run_smi("-q -u -i 0 --watch=0.2 -n 2", self->out,
			     sizeof(self->out)));
	TH_LOG("d1-smi -q -u -w:\n%s", self->out);
	EXPECT_NE(NULL, strstr(self->out, "temperature     "));
	EXPECT_NE(NULL, strstr(self->out, "power           "));
	EXPECT_NE(NULL, strstr(self->out, "q0 "));
	EXPECT_NE(NULL, strstr(self->out, "test_smi"));
	EXPECT_EQ(0, strncmp(self->out, "== ", 3));
	second = strstr(self->out, "\n== ");
	EXPECT_NE(NULL, second);
	if (second)
		EXPECT_EQ(NULL, strstr(second + 1, "\n== "));
	EXPECT_EQ(64, run_smi("--watch=0", self->out, sizeof(self->out)));
	EXPECT_EQ(64, run_smi("-n x", self->out, sizeof(self->out)));
	if (have_mm)
		d1_buffer_destroy(b);
	d1_device_close(dev);
}

TEST(telemetry_api)
{
	struct d1_telemetry t;
	d1_device *dev;

	ASSERT_EQ(D1_SUCCESS, d1_device_open(0, &dev));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_device_telemetry(dev, NULL));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_device_telemetry(NULL, &t));
	ASSERT_EQ(D1_SUCCESS, d1_device_telemetry(dev, &t));
	/* 35..85 degC and 5..400 W (hw-interface.rst). */
	EXPECT_LE(30000u, t.temperature_mc);
	EXPECT_GE(90000u, t.temperature_mc);
	EXPECT_LE(4000u, t.power_mw);
	EXPECT_GE(400000u, t.power_mw);
	EXPECT_LE(1u, t.num_queues);
	d1_device_close(dev);
}

TEST_HARNESS_MAIN

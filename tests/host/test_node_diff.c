// SPDX-License-Identifier: GPL-2.0
/*
 * Differential test of the scalar core: the same clang-built RV64IMF
 * programs run on the node simulator and under qemu-riscv64 (Debian's
 * qemu-user, the reference); their printed output (hashes of every
 * instruction's results and fflags over edge-case and random operands)
 * and exit codes must be identical.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "node_harness.h"

#define QEMU "qemu-riscv64"

static int have_qemu(void)
{
	return system("command -v " QEMU " >/dev/null 2>&1") == 0;
}

/* Run @name under qemu-user; output into @buf, returns the exit code. */
static int run_qemu(const char *name, char *buf, size_t cap, size_t *len)
{
	char cmd[600];
	FILE *p;
	int st;

	snprintf(cmd, sizeof(cmd), QEMU " %s/%s.elf", D1_KERNEL_DIR, name);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	*len = fread(buf, 1, cap, p);
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void compare(struct __test_metadata *_metadata, const char *name)
{
	struct d1_grid *g = grid_with_kernel(1, 1, 1, name);
	struct d1_launch l = { 0 };
	static char ref[8192];
	const struct d1_node_report *r;
	const char *out;
	size_t rlen, olen;
	int code;

	if (!have_qemu())
		SKIP(return, QEMU " is not installed (tools/setup.sh installs it)");
	ASSERT_NE(NULL, g);
	code = run_qemu(name, ref, sizeof(ref), &rlen);
	ASSERT_LE(0, code);
	ASSERT_LT(100u, rlen);	/* the reference did print */
	l.budget = 200000000;
	ASSERT_EQ(0, d1_grid_run(g, &l, NULL, NULL, 0));
	r = d1_grid_report(g, 0);
	out = d1_grid_output(g, 0, &olen);
	EXPECT_EQ(D1_NODE_EXITED, r->status);
	EXPECT_EQ(0u, r->print_dropped);
	EXPECT_EQ(code, (int)(r->exit_code & 0xff));
	if (olen != rlen || memcmp(out, ref, rlen)) {
		/* show the first differing lines */
		const char *a = ref, *b = out;
		int shown = 0;

		while (a < ref + rlen && b < out + olen && shown < 8) {
			const char *ea = memchr(a, '\n', ref + rlen - a);
			const char *eb = memchr(b, '\n', out + olen - b);

			if (!ea || !eb)
				break;
			if (ea - a != eb - b || memcmp(a, b, ea - a)) {
				TH_LOG("qemu: %.*s", (int)(ea - a), a);
				TH_LOG("d1:   %.*s", (int)(eb - b), b);
				shown++;
			}
			a = ea + 1;
			b = eb + 1;
		}
	}
	EXPECT_EQ(rlen, olen);
	EXPECT_EQ(0, memcmp(out, ref, rlen < olen ? rlen : olen));
	d1_grid_destroy(g);
}

TEST(integer_and_memory_instructions)
{
	compare(_metadata, "diff_int");
}

TEST(float_instructions_all_rounding_modes)
{
	compare(_metadata, "diff_fp");
}

TEST_HARNESS_MAIN

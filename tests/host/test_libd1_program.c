// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of libd1 programs and kernels: building D1 kernels with
 * clang/lld, the kernel table and argument checks, the program cache (miss,
 * hit, corrupt and stale entries, concurrent builders), build errors and
 * every call's invalid arguments.  Each test has its own cache directory
 * (D1_CACHE_DIR) so results do not depend on earlier runs.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "d1/device/d1_abi.h"
#include "libd1_internal.h"
#include "kselftest_harness.h"

static const char vadd_src[] =
	"#include <d1/device/d1_launch.h>\n"
	"struct pair { int32_t a, b; };\n"
	"D1_KERNEL(vadd, (d1_devptr, a), (d1_devptr, b), (d1_devptr, c),\n"
	"          (uint32_t, n))\n"
	"{\n"
	"	d1_printf(\"%u\\n\", n + (uint32_t)a.addr + (uint32_t)b.addr +\n"
	"		  (uint32_t)c.addr);\n"
	"}\n"
	"D1_KERNEL(scale, (float, s), (uint64_t, big), (int8_t, small),\n"
	"          (struct pair, p), (char *, sram))\n"
	"{\n"
	"	d1_printf(\"%d %d %lu %p\\n\", (int)s + small, p.a + p.b,\n"
	"		  (unsigned long)big, sram);\n"
	"}\n"
	"D1_KERNEL(empty)\n"
	"{\n"
	"}\n";

static const char raw_src[] =
	"#include <d1/device/d1_kernel.h>\n"
	"int d1_main(void *args, unsigned int hart)\n"
	"{\n"
	"	return (int)*(unsigned int *)args + (int)hart;\n"
	"}\n";

static int rm_cb(const char *p, const struct stat *sb, int f, struct FTW *w)
{
	(void)sb;
	(void)f;
	(void)w;
	return remove(p);
}

/* Files in @dir whose name contains @part. */
static unsigned int count_files(const char *dir, const char *part)
{
	struct dirent *e;
	unsigned int n = 0;
	DIR *d = opendir(dir);

	if (!d)
		return 0;
	while ((e = readdir(d)))
		if (strstr(e->d_name, part))
			n++;
	closedir(d);
	return n;
}

static d1_status build_src(const char *src, const struct d1_build_options *o,
			   d1_program **out)
{
	d1_status st = d1_program_create_from_source(src, 0, "t.c", out);

	if (st)
		return st;
	return d1_program_build(*out, o);
}

static unsigned int cache_result(d1_program *p)
{
	struct d1_program_info info;

	if (d1_program_info(p, &info))
		return ~0u;
	return info.cache;
}

static char *get_log(d1_program *p)
{
	size_t n = 0;
	char *buf;

	if (d1_program_build_log(p, NULL, 0, &n))
		return NULL;
	buf = malloc(n);
	if (buf && d1_program_build_log(p, buf, n, &n)) {
		free(buf);
		return NULL;
	}
	return buf;
}

/*
 * The tests run clang again and again: under ASan, on a busy host, next to
 * a VM, that takes longer than the harness's default of 30 s per test.
 */
#define COMPILE_TIMEOUT	300

FIXTURE(prog) {
	char dir[64];
	char cache[128];
};

FIXTURE_SETUP(prog)
{
	snprintf(self->dir, sizeof(self->dir), "/tmp/d1-test-prog.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->cache, sizeof(self->cache), "%s/cache", self->dir);
	ASSERT_EQ(0, setenv("D1_CACHE_DIR", self->cache, 1));
	unsetenv("D1_CACHE_DISABLE");
	unsetenv("D1_CLANG");
	unsetenv("D1_RUNTIME_DIR");
}

FIXTURE_TEARDOWN(prog)
{
	nftw(self->dir, rm_cb, 8, FTW_DEPTH | FTW_PHYS);
}

TEST_F_TIMEOUT(prog, kernel_table_and_args, COMPILE_TIMEOUT)
{
	struct d1_kernel_arg_info ai;
	struct d1_program_info info;
	const void *block;
	const char *name, *missing = NULL;
	d1_program *p;
	d1_kernel *k, *k2;
	unsigned int n;
	size_t size;
	struct { int32_t a, b; } pair = { 1, 2 };
	int8_t small = 3;
	uint16_t wrong = 0;
	char *log;

	ASSERT_EQ(D1_SUCCESS, build_src(vadd_src, NULL, &p));
	ASSERT_EQ(D1_SUCCESS, d1_program_info(p, &info));
	EXPECT_EQ(1u, info.built);
	EXPECT_EQ(3u, info.num_kernels);
	EXPECT_EQ(64u, strlen(info.cache_key));
	EXPECT_LT(0u, info.image_size);
	ASSERT_EQ(D1_SUCCESS, d1_program_kernel_name(p, 0, &name));
	EXPECT_STREQ("vadd", name);
	ASSERT_EQ(D1_SUCCESS, d1_program_kernel_name(p, 2, &name));
	EXPECT_STREQ("empty", name);
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_program_kernel_name(p, 3, &name));
	log = get_log(p);
	ASSERT_NE(NULL, log);
	EXPECT_STREQ("", log);
	free(log);

	EXPECT_EQ(D1_ERROR_NOT_FOUND, d1_kernel_create(p, "nope", &k));
	EXPECT_EQ(D1_ERROR_NOT_FOUND, d1_kernel_create(p, "d1_main", &k));
	ASSERT_EQ(D1_SUCCESS, d1_kernel_create(p, "vadd", &k));
	ASSERT_EQ(D1_SUCCESS, d1_kernel_num_args(k, &n));
	EXPECT_EQ(4u, n);
	ASSERT_EQ(D1_SUCCESS, d1_kernel_arg_info(k, 0, &ai));
	EXPECT_STREQ("a", ai.name);
	EXPECT_STREQ("d1_devptr", ai.type);
	EXPECT_EQ(D1_ARG_BUFFER, ai.kind);
	EXPECT_EQ(8u, ai.size);
	ASSERT_EQ(D1_SUCCESS, d1_kernel_arg_info(k, 3, &ai));
	EXPECT_STREQ("n", ai.name);
	EXPECT_STREQ("uint32_t", ai.type);
	EXPECT_EQ(D1_ARG_INT, ai.kind);
	EXPECT_EQ(4u, ai.size);
	EXPECT_EQ(24u, ai.offset);
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_kernel_arg_info(k, 4, &ai));

	/* Buffers only through the buffer setter, scalars by size. */
	EXPECT_EQ(D1_ERROR_ARGUMENT, d1_kernel_set_arg_u64(k, 0, 0x1000));
	EXPECT_EQ(D1_ERROR_ARGUMENT, d1_kernel_set_arg_devaddr(k, 3, 0x1000));
	EXPECT_EQ(D1_ERROR_ARGUMENT, d1_kernel_set_arg_u64(k, 3, 7));
	EXPECT_EQ(D1_ERROR_ARGUMENT, d1_kernel_set_arg_f32(k, 3, 7.0f));
	EXPECT_EQ(D1_ERROR_ARGUMENT, d1_kernel_set_arg(k, 3, &wrong, 2));
	EXPECT_EQ(D1_ERROR_ARGUMENT, d1_kernel_set_args_raw(k, &wrong, 2));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_kernel_set_arg_u32(k, 4, 7));
	EXPECT_EQ(D1_SUCCESS, d1_kernel_set_arg_devaddr(k, 0, 0x200000));
	EXPECT_EQ(D1_SUCCESS, d1_kernel_set_arg_devaddr(k, 1, 0x300000));
	EXPECT_EQ(D1_ERROR_ARGUMENT, d1_kernel_block(k, &block, &size, &missing));
	EXPECT_STREQ("c", missing);
	EXPECT_EQ(D1_SUCCESS, d1_kernel_set_arg_devaddr(k, 2, 0x400000));
	EXPECT_EQ(D1_SUCCESS, d1_kernel_set_arg_u32(k, 3, 1000));
	ASSERT_EQ(D1_SUCCESS, d1_kernel_block(k, &block, &size, &missing));
	{
		const struct d1_launch_header *h = block;
		const uint8_t *b = block;
		uint64_t c;
		uint32_t nv;

		EXPECT_EQ(D1_LAUNCH_MAGIC, h->magic);
		EXPECT_EQ(0u, h->kernel);
		EXPECT_EQ((uint32_t)D1_LAUNCH_ARGS_OFFSET, h->args_offset);
		EXPECT_EQ(32u, h->args_size);
		EXPECT_EQ((size_t)D1_LAUNCH_ARGS_OFFSET + 32, size);
		memcpy(&c, b + D1_LAUNCH_ARGS_OFFSET + 16, 8);
		memcpy(&nv, b + D1_LAUNCH_ARGS_OFFSET + 24, 4);
		EXPECT_EQ(0x400000u, c);
		EXPECT_EQ(1000u, nv);
	}

	/* Kernels outlive their program. */
	ASSERT_EQ(D1_SUCCESS, d1_kernel_create(p, "scale", &k2));
	ASSERT_EQ(D1_SUCCESS, d1_program_destroy(p));
	ASSERT_EQ(D1_SUCCESS, d1_kernel_num_args(k2, &n));
	EXPECT_EQ(5u, n);
	EXPECT_EQ(D1_SUCCESS, d1_kernel_set_arg_f32(k2, 0, 2.5f));
	EXPECT_EQ(D1_ERROR_ARGUMENT, d1_kernel_set_arg_u32(k2, 1, 1));
	EXPECT_EQ(D1_SUCCESS, d1_kernel_set_arg_u64(k2, 1, 1ull << 40));
	EXPECT_EQ(D1_SUCCESS, d1_kernel_set_arg(k2, 2, &small, 1));
	EXPECT_EQ(D1_ERROR_ARGUMENT, d1_kernel_set_arg(k2, 3, &pair, 4));
	EXPECT_EQ(D1_SUCCESS, d1_kernel_set_arg(k2, 3, &pair, sizeof(pair)));
	ASSERT_EQ(D1_SUCCESS, d1_kernel_arg_info(k2, 3, &ai));
	EXPECT_EQ(D1_ARG_OTHER, ai.kind);
	ASSERT_EQ(D1_SUCCESS, d1_kernel_arg_info(k2, 4, &ai));
	EXPECT_EQ(D1_ARG_SRAM_PTR, ai.kind);
	ASSERT_EQ(D1_SUCCESS, d1_kernel_arg_info(k2, 0, &ai));
	EXPECT_EQ(D1_ARG_FLOAT, ai.kind);
	EXPECT_EQ(D1_SUCCESS, d1_kernel_destroy(k2));
	EXPECT_EQ(D1_SUCCESS, d1_kernel_destroy(k));
}

TEST_F_TIMEOUT(prog, cache_miss_hit_and_options, COMPILE_TIMEOUT)
{
	const char *defs[] = { "N=4" };
	struct d1_build_options o = { 0 };
	struct d1_program_info i1, i2;
	d1_program *a, *b, *c, *d;
	size_t s1, s2;
	void *e1, *e2;

	ASSERT_EQ(D1_SUCCESS, build_src(vadd_src, NULL, &a));
	EXPECT_EQ(D1_CACHE_MISS, cache_result(a));
	EXPECT_EQ(1u, count_files(self->cache, ".d1k"));
	ASSERT_EQ(D1_SUCCESS, build_src(vadd_src, NULL, &b));
	EXPECT_EQ(D1_CACHE_HIT, cache_result(b));
	d1_program_info(a, &i1);
	d1_program_info(b, &i2);
	EXPECT_STREQ(i1.cache_key, i2.cache_key);
	/* The same image either way. */
	ASSERT_EQ(D1_SUCCESS, d1_program_binary(a, NULL, 0, &s1));
	ASSERT_EQ(D1_SUCCESS, d1_program_binary(b, NULL, 0, &s2));
	ASSERT_EQ(s1, s2);
	e1 = malloc(s1);
	e2 = malloc(s2);
	ASSERT_EQ(D1_ERROR_INVALID_VALUE, d1_program_binary(a, e1, s1 - 1, &s1));
	ASSERT_EQ(D1_SUCCESS, d1_program_binary(a, e1, s1, &s1));
	ASSERT_EQ(D1_SUCCESS, d1_program_binary(b, e2, s2, &s2));
	EXPECT_EQ(0, memcmp(e1, e2, s1));
	free(e1);
	free(e2);

	/* Any option is part of the key. */
	o.defines = defs;
	o.num_defines = 1;
	ASSERT_EQ(D1_SUCCESS, build_src(vadd_src, &o, &c));
	EXPECT_EQ(D1_CACHE_MISS, cache_result(c));
	o.opt_level = D1_OPT_O1;
	ASSERT_EQ(D1_SUCCESS, d1_program_build(c, &o));
	EXPECT_EQ(D1_CACHE_MISS, cache_result(c));
	ASSERT_EQ(D1_SUCCESS, d1_program_build(c, &o));
	EXPECT_EQ(D1_CACHE_HIT, cache_result(c));

	/* Bypassing the cache: never read, never written. */
	o.flags = D1_BUILD_NO_CACHE;
	ASSERT_EQ(D1_SUCCESS, build_src(vadd_src, &o, &d));
	EXPECT_EQ(D1_CACHE_DISABLED, cache_result(d));
	d1_program_destroy(d);
	setenv("D1_CACHE_DISABLE", "1", 1);
	ASSERT_EQ(D1_SUCCESS, build_src(vadd_src, NULL, &d));
	EXPECT_EQ(D1_CACHE_DISABLED, cache_result(d));
	EXPECT_EQ(3u, count_files(self->cache, ".d1k"));
	EXPECT_EQ(0u, count_files(self->cache, ".tmp"));
	d1_program_destroy(a);
	d1_program_destroy(b);
	d1_program_destroy(c);
	d1_program_destroy(d);
}

/* Damages the only cache entry with @how; the next build must rebuild. */
static void damage(struct __test_metadata *_metadata, const char *cache,
		   int how)
{
	char path[512];
	struct dirent *e;
	struct stat st;
	DIR *d = opendir(cache);
	int fd;

	ASSERT_NE(NULL, d);
	path[0] = '\0';
	while ((e = readdir(d)))
		if (strstr(e->d_name, ".d1k"))
			snprintf(path, sizeof(path), "%s/%s", cache, e->d_name);
	closedir(d);
	ASSERT_NE('\0', path[0]);
	ASSERT_EQ(0, stat(path, &st));
	fd = open(path, O_RDWR);
	ASSERT_LE(0, fd);
	switch (how) {
	case 0:		/* truncated */
		ASSERT_EQ(0, ftruncate(fd, st.st_size / 2));
		break;
	case 1: {	/* one payload byte flipped */
		char c;

		ASSERT_EQ(1, pread(fd, &c, 1, st.st_size - 100));
		c ^= 0x40;
		ASSERT_EQ(1, pwrite(fd, &c, 1, st.st_size - 100));
		break;
	}
	case 2:		/* empty */
		ASSERT_EQ(0, ftruncate(fd, 0));
		break;
	default:	/* garbage header */
		ASSERT_EQ(8, pwrite(fd, "garbage!", 8, 0));
		break;
	}
	close(fd);
}

/* Lines in file @path (0 if missing). */
static unsigned int count_lines(const char *path)
{
	unsigned int n = 0;
	FILE *f = fopen(path, "r");
	int c;

	if (!f)
		return 0;
	while ((c = fgetc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

TEST_F_TIMEOUT(prog, cache_hit_runs_no_compiler, COMPILE_TIMEOUT)
{
	char wrapper[256], calls[256], script[1024];
	d1_program *p;
	FILE *f;

	/* A clang that logs every run, then runs the real one. */
	snprintf(wrapper, sizeof(wrapper), "%s/clang-wrapper", self->dir);
	snprintf(calls, sizeof(calls), "%s/calls", self->dir);
	snprintf(script, sizeof(script),
		 "#!/bin/sh\necho \"$*\" >>%s\nexec clang \"$@\"\n", calls);
	f = fopen(wrapper, "w");
	ASSERT_NE(NULL, f);
	fputs(script, f);
	fclose(f);
	ASSERT_EQ(0, chmod(wrapper, 0755));
	setenv("D1_CLANG", wrapper, 1);

	ASSERT_EQ(D1_SUCCESS, build_src(vadd_src, NULL, &p));
	EXPECT_EQ(D1_CACHE_MISS, cache_result(p));
	EXPECT_EQ(3u, count_lines(calls));	/* --version, compile, link */
	EXPECT_EQ(1u, count_files(self->cache, "compiler-"));
	ASSERT_EQ(D1_SUCCESS, d1_program_build(p, NULL));
	EXPECT_EQ(D1_CACHE_HIT, cache_result(p));
	EXPECT_EQ(3u, count_lines(calls));	/* nothing ran */
	d1_program_destroy(p);
	/* A different compiler binary is asked again. */
	ASSERT_EQ(0, utimensat(AT_FDCWD, wrapper, NULL, 0));
	ASSERT_EQ(D1_SUCCESS, build_src(vadd_src, NULL, &p));
	EXPECT_EQ(4u, count_lines(calls));
	d1_program_destroy(p);
}

TEST_F_TIMEOUT(prog, corrupt_entries_are_rebuilt, COMPILE_TIMEOUT)
{
	d1_program *p;
	int how;

	ASSERT_EQ(D1_SUCCESS, build_src(vadd_src, NULL, &p));
	EXPECT_EQ(D1_CACHE_MISS, cache_result(p));
	for (how = 0; how < 4; how++) {
		damage(_metadata, self->cache, how);
		ASSERT_EQ(D1_SUCCESS, d1_program_build(p, NULL));
		EXPECT_EQ(D1_CACHE_REBUILT, cache_result(p)) TH_LOG("damage %d", how);
		ASSERT_EQ(D1_SUCCESS, d1_program_build(p, NULL));
		EXPECT_EQ(D1_CACHE_HIT, cache_result(p));
	}
	d1_program_destroy(p);
}

TEST_F_TIMEOUT(prog, changed_header_is_rebuilt, COMPILE_TIMEOUT)
{
	static const char src[] =
		"#include <d1/device/d1_launch.h>\n"
		"#include \"params.h\"\n"
		"D1_KERNEL(k, (uint32_t, n)) { d1_printf(\"%u\\n\", n * FACTOR); }\n";
	char inc[128], hdr[256];
	const char *dirs[1] = { inc };
	struct d1_build_options o = { 0 };
	d1_program *p;

	snprintf(inc, sizeof(inc), "%s/inc", self->dir);
	snprintf(hdr, sizeof(hdr), "%s/params.h", inc);
	ASSERT_EQ(0, mkdir(inc, 0755));
	ASSERT_EQ(0, d1_write_file(hdr, "#define FACTOR 2\n", 17));
	o.include_dirs = dirs;
	o.num_include_dirs = 1;
	ASSERT_EQ(D1_SUCCESS, build_src(src, &o, &p));
	EXPECT_EQ(D1_CACHE_MISS, cache_result(p));
	ASSERT_EQ(D1_SUCCESS, d1_program_build(p, &o));
	EXPECT_EQ(D1_CACHE_HIT, cache_result(p));
	ASSERT_EQ(0, d1_write_file(hdr, "#define FACTOR 3\n", 17));
	ASSERT_EQ(D1_SUCCESS, d1_program_build(p, &o));
	EXPECT_EQ(D1_CACHE_REBUILT, cache_result(p));
	ASSERT_EQ(D1_SUCCESS, d1_program_build(p, &o));
	EXPECT_EQ(D1_CACHE_HIT, cache_result(p));
	d1_program_destroy(p);
}

/* @src copied to @dst (a new file). */
static int copy_file(const char *src, const char *dst)
{
	char *data;
	size_t size;
	int ret;

	if (d1_read_file(src, &data, &size))
		return -1;
	ret = d1_write_file(dst, data, size);
	free(data);
	return ret;
}

/*
 * The runtime copied to another place, laid out as installed (include/,
 * device/), gives the same cache key: an installed SDK finds what the work
 * tree built.  Changing a runtime file there changes the key.
 */
TEST_F_TIMEOUT(prog, runtime_location_is_not_in_the_key, COMPILE_TIMEOUT)
{
	static const char *const hdrs[] = {
		"d1/device/d1_kernel.h", "d1/device/d1_launch.h",
		"d1/device/d1_abi.h", "d1/device/d1_gemm.h", "d1_isa.h",
	};
	struct d1_program_info a, b;
	struct d1_toolchain tc;
	static const char *const dirs[] = {
		"", "/include", "/include/d1", "/include/d1/device", "/device",
	};
	char rt[128], path[8192], from[8192], err[256];
	unsigned int i;
	d1_program *p;
	FILE *f;

	ASSERT_EQ(0, d1_toolchain_find(&tc, NULL, err, sizeof(err))) TH_LOG("%s", err);
	snprintf(rt, sizeof(rt), "%s/rt", self->dir);
	for (i = 0; i < 5; i++) {
		snprintf(path, sizeof(path), "%s%s", rt, dirs[i]);
		ASSERT_EQ(0, mkdir(path, 0755));
	}
	for (i = 0; i < sizeof(hdrs) / sizeof(hdrs[0]); i++) {
		snprintf(from, sizeof(from), "%s/%s", tc.incdir[0], hdrs[i]);
		if (access(from, R_OK))
			snprintf(from, sizeof(from), "%s/%s", tc.incdir[1], hdrs[i]);
		snprintf(path, sizeof(path), "%s/include/%s", rt, hdrs[i]);
		ASSERT_EQ(0, copy_file(from, path)) TH_LOG("%s", from);
	}
	for (i = 0; i < D1_RT_NFILES; i++) {
		snprintf(path, sizeof(path), "%s/device/%s", rt,
			 strrchr(tc.rtsrc[i], '/') + 1);
		ASSERT_EQ(0, copy_file(tc.rtsrc[i], path));
	}
	snprintf(path, sizeof(path), "%s/device/d1.ld", rt);
	ASSERT_EQ(0, copy_file(tc.ldscript, path));

	ASSERT_EQ(D1_SUCCESS, build_src(vadd_src, NULL, &p));
	ASSERT_EQ(D1_SUCCESS, d1_program_info(p, &a));
	EXPECT_EQ(D1_CACHE_MISS, a.cache);
	d1_program_destroy(p);

	setenv("D1_RUNTIME_DIR", rt, 1);
	ASSERT_EQ(D1_SUCCESS, build_src(vadd_src, NULL, &p));
	ASSERT_EQ(D1_SUCCESS, d1_program_info(p, &b));
	EXPECT_EQ(D1_CACHE_HIT, b.cache);
	EXPECT_STREQ(a.cache_key, b.cache_key);
	d1_program_destroy(p);

	snprintf(path, sizeof(path), "%s/device/d1_rt.c", rt);
	f = fopen(path, "a");
	ASSERT_NE(NULL, f);
	fputs("/* changed */\n", f);
	fclose(f);
	ASSERT_EQ(D1_SUCCESS, build_src(vadd_src, NULL, &p));
	ASSERT_EQ(D1_SUCCESS, d1_program_info(p, &b));
	EXPECT_EQ(D1_CACHE_MISS, b.cache);
	EXPECT_STRNE(a.cache_key, b.cache_key);
	d1_program_destroy(p);
}

TEST_F_TIMEOUT(prog, concurrent_builders, COMPILE_TIMEOUT)
{
	enum { NPROC = 4 };
	pid_t pids[NPROC];
	int i, status;

	/* Empty cache; all race to build and store the same entry. */
	for (i = 0; i < NPROC; i++) {
		pids[i] = fork();
		ASSERT_LE(0, pids[i]);
		if (!pids[i]) {
			d1_program *p;
			d1_kernel *k;

			if (build_src(vadd_src, NULL, &p) ||
			    d1_kernel_create(p, "vadd", &k))
				_exit(1);
			d1_kernel_destroy(k);
			d1_program_destroy(p);
			_exit(0);
		}
	}
	for (i = 0; i < NPROC; i++) {
		ASSERT_EQ(pids[i], waitpid(pids[i], &status, 0));
		EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
	}
	EXPECT_EQ(1u, count_files(self->cache, ".d1k"));
	EXPECT_EQ(0u, count_files(self->cache, ".tmp"));
	{
		d1_program *p;

		ASSERT_EQ(D1_SUCCESS, build_src(vadd_src, NULL, &p));
		EXPECT_EQ(D1_CACHE_HIT, cache_result(p));
		d1_program_destroy(p);
	}
}

TEST_F_TIMEOUT(prog, build_errors_have_diagnostics, COMPILE_TIMEOUT)
{
	static const char bad[] =
		"#include <d1/device/d1_launch.h>\n"
		"D1_KERNEL(k, (uint32_t, n))\n"
		"{\n"
		"	undeclared_thing(n);\n"
		"}\n";
	static const char unresolved[] =
		"#include <d1/device/d1_launch.h>\n"
		"void missing_function(void);\n"
		"D1_KERNEL(k, (uint32_t, n)) { (void)n; missing_function(); }\n";
	static const char warns[] =
		"#include <d1/device/d1_launch.h>\n"
		"D1_KERNEL(k, (uint32_t, n)) { int unused; (void)n; }\n";
	struct d1_build_options o = { 0 };
	struct d1_program_info info;
	d1_program *p;
	d1_kernel *k;
	char small[8];
	size_t n;
	char *log;

	ASSERT_EQ(D1_SUCCESS, d1_program_create_from_source(bad, 0, "broken.c", &p));
	ASSERT_EQ(D1_ERROR_BUILD, d1_program_build(p, NULL));
	log = get_log(p);
	ASSERT_NE(NULL, log);
	EXPECT_NE(NULL, strstr(log, "broken.c:4:")) TH_LOG("log: %s", log);
	EXPECT_NE(NULL, strstr(log, "undeclared_thing")) TH_LOG("log: %s", log);
	EXPECT_NE(NULL, strstr(log, "error")) TH_LOG("log: %s", log);
	free(log);
	/* Size-then-fetch, with truncation. */
	ASSERT_EQ(D1_SUCCESS, d1_program_build_log(p, small, sizeof(small), &n));
	EXPECT_LT(sizeof(small), n);
	EXPECT_EQ(7u, strlen(small));
	ASSERT_EQ(D1_SUCCESS, d1_program_info(p, &info));
	EXPECT_EQ(0u, info.built);
	EXPECT_EQ(D1_ERROR_INVALID_STATE, d1_kernel_create(p, "k", &k));
	EXPECT_EQ(D1_ERROR_INVALID_STATE, d1_program_binary(p, NULL, 0, &n));
	EXPECT_EQ(0u, count_files(self->cache, ".tmp"));
	d1_program_destroy(p);

	/* A link error is a build error too. */
	ASSERT_EQ(D1_SUCCESS, d1_program_create_from_source(unresolved, 0, NULL, &p));
	ASSERT_EQ(D1_ERROR_BUILD, d1_program_build(p, NULL));
	log = get_log(p);
	EXPECT_NE(NULL, strstr(log, "missing_function")) TH_LOG("log: %s", log);
	free(log);
	d1_program_destroy(p);

	/* Warnings: in the log of a successful build, errors with WERROR. */
	ASSERT_EQ(D1_SUCCESS, d1_program_create_from_source(warns, 0, "w.c", &p));
	ASSERT_EQ(D1_SUCCESS, d1_program_build(p, NULL));
	o.flags = D1_BUILD_WERROR;
	ASSERT_EQ(D1_ERROR_BUILD, d1_program_build(p, &o));
	log = get_log(p);
	EXPECT_NE(NULL, strstr(log, "w.c:2:")) TH_LOG("log: %s", log);
	EXPECT_NE(NULL, strstr(log, "unused")) TH_LOG("log: %s", log);
	free(log);
	/* The earlier image stays. */
	ASSERT_EQ(D1_SUCCESS, d1_program_info(p, &info));
	EXPECT_EQ(1u, info.built);
	d1_program_destroy(p);

	/* No compiler, no runtime: errors, with the reason in the log. */
	setenv("D1_CLANG", "/nonexistent/clang", 1);
	ASSERT_EQ(D1_SUCCESS, d1_program_create_from_source(warns, 0, NULL, &p));
	ASSERT_EQ(D1_ERROR_BUILD, d1_program_build(p, NULL));
	log = get_log(p);
	EXPECT_NE(NULL, strstr(log, "D1_CLANG")) TH_LOG("log: %s", log);
	free(log);
	unsetenv("D1_CLANG");
	setenv("D1_RUNTIME_DIR", "/nonexistent", 1);
	ASSERT_EQ(D1_ERROR_BUILD, d1_program_build(p, NULL));
	log = get_log(p);
	EXPECT_NE(NULL, strstr(log, "runtime")) TH_LOG("log: %s", log);
	free(log);
	d1_program_destroy(p);
}

TEST_F_TIMEOUT(prog, raw_kernel_and_elf_round_trip, COMPILE_TIMEOUT)
{
	struct d1_kernel_arg_info ai;
	const void *block;
	d1_program *p, *q;
	d1_kernel *k;
	unsigned int v = 5;
	size_t size;
	char path[256];
	void *elf;
	FILE *f;

	ASSERT_EQ(D1_SUCCESS, build_src(raw_src, NULL, &p));
	EXPECT_EQ(D1_ERROR_NOT_FOUND, d1_kernel_create(p, "vadd", &k));
	ASSERT_EQ(D1_SUCCESS, d1_kernel_create(p, "d1_main", &k));
	ASSERT_EQ(D1_SUCCESS, d1_kernel_arg_info(k, 0, &ai));
	EXPECT_EQ(D1_ARG_RAW, ai.kind);
	EXPECT_EQ(D1_ERROR_ARGUMENT, d1_kernel_set_arg_u32(k, 0, 1));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_kernel_set_args_raw(k, &v, 4097));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_kernel_set_args_raw(k, NULL, 4));
	ASSERT_EQ(D1_SUCCESS, d1_kernel_set_args_raw(k, &v, sizeof(v)));
	ASSERT_EQ(D1_SUCCESS, d1_kernel_block(k, &block, &size, NULL));
	EXPECT_EQ(4u, size);
	EXPECT_EQ(0, memcmp(block, &v, 4));
	d1_kernel_destroy(k);
	d1_program_destroy(p);

	/* A built image loads back with the same kernels, also from a file. */
	ASSERT_EQ(D1_SUCCESS, build_src(vadd_src, NULL, &p));
	ASSERT_EQ(D1_SUCCESS, d1_program_binary(p, NULL, 0, &size));
	elf = malloc(size);
	ASSERT_EQ(D1_SUCCESS, d1_program_binary(p, elf, size, &size));
	ASSERT_EQ(D1_SUCCESS, d1_program_create_from_elf(elf, size, &q));
	EXPECT_EQ(D1_ERROR_INVALID_STATE, d1_program_build(q, NULL));
	ASSERT_EQ(D1_SUCCESS, d1_kernel_create(q, "scale", &k));
	d1_kernel_destroy(k);
	d1_program_destroy(q);
	snprintf(path, sizeof(path), "%s/k.elf", self->dir);
	f = fopen(path, "wb");
	ASSERT_NE(NULL, f);
	ASSERT_EQ(size, fwrite(elf, 1, size, f));
	fclose(f);
	ASSERT_EQ(D1_SUCCESS, d1_program_create_from_file(path, &q));
	ASSERT_EQ(D1_SUCCESS, d1_kernel_create(q, "empty", &k));
	d1_kernel_destroy(k);
	d1_program_destroy(q);

	/* Damaged images are refused, never crash. */
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_program_create_from_elf(elf, 63, &q));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE,
		  d1_program_create_from_elf("not an elf at all", 17, &q));
	{
		uint8_t *bad = malloc(size);
		size_t i;

		/* Corrupt every 97th byte of a copy, one at a time. */
		for (i = 0; i < size; i += 97) {
			memcpy(bad, elf, size);
			bad[i] ^= 0xff;
			if (d1_program_create_from_elf(bad, size, &q) == D1_SUCCESS)
				d1_program_destroy(q);
		}
		for (i = 64; i < size; i += size / 16) {
			if (d1_program_create_from_elf(elf, i, &q) == D1_SUCCESS)
				d1_program_destroy(q);
		}
		free(bad);
	}
	free(elf);
	d1_program_destroy(p);
}

TEST_F_TIMEOUT(prog, from_file_finds_local_includes, COMPILE_TIMEOUT)
{
	char src[256], hdr[256];
	d1_program *p;
	d1_kernel *k;

	snprintf(src, sizeof(src), "%s/main.c", self->dir);
	snprintf(hdr, sizeof(hdr), "%s/local.h", self->dir);
	static const char text[] =
		"#include <d1/device/d1_launch.h>\n#include \"local.h\"\n"
		"D1_KERNEL(k, (int, x)) { (void)x; d1_exit(LOCAL); }\n";

	ASSERT_EQ(0, d1_write_file(hdr, "#define LOCAL 1\n", 16));
	ASSERT_EQ(0, d1_write_file(src, text, strlen(text)));
	ASSERT_EQ(D1_SUCCESS, d1_program_create_from_file(src, &p));
	ASSERT_EQ(D1_SUCCESS, d1_program_build(p, NULL));
	ASSERT_EQ(D1_SUCCESS, d1_kernel_create(p, "k", &k));
	d1_kernel_destroy(k);
	d1_program_destroy(p);
	EXPECT_EQ(D1_ERROR_NOT_FOUND,
		  d1_program_create_from_file("/nonexistent/x.c", &p));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_program_create_from_file("/tmp", &p));
}

TEST(invalid_arguments)
{
	static const char *const null_def[] = { NULL };
	static const char *const bad_def[] = { "1X" };
	static const char *const nl_def[] = { "X=1\n#include" };
	struct d1_build_options o;
	struct d1_program_info info;
	struct d1_kernel_arg_info ai;
	d1_program *p = NULL;
	unsigned int n;
	const char *name;
	size_t size;
	char buf[4];

	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_program_create_from_source(NULL, 0, NULL, &p));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_program_create_from_source("x", 0, NULL, NULL));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_program_create_from_source("", 0, NULL, &p));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_program_create_from_source("x", 0, "../x.c", &p));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_program_create_from_source("x", 0, "a/b.c", &p));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_program_create_from_source("x", 0, "", &p));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_program_create_from_source("x\0y", 3, NULL, &p));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_program_create_from_elf(NULL, 10, &p));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_program_create_from_elf("x", 0, &p));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_program_create_from_elf("x", 1, NULL));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_program_create_from_file(NULL, &p));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_program_create_from_file("", &p));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_program_create_from_file("/x", NULL));
	EXPECT_EQ(NULL, p);

	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_program_build(NULL, NULL));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_program_build_log(NULL, NULL, 0, &size));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_program_binary(NULL, NULL, 0, &size));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_program_info(NULL, &info));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_program_kernel_name(NULL, 0, &name));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_program_destroy(NULL));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_kernel_create(NULL, "k", NULL));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_kernel_num_args(NULL, &n));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_kernel_arg_info(NULL, 0, &ai));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_kernel_set_arg(NULL, 0, buf, 4));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_kernel_set_arg_u32(NULL, 0, 0));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_kernel_set_arg_u64(NULL, 0, 0));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_kernel_set_arg_f32(NULL, 0, 0));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_kernel_set_arg_devaddr(NULL, 0, 0));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_kernel_set_args_raw(NULL, buf, 4));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_kernel_destroy(NULL));

	ASSERT_EQ(D1_SUCCESS, d1_program_create_from_source("int x;", 0, NULL, &p));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_program_build_log(p, NULL, 0, NULL));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_program_build_log(p, buf, 0, &size));
	ASSERT_EQ(D1_SUCCESS, d1_program_build_log(p, NULL, 0, &size));
	EXPECT_EQ(1u, size);
	EXPECT_EQ(D1_ERROR_INVALID_STATE, d1_program_binary(p, NULL, 0, &size));
	EXPECT_EQ(D1_ERROR_INVALID_STATE, d1_program_kernel_name(p, 0, &name));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_program_kernel_name(p, 0, NULL));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_program_info(p, NULL));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_kernel_create(p, NULL, NULL));

	/* Options are checked before anything runs. */
	memset(&o, 0, sizeof(o));
	o.opt_level = D1_OPT_OS + 1;
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_program_build(p, &o));
	memset(&o, 0, sizeof(o));
	o.flags = 1u << 31;
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_program_build(p, &o));
	memset(&o, 0, sizeof(o));
	o.reserved[3] = 1;
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_program_build(p, &o));
	memset(&o, 0, sizeof(o));
	o.num_defines = 1;
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_program_build(p, &o));
	o.defines = null_def;
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_program_build(p, &o));
	o.defines = bad_def;
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_program_build(p, &o));
	o.defines = nl_def;
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_program_build(p, &o));
	memset(&o, 0, sizeof(o));
	o.num_include_dirs = 1;
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_program_build(p, &o));
	ASSERT_EQ(D1_SUCCESS, d1_program_info(p, &info));
	EXPECT_EQ(0u, info.built);
	EXPECT_EQ(D1_SUCCESS, d1_program_destroy(p));
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: MIT
/*
 * The kernel toolchain: which clang to run, where the device runtime and
 * headers are, and running programs without a shell.
 *
 * Compiler: $D1_CLANG, else "clang", else "clang-14" on $PATH.
 * Runtime: $D1_RUNTIME_DIR, else the compiled-in D1_RUNTIME_DIR_DEFAULT
 * (an installed library: $(PREFIX)/share/d1), else the source tree this
 * library was built from (D1_SOURCE_TREE, or derived from __FILE__).
 * An installed runtime directory holds include/ (the d1/device headers and
 * d1_isa.h) and device/ (crt0.S d1_rt.c d1_dispatch.c d1.ld).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libd1_internal.h"
#include "sha256.h"

static const char *const rt_names[D1_RT_NFILES] = {
	"crt0.S", "d1_rt.c", "d1_dispatch.c",
};

static int __attribute__((format(printf, 3, 4)))
fail(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -1;
}

static int __attribute__((format(printf, 2, 3)))
pathf(char *buf, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, 4096, fmt, ap);
	va_end(ap);
	return n < 0 || n >= 4096 ? -1 : 0;
}

/* An executable @name found like execvp() would, into @out. */
static int find_exe(const char *name, char *out)
{
	const char *path = getenv("PATH");
	char dir[4096];

	if (strchr(name, '/'))
		return access(name, X_OK) ? -1 : pathf(out, "%s", name);
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		size_t n = strcspn(path, ":");

		if (n && n < sizeof(dir)) {
			memcpy(dir, path, n);
			dir[n] = '\0';
			if (!pathf(out, "%s/%s", dir, name) && !access(out, X_OK))
				return 0;
		}
		path += n;
		if (*path)
			path++;
	}
	return -1;
}

int d1_read_file(const char *path, char **data, size_t *size)
{
	struct stat st;
	char *buf;
	size_t got = 0;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size > (1 << 30)) {
		err = errno ? errno : EINVAL;
		close(fd);
		errno = S_ISREG(st.st_mode) ? err : EINVAL;
		return -1;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		close(fd);
		errno = ENOMEM;
		return -1;
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	buf[got] = '\0';
	*data = buf;
	*size = got;
	return 0;
}

int d1_write_file(const char *path, const void *data, size_t size)
{
	const char *p = data;
	int fd, err;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	while (size) {
		ssize_t n = write(fd, p, size);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = n < 0 ? errno : EIO;
			close(fd);
			errno = err;
			return -1;
		}
		p += n;
		size -= (size_t)n;
	}
	return close(fd);
}

/*
 * Runs argv[0] (a path) with @cwd as working directory, stdin from
 * /dev/null, stdout and stderr to @out_fd (or /dev/null if < 0); its wait
 * status in *status.  posix_spawn() rather than fork(): a large caller (a
 * Python process with PyTorch loaded) does not copy its page tables to
 * start clang.  -1 with errno set if the program could not be started.
 */
int d1_run(char *const argv[], const char *cwd, int out_fd, int *status)
{
	posix_spawn_file_actions_t fa;
	pid_t pid, w;
	int err;

	err = posix_spawn_file_actions_init(&fa);
	if (err)
		goto fail;
	err = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	if (!err)
		err = out_fd < 0 ?
		      posix_spawn_file_actions_addopen(&fa, 1, "/dev/null",
						       O_WRONLY, 0) :
		      posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
	if (!err)
		err = posix_spawn_file_actions_adddup2(&fa, 1, 2);
	if (!err && cwd)
		err = posix_spawn_file_actions_addchdir_np(&fa, cwd);
	if (!err)
		err = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (err)
		goto fail;
	do {
		w = waitpid(pid, status, 0);
	} while (w < 0 && errno == EINTR);
	return w < 0 ? -1 : 0;
fail:
	errno = err;
	return -1;
}

/*
 * The version remembered in @memo_dir for this exact compiler binary
 * (path, inode, size, mtime), so a cache hit does not run clang at all.
 * 0 and tc->version set if found; @path gets the memo file's name.
 */
static int version_memo(struct d1_toolchain *tc, const char *memo_dir,
			char *path)
{
	struct stat st;
	char id[4096 + 128], hex[65], *data;
	uint8_t h[32];
	size_t size;
	int n;

	path[0] = '\0';
	if (!memo_dir || stat(tc->clang, &st))
		return -1;
	n = snprintf(id, sizeof(id), "%s\n%llu %llu %lld.%09ld", tc->clang,
		     (unsigned long long)st.st_ino,
		     (unsigned long long)st.st_size, (long long)st.st_mtim.tv_sec,
		     st.st_mtim.tv_nsec);
	if (n < 0 || (size_t)n >= sizeof(id))
		return -1;
	d1_sha256(id, (size_t)n, h);
	d1_sha256_hex(h, hex);
	if (pathf(path, "%s/compiler-%.16s.txt", memo_dir, hex))
		return -1;
	if (d1_read_file(path, &data, &size))
		return -1;
	if (!size || size >= sizeof(tc->version) || memchr(data, '\n', size)) {
		free(data);
		return -1;
	}
	memcpy(tc->version, data, size);
	tc->version[size] = '\0';
	free(data);
	return 0;
}

/* Writes @text to @path atomically (temporary file + rename). */
static void write_memo(const char *path, const char *text)
{
	char tmp[4096 + 16];

	if (snprintf(tmp, sizeof(tmp), "%s.%ld", path, (long)getpid()) >=
	    (int)sizeof(tmp))
		return;
	if (d1_write_file(tmp, text, strlen(text)) || rename(tmp, path))
		unlink(tmp);
}

/* The first line of `clang --version`, into tc->version. */
static int clang_version(struct d1_toolchain *tc, char *err, size_t errlen)
{
	char *argv[] = { tc->clang, (char *)"--version", NULL };
	char tmpl[] = "/tmp/d1-clang-version.XXXXXX";
	char buf[512];
	ssize_t n;
	int fd, status;

	fd = mkostemp(tmpl, O_CLOEXEC);
	if (fd < 0)
		return fail(err, errlen, "cannot create a temporary file: %s",
			    strerror(errno));
	unlink(tmpl);
	if (d1_run(argv, NULL, fd, &status) || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		close(fd);
		return fail(err, errlen, "cannot run '%s --version'", tc->clang);
	}
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	close(fd);
	if (n <= 0)
		return fail(err, errlen, "'%s --version' printed nothing",
			    tc->clang);
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	snprintf(tc->version, sizeof(tc->version), "%s", buf);
	return 0;
}

#ifndef D1_RUNTIME_DIR_DEFAULT
/* The source tree libd1 was built from ("" if unknown). */
static const char *source_tree(char *buf)
{
#ifdef D1_SOURCE_TREE
	snprintf(buf, 4096, "%s", D1_SOURCE_TREE);
#else
	/* __FILE__ is .../libd1/buildenv.c when compiled by absolute path. */
	const char *f = __FILE__;
	const char *s = strstr(f, "/libd1/buildenv.c");

	buf[0] = '\0';
	if (f[0] == '/' && s && s[strlen("/libd1/buildenv.c")] == '\0')
		snprintf(buf, 4096, "%.*s", (int)(s - f), f);
#endif
	return buf;
}
#endif

static int set_layout(struct d1_toolchain *tc, const char *root, int tree)
{
	unsigned int i;

	if (tree) {
		if (pathf(tc->incdir[0], "%s/libd1/include", root) ||
		    pathf(tc->incdir[1], "%s/hw", root))
			return -1;
	} else {
		if (pathf(tc->incdir[0], "%s/include", root) ||
		    pathf(tc->incdir[1], "%s/include", root))
			return -1;
	}
	for (i = 0; i < D1_RT_NFILES; i++)
		if (pathf(tc->rtsrc[i], tree ? "%s/libd1/device/%s" :
			  "%s/device/%s", root, rt_names[i]))
			return -1;
	return pathf(tc->ldscript, tree ? "%s/libd1/device/d1.ld" :
		     "%s/device/d1.ld", root);
}

/*
 * A hash of every runtime file's contents, each under its role (its name
 * in the runtime layout), not its path: the same runtime in the work tree,
 * under /usr/share/d1 or in $D1_RUNTIME_DIR builds the same images, so
 * the program cache keys agree wherever the SDK is installed.
 */
static int rt_hash(struct d1_toolchain *tc, char *err, size_t errlen)
{
	static const char *const hdrs[] = {
		"d1/device/d1_kernel.h", "d1/device/d1_launch.h",
		"d1/device/d1_abi.h", "d1/device/d1_gemm.h", "d1_isa.h",
	};
	struct sha256_ctx h;
	char path[4096];
	const unsigned int n = D1_RT_NFILES + 1 + sizeof(hdrs) / sizeof(hdrs[0]);
	unsigned int i;

	sha256_init(&h);
	for (i = 0; i < n; i++) {
		const char *p, *role;
		char *data;
		size_t size;

		if (i < D1_RT_NFILES) {
			p = tc->rtsrc[i];
			role = rt_names[i];
		} else if (i == D1_RT_NFILES) {
			p = tc->ldscript;
			role = "d1.ld";
		} else {
			role = hdrs[i - D1_RT_NFILES - 1];
			if (pathf(path, "%s/%s", tc->incdir[0], role) ||
			    access(path, R_OK))
				pathf(path, "%s/%s", tc->incdir[1], role);
			p = path;
		}
		if (d1_read_file(p, &data, &size))
			return fail(err, errlen,
				    "device runtime file %s: %s (set D1_RUNTIME_DIR)",
				    p, strerror(errno));
		d1_sha256_update(&h, role, strlen(role) + 1);
		d1_sha256_update(&h, &size, sizeof(size));
		d1_sha256_update(&h, data, size);
		free(data);
	}
	sha256_digest(&h, D1_SHA256_LEN, tc->rt_hash);
	return 0;
}

int d1_toolchain_find(struct d1_toolchain *tc, const char *memo_dir,
		      char *err, size_t errlen)
{
	const char *env = getenv("D1_CLANG");
	const char *rt = getenv("D1_RUNTIME_DIR");
	char tree[4096], memo[4096];

	memset(tc, 0, sizeof(*tc));
	if (env && *env) {
		if (find_exe(env, tc->clang))
			return fail(err, errlen,
				    "D1_CLANG=%s: no such executable", env);
	} else if (find_exe("clang", tc->clang) &&
		   find_exe("clang-14", tc->clang)) {
		return fail(err, errlen,
			    "no clang on PATH (install clang-14 and lld, or set D1_CLANG)");
	}
	if (version_memo(tc, memo_dir, memo)) {
		if (clang_version(tc, err, errlen))
			return -1;
		if (memo[0])
			write_memo(memo, tc->version);
	}

	if (rt && *rt) {
		if (set_layout(tc, rt, 0))
			return fail(err, errlen, "D1_RUNTIME_DIR too long");
	} else {
#ifdef D1_RUNTIME_DIR_DEFAULT
		if (set_layout(tc, D1_RUNTIME_DIR_DEFAULT, 0))
			return fail(err, errlen, "runtime path too long");
		(void)tree;
#else
		if (!*source_tree(tree) || set_layout(tc, tree, 1))
			return fail(err, errlen,
				    "cannot locate the device runtime: set D1_RUNTIME_DIR");
#endif
	}
	return rt_hash(tc, err, errlen);
}

// SPDX-License-Identifier: MIT
/*
 * Programs: creation from source, ELF or file; building with clang/lld
 * through the cache; build log, binary and kernel table queries.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "d1/device/d1_abi.h"
#include "libd1_internal.h"
#include "sha256.h"

#define MAX_SOURCE	(64u << 20)

static d1_status new_program(d1_program **out)
{
	d1_program *p = calloc(1, sizeof(*p));

	if (!p) {
		errno = ENOMEM;
		return D1_ERROR_OUT_OF_MEMORY;
	}
	*out = p;
	return D1_SUCCESS;
}

/* A base name usable as a file name: [A-Za-z0-9._-]+, not "." or "..". */
static int good_name(const char *n)
{
	size_t i, len = strlen(n);

	if (!len || len > 200 || !strcmp(n, ".") || !strcmp(n, ".."))
		return 0;
	for (i = 0; i < len; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789._-", n[i]))
			return 0;
	return 1;
}

D1_API d1_status d1_program_create_from_source(const char *source,
					       size_t length, const char *name,
					       d1_program **out)
{
	d1_program *p;
	d1_status st;

	if (!source || !out || (name && !good_name(name)))
		return D1_ERROR_INVALID_VALUE;
	if (!length)
		length = strlen(source);
	if (!length || length > MAX_SOURCE || memchr(source, '\0', length))
		return D1_ERROR_INVALID_VALUE;
	st = new_program(&p);
	if (st)
		return st;
	p->source = malloc(length + 1);
	if (!p->source) {
		free(p);
		errno = ENOMEM;
		return D1_ERROR_OUT_OF_MEMORY;
	}
	memcpy(p->source, source, length);
	p->source[length] = '\0';
	p->source_len = length;
	snprintf(p->name, sizeof(p->name), "%s", name ? name : "program.c");
	*out = p;
	return D1_SUCCESS;
}

static void set_log(d1_program *p, const char *text, size_t len)
{
	free(p->log);
	p->log = malloc(len + 1);
	p->log_len = 0;
	if (!p->log)
		return;
	memcpy(p->log, text, len);
	p->log[len] = '\0';
	p->log_len = len;
}

static void __attribute__((format(printf, 2, 3)))
log_printf(d1_program *p, const char *fmt, ...)
{
	char buf[8192];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	set_log(p, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

D1_API d1_status d1_program_create_from_elf(const void *image, size_t size,
					    d1_program **out)
{
	struct d1_image *img;
	char err[256];
	d1_program *p;
	d1_status st;

	if (!image || !size || !out)
		return D1_ERROR_INVALID_VALUE;
	st = d1_image_parse(image, size, &img, err, sizeof(err));
	if (st)
		return st;
	st = new_program(&p);
	if (st) {
		d1_image_put(img);
		return st;
	}
	p->image = img;
	snprintf(p->name, sizeof(p->name), "image.elf");
	*out = p;
	return D1_SUCCESS;
}

D1_API d1_status d1_program_create_from_file(const char *path,
					     d1_program **out)
{
	const char *base;
	char *data, *dir, name[256];
	size_t size;
	d1_status st;
	int err;

	if (!path || !*path || !out)
		return D1_ERROR_INVALID_VALUE;
	if (d1_read_file(path, &data, &size)) {
		err = errno;
		return err == EINVAL ? D1_ERROR_INVALID_VALUE :
		       err == ENOENT ? D1_ERROR_NOT_FOUND :
		       d1_status_from_errno(err);
	}
	if (size >= 4 && !memcmp(data, "\177ELF", 4)) {
		st = d1_program_create_from_elf(data, size, out);
		free(data);
		return st;
	}
	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	snprintf(name, sizeof(name), "%s", base);
	if (!good_name(name))
		snprintf(name, sizeof(name), "program.c");
	st = d1_program_create_from_source(data, size, name, out);
	free(data);
	if (st)
		return st;
	/* Quote includes resolve next to the file, as for a normal compile. */
	dir = realpath(path, NULL);
	if (dir) {
		char *slash = strrchr(dir, '/');

		if (slash && slash != dir)
			*slash = '\0';
		else if (slash)
			slash[1] = '\0';
		(*out)->srcdir = dir;
	}
	return D1_SUCCESS;
}

/* ---- building ------------------------------------------------------- */

struct argv_buf {
	char **v;
	size_t n, cap;
	int oom;
};

static void add(struct argv_buf *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void add(struct argv_buf *a, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (a->oom)
		return;
	if (a->n + 2 > a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 64;
		char **v = realloc(a->v, cap * sizeof(*v));

		if (!v) {
			a->oom = 1;
			return;
		}
		a->v = v;
		a->cap = cap;
	}
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0) {
		a->oom = 1;
		s = NULL;
	}
	va_end(ap);
	if (!s)
		return;
	a->v[a->n++] = s;
	a->v[a->n] = NULL;
}

static void argv_free(struct argv_buf *a)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		free(a->v[i]);
	free(a->v);
	memset(a, 0, sizeof(*a));
}

static const char *const target_flags[] = {
	"--target=riscv64-unknown-elf", "-march=rv64imf", "-mabi=lp64f",
	"-mcmodel=medany", "-ffreestanding", "-nostdlib", "-fno-pic",
};

static const char *const opt_flags[] = {
	[D1_OPT_DEFAULT] = "-O2", [D1_OPT_O0] = "-O0", [D1_OPT_O1] = "-O1",
	[D1_OPT_O2] = "-O2", [D1_OPT_O3] = "-O3", [D1_OPT_OS] = "-Os",
};

static int valid_define(const char *d)
{
	size_t i, n = strcspn(d, "=");

	if (!n || !(d[0] == '_' || (d[0] >= 'A' && d[0] <= 'Z') ||
		    (d[0] >= 'a' && d[0] <= 'z')))
		return 0;
	for (i = 1; i < n; i++)
		if (!(d[i] == '_' || (d[i] >= 'A' && d[i] <= 'Z') ||
		      (d[i] >= 'a' && d[i] <= 'z') || (d[i] >= '0' && d[i] <= '9')))
			return 0;
	return !strchr(d, '\n');
}

static d1_status check_options(const struct d1_build_options *o)
{
	unsigned int i;

	if (!o)
		return D1_SUCCESS;
	if (o->opt_level > D1_OPT_OS || (o->flags & ~D1_BUILD_FLAGS_ALL) ||
	    (o->num_defines && !o->defines) ||
	    (o->num_include_dirs && !o->include_dirs) ||
	    o->num_defines > 1024 || o->num_include_dirs > 1024)
		return D1_ERROR_INVALID_VALUE;
	for (i = 0; i < 4; i++)
		if (o->reserved[i])
			return D1_ERROR_INVALID_VALUE;
	for (i = 0; i < o->num_defines; i++)
		if (!o->defines[i] || !valid_define(o->defines[i]))
			return D1_ERROR_INVALID_VALUE;
	for (i = 0; i < o->num_include_dirs; i++)
		if (!o->include_dirs[i] || !*o->include_dirs[i] ||
		    strlen(o->include_dirs[i]) >= 3072 ||
		    strchr(o->include_dirs[i], '\n'))
			return D1_ERROR_INVALID_VALUE;
	return D1_SUCCESS;
}

/*
 * The compile command's user-dependent part (options, include dirs made
 * absolute) into @a; the same strings feed the cache key.
 */
static void user_flags(struct argv_buf *a, const d1_program *p,
		       const struct d1_build_options *o)
{
	char cwd[4096];
	unsigned int i;

	add(a, "%s", opt_flags[o ? o->opt_level : 0]);
	if (o && (o->flags & D1_BUILD_DEBUG))
		add(a, "-g");
	if (o && (o->flags & D1_BUILD_WERROR)) {
		add(a, "-Wall");
		add(a, "-Wextra");
		add(a, "-Werror");
	}
	if (p->srcdir)
		add(a, "-iquote%s", p->srcdir);
	if (!getcwd(cwd, sizeof(cwd)))
		cwd[0] = '\0';
	for (i = 0; o && i < o->num_include_dirs; i++) {
		const char *d = o->include_dirs[i];

		if (d[0] == '/')
			add(a, "-I%s", d);
		else
			add(a, "-I%s/%s", cwd, d);
	}
	for (i = 0; o && i < o->num_defines; i++)
		add(a, "-D%s", o->defines[i]);
}

static void key_str(struct sha256_ctx *h, const char *s)
{
	d1_sha256_update(h, s, strlen(s) + 1);
}

static void compute_key(const d1_program *p, const struct d1_toolchain *tc,
			const struct argv_buf *uf, uint8_t key[32])
{
	struct sha256_ctx h;
	char ver[64];
	size_t i;

	sha256_init(&h);
	key_str(&h, "d1-program-cache-v1");
	snprintf(ver, sizeof(ver), "libd1 %d.%d.%d", D1_SDK_VERSION_MAJOR,
		 D1_SDK_VERSION_MINOR, D1_SDK_VERSION_PATCH);
	key_str(&h, ver);
	key_str(&h, tc->version);
	key_str(&h, tc->clang);
	d1_sha256_update(&h, tc->rt_hash, sizeof(tc->rt_hash));
	for (i = 0; i < sizeof(target_flags) / sizeof(target_flags[0]); i++)
		key_str(&h, target_flags[i]);
	for (i = 0; i < uf->n; i++)
		key_str(&h, uf->v[i]);
	key_str(&h, p->name);
	d1_sha256_update(&h, &p->source_len, sizeof(p->source_len));
	d1_sha256_update(&h, p->source, p->source_len);
	sha256_digest(&h, D1_SHA256_LEN, key);
}

static int rm_entry(const char *path, const struct stat *sb, int flag,
		    struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Appends the file @path to the program's log. */
static void append_log_file(d1_program *p, const char *path)
{
	char *data, *n;
	size_t size;

	if (d1_read_file(path, &data, &size))
		return;
	n = realloc(p->log, p->log_len + size + 1);
	if (n) {
		memcpy(n + p->log_len, data, size);
		p->log_len += size;
		n[p->log_len] = '\0';
		p->log = n;
	}
	free(data);
}

static void describe_status(d1_program *p, const char *what, int status)
{
	char msg[256];
	int n;

	if (WIFEXITED(status))
		n = snprintf(msg, sizeof(msg), "d1: %s failed (exit %d)\n", what,
			     WEXITSTATUS(status));
	else
		n = snprintf(msg, sizeof(msg), "d1: %s killed by signal %d\n",
			     what, WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	if (n > 0) {
		char *x = realloc(p->log, p->log_len + (size_t)n + 1);

		if (x) {
			memcpy(x + p->log_len, msg, (size_t)n + 1);
			p->log_len += (size_t)n;
			p->log = x;
		}
	}
}

/*
 * Compiles @p in a temporary directory; on success the image in
 * (*elf, *elf_size) and the dependency record in *deps.
 */
static d1_status compile(d1_program *p, const struct d1_toolchain *tc,
			 const struct argv_buf *uf, char **elf, size_t *elf_size,
			 char **deps, size_t *deps_size)
{
	struct argv_buf cc = { 0 }, ld = { 0 };
	char dir[] = "/tmp/d1-build.XXXXXX";
	const char *tmpdir = getenv("TMPDIR");
	char dirbuf[4096], path[4096], srcpath[4096], logpath[4096];
	d1_status st = D1_ERROR_BUILD;
	int status, logfd = -1;
	size_t i;
	char *d;

	if (tmpdir && *tmpdir == '/' && strlen(tmpdir) < 3000) {
		snprintf(dirbuf, sizeof(dirbuf), "%s/d1-build.XXXXXX", tmpdir);
		d = mkdtemp(dirbuf);
	} else {
		d = mkdtemp(dir);
	}
	if (!d) {
		log_printf(p, "d1: cannot create a build directory: %s\n",
			   strerror(errno));
		return D1_ERROR_OS;
	}
	snprintf(srcpath, sizeof(srcpath), "%s/%s", d, p->name);
	snprintf(logpath, sizeof(logpath), "%s/.log", d);
	if (d1_write_file(srcpath, p->source, p->source_len)) {
		log_printf(p, "d1: cannot write %s: %s\n", srcpath,
			   strerror(errno));
		st = D1_ERROR_OS;
		goto out;
	}

	/* 1: the user's source, with the user's options and -MD. */
	add(&cc, "%s", tc->clang);
	for (i = 0; i < sizeof(target_flags) / sizeof(target_flags[0]); i++)
		add(&cc, "%s", target_flags[i]);
	for (i = 0; i < uf->n; i++)
		add(&cc, "%s", uf->v[i]);
	add(&cc, "-I%s", tc->incdir[0]);
	if (strcmp(tc->incdir[0], tc->incdir[1]))
		add(&cc, "-I%s", tc->incdir[1]);
	add(&cc, "-fno-color-diagnostics");
	add(&cc, "-MD");
	add(&cc, "-MF");
	add(&cc, ".deps");
	add(&cc, "-c");
	add(&cc, "-o");
	add(&cc, ".program.o");
	add(&cc, "%s", p->name);

	/* 2: link with the runtime, compiled with fixed options. */
	add(&ld, "%s", tc->clang);
	for (i = 0; i < sizeof(target_flags) / sizeof(target_flags[0]); i++)
		add(&ld, "%s", target_flags[i]);
	add(&ld, "-O2");
	add(&ld, "-I%s", tc->incdir[0]);
	if (strcmp(tc->incdir[0], tc->incdir[1]))
		add(&ld, "-I%s", tc->incdir[1]);
	add(&ld, "-fno-color-diagnostics");
	add(&ld, "-fuse-ld=lld");
	add(&ld, "-Wl,-T,%s", tc->ldscript);
	add(&ld, "-o");
	add(&ld, ".program.elf");
	for (i = 0; i < D1_RT_NFILES; i++)
		add(&ld, "%s", tc->rtsrc[i]);
	add(&ld, ".program.o");
	if (cc.oom || ld.oom) {
		st = D1_ERROR_OUT_OF_MEMORY;
		goto out;
	}

	logfd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_APPEND,
		     0600);
	if (logfd < 0) {
		st = D1_ERROR_OS;
		goto out;
	}
	set_log(p, "", 0);
	if (d1_run(cc.v, d, logfd, &status)) {
		log_printf(p, "d1: cannot run %s: %s\n", tc->clang,
			   strerror(errno));
		goto out;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		append_log_file(p, logpath);
		describe_status(p, "compiling", status);
		goto out;
	}
	if (d1_run(ld.v, d, logfd, &status)) {
		log_printf(p, "d1: cannot run %s: %s\n", tc->clang,
			   strerror(errno));
		goto out;
	}
	append_log_file(p, logpath);
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		describe_status(p, "linking", status);
		goto out;
	}
	snprintf(path, sizeof(path), "%s/.program.elf", d);
	if (d1_read_file(path, elf, elf_size)) {
		log_printf(p, "d1: the linker wrote no image\n");
		goto out;
	}
	snprintf(path, sizeof(path), "%s/.deps", d);
	if (d1_deps_record(path, NULL, deps, deps_size)) {
		*deps = NULL;
		*deps_size = 0;
	}
	st = D1_SUCCESS;
out:
	if (logfd >= 0)
		close(logfd);
	argv_free(&cc);
	argv_free(&ld);
	nftw(d, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
	return st;
}

static int cache_enabled(const struct d1_build_options *o)
{
	const char *e = getenv("D1_CACHE_DISABLE");

	if (o && (o->flags & D1_BUILD_NO_CACHE))
		return 0;
	return !(e && *e && strcmp(e, "0"));
}

D1_API d1_status d1_program_build(d1_program *prog,
				  const struct d1_build_options *options)
{
	struct argv_buf uf = { 0 };
	struct d1_toolchain *tc;
	struct d1_image *img = NULL;
	char cdir[4096], err[512];
	char *elf = NULL, *log = NULL, *deps = NULL;
	size_t elf_size = 0, log_size = 0, deps_size = 0;
	int use_cache, bad_entry = 0;
	uint8_t key[32];
	d1_status st;

	if (!prog)
		return D1_ERROR_INVALID_VALUE;
	st = check_options(options);
	if (st)
		return st;
	if (!prog->source)
		return D1_ERROR_INVALID_STATE;	/* from an ELF: already built */
	tc = malloc(sizeof(*tc));
	if (!tc)
		return D1_ERROR_OUT_OF_MEMORY;
	use_cache = cache_enabled(options) && !d1_cache_dir(cdir, sizeof(cdir));
	if (d1_toolchain_find(tc, use_cache ? cdir : NULL, err, sizeof(err))) {
		log_printf(prog, "d1: %s\n", err);
		free(tc);
		return D1_ERROR_BUILD;
	}
	user_flags(&uf, prog, options);
	if (uf.oom) {
		argv_free(&uf);
		free(tc);
		return D1_ERROR_OUT_OF_MEMORY;
	}
	compute_key(prog, tc, &uf, key);
	d1_sha256_hex(key, prog->key);

	if (use_cache) {
		switch (d1_cache_load(cdir, key, &elf, &elf_size, &log,
				      &log_size)) {
		case D1_CL_HIT:
			st = d1_image_parse(elf, elf_size, &img, err,
					    sizeof(err));
			if (st == D1_SUCCESS) {
				set_log(prog, log, log_size);
				prog->cache = D1_CACHE_HIT;
				goto done;
			}
			bad_entry = 1;
			break;
		case D1_CL_BAD:
			bad_entry = 1;
			break;
		case D1_CL_MISS:
			break;
		}
		free(elf);
		free(log);
		elf = log = NULL;
	}

	st = compile(prog, tc, &uf, &elf, &elf_size, &deps, &deps_size);
	if (st)
		goto out;
	st = d1_image_parse(elf, elf_size, &img, err, sizeof(err));
	if (st) {
		log_printf(prog, "d1: the built image is invalid: %s\n", err);
		st = D1_ERROR_BUILD;
		goto out;
	}
	if (use_cache) {
		/* A failed store only costs a rebuild next time. */
		d1_cache_store(cdir, key, elf, elf_size,
			       prog->log ? prog->log : "", prog->log_len,
			       deps ? deps : "", deps_size);
		prog->cache = bad_entry ? D1_CACHE_REBUILT : D1_CACHE_MISS;
	} else {
		prog->cache = D1_CACHE_DISABLED;
	}
done:
	d1_image_put(prog->image);
	prog->image = img;
	st = D1_SUCCESS;
out:
	free(elf);
	free(log);
	free(deps);
	argv_free(&uf);
	free(tc);
	return st;
}

D1_API d1_status d1_program_build_log(d1_program *prog, char *buf,
				      size_t buf_size, size_t *log_size)
{
	size_t n;

	if (!prog || !log_size || (buf && !buf_size))
		return D1_ERROR_INVALID_VALUE;
	*log_size = prog->log_len + 1;
	if (!buf)
		return D1_SUCCESS;
	n = prog->log_len < buf_size - 1 ? prog->log_len : buf_size - 1;
	if (n)
		memcpy(buf, prog->log, n);
	buf[n] = '\0';
	return D1_SUCCESS;
}

D1_API d1_status d1_program_binary(d1_program *prog, void *buf,
				   size_t buf_size, size_t *size)
{
	if (!prog || !size)
		return D1_ERROR_INVALID_VALUE;
	if (!prog->image)
		return D1_ERROR_INVALID_STATE;
	if (buf && buf_size < prog->image->size)
		return D1_ERROR_INVALID_VALUE;
	*size = prog->image->size;
	if (buf)
		memcpy(buf, prog->image->elf, prog->image->size);
	return D1_SUCCESS;
}

D1_API d1_status d1_program_info(d1_program *prog,
				 struct d1_program_info *info)
{
	if (!prog || !info)
		return D1_ERROR_INVALID_VALUE;
	memset(info, 0, sizeof(*info));
	info->built = prog->image != NULL;
	info->cache = prog->cache;
	info->num_kernels = prog->image ? prog->image->nkernels : 0;
	info->image_size = prog->image ? prog->image->size : 0;
	memcpy(info->cache_key, prog->key, sizeof(info->cache_key));
	return D1_SUCCESS;
}

D1_API d1_status d1_program_kernel_name(d1_program *prog, unsigned int index,
					const char **name)
{
	if (!prog || !name)
		return D1_ERROR_INVALID_VALUE;
	if (!prog->image)
		return D1_ERROR_INVALID_STATE;
	if (index >= prog->image->nkernels)
		return D1_ERROR_INVALID_VALUE;
	*name = prog->image->kernels[index].name;
	return D1_SUCCESS;
}

D1_API d1_status d1_program_destroy(d1_program *prog)
{
	if (!prog)
		return D1_ERROR_INVALID_VALUE;
	d1_image_put(prog->image);
	free(prog->source);
	free(prog->srcdir);
	free(prog->log);
	free(prog);
	return D1_SUCCESS;
}

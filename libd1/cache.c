// SPDX-License-Identifier: MIT
/*
 * The program cache: one file per build, named by the hex SHA-256 key of
 * the build's inputs, in $D1_CACHE_DIR (else $XDG_CACHE_HOME/d1/kernels,
 * else $HOME/.cache/d1/kernels).
 *
 * An entry is a header (magic, key, payload sizes, SHA-256 of the
 * payload) followed by the ELF image, the build log and the dependency
 * record ("<sha256> <path>" lines of every header the source included).
 * Writers fill a temporary file in the same directory and rename() it over
 * the entry, so readers see a whole entry or none, and several processes
 * may build the same program at once.  Readers check everything; an entry
 * that does not check out (truncated, corrupt, another key) or whose
 * headers changed is ignored and replaced.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libd1_internal.h"
#include "sha256.h"

#define CACHE_MAGIC	"D1KCACH1"

struct cache_hdr {
	char magic[8];
	uint8_t key[32];
	uint64_t elf_size;
	uint64_t log_size;
	uint64_t deps_size;
	uint8_t sum[32];
};

static int mkdir_p(const char *path)
{
	char tmp[4096], *p;

	if (snprintf(tmp, sizeof(tmp), "%s", path) >= (int)sizeof(tmp))
		return -1;
	for (p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(tmp, 0755) && errno != EEXIST ? -1 : 0;
}

int d1_cache_dir(char *buf, size_t len)
{
	const char *d = getenv("D1_CACHE_DIR");
	const char *x = getenv("XDG_CACHE_HOME");
	const char *h = getenv("HOME");
	int n;

	if (d && *d)
		n = snprintf(buf, len, "%s", d);
	else if (x && *x == '/')
		n = snprintf(buf, len, "%s/d1/kernels", x);
	else if (h && *h)
		n = snprintf(buf, len, "%s/.cache/d1/kernels", h);
	else
		return -1;
	if (n < 0 || (size_t)n >= len)
		return -1;
	return mkdir_p(buf);
}

static int entry_path(char *buf, const char *dir, const uint8_t key[32])
{
	char hex[65];
	int n;

	d1_sha256_hex(key, hex);
	n = snprintf(buf, 4096, "%s/%s.d1k", dir, hex);
	return n < 0 || n >= 4096 ? -1 : 0;
}

/* 1 if every "<hex> <path>" line of @deps still matches its file. */
static int deps_current(const char *deps, size_t size)
{
	const char *p = deps, *end = deps + size;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		char path[4096], hex[65];
		uint8_t h[32];
		size_t len, fsize;
		char *data;

		if (!nl || nl - p < 66 || p[64] != ' ')
			return 0;
		len = (size_t)(nl - p) - 65;
		if (len >= sizeof(path))
			return 0;
		memcpy(path, p + 65, len);
		path[len] = '\0';
		if (d1_read_file(path, &data, &fsize))
			return 0;
		d1_sha256(data, fsize, h);
		free(data);
		d1_sha256_hex(h, hex);
		if (memcmp(hex, p, 64))
			return 0;
		p = nl + 1;
	}
	return 1;
}

enum d1_cache_lookup d1_cache_load(const char *dir, const uint8_t key[32],
				   char **elf, size_t *elf_size, char **log,
				   size_t *log_size)
{
	struct cache_hdr hd;
	char path[4096];
	uint8_t sum[32];
	char *data;
	size_t size;
	const char *pay;

	if (entry_path(path, dir, key))
		return D1_CL_MISS;
	if (d1_read_file(path, &data, &size))
		return D1_CL_MISS;
	if (size < sizeof(hd))
		goto bad;
	memcpy(&hd, data, sizeof(hd));
	pay = data + sizeof(hd);
	if (memcmp(hd.magic, CACHE_MAGIC, 8) || memcmp(hd.key, key, 32) ||
	    hd.elf_size > size || hd.log_size > size || hd.deps_size > size ||
	    sizeof(hd) + hd.elf_size + hd.log_size + hd.deps_size != size)
		goto bad;
	d1_sha256(pay, size - sizeof(hd), sum);
	if (memcmp(sum, hd.sum, 32))
		goto bad;
	if (!deps_current(pay + hd.elf_size + hd.log_size, hd.deps_size))
		goto bad;
	*elf = malloc(hd.elf_size ? hd.elf_size : 1);
	*log = malloc(hd.log_size + 1);
	if (!*elf || !*log) {
		free(*elf);
		free(*log);
		free(data);
		return D1_CL_MISS;
	}
	memcpy(*elf, pay, hd.elf_size);
	memcpy(*log, pay + hd.elf_size, hd.log_size);
	(*log)[hd.log_size] = '\0';
	*elf_size = hd.elf_size;
	*log_size = hd.log_size;
	free(data);
	return D1_CL_HIT;
bad:
	free(data);
	/* Leave it: the store that follows replaces it atomically. */
	return D1_CL_BAD;
}

static int write_all(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n) {
		ssize_t w = write(fd, c, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

int d1_cache_store(const char *dir, const uint8_t key[32], const void *elf,
		   size_t elf_size, const char *log, size_t log_size,
		   const char *deps, size_t deps_size)
{
	struct sha256_ctx s;
	struct cache_hdr hd;
	char path[4096], tmp[4096];
	int fd, n;

	if (entry_path(path, dir, key))
		return -1;
	n = snprintf(tmp, sizeof(tmp), "%s/.tmp.XXXXXX", dir);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		return -1;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return -1;
	memset(&hd, 0, sizeof(hd));
	memcpy(hd.magic, CACHE_MAGIC, 8);
	memcpy(hd.key, key, 32);
	hd.elf_size = elf_size;
	hd.log_size = log_size;
	hd.deps_size = deps_size;
	sha256_init(&s);
	d1_sha256_update(&s, elf, elf_size);
	d1_sha256_update(&s, log, log_size);
	d1_sha256_update(&s, deps, deps_size);
	sha256_digest(&s, D1_SHA256_LEN, hd.sum);
	if (fchmod(fd, 0644) || write_all(fd, &hd, sizeof(hd)) ||
	    write_all(fd, elf, elf_size) || write_all(fd, log, log_size) ||
	    write_all(fd, deps, deps_size)) {
		close(fd);
		unlink(tmp);
		return -1;
	}
	if (close(fd)) {
		unlink(tmp);
		return -1;
	}
	if (rename(tmp, path)) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* Next path of a make-style dependency list, unescaping "\ ". */
static const char *dep_next(const char *p, char *out, size_t len)
{
	size_t n = 0;

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\n' ||
		       (p[0] == '\\' && p[1] == '\n'))
			p += (*p == '\\') ? 2 : 1;
		if (!*p)
			return NULL;
		n = 0;
		while (*p && *p != ' ' && *p != '\t' && *p != '\n' &&
		       !(p[0] == '\\' && p[1] == '\n')) {
			if (p[0] == '\\' && (p[1] == ' ' || p[1] == '#'))
				p++;
			if (n + 1 < len)
				out[n++] = *p;
			p++;
		}
		out[n] = '\0';
		return p;
	}
}

/*
 * The dependency record of a build from clang's depfile: every absolute
 * prerequisite except @skip, with its SHA-256.
 */
int d1_deps_record(const char *depfile, const char *skip, char **out,
		   size_t *out_size)
{
	char *text, *rec = NULL;
	size_t size, rsize = 0;
	const char *p;
	char path[4096], hex[65];
	int first = 1;

	*out = NULL;
	*out_size = 0;
	if (d1_read_file(depfile, &text, &size))
		return -1;
	p = text;
	while ((p = dep_next(p, path, sizeof(path)))) {
		uint8_t h[32];
		char *data, *n;
		size_t dsize, len;

		if (first) {	/* the target, "x.o:" */
			first = 0;
			continue;
		}
		if (path[0] != '/' || (skip && !strcmp(path, skip)))
			continue;
		if (d1_read_file(path, &data, &dsize))
			continue;
		d1_sha256(data, dsize, h);
		free(data);
		d1_sha256_hex(h, hex);
		len = strlen(path);
		n = realloc(rec, rsize + 64 + 1 + len + 1);
		if (!n) {
			free(rec);
			free(text);
			return -1;
		}
		rec = n;
		memcpy(rec + rsize, hex, 64);
		rec[rsize + 64] = ' ';
		memcpy(rec + rsize + 65, path, len);
		rec[rsize + 65 + len] = '\n';
		rsize += 66 + len;
	}
	free(text);
	*out = rec;
	*out_size = rsize;
	return 0;
}

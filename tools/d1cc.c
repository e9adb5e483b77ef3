// SPDX-License-Identifier: GPL-2.0
/*
 * d1cc - compile a D1 kernel source file offline, through the same libd1
 * pipeline and cache as d1_program_build(); or list an image's kernels.
 *
 *   d1cc [-o OUT] [-DNAME[=V]]... [-IDIR]... [-O0|1|2|3|s] [-g] [-Werror]
 *        [--no-cache] [-v] [--list] FILE
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <d1/d1.h>

#define EXIT_USAGE	64

static void usage(FILE *f)
{
	fprintf(f,
		"usage: d1cc [options] FILE.c|FILE.elf\n"
		"  -o OUT        write the image to OUT (default: FILE with .elf)\n"
		"  -DNAME[=VAL]  define a macro\n"
		"  -IDIR         add an include directory\n"
		"  -O0|-O1|-O2|-O3|-Os  optimisation (default -O2)\n"
		"  -g            debug information\n"
		"  -Werror       -Wall -Wextra -Werror\n"
		"  --no-cache    bypass the program cache\n"
		"  -v            print the cache result and key\n"
		"  --list        list the kernels and their parameters\n"
		"  -h, --help    this text\n"
		"Exit: 0 ok, 1 build error, 2 other error, 64 bad usage.\n");
}

static const char *const kinds[] = {
	"?", "int", "float", "buffer", "sram-pointer", "struct", "raw",
};

static const char *const cache_names[] = {
	"none", "hit", "miss", "rebuilt (corrupt or stale entry)", "disabled",
};

static int list(d1_program *p)
{
	struct d1_program_info info;
	unsigned int i, j, n;

	if (d1_program_info(p, &info))
		return 2;
	for (i = 0; i < info.num_kernels; i++) {
		const char *name;
		d1_kernel *k;

		if (d1_program_kernel_name(p, i, &name) ||
		    d1_kernel_create(p, name, &k))
			return 2;
		printf("%s(", name);
		d1_kernel_num_args(k, &n);
		for (j = 0; j < n; j++) {
			struct d1_kernel_arg_info a;

			d1_kernel_arg_info(k, j, &a);
			printf("%s%s %s", j ? ", " : "", a.type, a.name);
		}
		printf(")\n");
		for (j = 0; j < n; j++) {
			struct d1_kernel_arg_info a;

			d1_kernel_arg_info(k, j, &a);
			printf("    %-12s %-8s %u bytes at %u\n", a.name,
			       a.kind < 7 ? kinds[a.kind] : "?", a.size,
			       a.offset);
		}
		d1_kernel_destroy(k);
	}
	return 0;
}

static int write_out(d1_program *p, const char *out)
{
	size_t size;
	void *buf;
	FILE *f;

	if (d1_program_binary(p, NULL, 0, &size))
		return 2;
	buf = malloc(size);
	if (!buf || d1_program_binary(p, buf, size, &size)) {
		free(buf);
		return 2;
	}
	f = fopen(out, "wb");
	if (!f || fwrite(buf, 1, size, f) != size || fclose(f)) {
		perror(out);
		free(buf);
		return 2;
	}
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "no-cache", no_argument, NULL, 'N' },
		{ "list", no_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ "Werror", no_argument, NULL, 'W' },
		{ NULL, 0, NULL, 0 },
	};
	struct d1_build_options o;
	const char **defs, **incs;
	struct d1_program_info info;
	const char *out = NULL, *in;
	int c, verbose = 0, do_list = 0, ret = 0;
	char *outbuf = NULL;
	d1_program *p;
	d1_status st;

	memset(&o, 0, sizeof(o));
	defs = calloc((size_t)argc, sizeof(*defs));
	incs = calloc((size_t)argc, sizeof(*incs));
	if (!defs || !incs)
		return 2;
	o.defines = defs;
	o.include_dirs = incs;
	while ((c = getopt_long_only(argc, argv, "o:D:I:O:gvh", lopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 'D':
			defs[o.num_defines++] = optarg;
			break;
		case 'I':
			incs[o.num_include_dirs++] = optarg;
			break;
		case 'O':
			if (!strcmp(optarg, "0"))
				o.opt_level = D1_OPT_O0;
			else if (!strcmp(optarg, "1"))
				o.opt_level = D1_OPT_O1;
			else if (!strcmp(optarg, "2"))
				o.opt_level = D1_OPT_O2;
			else if (!strcmp(optarg, "3"))
				o.opt_level = D1_OPT_O3;
			else if (!strcmp(optarg, "s"))
				o.opt_level = D1_OPT_OS;
			else {
				usage(stderr);
				return EXIT_USAGE;
			}
			break;
		case 'g':
			o.flags |= D1_BUILD_DEBUG;
			break;
		case 'W':
			o.flags |= D1_BUILD_WERROR;
			break;
		case 'N':
			o.flags |= D1_BUILD_NO_CACHE;
			break;
		case 'v':
			verbose = 1;
			break;
		case 'L':
			do_list = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return EXIT_USAGE;
	}
	in = argv[optind];
	st = d1_program_create_from_file(in, &p);
	if (st) {
		fprintf(stderr, "d1cc: %s: %s\n", in, d1_status_string(st));
		return 2;
	}
	d1_program_info(p, &info);
	if (!info.built) {
		char *log;
		size_t len;

		st = d1_program_build(p, &o);
		d1_program_build_log(p, NULL, 0, &len);
		log = malloc(len);
		if (log && !d1_program_build_log(p, log, len, &len))
			fputs(log, stderr);
		free(log);
		if (st) {
			fprintf(stderr, "d1cc: %s: %s\n", in, d1_status_string(st));
			d1_program_destroy(p);
			return st == D1_ERROR_BUILD ? 1 : 2;
		}
		d1_program_info(p, &info);
		if (verbose)
			fprintf(stderr, "d1cc: cache %s, key %s\n",
				info.cache < 5 ? cache_names[info.cache] : "?",
				info.cache_key);
		if (!do_list && !out) {
			size_t n = strlen(in);

			outbuf = malloc(n + 5);
			if (!outbuf)
				return 2;
			strcpy(outbuf, in);
			if (n > 2 && !strcmp(outbuf + n - 2, ".c"))
				outbuf[n - 2] = '\0';
			strcat(outbuf, ".elf");
			out = outbuf;
		}
	}
	if (out)
		ret = write_out(p, out);
	if (!ret && do_list)
		ret = list(p);
	d1_program_destroy(p);
	free(outbuf);
	free(defs);
	free(incs);
	return ret;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * d1-run - run a D1 kernel from the command line, with buffers from files.
 *
 *   d1-run [options] PROGRAM [ARG]...
 *
 * PROGRAM is kernel C source (built through libd1's program cache) or a D1
 * ELF image (d1cc).  Each ARG sets the next kernel parameter, in order:
 *
 *   buffer parameters (d1_devptr):
 *     in:FILE          a buffer holding FILE's bytes
 *     out:FILE:SIZE    a SIZE-byte zeroed buffer, written to FILE afterwards
 *     inout:FILE       FILE's bytes in, the buffer written back to FILE
 *     zero:SIZE        a SIZE-byte zeroed buffer
 *   integer parameters: a number (decimal, 0x hex, negative)
 *   float parameters: a number (strtof)
 *   the raw argument block of a d1_main program: raw:FILE
 *
 * SIZE takes K/M suffixes.  Device printf output goes to stdout; device
 * errors (node, PC, address) to stderr; with --counters, every node's
 * outcome and counters to stdout after the launch.
 *
 * Exit: 0 ok, 1 the launch failed on the device, 2 other error, 64 usage.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <d1/d1.h>

#define EXIT_LAUNCH	1
#define EXIT_ERROR	2
#define EXIT_USAGE	64

struct arg_buf {
	d1_buffer *buf;
	const char *out;		/* write back to this file */
	uint64_t size;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: d1-run [options] PROGRAM.c|PROGRAM.elf [ARG]...\n"
		"  -k, --kernel=NAME   kernel to run (default: the only one)\n"
		"  -d, --device=N      device index (default 0)\n"
		"  -g, --grid=COLSxROWS  node rectangle size (default 1x1)\n"
		"  -a, --at=X,Y        rectangle origin (default 0,0)\n"
		"  -t, --harts=N       harts per node, 1..4 (default 1)\n"
		"  -b, --budget=N      instruction budget per hart (default none)\n"
		"  -T, --time-limit=MS stop the launch after MS ms on its nodes\n"
		"                      (default: the driver's job timeout)\n"
		"  -e, --check-exit    fail when a node exits non-zero\n"
		"  -D NAME[=V], -I DIR, -O LEVEL   build options for sources\n"
		"  -l, --list          list the kernels and their parameters\n"
		"  -q, --quiet         no timing line\n"
		"  -c, --counters      print every node's outcome and counters\n"
		"ARGs, one per kernel parameter: in:FILE, out:FILE:SIZE,\n"
		"inout:FILE, zero:SIZE for buffers; numbers for integers and\n"
		"floats; raw:FILE for the argument block of a d1_main program.\n"
		"Exit: 0 ok, 1 launch failed, 2 other error, 64 bad usage.\n");
}

static uint64_t sum(const uint64_t *v, unsigned int n)
{
	uint64_t t = 0;

	while (n--)
		t += v[n];
	return t;
}

/* --counters: one line per node, then the launch's totals. */
static void print_counters(d1_launch_result *r)
{
	struct d1_launch_info li;
	struct d1_node_result n;
	unsigned int i;

	if (d1_launch_result_info(r, &li))
		return;
	printf("node     state       exit     cycles    instret     stalls    vec ops    mat ops      flops     HBM rd     HBM wr   node out    node in  link bytes\n");
	for (i = 0; i < li.cols * li.rows; i++) {
		char at[16];

		if (d1_launch_result_node(r, i, &n))
			break;
		snprintf(at, sizeof(at), "(%u,%u)", n.x, n.y);
		printf("%-8s %-10s %5d %10llu %10llu %10llu %10llu %10llu %10llu %10llu %10llu %10llu %10llu %11llu\n",
		       at, d1_node_state_name(n.status), n.exit_code,
		       (unsigned long long)n.cycles,
		       (unsigned long long)sum(n.instret, 4),
		       (unsigned long long)(n.stall_dma + n.stall_sem +
					    n.stall_barrier),
		       (unsigned long long)n.vec_ops,
		       (unsigned long long)n.mat_ops,
		       (unsigned long long)n.flops,
		       (unsigned long long)n.dma_hbm_read,
		       (unsigned long long)n.dma_hbm_write,
		       (unsigned long long)n.dma_node_out,
		       (unsigned long long)n.dma_node_in,
		       (unsigned long long)sum(n.link_bytes, 4));
	}
	printf("launch   %s: %llu cycles (%.3f ms at 2 GHz), %llu instructions, %.3f ms simulated on the grid%s\n",
	       li.kernel, (unsigned long long)li.cycles, li.sim_ms,
	       (unsigned long long)li.instret, li.grid_ns / 1e6,
	       li.counters ? "" : " (no per-node counters from this driver)");
}

static int read_all(const char *path, void **data, size_t *size)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 65536, n = 0, r;
	char *buf = malloc(cap);

	if (!f || !buf) {
		if (f)
			fclose(f);
		free(buf);
		return -1;
	}
	while ((r = fread(buf + n, 1, cap - n, f)) > 0) {
		n += r;
		if (n == cap) {
			char *nb = realloc(buf, cap * 2);

			if (!nb) {
				free(buf);
				fclose(f);
				return -1;
			}
			buf = nb;
			cap *= 2;
		}
	}
	fclose(f);
	*data = buf;
	*size = n;
	return 0;
}

static int parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		return -1;
	if (*end == 'K' || *end == 'k')
		v <<= 10, end++;
	else if (*end == 'M' || *end == 'm')
		v <<= 20, end++;
	if (*end || !v)
		return -1;
	*out = v;
	return 0;
}

static void die(const char *what, d1_status st)
{
	fprintf(stderr, "d1-run: %s: %s\n", what, d1_status_string(st));
	exit(EXIT_ERROR);
}

/* A buffer parameter from "in:F", "out:F:SIZE", "inout:F" or "zero:SIZE". */
static void buffer_arg(d1_device *dev, const char *spec, struct arg_buf *ab)
{
	void *data = NULL;
	size_t size = 0;
	char *copy = strdup(spec), *colon;
	d1_status st;

	if (!copy)
		exit(EXIT_ERROR);
	memset(ab, 0, sizeof(*ab));
	colon = strchr(copy, ':');
	if (!colon)
		goto bad;
	*colon++ = '\0';
	if (!strcmp(copy, "in") || !strcmp(copy, "inout")) {
		if (read_all(colon, &data, &size)) {
			fprintf(stderr, "d1-run: %s: %s\n", colon, strerror(errno));
			exit(EXIT_ERROR);
		}
		ab->size = size ? size : 1;
		if (!strcmp(copy, "inout"))
			ab->out = spec + strlen("inout:");
	} else if (!strcmp(copy, "out")) {
		char *sz = strrchr(colon, ':');

		if (!sz || parse_size(sz + 1, &ab->size))
			goto bad;
		*sz = '\0';
		ab->out = strdup(colon);
	} else if (!strcmp(copy, "zero")) {
		if (parse_size(colon, &ab->size))
			goto bad;
	} else {
		goto bad;
	}
	st = d1_buffer_create(dev, ab->size, D1_MEM_HBM, 0, &ab->buf);
	if (st)
		die("buffer", st);
	if (size) {
		st = d1_memcpy_htod(ab->buf, 0, data, size);
		if (st)
			die("copy to the device", st);
	} else {
		/* HBM BOs read as zero; nothing to do. */
	}
	free(data);
	free(copy);
	return;
bad:
	fprintf(stderr, "d1-run: bad buffer argument '%s'\n", spec);
	exit(EXIT_USAGE);
}

static void list_kernels(d1_program *p)
{
	struct d1_program_info info;
	unsigned int i, j, n;

	d1_program_info(p, &info);
	for (i = 0; i < info.num_kernels; i++) {
		const char *name;
		d1_kernel *k;

		if (d1_program_kernel_name(p, i, &name) ||
		    d1_kernel_create(p, name, &k))
			continue;
		d1_kernel_num_args(k, &n);
		printf("%s(", name);
		for (j = 0; j < n; j++) {
			struct d1_kernel_arg_info a;

			d1_kernel_arg_info(k, j, &a);
			printf("%s%s %s", j ? ", " : "", a.type, a.name);
		}
		printf(")\n");
		d1_kernel_destroy(k);
	}
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "kernel", required_argument, NULL, 'k' },
		{ "device", required_argument, NULL, 'd' },
		{ "grid", required_argument, NULL, 'g' },
		{ "at", required_argument, NULL, 'a' },
		{ "harts", required_argument, NULL, 't' },
		{ "budget", required_argument, NULL, 'b' },
		{ "time-limit", required_argument, NULL, 'T' },
		{ "check-exit", no_argument, NULL, 'e' },
		{ "list", no_argument, NULL, 'l' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "counters", no_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct d1_launch_config cfg = { .cols = 1, .rows = 1, .harts = 1 };
	struct d1_build_options bo;
	struct d1_program_info info;
	const char **defs, **incs;
	const char *kname = NULL;
	struct arg_buf *bufs;
	unsigned int dev_index = 0, nargs, i;
	int c, list = 0, quiet = 0, counters = 0, ret = 0;
	d1_launch_result *res = NULL;
	struct timespec t0, t1;
	d1_program *prog;
	d1_device *dev;
	d1_stream *s;
	d1_kernel *k;
	d1_status st;

	memset(&bo, 0, sizeof(bo));
	defs = calloc((size_t)argc, sizeof(*defs));
	incs = calloc((size_t)argc, sizeof(*incs));
	if (!defs || !incs)
		return EXIT_ERROR;
	bo.defines = defs;
	bo.include_dirs = incs;
	while ((c = getopt_long(argc, argv, "+k:d:g:a:t:b:T:elqchD:I:O:", lopts,
				NULL)) != -1) {
		switch (c) {
		case 'k': kname = optarg; break;
		case 'd': dev_index = (unsigned int)strtoul(optarg, NULL, 0); break;
		case 'g':
			if (sscanf(optarg, "%ux%u", &cfg.cols, &cfg.rows) != 2) {
				usage(stderr);
				return EXIT_USAGE;
			}
			break;
		case 'a':
			if (sscanf(optarg, "%u,%u", &cfg.x0, &cfg.y0) != 2) {
				usage(stderr);
				return EXIT_USAGE;
			}
			break;
		case 't': cfg.harts = (unsigned int)strtoul(optarg, NULL, 0); break;
		case 'b': cfg.budget = strtoull(optarg, NULL, 0); break;
		case 'T': cfg.time_limit_ms = strtoull(optarg, NULL, 0); break;
		case 'e': cfg.flags |= D1_LAUNCH_CHECK_EXIT; break;
		case 'l': list = 1; break;
		case 'q': quiet = 1; break;
		case 'c': counters = 1; break;
		case 'D': defs[bo.num_defines++] = optarg; break;
		case 'I': incs[bo.num_include_dirs++] = optarg; break;
		case 'O':
			bo.opt_level = !strcmp(optarg, "0") ? D1_OPT_O0 :
				       !strcmp(optarg, "1") ? D1_OPT_O1 :
				       !strcmp(optarg, "3") ? D1_OPT_O3 :
				       !strcmp(optarg, "s") ? D1_OPT_OS : D1_OPT_O2;
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	st = d1_program_create_from_file(argv[optind], &prog);
	if (st)
		die(argv[optind], st);
	d1_program_info(prog, &info);
	if (!info.built) {
		st = d1_program_build(prog, &bo);
		if (st) {
			size_t n;
			char *log;

			d1_program_build_log(prog, NULL, 0, &n);
			log = malloc(n);
			if (log && !d1_program_build_log(prog, log, n, &n))
				fputs(log, stderr);
			die(argv[optind], st);
		}
		d1_program_info(prog, &info);
	}
	if (list) {
		list_kernels(prog);
		return 0;
	}
	if (!kname) {
		if (info.num_kernels != 1) {
			fprintf(stderr, "d1-run: %s has %u kernels: choose one with -k (see --list)\n",
				argv[optind], info.num_kernels);
			return EXIT_USAGE;
		}
		d1_program_kernel_name(prog, 0, &kname);
	}
	st = d1_kernel_create(prog, kname, &k);
	if (st)
		die(kname, st);
	d1_kernel_num_args(k, &nargs);
	if ((unsigned int)(argc - optind - 1) != nargs) {
		fprintf(stderr, "d1-run: %s takes %u arguments, %d given:\n  ",
			kname, nargs, argc - optind - 1);
		list_kernels(prog);
		return EXIT_USAGE;
	}
	st = d1_device_open(dev_index, &dev);
	if (st)
		die("device", st);
	st = d1_stream_create(dev, D1_STREAM_ANY_QUEUE, &s);
	if (st)
		die("stream", st);
	bufs = calloc(nargs + 1, sizeof(*bufs));
	if (!bufs)
		return EXIT_ERROR;
	for (i = 0; i < nargs; i++) {
		const char *v = argv[optind + 1 + i];
		struct d1_kernel_arg_info a;
		char *end;

		d1_kernel_arg_info(k, i, &a);
		errno = 0;
		switch (a.kind) {
		case D1_ARG_BUFFER:
			buffer_arg(dev, v, &bufs[i]);
			st = d1_kernel_set_arg_buffer(k, i, bufs[i].buf, 0);
			break;
		case D1_ARG_FLOAT: {
			float f = strtof(v, &end);

			if (*end || end == v)
				goto bad_arg;
			st = d1_kernel_set_arg(k, i, &f, sizeof(f));
			break;
		}
		case D1_ARG_INT:
		case D1_ARG_SRAM_PTR: {
			long long x = strtoll(v, &end, 0);
			unsigned char bytes[8];

			if (*end || end == v || errno || a.size > 8)
				goto bad_arg;
			memcpy(bytes, &x, sizeof(bytes));	/* little endian */
			st = d1_kernel_set_arg(k, i, bytes, a.size);
			break;
		}
		case D1_ARG_RAW: {
			void *data;
			size_t size;

			if (strncmp(v, "raw:", 4) || read_all(v + 4, &data, &size))
				goto bad_arg;
			st = d1_kernel_set_args_raw(k, data, size);
			free(data);
			break;
		}
		default:
			fprintf(stderr, "d1-run: parameter %s (%s) cannot be given on the command line\n",
				a.name, a.type);
			return EXIT_USAGE;
		}
		if (st)
			die(a.name, st);
		continue;
bad_arg:
		fprintf(stderr, "d1-run: bad value '%s' for parameter %s (%s)\n",
			v, a.name, a.type);
		return EXIT_USAGE;
	}

	clock_gettime(CLOCK_MONOTONIC, &t0);
	st = counters ? d1_launch_with_result(s, k, &cfg, &res) :
		       d1_launch(s, k, &cfg);
	if (st)
		die("launch", st);
	st = d1_stream_synchronize(s, D1_TIMEOUT_INFINITE);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (res) {
		/* Also after a failure: which nodes did what. */
		print_counters(res);
		d1_launch_result_destroy(res);
	}
	if (st) {
		struct d1_error_info e;

		d1_stream_last_error(s, &e);
		fprintf(stderr, "d1-run: %s: %s\n", d1_status_string(st),
			e.message);
		ret = st == D1_ERROR_LAUNCH_FAILED || st == D1_ERROR_TIMEOUT ?
		      EXIT_LAUNCH : EXIT_ERROR;
	}
	for (i = 0; !ret && i < nargs; i++) {
		struct arg_buf *ab = &bufs[i];
		void *data;
		FILE *f;

		if (!ab->out)
			continue;
		data = malloc(ab->size);
		if (!data)
			return EXIT_ERROR;
		st = d1_memcpy_dtoh(data, ab->buf, 0, ab->size);
		if (st)
			die("copy from the device", st);
		f = fopen(ab->out, "wb");
		if (!f || fwrite(data, 1, ab->size, f) != ab->size || fclose(f)) {
			fprintf(stderr, "d1-run: %s: %s\n", ab->out, strerror(errno));
			ret = EXIT_ERROR;
		}
		free(data);
	}
	if (!quiet && !ret)
		fprintf(stderr, "d1-run: %s on %ux%u node(s) at (%u,%u), %u hart(s): %.3f ms\n",
			kname, cfg.cols, cfg.rows, cfg.x0, cfg.y0, cfg.harts,
			(t1.tv_sec - t0.tv_sec) * 1e3 +
			(t1.tv_nsec - t0.tv_nsec) / 1e6);
	for (i = 0; i < nargs; i++)
		if (bufs[i].buf)
			d1_buffer_destroy(bufs[i].buf);
	d1_stream_destroy(s);
	d1_kernel_destroy(k);
	d1_program_destroy(prog);
	d1_device_close(dev);
	free(bufs);
	free(defs);
	free(incs);
	return ret;
}

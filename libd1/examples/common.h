/* SPDX-License-Identifier: MIT */
/*
 * Shared by the libd1 examples: error checking, opening device 0, building
 * a kernel source of examples/kernels/ (at run time, through the program
 * cache), and a wall clock.
 */
#ifndef EXAMPLES_COMMON_H
#define EXAMPLES_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <d1/d1.h>

#ifndef D1_EXAMPLE_KERNELS
#define D1_EXAMPLE_KERNELS "kernels"
#endif

/* Exits with a message naming the failed call. */
#define CHECK(call) do { \
	d1_status st_ = (call); \
	if (st_ != D1_SUCCESS) { \
		fprintf(stderr, "%s:%d: %s: %s\n", __FILE__, __LINE__, #call, \
			d1_status_string(st_)); \
		exit(1); \
	} \
} while (0)

/* Like CHECK for a synchronisation: also prints what the device said. */
#define CHECK_SYNC(stream, call) do { \
	d1_status st_ = (call); \
	if (st_ != D1_SUCCESS) { \
		struct d1_error_info e_; \
		d1_stream_last_error((stream), &e_); \
		fprintf(stderr, "%s:%d: %s: %s\n  %s\n", __FILE__, __LINE__, \
			#call, d1_status_string(st_), e_.message); \
		exit(1); \
	} \
} while (0)

static inline d1_program *example_program(const char *file)
{
	char path[1024];
	const char *dir = getenv("D1_EXAMPLE_KERNELS");
	d1_program *p;
	d1_status st;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", dir ? dir : D1_EXAMPLE_KERNELS,
		 file);
	CHECK(d1_program_create_from_file(path, &p));
	st = d1_program_build(p, NULL);
	if (st != D1_SUCCESS) {
		char *log;

		d1_program_build_log(p, NULL, 0, &n);
		log = malloc(n);
		if (log && !d1_program_build_log(p, log, n, &n))
			fprintf(stderr, "%s", log);
		fprintf(stderr, "%s: %s\n", path, d1_status_string(st));
		exit(1);
	}
	return p;
}

static inline double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

#endif /* EXAMPLES_COMMON_H */

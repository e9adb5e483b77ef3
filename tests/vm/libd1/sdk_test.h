/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the in-VM libd1 SDK tests: a device handle that supports
 * memory management (else the test is skipped: the driver is too old),
 * and the test kernels built from tests/vm/libd1/kernels/ through the
 * program cache the build warmed (D1_TEST_KCACHE).
 */
#ifndef SDK_TEST_H
#define SDK_TEST_H

#include <stdlib.h>
#include <string.h>

#include <d1/d1.h>

#ifndef D1_TEST_KERNELS
#error "D1_TEST_KERNELS: directory of the test kernels"
#endif

/* Points the program cache at the one the build filled on the host. */
static inline void use_test_cache(void)
{
#ifdef D1_TEST_KCACHE
	setenv("D1_CACHE_DIR", D1_TEST_KCACHE, 0);
#endif
}

/* Builds kernels/@name; NULL with the log printed on failure. */
static inline d1_program *test_program(const char *name)
{
	char path[512];
	d1_program *p;
	size_t n;
	char *log;

	use_test_cache();
	snprintf(path, sizeof(path), "%s/%s", D1_TEST_KERNELS, name);
	if (d1_program_create_from_file(path, &p))
		return NULL;
	if (d1_program_build(p, NULL)) {
		d1_program_build_log(p, NULL, 0, &n);
		log = malloc(n);
		if (log && !d1_program_build_log(p, log, n, &n))
			fprintf(stderr, "%s", log);
		free(log);
		d1_program_destroy(p);
		return NULL;
	}
	return p;
}

/* 1 if @dev's driver has memory management and submission. */
static inline int sdk_supported(d1_device *dev)
{
	d1_buffer *b;
	d1_status st = d1_buffer_create(dev, 4096, D1_MEM_HOST, 0, &b);

	if (st == D1_SUCCESS)
		d1_buffer_destroy(b);
	return st != D1_ERROR_NOT_SUPPORTED;
}

/* Kernel @name of program @p; NULL (and the test failed) if missing. */
#define SDK_KERNEL(p, name) ({ \
	d1_kernel *k_ = NULL; \
	EXPECT_EQ(D1_SUCCESS, d1_kernel_create((p), (name), &k_)); \
	k_; })

#define SDK_SETUP(dev) do { \
	d1_status st_ = d1_device_open(0, &(dev)); \
	ASSERT_EQ(D1_SUCCESS, st_) TH_LOG("%s", d1_status_string(st_)); \
	if (!sdk_supported(dev)) { \
		d1_device_close(dev); \
		(dev) = NULL; \
		SKIP(return, "the d1 driver has no memory management yet"); \
	} \
} while (0)

#endif /* SDK_TEST_H */

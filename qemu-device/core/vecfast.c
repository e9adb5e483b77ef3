// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Host-SIMD vector unit: vecfast.h instantiated per level - portable C
 * (vector extensions on the baseline ISA) and, on x86-64 with GCC or
 * clang, AVX2 and AVX-512 - and the run-time choice between them and the
 * reference (vecref.c).
 *
 * The levels are compiled with per-function target attributes (a
 * pragma around the instantiation), not global -m flags, so the file
 * builds with whatever flags its host build uses (QEMU's included) and
 * the binary runs anywhere: the CPU is asked at run time.
 */
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "bits.h"
#include "fmt.h"
#include "vec.h"

#if defined(__x86_64__) && defined(__GNUC__)
#define D1_VEC_X86 1
#include <immintrin.h>
#else
#define D1_VEC_X86 0
#endif

#define VF_CAT2(a, b) a##_##b
#define VF_CAT(a, b) VF_CAT2(a, b)
#define VF(name) VF_CAT(name, VF_LEVEL)
/* Helpers on wide vectors are always inlined: an out-of-line copy (GCC
 * splits large ones) would pass vectors in another level's ABI. */
#define VF_INLINE static inline __attribute__((always_inline))

/* Portable C: 128-bit vectors, the baseline of x86-64 and arm64 builds. */
#define VF_LEVEL c
#define VF_NAME "c"
#define VF_W 16
#define VF_X86 0
#include "vecfast.h"
#undef VF_LEVEL
#undef VF_NAME
#undef VF_W
#undef VF_X86

#if D1_VEC_X86
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,fma,bmi2,f16c"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2,fma,bmi2,f16c")
#endif
#define VF_LEVEL avx2
#define VF_NAME "avx2"
#define VF_W 32
#define VF_X86 256
#include "vecfast.h"
#undef VF_LEVEL
#undef VF_NAME
#undef VF_W
#undef VF_X86
#if defined(__clang__)
#pragma clang attribute pop
#pragma clang attribute push(__attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx2,fma,bmi2,f16c"))), apply_to = function)
#else
#pragma GCC pop_options
#pragma GCC push_options
#pragma GCC target("avx512f,avx512bw,avx512dq,avx512vl,avx2,fma,bmi2,f16c")
#endif
#define VF_LEVEL avx512
#define VF_NAME "avx512"
#define VF_W 64
#define VF_X86 512
#include "vecfast.h"
#undef VF_LEVEL
#undef VF_NAME
#undef VF_W
#undef VF_X86
#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif
#endif

static bool host_runs(enum d1_vec_level level)
{
#if D1_VEC_X86
	__builtin_cpu_init();
	if (level == D1_VEC_AVX2)
		return __builtin_cpu_supports("avx2") &&
		       __builtin_cpu_supports("fma") &&
		       __builtin_cpu_supports("bmi2");
	if (level == D1_VEC_AVX512)
		return host_runs(D1_VEC_AVX2) &&
		       __builtin_cpu_supports("avx512f") &&
		       __builtin_cpu_supports("avx512bw") &&
		       __builtin_cpu_supports("avx512dq") &&
		       __builtin_cpu_supports("avx512vl");
#endif
	return level == D1_VEC_REF || level == D1_VEC_C;
}

const struct d1_vops *d1_vops_level(enum d1_vec_level level)
{
	if ((unsigned int)level >= D1_VEC_LEVELS || !host_runs(level))
		return NULL;
	switch (level) {
	case D1_VEC_REF:
		return &d1_vops_ref;
	case D1_VEC_C:
		return &ops_c;
#if D1_VEC_X86
	case D1_VEC_AVX2:
		return &ops_avx2;
	case D1_VEC_AVX512:
		return &ops_avx512;
#endif
	default:
		return NULL;
	}
}

const char *d1_vec_level_name(enum d1_vec_level level)
{
	static const char *const names[D1_VEC_LEVELS] = {
		"ref", "c", "avx2", "avx512",
	};

	return (unsigned int)level < D1_VEC_LEVELS ? names[level] : "?";
}

static _Atomic(const struct d1_vops *) active;

int d1_vec_force(enum d1_vec_level level)
{
	const struct d1_vops *ops = d1_vops_level(level);

	if (!ops)
		return -1;
	atomic_store(&active, ops);
	return 0;
}

void d1_vec_unforce(void)
{
	atomic_store(&active, NULL);
}

const struct d1_vops *d1_vops(void)
{
	const struct d1_vops *ops = atomic_load_explicit(&active,
							 memory_order_relaxed);
	const char *want;
	int l;

	if (ops)
		return ops;
	/* first use: D1_VEC names a level, else the best this host runs */
	want = getenv("D1_VEC");
	for (l = D1_VEC_LEVELS - 1; l >= 0 && !ops; l--)
		if (!want || !strcmp(want, d1_vec_level_name(l)))
			ops = d1_vops_level(l);
	if (!ops)
		ops = &ops_c;
	atomic_store(&active, ops);
	return ops;
}

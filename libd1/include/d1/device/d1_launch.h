/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * d1_launch.h - named kernels with typed parameters, for programs built
 * by libd1 (d1_program_build(), d1cc).
 *
 *	#include <d1/device/d1_launch.h>
 *
 *	D1_KERNEL(vadd, (d1_devptr, a), (d1_devptr, b), (d1_devptr, c),
 *		  (uint32_t, n))
 *	{
 *		... a.addr is the device address of the buffer passed as
 *		    argument 0; move data with d1_dma_copy() ...
 *	}
 *
 * D1_KERNEL(name, (type, param)...) defines a kernel taking up to 16
 * parameters.  It records the kernel's name and each parameter's name,
 * type, size and kind in the program's "d1_kernels" section
 * (<d1/device/d1_abi.h>), which the host reads to find kernels by name and
 * to check arguments; and it defines the entry the dispatcher
 * (libd1/device/d1_dispatch.c, linked into every program as a weak
 * d1_main) calls on every hart of every node of the launch.  A kernel
 * returns nothing; d1_exit(code) ends the hart with an exit code.
 *
 * Parameter types: integers, float, d1_devptr (a buffer: its device
 * address), or a struct by value.  Nodes cannot dereference device
 * addresses; a kernel reads and writes buffers by DMA.
 */
#ifndef D1_LAUNCH_H
#define D1_LAUNCH_H

#include <stddef.h>
#include <stdint.h>

#include "d1_abi.h"
#include "d1_kernel.h"

/* A buffer argument: device address of (an offset into) a d1_buffer. */
typedef struct d1_devptr {
	uint64_t addr;
} d1_devptr;

/*
 * The launch: the rectangle of nodes this kernel runs on (the argument
 * block's header gives its place on the card).  A node's *rank* is its
 * index in the rectangle, row-major: 0 .. d1_launch_size() - 1; it is
 * also the node's id (d1_node_id()) that DMA and semaphores use.
 */
static inline const struct d1_launch_header *d1_launch_info(void)
{
	return (const struct d1_launch_header *)(uintptr_t)D1_ARGS_ADDR;
}

static inline uint32_t d1_launch_cols(void) { return d1_launch_info()->cols; }
static inline uint32_t d1_launch_rows(void) { return d1_launch_info()->rows; }
static inline uint32_t d1_launch_size(void)
{
	return (uint32_t)d1_launch_info()->cols * d1_launch_info()->rows;
}

/* This node's rank in the launch rectangle. */
static inline uint32_t d1_launch_rank(void)
{
	return d1_node_id();
}

/* The node id (for DMA and semaphores) of rank @rank: the rank itself. */
static inline uint32_t d1_launch_node(uint32_t rank)
{
	return rank;
}

/* Helpers: map a macro over up to 16 (type, name) pairs. */
#define D1__CNT(...) D1__CNT_(_ __VA_OPT__(,) __VA_ARGS__, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0)
#define D1__CNT_(_0, _1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14, _15, _16, N, ...) N
#define D1__M0(m, c)
#define D1__L0(m, c)
#define D1__M1(m, c, p) m(c, p)
#define D1__L1(m, c, p) m(c, p)
#define D1__M2(m, c, p, ...) m(c, p) D1__M1(m, c, __VA_ARGS__)
#define D1__L2(m, c, p, ...) m(c, p), D1__L1(m, c, __VA_ARGS__)
#define D1__M3(m, c, p, ...) m(c, p) D1__M2(m, c, __VA_ARGS__)
#define D1__L3(m, c, p, ...) m(c, p), D1__L2(m, c, __VA_ARGS__)
#define D1__M4(m, c, p, ...) m(c, p) D1__M3(m, c, __VA_ARGS__)
#define D1__L4(m, c, p, ...) m(c, p), D1__L3(m, c, __VA_ARGS__)
#define D1__M5(m, c, p, ...) m(c, p) D1__M4(m, c, __VA_ARGS__)
#define D1__L5(m, c, p, ...) m(c, p), D1__L4(m, c, __VA_ARGS__)
#define D1__M6(m, c, p, ...) m(c, p) D1__M5(m, c, __VA_ARGS__)
#define D1__L6(m, c, p, ...) m(c, p), D1__L5(m, c, __VA_ARGS__)
#define D1__M7(m, c, p, ...) m(c, p) D1__M6(m, c, __VA_ARGS__)
#define D1__L7(m, c, p, ...) m(c, p), D1__L6(m, c, __VA_ARGS__)
#define D1__M8(m, c, p, ...) m(c, p) D1__M7(m, c, __VA_ARGS__)
#define D1__L8(m, c, p, ...) m(c, p), D1__L7(m, c, __VA_ARGS__)
#define D1__M9(m, c, p, ...) m(c, p) D1__M8(m, c, __VA_ARGS__)
#define D1__L9(m, c, p, ...) m(c, p), D1__L8(m, c, __VA_ARGS__)
#define D1__M10(m, c, p, ...) m(c, p) D1__M9(m, c, __VA_ARGS__)
#define D1__L10(m, c, p, ...) m(c, p), D1__L9(m, c, __VA_ARGS__)
#define D1__M11(m, c, p, ...) m(c, p) D1__M10(m, c, __VA_ARGS__)
#define D1__L11(m, c, p, ...) m(c, p), D1__L10(m, c, __VA_ARGS__)
#define D1__M12(m, c, p, ...) m(c, p) D1__M11(m, c, __VA_ARGS__)
#define D1__L12(m, c, p, ...) m(c, p), D1__L11(m, c, __VA_ARGS__)
#define D1__M13(m, c, p, ...) m(c, p) D1__M12(m, c, __VA_ARGS__)
#define D1__L13(m, c, p, ...) m(c, p), D1__L12(m, c, __VA_ARGS__)
#define D1__M14(m, c, p, ...) m(c, p) D1__M13(m, c, __VA_ARGS__)
#define D1__L14(m, c, p, ...) m(c, p), D1__L13(m, c, __VA_ARGS__)
#define D1__M15(m, c, p, ...) m(c, p) D1__M14(m, c, __VA_ARGS__)
#define D1__L15(m, c, p, ...) m(c, p), D1__L14(m, c, __VA_ARGS__)
#define D1__M16(m, c, p, ...) m(c, p) D1__M15(m, c, __VA_ARGS__)
#define D1__L16(m, c, p, ...) m(c, p), D1__L15(m, c, __VA_ARGS__)
#define D1__VE0 void
#define D1__VE1
#define D1__VE2
#define D1__VE3
#define D1__VE4
#define D1__VE5
#define D1__VE6
#define D1__VE7
#define D1__VE8
#define D1__VE9
#define D1__VE10
#define D1__VE11
#define D1__VE12
#define D1__VE13
#define D1__VE14
#define D1__VE15
#define D1__VE16
#define D1__CAT_(a, b)		a##b
#define D1__CAT(a, b)		D1__CAT_(a, b)
#define D1__MAP(m, c, ...) \
	D1__CAT(D1__M, D1__CNT(__VA_ARGS__))(m, c __VA_OPT__(,) __VA_ARGS__)
#define D1__MAPL(m, c, ...) \
	D1__CAT(D1__L, D1__CNT(__VA_ARGS__))(m, c __VA_OPT__(,) __VA_ARGS__)
#define D1__T_(t, n)		t
#define D1__N_(t, n)		n
#define D1__T(p)		D1__T_ p
#define D1__N(p)		D1__N_ p

#define D1__KIND(T) _Generic((*(T *)0), \
	d1_devptr: D1_ARG_KIND_BUFFER, \
	float: D1_ARG_KIND_FLOAT, \
	double: D1_ARG_KIND_FLOAT, \
	default: (__builtin_classify_type(*(T *)0) == 5 ? \
		  D1_ARG_KIND_SRAM_PTR : \
		  __builtin_classify_type(*(T *)0) <= 4 ? \
		  D1_ARG_KIND_INT : D1_ARG_KIND_OTHER))

#define D1__FIELD(k, p)		D1__T(p) D1__N(p);
#define D1__PARAM(k, p)		D1__T(p) D1__N(p)
#define D1__USE(k, p)		d1__a->D1__N(p)
#define D1__ARGDESC(k, p) { \
	.name = D1_STR(D1__N(p)), \
	.type = D1_STR(D1__T(p)), \
	.offset = offsetof(struct d1__args_##k, D1__N(p)), \
	.size = sizeof(D1__T(p)), \
	.align = _Alignof(D1__T(p)), \
	.kind = D1__KIND(D1__T(p)), \
},

#define D1_KERNEL(kname, ...) \
	_Static_assert(D1__CNT(__VA_ARGS__) <= 16, \
		       "D1_KERNEL: at most 16 parameters"); \
	struct d1__args_##kname { \
		D1__MAP(D1__FIELD, kname, __VA_ARGS__) \
		char d1__end[0]; \
	}; \
	static void d1__kimpl_##kname(D1__MAPL(D1__PARAM, kname, __VA_ARGS__) \
				      D1__CAT(D1__VE, D1__CNT(__VA_ARGS__))); \
	void d1__kentry_##kname(const void *d1__argp); \
	void d1__kentry_##kname(const void *d1__argp) \
	{ \
		const struct d1__args_##kname *d1__a = d1__argp; \
		(void)d1__a; \
		d1__kimpl_##kname(D1__MAPL(D1__USE, kname, __VA_ARGS__)); \
	} \
	static const struct d1_kernel_arg_desc d1__kargs_##kname[] = { \
		D1__MAP(D1__ARGDESC, kname, __VA_ARGS__) \
		{ .name = 0 } \
	}; \
	static const struct d1_kernel_desc d1__kdesc_##kname \
	__attribute__((used, section(D1_KERNEL_SECTION), aligned(8))) = { \
		.magic = D1_KERNEL_DESC_MAGIC, \
		.version = D1_KERNEL_DESC_VERSION, \
		.name = #kname, \
		.entry = (void *)d1__kentry_##kname, \
		.args = d1__kargs_##kname, \
		.nargs = D1__CNT(__VA_ARGS__), \
		.args_size = sizeof(struct d1__args_##kname), \
		.args_align = _Alignof(struct d1__args_##kname), \
	}; \
	static void d1__kimpl_##kname(D1__MAPL(D1__PARAM, kname, __VA_ARGS__) \
				      D1__CAT(D1__VE, D1__CNT(__VA_ARGS__)))

#endif /* D1_LAUNCH_H */

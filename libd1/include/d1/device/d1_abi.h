/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * d1_abi.h - the launch ABI between libd1 (host) and kernels built with
 * <d1/device/d1_launch.h> (device).  Data only: both sides include it.
 *
 * A program built by libd1 carries a table of struct d1_kernel_desc in its
 * "d1_kernels" ELF section, one per D1_KERNEL().  To launch kernel i, the
 * host fills the launch's argument block (a0 on every hart) with a
 * struct d1_launch_header naming i, followed at @args_offset by the
 * kernel's argument struct; the dispatcher (libd1/device/d1_dispatch.c,
 * the program's d1_main) checks the header and calls the kernel's entry.
 *
 * Documentation/accel/d1/sdk.rst, "Kernels", is the prose form.
 */
#ifndef D1_ABI_H
#define D1_ABI_H

#include <stdint.h>

/* A 64-bit field that is a pointer on the device and an integer (the
 * device address) on the host. */
#if defined(__riscv) && __riscv_xlen == 64
#define D1_ABI_PTR(type)	type *
#else
#define D1_ABI_PTR(type)	uint64_t
#endif

#define D1_KERNEL_DESC_MAGIC	0xd1c0de01u
#define D1_KERNEL_DESC_VERSION	1
#define D1_KERNEL_SECTION	"d1_kernels"

/* What a kernel parameter is, as the host sees it. */
#define D1_ARG_KIND_INT		1	/* integer, enum or _Bool */
#define D1_ARG_KIND_FLOAT	2	/* float (or double) */
#define D1_ARG_KIND_BUFFER	3	/* d1_devptr: a device address */
#define D1_ARG_KIND_SRAM_PTR	4	/* a pointer (into node SRAM) */
#define D1_ARG_KIND_OTHER	5	/* struct/union by value: raw bytes */

/* Limits of the scheme. */
#define D1_KERNEL_MAX_ARGS	32
#define D1_KERNEL_NAME_MAX	128

/* One parameter of a kernel (32 bytes). */
struct d1_kernel_arg_desc {
	D1_ABI_PTR(const char) name;	/* parameter name */
	D1_ABI_PTR(const char) type;	/* the type as written in the source */
	uint32_t offset;		/* in the argument struct */
	uint32_t size;
	uint32_t align;
	uint32_t kind;			/* D1_ARG_KIND_* */
};

/* One kernel (48 bytes). */
struct d1_kernel_desc {
	uint32_t magic;			/* D1_KERNEL_DESC_MAGIC */
	uint32_t version;		/* D1_KERNEL_DESC_VERSION */
	D1_ABI_PTR(const char) name;
	D1_ABI_PTR(void) entry;		/* void entry(const void *args) */
	D1_ABI_PTR(const struct d1_kernel_arg_desc) args;
	uint32_t nargs;
	uint32_t args_size;		/* sizeof the argument struct */
	uint32_t args_align;
	uint32_t reserved;
};

#define D1_LAUNCH_MAGIC		0xd1a46c00u

/*
 * Start of the argument block of a launch of a D1_KERNEL kernel (32
 * bytes); the kernel's argument struct follows at @args_offset (a
 * multiple of its alignment, at most 4 KiB - args_size).  The launch
 * rectangle and hart count are there for the kernel (d1_launch_rank()
 * and friends in <d1/device/d1_launch.h>).
 */
struct d1_launch_header {
	uint32_t magic;			/* D1_LAUNCH_MAGIC */
	uint32_t kernel;		/* index into the d1_kernels table */
	uint32_t args_offset;		/* from the start of the block */
	uint32_t args_size;		/* must equal the kernel's args_size */
	uint16_t x0, y0;		/* the launch rectangle */
	uint16_t cols, rows;
	uint32_t harts;			/* harts per node */
	uint32_t reserved;
};

#define D1_LAUNCH_ARGS_OFFSET	64	/* what libd1 uses */
#define D1_ARGS_BLOCK		4096	/* = D1_ARGS_SIZE of the ISA */

/* Exit codes of the dispatcher when the block does not fit the image. */
#define D1_EXIT_BAD_MAGIC	0xd1e0
#define D1_EXIT_BAD_KERNEL	0xd1e1
#define D1_EXIT_BAD_ARGS	0xd1e2

_Static_assert(sizeof(struct d1_kernel_arg_desc) == 32, "d1_kernel_arg_desc");
_Static_assert(sizeof(struct d1_kernel_desc) == 48, "d1_kernel_desc");
_Static_assert(sizeof(struct d1_launch_header) == 32, "d1_launch_header");

#endif /* D1_ABI_H */

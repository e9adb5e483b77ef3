/* SPDX-License-Identifier: MIT */
/*
 * d1_program.h - device programs (compiled at run time, with a cache) and
 * their kernels.
 *
 * A d1_program is a D1 node executable: built from C source by invoking
 * clang/lld for the D1 target, or loaded from a prebuilt ELF (d1cc).  It
 * is independent of any device.  Kernels are the program's
 * D1_KERNEL() functions (<d1/device/d1_launch.h>), found by name; a
 * program whose source defines d1_main() itself has one raw kernel named
 * "d1_main" whose argument block is set as bytes.
 *
 * Builds are cached under $D1_CACHE_DIR, else $XDG_CACHE_HOME/d1/kernels,
 * else ~/.cache/d1/kernels, keyed by a SHA-256 of the source, its name,
 * the options, the compiler's --version, libd1's version and the device
 * runtime; entries also record the headers the source included and are
 * rebuilt when one changes.  Documentation/accel/d1/sdk.rst, "Programs".
 *
 * Environment: D1_CLANG (compiler; default clang, else clang-14 on PATH),
 * D1_RUNTIME_DIR (device runtime and headers), D1_CACHE_DIR,
 * D1_CACHE_DISABLE=1 (neither read nor fill the cache).
 */
#ifndef D1_PROGRAM_H
#define D1_PROGRAM_H

#include <stddef.h>
#include <stdint.h>

#include "d1_common.h"
#include "d1_status.h"

#if defined(__cplusplus)
extern "C" {
#endif

typedef struct d1_program d1_program;
typedef struct d1_kernel d1_kernel;

/**
 * enum d1_opt_level - optimisation level of struct d1_build_options
 * @D1_OPT_DEFAULT: -O2.
 * @D1_OPT_O0: -O0.
 * @D1_OPT_O1: -O1.
 * @D1_OPT_O2: -O2.
 * @D1_OPT_O3: -O3.
 * @D1_OPT_OS: -Os.
 */
enum d1_opt_level {
	D1_OPT_DEFAULT = 0,
	D1_OPT_O0,
	D1_OPT_O1,
	D1_OPT_O2,
	D1_OPT_O3,
	D1_OPT_OS,
};

/* Flags of struct d1_build_options. */
#define D1_BUILD_WERROR		(1u << 0)
#define D1_BUILD_DEBUG		(1u << 1)
#define D1_BUILD_NO_CACHE	(1u << 2)
#define D1_BUILD_FLAGS_ALL	0x7u

/**
 * struct d1_build_options - how to build a program (all-zero = defaults)
 * @defines: "NAME" or "NAME=VALUE" (-D), @num_defines of them.
 * @include_dirs: directories searched for #include (-I), @num_include_dirs
 *                of them; relative ones from the current directory.
 * @num_defines: entries of @defines.
 * @num_include_dirs: entries of @include_dirs.
 * @opt_level: an &enum d1_opt_level.
 * @flags: %D1_BUILD_WERROR (-Wall -Wextra -Werror), %D1_BUILD_DEBUG (-g),
 *         %D1_BUILD_NO_CACHE (neither read nor fill the program cache).
 * @reserved: must be zero.
 */
struct d1_build_options {
	const char *const *defines;
	const char *const *include_dirs;
	unsigned int num_defines;
	unsigned int num_include_dirs;
	unsigned int opt_level;
	unsigned int flags;
	uint64_t reserved[4];
};

/**
 * enum d1_cache_result - where a build's result came from
 * @D1_CACHE_NONE: not built, or created from an ELF.
 * @D1_CACHE_HIT: loaded from the program cache.
 * @D1_CACHE_MISS: compiled, then stored.
 * @D1_CACHE_REBUILT: the entry was corrupt or stale: compiled.
 * @D1_CACHE_DISABLED: compiled; the cache was not used.
 */
enum d1_cache_result {
	D1_CACHE_NONE = 0,
	D1_CACHE_HIT,
	D1_CACHE_MISS,
	D1_CACHE_REBUILT,
	D1_CACHE_DISABLED,
};

/**
 * struct d1_program_info - state of a program
 * @built: 1 once the program has an executable image.
 * @cache: an &enum d1_cache_result for the last build.
 * @num_kernels: kernels of the image.
 * @reserved0: zero.
 * @image_size: bytes of the ELF image.
 * @cache_key: hex SHA-256 of the last build's inputs ("" if none).
 * @reserved: zero.
 */
struct d1_program_info {
	unsigned int built;
	unsigned int cache;
	unsigned int num_kernels;
	unsigned int reserved0;
	uint64_t image_size;
	char cache_key[65];
	char reserved[63];
};

/*
 * d1_program_create_from_source - a program from C source text.
 * @source: the text; @length bytes, or up to its NUL if @length is 0.
 * @name: file name used in diagnostics (a base name, "program.c" if NULL).
 */
D1_API d1_status d1_program_create_from_source(const char *source,
					       size_t length, const char *name,
					       d1_program **out);

/*
 * d1_program_create_from_elf - a built program from a D1 ELF image (as
 * d1cc writes).  D1_ERROR_INVALID_VALUE if it is no valid D1 executable.
 */
D1_API d1_status d1_program_create_from_elf(const void *image, size_t size,
					    d1_program **out);

/*
 * d1_program_create_from_file - a program from a file: an ELF image (by
 * its magic) or C source, whose directory is then searched for includes.
 */
D1_API d1_status d1_program_create_from_file(const char *path,
					     d1_program **out);

/*
 * d1_program_build - compile and link a source program (or fetch it from
 * the cache).  @options may be NULL.  D1_ERROR_BUILD when clang fails (or
 * cannot be run): the build log has the diagnostics.  Building again
 * replaces the image; kernels created before keep the old one.
 */
D1_API d1_status d1_program_build(d1_program *prog,
				  const struct d1_build_options *options);

/*
 * d1_program_build_log - the last build's compiler output (size, then
 * fetch).  *@log_size receives the length including the NUL; up to
 * @buf_size bytes of it are copied to @buf (truncated, always
 * NUL-terminated) unless @buf is NULL.
 */
D1_API d1_status d1_program_build_log(d1_program *prog, char *buf,
				      size_t buf_size, size_t *log_size);

/*
 * d1_program_binary - the ELF image (size, then fetch).  *@size receives
 * its length; with @buf non-NULL, @buf_size must be at least that.
 * D1_ERROR_INVALID_STATE if the program is not built.
 */
D1_API d1_status d1_program_binary(d1_program *prog, void *buf,
				   size_t buf_size, size_t *size);

D1_API d1_status d1_program_info(d1_program *prog,
				 struct d1_program_info *info);

/*
 * d1_program_kernel_name - name of kernel @index (0..num_kernels-1).  The
 * string lives as long as the program's image.
 */
D1_API d1_status d1_program_kernel_name(d1_program *prog, unsigned int index,
					const char **name);

/* d1_program_destroy - release @prog; its kernels stay usable. */
D1_API d1_status d1_program_destroy(d1_program *prog);

/**
 * enum d1_arg_kind - what a kernel parameter is
 * @D1_ARG_INT: integer, enum or _Bool.
 * @D1_ARG_FLOAT: float.
 * @D1_ARG_BUFFER: d1_devptr: set with d1_kernel_set_arg_buffer().
 * @D1_ARG_SRAM_PTR: a pointer into node SRAM.
 * @D1_ARG_OTHER: a struct by value.
 * @D1_ARG_RAW: the whole argument block of a raw (d1_main) kernel.
 */
enum d1_arg_kind {
	D1_ARG_INT = 1,
	D1_ARG_FLOAT = 2,
	D1_ARG_BUFFER = 3,
	D1_ARG_SRAM_PTR = 4,
	D1_ARG_OTHER = 5,
	D1_ARG_RAW = 6,
};

/**
 * struct d1_kernel_arg_info - one kernel parameter, as declared
 * @name: the parameter's name.
 * @type: its type as written in the source, e.g. "uint32_t".
 * @kind: an &enum d1_arg_kind.
 * @size: bytes of the value.
 * @offset: of the value in the kernel's argument struct.
 * @reserved: zero.
 *
 * The strings live as long as the kernel.
 */
struct d1_kernel_arg_info {
	const char *name;
	const char *type;
	unsigned int kind;
	unsigned int size;
	unsigned int offset;
	unsigned int reserved;
};

/*
 * d1_kernel_create - the kernel @name of built program @prog.
 * D1_ERROR_NOT_FOUND if there is none, D1_ERROR_INVALID_STATE if @prog is
 * not built.
 */
D1_API d1_status d1_kernel_create(d1_program *prog, const char *name,
				  d1_kernel **out);

D1_API d1_status d1_kernel_num_args(d1_kernel *kernel, unsigned int *count);
D1_API d1_status d1_kernel_arg_info(d1_kernel *kernel, unsigned int index,
				    struct d1_kernel_arg_info *info);

/*
 * d1_kernel_set_arg - set parameter @index to the @size bytes at @value.
 * D1_ERROR_ARGUMENT when @size is not the parameter's size or the
 * parameter is a buffer (use d1_kernel_set_arg_buffer()).
 */
D1_API d1_status d1_kernel_set_arg(d1_kernel *kernel, unsigned int index,
				   const void *value, size_t size);

/* Typed setters: D1_ERROR_ARGUMENT unless the parameter has that kind and
 * size (an integer of 4 or 8 bytes, a float). */
D1_API d1_status d1_kernel_set_arg_u32(d1_kernel *kernel, unsigned int index,
				       uint32_t value);
D1_API d1_status d1_kernel_set_arg_u64(d1_kernel *kernel, unsigned int index,
				       uint64_t value);
D1_API d1_status d1_kernel_set_arg_f32(d1_kernel *kernel, unsigned int index,
				       float value);

/*
 * d1_kernel_set_arg_devaddr - set buffer parameter @index to the device
 * address @addr (d1_kernel_set_arg_buffer() computes it from a buffer).
 */
D1_API d1_status d1_kernel_set_arg_devaddr(d1_kernel *kernel,
					   unsigned int index, uint64_t addr);

/*
 * d1_kernel_set_args_raw - the argument block of a raw kernel (d1_main):
 * @size bytes (at most 4096) copied to the node's argument block.
 */
D1_API d1_status d1_kernel_set_args_raw(d1_kernel *kernel, const void *data,
					size_t size);

D1_API d1_status d1_kernel_destroy(d1_kernel *kernel);

#if defined(__cplusplus)
}
#endif

#endif /* D1_PROGRAM_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: libd1's reader of D1 ELF images and their kernel
 * table (libd1/image.c), through the public API a program uses on an
 * image it did not build: create the program, list its kernels, create
 * each, read every parameter's description and set it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <d1/d1.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_kernel(d1_program *p, const char *name)
{
	static const uint8_t zero[4096];
	struct d1_kernel_arg_info ai;
	unsigned int nargs, i;
	d1_kernel *k;

	if (d1_kernel_create(p, name, &k))
		abort();	/* listed, so it must exist */
	if (d1_kernel_num_args(k, &nargs))
		abort();
	for (i = 0; i < nargs; i++) {
		if (d1_kernel_arg_info(k, i, &ai) || !ai.name || !ai.type ||
		    !ai.size || ai.size > sizeof(zero) ||
		    ai.offset > sizeof(zero) - ai.size)
			abort();
		/* Strings are readable to their NUL. */
		(void)strlen(ai.name);
		(void)strlen(ai.type);
		if (ai.kind == D1_ARG_BUFFER)
			d1_kernel_set_arg_devaddr(k, i, 0x1000);
		else if (ai.kind == D1_ARG_RAW)
			d1_kernel_set_args_raw(k, zero, ai.size);
		else if (d1_kernel_set_arg(k, i, zero, ai.size))
			abort();
	}
	if (d1_kernel_arg_info(k, nargs, &ai) == D1_SUCCESS)
		abort();
	d1_kernel_destroy(k);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct d1_program_info info;
	unsigned int i;
	d1_program *p;

	if (d1_program_create_from_elf(data, size, &p))
		return 0;
	if (d1_program_info(p, &info) || !info.built || !info.num_kernels ||
	    info.image_size != size)
		abort();
	for (i = 0; i < info.num_kernels; i++) {
		const char *name;

		if (d1_program_kernel_name(p, i, &name) || !name || !*name)
			abort();
		check_kernel(p, name);
	}
	d1_program_destroy(p);
	return 0;
}

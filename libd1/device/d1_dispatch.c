// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Kernel dispatcher: the d1_main of programs whose kernels are defined
 * with D1_KERNEL() (<d1/device/d1_launch.h>).  libd1 links it into every
 * program it builds; it is weak, so a program that defines its own d1_main
 * (a single raw kernel) keeps it.
 *
 * The argument block starts with a struct d1_launch_header naming the
 * kernel by its index in the d1_kernels section; the dispatcher checks the
 * block against the table and calls the kernel's entry with its argument
 * struct.  A block that does not fit ends the hart with a D1_EXIT_BAD_*
 * code, which the host reports.
 */
#include <d1/device/d1_launch.h>

extern const struct d1_kernel_desc __start_d1_kernels[] __attribute__((weak));
extern const struct d1_kernel_desc __stop_d1_kernels[] __attribute__((weak));

int d1_main(void *args, unsigned int hart) __attribute__((weak));

int d1_main(void *args, unsigned int hart)
{
	const struct d1_launch_header *h = args;
	const struct d1_kernel_desc *k;
	unsigned long count = (unsigned long)(__stop_d1_kernels -
					       __start_d1_kernels);

	(void)hart;
	if (h->magic != D1_LAUNCH_MAGIC)
		return D1_EXIT_BAD_MAGIC;
	if (h->kernel >= count)
		return D1_EXIT_BAD_KERNEL;
	k = &__start_d1_kernels[h->kernel];
	if (k->magic != D1_KERNEL_DESC_MAGIC || h->args_size != k->args_size ||
	    h->args_offset < sizeof(*h) ||
	    h->args_offset > D1_ARGS_SIZE - k->args_size ||
	    (k->args_align && h->args_offset % k->args_align))
		return D1_EXIT_BAD_ARGS;
	((void (*)(const void *))k->entry)((const char *)args + h->args_offset);
	return 0;
}

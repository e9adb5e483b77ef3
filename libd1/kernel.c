// SPDX-License-Identifier: MIT
/*
 * Kernels: a named entry of a built program plus the argument block of
 * its next launch.  Arguments are checked against the parameters the
 * kernel declares (D1_KERNEL(), <d1/device/d1_abi.h>).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "d1/device/d1_abi.h"
#include "libd1_internal.h"

D1_API d1_status d1_kernel_create(d1_program *prog, const char *name,
				  d1_kernel **out)
{
	struct d1_image *img;
	struct d1_kernel *k;
	unsigned int i;

	if (!prog || !name || !out)
		return D1_ERROR_INVALID_VALUE;
	img = prog->image;
	if (!img)
		return D1_ERROR_INVALID_STATE;
	for (i = 0; i < img->nkernels; i++)
		if (!strcmp(img->kernels[i].name, name))
			break;
	if (i == img->nkernels)
		return D1_ERROR_NOT_FOUND;
	k = calloc(1, sizeof(*k));
	if (!k) {
		errno = ENOMEM;
		return D1_ERROR_OUT_OF_MEMORY;
	}
	k->image = d1_image_get(img);
	k->ki = &img->kernels[i];
	if (!k->ki->raw) {
		struct d1_launch_header h = {
			.magic = D1_LAUNCH_MAGIC,
			.kernel = k->ki->index,
			.args_offset = D1_LAUNCH_ARGS_OFFSET,
			.args_size = k->ki->args_size,
		};

		memcpy(k->block, &h, sizeof(h));
	}
	*out = k;
	return D1_SUCCESS;
}

D1_API d1_status d1_kernel_num_args(d1_kernel *kernel, unsigned int *count)
{
	if (!kernel || !count)
		return D1_ERROR_INVALID_VALUE;
	*count = kernel->ki->nargs;
	return D1_SUCCESS;
}

D1_API d1_status d1_kernel_arg_info(d1_kernel *kernel, unsigned int index,
				    struct d1_kernel_arg_info *info)
{
	if (!kernel || !info || index >= kernel->ki->nargs)
		return D1_ERROR_INVALID_VALUE;
	*info = kernel->ki->args[index];
	return D1_SUCCESS;
}

/* Stores @size bytes for parameter @index after checking @kinds. */
static d1_status set(d1_kernel *k, unsigned int index, const void *value,
		     size_t size, unsigned int kind_mask)
{
	const struct d1_kernel_arg_info *a;

	if (!k || !value || index >= k->ki->nargs)
		return D1_ERROR_INVALID_VALUE;
	a = &k->ki->args[index];
	if (k->ki->raw || !(kind_mask & (1u << a->kind)) || size != a->size)
		return D1_ERROR_ARGUMENT;
	memcpy(k->block + D1_LAUNCH_ARGS_OFFSET + a->offset, value, size);
	k->set_mask |= 1ull << index;
	return D1_SUCCESS;
}

#define NOT_BUFFER	(1u << D1_ARG_INT | 1u << D1_ARG_FLOAT | \
			 1u << D1_ARG_SRAM_PTR | 1u << D1_ARG_OTHER)

D1_API d1_status d1_kernel_set_arg(d1_kernel *kernel, unsigned int index,
				   const void *value, size_t size)
{
	return set(kernel, index, value, size, NOT_BUFFER);
}

D1_API d1_status d1_kernel_set_arg_u32(d1_kernel *kernel, unsigned int index,
				       uint32_t value)
{
	return set(kernel, index, &value, sizeof(value), 1u << D1_ARG_INT);
}

D1_API d1_status d1_kernel_set_arg_u64(d1_kernel *kernel, unsigned int index,
				       uint64_t value)
{
	return set(kernel, index, &value, sizeof(value), 1u << D1_ARG_INT);
}

D1_API d1_status d1_kernel_set_arg_f32(d1_kernel *kernel, unsigned int index,
				       float value)
{
	return set(kernel, index, &value, sizeof(value), 1u << D1_ARG_FLOAT);
}

D1_API d1_status d1_kernel_set_arg_devaddr(d1_kernel *kernel,
					   unsigned int index, uint64_t addr)
{
	return set(kernel, index, &addr, sizeof(addr), 1u << D1_ARG_BUFFER);
}

D1_API d1_status d1_kernel_set_arg_buffer(d1_kernel *kernel,
					  unsigned int index, d1_buffer *buf,
					  uint64_t offset)
{
	if (!kernel || !buf || offset > buf->bo.size)
		return D1_ERROR_INVALID_VALUE;
	return d1_kernel_set_arg_devaddr(kernel, index, buf->bo.va + offset);
}

D1_API d1_status d1_kernel_set_args_raw(d1_kernel *kernel, const void *data,
					size_t size)
{
	if (!kernel || (!data && size) || size > sizeof(kernel->block))
		return D1_ERROR_INVALID_VALUE;
	if (!kernel->ki->raw)
		return D1_ERROR_ARGUMENT;
	memset(kernel->block, 0, sizeof(kernel->block));
	if (size)
		memcpy(kernel->block, data, size);
	kernel->raw_size = size;
	kernel->set_mask = 1;
	return D1_SUCCESS;
}

/*
 * The argument block of a launch of @k: D1_ERROR_ARGUMENT (naming the
 * first missing parameter in @missing) unless every parameter is set.
 */
d1_status d1_kernel_block(const d1_kernel *k, const void **block,
			  size_t *size, const char **missing)
{
	unsigned int i;

	if (k->ki->raw) {
		*block = k->block;
		*size = k->raw_size;
		return D1_SUCCESS;
	}
	for (i = 0; i < k->ki->nargs; i++)
		if (!(k->set_mask & (1ull << i))) {
			if (missing)
				*missing = k->ki->args[i].name;
			return D1_ERROR_ARGUMENT;
		}
	*block = k->block;
	*size = D1_LAUNCH_ARGS_OFFSET + k->ki->args_size;
	return D1_SUCCESS;
}

D1_API d1_status d1_kernel_destroy(d1_kernel *kernel)
{
	if (!kernel)
		return D1_ERROR_INVALID_VALUE;
	d1_image_put(kernel->image);
	free(kernel);
	return D1_SUCCESS;
}

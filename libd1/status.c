// SPDX-License-Identifier: MIT
/* Status codes: names, texts and the mapping from errno. */
#include <errno.h>

#include "libd1_internal.h"

struct status_text {
	const char *name;
	const char *text;
};

static const struct status_text status_texts[] = {
	[D1_SUCCESS] = { "D1_SUCCESS", "success" },
	[D1_ERROR_INVALID_VALUE] = { "D1_ERROR_INVALID_VALUE",
		"invalid argument" },
	[D1_ERROR_OUT_OF_MEMORY] = { "D1_ERROR_OUT_OF_MEMORY",
		"out of memory (host, or device memory / address space exhausted)" },
	[D1_ERROR_NO_DEVICE] = { "D1_ERROR_NO_DEVICE",
		"no d1 device found: the d1 driver is not loaded or no D1 card is present" },
	[D1_ERROR_PERMISSION] = { "D1_ERROR_PERMISSION",
		"permission denied opening the d1 device node (check the access rights of /dev/accel/accel*)" },
	[D1_ERROR_DEVICE_LOST] = { "D1_ERROR_DEVICE_LOST",
		"the d1 device is gone (removed, or its driver was unbound)" },
	[D1_ERROR_TIMEOUT] = { "D1_ERROR_TIMEOUT",
		"the d1 device did not respond in time" },
	[D1_ERROR_NOT_SUPPORTED] = { "D1_ERROR_NOT_SUPPORTED",
		"operation not supported by the loaded d1 driver (too old, or of a newer uAPI major version than this libd1)" },
	[D1_ERROR_OS] = { "D1_ERROR_OS",
		"operating system error (see errno)" },
	[D1_ERROR_BUILD] = { "D1_ERROR_BUILD",
		"the d1 program failed to build (see the build log)" },
	[D1_ERROR_NOT_FOUND] = { "D1_ERROR_NOT_FOUND",
		"no such kernel in the d1 program" },
	[D1_ERROR_ARGUMENT] = { "D1_ERROR_ARGUMENT",
		"a kernel argument is missing or does not match the kernel's parameter" },
	[D1_ERROR_LAUNCH_FAILED] = { "D1_ERROR_LAUNCH_FAILED",
		"the kernel launch failed on the device (fault, deadlock or bad launch)" },
	[D1_ERROR_NOT_READY] = { "D1_ERROR_NOT_READY",
		"the work has not completed yet" },
	[D1_ERROR_INVALID_STATE] = { "D1_ERROR_INVALID_STATE",
		"the object is not in a state that allows this call" },
	[D1_ERROR_NOT_LINKED] = { "D1_ERROR_NOT_LINKED",
		"the sending card's DIP-to-DIP link does not reach the destination buffer's card (or the link is down)" },
};

#define N_STATUS (sizeof(status_texts) / sizeof(status_texts[0]))

static const struct status_text *lookup(d1_status status)
{
	unsigned int i = (unsigned int)status;

	if (i < N_STATUS && status_texts[i].name)
		return &status_texts[i];
	return NULL;
}

D1_API const char *d1_status_string(d1_status status)
{
	const struct status_text *t = lookup(status);

	return t ? t->text : "unknown d1 status code";
}

D1_API const char *d1_status_name(d1_status status)
{
	const struct status_text *t = lookup(status);

	return t ? t->name : "D1_STATUS_UNKNOWN";
}

d1_status d1_status_from_errno(int err)
{
	switch (err) {
	case 0:
		return D1_SUCCESS;
	case EINVAL:
	case EFAULT:
	case ERANGE:
	case EOVERFLOW:
		return D1_ERROR_INVALID_VALUE;
	case ENOMEM:
	case ENOSPC:
		return D1_ERROR_OUT_OF_MEMORY;
	case ENOENT:
	case ENXIO:
		return D1_ERROR_NO_DEVICE;
	case EACCES:
	case EPERM:
		return D1_ERROR_PERMISSION;
	case ENODEV:
		return D1_ERROR_DEVICE_LOST;
	case ETIMEDOUT:
	case ETIME:
		return D1_ERROR_TIMEOUT;
	case ENOTTY:
	case EOPNOTSUPP:
	case ENOSYS:
		return D1_ERROR_NOT_SUPPORTED;
	case EXDEV:	/* the only cross-device error d1 gives: the link */
		return D1_ERROR_NOT_LINKED;
	default:
		return D1_ERROR_OS;
	}
}

/* The status for @err, with errno set to it for the caller's caller. */
d1_status d1_fail_errno(int err)
{
	errno = err;
	return d1_status_from_errno(err);
}

/* SPDX-License-Identifier: MIT */
/*
 * d1_status.h - status codes returned by every libd1 call.
 *
 * Every libd1 function returns a d1_status.  D1_SUCCESS is 0; all other
 * values are errors, and output parameters are left untouched on error
 * unless a function says otherwise.  When the cause is a failed system
 * call (D1_ERROR_PERMISSION, D1_ERROR_DEVICE_LOST, D1_ERROR_OS and the
 * errors mapped from an errno), errno still holds that system error when
 * the call returns.
 */
#ifndef D1_STATUS_H
#define D1_STATUS_H

#include "d1_common.h"

#if defined(__cplusplus)
extern "C" {
#endif

typedef enum d1_status {
	/* The call succeeded. */
	D1_SUCCESS = 0,
	/* An argument is NULL, out of range or otherwise invalid. */
	D1_ERROR_INVALID_VALUE = 1,
	/* A memory allocation failed (in libd1 or in the kernel). */
	D1_ERROR_OUT_OF_MEMORY = 2,
	/* No d1 device: the d1 driver is not loaded or found no card. */
	D1_ERROR_NO_DEVICE = 3,
	/* The device node exists but may not be opened (EACCES/EPERM). */
	D1_ERROR_PERMISSION = 4,
	/* The device went away (unplugged, driver unbound): ENODEV. */
	D1_ERROR_DEVICE_LOST = 5,
	/* The device did not answer in time. */
	D1_ERROR_TIMEOUT = 6,
	/* The driver does not implement the request (too old), or its
	 * uAPI major version is newer than libd1 knows. */
	D1_ERROR_NOT_SUPPORTED = 7,
	/* Any other operating-system error; see errno. */
	D1_ERROR_OS = 8,
	/* A program failed to compile or link; see d1_program_build_log(). */
	D1_ERROR_BUILD = 9,
	/* No such kernel (or other named object). */
	D1_ERROR_NOT_FOUND = 10,
	/* A kernel argument is missing or does not match the parameter. */
	D1_ERROR_ARGUMENT = 11,
	/* A launch failed on the device (node fault, MMU fault, deadlock,
	 * bad launch); the launch status has the details. */
	D1_ERROR_LAUNCH_FAILED = 12,
	/* Work is still pending (a query on a stream or event). */
	D1_ERROR_NOT_READY = 13,
	/* The object is not in a state that allows the call (e.g. a
	 * program that is not built yet). */
	D1_ERROR_INVALID_STATE = 14,
	/* The DIP-to-DIP link of the sending card does not reach the card
	 * of the destination (a peer copy), or it went down. */
	D1_ERROR_NOT_LINKED = 15,
} d1_status;

/*
 * d1_status_string - a readable, one-line description of @status.
 *
 * Never returns NULL: unknown codes yield a generic text.  The string is
 * static and must not be freed.
 */
D1_API const char *d1_status_string(d1_status status);

/*
 * d1_status_name - the identifier of @status, e.g. "D1_ERROR_TIMEOUT".
 *
 * Never returns NULL: unknown codes yield "D1_STATUS_UNKNOWN".
 */
D1_API const char *d1_status_name(d1_status status);

#if defined(__cplusplus)
}
#endif

#endif /* D1_STATUS_H */

/* SPDX-License-Identifier: MIT */
/*
 * d1.h - libd1, the user-space SDK of the d1 accelerator.
 *
 * Umbrella header: include this one.  Link with `pkg-config --libs libd1`.
 * Documentation/accel/d1/sdk.rst describes the programming model.
 */
#ifndef D1_H
#define D1_H

#include "d1_common.h"
#include "d1_status.h"
#include "d1_device.h"
#include "d1_program.h"
#include "d1_memory.h"
#include "d1_stream.h"

#endif /* D1_H */

/* SPDX-License-Identifier: MIT */
/*
 * d1_common.h - shared definitions of the libd1 public headers.
 *
 * Included by the other d1 headers; applications include <d1/d1.h>.
 */
#ifndef D1_COMMON_H
#define D1_COMMON_H

/* Marks the symbols libd1.so exports; everything else is hidden. */
#if defined(D1_BUILDING_LIBRARY) && defined(__GNUC__)
#define D1_API __attribute__((visibility("default")))
#else
#define D1_API
#endif

/* Version of this header set (the library's package version). */
#define D1_SDK_VERSION_MAJOR	0
#define D1_SDK_VERSION_MINOR	1
#define D1_SDK_VERSION_PATCH	0

#endif /* D1_COMMON_H */

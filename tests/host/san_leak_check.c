// SPDX-License-Identifier: GPL-2.0
/*
 * Linked into every host test under SAN=1, with -Wl,--wrap=_exit.  The
 * kselftest harness ends each test's child with _exit(), which skips
 * LeakSanitizer's check at exit: run the check there instead, so that a
 * leak fails the test that leaked (LSan exits non-zero).
 */
#include <sanitizer/lsan_interface.h>

void __real__exit(int code) __attribute__((noreturn));
void __wrap__exit(int code) __attribute__((noreturn));

void __wrap__exit(int code)
{
	__lsan_do_leak_check();
	__real__exit(code);
}

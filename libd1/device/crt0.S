/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * D1 kernel start-up: the simulator enters here with a0 = argument block,
 * a1 = hart id and sp set per hart (Documentation/accel/d1/isa.rst).
 * Calls d1_main(args, hart) and exits with its return value.
 */
	.section .text.start, "ax"
	.globl _start
_start:
	.option push
	.option norelax
	la	gp, __global_pointer$
	.option pop
	call	d1_main
	li	a7, 93
	ecall
1:	j	1b

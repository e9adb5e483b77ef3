/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Translation of decoded node code to host code (x86-64), with the
 * interpreter (hart.c) as the fallback and the reference for results.
 *
 * d1_jit_build() translates a decoded text once, like d1_predecode(),
 * into basic blocks of host code that are shared by every node, hart and
 * launch running the image; d1_jit_run() runs a hart in them.
 * Translated code keeps exactly the interpreter's results: the same
 * registers, memory, dirty pages, fflags, instruction counts, faults and
 * stopping points.  Whatever it does not translate - CSRs, ecall,
 * synchronisation, any instruction that faults or would, a jump to code
 * it has no block for - it leaves to the interpreter, which resumes at
 * that instruction.
 */
#ifndef D1_JIT_H
#define D1_JIT_H

#include <stdint.h>

#include "sim.h"

struct d1_jit;

/* Translate the @n decoded instructions at @code of an image (struct
 * d1_kimage) whose text is [text_lo, text_hi).  NULL when this host has
 * no translator, it is disabled (D1_JIT=0) or out of memory: the
 * interpreter runs everything. */
struct d1_jit *d1_jit_build(const struct d1_insn *code, uint64_t n,
			    uint64_t text_lo, uint64_t text_hi);
void d1_jit_free(struct d1_jit *j);
/* Bytes of host code and tables. */
size_t d1_jit_footprint(const struct d1_jit *j);

/*
 * Run hart @h of node @n from h->pc in translated code for at most
 * @left instructions; returns how many it retired (0 if h->pc has no
 * translated block, or its first block is longer than @left) and
 * leaves h->pc at the next instruction to execute.  Counting into
 * h->instret is the caller's.
 */
uint64_t d1_jit_run(const struct d1_jit *j, struct d1_node *n,
		    struct d1_hart *h, uint64_t left);
/* Instructions from @pc to the next one translated code can start at
 * (at least 1): what the interpreter should run before trying again. */
uint64_t d1_jit_span(const struct d1_jit *j, uint64_t pc);

#endif /* D1_JIT_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the device's kernel-image loader (core/elf.c).  The
 * input is the ELF a LAUNCH fetches from guest memory.  A loaded image
 * must keep its entry point in the text and its symbols readable, and
 * then runs a few instructions on one node (the code is untrusted too).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

static struct d1_grid *grid;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct d1_launch l = { .harts = 2, .budget = 2000, .quantum = 256 };
	struct d1_launch_result res;
	struct d1_kimage *img;
	char err[128];
	size_t off;

	if (!grid) {
		struct d1_grid_config c = { .rows = 1, .cols = 2 };

		grid = d1_grid_create(&c);
		if (!grid)
			abort();
	}
	img = d1_kimage_load(data, size, err, sizeof(err));
	if (!img) {
		/* A refused image names its reason. */
		if (!err[0] || !memchr(err, 0, sizeof(err)))
			abort();
		return 0;
	}
	if (img->entry < img->text_lo || img->entry >= img->text_hi ||
	    img->text_lo < D1_SRAM_BASE ||
	    img->text_hi > D1_SRAM_BASE + D1_SRAM_SIZE ||
	    img->image_lo > img->image_hi)
		abort();
	/* Every symbol record is a value and a NUL-terminated name; the
	 * first one is found again by name. */
	for (off = 0; off + 8 < img->symtab_len;) {
		const char *name = img->symtab + off + 8;
		size_t nl = strnlen(name, img->symtab_len - off - 8);
		uint64_t v;

		if (nl == img->symtab_len - off - 8)
			abort();
		memcpy(&v, img->symtab + off, 8);
		if (off == 0 && d1_kimage_symbol(img, name) != v)
			abort();
		off += 8 + ((nl + 8) & ~(size_t)7);
	}
	d1_kimage_symbol(img, "d1_main");
	/* An image may load but not run (stacks over it): said, not run. */
	err[0] = 0;
	l.image = img;
	if (d1_grid_run(grid, &l, &res, err, sizeof(err))) {
		if (!err[0])
			abort();
		d1_kimage_put(img);
		return 0;
	}
	d1_kimage_put(img);
	if (res.nodes != 2 || res.exited + res.faulted + res.timed_out +
	    res.deadlocked + res.aborted != res.nodes)
		abort();
	return 0;
}

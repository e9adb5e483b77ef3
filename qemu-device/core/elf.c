// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Kernel images: RV64 little-endian ELF executables as produced by
 * clang/lld.  PT_LOAD segments form the initial SRAM image; executable
 * segments are decoded once for every node and every launch that uses
 * the image; .symtab gives entry points by name.  The file is untrusted:
 * every offset and size is checked.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bits.h"
#include "jit.h"
#include "sim.h"

#define EM_RISCV	243
#define PT_LOAD		1
#define PF_X		1
#define SHT_SYMTAB	2

static void *fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Say why an image was refused; returns NULL. */
static void *fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return NULL;
}

/* Copy the symbol table as records: u64 value, then the NUL-terminated
 * name, padded to 8 bytes.  A missing or bad table is not an error. */
static void load_symtab(struct d1_kimage *img, const uint8_t *e, size_t size)
{
	uint64_t shoff = d1_ld_le(e + 0x28, 8);
	uint32_t shentsize = (uint32_t)d1_ld_le(e + 0x3a, 2);
	uint32_t shnum = (uint32_t)d1_ld_le(e + 0x3c, 2);
	uint32_t i;

	if (shentsize < 64 || shoff > size ||
	    (uint64_t)shnum * shentsize > size - shoff)
		return;
	for (i = 0; i < shnum; i++) {
		const uint8_t *sh = e + shoff + (uint64_t)i * shentsize;
		const uint8_t *str, *strsh;
		uint64_t off, sz, stroff, strsz, j, n, cap, len = 0;
		uint32_t link;
		char *out;

		if (d1_ld_le(sh + 4, 4) != SHT_SYMTAB)
			continue;
		off = d1_ld_le(sh + 0x18, 8);
		sz = d1_ld_le(sh + 0x20, 8);
		link = (uint32_t)d1_ld_le(sh + 0x28, 4);
		if (off > size || sz > size - off || link >= shnum)
			return;
		strsh = e + shoff + (uint64_t)link * shentsize;
		stroff = d1_ld_le(strsh + 0x18, 8);
		strsz = d1_ld_le(strsh + 0x20, 8);
		if (stroff > size || strsz > size - stroff || strsz == 0)
			return;
		str = e + stroff;
		n = sz / 24;
		cap = n * 8 + strsz + n * 8;
		out = calloc(1, cap);
		if (!out)
			return;
		for (j = 1; j < n; j++) {
			const uint8_t *s = e + off + j * 24;
			uint64_t name = d1_ld_le(s, 4);
			uint64_t value = d1_ld_le(s + 8, 8);
			size_t nl;

			if (name >= strsz || !str[name])
				continue;
			{
				const void *z = memchr(str + name, 0, strsz - name);

				nl = z ? (size_t)((const uint8_t *)z - (str + name)) :
				     strsz - name;
			}
			if (len + 8 + nl + 8 > cap)
				break;
			memcpy(out + len, &value, 8);
			memcpy(out + len + 8, str + name, nl);
			len += 8 + ((nl + 8) & ~(size_t)7);
		}
		img->symtab = out;
		img->symtab_len = len;
		img->footprint += cap;
		return;
	}
}

struct d1_kimage *d1_kimage_load(const void *elf, size_t size, char *err,
			       size_t errlen)
{
	const uint8_t *e = elf;
	uint64_t phoff, entry, lo = UINT64_MAX, hi = 0, tlo = UINT64_MAX, thi = 0;
	uint32_t phentsize, phnum, i;
	struct d1_kimage *img;

	if (size < 64 || memcmp(e, "\177ELF", 4))
		return fail(err, errlen, "not an ELF file");
	if (e[4] != 2 || e[5] != 1)
		return fail(err, errlen, "not a 64-bit little-endian ELF");
	if (d1_ld_le(e + 0x12, 2) != EM_RISCV)
		return fail(err, errlen, "not a RISC-V ELF (e_machine %u)",
			    (unsigned int)d1_ld_le(e + 0x12, 2));
	if (d1_ld_le(e + 0x10, 2) != 2)
		return fail(err, errlen, "not an executable (ET_EXEC)");
	if (d1_ld_le(e + 0x30, 4) & 0x1)
		return fail(err, errlen,
			    "compressed (RVC) code is not supported");
	entry = d1_ld_le(e + 0x18, 8);
	phoff = d1_ld_le(e + 0x20, 8);
	phentsize = (uint32_t)d1_ld_le(e + 0x36, 2);
	phnum = (uint32_t)d1_ld_le(e + 0x38, 2);
	if (phentsize < 56 || phoff > size ||
	    (uint64_t)phnum * phentsize > size - phoff)
		return fail(err, errlen, "bad program header table");

	/* First pass: check the segments and find their extent. */
	for (i = 0; i < phnum; i++) {
		const uint8_t *ph = e + phoff + (uint64_t)i * phentsize;
		uint64_t off = d1_ld_le(ph + 8, 8), va = d1_ld_le(ph + 0x10, 8);
		uint64_t fsz = d1_ld_le(ph + 0x20, 8);
		uint64_t msz = d1_ld_le(ph + 0x28, 8);

		if (d1_ld_le(ph, 4) != PT_LOAD || msz == 0)
			continue;
		if (fsz > msz || off > size || fsz > size - off)
			return fail(err, errlen, "segment %u: bad file range", i);
		if (!d1_sram_readable(va, msz) || va + msz > D1_ARGS_ADDR)
			return fail(err, errlen,
				    "segment %u [0x%llx, +0x%llx) is outside node SRAM",
				    i, (unsigned long long)va,
				    (unsigned long long)msz);
		if (va < lo)
			lo = va;
		if (va + msz > hi)
			hi = va + msz;
		if (d1_ld_le(ph + 4, 4) & PF_X) {
			if (va < tlo)
				tlo = va;
			if (va + msz > thi)
				thi = va + msz;
		}
	}
	if (thi == 0)
		return fail(err, errlen, "no executable segment");
	tlo &= ~3ull;
	thi = (thi + 3) & ~3ull;
	if (entry < tlo || entry >= thi || (entry & 3))
		return fail(err, errlen, "entry 0x%llx is not in the text",
			    (unsigned long long)entry);
	/* The text's rounding to whole words may reach past the segments. */
	if (tlo < lo)
		lo = tlo;
	if (thi > hi)
		hi = thi;

	img = calloc(1, sizeof(*img));
	if (!img)
		return fail(err, errlen, "out of memory");
	atomic_init(&img->refs, 1);
	img->entry = entry;
	img->text_lo = tlo;
	img->text_hi = thi;
	img->image_lo = lo;
	img->image_hi = hi;
	img->seg = calloc(1, hi - lo);
	img->code_mem = calloc((thi - tlo) / 4 + 2, sizeof(*img->code_mem));
	if (!img->seg || !img->code_mem) {
		d1_kimage_put(img);
		return fail(err, errlen, "out of memory");
	}
	img->footprint = sizeof(*img) + (hi - lo) +
			 ((thi - tlo) / 4 + 2) * sizeof(*img->code_mem);
	for (i = 0; i < phnum; i++) {
		const uint8_t *ph = e + phoff + (uint64_t)i * phentsize;
		uint64_t off = d1_ld_le(ph + 8, 8), va = d1_ld_le(ph + 0x10, 8);

		if (d1_ld_le(ph, 4) == PT_LOAD && d1_ld_le(ph + 0x28, 8))
			memcpy(img->seg + (va - lo), e + off, d1_ld_le(ph + 0x20, 8));
	}
	img->code = img->code_mem + 1;
	d1_predecode(img->seg + (tlo - lo), (thi - tlo) / 4, img->code);
	img->jit = d1_jit_build(img->code, (thi - tlo) / 4, tlo, thi);
	img->footprint += d1_jit_footprint(img->jit);
	load_symtab(img, e, size);
	return img;
}

struct d1_kimage *d1_kimage_get(struct d1_kimage *img)
{
	atomic_fetch_add(&img->refs, 1);
	return img;
}

void d1_kimage_put(struct d1_kimage *img)
{
	if (!img || atomic_fetch_sub(&img->refs, 1) != 1)
		return;
	free(img->seg);
	free(img->code_mem);
	d1_jit_free(img->jit);
	free(img->symtab);
	free(img);
}

uint64_t d1_kimage_entry(const struct d1_kimage *img)
{
	return img->entry;
}

size_t d1_kimage_footprint(const struct d1_kimage *img)
{
	return img->footprint;
}

uint64_t d1_kimage_symbol(const struct d1_kimage *img, const char *name)
{
	size_t off = 0;

	while (off + 8 < img->symtab_len) {
		const char *s = img->symtab + off + 8;
		size_t nl = strlen(s);
		uint64_t v;

		if (!strcmp(s, name)) {
			memcpy(&v, img->symtab + off, 8);
			return v;
		}
		off += 8 + ((nl + 8) & ~(size_t)7);
	}
	return 0;
}

int d1_grid_load_elf(struct d1_grid *g, const void *elf, size_t size,
		     char *err, size_t errlen)
{
	struct d1_kimage *img = d1_kimage_load(elf, size, err, errlen);

	if (!img)
		return -1;
	d1_kimage_put(g->image);
	g->image = img;
	return 0;
}

uint64_t d1_grid_entry(const struct d1_grid *g)
{
	return g->image ? g->image->entry : 0;
}

uint64_t d1_grid_symbol(const struct d1_grid *g, const char *name)
{
	return g->image ? d1_kimage_symbol(g->image, name) : 0;
}

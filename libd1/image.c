// SPDX-License-Identifier: MIT
/*
 * D1 ELF images: validation and the kernel table (the d1_kernels section
 * written by D1_KERNEL(), <d1/device/d1_abi.h>).
 */
#include <elf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "d1/device/d1_abi.h"
#include "libd1_internal.h"

#ifndef EM_RISCV
#define EM_RISCV 243
#endif

struct elfv {
	const uint8_t *p;
	size_t size;
	const Elf64_Ehdr *eh;
	const Elf64_Shdr *sh;		/* NULL without section headers */
	unsigned int shnum;
	const char *shstr;
	size_t shstr_size;
};

static int __attribute__((format(printf, 3, 4)))
fail(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (err && len) {
		va_start(ap, fmt);
		vsnprintf(err, len, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static int range_ok(const struct elfv *e, uint64_t off, uint64_t len)
{
	return off <= e->size && len <= e->size - off;
}

/* Bytes of the image at device address @va, @len of them, or NULL. */
static const uint8_t *va_ptr(const struct elfv *e, uint64_t va, uint64_t len)
{
	unsigned int i;

	for (i = 0; e->sh && i < e->shnum; i++) {
		const Elf64_Shdr *s = &e->sh[i];

		if (!(s->sh_flags & SHF_ALLOC) || s->sh_type == SHT_NOBITS)
			continue;
		if (va < s->sh_addr || va - s->sh_addr > s->sh_size ||
		    len > s->sh_size - (va - s->sh_addr))
			continue;
		if (!range_ok(e, s->sh_offset, s->sh_size))
			return NULL;
		return e->p + s->sh_offset + (va - s->sh_addr);
	}
	return NULL;
}

/* A copy of the NUL-terminated string at @va, or NULL. */
static char *va_str(const struct elfv *e, uint64_t va)
{
	unsigned int i;

	for (i = 0; e->sh && i < e->shnum; i++) {
		const Elf64_Shdr *s = &e->sh[i];
		const char *p;
		size_t max;

		if (!(s->sh_flags & SHF_ALLOC) || s->sh_type == SHT_NOBITS ||
		    va < s->sh_addr || va - s->sh_addr >= s->sh_size ||
		    !range_ok(e, s->sh_offset, s->sh_size))
			continue;
		p = (const char *)e->p + s->sh_offset + (va - s->sh_addr);
		max = s->sh_size - (va - s->sh_addr);
		if (!memchr(p, '\0', max))
			return NULL;
		return strdup(p);
	}
	return NULL;
}

static const Elf64_Shdr *section(const struct elfv *e, const char *name)
{
	unsigned int i;

	for (i = 0; e->sh && e->shstr && i < e->shnum; i++) {
		uint32_t n = e->sh[i].sh_name;

		if (n < e->shstr_size &&
		    strnlen(e->shstr + n, e->shstr_size - n) < e->shstr_size - n &&
		    !strcmp(e->shstr + n, name))
			return &e->sh[i];
	}
	return NULL;
}

/* Binding of the defined symbol @name: STB_*, or -1 if absent/no symtab. */
static int sym_bind(const struct elfv *e, const char *name)
{
	const Elf64_Shdr *st = section(e, ".symtab"), *str;
	const Elf64_Sym *sym;
	size_t i, n;

	if (!st || st->sh_link >= e->shnum ||
	    st->sh_offset % _Alignof(Elf64_Sym) ||
	    !range_ok(e, st->sh_offset, st->sh_size))
		return -1;
	str = &e->sh[st->sh_link];
	if (!range_ok(e, str->sh_offset, str->sh_size))
		return -1;
	sym = (const Elf64_Sym *)(e->p + st->sh_offset);
	n = st->sh_size / sizeof(*sym);
	for (i = 0; i < n; i++) {
		const char *s;

		if (sym[i].st_name >= str->sh_size ||
		    sym[i].st_shndx == SHN_UNDEF)
			continue;
		s = (const char *)e->p + str->sh_offset + sym[i].st_name;
		if (!memchr(s, '\0', str->sh_size - sym[i].st_name))
			continue;
		if (!strcmp(s, name))
			return ELF64_ST_BIND(sym[i].st_info);
	}
	return -1;
}

static int open_elf(struct elfv *e, const void *data, size_t size, char *err,
		    size_t errlen)
{
	const Elf64_Ehdr *eh = data;

	memset(e, 0, sizeof(*e));
	e->p = data;
	e->size = size;
	if (size < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG))
		return fail(err, errlen, "not an ELF file");
	if (eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_ident[EI_DATA] != ELFDATA2LSB || eh->e_machine != EM_RISCV)
		return fail(err, errlen, "not a 64-bit little-endian RISC-V ELF");
	if (eh->e_type != ET_EXEC)
		return fail(err, errlen, "not an executable (ET_EXEC) image");
	if (eh->e_phentsize != sizeof(Elf64_Phdr) || !eh->e_phnum ||
	    eh->e_phoff % _Alignof(Elf64_Phdr) ||
	    !range_ok(e, eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr)))
		return fail(err, errlen, "bad program headers");
	e->eh = eh;
	/* Section headers are optional: an unusable table is none. */
	if (eh->e_shnum && eh->e_shentsize == sizeof(Elf64_Shdr) &&
	    eh->e_shoff % _Alignof(Elf64_Shdr) == 0 &&
	    range_ok(e, eh->e_shoff, (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr))) {
		e->sh = (const Elf64_Shdr *)(e->p + eh->e_shoff);
		e->shnum = eh->e_shnum;
		if (eh->e_shstrndx < e->shnum &&
		    range_ok(e, e->sh[eh->e_shstrndx].sh_offset,
			     e->sh[eh->e_shstrndx].sh_size)) {
			e->shstr = (const char *)e->p +
				   e->sh[eh->e_shstrndx].sh_offset;
			e->shstr_size = e->sh[eh->e_shstrndx].sh_size;
		}
	}
	return 0;
}

static char *keep(struct d1_image *img, char *s)
{
	char **n;

	if (!s)
		return NULL;
	n = realloc(img->strings, (img->nstrings + 1) * sizeof(*n));
	if (!n) {
		free(s);
		return NULL;
	}
	img->strings = n;
	n[img->nstrings++] = s;
	return s;
}

static int load_kernel(struct d1_image *img, const struct elfv *e,
		       const struct d1_kernel_desc *kd, uint32_t index,
		       struct d1_kinfo *ki, char *err, size_t errlen)
{
	const struct d1_kernel_arg_desc *ad;
	uint32_t i;

	if (kd->magic != D1_KERNEL_DESC_MAGIC ||
	    kd->version != D1_KERNEL_DESC_VERSION)
		return fail(err, errlen, "kernel %u: bad descriptor", index);
	if (kd->nargs > D1_KERNEL_MAX_ARGS ||
	    kd->args_size > D1_ARGS_BLOCK - D1_LAUNCH_ARGS_OFFSET ||
	    kd->args_align > D1_LAUNCH_ARGS_OFFSET)
		return fail(err, errlen, "kernel %u: too many or too large arguments",
			    index);
	ki->index = index;
	ki->nargs = kd->nargs;
	ki->args_size = kd->args_size;
	ki->args_align = kd->args_align;
	ki->name = keep(img, va_str(e, kd->name));
	if (!ki->name || !*ki->name || strlen(ki->name) >= D1_KERNEL_NAME_MAX)
		return fail(err, errlen, "kernel %u: bad name", index);
	ki->args = calloc(kd->nargs + 1, sizeof(*ki->args));
	if (!ki->args)
		return fail(err, errlen, "out of memory");
	ad = (const void *)va_ptr(e, kd->args, (uint64_t)kd->nargs * sizeof(*ad));
	if (kd->nargs && !ad)
		return fail(err, errlen, "kernel %s: bad argument table", ki->name);
	for (i = 0; i < kd->nargs; i++) {
		struct d1_kernel_arg_desc a;
		struct d1_kernel_arg_info *ai = &ki->args[i];

		memcpy(&a, &ad[i], sizeof(a));
		ai->name = keep(img, va_str(e, a.name));
		ai->type = keep(img, va_str(e, a.type));
		if (!ai->name || !ai->type || !a.size ||
		    a.offset > kd->args_size || a.size > kd->args_size - a.offset ||
		    a.kind < D1_ARG_KIND_INT || a.kind > D1_ARG_KIND_OTHER)
			return fail(err, errlen, "kernel %s: bad argument %u",
				    ki->name, i);
		ai->kind = a.kind;
		ai->size = a.size;
		ai->offset = a.offset;
	}
	return 0;
}

static int load_raw(struct d1_image *img, struct d1_kinfo *ki)
{
	ki->raw = 1;
	ki->name = keep(img, strdup("d1_main"));
	ki->args = calloc(2, sizeof(*ki->args));
	if (!ki->name || !ki->args)
		return -1;
	ki->nargs = 1;
	ki->args_size = D1_ARGS_BLOCK;
	ki->args[0].name = "args";
	ki->args[0].type = "raw";
	ki->args[0].kind = D1_ARG_RAW;
	ki->args[0].size = D1_ARGS_BLOCK;
	return 0;
}

d1_status d1_image_parse(const void *data, size_t size, struct d1_image **out,
			 char *err, size_t errlen)
{
	const Elf64_Shdr *ks;
	struct d1_image *img;
	struct elfv e;
	int main_bind;
	unsigned int i, n = 0;

	/* Parse a copy: the caller's bytes may be misaligned for the ELF
	 * structures, and the image keeps the copy anyway. */
	img = calloc(1, sizeof(*img));
	if (!img)
		return D1_ERROR_OUT_OF_MEMORY;
	atomic_init(&img->refs, 1);
	img->elf = malloc(size ? size : 1);
	if (!img->elf)
		goto oom;
	memcpy(img->elf, data, size);
	img->size = size;
	if (open_elf(&e, img->elf, size, err, errlen))
		goto invalid;
	ks = section(&e, D1_KERNEL_SECTION);
	if (ks && (ks->sh_size % sizeof(struct d1_kernel_desc) ||
		   ks->sh_type == SHT_NOBITS ||
		   !range_ok(&e, ks->sh_offset, ks->sh_size))) {
		fail(err, errlen, "bad %s section", D1_KERNEL_SECTION);
		goto invalid;
	}
	main_bind = sym_bind(&e, "d1_main");

	/* A strong d1_main is the program's own: one raw kernel. */
	if (main_bind == STB_GLOBAL || (!ks && main_bind < 0)) {
		img->kernels = calloc(1, sizeof(*img->kernels));
		if (!img->kernels || load_raw(img, &img->kernels[0]))
			goto oom;
		img->nkernels = 1;
		*out = img;
		return D1_SUCCESS;
	}
	if (ks)
		n = ks->sh_size / sizeof(struct d1_kernel_desc);
	if (!n) {
		/* A weak d1_main (the dispatcher) with an empty table. */
		fail(err, errlen, "no kernels in the image");
		goto invalid;
	}
	img->kernels = calloc(n + 1, sizeof(*img->kernels));
	if (!img->kernels)
		goto oom;
	for (i = 0; i < n; i++) {
		struct d1_kernel_desc kd;

		memcpy(&kd, img->elf + ks->sh_offset + i * sizeof(kd),
		       sizeof(kd));
		img->nkernels = i + 1;
		if (load_kernel(img, &e, &kd, i, &img->kernels[i], err,
				errlen))
			goto invalid;
	}
	for (i = 0; i < n; i++) {
		unsigned int j;

		for (j = 0; j < i; j++)
			if (!strcmp(img->kernels[i].name, img->kernels[j].name)) {
				fail(err, errlen, "kernel %s defined twice",
				     img->kernels[i].name);
				goto invalid;
			}
	}
	*out = img;
	return D1_SUCCESS;
invalid:
	d1_image_put(img);
	return D1_ERROR_INVALID_VALUE;
oom:
	d1_image_put(img);
	fail(err, errlen, "out of memory");
	return D1_ERROR_OUT_OF_MEMORY;
}

struct d1_image *d1_image_get(struct d1_image *img)
{
	atomic_fetch_add(&img->refs, 1);
	return img;
}

void d1_image_put(struct d1_image *img)
{
	unsigned int i;

	if (!img || atomic_fetch_sub(&img->refs, 1) != 1)
		return;
	for (i = 0; img->kernels && i < img->nkernels; i++)
		free(img->kernels[i].args);
	free(img->kernels);
	for (i = 0; i < img->nstrings; i++)
		free(img->strings[i]);
	free(img->strings);
	free(img->elf);
	free(img);
}

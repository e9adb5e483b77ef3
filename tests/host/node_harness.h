/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers for the node-simulator tests: load a clang-built kernel. */
#ifndef NODE_HARNESS_H
#define NODE_HARNESS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grid.h"

static inline void *kernel_read(const char *name, size_t *size)
{
	char path[512];
	FILE *f;
	void *buf;
	long n;

	*size = 0;
	snprintf(path, sizeof(path), "%s/%s.elf", D1_KERNEL_DIR, name);
	f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*size = (size_t)n;
	return buf;
}

/* A rows x cols grid with kernel @name loaded; NULL on failure. */
static inline struct d1_grid *grid_with_kernel(uint32_t rows, uint32_t cols,
					       uint32_t threads,
					       const char *name)
{
	struct d1_grid_config cfg = { .rows = rows, .cols = cols, .threads = threads };
	struct d1_grid *g = d1_grid_create(&cfg);
	char err[256];
	size_t size;
	void *elf = kernel_read(name, &size);

	if (!g || !elf || d1_grid_load_elf(g, elf, size, err, sizeof(err))) {
		fprintf(stderr, "cannot load kernel %s: %s\n", name,
			elf ? err : "missing file");
		free(elf);
		d1_grid_destroy(g);
		return NULL;
	}
	free(elf);
	return g;
}

static inline void *node_ptr(struct d1_grid *g, uint32_t node, uint64_t addr)
{
	return d1_grid_sram(g, node) + (addr - D1_SRAM_BASE);
}

/* A host-simulated HBM at HBM_BASE for the kernels' DMA. */
#define HBM_BASE 0x4000000000ull

struct hbm {
	uint8_t *mem;
	uint64_t size;
	uint64_t bytes_read, bytes_written;
};

static inline int hbm_read(void *opaque, uint64_t addr, void *buf,
			   uint64_t len)
{
	struct hbm *h = opaque;

	if (addr < HBM_BASE || addr - HBM_BASE > h->size ||
	    len > h->size - (addr - HBM_BASE))
		return -1;
	memcpy(buf, h->mem + (addr - HBM_BASE), len);
	h->bytes_read += len;
	return 0;
}

static inline int hbm_write(void *opaque, uint64_t addr, const void *buf,
			    uint64_t len)
{
	struct hbm *h = opaque;

	if (addr < HBM_BASE || addr - HBM_BASE > h->size ||
	    len > h->size - (addr - HBM_BASE))
		return -1;
	memcpy(h->mem + (addr - HBM_BASE), buf, len);
	h->bytes_written += len;
	return 0;
}

static const struct d1_mem_ops hbm_ops = {
	.read = hbm_read,
	.write = hbm_write,
};

static inline struct hbm *hbm_new(uint64_t size)
{
	struct hbm *h = calloc(1, sizeof(*h));

	h->mem = calloc(1, size);
	h->size = size;
	return h;
}

static inline void hbm_free(struct hbm *h)
{
	if (!h)
		return;
	free(h->mem);
	free(h);
}

#endif /* NODE_HARNESS_H */

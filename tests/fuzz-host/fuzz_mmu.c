// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the device MMU's page-table walk and the address-space
 * accessors built on it (core/mmu.c).  The input is a header followed by
 * host memory holding the page tables, so tables may be cyclic, carry
 * reserved bits, point at each other, at the HBM aperture, at the
 * registers BAR (where DMA is a bus error, as the QEMU glue makes it) or
 * nowhere.  Every walk must end within three table reads, and a
 * translation must stay inside what its PTE maps.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "d1_regs.h"
#include "mmu.h"

#define HOST_BASE	0x80000000ull	/* the input's memory */
#define HOST_MAX	(64u << 10)
#define REGS_BAR	0xfe000000ull	/* DMA here fails */
#define HBM_BAR		0x400000000ull	/* the HBM aperture, peer access */
#define HBM_SIZE	(64u << 10)

struct mem {
	uint8_t host[HOST_MAX];
	size_t host_size;
	uint8_t hbm[HBM_SIZE];
	unsigned int reads;
};

static struct mem m;

static uint8_t *window(struct mem *mm, uint64_t addr, uint64_t len)
{
	if (addr >= HOST_BASE && addr - HOST_BASE <= mm->host_size &&
	    len <= mm->host_size - (addr - HOST_BASE))
		return mm->host + (addr - HOST_BASE);
	if (addr >= HBM_BAR && addr - HBM_BAR <= HBM_SIZE &&
	    len <= HBM_SIZE - (addr - HBM_BAR))
		return mm->hbm + (addr - HBM_BAR);
	return NULL;		/* unbacked, or the registers BAR */
}

static int bus_read(void *opaque, uint64_t addr, void *buf, uint64_t len)
{
	struct mem *mm = opaque;
	uint8_t *p = window(mm, addr, len);

	mm->reads++;
	if (!p)
		return -1;
	memcpy(buf, p, len);
	return 0;
}

static int bus_write(void *opaque, uint64_t addr, const void *buf,
		     uint64_t len)
{
	uint8_t *p = window(opaque, addr, len);

	if (!p)
		return -1;
	memcpy(p, buf, len);
	return 0;
}

struct hdr {
	uint64_t root;		/* low bits pick a well-known base */
	uint64_t va;
	uint32_t len;
	uint8_t access;
	uint8_t pad[3];
};

static uint64_t pick_root(uint64_t r)
{
	static const uint64_t base[] = { HOST_BASE, HBM_BAR, REGS_BAR, 0 };

	return base[r & 3] + ((r >> 2) & 0xf000);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct d1_vspace vs = {
		.bus_read = bus_read, .bus_write = bus_write, .opaque = &m,
		.hbm = m.hbm, .hbm_size = HBM_SIZE,
	};
	struct d1_mmu_result res;
	struct d1_mmu_fault f;
	static uint8_t buf[HOST_MAX];
	unsigned int access;
	struct hdr h;
	int rc;

	if (size < sizeof(h))
		return 0;
	memcpy(&h, data, sizeof(h));
	data += sizeof(h);
	size -= sizeof(h);
	m.host_size = size < HOST_MAX ? size : HOST_MAX;
	memcpy(m.host, data, m.host_size);
	/* The HBM holds the same bytes: tables can live in either. */
	memset(m.hbm, 0, sizeof(m.hbm));
	memcpy(m.hbm, data, m.host_size);
	access = h.access % 3;
	vs.root = pick_root(h.root);

	m.reads = 0;
	memset(&f, 0, sizeof(f));
	rc = d1_mmu_translate(bus_read, &m, vs.root, HBM_SIZE, h.va, access,
			      &res, &f);
	if (m.reads > D1_PT_LEVELS)
		abort();	/* the walk must not follow a cycle */
	if (rc == 0) {
		if (!res.span || res.span > (1ull << D1_PT_SHIFT(2)))
			abort();
		if (res.hbm && (res.addr >= HBM_SIZE ||
				res.span > HBM_SIZE - res.addr))
			abort();
	} else if (rc != -1 || f.va != h.va || f.access != access ||
		   f.reason < D1_MMU_UNMAPPED || f.reason > D1_MMU_BUS) {
		abort();
	}

	/* The accessors: a read, then writing it back, page by page. */
	h.len %= HOST_MAX;
	if (d1_vspace_read(&vs, h.va, buf, h.len) == 0) {
		if (d1_vspace_write(&vs, h.va, buf, h.len) == 0 && h.len &&
		    d1_vspace_read(&vs, h.va, buf, 1))
			abort();	/* just written, now unreadable */
	} else if (vs.fault.reason < D1_MMU_UNMAPPED ||
		   vs.fault.reason > D1_MMU_BUS) {
		abort();
	}
	return 0;
}

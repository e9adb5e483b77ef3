// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * d1 DIP device MMU: page-table walk.  Every device access to a context's
 * address space goes through here; there is no translation cache, so the
 * driver's MMU_INVALIDATE is a no-op today but part of the contract.
 */
#include "mmu.h"

#include <endian.h>
#include <string.h>

#include "d1_regs.h"

static int fail(struct d1_mmu_fault *f, unsigned int reason,
		unsigned int access, uint64_t va)
{
	f->reason = reason;
	f->access = access;
	f->va = va;
	return -1;
}

int d1_mmu_translate(d1_bus_read_fn rd, void *opaque, uint64_t root,
		     uint64_t hbm_size, uint64_t va, unsigned int access,
		     struct d1_mmu_result *res, struct d1_mmu_fault *fault)
{
	uint64_t table = root;
	int level;

	if (va >> D1_VA_BITS)
		return fail(fault, D1_MMU_UNMAPPED, access, va);

	for (level = D1_PT_LEVELS - 1; level >= 0; level--) {
		unsigned int shift = D1_PT_SHIFT(level);
		uint64_t idx = (va >> shift) & (D1_PT_ENTRIES - 1);
		uint64_t pte, page, base, off;

		if (rd(opaque, table + idx * 8, &pte, sizeof(pte)))
			return fail(fault, D1_MMU_BUS, access, va);
		pte = le64toh(pte);
		if (!(pte & D1_PTE_VALID))
			return fail(fault, D1_MMU_UNMAPPED, access, va);
		if (pte & D1_PTE_RSVD_MASK)
			return fail(fault, D1_MMU_BAD_PTE, access, va);
		base = pte & D1_PTE_ADDR_MASK;

		if (!(pte & D1_PTE_LEAF)) {
			if (level == 0 || (pte & D1_PTE_HBM))
				return fail(fault, D1_MMU_BAD_PTE, access, va);
			table = base;
			continue;
		}

		page = 1ull << shift;
		/* Large pages must be naturally aligned. */
		if (base & (page - 1))
			return fail(fault, D1_MMU_BAD_PTE, access, va);
		if ((access == D1_ACCESS_READ && !(pte & D1_PTE_READ)) ||
		    (access == D1_ACCESS_WRITE && !(pte & D1_PTE_WRITE)) ||
		    (access == D1_ACCESS_EXEC && !(pte & D1_PTE_EXEC)))
			return fail(fault, D1_MMU_PERMISSION, access, va);
		off = va & (page - 1);
		res->hbm = pte & D1_PTE_HBM;
		res->addr = base + off;
		res->span = page - off;
		if (res->hbm && (base >= hbm_size || hbm_size - base < page))
			return fail(fault, D1_MMU_RANGE, access, va);
		return 0;
	}
	return fail(fault, D1_MMU_BAD_PTE, access, va);
}

static int vspace_access(struct d1_vspace *vs, uint64_t va, uint8_t *rbuf,
			 const uint8_t *wbuf, uint64_t len)
{
	unsigned int access = wbuf ? D1_ACCESS_WRITE : D1_ACCESS_READ;

	if (len && va + len - 1 < va)	/* wraps */
		return fail(&vs->fault, D1_MMU_UNMAPPED, access, va);
	while (len) {
		struct d1_mmu_result r;
		uint64_t n;
		int err;

		if (d1_mmu_translate(vs->bus_read, vs->opaque, vs->root,
				     vs->hbm_size, va, access, &r, &vs->fault))
			return -1;
		n = len < r.span ? len : r.span;
		if (r.hbm) {
			if (wbuf)
				memcpy(vs->hbm + r.addr, wbuf, n);
			else
				memcpy(rbuf, vs->hbm + r.addr, n);
			err = 0;
		} else if (wbuf) {
			err = vs->bus_write(vs->opaque, r.addr, wbuf, n);
		} else {
			err = vs->bus_read(vs->opaque, r.addr, rbuf, n);
		}
		if (err)
			return fail(&vs->fault, D1_MMU_BUS, access, va);
		va += n;
		len -= n;
		if (wbuf)
			wbuf += n;
		else
			rbuf += n;
	}
	return 0;
}

int d1_vspace_read(struct d1_vspace *vs, uint64_t va, void *buf,
		   uint64_t len)
{
	return vspace_access(vs, va, buf, NULL, len);
}

int d1_vspace_write(struct d1_vspace *vs, uint64_t va, const void *buf,
		    uint64_t len)
{
	return vspace_access(vs, va, NULL, buf, len);
}

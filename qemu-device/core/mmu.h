/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * d1 DIP device MMU: translation of a context's device virtual addresses
 * through its 3-level page table in host memory (format in d1_regs.h and
 * Documentation/accel/d1/hw-interface.rst).
 */
#ifndef D1_MMU_H
#define D1_MMU_H

#include <stdbool.h>
#include <stdint.h>

/* Reads @len bytes of host memory at bus address @addr; 0 or -1. */
typedef int (*d1_bus_read_fn)(void *opaque, uint64_t addr, void *buf,
			      uint64_t len);

struct d1_mmu_result {
	bool hbm;		/* @addr is an HBM offset, else a bus address */
	uint64_t addr;		/* target of the translated VA */
	uint64_t span;		/* bytes from VA to the end of its page */
};

struct d1_mmu_fault {
	unsigned int reason;	/* D1_FAULT_* */
	unsigned int access;	/* D1_ACCESS_* */
	uint64_t va;
};

/*
 * Translate @va of the context whose root table is at bus address @root
 * for @access.  Returns 0 and fills @res, or -1 and fills @fault.
 * @hbm_size bounds HBM targets.
 */
int d1_mmu_translate(d1_bus_read_fn rd, void *opaque, uint64_t root,
		     uint64_t hbm_size, uint64_t va, unsigned int access,
		     struct d1_mmu_result *res, struct d1_mmu_fault *fault);

/* Writes @len bytes to host memory at bus address @addr; 0 or -1. */
typedef int (*d1_bus_write_fn)(void *opaque, uint64_t addr, const void *buf,
			       uint64_t len);

/*
 * One context's address space as seen by one queue: every access is
 * translated page by page, HBM targets go to @hbm, host targets to the bus
 * callbacks.  A failed access fills @fault and touches nothing further.
 */
struct d1_vspace {
	d1_bus_read_fn bus_read;
	d1_bus_write_fn bus_write;
	void *opaque;
	uint64_t root;		/* bus address of the root table */
	uint8_t *hbm;
	uint64_t hbm_size;
	struct d1_mmu_fault fault;
};

int d1_vspace_read(struct d1_vspace *vs, uint64_t va, void *buf,
		   uint64_t len);
int d1_vspace_write(struct d1_vspace *vs, uint64_t va, const void *buf,
		    uint64_t len);

#endif /* D1_MMU_H */

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The SYSTEM instructions' services: CSRs (standard FP and counter CSRs
 * and the D1 ones) and the ecall services (exit, write to the node's
 * print buffer).  Numbers: hw/d1_isa.h; semantics:
 * Documentation/accel/d1/isa.rst.
 */
#include <string.h>

#include "sim.h"

bool d1_csr_access(struct d1_node *n, struct d1_hart *h, uint32_t csr,
		   bool write, uint64_t val, uint64_t *old)
{
	const struct d1_run *run = n->run;
	bool ro = (csr >> 10) == 3;

	if (write && ro)
		return false;
	switch (csr) {
	case D1_CSR_FFLAGS:
		d1_fp_flush(h);
		*old = h->fflags;
		if (write)
			h->fflags = val & 0x1f;
		return true;
	case D1_CSR_FRM:
		*old = h->frm;
		if (write)
			h->frm = val & 7;
		return true;
	case D1_CSR_FCSR:
		d1_fp_flush(h);
		*old = h->frm << 5 | h->fflags;
		if (write) {
			h->fflags = val & 0x1f;
			h->frm = (val >> 5) & 7;
		}
		return true;
	case D1_CSR_CYCLE:
	case D1_CSR_TIME:
		*old = h->cycle;
		return true;
	case D1_CSR_INSTRET:
		*old = h->instret;
		return true;
	case D1_CSR_MHARTID:
	case D1_CSR_HARTID:
		*old = h->id;
		return true;
	/* The kernel's grid is its launch rectangle (isa.rst). */
	case D1_CSR_NODEX:
		*old = n->rx;
		return true;
	case D1_CSR_NODEY:
		*old = n->ry;
		return true;
	case D1_CSR_GRIDCOLS:
		*old = run->cols;
		return true;
	case D1_CSR_GRIDROWS:
		*old = run->rows;
		return true;
	case D1_CSR_NODEID:
		*old = n->rank;
		return true;
	case D1_CSR_NHARTS:
		*old = n->nharts;
		return true;
	case D1_CSR_GRIDNODES:
		*old = run->nnodes;
		return true;
	case D1_CSR_MESHX:
		*old = n->x;
		return true;
	case D1_CSR_MESHY:
		*old = n->y;
		return true;
	case D1_CSR_VRM:
		*old = h->vrm;
		if (write)
			h->vrm = val & 1;
		return true;
	case D1_CSR_SRSEED:
		*old = h->sr_state;
		if (write)
			h->sr_state = val ? val : 0x9e3779b97f4a7c15ull;
		return true;
	case D1_CSR_FPCFG:
		*old = h->fpcfg;
		if (write)
			h->fpcfg = val & 0xffffff;
		return true;
	}
	return false;
}

int d1_ecall(struct d1_node *n, struct d1_hart *h, uint64_t *addr)
{
	uint64_t a7 = h->x[17];

	switch (a7) {
	case D1_ECALL_EXIT:
	case D1_ECALL_EXIT_GROUP:
		h->exit_code = (int64_t)h->x[10];
		h->state = H_EXITED;
		return 0;
	case D1_ECALL_WRITE: {
		uint64_t fd = h->x[10], buf = h->x[11], len = h->x[12];
		uint64_t room, take;

		if (fd != 1 && fd != 2) {
			h->x[10] = (uint64_t)-9;	/* -EBADF */
			return 0;
		}
		if (!d1_sram_readable(buf, len)) {
			*addr = d1_sram_fault_addr(buf);
			return D1_FAULT_LOAD;
		}
		room = D1_PRINT_BUF_SIZE - n->rep.print_len;
		take = len < room ? len : room;
		memcpy(n->print + n->rep.print_len,
		       n->sram + (buf - D1_SRAM_BASE), take);
		n->rep.print_len += (uint32_t)take;
		n->rep.print_dropped += (uint32_t)(len - take);
		h->x[10] = len;
		return 0;
	}
	}
	*addr = a7;
	return D1_FAULT_ECALL;
}

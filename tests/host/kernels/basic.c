// SPDX-License-Identifier: GPL-2.0
/* Scalar kernel for the node-simulator tests: CSRs, printf, faults. */
#include <d1/device/d1_kernel.h>

#include "kargs.h"

static void sort(int32_t *a, uint64_t n)
{
	uint64_t i, j;

	for (i = 1; i < n; i++) {
		int32_t v = a[i];

		for (j = i; j > 0 && a[j - 1] > v; j--)
			a[j] = a[j - 1];
		a[j] = v;
	}
}

extern char __image_end[];

#define VSPLAT(r) d1_vsplat(D1_T_INT32, r, 0x5a5a5a5a);
#define VNONZERO(r) bad += d1_vget(D1_T_INT32, r, 0) != 0;
#define VREGS(m) m(0) m(1) m(2) m(3) m(4) m(5) m(6) m(7) m(8) m(9) m(10) \
	m(11) m(12) m(13) m(14) m(15) m(16) m(17) m(18) m(19) m(20) m(21) \
	m(22) m(23) m(24) m(25) m(26) m(27) m(28) m(29) m(30) m(31)

/* Everything a kernel can leave on a node for the next one to find. */
static int dirty(const struct basic_args *a)
{
	volatile uint64_t *p = (volatile uint64_t *)(uintptr_t)a->addr;
	uint64_t i;

	for (i = 0; i < a->n; i++)
		p[i] = 0xd1d1000000000000ull | i;
	VREGS(VSPLAT)
	d1_vst(1, (void *)(uintptr_t)(a->addr + a->n * 8));
	d1_dma_copy(D1_DMA_SRAM_TO_SRAM, 0, a->addr + a->n * 8 + 64,
		    a->addr, 64);
	for (i = 0; i < D1_NUM_SEMS; i++)
		d1_sem_signal(D1_SEM_LOCAL(i), 3);
	d1_set_vrm(D1_VRM_SR);
	d1_set_srseed(0x1234);
	d1_set_fpcfg(0x020101);
	__asm__ volatile("fmv.w.x ft0, %0\n\tfmv.w.x fs0, %0\n\t"
			 "fdiv.s ft1, ft0, fs1" :: "r"(0x3f800000));
	d1_printf("secret\n");
	return 0;
}

/* Stores of every kind, scattered over SRAM (see kargs.h). */
static void scatter(const struct basic_args *a)
{
	uint64_t x = KSCATTER_SEED, i, off, v;
	uintptr_t p;

	d1_vsplat(D1_T_INT32, 1, 0x5a5a5a5a);
	for (i = 0; i < a->n; i++) {
		off = kscatter_off(i, &x);
		p = (uintptr_t)(a->addr + off);
		v = x | KSCATTER_ONES;
		switch (i % 6) {
		case 0: *(volatile uint64_t *)p = v; break;
		case 1: *(volatile uint8_t *)p = (uint8_t)v; break;
		case 2: *(volatile uint16_t *)p = (uint16_t)v; break;
		case 3: *(volatile uint32_t *)p = (uint32_t)v; break;
		case 4:
			__asm__ volatile("fmv.w.x ft0, %0\n\tfsw ft0, 0(%1)"
					 :: "r"(v), "r"(p) : "ft0", "memory");
			break;
		default: d1_vst(1, (void *)p); break;
		}
	}
}

/* Count what a previous kernel's dirty() could have left here. */
static int scan(void)
{
	uint64_t sp, i, bad = 0, n;
	uint32_t fl;
	const uint64_t *w;

	__asm__ volatile("mv %0, sp" : "=r"(sp));
	/* SRAM between the image and (below) this stack frame */
	w = (const uint64_t *)(((uintptr_t)__image_end + 7) & ~7ul);
	n = ((sp - 4096) - (uintptr_t)w) / 8;
	for (i = 0; i < n; i++)
		bad += w[i] != 0;
	VREGS(VNONZERO)
	for (i = 0; i < D1_NUM_SEMS; i++)
		bad += d1_sem_read((uint32_t)i) != 0;
	bad += d1_csr_read(D1_CSR_VRM) != D1_VRM_RNE;
	bad += d1_csr_read(D1_CSR_FPCFG) != D1_FPCFG_DEFAULT;
	__asm__ volatile("frflags %0" : "=r"(fl));
	bad += fl != 0;
	__asm__ volatile("fmv.x.w %0, ft0" : "=r"(fl));
	bad += fl != 0;
	__asm__ volatile("fmv.x.w %0, fs0" : "=r"(fl));
	bad += fl != 0;
	return (int)(bad < 255 ? bad : 255);
}

int d1_main(void *argp, unsigned int hart)
{
	const struct basic_args *a = argp;
	uint64_t *out = (uint64_t *)(uintptr_t)KDATA_OUT + hart * 8;
	volatile uint64_t *bad = (volatile uint64_t *)(uintptr_t)a->addr;
	uint64_t i;

	switch (a->mode) {
	case BASIC_HELLO:
		out[0] = d1_node_x();
		out[1] = d1_node_y();
		out[2] = d1_grid_cols();
		out[3] = d1_grid_rows();
		out[4] = d1_node_id();
		out[5] = d1_nharts();
		out[6] = d1_hart_id();
		out[7] = hart;
		d1_printf("node %u (%u,%u) hart %u: %d %x %s\n", d1_node_id(),
			  d1_node_x(), d1_node_y(), hart, -5, 0xbeefu, "ok");
		return 100 + (int)d1_node_id();
	case BASIC_SORT: {
		int32_t *in = (int32_t *)(uintptr_t)KDATA_IN;
		int32_t *o = (int32_t *)(uintptr_t)KDATA_OUT;

		for (i = 0; i < a->n; i++)
			o[i] = in[i];
		sort(o, a->n);
		return 0;
	}
	case BASIC_FDOT: {
#pragma clang fp contract(off)
		const float *x = (const float *)(uintptr_t)KDATA_IN;
		const float *y = x + a->n;
		float s = 0;

		for (i = 0; i < a->n; i++)
			s += x[i] * y[i];
		*(float *)(uintptr_t)KDATA_OUT = s;
		return 0;
	}
	case BASIC_SPIN:
		for (;;)
			__asm__ volatile("");
	case BASIC_F_ILLEGAL:
		__asm__ volatile(".4byte 0xfe00007b");	/* custom-3 funct7 0x7f */
		return 1;
	case BASIC_F_LOAD:
	case BASIC_F_STORE_OOB:
		if (a->mode == BASIC_F_LOAD)
			return (int)*bad;
		*bad = 1;
		return 1;
	case BASIC_F_STORE_TEXT:
		*(volatile uint32_t *)(uintptr_t)&sort = 0;
		return 1;
	case BASIC_F_FETCH:
		((void (*)(void))(uintptr_t)a->addr)();
		return 1;
	case BASIC_F_MISALIGNED:
		__asm__ volatile("jalr ra, 2(%0)" :: "r"(&sort) : "ra", "memory");
		return 1;
	case BASIC_F_ECALL:
		d1_ecall3(1234, 0, 0, 0);
		return 1;
	case BASIC_F_EBREAK:
		__asm__ volatile("ebreak");
		return 1;
	case BASIC_F_DMA:
		d1_dma_copy(D1_DMA_HBM_TO_SRAM, 0, KDATA_OUT, a->addr, 64);
		return 1;
	case BASIC_F_SYNC:
		d1_sem_signal(D1_SEM_NODE(a->n, 0), 1);
		return 1;
	case BASIC_DEADLOCK:
		d1_sem_wait(3, 1);
		return 1;
	case BASIC_FAULT_ON_NODE:
		if (d1_node_id() == a->n)
			return (int)*bad;
		return 0;
	case BASIC_DMA_ONE:
		d1_dma_copy((uint16_t)(a->n & 0xff), (uint16_t)(a->n >> 8),
			    a->addr, KDATA_IN, 64);
		return 0;
	case BASIC_DMA_DESC_AT:
		d1_dma_wait(d1_dma_start((const struct d1_dma_desc *)(uintptr_t)a->addr));
		return 0;
	case BASIC_DMA_WAIT_BOGUS:
		d1_dma_wait(5);
		return 1;
	case BASIC_CSR_WRITE_RO:
		d1_csr_write(D1_CSR_NODEID, 3);
		return 1;
	case BASIC_CSR_UNKNOWN:
		return (int)d1_csr_read(0x7c0);
	case BASIC_BAD_RM:
		__asm__ volatile(".4byte 0x0020d0d3");	/* fadd.s ft1, ft1, ft2, rm=5 */
		return 1;
	case BASIC_COUNTERS: {
		uint64_t c0 = d1_cycles(), i0 = d1_instret(), c1, i1;

		for (i = 0; i < 1000; i++)
			__asm__ volatile("");
		c1 = d1_cycles();
		i1 = d1_instret();
		out[0] = i1 - i0;
		out[1] = c1 - c0;
		return 0;
	}
	case BASIC_F_VLD:
		d1_vld(1, (const void *)(uintptr_t)a->addr);
		return 1;
	case BASIC_F_VST:
		d1_vst(1, (void *)(uintptr_t)a->addr);
		return 1;
	case BASIC_MIXED_DEADLOCK:
		if (d1_node_id() == 0)
			d1_barrier();
		else
			d1_sem_wait(1, 1);
		return 1;
	case BASIC_BARRIER_EXITED:
		if (d1_node_id() == 0)
			return 7;
		d1_barrier();
		d1_barrier();
		return 8;
	case BASIC_DMA_FLOOD: {
		struct d1_dma_desc *d = (struct d1_dma_desc *)(uintptr_t)KDATA_IN;

		for (i = 0; i < D1_DMA_MAX_LIST; i++) {
			d[i].src = KDATA_OUT + (i % 64) * 8;
			d[i].dst = KDATA_OUT2 + (i % 64) * 8;
			d[i].len = 8;
			d[i].kind = D1_DMA_SRAM_TO_SRAM |
				    (i + 1 < D1_DMA_MAX_LIST ? D1_DMA_LIST : 0);
			d[i].node = 0;
			d[i].next = (uintptr_t)&d[i + 1];
		}
		for (i = 0; i < a->n; i++)
			d1_dma_start(d);
		d1_dma_wait(0);
		return 0;
	}
	case BASIC_PRINT_FLOOD:
		for (i = 0; i < 200; i++)
			d1_printf("line %03u of the flood test\n", (unsigned int)i);
		return 0;
	case BASIC_DIRTY:
		return dirty(a);
	case BASIC_SCAN:
		return scan();
	case BASIC_SCATTER:
		scatter(a);
		return 0;
	case BASIC_PEER: {
		uint32_t peer = (uint32_t)(a->n >> 16);

		if ((a->n & 0xffff) == D1_S_SEM_SIGNAL)
			d1_sem_signal(D1_SEM_NODE(peer, 0), 1);
		else
			d1_dma_copy((uint16_t)(a->n & 0xffff), (uint16_t)peer,
				    KDATA_OUT, KDATA_IN, 64);
		return 0;
	}
	}
	return -1;
}

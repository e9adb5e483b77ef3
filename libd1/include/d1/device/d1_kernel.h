/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * Device-side API for D1 kernels (compiled with clang for
 * riscv64-unknown-elf -march=rv64imf, linked with libd1/device/d1.ld and
 * crt0.S).  Inline-asm wrappers around the D1 extension; every encoding
 * comes from d1_isa.h (Documentation/accel/d1/isa.rst).
 *
 * Kernel entry: int d1_main(void *args, unsigned int hart); the return
 * value is the hart's exit code.
 *
 * Vector registers are invisible to the compiler, so vector operands are
 * register numbers (integer literals 0..31 or macros expanding to them),
 * and all vector wrappers are volatile asm kept in program order.
 */
#ifndef D1_KERNEL_H
#define D1_KERNEL_H

#include <stddef.h>
#include <stdint.h>

#include "d1_isa.h"

#define D1_STR_(x) #x
#define D1_STR(x) D1_STR_(x)

/* ---- CSRs --------------------------------------------------------- */
#define d1_csr_read(csr) ({ uint64_t v_; \
	__asm__ volatile("csrr %0, " D1_STR(csr) : "=r"(v_)); v_; })
#define d1_csr_write(csr, val) \
	__asm__ volatile("csrw " D1_STR(csr) ", %0" :: "r"((uint64_t)(val)))

/*
 * A kernel's grid is its launch rectangle: coordinates and ids are
 * relative to it (node 0 is its first node, wherever it lies on the
 * card), and DMA and semaphores name nodes by these ids.
 */
static inline uint32_t d1_node_x(void) { return (uint32_t)d1_csr_read(D1_CSR_NODEX); }
static inline uint32_t d1_node_y(void) { return (uint32_t)d1_csr_read(D1_CSR_NODEY); }
static inline uint32_t d1_node_id(void) { return (uint32_t)d1_csr_read(D1_CSR_NODEID); }
static inline uint32_t d1_grid_cols(void) { return (uint32_t)d1_csr_read(D1_CSR_GRIDCOLS); }
static inline uint32_t d1_grid_rows(void) { return (uint32_t)d1_csr_read(D1_CSR_GRIDROWS); }
/* nodes of the launch: ids [0, d1_grid_nodes()) */
static inline uint32_t d1_grid_nodes(void) { return (uint32_t)d1_csr_read(D1_CSR_GRIDNODES); }
/* the node's place on the card's mesh (diagnostics) */
static inline uint32_t d1_mesh_x(void) { return (uint32_t)d1_csr_read(D1_CSR_MESHX); }
static inline uint32_t d1_mesh_y(void) { return (uint32_t)d1_csr_read(D1_CSR_MESHY); }
static inline uint32_t d1_nharts(void) { return (uint32_t)d1_csr_read(D1_CSR_NHARTS); }
static inline uint32_t d1_hart_id(void) { return (uint32_t)d1_csr_read(D1_CSR_HARTID); }
static inline uint64_t d1_cycles(void) { return d1_csr_read(D1_CSR_CYCLE); }
static inline uint64_t d1_instret(void) { return d1_csr_read(D1_CSR_INSTRET); }
static inline void d1_set_vrm(unsigned int m) { d1_csr_write(D1_CSR_VRM, m); }
static inline void d1_set_srseed(uint64_t s) { d1_csr_write(D1_CSR_SRSEED, s); }
static inline void d1_set_fpcfg(uint32_t c) { d1_csr_write(D1_CSR_FPCFG, c); }

/* ---- system services ---------------------------------------------- */
static inline long d1_ecall3(long n, long a, long b, long c)
{
	register long a0 __asm__("a0") = a;
	register long a1 __asm__("a1") = b;
	register long a2 __asm__("a2") = c;
	register long a7 __asm__("a7") = n;

	__asm__ volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a2), "r"(a7)
			 : "memory");
	return a0;
}

static inline __attribute__((noreturn)) void d1_exit(long code)
{
	d1_ecall3(D1_ECALL_EXIT, code, 0, 0);
	__builtin_unreachable();
}

static inline long d1_write(const void *buf, size_t len)
{
	return d1_ecall3(D1_ECALL_WRITE, 1, (long)buf, (long)len);
}

/* printf into the launch's per-node print buffer (libd1/device/d1_rt.c):
 * %d %i %u %x %X %c %s %p %%, with l/ll/z modifiers and width/0-fill. */
int d1_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- vector unit --------------------------------------------------- */
#define D1_VR(opc, f3, f7, rd, rs1, rs2) \
	__asm__ volatile(".insn r " D1_STR(opc) ", " D1_STR(f3) ", " \
			 D1_STR(f7) ", x" D1_STR(rd) ", x" D1_STR(rs1) \
			 ", x" D1_STR(rs2))
#define D1_VR4(f3, f2, rd, rs1, rs2, rs3) \
	__asm__ volatile(".insn r4 " D1_STR(D1_OPC_V3) ", " D1_STR(f3) ", " \
			 D1_STR(f2) ", x" D1_STR(rd) ", x" D1_STR(rs1) \
			 ", x" D1_STR(rs2) ", x" D1_STR(rs3))

#define d1_vadd(t, vd, a, b)	D1_VR(D1_OPC_VARITH, t, D1_V_ADD, vd, a, b)
#define d1_vsub(t, vd, a, b)	D1_VR(D1_OPC_VARITH, t, D1_V_SUB, vd, a, b)
#define d1_vmul(t, vd, a, b)	D1_VR(D1_OPC_VARITH, t, D1_V_MUL, vd, a, b)
#define d1_vmax(t, vd, a, b)	D1_VR(D1_OPC_VARITH, t, D1_V_MAX, vd, a, b)
#define d1_vmin(t, vd, a, b)	D1_VR(D1_OPC_VARITH, t, D1_V_MIN, vd, a, b)
#define d1_vcmpeq(t, vd, a, b)	D1_VR(D1_OPC_VARITH, t, D1_V_CMPEQ, vd, a, b)
#define d1_vcmplt(t, vd, a, b)	D1_VR(D1_OPC_VARITH, t, D1_V_CMPLT, vd, a, b)
#define d1_vcmple(t, vd, a, b)	D1_VR(D1_OPC_VARITH, t, D1_V_CMPLE, vd, a, b)
#define d1_vand(vd, a, b)	D1_VR(D1_OPC_VARITH, 0, D1_V_AND, vd, a, b)
#define d1_vor(vd, a, b)	D1_VR(D1_OPC_VARITH, 0, D1_V_OR, vd, a, b)
#define d1_vxor(vd, a, b)	D1_VR(D1_OPC_VARITH, 0, D1_V_XOR, vd, a, b)
#define d1_vredsum(t, vd, a)	D1_VR(D1_OPC_VARITH, t, D1_V_REDSUM, vd, a, 0)
#define d1_vredmax(t, vd, a)	D1_VR(D1_OPC_VARITH, t, D1_V_REDMAX, vd, a, 0)
#define d1_vredmin(t, vd, a)	D1_VR(D1_OPC_VARITH, t, D1_V_REDMIN, vd, a, 0)
/* vcvt: type t -> type u, part p (0..3), sr = 0 (RNE) or 1 (stochastic) */
#define d1_vcvt(t, u, p, sr, vd, a) \
	__asm__ volatile(".4byte " D1_STR(D1_OPC_VARITH) " | (" D1_STR(vd) \
			 ") << 7 | (" D1_STR(t) ") << 12 | (" D1_STR(a) \
			 ") << 15 | ((" D1_STR(u) ") + 8 * (" D1_STR(sr) \
			 ")) << 20 | (" D1_STR(D1_V_CVT) " + (" D1_STR(p) \
			 ")) << 25")
#define d1_vfma(t, vd, a, b, c)	D1_VR4(t, D1_V3_FMA, vd, a, b, c)
#define d1_vsel(t, vd, a, b, m)	D1_VR4(t, D1_V3_SEL, vd, a, b, m)
/* C(vd..vd+3, 8x8 FP32) += A(a, 8x4) * B(b, 4x8) */
#define d1_vmma(t, vd, a, b)	D1_VR4(t, D1_V3_MMA, vd, a, b, 0)

#define d1_vsplat(t, vd, x) \
	__asm__ volatile(".insn r " D1_STR(D1_OPC_VARITH) ", " D1_STR(t) ", " \
			 D1_STR(D1_V_SPLAT) ", x" D1_STR(vd) ", %0, x0" \
			 :: "r"((uint64_t)(x)))
#define d1_vget(t, vs, idx) ({ uint64_t r_; \
	__asm__ volatile(".insn r " D1_STR(D1_OPC_VARITH) ", " D1_STR(t) ", " \
			 D1_STR(D1_V_MVXV) ", %0, x" D1_STR(vs) ", %1" \
			 : "=r"(r_) : "r"((uint64_t)(idx))); r_; })
#define d1_vset(t, vd, idx, x) \
	__asm__ volatile(".insn r " D1_STR(D1_OPC_VARITH) ", " D1_STR(t) ", " \
			 D1_STR(D1_V_MVVX) ", x" D1_STR(vd) ", %0, %1" \
			 :: "r"((uint64_t)(x)), "r"((uint64_t)(idx)))

/* 64-byte loads/stores from/to SRAM (any alignment). */
#define d1_vld(vd, ptr)		d1_vld_at(vd, ptr, 0)
#define d1_vst(vs, ptr)		d1_vst_at(vs, ptr, 0)
#define d1_vldbc32(vd, ptr)	d1_vldbc32_at(vd, ptr, 0)
/* The same at ptr + off bytes, off a constant in [-2048, 2047]: one
 * base register serves a whole block of accesses. */
#define d1_vld_at(vd, ptr, off) \
	__asm__ volatile(".insn i " D1_STR(D1_OPC_VMEM) ", " D1_STR(D1_VM_LD) \
			 ", x" D1_STR(vd) ", %1(%0)" :: "r"(ptr), "i"(off) \
			 : "memory")
#define d1_vst_at(vs, ptr, off) \
	__asm__ volatile(".insn s " D1_STR(D1_OPC_VMEM) ", " D1_STR(D1_VM_ST) \
			 ", x" D1_STR(vs) ", %1(%0)" :: "r"(ptr), "i"(off) \
			 : "memory")
#define d1_vldbc32_at(vd, ptr, off) \
	__asm__ volatile(".insn i " D1_STR(D1_OPC_VMEM) ", " \
			 D1_STR(D1_VM_LDBC32) ", x" D1_STR(vd) ", %1(%0)" \
			 :: "r"(ptr), "i"(off) : "memory")

/* ---- DMA and synchronisation ---------------------------------------- */
struct d1_dma_desc {
	uint64_t src;
	uint64_t dst;
	uint32_t len;
	uint16_t kind;		/* D1_DMA_* | D1_DMA_LIST */
	uint16_t node;
	uint64_t next;
} __attribute__((aligned(8)));

_Static_assert(sizeof(struct d1_dma_desc) == D1_DMA_DESC_SIZE, "desc size");

#define D1_SYNC_R(f7, rd, rs1, rs2) \
	__asm__ volatile(".insn r " D1_STR(D1_OPC_SYNC) ", 0, " D1_STR(f7) \
			 ", %0, %1, %2" : "=r"(rd) : "r"(rs1), "r"(rs2) \
			 : "memory")

static inline uint64_t d1_dma_start(const struct d1_dma_desc *d)
{
	uint64_t tag;

	D1_SYNC_R(D1_S_DMA_START, tag, (uint64_t)(uintptr_t)d, 0ul);
	return tag;
}

/* tag 0: wait for all of this node's DMAs */
static inline void d1_dma_wait(uint64_t tag)
{
	uint64_t r;

	D1_SYNC_R(D1_S_DMA_WAIT, r, tag, 0ul);
	(void)r;
}

/* Copy with one descriptor and wait (kind: D1_DMA_*). */
static inline void d1_dma_copy(uint16_t kind, uint16_t node, uint64_t dst,
			       uint64_t src, uint32_t len)
{
	struct d1_dma_desc d = { src, dst, len, kind, node, 0 };

	d1_dma_wait(d1_dma_start(&d));
}

#define D1_SEM_LOCAL(idx)	((uint64_t)D1_SEM_SELF | (idx))
#define D1_SEM_NODE(node, idx)	((uint64_t)(node) << D1_SEM_NODE_SHIFT | (idx))

static inline void d1_sem_signal(uint64_t sem, uint32_t val)
{
	uint64_t r;

	D1_SYNC_R(D1_S_SEM_SIGNAL, r, sem, (uint64_t)val);
	(void)r;
}

static inline void d1_sem_wait(uint32_t idx, uint32_t val)
{
	uint64_t r;

	D1_SYNC_R(D1_S_SEM_WAIT, r, (uint64_t)idx, (uint64_t)val);
	(void)r;
}

static inline uint32_t d1_sem_read(uint32_t idx)
{
	uint64_t r;

	D1_SYNC_R(D1_S_SEM_READ, r, (uint64_t)idx, 0ul);
	return (uint32_t)r;
}

static inline void d1_barrier(void)
{
	uint64_t r;

	D1_SYNC_R(D1_S_BARRIER, r, 0ul, 0ul);
	(void)r;
}

#endif /* D1_KERNEL_H */

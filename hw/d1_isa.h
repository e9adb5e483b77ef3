/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * D1 node ISA: memory map, D1 extension encodings, CSR numbers, system
 * services, DMA descriptor layout and fault codes.
 *
 * Data only (plain integer macros, usable from C and from inline-asm
 * strings): the one source the node simulator (this directory) and the
 * device-side kernel header (libd1/include/d1/device/d1_kernel.h) share.
 * Documentation/accel/d1/isa.rst is the prose form.
 */
#ifndef D1_ISA_H
#define D1_ISA_H

/* Node address map */
#define D1_SRAM_BASE		0x10000000
#define D1_SRAM_SIZE		0x140000	/* 1.25 MiB */
#define D1_ARGS_SIZE		0x1000
#define D1_ARGS_ADDR		(D1_SRAM_BASE + D1_SRAM_SIZE - D1_ARGS_SIZE)
#define D1_MAX_HARTS		4
#define D1_DEFAULT_STACK	0x4000
#define D1_PRINT_BUF_SIZE	4096
#define D1_NUM_SEMS		32

/* Major opcodes of the D1 extension (RISC-V custom-0..3) */
#define D1_OPC_VARITH		0x0b	/* R-type, funct3 = type */
#define D1_OPC_V3		0x2b	/* R4-type, funct2 = op, funct3 = type */
#define D1_OPC_VMEM		0x5b	/* I/S-type, funct3 = op */
#define D1_OPC_SYNC		0x7b	/* R-type, funct3 = 0 */

/* Element types (funct3 of custom-0/1) */
#define D1_T_FP32		0
#define D1_T_BF16		1
#define D1_T_CFP16		2
#define D1_T_CFP8E4		3	/* 1-4-3 */
#define D1_T_CFP8E5		4	/* 1-5-2 */
#define D1_T_INT8		5
#define D1_T_INT16		6
#define D1_T_INT32		7

/* custom-0 funct7 */
#define D1_V_ADD		0x00
#define D1_V_SUB		0x01
#define D1_V_MUL		0x02
#define D1_V_MAX		0x03
#define D1_V_MIN		0x04
#define D1_V_CMPEQ		0x05
#define D1_V_CMPLT		0x06
#define D1_V_CMPLE		0x07
#define D1_V_AND		0x08
#define D1_V_OR			0x09
#define D1_V_XOR		0x0a
#define D1_V_REDSUM		0x10
#define D1_V_REDMAX		0x11
#define D1_V_REDMIN		0x12
#define D1_V_SPLAT		0x20
#define D1_V_MVXV		0x21	/* x[rd] = vs1[x[rs2]] */
#define D1_V_MVVX		0x22	/* vd[x[rs2]] = x[rs1] */
#define D1_V_CVT		0x40	/* + part (0..3) */
#define D1_CVT_SR		0x8	/* in the rs2 field, with the dest type */

/* custom-1 funct2 */
#define D1_V3_FMA		0
#define D1_V3_SEL		1
#define D1_V3_MMA		3

/* custom-2 funct3 */
#define D1_VM_LD		0
#define D1_VM_ST		1
#define D1_VM_LDBC32		2

/* custom-3 funct7 */
#define D1_S_DMA_START		0x00
#define D1_S_DMA_WAIT		0x01
#define D1_S_SEM_SIGNAL		0x02
#define D1_S_SEM_WAIT		0x03
#define D1_S_BARRIER		0x04
#define D1_S_SEM_READ		0x05

/* Semaphore operand */
#define D1_SEM_IDX_MASK		0x1f
#define D1_SEM_SELF		0x8000
#define D1_SEM_NODE_SHIFT	16

/* DMA descriptor: 32 bytes, little endian */
#define D1_DMA_DESC_SIZE	32
#define D1_DMA_OFF_SRC		0
#define D1_DMA_OFF_DST		8
#define D1_DMA_OFF_LEN		16
#define D1_DMA_OFF_KIND		20
#define D1_DMA_OFF_NODE		22
#define D1_DMA_OFF_NEXT		24
#define D1_DMA_SRAM_TO_SRAM	0
#define D1_DMA_HBM_TO_SRAM	1
#define D1_DMA_SRAM_TO_HBM	2
#define D1_DMA_TO_NODE		3
#define D1_DMA_FROM_NODE	4
#define D1_DMA_KIND_MASK	0xff
#define D1_DMA_LIST		0x100
#define D1_DMA_MAX_LIST		4096
#define D1_DMA_QUEUE_MAX	65536	/* queued transfers per node */

/* CSRs */
#define D1_CSR_FFLAGS		0x001
#define D1_CSR_FRM		0x002
#define D1_CSR_FCSR		0x003
#define D1_CSR_CYCLE		0xc00
#define D1_CSR_TIME		0xc01
#define D1_CSR_INSTRET		0xc02
#define D1_CSR_MHARTID		0xf14
/* A kernel's grid is its launch rectangle: ids and coordinates in it. */
#define D1_CSR_NODEX		0xcc0	/* column in the rectangle */
#define D1_CSR_NODEY		0xcc1	/* row in the rectangle */
#define D1_CSR_GRIDCOLS		0xcc2	/* the rectangle's columns */
#define D1_CSR_GRIDROWS		0xcc3	/* the rectangle's rows */
#define D1_CSR_NODEID		0xcc4	/* NODEY * GRIDCOLS + NODEX */
#define D1_CSR_NHARTS		0xcc5
#define D1_CSR_HARTID		0xcc6
#define D1_CSR_GRIDNODES	0xcc7	/* nodes of the launch: ids [0, n) */
#define D1_CSR_MESHX		0xcc8	/* column in the card's mesh */
#define D1_CSR_MESHY		0xcc9	/* row in the card's mesh */
#define D1_CSR_VRM		0x800
#define D1_CSR_SRSEED		0x801
#define D1_CSR_FPCFG		0x802
#define D1_VRM_RNE		0
#define D1_VRM_SR		1
#define D1_FPCFG_DEFAULT	0x1f0f07	/* CFP16 31, E5 15, E4 7 */

/* ecall services (a7): Linux RV64 numbers */
#define D1_ECALL_WRITE		64
#define D1_ECALL_EXIT		93
#define D1_ECALL_EXIT_GROUP	94

/* Fault codes */
#define D1_FAULT_NONE		0
#define D1_FAULT_ILLEGAL	1
#define D1_FAULT_FETCH		2
#define D1_FAULT_MISALIGNED_PC	3
#define D1_FAULT_LOAD		4
#define D1_FAULT_STORE		5
#define D1_FAULT_ECALL		6
#define D1_FAULT_BREAKPOINT	7
#define D1_FAULT_DMA		8
#define D1_FAULT_SYNC		9
#define D1_FAULT_PEER		10	/* a node outside the launch named */

#endif /* D1_ISA_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * d1: the uAPI values that are the hardware's, pinned at build time.
 *
 * Where a device code reaches user space unchanged, the uAPI value must
 * be the hardware's: the launch report, which the device writes straight
 * into the caller's memory (struct drm_d1_launch_report, drm_d1_launch_node
 * and drm_d1_launch_node_counters are the layout of hw/d1_regs.h) with its
 * status, node states and node fault codes, and the MMU fault access and reason GET_CONTEXT_STATUS
 * passes on.  d1_job.c includes this, and so does the host test of the
 * uAPI (tests/host/test_uapi.c), which catches a drift without a kernel
 * build.  The includer provides static_assert() and offsetof() and
 * includes <drm/d1_accel.h> and "d1_regs.h".
 */
#ifndef __D1_UAPI_HW_H__
#define __D1_UAPI_HW_H__

#define D1_PIN(uapi, hw) static_assert((uapi) == (hw), #uapi " is " #hw)
#define D1_PIN_OFF(type, field, off) \
	static_assert(offsetof(type, field) == (off), #type "." #field " at " #off)

D1_PIN(sizeof(struct drm_d1_launch_report), D1_REPORT_HDR_SIZE);
D1_PIN(sizeof(struct drm_d1_launch_node), D1_REPORT_NODE_SIZE);
D1_PIN_OFF(struct drm_d1_launch_report, magic, D1_REPORT_MAGIC_OFF);
D1_PIN_OFF(struct drm_d1_launch_report, status, D1_REPORT_STATUS_OFF);
D1_PIN_OFF(struct drm_d1_launch_report, nodes, D1_REPORT_NODES_OFF);
D1_PIN_OFF(struct drm_d1_launch_report, printf_bytes, D1_REPORT_PRINTF_OFF);
D1_PIN_OFF(struct drm_d1_launch_report, printf_dropped, D1_REPORT_DROPPED_OFF);
D1_PIN_OFF(struct drm_d1_launch_report, node_size, D1_REPORT_NODE_SIZE_OFF);
D1_PIN_OFF(struct drm_d1_launch_report, instret, D1_REPORT_INSTRET_OFF);
D1_PIN_OFF(struct drm_d1_launch_report, cycles, D1_REPORT_CYCLES_OFF);
D1_PIN_OFF(struct drm_d1_launch_report, grid_ns, D1_REPORT_GRID_NS_OFF);
D1_PIN_OFF(struct drm_d1_launch_node, exit_code, D1_REPORT_N_EXIT_OFF);
D1_PIN_OFF(struct drm_d1_launch_node, fault, D1_REPORT_N_FAULT_OFF);
D1_PIN_OFF(struct drm_d1_launch_node, hart, D1_REPORT_N_HART_OFF);
D1_PIN_OFF(struct drm_d1_launch_node, state, D1_REPORT_N_STATE_OFF);
D1_PIN_OFF(struct drm_d1_launch_node, fault_pc, D1_REPORT_N_PC_OFF);
D1_PIN_OFF(struct drm_d1_launch_node, fault_addr, D1_REPORT_N_ADDR_OFF);
/* The counters follow the base record. */
#define D1_PIN_CTR(field, off) \
	D1_PIN(D1_REPORT_NODE_SIZE + \
	       offsetof(struct drm_d1_launch_node_counters, field), (off))
D1_PIN(sizeof(struct drm_d1_launch_node_counters), D1_REPORT_NODE_SIZE_CTR - D1_REPORT_NODE_SIZE);
D1_PIN_CTR(cycles, D1_REPORT_N_CYCLES_OFF);
D1_PIN_CTR(instret, D1_REPORT_N_INSTRET_OFF);
D1_PIN_CTR(stall_dma, D1_REPORT_N_STALL_DMA_OFF);
D1_PIN_CTR(stall_sem, D1_REPORT_N_STALL_SEM_OFF);
D1_PIN_CTR(stall_barrier, D1_REPORT_N_STALL_BAR_OFF);
D1_PIN_CTR(vec_ops, D1_REPORT_N_VEC_OPS_OFF);
D1_PIN_CTR(mat_ops, D1_REPORT_N_MAT_OPS_OFF);
D1_PIN_CTR(flops, D1_REPORT_N_FLOPS_OFF);
D1_PIN_CTR(dma_hbm_read, D1_REPORT_N_HBM_RD_OFF);
D1_PIN_CTR(dma_hbm_write, D1_REPORT_N_HBM_WR_OFF);
D1_PIN_CTR(dma_node_out, D1_REPORT_N_NODE_OUT_OFF);
D1_PIN_CTR(dma_node_in, D1_REPORT_N_NODE_IN_OFF);
D1_PIN_CTR(link_bytes, D1_REPORT_N_LINK_OFF);
D1_PIN_CTR(reserved, D1_REPORT_N_RSVD_OFF);
D1_PIN(DRM_D1_NODE_NONE, D1_NODE_STATE_NONE);
D1_PIN(DRM_D1_NODE_EXITED, D1_NODE_STATE_EXITED);
D1_PIN(DRM_D1_NODE_FAULTED, D1_NODE_STATE_FAULTED);
D1_PIN(DRM_D1_NODE_BUDGET, D1_NODE_STATE_BUDGET);
D1_PIN(DRM_D1_NODE_DEADLOCK, D1_NODE_STATE_DEADLOCK);
D1_PIN(DRM_D1_NODE_STOPPED, D1_NODE_STATE_STOPPED);
D1_PIN(DRM_D1_NODE_TIME_LIMIT, D1_NODE_STATE_TIME_LIMIT);

D1_PIN(DRM_D1_REPORT_MAGIC, D1_REPORT_MAGIC);
D1_PIN(DRM_D1_ERROR_NONE, D1_QERR_NONE);
D1_PIN(DRM_D1_ERROR_MMU_FAULT, D1_QERR_MMU_FAULT);
D1_PIN(DRM_D1_ERROR_NODE_FAULT, D1_QERR_NODE_FAULT);
D1_PIN(DRM_D1_ERROR_BUDGET, D1_QERR_TIMEOUT);
D1_PIN(DRM_D1_ERROR_DEADLOCK, D1_QERR_DEADLOCK);
D1_PIN(DRM_D1_ERROR_TIME_LIMIT, D1_QERR_TIME_LIMIT);
D1_PIN(DRM_D1_ERROR_LINK_DOWN, D1_QERR_LINK_DOWN);
D1_PIN(DRM_D1_ERROR_LINK_WINDOW, D1_QERR_LINK_WINDOW);
D1_PIN(DRM_D1_ERROR_LINK_RESET, D1_QERR_LINK_RESET);
D1_PIN(DRM_D1_NODE_FAULT_NONE, D1_NODE_FAULT_NONE);
D1_PIN(DRM_D1_NODE_FAULT_ILLEGAL, D1_NODE_FAULT_ILLEGAL);
D1_PIN(DRM_D1_NODE_FAULT_FETCH, D1_NODE_FAULT_FETCH);
D1_PIN(DRM_D1_NODE_FAULT_MISALIGNED_PC, D1_NODE_FAULT_MISALIGNED_PC);
D1_PIN(DRM_D1_NODE_FAULT_LOAD, D1_NODE_FAULT_LOAD);
D1_PIN(DRM_D1_NODE_FAULT_STORE, D1_NODE_FAULT_STORE);
D1_PIN(DRM_D1_NODE_FAULT_ECALL, D1_NODE_FAULT_ECALL);
D1_PIN(DRM_D1_NODE_FAULT_BREAKPOINT, D1_NODE_FAULT_BREAKPOINT);
D1_PIN(DRM_D1_NODE_FAULT_DMA, D1_NODE_FAULT_DMA);
D1_PIN(DRM_D1_NODE_FAULT_SYNC, D1_NODE_FAULT_SYNC);
D1_PIN(DRM_D1_NODE_FAULT_PEER, D1_NODE_FAULT_PEER);

D1_PIN(DRM_D1_ACCESS_READ, D1_ACCESS_READ);
D1_PIN(DRM_D1_ACCESS_WRITE, D1_ACCESS_WRITE);
D1_PIN(DRM_D1_ACCESS_EXEC, D1_ACCESS_EXEC);
D1_PIN(DRM_D1_FAULT_UNMAPPED, D1_MMU_UNMAPPED);
D1_PIN(DRM_D1_FAULT_PERMISSION, D1_MMU_PERMISSION);
D1_PIN(DRM_D1_FAULT_BAD_PTE, D1_MMU_BAD_PTE);
D1_PIN(DRM_D1_FAULT_RANGE, D1_MMU_RANGE);
D1_PIN(DRM_D1_FAULT_BUS, D1_MMU_BUS);
D1_PIN(DRM_D1_FAULT_BAD_CTX, D1_MMU_BAD_CTX);

#endif /* __D1_UAPI_HW_H__ */

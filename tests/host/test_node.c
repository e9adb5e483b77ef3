// SPDX-License-Identifier: GPL-2.0
/*
 * Node simulator (qemu-device/core/grid.c, hart.c, sys.c): launches of a
 * clang-built kernel on small grids - CSRs and start-up state, device
 * printf, scalar results against host references, every fault type,
 * timeout, deadlock, argument checks.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kernels/kargs.h"
#include "kselftest_harness.h"
#include "node_harness.h"

static struct d1_launch basic_launch(struct basic_args *a)
{
	struct d1_launch l = { 0 };

	l.args = a;
	l.args_size = sizeof(*a);
	l.budget = 2000000;
	return l;
}

TEST(hello_csrs_and_printf)
{
	struct d1_grid *g = grid_with_kernel(2, 3, 1, "basic");
	struct basic_args a = { BASIC_HELLO, 0, 0 };
	struct d1_launch l = basic_launch(&a);
	struct d1_launch_result res;
	uint32_t node, h;

	ASSERT_NE(NULL, g);
	l.harts = 2;
	ASSERT_EQ(0, d1_grid_run(g, &l, &res, NULL, 0));
	EXPECT_EQ(6u, res.nodes);
	EXPECT_EQ(6u, res.exited);
	for (node = 0; node < 6; node++) {
		const struct d1_node_report *r = d1_grid_report(g, node);
		uint64_t *out = node_ptr(g, node, KDATA_OUT);
		char want[256] = "";
		size_t len;
		const char *txt = d1_grid_output(g, node, &len);

		EXPECT_EQ(D1_NODE_EXITED, r->status);
		EXPECT_EQ(100 + (int64_t)node, r->exit_code);
		EXPECT_LT(0u, r->instret);
		for (h = 0; h < 2; h++) {
			uint64_t *o = out + 8 * h;
			char line[64];

			EXPECT_EQ(node % 3, o[0]);
			EXPECT_EQ(node / 3, o[1]);
			EXPECT_EQ(3u, o[2]);
			EXPECT_EQ(2u, o[3]);
			EXPECT_EQ(node, o[4]);
			EXPECT_EQ(2u, o[5]);
			EXPECT_EQ(h, o[6]);
			EXPECT_EQ(h, o[7]);
			snprintf(line, sizeof(line),
				 "node %u (%u,%u) hart %u: %d %x %s\n", node,
				 node % 3, node / 3, h, -5, 0xbeefu, "ok");
			strcat(want, line);
		}
		ASSERT_EQ(strlen(want), len);
		EXPECT_EQ(0, memcmp(want, txt, len));
	}
	d1_grid_destroy(g);
}

static int cmp_i32(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

	return (x > y) - (x < y);
}

TEST(sort_matches_qsort)
{
	struct d1_grid *g = grid_with_kernel(1, 2, 1, "basic");
	struct basic_args a = { BASIC_SORT, 300, 0 };
	struct d1_launch l = basic_launch(&a);
	int32_t ref[300];
	uint32_t node, i;

	ASSERT_NE(NULL, g);
	srand(4);
	for (node = 0; node < 2; node++) {
		int32_t *in = node_ptr(g, node, KDATA_IN);

		for (i = 0; i < 300; i++)
			in[i] = (int32_t)((uint32_t)rand() * 2654435761u);
	}
	ASSERT_EQ(0, d1_grid_run(g, &l, NULL, NULL, 0));
	for (node = 0; node < 2; node++) {
		memcpy(ref, node_ptr(g, node, KDATA_IN), sizeof(ref));
		qsort(ref, 300, sizeof(ref[0]), cmp_i32);
		EXPECT_EQ(D1_NODE_EXITED, d1_grid_report(g, node)->status);
		EXPECT_EQ(0, memcmp(ref, node_ptr(g, node, KDATA_OUT),
				    sizeof(ref)));
	}
	d1_grid_destroy(g);
}

TEST(float_dot_bit_exact)
{
	struct d1_grid *g = grid_with_kernel(1, 1, 1, "basic");
	struct basic_args a = { BASIC_FDOT, 1000, 0 };
	struct d1_launch l = basic_launch(&a);
	float *in, s = 0, got;
	uint32_t i;

	ASSERT_NE(NULL, g);
	in = node_ptr(g, 0, KDATA_IN);
	for (i = 0; i < 2000; i++)
		in[i] = (float)((int)(i * 7919 % 2001) - 1000) / 3.0f;
	for (i = 0; i < 1000; i++) {
		volatile float p = in[i] * in[1000 + i];

		s += p;
	}
	ASSERT_EQ(0, d1_grid_run(g, &l, NULL, NULL, 0));
	memcpy(&got, node_ptr(g, 0, KDATA_OUT), 4);
	EXPECT_EQ(0, memcmp(&s, &got, 4));
	d1_grid_destroy(g);
}

struct refuse_log {
	unsigned int reads;
	uint64_t last;
};

static int refuse_read(void *opaque, uint64_t addr, void *buf, uint64_t len)
{
	struct refuse_log *l = opaque;

	(void)buf;
	(void)len;
	l->reads++;
	l->last = addr;
	return -1;
}

static int refuse_write(void *opaque, uint64_t addr, const void *buf,
			uint64_t len)
{
	(void)opaque;
	(void)addr;
	(void)buf;
	(void)len;
	return -1;
}

static const struct d1_mem_ops refuse_ops = {
	.read = refuse_read,
	.write = refuse_write,
};

/* Run mode @mode with @addr on one node; returns the report. */
static const struct d1_node_report *run_mode(struct d1_grid *g,
					     uint64_t mode, uint64_t n,
					     uint64_t addr, uint64_t budget,
					     struct refuse_log *log)
{
	struct basic_args a = { mode, n, addr };
	struct d1_launch l = basic_launch(&a);

	l.budget = budget;
	l.mem = &refuse_ops;
	l.mem_opaque = log;
	if (d1_grid_run(g, &l, NULL, NULL, 0))
		return NULL;
	return d1_grid_report(g, 0);
}

static uint32_t word_at(struct d1_grid *g, uint64_t addr)
{
	uint32_t w;

	memcpy(&w, node_ptr(g, 0, addr), 4);
	return w;
}

FIXTURE(faults) {
	struct d1_grid *g;
	struct refuse_log log;
};

FIXTURE_SETUP(faults)
{
	self->g = grid_with_kernel(1, 1, 1, "basic");
	ASSERT_NE(NULL, self->g);
	memset(&self->log, 0, sizeof(self->log));
}

FIXTURE_TEARDOWN(faults)
{
	d1_grid_destroy(self->g);
}

TEST_F(faults, illegal_instruction)
{
	const struct d1_node_report *r = run_mode(self->g, BASIC_F_ILLEGAL, 0, 0, 0, &self->log);

	ASSERT_NE(NULL, r);
	EXPECT_EQ(D1_NODE_FAULT, r->status);
	EXPECT_EQ(D1_FAULT_ILLEGAL, r->fault);
	EXPECT_EQ(0xfe00007bu, r->fault_addr);
	EXPECT_EQ(0xfe00007bu, word_at(self->g, r->fault_pc));
}

TEST_F(faults, load_outside_sram)
{
	const struct d1_node_report *r = run_mode(self->g, BASIC_F_LOAD, 0, 8, 0, &self->log);

	EXPECT_EQ(D1_NODE_FAULT, r->status);
	EXPECT_EQ(D1_FAULT_LOAD, r->fault);
	EXPECT_EQ(8u, r->fault_addr);
	/* the faulting instruction is a load (opcode 0x03) */
	EXPECT_EQ(0x03u, word_at(self->g, r->fault_pc) & 0x7f);
}

TEST_F(faults, store_straddling_sram_end)
{
	uint64_t end = D1_SRAM_BASE + D1_SRAM_SIZE;
	const struct d1_node_report *r = run_mode(self->g, BASIC_F_STORE_OOB, 0, end - 4, 0, &self->log);

	EXPECT_EQ(D1_FAULT_STORE, r->fault);
	EXPECT_EQ(end, r->fault_addr);
	EXPECT_EQ(0x23u, word_at(self->g, r->fault_pc) & 0x7f);
}

TEST_F(faults, store_into_text)
{
	const struct d1_node_report *r = run_mode(self->g, BASIC_F_STORE_TEXT, 0, 0, 0, &self->log);
	uint64_t sort = d1_grid_symbol(self->g, "sort");

	ASSERT_NE(0u, sort);
	EXPECT_EQ(D1_FAULT_STORE, r->fault);
	EXPECT_EQ(sort, r->fault_addr);
}

TEST_F(faults, fetch_outside_text)
{
	const struct d1_node_report *r = run_mode(self->g, BASIC_F_FETCH, 0, KDATA_IN, 0, &self->log);

	EXPECT_EQ(D1_FAULT_FETCH, r->fault);
	EXPECT_EQ(KDATA_IN, r->fault_pc);
	EXPECT_EQ(KDATA_IN, r->fault_addr);
}

TEST_F(faults, misaligned_jump)
{
	const struct d1_node_report *r = run_mode(self->g, BASIC_F_MISALIGNED, 0, 0, 0, &self->log);

	EXPECT_EQ(D1_FAULT_MISALIGNED_PC, r->fault);
	EXPECT_EQ(d1_grid_symbol(self->g, "sort") + 2, r->fault_addr);
	EXPECT_EQ(0x67u, word_at(self->g, r->fault_pc) & 0x7f);	/* JALR */
}

TEST_F(faults, unknown_ecall)
{
	const struct d1_node_report *r = run_mode(self->g, BASIC_F_ECALL, 0, 0, 0, &self->log);

	EXPECT_EQ(D1_FAULT_ECALL, r->fault);
	EXPECT_EQ(1234u, r->fault_addr);
	EXPECT_EQ(0x73u, word_at(self->g, r->fault_pc));
}

TEST_F(faults, ebreak)
{
	const struct d1_node_report *r = run_mode(self->g, BASIC_F_EBREAK, 0, 0, 0, &self->log);

	EXPECT_EQ(D1_FAULT_BREAKPOINT, r->fault);
	EXPECT_EQ(r->fault_pc, r->fault_addr);
	EXPECT_EQ(0x00100073u, word_at(self->g, r->fault_pc));
}

TEST_F(faults, dma_refused_by_memory_callback)
{
	const struct d1_node_report *r = run_mode(self->g, BASIC_F_DMA, 0, 0xdead000, 0, &self->log);

	EXPECT_EQ(D1_FAULT_DMA, r->fault);
	EXPECT_EQ(0xdead000u, r->fault_addr);
	EXPECT_EQ(1u, self->log.reads);
	EXPECT_EQ(0xdead000u, self->log.last);
	EXPECT_EQ(D1_OPC_SYNC, word_at(self->g, r->fault_pc) & 0x7f);
}

/* Confinement: the fault names the node, never touches it. */
TEST_F(faults, signal_outside_grid)
{
	const struct d1_node_report *r = run_mode(self->g, BASIC_F_SYNC, 999, 0, 0, &self->log);

	EXPECT_EQ(D1_FAULT_PEER, r->fault);
	EXPECT_EQ(999u, r->fault_addr);
	EXPECT_EQ(D1_OPC_SYNC, word_at(self->g, r->fault_pc) & 0x7f);
}

TEST_F(faults, deadlock_detected)
{
	const struct d1_node_report *r = run_mode(self->g, BASIC_DEADLOCK, 0, 0, 0, &self->log);

	EXPECT_EQ(D1_NODE_DEADLOCK, r->status);
}

TEST_F(faults, budget_timeout)
{
	const struct d1_node_report *r = run_mode(self->g, BASIC_SPIN, 0, 0, 10000, &self->log);

	EXPECT_EQ(D1_NODE_TIMEOUT, r->status);
	EXPECT_EQ(10000u, r->instret);
}

/* DMA transfers the engine refuses: node, SRAM range, text, kind */
TEST_F(faults, dma_refusals)
{
	static const struct {
		uint64_t n, addr, want_addr;
		uint32_t fault;
	} cases[] = {
		/* TO_NODE and FROM_NODE a node outside the 1x1 grid */
		{ D1_DMA_TO_NODE | 7 << 8, KDATA_OUT, 7, D1_FAULT_PEER },
		{ D1_DMA_FROM_NODE | 1 << 8, KDATA_OUT, 1, D1_FAULT_PEER },
		/* local copy running past the end of SRAM */
		{ D1_DMA_SRAM_TO_SRAM, D1_SRAM_BASE + D1_SRAM_SIZE - 32,
		  D1_SRAM_BASE + D1_SRAM_SIZE - 32, D1_FAULT_DMA },
		/* local copy into the text */
		{ D1_DMA_SRAM_TO_SRAM, D1_SRAM_BASE + 64, D1_SRAM_BASE + 64,
		  D1_FAULT_DMA },
		/* an unknown kind */
		{ 9, KDATA_OUT, 9, D1_FAULT_DMA },
	};
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct d1_node_report *r =
			run_mode(self->g, BASIC_DMA_ONE, cases[i].n, cases[i].addr,
				 0, &self->log);

		EXPECT_EQ(cases[i].fault, r->fault);
		EXPECT_EQ(cases[i].want_addr, r->fault_addr);
		EXPECT_EQ(D1_OPC_SYNC, word_at(self->g, r->fault_pc) & 0x7f);
	}
	/* and a good one moves the bytes */
	memset(node_ptr(self->g, 0, KDATA_IN), 0x5a, 64);
	EXPECT_EQ(D1_NODE_EXITED,
		  run_mode(self->g, BASIC_DMA_ONE, D1_DMA_SRAM_TO_SRAM,
			   KDATA_OUT2, 0, &self->log)->status);
	EXPECT_EQ(0, memcmp(node_ptr(self->g, 0, KDATA_IN),
			    node_ptr(self->g, 0, KDATA_OUT2), 64));
	EXPECT_EQ(64u, d1_grid_report(self->g, 0)->dma_bytes);
}

TEST_F(faults, dma_descriptor_checks)
{
	const struct d1_node_report *r;

	/* misaligned descriptor */
	r = run_mode(self->g, BASIC_DMA_DESC_AT, 0, KDATA_IN + 4, 0, &self->log);
	EXPECT_EQ(D1_FAULT_DMA, r->fault);
	EXPECT_EQ(KDATA_IN + 4, r->fault_addr);
	/* outside SRAM */
	r = run_mode(self->g, BASIC_DMA_DESC_AT, 0, 0x1000, 0, &self->log);
	EXPECT_EQ(D1_FAULT_DMA, r->fault);
	EXPECT_EQ(0x1000u, r->fault_addr);
	/* a list that loops forever is cut at D1_DMA_MAX_LIST */
	{
		uint8_t *d = node_ptr(self->g, 0, KDATA_IN);
		uint64_t self_addr = KDATA_IN;
		uint16_t kind = D1_DMA_SRAM_TO_SRAM | D1_DMA_LIST;
		uint32_t len = 8;
		uint64_t src = KDATA_OUT, dst = KDATA_OUT2;

		memcpy(d + D1_DMA_OFF_SRC, &src, 8);
		memcpy(d + D1_DMA_OFF_DST, &dst, 8);
		memcpy(d + D1_DMA_OFF_LEN, &len, 4);
		memcpy(d + D1_DMA_OFF_KIND, &kind, 2);
		memcpy(d + D1_DMA_OFF_NEXT, &self_addr, 8);
		r = run_mode(self->g, BASIC_DMA_DESC_AT, 0, KDATA_IN, 0, &self->log);
		EXPECT_EQ(D1_FAULT_DMA, r->fault);
		EXPECT_EQ(KDATA_IN, r->fault_addr);
	}
	r = run_mode(self->g, BASIC_DMA_WAIT_BOGUS, 0, 0, 0, &self->log);
	EXPECT_EQ(D1_FAULT_SYNC, r->fault);
	EXPECT_EQ(5u, r->fault_addr);
}

TEST_F(faults, csr_and_rounding_mode_checks)
{
	const struct d1_node_report *r;

	r = run_mode(self->g, BASIC_CSR_WRITE_RO, 0, 0, 0, &self->log);
	EXPECT_EQ(D1_FAULT_ILLEGAL, r->fault);
	EXPECT_EQ(0x73u, r->fault_addr & 0x7f);		/* a CSR instruction */
	EXPECT_EQ((uint64_t)D1_CSR_NODEID, r->fault_addr >> 20);
	r = run_mode(self->g, BASIC_CSR_UNKNOWN, 0, 0, 0, &self->log);
	EXPECT_EQ(D1_FAULT_ILLEGAL, r->fault);
	EXPECT_EQ(0x7c0u, r->fault_addr >> 20);
	r = run_mode(self->g, BASIC_BAD_RM, 0, 0, 0, &self->log);
	EXPECT_EQ(D1_FAULT_ILLEGAL, r->fault);
	EXPECT_EQ(0x0020d0d3u, r->fault_addr);
}

/* instret counts retired instructions exactly; cycle >= instret */
TEST_F(faults, counters)
{
	const struct d1_node_report *r;
	uint64_t *out;

	r = run_mode(self->g, BASIC_COUNTERS, 0, 0, 0, &self->log);
	ASSERT_EQ(D1_NODE_EXITED, r->status);
	out = node_ptr(self->g, 0, KDATA_OUT);
	/* 1000 iterations of at least two instructions, plus the reads */
	EXPECT_LE(2000u, out[0]);
	EXPECT_GE(4100u, out[0]);
	EXPECT_LE(out[0], out[1]);
	/* never blocked: cycles are the instructions' costs (isa.rst) */
	EXPECT_LE(r->instret, r->cycles);
	EXPECT_GE(r->instret + 64, r->cycles);
	EXPECT_EQ(r->cycles, r->ctr.cycles);
	EXPECT_EQ(r->instret, r->ctr.instret[0]);
	EXPECT_EQ(0, r->ctr.stall_dma + r->ctr.stall_sem +
		     r->ctr.stall_barrier);
}

TEST_F(faults, vector_load_store_checks)
{
	const struct d1_node_report *r;
	uint64_t end = D1_SRAM_BASE + D1_SRAM_SIZE;

	r = run_mode(self->g, BASIC_F_VLD, 0, end - 32, 0, &self->log);
	EXPECT_EQ(D1_FAULT_LOAD, r->fault);
	EXPECT_EQ(end - 32, r->fault_addr);
	EXPECT_EQ(D1_OPC_VMEM, word_at(self->g, r->fault_pc) & 0x7f);
	r = run_mode(self->g, BASIC_F_VST, 0, D1_SRAM_BASE + 8, 0, &self->log);
	EXPECT_EQ(D1_FAULT_STORE, r->fault);	/* into the text */
	EXPECT_EQ(D1_SRAM_BASE + 8, r->fault_addr);
	r = run_mode(self->g, BASIC_F_VST, 0, 0, 0, &self->log);
	EXPECT_EQ(D1_FAULT_STORE, r->fault);
	EXPECT_EQ(0u, r->fault_addr);
	/* any alignment inside SRAM is fine */
	r = run_mode(self->g, BASIC_F_VST, 0, KDATA_OUT + 3, 0, &self->log);
	EXPECT_EQ(D1_NODE_EXITED, r->status);
}

/* More queued DMA than a node may hold: dma.start stalls, nothing lost */
TEST_F(faults, dma_queue_full_stalls)
{
	const struct d1_node_report *r;

	memset(node_ptr(self->g, 0, KDATA_OUT), 0x3c, 512);
	r = run_mode(self->g, BASIC_DMA_FLOOD, 40, 0, 0, &self->log);
	EXPECT_EQ(D1_NODE_EXITED, r->status);
	EXPECT_EQ(40u * D1_DMA_MAX_LIST * 8, r->dma_bytes);
	EXPECT_EQ(0, memcmp(node_ptr(self->g, 0, KDATA_OUT),
			    node_ptr(self->g, 0, KDATA_OUT2), 512));
	/* the stalls show up as cycles beyond the retired instructions */
	EXPECT_LT(r->instret, r->cycles);
}

TEST(mixed_barrier_and_semaphore_deadlock)
{
	struct d1_grid *g = grid_with_kernel(1, 3, 2, "basic");
	struct basic_args a = { BASIC_MIXED_DEADLOCK, 0, 0 };
	struct d1_launch l = basic_launch(&a);
	struct d1_launch_result res;

	ASSERT_NE(NULL, g);
	ASSERT_EQ(0, d1_grid_run(g, &l, &res, NULL, 0));
	EXPECT_EQ(3u, res.deadlocked);
	d1_grid_destroy(g);
}

TEST(barrier_counts_only_running_harts)
{
	struct d1_grid *g = grid_with_kernel(2, 2, 1, "basic");
	struct basic_args a = { BASIC_BARRIER_EXITED, 0, 0 };
	struct d1_launch l = basic_launch(&a);
	struct d1_launch_result res;
	uint32_t i;

	ASSERT_NE(NULL, g);
	l.harts = 2;
	ASSERT_EQ(0, d1_grid_run(g, &l, &res, NULL, 0));
	EXPECT_EQ(4u, res.exited);
	for (i = 0; i < 4; i++)
		EXPECT_EQ(i ? 8 : 7, d1_grid_report(g, i)->exit_code);
	d1_grid_destroy(g);
}

TEST(fault_on_one_node_only)
{
	struct d1_grid *g = grid_with_kernel(2, 2, 1, "basic");
	struct basic_args a = { BASIC_FAULT_ON_NODE, 2, 16 };
	struct d1_launch l = basic_launch(&a);
	struct d1_launch_result res;
	uint32_t i;

	ASSERT_NE(NULL, g);
	ASSERT_EQ(0, d1_grid_run(g, &l, &res, NULL, 0));
	EXPECT_EQ(3u, res.exited);
	EXPECT_EQ(1u, res.faulted);
	for (i = 0; i < 4; i++)
		EXPECT_EQ(i == 2 ? D1_NODE_FAULT : D1_NODE_EXITED,
			  d1_grid_report(g, i)->status);
	EXPECT_EQ(16u, d1_grid_report(g, 2)->fault_addr);
	d1_grid_destroy(g);
}

TEST(print_buffer_bounded)
{
	struct d1_grid *g = grid_with_kernel(1, 1, 1, "basic");
	struct basic_args a = { BASIC_PRINT_FLOOD, 0, 0 };
	struct d1_launch l = basic_launch(&a);
	char *want = malloc(200 * 64), *p = want;
	const char *got;
	size_t len;
	uint32_t i;

	ASSERT_NE(NULL, g);
	for (i = 0; i < 200; i++)
		p += sprintf(p, "line %03u of the flood test\n", i);
	ASSERT_EQ(0, d1_grid_run(g, &l, NULL, NULL, 0));
	got = d1_grid_output(g, 0, &len);
	EXPECT_EQ((size_t)D1_PRINT_BUF_SIZE, len);
	EXPECT_EQ((uint32_t)(p - want) - D1_PRINT_BUF_SIZE,
		  d1_grid_report(g, 0)->print_dropped);
	EXPECT_EQ(0, memcmp(want, got, len));
	free(want);
	d1_grid_destroy(g);
}

TEST(launch_argument_checks)
{
	struct d1_grid *g = grid_with_kernel(2, 2, 1, "basic");
	struct basic_args a = { BASIC_HELLO, 0, 0 };
	struct d1_launch l = basic_launch(&a);
	char err[128];

	ASSERT_NE(NULL, g);
	l.x0 = 1;
	l.width = 2;
	EXPECT_EQ(-1, d1_grid_run(g, &l, NULL, err, sizeof(err)));
	l.x0 = 0;
	l.width = 0;
	l.harts = 5;
	EXPECT_EQ(-1, d1_grid_run(g, &l, NULL, err, sizeof(err)));
	l.harts = 1;
	l.args_size = D1_ARGS_SIZE + 1;
	EXPECT_EQ(-1, d1_grid_run(g, &l, NULL, err, sizeof(err)));
	l.args_size = sizeof(a);
	l.entry = D1_SRAM_BASE + 0x100000;
	EXPECT_EQ(-1, d1_grid_run(g, &l, NULL, err, sizeof(err)));
	l.entry = 0;
	/* a 1x1 rectangle at (1,1) runs only node 3, as node 0 of a 1x1
	 * grid (the kernel's view is its rectangle) */
	l.x0 = 1;
	l.y0 = 1;
	l.width = 1;
	l.height = 1;
	EXPECT_EQ(0, d1_grid_run(g, &l, NULL, err, sizeof(err)));
	EXPECT_EQ(D1_NODE_IDLE, d1_grid_report(g, 0)->status);
	EXPECT_EQ(D1_NODE_EXITED, d1_grid_report(g, 3)->status);
	EXPECT_EQ(100, d1_grid_report(g, 3)->exit_code);
	{
		const uint64_t *out = node_ptr(g, 3, KDATA_OUT);

		EXPECT_EQ(0u, out[0]);	/* x */
		EXPECT_EQ(0u, out[1]);	/* y */
		EXPECT_EQ(1u, out[2]);	/* cols */
		EXPECT_EQ(1u, out[3]);	/* rows */
		EXPECT_EQ(0u, out[4]);	/* id */
	}
	d1_grid_destroy(g);
}

TEST(bad_elf_rejected)
{
	struct d1_grid_config cfg = { .rows = 1, .cols = 1, .threads = 1 };
	struct d1_grid *g = d1_grid_create(&cfg);
	size_t size;
	uint8_t *elf = kernel_read("basic", &size);
	char err[128];

	ASSERT_NE(NULL, g);
	ASSERT_NE(NULL, elf);
	EXPECT_EQ(-1, d1_grid_load_elf(g, elf, 10, err, sizeof(err)));
	elf[0x12] = 62;		/* EM_X86_64 */
	EXPECT_EQ(-1, d1_grid_load_elf(g, elf, size, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "RISC-V"));
	elf[0x12] = 243;
	elf[0x30] |= 1;		/* RVC */
	EXPECT_EQ(-1, d1_grid_load_elf(g, elf, size, err, sizeof(err)));
	elf[0x30] &= ~1;
	EXPECT_EQ(0, d1_grid_load_elf(g, elf, size, err, sizeof(err)));
	free(elf);
	d1_grid_destroy(g);
}

static uint64_t fz = 0x9e3779b97f4a7c15ull;

static uint32_t fuzz32(void)
{
	fz ^= fz << 13;
	fz ^= fz >> 7;
	fz ^= fz << 17;
	return (uint32_t)(fz >> 16);
}

/*
 * Random instruction words (biased towards the opcodes we implement,
 * the D1 custom ones included) replace the kernel's text: every run ends
 * in a clean report - exit, fault or timeout - with the sanitizers
 * watching the interpreter.
 */
TEST(random_code_ends_cleanly)
{
	static const uint8_t opcodes[] = { 0x03, 0x07, 0x0b, 0x0f, 0x13, 0x17,
		0x1b, 0x23, 0x27, 0x2b, 0x33, 0x37, 0x3b, 0x43, 0x53, 0x5b,
		0x63, 0x67, 0x6f, 0x73, 0x7b };
	size_t size;
	uint8_t *elf = kernel_read("basic", &size);
	uint64_t phoff, off = 0, fsz = 0;
	unsigned int round, i, outcomes[6] = { 0 };

	ASSERT_NE(NULL, elf);
	memcpy(&phoff, elf + 0x20, 8);
	for (i = 0; i < elf[0x38]; i++) {	/* the executable PT_LOAD */
		const uint8_t *ph = elf + phoff + i * 56;
		uint32_t type, flags;

		memcpy(&type, ph, 4);
		memcpy(&flags, ph + 4, 4);
		if (type == 1 && (flags & 1)) {
			memcpy(&off, ph + 8, 8);
			memcpy(&fsz, ph + 0x20, 8);
		}
	}
	ASSERT_LT(64u, fsz);
	for (round = 0; round < 300; round++) {
		struct d1_grid_config cfg = { .rows = 1, .cols = 2, .threads = 1 };
		struct d1_grid *g = d1_grid_create(&cfg);
		struct d1_launch l = { 0 };
		uint64_t w;

		ASSERT_NE(NULL, g);
		for (w = 0; w + 4 <= fsz; w += 4) {
			uint32_t x = fuzz32();

			if (x & 0x10000)	/* keep registers pointing into SRAM */
				x = (x & ~0x7fu) | opcodes[x % sizeof(opcodes)];
			memcpy(elf + off + w, &x, 4);
		}
		ASSERT_EQ(0, d1_grid_load_elf(g, elf, size, NULL, 0));
		l.budget = 2000;
		l.harts = 1 + round % 4;
		l.quantum = 64;
		ASSERT_EQ(0, d1_grid_run(g, &l, NULL, NULL, 0));
		for (i = 0; i < 2; i++) {
			const struct d1_node_report *r = d1_grid_report(g, i);

			ASSERT_LT((unsigned int)r->status, 6u);
			ASSERT_NE(D1_NODE_IDLE, r->status);
			outcomes[r->status]++;
			if (r->status == D1_NODE_FAULT) {
				ASSERT_LT(0u, r->fault);
				ASSERT_GE((uint32_t)D1_FAULT_SYNC, r->fault);
			}
		}
		d1_grid_destroy(g);
	}
	/* random code mostly faults */
	EXPECT_LT(300u, outcomes[D1_NODE_FAULT]);
	free(elf);
}

/* Corrupted ELF files are refused or loaded, never crash the loader. */
TEST(mutated_elf_never_crashes_the_loader)
{
	struct d1_grid_config cfg = { .rows = 1, .cols = 1, .threads = 1 };
	struct d1_grid *g = d1_grid_create(&cfg);
	size_t size;
	uint8_t *orig = kernel_read("basic", &size), *elf = malloc(size);
	unsigned int round, k, loaded = 0;
	char err[128];

	ASSERT_NE(NULL, g);
	ASSERT_NE(NULL, orig);
	for (round = 0; round < 2000; round++) {
		memcpy(elf, orig, size);
		for (k = 0; k < 1 + round % 8; k++) {
			/* mostly the headers, sometimes anywhere */
			uint32_t at = fuzz32() % (round & 1 ? size : 512);

			elf[at] = (uint8_t)fuzz32();
		}
		if (!d1_grid_load_elf(g, elf, round % 3 ? size : fuzz32() % size,
				      err, sizeof(err)))
			loaded++;
	}
	EXPECT_LT(0u, loaded);
	EXPECT_GT(2000u, loaded);
	free(elf);
	free(orig);
	d1_grid_destroy(g);
}

/* The default grid is the D1's: 18 x 20 with 354 usable nodes. */
TEST(default_grid_has_354_usable_nodes)
{
	struct d1_grid *g = d1_grid_create(NULL);
	struct basic_args a = { BASIC_HELLO, 0, 0 };
	struct d1_launch l = basic_launch(&a);
	struct d1_launch_result res;
	size_t size;
	void *elf = kernel_read("basic", &size);
	uint32_t i;

	ASSERT_NE(NULL, g);
	ASSERT_NE(NULL, elf);
	ASSERT_EQ(0, d1_grid_load_elf(g, elf, size, NULL, 0));
	free(elf);
	EXPECT_EQ(18u, d1_grid_rows(g));
	EXPECT_EQ(20u, d1_grid_cols(g));
	EXPECT_EQ(354u, d1_grid_nodes(g));
	ASSERT_EQ(0, d1_grid_run(g, &l, &res, NULL, 0));
	EXPECT_EQ(354u, res.nodes);
	EXPECT_EQ(354u, res.exited);
	for (i = 0; i < 360; i++) {
		const struct d1_node_report *r = d1_grid_report(g, i);

		EXPECT_EQ(i < 354 ? D1_NODE_EXITED : D1_NODE_IDLE, r->status);
		if (i < 354)
			EXPECT_EQ(100 + (int64_t)i, r->exit_code);
	}
	/* a spare (id 357 of the whole grid) is in no launch */
	a.mode = BASIC_F_SYNC;
	a.n = 357;
	ASSERT_EQ(0, d1_grid_run(g, &l, &res, NULL, 0));
	EXPECT_EQ(354u, res.faulted);
	EXPECT_EQ(D1_FAULT_PEER, d1_grid_report(g, 0)->fault);
	EXPECT_EQ(357u, d1_grid_report(g, 0)->fault_addr);
	d1_grid_destroy(g);
}

struct abort_ctx {
	struct d1_grid *g;
	struct d1_launch_result res;
	int rc;
	atomic_int finished;
};

static void *abort_runner(void *p)
{
	struct abort_ctx *c = p;
	struct basic_args a = { BASIC_SPIN, 0, 0 };
	struct d1_launch l = basic_launch(&a);

	l.budget = 0;		/* unlimited: only the abort stops it */
	c->rc = d1_grid_run(c->g, &l, &c->res, NULL, 0);
	atomic_store(&c->finished, 1);
	return NULL;
}

TEST(abort_stops_a_running_launch)
{
	static struct abort_ctx c;
	pthread_t t;

	c.g = grid_with_kernel(1, 2, 2, "basic");
	c.rc = -1;
	atomic_init(&c.finished, 0);
	ASSERT_NE(NULL, c.g);
	ASSERT_EQ(0, pthread_create(&t, NULL, abort_runner, &c));
	/* d1_grid_run clears a stale abort when it starts: keep asking */
	while (!atomic_load(&c.finished)) {
		struct timespec ts = { 0, 2000000 };

		nanosleep(&ts, NULL);
		d1_grid_abort(c.g);
	}
	pthread_join(t, NULL);
	EXPECT_EQ(0, c.rc);
	EXPECT_EQ(2u, c.res.aborted);
	EXPECT_EQ(D1_NODE_ABORTED, d1_grid_report(c.g, 0)->status);
	EXPECT_LT(0u, d1_grid_report(c.g, 0)->instret);
	d1_grid_destroy(c.g);
}

TEST_HARNESS_MAIN

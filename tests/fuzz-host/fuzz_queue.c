// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the command processor (core/queue.c, launch.c) as the
 * driver reaches it, through registers and descriptor rings in host
 * memory, on the host test bench (tests/host/dip_harness.h).
 *
 * Input: one byte (descriptor count - 1 in bits 0-2, bit 3 splits them
 * over two queues), up to eight 64-byte descriptors, then a data blob of
 * up to 64 KiB placed in host memory at VA_DATA (read/write/exec), whose
 * first page is also the leaf page table behind VA_JUNK.  So a
 * descriptor can launch an image it brings along, wait on or signal a
 * word of it, and reach memory through page-table entries it wrote.
 *
 * Pass: every queue drains or stops within its deadline (only a WAIT or
 * a LAUNCH may run longer, and a queue reset then stops it), a stopped
 * queue names a known error, an MMU fault is latched with a known reason,
 * and the bench's memory-safety checks (ASan, UBSan) hold.
 */
#include <stdio.h>
#include <stdlib.h>

#include "dip_harness.h"

#define VA_OK	0x100000000ull	/* 64 KiB of scratch host memory, RW */
#define VA_RO	0x100100000ull	/* the same memory, read-only */
#define VA_HBM	0x200000000ull	/* 64 KiB of HBM, RW */
#define VA_DATA	0x300000000ull	/* the input's data blob, RWX */
#define VA_JUNK	0x300200000ull	/* 2 MiB through the blob's first page */
#define SCRATCH	(64u << 10)
#define DATA_BUS (BENCH_BUS_BASE + (1u << 20))
#define NQ	2

static struct bench b;
static struct bench_queue q[NQ];

static void die(const char *why, unsigned int i, uint32_t st)
{
	fprintf(stderr, "fuzz_queue: %s (queue %u, status 0x%x)\n", why, i,
		st);
	abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct d1_dip_config c = bench_config();

	(void)argc;
	(void)argv;
	if (bench_init(&b, &c))
		abort();
	return 0;
}

/* Page tables and rings, rebuilt for every input (a mapping of the
 * blob's leaf table may have written anywhere in host memory). */
static void setup(const uint8_t *blob, size_t len)
{
	uint64_t root, mid;
	unsigned int i;

	b.bus_brk = BENCH_BUS_BASE + BENCH_BUS_SIZE / 2;
	memset(bench_ptr(&b, BENCH_BUS_BASE), 0, SCRATCH);
	memset(bench_ptr(&b, DATA_BUS), 0, SCRATCH);
	memcpy(bench_ptr(&b, DATA_BUS), blob, len);
	memset(b.hbm, 0, SCRATCH);
	root = bench_context(&b, 0);
	bench_map(&b, root, VA_OK, BENCH_BUS_BASE, SCRATCH,
		  D1_PTE_READ | D1_PTE_WRITE);
	bench_map(&b, root, VA_RO, BENCH_BUS_BASE, SCRATCH, D1_PTE_READ);
	bench_map(&b, root, VA_HBM, 0, SCRATCH,
		  D1_PTE_READ | D1_PTE_WRITE | D1_PTE_HBM);
	bench_map(&b, root, VA_DATA, DATA_BUS, SCRATCH,
		  D1_PTE_READ | D1_PTE_WRITE | D1_PTE_EXEC);
	/* VA_JUNK's middle-level entry points at the blob as a leaf table. */
	mid = *bench_pte(&b, root, (VA_JUNK >> 30) & 511) & D1_PTE_ADDR_MASK;
	*bench_pte(&b, mid, (VA_JUNK >> 21) & 511) = DATA_BUS | D1_PTE_VALID;
	/* Context 1: valid, nothing mapped; context 2: not valid. */
	bench_context(&b, 1);
	wr(&b, D1_REG_CTX(2, D1_CTX_CTRL), 0);
	for (i = 0; i < NQ; i++)
		bench_queue_start(&b, &q[i], i, 0, 16);
	wr(&b, D1_REG_FAULT_STATUS, 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t w[8 * D1_DESC_WORDS];
	unsigned int n, i, nq, blocking = 0;
	size_t dlen;

	if (size < 1)
		return 0;
	n = 1 + (data[0] & 7);
	nq = data[0] & 8 ? 2 : 1;
	data++;
	size--;
	memset(w, 0, sizeof(w));
	dlen = size < n * D1_DESC_SIZE ? size : n * D1_DESC_SIZE;
	memcpy(w, data, dlen);
	data += dlen;
	size -= dlen;
	setup(data, size < SCRATCH ? size : SCRATCH);

	for (i = 0; i < n; i++) {
		unsigned int op = D1_DESC_OPCODE(le64toh(w[i * 8]));

		if (op == D1_OP_WAIT || op == D1_OP_LAUNCH)
			blocking = 1;
		/* Written to the ring only: bench_submit rings each doorbell. */
		bench_submit(&b, &q[i % nq], &w[i * 8]);
	}
	for (i = 0; i < nq; i++) {
		int64_t st = bench_wait(&b, &q[i], blocking ? 100 : 5000);
		uint32_t fs;

		if (getenv("D1_FUZZ_VERBOSE"))
			fprintf(stderr, "queue %u: status 0x%llx head %u fault 0x%x\n",
				i, (unsigned long long)st,
				rd(&b, D1_REG_Q(i, D1_Q_HEAD)),
				rd(&b, D1_REG_FAULT_STATUS));
		if (st < 0) {
			if (!blocking)
				die("queue hung", i, 0);
			continue;	/* the reset below must stop it */
		}
		if (!(st & D1_Q_STATUS_STOPPED))
			continue;
		if (D1_Q_STATUS_ERROR(st) < D1_QERR_BAD_OPCODE ||
		    D1_Q_STATUS_ERROR(st) > D1_QERR_LINK_RESET)
			die("unknown queue error", i, (uint32_t)st);
		if (D1_Q_STATUS_ERROR(st) != D1_QERR_MMU_FAULT)
			continue;
		fs = rd(&b, D1_REG_FAULT_STATUS);
		if (!(fs & D1_FAULT_VALID) ||
		    D1_FAULT_REASON(fs) < D1_MMU_UNMAPPED ||
		    D1_FAULT_REASON(fs) > D1_MMU_BAD_CTX ||
		    D1_FAULT_ACCESS(fs) > D1_ACCESS_EXEC)
			die("bad fault record", i, fs);
	}
	for (i = 0; i < nq; i++) {
		uint32_t st;

		wr(&b, D1_REG_Q(i, D1_Q_CTRL), D1_Q_CTRL_RESET);
		st = rd(&b, D1_REG_Q(i, D1_Q_STATUS));
		if (st & D1_Q_STATUS_BUSY)
			die("busy after reset", i, st);
	}
	return 0;
}

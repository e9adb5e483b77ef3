# SPDX-License-Identifier: GPL-2.0
"""Kernel sources of the Python tests.

Run as a script (make userspace does, with D1_CACHE_DIR=build/kcache) it
builds them and the package's own kernels on the host, so the guest finds
them in the program cache instead of running clang under emulation.  The
bad sources are not cached (failed builds never are); they fail early.
"""
import sys

# axpb: y = a * x + b on n floats, over the nodes of the launch; hello:
# device printf with the launch shape; fault: a load from outside SRAM
# (a node fault); spin: never ends (the budget stops it); echo: every
# integer type and a struct by value.
KERNELS = r'''
#include <d1/device/d1_launch.h>

D1_KERNEL(axpb, (d1_devptr, x), (d1_devptr, y), (uint32_t, n), (float, a),
	  (float, b))
{
	static float t[1024];
	uint32_t ranks = d1_launch_size(), rank = d1_launch_rank();
	uint32_t per = (n + ranks - 1) / ranks, s = rank * per, i, len;

	if (d1_hart_id() || s >= n)
		return;
	for (; s < n && s < (rank + 1) * per; s += len) {
		len = n - s < 1024 ? n - s : 1024;
		if (s + len > (rank + 1) * per)
			len = (rank + 1) * per - s;
		d1_dma_copy(D1_DMA_HBM_TO_SRAM, 0, (uintptr_t)t, x.addr + s * 4,
			    len * 4);
		for (i = 0; i < len; i++)
			t[i] = a * t[i] + b;
		d1_dma_copy(D1_DMA_SRAM_TO_HBM, 0, y.addr + s * 4, (uintptr_t)t,
			    len * 4);
	}
}

D1_KERNEL(hello, (uint32_t, tag))
{
	d1_printf("hello %u from rank %u of %u hart %u\n", tag,
		  d1_launch_rank(), d1_launch_size(), d1_hart_id());
}

D1_KERNEL(fault, (uint64_t, addr))
{
	if (d1_hart_id())
		return;
	d1_printf("about to fault\n");
	d1_printf("%u\n", *(volatile uint32_t *)(uintptr_t)addr);
}

D1_KERNEL(spin, (uint32_t, x))
{
	volatile uint32_t v = x;

	for (;;)
		v++;
}

struct pair { int32_t a; int32_t b; };

D1_KERNEL(echo, (d1_devptr, out), (int8_t, i8), (uint16_t, u16),
	  (int32_t, i32), (uint64_t, u64), (float, f), (struct pair, p))
{
	static int64_t r[7];

	if (d1_hart_id() || d1_launch_rank())
		return;
	r[0] = i8;
	r[1] = u16;
	r[2] = i32;
	r[3] = (int64_t)u64;
	r[4] = (int64_t)(f * 1000.0f);
	r[5] = p.a;
	r[6] = p.b;
	d1_dma_copy(D1_DMA_SRAM_TO_HBM, 0, out.addr, (uintptr_t)r, sizeof(r));
}
'''

# Fails in the parser, before any header is read.
BAD = "int broken = ;\n"


def warm():
    import d1
    d1.Program(KERNELS, "py_kernels.c").build()
    d1.packaged_program("torch_ops")


if __name__ == "__main__":
    sys.exit(warm())

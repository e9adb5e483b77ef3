// SPDX-License-Identifier: MIT
/*
 * The kernels of d1.torch: matrix products (FP32 on the vector unit, BF16
 * on the 8x8x4 matrix unit with FP32 accumulation) and element-wise
 * operations, all on row-major FP32 (BF16 for the matrix-unit inputs)
 * arrays in device memory.  The host pads shapes to what a kernel needs
 * (d1/torch.py); every kernel checks its limits and exits with code 2
 * when they are not met.  The work is dealt out over the nodes of the
 * launch; only hart 0 of a node works (launch with one hart: the pool
 * below assumes the stacks of at most d1_nharts() harts).
 */
#include <d1/device/d1_launch.h>

/*
 * Working memory: one pool of SRAM, carved differently by each kernel.
 * It lies past the end of the image (__image_end, from d1.ld), below the
 * harts' stacks, rather than in .bss: the device copies the whole image,
 * .bss included, into the SRAM of every node at each launch, so a large
 * .bss would cost every launch.
 */
#define POOL		(768 * 1024)
#define TILE		4096		/* floats per element-wise tile */
#define MM_BMAX		(256 * 1024)	/* bytes of B kept in SRAM */
#define MM_NMAX		4096
#define MM_KMAX		2048
#define MM_BLK		(128 * 1024)	/* bytes of A, of C per block */

extern char __image_end[];
#define pool ((uint8_t *)(((uintptr_t)__image_end + 63) & ~(uintptr_t)63))

static inline uint32_t min_u32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

/* The pool must end below the lowest stack (default stack size). */
static void check_pool(void)
{
	if ((uintptr_t)pool + POOL >
	    D1_ARGS_ADDR - (uint64_t)d1_nharts() * D1_DEFAULT_STACK)
		d1_exit(3);
}

/* Rows [*r0, *r1) of @m: node @rank's contiguous share. */
static void share(uint32_t m, uint32_t *r0, uint32_t *r1)
{
	uint32_t ranks = d1_launch_size(), rank = d1_launch_rank();
	uint32_t per = (m + ranks - 1) / ranks;

	*r0 = min_u32(rank * per, m);
	*r1 = min_u32(*r0 + per, m);
}

/*
 * C[m][n] = A[m][k] B[k][n], FP32, n a multiple of 16: B in SRAM; every
 * node takes a contiguous share of the rows of C, in blocks that fit SRAM
 * (one DMA in, one out per block: a DMA completes at the end of an
 * epoch, so fewer and larger is faster).  16 columns at a time: A[i][kk]
 * broadcast (vldbc.32) times a row of B, fused-added.
 */
D1_KERNEL(mm_f32, (d1_devptr, a), (d1_devptr, b), (d1_devptr, c),
	  (uint32_t, m), (uint32_t, n), (uint32_t, k))
{
	float *sb = (float *)pool;
	float *ablk = sb + MM_BMAX / 4, *cblk = ablk + MM_BLK / 4;
	uint32_t r0, r1, i, j, kk, rows;

	if (d1_hart_id())
		return;
	check_pool();
	if (n % 16 || n > MM_NMAX || k > MM_KMAX || (uint64_t)k * n * 4 > MM_BMAX)
		d1_exit(2);
	share(m, &r0, &r1);
	if (r0 == r1)
		return;
	rows = min_u32(MM_BLK / 4 / k, MM_BLK / 4 / n);
	d1_dma_copy(D1_DMA_HBM_TO_SRAM, 0, (uintptr_t)sb, b.addr, k * n * 4);
	for (; r0 < r1; r0 += rows) {
		uint32_t nr = min_u32(rows, r1 - r0);

		d1_dma_copy(D1_DMA_HBM_TO_SRAM, 0, (uintptr_t)ablk,
			    a.addr + (uint64_t)r0 * k * 4, nr * k * 4);
		for (i = 0; i < nr; i++) {
			const float *arow = ablk + i * k;

			for (j = 0; j < n; j += 16) {
				d1_vsplat(D1_T_FP32, 1, 0);
				for (kk = 0; kk < k; kk++) {
					d1_vldbc32(2, &arow[kk]);
					d1_vld(3, &sb[kk * n + j]);
					d1_vfma(D1_T_FP32, 1, 2, 3, 1);
				}
				d1_vst(1, &cblk[i * n + j]);
			}
		}
		d1_dma_copy(D1_DMA_SRAM_TO_HBM, 0, c.addr + (uint64_t)r0 * n * 4,
			    (uintptr_t)cblk, nr * n * 4);
	}
}

/*
 * C[m][n] (FP32) = A[m][k] B[k][n] (BF16) on the matrix unit; m and n
 * multiples of 8, k of 4.  vmma takes an 8x4 tile of A (element r*4+kk)
 * and a 4x8 tile of B (kk*8+c) and accumulates an 8x8 FP32 tile in four
 * registers.  B is rearranged into tiles once per node; each block of 8
 * rows of A likewise (4 BF16 of a row are one 64-bit word); every node
 * takes a contiguous share of the blocks.
 */
D1_KERNEL(mm_bf16, (d1_devptr, a), (d1_devptr, b), (d1_devptr, c),
	  (uint32_t, m), (uint32_t, n), (uint32_t, k))
{
	uint32_t nt = n / 8, kt = k / 4, b0, b1, j, t, r;
	uint64_t *braw = (uint64_t *)pool;		/* B as it comes */
	uint64_t *btile = braw + MM_BMAX / 8;		/* [kt][nt] 4x8 tiles */
	uint64_t *araw = btile + MM_BMAX / 8;		/* 8 rows of A */
	uint64_t *atile = araw + 8 * MM_KMAX / 4;	/* [kt] 8x4 tiles */
	float *ctile = (float *)(atile + 8 * MM_KMAX / 4);
	float *cblk = ctile + 64;			/* 8 rows of C */

	if (d1_hart_id())
		return;
	check_pool();
	if (m % 8 || n % 8 || k % 4 || n > MM_NMAX || k > MM_KMAX ||
	    (uint64_t)k * n * 2 > MM_BMAX)
		d1_exit(2);
	share(m / 8, &b0, &b1);
	if (b0 == b1)
		return;
	d1_dma_copy(D1_DMA_HBM_TO_SRAM, 0, (uintptr_t)braw, b.addr, k * n * 2);
	for (t = 0; t < kt; t++)
		for (j = 0; j < nt; j++)
			for (r = 0; r < 4; r++) {
				uint64_t *dst = &btile[(t * nt + j) * 8 + r * 2];
				const uint64_t *src =
					&braw[((t * 4 + r) * n + j * 8) / 4];

				dst[0] = src[0];
				dst[1] = src[1];
			}
	for (; b0 < b1; b0++) {
		d1_dma_copy(D1_DMA_HBM_TO_SRAM, 0, (uintptr_t)araw,
			    a.addr + (uint64_t)b0 * 8 * k * 2, 8 * k * 2);
		for (t = 0; t < kt; t++)
			for (r = 0; r < 8; r++)
				atile[t * 8 + r] = araw[(r * k) / 4 + t];
		for (j = 0; j < nt; j++) {
			d1_vsplat(D1_T_FP32, 8, 0);
			d1_vsplat(D1_T_FP32, 9, 0);
			d1_vsplat(D1_T_FP32, 10, 0);
			d1_vsplat(D1_T_FP32, 11, 0);
			for (t = 0; t < kt; t++) {
				d1_vld(4, &atile[t * 8]);
				d1_vld(5, &btile[(t * nt + j) * 8]);
				d1_vmma(D1_T_BF16, 8, 4, 5);
			}
			d1_vst(8, &ctile[0]);
			d1_vst(9, &ctile[16]);
			d1_vst(10, &ctile[32]);
			d1_vst(11, &ctile[48]);
			for (r = 0; r < 8; r++) {
				uint64_t *dst = (uint64_t *)&cblk[r * n + j * 8];
				const uint64_t *src = (const uint64_t *)&ctile[r * 8];

				dst[0] = src[0];
				dst[1] = src[1];
				dst[2] = src[2];
				dst[3] = src[3];
			}
		}
		d1_dma_copy(D1_DMA_SRAM_TO_HBM, 0, c.addr + (uint64_t)b0 * 8 * n * 4,
			    (uintptr_t)cblk, 8 * n * 4);
	}
}

/* Element-wise ops of ew(): out = f(x, y). */
enum { EW_ADD, EW_MUL, EW_RELU, EW_RELU_GRAD };

/*
 * out[i] = f(x[i], y[i]) for i < n (y unused by RELU); RELU_GRAD is
 * x[i] * (y[i] > 0), the gradient x of a ReLU whose input was y.  Every
 * node takes a contiguous slice in tiles, 16 lanes at a time.
 */
D1_KERNEL(ew, (d1_devptr, x), (d1_devptr, y), (d1_devptr, out),
	  (uint32_t, n), (uint32_t, op))
{
	uint32_t ranks = d1_launch_size(), rank = d1_launch_rank();
	uint32_t per = (n + ranks - 1) / ranks, start = rank * per, end, t, i;
	float *tx = (float *)pool, *ty = tx + TILE;

	if (d1_hart_id() || start >= n)
		return;
	check_pool();
	if (op > EW_RELU_GRAD)
		d1_exit(2);
	end = min_u32(start + per, n);
	d1_vsplat(D1_T_FP32, 7, 0);			/* zeros */
	for (t = start; t < end; t += TILE) {
		uint32_t len = min_u32(end - t, TILE);

		d1_dma_copy(D1_DMA_HBM_TO_SRAM, 0, (uintptr_t)tx,
			    x.addr + (uint64_t)t * 4, len * 4);
		if (op != EW_RELU)
			d1_dma_copy(D1_DMA_HBM_TO_SRAM, 0, (uintptr_t)ty,
				    y.addr + (uint64_t)t * 4, len * 4);
		for (i = 0; i + 16 <= len; i += 16) {
			d1_vld(1, &tx[i]);
			d1_vld(2, &ty[i]);
			switch (op) {
			case EW_ADD:
				d1_vadd(D1_T_FP32, 3, 1, 2);
				break;
			case EW_MUL:
				d1_vmul(D1_T_FP32, 3, 1, 2);
				break;
			case EW_RELU:
				d1_vmax(D1_T_FP32, 3, 1, 7);
				break;
			default:
				d1_vcmplt(D1_T_FP32, 4, 7, 2);	/* y > 0 */
				d1_vsel(D1_T_FP32, 3, 1, 7, 4);
				break;
			}
			d1_vst(3, &tx[i]);
		}
		for (; i < len; i++) {
			float a = tx[i], b = ty[i];

			tx[i] = op == EW_ADD ? a + b : op == EW_MUL ? a * b :
				op == EW_RELU ? (a > 0 ? a : 0) : (b > 0 ? a : 0);
		}
		d1_dma_copy(D1_DMA_SRAM_TO_HBM, 0, out.addr + (uint64_t)t * 4,
			    (uintptr_t)tx, len * 4);
	}
}

/*
 * out[r][c] = x[r][c] + row[c] (a bias), cols a multiple of 16; every
 * node takes a contiguous share of the rows, in tiles of whole rows.
 */
D1_KERNEL(add_row, (d1_devptr, x), (d1_devptr, row), (d1_devptr, out),
	  (uint32_t, rows), (uint32_t, cols))
{
	float *tr = (float *)pool, *tx = tr + TILE;
	uint32_t r0, r1, per, i, c;

	if (d1_hart_id())
		return;
	check_pool();
	if (cols % 16 || cols > TILE)
		d1_exit(2);
	share(rows, &r0, &r1);
	if (r0 == r1)
		return;
	per = TILE / cols;
	d1_dma_copy(D1_DMA_HBM_TO_SRAM, 0, (uintptr_t)tr, row.addr, cols * 4);
	for (; r0 < r1; r0 += per) {
		uint32_t nr = min_u32(per, r1 - r0);

		d1_dma_copy(D1_DMA_HBM_TO_SRAM, 0, (uintptr_t)tx,
			    x.addr + (uint64_t)r0 * cols * 4, nr * cols * 4);
		for (i = 0; i < nr; i++)
			for (c = 0; c < cols; c += 16) {
				d1_vld(1, &tx[i * cols + c]);
				d1_vld(2, &tr[c]);
				d1_vadd(D1_T_FP32, 1, 1, 2);
				d1_vst(1, &tx[i * cols + c]);
			}
		d1_dma_copy(D1_DMA_SRAM_TO_HBM, 0, out.addr + (uint64_t)r0 * cols * 4,
			    (uintptr_t)tx, nr * cols * 4);
	}
}

/*
 * part[q][c] = sum over node q's contiguous share of rows of x[r][c] (the
 * gradient of a bias; the host adds the launch's parts), cols a multiple
 * of 16 and at most TILE.
 */
D1_KERNEL(sum_rows, (d1_devptr, x), (d1_devptr, part), (uint32_t, rows),
	  (uint32_t, cols))
{
	float *acc = (float *)pool, *tx = acc + TILE;
	uint32_t r0, r1, per, i, c;

	if (d1_hart_id())
		return;
	check_pool();
	if (cols % 16 || cols > TILE)
		d1_exit(2);
	share(rows, &r0, &r1);
	for (c = 0; c < cols; c++)
		acc[c] = 0;
	per = TILE / cols;
	for (; r0 < r1; r0 += per) {
		uint32_t nr = min_u32(per, r1 - r0);

		d1_dma_copy(D1_DMA_HBM_TO_SRAM, 0, (uintptr_t)tx,
			    x.addr + (uint64_t)r0 * cols * 4, nr * cols * 4);
		for (c = 0; c < cols; c += 16) {
			d1_vld(1, &acc[c]);
			for (i = 0; i < nr; i++) {
				d1_vld(2, &tx[i * cols + c]);
				d1_vadd(D1_T_FP32, 1, 1, 2);
			}
			d1_vst(1, &acc[c]);
		}
	}
	d1_dma_copy(D1_DMA_SRAM_TO_HBM, 0,
		    part.addr + (uint64_t)d1_launch_rank() * cols * 4,
		    (uintptr_t)acc, cols * 4);
}

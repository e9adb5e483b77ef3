# SPDX-License-Identifier: MIT
"""PyTorch operations on the d1 card.

    import torch, d1.torch as dt

    y = dt.matmul(a, b)                    # FP32 on the vector unit
    y = dt.matmul(a, b, precision="bf16")  # BF16 inputs, FP32 accumulation
    z = dt.relu(dt.add(y, bias))           # element-wise, bias broadcast
    model = torch.nn.Sequential(dt.Linear(32, 64), dt.ReLU(), dt.Linear(64, 8))

Every operation is a torch.autograd.Function whose forward and backward
passes run on the card: CPU tensors are copied to device buffers, the
kernel of d1/kernels/torch_ops.c runs, the result comes back as a CPU
tensor.  Matrix products take float32 or bfloat16 tensors; with
precision="bf16" the inputs are rounded to BF16 (round to nearest even,
as Tensor.bfloat16() does) and the matrix unit accumulates in FP32, in the
backward pass too.  Element-wise operations take float32.

A Context holds the device, the built kernels, a stream with events that
time every operation on the device, and a pool of buffers; the first
operation opens device 0 unless set_context() chose another.
Context.stats tells where the time went.
"""
import math
import time

import numpy as np
import torch

import d1

__all__ = ["Context", "context", "set_context", "matmul", "add", "mul",
           "relu", "Linear", "ReLU", "Stats"]

_EW_OPS = {"add": 0, "mul": 1, "relu": 2, "relu_grad": 3}
_PAGE = 4096
# Limits of the kernels (torch_ops.c): bytes of B in a node's SRAM, the
# widest row of B and C, the longest inner dimension.
_MM_BMAX = 256 * 1024
_MM_NMAX = 4096
_MM_KMAX = 2048
_ROW_MAX = 4096


def _up(x, m):
    return (x + m - 1) // m * m


class Stats:
    """Time per operation: calls, device time of the kernels and of the
    copies (from the stream's events), and wall time in d1.torch."""

    def __init__(self):
        self.ops = {}
        self.build_ms = 0.0
        self.build_cache = "none"

    def add(self, op, kernel_ms, copy_ms, wall_ms):
        s = self.ops.setdefault(op, [0, 0.0, 0.0, 0.0])
        s[0] += 1
        s[1] += kernel_ms
        s[2] += copy_ms
        s[3] += wall_ms

    def total(self):
        """(calls, kernel ms, copy ms, wall ms) over every operation."""
        t = [0, 0.0, 0.0, 0.0]
        for s in self.ops.values():
            for i in range(4):
                t[i] += s[i]
        return tuple(t)

    def reset(self):
        self.ops.clear()

    def report(self):
        """A table: per operation calls, kernel and copy time on the
        device, and the rest of the wall time (host: conversions,
        submission, waiting)."""
        lines = ["%-10s %6s %11s %11s %11s %11s" % (
            "op", "calls", "kernel ms", "copies ms", "host ms", "wall ms")]
        rows = sorted(self.ops.items()) + [("total", self.total())]
        for op, (n, k, c, w) in rows:
            lines.append("%-10s %6d %11.2f %11.2f %11.2f %11.2f" % (
                op, n, k, c, max(w - k - c, 0.0), w))
        lines.append("kernels built in %.0f ms (program cache: %s)" % (
            self.build_ms, self.build_cache))
        return "\n".join(lines)


class Context:
    """The card d1.torch runs on: device, kernels, stream, buffer pool.

    device: a d1.Device, or the index of one (default 0).
    nodes: the most nodes an operation is spread over (a row of the grid).
    """

    def __init__(self, device=None, nodes=8):
        self.device = device if isinstance(device, d1.Device) else \
            d1.Device(device or 0)
        self.nodes = max(1, min(nodes, self.device.info.grid[0]))
        self.stats = Stats()
        t0 = time.perf_counter()
        self.program = d1.packaged_program("torch_ops")
        self.stats.build_ms = (time.perf_counter() - t0) * 1e3
        self.stats.build_cache = self.program.cache
        self.kernels = {n: self.program.kernel(n)
                        for n in self.program.kernels}
        self.stream = self.device.stream()
        self.events = [self.device.event() for _ in range(4)]
        self._pool = {}

    def _buffer(self, nbytes):
        nbytes = _up(max(nbytes, 1), _PAGE)
        free = self._pool.get(nbytes)
        return free.pop() if free else self.device.buffer(nbytes)

    def run(self, op, kernel, inputs, outputs, scalars, work):
        """Runs kernel(*inputs, *outputs, *scalars) over up to `work`
        nodes; inputs are NumPy arrays, outputs (shape, dtype) pairs.
        Returns the output arrays."""
        t0 = time.perf_counter()
        s, ev = self.stream, self.events
        bins = [self._buffer(a.nbytes) for a in inputs]
        bouts = [self._buffer(int(np.prod(shape)) * np.dtype(dt).itemsize)
                 for shape, dt in outputs]
        try:
            s.record(ev[0])
            for b, a in zip(bins, inputs):
                b.copy_from_host(a, offset=0, stream=s)
            s.record(ev[1])
            # check_exit: a kernel's limit check exits non-zero.
            s.launch(self.kernels[kernel], *bins, *bouts, *scalars,
                     grid=(max(1, min(self.nodes, work)), 1),
                     check_exit=True)
            s.record(ev[2])
            res = [b.copy_to_host(np.empty(shape, dt), offset=0, stream=s)
                   for b, (shape, dt) in zip(bouts, outputs)]
            s.record(ev[3])
            s.synchronize()
        finally:
            for b in bins + bouts:
                self._pool.setdefault(b.nbytes, []).append(b)
        self.stats.add(op, ev[1].elapsed_ms(ev[2]),
                       ev[0].elapsed_ms(ev[1]) + ev[2].elapsed_ms(ev[3]),
                       (time.perf_counter() - t0) * 1e3)
        return res

    # -- matrix products -------------------------------------------------

    def mm(self, a, b, precision="fp32"):
        """a @ b for 2-D CPU tensors, as float32, on the card."""
        if a.dim() != 2 or b.dim() != 2 or a.shape[1] != b.shape[0]:
            raise ValueError("matmul: shapes %s and %s do not multiply"
                             % (tuple(a.shape), tuple(b.shape)))
        if precision not in ("fp32", "bf16"):
            raise ValueError("precision must be 'fp32' or 'bf16'")
        a, b = a.detach(), b.detach()
        m, k = a.shape
        n = b.shape[1]
        if not m or not n or not k:
            return torch.zeros(m, n)
        out = None
        # The inner dimension in pieces the kernel takes, summed here.
        for k0 in range(0, k, _MM_KMAX):
            part = self._mm_cols(a[:, k0:k0 + _MM_KMAX],
                                 b[k0:k0 + _MM_KMAX], precision)
            out = part if out is None else out + part
        return out

    def _mm_cols(self, a, b, precision):
        """a @ b in column blocks of b that fit a node's SRAM."""
        k, n = b.shape
        bf16 = precision == "bf16"
        kp = _up(k, 4) if bf16 else k
        step = 8 if bf16 else 16
        cols = (_MM_BMAX // (kp * (2 if bf16 else 4))) // step * step
        cols = max(step, min(cols, _MM_NMAX))
        parts = [self._mm_block(a, b[:, j:j + cols], bf16)
                 for j in range(0, n, cols)]
        return parts[0] if len(parts) == 1 else torch.cat(parts, dim=1)

    def _mm_block(self, a, b, bf16):
        m, k = a.shape
        n = b.shape[1]
        if bf16:
            mp, np_, kp = _up(m, 8), _up(n, 8), _up(k, 4)
            conv = lambda t, r, c: torch.nn.functional.pad(  # noqa: E731
                t.to(torch.bfloat16), (0, c - t.shape[1], 0, r - t.shape[0])
            ).contiguous().view(torch.int16).numpy()
            arrs = [conv(a, mp, kp), conv(b, kp, np_)]
            kernel, work = "mm_bf16", mp // 8
        else:
            mp, np_, kp = m, _up(n, 16), k
            arrs = [a.to(torch.float32).contiguous().numpy(),
                    torch.nn.functional.pad(b.to(torch.float32),
                                            (0, np_ - n)).contiguous().numpy()]
            kernel, work = "mm_f32", m
        (c,) = self.run(kernel, kernel, arrs, [((mp, np_), np.float32)],
                        [mp, np_, kp], work)
        return torch.from_numpy(c[:m, :n])

    # -- element-wise ----------------------------------------------------

    def ew(self, op, x, y=None):
        """op(x, y) element-wise on float32 tensors of one shape."""
        xs = _f32(x, op)
        ys = _f32(y, op) if y is not None else xs
        if y is not None and xs.shape != ys.shape:
            raise ValueError("%s: shapes %s and %s differ"
                             % (op, tuple(x.shape), tuple(y.shape)))
        n = xs.size
        if not n:
            return torch.zeros(x.shape)
        (out,) = self.run(op, "ew", [xs.reshape(-1), ys.reshape(-1)],
                          [((n,), np.float32)], [n, _EW_OPS[op]],
                          math.ceil(n / 4096))
        return torch.from_numpy(out.reshape(x.shape))

    def add_row(self, x, row):
        """x + row for x of shape (..., c) and row of shape (c,)."""
        xs, rs = _f32(x, "add"), _f32(row, "add")
        c = rs.shape[0]
        if c > _ROW_MAX:
            return self.ew("add", x, row.expand_as(x).contiguous())
        cp = _up(c, 16)
        x2 = np.zeros((xs.size // c, cp), np.float32)
        x2[:, :c] = xs.reshape(-1, c)
        r2 = np.zeros(cp, np.float32)
        r2[:c] = rs
        (out,) = self.run("add_row", "add_row", [x2, r2],
                          [(x2.shape, np.float32)], [x2.shape[0], cp],
                          x2.shape[0])
        return torch.from_numpy(np.ascontiguousarray(out[:, :c])).reshape(x.shape)

    def sum_rows(self, x, c):
        """The sum of x (shape (..., c)) over all but its last dimension:
        every node sums its share of the rows, the host adds the parts."""
        xs = _f32(x, "sum_rows").reshape(-1, c)
        cp = _up(c, 16)
        if cp > _ROW_MAX:
            return torch.from_numpy(xs.sum(axis=0, dtype=np.float32))
        x2 = np.zeros((xs.shape[0], cp), np.float32)
        x2[:, :c] = xs
        parts = max(1, min(self.nodes, x2.shape[0]))
        (out,) = self.run("sum_rows", "sum_rows", [x2],
                          [((parts, cp), np.float32)], [x2.shape[0], cp],
                          parts)
        return torch.from_numpy(out[:, :c].sum(axis=0, dtype=np.float32))


def _f32(t, op):
    if t.dtype != torch.float32:
        raise TypeError("d1.torch.%s takes float32 tensors, not %s"
                        % (op, t.dtype))
    return t.detach().contiguous().numpy()


_context = None


def context():
    """The current Context (opening device 0 on first use)."""
    global _context
    if _context is None:
        _context = Context()
    return _context


def set_context(ctx):
    """Run d1.torch on ctx (a Context) from now on; returns the old one."""
    global _context
    old, _context = _context, ctx
    return old


class _MatMul(torch.autograd.Function):
    @staticmethod
    def forward(ctx, a, b, precision, c):
        ctx.save_for_backward(a, b)
        ctx.precision, ctx.c = precision, c
        return c.mm(a, b, precision)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        ga = gb = None
        if ctx.needs_input_grad[0]:
            ga = ctx.c.mm(g, b.t(), ctx.precision).to(a.dtype)
        if ctx.needs_input_grad[1]:
            gb = ctx.c.mm(a.t(), g, ctx.precision).to(b.dtype)
        return ga, gb, None, None


class _Add(torch.autograd.Function):
    @staticmethod
    def forward(ctx, a, b, c):
        ctx.c, ctx.row = c, b.shape != a.shape
        ctx.cols = b.shape[-1]
        if ctx.row:
            if b.dim() != 1 or b.shape[0] != a.shape[-1]:
                raise ValueError("add: %s and %s: b must have a's shape or "
                                 "be a row (a.shape[-1],)"
                                 % (tuple(a.shape), tuple(b.shape)))
            return c.add_row(a, b)
        return c.ew("add", a, b)

    @staticmethod
    def backward(ctx, g):
        gb = None
        if ctx.needs_input_grad[1]:
            gb = ctx.c.sum_rows(g, ctx.cols) if ctx.row else g
        return g, gb, None


class _Mul(torch.autograd.Function):
    @staticmethod
    def forward(ctx, a, b, c):
        ctx.save_for_backward(a, b)
        ctx.c = c
        return c.ew("mul", a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        ga = ctx.c.ew("mul", g, b) if ctx.needs_input_grad[0] else None
        gb = ctx.c.ew("mul", g, a) if ctx.needs_input_grad[1] else None
        return ga, gb, None


class _ReLU(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, c):
        ctx.save_for_backward(x)
        ctx.c = c
        return c.ew("relu", x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return ctx.c.ew("relu_grad", g, x), None


def matmul(a, b, precision="fp32"):
    """a @ b (2-D) on the card; float32 result.  precision "fp32" (vector
    unit) or "bf16" (inputs rounded to BF16, FP32 accumulation)."""
    return _MatMul.apply(a, b, precision, context())


def add(a, b):
    """a + b, b of a's shape or a row broadcast over a's rows."""
    return _Add.apply(a, b, context())


def mul(a, b):
    """a * b element-wise."""
    return _Mul.apply(a, b, context())


def relu(x):
    """max(x, 0) element-wise."""
    return _ReLU.apply(x, context())


class Linear(torch.nn.Linear):
    """torch.nn.Linear (same parameters and initialisation) computing
    x W^T + b on the card; precision as for matmul()."""

    def __init__(self, in_features, out_features, bias=True,
                 precision="fp32"):
        super().__init__(in_features, out_features, bias)
        self.precision = precision

    def forward(self, x):
        lead = x.shape[:-1]
        y = matmul(x.reshape(-1, x.shape[-1]), self.weight.t(), self.precision)
        if self.bias is not None:
            y = add(y, self.bias)
        return y.reshape(*lead, self.out_features)

    def extra_repr(self):
        return super().extra_repr() + ", precision=%s" % self.precision


class ReLU(torch.nn.Module):
    """torch.nn.ReLU on the card."""

    def forward(self, x):
        return relu(x)

#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Trains a tiny MLP for a few steps with its layers on the d1 card
(d1.torch) and prints the loss per step and where the time went.

    mlp_train.py [--precision fp32|bf16] [--steps N] [--check]

The model is 20 -> 48 -> ReLU -> 10 on a batch of 64, mean squared error
against a fixed target, plain SGD; the matrix products, bias additions,
ReLU and their gradients run on the card, the loss and the optimiser on
the CPU.  --check trains the same model with CPU PyTorch alone (for bf16
with the products' inputs rounded to BF16 as the card does) and prints
the largest relative difference between the two loss curves.
"""
import argparse
import sys
import time

import torch

IN, HIDDEN, OUT, BATCH = 20, 48, 10, 64


class _BF16MatMul(torch.autograd.Function):
    """a @ b on the CPU as the card's matrix unit computes it: inputs
    rounded to BF16, products summed in FP32 (backward likewise)."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a.bfloat16().float() @ b.bfloat16().float()

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        g16 = g.bfloat16().float()
        return (g16 @ b.t().bfloat16().float(),
                a.t().bfloat16().float() @ g16)


class CpuBF16Linear(torch.nn.Linear):
    """The CPU reference of d1.torch.Linear(precision="bf16")."""

    def forward(self, x):
        return _BF16MatMul.apply(x, self.weight.t()) + self.bias


def model(on_card, precision, seed=0):
    """The MLP; the same parameters on the card and on the CPU."""
    torch.manual_seed(seed)
    if on_card:
        import d1.torch as dt

        def linear(i, o):
            return dt.Linear(i, o, precision=precision)
        act = dt.ReLU()
    else:
        linear = CpuBF16Linear if precision == "bf16" else torch.nn.Linear
        act = torch.nn.ReLU()
    return torch.nn.Sequential(linear(IN, HIDDEN), act, linear(HIDDEN, OUT))


def data(seed=0):
    g = torch.Generator().manual_seed(seed + 1)
    x = torch.randn(BATCH, IN, generator=g)
    y = torch.sin(x @ torch.randn(IN, OUT, generator=g))
    return x, y


def train(on_card=True, precision="fp32", steps=5, seed=0, lr=0.2, log=None):
    """Trains for `steps` SGD steps; returns the loss of every step."""
    net = model(on_card, precision, seed)
    x, y = data(seed)
    opt = torch.optim.SGD(net.parameters(), lr=lr)
    losses = []
    for step in range(steps):
        t0 = time.perf_counter()
        opt.zero_grad()
        loss = torch.nn.functional.mse_loss(net(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
        if log:
            log("step %d  loss %.6f  (%.1f ms)" % (
                step, losses[-1], (time.perf_counter() - t0) * 1e3))
    return losses


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--precision", choices=("fp32", "bf16"), default="bf16")
    ap.add_argument("--steps", type=int, default=5)
    ap.add_argument("--check", action="store_true",
                    help="compare with CPU PyTorch")
    args = ap.parse_args(argv)

    import d1.torch as dt
    ctx = dt.context()
    print("d1.torch on %s, %s matrix products" % (
        ctx.device.info.devnode, args.precision))
    t0 = time.perf_counter()
    losses = train(True, args.precision, args.steps, log=print)
    wall = (time.perf_counter() - t0) * 1e3
    n, kernel, copies, in_ops = ctx.stats.total()
    print("\nwhere the time went (%d steps, %.0f ms):" % (args.steps, wall))
    print(ctx.stats.report())
    print("%.0f ms in %d card operations: %.0f ms kernels, %.0f ms copies, "
          "%.0f ms host side; %.0f ms in PyTorch outside them" % (
              in_ops, n, kernel, copies, in_ops - kernel - copies,
              wall - in_ops))
    if args.check:
        cpu = train(False, args.precision, args.steps)
        diff = max(abs(a - b) / abs(b) for a, b in zip(losses, cpu))
        print("largest relative difference to CPU PyTorch: %.2e" % diff)
    return 0 if losses[-1] < losses[0] else 1


if __name__ == "__main__":
    sys.exit(main())

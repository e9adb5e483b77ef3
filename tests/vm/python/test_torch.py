# SPDX-License-Identifier: GPL-2.0
"""d1.torch against CPU PyTorch: matrix products in FP32 and in BF16 (FP32
accumulation), element-wise operations, their gradients, and the example
MLP training: its loss goes down and follows CPU PyTorch.

Tolerances (Documentation/accel/d1/python.rst): a product differs from
the CPU's by at most 1e-5 * (|a| @ |b|) element-wise (FP32 rounding of a
different summation order; for BF16 the CPU reference rounds the inputs
to BF16 first); element-wise operations are exact; training losses agree
to 1e-4 relative over the steps."""
import importlib.util
import os

import pytest

torch = pytest.importorskip("torch")

# The example of the work tree, or the installed one (D1_EXAMPLE).
EXAMPLE = os.environ.get("D1_EXAMPLE") or os.path.join(
    os.path.dirname(__file__), "..", "..", "..", "python", "examples",
    "mlp_train.py")


@pytest.fixture(scope="module")
def dt(d1mod):
    import d1.torch as dt
    return dt


def bound(a, b):
    return 1e-5 * (a.abs() @ b.abs()) + 1e-6


@pytest.mark.parametrize("shape", [(8, 16, 16), (37, 50, 29), (3, 130, 70)])
def test_matmul_fp32(dt, shape):
    m, k, n = shape
    g = torch.Generator().manual_seed(m)
    a, b = torch.randn(m, k, generator=g), torch.randn(k, n, generator=g)
    c = dt.matmul(a, b)
    assert c.dtype == torch.float32 and c.shape == (m, n)
    assert ((c - a @ b).abs() <= bound(a, b)).all()


@pytest.mark.parametrize("shape", [(8, 4, 8), (37, 50, 29), (64, 200, 40)])
def test_matmul_bf16(dt, shape):
    m, k, n = shape
    g = torch.Generator().manual_seed(k)
    a, b = torch.randn(m, k, generator=g), torch.randn(k, n, generator=g)
    c = dt.matmul(a, b, precision="bf16")
    a16, b16 = a.bfloat16().float(), b.bfloat16().float()
    assert ((c - a16 @ b16).abs() <= bound(a16, b16)).all()
    # Against full FP32: within what rounding the inputs to BF16 costs.
    assert ((c - a @ b).abs() <= 2 ** -7 * (a.abs() @ b.abs()) + 1e-6).all()
    # bfloat16 tensors go in as they are.
    c2 = dt.matmul(a.bfloat16(), b.bfloat16(), precision="bf16")
    assert torch.equal(c, c2)


def test_elementwise_and_gradients(dt):
    g = torch.Generator().manual_seed(3)
    x = torch.randn(33, 70, generator=g)
    y = torch.randn(33, 70, generator=g)
    bias = torch.randn(70, generator=g)
    w = torch.randn(33, 70, generator=g)

    def run(add, mul, relu):
        xs, ys, bs = (t.clone().requires_grad_() for t in (x, y, bias))
        out = mul(relu(add(add(xs, ys), bs)), ys)
        (out * w).sum().backward()
        return out.detach(), xs.grad, ys.grad, bs.grad

    card = run(dt.add, dt.mul, dt.relu)
    cpu = run(torch.add, torch.mul, torch.relu)
    for c, r in zip(card, cpu):
        assert torch.allclose(c, r, rtol=1e-6, atol=1e-5), (c - r).abs().max()
    with pytest.raises(TypeError, match="float32"):
        dt.relu(x.double())
    with pytest.raises(ValueError, match="differ"):
        dt.mul(x, y[:3])


def test_matmul_gradients(dt):
    g = torch.Generator().manual_seed(5)
    a = torch.randn(24, 40, generator=g, requires_grad=True)
    b = torch.randn(40, 16, generator=g, requires_grad=True)
    w = torch.randn(24, 16, generator=g)
    (dt.matmul(a, b) * w).sum().backward()
    ga, gb = a.grad.clone(), b.grad.clone()
    a.grad = b.grad = None
    ((a @ b) * w).sum().backward()
    assert ((ga - a.grad).abs() <= bound(w, b.detach().t())).all()
    assert ((gb - b.grad).abs() <= bound(a.detach().t(), w)).all()


def test_mlp_training_follows_cpu_torch(dt, capsys):
    spec = importlib.util.spec_from_file_location("mlp_train", EXAMPLE)
    ex = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ex)
    for precision in ("fp32", "bf16"):
        card = ex.train(True, precision, steps=5)
        cpu = ex.train(False, precision, steps=5)
        assert card[-1] < 0.95 * card[0], card
        for c, r in zip(card, cpu):
            assert abs(c - r) <= 1e-4 * abs(r), (precision, card, cpu)
    # The example as a user runs it: loss per step, where the time went.
    dt.context().stats.reset()
    assert ex.main(["--precision", "bf16", "--steps", "5", "--check"]) == 0
    out = capsys.readouterr().out
    with capsys.disabled():
        print("\n" + out)
    assert "step 4  loss" in out and "where the time went" in out
    assert "mm_bf16" in out and "largest relative difference" in out

# SPDX-License-Identifier: GPL-2.0
"""The d1 Python module against the device: discovery, buffers and copies
(every dtype, both memory types, checked shapes and dtypes), a kernel
built from a string with typed arguments, streams, events, device printf,
and the errors: a bad source with its build log, wrong argument types, a
faulting kernel, a budget, the GIL released while waiting."""
import os
import struct
import threading
import time

import numpy as np
import pytest

import kernels

DTYPES = [np.bool_, np.int8, np.uint8, np.int16, np.uint16, np.int32,
          np.uint32, np.int64, np.uint64, np.float16, np.float32,
          np.float64, np.complex64, np.complex128]


def sample(dtype, shape, rng):
    if dtype == np.bool_:
        return rng.integers(0, 2, shape).astype(np.bool_)
    if np.issubdtype(dtype, np.integer):
        info = np.iinfo(dtype)
        return rng.integers(info.min, info.max, shape, dtype=dtype,
                            endpoint=True)
    if np.issubdtype(dtype, np.complexfloating):
        return (rng.standard_normal(shape) +
                1j * rng.standard_normal(shape)).astype(dtype)
    return (rng.standard_normal(shape) * 1e3).astype(dtype)


def test_device_info(d1mod, dev):
    info = dev.info
    assert info.driver == "d1"
    assert os.path.exists(info.devnode)
    sysdev = "/sys/class/accel/accel%d/device" % info.minor
    assert os.path.basename(os.readlink(sysdev)) == info.pci_address
    cols, rows = info.grid
    assert cols * rows >= info.node_count > 0
    assert info.hbm_size == os.path.getsize(os.path.join(sysdev, "resource2"))
    assert dev.ping(0x1234) == (~0x1234) & 0xffffffff
    assert d1mod.device_count() >= 1
    t = dev.telemetry()
    assert t["temperature_mc"] > 0 and len(t["queues"]) == info.num_queues


@pytest.mark.parametrize("mem", ["hbm", "host"])
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_round_trip(d1mod, dev, dtype, mem):
    rng = np.random.default_rng(7)
    a = sample(dtype, (3, 5, 7), rng)
    m = d1mod.MEM_HBM if mem == "hbm" else d1mod.MEM_HOST
    b = dev.buffer_from(a, mem=m)
    assert b.shape == a.shape and b.nbytes == a.nbytes
    assert b.dtype == a.dtype
    back = b.numpy()
    assert back.dtype == a.dtype and back.shape == a.shape
    np.testing.assert_array_equal(back, a)
    # Into an existing array, and through a stream.
    out = np.zeros_like(a)
    assert b.copy_to_host(out) is out
    np.testing.assert_array_equal(out, a)
    c = dev.buffer(like=a, mem=m)
    s = dev.stream()
    c.copy_from(b, stream=s)
    later = c.copy_to_host(stream=s)
    s.synchronize()
    np.testing.assert_array_equal(later, a)
    b.close()
    c.close()


def test_dtype_and_shape_are_checked(d1mod, dev):
    a = np.arange(24, dtype=np.float32).reshape(4, 6)
    b = dev.buffer_from(a)
    with pytest.raises(d1mod.InvalidValueError, match="'i'.*'f'"):
        b.copy_from_host(a.astype(np.int32))
    with pytest.raises(ValueError, match="shape"):
        b.copy_from_host(a.reshape(6, 4))
    with pytest.raises(ValueError, match="C-contiguous"):
        b.copy_from_host(a.T)
    with pytest.raises(ValueError, match="do not fit"):
        b.copy_from_host(np.zeros(25, np.float32), offset=0)
    ro = np.zeros_like(a)
    ro.flags.writeable = False
    with pytest.raises(ValueError, match="writable"):
        b.copy_to_host(ro)
    with pytest.raises(TypeError):
        b.copy_from_host([1.0, 2.0])
    # Part of it at an element-aligned offset.
    b.copy_from_host(np.full(6, -1, np.float32), offset=6 * 4)
    expect = a.copy()
    expect[1] = -1
    np.testing.assert_array_equal(b.numpy(), expect)
    with pytest.raises(ValueError, match="multiple"):
        b.copy_from_host(np.zeros(2, np.float32), offset=2)
    # Untyped bytes take any array that fits.
    raw = dev.buffer(64)
    assert raw.shape is None and raw.nbytes == 64
    raw.copy_from_host(np.arange(16, dtype=np.int32))
    np.testing.assert_array_equal(raw.copy_to_host(np.zeros(16, np.int32)),
                                  np.arange(16))
    with pytest.raises(d1mod.InvalidValueError):
        dev.buffer(0)
    b.close()
    with pytest.raises(d1mod.InvalidStateError, match="closed"):
        b.numpy()


def test_kernel_from_string(d1mod, dev):
    prog = d1mod.Program(kernels.KERNELS, "py_kernels.c").build()
    assert set(prog.kernels) >= {"axpb", "hello", "fault", "spin", "echo"}
    assert prog.cache in ("hit", "miss")
    k = prog.kernel("axpb")
    assert [(a.name, a.type, a.kind) for a in k.args] == [
        ("x", "d1_devptr", "buffer"), ("y", "d1_devptr", "buffer"),
        ("n", "uint32_t", "int"), ("a", "float", "float"),
        ("b", "float", "float")]
    n = 5000
    x = np.random.default_rng(1).standard_normal(n).astype(np.float32)
    bx = dev.buffer_from(x)
    by = dev.buffer(like=x)
    s = dev.stream()
    e0 = s.record()
    launch = s.launch(k, bx, by, n, 2.5, -1, grid=(4, 1), at=(1, 2))
    e1 = s.record()
    assert (launch.kernel, launch.grid, launch.at) == ("axpb", (4, 1), (1, 2))
    s.synchronize()
    assert s.query()
    # One rounding step apart at most (clang may fuse a * x + b).
    np.testing.assert_allclose(by.numpy(), 2.5 * x - 1, rtol=1e-6, atol=1e-6)
    assert e0.elapsed_ms(e1) > 0
    # Run through the device's default stream, offset into a buffer.
    dev.run(k, (bx, 4 * 1000), (by, 4 * 1000), 10, 0.0, 7.0)
    np.testing.assert_array_equal(by.numpy()[1000:1010], 7.0)
    np.testing.assert_allclose(by.numpy()[:1000], 2.5 * x[:1000] - 1,
                               rtol=1e-6, atol=1e-6)


def test_launch_results_per_node(d1mod, dev, prog):
    n = 4000
    x = np.arange(n, dtype=np.float32)
    bx = dev.buffer_from(x)
    by = dev.buffer(like=x)
    s = dev.stream()
    launch = s.launch(prog.kernel("axpb"), bx, by, n, 2.0, 1.0, grid=(2, 2),
                      at=(3, 1), harts=2)
    with pytest.raises(d1mod.NotReadyError):
        launch.nodes()
    s.synchronize()
    np.testing.assert_array_equal(by.numpy(), 2 * x + 1)
    info = launch.info()
    assert info["kernel"] == "axpb" and info["status"] == "D1_SUCCESS"
    assert info["counters"] and info["instret"] > 0 and info["cycles"] > 0
    assert info["sim_ms"] == info["cycles"] / 2e6
    nodes = launch.nodes()
    assert [nd["at"] for nd in nodes] == [(3, 1), (4, 1), (3, 2), (4, 2)]
    for nd in nodes:
        assert (nd["state"], nd["exit_code"], nd["fault"]) == ("exited", 0, 0)
        assert nd["instret"][2:] == (0, 0)      # two harts launched
    assert sum(sum(nd["instret"]) for nd in nodes) == info["instret"]
    assert max(nd["cycles"] for nd in nodes) == info["cycles"]
    # Each node moved its quarter of x in and of y out.
    for nd in nodes:
        assert nd["dma_hbm_read"] == nd["dma_hbm_write"] == n // 4 * 4


def test_launch_results_name_the_faulting_node(d1mod, dev, prog):
    s = dev.stream()
    s.on_printf = lambda text: None
    launch = s.launch(prog.kernel("fault"), 0x20000000, grid=(2, 1))
    with pytest.raises(d1mod.LaunchFailedError):
        s.synchronize()
    assert launch.info()["status"] == "D1_ERROR_LAUNCH_FAILED"
    faulted = [nd for nd in launch.nodes() if nd["state"] == "faulted"]
    assert faulted and all(nd["fault_addr"] == 0x20000000 for nd in faulted)


def test_typed_arguments(d1mod, dev, prog):
    k = prog.kernel("echo")
    out = dev.buffer(7 * 8)
    dev.run(k, out, -5, 65535, -(2 ** 31), 2 ** 64 - 1, 1.5,
            struct.pack("<ii", 3, -4))
    r = out.copy_to_host(np.zeros(7, np.int64))
    assert list(r) == [-5, 65535, -(2 ** 31), -1, 1500, 3, -4]


def test_printf_and_harts(d1mod, dev, prog):
    s = dev.stream()
    seen = []
    s.on_printf = seen.append
    s.launch(prog.kernel("hello"), 42, grid=(2, 1), harts=2)
    s.synchronize()
    text = "".join(seen)
    for rank in range(2):
        for hart in range(2):
            assert "hello 42 from rank %d of 2 hart %d" % (rank, hart) in text
    assert all(line.startswith("[") for line in text.splitlines())


def test_bad_source_shows_the_build_log(d1mod):
    p = d1mod.Program(kernels.BAD, "bad.c")
    with pytest.raises(d1mod.BuildError) as ei:
        p.build()
    e = ei.value
    assert e.status_name == "D1_ERROR_BUILD"
    assert e.status == 9
    assert "bad.c:1:14: error" in e.log
    assert "bad.c:1:14: error" in str(e)
    assert e.log == p.log
    assert not p.built
    with pytest.raises(d1mod.InvalidStateError, match="not built"):
        p.kernel("x")


def test_wrong_argument_types(d1mod, dev, prog):
    k = prog.kernel("axpb")
    b = dev.buffer(64)
    bad = [
        (("x", b, 1, 1.0, 1.0), "expects a d1.Buffer"),
        ((b, b, "1", 1.0, 1.0), "expects an integer, not str"),
        ((b, b, 1.0, 1.0, 1.0), "expects an integer, not float"),
        ((b, b, -1, 1.0, 1.0), "out of range"),
        ((b, b, 2 ** 32, 1.0, 1.0), "out of range"),
        ((b, b, 1, "a", 1.0), "expects a float, not str"),
        ((b, b, 1, 1.0), "takes 5 argument"),
    ]
    for args, what in bad:
        with pytest.raises(d1mod.ArgumentError, match=what) as ei:
            dev.run(k, *args)
        assert isinstance(ei.value, TypeError)
        assert ei.value.status_name == "D1_ERROR_ARGUMENT"
    with pytest.raises(d1mod.ArgumentError, match="expects 8 bytes, 3 given"):
        dev.run(prog.kernel("echo"), b, 1, 1, 1, 1, 1.0, b"123")
    with pytest.raises(d1mod.InvalidValueError, match="outside the grid"):
        dev.run(k, b, b, 16, 1.0, 0.0, grid=(1000, 1))
    with pytest.raises(d1mod.NotFoundError):
        prog.kernel("no_such_kernel")


def test_faulting_kernel_is_reported_and_the_device_recovers(d1mod, dev,
                                                           prog):
    s = dev.stream()
    text = []
    s.on_printf = text.append
    s.launch(prog.kernel("fault"), 0x20000000)
    with pytest.raises(d1mod.LaunchFailedError) as ei:
        s.synchronize()
    e = ei.value
    assert e.status_name == "D1_ERROR_LAUNCH_FAILED"
    assert e.info.kind == "node_fault"
    assert e.info.node == (0, 0) and e.info.address == 0x20000000
    assert "load access fault" in e.message and "fault" in e.info.kernel
    assert s.last_error.kind == "node_fault"
    assert "about to fault" in "".join(text)
    # The same stream and device go on working.
    x = np.arange(64, dtype=np.float32)
    bx = dev.buffer_from(x)
    s.launch(prog.kernel("axpb"), bx, bx, 64, 2.0, 0.0)
    s.synchronize()
    np.testing.assert_array_equal(bx.numpy(), 2 * x)


def test_budget_raises_timeout(d1mod, dev, prog):
    s = dev.stream()
    s.launch(prog.kernel("spin"), 1, budget=20000)
    with pytest.raises(TimeoutError) as ei:
        s.synchronize()
    assert isinstance(ei.value, d1mod.TimeoutError)
    assert ei.value.info.kind == "budget"


def test_time_limit_stops_a_launch(d1mod, dev, prog):
    s = dev.stream()
    s.launch(prog.kernel("spin"), 1, time_limit_ms=200)
    with pytest.raises(TimeoutError) as ei:
        s.synchronize()
    assert ei.value.info.kind == "time_limit"
    assert "time limit of 200 ms" in ei.value.info.message
    # The stream goes on; a limit with room to spare lets a kernel end.
    x = np.arange(64, dtype=np.float32)
    bx = dev.buffer_from(x)
    s.launch(prog.kernel("axpb"), bx, bx, 64, 3.0, 1.0, time_limit_ms=60000)
    s.synchronize()
    np.testing.assert_array_equal(bx.numpy(), 3 * x + 1)


def test_events_order_streams(d1mod, dev, prog):
    n = 4096
    x = np.ones(n, np.float32)
    b = dev.buffer_from(x)
    s1, s2 = dev.stream(queue=0), dev.stream(queue=1)
    assert (s1.queue, s2.queue) == (0, 1)
    s1.launch(prog.kernel("axpb"), b, b, n, 3.0, 0.0, grid=(2, 1))
    done = s1.record()
    s2.wait(done)
    s2.launch(prog.kernel("axpb"), b, b, n, 1.0, 1.0, grid=(2, 1))
    end = s2.record()
    end.synchronize()
    assert end.query()
    s1.synchronize()
    s2.synchronize()
    np.testing.assert_array_equal(b.numpy(), 4.0)
    never = dev.event()
    with pytest.raises(d1mod.InvalidStateError, match="never recorded"):
        s1.wait(never)


def test_gil_is_released_while_waiting(d1mod, dev, prog):
    # While a thread waits in synchronize(), this one runs: it records
    # times during the wait, well before its end.  Holding the GIL, the
    # waiting thread would let it run only once the wait was over.  A
    # starved guest may start the thread when the grid time limit has
    # nearly passed; such a short wait tells nothing, a longer one is run.
    for limit_ms in (3000, 6000, 12000):
        s = dev.stream()
        s.launch(prog.kernel("spin"), 1, time_limit_ms=limit_ms)
        span = {}

        def wait():
            span["enter"] = time.monotonic()
            with pytest.raises(TimeoutError):
                s.synchronize()
            span["exit"] = time.monotonic()

        t = threading.Thread(target=wait)
        t.start()
        seen = []
        while t.is_alive():
            seen.append(time.monotonic())
        t.join()
        assert "exit" in span, "the waiting thread failed"
        if span["exit"] - span["enter"] < 1.0:
            continue
        # Not just a switch as the waiter came back from synchronize().
        assert any(span["enter"] < p < span["exit"] - 0.3 for p in seen), \
            "nothing ran while the other thread waited: it held the GIL"
        return
    pytest.skip("no wait lasted a second: the guest is too starved to tell")


def test_closing_the_device_releases_its_objects(d1mod):
    d = d1mod.Device(0)
    b = d.buffer(4096)
    s = d.stream()
    e = s.record()
    d.close()
    assert d.closed and b.closed
    for call in (b.numpy, s.synchronize, e.synchronize, d.ping):
        with pytest.raises(d1mod.InvalidStateError, match="closed"):
            call()


def test_copy_from_peer_card(d1mod):
    """copy_from a buffer of the card whose link reaches this one."""
    if d1mod.device_count() < 2 or os.environ.get("D1_LINKS") != "ring":
        pytest.skip("needs two linked cards (tools/vm-run.sh --cards 2)")
    rng = np.random.default_rng(11)
    a = rng.integers(0, 256, (3 << 20) + 5, dtype=np.uint8)
    with d1mod.Device(0) as d0, d1mod.Device(1) as d1:
        src = d0.buffer_from(a, mem=d1mod.MEM_HBM)
        dst = d1.buffer(like=a, mem=d1mod.MEM_HBM)
        dst.copy_from(src)
        np.testing.assert_array_equal(dst.numpy(), a)
        # Async on the sender's stream, unaligned offsets.
        s = d0.stream()
        dst.copy_from(src, nbytes=1000, offset=7, src_offset=3, stream=s)
        s.synchronize()
        want = a.copy()
        want[7:1007] = a[3:1003]
        np.testing.assert_array_equal(dst.numpy(), want)
        # Only HBM receives over the link.
        host = d1.buffer(like=a, mem=d1mod.MEM_HOST)
        with pytest.raises(d1mod.InvalidValueError):
            host.copy_from(src)
        # The stream must be the sender's.
        with pytest.raises(d1mod.InvalidValueError, match="another device"):
            dst.copy_from(src, stream=d1.stream())

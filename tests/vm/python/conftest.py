# SPDX-License-Identifier: GPL-2.0
"""pytest set-up of the Python tests: results as TAP lines at the end (what
tools/check.sh counts), and the fixtures the tests share."""
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))

_results = {}


def pytest_runtest_logreport(report):
    r = _results.setdefault(report.nodeid, ["pass", ""])
    if report.failed:
        r[0] = "fail"
    elif report.skipped and r[0] != "fail":
        r[0] = "skip"
        r[1] = str(report.longrepr[2]) if isinstance(report.longrepr, tuple) \
            else ""


def pytest_unconfigure(config):
    if not _results:
        return
    lines = ["1..%d" % len(_results)]
    for i, (nodeid, (st, why)) in enumerate(_results.items(), 1):
        if st == "fail":
            lines.append("not ok %d %s" % (i, nodeid))
        elif st == "skip":
            lines.append("ok %d %s # SKIP %s" % (i, nodeid, why))
        else:
            lines.append("ok %d %s" % (i, nodeid))
    sys.stdout.write("\n".join(lines) + "\n")
    sys.stdout.flush()


@pytest.fixture(scope="session")
def d1mod():
    import d1
    assert d1.device_count() >= 1, "no d1 device: is d1.ko loaded?"
    return d1


@pytest.fixture(scope="session")
def dev(d1mod):
    with d1mod.Device(0) as d:
        yield d


@pytest.fixture(scope="session")
def prog(d1mod):
    import kernels
    return d1mod.Program(kernels.KERNELS, "py_kernels.c").build()

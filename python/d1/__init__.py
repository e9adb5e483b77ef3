# SPDX-License-Identifier: MIT
"""The d1 accelerator from Python, over libd1.

    import d1, numpy as np

    dev = d1.Device(0)
    prog = d1.Program(source).build()          # d1.BuildError has .log
    k = prog.kernel("vadd")
    a = dev.buffer_from(np.arange(1024, dtype=np.float32))
    c = dev.buffer(like=np.empty(1024, np.float32))
    dev.run(k, a, a, c, 1024, grid=(4, 1))    # launch and wait
    print(c.numpy())

Devices, buffers (copies from and to NumPy arrays, checked against the
dtype and shape a buffer holds), programs built from C source at run time
(through libd1's cache), kernels with typed arguments, streams, events
and launches.  Errors raise subclasses of d1.Error named after libd1's
d1_status codes.  d1.torch runs PyTorch operations on the card.
Documentation/accel/d1/python.rst has the whole of it.
"""
import os

from ._d1 import *  # noqa: F401,F403
from ._d1 import Program, sdk_version

__version__ = "%d.%d.%d" % sdk_version


def packaged_program(name, **build_options):
    """The program d1/kernels/<name>.c of this package, built.

    Built from its text under the fixed name d1_<name>.c, so the program
    cache key is the same wherever the package is installed (a cache
    warmed from a source tree serves an installed package too)."""
    path = os.path.join(os.path.dirname(__file__), "kernels", name + ".c")
    with open(path) as f:
        return Program(f.read(), "d1_%s.c" % name).build(**build_options)

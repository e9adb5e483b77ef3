# SPDX-License-Identifier: GPL-2.0
"""The device going away under open objects (the driver unbound, as on
hot-unplug): calls raise d1.DeviceLostError, pending work reports it, the
objects can still be closed, and the card comes back when bound again.
Runs last: it takes the device away.  Needs root."""
import os

import numpy as np
import pytest

DRV = "/sys/bus/pci/drivers/d1"


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def test_device_loss(d1mod, prog):
    if os.geteuid() or not os.access(DRV + "/unbind", os.W_OK):
        pytest.skip("needs root and the d1 driver's unbind file")
    d = d1mod.Device(0)
    pci = d.info.pci_address
    b = d.buffer_from(np.arange(1024, dtype=np.float32))
    s = d.stream()
    s.launch(prog.kernel("spin"), 1, budget=10 ** 12)
    write(DRV + "/unbind", pci)
    try:
        with pytest.raises(d1mod.DeviceLostError) as ei:
            s.synchronize()
        assert "gone" in ei.value.message
        with pytest.raises(d1mod.DeviceLostError):
            d.ping()
        with pytest.raises(d1mod.DeviceLostError):
            b.copy_from_host(np.zeros(1024, np.float32))
        assert d1mod.device_count() == 0
        with pytest.raises(d1mod.NoDeviceError):
            d1mod.Device(0)
        d.close()
    finally:
        write(DRV + "/bind", pci)
    with d1mod.Device(0) as again:
        assert again.info.pci_address == pci
        assert again.ping(5) == (~5) & 0xffffffff

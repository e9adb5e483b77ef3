#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The `make run` demo, run inside the VM: load d1.ko, show the device table,
# exercise the device through libd1, unload.
set -e
export LD_LIBRARY_PATH=$PWD/build/lib
echo "== loading d1.ko through libkmod"
build/bin/d1-kmod load ./d1.ko
echo "== d1-smi"
build/bin/d1-smi
echo "== unloading"
build/bin/d1-kmod unload
echo "demo: OK"

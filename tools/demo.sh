#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The `make run` demo, run inside the VM: load d1.ko, show the device table,
# run the vector_add example end to end through libd1 (kernel compiled at
# run time, through the program cache the build warmed), unload.
set -e
export LD_LIBRARY_PATH=$PWD/build/lib
export D1_CACHE_DIR=$PWD/build/kcache
echo "== loading d1.ko through libkmod"
build/bin/d1-kmod load ./d1.ko
echo "== d1-smi"
build/bin/d1-smi
echo "== libd1 example: vector_add (c = a + b, 1M floats, 4x4 nodes)"
build/examples/vector_add
echo "== unloading"
build/bin/d1-kmod unload
echo "demo: OK"

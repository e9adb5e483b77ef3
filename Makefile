# SPDX-License-Identifier: GPL-2.0
#
# d1: QEMU D1 DIP device, d1.ko accel driver, libd1 SDK.
#
#   make run         set up everything, boot the VM, load d1.ko, run the demo
#   make check       set up everything and run every test suite
#   make check-host  only what needs no VM (fast)
#   make stress      long reliability runs in the VM
#   make bench       benchmarks (build/bench.json)
#   make deb         Debian packages in build/deb, checked with lintian
#
# Kbuild (beside this file) describes the kernel module; this Makefile
# drives the kernel build through KDIR when called as "make module".

KVER ?= 6.12.117+deb12-amd64
KDIR ?= /lib/modules/$(KVER)/build
D1_CACHE ?= $(HOME)/.cache/d1
BUILD := $(CURDIR)/build
export KVER D1_CACHE BUILD

SUBMAKE := $(MAKE) --no-print-directory BUILD=$(BUILD)

.PHONY: all setup setup-host module module-debug userspace libd1 tools python \
	host-tests vm-tests check check-host run stress bench deb clean

all: module userspace

setup:
	@tools/setup.sh

setup-host:
	@tools/setup.sh --host-only

# Kernel module (built in-tree next to the sources, as Kbuild does).
module:
	@$(MAKE) --no-print-directory -C $(KDIR) M=$(CURDIR) modules

# d1.ko for the debug guest kernel (tools/vm-run.sh --debug-kernel), built
# from a copy of the sources in build/debug-kernel; -g maps the offsets of
# a KASAN or lockdep report to source lines (addr2line -e d1.ko).
DEBUG_KDIR = $(shell top=$(CURDIR) bash -c '. tools/lib.sh; debug_kernel_dir')/build
module-debug:
	@mkdir -p $(BUILD)/debug-kernel
	@cp -p Kbuild $(BUILD)/debug-kernel/
	@cp -rp driver hw uapi $(BUILD)/debug-kernel/
	@$(MAKE) --no-print-directory -C $(DEBUG_KDIR) M=$(BUILD)/debug-kernel \
		KCFLAGS=-g modules

libd1:
	@$(SUBMAKE) -C libd1

tools: libd1
	@$(SUBMAKE) -C tools

# The Python package (d1._d1 over libd1, d1.torch) in build/python.
python: libd1
	@$(SUBMAKE) -C python

host-tests:
	@$(SUBMAKE) -C tests/host
	@$(SUBMAKE) -C tests/host SAN=1

# Programs that run inside the VM; the Python tests' kernels go into the
# program cache here, so the guest does not run clang.
vm-tests: libd1 tools python
	@D1_CACHE_DIR=$(BUILD)/kcache PYTHONPATH=$(BUILD)/python \
		/usr/bin/python3 tests/vm/python/kernels.py
	@$(SUBMAKE) -C tests/vm/libd1
	@$(SUBMAKE) -C tests/selftests/drivers/d1 OUTPUT=$(BUILD)/selftests
	@$(SUBMAKE) -C tests/fuzz
	@$(SUBMAKE) -C tests/host $(BUILD)/tests/kernels/dev_scale.elf

userspace: libd1 tools vm-tests

check-host: setup-host
	@tools/check.sh host

check: setup
	@tools/check.sh all

run: setup
	@mkdir -p $(BUILD)
	@echo "build: d1.ko, libd1, tools, tests (log: build/build.log)"
	@$(MAKE) --no-print-directory module userspace >$(BUILD)/build.log 2>&1 || \
		{ tail -n 30 $(BUILD)/build.log; exit 1; }
	@tools/vm-run.sh --timeout 300 tools/demo.sh

stress: setup
	@tools/check.sh stress

bench: setup
	@tools/bench.sh

deb:
	@tools/deb.sh

clean:
	@$(MAKE) --no-print-directory -C $(KDIR) M=$(CURDIR) clean 2>/dev/null || true
	rm -rf $(BUILD)

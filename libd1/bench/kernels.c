// SPDX-License-Identifier: MIT
/* Kernels of the libd1 benchmark (sdk-bench.c). */
#include <d1/device/d1_launch.h>

D1_KERNEL(empty)
{
}

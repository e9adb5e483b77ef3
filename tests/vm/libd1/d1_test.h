/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the in-VM libd1 tests: the d1-dip card's properties
 * (d1_device_props.h) and reads of the device's sysfs attributes, as an
 * independent view to compare libd1's answers against.
 */
#ifndef D1_TEST_H
#define D1_TEST_H

#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <d1/d1.h>

#include "d1_device_props.h"

#define D1_PCI_DEVICE_ID	0xd1d1

/*
 * Size of BAR @bar of the PCI device behind accel<minor>, from its sysfs
 * "resource" file (one "start end flags" line per resource); 0 if unset.
 * Returns -1 if the file cannot be read.
 */
static inline int sysfs_bar_size(unsigned int minor, int bar, uint64_t *size)
{
	char path[PATH_MAX];
	unsigned long long start, end, flags;
	int i, ret = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/accel/accel%u/device/resource",
		 minor);
	f = fopen(path, "re");
	if (!f)
		return -1;
	for (i = 0; i <= bar; i++) {
		if (fscanf(f, "%llx %llx %llx", &start, &end, &flags) != 3)
			goto out;
	}
	*size = end > start ? end - start + 1 : 0;
	ret = 0;
out:
	fclose(f);
	return ret;
}

/* Basename of the device link of accel<minor>: its PCI address. */
static inline int sysfs_pci_address(unsigned int minor, char *out, size_t len)
{
	char path[PATH_MAX], target[PATH_MAX];
	const char *base;
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/class/accel/accel%u/device", minor);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return -1;
	target[n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (strlen(base) >= len)
		return -1;
	strcpy(out, base);
	return 0;
}

#endif /* D1_TEST_H */

/* SPDX-License-Identifier: MIT */
/*
 * libd1_internal.h - private to libd1 (and its white-box host tests).
 */
#ifndef LIBD1_INTERNAL_H
#define LIBD1_INTERNAL_H

#include <stddef.h>

#include "d1/d1.h"

/* Name the kernel driver registers (drm_driver.name, the sysfs driver). */
#define D1_DRIVER_NAME		"d1"

/* struct d1_device - an open device node */
struct d1_device {
	int fd;
	unsigned int index;
	unsigned int minor;
	char devnode[D1_DEVNODE_LEN];
	char pci_address[D1_PCI_ADDRESS_LEN];
	char driver_name[D1_DRIVER_NAME_LEN];
	int driver_major;
	int driver_minor;
	int driver_patch;
};

/* One d1 accel node found in sysfs. */
struct d1_node {
	unsigned int minor;
	char name[32];				/* "accelN" */
	char pci_address[D1_PCI_ADDRESS_LEN];	/* "" if unknown */
};

/* The d1 nodes of the system, sorted by minor. */
struct d1_node_list {
	struct d1_node *nodes;
	unsigned int count;
};

/* status.c */
d1_status d1_status_from_errno(int err);

/* enumerate.c */
const char *d1_sysfs_root(void);
const char *d1_dev_root(void);
d1_status d1_enumerate(struct d1_node_list *list);
void d1_node_list_free(struct d1_node_list *list);
int d1_pci_address_normalize(const char *in, char *out, size_t len);

#endif /* LIBD1_INTERNAL_H */

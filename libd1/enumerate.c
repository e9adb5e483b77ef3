// SPDX-License-Identifier: MIT
/*
 * Device discovery through sysfs: the d1 devices are the entries of
 * <sysfs>/class/accel/ whose device/driver link names the "d1" driver,
 * numbered in the order of their accel minor.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libd1_internal.h"

const char *d1_sysfs_root(void)
{
	const char *r = getenv("D1_SYSFS_ROOT");

	return r && *r ? r : "/sys";
}

const char *d1_dev_root(void)
{
	const char *r = getenv("D1_DEV_ROOT");

	return r && *r ? r : "/dev";
}

/* snprintf into a PATH_MAX buffer; -1 with ENAMETOOLONG on truncation. */
static int __attribute__((format(printf, 2, 3)))
path_fmt(char *buf, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, PATH_MAX, fmt, ap);
	va_end(ap);
	if (n < 0 || n >= PATH_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* Basename of the symlink target at @path into @out; -1 if unreadable. */
static int link_basename(const char *path, char *out, size_t len)
{
	char target[PATH_MAX];
	const char *base;
	ssize_t n;

	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return -1;
	target[n] = '\0';
	while (n > 1 && target[n - 1] == '/')
		target[--n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (strlen(base) >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(out, base);
	return 0;
}

/* "accelN" with N decimal and nothing else; N in *num. */
static int parse_accel_name(const char *name, unsigned int *num)
{
	unsigned long v;
	char *end;

	if (strncmp(name, "accel", 5) || !isdigit((unsigned char)name[5]))
		return -1;
	errno = 0;
	v = strtoul(name + 5, &end, 10);
	if (*end || errno || v > UINT_MAX)
		return -1;
	*num = (unsigned int)v;
	return 0;
}

/* Minor from the "MAJOR:MINOR" dev attribute; -1 if absent or malformed. */
static int read_minor(const char *dir, unsigned int *minor)
{
	char path[PATH_MAX];
	unsigned int maj, min;
	FILE *f;
	int ok;

	if (path_fmt(path, "%s/dev", dir))
		return -1;
	f = fopen(path, "re");
	if (!f)
		return -1;
	ok = fscanf(f, "%u:%u", &maj, &min) == 2;
	fclose(f);
	if (!ok)
		return -1;
	*minor = min;
	return 0;
}

/*
 * Fills @node from <sysfs>/class/accel/@name.  Returns 1 for a d1 device,
 * 0 for another driver's (or an unbound) node.
 */
static int probe_node(const char *class_dir, const char *name,
		      struct d1_node *node)
{
	char dir[PATH_MAX], path[PATH_MAX], drv[64];
	unsigned int num;

	if (parse_accel_name(name, &num) || strlen(name) >= sizeof(node->name))
		return 0;
	if (path_fmt(dir, "%s/%s", class_dir, name) ||
	    path_fmt(path, "%s/device/driver", dir) ||
	    link_basename(path, drv, sizeof(drv)) ||
	    strcmp(drv, D1_DRIVER_NAME))
		return 0;

	memset(node, 0, sizeof(*node));
	strcpy(node->name, name);
	if (read_minor(dir, &node->minor))
		node->minor = num;
	if (path_fmt(path, "%s/device", dir) ||
	    link_basename(path, node->pci_address, sizeof(node->pci_address)))
		node->pci_address[0] = '\0';
	return 1;
}

static int cmp_minor(const void *a, const void *b)
{
	const struct d1_node *x = a, *y = b;

	return (x->minor > y->minor) - (x->minor < y->minor);
}

/* Position in @list of the card @entry of D1_VISIBLE_DEVICES names. */
static int visible_match(const struct d1_node_list *list, const char *entry,
			 unsigned int *at)
{
	char want[D1_PCI_ADDRESS_LEN], have[D1_PCI_ADDRESS_LEN];
	unsigned long v;
	unsigned int i;
	char *end;

	if (isdigit((unsigned char)entry[0]) && !entry[strspn(entry, "0123456789")]) {
		errno = 0;
		v = strtoul(entry, &end, 10);
		if (errno || v > UINT_MAX)
			return -1;
		*at = v < list->count ? (unsigned int)v : list->count;
		return 0;
	}
	if (d1_pci_address_normalize(entry, want, sizeof(want)))
		return -1;
	*at = list->count;
	for (i = 0; i < list->count; i++) {
		if (!d1_pci_address_normalize(list->nodes[i].pci_address, have,
					      sizeof(have)) &&
		    !strcmp(want, have))
			*at = i;
	}
	return 0;
}

/*
 * D1_VISIBLE_DEVICES: the cards this process sees, in this order, as a
 * comma-separated list of indices (of the full, minor-ordered list) or
 * PCI addresses.  An entry naming no present card is left out (the card
 * may be unplugged); a malformed or repeated one is an error, so a typo
 * never silently selects another card.
 */
static d1_status select_visible(struct d1_node_list *list)
{
	const char *env = getenv("D1_VISIBLE_DEVICES");
	char entry[D1_PCI_ADDRESS_LEN + 8];
	struct d1_node *sel;
	unsigned int n = 0, at, i;
	const char *p = env;
	size_t len;

	if (!env)
		return D1_SUCCESS;
	sel = calloc(list->count, sizeof(*sel));
	if (!sel) {
		d1_node_list_free(list);
		errno = ENOMEM;
		return D1_ERROR_OUT_OF_MEMORY;
	}
	while (*p) {
		len = strcspn(p, ",");
		if (!len || len >= sizeof(entry))
			goto invalid;
		memcpy(entry, p, len);
		entry[len] = '\0';
		p += len + (p[len] == ',');
		if (visible_match(list, entry, &at))
			goto invalid;
		if (at == list->count)
			continue;
		for (i = 0; i < n; i++) {
			if (sel[i].minor == list->nodes[at].minor)
				goto invalid;
		}
		sel[n++] = list->nodes[at];
	}
	if (p > env && p[-1] == ',')
		goto invalid;
	d1_node_list_free(list);
	if (!n) {
		free(sel);
		return D1_ERROR_NO_DEVICE;
	}
	list->nodes = sel;
	list->count = n;
	return D1_SUCCESS;
invalid:
	free(sel);
	d1_node_list_free(list);
	errno = EINVAL;
	return D1_ERROR_INVALID_VALUE;
}

d1_status d1_enumerate(struct d1_node_list *list)
{
	char class_dir[PATH_MAX];
	struct d1_node *nodes = NULL, *grown;
	unsigned int count = 0, cap = 0;
	struct dirent *de;
	DIR *d;
	int err;

	list->nodes = NULL;
	list->count = 0;
	if (path_fmt(class_dir, "%s/class/accel", d1_sysfs_root()))
		return D1_ERROR_OS;
	d = opendir(class_dir);
	if (!d) {
		/* No accel class at all: no accel driver is loaded. */
		if (errno == ENOENT || errno == ENOTDIR)
			return D1_ERROR_NO_DEVICE;
		return d1_status_from_errno(errno);
	}
	for (;;) {
		errno = 0;
		de = readdir(d);
		if (!de)
			break;
		if (count == cap) {
			cap = cap ? 2 * cap : 4;
			grown = realloc(nodes, cap * sizeof(*nodes));
			if (!grown) {
				free(nodes);
				closedir(d);
				errno = ENOMEM;
				return D1_ERROR_OUT_OF_MEMORY;
			}
			nodes = grown;
		}
		if (probe_node(class_dir, de->d_name, &nodes[count]))
			count++;
	}
	err = errno;
	closedir(d);
	if (err) {
		free(nodes);
		errno = err;
		return d1_status_from_errno(err);
	}
	if (!count) {
		free(nodes);
		return D1_ERROR_NO_DEVICE;
	}
	qsort(nodes, count, sizeof(*nodes), cmp_minor);
	list->nodes = nodes;
	list->count = count;
	return select_visible(list);
}

void d1_node_list_free(struct d1_node_list *list)
{
	free(list->nodes);
	list->nodes = NULL;
	list->count = 0;
}

/*
 * Canonical "dddd:bb:dd.f" (lower case) of a PCI address given with or
 * without the domain.  Returns -1 if @in is not a PCI address.
 */
int d1_pci_address_normalize(const char *in, char *out, size_t len)
{
	unsigned int dom = 0, bus, dev, fn;
	int n = -1;

	/* sscanf alone would also take blanks, signs and "0x". */
	if (!in || !*in || in[strspn(in, "0123456789abcdefABCDEF:.")])
		return -1;
	if (sscanf(in, "%x:%x:%x.%x%n", &dom, &bus, &dev, &fn, &n) == 4 &&
	    n > 0 && !in[n])
		goto ok;
	dom = 0;
	n = -1;
	if (sscanf(in, "%x:%x.%x%n", &bus, &dev, &fn, &n) == 3 &&
	    n > 0 && !in[n])
		goto ok;
	return -1;
ok:
	if (bus > 0xff || dev > 0x1f || fn > 7)
		return -1;
	if ((size_t)snprintf(out, len, "%04x:%02x:%02x.%x", dom, bus, dev, fn) >= len)
		return -1;
	return 0;
}

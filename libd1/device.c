// SPDX-License-Identifier: MIT
/* Device handles: open, identify, query, ping, close. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xf86drm.h>

#include "drm/d1_accel.h"
#include "libd1_internal.h"

D1_API d1_status d1_device_count(unsigned int *count)
{
	struct d1_node_list list;
	d1_status st;

	if (!count)
		return D1_ERROR_INVALID_VALUE;
	st = d1_enumerate(&list);
	if (st == D1_ERROR_NO_DEVICE)
		*count = 0;
	if (st != D1_SUCCESS)
		return st;
	*count = list.count;
	d1_node_list_free(&list);
	return D1_SUCCESS;
}

/*
 * Whether libd1 can drive a d1 driver of DRM driver (= uAPI) version
 * @major.x.  The major grows only when something is removed or changes
 * meaning, so a newer major may lack what libd1 uses: refused.  Older
 * drivers are fine: libd1 needs nothing that 1.x drivers with memory
 * management lacked (it maps BOs at BO_INFO's mmap_offset, which 1.x had
 * too), and what later minors add it probes for.
 */
d1_status d1_driver_version_check(int major)
{
	return major > DRM_D1_UAPI_VERSION_MAJOR ? D1_ERROR_NOT_SUPPORTED :
	       D1_SUCCESS;
}

/*
 * Checks that @fd is a DRM device of the d1 driver of a uAPI version we
 * can drive and records its version in @dev.
 */
static d1_status identify(struct d1_device *dev)
{
	drmVersionPtr v;
	int err;

	errno = 0;
	v = drmGetVersion(dev->fd);
	if (!v) {
		err = errno;
		if (err == ENODEV || err == ENOMEM)
			return d1_fail_errno(err);
		/* Not a DRM node at all. */
		return D1_ERROR_NO_DEVICE;
	}
	if (!v->name || strcmp(v->name, D1_DRIVER_NAME)) {
		drmFreeVersion(v);
		return D1_ERROR_NO_DEVICE;
	}
	if (d1_driver_version_check(v->version_major) != D1_SUCCESS) {
		drmFreeVersion(v);
		return D1_ERROR_NOT_SUPPORTED;
	}
	snprintf(dev->id.driver_name, sizeof(dev->id.driver_name), "%s",
		 v->name);
	dev->id.driver_major = v->version_major;
	dev->id.driver_minor = v->version_minor;
	dev->id.driver_patch = v->version_patchlevel;
	drmFreeVersion(v);
	return D1_SUCCESS;
}

static d1_status open_node(const struct d1_node *node, unsigned int index,
			   d1_device **out)
{
	struct d1_device *dev;
	d1_status st;
	int n, err;

	dev = calloc(1, sizeof(*dev));
	if (!dev) {
		errno = ENOMEM;
		return D1_ERROR_OUT_OF_MEMORY;
	}
	dev->fd = -1;
	dev->id.index = index;
	pthread_mutex_init(&dev->lock, NULL);
	pthread_mutex_init(&dev->internal_lock, NULL);
	dev->id.minor = node->minor;
	snprintf(dev->id.pci_address, sizeof(dev->id.pci_address), "%s",
		 node->pci_address);
	n = snprintf(dev->id.devnode, sizeof(dev->id.devnode), "%s/accel/%s",
		     d1_dev_root(), node->name);
	if (n < 0 || (size_t)n >= sizeof(dev->id.devnode)) {
		free(dev);
		return d1_fail_errno(ENAMETOOLONG);
	}

	dev->fd = open(dev->id.devnode, O_RDWR | O_CLOEXEC);
	if (dev->fd < 0) {
		err = errno;
		free(dev);
		return d1_fail_errno(err);
	}
	st = identify(dev);
	if (st != D1_SUCCESS) {
		err = errno;
		close(dev->fd);
		free(dev);
		errno = err;
		return st;
	}
	*out = dev;
	return D1_SUCCESS;
}

D1_API d1_status d1_device_open(unsigned int index, d1_device **out)
{
	struct d1_node_list list;
	d1_status st;

	if (!out)
		return D1_ERROR_INVALID_VALUE;
	st = d1_enumerate(&list);
	if (st != D1_SUCCESS)
		return st;
	if (index >= list.count)
		st = D1_ERROR_INVALID_VALUE;
	else
		st = open_node(&list.nodes[index], index, out);
	d1_node_list_free(&list);
	return st;
}

D1_API d1_status d1_device_open_by_pci(const char *bdf, d1_device **out)
{
	char want[D1_PCI_ADDRESS_LEN], have[D1_PCI_ADDRESS_LEN];
	struct d1_node_list list;
	unsigned int i;
	d1_status st;

	if (!out || d1_pci_address_normalize(bdf, want, sizeof(want)))
		return D1_ERROR_INVALID_VALUE;
	st = d1_enumerate(&list);
	if (st != D1_SUCCESS)
		return st;
	st = D1_ERROR_NO_DEVICE;
	for (i = 0; i < list.count; i++) {
		if (d1_pci_address_normalize(list.nodes[i].pci_address, have,
					     sizeof(have)) ||
		    strcmp(want, have))
			continue;
		st = open_node(&list.nodes[i], i, out);
		break;
	}
	d1_node_list_free(&list);
	return st;
}

/*
 * Reads query block @param into @data, zeroed first.  One call negotiates
 * the size: the kernel copies min(@size, its size) bytes, so fields an
 * older kernel does not know stay zero.  0, or -1 with errno set.
 */
int d1_query(d1_device *dev, uint32_t param, void *data, uint32_t size)
{
	struct drm_d1_query q;

	memset(data, 0, size);
	memset(&q, 0, sizeof(q));
	q.param = param;
	q.size = size;
	q.data = (uintptr_t)data;
	return drmIoctl(dev->fd, DRM_IOCTL_D1_QUERY, &q);
}

D1_API d1_status d1_device_info(d1_device *dev, struct d1_device_info *info)
{
	struct drm_d1_device_info di;

	if (!dev || !info)
		return D1_ERROR_INVALID_VALUE;
	if (d1_query(dev, DRM_D1_QUERY_DEVICE_INFO, &di, sizeof(di)))
		return d1_fail_errno(errno);

	*info = dev->id;
	info->hw_major = (di.hw_version >> 16) & 0xffff;
	info->hw_minor = di.hw_version & 0xffff;
	info->pci_device = di.pci_device;
	info->grid_rows = di.grid_rows;
	info->grid_cols = di.grid_cols;
	info->node_count = di.node_count;
	info->sram_per_node = di.sram_per_node;
	info->num_queues = di.num_queues;
	info->num_contexts = di.num_contexts;
	info->hbm_size = di.hbm_size;
	info->uapi_major = di.uapi_major;
	info->uapi_minor = di.uapi_minor;
	return D1_SUCCESS;
}

D1_API d1_status d1_device_ping(d1_device *dev, uint32_t value, uint32_t *echo,
				uint64_t timeout_ns)
{
	struct drm_d1_ping p;

	if (!dev || !echo)
		return D1_ERROR_INVALID_VALUE;
	memset(&p, 0, sizeof(p));
	p.value = value;
	p.timeout_ns = timeout_ns;
	if (drmIoctl(dev->fd, DRM_IOCTL_D1_PING, &p))
		return d1_fail_errno(errno);
	*echo = p.echo;
	return D1_SUCCESS;
}

D1_API d1_status d1_device_close(d1_device *dev)
{
	int ret, err = 0;

	if (!dev)
		return D1_ERROR_INVALID_VALUE;
	d1_device_release_streams(dev);
	d1_peer_release_device(dev);
	if (d1_prof_on)
		d1_prof_device_gone(dev);
	d1_device_release_images(dev);
	pthread_mutex_destroy(&dev->internal_lock);
	pthread_mutex_destroy(&dev->lock);
	ret = close(dev->fd);
	if (ret)
		err = errno;
	free(dev);
	/* EINTR from close() still released the descriptor on Linux. */
	if (ret && err != EINTR)
		return d1_fail_errno(err);
	return D1_SUCCESS;
}

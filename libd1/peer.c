// SPDX-License-Identifier: MIT
/*
 * Peer mappings: an HBM buffer of one card, exported through PRIME and
 * imported into the device handle of the card whose DIP-to-DIP link sends
 * to it, is a peer BO there, bound write-only as the destination of
 * LINK_COPY commands.  One mapping per (buffer, sending handle), made by
 * the first peer copy and kept until the buffer is destroyed or either
 * handle is closed, so later copies cost one SUBMIT.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xf86drm.h>

#include "libd1_internal.h"

struct d1_peer_map {
	struct d1_peer_map *next;
	d1_buffer *dst;
	d1_device *sender;
	struct d1_bo bo;		/* @dst's BO in @sender, bound */
	uint32_t op;			/* DRM_D1_CMD_LINK_COPY or _COPY */
};

/* Every mapping of the process: few, and looked up once per copy. */
static pthread_mutex_t peer_lock = PTHREAD_MUTEX_INITIALIZER;
static struct d1_peer_map *peer_maps;

/* Imports @dst into @sender and binds it; the map's op says how to copy. */
static d1_status peer_map_new(d1_device *sender, d1_buffer *dst,
			      struct d1_peer_map *m)
{
	struct drm_d1_bo_info info;
	struct drm_d1_vm_bind b;
	int dmafd, ret, err;

	if (drmPrimeHandleToFD(dst->dev->fd, dst->bo.handle, DRM_CLOEXEC,
			       &dmafd))
		return d1_fail_errno(errno);
	ret = drmPrimeFDToHandle(sender->fd, dmafd, &m->bo.handle);
	err = errno;
	close(dmafd);
	if (ret) {
		if (err != EXDEV)
			return d1_fail_errno(err);
		fprintf(stderr,
			"libd1: %s: the DIP-to-DIP link of this card does not reach the card of the destination buffer (%s)\n",
			sender->id.devnode, dst->dev->id.devnode);
		return d1_fail_errno(err);
	}
	memset(&info, 0, sizeof(info));
	info.handle = m->bo.handle;
	if (drmIoctl(sender->fd, DRM_IOCTL_D1_BO_INFO, &info))
		goto fail;
	m->bo.size = info.size;
	m->bo.placement = info.placement;
	/* Another handle of the same card gets the BO itself: a plain COPY. */
	m->op = info.placement == DRM_D1_BO_PEER ? DRM_D1_CMD_LINK_COPY :
		DRM_D1_CMD_COPY;
	memset(&b, 0, sizeof(b));
	b.handle = m->bo.handle;
	b.flags = DRM_D1_VM_WRITE;
	if (drmIoctl(sender->fd, DRM_IOCTL_D1_VM_BIND, &b))
		goto fail;
	m->bo.va = b.va;
	return D1_SUCCESS;
fail:
	err = errno;
	d1_bo_free(sender, &m->bo);
	return d1_fail_errno(err);
}

d1_status d1_peer_map_get(d1_device *sender, d1_buffer *dst, uint64_t *va,
			  uint32_t *op)
{
	struct d1_peer_map *m;
	d1_status st = D1_SUCCESS;

	pthread_mutex_lock(&peer_lock);
	for (m = peer_maps; m; m = m->next)
		if (m->dst == dst && m->sender == sender)
			break;
	if (!m) {
		m = calloc(1, sizeof(*m));
		if (!m) {
			st = D1_ERROR_OUT_OF_MEMORY;
			goto out;
		}
		st = peer_map_new(sender, dst, m);
		if (st) {
			free(m);
			goto out;
		}
		m->dst = dst;
		m->sender = sender;
		m->next = peer_maps;
		peer_maps = m;
	}
	*va = m->bo.va;
	*op = m->op;
out:
	pthread_mutex_unlock(&peer_lock);
	return st;
}

/*
 * Drops the mappings of buffer @dst, or those @dev sends from or whose
 * buffer lives on @dev.  Unbinding waits for the sender's work, so it is
 * done outside the lock.
 */
static void peer_release(const d1_buffer *dst, const d1_device *dev)
{
	struct d1_peer_map **pp, *m, *gone = NULL;

	pthread_mutex_lock(&peer_lock);
	for (pp = &peer_maps; (m = *pp);) {
		if (m->dst == dst ||
		    (dev && (m->sender == dev || m->dst->dev == dev))) {
			*pp = m->next;
			m->next = gone;
			gone = m;
		} else {
			pp = &m->next;
		}
	}
	pthread_mutex_unlock(&peer_lock);
	while ((m = gone)) {
		gone = m->next;
		d1_bo_free(m->sender, &m->bo);
		free(m);
	}
}

void d1_peer_release_buffer(const d1_buffer *dst)
{
	peer_release(dst, NULL);
}

void d1_peer_release_device(const d1_device *dev)
{
	peer_release(NULL, dev);
}

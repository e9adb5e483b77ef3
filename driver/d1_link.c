// SPDX-License-Identifier: GPL-2.0-only
/*
 * d1: the DIP-to-DIP link.
 *
 * A card's link sends LINK_COPY data into the receive window of the card
 * its link names (its peer).  The receiver's driver opens the window over
 * all of its HBM, at probe and after every device reset (which closes
 * it): it trusts the sending card's driver, d1.ko itself, which lets a
 * LINK_COPY name only memory of a peer BO its file imported - an HBM BO
 * of the receiving card that the receiving card's owner exported - and
 * keeps that BO, and thus its HBM range, alive until the copy is done.
 * Link addresses tell the driver which of its cards is whose peer.
 */
#include <linux/kernel.h>
#include <drm/drm_drv.h>

#include "d1_regs.h"
#include "d1_device.h"
#include "d1_drv.h"
#include "d1_link.h"

/**
 * d1_link_window_open() - let the link peer write anywhere in our HBM
 * @d1: the device, inside drm_dev_enter() or in probe; after a reset.
 *
 * Not for a link that is a stream to another system: no d1.ko of ours
 * checks what that sends, so the window stays closed.
 */
void d1_link_window_open(struct d1_device *d1)
{
	if (d1_read(d1, D1_REG_LINK_STATUS) & D1_LINK_STREAM)
		return;
	d1_write(d1, D1_REG_LINK_WIN_BASE_LO, lower_32_bits(D1_LINK_WIN_BASE));
	d1_write(d1, D1_REG_LINK_WIN_BASE_HI, upper_32_bits(D1_LINK_WIN_BASE));
	d1_write(d1, D1_REG_LINK_WIN_SIZE_LO, lower_32_bits(d1->caps.hbm_size));
	d1_write(d1, D1_REG_LINK_WIN_SIZE_HI, upper_32_bits(d1->caps.hbm_size));
}

/**
 * d1_link_check_peer() - does @d1's link send to @exporter?
 * @d1: the importing card.
 * @exporter: another d1 card.
 *
 * Both cards are read inside drm_dev_enter(), so neither can be unbound
 * while their link addresses are compared.
 *
 * Return: 0 when @d1's link is up, within this system, and its LINK_PEER
 * is @exporter's LINK_SELF; -EXDEV when not; -ENODEV when either card is
 * gone.
 */
int d1_link_check_peer(struct d1_device *d1, struct d1_device *exporter)
{
	u32 status, peer, self;
	int idx, eidx, ret = -ENODEV;

	if (!drm_dev_enter(&d1->drm, &idx))
		return -ENODEV;
	if (drm_dev_enter(&exporter->drm, &eidx)) {
		status = d1_read(d1, D1_REG_LINK_STATUS);
		peer = d1_read(d1, D1_REG_LINK_PEER);
		self = d1_read(exporter, D1_REG_LINK_SELF);
		drm_dev_exit(eidx);
		if (status == ~0u || !(status & D1_LINK_UP) ||
		    status & D1_LINK_STREAM)
			ret = d1_refuse(&d1->drm, -EXDEV,
					"PRIME import: the link of %s is %s\n",
					dev_name(d1->drm.dev),
					status & D1_LINK_UP ?
					"a stream to another system" : "down");
		else if (peer != self)
			ret = d1_refuse(&d1->drm, -EXDEV,
					"PRIME import: the link of %s sends to link address %u, the exporting card %s is %u\n",
					dev_name(d1->drm.dev), peer,
					dev_name(exporter->drm.dev), self);
		else
			ret = 0;
	}
	drm_dev_exit(idx);
	return ret;
}

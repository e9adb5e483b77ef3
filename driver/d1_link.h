/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * d1: the DIP-to-DIP link: the receive window and who is whose peer.
 */
#ifndef __D1_LINK_H__
#define __D1_LINK_H__

#include <linux/types.h>

struct d1_device;

/* The receive window starts at HBM offset 0 and covers all of HBM. */
#define D1_LINK_WIN_BASE	0ull

void d1_link_window_open(struct d1_device *d1);
int d1_link_check_peer(struct d1_device *d1, struct d1_device *exporter);

#endif /* __D1_LINK_H__ */

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * d1 DIP-to-DIP link: LINK_COPY moves bytes from this card's address
 * space to the HBM window of the card its link names.  The cards of one
 * process find each other by name in a registry; a sender holds the peer
 * (users) only while it writes one chunk, so a peer can leave (hot-unplug)
 * while copies run: they end with LINK_DOWN, a peer reset with LINK_RESET.
 * See the link section of Documentation/accel/d1/hw-interface.rst.
 */
#include <stdlib.h>
#include <string.h>

#include "dip.h"
#include "timing.h"

/* The link moves at most this much between abort and peer checks. */
#define LINK_CHUNK	(1u << 20)
#define LINK_MAX_CARDS	64

static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t reg_idle = PTHREAD_COND_INITIALIZER;
static struct d1_dip *cards[LINK_MAX_CARDS];	/* [addr - 1] */

/* The attached card called @name (reg_lock held). */
static struct d1_dip *find_locked(const char *name)
{
	unsigned int i;

	if (!name[0])
		return NULL;
	for (i = 0; i < LINK_MAX_CARDS; i++) {
		if (cards[i] && !atomic_load(&cards[i]->link.gone) &&
		    !strcmp(cards[i]->link.name, name))
			return cards[i];
	}
	return NULL;
}

int d1_link_attach(struct d1_dip *d)
{
	unsigned int i;
	int ret = -1;

	pthread_mutex_lock(&reg_lock);
	if (d->link.addr) {
		ret = 0;
	} else if (!d->link.name[0] || !find_locked(d->link.name)) {
		for (i = 0; i < LINK_MAX_CARDS && cards[i]; i++)
			;
		if (i < LINK_MAX_CARDS) {
			cards[i] = d;
			d->link.addr = i + 1;
			atomic_store(&d->link.gone, false);
			ret = 0;
		}
	}
	pthread_mutex_unlock(&reg_lock);
	return ret;
}

void d1_link_detach(struct d1_dip *d)
{
	pthread_mutex_lock(&reg_lock);
	if (d->link.addr) {
		atomic_store(&d->link.gone, true);
		while (d->link.users)
			pthread_cond_wait(&reg_idle, &reg_lock);
		cards[d->link.addr - 1] = NULL;
		d->link.addr = 0;
	}
	pthread_mutex_unlock(&reg_lock);
}

/* The peer of @d, held for writing; NULL when the link is down. */
static struct d1_dip *peer_get(struct d1_dip *d)
{
	struct d1_dip *p;

	pthread_mutex_lock(&reg_lock);
	p = d->link.addr ? find_locked(d->link.peer) : NULL;
	if (p)
		p->link.users++;
	pthread_mutex_unlock(&reg_lock);
	return p;
}

static void peer_put(struct d1_dip *p)
{
	pthread_mutex_lock(&reg_lock);
	if (!--p->link.users)
		pthread_cond_broadcast(&reg_idle);
	pthread_mutex_unlock(&reg_lock);
}

uint32_t d1_link_peer_addr(struct d1_dip *d)
{
	struct d1_dip *p;
	uint32_t a;

	if (d->link.wire)
		return d->link.wire_up ? d->link.wire_peer : 0;
	pthread_mutex_lock(&reg_lock);
	p = d->link.addr ? find_locked(d->link.peer) : NULL;
	a = p ? p->link.addr : 0;
	pthread_mutex_unlock(&reg_lock);
	return a;
}

/*
 * The window must be open and inside HBM, and the peer not reset since
 * the copy began (@epoch).
 */
unsigned int d1_link_window_locked(struct d1_dip *p, uint32_t epoch,
				   uint64_t off, uint64_t len, uint64_t *hbm)
{
	const struct d1_link *l = &p->link;

	if (l->epoch != epoch)
		return D1_QERR_LINK_RESET;
	if (!l->win_size || l->win_base > p->cfg.hbm_size ||
	    l->win_size > p->cfg.hbm_size - l->win_base ||
	    off > l->win_size || len > l->win_size - off)
		return D1_QERR_LINK_WINDOW;
	*hbm = l->win_base + off;
	return D1_QERR_NONE;
}

unsigned int d1_link_copy(struct d1_queue *q, struct d1_vspace *vs,
			  const uint64_t *w, uint64_t *bytes)
{
	uint64_t src = w[1], dst = w[2], len = w[3], off = 0, at;
	struct d1_dip *d = q->dev, *p;
	unsigned int err;
	uint32_t epoch;
	uint8_t *buf;

	if (len > D1_COPY_MAX || w[4] || w[5] || w[6] || w[7])
		return D1_QERR_BAD_DESC;
	if (d->link.wire) {
		err = d1_link_wire_copy(q, vs, src, dst, len, &off);
		*bytes += off;
		goto count;
	}
	p = peer_get(d);
	if (!p) {
		err = D1_QERR_LINK_DOWN;
		goto count;
	}
	/* The whole range first: a copy outside the window moves nothing. */
	pthread_mutex_lock(&p->lock);
	epoch = p->link.epoch;
	err = d1_link_window_locked(p, epoch, dst, len, &at);
	pthread_mutex_unlock(&p->lock);
	buf = err ? NULL : malloc(len < LINK_CHUNK ? (len ? len : 1) : LINK_CHUNK);
	if (!err && !buf)
		err = D1_QERR_BAD_DESC;
	while (!err && off < len) {
		uint64_t n = len - off < LINK_CHUNK ? len - off : LINK_CHUNK;

		if (d1_queue_aborted(q)) {
			err = D1_QERR_ABORTED;
			break;
		}
		if (d1_vspace_read(vs, src + off, buf, n)) {
			err = D1_QERR_MMU_FAULT;
			break;
		}
		if (atomic_load(&p->link.gone)) {
			err = D1_QERR_LINK_DOWN;
			break;
		}
		pthread_mutex_lock(&p->lock);
		err = d1_link_window_locked(p, epoch, dst + off, n, &at);
		pthread_mutex_unlock(&p->lock);
		if (err)
			break;
		/* HBM stays while the peer is held (detach waits for us). */
		memcpy(p->hbm + at, buf, n);
		pthread_mutex_lock(&p->lock);
		p->link.rx += n;
		pthread_mutex_unlock(&p->lock);
		off += n;
	}
	*bytes += off;
	free(buf);
	peer_put(p);
count:
	pthread_mutex_lock(&d->lock);
	d->link.tx += off;
	/* The timing model: what moved, at the link's rate. */
	if (off || !err)
		d->link.cycles += D1_TM_DIPLINK_SETUP +
				  (off + D1_TM_DIPLINK_BPC - 1) /
				  D1_TM_DIPLINK_BPC;
	if (err && err != D1_QERR_MMU_FAULT && err != D1_QERR_ABORTED &&
	    err != D1_QERR_BAD_DESC)
		d->link.errors++;
	pthread_mutex_unlock(&d->lock);
	return err;
}

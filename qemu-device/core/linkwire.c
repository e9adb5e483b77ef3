// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * d1 DIP-to-DIP link over a byte stream: a card whose link is a stream
 * (a QEMU chardev, e.g. a socket to another QEMU process on this host or
 * another) turns its LINK_COPYs into requests to the card at the other
 * end, which checks them against its window and answers each.  One
 * request is in flight per direction and a DATA request carries at most
 * WIRE_CHUNK bytes, so neither end ever blocks writing while the other
 * does.  The format is in hw-interface.rst, "The link over a stream".
 *
 * Threads: queue threads send requests (through ops->link_send, which
 * must not block on the other end) and wait for their answers; the
 * transport's reader calls d1_link_wire_rx() and d1_link_wire_up().
 */
#include <stdlib.h>
#include <string.h>

#include "dip.h"

#define WIRE_MAGIC	0x4b4c3144u	/* "D1LK" */
#define WIRE_HDR	40
#define WIRE_CHUNK	D1_LINK_WIRE_CHUNK
/* How often a waiting sender looks for an abort. */
#define WIRE_POLL_NS	1000000

enum { WIRE_HELLO = 1, WIRE_CHECK, WIRE_DATA, WIRE_ACK };

/* A message header, decoded. */
struct wire_msg {
	uint32_t type;
	uint32_t status;	/* ACK: a D1_QERR_* */
	uint32_t epoch;		/* DATA: from the CHECK's ACK; ACK: the
				 * receiver's */
	uint64_t seq;
	uint64_t off;		/* HELLO: the sender's link address */
	uint64_t len;		/* CHECK: range; DATA: payload bytes */
};

static void put32(uint8_t *p, uint32_t v)
{
	unsigned int i;

	for (i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static uint32_t get32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get64(const uint8_t *p)
{
	return get32(p) | (uint64_t)get32(p + 4) << 32;
}

static void encode(uint8_t *p, const struct wire_msg *m)
{
	put32(p, WIRE_MAGIC);
	put32(p + 4, m->type);	/* type [15:0], reserved [31:16] */
	put32(p + 8, m->status);
	put32(p + 12, m->epoch);
	put64(p + 16, m->seq);
	put64(p + 24, m->off);
	put64(p + 32, m->len);
}

static bool decode(const uint8_t *p, struct wire_msg *m)
{
	m->type = get32(p + 4);
	m->status = get32(p + 8);
	m->epoch = get32(p + 12);
	m->seq = get64(p + 16);
	m->off = get64(p + 24);
	m->len = get64(p + 32);
	if (get32(p) != WIRE_MAGIC || m->type < WIRE_HELLO ||
	    m->type > WIRE_ACK)
		return false;
	return m->type == WIRE_DATA ? m->len <= WIRE_CHUNK : true;
}

static int send_msg(struct d1_dip *d, const struct wire_msg *m,
		    uint8_t *buf)
{
	encode(buf, m);
	return d->ops->link_send(d->opaque, buf,
				 WIRE_HDR + (m->type == WIRE_DATA ? m->len : 0));
}

void d1_link_wire_up(struct d1_dip *d, bool up)
{
	struct wire_msg hello = { .type = WIRE_HELLO };
	uint8_t buf[WIRE_HDR];

	pthread_mutex_lock(&d->lock);
	if (!up) {
		/* Up again once a new other end says HELLO. */
		d->link.wire_up = false;
		d->link.rx_have = 0;
		d->link.rx_broken = false;
		pthread_cond_broadcast(&d->link.wire_cond);
	}
	hello.off = d->link.addr;
	pthread_mutex_unlock(&d->lock);
	if (up)
		send_msg(d, &hello, buf);
}

/* Answer request @m: CHECK a range, or write DATA @payload. */
static void serve(struct d1_dip *d, const struct wire_msg *m,
		  const uint8_t *payload)
{
	struct wire_msg ack = { .type = WIRE_ACK, .seq = m->seq };
	uint8_t buf[WIRE_HDR];
	uint64_t at;

	pthread_mutex_lock(&d->lock);
	if (atomic_load(&d->link.gone)) {
		ack.status = D1_QERR_LINK_DOWN;
	} else {
		ack.status = d1_link_window_locked(d, m->type == WIRE_DATA ?
						   m->epoch : d->link.epoch,
						   m->off, m->len, &at);
		if (m->type == WIRE_DATA && !ack.status) {
			memcpy(d->hbm + at, payload, m->len);
			d->link.rx += m->len;
		}
	}
	ack.epoch = d->link.epoch;
	pthread_mutex_unlock(&d->lock);
	send_msg(d, &ack, buf);
}

/* Message @m (with its payload) has arrived. */
static void handle(struct d1_dip *d, const struct wire_msg *m,
		   const uint8_t *payload)
{
	struct d1_link *l = &d->link;

	switch (m->type) {
	case WIRE_HELLO:
		pthread_mutex_lock(&d->lock);
		l->wire_peer = (uint32_t)m->off;
		l->wire_up = l->wire_peer != 0;
		pthread_mutex_unlock(&d->lock);
		break;
	case WIRE_CHECK:
	case WIRE_DATA:
		serve(d, m, payload);
		break;
	case WIRE_ACK:
		pthread_mutex_lock(&d->lock);
		if (l->wire_busy && m->seq == l->wire_seq) {
			l->reply = true;
			l->reply_status = m->status;
			l->reply_epoch = m->epoch;
			pthread_cond_broadcast(&l->wire_cond);
		}
		pthread_mutex_unlock(&d->lock);
		break;
	}
}

void d1_link_wire_rx(struct d1_dip *d, const uint8_t *buf, size_t len)
{
	struct d1_link *l = &d->link;
	struct wire_msg m = { 0 };
	size_t n, need;

	while (len && !l->rx_broken) {
		need = WIRE_HDR;
		if (l->rx_have >= WIRE_HDR) {
			decode(l->rx_hdr, &m);
			need += m.type == WIRE_DATA ? m.len : 0;
		}
		n = need - l->rx_have < len ? need - l->rx_have : len;
		if (l->rx_have < WIRE_HDR) {
			if (n > WIRE_HDR - l->rx_have)
				n = WIRE_HDR - l->rx_have;
			memcpy(l->rx_hdr + l->rx_have, buf, n);
		} else {
			memcpy(l->rx_data + l->rx_have - WIRE_HDR, buf, n);
		}
		l->rx_have += n;
		buf += n;
		len -= n;
		if (l->rx_have == WIRE_HDR && !decode(l->rx_hdr, &m)) {
			/* Out of step with the other end: the link is down
			 * until the transport reconnects. */
			pthread_mutex_lock(&d->lock);
			l->rx_broken = true;
			l->wire_up = false;
			pthread_cond_broadcast(&l->wire_cond);
			pthread_mutex_unlock(&d->lock);
			d->ops->guest_error(d->opaque,
					    "d1-dip: link stream out of step",
					    0);
			return;
		}
		if (l->rx_have == WIRE_HDR + (m.type == WIRE_DATA ? m.len : 0)) {
			l->rx_have = 0;
			handle(d, &m, l->rx_data);
		}
	}
}

/* Why a sender waits no longer (dev->lock held): a D1_QERR_*, or 0. */
static unsigned int wait_check(struct d1_queue *q)
{
	if (!q->dev->link.wire_up)
		return D1_QERR_LINK_DOWN;
	if (q->abort || q->dev->exiting)
		return D1_QERR_ABORTED;
	return D1_QERR_NONE;
}

/* Wait for news (an answer, the link changing) up to WIRE_POLL_NS. */
static void wait_a_while(struct d1_dip *d)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += WIRE_POLL_NS;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	pthread_cond_timedwait(&d->link.wire_cond, &d->lock, &ts);
}

/*
 * Send request @m and wait for its answer: a D1_QERR_* (the receiver's
 * epoch in *@epoch), LINK_DOWN when the other end is gone, ABORTED on a
 * queue reset (an other end that never answers holds it until then).
 */
static unsigned int request(struct d1_queue *q, struct wire_msg *m,
			    uint8_t *buf, uint32_t *epoch)
{
	struct d1_dip *d = q->dev;
	struct d1_link *l = &d->link;
	unsigned int st;

	pthread_mutex_lock(&d->lock);
	while (!(st = wait_check(q)) && l->wire_busy)
		wait_a_while(d);
	if (st) {
		pthread_mutex_unlock(&d->lock);
		return st;
	}
	l->wire_busy = true;
	l->reply = false;
	m->seq = ++l->wire_seq;
	pthread_mutex_unlock(&d->lock);

	if (send_msg(d, m, buf))
		st = D1_QERR_LINK_DOWN;

	pthread_mutex_lock(&d->lock);
	while (!st && !l->reply && !(st = wait_check(q)))
		wait_a_while(d);
	if (!st) {
		st = l->reply_status;
		*epoch = l->reply_epoch;
	}
	l->wire_busy = false;
	pthread_cond_broadcast(&l->wire_cond);
	pthread_mutex_unlock(&d->lock);
	return st;
}

unsigned int d1_link_wire_copy(struct d1_queue *q, struct d1_vspace *vs,
			       uint64_t src, uint64_t dst, uint64_t len,
			       uint64_t *sent)
{
	struct wire_msg m = { .type = WIRE_CHECK, .off = dst, .len = len };
	uint8_t *buf = malloc(WIRE_HDR + WIRE_CHUNK);
	unsigned int err;
	uint32_t epoch = 0;

	*sent = 0;
	if (!buf)
		return D1_QERR_BAD_DESC;
	/* The whole range first: a copy outside the window moves nothing. */
	err = request(q, &m, buf, &epoch);
	while (!err && *sent < len) {
		m = (struct wire_msg) {
			.type = WIRE_DATA,
			.epoch = epoch,
			.off = dst + *sent,
			.len = len - *sent < WIRE_CHUNK ? len - *sent : WIRE_CHUNK,
		};
		if (d1_vspace_read(vs, src + *sent, buf + WIRE_HDR, m.len)) {
			err = D1_QERR_MMU_FAULT;
			break;
		}
		err = request(q, &m, buf, &epoch);
		if (!err)
			*sent += m.len;
	}
	free(buf);
	return err;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Grid scheduler: launches reserve rectangles of the node grid.
 *
 * Requests are kept in arrival order.  A request may start once no
 * earlier request, waiting or running, overlaps its rectangle: launches
 * on disjoint rectangles run at the same time, overlapping ones in
 * arrival order, and no later request overlapping a waiting one passes
 * it, so a big launch is not starved by a stream of small ones.  Plain
 * bookkeeping: the caller serialises the calls (the device lock) and
 * does the waiting.
 */
#ifndef D1_GRIDSCHED_H
#define D1_GRIDSCHED_H

#include <stdbool.h>
#include <stdint.h>

struct d1_resv {
	uint32_t x0, y0, cols, rows;
	bool running;
	struct d1_resv *prev, *next;
};

struct d1_sched {
	struct d1_resv *head, *tail;	/* arrival order */
};

/* Queue @r (its rectangle set, running false) behind every request. */
void d1_sched_add(struct d1_sched *s, struct d1_resv *r);
/* May @r start now?  (No earlier request overlaps it.) */
bool d1_sched_ready(const struct d1_sched *s, const struct d1_resv *r);
/* Drop @r (ended, or abandoned while waiting). */
void d1_sched_remove(struct d1_sched *s, struct d1_resv *r);
/* Nodes of the rectangles running now. */
uint32_t d1_sched_busy_nodes(const struct d1_sched *s);

#endif /* D1_GRIDSCHED_H */

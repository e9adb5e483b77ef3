// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Grid scheduler: FIFO-fair reservations of node rectangles (gridsched.h,
 * Documentation/accel/d1/hw-interface.rst "The node grid").
 */
#include <stddef.h>

#include "gridsched.h"

static bool overlap(const struct d1_resv *a, const struct d1_resv *b)
{
	return a->x0 < b->x0 + b->cols && b->x0 < a->x0 + a->cols &&
	       a->y0 < b->y0 + b->rows && b->y0 < a->y0 + a->rows;
}

void d1_sched_add(struct d1_sched *s, struct d1_resv *r)
{
	r->running = false;
	r->next = NULL;
	r->prev = s->tail;
	if (s->tail)
		s->tail->next = r;
	else
		s->head = r;
	s->tail = r;
}

bool d1_sched_ready(const struct d1_sched *s, const struct d1_resv *r)
{
	const struct d1_resv *e;

	for (e = s->head; e && e != r; e = e->next)
		if (overlap(e, r))
			return false;
	return true;
}

void d1_sched_remove(struct d1_sched *s, struct d1_resv *r)
{
	if (r->prev)
		r->prev->next = r->next;
	else
		s->head = r->next;
	if (r->next)
		r->next->prev = r->prev;
	else
		s->tail = r->prev;
	r->prev = r->next = NULL;
	r->running = false;
}

uint32_t d1_sched_busy_nodes(const struct d1_sched *s)
{
	const struct d1_resv *e;
	uint32_t n = 0;

	for (e = s->head; e; e = e->next)
		if (e->running)
			n += e->cols * e->rows;
	return n;
}

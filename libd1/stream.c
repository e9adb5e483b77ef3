// SPDX-License-Identifier: MIT
/*
 * Streams: every operation is one SUBMIT job on the stream's hardware
 * queue, signalling the next point of the stream's timeline syncobj.
 * Host-side work that must follow a job (free staging and report BOs,
 * copy device-to-host data out, print the device printf text, check the
 * launch report) is kept in the stream's pending list and done, in order,
 * when the stream is synchronised or queried.  The operations themselves
 * are in event.c, copy.c and launch.c; failures become the stream's last
 * error in error.c.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <linux/sync_file.h>
#include <xf86drm.h>

#include "libd1_internal.h"

#define POOL_BYTES	(64ull << 20)	/* most bytes the BO pool keeps */

/* The CLOCK_MONOTONIC deadline @rel_ns from now, for the syncobj waits. */
uint64_t d1_abs_timeout(uint64_t rel_ns)
{
	struct timespec ts;
	uint64_t now;

	if (rel_ns == D1_TIMEOUT_INFINITE)
		return INT64_MAX;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	return rel_ns > (uint64_t)INT64_MAX - now ? INT64_MAX : now + rel_ns;
}

struct d1_pending *d1_pending_new(enum d1_pending_kind kind)
{
	struct d1_pending *p = calloc(1, sizeof(*p));

	if (p)
		p->kind = kind;
	return p;
}

D1_API d1_status d1_stream_create(d1_device *dev, int queue, d1_stream **out)
{
	struct d1_stream *s;
	d1_status st;

	if (!dev || !out || queue < D1_STREAM_ANY_QUEUE)
		return D1_ERROR_INVALID_VALUE;
	st = d1_dev_limits(dev);
	if (st)
		return st;
	if (queue >= 0 && (unsigned int)queue >= dev->sinfo.submit_queues)
		return D1_ERROR_INVALID_VALUE;
	s = calloc(1, sizeof(*s));
	if (!s)
		return D1_ERROR_OUT_OF_MEMORY;
	if (drmSyncobjCreate(dev->fd, 0, &s->syncobj)) {
		st = d1_fail_errno(errno);
		free(s);
		return st;
	}
	s->dev = dev;
	if (queue >= 0) {
		s->queue = (unsigned int)queue;
	} else {
		pthread_mutex_lock(&dev->lock);
		s->queue = dev->next_queue++ % dev->sinfo.submit_queues;
		pthread_mutex_unlock(&dev->lock);
	}
	*out = s;
	return D1_SUCCESS;
}

D1_API d1_status d1_stream_queue(d1_stream *stream, unsigned int *queue)
{
	if (!stream || !queue)
		return D1_ERROR_INVALID_VALUE;
	*queue = stream->queue;
	return D1_SUCCESS;
}

D1_API d1_status d1_stream_set_printf_handler(d1_stream *stream,
					      d1_printf_handler handler,
					      void *user)
{
	if (!stream)
		return D1_ERROR_INVALID_VALUE;
	stream->ph = handler;
	stream->puser = user;
	return D1_SUCCESS;
}

D1_API d1_status d1_stream_last_error(d1_stream *stream,
				      struct d1_error_info *info)
{
	if (!stream || !info)
		return D1_ERROR_INVALID_VALUE;
	*info = stream->last_error;
	return D1_SUCCESS;
}

/*
 * Submits @cmds as one job.  Its fence goes to the stream's timeline (next
 * point), to @p's own binary syncobj (for the job's error status: a
 * timeline point's chain fence does not carry it) and to @extra (an
 * event's syncobj) if nonzero; @p then goes on the pending list.  A guilty
 * handle (an earlier job failed and nobody collected it yet) is cleared
 * once, its record kept for the stream that failed, and the submit retried.
 */
d1_status d1_submit(d1_stream *s, struct drm_d1_cmd *cmds, unsigned int n,
		    struct d1_pending *p, uint32_t extra)
{
	struct drm_d1_sync out[3];
	struct drm_d1_submit sub;
	unsigned int nout = 0;
	int tries = 0;

	if (!p->syncobj && drmSyncobjCreate(s->dev->fd, 0, &p->syncobj))
		return d1_fail_errno(errno);
	if (d1_prof_on)
		d1_prof_submit(s, cmds, n, p, &cmds, &n);
	memset(out, 0, sizeof(out));
	out[nout].handle = s->syncobj;
	out[nout++].point = s->point + 1;
	out[nout++].handle = p->syncobj;
	if (extra)
		out[nout++].handle = extra;
	memset(&sub, 0, sizeof(sub));
	sub.queue = s->queue;
	sub.cmds = (uintptr_t)cmds;
	sub.cmd_count = n;
	sub.cmd_size = sizeof(*cmds);
	sub.in_syncs = (uintptr_t)s->waits;
	sub.in_sync_count = s->nwaits;
	sub.out_syncs = (uintptr_t)out;
	sub.out_sync_count = nout;
	sub.sync_size = sizeof(out[0]);
	while (drmIoctl(s->dev->fd, DRM_IOCTL_D1_SUBMIT, &sub)) {
		struct drm_d1_context_status cs;

		if (errno != ECANCELED || tries++) {
			d1_status st = d1_fail_errno(errno);

			if (p->prof)
				d1_prof_submitted(s, p, cmds, 0);
			return st;
		}
		if (d1_ctx_read(s->dev, 1, &cs))
			return d1_fail_errno(errno);
		pthread_mutex_lock(&s->dev->lock);
		if (!s->dev->stashed_error) {
			s->dev->stash = cs;
			s->dev->stashed_error = 1;
		}
		pthread_mutex_unlock(&s->dev->lock);
	}
	if (p->prof)
		d1_prof_submitted(s, p, cmds, 1);
	s->point++;
	s->nwaits = 0;
	p->point = s->point;
	if (s->tail)
		s->tail->next = p;
	else
		s->head = p;
	s->tail = p;
	return D1_SUCCESS;
}

/* The error of job @p (0, -EIO, -ETIMEDOUT...) from its fence. */
int d1_job_status(d1_stream *s, const struct d1_pending *p)
{
	struct sync_file_info info;
	int fd, ret = 0;

	if (!p->syncobj || drmSyncobjExportSyncFile(s->dev->fd, p->syncobj, &fd))
		return 0;
	memset(&info, 0, sizeof(info));
	if (!ioctl(fd, SYNC_IOC_FILE_INFO, &info))
		ret = info.status < 0 ? info.status : 0;
	close(fd);
	return ret;
}

/* A mapped host BO of at least @size bytes, from the pool if one fits. */
d1_status d1_stream_bo(d1_stream *s, uint64_t size, struct d1_bo *bo)
{
	unsigned int i, best = D1_STREAM_POOL_MAX;

	for (i = 0; i < s->npool; i++)
		if (s->pool[i].size >= size &&
		    s->pool[i].size <= 2 * size + 4096 &&
		    (best == D1_STREAM_POOL_MAX || s->pool[i].size < s->pool[best].size))
			best = i;
	if (best == D1_STREAM_POOL_MAX)
		return d1_bo_new(s->dev, size, DRM_D1_BO_HOST,
				 DRM_D1_VM_READ | DRM_D1_VM_WRITE, 1, bo);
	*bo = s->pool[best];
	s->pool_bytes -= bo->size;
	s->pool[best] = s->pool[--s->npool];
	return D1_SUCCESS;
}

static void stream_bo_release(d1_stream *s, struct d1_bo *bo)
{
	if (bo->map && s->npool < D1_STREAM_POOL_MAX &&
	    s->pool_bytes + bo->size <= POOL_BYTES) {
		s->pool[s->npool++] = *bo;
		s->pool_bytes += bo->size;
		memset(bo, 0, sizeof(*bo));
		return;
	}
	d1_bo_free(s->dev, bo);
}

void d1_pending_free(d1_stream *s, struct d1_pending *p)
{
	unsigned int i;

	if (p->syncobj)
		drmSyncobjDestroy(s->dev->fd, p->syncobj);
	if (p->result) {
		/* Dropped unfinished: its outcome will never be known. */
		if (!d1__launch_job_result(p))
			d1_launch_result_end(p->result, NULL, 0,
					     D1_ERROR_DEVICE_LOST);
		d1_launch_result_put(p->result);
	}
	free(p->prof);
	for (i = 0; i < p->nbo; i++)
		if (p->bo[i].handle)
			stream_bo_release(s, &p->bo[i]);
	free(p);
}

/*
 * Host-side completion of every pending job up to @upto, in order; the
 * first failure is returned (later jobs are still cleaned up).
 */
static d1_status process(d1_stream *s, uint64_t upto)
{
	d1_status first = D1_SUCCESS;
	struct drm_d1_context_status cs;
	struct d1_error_info first_err;
	int failed_ctx = -1;

	while (s->head && s->head->point <= upto) {
		struct d1_pending *p = s->head;
		d1_status st = D1_SUCCESS;
		int fst = 0;

		/* Only ask the fence when the handle saw a failure. */
		if (failed_ctx < 0) {
			failed_ctx = s->dev->stashed_error ||
				     (!d1_ctx_read(s->dev, 0, &cs) &&
				      (cs.error_count || cs.guilty));
		}
		if (failed_ctx)
			fst = d1_job_status(s, p);
		if (p->kind == D1_PENDING_LAUNCH)
			st = d1_launch_finish(s, p, fst);
		else if (fst)
			st = d1_job_error(s, p, fst);
		else if (p->kind == D1_PENDING_DTOH)
			memcpy(p->dst, p->bo[0].map, p->size);
		if (p->prof)
			d1_prof_done(s, p, st);
		if (st != D1_SUCCESS) {
			/* Jobs behind a failure may have been cancelled. */
			failed_ctx = 1;
			if (first == D1_SUCCESS) {
				first = st;
				first_err = s->last_error;
			}
		}
		s->head = p->next;
		if (!s->head)
			s->tail = NULL;
		d1_pending_free(s, p);
	}
	if (first != D1_SUCCESS)
		s->last_error = first_err;
	return first;
}

/*
 * The device is gone: the pending work will never complete.  Report it
 * for the first pending job and drop them all (their BOs are freed).
 */
static d1_status device_lost(d1_stream *s)
{
	const struct d1_pending *p = s->head;
	const char *k = p && p->kind == D1_PENDING_LAUNCH ? p->kernel : "";

	d1_set_error(s, D1_ERROR_DEVICE_LOST, D1_ERRKIND_NONE, k);
	snprintf(s->last_error.message, sizeof(s->last_error.message),
		 "%s%sthe device is gone (unplugged or its driver unbound)",
		 k, *k ? ": " : "");
	while (s->head) {
		struct d1_pending *n = s->head->next;

		if (s->head->prof)
			d1_prof_done(s, s->head, D1_ERROR_DEVICE_LOST);
		d1_pending_free(s, s->head);
		s->head = n;
	}
	s->tail = NULL;
	errno = ENODEV;
	return D1_ERROR_DEVICE_LOST;
}

D1_API d1_status d1_stream_synchronize(d1_stream *stream, uint64_t timeout_ns)
{
	uint64_t point;
	uint32_t h;

	if (!stream)
		return D1_ERROR_INVALID_VALUE;
	point = stream->point;
	if (!point)
		return D1_SUCCESS;
	h = stream->syncobj;
	if (drmSyncobjTimelineWait(stream->dev->fd, &h, &point, 1,
				   (int64_t)d1_abs_timeout(timeout_ns),
				   DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL, NULL)) {
		if (errno == ETIME || errno == ETIMEDOUT)
			return D1_ERROR_TIMEOUT;
		if (errno == ENODEV)
			return device_lost(stream);
		return d1_fail_errno(errno);
	}
	return process(stream, point);
}

D1_API d1_status d1_stream_query(d1_stream *stream)
{
	uint64_t value = 0;
	uint32_t h;

	if (!stream)
		return D1_ERROR_INVALID_VALUE;
	h = stream->syncobj;
	if (stream->point && drmSyncobjQuery(stream->dev->fd, &h, &value, 1))
		return d1_fail_errno(errno);
	if (value < stream->point)
		return D1_ERROR_NOT_READY;
	return process(stream, stream->point);
}

D1_API d1_status d1_stream_wait_event(d1_stream *stream, d1_event *event)
{
	if (!stream || !event || event->dev != stream->dev)
		return D1_ERROR_INVALID_VALUE;
	if (!event->recorded)
		return D1_ERROR_INVALID_STATE;
	if (stream->nwaits == D1_STREAM_MAX_WAITS)
		return D1_ERROR_OUT_OF_MEMORY;
	stream->waits[stream->nwaits].handle = event->syncobj;
	stream->waits[stream->nwaits].flags = 0;
	stream->waits[stream->nwaits].point = 0;
	if (d1_prof_on)
		d1_prof_wait(stream, event);
	stream->nwaits++;
	return D1_SUCCESS;
}

D1_API d1_status d1_stream_destroy(d1_stream *stream)
{
	d1_status st;

	if (!stream)
		return D1_ERROR_INVALID_VALUE;
	st = d1_stream_synchronize(stream, D1_TIMEOUT_INFINITE);
	while (stream->head) {
		struct d1_pending *p = stream->head;

		stream->head = p->next;
		d1_pending_free(stream, p);
	}
	if (d1_prof_on)
		d1_prof_stream_gone(stream);
	while (stream->npool)
		d1_bo_free(stream->dev, &stream->pool[--stream->npool]);
	drmSyncobjDestroy(stream->dev->fd, stream->syncobj);
	free(stream);
	return st == D1_ERROR_DEVICE_LOST ? st : D1_SUCCESS;
}

/* Called by d1_device_close(): the synchronous copies' internal stream. */
void d1_device_release_streams(d1_device *dev)
{
	if (dev->internal)
		d1_stream_destroy(dev->internal);
	dev->internal = NULL;
}

// SPDX-License-Identifier: MIT
/*
 * Events: a TIMESTAMP job on a stream whose fence also goes to the
 * event's own syncobj, so the host can wait for that point of the stream
 * and other streams can wait for it on the device (d1_stream_wait_event()).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <xf86drm.h>

#include "libd1_internal.h"

D1_API d1_status d1_event_create(d1_device *dev, d1_event **out)
{
	struct d1_event *e;
	d1_status st;

	if (!dev || !out)
		return D1_ERROR_INVALID_VALUE;
	st = d1_dev_limits(dev);
	if (st)
		return st;
	e = calloc(1, sizeof(*e));
	if (!e)
		return D1_ERROR_OUT_OF_MEMORY;
	e->dev = dev;
	if (drmSyncobjCreate(dev->fd, 0, &e->syncobj)) {
		st = d1_fail_errno(errno);
		free(e);
		return st;
	}
	st = d1_bo_new(dev, dev->sinfo.page_size, DRM_D1_BO_HOST,
		       DRM_D1_VM_READ | DRM_D1_VM_WRITE, 1, &e->ts);
	if (st) {
		drmSyncobjDestroy(dev->fd, e->syncobj);
		free(e);
		return st;
	}
	*out = e;
	return D1_SUCCESS;
}

D1_API d1_status d1_event_record(d1_event *event, d1_stream *stream)
{
	struct drm_d1_cmd cmd;
	struct d1_pending *p;
	d1_status st;

	if (!event || !stream || event->dev != stream->dev)
		return D1_ERROR_INVALID_VALUE;
	p = d1_pending_new(D1_PENDING_FREE);
	if (!p)
		return D1_ERROR_OUT_OF_MEMORY;
	memset(&cmd, 0, sizeof(cmd));
	cmd.op = DRM_D1_CMD_TIMESTAMP;
	cmd.mem.va = event->ts.va;
	st = d1_submit(stream, &cmd, 1, p, event->syncobj);
	if (st) {
		d1_pending_free(stream, p);
		return st;
	}
	event->recorded = 1;
	if (d1_prof_on)
		d1_prof_event(event, stream);
	return D1_SUCCESS;
}

D1_API d1_status d1_event_synchronize(d1_event *event, uint64_t timeout_ns)
{
	uint32_t h;

	if (!event)
		return D1_ERROR_INVALID_VALUE;
	if (!event->recorded)
		return D1_ERROR_INVALID_STATE;
	h = event->syncobj;
	if (drmSyncobjWait(event->dev->fd, &h, 1,
			   (int64_t)d1_abs_timeout(timeout_ns),
			   DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL, NULL)) {
		if (errno == ETIME || errno == ETIMEDOUT)
			return D1_ERROR_TIMEOUT;
		return d1_fail_errno(errno);
	}
	return D1_SUCCESS;
}

D1_API d1_status d1_event_query(d1_event *event)
{
	d1_status st;

	if (!event)
		return D1_ERROR_INVALID_VALUE;
	if (!event->recorded)
		return D1_ERROR_INVALID_STATE;
	st = d1_event_synchronize(event, 0);
	return st == D1_ERROR_TIMEOUT ? D1_ERROR_NOT_READY : st;
}

D1_API d1_status d1_event_elapsed_ms(d1_event *start, d1_event *end, float *ms)
{
	uint64_t t0, t1;
	d1_status st;

	if (!start || !end || !ms || start->dev != end->dev)
		return D1_ERROR_INVALID_VALUE;
	st = d1_event_query(start);
	if (st == D1_SUCCESS)
		st = d1_event_query(end);
	if (st)
		return st;
	memcpy(&t0, start->ts.map, sizeof(t0));
	memcpy(&t1, end->ts.map, sizeof(t1));
	*ms = (float)((double)((int64_t)(t1 - t0)) / 1e6);
	return D1_SUCCESS;
}

D1_API d1_status d1_event_destroy(d1_event *event)
{
	if (!event)
		return D1_ERROR_INVALID_VALUE;
	if (event->recorded)
		d1_event_synchronize(event, D1_TIMEOUT_INFINITE);
	d1_bo_free(event->dev, &event->ts);
	drmSyncobjDestroy(event->dev->fd, event->syncobj);
	free(event);
	return D1_SUCCESS;
}

// SPDX-License-Identifier: MIT
/*
 * Streams, events, copies and launches: every operation is one SUBMIT job
 * on the stream's hardware queue, signalling the next point of the
 * stream's timeline syncobj.  Host-side work that must follow a job (free
 * staging and report BOs, copy device-to-host data out, print the device
 * printf text, check the launch report) is kept in the stream's pending
 * list and done, in order, when the stream is synchronised or queried.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/sync_file.h>
#include <xf86drm.h>

#include "d1/device/d1_abi.h"
#include "libd1_internal.h"

#define MAX_WAITS	64
#define POOL_MAX	16		/* staging/argument/report BOs kept */
#define POOL_BYTES	(64ull << 20)
#define COPY_CHUNK	(1ull << 30)
enum pending_kind { P_FREE, P_DTOH, P_LAUNCH };

struct pending {
	struct pending *next;
	uint64_t point;
	uint32_t syncobj;		/* binary: this job's fence */
	enum pending_kind kind;
	struct d1_bo bo[2];
	unsigned int nbo;
	/* P_DTOH */
	void *dst;
	size_t size;
	/* P_LAUNCH: bo[0] args (maybe empty), bo[1] report */
	unsigned int x0, y0, cols, rows, flags;
	int raw;
	char kernel[D1_KERNEL_NAME_MAX];
};

struct d1_stream {
	d1_device *dev;
	unsigned int queue;
	uint32_t syncobj;
	uint64_t point;			/* last point submitted */
	struct pending *head, *tail;
	struct drm_d1_sync waits[MAX_WAITS];
	unsigned int nwaits;
	d1_printf_handler ph;
	void *puser;
	struct d1_error_info last_error;
	/* Host BOs of completed jobs, mapped and bound, for reuse: freeing
	 * one (VM_UNBIND) would wait for all of the handle's work. */
	struct d1_bo pool[POOL_MAX];
	unsigned int npool;
	uint64_t pool_bytes;
};

struct d1_event {
	d1_device *dev;
	uint32_t syncobj;		/* binary: the fence of the recording */
	int recorded;
	struct d1_bo ts;		/* u64 device timestamp at offset 0 */
};

static uint64_t abs_timeout(uint64_t rel_ns)
{
	struct timespec ts;
	uint64_t now;

	if (rel_ns == D1_TIMEOUT_INFINITE)
		return INT64_MAX;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	return rel_ns > (uint64_t)INT64_MAX - now ? INT64_MAX : now + rel_ns;
}

static struct pending *new_pending(enum pending_kind kind)
{
	struct pending *p = calloc(1, sizeof(*p));

	if (p)
		p->kind = kind;
	return p;
}

/* ---- streams ----------------------------------------------------------- */

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

static int ctx_status(d1_device *dev, int clear,
		      struct drm_d1_context_status *cs)
{
	memset(cs, 0, sizeof(*cs));
	cs->flags = clear ? DRM_D1_CONTEXT_STATUS_CLEAR : 0;
	return drmIoctl(dev->fd, DRM_IOCTL_D1_GET_CONTEXT_STATUS, cs);
}

/*
 * Submits @cmds as one job.  Its fence goes to the stream's timeline (next
 * point), to @p's own binary syncobj (for the job's error status: a
 * timeline point's chain fence does not carry it) and to @extra (an
 * event's syncobj) if nonzero; @p then goes on the pending list.  A guilty
 * handle (an earlier job failed and nobody collected it yet) is cleared
 * once, its record kept for the stream that failed, and the submit retried.
 */
static d1_status submit(d1_stream *s, struct drm_d1_cmd *cmds,
			unsigned int n, struct pending *p, uint32_t extra)
{
	struct drm_d1_sync out[3];
	struct drm_d1_submit sub;
	unsigned int nout = 0;
	int tries = 0;

	if (!p->syncobj && drmSyncobjCreate(s->dev->fd, 0, &p->syncobj))
		return d1_fail_errno(errno);
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

		if (errno != ECANCELED || tries++)
			return d1_fail_errno(errno);
		if (ctx_status(s->dev, 1, &cs))
			return d1_fail_errno(errno);
		pthread_mutex_lock(&s->dev->lock);
		if (!s->dev->stashed_error) {
			s->dev->stash = cs;
			s->dev->stashed_error = 1;
		}
		pthread_mutex_unlock(&s->dev->lock);
	}
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
static int job_status(d1_stream *s, const struct pending *p)
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
static d1_status stream_bo(d1_stream *s, uint64_t size, struct d1_bo *bo)
{
	unsigned int i, best = POOL_MAX;

	for (i = 0; i < s->npool; i++)
		if (s->pool[i].size >= size &&
		    s->pool[i].size <= 2 * size + 4096 &&
		    (best == POOL_MAX || s->pool[i].size < s->pool[best].size))
			best = i;
	if (best == POOL_MAX)
		return d1_bo_new(s->dev, size, DRM_D1_BO_HOST,
				 DRM_D1_VM_READ | DRM_D1_VM_WRITE, 1, bo);
	*bo = s->pool[best];
	s->pool_bytes -= bo->size;
	s->pool[best] = s->pool[--s->npool];
	return D1_SUCCESS;
}

static void stream_bo_release(d1_stream *s, struct d1_bo *bo)
{
	if (bo->map && s->npool < POOL_MAX &&
	    s->pool_bytes + bo->size <= POOL_BYTES) {
		s->pool[s->npool++] = *bo;
		s->pool_bytes += bo->size;
		memset(bo, 0, sizeof(*bo));
		return;
	}
	d1_bo_free(s->dev, bo);
}

static void pending_free(d1_stream *s, struct pending *p)
{
	unsigned int i;

	if (p->syncobj)
		drmSyncobjDestroy(s->dev->fd, p->syncobj);
	for (i = 0; i < p->nbo; i++)
		if (p->bo[i].handle)
			stream_bo_release(s, &p->bo[i]);
	free(p);
}

static const char *fault_name(unsigned int f)
{
	static const char *const names[] = {
		"no fault", "illegal instruction", "instruction fetch fault",
		"misaligned jump target", "load access fault",
		"store access fault", "unknown ecall", "breakpoint",
		"DMA fault", "synchronisation fault",
	};

	return f < sizeof(names) / sizeof(names[0]) ? names[f] : "fault";
}

static const char *access_name(unsigned int a)
{
	return a == 0 ? "read" : a == 1 ? "write" : a == 2 ? "exec" : "?";
}

static const char *reason_name(unsigned int r)
{
	static const char *const names[] = {
		"?", "unmapped", "permission", "bad PTE", "beyond HBM",
		"bus error", "bad context",
	};

	return r < sizeof(names) / sizeof(names[0]) ? names[r] : "?";
}

/* The context's failure record: the stash or a fresh read (cleared). */
static void take_ctx(d1_device *dev, struct drm_d1_context_status *cs)
{
	struct drm_d1_context_status now;

	pthread_mutex_lock(&dev->lock);
	if (dev->stashed_error) {
		*cs = dev->stash;
		dev->stashed_error = 0;
		pthread_mutex_unlock(&dev->lock);
		ctx_status(dev, 1, &now);
		return;
	}
	pthread_mutex_unlock(&dev->lock);
	if (ctx_status(dev, 1, cs))
		memset(cs, 0, sizeof(*cs));
}

static void set_error(d1_stream *s, d1_status st, unsigned int kind,
		      const char *kernel)
{
	struct d1_error_info *e = &s->last_error;

	memset(e, 0, sizeof(*e));
	e->status = st;
	e->kind = kind;
	snprintf(e->kernel, sizeof(e->kernel), "%s", kernel ? kernel : "");
}

/* Fills the stream's error for a failed job from the context record. */
static d1_status job_error(d1_stream *s, const struct pending *p, int fst)
{
	const char *k = p && p->kind == P_LAUNCH ? p->kernel : "";
	const char *what = *k ? k : "copy";
	struct d1_error_info *e = &s->last_error;
	struct drm_d1_context_status cs;

	take_ctx(s->dev, &cs);
	if (fst == -ETIMEDOUT || cs.error == DRM_D1_ERROR_HANG) {
		set_error(s, D1_ERROR_TIMEOUT, D1_ERRKIND_TIMEOUT, k);
		snprintf(e->message, sizeof(e->message),
			 "%s: did not finish within the driver's job timeout (%u ms); the queue was reset",
			 what, s->dev->sinfo.job_timeout_ms);
		return D1_ERROR_TIMEOUT;
	}
	if (fst == -ECANCELED) {
		set_error(s, D1_ERROR_LAUNCH_FAILED, D1_ERRKIND_CANCELLED, k);
		snprintf(e->message, sizeof(e->message),
			 "%s: not run because an earlier job on this device handle failed",
			 what);
		return D1_ERROR_LAUNCH_FAILED;
	}
	if (fst == -ENODEV) {
		set_error(s, D1_ERROR_DEVICE_LOST, D1_ERRKIND_NONE, k);
		snprintf(e->message, sizeof(e->message), "%s: the device is gone",
			 what);
		return D1_ERROR_DEVICE_LOST;
	}
	switch (cs.error) {
	case DRM_D1_ERROR_MMU_FAULT:
		set_error(s, D1_ERROR_LAUNCH_FAILED, D1_ERRKIND_MMU_FAULT, k);
		e->address = cs.fault_va;
		e->access = cs.fault_access;
		e->reason = cs.fault_reason;
		snprintf(e->message, sizeof(e->message),
			 "%s: device MMU fault: %s of VA 0x%" PRIx64 " (%s)", what,
			 access_name(cs.fault_access), (uint64_t)cs.fault_va,
			 reason_name(cs.fault_reason));
		break;
	case DRM_D1_ERROR_BUDGET:
		set_error(s, D1_ERROR_TIMEOUT, D1_ERRKIND_BUDGET, k);
		snprintf(e->message, sizeof(e->message),
			 "%s: a hart ran out of its instruction budget", what);
		break;
	case DRM_D1_ERROR_DEADLOCK:
		set_error(s, D1_ERROR_LAUNCH_FAILED, D1_ERRKIND_DEADLOCK, k);
		snprintf(e->message, sizeof(e->message),
			 "%s: deadlock: every running hart waits on a semaphore or barrier",
			 what);
		break;
	default:
		set_error(s, D1_ERROR_LAUNCH_FAILED, D1_ERRKIND_BAD_COMMAND, k);
		snprintf(e->message, sizeof(e->message),
			 "%s: the device refused or failed the command (error %u)",
			 what, cs.error);
		break;
	}
	return e->status;
}

static void emit_printf(d1_stream *s, const char *text, size_t len)
{
	if (!len)
		return;
	if (s->ph) {
		s->ph(s->puser, text, len);
		return;
	}
	fwrite(text, 1, len, stdout);
	fflush(stdout);
}

/*
 * Finishes launch @p from its report: printf text, then the outcome.
 * @fst is the job's fence status.
 */
static d1_status finish_launch(d1_stream *s, struct pending *p, int fst)
{
	const uint8_t *rep = p->bo[1].map;
	struct d1_error_info *e = &s->last_error;
	struct drm_d1_launch_report h;
	uint64_t nodes = (uint64_t)p->cols * p->rows, i;
	uint64_t text_off;

	if (rep)
		memcpy(&h, rep, sizeof(h));
	if (!rep || h.magic != DRM_D1_REPORT_MAGIC ||
	    h.node_size < sizeof(struct drm_d1_launch_node)) {
		/* No report: the launch never ended on its own (a hang
		 * reset, or cancelled); the fence says why. */
		if (!fst)
			fst = job_status(s, p);
		return fst ? job_error(s, p, fst) : D1_SUCCESS;
	}
	text_off = sizeof(h) + (uint64_t)h.node_size * h.nodes;
	if (h.printf_bytes && text_off < p->bo[1].size)
		emit_printf(s, (const char *)rep + text_off,
			    h.printf_bytes < p->bo[1].size - text_off ?
			    h.printf_bytes : p->bo[1].size - text_off);
	if (h.printf_dropped) {
		char note[96];
		int n = snprintf(note, sizeof(note),
				 "[d1] %u bytes of device printf output dropped\n",
				 h.printf_dropped);

		emit_printf(s, note, (size_t)n);
	}
	for (i = 0; i < nodes && i < h.nodes; i++) {
		struct drm_d1_launch_node r;
		unsigned int x = p->x0 + (unsigned int)(i % p->cols);
		unsigned int y = p->y0 + (unsigned int)(i / p->cols);
		int dispatch;

		memcpy(&r, rep + sizeof(h) + (uint64_t)h.node_size * i,
		       sizeof(r));
		dispatch = !p->raw && !r.fault &&
			   r.exit_code >= D1_EXIT_BAD_MAGIC &&
			   r.exit_code <= D1_EXIT_BAD_ARGS;
		if (!r.fault && !dispatch &&
		    !(r.exit_code && (p->flags & D1_LAUNCH_CHECK_EXIT)))
			continue;
		if (r.fault) {
			struct drm_d1_context_status cs;

			take_ctx(s->dev, &cs);
			set_error(s, D1_ERROR_LAUNCH_FAILED,
				  D1_ERRKIND_NODE_FAULT, p->kernel);
			e->fault = r.fault;
			if (r.fault == DRM_D1_NODE_FAULT_DMA &&
			    cs.error == DRM_D1_ERROR_MMU_FAULT) {
				e->access = cs.fault_access;
				e->reason = cs.fault_reason;
			}
		} else {
			set_error(s, D1_ERROR_LAUNCH_FAILED,
				  dispatch ? D1_ERRKIND_DISPATCH :
				  D1_ERRKIND_EXIT_CODE, p->kernel);
		}
		e->node_x = x;
		e->node_y = y;
		e->hart = r.hart;
		e->exit_code = r.exit_code;
		e->pc = r.fault_pc;
		e->address = r.fault_addr;
		if (r.fault == DRM_D1_NODE_FAULT_DMA && e->reason)
			snprintf(e->message, sizeof(e->message),
				 "kernel %s: node (%u,%u) hart %u: DMA fault at pc 0x%" PRIx64
				 ": %s of device address 0x%" PRIx64 " (%s)",
				 p->kernel, x, y, r.hart, e->pc,
				 access_name(e->access), e->address,
				 reason_name(e->reason));
		else if (r.fault)
			snprintf(e->message, sizeof(e->message),
				 "kernel %s: node (%u,%u) hart %u: %s at pc 0x%" PRIx64
				 ", address 0x%" PRIx64,
				 p->kernel, x, y, r.hart, fault_name(r.fault),
				 e->pc, e->address);
		else if (dispatch)
			snprintf(e->message, sizeof(e->message),
				 "kernel %s: node (%u,%u): the argument block does not match the image (dispatcher code 0x%x)",
				 p->kernel, x, y, r.exit_code);
		else
			snprintf(e->message, sizeof(e->message),
				 "kernel %s: node (%u,%u) exited with code %u",
				 p->kernel, x, y, r.exit_code);
		return D1_ERROR_LAUNCH_FAILED;
	}
	if (fst || h.status)
		return job_error(s, p, fst ? fst : -EIO);
	return D1_SUCCESS;
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
		struct pending *p = s->head;
		d1_status st = D1_SUCCESS;
		int fst = 0;

		/* Only ask the fence when the handle saw a failure. */
		if (failed_ctx < 0) {
			failed_ctx = s->dev->stashed_error ||
				     (!ctx_status(s->dev, 0, &cs) &&
				      (cs.error_count || cs.guilty));
		}
		if (failed_ctx)
			fst = job_status(s, p);
		if (p->kind == P_LAUNCH)
			st = finish_launch(s, p, fst);
		else if (fst)
			st = job_error(s, p, fst);
		else if (p->kind == P_DTOH)
			memcpy(p->dst, p->bo[0].map, p->size);
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
		pending_free(s, p);
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
	const struct pending *p = s->head;
	const char *k = p && p->kind == P_LAUNCH ? p->kernel : "";

	set_error(s, D1_ERROR_DEVICE_LOST, D1_ERRKIND_NONE, k);
	snprintf(s->last_error.message, sizeof(s->last_error.message),
		 "%s%sthe device is gone (unplugged or its driver unbound)",
		 k, *k ? ": " : "");
	while (s->head) {
		struct pending *n = s->head->next;

		pending_free(s, s->head);
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
				   (int64_t)abs_timeout(timeout_ns),
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
	if (stream->nwaits == MAX_WAITS)
		return D1_ERROR_OUT_OF_MEMORY;
	stream->waits[stream->nwaits].handle = event->syncobj;
	stream->waits[stream->nwaits].flags = 0;
	stream->waits[stream->nwaits].point = 0;
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
		struct pending *p = stream->head;

		stream->head = p->next;
		pending_free(stream, p);
	}
	while (stream->npool)
		d1_bo_free(stream->dev, &stream->pool[--stream->npool]);
	drmSyncobjDestroy(stream->dev->fd, stream->syncobj);
	free(stream);
	return st == D1_ERROR_DEVICE_LOST ? st : D1_SUCCESS;
}

/* ---- events ------------------------------------------------------------ */

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
	struct pending *p;
	d1_status st;

	if (!event || !stream || event->dev != stream->dev)
		return D1_ERROR_INVALID_VALUE;
	p = new_pending(P_FREE);
	if (!p)
		return D1_ERROR_OUT_OF_MEMORY;
	memset(&cmd, 0, sizeof(cmd));
	cmd.op = DRM_D1_CMD_TIMESTAMP;
	cmd.mem.va = event->ts.va;
	st = submit(stream, &cmd, 1, p, event->syncobj);
	if (st) {
		pending_free(stream, p);
		return st;
	}
	event->recorded = 1;
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
			   (int64_t)abs_timeout(timeout_ns),
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

/* ---- copies ------------------------------------------------------------ */

static int range_bad(const d1_buffer *b, uint64_t off, uint64_t size)
{
	return off > b->bo.size || size > b->bo.size - off;
}

/* One job copying @size bytes from VA @src to VA @dst, in chunks. */
static d1_status copy_job(d1_stream *s, uint64_t dst, uint64_t src,
			  uint64_t size, struct pending *p)
{
	unsigned int n = (unsigned int)((size + COPY_CHUNK - 1) / COPY_CHUNK);
	struct drm_d1_cmd *cmds;
	unsigned int i;
	d1_status st;

	if (!n || n > s->dev->sinfo.max_cmds)
		return D1_ERROR_INVALID_VALUE;
	cmds = calloc(n, sizeof(*cmds));
	if (!cmds)
		return D1_ERROR_OUT_OF_MEMORY;
	for (i = 0; i < n; i++) {
		uint64_t off = (uint64_t)i * COPY_CHUNK;

		cmds[i].op = DRM_D1_CMD_COPY;
		cmds[i].copy.src = src + off;
		cmds[i].copy.dst = dst + off;
		cmds[i].copy.size = size - off < COPY_CHUNK ? size - off :
				    COPY_CHUNK;
	}
	st = submit(s, cmds, n, p, 0);
	free(cmds);
	return st;
}

/* A pending record owning one staging BO of @size from the stream's pool. */
static d1_status new_staged(d1_stream *stream, enum pending_kind kind,
			    size_t size, struct pending **pp)
{
	struct pending *p = new_pending(kind);
	d1_status st;

	if (!p)
		return D1_ERROR_OUT_OF_MEMORY;
	st = stream_bo(stream, size, &p->bo[0]);
	if (st) {
		free(p);
		return st;
	}
	p->nbo = 1;
	*pp = p;
	return D1_SUCCESS;
}

D1_API d1_status d1_memcpy_htod_async(d1_stream *stream, d1_buffer *dst,
				      uint64_t dst_offset, const void *src,
				      size_t size)
{
	struct pending *p;
	d1_status st;

	if (!stream || !dst || !src || !size || dst->dev != stream->dev ||
	    range_bad(dst, dst_offset, size))
		return D1_ERROR_INVALID_VALUE;
	st = new_staged(stream, P_FREE, size, &p);
	if (st)
		return st;
	memcpy(p->bo[0].map, src, size);
	st = copy_job(stream, dst->bo.va + dst_offset, p->bo[0].va, size, p);
	if (st)
		pending_free(stream, p);
	return st;
}

D1_API d1_status d1_memcpy_dtoh_async(d1_stream *stream, void *dst,
				      d1_buffer *src, uint64_t src_offset,
				      size_t size)
{
	struct pending *p;
	d1_status st;

	if (!stream || !dst || !src || !size || src->dev != stream->dev ||
	    range_bad(src, src_offset, size))
		return D1_ERROR_INVALID_VALUE;
	st = new_staged(stream, P_DTOH, size, &p);
	if (st)
		return st;
	p->dst = dst;
	p->size = size;
	st = copy_job(stream, p->bo[0].va, src->bo.va + src_offset, size, p);
	if (st)
		pending_free(stream, p);
	return st;
}

D1_API d1_status d1_memcpy_dtod_async(d1_stream *stream, d1_buffer *dst,
				      uint64_t dst_offset, d1_buffer *src,
				      uint64_t src_offset, size_t size)
{
	struct pending *p;
	d1_status st;

	if (!stream || !dst || !src || !size || dst->dev != stream->dev ||
	    src->dev != stream->dev || range_bad(dst, dst_offset, size) ||
	    range_bad(src, src_offset, size))
		return D1_ERROR_INVALID_VALUE;
	p = new_pending(P_FREE);
	if (!p)
		return D1_ERROR_OUT_OF_MEMORY;
	st = copy_job(stream, dst->bo.va + dst_offset, src->bo.va + src_offset,
		      size, p);
	if (st)
		pending_free(stream, p);
	return st;
}

/* The handle's internal stream, locked; NULL on error (in *st). */
static d1_stream *internal_stream(d1_device *dev, d1_status *st)
{
	*st = d1_dev_limits(dev);
	if (*st)
		return NULL;
	pthread_mutex_lock(&dev->lock);
	if (!dev->internal) {
		pthread_mutex_unlock(&dev->lock);
		*st = d1_stream_create(dev, 0, &dev->internal);
		pthread_mutex_lock(&dev->lock);
		if (*st) {
			pthread_mutex_unlock(&dev->lock);
			return NULL;
		}
	}
	return dev->internal;
}

static d1_status sync_internal(d1_device *dev, d1_status st)
{
	if (st == D1_SUCCESS)
		st = d1_stream_synchronize(dev->internal, D1_TIMEOUT_INFINITE);
	pthread_mutex_unlock(&dev->lock);
	return st;
}

D1_API d1_status d1_memcpy_htod(d1_buffer *dst, uint64_t dst_offset,
				const void *src, size_t size)
{
	d1_stream *s;
	d1_status st;

	if (!dst || !src || !size || range_bad(dst, dst_offset, size))
		return D1_ERROR_INVALID_VALUE;
	s = internal_stream(dst->dev, &st);
	if (!s)
		return st;
	return sync_internal(dst->dev,
			     d1_memcpy_htod_async(s, dst, dst_offset, src, size));
}

D1_API d1_status d1_memcpy_dtoh(void *dst, d1_buffer *src,
				uint64_t src_offset, size_t size)
{
	d1_stream *s;
	d1_status st;

	if (!dst || !src || !size || range_bad(src, src_offset, size))
		return D1_ERROR_INVALID_VALUE;
	s = internal_stream(src->dev, &st);
	if (!s)
		return st;
	return sync_internal(src->dev,
			     d1_memcpy_dtoh_async(s, dst, src, src_offset, size));
}

D1_API d1_status d1_memcpy_dtod(d1_buffer *dst, uint64_t dst_offset,
				d1_buffer *src, uint64_t src_offset,
				size_t size)
{
	d1_stream *s;
	d1_status st;

	if (!dst || !src || !size || dst->dev != src->dev ||
	    range_bad(dst, dst_offset, size) || range_bad(src, src_offset, size))
		return D1_ERROR_INVALID_VALUE;
	s = internal_stream(dst->dev, &st);
	if (!s)
		return st;
	return sync_internal(dst->dev,
			     d1_memcpy_dtod_async(s, dst, dst_offset, src,
						  src_offset, size));
}

/* ---- launches ---------------------------------------------------------- */

D1_API d1_status d1_kernel_set_arg_buffer(d1_kernel *kernel,
					  unsigned int index, d1_buffer *buf,
					  uint64_t offset)
{
	if (!kernel || !buf || offset > buf->bo.size)
		return D1_ERROR_INVALID_VALUE;
	return d1_kernel_set_arg_devaddr(kernel, index, buf->bo.va + offset);
}

/* The host BO holding @img on @dev, uploading it once per handle. */
static d1_status image_bo(d1_device *dev, struct d1_image *img,
			  const struct d1_bo **out)
{
	struct d1_image_bo *ib;
	d1_status st = D1_SUCCESS;

	pthread_mutex_lock(&dev->lock);
	for (ib = dev->images; ib; ib = ib->next)
		if (ib->image == img)
			goto found;
	ib = calloc(1, sizeof(*ib));
	if (!ib) {
		st = D1_ERROR_OUT_OF_MEMORY;
		goto out;
	}
	st = d1_bo_new(dev, img->size, DRM_D1_BO_HOST, DRM_D1_VM_READ, 1,
		       &ib->bo);
	if (st) {
		free(ib);
		goto out;
	}
	memcpy(ib->bo.map, img->elf, img->size);
	munmap(ib->bo.map, ib->bo.size);
	ib->bo.map = NULL;
	ib->image = d1_image_get(img);
	ib->next = dev->images;
	dev->images = ib;
found:
	*out = &ib->bo;
out:
	pthread_mutex_unlock(&dev->lock);
	return st;
}

D1_API d1_status d1_launch(d1_stream *stream, d1_kernel *kernel,
			   const struct d1_launch_config *config)
{
	struct d1_launch_config c;
	struct drm_d1_cmd cmd;
	const struct d1_bo *img;
	const char *missing = NULL;
	const void *block;
	struct pending *p;
	d1_device *dev;
	uint64_t nodes, rsize, text;
	size_t bsize;
	d1_status st;
	unsigned int i;

	if (!stream || !kernel || !config)
		return D1_ERROR_INVALID_VALUE;
	dev = stream->dev;
	c = *config;
	for (i = 0; i < 4; i++)
		if (c.reserved[i])
			return D1_ERROR_INVALID_VALUE;
	if (!c.cols)
		c.cols = 1;
	if (!c.rows)
		c.rows = 1;
	if (!c.harts)
		c.harts = 1;
	if (c.harts > 4 || (c.flags & ~D1_LAUNCH_FLAGS_ALL) ||
	    c.x0 >= dev->dinfo.grid_cols || c.y0 >= dev->dinfo.grid_rows ||
	    c.cols > dev->dinfo.grid_cols - c.x0 ||
	    c.rows > dev->dinfo.grid_rows - c.y0 ||
	    (uint64_t)(c.y0 + c.rows - 1) * dev->dinfo.grid_cols + c.x0 +
	    c.cols - 1 >= dev->dinfo.node_count)
		return D1_ERROR_INVALID_VALUE;
	st = d1_kernel_block(kernel, &block, &bsize, &missing);
	if (st) {
		set_error(stream, D1_ERROR_ARGUMENT, D1_ERRKIND_NONE,
			  kernel->ki->name);
		snprintf(stream->last_error.message,
			 sizeof(stream->last_error.message),
			 "kernel %s: parameter '%s' is not set",
			 kernel->ki->name, missing ? missing : "?");
		return st;
	}
	st = image_bo(dev, kernel->image, &img);
	if (st)
		return st;
	p = new_pending(P_LAUNCH);
	if (!p)
		return D1_ERROR_OUT_OF_MEMORY;
	p->x0 = c.x0;
	p->y0 = c.y0;
	p->cols = c.cols;
	p->rows = c.rows;
	p->flags = c.flags;
	p->raw = kernel->ki->raw;
	snprintf(p->kernel, sizeof(p->kernel), "%s", kernel->ki->name);
	if (bsize) {
		st = stream_bo(stream, bsize, &p->bo[0]);
		if (st)
			goto fail;
		memcpy(p->bo[0].map, block, bsize);
		if (!kernel->ki->raw) {
			struct d1_launch_header *h = p->bo[0].map;

			h->x0 = (uint16_t)c.x0;
			h->y0 = (uint16_t)c.y0;
			h->cols = (uint16_t)c.cols;
			h->rows = (uint16_t)c.rows;
			h->harts = c.harts;
		}
	}
	p->nbo = 1;
	/* Report: header, node records, then room for the printf text. */
	nodes = (uint64_t)c.cols * c.rows;
	text = nodes * 8192 < (8u << 20) ? nodes * 8192 : (8u << 20);
	rsize = sizeof(struct drm_d1_launch_report) +
		sizeof(struct drm_d1_launch_node) * nodes + text;
	st = stream_bo(stream, rsize, &p->bo[1]);
	if (st)
		goto fail;
	/* A reused report must not look written by this launch. */
	memset(p->bo[1].map, 0, sizeof(struct drm_d1_launch_report));
	p->nbo = 2;

	memset(&cmd, 0, sizeof(cmd));
	cmd.op = DRM_D1_CMD_LAUNCH;
	cmd.launch.image = img->va;
	cmd.launch.image_size = (uint32_t)kernel->image->size;
	cmd.launch.report_size = (uint32_t)rsize;
	cmd.launch.args = bsize ? p->bo[0].va : 0;
	cmd.launch.args_size = (uint32_t)bsize;
	cmd.launch.harts = c.harts;
	cmd.launch.x0 = (uint16_t)c.x0;
	cmd.launch.y0 = (uint16_t)c.y0;
	cmd.launch.cols = (uint16_t)c.cols;
	cmd.launch.rows = (uint16_t)c.rows;
	cmd.launch.budget = c.budget;
	cmd.launch.report = p->bo[1].va;
	st = submit(stream, &cmd, 1, p, 0);
	if (st)
		goto fail;
	return D1_SUCCESS;
fail:
	pending_free(stream, p);
	return st;
}

/* Called by d1_device_close(): the internal stream and uploaded images. */
void d1_device_release_streams(d1_device *dev)
{
	if (dev->internal)
		d1_stream_destroy(dev->internal);
	dev->internal = NULL;
	while (dev->images) {
		struct d1_image_bo *ib = dev->images;

		dev->images = ib->next;
		d1_bo_free(dev, &ib->bo);
		d1_image_put(ib->image);
		free(ib);
	}
}

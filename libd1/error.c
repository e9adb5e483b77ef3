// SPDX-License-Identifier: MIT
/*
 * Failed jobs: the handle's context failure record (GET_CONTEXT_STATUS)
 * turned into the stream's struct d1_error_info.  A failure collected
 * while submitting on another stream is kept in the handle's stash for
 * the stream whose job failed.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <xf86drm.h>

#include "libd1_internal.h"

/* The handle's failure record (GET_CONTEXT_STATUS), cleared if @clear. */
int d1_ctx_read(d1_device *dev, int clear, struct drm_d1_context_status *cs)
{
	memset(cs, 0, sizeof(*cs));
	cs->flags = clear ? DRM_D1_CONTEXT_STATUS_CLEAR : 0;
	return drmIoctl(dev->fd, DRM_IOCTL_D1_GET_CONTEXT_STATUS, cs);
}

/* Names of DRM_D1_ACCESS_* and DRM_D1_FAULT_* for messages. */
const char *d1_access_name(unsigned int access)
{
	return access == DRM_D1_ACCESS_READ ? "read" :
	       access == DRM_D1_ACCESS_WRITE ? "write" :
	       access == DRM_D1_ACCESS_EXEC ? "exec" : "?";
}

const char *d1_reason_name(unsigned int reason)
{
	static const char *const names[] = {
		"?", "unmapped", "permission", "bad PTE", "beyond HBM",
		"bus error", "bad context",
	};

	return reason < sizeof(names) / sizeof(names[0]) ? names[reason] : "?";
}

/* The context's failure record: the stash or a fresh read (cleared). */
void d1_ctx_take(d1_device *dev, struct drm_d1_context_status *cs)
{
	struct drm_d1_context_status now;

	pthread_mutex_lock(&dev->lock);
	if (dev->stashed_error) {
		*cs = dev->stash;
		dev->stashed_error = 0;
		pthread_mutex_unlock(&dev->lock);
		d1_ctx_read(dev, 1, &now);
		return;
	}
	pthread_mutex_unlock(&dev->lock);
	if (d1_ctx_read(dev, 1, cs))
		memset(cs, 0, sizeof(*cs));
}

/* Starts a new last error of @s: status, kind and kernel, the rest 0. */
void d1_set_error(d1_stream *s, d1_status st, unsigned int kind,
		  const char *kernel)
{
	struct d1_error_info *e = &s->last_error;

	memset(e, 0, sizeof(*e));
	e->status = st;
	e->kind = kind;
	snprintf(e->kernel, sizeof(e->kernel), "%s", kernel ? kernel : "");
}

/* Fills the stream's error for a failed job from the context record. */
d1_status d1_job_error(d1_stream *s, const struct d1_pending *p, int fst)
{
	const char *k = p && p->kind == D1_PENDING_LAUNCH ? p->kernel : "";
	const char *what = *k ? k : "copy";
	struct d1_error_info *e = &s->last_error;
	struct drm_d1_context_status cs;

	d1_ctx_take(s->dev, &cs);
	if (fst == -ETIMEDOUT || cs.error == DRM_D1_ERROR_HANG) {
		d1_set_error(s, D1_ERROR_TIMEOUT, D1_ERRKIND_TIMEOUT, k);
		snprintf(e->message, sizeof(e->message),
			 "%s: did not finish within the driver's job timeout (%u ms); the queue was reset",
			 what, s->dev->sinfo.job_timeout_ms);
		return D1_ERROR_TIMEOUT;
	}
	if (fst == -ECANCELED) {
		d1_set_error(s, D1_ERROR_LAUNCH_FAILED, D1_ERRKIND_CANCELLED, k);
		snprintf(e->message, sizeof(e->message),
			 "%s: not run because an earlier job on this device handle failed",
			 what);
		return D1_ERROR_LAUNCH_FAILED;
	}
	if (fst == -ENODEV) {
		d1_set_error(s, D1_ERROR_DEVICE_LOST, D1_ERRKIND_NONE, k);
		snprintf(e->message, sizeof(e->message), "%s: the device is gone",
			 what);
		return D1_ERROR_DEVICE_LOST;
	}
	switch (cs.error) {
	case DRM_D1_ERROR_MMU_FAULT:
		d1_set_error(s, D1_ERROR_LAUNCH_FAILED, D1_ERRKIND_MMU_FAULT, k);
		e->address = cs.fault_va;
		e->access = cs.fault_access;
		e->reason = cs.fault_reason;
		snprintf(e->message, sizeof(e->message),
			 "%s: device MMU fault: %s of VA 0x%" PRIx64 " (%s)", what,
			 d1_access_name(cs.fault_access), (uint64_t)cs.fault_va,
			 d1_reason_name(cs.fault_reason));
		break;
	case DRM_D1_ERROR_BUDGET:
		d1_set_error(s, D1_ERROR_TIMEOUT, D1_ERRKIND_BUDGET, k);
		snprintf(e->message, sizeof(e->message),
			 "%s: a hart ran out of its instruction budget", what);
		break;
	case DRM_D1_ERROR_DEADLOCK:
		d1_set_error(s, D1_ERROR_LAUNCH_FAILED, D1_ERRKIND_DEADLOCK, k);
		snprintf(e->message, sizeof(e->message),
			 "%s: deadlock: every running hart waits on a semaphore or barrier",
			 what);
		break;
	case DRM_D1_ERROR_LINK_DOWN:
		d1_set_error(s, D1_ERROR_NOT_LINKED, D1_ERRKIND_LINK, k);
		snprintf(e->message, sizeof(e->message),
			 "%s: the DIP-to-DIP link is down or its peer card is gone",
			 what);
		break;
	case DRM_D1_ERROR_LINK_WINDOW:
		d1_set_error(s, D1_ERROR_LAUNCH_FAILED, D1_ERRKIND_LINK, k);
		snprintf(e->message, sizeof(e->message),
			 "%s: outside the link peer's receive window (the peer card is being reset)",
			 what);
		break;
	case DRM_D1_ERROR_LINK_RESET:
		d1_set_error(s, D1_ERROR_LAUNCH_FAILED, D1_ERRKIND_LINK, k);
		snprintf(e->message, sizeof(e->message),
			 "%s: the link peer card was reset during the copy; part of the data may have arrived",
			 what);
		break;
	default:
		d1_set_error(s, D1_ERROR_LAUNCH_FAILED, D1_ERRKIND_BAD_COMMAND, k);
		snprintf(e->message, sizeof(e->message),
			 "%s: the device refused or failed the command (error %u)",
			 what, cs.error);
		break;
	}
	return e->status;
}

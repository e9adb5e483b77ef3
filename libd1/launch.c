// SPDX-License-Identifier: MIT
/*
 * Launches: the kernel's image uploaded once per handle, its argument
 * block and a report BO, one LAUNCH command.  When the job is done the
 * report (struct drm_d1_launch_report and its node records) gives the
 * device printf text and the outcome, which a failed launch turns into
 * the stream's struct d1_error_info (node, hart, PC, address).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "libd1_internal.h"

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

/* d1_launch(); with @keep, a reference to its result there. */
static d1_status launch(d1_stream *stream, d1_kernel *kernel,
			const struct d1_launch_config *config,
			d1_launch_result **keep)
{
	struct d1_launch_config c;
	struct drm_d1_cmd cmd;
	const struct d1_bo *img;
	const char *missing = NULL;
	const void *block;
	struct d1_pending *p;
	d1_device *dev;
	uint64_t nodes, rsize, text;
	size_t bsize;
	d1_status st;
	unsigned int i;

	if (!stream || !kernel || !config)
		return D1_ERROR_INVALID_VALUE;
	dev = stream->dev;
	c = *config;
	for (i = 0; i < 3; i++)
		if (c.reserved[i])
			return D1_ERROR_INVALID_VALUE;
	if (c.time_limit_ms > dev->sinfo.max_time_limit_ms)
		return dev->sinfo.max_time_limit_ms ? D1_ERROR_INVALID_VALUE :
		       D1_ERROR_NOT_SUPPORTED;
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
		d1_set_error(stream, D1_ERROR_ARGUMENT, D1_ERRKIND_NONE,
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
	p = d1_pending_new(D1_PENDING_LAUNCH);
	if (!p)
		return D1_ERROR_OUT_OF_MEMORY;
	p->x0 = c.x0;
	p->y0 = c.y0;
	p->cols = c.cols;
	p->rows = c.rows;
	p->harts = c.harts;
	p->flags = c.flags;
	p->raw = kernel->ki->raw;
	snprintf(p->kernel, sizeof(p->kernel), "%s", kernel->ki->name);
	p->result = d1_launch_result_new(p);
	if (!p->result) {
		st = D1_ERROR_OUT_OF_MEMORY;
		goto fail;
	}
	if (bsize) {
		st = d1_stream_bo(stream, bsize, &p->bo[0]);
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
	/*
	 * Report: header, node records with their counters (an older
	 * driver's device writes the records without), then room for the
	 * printf text.
	 */
	nodes = (uint64_t)c.cols * c.rows;
	text = nodes * 8192 < (8u << 20) ? nodes * 8192 : (8u << 20);
	rsize = sizeof(struct drm_d1_launch_report) +
		(sizeof(struct drm_d1_launch_node) +
		 sizeof(struct drm_d1_launch_node_counters)) * nodes + text;
	st = d1_stream_bo(stream, rsize, &p->bo[1]);
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
	cmd.time_limit_ms = (uint32_t)c.time_limit_ms;
	p->time_limit_ms = c.time_limit_ms ? (unsigned int)c.time_limit_ms :
			   dev->sinfo.job_timeout_ms;
	st = d1_submit(stream, &cmd, 1, p, 0);
	if (st)
		goto fail;
	/* The stream only completes it when this thread asks it to. */
	if (keep)
		*keep = d1_launch_result_get(p->result);
	return D1_SUCCESS;
fail:
	d1_pending_free(stream, p);
	return st;
}

D1_API d1_status d1_launch(d1_stream *stream, d1_kernel *kernel,
			   const struct d1_launch_config *config)
{
	return launch(stream, kernel, config, NULL);
}

D1_API d1_status d1_launch_with_result(d1_stream *stream, d1_kernel *kernel,
				       const struct d1_launch_config *config,
				       d1_launch_result **result)
{
	if (!result)
		return D1_ERROR_INVALID_VALUE;
	*result = NULL;
	return launch(stream, kernel, config, result);
}

/* Names of DRM_D1_NODE_FAULT_* for messages. */
static const char *fault_name(unsigned int f)
{
	static const char *const names[] = {
		"no fault", "illegal instruction", "instruction fetch fault",
		"misaligned jump target", "load access fault",
		"store access fault", "unknown ecall", "breakpoint",
		"DMA fault", "synchronisation fault",
		"node outside the launch",
	};

	return f < sizeof(names) / sizeof(names[0]) ? names[f] : "fault";
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
 * The outcome of launch @p from its report: printf text, then the status.
 * @fst is the job's fence status.
 */
static d1_status outcome(d1_stream *s, struct d1_pending *p, int fst)
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
			fst = d1_job_status(s, p);
		return fst ? d1_job_error(s, p, fst) : D1_SUCCESS;
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

			d1_ctx_take(s->dev, &cs);
			d1_set_error(s, D1_ERROR_LAUNCH_FAILED,
				  D1_ERRKIND_NODE_FAULT, p->kernel);
			e->fault = r.fault;
			if (r.fault == DRM_D1_NODE_FAULT_DMA &&
			    cs.error == DRM_D1_ERROR_MMU_FAULT) {
				e->access = cs.fault_access;
				e->reason = cs.fault_reason;
			}
		} else {
			d1_set_error(s, D1_ERROR_LAUNCH_FAILED,
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
				 d1_access_name(e->access), e->address,
				 d1_reason_name(e->reason));
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
	if (h.status == DRM_D1_ERROR_TIME_LIMIT && nodes && h.nodes) {
		struct drm_d1_context_status cs;
		struct drm_d1_launch_node r;

		/* Where it was stopped: the first node's record. */
		memcpy(&r, rep + sizeof(h), sizeof(r));
		d1_ctx_take(s->dev, &cs);
		d1_set_error(s, D1_ERROR_TIMEOUT, D1_ERRKIND_TIME_LIMIT,
			     p->kernel);
		e->node_x = p->x0;
		e->node_y = p->y0;
		e->hart = r.hart;
		e->pc = r.fault_pc;
		snprintf(e->message, sizeof(e->message),
			 "kernel %s: stopped at its time limit of %u ms on the grid; node (%u,%u) hart %u was at pc 0x%" PRIx64,
			 p->kernel, p->time_limit_ms, p->x0, p->y0, r.hart,
			 e->pc);
		return D1_ERROR_TIMEOUT;
	}
	if (fst || h.status)
		return d1_job_error(s, p, fst ? fst : -EIO);
	return D1_SUCCESS;
}

/* Finishes launch @p: its outcome, and its results from the report. */
d1_status d1_launch_finish(d1_stream *s, struct d1_pending *p, int fst)
{
	d1_status st = outcome(s, p, fst);

	if (p->result)
		d1_launch_result_end(p->result, p->bo[1].map, p->bo[1].size, st);
	return st;
}


/* Called by d1_device_close(): the images uploaded by d1_launch(). */
void d1_device_release_images(d1_device *dev)
{
	while (dev->images) {
		struct d1_image_bo *ib = dev->images;

		dev->images = ib->next;
		d1_bo_free(dev, &ib->bo);
		d1_image_put(ib->image);
		free(ib);
	}
}

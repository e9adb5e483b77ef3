// SPDX-License-Identifier: GPL-2.0-only
/*
 * d1: debugfs files under /sys/kernel/debug/accel/<device>/.
 *
 *   irq_errors          D1_IRQ_ERROR events since probe (read only)
 *   test_mask_doorbell  write 1 to mask the doorbell interrupt, 0 to
 *                       unmask it; lets tests force PING timeouts and
 *                       late interrupts
 *   rings               per queue: driver state, queue registers, jobs
 *                       on the ring
 *   contexts            per open file: client id, hardware context,
 *                       status (guilty, errors, resets), engine time
 *   bos                 the DRM core's list of GEM objects (gem_names)
 *                       and the HBM allocator
 *   mmu                 per open file: mappings and their leaf PTEs
 *   objects             live BOs, address spaces, mappings, page tables
 *                       and jobs of the driver (all cards together)
 *   reset_queue         write N: reset queue N now (every job on it is
 *                       resubmitted; none is guilty)
 *   reset_device        write 1: reset the whole card the same way
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <drm/drm_debugfs.h>
#include <drm/drm_device.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_print.h>

#include "d1_debugfs.h"
#include "d1_device.h"
#include "d1_drv.h"
#include "d1_gem.h"
#include "d1_irq.h"
#include "d1_job.h"
#include "d1_mmu.h"
#include "d1_pm.h"
#include "d1_reset.h"

static int d1_debugfs_mask_doorbell_get(void *data, u64 *val)
{
	struct d1_device *d1 = data;

	*val = d1_irq_doorbell_masked(d1);
	return 0;
}

static int d1_debugfs_mask_doorbell_set(void *data, u64 val)
{
	struct d1_device *d1 = data;

	if (val > 1)
		return -EINVAL;
	return d1_irq_test_mask_doorbell(d1, val);
}

DEFINE_DEBUGFS_ATTRIBUTE(d1_debugfs_mask_doorbell_fops,
			 d1_debugfs_mask_doorbell_get,
			 d1_debugfs_mask_doorbell_set, "%llu\n");

/**
 * struct d1_reset_work - a debugfs reset request run on the reset wq
 * @work: the work.
 * @d1: the device.
 * @queue: the queue to reset, or -1 for the device.
 * @ret: the result.
 */
struct d1_reset_work {
	struct work_struct work;
	struct d1_device *d1;
	int queue;
	int ret;
};

static void d1_debugfs_reset_fn(struct work_struct *work)
{
	struct d1_reset_work *rw = container_of(work, struct d1_reset_work,
						work);
	struct d1_device *d1 = rw->d1;
	int idx;

	if (rw->queue < 0) {
		rw->ret = d1_reset_device_sync(d1);
		return;
	}
	if (!drm_dev_enter(&d1->drm, &idx)) {
		rw->ret = -ENODEV;
		return;
	}
	d1_reset_queue(&d1->queues[rw->queue], true);
	drm_dev_exit(idx);
	rw->ret = 0;
}

/* Resets run on the ordered reset workqueue, never beside a recovery. */
static int d1_debugfs_reset(struct d1_device *d1, int queue)
{
	struct d1_reset_work rw = { .d1 = d1, .queue = queue };
	int ret;

	ret = d1_pm_get(d1);
	if (ret)
		return ret;
	INIT_WORK_ONSTACK(&rw.work, d1_debugfs_reset_fn);
	queue_work(d1->reset_wq, &rw.work);
	flush_work(&rw.work);
	destroy_work_on_stack(&rw.work);
	d1_pm_put(d1);
	return rw.ret;
}

static int d1_debugfs_reset_queue_set(void *data, u64 val)
{
	struct d1_device *d1 = data;

	if (val >= d1->nr_queues)
		return -EINVAL;
	return d1_debugfs_reset(d1, val);
}

DEFINE_DEBUGFS_ATTRIBUTE(d1_debugfs_reset_queue_fops, NULL,
			 d1_debugfs_reset_queue_set, "%llu\n");

static int d1_debugfs_reset_device_set(void *data, u64 val)
{
	struct d1_device *d1 = data;

	if (val != 1)
		return -EINVAL;
	return d1_debugfs_reset(d1, -1);
}

DEFINE_DEBUGFS_ATTRIBUTE(d1_debugfs_reset_device_fops, NULL,
			 d1_debugfs_reset_device_set, "%llu\n");

static int d1_rings_show(struct seq_file *m, void *unused)
{
	struct d1_device *d1 = m->private;
	struct drm_printer p = drm_seq_file_printer(m);
	u32 i;

	for (i = 0; i < d1->nr_queues; i++)
		d1_queue_debugfs_show(&p, &d1->queues[i]);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(d1_rings);

static void d1_debugfs_files(struct seq_file *m, bool tables)
{
	struct d1_device *d1 = m->private;
	struct drm_printer p = drm_seq_file_printer(m);
	struct drm_file *file;
	u32 i;

	mutex_lock(&d1->drm.filelist_mutex);
	list_for_each_entry(file, &d1->drm.filelist, lhead) {
		struct d1_file_priv *priv = file->driver_priv;
		struct d1_ctx *ctx;
		struct d1_ctx_status st;

		if (!priv)
			continue;
		ctx = priv->ctx;
		if (tables) {
			d1_mmu_debugfs_show(&p, ctx, true);
			continue;
		}
		spin_lock(&ctx->status_lock);
		st = ctx->status;
		spin_unlock(&ctx->status_lock);
		drm_printf(&p, "client %llu hw_ctx %d guilty %d errors %u resets %u\n",
			   ctx->client_id, READ_ONCE(ctx->hw_id), st.guilty,
			   st.error_count, st.reset_count);
		drm_printf(&p, "  first error %u queue %u fault va 0x%llx access %u reason %u\n",
			   st.error, st.queue, st.fault_va, st.fault_access,
			   st.fault_reason);
		for (i = 0; i < d1->nr_queues; i++)
			drm_printf(&p, "  q%u engine %llu ns\n", i,
				   (u64)atomic64_read(&ctx->engine_ns[i]));
	}
	mutex_unlock(&d1->drm.filelist_mutex);
}

static int d1_contexts_show(struct seq_file *m, void *unused)
{
	d1_debugfs_files(m, false);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(d1_contexts);

static int d1_mmu_show(struct seq_file *m, void *unused)
{
	d1_debugfs_files(m, true);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(d1_mmu);

static int d1_bos_show(struct seq_file *m, void *unused)
{
	struct d1_device *d1 = m->private;
	struct drm_printer p = drm_seq_file_printer(m);
	struct drm_file *file;

	d1_gem_debugfs_show(&p, &d1->drm);
	mutex_lock(&d1->drm.filelist_mutex);
	list_for_each_entry(file, &d1->drm.filelist, lhead) {
		struct drm_gem_object *obj;
		int id;

		spin_lock(&file->table_lock);
		idr_for_each_entry(&file->object_idr, obj, id) {
			if (!d1_gem_kind(obj))
				continue;
			drm_printf(&p, "client %llu handle %d %s size %zu refs %u%s\n",
				   file->client_id, id, d1_gem_kind(obj), obj->size,
				   kref_read(&obj->refcount),
				   obj->import_attach ? " imported" : "");
		}
		spin_unlock(&file->table_lock);
	}
	mutex_unlock(&d1->drm.filelist_mutex);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(d1_bos);

static int d1_objects_show(struct seq_file *m, void *unused)
{
	seq_printf(m, "bos %d\nctxs %d\nmappings %d\ntables %d\njobs %d\n",
		   atomic_read(&d1_objects.bos), atomic_read(&d1_objects.ctxs),
		   atomic_read(&d1_objects.mappings),
		   atomic_read(&d1_objects.tables),
		   atomic_read(&d1_objects.jobs));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(d1_objects);

/**
 * d1_debugfs_init() - create the d1 files in the device's debugfs dir
 * @d1: the device, registered with DRM.
 *
 * The DRM core removes the directory with the device.
 */
void d1_debugfs_init(struct d1_device *d1)
{
	struct dentry *root = d1->drm.debugfs_root;

	debugfs_create_atomic_t("irq_errors", 0400, root, &d1->irq.errors);
	debugfs_create_file_unsafe("test_mask_doorbell", 0600, root, d1,
				   &d1_debugfs_mask_doorbell_fops);
	debugfs_create_file("rings", 0400, root, d1, &d1_rings_fops);
	debugfs_create_file("contexts", 0400, root, d1,
			    &d1_contexts_fops);
	debugfs_create_file("bos", 0400, root, d1, &d1_bos_fops);
	debugfs_create_file("mmu", 0400, root, d1, &d1_mmu_fops);
	debugfs_create_file("objects", 0400, root, d1, &d1_objects_fops);
	debugfs_create_file_unsafe("reset_queue", 0200, root, d1,
				   &d1_debugfs_reset_queue_fops);
	debugfs_create_file_unsafe("reset_device", 0200, root, d1,
				   &d1_debugfs_reset_device_fops);
}

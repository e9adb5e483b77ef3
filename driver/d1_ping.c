// SPDX-License-Identifier: GPL-2.0-only
/*
 * d1: DRM_IOCTL_D1_PING, one doorbell round trip.
 *
 * Writes the caller's value to DOORBELL and sleeps until the device's
 * doorbell interrupt arrives, then returns the DOORBELL_ACK the interrupt
 * handler read (~value on working hardware).  One ping is in flight per
 * card at a time.
 */
#include <linux/completion.h>
#include <linux/jiffies.h>
#include <linux/minmax.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/d1_accel.h>

#include "d1_regs.h"
#include "d1_device.h"
#include "d1_drv.h"
#include "d1_ping.h"

static unsigned int d1_ping_timeout_ms = 1000;
module_param_named(ping_timeout_ms, d1_ping_timeout_ms, uint, 0444);
MODULE_PARM_DESC(ping_timeout_ms,
		 "PING timeout in ms when the caller passes 0 (default 1000)");

static unsigned long d1_ping_timeout(u64 timeout_ns)
{
	u64 j;

	if (!timeout_ns)
		return msecs_to_jiffies(max(d1_ping_timeout_ms, 1u));

	j = nsecs_to_jiffies64(timeout_ns);
	return clamp_t(u64, j, 1, MAX_SCHEDULE_TIMEOUT - 1);
}

int d1_ping_ioctl(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct d1_device *d1 = to_d1_device(drm);
	struct drm_d1_ping *args = data;
	unsigned long timeout;
	long left;
	int idx, ret;

	if (args->flags || args->pad)
		return d1_refuse(drm, -EINVAL,
				 "PING: flags 0x%x and pad 0x%x must be 0\n",
				 args->flags, args->pad);

	timeout = d1_ping_timeout(args->timeout_ns);

	/* Nothing has happened yet: a signal restarts the whole ioctl. */
	if (mutex_lock_interruptible(&d1->ping_lock))
		return -ERESTARTSYS;

	if (!drm_dev_enter(drm, &idx)) {
		ret = -ENODEV;
		goto out_unlock;
	}
	d1_irq_doorbell_prepare(d1);
	d1_write(d1, D1_REG_DOORBELL, args->value);
	drm_dev_exit(idx);

	/*
	 * Wait outside drm_dev_enter(): unplug must not wait for us.  It
	 * completes the doorbell for all waiters once the IRQ is gone.
	 */
	left = wait_for_completion_interruptible_timeout(&d1->irq.doorbell,
							 timeout);
	if (drm_dev_is_unplugged(drm)) {
		ret = -ENODEV;
	} else if (left < 0) {
		ret = left;
	} else if (!left) {
		ret = -ETIMEDOUT;
	} else {
		args->echo = d1->irq.doorbell_ack;
		ret = 0;
	}

out_unlock:
	mutex_unlock(&d1->ping_lock);
	return ret;
}

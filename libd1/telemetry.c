// SPDX-License-Identifier: MIT
/*
 * Telemetry: the values d1.ko exports under
 * <sysfs>/class/accel/accelN/device/telemetry/, one per file.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libd1_internal.h"

/* The number in telemetry file @name of @dev; -1 if missing. */
static int read_value(const d1_device *dev, const char *name, uint64_t *v)
{
	char path[4096], buf[64];
	FILE *f;
	int ok;

	if (snprintf(path, sizeof(path), "%s/class/accel/accel%u/device/telemetry/%s",
		     d1_sysfs_root(), dev->id.minor, name) >= (int)sizeof(path))
		return -1;
	f = fopen(path, "re");
	if (!f)
		return -1;
	ok = fgets(buf, sizeof(buf), f) && sscanf(buf, "%" SCNu64, v) == 1;
	fclose(f);
	return ok ? 0 : -1;
}

D1_API d1_status d1_device_telemetry(d1_device *dev,
				     struct d1_telemetry *telemetry)
{
	struct d1_telemetry t;
	uint64_t v;
	unsigned int q;

	if (!dev || !telemetry)
		return D1_ERROR_INVALID_VALUE;
	memset(&t, 0, sizeof(t));
	if (read_value(dev, "temperature_mc", &v))
		return D1_ERROR_NOT_SUPPORTED;
	t.temperature_mc = (uint32_t)v;
	if (!read_value(dev, "power_mw", &v))
		t.power_mw = (uint32_t)v;
	if (!read_value(dev, "pm_state", &v))
		t.pm_state = (uint32_t)v;
	if (!read_value(dev, "device_resets", &v))
		t.device_resets = v;
	if (!read_value(dev, "link_up", &v))
		t.link_up = (uint32_t)v;
	if (!read_value(dev, "link_self", &v))
		t.link_self = (uint32_t)v;
	if (!read_value(dev, "link_peer", &v))
		t.link_peer = (uint32_t)v;
	if (!read_value(dev, "link_errors", &v))
		t.link_errors = (uint32_t)v;
	read_value(dev, "link_tx_bytes", &t.link_tx_bytes);
	read_value(dev, "link_rx_bytes", &t.link_rx_bytes);
	read_value(dev, "link_cycles", &t.link_cycles);
	for (q = 0; q < D1_TELEMETRY_MAX_QUEUES; q++) {
		struct d1_queue_telemetry *qt = &t.queue[q];
		static const char *const names[] = {
			"cmds", "busy_ns", "dma_bytes", "instret", "faults",
			"jobs_done", "jobs_failed", "resets", "cycles",
		};
		uint64_t *fields[] = {
			&qt->cmds, &qt->busy_ns, &qt->dma_bytes, &qt->instret,
			&qt->faults, &qt->jobs_done, &qt->jobs_failed,
			&qt->resets, &qt->cycles,
		};
		unsigned int i, found = 0;
		char name[32];

		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
			snprintf(name, sizeof(name), "q%u_%s", q, names[i]);
			if (!read_value(dev, name, fields[i]))
				found++;
		}
		if (!found)
			break;
		t.num_queues = q + 1;
	}
	*telemetry = t;
	return D1_SUCCESS;
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * d1 selftests: the card under test as QEMU knows it, and QMP commands
 * about it (forwarded by tools/vm-qmp.sh inside tools/vm-run.sh): remove
 * it, make it answer nothing as if pulled out, plug it in again.  Only
 * inside the test VM ($D1_QMP_DIR set).
 */
#ifndef D1_QMP_H
#define D1_QMP_H

#include <libgen.h>

#include "d1_submit_common.h"

/*
 * The QEMU names of the card under test: tools/vm-run.sh puts card N as
 * "d1" (N = 0) or "d1-N" on root port "rpN" at PCI address 00:1N.0, its
 * link to card N + 1 when it links them in a ring (D1_LINKS=ring).
 */
static char card_id[16] = "d1", card_bus[16] = "rp0", card_link[48];

/* QEMU id of card @n. */
static inline void card_qemu_id(char *buf, size_t len, unsigned int n)
{
	if (n)
		snprintf(buf, len, "d1-%u", n);
	else
		snprintf(buf, len, "d1");
}

static inline void card_names(void)
{
	char target[PATH_MAX], peer[16], *port;
	struct d1_dev dev;
	unsigned int n;
	int cards;

	/* .../pci0000:00/0000:00:1N.0/<card> */
	if (d1_find(&dev) || !realpath(dev.sysfs, target))
		return;
	/* Follow this card, not whichever is first once it is gone. */
	if (!getenv("D1_VISIBLE_DEVICES"))
		setenv("D1_VISIBLE_DEVICES", basename(target), 1);
	port = strrchr(target, '/');
	if (!port)
		return;
	*port = '\0';
	port = basename(target);
	if (sscanf(port, "0000:00:1%1u.0", &n) != 1 || n > 7)
		return;
	card_qemu_id(card_id, sizeof(card_id), n);
	snprintf(card_bus, sizeof(card_bus), "rp%u", n);
	cards = getenv("D1_CARDS") ? atoi(getenv("D1_CARDS")) : 1;
	if (getenv("D1_LINKS") && !strcmp(getenv("D1_LINKS"), "ring") &&
	    cards > 1) {
		card_qemu_id(peer, sizeof(peer), (n + 1) % cards);
		snprintf(card_link, sizeof(card_link), ",\"link-peer\":\"%s\"",
			 peer);
	}
}

/* Remove the card under test; make it answer nothing, as if pulled out. */
static const char qmp_del[] =
	"{\"execute\":\"device_del\",\"arguments\":{\"id\":\"%s\"}}";
static const char qmp_pull[] =
	"{\"execute\":\"qom-set\",\"arguments\":{\"path\":\"/machine/peripheral/%s\",\"property\":\"surprise-removed\",\"value\":true}}";

/* Run tools/vm-qmp.sh (found from this binary: build/selftests/..). */
static inline int qmp(const char *json)
{
	char exe[PATH_MAX], tool[PATH_MAX + 32];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *const argv[] = { "sh", tool, (char *)json, NULL };

	if (n <= 0)
		return -1;
	exe[n] = '\0';
	snprintf(tool, sizeof(tool), "%s/../../tools/vm-qmp.sh",
		 dirname(exe));
	return d1_run_prog(NULL, 0, "/bin/sh", argv);
}

/* QMP command @fmt (one of the above) about the card under test. */
static inline int card_qmp(const char *fmt)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), fmt, card_id);
	return qmp(cmd);
}

/* Wait up to @ms for the d1 accel device to (dis)appear. */
static inline bool wait_present(bool present, int ms)
{
	struct d1_dev dev;

	for (; ms > 0; ms -= 50) {
		if ((d1_find(&dev) == 0) == present)
			return true;
		usleep(50000);
	}
	return false;
}

/*
 * Plug the card back in, with the properties the VM gave it.  QEMU
 * finishes a removal only once the guest has powered the slot off, and
 * a new card is usable once the slot is powered on and the driver has
 * probed it: each can take tens of seconds on a busy TCG host.
 */
static inline bool replug(void)
{
	char props[512], add[1024];
	int i;

	d1_device_props_json(props, sizeof(props));
	snprintf(add, sizeof(add),
		 "{\"execute\":\"device_add\",\"arguments\":{\"driver\":\"d1-dip\",\"id\":\"%s\",\"bus\":\"%s\"%s%s}}",
		 card_id, card_bus, props, card_link);
	for (i = 0; i < 600; i++) {
		if (qmp(add) == 0)
			return wait_present(true, 60000);
		usleep(100000);
	}
	return false;
}

#endif /* D1_QMP_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * d1-smi - list the d1 devices of this system and their capabilities.
 *
 * The output starts with one line per device, in the spirit of
 * `nvidia-smi -L`:
 *
 *   D1 0: /dev/accel/accel0 (PCI 0000:00:04.0, hw 1.0, driver d1 0.1.0)
 *
 * followed (unless -L) by its capabilities.  Everything comes through
 * libd1; nothing here talks to the kernel directly.
 *
 * Exit status: 0 ok, 1 a device failed, 2 no d1 device, 64 bad usage.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <d1/d1.h>

#define EXIT_NO_DEVICE	2
#define EXIT_USAGE	64

struct opts {
	int list_only;
	int ping;
	int index;		/* -1: all devices */
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: d1-smi [OPTION]...\n"
		"List the d1 accelerator devices and their capabilities.\n"
		"\n"
		"  -L, --list        one line per device only\n"
		"  -i, --id=INDEX    only device INDEX\n"
		"  -p, --ping        also ring each device's doorbell and time the answer\n"
		"  -h, --help        show this help\n"
		"\n"
		"Exit status: 0 ok, 1 a device failed, 2 no d1 device found\n"
		"(driver not loaded), 64 bad usage.\n");
}

/*
 * "1280 KiB", "256 MiB", "442.5 MiB": an exact count of the largest unit
 * that divides @v, or one decimal of a larger unit when that count
 * would exceed 4 digits.
 */
static void fmt_bytes(char *buf, size_t len, uint64_t v)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	const unsigned int nunit = sizeof(unit) / sizeof(unit[0]);
	unsigned int u = 0;
	double d;

	while (u + 1 < nunit && v && !(v & 1023)) {
		v >>= 10;
		u++;
	}
	if (v < 10000) {
		snprintf(buf, len, "%" PRIu64 " %s", v, unit[u]);
		return;
	}
	d = (double)v;
	while (u + 1 < nunit && d >= 1024) {
		d /= 1024;
		u++;
	}
	snprintf(buf, len, "%.1f %s", d, unit[u]);
}

static void print_device(const struct d1_device_info *in, int list_only)
{
	char sram[32], hbm[32], total[32];

	printf("D1 %u: %s (PCI %s, hw %u.%u, driver %s %d.%d.%d)\n",
	       in->index, in->devnode,
	       in->pci_address[0] ? in->pci_address : "unknown",
	       in->hw_major, in->hw_minor, in->driver_name,
	       in->driver_major, in->driver_minor, in->driver_patch);
	if (list_only)
		return;
	fmt_bytes(sram, sizeof(sram), in->sram_per_node);
	fmt_bytes(hbm, sizeof(hbm), in->hbm_size);
	fmt_bytes(total, sizeof(total),
		  (uint64_t)in->sram_per_node * in->node_count);
	printf("    PCI device ID   0x%04x\n", in->pci_device);
	printf("    grid            %ux%u\n", in->grid_rows, in->grid_cols);
	printf("    nodes           %u\n", in->node_count);
	printf("    SRAM/node       %s (%s total)\n", sram, total);
	printf("    queues          %u\n", in->num_queues);
	printf("    contexts        %u\n", in->num_contexts);
	printf("    HBM             %s\n", hbm);
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static d1_status ping(d1_device *dev)
{
	const uint32_t value = 0x5a5a1234;
	uint32_t echo = 0;
	d1_status st;
	double t0;

	t0 = now_us();
	st = d1_device_ping(dev, value, &echo, 0);
	if (st != D1_SUCCESS)
		return st;
	printf("    ping            0x%08x -> 0x%08x %s, %.0f us\n", value, echo,
	       echo == ~value ? "ok" : "WRONG", now_us() - t0);
	return echo == ~value ? D1_SUCCESS : D1_ERROR_DEVICE_LOST;
}

/* Prints device @i; returns 0 or 1 (failed). */
static int show(unsigned int i, const struct opts *o)
{
	struct d1_device_info info;
	d1_device *dev;
	d1_status st;

	st = d1_device_open(i, &dev);
	if (st != D1_SUCCESS) {
		fprintf(stderr, "d1-smi: device %u: open: %s\n", i,
			d1_status_string(st));
		return 1;
	}
	st = d1_device_info(dev, &info);
	if (st != D1_SUCCESS) {
		fprintf(stderr, "d1-smi: device %u: info: %s\n", i,
			d1_status_string(st));
		d1_device_close(dev);
		return 1;
	}
	print_device(&info, o->list_only);
	if (o->ping) {
		st = ping(dev);
		if (st != D1_SUCCESS)
			fprintf(stderr, "d1-smi: device %u: ping: %s\n", i,
				d1_status_string(st));
	}
	d1_device_close(dev);
	return st != D1_SUCCESS;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "list", no_argument, NULL, 'L' },
		{ "id", required_argument, NULL, 'i' },
		{ "ping", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = { .index = -1 };
	unsigned int count, i;
	int c, failed = 0;
	d1_status st;
	char *end;
	long v;

	while ((c = getopt_long(argc, argv, "Li:ph", longopts, NULL)) != -1) {
		switch (c) {
		case 'L':
			o.list_only = 1;
			break;
		case 'i':
			v = strtol(optarg, &end, 10);
			if (!*optarg || *end || v < 0 || v > 65535) {
				fprintf(stderr, "d1-smi: bad device index '%s'\n",
					optarg);
				return EXIT_USAGE;
			}
			o.index = (int)v;
			break;
		case 'p':
			o.ping = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "d1-smi: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return EXIT_USAGE;
	}

	st = d1_device_count(&count);
	if (st != D1_SUCCESS) {
		fprintf(stderr, "d1-smi: %s\n", d1_status_string(st));
		return st == D1_ERROR_NO_DEVICE ? EXIT_NO_DEVICE : EXIT_FAILURE;
	}
	if (o.index >= 0) {
		if ((unsigned int)o.index >= count) {
			fprintf(stderr, "d1-smi: no device %d (%u device%s)\n",
				o.index, count, count == 1 ? "" : "s");
			return EXIT_NO_DEVICE;
		}
		return show((unsigned int)o.index, &o);
	}
	for (i = 0; i < count; i++)
		failed |= show(i, &o);
	return failed;
}

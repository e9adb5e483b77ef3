// SPDX-License-Identifier: GPL-2.0
/*
 * d1-smi - list the d1 devices of this system and their capabilities.
 *
 * The output starts with one line per device, in the spirit of
 * `nvidia-smi -L`:
 *
 *   D1 0: /dev/accel/accel0 (PCI 0000:00:04.0, hw 1.0, driver d1 2.0.0)
 *
 * followed (unless -L) by its capabilities; -q adds the telemetry (libd1),
 * -u the processes using the device (their DRM fdinfo in /proc), and
 * -w repeats the whole every few seconds.
 *
 * Exit status: 0 ok, 1 a device failed, 2 no d1 device, 64 bad usage.
 */
#include <ctype.h>
#include <dirent.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <d1/d1.h>

#define EXIT_NO_DEVICE	2
#define EXIT_USAGE	64

struct opts {
	int list_only;
	int ping;
	int query;
	int processes;
	double watch;		/* seconds; 0: once */
	long count;		/* watch iterations; 0: forever */
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
		"  -q, --query       also show telemetry: temperature, power, link and\n"
		"                    queue counters\n"
		"  -u, --processes   also show the processes using each device (fdinfo)\n"
		"  -w, --watch[=SEC] repeat every SEC seconds (default 2) until interrupted\n"
		"  -n, --count=N     with --watch: stop after N rounds\n"
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
	if (in->uapi_major)
		printf("    uAPI            %u.%u\n", in->uapi_major,
		       in->uapi_minor);
	else
		printf("    uAPI            1.x (not reported)\n");
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

/* "D1 <index> (<PCI>)" of the card whose link address is @addr. */
static void link_peer_name(uint32_t addr, char *buf, size_t len)
{
	struct d1_device_info info;
	struct d1_telemetry t;
	unsigned int i, count;
	d1_device *d;

	snprintf(buf, len, "link address %u", addr);
	if (d1_device_count(&count))
		return;
	for (i = 0; i < count; i++) {
		if (d1_device_open(i, &d))
			continue;
		if (!d1_device_telemetry(d, &t) && t.link_self == addr &&
		    !d1_device_info(d, &info)) {
			snprintf(buf, len, "D1 %u (%s)", i, info.pci_address);
			i = count;
		}
		d1_device_close(d);
	}
}

static void print_telemetry(d1_device *dev)
{
	struct d1_telemetry t;
	char dma[32];
	unsigned int q;
	d1_status st;

	st = d1_device_telemetry(dev, &t);
	if (st != D1_SUCCESS) {
		printf("    telemetry       %s\n", d1_status_string(st));
		return;
	}
	printf("    temperature     %.1f C\n", t.temperature_mc / 1000.0);
	printf("    power           %.1f W (%s)\n", t.power_mw / 1000.0,
	       t.pm_state ? "low power" : "active");
	printf("    device resets   %" PRIu64 "\n", t.device_resets);
	if (t.link_self) {
		char peer[96], tx[32], rx[32];

		link_peer_name(t.link_peer, peer, sizeof(peer));
		fmt_bytes(tx, sizeof(tx), t.link_tx_bytes);
		fmt_bytes(rx, sizeof(rx), t.link_rx_bytes);
		if (t.link_up)
			printf("    link            up to %s; sent %s, received %s, %u errors\n",
			       peer, tx, rx, t.link_errors);
		else
			printf("    link            down; sent %s, received %s, %u errors\n",
			       tx, rx, t.link_errors);
	}
	printf("    queue   commands     busy ms   DMA        instret        sim ms       jobs ok/failed  resets\n");
	for (q = 0; q < t.num_queues; q++) {
		const struct d1_queue_telemetry *qt = &t.queue[q];

		fmt_bytes(dma, sizeof(dma), qt->dma_bytes);
		/* Modelled cycles as device time at the nominal 2 GHz. */
		printf("    q%-5u %9" PRIu64 " %11.1f   %-10s %-14" PRIu64
		       " %-12.3f %" PRIu64 "/%" PRIu64 "%*s%" PRIu64 "\n",
		       q, qt->cmds, qt->busy_ns / 1e6, dma, qt->instret,
		       qt->cycles / 2e6, qt->jobs_done, qt->jobs_failed, 8, "",
		       qt->resets);
	}
}

/* One DRM client of the device, from /proc/<pid>/fdinfo/<fd>. */
struct client {
	long pid;
	uint64_t id;
	uint64_t engine_ns;	/* summed over the queues */
	uint64_t grid_cycles, grid_mhz;
	char mem[32];
};

/* Parses one fdinfo file; 1 if it is a d1 client of @pdev. */
static int parse_fdinfo(const char *path, const char *pdev, struct client *c)
{
	char line[256], dev[64] = "";
	int is_d1 = 0;
	FILE *f = fopen(path, "re");

	if (!f)
		return 0;
	memset(c, 0, sizeof(*c));
	snprintf(c->mem, sizeof(c->mem), "-");
	while (fgets(line, sizeof(line), f)) {
		char *v = strchr(line, ':');
		uint64_t x;

		if (!v)
			continue;
		*v++ = '\0';
		while (isspace((unsigned char)*v))
			v++;
		v[strcspn(v, "\n")] = '\0';
		if (!strcmp(line, "drm-driver"))
			is_d1 = !strcmp(v, "d1");
		else if (!strcmp(line, "drm-pdev"))
			snprintf(dev, sizeof(dev), "%s", v);
		else if (!strcmp(line, "drm-client-id"))
			c->id = strtoull(v, NULL, 10);
		else if (!strncmp(line, "drm-engine-q", 12) &&
			 sscanf(v, "%" SCNu64, &x) == 1)
			c->engine_ns += x;
		else if (!strcmp(line, "drm-cycles-grid"))
			c->grid_cycles = strtoull(v, NULL, 10);
		else if (!strcmp(line, "drm-maxfreq-grid") &&
			 sscanf(v, "%" SCNu64 " MHz", &x) == 1)
			c->grid_mhz = x;
		else if (!strcmp(line, "drm-total-memory"))
			snprintf(c->mem, sizeof(c->mem), "%s", v);
	}
	fclose(f);
	return is_d1 && (!*pdev || !*dev || !strcasecmp(dev, pdev));
}

static void print_processes(const struct d1_device_info *in)
{
	struct client *seen = NULL;
	unsigned int nseen = 0, i;
	struct dirent *p, *fd;
	DIR *proc = opendir("/proc");

	printf("    processes       PID      command          client  engine ms     sim ms  memory\n");
	if (!proc)
		return;
	while ((p = readdir(proc))) {
		char path[300], comm[64] = "?";
		DIR *fds;
		FILE *f;

		if (!isdigit((unsigned char)p->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", p->d_name);
		f = fopen(path, "re");
		if (f) {
			if (fgets(comm, sizeof(comm), f))
				comm[strcspn(comm, "\n")] = '\0';
			fclose(f);
		}
		snprintf(path, sizeof(path), "/proc/%s/fdinfo", p->d_name);
		fds = opendir(path);
		if (!fds)
			continue;
		while ((fd = readdir(fds))) {
			struct client c, *n;
			char fpath[600];

			if (!isdigit((unsigned char)fd->d_name[0]))
				continue;
			snprintf(fpath, sizeof(fpath), "%s/%s", path, fd->d_name);
			if (!parse_fdinfo(fpath, in->pci_address, &c))
				continue;
			c.pid = strtol(p->d_name, NULL, 10);
			for (i = 0; i < nseen; i++)
				if (seen[i].id == c.id && seen[i].pid == c.pid)
					break;
			if (i < nseen)
				continue;	/* a dup of a listed file */
			n = realloc(seen, (nseen + 1) * sizeof(*seen));
			if (!n)
				break;
			seen = n;
			seen[nseen++] = c;
			printf("                    %-8ld %-16s %-7" PRIu64 " %9.1f  %9.3f  %s\n",
			       c.pid, comm, c.id, c.engine_ns / 1e6,
			       c.grid_mhz ? c.grid_cycles / (c.grid_mhz * 1e3) :
					    0.0, c.mem);
		}
		closedir(fds);
	}
	closedir(proc);
	if (!nseen)
		printf("                    (none)\n");
	free(seen);
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
	if (o->query && !o->list_only)
		print_telemetry(dev);
	if (o->processes && !o->list_only)
		print_processes(&info);
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
		{ "query", no_argument, NULL, 'q' },
		{ "processes", no_argument, NULL, 'u' },
		{ "watch", optional_argument, NULL, 'w' },
		{ "count", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = { .index = -1 };
	unsigned int count, i;
	int c, failed = 0;
	long round;
	d1_status st;
	char *end;
	long v;

	while ((c = getopt_long(argc, argv, "Li:pquw::n:h", longopts, NULL)) != -1) {
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
		case 'q':
			o.query = 1;
			break;
		case 'u':
			o.processes = 1;
			break;
		case 'w':
			o.watch = optarg ? strtod(optarg, &end) : 2.0;
			if ((optarg && *end) || o.watch <= 0 || o.watch > 86400) {
				fprintf(stderr, "d1-smi: bad interval '%s'\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'n':
			o.count = strtol(optarg, &end, 10);
			if (!*optarg || *end || o.count <= 0) {
				fprintf(stderr, "d1-smi: bad count '%s'\n", optarg);
				return EXIT_USAGE;
			}
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
	}
	for (round = 1;; round++) {
		if (o.watch) {
			time_t now = time(NULL);
			char ts[64];

			strftime(ts, sizeof(ts), "%Y-%m-%d %H:%M:%S", localtime(&now));
			printf("%s== %s\n", round > 1 ? "\n" : "", ts);
		}
		if (o.index >= 0) {
			failed |= show((unsigned int)o.index, &o);
		} else {
			for (i = 0; i < count; i++)
				failed |= show(i, &o);
		}
		fflush(stdout);
		if (!o.watch || (o.count && round >= o.count))
			break;
		usleep((useconds_t)(o.watch * 1e6));
	}
	return failed;
}

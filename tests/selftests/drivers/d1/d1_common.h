/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the d1 selftests: find the d1 accel device, run the
 * d1-kmod tool, read sysfs.
 */
#ifndef D1_SELFTEST_COMMON_H
#define D1_SELFTEST_COMMON_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <drm/d1_accel.h>

#include "d1_device_props.h"
#include "d1_regs.h"

#define D1_ACCEL_MAJOR		261	/* ACCEL_MAJOR in drm_accel.h */


struct d1_dev {
	char node[PATH_MAX];	/* /dev/accel/accelN */
	char sysfs[PATH_MAX];	/* /sys/class/accel/accelN/device (PCI) */
};

/*
 * Whether accel<n> is bound to the d1 driver; its PCI address (the name
 * of its device link) in @pci.
 */
static inline bool d1_is_card(unsigned int n, char *pci, size_t len)
{
	char link[PATH_MAX], target[PATH_MAX];
	ssize_t r;

	snprintf(link, sizeof(link), "/sys/class/accel/accel%u/device/driver",
		 n);
	r = readlink(link, target, sizeof(target) - 1);
	if (r < 0)
		return false;
	target[r] = '\0';
	if (strcmp(basename(target), "d1"))
		return false;
	snprintf(link, sizeof(link), "/sys/class/accel/accel%u/device", n);
	r = readlink(link, target, sizeof(target) - 1);
	if (r < 0)
		return false;
	target[r] = '\0';
	snprintf(pci, len, "%s", basename(target));
	return true;
}

/*
 * Find the card under test: the first one D1_VISIBLE_DEVICES names (an
 * index into the d1 cards in minor order, or a PCI address with or
 * without its domain, as libd1 reads it), else the first d1 card.
 * Returns 0, or -ENODEV when there is none.
 */
static inline int d1_find(struct d1_dev *dev)
{
	const char *want = getenv("D1_VISIBLE_DEVICES");
	char pci[64], first[64] = "";
	unsigned int n, i = 0;
	size_t len = 0;

	const char *bus;
	bool by_index;

	if (want) {
		len = strcspn(want, ",");
		if (!len || len >= sizeof(first))
			return -ENODEV;
		memcpy(first, want, len);
		first[len] = '\0';
	}
	by_index = want && strspn(first, "0123456789") == len;
	for (n = 0; n < 256; n++) {
		if (!d1_is_card(n, pci, sizeof(pci)))
			continue;
		bus = strchr(pci, ':');
		if (by_index && (unsigned int)atoi(first) != i++)
			continue;
		if (want && !by_index && strcasecmp(first, pci) &&
		    (!bus || strcasecmp(first, bus + 1)))
			continue;
		snprintf(dev->node, sizeof(dev->node), "/dev/accel/accel%u", n);
		snprintf(dev->sysfs, sizeof(dev->sysfs),
			 "/sys/class/accel/accel%u/device", n);
		return 0;
	}
	return -ENODEV;
}

static inline bool d1_module_loaded(void)
{
	return access("/sys/module/d1", F_OK) == 0;
}

/* Read one unsigned number (decimal or 0x-hex) from a sysfs file. */
static inline int d1_sysfs_read_ul(const char *dir, const char *name,
				   unsigned long *val)
{
	char path[PATH_MAX], buf[64];
	ssize_t n;
	int fd;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    sizeof(path))
		return -ENAMETOOLONG;
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	buf[n] = '\0';
	*val = strtoul(buf, NULL, 0);
	return 0;
}

/* Write a string to a sysfs file. */
static inline int d1_sysfs_write(const char *path, const char *s)
{
	ssize_t n;
	int fd;

	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	close(fd);
	return n < 0 ? -errno : 0;
}

/*
 * The driver's live object counts (debugfs "objects" of the card bound to
 * d1 now), one string in @buf.  0 or -1.
 */
static inline int d1_objects(char *buf, size_t len)
{
	char real[PATH_MAX], path[PATH_MAX + 64];
	struct d1_dev dev;
	ssize_t n;
	int fd;

	if (d1_find(&dev) || !realpath(dev.sysfs, real))
		return -1;
	snprintf(path, sizeof(path), "/sys/kernel/debug/accel/%s/objects",
		 basename(real));
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

/* Wait (jobs are freed by a worker) until the counts are @base again. */
static inline bool d1_objects_back(const char *base, char *now, size_t len)
{
	int i;

	for (i = 0; i < 200; i++) {
		if (!d1_objects(now, len) && !strcmp(now, base))
			return true;
		usleep(20000);
	}
	return false;
}

/*
 * Run program @path with @argv (NULL-terminated; argv[0] first) and
 * capture the start of its stdout+stderr in @out (what does not fit is
 * read and dropped, so the program never blocks on a full pipe).
 * Returns its exit status, or -1 if it did not exit normally.
 */
static inline int d1_run_prog(char *out, size_t outlen, const char *path,
			      char *const argv[])
{
	int pfd[2], status;
	char drop[512];
	size_t used = 0;
	ssize_t n;
	pid_t pid;

	if (pipe(pfd))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		close(pfd[0]);
		close(pfd[1]);
		execv(path, argv);
		_exit(127);
	}
	close(pfd[1]);
	while (outlen && used < outlen - 1 &&
	       (n = read(pfd[0], out + used, outlen - 1 - used)) > 0)
		used += n;
	if (outlen)
		out[used] = '\0';
	while (read(pfd[0], drop, sizeof(drop)) > 0)
		;
	close(pfd[0]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/*
 * Run the d1-kmod tool (path in $D1_KMOD) with up to 4 arguments (the
 * first NULL ends them) and capture its stdout+stderr in @out.
 */
static inline int d1_kmod_run(char *out, size_t outlen, const char *a1,
			      const char *a2, const char *a3, const char *a4)
{
	const char *kmod = getenv("D1_KMOD");
	char *const argv[] = { (char *)kmod, (char *)a1, (char *)a2,
			       (char *)a3, (char *)a4, NULL };

	return kmod ? d1_run_prog(out, outlen, kmod, argv) : -1;
}

/* Load d1 from $D1_KO through $D1_KMOD if it is not loaded yet. */
static inline int d1_ensure_loaded(char *out, size_t outlen)
{
	const char *ko = getenv("D1_KO");

	if (d1_module_loaded())
		return 0;
	if (!ko || !getenv("D1_KMOD"))
		return -1;
	return d1_kmod_run(out, outlen, "load", ko, NULL, NULL);
}

static inline int d1_query_info(int fd, struct drm_d1_device_info *info)
{
	struct drm_d1_query q = {
		.param = DRM_D1_QUERY_DEVICE_INFO,
		.size = sizeof(*info),
		.data = (__u64)(uintptr_t)info,
	};

	memset(info, 0, sizeof(*info));
	return ioctl(fd, DRM_IOCTL_D1_QUERY, &q);
}

/* One doorbell round trip; returns 0 with *echo set, or -errno. */
static inline int d1_ping(int fd, __u32 value, __u64 timeout_ns, __u32 *echo)
{
	struct drm_d1_ping p = {
		.value = value,
		.timeout_ns = timeout_ns,
	};

	if (ioctl(fd, DRM_IOCTL_D1_PING, &p))
		return -errno;
	*echo = p.echo;
	return 0;
}

/*
 * For a FIXTURE_SETUP (kselftest harness): load d1 if it is not loaded
 * yet, or skip the test when we were not told how.
 */
#define D1_REQUIRE_LOADED() do {					\
	char out_[1024] = "";						\
	int ret_ = d1_ensure_loaded(out_, sizeof(out_));		\
									\
	if (ret_ < 0)							\
		SKIP(return, "d1 is not loaded and D1_KMOD/D1_KO are unset"); \
	ASSERT_EQ(0, ret_) TH_LOG("d1-kmod load failed: %s", out_);	\
} while (0)

/* As above, then find the device and open it into self->dev, self->fd. */
#define D1_SETUP_OPEN(self) do {					\
	(self)->fd = -1;						\
	D1_REQUIRE_LOADED();						\
	ASSERT_EQ(0, d1_find(&(self)->dev))				\
		TH_LOG("no accel device bound to d1");			\
	(self)->fd = open((self)->dev.node, O_RDWR | O_CLOEXEC);	\
	ASSERT_LE(0, (self)->fd) TH_LOG("open %s: %s", (self)->dev.node, \
					strerror(errno));		\
} while (0)

#endif /* D1_SELFTEST_COMMON_H */

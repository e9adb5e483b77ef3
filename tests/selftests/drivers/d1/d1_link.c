// SPDX-License-Identifier: GPL-2.0
/*
 * d1 peer copies over the DIP-to-DIP link (uAPI 2.3): an HBM BO of one
 * card, exported through PRIME and imported by the card whose link sends
 * to it as a peer BO, is the destination of DRM_D1_CMD_LINK_COPY.
 *
 * Data at several sizes and offsets (unaligned, chunked) from HBM and
 * host sources in both directions of the link, checked through the
 * receiving card's mapping; the refusals (import, mmap, VM_BIND, SUBMIT)
 * with their errnos; the peer BO's lifetime against a queued copy; a
 * peer reset during copies.
 *
 * Needs two d1 cards whose links reach each other (tools/vm-run.sh
 * --cards 2: a ring); skips otherwise.  Debugfs for the reset test.
 */
#include <pthread.h>
#include <sys/mman.h>

#include "d1_qmp.h"
#include "kselftest_harness.h"

#define D1_MAX_CARDS	8
#define PEER_SIZE	(4ull << 20)
#define MIB		(1ull << 20)

struct card {
	char pci[64];
	char node[PATH_MAX];
	char sysfs[PATH_MAX];
	unsigned long self, peer;
};

/* Every d1 card in minor order, with its link addresses. */
static int cards_find(struct card *c, int max)
{
	unsigned int n;
	int count = 0;

	for (n = 0; n < 256 && count < max; n++) {
		char dir[PATH_MAX + 16];

		if (!d1_is_card(n, c[count].pci, sizeof(c[count].pci)))
			continue;
		snprintf(c[count].node, sizeof(c[count].node),
			 "/dev/accel/accel%u", n);
		snprintf(c[count].sysfs, sizeof(c[count].sysfs),
			 "/sys/class/accel/accel%u/device", n);
		snprintf(dir, sizeof(dir), "%s/telemetry", c[count].sysfs);
		if (d1_sysfs_read_ul(dir, "link_self", &c[count].self) ||
		    d1_sysfs_read_ul(dir, "link_peer", &c[count].peer))
			continue;
		count++;
	}
	return count;
}

FIXTURE(peer) {
	struct card cards[D1_MAX_CARDS];
	int ncards;
	int a, b;		/* a's link sends to b */
	int fa, fb;
	unsigned char *src;	/* random bytes */
};

FIXTURE_SETUP(peer)
{
	int i, j;

	self->fa = self->fb = -1;
	self->src = NULL;
	D1_REQUIRE_LOADED();
	self->ncards = cards_find(self->cards, D1_MAX_CARDS);
	if (self->ncards < 2)
		SKIP(return, "%d d1 card(s), peer copies need 2 linked ones",
		     self->ncards);
	self->a = -1;
	for (i = 0; i < self->ncards && self->a < 0; i++)
		for (j = 0; j < self->ncards; j++)
			if (i != j && self->cards[i].peer &&
			    self->cards[i].peer == self->cards[j].self) {
				self->a = i;
				self->b = j;
				break;
			}
	if (self->a < 0)
		SKIP(return, "no d1 card's link reaches another card");
	self->fa = open(self->cards[self->a].node, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fa);
	self->fb = open(self->cards[self->b].node, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fb);
	self->src = malloc(PEER_SIZE);
	ASSERT_NE(NULL, self->src);
	srandom(0xd1);
	for (i = 0; i < (int)PEER_SIZE; i++)
		self->src[i] = random();
}

FIXTURE_TEARDOWN(peer)
{
	if (self->fa >= 0)
		close(self->fa);
	if (self->fb >= 0)
		close(self->fb);
	free(self->src);
}

static struct drm_d1_cmd cmd_link(__u64 src, __u64 dst, __u64 size)
{
	struct drm_d1_cmd c = d1_cmd_copy(src, dst, size);

	c.op = DRM_D1_CMD_LINK_COPY;
	return c;
}

static int submit1(int fd, const struct drm_d1_cmd *c)
{
	return d1_submit(fd, 0, c, 1, NULL, 0, NULL, 0);
}

/* Export @handle of @from and import it into @into; 0 or -errno. */
static int share(int from, __u32 handle, int into, __u32 *imported)
{
	int dmafd, ret = 0;

	if (drmPrimeHandleToFD(from, handle, DRM_CLOEXEC, &dmafd))
		return -errno;
	if (drmPrimeFDToHandle(into, dmafd, imported))
		ret = -errno;
	close(dmafd);
	return ret;
}

static __u32 placement(int fd, __u32 handle)
{
	struct drm_d1_bo_info bi = { .handle = handle };

	if (d1_ioctl(fd, DRM_IOCTL_D1_BO_INFO, &bi))
		return ~0u;
	return bi.placement;
}

/* Link telemetry value @name of card @c; ~0 if unreadable. */
static unsigned long link_stat(const struct card *c, const char *name)
{
	char dir[PATH_MAX + 16];
	unsigned long v = ~0ul;

	snprintf(dir, sizeof(dir), "%s/telemetry", c->sysfs);
	d1_sysfs_read_ul(dir, name, &v);
	return v;
}

/*
 * Copy over the link of @from (whose peer is @to) from an HBM and a host
 * BO at several sizes and offsets, check @to's BO after each, and that
 * the link counted the bytes on both cards and the timing model's time
 * (2 us + 25 bytes a 2 GHz cycle) on the sender.
 */
static void copies(struct __test_metadata *_metadata, int from, int to,
		   const struct card *cfrom, const struct card *cto,
		   const unsigned char *rnd)
{
	unsigned long tx = link_stat(cfrom, "link_tx_bytes");
	unsigned long rx = link_stat(cto, "link_rx_bytes");
	unsigned long cycles = link_stat(cfrom, "link_cycles");

	static const struct { __u64 src_off, dst_off, size; } cases[] = {
		{ 0, 0, 1 },
		{ 1, 4097, 4095 },
		{ 4096, 3, 8192 },
		{ 7, 4096 + 5, 3 * MIB + 5 },	/* several 1 MiB chunks */
		{ 0, 0, PEER_SIZE },
	};
	struct d1_buf hbm, host, dst;
	__u32 peer = 0;
	__u64 peer_va = 0;
	unsigned int i, k;

	ASSERT_EQ(0, d1_buf_new(to, PEER_SIZE, DRM_D1_BO_HBM, &dst));
	ASSERT_EQ(0, share(to, dst.handle, from, &peer));
	EXPECT_EQ(DRM_D1_BO_PEER, placement(from, peer));
	ASSERT_EQ(0, d1_vm_bind(from, peer, DRM_D1_VM_WRITE, 0, 0, &peer_va));
	ASSERT_EQ(0, d1_buf_new(from, PEER_SIZE, DRM_D1_BO_HBM, &hbm));
	ASSERT_EQ(0, d1_buf_new(from, PEER_SIZE, DRM_D1_BO_HOST, &host));
	memcpy(hbm.map, rnd, PEER_SIZE);
	for (i = 0; i < PEER_SIZE; i++)
		((unsigned char *)host.map)[i] = rnd[PEER_SIZE - 1 - i];

	for (k = 0; k < 2; k++) {
		const struct d1_buf *s = k ? &host : &hbm;

		for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			__u64 so = cases[i].src_off, d = cases[i].dst_off;
			__u64 n = cases[i].size;
			struct drm_d1_cmd c = cmd_link(s->va + so,
						       peer_va + d, n);
			unsigned char *m = dst.map;

			memset(dst.map, 0x5a, PEER_SIZE);
			ASSERT_EQ(1, d1_run(from, 0, &c, 1, 60 * D1_SEC))
				TH_LOG("%s source, case %u", k ? "host" : "hbm", i);
			EXPECT_EQ(0, memcmp(m + d, (unsigned char *)s->map + so, n))
				TH_LOG("%s source, case %u: data differs",
				       k ? "host" : "hbm", i);
			EXPECT_TRUE((!d || (m[0] == 0x5a && m[d - 1] == 0x5a)) &&
				    (d + n == PEER_SIZE || m[d + n] == 0x5a))
				TH_LOG("case %u wrote outside its range", i);
			tx += n;
			rx += n;
			cycles += 4000 + (n + 24) / 25;
			EXPECT_EQ(tx, link_stat(cfrom, "link_tx_bytes"));
			EXPECT_EQ(rx, link_stat(cto, "link_rx_bytes"));
			EXPECT_EQ(cycles, link_stat(cfrom, "link_cycles"));
		}
	}
	d1_buf_free(from, &hbm);
	d1_buf_free(from, &host);
	EXPECT_EQ(0, d1_vm_unbind(from, peer_va, 0));
	EXPECT_EQ(0, d1_bo_close(from, peer));
	d1_buf_free(to, &dst);
}

TEST_F(peer, copies)
{
	copies(_metadata, self->fa, self->fb, &self->cards[self->a],
	       &self->cards[self->b], self->src);
}

/* The other direction of the ring (two cards: b's link sends to a). */
TEST_F(peer, copies_reverse)
{
	if (self->cards[self->b].peer != self->cards[self->a].self)
		SKIP(return, "the link of the second card does not reach the first");
	copies(_metadata, self->fb, self->fa, &self->cards[self->b],
	       &self->cards[self->a], self->src);
}

TEST_F(peer, import_rules)
{
	struct d1_buf hbm, host;
	__u32 again = 0, peer = 0, imported = 0;
	__u64 va = 0;
	int dmafd, i, j, x = -1, y = -1;
	void *p;

	ASSERT_EQ(0, d1_buf_new(self->fb, 65536, DRM_D1_BO_HBM, &hbm));
	ASSERT_EQ(0, d1_buf_new(self->fb, 65536, DRM_D1_BO_HOST, &host));

	/* Same card: the same BO. */
	ASSERT_EQ(0, drmPrimeHandleToFD(self->fb, hbm.handle, DRM_CLOEXEC,
					&dmafd));
	ASSERT_EQ(0, drmPrimeFDToHandle(self->fb, dmafd, &again));
	EXPECT_EQ(hbm.handle, again);
	/* No CPU access through the dma-buf. */
	p = mmap(NULL, 65536, PROT_READ, MAP_SHARED, dmafd, 0);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EINVAL, errno);
	/* The peer card: a peer BO the CPU cannot map. */
	ASSERT_EQ(0, drmPrimeFDToHandle(self->fa, dmafd, &peer));
	close(dmafd);
	EXPECT_EQ(DRM_D1_BO_PEER, placement(self->fa, peer));
	EXPECT_EQ(NULL, d1_bo_mmap(self->fa, peer, 65536));
	EXPECT_EQ(EINVAL, errno);
	/* Bound for LINK_COPY: WRITE only. */
	EXPECT_EQ(-EINVAL, d1_vm_bind(self->fa, peer, DRM_D1_VM_READ, 0, 0, &va));
	EXPECT_EQ(-EINVAL, d1_vm_bind(self->fa, peer,
				      DRM_D1_VM_READ | DRM_D1_VM_WRITE, 0, 0,
				      &va));
	EXPECT_EQ(0, d1_vm_bind(self->fa, peer, DRM_D1_VM_WRITE, 0, 0, &va));
	EXPECT_EQ(0, d1_vm_unbind(self->fa, va, 0));
	EXPECT_EQ(0, d1_bo_close(self->fa, peer));

	/* A host BO's dma-buf is host memory on the other card, no peer. */
	ASSERT_EQ(0, share(self->fb, host.handle, self->fa, &imported));
	EXPECT_EQ(DRM_D1_BO_HOST, placement(self->fa, imported));
	va = 0;
	ASSERT_EQ(0, d1_vm_bind(self->fa, imported,
				DRM_D1_VM_READ | DRM_D1_VM_WRITE, 0, 0, &va));
	{
		struct drm_d1_cmd c = cmd_link(va, va + 4096, 16);

		EXPECT_EQ(-EINVAL, submit1(self->fa, &c));
	}
	EXPECT_EQ(0, d1_vm_unbind(self->fa, va, 0));
	EXPECT_EQ(0, d1_bo_close(self->fa, imported));

	/* A card whose link does not send to the exporter: -EXDEV. */
	for (i = 0; i < self->ncards && x < 0; i++)
		for (j = 0; j < self->ncards; j++)
			if (i != j && self->cards[i].peer != self->cards[j].self) {
				x = i;
				y = j;
				break;
			}
	if (x >= 0) {
		int fx = open(self->cards[x].node, O_RDWR | O_CLOEXEC);
		int fy = open(self->cards[y].node, O_RDWR | O_CLOEXEC);
		__u32 h = 0, h2 = 0;

		ASSERT_LE(0, fx);
		ASSERT_LE(0, fy);
		ASSERT_EQ(0, d1_bo_create(fy, 4096, DRM_D1_BO_HBM, &h));
		EXPECT_EQ(-EXDEV, share(fy, h, fx, &h2));
		close(fx);
		close(fy);
	} else {
		TH_LOG("every card's link reaches every other: no -EXDEV case");
	}
	d1_buf_free(self->fb, &hbm);
	d1_buf_free(self->fb, &host);
}

TEST_F(peer, submit_rules)
{
	struct d1_buf src, other, dst;
	struct drm_d1_cmd c;
	__u32 peer = 0;
	__u64 pva = 0;

	ASSERT_EQ(0, d1_buf_new(self->fb, 65536, DRM_D1_BO_HBM, &dst));
	ASSERT_EQ(0, share(self->fb, dst.handle, self->fa, &peer));
	ASSERT_EQ(0, d1_vm_bind(self->fa, peer, DRM_D1_VM_WRITE, 0, 0, &pva));
	ASSERT_EQ(0, d1_buf_new(self->fa, 65536, DRM_D1_BO_HOST, &src));
	ASSERT_EQ(0, d1_buf_new(self->fa, 65536, DRM_D1_BO_HBM, &other));

	/* Destination outside a peer mapping, or reaching past its end. */
	c = cmd_link(src.va, other.va, 16);
	EXPECT_EQ(-EINVAL, submit1(self->fa, &c));
	c = cmd_link(src.va, pva + 65536 - 8, 16);
	EXPECT_EQ(-EINVAL, submit1(self->fa, &c));
	c = cmd_link(src.va, pva - 8, 16);
	EXPECT_EQ(-EINVAL, submit1(self->fa, &c));
	/* The source must be readable memory of this card. */
	c = cmd_link(pva, pva + 4096, 16);
	EXPECT_EQ(-EINVAL, submit1(self->fa, &c));
	/* Sizes, flags and must-be-zero fields. */
	c = cmd_link(src.va, pva, 0);
	EXPECT_EQ(-EINVAL, submit1(self->fa, &c));
	c = cmd_link(src.va, pva, (1ull << 30) + 1);
	EXPECT_EQ(-EINVAL, submit1(self->fa, &c));
	c = cmd_link(src.va, pva, 16);
	c.flags = 1;
	EXPECT_EQ(-EINVAL, submit1(self->fa, &c));
	c = cmd_link(src.va, pva, 16);
	c.pad[3] = 1;
	EXPECT_EQ(-EINVAL, submit1(self->fa, &c));
	c = cmd_link(src.va, pva, 16);
	c.time_limit_ms = 1;
	EXPECT_EQ(-EINVAL, submit1(self->fa, &c));
	c = cmd_link(src.va, pva, 16);
	c.pad2 = 1;
	EXPECT_EQ(-EINVAL, submit1(self->fa, &c));

	/* Other commands cannot name a peer range: the MMU does not map it. */
	c = d1_cmd_copy(src.va, pva, 16);
	EXPECT_EQ(-EINVAL, submit1(self->fa, &c));
	c = d1_cmd_copy(pva, src.va, 16);
	EXPECT_EQ(-EINVAL, submit1(self->fa, &c));
	c = d1_cmd_mem(DRM_D1_CMD_SIGNAL, pva, 1);
	EXPECT_EQ(-EINVAL, submit1(self->fa, &c));
	c = d1_cmd_mem(DRM_D1_CMD_TIMESTAMP, pva, 0);
	EXPECT_EQ(-EINVAL, submit1(self->fa, &c));
	c = d1_cmd_mem(DRM_D1_CMD_WAIT, pva, 0);
	EXPECT_EQ(-EINVAL, submit1(self->fa, &c));
	c = d1_cmd_launch(pva, 4096, 0, 0, 1, 1, 0, src.va, 4096);
	EXPECT_EQ(-EINVAL, submit1(self->fa, &c));
	c = d1_cmd_launch(src.va, 4096, 0, 0, 1, 1, 0, pva, 4096);
	EXPECT_EQ(-EINVAL, submit1(self->fa, &c));

	/* And the valid one still works after all that. */
	memcpy(src.map, self->src, 65536);
	c = cmd_link(src.va + 3, pva + 5, 65536 - 8);
	EXPECT_EQ(1, d1_run(self->fa, 0, &c, 1, 60 * D1_SEC));
	EXPECT_EQ(0, memcmp((unsigned char *)dst.map + 5,
			    (unsigned char *)src.map + 3, 65536 - 8));

	d1_buf_free(self->fa, &src);
	d1_buf_free(self->fa, &other);
	EXPECT_EQ(0, d1_vm_unbind(self->fa, pva, 0));
	EXPECT_EQ(0, d1_bo_close(self->fa, peer));
	d1_buf_free(self->fb, &dst);
}

static __u64 hbm_free(int fd)
{
	struct drm_d1_submit_info si;

	if (d1_submit_info(fd, &si))
		return 0;
	return si.hbm_free;
}

/*
 * The driver's live BOs, mappings and jobs (debugfs "objects", all cards
 * together) on one line; page tables stay with open files.  0 or -1.
 */
static int live_objects(char *buf, size_t len)
{
	char all[512], *line, *save = NULL;
	size_t used = 0;

	if (d1_objects(all, sizeof(all)))
		return -1;
	buf[0] = '\0';
	for (line = strtok_r(all, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		if (!strncmp(line, "bos ", 4) || !strncmp(line, "mappings ", 9) ||
		    !strncmp(line, "jobs ", 5))
			used += snprintf(buf + used, len - used, "%s; ", line);
	return used ? 0 : -1;
}

struct unbind_arg {
	int fd;
	__u64 va;
	int ret;
};

static void *unbind_thread(void *p)
{
	struct unbind_arg *u = p;

	u->ret = d1_vm_unbind(u->fd, u->va, 0);
	return NULL;
}

/*
 * A LINK_COPY queued behind a WAIT while its peer mapping (VM_UNBIND,
 * which waits for the job), the peer handle and the exporter's file go
 * away.  With @view, a CPU mapping of the BO made on the receiving card
 * beforehand shows that the data lands; without, nothing but the job and
 * the mapping it outlives holds the BO, and its HBM stays allocated until
 * the job is done, then everything is released.
 */
static void lifetime(struct __test_metadata *_metadata,
		     FIXTURE_DATA(peer) *self, bool view)
{
	const __u64 size = 16 * MIB;
	char objs[512], now[512];
	unsigned char *map = NULL;
	struct d1_buf src, gate;
	struct drm_d1_cmd c[2];
	struct unbind_arg u;
	__u64 before, pva = 0;
	__u32 peer = 0, so = 0, h = 0;
	pthread_t t;
	int fb2, i;

	ASSERT_EQ(0, live_objects(objs, sizeof(objs)));
	before = hbm_free(self->fb);
	/* The exporter is a file of its own, closed below. */
	fb2 = open(self->cards[self->b].node, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fb2);
	ASSERT_EQ(0, d1_bo_create(fb2, size, DRM_D1_BO_HBM, &h));
	EXPECT_EQ(before - size, hbm_free(self->fb));
	ASSERT_EQ(0, share(fb2, h, self->fa, &peer));
	ASSERT_EQ(0, d1_vm_bind(self->fa, peer, DRM_D1_VM_WRITE, 0, 0, &pva));
	if (view) {
		map = d1_bo_mmap(fb2, h, size);
		ASSERT_NE(NULL, map);
	}

	ASSERT_EQ(0, d1_buf_new(self->fa, size, DRM_D1_BO_HOST, &src));
	ASSERT_EQ(0, d1_buf_new(self->fa, 4096, DRM_D1_BO_HOST, &gate));
	for (i = 0; i < (int)(size / PEER_SIZE); i++)
		memcpy((unsigned char *)src.map + i * PEER_SIZE, self->src,
		       PEER_SIZE);
	((unsigned char *)src.map)[size - 1] ^= 0xff;
	c[0] = d1_cmd_mem(DRM_D1_CMD_WAIT, gate.va, 1);
	c[1] = cmd_link(src.va, pva, size);
	ASSERT_EQ(0, d1_submit_sync(self->fa, 0, c, 2, &so));

	u.fd = self->fa;
	u.va = pva;
	u.ret = 1;
	ASSERT_EQ(0, pthread_create(&t, NULL, unbind_thread, &u));
	EXPECT_EQ(0, d1_bo_close(self->fa, peer));
	EXPECT_EQ(0, d1_bo_close(fb2, h));
	close(fb2);
	usleep(200000);
	EXPECT_EQ(0, d1_sync_status(self->fa, so));
	EXPECT_EQ(1, u.ret);		/* VM_UNBIND still waits */
	EXPECT_EQ(before - size, hbm_free(self->fb));

	*(volatile __u64 *)gate.map = 1;
	ASSERT_EQ(0, d1_sync_wait(self->fa, so, 60 * D1_SEC));
	EXPECT_EQ(1, d1_sync_status(self->fa, so));
	pthread_join(t, NULL);
	EXPECT_EQ(0, u.ret);
	if (map) {
		EXPECT_EQ(0, memcmp(map, src.map, size));
		munmap(map, size);
	}
	drmSyncobjDestroy(self->fa, so);
	d1_buf_free(self->fa, &src);
	d1_buf_free(self->fa, &gate);
	/* Jobs are freed by a worker: give it a moment. */
	for (i = 0; i < 200 && hbm_free(self->fb) != before; i++)
		usleep(20000);
	EXPECT_EQ(before, hbm_free(self->fb));
	/* BOs (the peer BO too), mappings, jobs: all gone. */
	for (i = 0; i < 200; i++) {
		if (!live_objects(now, sizeof(now)) && !strcmp(now, objs))
			break;
		usleep(20000);
	}
	EXPECT_STREQ(objs, now);
}

TEST_F(peer, lifetime_data)
{
	lifetime(_metadata, self, true);
}

TEST_F(peer, lifetime_release)
{
	lifetime(_metadata, self, false);
}

/* Reset the receiving card while copies into it run. */
TEST_F(peer, peer_reset)
{
	const __u64 size = 64 * MIB;
	char real[PATH_MAX], path[PATH_MAX + 64];
	struct drm_d1_context_status st;
	struct drm_d1_cmd c[64];
	struct d1_buf src, dst;
	__u32 peer = 0, so = 0;
	__u64 pva = 0;
	unsigned int i;
	int ret;

	ASSERT_NE(NULL, realpath(self->cards[self->b].sysfs, real));
	snprintf(path, sizeof(path), "/sys/kernel/debug/accel/%s/reset_device",
		 basename(real));
	if (access(path, W_OK))
		SKIP(return, "no reset_device in debugfs (not mounted?)");

	ASSERT_EQ(0, d1_buf_new(self->fb, size, DRM_D1_BO_HBM, &dst));
	ASSERT_EQ(0, share(self->fb, dst.handle, self->fa, &peer));
	ASSERT_EQ(0, d1_vm_bind(self->fa, peer, DRM_D1_VM_WRITE, 0, 0, &pva));
	ASSERT_EQ(0, d1_buf_new(self->fa, size, DRM_D1_BO_HBM, &src));
	for (i = 0; i < 64; i++)
		c[i] = cmd_link(src.va, pva, size);
	ASSERT_EQ(0, d1_submit_sync(self->fa, 0, c, 64, &so));
	usleep(20000);
	ASSERT_EQ(0, d1_sysfs_write(path, "1"));
	ASSERT_EQ(0, d1_sync_wait(self->fa, so, 120 * D1_SEC));
	ret = d1_sync_status(self->fa, so);
	drmSyncobjDestroy(self->fa, so);
	if (ret == 1)
		SKIP(goto out, "4 GiB of copies ended before the reset reached them");
	EXPECT_EQ(-EIO, ret);
	ASSERT_EQ(0, d1_ctx_status(self->fa, DRM_D1_CONTEXT_STATUS_CLEAR, &st));
	EXPECT_EQ(1, st.guilty);
	EXPECT_TRUE(st.error == DRM_D1_ERROR_LINK_RESET ||
		    st.error == DRM_D1_ERROR_LINK_WINDOW)
		TH_LOG("error %u", st.error);

	/* Both cards work afterwards, the link too (the window is open). */
	EXPECT_EQ(1, d1_copy_round_trip(self->fa, 3));
	EXPECT_EQ(1, d1_copy_round_trip(self->fb, 4));
	memcpy(src.map, self->src, PEER_SIZE);
	c[0] = cmd_link(src.va, pva + 1, PEER_SIZE);
	EXPECT_EQ(1, d1_run(self->fa, 0, c, 1, 60 * D1_SEC));
	EXPECT_EQ(0, memcmp((unsigned char *)dst.map + 1, self->src, PEER_SIZE));
out:
	d1_buf_free(self->fa, &src);
	d1_vm_unbind(self->fa, pva, 0);
	d1_bo_close(self->fa, peer);
	d1_buf_free(self->fb, &dst);
}

/*
 * The receiving card is unplugged while this side holds a peer BO of it
 * and a LINK_COPY into it waits behind a WAIT: the copy fails, new ones
 * are refused, everything closes; the card plugged in again (it may get
 * the old card's link address) is reached through a new peer BO only.
 */
TEST_F(peer, peer_unplug)
{
	struct drm_d1_context_status st;
	struct d1_buf src, gate, dst;
	struct drm_d1_cmd c[2];
	__u32 peer = 0, peer2 = 0, so = 0;
	__u64 pva = 0, pva2 = 0;
	char anode[PATH_MAX], bpci[64];
	int ret, i, j;

	if (!getenv("D1_QMP_DIR"))
		SKIP(return, "needs the test VM (tools/vm-run.sh --cards 2)");
	strcpy(anode, self->cards[self->a].node);
	strcpy(bpci, self->cards[self->b].pci);
	/* d1_qmp.h acts on the card D1_VISIBLE_DEVICES names. */
	setenv("D1_VISIBLE_DEVICES", bpci, 1);
	card_names();
	ASSERT_EQ(0, d1_buf_new(self->fb, PEER_SIZE, DRM_D1_BO_HBM, &dst));
	ASSERT_EQ(0, share(self->fb, dst.handle, self->fa, &peer));
	ASSERT_EQ(0, d1_vm_bind(self->fa, peer, DRM_D1_VM_WRITE, 0, 0, &pva));
	ASSERT_EQ(0, d1_buf_new(self->fa, PEER_SIZE, DRM_D1_BO_HOST, &src));
	ASSERT_EQ(0, d1_buf_new(self->fa, 4096, DRM_D1_BO_HOST, &gate));
	memcpy(src.map, self->src, PEER_SIZE);
	c[0] = d1_cmd_mem(DRM_D1_CMD_WAIT, gate.va, 1);
	c[1] = cmd_link(src.va, pva, PEER_SIZE);
	ASSERT_EQ(0, d1_submit_sync(self->fa, 0, c, 2, &so));

	/* The exporting file stays open across the removal. */
	munmap(dst.map, dst.size);
	dst.map = NULL;
	ASSERT_EQ(0, card_qmp(qmp_del));
	ASSERT_TRUE(wait_present(false, 60000));
	c[0] = cmd_link(src.va, pva, 16);
	EXPECT_EQ(-ENODEV, submit1(self->fa, c));
	*(volatile __u64 *)gate.map = 1;
	ASSERT_EQ(0, d1_sync_wait(self->fa, so, 60 * D1_SEC));
	ret = d1_sync_status(self->fa, so);
	drmSyncobjDestroy(self->fa, so);
	EXPECT_EQ(-EIO, ret);
	ASSERT_EQ(0, d1_ctx_status(self->fa, DRM_D1_CONTEXT_STATUS_CLEAR, &st));
	EXPECT_EQ(DRM_D1_ERROR_LINK_DOWN, st.error);
	EXPECT_EQ(DRM_D1_BO_PEER, placement(self->fa, peer));
	EXPECT_EQ(-ENODEV, d1_vm_unbind(self->fb, dst.va, 0));
	close(self->fb);
	self->fb = -1;

	/* Back in: the stale peer BO does not reach the new card. */
	ASSERT_TRUE(replug());
	for (i = 0; i < 100; i++) {
		self->ncards = cards_find(self->cards, D1_MAX_CARDS);
		self->a = self->b = -1;
		for (j = 0; j < self->ncards; j++) {
			if (!strcmp(self->cards[j].node, anode))
				self->a = j;
			if (!strcmp(self->cards[j].pci, bpci))
				self->b = j;
		}
		if (self->a >= 0 && self->b >= 0 &&
		    self->cards[self->a].peer == self->cards[self->b].self)
			break;
		usleep(100000);
	}
	ASSERT_GT(100, i) TH_LOG("%s did not come back with its link", bpci);
	EXPECT_EQ(-ENODEV, submit1(self->fa, c));
	self->fb = open(self->cards[self->b].node, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fb);
	memset(&dst, 0, sizeof(dst));
	ASSERT_EQ(0, d1_buf_new(self->fb, PEER_SIZE, DRM_D1_BO_HBM, &dst));
	ASSERT_EQ(0, share(self->fb, dst.handle, self->fa, &peer2));
	ASSERT_EQ(0, d1_vm_bind(self->fa, peer2, DRM_D1_VM_WRITE, 0, 0, &pva2));
	c[0] = cmd_link(src.va + 1, pva2 + 2, PEER_SIZE - 3);
	EXPECT_EQ(1, d1_run(self->fa, 0, c, 1, 60 * D1_SEC));
	EXPECT_EQ(0, memcmp((unsigned char *)dst.map + 2,
			    (unsigned char *)src.map + 1, PEER_SIZE - 3));

	EXPECT_EQ(0, d1_vm_unbind(self->fa, pva, 0));
	EXPECT_EQ(0, d1_bo_close(self->fa, peer));
	EXPECT_EQ(0, d1_vm_unbind(self->fa, pva2, 0));
	EXPECT_EQ(0, d1_bo_close(self->fa, peer2));
	d1_buf_free(self->fa, &src);
	d1_buf_free(self->fa, &gate);
	d1_buf_free(self->fb, &dst);
}

TEST_HARNESS_MAIN

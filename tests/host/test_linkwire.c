// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the DIP-to-DIP link over a byte stream
 * (qemu-device/core/linkwire.c): two cards joined by a socket pair, as
 * two QEMU processes are by a chardev - status, copies into the window
 * and its checks, the stream lost; and one card against this test playing
 * the other end from the format in hw-interface.rst - each request and
 * answer, a reset answered mid-copy, a silent other end, garbage.
 */
#include <sys/socket.h>
#include <unistd.h>

#include "dip_harness.h"
#include "kselftest_harness.h"

#define VA_HOST		0x100000000ull
#define RW		(D1_PTE_READ | D1_PTE_WRITE)
#define WIN_BASE	(4u << 20)
#define WIN_SIZE	(8u << 20)
#define HDR		40
#define MAGIC		0x4b4c3144u
enum { HELLO = 1, CHECK, DATA, ACK };

/* Feeds what arrives on a socket to a card, as a chardev's reader does. */
struct reader {
	struct bench *b;
	int fd;
	pthread_t t;
};

static void *reader_main(void *arg)
{
	struct reader *r = arg;
	static __thread uint8_t buf[100000];
	ssize_t n;

	while ((n = read(r->fd, buf, sizeof(buf))) > 0)
		d1_link_wire_rx(&r->b->d, buf, n);
	d1_link_wire_up(&r->b->d, false);
	return NULL;
}

static int wire_card(struct bench *b, const char *name, int fd,
		     struct reader *r)
{
	struct d1_dip_config c = bench_config();

	c.link_name = name;
	c.link_wire = true;
	if (bench_init(b, &c))
		return -1;
	b->wire_fd = fd + 1;
	r->b = b;
	r->fd = fd;
	return pthread_create(&r->t, NULL, reader_main, r);
}

/* Queue 0 of @b in context 2, @VA_HOST mapping the first MiB of its bus. */
static void sender(struct bench *b, struct bench_queue *q)
{
	uint64_t root = bench_context(b, 2);

	bench_map(b, root, VA_HOST, BENCH_BUS_BASE, 1 << 20, RW);
	bench_queue_start(b, q, 0, 2, 16);
}

static void open_window(struct bench *b)
{
	wr(b, D1_REG_LINK_WIN_BASE_LO, WIN_BASE);
	wr(b, D1_REG_LINK_WIN_SIZE_LO, WIN_SIZE);
}

static uint64_t rd64(struct bench *b, uint64_t lo)
{
	return rd(b, lo) | (uint64_t)rd(b, lo + 4) << 32;
}

static void fill(uint8_t *p, size_t n, unsigned int seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 131 + seed * 7 + (i >> 9) + 1);
}

static void submit_copy(struct bench *a, struct bench_queue *q, uint64_t src,
			uint64_t dst, uint64_t n)
{
	uint64_t w[8];

	bench_desc(w, D1_OP_LINK_COPY, src, dst, n, 0, 0);
	bench_submit(a, q, w);
}

/* Runs one LINK_COPY on @q; its Q_STATUS error, ~0 on timeout. */
static unsigned int copy(struct bench *a, struct bench_queue *q, uint64_t src,
			 uint64_t dst, uint64_t n)
{
	int64_t st;

	submit_copy(a, q, src, dst, n);
	st = bench_wait(a, q, 20000);
	return st < 0 ? ~0u : D1_Q_STATUS_ERROR((uint32_t)st);
}

static void requeue(struct bench *a, struct bench_queue *q)
{
	wr(a, D1_REG_Q(q->idx, D1_Q_CTRL), D1_Q_CTRL_RESET);
	wr(a, D1_REG_Q(q->idx, D1_Q_CTRL), D1_Q_CTRL_ENABLE);
	q->tail = 0;
}

/* Wait up to 5 s for @reg to read @val. */
static bool until_reads(struct bench *b, uint64_t reg, uint32_t val)
{
	int i;

	for (i = 0; i < 5000; i++) {
		if (rd(b, reg) == val)
			return true;
		usleep(1000);
	}
	return false;
}

/* ---- two cards on a socket pair ---- */

FIXTURE(wire) {
	struct bench a, b;
	struct reader ra, rb;
	struct bench_queue q;	/* a's queue 0 */
	int sv[2];
};

FIXTURE_SETUP(wire)
{
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, self->sv));
	ASSERT_EQ(0, wire_card(&self->a, "wire-a", self->sv[0], &self->ra));
	ASSERT_EQ(0, wire_card(&self->b, "wire-b", self->sv[1], &self->rb));
	d1_link_wire_up(&self->a.d, true);
	d1_link_wire_up(&self->b.d, true);
	sender(&self->a, &self->q);
	open_window(&self->b);
	ASSERT_TRUE(until_reads(&self->a, D1_REG_LINK_STATUS,
				D1_LINK_UP | D1_LINK_STREAM));
	ASSERT_TRUE(until_reads(&self->b, D1_REG_LINK_STATUS,
				D1_LINK_UP | D1_LINK_STREAM));
}

FIXTURE_TEARDOWN(wire)
{
	shutdown(self->sv[0], SHUT_RDWR);
	shutdown(self->sv[1], SHUT_RDWR);
	pthread_join(self->ra.t, NULL);
	pthread_join(self->rb.t, NULL);
	bench_fini(&self->a);
	bench_fini(&self->b);
	close(self->sv[0]);
	close(self->sv[1]);
}

TEST_F(wire, addresses)
{
	EXPECT_EQ(rd(&self->b, D1_REG_LINK_SELF),
		  rd(&self->a, D1_REG_LINK_PEER));
	EXPECT_EQ(rd(&self->a, D1_REG_LINK_SELF),
		  rd(&self->b, D1_REG_LINK_PEER));
	EXPECT_NE(0u, rd(&self->a, D1_REG_LINK_PEER));
}

TEST_F(wire, copy_into_the_window)
{
	struct bench *a = &self->a, *b = &self->b;
	uint8_t *src = bench_ptr(a, BENCH_BUS_BASE);
	/* Within a message, exactly one, one more, several. */
	static const uint64_t sizes[] = { 1, 4097, 65536, 65537, 300001 };
	uint64_t dst = 0, total = 0;
	unsigned int i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		fill(src + i, sizes[i], i);
		ASSERT_EQ(0u, copy(a, &self->q, VA_HOST + i, dst, sizes[i]));
		EXPECT_EQ(0, memcmp(src + i, b->hbm + WIN_BASE + dst,
				    sizes[i]));
		dst += sizes[i] + 13;
		total += sizes[i];
	}
	EXPECT_EQ(total, rd64(a, D1_REG_LINK_TX_LO));
	EXPECT_EQ(total, rd64(b, D1_REG_LINK_RX_LO));
	EXPECT_EQ(total, rd64(a, D1_REG_Q(0, D1_Q_DMA_BYTES_LO)));
	EXPECT_EQ(0u, rd(a, D1_REG_LINK_ERRORS));
}

TEST_F(wire, outside_the_window_moves_nothing)
{
	struct bench *a = &self->a, *b = &self->b;
	uint8_t zero[4096] = { 0 };

	fill(bench_ptr(a, BENCH_BUS_BASE), 4096, 5);
	EXPECT_EQ((unsigned int)D1_QERR_LINK_WINDOW,
		  copy(a, &self->q, VA_HOST, WIN_SIZE - 4, 5));
	requeue(a, &self->q);
	/* A window closed by a reset of the receiver. */
	wr(b, D1_REG_RESET, D1_RESET_MAGIC);
	EXPECT_EQ((unsigned int)D1_QERR_LINK_WINDOW,
		  copy(a, &self->q, VA_HOST, 0, 4096));
	requeue(a, &self->q);
	EXPECT_EQ(0, memcmp(b->hbm + WIN_BASE + WIN_SIZE - 4096, zero, 4096));
	EXPECT_EQ(0, memcmp(b->hbm, zero, 4096));
	EXPECT_EQ(2u, rd(a, D1_REG_LINK_ERRORS));
	EXPECT_EQ(0u, rd64(a, D1_REG_LINK_TX_LO));
}

TEST_F(wire, stream_lost)
{
	struct bench *a = &self->a;

	shutdown(self->sv[1], SHUT_RDWR);
	ASSERT_TRUE(until_reads(a, D1_REG_LINK_STATUS, D1_LINK_STREAM));
	EXPECT_EQ(0u, rd(a, D1_REG_LINK_PEER));
	EXPECT_EQ((unsigned int)D1_QERR_LINK_DOWN,
		  copy(a, &self->q, VA_HOST, 0, 16));
	EXPECT_EQ(1u, rd(a, D1_REG_LINK_ERRORS));
}

/* ---- one card; this test is the other end ---- */

FIXTURE(peer) {
	struct bench a;
	struct reader ra;
	struct bench_queue q;
	int sv[2];		/* [1] is ours */
};

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);	/* the host is little endian, like the wire */
}

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

static void say(int fd, uint32_t type, uint32_t status, uint32_t epoch,
		uint64_t seq, uint64_t off, uint64_t len)
{
	uint8_t h[HDR];

	put32(h, MAGIC);
	put32(h + 4, type);
	put32(h + 8, status);
	put32(h + 12, epoch);
	put64(h + 16, seq);
	put64(h + 24, off);
	put64(h + 32, len);
	if (write(fd, h, HDR) != HDR)
		abort();
}

struct msg {
	uint32_t magic, type, status, epoch;
	uint64_t seq, off, len;
	uint8_t data[65536];
};

static bool read_all(int fd, void *p, size_t n)
{
	ssize_t r;

	while (n && (r = read(fd, p, n)) > 0) {
		p = (char *)p + r;
		n -= r;
	}
	return !n;
}

/* The next message the card sends, whole. */
static bool hear(int fd, struct msg *m)
{
	uint8_t h[HDR];

	if (!read_all(fd, h, HDR))
		return false;
	memcpy(&m->magic, h, 4);
	memcpy(&m->type, h + 4, 4);
	memcpy(&m->status, h + 8, 4);
	memcpy(&m->epoch, h + 12, 4);
	memcpy(&m->seq, h + 16, 8);
	memcpy(&m->off, h + 24, 8);
	memcpy(&m->len, h + 32, 8);
	if (m->type != DATA)
		return true;
	return m->len <= sizeof(m->data) && read_all(fd, m->data, m->len);
}

FIXTURE_SETUP(peer)
{
	struct msg *m = malloc(sizeof(*m));

	ASSERT_NE(NULL, m);
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, self->sv));
	ASSERT_EQ(0, wire_card(&self->a, "wire-a", self->sv[0], &self->ra));
	sender(&self->a, &self->q);
	d1_link_wire_up(&self->a.d, true);
	/* The card introduces itself: its link address. */
	ASSERT_TRUE(hear(self->sv[1], m));
	EXPECT_EQ(MAGIC, m->magic);
	EXPECT_EQ((uint32_t)HELLO, m->type);
	EXPECT_EQ(rd(&self->a, D1_REG_LINK_SELF), m->off);
	EXPECT_EQ((uint32_t)D1_LINK_STREAM, rd(&self->a, D1_REG_LINK_STATUS));
	say(self->sv[1], HELLO, 0, 0, 0, 42, 0);
	ASSERT_TRUE(until_reads(&self->a, D1_REG_LINK_STATUS,
				D1_LINK_UP | D1_LINK_STREAM));
	EXPECT_EQ(42u, rd(&self->a, D1_REG_LINK_PEER));
	free(m);
}

FIXTURE_TEARDOWN(peer)
{
	shutdown(self->sv[0], SHUT_RDWR);
	shutdown(self->sv[1], SHUT_RDWR);
	pthread_join(self->ra.t, NULL);
	bench_fini(&self->a);
	close(self->sv[0]);
	close(self->sv[1]);
}

/*
 * A CHECK of the whole range, then DATA messages of at most 64 KiB with
 * the epoch the CHECK's answer gave; a LINK_RESET answer ends the copy.
 */
TEST_F(peer, requests_and_a_reset_midway)
{
	struct bench *a = &self->a;
	uint8_t *src = bench_ptr(a, BENCH_BUS_BASE);
	struct msg *m = malloc(sizeof(*m));
	int fd = self->sv[1];

	ASSERT_NE(NULL, m);
	fill(src, 100000, 9);
	submit_copy(a, &self->q, VA_HOST, 0x1000, 100000);
	ASSERT_TRUE(hear(fd, m));
	EXPECT_EQ((uint32_t)CHECK, m->type);
	EXPECT_EQ(0x1000u, m->off);
	EXPECT_EQ(100000u, m->len);
	say(fd, ACK, 0, 7, m->seq, 0, 0);
	ASSERT_TRUE(hear(fd, m));
	EXPECT_EQ((uint32_t)DATA, m->type);
	EXPECT_EQ(7u, m->epoch);
	EXPECT_EQ(0x1000u, m->off);
	ASSERT_EQ(65536u, m->len);
	EXPECT_EQ(0, memcmp(src, m->data, 65536));
	say(fd, ACK, 0, 7, m->seq, 0, 0);
	ASSERT_TRUE(hear(fd, m));
	EXPECT_EQ(0x1000u + 65536, m->off);
	ASSERT_EQ(100000u - 65536, m->len);
	EXPECT_EQ(0, memcmp(src + 65536, m->data, m->len));
	/* An answer to an old request is ignored. */
	say(fd, ACK, D1_QERR_LINK_WINDOW, 8, m->seq - 1, 0, 0);
	say(fd, ACK, D1_QERR_LINK_RESET, 8, m->seq, 0, 0);
	EXPECT_EQ(D1_QERR_LINK_RESET,
		  D1_Q_STATUS_ERROR((uint32_t)bench_wait(a, &self->q, 5000)));
	EXPECT_EQ(65536u, rd64(a, D1_REG_LINK_TX_LO));
	EXPECT_EQ(1u, rd(a, D1_REG_LINK_ERRORS));
	free(m);
}

/* An other end that never answers: the copy waits, a queue reset ends it. */
TEST_F(peer, silent_other_end)
{
	struct bench *a = &self->a;
	struct msg *m = malloc(sizeof(*m));
	int fd = self->sv[1];

	ASSERT_NE(NULL, m);
	submit_copy(a, &self->q, VA_HOST, 0, 4096);
	ASSERT_TRUE(hear(fd, m));
	EXPECT_EQ((uint32_t)CHECK, m->type);
	EXPECT_EQ(-1, bench_wait(a, &self->q, 100));
	EXPECT_TRUE(rd(a, D1_REG_Q(0, D1_Q_STATUS)) & D1_Q_STATUS_BUSY);
	requeue(a, &self->q);
	EXPECT_EQ(0u, rd(a, D1_REG_Q(0, D1_Q_STATUS)) & D1_Q_STATUS_BUSY);
	/* The late answer finds nobody waiting; the next copy works. */
	say(fd, ACK, 0, 1, m->seq, 0, 0);
	submit_copy(a, &self->q, VA_HOST, 0, 10);
	ASSERT_TRUE(hear(fd, m));
	EXPECT_EQ((uint32_t)CHECK, m->type);
	say(fd, ACK, 0, 1, m->seq, 0, 0);
	ASSERT_TRUE(hear(fd, m));
	EXPECT_EQ((uint32_t)DATA, m->type);
	EXPECT_EQ(10u, m->len);
	say(fd, ACK, 0, 1, m->seq, 0, 0);
	EXPECT_EQ(0, bench_wait(a, &self->q, 5000));
	free(m);
}

/* Bytes that are not a message: the link is down, reported, not stuck. */
TEST_F(peer, garbage_takes_the_link_down)
{
	struct bench *a = &self->a;
	uint8_t junk[HDR];

	memset(junk, 0x5a, sizeof(junk));
	ASSERT_EQ(HDR, write(self->sv[1], junk, HDR));
	ASSERT_TRUE(until_reads(a, D1_REG_LINK_STATUS, D1_LINK_STREAM));
	EXPECT_EQ(1u, __atomic_load_n(&a->errors, __ATOMIC_RELAXED));
	EXPECT_EQ((unsigned int)D1_QERR_LINK_DOWN,
		  copy(a, &self->q, VA_HOST, 0, 16));
}

TEST_HARNESS_MAIN

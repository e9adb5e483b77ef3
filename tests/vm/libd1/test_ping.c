// SPDX-License-Identifier: GPL-2.0
/*
 * d1_device_ping against the real device: the doorbell round trip
 * answers ~value, with the default and explicit timeouts, from several
 * threads at once.
 */
#include <pthread.h>

#include "d1_test.h"
#include "kselftest_harness.h"

FIXTURE(ping) {
	d1_device *dev;
};

FIXTURE_SETUP(ping)
{
	d1_status st;

	self->dev = NULL;
	st = d1_device_open(0, &self->dev);
	ASSERT_EQ(D1_SUCCESS, st) TH_LOG("%s", d1_status_string(st));
}

FIXTURE_TEARDOWN(ping)
{
	if (self->dev)
		EXPECT_EQ(D1_SUCCESS, d1_device_close(self->dev));
}

TEST_F(ping, echo_is_complement)
{
	static const uint32_t values[] = {
		0, 1, 2, 0x5a5a5a5a, 0xa5a5a5a5, 0x12345678, 0xdeadbeef,
		0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff,
	};
	unsigned int i;
	uint32_t echo;

	for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		echo = values[i];	/* must be overwritten */
		ASSERT_EQ(D1_SUCCESS,
			  d1_device_ping(self->dev, values[i], &echo, 0));
		EXPECT_EQ(~values[i], echo) TH_LOG("value 0x%08x", values[i]);
	}
}

TEST_F(ping, explicit_timeouts)
{
	static const uint64_t timeouts[] = {
		1000000000ull,		/* 1 s */
		5000000000ull,		/* 5 s */
		~0ull,			/* "forever", clamped by the driver */
	};
	unsigned int i;
	uint32_t echo;

	for (i = 0; i < sizeof(timeouts) / sizeof(timeouts[0]); i++) {
		ASSERT_EQ(D1_SUCCESS,
			  d1_device_ping(self->dev, 0xc0ffee00 + i, &echo,
					 timeouts[i]));
		EXPECT_EQ(~(0xc0ffee00 + i), echo);
	}
}

TEST_F(ping, many_in_a_row)
{
	uint32_t v, echo, seed = 12345;
	int i;

	for (i = 0; i < 500; i++) {
		seed = seed * 1103515245u + 12345u;
		v = seed;
		ASSERT_EQ(D1_SUCCESS, d1_device_ping(self->dev, v, &echo, 0));
		ASSERT_EQ(~v, echo) TH_LOG("ping %d value 0x%08x", i, v);
	}
}

TEST_F(ping, null_echo)
{
	EXPECT_EQ(D1_ERROR_INVALID_VALUE,
		  d1_device_ping(self->dev, 1, NULL, 0));
}

struct pinger {
	d1_device *dev;		/* shared, or NULL: open its own */
	uint32_t base;
	int rounds;
	int bad;		/* wrong echoes */
	d1_status st;		/* first failure */
};

static void *pinger_main(void *arg)
{
	struct pinger *p = arg;
	d1_device *dev = p->dev;
	uint32_t echo;
	int i;

	p->st = D1_SUCCESS;
	if (!dev) {
		p->st = d1_device_open(0, &dev);
		if (p->st != D1_SUCCESS)
			return NULL;
	}
	for (i = 0; i < p->rounds; i++) {
		p->st = d1_device_ping(dev, p->base + i, &echo, 0);
		if (p->st != D1_SUCCESS)
			break;
		if (echo != ~(p->base + i))
			p->bad++;
	}
	if (!p->dev)
		d1_device_close(dev);
	return NULL;
}

static void run_pingers(struct __test_metadata *_metadata, d1_device *shared)
{
	enum { T = 4 };
	struct pinger p[T];
	pthread_t th[T];
	int i;

	for (i = 0; i < T; i++) {
		memset(&p[i], 0, sizeof(p[i]));
		p[i].dev = shared;
		p[i].base = (uint32_t)i << 24;
		p[i].rounds = 100;
		ASSERT_EQ(0, pthread_create(&th[i], NULL, pinger_main, &p[i]));
	}
	for (i = 0; i < T; i++) {
		ASSERT_EQ(0, pthread_join(th[i], NULL));
		EXPECT_EQ(D1_SUCCESS, p[i].st)
			TH_LOG("thread %d: %s", i, d1_status_string(p[i].st));
		EXPECT_EQ(0, p[i].bad) TH_LOG("thread %d", i);
	}
}

/* One handle shared by several threads. */
TEST_F(ping, threads_shared_handle)
{
	run_pingers(_metadata, self->dev);
}

/* One handle per thread. */
TEST(threads_own_handles)
{
	run_pingers(_metadata, NULL);
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * libd1 with several cards (tools/vm-run.sh --cards N): every card is
 * enumerated once and opens; work runs on all of them at once, each
 * card's data its own; D1_VISIBLE_DEVICES narrows and reorders what a
 * process sees; d1-smi lists every card; the cards' links form a ring.
 * Skips with one card.
 */
#include <stdint.h>
#include <sys/wait.h>

#include "d1_test.h"
#include "sdk_test.h"
#include "kselftest_harness.h"

#define MAX_CARDS	8

FIXTURE(multi) {
	unsigned int count;
	d1_device *dev[MAX_CARDS];
	struct d1_device_info info[MAX_CARDS];
};

FIXTURE_SETUP(multi)
{
	unsigned int i;

	unsetenv("D1_VISIBLE_DEVICES");
	self->count = 0;
	ASSERT_EQ(D1_SUCCESS, d1_device_count(&self->count));
	if (self->count < 2)
		SKIP(return, "one card (tools/vm-run.sh --cards 2 gives two)");
	ASSERT_LE(self->count, MAX_CARDS);
	for (i = 0; i < self->count; i++) {
		ASSERT_EQ(D1_SUCCESS, d1_device_open(i, &self->dev[i]));
		ASSERT_EQ(D1_SUCCESS, d1_device_info(self->dev[i], &self->info[i]));
		if (!sdk_supported(self->dev[i]))
			SKIP(return, "driver without memory management");
	}
}

FIXTURE_TEARDOWN(multi)
{
	unsigned int i;

	for (i = 0; i < self->count && i < MAX_CARDS; i++) {
		if (self->dev[i])
			EXPECT_EQ(D1_SUCCESS, d1_device_close(self->dev[i]));
	}
}

/* Distinct cards: their own node, PCI function and index. */
TEST_F(multi, every_card_once)
{
	unsigned int i, j;

	for (i = 0; i < self->count; i++) {
		EXPECT_EQ(i, self->info[i].index);
		EXPECT_NE(0, self->info[i].pci_address[0]);
		for (j = 0; j < i; j++) {
			EXPECT_NE(self->info[i].minor, self->info[j].minor);
			EXPECT_STRNE(self->info[i].pci_address,
				     self->info[j].pci_address);
		}
	}
	/* Minor order, as documented. */
	for (i = 1; i < self->count; i++)
		EXPECT_LT(self->info[i - 1].minor, self->info[i].minor);
}

static uint32_t word(unsigned int card, size_t i)
{
	return (card + 1) * 0x9e3779b1u ^ (uint32_t)i * 2654435761u;
}

/*
 * Every card copies its own pattern host -> HBM -> HBM -> host, all
 * streams in flight at once; each gets back its own data.
 */
TEST_F(multi, concurrent_copies_stay_on_their_card)
{
	enum { WORDS = 256 << 10 };	/* 1 MiB */
	d1_buffer *a[MAX_CARDS], *b[MAX_CARDS];
	d1_stream *s[MAX_CARDS];
	uint32_t *in, *out[MAX_CARDS];
	unsigned int c;
	size_t i, bad;

	in = malloc(WORDS * 4);
	ASSERT_NE(NULL, in);
	for (c = 0; c < self->count; c++) {
		out[c] = calloc(WORDS, 4);
		ASSERT_NE(NULL, out[c]);
		for (i = 0; i < WORDS; i++)
			in[i] = word(c, i);
		ASSERT_EQ(D1_SUCCESS, d1_buffer_create(self->dev[c], WORDS * 4,
						       D1_MEM_HBM, 0, &a[c]));
		ASSERT_EQ(D1_SUCCESS, d1_buffer_create(self->dev[c], WORDS * 4,
						       D1_MEM_HBM, 0, &b[c]));
		ASSERT_EQ(D1_SUCCESS, d1_stream_create(self->dev[c],
						       D1_STREAM_ANY_QUEUE, &s[c]));
		/* The htod copy takes its own copy of @in at once. */
		ASSERT_EQ(D1_SUCCESS, d1_memcpy_htod_async(s[c], a[c], 0, in,
							   WORDS * 4));
		ASSERT_EQ(D1_SUCCESS, d1_memcpy_dtod_async(s[c], b[c], 0, a[c], 0,
							   WORDS * 4));
		ASSERT_EQ(D1_SUCCESS, d1_memcpy_dtoh_async(s[c], out[c], b[c], 0,
							   WORDS * 4));
	}
	for (c = 0; c < self->count; c++) {
		ASSERT_EQ(D1_SUCCESS, d1_stream_synchronize(s[c],
							    D1_TIMEOUT_INFINITE));
		for (bad = 0, i = 0; i < WORDS; i++)
			bad += out[c][i] != word(c, i);
		EXPECT_EQ(0u, bad) TH_LOG("card %u: %zu wrong words", c, bad);
		EXPECT_EQ(D1_SUCCESS, d1_stream_destroy(s[c]));
		EXPECT_EQ(D1_SUCCESS, d1_buffer_destroy(a[c]));
		EXPECT_EQ(D1_SUCCESS, d1_buffer_destroy(b[c]));
		free(out[c]);
	}
	free(in);
}

/* A stream runs only its own card's buffers. */
TEST_F(multi, other_cards_buffers_are_refused)
{
	d1_buffer *a, *b;
	d1_stream *s;
	uint32_t x = 1;

	ASSERT_EQ(D1_SUCCESS, d1_buffer_create(self->dev[0], 4096, D1_MEM_HBM,
					       0, &a));
	ASSERT_EQ(D1_SUCCESS, d1_buffer_create(self->dev[1], 4096, D1_MEM_HBM,
					       0, &b));
	ASSERT_EQ(D1_SUCCESS, d1_stream_create(self->dev[0],
					       D1_STREAM_ANY_QUEUE, &s));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_memcpy_htod_async(s, b, 0, &x, 4));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE,
		  d1_memcpy_dtod_async(s, a, 0, b, 0, 4096));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_memcpy_dtod(a, 0, b, 0, 4096));
	EXPECT_EQ(D1_SUCCESS, d1_stream_synchronize(s, D1_TIMEOUT_INFINITE));
	EXPECT_EQ(D1_SUCCESS, d1_stream_destroy(s));
	EXPECT_EQ(D1_SUCCESS, d1_buffer_destroy(a));
	EXPECT_EQ(D1_SUCCESS, d1_buffer_destroy(b));
}

/* D1_VISIBLE_DEVICES on the real cards: by index and by address. */
TEST_F(multi, visible_devices)
{
	unsigned int last = self->count - 1, n = 0;
	struct d1_device_info info;
	char list[64];
	d1_device *d;

	ASSERT_EQ(0, setenv("D1_VISIBLE_DEVICES", "1", 1));
	ASSERT_EQ(D1_SUCCESS, d1_device_count(&n));
	EXPECT_EQ(1u, n);
	ASSERT_EQ(D1_SUCCESS, d1_device_open(0, &d));
	ASSERT_EQ(D1_SUCCESS, d1_device_info(d, &info));
	EXPECT_STREQ(self->info[1].pci_address, info.pci_address);
	EXPECT_EQ(0u, info.index);
	EXPECT_EQ(D1_SUCCESS, d1_device_close(d));

	/* Reversed, the last card by its address (without the domain). */
	snprintf(list, sizeof(list), "%s,0", self->info[last].pci_address + 5);
	ASSERT_EQ(0, setenv("D1_VISIBLE_DEVICES", list, 1));
	ASSERT_EQ(D1_SUCCESS, d1_device_count(&n));
	EXPECT_EQ(2u, n);
	ASSERT_EQ(D1_SUCCESS, d1_device_open(1, &d));
	ASSERT_EQ(D1_SUCCESS, d1_device_info(d, &info));
	EXPECT_STREQ(self->info[0].pci_address, info.pci_address);
	EXPECT_EQ(D1_SUCCESS, d1_device_close(d));
	ASSERT_EQ(D1_SUCCESS, d1_device_open(0, &d));
	ASSERT_EQ(D1_SUCCESS, d1_device_info(d, &info));
	EXPECT_STREQ(self->info[last].pci_address, info.pci_address);
	EXPECT_EQ(D1_SUCCESS, d1_device_close(d));

	/* A hidden card is not found by its address either. */
	ASSERT_EQ(0, setenv("D1_VISIBLE_DEVICES", "0", 1));
	d = NULL;
	EXPECT_EQ(D1_ERROR_NO_DEVICE,
		  d1_device_open_by_pci(self->info[1].pci_address, &d));
	EXPECT_EQ(NULL, d);

	ASSERT_EQ(0, setenv("D1_VISIBLE_DEVICES", "0,0", 1));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_device_count(&n));
	unsetenv("D1_VISIBLE_DEVICES");
}

/*
 * tools/vm-run.sh links the cards in a ring (D1_LINKS=ring): each card's
 * link is up to the next one, as its link telemetry says.
 */
TEST_F(multi, link_ring_telemetry)
{
	struct d1_telemetry t[MAX_CARDS];
	unsigned int i, j;

	if (!getenv("D1_LINKS") || strcmp(getenv("D1_LINKS"), "ring"))
		SKIP(return, "the cards are not linked (D1_LINKS=ring)");
	for (i = 0; i < self->count; i++) {
		ASSERT_EQ(D1_SUCCESS, d1_device_telemetry(self->dev[i], &t[i]));
		EXPECT_NE(0u, t[i].link_self);
		for (j = 0; j < i; j++)
			EXPECT_NE(t[j].link_self, t[i].link_self);
	}
	for (i = 0; i < self->count; i++) {
		EXPECT_EQ(1u, t[i].link_up) TH_LOG("card %u", i);
		EXPECT_EQ(t[(i + 1) % self->count].link_self, t[i].link_peer)
			TH_LOG("card %u", i);
	}
}

/* d1-smi -L: one line per card, each card's address on its line. */
TEST_F(multi, smi_lists_every_card)
{
	char cmd[PATH_MAX + 64], line[512], want[64];
	unsigned int lines = 0;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "'%s/d1-smi' -L", D1_BIN_DIR);
	p = popen(cmd, "r");
	ASSERT_NE(NULL, p);
	while (fgets(line, sizeof(line), p)) {
		if (lines >= self->count)
			break;
		snprintf(want, sizeof(want), "D1 %u: ", lines);
		EXPECT_EQ(0, strncmp(line, want, strlen(want))) TH_LOG("%s", line);
		EXPECT_NE(NULL, strstr(line, self->info[lines].pci_address))
			TH_LOG("%s", line);
		lines++;
	}
	EXPECT_EQ(0, WEXITSTATUS(pclose(p)));
	EXPECT_EQ(self->count, lines);
}

TEST_HARNESS_MAIN

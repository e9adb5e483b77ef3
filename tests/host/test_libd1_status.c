// SPDX-License-Identifier: GPL-2.0
/* Host tests of libd1 status codes: texts, names, errno mapping. */
#include <errno.h>
#include <string.h>

#include "libd1_internal.h"
#include "kselftest_harness.h"

static const d1_status all_status[] = {
	D1_SUCCESS,
	D1_ERROR_INVALID_VALUE,
	D1_ERROR_OUT_OF_MEMORY,
	D1_ERROR_NO_DEVICE,
	D1_ERROR_PERMISSION,
	D1_ERROR_DEVICE_LOST,
	D1_ERROR_TIMEOUT,
	D1_ERROR_NOT_SUPPORTED,
	D1_ERROR_OS,
	D1_ERROR_BUILD,
	D1_ERROR_NOT_FOUND,
	D1_ERROR_ARGUMENT,
	D1_ERROR_LAUNCH_FAILED,
	D1_ERROR_NOT_READY,
	D1_ERROR_INVALID_STATE,
	D1_ERROR_NOT_LINKED,
};

#define N_ALL (sizeof(all_status) / sizeof(all_status[0]))

TEST(success_is_zero)
{
	EXPECT_EQ(0, D1_SUCCESS);
}

TEST(every_code_has_distinct_text_and_name)
{
	unsigned int i, j;

	for (i = 0; i < N_ALL; i++) {
		const char *s = d1_status_string(all_status[i]);
		const char *n = d1_status_name(all_status[i]);

		ASSERT_NE(NULL, s);
		ASSERT_NE(NULL, n);
		EXPECT_NE(0u, strlen(s));
		EXPECT_EQ(0, strncmp(n, "D1_", 3)) TH_LOG("name %s", n);
		EXPECT_STRNE("unknown d1 status code", s);
		EXPECT_STRNE("D1_STATUS_UNKNOWN", n);
		for (j = 0; j < i; j++) {
			EXPECT_STRNE(d1_status_string(all_status[j]), s);
			EXPECT_STRNE(d1_status_name(all_status[j]), n);
		}
	}
}

TEST(names_match_identifiers)
{
	EXPECT_STREQ("D1_SUCCESS", d1_status_name(D1_SUCCESS));
	EXPECT_STREQ("D1_ERROR_INVALID_VALUE",
		     d1_status_name(D1_ERROR_INVALID_VALUE));
	EXPECT_STREQ("D1_ERROR_OUT_OF_MEMORY",
		     d1_status_name(D1_ERROR_OUT_OF_MEMORY));
	EXPECT_STREQ("D1_ERROR_NO_DEVICE", d1_status_name(D1_ERROR_NO_DEVICE));
	EXPECT_STREQ("D1_ERROR_PERMISSION", d1_status_name(D1_ERROR_PERMISSION));
	EXPECT_STREQ("D1_ERROR_DEVICE_LOST",
		     d1_status_name(D1_ERROR_DEVICE_LOST));
	EXPECT_STREQ("D1_ERROR_TIMEOUT", d1_status_name(D1_ERROR_TIMEOUT));
	EXPECT_STREQ("D1_ERROR_NOT_SUPPORTED",
		     d1_status_name(D1_ERROR_NOT_SUPPORTED));
	EXPECT_STREQ("D1_ERROR_OS", d1_status_name(D1_ERROR_OS));
	EXPECT_STREQ("D1_ERROR_BUILD", d1_status_name(D1_ERROR_BUILD));
	EXPECT_STREQ("D1_ERROR_NOT_FOUND", d1_status_name(D1_ERROR_NOT_FOUND));
	EXPECT_STREQ("D1_ERROR_ARGUMENT", d1_status_name(D1_ERROR_ARGUMENT));
	EXPECT_STREQ("D1_ERROR_LAUNCH_FAILED",
		     d1_status_name(D1_ERROR_LAUNCH_FAILED));
	EXPECT_STREQ("D1_ERROR_NOT_READY", d1_status_name(D1_ERROR_NOT_READY));
	EXPECT_STREQ("D1_ERROR_INVALID_STATE",
		     d1_status_name(D1_ERROR_INVALID_STATE));
	EXPECT_STREQ("D1_ERROR_NOT_LINKED", d1_status_name(D1_ERROR_NOT_LINKED));
}

TEST(no_device_text_says_why)
{
	const char *s = d1_status_string(D1_ERROR_NO_DEVICE);

	EXPECT_NE(NULL, strstr(s, "no d1 device"));
	EXPECT_NE(NULL, strstr(s, "driver is not loaded"));
}

TEST(unknown_codes)
{
	static const int bad[] = { -1, 16, 100, 0x7fffffff, (int)0x80000000 };
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ASSERT_STREQ("unknown d1 status code",
			     d1_status_string((d1_status)bad[i]));
		ASSERT_STREQ("D1_STATUS_UNKNOWN",
			     d1_status_name((d1_status)bad[i]));
	}
}

TEST(errno_mapping)
{
	EXPECT_EQ(D1_SUCCESS, d1_status_from_errno(0));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_status_from_errno(EINVAL));
	EXPECT_EQ(D1_ERROR_INVALID_VALUE, d1_status_from_errno(EFAULT));
	EXPECT_EQ(D1_ERROR_OUT_OF_MEMORY, d1_status_from_errno(ENOMEM));
	EXPECT_EQ(D1_ERROR_NO_DEVICE, d1_status_from_errno(ENOENT));
	EXPECT_EQ(D1_ERROR_NO_DEVICE, d1_status_from_errno(ENXIO));
	EXPECT_EQ(D1_ERROR_PERMISSION, d1_status_from_errno(EACCES));
	EXPECT_EQ(D1_ERROR_PERMISSION, d1_status_from_errno(EPERM));
	EXPECT_EQ(D1_ERROR_DEVICE_LOST, d1_status_from_errno(ENODEV));
	EXPECT_EQ(D1_ERROR_TIMEOUT, d1_status_from_errno(ETIMEDOUT));
	EXPECT_EQ(D1_ERROR_NOT_SUPPORTED, d1_status_from_errno(ENOTTY));
	EXPECT_EQ(D1_ERROR_NOT_SUPPORTED, d1_status_from_errno(EOPNOTSUPP));
	EXPECT_EQ(D1_ERROR_NOT_LINKED, d1_status_from_errno(EXDEV));
	EXPECT_EQ(D1_ERROR_OUT_OF_MEMORY, d1_status_from_errno(ENOSPC));
	EXPECT_EQ(D1_ERROR_OS, d1_status_from_errno(EBADF));
	EXPECT_EQ(D1_ERROR_OS, d1_status_from_errno(EIO));
	EXPECT_EQ(D1_ERROR_OS, d1_status_from_errno(EISDIR));
}

TEST_HARNESS_MAIN

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The d1-dip card the guest tests run on: the properties tools/vm-run.sh
 * --device gave it ($D1_DEVICE_PROPS, "name=value,..."), else QEMU's
 * defaults.  Tests compare what the driver and libd1 report with this
 * independent view, so they follow the card rather than its defaults.
 */
#ifndef D1_DEVICE_PROPS_H
#define D1_DEVICE_PROPS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Property @name of the card (a number, K/M/G suffixes allowed). */
static inline unsigned long long d1_device_prop(const char *name)
{
	static const struct {
		const char *name;
		unsigned long long def;
	} defs[] = {
		{ "grid-rows", 18 }, { "grid-cols", 20 }, { "nodes", 354 },
		{ "sram-size", 1280 << 10 }, { "queues", 4 },
		{ "contexts", 16 },
	};
	const char *p = getenv("D1_DEVICE_PROPS");
	size_t len = strlen(name), i;

	while (p && *p) {
		if (!strncmp(p, name, len) && p[len] == '=') {
			char *end;
			unsigned long long v = strtoull(p + len + 1, &end, 0);

			switch (*end) {
			case 'G': v <<= 10; /* fall through */
			case 'M': v <<= 10; /* fall through */
			case 'K': v <<= 10;
			}
			return v;
		}
		p = strchr(p, ',');
		p = p ? p + 1 : NULL;
	}
	for (i = 0; i < sizeof(defs) / sizeof(defs[0]); i++)
		if (!strcmp(defs[i].name, name))
			return defs[i].def;
	return 0;
}

/*
 * The card's non-default properties as QMP device_add arguments,
 * ',"name":value' each (numbers bare, others quoted), into @buf.
 */
static inline void d1_device_props_json(char *buf, size_t size)
{
	const char *p = getenv("D1_DEVICE_PROPS");
	size_t used = 0;

	buf[0] = '\0';
	while (p && *p && used < size) {
		const char *eq = strchr(p, '='), *end = strchr(p, ',');
		size_t nlen, vlen;
		int quote;

		if (!end)
			end = p + strlen(p);
		if (!eq || eq > end)
			break;
		nlen = (size_t)(eq - p);
		vlen = (size_t)(end - eq - 1);
		quote = strspn(eq + 1, "0123456789") != vlen || !vlen;
		used += snprintf(buf + used, size - used, ",\"%.*s\":%s%.*s%s",
				 (int)nlen, p, quote ? "\"" : "", (int)vlen,
				 eq + 1, quote ? "\"" : "");
		p = *end ? end + 1 : end;
	}
}

#endif /* D1_DEVICE_PROPS_H */

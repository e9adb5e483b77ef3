// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Minimal freestanding runtime for D1 kernels: the mem* functions clang
 * may call, and d1_printf into the node's print buffer (ecall write).
 */
#include <stdarg.h>

#include <d1/device/d1_kernel.h>

void *memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	while (n--)
		*d++ = *s++;
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d < s) {
		while (n--)
			*d++ = *s++;
	} else {
		while (n--)
			d[n] = s[n];
	}
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;

	while (n--)
		*d++ = (unsigned char)c;
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

struct pbuf {
	char b[256];
	unsigned int n;
	int total;
};

static void put(struct pbuf *p, char c)
{
	if (p->n == sizeof(p->b)) {
		d1_write(p->b, p->n);
		p->n = 0;
	}
	p->b[p->n++] = c;
	p->total++;
}

static void put_num(struct pbuf *p, unsigned long long v, unsigned int base,
		    int neg, int width, char pad, int upper)
{
	char tmp[24];
	int i = 0;
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";

	do {
		tmp[i++] = digits[v % base];
		v /= base;
	} while (v);
	if (neg)
		tmp[i++] = '-';
	for (; width > i; width--)
		put(p, pad);
	while (i)
		put(p, tmp[--i]);
}

int d1_printf(const char *fmt, ...)
{
	struct pbuf p = { .n = 0, .total = 0 };
	va_list ap;

	va_start(ap, fmt);
	for (; *fmt; fmt++) {
		int width = 0, lng = 0, left = 0;
		unsigned int start;
		char pad = ' ';

		if (*fmt != '%') {
			put(&p, *fmt);
			continue;
		}
		fmt++;
		if (*fmt == '-') {
			left = 1;
			fmt++;
		}
		if (*fmt == '0' && !left)
			pad = '0';
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		while (*fmt == 'l' || *fmt == 'z') {
			lng = 1;
			fmt++;
		}
		start = (unsigned int)p.total;
		if (left) {	/* pad after the conversion instead */
			pad = ' ';
		}
		switch (*fmt) {
		case 'd':
		case 'i': {
			long long v = lng ? va_arg(ap, long) : va_arg(ap, int);

			put_num(&p, v < 0 ? -(unsigned long long)v : (unsigned long long)v,
				10, v < 0, left ? 0 : width, pad, 0);
			break;
		}
		case 'u':
			put_num(&p, lng ? va_arg(ap, unsigned long) :
				va_arg(ap, unsigned int), 10, 0, left ? 0 : width,
				pad, 0);
			break;
		case 'x':
		case 'X':
			put_num(&p, lng ? va_arg(ap, unsigned long) :
				va_arg(ap, unsigned int), 16, 0, left ? 0 : width,
				pad, *fmt == 'X');
			break;
		case 'p':
			put(&p, '0');
			put(&p, 'x');
			put_num(&p, (unsigned long)va_arg(ap, void *), 16, 0, 0,
				' ', 0);
			break;
		case 'c':
			put(&p, (char)va_arg(ap, int));
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			int n = 0;

			while (s[n])
				n++;
			for (; !left && width > n; width--)
				put(&p, ' ');
			while (*s)
				put(&p, *s++);
			break;
		}
		case '%':
			put(&p, '%');
			break;
		default:
			if (!*fmt)
				fmt--;
			break;
		}
		while (left && p.total - (int)start < width)
			put(&p, ' ');
	}
	va_end(ap);
	if (p.n)
		d1_write(p.b, p.n);
	return p.total;
}

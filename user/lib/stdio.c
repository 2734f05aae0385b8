/* SPDX-License-Identifier: BSD-2-Clause
 *
 * Unbuffered console output on fd 1.  printf formats into a small buffer
 * and issues one write per call (more only if the text exceeds the buffer).
 * Supported: flags '-' '0', a field width (digits or '*'), length 'l' 'll'
 * 'z', conversions d i u x X c s p %.
 */
#include <stdarg.h>
#include "rt.h"

struct out {
	char buf[256];
	size_t len;
	int total;
};

static void out_flush(struct out *o)
{
	size_t off = 0;

	while (off < o->len) {
		ssize_t n = write(1, o->buf + off, o->len - off);
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	o->len = 0;
}

static void out_char(struct out *o, char c)
{
	if (o->len == sizeof(o->buf))
		out_flush(o);
	o->buf[o->len++] = c;
	o->total++;
}

static void out_pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		out_char(o, c);
}

/* Emit s (length n) in a field of width w; zero padding goes after a sign. */
static void out_field(struct out *o, const char *s, int n, int w, int left, char pad)
{
	int fill = w - n;

	if (!left && pad == '0' && n > 0 && s[0] == '-') {
		out_char(o, '-');
		s++;
		n--;
	}
	if (!left)
		out_pad(o, pad, fill);
	while (n-- > 0)
		out_char(o, *s++);
	if (left)
		out_pad(o, ' ', fill);
}

static int fmt_unsigned(char *end, unsigned long v, unsigned base, int upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char *p = end;

	do {
		*--p = digits[v % base];
		v /= base;
	} while (v);
	return (int)(end - p);
}

int putchar(int c)
{
	char ch = (char)c;

	write(1, &ch, 1);
	return (unsigned char)c;
}

int puts(const char *s)
{
	struct out o = { .len = 0, .total = 0 };

	while (*s)
		out_char(&o, *s++);
	out_char(&o, '\n');
	out_flush(&o);
	return o.total;
}

int printf(const char *fmt, ...)
{
	struct out o = { .len = 0, .total = 0 };
	va_list ap;

	va_start(ap, fmt);
	for (; *fmt; fmt++) {
		char tmp[24];
		int left = 0, width = 0, lng = 0, n;
		char pad = ' ';
		const char *s;

		if (*fmt != '%') {
			out_char(&o, *fmt);
			continue;
		}
		fmt++;
		for (;; fmt++) {
			if (*fmt == '-')
				left = 1;
			else if (*fmt == '0')
				pad = '0';
			else
				break;
		}
		if (*fmt == '*') {
			width = va_arg(ap, int);
			if (width < 0) {
				left = 1;
				width = -width;
			}
			fmt++;
		} else {
			while (*fmt >= '0' && *fmt <= '9')
				width = width * 10 + (*fmt++ - '0');
		}
		while (*fmt == 'l' || *fmt == 'z') {
			lng = 1;
			fmt++;
		}
		if (left)
			pad = ' ';
		switch (*fmt) {
		case 'd':
		case 'i': {
			long v = lng ? va_arg(ap, long) : va_arg(ap, int);
			unsigned long u = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;

			n = fmt_unsigned(tmp + sizeof(tmp), u, 10, 0);
			if (v < 0)
				tmp[sizeof(tmp) - ++n] = '-';
			out_field(&o, tmp + sizeof(tmp) - n, n, width, left, pad);
			break;
		}
		case 'u':
		case 'x':
		case 'X': {
			unsigned long v = lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int);

			n = fmt_unsigned(tmp + sizeof(tmp), v, *fmt == 'u' ? 10 : 16, *fmt == 'X');
			out_field(&o, tmp + sizeof(tmp) - n, n, width, left, pad);
			break;
		}
		case 'p': {
			unsigned long v = (unsigned long)va_arg(ap, void *);

			n = fmt_unsigned(tmp + sizeof(tmp), v, 16, 0);
			tmp[sizeof(tmp) - ++n] = 'x';
			tmp[sizeof(tmp) - ++n] = '0';
			out_field(&o, tmp + sizeof(tmp) - n, n, width, left, ' ');
			break;
		}
		case 'c':
			tmp[0] = (char)va_arg(ap, int);
			out_field(&o, tmp, 1, width, left, ' ');
			break;
		case 's':
			s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			out_field(&o, s, (int)strlen(s), width, left, ' ');
			break;
		case '%':
			out_char(&o, '%');
			break;
		case '\0':
			fmt--;
			break;
		default:
			out_char(&o, '%');
			out_char(&o, *fmt);
			break;
		}
	}
	va_end(ap);
	out_flush(&o);
	return o.total;
}

/* SPDX-License-Identifier: ISC */
#include "common/escape.h"

int
esc_term(struct buf *out, const void *p, size_t n)
{
	const uint8_t *s = p;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] == '\\') {
			if (buf_append(out, "\\\\", 2) == -1)
				return -1;
		} else if (s[i] >= 0x20 && s[i] < 0x7f) {
			if (buf_putc(out, s[i]) == -1)
				return -1;
		} else if (buf_printf(out, "\\x%02x", s[i]) == -1)
			return -1;
	}
	return 0;
}

int
esc_html(struct buf *out, const void *p, size_t n)
{
	const uint8_t *s = p;
	size_t i;
	int rc = 0;

	for (i = 0; i < n && rc == 0; i++) {
		switch (s[i]) {
		case '&':
			rc = buf_append(out, "&amp;", 5);
			break;
		case '<':
			rc = buf_append(out, "&lt;", 4);
			break;
		case '>':
			rc = buf_append(out, "&gt;", 4);
			break;
		case '"':
			rc = buf_append(out, "&quot;", 6);
			break;
		case '\'':
			rc = buf_append(out, "&#39;", 5);
			break;
		default:
			if ((s[i] < 0x20 && s[i] != '\n' && s[i] != '\t') || s[i] == 0x7f)
				rc = buf_append(out, "&#xfffd;", 8);
			else
				rc = buf_putc(out, s[i]);
		}
	}
	return rc;
}

int
buf_hex(struct buf *out, const uint8_t *p, size_t n)
{
	static const char d[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		if (buf_putc(out, (uint8_t)d[p[i] >> 4]) == -1 ||
		    buf_putc(out, (uint8_t)d[p[i] & 15]) == -1)
			return -1;
	}
	return 0;
}

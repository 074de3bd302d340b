/* SPDX-License-Identifier: ISC */
#include "common/utf8.h"

/*
 * RFC 3629 section 4:
 *   UTF8-1 = %x00-7F
 *   UTF8-2 = %xC2-DF UTF8-tail
 *   UTF8-3 = %xE0 %xA0-BF UTF8-tail / %xE1-EC 2( UTF8-tail ) /
 *            %xED %x80-9F UTF8-tail / %xEE-EF 2( UTF8-tail )
 *   UTF8-4 = %xF0 %x90-BF 2( UTF8-tail ) / %xF1-F3 3( UTF8-tail ) /
 *            %xF4 %x80-8F 2( UTF8-tail )
 * The second byte's range is what excludes overlongs, surrogates and
 * code points above U+10FFFF.
 */
size_t
utf8_decode(const uint8_t *p, size_t n, uint32_t *cp)
{
	uint8_t c, lo = 0x80, hi = 0xbf;
	size_t len, i;
	uint32_t v;

	if (n == 0)
		return 0;
	c = p[0];
	if (c < 0x80) {
		len = 1;
		v = c;
	} else if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		v = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		v = c & 0x0f;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		v = c & 0x07;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
	} else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		c = p[i];
		if (i == 1 ? (c < lo || c > hi) : (c < 0x80 || c > 0xbf))
			return 0;
		v = (v << 6) | (c & 0x3f);
	}
	if (cp != NULL)
		*cp = v;
	return len;
}

size_t
utf8_check(const uint8_t *p, size_t n)
{
	size_t off = 0, len;

	while (off < n) {
		if (p[off] < 0x80) {
			off++;
			continue;
		}
		if ((len = utf8_decode(p + off, n - off, NULL)) == 0)
			return off;
		off += len;
	}
	return n;
}

int
utf8_valid(const uint8_t *p, size_t n)
{
	return utf8_check(p, n) == n;
}

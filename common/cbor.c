/* SPDX-License-Identifier: ISC */
#include <string.h>

#include "common/cbor.h"

void
cbor_cur_init(struct cbor_cur *c, const void *p, size_t len)
{
	c->p = p;
	c->len = len;
	c->off = 0;
}

size_t
cbor_left(const struct cbor_cur *c)
{
	return c->len - c->off;
}

int
cbor_peek(const struct cbor_cur *c)
{
	return c->off < c->len ? c->p[c->off] : -1;
}

/* RFC 8949 section 3: initial byte, then 0, 1, 2, 4 or 8 argument bytes. */
int
cbor_read_head(struct cbor_cur *c, struct cbor_head *h)
{
	uint8_t ib, ai;
	size_t n, i;
	uint64_t v = 0;

	memset(h, 0, sizeof(*h));
	if (cbor_left(c) < 1)
		return -1;
	ib = c->p[c->off++];
	h->major = ib >> 5;
	ai = ib & 0x1f;
	if (ai < 24) {
		h->arg = ai;
		return 0;
	}
	if (ai >= 28 && ai <= 30)
		return -1;                      /* reserved (3.1) */
	if (ai == 31) {
		switch (h->major) {
		case CBOR_BYTES:
		case CBOR_TEXT:
		case CBOR_ARRAY:
		case CBOR_MAP:
			h->indef = 1;
			return 0;
		case CBOR_SIMPLE:
			h->is_break = 1;
			return 0;
		default:
			return -1;              /* 3.2: not for 0, 1, 6 */
		}
	}
	n = (size_t)1 << (ai - 24);
	if (cbor_left(c) < n)
		return -1;
	for (i = 0; i < n; i++)
		v = v << 8 | c->p[c->off++];
	h->arg = v;
	if (h->major == CBOR_SIMPLE) {
		if (ai == 24 && v < 32)
			return -1;              /* 3.3: not well-formed */
		if (ai > 24)
			h->is_float = 1;
	}
	return 0;
}

/* Append n bytes of input; used is what this string already holds. */
static int
read_chunk(struct cbor_cur *c, uint64_t n, size_t used, size_t max,
    struct buf *out)
{
	if (n > cbor_left(c) || used > max || n > max - used)
		return -1;
	if (buf_append(out, c->p + c->off, (size_t)n) == -1)
		return -1;
	c->off += (size_t)n;
	return 0;
}

int
cbor_read_string(struct cbor_cur *c, const struct cbor_head *h, size_t max,
    struct buf *out)
{
	struct cbor_head ch;
	size_t start = out->len;

	if (h->major != CBOR_BYTES && h->major != CBOR_TEXT)
		return -1;
	if (!h->indef)
		return read_chunk(c, h->arg, 0, max, out);
	/* 3.2.3: chunks are definite strings of the same major type. */
	for (;;) {
		if (cbor_read_head(c, &ch) == -1)
			return -1;
		if (ch.is_break)
			return 0;
		if (ch.major != h->major || ch.indef)
			return -1;
		if (read_chunk(c, ch.arg, out->len - start, max, out) == -1)
			return -1;
	}
}

int
cbor_skip(struct cbor_cur *c, const struct cbor_head *h, unsigned depth,
    uint64_t maxitems)
{
	struct cbor_head ch;
	uint64_t i, n;

	if (h->is_break)
		return -1;
	switch (h->major) {
	case CBOR_UINT:
	case CBOR_NINT:
	case CBOR_SIMPLE:
		return 0;
	case CBOR_BYTES:
	case CBOR_TEXT:
		if (!h->indef) {
			if (h->arg > cbor_left(c))
				return -1;
			c->off += (size_t)h->arg;
			return 0;
		}
		for (;;) {
			if (cbor_read_head(c, &ch) == -1)
				return -1;
			if (ch.is_break)
				return 0;
			if (ch.major != h->major || ch.indef ||
			    ch.arg > cbor_left(c))
				return -1;
			c->off += (size_t)ch.arg;
		}
	case CBOR_TAG:
		if (depth == 0 || cbor_read_head(c, &ch) == -1)
			return -1;
		return cbor_skip(c, &ch, depth - 1, maxitems);
	case CBOR_ARRAY:
	case CBOR_MAP:
		if (depth == 0)
			return -1;
		n = h->major == CBOR_MAP ? 2 : 1;
		for (i = 0;; i++) {
			if (!h->indef && i == h->arg)
				return 0;
			if (i >= maxitems)
				return -1;
			if (cbor_read_head(c, &ch) == -1)
				return -1;
			if (ch.is_break) {
				return h->indef ? 0 : -1;
			}
			if (cbor_skip(c, &ch, depth - 1, maxitems) == -1)
				return -1;
			if (n == 2) {
				if (cbor_read_head(c, &ch) == -1 || ch.is_break ||
				    cbor_skip(c, &ch, depth - 1, maxitems) == -1)
					return -1;
			}
		}
	}
	return -1;
}

int
cbor_put_head(struct buf *b, int major, uint64_t arg)
{
	uint8_t h[9];
	size_t n, i;
	uint8_t mt = (uint8_t)(major << 5);

	if (arg < 24) {
		h[0] = mt | (uint8_t)arg;
		return buf_append(b, h, 1);
	}
	if (arg <= 0xff) {
		h[0] = mt | 24;
		n = 1;
	} else if (arg <= 0xffff) {
		h[0] = mt | 25;
		n = 2;
	} else if (arg <= 0xffffffffu) {
		h[0] = mt | 26;
		n = 4;
	} else {
		h[0] = mt | 27;
		n = 8;
	}
	for (i = 0; i < n; i++)
		h[1 + i] = (uint8_t)(arg >> (8 * (n - 1 - i)));
	return buf_append(b, h, n + 1);
}

int
cbor_put_uint(struct buf *b, uint64_t v)
{
	return cbor_put_head(b, CBOR_UINT, v);
}

int
cbor_put_int(struct buf *b, int64_t v)
{
	if (v >= 0)
		return cbor_put_head(b, CBOR_UINT, (uint64_t)v);
	return cbor_put_head(b, CBOR_NINT, (uint64_t)(-(v + 1)));
}

int
cbor_put_bytes(struct buf *b, const void *p, size_t n)
{
	if (cbor_put_head(b, CBOR_BYTES, n) == -1)
		return -1;
	return buf_append(b, p, n);
}

int
cbor_put_textn(struct buf *b, const char *s, size_t n)
{
	if (cbor_put_head(b, CBOR_TEXT, n) == -1)
		return -1;
	return buf_append(b, s, n);
}

int
cbor_put_text(struct buf *b, const char *s)
{
	return cbor_put_textn(b, s, strlen(s));
}

int
cbor_put_null(struct buf *b)
{
	return cbor_put_head(b, CBOR_SIMPLE, CBOR_NULL);
}

int
cbor_put_bool(struct buf *b, int v)
{
	return cbor_put_head(b, CBOR_SIMPLE, v ? CBOR_TRUE : CBOR_FALSE);
}

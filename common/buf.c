/* SPDX-License-Identifier: ISC */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "common/buf.h"

void
buf_init(struct buf *b, size_t cap)
{
	memset(b, 0, sizeof(*b));
	b->cap = cap;
}

static int
buf_reserve(struct buf *b, size_t n)
{
	size_t need, nsize;
	uint8_t *p;

	if (n > b->cap || b->len > b->cap - n)
		return -1;
	need = b->len + n + 1;
	if (need <= b->size)
		return 0;
	nsize = b->size ? b->size : 256;
	while (nsize < need) {
		if (nsize > SIZE_MAX / 2)
			return -1;
		nsize *= 2;
	}
	if (nsize > b->cap + 1)
		nsize = b->cap + 1;
	if ((p = realloc(b->data, nsize)) == NULL)
		return -1;
	b->data = p;
	b->size = nsize;
	return 0;
}

int
buf_append(struct buf *b, const void *p, size_t n)
{
	if (buf_reserve(b, n) == -1)
		return -1;
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int
buf_putc(struct buf *b, uint8_t c)
{
	return buf_append(b, &c, 1);
}

int
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || buf_reserve(b, (size_t)n) == -1)
		return -1;
	va_start(ap, fmt);
	vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

void
buf_free(struct buf *b)
{
	if (b == NULL)
		return;
	free(b->data);
	b->data = NULL;
	b->len = b->size = 0;
}

void
buf_wipe_free(struct buf *b)
{
	if (b == NULL)
		return;
	if (b->data != NULL)
		OPENSSL_cleanse(b->data, b->size);
	buf_free(b);
}

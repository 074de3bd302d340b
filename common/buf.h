/* SPDX-License-Identifier: ISC */
#ifndef TEEC_BUF_H
#define TEEC_BUF_H

#include <stddef.h>
#include <stdint.h>

/*
 * A growable byte buffer with a hard cap. Appending past the cap fails
 * and leaves the buffer as it was. The data is always followed by one NUL
 * byte (not counted in len) so text can be handed to string functions.
 */
struct buf {
	uint8_t *data;
	size_t len;
	size_t size;
	size_t cap;
};

void buf_init(struct buf *b, size_t cap);
int buf_append(struct buf *b, const void *p, size_t n);   /* 0 or -1 */
int buf_putc(struct buf *b, uint8_t c);
int buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void buf_free(struct buf *b);            /* accepts a zeroed buffer */
void buf_wipe_free(struct buf *b);       /* cleanse, then free */

#endif

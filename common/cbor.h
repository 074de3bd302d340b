/* SPDX-License-Identifier: ISC */
#ifndef TEEC_CBOR_H
#define TEEC_CBOR_H

/*
 * A small bounded CBOR (RFC 8949) reader and writer: only what teec needs
 * to read COSE_Sign1 / Nitro attestation documents and NSM responses, and
 * to write Sig_structures, NSM requests and emulated documents.
 *
 * The reader is a cursor over (pointer, length). Every declared length is
 * checked against the bytes left before anything points at or copies it;
 * reserved encodings (additional information 28-30), indefinite lengths on
 * major types that do not allow them, one-byte simple values below 32 and
 * a break outside an indefinite item are rejected (RFC 8949 section 3).
 * Non-minimal argument encodings are well-formed and accepted.
 */

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"

enum cbor_major {
	CBOR_UINT = 0,
	CBOR_NINT = 1,
	CBOR_BYTES = 2,
	CBOR_TEXT = 3,
	CBOR_ARRAY = 4,
	CBOR_MAP = 5,
	CBOR_TAG = 6,
	CBOR_SIMPLE = 7,
};

/* Simple values (major type 7) teec distinguishes. */
#define CBOR_FALSE 20
#define CBOR_TRUE  21
#define CBOR_NULL  22
#define CBOR_UNDEF 23

struct cbor_cur {
	const uint8_t *p;
	size_t len;
	size_t off;
};

/* One item's head (RFC 8949 section 3). */
struct cbor_head {
	int major;
	uint64_t arg;      /* value, length, count, tag or simple value */
	int indef;         /* indefinite length (bytes, text, array, map) */
	int is_break;      /* the "break" stop code 0xff */
	int is_float;      /* major 7 with a 2-, 4- or 8-byte float */
};

void cbor_cur_init(struct cbor_cur *c, const void *p, size_t len);
size_t cbor_left(const struct cbor_cur *c);

/* Read one head. 0, or -1 on malformed or truncated input. */
int cbor_read_head(struct cbor_cur *c, struct cbor_head *h);

/* Look at the next byte without consuming it: -1 at the end. */
int cbor_peek(const struct cbor_cur *c);

/*
 * Read a byte or text string (definite, or indefinite made of definite
 * chunks of the same type) whose head h was just read. At most max bytes;
 * the content is appended to out (which the caller owns). 0 or -1.
 */
int cbor_read_string(struct cbor_cur *c, const struct cbor_head *h,
    size_t max, struct buf *out);

/*
 * Skip one whole well-formed item whose head h was just read, nesting at
 * most depth levels and at most maxitems entries per array or map.
 */
int cbor_skip(struct cbor_cur *c, const struct cbor_head *h, unsigned depth,
    uint64_t maxitems);

/* Writer: minimal (preferred) encodings, appended to a capped buf. 0 or -1. */
int cbor_put_head(struct buf *b, int major, uint64_t arg);
int cbor_put_uint(struct buf *b, uint64_t v);
int cbor_put_int(struct buf *b, int64_t v);
int cbor_put_bytes(struct buf *b, const void *p, size_t n);
int cbor_put_text(struct buf *b, const char *s);
int cbor_put_textn(struct buf *b, const char *s, size_t n);
int cbor_put_null(struct buf *b);
int cbor_put_bool(struct buf *b, int v);

#endif

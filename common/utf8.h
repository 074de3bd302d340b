/* SPDX-License-Identifier: ISC */
#ifndef TEEC_UTF8_H
#define TEEC_UTF8_H

#include <stddef.h>
#include <stdint.h>

/*
 * UTF-8 as RFC 3629 section 4 defines it: no overlong forms, no encoded
 * surrogates (U+D800..U+DFFF), nothing above U+10FFFF. U+0000 is valid
 * UTF-8; callers that refuse NUL check for it separately.
 */

/*
 * Decode one character at p (n bytes available). Returns its length
 * (1..4) and stores the code point in *cp (if cp is not NULL), or 0 when
 * the bytes at p are not a complete, well-formed sequence.
 */
size_t utf8_decode(const uint8_t *p, size_t n, uint32_t *cp);

/* Offset of the first byte that does not start a valid sequence, or n. */
size_t utf8_check(const uint8_t *p, size_t n);

/* 1 if all n bytes are valid UTF-8, else 0. */
int utf8_valid(const uint8_t *p, size_t n);

#endif

/* SPDX-License-Identifier: ISC */
#ifndef TEEC_ENCODE_H
#define TEEC_ENCODE_H

#include <stddef.h>
#include <stdint.h>

/* Lower-case hex of n bytes into out, which holds 2n + 1 bytes. */
void hex_encode(const uint8_t *in, size_t n, char *out);

/*
 * Decode exactly n bytes from hex text of length 2n (either case). Returns
 * 0, or -1 on a wrong length or a non-hex character.
 */
int hex_decode_exact(const char *hex, size_t hexlen, uint8_t *out, size_t n);

/*
 * Decode standard base64 (RFC 4648 section 4), padding optional, ASCII
 * white space ignored. Writes at most outcap bytes. Returns 0 and sets
 * *outlen, or -1 on any other character, bad padding or overflow.
 */
int b64_decode(const char *in, size_t inlen, uint8_t *out, size_t outcap,
    size_t *outlen);

/* Encode n bytes as base64 with padding; out holds 4 * ((n + 2) / 3) + 1. */
void b64_encode(const uint8_t *in, size_t n, char *out);
size_t b64_encoded_len(size_t n);

#endif

/* SPDX-License-Identifier: ISC */
#ifndef TEEC_ES384_H
#define TEEC_ES384_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

/*
 * Verify an ECDSA P-384 / SHA-384 signature given in the raw IEEE P1363
 * form COSE uses (RFC 9053 section 2.1: r || s, 48 bytes each, big-endian)
 * over msg. The key must be an EC key on P-384.
 * Returns 1 valid, 0 invalid (including a wrong length or key), -1 error.
 */
int es384_verify_raw(EVP_PKEY *key, const uint8_t *msg, size_t msglen,
    const uint8_t *sig, size_t siglen);

/* 1 when key is an EC key on the P-384 curve. */
int es384_key_ok(EVP_PKEY *key);

#endif

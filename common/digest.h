/* SPDX-License-Identifier: ISC */
#ifndef TEEC_DIGEST_H
#define TEEC_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "common/status.h"

/* A streaming hash (SHA-256 or SHA-384) over OpenSSL's EVP interface. */
struct digest {
	EVP_MD_CTX *ctx;
};

int digest_init(struct digest *d, const EVP_MD *md);   /* 0 or -1 */
int digest_update(struct digest *d, const void *p, size_t n);
int digest_final(struct digest *d, uint8_t *out);      /* frees too */
void digest_free(struct digest *d);

void sha256(const void *p, size_t n, uint8_t out[32]);
void sha384(const void *p, size_t n, uint8_t out[48]);

/* SHA-256 of a whole file, streamed. TEEC_OK or TEEC_ERROR. */
int sha256_file(const char *path, uint8_t out[32], uint64_t *size,
    struct teec_err *err);

#endif

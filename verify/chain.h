/* SPDX-License-Identifier: ISC */
#ifndef TEEC_CHAIN_H
#define TEEC_CHAIN_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "common/caps.h"
#include "common/status.h"
#include "verify/nitro.h"
#include "verify/result.h"

/* DER SHA-256 of AWS_NitroEnclaves_Root-G1, the root teec ships and pins. */
#define TEEC_AWS_ROOT_G1_SHA256 \
	"641a0321a3e244efe456463195d606317ed7cdcc3c1756e09893f3c68f79bb5b"

/* Trusted root certificates: the anchors cabundle[0] must equal byte for byte. */
struct trust_roots {
	size_t n;
	X509 *cert[TEEC_MAX_ROOTS];
	uint8_t *der[TEEC_MAX_ROOTS];
	size_t der_len[TEEC_MAX_ROOTS];
};

void roots_init(struct trust_roots *r);
void roots_free(struct trust_roots *r);
/*
 * Add the one certificate in a PEM file. If expect_sha256 (hex) is given,
 * the DER SHA-256 must equal it. TEEC_ERROR on any problem (the trust
 * configuration is broken: exit 2).
 */
int roots_add_pem(struct trust_roots *r, const char *path,
    const char *expect_sha256, struct teec_err *err);
int roots_add_der(struct trust_roots *r, const uint8_t *der, size_t n,
    struct teec_err *err);
/*
 * Add every DIR/roots/ *.pem in name order; NAME.pem.sha256, when present,
 * pins NAME.pem. A store without any root is broken.
 */
int roots_load_store(struct trust_roots *r, const char *dir,
    struct teec_err *err);

struct chain_cache;

/* One certificate of a validated path, for display. */
struct chain_cert {
	char subject[256];
	int64_t not_before, not_after;     /* seconds since the epoch */
};

struct chain_info {
	size_t n;                               /* leaf first, root last */
	struct chain_cert certs[TEEC_MAX_CHAIN_CERTS + 1];
	EVP_PKEY *leaf_key;                     /* owned */
};

void chain_info_free(struct chain_info *ci);

/*
 * Decode the document's certificates (always, for display), then check:
 * cabundle[0] is byte-equal to a trusted root (R_UNTRUSTED_ROOT), and the
 * path cabundle[0] -> ... -> certificate validates at time `at` (seconds)
 * with no partial chains and every cabundle entry used in order
 * (R_CHAIN_EXPIRED for validity, R_CHAIN_INVALID otherwise). The leaf
 * must be an end-entity P-384 key with digitalSignature, and the
 * document's own timestamp must lie within the leaf's validity.
 * Results are recorded in r as the checks "root" and "chain".
 */
int chain_verify(const struct nitro_doc *d, const struct trust_roots *roots,
    int64_t at, struct chain_info *ci, struct vresult *r,
    struct chain_cache *cache);

/*
 * Paths that validated once, keyed by the SHA-256 of every certificate
 * of the path (leaf, cabundle) and the anchor: a document from the same
 * enclave and leaf then skips the certificate signature checks, which
 * depend on nothing but those bytes. Validity at the verification time,
 * the document time within the leaf's validity and the COSE signature
 * are checked for every document. NULL disables it.
 *
 * A slot keeps what was read from the certificates when the path was
 * validated (names and validity for display and for the time checks,
 * and the leaf's public point), so a document whose path is cached
 * decodes no certificate. Only a path whose leaf passed the end-entity,
 * key usage and P-384 checks is kept: those depend on the leaf's bytes
 * alone, which the key pins. Plain data, nothing to free: a zeroed
 * struct is an empty cache.
 */
#define CHAIN_CACHE_SLOTS 64
#define CHAIN_CACHE_POINT_MAX 97        /* SEC1 uncompressed P-384 point */
struct chain_cache_slot {
	uint8_t key[32];
	size_t n;                               /* as chain_info.n */
	struct chain_cert certs[TEEC_MAX_CHAIN_CERTS + 1];
	uint8_t leaf_point[CHAIN_CACHE_POINT_MAX];
	size_t leaf_point_len;
};
struct chain_cache {
	struct chain_cache_slot slot[CHAIN_CACHE_SLOTS];
	size_t n, next;
	unsigned long hits;
};

/* Decode just the certificates for display (no checks). */
int chain_describe(const struct nitro_doc *d, struct chain_info *ci);

/* ASN1_TIME to seconds since the epoch. 0 or -1. */
int asn1_time_secs(const ASN1_TIME *t, int64_t *out);

#endif

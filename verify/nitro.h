/* SPDX-License-Identifier: ISC */
#ifndef TEEC_NITRO_H
#define TEEC_NITRO_H

/*
 * The AWS Nitro Enclaves attestation document: a COSE_Sign1 (RFC 9052
 * section 4.2) whose payload is the AttestationDocument map of the AWS
 * specification (aws-nitro-enclaves-nsm-api docs/attestation_process.md,
 * section 2). Parsing checks shape only; signatures, chain and policy are
 * checked by verify/attest.c.
 */

#include <stddef.h>
#include <stdint.h>

#include "common/caps.h"
#include "common/status.h"

/* An optional byte string field: null is not the same as empty. */
struct nitro_opt {
	int present;        /* 0: CBOR null */
	uint8_t *p;
	size_t n;
};

struct nitro_cose {
	int tagged;                         /* tag 18 was present */
	uint8_t *prot;                      /* protected header bstr content */
	size_t prot_len;
	uint8_t *payload;                   /* payload bstr content */
	size_t payload_len;
	uint8_t sig[TEEC_COSE_SIG_BYTES];   /* r || s */
};

struct nitro_doc {
	struct nitro_cose cose;
	char *module_id;                    /* NUL-terminated, valid UTF-8 */
	size_t module_id_len;
	uint64_t timestamp_ms;
	int payload_indefinite;             /* payload map was indefinite-length */
	unsigned npcrs;
	uint8_t pcr[TEEC_MAX_PCRS][64];
	size_t pcr_len[TEEC_MAX_PCRS];      /* 0: index absent */
	uint8_t *cert;
	size_t cert_len;
	size_t ncabundle;
	uint8_t *cabundle[TEEC_MAX_CHAIN_CERTS];
	size_t cabundle_len[TEEC_MAX_CHAIN_CERTS];
	struct nitro_opt public_key, user_data, nonce;
	unsigned unknown_keys;              /* keys outside the specification */
};

/*
 * Decode the COSE_Sign1 envelope. On failure returns TEEC_FAIL with a
 * message in err; c is then empty. nitro_cose_free() releases it.
 */
int nitro_cose_parse(const uint8_t *p, size_t n, struct nitro_cose *c,
    struct teec_err *err);
void nitro_cose_free(struct nitro_cose *c);

/* Decode the payload map into d (its cose member is left alone). */
int nitro_payload_parse(const uint8_t *p, size_t n, struct nitro_doc *d,
    struct teec_err *err);

/* Both: the whole document. */
int nitro_parse(const uint8_t *p, size_t n, struct nitro_doc *d,
    struct teec_err *err);
void nitro_doc_free(struct nitro_doc *d);

/*
 * Accept raw CBOR, or base64 text of it (one line, or wrapped), and give
 * back raw bytes. TEEC_FAIL when neither.
 */
int nitro_decode_input(const uint8_t *p, size_t n, uint8_t **out,
    size_t *outlen, struct teec_err *err);

/* True when PCR0, PCR1 and PCR2 are all zero (a debug-mode enclave). */
int nitro_is_debug(const struct nitro_doc *d);

#endif

/* SPDX-License-Identifier: ISC */
#ifndef TEEC_ATTEST_H
#define TEEC_ATTEST_H

#include <stddef.h>
#include <stdint.h>

#include "verify/chain.h"
#include "verify/nitro.h"
#include "verify/result.h"

enum at_mode {
	AT_DOCUMENT = 0,    /* the document's own timestamp (default) */
	AT_FIXED,           /* a time given by the caller (--at) */
};

struct attest_opts {
	const struct trust_roots *roots;
	enum at_mode at_mode;
	int64_t at;             /* seconds, for AT_FIXED */
	int allow_debug;
	struct chain_cache *cache;  /* NULL: validate every path in full */
	/*
	 * The local development root (teec-verify --dev): documents it anchors
	 * carry zero PCRs by design and are accepted as development builds.
	 */
	const uint8_t *dev_root;
	size_t dev_root_len;
};

/* What a verification of one document saw. */
struct attest_out {
	struct nitro_doc doc;       /* parsed fields (empty if undecodable) */
	int parsed;
	struct chain_info chain;
	int64_t at;                 /* the verification time used, seconds */
	int debug;                  /* PCR0-2 are zero */
	int dev;                    /* anchored at the development root */
};

/*
 * Verify one attestation document (raw CBOR) in this order, recording each
 * step in r: "cose" (COSE_Sign1 shape), "payload" (fields), "root",
 * "chain", "signature" (ES384 over the Sig_structure), "debug". Stops at
 * the first failure; later checks are recorded as skipped. Returns
 * r->status. out is filled as far as it got; attest_out_free() it.
 */
int attest_verify(const uint8_t *p, size_t n, const struct attest_opts *o,
    struct attest_out *out, struct vresult *r);
void attest_out_free(struct attest_out *out);

/* The check names, in order; used to mark the remaining ones skipped. */
extern const char *const attest_check_names[];

#endif

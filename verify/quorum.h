/* SPDX-License-Identifier: ISC */
#ifndef TEEC_QUORUM_H
#define TEEC_QUORUM_H

/*
 * teec-verify quorum (teec-verify(1), QUORUM): bundles of one build made
 * by independent attestors, each verified in full as `teec-verify bundle`
 * verifies it, grouped by what they claim and counted by attestor. A
 * claim is trusted only when a quorum of distinct attestors makes it.
 */

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/caps.h"
#include "common/status.h"
#include "report/report.h"
#include "verify/bundle.h"
#include "verify/result.h"

/*
 * Who made a document. The identity comes from the module_id of the
 * signed attestation document, which the untrusted parent instance
 * cannot choose.
 */
enum quorum_attestor_kind {
	QA_INSTANCE = 0,    /* the parent instance "i-<id>" of the Nitro
	                       module_id "i-<id>-enc<16 hex>" */
	QA_MODULE,          /* a module_id of another shape, whole */
	QA_DEV,             /* anchored at the local development root */
};

struct quorum_attestor {
	enum quorum_attestor_kind kind;
	char id[TEEC_MAX_MODULE_ID + 1];    /* NUL-terminated; len bytes */
	size_t len;
};

/*
 * The attestor of a document whose module_id is the n bytes at p (dev:
 * the document is anchored at the local development root, whose holder
 * writes any module_id: every such document is one attestor).
 * Nitro module_ids are "i-" + 8 or 17 lower-case hex digits (the EC2
 * instance ID) + "-enc" + 16 lower-case hex digits (the enclave ID); the
 * attestor is then the instance part. Any other module_id is an
 * attestor as a whole, compared byte for byte. TEEC_OK, or TEEC_FAIL
 * when module_id is empty or longer than TEEC_MAX_MODULE_ID.
 */
int quorum_attestor(const char *p, size_t n, int dev,
    struct quorum_attestor *a);
/* 1 if a and b are the same attestor, else 0. */
int quorum_attestor_equal(const struct quorum_attestor *a,
    const struct quorum_attestor *b);
/* "instance", "module_id" or "development". */
const char *quorum_attestor_kind_name(enum quorum_attestor_kind k);

struct quorum_subject {
	char *name;
	uint8_t sha256[32];
};

/*
 * What a verified bundle claims: its source digest, the SHA-256 of its
 * recipe as the report carries it (externalParameters.build written
 * compactly, report->build_json), and its subjects sorted by name, each
 * a name and a SHA-256. id is the SHA-256 of all of it, encoded without
 * ambiguity (quorum.c, claim_id()).
 */
struct quorum_claim {
	uint8_t id[32];
	uint8_t source_sha256[32];
	uint8_t build_sha256[32];
	struct quorum_subject *subjects;
	size_t nsubjects;
	size_t nattestors;          /* distinct attestors that make it */
	size_t nbundles;            /* verified bundles that make it */
};

/* The claim of a parsed report. TEEC_OK, or TEEC_ERROR (out of memory). */
int quorum_claim_make(const struct report *r, struct quorum_claim *c,
    struct teec_err *err);
void quorum_claim_free(struct quorum_claim *c);

/* One BUNDLE argument. */
struct quorum_bundle {
	const char *path;           /* as given; not owned */
	struct vresult r;           /* its checks, as `teec-verify bundle` */
	int verified;
	struct quorum_attestor attestor;    /* when verified */
	char *module_id;            /* when verified */
	size_t claim;               /* index in claims, when verified */
	size_t same_as;             /* when verified: 0, or 1 + the index of
	                               an earlier bundle of the same claim and
	                               attestor (this one is not counted) */
};

/* One FILE argument, checked against the winning claim. */
struct quorum_file {
	const char *path;           /* as given; not owned */
	uint8_t sha256[32];
	int checked;                /* there was a winning claim */
	int named;                  /* a subject has its base name */
	int ok;                     /* and that subject its SHA-256 */
	size_t subject;             /* index in the winner's subjects if ok */
};

struct quorum {
	struct quorum_bundle *bundles;
	size_t nbundles;
	struct quorum_claim *claims;        /* in order of first appearance */
	size_t nclaims;
	struct quorum_file *files;
	size_t nfiles;
	size_t min;                 /* attestors needed */
	int min_given;              /* min came from the caller */
	size_t top;                 /* attestors of the best claim(s) */
	size_t ntop;                /* claims with top attestors */
	int has_winner;             /* exactly one claim has top attestors */
	size_t winner;              /* its index */
	int reached;                /* has_winner and top >= min */
	int status;                 /* TEEC_OK or TEEC_FAIL */
	enum reason reason;         /* R_NONE, R_QUORUM_NOT_REACHED, R_FILE_MISMATCH */
	char detail[VDETAIL_MAX];   /* one line, printable ASCII */
};

struct quorum_opts {
	const struct bundle_opts *bundle;   /* the trust; its files and cache
	                                       are not used */
	size_t min;                 /* 0: a strict majority of the bundles */
	const char *const *files;
	size_t nfiles;
};

/*
 * Verify each of the n bundles at paths with bundle_verify() (sharing one
 * path cache), group the verified ones by claim, count each claim's
 * distinct attestors and decide: the quorum is reached when exactly one
 * claim has the most attestors and they are at least o->min (by default
 * n / 2 + 1: bundles that do not verify count against). Then each FILE
 * must have the base name and SHA-256 of a subject of the winning claim.
 * Returns q->status (TEEC_OK: reached and every FILE matches; TEEC_FAIL:
 * not), or TEEC_ERROR with err when it could not run: no bundle, more
 * than TEEC_MAX_QUORUM_BUNDLES, o->min above n, a FILE or BUNDLE that
 * cannot be read, lack of memory. quorum_free() q in every case.
 */
int quorum_run(const char *const *paths, size_t n, const struct quorum_opts *o,
    struct quorum *q, struct teec_err *err);
void quorum_free(struct quorum *q);

/*
 * Output (teec-verify(1), QUORUM): one line per bundle, each claim with
 * its subjects, each FILE, then the verdict line; or one JSON object and
 * a newline. Untrusted text passes through esc_term() or json_str_any().
 * 0, or -1 when b's cap was reached.
 */
int quorum_render_text(struct buf *b, const struct quorum *q);
int quorum_render_json(struct buf *b, const struct quorum *q);

#endif

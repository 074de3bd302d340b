/* SPDX-License-Identifier: ISC */
#ifndef TEEC_RESULT_H
#define TEEC_RESULT_H

#include <stddef.h>
#include <stdint.h>

/*
 * Stable reason codes for a verdict. Their names appear in JSON output and
 * in teec-verify(1); never renumber or rename one.
 */
enum reason {
	R_NONE = 0,         /* verified */
	R_MALFORMED,        /* not a well-formed Nitro attestation document */
	R_UNTRUSTED_ROOT,   /* cabundle[0] is not a trusted root */
	R_CHAIN_INVALID,    /* the certificate path does not validate */
	R_CHAIN_EXPIRED,    /* a certificate is not valid at the verification time */
	R_BAD_SIGNATURE,    /* the COSE signature does not verify */
	R_DEBUG_ENCLAVE,    /* PCR0, PCR1 and PCR2 are zero (debug mode) */
	R_BAD_BUNDLE,       /* the bundle's shape is wrong */
	R_UNKNOWN_IMAGE,    /* no trusted image matches the PCRs at that time */
	R_BINDING_MISMATCH, /* user_data does not bind report.json */
	R_BAD_REPORT,       /* report.json is not a valid teec statement */
	R_ARTIFACT_MISMATCH,/* an artifact's digest differs from its subject */
	R_FILE_MISMATCH,    /* a given file matches no subject */
	R_QUORUM_NOT_REACHED, /* too few attestors agree on one claim */
	R__COUNT
};

const char *reason_name(enum reason r);

#define VCHECK_MAX 24
#define VDETAIL_MAX 320

enum vstate { V_SKIPPED = 0, V_OK = 1, V_FAILED = 2 };

struct vcheck {
	const char *name;           /* static string */
	enum vstate state;
	char detail[VDETAIL_MAX];   /* printable ASCII only */
};

/* The outcome of a verification: a verdict and the checks that led to it. */
struct vresult {
	int status;                 /* TEEC_OK, TEEC_FAIL (TEEC_ERROR is never set here) */
	enum reason reason;
	struct vcheck checks[VCHECK_MAX];
	size_t nchecks;
};

void vresult_init(struct vresult *r);
/* Record a passed check. */
void vresult_ok(struct vresult *r, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Record a failed check; the first failure sets the verdict's reason. */
void vresult_fail(struct vresult *r, const char *name, enum reason why,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Record a check that was not run because an earlier one failed. */
void vresult_skip(struct vresult *r, const char *name);

#endif

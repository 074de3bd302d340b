/* SPDX-License-Identifier: ISC */
#ifndef TEEC_REPORT_H
#define TEEC_REPORT_H

/*
 * report.json: an in-toto Statement v1 whose predicate is SLSA Provenance
 * v1 (teec-report(5)). Written by the worker, parsed and checked by the
 * verifier, rendered by teec-report.
 */

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/status.h"

#define REPORT_STATEMENT_TYPE  "https://in-toto.io/Statement/v1"
#define REPORT_PREDICATE_TYPE  "https://slsa.dev/provenance/v1"
#define REPORT_BUILD_TYPE      "https://teec.dev/build/v1"
/* user_data of the attestation: this prefix, then SHA-384(report.json). */
#define REPORT_BINDING_PREFIX  "teec-report-v1:"
#define REPORT_BINDING_PREFIX_LEN 15
#define REPORT_BINDING_LEN     (REPORT_BINDING_PREFIX_LEN + 48)
/* Fixed values of the format (teec-report(5)). */
#define REPORT_SOURCE_URI      "teec:source.tar"
#define REPORT_IMAGE_URI       "teec:enclave-image"
#define REPORT_WORKER_NAME     "teec-enclave"
#define REPORT_UMASK           "022"
#define REPORT_LOG_NAME        "build.log"
#define REPORT_NET_NAME        "network.jsonl"

struct report_subject {
	char *name;                 /* relative path, safe (see report_name_ok) */
	uint8_t sha256[32];
	uint8_t sha384[48];
	int has_sha384;
};

/*
 * A network dependency (resolvedDependencies[] after the source and the
 * enclave image). Two shapes: a fetch (uri, sha256, method, status, size;
 * refused 0, reason NULL) and a refused attempt (uri, method, refused 1,
 * reason; no sha256, status and size -1).
 */
struct report_dep {
	char *name;                 /* may be NULL */
	char *uri;                  /* required: absolute URI, printable ASCII */
	uint8_t sha256[32];
	int has_sha256;
	char *method;               /* annotations.method, e.g. "GET" */
	int64_t status;             /* -1: none */
	int64_t size;               /* -1: none */
	int refused;                /* annotations.refused */
	char *reason;               /* annotations.reason, with refused only */
};

struct report_env {
	char *name;
	char *value;
};

struct report {
	/* subject[] */
	size_t nsubjects;
	struct report_subject *subjects;
	/* buildDefinition */
	char *build_json;           /* externalParameters.build, compact JSON text */
	uint8_t build_json_sha256[32];
	char *language;             /* externalParameters.build.language */
	char *command;              /* externalParameters.build.input.cmd */
	uint8_t source_sha256[32];  /* externalParameters.source.digest.sha256 */
	char *source_commit;        /* externalParameters.source.gitCommit,
	                               may be NULL */
	char *source_uri;           /* resolvedDependencies[0].uri */
	uint8_t upstream_ca_sha256[32]; /* externalParameters.upstreamCa */
	int has_upstream_ca;
	uint8_t pcrs[3][48];        /* enclave-image annotations pcr0..pcr2 */
	int has_pcrs;
	size_t ndeps;
	struct report_dep *deps;    /* the network dependencies, in order */
	/* internalParameters */
	size_t nenv;
	struct report_env *env;     /* environment, in document order */
	char *umask;                /* always REPORT_UMASK */
	char *isolation;            /* "namespaces", "nitro", "none" */
	int64_t source_date_epoch;
	int64_t timeout;
	char *internal_json;        /* internalParameters, compact JSON text */
	/* runDetails */
	char *builder_id;
	char *builder_version;      /* also internalParameters.worker.version */
	char *invocation_id;
	char *started_on;           /* RFC 3339, enclave clock (untrusted) */
	char *finished_on;
	int64_t started, finished;  /* the same, in seconds */
	uint8_t log_sha256[32];     /* byproducts: build.log */
	int has_log;
	uint8_t net_sha256[32];     /* byproducts: network.jsonl */
	int has_net;
};

/* Free what r holds and zero it; accepts NULL and half-built reports. */
void report_free(struct report *r);

/*
 * Parse and check report.json strictly (exact bytes as in the bundle).
 * TEEC_FAIL with a one-line message naming the field when it is not a
 * teec report: over TEEC_MAX_REPORT_BYTES, wrong _type or predicateType
 * or buildType, missing or mistyped fields, unknown fields at levels teec
 * defines, duplicate keys, bad hex, unsafe, unsorted or duplicate subject
 * names, an invalid build.json inside, over the caps; e.g.
 * "report.json: subject[2].digest.sha256: not 64 lower-case hex digits".
 * TEEC_ERROR when out of memory. r is zeroed first and left empty on
 * failure.
 */
int report_parse(const uint8_t *p, size_t n, struct report *r,
    struct teec_err *err);

/* The subject named name (subjects are sorted), or NULL. */
const struct report_subject *report_find_subject(const struct report *r,
    const char *name);

/* A safe relative artifact path: no "..", no leading "/", no empty or "."
 * components, printable ASCII without backslash, at most
 * TEEC_MAX_MEMBER_NAME - 10 bytes. 1 if safe, else 0. */
int report_name_ok(const char *name, size_t n);

/* What the worker knows when it writes a report. */
struct report_input {
	const uint8_t *build_json;          /* build.json bytes as given */
	size_t build_json_len;
	const uint8_t *source_sha256;       /* 32 bytes */
	const char *source_commit;          /* NULL: not a git checkout */
	const char *const *env_names;       /* the environment imposed (any
	                                       order: written sorted) */
	const char *const *env_values;
	size_t nenv;
	int64_t source_date_epoch;
	int64_t timeout;
	const char *isolation;
	const char *builder_id;
	const char *builder_version;
	const char *invocation_id;
	int64_t started, finished;          /* seconds */
	const struct report_subject *subjects;  /* any order: written sorted */
	size_t nsubjects;
	const struct report_dep *deps;      /* network dependencies */
	size_t ndeps;
	const uint8_t *log_sha256;          /* NULL: no build.log */
	const uint8_t *net_sha256;          /* NULL: no network.jsonl */
	const uint8_t *upstream_ca_sha256;  /* NULL: the image's CA bundle */
	const uint8_t (*pcrs)[48];          /* PCR0..2 of the image, NULL if unknown */
};

/*
 * Write report.json bytes into out, initialised here with the cap
 * TEEC_MAX_REPORT_BYTES (free it with buf_free()). Deterministic: fixed
 * key order, subjects and environment sorted by name, no spaces, a final
 * newline. Input that report_parse() would refuse is refused with
 * TEEC_ERROR and out left empty; the bytes written are parsed again with
 * report_parse() before returning.
 */
int report_write(const struct report_input *in, struct buf *out,
    struct teec_err *err);

/* The attestation user_data binding these exact report bytes. */
void report_binding(const uint8_t *report, size_t n,
    uint8_t out[REPORT_BINDING_LEN]);

#endif

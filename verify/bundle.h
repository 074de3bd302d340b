/* SPDX-License-Identifier: ISC */
#ifndef TEEC_BUNDLE_H
#define TEEC_BUNDLE_H

/*
 * Reading and verifying a .teec bundle (teec-bundle(5)): an uncompressed
 * POSIX tar whose first member is report.json, second attestation.cbor,
 * then optionally build.log, network.jsonl and artifacts/NAME members. Read in one
 * streaming pass; artifacts are hashed as they go by, never held whole.
 */

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "report/report.h"
#include "verify/attest.h"
#include "verify/images.h"

#define BUNDLE_REPORT      "report.json"
#define BUNDLE_ATTESTATION "attestation.cbor"
#define BUNDLE_LOG         "build.log"
#define BUNDLE_NETWORK     "network.jsonl"
#define BUNDLE_ARTIFACTS   "artifacts/"

struct bundle_opts {
	const struct trust_roots *roots;
	const struct images *images;
	enum at_mode at_mode;
	int64_t at;
	int allow_debug;
	int dev;                    /* local-mode bundles: zero PCRs accepted */
	const uint8_t *dev_root;    /* with dev: the development root's DER */
	size_t dev_root_len;
	const char *const *files;   /* detached artifacts to check */
	size_t nfiles;
	struct chain_cache *cache;  /* a batch's path cache, or NULL (attest.h) */
};

/* One subject of the report and what was checked of it. */
struct bundle_subject {
	int in_bundle;              /* an artifacts/ member was hashed */
	int file_checked;           /* a FILE given matched it */
	int ok;                     /* every digest compared equal */
};

struct bundle_out {
	struct attest_out att;
	struct report report;
	int report_ok;
	struct buf report_bytes;
	const struct image *image;  /* matched manifest entry, or NULL */
	int image_ok;               /* the image check passed */
	int dev_image;              /* accepted as a local development build */
	int verified;               /* every check passed */
	struct bundle_subject *subj;  /* report.nsubjects entries */
	size_t nartifacts;
	int has_log;
	uint64_t log_size;          /* the build.log member's size */
	uint8_t log_sha256[32];
	int has_network;            /* a network.jsonl member was read */
	uint64_t network_size;      /* its size */
	uint8_t network_sha256[32];
	size_t network_lines;       /* its lines, each checked against the
	                               report's network dependency */
};

/*
 * Verify the bundle at path ("-": standard input). Checks recorded in r,
 * in order: bundle, cose, payload, root, chain, signature, debug, image,
 * binding, report, artifacts, files. Returns TEEC_OK, TEEC_FAIL, or
 * TEEC_ERROR (with err) when the bundle could not be read at all.
 */
int bundle_verify(const char *path, const struct bundle_opts *o,
    struct bundle_out *out, struct vresult *r, struct teec_err *err);
void bundle_out_free(struct bundle_out *out);

/*
 * 1 if name may be a bundle member's (teec-bundle(5), Member rules):
 * 1..TEEC_MAX_MEMBER_NAME bytes, relative, no empty, "." or ".."
 * component, no byte below 0x20 nor 0x7f. Else 0.
 */
int bundle_name_ok(const char *name);

/*
 * Write a bundle: report.json, attestation.cbor, build.log (if log_path
 * is not NULL) and each artifact (read from its file) as artifacts/NAME,
 * as a deterministic ustar/pax stream to fd (mtime 0, uid/gid 0, mode
 * 0644 or 0755). Used by the worker and by tests. The writer lives in
 * verify/bundle_write.c, apart from the reader: it links libarchive, which
 * the programs that only read bundles do without.
 */
struct bundle_artifact {
	const char *name;           /* member name below artifacts/ */
	const char *path;           /* file to read */
};
int bundle_write(int fd, const uint8_t *report, size_t report_len,
    const uint8_t *att, size_t att_len, const char *log_path,
    const struct bundle_artifact *arts, size_t narts, struct teec_err *err);

/* The same, with every member named: network.jsonl after build.log. */
struct bundle_members {
	const uint8_t *report;
	size_t report_len;
	const uint8_t *att;
	size_t att_len;
	const char *log_path;       /* NULL: no build.log */
	const char *network_path;   /* NULL: no network.jsonl */
	const struct bundle_artifact *arts;
	size_t narts;
};
int bundle_write_members(int fd, const struct bundle_members *m,
    struct teec_err *err);

#endif

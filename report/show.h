/* SPDX-License-Identifier: ISC */
#ifndef TEEC_SHOW_H
#define TEEC_SHOW_H

/*
 * teec-report show (teec-report(1)): a bundle verified as teec-verify
 * bundle does it, or a bare report.json parsed strictly, then rendered
 * for people (text, markdown, html) or machines (json). Rendering never
 * prints: it appends to a struct buf capped at TEEC_MAX_RENDER_BYTES.
 */

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/status.h"
#include "report/report.h"
#include "verify/bundle.h"
#include "verify/result.h"

/* What externalParameters.upstreamCa means, in plain words (every format). */
#define UPSTREAM_CA_MEANING "the build's HTTPS origins were verified against " \
	"a CA bundle chosen by whoever started the build, not the image's"

enum show_kind {
	SHOW_BUNDLE = 0,            /* a .teec bundle */
	SHOW_REPORT,                /* a bare report.json */
};

/* Formats; maps to --format in teec-report(1). */
enum show_format {
	SHOW_TEXT = 0,
	SHOW_MARKDOWN,
	SHOW_HTML,
	SHOW_JSON,
};

struct show_opts {
	const struct trust_roots *roots;    /* NULL: no trust decision (diff) */
	const struct images *images;        /* NULL: no trusted images */
	enum at_mode at_mode;
	int64_t at;
	const char *time_source;            /* "document", "now", "given" */
	int allow_debug;
	int dev;
	const uint8_t *dev_root;            /* with dev: the development root's DER */
	size_t dev_root_len;
};

struct show {
	enum show_kind kind;
	const char *path;           /* as given: "-" is standard input */
	int trusted;                /* a trust decision was made (roots given) */
	const char *time_source;
	struct vresult r;           /* the checks: a bundle's, or "report" alone */
	struct bundle_out b;        /* SHOW_BUNDLE: what bundle_verify() saw */
	struct report bare;         /* SHOW_REPORT: the parsed report */
	int bare_ok;
	uint8_t report_sha256[32];  /* of report.json's exact bytes */
	int have_report_bytes;
};

/*
 * Read path ("-": standard input) and tell a report.json (its first byte
 * that is not JSON white space is '{') from a bundle (anything else).
 * A bundle is verified with o (bundle_verify()); with o->roots NULL it is
 * only read and parsed, and its checks mean nothing. A report.json is
 * parsed with report_parse(); it has no attestation and never verifies.
 * A bundle on standard input or another file that is not a regular one
 * (a pipe) is spooled to an unlinked temporary file of at most
 * TEEC_MAX_SPOOL_BYTES. Returns the verdict, TEEC_OK (verified)
 * or TEEC_FAIL, or TEEC_ERROR with err when the input could not be read.
 * show_free() in every case.
 */
int show_load(const char *path, const struct show_opts *o, struct show *s,
    struct teec_err *err);
void show_free(struct show *s);

/* The verdict: TEEC_OK only for a bundle that verified. */
int show_status(const struct show *s);

/* The parsed report, or NULL when report.json could not be parsed. */
const struct report *show_report(const struct show *s);

/*
 * The verdict as one line, without a newline: "VERIFIED", "NOT VERIFIED
 * (REASON): detail" (as teec-verify prints it) or "UNVERIFIED: a bare
 * report.json carries no attestation". Appended to b.
 */
int show_headline(struct buf *b, const struct show *s);

/*
 * Append the rendering of s in format f to b, which the caller has
 * initialised (TEEC_MAX_RENDER_BYTES is the cap teec-report uses).
 * TEEC_OK, or TEEC_ERROR with err when b's cap was reached or memory ran out.
 */
int show_render(struct buf *b, const struct show *s, enum show_format f,
    struct teec_err *err);

/* The JSON rendering ({"file", "kind", "verified", "reason", ...}):
 * teec-report(1), OUTPUT. */
int show_render_json(struct buf *b, const struct show *s);

#endif

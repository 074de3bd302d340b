/* SPDX-License-Identifier: ISC */
#ifndef TEEC_DIFF_H
#define TEEC_DIFF_H

/*
 * teec-report diff (teec-report(1)): what two reports say, compared field
 * by field, for attestors that disagree. No trust decision is made here:
 * the reports are read and parsed, never verified (teec-verify does
 * that), so a difference means "the two files say different things".
 */

#include <stddef.h>

#include "common/buf.h"
#include "common/status.h"
#include "report/show.h"

enum rdiff_class {
	RDIFF_INPUT = 0,    /* what went into the build */
	RDIFF_OUTPUT,       /* what came out of it */
	RDIFF_EXPECTED,     /* differs between any two runs: times, ids, the attestation */
};
#define RDIFF_NCLASSES 3

struct rdiff_item {
	enum rdiff_class cls;
	const char *field;  /* static: "source.digest", "subject", ... */
	char *key;          /* which one within field (a subject's name, a
	                       variable, a URI), or NULL */
	char *a, *b;        /* each side's value; NULL: absent on that side */
	/* field "dependency" only: each side's entry (NULL: absent on that
	 * side), pointing into the reports compared, so valid as long as
	 * they are; and which request for this method and URI it is (1 for
	 * the first, 2 for the second, ...) */
	const struct report_dep *dep_a, *dep_b;
	size_t request;
};

struct rdiff {
	struct rdiff_item *v;
	size_t n, cap;
	size_t count[RDIFF_NCLASSES];
	int failed;         /* out of memory */
};

/*
 * Compare the reports of a and b (loaded with show_load() without
 * roots). Inputs: build.json (language, command, environment, outputs,
 * timeout, digest), source digest and commit, the image PCR0-2 (attested
 * when a side is a bundle whose document parses, else as the report
 * claims them), the worker's environment and limits, the builder, the
 * upstream CA bundle (externalParameters.upstreamCa) and the network
 * dependencies matched by method and URI. Outputs: the subjects matched
 * by name. Expected differences: invocation id, start and finish times,
 * the byproducts (build.log, network.jsonl), the report's bytes and the
 * attestation document's own fields. Returns TEEC_OK when no input or output differs, TEEC_FAIL when
 * one does, TEEC_ERROR with err when a side has no parsed report or
 * memory ran out. rdiff_free() in every case.
 */
int rdiff_compare(const struct show *a, const struct show *b, struct rdiff *d,
    struct teec_err *err);
void rdiff_free(struct rdiff *d);

/*
 * Render d in SHOW_TEXT, SHOW_MARKDOWN or SHOW_JSON (teec-report(1)); the
 * dependencies that differ as a table of their own. a and bs are the
 * shows d was made from. 0, or -1 at b's cap.
 */
int rdiff_render(struct buf *b, const struct show *a, const struct show *bs,
    const struct rdiff *d, enum show_format f);

#endif

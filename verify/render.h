/* SPDX-License-Identifier: ISC */
#ifndef TEEC_RENDER_H
#define TEEC_RENDER_H

#include "common/buf.h"
#include "verify/attest.h"
#include "verify/result.h"

/*
 * Output of verification results for people (text) and machines (JSON).
 * Every value that came from evidence passes through esc_term() or a
 * JSON string encoder here.
 */

/* "VERIFIED" or "NOT VERIFIED (REASON): detail", then one line per check. */
int render_checks_text(struct buf *b, const struct vresult *r);
/* The attested facts: module, time, PCRs, optional fields, certificates. */
int render_doc_text(struct buf *b, const struct attest_out *a);

/* JSON members (no braces): "verified", "reason", "checks". */
int render_checks_json(struct buf *b, const struct vresult *r);
/* A JSON object for the document, or null when it could not be parsed. */
int render_doc_json(struct buf *b, const struct attest_out *a);
/* A quoted JSON string of untrusted bytes; bytes that are not UTF-8 are shown as \xNN. */
int json_str_any(struct buf *b, const void *p, size_t n);

#endif

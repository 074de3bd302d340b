/* SPDX-License-Identifier: ISC */
#ifndef TEEC_VIEW_H
#define TEEC_VIEW_H

/*
 * What `teec-report show` puts on a page, independent of the format: a
 * headline and sections, each a list of key-value rows, a table with a
 * header row, or lines of text. view_build() collects the values as they
 * are (untrusted bytes included); each emitter escapes every cell on its
 * way out (render_text.c: esc_term; render_md.c and render_html.c:
 * esc_term, then Markdown or HTML escaping), so no value can reach the
 * output unescaped, whatever section it is in.
 */

#include <stddef.h>

#include "common/buf.h"
#include "common/status.h"
#include "report/show.h"

#define VIEW_MAX_SECTIONS 24
#define VIEW_MAX_COLS     6

/* A cell: len bytes at off in view.text. */
#define VCELL_CODE 0x1u     /* digests, hex, commands: fixed width */
#define VCELL_BAD  0x2u     /* a failure or a difference: emphasised */

struct vcell {
	size_t off, len;
	unsigned flags;
};

enum vsec_kind {
	VSEC_KV = 0,        /* rows of (key, value) */
	VSEC_TABLE,         /* a header row, then rows of ncols cells */
	VSEC_LINES,         /* one cell per line */
};

struct vsec {
	const char *id;     /* stable, [a-z-]: an HTML anchor */
	const char *title;  /* static text */
	enum vsec_kind kind;
	size_t ncols;       /* 2 for KV, 1 for LINES */
	size_t first;       /* index of its first cell */
	size_t ncells;      /* header included, for tables */
	const char *empty;  /* shown when there are no rows; static */
};

struct view {
	const struct show *s;
	struct buf text;            /* every cell's bytes */
	struct vcell file;          /* the path, or "standard input" */
	struct vcell headline;      /* the verdict line */
	int ok;                     /* the verdict holds */
	struct vsec sec[VIEW_MAX_SECTIONS];
	size_t nsec;
	struct vcell *cells;
	size_t ncells, capcells;
	int failed;                 /* a cap or an allocation failed */
};

/* Build the view of s. TEEC_OK, or TEEC_ERROR (too large, out of memory). */
int view_build(struct view *v, const struct show *s, struct teec_err *err);
void view_free(struct view *v);

/* The cell's bytes (not NUL-terminated). */
const char *view_cell(const struct view *v, const struct vcell *c);

/*
 * The emitters. Each appends to b and returns 0, or -1 when b's cap was
 * reached. Text leaves out the "checks" section: render_checks_text()
 * (verify/render.h) prints it, as teec-verify does.
 */
int view_text(struct buf *b, const struct view *v);
int view_markdown(struct buf *b, const struct view *v);
int view_html(struct buf *b, const struct view *v);

/*
 * n bytes of untrusted text as Markdown (render_md.c): esc_term(), then
 * Markdown escaping; VCELL_CODE text that needs no escaping as a code
 * span, VCELL_BAD in bold. first: the text starts a line.
 */
int view_md_text(struct buf *b, const char *p, size_t n, unsigned flags,
    int first);

#endif

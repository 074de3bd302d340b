/* SPDX-License-Identifier: ISC */
/*
 * Output of `teec-report diff` (teec-report(1)): text for people,
 * Markdown for reviews, JSON for machines. Names and values come from
 * the reports: esc_term() for text, view_md_text() for Markdown,
 * json_str_any() for JSON. The network dependencies that differ are a
 * table of their own: a row per side, matched by method and URI.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/encode.h"
#include "common/escape.h"
#include "report/diff.h"
#include "report/view.h"
#include "verify/render.h"

#define PAD_MAX 64      /* text columns wider than this are not padded to */
#define DEP_COLS 7

#define TRUST_NOTE "no trust decision: this compares what the two reports " \
	"say; run teec-verify on each bundle to know whether to believe them"

static const char *const class_title[RDIFF_NCLASSES] = {
	"inputs",
	"outputs",
	"expected to differ (times, identifiers, logs, the attestation itself)",
};
static const char *const class_key[RDIFF_NCLASSES] = {
	"inputs", "outputs", "expected",
};

static const char *
change(const struct rdiff_item *it)
{
	if (it->cls == RDIFF_EXPECTED)
		return "differs (expected)";
	if (it->a != NULL && it->b != NULL)
		return "differs";
	return it->a != NULL ? "only in A" : "only in B";
}

static const char *
side_name(const struct show *s)
{
	return strcmp(s->path, "-") == 0 ? "standard input" : s->path;
}

static const char *
side_kind(const struct show *s)
{
	return s->kind == SHOW_BUNDLE ? "bundle" : "bare report.json";
}

static int
summary(struct buf *b, const struct rdiff *d)
{
	size_t in = d->count[RDIFF_INPUT], out = d->count[RDIFF_OUTPUT];
	size_t ex = d->count[RDIFF_EXPECTED];

	if (in + out == 0)
		return buf_printf(b, "AGREE: the same inputs and outputs (%zu "
		    "expected difference%s)", ex, ex == 1 ? "" : "s");
	return buf_printf(b, "DIFFER: %zu input%s and %zu output%s differ "
	    "(and %zu expected difference%s)", in, in == 1 ? "" : "s", out,
	    out == 1 ? "" : "s", ex, ex == 1 ? "" : "s");
}

static int
esc(struct buf *b, const char *s)
{
	return esc_term(b, s, strlen(s));
}

static int
is_dep(const struct rdiff_item *it)
{
	return it->dep_a != NULL || it->dep_b != NULL;
}

static size_t
count_deps(const struct rdiff *d)
{
	size_t i, n = 0;

	for (i = 0; i < d->n; i++)
		n += is_dep(&d->v[i]);
	return n;
}

static const char *const dep_head[DEP_COLS] = {
	"change", "side", "method", "uri", "status", "size",
	"sha256, or why it was refused",
};

/* One side of a differing dependency as table cells. */
struct deprow {
	const char *c[DEP_COLS];
	unsigned flags[DEP_COLS];
	char *uri;              /* with " (request N)" after the first */
	char status[24], size[24], sha[65];
};

/*
 * Row side (0: A, 1: B) of it; first: the pair's first row, which names
 * the change. 0, 1 when that side has no entry, -1 when memory ran out.
 */
static int
deprow(struct deprow *r, const struct rdiff_item *it, int side, int first)
{
	const struct report_dep *x = side ? it->dep_b : it->dep_a;
	size_t i;

	memset(r, 0, sizeof(*r));
	if (x == NULL)
		return 1;
	if (it->request > 1) {
		if (asprintf(&r->uri, "%s (request %zu)", x->uri, it->request) ==
		    -1) {
			r->uri = NULL;
			return -1;
		}
		r->c[3] = r->uri;
	} else
		r->c[3] = x->uri;
	r->c[0] = first ? change(it) : "";
	r->flags[0] = VCELL_BAD;
	r->c[1] = side ? "B" : "A";
	r->c[2] = x->method ? x->method : "";
	r->flags[3] = VCELL_CODE;
	if (x->refused) {
		r->c[4] = "refused";
		r->flags[4] = VCELL_BAD;
		r->c[5] = "";
		r->c[6] = x->reason ? x->reason : "";
	} else {
		if (x->status >= 0)
			snprintf(r->status, sizeof(r->status), "%lld",
			    (long long)x->status);
		if (x->size >= 0)
			snprintf(r->size, sizeof(r->size), "%lld",
			    (long long)x->size);
		if (x->has_sha256)
			hex_encode(x->sha256, 32, r->sha);
		r->c[4] = r->status;
		r->c[5] = r->size;
		r->c[6] = x->has_sha256 ? r->sha : "none";
		r->flags[6] = VCELL_CODE;
	}
	for (i = 0; i < DEP_COLS; i++)
		if (r->c[i] == NULL)
			r->c[i] = "";
	return 0;
}

/* Bytes of s once through esc_term(). */
static size_t
esc_len(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;

	for (; *p != '\0'; p++)
		n += *p == '\\' ? 2 : (*p >= 0x20 && *p < 0x7f) ? 1 : 4;
	return n;
}

/*
 * Call row(b, cells, arg) for the header, then for each side of each
 * dependency that differs, in the order of d. -1 at b's cap or when
 * memory ran out.
 */
static int
dep_rows(struct buf *b, const struct rdiff *d,
    int (*row)(struct buf *, const char *const *, const unsigned *, void *),
    void *arg)
{
	static const unsigned none[DEP_COLS];
	struct deprow r;
	size_t i;
	int side, first, rc;

	rc = row(b, dep_head, none, arg);
	for (i = 0; i < d->n && rc == 0; i++) {
		if (!is_dep(&d->v[i]))
			continue;
		for (side = 0, first = 1; side < 2 && rc == 0; side++) {
			if ((rc = deprow(&r, &d->v[i], side, first)) != 0) {
				rc = rc == 1 ? 0 : -1;
				continue;
			}
			rc = row(b, r.c, r.flags, arg);
			first = 0;
			free(r.uri);
		}
	}
	return rc;
}

struct widths {
	size_t w[DEP_COLS];
};

static int
text_width(struct buf *b, const char *const *c, const unsigned *flags,
    void *arg)
{
	struct widths *w = arg;
	size_t k, n;

	for (k = 0; k < DEP_COLS; k++)
		if ((n = esc_len(c[k])) > w->w[k] && n <= PAD_MAX)
			w->w[k] = n;
	return 0;
}

static int
text_row(struct buf *b, const char *const *c, const unsigned *flags,
    void *arg)
{
	const struct widths *w = arg;
	size_t k, n;
	int rc = buf_printf(b, "   ");

	for (k = 0; k < DEP_COLS && rc == 0; k++) {
		rc |= buf_putc(b, ' ');
		rc |= esc(b, c[k]);
		if (k + 1 == DEP_COLS)
			break;
		for (n = esc_len(c[k]); n < w->w[k] && rc == 0; n++)
			rc |= buf_putc(b, ' ');
		rc |= buf_putc(b, ' ');
	}
	/* no trailing blanks before an empty last column */
	while (b->len > 0 && b->data[b->len - 1] == ' ')
		b->data[--b->len] = '\0';
	return rc | buf_putc(b, '\n');
}

static int
text_deps(struct buf *b, const struct rdiff *d)
{
	struct widths w;
	int rc;

	memset(&w, 0, sizeof(w));
	rc = buf_printf(b, "  network dependencies (matched by method and "
	    "URI)\n");
	rc |= dep_rows(b, d, text_width, &w);
	return rc | dep_rows(b, d, text_row, &w);
}

static int
text(struct buf *b, const struct show *a, const struct show *bs,
    const struct rdiff *d)
{
	size_t c, i;
	int rc = 0;

	rc |= buf_printf(b, "teec-report diff: %s\nA: ", TRUST_NOTE);
	rc |= esc(b, side_name(a));
	rc |= buf_printf(b, " (%s)\nB: ", side_kind(a));
	rc |= esc(b, side_name(bs));
	rc |= buf_printf(b, " (%s)\n", side_kind(bs));
	rc |= summary(b, d);
	rc |= buf_putc(b, '\n');
	for (c = 0; c < RDIFF_NCLASSES; c++) {
		if (d->count[c] == 0)
			continue;
		rc |= buf_printf(b, "%s\n", class_title[c]);
		for (i = 0; i < d->n && rc == 0; i++) {
			const struct rdiff_item *it = &d->v[i];

			if (it->cls != c || is_dep(it))
				continue;
			rc |= buf_printf(b, "  %-18s %s", change(it), it->field);
			if (it->key != NULL) {
				rc |= buf_putc(b, ' ');
				rc |= esc(b, it->key);
			}
			rc |= buf_printf(b, "\n      A  ");
			rc |= esc(b, it->a ? it->a : "(absent)");
			rc |= buf_printf(b, "\n      B  ");
			rc |= esc(b, it->b ? it->b : "(absent)");
			rc |= buf_putc(b, '\n');
		}
		if (c == RDIFF_INPUT && count_deps(d) > 0)
			rc |= text_deps(b, d);
	}
	return rc;
}

static int
md(struct buf *b, const char *s, unsigned flags)
{
	return view_md_text(b, s, strlen(s), flags, 0);
}

/* A Markdown table row; after the header (*header set), the delimiter row. */
static int
md_row(struct buf *b, const char *const *c, const unsigned *flags, void *arg)
{
	int *header = arg;
	size_t k;
	int rc = buf_putc(b, '|');

	for (k = 0; k < DEP_COLS; k++) {
		rc |= buf_putc(b, ' ');
		rc |= md(b, c[k], c[k][0] != '\0' ? flags[k] : 0);
		rc |= buf_printf(b, " |");
	}
	rc |= buf_putc(b, '\n');
	if (*header) {
		rc |= buf_putc(b, '|');
		for (k = 0; k < DEP_COLS; k++)
			rc |= buf_printf(b, " --- |");
		rc |= buf_putc(b, '\n');
		*header = 0;
	}
	return rc;
}

static int
md_deps(struct buf *b, const struct rdiff *d)
{
	int header = 1;
	int rc = buf_printf(b, "\n### Network dependencies (matched by method "
	    "and URI)\n\n");

	return rc | dep_rows(b, d, md_row, &header);
}

static int
markdown(struct buf *b, const struct show *a, const struct show *bs,
    const struct rdiff *d)
{
	struct buf t;
	size_t c, i;
	int rc = 0;

	rc |= buf_printf(b, "# teec-report diff\n\n");
	rc |= md(b, TRUST_NOTE, 0);
	rc |= buf_printf(b, "\n\n| side | file | kind |\n| --- | --- | --- |\n| A | ");
	rc |= md(b, side_name(a), 0);
	rc |= buf_printf(b, " | %s |\n| B | ", side_kind(a));
	rc |= md(b, side_name(bs), 0);
	rc |= buf_printf(b, " | %s |\n\n**", side_kind(bs));
	buf_init(&t, 512);
	rc |= summary(&t, d);
	if (t.data != NULL)
		rc |= md(b, (const char *)t.data, 0);
	buf_free(&t);
	rc |= buf_printf(b, "**\n");
	for (c = 0; c < RDIFF_NCLASSES; c++) {
		if (d->count[c] == 0)
			continue;
		rc |= buf_printf(b, "\n## ");
		rc |= md(b, class_title[c], 0);
		rc |= buf_printf(b, "\n");
		if (d->count[c] > (c == RDIFF_INPUT ? count_deps(d) : 0))
			rc |= buf_printf(b, "\n| change | field | A | B |\n"
			    "| --- | --- | --- | --- |\n");
		for (i = 0; i < d->n && rc == 0; i++) {
			const struct rdiff_item *it = &d->v[i];

			if (it->cls != c || is_dep(it))
				continue;
			rc |= buf_printf(b, "| ");
			rc |= md(b, change(it), c == RDIFF_EXPECTED ? 0 : VCELL_BAD);
			rc |= buf_printf(b, " | ");
			rc |= md(b, it->field, 0);
			if (it->key != NULL) {
				rc |= buf_putc(b, ' ');
				rc |= md(b, it->key, VCELL_CODE);
			}
			rc |= buf_printf(b, " | ");
			rc |= md(b, it->a ? it->a : "(absent)", VCELL_CODE);
			rc |= buf_printf(b, " | ");
			rc |= md(b, it->b ? it->b : "(absent)", VCELL_CODE);
			rc |= buf_printf(b, " |\n");
		}
		if (c == RDIFF_INPUT && count_deps(d) > 0)
			rc |= md_deps(b, d);
	}
	return rc;
}

static int
jstr(struct buf *b, const char *s)
{
	if (s == NULL)
		return buf_printf(b, "null");
	return json_str_any(b, s, strlen(s));
}

/* One side of a dependency: {"status","size","sha256","refused","reason"}. */
static int
jdep(struct buf *b, const struct report_dep *x)
{
	int rc = 0;

	if (x == NULL)
		return buf_printf(b, "null");
	rc |= buf_printf(b, "{\"status\":");
	rc |= x->status >= 0 ? buf_printf(b, "%lld", (long long)x->status) :
	    buf_printf(b, "null");
	rc |= buf_printf(b, ",\"size\":");
	rc |= x->size >= 0 ? buf_printf(b, "%lld", (long long)x->size) :
	    buf_printf(b, "null");
	rc |= buf_printf(b, ",\"sha256\":");
	if (x->has_sha256) {
		rc |= buf_putc(b, '"');
		rc |= buf_hex(b, x->sha256, 32);
		rc |= buf_putc(b, '"');
	} else
		rc |= buf_printf(b, "null");
	rc |= buf_printf(b, ",\"refused\":%s,\"reason\":",
	    x->refused ? "true" : "false");
	rc |= jstr(b, x->refused ? x->reason : NULL);
	return rc | buf_putc(b, '}');
}

/* "dependencies": the differing ones, structured for programs. */
static int
jdeps(struct buf *b, const struct rdiff *d)
{
	const struct report_dep *x;
	size_t i, k = 0;
	int rc = buf_printf(b, ",\"dependencies\":[");

	for (i = 0; i < d->n && rc == 0; i++) {
		const struct rdiff_item *it = &d->v[i];

		if (!is_dep(it))
			continue;
		x = it->dep_a != NULL ? it->dep_a : it->dep_b;
		rc |= buf_printf(b, "%s{\"change\":\"%s\",\"method\":",
		    k++ ? "," : "", it->dep_a && it->dep_b ? "differs" :
		    it->dep_a ? "only_a" : "only_b");
		rc |= jstr(b, x->method);
		rc |= buf_printf(b, ",\"uri\":");
		rc |= jstr(b, x->uri);
		rc |= buf_printf(b, ",\"request\":%zu,\"a\":", it->request);
		rc |= jdep(b, it->dep_a);
		rc |= buf_printf(b, ",\"b\":");
		rc |= jdep(b, it->dep_b);
		rc |= buf_putc(b, '}');
	}
	return rc | buf_putc(b, ']');
}

static int
json(struct buf *b, const struct show *a, const struct show *bs,
    const struct rdiff *d)
{
	size_t c, i, k;
	int rc = 0;

	rc |= buf_printf(b, "{\"agree\":%s,\"trust\":\"%s\",\"a\":{\"file\":",
	    d->count[RDIFF_INPUT] + d->count[RDIFF_OUTPUT] == 0 ? "true" :
	    "false", TRUST_NOTE);
	rc |= jstr(b, a->path);
	rc |= buf_printf(b, ",\"kind\":\"%s\"},\"b\":{\"file\":",
	    a->kind == SHOW_BUNDLE ? "bundle" : "report");
	rc |= jstr(b, bs->path);
	rc |= buf_printf(b, ",\"kind\":\"%s\"}", bs->kind == SHOW_BUNDLE ?
	    "bundle" : "report");
	for (c = 0; c < RDIFF_NCLASSES; c++) {
		rc |= buf_printf(b, ",\"%s\":[", class_key[c]);
		for (i = 0, k = 0; i < d->n && rc == 0; i++) {
			const struct rdiff_item *it = &d->v[i];

			if (it->cls != c)
				continue;
			rc |= buf_printf(b, "%s{\"field\":\"%s\",\"key\":",
			    k++ ? "," : "", it->field);
			rc |= jstr(b, it->key);
			rc |= buf_printf(b, ",\"change\":\"%s\",\"a\":",
			    it->cls == RDIFF_EXPECTED ? "expected" :
			    it->a && it->b ? "differs" : it->a ? "only_a" : "only_b");
			rc |= jstr(b, it->a);
			rc |= buf_printf(b, ",\"b\":");
			rc |= jstr(b, it->b);
			rc |= buf_putc(b, '}');
		}
		rc |= buf_putc(b, ']');
	}
	rc |= jdeps(b, d);
	return rc | buf_printf(b, "}\n");
}

int
rdiff_render(struct buf *b, const struct show *a, const struct show *bs,
    const struct rdiff *d, enum show_format f)
{
	int rc;

	if (f == SHOW_JSON)
		rc = json(b, a, bs, d);
	else if (f == SHOW_MARKDOWN)
		rc = markdown(b, a, bs, d);
	else
		rc = text(b, a, bs, d);
	return rc ? -1 : 0;
}

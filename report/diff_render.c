/* SPDX-License-Identifier: ISC */
/*
 * Output of `teec-report diff` (teec-report(1)): text for people,
 * Markdown for reviews, JSON for machines. Names and values come from
 * the reports: esc_term() for text, view_md_text() for Markdown,
 * json_str_any() for JSON.
 */
#include <string.h>

#include "common/escape.h"
#include "report/diff.h"
#include "report/view.h"
#include "verify/render.h"

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

			if (it->cls != c)
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
	}
	return rc;
}

static int
md(struct buf *b, const char *s, unsigned flags)
{
	return view_md_text(b, s, strlen(s), flags, 0);
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
		rc |= buf_printf(b, "\n\n| change | field | A | B |\n"
		    "| --- | --- | --- | --- |\n");
		for (i = 0; i < d->n && rc == 0; i++) {
			const struct rdiff_item *it = &d->v[i];

			if (it->cls != c)
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

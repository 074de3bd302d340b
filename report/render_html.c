/* SPDX-License-Identifier: ISC */
/*
 * The HTML page of `teec-report show`: one self-contained document, its
 * style inline, no script, no link, no image, no font, no URL in any
 * attribute; a Content-Security-Policy that forbids loading anything in
 * case a browser meets something this code did not write. Every value is
 * escaped twice: esc_term() (control bytes and non-ASCII as \xNN, as on
 * the text page, so no bidirectional override can reorder what is shown),
 * then esc_html().
 */
#include <string.h>

#include "common/escape.h"
#include "report/view.h"

static const char head[] =
    "<!DOCTYPE html>\n"
    "<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
    "style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'\">\n"
    "<meta name=\"referrer\" content=\"no-referrer\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";

static const char style[] =
    "<style>\n"
    "body{font-family:system-ui,sans-serif;margin:2em auto;max-width:80em;"
    "padding:0 1em;color:#1b1b1b;background:#fff}\n"
    "h1{font-size:1.4em;word-break:break-all}h2{font-size:1.15em;margin-top:1.6em;"
    "border-bottom:1px solid #ccc}\n"
    "table{border-collapse:collapse;margin:.4em 0}\n"
    "th,td{border:1px solid #ccc;padding:.2em .5em;text-align:left;"
    "vertical-align:top}\n"
    "th{background:#f2f2f2}td{word-break:break-all}\n"
    "code{font-family:ui-monospace,monospace;font-size:.92em}\n"
    ".verdict{font-size:1.15em;font-weight:bold;padding:.5em .8em;"
    "border-radius:.3em}\n"
    ".ok{background:#e3f4e1;color:#14511a}.fail{background:#fbe3e1;color:#7a1510}\n"
    ".bad{color:#a1160d;font-weight:bold}\n"
    "ul{padding-left:1.2em}\n"
    "</style>\n";

static int
h_text(struct buf *b, const char *p, size_t n)
{
	struct buf t;
	int rc;

	buf_init(&t, 4 * n + 16);
	rc = esc_term(&t, p, n);
	if (rc == 0 && t.len > 0)
		rc = esc_html(b, t.data, t.len);
	buf_free(&t);
	return rc;
}

static int
h_cell(struct buf *b, const struct view *v, const struct vcell *c)
{
	int rc = 0;

	if (c->flags & VCELL_BAD)
		rc |= buf_printf(b, "<span class=\"bad\">");
	if (c->flags & VCELL_CODE)
		rc |= buf_printf(b, "<code>");
	rc |= h_text(b, view_cell(v, c), c->len);
	if (c->flags & VCELL_CODE)
		rc |= buf_printf(b, "</code>");
	if (c->flags & VCELL_BAD)
		rc |= buf_printf(b, "</span>");
	return rc;
}

static int
row(struct buf *b, const struct view *v, const struct vcell *c, size_t n,
    const char *tag, int key)
{
	size_t i;
	int rc = buf_printf(b, "<tr>");

	for (i = 0; i < n; i++) {
		const char *t = key && i == 0 ? "th" : tag;

		rc |= buf_printf(b, "<%s>", t);
		rc |= h_cell(b, v, &c[i]);
		rc |= buf_printf(b, "</%s>", t);
	}
	return rc | buf_printf(b, "</tr>\n");
}

static int
section(struct buf *b, const struct view *v, const struct vsec *s)
{
	const struct vcell *c = v->cells + s->first;
	size_t i, rows = s->ncols ? s->ncells / s->ncols : 0;
	int rc = 0;

	if (s->kind == VSEC_TABLE && rows > 0)
		rows--;
	if (rows == 0 && s->empty == NULL)
		return 0;
	/* id and title are static text of this program, [a-z-] and prose */
	rc |= buf_printf(b, "<section id=\"%s\">\n", s->id);
	if (strcmp(s->id, "verdict") != 0) {
		rc |= buf_printf(b, "<h2>");
		rc |= h_text(b, s->title, strlen(s->title));
		rc |= buf_printf(b, "</h2>\n");
	}
	if (rows == 0) {
		rc |= buf_printf(b, "<p>");
		rc |= h_text(b, s->empty, strlen(s->empty));
		return rc | buf_printf(b, "</p>\n</section>\n");
	}
	switch (s->kind) {
	case VSEC_LINES:
		rc |= buf_printf(b, "<ul>\n");
		for (i = 0; i < s->ncells; i++) {
			rc |= buf_printf(b, "<li>");
			rc |= h_cell(b, v, &c[i]);
			rc |= buf_printf(b, "</li>\n");
		}
		rc |= buf_printf(b, "</ul>\n");
		break;
	case VSEC_KV:
		rc |= buf_printf(b, "<table>\n");
		for (i = 0; i + 1 < s->ncells; i += 2)
			rc |= row(b, v, &c[i], 2, "td", 1);
		rc |= buf_printf(b, "</table>\n");
		break;
	case VSEC_TABLE:
		rc |= buf_printf(b, "<table>\n<thead>");
		rc |= row(b, v, c, s->ncols, "th", 0);
		rc |= buf_printf(b, "</thead>\n<tbody>\n");
		for (i = s->ncols; i + s->ncols <= s->ncells; i += s->ncols)
			rc |= row(b, v, &c[i], s->ncols, "td", 0);
		rc |= buf_printf(b, "</tbody>\n</table>\n");
		break;
	}
	return rc | buf_printf(b, "</section>\n");
}

int
view_html(struct buf *b, const struct view *v)
{
	size_t i;
	int rc = 0;

	rc |= buf_append(b, head, sizeof(head) - 1);
	rc |= buf_printf(b, "<title>teec report: ");
	rc |= h_text(b, view_cell(v, &v->file), v->file.len);
	rc |= buf_printf(b, "</title>\n");
	rc |= buf_append(b, style, sizeof(style) - 1);
	rc |= buf_printf(b, "</head>\n<body>\n<h1>teec report: ");
	rc |= h_text(b, view_cell(v, &v->file), v->file.len);
	rc |= buf_printf(b, "</h1>\n<p class=\"verdict %s\">", v->ok ? "ok" : "fail");
	rc |= h_text(b, view_cell(v, &v->headline), v->headline.len);
	rc |= buf_printf(b, "</p>\n");
	for (i = 0; i < v->nsec && rc == 0; i++)
		rc |= section(b, v, &v->sec[i]);
	rc |= buf_printf(b, "</body>\n</html>\n");
	return rc ? -1 : 0;
}

/* SPDX-License-Identifier: ISC */
/*
 * The Markdown page of `teec-report show` (GitHub Flavored Markdown
 * tables). Each cell is escaped twice: esc_term() first, so control
 * bytes and non-ASCII show as \xNN exactly as in the text page, then for
 * Markdown: & < > " ' as HTML entities, and every ASCII punctuation
 * character that can start an inline construct (CommonMark 0.31 section
 * 2.4: emphasis, code, links and images by their brackets, raw HTML,
 * table pipes, GFM strikethrough, math) behind a backslash. Nothing from the report can open a
 * link, an image, a code span or a new table cell.
 */
#include <string.h>

#include "common/escape.h"
#include "report/view.h"

/* One printable ASCII byte (esc_term() output) for Markdown. */
static int
md_char(struct buf *b, uint8_t c, int first)
{
	switch (c) {
	case '&':
		return buf_append(b, "&amp;", 5);
	case '<':
		return buf_append(b, "&lt;", 4);
	case '>':
		return buf_append(b, "&gt;", 4);
	case '"':
		return buf_append(b, "&quot;", 6);
	case '\'':
		return buf_append(b, "&#39;", 5);
	case '\\': case '`': case '*': case '_': case '[': case ']':
	case '!': case '~': case '|': case '$': case '@': case '#':
	case '{': case '}': case '^':
		if (buf_putc(b, '\\') == -1)
			return -1;
		return buf_putc(b, c);
	default:
		/* At the start of a line a digit, + - = . could open a block. */
		if (first && !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
			return buf_printf(b, "&#%u;", c);
		return buf_putc(b, c);
	}
}

/* A code span only for text that needs no escaping inside it. */
static int
code_safe(const char *p, size_t n)
{
	size_t i;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr(" ._:/+=,-", c) != NULL) ||
		    c == '\0')
			return 0;
	}
	return p[0] != ' ' && p[n - 1] != ' ';
}

int
view_md_text(struct buf *b, const char *p, size_t n, unsigned flags,
    int first)
{
	struct buf t;
	size_t i;
	int rc = 0;

	if ((flags & VCELL_CODE) && code_safe(p, n)) {
		rc |= buf_putc(b, '`');
		rc |= buf_append(b, p, n);
		return rc | buf_putc(b, '`');
	}
	buf_init(&t, 4 * n + 16);
	if (esc_term(&t, p, n) == -1) {
		buf_free(&t);
		return -1;
	}
	if (flags & VCELL_BAD) {
		rc |= buf_printf(b, "**");
		first = 0;
	}
	for (i = 0; i < t.len && rc == 0; i++)
		rc |= md_char(b, t.data[i], first && i == 0);
	if (flags & VCELL_BAD)
		rc |= buf_printf(b, "**");
	buf_free(&t);
	return rc;
}

static int
md_cell(struct buf *b, const struct view *v, const struct vcell *c, int first)
{
	return view_md_text(b, view_cell(v, c), c->len, c->flags, first);
}

static int
row(struct buf *b, const struct view *v, const struct vcell *c, size_t n)
{
	size_t i;
	int rc = buf_printf(b, "|");

	for (i = 0; i < n; i++) {
		rc |= buf_putc(b, ' ');
		rc |= md_cell(b, v, &c[i], 0);
		rc |= buf_printf(b, " |");
	}
	return rc | buf_putc(b, '\n');
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
	if (strcmp(s->id, "verdict") != 0)
		rc |= buf_printf(b, "\n## %s\n\n", s->title);
	else
		rc |= buf_putc(b, '\n');
	if (rows == 0) {
		rc |= view_md_text(b, s->empty, strlen(s->empty), 0, 1);
		return rc | buf_putc(b, '\n');
	}
	switch (s->kind) {
	case VSEC_LINES:
		for (i = 0; i < s->ncells; i++) {
			rc |= buf_printf(b, "- ");
			rc |= md_cell(b, v, &c[i], 1);
			rc |= buf_putc(b, '\n');
		}
		break;
	case VSEC_KV:
		rc |= buf_printf(b, "| field | value |\n| --- | --- |\n");
		for (i = 0; i + 1 < s->ncells; i += 2)
			rc |= row(b, v, &c[i], 2);
		break;
	case VSEC_TABLE:
		rc |= row(b, v, c, s->ncols);
		rc |= buf_printf(b, "|");
		for (i = 0; i < s->ncols; i++)
			rc |= buf_printf(b, " --- |");
		rc |= buf_putc(b, '\n');
		for (i = s->ncols; i + s->ncols <= s->ncells; i += s->ncols)
			rc |= row(b, v, &c[i], s->ncols);
		break;
	}
	return rc;
}

int
view_markdown(struct buf *b, const struct view *v)
{
	size_t i;
	int rc = 0;

	rc |= buf_printf(b, "# teec report: ");
	rc |= md_cell(b, v, &v->file, 0);
	rc |= buf_printf(b, "\n\n**");
	rc |= view_md_text(b, view_cell(v, &v->headline), v->headline.len, 0, 0);
	rc |= buf_printf(b, "**\n");
	for (i = 0; i < v->nsec && rc == 0; i++)
		rc |= section(b, v, &v->sec[i]);
	return rc ? -1 : 0;
}

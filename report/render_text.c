/* SPDX-License-Identifier: ISC */
/*
 * The text page of `teec-report show`: teec-verify's verdict and checks,
 * then one block per section. Every cell passes through esc_term(), so
 * control bytes show as \xNN and cannot drive the terminal.
 */
#include <string.h>

#include "common/escape.h"
#include "report/view.h"
#include "verify/render.h"

#define PAD_MAX 64      /* columns wider than this are not padded to */

static size_t
esc_len(const struct view *v, const struct vcell *c)
{
	const unsigned char *p = (const unsigned char *)view_cell(v, c);
	size_t i, n = 0;

	for (i = 0; i < c->len; i++)
		n += p[i] == '\\' ? 2 : (p[i] >= 0x20 && p[i] < 0x7f) ? 1 : 4;
	return n;
}

static int
put(struct buf *b, const struct view *v, const struct vcell *c, size_t pad)
{
	size_t n = esc_len(v, c);
	int rc = esc_term(b, view_cell(v, c), c->len);

	while (rc == 0 && n++ < pad)
		rc = buf_putc(b, ' ');
	return rc;
}

static int
section(struct buf *b, const struct view *v, const struct vsec *s)
{
	size_t w[VIEW_MAX_COLS], i, k, n, rows;
	const struct vcell *c = v->cells + s->first;
	int rc = 0;

	rows = s->ncols ? s->ncells / s->ncols : 0;
	if (s->kind == VSEC_TABLE && rows > 0)
		rows--;                 /* the header */
	if (rows == 0 && s->empty == NULL)
		return 0;
	if (strcmp(s->id, "verdict") != 0)
		rc |= buf_printf(b, "\n%s\n", s->title);
	if (rows == 0)
		return rc | buf_printf(b, "  %s\n", s->empty);
	memset(w, 0, sizeof(w));
	for (i = 0; i < s->ncells; i++) {
		k = i % s->ncols;
		if ((n = esc_len(v, &c[i])) > w[k] && n <= PAD_MAX)
			w[k] = n;
	}
	for (i = 0; i < s->ncells && rc == 0; i++) {
		k = i % s->ncols;
		if (k == 0)
			rc |= buf_printf(b, "  ");
		if (k + 1 == s->ncols) {
			rc |= put(b, v, &c[i], 0);
			/* no trailing blanks before an empty last column */
			while (c[i].len == 0 && b->len > 0 &&
			    b->data[b->len - 1] == ' ')
				b->data[--b->len] = '\0';
			rc |= buf_putc(b, '\n');
		} else {
			rc |= put(b, v, &c[i], w[k]);
			rc |= buf_printf(b, "  ");
		}
	}
	return rc;
}

int
view_text(struct buf *b, const struct view *v)
{
	const struct show *s = v->s;
	const struct vsec *checks = NULL;
	size_t i;
	int rc = 0;

	/* "FILE: " and the verdict first, as teec-verify prints them */
	rc |= put(b, v, &v->file, 0);
	rc |= buf_printf(b, ": ");
	if (s->kind == SHOW_BUNDLE) {
		rc |= render_checks_text(b, &s->r);
	} else {
		rc |= put(b, v, &v->headline, 0);
		rc |= buf_putc(b, '\n');
		for (i = 0; i < v->nsec; i++)
			if (strcmp(v->sec[i].id, "checks") == 0)
				checks = &v->sec[i];
		/* the same layout as render_checks_text()'s lines */
		for (i = checks ? 3 : 0; checks && i + 2 < checks->ncells; i += 3) {
			const struct vcell *c = v->cells + checks->first + i;

			rc |= buf_printf(b, "  ");
			rc |= put(b, v, &c[0], 4);
			rc |= buf_printf(b, "  ");
			rc |= put(b, v, &c[1], 10);
			rc |= buf_putc(b, ' ');
			rc |= put(b, v, &c[2], 0);
			rc |= buf_putc(b, '\n');
		}
	}
	for (i = 0; i < v->nsec && rc == 0; i++)
		if (strcmp(v->sec[i].id, "checks") != 0)
			rc |= section(b, v, &v->sec[i]);
	return rc ? -1 : 0;
}

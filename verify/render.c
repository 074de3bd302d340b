/* SPDX-License-Identifier: ISC */
#include <string.h>

#include "common/escape.h"
#include "common/json.h"
#include "common/timefmt.h"
#include "verify/render.h"

#define HEX_WRAP 48     /* bytes of a long field per text line */
#define HEX_SHOWN 96    /* bytes of a long field shown as text */

int
json_str_any(struct buf *b, const void *p, size_t n)
{
	struct buf t;
	int rc;

	if (json_buf_string(b, p, n) == 0)
		return 0;
	buf_init(&t, b->cap);
	rc = esc_term(&t, p, n) == 0 ? json_buf_string(b, t.data ? (char *)t.data : "", t.len) : -1;
	buf_free(&t);
	return rc;
}

int
render_checks_text(struct buf *b, const struct vresult *r)
{
	static const char *const st[] = { "skip", "ok", "FAIL" };
	const struct vcheck *fc = NULL;
	size_t i;
	int rc = 0;

	for (i = 0; i < r->nchecks; i++)
		if (r->checks[i].state == V_FAILED && fc == NULL)
			fc = &r->checks[i];
	if (r->status == 0)
		rc |= buf_printf(b, "VERIFIED\n");
	else
		rc |= buf_printf(b, "NOT VERIFIED (%s): %s\n", reason_name(r->reason),
		    fc ? fc->detail : "");
	for (i = 0; i < r->nchecks; i++) {
		const struct vcheck *c = &r->checks[i];
		rc |= buf_printf(b, "  %-4s  %-10s %s\n", st[c->state], c->name,
		    c->state == V_SKIPPED ? "not checked: an earlier check failed" :
		    c->detail);
	}
	return rc;
}

static int
opt_text(struct buf *b, const char *name, const struct nitro_opt *o)
{
	size_t i;
	int rc = 0;

	if (!o->present)
		return buf_printf(b, "  %-11s null\n", name);
	rc |= buf_printf(b, "  %-11s %zu bytes\n", name, o->n);
	for (i = 0; i < o->n && i < HEX_SHOWN; i += HEX_WRAP) {
		rc |= buf_printf(b, "  %-11s ", "");
		rc |= buf_hex(b, o->p + i, o->n - i < HEX_WRAP ? o->n - i : HEX_WRAP);
		rc |= buf_putc(b, '\n');
	}
	if (o->n > HEX_SHOWN)
		rc |= buf_printf(b, "  %-11s ... %zu more bytes (--format json shows all)\n",
		    "", o->n - HEX_SHOWN);
	return rc;
}

int
render_doc_text(struct buf *b, const struct attest_out *a)
{
	const struct nitro_doc *d = &a->doc;
	char t[48], t2[48];
	size_t i;
	int rc = 0;

	if (!a->parsed)
		return 0;
	rc |= buf_printf(b, "document\n  %-11s ", "module_id");
	rc |= esc_term(b, d->module_id, d->module_id_len);
	time_fmt_ms(d->timestamp_ms, t, sizeof(t));
	rc |= buf_printf(b, "\n  %-11s %s (%llu ms)\n", "timestamp", t,
	    (unsigned long long)d->timestamp_ms);
	rc |= buf_printf(b, "  %-11s SHA384\n", "digest");
	for (i = 0; i < TEEC_MAX_PCRS; i++) {
		if (d->pcr_len[i] == 0)
			continue;
		rc |= buf_printf(b, "  pcr%-8zu ", i);
		rc |= buf_hex(b, d->pcr[i], d->pcr_len[i]);
		rc |= buf_putc(b, '\n');
	}
	rc |= opt_text(b, "public_key", &d->public_key);
	rc |= opt_text(b, "user_data", &d->user_data);
	rc |= opt_text(b, "nonce", &d->nonce);
	if (a->chain.n > 0)
		rc |= buf_printf(b, "certificates (leaf first)\n");
	for (i = 0; i < a->chain.n; i++) {
		const struct chain_cert *c = &a->chain.certs[i];
		time_fmt(c->not_before, t, sizeof(t));
		time_fmt(c->not_after, t2, sizeof(t2));
		rc |= buf_printf(b, "  %s .. %s  ", t, t2);
		rc |= esc_term(b, c->subject, strlen(c->subject));
		rc |= buf_putc(b, '\n');
	}
	return rc;
}

int
render_checks_json(struct buf *b, const struct vresult *r)
{
	size_t i;
	int rc = 0;

	rc |= buf_printf(b, "\"verified\":%s,\"reason\":", r->status == 0 ?
	    "true" : "false");
	if (r->status == 0)
		rc |= buf_printf(b, "null");
	else
		rc |= buf_printf(b, "\"%s\"", reason_name(r->reason));
	rc |= buf_printf(b, ",\"checks\":[");
	for (i = 0; i < r->nchecks; i++) {
		const struct vcheck *c = &r->checks[i];
		rc |= buf_printf(b, "%s{\"name\":\"%s\",\"ok\":%s,\"state\":\"%s\",\"detail\":",
		    i ? "," : "", c->name, c->state == V_OK ? "true" : "false",
		    c->state == V_OK ? "ok" : c->state == V_FAILED ? "failed" : "skipped");
		rc |= json_str_any(b, c->detail, strlen(c->detail));
		rc |= buf_putc(b, '}');
	}
	rc |= buf_putc(b, ']');
	return rc;
}

static int
opt_json(struct buf *b, const char *name, const struct nitro_opt *o)
{
	int rc = buf_printf(b, ",\"%s\":", name);

	if (!o->present)
		return rc | buf_printf(b, "null");
	rc |= buf_putc(b, '"');
	rc |= buf_hex(b, o->p, o->n);
	return rc | buf_putc(b, '"');
}

int
render_doc_json(struct buf *b, const struct attest_out *a)
{
	const struct nitro_doc *d = &a->doc;
	char t[48];
	size_t i;
	int rc = 0, first = 1;

	if (!a->parsed)
		return buf_printf(b, "null");
	rc |= buf_printf(b, "{\"module_id\":");
	rc |= json_str_any(b, d->module_id, d->module_id_len);
	time_fmt_ms(d->timestamp_ms, t, sizeof(t));
	rc |= buf_printf(b, ",\"timestamp\":%llu,\"time\":\"%s\",\"digest\":\"SHA384\",\"debug\":%s,\"pcrs\":{",
	    (unsigned long long)d->timestamp_ms, t, a->debug ? "true" : "false");
	for (i = 0; i < TEEC_MAX_PCRS; i++) {
		if (d->pcr_len[i] == 0)
			continue;
		rc |= buf_printf(b, "%s\"%zu\":\"", first ? "" : ",", i);
		rc |= buf_hex(b, d->pcr[i], d->pcr_len[i]);
		rc |= buf_putc(b, '"');
		first = 0;
	}
	rc |= buf_putc(b, '}');
	rc |= opt_json(b, "user_data", &d->user_data);
	rc |= opt_json(b, "nonce", &d->nonce);
	rc |= opt_json(b, "public_key", &d->public_key);
	rc |= buf_printf(b, ",\"certificates\":[");
	for (i = 0; i < a->chain.n; i++) {
		const struct chain_cert *c = &a->chain.certs[i];
		rc |= buf_printf(b, "%s{\"subject\":", i ? "," : "");
		rc |= json_str_any(b, c->subject, strlen(c->subject));
		time_fmt(c->not_before, t, sizeof(t));
		rc |= buf_printf(b, ",\"not_before\":\"%s\"", t);
		time_fmt(c->not_after, t, sizeof(t));
		rc |= buf_printf(b, ",\"not_after\":\"%s\"}", t);
	}
	rc |= buf_printf(b, "]}");
	return rc;
}

/* SPDX-License-Identifier: ISC */
/*
 * `teec-report show --format json`: teec-verify's verdict and checks
 * (render_checks_json), the report as teec parsed it, the matched image
 * and the attestation document (render_doc_json). Every string from the
 * evidence goes through json_str_any().
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "common/escape.h"
#include "common/timefmt.h"
#include "report/show.h"
#include "verify/render.h"

static int
str(struct buf *b, const char *s)
{
	if (s == NULL)
		return buf_printf(b, "null");
	return json_str_any(b, s, strlen(s));
}

/* "key":"hex" */
static int
hexm(struct buf *b, const char *key, const uint8_t *p, size_t n)
{
	int rc = buf_printf(b, "\"%s\":\"", key);

	rc |= buf_hex(b, p, n);
	return rc | buf_putc(b, '"');
}

/* {"sha256":"hex"}, or null */
static int
digest_obj(struct buf *b, int has, const uint8_t *p)
{
	int rc;

	if (!has)
		return buf_printf(b, "null");
	rc = buf_putc(b, '{');
	rc |= hexm(b, "sha256", p, 32);
	return rc | buf_putc(b, '}');
}

static int
subjects(struct buf *b, const struct report *r)
{
	size_t i;
	int rc = buf_printf(b, "\"subjects\":[");

	for (i = 0; i < r->nsubjects; i++) {
		const struct report_subject *s = &r->subjects[i];

		rc |= buf_printf(b, "%s{\"name\":", i ? "," : "");
		rc |= str(b, s->name);
		rc |= buf_putc(b, ',');
		rc |= hexm(b, "sha256", s->sha256, 32);
		if (s->has_sha384) {
			rc |= buf_putc(b, ',');
			rc |= hexm(b, "sha384", s->sha384, 48);
		} else
			rc |= buf_printf(b, ",\"sha384\":null");
		rc |= buf_putc(b, '}');
	}
	return rc | buf_putc(b, ']');
}

static int
deps(struct buf *b, const struct report *r)
{
	size_t i;
	int rc = buf_printf(b, "\"dependencies\":[");

	for (i = 0; i < r->ndeps; i++) {
		const struct report_dep *d = &r->deps[i];

		rc |= buf_printf(b, "%s{\"name\":", i ? "," : "");
		rc |= str(b, d->name);
		rc |= buf_printf(b, ",\"uri\":");
		rc |= str(b, d->uri);
		rc |= buf_printf(b, ",\"method\":");
		rc |= str(b, d->method);
		if (d->has_sha256) {
			rc |= buf_putc(b, ',');
			rc |= hexm(b, "sha256", d->sha256, 32);
		} else
			rc |= buf_printf(b, ",\"sha256\":null");
		if (d->status >= 0)
			rc |= buf_printf(b, ",\"status\":%lld", (long long)d->status);
		else
			rc |= buf_printf(b, ",\"status\":null");
		if (d->size >= 0)
			rc |= buf_printf(b, ",\"size\":%lld", (long long)d->size);
		else
			rc |= buf_printf(b, ",\"size\":null");
		rc |= buf_printf(b, ",\"refused\":%s,\"reason\":",
		    d->refused ? "true" : "false");
		rc |= str(b, d->refused ? d->reason : NULL);
		rc |= buf_putc(b, '}');
	}
	return rc | buf_putc(b, ']');
}

static int
report_json(struct buf *b, const struct show *s, const struct report *r)
{
	size_t i;
	int rc = 0;

	if (r == NULL)
		return buf_printf(b, "null");
	rc |= buf_printf(b, "{\"type\":\"%s\",\"predicateType\":\"%s\","
	    "\"buildType\":\"%s\",", REPORT_STATEMENT_TYPE, REPORT_PREDICATE_TYPE,
	    REPORT_BUILD_TYPE);
	rc |= subjects(b, r);
	rc |= buf_printf(b, ",\"language\":");
	rc |= str(b, r->language);
	rc |= buf_printf(b, ",\"command\":");
	rc |= str(b, r->command);
	/* externalParameters.build as report_parse() re-serialised it:
	 * strict JSON that teec wrote itself */
	rc |= buf_printf(b, ",\"build\":%s,", r->build_json);
	rc |= hexm(b, "buildDigest", r->build_json_sha256, 32);
	rc |= buf_printf(b, ",\"source\":{");
	rc |= hexm(b, "sha256", r->source_sha256, 32);
	rc |= buf_printf(b, ",\"gitCommit\":");
	rc |= str(b, r->source_commit);
	rc |= buf_printf(b, ",\"uri\":");
	rc |= str(b, r->source_uri);
	rc |= buf_printf(b, "},\"imagePcrs\":");
	if (r->has_pcrs) {
		rc |= buf_putc(b, '{');
		for (i = 0; i < 3; i++) {
			char k[4] = { '0' + (char)i, '\0' };

			rc |= buf_printf(b, "%s", i ? "," : "");
			rc |= hexm(b, k, r->pcrs[i], 48);
		}
		rc |= buf_putc(b, '}');
	} else
		rc |= buf_printf(b, "null");
	rc |= buf_printf(b, ",\"upstreamCa\":");
	if (r->has_upstream_ca) {
		rc |= buf_putc(b, '{');
		rc |= hexm(b, "sha256", r->upstream_ca_sha256, 32);
		rc |= buf_printf(b, ",\"meaning\":\"%s\"}", UPSTREAM_CA_MEANING);
	} else
		rc |= buf_printf(b, "null");
	rc |= buf_putc(b, ',');
	rc |= deps(b, r);
	rc |= buf_printf(b, ",\"environment\":{");
	for (i = 0; i < r->nenv; i++) {
		rc |= buf_printf(b, "%s", i ? "," : "");
		rc |= str(b, r->env[i].name);
		rc |= buf_putc(b, ':');
		rc |= str(b, r->env[i].value);
	}
	rc |= buf_printf(b, "},\"sourceDateEpoch\":%lld,\"timeout\":%lld,\"umask\":",
	    (long long)r->source_date_epoch, (long long)r->timeout);
	rc |= str(b, r->umask);
	rc |= buf_printf(b, ",\"isolation\":");
	rc |= str(b, r->isolation);
	rc |= buf_printf(b, ",\"builder\":{\"id\":");
	rc |= str(b, r->builder_id);
	rc |= buf_printf(b, ",\"version\":");
	rc |= str(b, r->builder_version);
	rc |= buf_printf(b, "},\"invocationId\":");
	rc |= str(b, r->invocation_id);
	rc |= buf_printf(b, ",\"startedOn\":");
	rc |= str(b, r->started_on);
	rc |= buf_printf(b, ",\"finishedOn\":");
	rc |= str(b, r->finished_on);
	rc |= buf_printf(b, ",\"clock\":\"enclave clock, not attested time\","
	    "\"buildLog\":");
	rc |= digest_obj(b, r->has_log, r->log_sha256);
	rc |= buf_printf(b, ",\"networkLog\":");
	rc |= digest_obj(b, r->has_net, r->net_sha256);
	if (s->have_report_bytes) {
		rc |= buf_putc(b, ',');
		rc |= hexm(b, "sha256", s->report_sha256, 32);
	}
	return rc | buf_putc(b, '}');
}

static int
artifacts(struct buf *b, const struct show *s, const struct report *r)
{
	size_t i;
	int rc = buf_printf(b, ",\"artifacts\":");

	if (s->kind != SHOW_BUNDLE || r == NULL || s->b.subj == NULL)
		return rc | buf_printf(b, "null");
	rc |= buf_putc(b, '[');
	for (i = 0; i < r->nsubjects; i++) {
		rc |= buf_printf(b, "%s{\"name\":", i ? "," : "");
		rc |= str(b, r->subjects[i].name);
		rc |= buf_printf(b, ",\"in_bundle\":%s,\"matches\":%s}",
		    s->b.subj[i].in_bundle ? "true" : "false",
		    s->b.verified && s->b.subj[i].in_bundle && s->b.subj[i].ok ?
		    "true" : "false");
	}
	return rc | buf_putc(b, ']');
}

/* One byproduct member of a bundle, when the report or the bundle has it. */
static int
byproduct(struct buf *b, const struct show *s, int *first, const char *name,
    int in_report, const uint8_t *rd, int in_bundle, const uint8_t *bd,
    uint64_t size, long long lines)
{
	int rc = 0;

	if (!in_report && !in_bundle)
		return 0;
	rc |= buf_printf(b, "%s{\"name\":\"%s\",\"size\":", *first ? "" : ",",
	    name);
	rc |= in_bundle ? buf_printf(b, "%llu,", (unsigned long long)size) :
	    buf_printf(b, "null,");
	*first = 0;
	if (in_report)
		rc |= hexm(b, "sha256", rd, 32);
	else
		rc |= buf_printf(b, "\"sha256\":null");
	rc |= buf_printf(b, ",\"in_bundle\":%s,\"matches\":%s",
	    in_bundle ? "true" : "false", s->b.verified && in_report &&
	    in_bundle && memcmp(rd, bd, 32) == 0 ? "true" : "false");
	if (lines >= 0 && in_bundle)
		rc |= buf_printf(b, ",\"lines\":%lld", lines);
	return rc | buf_putc(b, '}');
}

/* The byproducts of a bundle (null otherwise); "size" is the member's. */
static int
byproducts(struct buf *b, const struct show *s, const struct report *r)
{
	const struct bundle_out *o = &s->b;
	int rc = buf_printf(b, ",\"byproducts\":"), first = 1;

	if (s->kind != SHOW_BUNDLE || r == NULL)
		return rc | buf_printf(b, "null");
	rc |= buf_putc(b, '[');
	rc |= byproduct(b, s, &first, REPORT_LOG_NAME, r->has_log, r->log_sha256,
	    o->has_log, o->log_sha256, o->log_size, -1);
	rc |= byproduct(b, s, &first, REPORT_NET_NAME, r->has_net, r->net_sha256,
	    o->has_network, o->network_sha256, o->network_size,
	    (long long)o->network_lines);
	return rc | buf_putc(b, ']');
}

static int
image(struct buf *b, const struct show *s)
{
	const struct image *im = s->b.image;
	char t[48];
	unsigned i;
	int rc = buf_printf(b, ",\"image\":"), first = 1;

	/* only an image the image check accepted, as teec-verify does */
	if (s->kind != SHOW_BUNDLE || !s->b.att.parsed || !s->b.image_ok)
		return rc | buf_printf(b, "null");
	if (im == NULL)
		return rc | buf_printf(b, "{\"name\":\"%s\"}", s->b.dev_image ?
		    "local development build" : "debug-mode enclave");
	rc |= buf_printf(b, "{\"name\":");
	rc |= str(b, im->name);
	rc |= buf_printf(b, ",\"language\":");
	rc |= str(b, im->language);
	rc |= buf_printf(b, ",\"toolchain\":");
	rc |= str(b, im->toolchain);
	rc |= buf_printf(b, ",\"recipe\":");
	rc |= str(b, im->recipe);
	rc |= buf_printf(b, ",\"source\":");
	rc |= str(b, im->source);
	rc |= buf_printf(b, ",\"note\":");
	rc |= str(b, im->note);
	time_fmt(im->valid_from, t, sizeof(t));
	rc |= buf_printf(b, ",\"valid_from\":\"%s\",\"valid_until\":", t);
	if (im->valid_until == INT64_MAX)
		rc |= buf_printf(b, "null");
	else {
		time_fmt(im->valid_until, t, sizeof(t));
		rc |= buf_printf(b, "\"%s\"", t);
	}
	rc |= buf_printf(b, ",\"pcrs\":{");
	for (i = 0; i < TEEC_MAX_PCRS; i++) {
		char k[8];

		if (!(im->pcr_mask & (1u << i)))
			continue;
		snprintf(k, sizeof(k), "%u", i);
		rc |= buf_printf(b, "%s", first ? "" : ",");
		rc |= hexm(b, k, im->pcr[i], IMAGE_PCR_BYTES);
		first = 0;
	}
	return rc | buf_printf(b, "}}");
}

/* A bare report.json: it parses, but nothing attests it. */
static int
bare_checks(struct buf *b, const struct show *s)
{
	const struct vcheck *c = &s->r.checks[0];
	int rc = buf_printf(b, "\"verified\":false,\"reason\":\"UNVERIFIED\","
	    "\"checks\":[{\"name\":\"report\",\"ok\":true,\"state\":\"ok\","
	    "\"detail\":");

	rc |= json_str_any(b, c->detail, strlen(c->detail));
	return rc | buf_printf(b, "},{\"name\":\"attestation\",\"ok\":false,"
	    "\"state\":\"failed\",\"detail\":\"none: a bare report.json carries "
	    "no attestation\"}]");
}

int
show_render_json(struct buf *b, const struct show *s)
{
	const struct report *r = show_report(s);
	char t[48];
	int rc = 0;

	rc |= buf_printf(b, "{\"file\":");
	rc |= json_str_any(b, s->path, strlen(s->path));
	rc |= buf_printf(b, ",\"kind\":\"%s\",", s->kind == SHOW_BUNDLE ?
	    "bundle" : "report");
	if (s->kind == SHOW_REPORT && s->bare_ok && s->r.nchecks > 0)
		rc |= bare_checks(b, s);
	else
		rc |= render_checks_json(b, &s->r);
	if (s->kind == SHOW_BUNDLE && s->b.att.parsed) {
		time_fmt(s->b.att.at, t, sizeof(t));
		rc |= buf_printf(b, ",\"verification_time\":\"%s\",\"time_source\":"
		    "\"%s\"", t, s->time_source);
	} else
		rc |= buf_printf(b, ",\"verification_time\":null,\"time_source\":null");
	rc |= buf_printf(b, ",\"report\":");
	rc |= report_json(b, s, r);
	rc |= artifacts(b, s, r);
	rc |= byproducts(b, s, r);
	rc |= image(b, s);
	rc |= buf_printf(b, ",\"document\":");
	if (s->kind == SHOW_BUNDLE)
		rc |= render_doc_json(b, &s->b.att);
	else
		rc |= buf_printf(b, "null");
	rc |= buf_printf(b, "}\n");
	return rc ? -1 : 0;
}

/* SPDX-License-Identifier: ISC */
/*
 * The page `teec-report show` renders (teec-report(1)), as sections of
 * cells. Values are copied as they are; the emitters escape them.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buildcfg.h"
#include "common/caps.h"
#include "common/encode.h"
#include "common/escape.h"
#include "common/timefmt.h"
#include "report/view.h"
#include "verify/render.h"

/* More cells than the capped inputs can need: a guard, not a limit. */
#define VIEW_MAX_CELLS (8u * (TEEC_MAX_DEPENDENCIES + TEEC_MAX_SUBJECTS + \
	TEEC_MAX_REPORT_ENV + TEEC_MAX_ENV_VARS + TEEC_MAX_OUTPUT_PATTERNS + 256u))

static const char *const state_name[] = { "skip", "ok", "FAIL" };

void
view_free(struct view *v)
{
	if (v == NULL)
		return;
	buf_free(&v->text);
	free(v->cells);
	memset(v, 0, sizeof(*v));
}

const char *
view_cell(const struct view *v, const struct vcell *c)
{
	return c->len == 0 || v->text.data == NULL ? "" :
	    (const char *)v->text.data + c->off;
}

/* Append bytes to the text and describe them as a cell. */
static struct vcell
mk(struct view *v, const void *p, size_t n, unsigned flags)
{
	struct vcell c = { v->text.len, n, flags };

	if (n > 0 && buf_append(&v->text, p, n) == -1) {
		v->failed = 1;
		c.len = 0;
	}
	return c;
}

static void
push(struct view *v, struct vcell c)
{
	struct vcell *nc;
	size_t cap;

	if (v->failed)
		return;
	if (v->ncells == v->capcells) {
		cap = v->capcells ? v->capcells * 2 : 256;
		if (cap > VIEW_MAX_CELLS ||
		    (nc = reallocarray(v->cells, cap, sizeof(*nc))) == NULL) {
			v->failed = 1;
			return;
		}
		v->cells = nc;
		v->capcells = cap;
	}
	v->cells[v->ncells++] = c;
}

static void
cell(struct view *v, const char *s, unsigned flags)
{
	push(v, mk(v, s, s ? strlen(s) : 0, flags));
}

static void __attribute__((format(printf, 3, 4)))
cellf(struct view *v, unsigned flags, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	push(v, mk(v, line, (size_t)n < sizeof(line) ? (size_t)n :
	    sizeof(line) - 1, flags));
}

static void
cellhex(struct view *v, const uint8_t *p, size_t n)
{
	struct vcell c = { v->text.len, 2 * n, VCELL_CODE };

	if (buf_hex(&v->text, p, n) == -1) {
		v->failed = 1;
		return;
	}
	push(v, c);
}

static void
begin(struct view *v, const char *id, const char *title, enum vsec_kind kind,
    size_t ncols, const char *empty)
{
	struct vsec *s;

	if (v->nsec == VIEW_MAX_SECTIONS) {
		v->failed = 1;
		return;
	}
	s = &v->sec[v->nsec++];
	s->id = id;
	s->title = title;
	s->kind = kind;
	s->ncols = kind == VSEC_KV ? 2 : kind == VSEC_LINES ? 1 : ncols;
	s->first = v->ncells;
	s->ncells = 0;
	s->empty = empty;
}

static void
end(struct view *v)
{
	if (v->nsec > 0)
		v->sec[v->nsec - 1].ncells = v->ncells - v->sec[v->nsec - 1].first;
}

/* A key-value row with a string value. */
static void
kv(struct view *v, const char *key, const char *val, unsigned flags)
{
	cell(v, key, 0);
	cell(v, val, flags);
}

static void
kvhex(struct view *v, const char *key, const uint8_t *p, size_t n)
{
	cell(v, key, 0);
	cellhex(v, p, n);
}

static void
timecell(struct view *v, int64_t secs)
{
	char t[48];

	time_fmt(secs, t, sizeof(t));
	cell(v, t, 0);
}

/* --- verdict and checks --- */

static void
sec_verdict(struct view *v, const struct show *s)
{
	const struct bundle_out *b = &s->b;
	char t[48];

	begin(v, "verdict", "Verdict", VSEC_LINES, 1, NULL);
	if (s->kind == SHOW_BUNDLE && s->trusted && b->att.parsed) {
		time_fmt(b->att.at, t, sizeof(t));
		cellf(v, 0, "verification time %s (%s)", t,
		    strcmp(s->time_source, "document") == 0 ?
		    "the document's own time" :
		    strcmp(s->time_source, "now") == 0 ? "now" : "--at");
	}
	if (s->kind == SHOW_REPORT)
		cell(v, "A bare report.json is not evidence: nothing binds it to an "
		    "enclave. Verify the bundle it came from with teec-verify.", 0);
	else if (!v->ok)
		cell(v, "Not verified: everything below is what the bundle says, "
		    "not what could be checked.", VCELL_BAD);
	end(v);
}

static void
sec_checks(struct view *v, const struct show *s)
{
	size_t i;

	begin(v, "checks", "Checks", VSEC_TABLE, 3, NULL);
	cell(v, "result", 0);
	cell(v, "check", 0);
	cell(v, "detail", 0);
	for (i = 0; i < s->r.nchecks; i++) {
		const struct vcheck *c = &s->r.checks[i];

		cell(v, state_name[c->state], c->state == V_FAILED ? VCELL_BAD : 0);
		cell(v, c->name, 0);
		cell(v, c->state == V_SKIPPED ?
		    "not checked: an earlier check failed" : c->detail, 0);
	}
	if (s->kind == SHOW_REPORT) {
		cell(v, "FAIL", VCELL_BAD);
		cell(v, "attestation", 0);
		cell(v, "none: a bare report.json carries no attestation", 0);
	}
	end(v);
}

/* --- the report's outputs --- */

/* Whether the bundle's copy matched: stated only once the bundle verified. */
static const char *
subject_state(const struct show *s, size_t i, unsigned *flags)
{
	const struct bundle_subject *bs;

	*flags = 0;
	if (s->kind != SHOW_BUNDLE || s->b.subj == NULL)
		return "not checked";
	bs = &s->b.subj[i];
	if (bs->in_bundle && !bs->ok) {
		*flags = VCELL_BAD;
		return "DIFFERS from its artifact";
	}
	if (!s->b.verified)
		return "unverified";
	if (bs->in_bundle)
		return "matches its artifact";
	return "detached: not in the bundle";
}

static void
sec_subjects(struct view *v, const struct show *s, const struct report *r)
{
	const char *st;
	unsigned fl;
	size_t i;

	begin(v, "subjects", "Subjects (the build's outputs)", VSEC_TABLE, 4,
	    "none");
	cell(v, "name", 0);
	cell(v, "artifact", 0);
	cell(v, "sha256", 0);
	cell(v, "sha384", 0);
	for (i = 0; i < r->nsubjects; i++) {
		const struct report_subject *sj = &r->subjects[i];

		st = subject_state(s, i, &fl);
		cell(v, sj->name, 0);
		cell(v, st, fl);
		cellhex(v, sj->sha256, 32);
		if (sj->has_sha384)
			cellhex(v, sj->sha384, 48);
		else
			cell(v, "none", 0);
	}
	end(v);
}

/* --- the enclave image and the attestation --- */

static enum vstate
check_state(const struct show *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->r.nchecks; i++)
		if (strcmp(s->r.checks[i].name, name) == 0)
			return s->r.checks[i].state;
	return V_SKIPPED;
}

static void
image_manifest(struct view *v, const struct image *im)
{
	char key[32];
	unsigned i;

	kv(v, "trusted image", im->name, 0);
	if (im->language)
		kv(v, "language", im->language, 0);
	if (im->toolchain)
		kv(v, "toolchain", im->toolchain, 0);
	if (im->recipe)
		kv(v, "recipe", im->recipe, 0);
	if (im->source)
		kv(v, "source", im->source, 0);
	if (im->note)
		kv(v, "note", im->note, 0);
	cell(v, "valid from", 0);
	timecell(v, im->valid_from);
	cell(v, "valid until", 0);
	if (im->valid_until == INT64_MAX)
		cell(v, "open (not end-dated)", 0);
	else
		timecell(v, im->valid_until);
	for (i = 0; i < TEEC_MAX_PCRS; i++) {
		if (!(im->pcr_mask & (1u << i)))
			continue;
		snprintf(key, sizeof(key), "manifest PCR%u", i);
		kvhex(v, key, im->pcr[i], IMAGE_PCR_BYTES);
	}
}

static void
sec_image(struct view *v, const struct show *s, const struct report *r)
{
	const struct bundle_out *b = &s->b;
	const struct nitro_doc *d = &b->att.doc;
	char key[32];
	int same = 1;
	unsigned i;

	begin(v, "image", "Enclave image", VSEC_KV, 2, NULL);
	if (s->kind == SHOW_REPORT)
		kv(v, "image", "unknown: a bare report.json carries no attestation", 0);
	else if (!b->att.parsed)
		kv(v, "image", "unknown: the attestation document could not be read",
		    VCELL_BAD);
	else if (!s->trusted)
		kv(v, "image", "not looked up: no trust decision here", 0);
	else if (b->image != NULL && b->image_ok)
		image_manifest(v, b->image);
	else if (b->dev_image)
		kv(v, "image", "a local development build (zero PCRs), accepted "
		    "by --dev", 0);
	else if (b->att.debug && b->image_ok)
		kv(v, "image", "a debug-mode enclave (zero PCRs), accepted by "
		    "--allow-debug: the image is unknown", 0);
	else if (b->att.debug)
		kv(v, "image", "a debug-mode enclave (zero PCRs): not accepted",
		    VCELL_BAD);
	else if (check_state(s, "image") == V_FAILED)
		kv(v, "image", "no trusted image matches the attested PCRs",
		    VCELL_BAD);
	else
		kv(v, "image", "not looked up: an earlier check failed", 0);
	if (r == NULL || !r->has_pcrs)
		goto out;
	for (i = 0; i < 3; i++) {
		snprintf(key, sizeof(key), "report PCR%u", i);
		kvhex(v, key, r->pcrs[i], 48);
		if (b->att.parsed && (d->pcr_len[i] != 48 ||
		    memcmp(d->pcr[i], r->pcrs[i], 48) != 0))
			same = 0;
	}
	if (s->kind == SHOW_BUNDLE && b->att.parsed)
		kv(v, "report PCRs", same ? "equal to the attested PCR0-2" :
		    "DIFFER from the attested PCR0-2 (the attested ones count)",
		    same ? 0 : VCELL_BAD);
out:
	end(v);
}

static int
all_zero(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != 0)
			return 0;
	return 1;
}

static void
optfield(struct view *v, const char *key, const struct nitro_opt *o)
{
	cell(v, key, 0);
	if (!o->present)
		cell(v, "null", 0);
	else if (o->n == 0)
		cell(v, "empty", 0);
	else
		cellhex(v, o->p, o->n);
}

static void
sec_attestation(struct view *v, const struct show *s)
{
	const struct attest_out *a = &s->b.att;
	const struct nitro_doc *d = &a->doc;
	char t[48], key[32];
	size_t i;

	begin(v, "attestation", "Attestation document", VSEC_KV, 2, NULL);
	if (!a->parsed) {
		kv(v, "document", "could not be parsed (see the checks)", VCELL_BAD);
		end(v);
		return;
	}
	cell(v, "module", 0);
	push(v, mk(v, d->module_id, d->module_id_len, 0));
	time_fmt_ms(d->timestamp_ms, t, sizeof(t));
	cell(v, "time", 0);
	cellf(v, 0, "%s (the NSM's clock: the trusted time)", t);
	kv(v, "digest", "SHA384", 0);
	for (i = 0; i < TEEC_MAX_PCRS; i++) {
		if (d->pcr_len[i] == 0 || (i > 2 && all_zero(d->pcr[i],
		    d->pcr_len[i])))
			continue;
		snprintf(key, sizeof(key), "PCR%zu", i);
		kvhex(v, key, d->pcr[i], d->pcr_len[i]);
	}
	optfield(v, "user_data", &d->user_data);
	optfield(v, "nonce", &d->nonce);
	optfield(v, "public_key", &d->public_key);
	end(v);

	begin(v, "chain", "Certificate chain (leaf first)", VSEC_TABLE, 4,
	    "none could be read");
	cell(v, "subject", 0);
	cell(v, "not before", 0);
	cell(v, "not after", 0);
	time_fmt(a->at, t, sizeof(t));
	cellf(v, 0, "at %s", t);
	for (i = 0; i < a->chain.n; i++) {
		const struct chain_cert *c = &a->chain.certs[i];
		int ok = a->at >= c->not_before && a->at <= c->not_after;

		cell(v, c->subject, 0);
		timecell(v, c->not_before);
		timecell(v, c->not_after);
		cell(v, ok ? "valid" : "NOT valid", ok ? 0 : VCELL_BAD);
	}
	end(v);
}

/* --- the report's inputs --- */

static void
sec_statement(struct view *v)
{
	begin(v, "statement", "Statement", VSEC_KV, 2, NULL);
	kv(v, "type", REPORT_STATEMENT_TYPE, 0);
	kv(v, "predicate type", REPORT_PREDICATE_TYPE, 0);
	kv(v, "build type", REPORT_BUILD_TYPE, 0);
	end(v);
}

static void
sec_source(struct view *v, const struct report *r)
{
	begin(v, "source", "Source", VSEC_KV, 2, NULL);
	kvhex(v, "digest (sha256)", r->source_sha256, 32);
	if (r->source_commit)
		kv(v, "git commit", r->source_commit, VCELL_CODE);
	else
		kv(v, "git commit", "none: not a git checkout", 0);
	if (r->source_uri)
		kv(v, "uri", r->source_uri, 0);
	end(v);
}

static void
sec_build(struct view *v, const struct report *r)
{
	struct buildcfg cfg;
	struct teec_err err = { "" };
	size_t i;
	int have;

	memset(&cfg, 0, sizeof(cfg));
	have = buildcfg_parse((const uint8_t *)r->build_json,
	    strlen(r->build_json), &cfg, &err) == TEEC_OK;

	begin(v, "build", "Build", VSEC_KV, 2, NULL);
	kv(v, "language", r->language, 0);
	kv(v, "command", r->command, VCELL_CODE);
	if (have) {
		cell(v, "timeout", 0);
		cellf(v, 0, "%u s (build.json)", cfg.timeout);
	}
	cell(v, "time limit", 0);
	cellf(v, 0, "%lld s (imposed by the worker)", (long long)r->timeout);
	kv(v, "isolation", r->isolation, 0);
	kv(v, "umask", r->umask, 0);
	cell(v, "SOURCE_DATE_EPOCH", 0);
	cellf(v, 0, "%lld", (long long)r->source_date_epoch);
	kv(v, "worker", r->builder_version, 0);
	kvhex(v, "build.json sha256", r->build_json_sha256, 32);
	end(v);

	begin(v, "outputs", "Outputs requested (build.json output.files)",
	    VSEC_LINES, 1, "none");
	for (i = 0; have && i < cfg.nfiles; i++)
		cell(v, cfg.files[i], VCELL_CODE);
	end(v);

	begin(v, "build-env", "Environment given by build.json (input.env)",
	    VSEC_TABLE, 2, "none");
	cell(v, "variable", 0);
	cell(v, "value", 0);
	for (i = 0; have && i < cfg.nenv; i++) {
		cell(v, cfg.env[i].name, 0);
		cell(v, cfg.env[i].value, VCELL_CODE);
	}
	end(v);

	begin(v, "environment", "Environment of the build command (set by the "
	    "worker)", VSEC_TABLE, 2, "none");
	cell(v, "variable", 0);
	cell(v, "value", 0);
	for (i = 0; i < r->nenv; i++) {
		cell(v, r->env[i].name, 0);
		cell(v, r->env[i].value, VCELL_CODE);
	}
	end(v);
	buildcfg_free(&cfg);
}

/*
 * externalParameters.upstreamCa (teec-report(5)): present when the
 * invoker named the CA bundle the worker checked HTTPS origins against
 * (teec-host build --upstream-ca).
 */
static void
sec_upstream_ca(struct view *v, const struct report *r)
{
	begin(v, "upstream-ca", "Upstream TLS trust (externalParameters."
	    "upstreamCa)", VSEC_KV, 2, NULL);
	if (r->has_upstream_ca) {
		kvhex(v, "CA bundle sha256", r->upstream_ca_sha256, 32);
		kv(v, "meaning", UPSTREAM_CA_MEANING, VCELL_BAD);
	} else
		kv(v, "CA bundle", "the image's own", 0);
	end(v);
}

/*
 * The network dependencies (teec-report(5) resolvedDependencies after the
 * source and the image). The name column only when one has a name.
 */
static void
sec_dependencies(struct view *v, const struct report *r)
{
	size_t i;
	int named = 0;

	for (i = 0; i < r->ndeps; i++)
		if (r->deps[i].name != NULL)
			named = 1;
	begin(v, "dependencies", "Network dependencies", VSEC_TABLE,
	    named ? 6 : 5, "none: the build made no network request");
	cell(v, "uri", 0);
	cell(v, "method", 0);
	cell(v, "status", 0);
	cell(v, "size", 0);
	cell(v, "sha256, or why it was refused", 0);
	if (named)
		cell(v, "name", 0);
	for (i = 0; i < r->ndeps; i++) {
		const struct report_dep *d = &r->deps[i];

		cell(v, d->uri, 0);
		cell(v, d->method ? d->method : "", 0);
		if (d->refused) {
			cell(v, "refused", VCELL_BAD);
			cell(v, "", 0);
			cell(v, d->reason ? d->reason : "", 0);
		} else {
			if (d->status >= 0)
				cellf(v, 0, "%lld", (long long)d->status);
			else
				cell(v, "", 0);
			if (d->size >= 0)
				cellf(v, 0, "%lld", (long long)d->size);
			else
				cell(v, "", 0);
			if (d->has_sha256)
				cellhex(v, d->sha256, 32);
			else
				cell(v, "", 0);
		}
		if (named)
			cell(v, d->name ? d->name : "", 0);
	}
	end(v);
}

static void
sec_run(struct view *v, const struct show *s, const struct report *r)
{
	begin(v, "run", "Run", VSEC_KV, 2, NULL);
	kv(v, "builder", r->builder_id, 0);
	kv(v, "builder version", r->builder_version, 0);
	kv(v, "invocation", r->invocation_id, VCELL_CODE);
	cell(v, "started", 0);
	cellf(v, 0, "%s (enclave clock, not attested time)", r->started_on);
	cell(v, "finished", 0);
	cellf(v, 0, "%s (enclave clock, not attested time)", r->finished_on);
	if (s->have_report_bytes)
		kvhex(v, "report.json sha256", s->report_sha256, 32);
	end(v);
}

/*
 * One byproduct (teec-report(5) runDetails.byproducts): what the report
 * records, and what became of the bundle's member. A digest that differs
 * is shown as such whatever the verdict: the artifacts check says why.
 */
static void
byproduct(struct view *v, const struct show *s, const char *name,
    int in_report, const uint8_t *rd, int in_bundle, const uint8_t *bd,
    uint64_t size, size_t lines)
{
	const struct bundle_out *b = &s->b;

	if (!in_report && !in_bundle)
		return;
	cell(v, name, 0);
	/* the report records only digests: a size is the bundle member's */
	if (s->kind == SHOW_BUNDLE && in_bundle)
		cellf(v, 0, "%llu", (unsigned long long)size);
	else
		cell(v, "not recorded", 0);
	if (in_report)
		cellhex(v, rd, 32);
	else
		cell(v, "none: not in the report", VCELL_BAD);
	if (s->kind != SHOW_BUNDLE)
		cell(v, "not checked", 0);
	else if (!in_bundle)
		cell(v, "not in the bundle", 0);
	else if (!in_report)
		cell(v, "in the bundle, but the report does not list it",
		    VCELL_BAD);
	else if (memcmp(rd, bd, 32) != 0)
		cell(v, "DIFFERS from the bundle's member", VCELL_BAD);
	else if (!b->verified)
		cell(v, "in the bundle, unverified", 0);
	else if (lines != (size_t)-1)
		cellf(v, 0, "matches the bundle's member, %zu line%s, each "
		    "matching its dependency", lines, lines == 1 ? "" : "s");
	else
		cell(v, "matches the bundle's member", 0);
}

static void
sec_byproducts(struct view *v, const struct show *s, const struct report *r)
{
	const struct bundle_out *b = &s->b;
	int bundle = s->kind == SHOW_BUNDLE;

	begin(v, "byproducts", "Byproducts (runDetails.byproducts)", VSEC_TABLE,
	    4, "none recorded");
	cell(v, "name", 0);
	cell(v, "size", 0);
	cell(v, "sha256", 0);
	cell(v, "bundle member", 0);
	byproduct(v, s, REPORT_LOG_NAME, r->has_log, r->log_sha256,
	    bundle && b->has_log, b->log_sha256, b->log_size, (size_t)-1);
	byproduct(v, s, REPORT_NET_NAME, r->has_net, r->net_sha256,
	    bundle && b->has_network, b->network_sha256, b->network_size,
	    b->network_lines);
	end(v);
}

int
view_build(struct view *v, const struct show *s, struct teec_err *err)
{
	const struct report *r = show_report(s);
	struct buf h;
	int rc = TEEC_ERROR;

	memset(v, 0, sizeof(*v));
	v->s = s;
	v->ok = show_status(s) == TEEC_OK;
	buf_init(&v->text, TEEC_MAX_RENDER_BYTES);
	buf_init(&h, 64 * 1024);
	if (show_headline(&h, s) == -1) {
		teec_errf(err, TEEC_ERROR, "out of memory");
		goto out;
	}
	v->headline = mk(v, h.data ? h.data : (const uint8_t *)"", h.len,
	    v->ok ? 0 : VCELL_BAD);
	if (strcmp(s->path, "-") == 0)
		v->file = mk(v, "standard input", 14, 0);
	else
		v->file = mk(v, s->path, strlen(s->path), 0);

	sec_verdict(v, s);
	sec_checks(v, s);
	if (r != NULL)
		sec_subjects(v, s, r);
	sec_image(v, s, r);
	if (s->kind == SHOW_BUNDLE)
		sec_attestation(v, s);
	if (r != NULL) {
		sec_statement(v);
		sec_source(v, r);
		sec_build(v, r);
		sec_upstream_ca(v, r);
		sec_dependencies(v, r);
		sec_byproducts(v, s, r);
		sec_run(v, s, r);
	} else {
		begin(v, "report", "Report", VSEC_LINES, 1, NULL);
		cell(v, "report.json could not be read or parsed: see the checks.",
		    VCELL_BAD);
		end(v);
	}
	if (v->failed) {
		teec_errf(err, TEEC_ERROR, "the report is too large to render");
		goto out;
	}
	rc = TEEC_OK;
out:
	buf_free(&h);
	if (rc != TEEC_OK)
		view_free(v);
	return rc;
}

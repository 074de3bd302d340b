/* SPDX-License-Identifier: ISC */
/*
 * teec-report diff: two parsed reports compared field by field
 * (teec-report(1)). Lists keyed by name (subjects, variables, output
 * patterns, dependencies by method and URI) are sorted and merged, so
 * the cost is n log n even at the caps of teec-report(5).
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buildcfg.h"
#include "common/encode.h"
#include "common/escape.h"
#include "common/timefmt.h"
#include "report/diff.h"

#define NONE ((size_t)-1)

void
rdiff_free(struct rdiff *d)
{
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < d->n; i++) {
		free(d->v[i].key);
		free(d->v[i].a);
		free(d->v[i].b);
	}
	free(d->v);
	memset(d, 0, sizeof(*d));
}

static char *
dupstr(struct rdiff *d, const char *s)
{
	char *p;

	if (s == NULL)
		return NULL;
	if ((p = strdup(s)) == NULL)
		d->failed = 1;
	return p;
}

static char * __attribute__((format(printf, 2, 3)))
fmt(struct rdiff *d, const char *f, ...)
{
	va_list ap;
	char *p = NULL;

	va_start(ap, f);
	if (vasprintf(&p, f, ap) == -1) {
		p = NULL;
		d->failed = 1;
	}
	va_end(ap);
	return p;
}

static char *
hexstr(struct rdiff *d, const uint8_t *p, size_t n, const char *suffix)
{
	struct buf b;
	char *s = NULL;

	buf_init(&b, 2 * n + 128);
	if (buf_hex(&b, p, n) == 0 && (suffix == NULL ||
	    buf_printf(&b, "%s", suffix) == 0) && b.data != NULL)
		s = strdup((const char *)b.data);
	if (s == NULL)
		d->failed = 1;
	buf_free(&b);
	return s;
}

/* Record a difference; a and b are taken over (NULL: absent on that side). */
static void
add(struct rdiff *d, enum rdiff_class cls, const char *field, const char *key,
    char *a, char *b)
{
	struct rdiff_item *nv;
	size_t cap;

	if (!d->failed && d->n == d->cap) {
		cap = d->cap ? d->cap * 2 : 32;
		if ((nv = reallocarray(d->v, cap, sizeof(*nv))) == NULL)
			d->failed = 1;
		else {
			d->v = nv;
			d->cap = cap;
		}
	}
	if (d->failed) {
		free(a);
		free(b);
		return;
	}
	memset(&d->v[d->n], 0, sizeof(d->v[d->n]));
	d->v[d->n].cls = cls;
	d->v[d->n].field = field;
	d->v[d->n].key = dupstr(d, key);
	d->v[d->n].a = a;
	d->v[d->n].b = b;
	d->n++;
	d->count[cls]++;
}

static void
cmp_str(struct rdiff *d, enum rdiff_class cls, const char *field,
    const char *a, const char *b)
{
	if (a == NULL && b == NULL)
		return;
	if (a != NULL && b != NULL && strcmp(a, b) == 0)
		return;
	add(d, cls, field, NULL, dupstr(d, a), dupstr(d, b));
}

static void
cmp_hex(struct rdiff *d, enum rdiff_class cls, const char *field,
    const uint8_t *a, const uint8_t *b, size_t n)
{
	if (memcmp(a, b, n) != 0)
		add(d, cls, field, NULL, hexstr(d, a, n, NULL), hexstr(d, b, n, NULL));
}

static void
cmp_int(struct rdiff *d, enum rdiff_class cls, const char *field, int64_t a,
    int64_t b)
{
	if (a != b)
		add(d, cls, field, NULL, fmt(d, "%lld", (long long)a),
		    fmt(d, "%lld", (long long)b));
}

/* --- keyed lists: sort by (key, position), then merge --- */

struct ent {
	const char *key;
	size_t idx;
};

static int
ent_cmp(const void *x, const void *y)
{
	const struct ent *a = x, *b = y;
	int c = strcmp(a->key, b->key);

	if (c != 0)
		return c;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

typedef const char *(*key_fn)(const void *list, size_t i);
/* Compare element ai of la with bi of lb (either NONE: absent). occ: the
 * 1-based occurrence of the key on that side. */
typedef void (*pair_fn)(struct rdiff *d, const void *la, size_t ai,
    const void *lb, size_t bi, size_t occ, const char *key);

static struct ent *
sorted(struct rdiff *d, const void *list, size_t n, key_fn key)
{
	struct ent *e;
	size_t i;

	if (n == 0)
		return NULL;
	if ((e = calloc(n, sizeof(*e))) == NULL) {
		d->failed = 1;
		return NULL;
	}
	for (i = 0; i < n; i++) {
		e[i].key = key(list, i);
		e[i].idx = i;
	}
	qsort(e, n, sizeof(*e), ent_cmp);
	return e;
}

static void
merge(struct rdiff *d, const void *la, size_t na, const void *lb, size_t nb,
    key_fn key, pair_fn pair)
{
	struct ent *ea = sorted(d, la, na, key), *eb = sorted(d, lb, nb, key);
	const char *last = NULL;
	size_t i = 0, j = 0, occ = 0;
	int c;

	if (d->failed)
		goto out;
	while (i < na || j < nb) {
		if (i == na)
			c = 1;
		else if (j == nb)
			c = -1;
		else
			c = strcmp(ea[i].key, eb[j].key);
		{
			const char *k = c <= 0 ? ea[i].key : eb[j].key;

			occ = last != NULL && strcmp(last, k) == 0 ? occ + 1 : 1;
			last = k;
		}
		if (c == 0) {
			pair(d, la, ea[i].idx, lb, eb[j].idx, occ, ea[i].key);
			i++;
			j++;
		} else if (c < 0) {
			pair(d, la, ea[i].idx, lb, NONE, occ, ea[i].key);
			i++;
		} else {
			pair(d, la, NONE, lb, eb[j].idx, occ, eb[j].key);
			j++;
		}
	}
out:
	free(ea);
	free(eb);
}

/* subjects (outputs) */

static const char *
subj_key(const void *l, size_t i)
{
	return ((const struct report_subject *)l)[i].name;
}

static char *
subj_val(struct rdiff *d, const struct report_subject *s)
{
	struct buf b;
	char *p = NULL;

	buf_init(&b, 256);
	if (buf_printf(&b, "sha256 ") == 0 && buf_hex(&b, s->sha256, 32) == 0 &&
	    (!s->has_sha384 || (buf_printf(&b, " sha384 ") == 0 &&
	    buf_hex(&b, s->sha384, 48) == 0)))
		p = strdup((const char *)b.data);
	if (p == NULL)
		d->failed = 1;
	buf_free(&b);
	return p;
}

static void
subj_pair(struct rdiff *d, const void *la, size_t ai, const void *lb,
    size_t bi, size_t occ, const char *key)
{
	const struct report_subject *a = ai == NONE ? NULL :
	    &((const struct report_subject *)la)[ai];
	const struct report_subject *b = bi == NONE ? NULL :
	    &((const struct report_subject *)lb)[bi];

	if (a != NULL && b != NULL && memcmp(a->sha256, b->sha256, 32) == 0 &&
	    a->has_sha384 == b->has_sha384 &&
	    (!a->has_sha384 || memcmp(a->sha384, b->sha384, 48) == 0))
		return;
	add(d, RDIFF_OUTPUT, "subject", key, a ? subj_val(d, a) : NULL,
	    b ? subj_val(d, b) : NULL);
}

/*
 * Network dependencies, by method and URI: the key is "METHOD URI"
 * (report_parse() allows neither a space in a method nor in a URI, so
 * two keys are equal exactly when both parts are).
 */
struct deplist {
	const struct report_dep *deps;
	char **keys;
};

static const char *
dep_key(const void *l, size_t i)
{
	return ((const struct deplist *)l)->keys[i];
}

static char **
dep_keys(struct rdiff *d, const struct report_dep *deps, size_t n)
{
	char **k;
	size_t i;

	if (n == 0)
		return NULL;
	if ((k = calloc(n, sizeof(*k))) == NULL) {
		d->failed = 1;
		return NULL;
	}
	for (i = 0; i < n && !d->failed; i++)
		k[i] = fmt(d, "%s %s", deps[i].method ? deps[i].method : "",
		    deps[i].uri);
	return k;
}

static void
keys_free(char **k, size_t n)
{
	size_t i;

	for (i = 0; k != NULL && i < n; i++)
		free(k[i]);
	free(k);
}

static char *
dep_val(struct rdiff *d, const struct report_dep *x)
{
	char h[65] = "none";

	if (x->refused)
		return fmt(d, "refused: %s", x->reason ? x->reason : "");
	if (x->has_sha256)
		hex_encode(x->sha256, 32, h);
	return fmt(d, "status %lld, size %lld, sha256 %s", (long long)x->status,
	    (long long)x->size, h);
}

static int
str_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static void
dep_pair(struct rdiff *d, const void *la, size_t ai, const void *lb,
    size_t bi, size_t occ, const char *key)
{
	const struct report_dep *a = ai == NONE ? NULL :
	    &((const struct deplist *)la)->deps[ai];
	const struct report_dep *b = bi == NONE ? NULL :
	    &((const struct deplist *)lb)->deps[bi];
	char *k;

	if (a != NULL && b != NULL && a->has_sha256 == b->has_sha256 &&
	    (!a->has_sha256 || memcmp(a->sha256, b->sha256, 32) == 0) &&
	    a->status == b->status && a->size == b->size &&
	    a->refused == b->refused && str_eq(a->reason, b->reason) &&
	    str_eq(a->name, b->name))
		return;
	/* the second request for the same method and URI is told apart */
	k = occ > 1 ? fmt(d, "%s (request %zu)", key, occ) : NULL;
	add(d, RDIFF_INPUT, "dependency", k ? k : key, a ? dep_val(d, a) : NULL,
	    b ? dep_val(d, b) : NULL);
	free(k);
	if (!d->failed && d->n > 0) {
		d->v[d->n - 1].dep_a = a;
		d->v[d->n - 1].dep_b = b;
		d->v[d->n - 1].request = occ;
	}
}

static void
cmp_deps(struct rdiff *d, const struct report *a, const struct report *b)
{
	struct deplist la, lb;

	la.deps = a->deps;
	la.keys = dep_keys(d, a->deps, a->ndeps);
	lb.deps = b->deps;
	lb.keys = dep_keys(d, b->deps, b->ndeps);
	if (!d->failed)
		merge(d, &la, a->ndeps, &lb, b->ndeps, dep_key, dep_pair);
	keys_free(la.keys, a->ndeps);
	keys_free(lb.keys, b->ndeps);
}

/* A digest that a side may lack: "sha256 HEX", or absent. */
static void
cmp_opt_digest(struct rdiff *d, enum rdiff_class cls, const char *field,
    const char *key, int ha, const uint8_t *a, int hb, const uint8_t *b)
{
	if (!ha && !hb)
		return;
	if (ha && hb && memcmp(a, b, 32) == 0)
		return;
	add(d, cls, field, key, ha ? hexstr(d, a, 32, NULL) : NULL,
	    hb ? hexstr(d, b, 32, NULL) : NULL);
}

/* name=value lists: the worker's environment and build.json's input.env */

static const char *
env_key(const void *l, size_t i)
{
	return ((const struct report_env *)l)[i].name;
}

static const char *
cfgenv_key(const void *l, size_t i)
{
	return ((const struct buildcfg_env *)l)[i].name;
}

static const char *
str_key(const void *l, size_t i)
{
	return ((char *const *)l)[i];
}

static void
env_pair_as(struct rdiff *d, const char *field, const char *a, const char *b,
    const char *key)
{
	if (a != NULL && b != NULL && strcmp(a, b) == 0)
		return;
	add(d, RDIFF_INPUT, field, key, dupstr(d, a), dupstr(d, b));
}

static void
env_pair(struct rdiff *d, const void *la, size_t ai, const void *lb,
    size_t bi, size_t occ, const char *key)
{
	env_pair_as(d, "environment",
	    ai == NONE ? NULL : ((const struct report_env *)la)[ai].value,
	    bi == NONE ? NULL : ((const struct report_env *)lb)[bi].value, key);
}

static void
cfgenv_pair(struct rdiff *d, const void *la, size_t ai, const void *lb,
    size_t bi, size_t occ, const char *key)
{
	env_pair_as(d, "build.env",
	    ai == NONE ? NULL : ((const struct buildcfg_env *)la)[ai].value,
	    bi == NONE ? NULL : ((const struct buildcfg_env *)lb)[bi].value, key);
}

static void
output_pair(struct rdiff *d, const void *la, size_t ai, const void *lb,
    size_t bi, size_t occ, const char *key)
{
	if (ai != NONE && bi != NONE)
		return;
	add(d, RDIFF_INPUT, "build.outputs", key,
	    ai != NONE ? dupstr(d, "listed") : NULL,
	    bi != NONE ? dupstr(d, "listed") : NULL);
}

/* --- the enclave image and the attestation --- */

/* PCRi of a side: attested when its document parsed, else as claimed. */
static const uint8_t *
pcr_of(const struct show *s, const struct report *r, unsigned i,
    const char **src)
{
	if (s->kind == SHOW_BUNDLE && s->b.att.parsed &&
	    s->b.att.doc.pcr_len[i] == 48) {
		*src = " (attested)";
		return s->b.att.doc.pcr[i];
	}
	if (r->has_pcrs) {
		*src = " (as the report claims)";
		return r->pcrs[i];
	}
	*src = NULL;
	return NULL;
}

static void
cmp_image(struct rdiff *d, const struct show *sa, const struct report *ra,
    const struct show *sb, const struct report *rb)
{
	static const char *const field[] = { "image.PCR0", "image.PCR1",
	    "image.PCR2" };
	const uint8_t *pa, *pb;
	const char *srca, *srcb;
	unsigned i;

	for (i = 0; i < 3; i++) {
		pa = pcr_of(sa, ra, i, &srca);
		pb = pcr_of(sb, rb, i, &srcb);
		if (pa == NULL && pb == NULL)
			continue;
		if (pa != NULL && pb != NULL && memcmp(pa, pb, 48) == 0)
			continue;
		add(d, RDIFF_INPUT, field[i], NULL,
		    pa ? hexstr(d, pa, 48, srca) : NULL,
		    pb ? hexstr(d, pb, 48, srcb) : NULL);
	}
}

static const char *
evidence(const struct show *s)
{
	if (s->kind == SHOW_REPORT)
		return "none: a bare report.json";
	return s->b.att.parsed ? "an attestation document" :
	    "an attestation document that could not be parsed";
}

static void
cmp_attestation(struct rdiff *d, const struct show *sa, const struct show *sb)
{
	const struct nitro_doc *a = &sa->b.att.doc, *b = &sb->b.att.doc;
	char ta[48], tb[48];
	static const char *const pcrf[TEEC_MAX_PCRS] = {
	    NULL, NULL, NULL, "attestation.PCR3", "attestation.PCR4",
	    "attestation.PCR5", "attestation.PCR6", "attestation.PCR7",
	    "attestation.PCR8", "attestation.PCR9", "attestation.PCR10",
	    "attestation.PCR11", "attestation.PCR12", "attestation.PCR13",
	    "attestation.PCR14", "attestation.PCR15", "attestation.PCR16",
	    "attestation.PCR17", "attestation.PCR18", "attestation.PCR19",
	    "attestation.PCR20", "attestation.PCR21", "attestation.PCR22",
	    "attestation.PCR23", "attestation.PCR24", "attestation.PCR25",
	    "attestation.PCR26", "attestation.PCR27", "attestation.PCR28",
	    "attestation.PCR29", "attestation.PCR30", "attestation.PCR31" };
	unsigned i;

	if (sa->kind != SHOW_BUNDLE || sb->kind != SHOW_BUNDLE ||
	    !sa->b.att.parsed || !sb->b.att.parsed) {
		cmp_str(d, RDIFF_EXPECTED, "attestation", evidence(sa),
		    evidence(sb));
		return;
	}
	if (a->module_id_len != b->module_id_len ||
	    memcmp(a->module_id, b->module_id, a->module_id_len) != 0)
		add(d, RDIFF_EXPECTED, "attestation.module_id", NULL,
		    dupstr(d, a->module_id), dupstr(d, b->module_id));
	if (a->timestamp_ms != b->timestamp_ms) {
		time_fmt_ms(a->timestamp_ms, ta, sizeof(ta));
		time_fmt_ms(b->timestamp_ms, tb, sizeof(tb));
		add(d, RDIFF_EXPECTED, "attestation.timestamp", NULL,
		    dupstr(d, ta), dupstr(d, tb));
	}
	for (i = 3; i < TEEC_MAX_PCRS; i++) {
		if (a->pcr_len[i] == b->pcr_len[i] && (a->pcr_len[i] == 0 ||
		    memcmp(a->pcr[i], b->pcr[i], a->pcr_len[i]) == 0))
			continue;
		add(d, RDIFF_EXPECTED, pcrf[i], NULL,
		    a->pcr_len[i] ? hexstr(d, a->pcr[i], a->pcr_len[i], NULL) : NULL,
		    b->pcr_len[i] ? hexstr(d, b->pcr[i], b->pcr_len[i], NULL) : NULL);
	}
	if (a->user_data.present != b->user_data.present ||
	    a->user_data.n != b->user_data.n || (a->user_data.n > 0 &&
	    memcmp(a->user_data.p, b->user_data.p, a->user_data.n) != 0))
		add(d, RDIFF_EXPECTED, "attestation.user_data", NULL,
		    a->user_data.present ? hexstr(d, a->user_data.p,
		    a->user_data.n, NULL) : dupstr(d, "null"),
		    b->user_data.present ? hexstr(d, b->user_data.p,
		    b->user_data.n, NULL) : dupstr(d, "null"));
}

static int
need_report(const struct show *s, const char *side, const struct report **r,
    struct teec_err *err)
{
	size_t i;

	if ((*r = show_report(s)) != NULL)
		return TEEC_OK;
	for (i = 0; i < s->r.nchecks; i++)
		if (s->r.checks[i].state == V_FAILED)
			return teec_errf(err, TEEC_ERROR, "%s: no report to compare: "
			    "%s: %s", side, s->r.checks[i].name,
			    s->r.checks[i].detail);
	return teec_errf(err, TEEC_ERROR, "%s: no report to compare", side);
}

int
rdiff_compare(const struct show *sa, const struct show *sb, struct rdiff *d,
    struct teec_err *err)
{
	const struct report *a, *b;
	struct buildcfg ca, cb;
	struct teec_err cerr = { "" };
	int rc = TEEC_ERROR;

	memset(d, 0, sizeof(*d));
	memset(&ca, 0, sizeof(ca));
	memset(&cb, 0, sizeof(cb));
	if (need_report(sa, "A", &a, err) != TEEC_OK ||
	    need_report(sb, "B", &b, err) != TEEC_OK)
		return TEEC_ERROR;
	/* report_parse() checked both recipes: they parse again */
	if (buildcfg_parse((const uint8_t *)a->build_json, strlen(a->build_json),
	    &ca, &cerr) != TEEC_OK || buildcfg_parse((const uint8_t *)b->build_json,
	    strlen(b->build_json), &cb, &cerr) != TEEC_OK) {
		teec_errf(err, TEEC_ERROR, "%s", cerr.msg);
		goto out;
	}

	/* inputs: build.json */
	cmp_str(d, RDIFF_INPUT, "build.language", a->language, b->language);
	cmp_str(d, RDIFF_INPUT, "build.command", a->command, b->command);
	merge(d, ca.env, ca.nenv, cb.env, cb.nenv, cfgenv_key, cfgenv_pair);
	merge(d, ca.files, ca.nfiles, cb.files, cb.nfiles, str_key, output_pair);
	cmp_int(d, RDIFF_INPUT, "build.timeout", ca.timeout, cb.timeout);
	cmp_hex(d, RDIFF_INPUT, "build.json sha256", a->build_json_sha256,
	    b->build_json_sha256, 32);
	/* inputs: the source */
	cmp_hex(d, RDIFF_INPUT, "source.digest", a->source_sha256,
	    b->source_sha256, 32);
	cmp_str(d, RDIFF_INPUT, "source.gitCommit", a->source_commit,
	    b->source_commit);
	/* inputs: the enclave image and the worker */
	cmp_image(d, sa, a, sb, b);
	merge(d, a->env, a->nenv, b->env, b->nenv, env_key, env_pair);
	cmp_int(d, RDIFF_INPUT, "sourceDateEpoch", a->source_date_epoch,
	    b->source_date_epoch);
	cmp_int(d, RDIFF_INPUT, "time limit", a->timeout, b->timeout);
	cmp_str(d, RDIFF_INPUT, "umask", a->umask, b->umask);
	cmp_str(d, RDIFF_INPUT, "isolation", a->isolation, b->isolation);
	cmp_str(d, RDIFF_INPUT, "builder.id", a->builder_id, b->builder_id);
	cmp_str(d, RDIFF_INPUT, "builder.version", a->builder_version,
	    b->builder_version);
	/* inputs: the authorities trusted for HTTPS, what the build fetched */
	cmp_opt_digest(d, RDIFF_INPUT, "upstreamCa", NULL, a->has_upstream_ca,
	    a->upstream_ca_sha256, b->has_upstream_ca, b->upstream_ca_sha256);
	cmp_deps(d, a, b);

	/* outputs */
	merge(d, a->subjects, a->nsubjects, b->subjects, b->nsubjects, subj_key,
	    subj_pair);

	/* expected to differ between two runs */
	cmp_str(d, RDIFF_EXPECTED, "run.invocationId", a->invocation_id,
	    b->invocation_id);
	cmp_str(d, RDIFF_EXPECTED, "run.startedOn", a->started_on, b->started_on);
	cmp_str(d, RDIFF_EXPECTED, "run.finishedOn", a->finished_on,
	    b->finished_on);
	cmp_opt_digest(d, RDIFF_EXPECTED, "byproduct", REPORT_LOG_NAME,
	    a->has_log, a->log_sha256, b->has_log, b->log_sha256);
	cmp_opt_digest(d, RDIFF_EXPECTED, "byproduct", REPORT_NET_NAME,
	    a->has_net, a->net_sha256, b->has_net, b->net_sha256);
	if (sa->have_report_bytes && sb->have_report_bytes)
		cmp_hex(d, RDIFF_EXPECTED, "report.json sha256", sa->report_sha256,
		    sb->report_sha256, 32);
	cmp_attestation(d, sa, sb);

	if (d->failed) {
		teec_errf(err, TEEC_ERROR, "out of memory");
		goto out;
	}
	rc = d->count[RDIFF_INPUT] + d->count[RDIFF_OUTPUT] > 0 ? TEEC_FAIL :
	    TEEC_OK;
out:
	buildcfg_free(&ca);
	buildcfg_free(&cb);
	return rc;
}

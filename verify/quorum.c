/* SPDX-License-Identifier: ISC */
/*
 * teec-verify quorum: independent attestors rebuild the same source with
 * the same recipe; an artifact digest is trusted only when a quorum of
 * them agree. See teec-verify(1), QUORUM, for the rules implemented here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "common/digest.h"
#include "common/encode.h"
#include "common/escape.h"
#include "verify/quorum.h"
#include "verify/render.h"

/* Domain separation of a claim's digest; the "v1" is the encoding's. */
#define CLAIM_TAG "teec-quorum-claim-v1"

#define DEV_ATTESTOR "local development root"

/* Nitro module_id: "i-" INSTANCE "-enc" ENCLAVE (AWS nsm-api, NITRO.md). */
#define MID_PREFIX      "i-"
#define MID_SEP         "-enc"
#define MID_ENCLAVE_HEX 16u

static int
lower_hex(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f')))
			return 0;
	return 1;
}

/*
 * The length of the instance part ("i-" and its hex digits) when the n
 * bytes at p are exactly "i-" + 8 or 17 lower-case hex digits + "-enc" +
 * 16 lower-case hex digits (EC2 instance IDs have 8 or 17 digits); else 0.
 */
static size_t
instance_len(const char *p, size_t n)
{
	static const size_t digits[] = { 8, 17 };
	size_t i, d, pre = strlen(MID_PREFIX), sep = strlen(MID_SEP);

	for (i = 0; i < sizeof(digits) / sizeof(digits[0]); i++) {
		d = digits[i];
		if (n != pre + d + sep + MID_ENCLAVE_HEX)
			continue;
		if (memcmp(p, MID_PREFIX, pre) == 0 && lower_hex(p + pre, d) &&
		    memcmp(p + pre + d, MID_SEP, sep) == 0 &&
		    lower_hex(p + pre + d + sep, MID_ENCLAVE_HEX))
			return pre + d;
	}
	return 0;
}

int
quorum_attestor(const char *p, size_t n, int dev, struct quorum_attestor *a)
{
	size_t k;

	memset(a, 0, sizeof(*a));
	if (p == NULL || n == 0 || n > TEEC_MAX_MODULE_ID)
		return TEEC_FAIL;
	if (dev) {
		/* The development root's holder writes any module_id. */
		a->kind = QA_DEV;
		a->len = strlen(DEV_ATTESTOR);
		memcpy(a->id, DEV_ATTESTOR, a->len);
		return TEEC_OK;
	}
	if ((k = instance_len(p, n)) != 0) {
		a->kind = QA_INSTANCE;
		a->len = k;
	} else {
		a->kind = QA_MODULE;
		a->len = n;
	}
	memcpy(a->id, p, a->len);
	a->id[a->len] = '\0';
	return TEEC_OK;
}

/*
 * By text alone, whatever the kind: a module_id of another shape that
 * reads like an instance, or like the development root, is that attestor
 * (merging two is the safe mistake, counting one twice is not).
 */
int
quorum_attestor_equal(const struct quorum_attestor *a,
    const struct quorum_attestor *b)
{
	return a->len == b->len && memcmp(a->id, b->id, a->len) == 0;
}

const char *
quorum_attestor_kind_name(enum quorum_attestor_kind k)
{
	switch (k) {
	case QA_INSTANCE:
		return "instance";
	case QA_MODULE:
		return "module_id";
	case QA_DEV:
		return "development";
	}
	return "unknown";
}

void
quorum_claim_free(struct quorum_claim *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nsubjects; i++)
		free(c->subjects[i].name);
	free(c->subjects);
	memset(c, 0, sizeof(*c));
}

static int
cmp_qsubject(const void *a, const void *b)
{
	return strcmp(((const struct quorum_subject *)a)->name,
	    ((const struct quorum_subject *)b)->name);
}

static void
put_u64(struct digest *d, uint64_t v)
{
	uint8_t b[8];
	int i;

	for (i = 7; i >= 0; i--) {
		b[i] = (uint8_t)(v & 0xff);
		v >>= 8;
	}
	digest_update(d, b, sizeof(b));
}

/*
 * SHA-256 of CLAIM_TAG, a zero byte, the source digest, the recipe
 * digest, the number of subjects (64-bit big-endian), then per subject
 * its name's length (the same), its name and its SHA-256: no two claims
 * share an encoding.
 */
static int
claim_id(struct quorum_claim *c)
{
	struct digest d;
	size_t i, n;

	if (digest_init(&d, EVP_sha256()) == -1)
		return -1;
	digest_update(&d, CLAIM_TAG, strlen(CLAIM_TAG) + 1);
	digest_update(&d, c->source_sha256, 32);
	digest_update(&d, c->build_sha256, 32);
	put_u64(&d, (uint64_t)c->nsubjects);
	for (i = 0; i < c->nsubjects; i++) {
		n = strlen(c->subjects[i].name);
		put_u64(&d, (uint64_t)n);
		digest_update(&d, c->subjects[i].name, n);
		digest_update(&d, c->subjects[i].sha256, 32);
	}
	digest_final(&d, c->id);
	return 0;
}

int
quorum_claim_make(const struct report *r, struct quorum_claim *c,
    struct teec_err *err)
{
	size_t i;
	int rc = TEEC_ERROR;

	memset(c, 0, sizeof(*c));
	if (r->build_json == NULL) {
		teec_errf(err, TEEC_ERROR, "the report has no recipe");
		goto out;
	}
	memcpy(c->source_sha256, r->source_sha256, 32);
	sha256(r->build_json, strlen(r->build_json), c->build_sha256);
	if (r->nsubjects > 0 &&
	    (c->subjects = calloc(r->nsubjects, sizeof(*c->subjects))) == NULL) {
		teec_errf(err, TEEC_ERROR, "out of memory");
		goto out;
	}
	for (i = 0; i < r->nsubjects; i++) {
		if ((c->subjects[i].name = strdup(r->subjects[i].name)) == NULL) {
			teec_errf(err, TEEC_ERROR, "out of memory");
			goto out;
		}
		memcpy(c->subjects[i].sha256, r->subjects[i].sha256, 32);
		c->nsubjects = i + 1;
	}
	/* report_parse() refuses unsorted subjects; sorted here regardless. */
	if (c->nsubjects > 1)
		qsort(c->subjects, c->nsubjects, sizeof(*c->subjects),
		    cmp_qsubject);
	if (claim_id(c) == -1) {
		teec_errf(err, TEEC_ERROR, "out of memory");
		goto out;
	}
	rc = TEEC_OK;
out:
	if (rc != TEEC_OK)
		quorum_claim_free(c);
	return rc;
}

void
quorum_free(struct quorum *q)
{
	size_t i;

	if (q == NULL)
		return;
	for (i = 0; q->bundles != NULL && i < q->nbundles; i++)
		free(q->bundles[i].module_id);
	free(q->bundles);
	for (i = 0; q->claims != NULL && i < q->nclaims; i++)
		quorum_claim_free(&q->claims[i]);
	free(q->claims);
	free(q->files);
	memset(q, 0, sizeof(*q));
}

static const char *
base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s != NULL ? s + 1 : p;
}

/* A verified bundle's vote: its attestor and its claim. */
static int
add_vote(struct quorum *q, struct quorum_bundle *qb,
    const struct bundle_out *out, struct teec_err *err)
{
	const struct nitro_doc *d = &out->att.doc;
	struct quorum_claim c;
	size_t k;
	int rc = TEEC_ERROR;

	memset(&c, 0, sizeof(c));
	/* The payload check bounds module_id; a vote needs one regardless. */
	if (quorum_attestor(d->module_id, d->module_id_len, out->att.dev,
	    &qb->attestor) != TEEC_OK) {
		vresult_fail(&qb->r, "attestor", R_MALFORMED,
		    "module_id: empty or longer than %u bytes", TEEC_MAX_MODULE_ID);
		rc = TEEC_OK;
		goto out;
	}
	if ((qb->module_id = strndup(d->module_id, d->module_id_len)) == NULL) {
		teec_errf(err, TEEC_ERROR, "out of memory");
		goto out;
	}
	if (quorum_claim_make(&out->report, &c, err) != TEEC_OK)
		goto out;
	for (k = 0; k < q->nclaims; k++)
		if (CRYPTO_memcmp(q->claims[k].id, c.id, 32) == 0)
			break;
	if (k == q->nclaims) {
		q->claims[q->nclaims++] = c;
		memset(&c, 0, sizeof(c));
	}
	q->claims[k].nbundles++;
	qb->claim = k;
	qb->verified = 1;
	rc = TEEC_OK;
out:
	quorum_claim_free(&c);
	return rc;
}

/* Each claim's distinct attestors: a later bundle of the same one is not counted. */
static void
count(struct quorum *q)
{
	struct quorum_bundle *a, *b;
	size_t i, j;

	for (i = 0; i < q->nbundles; i++) {
		a = &q->bundles[i];
		if (!a->verified)
			continue;
		for (j = 0; j < i; j++) {
			b = &q->bundles[j];
			if (b->verified && b->claim == a->claim &&
			    quorum_attestor_equal(&a->attestor, &b->attestor)) {
				a->same_as = j + 1;
				break;
			}
		}
		if (a->same_as == 0)
			q->claims[a->claim].nattestors++;
	}
}

static void
decide(struct quorum *q)
{
	const struct quorum_claim *w;
	size_t k;

	for (k = 0; k < q->nclaims; k++)
		if (q->claims[k].nattestors > q->top)
			q->top = q->claims[k].nattestors;
	for (k = 0; k < q->nclaims; k++)
		if (q->claims[k].nattestors == q->top) {
			if (q->ntop++ == 0)
				q->winner = k;
		}
	q->has_winner = q->nclaims > 0 && q->ntop == 1;
	q->reached = q->has_winner && q->top >= q->min;
	if (q->nclaims == 0) {
		snprintf(q->detail, sizeof(q->detail),
		    "no bundle verified: 0 attestors, %zu needed", q->min);
	} else if (!q->has_winner) {
		snprintf(q->detail, sizeof(q->detail),
		    "%zu claims tie with %zu attestor%s each: a tie is never "
		    "a quorum", q->ntop, q->top, q->top == 1 ? "" : "s");
	} else {
		w = &q->claims[q->winner];
		snprintf(q->detail, sizeof(q->detail),
		    "claim %zu has %zu attestor%s, %zu needed", q->winner + 1,
		    w->nattestors, w->nattestors == 1 ? "" : "s", q->min);
	}
	q->status = q->reached ? TEEC_OK : TEEC_FAIL;
	q->reason = q->reached ? R_NONE : R_QUORUM_NOT_REACHED;
}

/* Each FILE against the winning claim's subjects: base name, then digest. */
static void
check_files(struct quorum *q)
{
	const struct quorum_claim *w;
	struct quorum_file *f;
	size_t i, j;

	if (!q->has_winner)
		return;
	w = &q->claims[q->winner];
	for (i = 0; i < q->nfiles; i++) {
		f = &q->files[i];
		f->checked = 1;
		for (j = 0; j < w->nsubjects; j++) {
			if (strcmp(base_name(w->subjects[j].name),
			    base_name(f->path)) != 0)
				continue;
			f->named = 1;
			if (CRYPTO_memcmp(f->sha256, w->subjects[j].sha256,
			    32) == 0) {
				f->ok = 1;
				f->subject = j;
				break;
			}
		}
		if (!f->ok && q->status == TEEC_OK) {
			q->status = TEEC_FAIL;
			q->reason = R_FILE_MISMATCH;
			snprintf(q->detail, sizeof(q->detail), f->named ?
			    "%.200s: its SHA-256 differs from the subject of "
			    "that name in claim %zu" :
			    "%.200s: no subject of that name in claim %zu",
			    base_name(f->path), q->winner + 1);
		}
	}
}

/* Keep the detail printable: it may quote a file name. */
static void
sanitize(char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			*s = '?';
}

int
quorum_run(const char *const *paths, size_t n, const struct quorum_opts *o,
    struct quorum *q, struct teec_err *err)
{
	struct chain_cache *cache = NULL;
	struct bundle_opts bo;
	struct bundle_out out;
	struct quorum_bundle *qb;
	size_t i;
	int rc = TEEC_ERROR;

	memset(q, 0, sizeof(*q));
	memset(&out, 0, sizeof(out));
	if (n == 0) {
		teec_errf(err, TEEC_ERROR, "no BUNDLE given");
		goto out;
	}
	if (n > TEEC_MAX_QUORUM_BUNDLES) {
		teec_errf(err, TEEC_ERROR, "more than %u bundles",
		    TEEC_MAX_QUORUM_BUNDLES);
		goto out;
	}
	if (o->min > n) {
		teec_errf(err, TEEC_ERROR, "--min %zu: more than the %zu "
		    "bundle%s given", o->min, n, n == 1 ? "" : "s");
		goto out;
	}
	if (o->nfiles > TEEC_MAX_SUBJECTS) {
		teec_errf(err, TEEC_ERROR, "more than %u files",
		    TEEC_MAX_SUBJECTS);
		goto out;
	}
	q->min = o->min != 0 ? o->min : n / 2 + 1;
	q->min_given = o->min != 0;
	if ((q->bundles = calloc(n, sizeof(*q->bundles))) == NULL ||
	    (q->claims = calloc(n, sizeof(*q->claims))) == NULL ||
	    (o->nfiles > 0 &&
	    (q->files = calloc(o->nfiles, sizeof(*q->files))) == NULL) ||
	    (cache = calloc(1, sizeof(*cache))) == NULL) {
		teec_errf(err, TEEC_ERROR, "out of memory");
		goto out;
	}
	/* Every FILE is read before any bundle is judged. */
	for (i = 0; i < o->nfiles; i++) {
		q->files[i].path = o->files[i];
		q->nfiles = i + 1;
		if (sha256_file(o->files[i], q->files[i].sha256, NULL, err) !=
		    TEEC_OK)
			goto out;
	}
	/* Exactly the checks of `teec-verify bundle`, without the FILEs. */
	bo = *o->bundle;
	bo.files = NULL;
	bo.nfiles = 0;
	bo.cache = cache;
	for (i = 0; i < n; i++) {
		qb = &q->bundles[i];
		qb->path = paths[i];
		vresult_init(&qb->r);
		q->nbundles = i + 1;
		if (bundle_verify(paths[i], &bo, &out, &qb->r, err) ==
		    TEEC_ERROR)
			goto out;
		if (out.verified && add_vote(q, qb, &out, err) != TEEC_OK)
			goto out;
		bundle_out_free(&out);
	}
	count(q);
	decide(q);
	check_files(q);
	sanitize(q->detail);
	rc = q->status;
out:
	bundle_out_free(&out);
	free(cache);
	return rc;
}

/* The detail of the first failed check. */
static const char *
first_failure(const struct vresult *r)
{
	size_t i;

	for (i = 0; i < r->nchecks; i++)
		if (r->checks[i].state == V_FAILED)
			return r->checks[i].detail;
	return "";
}

static int
text_hex(struct buf *b, const char *label, const uint8_t *p, size_t n)
{
	int rc = buf_printf(b, "  %-8s ", label);

	rc |= buf_hex(b, p, n);
	return rc | buf_putc(b, '\n');
}

int
quorum_render_text(struct buf *b, const struct quorum *q)
{
	const struct quorum_bundle *qb;
	const struct quorum_claim *c;
	const struct quorum_file *f;
	size_t i, j;
	int rc = 0;

	for (i = 0; i < q->nbundles; i++) {
		qb = &q->bundles[i];
		rc |= buf_printf(b, "bundle %zu ", i + 1);
		rc |= esc_term(b, qb->path, strlen(qb->path));
		if (!qb->verified) {
			rc |= buf_printf(b, ": NOT VERIFIED (%s): %s\n",
			    reason_name(qb->r.reason), first_failure(&qb->r));
			continue;
		}
		rc |= buf_printf(b, ": VERIFIED, attestor ");
		rc |= esc_term(b, qb->attestor.id, qb->attestor.len);
		rc |= buf_printf(b, ", claim %zu", qb->claim + 1);
		if (qb->same_as != 0)
			rc |= buf_printf(b, ", counted once with bundle %zu",
			    qb->same_as);
		rc |= buf_putc(b, '\n');
	}
	for (i = 0; i < q->nclaims; i++) {
		c = &q->claims[i];
		rc |= buf_printf(b, "claim %zu: %zu attestor%s, %zu bundle%s\n",
		    i + 1, c->nattestors, c->nattestors == 1 ? "" : "s",
		    c->nbundles, c->nbundles == 1 ? "" : "s");
		rc |= text_hex(b, "source", c->source_sha256, 32);
		rc |= text_hex(b, "build", c->build_sha256, 32);
		for (j = 0; j < c->nsubjects; j++) {
			rc |= buf_printf(b, "  %-8s ", "subject");
			rc |= buf_hex(b, c->subjects[j].sha256, 32);
			rc |= buf_printf(b, "  ");
			rc |= esc_term(b, c->subjects[j].name,
			    strlen(c->subjects[j].name));
			rc |= buf_putc(b, '\n');
		}
	}
	for (i = 0; i < q->nfiles; i++) {
		f = &q->files[i];
		rc |= buf_printf(b, "file ");
		rc |= esc_term(b, f->path, strlen(f->path));
		if (!f->checked)
			rc |= buf_printf(b, ": not checked: no claim has the "
			    "most attestors\n");
		else if (f->ok) {
			rc |= buf_printf(b, ": matches ");
			rc |= esc_term(b, q->claims[q->winner].subjects[f->subject].name,
			    strlen(q->claims[q->winner].subjects[f->subject].name));
			rc |= buf_printf(b, " of claim %zu\n", q->winner + 1);
		} else
			rc |= buf_printf(b, ": %s in claim %zu\n", f->named ?
			    "its SHA-256 differs from the subject of that name" :
			    "no subject of that name", q->winner + 1);
	}
	if (q->status == TEEC_OK)
		rc |= buf_printf(b, "VERIFIED: quorum reached: %s\n", q->detail);
	else
		rc |= buf_printf(b, "NOT VERIFIED (%s): %s\n",
		    reason_name(q->reason), q->detail);
	return rc;
}

static int
json_hex(struct buf *b, const char *key, const uint8_t *p, size_t n)
{
	int rc = buf_printf(b, ",\"%s\":\"", key);

	rc |= buf_hex(b, p, n);
	return rc | buf_putc(b, '"');
}

static int
json_bundle(struct buf *b, const struct quorum_bundle *qb)
{
	int rc = 0;

	rc |= buf_printf(b, "{\"file\":");
	rc |= json_str_any(b, qb->path, strlen(qb->path));
	rc |= buf_putc(b, ',');
	rc |= render_checks_json(b, &qb->r);
	if (!qb->verified)
		return rc | buf_printf(b, ",\"attestor\":null,\"module_id\":null,"
		    "\"claim\":null,\"counted\":false}");
	rc |= buf_printf(b, ",\"attestor\":{\"id\":");
	rc |= json_str_any(b, qb->attestor.id, qb->attestor.len);
	rc |= buf_printf(b, ",\"kind\":\"%s\"},\"module_id\":",
	    quorum_attestor_kind_name(qb->attestor.kind));
	rc |= json_str_any(b, qb->module_id, strlen(qb->module_id));
	rc |= buf_printf(b, ",\"claim\":%zu,\"counted\":%s}", qb->claim + 1,
	    qb->same_as == 0 ? "true" : "false");
	return rc;
}

static int
json_claim(struct buf *b, const struct quorum *q, size_t k)
{
	const struct quorum_claim *c = &q->claims[k];
	const struct quorum_bundle *qb;
	size_t i;
	int rc = 0, first = 1;

	rc |= buf_printf(b, "{\"claim\":%zu", k + 1);
	rc |= json_hex(b, "id", c->id, 32);
	rc |= buf_printf(b, ",\"attestors\":%zu,\"attestor_ids\":[",
	    c->nattestors);
	for (i = 0; i < q->nbundles; i++) {
		qb = &q->bundles[i];
		if (!qb->verified || qb->claim != k || qb->same_as != 0)
			continue;
		rc |= buf_printf(b, "%s", first ? "" : ",");
		rc |= json_str_any(b, qb->attestor.id, qb->attestor.len);
		first = 0;
	}
	rc |= buf_printf(b, "],\"bundles\":[");
	first = 1;
	for (i = 0; i < q->nbundles; i++) {
		qb = &q->bundles[i];
		if (!qb->verified || qb->claim != k)
			continue;
		rc |= buf_printf(b, "%s%zu", first ? "" : ",", i + 1);
		first = 0;
	}
	rc |= buf_putc(b, ']');
	rc |= json_hex(b, "source_sha256", c->source_sha256, 32);
	rc |= json_hex(b, "build_sha256", c->build_sha256, 32);
	rc |= buf_printf(b, ",\"subjects\":[");
	for (i = 0; i < c->nsubjects; i++) {
		rc |= buf_printf(b, "%s{\"name\":", i ? "," : "");
		rc |= json_str_any(b, c->subjects[i].name,
		    strlen(c->subjects[i].name));
		rc |= json_hex(b, "sha256", c->subjects[i].sha256, 32);
		rc |= buf_putc(b, '}');
	}
	return rc | buf_printf(b, "]}");
}

static int
json_file(struct buf *b, const struct quorum *q, const struct quorum_file *f)
{
	const char *s;
	int rc = 0;

	rc |= buf_printf(b, "{\"file\":");
	rc |= json_str_any(b, f->path, strlen(f->path));
	rc |= json_hex(b, "sha256", f->sha256, 32);
	rc |= buf_printf(b, ",\"checked\":%s,\"ok\":%s,\"subject\":",
	    f->checked ? "true" : "false", f->ok ? "true" : "false");
	if (!f->ok)
		return rc | buf_printf(b, "null}");
	s = q->claims[q->winner].subjects[f->subject].name;
	rc |= json_str_any(b, s, strlen(s));
	return rc | buf_putc(b, '}');
}

int
quorum_render_json(struct buf *b, const struct quorum *q)
{
	size_t i;
	int rc = 0;

	rc |= buf_printf(b, "{\"verified\":%s,\"reason\":",
	    q->status == TEEC_OK ? "true" : "false");
	if (q->status == TEEC_OK)
		rc |= buf_printf(b, "null");
	else
		rc |= buf_printf(b, "\"%s\"", reason_name(q->reason));
	rc |= buf_printf(b, ",\"detail\":");
	rc |= json_str_any(b, q->detail, strlen(q->detail));
	rc |= buf_printf(b, ",\"min\":%zu,\"min_source\":\"%s\",\"bundles\":[",
	    q->min, q->min_given ? "given" : "majority");
	for (i = 0; i < q->nbundles; i++) {
		rc |= buf_printf(b, "%s", i ? "," : "");
		rc |= json_bundle(b, &q->bundles[i]);
	}
	rc |= buf_printf(b, "],\"claims\":[");
	for (i = 0; i < q->nclaims; i++) {
		rc |= buf_printf(b, "%s", i ? "," : "");
		rc |= json_claim(b, q, i);
	}
	rc |= buf_printf(b, "],\"winner\":");
	if (q->reached)
		rc |= buf_printf(b, "%zu", q->winner + 1);
	else
		rc |= buf_printf(b, "null");
	rc |= buf_printf(b, ",\"files\":[");
	for (i = 0; i < q->nfiles; i++) {
		rc |= buf_printf(b, "%s", i ? "," : "");
		rc |= json_file(b, q, &q->files[i]);
	}
	return rc | buf_printf(b, "]}\n");
}

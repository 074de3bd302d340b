/* SPDX-License-Identifier: ISC */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "common/buildcfg.h"
#include "common/caps.h"
#include "common/encode.h"
#include "common/json.h"
#include "common/timefmt.h"
#include "common/utf8.h"
#include "report/report.h"

/*
 * report.json (teec-report(5)): an in-toto Statement v1 (in-toto
 * Attestation Framework, spec/v1/statement.md) whose predicate is SLSA
 * Provenance v1 (slsa.dev/spec/v1.0/provenance). The parser accepts only
 * the shape report_write() produces: each member teec defines has one
 * type and exact bounds, and unknown members are refused at every level,
 * except that externalParameters.build is checked as build.json(5) and
 * internalParameters.environment holds any variable names (sorted) with
 * string values. Duplicate keys, trailing data, bad UTF-8 and excess
 * nesting are refused by json_parse_strict() before the tree is walked.
 */

#define DOC     "report.json"
#define RPATH   256                     /* a location in a message */

#define P_PRED  "predicate"
#define P_BD    "predicate.buildDefinition"
#define P_EXT   P_BD ".externalParameters"
#define P_INT   P_BD ".internalParameters"
#define P_DEPS  P_BD ".resolvedDependencies"
#define P_RUN   "predicate.runDetails"

/* A subject is shipped as the bundle member "artifacts/" NAME. */
#define MAX_SUBJECT_NAME (TEEC_MAX_MEMBER_NAME - 10)
_Static_assert(MAX_SUBJECT_NAME == 245, "update the messages and man page");

/* Times are written as "YYYY-MM-DDTHH:MM:SSZ": 1970 to 9999. */
#define MAX_TIME 253402300799LL

static const char *const isolations[] = { "namespaces", "nitro", "none",
    NULL };

/* Checks shared by the writer and the parser. */

static const char *
name_problem(const char *s, size_t n)
{
	size_t i, start, end;

	if (n == 0)
		return "empty name";
	if (n > MAX_SUBJECT_NAME)
		return "name longer than 245 bytes";
	for (i = 0; i < n; i++) {
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			return "not printable ASCII";
		if (s[i] == '\\')
			return "backslash not allowed";
	}
	if (s[0] == '/')
		return "absolute path not allowed";
	for (start = 0;; start = end + 1) {
		for (end = start; end < n && s[end] != '/'; end++)
			;
		if (end == start)
			return "empty path component not allowed";
		if (end - start == 1 && s[start] == '.')
			return "'.' component not allowed";
		if (end - start == 2 && s[start] == '.' && s[start + 1] == '.')
			return "'..' component not allowed";
		if (end == n)
			break;
	}
	return NULL;
}

int
report_name_ok(const char *name, size_t n)
{
	if (name == NULL)
		return 0;
	return name_problem(name, n) == NULL;
}

/* Exactly 2n lower-case hex digits (the form report_write() emits). */
static int
hex_lower(const char *s, uint8_t *out, size_t n)
{
	size_t i;

	if (strlen(s) != 2 * n)
		return -1;
	for (i = 0; i < 2 * n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return -1;
	return hex_decode_exact(s, 2 * n, out, n);
}

/* A git object name: SHA-1 (40) or SHA-256 (64) in lower-case hex. */
static int
commit_ok(const char *s)
{
	size_t i, n = strlen(s);

	if (n != 40 && n != 64)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

static int
is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * An absolute URI (RFC 3986 section 4.3) written with the characters RFC
 * 3986 section 2 allows: scheme ":" then unreserved, reserved and '%'.
 * Only the character set and the scheme are checked.
 */
static int
uri_ok(const char *s)
{
	static const char punct[] = "-._~:/?#[]@!$&'()*+,;=%";
	size_t i, n = strlen(s);

	if (n == 0 || n > TEEC_MAX_URI || !is_alpha(s[0]))
		return 0;
	for (i = 1; i < n && s[i] != ':'; i++)
		if (!is_alpha(s[i]) && !is_digit(s[i]) && s[i] != '+' &&
		    s[i] != '-' && s[i] != '.')
			return 0;
	if (i == n)
		return 0;
	for (; i < n; i++)
		if (!is_alpha(s[i]) && !is_digit(s[i]) &&
		    strchr(punct, s[i]) == NULL)
			return 0;
	return 1;
}

/* A version such as "0.1.0" or "1.2.3-rc1+g1234":
 * [0-9A-Za-z][0-9A-Za-z.+~-]*. */
static int
version_ok(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > TEEC_MAX_VERSION || !(is_alpha(s[0]) || is_digit(s[0])))
		return 0;
	for (i = 1; i < n; i++)
		if (!is_alpha(s[i]) && !is_digit(s[i]) &&
		    strchr(".+~-", s[i]) == NULL)
			return 0;
	return 1;
}

/* RFC 9562 section 4: 8-4-4-4-12 hex digits, here lower-case. */
static int
uuid_ok(const char *s)
{
	size_t i;

	if (strlen(s) != 36)
		return 0;
	for (i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return 0;
		} else if (!is_digit(s[i]) && !(s[i] >= 'a' && s[i] <= 'f'))
			return 0;
	}
	return 1;
}

/* An HTTP method token (RFC 9110 section 9), upper-case letters. */
static int
method_ok(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > TEEC_MAX_HTTP_METHOD)
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] < 'A' || s[i] > 'Z')
			return 0;
	return 1;
}

/* A POSIX environment variable name, as build.json(5) allows. */
static int
env_name_ok(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > TEEC_MAX_ENV_NAME)
		return 0;
	for (i = 0; i < n; i++)
		if (!is_alpha(s[i]) && s[i] != '_' && !(i > 0 && is_digit(s[i])))
			return 0;
	return 1;
}

static int
isolation_ok(const char *s)
{
	size_t i;

	for (i = 0; isolations[i] != NULL; i++)
		if (strcmp(s, isolations[i]) == 0)
			return 1;
	return 0;
}

/* Exactly the form time_fmt() writes, "YYYY-MM-DDTHH:MM:SSZ" (RFC 3339
 * section 5.6), from 1970 to 9999. */
static int
time_ok(const char *s, int64_t *secs)
{
	char buf[32];

	if (time_parse_rfc3339(s, strlen(s), secs) == -1 || *secs < 0 ||
	    *secs > MAX_TIME)
		return 0;
	time_fmt(*secs, buf, sizeof(buf));
	return strcmp(buf, s) == 0;
}

/* Parser. */

static int
bad(struct teec_err *err, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* "report.json: PATH: message", a TEEC_FAIL. */
static int
bad(struct teec_err *err, const char *path, const char *fmt, ...)
{
	char msg[TEEC_ERR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (path[0] == '\0')
		return teec_errf(err, TEEC_FAIL, DOC ": %s", msg);
	return teec_errf(err, TEEC_FAIL, DOC ": %s: %s", path, msg);
}

static int
oom(struct teec_err *err)
{
	return teec_errf(err, TEEC_ERROR, DOC ": out of memory");
}

static int
dup_str(char **dst, const char *s, struct teec_err *err)
{
	if ((*dst = strdup(s)) == NULL)
		return oom(err);
	return TEEC_OK;
}

/* path.key, or key at the top (keys here are teec's own, printable). A
 * location that does not fit ends in "...". */
static void
subpath(char *out, size_t outsz, const char *path, const char *key)
{
	int r;

	r = snprintf(out, outsz, "%s%s%s", path, path[0] != '\0' ? "." : "",
	    key);
	if ((r < 0 || (size_t)r >= outsz) && outsz > 4)
		memcpy(out + outsz - 4, "...", 4);
}

/* A string member that must equal want. */
static int
get_const(const cJSON *obj, const char *path, const char *key,
    const char *want, struct teec_err *err)
{
	char sub[RPATH];
	const char *s;
	int rc;

	if ((rc = json_get_string(obj, DOC, path, key, 0, 0, &s, err)) !=
	    TEEC_OK)
		return rc;
	if (strcmp(s, want) != 0) {
		subpath(sub, sizeof(sub), path, key);
		return bad(err, sub, "expected \"%s\"", want);
	}
	return TEEC_OK;
}

/* A digest of n bytes as 2n lower-case hex digits. With JSON_OPTIONAL,
 * *present says whether it was there. */
static int
get_hex(const cJSON *obj, const char *path, const char *key,
    unsigned int flags, uint8_t *out, size_t n, int *present,
    struct teec_err *err)
{
	char sub[RPATH];
	const char *s;
	int rc;

	if (present != NULL)
		*present = 0;
	if ((rc = json_get_string(obj, DOC, path, key, flags, 0, &s, err)) !=
	    TEEC_OK)
		return rc;
	if (s == NULL)
		return TEEC_OK;
	if (hex_lower(s, out, n) == -1) {
		subpath(sub, sizeof(sub), path, key);
		return bad(err, sub, "not %zu lower-case hex digits", 2 * n);
	}
	if (present != NULL)
		*present = 1;
	return TEEC_OK;
}

/*
 * A DigestSet (in-toto ResourceDescriptor "digest"): {"sha256": HEX}, and
 * "sha384" too when sha384 is not NULL (subjects only).
 */
static int
get_digest(const cJSON *obj, const char *path, const char *key,
    uint8_t sha256[32], uint8_t sha384[48], int *has384, struct teec_err *err)
{
	static const char *const keys256[] = { "sha256", NULL };
	static const char *const keysboth[] = { "sha256", "sha384", NULL };
	const cJSON *d;
	char sub[RPATH];
	int rc;

	if ((rc = json_get_object(obj, DOC, path, key, 0, &d, err)) != TEEC_OK)
		return rc;
	subpath(sub, sizeof(sub), path, key);
	if ((rc = json_only_keys(d, sha384 != NULL ? keysboth : keys256, DOC,
	    sub, err)) != TEEC_OK)
		return rc;
	if ((rc = get_hex(d, sub, "sha256", 0, sha256, 32, NULL, err)) !=
	    TEEC_OK)
		return rc;
	if (sha384 != NULL)
		return get_hex(d, sub, "sha384", JSON_OPTIONAL, sha384, 48,
		    has384, err);
	return TEEC_OK;
}

/* An object member with exactly the keys given. */
static int
get_object_only(const cJSON *obj, const char *path, const char *key,
    const char *const keys[], const cJSON **out, struct teec_err *err)
{
	char sub[RPATH];
	int rc;

	if ((rc = json_get_object(obj, DOC, path, key, 0, out, err)) !=
	    TEEC_OK)
		return rc;
	subpath(sub, sizeof(sub), path, key);
	return json_only_keys(*out, keys, DOC, sub, err);
}

/* A compact copy of a subtree (cJSON writes it deterministically). */
static int
print_copy(const cJSON *v, char **out, struct teec_err *err)
{
	char *s;
	int rc;

	if ((s = cJSON_PrintUnformatted(v)) == NULL)
		return oom(err);
	rc = dup_str(out, s, err);
	cJSON_free(s);
	return rc;
}

/* in-toto Statement v1: subject, a list of ResourceDescriptors. teec's
 * are sorted by name, byte for byte, so names are unique. */
static int
parse_subjects(const cJSON *root, struct report *r, struct teec_err *err)
{
	static const char *const keys[] = { "name", "digest", NULL };
	struct report_subject *sub;
	const cJSON *arr, *v;
	const char *s, *why;
	char path[RPATH], npath[RPATH];
	size_t n, i;
	int rc, c;

	if ((rc = json_get_array(root, DOC, "", "subject", 0,
	    TEEC_MAX_SUBJECTS, &arr, &n, err)) != TEEC_OK)
		return rc;
	if ((r->subjects = calloc(n, sizeof(*r->subjects))) == NULL)
		return oom(err);
	for (i = 0, v = arr->child; v != NULL; v = v->next, i++) {
		snprintf(path, sizeof(path), "subject[%zu]", i);
		snprintf(npath, sizeof(npath), "subject[%zu].name", i);
		if ((rc = json_want_object(v, DOC, path, err)) != TEEC_OK ||
		    (rc = json_only_keys(v, keys, DOC, path, err)) != TEEC_OK)
			return rc;
		if ((rc = json_get_string(v, DOC, path, "name", JSON_EMPTY_OK,
		    0, &s, err)) != TEEC_OK)
			return rc;
		if ((why = name_problem(s, strlen(s))) != NULL)
			return bad(err, npath, "%s", why);
		if (i > 0) {
			c = strcmp(r->subjects[i - 1].name, s);
			if (c == 0)
				return bad(err, npath, "duplicate of "
				    "subject[%zu].name", i - 1);
			if (c > 0)
				return bad(err, npath, "not sorted after "
				    "subject[%zu].name (byte order)", i - 1);
		}
		sub = &r->subjects[r->nsubjects];
		if ((rc = dup_str(&sub->name, s, err)) != TEEC_OK)
			return rc;
		r->nsubjects++;
		if ((rc = get_digest(v, path, "digest", sub->sha256, sub->sha384,
		    &sub->has_sha384, err)) != TEEC_OK)
			return rc;
	}
	return TEEC_OK;
}

/* SLSA buildDefinition.externalParameters: build, buildDigest, source. */
static int
parse_external(const cJSON *bd, struct report *r, struct teec_err *err)
{
	static const char *const keys[] = { "build", "buildDigest", "source",
	    "upstreamCa", NULL };
	static const char *const cakeys[] = { "digest", NULL };
	static const char *const srckeys[] = { "digest", "gitCommit", NULL };
	struct buildcfg cfg;
	struct teec_err cerr;
	const cJSON *ext, *build, *src, *ca;
	const char *s;
	int rc;

	memset(&cfg, 0, sizeof(cfg));
	if ((rc = get_object_only(bd, P_BD, "externalParameters", keys, &ext,
	    err)) != TEEC_OK)
		goto out;
	if ((rc = json_get_object(ext, DOC, P_EXT, "build", 0, &build, err)) !=
	    TEEC_OK)
		goto out;
	/* The report carries a valid build.json, re-serialised compactly. */
	if ((rc = print_copy(build, &r->build_json, err)) != TEEC_OK)
		goto out;
	memset(&cerr, 0, sizeof(cerr));
	if (buildcfg_parse((const uint8_t *)r->build_json,
	    strlen(r->build_json), &cfg, &cerr) != TEEC_OK) {
		rc = bad(err, P_EXT ".build", "%s", cerr.msg);
		goto out;
	}
	r->language = cfg.language;
	cfg.language = NULL;
	r->command = cfg.cmd;
	cfg.cmd = NULL;
	if ((rc = get_digest(ext, P_EXT, "buildDigest", r->build_json_sha256,
	    NULL, NULL, err)) != TEEC_OK)
		goto out;
	if ((rc = get_object_only(ext, P_EXT, "source", srckeys, &src, err)) !=
	    TEEC_OK)
		goto out;
	if ((rc = get_digest(src, P_EXT ".source", "digest", r->source_sha256,
	    NULL, NULL, err)) != TEEC_OK)
		goto out;
	if ((rc = json_get_string(src, DOC, P_EXT ".source", "gitCommit",
	    JSON_OPTIONAL, 0, &s, err)) != TEEC_OK)
		goto out;
	if (s != NULL) {
		if (!commit_ok(s)) {
			rc = bad(err, P_EXT ".source.gitCommit",
			    "not 40 or 64 lower-case hex digits");
			goto out;
		}
		if ((rc = dup_str(&r->source_commit, s, err)) != TEEC_OK)
			goto out;
	}
	/* The CA bundle the invoker gave for upstream TLS, when not the
	 * image's own (teec-host --upstream-ca). */
	if (cJSON_GetObjectItemCaseSensitive(ext, "upstreamCa") != NULL) {
		if ((rc = get_object_only(ext, P_EXT, "upstreamCa", cakeys, &ca,
		    err)) != TEEC_OK ||
		    (rc = get_digest(ca, P_EXT ".upstreamCa", "digest",
		    r->upstream_ca_sha256, NULL, NULL, err)) != TEEC_OK)
			goto out;
		r->has_upstream_ca = 1;
	}
	rc = TEEC_OK;
out:
	buildcfg_free(&cfg);
	return rc;
}

static int
parse_environment(const cJSON *ip, struct report *r, struct teec_err *err)
{
	const cJSON *env, *v;
	const char *s;
	char safe[300], path[RPATH + sizeof(safe)];
	size_t n = 0;
	int rc;

	if ((rc = json_get_object(ip, DOC, P_INT, "environment", 0, &env,
	    err)) != TEEC_OK)
		return rc;
	for (v = env->child; v != NULL; v = v->next)
		if (++n > TEEC_MAX_REPORT_ENV)
			return bad(err, P_INT ".environment", "more than %u "
			    "variables", TEEC_MAX_REPORT_ENV);
	if (n == 0)
		return TEEC_OK;
	if ((r->env = calloc(n, sizeof(*r->env))) == NULL)
		return oom(err);
	for (v = env->child; v != NULL; v = v->next) {
		json_safe_text(safe, sizeof(safe), v->string);
		snprintf(path, sizeof(path), P_INT ".environment.%s", safe);
		if (!env_name_ok(v->string))
			return bad(err, path, "invalid variable name (expected "
			    "[A-Za-z_][A-Za-z0-9_]*, at most %u bytes)",
			    TEEC_MAX_ENV_NAME);
		/* Written sorted, so the object has one form. */
		if (r->nenv > 0 && strcmp(r->env[r->nenv - 1].name,
		    v->string) > 0)
			return bad(err, path, "not sorted after the previous "
			    "variable (byte order)");
		if ((rc = json_want_string(v, DOC, path, JSON_EMPTY_OK,
		    TEEC_MAX_ENV_VALUE, &s, err)) != TEEC_OK)
			return rc;
		if ((rc = dup_str(&r->env[r->nenv].name, v->string, err)) !=
		    TEEC_OK)
			return rc;
		r->nenv++;
		if ((rc = dup_str(&r->env[r->nenv - 1].value, s, err)) !=
		    TEEC_OK)
			return rc;
	}
	return TEEC_OK;
}

/* SLSA buildDefinition.internalParameters, as the worker imposed them. */
static int
parse_internal(const cJSON *bd, struct report *r, struct teec_err *err)
{
	static const char *const keys[] = { "environment", "sourceDateEpoch",
	    "timeout", "umask", "isolation", "worker", NULL };
	static const char *const wkeys[] = { "name", "version", NULL };
	const cJSON *ip, *w;
	const char *s;
	int rc;

	if ((rc = get_object_only(bd, P_BD, "internalParameters", keys, &ip,
	    err)) != TEEC_OK)
		return rc;
	if ((rc = parse_environment(ip, r, err)) != TEEC_OK)
		return rc;
	if ((rc = json_get_int(ip, DOC, P_INT, "sourceDateEpoch", 0, 0,
	    JSON_INT_LIMIT, &r->source_date_epoch, err)) != TEEC_OK)
		return rc;
	if ((rc = json_get_int(ip, DOC, P_INT, "timeout", 0, TEEC_TIMEOUT_MIN,
	    TEEC_TIMEOUT_MAX, &r->timeout, err)) != TEEC_OK)
		return rc;
	/* The worker always imposes umask 022 (DESIGN: normalized environment). */
	if ((rc = get_const(ip, P_INT, "umask", REPORT_UMASK, err)) != TEEC_OK)
		return rc;
	if ((rc = dup_str(&r->umask, REPORT_UMASK, err)) != TEEC_OK)
		return rc;
	if ((rc = json_get_string(ip, DOC, P_INT, "isolation", 0, 0, &s,
	    err)) != TEEC_OK)
		return rc;
	if (!isolation_ok(s))
		return bad(err, P_INT ".isolation", "expected \"namespaces\", "
		    "\"nitro\" or \"none\"");
	if ((rc = dup_str(&r->isolation, s, err)) != TEEC_OK)
		return rc;
	if ((rc = get_object_only(ip, P_INT, "worker", wkeys, &w, err)) !=
	    TEEC_OK)
		return rc;
	if ((rc = get_const(w, P_INT ".worker", "name", REPORT_WORKER_NAME,
	    err)) != TEEC_OK)
		return rc;
	if ((rc = json_get_string(w, DOC, P_INT ".worker", "version", 0, 0, &s,
	    err)) != TEEC_OK)
		return rc;
	if (!version_ok(s))
		return bad(err, P_INT ".worker.version", "expected a version "
		    "such as 1.2.3 (at most %u bytes of [0-9A-Za-z.+~-])",
		    TEEC_MAX_VERSION);
	if ((rc = dup_str(&r->builder_version, s, err)) != TEEC_OK)
		return rc;
	return print_copy(ip, &r->internal_json, err);
}

/* resolvedDependencies[0]: the source archive, the same digest as
 * externalParameters.source. */
static int
parse_source_dep(const cJSON *v, struct report *r, struct teec_err *err)
{
	static const char *const keys[] = { "name", "uri", "digest", NULL };
	const char *path = P_DEPS "[0]";
	uint8_t sha[32];
	int rc;

	if ((rc = json_want_object(v, DOC, path, err)) != TEEC_OK ||
	    (rc = json_only_keys(v, keys, DOC, path, err)) != TEEC_OK ||
	    (rc = get_const(v, path, "name", "source", err)) != TEEC_OK ||
	    (rc = get_const(v, path, "uri", REPORT_SOURCE_URI, err)) !=
	    TEEC_OK ||
	    (rc = get_digest(v, path, "digest", sha, NULL, NULL, err)) !=
	    TEEC_OK)
		return rc;
	if (CRYPTO_memcmp(sha, r->source_sha256, sizeof(sha)) != 0)
		return bad(err, P_DEPS "[0].digest.sha256", "differs from "
		    P_EXT ".source.digest.sha256");
	return dup_str(&r->source_uri, REPORT_SOURCE_URI, err);
}

/* resolvedDependencies[1] when named "enclave-image": its PCRs. */
static int
parse_image_dep(const cJSON *v, struct report *r, struct teec_err *err)
{
	static const char *const keys[] = { "name", "uri", "annotations",
	    NULL };
	static const char *const akeys[] = { "pcr0", "pcr1", "pcr2", NULL };
	const char *path = P_DEPS "[1]";
	const cJSON *ann;
	size_t i;
	int rc;

	if ((rc = json_only_keys(v, keys, DOC, path, err)) != TEEC_OK ||
	    (rc = get_const(v, path, "uri", REPORT_IMAGE_URI, err)) !=
	    TEEC_OK ||
	    (rc = get_object_only(v, path, "annotations", akeys, &ann, err)) !=
	    TEEC_OK)
		return rc;
	for (i = 0; i < 3; i++)
		if ((rc = get_hex(ann, P_DEPS "[1].annotations", akeys[i], 0,
		    r->pcrs[i], 48, NULL, err)) != TEEC_OK)
			return rc;
	r->has_pcrs = 1;
	return TEEC_OK;
}

/*
 * A network dependency. A fetch: uri, digest, annotations {method,
 * status, size}. A refused attempt: uri, annotations {method, refused:
 * true, reason}, no digest.
 */
static int
parse_net_dep(const cJSON *v, const char *path, struct report_dep *d,
    struct teec_err *err)
{
	static const char *const keys[] = { "name", "uri", "digest",
	    "annotations", NULL };
	static const char *const fetched[] = { "method", "status", "size",
	    NULL };
	static const char *const refused[] = { "method", "refused", "reason",
	    NULL };
	const cJSON *ann, *rv;
	const char *s;
	char sub[RPATH], apath[RPATH];
	int rc;

	d->status = d->size = -1;
	if ((rc = json_want_object(v, DOC, path, err)) != TEEC_OK ||
	    (rc = json_only_keys(v, keys, DOC, path, err)) != TEEC_OK)
		return rc;
	if ((rc = json_get_string(v, DOC, path, "name", JSON_OPTIONAL,
	    TEEC_MAX_REPORT_TEXT, &s, err)) != TEEC_OK)
		return rc;
	if (s != NULL) {
		if (strcmp(s, "source") == 0 || strcmp(s, "enclave-image") == 0) {
			subpath(sub, sizeof(sub), path, "name");
			return bad(err, sub, "\"%s\" is only allowed at "
			    "resolvedDependencies[%d]", s,
			    strcmp(s, "source") == 0 ? 0 : 1);
		}
		if ((rc = dup_str(&d->name, s, err)) != TEEC_OK)
			return rc;
	}
	if ((rc = json_get_string(v, DOC, path, "uri", 0, TEEC_MAX_URI, &s,
	    err)) != TEEC_OK)
		return rc;
	if (!uri_ok(s)) {
		subpath(sub, sizeof(sub), path, "uri");
		return bad(err, sub, "not an absolute URI (RFC 3986 characters "
		    "only)");
	}
	if ((rc = dup_str(&d->uri, s, err)) != TEEC_OK)
		return rc;
	if ((rc = json_get_object(v, DOC, path, "annotations", 0, &ann,
	    err)) != TEEC_OK)
		return rc;
	subpath(apath, sizeof(apath), path, "annotations");
	if ((rv = cJSON_GetObjectItemCaseSensitive(ann, "refused")) != NULL) {
		subpath(sub, sizeof(sub), apath, "refused");
		if ((rc = json_want_bool(rv, DOC, sub, &d->refused, err)) !=
		    TEEC_OK)
			return rc;
		if (!d->refused)
			return bad(err, sub, "expected true (absent when the "
			    "fetch was not refused)");
	}
	if ((rc = json_only_keys(ann, d->refused ? refused : fetched, DOC,
	    apath, err)) != TEEC_OK)
		return rc;
	if ((rc = json_get_string(ann, DOC, apath, "method", 0, 0, &s, err)) !=
	    TEEC_OK)
		return rc;
	if (!method_ok(s)) {
		subpath(sub, sizeof(sub), apath, "method");
		return bad(err, sub, "expected an HTTP method (1 to %u "
		    "upper-case letters)", TEEC_MAX_HTTP_METHOD);
	}
	if ((rc = dup_str(&d->method, s, err)) != TEEC_OK)
		return rc;
	if (d->refused) {
		if ((rc = json_get_string(ann, DOC, apath, "reason", 0,
		    TEEC_MAX_REPORT_TEXT, &s, err)) != TEEC_OK)
			return rc;
		if ((rc = dup_str(&d->reason, s, err)) != TEEC_OK)
			return rc;
		if (cJSON_GetObjectItemCaseSensitive(v, "digest") != NULL) {
			subpath(sub, sizeof(sub), path, "digest");
			return bad(err, sub, "not allowed for a refused fetch");
		}
		return TEEC_OK;
	}
	if ((rc = json_get_int(ann, DOC, apath, "status", 0, 100, 599,
	    &d->status, err)) != TEEC_OK)
		return rc;
	if ((rc = json_get_int(ann, DOC, apath, "size", 0, 0, JSON_INT_LIMIT,
	    &d->size, err)) != TEEC_OK)
		return rc;
	if ((rc = get_digest(v, path, "digest", d->sha256, NULL, NULL, err)) !=
	    TEEC_OK)
		return rc;
	d->has_sha256 = 1;
	return TEEC_OK;
}

/* SLSA buildDefinition.resolvedDependencies: the source, the enclave
 * image when its PCRs are known, then every network dependency. */
static int
parse_deps(const cJSON *bd, struct report *r, struct teec_err *err)
{
	const cJSON *arr, *v, *nm;
	char path[RPATH];
	size_t n, i = 1;
	int rc;

	if ((rc = json_get_array(bd, DOC, P_BD, "resolvedDependencies", 0,
	    TEEC_MAX_DEPENDENCIES + 2, &arr, &n, err)) != TEEC_OK)
		return rc;
	v = arr->child;
	if ((rc = parse_source_dep(v, r, err)) != TEEC_OK)
		return rc;
	v = v->next;
	if (v != NULL && cJSON_IsObject(v) &&
	    (nm = cJSON_GetObjectItemCaseSensitive(v, "name")) != NULL &&
	    cJSON_IsString(nm) && strcmp(nm->valuestring, "enclave-image") == 0) {
		if ((rc = parse_image_dep(v, r, err)) != TEEC_OK)
			return rc;
		v = v->next;
		i++;
	}
	if (n - i > TEEC_MAX_DEPENDENCIES)
		return bad(err, P_DEPS, "more than %u network dependencies",
		    TEEC_MAX_DEPENDENCIES);
	if (n == i)
		return TEEC_OK;
	if ((r->deps = calloc(n - i, sizeof(*r->deps))) == NULL)
		return oom(err);
	for (; v != NULL; v = v->next, i++) {
		snprintf(path, sizeof(path), P_DEPS "[%zu]", i);
		r->ndeps++;
		if ((rc = parse_net_dep(v, path, &r->deps[r->ndeps - 1], err)) !=
		    TEEC_OK)
			return rc;
	}
	return TEEC_OK;
}

/* SLSA runDetails: builder, metadata, byproducts. */
static int
parse_run(const cJSON *pred, struct report *r, struct teec_err *err)
{
	static const char *const keys[] = { "builder", "metadata",
	    "byproducts", NULL };
	static const char *const bkeys[] = { "id", "version", NULL };
	static const char *const vkeys[] = { REPORT_WORKER_NAME, NULL };
	static const char *const mkeys[] = { "invocationId", "startedOn",
	    "finishedOn", NULL };
	static const char *const pkeys[] = { "name", "digest", NULL };
	const cJSON *run, *b, *ver, *md, *arr, *v;
	const char *s;
	char path[RPATH], npath[RPATH];
	size_t n, i;
	int rc;

	if ((rc = get_object_only(pred, P_PRED, "runDetails", keys, &run,
	    err)) != TEEC_OK)
		return rc;
	if ((rc = get_object_only(run, P_RUN, "builder", bkeys, &b, err)) !=
	    TEEC_OK)
		return rc;
	if ((rc = json_get_string(b, DOC, P_RUN ".builder", "id", 0,
	    TEEC_MAX_URI, &s, err)) != TEEC_OK)
		return rc;
	if (!uri_ok(s))
		return bad(err, P_RUN ".builder.id", "not an absolute URI "
		    "(RFC 3986 characters only)");
	if ((rc = dup_str(&r->builder_id, s, err)) != TEEC_OK)
		return rc;
	if ((rc = get_object_only(b, P_RUN ".builder", "version", vkeys, &ver,
	    err)) != TEEC_OK)
		return rc;
	if ((rc = json_get_string(ver, DOC, P_RUN ".builder.version",
	    REPORT_WORKER_NAME, 0, 0, &s, err)) != TEEC_OK)
		return rc;
	if (strcmp(s, r->builder_version) != 0)
		return bad(err, P_RUN ".builder.version." REPORT_WORKER_NAME,
		    "differs from " P_INT ".worker.version");

	if ((rc = get_object_only(run, P_RUN, "metadata", mkeys, &md, err)) !=
	    TEEC_OK)
		return rc;
	if ((rc = json_get_string(md, DOC, P_RUN ".metadata", "invocationId",
	    0, 0, &s, err)) != TEEC_OK)
		return rc;
	if (!uuid_ok(s))
		return bad(err, P_RUN ".metadata.invocationId", "expected a "
		    "lower-case UUID (8-4-4-4-12 hex digits)");
	if ((rc = dup_str(&r->invocation_id, s, err)) != TEEC_OK)
		return rc;
	if ((rc = json_get_string(md, DOC, P_RUN ".metadata", "startedOn", 0,
	    0, &s, err)) != TEEC_OK)
		return rc;
	if (!time_ok(s, &r->started))
		return bad(err, P_RUN ".metadata.startedOn", "expected a UTC "
		    "time YYYY-MM-DDTHH:MM:SSZ (RFC 3339)");
	if ((rc = dup_str(&r->started_on, s, err)) != TEEC_OK)
		return rc;
	if ((rc = json_get_string(md, DOC, P_RUN ".metadata", "finishedOn", 0,
	    0, &s, err)) != TEEC_OK)
		return rc;
	if (!time_ok(s, &r->finished))
		return bad(err, P_RUN ".metadata.finishedOn", "expected a UTC "
		    "time YYYY-MM-DDTHH:MM:SSZ (RFC 3339)");
	if ((rc = dup_str(&r->finished_on, s, err)) != TEEC_OK)
		return rc;

	if ((rc = json_get_array(run, DOC, P_RUN, "byproducts", JSON_EMPTY_OK,
	    TEEC_MAX_BYPRODUCTS, &arr, &n, err)) != TEEC_OK)
		return rc;
	for (i = 0, v = arr->child; v != NULL; v = v->next, i++) {
		snprintf(path, sizeof(path), P_RUN ".byproducts[%zu]", i);
		if ((rc = json_want_object(v, DOC, path, err)) != TEEC_OK ||
		    (rc = json_only_keys(v, pkeys, DOC, path, err)) != TEEC_OK ||
		    (rc = json_get_string(v, DOC, path, "name", 0, 0, &s,
		    err)) != TEEC_OK)
			return rc;
		if (strcmp(s, REPORT_LOG_NAME) == 0) {
			if (r->has_log)
				return bad(err, path, "a second "
				    REPORT_LOG_NAME);
			if ((rc = get_digest(v, path, "digest", r->log_sha256,
			    NULL, NULL, err)) != TEEC_OK)
				return rc;
			r->has_log = 1;
		} else if (strcmp(s, REPORT_NET_NAME) == 0) {
			if (r->has_net)
				return bad(err, path, "a second "
				    REPORT_NET_NAME);
			if ((rc = get_digest(v, path, "digest", r->net_sha256,
			    NULL, NULL, err)) != TEEC_OK)
				return rc;
			r->has_net = 1;
		} else {
			subpath(npath, sizeof(npath), path, "name");
			return bad(err, npath, "expected \"" REPORT_LOG_NAME
			    "\" or \"" REPORT_NET_NAME "\"");
		}
	}
	return TEEC_OK;
}

int
report_parse(const uint8_t *p, size_t n, struct report *r,
    struct teec_err *err)
{
	static const char *const keys[] = { "_type", "subject",
	    "predicateType", "predicate", NULL };
	static const char *const pkeys[] = { "buildDefinition", "runDetails",
	    NULL };
	static const char *const bkeys[] = { "buildType", "externalParameters",
	    "internalParameters", "resolvedDependencies", NULL };
	cJSON *root = NULL;
	const cJSON *pred, *bd;
	int rc;

	memset(r, 0, sizeof(*r));
	if (p == NULL && n > 0) {
		rc = teec_errf(err, TEEC_ERROR, DOC ": bad arguments");
		goto out;
	}
	if (n > TEEC_MAX_REPORT_BYTES) {
		rc = teec_errf(err, TEEC_FAIL, DOC ": larger than %u bytes",
		    TEEC_MAX_REPORT_BYTES);
		goto out;
	}
	if ((rc = json_parse_strict(DOC, p, n, TEEC_MAX_JSON_DEPTH, &root,
	    err)) != TEEC_OK)
		goto out;
	/* in-toto Statement v1: _type, subject, predicateType, predicate. */
	if ((rc = json_want_object(root, DOC, "", err)) != TEEC_OK ||
	    (rc = json_only_keys(root, keys, DOC, "", err)) != TEEC_OK ||
	    (rc = get_const(root, "", "_type", REPORT_STATEMENT_TYPE, err)) !=
	    TEEC_OK ||
	    (rc = get_const(root, "", "predicateType", REPORT_PREDICATE_TYPE,
	    err)) != TEEC_OK)
		goto out;
	if ((rc = parse_subjects(root, r, err)) != TEEC_OK)
		goto out;
	/* SLSA Provenance v1: buildDefinition, runDetails. */
	if ((rc = get_object_only(root, "", "predicate", pkeys, &pred, err)) !=
	    TEEC_OK ||
	    (rc = get_object_only(pred, P_PRED, "buildDefinition", bkeys, &bd,
	    err)) != TEEC_OK ||
	    (rc = get_const(bd, P_BD, "buildType", REPORT_BUILD_TYPE, err)) !=
	    TEEC_OK)
		goto out;
	if ((rc = parse_external(bd, r, err)) != TEEC_OK ||
	    (rc = parse_internal(bd, r, err)) != TEEC_OK ||
	    (rc = parse_deps(bd, r, err)) != TEEC_OK ||
	    (rc = parse_run(pred, r, err)) != TEEC_OK)
		goto out;
	rc = TEEC_OK;
out:
	cJSON_Delete(root);
	if (rc != TEEC_OK)
		report_free(r);
	return rc;
}

void
report_free(struct report *r)
{
	size_t i;

	if (r == NULL)
		return;
	if (r->subjects != NULL)
		for (i = 0; i < r->nsubjects; i++)
			free(r->subjects[i].name);
	free(r->subjects);
	free(r->build_json);
	free(r->language);
	free(r->command);
	free(r->source_commit);
	free(r->source_uri);
	if (r->deps != NULL)
		for (i = 0; i < r->ndeps; i++) {
			free(r->deps[i].name);
			free(r->deps[i].uri);
			free(r->deps[i].method);
			free(r->deps[i].reason);
		}
	free(r->deps);
	if (r->env != NULL)
		for (i = 0; i < r->nenv; i++) {
			free(r->env[i].name);
			free(r->env[i].value);
		}
	free(r->env);
	free(r->umask);
	free(r->isolation);
	free(r->internal_json);
	free(r->builder_id);
	free(r->builder_version);
	free(r->invocation_id);
	free(r->started_on);
	free(r->finished_on);
	memset(r, 0, sizeof(*r));
}

static int
cmp_subject(const void *a, const void *b)
{
	const struct report_subject *s = b;

	return strcmp((const char *)a, s->name);
}

const struct report_subject *
report_find_subject(const struct report *r, const char *name)
{
	if (r == NULL || name == NULL || r->subjects == NULL)
		return NULL;
	return bsearch(name, r->subjects, r->nsubjects, sizeof(*r->subjects),
	    cmp_subject);
}

void
report_binding(const uint8_t *report, size_t n,
    uint8_t out[REPORT_BINDING_LEN])
{
	static const uint8_t empty[1];

	memcpy(out, REPORT_BINDING_PREFIX, REPORT_BINDING_PREFIX_LEN);
	SHA384(report != NULL ? report : empty, n,
	    out + REPORT_BINDING_PREFIX_LEN);
}

/* Writer. */

/* Errors stick: after the first failed append nothing more is written. */
struct wr {
	struct buf *b;
	int failed;
};

static void
w_raw(struct wr *w, const char *s)
{
	if (!w->failed && buf_append(w->b, s, strlen(s)) == -1)
		w->failed = 1;
}

static void
w_str(struct wr *w, const char *s)
{
	if (!w->failed && json_buf_string(w->b, s, strlen(s)) == -1)
		w->failed = 1;
}

static void
w_hex(struct wr *w, const uint8_t *p, size_t n)
{
	char hex[2 * 48 + 1];

	if (n > 48) {
		w->failed = 1;
		return;
	}
	hex_encode(p, n, hex);
	w_raw(w, "\"");
	w_raw(w, hex);
	w_raw(w, "\"");
}

static void
w_int(struct wr *w, int64_t v)
{
	if (!w->failed && buf_printf(w->b, "%lld", (long long)v) == -1)
		w->failed = 1;
}

/* {"sha256":HEX} */
static void
w_digest256(struct wr *w, const uint8_t sha256[32])
{
	w_raw(w, "{\"sha256\":");
	w_hex(w, sha256, 32);
	w_raw(w, "}");
}

static int
werr(struct teec_err *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* "report.json: cannot write: message", a TEEC_ERROR. */
static int
werr(struct teec_err *err, const char *fmt, ...)
{
	char msg[TEEC_ERR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return teec_errf(err, TEEC_ERROR, DOC ": cannot write: %s", msg);
}

static int
cmp_subject_ptr(const void *a, const void *b)
{
	const struct report_subject *const *x = a, *const *y = b;

	return strcmp((*x)->name, (*y)->name);
}

struct env_pair {
	const char *name;
	const char *value;
};

static int
cmp_env(const void *a, const void *b)
{
	const struct env_pair *x = a, *y = b;

	return strcmp(x->name, y->name);
}

static int
text_ok(const char *s, size_t maxlen)
{
	size_t n = strlen(s);

	return n > 0 && n <= maxlen && utf8_valid((const uint8_t *)s, n);
}

/* The same shapes parse_net_dep() accepts. */
static int
check_dep(const struct report_dep *d, size_t i, struct teec_err *err)
{
	if (d->name != NULL && (!text_ok(d->name, TEEC_MAX_REPORT_TEXT) ||
	    strcmp(d->name, "source") == 0 ||
	    strcmp(d->name, "enclave-image") == 0))
		return werr(err, "dependency %zu: bad name", i);
	if (d->uri == NULL || !uri_ok(d->uri))
		return werr(err, "dependency %zu: missing or bad URI", i);
	if (d->method == NULL || !method_ok(d->method))
		return werr(err, "dependency %zu: missing or bad method", i);
	if (d->refused) {
		if (d->reason == NULL || !text_ok(d->reason,
		    TEEC_MAX_REPORT_TEXT) || d->has_sha256 || d->status != -1 ||
		    d->size != -1)
			return werr(err, "dependency %zu: a refused fetch has a "
			    "reason and no digest, status or size", i);
	} else if (d->reason != NULL || !d->has_sha256 || d->status < 100 ||
	    d->status > 599 || d->size < 0 || d->size > JSON_INT_LIMIT)
		return werr(err, "dependency %zu: a fetch has a digest, a "
		    "status from 100 to 599 and a size, and no reason", i);
	return TEEC_OK;
}

static int
check_input(const struct report_input *in, struct teec_err *err)
{
	const char *why;
	size_t i;
	int rc;

	if (in->source_sha256 == NULL)
		return werr(err, "no source digest");
	if (in->source_commit != NULL && !commit_ok(in->source_commit))
		return werr(err, "source commit is not 40 or 64 lower-case hex "
		    "digits");
	if (in->nenv > TEEC_MAX_REPORT_ENV)
		return werr(err, "more than %u environment variables",
		    TEEC_MAX_REPORT_ENV);
	for (i = 0; i < in->nenv; i++) {
		if (in->env_names == NULL || in->env_values == NULL ||
		    in->env_names[i] == NULL || in->env_values[i] == NULL ||
		    !env_name_ok(in->env_names[i]))
			return werr(err, "environment variable %zu: bad name", i);
		if (strlen(in->env_values[i]) > TEEC_MAX_ENV_VALUE ||
		    !utf8_valid((const uint8_t *)in->env_values[i],
		    strlen(in->env_values[i])))
			return werr(err, "environment variable %zu: value not "
			    "UTF-8 or longer than %u bytes", i,
			    TEEC_MAX_ENV_VALUE);
	}
	if (in->source_date_epoch < 0 || in->source_date_epoch > JSON_INT_LIMIT)
		return werr(err, "SOURCE_DATE_EPOCH out of range");
	if (in->timeout < TEEC_TIMEOUT_MIN || in->timeout > TEEC_TIMEOUT_MAX)
		return werr(err, "timeout out of range");
	if (in->isolation == NULL || !isolation_ok(in->isolation))
		return werr(err, "bad isolation");
	if (in->builder_id == NULL || !uri_ok(in->builder_id))
		return werr(err, "builder id is not an absolute URI");
	if (in->builder_version == NULL || !version_ok(in->builder_version))
		return werr(err, "bad builder version");
	if (in->invocation_id == NULL || !uuid_ok(in->invocation_id))
		return werr(err, "invocation id is not a lower-case UUID");
	if (in->started < 0 || in->started > MAX_TIME || in->finished < 0 ||
	    in->finished > MAX_TIME)
		return werr(err, "start or finish time out of range");
	if (in->nsubjects == 0 || in->nsubjects > TEEC_MAX_SUBJECTS ||
	    in->subjects == NULL)
		return werr(err, "expected 1 to %u subjects", TEEC_MAX_SUBJECTS);
	for (i = 0; i < in->nsubjects; i++) {
		if (in->subjects[i].name == NULL)
			return werr(err, "subject %zu: no name", i);
		why = name_problem(in->subjects[i].name,
		    strlen(in->subjects[i].name));
		if (why != NULL)
			return werr(err, "subject %zu: %s", i, why);
	}
	if (in->ndeps > TEEC_MAX_DEPENDENCIES || (in->ndeps > 0 &&
	    in->deps == NULL))
		return werr(err, "more than %u dependencies",
		    TEEC_MAX_DEPENDENCIES);
	for (i = 0; i < in->ndeps; i++)
		if ((rc = check_dep(&in->deps[i], i, err)) != TEEC_OK)
			return rc;
	return TEEC_OK;
}

static void
w_dep(struct wr *w, const struct report_dep *d)
{
	w_raw(w, ",{");
	if (d->name != NULL) {
		w_raw(w, "\"name\":");
		w_str(w, d->name);
		w_raw(w, ",");
	}
	w_raw(w, "\"uri\":");
	w_str(w, d->uri);
	if (d->has_sha256) {
		w_raw(w, ",\"digest\":");
		w_digest256(w, d->sha256);
	}
	w_raw(w, ",\"annotations\":{\"method\":");
	w_str(w, d->method);
	if (d->refused) {
		w_raw(w, ",\"refused\":true,\"reason\":");
		w_str(w, d->reason);
	} else {
		w_raw(w, ",\"status\":");
		w_int(w, d->status);
		w_raw(w, ",\"size\":");
		w_int(w, d->size);
	}
	w_raw(w, "}}");
}

int
report_write(const struct report_input *in, struct buf *out,
    struct teec_err *err)
{
	const struct report_subject **subj = NULL;
	struct env_pair *env = NULL;
	struct buildcfg cfg;
	struct report check;
	struct teec_err cerr;
	struct wr w;
	cJSON *build = NULL;
	char *btext = NULL, tbuf[32];
	uint8_t bdigest[32];
	size_t i;
	int rc;

	memset(&cfg, 0, sizeof(cfg));
	memset(&check, 0, sizeof(check));
	buf_init(out, TEEC_MAX_REPORT_BYTES);
	w.b = out;
	w.failed = 0;
	if ((rc = check_input(in, err)) != TEEC_OK)
		goto out;
	/* externalParameters.build: a valid build.json, written compactly. */
	memset(&cerr, 0, sizeof(cerr));
	if (in->build_json == NULL || buildcfg_parse(in->build_json,
	    in->build_json_len, &cfg, &cerr) != TEEC_OK) {
		rc = werr(err, "%s", in->build_json == NULL ? "no build.json" :
		    cerr.msg);
		goto out;
	}
	if (json_parse_strict("build.json", in->build_json, in->build_json_len,
	    TEEC_MAX_JSON_DEPTH, &build, &cerr) != TEEC_OK ||
	    (btext = cJSON_PrintUnformatted(build)) == NULL) {
		rc = werr(err, "build.json: out of memory");
		goto out;
	}
	SHA256(in->build_json, in->build_json_len, bdigest);

	/* Sorted copies: names are compared byte for byte. */
	if ((subj = calloc(in->nsubjects, sizeof(*subj))) == NULL ||
	    (in->nenv > 0 && (env = calloc(in->nenv, sizeof(*env))) == NULL)) {
		rc = oom(err);
		goto out;
	}
	for (i = 0; i < in->nsubjects; i++)
		subj[i] = &in->subjects[i];
	qsort(subj, in->nsubjects, sizeof(*subj), cmp_subject_ptr);
	for (i = 1; i < in->nsubjects; i++)
		if (strcmp(subj[i - 1]->name, subj[i]->name) == 0) {
			rc = werr(err, "two subjects with the same name");
			goto out;
		}
	for (i = 0; i < in->nenv; i++) {
		env[i].name = in->env_names[i];
		env[i].value = in->env_values[i];
	}
	if (in->nenv > 0)
		qsort(env, in->nenv, sizeof(*env), cmp_env);
	for (i = 1; i < in->nenv; i++)
		if (strcmp(env[i - 1].name, env[i].name) == 0) {
			rc = werr(err, "two environment variables with the "
			    "same name");
			goto out;
		}

	/* in-toto Statement v1. */
	w_raw(&w, "{\"_type\":\"" REPORT_STATEMENT_TYPE "\",\"subject\":[");
	for (i = 0; i < in->nsubjects; i++) {
		w_raw(&w, i > 0 ? ",{\"name\":" : "{\"name\":");
		w_str(&w, subj[i]->name);
		w_raw(&w, ",\"digest\":{\"sha256\":");
		w_hex(&w, subj[i]->sha256, 32);
		if (subj[i]->has_sha384) {
			w_raw(&w, ",\"sha384\":");
			w_hex(&w, subj[i]->sha384, 48);
		}
		w_raw(&w, "}}");
	}
	w_raw(&w, "],\"predicateType\":\"" REPORT_PREDICATE_TYPE "\","
	    "\"predicate\":{\"buildDefinition\":{\"buildType\":\""
	    REPORT_BUILD_TYPE "\",");

	/* SLSA Provenance v1: buildDefinition. */
	w_raw(&w, "\"externalParameters\":{\"build\":");
	w_raw(&w, btext);
	w_raw(&w, ",\"buildDigest\":");
	w_digest256(&w, bdigest);
	w_raw(&w, ",\"source\":{\"digest\":");
	w_digest256(&w, in->source_sha256);
	if (in->source_commit != NULL) {
		w_raw(&w, ",\"gitCommit\":");
		w_str(&w, in->source_commit);
	}
	w_raw(&w, "}");
	if (in->upstream_ca_sha256 != NULL) {
		w_raw(&w, ",\"upstreamCa\":{\"digest\":");
		w_digest256(&w, in->upstream_ca_sha256);
		w_raw(&w, "}");
	}
	w_raw(&w, "},\"internalParameters\":{\"environment\":{");
	for (i = 0; i < in->nenv; i++) {
		if (i > 0)
			w_raw(&w, ",");
		w_str(&w, env[i].name);
		w_raw(&w, ":");
		w_str(&w, env[i].value);
	}
	w_raw(&w, "},\"sourceDateEpoch\":");
	w_int(&w, in->source_date_epoch);
	w_raw(&w, ",\"timeout\":");
	w_int(&w, in->timeout);
	w_raw(&w, ",\"umask\":\"" REPORT_UMASK "\",\"isolation\":");
	w_str(&w, in->isolation);
	w_raw(&w, ",\"worker\":{\"name\":\"" REPORT_WORKER_NAME
	    "\",\"version\":");
	w_str(&w, in->builder_version);
	w_raw(&w, "}},\"resolvedDependencies\":[{\"name\":\"source\","
	    "\"uri\":\"" REPORT_SOURCE_URI "\",\"digest\":");
	w_digest256(&w, in->source_sha256);
	w_raw(&w, "}");
	if (in->pcrs != NULL) {
		w_raw(&w, ",{\"name\":\"enclave-image\",\"uri\":\""
		    REPORT_IMAGE_URI "\",\"annotations\":{\"pcr0\":");
		w_hex(&w, in->pcrs[0], 48);
		w_raw(&w, ",\"pcr1\":");
		w_hex(&w, in->pcrs[1], 48);
		w_raw(&w, ",\"pcr2\":");
		w_hex(&w, in->pcrs[2], 48);
		w_raw(&w, "}}");
	}
	for (i = 0; i < in->ndeps; i++)
		w_dep(&w, &in->deps[i]);
	w_raw(&w, "]},");

	/* SLSA Provenance v1: runDetails. */
	w_raw(&w, "\"runDetails\":{\"builder\":{\"id\":");
	w_str(&w, in->builder_id);
	w_raw(&w, ",\"version\":{\"" REPORT_WORKER_NAME "\":");
	w_str(&w, in->builder_version);
	w_raw(&w, "}},\"metadata\":{\"invocationId\":");
	w_str(&w, in->invocation_id);
	time_fmt(in->started, tbuf, sizeof(tbuf));
	w_raw(&w, ",\"startedOn\":");
	w_str(&w, tbuf);
	time_fmt(in->finished, tbuf, sizeof(tbuf));
	w_raw(&w, ",\"finishedOn\":");
	w_str(&w, tbuf);
	w_raw(&w, "},\"byproducts\":[");
	if (in->log_sha256 != NULL) {
		w_raw(&w, "{\"name\":\"" REPORT_LOG_NAME "\",\"digest\":");
		w_digest256(&w, in->log_sha256);
		w_raw(&w, "}");
	}
	if (in->net_sha256 != NULL) {
		w_raw(&w, in->log_sha256 != NULL ? "," : "");
		w_raw(&w, "{\"name\":\"" REPORT_NET_NAME "\",\"digest\":");
		w_digest256(&w, in->net_sha256);
		w_raw(&w, "}");
	}
	w_raw(&w, "]}}}\n");
	if (w.failed) {
		rc = werr(err, "larger than %u bytes, or out of memory",
		    TEEC_MAX_REPORT_BYTES);
		goto out;
	}
	/* What teec writes, teec must read back. */
	if (report_parse(out->data, out->len, &check, &cerr) != TEEC_OK) {
		rc = werr(err, "the result does not parse: %s", cerr.msg);
		goto out;
	}
	rc = TEEC_OK;
out:
	report_free(&check);
	buildcfg_free(&cfg);
	cJSON_free(btext);
	cJSON_Delete(build);
	free(subj);
	free(env);
	if (rc != TEEC_OK)
		buf_free(out);
	return rc;
}

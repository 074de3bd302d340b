/* SPDX-License-Identifier: ISC */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/caps.h"
#include "common/escape.h"
#include "common/json.h"
#include "common/utf8.h"

#define JSON_PATH_MAX   256     /* a location in a message */
#define JSON_SAFE_MAX   64      /* bytes of a document's name in a message */

/* RFC 8259 section 2: ws = *( %x20 / %x09 / %x0A / %x0D ) */
static int
is_ws(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int
is_digit(uint8_t c)
{
	return c >= '0' && c <= '9';
}

/*
 * 1-based line and column of offset off. Lines end at LF; the column
 * counts UTF-8 characters (bytes that are not continuation bytes), which
 * is what an editor shows; the bytes before off are valid UTF-8.
 */
static void
json_position(const uint8_t *p, size_t off, size_t *line, size_t *col)
{
	size_t i;

	*line = 1;
	*col = 1;
	for (i = 0; i < off; i++) {
		if (p[i] == '\n') {
			(*line)++;
			*col = 1;
		} else if ((p[i] & 0xc0) != 0x80)
			(*col)++;
	}
}

static int
pos_err(struct teec_err *err, const char *what, const uint8_t *p,
    size_t off, const char *why)
{
	size_t line, col;

	json_position(p, off, &line, &col);
	return teec_errf(err, TEEC_FAIL, "%s:%zu:%zu: %s", what, line, col,
	    why);
}

/*
 * The grammar check. It builds nothing: it walks the bytes once with an
 * explicit stack of open containers, so its depth is bounded by maxdepth
 * and not by the C stack. On failure *off is where the error is and *why
 * says what was wrong.
 */
enum scan_state {
	S_VALUE,        /* a value must come */
	S_ARRAY_FIRST,  /* after '[': a value or ']' */
	S_OBJECT_FIRST, /* after '{': a key or '}' */
	S_KEY,          /* after ',' in an object */
	S_COLON,        /* after a key */
	S_AFTER,        /* after a value inside a container */
	S_END,          /* after the top-level value */
};

static int
hex4(const uint8_t *p, size_t n, size_t at, unsigned int *v)
{
	size_t i;
	uint8_t c;

	*v = 0;
	if (at > n || n - at < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		c = p[at + i];
		*v <<= 4;
		if (c >= '0' && c <= '9')
			*v |= (unsigned int)(c - '0');
		else if (c >= 'a' && c <= 'f')
			*v |= (unsigned int)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			*v |= (unsigned int)(c - 'A' + 10);
		else
			return -1;
	}
	return 0;
}

/* RFC 8259 section 7. *off is at the opening quote; on success past the
 * closing one. The document is already known to be UTF-8 without NUL. */
static int
scan_string(const uint8_t *p, size_t n, size_t *off, const char **why)
{
	size_t i = *off + 1;
	unsigned int u, lo;
	uint8_t c;

	for (;;) {
		if (i >= n) {
			*off = n;
			*why = "invalid JSON: unterminated string";
			return -1;
		}
		c = p[i];
		if (c == '"') {
			*off = i + 1;
			return 0;
		}
		if (c < 0x20) {
			*off = i;
			*why = "invalid JSON: control character in a string "
			    "(must be escaped)";
			return -1;
		}
		if (c != '\\') {
			i++;
			continue;
		}
		if (n - i < 2) {
			*off = n;
			*why = "invalid JSON: unterminated string";
			return -1;
		}
		switch (p[i + 1]) {
		case '"': case '\\': case '/':
		case 'b': case 'f': case 'n': case 'r': case 't':
			i += 2;
			continue;
		case 'u':
			break;
		default:
			*off = i;
			*why = "invalid JSON: invalid escape in a string";
			return -1;
		}
		if (hex4(p, n, i + 2, &u) == -1) {
			*off = i;
			*why = "invalid JSON: \\u needs four hex digits";
			return -1;
		}
		if (u == 0) {
			*off = i;
			*why = "\\u0000 is not allowed in a string";
			return -1;
		}
		if (u >= 0xdc00 && u <= 0xdfff) {
			*off = i;
			*why = "invalid JSON: unpaired surrogate escape";
			return -1;
		}
		if (u >= 0xd800 && u <= 0xdbff) {
			/* RFC 8259 section 7: a pair \uD8xx\uDCxx. */
			if (n - i < 12 || p[i + 6] != '\\' || p[i + 7] != 'u' ||
			    hex4(p, n, i + 8, &lo) == -1 ||
			    lo < 0xdc00 || lo > 0xdfff) {
				*off = i;
				*why = "invalid JSON: unpaired surrogate escape";
				return -1;
			}
			i += 12;
		} else
			i += 6;
	}
}

/* RFC 8259 section 6:
 * number = [ minus ] int [ frac ] [ exp ]; int = zero / ( digit1-9 *DIGIT ) */
static int
scan_number(const uint8_t *p, size_t n, size_t *off, const char **why)
{
	size_t i = *off;

	*why = "invalid JSON: invalid number";
	if (p[i] == '-')
		i++;
	if (i >= n || !is_digit(p[i]))
		goto bad;
	if (p[i] == '0') {
		i++;
		if (i < n && is_digit(p[i])) {
			*why = "invalid JSON: leading zero in a number";
			goto bad;
		}
	} else
		while (i < n && is_digit(p[i]))
			i++;
	if (i < n && p[i] == '.') {
		i++;
		if (i >= n || !is_digit(p[i]))
			goto bad;
		while (i < n && is_digit(p[i]))
			i++;
	}
	if (i < n && (p[i] == 'e' || p[i] == 'E')) {
		i++;
		if (i < n && (p[i] == '+' || p[i] == '-'))
			i++;
		if (i >= n || !is_digit(p[i]))
			goto bad;
		while (i < n && is_digit(p[i]))
			i++;
	}
	if (i - *off > TEEC_MAX_JSON_NUMBER) {
		*why = "number too long";
		goto bad;
	}
	*off = i;
	return 0;
bad:
	return -1;
}

static int
scan_literal(const uint8_t *p, size_t n, size_t *off, const char **why)
{
	static const char *const lits[] = { "true", "false", "null" };
	size_t i, len;

	for (i = 0; i < sizeof(lits) / sizeof(lits[0]); i++) {
		len = strlen(lits[i]);
		if (n - *off >= len && memcmp(p + *off, lits[i], len) == 0) {
			*off += len;
			return 0;
		}
	}
	*why = "invalid JSON: expected a value";
	return -1;
}

static int
json_scan(const uint8_t *p, size_t n, size_t maxdepth, size_t *offp,
    const char **why)
{
	uint8_t stack[JSON_MAX_DEPTH_LIMIT];
	enum scan_state st = S_VALUE;
	size_t off = 0, depth = 0;
	int rc = -1, value_done;
	uint8_t c, top;

	if (n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf) {
		*why = "byte order mark not allowed (RFC 8259 section 8.1)";
		goto out;
	}
	for (;;) {
		while (off < n && is_ws(p[off]))
			off++;
		if (off == n) {
			if (st != S_END) {
				*why = "invalid JSON: unexpected end of input";
				goto out;
			}
			break;
		}
		c = p[off];
		value_done = 0;
		switch (st) {
		case S_END:
			*why = "invalid JSON: trailing data after the value";
			goto out;
		case S_ARRAY_FIRST:
			if (c == ']') {
				off++;
				depth--;
				value_done = 1;
				break;
			}
			/* FALLTHROUGH */
		case S_VALUE:
			if (c == '{' || c == '[') {
				if (depth >= maxdepth) {
					*why = NULL;	/* the caller says how deep */
					goto out;
				}
				stack[depth++] = c;
				off++;
				st = c == '{' ? S_OBJECT_FIRST : S_ARRAY_FIRST;
				break;
			}
			if (c == '"') {
				if (scan_string(p, n, &off, why) == -1)
					goto out;
			} else if (c == '-' || is_digit(c)) {
				if (scan_number(p, n, &off, why) == -1)
					goto out;
			} else if (scan_literal(p, n, &off, why) == -1)
				goto out;
			value_done = 1;
			break;
		case S_OBJECT_FIRST:
			if (c == '}') {
				off++;
				depth--;
				value_done = 1;
				break;
			}
			/* FALLTHROUGH */
		case S_KEY:
			if (c != '"') {
				*why = st == S_KEY ?
				    "invalid JSON: expected a string key" :
				    "invalid JSON: expected a string key or '}'";
				goto out;
			}
			if (scan_string(p, n, &off, why) == -1)
				goto out;
			st = S_COLON;
			break;
		case S_COLON:
			if (c != ':') {
				*why = "invalid JSON: expected ':' after a key";
				goto out;
			}
			off++;
			st = S_VALUE;
			break;
		case S_AFTER:
			top = stack[depth - 1];
			if (c == ',') {
				off++;
				st = top == '{' ? S_KEY : S_VALUE;
				break;
			}
			if ((top == '{' && c == '}') || (top == '[' && c == ']')) {
				off++;
				depth--;
				value_done = 1;
				break;
			}
			*why = top == '{' ? "invalid JSON: expected ',' or '}'" :
			    "invalid JSON: expected ',' or ']'";
			goto out;
		}
		if (value_done)
			st = depth == 0 ? S_END : S_AFTER;
	}
	rc = 0;
out:
	*offp = off;
	return rc;
}

void
json_safe_text(char *out, size_t outsz, const char *s)
{
	struct buf b;
	size_t n, len;

	if (outsz == 0)
		return;
	n = strnlen(s, JSON_SAFE_MAX + 1);
	buf_init(&b, JSON_SAFE_MAX * 4 + 3);
	if (esc_term(&b, s, n > JSON_SAFE_MAX ? JSON_SAFE_MAX : n) == -1 ||
	    (n > JSON_SAFE_MAX && buf_append(&b, "...", 3) == -1)) {
		snprintf(out, outsz, "%s", "(name not shown: out of memory)");
		goto out;
	}
	len = b.len < outsz - 1 ? b.len : outsz - 1;
	if (len > 0)
		memcpy(out, b.data, len);
	out[len] = '\0';
out:
	buf_free(&b);
}

/* path + "." + safe(key), or key alone at the top; path + "[i]". A
 * location that does not fit ends in "...". */
static void
path_join(char *out, size_t outsz, const char *path, const char *key)
{
	char safe[JSON_SAFE_MAX * 4 + 4];
	int r;

	json_safe_text(safe, sizeof(safe), key);
	r = snprintf(out, outsz, "%s%s%s", path, path[0] != '\0' ? "." : "",
	    safe);
	if ((r < 0 || (size_t)r >= outsz) && outsz > 4)
		memcpy(out + outsz - 4, "...", 4);
}

static void
path_index(char *out, size_t outsz, const char *path, size_t i)
{
	int r;

	r = snprintf(out, outsz, "%s[%zu]", path, i);
	if ((r < 0 || (size_t)r >= outsz) && outsz > 4)
		memcpy(out + outsz - 4, "...", 4);
}

/* "doc: path: msg", or "doc: msg" at the top level. */
static int
field_err(struct teec_err *err, int status, const char *doc, const char *path,
    const char *msg)
{
	if (path[0] == '\0')
		return teec_errf(err, status, "%s: %s", doc, msg);
	return teec_errf(err, status, "%s: %s: %s", doc, path, msg);
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Small objects are checked pairwise; larger ones sorted (n log n). */
#define DUP_PAIRWISE 16

static int
check_dups(const cJSON *obj, const char *what, const char *path,
    struct teec_err *err)
{
	const char **names = NULL;
	const cJSON *a, *b;
	const char *dup = NULL;
	char safe[JSON_SAFE_MAX * 4 + 4], where[sizeof(safe) + 32];
	size_t n = 0, i;
	int rc = TEEC_ERROR;

	for (a = obj->child; a != NULL; a = a->next)
		n++;
	if (n <= DUP_PAIRWISE) {
		for (a = obj->child; a != NULL && dup == NULL; a = a->next)
			for (b = a->next; b != NULL; b = b->next)
				if (strcmp(a->string, b->string) == 0) {
					dup = a->string;
					break;
				}
	} else {
		if ((names = calloc(n, sizeof(*names))) == NULL) {
			teec_errf(err, TEEC_ERROR, "%s: out of memory", what);
			goto out;
		}
		for (i = 0, a = obj->child; a != NULL; a = a->next)
			names[i++] = a->string;
		qsort(names, n, sizeof(*names), cmp_names);
		for (i = 1; i < n && dup == NULL; i++)
			if (strcmp(names[i - 1], names[i]) == 0)
				dup = names[i];
	}
	if (dup != NULL) {
		json_safe_text(safe, sizeof(safe), dup);
		snprintf(where, sizeof(where), "duplicate key \"%s\"", safe);
		rc = field_err(err, TEEC_FAIL, what, path, where);
		goto out;
	}
	rc = TEEC_OK;
out:
	free(names);
	return rc;
}

/* Walk the tree (depth already bounded by the scan). */
static int
check_tree(const cJSON *v, const char *what, const char *path,
    struct teec_err *err)
{
	const cJSON *c;
	char sub[JSON_PATH_MAX];
	size_t i = 0;
	int rc;

	if (cJSON_IsNumber(v) && !isfinite(v->valuedouble))
		return field_err(err, TEEC_FAIL, what, path,
		    "number out of range");
	if (cJSON_IsObject(v)) {
		if ((rc = check_dups(v, what, path, err)) != TEEC_OK)
			return rc;
		for (c = v->child; c != NULL; c = c->next) {
			path_join(sub, sizeof(sub), path, c->string);
			if ((rc = check_tree(c, what, sub, err)) != TEEC_OK)
				return rc;
		}
	} else if (cJSON_IsArray(v)) {
		for (c = v->child; c != NULL; c = c->next, i++) {
			path_index(sub, sizeof(sub), path, i);
			if ((rc = check_tree(c, what, sub, err)) != TEEC_OK)
				return rc;
		}
	}
	return TEEC_OK;
}

int
json_parse_strict(const char *what, const uint8_t *p, size_t n,
    size_t maxdepth, cJSON **out, struct teec_err *err)
{
	cJSON *root = NULL;
	const char *end = NULL, *why = NULL;
	const uint8_t *nul;
	char depthmsg[64];
	size_t off;
	int rc = TEEC_ERROR;

	*out = NULL;
	if (maxdepth > JSON_MAX_DEPTH_LIMIT || (p == NULL && n > 0)) {
		teec_errf(err, TEEC_ERROR, "%s: bad arguments to the JSON parser",
		    what);
		goto out;
	}
	if (n == 0) {
		rc = teec_errf(err, TEEC_FAIL, "%s:1:1: invalid JSON: empty "
		    "document", what);
		goto out;
	}
	/* RFC 8259 section 8.1: UTF-8 (RFC 3629). */
	if ((off = utf8_check(p, n)) != n) {
		rc = pos_err(err, what, p, off, "invalid UTF-8");
		goto out;
	}
	if ((nul = memchr(p, '\0', n)) != NULL) {
		rc = pos_err(err, what, p, (size_t)(nul - p), "NUL byte");
		goto out;
	}
	if (json_scan(p, n, maxdepth, &off, &why) == -1) {
		if (why == NULL) {
			snprintf(depthmsg, sizeof(depthmsg),
			    "nesting deeper than %zu", maxdepth);
			why = depthmsg;
		}
		rc = pos_err(err, what, p, off, why);
		goto out;
	}
	/* The bytes are strict JSON: cJSON builds the tree. */
	root = cJSON_ParseWithLengthOpts((const char *)p, n, &end, 0);
	if (root == NULL) {
		off = end != NULL && end >= (const char *)p &&
		    end <= (const char *)p + n ? (size_t)(end - (const char *)p) : 0;
		rc = pos_err(err, what, p, off, "invalid JSON");
		goto out;
	}
	if (end == NULL || end < (const char *)p || end > (const char *)p + n) {
		rc = teec_errf(err, TEEC_FAIL, "%s: invalid JSON", what);
		goto out;
	}
	for (off = (size_t)(end - (const char *)p); off < n; off++)
		if (!is_ws(p[off])) {
			rc = pos_err(err, what, p, off,
			    "invalid JSON: trailing data after the value");
			goto out;
		}
	if ((rc = check_tree(root, what, "", err)) != TEEC_OK)
		goto out;
	*out = root;
	root = NULL;
	rc = TEEC_OK;
out:
	cJSON_Delete(root);
	return rc;
}

/* Typed access. */

int
json_want_string(const cJSON *v, const char *doc, const char *path,
    unsigned int flags, size_t maxlen, const char **out, struct teec_err *err)
{
	const char *want = flags & JSON_EMPTY_OK ? "expected a string" :
	    "expected a non-empty string";
	char msg[128];
	size_t len;

	*out = NULL;
	if (v == NULL) {
		snprintf(msg, sizeof(msg), "missing (%s)", want);
		return field_err(err, TEEC_FAIL, doc, path, msg);
	}
	if (!cJSON_IsString(v) || v->valuestring == NULL)
		return field_err(err, TEEC_FAIL, doc, path, want);
	len = strlen(v->valuestring);
	if (len == 0 && !(flags & JSON_EMPTY_OK))
		return field_err(err, TEEC_FAIL, doc, path, want);
	if (maxlen > 0 && len > maxlen) {
		snprintf(msg, sizeof(msg), "longer than %zu bytes", maxlen);
		return field_err(err, TEEC_FAIL, doc, path, msg);
	}
	*out = v->valuestring;
	return TEEC_OK;
}

int
json_want_object(const cJSON *v, const char *doc, const char *path,
    struct teec_err *err)
{
	if (v == NULL)
		return field_err(err, TEEC_FAIL, doc, path,
		    "missing (expected an object)");
	if (!cJSON_IsObject(v))
		return field_err(err, TEEC_FAIL, doc, path,
		    "expected an object");
	return TEEC_OK;
}

int
json_want_array(const cJSON *v, const char *doc, const char *path,
    unsigned int flags, size_t maxitems, size_t *count, struct teec_err *err)
{
	const char *want = flags & JSON_EMPTY_OK ? "expected an array" :
	    "expected a non-empty array";
	const cJSON *c;
	char msg[128];
	size_t n = 0;

	if (count != NULL)
		*count = 0;
	if (v == NULL) {
		snprintf(msg, sizeof(msg), "missing (%s)", want);
		return field_err(err, TEEC_FAIL, doc, path, msg);
	}
	if (!cJSON_IsArray(v))
		return field_err(err, TEEC_FAIL, doc, path, want);
	for (c = v->child; c != NULL; c = c->next) {
		if (n == maxitems) {
			snprintf(msg, sizeof(msg), "more than %zu entries",
			    maxitems);
			return field_err(err, TEEC_FAIL, doc, path, msg);
		}
		n++;
	}
	if (n == 0 && !(flags & JSON_EMPTY_OK))
		return field_err(err, TEEC_FAIL, doc, path, want);
	if (count != NULL)
		*count = n;
	return TEEC_OK;
}

int
json_want_bool(const cJSON *v, const char *doc, const char *path, int *out,
    struct teec_err *err)
{
	if (v == NULL)
		return field_err(err, TEEC_FAIL, doc, path,
		    "missing (expected true or false)");
	if (!cJSON_IsBool(v))
		return field_err(err, TEEC_FAIL, doc, path,
		    "expected true or false");
	*out = cJSON_IsTrue(v) ? 1 : 0;
	return TEEC_OK;
}

int
json_want_int(const cJSON *v, const char *doc, const char *path,
    int64_t min, int64_t max, int64_t *out, struct teec_err *err)
{
	char msg[128];
	double d;

	snprintf(msg, sizeof(msg), "expected an integer from %lld to %lld",
	    (long long)min, (long long)max);
	if (min < -JSON_INT_LIMIT || max > JSON_INT_LIMIT || min > max)
		return field_err(err, TEEC_ERROR, doc, path,
		    "bad integer bounds");
	if (v == NULL) {
		snprintf(msg, sizeof(msg), "missing (expected an integer "
		    "from %lld to %lld)", (long long)min, (long long)max);
		return field_err(err, TEEC_FAIL, doc, path, msg);
	}
	if (!cJSON_IsNumber(v))
		return field_err(err, TEEC_FAIL, doc, path, msg);
	d = v->valuedouble;
	/* Bounds first: they keep the conversion below defined. */
	if (!isfinite(d) || d < (double)min || d > (double)max ||
	    floor(d) != d)
		return field_err(err, TEEC_FAIL, doc, path, msg);
	*out = (int64_t)d;
	return TEEC_OK;
}

int
json_get_string(const cJSON *obj, const char *doc, const char *path,
    const char *key, unsigned int flags, size_t maxlen, const char **out,
    struct teec_err *err)
{
	const cJSON *v;
	char sub[JSON_PATH_MAX];

	*out = NULL;
	v = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (v == NULL && (flags & JSON_OPTIONAL))
		return TEEC_OK;
	path_join(sub, sizeof(sub), path, key);
	return json_want_string(v, doc, sub, flags, maxlen, out, err);
}

int
json_get_object(const cJSON *obj, const char *doc, const char *path,
    const char *key, unsigned int flags, const cJSON **out,
    struct teec_err *err)
{
	const cJSON *v;
	char sub[JSON_PATH_MAX];
	int rc;

	*out = NULL;
	v = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (v == NULL && (flags & JSON_OPTIONAL))
		return TEEC_OK;
	path_join(sub, sizeof(sub), path, key);
	if ((rc = json_want_object(v, doc, sub, err)) == TEEC_OK)
		*out = v;
	return rc;
}

int
json_get_array(const cJSON *obj, const char *doc, const char *path,
    const char *key, unsigned int flags, size_t maxitems, const cJSON **out,
    size_t *count, struct teec_err *err)
{
	const cJSON *v;
	char sub[JSON_PATH_MAX];
	int rc;

	*out = NULL;
	if (count != NULL)
		*count = 0;
	v = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (v == NULL && (flags & JSON_OPTIONAL))
		return TEEC_OK;
	path_join(sub, sizeof(sub), path, key);
	rc = json_want_array(v, doc, sub, flags, maxitems, count, err);
	if (rc == TEEC_OK)
		*out = v;
	return rc;
}

int
json_get_bool(const cJSON *obj, const char *doc, const char *path,
    const char *key, unsigned int flags, int *out, struct teec_err *err)
{
	const cJSON *v;
	char sub[JSON_PATH_MAX];

	v = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (v == NULL && (flags & JSON_OPTIONAL))
		return TEEC_OK;
	path_join(sub, sizeof(sub), path, key);
	return json_want_bool(v, doc, sub, out, err);
}

int
json_get_int(const cJSON *obj, const char *doc, const char *path,
    const char *key, unsigned int flags, int64_t min, int64_t max,
    int64_t *out, struct teec_err *err)
{
	const cJSON *v;
	char sub[JSON_PATH_MAX];

	v = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (v == NULL && (flags & JSON_OPTIONAL))
		return TEEC_OK;
	path_join(sub, sizeof(sub), path, key);
	return json_want_int(v, doc, sub, min, max, out, err);
}

int
json_only_keys(const cJSON *obj, const char *const allowed[],
    const char *doc, const char *path, struct teec_err *err)
{
	const cJSON *c;
	char sub[JSON_PATH_MAX];
	size_t i;

	if (!cJSON_IsObject(obj))
		return json_want_object(obj, doc, path, err);
	for (c = obj->child; c != NULL; c = c->next) {
		for (i = 0; allowed[i] != NULL; i++)
			if (strcmp(c->string, allowed[i]) == 0)
				break;
		if (allowed[i] == NULL) {
			path_join(sub, sizeof(sub), path, c->string);
			return field_err(err, TEEC_FAIL, doc, sub,
			    "unknown field");
		}
	}
	return TEEC_OK;
}

/* Output. */

int
json_buf_string(struct buf *b, const char *s, size_t n)
{
	static const char hexd[] = "0123456789abcdef";
	const uint8_t *p = (const uint8_t *)s;
	size_t start = b->len, i = 0, len;
	char esc[7];
	uint8_t c;

	if (n > 0 && (s == NULL || memchr(s, '\0', n) != NULL ||
	    !utf8_valid(p, n)))
		return -1;
	if (buf_putc(b, '"') == -1)
		goto fail;
	while (i < n) {
		/* Copy the longest run that needs no escape in one go. */
		for (len = 0; i + len < n; len++) {
			c = p[i + len];
			if (c < 0x20 || c == '"' || c == '\\' || c == 0x7f)
				break;
		}
		if (len > 0 && buf_append(b, p + i, len) == -1)
			goto fail;
		i += len;
		if (i == n)
			break;
		c = p[i++];
		esc[0] = '\\';
		esc[2] = '\0';
		switch (c) {
		case '"':  esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\b': esc[1] = 'b'; break;
		case '\f': esc[1] = 'f'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		default:
			esc[1] = 'u';
			esc[2] = '0';
			esc[3] = '0';
			esc[4] = hexd[c >> 4];
			esc[5] = hexd[c & 0xf];
			esc[6] = '\0';
			break;
		}
		if (buf_append(b, esc, strlen(esc)) == -1)
			goto fail;
	}
	if (buf_putc(b, '"') == -1)
		goto fail;
	return 0;
fail:
	b->len = start;
	if (b->data != NULL)
		b->data[start] = '\0';
	return -1;
}

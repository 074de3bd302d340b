/* SPDX-License-Identifier: ISC */
#ifndef TEEC_JSON_H
#define TEEC_JSON_H

#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>

#include "common/buf.h"
#include "common/status.h"

/*
 * Strict JSON for every document teec reads (build.json, report.json,
 * images.json). cJSON builds the tree; before it sees a byte, the input is
 * checked against RFC 8259 exactly, because cJSON alone accepts leading
 * zeros, "1.", control characters in strings and as white space, and turns
 * "\uZZZZ" or "\u0000" into a truncated string.
 *
 * Status convention of this module: TEEC_OK; TEEC_FAIL when the document
 * is not acceptable (the caller turns that into TEEC_ERROR for
 * configuration files); TEEC_ERROR when it could not be checked (out of
 * memory, bad arguments). Messages are one line, start with the document's
 * name, and show names taken from the document through json_safe_text().
 */

/* The largest maxdepth json_parse_strict() takes (well below cJSON's 1000). */
#define JSON_MAX_DEPTH_LIMIT 256u

/*
 * Parse n bytes at p named `what` in messages. The caller has checked n
 * against the document's cap. Refused, with "what:LINE:COLUMN: reason"
 * (1-based; the column counts characters):
 *   - bytes that are not UTF-8 (RFC 3629), NUL bytes, a byte order mark;
 *   - anything outside the RFC 8259 grammar: white space other than
 *     space, tab, CR, LF; unescaped control characters in strings; bad
 *     escapes; unpaired surrogate escapes; the escape \u0000 (strings are
 *     C strings here); numbers with leading zeros or longer than
 *     TEEC_MAX_JSON_NUMBER characters; trailing commas; trailing data;
 *   - nesting of arrays and objects deeper than maxdepth (a scalar at the
 *     top has depth 0, "{}" depth 1).
 * Refused after parsing, with "what: PATH: reason":
 *   - an object with two members of the same name (compared byte for byte);
 *   - a number whose value is not finite (e.g. 1e400).
 * On success *out holds the tree (free with cJSON_Delete()); otherwise NULL.
 */
int json_parse_strict(const char *what, const uint8_t *p, size_t n,
    size_t maxdepth, cJSON **out, struct teec_err *err);

/*
 * Copy s into out (outsz bytes) for an error message, escaped by esc_term()
 * (common/escape.h): printable ASCII is kept, a backslash doubled, every
 * other byte shown as \xNN. More than 64 bytes of s are cut short with
 * "...". Always NUL-terminates when outsz > 0.
 */
void json_safe_text(char *out, size_t outsz, const char *s);

/*
 * Typed access. `doc` names the document ("build.json"); `path` is the
 * dotted location of obj ("" at the top, "input", "output.files[2]") and
 * must already be safe to print. Messages read "doc: path.key: reason",
 * e.g. "build.json: input.cmd: expected a non-empty string".
 *
 * JSON_OPTIONAL: an absent member is not an error; then string, object
 * and array outputs are set to NULL and bool and integer outputs are left
 * as they were (preset the default). null is never "absent": it is a value
 * of the wrong type.
 * JSON_EMPTY_OK: accept "" for strings and [] for arrays (objects may
 * always be empty).
 */
#define JSON_OPTIONAL  0x01u
#define JSON_EMPTY_OK  0x02u

/* The largest integer json_get_int() takes: 2^53 - 1, the last integer n
 * for which n and n + 1 are both exact in an IEEE 754 double. */
#define JSON_INT_LIMIT 9007199254740991LL

/* A string of at most maxlen bytes (0: no limit beyond the document's). */
int json_get_string(const cJSON *obj, const char *doc, const char *path,
    const char *key, unsigned int flags, size_t maxlen, const char **out,
    struct teec_err *err);
int json_get_object(const cJSON *obj, const char *doc, const char *path,
    const char *key, unsigned int flags, const cJSON **out,
    struct teec_err *err);
/* An array of at most maxitems elements; *count (if not NULL) gets their
 * number (0 when absent). */
int json_get_array(const cJSON *obj, const char *doc, const char *path,
    const char *key, unsigned int flags, size_t maxitems, const cJSON **out,
    size_t *count, struct teec_err *err);
int json_get_bool(const cJSON *obj, const char *doc, const char *path,
    const char *key, unsigned int flags, int *out, struct teec_err *err);
/* A number with an integral value in [min, max]; both within
 * +-JSON_INT_LIMIT. */
int json_get_int(const cJSON *obj, const char *doc, const char *path,
    const char *key, unsigned int flags, int64_t min, int64_t max,
    int64_t *out, struct teec_err *err);

/*
 * The same checks on a value already in hand (an array element), whose
 * full location is path ("" for the top level). v == NULL is "missing".
 */
int json_want_string(const cJSON *v, const char *doc, const char *path,
    unsigned int flags, size_t maxlen, const char **out, struct teec_err *err);
int json_want_object(const cJSON *v, const char *doc, const char *path,
    struct teec_err *err);
int json_want_array(const cJSON *v, const char *doc, const char *path,
    unsigned int flags, size_t maxitems, size_t *count, struct teec_err *err);
int json_want_bool(const cJSON *v, const char *doc, const char *path,
    int *out, struct teec_err *err);
int json_want_int(const cJSON *v, const char *doc, const char *path,
    int64_t min, int64_t max, int64_t *out, struct teec_err *err);

/*
 * Refuse any member of obj whose name is not in allowed (NULL-terminated):
 * "doc: path.name: unknown field".
 */
int json_only_keys(const cJSON *obj, const char *const allowed[],
    const char *doc, const char *path, struct teec_err *err);

/*
 * Append s (n bytes) to b as a quoted JSON string (RFC 8259 section 7):
 * '"' and '\' are escaped, control characters become \b \f \n \r \t or
 * \u00XX, DEL becomes \u007f, all else is copied as is. Input that is not
 * valid UTF-8 or holds a NUL byte is refused rather than escaped: escaping
 * a raw byte as \u00XX would change its meaning (it would read back as
 * the character U+00XX) and \ufffd would merge distinct names, and
 * json_parse_strict() refuses \u0000. So whatever teec writes, teec reads
 * back unchanged. Returns 0, or -1 (b unchanged) on such input or when b's
 * cap is reached.
 */
int json_buf_string(struct buf *b, const char *s, size_t n);

#endif

/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer harness: the strict JSON parser (common/json.h). Besides not
 * crashing or leaking, it checks what json.h promises about a parsed
 * tree: every string and member name is valid UTF-8 without NUL, so
 * json_buf_string() writes it and json_parse_strict() reads it back
 * unchanged; json_safe_text() yields printable ASCII only.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "common/buf.h"
#include "common/caps.h"
#include "common/json.h"
#include "common/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_safe_text(const char *s)
{
	char out[96];
	size_t i;

	json_safe_text(out, sizeof(out), s);
	for (i = 0; out[i] != '\0'; i++)
		if ((unsigned char)out[i] < 0x20 || (unsigned char)out[i] > 0x7e)
			abort();
	if (i >= sizeof(out))
		abort();
}

/* Write s as a JSON string and read it back: the same bytes. */
static void
check_roundtrip(const char *s)
{
	struct buf b;
	struct teec_err err;
	cJSON *back = NULL;
	size_t n = strlen(s);

	if (!utf8_valid((const uint8_t *)s, n))
		abort();
	buf_init(&b, 6 * n + 16);
	if (json_buf_string(&b, s, n) != 0)
		abort();
	if (json_parse_strict("roundtrip", b.data, b.len, 1, &back,
	    &err) != TEEC_OK)
		abort();
	if (!cJSON_IsString(back) || back->valuestring == NULL ||
	    strcmp(back->valuestring, s) != 0)
		abort();
	cJSON_Delete(back);
	buf_free(&b);
}

static void
walk(const cJSON *v, unsigned depth)
{
	const cJSON *c;
	const char *s;
	int64_t i;
	int bl;
	size_t count;
	struct teec_err err;

	if (depth > TEEC_MAX_JSON_DEPTH + 1)
		abort();
	if (v->string != NULL) {
		check_roundtrip(v->string);
		check_safe_text(v->string);
	}
	if (cJSON_IsString(v)) {
		check_roundtrip(v->valuestring);
		check_safe_text(v->valuestring);
		json_want_string(v, "fuzz", "x", JSON_EMPTY_OK, 16, &s, &err);
	}
	json_want_int(v, "fuzz", "x", -JSON_INT_LIMIT, JSON_INT_LIMIT, &i, &err);
	json_want_bool(v, "fuzz", "x", &bl, &err);
	json_want_array(v, "fuzz", "x", JSON_EMPTY_OK, 8, &count, &err);
	json_want_object(v, "fuzz", "x", &err);
	cJSON_ArrayForEach(c, v)
		walk(c, depth + 1);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const allowed[] = { "a", "b", "language", NULL };
	struct teec_err err;
	const cJSON *o;
	const char *s;
	cJSON *root = NULL;
	int64_t i;
	size_t count;

	if (size > TEEC_MAX_BUILD_JSON_BYTES)
		return -1;
	if (json_parse_strict("fuzz", data, size, TEEC_MAX_JSON_DEPTH, &root,
	    &err) == TEEC_OK) {
		if (root == NULL)
			abort();
		walk(root, 0);
		if (cJSON_IsObject(root)) {
			json_only_keys(root, allowed, "fuzz", "", &err);
			json_get_string(root, "fuzz", "", "a", JSON_OPTIONAL, 64,
			    &s, &err);
			json_get_int(root, "fuzz", "", "b", JSON_OPTIONAL, 0,
			    100, &i, &err);
			json_get_object(root, "fuzz", "", "c", JSON_OPTIONAL, &o,
			    &err);
			json_get_array(root, "fuzz", "", "d", JSON_OPTIONAL, 4,
			    &o, &count, &err);
		}
		cJSON_Delete(root);
	} else if (root != NULL)
		abort();
	/* A small depth limit: the boundary of the nesting check. */
	if (size > 0 && json_parse_strict("fuzz", data, size, data[0] % 4,
	    &root, &err) == TEEC_OK)
		cJSON_Delete(root);
	return 0;
}

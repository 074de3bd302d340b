/* SPDX-License-Identifier: ISC */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cJSON.h>
#include <openssl/crypto.h>

#include "common/buf.h"
#include "common/encode.h"
#include "common/fileio.h"
#include "common/json.h"
#include "common/timefmt.h"
#include "verify/images.h"


static void
image_clear(struct image *e)
{
	free(e->name);
	free(e->language);
	free(e->toolchain);
	free(e->recipe);
	free(e->source);
	free(e->note);
	memset(e, 0, sizeof(*e));
}

void
images_free(struct images *im)
{
	size_t i;

	if (im == NULL)
		return;
	for (i = 0; i < im->n; i++)
		image_clear(&im->v[i]);
	free(im->v);
	memset(im, 0, sizeof(*im));
}

static int
dup_opt(const cJSON *o, const char *what, const char *path, const char *key,
    char **out, struct teec_err *err)
{
	const char *s = NULL;

	*out = NULL;
	if (json_get_string(o, what, path, key, JSON_OPTIONAL, TEEC_MAX_IMAGE_TEXT, &s,
	    err) != TEEC_OK)
		return TEEC_ERROR;
	if (s != NULL && (*out = strdup(s)) == NULL)
		return teec_errf(err, TEEC_ERROR, "out of memory");
	return TEEC_OK;
}

static int
get_time(const cJSON *o, const char *what, const char *path, const char *key,
    unsigned flags, int64_t *out, int *have, struct teec_err *err)
{
	const char *s = NULL;

	*have = 0;
	if (json_get_string(o, what, path, key, flags, 64, &s, err) != TEEC_OK)
		return TEEC_ERROR;
	if (s == NULL)
		return TEEC_OK;
	if (time_parse_rfc3339(s, strlen(s), out) == -1)
		return teec_errf(err, TEEC_ERROR, "%s: %s.%s: not an RFC 3339 time",
		    what, path, key);
	*have = 1;
	return TEEC_OK;
}

static int
parse_entry(const char *what, const cJSON *o, size_t idx, struct image *e,
    struct teec_err *err)
{
	static const char *const keys[] = { "name", "pcrs", "valid_from",
	    "valid_until", "language", "toolchain", "recipe", "source", "note",
	    NULL };
	char path[64];
	const cJSON *pcrs = NULL, *p;
	const char *name = NULL;
	int have;
	size_t i;

	snprintf(path, sizeof(path), "images[%zu]", idx);
	if (json_want_object(o, what, path, err) != TEEC_OK ||
	    json_only_keys(o, keys, what, path, err) != TEEC_OK ||
	    json_get_string(o, what, path, "name", 0, TEEC_MAX_IMAGE_TEXT, &name, err) != TEEC_OK)
		return TEEC_ERROR;
	if ((e->name = strdup(name)) == NULL)
		return teec_errf(err, TEEC_ERROR, "out of memory");
	if (dup_opt(o, what, path, "language", &e->language, err) != TEEC_OK ||
	    dup_opt(o, what, path, "toolchain", &e->toolchain, err) != TEEC_OK ||
	    dup_opt(o, what, path, "recipe", &e->recipe, err) != TEEC_OK ||
	    dup_opt(o, what, path, "source", &e->source, err) != TEEC_OK ||
	    dup_opt(o, what, path, "note", &e->note, err) != TEEC_OK)
		return TEEC_ERROR;
	if (get_time(o, what, path, "valid_from", 0, &e->valid_from, &have,
	    err) != TEEC_OK ||
	    get_time(o, what, path, "valid_until", JSON_OPTIONAL, &e->valid_until,
	    &e->has_until, err) != TEEC_OK)
		return TEEC_ERROR;
	if (!e->has_until)
		e->valid_until = INT64_MAX;
	else if (e->valid_until <= e->valid_from)
		return teec_errf(err, TEEC_ERROR, "%s: %s: valid_until is not after valid_from",
		    what, path);
	if (json_get_object(o, what, path, "pcrs", 0, &pcrs, err) != TEEC_OK)
		return TEEC_ERROR;
	cJSON_ArrayForEach(p, pcrs) {
		char *end;
		long idxv;

		errno = 0;
		idxv = strtol(p->string, &end, 10);
		if (*p->string == '\0' || *end != '\0' || idxv < 0 ||
		    idxv >= (long)TEEC_MAX_PCRS || (p->string[0] == '0' && p->string[1] != '\0'))
			return teec_errf(err, TEEC_ERROR, "%s: %s.pcrs: key is not a PCR index 0..%u",
			    what, path, TEEC_MAX_PCRS - 1);
		if (!cJSON_IsString(p) || strlen(p->valuestring) != 2 * IMAGE_PCR_BYTES ||
		    hex_decode_exact(p->valuestring, 2 * IMAGE_PCR_BYTES,
		    e->pcr[idxv], IMAGE_PCR_BYTES) == -1)
			return teec_errf(err, TEEC_ERROR,
			    "%s: %s.pcrs.%ld: not %u hex digits (SHA-384)", what, path,
			    idxv, 2 * IMAGE_PCR_BYTES);
		e->pcr_mask |= 1u << idxv;
	}
	for (i = 0; i < 3; i++)
		if (!(e->pcr_mask & (1u << i)))
			return teec_errf(err, TEEC_ERROR, "%s: %s.pcrs: PCR%zu is required",
			    what, path, i);
	return TEEC_OK;
}

int
images_parse(const char *what, const uint8_t *p, size_t n, struct images *im,
    struct teec_err *err)
{
	static const char *const top[] = { "images", "note", NULL };
	cJSON *root = NULL;
	const cJSON *arr = NULL, *e;
	const char *note;
	size_t count = 0, i = 0;
	int rc = TEEC_ERROR;

	memset(im, 0, sizeof(*im));
	if (n > TEEC_MAX_MANIFEST_BYTES) {
		teec_errf(err, TEEC_ERROR, "%s: larger than %u bytes", what,
		    TEEC_MAX_MANIFEST_BYTES);
		goto out;
	}
	if (json_parse_strict(what, p, n, TEEC_MAX_JSON_DEPTH, &root, err) != TEEC_OK)
		goto out;
	if (json_want_object(root, what, "", err) != TEEC_OK ||
	    json_only_keys(root, top, what, "", err) != TEEC_OK ||
	    json_get_string(root, what, "", "note", JSON_OPTIONAL | JSON_EMPTY_OK,
	    TEEC_MAX_IMAGE_TEXT * 4, &note, err) != TEEC_OK ||
	    json_get_array(root, what, "", "images", JSON_EMPTY_OK, TEEC_MAX_IMAGES,
	    &arr, &count, err) != TEEC_OK)
		goto out;
	if (count > 0 && (im->v = calloc(count, sizeof(*im->v))) == NULL) {
		teec_errf(err, TEEC_ERROR, "out of memory");
		goto out;
	}
	cJSON_ArrayForEach(e, arr) {
		im->n = i + 1;
		if (parse_entry(what, e, i, &im->v[i], err) != TEEC_OK)
			goto out;
		i++;
	}
	rc = TEEC_OK;
out:
	cJSON_Delete(root);
	if (rc != TEEC_OK)
		images_free(im);
	return rc;
}

int
images_load_store(const char *dir, struct images *im, struct teec_err *err)
{
	char path[PATH_MAX];
	struct buf b;
	int rc;

	memset(im, 0, sizeof(*im));
	if ((size_t)snprintf(path, sizeof(path), "%s/images.json", dir) >= sizeof(path))
		return teec_errf(err, TEEC_ERROR, "%s: path too long", dir);
	if (access(path, F_OK) != 0)
		return TEEC_OK;
	if (read_file_capped(path, TEEC_MAX_MANIFEST_BYTES, &b, err) != TEEC_OK)
		return TEEC_ERROR;
	rc = images_parse(path, b.data, b.len, im, err);
	buf_free(&b);
	return rc;
}

const struct image *
images_match(const struct images *im, const struct nitro_doc *d, char *why,
    size_t whylen)
{
	int64_t ts = (int64_t)(d->timestamp_ms / 1000);
	size_t i, k;
	int pcr_match_out_of_window = 0;

	for (i = 0; i < im->n; i++) {
		const struct image *e = &im->v[i];
		int ok = 1;

		for (k = 0; k < TEEC_MAX_PCRS; k++) {
			if (!(e->pcr_mask & (1u << k)))
				continue;
			if (d->pcr_len[k] != IMAGE_PCR_BYTES ||
			    CRYPTO_memcmp(d->pcr[k], e->pcr[k], IMAGE_PCR_BYTES) != 0) {
				ok = 0;
				break;
			}
		}
		if (!ok)
			continue;
		if (ts < e->valid_from || ts >= e->valid_until) {
			pcr_match_out_of_window = 1;
			snprintf(why, whylen,
			    "the PCRs are image \"%.64s\"'s, but the document's time is outside its validity window",
			    e->name);
			continue;
		}
		return e;
	}
	if (!pcr_match_out_of_window)
		snprintf(why, whylen, "no image in the trust store (%zu entries) has these PCR0/1/2",
		    im->n);
	return NULL;
}

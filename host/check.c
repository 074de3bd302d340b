/* SPDX-License-Identifier: ISC */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "common/digest.h"
#include "enclave/devca.h"
#include "host/check.h"
#include "verify/chain.h"
#include "verify/images.h"
#include "verify/store.h"

void
check_first_failure(const struct vresult *r, char *out, size_t outsz)
{
	size_t i;

	if (outsz > 0)
		out[0] = '\0';
	for (i = 0; i < r->nchecks && i < VCHECK_MAX; i++)
		if (r->checks[i].state == V_FAILED) {
			snprintf(out, outsz, "%s: %s", r->checks[i].name,
			    r->checks[i].detail);
			return;
		}
}

/* The report must be about what was sent. */
static int
match_report(const struct report *rep, const struct check_expect *x,
    struct teec_err *err)
{
	uint8_t bj[32];

	if (CRYPTO_memcmp(rep->source_sha256, x->source_sha256, 32) != 0)
		return teec_errf(err, TEEC_FAIL, "the report's source digest "
		    "is not the digest of the source sent");
	if ((x->commit == NULL) != (rep->source_commit == NULL) ||
	    (x->commit != NULL && strcmp(x->commit, rep->source_commit) != 0))
		return teec_errf(err, TEEC_FAIL, "the report's git commit is "
		    "not the commit sent");
	sha256(x->build_json, x->build_json_len, bj);
	if (CRYPTO_memcmp(rep->build_json_sha256, bj, sizeof(bj)) != 0)
		return teec_errf(err, TEEC_FAIL, "the report's build.json "
		    "digest is not the digest of the build.json sent");
	if ((x->upstream_ca_sha256 == NULL) != !rep->has_upstream_ca ||
	    (x->upstream_ca_sha256 != NULL &&
	    CRYPTO_memcmp(rep->upstream_ca_sha256, x->upstream_ca_sha256,
	    32) != 0))
		return teec_errf(err, TEEC_FAIL, "the report's upstream CA "
		    "digest is not the digest of the --upstream-ca given");
	return TEEC_OK;
}

/*
 * As teec-verify bundle without --dev: the store's pinned roots and its
 * images, both required.
 */
static int
nitro_trust(const struct check_expect *x, char *store, size_t storesz,
    struct trust_roots *roots, struct images *images, struct teec_err *err)
{
	if (store_resolve(x->trust_store, store, storesz, err) != TEEC_OK ||
	    roots_load_store(roots, store, err) != TEEC_OK ||
	    images_load_store(store, images, err) != TEEC_OK)
		return TEEC_ERROR;
	return TEEC_OK;
}

int
check_bundle(const char *path, const struct check_expect *x,
    struct bundle_out *out, struct teec_err *err)
{
	struct trust_roots roots;
	struct images images;
	struct bundle_opts bo;
	struct vresult r;
	struct devca *ca = NULL;
	const uint8_t *der = NULL;
	char store[PATH_MAX], why[VDETAIL_MAX + 64];
	size_t derlen = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&images, 0, sizeof(images));
	roots_init(&roots);
	vresult_init(&r);
	if (x->nitro) {
		rc = nitro_trust(x, store, sizeof(store), &roots, &images, err);
		if (rc != TEEC_OK)
			goto out;
		goto verify;
	}
	if ((rc = devca_open(x->devca_dir, &ca, err)) != TEEC_OK)
		goto out;
	devca_root_der(ca, &der, &derlen);
	if ((rc = roots_add_der(&roots, der, derlen, err)) != TEEC_OK)
		goto out;
	/* Local bundles have zero PCRs; a store only adds real images. */
	if (store_resolve(x->trust_store, store, sizeof(store), NULL) ==
	    TEEC_OK && (rc = images_load_store(store, &images, err)) !=
	    TEEC_OK)
		goto out;

verify:
	memset(&bo, 0, sizeof(bo));
	bo.roots = &roots;
	bo.images = &images;
	bo.at_mode = AT_DOCUMENT;
	bo.dev = !x->nitro;
	bo.dev_root = der;
	bo.dev_root_len = derlen;
	bo.allow_debug = x->nitro && x->allow_debug;
	rc = bundle_verify(path, &bo, out, &r, err);
	if (rc == TEEC_ERROR)
		goto out;
	if (rc != TEEC_OK || r.status != TEEC_OK) {
		check_first_failure(&r, why, sizeof(why));
		rc = teec_errf(err, TEEC_FAIL, "the bundle does not verify: %s",
		    why[0] != '\0' ? why : "no reason given");
		goto out;
	}
	if (!out->report_ok) {
		rc = teec_errf(err, TEEC_FAIL, "the bundle's report was not "
		    "checked");
		goto out;
	}
	rc = match_report(&out->report, x, err);
out:
	images_free(&images);
	roots_free(&roots);
	devca_free(ca);
	return rc;
}

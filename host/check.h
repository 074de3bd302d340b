/* SPDX-License-Identifier: ISC */
#ifndef TEEC_CHECK_H
#define TEEC_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "common/status.h"
#include "verify/bundle.h"
#include "verify/result.h"

/*
 * teec-host's check of a bundle received from a worker, before it is
 * written to OUT, then the report must describe this build: the source
 * digest, the git commit and the build.json digest the host sent.
 * From a local worker: bundle_verify() in --dev mode, trusting the local
 * development root (enclave/devca.h) and the images of the default trust
 * store (none is fine). From a Nitro Enclave (nitro set): as teec-verify
 * bundle does without --dev: the trust store's roots (the AWS Nitro
 * root) and images, debug-mode enclaves only with allow_debug.
 */
struct check_expect {
	const uint8_t *source_sha256;   /* 32 bytes */
	const char *commit;             /* NULL: none was sent */
	const uint8_t *build_json;      /* the bytes sent */
	size_t build_json_len;
	const char *devca_dir;          /* NULL: devca_default_dir() */
	const char *trust_store;        /* NULL: store_resolve() default */
	int nitro;                      /* not --dev: the store's roots */
	int allow_debug;                /* with nitro: --allow-debug */
	const uint8_t *upstream_ca_sha256; /* --upstream-ca's, NULL: none */
};

/*
 * TEEC_OK: it verifies and matches (out holds the report). TEEC_FAIL:
 * it does not, err says why in one line (the first failed check, or the
 * field that differs). TEEC_ERROR: the check could not run (the
 * development CA, the trust store or the file could not be read).
 * bundle_out_free(out) in every case.
 */
int check_bundle(const char *path, const struct check_expect *x,
    struct bundle_out *out, struct teec_err *err);

/* The first failed check of r as "name: detail", or "" if none failed. */
void check_first_failure(const struct vresult *r, char *out, size_t outsz);

#endif

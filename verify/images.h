/* SPDX-License-Identifier: ISC */
#ifndef TEEC_IMAGES_H
#define TEEC_IMAGES_H

/*
 * The trusted enclave image manifest, images.json (teec-trust-store(5)).
 * Entries are never deleted, only end-dated, so old bundles still verify.
 */

#include <stddef.h>
#include <stdint.h>

#include "common/caps.h"
#include "common/status.h"
#include "verify/nitro.h"

#define IMAGE_PCR_BYTES 48

struct image {
	char *name;
	char *language, *toolchain, *recipe, *source, *note;   /* may be NULL */
	uint32_t pcr_mask;                          /* bit i: PCRi listed */
	uint8_t pcr[TEEC_MAX_PCRS][IMAGE_PCR_BYTES];
	int64_t valid_from;                         /* seconds */
	int64_t valid_until;                        /* seconds; INT64_MAX: open */
	int has_until;
};

struct images {
	size_t n;
	struct image *v;
};

void images_free(struct images *im);
/* Parse images.json bytes; `what` names the file in messages. TEEC_ERROR on any problem. */
int images_parse(const char *what, const uint8_t *p, size_t n,
    struct images *im, struct teec_err *err);
/* Load DIR/images.json; a store without one has no trusted images. */
int images_load_store(const char *dir, struct images *im, struct teec_err *err);

/*
 * The first entry whose every listed PCR equals the document's and whose
 * validity window holds the document's timestamp; NULL when none does.
 * *why explains the closest miss for a person.
 */
const struct image *images_match(const struct images *im,
    const struct nitro_doc *d, char *why, size_t whylen);

#endif

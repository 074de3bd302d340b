/* SPDX-License-Identifier: ISC */
#ifndef TEEC_MEASURE_H
#define TEEC_MEASURE_H

/*
 * `teec-verify measure`: the PCRs of an enclave image file (verify/eif.h)
 * and, with --add, a new entry in a trust store's images.json.
 */

#include <stddef.h>
#include <stdint.h>

#include "common/status.h"
#include "verify/eif.h"

/* A new images.json entry (teec-verify(1), TRUST STORE). */
struct image_entry {
	const char *name;                       /* required */
	const char *language, *toolchain;       /* NULL: left out */
	const char *recipe, *source, *note;     /* NULL: left out */
	uint32_t pcr_mask;                      /* bit i: pcr[i]; 0..2 required */
	uint8_t pcr[EIF_PCR_SLOTS][EIF_PCR_BYTES];
	int64_t valid_from;                     /* seconds since the epoch */
};

/*
 * Append e to DIR/images.json, creating the file when the store has none.
 * The existing file must parse (verify/images.h images_parse), hold no
 * entry named e->name (compared byte for byte) and be a regular file, not
 * a symbolic link. Text fields must be 1 to TEEC_MAX_IMAGE_TEXT bytes of
 * UTF-8 without control characters. The directory is locked (flock) for
 * the read-modify-write; the result is written pretty-printed through a
 * temporary file renamed into place (common/fileio.h), keeps every byte of
 * meaning of the old entries, and is parsed again before the rename.
 * path (pathlen bytes) receives the manifest's path. TEEC_OK, or
 * TEEC_ERROR with err set and the file untouched.
 */
int measure_add_image(const char *dir, const struct image_entry *e,
    char *path, size_t pathlen, struct teec_err *err);

/*
 * The measure command; argv[0] is "measure". Prints to stdout and stderr
 * and returns the exit status: 0 measured (and added), 2 otherwise (usage,
 * unreadable or malformed image, trust store problems). A malformed EIF
 * is not evidence that fails to verify but input that cannot be measured,
 * hence 2 rather than 1.
 */
int cmd_measure(int argc, char **argv);

#endif

/* SPDX-License-Identifier: ISC */
#ifndef TEEC_COLLECT_H
#define TEEC_COLLECT_H

#include <stddef.h>
#include <stdint.h>

#include "common/status.h"

/*
 * The build's outputs (teec-enclave(8), OUTPUTS): each output.files
 * pattern of build.json is expanded with glob(3) relative to the source
 * directory (no brace or tilde expansion; a leading '.' must be matched
 * explicitly), and every match must be a regular file reached without
 * leaving that directory: a symlink is followed only while it stays
 * inside. The subject name is the match's path relative to the source
 * directory, as the pattern reached it; the file hashed is the one it
 * resolves to.
 */

struct collect_item {
	char *name;             /* relative path, report_name_ok() */
	char *path;             /* the resolved file, absolute */
	uint64_t size;
	uint8_t sha256[32];
	uint8_t sha384[48];
};

struct collect {
	struct collect_item *items;     /* sorted by name (strcmp) */
	size_t n;
};

/*
 * Expand and hash. A pattern that matches nothing, a match that is not a
 * regular file or resolves outside srcdir, a name report.json cannot
 * carry, more than TEEC_MAX_SUBJECTS files or a file over
 * TEEC_MAX_ARTIFACT_BYTES is TEEC_FAIL with a message naming the pattern
 * or the file. The same name from several patterns is one item.
 * TEEC_ERROR for I/O errors. out is empty unless TEEC_OK.
 */
int collect_outputs(const char *srcdir, char *const *patterns,
    size_t npatterns, struct collect *out, struct teec_err *err);

void collect_free(struct collect *c);   /* accepts a zeroed one */

#endif

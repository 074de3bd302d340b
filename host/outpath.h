/* SPDX-License-Identifier: ISC */
#ifndef TEEC_OUTPATH_H
#define TEEC_OUTPATH_H

#include <stddef.h>

#include "common/status.h"

/*
 * Where teec-host writes the bundle. By default NAME.teec in the current
 * directory, NAME being the last component of the source tree's real
 * path ("source" when that is "/").
 */
#define OUTPATH_SUFFIX  ".teec"
#define OUTPATH_FALLBACK "source"

/* The default output path for the tree at dir. TEEC_OK or TEEC_ERROR. */
int outpath_default(const char *dir, char *out, size_t outsz,
    struct teec_err *err);

/*
 * Where out (a file that may not exist yet, in a directory that must)
 * lies relative to the tree at root. Sets *inside to 1 and writes the
 * relative path to rel when out is below root, else *inside = 0.
 * TEEC_ERROR when out names no file ("", ".", "..", a trailing '/') or
 * its directory cannot be resolved.
 */
int outpath_relative(const char *root, const char *out, int *inside,
    char *rel, size_t relsz, struct teec_err *err);

#endif

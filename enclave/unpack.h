/* SPDX-License-Identifier: ISC */
#ifndef TEEC_UNPACK_H
#define TEEC_UNPACK_H

#include <stddef.h>
#include <stdint.h>

#include "common/status.h"

/*
 * Safe extraction of an untrusted source tar (ustar, pax or GNU tar, no
 * compression) into an existing empty directory.
 *
 * Accepted: regular files, directories, and symlinks whose target is
 * relative and stays inside the tree (see unpack.c for the exact rule).
 * Refused: absolute names, `..` components, empty names or components,
 * names over TEEC_MAX_PATH_BYTES or TEEC_MAX_SOURCE_DEPTH components,
 * control bytes, hard links, devices, fifos, sockets, duplicate entries,
 * anything written through a symlink, more than lim->max_entries entries
 * or lim->max_bytes of file data.
 *
 * Files are created 0644, or 0755 when the archive gives any exec bit;
 * directories 0755; setuid, setgid and sticky bits and the owner are
 * never restored. Files and symlinks keep the archive's mtime.
 *
 * On any refusal the directory is emptied again and TEEC_FAIL returned
 * with a message naming the entry (non-printable bytes escaped as \xNN).
 * TEEC_ERROR: dir is not an empty directory, or I/O failed.
 */

struct unpack_limits {
	uint64_t max_entries;	/* archive entries, of any type */
	uint64_t max_bytes;	/* file content bytes, in total */
};

struct unpack_stats {
	uint64_t entries;	/* archive entries read */
	uint64_t files;
	uint64_t dirs;		/* directories created, named or implied */
	uint64_t symlinks;
	uint64_t bytes;		/* file content written */
};

/*
 * lim may be NULL for TEEC_MAX_SOURCE_ENTRIES / TEEC_MAX_SOURCE_BYTES;
 * larger values are clamped to those. st may be NULL.
 */
int unpack_tar_fd(int fd, const char *dir, const struct unpack_limits *lim,
    struct unpack_stats *st, struct teec_err *err);
int unpack_tar_mem(const void *p, size_t n, const char *dir,
    const struct unpack_limits *lim, struct unpack_stats *st,
    struct teec_err *err);

#endif

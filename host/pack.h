/* SPDX-License-Identifier: ISC */
#ifndef TEEC_PACK_H
#define TEEC_PACK_H

#include <stddef.h>
#include <stdint.h>

#include "common/status.h"

/*
 * Deterministic source packer: the same tree gives the same bytes on any
 * machine, whoever owns the files and whenever they were touched.
 *
 * Format: POSIX pax (libarchive's "restricted pax"). Every entry is a
 * plain ustar header unless it needs more (a path or link target over
 * the ustar fields, a name that is not ASCII, a file of 8 GiB or more),
 * in which case a pax extended header carries it. Plain ustar would have
 * to refuse such trees; GNU tar's extensions are not POSIX. Names are
 * stored as raw bytes (hdrcharset=BINARY) so the locale cannot change
 * the output.
 *
 * Entries: the tree below root, root itself not included, sorted by
 * byte-wise comparison (strcmp) of their relative paths, which puts every
 * directory before its contents. Stored names have no "./" prefix;
 * directories get a trailing '/'. uid and gid 0, no user or group
 * names, mtime o->mtime, no other times. Files 0644, or 0755 when any
 * exec bit is set; directories 0755; symlinks stored as symlinks (0777)
 * with their target as read. Fifos, sockets and devices are refused
 * with a message naming the path; so are names with control bytes,
 * paths over TEEC_MAX_PATH_BYTES or TEEC_MAX_SOURCE_DEPTH, and trees
 * over TEEC_MAX_SOURCE_ENTRIES or TEEC_MAX_SOURCE_BYTES (the worker
 * would refuse them too). A file that changes size while it is read is
 * an error.
 */

struct pack_opts {
	int64_t mtime;			/* every entry's mtime (0 is fine) */
	const char *const *exclude;	/* paths relative to root, e.g. ".git" */
	size_t nexclude;		/* an excluded directory skips its subtree */
};

/*
 * Pack root into out_fd. o may be NULL (mtime 0, nothing excluded). When
 * out_fd is a regular file inside the tree, that file is skipped too.
 * sha256 and bytes (either may be NULL) receive the SHA-256 and length
 * of exactly what was written. Returns TEEC_OK, TEEC_FAIL for a tree
 * that cannot be packed as it is (a refused type or name), TEEC_ERROR
 * for I/O.
 */
int pack_tree(const char *root, int out_fd, const struct pack_opts *o,
    uint8_t sha256[32], uint64_t *bytes, struct teec_err *err);

/*
 * The commit checked out at root, read from root/.git (a directory, or a
 * "gitdir:" file as in worktrees and submodules): HEAD itself when
 * detached, else the ref it names, from its loose file or packed-refs.
 * Does not run git. Writes 40 lower-case hex digits and a NUL to out and
 * returns 0, or returns -1 (not a checkout, unborn branch, SHA-256
 * repository, or anything unexpected).
 */
int pack_git_commit(const char *root, char out[41]);

#endif

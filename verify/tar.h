/* SPDX-License-Identifier: ISC */
#ifndef TEEC_TAR_H
#define TEEC_TAR_H

/*
 * A strict, bounded, streaming reader of the tar subset bundles use
 * (teec-bundle(5), Tar encoding): POSIX ustar headers (IEEE Std
 * 1003.1-2017, pax, "ustar Interchange Format") with pax extended headers
 * (same, "pax Extended Header"), nothing else. Only what teec needs is
 * accepted:
 *
 *  - every header block: magic "ustar\0" and version "00" (the GNU
 *    "ustar  \0" and the v7 formats are refused), checksum the unsigned
 *    sum of the 512 bytes with the chksum field read as eight spaces (the
 *    historical signed sum is refused), numeric fields octal digits ended
 *    by NUL or space (base-256 and unterminated fields refused), name and
 *    prefix fields NUL-padded, the name valid UTF-8 (which names a bundle
 *    may hold is bundle_name_ok()'s rule, not the reader's);
 *  - type flags '0' and NUL (regular file) and 'x' (pax extended header
 *    for the next entry); 'g' global headers, links, devices, directories,
 *    FIFOs, contiguous files and the GNU 'L', 'K', 'S' extensions are
 *    refused;
 *  - pax records "LEN key=value\n" with LEN exact decimal without leading
 *    zeros; keys: path (UTF-8, no NUL, at most TEEC_MAX_TAR_NAME bytes,
 *    replaces the ustar name), size (decimal, replaces the ustar size);
 *    mtime, atime, ctime, uid, gid, uname, gname are ignored; any other
 *    key (linkpath, hdrcharset, vendor keys), a duplicate key, an empty
 *    pax header, a pax header not followed by a regular entry, or two in
 *    a row are refused; a pax header's data is at most
 *    TEEC_MAX_TAR_PAX_BYTES;
 *  - every size is checked against the caller's cap before data is read;
 *    data is padded with zeros to 512 bytes (the padding is read, not
 *    checked, as POSIX leaves it unspecified);
 *  - the archive ends with two zero blocks; end of input anywhere before
 *    them (inside a header, data or padding, or between members) is
 *    refused; bytes after them are not read.
 *
 * Data is never held whole: tar_data hands out views into one buffer.
 * Every function returns TEEC_OK, TEEC_FAIL (the input is not such a tar)
 * or TEEC_ERROR (a read failed, out of memory), with err; a failure is
 * sticky.
 */

#include <stddef.h>
#include <stdint.h>

#include "common/caps.h"
#include "common/status.h"

#define TAR_BLOCK       512u
#define TAR_IO_DEFAULT  (1024u * 1024u) /* read size, a multiple of TAR_BLOCK */

struct tar_entry {
	char name[TEEC_MAX_TAR_NAME + 1];  /* pax path, else prefix/name */
	uint64_t size;              /* bytes of data (pax size, else ustar) */
	unsigned int mode;          /* permission bits, carried, not judged */
	uint64_t offset;            /* of its (first) header in the stream */
	int pax;                    /* a pax extended header preceded it */
};

struct tar;

/*
 * Read from fd (not closed by tar_close), or from memory (p, n: the
 * caller keeps it alive). iosize: the reads' size, rounded up to a
 * multiple of TAR_BLOCK (0: TAR_IO_DEFAULT). max_size: the largest entry
 * accepted, checked on every header before its data is read.
 */
int tar_open_fd(struct tar **tp, int fd, size_t iosize, uint64_t max_size,
    struct teec_err *err);
int tar_open_mem(struct tar **tp, const uint8_t *p, size_t n, size_t iosize,
    uint64_t max_size, struct teec_err *err);
void tar_close(struct tar *t);

/*
 * The next entry, skipping what is left of the current one's data. At the
 * end-of-archive marker: TEEC_OK with *end = 1.
 */
int tar_next(struct tar *t, struct tar_entry *e, int *end,
    struct teec_err *err);

/*
 * The next piece of the current entry's data: *p, *n (a view valid until
 * the next call). *n == 0: the data and its padding are consumed.
 */
int tar_data(struct tar *t, const uint8_t **p, size_t *n,
    struct teec_err *err);

/* Bytes of input consumed so far. */
uint64_t tar_offset(const struct tar *t);

#endif

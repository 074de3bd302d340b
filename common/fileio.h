/* SPDX-License-Identifier: ISC */
#ifndef TEEC_FILEIO_H
#define TEEC_FILEIO_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/status.h"

/*
 * Read a whole regular file (or standard input for "-") of at most cap
 * bytes into b (initialised here). Directories and oversized inputs are
 * refused. Returns TEEC_OK or TEEC_ERROR with err set.
 */
int read_file_capped(const char *path, size_t cap, struct buf *b,
    struct teec_err *err);

/*
 * The same, but input beyond cap is not an error: *over is set to 1 and
 * b holds what was read so far (callers decide what an oversized input means).
 */
int read_file_upto(const char *path, size_t cap, struct buf *b, int *over,
    struct teec_err *err);

/* write(2) all of it, retrying on EINTR and short writes. 0 or -1. */
int write_all(int fd, const void *p, size_t n);
/* read(2) exactly n bytes. Returns n, 0 at a clean EOF before any byte, -1. */
ssize_t read_full(int fd, void *p, size_t n);

/*
 * An output file written in place only when complete: a temporary file is
 * created beside the destination with O_EXCL, and renamed over it by
 * atomic_commit(). atomic_abort() removes the temporary; it is safe to
 * call on a committed or never-opened writer. "-" writes to stdout.
 */
struct atomic_file {
	int fd;
	int is_stdout;
	char *path;
	char *tmp;
};
int atomic_open(struct atomic_file *af, const char *path, int mode,
    struct teec_err *err);
int atomic_commit(struct atomic_file *af, struct teec_err *err);
void atomic_abort(struct atomic_file *af);

/* Write a whole buffer atomically. */
int write_file_atomic(const char *path, const void *p, size_t n, int mode,
    struct teec_err *err);

#endif

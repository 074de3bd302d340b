/* SPDX-License-Identifier: ISC */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "common/caps.h"
#include "common/fileio.h"

int
read_file_capped(const char *path, size_t cap, struct buf *b,
    struct teec_err *err)
{
	int over = 0;

	if (read_file_upto(path, cap, b, &over, err) != TEEC_OK)
		return TEEC_ERROR;
	if (over) {
		buf_free(b);
		return teec_errf(err, TEEC_ERROR, "%s: larger than %zu bytes",
		    strcmp(path, "-") == 0 ? "standard input" : path, cap);
	}
	return TEEC_OK;
}

int
read_file_upto(const char *path, size_t cap, struct buf *b, int *over,
    struct teec_err *err)
{
	struct stat st;
	uint8_t chunk[16384];
	ssize_t n;
	int fd = -1, rc = TEEC_ERROR;
	int is_stdin = strcmp(path, "-") == 0;

	buf_init(b, cap);
	if (is_stdin)
		fd = STDIN_FILENO;
	else if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1) {
		teec_errf(err, TEEC_ERROR, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (fstat(fd, &st) == -1) {
		teec_errf(err, TEEC_ERROR, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		teec_errf(err, TEEC_ERROR, "%s: is a directory", path);
		goto out;
	}
	*over = 0;
	if (S_ISREG(st.st_mode) && (uintmax_t)st.st_size > cap) {
		*over = 1;
		rc = TEEC_OK;
		goto out;
	}
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			teec_errf(err, TEEC_ERROR, "%s: %s", path, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		if (b->len + (size_t)n > cap) {
			*over = 1;
			break;
		}
		if (buf_append(b, chunk, (size_t)n) == -1) {
			teec_errf(err, TEEC_ERROR, "out of memory");
			goto out;
		}
	}
	if (b->data == NULL && buf_append(b, "", 0) == -1) {
		teec_errf(err, TEEC_ERROR, "out of memory");
		goto out;
	}
	rc = TEEC_OK;
out:
	if (fd != -1 && !is_stdin)
		close(fd);
	if (rc != TEEC_OK)
		buf_free(b);
	return rc;
}

int
write_all(int fd, const void *p, size_t n)
{
	const uint8_t *c = p;
	ssize_t w;

	while (n > 0) {
		w = write(fd, c, n);
		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

ssize_t
read_full(int fd, void *p, size_t n)
{
	uint8_t *c = p;
	size_t got = 0;
	ssize_t r;

	while (got < n) {
		r = read(fd, c + got, n - got);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			return -1;
		if (r == 0) {
			if (got == 0)
				return 0;
			errno = EPIPE;
			return -1;
		}
		got += (size_t)r;
	}
	return (ssize_t)got;
}

int
atomic_open(struct atomic_file *af, const char *path, int mode,
    struct teec_err *err)
{
	uint8_t rnd[8];
	size_t n;

	memset(af, 0, sizeof(*af));
	af->fd = -1;
	if (strcmp(path, "-") == 0) {
		af->fd = STDOUT_FILENO;
		af->is_stdout = 1;
		return TEEC_OK;
	}
	if ((af->path = strdup(path)) == NULL)
		return teec_errf(err, TEEC_ERROR, "out of memory");
	n = strlen(path) + 32;
	if ((af->tmp = malloc(n)) == NULL) {
		atomic_abort(af);
		return teec_errf(err, TEEC_ERROR, "out of memory");
	}
	if (RAND_bytes(rnd, sizeof(rnd)) != 1) {
		atomic_abort(af);
		return teec_errf(err, TEEC_ERROR, "no randomness");
	}
	snprintf(af->tmp, n, "%s.tmp-%02x%02x%02x%02x%02x%02x", path, rnd[0],
	    rnd[1], rnd[2], rnd[3], rnd[4], rnd[5]);
	af->fd = open(af->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, mode);
	if (af->fd == -1) {
		teec_errf(err, TEEC_ERROR, "%s: %s", path, strerror(errno));
		free(af->tmp);
		af->tmp = NULL;
		atomic_abort(af);
		return TEEC_ERROR;
	}
	return TEEC_OK;
}

int
atomic_commit(struct atomic_file *af, struct teec_err *err)
{
	int rc = TEEC_ERROR;

	if (af->is_stdout) {
		af->fd = -1;
		return TEEC_OK;
	}
	if (af->fd == -1 || af->tmp == NULL)
		return teec_errf(err, TEEC_ERROR, "no open output");
	if (fsync(af->fd) == -1 || close(af->fd) == -1) {
		af->fd = -1;
		teec_errf(err, TEEC_ERROR, "%s: %s", af->path, strerror(errno));
		goto out;
	}
	af->fd = -1;
	if (rename(af->tmp, af->path) == -1) {
		teec_errf(err, TEEC_ERROR, "%s: %s", af->path, strerror(errno));
		goto out;
	}
	free(af->tmp);
	af->tmp = NULL;
	rc = TEEC_OK;
out:
	atomic_abort(af);
	return rc;
}

void
atomic_abort(struct atomic_file *af)
{
	if (af == NULL)
		return;
	if (af->fd != -1 && !af->is_stdout)
		close(af->fd);
	af->fd = -1;
	if (af->tmp != NULL)
		unlink(af->tmp);
	free(af->tmp);
	free(af->path);
	af->tmp = af->path = NULL;
}

int
write_file_atomic(const char *path, const void *p, size_t n, int mode,
    struct teec_err *err)
{
	struct atomic_file af;

	if (atomic_open(&af, path, mode, err) != TEEC_OK)
		return TEEC_ERROR;
	if (write_all(af.fd, p, n) == -1) {
		teec_errf(err, TEEC_ERROR, "%s: %s", path, strerror(errno));
		atomic_abort(&af);
		return TEEC_ERROR;
	}
	return atomic_commit(&af, err);
}

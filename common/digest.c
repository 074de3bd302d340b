/* SPDX-License-Identifier: ISC */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/caps.h"
#include "common/digest.h"

int
digest_init(struct digest *d, const EVP_MD *md)
{
	if ((d->ctx = EVP_MD_CTX_new()) == NULL)
		return -1;
	if (EVP_DigestInit_ex(d->ctx, md, NULL) != 1) {
		digest_free(d);
		return -1;
	}
	return 0;
}

int
digest_update(struct digest *d, const void *p, size_t n)
{
	return EVP_DigestUpdate(d->ctx, p, n) == 1 ? 0 : -1;
}

int
digest_final(struct digest *d, uint8_t *out)
{
	int rc = EVP_DigestFinal_ex(d->ctx, out, NULL) == 1 ? 0 : -1;

	digest_free(d);
	return rc;
}

void
digest_free(struct digest *d)
{
	if (d == NULL)
		return;
	EVP_MD_CTX_free(d->ctx);
	d->ctx = NULL;
}

void
sha256(const void *p, size_t n, uint8_t out[32])
{
	EVP_Digest(p, n, out, NULL, EVP_sha256(), NULL);
}

void
sha384(const void *p, size_t n, uint8_t out[48])
{
	EVP_Digest(p, n, out, NULL, EVP_sha384(), NULL);
}

int
sha256_file(const char *path, uint8_t out[32], uint64_t *size,
    struct teec_err *err)
{
	struct digest d = { NULL };
	struct stat st;
	uint8_t *b = NULL;
	uint64_t total = 0;
	ssize_t n;
	int fd, rc = TEEC_ERROR;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return teec_errf(err, TEEC_ERROR, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) == -1 || S_ISDIR(st.st_mode)) {
		teec_errf(err, TEEC_ERROR, "%s: not a file", path);
		goto out;
	}
	if ((b = malloc(TEEC_IO_CHUNK)) == NULL || digest_init(&d, EVP_sha256()) == -1) {
		teec_errf(err, TEEC_ERROR, "out of memory");
		goto out;
	}
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	for (;;) {
		n = read(fd, b, TEEC_IO_CHUNK);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			teec_errf(err, TEEC_ERROR, "%s: %s", path, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		digest_update(&d, b, (size_t)n);
		total += (uint64_t)n;
	}
	digest_final(&d, out);
	if (size != NULL)
		*size = total;
	rc = TEEC_OK;
out:
	digest_free(&d);
	free(b);
	close(fd);
	return rc;
}

/* SPDX-License-Identifier: ISC */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "common/fileio.h"
#include "enclave/buildlog.h"

int
buildlog_open(struct buildlog *l, const char *path, uint64_t cap,
    struct teec_err *err)
{
	memset(l, 0, sizeof(*l));
	l->fd = -1;
	if (cap <= sizeof(BUILDLOG_NOTICE) - 1)
		return teec_errf(err, TEEC_ERROR, "build log: cap too small");
	if ((l->fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0644)) == -1)
		return teec_errf(err, TEEC_ERROR, "%s: %s", path,
		    strerror(errno));
	l->is_open = 1;
	l->cap = cap;
	return TEEC_OK;
}

int
buildlog_add(struct buildlog *l, const uint8_t *p, size_t n, size_t *kept,
    const char **notice, struct teec_err *err)
{
	const uint64_t room = l->cap - (sizeof(BUILDLOG_NOTICE) - 1);
	size_t k = n;

	*kept = 0;
	*notice = NULL;
	if (!l->is_open)
		return teec_errf(err, TEEC_ERROR, "build log: not open");
	if (l->truncated) {
		l->dropped += n;
		return TEEC_OK;
	}
	if (n > room - l->written)
		k = (size_t)(room - l->written);
	if (k > 0 && write_all(l->fd, p, k) == -1)
		return teec_errf(err, TEEC_ERROR, "build log: %s",
		    strerror(errno));
	l->written += k;
	*kept = k;
	if (k < n) {
		if (write_all(l->fd, BUILDLOG_NOTICE,
		    sizeof(BUILDLOG_NOTICE) - 1) == -1)
			return teec_errf(err, TEEC_ERROR, "build log: %s",
			    strerror(errno));
		l->written += sizeof(BUILDLOG_NOTICE) - 1;
		l->dropped += n - k;
		l->truncated = 1;
		*notice = BUILDLOG_NOTICE;
	}
	return TEEC_OK;
}

int
buildlog_close(struct buildlog *l, struct teec_err *err)
{
	int rc = TEEC_OK;

	if (l == NULL || !l->is_open)
		return TEEC_OK;
	if (close(l->fd) == -1)
		rc = teec_errf(err, TEEC_ERROR, "build log: %s", strerror(errno));
	l->is_open = 0;
	l->fd = -1;
	return rc;
}

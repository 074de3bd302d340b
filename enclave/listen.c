/* SPDX-License-Identifier: ISC */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "enclave/listen.h"

/* accept(2) one connection on s, then close s. */
static int
accept_one(int s, const volatile sig_atomic_t *stop, int *fd,
    struct teec_err *err)
{
	int c;

	for (;;) {
		c = accept4(s, NULL, NULL, SOCK_CLOEXEC);
		if (c != -1)
			break;
		if (errno == EINTR && (stop == NULL || !*stop))
			continue;
		if (errno == EINTR)
			return teec_errf(err, TEEC_ERROR, "interrupted while "
			    "waiting for a connection");
		if (errno == ECONNABORTED)
			continue;
		return teec_errf(err, TEEC_ERROR, "accept: %s",
		    strerror(errno));
	}
	*fd = c;
	return TEEC_OK;
}

static int
listen_unix(const char *path, const volatile sig_atomic_t *stop, int *fd,
    struct teec_err *err)
{
	struct sockaddr_un sa;
	int s = -1, bound = 0, rc = TEEC_ERROR;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (path[0] == '\0' || strlen(path) >= sizeof(sa.sun_path)) {
		teec_errf(err, TEEC_ERROR, "unix socket path must be 1 to %zu "
		    "bytes", sizeof(sa.sun_path) - 1);
		goto out;
	}
	memcpy(sa.sun_path, path, strlen(path));
	if ((s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    bind(s, (struct sockaddr *)&sa, sizeof(sa)) == -1) {
		teec_errf(err, TEEC_ERROR, "%s: %s", path, strerror(errno));
		goto out;
	}
	bound = 1;
	if (listen(s, 1) == -1) {
		teec_errf(err, TEEC_ERROR, "%s: %s", path, strerror(errno));
		goto out;
	}
	rc = accept_one(s, stop, fd, err);
out:
	if (s != -1)
		close(s);
	if (bound)
		(void)unlink(path);
	return rc;
}

int
listen_accept(const char *spec, const volatile sig_atomic_t *stop, int *fd,
    struct teec_err *err)
{
	*fd = -1;
	if (strncmp(spec, "unix:", 5) == 0)
		return listen_unix(spec + 5, stop, fd, err);
	return teec_errf(err, TEEC_ERROR, "--listen: expected unix:PATH");
}

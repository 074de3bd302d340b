/* SPDX-License-Identifier: ISC */
#include <sys/socket.h>
#include <sys/un.h>

#include <linux/vm_sockets.h>

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

/* vsock(7): the parent instance connects to this enclave's CID. */
static int
listen_vsock(uint32_t port, const volatile sig_atomic_t *stop, int *fd,
    struct teec_err *err)
{
	struct sockaddr_vm sa;
	int s, rc;

	memset(&sa, 0, sizeof(sa));
	sa.svm_family = AF_VSOCK;
	sa.svm_cid = VMADDR_CID_ANY;
	sa.svm_port = port;
	if ((s = socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    bind(s, (struct sockaddr *)&sa, sizeof(sa)) == -1 ||
	    listen(s, 1) == -1) {
		rc = teec_errf(err, TEEC_ERROR, "vsock port %u: %s", port,
		    strerror(errno));
		if (s != -1)
			close(s);
		return rc;
	}
	rc = accept_one(s, stop, fd, err);
	close(s);
	return rc;
}

int
listen_parse(const char *spec, struct listen_addr *out, struct teec_err *err)
{
	const char *p;
	uint64_t v = 0;

	memset(out, 0, sizeof(*out));
	if (strncmp(spec, "unix:", 5) == 0) {
		out->kind = LISTEN_UNIX;
		out->path = spec + 5;
		return TEEC_OK;
	}
	if (strncmp(spec, "vsock:", 6) != 0)
		return teec_errf(err, TEEC_ERROR, "--listen: expected unix:PATH "
		    "or vsock:PORT");
	p = spec + 6;
	if (*p < '1' || *p > '9' || strlen(p) > 10)
		goto bad;
	for (; *p >= '0' && *p <= '9'; p++)
		v = v * 10 + (uint64_t)(*p - '0');
	if (*p != '\0' || v > LISTEN_VSOCK_PORT_MAX)
		goto bad;
	out->kind = LISTEN_VSOCK;
	out->port = (uint32_t)v;
	return TEEC_OK;
bad:
	return teec_errf(err, TEEC_ERROR, "--listen vsock:PORT: expected a "
	    "port from 1 to %u", LISTEN_VSOCK_PORT_MAX);
}

int
listen_accept(const char *spec, const volatile sig_atomic_t *stop, int *fd,
    struct teec_err *err)
{
	struct listen_addr a;
	int rc;

	*fd = -1;
	if ((rc = listen_parse(spec, &a, err)) != TEEC_OK)
		return rc;
	if (a.kind == LISTEN_VSOCK)
		return listen_vsock(a.port, stop, fd, err);
	return listen_unix(a.path, stop, fd, err);
}

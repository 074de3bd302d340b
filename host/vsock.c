/* SPDX-License-Identifier: ISC */
#include <sys/socket.h>
#include <sys/time.h>

#include <linux/vm_sockets.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "host/vsock.h"

int
vsock_connect(uint32_t cid, uint32_t port, int timeout_ms, int *fd,
    struct teec_err *err)
{
	struct sockaddr_vm sa;
	struct timeval tv;
	int s, r;

	*fd = -1;
	if ((s = socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		if (errno == EAFNOSUPPORT)
			return teec_errf(err, TEEC_ERROR, "this machine has no "
			    "vsock (AF_VSOCK): is it a Nitro Enclaves parent "
			    "instance with the vsock driver loaded?");
		return teec_errf(err, TEEC_ERROR, "vsock socket: %s",
		    strerror(errno));
	}
	if (timeout_ms < 1)
		timeout_ms = 1;
	tv.tv_sec = timeout_ms / 1000;
	tv.tv_usec = (timeout_ms % 1000) * 1000;
	(void)setsockopt(s, AF_VSOCK, SO_VM_SOCKETS_CONNECT_TIMEOUT, &tv,
	    sizeof(tv));
	memset(&sa, 0, sizeof(sa));
	sa.svm_family = AF_VSOCK;
	sa.svm_cid = cid;
	sa.svm_port = port;
	/* A signal cuts the attempt short: the caller decides what next. */
	r = connect(s, (struct sockaddr *)&sa, sizeof(sa));
	if (r == 0) {
		*fd = s;
		return TEEC_OK;
	}
	r = errno;
	close(s);
	switch (r) {
	case EINTR:
	case ECONNREFUSED:	/* the enclave runs, the worker does not listen yet */
	case ECONNRESET:
	case ETIMEDOUT:
	case EHOSTUNREACH:	/* the enclave's vsock device is not up yet */
	case ENETUNREACH:
	case ENODEV:
		return teec_errf(err, TEEC_FAIL, "vsock %u:%u: %s", cid, port,
		    strerror(r));
	default:
		return teec_errf(err, TEEC_ERROR, "vsock %u:%u: %s", cid, port,
		    strerror(r));
	}
}

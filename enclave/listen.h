/* SPDX-License-Identifier: ISC */
#ifndef TEEC_LISTEN_H
#define TEEC_LISTEN_H

#include <signal.h>

#include "common/status.h"

/*
 * Where teec-enclave takes its one connection (teec-enclave(8),
 * --listen). Supported: "unix:PATH", a stream socket created at PATH
 * (which must not exist), removed again once a connection is accepted;
 * and "vsock:PORT", a vsock(7) stream socket bound to VMADDR_CID_ANY and
 * PORT, as inside a Nitro Enclave, where the parent instance connects to
 * the enclave's CID. Every address family is one branch of
 * listen_accept().
 */

#include <stdint.h>

#define LISTEN_VSOCK_PORT_MAX 4294967294u   /* 2^32 - 1 is VMADDR_PORT_ANY */

enum listen_kind {
	LISTEN_UNIX,
	LISTEN_VSOCK,
};

struct listen_addr {
	enum listen_kind kind;
	const char *path;       /* LISTEN_UNIX: points into the spec */
	uint32_t port;          /* LISTEN_VSOCK: 1 to LISTEN_VSOCK_PORT_MAX */
};

/*
 * Parse spec. vsock ports are decimal without sign or leading zeros.
 * TEEC_OK, or TEEC_ERROR with err saying what is expected.
 */
int listen_parse(const char *spec, struct listen_addr *out,
    struct teec_err *err);

/*
 * Listen on spec, accept one connection, stop listening. TEEC_OK and *fd
 * (close-on-exec), or TEEC_ERROR: a bad spec, a socket error, or *stop
 * set while waiting (stop may be NULL).
 */
int listen_accept(const char *spec, const volatile sig_atomic_t *stop,
    int *fd, struct teec_err *err);

#endif

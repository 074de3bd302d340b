/* SPDX-License-Identifier: ISC */
#ifndef TEEC_LISTEN_H
#define TEEC_LISTEN_H

#include <signal.h>

#include "common/status.h"

/*
 * Where teec-enclave takes its one connection (teec-enclave(8),
 * --listen). Supported: "unix:PATH", a stream socket created at PATH
 * (which must not exist), removed again once a connection is accepted.
 * Every address family is one branch of listen_accept().
 */

/*
 * Listen on spec, accept one connection, stop listening. TEEC_OK and *fd
 * (close-on-exec), or TEEC_ERROR: a bad spec, a socket error, or *stop
 * set while waiting (stop may be NULL).
 */
int listen_accept(const char *spec, const volatile sig_atomic_t *stop,
    int *fd, struct teec_err *err);

#endif

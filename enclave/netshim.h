/* SPDX-License-Identifier: ISC */
#ifndef TEEC_NETSHIM_H
#define TEEC_NETSHIM_H

#include <stdint.h>

#include "common/status.h"

/*
 * `teec-enclave netshim` (teec-enclave(8), NETWORK): the first process of
 * a sandboxed build with a network policy. The build's network namespace
 * has only a loopback interface; the netshim listens on
 * 127.0.0.1:port there, starts the build command as its child, and
 * relays each connection to the proxy's unix socket, which the sandbox
 * shows read-only. It does not look at the bytes: the proxy, outside the
 * namespace, decides. It ends when the command ends, with its status.
 */

#define NETSHIM_MAX_PAIRS 64            /* relayed connections at once */

struct netshim_opts {
	uint16_t port;
	const char *socket;             /* the proxy's unix socket */
	char *const *argv;              /* the command, argv[0] a path */
};

/*
 * Run the command and relay until it exits. TEEC_OK with *wstatus its
 * wait(2) status; TEEC_ERROR (the command did not start) with err set.
 */
int netshim_run(const struct netshim_opts *o, int *wstatus,
    struct teec_err *err);

#endif

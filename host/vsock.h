/* SPDX-License-Identifier: ISC */
#ifndef TEEC_VSOCK_H
#define TEEC_VSOCK_H

#include <stdint.h>

#include "common/status.h"

/*
 * Connect to a vsock(7) stream socket: the worker in a Nitro Enclave,
 * listening on PORT at the enclave's CID (teec-enclave serve --listen
 * vsock:PORT). One attempt of at most timeout_ms
 * (SO_VM_SOCKETS_CONNECT_TIMEOUT). TEEC_OK and *fd (close-on-exec);
 * TEEC_FAIL when nobody listens there yet (the enclave is still booting:
 * try again); TEEC_ERROR when this machine has no vsock, or any other
 * error.
 */
int vsock_connect(uint32_t cid, uint32_t port, int timeout_ms, int *fd,
    struct teec_err *err);

#endif

/* SPDX-License-Identifier: ISC */
#ifndef TEEC_RELAY_DIAL_H
#define TEEC_RELAY_DIAL_H

#include <stddef.h>
#include <stdint.h>

#include "common/proto.h"

/*
 * The worker's way to an origin through teec-host (teec-protocol(7), The
 * relay channel), plugged into proxy_opts.dial: one new stream connection
 * to the relay address per origin connection (vsock to the parent
 * instance, PROTO_RELAY_PARENT_CID, or a unix socket in local mode), one
 * NET_OPEN frame "HOST:PORT" out, one NET_OPEN answer in; on
 * PROTO_NET_OK the connection carries the origin's raw bytes both ways.
 * The proxy has already checked its own policy: the host's answer can
 * only refuse more, never allow.
 *
 * arg is a const struct relay_dial *. Returns as proxy_dial_fn: 0 and a
 * connected blocking stream in *fd, or -1 with why set ("the host relay
 * refused: not allowed: ...", "cannot reach the host relay: ...").
 */

struct relay_dial {
	struct proto_relay addr;
	uint32_t cid;           /* vsock: 0 means PROTO_RELAY_PARENT_CID */
};

int proxy_dial_relay(void *arg, const char *host, uint16_t port,
    int timeout_ms, int *fd, char *why, size_t whysz);

#endif

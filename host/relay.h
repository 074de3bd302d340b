/* SPDX-License-Identifier: ISC */
#ifndef TEEC_RELAY_H
#define TEEC_RELAY_H

#include <stdint.h>

#include "common/policy.h"
#include "common/proto.h"
#include "common/status.h"

/*
 * The host's network relay (teec-host(1), NETWORK; teec-protocol(7), The
 * relay channel): the worker's proxy, which has no network of its own in
 * a Nitro Enclave, opens one stream connection here per origin
 * connection and names the origin in one NET_OPEN frame. The relay checks
 * the name against its own copy of build.json's allow list, dials it
 * (every address getaddrinfo gives, within a time limit), answers with
 * one NET_OPEN frame and then copies bytes both ways until both sides
 * have finished (a half-close is passed on with shutdown(SHUT_WR)) or
 * nothing moved for idle_ms. It never looks into the bytes: HTTPS is
 * TLS from the worker to the origin.
 *
 * It listens on a vsock(7) port chosen by the kernel (VMADDR_CID_ANY,
 * VMADDR_PORT_ANY), or on a unix socket in a private (0700) temporary
 * directory. An accepting thread and one thread per connection, at most
 * max_conns at once (more are answered PROTO_NET_BUSY); all take no
 * signals. relay_stop() ends every connection and joins every thread;
 * relay_free() also removes the socket and its directory.
 */

struct relay_opts {
	const struct net_policy *policy;        /* copied */
	int vsock;                      /* vsock; else a unix socket */
	const char *tmpdir;             /* unix: NULL: $TMPDIR or /tmp */
	unsigned int max_conns;         /* 0: TEEC_MAX_NET_CONNS */
	int open_ms;                    /* 0: TEEC_NET_OPEN_MS */
	int connect_ms;                 /* 0: TEEC_NET_CONNECT_MS */
	int idle_ms;                    /* 0: TEEC_NET_IDLE_MS */
	/*
	 * One line per connection ("relay: HOST:PORT", or why it was
	 * refused), called from the relay's threads; may be NULL.
	 */
	void (*note)(void *arg, const char *line);
	void *note_arg;
};

struct relay_stats {
	uint64_t accepted;              /* connections taken */
	uint64_t relayed;               /* answered PROTO_NET_OK */
	uint64_t refused;               /* answered anything else, or not */
	unsigned int active;            /* connection threads running */
};

struct relay;

/* Listen and start accepting. TEEC_OK, or TEEC_ERROR with nothing left. */
int relay_start(const struct relay_opts *o, struct relay **out,
    struct teec_err *err);

/*
 * vsock: take connections from this CID only (the enclave's, once it
 * runs). Until it is set, every vsock connection is refused, so that
 * another enclave on the same instance cannot use the relay.
 */
void relay_set_peer_cid(struct relay *r, uint32_t cid);
/* The rule: 1 when a connection from CID got is served, with want set. */
int relay_peer_cid_ok(uint32_t want, uint32_t got);

/* Where the worker connects: the NET_RELAY payload (proto_relay_encode). */
const struct proto_relay *relay_address(const struct relay *r);

void relay_get_stats(struct relay *r, struct relay_stats *st);

/*
 * Stop accepting, end every connection, join every thread. Safe to call
 * twice. A connection still resolving its origin's name is joined when
 * getaddrinfo(3) returns.
 */
void relay_stop(struct relay *r);

/* Stop, close, remove the socket and its directory. Accepts NULL. */
void relay_free(struct relay *r);

#endif

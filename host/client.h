/* SPDX-License-Identifier: ISC */
#ifndef TEEC_CLIENT_H
#define TEEC_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "common/frame.h"
#include "common/proto.h"
#include "common/status.h"

/*
 * The host's side of one build over a connected stream to a worker
 * (teec-protocol(7)): HELLO both ways, NET_RELAY and UPSTREAM_CA when
 * given, BUILD_JSON, SOURCE_BEGIN and the
 * source stream; then LOG frames shown as they come until BUNDLE_BEGIN
 * and the bundle stream, written to bundle_fd. Everything the worker
 * sends is checked: frame types in the order the protocol allows, sizes
 * against caps, the bundle's length and SHA-256 against what BUNDLE_BEGIN
 * announced. Does not print: output goes through the events.
 */

/* Read timeouts: common/proto.h PROTO_HANDSHAKE_MS, PROTO_STREAM_MS and
 * PROTO_BUILD_MARGIN_S (teec-protocol(7)). */
#define CLIENT_SEND_MS          30000   /* a write the worker does not take */
#define CLIENT_ERROR_WAIT_MS    2000    /* for the ERROR behind a failed send */
#define CLIENT_MAX_LOG_SHOWN    TEEC_MAX_LOG_BYTES

enum client_stream { CLIENT_SOURCE, CLIENT_BUNDLE };

struct client_events {
	void *arg;
	/*
	 * A piece of the build's output, bytes as the worker sent them (at
	 * most TEEC_MAX_LOG_FRAME). Called once with p == NULL when more
	 * than CLIENT_MAX_LOG_SHOWN bytes came: the rest is not passed on.
	 */
	void (*log)(void *arg, const uint8_t *p, size_t n);
	/* Transfer progress; done == total at the end of a stream. */
	void (*progress)(void *arg, enum client_stream s, uint64_t done,
	    uint64_t total);
	/* A stream ended (successfully or not): remove any progress line. */
	void (*progress_end)(void *arg, enum client_stream s);
};

struct client_opts {
	const char *relay;              /* NET_RELAY payload, or NULL */
	const uint8_t *upstream_ca;     /* UPSTREAM_CA payload, or NULL */
	size_t upstream_ca_len;
	const uint8_t *build_json;      /* sent as is */
	size_t build_json_len;
	int source_fd;                  /* the source tar, read from offset 0 */
	uint64_t source_size;
	uint8_t source_sha256[32];
	const char *commit;             /* 40 hex digits, or NULL */
	int64_t source_date_epoch;
	unsigned int timeout;           /* SOURCE_BEGIN "timeout"; 0: not sent;
	                                   never above build.json's */
	unsigned int build_timeout;     /* effective limit, seconds, for the
	                                   host's own deadline */
	int bundle_fd;                  /* receives the bundle */
	const struct client_events *ev; /* may be NULL */
};

struct client_result {
	int peer_error;                 /* the worker sent ERROR: fe */
	struct frame_error fe;
	uint64_t bundle_size;
	uint8_t bundle_sha256[32];
	uint64_t log_bytes;             /* build output received */
};

/*
 * Run one build over fd. TEEC_OK: the bundle is in bundle_fd (not yet
 * verified). TEEC_FAIL: the worker refused or the build failed
 * (res->peer_error, code and msg, with err saying the same), or the
 * worker broke the protocol (err). TEEC_ERROR: the connection failed or
 * timed out, or a local error (err).
 */
int client_build(int fd, const struct client_opts *o,
    struct client_result *res, struct teec_err *err);

#endif

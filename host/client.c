/* SPDX-License-Identifier: ISC */
#include <sys/socket.h>
#include <sys/time.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "common/buf.h"
#include "common/caps.h"
#include "common/proto.h"
#include "common/timefmt.h"
#include "host/client.h"

/* The state of one transfer, for the frame_progress_fn adapter. */
struct xfer {
	const struct client_events *ev;
	enum client_stream s;
	uint64_t total;
};

static void
xfer_cb(uint64_t done, void *arg)
{
	struct xfer *x = arg;

	if (x->ev != NULL && x->ev->progress != NULL)
		x->ev->progress(x->ev->arg, x->s, done, x->total);
}

static void
xfer_end(const struct client_events *ev, enum client_stream s)
{
	if (ev != NULL && ev->progress_end != NULL)
		ev->progress_end(ev->arg, s);
}

/* Record an ERROR frame from the worker: TEEC_FAIL, or the decode error. */
static int
peer_error(const struct frame *f, struct client_result *res,
    struct teec_err *err)
{
	if (frame_error_decode(f, &res->fe, err) != TEEC_OK)
		return TEEC_FAIL;	/* a malformed ERROR breaks the protocol */
	res->peer_error = 1;
	return teec_errf(err, TEEC_FAIL, "%s", res->fe.msg);
}

/*
 * A send failed: the worker may have refused something and closed, with
 * its ERROR waiting in the socket. Prefer that to "broken pipe".
 */
static int
send_failed(int fd, struct frame *f, struct client_result *res,
    struct teec_err *err)
{
	struct teec_err e2;

	if (frame_recv(fd, f, 2 + TEEC_MAX_FRAME_ERROR_MSG,
	    CLIENT_ERROR_WAIT_MS, &e2) == TEEC_OK && f->type == FRAME_ERROR)
		return peer_error(f, res, err);
	return TEEC_ERROR;
}

/* The worker broke the protocol: tell it (best effort) and fail. */
static int
violation(int fd, struct teec_err *err)
{
	frame_send_error(fd, FRAME_ERR_PROTOCOL, err->msg, NULL);
	return TEEC_FAIL;
}

static int
handshake(int fd, struct frame *f, struct client_result *res,
    struct teec_err *err)
{
	int rc;

	if (frame_send_hello(fd, TEEC_PROTOCOL_VERSION, err) != TEEC_OK)
		return send_failed(fd, f, res, err);
	if ((rc = frame_recv(fd, f, 2 + TEEC_MAX_FRAME_ERROR_MSG,
	    PROTO_HANDSHAKE_MS, err)) != TEEC_OK) {
		if (rc == TEEC_FAIL)
			return violation(fd, err);
		return rc;
	}
	if (f->type == FRAME_ERROR)
		return peer_error(f, res, err);
	if (frame_hello_check(f, TEEC_PROTOCOL_VERSION, err) != TEEC_OK)
		return violation(fd, err);
	return TEEC_OK;
}

static int
send_source(int fd, const struct client_opts *o, struct frame *f,
    struct client_result *res, struct teec_err *err)
{
	struct proto_source_begin sb;
	struct buf b;
	struct xfer x;
	int rc = TEEC_ERROR;

	buf_init(&b, TEEC_MAX_FRAME_PAYLOAD);
	memset(&sb, 0, sizeof(sb));
	sb.size = o->source_size;
	memcpy(sb.sha256, o->source_sha256, sizeof(sb.sha256));
	if (o->commit != NULL) {
		snprintf(sb.commit, sizeof(sb.commit), "%s", o->commit);
		sb.has_commit = 1;
	}
	sb.source_date_epoch = o->source_date_epoch;
	if (o->timeout > 0) {
		sb.timeout = o->timeout;
		sb.has_timeout = 1;
	}
	if (proto_source_begin_encode(&sb, &b, err) != TEEC_OK)
		goto out;
	/* The optional frames, in the order the worker takes them. */
	if ((o->relay != NULL && frame_send(fd, FRAME_NET_RELAY, o->relay,
	    strlen(o->relay), err) != TEEC_OK) ||
	    (o->upstream_ca != NULL && frame_send(fd, FRAME_UPSTREAM_CA,
	    o->upstream_ca, o->upstream_ca_len, err) != TEEC_OK) ||
	    frame_send(fd, FRAME_BUILD_JSON, o->build_json, o->build_json_len,
	    err) != TEEC_OK ||
	    frame_send(fd, FRAME_SOURCE_BEGIN, b.data, b.len, err) !=
	    TEEC_OK) {
		rc = send_failed(fd, f, res, err);
		goto out;
	}
	if (lseek(o->source_fd, 0, SEEK_SET) == -1) {
		teec_errf(err, TEEC_ERROR, "source archive: %s",
		    strerror(errno));
		goto out;
	}
	x.ev = o->ev;
	x.s = CLIENT_SOURCE;
	x.total = o->source_size;
	/*
	 * The archive was hashed as it was packed: it is sent without a
	 * second pass of SHA-256, and the worker checks the bytes it gets
	 * against the SOURCE_END digest. A different length fails here.
	 */
	rc = frame_send_stream_known(fd, o->source_fd, FRAME_SOURCE_DATA,
	    o->source_sha256, o->source_size, xfer_cb, &x, err);
	xfer_end(o->ev, CLIENT_SOURCE);
	if (rc != TEEC_OK) {
		rc = send_failed(fd, f, res, err);
		goto out;
	}
	rc = TEEC_OK;
out:
	buf_free(&b);
	return rc;
}

/* LOG frames until BUNDLE_BEGIN, within the build's time limit. */
static int
await_bundle(int fd, const struct client_opts *o, struct frame *f,
    struct proto_bundle_begin *bb, struct client_result *res,
    struct teec_err *err)
{
	const struct client_events *ev = o->ev;
	int64_t deadline, left;
	int rc, cut = 0;

	deadline = mono_ms() + ((int64_t)o->build_timeout +
	    PROTO_BUILD_MARGIN_S) * 1000;
	for (;;) {
		left = deadline - mono_ms();
		if (left <= 0)
			return teec_errf(err, TEEC_ERROR, "the worker sent "
			    "nothing within the build's time limit of %u s",
			    o->build_timeout);
		if ((rc = frame_recv(fd, f, TEEC_MAX_LOG_FRAME,
		    left > INT32_MAX ? INT32_MAX : (int)left, err)) != TEEC_OK) {
			if (rc == TEEC_FAIL)
				return violation(fd, err);
			return rc;
		}
		switch (f->type) {
		case FRAME_LOG:
			res->log_bytes += f->len;
			if (res->log_bytes <= CLIENT_MAX_LOG_SHOWN) {
				if (ev != NULL && ev->log != NULL)
					ev->log(ev->arg, f->data, f->len);
			} else if (!cut) {
				cut = 1;
				if (ev != NULL && ev->log != NULL)
					ev->log(ev->arg, NULL, 0);
			}
			break;
		case FRAME_ERROR:
			return peer_error(f, res, err);
		case FRAME_BUNDLE_BEGIN:
			if (proto_bundle_begin_decode(f->data, f->len, bb,
			    err) != TEEC_OK)
				return violation(fd, err);
			return TEEC_OK;
		default:
			teec_errf(err, TEEC_FAIL, "unexpected %s frame from "
			    "the worker while building",
			    frame_type_name(f->type));
			return violation(fd, err);
		}
	}
}

static int
recv_bundle(int fd, const struct client_opts *o,
    const struct proto_bundle_begin *bb, struct client_result *res,
    struct teec_err *err)
{
	struct xfer x;
	uint8_t sha[32];
	uint64_t got = 0;
	int rc;

	x.ev = o->ev;
	x.s = CLIENT_BUNDLE;
	x.total = bb->size;
	rc = frame_recv_stream(fd, o->bundle_fd, FRAME_BUNDLE_DATA, bb->size,
	    PROTO_STREAM_MS, xfer_cb, &x, sha, &got, err);
	xfer_end(o->ev, CLIENT_BUNDLE);
	if (rc == TEEC_FAIL)
		return violation(fd, err);
	if (rc != TEEC_OK)
		return rc;
	if (got != bb->size) {
		teec_errf(err, TEEC_FAIL, "the bundle is %llu bytes, "
		    "BUNDLE_BEGIN announced %llu", (unsigned long long)got,
		    (unsigned long long)bb->size);
		return violation(fd, err);
	}
	if (CRYPTO_memcmp(sha, bb->sha256, sizeof(sha)) != 0) {
		teec_errf(err, TEEC_FAIL, "the bundle's SHA-256 is not the "
		    "one BUNDLE_BEGIN announced");
		return violation(fd, err);
	}
	res->bundle_size = got;
	memcpy(res->bundle_sha256, sha, sizeof(sha));
	return TEEC_OK;
}

int
client_build(int fd, const struct client_opts *o, struct client_result *res,
    struct teec_err *err)
{
	struct proto_bundle_begin bb;
	struct frame f;
	struct timeval tv;
	int rc;

	memset(res, 0, sizeof(*res));
	memset(&bb, 0, sizeof(bb));
	frame_init(&f);
	/* A worker that stops reading must not block a send forever. */
	tv.tv_sec = CLIENT_SEND_MS / 1000;
	tv.tv_usec = (CLIENT_SEND_MS % 1000) * 1000;
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));

	if ((rc = handshake(fd, &f, res, err)) != TEEC_OK ||
	    (rc = send_source(fd, o, &f, res, err)) != TEEC_OK ||
	    (rc = await_bundle(fd, o, &f, &bb, res, err)) != TEEC_OK ||
	    (rc = recv_bundle(fd, o, &bb, res, err)) != TEEC_OK)
		goto out;
	rc = TEEC_OK;
out:
	frame_free(&f);
	return rc;
}

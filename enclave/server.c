/* SPDX-License-Identifier: ISC */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "common/buildcfg.h"
#include "common/caps.h"
#include "common/digest.h"
#include "common/frame.h"
#include "common/proto.h"
#include "enclave/devca.h"
#include "enclave/relay_dial.h"
#include "enclave/sandbox.h"
#include "enclave/server.h"
#include "enclave/unpack.h"
#include "enclave/worker.h"
#include "enclave/workdir.h"

/*
 * teec-protocol(7), The conversation. The states follow one another in
 * this order; in each one exactly one frame type (or ERROR) is accepted.
 */

struct conv {
	int fd;
	const struct server_opts *o;
	struct server_result *res;
	struct teec_err *err;
	struct frame f;
	/* Set by the callbacks when they stop the build. */
	char stop_why[TEEC_ERR_MAX];
	int violation;          /* the host broke the protocol meanwhile */
};

/*
 * Refuse: send ERROR code and the message (best effort: the host may be
 * gone) and return TEEC_FAIL with the same message.
 */
static int
refuse(struct conv *c, uint16_t code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
refuse(struct conv *c, uint16_t code, const char *fmt, ...)
{
	char msg[TEEC_ERR_MAX];
	struct teec_err ignored;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	(void)frame_send_error(c->fd, code, msg, &ignored);
	c->res->sent_error = code;
	return teec_errf(c->err, TEEC_FAIL, "%s", msg);
}

static int
interrupted(const struct conv *c)
{
	return c->o->stop != NULL && *c->o->stop;
}

/* The connection broke: tell the host if it still listens, give up. */
static int
broken(struct conv *c, const char *msg)
{
	char copy[TEEC_ERR_MAX];
	struct teec_err ignored;

	snprintf(copy, sizeof(copy), "%s", msg);
	if (interrupted(c)) {
		if (frame_send_error(c->fd, FRAME_ERR_INTERNAL, "the worker "
		    "was interrupted", &ignored) == TEEC_OK)
			c->res->sent_error = FRAME_ERR_INTERNAL;
		return teec_errf(c->err, TEEC_ERROR, "interrupted");
	}
	if (!c->f.eof && c->res->peer_error == 0 &&
	    frame_send_error(c->fd, FRAME_ERR_PROTOCOL, copy, &ignored) ==
	    TEEC_OK)
		c->res->sent_error = FRAME_ERR_PROTOCOL;
	return teec_errf(c->err, TEEC_ERROR, "%s", copy);
}

/* The host sent ERROR: record it and end. */
static int
peer_error(struct conv *c)
{
	struct frame_error fe;
	struct teec_err e;

	if (frame_error_decode(&c->f, &fe, &e) != TEEC_OK)
		return refuse(c, FRAME_ERR_PROTOCOL, "%s", e.msg);
	c->res->peer_error = fe.code != 0 ? fe.code : FRAME_ERR_INTERNAL;
	return teec_errf(c->err, TEEC_ERROR, "the host sent ERROR %s: %s",
	    proto_error_name(fe.code), fe.msg);
}

/*
 * The next frame must be of type want, with at most maxlen bytes, within
 * timeout_ms. Anything else ends the conversation.
 */
static int
expect(struct conv *c, uint8_t want, size_t maxlen, int timeout_ms)
{
	struct teec_err e;
	int rc;

	/* ERROR frames are small; let them through the smallest caps. */
	if (maxlen < 2 + TEEC_MAX_FRAME_ERROR_MSG)
		maxlen = 2 + TEEC_MAX_FRAME_ERROR_MSG;
	rc = frame_recv(c->fd, &c->f, maxlen, timeout_ms, &e);
	if (rc == TEEC_FAIL)
		return refuse(c, FRAME_ERR_PROTOCOL, "%s", e.msg);
	if (rc != TEEC_OK)
		return broken(c, e.msg);
	if (c->f.type == FRAME_ERROR)
		return peer_error(c);
	if (c->f.type != want)
		return refuse(c, FRAME_ERR_PROTOCOL, "expected %s, got %s frame",
		    frame_type_name(want), frame_type_name(c->f.type));
	return TEEC_OK;
}

/* Wait until fd takes more bytes: 0, or -1 after timeout_ms or hangup. */
static int
wait_writable(int fd, int timeout_ms)
{
	struct pollfd p;
	int r;

	p.fd = fd;
	p.events = POLLOUT;
	for (;;) {
		p.revents = 0;
		r = poll(&p, 1, timeout_ms);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == 1 && (p.revents & POLLOUT) &&
		    !(p.revents & (POLLERR | POLLHUP)))
			return 0;
		return -1;
	}
}

/* The build's output, as LOG frames. A host that stops reading ends it. */
static int
send_log(void *arg, const uint8_t *p, size_t n)
{
	struct conv *c = arg;
	struct teec_err e;
	size_t k;

	while (n > 0) {
		k = n < TEEC_MAX_LOG_FRAME ? n : TEEC_MAX_LOG_FRAME;
		if (wait_writable(c->fd, PROTO_STREAM_MS) == -1) {
			snprintf(c->stop_why, sizeof(c->stop_why), "the host "
			    "did not read the build log for %d s",
			    PROTO_STREAM_MS / 1000);
			return 1;
		}
		if (frame_send(c->fd, FRAME_LOG, p, k, &e) != TEEC_OK) {
			snprintf(c->stop_why, sizeof(c->stop_why), "%s",
			    e.msg);
			return 1;
		}
		p += k;
		n -= k;
	}
	return 0;
}

/*
 * The host spoke while the build runs: it may only send ERROR (to cancel)
 * or close the connection. Either way the build stops.
 */
static int
host_spoke(void *arg)
{
	struct conv *c = arg;
	struct frame_error fe;
	struct teec_err e;
	int rc;

	rc = frame_recv(c->fd, &c->f, 2 + TEEC_MAX_FRAME_ERROR_MSG, 5000, &e);
	if (rc == TEEC_OK && c->f.type == FRAME_ERROR &&
	    frame_error_decode(&c->f, &fe, &e) == TEEC_OK) {
		c->res->peer_error = fe.code != 0 ? fe.code : FRAME_ERR_INTERNAL;
		teec_errf(&e, TEEC_ERROR, "the host sent ERROR %s: %s",
		    proto_error_name(fe.code), fe.msg);
		memcpy(c->stop_why, e.msg, sizeof(c->stop_why));
	} else if (rc == TEEC_OK && c->f.type != FRAME_ERROR) {
		c->violation = 1;
		snprintf(c->stop_why, sizeof(c->stop_why), "unexpected %s "
		    "frame while building", frame_type_name(c->f.type));
	} else if (rc == TEEC_ERROR && c->f.eof) {
		snprintf(c->stop_why, sizeof(c->stop_why), "the host closed "
		    "the connection");
	} else {
		c->violation = rc == TEEC_FAIL || rc == TEEC_OK;
		snprintf(c->stop_why, sizeof(c->stop_why), "%s", e.msg);
	}
	return 1;
}

/* HELLO both ways; the worker answers with its own version first. */
static int
handshake(struct conv *c)
{
	struct teec_err e;
	uint16_t v;
	int rc;

	if ((rc = expect(c, FRAME_HELLO, 2, PROTO_HANDSHAKE_MS)) != TEEC_OK)
		return rc;
	if (frame_hello_decode(&c->f, &v, &e) != TEEC_OK)
		return refuse(c, FRAME_ERR_PROTOCOL, "%s", e.msg);
	if (frame_send_hello(c->fd, TEEC_PROTOCOL_VERSION, &e) != TEEC_OK)
		return broken(c, e.msg);
	if (v != TEEC_PROTOCOL_VERSION)
		return refuse(c, FRAME_ERR_PROTOCOL, "protocol version "
		    "mismatch: the host speaks %u, the worker speaks %u", v,
		    TEEC_PROTOCOL_VERSION);
	return TEEC_OK;
}

/* What the optional frames before BUILD_JSON gave. */
struct preamble {
	int has_relay;
	struct relay_dial relay;
	int has_ca;
	struct buf ca;
};

/*
 * teec-protocol(7), The conversation: after HELLO, at most one NET_RELAY,
 * then at most one UPSTREAM_CA, then BUILD_JSON, which is left in c->f.
 * A unix relay is for local mode only; an UPSTREAM_CA only for an
 * emulated NSM or a debug-mode enclave (PCR0 all zero): a production
 * enclave never lets the host choose whom it trusts.
 */
static int
preamble(struct conv *c, const struct nsm *nsm, const uint8_t pcr0[48],
    int known, struct preamble *pa)
{
	static const uint8_t zero[48];
	struct teec_err e;
	size_t caps[FRAME_TYPE_MAX + 1];
	unsigned int t;
	int stage = 0, rc;

	/* Any other type is refused by its type below, if it is small. */
	for (t = 0; t <= FRAME_TYPE_MAX; t++)
		caps[t] = 2 + TEEC_MAX_FRAME_ERROR_MSG;
	caps[FRAME_NET_RELAY] = TEEC_MAX_NET_RELAY;
	caps[FRAME_UPSTREAM_CA] = TEEC_MAX_UPSTREAM_CA_BYTES;
	caps[FRAME_BUILD_JSON] = TEEC_MAX_BUILD_JSON_BYTES;
	for (;;) {
		rc = frame_recv_caps(c->fd, &c->f, caps, PROTO_HANDSHAKE_MS,
		    &e);
		if (rc == TEEC_FAIL)
			return refuse(c, FRAME_ERR_PROTOCOL, "%s", e.msg);
		if (rc != TEEC_OK)
			return broken(c, e.msg);
		switch (c->f.type) {
		case FRAME_ERROR:
			return peer_error(c);
		case FRAME_BUILD_JSON:
			return TEEC_OK;
		case FRAME_NET_RELAY:
			if (stage >= 1)
				return refuse(c, FRAME_ERR_PROTOCOL, "NET_RELAY: "
				    "%s", stage == 1 ? "given twice" :
				    "after UPSTREAM_CA");
			stage = 1;
			if (proto_relay_decode(c->f.data, c->f.len,
			    &pa->relay.addr, &e) != TEEC_OK)
				return refuse(c, FRAME_ERR_PROTOCOL, "%s", e.msg);
			if (pa->relay.addr.kind == PROTO_RELAY_UNIX &&
			    nsm_get_kind(nsm) == NSM_DEVICE)
				return refuse(c, FRAME_ERR_PROTOCOL, "NET_RELAY: "
				    "a unix socket is for local mode; an enclave "
				    "reaches the host over vsock only");
			pa->has_relay = 1;
			break;
		case FRAME_UPSTREAM_CA:
			if (stage >= 2)
				return refuse(c, FRAME_ERR_PROTOCOL,
				    "UPSTREAM_CA: given twice");
			stage = 2;
			if (c->o->upstream_ca != NULL)
				return refuse(c, FRAME_ERR_PROTOCOL,
				    "UPSTREAM_CA: the worker was started with "
				    "--upstream-ca already");
			if (nsm_get_kind(nsm) == NSM_DEVICE && (!known ||
			    memcmp(pcr0, zero, sizeof(zero)) != 0))
				return refuse(c, FRAME_ERR_PROTOCOL,
				    "UPSTREAM_CA: refused: this enclave is not in "
				    "debug mode (its PCR0 is not zero), and a "
				    "production enclave takes no CA from the host");
			buf_init(&pa->ca, TEEC_MAX_UPSTREAM_CA_BYTES);
			if (buf_append(&pa->ca, c->f.data, c->f.len) == -1)
				return refuse(c, FRAME_ERR_INTERNAL,
				    "UPSTREAM_CA: out of memory");
			pa->has_ca = 1;
			break;
		default:
			return refuse(c, FRAME_ERR_PROTOCOL, "expected %s, got "
			    "%s frame", frame_type_name(FRAME_BUILD_JSON),
			    frame_type_name(c->f.type));
		}
	}
}

/* Receive the source tar into WORK/source.tar and unpack it. */
static int
receive_source(struct conv *c, const struct proto_source_begin *sb,
    const struct workdir *wd)
{
	struct teec_err e;
	const char *why;
	uint8_t sha[32];
	uint64_t got = 0;
	int fd = -1, rc;

	if ((fd = open(wd->tar, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600)) == -1) {
		rc = refuse(c, FRAME_ERR_INTERNAL, "%s: %s", wd->tar,
		    strerror(errno));
		goto out;
	}
	rc = frame_recv_stream(c->fd, fd, FRAME_SOURCE_DATA, sb->size,
	    PROTO_STREAM_MS, NULL, NULL, sha, &got, &e);
	if (rc == TEEC_FAIL) {
		rc = refuse(c, FRAME_ERR_PROTOCOL, "%s", e.msg);
		goto out;
	}
	if (rc != TEEC_OK) {
		/*
		 * frame_recv_stream() reports an ERROR from the host as
		 * TEEC_ERROR "peer error CODE: MESSAGE" (common/frame.c);
		 * an ERROR is not answered.
		 */
		if (strncmp(e.msg, "peer error ", 11) == 0) {
			c->res->peer_error = FRAME_ERR_INTERNAL;
			rc = teec_errf(c->err, TEEC_ERROR, "the host sent %s",
			    e.msg + 5);
		} else
			rc = broken(c, e.msg);
		goto out;
	}
	if (got != sb->size) {
		rc = refuse(c, FRAME_ERR_PROTOCOL, "source archive: %llu bytes "
		    "received, SOURCE_BEGIN announced %llu",
		    (unsigned long long)got, (unsigned long long)sb->size);
		goto out;
	}
	if (CRYPTO_memcmp(sha, sb->sha256, sizeof(sha)) != 0) {
		rc = refuse(c, FRAME_ERR_INPUT, "source archive: its SHA-256 is "
		    "not the one SOURCE_BEGIN announced");
		goto out;
	}
	if (lseek(fd, 0, SEEK_SET) == -1) {
		rc = refuse(c, FRAME_ERR_INTERNAL, "%s: %s", wd->tar,
		    strerror(errno));
		goto out;
	}
	rc = unpack_tar_fd(fd, wd->src, c->o->unpack_lim, NULL, &e);
	if (rc != TEEC_OK) {
		/* One "source archive: " in front, whatever unpack said. */
		why = e.msg;
		if (strncmp(why, "source archive: ", 16) == 0)
			why += 16;
		rc = refuse(c, rc == TEEC_FAIL ? FRAME_ERR_INPUT :
		    FRAME_ERR_INTERNAL, "source archive: %s", why);
		goto out;
	}
	rc = TEEC_OK;
out:
	if (fd != -1)
		close(fd);
	(void)unlink(wd->tar);
	return rc;
}

/* Send WORK/bundle.teec: BUNDLE_BEGIN, BUNDLE_DATA..., BUNDLE_END. */
static int
send_bundle(struct conv *c, const struct workdir *wd)
{
	struct proto_bundle_begin bb;
	struct stat st;
	struct teec_err e;
	struct buf b;
	int fd = -1, rc;

	memset(&b, 0, sizeof(b));
	memset(&bb, 0, sizeof(bb));
	if ((fd = open(wd->bundle, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1 ||
	    fstat(fd, &st) == -1) {
		rc = refuse(c, FRAME_ERR_INTERNAL, "%s: %s", wd->bundle,
		    strerror(errno));
		goto out;
	}
	if ((uint64_t)st.st_size > TEEC_MAX_BUNDLE_BYTES) {
		rc = refuse(c, FRAME_ERR_BUILD, "the bundle is %lld bytes, over "
		    "the limit of %llu", (long long)st.st_size,
		    (unsigned long long)TEEC_MAX_BUNDLE_BYTES);
		goto out;
	}
	bb.size = (uint64_t)st.st_size;
	if (sha256_file(wd->bundle, bb.sha256, NULL, &e) != TEEC_OK ||
	    proto_bundle_begin_encode(&bb, &b, &e) != TEEC_OK) {
		rc = refuse(c, FRAME_ERR_INTERNAL, "%s", e.msg);
		goto out;
	}
	/* Hashed once, above: the stream carries that digest (the host checks). */
	if (frame_send(c->fd, FRAME_BUNDLE_BEGIN, b.data, b.len, &e) !=
	    TEEC_OK ||
	    frame_send_stream_known(c->fd, fd, FRAME_BUNDLE_DATA, bb.sha256,
	    bb.size, NULL, NULL, &e) != TEEC_OK) {
		rc = teec_errf(c->err, TEEC_ERROR, "%s", e.msg);
		goto out;
	}
	c->res->bundle_sent = 1;
	rc = TEEC_OK;
out:
	if (fd != -1)
		close(fd);
	buf_free(&b);
	return rc;
}

/* Namespaces, unless told to do without; TEEC_OK and the mode. */
static int
pick_isolation(struct conv *c, enum sandbox_mode *mode, char *bwrap,
    size_t bwsz)
{
	struct teec_err e;

	if (c->o->unisolated) {
		*mode = SANDBOX_NONE;
		return TEEC_OK;
	}
	*mode = SANDBOX_NAMESPACES;
	if (sandbox_find_bwrap(bwrap, bwsz, &e) != TEEC_OK ||
	    sandbox_probe(bwrap, &e) != TEEC_OK)
		return refuse(c, FRAME_ERR_INTERNAL, "the build cannot be "
		    "isolated: %s; --unisolated builds without isolation",
		    e.msg);
	return TEEC_OK;
}

int
server_serve(int fd, const struct server_opts *o, struct server_result *res,
    struct teec_err *err)
{
	struct proto_source_begin sb;
	struct buildcfg cfg;
	struct workdir wd;
	struct worker_job job;
	struct worker_fail wf;
	struct nsm *nsm = NULL;
	struct preamble pa;
	struct conv c;
	struct teec_err e;
	enum sandbox_mode mode = SANDBOX_NONE;
	char bwrap[PATH_MAX], devca[PATH_MAX], hidden[PATH_MAX];
	const char *hide[1];
	uint8_t pcrs[3][48];
	size_t nhide = 0;
	unsigned int timeout;
	int rc, known;

	memset(res, 0, sizeof(*res));
	memset(&cfg, 0, sizeof(cfg));
	memset(&wd, 0, sizeof(wd));
	memset(&pa, 0, sizeof(pa));
	memset(&c, 0, sizeof(c));
	c.fd = fd;
	c.o = o;
	c.res = res;
	c.err = err;
	frame_init(&c.f);
	bwrap[0] = '\0';

	if ((rc = handshake(&c)) != TEEC_OK ||
	    (rc = pick_isolation(&c, &mode, bwrap, sizeof(bwrap))) != TEEC_OK)
		goto out;
	if ((o->nsm_raw != NULL ? nsm_open_raw(o->nsm_raw, o->nsm_raw_arg,
	    &nsm, &e) : nsm_open(o->nsm, o->devca_dir, &nsm, &e)) != TEEC_OK ||
	    worker_image_pcrs(nsm, pcrs, &known, &e) != TEEC_OK) {
		rc = refuse(&c, FRAME_ERR_INTERNAL, "%s", e.msg);
		goto out;
	}
	/* The development CA's key is no business of the build. */
	if (nsm_get_kind(nsm) == NSM_EMULATED) {
		if (o->devca_dir != NULL)
			snprintf(devca, sizeof(devca), "%s", o->devca_dir);
		else if (devca_default_dir(devca, sizeof(devca), &e) != TEEC_OK)
			devca[0] = '\0';
		if (devca[0] != '\0' && realpath(devca, hidden) != NULL)
			hide[nhide++] = hidden;
	}

	/* build.json: believed only after the worker's own parse. */
	if ((rc = preamble(&c, nsm, pcrs[0], known, &pa)) != TEEC_OK)
		goto out;
	if (buildcfg_parse(c.f.data, c.f.len, &cfg, &e) != TEEC_OK) {
		rc = refuse(&c, FRAME_ERR_INPUT, "%s", e.msg);
		goto out;
	}

	if ((rc = expect(&c, FRAME_SOURCE_BEGIN, TEEC_MAX_PROTO_JSON_BYTES,
	    PROTO_HANDSHAKE_MS)) != TEEC_OK)
		goto out;
	if ((rc = proto_source_begin_decode(c.f.data, c.f.len, &sb, &e)) !=
	    TEEC_OK) {
		rc = refuse(&c, rc == TEEC_FAIL ? FRAME_ERR_PROTOCOL :
		    FRAME_ERR_INTERNAL, "%s", e.msg);
		goto out;
	}
	timeout = cfg.timeout;
	if (sb.has_timeout) {
		if (sb.timeout > cfg.timeout) {
			rc = refuse(&c, FRAME_ERR_PROTOCOL, "SOURCE_BEGIN: "
			    "timeout: %u s is above build.json's %u s; it may "
			    "only lower it", sb.timeout, cfg.timeout);
			goto out;
		}
		timeout = sb.timeout;
	}

	if (workdir_create(o->workdir_base, &wd, &e) != TEEC_OK) {
		rc = refuse(&c, FRAME_ERR_INTERNAL, "%s", e.msg);
		goto out;
	}
	if ((rc = receive_source(&c, &sb, &wd)) != TEEC_OK)
		goto out;

	memset(&job, 0, sizeof(job));
	job.cfg = &cfg;
	job.source_sha256 = sb.sha256;
	job.source_commit = sb.has_commit ? sb.commit : NULL;
	job.source_date_epoch = sb.source_date_epoch;
	job.timeout = timeout;
	job.wd = &wd;
	job.mode = mode;
	job.bwrap = bwrap;
	job.hide = hide;
	job.nhide = nhide;
	job.grace_ms = o->grace_ms;
	job.nsm = nsm;
	job.log_cap = o->log_cap;
	job.netshim = o->netshim;
	job.upstream_ca = o->upstream_ca;
	job.upstream_ca_len = o->upstream_ca_len;
	if (pa.has_ca) {
		job.upstream_ca = pa.ca.data != NULL ? pa.ca.data :
		    (const uint8_t *)"";
		job.upstream_ca_len = pa.ca.len;
	}
	if (pa.has_relay) {
		job.dial = proxy_dial_relay;
		job.dial_arg = &pa.relay;
	}
	job.on_log = send_log;
	job.watch_fd = fd;
	job.on_watch = host_spoke;
	job.arg = &c;
	job.stop = o->stop;
	if (worker_build(&job, &wf, &e) != TEEC_OK) {
		if (!wf.stopped)
			rc = refuse(&c, wf.code, "%s", e.msg);
		else if (interrupted(&c)) {
			(void)refuse(&c, FRAME_ERR_INTERNAL, "the worker was "
			    "interrupted");
			rc = teec_errf(err, TEEC_ERROR, "interrupted");
		} else if (c.violation)
			rc = refuse(&c, FRAME_ERR_PROTOCOL, "%s", c.stop_why);
		else
			rc = teec_errf(err, TEEC_ERROR, "build stopped: %s",
			    c.stop_why[0] != '\0' ? c.stop_why : e.msg);
		goto out;
	}
	rc = send_bundle(&c, &wd);
out:
	if (wd.root != NULL) {
		if (o->keep) {
			snprintf(res->kept, sizeof(res->kept), "%s", wd.root);
			workdir_free(&wd);
		} else {
			snprintf(res->kept, sizeof(res->kept), "%s", wd.root);
			if (workdir_destroy(&wd, &e) == TEEC_OK)
				res->kept[0] = '\0';
			else
				snprintf(res->cleanup, sizeof(res->cleanup),
				    "%s", e.msg);
		}
	}
	nsm_close(nsm);
	buildcfg_free(&cfg);
	buf_free(&pa.ca);
	frame_free(&c.f);
	return rc;
}

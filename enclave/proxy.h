/* SPDX-License-Identifier: ISC */
#ifndef TEEC_PROXY_H
#define TEEC_PROXY_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/policy.h"
#include "common/status.h"
#include "report/report.h"

/*
 * The worker's recording forward proxy (teec-enclave(8), NETWORK): the
 * build's only way out. It runs in threads of the worker, outside the
 * build's namespaces, and listens on a unix socket (reached from inside
 * the sandbox through `teec-enclave netshim`) or on 127.0.0.1.
 *
 * Plain HTTP: absolute-form requests (http://HOST[:PORT]/...) to an
 * allowed HOST:PORT are forwarded, the response is streamed back and its
 * body hashed as it goes. HTTPS: CONNECT HOST:PORT to an allowed pair
 * opens a verified TLS connection to the origin first, then terminates the
 * build's TLS with a certificate of the per-build CA (enclave/proxy_tls.h)
 * and handles the requests inside like plain ones. Whatever is not allowed
 * is refused (403) and recorded; whatever breaks a cap (common/caps.h:
 * heads, bodies, time) is cut off, answered 502 when the build is still
 * waiting for a response head, and recorded as refused with the reason.
 *
 * Each exchange becomes one record, in the order exchanges end: a fetch
 * {uri, method, status, size, sha256 of the body} or a refusal {uri,
 * method, reason}; report.json lists them as network dependencies and
 * network.jsonl (report/netlog.h) as the transcript.
 */

/*
 * How the proxy reaches an origin: connect to host:port (host canonical,
 * already allowed) within timeout_ms and return a connected stream socket
 * in *fd; or -1 with why set. Local mode dials directly
 * (proxy_dial_direct); in a Nitro Enclave, where the only way out is the
 * parent instance, proxy_dial_relay (enclave/relay_dial.h) opens one
 * stream per origin connection through teec-host's relay
 * (teec-protocol(7), The relay channel).
 */
typedef int (*proxy_dial_fn)(void *arg, const char *host, uint16_t port,
    int timeout_ms, int *fd, char *why, size_t whysz);

int proxy_dial_direct(void *arg, const char *host, uint16_t port,
    int timeout_ms, int *fd, char *why, size_t whysz);

/* Limits; a zero field takes the caps.h value named beside it. */
struct proxy_limits {
	int head_ms;                    /* TEEC_NET_HEAD_MS */
	int idle_ms;                    /* TEEC_NET_IDLE_MS */
	int exchange_ms;                /* TEEC_NET_EXCHANGE_MS */
	int connect_ms;                 /* TEEC_NET_CONNECT_MS */
	uint64_t max_body;              /* TEEC_MAX_HTTP_BODY */
	uint64_t max_req_body;          /* TEEC_MAX_HTTP_REQ_BODY */
	unsigned int max_conns;         /* TEEC_MAX_NET_CONNS */
	size_t max_records;             /* TEEC_MAX_NET_EXCHANGES */
};

struct proxy_opts {
	const struct net_policy *policy;        /* copied */
	const char *unix_path;          /* listen here; NULL: 127.0.0.1, a free
	                                   port (proxy_port()) */
	const uint8_t *upstream_ca;     /* PEM; NULL: the image's bundle */
	size_t upstream_ca_len;
	const char *system_ca;          /* NULL: PROXY_SYSTEM_CA */
	unsigned int valid_s;           /* the per-build CA's life; 0: a day */
	proxy_dial_fn dial;             /* NULL: proxy_dial_direct */
	void *dial_arg;
	struct proxy_limits lim;
};

struct proxy_record {
	struct report_dep dep;          /* uri, method; fetch or refusal */
	uint64_t conn;                  /* connection number, from 1 */
	int tls;                        /* inside a CONNECT tunnel */
	uint64_t req_size;              /* request body bytes sent upstream */
	uint8_t req_sha256[32];
};

struct proxy;

/*
 * Make the per-build CA, listen, start the accepting thread. TEEC_OK;
 * TEEC_FAIL when the upstream CA bundle is not usable; TEEC_ERROR.
 */
int proxy_start(const struct proxy_opts *o, struct proxy **out,
    struct teec_err *err);

/* The TCP port listened on (0 with a unix socket). */
uint16_t proxy_port(const struct proxy *px);

/* The per-build CA certificate, PEM, appended to out. */
int proxy_ca_pem(const struct proxy *px, struct buf *out,
    struct teec_err *err);

/*
 * Stop: no new connection is accepted, every open one is ended (an
 * exchange cut short is recorded so), every thread has finished when it
 * returns. Safe to call twice. The records can be read afterwards.
 */
void proxy_stop(struct proxy *px);

/* The records, in order; valid until proxy_free(). After proxy_stop(). */
size_t proxy_nrecords(const struct proxy *px);
const struct proxy_record *proxy_record(const struct proxy *px, size_t i);

/*
 * Exchanges that were refused because the records were full (more than
 * lim.max_records, or records that would take more than
 * TEEC_MAX_NET_RECORD_TEXT bytes of report.json): a build with any
 * cannot be reported.
 */
uint64_t proxy_overflow(const struct proxy *px);

/* network.jsonl (report/netlog.h) of the records, into out (initialised). */
int proxy_transcript(const struct proxy *px, struct buf *out,
    struct teec_err *err);

void proxy_free(struct proxy *px);     /* stops it first; accepts NULL */

#endif

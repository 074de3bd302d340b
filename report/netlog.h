/* SPDX-License-Identifier: ISC */
#ifndef TEEC_NETLOG_H
#define TEEC_NETLOG_H

/*
 * network.jsonl (teec-bundle(5)): the transcript of the worker's recording
 * proxy, one compact JSON object per line, one line per exchange, in the
 * order of report.json's network dependencies. Line i (from 0) is
 *
 *	{"seq":i,"conn":C,"tls":B,"method":M,"uri":U,"status":S,"size":N,
 *	 "sha256":H,"requestSize":R[,"requestSha256":H]}
 *
 * for a completed exchange, or
 *
 *	{"seq":i,"conn":C,"tls":B,"method":M,"uri":U,"refused":true,
 *	 "reason":T}
 *
 * for a refused or cut-off one. method, uri, status, size, sha256 and
 * reason are those of resolvedDependencies' entry i; conn numbers the
 * proxy's connections from 1; tls says the exchange went through a
 * CONNECT tunnel; requestSize and requestSha256 describe the request body
 * the proxy sent upstream (the digest only when it is not empty).
 */

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/status.h"
#include "report/report.h"

struct netlog_entry {
	const struct report_dep *dep;   /* as report.json records it */
	uint64_t conn;                  /* >= 1 */
	int tls;
	uint64_t req_size;              /* fetches only */
	const uint8_t *req_sha256;      /* 32 bytes, with req_size > 0 */
};

/*
 * Append line seq, newline included, to out. TEEC_ERROR when e is not
 * a shape the checker accepts, a line would pass TEEC_MAX_NET_LINE, or
 * out is full.
 */
int netlog_append(struct buf *out, size_t seq, const struct netlog_entry *e,
    struct teec_err *err);

/*
 * Check one line (n bytes at p, without its newline) as line seq of the
 * transcript of a report whose dependency seq is d. TEEC_OK, or TEEC_FAIL
 * "network.jsonl: line N: ..." when it is malformed or says something
 * else than d; TEEC_ERROR when out of memory.
 */
int netlog_check_line(const uint8_t *p, size_t n, size_t seq,
    const struct report_dep *d, struct teec_err *err);

#endif

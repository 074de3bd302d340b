/* SPDX-License-Identifier: ISC */
#ifndef TEEC_NETREC_H
#define TEEC_NETREC_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/policy.h"
#include "common/status.h"
#include "enclave/proxy.h"
#include "enclave/sandbox.h"
#include "enclave/workdir.h"
#include "report/report.h"

/*
 * A build's recorded network (teec-enclave(8), NETWORK), between the
 * worker and the proxy: start the proxy for build.json's policy, show it
 * to the build, stop it when the command has ended, and turn its records
 * into report.json's network dependencies and WORK/network.jsonl.
 *
 * The build finds, besides http_proxy, https_proxy, HTTP_PROXY and
 * HTTPS_PROXY (http://127.0.0.1:PORT), the per-build CA in
 * NETREC_CA_NAME and the system bundle with it appended in
 * NETREC_BUNDLE_NAME, both in WORK (SANDBOX_VIEW for a sandboxed build),
 * named by SSL_CERT_FILE, CURL_CA_BUNDLE, GIT_SSL_CAINFO,
 * CARGO_HTTP_CAINFO, REQUESTS_CA_BUNDLE (the bundle) and
 * NODE_EXTRA_CA_CERTS (the CA alone).
 */

#define NETREC_SOCKET_NAME      "proxy.sock"
#define NETREC_CA_NAME          "proxy-ca.pem"
#define NETREC_BUNDLE_NAME      "proxy-ca-bundle.pem"
#define NETREC_TRANSCRIPT_NAME  "network.jsonl"

struct netrec_opts {
	const struct net_policy *policy;
	enum sandbox_mode mode;
	const struct workdir *wd;
	const char *netshim;            /* NULL: this program (/proc/self/exe) */
	const uint8_t *upstream_ca;     /* PEM, NULL: the image's bundle */
	size_t upstream_ca_len;
	const char *system_ca;          /* NULL: PROXY_SYSTEM_CA */
	unsigned int timeout;           /* the build's, seconds */
	proxy_dial_fn dial;             /* NULL: proxy_dial_direct */
	void *dial_arg;
	const struct proxy_limits *lim; /* NULL: the defaults */
};

struct netrec {
	struct proxy *px;
	char netshim[PATH_MAX];         /* SANDBOX_NAMESPACES: the program */
	char *transcript;               /* WORK/network.jsonl */
	uint8_t transcript_sha256[32];
	struct report_dep *deps;        /* the records, in order (shallow) */
	size_t ndeps;
	size_t refused;
	uint64_t overflow;
	int stopped;
};

/*
 * Start the proxy, write the CA files, set the variables in env. n is
 * zeroed first. TEEC_OK, TEEC_FAIL (the upstream CA bundle is not
 * usable), TEEC_ERROR.
 */
int netrec_start(struct netrec *n, const struct netrec_opts *o,
    struct sandbox_env *env, struct teec_err *err);

/*
 * The command has ended: stop the proxy. notes (may be NULL) gets lines
 * for the build log: one per refused or cut-off exchange, and a summary.
 */
void netrec_stop(struct netrec *n, struct buf *notes);

/*
 * Write WORK/network.jsonl and its digest, and fill deps. TEEC_FAIL when
 * some exchange could not be recorded (the build cannot be reported),
 * TEEC_ERROR when the file could not be written.
 */
int netrec_finish(struct netrec *n, const struct workdir *wd,
    struct teec_err *err);

void netrec_free(struct netrec *n);    /* accepts a zeroed one */

#endif

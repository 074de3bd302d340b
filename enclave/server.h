/* SPDX-License-Identifier: ISC */
#ifndef TEEC_SERVER_H
#define TEEC_SERVER_H

#include <limits.h>
#include <signal.h>
#include <stdint.h>

#include "common/status.h"
#include "enclave/nsm.h"
#include "enclave/unpack.h"

/*
 * The worker's side of one conversation with teec-host over a connected
 * stream (teec-protocol(7)): HELLO, the optional NET_RELAY and
 * UPSTREAM_CA, BUILD_JSON, SOURCE_BEGIN and the source stream in; LOG frames while the build runs; BUNDLE_BEGIN and the
 * bundle stream out; or an ERROR frame instead of the next frame, then
 * nothing more. Every read has a time limit; every frame is checked
 * against the state the conversation is in.
 */

struct server_opts {
	enum nsm_kind nsm;              /* NSM_AUTO, NSM_DEVICE, NSM_EMULATED */
	const char *devca_dir;          /* NULL: devca_default_dir() */
	const char *workdir_base;       /* NULL: $TMPDIR or /tmp */
	int unisolated;                 /* run the build without namespaces */
	int keep;                       /* leave WORK in place */
	unsigned int grace_ms;          /* 0: SANDBOX_GRACE_MS */
	uint64_t log_cap;               /* 0: TEEC_MAX_LOG_BYTES */
	const struct unpack_limits *unpack_lim; /* NULL: the caps.h limits */
	const char *netshim;            /* NULL: this program (/proc/self/exe) */
	const uint8_t *upstream_ca;     /* --upstream-ca PEM bundle, or NULL;
	                                   then an UPSTREAM_CA frame is refused */
	size_t upstream_ca_len;
	const volatile sig_atomic_t *stop;      /* set by a signal handler */
	/* A seam for tests: an NSM_DEVICE whose round trips go here. */
	nsm_raw_fn nsm_raw;
	void *nsm_raw_arg;
};

struct server_result {
	uint16_t sent_error;            /* the ERROR code sent, 0 if none */
	uint16_t peer_error;            /* the host's ERROR code, 0 if none */
	int bundle_sent;
	char kept[PATH_MAX];            /* WORK, when it was kept or could
	                                   not be removed */
	char cleanup[TEEC_ERR_MAX];     /* why WORK could not be removed */
};

/*
 * Serve one build on fd (which stays open; the caller closes it).
 * TEEC_OK: the bundle was sent. TEEC_FAIL: the build was refused or
 * failed, and an ERROR frame said so (err holds the same message).
 * TEEC_ERROR: the conversation broke off (the host went away, a read
 * timed out, the host sent ERROR, the worker was stopped); err says why.
 */
int server_serve(int fd, const struct server_opts *o,
    struct server_result *res, struct teec_err *err);

#endif

/* SPDX-License-Identifier: ISC */
#ifndef TEEC_WORKER_H
#define TEEC_WORKER_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buildcfg.h"
#include "common/status.h"
#include "enclave/nsm.h"
#include "enclave/proxy.h"
#include "enclave/sandbox.h"
#include "enclave/workdir.h"

/*
 * One build, from an unpacked source tree to WORK/bundle.teec: start the
 * recording proxy when build.json has a network policy (enclave/netrec.h),
 * run the command in the sandbox (its output into WORK/build.log and to
 * on_log),
 * collect and hash the outputs, write report.json, attest it with the NSM
 * (user_data = report_binding(report.json), no nonce, no public key) and
 * write the bundle (teec-enclave(8), THE BUILD).
 */

#define WORKER_BUILDER_LOCAL	"https://teec.dev/builder/local/v1"
#define WORKER_BUILDER_NITRO	"https://teec.dev/builder/nitro/v1"

struct worker_job {
	const struct buildcfg *cfg;
	const uint8_t *source_sha256;       /* 32 bytes */
	const char *source_commit;          /* NULL: not a git checkout */
	int64_t source_date_epoch;
	unsigned int timeout;               /* effective, seconds */
	const struct workdir *wd;           /* src holds the unpacked tree */
	enum sandbox_mode mode;
	const char *bwrap;                  /* SANDBOX_NAMESPACES */
	const char *const *hide;            /* see sandbox_opts */
	size_t nhide;
	unsigned int grace_ms;              /* 0: SANDBOX_GRACE_MS */
	struct nsm *nsm;
	uint64_t log_cap;                   /* 0: TEEC_MAX_LOG_BYTES */
	/* With a network policy (enclave/netrec.h). */
	const char *netshim;                /* NULL: this program */
	const uint8_t *upstream_ca;         /* --upstream-ca PEM, or NULL */
	size_t upstream_ca_len;
	const char *system_ca;              /* NULL: PROXY_SYSTEM_CA */
	proxy_dial_fn dial;                 /* NULL: proxy_dial_direct */
	void *dial_arg;                     /* e.g. enclave/relay_dial.h */
	/* The build's output as it comes (see sandbox.h). */
	int (*on_log)(void *arg, const uint8_t *p, size_t n);
	int watch_fd;
	int (*on_watch)(void *arg);
	void *arg;
	const volatile sig_atomic_t *stop;
};

/* Why a build did not give a bundle: an ERROR frame code (frame.h). */
struct worker_fail {
	uint16_t code;          /* FRAME_ERR_BUILD or FRAME_ERR_INTERNAL */
	int stopped;            /* a callback or *stop ended it */
};

/*
 * TEEC_OK: WORK/bundle.teec is written. TEEC_FAIL: no bundle; fail and
 * err say why (BUILD: the command failed, timed out or its outputs are
 * missing or refused; INTERNAL: the worker could not do its part).
 */
int worker_build(const struct worker_job *job, struct worker_fail *fail,
    struct teec_err *err);

/*
 * PCR0, PCR1 and PCR2 of the enclave image, for report.json, read from
 * the NSM device with DescribePCR (nsm_describe_pcr()): *known = 1. The
 * emulator has no image: *known = 0. TEEC_ERROR when the NSM refuses.
 */
int worker_image_pcrs(struct nsm *nsm, uint8_t pcrs[3][48], int *known,
    struct teec_err *err);

/* A random (version 4) UUID in lower case, RFC 9562 section 5.4. */
int worker_uuid4(char out[37], struct teec_err *err);

#endif

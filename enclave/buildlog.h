/* SPDX-License-Identifier: ISC */
#ifndef TEEC_BUILDLOG_H
#define TEEC_BUILDLOG_H

#include <stddef.h>
#include <stdint.h>

#include "common/status.h"

/*
 * WORK/build.log: the build's standard output and error as they came,
 * capped. Once the next piece would take the file past cap minus the
 * length of BUILDLOG_NOTICE, only what fits is kept, the notice line
 * follows, and later output is dropped, so the file never exceeds cap
 * (the verifier's limit is TEEC_MAX_LOG_BYTES).
 */
#define BUILDLOG_NOTICE "\nteec-enclave: the build log reached its size " \
	"limit; further output was dropped\n"

struct buildlog {
	int is_open;
	int fd;
	uint64_t cap;
	uint64_t written;       /* bytes in the file */
	uint64_t dropped;       /* bytes of output not kept */
	int truncated;
};

/* Create path (O_EXCL, 0644). cap must exceed the notice's length. */
int buildlog_open(struct buildlog *l, const char *path, uint64_t cap,
    struct teec_err *err);

/*
 * Add n bytes of output. *kept gets how many leading bytes of p went into
 * the file; *notice is set to BUILDLOG_NOTICE on the call that truncated
 * the log (the caller forwards both), else NULL.
 */
int buildlog_add(struct buildlog *l, const uint8_t *p, size_t n,
    size_t *kept, const char **notice, struct teec_err *err);

/* Close; accepts a closed or zeroed log. */
int buildlog_close(struct buildlog *l, struct teec_err *err);

#endif

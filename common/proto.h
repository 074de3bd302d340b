/* SPDX-License-Identifier: ISC */
#ifndef TEEC_PROTO_H
#define TEEC_PROTO_H

/*
 * The JSON payloads of the host-worker conversation (teec-protocol(7)),
 * shared by teec-host and teec-enclave. Frames themselves are
 * common/frame.h. Each encoder writes one compact form with a fixed member
 * order; each decoder accepts exactly the documented shape: strict JSON
 * (common/json.h), one flat object of at most TEEC_MAX_PROTO_JSON_BYTES,
 * no unknown or duplicate members, every member of its one type and range.
 *
 * Decoders return TEEC_OK, or TEEC_FAIL with a one-line message that
 * starts with the frame's name ("SOURCE_BEGIN: sha256: ..."), or
 * TEEC_ERROR when out of memory. Encoders return TEEC_OK, or TEEC_ERROR
 * for a value the decoder would refuse (out is left empty then).
 */

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/caps.h"
#include "common/frame.h"
#include "common/status.h"

/* Read time limits of the conversation (teec-protocol(7), Time limits). */
#define PROTO_HANDSHAKE_MS	30000	/* HELLO, BUILD_JSON, SOURCE_BEGIN */
#define PROTO_STREAM_MS		30000	/* each DATA or END frame of a stream */
#define PROTO_BUILD_MARGIN_S	120	/* added to the build's timeout */

/*
 * SOURCE_BEGIN, host to worker:
 * {"size":N,"sha256":"HEX64","commit":"HEX40","source_date_epoch":N,
 *  "timeout":N}; commit and timeout are optional.
 */
struct proto_source_begin {
	uint64_t size;              /* bytes of the source tar, at most
	                               TEEC_MAX_SOURCE_BYTES */
	uint8_t sha256[32];         /* SHA-256 of the source tar */
	int has_commit;
	char commit[65];            /* 40 or 64 lower-case hex digits */
	int64_t source_date_epoch;  /* 0 .. PROTO_MAX_EPOCH */
	int has_timeout;
	unsigned int timeout;       /* TEEC_TIMEOUT_MIN .. TEEC_TIMEOUT_MAX;
	                               the worker refuses one above
	                               build.json's */
};

/* The last second of the year 9999 (what report.json can state). */
#define PROTO_MAX_EPOCH		253402300799LL

int proto_source_begin_encode(const struct proto_source_begin *s,
    struct buf *out, struct teec_err *err);
int proto_source_begin_decode(const uint8_t *p, size_t n,
    struct proto_source_begin *s, struct teec_err *err);

/* BUNDLE_BEGIN, worker to host: {"size":N,"sha256":"HEX64"}. */
struct proto_bundle_begin {
	uint64_t size;              /* at most TEEC_MAX_BUNDLE_BYTES */
	uint8_t sha256[32];
};

int proto_bundle_begin_encode(const struct proto_bundle_begin *b,
    struct buf *out, struct teec_err *err);
int proto_bundle_begin_decode(const uint8_t *p, size_t n,
    struct proto_bundle_begin *b, struct teec_err *err);

/*
 * An ERROR frame's code by name ("PROTOCOL", "INPUT", "BUILD",
 * "INTERNAL"), or "UNKNOWN".
 */
const char *proto_error_name(unsigned int code);

/*
 * The message prefix of an INPUT error about build.json itself: the
 * worker sends its parser's message, which starts with this.
 */
#define PROTO_RECIPE_PREFIX	"build.json"

/*
 * The exit status teec-host gives for an ERROR frame from the worker:
 * 2 (could not run) for a refused build.json (INPUT whose message starts
 * with PROTO_RECIPE_PREFIX), INTERNAL, PROTOCOL and unknown codes; 1 (the
 * build does not hold) for any other INPUT (the source archive) and
 * BUILD.
 */
int proto_error_exit(const struct frame_error *fe);

#endif

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
 * NET_RELAY, host to worker, optional, after HELLO and before BUILD_JSON:
 * where the worker's proxy reaches origins through the host
 * (teec-protocol(7), The relay channel). "vsock:PORT" (PORT 1 to
 * PROTO_RELAY_VSOCK_PORT_MAX, decimal without sign or leading zeros: a
 * vsock(7) stream port on the parent instance, CID PROTO_RELAY_PARENT_CID)
 * or "unix:PATH" (PATH absolute, printable ASCII, shorter than
 * PROTO_RELAY_PATH_MAX). At most TEEC_MAX_NET_RELAY bytes.
 */
#define PROTO_RELAY_PARENT_CID          3u
#define PROTO_RELAY_VSOCK_PORT_MAX      4294967294u  /* 2^32 - 1 is "any" */
#define PROTO_RELAY_PATH_MAX            108u         /* sun_path, with NUL */

enum proto_relay_kind {
	PROTO_RELAY_VSOCK = 1,
	PROTO_RELAY_UNIX = 2,
};

struct proto_relay {
	enum proto_relay_kind kind;
	uint32_t port;                  /* PROTO_RELAY_VSOCK */
	char path[PROTO_RELAY_PATH_MAX];/* PROTO_RELAY_UNIX */
};

/* The payload, NUL-terminated, into out (TEEC_MAX_NET_RELAY + 1 bytes). */
int proto_relay_encode(const struct proto_relay *r,
    char out[TEEC_MAX_NET_RELAY + 1], struct teec_err *err);
int proto_relay_decode(const uint8_t *p, size_t n, struct proto_relay *r,
    struct teec_err *err);

/*
 * NET_OPEN, on a relay connection, worker to host: "HOST:PORT", HOST in
 * the canonical form of common/policy.h (a lower-case DNS name or a
 * dotted-decimal IPv4 address), PORT 1 to 65535 without leading zeros.
 * Anything else (upper case, a trailing dot, an empty part) is refused.
 */
int proto_net_open_encode(const char *host, uint16_t port,
    char out[TEEC_MAX_NET_OPEN + 1], struct teec_err *err);
int proto_net_open_decode(const uint8_t *p, size_t n,
    char host[TEEC_MAX_HOSTNAME + 1], uint16_t *port, struct teec_err *err);

/*
 * NET_OPEN, host to worker, the answer: one status byte, then a reason of
 * at most TEEC_MAX_NET_REASON bytes of printable ASCII (0x20 to 0x7e);
 * with PROTO_NET_OK the reason is empty. After PROTO_NET_OK both sides
 * copy raw bytes; after any other status the host closes. Wire values: do
 * not renumber.
 */
enum proto_net_status {
	PROTO_NET_OK = 0,
	PROTO_NET_NOT_ALLOWED = 1,      /* not in the host's own allow list */
	PROTO_NET_DIAL_FAILED = 2,      /* unresolved, refused, unreachable */
	PROTO_NET_TIMEOUT = 3,          /* the origin did not answer in time */
	PROTO_NET_BUSY = 4,             /* too many relay connections */
	PROTO_NET_BAD_REQUEST = 5,      /* the NET_OPEN request was refused */
};
#define PROTO_NET_STATUS_MAX    PROTO_NET_BAD_REQUEST

/*
 * The payload into out (1 + TEEC_MAX_NET_REASON bytes), *outlen set; a
 * reason is cut at TEEC_MAX_NET_REASON bytes and each byte outside 0x20
 * to 0x7e becomes '?'.
 */
void proto_net_reply_encode(uint8_t status, const char *reason,
    uint8_t out[1 + TEEC_MAX_NET_REASON], size_t *outlen);
int proto_net_reply_decode(const uint8_t *p, size_t n, uint8_t *status,
    char reason[TEEC_MAX_NET_REASON + 1], struct teec_err *err);
/* "ok", "not allowed", "dial failed", "timeout", "busy", "bad request". */
const char *proto_net_status_name(unsigned int status);

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

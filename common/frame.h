/* SPDX-License-Identifier: ISC */
#ifndef TEEC_FRAME_H
#define TEEC_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include "common/caps.h"
#include "common/status.h"

/*
 * The wire protocol between teec-host and teec-enclave over a stream
 * (socketpair, unix socket, vsock). Every message is one frame:
 *
 *	offset 0  type      uint8   one of enum frame_type
 *	offset 1  flags     uint8   must be 0
 *	offset 2  reserved  uint16  must be 0
 *	offset 4  length    uint32  big-endian, payload bytes that follow
 *	offset 8  payload   length bytes, length <= TEEC_MAX_FRAME_PAYLOAD
 *
 * A stream longer than one frame (source tar, bundle) goes as any number
 * of *_DATA frames closed by one *_END frame whose payload is the 32-byte
 * SHA-256 of all the DATA payloads in order.
 *
 * Status of the receiving calls: TEEC_FAIL when the peer sent something
 * that does not hold (bad header, unknown type, over a cap, wrong digest,
 * version mismatch, malformed payload); TEEC_ERROR when the transport
 * failed (I/O error, timeout, the peer closed the connection).
 */

#define FRAME_HEADER_BYTES	8u
#define FRAME_SHA256_BYTES	32u

/* Version carried by HELLO; both sides must speak the same one. */
#define TEEC_PROTOCOL_VERSION	1u

/* Wire values: do not renumber. 0 is never a valid type. */
enum frame_type {
	FRAME_HELLO = 1,	/* uint16 BE protocol version */
	FRAME_BUILD_JSON = 2,	/* build.json bytes */
	FRAME_SOURCE_BEGIN = 3,
	FRAME_SOURCE_DATA = 4,	/* a piece of the source tar */
	FRAME_SOURCE_END = 5,	/* SHA-256 of the source tar */
	FRAME_LOG = 6,		/* a piece of the build log */
	FRAME_BUNDLE_BEGIN = 7,
	FRAME_BUNDLE_DATA = 8,	/* a piece of the bundle tar */
	FRAME_BUNDLE_END = 9,	/* SHA-256 of the bundle tar */
	FRAME_ERROR = 10,	/* uint16 BE code, UTF-8 message */
	FRAME_NET_RELAY = 11,	/* host to worker: the relay's address */
	FRAME_NET_OPEN = 12,	/* on a relay connection only */
	FRAME_UPSTREAM_CA = 13,	/* host to worker: a PEM CA bundle */
};
#define FRAME_TYPE_MAX		FRAME_UPSTREAM_CA

/* Codes carried by an ERROR frame. Wire values: do not renumber. */
enum frame_error_code {
	FRAME_ERR_PROTOCOL = 1,	/* the peer broke the protocol */
	FRAME_ERR_INPUT = 2,	/* the input was refused (tar, build.json) */
	FRAME_ERR_BUILD = 3,	/* the build ran and failed */
	FRAME_ERR_INTERNAL = 4,	/* the sender could not run */
};

/*
 * A received frame. The payload buffer is owned by the frame and reused
 * by the next frame_recv(); it grows to at most the largest maxlen asked
 * for. data is NUL-terminated (not counted in len). eof is set when
 * frame_recv() failed because the peer closed the connection cleanly
 * between two frames.
 */
struct frame {
	uint8_t type;
	uint8_t *data;
	size_t len;
	size_t size;
	int eof;
};

void frame_init(struct frame *f);
void frame_free(struct frame *f);	/* accepts NULL and a zeroed frame */

/* 1 for a type in enum frame_type, else 0. */
int frame_type_valid(unsigned int type);
/* A stable name for messages ("SOURCE_DATA"), "unknown" otherwise. */
const char *frame_type_name(unsigned int type);

/*
 * Send one frame. n must not exceed TEEC_MAX_FRAME_PAYLOAD. Writes go
 * with MSG_NOSIGNAL on sockets so a closed peer is an error, not SIGPIPE.
 */
int frame_send(int fd, uint8_t type, const void *p, size_t n,
    struct teec_err *err);

/*
 * Receive one frame into f. maxlen caps the payload (clamped to
 * TEEC_MAX_FRAME_PAYLOAD); a longer declared length is refused before any
 * payload is read. timeout_ms bounds the whole frame (< 0: no limit).
 */
int frame_recv(int fd, struct frame *f, size_t maxlen, int timeout_ms,
    struct teec_err *err);

/*
 * The same with a cap per type: caps[type] for the type the header names
 * (clamped to TEEC_MAX_FRAME_PAYLOAD), so that a state which takes frames
 * of several types refuses an oversized one from its header alone.
 */
int frame_recv_caps(int fd, struct frame *f,
    const size_t caps[FRAME_TYPE_MAX + 1], int timeout_ms,
    struct teec_err *err);

/* HELLO: the payload is exactly a uint16 BE version. */
void frame_hello_encode(uint16_t version, uint8_t out[2]);
int frame_hello_decode(const struct frame *f, uint16_t *version,
    struct teec_err *err);
/* Decode and require version == want (TEEC_FAIL on a mismatch). */
int frame_hello_check(const struct frame *f, uint16_t want,
    struct teec_err *err);
int frame_send_hello(int fd, uint16_t version, struct teec_err *err);

/*
 * ERROR: uint16 BE code, then 0..TEEC_MAX_FRAME_ERROR_MSG bytes of UTF-8
 * without control characters. The sender truncates at a character
 * boundary and replaces bytes that would not pass with '?'; the receiver
 * refuses anything else.
 */
struct frame_error {
	uint16_t code;
	char msg[TEEC_MAX_FRAME_ERROR_MSG + 1];
};
int frame_send_error(int fd, uint16_t code, const char *msg,
    struct teec_err *err);
int frame_error_decode(const struct frame *f, struct frame_error *fe,
    struct teec_err *err);

/* Called after each DATA frame with the bytes moved so far. */
typedef void (*frame_progress_fn)(uint64_t bytes, void *arg);

/*
 * Send everything readable from in_fd (until EOF) as DATA frames of type
 * data_type (FRAME_SOURCE_DATA or FRAME_BUNDLE_DATA), then the matching
 * END frame with the SHA-256 of the bytes sent. sha256 and bytes, when
 * not NULL, receive the digest and the count. BEGIN is the caller's.
 */
int frame_send_stream(int fd, int in_fd, uint8_t data_type,
    frame_progress_fn progress, void *arg, uint8_t sha256[32],
    uint64_t *bytes, struct teec_err *err);

/*
 * The same for a stream whose SHA-256 and length the sender has already
 * announced (SOURCE_BEGIN, BUNDLE_BEGIN): exactly size bytes from in_fd,
 * then the END frame with sha256 as given, without hashing the bytes a
 * second time. The receiver's check still holds: if in_fd changed since
 * it was hashed, frame_recv_stream() refuses the END frame. Fewer or
 * more than size bytes in in_fd is TEEC_ERROR.
 */
int frame_send_stream_known(int fd, int in_fd, uint8_t data_type,
    const uint8_t sha256[32], uint64_t size, frame_progress_fn progress,
    void *arg, struct teec_err *err);

/*
 * Receive DATA frames of type data_type into out_fd until the matching
 * END frame, whose 32-byte digest must equal the SHA-256 of what came
 * (compared with CRYPTO_memcmp). More than max_bytes in total, any other
 * frame type, or a wrong digest is TEEC_FAIL; an ERROR frame from the
 * peer is TEEC_ERROR carrying its message. timeout_ms applies per frame.
 */
int frame_recv_stream(int fd, int out_fd, uint8_t data_type,
    uint64_t max_bytes, int timeout_ms, frame_progress_fn progress,
    void *arg, uint8_t sha256[32], uint64_t *bytes, struct teec_err *err);

#endif

/* SPDX-License-Identifier: ISC */
#include <sys/mman.h>
#include <sys/socket.h>

#include <pthread.h>

#include <openssl/evp.h>

#include "tests/unit/testutil.h"

#include "common/caps.h"
#include "common/fileio.h"
#include "common/frame.h"

/* A connected pair: sv[0] is "ours", sv[1] the peer. */
static void
pair(int sv[2])
{
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv),
	    0);
}

static void
close_pair(int sv[2])
{
	if (sv[0] != -1)
		close(sv[0]);
	if (sv[1] != -1)
		close(sv[1]);
}

/* Raw bytes from the peer, as a hostile one would write them. */
static void
raw(int fd, const void *p, size_t n)
{
	assert_int_equal(write_all(fd, p, n), 0);
}

static void
header(uint8_t h[8], uint8_t type, uint8_t flags, uint16_t reserved,
    uint32_t len)
{
	h[0] = type;
	h[1] = flags;
	h[2] = (uint8_t)(reserved >> 8);
	h[3] = (uint8_t)reserved;
	h[4] = (uint8_t)(len >> 24);
	h[5] = (uint8_t)(len >> 16);
	h[6] = (uint8_t)(len >> 8);
	h[7] = (uint8_t)len;
}

/* Sends from a thread, for frames larger than the socket buffer. */
struct sender {
	int fd;
	int in_fd;		/* for streams */
	uint8_t type;
	const void *p;
	size_t n;
	int rc;
	uint8_t sha[32];
	uint64_t bytes;
	struct teec_err err;
};

static void *
send_thread(void *arg)
{
	struct sender *s = arg;

	s->rc = frame_send(s->fd, s->type, s->p, s->n, &s->err);
	return NULL;
}

static void *
send_stream_thread(void *arg)
{
	struct sender *s = arg;

	s->rc = frame_send_stream(s->fd, s->in_fd, s->type, NULL, NULL,
	    s->sha, &s->bytes, &s->err);
	return NULL;
}

static void
test_roundtrip_every_type(void **state)
{
	struct teec_err err;
	struct frame f;
	uint8_t p[16];
	unsigned int t;
	int sv[2];

	pair(sv);
	frame_init(&f);
	for (t = FRAME_HELLO; t <= FRAME_TYPE_MAX; t++) {
		memset(p, (int)t, sizeof(p));
		assert_int_equal(frame_send(sv[1], (uint8_t)t, p, t, &err),
		    TEEC_OK);
		assert_int_equal(frame_recv(sv[0], &f, 64, 1000, &err), TEEC_OK);
		assert_int_equal(f.type, t);
		assert_int_equal(f.len, t);
		assert_memory_equal(f.data, p, t);
		assert_string_not_equal(frame_type_name(t), "unknown");
	}
	frame_free(&f);
	frame_free(&f);
	frame_free(NULL);
	close_pair(sv);
}

static void
test_zero_length(void **state)
{
	struct teec_err err;
	struct frame f;
	int sv[2];

	pair(sv);
	frame_init(&f);
	assert_int_equal(frame_send(sv[1], FRAME_SOURCE_BEGIN, NULL, 0, &err),
	    TEEC_OK);
	assert_int_equal(frame_recv(sv[0], &f, 0, 1000, &err), TEEC_OK);
	assert_int_equal(f.type, FRAME_SOURCE_BEGIN);
	assert_int_equal(f.len, 0);
	assert_non_null(f.data);
	frame_free(&f);
	close_pair(sv);
}

static void
test_max_length(void **state)
{
	struct sender s;
	struct teec_err err;
	struct frame f;
	pthread_t th;
	uint8_t *p;
	size_t i;
	int sv[2];

	pair(sv);
	frame_init(&f);
	assert_non_null(p = malloc(TEEC_MAX_FRAME_PAYLOAD));
	for (i = 0; i < TEEC_MAX_FRAME_PAYLOAD; i++)
		p[i] = (uint8_t)(i * 7 + (i >> 11));
	memset(&s, 0, sizeof(s));
	s.fd = sv[1];
	s.type = FRAME_BUNDLE_DATA;
	s.p = p;
	s.n = TEEC_MAX_FRAME_PAYLOAD;
	assert_int_equal(pthread_create(&th, NULL, send_thread, &s), 0);
	assert_int_equal(frame_recv(sv[0], &f, TEEC_MAX_FRAME_PAYLOAD, 5000,
	    &err), TEEC_OK);
	pthread_join(th, NULL);
	assert_int_equal(s.rc, TEEC_OK);
	assert_int_equal(f.len, TEEC_MAX_FRAME_PAYLOAD);
	assert_memory_equal(f.data, p, TEEC_MAX_FRAME_PAYLOAD);

	/* The buffer is reused for a smaller frame. */
	assert_int_equal(frame_send(sv[1], FRAME_LOG, "hi", 2, &err), TEEC_OK);
	assert_int_equal(frame_recv(sv[0], &f, 16, 1000, &err), TEEC_OK);
	assert_int_equal(f.len, 2);
	assert_string_equal((char *)f.data, "hi");
	free(p);
	frame_free(&f);
	close_pair(sv);
}

static void
test_send_over_cap_refused(void **state)
{
	struct teec_err err;
	uint8_t *p;
	int sv[2];

	pair(sv);
	assert_non_null(p = calloc(1, TEEC_MAX_FRAME_PAYLOAD + 1));
	assert_int_equal(frame_send(sv[1], FRAME_LOG, p,
	    TEEC_MAX_FRAME_PAYLOAD + 1, &err), TEEC_ERROR);
	assert_non_null(strstr(err.msg, "exceeds"));
	assert_int_equal(frame_send(sv[1], 0, p, 1, &err), TEEC_ERROR);
	assert_int_equal(frame_send(sv[1], FRAME_TYPE_MAX + 1, p, 1, &err),
	    TEEC_ERROR);
	free(p);
	close_pair(sv);
}

static void
test_recv_over_cap_length(void **state)
{
	struct teec_err err;
	struct frame f;
	uint8_t h[8];
	int sv[2];

	pair(sv);
	frame_init(&f);
	header(h, FRAME_SOURCE_DATA, 0, 0, TEEC_MAX_FRAME_PAYLOAD + 1);
	raw(sv[1], h, sizeof(h));
	/* A caller's maxlen above the cap is clamped to it. */
	assert_int_equal(frame_recv(sv[0], &f, SIZE_MAX, 1000, &err),
	    TEEC_FAIL);
	assert_non_null(strstr(err.msg, "exceeds the limit"));
	assert_null(f.data);	/* nothing was allocated for it */
	close_pair(sv);

	pair(sv);
	header(h, FRAME_BUILD_JSON, 0, 0, 11);
	raw(sv[1], h, sizeof(h));
	assert_int_equal(frame_recv(sv[0], &f, 10, 1000, &err), TEEC_FAIL);
	assert_non_null(strstr(err.msg, "BUILD_JSON frame: length 11"));
	frame_free(&f);
	close_pair(sv);
}

static void
test_bad_flags(void **state)
{
	struct teec_err err;
	struct frame f;
	uint8_t h[8];
	int sv[2];

	pair(sv);
	frame_init(&f);
	header(h, FRAME_LOG, 0x80, 0, 0);
	raw(sv[1], h, sizeof(h));
	assert_int_equal(frame_recv(sv[0], &f, 16, 1000, &err), TEEC_FAIL);
	assert_non_null(strstr(err.msg, "flags 0x80"));
	frame_free(&f);
	close_pair(sv);
}

static void
test_bad_reserved(void **state)
{
	struct teec_err err;
	struct frame f;
	uint8_t h[8];
	int sv[2];

	pair(sv);
	frame_init(&f);
	header(h, FRAME_LOG, 0, 0x0100, 0);
	raw(sv[1], h, sizeof(h));
	assert_int_equal(frame_recv(sv[0], &f, 16, 1000, &err), TEEC_FAIL);
	assert_non_null(strstr(err.msg, "reserved field 0x0100"));
	frame_free(&f);
	close_pair(sv);
}

static void
test_unknown_type(void **state)
{
	const uint8_t bad[] = { 0, FRAME_TYPE_MAX + 1, 0x7f, 0xff };
	struct teec_err err;
	struct frame f;
	uint8_t h[8];
	size_t i;
	int sv[2];

	frame_init(&f);
	for (i = 0; i < sizeof(bad); i++) {
		pair(sv);
		header(h, bad[i], 0, 0, 0);
		raw(sv[1], h, sizeof(h));
		assert_int_equal(frame_recv(sv[0], &f, 16, 1000, &err),
		    TEEC_FAIL);
		assert_non_null(strstr(err.msg, "unknown frame type"));
		assert_int_equal(frame_type_valid(bad[i]), 0);
		assert_string_equal(frame_type_name(bad[i]), "unknown");
		close_pair(sv);
	}
	frame_free(&f);
}

static void
test_clean_eof(void **state)
{
	struct teec_err err;
	struct frame f;
	int sv[2];

	pair(sv);
	frame_init(&f);
	close(sv[1]);
	sv[1] = -1;
	assert_int_equal(frame_recv(sv[0], &f, 16, 1000, &err), TEEC_ERROR);
	assert_int_equal(f.eof, 1);
	assert_string_equal(err.msg, "connection closed by peer");
	frame_free(&f);
	close_pair(sv);
}

static void
test_truncated_header(void **state)
{
	struct teec_err err;
	struct frame f;
	uint8_t h[8];
	int sv[2];

	pair(sv);
	frame_init(&f);
	header(h, FRAME_LOG, 0, 0, 4);
	raw(sv[1], h, 3);
	close(sv[1]);
	sv[1] = -1;
	assert_int_equal(frame_recv(sv[0], &f, 16, 1000, &err), TEEC_ERROR);
	assert_int_equal(f.eof, 0);
	assert_non_null(strstr(err.msg, "inside a frame header (3 of 8"));
	frame_free(&f);
	close_pair(sv);
}

static void
test_truncated_payload(void **state)
{
	struct teec_err err;
	struct frame f;
	uint8_t h[8];
	int sv[2];

	pair(sv);
	frame_init(&f);
	header(h, FRAME_LOG, 0, 0, 10);
	raw(sv[1], h, sizeof(h));
	raw(sv[1], "hello", 5);
	close(sv[1]);
	sv[1] = -1;
	assert_int_equal(frame_recv(sv[0], &f, 16, 1000, &err), TEEC_ERROR);
	assert_int_equal(f.eof, 0);
	assert_non_null(strstr(err.msg, "inside a LOG frame (5 of 10"));
	frame_free(&f);
	close_pair(sv);
}

static void
test_timeout(void **state)
{
	struct teec_err err;
	struct frame f;
	uint8_t h[8];
	int sv[2];

	pair(sv);
	frame_init(&f);
	assert_int_equal(frame_recv(sv[0], &f, 16, 50, &err), TEEC_ERROR);
	assert_non_null(strstr(err.msg, "timed out after 50 ms"));
	/* A peer that stops inside a frame times out too. */
	header(h, FRAME_LOG, 0, 0, 10);
	raw(sv[1], h, sizeof(h));
	raw(sv[1], "abc", 3);
	assert_int_equal(frame_recv(sv[0], &f, 16, 50, &err), TEEC_ERROR);
	assert_non_null(strstr(err.msg, "timed out"));
	assert_non_null(strstr(err.msg, "payload"));
	frame_free(&f);
	close_pair(sv);
}

static void
test_hello(void **state)
{
	struct teec_err err;
	struct frame f;
	uint16_t v;
	uint8_t p[2];
	int sv[2];

	frame_hello_encode(0x1234, p);
	assert_int_equal(p[0], 0x12);
	assert_int_equal(p[1], 0x34);
	pair(sv);
	frame_init(&f);
	assert_int_equal(frame_send_hello(sv[1], TEEC_PROTOCOL_VERSION, &err),
	    TEEC_OK);
	assert_int_equal(frame_recv(sv[0], &f, 16, 1000, &err), TEEC_OK);
	assert_int_equal(frame_hello_decode(&f, &v, &err), TEEC_OK);
	assert_int_equal(v, TEEC_PROTOCOL_VERSION);
	assert_int_equal(frame_hello_check(&f, TEEC_PROTOCOL_VERSION, &err),
	    TEEC_OK);
	frame_free(&f);
	close_pair(sv);
}

static void
test_hello_version_mismatch(void **state)
{
	struct teec_err err;
	struct frame f;
	int sv[2];

	pair(sv);
	frame_init(&f);
	assert_int_equal(frame_send_hello(sv[1], 2, &err), TEEC_OK);
	assert_int_equal(frame_recv(sv[0], &f, 16, 1000, &err), TEEC_OK);
	assert_int_equal(frame_hello_check(&f, 1, &err), TEEC_FAIL);
	assert_non_null(strstr(err.msg, "peer speaks 2, this side speaks 1"));
	frame_free(&f);
	close_pair(sv);
}

static void
test_hello_malformed(void **state)
{
	struct teec_err err;
	struct frame f;
	uint16_t v;
	int sv[2];

	pair(sv);
	frame_init(&f);
	assert_int_equal(frame_send(sv[1], FRAME_HELLO, "\0\1\2", 3, &err),
	    TEEC_OK);
	assert_int_equal(frame_recv(sv[0], &f, 16, 1000, &err), TEEC_OK);
	assert_int_equal(frame_hello_decode(&f, &v, &err), TEEC_FAIL);
	assert_non_null(strstr(err.msg, "expected 2"));
	assert_int_equal(frame_send(sv[1], FRAME_LOG, "\0\1", 2, &err),
	    TEEC_OK);
	assert_int_equal(frame_recv(sv[0], &f, 16, 1000, &err), TEEC_OK);
	assert_int_equal(frame_hello_check(&f, 1, &err), TEEC_FAIL);
	assert_non_null(strstr(err.msg, "expected HELLO, got LOG"));
	frame_free(&f);
	close_pair(sv);
}

static void
test_error_roundtrip(void **state)
{
	struct frame_error fe;
	struct teec_err err;
	struct frame f;
	int sv[2];

	pair(sv);
	frame_init(&f);
	assert_int_equal(frame_send_error(sv[1], FRAME_ERR_INPUT,
	    "entry \xc3\xa9t\xc3\xa9: refused", &err), TEEC_OK);
	assert_int_equal(frame_recv(sv[0], &f, TEEC_MAX_FRAME_ERROR_MSG + 2,
	    1000, &err), TEEC_OK);
	assert_int_equal(frame_error_decode(&f, &fe, &err), TEEC_OK);
	assert_int_equal(fe.code, FRAME_ERR_INPUT);
	assert_string_equal(fe.msg, "entry \xc3\xa9t\xc3\xa9: refused");
	frame_free(&f);
	close_pair(sv);
}

static void
test_error_send_sanitises(void **state)
{
	struct frame_error fe;
	struct teec_err err;
	struct frame f;
	char *big;
	size_t i;
	int sv[2];

	pair(sv);
	frame_init(&f);
	/* Controls, an escape sequence, invalid UTF-8 and a bidi override. */
	assert_int_equal(frame_send_error(sv[1], 7,
	    "a\nb\x1b[31mc\xff\xe2\x80\xae", &err), TEEC_OK);
	assert_int_equal(frame_recv(sv[0], &f, 2048, 1000, &err), TEEC_OK);
	assert_int_equal(frame_error_decode(&f, &fe, &err), TEEC_OK);
	assert_string_equal(fe.msg, "a?b?[31mc????");

	/* Truncated at the cap, never inside a character. */
	assert_non_null(big = malloc(2 * TEEC_MAX_FRAME_ERROR_MSG + 1));
	big[0] = 'x';
	for (i = 1; i + 1 < 2 * TEEC_MAX_FRAME_ERROR_MSG; i += 2) {
		big[i] = '\xc3';
		big[i + 1] = '\xa9';
	}
	big[i] = '\0';
	assert_int_equal(frame_send_error(sv[1], 7, big, &err), TEEC_OK);
	assert_int_equal(frame_recv(sv[0], &f, 2048, 1000, &err), TEEC_OK);
	assert_int_equal(frame_error_decode(&f, &fe, &err), TEEC_OK);
	assert_int_equal(strlen(fe.msg), TEEC_MAX_FRAME_ERROR_MSG - 1);
	free(big);
	frame_free(&f);
	close_pair(sv);
}

/* Receive a hand-made ERROR payload and decode it. */
static int
decode_raw_error(const void *p, size_t n, struct teec_err *err)
{
	struct frame_error fe;
	struct frame f;
	int sv[2], rc;

	pair(sv);
	frame_init(&f);
	assert_int_equal(frame_send(sv[1], FRAME_ERROR, p, n, err), TEEC_OK);
	assert_int_equal(frame_recv(sv[0], &f, 4096, 1000, err), TEEC_OK);
	rc = frame_error_decode(&f, &fe, err);
	frame_free(&f);
	close_pair(sv);
	return rc;
}

static void
test_error_recv_malformed(void **state)
{
	struct teec_err err;
	uint8_t *big;

	assert_int_equal(decode_raw_error("\0", 1, &err), TEEC_FAIL);
	assert_non_null(strstr(err.msg, "at least 2"));
	assert_int_equal(decode_raw_error("\0\1ok\n", 5, &err), TEEC_FAIL);
	assert_non_null(strstr(err.msg, "byte 2 is not printable"));
	assert_int_equal(decode_raw_error("\0\1ok\0", 5, &err), TEEC_FAIL);
	assert_int_equal(decode_raw_error("\0\1\x7f", 3, &err), TEEC_FAIL);
	/* C1 control U+0085, overlong '/', a surrogate, above U+10FFFF. */
	assert_int_equal(decode_raw_error("\0\1\xc2\x85", 4, &err), TEEC_FAIL);
	assert_int_equal(decode_raw_error("\0\1\xc0\xaf", 4, &err), TEEC_FAIL);
	assert_int_equal(decode_raw_error("\0\1\xed\xa0\x80", 5, &err),
	    TEEC_FAIL);
	assert_int_equal(decode_raw_error("\0\1\xf4\x90\x80\x80", 6, &err),
	    TEEC_FAIL);
	/* A character cut by the end of the payload. */
	assert_int_equal(decode_raw_error("\0\1\xe2\x82", 4, &err), TEEC_FAIL);
	/* Right-to-left override. */
	assert_int_equal(decode_raw_error("\0\1\xe2\x80\xae", 5, &err),
	    TEEC_FAIL);
	assert_int_equal(decode_raw_error("\0\1\xe2\x82\xac", 5, &err),
	    TEEC_OK);
	assert_non_null(big = malloc(TEEC_MAX_FRAME_ERROR_MSG + 3));
	memset(big, 'a', TEEC_MAX_FRAME_ERROR_MSG + 3);
	assert_int_equal(decode_raw_error(big, TEEC_MAX_FRAME_ERROR_MSG + 2,
	    &err), TEEC_OK);
	assert_int_equal(decode_raw_error(big, TEEC_MAX_FRAME_ERROR_MSG + 3,
	    &err), TEEC_FAIL);
	assert_non_null(strstr(err.msg, "exceeds"));
	free(big);
}

static void
progress_count(uint64_t bytes, void *arg)
{
	uint64_t *last = arg;

	assert_true(bytes > *last);
	*last = bytes;
}

static int
memfd_with(size_t n)
{
	uint8_t chunk[4096];
	size_t i, k;
	int fd;

	assert_true((fd = memfd_create("teec-test", MFD_CLOEXEC)) != -1);
	for (i = 0; i < n; i += k) {
		k = n - i < sizeof(chunk) ? n - i : sizeof(chunk);
		for (size_t j = 0; j < k; j++)
			chunk[j] = (uint8_t)((i + j) * 2654435761u >> 13);
		raw(fd, chunk, k);
	}
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	return fd;
}

static void
test_stream_roundtrip(void **state)
{
	const size_t n = 3 * TEEC_IO_CHUNK + 12345;
	struct sender s;
	struct teec_err err;
	pthread_t th;
	uint8_t sha[32], *a, *b;
	uint64_t bytes = 0, last = 0;
	int sv[2], in, out;

	pair(sv);
	in = memfd_with(n);
	assert_true((out = memfd_create("out", MFD_CLOEXEC)) != -1);
	memset(&s, 0, sizeof(s));
	s.fd = sv[1];
	s.in_fd = in;
	s.type = FRAME_SOURCE_DATA;
	assert_int_equal(pthread_create(&th, NULL, send_stream_thread, &s), 0);
	assert_int_equal(frame_recv_stream(sv[0], out, FRAME_SOURCE_DATA, n,
	    1000, progress_count, &last, sha, &bytes, &err), TEEC_OK);
	pthread_join(th, NULL);
	assert_int_equal(s.rc, TEEC_OK);
	assert_int_equal(bytes, n);
	assert_int_equal(s.bytes, n);
	assert_int_equal(last, n);
	assert_memory_equal(sha, s.sha, 32);

	assert_non_null(a = malloc(n));
	assert_non_null(b = malloc(n));
	assert_int_equal(pread(in, a, n, 0), (ssize_t)n);
	assert_int_equal(pread(out, b, n, 0), (ssize_t)n);
	assert_memory_equal(a, b, n);
	free(a);
	free(b);
	close(in);
	close(out);
	close_pair(sv);
}

static void
test_stream_empty(void **state)
{
	static const uint8_t empty_sha[32] = {
		0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb,
		0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24, 0x27, 0xae, 0x41, 0xe4,
		0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52,
		0xb8, 0x55,
	};
	struct teec_err err;
	uint8_t sha[32];
	uint64_t bytes = 1;
	int sv[2], in, out;

	pair(sv);
	in = memfd_with(0);
	assert_true((out = memfd_create("out", MFD_CLOEXEC)) != -1);
	assert_int_equal(frame_send_stream(sv[1], in, FRAME_BUNDLE_DATA, NULL,
	    NULL, NULL, NULL, &err), TEEC_OK);
	assert_int_equal(frame_recv_stream(sv[0], out, FRAME_BUNDLE_DATA, 0,
	    1000, NULL, NULL, sha, &bytes, &err), TEEC_OK);
	assert_int_equal(bytes, 0);
	assert_memory_equal(sha, empty_sha, 32);
	/* Only DATA types open a stream. */
	assert_int_equal(frame_send_stream(sv[1], in, FRAME_LOG, NULL, NULL,
	    NULL, NULL, &err), TEEC_ERROR);
	assert_int_equal(frame_recv_stream(sv[0], out, FRAME_SOURCE_END, 0,
	    1000, NULL, NULL, NULL, NULL, &err), TEEC_ERROR);
	close(in);
	close(out);
	close_pair(sv);
}

static void
test_stream_digest_mismatch(void **state)
{
	struct teec_err err;
	uint8_t bad[32];
	int sv[2], out;

	pair(sv);
	assert_true((out = memfd_create("out", MFD_CLOEXEC)) != -1);
	memset(bad, 0xaa, sizeof(bad));
	assert_int_equal(frame_send(sv[1], FRAME_SOURCE_DATA, "abc", 3, &err),
	    TEEC_OK);
	assert_int_equal(frame_send(sv[1], FRAME_SOURCE_END, bad, 32, &err),
	    TEEC_OK);
	assert_int_equal(frame_recv_stream(sv[0], out, FRAME_SOURCE_DATA, 100,
	    1000, NULL, NULL, NULL, NULL, &err), TEEC_FAIL);
	assert_non_null(strstr(err.msg, "does not match"));
	close(out);
	close_pair(sv);
}

static void
test_stream_end_wrong_length(void **state)
{
	struct teec_err err;
	int sv[2], out;

	pair(sv);
	assert_true((out = memfd_create("out", MFD_CLOEXEC)) != -1);
	assert_int_equal(frame_send(sv[1], FRAME_BUNDLE_END, "short", 5, &err),
	    TEEC_OK);
	assert_int_equal(frame_recv_stream(sv[0], out, FRAME_BUNDLE_DATA, 100,
	    1000, NULL, NULL, NULL, NULL, &err), TEEC_FAIL);
	assert_non_null(strstr(err.msg, "BUNDLE_END payload is 5 bytes"));
	close(out);
	close_pair(sv);
}

static void
test_stream_over_cap(void **state)
{
	struct teec_err err;
	uint8_t p[64];
	int sv[2], out;

	pair(sv);
	assert_true((out = memfd_create("out", MFD_CLOEXEC)) != -1);
	memset(p, 'x', sizeof(p));
	assert_int_equal(frame_send(sv[1], FRAME_SOURCE_DATA, p, 60, &err),
	    TEEC_OK);
	assert_int_equal(frame_send(sv[1], FRAME_SOURCE_DATA, p, 41, &err),
	    TEEC_OK);
	assert_int_equal(frame_recv_stream(sv[0], out, FRAME_SOURCE_DATA, 100,
	    1000, NULL, NULL, NULL, NULL, &err), TEEC_FAIL);
	assert_non_null(strstr(err.msg, "exceeds the limit of 100 bytes"));
	/* Nothing past the cap was written. */
	assert_int_equal(lseek(out, 0, SEEK_END), 60);
	close(out);
	close_pair(sv);
}

static void
test_stream_unexpected_frame(void **state)
{
	struct teec_err err;
	int sv[2], out;

	pair(sv);
	assert_true((out = memfd_create("out", MFD_CLOEXEC)) != -1);
	assert_int_equal(frame_send(sv[1], FRAME_SOURCE_DATA, "a", 1, &err),
	    TEEC_OK);
	assert_int_equal(frame_send(sv[1], FRAME_BUNDLE_DATA, "b", 1, &err),
	    TEEC_OK);
	assert_int_equal(frame_recv_stream(sv[0], out, FRAME_SOURCE_DATA, 100,
	    1000, NULL, NULL, NULL, NULL, &err), TEEC_FAIL);
	assert_non_null(strstr(err.msg,
	    "unexpected BUNDLE_DATA frame inside a SOURCE_DATA stream"));
	close(out);
	close_pair(sv);
}

static void
test_stream_peer_error(void **state)
{
	struct teec_err err;
	int sv[2], out;

	pair(sv);
	assert_true((out = memfd_create("out", MFD_CLOEXEC)) != -1);
	assert_int_equal(frame_send_error(sv[1], FRAME_ERR_BUILD, "make failed",
	    &err), TEEC_OK);
	assert_int_equal(frame_recv_stream(sv[0], out, FRAME_BUNDLE_DATA, 100,
	    1000, NULL, NULL, NULL, NULL, &err), TEEC_ERROR);
	assert_string_equal(err.msg, "peer error 3: make failed");
	close(out);
	close_pair(sv);
}

static void
test_stream_peer_closes(void **state)
{
	struct teec_err err;
	int sv[2], out;

	pair(sv);
	assert_true((out = memfd_create("out", MFD_CLOEXEC)) != -1);
	assert_int_equal(frame_send(sv[1], FRAME_SOURCE_DATA, "a", 1, &err),
	    TEEC_OK);
	close(sv[1]);
	sv[1] = -1;
	assert_int_equal(frame_recv_stream(sv[0], out, FRAME_SOURCE_DATA, 100,
	    1000, NULL, NULL, NULL, NULL, &err), TEEC_ERROR);
	assert_non_null(strstr(err.msg, "closed"));
	close(out);
	close_pair(sv);
}

static void
test_send_to_closed_peer(void **state)
{
	struct teec_err err;
	int sv[2];

	pair(sv);
	close(sv[0]);
	sv[0] = -1;
	/* An error, not SIGPIPE. */
	assert_int_equal(frame_send(sv[1], FRAME_LOG, "x", 1, &err),
	    TEEC_ERROR);
	assert_non_null(strstr(err.msg, "sending LOG frame"));
	close_pair(sv);
}

/* frame_recv_caps(): each type its own cap, checked from the header. */
static void
test_recv_caps(void **state)
{
	size_t caps[FRAME_TYPE_MAX + 1];
	struct teec_err err;
	struct frame f;
	uint8_t p[64];
	unsigned int t;
	int sv[2];

	for (t = 0; t <= FRAME_TYPE_MAX; t++)
		caps[t] = 4;
	caps[FRAME_UPSTREAM_CA] = 40;
	caps[FRAME_NET_RELAY] = (size_t)TEEC_MAX_FRAME_PAYLOAD * 2;
	pair(sv);
	frame_init(&f);
	memset(p, 'x', sizeof(p));
	assert_int_equal(frame_send(sv[1], FRAME_UPSTREAM_CA, p, 40, &err),
	    TEEC_OK);
	assert_int_equal(frame_recv_caps(sv[0], &f, caps, 1000, &err), TEEC_OK);
	assert_int_equal(f.type, FRAME_UPSTREAM_CA);
	assert_int_equal(f.len, 40);
	assert_int_equal(frame_send(sv[1], FRAME_BUILD_JSON, p, 5, &err),
	    TEEC_OK);
	assert_int_equal(frame_recv_caps(sv[0], &f, caps, 1000, &err),
	    TEEC_FAIL);
	assert_non_null(strstr(err.msg, "BUILD_JSON frame: length 5 exceeds "
	    "the limit of 4 bytes"));
	close_pair(sv);
	/* A cap above TEEC_MAX_FRAME_PAYLOAD is clamped to it. */
	pair(sv);
	p[0] = FRAME_NET_RELAY;
	p[1] = p[2] = p[3] = 0;
	p[4] = 0;
	p[5] = 0x10;
	p[6] = 0;
	p[7] = 1;
	assert_int_equal(write(sv[1], p, 8), 8);
	assert_int_equal(frame_recv_caps(sv[0], &f, caps, 1000, &err),
	    TEEC_FAIL);
	assert_non_null(strstr(err.msg, "exceeds the limit of 1048576"));
	frame_free(&f);
	close_pair(sv);
}

static void
test_relay_type_names(void **state)
{
	assert_int_equal(FRAME_NET_RELAY, 11);
	assert_int_equal(FRAME_NET_OPEN, 12);
	assert_int_equal(FRAME_UPSTREAM_CA, 13);
	assert_string_equal(frame_type_name(FRAME_NET_RELAY), "NET_RELAY");
	assert_string_equal(frame_type_name(FRAME_NET_OPEN), "NET_OPEN");
	assert_string_equal(frame_type_name(FRAME_UPSTREAM_CA), "UPSTREAM_CA");
	assert_string_equal(frame_type_name(14), "unknown");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip_every_type),
		cmocka_unit_test(test_zero_length),
		cmocka_unit_test(test_max_length),
		cmocka_unit_test(test_send_over_cap_refused),
		cmocka_unit_test(test_recv_over_cap_length),
		cmocka_unit_test(test_bad_flags),
		cmocka_unit_test(test_bad_reserved),
		cmocka_unit_test(test_unknown_type),
		cmocka_unit_test(test_clean_eof),
		cmocka_unit_test(test_truncated_header),
		cmocka_unit_test(test_truncated_payload),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_hello),
		cmocka_unit_test(test_hello_version_mismatch),
		cmocka_unit_test(test_hello_malformed),
		cmocka_unit_test(test_error_roundtrip),
		cmocka_unit_test(test_error_send_sanitises),
		cmocka_unit_test(test_error_recv_malformed),
		cmocka_unit_test(test_stream_roundtrip),
		cmocka_unit_test(test_stream_empty),
		cmocka_unit_test(test_stream_digest_mismatch),
		cmocka_unit_test(test_stream_end_wrong_length),
		cmocka_unit_test(test_stream_over_cap),
		cmocka_unit_test(test_stream_unexpected_frame),
		cmocka_unit_test(test_stream_peer_error),
		cmocka_unit_test(test_stream_peer_closes),
		cmocka_unit_test(test_send_to_closed_peer),
		cmocka_unit_test(test_recv_caps),
		cmocka_unit_test(test_relay_type_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

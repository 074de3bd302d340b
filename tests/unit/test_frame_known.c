/* SPDX-License-Identifier: ISC */
/* frame_send_stream_known(): a stream whose digest and length are known. */
#include <sys/mman.h>
#include <sys/socket.h>

#include <pthread.h>

#include <openssl/sha.h>

#include "tests/unit/testutil.h"

#include "common/caps.h"
#include "common/fileio.h"
#include "common/frame.h"

struct sender {
	int fd, in_fd;
	uint8_t type;
	const uint8_t *sha;
	uint64_t size;
	int rc;
	struct teec_err err;
};

static void *
send_thread(void *arg)
{
	struct sender *s = arg;

	s->rc = frame_send_stream_known(s->fd, s->in_fd, s->type, s->sha,
	    s->size, NULL, NULL, &s->err);
	return NULL;
}

/* n bytes of a fixed pattern in a memfd, at offset 0; their SHA-256. */
static int
memfd_with(size_t n, uint8_t sha[32])
{
	uint8_t *p;
	size_t i;
	int fd;

	assert_non_null(p = malloc(n ? n : 1));
	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 2654435761u >> 13);
	assert_true((fd = memfd_create("teec-test", MFD_CLOEXEC)) != -1);
	assert_int_equal(write_all(fd, p, n), 0);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	SHA256(p, n, sha);
	free(p);
	return fd;
}

/* Send in a thread, receive here; the receiver's status. */
static int
run(int in, uint8_t type, const uint8_t sha[32], uint64_t size,
    uint64_t max, struct sender *s, uint8_t got[32], uint64_t *bytes,
    int out, struct teec_err *err)
{
	pthread_t th;
	int sv[2], rc;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
	    sv), 0);
	memset(s, 0, sizeof(*s));
	s->fd = sv[1];
	s->in_fd = in;
	s->type = type;
	s->sha = sha;
	s->size = size;
	assert_int_equal(pthread_create(&th, NULL, send_thread, s), 0);
	rc = frame_recv_stream(sv[0], out, type, max, 2000, NULL, NULL, got,
	    bytes, err);
	/* A receiver that gave up must not leave the sender blocked. */
	close(sv[0]);
	pthread_join(th, NULL);
	close(sv[1]);
	return rc;
}

static void
test_known_roundtrip(void **state)
{
	const size_t n = 3 * TEEC_IO_CHUNK + 777;
	struct sender s;
	struct teec_err err;
	uint8_t sha[32], got[32], *a, *b;
	uint64_t bytes = 0;
	int in, out;

	in = memfd_with(n, sha);
	assert_true((out = memfd_create("out", MFD_CLOEXEC)) != -1);
	assert_int_equal(run(in, FRAME_BUNDLE_DATA, sha, n, n, &s, got, &bytes,
	    out, &err), TEEC_OK);
	assert_int_equal(s.rc, TEEC_OK);
	assert_int_equal(bytes, n);
	assert_memory_equal(got, sha, 32);
	assert_non_null(a = malloc(n));
	assert_non_null(b = malloc(n));
	assert_int_equal(pread(in, a, n, 0), (ssize_t)n);
	assert_int_equal(pread(out, b, n, 0), (ssize_t)n);
	assert_memory_equal(a, b, n);
	free(a);
	free(b);
	close(in);
	close(out);
}

static void
test_known_empty(void **state)
{
	struct sender s;
	struct teec_err err;
	uint8_t sha[32], got[32];
	uint64_t bytes = 1;
	int in, out;

	in = memfd_with(0, sha);
	assert_true((out = memfd_create("out", MFD_CLOEXEC)) != -1);
	assert_int_equal(run(in, FRAME_SOURCE_DATA, sha, 0, 0, &s, got, &bytes,
	    out, &err), TEEC_OK);
	assert_int_equal(s.rc, TEEC_OK);
	assert_int_equal(bytes, 0);
	assert_memory_equal(got, sha, 32);
	close(in);
	close(out);
}

/* The file changed after it was hashed: the receiver refuses the END. */
static void
test_known_changed_input(void **state)
{
	const size_t n = TEEC_IO_CHUNK + 5;
	struct sender s;
	struct teec_err err;
	uint8_t sha[32], got[32];
	uint64_t bytes = 0;
	int in, out;

	in = memfd_with(n, sha);
	assert_int_equal(pwrite(in, "X", 1, 100), 1);
	assert_true((out = memfd_create("out", MFD_CLOEXEC)) != -1);
	assert_int_equal(run(in, FRAME_SOURCE_DATA, sha, n, n, &s, got, &bytes,
	    out, &err), TEEC_FAIL);
	assert_non_null(strstr(err.msg, "does not match"));
	close(in);
	close(out);
}

/* Fewer bytes than announced: the sender fails and sends no END. */
static void
test_known_short_input(void **state)
{
	struct sender s;
	struct teec_err err;
	uint8_t sha[32], got[32];
	uint64_t bytes = 0;
	int in, out;

	in = memfd_with(1000, sha);
	assert_true((out = memfd_create("out", MFD_CLOEXEC)) != -1);
	assert_int_equal(run(in, FRAME_SOURCE_DATA, sha, 1001, 2000, &s, got,
	    &bytes, out, &err), TEEC_ERROR);
	assert_int_equal(s.rc, TEEC_ERROR);
	assert_non_null(strstr(s.err.msg, "not the 1001 bytes announced"));
	close(in);
	close(out);
}

/* More bytes than announced: the sender fails and sends no END. */
static void
test_known_long_input(void **state)
{
	struct sender s;
	struct teec_err err;
	uint8_t sha[32], got[32];
	uint64_t bytes = 0;
	int in, out;

	in = memfd_with(1000, sha);
	assert_true((out = memfd_create("out", MFD_CLOEXEC)) != -1);
	assert_int_equal(run(in, FRAME_BUNDLE_DATA, sha, 999, 2000, &s, got,
	    &bytes, out, &err), TEEC_ERROR);
	assert_int_equal(s.rc, TEEC_ERROR);
	assert_non_null(strstr(s.err.msg, "not the 999 bytes announced"));
	close(in);
	close(out);
}

static void
test_known_not_a_stream_type(void **state)
{
	struct teec_err err;
	uint8_t sha[32];
	int sv[2], in;

	in = memfd_with(10, sha);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
	    sv), 0);
	assert_int_equal(frame_send_stream_known(sv[1], in, FRAME_LOG, sha, 10,
	    NULL, NULL, &err), TEEC_ERROR);
	assert_non_null(strstr(err.msg, "not a stream data frame"));
	close(sv[0]);
	close(sv[1]);
	close(in);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_roundtrip),
		cmocka_unit_test(test_known_empty),
		cmocka_unit_test(test_known_changed_input),
		cmocka_unit_test(test_known_short_input),
		cmocka_unit_test(test_known_long_input),
		cmocka_unit_test(test_known_not_a_stream_type),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

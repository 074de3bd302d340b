/* SPDX-License-Identifier: ISC */
/*
 * host/client.c against a scripted fake worker (tests/unit/hostfake.h):
 * the good conversation, and each way a worker can refuse, fail, die or
 * lie.
 */
#include <sys/socket.h>

#include <pthread.h>

#include "tests/unit/testutil.h"
#include "tests/unit/hostfake.h"

#include "host/client.h"

struct seen {
	struct buf log;
	int cut;
	int progress[2];
	int ended[2];
	uint64_t last[2], total[2];
};

static void
ev_log(void *arg, const uint8_t *p, size_t n)
{
	struct seen *s = arg;

	if (p == NULL)
		s->cut++;
	else if (s->log.len < 4096)
		buf_append(&s->log, p, n < 4096 ? n : 4096);
}

static void
ev_progress(void *arg, enum client_stream st, uint64_t done, uint64_t total)
{
	struct seen *s = arg;

	s->progress[st]++;
	s->last[st] = done;
	s->total[st] = total;
}

static void
ev_end(void *arg, enum client_stream st)
{
	struct seen *s = arg;

	s->ended[st]++;
}

struct run {
	int rc;
	int wstatus;
	struct client_result res;
	struct teec_err err;
	struct seen seen;
	uint8_t *bundle;
	size_t bundle_len;
};

/* A source archive stand-in: 300 KiB of bytes (two DATA frames). */
static int
source_file(uint8_t sha[32], uint64_t *size)
{
	static uint8_t src[300 * 1024];
	char path[] = "/tmp/teec-client.XXXXXX";
	int fd;

	hf_pattern(src, sizeof(src));
	src[0] = 's';
	fd = mkstemp(path);
	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(write_all(fd, src, sizeof(src)), 0);
	sha256(src, sizeof(src), sha);
	*size = sizeof(src);
	return fd;
}

static void
run_script(int script, struct run *r)
{
	struct client_events ev;
	struct client_opts o;
	struct buf b;
	char path[] = "/tmp/teec-client-out.XXXXXX";
	char p2[64];
	pid_t pid;
	int fd = -1, bfd, srcfd;

	memset(r, 0, sizeof(*r));
	buf_init(&r->seen.log, 8192);
	memset(&o, 0, sizeof(o));
	srcfd = source_file(o.source_sha256, &o.source_size);
	bfd = mkstemp(path);
	assert_true(bfd >= 0);
	unlink(path);
	memset(&ev, 0, sizeof(ev));
	ev.arg = &r->seen;
	ev.log = ev_log;
	ev.progress = ev_progress;
	ev.progress_end = ev_end;
	o.build_json = (const uint8_t *)HF_BUILD_JSON;
	o.build_json_len = strlen(HF_BUILD_JSON);
	o.source_fd = srcfd;
	o.commit = HF_COMMIT;
	o.source_date_epoch = 1700000000;
	o.timeout = 42;
	o.build_timeout = 60;
	o.bundle_fd = bfd;
	o.ev = &ev;
	pid = hf_spawn(script, NULL, NULL, &fd);
	assert_true(pid > 0);
	r->rc = client_build(fd, &o, &r->res, &r->err);
	close(fd);
	assert_int_equal(waitpid(pid, &r->wstatus, 0), pid);
	snprintf(p2, sizeof(p2), "/proc/self/fd/%d", bfd);
	assert_int_equal(read_file_capped(p2, 1 << 24, &b, &r->err), TEEC_OK);
	r->bundle = b.data;
	r->bundle_len = b.len;
	close(bfd);
	close(srcfd);
}

static void
run_free(struct run *r)
{
	free(r->bundle);
	buf_free(&r->seen.log);
}

static void
test_good_conversation(void **state)
{
	static uint8_t want[HF_BUNDLE_BYTES];
	struct run r;

	run_script(HF_GOOD, &r);
	assert_int_equal(r.rc, TEEC_OK);
	assert_true(WIFEXITED(r.wstatus) && WEXITSTATUS(r.wstatus) == 0);
	assert_int_equal(r.res.peer_error, 0);
	assert_int_equal(r.res.bundle_size, HF_BUNDLE_BYTES);
	hf_pattern(want, sizeof(want));
	assert_int_equal(r.bundle_len, sizeof(want));
	assert_memory_equal(r.bundle, want, sizeof(want));
	assert_string_equal((char *)r.seen.log.data, "compiling\nlinking\n");
	assert_int_equal(r.res.log_bytes, 18);
	assert_int_equal(r.seen.cut, 0);
	assert_true(r.seen.progress[CLIENT_SOURCE] >= 2);
	assert_int_equal(r.seen.last[CLIENT_SOURCE], 300 * 1024);
	assert_int_equal(r.seen.total[CLIENT_SOURCE], 300 * 1024);
	assert_int_equal(r.seen.last[CLIENT_BUNDLE], HF_BUNDLE_BYTES);
	assert_int_equal(r.seen.total[CLIENT_BUNDLE], HF_BUNDLE_BYTES);
	assert_int_equal(r.seen.ended[CLIENT_SOURCE], 1);
	assert_int_equal(r.seen.ended[CLIENT_BUNDLE], 1);
	run_free(&r);
}

static void
test_version_mismatch(void **state)
{
	struct run r;

	run_script(HF_BAD_VERSION, &r);
	assert_int_equal(r.rc, TEEC_FAIL);
	assert_non_null(strstr(r.err.msg, "version mismatch"));
	assert_int_equal(r.bundle_len, 0);
	run_free(&r);
}

static void
test_error_instead_of_hello(void **state)
{
	struct run r;

	run_script(HF_ERROR_AT_HELLO, &r);
	assert_int_equal(r.rc, TEEC_FAIL);
	assert_int_equal(r.res.peer_error, 1);
	assert_int_equal(r.res.fe.code, FRAME_ERR_INTERNAL);
	assert_string_equal(r.res.fe.msg, "no sandbox");
	run_free(&r);
}

static void
test_error_while_sending_source(void **state)
{
	struct run r;

	run_script(HF_ERROR_EARLY, &r);
	assert_int_equal(r.rc, TEEC_FAIL);
	assert_int_equal(r.res.peer_error, 1);
	assert_int_equal(r.res.fe.code, FRAME_ERR_INPUT);
	assert_int_equal(proto_error_exit(&r.res.fe), TEEC_ERROR);
	assert_non_null(strstr(r.err.msg, "input.cmd"));
	run_free(&r);
}

static void
test_build_fails(void **state)
{
	struct run r;

	run_script(HF_BUILD_FAILS, &r);
	assert_int_equal(r.rc, TEEC_FAIL);
	assert_int_equal(r.res.peer_error, 1);
	assert_int_equal(r.res.fe.code, FRAME_ERR_BUILD);
	assert_string_equal((char *)r.seen.log.data, "compiling\n");
	assert_int_equal(r.bundle_len, 0);
	run_free(&r);
}

static void
test_worker_closes_midbuild(void **state)
{
	struct run r;

	run_script(HF_CLOSE_MIDBUILD, &r);
	assert_int_equal(r.rc, TEEC_ERROR);
	assert_int_equal(r.res.peer_error, 0);
	assert_non_null(strstr(r.err.msg, "closed"));
	run_free(&r);
}

static void
test_wrong_frame_while_building(void **state)
{
	struct run r;

	run_script(HF_WRONG_FRAME, &r);
	assert_int_equal(r.rc, TEEC_FAIL);
	assert_non_null(strstr(r.err.msg, "SOURCE_DATA"));
	run_free(&r);
}

static void
test_bundle_begin_malformed(void **state)
{
	struct run r;

	run_script(HF_BEGIN_MALFORMED, &r);
	assert_int_equal(r.rc, TEEC_FAIL);
	assert_non_null(strstr(r.err.msg, "BUNDLE_BEGIN"));
	run_free(&r);
}

static void
test_bundle_shorter_than_announced(void **state)
{
	struct run r;

	run_script(HF_BUNDLE_SHORT, &r);
	assert_int_equal(r.rc, TEEC_FAIL);
	assert_non_null(strstr(r.err.msg, "announced"));
	run_free(&r);
}

static void
test_bundle_longer_than_announced(void **state)
{
	struct run r;

	run_script(HF_BUNDLE_LONG, &r);
	assert_int_equal(r.rc, TEEC_FAIL);
	assert_non_null(strstr(r.err.msg, "limit"));
	run_free(&r);
}

static void
test_bundle_digest_differs(void **state)
{
	struct run r;

	run_script(HF_BUNDLE_BAD_SHA, &r);
	assert_int_equal(r.rc, TEEC_FAIL);
	assert_non_null(strstr(r.err.msg, "SHA-256"));
	run_free(&r);
}

static void
test_log_frame_over_cap(void **state)
{
	struct run r;

	run_script(HF_LOG_TOO_BIG, &r);
	assert_int_equal(r.rc, TEEC_FAIL);
	assert_non_null(strstr(r.err.msg, "exceeds"));
	run_free(&r);
}

static void
test_error_frame_malformed(void **state)
{
	struct run r;

	run_script(HF_ERROR_MALFORMED, &r);
	assert_int_equal(r.rc, TEEC_FAIL);
	assert_int_equal(r.res.peer_error, 0);
	assert_non_null(strstr(r.err.msg, "printable"));
	run_free(&r);
}

static void
test_log_flood_is_cut(void **state)
{
	struct run r;

	run_script(HF_LOG_FLOOD, &r);
	assert_int_equal(r.rc, TEEC_OK);
	assert_int_equal(r.seen.cut, 1);
	assert_true(r.res.log_bytes > CLIENT_MAX_LOG_SHOWN);
	run_free(&r);
}

/* A worker that answers HELLO and notes the types of the next frames. */
struct order {
	int fd;
	uint8_t types[4];
	size_t lens[4];
	char relay[64];
};

static void *
order_worker(void *arg)
{
	struct order *o = arg;
	struct teec_err err;
	struct frame f;
	int i;

	frame_init(&f);
	if (frame_recv(o->fd, &f, 2, 5000, &err) != TEEC_OK ||
	    frame_send_hello(o->fd, TEEC_PROTOCOL_VERSION, &err) != TEEC_OK)
		goto out;
	for (i = 0; i < 4; i++) {
		if (frame_recv(o->fd, &f, TEEC_MAX_FRAME_PAYLOAD, 5000, &err) !=
		    TEEC_OK)
			break;
		o->types[i] = f.type;
		o->lens[i] = f.len;
		if (f.type == FRAME_NET_RELAY && f.len < sizeof(o->relay))
			memcpy(o->relay, f.data, f.len + 1);
	}
	(void)frame_send_error(o->fd, FRAME_ERR_INTERNAL, "stop", &err);
out:
	frame_free(&f);
	shutdown(o->fd, SHUT_RDWR);
	return NULL;
}

static void
test_relay_and_ca_sent_before_build_json(void **state)
{
	static const uint8_t json[] = "{}";
	struct client_result res;
	struct client_opts co;
	struct teec_err err;
	struct order o;
	pthread_t th;
	int sv[2], src;
	char tmpl[] = "/tmp/teec-client-src.XXXXXX";

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv),
	    0);
	memset(&o, 0, sizeof(o));
	o.fd = sv[1];
	assert_int_equal(pthread_create(&th, NULL, order_worker, &o), 0);
	assert_true((src = mkstemp(tmpl)) != -1);
	unlink(tmpl);
	memset(&co, 0, sizeof(co));
	co.relay = "vsock:5006";
	co.upstream_ca = (const uint8_t *)"PEM";
	co.upstream_ca_len = 3;
	co.build_json = json;
	co.build_json_len = 2;
	co.source_fd = src;
	co.build_timeout = 5;
	co.bundle_fd = -1;
	assert_int_equal(client_build(sv[0], &co, &res, &err), TEEC_FAIL);
	pthread_join(th, NULL);
	assert_int_equal(o.types[0], FRAME_NET_RELAY);
	assert_string_equal(o.relay, "vsock:5006");
	assert_int_equal(o.types[1], FRAME_UPSTREAM_CA);
	assert_int_equal(o.lens[1], 3);
	assert_int_equal(o.types[2], FRAME_BUILD_JSON);
	assert_int_equal(o.types[3], FRAME_SOURCE_BEGIN);
	close(src);
	close(sv[0]);
	close(sv[1]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_conversation),
		cmocka_unit_test(test_version_mismatch),
		cmocka_unit_test(test_error_instead_of_hello),
		cmocka_unit_test(test_error_while_sending_source),
		cmocka_unit_test(test_build_fails),
		cmocka_unit_test(test_worker_closes_midbuild),
		cmocka_unit_test(test_wrong_frame_while_building),
		cmocka_unit_test(test_bundle_begin_malformed),
		cmocka_unit_test(test_bundle_shorter_than_announced),
		cmocka_unit_test(test_bundle_longer_than_announced),
		cmocka_unit_test(test_bundle_digest_differs),
		cmocka_unit_test(test_log_frame_over_cap),
		cmocka_unit_test(test_error_frame_malformed),
		cmocka_unit_test(test_log_flood_is_cut),
		cmocka_unit_test(test_relay_and_ca_sent_before_build_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: ISC */
/*
 * For the host unit tests: a worker played by a forked child over a
 * socketpair, following a script, and real local bundles made the way
 * the worker makes them (report_write, the emulated NSM, bundle_write).
 * The child never calls cmocka: it reports trouble by its exit status.
 */
#ifndef TEEC_HOSTFAKE_H
#define TEEC_HOSTFAKE_H

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <ftw.h>
#include <signal.h>

#include <openssl/rand.h>

#include "common/buf.h"
#include "common/caps.h"
#include "common/digest.h"
#include "common/fileio.h"
#include "common/frame.h"
#include "common/proto.h"
#include "enclave/nsm.h"
#include "report/report.h"
#include "verify/bundle.h"

#define HF_BUILD_JSON \
	"{\"language\":\"c\",\"input\":{\"cmd\":\"make\"}," \
	"\"output\":{\"files\":[\"hello\"]}}"

#define HF_COMMIT "0123456789abcdef0123456789abcdef01234567"

/* What the fake worker does once it has the source. */
enum hf_script {
	HF_GOOD,                /* LOG, LOG, BUNDLE_BEGIN, the bundle; the
	                           inputs must be test_client's */
	HF_JUNK_BUNDLE,         /* HF_GOOD with any inputs */
	HF_GOOD_REAL,           /* the same with a real local bundle */
	HF_BAD_VERSION,         /* HELLO with version 99 */
	HF_ERROR_AT_HELLO,      /* ERROR INTERNAL instead of HELLO */
	HF_ERROR_EARLY,         /* ERROR INPUT right after BUILD_JSON, close */
	HF_BUILD_FAILS,         /* LOG, ERROR BUILD */
	HF_CLOSE_MIDBUILD,      /* LOG, then close */
	HF_WRONG_FRAME,         /* SOURCE_DATA while building */
	HF_BEGIN_MALFORMED,     /* BUNDLE_BEGIN that is not JSON */
	HF_BUNDLE_SHORT,        /* fewer bytes than announced */
	HF_BUNDLE_LONG,         /* more bytes than announced */
	HF_BUNDLE_BAD_SHA,      /* announced digest differs */
	HF_LOG_TOO_BIG,         /* a LOG frame over TEEC_MAX_LOG_FRAME */
	HF_ERROR_MALFORMED,     /* ERROR whose message has an escape byte */
	HF_LOG_FLOOD,           /* more than TEEC_MAX_LOG_BYTES of LOG */
	HF_HANG,                /* says HELLO, then reads and never answers */
};

struct hf_received {
	uint8_t build_json[TEEC_MAX_BUILD_JSON_BYTES];
	size_t build_json_len;
	struct proto_source_begin sb;
	uint8_t sha256[32];
	uint64_t size;
};

static inline int
hf_rm_cb(const char *path, const struct stat *sb, int flag,
    struct FTW *ftw)
{
	return remove(path);
}

static inline void
hf_rmtree(const char *dir)
{
	nftw(dir, hf_rm_cb, 16, FTW_DEPTH | FTW_PHYS);
}

static inline int
hf_write(const char *path, const char *text)
{
	return write_file_atomic(path, text, strlen(text), 0644, NULL);
}

/*
 * Write a local bundle to path: one subject "hello" (the file
 * artifact), the given source digest, commit and build.json, attested by
 * the emulated NSM with the development CA in devca_dir. 0 or -1.
 */
static inline int
hf_make_bundle(const char *path, const char *devca_dir,
    const uint8_t src[32], const char *commit, const uint8_t *bj,
    size_t bjlen, const char *artifact, struct teec_err *err)
{
	static const char *const en[] = { "LC_ALL", "TZ" };
	static const char *const ev[] = { "C.UTF-8", "UTC" };
	struct report_subject subj;
	struct report_input in;
	struct bundle_artifact art;
	struct nsm *n = NULL;
	struct buf rep, doc, b;
	uint8_t ud[REPORT_BINDING_LEN];
	int fd = -1, rc = -1;

	buf_init(&rep, TEEC_MAX_REPORT_BYTES);
	buf_init(&doc, TEEC_MAX_DOC_BYTES);
	buf_init(&b, 1 << 24);
	memset(&subj, 0, sizeof(subj));
	subj.name = "hello";
	if (read_file_capped(artifact, 1 << 24, &b, err) != TEEC_OK)
		goto out;
	sha256(b.data, b.len, subj.sha256);
	sha384(b.data, b.len, subj.sha384);
	subj.has_sha384 = 1;
	memset(&in, 0, sizeof(in));
	in.build_json = bj;
	in.build_json_len = bjlen;
	in.source_sha256 = src;
	in.source_commit = commit;
	in.env_names = en;
	in.env_values = ev;
	in.nenv = 2;
	in.timeout = 3600;
	in.isolation = "none";
	in.builder_id = "https://teec.dev/builder/local/v1";
	in.builder_version = "0.1.0";
	in.invocation_id = "123e4567-e89b-42d3-a456-426614174000";
	in.started = time(NULL);
	in.finished = in.started;
	in.subjects = &subj;
	in.nsubjects = 1;
	if (report_write(&in, &rep, err) != TEEC_OK)
		goto out;
	report_binding(rep.data, rep.len, ud);
	if (nsm_open(NSM_EMULATED, devca_dir, &n, err) != TEEC_OK ||
	    nsm_attest(n, ud, sizeof(ud), NULL, 0, NULL, 0, &doc, err) !=
	    TEEC_OK)
		goto out;
	art.name = "hello";
	art.path = artifact;
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0644)) == -1 ||
	    bundle_write(fd, rep.data, rep.len, doc.data, doc.len, NULL, &art,
	    1, err) != TEEC_OK)
		goto out;
	rc = 0;
out:
	if (fd != -1)
		close(fd);
	nsm_close(n);
	buf_free(&rep);
	buf_free(&doc);
	buf_free(&b);
	return rc;
}

/* The worker's side of the conversation up to the end of the source. */
static inline int
hf_receive(int fd, struct hf_received *rx, int script)
{
	struct frame f;
	struct teec_err err;
	int nul, rc = -1;

	frame_init(&f);
	if (frame_recv(fd, &f, 2, 5000, &err) != TEEC_OK ||
	    frame_hello_check(&f, TEEC_PROTOCOL_VERSION, &err) != TEEC_OK)
		goto out;
	if (script == HF_ERROR_AT_HELLO) {
		frame_send_error(fd, FRAME_ERR_INTERNAL, "no sandbox", &err);
		goto out;
	}
	if (frame_send_hello(fd, script == HF_BAD_VERSION ? 99 :
	    TEEC_PROTOCOL_VERSION, &err) != TEEC_OK)
		goto out;
	if (script == HF_BAD_VERSION)
		goto out;
	if (frame_recv(fd, &f, TEEC_MAX_BUILD_JSON_BYTES, 5000, &err) !=
	    TEEC_OK || f.type != FRAME_BUILD_JSON)
		goto out;
	memcpy(rx->build_json, f.data, f.len);
	rx->build_json_len = f.len;
	if (script == HF_ERROR_EARLY) {
		frame_send_error(fd, FRAME_ERR_INPUT,
		    "build.json: input.cmd: expected a non-empty string", &err);
		goto out;
	}
	if (frame_recv(fd, &f, TEEC_MAX_PROTO_JSON_BYTES, 5000, &err) !=
	    TEEC_OK || f.type != FRAME_SOURCE_BEGIN ||
	    proto_source_begin_decode(f.data, f.len, &rx->sb, &err) != TEEC_OK)
		goto out;
	if ((nul = open("/dev/null", O_WRONLY)) == -1)
		goto out;
	if (frame_recv_stream(fd, nul, FRAME_SOURCE_DATA, rx->sb.size, 5000,
	    NULL, NULL, rx->sha256, &rx->size, &err) == TEEC_OK &&
	    rx->size == rx->sb.size &&
	    memcmp(rx->sha256, rx->sb.sha256, 32) == 0)
		rc = 0;
	close(nul);
out:
	frame_free(&f);
	return rc;
}

static inline int
hf_send_begin(int fd, uint64_t size, const uint8_t sha[32])
{
	struct proto_bundle_begin bb;
	struct buf b;
	int rc;

	memset(&bb, 0, sizeof(bb));
	bb.size = size;
	memcpy(bb.sha256, sha, 32);
	if (proto_bundle_begin_encode(&bb, &b, NULL) != TEEC_OK)
		return -1;
	rc = frame_send(fd, FRAME_BUNDLE_BEGIN, b.data, b.len, NULL);
	buf_free(&b);
	return rc == TEEC_OK ? 0 : -1;
}

/* The fake bundle of HF_GOOD: HF_BUNDLE_BYTES of a fixed pattern. */
#define HF_BUNDLE_BYTES (600u * 1024u + 7u)

static inline void
hf_pattern(uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 7 + i / 251);
}

/*
 * Play the worker on fd following script. devca_dir and artifact are for
 * HF_GOOD_REAL. Exits the process: 0 when the script ran to its end.
 */
static inline void
hf_worker(int fd, int script, const char *devca_dir, const char *artifact)
{
	static struct hf_received rx;
	struct teec_err err;
	struct stat st;
	uint8_t *big = NULL, sha[32];
	char path[128];
	size_t n = HF_BUNDLE_BYTES, i;
	int bfd = -1;

	signal(SIGPIPE, SIG_IGN);
	memset(&rx, 0, sizeof(rx));
	if (hf_receive(fd, &rx, script) != 0)
		_exit(script == HF_BAD_VERSION || script == HF_ERROR_EARLY ||
		    script == HF_ERROR_AT_HELLO ? 0 : 10);
	/* What test_client sends: see run_script() there. */
	if (script == HF_GOOD && (rx.build_json_len != strlen(HF_BUILD_JSON) ||
	    memcmp(rx.build_json, HF_BUILD_JSON, rx.build_json_len) != 0 ||
	    !rx.sb.has_commit || strcmp(rx.sb.commit, HF_COMMIT) != 0 ||
	    rx.sb.source_date_epoch != 1700000000 || !rx.sb.has_timeout ||
	    rx.sb.timeout != 42))
		_exit(20);
	if (frame_send(fd, FRAME_LOG, "compiling\n", 10, &err) != TEEC_OK)
		_exit(11);
	switch (script) {
	case HF_BUILD_FAILS:
		frame_send_error(fd, FRAME_ERR_BUILD, "make exited with "
		    "status 2", &err);
		_exit(0);
	case HF_CLOSE_MIDBUILD:
		_exit(0);
	case HF_WRONG_FRAME:
		frame_send(fd, FRAME_SOURCE_DATA, "x", 1, &err);
		_exit(0);
	case HF_BEGIN_MALFORMED:
		frame_send(fd, FRAME_BUNDLE_BEGIN, "{\"size\":", 8, &err);
		_exit(0);
	case HF_LOG_TOO_BIG:
		big = calloc(1, TEEC_MAX_LOG_FRAME + 1);
		frame_send(fd, FRAME_LOG, big, TEEC_MAX_LOG_FRAME + 1, &err);
		_exit(0);
	case HF_ERROR_MALFORMED:
		frame_send(fd, FRAME_ERROR, "\x00\x03" "bad\x1b[2J", 9, &err);
		_exit(0);
	case HF_HANG:
		pause();
		_exit(0);
	case HF_LOG_FLOOD:
		big = calloc(1, TEEC_MAX_LOG_FRAME);
		memset(big, 'x', TEEC_MAX_LOG_FRAME);
		for (i = 0; i <= TEEC_MAX_LOG_BYTES / TEEC_MAX_LOG_FRAME; i++)
			if (frame_send(fd, FRAME_LOG, big, TEEC_MAX_LOG_FRAME,
			    &err) != TEEC_OK)
				_exit(12);
		break;
	default:
		break;
	}
	if (frame_send(fd, FRAME_LOG, "linking\n", 8, &err) != TEEC_OK)
		_exit(13);

	if (script == HF_GOOD_REAL) {
		snprintf(path, sizeof(path), "/tmp/teec-hf-bundle.%ld",
		    (long)getpid());
		if (hf_make_bundle(path, devca_dir, rx.sha256,
		    rx.sb.has_commit ? rx.sb.commit : NULL, rx.build_json,
		    rx.build_json_len, artifact, &err) != 0 ||
		    (bfd = open(path, O_RDONLY)) == -1 ||
		    fstat(bfd, &st) == -1)
			_exit(14);
		unlink(path);
		{
			struct buf b;
			char p2[64];

			snprintf(p2, sizeof(p2), "/proc/self/fd/%d", bfd);
			if (read_file_capped(p2, 1 << 26, &b, &err) != TEEC_OK)
				_exit(15);
			sha256(b.data, b.len, sha);
			buf_free(&b);
		}
		if (hf_send_begin(fd, (uint64_t)st.st_size, sha) != 0 ||
		    frame_send_stream(fd, bfd, FRAME_BUNDLE_DATA, NULL, NULL,
		    NULL, NULL, &err) != TEEC_OK)
			_exit(16);
		_exit(0);
	}

	if ((big = malloc(n)) == NULL)
		_exit(17);
	hf_pattern(big, n);
	sha256(big, n, sha);
	if (script == HF_BUNDLE_BAD_SHA)
		sha[0] ^= 1;
	if (hf_send_begin(fd, script == HF_BUNDLE_SHORT ? n + 1 :
	    script == HF_BUNDLE_LONG ? n - 1 : n, sha) != 0)
		_exit(18);
	{
		int p[2];

		if (pipe(p) == -1 || fork() == 0) {
			close(p[0]);
			write_all(p[1], big, n);
			_exit(0);
		}
		close(p[1]);
		if (frame_send_stream(fd, p[0], FRAME_BUNDLE_DATA, NULL, NULL,
		    NULL, NULL, &err) != TEEC_OK)
			_exit(19);
	}
	_exit(0);
}

/* Fork a fake worker on one end of a socketpair; the other is *host_fd. */
static inline pid_t
hf_spawn(int script, const char *devca_dir, const char *artifact,
    int *host_fd)
{
	int sv[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1)
		return -1;
	if ((pid = fork()) == -1)
		return -1;
	if (pid == 0) {
		close(sv[0]);
		hf_worker(sv[1], script, devca_dir, artifact);
	}
	close(sv[1]);
	*host_fd = sv[0];
	return pid;
}

#endif

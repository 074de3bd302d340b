/* SPDX-License-Identifier: ISC */
/*
 * The worker's whole conversation over a socketpair: the server runs in a
 * forked child exactly as teec-enclave runs it, this process plays the
 * host (well-behaved or hostile), and a bundle that comes back must pass
 * bundle_verify() with the development root trusted.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <time.h>

#include <archive.h>
#include <archive_entry.h>

#include "tests/unit/testutil.h"

#include "common/buf.h"
#include "common/caps.h"
#include "common/digest.h"
#include "common/encode.h"
#include "common/fileio.h"
#include "common/frame.h"
#include "common/proto.h"
#include "enclave/devca.h"
#include "enclave/sandbox.h"
#include "enclave/server.h"
#include "enclave/workdir.h"
#include "verify/bundle.h"
#include "verify/chain.h"

static int have_ns;

/* How the worker runs: the library function, or the real program. */
enum { RUN_FUNCTION, RUN_FD, RUN_LISTEN };

struct fx {
	int run;
	char bin[PATH_MAX];
	char base[PATH_MAX];
	char xdg[PATH_MAX + 16];
	char sock[PATH_MAX + 16];
	char devca[PATH_MAX + 32];
	char work[PATH_MAX + 16];
	char tar[PATH_MAX + 16];
	char bundle[PATH_MAX + 16];
	struct server_opts o;
	struct unpack_limits lim;
};

static int
setup(void **state)
{
	struct fx *f;
	const char *t = getenv("TMPDIR");
	char tmpl[PATH_MAX];

	if ((f = calloc(1, sizeof(*f))) == NULL)
		return -1;
	snprintf(tmpl, sizeof(tmpl), "%s/teec-server.XXXXXX",
	    t != NULL && t[0] == '/' ? t : "/tmp");
	if (mkdtemp(tmpl) == NULL)
		return -1;
	snprintf(f->base, sizeof(f->base), "%s", tmpl);
	snprintf(f->xdg, sizeof(f->xdg), "%s/xdg", f->base);
	snprintf(f->sock, sizeof(f->sock), "%s/sock", f->base);
	/* Where the program finds it through XDG_DATA_HOME, too. */
	snprintf(f->devca, sizeof(f->devca), "%s/teec/dev-ca", f->xdg);
	snprintf(f->work, sizeof(f->work), "%s/work", f->base);
	snprintf(f->tar, sizeof(f->tar), "%s/source.tar", f->base);
	snprintf(f->bundle, sizeof(f->bundle), "%s/out.teec", f->base);
	if (mkdir(f->work, 0700) == -1)
		return -1;
	f->o.nsm = NSM_EMULATED;
	f->o.devca_dir = f->devca;
	f->o.workdir_base = f->work;
	f->o.unisolated = !have_ns;
	f->o.grace_ms = 500;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	struct teec_err err;

	(void)workdir_remove(f->base, &err);
	free(f);
	return 0;
}

/* A source archive, written with libarchive like any tar a host could send. */
enum { E_FILE, E_DIR, E_SYMLINK, E_HARDLINK, E_CHR, E_FIFO };
struct ent {
	int type;
	const char *name;
	const char *data;       /* file content, or link target */
};

static void
make_tar(const char *path, const struct ent *e, size_t n)
{
	struct archive *a;
	struct archive_entry *ae;
	size_t i, len = 0;

	assert_non_null(a = archive_write_new());
	assert_int_equal(archive_write_set_format_pax_restricted(a), ARCHIVE_OK);
	assert_int_equal(archive_write_open_filename(a, path), ARCHIVE_OK);
	for (i = 0; i < n; i++) {
		assert_non_null(ae = archive_entry_new());
		archive_entry_set_pathname(ae, e[i].name);
		archive_entry_set_mtime(ae, 0, 0);
		switch (e[i].type) {
		case E_FILE:
			len = strlen(e[i].data);
			archive_entry_set_filetype(ae, AE_IFREG);
			archive_entry_set_perm(ae, 0644);
			archive_entry_set_size(ae, (la_int64_t)len);
			break;
		case E_DIR:
			archive_entry_set_filetype(ae, AE_IFDIR);
			archive_entry_set_perm(ae, 0755);
			break;
		case E_SYMLINK:
			archive_entry_set_filetype(ae, AE_IFLNK);
			archive_entry_set_perm(ae, 0777);
			archive_entry_set_symlink(ae, e[i].data);
			break;
		case E_HARDLINK:
			archive_entry_set_filetype(ae, AE_IFREG);
			archive_entry_set_perm(ae, 0644);
			archive_entry_set_hardlink(ae, e[i].data);
			break;
		case E_CHR:
			archive_entry_set_filetype(ae, AE_IFCHR);
			archive_entry_set_perm(ae, 0666);
			archive_entry_set_rdev(ae, makedev(1, 3));
			break;
		case E_FIFO:
			archive_entry_set_filetype(ae, AE_IFIFO);
			archive_entry_set_perm(ae, 0644);
			break;
		}
		assert_int_equal(archive_write_header(a, ae), ARCHIVE_OK);
		if (e[i].type == E_FILE && len > 0)
			assert_int_equal(archive_write_data(a, e[i].data, len),
			    (la_ssize_t)len);
		archive_entry_free(ae);
	}
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
}

static const struct ent hello_src[] = {
	{ E_FILE, "msg.txt", "hello\n" },
	{ E_DIR, "sub", NULL },
	{ E_FILE, "sub/other.txt", "other\n" },
};

#define OK_JSON "{\"language\":\"c\",\"input\":{\"cmd\":\"mkdir -p out && " \
	"cp msg.txt out/msg.txt && echo built\"},\"output\":{\"files\":" \
	"[\"out/*.txt\"]},\"timeout\":60}"

/* The program under test, when the test driver says where it is. */
static int
find_bin(struct fx *f)
{
	const char *d = getenv("TEEC_BIN");

	if (d == NULL)
		return 0;
	snprintf(f->bin, sizeof(f->bin), "%s/teec-enclave", d);
	return access(f->bin, X_OK) == 0;
}

#define REQUIRE_BIN(f) do { \
	if (!find_bin(f)) { \
		print_message("# skipped: $TEEC_BIN/teec-enclave not found\n"); \
		skip(); \
	} \
} while (0)

static void __attribute__((noreturn))
exec_worker(struct fx *f, int fd)
{
	char fdarg[16], listen[PATH_MAX + 32];

	setenv("XDG_DATA_HOME", f->xdg, 1);
	snprintf(fdarg, sizeof(fdarg), "%d", fd);
	snprintf(listen, sizeof(listen), "unix:%s", f->sock);
	if (f->run == RUN_FD)
		execl(f->bin, "teec-enclave", "serve", "--fd", fdarg, "--nsm",
		    "emulated", "--workdir", f->work, f->o.unisolated ?
		    "--unisolated" : NULL, (char *)NULL);
	else
		execl(f->bin, "teec-enclave", "serve", "--listen", listen,
		    "--nsm", "emulated", "--workdir", f->work, f->o.unisolated ?
		    "--unisolated" : NULL, (char *)NULL);
	_exit(127);
}

/* Connect to the program's --listen socket once it is there. */
static int
connect_listener(struct fx *f)
{
	struct sockaddr_un sa;
	int s, i;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	assert_true(strlen(f->sock) < sizeof(sa.sun_path));
	memcpy(sa.sun_path, f->sock, strlen(f->sock));
	for (i = 0; i < 500; i++) {
		assert_true((s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC,
		    0)) != -1);
		if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) == 0)
			return s;
		close(s);
		usleep(20000);
	}
	fail_msg("no listener at %s", f->sock);
	return -1;
}

/* The server in a child, as teec-enclave runs it; fd is the host's end. */
static pid_t
start_server(struct fx *f, int *fd)
{
	struct server_result res;
	struct teec_err err;
	int sv[2], rc;
	pid_t pid;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv),
	    0);
	assert_true((pid = fork()) != -1);
	if (pid == 0) {
		close(sv[0]);
		if (f->run == RUN_FD) {
			/* As teec-host hands it over: descriptor 3. */
			if (sv[1] != 3 && dup2(sv[1], 3) == -1)
				_exit(127);
			(void)fcntl(3, F_SETFD, 0);
			exec_worker(f, 3);
		}
		if (f->run == RUN_LISTEN)
			exec_worker(f, -1);
		memset(&err, 0, sizeof(err));
		rc = server_serve(sv[1], &f->o, &res, &err);
		if (getenv("TEEC_TEST_VERBOSE") != NULL)
			fprintf(stderr, "server: %d %s\n", rc, err.msg);
		_exit(rc);
	}
	close(sv[1]);
	if (f->run == RUN_LISTEN) {
		close(sv[0]);
		*fd = connect_listener(f);
	} else
		*fd = sv[0];
	return pid;
}

static int
finish_server(pid_t pid, int fd)
{
	int st;

	if (fd != -1)
		close(fd);
	while (waitpid(pid, &st, 0) == -1)
		assert_int_equal(errno, EINTR);
	assert_true(WIFEXITED(st));
	return WEXITSTATUS(st);
}

/* What the host does and what it saw. */
struct host {
	const char *build_json;
	uint16_t version;               /* 0: TEEC_PROTOCOL_VERSION */
	const char *begin_json;         /* NULL: a correct SOURCE_BEGIN */
	int wrong_digest;
	int64_t size_delta;             /* announced = actual + delta */
	unsigned int timeout;           /* SOURCE_BEGIN timeout, 0: none */
	const char *commit;
	int at_first_log;               /* 1 close, 2 send ERROR, 3 send junk */
	const char *relay;              /* NET_RELAY payload, or NULL */
	const char *ca;                 /* UPSTREAM_CA payload, or NULL */
	/* seen */
	int got_hello;
	uint16_t worker_version;
	int got_error;
	struct frame_error fe;
	struct buf log;
	size_t nlog;
	int got_bundle;
	int exit;
};

static void
host_init(struct host *h, const char *build_json)
{
	memset(h, 0, sizeof(*h));
	h->build_json = build_json;
	buf_init(&h->log, 128u * 1024u * 1024u);
}

/* Read the ERROR that must come next. */
static void
read_error(int fd, struct host *h)
{
	struct frame fr;
	struct teec_err err;

	frame_init(&fr);
	while (frame_recv(fd, &fr, TEEC_MAX_FRAME_PAYLOAD, 60000, &err) ==
	    TEEC_OK) {
		if (fr.type == FRAME_HELLO) {
			h->got_hello = 1;
			continue;
		}
		if (fr.type == FRAME_ERROR) {
			assert_int_equal(frame_error_decode(&fr, &h->fe, &err),
			    TEEC_OK);
			h->got_error = 1;
		}
		break;
	}
	frame_free(&fr);
}

static void
receive_bundle(struct fx *f, int fd, const struct frame *fr, struct host *h)
{
	struct proto_bundle_begin bb;
	struct teec_err err;
	uint8_t sha[32];
	uint64_t got = 0;
	int out;

	assert_int_equal(proto_bundle_begin_decode(fr->data, fr->len, &bb, &err),
	    TEEC_OK);
	assert_true((out = open(f->bundle, O_WRONLY | O_CREAT | O_TRUNC |
	    O_CLOEXEC, 0644)) != -1);
	if (frame_recv_stream(fd, out, FRAME_BUNDLE_DATA, bb.size, 60000, NULL,
	    NULL, sha, &got, &err) != TEEC_OK)
		fail_msg("bundle stream: %s", err.msg);
	close(out);
	assert_int_equal(got, bb.size);
	assert_memory_equal(sha, bb.sha256, 32);
	h->got_bundle = 1;
}

/* A whole conversation from the host's side. */
static void
converse(struct fx *f, struct host *h)
{
	struct proto_source_begin sb;
	struct frame fr;
	struct teec_err err;
	struct buf b;
	struct stat st;
	uint16_t v;
	pid_t pid;
	int fd, tfd, acted = 0;

	pid = start_server(f, &fd);
	frame_init(&fr);
	assert_int_equal(frame_send_hello(fd, h->version != 0 ? h->version :
	    TEEC_PROTOCOL_VERSION, &err), TEEC_OK);
	if (frame_recv(fd, &fr, TEEC_MAX_FRAME_PAYLOAD, 60000, &err) != TEEC_OK)
		goto done;
	if (fr.type == FRAME_ERROR) {
		assert_int_equal(frame_error_decode(&fr, &h->fe, &err), TEEC_OK);
		h->got_error = 1;
		goto done;
	}
	assert_int_equal(frame_hello_decode(&fr, &v, &err), TEEC_OK);
	h->got_hello = 1;
	h->worker_version = v;

	/* The rest goes out at once; a refusing worker stops reading. */
	if (h->relay != NULL)
		(void)frame_send(fd, FRAME_NET_RELAY, h->relay,
		    strlen(h->relay), &err);
	if (h->ca != NULL)
		(void)frame_send(fd, FRAME_UPSTREAM_CA, h->ca, strlen(h->ca),
		    &err);
	(void)frame_send(fd, FRAME_BUILD_JSON, h->build_json,
	    strlen(h->build_json), &err);
	memset(&sb, 0, sizeof(sb));
	assert_int_equal(sha256_file(f->tar, sb.sha256, &sb.size, &err),
	    TEEC_OK);
	sb.size = (uint64_t)((int64_t)sb.size + h->size_delta);
	if (h->wrong_digest)
		sb.sha256[0] ^= 1;
	if (h->commit != NULL) {
		snprintf(sb.commit, sizeof(sb.commit), "%s", h->commit);
		sb.has_commit = 1;
	}
	sb.source_date_epoch = 1700000000;
	if (h->timeout != 0) {
		sb.timeout = h->timeout;
		sb.has_timeout = 1;
	}
	if (h->begin_json != NULL)
		(void)frame_send(fd, FRAME_SOURCE_BEGIN, h->begin_json,
		    strlen(h->begin_json), &err);
	else {
		assert_int_equal(proto_source_begin_encode(&sb, &b, &err),
		    TEEC_OK);
		(void)frame_send(fd, FRAME_SOURCE_BEGIN, b.data, b.len, &err);
		buf_free(&b);
	}
	assert_true((tfd = open(f->tar, O_RDONLY | O_CLOEXEC)) != -1);
	assert_int_equal(fstat(tfd, &st), 0);
	(void)frame_send_stream(fd, tfd, FRAME_SOURCE_DATA, NULL, NULL, NULL,
	    NULL, &err);
	close(tfd);

	while (frame_recv(fd, &fr, TEEC_MAX_FRAME_PAYLOAD, 60000, &err) ==
	    TEEC_OK) {
		if (fr.type == FRAME_LOG) {
			assert_true(fr.len <= TEEC_MAX_LOG_FRAME);
			assert_int_equal(buf_append(&h->log, fr.data, fr.len), 0);
			h->nlog++;
			if (!acted && h->at_first_log == 1) {
				close(fd);
				fd = -1;
				break;
			}
			if (!acted && h->at_first_log == 2)
				(void)frame_send_error(fd, FRAME_ERR_INTERNAL,
				    "interrupted by the user", &err);
			if (!acted && h->at_first_log == 3)
				(void)frame_send(fd, FRAME_SOURCE_DATA, "x", 1,
				    &err);
			acted = 1;
			continue;
		}
		if (fr.type == FRAME_ERROR) {
			assert_int_equal(frame_error_decode(&fr, &h->fe, &err),
			    TEEC_OK);
			h->got_error = 1;
			break;
		}
		assert_int_equal(fr.type, FRAME_BUNDLE_BEGIN);
		receive_bundle(f, fd, &fr, h);
		/* Nothing may follow the bundle. */
		assert_int_not_equal(frame_recv(fd, &fr, TEEC_MAX_FRAME_PAYLOAD,
		    60000, &err), TEEC_OK);
		assert_int_equal(fr.eof, 1);
		break;
	}
done:
	frame_free(&fr);
	h->exit = finish_server(pid, fd);
}

/* The work directory base holds nothing after a build. */
static void
assert_work_empty(struct fx *f)
{
	struct dirent *de;
	DIR *d;

	assert_non_null(d = opendir(f->work));
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			fail_msg("left in the work base: %s", de->d_name);
	closedir(d);
}

static void
assert_refused(struct fx *f, struct host *h, uint16_t code, const char *want)
{
	struct stat st;

	if (!h->got_error)
		fail_msg("no ERROR frame (server exit %d)", h->exit);
	if (h->fe.code != code)
		fail_msg("ERROR %u \"%s\", wanted code %u", h->fe.code, h->fe.msg,
		    code);
	if (want != NULL && strstr(h->fe.msg, want) == NULL)
		fail_msg("ERROR \"%s\" lacks \"%s\"", h->fe.msg, want);
	assert_int_equal(h->got_bundle, 0);
	assert_int_equal(h->exit, TEEC_FAIL);
	assert_int_equal(stat(f->bundle, &st), -1);
	assert_work_empty(f);
}

static void
verify(struct fx *f, int dev, struct bundle_out *out, int want)
{
	struct bundle_opts bo;
	struct trust_roots roots;
	struct devca *ca = NULL;
	struct vresult vr;
	struct teec_err err;
	const uint8_t *der;
	size_t len;
	int rc;

	assert_int_equal(devca_open(f->devca, &ca, &err), TEEC_OK);
	devca_root_der(ca, &der, &len);
	roots_init(&roots);
	assert_int_equal(roots_add_der(&roots, der, len, &err), TEEC_OK);
	memset(&bo, 0, sizeof(bo));
	bo.roots = &roots;
	bo.dev = dev;
	if (dev) {
		bo.dev_root = der;
		bo.dev_root_len = len;
	}
	memset(out, 0, sizeof(*out));
	vresult_init(&vr);
	rc = bundle_verify(f->bundle, &bo, out, &vr, &err);
	if (rc != want)
		fail_msg("bundle_verify: %d, wanted %d (reason %s, %s)", rc, want,
		    reason_name(vr.reason), err.msg);
	roots_free(&roots);
	devca_free(ca);
}

static void
test_build_bundle_verifies(void **state)
{
	struct fx *f = *state;
	struct bundle_out out;
	struct host h;
	const struct report *r;
	uint8_t want[32];
	size_t i;
	int seen_sde = 0;

	make_tar(f->tar, hello_src, 3);
	host_init(&h, OK_JSON);
	h.commit = "0123456789abcdef0123456789abcdef01234567";
	converse(f, &h);
	if (h.got_error)
		fail_msg("ERROR %u: %s", h.fe.code, h.fe.msg);
	assert_int_equal(h.worker_version, TEEC_PROTOCOL_VERSION);
	assert_int_equal(h.got_bundle, 1);
	assert_int_equal(h.exit, TEEC_OK);
	assert_string_equal((char *)h.log.data, "built\n");
	assert_work_empty(f);

	verify(f, 1, &out, TEEC_OK);
	r = &out.report;
	assert_int_equal(r->nsubjects, 1);
	assert_string_equal(r->subjects[0].name, "out/msg.txt");
	sha256("hello\n", 6, want);
	assert_memory_equal(r->subjects[0].sha256, want, 32);
	assert_int_equal(r->subjects[0].has_sha384, 1);
	assert_string_equal(r->builder_id, "https://teec.dev/builder/local/v1");
	assert_string_equal(r->builder_version, TEEC_VERSION);
	assert_string_equal(r->isolation, have_ns ? "namespaces" : "none");
	assert_string_equal(r->source_commit,
	    "0123456789abcdef0123456789abcdef01234567");
	assert_int_equal(r->source_date_epoch, 1700000000);
	assert_int_equal(r->timeout, 60);
	assert_int_equal(r->has_pcrs, 0);
	assert_int_equal(strlen(r->invocation_id), 36);
	assert_int_equal(r->invocation_id[14], '4');
	assert_int_equal(out.has_log, 1);
	sha256("built\n", 6, want);
	assert_memory_equal(out.log_sha256, want, 32);
	for (i = 0; i < r->nenv; i++)
		if (strcmp(r->env[i].name, "SOURCE_DATE_EPOCH") == 0) {
			assert_string_equal(r->env[i].value, "1700000000");
			seen_sde = 1;
		}
	assert_true(seen_sde);
	bundle_out_free(&out);
	/* A development bundle never passes without --dev. */
	verify(f, 0, &out, TEEC_FAIL);
	bundle_out_free(&out);
	buf_free(&h.log);
}

static void
test_build_unisolated(void **state)
{
	struct fx *f = *state;
	struct bundle_out out;
	struct host h;

	f->o.unisolated = 1;
	make_tar(f->tar, hello_src, 3);
	host_init(&h, OK_JSON);
	converse(f, &h);
	assert_int_equal(h.got_bundle, 1);
	verify(f, 1, &out, TEEC_OK);
	assert_string_equal(out.report.isolation, "none");
	assert_null(out.report.source_commit);
	bundle_out_free(&out);
	buf_free(&h.log);
	assert_work_empty(f);
}

static void
test_keep_leaves_work(void **state)
{
	struct fx *f = *state;
	struct host h;
	struct stat st;
	struct dirent *de;
	char path[PATH_MAX * 2];
	DIR *d;
	int n = 0;

	f->o.keep = 1;
	make_tar(f->tar, hello_src, 3);
	host_init(&h, OK_JSON);
	converse(f, &h);
	assert_int_equal(h.got_bundle, 1);
	assert_non_null(d = opendir(f->work));
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		n++;
		snprintf(path, sizeof(path), "%s/%s/src/out/msg.txt", f->work,
		    de->d_name);
		assert_int_equal(stat(path, &st), 0);
		snprintf(path, sizeof(path), "%s/%s/build.log", f->work,
		    de->d_name);
		assert_int_equal(stat(path, &st), 0);
	}
	closedir(d);
	assert_int_equal(n, 1);
	buf_free(&h.log);
}

static void
test_log_streamed_and_capped(void **state)
{
	struct fx *f = *state;
	struct bundle_out out;
	struct host h;
	struct stat st;
	char path[PATH_MAX * 2];

	f->o.log_cap = 4096;
	make_tar(f->tar, hello_src, 3);
	host_init(&h, "{\"language\":\"c\",\"input\":{\"cmd\":\"yes "
	    "aaaaaaaaa | head -c 100000; cp msg.txt m\"},\"output\":"
	    "{\"files\":[\"m\"]}}");
	converse(f, &h);
	if (h.got_error)
		fail_msg("ERROR %u: %s", h.fe.code, h.fe.msg);
	assert_int_equal(h.got_bundle, 1);
	assert_int_equal(h.log.len, 4096);
	assert_non_null(strstr((char *)h.log.data, "further output was "
	    "dropped"));
	verify(f, 1, &out, TEEC_OK);
	bundle_out_free(&out);
	snprintf(path, sizeof(path), "%s", f->bundle);
	assert_int_equal(stat(path, &st), 0);
	buf_free(&h.log);
}

static void
test_bad_build_json(void **state)
{
	struct fx *f = *state;
	struct host h;

	make_tar(f->tar, hello_src, 3);
	host_init(&h, "{\"language\":\"c\",\"input\":{\"cmd\":\"\"},\"output\":"
	    "{\"files\":[\"a\"]}}");
	converse(f, &h);
	assert_refused(f, &h, FRAME_ERR_INPUT, "build.json: input.cmd: "
	    "expected a non-empty string");
	assert_int_equal(proto_error_exit(&h.fe), 2);
	buf_free(&h.log);
}

static void
test_build_json_not_json(void **state)
{
	struct fx *f = *state;
	struct host h;

	make_tar(f->tar, hello_src, 3);
	host_init(&h, "{\"language\": c}");
	converse(f, &h);
	assert_refused(f, &h, FRAME_ERR_INPUT, "build.json:1:");
	buf_free(&h.log);
}

static void
test_command_fails(void **state)
{
	struct fx *f = *state;
	struct host h;

	make_tar(f->tar, hello_src, 3);
	host_init(&h, "{\"language\":\"c\",\"input\":{\"cmd\":\"echo oops; "
	    "exit 3\"},\"output\":{\"files\":[\"msg.txt\"]}}");
	converse(f, &h);
	assert_refused(f, &h, FRAME_ERR_BUILD, "the build command exited with "
	    "status 3");
	assert_string_equal((char *)h.log.data, "oops\n");
	assert_int_equal(proto_error_exit(&h.fe), 1);
	buf_free(&h.log);
}

static void
test_missing_output(void **state)
{
	struct fx *f = *state;
	struct host h;

	make_tar(f->tar, hello_src, 3);
	host_init(&h, "{\"language\":\"c\",\"input\":{\"cmd\":\"true\"},"
	    "\"output\":{\"files\":[\"msg.txt\",\"dist/*.tar.gz\"]}}");
	converse(f, &h);
	assert_refused(f, &h, FRAME_ERR_BUILD, "output.files[1] dist/*.tar.gz "
	    "matched no file");
	buf_free(&h.log);
}

static void
test_output_symlink_out_refused(void **state)
{
	struct fx *f = *state;
	struct host h;

	make_tar(f->tar, hello_src, 3);
	host_init(&h, "{\"language\":\"c\",\"input\":{\"cmd\":\"ln -s "
	    "/etc/passwd pw\"},\"output\":{\"files\":[\"pw\"]}}");
	converse(f, &h);
	assert_refused(f, &h, FRAME_ERR_BUILD, "output pw: resolves outside");
	buf_free(&h.log);
}

static void
test_timeout(void **state)
{
	struct fx *f = *state;
	struct host h;
	struct timespec t0, t1;

	make_tar(f->tar, hello_src, 3);
	host_init(&h, "{\"language\":\"c\",\"input\":{\"cmd\":\"echo go; "
	    "sleep 1000\"},\"output\":{\"files\":[\"msg.txt\"]},\"timeout\":600}");
	h.timeout = 1;          /* SOURCE_BEGIN may lower the limit */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	converse(f, &h);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_refused(f, &h, FRAME_ERR_BUILD, "time limit of 1 s");
	assert_true(t1.tv_sec - t0.tv_sec < 10);
	buf_free(&h.log);
}

static void
test_timeout_may_not_rise(void **state)
{
	struct fx *f = *state;
	struct host h;

	make_tar(f->tar, hello_src, 3);
	host_init(&h, OK_JSON);
	h.timeout = 61;
	converse(f, &h);
	assert_refused(f, &h, FRAME_ERR_PROTOCOL, "may only lower it");
	buf_free(&h.log);
}

static void
test_wrong_source_digest(void **state)
{
	struct fx *f = *state;
	struct host h;

	make_tar(f->tar, hello_src, 3);
	host_init(&h, OK_JSON);
	h.wrong_digest = 1;
	converse(f, &h);
	assert_refused(f, &h, FRAME_ERR_INPUT, "source archive: its SHA-256 is "
	    "not the one SOURCE_BEGIN announced");
	buf_free(&h.log);
}

static void
test_source_longer_than_announced(void **state)
{
	struct fx *f = *state;
	struct host h;

	make_tar(f->tar, hello_src, 3);
	host_init(&h, OK_JSON);
	h.size_delta = -1;
	converse(f, &h);
	assert_refused(f, &h, FRAME_ERR_PROTOCOL, "exceeds the limit");
	buf_free(&h.log);
}

static void
test_source_shorter_than_announced(void **state)
{
	struct fx *f = *state;
	struct host h;

	make_tar(f->tar, hello_src, 3);
	host_init(&h, OK_JSON);
	h.size_delta = 1;
	converse(f, &h);
	assert_refused(f, &h, FRAME_ERR_PROTOCOL, "SOURCE_BEGIN announced");
	buf_free(&h.log);
}

static void
test_bad_source_begin(void **state)
{
	struct fx *f = *state;
	struct host h;

	make_tar(f->tar, hello_src, 3);
	host_init(&h, OK_JSON);
	h.begin_json = "{\"size\":10,\"sha256\":\"00\",\"source_date_epoch\":0}";
	converse(f, &h);
	assert_refused(f, &h, FRAME_ERR_PROTOCOL, "SOURCE_BEGIN: sha256");
	buf_free(&h.log);
}

/* A hostile archive is refused, and nothing lands outside WORK. */
static void
hostile(struct fx *f, const struct ent *e, size_t n, const char *want)
{
	struct host h;
	struct stat st;
	char path[PATH_MAX * 2];

	make_tar(f->tar, e, n);
	host_init(&h, OK_JSON);
	converse(f, &h);
	assert_refused(f, &h, FRAME_ERR_INPUT, want);
	assert_int_equal(strncmp(h.fe.msg, "source archive: ", 16), 0);
	assert_int_equal(proto_error_exit(&h.fe), 1);
	snprintf(path, sizeof(path), "%s/evil", f->base);
	assert_int_equal(stat(path, &st), -1);
	snprintf(path, sizeof(path), "%s/evil", f->work);
	assert_int_equal(stat(path, &st), -1);
	assert_int_equal(stat("/tmp/teec-test-evil", &st), -1);
	buf_free(&h.log);
}

static void
test_hostile_traversal(void **state)
{
	static const struct ent e[] = {
		{ E_FILE, "msg.txt", "x" },
		{ E_FILE, "../../evil", "pwned" },
	};

	hostile(*state, e, 2, "..");
}

static void
test_hostile_absolute(void **state)
{
	static const struct ent e[] = {
		{ E_FILE, "/tmp/teec-test-evil", "pwned" },
	};

	hostile(*state, e, 1, "source archive");
}

static void
test_hostile_symlink_escape(void **state)
{
	static const struct ent e[] = {
		{ E_SYMLINK, "up", "../.." },
		{ E_FILE, "up/evil", "pwned" },
	};

	hostile(*state, e, 2, "source archive");
}

static void
test_hostile_absolute_symlink(void **state)
{
	static const struct ent e[] = {
		{ E_SYMLINK, "tmp", "/tmp" },
		{ E_FILE, "tmp/teec-test-evil", "pwned" },
	};

	hostile(*state, e, 2, "source archive");
}

static void
test_hostile_device(void **state)
{
	static const struct ent e[] = {
		{ E_CHR, "null", NULL },
	};

	hostile(*state, e, 1, "source archive");
}

static void
test_hostile_fifo(void **state)
{
	static const struct ent e[] = {
		{ E_FIFO, "pipe", NULL },
	};

	hostile(*state, e, 1, "source archive");
}

static void
test_hostile_hardlink(void **state)
{
	static const struct ent e[] = {
		{ E_FILE, "a", "x" },
		{ E_HARDLINK, "b", "a" },
	};

	hostile(*state, e, 2, "source archive");
}

static void
test_hostile_too_many_entries(void **state)
{
	struct fx *f = *state;
	static const struct ent e[] = {
		{ E_FILE, "a", "1" }, { E_FILE, "b", "2" }, { E_FILE, "c", "3" },
		{ E_FILE, "d", "4" },
	};

	f->lim.max_entries = 3;
	f->lim.max_bytes = 1000;
	f->o.unpack_lim = &f->lim;
	hostile(f, e, 4, "source archive");
}

static void
test_hostile_too_many_bytes(void **state)
{
	struct fx *f = *state;
	static const struct ent e[] = {
		{ E_FILE, "a", "0123456789" }, { E_FILE, "b", "0123456789" },
	};

	f->lim.max_entries = 100;
	f->lim.max_bytes = 15;
	f->o.unpack_lim = &f->lim;
	hostile(f, e, 2, "source archive");
}

static void
test_not_a_tar(void **state)
{
	struct fx *f = *state;
	struct host h;
	FILE *fp;

	assert_non_null(fp = fopen(f->tar, "w"));
	fputs("this is not a tar archive, just some text\n", fp);
	fclose(fp);
	host_init(&h, OK_JSON);
	converse(f, &h);
	assert_refused(f, &h, FRAME_ERR_INPUT, "source archive");
	buf_free(&h.log);
}

/* Raw protocol violations. */

static void
raw_header(uint8_t h[8], uint8_t type, uint32_t len)
{
	h[0] = type;
	h[1] = 0;
	h[2] = 0;
	h[3] = 0;
	h[4] = (uint8_t)(len >> 24);
	h[5] = (uint8_t)(len >> 16);
	h[6] = (uint8_t)(len >> 8);
	h[7] = (uint8_t)len;
}

static void
raw_refused(struct fx *f, int hello_first, int hello_back, const uint8_t *p,
    size_t n, const char *want)
{
	struct host h;
	struct teec_err err;
	pid_t pid;
	int fd;

	host_init(&h, OK_JSON);
	pid = start_server(f, &fd);
	if (hello_first)
		assert_int_equal(frame_send_hello(fd, TEEC_PROTOCOL_VERSION,
		    &err), TEEC_OK);
	assert_int_equal(write_all(fd, p, n), 0);
	read_error(fd, &h);
	h.exit = finish_server(pid, fd);
	assert_int_equal(h.got_hello, hello_back);
	assert_refused(f, &h, FRAME_ERR_PROTOCOL, want);
	buf_free(&h.log);
}

static void
test_version_mismatch(void **state)
{
	struct fx *f = *state;
	struct host h;

	make_tar(f->tar, hello_src, 3);
	host_init(&h, OK_JSON);
	h.version = TEEC_PROTOCOL_VERSION + 1;
	converse(f, &h);
	/* The worker still says which version it speaks. */
	assert_int_equal(h.got_hello, 1);
	assert_int_equal(h.worker_version, TEEC_PROTOCOL_VERSION);
	assert_refused(f, &h, FRAME_ERR_PROTOCOL, "protocol version mismatch");
	buf_free(&h.log);
}

static void
test_version_mismatch_error(void **state)
{
	uint8_t p[10];

	raw_header(p, FRAME_HELLO, 2);
	p[8] = 0;
	p[9] = 9;
	raw_refused(*state, 0, 1, p, sizeof(p), "protocol version mismatch: the "
	    "host speaks 9, the worker speaks 1");
}

static void
test_first_frame_not_hello(void **state)
{
	uint8_t p[8 + 2];

	raw_header(p, FRAME_BUILD_JSON, 2);
	memcpy(p + 8, "{}", 2);
	raw_refused(*state, 0, 0, p, sizeof(p), "expected HELLO, got BUILD_JSON");
}

static void
test_hello_wrong_length(void **state)
{
	uint8_t p[8 + 3] = { 0 };

	raw_header(p, FRAME_HELLO, 3);
	raw_refused(*state, 0, 0, p, sizeof(p), "HELLO payload is 3 bytes");
}

static void
test_unknown_frame_type(void **state)
{
	uint8_t p[8];

	raw_header(p, 200, 0);
	raw_refused(*state, 1, 1, p, sizeof(p), "unknown frame type 200");
}

static void
test_nonzero_flags(void **state)
{
	uint8_t p[8];

	raw_header(p, FRAME_BUILD_JSON, 0);
	p[1] = 0x80;
	raw_refused(*state, 1, 1, p, sizeof(p), "flags 0x80");
}

static void
test_oversize_build_json_frame(void **state)
{
	uint8_t p[8];

	/* Refused from the header alone: no payload is read or allocated. */
	raw_header(p, FRAME_BUILD_JSON, TEEC_MAX_BUILD_JSON_BYTES + 1);
	raw_refused(*state, 1, 1, p, sizeof(p), "BUILD_JSON frame: length 262145 "
	    "exceeds the limit of 262144 bytes");
}

static void
test_oversize_source_begin_frame(void **state)
{
	struct fx *f = *state;
	struct host h;
	struct teec_err err;
	uint8_t p[8];
	pid_t pid;
	int fd;

	host_init(&h, OK_JSON);
	pid = start_server(f, &fd);
	assert_int_equal(frame_send_hello(fd, TEEC_PROTOCOL_VERSION, &err),
	    TEEC_OK);
	assert_int_equal(frame_send(fd, FRAME_BUILD_JSON, OK_JSON,
	    strlen(OK_JSON), &err), TEEC_OK);
	raw_header(p, FRAME_SOURCE_BEGIN, 0xffffffffu);
	assert_int_equal(write_all(fd, p, sizeof(p)), 0);
	read_error(fd, &h);
	h.exit = finish_server(pid, fd);
	assert_refused(f, &h, FRAME_ERR_PROTOCOL, "SOURCE_BEGIN frame: length "
	    "4294967295 exceeds the limit");
	buf_free(&h.log);
}

static void
test_source_data_before_begin(void **state)
{
	struct fx *f = *state;
	struct host h;
	struct teec_err err;
	pid_t pid;
	int fd;

	host_init(&h, OK_JSON);
	pid = start_server(f, &fd);
	assert_int_equal(frame_send_hello(fd, TEEC_PROTOCOL_VERSION, &err),
	    TEEC_OK);
	assert_int_equal(frame_send(fd, FRAME_BUILD_JSON, OK_JSON,
	    strlen(OK_JSON), &err), TEEC_OK);
	assert_int_equal(frame_send(fd, FRAME_SOURCE_DATA, "abc", 3, &err),
	    TEEC_OK);
	read_error(fd, &h);
	h.exit = finish_server(pid, fd);
	assert_refused(f, &h, FRAME_ERR_PROTOCOL, "expected SOURCE_BEGIN, got "
	    "SOURCE_DATA");
	buf_free(&h.log);
}

/*
 * The optional frames between HELLO and BUILD_JSON (teec-protocol(7)):
 * NET_RELAY, then UPSTREAM_CA, each at most once.
 */

static void
test_relay_and_ca_frames_accepted(void **state)
{
	struct fx *f = *state;
	struct bundle_out out;
	struct host h;

	make_tar(f->tar, hello_src, 3);
	host_init(&h, OK_JSON);
	h.relay = "unix:/nonexistent/relay.sock";
	h.ca = "-----BEGIN CERTIFICATE-----\n";
	converse(f, &h);
	if (h.got_error)
		fail_msg("refused: %s", h.fe.msg);
	assert_int_equal(h.got_bundle, 1);
	assert_int_equal(h.exit, TEEC_OK);
	verify(f, 1, &out, TEEC_OK);
	/* The CA is recorded although no network policy used it. */
	assert_true(out.report.has_upstream_ca);
	bundle_out_free(&out);
	buf_free(&h.log);
}

/* HELLO, then the frames given, then whatever the worker says. */
static void
preamble_refused(struct fx *f, const uint8_t *types, const char *const *pay,
    size_t n, const char *want)
{
	struct host h;
	struct teec_err err;
	size_t i;
	pid_t pid;
	int fd;

	host_init(&h, OK_JSON);
	pid = start_server(f, &fd);
	assert_int_equal(frame_send_hello(fd, TEEC_PROTOCOL_VERSION, &err),
	    TEEC_OK);
	for (i = 0; i < n; i++)
		(void)frame_send(fd, types[i], pay[i], strlen(pay[i]), &err);
	read_error(fd, &h);
	h.exit = finish_server(pid, fd);
	assert_refused(f, &h, FRAME_ERR_PROTOCOL, want);
	buf_free(&h.log);
}

static void
test_net_relay_twice(void **state)
{
	static const uint8_t t[] = { FRAME_NET_RELAY, FRAME_NET_RELAY };
	static const char *const p[] = { "vsock:5006", "vsock:5007" };

	preamble_refused(*state, t, p, 2, "NET_RELAY: given twice");
}

static void
test_net_relay_after_upstream_ca(void **state)
{
	static const uint8_t t[] = { FRAME_UPSTREAM_CA, FRAME_NET_RELAY };
	static const char *const p[] = { "pem", "vsock:5006" };

	preamble_refused(*state, t, p, 2, "NET_RELAY: after UPSTREAM_CA");
}

static void
test_upstream_ca_twice(void **state)
{
	static const uint8_t t[] = { FRAME_UPSTREAM_CA, FRAME_UPSTREAM_CA };
	static const char *const p[] = { "pem", "pem" };

	preamble_refused(*state, t, p, 2, "UPSTREAM_CA: given twice");
}

static void
test_net_relay_malformed(void **state)
{
	static const uint8_t t[] = { FRAME_NET_RELAY };
	static const char *const bad[] = { "tcp:1.2.3.4:80", "vsock:0",
	    "vsock:4294967295", "vsock:05", "unix:relative", "unix:/a\tb",
	    "" };
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		preamble_refused(*state, t, &bad[i], 1, "NET_RELAY:");
}

static void
test_net_relay_oversized(void **state)
{
	uint8_t p[8];

	raw_header(p, FRAME_NET_RELAY, TEEC_MAX_NET_RELAY + 1);
	raw_refused(*state, 1, 1, p, sizeof(p), "NET_RELAY frame: length 129 "
	    "exceeds the limit of 128 bytes");
}

static void
test_upstream_ca_oversized(void **state)
{
	uint8_t p[8];

	raw_header(p, FRAME_UPSTREAM_CA, TEEC_MAX_UPSTREAM_CA_BYTES + 1);
	raw_refused(*state, 1, 1, p, sizeof(p), "UPSTREAM_CA frame: length "
	    "1048577 exceeds the limit of 1048576 bytes");
}

static void
test_net_open_on_the_conversation(void **state)
{
	static const uint8_t t[] = { FRAME_NET_OPEN };
	static const char *const p[] = { "example.org:443" };

	preamble_refused(*state, t, p, 1, "expected BUILD_JSON, got NET_OPEN");
}

static void
test_upstream_ca_with_option_refused(void **state)
{
	struct fx *f = *state;
	static const uint8_t t[] = { FRAME_UPSTREAM_CA };
	static const char *const p[] = { "pem" };

	f->o.upstream_ca = (const uint8_t *)"other";
	f->o.upstream_ca_len = 5;
	preamble_refused(f, t, p, 1, "started with --upstream-ca already");
}

/* An NSM device stand-in that answers DescribePCR with PCRs of one byte. */
static int
pcr_standin(void *arg, const uint8_t *req, size_t reqlen, uint8_t *resp,
    size_t respcap, size_t *resplen, struct teec_err *err)
{
	static const uint8_t head[] = {
		0xa1, 0x6b, 'D', 'e', 's', 'c', 'r', 'i', 'b', 'e', 'P', 'C',
		'R', 0xa2, 0x64, 'l', 'o', 'c', 'k', 0xf5, 0x64, 'd', 'a',
		't', 'a', 0x58, 0x30,
	};
	const uint8_t *fill = arg;

	assert_true(respcap >= sizeof(head) + 48);
	memcpy(resp, head, sizeof(head));
	memset(resp + sizeof(head), *fill, 48);
	*resplen = sizeof(head) + 48;
	return TEEC_OK;
}

static void
test_upstream_ca_refused_by_production_enclave(void **state)
{
	struct fx *f = *state;
	static const uint8_t t[] = { FRAME_UPSTREAM_CA };
	static const char *const p[] = { "pem" };
	static const uint8_t measured = 0x5a;

	f->o.nsm_raw = pcr_standin;
	f->o.nsm_raw_arg = (void *)&measured;
	preamble_refused(f, t, p, 1, "UPSTREAM_CA: refused: this enclave is "
	    "not in debug mode");
}

static void
test_upstream_ca_taken_by_debug_enclave(void **state)
{
	struct fx *f = *state;
	static const uint8_t t[] = { FRAME_UPSTREAM_CA, FRAME_SOURCE_DATA };
	static const char *const p[] = { "pem", "x" };
	static const uint8_t zero = 0;

	/* Taken: the next frame is the one refused. */
	f->o.nsm_raw = pcr_standin;
	f->o.nsm_raw_arg = (void *)&zero;
	preamble_refused(f, t, p, 2, "expected BUILD_JSON, got SOURCE_DATA");
}

static void
test_unix_relay_refused_by_enclave(void **state)
{
	struct fx *f = *state;
	static const uint8_t t[] = { FRAME_NET_RELAY };
	static const char *const p[] = { "unix:/tmp/relay.sock" };
	static const uint8_t zero = 0;

	f->o.nsm_raw = pcr_standin;
	f->o.nsm_raw_arg = (void *)&zero;
	preamble_refused(f, t, p, 1, "a unix socket is for local mode");
}

static void
test_vsock_relay_taken_by_enclave(void **state)
{
	struct fx *f = *state;
	static const uint8_t t[] = { FRAME_NET_RELAY, FRAME_LOG };
	static const char *const p[] = { "vsock:5006", "x" };
	static const uint8_t measured = 0x5a;

	f->o.nsm_raw = pcr_standin;
	f->o.nsm_raw_arg = (void *)&measured;
	preamble_refused(f, t, p, 2, "expected BUILD_JSON, got LOG");
}

static void
test_host_error_ends_quietly(void **state)
{
	struct fx *f = *state;
	struct host h;
	struct teec_err err;
	pid_t pid;
	int fd;

	host_init(&h, OK_JSON);
	pid = start_server(f, &fd);
	assert_int_equal(frame_send_hello(fd, TEEC_PROTOCOL_VERSION, &err),
	    TEEC_OK);
	assert_int_equal(frame_send_error(fd, FRAME_ERR_INTERNAL, "host gave up",
	    &err), TEEC_OK);
	read_error(fd, &h);
	h.exit = finish_server(pid, fd);
	assert_int_equal(h.got_error, 0);
	assert_int_equal(h.exit, TEEC_ERROR);
	assert_work_empty(f);
	buf_free(&h.log);
}

static void
test_host_error_mid_stream_not_answered(void **state)
{
	struct fx *f = *state;
	struct proto_source_begin sb;
	struct host h;
	struct teec_err err;
	struct buf b;
	struct frame fr;
	pid_t pid;
	int fd;

	host_init(&h, OK_JSON);
	pid = start_server(f, &fd);
	frame_init(&fr);
	assert_int_equal(frame_send_hello(fd, TEEC_PROTOCOL_VERSION, &err),
	    TEEC_OK);
	assert_int_equal(frame_send(fd, FRAME_BUILD_JSON, OK_JSON,
	    strlen(OK_JSON), &err), TEEC_OK);
	memset(&sb, 0, sizeof(sb));
	sb.size = 100000;
	assert_int_equal(proto_source_begin_encode(&sb, &b, &err), TEEC_OK);
	assert_int_equal(frame_send(fd, FRAME_SOURCE_BEGIN, b.data, b.len,
	    &err), TEEC_OK);
	buf_free(&b);
	assert_int_equal(frame_send(fd, FRAME_SOURCE_DATA, "0123456789", 10,
	    &err), TEEC_OK);
	assert_int_equal(frame_send_error(fd, FRAME_ERR_INTERNAL, "cancelled",
	    &err), TEEC_OK);
	/* HELLO, then the end: an ERROR is not answered. */
	assert_int_equal(frame_recv(fd, &fr, 64, 60000, &err), TEEC_OK);
	assert_int_equal(fr.type, FRAME_HELLO);
	assert_int_not_equal(frame_recv(fd, &fr, TEEC_MAX_FRAME_PAYLOAD, 60000,
	    &err), TEEC_OK);
	assert_int_equal(fr.eof, 1);
	frame_free(&fr);
	h.exit = finish_server(pid, fd);
	assert_int_equal(h.exit, TEEC_ERROR);
	assert_work_empty(f);
	buf_free(&h.log);
}

static void
test_nsm_device_absent(void **state)
{
	struct fx *f = *state;
	struct host h;
	struct stat st;

	if (stat("/dev/nsm", &st) == 0) {
		print_message("# skipped: this machine has /dev/nsm\n");
		skip();
	}
	f->o.nsm = NSM_DEVICE;
	make_tar(f->tar, hello_src, 3);
	host_init(&h, OK_JSON);
	converse(f, &h);
	assert_refused(f, &h, FRAME_ERR_INTERNAL, "/dev/nsm");
	buf_free(&h.log);
}

static void
test_host_closes_mid_build(void **state)
{
	struct fx *f = *state;
	struct host h;
	struct timespec t0, t1;

	make_tar(f->tar, hello_src, 3);
	host_init(&h, "{\"language\":\"c\",\"input\":{\"cmd\":\"echo started; "
	    "sleep 1000\"},\"output\":{\"files\":[\"msg.txt\"]}}");
	h.at_first_log = 1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	converse(f, &h);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_int_equal(h.nlog, 1);
	assert_int_equal(h.exit, TEEC_ERROR);
	assert_true(t1.tv_sec - t0.tv_sec < 10);
	assert_work_empty(f);
	buf_free(&h.log);
}

static void
test_host_cancels_mid_build(void **state)
{
	struct fx *f = *state;
	struct host h;

	make_tar(f->tar, hello_src, 3);
	host_init(&h, "{\"language\":\"c\",\"input\":{\"cmd\":\"echo started; "
	    "sleep 1000\"},\"output\":{\"files\":[\"msg.txt\"]}}");
	h.at_first_log = 2;
	converse(f, &h);
	assert_int_equal(h.got_error, 0);
	assert_int_equal(h.got_bundle, 0);
	assert_int_equal(h.exit, TEEC_ERROR);
	assert_work_empty(f);
	buf_free(&h.log);
}

static void
test_host_junk_mid_build(void **state)
{
	struct fx *f = *state;
	struct host h;

	make_tar(f->tar, hello_src, 3);
	host_init(&h, "{\"language\":\"c\",\"input\":{\"cmd\":\"echo started; "
	    "sleep 1000\"},\"output\":{\"files\":[\"msg.txt\"]}}");
	h.at_first_log = 3;
	converse(f, &h);
	assert_refused(f, &h, FRAME_ERR_PROTOCOL, "unexpected SOURCE_DATA frame "
	    "while building");
	buf_free(&h.log);
}

static void
test_isolation_refused_without_bwrap(void **state)
{
	struct fx *f = *state;
	struct host h;
	char *old = NULL;

	if (getenv("PATH") != NULL)
		old = strdup(getenv("PATH"));
	setenv("PATH", "/nonexistent", 1);
	f->o.unisolated = 0;
	make_tar(f->tar, hello_src, 3);
	host_init(&h, OK_JSON);
	converse(f, &h);
	if (old != NULL)
		setenv("PATH", old, 1);
	free(old);
	assert_refused(f, &h, FRAME_ERR_INTERNAL, "the build cannot be "
	    "isolated: bwrap (bubblewrap) not found on PATH; --unisolated "
	    "builds without isolation");
	buf_free(&h.log);
}

static void
test_program_fd(void **state)
{
	struct fx *f = *state;
	struct bundle_out out;
	struct host h;

	REQUIRE_BIN(f);
	f->run = RUN_FD;
	make_tar(f->tar, hello_src, 3);
	host_init(&h, OK_JSON);
	converse(f, &h);
	if (h.got_error)
		fail_msg("ERROR %u: %s", h.fe.code, h.fe.msg);
	assert_int_equal(h.got_bundle, 1);
	assert_int_equal(h.exit, 0);
	verify(f, 1, &out, TEEC_OK);
	bundle_out_free(&out);
	assert_work_empty(f);
	buf_free(&h.log);
}

static void
test_program_listen(void **state)
{
	struct fx *f = *state;
	struct bundle_out out;
	struct host h;
	struct stat st;

	REQUIRE_BIN(f);
	f->run = RUN_LISTEN;
	make_tar(f->tar, hello_src, 3);
	host_init(&h, OK_JSON);
	converse(f, &h);
	if (h.got_error)
		fail_msg("ERROR %u: %s", h.fe.code, h.fe.msg);
	assert_int_equal(h.got_bundle, 1);
	assert_int_equal(h.exit, 0);
	verify(f, 1, &out, TEEC_OK);
	bundle_out_free(&out);
	/* One connection, one build; the socket is gone. */
	assert_int_equal(stat(f->sock, &st), -1);
	buf_free(&h.log);
}

static void
test_program_refusal_exit_1(void **state)
{
	struct fx *f = *state;
	struct host h;

	REQUIRE_BIN(f);
	f->run = RUN_FD;
	make_tar(f->tar, hello_src, 3);
	host_init(&h, "{\"language\":\"c\",\"input\":{\"cmd\":\"exit 4\"},"
	    "\"output\":{\"files\":[\"msg.txt\"]}}");
	converse(f, &h);
	assert_refused(f, &h, FRAME_ERR_BUILD, "exited with status 4");
	buf_free(&h.log);
}

#define SLOW_JSON "{\"language\":\"c\",\"input\":{\"cmd\":\"echo started; " \
	"sleep 1000\"},\"output\":{\"files\":[\"msg.txt\"]}}"

/* SIGTERM mid-build: the build is killed, WORK removed, no bundle. */
static void
test_program_sigterm(void **state)
{
	struct fx *f = *state;
	struct proto_source_begin sb;
	struct frame fr;
	struct teec_err err;
	struct buf b;
	struct timespec t0, t1;
	pid_t pid;
	int fd, tfd, st;

	REQUIRE_BIN(f);
	f->run = RUN_FD;
	make_tar(f->tar, hello_src, 3);
	pid = start_server(f, &fd);
	frame_init(&fr);
	assert_int_equal(frame_send_hello(fd, TEEC_PROTOCOL_VERSION, &err),
	    TEEC_OK);
	assert_int_equal(frame_recv(fd, &fr, 64, 60000, &err), TEEC_OK);
	assert_int_equal(fr.type, FRAME_HELLO);
	assert_int_equal(frame_send(fd, FRAME_BUILD_JSON, SLOW_JSON,
	    strlen(SLOW_JSON), &err), TEEC_OK);
	memset(&sb, 0, sizeof(sb));
	assert_int_equal(sha256_file(f->tar, sb.sha256, &sb.size, &err),
	    TEEC_OK);
	assert_int_equal(proto_source_begin_encode(&sb, &b, &err), TEEC_OK);
	assert_int_equal(frame_send(fd, FRAME_SOURCE_BEGIN, b.data, b.len,
	    &err), TEEC_OK);
	buf_free(&b);
	assert_true((tfd = open(f->tar, O_RDONLY | O_CLOEXEC)) != -1);
	assert_int_equal(frame_send_stream(fd, tfd, FRAME_SOURCE_DATA, NULL,
	    NULL, NULL, NULL, &err), TEEC_OK);
	close(tfd);
	assert_int_equal(frame_recv(fd, &fr, TEEC_MAX_FRAME_PAYLOAD, 60000,
	    &err), TEEC_OK);
	assert_int_equal(fr.type, FRAME_LOG);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(kill(pid, SIGTERM), 0);
	while (waitpid(pid, &st, 0) == -1)
		assert_int_equal(errno, EINTR);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_true(t1.tv_sec - t0.tv_sec < 10);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 2);
	/* Nothing but perhaps an ERROR, then the end. */
	while (frame_recv(fd, &fr, TEEC_MAX_FRAME_PAYLOAD, 5000, &err) ==
	    TEEC_OK)
		assert_int_equal(fr.type, FRAME_ERROR);
	close(fd);
	frame_free(&fr);
	assert_work_empty(f);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int
main(void)
{
	char bwrap[PATH_MAX];
	struct teec_err err;
	const struct CMUnitTest tests[] = {
		T(test_build_bundle_verifies),
		T(test_build_unisolated),
		T(test_keep_leaves_work),
		T(test_log_streamed_and_capped),
		T(test_bad_build_json),
		T(test_build_json_not_json),
		T(test_command_fails),
		T(test_missing_output),
		T(test_output_symlink_out_refused),
		T(test_timeout),
		T(test_timeout_may_not_rise),
		T(test_wrong_source_digest),
		T(test_source_longer_than_announced),
		T(test_source_shorter_than_announced),
		T(test_bad_source_begin),
		T(test_hostile_traversal),
		T(test_hostile_absolute),
		T(test_hostile_symlink_escape),
		T(test_hostile_absolute_symlink),
		T(test_hostile_device),
		T(test_hostile_fifo),
		T(test_hostile_hardlink),
		T(test_hostile_too_many_entries),
		T(test_hostile_too_many_bytes),
		T(test_not_a_tar),
		T(test_version_mismatch),
		T(test_version_mismatch_error),
		T(test_first_frame_not_hello),
		T(test_hello_wrong_length),
		T(test_unknown_frame_type),
		T(test_nonzero_flags),
		T(test_oversize_build_json_frame),
		T(test_oversize_source_begin_frame),
		T(test_source_data_before_begin),
		T(test_relay_and_ca_frames_accepted),
		T(test_net_relay_twice),
		T(test_net_relay_after_upstream_ca),
		T(test_upstream_ca_twice),
		T(test_net_relay_malformed),
		T(test_net_relay_oversized),
		T(test_upstream_ca_oversized),
		T(test_net_open_on_the_conversation),
		T(test_upstream_ca_with_option_refused),
		T(test_upstream_ca_refused_by_production_enclave),
		T(test_upstream_ca_taken_by_debug_enclave),
		T(test_unix_relay_refused_by_enclave),
		T(test_vsock_relay_taken_by_enclave),
		T(test_host_error_ends_quietly),
		T(test_host_error_mid_stream_not_answered),
		T(test_nsm_device_absent),
		T(test_host_closes_mid_build),
		T(test_host_cancels_mid_build),
		T(test_host_junk_mid_build),
		T(test_isolation_refused_without_bwrap),
		T(test_program_fd),
		T(test_program_listen),
		T(test_program_refusal_exit_1),
		T(test_program_sigterm),
	};

	if (sandbox_find_bwrap(bwrap, sizeof(bwrap), &err) == TEEC_OK &&
	    sandbox_probe(bwrap, &err) == TEEC_OK)
		have_ns = 1;
	else
		print_message("# namespaces: %s: builds run unisolated\n",
		    err.msg);
	return cmocka_run_group_tests(tests, NULL, NULL);
}

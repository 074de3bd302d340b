/* SPDX-License-Identifier: ISC */
/*
 * host/launch_nitro.c with a fake nitro-cli (a shell script that answers
 * as nitro-cli's json_output.rs and document_errors.rs say, and logs how
 * it was called) and a socket pair or a refusing connector in place of
 * vsock. Whatever happens after run-enclave succeeded, the enclave must be
 * terminated by its ID.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <signal.h>
#include <time.h>

#include "tests/unit/testutil.h"
#include "tests/unit/hostfake.h"

#include "host/launch_nitro.h"
#include "host/nitro_cli.h"

#define ID      "i-0123456789abcdef0-enc0123456789abcdef"
#define ID2     "i-0123456789abcdef0-enc00000000000000ff"

/*
 * The fake nitro-cli. $D/mode says how run-enclave answers:
 *   ok          the JSON, with the CID and name it was given
 *   busy N      "[ E39 ]" N times, then ok
 *   e26 e27 e22 e19 e36 e29  that error
 *   malformed   exit 0, not JSON
 *   wrongcid    the JSON with CID 77
 *   hang        never answers
 * describe-enclaves lists the enclave run-enclave last named, with ID2;
 * terminate-enclave fails with E39 while $D/term-fails exists.
 */
static const char fake_cli[] =
    "#!/bin/sh\n"
    "D=$(dirname \"$0\")\n"
    "echo \"$(date +%s%N) $*\" >>\"$D/log\"\n"
    "mode=$(cat \"$D/mode\")\n"
    "case \"$1\" in\n"
    "run-enclave)\n"
    "  while [ $# -gt 0 ]; do\n"
    "    case \"$1\" in --enclave-cid) cid=$2;; --enclave-name) name=$2;; esac\n"
    "    shift\n"
    "  done\n"
    "  echo \"$name\" >\"$D/name\"\n"
    "  echo 'Start allocating memory...' >&2\n"
    "  set -- $mode\n"
    "  case \"$1\" in\n"
    "  busy)\n"
    "    n=$(cat \"$D/count\" 2>/dev/null || echo 0)\n"
    "    echo $((n + 1)) >\"$D/count\"\n"
    "    if [ \"$n\" -lt \"$2\" ]; then\n"
    "      echo '[ E39 ] Enclave process connection failure. Such error appears when ...' >&2\n"
    "      exit 39\n"
    "    fi;;\n"
    "  e26) echo '[ E26 ] Insufficient memory requested. User provided `memory` is 8 MB' >&2; exit 26;;\n"
    "  e27) echo '[ E27 ] Insufficient memory available.' >&2; exit 27;;\n"
    "  e22) echo '[ E22 ] Insufficient CPUs available in the pool.' >&2; exit 22;;\n"
    "  e19) echo '[ E19 ] File operation failure.' >&2; exit 19;;\n"
    "  e36) echo '[ E36 ] Enclave boot failure.' >&2; exit 36;;\n"
    "  e29) printf '[ E29 ] Ioctl failure. Such error is used as ...\\n\\nBacktrace:\\n"
    "  Action: Run Enclave\\n  Subactions:\\n    Set user memory region ioctl failed\\n"
    "    The memory region is not backed by contiguous physical huge page(s)\\n"
    "  Root error file: src/enclave_proc/resource_manager.rs\\n' >&2; exit 29;;\n"
    "  malformed) echo 'Started enclave with enclave-cid: 16'; exit 0;;\n"
    "  wrongcid) cid=77;;\n"
    "  hang) exec sleep 30;;\n"
    "  esac\n"
    "  printf '{\\n  \"EnclaveName\": \"%s\",\\n  \"EnclaveID\": \"" ID "\",\\n"
    "  \"ProcessID\": 4242,\\n  \"EnclaveCID\": %s,\\n  \"NumberOfCPUs\": 2,\\n"
    "  \"CPUIDs\": [1, 3],\\n  \"MemoryMiB\": 1600\\n}\\n' \"$name\" \"$cid\";;\n"
    "describe-enclaves)\n"
    "  printf '[{\"EnclaveName\": \"other\", \"EnclaveID\": \"i-1-enc1\", \"EnclaveCID\": 9},"
    " {\"EnclaveName\": \"%s\", \"EnclaveID\": \"" ID2 "\", \"EnclaveCID\": 10,"
    " \"State\": \"RUNNING\", \"Flags\": \"NONE\"}]\\n' \"$(cat \"$D/name\")\";;\n"
    "terminate-enclave)\n"
    "  if [ -e \"$D/term-fails\" ]; then echo '[ E39 ] Enclave process connection failure.' >&2; exit 39; fi\n"
    "  printf '{\"EnclaveName\": \"%s\", \"EnclaveID\": \"%s\", \"Terminated\": true}\\n' \"$(cat \"$D/name\")\" \"$3\";;\n"
    "*) exit 1;;\n"
    "esac\n";

static char dir[64], cli[96], eif[96];

/* What the connector saw and does. */
struct conn {
	int mode;               /* 0 accept, 1 never, 2 refuse for good */
	int calls;
	uint32_t cid, port;
	int peer;               /* the test's end of the socket pair */
};

struct notes {
	int n, warnings;
	char last[1024], lastwarn[1024];
};

static struct worker *g_w;

static int
setup(void **state)
{
	char p[128];

	snprintf(dir, sizeof(dir), "/tmp/teec-nitro.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(cli, sizeof(cli), "%s/nitro-cli", dir);
	snprintf(eif, sizeof(eif), "%s/image.eif", dir);
	if (hf_write(cli, fake_cli) != 0 || chmod(cli, 0755) != 0)
		return -1;
	/* 3 MiB and a byte: 16 MiB at least, 1040 by default. */
	snprintf(p, sizeof(p), "truncate -s 3145729 %s", eif);
	return system(p) == 0 ? 0 : -1;
}

static int
teardown(void **state)
{
	hf_rmtree(dir);
	return 0;
}

static int
reset(void **state)
{
	char p[128];

	snprintf(p, sizeof(p), "%s/log", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/count", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/term-fails", dir);
	unlink(p);
	return 0;
}

static void
mode(const char *m)
{
	char p[128];

	snprintf(p, sizeof(p), "%s/mode", dir);
	assert_int_equal(hf_write(p, m), 0);
}

static int
fake_connect(void *arg, uint32_t cid, uint32_t port, int timeout_ms, int *fd,
    struct teec_err *err)
{
	struct conn *c = arg;
	int sv[2];

	c->calls++;
	c->cid = cid;
	c->port = port;
	if (c->mode == 1)
		return teec_errf(err, TEEC_FAIL, "vsock %u:%u: Connection "
		    "reset by peer", cid, port);
	if (c->mode == 2)
		return teec_errf(err, TEEC_ERROR, "vsock: Permission denied");
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1)
		return teec_errf(err, TEEC_ERROR, "socketpair");
	*fd = sv[0];
	c->peer = sv[1];
	return TEEC_OK;
}

static void
on_note(void *arg, const char *line)
{
	struct notes *n = arg;

	n->n++;
	snprintf(n->last, sizeof(n->last), "%s", line);
}

static void
on_warn(void *arg, const char *line)
{
	struct notes *n = arg;

	n->warnings++;
	snprintf(n->lastwarn, sizeof(n->lastwarn), "%s", line);
}

static void
opts(struct nitro_opts *o, struct conn *c, struct notes *n)
{
	memset(o, 0, sizeof(*o));
	memset(c, 0, sizeof(*c));
	memset(n, 0, sizeof(*n));
	c->peer = -1;
	o->eif = eif;
	o->cid = 16;
	o->nitro_cli = cli;
	o->connect = fake_connect;
	o->connect_arg = c;
	o->hugepages_dir = "";
	o->backoff_min_ms = 100;
	o->backoff_max_ms = 300;
	o->connect_timeout_s = 5;
	o->note = on_note;
	o->warn = on_warn;
	o->note_arg = n;
}

/* The log's lines, each "NANOSECONDS ARGS...". */
static int
log_lines(char lines[][512], int max, int64_t *ns)
{
	char p[128], text[600];
	FILE *f;
	int n = 0;
	char *sp;

	snprintf(p, sizeof(p), "%s/log", dir);
	if ((f = fopen(p, "r")) == NULL)
		return 0;
	while (n < max && fgets(text, sizeof(text), f) != NULL) {
		text[strcspn(text, "\n")] = '\0';
		sp = strchr(text, ' ');
		assert_non_null(sp);
		if (ns != NULL)
			ns[n] = strtoll(text, NULL, 10);
		snprintf(lines[n++], 512, "%s", sp + 1);
	}
	fclose(f);
	return n;
}

static int
count_calls(const char *verb)
{
	char lines[32][512];
	int n = log_lines(lines, 32, NULL), i, k = 0;

	for (i = 0; i < n; i++)
		if (strncmp(lines[i], verb, strlen(verb)) == 0)
			k++;
	return k;
}

/* The one terminate-enclave call, or "". */
static const char *
terminated(void)
{
	static char lines[32][512];
	int n = log_lines(lines, 32, NULL), i;
	const char *found = "";

	for (i = 0; i < n; i++)
		if (strncmp(lines[i], "terminate-enclave", 17) == 0) {
			assert_string_equal(found, "");
			found = lines[i];
		}
	return found;
}

static int
start(struct nitro_opts *o, struct worker *w, struct teec_err *err)
{
	struct launch_cfg cfg;

	memset(&cfg, 0, sizeof(cfg));
	cfg.nitro = o;
	worker_init(w);
	return launch_nitro.start(&cfg, w, err);
}

static void
test_success_and_stop(void **state)
{
	struct nitro_opts o;
	struct conn c;
	struct notes n;
	struct worker w;
	struct teec_err err;
	char lines[8][512], buf[8];

	mode("ok");
	opts(&o, &c, &n);
	assert_int_equal(start(&o, &w, &err), TEEC_OK);
	assert_true(w.fd >= 0);
	assert_int_equal(w.pid, -1);
	assert_string_equal(w.enclave_id, ID);
	assert_int_equal(c.cid, 16);
	assert_int_equal(c.port, NITRO_VSOCK_PORT);
	assert_int_equal(log_lines(lines, 8, NULL), 1);
	/* Its own name and CID; the default memory from the EIF's size. */
	assert_int_equal(strncmp(lines[0], "run-enclave --enclave-name teec-",
	    32), 0);
	assert_non_null(strstr(lines[0], " --eif-path "));
	assert_non_null(strstr(lines[0], "/image.eif --cpu-count 2 --memory "
	    "1040 --enclave-cid 16"));
	assert_null(strstr(lines[0], "--debug-mode"));
	assert_null(strstr(lines[0], "--all"));
	/* The stream is connected. */
	assert_int_equal(write(c.peer, "hi", 2), 2);
	assert_int_equal(read(w.fd, buf, 2), 2);
	assert_string_equal(terminated(), "");

	launch_nitro.stop(&w, 1);
	assert_int_equal(w.fd, -1);
	assert_string_equal(terminated(), "terminate-enclave --enclave-id " ID);
	assert_string_equal(w.enclave_id, "");
	assert_non_null(strstr(n.last, "terminated enclave " ID));
	assert_int_equal(n.warnings, 0);
	/* Twice is once. */
	launch_nitro.stop(&w, 0);
	assert_int_equal(count_calls("terminate-enclave"), 1);
	close(c.peer);
}

static void
test_options_passed(void **state)
{
	struct nitro_opts o;
	struct conn c;
	struct notes n;
	struct worker w;
	struct teec_err err;
	char lines[8][512];

	mode("ok");
	opts(&o, &c, &n);
	o.cpus = 4;
	o.memory_mib = 4096;
	o.cid = 4294967294u;
	o.debug_mode = 1;
	o.port = 6000;
	assert_int_equal(start(&o, &w, &err), TEEC_OK);
	assert_int_equal(log_lines(lines, 8, NULL), 1);
	assert_non_null(strstr(lines[0], "--cpu-count 4 --memory 4096 "
	    "--enclave-cid 4294967294 --debug-mode"));
	assert_int_equal(c.port, 6000);
	assert_int_equal(c.cid, 4294967294u);
	launch_nitro.stop(&w, 1);
	close(c.peer);
}

static void
test_random_cid(void **state)
{
	struct nitro_opts o;
	struct conn c;
	struct notes n;
	struct worker w;
	struct teec_err err;
	char lines[8][512], *p;
	unsigned long cid;

	mode("ok");
	opts(&o, &c, &n);
	o.cid = 0;
	assert_int_equal(start(&o, &w, &err), TEEC_OK);
	assert_int_equal(log_lines(lines, 8, NULL), 1);
	assert_non_null(p = strstr(lines[0], "--enclave-cid "));
	cid = strtoul(p + 14, NULL, 10);
	assert_true(cid >= NITRO_CID_MIN && cid <= NITRO_CID_MAX);
	assert_int_equal(c.cid, cid);
	launch_nitro.stop(&w, 1);
	close(c.peer);
}

static void
test_busy_then_success(void **state)
{
	struct nitro_opts o;
	struct conn c;
	struct notes n;
	struct worker w;
	struct teec_err err;
	char lines[8][512];
	int64_t ns[8];

	mode("busy 2");
	opts(&o, &c, &n);
	assert_int_equal(start(&o, &w, &err), TEEC_OK);
	assert_int_equal(log_lines(lines, 8, ns), 3);
	assert_int_equal(count_calls("run-enclave"), 3);
	/* The back-off: 100 ms, then 200 ms. */
	assert_true(ns[1] - ns[0] >= 100 * 1000000LL);
	assert_true(ns[2] - ns[1] >= 200 * 1000000LL);
	assert_string_equal(w.enclave_id, ID);
	launch_nitro.stop(&w, 1);
	assert_string_equal(terminated(), "terminate-enclave --enclave-id " ID);
	close(c.peer);
}

static void
test_busy_backoff_capped(void **state)
{
	struct nitro_opts o;
	struct conn c;
	struct notes n;
	struct worker w;
	struct teec_err err;
	char lines[8][512];
	int64_t ns[8];

	mode("busy 100");
	opts(&o, &c, &n);
	o.run_attempts = 4;
	assert_int_equal(start(&o, &w, &err), TEEC_ERROR);
	assert_int_equal(log_lines(lines, 8, ns), 4);
	assert_true(ns[3] - ns[2] >= 300 * 1000000LL);
	assert_true(ns[3] - ns[2] < 1000 * 1000000LL);	/* capped at 300 */
	assert_non_null(strstr(err.msg, "E39"));
	assert_string_equal(terminated(), "");
	assert_int_equal(w.fd, -1);
	assert_string_equal(w.enclave_id, "");
}

static void
expect_permanent(const char *m, const char *want)
{
	struct nitro_opts o;
	struct conn c;
	struct notes n;
	struct worker w;
	struct teec_err err;

	reset(NULL);
	mode(m);
	opts(&o, &c, &n);
	assert_int_equal(start(&o, &w, &err), TEEC_ERROR);
	if (strstr(err.msg, want) == NULL)
		fail_msg("%s: \"%s\" not in \"%s\"", m, want, err.msg);
	/* Not retried; nothing to terminate; never connected. */
	assert_int_equal(count_calls("run-enclave"), 1);
	assert_int_equal(count_calls("terminate-enclave"), 0);
	assert_int_equal(c.calls, 0);
	assert_int_equal(w.fd, -1);
}

static void
test_permanent_errors(void **state)
{
	expect_permanent("e26", "E26");
	expect_permanent("e26", "raise --memory");
	expect_permanent("e27", "allocator.yaml");
	expect_permanent("e22", "cpu_count");
	expect_permanent("e19", "image.eif");
	expect_permanent("e36", "did not boot");
	expect_permanent("e29", "not backed by contiguous");
}

static void
test_malformed_json(void **state)
{
	struct nitro_opts o;
	struct conn c;
	struct notes n;
	struct worker w;
	struct teec_err err;

	mode("malformed");
	opts(&o, &c, &n);
	assert_int_equal(start(&o, &w, &err), TEEC_ERROR);
	assert_non_null(strstr(err.msg, "cannot read what nitro-cli "
	    "run-enclave printed"));
	/* Found by the name teec gave it, and terminated. */
	assert_int_equal(count_calls("describe-enclaves"), 1);
	assert_string_equal(terminated(), "terminate-enclave --enclave-id "
	    ID2);
	assert_int_equal(c.calls, 0);
	assert_int_equal(w.fd, -1);
}

static void
test_wrong_cid(void **state)
{
	struct nitro_opts o;
	struct conn c;
	struct notes n;
	struct worker w;
	struct teec_err err;

	mode("wrongcid");
	opts(&o, &c, &n);
	assert_int_equal(start(&o, &w, &err), TEEC_ERROR);
	assert_non_null(strstr(err.msg, "CID 77"));
	assert_string_equal(terminated(), "terminate-enclave --enclave-id " ID);
	assert_int_equal(c.calls, 0);
}

static void
test_run_enclave_hangs(void **state)
{
	struct nitro_opts o;
	struct conn c;
	struct notes n;
	struct worker w;
	struct teec_err err;

	mode("hang");
	opts(&o, &c, &n);
	o.run_timeout_ms = 300;
	assert_int_equal(start(&o, &w, &err), TEEC_ERROR);
	assert_non_null(strstr(err.msg, "did not finish"));
	assert_string_equal(terminated(), "terminate-enclave --enclave-id "
	    ID2);
}

static void
test_never_accepts(void **state)
{
	struct nitro_opts o;
	struct conn c;
	struct notes n;
	struct worker w;
	struct teec_err err;
	struct timespec a, b;
	int64_t ms;

	mode("ok");
	opts(&o, &c, &n);
	c.mode = 1;
	o.connect_timeout_s = 1;
	clock_gettime(CLOCK_MONOTONIC, &a);
	assert_int_equal(start(&o, &w, &err), TEEC_ERROR);
	clock_gettime(CLOCK_MONOTONIC, &b);
	ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
	assert_true(ms >= 1000 && ms < 4000);
	assert_true(c.calls >= 2);		/* retried */
	assert_non_null(strstr(err.msg, "did not accept a connection on "
	    "vsock port 5005 within 1 s"));
	assert_non_null(strstr(err.msg, "Connection reset"));
	assert_string_equal(terminated(), "terminate-enclave --enclave-id " ID);
	assert_int_equal(w.fd, -1);
	assert_string_equal(w.enclave_id, "");
	/* stop() after a failed start does nothing more. */
	launch_nitro.stop(&w, 0);
	assert_int_equal(count_calls("terminate-enclave"), 1);
}

static void
test_connect_refused_for_good(void **state)
{
	struct nitro_opts o;
	struct conn c;
	struct notes n;
	struct worker w;
	struct teec_err err;

	mode("ok");
	opts(&o, &c, &n);
	c.mode = 2;
	assert_int_equal(start(&o, &w, &err), TEEC_ERROR);
	assert_int_equal(c.calls, 1);
	assert_non_null(strstr(err.msg, "Permission denied"));
	assert_string_equal(terminated(), "terminate-enclave --enclave-id " ID);
}

static void
on_sigint(int sig)
{
	launch_cancel(g_w);	/* what teec-host's handler does */
}

static void
test_sigint_while_connecting(void **state)
{
	struct sigaction sa, old;
	struct nitro_opts o;
	struct conn c;
	struct notes n;
	struct worker w;
	struct teec_err err;
	struct timespec a, b;
	pid_t pid, parent = getpid();
	int64_t ms;
	int st;

	mode("ok");
	opts(&o, &c, &n);
	c.mode = 1;
	o.connect_timeout_s = 30;
	g_w = &w;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigint;
	sigaction(SIGINT, &sa, &old);
	if ((pid = fork()) == 0) {
		usleep(700000);
		kill(parent, SIGINT);
		_exit(0);
	}
	clock_gettime(CLOCK_MONOTONIC, &a);
	assert_int_equal(start(&o, &w, &err), TEEC_ERROR);
	clock_gettime(CLOCK_MONOTONIC, &b);
	waitpid(pid, &st, 0);
	sigaction(SIGINT, &old, NULL);
	ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
	assert_true(ms < 5000);
	assert_non_null(strstr(err.msg, "interrupted"));
	assert_string_equal(terminated(), "terminate-enclave --enclave-id " ID);
}

/* A Ctrl-C during run-enclave lets it finish, then terminates it. */
static void
test_sigint_during_run_enclave(void **state)
{
	struct sigaction sa, old;
	struct nitro_opts o;
	struct conn c;
	struct notes n;
	struct worker w;
	struct teec_err err;
	char p[128], slow[256];
	pid_t pid, parent = getpid();
	int st;

	/* A nitro-cli that takes a second to start the enclave. */
	snprintf(p, sizeof(p), "%s/slow-cli", dir);
	snprintf(slow, sizeof(slow), "#!/bin/sh\n[ \"$1\" = run-enclave ] && "
	    "sleep 1\nexec %s \"$@\"\n", cli);
	assert_int_equal(hf_write(p, slow), 0);
	assert_int_equal(chmod(p, 0755), 0);
	mode("ok");
	opts(&o, &c, &n);
	o.nitro_cli = p;
	g_w = &w;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigint;
	sigaction(SIGINT, &sa, &old);
	if ((pid = fork()) == 0) {
		usleep(300000);
		kill(parent, SIGINT);
		_exit(0);
	}
	assert_int_equal(start(&o, &w, &err), TEEC_ERROR);
	waitpid(pid, &st, 0);
	sigaction(SIGINT, &old, NULL);
	assert_non_null(strstr(err.msg, "interrupted"));
	assert_int_equal(count_calls("run-enclave"), 1);
	assert_int_equal(c.calls, 0);
	assert_string_equal(terminated(), "terminate-enclave --enclave-id " ID);
}

/* Cancelled in the back-off between two busy attempts. */
static void
test_sigint_during_backoff(void **state)
{
	struct nitro_opts o;
	struct conn c;
	struct notes n;
	struct worker w;
	struct teec_err err;
	struct sigaction sa, old;
	pid_t pid, parent = getpid();
	int st;

	mode("busy 100");
	opts(&o, &c, &n);
	o.backoff_min_ms = o.backoff_max_ms = 5000;
	g_w = &w;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigint;
	sigaction(SIGINT, &sa, &old);
	if ((pid = fork()) == 0) {
		usleep(500000);
		kill(parent, SIGINT);
		_exit(0);
	}
	assert_int_equal(start(&o, &w, &err), TEEC_ERROR);
	waitpid(pid, &st, 0);
	sigaction(SIGINT, &old, NULL);
	assert_non_null(strstr(err.msg, "interrupted"));
	assert_int_equal(count_calls("run-enclave"), 1);
	assert_string_equal(terminated(), "");
}

static void
test_terminate_fails_loudly(void **state)
{
	struct nitro_opts o;
	struct conn c;
	struct notes n;
	struct worker w;
	struct teec_err err;
	char p[128];

	mode("ok");
	opts(&o, &c, &n);
	assert_int_equal(start(&o, &w, &err), TEEC_OK);
	snprintf(p, sizeof(p), "%s/term-fails", dir);
	assert_int_equal(hf_write(p, ""), 0);
	launch_nitro.stop(&w, 1);
	assert_int_equal(count_calls("terminate-enclave"),
	    NITRO_TERMINATE_ATTEMPTS);
	assert_int_equal(n.warnings, 1);
	assert_non_null(strstr(n.lastwarn, "could not terminate enclave " ID));
	assert_non_null(strstr(n.lastwarn, "nitro-cli terminate-enclave "
	    "--enclave-id " ID));
	close(c.peer);
}

static void
test_no_nitro_cli(void **state)
{
	struct nitro_opts o;
	struct conn c;
	struct notes n;
	struct worker w;
	struct teec_err err;
	char p[128];

	opts(&o, &c, &n);
	snprintf(p, sizeof(p), "%s/none/nitro-cli", dir);
	o.nitro_cli = p;
	assert_int_equal(start(&o, &w, &err), TEEC_ERROR);
	assert_non_null(strstr(err.msg, "cannot run"));
	assert_int_equal(n.warnings, 0);	/* no enclave to look for */
}

static void
test_image_and_memory_checked(void **state)
{
	struct nitro_opts o;
	struct conn c;
	struct notes n;
	struct worker w;
	struct teec_err err;
	char p[128];

	mode("ok");
	opts(&o, &c, &n);
	snprintf(p, sizeof(p), "%s/missing.eif", dir);
	o.eif = p;
	assert_int_equal(start(&o, &w, &err), TEEC_ERROR);
	assert_non_null(strstr(err.msg, "No such file"));
	o.eif = dir;
	assert_int_equal(start(&o, &w, &err), TEEC_ERROR);
	assert_non_null(strstr(err.msg, "not a regular file"));
	o.eif = eif;
	o.memory_mib = 15;	/* the image is 3 MiB and a byte: 16 */
	assert_int_equal(start(&o, &w, &err), TEEC_ERROR);
	assert_non_null(strstr(err.msg, "at least 16 MiB"));
	assert_int_equal(count_calls("run-enclave"), 0);
}

static void
test_allocator_too_small(void **state)
{
	struct nitro_opts o;
	struct conn c;
	struct notes n;
	struct worker w;
	struct teec_err err;
	char p[320];

	mode("ok");
	opts(&o, &c, &n);
	snprintf(p, sizeof(p), "mkdir -p %s/pool/hugepages-2048kB && echo 500 "
	    ">%s/pool/hugepages-2048kB/free_hugepages", dir, dir);
	assert_int_equal(system(p), 0);
	snprintf(p, sizeof(p), "%s/pool", dir);
	o.hugepages_dir = p;
	o.device = "/dev/null";         /* "there is a Nitro device" */
	assert_int_equal(start(&o, &w, &err), TEEC_ERROR);
	assert_non_null(strstr(err.msg, "has 1000 MiB free and this build "
	    "needs 1040 MiB"));
	assert_non_null(strstr(err.msg, "allocator.yaml"));
	assert_int_equal(count_calls("run-enclave"), 0);
	/* Enough with less memory. */
	o.memory_mib = 1000;
	assert_int_equal(start(&o, &w, &err), TEEC_OK);
	launch_nitro.stop(&w, 1);
	close(c.peer);
	/* Without the device, the pool is not looked at. */
	o.memory_mib = 0;
	o.device = "/nonexistent/nitro_enclaves";
	assert_int_equal(start(&o, &w, &err), TEEC_OK);
	launch_nitro.stop(&w, 1);
	close(c.peer);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_success_and_stop, reset),
		cmocka_unit_test_setup(test_options_passed, reset),
		cmocka_unit_test_setup(test_random_cid, reset),
		cmocka_unit_test_setup(test_busy_then_success, reset),
		cmocka_unit_test_setup(test_busy_backoff_capped, reset),
		cmocka_unit_test_setup(test_permanent_errors, reset),
		cmocka_unit_test_setup(test_malformed_json, reset),
		cmocka_unit_test_setup(test_wrong_cid, reset),
		cmocka_unit_test_setup(test_run_enclave_hangs, reset),
		cmocka_unit_test_setup(test_never_accepts, reset),
		cmocka_unit_test_setup(test_connect_refused_for_good, reset),
		cmocka_unit_test_setup(test_sigint_while_connecting, reset),
		cmocka_unit_test_setup(test_sigint_during_run_enclave, reset),
		cmocka_unit_test_setup(test_sigint_during_backoff, reset),
		cmocka_unit_test_setup(test_terminate_fails_loudly, reset),
		cmocka_unit_test_setup(test_no_nitro_cli, reset),
		cmocka_unit_test_setup(test_image_and_memory_checked, reset),
		cmocka_unit_test_setup(test_allocator_too_small, reset),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, setup, teardown);
}

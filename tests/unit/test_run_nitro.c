/* SPDX-License-Identifier: ISC */
/*
 * "teec-host build --eif" (host/run.c with host/launch_nitro.c): a fake
 * nitro-cli starts the "enclave", and the connector seam hands over a
 * fake worker on a socket pair instead of vsock. The bundle is checked as
 * teec-verify does without --dev: a bundle signed by the local
 * development root is refused, one whose root is in the trust store is
 * accepted (as a debug-mode enclave, with --debug-mode). Whatever
 * happens, the enclave is terminated by its ID and nothing is left at OUT.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <signal.h>

#include "tests/unit/testutil.h"
#include "tests/unit/hostfake.h"

#include "enclave/devca.h"
#include "host/run.h"

#define ID "i-0123456789abcdef0-enc0123456789abcdef"

static const char fake_cli[] =
    "#!/bin/sh\n"
    "D=$(dirname \"$0\")\n"
    "echo \"$*\" >>\"$D/log\"\n"
    "case \"$1\" in\n"
    "run-enclave)\n"
    "  if [ -e \"$D/e27\" ]; then echo '[ E27 ] Insufficient memory available.' >&2; exit 27; fi\n"
    "  while [ $# -gt 0 ]; do [ \"$1\" = --enclave-cid ] && cid=$2; shift; done\n"
    "  printf '{\"EnclaveID\": \"" ID "\", \"EnclaveCID\": %s}\\n' \"$cid\";;\n"
    "terminate-enclave)\n"
    "  printf '{\"EnclaveID\": \"%s\", \"Terminated\": true}\\n' \"$3\";;\n"
    "*) exit 1;;\n"
    "esac\n";

static char dir[64], tree[96], outdir[96], ca[96], art[96], out[160];
static char cli[96], eif[96], store[96];
static int g_script;
static pid_t g_worker = -1;
static struct run_state *g_st;
static const char *g_upstream_ca;

static int
fake_connect(void *arg, uint32_t cid, uint32_t port, int timeout_ms, int *fd,
    struct teec_err *err)
{
	if ((g_worker = hf_spawn(g_script, ca, art, fd)) == -1)
		return teec_errf(err, TEEC_ERROR, "fork failed");
	return TEEC_OK;
}

static int
setup(void **state)
{
	struct devca *c = NULL;
	struct teec_err err;
	char p[512];

	snprintf(dir, sizeof(dir), "/tmp/teec-runnitro.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(tree, sizeof(tree), "%s/hello", dir);
	snprintf(outdir, sizeof(outdir), "%s/out", dir);
	snprintf(ca, sizeof(ca), "%s/ca", dir);
	snprintf(art, sizeof(art), "%s/artifact", dir);
	snprintf(out, sizeof(out), "%s/hello.teec", outdir);
	snprintf(cli, sizeof(cli), "%s/nitro-cli", dir);
	snprintf(eif, sizeof(eif), "%s/image.eif", dir);
	snprintf(store, sizeof(store), "%s/store", dir);
	if (mkdir(tree, 0755) == -1 || mkdir(outdir, 0755) == -1 ||
	    hf_write(art, "binary\n") != 0 || hf_write(cli, fake_cli) != 0 ||
	    chmod(cli, 0755) != 0 || hf_write(eif, "EIF") != 0)
		return -1;
	/* A trust store whose root is the development CA's. */
	if (devca_open(ca, &c, &err) != TEEC_OK)
		return -1;
	devca_free(c);
	snprintf(p, sizeof(p), "mkdir -p %s/roots && cp %s/root.pem "
	    "%s/roots/dev.pem && echo '{\"images\":[]}' >%s/images.json",
	    store, ca, store, store);
	if (system(p) != 0)
		return -1;
	snprintf(p, sizeof(p), "%s/build.json", tree);
	if (hf_write(p, HF_BUILD_JSON) != 0)
		return -1;
	snprintf(p, sizeof(p), "%s/hello.c", tree);
	return hf_write(p, "int main(void) { return 0; }\n");
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
	snprintf(p, sizeof(p), "%s/e27", dir);
	unlink(p);
	return 0;
}

static int
count_entries(const char *d)
{
	DIR *dp = opendir(d);
	struct dirent *e;
	int n = 0;

	assert_non_null(dp);
	while ((e = readdir(dp)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(dp);
	return n;
}

/* The log of the fake nitro-cli, one call a line. */
static void
cli_log(char *text, size_t n)
{
	char p[128];
	FILE *f;
	size_t k;

	text[0] = '\0';
	snprintf(p, sizeof(p), "%s/log", dir);
	if ((f = fopen(p, "r")) == NULL)
		return;
	k = fread(text, 1, n - 1, f);
	text[k] = '\0';
	fclose(f);
}

struct result {
	int rc;
	struct run_result res;
	struct teec_err err;
	char log[2048];
};

static void
run(int script, int debug_mode, struct result *r)
{
	static struct run_state st;
	struct nitro_opts no;
	struct run_opts o;
	int wst;

	memset(r, 0, sizeof(*r));
	memset(&no, 0, sizeof(no));
	no.eif = eif;
	no.nitro_cli = cli;
	no.connect = fake_connect;
	no.hugepages_dir = "";
	no.debug_mode = debug_mode;
	memset(&o, 0, sizeof(o));
	o.dir = tree;
	o.out = out;
	o.devca_dir = ca;
	o.trust_store = store;
	o.nitro = &no;
	o.upstream_ca = g_upstream_ca;
	g_script = script;
	g_worker = -1;
	run_state_init(&st);
	g_st = &st;
	r->rc = run_build(&o, &st, &r->res, &r->err);
	assert_int_equal(st.w.fd, -1);
	assert_string_equal(st.w.enclave_id, "");
	if (g_worker > 0) {
		kill(g_worker, SIGKILL);
		waitpid(g_worker, &wst, 0);
	}
	cli_log(r->log, sizeof(r->log));
}

static void
nothing_at_out(void)
{
	assert_int_equal(access(out, F_OK), -1);
	assert_int_equal(count_entries(outdir), 0);
}

static void
test_debug_enclave_bundle_verified(void **state)
{
	struct result r;

	run(HF_GOOD_REAL, 1, &r);
	if (r.rc != TEEC_OK)
		fail_msg("run_build: %s", r.err.msg);
	assert_int_equal(access(out, R_OK), 0);
	assert_true(r.res.bundle.att.debug);
	assert_non_null(strstr(r.log, "run-enclave --enclave-name teec-"));
	assert_non_null(strstr(r.log, "--debug-mode"));
	assert_non_null(strstr(r.log, "terminate-enclave --enclave-id " ID));
	run_result_free(&r.res);
	unlink(out);
}

/* Without --debug-mode, zero PCRs are refused: no --allow-debug. */
static void
test_zero_pcrs_refused_without_debug_mode(void **state)
{
	struct result r;

	run(HF_GOOD_REAL, 0, &r);
	assert_int_equal(r.rc, TEEC_FAIL);
	assert_non_null(strstr(r.err.msg, "does not verify"));
	assert_non_null(strstr(r.err.msg, "debug"));
	assert_non_null(strstr(r.log, "terminate-enclave --enclave-id " ID));
	nothing_at_out();
}

/* The development root is never trusted in Nitro mode (no --dev). */
static void
test_dev_root_not_trusted(void **state)
{
	struct result r;
	char p[512];

	snprintf(p, sizeof(p), "mv %s/roots/dev.pem %s/dev.pem.off && cp "
	    "trust-store/roots/aws-nitro-enclaves-root-g1.pem %s/roots/",
	    store, store, store);
	assert_int_equal(system(p), 0);
	run(HF_GOOD_REAL, 1, &r);
	snprintf(p, sizeof(p), "rm %s/roots/aws-nitro-enclaves-root-g1.pem && "
	    "mv %s/dev.pem.off %s/roots/dev.pem", store, store, store);
	assert_int_equal(system(p), 0);
	assert_int_equal(r.rc, TEEC_FAIL);
	assert_non_null(strstr(r.err.msg, "does not verify"));
	assert_non_null(strstr(r.log, "terminate-enclave --enclave-id " ID));
	nothing_at_out();
}

static void
test_build_fails(void **state)
{
	struct result r;

	run(HF_BUILD_FAILS, 1, &r);
	assert_int_equal(r.rc, TEEC_FAIL);
	assert_non_null(strstr(r.err.msg, "build failed"));
	assert_non_null(strstr(r.log, "terminate-enclave --enclave-id " ID));
	nothing_at_out();
}

static void
test_worker_vanishes(void **state)
{
	struct result r;

	run(HF_CLOSE_MIDBUILD, 1, &r);
	assert_int_equal(r.rc, TEEC_FAIL);
	assert_non_null(strstr(r.err.msg, "stopped before the bundle arrived"));
	assert_null(strstr(r.err.msg, "exited with status"));
	assert_non_null(strstr(r.log, "terminate-enclave --enclave-id " ID));
	nothing_at_out();
}

static void
test_enclave_cannot_start(void **state)
{
	struct result r;
	char p[128];

	snprintf(p, sizeof(p), "%s/e27", dir);
	assert_int_equal(hf_write(p, ""), 0);
	run(HF_GOOD_REAL, 1, &r);
	assert_int_equal(r.rc, TEEC_ERROR);
	assert_non_null(strstr(r.err.msg, "allocator.yaml"));
	assert_null(strstr(r.log, "terminate-enclave"));
	nothing_at_out();
}

static void
on_signal(int sig)
{
	run_interrupt(g_st, sig);
}

static void
test_interrupted_mid_build(void **state)
{
	struct sigaction sa, old;
	struct result r;
	pid_t pid, parent = getpid();
	int st;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, &old);
	if ((pid = fork()) == 0) {
		usleep(800000);
		kill(parent, SIGINT);
		_exit(0);
	}
	run(HF_HANG, 1, &r);
	waitpid(pid, &st, 0);
	sigaction(SIGINT, &old, NULL);
	assert_int_equal(r.rc, TEEC_FAIL);
	assert_true(r.res.interrupted);
	assert_non_null(strstr(r.err.msg, "interrupted by signal 2"));
	assert_non_null(strstr(r.log, "terminate-enclave --enclave-id " ID));
	nothing_at_out();
}

/*
 * --upstream-ca needs --debug-mode: refused before any enclave starts, as
 * the enclave itself would refuse it.
 */
static void
test_upstream_ca_needs_debug_mode(void **state)
{
	struct result r;

	g_upstream_ca = ca;
	run(HF_GOOD_REAL, 0, &r);
	g_upstream_ca = NULL;
	assert_int_equal(r.rc, TEEC_ERROR);
	assert_non_null(strstr(r.err.msg, "--upstream-ca: a Nitro Enclave does "
	    "not take this host's word on whom to trust"));
	assert_string_equal(r.log, "");
	assert_int_equal(g_worker, -1);
	nothing_at_out();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_debug_enclave_bundle_verified, reset),
		cmocka_unit_test_setup(test_zero_pcrs_refused_without_debug_mode,
		    reset),
		cmocka_unit_test_setup(test_dev_root_not_trusted, reset),
		cmocka_unit_test_setup(test_build_fails, reset),
		cmocka_unit_test_setup(test_worker_vanishes, reset),
		cmocka_unit_test_setup(test_enclave_cannot_start, reset),
		cmocka_unit_test_setup(test_interrupted_mid_build, reset),
		cmocka_unit_test_setup(test_upstream_ca_needs_debug_mode, reset),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, setup, teardown);
}

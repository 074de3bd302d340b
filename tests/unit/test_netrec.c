/* SPDX-License-Identifier: ISC */
/*
 * A build's recorded network (enclave/netrec.h) without a sandbox: the
 * variables and CA files the build gets, the log notes, network.jsonl and
 * its digest, and a build that makes more requests than can be recorded.
 * Also sandbox_env_set(), which it uses.
 */
#include "tests/unit/testutil.h"
#include "tests/net/origin.h"

#include "common/buf.h"
#include "common/digest.h"
#include "common/fileio.h"
#include "common/policy.h"
#include "enclave/netrec.h"
#include "enclave/sandbox.h"
#include "enclave/workdir.h"

static struct origin plain;
static char base[64], sysca[128];

static int
setup(void **state)
{
	struct teec_err err;

	signal(SIGPIPE, SIG_IGN);
	snprintf(base, sizeof(base), "/tmp/teec-netrec.XXXXXX");
	if (mkdtemp(base) == NULL || origin_start(&plain, ORIGIN_PLAIN, 0) == -1)
		return -1;
	snprintf(sysca, sizeof(sysca), "%s/system.pem", base);
	return write_file_atomic(sysca, "SYSTEM BUNDLE", 13, 0644, &err) ==
	    TEEC_OK ? 0 : -1;
}

static int
teardown(void **state)
{
	char cmd[128];

	origin_stop(&plain);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", base);
	return system(cmd) == 0 ? 0 : -1;
}

struct fx {
	struct workdir wd;
	struct sandbox_env env;
	struct net_policy pol;
	struct netrec net;
	struct netrec_opts o;
	struct proxy_limits lim;
};

static void
fx_start(struct fx *f, size_t max_records, int rc_want)
{
	struct teec_err err;
	const char *why;
	char e[64];
	size_t dup;

	memset(f, 0, sizeof(*f));
	assert_int_equal(workdir_create(base, &f->wd, &err), TEEC_OK);
	assert_int_equal(sandbox_env_build(SANDBOX_NONE, &f->wd, 0, NULL, 0,
	    &f->env, &err), TEEC_OK);
	snprintf(e, sizeof(e), "127.0.0.1:%u", plain.port);
	assert_int_equal(policy_add(&f->pol, e, &dup, &why), TEEC_OK);
	f->lim.max_records = max_records;
	f->o.policy = &f->pol;
	f->o.mode = SANDBOX_NONE;
	f->o.wd = &f->wd;
	f->o.system_ca = sysca;
	f->o.timeout = 60;
	f->o.lim = &f->lim;
	assert_int_equal(netrec_start(&f->net, &f->o, &f->env, &err), rc_want);
}

static void
fx_free(struct fx *f)
{
	struct teec_err err;

	netrec_free(&f->net);
	sandbox_env_free(&f->env);
	policy_free(&f->pol);
	if (f->wd.root != NULL)
		assert_int_equal(workdir_destroy(&f->wd, &err), TEEC_OK);
}

/* GET path through the proxy, as the build would. */
static void
get(struct fx *f, const char *host_port_path)
{
	struct sockaddr_in in;
	char req[256], b[4096];
	int fd;

	memset(&in, 0, sizeof(in));
	in.sin_family = AF_INET;
	in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	in.sin_port = htons(proxy_port(f->net.px));
	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&in, sizeof(in)), 0);
	snprintf(req, sizeof(req), "GET http://%s HTTP/1.1\r\nConnection: "
	    "close\r\n\r\n", host_port_path);
	assert_true(send(fd, req, strlen(req), MSG_NOSIGNAL) > 0);
	while (recv(fd, b, sizeof(b), 0) > 0)
		;
	close(fd);
}

static void
test_environment_and_files(void **state)
{
	struct teec_err err;
	struct fx f;
	struct buf b;
	char want[PATH_MAX], path[PATH_MAX];
	size_t i;

	fx_start(&f, 0, TEEC_OK);
	snprintf(want, sizeof(want), "http://127.0.0.1:%u",
	    proxy_port(f.net.px));
	assert_string_equal(sandbox_env_get(&f.env, "http_proxy"), want);
	assert_string_equal(sandbox_env_get(&f.env, "HTTPS_PROXY"), want);
	snprintf(want, sizeof(want), "%s/" NETREC_BUNDLE_NAME, f.wd.root);
	assert_string_equal(sandbox_env_get(&f.env, "SSL_CERT_FILE"), want);
	assert_string_equal(sandbox_env_get(&f.env, "CARGO_HTTP_CAINFO"), want);
	snprintf(want, sizeof(want), "%s/" NETREC_CA_NAME, f.wd.root);
	assert_string_equal(sandbox_env_get(&f.env, "NODE_EXTRA_CA_CERTS"),
	    want);
	assert_null(sandbox_env_get(&f.env, "no_proxy"));
	/* Sorted, and envp in step. */
	for (i = 1; i < f.env.n; i++)
		assert_true(strcmp(f.env.names[i - 1], f.env.names[i]) < 0);
	for (i = 0; i < f.env.n; i++) {
		snprintf(want, sizeof(want), "%s=%s", f.env.names[i],
		    f.env.values[i]);
		assert_string_equal(f.env.envp[i], want);
	}
	assert_null(f.env.envp[f.env.n]);
	/* The bundle: the image's, then the per-build CA. */
	snprintf(path, sizeof(path), "%s/" NETREC_BUNDLE_NAME, f.wd.root);
	assert_int_equal(read_file_capped(path, 1 << 20, &b, &err), TEEC_OK);
	assert_memory_equal(b.data, "SYSTEM BUNDLE\n-----BEGIN CERTIFICATE-----",
	    41);
	buf_free(&b);
	snprintf(path, sizeof(path), "%s/" NETREC_CA_NAME, f.wd.root);
	assert_int_equal(read_file_capped(path, 1 << 20, &b, &err), TEEC_OK);
	assert_memory_equal(b.data, "-----BEGIN CERTIFICATE-----", 27);
	buf_free(&b);
	fx_free(&f);
}

static void
test_notes_and_transcript(void **state)
{
	struct teec_err err;
	struct fx f;
	struct buf notes, tx;
	char hp[64], path[PATH_MAX];
	uint8_t sha[32];

	fx_start(&f, 0, TEEC_OK);
	snprintf(hp, sizeof(hp), "127.0.0.1:%u/hello", plain.port);
	get(&f, hp);
	get(&f, "127.0.0.1:1/nope");
	buf_init(&notes, 1 << 16);
	netrec_stop(&f.net, &notes);
	netrec_stop(&f.net, &notes);    /* twice is once */
	assert_non_null(strstr((char *)notes.data, "teec-enclave: network: "
	    "refused GET http://127.0.0.1:1/nope: not allowed by the network "
	    "policy (127.0.0.1:1)\n"));
	assert_non_null(strstr((char *)notes.data, "teec-enclave: network: 2 "
	    "exchanges recorded, 1 refused or cut off\n"));
	assert_null(strstr(strstr((char *)notes.data, "cut off\n") + 8,
	    "recorded"));
	assert_int_equal(f.net.refused, 1);
	buf_free(&notes);
	assert_int_equal(netrec_finish(&f.net, &f.wd, &err), TEEC_OK);
	assert_int_equal(f.net.ndeps, 2);
	assert_false(f.net.deps[0].refused);
	assert_true(f.net.deps[1].refused);
	snprintf(path, sizeof(path), "%s/" NETREC_TRANSCRIPT_NAME, f.wd.root);
	assert_string_equal(f.net.transcript, path);
	assert_int_equal(read_file_capped(path, 1 << 20, &tx, &err), TEEC_OK);
	sha256(tx.data, tx.len, sha);
	assert_memory_equal(sha, f.net.transcript_sha256, 32);
	assert_non_null(strstr((char *)tx.data, "{\"seq\":1,"));
	buf_free(&tx);
	fx_free(&f);
}

static void
test_empty_transcript(void **state)
{
	struct teec_err err;
	struct fx f;
	uint8_t empty[32];

	fx_start(&f, 0, TEEC_OK);
	netrec_stop(&f.net, NULL);
	assert_int_equal(netrec_finish(&f.net, &f.wd, &err), TEEC_OK);
	assert_int_equal(f.net.ndeps, 0);
	sha256("", 0, empty);
	assert_memory_equal(f.net.transcript_sha256, empty, 32);
	fx_free(&f);
}

static void
test_overflow_refuses_the_build(void **state)
{
	struct teec_err err;
	struct fx f;
	struct buf notes;
	char hp[64];

	fx_start(&f, 1, TEEC_OK);
	snprintf(hp, sizeof(hp), "127.0.0.1:%u/hello", plain.port);
	get(&f, hp);
	get(&f, hp);
	buf_init(&notes, 1 << 16);
	netrec_stop(&f.net, &notes);
	assert_non_null(strstr((char *)notes.data, "1 more could not be "
	    "recorded"));
	buf_free(&notes);
	assert_int_equal(netrec_finish(&f.net, &f.wd, &err), TEEC_FAIL);
	assert_non_null(strstr(err.msg, "more network requests than a report "
	    "can record"));
	fx_free(&f);
}

static void
test_bad_netshim(void **state)
{
	struct teec_err err;
	struct fx f;

	memset(&f, 0, sizeof(f));
	assert_int_equal(workdir_create(base, &f.wd, &err), TEEC_OK);
	assert_int_equal(sandbox_env_build(SANDBOX_NAMESPACES, &f.wd, 0, NULL,
	    0, &f.env, &err), TEEC_OK);
	f.o.policy = &f.pol;
	f.o.mode = SANDBOX_NAMESPACES;
	f.o.wd = &f.wd;
	f.o.netshim = "teec-enclave";
	assert_int_equal(netrec_start(&f.net, &f.o, &f.env, &err), TEEC_ERROR);
	assert_non_null(strstr(err.msg, "not an executable file"));
	f.o.netshim = sysca;
	assert_int_equal(netrec_start(&f.net, &f.o, &f.env, &err), TEEC_ERROR);
	assert_null(f.net.px);
	assert_null(sandbox_env_get(&f.env, "http_proxy"));
	fx_free(&f);
}

static void
test_bad_upstream_ca(void **state)
{
	struct teec_err err;
	struct fx f;

	memset(&f, 0, sizeof(f));
	assert_int_equal(workdir_create(base, &f.wd, &err), TEEC_OK);
	assert_int_equal(sandbox_env_build(SANDBOX_NONE, &f.wd, 0, NULL, 0,
	    &f.env, &err), TEEC_OK);
	f.o.policy = &f.pol;
	f.o.mode = SANDBOX_NONE;
	f.o.wd = &f.wd;
	f.o.upstream_ca = (const uint8_t *)"-----BEGIN CERTIFICATE-----\n";
	f.o.upstream_ca_len = 28;
	assert_int_equal(netrec_start(&f.net, &f.o, &f.env, &err), TEEC_FAIL);
	assert_non_null(strstr(err.msg, "upstream CA bundle"));
	fx_free(&f);
}

static void
test_env_set_order_and_replace(void **state)
{
	struct sandbox_env e;
	struct teec_err err;
	struct workdir wd;

	assert_int_equal(workdir_create(base, &wd, &err), TEEC_OK);
	assert_int_equal(sandbox_env_build(SANDBOX_NONE, &wd, 7, NULL, 0, &e,
	    &err), TEEC_OK);
	assert_int_equal(sandbox_env_set(&e, "AAA", "1", &err), TEEC_OK);
	assert_string_equal(e.names[0], "AAA");
	assert_string_equal(e.envp[0], "AAA=1");
	assert_int_equal(sandbox_env_set(&e, "zzz", "2", &err), TEEC_OK);
	assert_string_equal(e.names[e.n - 1], "zzz");
	assert_int_equal(sandbox_env_set(&e, "AAA", "3", &err), TEEC_OK);
	assert_string_equal(sandbox_env_get(&e, "AAA"), "3");
	assert_string_equal(e.envp[0], "AAA=3");
	assert_string_equal(sandbox_env_get(&e, "SOURCE_DATE_EPOCH"), "7");
	assert_null(e.envp[e.n]);
	sandbox_env_free(&e);
	assert_int_equal(workdir_destroy(&wd, &err), TEEC_OK);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_environment_and_files),
		cmocka_unit_test(test_notes_and_transcript),
		cmocka_unit_test(test_empty_transcript),
		cmocka_unit_test(test_overflow_refuses_the_build),
		cmocka_unit_test(test_bad_netshim),
		cmocka_unit_test(test_bad_upstream_ca),
		cmocka_unit_test(test_env_set_order_and_replace),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}

/* SPDX-License-Identifier: ISC */
/*
 * The network transcript (report/netlog.h): its lines, the report's
 * network.jsonl byproduct and upstream CA digest, and bundles that carry
 * network.jsonl, verified against the development root as teec-host does.
 */
#include "tests/unit/testutil.h"

#include <sys/stat.h>

#include <fcntl.h>
#include <ftw.h>
#include <time.h>

#include "common/caps.h"
#include "common/digest.h"
#include "common/fileio.h"
#include "enclave/devca.h"
#include "enclave/nsm.h"
#include "report/netlog.h"
#include "report/report.h"
#include "verify/bundle.h"
#include "verify/chain.h"
#include "verify/images.h"

#define BUILD_JSON "{\"language\":\"c\",\"input\":{\"cmd\":\"make\"}," \
	"\"output\":{\"files\":[\"hello\"]},\"network\":{\"allow\":" \
	"[\"a.example\"]}}"

static char dir[64];

static int
rm_cb(const char *path, const struct stat *sb, int flag, struct FTW *f)
{
	return remove(path);
}

static int
setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/teec-netlog.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	return nftw(dir, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
}

static struct report_dep
fetch(const char *uri, uint8_t fill)
{
	struct report_dep d;

	memset(&d, 0, sizeof(d));
	d.uri = (char *)uri;
	d.method = "GET";
	memset(d.sha256, fill, 32);
	d.has_sha256 = 1;
	d.status = 200;
	d.size = 5;
	return d;
}

static struct report_dep
refusal(const char *uri, const char *reason)
{
	struct report_dep d;

	memset(&d, 0, sizeof(d));
	d.uri = (char *)uri;
	d.method = "CONNECT";
	d.refused = 1;
	d.reason = (char *)reason;
	d.status = d.size = -1;
	return d;
}

/* One line for d, without its newline, in out. */
static void
line(const struct report_dep *d, size_t seq, uint64_t req, struct buf *out)
{
	struct netlog_entry e;
	struct teec_err err;
	uint8_t rs[32];

	memset(rs, 0x33, sizeof(rs));
	memset(&e, 0, sizeof(e));
	e.dep = d;
	e.conn = 7;
	e.tls = 1;
	e.req_size = req;
	e.req_sha256 = req > 0 ? rs : NULL;
	buf_init(out, TEEC_MAX_NET_TRANSCRIPT);
	assert_int_equal(netlog_append(out, seq, &e, &err), TEEC_OK);
	assert_int_equal(out->data[out->len - 1], '\n');
	out->data[--out->len] = '\0';
}

static int
check(const char *s, size_t seq, const struct report_dep *d,
    struct teec_err *err)
{
	memset(err, 0, sizeof(*err));
	return netlog_check_line((const uint8_t *)s, strlen(s), seq, d, err);
}

static void
test_line_round_trip(void **state)
{
	struct report_dep f = fetch("https://a.example/x", 0xaa);
	struct report_dep r = refusal("https://b.example:443/", "not allowed "
	    "by the network policy");
	struct teec_err err;
	struct buf b;

	line(&f, 0, 0, &b);
	assert_non_null(strstr((char *)b.data, "\"requestSize\":0}"));
	assert_null(strstr((char *)b.data, "requestSha256"));
	assert_int_equal(check((char *)b.data, 0, &f, &err), TEEC_OK);
	buf_free(&b);
	line(&f, 3, 12, &b);
	assert_non_null(strstr((char *)b.data, "\"requestSha256\":\"3333"));
	assert_int_equal(check((char *)b.data, 3, &f, &err), TEEC_OK);
	buf_free(&b);
	line(&r, 1, 0, &b);
	assert_string_equal((char *)b.data, "{\"seq\":1,\"conn\":7,\"tls\":true,"
	    "\"method\":\"CONNECT\",\"uri\":\"https://b.example:443/\","
	    "\"refused\":true,\"reason\":\"not allowed by the network "
	    "policy\"}");
	assert_int_equal(check((char *)b.data, 1, &r, &err), TEEC_OK);
	buf_free(&b);
}

static void
test_line_differs(void **state)
{
	struct report_dep f = fetch("https://a.example/x", 0xaa), g;
	struct report_dep r = refusal("https://b.example:443/", "no");
	struct teec_err err;
	struct buf b;

	line(&f, 0, 0, &b);
	assert_int_equal(check((char *)b.data, 1, &f, &err), TEEC_FAIL);
	assert_string_equal(err.msg, "network.jsonl: line 1.seq: expected 1");
	g = f;
	g.uri = "https://a.example/y";
	assert_int_equal(check((char *)b.data, 0, &g, &err), TEEC_FAIL);
	assert_string_equal(err.msg, "network.jsonl: line 0: uri differs from "
	    "resolvedDependencies' network entry 0");
	g = f;
	g.sha256[31] ^= 1;
	assert_int_equal(check((char *)b.data, 0, &g, &err), TEEC_FAIL);
	assert_non_null(strstr(err.msg, "sha256 differs"));
	g = f;
	g.status = 404;
	assert_int_equal(check((char *)b.data, 0, &g, &err), TEEC_FAIL);
	assert_non_null(strstr(err.msg, "status differs"));
	g = f;
	g.size = 6;
	assert_int_equal(check((char *)b.data, 0, &g, &err), TEEC_FAIL);
	assert_non_null(strstr(err.msg, "size differs"));
	g = f;
	g.method = "HEAD";
	assert_int_equal(check((char *)b.data, 0, &g, &err), TEEC_FAIL);
	assert_non_null(strstr(err.msg, "method differs"));
	r.uri = "https://a.example/x";
	r.method = "GET";
	assert_int_equal(check((char *)b.data, 0, &r, &err), TEEC_FAIL);
	assert_non_null(strstr(err.msg, "refused differs"));
	assert_int_equal(check((char *)b.data, 0, NULL, &err), TEEC_FAIL);
	assert_string_equal(err.msg, "network.jsonl: line 0: the report has "
	    "no network entry 0");
	buf_free(&b);
	r = refusal("https://b.example:443/", "no");
	line(&r, 0, 0, &b);
	r.reason = "yes";
	assert_int_equal(check((char *)b.data, 0, &r, &err), TEEC_FAIL);
	assert_non_null(strstr(err.msg, "reason differs"));
	buf_free(&b);
}

static void
test_line_malformed(void **state)
{
	struct report_dep f = fetch("https://a.example/x", 0xaa);
	struct teec_err err;
	char h[65], s[512];

	memset(h, 'a', 64);
	h[64] = '\0';
#define L(extra) "{\"seq\":0,\"conn\":1,\"tls\":false,\"method\":\"GET\"," \
	"\"uri\":\"https://a.example/x\",\"status\":200,\"size\":5," \
	"\"sha256\":\"%s\",\"requestSize\":0" extra "}"
	snprintf(s, sizeof(s), L(""), h);
	assert_int_equal(check(s, 0, &f, &err), TEEC_OK);
	snprintf(s, sizeof(s), L(",\"x\":1"), h);
	assert_int_equal(check(s, 0, &f, &err), TEEC_FAIL);
	assert_string_equal(err.msg, "network.jsonl: line 0.x: unknown field");
	snprintf(s, sizeof(s), L(",\"requestSha256\":\"%s\""), h, h);
	assert_int_equal(check(s, 0, &f, &err), TEEC_FAIL);
	assert_non_null(strstr(err.msg, "present exactly when"));
	snprintf(s, sizeof(s), L(",\"refused\":false"), h);
	assert_int_equal(check(s, 0, &f, &err), TEEC_FAIL);
	snprintf(s, sizeof(s), L(",\"seq\":0"), h);
	assert_int_equal(check(s, 0, &f, &err), TEEC_FAIL);
	h[0] = 'A';
	snprintf(s, sizeof(s), L(""), h);
	assert_int_equal(check(s, 0, &f, &err), TEEC_FAIL);
	assert_non_null(strstr(err.msg, "not 64 lower-case hex digits"));
	assert_int_equal(check("", 0, &f, &err), TEEC_FAIL);
	assert_int_equal(check("[]", 0, &f, &err), TEEC_FAIL);
	assert_int_equal(check("{\"seq\":0,\"a\":{}}", 0, &f, &err), TEEC_FAIL);
	assert_int_equal(check("{\"seq\":0} ", 0, &f, &err), TEEC_FAIL);
#undef L
}

static void
test_append_refuses_incomplete(void **state)
{
	struct report_dep f = fetch("https://a.example/x", 0xaa);
	struct netlog_entry e;
	struct teec_err err;
	struct buf b;
	char uri[TEEC_MAX_NET_LINE + 10];

	buf_init(&b, 1 << 20);
	memset(&e, 0, sizeof(e));
	e.dep = &f;
	assert_int_equal(netlog_append(&b, 0, &e, &err), TEEC_ERROR); /* conn 0 */
	e.conn = 1;
	e.req_size = 1;
	assert_int_equal(netlog_append(&b, 0, &e, &err), TEEC_ERROR);
	e.req_size = 0;
	memset(uri, 'a', sizeof(uri) - 1);
	uri[sizeof(uri) - 1] = '\0';
	f.uri = uri;
	assert_int_equal(netlog_append(&b, 0, &e, &err), TEEC_ERROR);
	assert_int_equal(b.len, 0);
	buf_free(&b);
}

/* Reports */

static void
report_input(struct report_input *in, struct report_subject *subj,
    const struct report_dep *deps, size_t ndeps, const uint8_t *net,
    const uint8_t *ca)
{
	static const char *const en[] = { "LC_ALL", "TZ" };
	static const char *const ev[] = { "C.UTF-8", "UTC" };
	static uint8_t src[32];

	memset(in, 0, sizeof(*in));
	in->build_json = (const uint8_t *)BUILD_JSON;
	in->build_json_len = strlen(BUILD_JSON);
	in->source_sha256 = src;
	in->env_names = en;
	in->env_values = ev;
	in->nenv = 2;
	in->timeout = 3600;
	in->isolation = "namespaces";
	in->builder_id = "https://teec.dev/builder/local/v1";
	in->builder_version = "0.1.0";
	in->invocation_id = "123e4567-e89b-42d3-a456-426614174000";
	in->started = time(NULL);
	in->finished = in->started;
	in->subjects = subj;
	in->nsubjects = 1;
	in->deps = deps;
	in->ndeps = ndeps;
	in->net_sha256 = net;
	in->upstream_ca_sha256 = ca;
}

static void
test_report_byproduct_and_ca(void **state)
{
	struct report_dep deps[2];
	struct report_subject subj;
	struct report_input in;
	struct report r;
	struct teec_err err;
	struct buf b;
	uint8_t net[32], ca[32], logd[32];

	memset(&subj, 0, sizeof(subj));
	subj.name = "hello";
	deps[0] = fetch("http://a.example/x", 1);
	deps[1] = refusal("https://b.example:443/", "no");
	memset(net, 0x42, 32);
	memset(ca, 0x43, 32);
	memset(logd, 0x44, 32);
	report_input(&in, &subj, deps, 2, net, ca);
	in.log_sha256 = logd;
	assert_int_equal(report_write(&in, &b, &err), TEEC_OK);
	assert_non_null(strstr((char *)b.data, "\"upstreamCa\":{\"digest\":"
	    "{\"sha256\":\"4343"));
	assert_non_null(strstr((char *)b.data, "{\"name\":\"build.log\","));
	assert_non_null(strstr((char *)b.data, "},{\"name\":\"network.jsonl\","));
	assert_int_equal(report_parse(b.data, b.len, &r, &err), TEEC_OK);
	assert_true(r.has_net);
	assert_memory_equal(r.net_sha256, net, 32);
	assert_true(r.has_upstream_ca);
	assert_memory_equal(r.upstream_ca_sha256, ca, 32);
	assert_true(r.has_log);
	assert_int_equal(r.ndeps, 2);
	report_free(&r);
	buf_free(&b);
	/* Neither: neither member. */
	report_input(&in, &subj, NULL, 0, NULL, NULL);
	assert_int_equal(report_write(&in, &b, &err), TEEC_OK);
	assert_null(strstr((char *)b.data, "upstreamCa"));
	assert_null(strstr((char *)b.data, "network.jsonl"));
	assert_int_equal(report_parse(b.data, b.len, &r, &err), TEEC_OK);
	assert_false(r.has_net);
	assert_false(r.has_upstream_ca);
	report_free(&r);
	buf_free(&b);
}

/* Write the report, then replace from with to in its bytes and parse. */
static int
edited(const char *from, const char *to, struct teec_err *err)
{
	struct report_subject subj;
	struct report_input in;
	struct report r;
	struct buf b, e;
	uint8_t net[32], ca[32];
	char *at;
	int rc;

	memset(&subj, 0, sizeof(subj));
	subj.name = "hello";
	memset(net, 0x42, 32);
	memset(ca, 0x43, 32);
	report_input(&in, &subj, NULL, 0, net, ca);
	assert_int_equal(report_write(&in, &b, err), TEEC_OK);
	at = strstr((char *)b.data, from);
	assert_non_null(at);
	buf_init(&e, TEEC_MAX_REPORT_BYTES);
	buf_append(&e, b.data, (size_t)(at - (char *)b.data));
	buf_append(&e, to, strlen(to));
	buf_append(&e, at + strlen(from), b.len - (size_t)(at -
	    (char *)b.data) - strlen(from));
	rc = report_parse(e.data, e.len, &r, err);
	report_free(&r);
	buf_free(&b);
	buf_free(&e);
	return rc;
}

static void
test_report_refusals(void **state)
{
	struct teec_err err;
	char h[65], from[200], to[420];

	memset(h, '4', 64);
	h[64] = '\0';
	memcpy(h, "42", 2);
	snprintf(from, sizeof(from), "{\"name\":\"network.jsonl\",\"digest\":"
	    "{\"sha256\":\"%s\"}}", "4242424242424242424242424242424242424242"
	    "424242424242424242424242");
	snprintf(to, sizeof(to), "%s,%s", from, from);
	assert_int_equal(edited(from, to, &err), TEEC_FAIL);
	assert_string_equal(err.msg, "report.json: predicate.runDetails."
	    "byproducts[1]: a second network.jsonl");
	assert_int_equal(edited("\"upstreamCa\":{\"digest\":",
	    "\"upstreamCa\":{\"x\":1,\"digest\":", &err), TEEC_FAIL);
	assert_string_equal(err.msg, "report.json: predicate.buildDefinition."
	    "externalParameters.upstreamCa.x: unknown field");
	assert_int_equal(edited("\"upstreamCa\":{\"digest\":{\"sha256\":\"43",
	    "\"upstreamCa\":{\"digest\":{\"sha256\":\"4G", &err), TEEC_FAIL);
	assert_int_equal(edited("\"upstreamCa\":{",
	    "\"upstreamCa\":null,\"x\":{", &err), TEEC_FAIL);
}

/* Bundles */

struct net_bundle {
	int tamper_line;        /* change a byte of line 1 after hashing */
	int no_byproduct;       /* the report lists no network.jsonl */
	int wrong_digest;       /* the byproduct is another digest */
	int drop_line;          /* one line fewer than dependencies */
	int no_newline;         /* the last line without its newline */
	int detached;           /* no network.jsonl member */
	int long_line;          /* a line over the cap */
};

static int
make_bundle(const struct net_bundle *nb, const char *out, const char *devca,
    struct teec_err *err)
{
	struct report_dep deps[2];
	struct report_subject subj;
	struct report_input in;
	struct netlog_entry e;
	struct bundle_members m;
	struct bundle_artifact art;
	struct nsm *n = NULL;
	struct buf rep, doc, tx;
	uint8_t ud[REPORT_BINDING_LEN], net[32];
	char art_path[128], net_path[128];
	size_t i;
	int fd = -1, rc = -1;

	buf_init(&rep, TEEC_MAX_REPORT_BYTES);
	buf_init(&doc, TEEC_MAX_DOC_BYTES);
	buf_init(&tx, TEEC_MAX_NET_TRANSCRIPT);
	snprintf(art_path, sizeof(art_path), "%s/hello", dir);
	snprintf(net_path, sizeof(net_path), "%s/network.jsonl", dir);
	if (write_file_atomic(art_path, "hello\n", 6, 0755, err) != TEEC_OK)
		goto out;
	memset(&subj, 0, sizeof(subj));
	subj.name = "hello";
	sha256("hello\n", 6, subj.sha256);
	deps[0] = fetch("http://a.example/x", 1);
	deps[1] = refusal("https://b.example:443/", "not allowed by the "
	    "network policy");
	for (i = 0; i < 2; i++) {
		memset(&e, 0, sizeof(e));
		e.dep = &deps[i];
		e.conn = i + 1;
		if (netlog_append(&tx, i, &e, err) != TEEC_OK)
			goto out;
	}
	if (nb->long_line) {
		tx.len = 0;
		while (tx.len < TEEC_MAX_NET_LINE + 100)
			buf_putc(&tx, ' ');
		buf_putc(&tx, '\n');
	}
	sha256(tx.data, tx.len, net);
	if (nb->wrong_digest)
		net[0] ^= 1;
	if (nb->tamper_line)
		tx.data[tx.len - 3] ^= 1;
	if (nb->drop_line) {
		tx.len = (size_t)(strchr((char *)tx.data, '\n') + 1 -
		    (char *)tx.data);
		sha256(tx.data, tx.len, net);
	}
	if (nb->no_newline) {
		tx.len--;
		sha256(tx.data, tx.len, net);
	}
	if (write_file_atomic(net_path, tx.data, tx.len, 0644, err) != TEEC_OK)
		goto out;
	report_input(&in, &subj, deps, 2, nb->no_byproduct ? NULL : net, NULL);
	if (report_write(&in, &rep, err) != TEEC_OK)
		goto out;
	report_binding(rep.data, rep.len, ud);
	if (nsm_open(NSM_EMULATED, devca, &n, err) != TEEC_OK ||
	    nsm_attest(n, ud, sizeof(ud), NULL, 0, NULL, 0, &doc, err) !=
	    TEEC_OK)
		goto out;
	art.name = "hello";
	art.path = art_path;
	memset(&m, 0, sizeof(m));
	m.report = rep.data;
	m.report_len = rep.len;
	m.att = doc.data;
	m.att_len = doc.len;
	m.network_path = nb->detached ? NULL : net_path;
	m.arts = &art;
	m.narts = 1;
	if ((fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0644)) == -1 || bundle_write_members(fd, &m, err) != TEEC_OK)
		goto out;
	rc = 0;
out:
	if (fd != -1)
		close(fd);
	nsm_close(n);
	buf_free(&rep);
	buf_free(&doc);
	buf_free(&tx);
	return rc;
}

/* Verify as teec-host does; the first failed check's detail in why. */
static int
verify(const struct net_bundle *nb, char *why, size_t whysz,
    struct bundle_out *out)
{
	struct trust_roots roots;
	struct images images;
	struct bundle_opts bo;
	struct vresult r;
	struct devca *ca = NULL;
	struct teec_err err;
	const uint8_t *der;
	char devca[128], path[128];
	size_t derlen, i;
	int rc;

	snprintf(devca, sizeof(devca), "%s/devca", dir);
	snprintf(path, sizeof(path), "%s/b.teec", dir);
	if (make_bundle(nb, path, devca, &err) != 0)
		fail_msg("make_bundle: %s", err.msg);
	assert_int_equal(devca_open(devca, &ca, &err), TEEC_OK);
	devca_root_der(ca, &der, &derlen);
	roots_init(&roots);
	assert_int_equal(roots_add_der(&roots, der, derlen, &err), TEEC_OK);
	memset(&images, 0, sizeof(images));
	memset(&bo, 0, sizeof(bo));
	bo.roots = &roots;
	bo.images = &images;
	bo.at_mode = AT_DOCUMENT;
	bo.dev = 1;
	bo.dev_root = der;
	bo.dev_root_len = derlen;
	vresult_init(&r);
	rc = bundle_verify(path, &bo, out, &r, &err);
	why[0] = '\0';
	for (i = 0; i < r.nchecks; i++)
		if (r.checks[i].state == V_FAILED) {
			snprintf(why, whysz, "%s: %s (%s)", r.checks[i].name,
			    r.checks[i].detail, reason_name(r.reason));
			break;
		}
	roots_free(&roots);
	devca_free(ca);
	return rc;
}

static void
expect(const struct net_bundle *nb, int want, const char *msg)
{
	struct bundle_out out;
	char why[VDETAIL_MAX + 64];
	int rc;

	rc = verify(nb, why, sizeof(why), &out);
	if (rc != want)
		fail_msg("verify: %d, wanted %d (%s)", rc, want, why);
	if (msg != NULL && strstr(why, msg) == NULL)
		fail_msg("\"%s\" does not hold \"%s\"", why, msg);
	bundle_out_free(&out);
}

static void
test_bundle_with_transcript(void **state)
{
	struct net_bundle nb;
	struct bundle_out out;
	char why[VDETAIL_MAX + 64];

	memset(&nb, 0, sizeof(nb));
	assert_int_equal(verify(&nb, why, sizeof(why), &out), TEEC_OK);
	assert_true(out.has_network);
	assert_int_equal(out.network_lines, 2);
	assert_true(out.report.has_net);
	bundle_out_free(&out);
}

static void
test_bundle_detached_transcript(void **state)
{
	struct net_bundle nb;
	struct bundle_out out;
	char why[VDETAIL_MAX + 64];

	memset(&nb, 0, sizeof(nb));
	nb.detached = 1;
	assert_int_equal(verify(&nb, why, sizeof(why), &out), TEEC_OK);
	assert_false(out.has_network);
	bundle_out_free(&out);
}

static void
test_bundle_tampered_line(void **state)
{
	struct net_bundle nb;

	memset(&nb, 0, sizeof(nb));
	nb.tamper_line = 1;
	expect(&nb, TEEC_FAIL, "network.jsonl differs from the report's "
	    "byproduct digest (ARTIFACT_MISMATCH)");
}

static void
test_bundle_wrong_digest(void **state)
{
	struct net_bundle nb;

	memset(&nb, 0, sizeof(nb));
	nb.wrong_digest = 1;
	expect(&nb, TEEC_FAIL, "differs from the report's byproduct digest");
}

static void
test_bundle_no_byproduct(void **state)
{
	struct net_bundle nb;

	memset(&nb, 0, sizeof(nb));
	nb.no_byproduct = 1;
	expect(&nb, TEEC_FAIL, "network.jsonl is in the bundle but the report "
	    "lists no such byproduct");
}

static void
test_bundle_missing_line(void **state)
{
	struct net_bundle nb;

	memset(&nb, 0, sizeof(nb));
	nb.drop_line = 1;
	expect(&nb, TEEC_FAIL, "network.jsonl has 1 lines, the report 2 "
	    "network dependencies");
}

static void
test_bundle_no_final_newline(void **state)
{
	struct net_bundle nb;

	memset(&nb, 0, sizeof(nb));
	nb.no_newline = 1;
	expect(&nb, TEEC_FAIL, "the last line does not end with a newline");
}

static void
test_bundle_long_line(void **state)
{
	struct net_bundle nb;

	memset(&nb, 0, sizeof(nb));
	nb.long_line = 1;
	expect(&nb, TEEC_FAIL, "network.jsonl: line 0: longer than 8192 bytes");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_line_round_trip),
		cmocka_unit_test(test_line_differs),
		cmocka_unit_test(test_line_malformed),
		cmocka_unit_test(test_append_refuses_incomplete),
		cmocka_unit_test(test_report_byproduct_and_ca),
		cmocka_unit_test(test_report_refusals),
		cmocka_unit_test(test_bundle_with_transcript),
		cmocka_unit_test(test_bundle_detached_transcript),
		cmocka_unit_test(test_bundle_tampered_line),
		cmocka_unit_test(test_bundle_wrong_digest),
		cmocka_unit_test(test_bundle_no_byproduct),
		cmocka_unit_test(test_bundle_missing_line),
		cmocka_unit_test(test_bundle_no_final_newline),
		cmocka_unit_test(test_bundle_long_line),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}

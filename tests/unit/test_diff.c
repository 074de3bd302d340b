/* SPDX-License-Identifier: ISC */
/*
 * teec-report diff: two reports (bare report.json files, or bundles made
 * with a test PKI) compared field by field. Identical inputs and outputs
 * agree even when times, ids and the attestation differ; each kind of
 * input or output difference is found and named.
 */
#include "tests/unit/testutil.h"

#include <fcntl.h>

#include <cJSON.h>

#include "common/caps.h"
#include "common/digest.h"
#include "common/encode.h"
#include "common/fileio.h"
#include "enclave/nsm.h"
#include "report/diff.h"
#include "report/report.h"
#include "report/show.h"
#include "tests/unit/testpki.h"
#include "verify/bundle.h"

static struct testpki pki;
static char dir[64];

/* One report's knobs; zero: the reference report. */
struct mk {
	const char *cmd;            /* input.cmd */
	const char *extra_env;      /* a second input.env variable */
	const char *extra_output;   /* another output.files pattern */
	uint8_t src;                /* source digest byte (0: 0xab) */
	const char *commit;
	uint8_t hello;              /* a byte that changes hello's digest */
	int drop_lib;               /* no subject lib/x.so */
	const char *extra_subject;  /* another subject */
	uint8_t dep;                /* the dependency's digest byte (0: 0x5a) */
	int second_dep;             /* another dependency */
	int64_t started;            /* 0: 1700000000 */
	const char *invocation;
	const char *path_env;       /* PATH set by the worker */
	uint8_t pcr;                /* image PCR byte (0: 0x11) */
	uint64_t doc_ms;            /* attestation time (0: pki.now) */
	int64_t dep_status;         /* the first dependency's status (0: 200) */
	int dep_refused;            /* the first dependency was refused */
	const char *dep_method;     /* its method (NULL: GET) */
	const char *dep_uri;        /* its URI (NULL: the hello tarball) */
	uint8_t again;              /* the first fetched again, this digest byte */
	uint8_t ca;                 /* upstreamCa digest byte (0: none) */
	uint8_t net;                /* network.jsonl digest byte (0: none) */
};

/* A URI with every punctuation character report_parse() allows. */
#define HOSTILE_URI "https://evil.example/'&*_[x](javascript:alert(1))!$@#~;=+,%41"
#define HELLO_URI "https://ftp.gnu.org/gnu/hello/hello-2.12.tar.gz"

static int
setup(void **state)
{
	struct testpki_opts o;

	memset(&o, 0, sizeof(o));
	if (testpki_make(&o, &pki) != 0)
		return -1;
	snprintf(dir, sizeof(dir), "/tmp/teec-diff.XXXXXX");
	if (mkdtemp(dir) == NULL || chdir(dir) != 0)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	testpki_free(&pki);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void
make_report(const struct mk *k, struct buf *out)
{
	const char *en[] = { "LC_ALL", "PATH", "TZ" };
	const char *ev[] = { "C.UTF-8", k->path_env ? k->path_env : "/usr/bin:/bin",
	    "UTC" };
	struct report_subject subj[3];
	struct report_dep dep[3];
	struct report_input in;
	struct teec_err err;
	uint8_t src[32], logd[32], pcrs[3][48], ca[32], net[32];
	char build[1024];
	size_t n = 0;

	memset(&in, 0, sizeof(in));
	memset(subj, 0, sizeof(subj));
	memset(dep, 0, sizeof(dep));
	memset(src, k->src ? k->src : 0xab, sizeof(src));
	memset(logd, 0x10, sizeof(logd));
	memset(pcrs, k->pcr ? k->pcr : 0x11, sizeof(pcrs));
	snprintf(build, sizeof(build), "{\"language\":\"c\",\"input\":{\"cmd\":"
	    "\"%s\",\"env\":{\"CFLAGS\":\"-O2\"%s%s}},\"output\":{\"files\":"
	    "[\"hello\"%s%s%s]}}", k->cmd ? k->cmd : "make",
	    k->extra_env ? "," : "", k->extra_env ? k->extra_env : "",
	    k->extra_output ? ",\"" : "", k->extra_output ? k->extra_output : "",
	    k->extra_output ? "\"" : "");
	subj[n].name = "hello";
	memset(subj[n].sha256, 0x01 + k->hello, 32);
	memset(subj[n].sha384, 0x02 + k->hello, 48);
	subj[n++].has_sha384 = 1;
	if (!k->drop_lib) {
		subj[n].name = "lib/x.so";
		memset(subj[n].sha256, 0x03, 32);
		subj[n++].has_sha384 = 0;
	}
	if (k->extra_subject) {
		subj[n].name = (char *)k->extra_subject;
		memset(subj[n].sha256, 0x04, 32);
		subj[n++].has_sha384 = 0;
	}
	dep[0].uri = (char *)(k->dep_uri ? k->dep_uri : HELLO_URI);
	memset(dep[0].sha256, k->dep ? k->dep : 0x5a, 32);
	dep[0].has_sha256 = 1;
	dep[0].method = (char *)(k->dep_method ? k->dep_method : "GET");
	dep[0].status = k->dep_status ? k->dep_status : 200;
	dep[0].size = 1017722;
	if (k->dep_refused) {
		memset(dep[0].sha256, 0, 32);
		dep[0].has_sha256 = 0;
		dep[0].status = dep[0].size = -1;
		dep[0].refused = 1;
		dep[0].reason = "not allowed by the network policy (ftp.gnu.org)";
	}
	dep[1].uri = "https://example.com/extra.tar.gz";
	memset(dep[1].sha256, 0x77, 32);
	dep[1].has_sha256 = 1;
	dep[1].method = "GET";
	dep[1].status = 200;
	dep[1].size = 10;
	in.build_json = (const uint8_t *)build;
	in.build_json_len = strlen(build);
	in.source_sha256 = src;
	in.source_commit = k->commit;
	in.env_names = en;
	in.env_values = ev;
	in.nenv = 3;
	in.source_date_epoch = 1700000000;
	in.timeout = 3600;
	in.isolation = "nitro";
	in.builder_id = "https://teec.dev/builder/nitro/v1";
	in.builder_version = "0.1.0";
	in.invocation_id = k->invocation ? k->invocation :
	    "123e4567-e89b-42d3-a456-426614174000";
	in.started = k->started ? k->started : 1700000000;
	in.finished = in.started + 10;
	in.subjects = subj;
	in.nsubjects = n;
	in.deps = dep;
	in.ndeps = k->second_dep ? 2 : 1;
	if (k->again) {
		dep[in.ndeps] = dep[0];
		memset(dep[in.ndeps].sha256, k->again, 32);
		in.ndeps++;
	}
	memset(ca, k->ca, sizeof(ca));
	memset(net, k->net, sizeof(net));
	in.upstream_ca_sha256 = k->ca ? ca : NULL;
	in.net_sha256 = k->net ? net : NULL;
	in.log_sha256 = logd;
	in.pcrs = (const uint8_t (*)[48])pcrs;
	buf_init(out, TEEC_MAX_REPORT_BYTES);
	if (report_write(&in, out, &err) != TEEC_OK)
		fail_msg("report_write: %s", err.msg);
}

static const char *
write_report(const struct mk *k, const char *name)
{
	static char path[2][256];
	static int which;
	struct buf rep;
	char *p = path[which++ % 2];

	make_report(k, &rep);
	snprintf(p, 256, "%s/%s", dir, name);
	assert_int_equal(write_file_atomic(p, rep.data, rep.len, 0644, NULL),
	    TEEC_OK);
	buf_free(&rep);
	return p;
}

/* A detached bundle (no artifacts): report.json and its attestation. */
static const char *
write_bundle(const struct mk *k, const char *name)
{
	static char path[2][256];
	static int which;
	uint8_t pcrs[16][48];
	struct nitro_fields f;
	struct teec_err err;
	struct buf rep, doc;
	uint8_t ud[REPORT_BINDING_LEN];
	char *p = path[which++ % 2];
	int fd;

	make_report(k, &rep);
	report_binding(rep.data, rep.len, ud);
	memset(pcrs, 0, sizeof(pcrs));
	memset(pcrs, k->pcr ? k->pcr : 0x11, 3 * 48);
	memset(&f, 0, sizeof(f));
	f.pcrs = (const uint8_t (*)[48])pcrs;
	f.npcrs = 16;
	f.user_data = ud;
	f.user_data_len = sizeof(ud);
	f.timestamp_ms = k->doc_ms;
	buf_init(&doc, TEEC_MAX_DOC_BYTES);
	assert_int_equal(testpki_doc(&pki, &f, 0, &doc), 0);
	snprintf(p, 256, "%s/%s", dir, name);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	if (bundle_write(fd, rep.data, rep.len, doc.data, doc.len, NULL, NULL, 0,
	    &err) != TEEC_OK)
		fail_msg("bundle_write: %s", err.msg);
	close(fd);
	buf_free(&rep);
	buf_free(&doc);
	return p;
}

struct result {
	int rc;
	struct buf text, md, json;
	struct rdiff d;
};

static void
result_free(struct result *r)
{
	buf_free(&r->text);
	buf_free(&r->md);
	buf_free(&r->json);
	rdiff_free(&r->d);
}

static int
diff(const char *pa, const char *pb, struct result *res)
{
	struct show_opts o;
	struct show a, b;
	struct teec_err err = { "" };

	memset(&o, 0, sizeof(o));
	memset(res, 0, sizeof(*res));
	assert_int_not_equal(show_load(pa, &o, &a, &err), TEEC_ERROR);
	assert_int_not_equal(show_load(pb, &o, &b, &err), TEEC_ERROR);
	res->rc = rdiff_compare(&a, &b, &res->d, &err);
	if (res->rc != TEEC_ERROR) {
		buf_init(&res->text, TEEC_MAX_RENDER_BYTES);
		buf_init(&res->md, TEEC_MAX_RENDER_BYTES);
		buf_init(&res->json, TEEC_MAX_RENDER_BYTES);
		assert_int_equal(rdiff_render(&res->text, &a, &b, &res->d, SHOW_TEXT), 0);
		assert_int_equal(rdiff_render(&res->md, &a, &b, &res->d, SHOW_MARKDOWN), 0);
		assert_int_equal(rdiff_render(&res->json, &a, &b, &res->d, SHOW_JSON), 0);
	} else
		print_message("# %s\n", err.msg);
	show_free(&a);
	show_free(&b);
	return res->rc;
}

#define HAS(b, s) do { \
	if (strstr((const char *)(b).data, (s)) == NULL) { \
		print_message("%s\n", (const char *)(b).data); \
		fail_msg("no \"%s\" in the output above", (s)); \
	} \
} while (0)

/* The one item of class cls with this field (and key, when given). */
static const struct rdiff_item *
item(const struct rdiff *d, enum rdiff_class cls, const char *field,
    const char *key)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (d->v[i].cls == cls && strcmp(d->v[i].field, field) == 0 &&
		    (key == NULL || (d->v[i].key && strcmp(d->v[i].key, key) == 0)))
			return &d->v[i];
	fail_msg("no difference %s %s", field, key ? key : "");
	return NULL;
}

/* Differ from the reference in exactly one input or output: exit 1. */
static void
differs(const struct mk *k, enum rdiff_class cls, const char *field,
    const char *key, const char *text)
{
	struct mk ref = { 0 };
	struct result r;
	const char *a = write_report(&ref, "a.json");
	const char *b = write_report(k, "b.json");

	assert_int_equal(diff(a, b, &r), TEEC_FAIL);
	assert_int_equal(r.d.count[RDIFF_INPUT] + r.d.count[RDIFF_OUTPUT], 1);
	(void)item(&r.d, cls, field, key);
	HAS(r.text, "DIFFER: ");
	HAS(r.text, text);
	HAS(r.json, "\"agree\":false");
	result_free(&r);
}

static void
test_identical_reports_agree(void **state)
{
	struct mk k = { 0 };
	struct result r;
	const char *a = write_report(&k, "a.json");
	const char *b = write_report(&k, "b.json");

	assert_int_equal(diff(a, b, &r), TEEC_OK);
	assert_int_equal(r.d.n, 0);
	HAS(r.text, "AGREE: the same inputs and outputs (0 expected differences)");
	HAS(r.text, "no trust decision");
	HAS(r.json, "\"agree\":true");
	HAS(r.md, "**AGREE: the same inputs and outputs");
	result_free(&r);
}

static void
test_times_and_ids_are_expected(void **state)
{
	struct mk k = { 0 }, k2 = { 0 };
	struct result r;
	const char *a, *b;

	k2.started = 1700005000;
	k2.invocation = "00000000-0000-4000-8000-000000000001";
	a = write_report(&k, "a.json");
	b = write_report(&k2, "b.json");
	assert_int_equal(diff(a, b, &r), TEEC_OK);
	assert_int_equal(r.d.count[RDIFF_INPUT] + r.d.count[RDIFF_OUTPUT], 0);
	(void)item(&r.d, RDIFF_EXPECTED, "run.invocationId", NULL);
	(void)item(&r.d, RDIFF_EXPECTED, "run.startedOn", NULL);
	(void)item(&r.d, RDIFF_EXPECTED, "run.finishedOn", NULL);
	(void)item(&r.d, RDIFF_EXPECTED, "report.json sha256", NULL);
	HAS(r.text, "AGREE: ");
	HAS(r.text, "differs (expected) run.startedOn");
	result_free(&r);
}

static void
test_subject_digest_differs(void **state)
{
	struct mk k = { 0 };

	k.hello = 1;
	differs(&k, RDIFF_OUTPUT, "subject", "hello", "differs            subject hello");
}

static void
test_subject_added(void **state)
{
	struct mk k = { 0 };

	k.extra_subject = "new/tool";
	differs(&k, RDIFF_OUTPUT, "subject", "new/tool",
	    "only in B          subject new/tool");
}

static void
test_subject_removed(void **state)
{
	struct mk k = { 0 };

	k.drop_lib = 1;
	differs(&k, RDIFF_OUTPUT, "subject", "lib/x.so",
	    "only in A          subject lib/x.so");
}

static void
test_source_digest_differs(void **state)
{
	struct mk k = { 0 };

	k.src = 0xcd;
	differs(&k, RDIFF_INPUT, "source.digest", NULL, "source.digest\n      A  abab");
}

static void
test_source_commit_differs(void **state)
{
	struct mk k = { 0 };

	k.commit = "8f3c1e2d4b5a69788796a5b4c3d2e1f0a9b8c7d6";
	differs(&k, RDIFF_INPUT, "source.gitCommit", NULL, "      A  (absent)");
}

static void
test_command_differs(void **state)
{
	struct mk k = { 0 }, ref = { 0 };
	struct result r;
	const char *a, *b;

	/* the command and so the recipe's digest */
	k.cmd = "make CC=clang";
	a = write_report(&ref, "a.json");
	b = write_report(&k, "b.json");
	assert_int_equal(diff(a, b, &r), TEEC_FAIL);
	(void)item(&r.d, RDIFF_INPUT, "build.command", NULL);
	(void)item(&r.d, RDIFF_INPUT, "build.json sha256", NULL);
	HAS(r.text, "build.command\n      A  make\n      B  make CC=clang\n");
	result_free(&r);
}

static void
test_build_env_differs(void **state)
{
	struct mk k = { 0 }, ref = { 0 };
	struct result r;
	const char *a, *b;

	k.extra_env = "\"LDFLAGS\":\"-s\"";
	a = write_report(&ref, "a.json");
	b = write_report(&k, "b.json");
	assert_int_equal(diff(a, b, &r), TEEC_FAIL);
	(void)item(&r.d, RDIFF_INPUT, "build.env", "LDFLAGS");
	HAS(r.text, "only in B          build.env LDFLAGS");
	result_free(&r);
}

static void
test_build_outputs_differ(void **state)
{
	struct mk k = { 0 }, ref = { 0 };
	struct result r;
	const char *a, *b;

	k.extra_output = "dist/*.tar.gz";
	a = write_report(&ref, "a.json");
	b = write_report(&k, "b.json");
	assert_int_equal(diff(a, b, &r), TEEC_FAIL);
	(void)item(&r.d, RDIFF_INPUT, "build.outputs", "dist/*.tar.gz");
	result_free(&r);
}

static void
test_worker_environment_differs(void **state)
{
	struct mk k = { 0 };

	k.path_env = "/opt/evil/bin:/usr/bin:/bin";
	differs(&k, RDIFF_INPUT, "environment", "PATH", "environment PATH");
}

/* s is one whole line of b (without its newline). */
static void
line_in(const struct buf *b, const char *s)
{
	const char *p = (const char *)b->data;
	size_t n = strlen(s);

	while ((p = strstr(p, s)) != NULL) {
		if ((p == (const char *)b->data || p[-1] == '\n') &&
		    (p[n] == '\n' || p[n] == '\0'))
			return;
		p++;
	}
	fprintf(stderr, "%s\n", (const char *)b->data);
	fail_msg("no line \"%s\" in the output above", s);
}
#define LINE(b, s) line_in(&(b), (s))

static void
hexbyte(uint8_t byte, char out[65])
{
	uint8_t d[32];

	memset(d, byte, sizeof(d));
	hex_encode(d, 32, out);
}

/* A dependency table row of the text output. */
static void
text_row(char *out, size_t n, size_t uriw, size_t statusw, const char *change,
    const char *side, const char *method, const char *uri, const char *status,
    const char *size, const char *last)
{
	snprintf(out, n, "    %-7s  %-4s  %-6s  %-*s  %-*s  %-7s  %s", change,
	    side, method, (int)uriw, uri, (int)statusw, status, size, last);
}

static void
diff_refs(const struct mk *k, struct result *r, int want)
{
	struct mk ref = { 0 };

	assert_int_equal(diff(write_report(&ref, "a.json"), write_report(k,
	    "b.json"), r), want);
}

static void
test_dependency_digest_differs(void **state)
{
	struct mk k = { 0 };
	struct result r;
	const struct rdiff_item *it;
	char a[65], b[65], want[512];

	k.dep = 0x66;
	diff_refs(&k, &r, TEEC_FAIL);
	assert_int_equal(r.d.count[RDIFF_INPUT] + r.d.count[RDIFF_OUTPUT], 1);
	it = item(&r.d, RDIFF_INPUT, "dependency", "GET " HELLO_URI);
	assert_int_equal(it->request, 1);
	assert_non_null(it->dep_a);
	assert_non_null(it->dep_b);
	hexbyte(0x5a, a);
	hexbyte(0x66, b);
	LINE(r.text, "  network dependencies (matched by method and URI)");
	snprintf(want, sizeof(want), "    %-7s  %-4s  %-6s  %-47s  %-6s  %-7s  %s",
	    "change", "side", "method", "uri", "status", "size",
	    "sha256, or why it was refused");
	LINE(r.text, want);
	text_row(want, sizeof(want), 47, 6, "differs", "A", "GET", HELLO_URI, "200",
	    "1017722", a);
	LINE(r.text, want);
	text_row(want, sizeof(want), 47, 6, "", "B", "GET", HELLO_URI, "200",
	    "1017722", b);
	LINE(r.text, want);
	/* in the table only, not again as a field */
	assert_null(strstr((char *)r.text.data, "      A  status 200"));
	result_free(&r);
}

static void
test_dependency_added(void **state)
{
	struct mk k = { 0 };
	struct result r;
	char h[65], want[512];

	k.second_dep = 1;
	diff_refs(&k, &r, TEEC_FAIL);
	assert_int_equal(r.d.count[RDIFF_INPUT], 1);
	(void)item(&r.d, RDIFF_INPUT, "dependency",
	    "GET https://example.com/extra.tar.gz");
	hexbyte(0x77, h);
	snprintf(want, sizeof(want), "    %-9s  %-4s  %-6s  %-32s  %-6s  %-4s  %s",
	    "only in B", "B", "GET", "https://example.com/extra.tar.gz", "200",
	    "10", h);
	LINE(r.text, want);
	assert_null(strstr((char *)r.text.data, "    only in B  A"));
	result_free(&r);
}

static void
test_dependency_removed(void **state)
{
	struct mk k = { 0 }, k2 = { 0 };
	struct result r;
	char h[65], want[512];

	k.second_dep = 1;
	assert_int_equal(diff(write_report(&k, "a.json"), write_report(&k2,
	    "b.json"), &r), TEEC_FAIL);
	(void)item(&r.d, RDIFF_INPUT, "dependency",
	    "GET https://example.com/extra.tar.gz");
	hexbyte(0x77, h);
	snprintf(want, sizeof(want), "    %-9s  %-4s  %-6s  %-32s  %-6s  %-4s  %s",
	    "only in A", "A", "GET", "https://example.com/extra.tar.gz", "200",
	    "10", h);
	LINE(r.text, want);
	result_free(&r);
}

static void
test_dependency_status_differs(void **state)
{
	struct mk k = { 0 };
	struct result r;
	char h[65], want[512];

	k.dep_status = 404;
	diff_refs(&k, &r, TEEC_FAIL);
	(void)item(&r.d, RDIFF_INPUT, "dependency", "GET " HELLO_URI);
	hexbyte(0x5a, h);
	text_row(want, sizeof(want), 47, 6, "", "B", "GET", HELLO_URI, "404",
	    "1017722", h);
	LINE(r.text, want);
	result_free(&r);
}

static void
test_dependency_refused_differs(void **state)
{
	struct mk k = { 0 };
	struct result r;
	char h[65], want[512];

	k.dep_refused = 1;
	diff_refs(&k, &r, TEEC_FAIL);
	(void)item(&r.d, RDIFF_INPUT, "dependency", "GET " HELLO_URI);
	hexbyte(0x5a, h);
	text_row(want, sizeof(want), 47, 7, "differs", "A", "GET", HELLO_URI, "200",
	    "1017722", h);
	LINE(r.text, want);
	text_row(want, sizeof(want), 47, 7, "", "B", "GET", HELLO_URI, "refused", "",
	    "not allowed by the network policy (ftp.gnu.org)");
	LINE(r.text, want);
	HAS(r.json, "\"b\":{\"status\":null,\"size\":null,\"sha256\":null,"
	    "\"refused\":true,\"reason\":\"not allowed by the network policy "
	    "(ftp.gnu.org)\"}");
	result_free(&r);
}

static void
test_dependency_method_is_part_of_key(void **state)
{
	struct mk k = { 0 };
	struct result r;

	/* the same URI with another method is another dependency */
	k.dep_method = "HEAD";
	diff_refs(&k, &r, TEEC_FAIL);
	assert_int_equal(r.d.count[RDIFF_INPUT], 2);
	assert_null(item(&r.d, RDIFF_INPUT, "dependency", "GET " HELLO_URI)->
	    dep_b);
	assert_null(item(&r.d, RDIFF_INPUT, "dependency", "HEAD " HELLO_URI)->
	    dep_a);
	result_free(&r);
}

static void
test_dependency_second_request(void **state)
{
	struct mk k = { 0 }, k2 = { 0 };
	struct result r;
	const struct rdiff_item *it;
	char h[65], want[512];

	k.again = 0x5a;
	k2.again = 0x99;
	assert_int_equal(diff(write_report(&k, "a.json"), write_report(&k2,
	    "b.json"), &r), TEEC_FAIL);
	assert_int_equal(r.d.count[RDIFF_INPUT], 1);
	it = item(&r.d, RDIFF_INPUT, "dependency", "GET " HELLO_URI
	    " (request 2)");
	assert_int_equal(it->request, 2);
	hexbyte(0x99, h);
	text_row(want, sizeof(want), 59, 6, "", "B", "GET", HELLO_URI " (request 2)",
	    "200", "1017722", h);
	LINE(r.text, want);
	result_free(&r);
}

static void
test_dependency_markdown_table(void **state)
{
	struct mk k = { 0 };
	struct result r;
	char a[65], b[65], want[512];

	k.dep = 0x66;
	diff_refs(&k, &r, TEEC_FAIL);
	hexbyte(0x5a, a);
	hexbyte(0x66, b);
	LINE(r.md, "## inputs");
	LINE(r.md, "### Network dependencies (matched by method and URI)");
	LINE(r.md, "| change | side | method | uri | status | size | sha256, or "
	    "why it was refused |");
	LINE(r.md, "| --- | --- | --- | --- | --- | --- | --- |");
	snprintf(want, sizeof(want), "| **differs** | A | GET | `" HELLO_URI
	    "` | 200 | 1017722 | `%s` |", a);
	LINE(r.md, want);
	snprintf(want, sizeof(want), "|  | B | GET | `" HELLO_URI "` | 200 | "
	    "1017722 | `%s` |", b);
	LINE(r.md, want);
	/* no field table in inputs when only dependencies differ */
	HAS(r.md, "\n## inputs\n\n### Network dependencies (matched by method "
	    "and URI)\n\n| change |");
	result_free(&r);
}

static void
test_dependency_json(void **state)
{
	struct mk k = { 0 };
	struct result r;
	char a[65], b[65], want[1024];
	cJSON *j;

	k.dep = 0x66;
	diff_refs(&k, &r, TEEC_FAIL);
	hexbyte(0x5a, a);
	hexbyte(0x66, b);
	snprintf(want, sizeof(want), ",\"dependencies\":[{\"change\":\"differs\","
	    "\"method\":\"GET\",\"uri\":\"" HELLO_URI "\",\"request\":1,\"a\":{"
	    "\"status\":200,\"size\":1017722,\"sha256\":\"%s\",\"refused\":false,"
	    "\"reason\":null},\"b\":{\"status\":200,\"size\":1017722,\"sha256\":"
	    "\"%s\",\"refused\":false,\"reason\":null}}]}\n", a, b);
	HAS(r.json, want);
	snprintf(want, sizeof(want), "{\"field\":\"dependency\",\"key\":\"GET "
	    HELLO_URI "\",\"change\":\"differs\",\"a\":\"status 200, size 1017722, "
	    "sha256 %s\",\"b\":\"status 200, size 1017722, sha256 %s\"}", a, b);
	HAS(r.json, want);
	assert_non_null(j = cJSON_ParseWithLength((char *)r.json.data, r.json.len));
	cJSON_Delete(j);
	result_free(&r);
}

static void
test_no_dependency_table_when_equal(void **state)
{
	struct mk k = { 0 };
	struct result r;

	k.src = 0xcd;
	diff_refs(&k, &r, TEEC_FAIL);
	assert_null(strstr((char *)r.text.data, "network dependencies"));
	assert_null(strstr((char *)r.md.data, "Network dependencies"));
	HAS(r.json, ",\"dependencies\":[]}");
	result_free(&r);
}

static void
test_upstream_ca_added(void **state)
{
	struct mk k = { 0 };
	struct result r;
	char h[65], want[256];

	k.ca = 0xca;
	diff_refs(&k, &r, TEEC_FAIL);
	(void)item(&r.d, RDIFF_INPUT, "upstreamCa", NULL);
	hexbyte(0xca, h);
	LINE(r.text, "  only in B          upstreamCa");
	LINE(r.text, "      A  (absent)");
	snprintf(want, sizeof(want), "      B  %s", h);
	LINE(r.text, want);
	HAS(r.json, "{\"field\":\"upstreamCa\",\"key\":null,\"change\":\"only_b\","
	    "\"a\":null,\"b\":\"cacacaca");
	result_free(&r);
}

static void
test_upstream_ca_removed(void **state)
{
	struct mk k = { 0 }, k2 = { 0 };
	struct result r;

	k.ca = 0xca;
	assert_int_equal(diff(write_report(&k, "a.json"), write_report(&k2,
	    "b.json"), &r), TEEC_FAIL);
	assert_int_equal(r.d.count[RDIFF_INPUT], 1);
	LINE(r.text, "  only in A          upstreamCa");
	LINE(r.text, "      B  (absent)");
	result_free(&r);
}

static void
test_upstream_ca_changed(void **state)
{
	struct mk k = { 0 }, k2 = { 0 };
	struct result r;
	char a[65], b[65], want[256];

	k.ca = 0xca;
	k2.ca = 0xcb;
	assert_int_equal(diff(write_report(&k, "a.json"), write_report(&k2,
	    "b.json"), &r), TEEC_FAIL);
	hexbyte(0xca, a);
	hexbyte(0xcb, b);
	LINE(r.text, "  differs            upstreamCa");
	snprintf(want, sizeof(want), "      A  %s", a);
	LINE(r.text, want);
	snprintf(want, sizeof(want), "      B  %s", b);
	LINE(r.text, want);
	snprintf(want, sizeof(want), "| **differs** | upstreamCa | `%s` | `%s` |",
	    a, b);
	LINE(r.md, want);
	result_free(&r);
}

static void
test_upstream_ca_same_agrees(void **state)
{
	struct mk k = { 0 };
	struct result r;

	k.ca = 0xca;
	assert_int_equal(diff(write_report(&k, "a.json"), write_report(&k,
	    "b.json"), &r), TEEC_OK);
	assert_int_equal(r.d.n, 0);
	result_free(&r);
}

static void
test_network_byproduct_expected(void **state)
{
	struct mk k = { 0 }, k2 = { 0 };
	struct result r;
	char a[65], b[65], want[256];

	k.net = 0x01;
	k2.net = 0x02;
	assert_int_equal(diff(write_report(&k, "a.json"), write_report(&k2,
	    "b.json"), &r), TEEC_OK);
	(void)item(&r.d, RDIFF_EXPECTED, "byproduct", "network.jsonl");
	hexbyte(0x01, a);
	hexbyte(0x02, b);
	LINE(r.text, "  differs (expected) byproduct network.jsonl");
	snprintf(want, sizeof(want), "      A  %s", a);
	LINE(r.text, want);
	snprintf(want, sizeof(want), "      B  %s", b);
	LINE(r.text, want);
	result_free(&r);
}

static void
test_network_byproduct_absent(void **state)
{
	struct mk k = { 0 }, k2 = { 0 };
	struct result r;
	const struct rdiff_item *it;

	k2.net = 0x02;
	assert_int_equal(diff(write_report(&k, "a.json"), write_report(&k2,
	    "b.json"), &r), TEEC_OK);
	it = item(&r.d, RDIFF_EXPECTED, "byproduct", "network.jsonl");
	assert_null(it->a);
	assert_non_null(it->b);
	HAS(r.json, "{\"field\":\"byproduct\",\"key\":\"network.jsonl\","
	    "\"change\":\"expected\",\"a\":null,");
	result_free(&r);
}

static void
test_build_log_byproduct_same(void **state)
{
	struct mk k = { 0 };
	struct result r;
	size_t i;

	k.net = 0x01;
	assert_int_equal(diff(write_report(&k, "a.json"), write_report(&k,
	    "b.json"), &r), TEEC_OK);
	for (i = 0; i < r.d.n; i++)
		assert_string_not_equal(r.d.v[i].field, "byproduct");
	result_free(&r);
}

static void
test_hostile_uri_escaped(void **state)
{
	struct mk k = { 0 }, k2 = { 0 };
	struct result r;
	char h[65], want[512];

	/* every character report_parse() lets into a URI */
	k.dep_uri = HOSTILE_URI;
	assert_int_equal(diff(write_report(&k, "a.json"), write_report(&k2,
	    "b.json"), &r), TEEC_FAIL);
	hexbyte(0x5a, h);
	/* text: printable, as it is (61 bytes: padded) */
	snprintf(want, sizeof(want), "    %-9s  %-4s  %-6s  %-61s  %-6s  %-7s  %s",
	    "only in A", "A", "GET", HOSTILE_URI, "200", "1017722", h);
	LINE(r.text, want);
	/* Markdown: no link, no emphasis, no entity left raw */
	snprintf(want, sizeof(want), "| **only in A** | A | GET | https://evil."
	    "example/&#39;&amp;\\*\\_\\[x\\](javascript:alert(1))\\!\\$\\@\\#\\~;=+,"
	    "%%41 | 200 | 1017722 | `%s` |", h);
	LINE(r.md, want);
	assert_null(strstr((char *)r.md.data, "[x]("));
	/* JSON: the same characters, a valid string */
	HAS(r.json, "\"uri\":\"" HOSTILE_URI "\"");
	result_free(&r);
}

static void
test_image_pcrs_claimed_differ(void **state)
{
	struct mk k = { 0 }, ref = { 0 };
	struct result r;
	const char *a, *b;

	k.pcr = 0x99;
	a = write_report(&ref, "a.json");
	b = write_report(&k, "b.json");
	assert_int_equal(diff(a, b, &r), TEEC_FAIL);
	assert_int_equal(r.d.count[RDIFF_INPUT], 3);
	(void)item(&r.d, RDIFF_INPUT, "image.PCR0", NULL);
	(void)item(&r.d, RDIFF_INPUT, "image.PCR2", NULL);
	HAS(r.text, "9999 (as the report claims)");
	result_free(&r);
}

static void
test_bundles_differ_only_in_attestation(void **state)
{
	struct mk k = { 0 }, k2 = { 0 };
	struct result r;
	const char *a, *b;

	k2.doc_ms = (uint64_t)(pki.now + 60) * 1000;
	a = write_bundle(&k, "a.teec");
	b = write_bundle(&k2, "b.teec");
	assert_int_equal(diff(a, b, &r), TEEC_OK);
	(void)item(&r.d, RDIFF_EXPECTED, "attestation.timestamp", NULL);
	HAS(r.text, "A: ");
	HAS(r.text, "(bundle)");
	result_free(&r);
}

static void
test_bundles_attested_pcrs_differ(void **state)
{
	struct mk k = { 0 }, k2 = { 0 };
	struct result r;
	const char *a, *b;

	k2.pcr = 0x22;
	a = write_bundle(&k, "a.teec");
	b = write_bundle(&k2, "b.teec");
	assert_int_equal(diff(a, b, &r), TEEC_FAIL);
	(void)item(&r.d, RDIFF_INPUT, "image.PCR1", NULL);
	HAS(r.text, "2222 (attested)");
	result_free(&r);
}

static void
test_bundle_against_bare_report(void **state)
{
	struct mk k = { 0 };
	struct result r;
	const char *a = write_bundle(&k, "a.teec");
	const char *b = write_report(&k, "b.json");

	/* the same report: only the evidence differs */
	assert_int_equal(diff(a, b, &r), TEEC_OK);
	(void)item(&r.d, RDIFF_EXPECTED, "attestation", NULL);
	HAS(r.text, "(bare report.json)");
	result_free(&r);
}

static void
test_not_a_report_is_error(void **state)
{
	struct mk k = { 0 };
	struct result r;
	char bad[256];
	const char *a = write_report(&k, "a.json");

	snprintf(bad, sizeof(bad), "%s/bad.json", dir);
	assert_int_equal(write_file_atomic(bad, "{}", 2, 0644, NULL), TEEC_OK);
	assert_int_equal(diff(a, bad, &r), TEEC_ERROR);
	result_free(&r);
	snprintf(bad, sizeof(bad), "%s/garbage.teec", dir);
	assert_int_equal(write_file_atomic(bad, "garbage", 7, 0644, NULL), TEEC_OK);
	assert_int_equal(diff(bad, a, &r), TEEC_ERROR);
	result_free(&r);
}

static void
test_json_output_parses(void **state)
{
	struct mk k = { 0 }, k2 = { 0 };
	struct result r;
	cJSON *j;
	const cJSON *o, *x;

	k2.hello = 2;
	k2.started = 1700000100;
	assert_int_equal(diff(write_report(&k, "a.json"), write_report(&k2,
	    "b.json"), &r), TEEC_FAIL);
	assert_non_null(j = cJSON_ParseWithLength((char *)r.json.data, r.json.len));
	assert_true(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(j, "agree")));
	o = cJSON_GetObjectItemCaseSensitive(j, "outputs");
	assert_int_equal(cJSON_GetArraySize(o), 1);
	x = cJSON_GetArrayItem(o, 0);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(x, "field")->valuestring,
	    "subject");
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(x, "key")->valuestring,
	    "hello");
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(x, "change")->valuestring,
	    "differs");
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j,
	    "inputs")), 0);
	assert_true(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j,
	    "expected")) >= 2);
	cJSON_Delete(j);
	HAS(r.md, "| **differs** | subject `hello` |");
	result_free(&r);
}

static void
test_hostile_names_escaped(void **state)
{
	struct mk k = { 0 }, k2 = { 0 };
	struct result r;

	k2.extra_subject = "<img src=x>|`x`";
	k2.cmd = "make \\u001b[2J";
	assert_int_equal(diff(write_report(&k, "a.json"), write_report(&k2,
	    "b.json"), &r), TEEC_FAIL);
	HAS(r.text, "subject <img src=x>|`x`");
	HAS(r.text, "make \\x1b[2J");
	assert_null(memchr(r.text.data, 0x1b, r.text.len));
	HAS(r.md, "subject &lt;img src=x&gt;\\|\\`x\\`");
	assert_null(strstr((char *)r.md.data, "<img"));
	assert_null(memchr(r.md.data, 0x1b, r.md.len));
	HAS(r.json, "make \\u001b[2J");
	result_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_identical_reports_agree),
		cmocka_unit_test(test_times_and_ids_are_expected),
		cmocka_unit_test(test_subject_digest_differs),
		cmocka_unit_test(test_subject_added),
		cmocka_unit_test(test_subject_removed),
		cmocka_unit_test(test_source_digest_differs),
		cmocka_unit_test(test_source_commit_differs),
		cmocka_unit_test(test_command_differs),
		cmocka_unit_test(test_build_env_differs),
		cmocka_unit_test(test_build_outputs_differ),
		cmocka_unit_test(test_worker_environment_differs),
		cmocka_unit_test(test_dependency_digest_differs),
		cmocka_unit_test(test_dependency_added),
		cmocka_unit_test(test_dependency_removed),
		cmocka_unit_test(test_dependency_status_differs),
		cmocka_unit_test(test_dependency_refused_differs),
		cmocka_unit_test(test_dependency_method_is_part_of_key),
		cmocka_unit_test(test_dependency_second_request),
		cmocka_unit_test(test_dependency_markdown_table),
		cmocka_unit_test(test_dependency_json),
		cmocka_unit_test(test_no_dependency_table_when_equal),
		cmocka_unit_test(test_upstream_ca_added),
		cmocka_unit_test(test_upstream_ca_removed),
		cmocka_unit_test(test_upstream_ca_changed),
		cmocka_unit_test(test_upstream_ca_same_agrees),
		cmocka_unit_test(test_network_byproduct_expected),
		cmocka_unit_test(test_network_byproduct_absent),
		cmocka_unit_test(test_build_log_byproduct_same),
		cmocka_unit_test(test_hostile_uri_escaped),
		cmocka_unit_test(test_image_pcrs_claimed_differ),
		cmocka_unit_test(test_bundles_differ_only_in_attestation),
		cmocka_unit_test(test_bundles_attested_pcrs_differ),
		cmocka_unit_test(test_bundle_against_bare_report),
		cmocka_unit_test(test_not_a_report_is_error),
		cmocka_unit_test(test_json_output_parses),
		cmocka_unit_test(test_hostile_names_escaped),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}

/* SPDX-License-Identifier: ISC */
/*
 * teec-report show: bundles made with a test PKI (as in test_bundle.c)
 * and bare reports, rendered in each format. The verdict comes first,
 * the subjects and digests are there, and hostile names and commands
 * reach no output unescaped.
 */
#include "tests/unit/testutil.h"

#include <sys/stat.h>

#include <fcntl.h>

#include <cJSON.h>

#include "common/caps.h"
#include "common/digest.h"
#include "common/encode.h"
#include "common/fileio.h"
#include "enclave/nsm.h"
#include "report/netlog.h"
#include "report/report.h"
#include "report/show.h"
#include "report/view.h"
#include "tests/unit/testpki.h"
#include "verify/bundle.h"
#include "verify/chain.h"
#include "verify/images.h"

static struct testpki pki;
static struct trust_roots roots;
static struct images images;
static char dir[64];
static uint8_t image_pcr[3][48];

/* A subject name and a command an attacker would like to see unescaped. */
#define HOSTILE_DIR   "<script>alert(1)<"
#define HOSTILE_NAME  HOSTILE_DIR "/script>\"'&"
#define GOOD_BUILD    "{\"language\":\"c\",\"input\":{\"cmd\":\"make\"," \
	"\"env\":{\"CFLAGS\":\"-O2\"}},\"output\":{\"files\":[\"hello\",\"lib/x.so\"]}}"
/* input.cmd as JSON: the same bytes as HOSTILE_CMD */
#define HOSTILE_BUILD "{\"language\":\"c\",\"input\":{\"cmd\":\"make " \
	"<script>alert(1)</script> \\\"'& `id` | x \\u001b[31m\"}," \
	"\"output\":{\"files\":[\"hello\"]}}"

/* A refused request an attacker would like to see unescaped: every
 * punctuation character report_parse() lets into a URI, and a reason
 * with markup, a table pipe, a code span and a terminal escape. */
#define HOSTILE_URI   "https://evil.example/'&*_[x](javascript:alert(1))!$@#~;=+,%41"
#define HOSTILE_REASON "<script>alert(1)</script> | `id` \x1b[31m"

struct mk {
	int hostile;            /* the hostile subject and command */
	int corrupt_report;     /* a byte of report.json changed after signing */
	int debug;              /* zero PCRs */
	int net;                /* network.jsonl byproduct, upstream CA */
	int detach_net;         /* with net: the bundle leaves network.jsonl out */
	int hostile_dep;        /* the refused request: HOSTILE_URI, HOSTILE_REASON */
	const char *dep_name;   /* the fetch's name */
};

/* externalParameters.upstreamCa in the reports with net set */
#define CA_BYTE 0xca

static void
put_file(const char *name, const char *data)
{
	int fd = open(name, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	assert_true(fd >= 0);
	assert_int_equal(write_all(fd, data, strlen(data)), 0);
	close(fd);
}

static int
setup(void **state)
{
	struct testpki_opts o;
	struct teec_err err;
	char json[1024], h[3][97];
	size_t i;

	memset(&o, 0, sizeof(o));
	o.ninter = 1;
	if (testpki_make(&o, &pki) != 0)
		return -1;
	roots_init(&roots);
	if (roots_add_der(&roots, pki.bundle[0], pki.bundle_len[0], &err) != TEEC_OK)
		return -1;
	snprintf(dir, sizeof(dir), "/tmp/teec-render.XXXXXX");
	if (mkdtemp(dir) == NULL || chdir(dir) != 0)
		return -1;
	for (i = 0; i < 3; i++) {
		memset(image_pcr[i], 0x21 * (int)(i + 1), 48);
		hex_encode(image_pcr[i], 48, h[i]);
	}
	snprintf(json, sizeof(json),
	    "{\"images\":[{\"name\":\"c-gcc12\",\"language\":\"c\",\"toolchain\":"
	    "\"gcc 12.2\",\"pcrs\":{\"0\":\"%s\",\"1\":\"%s\",\"2\":\"%s\"},"
	    "\"valid_from\":\"2000-01-01T00:00:00Z\"}]}", h[0], h[1], h[2]);
	if (images_parse("images.json", (const uint8_t *)json, strlen(json),
	    &images, &err) != TEEC_OK)
		return -1;
	mkdir("lib", 0755);
	mkdir(HOSTILE_DIR, 0755);
	put_file("hello", "\177ELF hello");
	put_file("lib/x.so", "shared object");
	put_file(HOSTILE_NAME, "hostile");
	put_file("build.log", "cc -o hello hello.c\n");
	return 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	testpki_free(&pki);
	roots_free(&roots);
	images_free(&images);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void
subject(struct report_subject *s, const char *name)
{
	struct buf b;
	struct teec_err err;

	memset(s, 0, sizeof(*s));
	s->name = (char *)name;
	assert_int_equal(read_file_capped(name, 1 << 20, &b, &err), TEEC_OK);
	sha256(b.data, b.len, s->sha256);
	sha384(b.data, b.len, s->sha384);
	s->has_sha384 = 1;
	buf_free(&b);
}

static void
make_report(const struct mk *k, struct buf *out)
{
	static const char *const en[] = { "LC_ALL", "PATH", "TZ" };
	static const char *const ev[] = { "C.UTF-8", "/usr/bin:/bin", "UTC" };
	struct report_subject subj[3];
	struct report_dep dep[2];
	struct report_input in;
	struct netlog_entry e;
	struct teec_err err;
	struct buf tx;
	uint8_t src[32], logd[32], netd[32], ca[32];
	const char *bj = k->hostile ? HOSTILE_BUILD : GOOD_BUILD;
	size_t i;

	memset(&in, 0, sizeof(in));
	memset(dep, 0, sizeof(dep));
	memset(src, 0xab, sizeof(src));
	subject(&subj[0], "hello");
	subject(&subj[1], "lib/x.so");
	if (k->hostile)
		subject(&subj[2], HOSTILE_NAME);
	assert_int_equal(sha256_file("build.log", logd, NULL, &err), TEEC_OK);
	dep[0].uri = "https://ftp.gnu.org/gnu/hello/hello-2.12.tar.gz";
	memset(dep[0].sha256, 0x5a, 32);
	dep[0].has_sha256 = 1;
	dep[0].method = "GET";
	dep[0].status = 200;
	dep[0].size = 1017722;
	dep[1].uri = "https://telemetry.example.com/ping";
	dep[1].method = "POST";
	dep[1].status = -1;
	dep[1].size = -1;
	dep[1].refused = 1;
	dep[1].reason = "no network policy allows this host";
	dep[0].name = (char *)k->dep_name;
	if (k->hostile_dep) {
		dep[1].uri = HOSTILE_URI;
		dep[1].reason = HOSTILE_REASON;
	}
	if (k->net) {
		/* the transcript the worker writes for these dependencies */
		buf_init(&tx, TEEC_MAX_NET_TRANSCRIPT);
		for (i = 0; i < 2; i++) {
			memset(&e, 0, sizeof(e));
			e.dep = &dep[i];
			e.conn = i + 1;
			e.tls = 1;
			if (netlog_append(&tx, i, &e, &err) != TEEC_OK)
				fail_msg("netlog_append: %s", err.msg);
		}
		sha256(tx.data, tx.len, netd);
		assert_int_equal(write_file_atomic("network.jsonl", tx.data, tx.len,
		    0644, NULL), TEEC_OK);
		buf_free(&tx);
		memset(ca, CA_BYTE, sizeof(ca));
		in.net_sha256 = netd;
		in.upstream_ca_sha256 = ca;
	}
	in.build_json = (const uint8_t *)bj;
	in.build_json_len = strlen(bj);
	in.source_sha256 = src;
	in.source_commit = "8f3c1e2d4b5a69788796a5b4c3d2e1f0a9b8c7d6";
	in.env_names = en;
	in.env_values = ev;
	in.nenv = 3;
	in.source_date_epoch = 1700000000;
	in.timeout = 3600;
	in.isolation = "nitro";
	in.builder_id = "https://teec.dev/builder/nitro/v1";
	in.builder_version = "0.1.0";
	in.invocation_id = "123e4567-e89b-42d3-a456-426614174000";
	in.started = 1700000000;
	in.finished = 1700000010;
	in.subjects = subj;
	in.nsubjects = k->hostile ? 3 : 2;
	in.deps = dep;
	in.ndeps = 2;
	in.log_sha256 = logd;
	in.pcrs = k->debug ? NULL : (const uint8_t (*)[48])image_pcr;
	buf_init(out, TEEC_MAX_REPORT_BYTES);
	if (report_write(&in, out, &err) != TEEC_OK)
		fail_msg("report_write: %s", err.msg);
}

static const char *
make_bundle(const struct mk *k)
{
	static char path[256];
	static const uint8_t zero[16][48];
	uint8_t pcrs[16][48];
	struct bundle_artifact arts[3];
	struct nitro_fields f;
	struct teec_err err;
	struct buf rep, doc;
	struct bundle_members m;
	uint8_t ud[REPORT_BINDING_LEN];
	size_t narts = 0;
	int fd;

	make_report(k, &rep);
	report_binding(rep.data, rep.len, ud);
	memset(pcrs, 0, sizeof(pcrs));
	memcpy(pcrs, image_pcr, sizeof(image_pcr));
	memset(pcrs[4], 0x44, 48);          /* an instance PCR, non-zero */
	memset(&f, 0, sizeof(f));
	f.pcrs = k->debug ? zero : (const uint8_t (*)[48])pcrs;
	f.npcrs = 16;
	f.user_data = ud;
	f.user_data_len = sizeof(ud);
	buf_init(&doc, TEEC_MAX_DOC_BYTES);
	assert_int_equal(testpki_doc(&pki, &f, 0, &doc), 0);
	if (k->corrupt_report)
		rep.data[rep.len / 2] ^= 0x01;
	arts[narts].name = "hello";
	arts[narts++].path = "hello";
	arts[narts].name = "lib/x.so";
	arts[narts++].path = "lib/x.so";
	if (k->hostile) {
		arts[narts].name = HOSTILE_NAME;
		arts[narts++].path = HOSTILE_NAME;
	}
	snprintf(path, sizeof(path), "%s/b.teec", dir);
	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	memset(&m, 0, sizeof(m));
	m.report = rep.data;
	m.report_len = rep.len;
	m.att = doc.data;
	m.att_len = doc.len;
	m.log_path = "build.log";
	m.network_path = k->net && !k->detach_net ? "network.jsonl" : NULL;
	m.arts = arts;
	m.narts = narts;
	if (bundle_write_members(fd, &m, &err) != TEEC_OK)
		fail_msg("bundle_write_members: %s", err.msg);
	close(fd);
	buf_free(&rep);
	buf_free(&doc);
	return path;
}

static const char *
make_bare(const struct mk *k)
{
	static char path[256];
	struct buf rep;

	make_report(k, &rep);
	snprintf(path, sizeof(path), "%s/report.json", dir);
	assert_int_equal(write_file_atomic(path, rep.data, rep.len, 0644, NULL),
	    TEEC_OK);
	buf_free(&rep);
	return path;
}

static int
load(const char *path, struct show *s)
{
	struct show_opts o;
	struct teec_err err = { "" };
	int rc;

	memset(&o, 0, sizeof(o));
	o.roots = &roots;
	o.images = &images;
	o.time_source = "document";
	rc = show_load(path, &o, s, &err);
	if (rc == TEEC_ERROR)
		print_message("show_load: %s\n", err.msg);
	return rc;
}

/* Render s in f; the caller frees *out. */
static void
render(const struct show *s, enum show_format f, struct buf *out)
{
	struct teec_err err = { "" };

	buf_init(out, TEEC_MAX_RENDER_BYTES);
	if (show_render(out, s, f, &err) != TEEC_OK)
		fail_msg("show_render: %s", err.msg);
	assert_non_null(out->data);
}

#define HAS(b, s) do { \
	if (strstr((const char *)(b).data, (s)) == NULL) { \
		print_message("%s\n", (const char *)(b).data); \
		fail_msg("no \"%s\" in the output above", (s)); \
	} \
} while (0)
#define HASNT(b, s) do { \
	if (strstr((const char *)(b).data, (s)) != NULL) { \
		print_message("%s\n", (const char *)(b).data); \
		fail_msg("\"%s\" in the output above", (s)); \
	} \
} while (0)

static void
hexof(const char *file, char out[65])
{
	uint8_t md[32];
	struct teec_err err;

	assert_int_equal(sha256_file(file, md, NULL, &err), TEEC_OK);
	hex_encode(md, 32, out);
}

/* A file's size in decimal, as the byproducts table shows it. */
static void
sizeof_file(const char *file, char out[24])
{
	struct stat st;

	assert_int_equal(stat(file, &st), 0);
	snprintf(out, 24, "%lld", (long long)st.st_size);
}

/* s is one whole line of the output (without its newline). */
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

/* The line that follows head (a whole line, or the rest of the line
 * head starts), exactly. */
static void
line_after(const struct buf *b, const char *head, const char *want)
{
	const char *p = strstr((const char *)b->data, head), *nl;
	size_t n = strlen(head);

	if (p == NULL)
		fail_msg("no \"%s\" line", head);
	p += n;
	if (head[n - 1] != '\n') {
		if ((p = strchr(p, '\n')) == NULL)
			fail_msg("nothing after \"%s\"", head);
		p++;
	}
	nl = strchr(p, '\n');
	if (nl == NULL || (size_t)(nl - p) != strlen(want) ||
	    strncmp(p, want, strlen(want)) != 0) {
		fprintf(stderr, "%.*s\n", nl ? (int)(nl - p) : 80, p);
		fail_msg("after \"%s\": not \"%s\" but the line above", head,
		    want);
	}
}

static void
repeat_hex(uint8_t byte, char out[65])
{
	uint8_t d[32];

	memset(d, byte, sizeof(d));
	hex_encode(d, 32, out);
}

/* Only printable ASCII, line feeds and (HTML, Markdown) nothing else. */
static void
no_raw_controls(const struct buf *b)
{
	size_t i;

	for (i = 0; i < b->len; i++)
		if (b->data[i] != '\n' && (b->data[i] < 0x20 || b->data[i] >= 0x7f))
			fail_msg("raw byte 0x%02x at %zu", b->data[i], i);
}

static void
test_text_good_bundle(void **state)
{
	struct mk k = { 0 };
	struct show s;
	struct buf out;
	char h[65], first[256];

	assert_int_equal(load(make_bundle(&k), &s), TEEC_OK);
	render(&s, SHOW_TEXT, &out);
	snprintf(first, sizeof(first), "%s/b.teec: VERIFIED\n", dir);
	assert_memory_equal(out.data, first, strlen(first));
	hexof("hello", h);
	HAS(out, h);
	HAS(out, "  hello ");
	HAS(out, "lib/x.so");
	HAS(out, "matches its artifact");
	HAS(out, "trusted image  c-gcc12");
	HAS(out, "PCR4");                        /* non-zero: shown */
	HASNT(out, "PCR5");                      /* zero: left out */
	HAS(out, "test root (NOT AWS)");
	HAS(out, "enclave clock, not attested time");
	HAS(out, "8f3c1e2d4b5a69788796a5b4c3d2e1f0a9b8c7d6");
	HAS(out, "https://ftp.gnu.org/gnu/hello/hello-2.12.tar.gz");
	HAS(out, "no network policy allows this host");
	HAS(out, "CFLAGS");
	HAS(out, "verification time");
	no_raw_controls(&out);
	buf_free(&out);
	show_free(&s);
}

static void
test_markdown_good_bundle(void **state)
{
	struct mk k = { 0 };
	struct show s;
	struct buf out;
	char h[65], cell[200];

	assert_int_equal(load(make_bundle(&k), &s), TEEC_OK);
	render(&s, SHOW_MARKDOWN, &out);
	HAS(out, "# teec report: ");
	HAS(out, "\n\n**VERIFIED**\n");
	HAS(out, "| name | artifact | sha256 | sha384 |\n| --- | --- | --- | --- |\n");
	hexof("hello", h);
	snprintf(cell, sizeof(cell), "| hello | matches its artifact | `%s` |", h);
	HAS(out, cell);
	HAS(out, "## Enclave image");
	HAS(out, "| trusted image | c-gcc12 |");
	assert_true(strstr((char *)out.data, "**VERIFIED**") <
	    strstr((char *)out.data, "## Checks"));
	buf_free(&out);
	show_free(&s);
}

static void
test_html_good_bundle(void **state)
{
	struct mk k = { 0 };
	struct show s;
	struct buf out;
	char h[65];

	assert_int_equal(load(make_bundle(&k), &s), TEEC_OK);
	render(&s, SHOW_HTML, &out);
	assert_memory_equal(out.data, "<!DOCTYPE html>\n", 16);
	HAS(out, "<p class=\"verdict ok\">VERIFIED</p>");
	hexof("hello", h);
	HAS(out, h);
	HAS(out, "<td>hello</td>");
	HAS(out, "c-gcc12");
	HAS(out, "</html>\n");
	buf_free(&out);
	show_free(&s);
}

static void
test_json_good_bundle(void **state)
{
	struct mk k = { 0 };
	struct show s;
	struct buf out;
	cJSON *j;
	const cJSON *subj, *x;
	char h[65];

	assert_int_equal(load(make_bundle(&k), &s), TEEC_OK);
	render(&s, SHOW_JSON, &out);
	assert_non_null(j = cJSON_ParseWithLength((char *)out.data, out.len));
	assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "verified")));
	assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(j, "reason")));
	assert_true(cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(j, "checks")));
	x = cJSON_GetObjectItemCaseSensitive(j, "report");
	subj = cJSON_GetObjectItemCaseSensitive(x, "subjects");
	assert_int_equal(cJSON_GetArraySize(subj), 2);
	x = cJSON_GetArrayItem(subj, 0);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(x, "name")->valuestring,
	    "hello");
	hexof("hello", h);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(x, "sha256")->valuestring,
	    h);
	x = cJSON_GetObjectItemCaseSensitive(j, "image");
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(x, "name")->valuestring,
	    "c-gcc12");
	x = cJSON_GetObjectItemCaseSensitive(j, "document");
	assert_true(cJSON_IsObject(x));
	x = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j,
	    "report"), "build");
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(x, "language")->valuestring,
	    "c");
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(j, "kind")->valuestring,
	    "bundle");
	cJSON_Delete(j);
	buf_free(&out);
	show_free(&s);
}

static void
test_failing_bundle_reason_first(void **state)
{
	struct mk k = { 0 };
	struct show s;
	struct buf out;
	const char *nl, *p;
	cJSON *j;

	k.corrupt_report = 1;
	assert_int_equal(load(make_bundle(&k), &s), TEEC_FAIL);
	render(&s, SHOW_TEXT, &out);
	nl = strchr((char *)out.data, '\n');
	p = strstr((char *)out.data, "NOT VERIFIED (BINDING_MISMATCH): ");
	assert_non_null(p);
	assert_true(p < nl);                   /* on the first line */
	HAS(out, "Not verified: everything below is what the bundle says");
	buf_free(&out);

	render(&s, SHOW_MARKDOWN, &out);
	p = strstr((char *)out.data, "**NOT VERIFIED (BINDING\\_MISMATCH)");
	assert_non_null(p);
	assert_true(p < strstr((char *)out.data, "## "));
	buf_free(&out);

	render(&s, SHOW_HTML, &out);
	p = strstr((char *)out.data, "<p class=\"verdict fail\">NOT VERIFIED "
	    "(BINDING_MISMATCH)");
	assert_non_null(p);
	assert_true(p < strstr((char *)out.data, "<section"));
	buf_free(&out);

	render(&s, SHOW_JSON, &out);
	assert_non_null(j = cJSON_ParseWithLength((char *)out.data, out.len));
	assert_true(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(j, "verified")));
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(j, "reason")->valuestring,
	    "BINDING_MISMATCH");
	cJSON_Delete(j);
	buf_free(&out);
	show_free(&s);
}

static void
test_untrusted_image_fails(void **state)
{
	struct mk k = { 0 };
	struct show_opts o;
	struct images none = { 0, NULL };
	struct teec_err err;
	struct show s;
	struct buf out;

	memset(&o, 0, sizeof(o));
	o.roots = &roots;
	o.images = &none;
	assert_int_equal(show_load(make_bundle(&k), &o, &s, &err), TEEC_FAIL);
	render(&s, SHOW_TEXT, &out);
	HAS(out, "NOT VERIFIED (UNKNOWN_IMAGE)");
	HAS(out, "no trusted image matches the attested PCRs");
	buf_free(&out);
	show_free(&s);
}

static void
test_debug_bundle_dev_and_refused(void **state)
{
	struct mk k = { 0 };
	struct show_opts o;
	struct teec_err err;
	struct show s;
	struct buf out;

	k.debug = 1;
	memset(&o, 0, sizeof(o));
	o.roots = &roots;
	o.images = &images;
	/* the test root stands for the development root */
	o.dev = 1;
	o.dev_root = pki.bundle[0];
	o.dev_root_len = pki.bundle_len[0];
	assert_int_equal(show_load(make_bundle(&k), &o, &s, &err), TEEC_OK);
	render(&s, SHOW_TEXT, &out);
	HAS(out, "a local development build (zero PCRs), accepted by --dev");
	HAS(out, "  hello     matches its artifact");
	buf_free(&out);
	render(&s, SHOW_JSON, &out);
	HAS(out, "\"image\":{\"name\":\"local development build\"}");
	buf_free(&out);
	show_free(&s);

	/* without --dev: a debug-mode enclave, refused */
	o.dev = 0;
	o.dev_root = NULL;
	o.dev_root_len = 0;
	assert_int_equal(show_load(make_bundle(&k), &o, &s, &err), TEEC_FAIL);
	render(&s, SHOW_TEXT, &out);
	HAS(out, "NOT VERIFIED (DEBUG_ENCLAVE)");
	HAS(out, "a debug-mode enclave (zero PCRs): not accepted");
	HAS(out, "  hello     unverified");
	buf_free(&out);
	render(&s, SHOW_JSON, &out);
	HAS(out, "\"image\":null");
	HAS(out, "\"in_bundle\":true,\"matches\":false");
	buf_free(&out);
	show_free(&s);
}

/* Every "http" of the page: only the type URIs, as text between tags. */
static void
html_no_references(const struct buf *b)
{
	static const char *const ok[] = {
		"https://in-toto.io/Statement/v1</td>",
		"https://slsa.dev/provenance/v1</td>",
		"https://teec.dev/build/v1</td>",
		"https://teec.dev/builder/nitro/v1</td>",
		"http-equiv=\"Content-Security-Policy\"",
		/* the dependencies are shown as text too */
		"https://ftp.gnu.org/gnu/hello/hello-2.12.tar.gz</td>",
		"https://telemetry.example.com/ping</td>",
		NULL,
	};
	const char *p = (const char *)b->data;
	size_t i;

	while ((p = strstr(p, "http")) != NULL) {
		for (i = 0; ok[i] != NULL; i++)
			if (strncmp(p, ok[i], strlen(ok[i])) == 0)
				break;
		if (ok[i] == NULL)
			fail_msg("an http reference: %.60s", p);
		if (p[-1] != '>' && strncmp(p, "http-equiv", 10) != 0)
			fail_msg("http not at the start of a text node: %.60s", p - 10);
		p += 4;
	}
	HASNT(*b, "src=");
	HASNT(*b, "href");
	HASNT(*b, "url(");
	HASNT(*b, "@import");
	HASNT(*b, "<script");
	HASNT(*b, "<link");
	HASNT(*b, "<img");
}

static void
test_hostile_html_escaped(void **state)
{
	struct mk k = { 0 };
	struct show s;
	struct buf out;

	k.hostile = 1;
	assert_int_equal(load(make_bundle(&k), &s), TEEC_OK);
	render(&s, SHOW_HTML, &out);
	HASNT(out, "alert(1)</script>");
	HASNT(out, "\"'&");
	HASNT(out, "<script");
	HAS(out, "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;");
	HAS(out, "make &lt;script&gt;alert(1)&lt;/script&gt; &quot;&#39;&amp; "
	    "`id` | x \\x1b[31m");
	no_raw_controls(&out);
	html_no_references(&out);
	buf_free(&out);
	show_free(&s);
}

static void
test_hostile_markdown_escaped(void **state)
{
	struct mk k = { 0 };
	struct show s;
	struct buf out;

	k.hostile = 1;
	assert_int_equal(load(make_bundle(&k), &s), TEEC_OK);
	render(&s, SHOW_MARKDOWN, &out);
	HASNT(out, "<script");
	HASNT(out, "\"'&");
	HASNT(out, "`id`");
	HASNT(out, " | x \\");
	HAS(out, "| &lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp; |");
	HAS(out, "make &lt;script&gt;alert(1)&lt;/script&gt; &quot;&#39;&amp; "
	    "\\`id\\` \\| x \\\\x1b\\[31m");
	no_raw_controls(&out);
	buf_free(&out);
	show_free(&s);
}

static void
test_hostile_text_escaped(void **state)
{
	struct mk k = { 0 };
	struct show s;
	struct buf out;

	k.hostile = 1;
	assert_int_equal(load(make_bundle(&k), &s), TEEC_OK);
	render(&s, SHOW_TEXT, &out);
	HAS(out, HOSTILE_NAME);         /* printable: shown as it is */
	HAS(out, "| x \\x1b[31m");      /* the escape byte as \x1b */
	no_raw_controls(&out);
	buf_free(&out);

	render(&s, SHOW_JSON, &out);
	no_raw_controls(&out);
	HAS(out, "\\u001b[31m");
	buf_free(&out);
	show_free(&s);
}

static void
md(const char *in, unsigned flags, int first, const char *want)
{
	struct buf b;

	buf_init(&b, 1024);
	assert_int_equal(view_md_text(&b, in, strlen(in), flags, first), 0);
	assert_non_null(b.data);
	assert_string_equal((char *)b.data, want);
	buf_free(&b);
}

static void
test_markdown_escaping(void **state)
{
	md("1. item", 0, 1, "&#49;. item");             /* no ordered list */
	md("- item", 0, 1, "&#45; item");               /* no nested list */
	md("# title", 0, 1, "\\# title");              /* no heading */
	md("1. item", 0, 0, "1. item");                 /* inside a table cell */
	md("![i](u) [a](b)", 0, 0, "\\!\\[i\\](u) \\[a\\](b)");
	md("<b>&\"'", 0, 0, "&lt;b&gt;&amp;&quot;&#39;");
	md("a|b`c\\d*e_f~g$h", 0, 0, "a\\|b\\`c\\\\\\\\d\\*e\\_f\\~g\\$h");
	md("\x1b[1m\xc3\xa9", 0, 0, "\\\\x1b\\[1m\\\\xc3\\\\xa9");
	md("cc -O2 hello.c", VCELL_CODE, 0, "`cc -O2 hello.c`");
	md("a`b", VCELL_CODE, 0, "a\\`b");            /* no code span then */
	md("FAIL", VCELL_BAD, 0, "**FAIL**");
}

static void
test_bare_report_unverified(void **state)
{
	struct mk k = { 0 };
	struct show s;
	struct buf out;
	char h[65], first[300];
	cJSON *j;

	assert_int_equal(load(make_bare(&k), &s), TEEC_FAIL);
	assert_int_equal(s.kind, SHOW_REPORT);
	render(&s, SHOW_TEXT, &out);
	snprintf(first, sizeof(first), "%s/report.json: UNVERIFIED: a bare "
	    "report.json carries no attestation\n", dir);
	assert_memory_equal(out.data, first, strlen(first));
	hexof("hello", h);
	HAS(out, h);
	HAS(out, "  FAIL  attestation none: a bare report.json carries no attestation");
	HAS(out, "unknown: a bare report.json carries no attestation");
	buf_free(&out);

	render(&s, SHOW_JSON, &out);
	assert_non_null(j = cJSON_ParseWithLength((char *)out.data, out.len));
	assert_true(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(j, "verified")));
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(j, "reason")->valuestring,
	    "UNVERIFIED");
	assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(j, "document")));
	assert_true(cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(j, "report")));
	cJSON_Delete(j);
	buf_free(&out);

	render(&s, SHOW_HTML, &out);
	HAS(out, "<p class=\"verdict fail\">UNVERIFIED: a bare report.json");
	buf_free(&out);
	show_free(&s);
}

static void
test_bare_report_malformed(void **state)
{
	static const char *const bad[] = {
		"{\"_type\":\"https://in-toto.io/Statement/v0.1\",\"subject\":[]}",
		"{}",
		"{\"_type\":\"https://in-toto.io/Statement/v1\",\"_type\":1}",
		"  {\"x\":",
		"",
	};
	struct show s;
	struct buf out;
	char path[256];
	size_t i;

	snprintf(path, sizeof(path), "%s/bad.json", dir);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(write_file_atomic(path, bad[i], strlen(bad[i]),
		    0644, NULL), TEEC_OK);
		assert_int_equal(load(path, &s), TEEC_FAIL);
		assert_int_equal(s.kind, SHOW_REPORT);
		assert_null(show_report(&s));
		render(&s, SHOW_TEXT, &out);
		HAS(out, ": NOT VERIFIED (BAD_REPORT): report.json");
		buf_free(&out);
		show_free(&s);
	}
}

static void
test_bare_report_too_large(void **state)
{
	struct show s;
	struct buf out;
	char path[256];
	char *big;

	snprintf(path, sizeof(path), "%s/big.json", dir);
	assert_non_null(big = malloc(TEEC_MAX_REPORT_BYTES + 2));
	memset(big, ' ', TEEC_MAX_REPORT_BYTES + 2);
	big[0] = '{';
	assert_int_equal(write_file_atomic(path, big, TEEC_MAX_REPORT_BYTES + 2,
	    0644, NULL), TEEC_OK);
	free(big);
	assert_int_equal(load(path, &s), TEEC_FAIL);
	render(&s, SHOW_TEXT, &out);
	HAS(out, "larger than 4194304 bytes");
	buf_free(&out);
	show_free(&s);
}

static void
with_stdin(const char *path)
{
	int fd = open(path, O_RDONLY);

	assert_true(fd >= 0);
	assert_int_equal(dup2(fd, STDIN_FILENO), STDIN_FILENO);
	close(fd);
}

static void
test_stdin_bundle_and_report(void **state)
{
	struct mk k = { 0 };
	struct show s;
	struct buf out;
	int saved = dup(STDIN_FILENO);

	with_stdin(make_bundle(&k));
	assert_int_equal(load("-", &s), TEEC_OK);
	assert_int_equal(s.kind, SHOW_BUNDLE);
	render(&s, SHOW_TEXT, &out);
	assert_memory_equal(out.data, "standard input: VERIFIED\n", 25);
	buf_free(&out);
	show_free(&s);

	with_stdin(make_bare(&k));
	assert_int_equal(load("-", &s), TEEC_FAIL);
	assert_int_equal(s.kind, SHOW_REPORT);
	assert_non_null(show_report(&s));
	show_free(&s);
	dup2(saved, STDIN_FILENO);
	close(saved);
}

static void
test_garbage_is_a_bad_bundle(void **state)
{
	struct show s;
	struct buf out;
	char path[256];

	snprintf(path, sizeof(path), "%s/garbage", dir);
	assert_int_equal(write_file_atomic(path, "not a bundle at all", 19, 0644,
	    NULL), TEEC_OK);
	assert_int_equal(load(path, &s), TEEC_FAIL);
	assert_int_equal(s.kind, SHOW_BUNDLE);
	render(&s, SHOW_TEXT, &out);
	HAS(out, "NOT VERIFIED (BAD_BUNDLE)");
	HAS(out, "report.json could not be read or parsed");
	buf_free(&out);
	render(&s, SHOW_HTML, &out);
	HAS(out, "BAD_BUNDLE");
	buf_free(&out);
	render(&s, SHOW_JSON, &out);
	HAS(out, "\"report\":null");
	buf_free(&out);
	show_free(&s);
}

static void
test_unreadable_is_error(void **state)
{
	struct show s;

	assert_int_equal(load("/nonexistent/b.teec", &s), TEEC_ERROR);
	show_free(&s);
	assert_int_equal(load("/", &s), TEEC_ERROR);
	show_free(&s);
}

static void
test_render_cap_is_error(void **state)
{
	struct mk k = { 0 };
	struct teec_err err;
	struct show s;
	struct buf out;
	int f;

	assert_int_equal(load(make_bundle(&k), &s), TEEC_OK);
	for (f = SHOW_TEXT; f <= SHOW_JSON; f++) {
		buf_init(&out, 512);
		assert_int_equal(show_render(&out, &s, (enum show_format)f, &err),
		    TEEC_ERROR);
		buf_free(&out);
	}
	show_free(&s);
}

/* --- network dependencies, byproducts, upstream CA --- */

static void
test_text_dependencies_table(void **state)
{
	struct mk k = { 0 };
	struct show s;
	struct buf out;
	char h[65], want[512];

	assert_int_equal(load(make_bundle(&k), &s), TEEC_OK);
	render(&s, SHOW_TEXT, &out);
	repeat_hex(0x5a, h);
	line_after(&out, "\nNetwork dependencies\n",
	    "  uri                                              method  status   "
	    "size     sha256, or why it was refused");
	snprintf(want, sizeof(want), "  %-47s  %-6s  %-7s  %-7s  %s",
	    "https://ftp.gnu.org/gnu/hello/hello-2.12.tar.gz", "GET", "200",
	    "1017722", h);
	LINE(out, want);
	snprintf(want, sizeof(want), "  %-47s  %-6s  %-7s  %-7s  %s",
	    "https://telemetry.example.com/ping", "POST", "refused", "",
	    "no network policy allows this host");
	LINE(out, want);
	buf_free(&out);
	show_free(&s);
}

static void
test_text_dependency_name_column(void **state)
{
	struct mk k = { 0 };
	struct show s;
	struct buf out;
	char h[65], want[512];

	k.dep_name = "hello-tarball";
	assert_int_equal(load(make_bundle(&k), &s), TEEC_OK);
	render(&s, SHOW_TEXT, &out);
	repeat_hex(0x5a, h);
	snprintf(want, sizeof(want), "  %-47s  %-6s  %-7s  %-7s  %-64s  %s",
	    "uri", "method", "status", "size", "sha256, or why it was refused",
	    "name");
	line_after(&out, "\nNetwork dependencies\n", want);
	snprintf(want, sizeof(want), "  %-47s  %-6s  %-7s  %-7s  %s  %s",
	    "https://ftp.gnu.org/gnu/hello/hello-2.12.tar.gz", "GET", "200",
	    "1017722", h, "hello-tarball");
	LINE(out, want);
	snprintf(want, sizeof(want), "  %-47s  %-6s  %-7s  %-7s  %s",
	    "https://telemetry.example.com/ping", "POST", "refused", "",
	    "no network policy allows this host");
	LINE(out, want);
	buf_free(&out);
	show_free(&s);
}

static void
test_text_no_dependencies(void **state)
{
	struct show s;
	struct buf out, in;
	char path[256];
	char *p;

	/* the reference report without its two dependencies */
	make_report(&(struct mk){ 0 }, &in);
	p = strstr((char *)in.data, ",{\"uri\":\"https://ftp.gnu.org");
	assert_non_null(p);
	{
		char *q = strstr(p, "]");

		assert_non_null(q);
		memmove(p, q, strlen(q) + 1);
		in.len = strlen((char *)in.data);
	}
	snprintf(path, sizeof(path), "%s/nodeps.json", dir);
	assert_int_equal(write_file_atomic(path, in.data, in.len, 0644, NULL),
	    TEEC_OK);
	buf_free(&in);
	assert_int_equal(load(path, &s), TEEC_FAIL);
	assert_non_null(show_report(&s));
	render(&s, SHOW_TEXT, &out);
	line_after(&out, "\nNetwork dependencies\n",
	    "  none: the build made no network request");
	line_after(&out, "\nUpstream TLS trust (externalParameters.upstreamCa)\n",
	    "  CA bundle  the image's own");
	buf_free(&out);
	show_free(&s);
}

static void
test_text_byproducts_network(void **state)
{
	struct mk k = { 0 };
	struct show s;
	struct buf out;
	char lh[65], nh[65], want[512], ls[24], ns[24];
	int w;

	k.net = 1;
	assert_int_equal(load(make_bundle(&k), &s), TEEC_OK);
	render(&s, SHOW_TEXT, &out);
	hexof("build.log", lh);
	hexof("network.jsonl", nh);
	/* the members' sizes, in bytes, in a column as wide as the widest */
	sizeof_file("build.log", ls);
	sizeof_file("network.jsonl", ns);
	w = (int)(strlen(ls) > strlen(ns) ? strlen(ls) : strlen(ns));
	w = w < 4 ? 4 : w;
	snprintf(want, sizeof(want), "  name           %-*s  sha256%58s  "
	    "bundle member", w, "size", "");
	line_after(&out, "\nByproducts (runDetails.byproducts)\n", want);
	snprintf(want, sizeof(want), "  build.log      %-*s  %s  "
	    "matches the bundle's member", w, ls, lh);
	LINE(out, want);
	snprintf(want, sizeof(want), "  network.jsonl  %-*s  %s  "
	    "matches the bundle's member, 2 lines, each matching its "
	    "dependency", w, ns, nh);
	LINE(out, want);
	LINE(out, "  ok    bundle     6 members: report, attestation, build log, "
	    "network transcript, 2 artifacts");
	buf_free(&out);
	show_free(&s);
}

static void
test_text_byproduct_detached(void **state)
{
	struct mk k = { 0 };
	struct show s;
	struct buf out;
	char nh[65], want[512], ls[24];

	k.net = 1;
	k.detach_net = 1;
	assert_int_equal(load(make_bundle(&k), &s), TEEC_OK);
	render(&s, SHOW_TEXT, &out);
	hexof("network.jsonl", nh);
	/* in the bundle: its size; not in it: none */
	sizeof_file("build.log", ls);
	snprintf(want, sizeof(want), "  build.log      %-12s  ", ls);
	HAS(out, want);
	snprintf(want, sizeof(want), "  network.jsonl  not recorded  %s  "
	    "not in the bundle", nh);
	LINE(out, want);
	buf_free(&out);
	show_free(&s);
}

static void
test_text_byproducts_bare_report(void **state)
{
	struct mk k = { 0 };
	struct show s;
	struct buf out;
	char lh[65], want[512];

	assert_int_equal(load(make_bare(&k), &s), TEEC_FAIL);
	render(&s, SHOW_TEXT, &out);
	hexof("build.log", lh);
	snprintf(want, sizeof(want), "  build.log  not recorded  %s  not checked",
	    lh);
	line_after(&out, "\nByproducts (runDetails.byproducts)\n",
	    "  name       size          sha256                              "
	    "                              bundle member");
	LINE(out, want);
	HASNT(out, "network.jsonl");
	buf_free(&out);
	show_free(&s);
}

static void
test_text_upstream_ca(void **state)
{
	struct mk k = { 0 };
	struct show s;
	struct buf out;
	char h[65], want[256];

	k.net = 1;
	assert_int_equal(load(make_bundle(&k), &s), TEEC_OK);
	render(&s, SHOW_TEXT, &out);
	repeat_hex(CA_BYTE, h);
	snprintf(want, sizeof(want), "  CA bundle sha256  %s", h);
	line_after(&out, "\nUpstream TLS trust (externalParameters.upstreamCa)\n",
	    want);
	line_after(&out, want, "  meaning           the build's HTTPS origins "
	    "were verified against a CA bundle chosen by whoever started the "
	    "build, not the image's");
	buf_free(&out);
	show_free(&s);
}

static void
test_text_upstream_ca_absent(void **state)
{
	struct mk k = { 0 };
	struct show s;
	struct buf out;

	assert_int_equal(load(make_bundle(&k), &s), TEEC_OK);
	render(&s, SHOW_TEXT, &out);
	line_after(&out, "\nUpstream TLS trust (externalParameters.upstreamCa)\n",
	    "  CA bundle  the image's own");
	HASNT(out, "chosen by whoever started the build");
	buf_free(&out);
	show_free(&s);
}

static void
test_markdown_network(void **state)
{
	struct mk k = { 0 };
	struct show s;
	struct buf out;
	char h[65], want[512], sz[24];

	k.net = 1;
	assert_int_equal(load(make_bundle(&k), &s), TEEC_OK);
	render(&s, SHOW_MARKDOWN, &out);
	LINE(out, "## Network dependencies");
	LINE(out, "| uri | method | status | size | sha256, or why it was "
	    "refused |");
	repeat_hex(0x5a, h);
	snprintf(want, sizeof(want), "| https://ftp.gnu.org/gnu/hello/hello-2.12."
	    "tar.gz | GET | 200 | 1017722 | `%s` |", h);
	LINE(out, want);
	LINE(out, "| https://telemetry.example.com/ping | POST | **refused** |  | "
	    "no network policy allows this host |");
	LINE(out, "## Byproducts (runDetails.byproducts)");
	LINE(out, "| name | size | sha256 | bundle member |");
	hexof("network.jsonl", h);
	sizeof_file("network.jsonl", sz);
	snprintf(want, sizeof(want), "| network.jsonl | %s | `%s` | "
	    "matches the bundle&#39;s member, 2 lines, each matching its "
	    "dependency |", sz, h);
	LINE(out, want);
	LINE(out, "## Upstream TLS trust (externalParameters.upstreamCa)");
	repeat_hex(CA_BYTE, h);
	snprintf(want, sizeof(want), "| CA bundle sha256 | `%s` |", h);
	LINE(out, want);
	LINE(out, "| meaning | **the build&#39;s HTTPS origins were verified "
	    "against a CA bundle chosen by whoever started the build, not the "
	    "image&#39;s** |");
	buf_free(&out);
	show_free(&s);
}

static void
test_html_network(void **state)
{
	struct mk k = { 0 };
	struct show s;
	struct buf out;
	char h[65], want[512], sz[24];

	k.net = 1;
	assert_int_equal(load(make_bundle(&k), &s), TEEC_OK);
	render(&s, SHOW_HTML, &out);
	LINE(out, "<section id=\"dependencies\">");
	LINE(out, "<table>");
	LINE(out, "<thead><tr><th>uri</th><th>method</th><th>status</th>"
	    "<th>size</th><th>sha256, or why it was refused</th></tr>");
	repeat_hex(0x5a, h);
	snprintf(want, sizeof(want), "<tr><td>https://ftp.gnu.org/gnu/hello/"
	    "hello-2.12.tar.gz</td><td>GET</td><td>200</td><td>1017722</td>"
	    "<td><code>%s</code></td></tr>", h);
	LINE(out, want);
	LINE(out, "<tr><td>https://telemetry.example.com/ping</td><td>POST</td>"
	    "<td><span class=\"bad\">refused</span></td><td></td><td>no network "
	    "policy allows this host</td></tr>");
	LINE(out, "<section id=\"byproducts\">");
	hexof("network.jsonl", h);
	sizeof_file("network.jsonl", sz);
	snprintf(want, sizeof(want), "<tr><td>network.jsonl</td><td>%s"
	    "</td><td><code>%s</code></td><td>matches the bundle&#39;s "
	    "member, 2 lines, each matching its dependency</td></tr>", sz, h);
	LINE(out, want);
	LINE(out, "<section id=\"upstream-ca\">");
	repeat_hex(CA_BYTE, h);
	snprintf(want, sizeof(want), "<tr><th>CA bundle sha256</th><td><code>%s"
	    "</code></td></tr>", h);
	LINE(out, want);
	LINE(out, "<tr><th>meaning</th><td><span class=\"bad\">the build&#39;s "
	    "HTTPS origins were verified against a CA bundle chosen by whoever "
	    "started the build, not the image&#39;s</span></td></tr>");
	buf_free(&out);
	show_free(&s);
}

static void
test_json_network(void **state)
{
	struct mk k = { 0 };
	struct show s;
	struct buf out;
	cJSON *j;
	const cJSON *rep, *x, *y;
	char h[65], l[65], want[512], ls[24], ns[24];

	k.net = 1;
	assert_int_equal(load(make_bundle(&k), &s), TEEC_OK);
	render(&s, SHOW_JSON, &out);
	assert_non_null(j = cJSON_ParseWithLength((char *)out.data, out.len));
	rep = cJSON_GetObjectItemCaseSensitive(j, "report");
	x = cJSON_GetObjectItemCaseSensitive(rep, "upstreamCa");
	repeat_hex(CA_BYTE, h);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(x, "sha256")->
	    valuestring, h);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(x, "meaning")->
	    valuestring, UPSTREAM_CA_MEANING);
	x = cJSON_GetObjectItemCaseSensitive(rep, "networkLog");
	hexof("network.jsonl", h);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(x, "sha256")->
	    valuestring, h);
	x = cJSON_GetObjectItemCaseSensitive(rep, "dependencies");
	assert_int_equal(cJSON_GetArraySize(x), 2);
	y = cJSON_GetArrayItem(x, 1);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(y, "refused")));
	assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(y, "sha256")));
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(y, "reason")->
	    valuestring, "no network policy allows this host");
	x = cJSON_GetObjectItemCaseSensitive(j, "byproducts");
	assert_int_equal(cJSON_GetArraySize(x), 2);
	/* the exact members, in order */
	hexof("build.log", l);
	sizeof_file("build.log", ls);
	sizeof_file("network.jsonl", ns);
	snprintf(want, sizeof(want), "\"byproducts\":[{\"name\":\"build.log\","
	    "\"size\":%s,\"sha256\":\"%s\",\"in_bundle\":true,\"matches\":"
	    "true},{\"name\":\"network.jsonl\",\"size\":%s,\"sha256\":\"%s\","
	    "\"in_bundle\":true,\"matches\":true,\"lines\":2}]", ls, l, ns, h);
	HAS(out, want);
	cJSON_Delete(j);
	buf_free(&out);
	show_free(&s);
}

static void
test_json_no_network(void **state)
{
	struct mk k = { 0 };
	struct show s;
	struct buf out;

	assert_int_equal(load(make_bare(&k), &s), TEEC_FAIL);
	render(&s, SHOW_JSON, &out);
	HAS(out, ",\"upstreamCa\":null,");
	HAS(out, ",\"networkLog\":null");
	HAS(out, ",\"byproducts\":null,");
	buf_free(&out);
	show_free(&s);
}

/* The hostile refused request, in each format. */
static void
test_hostile_dependency_text(void **state)
{
	struct mk k = { 0 };
	struct show s;
	struct buf out;
	char want[512];

	k.hostile_dep = 1;
	assert_int_equal(load(make_bundle(&k), &s), TEEC_OK);
	render(&s, SHOW_TEXT, &out);
	/* the URI (61 bytes) is printable: as it is; the reason escaped */
	snprintf(want, sizeof(want), "  %-61s  %-6s  %-7s  %-7s  %s",
	    HOSTILE_URI, "POST", "refused", "",
	    "<script>alert(1)</script> | `id` \\x1b[31m");
	LINE(out, want);
	no_raw_controls(&out);
	buf_free(&out);
	show_free(&s);
}

static void
test_hostile_dependency_markdown(void **state)
{
	struct mk k = { 0 };
	struct show s;
	struct buf out;

	k.hostile_dep = 1;
	assert_int_equal(load(make_bundle(&k), &s), TEEC_OK);
	render(&s, SHOW_MARKDOWN, &out);
	LINE(out, "| https://evil.example/&#39;&amp;\\*\\_\\[x\\](javascript:alert(1))"
	    "\\!\\$\\@\\#\\~;=+,%41 | POST | **refused** |  | &lt;script&gt;alert(1)"
	    "&lt;/script&gt; \\| \\`id\\` \\\\x1b\\[31m |");
	HASNT(out, "[x](");
	HASNT(out, "<script");
	no_raw_controls(&out);
	buf_free(&out);
	show_free(&s);
}

static void
test_hostile_dependency_html(void **state)
{
	struct mk k = { 0 };
	struct show s;
	struct buf out;

	k.hostile_dep = 1;
	assert_int_equal(load(make_bundle(&k), &s), TEEC_OK);
	render(&s, SHOW_HTML, &out);
	LINE(out, "<tr><td>https://evil.example/&#39;&amp;*_[x](javascript:alert(1))"
	    "!$@#~;=+,%41</td><td>POST</td><td><span class=\"bad\">refused</span>"
	    "</td><td></td><td>&lt;script&gt;alert(1)&lt;/script&gt; | `id` "
	    "\\x1b[31m</td></tr>");
	HASNT(out, "<script");
	HASNT(out, "'&");
	no_raw_controls(&out);
	buf_free(&out);
	show_free(&s);
}

static void
test_hostile_dependency_json(void **state)
{
	struct mk k = { 0 };
	struct show s;
	struct buf out;
	cJSON *j;
	const cJSON *d;

	k.hostile_dep = 1;
	assert_int_equal(load(make_bundle(&k), &s), TEEC_OK);
	render(&s, SHOW_JSON, &out);
	no_raw_controls(&out);
	HAS(out, "\"reason\":\"<script>alert(1)</script> | `id` \\u001b[31m\"");
	assert_non_null(j = cJSON_ParseWithLength((char *)out.data, out.len));
	d = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(j, "report"), "dependencies"), 1);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(d, "uri")->
	    valuestring, HOSTILE_URI);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(d, "reason")->
	    valuestring, HOSTILE_REASON);
	cJSON_Delete(j);
	buf_free(&out);
	show_free(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_good_bundle),
		cmocka_unit_test(test_markdown_good_bundle),
		cmocka_unit_test(test_html_good_bundle),
		cmocka_unit_test(test_json_good_bundle),
		cmocka_unit_test(test_failing_bundle_reason_first),
		cmocka_unit_test(test_untrusted_image_fails),
		cmocka_unit_test(test_debug_bundle_dev_and_refused),
		cmocka_unit_test(test_hostile_html_escaped),
		cmocka_unit_test(test_hostile_markdown_escaped),
		cmocka_unit_test(test_hostile_text_escaped),
		cmocka_unit_test(test_markdown_escaping),
		cmocka_unit_test(test_bare_report_unverified),
		cmocka_unit_test(test_bare_report_malformed),
		cmocka_unit_test(test_bare_report_too_large),
		cmocka_unit_test(test_stdin_bundle_and_report),
		cmocka_unit_test(test_garbage_is_a_bad_bundle),
		cmocka_unit_test(test_unreadable_is_error),
		cmocka_unit_test(test_render_cap_is_error),
		cmocka_unit_test(test_text_dependencies_table),
		cmocka_unit_test(test_text_dependency_name_column),
		cmocka_unit_test(test_text_no_dependencies),
		cmocka_unit_test(test_text_byproducts_network),
		cmocka_unit_test(test_text_byproduct_detached),
		cmocka_unit_test(test_text_byproducts_bare_report),
		cmocka_unit_test(test_text_upstream_ca),
		cmocka_unit_test(test_text_upstream_ca_absent),
		cmocka_unit_test(test_markdown_network),
		cmocka_unit_test(test_html_network),
		cmocka_unit_test(test_json_network),
		cmocka_unit_test(test_json_no_network),
		cmocka_unit_test(test_hostile_dependency_text),
		cmocka_unit_test(test_hostile_dependency_markdown),
		cmocka_unit_test(test_hostile_dependency_html),
		cmocka_unit_test(test_hostile_dependency_json),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}

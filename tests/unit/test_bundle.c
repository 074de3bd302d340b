/* SPDX-License-Identifier: ISC */
/*
 * Bundles end to end: made with a test PKI and the NSM document encoder
 * (the code the local worker uses), then verified; each way to break one
 * fails with its reason.
 */
#include "tests/unit/testutil.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <fcntl.h>

#include <archive.h>
#include <archive_entry.h>

#include "common/digest.h"
#include "common/encode.h"
#include "common/fileio.h"
#include "enclave/nsm.h"
#include "report/report.h"
#include "tests/unit/testpki.h"
#include "verify/bundle.h"
#include "verify/chain.h"
#include "verify/images.h"

static struct testpki pki;
static struct trust_roots roots;
static char dir[64];
static uint8_t image_pcr[3][48];

#define BUILD_JSON "{\"language\":\"c\",\"input\":{\"cmd\":\"make\"},\"output\":{\"files\":[\"hello\",\"lib/x.so\"]}}"

struct mk {
	const char *prefix;         /* binding prefix; NULL: the real one */
	int debug;                  /* zero PCRs */
	int corrupt_report;         /* flip a byte of report.json after signing */
	int flip_artifact;          /* change an artifact's bytes after hashing */
	int extra_artifact;         /* an artifact that is no subject */
	int no_artifacts;           /* detached */
	const char *report_override;/* report.json bytes to bind and ship */
	int64_t doc_time;           /* 0: pki.now */
	int report_pcrs;            /* 1: the image's PCRs in the report; 2: others */
};

static int
setup(void **state)
{
	struct testpki_opts o;
	struct teec_err err;
	size_t i;
	int fd;

	memset(&o, 0, sizeof(o));
	o.ninter = 2;
	if (testpki_make(&o, &pki) != 0)
		return -1;
	roots_init(&roots);
	if (roots_add_der(&roots, pki.bundle[0], pki.bundle_len[0], &err) != TEEC_OK)
		return -1;
	snprintf(dir, sizeof(dir), "/tmp/teec-bundle.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	for (i = 0; i < 3; i++)
		memset(image_pcr[i], 0x11 * (int)(i + 1), 48);
	/* the artifacts */
	if (chdir(dir) != 0)
		return -1;
	mkdir("lib", 0755);
	fd = open("hello", O_WRONLY | O_CREAT | O_TRUNC, 0755);
	write_all(fd, "\x7f" "ELF hello", 10);
	close(fd);
	fd = open("lib/x.so", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	write_all(fd, "shared object", 13);
	close(fd);
	fd = open("build.log", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	write_all(fd, "cc -o hello hello.c\n", 20);
	close(fd);
	return 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	testpki_free(&pki);
	roots_free(&roots);
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
	assert_int_equal(sha256_file(name, s->sha256, NULL, &err), TEEC_OK);
	assert_int_equal(read_file_capped(name, 1 << 20, &b, &err), TEEC_OK);
	sha384(b.data, b.len, s->sha384);
	s->has_sha384 = 1;
	buf_free(&b);
}

static void
make_report(struct buf *out, int report_pcrs)
{
	static uint8_t other[3][48];
	static const char *const en[] = { "LC_ALL", "TZ" };
	static const char *const ev[] = { "C.UTF-8", "UTC" };
	struct report_subject subj[2];
	struct report_input in;
	struct teec_err err;
	uint8_t src[32], logd[32];

	memset(&in, 0, sizeof(in));
	memset(src, 0xab, sizeof(src));
	subject(&subj[0], "hello");
	subject(&subj[1], "lib/x.so");
	assert_int_equal(sha256_file("build.log", logd, NULL, &err), TEEC_OK);
	in.build_json = (const uint8_t *)BUILD_JSON;
	in.build_json_len = strlen(BUILD_JSON);
	in.source_sha256 = src;
	in.env_names = en;
	in.env_values = ev;
	in.nenv = 2;
	in.timeout = 3600;
	in.isolation = "namespaces";
	in.builder_id = "https://teec.dev/builder/local/v1";
	in.builder_version = "0.1.0";
	in.invocation_id = "123e4567-e89b-42d3-a456-426614174000";
	in.started = 1700000000;
	in.finished = 1700000010;
	in.subjects = subj;
	in.nsubjects = 2;
	in.log_sha256 = logd;
	memset(other, 0x77, sizeof(other));
	if (report_pcrs)
		in.pcrs = report_pcrs == 1 ? (const uint8_t (*)[48])image_pcr :
		    (const uint8_t (*)[48])other;
	buf_init(out, TEEC_MAX_REPORT_BYTES);
	if (report_write(&in, out, &err) != TEEC_OK)
		fail_msg("report_write: %s", err.msg);
}

/* Make a bundle file per the knobs; returns its path. */
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
	uint8_t ud[REPORT_BINDING_LEN];
	size_t narts = 0;
	int fd;

	if (k->report_override) {
		buf_init(&rep, TEEC_MAX_REPORT_BYTES);
		buf_append(&rep, k->report_override, strlen(k->report_override));
	} else
		make_report(&rep, k->report_pcrs);
	report_binding(rep.data, rep.len, ud);
	if (k->prefix)
		memcpy(ud, k->prefix, REPORT_BINDING_PREFIX_LEN);
	memset(pcrs, 0, sizeof(pcrs));
	memcpy(pcrs, image_pcr, sizeof(image_pcr));
	memset(&f, 0, sizeof(f));
	f.pcrs = k->debug ? zero : (const uint8_t (*)[48])pcrs;
	f.npcrs = 16;
	f.user_data = ud;
	f.user_data_len = sizeof(ud);
	f.timestamp_ms = (uint64_t)(k->doc_time ? k->doc_time : pki.now) * 1000;
	buf_init(&doc, TEEC_MAX_DOC_BYTES);
	assert_int_equal(testpki_doc(&pki, &f, 0, &doc), 0);
	if (k->corrupt_report)
		rep.data[rep.len / 2] ^= 0x01;
	if (!k->no_artifacts) {
		arts[narts].name = "hello";
		arts[narts++].path = k->flip_artifact ? "build.log" : "hello";
		arts[narts].name = "lib/x.so";
		arts[narts++].path = "lib/x.so";
		if (k->extra_artifact) {
			arts[narts].name = "extra";
			arts[narts++].path = "hello";
		}
	}
	snprintf(path, sizeof(path), "%s/b.teec", dir);
	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	if (bundle_write(fd, rep.data, rep.len, doc.data, doc.len, "build.log",
	    arts, narts, &err) != TEEC_OK)
		fail_msg("bundle_write: %s", err.msg);
	close(fd);
	buf_free(&rep);
	buf_free(&doc);
	return path;
}

static void
images_one(struct images *im, int64_t from, int64_t until)
{
	char json[1024], h[3][97];
	char until_s[64] = "";
	struct teec_err err;
	size_t i;

	for (i = 0; i < 3; i++)
		hex_encode(image_pcr[i], 48, h[i]);
	if (until)
		snprintf(until_s, sizeof(until_s), ",\"valid_until\":\"@\"");
	snprintf(json, sizeof(json),
	    "{\"images\":[{\"name\":\"c-gcc12\",\"language\":\"c\",\"pcrs\":{\"0\":\"%s\",\"1\":\"%s\",\"2\":\"%s\"},"
	    "\"valid_from\":\"%s\"%s}]}", h[0], h[1], h[2], "2000-01-01T00:00:00Z",
	    until ? ",\"valid_until\":\"2001-01-01T00:00:00Z\"" : "");
	(void)from;
	(void)until_s;
	if (images_parse("images.json", (const uint8_t *)json, strlen(json), im, &err) != TEEC_OK)
		fail_msg("images: %s", err.msg);
}

static int
verify(const char *path, int dev, int allow_debug, const struct images *im,
    const char *const *files, size_t nfiles, struct vresult *r)
{
	struct bundle_opts o;
	struct bundle_out out;
	struct teec_err err;
	int rc;

	memset(&o, 0, sizeof(o));
	o.roots = &roots;
	o.images = im;
	o.dev = dev;
	if (dev) {
		/* the test root plays the local development root */
		o.dev_root = pki.bundle[0];
		o.dev_root_len = pki.bundle_len[0];
	}
	o.allow_debug = allow_debug;
	o.files = files;
	o.nfiles = nfiles;
	vresult_init(r);
	rc = bundle_verify(path, &o, &out, r, &err);
	if (rc == TEEC_ERROR)
		print_message("error: %s\n", err.msg);
	bundle_out_free(&out);
	return rc;
}

static void
expect(const struct mk *k, const struct images *im, int dev, enum reason why)
{
	struct vresult r;
	const char *p = make_bundle(k);
	int rc = verify(p, dev, 0, im, NULL, 0, &r);

	if (why == R_NONE) {
		if (rc != TEEC_OK)
			fail_msg("not verified: %s", reason_name(r.reason));
	} else if (rc != TEEC_FAIL || r.reason != why)
		fail_msg("rc %d reason %s, wanted %s", rc, reason_name(r.reason),
		    reason_name(why));
}

static void
test_good_bundle_verifies(void **state)
{
	struct images im;
	struct mk k = { 0 };

	images_one(&im, 0, 0);
	expect(&k, &im, 0, R_NONE);
	images_free(&im);
}

static void
test_detached_bundle_verifies_and_checks_files(void **state)
{
	struct images im;
	struct mk k = { 0 };
	struct vresult r;
	const char *p;
	const char *good[] = { "hello", "lib/x.so" };
	const char *bad[] = { "build.log" };
	char renamed[128];

	k.no_artifacts = 1;
	images_one(&im, 0, 0);
	p = make_bundle(&k);
	assert_int_equal(verify(p, 0, 0, &im, NULL, 0, &r), TEEC_OK);
	assert_int_equal(verify(p, 0, 0, &im, good, 2, &r), TEEC_OK);
	/* a file whose name matches no subject */
	assert_int_equal(verify(p, 0, 0, &im, bad, 1, &r), TEEC_FAIL);
	assert_int_equal(r.reason, R_FILE_MISMATCH);
	/* a file with a subject's name but other bytes */
	snprintf(renamed, sizeof(renamed), "%s/other/hello", dir);
	mkdir("other", 0755);
	assert_int_equal(write_file_atomic(renamed, "not hello", 9, 0644, NULL), TEEC_OK);
	bad[0] = renamed;
	assert_int_equal(verify(p, 0, 0, &im, bad, 1, &r), TEEC_FAIL);
	assert_int_equal(r.reason, R_FILE_MISMATCH);
	images_free(&im);
}

static void
test_report_pcrs_must_equal_attested(void **state)
{
	struct images im;
	struct mk k = { 0 };

	images_one(&im, 0, 0);
	k.report_pcrs = 1;
	expect(&k, &im, 0, R_NONE);
	k.report_pcrs = 2;
	expect(&k, &im, 0, R_BAD_REPORT);
	images_free(&im);
}

static void
test_artifact_byte_changed(void **state)
{
	struct images im;
	struct mk k = { 0 };

	k.flip_artifact = 1;
	images_one(&im, 0, 0);
	expect(&k, &im, 0, R_ARTIFACT_MISMATCH);
	images_free(&im);
}

static void
test_report_byte_changed(void **state)
{
	struct images im;
	struct mk k = { 0 };

	k.corrupt_report = 1;
	images_one(&im, 0, 0);
	expect(&k, &im, 0, R_BINDING_MISMATCH);
	images_free(&im);
}

static void
test_wrong_binding_prefix(void **state)
{
	struct images im;
	struct mk k = { 0 };

	k.prefix = "teec-report-v2:";
	images_one(&im, 0, 0);
	expect(&k, &im, 0, R_BINDING_MISMATCH);
	images_free(&im);
}

static void
test_image_not_in_manifest(void **state)
{
	struct images im = { 0, NULL };
	struct mk k = { 0 };

	expect(&k, &im, 0, R_UNKNOWN_IMAGE);
}

static void
test_image_outside_validity_window(void **state)
{
	struct images im;
	struct mk k = { 0 };

	images_one(&im, 0, 1);      /* valid 2000 .. 2001 only */
	expect(&k, &im, 0, R_UNKNOWN_IMAGE);
	images_free(&im);
}

static void
test_debug_enclave_rejected_and_dev_accepts(void **state)
{
	struct images im;
	struct mk k = { 0 };

	k.debug = 1;
	images_one(&im, 0, 0);
	expect(&k, &im, 0, R_DEBUG_ENCLAVE);
	expect(&k, &im, 1, R_NONE);
	images_free(&im);
}

/* The development root never vouches for an image: non-zero PCRs fail. */
static void
test_dev_root_with_real_pcrs_rejected(void **state)
{
	struct images im;
	struct mk k = { 0 };

	images_one(&im, 0, 0);
	expect(&k, &im, 1, R_UNKNOWN_IMAGE);
	images_free(&im);
}

/* --allow-debug: zero PCRs under a trusted root pass the image check. */
static void
test_allow_debug_accepts_debug_bundle(void **state)
{
	struct images im = { 0, NULL };
	struct mk k = { 0 };
	struct vresult r;

	k.debug = 1;
	assert_int_equal(verify(make_bundle(&k), 0, 1, &im, NULL, 0, &r), TEEC_OK);
}

static void
test_extra_artifact(void **state)
{
	struct images im;
	struct mk k = { 0 };

	k.extra_artifact = 1;
	images_one(&im, 0, 0);
	expect(&k, &im, 0, R_ARTIFACT_MISMATCH);
	images_free(&im);
}

static void
test_not_in_toto_report(void **state)
{
	struct images im;
	struct mk k = { 0 };

	k.report_override = "{\"_type\":\"https://in-toto.io/Statement/v0.1\",\"subject\":[]}";
	k.no_artifacts = 1;
	images_one(&im, 0, 0);
	expect(&k, &im, 0, R_BAD_REPORT);
	images_free(&im);
}

static void
test_swapped_attestation(void **state)
{
	struct images im;
	struct mk k = { 0 };
	struct vresult r;
	struct buf a, b;
	struct teec_err err;
	const char *p;
	char other[256];

	images_one(&im, 0, 0);
	/* bundle A, then bundle B from another report; B's attestation into A */
	p = make_bundle(&k);
	assert_int_equal(read_file_capped(p, 1 << 20, &a, &err), TEEC_OK);
	k.report_override = "{}";
	p = make_bundle(&k);
	assert_int_equal(read_file_capped(p, 1 << 20, &b, &err), TEEC_OK);
	/* members are 512-byte aligned: report.json first, attestation second */
	{
		struct archive *ra = archive_read_new(), *rb = archive_read_new();
		struct archive *w = archive_write_new();
		struct archive_entry *e;
		uint8_t chunk[65536];
		la_ssize_t n;
		int fd;

		archive_read_support_format_tar(ra);
		archive_read_support_format_tar(rb);
		archive_read_open_memory(ra, a.data, a.len);
		archive_read_open_memory(rb, b.data, b.len);
		snprintf(other, sizeof(other), "%s/swapped.teec", dir);
		fd = open(other, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		archive_write_set_format_pax_restricted(w);
		archive_write_open_fd(w, fd);
		/* B's attestation.cbor */
		archive_read_next_header(rb, &e);
		archive_read_data_skip(rb);
		archive_read_next_header(rb, &e);
		{
			uint8_t att[65536];
			la_ssize_t an = archive_read_data(rb, att, sizeof(att));
			int idx = 0;

			while (archive_read_next_header(ra, &e) == ARCHIVE_OK) {
				archive_write_header(w, e);
				if (idx == 1) {
					archive_read_data_skip(ra);
					archive_write_data(w, att, (size_t)an);
				} else
					while ((n = archive_read_data(ra, chunk, sizeof(chunk))) > 0)
						archive_write_data(w, chunk, (size_t)n);
				idx++;
			}
		}
		archive_write_close(w);
		archive_write_free(w);
		archive_read_free(ra);
		archive_read_free(rb);
		close(fd);
	}
	assert_int_equal(verify(other, 0, 0, &im, NULL, 0, &r), TEEC_FAIL);
	/* another report's document: its user_data binds other bytes */
	assert_int_equal(r.reason, R_BINDING_MISMATCH);
	buf_free(&a);
	buf_free(&b);
	images_free(&im);
}

/* Hand-made tars for the shape rules. */
struct member {
	const char *name;
	int type;               /* AE_IFREG, AE_IFLNK, AE_IFDIR, AE_IFCHR */
	const char *data;
	const char *link;
};

static const char *
make_tar(const struct member *m, size_t n)
{
	static char path[256];
	struct archive *w = archive_write_new();
	struct archive_entry *e;
	size_t i;
	int fd;

	snprintf(path, sizeof(path), "%s/shape.teec", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	archive_write_set_format_pax_restricted(w);
	archive_write_open_fd(w, fd);
	for (i = 0; i < n; i++) {
		e = archive_entry_new();
		archive_entry_set_pathname(e, m[i].name);
		archive_entry_set_filetype(e, (unsigned)m[i].type);
		archive_entry_set_perm(e, 0644);
		if (m[i].link)
			archive_entry_set_symlink(e, m[i].link);
		archive_entry_set_size(e, m[i].data ? (la_int64_t)strlen(m[i].data) : 0);
		archive_write_header(w, e);
		if (m[i].data)
			archive_write_data(w, m[i].data, strlen(m[i].data));
		archive_entry_free(e);
	}
	archive_write_close(w);
	archive_write_free(w);
	close(fd);
	return path;
}

static void
shape_fails(const struct member *m, size_t n)
{
	struct images im = { 0, NULL };
	struct vresult r;

	assert_int_equal(verify(make_tar(m, n), 0, 0, &im, NULL, 0, &r), TEEC_FAIL);
	if (r.reason != R_BAD_BUNDLE)
		fail_msg("reason %s", reason_name(r.reason));
}

static void
test_shape_path_traversal(void **state)
{
	const struct member m[] = {
		{ "report.json", AE_IFREG, "{}", NULL },
		{ "attestation.cbor", AE_IFREG, "x", NULL },
		{ "artifacts/../../etc/passwd", AE_IFREG, "x", NULL },
	};
	shape_fails(m, 3);
}

static void
test_shape_absolute_path(void **state)
{
	const struct member m[] = {
		{ "report.json", AE_IFREG, "{}", NULL },
		{ "attestation.cbor", AE_IFREG, "x", NULL },
		{ "/artifacts/x", AE_IFREG, "x", NULL },
	};
	shape_fails(m, 3);
}

static void
test_shape_duplicate_report(void **state)
{
	const struct member m[] = {
		{ "report.json", AE_IFREG, "{}", NULL },
		{ "attestation.cbor", AE_IFREG, "x", NULL },
		{ "report.json", AE_IFREG, "{}", NULL },
	};
	shape_fails(m, 3);
}

static void
test_shape_duplicate_artifact(void **state)
{
	struct images im;
	struct mk k = { 0 };
	struct vresult r;
	struct buf a;
	struct teec_err err;
	const char *p;
	int fd;

	/* a genuine bundle plus the same artifact appended again */
	images_one(&im, 0, 0);
	p = make_bundle(&k);
	assert_int_equal(read_file_capped(p, 1 << 20, &a, &err), TEEC_OK);
	{
		struct archive *ra = archive_read_new(), *w = archive_write_new();
		struct archive_entry *e;
		uint8_t chunk[65536];
		la_ssize_t n;
		char out[256];

		archive_read_support_format_tar(ra);
		archive_read_open_memory(ra, a.data, a.len);
		snprintf(out, sizeof(out), "%s/dup.teec", dir);
		fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		archive_write_set_format_pax_restricted(w);
		archive_write_open_fd(w, fd);
		while (archive_read_next_header(ra, &e) == ARCHIVE_OK) {
			int again = strcmp(archive_entry_pathname(e), "artifacts/hello") == 0;
			uint8_t keep[64];
			la_ssize_t kn = 0;

			archive_write_header(w, e);
			while ((n = archive_read_data(ra, chunk, sizeof(chunk))) > 0) {
				archive_write_data(w, chunk, (size_t)n);
				if (again) {
					memcpy(keep, chunk, (size_t)n);
					kn = n;
				}
			}
			if (again) {
				archive_write_header(w, e);
				archive_write_data(w, keep, (size_t)kn);
			}
		}
		archive_write_close(w);
		archive_write_free(w);
		archive_read_free(ra);
		close(fd);
		assert_int_equal(verify(out, 0, 0, &im, NULL, 0, &r), TEEC_FAIL);
		assert_int_equal(r.reason, R_BAD_BUNDLE);
	}
	buf_free(&a);
	images_free(&im);
}

static void
test_shape_missing_attestation(void **state)
{
	const struct member m[] = {
		{ "report.json", AE_IFREG, "{}", NULL },
	};
	shape_fails(m, 1);
}

static void
test_shape_missing_report(void **state)
{
	const struct member m[] = {
		{ "attestation.cbor", AE_IFREG, "x", NULL },
	};
	shape_fails(m, 1);
}

static void
test_shape_wrong_order(void **state)
{
	const struct member m[] = {
		{ "attestation.cbor", AE_IFREG, "x", NULL },
		{ "report.json", AE_IFREG, "{}", NULL },
	};
	shape_fails(m, 2);
}

static void
test_shape_symlink_member(void **state)
{
	const struct member m[] = {
		{ "report.json", AE_IFREG, "{}", NULL },
		{ "attestation.cbor", AE_IFREG, "x", NULL },
		{ "artifacts/hello", AE_IFLNK, NULL, "/etc/passwd" },
	};
	shape_fails(m, 3);
}

static void
test_shape_device_member(void **state)
{
	const struct member m[] = {
		{ "report.json", AE_IFREG, "{}", NULL },
		{ "attestation.cbor", AE_IFREG, "x", NULL },
		{ "artifacts/dev", AE_IFCHR, NULL, NULL },
	};
	shape_fails(m, 3);
}

static void
test_shape_directory_member(void **state)
{
	const struct member m[] = {
		{ "report.json", AE_IFREG, "{}", NULL },
		{ "attestation.cbor", AE_IFREG, "x", NULL },
		{ "artifacts/", AE_IFDIR, NULL, NULL },
	};
	shape_fails(m, 3);
}

static void
test_shape_unknown_member(void **state)
{
	const struct member m[] = {
		{ "report.json", AE_IFREG, "{}", NULL },
		{ "attestation.cbor", AE_IFREG, "x", NULL },
		{ "notes.txt", AE_IFREG, "x", NULL },
	};
	shape_fails(m, 3);
}

static void
test_shape_not_a_tar(void **state)
{
	struct images im = { 0, NULL };
	struct vresult r;
	char p[256];

	snprintf(p, sizeof(p), "%s/garbage.teec", dir);
	assert_int_equal(write_file_atomic(p, "this is not a tar file at all", 29, 0644, NULL),
	    TEEC_OK);
	assert_int_equal(verify(p, 0, 0, &im, NULL, 0, &r), TEEC_FAIL);
	assert_int_equal(r.reason, R_BAD_BUNDLE);
}

static void
test_truncated_bundle(void **state)
{
	struct images im;
	struct mk k = { 0 };
	struct vresult r;
	const char *p;
	struct stat st;

	images_one(&im, 0, 0);
	p = make_bundle(&k);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(truncate(p, 1500), 0);
	assert_int_equal(verify(p, 0, 0, &im, NULL, 0, &r), TEEC_FAIL);
	assert_int_equal(r.reason, R_BAD_BUNDLE);
	images_free(&im);
}

static void
test_unreadable_bundle_is_error(void **state)
{
	struct images im = { 0, NULL };
	struct vresult r;

	assert_int_equal(verify("/nonexistent/b.teec", 0, 0, &im, NULL, 0, &r), TEEC_ERROR);
	assert_int_equal(verify("/", 0, 0, &im, NULL, 0, &r), TEEC_ERROR);
}

/* The bundle tar reader's rules seen from bundle_verify (verify/tar.h). */
static void
test_bundle_read_from_a_pipe(void **state)
{
	struct images im;
	struct mk k = { 0 };
	struct vresult r;
	struct buf a;
	struct teec_err err;
	const char *p;
	pid_t pid;
	int fds[2], saved, st, rc;

	images_one(&im, 0, 0);
	p = make_bundle(&k);
	assert_int_equal(read_file_capped(p, 1 << 20, &a, &err), TEEC_OK);
	assert_int_equal(pipe(fds), 0);
	if ((pid = fork()) == 0) {
		close(fds[0]);
		_exit(write_all(fds[1], a.data, a.len) == 0 ? 0 : 1);
	}
	close(fds[1]);
	saved = dup(STDIN_FILENO);
	assert_int_equal(dup2(fds[0], STDIN_FILENO), STDIN_FILENO);
	close(fds[0]);
	rc = verify("-", 0, 0, &im, NULL, 0, &r);
	assert_int_equal(dup2(saved, STDIN_FILENO), STDIN_FILENO);
	close(saved);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	if (rc != TEEC_OK)
		fail_msg("not verified: %s", reason_name(r.reason));
	buf_free(&a);
	images_free(&im);
}

/* The genuine members repacked by a command (in dir/x); returns its rc. */
static int
repack_with(const char *tarcmd, const char *out)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd), "cd %s && rm -rf x && mkdir x && "
	    "tar -xf b.teec -C x && cd x && %s %s report.json attestation.cbor "
	    "build.log artifacts/hello artifacts/lib/x.so", dir, tarcmd, out);
	return system(cmd);
}

static void
test_gnu_tar_pax_repack_verifies(void **state)
{
	struct images im;
	struct mk k = { 0 };
	struct vresult r;
	char out[256];

	images_one(&im, 0, 0);
	make_bundle(&k);
	snprintf(out, sizeof(out), "%s/pax.teec", dir);
	if (repack_with("tar --format=pax --owner=0 --group=0 --numeric-owner -cf",
	    out) != 0) {
		images_free(&im);
		print_message("# skipped: no GNU tar\n");
		skip();
	}
	if (verify(out, 0, 0, &im, NULL, 0, &r) != TEEC_OK)
		fail_msg("not verified: %s", reason_name(r.reason));
	images_free(&im);
}

static void
test_gnu_format_bundle_refused(void **state)
{
	struct images im;
	struct mk k = { 0 };
	struct vresult r;
	char out[256];

	images_one(&im, 0, 0);
	make_bundle(&k);
	snprintf(out, sizeof(out), "%s/gnu.teec", dir);
	if (repack_with("tar --format=gnu -cf", out) != 0) {
		images_free(&im);
		print_message("# skipped: no GNU tar\n");
		skip();
	}
	assert_int_equal(verify(out, 0, 0, &im, NULL, 0, &r), TEEC_FAIL);
	assert_int_equal(r.reason, R_BAD_BUNDLE);
	assert_non_null(strstr(r.checks[0].detail, "GNU tar format"));
	images_free(&im);
}

static void
test_missing_end_marker_refused(void **state)
{
	struct images im;
	struct mk k = { 0 };
	struct vresult r;
	struct stat st;
	const char *p;

	images_one(&im, 0, 0);
	p = make_bundle(&k);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(truncate(p, st.st_size - 1024), 0);
	assert_int_equal(verify(p, 0, 0, &im, NULL, 0, &r), TEEC_FAIL);
	assert_int_equal(r.reason, R_BAD_BUNDLE);
	assert_non_null(strstr(r.checks[0].detail, "end-of-archive"));
	images_free(&im);
}

static void
test_bytes_after_end_marker_ignored(void **state)
{
	struct images im;
	struct mk k = { 0 };
	struct vresult r;
	const char *p;
	int fd;

	images_one(&im, 0, 0);
	p = make_bundle(&k);
	assert_true((fd = open(p, O_WRONLY | O_APPEND)) != -1);
	assert_int_equal(write_all(fd, "not part of the bundle", 22), 0);
	close(fd);
	if (verify(p, 0, 0, &im, NULL, 0, &r) != TEEC_OK)
		fail_msg("not verified: %s", reason_name(r.reason));
	images_free(&im);
}

static void
test_report_over_cap_refused_before_read(void **state)
{
	struct images im = { 0, NULL };
	struct vresult r;
	char p[256];
	uint8_t h[512];
	unsigned long sum = 0;
	size_t i;
	int fd;

	/* a report.json header announcing 4 MiB + 1 bytes, and no data */
	memset(h, 0, sizeof(h));
	memcpy(h, "report.json", 11);
	memcpy(h + 100, "0000644", 7);
	memcpy(h + 108, "0000000", 7);
	memcpy(h + 116, "0000000", 7);
	snprintf((char *)h + 124, 12, "%011o", TEEC_MAX_REPORT_BYTES + 1);
	memcpy(h + 136, "00000000000", 11);
	h[156] = '0';
	memcpy(h + 257, "ustar\0" "00", 8);
	memset(h + 148, ' ', 8);
	for (i = 0; i < sizeof(h); i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06lo", sum);
	snprintf(p, sizeof(p), "%s/bigreport.teec", dir);
	assert_true((fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644)) != -1);
	assert_int_equal(write_all(fd, h, sizeof(h)), 0);
	close(fd);
	assert_int_equal(verify(p, 0, 0, &im, NULL, 0, &r), TEEC_FAIL);
	assert_int_equal(r.reason, R_BAD_BUNDLE);
	assert_non_null(strstr(r.checks[0].detail, "over its size cap"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_bundle_verifies),
		cmocka_unit_test(test_bundle_read_from_a_pipe),
		cmocka_unit_test(test_gnu_tar_pax_repack_verifies),
		cmocka_unit_test(test_gnu_format_bundle_refused),
		cmocka_unit_test(test_missing_end_marker_refused),
		cmocka_unit_test(test_bytes_after_end_marker_ignored),
		cmocka_unit_test(test_report_over_cap_refused_before_read),
		cmocka_unit_test(test_detached_bundle_verifies_and_checks_files),
		cmocka_unit_test(test_report_pcrs_must_equal_attested),
		cmocka_unit_test(test_artifact_byte_changed),
		cmocka_unit_test(test_report_byte_changed),
		cmocka_unit_test(test_wrong_binding_prefix),
		cmocka_unit_test(test_image_not_in_manifest),
		cmocka_unit_test(test_image_outside_validity_window),
		cmocka_unit_test(test_debug_enclave_rejected_and_dev_accepts),
		cmocka_unit_test(test_dev_root_with_real_pcrs_rejected),
		cmocka_unit_test(test_allow_debug_accepts_debug_bundle),
		cmocka_unit_test(test_extra_artifact),
		cmocka_unit_test(test_not_in_toto_report),
		cmocka_unit_test(test_swapped_attestation),
		cmocka_unit_test(test_shape_path_traversal),
		cmocka_unit_test(test_shape_absolute_path),
		cmocka_unit_test(test_shape_duplicate_report),
		cmocka_unit_test(test_shape_duplicate_artifact),
		cmocka_unit_test(test_shape_missing_attestation),
		cmocka_unit_test(test_shape_missing_report),
		cmocka_unit_test(test_shape_wrong_order),
		cmocka_unit_test(test_shape_symlink_member),
		cmocka_unit_test(test_shape_device_member),
		cmocka_unit_test(test_shape_directory_member),
		cmocka_unit_test(test_shape_unknown_member),
		cmocka_unit_test(test_shape_not_a_tar),
		cmocka_unit_test(test_truncated_bundle),
		cmocka_unit_test(test_unreadable_bundle_is_error),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}

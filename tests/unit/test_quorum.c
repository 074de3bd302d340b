/* SPDX-License-Identifier: ISC */
/*
 * teec-verify quorum (verify/quorum.h): attestor identities from
 * module_ids, claims, and votes over bundles made with the test PKI and
 * the NSM document encoder, each attested under its own module_id.
 */
#include "tests/unit/testutil.h"

#include <sys/stat.h>

#include <fcntl.h>

#include <cJSON.h>

#include "common/digest.h"
#include "common/encode.h"
#include "common/fileio.h"
#include "enclave/nsm.h"
#include "report/report.h"
#include "tests/unit/testpki.h"
#include "verify/bundle.h"
#include "verify/chain.h"
#include "verify/images.h"
#include "verify/quorum.h"

#define BUILD_JSON "{\"language\":\"c\",\"input\":{\"cmd\":\"make\"},\"output\":{\"files\":[\"hello\"]}}"
/* The same recipe with other white space: the same claim. */
#define BUILD_JSON_SPACED "{ \"language\": \"c\", \"input\": {\"cmd\": \"make\"},\n \"output\": {\"files\": [\"hello\"]} }"
/* Another recipe. */
#define BUILD_JSON_OTHER "{\"language\":\"c\",\"input\":{\"cmd\":\"make all\"},\"output\":{\"files\":[\"hello\"]}}"

/* Real module_ids (../shared/fixtures): one instance, two enclaves. */
#define MID_A1 "i-09b153b9b6859a1de-enc01882b95cd0e8a90"
#define MID_A2 "i-09b153b9b6859a1de-enc01884ebaeb16c078"
#define MID_B  "i-0a22e5c5f24d22174-enc0191cceb4289903f"
#define MID_C  "i-0bbf1bfe232b8c2ce-enc019201afdaee4f17"
#define MID_D  "i-0d69bec447a037a2a-enc01939aab191aadd2"

static struct testpki pki;
static struct trust_roots roots;
static struct images images;
static char dir[64];
static uint8_t image_pcr[3][48];
static unsigned nmade;

/* One bundle to make. */
struct mk {
	const char *module_id;
	const char *artifact;       /* file whose bytes are the subject "hello" */
	const char *build_json;     /* NULL: BUILD_JSON */
	uint8_t source;             /* the source digest's bytes */
	int corrupt_report;         /* BINDING_MISMATCH */
	int debug;                  /* zero PCRs (for --dev) */
};

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
	if (roots_add_der(&roots, pki.bundle[0], pki.bundle_len[0], &err) !=
	    TEEC_OK)
		return -1;
	for (i = 0; i < 3; i++) {
		memset(image_pcr[i], 0x21 * (int)(i + 1), 48);
		hex_encode(image_pcr[i], 48, h[i]);
	}
	snprintf(json, sizeof(json), "{\"images\":[{\"name\":\"c-gcc12\","
	    "\"pcrs\":{\"0\":\"%s\",\"1\":\"%s\",\"2\":\"%s\"},"
	    "\"valid_from\":\"2000-01-01T00:00:00Z\"}]}", h[0], h[1], h[2]);
	if (images_parse("images.json", (const uint8_t *)json, strlen(json),
	    &images, &err) != TEEC_OK)
		return -1;
	snprintf(dir, sizeof(dir), "/tmp/teec-quorum.XXXXXX");
	if (mkdtemp(dir) == NULL || chdir(dir) != 0)
		return -1;
	/* the artifacts, and downloads beside the bundles */
	if (mkdir("dl", 0755) != 0 || mkdir("dl/evil", 0755) != 0 ||
	    mkdir("dl/other", 0755) != 0)
		return -1;
	if (write_file_atomic("good", "\x7f" "ELF good", 9, 0755, NULL) != 0 ||
	    write_file_atomic("evil", "\x7f" "ELF evil", 9, 0755, NULL) != 0 ||
	    write_file_atomic("dl/hello", "\x7f" "ELF good", 9, 0644, NULL) != 0 ||
	    write_file_atomic("dl/evil/hello", "\x7f" "ELF evil", 9, 0644,
	    NULL) != 0 ||
	    write_file_atomic("dl/other/goodbye", "\x7f" "ELF good", 9, 0644,
	    NULL) != 0)
		return -1;
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
make_report(const struct mk *k, struct buf *out)
{
	static const char *const en[] = { "LC_ALL", "TZ" };
	static const char *const ev[] = { "C.UTF-8", "UTC" };
	const char *bj = k->build_json ? k->build_json : BUILD_JSON;
	struct report_subject subj;
	struct report_input in;
	struct teec_err err;
	struct buf b;
	uint8_t src[32];

	memset(&subj, 0, sizeof(subj));
	subj.name = "hello";
	assert_int_equal(read_file_capped(k->artifact ? k->artifact : "good",
	    1 << 20, &b, &err), TEEC_OK);
	sha256(b.data, b.len, subj.sha256);
	sha384(b.data, b.len, subj.sha384);
	subj.has_sha384 = 1;
	buf_free(&b);
	memset(src, k->source, sizeof(src));
	memset(&in, 0, sizeof(in));
	in.build_json = (const uint8_t *)bj;
	in.build_json_len = strlen(bj);
	in.source_sha256 = src;
	in.env_names = en;
	in.env_values = ev;
	in.nenv = 2;
	in.timeout = 3600;
	in.isolation = "nitro";
	in.builder_id = "https://teec.dev/builder/nitro/v1";
	in.builder_version = "0.1.0";
	/* every build its own invocation and times: not part of a claim */
	in.invocation_id = nmade % 2 ? "123e4567-e89b-42d3-a456-426614174000" :
	    "00000000-e89b-42d3-a456-426614174999";
	in.started = 1700000000 + nmade;
	in.finished = in.started + 10;
	in.subjects = &subj;
	in.nsubjects = 1;
	buf_init(out, TEEC_MAX_REPORT_BYTES);
	if (report_write(&in, out, &err) != TEEC_OK)
		fail_msg("report_write: %s", err.msg);
}

/* Make a bundle file per k; returns its path (a new name each time). */
static const char *
make_bundle(const struct mk *k)
{
	static char paths[64][128];
	static const uint8_t zero[16][48];
	uint8_t pcrs[16][48];
	struct bundle_artifact art;
	struct nitro_fields f;
	struct teec_err err;
	struct buf rep, doc;
	uint8_t ud[REPORT_BINDING_LEN];
	char *path;
	int fd;

	assert_true(nmade < 64);
	path = paths[nmade];
	make_report(k, &rep);
	snprintf(path, sizeof(paths[0]), "%s/b%u.teec", dir, nmade++);
	report_binding(rep.data, rep.len, ud);
	memset(pcrs, 0, sizeof(pcrs));
	memcpy(pcrs, image_pcr, sizeof(image_pcr));
	memset(&f, 0, sizeof(f));
	f.module_id = k->module_id;
	f.pcrs = k->debug ? zero : (const uint8_t (*)[48])pcrs;
	f.npcrs = 16;
	f.user_data = ud;
	f.user_data_len = sizeof(ud);
	buf_init(&doc, TEEC_MAX_DOC_BYTES);
	assert_int_equal(testpki_doc(&pki, &f, 0, &doc), 0);
	if (k->corrupt_report)
		rep.data[rep.len / 2] ^= 0x01;
	art.name = "hello";
	art.path = k->artifact ? k->artifact : "good";
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	if (bundle_write(fd, rep.data, rep.len, doc.data, doc.len, NULL, &art,
	    1, &err) != TEEC_OK)
		fail_msg("bundle_write: %s", err.msg);
	close(fd);
	buf_free(&rep);
	buf_free(&doc);
	return path;
}

/* Run a quorum over paths with the test trust (dev: the test root plays the development root). */
static int
run(const char *const *paths, size_t n, size_t min, const char *const *files,
    size_t nfiles, int dev, struct quorum *q)
{
	struct bundle_opts bo;
	struct quorum_opts qo;
	struct teec_err err = { "" };
	int rc;

	memset(&bo, 0, sizeof(bo));
	bo.roots = &roots;
	bo.images = &images;
	bo.dev = dev;
	if (dev) {
		bo.dev_root = pki.bundle[0];
		bo.dev_root_len = pki.bundle_len[0];
	}
	memset(&qo, 0, sizeof(qo));
	qo.bundle = &bo;
	qo.min = min;
	qo.files = files;
	qo.nfiles = nfiles;
	rc = quorum_run(paths, n, &qo, q, &err);
	if (rc == TEEC_ERROR)
		print_message("# error: %s\n", err.msg);
	return rc;
}

static const char *
good(const char *module_id)
{
	struct mk k = { 0 };

	k.module_id = module_id;
	return make_bundle(&k);
}

static const char *
evil(const char *module_id)
{
	struct mk k = { 0 };

	k.module_id = module_id;
	k.artifact = "evil";
	return make_bundle(&k);
}

static const char *
tampered(const char *module_id)
{
	struct mk k = { 0 };

	k.module_id = module_id;
	k.corrupt_report = 1;
	return make_bundle(&k);
}

/* ---- attestor identity ---- */

static void
expect_attestor(const char *mid, size_t n, enum quorum_attestor_kind kind,
    const char *id)
{
	struct quorum_attestor a;

	assert_int_equal(quorum_attestor(mid, n, 0, &a), TEEC_OK);
	if (a.kind != kind || a.len != strlen(id) || memcmp(a.id, id, a.len) != 0)
		fail_msg("module_id \"%s\": kind %d id \"%s\", wanted %d \"%s\"",
		    mid, a.kind, a.id, kind, id);
}

static void
test_attestor_nitro_module_id_is_its_instance(void **state)
{
	struct quorum_attestor a, b;

	expect_attestor(MID_A1, strlen(MID_A1), QA_INSTANCE, "i-09b153b9b6859a1de");
	/* the old 8-digit instance IDs */
	expect_attestor("i-0123abcd-enc0123456789abcdef", 30, QA_INSTANCE,
	    "i-0123abcd");
	/* two enclaves of one instance are one attestor */
	assert_int_equal(quorum_attestor(MID_A1, strlen(MID_A1), 0, &a), TEEC_OK);
	assert_int_equal(quorum_attestor(MID_A2, strlen(MID_A2), 0, &b), TEEC_OK);
	assert_true(quorum_attestor_equal(&a, &b));
	assert_int_equal(quorum_attestor(MID_B, strlen(MID_B), 0, &b), TEEC_OK);
	assert_false(quorum_attestor_equal(&a, &b));
}

static void
test_attestor_other_shapes_are_whole(void **state)
{
	static const char *const odd[] = {
		"i-09B153B9B6859A1DE-enc01882b95cd0e8a90",    /* upper case */
		"i-09b153b9b6859a1de-enc01882B95CD0E8A90",
		"i-09b153b9b6859a1de",                        /* no enclave */
		"i-09b153b9b6859a1de-enc",
		"i-09b153b9b6859a1de-enc01882b95cd0e8a9",     /* 15 digits */
		"i-09b153b9b6859a1de-enc01882b95cd0e8a900",   /* 17 digits */
		"i-09b153b9b6859a1d-enc01882b95cd0e8a90",     /* 16-digit instance */
		"i-0123abcde-enc0123456789abcdef",            /* 9-digit instance */
		"i--enc01882b95cd0e8a90",
		"i-09b153b9b6859a1de-enc01882b95cd0e8a90 ",   /* trailing byte */
		" i-09b153b9b6859a1de-enc01882b95cd0e8a90",
		"x-09b153b9b6859a1de-enc01882b95cd0e8a90",
		"i-09b153b9b6859a1de_enc01882b95cd0e8a90",
		"i-09b153b9b6859a1de-tpm01882b95cd0e8a90",    /* NitroTPM */
		"i-00000000000000000-local0123456789abcdef",  /* the emulator's */
		"i-0\x1b[2J9b153b9b6859a-enc01882b95cd0e8a90", /* terminal escape */
		"i-09b153b9b6859a1de-enc01882b95cd0e8a90-enc0123456789abcdef",
		"enclave",
		NULL,
	};
	size_t i;

	for (i = 0; odd[i] != NULL; i++)
		expect_attestor(odd[i], strlen(odd[i]), QA_MODULE, odd[i]);
}

static void
test_attestor_nul_byte_is_not_an_instance(void **state)
{
	static const char mid[] = "i-09b153b9b6859a1de\0enc01882b95cd0e8a90";
	struct quorum_attestor a, b;

	assert_int_equal(quorum_attestor(mid, sizeof(mid) - 1, 0, &a), TEEC_OK);
	assert_int_equal(a.kind, QA_MODULE);
	assert_int_equal(a.len, sizeof(mid) - 1);
	/* compared by length and bytes, not as a C string */
	assert_int_equal(quorum_attestor("i-09b153b9b6859a1de", 19, 0, &b),
	    TEEC_OK);
	assert_false(quorum_attestor_equal(&a, &b));
}

static void
test_attestor_length_bounds(void **state)
{
	struct quorum_attestor a;
	char big[TEEC_MAX_MODULE_ID + 2];

	memset(big, 'x', sizeof(big));
	assert_int_equal(quorum_attestor("", 0, 0, &a), TEEC_FAIL);
	assert_int_equal(quorum_attestor(NULL, 5, 0, &a), TEEC_FAIL);
	assert_int_equal(quorum_attestor(big, TEEC_MAX_MODULE_ID + 1, 0, &a),
	    TEEC_FAIL);
	assert_int_equal(quorum_attestor(big, TEEC_MAX_MODULE_ID, 0, &a),
	    TEEC_OK);
	assert_int_equal(a.kind, QA_MODULE);
	assert_int_equal(a.len, TEEC_MAX_MODULE_ID);
	assert_int_equal(a.id[TEEC_MAX_MODULE_ID], '\0');
}

static void
test_attestor_development_root_is_one(void **state)
{
	struct quorum_attestor a, b;

	assert_int_equal(quorum_attestor(MID_A1, strlen(MID_A1), 1, &a), TEEC_OK);
	assert_int_equal(quorum_attestor(MID_B, strlen(MID_B), 1, &b), TEEC_OK);
	assert_int_equal(a.kind, QA_DEV);
	assert_true(quorum_attestor_equal(&a, &b));
}

/* A whole module_id that reads like an instance is that instance. */
static void
test_attestor_compared_by_text(void **state)
{
	struct quorum_attestor a, b;

	assert_int_equal(quorum_attestor(MID_A1, strlen(MID_A1), 0, &a), TEEC_OK);
	assert_int_equal(quorum_attestor("i-09b153b9b6859a1de", 19, 0, &b),
	    TEEC_OK);
	assert_int_equal(b.kind, QA_MODULE);
	assert_true(quorum_attestor_equal(&a, &b));
}

/* ---- claims ---- */

static void
claim_of(const struct mk *k, struct quorum_claim *c)
{
	struct report r;
	struct teec_err err;
	struct buf rep;

	make_report(k, &rep);
	assert_int_equal(report_parse(rep.data, rep.len, &r, &err), TEEC_OK);
	assert_int_equal(quorum_claim_make(&r, c, &err), TEEC_OK);
	report_free(&r);
	buf_free(&rep);
}

static void
test_claim_parts(void **state)
{
	struct quorum_claim a, b;
	struct mk k = { 0 };

	claim_of(&k, &a);
	nmade++;                    /* other invocation ID and times */
	claim_of(&k, &b);
	assert_memory_equal(a.id, b.id, 32);
	assert_int_equal(a.nsubjects, 1);
	assert_string_equal(a.subjects[0].name, "hello");
	quorum_claim_free(&b);

	k.build_json = BUILD_JSON_SPACED;       /* white space only */
	claim_of(&k, &b);
	assert_memory_equal(a.id, b.id, 32);
	quorum_claim_free(&b);

	k.build_json = BUILD_JSON_OTHER;
	claim_of(&k, &b);
	assert_memory_not_equal(a.id, b.id, 32);
	assert_memory_not_equal(a.build_sha256, b.build_sha256, 32);
	quorum_claim_free(&b);

	k.build_json = NULL;
	k.source = 1;
	claim_of(&k, &b);
	assert_memory_not_equal(a.id, b.id, 32);
	quorum_claim_free(&b);

	k.source = 0;
	k.artifact = "evil";
	claim_of(&k, &b);
	assert_memory_not_equal(a.id, b.id, 32);
	assert_memory_equal(a.source_sha256, b.source_sha256, 32);
	quorum_claim_free(&b);
	quorum_claim_free(&a);
	quorum_claim_free(NULL);
}

/* ---- votes ---- */

static void
test_three_attestors_agree(void **state)
{
	const char *p[3];
	struct quorum q;

	p[0] = good(MID_A1);
	p[1] = good(MID_B);
	p[2] = good(MID_C);
	assert_int_equal(run(p, 3, 0, NULL, 0, 0, &q), TEEC_OK);
	assert_int_equal(q.nclaims, 1);
	assert_int_equal(q.claims[0].nattestors, 3);
	assert_int_equal(q.claims[0].nbundles, 3);
	assert_int_equal(q.min, 2);
	assert_true(q.reached);
	assert_int_equal(q.reason, R_NONE);
	quorum_free(&q);
}

static void
test_grouping_by_claim(void **state)
{
	const char *p[5];
	struct quorum q;
	struct mk k = { 0 };

	p[0] = evil(MID_A1);
	p[1] = good(MID_B);
	k.module_id = MID_C;
	k.build_json = BUILD_JSON_OTHER;
	p[2] = make_bundle(&k);
	p[3] = good(MID_C);
	p[4] = good(MID_D);
	assert_int_equal(run(p, 5, 0, NULL, 0, 0, &q), TEEC_OK);
	assert_int_equal(q.nclaims, 3);
	/* numbered in order of first appearance */
	assert_int_equal(q.bundles[0].claim, 0);
	assert_int_equal(q.bundles[1].claim, 1);
	assert_int_equal(q.bundles[2].claim, 2);
	assert_int_equal(q.bundles[3].claim, 1);
	assert_int_equal(q.bundles[4].claim, 1);
	assert_int_equal(q.claims[0].nattestors, 1);
	assert_int_equal(q.claims[1].nattestors, 3);
	assert_int_equal(q.claims[2].nattestors, 1);
	assert_true(q.has_winner);
	assert_int_equal(q.winner, 1);
	assert_int_equal(q.min, 3);
	quorum_free(&q);
}

/* Two enclaves of one instance: one attestor. */
static void
test_same_instance_counted_once(void **state)
{
	const char *p[3];
	struct quorum q;

	p[0] = good(MID_A1);
	p[1] = good(MID_A2);
	p[2] = good(MID_B);
	assert_int_equal(run(p, 3, 0, NULL, 0, 0, &q), TEEC_OK);
	assert_int_equal(q.claims[0].nattestors, 2);
	assert_int_equal(q.claims[0].nbundles, 3);
	assert_int_equal(q.bundles[1].same_as, 1);
	assert_int_equal(q.bundles[2].same_as, 0);
	quorum_free(&q);
	/* all three needed: only two attestors */
	assert_int_equal(run(p, 3, 3, NULL, 0, 0, &q), TEEC_FAIL);
	assert_int_equal(q.reason, R_QUORUM_NOT_REACHED);
	quorum_free(&q);
}

/* The same bundle given twice counts once, and twice against. */
static void
test_duplicate_bundle_counted_once(void **state)
{
	const char *p[2];
	struct quorum q;

	p[0] = p[1] = good(MID_A1);
	assert_int_equal(run(p, 2, 0, NULL, 0, 0, &q), TEEC_FAIL);
	assert_int_equal(q.claims[0].nattestors, 1);
	assert_int_equal(q.claims[0].nbundles, 2);
	assert_int_equal(q.min, 2);
	assert_int_equal(q.reason, R_QUORUM_NOT_REACHED);
	quorum_free(&q);
	assert_int_equal(run(p, 2, 1, NULL, 0, 0, &q), TEEC_OK);
	quorum_free(&q);
}

/* One attestor vouching for two claims counts in each. */
static void
test_attestor_in_two_claims(void **state)
{
	const char *p[3];
	struct quorum q;

	p[0] = good(MID_A1);
	p[1] = evil(MID_A2);
	p[2] = good(MID_B);
	assert_int_equal(run(p, 3, 0, NULL, 0, 0, &q), TEEC_OK);
	assert_int_equal(q.claims[0].nattestors, 2);
	assert_int_equal(q.claims[1].nattestors, 1);
	assert_int_equal(q.bundles[1].same_as, 0);
	quorum_free(&q);
}

static void
test_tie_is_never_a_quorum(void **state)
{
	const char *p[4];
	struct quorum q;

	p[0] = good(MID_A1);
	p[1] = evil(MID_B);
	assert_int_equal(run(p, 2, 1, NULL, 0, 0, &q), TEEC_FAIL);
	assert_int_equal(q.reason, R_QUORUM_NOT_REACHED);
	assert_false(q.has_winner);
	assert_int_equal(q.ntop, 2);
	assert_non_null(strstr(q.detail, "tie"));
	quorum_free(&q);
	/* two against two, --min 2 */
	p[2] = good(MID_C);
	p[3] = evil(MID_D);
	assert_int_equal(run(p, 4, 2, NULL, 0, 0, &q), TEEC_FAIL);
	assert_false(q.has_winner);
	assert_int_equal(q.top, 2);
	quorum_free(&q);
}

/* Unverified bundles do not vote, and count in the default majority. */
static void
test_default_majority_counts_unverified(void **state)
{
	const char *p[4];
	struct quorum q;

	p[0] = good(MID_A1);
	p[1] = good(MID_B);
	p[2] = tampered(MID_C);
	/* 2 of 3: reached despite the tampered one */
	assert_int_equal(run(p, 3, 0, NULL, 0, 0, &q), TEEC_OK);
	assert_false(q.bundles[2].verified);
	assert_int_equal(q.bundles[2].r.reason, R_BINDING_MISMATCH);
	assert_int_equal(q.claims[0].nattestors, 2);
	quorum_free(&q);
	/* 2 of 4: not a strict majority */
	p[3] = tampered(MID_D);
	assert_int_equal(run(p, 4, 0, NULL, 0, 0, &q), TEEC_FAIL);
	assert_int_equal(q.min, 3);
	assert_int_equal(q.reason, R_QUORUM_NOT_REACHED);
	quorum_free(&q);
	/* 1 of 3 */
	p[1] = tampered(MID_B);
	assert_int_equal(run(p, 3, 0, NULL, 0, 0, &q), TEEC_FAIL);
	quorum_free(&q);
}

static void
test_no_bundle_verifies(void **state)
{
	const char *p[2];
	struct quorum q;

	p[0] = tampered(MID_A1);
	p[1] = "not-a-bundle";
	assert_int_equal(write_file_atomic(p[1], "junk", 4, 0644, NULL), 0);
	assert_int_equal(run(p, 2, 1, NULL, 0, 0, &q), TEEC_FAIL);
	assert_int_equal(q.nclaims, 0);
	assert_int_equal(q.bundles[1].r.reason, R_BAD_BUNDLE);
	assert_int_equal(q.reason, R_QUORUM_NOT_REACHED);
	assert_false(q.has_winner);
	quorum_free(&q);
}

static void
test_min_bounds(void **state)
{
	const char *p[TEEC_MAX_QUORUM_BUNDLES + 1];
	struct quorum q;
	size_t i;

	p[0] = good(MID_A1);
	p[1] = good(MID_B);
	assert_int_equal(run(p, 2, 3, NULL, 0, 0, &q), TEEC_ERROR);
	quorum_free(&q);
	assert_int_equal(run(p, 0, 0, NULL, 0, 0, &q), TEEC_ERROR);
	quorum_free(&q);
	for (i = 0; i < TEEC_MAX_QUORUM_BUNDLES + 1; i++)
		p[i] = p[i % 2];
	assert_int_equal(run(p, TEEC_MAX_QUORUM_BUNDLES + 1, 0, NULL, 0, 0,
	    &q), TEEC_ERROR);
	quorum_free(&q);
	/* --min equal to the bundles given */
	assert_int_equal(run(p, 2, 2, NULL, 0, 0, &q), TEEC_OK);
	assert_true(q.min_given);
	quorum_free(&q);
	assert_int_equal(run(p, 1, 1, NULL, 0, 0, &q), TEEC_OK);
	quorum_free(&q);
}

/* A bundle or FILE that cannot be read: no verdict. */
static void
test_unreadable_inputs_are_errors(void **state)
{
	const char *p[2], *f[1];
	struct quorum q;

	p[0] = good(MID_A1);
	p[1] = "no-such.teec";
	assert_int_equal(run(p, 2, 1, NULL, 0, 0, &q), TEEC_ERROR);
	quorum_free(&q);
	p[1] = "dl";                /* a directory */
	assert_int_equal(run(p, 2, 1, NULL, 0, 0, &q), TEEC_ERROR);
	quorum_free(&q);
	f[0] = "dl/no-such";
	assert_int_equal(run(p, 1, 0, f, 1, 0, &q), TEEC_ERROR);
	quorum_free(&q);
}

static void
test_files_against_the_winner(void **state)
{
	const char *p[3], *f[2];
	struct quorum q;

	p[0] = good(MID_A1);
	p[1] = evil(MID_B);
	p[2] = good(MID_C);
	f[0] = "dl/hello";
	assert_int_equal(run(p, 3, 0, f, 1, 0, &q), TEEC_OK);
	assert_true(q.files[0].checked);
	assert_true(q.files[0].ok);
	quorum_free(&q);
	/* the losing claim's bytes, under the subject's name */
	f[0] = "dl/evil/hello";
	assert_int_equal(run(p, 3, 0, f, 1, 0, &q), TEEC_FAIL);
	assert_int_equal(q.reason, R_FILE_MISMATCH);
	assert_true(q.files[0].named);
	assert_false(q.files[0].ok);
	assert_non_null(strstr(q.detail, "differs"));
	quorum_free(&q);
	/* the right bytes under another name */
	f[0] = "dl/hello";
	f[1] = "dl/other/goodbye";
	assert_int_equal(run(p, 3, 0, f, 2, 0, &q), TEEC_FAIL);
	assert_int_equal(q.reason, R_FILE_MISMATCH);
	assert_true(q.files[0].ok);
	assert_false(q.files[1].named);
	assert_non_null(strstr(q.detail, "no subject"));
	quorum_free(&q);
}

/* Not reached: that is the reason, whatever the files. */
static void
test_files_when_not_reached(void **state)
{
	const char *p[2], *f[1];
	struct quorum q;

	f[0] = "dl/evil/hello";
	p[0] = good(MID_A1);
	p[1] = evil(MID_B);
	assert_int_equal(run(p, 2, 1, f, 1, 0, &q), TEEC_FAIL);
	assert_int_equal(q.reason, R_QUORUM_NOT_REACHED);
	assert_false(q.files[0].checked);
	quorum_free(&q);
	p[1] = tampered(MID_B);
	assert_int_equal(run(p, 2, 0, f, 1, 0, &q), TEEC_FAIL);
	assert_int_equal(q.reason, R_QUORUM_NOT_REACHED);
	assert_true(q.files[0].checked);
	assert_false(q.files[0].ok);
	quorum_free(&q);
}

/* Local-mode bundles: every one is the development root's. */
static void
test_development_bundles_are_one_attestor(void **state)
{
	const char *p[3];
	struct quorum q;
	struct mk k = { 0 };
	size_t i;
	static const char *const mids[] = { MID_A1, MID_B, MID_C };

	k.debug = 1;
	for (i = 0; i < 3; i++) {
		k.module_id = mids[i];
		p[i] = make_bundle(&k);
	}
	assert_int_equal(run(p, 3, 0, NULL, 0, 1, &q), TEEC_FAIL);
	assert_int_equal(q.claims[0].nattestors, 1);
	assert_int_equal(q.bundles[0].attestor.kind, QA_DEV);
	quorum_free(&q);
	assert_int_equal(run(p, 3, 1, NULL, 0, 1, &q), TEEC_OK);
	quorum_free(&q);
	/* without --dev they do not verify */
	assert_int_equal(run(p, 3, 1, NULL, 0, 0, &q), TEEC_FAIL);
	assert_int_equal(q.bundles[0].r.reason, R_DEBUG_ENCLAVE);
	quorum_free(&q);
}

/* ---- output ---- */

static cJSON *
render_json(const struct quorum *q)
{
	struct buf b;
	cJSON *j;

	buf_init(&b, 1 << 24);
	assert_int_equal(quorum_render_json(&b, q), 0);
	assert_true(b.len > 0 && b.data[b.len - 1] == '\n');
	assert_null(memchr(b.data, '\n', b.len - 1));
	j = cJSON_ParseWithLength((const char *)b.data, b.len);
	assert_non_null(j);
	buf_free(&b);
	return j;
}

static const cJSON *
member(const cJSON *o, const char *key)
{
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(o, key);

	if (m == NULL)
		fail_msg("no member \"%s\"", key);
	return m;
}

static void
test_json_shape(void **state)
{
	const char *p[3], *f[1];
	const cJSON *bs, *b0, *b2, *cs, *c0, *fs;
	struct quorum q;
	cJSON *j;

	p[0] = good(MID_A1);
	p[1] = good(MID_B);
	p[2] = tampered(MID_C);
	f[0] = "dl/hello";
	assert_int_equal(run(p, 3, 0, f, 1, 0, &q), TEEC_OK);
	j = render_json(&q);
	assert_true(cJSON_IsTrue(member(j, "verified")));
	assert_true(cJSON_IsNull(member(j, "reason")));
	assert_int_equal(member(j, "min")->valueint, 2);
	assert_string_equal(member(j, "min_source")->valuestring, "majority");
	assert_int_equal(member(j, "winner")->valueint, 1);
	bs = member(j, "bundles");
	assert_int_equal(cJSON_GetArraySize(bs), 3);
	b0 = cJSON_GetArrayItem(bs, 0);
	assert_true(cJSON_IsTrue(member(b0, "verified")));
	assert_string_equal(member(member(b0, "attestor"), "id")->valuestring,
	    "i-09b153b9b6859a1de");
	assert_string_equal(member(member(b0, "attestor"), "kind")->valuestring,
	    "instance");
	assert_string_equal(member(b0, "module_id")->valuestring, MID_A1);
	assert_int_equal(member(b0, "claim")->valueint, 1);
	assert_true(cJSON_IsTrue(member(b0, "counted")));
	assert_true(cJSON_IsArray(member(b0, "checks")));
	b2 = cJSON_GetArrayItem(bs, 2);
	assert_true(cJSON_IsFalse(member(b2, "verified")));
	assert_string_equal(member(b2, "reason")->valuestring,
	    "BINDING_MISMATCH");
	assert_true(cJSON_IsNull(member(b2, "attestor")));
	assert_true(cJSON_IsNull(member(b2, "claim")));
	cs = member(j, "claims");
	assert_int_equal(cJSON_GetArraySize(cs), 1);
	c0 = cJSON_GetArrayItem(cs, 0);
	assert_int_equal(member(c0, "attestors")->valueint, 2);
	assert_int_equal(cJSON_GetArraySize(member(c0, "attestor_ids")), 2);
	assert_int_equal(cJSON_GetArraySize(member(c0, "bundles")), 2);
	assert_int_equal(strlen(member(c0, "id")->valuestring), 64);
	assert_int_equal(strlen(member(c0, "source_sha256")->valuestring), 64);
	assert_int_equal(strlen(member(c0, "build_sha256")->valuestring), 64);
	assert_string_equal(member(cJSON_GetArrayItem(member(c0, "subjects"), 0),
	    "name")->valuestring, "hello");
	fs = member(j, "files");
	assert_true(cJSON_IsTrue(member(cJSON_GetArrayItem(fs, 0), "ok")));
	assert_string_equal(member(cJSON_GetArrayItem(fs, 0),
	    "subject")->valuestring, "hello");
	cJSON_Delete(j);
	quorum_free(&q);

	/* not reached: a reason, no winner */
	assert_int_equal(run(p, 3, 3, NULL, 0, 0, &q), TEEC_FAIL);
	j = render_json(&q);
	assert_true(cJSON_IsFalse(member(j, "verified")));
	assert_string_equal(member(j, "reason")->valuestring,
	    "QUORUM_NOT_REACHED");
	assert_string_equal(member(j, "min_source")->valuestring, "given");
	assert_true(cJSON_IsNull(member(j, "winner")));
	assert_int_equal(cJSON_GetArraySize(member(j, "files")), 0);
	cJSON_Delete(j);
	quorum_free(&q);
}

/* A hostile module_id never reaches the terminal raw. */
static void
test_text_output_escapes(void **state)
{
	static const char mid[] = "i-0\x1b]0;owned\x07-enc01882b95cd0e8a90";
	const char *p[2];
	struct quorum q;
	struct buf b;
	const char *last;
	cJSON *j;

	p[0] = good(mid);
	p[1] = tampered(MID_B);
	assert_int_equal(run(p, 2, 1, NULL, 0, 0, &q), TEEC_OK);
	assert_int_equal(q.bundles[0].attestor.kind, QA_MODULE);
	buf_init(&b, 1 << 24);
	assert_int_equal(quorum_render_text(&b, &q), 0);
	assert_null(memchr(b.data, 0x1b, b.len));
	assert_null(memchr(b.data, 0x07, b.len));
	assert_non_null(strstr((char *)b.data, "\\x1b]0;owned\\x07"));
	assert_non_null(strstr((char *)b.data, "bundle 2 "));
	assert_non_null(strstr((char *)b.data, "NOT VERIFIED (BINDING_MISMATCH)"));
	/* the verdict is the last line */
	b.data[b.len - 1] = '\0';
	last = strrchr((char *)b.data, '\n');
	assert_non_null(last);
	assert_string_equal(last + 1,
	    "VERIFIED: quorum reached: claim 1 has 1 attestor, 1 needed");
	buf_free(&b);
	j = render_json(&q);
	assert_string_equal(member(cJSON_GetArrayItem(member(j, "bundles"), 0),
	    "module_id")->valuestring, mid);
	cJSON_Delete(j);
	quorum_free(&q);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_attestor_nitro_module_id_is_its_instance),
		cmocka_unit_test(test_attestor_other_shapes_are_whole),
		cmocka_unit_test(test_attestor_nul_byte_is_not_an_instance),
		cmocka_unit_test(test_attestor_length_bounds),
		cmocka_unit_test(test_attestor_development_root_is_one),
		cmocka_unit_test(test_attestor_compared_by_text),
		cmocka_unit_test(test_claim_parts),
		cmocka_unit_test(test_three_attestors_agree),
		cmocka_unit_test(test_grouping_by_claim),
		cmocka_unit_test(test_same_instance_counted_once),
		cmocka_unit_test(test_duplicate_bundle_counted_once),
		cmocka_unit_test(test_attestor_in_two_claims),
		cmocka_unit_test(test_tie_is_never_a_quorum),
		cmocka_unit_test(test_default_majority_counts_unverified),
		cmocka_unit_test(test_no_bundle_verifies),
		cmocka_unit_test(test_min_bounds),
		cmocka_unit_test(test_unreadable_inputs_are_errors),
		cmocka_unit_test(test_files_against_the_winner),
		cmocka_unit_test(test_files_when_not_reached),
		cmocka_unit_test(test_development_bundles_are_one_attestor),
		cmocka_unit_test(test_json_shape),
		cmocka_unit_test(test_text_output_escapes),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

/* SPDX-License-Identifier: ISC */
/*
 * host/check.c: a local bundle made the way the worker makes it passes;
 * one about other inputs, from another development CA, or damaged fails.
 */
#include <sys/stat.h>

#include "tests/unit/testutil.h"
#include "tests/unit/hostfake.h"

#include "host/check.h"

#define COMMIT "0123456789abcdef0123456789abcdef01234567"

static char dir[64], ca[96], ca2[96], art[96], bundle[96];
static uint8_t src[32];

static int
setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/teec-check.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(ca, sizeof(ca), "%s/ca", dir);
	snprintf(ca2, sizeof(ca2), "%s/ca2", dir);
	snprintf(art, sizeof(art), "%s/hello", dir);
	snprintf(bundle, sizeof(bundle), "%s/b.teec", dir);
	memset(src, 0x5a, sizeof(src));
	return hf_write(art, "\177ELF not really\n");
}

static int
teardown(void **state)
{
	hf_rmtree(dir);
	return 0;
}

static void
make(const char *cadir, const char *commit, const char *bj)
{
	struct teec_err err;

	if (hf_make_bundle(bundle, cadir, src, commit, (const uint8_t *)bj,
	    strlen(bj), art, &err) != 0)
		fail_msg("hf_make_bundle: %s", err.msg);
}

static void
expect(struct check_expect *x, const char *commit)
{
	memset(x, 0, sizeof(*x));
	x->source_sha256 = src;
	x->commit = commit;
	x->build_json = (const uint8_t *)HF_BUILD_JSON;
	x->build_json_len = strlen(HF_BUILD_JSON);
	x->devca_dir = ca;
	x->trust_store = "trust-store";
}

static int
check(const struct check_expect *x, struct teec_err *err)
{
	struct bundle_out out;
	int rc;

	memset(err, 0, sizeof(*err));
	rc = check_bundle(bundle, x, &out, err);
	if (rc == TEEC_OK) {
		assert_int_equal(out.report.nsubjects, 1);
		assert_string_equal(out.report.subjects[0].name, "hello");
		assert_true(out.dev_image);
	}
	bundle_out_free(&out);
	return rc;
}

static void
test_good_bundle(void **state)
{
	struct check_expect x;
	struct teec_err err;

	make(ca, COMMIT, HF_BUILD_JSON);
	expect(&x, COMMIT);
	assert_int_equal(check(&x, &err), TEEC_OK);
}

static void
test_good_bundle_without_commit(void **state)
{
	struct check_expect x;
	struct teec_err err;

	make(ca, NULL, HF_BUILD_JSON);
	expect(&x, NULL);
	assert_int_equal(check(&x, &err), TEEC_OK);
}

static void
test_source_digest_differs(void **state)
{
	struct check_expect x;
	struct teec_err err;
	uint8_t other[32];

	make(ca, COMMIT, HF_BUILD_JSON);
	expect(&x, COMMIT);
	memcpy(other, src, sizeof(other));
	other[31] ^= 1;
	x.source_sha256 = other;
	assert_int_equal(check(&x, &err), TEEC_FAIL);
	assert_non_null(strstr(err.msg, "source digest"));
}

static void
test_commit_differs(void **state)
{
	struct check_expect x;
	struct teec_err err;

	make(ca, COMMIT, HF_BUILD_JSON);
	expect(&x, "1123456789abcdef0123456789abcdef01234567");
	assert_int_equal(check(&x, &err), TEEC_FAIL);
	assert_non_null(strstr(err.msg, "commit"));
}

static void
test_commit_missing_from_report(void **state)
{
	struct check_expect x;
	struct teec_err err;

	make(ca, NULL, HF_BUILD_JSON);
	expect(&x, COMMIT);
	assert_int_equal(check(&x, &err), TEEC_FAIL);
	assert_non_null(strstr(err.msg, "commit"));
}

static void
test_commit_not_sent(void **state)
{
	struct check_expect x;
	struct teec_err err;

	make(ca, COMMIT, HF_BUILD_JSON);
	expect(&x, NULL);
	assert_int_equal(check(&x, &err), TEEC_FAIL);
	assert_non_null(strstr(err.msg, "commit"));
}

static void
test_build_json_differs(void **state)
{
	struct check_expect x;
	struct teec_err err;

	/* Same meaning, other bytes: the digest is over the bytes sent. */
	make(ca, COMMIT, "{\"language\":\"c\", \"input\":{\"cmd\":\"make\"},"
	    "\"output\":{\"files\":[\"hello\"]}}");
	expect(&x, COMMIT);
	assert_int_equal(check(&x, &err), TEEC_FAIL);
	assert_non_null(strstr(err.msg, "build.json"));
}

static void
test_other_dev_root(void **state)
{
	struct check_expect x;
	struct teec_err err;

	make(ca2, COMMIT, HF_BUILD_JSON);
	expect(&x, COMMIT);
	assert_int_equal(check(&x, &err), TEEC_FAIL);
	assert_non_null(strstr(err.msg, "does not verify: root"));
}

static void
test_damaged_artifact(void **state)
{
	struct check_expect x;
	struct teec_err err;
	struct buf b;
	char *p;

	make(ca, COMMIT, HF_BUILD_JSON);
	expect(&x, COMMIT);
	assert_int_equal(read_file_capped(bundle, 1 << 24, &b, &err), TEEC_OK);
	p = memmem(b.data, b.len, "not really", 10);
	assert_non_null(p);
	p[0] = 'N';
	assert_int_equal(write_file_atomic(bundle, b.data, b.len, 0644, &err),
	    TEEC_OK);
	buf_free(&b);
	assert_int_equal(check(&x, &err), TEEC_FAIL);
	assert_non_null(strstr(err.msg, "artifacts"));
}

static void
test_not_a_bundle(void **state)
{
	struct check_expect x;
	struct teec_err err;

	assert_int_equal(hf_write(bundle, "hello, not a tar\n"), 0);
	expect(&x, COMMIT);
	assert_int_equal(check(&x, &err), TEEC_FAIL);
	assert_non_null(strstr(err.msg, "bundle"));
}

static void
test_missing_file(void **state)
{
	struct check_expect x;
	struct teec_err err;

	unlink(bundle);
	expect(&x, COMMIT);
	assert_int_equal(check(&x, &err), TEEC_ERROR);
}

static void
test_unsafe_devca_dir(void **state)
{
	struct check_expect x;
	struct teec_err err;

	make(ca, COMMIT, HF_BUILD_JSON);
	expect(&x, COMMIT);
	assert_int_equal(chmod(ca, 0777), 0);
	assert_int_equal(check(&x, &err), TEEC_ERROR);
	assert_int_equal(chmod(ca, 0700), 0);
}

static void
test_first_failure(void **state)
{
	struct vresult r;
	char s[64];

	vresult_init(&r);
	check_first_failure(&r, s, sizeof(s));
	assert_string_equal(s, "");
	vresult_ok(&r, "bundle", "fine");
	vresult_fail(&r, "root", R_UNTRUSTED_ROOT, "not trusted");
	vresult_fail(&r, "chain", R_CHAIN_INVALID, "later");
	check_first_failure(&r, s, sizeof(s));
	assert_string_equal(s, "root: not trusted");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_bundle),
		cmocka_unit_test(test_good_bundle_without_commit),
		cmocka_unit_test(test_source_digest_differs),
		cmocka_unit_test(test_commit_differs),
		cmocka_unit_test(test_commit_missing_from_report),
		cmocka_unit_test(test_commit_not_sent),
		cmocka_unit_test(test_build_json_differs),
		cmocka_unit_test(test_other_dev_root),
		cmocka_unit_test(test_damaged_artifact),
		cmocka_unit_test(test_not_a_bundle),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_unsafe_devca_dir),
		cmocka_unit_test(test_first_failure),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

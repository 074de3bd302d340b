/* SPDX-License-Identifier: ISC */
#include "tests/unit/testutil.h"

#include "common/caps.h"
#include "common/policy.h"

static struct net_policy
mkpolicy(const char *const *entries)
{
	struct net_policy p;
	const char *why;
	size_t dup;

	memset(&p, 0, sizeof(p));
	for (; *entries != NULL; entries++)
		assert_int_equal(policy_add(&p, *entries, &dup, &why), TEEC_OK);
	return p;
}

static void
test_default_ports(void **state)
{
	static const char *const e[] = { "static.crates.io", NULL };
	struct net_policy p = mkpolicy(e);

	assert_true(policy_allows(&p, "static.crates.io", 80));
	assert_true(policy_allows(&p, "static.crates.io", 443));
	assert_false(policy_allows(&p, "static.crates.io", 8080));
	assert_false(policy_allows(&p, "static.crates.io", 0));
	policy_free(&p);
}

static void
test_explicit_port(void **state)
{
	static const char *const e[] = { "proxy.golang.org:443",
	    "127.0.0.1:8080", NULL };
	struct net_policy p = mkpolicy(e);

	assert_true(policy_allows(&p, "proxy.golang.org", 443));
	assert_false(policy_allows(&p, "proxy.golang.org", 80));
	assert_true(policy_allows(&p, "127.0.0.1", 8080));
	assert_false(policy_allows(&p, "127.0.0.1", 80));
	assert_false(policy_allows(&p, "127.0.0.1", 443));
	policy_free(&p);
}

static void
test_exact_host_only(void **state)
{
	static const char *const e[] = { "crates.io", NULL };
	struct net_policy p = mkpolicy(e);

	assert_false(policy_allows(&p, "static.crates.io", 443));
	assert_false(policy_allows(&p, "crates.io.evil.example", 443));
	assert_false(policy_allows(&p, "rates.io", 443));
	assert_false(policy_allows(&p, "crates.i", 443));
	assert_true(policy_allows(&p, "crates.io", 443));
	policy_free(&p);
}

static void
test_empty_policy_allows_nothing(void **state)
{
	struct net_policy p;

	memset(&p, 0, sizeof(p));
	assert_false(policy_allows(&p, "localhost", 80));
	assert_false(policy_allows(NULL, "localhost", 80));
	policy_free(&p);
	policy_free(NULL);
}

static void
test_canon_folds_case(void **state)
{
	char out[TEEC_MAX_HOSTNAME + 1];
	const char *why = NULL;

	assert_int_equal(policy_host_canon("Static.Crates.IO", 16, out, &why), 0);
	assert_string_equal(out, "static.crates.io");
	/* Only the n bytes given are read. */
	assert_int_equal(policy_host_canon("a.example:443", 9, out, &why), 0);
	assert_string_equal(out, "a.example");
}

static void
test_canon_refuses_numeric_spellings(void **state)
{
	static const char *const bad[] = { "127.1", "2130706433", "0x7f.0.0.1",
	    "0x7f", "017.0.0.1", "127.0.0.1.", "1.2.3.4.5", "1.2.3.256",
	    "a.1", NULL };
	char out[TEEC_MAX_HOSTNAME + 1];
	const char *why;
	size_t i;

	for (i = 0; bad[i] != NULL; i++) {
		why = NULL;
		if (policy_host_canon(bad[i], strlen(bad[i]), out, &why) != -1)
			fail_msg("%s accepted", bad[i]);
		assert_non_null(why);
	}
}

static void
test_canon_ipv4(void **state)
{
	char out[TEEC_MAX_HOSTNAME + 1];
	const char *why;

	assert_int_equal(policy_host_canon("0.0.0.0", 7, out, &why), 0);
	assert_int_equal(policy_host_canon("255.255.255.255", 15, out, &why), 0);
	assert_true(policy_host_is_ipv4("10.0.0.1"));
	assert_false(policy_host_is_ipv4("a.example"));
	assert_false(policy_host_is_ipv4("10.0.0"));
}

static void
test_canon_lengths(void **state)
{
	char host[TEEC_MAX_HOSTNAME + 10], out[TEEC_MAX_HOSTNAME + 1];
	const char *why;
	size_t i;

	/* 63-byte labels pass, 64 do not. */
	memset(host, 'a', 63);
	memcpy(host + 63, ".example", 9);
	assert_int_equal(policy_host_canon(host, strlen(host), out, &why), 0);
	memset(host, 'a', 64);
	memcpy(host + 64, ".example", 9);
	assert_int_equal(policy_host_canon(host, strlen(host), out, &why), -1);
	assert_string_equal(why, "label longer than 63 bytes");
	/* 253 bytes in total pass, 254 do not. */
	for (i = 0; i < 253; i++)
		host[i] = (i % 2) ? '.' : 'a';
	host[252] = 'a';
	host[253] = '\0';
	assert_int_equal(policy_host_canon(host, 253, out, &why), 0);
	host[253] = 'b';
	assert_int_equal(policy_host_canon(host, 254, out, &why), -1);
	assert_string_equal(why, "host longer than 253 bytes");
	assert_int_equal(policy_host_canon("", 0, out, &why), -1);
	assert_string_equal(why, "empty host");
}

static void
test_canon_bad_bytes(void **state)
{
	char out[TEEC_MAX_HOSTNAME + 1];
	const char *why;

	assert_int_equal(policy_host_canon("a\0b", 3, out, &why), -1);
	assert_int_equal(policy_host_canon("a b", 3, out, &why), -1);
	assert_int_equal(policy_host_canon("a\xc3\xa9", 3, out, &why), -1);
	assert_int_equal(policy_host_canon("a/b", 3, out, &why), -1);
	assert_int_equal(policy_host_canon("user@a", 6, out, &why), -1);
	assert_string_equal(why, "not a DNS name or an IPv4 address");
}

static void
test_parse_entry_ports(void **state)
{
	struct net_rule r;
	const char *why;

	assert_int_equal(policy_parse_entry("a.example:1", &r, &why), 0);
	assert_int_equal(r.port, 1);
	assert_int_equal(policy_parse_entry("a.example:65535", &r, &why), 0);
	assert_int_equal(r.port, 65535);
	assert_int_equal(policy_parse_entry("a.example:99999", &r, &why), -1);
	assert_int_equal(policy_parse_entry("a.example:123456", &r, &why), -1);
	assert_int_equal(policy_parse_entry("a.example:+80", &r, &why), -1);
	assert_int_equal(policy_parse_entry("a.example:80:80", &r, &why), -1);
	assert_int_equal(policy_parse_entry(":80", &r, &why), -1);
}

static void
test_add_cap_and_duplicates(void **state)
{
	struct net_policy p;
	const char *why;
	char e[64];
	size_t i, dup;

	memset(&p, 0, sizeof(p));
	for (i = 0; i < TEEC_MAX_NET_ALLOW; i++) {
		snprintf(e, sizeof(e), "h%zu.example", i);
		assert_int_equal(policy_add(&p, e, &dup, &why), TEEC_OK);
	}
	assert_int_equal(policy_add(&p, "one.more", &dup, &why), TEEC_ERROR);
	policy_free(&p);
	assert_int_equal(policy_add(&p, "a.example", &dup, &why), TEEC_OK);
	assert_int_equal(policy_add(&p, "a.example", &dup, &why), TEEC_FAIL);
	assert_int_equal(dup, 0);
	assert_int_equal(policy_add(&p, "A.example", &dup, &why), TEEC_FAIL);
	assert_int_equal(dup, (size_t)-1);
	policy_free(&p);
}

static void
test_copy(void **state)
{
	static const char *const e[] = { "a.example", "b.example:8443", NULL };
	struct net_policy p = mkpolicy(e), q;

	assert_int_equal(policy_copy(&q, &p), TEEC_OK);
	policy_free(&p);
	assert_true(policy_allows(&q, "b.example", 8443));
	assert_false(policy_allows(&q, "b.example", 443));
	policy_free(&q);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_ports),
		cmocka_unit_test(test_explicit_port),
		cmocka_unit_test(test_exact_host_only),
		cmocka_unit_test(test_empty_policy_allows_nothing),
		cmocka_unit_test(test_canon_folds_case),
		cmocka_unit_test(test_canon_refuses_numeric_spellings),
		cmocka_unit_test(test_canon_ipv4),
		cmocka_unit_test(test_canon_lengths),
		cmocka_unit_test(test_canon_bad_bytes),
		cmocka_unit_test(test_parse_entry_ports),
		cmocka_unit_test(test_add_cap_and_duplicates),
		cmocka_unit_test(test_copy),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: ISC */
#include "tests/unit/testutil.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <ftw.h>
#include <time.h>

#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "common/fileio.h"
#include "enclave/devca.h"
#include "tests/unit/testpki.h"

static char tmpdir[256];

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static int
group_setup(void **state)
{
	snprintf(tmpdir, sizeof(tmpdir), "%s/teec-devca-XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int
group_teardown(void **state)
{
	nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}

/* A fresh directory name under tmpdir (not created). */
static void
fresh(char *out, size_t n, const char *name)
{
	snprintf(out, n, "%s/%s", tmpdir, name);
}

static mode_t
mode_of(const char *dir, const char *name)
{
	char p[600];
	struct stat st;

	snprintf(p, sizeof(p), "%s%s%s", dir, name ? "/" : "", name ? name : "");
	assert_int_equal(stat(p, &st), 0);
	return st.st_mode & 07777;
}

static void
root_copy(struct devca *ca, uint8_t **der, size_t *len)
{
	const uint8_t *p;

	devca_root_der(ca, &p, len);
	assert_non_null(*der = malloc(*len));
	memcpy(*der, p, *len);
}

static void
open_ok(const char *dir, struct devca **ca)
{
	struct teec_err err;

	if (devca_open(dir, ca, &err) != TEEC_OK)
		fail_msg("devca_open: %s", err.msg);
}

static void
open_fails(const char *dir, const char *what)
{
	struct devca *ca = NULL;
	struct teec_err err;

	memset(&err, 0, sizeof(err));
	assert_int_equal(devca_open(dir, &ca, &err), TEEC_ERROR);
	assert_null(ca);
	if (strstr(err.msg, what) == NULL)
		fail_msg("message \"%s\" lacks \"%s\"", err.msg, what);
}

static int
ext_critical(X509 *x, int nid)
{
	int i = X509_get_ext_by_NID(x, nid, -1);

	if (i < 0)
		return -1;
	return X509_EXTENSION_get_critical(X509_get_ext(x, i));
}

/* X509_verify_cert at time t: 0 (X509_V_OK) or the verify error. */
static int
chain_err(X509 *leaf, X509 *root, X509 **inter, unsigned ninter, int64_t t)
{
	X509_STORE *st = X509_STORE_new();
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	STACK_OF(X509) *un = sk_X509_new_null();
	unsigned i;
	int rc = -1;

	assert_non_null(st);
	assert_non_null(ctx);
	assert_non_null(un);
	for (i = 0; i < ninter; i++)
		sk_X509_push(un, inter[i]);
	assert_true(X509_STORE_add_cert(st, root));
	assert_true(X509_STORE_CTX_init(ctx, st, leaf, un));
	X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx), (time_t)t);
	rc = X509_verify_cert(ctx) == 1 ? X509_V_OK :
	    X509_STORE_CTX_get_error(ctx);
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(st);
	sk_X509_free(un);
	return rc;
}

static void
time_eq(const ASN1_TIME *a, int64_t t)
{
	ASN1_TIME *b = ASN1_TIME_new();

	assert_non_null(ASN1_TIME_set(b, (time_t)t));
	assert_int_equal(ASN1_TIME_compare(a, b), 0);
	ASN1_TIME_free(b);
}

/* ---- the development CA ------------------------------------------------- */

static void
test_create_then_reuse(void **state)
{
	char dir[400], parent[400];
	struct devca *ca = NULL;
	uint8_t *d1, *d2;
	size_t n1, n2;

	fresh(parent, sizeof(parent), "reuse");
	fresh(dir, sizeof(dir), "reuse/a/b");
	open_ok(dir, &ca);
	assert_string_equal(devca_dir(ca), dir);
	assert_int_equal(mode_of(dir, NULL), 0700);
	assert_int_equal(mode_of(parent, NULL), 0700);
	assert_int_equal(mode_of(dir, "root.key"), 0600);
	assert_int_equal(mode_of(dir, "root.pem"), 0600);
	root_copy(ca, &d1, &n1);
	devca_free(ca);

	open_ok(dir, &ca);
	root_copy(ca, &d2, &n2);
	assert_int_equal(n1, n2);
	assert_memory_equal(d1, d2, n1);
	devca_free(ca);
	free(d1);
	free(d2);
	devca_free(NULL);
}

static void
test_root_shape(void **state)
{
	char dir[400], cn[128];
	struct devca *ca = NULL;
	X509 *root;
	EVP_PKEY *pk;
	int64_t now = (int64_t)time(NULL);
	int day, sec;

	fresh(dir, sizeof(dir), "shape");
	open_ok(dir, &ca);
	root = devca_root_cert(ca);
	assert_int_equal(X509_get_version(root), X509_VERSION_3);
	X509_NAME_get_text_by_NID(X509_get_subject_name(root), NID_commonName,
	    cn, sizeof(cn));
	assert_string_equal(cn, DEVCA_ROOT_CN);
	assert_int_equal(X509_NAME_cmp(X509_get_subject_name(root),
	    X509_get_issuer_name(root)), 0);
	assert_non_null(pk = X509_get0_pubkey(root));
	assert_true(EVP_PKEY_is_a(pk, "EC"));
	assert_int_equal(EVP_PKEY_get_bits(pk), 384);
	assert_int_equal(X509_verify(root, pk), 1);
	assert_int_equal(X509_get_signature_nid(root), NID_ecdsa_with_SHA384);
	assert_true(X509_get_extension_flags(root) & EXFLAG_CA);
	assert_int_equal(ext_critical(root, NID_basic_constraints), 1);
	assert_int_equal(ext_critical(root, NID_key_usage), 1);
	assert_int_equal(X509_get_key_usage(root), KU_KEY_CERT_SIGN | KU_CRL_SIGN);
	assert_int_equal(ext_critical(root, NID_subject_key_identifier), 0);
	assert_non_null(X509_get0_subject_key_id(root));
	/* 20 years from creation */
	assert_int_equal(ASN1_TIME_diff(&day, &sec, X509_get0_notBefore(root),
	    X509_get0_notAfter(root)), 1);
	assert_int_equal(day, DEVCA_ROOT_DAYS);
	assert_int_equal(sec, 0);
	assert_true(X509_cmp_time(X509_get0_notBefore(root),
	    &(time_t){ (time_t)now + 1 }) < 0);
	devca_free(ca);
}

static void
test_refuse_world_writable(void **state)
{
	char dir[400];
	struct devca *ca = NULL;

	fresh(dir, sizeof(dir), "ww");
	open_ok(dir, &ca);
	devca_free(ca);
	assert_int_equal(chmod(dir, 0777), 0);
	open_fails(dir, "writable by group or others");
	assert_int_equal(chmod(dir, 0702), 0);
	open_fails(dir, "writable by group or others");
	assert_int_equal(chmod(dir, 0700), 0);
	open_ok(dir, &ca);
	devca_free(ca);
}

static void
test_refuse_group_writable_new_dir(void **state)
{
	char dir[400];

	/* an existing empty directory that is group-writable: nothing made */
	fresh(dir, sizeof(dir), "gw");
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_int_equal(chmod(dir, 0770), 0);
	open_fails(dir, "writable by group or others");
	assert_int_equal(access(dir, F_OK), 0);
	{
		char p[500];

		snprintf(p, sizeof(p), "%s/root.key", dir);
		assert_int_equal(access(p, F_OK), -1);
	}
}

static void
test_refuse_not_owned(void **state)
{
	char dir[400];
	struct devca *ca = NULL;

	if (geteuid() != 0) {
		print_message("SKIP: needs root to give a directory away\n");
		skip();
	}
	fresh(dir, sizeof(dir), "owned");
	open_ok(dir, &ca);
	devca_free(ca);
	assert_int_equal(chown(dir, 12345, 12345), 0);
	open_fails(dir, "not owned by the current user");
	assert_int_equal(chown(dir, 0, 0), 0);
	open_ok(dir, &ca);
	devca_free(ca);
}

static void
test_refuse_key_readable_by_others(void **state)
{
	char dir[400], key[500];
	struct devca *ca = NULL;

	fresh(dir, sizeof(dir), "keymode");
	open_ok(dir, &ca);
	devca_free(ca);
	snprintf(key, sizeof(key), "%s/root.key", dir);
	assert_int_equal(chmod(key, 0644), 0);
	open_fails(dir, "chmod 600");
	assert_int_equal(chmod(key, 0640), 0);
	open_fails(dir, "chmod 600");
	assert_int_equal(chmod(key, 0600), 0);
	open_ok(dir, &ca);
	devca_free(ca);
}

static void
test_refuse_mismatched_key(void **state)
{
	char a[400], b[400], src[500], dst[500];
	struct devca *ca = NULL;

	fresh(a, sizeof(a), "mis-a");
	fresh(b, sizeof(b), "mis-b");
	open_ok(a, &ca);
	devca_free(ca);
	open_ok(b, &ca);
	devca_free(ca);
	snprintf(src, sizeof(src), "%s/root.key", a);
	snprintf(dst, sizeof(dst), "%s/root.key", b);
	assert_int_equal(rename(src, dst), 0);
	open_fails(b, "does not match");
}

static void
test_refuse_missing_key(void **state)
{
	char dir[400], key[500];
	struct devca *ca = NULL;

	fresh(dir, sizeof(dir), "nokey");
	open_ok(dir, &ca);
	devca_free(ca);
	snprintf(key, sizeof(key), "%s/root.key", dir);
	assert_int_equal(unlink(key), 0);
	open_fails(dir, "root.key is missing");
}

static void
test_recreate_after_interrupted_creation(void **state)
{
	char dir[400], pem[500];
	struct devca *ca = NULL;
	uint8_t *d1, *d2;
	size_t n1, n2;

	fresh(dir, sizeof(dir), "interrupted");
	open_ok(dir, &ca);
	root_copy(ca, &d1, &n1);
	devca_free(ca);
	snprintf(pem, sizeof(pem), "%s/root.pem", dir);
	assert_int_equal(unlink(pem), 0);
	open_ok(dir, &ca);
	root_copy(ca, &d2, &n2);
	assert_false(n1 == n2 && memcmp(d1, d2, n1) == 0);
	devca_free(ca);
	open_ok(dir, &ca);
	devca_free(ca);
	free(d1);
	free(d2);
}

static void
test_refuse_garbage_files(void **state)
{
	char dir[400], p[500];
	struct devca *ca = NULL;
	struct teec_err err;

	fresh(dir, sizeof(dir), "garbage");
	open_ok(dir, &ca);
	devca_free(ca);
	snprintf(p, sizeof(p), "%s/root.pem", dir);
	assert_int_equal(write_file_atomic(p, "not a certificate\n", 18, 0600,
	    &err), TEEC_OK);
	open_fails(dir, "not a PEM certificate");
	assert_int_equal(write_file_atomic(p, "", 0, 0600, &err), TEEC_OK);
	open_fails(dir, "not a PEM certificate");

	fresh(dir, sizeof(dir), "garbage-key");
	open_ok(dir, &ca);
	devca_free(ca);
	snprintf(p, sizeof(p), "%s/root.key", dir);
	assert_int_equal(write_file_atomic(p, "junk", 4, 0600, &err), TEEC_OK);
	open_fails(dir, "not a PEM private key");
}

static void
test_refuse_wrong_key_type(void **state)
{
	char dir[400], p[500];
	struct devca *ca = NULL;
	struct teec_err err;
	EVP_PKEY *k = EVP_EC_gen("P-256");
	BIO *bio = BIO_new(BIO_s_mem());
	BUF_MEM *bm;

	fresh(dir, sizeof(dir), "p256");
	open_ok(dir, &ca);
	devca_free(ca);
	assert_true(PEM_write_bio_PrivateKey(bio, k, NULL, NULL, 0, NULL,
	    NULL));
	BIO_get_mem_ptr(bio, &bm);
	snprintf(p, sizeof(p), "%s/root.key", dir);
	assert_int_equal(write_file_atomic(p, bm->data, bm->length, 0600,
	    &err), TEEC_OK);
	open_fails(dir, "not an EC P-384 key");
	BIO_free(bio);
	EVP_PKEY_free(k);
}

static void
test_refuse_symlinked_key(void **state)
{
	char dir[400], a[400], src[500], dst[500];
	struct devca *ca = NULL;

	fresh(a, sizeof(a), "link-target");
	fresh(dir, sizeof(dir), "link");
	open_ok(a, &ca);
	devca_free(ca);
	open_ok(dir, &ca);
	devca_free(ca);
	snprintf(src, sizeof(src), "%s/root.key", a);
	snprintf(dst, sizeof(dst), "%s/root.key", dir);
	assert_int_equal(unlink(dst), 0);
	assert_int_equal(symlink(src, dst), 0);
	open_fails(dir, "root.key");
}

static void
test_refuse_file_as_dir(void **state)
{
	char p[400];
	struct teec_err err;

	fresh(p, sizeof(p), "plainfile");
	assert_int_equal(write_file_atomic(p, "x", 1, 0600, &err), TEEC_OK);
	open_fails(p, "plainfile");
}

static void
test_default_dir(void **state)
{
	char xdg[400], home[400], want[500], *ox, *oh;
	struct devca *ca = NULL;
	struct teec_err err;
	char out[600];

	ox = getenv("XDG_DATA_HOME") ? strdup(getenv("XDG_DATA_HOME")) : NULL;
	oh = getenv("HOME") ? strdup(getenv("HOME")) : NULL;
	fresh(xdg, sizeof(xdg), "xdg");
	fresh(home, sizeof(home), "home");

	setenv("XDG_DATA_HOME", xdg, 1);
	open_ok(NULL, &ca);
	snprintf(want, sizeof(want), "%s/teec/dev-ca", xdg);
	assert_string_equal(devca_dir(ca), want);
	assert_int_equal(mode_of(want, "root.pem"), 0600);
	devca_free(ca);

	/* a relative XDG_DATA_HOME is ignored (XDG Base Directory) */
	setenv("XDG_DATA_HOME", "relative/dir", 1);
	setenv("HOME", home, 1);
	assert_int_equal(devca_default_dir(out, sizeof(out), &err), TEEC_OK);
	snprintf(want, sizeof(want), "%s/.local/share/teec/dev-ca", home);
	assert_string_equal(out, want);
	unsetenv("XDG_DATA_HOME");
	open_ok(NULL, &ca);
	assert_string_equal(devca_dir(ca), want);
	devca_free(ca);

	unsetenv("HOME");
	assert_int_equal(devca_default_dir(out, sizeof(out), &err), TEEC_ERROR);
	assert_non_null(strstr(err.msg, "HOME"));
	open_fails(NULL, "HOME");
	setenv("HOME", home, 1);
	assert_int_equal(devca_default_dir(out, 8, &err), TEEC_ERROR);

	if (ox != NULL)
		setenv("XDG_DATA_HOME", ox, 1);
	else
		unsetenv("XDG_DATA_HOME");
	if (oh != NULL)
		setenv("HOME", oh, 1);
	else
		unsetenv("HOME");
	free(ox);
	free(oh);
}

static void
test_concurrent_first_use(void **state)
{
	char dir[400];
	uint8_t h[4][SHA256_DIGEST_LENGTH];
	int fds[4][2], i, status;
	pid_t pid[4];

	fresh(dir, sizeof(dir), "race");
	for (i = 0; i < 4; i++) {
		assert_int_equal(pipe(fds[i]), 0);
		if ((pid[i] = fork()) == 0) {
			struct devca *ca = NULL;
			const uint8_t *p;
			size_t n;
			uint8_t md[SHA256_DIGEST_LENGTH];

			if (devca_open(dir, &ca, NULL) != TEEC_OK)
				_exit(1);
			devca_root_der(ca, &p, &n);
			SHA256(p, n, md);
			_exit(write_all(fds[i][1], md, sizeof(md)) == 0 ? 0 : 1);
		}
		assert_true(pid[i] > 0);
		close(fds[i][1]);
	}
	for (i = 0; i < 4; i++) {
		assert_int_equal(waitpid(pid[i], &status, 0), pid[i]);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
		assert_int_equal(read_full(fds[i][0], h[i], sizeof(h[i])),
		    (ssize_t)sizeof(h[i]));
		close(fds[i][0]);
	}
	for (i = 1; i < 4; i++)
		assert_memory_equal(h[0], h[i], sizeof(h[0]));
}

static void
test_issue_leaf_shape_and_chain(void **state)
{
	char dir[400], cn[128];
	struct devca *ca = NULL;
	struct teec_err err;
	EVP_PKEY *k1, *k2;
	X509 *l1, *l2;
	int64_t t = (int64_t)time(NULL);

	fresh(dir, sizeof(dir), "leaf");
	open_ok(dir, &ca);
	assert_int_equal(devca_issue_leaf(ca, "i-0-local0.local.teec", t,
	    t + DEVCA_LEAF_SECS, &k1, &l1, &err), TEEC_OK);
	assert_int_equal(devca_issue_leaf(ca, "i-0-local0.local.teec", t,
	    t + DEVCA_LEAF_SECS, &k2, &l2, &err), TEEC_OK);

	X509_NAME_get_text_by_NID(X509_get_subject_name(l1), NID_commonName,
	    cn, sizeof(cn));
	assert_string_equal(cn, "i-0-local0.local.teec");
	assert_int_equal(X509_NAME_cmp(X509_get_issuer_name(l1),
	    X509_get_subject_name(devca_root_cert(ca))), 0);
	assert_int_equal(X509_get_version(l1), X509_VERSION_3);
	assert_int_equal(EVP_PKEY_get_bits(k1), 384);
	assert_int_equal(X509_check_private_key(l1, k1), 1);
	assert_int_equal(X509_get_signature_nid(l1), NID_ecdsa_with_SHA384);
	assert_false(X509_get_extension_flags(l1) & EXFLAG_CA);
	assert_int_equal(ext_critical(l1, NID_basic_constraints), 1);
	assert_int_equal(ext_critical(l1, NID_key_usage), 0);
	assert_int_equal(X509_get_key_usage(l1),
	    KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION);
	assert_int_equal(ext_critical(l1, NID_subject_key_identifier), -1);
	assert_int_equal(ext_critical(l1, NID_authority_key_identifier), -1);
	assert_int_equal(ext_critical(l1, NID_ext_key_usage), -1);
	assert_int_equal(X509_get_ext_count(l1), 2);
	time_eq(X509_get0_notBefore(l1), t);
	time_eq(X509_get0_notAfter(l1), t + DEVCA_LEAF_SECS);
	/* fresh key and random serial each time */
	assert_int_not_equal(ASN1_INTEGER_cmp(X509_get0_serialNumber(l1),
	    X509_get0_serialNumber(l2)), 0);
	assert_int_not_equal(EVP_PKEY_eq(k1, k2), 1);

	assert_int_equal(chain_err(l1, devca_root_cert(ca), NULL, 0, t), X509_V_OK);
	assert_int_equal(chain_err(l1, devca_root_cert(ca), NULL, 0,
	    t + DEVCA_LEAF_SECS - 1), X509_V_OK);
	assert_int_equal(chain_err(l1, devca_root_cert(ca), NULL, 0, t - 1),
	    X509_V_ERR_CERT_NOT_YET_VALID);
	/* OpenSSL treats notAfter itself as expired */
	assert_int_equal(chain_err(l1, devca_root_cert(ca), NULL, 0,
	    t + DEVCA_LEAF_SECS), X509_V_ERR_CERT_HAS_EXPIRED);

	EVP_PKEY_free(k1);
	EVP_PKEY_free(k2);
	X509_free(l1);
	X509_free(l2);
	devca_free(ca);
}

static void
test_issue_leaf_bad_args(void **state)
{
	char dir[400], longcn[80];
	struct devca *ca = NULL;
	struct teec_err err;
	EVP_PKEY *k = NULL;
	X509 *x = NULL;
	int64_t t = (int64_t)time(NULL);

	memset(longcn, 'a', sizeof(longcn));
	longcn[DEVCA_MAX_CN + 1] = '\0';
	fresh(dir, sizeof(dir), "leafargs");
	open_ok(dir, &ca);
	assert_int_equal(devca_issue_leaf(ca, NULL, t, t + 1, &k, &x, &err),
	    TEEC_ERROR);
	assert_int_equal(devca_issue_leaf(ca, "", t, t + 1, &k, &x, &err),
	    TEEC_ERROR);
	assert_int_equal(devca_issue_leaf(ca, longcn, t, t + 1, &k, &x, &err),
	    TEEC_ERROR);
	assert_non_null(strstr(err.msg, "common name"));
	longcn[DEVCA_MAX_CN] = '\0';
	assert_int_equal(devca_issue_leaf(ca, longcn, t, t + 1, &k, &x, &err),
	    TEEC_OK);
	EVP_PKEY_free(k);
	X509_free(x);
	assert_int_equal(devca_issue_leaf(ca, "x", t, t, &k, &x, &err),
	    TEEC_ERROR);
	assert_int_equal(devca_issue_leaf(ca, "x", t, t - 5, &k, &x, &err),
	    TEEC_ERROR);
	assert_int_equal(devca_issue_leaf(ca, "x", -10, t, &k, &x, &err),
	    TEEC_ERROR);
	assert_null(k);
	assert_null(x);
	devca_free(ca);
}

/* ---- the in-memory test PKI (tests/unit/testpki.h) ------------------------ */

static void
make_pki(struct testpki_opts *o, struct testpki *pki)
{
	assert_int_equal(testpki_make(o, pki), 0);
}

static void
test_testpki_default_chain(void **state)
{
	struct testpki_opts o;
	struct testpki pki;

	memset(&o, 0, sizeof(o));
	o.ninter = 3;
	make_pki(&o, &pki);
	assert_int_equal(pki.nbundle, 4);
	assert_int_equal(chain_err(pki.leaf, pki.root, pki.inter, 3, pki.now),
	    X509_V_OK);
	assert_int_equal(EVP_PKEY_get_bits(pki.leaf_key), 384);
	assert_false(X509_get_extension_flags(pki.leaf) & EXFLAG_CA);
	assert_true(X509_get_key_usage(pki.leaf) & KU_DIGITAL_SIGNATURE);
	/* the leaf is valid for 3 h */
	assert_int_equal(chain_err(pki.leaf, pki.root, pki.inter, 3,
	    pki.now + 4 * 3600), X509_V_ERR_CERT_HAS_EXPIRED);
	testpki_free(&pki);

	o.ninter = 0;
	make_pki(&o, &pki);
	assert_int_equal(pki.nbundle, 1);
	assert_int_equal(chain_err(pki.leaf, pki.root, NULL, 0, pki.now),
	    X509_V_OK);
	testpki_free(&pki);
	o.ninter = TESTPKI_MAX_INTER + 1;
	assert_int_equal(testpki_make(&o, &pki), -1);
}

static void
test_testpki_expired_intermediate(void **state)
{
	struct testpki_opts o;
	struct testpki pki;

	memset(&o, 0, sizeof(o));
	o.ninter = 2;
	o.expired_inter = 2;
	make_pki(&o, &pki);
	assert_int_equal(chain_err(pki.leaf, pki.root, pki.inter, 2, pki.now),
	    X509_V_ERR_CERT_HAS_EXPIRED);
	testpki_free(&pki);
}

static void
test_testpki_leaf_knobs(void **state)
{
	struct testpki_opts o;
	struct testpki pki;

	memset(&o, 0, sizeof(o));
	o.ninter = 1;
	o.leaf_bc = "critical,CA:TRUE";
	make_pki(&o, &pki);
	assert_true(X509_get_extension_flags(pki.leaf) & EXFLAG_CA);
	testpki_free(&pki);

	o.leaf_bc = "";
	make_pki(&o, &pki);
	assert_int_equal(ext_critical(pki.leaf, NID_basic_constraints), -1);
	testpki_free(&pki);

	o.leaf_bc = NULL;
	o.leaf_ku = "nonRepudiation";
	make_pki(&o, &pki);
	assert_false(X509_get_key_usage(pki.leaf) & KU_DIGITAL_SIGNATURE);
	testpki_free(&pki);

	o.leaf_ku = NULL;
	o.leaf_key = TESTPKI_P256;
	make_pki(&o, &pki);
	assert_int_equal(EVP_PKEY_get_bits(X509_get0_pubkey(pki.leaf)), 256);
	assert_int_equal(chain_err(pki.leaf, pki.root, pki.inter, 1, pki.now),
	    X509_V_OK);
	testpki_free(&pki);

	o.leaf_key = TESTPKI_RSA2048;
	make_pki(&o, &pki);
	assert_true(EVP_PKEY_is_a(X509_get0_pubkey(pki.leaf), "RSA"));
	testpki_free(&pki);

	o.leaf_key = TESTPKI_P384;
	o.leaf_sha256 = 1;
	make_pki(&o, &pki);
	assert_int_equal(X509_get_signature_nid(pki.leaf),
	    NID_ecdsa_with_SHA256);
	testpki_free(&pki);

	o.leaf_sha256 = 0;
	o.leaf_validity = 1;
	o.leaf_not_before = 0;
	o.leaf_not_after = 2000000000;
	o.leaf_cn = "custom";
	make_pki(&o, &pki);
	time_eq(X509_get0_notBefore(pki.leaf), 0);
	time_eq(X509_get0_notAfter(pki.leaf), 2000000000);
	testpki_free(&pki);
}

static void
test_testpki_intermediate_knobs(void **state)
{
	struct testpki_opts o;
	struct testpki pki;

	memset(&o, 0, sizeof(o));
	o.ninter = 1;
	o.inter_bc = "critical,CA:FALSE";
	make_pki(&o, &pki);
	assert_int_equal(chain_err(pki.leaf, pki.root, pki.inter, 1, pki.now),
	    X509_V_ERR_INVALID_CA);
	testpki_free(&pki);

	o.ninter = 3;
	o.inter_bc = "critical,CA:TRUE,pathlen:0";
	make_pki(&o, &pki);
	assert_int_equal(chain_err(pki.leaf, pki.root, pki.inter, 3, pki.now),
	    X509_V_ERR_PATH_LENGTH_EXCEEDED);
	testpki_free(&pki);

	o.inter_bc = NULL;
	o.inter_ku = "critical,digitalSignature";
	make_pki(&o, &pki);
	assert_int_not_equal(chain_err(pki.leaf, pki.root, pki.inter, 3,
	    pki.now), X509_V_OK);
	testpki_free(&pki);

	o.inter_ku = NULL;
	o.inter_key = TESTPKI_P256;
	o.root_key = TESTPKI_P256;
	make_pki(&o, &pki);
	assert_int_equal(EVP_PKEY_get_bits(pki.root_key), 256);
	assert_int_equal(chain_err(pki.leaf, pki.root, pki.inter, 3, pki.now),
	    X509_V_OK);
	testpki_free(&pki);
	testpki_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_then_reuse),
		cmocka_unit_test(test_root_shape),
		cmocka_unit_test(test_refuse_world_writable),
		cmocka_unit_test(test_refuse_group_writable_new_dir),
		cmocka_unit_test(test_refuse_not_owned),
		cmocka_unit_test(test_refuse_key_readable_by_others),
		cmocka_unit_test(test_refuse_mismatched_key),
		cmocka_unit_test(test_refuse_missing_key),
		cmocka_unit_test(test_recreate_after_interrupted_creation),
		cmocka_unit_test(test_refuse_garbage_files),
		cmocka_unit_test(test_refuse_wrong_key_type),
		cmocka_unit_test(test_refuse_symlinked_key),
		cmocka_unit_test(test_refuse_file_as_dir),
		cmocka_unit_test(test_default_dir),
		cmocka_unit_test(test_concurrent_first_use),
		cmocka_unit_test(test_issue_leaf_shape_and_chain),
		cmocka_unit_test(test_issue_leaf_bad_args),
		cmocka_unit_test(test_testpki_default_chain),
		cmocka_unit_test(test_testpki_expired_intermediate),
		cmocka_unit_test(test_testpki_leaf_knobs),
		cmocka_unit_test(test_testpki_intermediate_knobs),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}

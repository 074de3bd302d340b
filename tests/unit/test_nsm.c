/* SPDX-License-Identifier: ISC */
#include "tests/unit/testutil.h"

#include <sys/stat.h>

#include <dirent.h>
#include <ftw.h>
#include <time.h>

#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "common/buf.h"
#include "common/caps.h"
#include "common/cbor.h"
#include "common/encode.h"
#include "common/fileio.h"
#include "enclave/devca.h"
#include "enclave/nsm.h"
#include "tests/unit/testpki.h"

static char tmpdir[256];
static char cadir[300];

/* ---- helpers ------------------------------------------------------------ */

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static int
group_setup(void **state)
{
	snprintf(tmpdir, sizeof(tmpdir), "%s/teec-nsm-XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	snprintf(cadir, sizeof(cadir), "%s/ca", tmpdir);
	return 0;
}

static int
group_teardown(void **state)
{
	nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* The four members of a COSE_Sign1, pointing into the document. */
struct cose {
	int tagged;
	const uint8_t *prot, *payload, *sig;
	size_t protlen, plen, siglen;
	size_t unprot_entries;
};

/* A definite byte string: pointer into the input. */
static int
get_bstr(struct cbor_cur *c, const uint8_t **p, size_t *n)
{
	struct cbor_head h;

	if (cbor_read_head(c, &h) == -1 || h.major != CBOR_BYTES || h.indef ||
	    h.arg > cbor_left(c))
		return -1;
	*p = c->p + c->off;
	*n = (size_t)h.arg;
	c->off += (size_t)h.arg;
	return 0;
}

static int
parse_cose(const uint8_t *doc, size_t len, struct cose *cs)
{
	struct cbor_cur c;
	struct cbor_head h;

	memset(cs, 0, sizeof(*cs));
	cbor_cur_init(&c, doc, len);
	if (cbor_read_head(&c, &h) == -1)
		return -1;
	if (h.major == CBOR_TAG) {
		if (h.arg != 18 || cbor_read_head(&c, &h) == -1)
			return -1;
		cs->tagged = 1;
	}
	if (h.major != CBOR_ARRAY || h.indef || h.arg != 4)
		return -1;
	if (get_bstr(&c, &cs->prot, &cs->protlen) == -1)
		return -1;
	if (cbor_read_head(&c, &h) == -1 || h.major != CBOR_MAP)
		return -1;
	cs->unprot_entries = (size_t)h.arg;
	if (cbor_skip(&c, &h, 4, 16) == -1)
		return -1;
	if (get_bstr(&c, &cs->payload, &cs->plen) == -1 ||
	    get_bstr(&c, &cs->sig, &cs->siglen) == -1)
		return -1;
	return cbor_left(&c) == 0 ? 0 : -1;
}

/*
 * Find the byte string value of key in the payload map (definite or
 * indefinite), pointing into the payload.
 */
static int
payload_bstr(const uint8_t *p, size_t n, const char *key, const uint8_t **v,
    size_t *vlen)
{
	struct cbor_cur c;
	struct cbor_head h, k, val;
	struct buf name;
	uint64_t i;
	int rc = -1;

	buf_init(&name, 64);
	cbor_cur_init(&c, p, n);
	if (cbor_read_head(&c, &h) == -1 || h.major != CBOR_MAP)
		goto out;
	for (i = 0; h.indef || i < h.arg; i++) {
		if (cbor_read_head(&c, &k) == -1 || k.is_break)
			goto out;
		name.len = 0;
		if (k.major != CBOR_TEXT ||
		    cbor_read_string(&c, &k, 64, &name) == -1)
			goto out;
		if (strcmp((char *)name.data, key) == 0) {
			rc = get_bstr(&c, v, vlen);
			goto out;
		}
		if (cbor_read_head(&c, &val) == -1 ||
		    cbor_skip(&c, &val, 8, 64) == -1)
			goto out;
	}
out:
	buf_free(&name);
	return rc;
}

/* Verify an ES384 raw r || s signature over the Sig_structure with OpenSSL. */
static int
verify_cose(const struct cose *cs, EVP_PKEY *key)
{
	struct buf tbs;
	ECDSA_SIG *es = NULL;
	BIGNUM *r = NULL, *s = NULL;
	EVP_MD_CTX *md = NULL;
	unsigned char *der = NULL;
	int derlen, ok = 0;

	buf_init(&tbs, 128 * 1024);
	if (cs->siglen != 96)
		goto out;
	if (cose_sig_structure(cs->prot, cs->protlen, cs->payload, cs->plen,
	    &tbs) == -1)
		goto out;
	if ((es = ECDSA_SIG_new()) == NULL ||
	    (r = BN_bin2bn(cs->sig, 48, NULL)) == NULL ||
	    (s = BN_bin2bn(cs->sig + 48, 48, NULL)) == NULL ||
	    !ECDSA_SIG_set0(es, r, s))
		goto out;
	r = s = NULL;
	if ((derlen = i2d_ECDSA_SIG(es, &der)) <= 0)
		goto out;
	if ((md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestVerifyInit(md, NULL, EVP_sha384(), NULL, key) != 1)
		goto out;
	ok = EVP_DigestVerify(md, der, (size_t)derlen, tbs.data, tbs.len) == 1;
out:
	EVP_MD_CTX_free(md);
	OPENSSL_free(der);
	BN_free(r);
	BN_free(s);
	ECDSA_SIG_free(es);
	buf_free(&tbs);
	return ok;
}

static X509 *
parse_der(const uint8_t *p, size_t n)
{
	const unsigned char *q = p;
	X509 *x = d2i_X509(NULL, &q, (long)n);

	if (x != NULL && q != p + n) {
		X509_free(x);
		x = NULL;
	}
	return x;
}

/* 1 when the leaf chains to root at time t (seconds). */
static int
chains_at(X509 *leaf, X509 *root, STACK_OF(X509) *untrusted, int64_t t)
{
	X509_STORE *st = X509_STORE_new();
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	int ok = 0;

	if (st == NULL || ctx == NULL || !X509_STORE_add_cert(st, root) ||
	    !X509_STORE_CTX_init(ctx, st, leaf, untrusted))
		goto out;
	X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx), (time_t)t);
	ok = X509_verify_cert(ctx) == 1;
out:
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(st);
	return ok;
}

static int
ext_critical(X509 *x, int nid)
{
	int i = X509_get_ext_by_NID(x, nid, -1);

	if (i < 0)
		return -1;
	return X509_EXTENSION_get_critical(X509_get_ext(x, i));
}

static void
expect_text(struct cbor_cur *c, const char *s)
{
	struct cbor_head h;
	struct buf b;

	buf_init(&b, 256);
	assert_int_equal(cbor_read_head(c, &h), 0);
	assert_int_equal(h.major, CBOR_TEXT);
	assert_false(h.indef);
	assert_int_equal(cbor_read_string(c, &h, 256, &b), 0);
	assert_string_equal((char *)b.data, s);
	buf_free(&b);
}

static void
expect_null(struct cbor_cur *c)
{
	assert_int_equal(cbor_peek(c), 0xf6);
	c->off++;
}

/* ---- Sig_structure and payload encoder ----------------------------------- */

static void
test_sig_structure_bytes(void **state)
{
	static const uint8_t want[] = {
		0x84, 0x6a, 'S', 'i', 'g', 'n', 'a', 't', 'u', 'r', 'e', '1',
		0x44, 0xa1, 0x01, 0x38, 0x22, 0x40, 0x43, 'a', 'b', 'c',
	};
	struct buf b;

	buf_init(&b, 1024);
	assert_int_equal(cose_sig_structure(cose_es384_protected, 4,
	    (const uint8_t *)"abc", 3, &b), 0);
	assert_int_equal(b.len, sizeof(want));
	assert_memory_equal(b.data, want, sizeof(want));
	buf_free(&b);
}

static void
test_sig_structure_long_payload(void **state)
{
	uint8_t payload[4500];
	struct buf b;

	memset(payload, 0x5a, sizeof(payload));
	buf_init(&b, 8192);
	assert_int_equal(cose_sig_structure(cose_es384_protected, 4, payload,
	    sizeof(payload), &b), 0);
	/* 84 6a "Signature1" 44 a1013822 40 59 LL LL <payload> */
	assert_int_equal(b.len, 1 + 11 + 5 + 1 + 3 + sizeof(payload));
	assert_int_equal(b.data[17], 0x40);
	assert_int_equal(b.data[18], 0x59);
	assert_int_equal(b.data[19], sizeof(payload) >> 8);
	assert_int_equal(b.data[20], sizeof(payload) & 0xff);
	assert_memory_equal(b.data + 21, payload, sizeof(payload));
	buf_free(&b);
}

static void
test_sig_structure_cap(void **state)
{
	struct buf b;

	buf_init(&b, 10);
	assert_int_equal(cose_sig_structure(cose_es384_protected, 4,
	    (const uint8_t *)"abc", 3, &b), -1);
	buf_free(&b);
}

static void
append(struct buf *b, const void *p, size_t n)
{
	assert_int_equal(buf_append(b, p, n), 0);
}

#define APPEND_LIT(b, s) append((b), (s), sizeof(s) - 1)

/* The hand-written encoding of a tiny payload, definite or indefinite. */
static void
tiny_expected(struct buf *w, int indef)
{
	static const uint8_t zero48[48];

	if (indef)
		APPEND_LIT(w, "\xbf");
	else
		APPEND_LIT(w, "\xa9");
	APPEND_LIT(w, "\x69" "module_id" "\x61" "m");
	APPEND_LIT(w, "\x66" "digest" "\x66" "SHA384");
	APPEND_LIT(w, "\x69" "timestamp" "\x1b\x00\x00\x01\x93\xbe\xf3\xf3\xb0");
	APPEND_LIT(w, "\x64" "pcrs" "\xa1\x00\x58\x30");
	append(w, zero48, 48);
	APPEND_LIT(w, "\x6b" "certificate" "\x42\x01\x02");
	APPEND_LIT(w, "\x68" "cabundle" "\x81\x41\x03");
	APPEND_LIT(w, "\x6a" "public_key" "\xf6");
	APPEND_LIT(w, "\x69" "user_data" "\x40");
	APPEND_LIT(w, "\x65" "nonce" "\x43\x01\x02\x03");
	if (indef)
		APPEND_LIT(w, "\xff");
}

static void
tiny_fields(struct nitro_fields *f)
{
	static const uint8_t pcr[1][48];
	static const uint8_t cert[] = { 1, 2 }, root[] = { 3 }, nonce[] = { 1, 2, 3 };
	static const uint8_t *bundle[1] = { root };
	static const size_t bundle_len[1] = { 1 };

	memset(f, 0, sizeof(*f));
	f->module_id = "m";
	f->timestamp_ms = 0x193bef3f3b0ull;     /* marlin sample's timestamp */
	f->npcrs = 1;
	f->pcrs = pcr;
	f->cert = cert;
	f->cert_len = sizeof(cert);
	f->cabundle = bundle;
	f->cabundle_len = bundle_len;
	f->ncabundle = 1;
	f->public_key = NULL;                   /* null */
	f->user_data = cert;                    /* empty bstr */
	f->user_data_len = 0;
	f->nonce = nonce;
	f->nonce_len = sizeof(nonce);
}

static void
test_payload_exact_bytes(void **state)
{
	struct nitro_fields f;
	struct buf b, w;

	tiny_fields(&f);
	buf_init(&b, 4096);
	buf_init(&w, 4096);
	tiny_expected(&w, 0);
	assert_int_equal(nitro_encode_payload(&f, &b), 0);
	assert_int_equal(b.len, w.len);
	assert_memory_equal(b.data, w.data, w.len);
	buf_free(&b);
	buf_free(&w);
}

static void
test_payload_indefinite_map(void **state)
{
	struct nitro_fields f;
	struct buf b, w;

	tiny_fields(&f);
	f.indefinite_map = 1;
	buf_init(&b, 4096);
	buf_init(&w, 4096);
	tiny_expected(&w, 1);
	assert_int_equal(nitro_encode_payload(&f, &b), 0);
	assert_int_equal(b.len, w.len);
	assert_memory_equal(b.data, w.data, w.len);
	buf_free(&b);
	buf_free(&w);
}

static void
test_payload_pcr_index_and_digest(void **state)
{
	static const uint8_t pcrs[2][48] = { { 0 }, { 0x30 } };
	static const unsigned idx[2] = { 0, 16 };
	struct nitro_fields f;
	struct buf b;
	size_t off;

	tiny_fields(&f);
	f.npcrs = 2;
	f.pcrs = pcrs;
	f.pcr_index = idx;
	f.digest = "SHA256";
	buf_init(&b, 4096);
	assert_int_equal(nitro_encode_payload(&f, &b), 0);
	assert_non_null(memmem(b.data, b.len, "\x66" "SHA256", 7));
	off = (size_t)((uint8_t *)memmem(b.data, b.len, "\x64pcrs", 5) -
	    b.data) + 5;
	assert_int_equal(b.data[off], 0xa2);
	assert_int_equal(b.data[off + 1], 0x00);
	assert_int_equal(b.data[off + 2 + 2 + 48], 0x10);
	buf_free(&b);
}

static void
test_payload_cap_and_null_pointers(void **state)
{
	struct nitro_fields f;
	struct buf b;

	tiny_fields(&f);
	buf_init(&b, 50);
	assert_int_equal(nitro_encode_payload(&f, &b), -1);
	buf_free(&b);
	buf_init(&b, 4096);
	f.module_id = NULL;
	assert_int_equal(nitro_encode_payload(&f, &b), -1);
	tiny_fields(&f);
	f.pcrs = NULL;
	assert_int_equal(nitro_encode_payload(&f, &b), -1);
	tiny_fields(&f);
	f.cabundle = NULL;
	assert_int_equal(nitro_encode_payload(&f, &b), -1);
	buf_free(&b);
}

/* ---- COSE_Sign1 signer -------------------------------------------------- */

static void
sign_and_check(int tagged)
{
	static const uint8_t payload[] = "\xa1\x61x\x01";
	EVP_PKEY *k = EVP_EC_gen("P-384");
	struct teec_err err;
	struct cose cs;
	struct buf b;
	int i;

	assert_non_null(k);
	/* several signatures: r or s with leading zero bytes must still be 48 */
	for (i = 0; i < 16; i++) {
		buf_init(&b, 4096);
		assert_int_equal(cose_sign1_es384(k, payload, 4, tagged, &b,
		    &err), TEEC_OK);
		if (tagged)
			assert_memory_equal(b.data, "\xd2\x84\x44\xa1\x01\x38\x22\xa0\x44", 9);
		else
			assert_memory_equal(b.data, "\x84\x44\xa1\x01\x38\x22\xa0\x44", 8);
		assert_int_equal(parse_cose(b.data, b.len, &cs), 0);
		assert_int_equal(cs.tagged, tagged);
		assert_int_equal(cs.unprot_entries, 0);
		assert_int_equal(cs.siglen, 96);
		assert_int_equal(cs.plen, 4);
		assert_memory_equal(cs.payload, payload, 4);
		assert_true(verify_cose(&cs, k));
		buf_free(&b);
	}
	EVP_PKEY_free(k);
}

static void
test_cose_sign1_untagged(void **state)
{
	sign_and_check(0);
}

static void
test_cose_sign1_tagged(void **state)
{
	sign_and_check(1);
}

static void
test_cose_sign1_tampered_fails(void **state)
{
	EVP_PKEY *k = EVP_EC_gen("P-384");
	struct teec_err err;
	struct cose cs;
	struct buf b;

	buf_init(&b, 4096);
	assert_int_equal(cose_sign1_es384(k, (const uint8_t *)"\xa0", 1, 0, &b,
	    &err), TEEC_OK);
	b.data[b.len - 1] ^= 1;
	assert_int_equal(parse_cose(b.data, b.len, &cs), 0);
	assert_false(verify_cose(&cs, k));
	buf_free(&b);
	EVP_PKEY_free(k);
}

static void
test_cose_sign1_wrong_key_type(void **state)
{
	EVP_PKEY *k = EVP_EC_gen("P-256");
	struct teec_err err;
	struct buf b;

	buf_init(&b, 4096);
	assert_int_equal(cose_sign1_es384(k, (const uint8_t *)"\xa0", 1, 0, &b,
	    &err), TEEC_ERROR);
	assert_non_null(strstr(err.msg, "P-384"));
	assert_int_equal(b.len, 0);
	assert_int_equal(cose_sign1_es384(NULL, (const uint8_t *)"\xa0", 1, 0,
	    &b, &err), TEEC_ERROR);
	buf_free(&b);
	EVP_PKEY_free(k);
}

/* ---- emulated NSM ------------------------------------------------------- */

/* Walk an emulated document and check the exact Nitro shape. */
static void
check_emulated_doc(const struct buf *doc, const char *module_id,
    uint64_t t0, uint64_t t1, const uint8_t *ud, size_t udlen,
    const uint8_t *nonce, size_t nlen, const uint8_t *pk, size_t pklen,
    const uint8_t *root, size_t rootlen)
{
	static const uint8_t zero48[48];
	struct cbor_cur c;
	struct cbor_head h;
	struct cose cs;
	const uint8_t *p;
	size_t n;
	uint64_t i;

	assert_memory_equal(doc->data, "\x84\x44\xa1\x01\x38\x22\xa0\x59", 8);
	assert_int_equal(parse_cose(doc->data, doc->len, &cs), 0);
	assert_false(cs.tagged);
	assert_int_equal(cs.protlen, 4);
	assert_memory_equal(cs.prot, cose_es384_protected, 4);
	assert_int_equal(cs.unprot_entries, 0);
	assert_int_equal(cs.siglen, 96);

	cbor_cur_init(&c, cs.payload, cs.plen);
	assert_int_equal(cbor_read_head(&c, &h), 0);
	assert_int_equal(h.major, CBOR_MAP);
	assert_false(h.indef);
	assert_int_equal(h.arg, 9);

	expect_text(&c, "module_id");
	expect_text(&c, module_id);
	expect_text(&c, "digest");
	expect_text(&c, "SHA384");
	expect_text(&c, "timestamp");
	assert_int_equal(cbor_peek(&c), 0x1b);      /* 8-byte uint, as AWS */
	assert_int_equal(cbor_read_head(&c, &h), 0);
	assert_int_equal(h.major, CBOR_UINT);
	assert_true(h.arg >= t0 && h.arg <= t1);

	expect_text(&c, "pcrs");
	assert_int_equal(cbor_read_head(&c, &h), 0);
	assert_int_equal(h.major, CBOR_MAP);
	assert_int_equal(h.arg, 16);
	for (i = 0; i < 16; i++) {
		assert_int_equal(cbor_read_head(&c, &h), 0);
		assert_int_equal(h.major, CBOR_UINT);
		assert_int_equal(h.arg, i);
		assert_int_equal(get_bstr(&c, &p, &n), 0);
		assert_int_equal(n, 48);
		assert_memory_equal(p, zero48, 48);
	}

	expect_text(&c, "certificate");
	assert_int_equal(get_bstr(&c, &p, &n), 0);
	assert_true(n > 0 && n <= TEEC_MAX_CERT_BYTES);

	expect_text(&c, "cabundle");
	assert_int_equal(cbor_read_head(&c, &h), 0);
	assert_int_equal(h.major, CBOR_ARRAY);
	assert_int_equal(h.arg, 1);
	assert_int_equal(get_bstr(&c, &p, &n), 0);
	assert_int_equal(n, rootlen);
	assert_memory_equal(p, root, rootlen);

	expect_text(&c, "public_key");
	if (pk == NULL)
		expect_null(&c);
	else {
		assert_int_equal(get_bstr(&c, &p, &n), 0);
		assert_int_equal(n, pklen);
		if (n > 0)
			assert_memory_equal(p, pk, n);
	}
	expect_text(&c, "user_data");
	if (ud == NULL)
		expect_null(&c);
	else {
		assert_int_equal(get_bstr(&c, &p, &n), 0);
		assert_int_equal(n, udlen);
		if (n > 0)
			assert_memory_equal(p, ud, n);
	}
	expect_text(&c, "nonce");
	if (nonce == NULL)
		expect_null(&c);
	else {
		assert_int_equal(get_bstr(&c, &p, &n), 0);
		assert_int_equal(n, nlen);
		if (n > 0)
			assert_memory_equal(p, nonce, n);
	}
	assert_int_equal(cbor_left(&c), 0);
}

static void
open_emulated(struct nsm **n)
{
	struct teec_err err;

	assert_int_equal(nsm_open(NSM_EMULATED, cadir, n, &err), TEEC_OK);
	assert_int_equal(nsm_get_kind(*n), NSM_EMULATED);
}

static void
root_of(const char *dir, struct buf *root)
{
	struct devca *ca = NULL;
	struct teec_err err;
	const uint8_t *p;
	size_t n;

	assert_int_equal(devca_open(dir, &ca, &err), TEEC_OK);
	devca_root_der(ca, &p, &n);
	buf_init(root, 4096);
	append(root, p, n);
	devca_free(ca);
}

static void
test_emulated_doc_shape(void **state)
{
	uint8_t ud[48];
	static const uint8_t pk_empty[1];
	struct nsm *n = NULL;
	struct teec_err err;
	struct buf doc, root;
	uint64_t t0, t1;

	memset(ud, 0xab, sizeof(ud));
	open_emulated(&n);
	root_of(cadir, &root);
	t0 = now_ms();
	assert_int_equal(nsm_attest(n, ud, sizeof(ud), NULL, 0, pk_empty, 0,
	    &doc, &err), TEEC_OK);
	t1 = now_ms();
	check_emulated_doc(&doc, nsm_module_id(n), t0, t1, ud, sizeof(ud),
	    NULL, 0, pk_empty, 0, root.data, root.len);
	buf_free(&doc);

	/* every optional absent: three nulls */
	assert_int_equal(nsm_attest(n, NULL, 0, NULL, 0, NULL, 0, &doc, &err),
	    TEEC_OK);
	check_emulated_doc(&doc, nsm_module_id(n), t0, now_ms(), NULL, 0,
	    NULL, 0, NULL, 0, root.data, root.len);
	buf_free(&doc);

	/* every optional present */
	assert_int_equal(nsm_attest(n, ud, 1, ud, 2, ud, 3, &doc, &err),
	    TEEC_OK);
	check_emulated_doc(&doc, nsm_module_id(n), t0, now_ms(), ud, 1, ud, 2,
	    ud, 3, root.data, root.len);
	buf_free(&doc);
	buf_free(&root);
	nsm_close(n);
}

static void
test_emulated_module_id(void **state)
{
	struct nsm *n = NULL, *m = NULL;
	const char *id;
	size_t i;

	open_emulated(&n);
	open_emulated(&m);
	id = nsm_module_id(n);
	assert_int_equal(strlen(id), strlen("i-00000000000000000-local") + 16);
	assert_int_equal(strncmp(id, "i-00000000000000000-local", 25), 0);
	for (i = 25; i < strlen(id); i++)
		assert_non_null(strchr("0123456789abcdef", id[i]));
	assert_string_not_equal(id, nsm_module_id(m));
	nsm_close(n);
	nsm_close(m);
}

static void
test_emulated_signature_verifies(void **state)
{
	static const uint8_t nonce[] = "fresh nonce";
	struct nsm *n = NULL;
	struct teec_err err;
	struct buf doc;
	struct cose cs;
	const uint8_t *cert;
	size_t certlen;
	X509 *leaf;
	EVP_PKEY *key;

	open_emulated(&n);
	assert_int_equal(nsm_attest(n, NULL, 0, nonce, sizeof(nonce), NULL, 0,
	    &doc, &err), TEEC_OK);
	assert_int_equal(parse_cose(doc.data, doc.len, &cs), 0);
	assert_int_equal(payload_bstr(cs.payload, cs.plen, "certificate",
	    &cert, &certlen), 0);
	assert_non_null(leaf = parse_der(cert, certlen));
	assert_non_null(key = X509_get0_pubkey(leaf));
	assert_true(verify_cose(&cs, key));
	/* one flipped payload bit breaks it */
	((uint8_t *)cs.payload)[cs.plen - 3] ^= 0x01;
	assert_false(verify_cose(&cs, key));
	X509_free(leaf);
	buf_free(&doc);
	nsm_close(n);
}

static void
test_emulated_leaf_chains(void **state)
{
	struct nsm *n = NULL;
	struct teec_err err;
	struct buf doc, root;
	struct cose cs;
	struct cbor_cur c;
	struct cbor_head h;
	const uint8_t *cert;
	size_t certlen;
	X509 *leaf, *rootx;
	const unsigned char *rp;
	char cn[128], want[128];
	int64_t ts;
	time_t nb, na;
	ASN1_TIME *t;

	open_emulated(&n);
	root_of(cadir, &root);
	assert_int_equal(nsm_attest(n, NULL, 0, NULL, 0, NULL, 0, &doc, &err),
	    TEEC_OK);
	assert_int_equal(parse_cose(doc.data, doc.len, &cs), 0);
	assert_int_equal(payload_bstr(cs.payload, cs.plen, "certificate",
	    &cert, &certlen), 0);
	assert_non_null(leaf = parse_der(cert, certlen));
	rp = root.data;
	assert_non_null(rootx = d2i_X509(NULL, &rp, (long)root.len));

	/* timestamp: 3rd value of the map */
	cbor_cur_init(&c, cs.payload, cs.plen);
	assert_int_equal(cbor_read_head(&c, &h), 0);
	expect_text(&c, "module_id");
	assert_int_equal(cbor_read_head(&c, &h), 0);
	c.off += (size_t)h.arg;
	expect_text(&c, "digest");
	expect_text(&c, "SHA384");
	expect_text(&c, "timestamp");
	assert_int_equal(cbor_read_head(&c, &h), 0);
	ts = (int64_t)(h.arg / 1000);

	assert_true(chains_at(leaf, rootx, NULL, ts));
	assert_false(chains_at(leaf, rootx, NULL, ts - 120));
	assert_false(chains_at(leaf, rootx, NULL, ts + DEVCA_LEAF_SECS + 60));

	/* leaf shape: the Nitro leaf's */
	X509_NAME_get_text_by_NID(X509_get_subject_name(leaf), NID_commonName,
	    cn, sizeof(cn));
	snprintf(want, sizeof(want), "%s%s", nsm_module_id(n),
	    DEVCA_LEAF_SUFFIX);
	assert_string_equal(cn, want);
	assert_true(EVP_PKEY_is_a(X509_get0_pubkey(leaf), "EC"));
	assert_int_equal(EVP_PKEY_get_bits(X509_get0_pubkey(leaf)), 384);
	assert_int_equal(X509_get_signature_nid(leaf), NID_ecdsa_with_SHA384);
	assert_false(X509_get_extension_flags(leaf) & EXFLAG_CA);
	assert_int_equal(ext_critical(leaf, NID_basic_constraints), 1);
	assert_true(X509_get_key_usage(leaf) & KU_DIGITAL_SIGNATURE);
	assert_int_equal(ext_critical(leaf, NID_key_usage), 0);
	assert_int_equal(ext_critical(leaf, NID_subject_key_identifier), -1);
	assert_int_equal(ext_critical(leaf, NID_authority_key_identifier), -1);
	assert_int_equal(ext_critical(leaf, NID_ext_key_usage), -1);
	t = ASN1_TIME_new();
	nb = (time_t)ts;
	na = (time_t)ts + DEVCA_LEAF_SECS;
	ASN1_TIME_set(t, nb);
	assert_int_equal(ASN1_TIME_compare(X509_get0_notBefore(leaf), t), 0);
	ASN1_TIME_set(t, na);
	assert_int_equal(ASN1_TIME_compare(X509_get0_notAfter(leaf), t), 0);
	ASN1_TIME_free(t);

	X509_free(leaf);
	X509_free(rootx);
	buf_free(&root);
	buf_free(&doc);
	nsm_close(n);
}

static void
test_emulated_fresh_leaf_per_doc(void **state)
{
	struct nsm *n = NULL;
	struct teec_err err;
	struct buf d1, d2;
	struct cose c1, c2;
	const uint8_t *p1, *p2;
	size_t n1, n2;

	open_emulated(&n);
	assert_int_equal(nsm_attest(n, NULL, 0, NULL, 0, NULL, 0, &d1, &err),
	    TEEC_OK);
	assert_int_equal(nsm_attest(n, NULL, 0, NULL, 0, NULL, 0, &d2, &err),
	    TEEC_OK);
	assert_int_equal(parse_cose(d1.data, d1.len, &c1), 0);
	assert_int_equal(parse_cose(d2.data, d2.len, &c2), 0);
	assert_int_equal(payload_bstr(c1.payload, c1.plen, "certificate", &p1,
	    &n1), 0);
	assert_int_equal(payload_bstr(c2.payload, c2.plen, "certificate", &p2,
	    &n2), 0);
	assert_false(n1 == n2 && memcmp(p1, p2, n1) == 0);
	buf_free(&d1);
	buf_free(&d2);
	nsm_close(n);
}

static void
test_emulated_request_too_large(void **state)
{
	static uint8_t big[TEEC_NSM_REQUEST_MAX];
	struct nsm *n = NULL;
	struct teec_err err;
	struct buf doc;

	open_emulated(&n);
	assert_int_equal(nsm_attest(n, big, sizeof(big), NULL, 0, NULL, 0,
	    &doc, &err), TEEC_ERROR);
	assert_non_null(strstr(err.msg, "InputTooLarge"));
	assert_int_equal(doc.len, 0);
	assert_null(doc.data);
	/* 1024 + 1024 + 1024 fits, like the blocky sample */
	assert_int_equal(nsm_attest(n, big, 1024, big, 1024, big, 1024, &doc,
	    &err), TEEC_OK);
	buf_free(&doc);
	nsm_close(n);
}

static void
test_open_without_device(void **state)
{
	struct nsm *n = NULL;
	struct teec_err err;

	if (access(NSM_DEV_PATH, F_OK) == 0) {
		print_message("SKIP: %s exists here\n", NSM_DEV_PATH);
		skip();
	}
	assert_int_equal(nsm_open(NSM_DEVICE, NULL, &n, &err), TEEC_ERROR);
	assert_null(n);
	assert_non_null(strstr(err.msg, NSM_DEV_PATH));
	assert_int_equal(nsm_open(NSM_AUTO, cadir, &n, &err), TEEC_OK);
	assert_int_equal(nsm_get_kind(n), NSM_EMULATED);
	nsm_close(n);
	nsm_close(NULL);
}

static void
test_dev_open_missing_path(void **state)
{
	struct teec_err err;
	char path[400];
	int fd;

	snprintf(path, sizeof(path), "%s/no-such-nsm", tmpdir);
	assert_int_equal(nsm_dev_open(path, &fd, &err), TEEC_ERROR);
	assert_int_equal(fd, -1);
	assert_non_null(strstr(err.msg, "no such device"));
}

static void
test_dev_raw_bad_sizes(void **state)
{
	struct teec_err err;
	uint8_t resp[16];
	size_t rl;
	static uint8_t big[TEEC_NSM_REQUEST_MAX + 1];

	assert_int_equal(nsm_dev_raw(-1, big, 0, resp, sizeof(resp), &rl,
	    &err), TEEC_ERROR);
	assert_int_equal(nsm_dev_raw(-1, big, sizeof(big), resp, sizeof(resp),
	    &rl, &err), TEEC_ERROR);
	/* a descriptor that is not the NSM: the ioctl fails cleanly */
	assert_int_equal(nsm_dev_raw(STDIN_FILENO, big, 4, resp, sizeof(resp),
	    &rl, &err), TEEC_ERROR);
	assert_int_equal(rl, 0);
}

/* ---- device request encoding ------------------------------------------- */

static void
test_dev_request_all_null(void **state)
{
	static const uint8_t want[] =
	    "\xa1" "\x6b" "Attestation"
	    "\xa3" "\x69" "user_data" "\xf6"
	    "\x65" "nonce" "\xf6"
	    "\x6a" "public_key" "\xf6";
	struct teec_err err;
	struct buf b;

	buf_init(&b, TEEC_NSM_REQUEST_MAX);
	assert_int_equal(nsm_dev_encode_attest(NULL, 0, NULL, 0, NULL, 0, &b,
	    &err), TEEC_OK);
	assert_int_equal(b.len, sizeof(want) - 1);
	assert_memory_equal(b.data, want, sizeof(want) - 1);
	buf_free(&b);
}

static void
test_dev_request_values(void **state)
{
	static const uint8_t want[] =
	    "\xa1" "\x6b" "Attestation"
	    "\xa3" "\x69" "user_data" "\x43" "abc"
	    "\x65" "nonce" "\x40"
	    "\x6a" "public_key" "\xf6";
	struct teec_err err;
	struct buf b;

	buf_init(&b, TEEC_NSM_REQUEST_MAX);
	assert_int_equal(nsm_dev_encode_attest((const uint8_t *)"abc", 3,
	    (const uint8_t *)"", 0, NULL, 0, &b, &err), TEEC_OK);
	assert_int_equal(b.len, sizeof(want) - 1);
	assert_memory_equal(b.data, want, sizeof(want) - 1);
	buf_free(&b);
}

static void
test_dev_request_long_field(void **state)
{
	static uint8_t pk[300];
	struct teec_err err;
	struct buf b;
	size_t off = 1 + 12 + 1 + 10 + 1 + 6 + 1 + 11;

	memset(pk, 0x77, sizeof(pk));
	buf_init(&b, TEEC_NSM_REQUEST_MAX);
	assert_int_equal(nsm_dev_encode_attest(NULL, 0, NULL, 0, pk,
	    sizeof(pk), &b, &err), TEEC_OK);
	assert_int_equal(b.len, off + 3 + sizeof(pk));
	assert_memory_equal(b.data + off, "\x59\x01\x2c", 3);
	assert_memory_equal(b.data + off + 3, pk, sizeof(pk));
	buf_free(&b);
}

static void
test_dev_request_too_large(void **state)
{
	static uint8_t big[TEEC_NSM_REQUEST_MAX];
	struct teec_err err;
	struct buf b;

	buf_init(&b, 2 * TEEC_NSM_REQUEST_MAX);
	/* the largest user_data that fits: 43 bytes of framing, 3 of head */
	assert_int_equal(nsm_dev_encode_attest(big, TEEC_NSM_REQUEST_MAX - 46,
	    NULL, 0, NULL, 0, &b, &err), TEEC_OK);
	assert_int_equal(b.len, TEEC_NSM_REQUEST_MAX);
	b.len = 0;
	assert_int_equal(nsm_dev_encode_attest(big, TEEC_NSM_REQUEST_MAX - 45,
	    NULL, 0, NULL, 0, &b, &err), TEEC_ERROR);
	assert_non_null(strstr(err.msg, "InputTooLarge"));
	assert_int_equal(b.len, 0);
	buf_free(&b);
	/* the caller's buffer is too small */
	buf_init(&b, 8);
	assert_int_equal(nsm_dev_encode_attest(NULL, 0, NULL, 0, NULL, 0, &b,
	    &err), TEEC_ERROR);
	buf_free(&b);
}

/* ---- device response decoding ------------------------------------------ */

/* {"Attestation": {"document": h'<doc>'}} */
static void
make_response(struct buf *r, const uint8_t *doc, size_t n)
{
	buf_init(r, 2 * TEEC_NSM_RESPONSE_MAX);
	assert_int_equal(cbor_put_head(r, CBOR_MAP, 1), 0);
	assert_int_equal(cbor_put_text(r, "Attestation"), 0);
	assert_int_equal(cbor_put_head(r, CBOR_MAP, 1), 0);
	assert_int_equal(cbor_put_text(r, "document"), 0);
	assert_int_equal(cbor_put_bytes(r, doc, n), 0);
}

static int
decode(const void *p, size_t n, struct buf *doc, struct teec_err *err)
{
	buf_init(doc, TEEC_MAX_DOC_BYTES);
	return nsm_dev_decode_attest(p, n, doc, err);
}

static void
decode_fails(const void *p, size_t n, const char *what)
{
	struct buf d;
	struct teec_err e;

	memset(&e, 0, sizeof(e));
	assert_int_equal(decode(p, n, &d, &e), TEEC_ERROR);
	assert_int_equal(d.len, 0);
	if (what != NULL && strstr(e.msg, what) == NULL)
		fail_msg("message \"%s\" lacks \"%s\"", e.msg, what);
	buf_free(&d);
}

/* A response written as a string literal, and the message it must give. */
#define DECODE_FAILS(lit, what) decode_fails((lit), sizeof(lit) - 1, (what))

static void
test_dev_response_success(void **state)
{
	static const uint8_t want[] =
	    "\xa1" "\x6b" "Attestation" "\xa1" "\x68" "document" "\x45"
	    "\x84\x44\xa1\x01\x38";
	struct teec_err err;
	struct buf r, doc;

	make_response(&r, (const uint8_t *)"\x84\x44\xa1\x01\x38", 5);
	assert_int_equal(r.len, sizeof(want) - 1);
	assert_memory_equal(r.data, want, r.len);
	assert_int_equal(decode(r.data, r.len, &doc, &err), TEEC_OK);
	assert_int_equal(doc.len, 5);
	assert_memory_equal(doc.data, "\x84\x44\xa1\x01\x38", 5);
	buf_free(&doc);
	buf_free(&r);
}

static void
test_dev_response_real_size(void **state)
{
	static uint8_t d[TEEC_NSM_RESPONSE_MAX - 32];
	struct teec_err err;
	struct buf r, doc;

	memset(d, 0xee, sizeof(d));
	make_response(&r, d, sizeof(d));
	assert_true(r.len <= TEEC_NSM_RESPONSE_MAX);
	assert_int_equal(decode(r.data, r.len, &doc, &err), TEEC_OK);
	assert_int_equal(doc.len, sizeof(d));
	assert_memory_equal(doc.data, d, sizeof(d));
	buf_free(&doc);
	buf_free(&r);
}

static void
test_dev_response_appends(void **state)
{
	struct teec_err err;
	struct buf r, doc;

	make_response(&r, (const uint8_t *)"xyz", 3);
	buf_init(&doc, 64);
	append(&doc, "ab", 2);
	assert_int_equal(nsm_dev_decode_attest(r.data, r.len, &doc, &err),
	    TEEC_OK);
	assert_int_equal(doc.len, 5);
	assert_memory_equal(doc.data, "abxyz", 5);
	/* a failure leaves what was there */
	assert_int_equal(nsm_dev_decode_attest(r.data, r.len - 1, &doc, &err),
	    TEEC_ERROR);
	assert_int_equal(doc.len, 5);
	buf_free(&doc);
	buf_free(&r);
}

static void
test_dev_response_indefinite_and_unknown_field(void **state)
{
	/* indefinite maps, an extra field skipped, chunked document */
	static const uint8_t resp[] =
	    "\xbf" "\x6b" "Attestation"
	    "\xbf" "\x65" "extra" "\x82\x01\xa1\x02\x03"
	    "\x68" "document" "\x5f\x42" "ab" "\x41" "c" "\xff"
	    "\xff" "\xff";
	struct teec_err err;
	struct buf doc;

	assert_int_equal(decode(resp, sizeof(resp) - 1, &doc, &err), TEEC_OK);
	assert_int_equal(doc.len, 3);
	assert_memory_equal(doc.data, "abc", 3);
	buf_free(&doc);
}

static void
test_dev_response_error_variants(void **state)
{
	static const char *names[] = {
		"InvalidArgument", "InvalidIndex", "InvalidResponse",
		"ReadOnlyIndex", "InvalidOperation", "BufferTooSmall",
		"InputTooLarge", "InternalError", "Success",
	};
	struct teec_err err;
	struct buf r, doc;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		buf_init(&r, 256);
		assert_int_equal(cbor_put_head(&r, CBOR_MAP, 1), 0);
		assert_int_equal(cbor_put_text(&r, "Error"), 0);
		assert_int_equal(cbor_put_text(&r, names[i]), 0);
		memset(&err, 0, sizeof(err));
		assert_int_equal(decode(r.data, r.len, &doc, &err), TEEC_ERROR);
		assert_int_equal(doc.len, 0);
		assert_non_null(strstr(err.msg, names[i]));
		assert_non_null(strstr(err.msg, "NSM Attestation failed"));
		buf_free(&doc);
		buf_free(&r);
	}
}

static void
test_dev_response_error_unknown(void **state)
{
	DECODE_FAILS("\xa1\x65" "Error" "\x67" "Unheard", "unknown error code");
	/* names are not shown unless they are plain identifiers */
	DECODE_FAILS("\xa1\x65" "Error" "\x63" "\x1b[m", "unknown error code");
	DECODE_FAILS("\xa1\x65" "Error" "\x01", "malformed NSM error");
	DECODE_FAILS("\xa1\x65" "Error" "\xa0", "malformed NSM error");
	/* longer than TEEC_MAX_NSM_NAME */
	DECODE_FAILS("\xa1\x65" "Error" "\x78\x21"
	    "InternalErrorInternalErrorInterna", "malformed NSM error");
}

static void
test_dev_response_truncated(void **state)
{
	struct teec_err err;
	struct buf r, doc;
	size_t i;

	make_response(&r, (const uint8_t *)"0123456789", 10);
	for (i = 0; i < r.len; i++) {
		assert_int_equal(decode(r.data, i, &doc, &err), TEEC_ERROR);
		assert_int_equal(doc.len, 0);
		buf_free(&doc);
	}
	buf_free(&r);
	/* a declared length past the end */
	DECODE_FAILS("\xa1\x6b" "Attestation" "\xa1\x68" "document"
	    "\x59\x30\x00" "abc", "bad document");
	/* indefinite map without its break */
	DECODE_FAILS("\xbf\x6b" "Attestation" "\xa1\x68" "document" "\x41" "a",
	    "more than one variant");
	DECODE_FAILS("\xa1\x6b" "Attestation" "\xbf\x68" "document" "\x41" "a",
	    NULL);
}

static void
test_dev_response_wrong_types(void **state)
{
	/* document as text, as an array of uints, as null */
	DECODE_FAILS("\xa1\x6b" "Attestation" "\xa1\x68" "document" "\x63" "abc",
	    "not a byte string");
	DECODE_FAILS("\xa1\x6b" "Attestation" "\xa1\x68" "document"
	    "\x83\x01\x02\x03", "not a byte string");
	DECODE_FAILS("\xa1\x6b" "Attestation" "\xa1\x68" "document" "\xf6",
	    "not a byte string");
	/* Attestation value not a map */
	DECODE_FAILS("\xa1\x6b" "Attestation" "\x41" "a", "not a map");
	/* outer not a map: array, bare text unit variant, uint */
	DECODE_FAILS("\x81\x41" "a", "not a single-entry map");
	DECODE_FAILS("\x67" "LockPCR", "not a single-entry map");
	DECODE_FAILS("\x00", "not a single-entry map");
	/* variant name not text */
	DECODE_FAILS("\xa1\x01\xa0", "bad variant name");
	/* field name not text */
	DECODE_FAILS("\xa1\x6b" "Attestation" "\xa1\x01\x41" "a",
	    "bad field name");
	/* a different response variant */
	DECODE_FAILS("\xa1\x69" "GetRandom" "\xa1\x66" "random" "\x41" "a",
	    "unexpected NSM response GetRandom");
	DECODE_FAILS("\xa1\x6b" "attestation" "\xa1\x68" "document" "\x41" "a",
	    "unexpected NSM response attestation");
	/* reserved additional information (RFC 8949 3.1) */
	DECODE_FAILS("\xbc", "malformed NSM Attestation response");
}

static void
test_dev_response_trailing_bytes(void **state)
{
	DECODE_FAILS("\xa1\x6b" "Attestation" "\xa1\x68" "document" "\x41" "a"
	    "\x00", "trailing bytes");
	DECODE_FAILS("\xbf\x6b" "Attestation" "\xa1\x68" "document" "\x41" "a"
	    "\xff\xff", "trailing bytes");
}

static void
test_dev_response_shape(void **state)
{
	/* two variants, none, missing and duplicate document */
	DECODE_FAILS("\xa2\x6b" "Attestation" "\xa1\x68" "document" "\x41" "a"
	    "\x65" "Error" "\x6d" "InternalError", "not a single-entry map");
	DECODE_FAILS("\xa0", "not a single-entry map");
	DECODE_FAILS("\xbf\x6b" "Attestation" "\xa1\x68" "document" "\x41" "a"
	    "\x65" "Error" "\x6d" "InternalError" "\xff",
	    "more than one variant");
	DECODE_FAILS("\xa1\x6b" "Attestation" "\xa0", "no document");
	DECODE_FAILS("\xa1\x6b" "Attestation" "\xa1\x65" "other" "\x41" "a",
	    "no document");
	DECODE_FAILS("\xa1\x6b" "Attestation" "\xa2\x68" "document" "\x41" "a"
	    "\x68" "document" "\x41" "b", "duplicate document");
	/* an unknown field nested deeper than TEEC_MAX_CBOR_DEPTH */
	DECODE_FAILS("\xa1\x6b" "Attestation" "\xa2\x65" "extra"
	    "\x81\x81\x81\x81\x81\x81\x81\x81\x81\x81\x00"
	    "\x68" "document" "\x41" "a", "bad field value");
	/* a field with a break in place of its value */
	DECODE_FAILS("\xa1\x6b" "Attestation" "\xbf\x65" "extra" "\xff",
	    "truncated field");
}

static void
test_dev_response_oversize(void **state)
{
	static uint8_t d[TEEC_NSM_RESPONSE_MAX];
	struct teec_err err;
	struct buf r, doc;

	assert_int_equal(decode(d, 0, &doc, &err), TEEC_ERROR);
	assert_non_null(strstr(err.msg, "empty"));
	buf_free(&doc);
	make_response(&r, d, sizeof(d));
	assert_true(r.len > TEEC_NSM_RESPONSE_MAX);
	assert_int_equal(decode(r.data, r.len, &doc, &err), TEEC_ERROR);
	assert_non_null(strstr(err.msg, "larger than"));
	assert_int_equal(doc.len, 0);
	buf_free(&doc);
	/* a document larger than the caller's buffer */
	buf_free(&r);
	make_response(&r, d, 100);
	buf_init(&doc, 50);
	assert_int_equal(nsm_dev_decode_attest(r.data, r.len, &doc, &err),
	    TEEC_ERROR);
	buf_free(&doc);
	buf_free(&r);
}

/* ---- genuine AWS documents ---------------------------------------------- */

static int
load_b64(const char *path, struct buf *out)
{
	struct teec_err err;
	struct buf text;
	uint8_t *raw = NULL;
	size_t n;
	int rc = -1;

	buf_init(out, TEEC_MAX_DOC_BYTES);
	if (read_file_capped(path, TEEC_MAX_DOC_TEXT_BYTES, &text, &err) !=
	    TEEC_OK)
		return -1;
	if ((raw = malloc(TEEC_MAX_DOC_BYTES)) == NULL ||
	    b64_decode((char *)text.data, text.len, raw, TEEC_MAX_DOC_BYTES,
	    &n) == -1 || buf_append(out, raw, n) == -1)
		goto done;
	rc = 0;
done:
	free(raw);
	buf_free(&text);
	return rc;
}

static void
test_real_docs_sig_structure(void **state)
{
	char dir[4200], path[4600];
	DIR *d;
	struct dirent *de;
	struct buf doc;
	struct cose cs;
	const uint8_t *cert;
	size_t certlen, n;
	unsigned count = 0;
	X509 *leaf;

	REQUIRE_FIXTURES();
	snprintf(dir, sizeof(dir), "%s/nitro/real", fixtures_dir());
	if ((d = opendir(dir)) == NULL) {
		print_message("SKIP: %s not found\n", dir);
		skip();
	}
	while ((de = readdir(d)) != NULL) {
		n = strlen(de->d_name);
		if (n < 5 || strcmp(de->d_name + n - 4, ".b64") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		assert_int_equal(load_b64(path, &doc), 0);
		if (parse_cose(doc.data, doc.len, &cs) != 0)
			fail_msg("%s: not a COSE_Sign1", de->d_name);
		assert_int_equal(cs.protlen, 4);
		assert_memory_equal(cs.prot, cose_es384_protected, 4);
		if (payload_bstr(cs.payload, cs.plen, "certificate", &cert,
		    &certlen) != 0)
			fail_msg("%s: no certificate", de->d_name);
		assert_non_null(leaf = parse_der(cert, certlen));
		if (!verify_cose(&cs, X509_get0_pubkey(leaf)))
			fail_msg("%s: signature does not verify over our "
			    "Sig_structure", de->d_name);
		/* and not over a different one */
		((uint8_t *)cs.payload)[cs.plen / 2] ^= 0x80;
		assert_false(verify_cose(&cs, X509_get0_pubkey(leaf)));
		X509_free(leaf);
		buf_free(&doc);
		count++;
	}
	closedir(d);
	print_message("# verified %u genuine AWS documents\n", count);
	assert_true(count > 0);
}

/* ---- test PKI helper ---------------------------------------------------- */

static void
test_testpki_doc_verifies(void **state)
{
	struct testpki_opts o;
	struct testpki pki;
	struct nitro_fields f;
	struct buf doc;
	struct cose cs;
	const uint8_t *cert;
	size_t certlen;

	memset(&o, 0, sizeof(o));
	o.ninter = 3;
	assert_int_equal(testpki_make(&o, &pki), 0);
	memset(&f, 0, sizeof(f));
	f.user_data = (const uint8_t *)"u";
	f.user_data_len = 1;
	f.indefinite_map = 1;
	buf_init(&doc, TEEC_MAX_DOC_BYTES);
	assert_int_equal(testpki_doc(&pki, &f, 0, &doc), 0);
	assert_int_equal(parse_cose(doc.data, doc.len, &cs), 0);
	assert_int_equal(cs.payload[0], 0xbf);
	assert_int_equal(payload_bstr(cs.payload, cs.plen, "certificate",
	    &cert, &certlen), 0);
	assert_int_equal(certlen, pki.leaf_der_len);
	assert_true(verify_cose(&cs, pki.leaf_key));
	buf_free(&doc);
	testpki_free(&pki);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sig_structure_bytes),
		cmocka_unit_test(test_sig_structure_long_payload),
		cmocka_unit_test(test_sig_structure_cap),
		cmocka_unit_test(test_payload_exact_bytes),
		cmocka_unit_test(test_payload_indefinite_map),
		cmocka_unit_test(test_payload_pcr_index_and_digest),
		cmocka_unit_test(test_payload_cap_and_null_pointers),
		cmocka_unit_test(test_cose_sign1_untagged),
		cmocka_unit_test(test_cose_sign1_tagged),
		cmocka_unit_test(test_cose_sign1_tampered_fails),
		cmocka_unit_test(test_cose_sign1_wrong_key_type),
		cmocka_unit_test(test_emulated_doc_shape),
		cmocka_unit_test(test_emulated_module_id),
		cmocka_unit_test(test_emulated_signature_verifies),
		cmocka_unit_test(test_emulated_leaf_chains),
		cmocka_unit_test(test_emulated_fresh_leaf_per_doc),
		cmocka_unit_test(test_emulated_request_too_large),
		cmocka_unit_test(test_open_without_device),
		cmocka_unit_test(test_dev_open_missing_path),
		cmocka_unit_test(test_dev_raw_bad_sizes),
		cmocka_unit_test(test_dev_request_all_null),
		cmocka_unit_test(test_dev_request_values),
		cmocka_unit_test(test_dev_request_long_field),
		cmocka_unit_test(test_dev_request_too_large),
		cmocka_unit_test(test_dev_response_success),
		cmocka_unit_test(test_dev_response_real_size),
		cmocka_unit_test(test_dev_response_appends),
		cmocka_unit_test(test_dev_response_indefinite_and_unknown_field),
		cmocka_unit_test(test_dev_response_error_variants),
		cmocka_unit_test(test_dev_response_error_unknown),
		cmocka_unit_test(test_dev_response_truncated),
		cmocka_unit_test(test_dev_response_wrong_types),
		cmocka_unit_test(test_dev_response_trailing_bytes),
		cmocka_unit_test(test_dev_response_shape),
		cmocka_unit_test(test_dev_response_oversize),
		cmocka_unit_test(test_real_docs_sig_structure),
		cmocka_unit_test(test_testpki_doc_verifies),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}

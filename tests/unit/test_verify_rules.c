/* SPDX-License-Identifier: ISC */
/*
 * One test per verification rule of an attestation document (teec-verify(1),
 * checks "cose", "payload", "root", "chain", "signature", "debug"): each
 * document breaks exactly one rule and is otherwise valid and signed over
 * an in-memory test PKI (tests/unit/testpki.h) whose root is trusted, and
 * the verdict must be TEEC_FAIL with the exact reason at the exact check.
 * Documents that differ from the standard one in a way the rules allow
 * must verify. References: RFC 8949 (CBOR), RFC 9052 section 4.2
 * (COSE_Sign1), RFC 9053 section 2.1 (ES384), AWS nsm-api
 * docs/attestation_process.md sections 2 and 3 (payload, chain).
 */
#include "tests/unit/testutil.h"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/x509.h>

#include "common/buf.h"
#include "common/caps.h"
#include "common/cbor.h"
#include "common/cose.h"
#include "common/encode.h"
#include "enclave/nsm.h"
#include "verify/attest.h"
#include "verify/chain.h"
#include "tests/unit/testpki.h"

#define T_NOW      ((int64_t)1767225600)   /* 2026-01-01T00:00:00Z, the PKI's reference time */
#define T_NINTER   3u           /* root + 3 intermediates, like the AWS cabundle */
#define T_NPCRS    16u
#define DOC_CAP    (256u * 1024u)
#define PL_MAX     80u

static struct testpki tp;               /* the shared, trusted test PKI */
static struct trust_roots roots;        /* tp's root only */
static uint8_t std_pcrs[T_NPCRS][NITRO_PCR_BYTES];

/* ---- test PKIs ------------------------------------------------------------ */

static void
opts_default(struct testpki_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->now = T_NOW;
	o->ninter = T_NINTER;
}

static int
group_setup(void **state)
{
	struct testpki_opts o;
	struct teec_err err;
	unsigned i;

	for (i = 0; i < T_NPCRS; i++)
		memset(std_pcrs[i], (int)(0x10 + i), NITRO_PCR_BYTES);
	opts_default(&o);
	if (testpki_make(&o, &tp) == -1)
		return -1;
	roots_init(&roots);
	return roots_add_der(&roots, tp.bundle[0], tp.bundle_len[0], &err) ==
	    TEEC_OK ? 0 : -1;
}

static int
group_teardown(void **state)
{
	roots_free(&roots);
	testpki_free(&tp);
	return 0;
}

/* A fresh PKI with the default knobs changed by the caller. */
static void
make_pki(const struct testpki_opts *o, struct testpki *p)
{
	assert_int_equal(testpki_make(o, p), 0);
}

/* ---- the payload: an editable list of map entries ------------------------- */

struct pl_entry {
	struct buf key;                 /* the encoded key */
	struct buf val;                 /* the encoded value */
};

struct pl {
	size_t n;
	struct pl_entry e[PL_MAX];
	int indefinite;                 /* map as bf ... ff */
	int no_break;                   /* leave the ff out */
	const uint8_t *trailing;        /* bytes after the map */
	size_t ntrailing;
};

static void
pl_free(struct pl *pl)
{
	size_t i;

	for (i = 0; i < pl->n; i++) {
		buf_free(&pl->e[i].key);
		buf_free(&pl->e[i].val);
	}
	pl->n = 0;
}

/* A new entry at position at, key given encoded. */
static struct pl_entry *
pl_insert_rawkey(struct pl *pl, size_t at, const uint8_t *key, size_t keylen)
{
	struct pl_entry *e;

	assert_true(pl->n < PL_MAX && at <= pl->n);
	memmove(&pl->e[at + 1], &pl->e[at], (pl->n - at) * sizeof(pl->e[0]));
	pl->n++;
	e = &pl->e[at];
	buf_init(&e->key, 1024);
	buf_init(&e->val, DOC_CAP);
	assert_int_equal(buf_append(&e->key, key, keylen), 0);
	return e;
}

static struct pl_entry *
pl_append_rawkey(struct pl *pl, const uint8_t *key, size_t keylen)
{
	return pl_insert_rawkey(pl, pl->n, key, keylen);
}

static struct pl_entry *
pl_insert(struct pl *pl, size_t at, const char *key)
{
	struct buf k;
	struct pl_entry *e;

	buf_init(&k, 1024);
	assert_int_equal(cbor_put_text(&k, key), 0);
	e = pl_insert_rawkey(pl, at, k.data, k.len);
	buf_free(&k);
	return e;
}

static struct pl_entry *
pl_append(struct pl *pl, const char *key)
{
	return pl_insert(pl, pl->n, key);
}

static int
pl_find(const struct pl *pl, const char *key)
{
	struct buf k;
	size_t i;
	int found = -1;

	buf_init(&k, 1024);
	assert_int_equal(cbor_put_text(&k, key), 0);
	for (i = 0; i < pl->n; i++)
		if (pl->e[i].key.len == k.len &&
		    memcmp(pl->e[i].key.data, k.data, k.len) == 0) {
			found = (int)i;
			break;
		}
	buf_free(&k);
	return found;
}

/* The value buffer of key, emptied; a new entry at the end if key is absent. */
static struct buf *
pl_slot(struct pl *pl, const char *key)
{
	int i = pl_find(pl, key);

	if (i == -1)
		return &pl_append(pl, key)->val;
	pl->e[i].val.len = 0;
	return &pl->e[i].val;
}

static void
pl_del(struct pl *pl, const char *key)
{
	int i = pl_find(pl, key);

	assert_true(i >= 0);
	buf_free(&pl->e[i].key);
	buf_free(&pl->e[i].val);
	memmove(&pl->e[i], &pl->e[i + 1], (pl->n - (size_t)i - 1) *
	    sizeof(pl->e[0]));
	pl->n--;
}

static void
pl_set_raw(struct pl *pl, const char *key, const void *p, size_t n)
{
	assert_int_equal(buf_append(pl_slot(pl, key), p, n), 0);
}

static void
pl_set_text(struct pl *pl, const char *key, const char *s)
{
	assert_int_equal(cbor_put_text(pl_slot(pl, key), s), 0);
}

static void
pl_set_bytes(struct pl *pl, const char *key, const void *p, size_t n)
{
	assert_int_equal(cbor_put_bytes(pl_slot(pl, key), p, n), 0);
}

/* A byte string of n bytes of c. */
static void
pl_set_filled(struct pl *pl, const char *key, int c, size_t n)
{
	uint8_t *p = malloc(n ? n : 1);

	assert_non_null(p);
	memset(p, c, n);
	pl_set_bytes(pl, key, p, n);
	free(p);
}

static void
pl_set_uint(struct pl *pl, const char *key, uint64_t v)
{
	assert_int_equal(cbor_put_uint(pl_slot(pl, key), v), 0);
}

static void
pl_set_null(struct pl *pl, const char *key)
{
	assert_int_equal(cbor_put_null(pl_slot(pl, key)), 0);
}

/*
 * pcrs: n entries, index idx[i] (NULL: i), length len[i] (NULL: 48),
 * PCRi filled with 0x10 + index.
 */
static void
pl_set_pcrs(struct pl *pl, unsigned n, const unsigned *idx,
    const size_t *len, int indefinite)
{
	struct buf *b = pl_slot(pl, "pcrs");
	uint8_t v[80];
	unsigned i, k;

	if (indefinite)
		assert_int_equal(buf_putc(b, 0xbf), 0);
	else
		assert_int_equal(cbor_put_head(b, CBOR_MAP, n), 0);
	for (i = 0; i < n; i++) {
		k = idx != NULL ? idx[i] : i;
		memset(v, (int)(0x10 + k), sizeof(v));
		assert_int_equal(cbor_put_uint(b, k), 0);
		assert_int_equal(cbor_put_bytes(b, v, len != NULL ? len[i] :
		    NITRO_PCR_BYTES), 0);
	}
	if (indefinite)
		assert_int_equal(buf_putc(b, 0xff), 0);
}

/* The sixteen standard PCRs (0x10 + index), the first n of them all zero. */
static void
pl_zero_pcrs(struct pl *pl, unsigned n)
{
	uint8_t pcrs[T_NPCRS][NITRO_PCR_BYTES];
	struct buf *b = pl_slot(pl, "pcrs");
	unsigned i;

	memcpy(pcrs, std_pcrs, sizeof(pcrs));
	for (i = 0; i < n; i++)
		memset(pcrs[i], 0, NITRO_PCR_BYTES);
	assert_int_equal(cbor_put_head(b, CBOR_MAP, T_NPCRS), 0);
	for (i = 0; i < T_NPCRS; i++) {
		assert_int_equal(cbor_put_uint(b, i), 0);
		assert_int_equal(cbor_put_bytes(b, pcrs[i], NITRO_PCR_BYTES), 0);
	}
}

static void
pl_set_certs(struct pl *pl, const char *key, const uint8_t *const *der,
    const size_t *len, size_t n)
{
	struct buf *b = pl_slot(pl, key);
	size_t i;

	assert_int_equal(cbor_put_head(b, CBOR_ARRAY, n), 0);
	for (i = 0; i < n; i++)
		assert_int_equal(cbor_put_bytes(b, der[i], len[i]), 0);
}

/* The standard payload over p: every field as the NSM emits it. */
static void
pl_std(struct pl *pl, const struct testpki *p)
{
	uint8_t ud[48];

	memset(pl, 0, sizeof(*pl));
	memset(ud, 0xab, sizeof(ud));
	pl_set_text(pl, "module_id", "i-0123456789abcdef0-enc0123456789abcdef");
	pl_set_text(pl, "digest", "SHA384");
	pl_set_uint(pl, "timestamp", (uint64_t)p->now * 1000u + 123u);
	pl_zero_pcrs(pl, 0);
	pl_set_bytes(pl, "certificate", p->leaf_der, p->leaf_der_len);
	pl_set_certs(pl, "cabundle", p->bundle, p->bundle_len, p->nbundle);
	pl_set_null(pl, "public_key");
	pl_set_bytes(pl, "user_data", ud, sizeof(ud));
	pl_set_null(pl, "nonce");
}

static void
pl_encode(const struct pl *pl, struct buf *out)
{
	size_t i;

	if (pl->indefinite)
		assert_int_equal(buf_putc(out, 0xbf), 0);
	else
		assert_int_equal(cbor_put_head(out, CBOR_MAP, pl->n), 0);
	for (i = 0; i < pl->n; i++) {
		assert_int_equal(buf_append(out, pl->e[i].key.data,
		    pl->e[i].key.len), 0);
		assert_int_equal(buf_append(out, pl->e[i].val.data,
		    pl->e[i].val.len), 0);
	}
	if (pl->indefinite && !pl->no_break)
		assert_int_equal(buf_putc(out, 0xff), 0);
	if (pl->ntrailing > 0)
		assert_int_equal(buf_append(out, pl->trailing, pl->ntrailing), 0);
}

/* ---- the COSE_Sign1 envelope ---------------------------------------------- */

struct cose_knobs {
	uint64_t tag;                   /* 0: untagged */
	unsigned nitems;                /* 0: 4; 3 drops the signature, 5 adds null */
	int indefinite;                 /* array as 9f ... ff */
	int no_break;
	const uint8_t *prot;            /* protected bstr content; NULL: {1: -35} */
	size_t prot_len;
	int prot_empty;                 /* h'' */
	int prot_not_bstr;              /* the header map itself, not wrapped */
	const uint8_t *unprot;          /* raw CBOR item; NULL: {} */
	size_t unprot_len;
	int payload_nil;                /* detached payload */
	size_t sig_len;                 /* 0: 96 (cut or padded with 00) */
	int sig_zero;
	int sig_malleate;               /* (r, n - s) */
	EVP_PKEY *key;                  /* NULL: the shared leaf key */
	const uint8_t *trailing;
	size_t ntrailing;
};

/* ES384 over the Sig_structure, as raw r || s (RFC 9053 section 2.1). */
static void
es384_sign(EVP_PKEY *key, const uint8_t *prot, size_t protlen,
    const uint8_t *payload, size_t n, int malleate, uint8_t raw[96])
{
	struct buf tbs;
	EVP_MD_CTX *md;
	EC_GROUP *g;
	ECDSA_SIG *sig;
	const BIGNUM *r, *s;
	BIGNUM *ms;
	uint8_t der[160];
	const unsigned char *dp = der;
	size_t derlen = sizeof(der);

	buf_init(&tbs, DOC_CAP);
	assert_int_equal(cose_sig_structure(prot, protlen, payload, n, &tbs), 0);
	assert_non_null(md = EVP_MD_CTX_new());
	assert_int_equal(EVP_DigestSignInit(md, NULL, EVP_sha384(), NULL, key), 1);
	assert_int_equal(EVP_DigestSign(md, der, &derlen, tbs.data, tbs.len), 1);
	EVP_MD_CTX_free(md);
	buf_free(&tbs);
	assert_non_null(sig = d2i_ECDSA_SIG(NULL, &dp, (long)derlen));
	ECDSA_SIG_get0(sig, &r, &s);
	assert_int_equal(BN_bn2binpad(r, raw, 48), 48);
	if (malleate) {
		assert_non_null(g = EC_GROUP_new_by_curve_name(NID_secp384r1));
		assert_non_null(ms = BN_new());
		assert_int_equal(BN_sub(ms, EC_GROUP_get0_order(g), s), 1);
		assert_int_equal(BN_bn2binpad(ms, raw + 48, 48), 48);
		BN_free(ms);
		EC_GROUP_free(g);
	} else
		assert_int_equal(BN_bn2binpad(s, raw + 48, 48), 48);
	ECDSA_SIG_free(sig);
}

static void
cose_make(const struct cose_knobs *k, const uint8_t *payload, size_t n,
    struct buf *doc)
{
	const uint8_t *prot = cose_es384_protected;
	size_t protlen = sizeof(cose_es384_protected), siglen;
	uint8_t sig[97];
	unsigned nitems = k->nitems ? k->nitems : 4;

	if (k->prot != NULL) {
		prot = k->prot;
		protlen = k->prot_len;
	} else if (k->prot_empty) {
		prot = (const uint8_t *)"";
		protlen = 0;
	}
	es384_sign(k->key != NULL ? k->key : tp.leaf_key, prot, protlen,
	    payload, n, k->sig_malleate, sig);
	sig[96] = 0;
	if (k->sig_zero)
		memset(sig, 0, sizeof(sig));
	siglen = k->sig_len ? k->sig_len : 96;
	assert_true(siglen <= sizeof(sig));

	if (k->tag != 0)
		assert_int_equal(cbor_put_head(doc, CBOR_TAG, k->tag), 0);
	if (k->indefinite)
		assert_int_equal(buf_putc(doc, 0x9f), 0);
	else
		assert_int_equal(cbor_put_head(doc, CBOR_ARRAY, nitems), 0);
	if (k->prot_not_bstr)
		assert_int_equal(buf_append(doc, prot, protlen), 0);
	else
		assert_int_equal(cbor_put_bytes(doc, prot, protlen), 0);
	if (k->unprot != NULL)
		assert_int_equal(buf_append(doc, k->unprot, k->unprot_len), 0);
	else
		assert_int_equal(cbor_put_head(doc, CBOR_MAP, 0), 0);
	if (k->payload_nil)
		assert_int_equal(cbor_put_null(doc), 0);
	else
		assert_int_equal(cbor_put_bytes(doc, payload, n), 0);
	if (nitems >= 4)
		assert_int_equal(cbor_put_bytes(doc, sig, siglen), 0);
	if (nitems >= 5)
		assert_int_equal(cbor_put_null(doc), 0);
	if (k->indefinite && !k->no_break)
		assert_int_equal(buf_putc(doc, 0xff), 0);
	if (k->ntrailing > 0)
		assert_int_equal(buf_append(doc, k->trailing, k->ntrailing), 0);
}

/* pl wrapped in the COSE envelope k (NULL: the standard one). doc is initialised here. */
static void
doc_make(const struct pl *pl, const struct cose_knobs *k, struct buf *doc)
{
	static const struct cose_knobs std;
	struct buf payload;

	buf_init(doc, DOC_CAP);
	buf_init(&payload, DOC_CAP);
	pl_encode(pl, &payload);
	cose_make(k != NULL ? k : &std, payload.data, payload.len, doc);
	buf_free(&payload);
}

/* The standard document, with envelope knobs k. */
static void
std_doc(const struct cose_knobs *k, struct buf *doc)
{
	struct pl pl;

	pl_std(&pl, &tp);
	doc_make(&pl, k, doc);
	pl_free(&pl);
}

/* The standard document over another PKI, signed by its leaf (or a throwaway P-384 key). */
static void
pki_doc(const struct testpki *p, struct buf *doc)
{
	struct cose_knobs k;
	struct pl pl;
	EVP_PKEY *tmp = NULL;

	memset(&k, 0, sizeof(k));
	k.key = p->leaf_key;
	if (!EVP_PKEY_is_a(k.key, "EC") || EVP_PKEY_get_bits(k.key) != 384)
		assert_non_null(k.key = tmp = EVP_EC_gen("P-384"));
	pl_std(&pl, p);
	doc_make(&pl, &k, doc);
	pl_free(&pl);
	EVP_PKEY_free(tmp);
}

/* ---- verification and its expectations ------------------------------------ */

struct vopts {
	enum at_mode mode;
	int64_t at;
	int allow_debug;
};

static const char *
failed_check(const struct vresult *r)
{
	size_t i;

	for (i = 0; i < r->nchecks; i++)
		if (r->checks[i].state == V_FAILED)
			return r->checks[i].name;
	return "(none)";
}

static void
show(const struct vresult *r)
{
	size_t i;

	for (i = 0; i < r->nchecks; i++)
		print_error("#   %-9s %s %s\n", r->checks[i].name,
		    r->checks[i].state == V_OK ? "ok    " :
		    r->checks[i].state == V_FAILED ? "FAILED" : "skip  ",
		    r->checks[i].detail);
}

/*
 * Verify doc and require reason want at check `check` (NULL with R_NONE:
 * verified, every check passed). out, when not NULL, receives what the
 * verifier saw (attest_out_free() it).
 */
static void
expect_at(const uint8_t *doc, size_t n, const struct vopts *vo,
    const char *check, enum reason want, struct attest_out *out,
    const char *file, int line)
{
	static const struct vopts dflt;
	struct attest_opts o;
	struct attest_out a;
	struct vresult r;
	int st;

	if (vo == NULL)
		vo = &dflt;
	memset(&o, 0, sizeof(o));
	o.roots = &roots;
	o.at_mode = vo->mode;
	o.at = vo->at;
	o.allow_debug = vo->allow_debug;
	vresult_init(&r);
	st = attest_verify(doc, n, &o, &a, &r);
	if (st != (want == R_NONE ? TEEC_OK : TEEC_FAIL) || r.status != st ||
	    r.reason != want || (want != R_NONE &&
	    strcmp(failed_check(&r), check) != 0)) {
		print_error("# got status %d reason %s at %s; want %s at %s\n",
		    st, reason_name(r.reason), failed_check(&r),
		    reason_name(want), check != NULL ? check : "(none)");
		show(&r);
		attest_out_free(&a);
		_fail(file, line);
	}
	if (out != NULL)
		*out = a;
	else
		attest_out_free(&a);
}

#define EXPECT(doc, vo, check, want) \
	expect_at((doc)->data, (doc)->len, (vo), (check), (want), NULL, \
	    __FILE__, __LINE__)
#define EXPECT_OK(doc, vo) EXPECT(doc, vo, NULL, R_NONE)

/* Sign pl in the standard envelope, expect, and free pl. */
#define EXPECT_PL(pl, check, want) do { \
	struct buf d_; \
	doc_make((pl), NULL, &d_); \
	pl_free(pl); \
	EXPECT(&d_, NULL, (check), (want)); \
	buf_free(&d_); \
} while (0)

/* Standard document with envelope knobs k; expect. */
#define EXPECT_COSE(k, check, want) do { \
	struct buf d_; \
	std_doc((k), &d_); \
	EXPECT(&d_, NULL, (check), (want)); \
	buf_free(&d_); \
} while (0)

/* ---- the controls --------------------------------------------------------- */

static void
test_standard_document_verifies(void **state)
{
	struct attest_out a;
	struct buf d;

	std_doc(NULL, &d);
	expect_at(d.data, d.len, NULL, NULL, R_NONE, &a, __FILE__, __LINE__);
	assert_false(a.doc.cose.tagged);
	assert_false(a.doc.payload_indefinite);
	assert_int_equal(a.doc.npcrs, T_NPCRS);
	assert_int_equal(a.doc.ncabundle, T_NINTER + 1);
	assert_int_equal(a.doc.timestamp_ms, (uint64_t)T_NOW * 1000u + 123u);
	assert_false(a.debug);
	assert_int_equal(a.at, T_NOW);
	assert_int_equal(a.chain.n, T_NINTER + 2);
	attest_out_free(&a);
	buf_free(&d);
}

/* The NSM emulator's encoder (testpki_doc) agrees with this file's. */
static void
test_testpki_doc_verifies(void **state)
{
	struct nitro_fields f;
	struct vopts vo = { AT_DOCUMENT, 0, 1 };
	struct buf d;

	memset(&f, 0, sizeof(f));
	f.npcrs = T_NPCRS;
	f.pcrs = (const uint8_t (*)[NITRO_PCR_BYTES])std_pcrs;
	buf_init(&d, DOC_CAP);
	assert_int_equal(testpki_doc(&tp, &f, 0, &d), 0);
	EXPECT_OK(&d, NULL);
	buf_free(&d);
	/* with the NSM's default all-zero PCRs: a debug document */
	memset(&f, 0, sizeof(f));
	buf_init(&d, DOC_CAP);
	assert_int_equal(testpki_doc(&tp, &f, 1, &d), 0);
	EXPECT_OK(&d, &vo);
	EXPECT(&d, NULL, "debug", R_DEBUG_ENCLAVE);
	buf_free(&d);
}

/* ---- COSE_Sign1 (RFC 9052 section 4.2) ------------------------------------ */

static void
test_cose_tag18_accepted(void **state)
{
	struct cose_knobs k = { .tag = 18 };
	struct attest_out a;
	struct buf d;

	std_doc(&k, &d);
	assert_int_equal(d.data[0], 0xd2);
	expect_at(d.data, d.len, NULL, NULL, R_NONE, &a, __FILE__, __LINE__);
	assert_true(a.doc.cose.tagged);
	attest_out_free(&a);
	buf_free(&d);
}

static void
test_cose_other_tag_rejected(void **state)
{
	struct cose_knobs k98 = { .tag = 98 };   /* COSE_Sign */
	struct cose_knobs k17 = { .tag = 17 };   /* COSE_Mac0 */
	struct cose_knobs k55799 = { .tag = 55799 };   /* self-described CBOR */

	EXPECT_COSE(&k98, "cose", R_MALFORMED);
	EXPECT_COSE(&k17, "cose", R_MALFORMED);
	EXPECT_COSE(&k55799, "cose", R_MALFORMED);
}

static void
test_cose_array_of_3_rejected(void **state)
{
	struct cose_knobs k = { .nitems = 3 };

	EXPECT_COSE(&k, "cose", R_MALFORMED);
}

static void
test_cose_array_of_5_rejected(void **state)
{
	struct cose_knobs k = { .nitems = 5 };
	struct cose_knobs ki = { .nitems = 5, .indefinite = 1 };

	EXPECT_COSE(&k, "cose", R_MALFORMED);
	EXPECT_COSE(&ki, "cose", R_MALFORMED);
}

static void
test_cose_indefinite_array_accepted(void **state)
{
	struct cose_knobs k = { .indefinite = 1 };
	struct cose_knobs kt = { .indefinite = 1, .tag = 18 };

	EXPECT_COSE(&k, NULL, R_NONE);
	EXPECT_COSE(&kt, NULL, R_NONE);
}

static void
test_cose_indefinite_array_without_break_rejected(void **state)
{
	struct cose_knobs k = { .indefinite = 1, .no_break = 1 };

	EXPECT_COSE(&k, "cose", R_MALFORMED);
}

static void
test_cose_not_an_array_rejected(void **state)
{
	static const uint8_t map[] = { 0xa0 };
	struct buf d;

	buf_init(&d, 16);
	assert_int_equal(buf_append(&d, map, sizeof(map)), 0);
	EXPECT(&d, NULL, "cose", R_MALFORMED);
	buf_free(&d);
}

static void
test_cose_protected_alg_es256_rejected(void **state)
{
	static const uint8_t es256[] = { 0xa1, 0x01, 0x26 };     /* {1: -7} */
	struct cose_knobs k = { .prot = es256, .prot_len = sizeof(es256) };

	EXPECT_COSE(&k, "cose", R_MALFORMED);
}

static void
test_cose_protected_extra_param_rejected(void **state)
{
	/* {1: -35, 4: h'01'}: a kid next to the algorithm */
	static const uint8_t extra[] = { 0xa2, 0x01, 0x38, 0x22, 0x04, 0x41, 0x01 };
	/* {1: -35} and one byte after the map, inside the bstr */
	static const uint8_t after[] = { 0xa1, 0x01, 0x38, 0x22, 0x00 };
	struct cose_knobs k = { .prot = extra, .prot_len = sizeof(extra) };
	struct cose_knobs ka = { .prot = after, .prot_len = sizeof(after) };

	EXPECT_COSE(&k, "cose", R_MALFORMED);
	EXPECT_COSE(&ka, "cose", R_MALFORMED);
}

static void
test_cose_protected_empty_bstr_rejected(void **state)
{
	struct cose_knobs k = { .prot_empty = 1 };

	EXPECT_COSE(&k, "cose", R_MALFORMED);
}

static void
test_cose_protected_not_bstr_rejected(void **state)
{
	struct cose_knobs k = { .prot_not_bstr = 1 };

	EXPECT_COSE(&k, "cose", R_MALFORMED);
}

static void
test_cose_unprotected_nonempty_rejected(void **state)
{
	static const uint8_t kid[] = { 0xa1, 0x04, 0x41, 0x01 };   /* {4: h'01'} */
	struct cose_knobs k = { .unprot = kid, .unprot_len = sizeof(kid) };

	EXPECT_COSE(&k, "cose", R_MALFORMED);
}

/* As in the blocky/aws-nitro-verifier selfsigned mock document. */
static void
test_cose_unprotected_null_rejected(void **state)
{
	static const uint8_t null[] = { 0xf6 };
	struct cose_knobs k = { .unprot = null, .unprot_len = sizeof(null) };

	EXPECT_COSE(&k, "cose", R_MALFORMED);
}

static void
test_cose_unprotected_indefinite_empty_accepted(void **state)
{
	static const uint8_t empty[] = { 0xbf, 0xff };
	struct cose_knobs k = { .unprot = empty, .unprot_len = sizeof(empty) };

	EXPECT_COSE(&k, NULL, R_NONE);
}

static void
test_cose_payload_nil_rejected(void **state)
{
	struct cose_knobs k = { .payload_nil = 1 };

	EXPECT_COSE(&k, "cose", R_MALFORMED);
}

static void
test_cose_signature_95_bytes_rejected(void **state)
{
	struct cose_knobs k = { .sig_len = 95 };

	EXPECT_COSE(&k, "cose", R_MALFORMED);
}

static void
test_cose_signature_97_bytes_rejected(void **state)
{
	struct cose_knobs k = { .sig_len = 97 };

	EXPECT_COSE(&k, "cose", R_MALFORMED);
}

/* 64 bytes: the ES256 size. */
static void
test_cose_signature_64_bytes_rejected(void **state)
{
	struct cose_knobs k = { .sig_len = 64 };

	EXPECT_COSE(&k, "cose", R_MALFORMED);
}

static void
test_cose_signature_all_zero_bad_signature(void **state)
{
	struct cose_knobs k = { .sig_zero = 1 };

	EXPECT_COSE(&k, "signature", R_BAD_SIGNATURE);
}

/*
 * ECDSA is malleable: (r, n - s) is a second valid signature over the same
 * bytes, so this twin VERIFIES. That is why teec never uses a signature
 * (or a document digest) as an identifier of a document.
 */
static void
test_cose_signature_malleated_twin_accepted(void **state)
{
	struct cose_knobs k = { .sig_malleate = 1 };
	struct buf d1, d2;

	std_doc(NULL, &d1);
	std_doc(&k, &d2);
	assert_int_equal(d1.len, d2.len);
	EXPECT_OK(&d2, NULL);
	buf_free(&d1);
	buf_free(&d2);
}

static void
test_cose_trailing_byte_rejected(void **state)
{
	static const uint8_t zero[] = { 0x00 };
	struct cose_knobs k = { .trailing = zero, .ntrailing = 1 };
	struct cose_knobs kt = { .tag = 18, .trailing = zero, .ntrailing = 1 };

	EXPECT_COSE(&k, "cose", R_MALFORMED);
	EXPECT_COSE(&kt, "cose", R_MALFORMED);
}

/*
 * Offsets into the standard untagged document: 84 | 44 a1 01 38 22 | a0 |
 * 59 LEN PAYLOAD | 58 60 SIG.
 */
#define OFF_PROT      1u
#define OFF_UNPROT    6u
#define OFF_PAYLOAD   7u

static void
expect_cut(size_t at)
{
	struct buf d;

	std_doc(NULL, &d);
	assert_true(at < d.len);
	d.len = at;
	EXPECT(&d, NULL, "cose", R_MALFORMED);
	buf_free(&d);
}

static void
test_cose_truncated_in_protected(void **state)
{
	expect_cut(OFF_PROT + 1);       /* after the bstr head */
	expect_cut(OFF_PROT + 3);       /* inside the header map */
}

/* The unprotected map is one byte: cut before it, and give a map head without its entries. */
static void
test_cose_truncated_in_unprotected(void **state)
{
	static const uint8_t kid_head[] = { 0xa1, 0x04 };
	struct buf d;

	expect_cut(OFF_UNPROT);
	buf_init(&d, DOC_CAP);
	assert_int_equal(buf_append(&d, "\x84\x44\xa1\x01\x38\x22", 6), 0);
	assert_int_equal(buf_append(&d, kid_head, sizeof(kid_head)), 0);
	EXPECT(&d, NULL, "cose", R_MALFORMED);
	buf_free(&d);
}

static void
test_cose_truncated_in_payload(void **state)
{
	struct buf d;

	std_doc(NULL, &d);
	expect_cut(OFF_PAYLOAD + 1);    /* inside the length */
	expect_cut(OFF_PAYLOAD + 3);    /* first payload byte missing */
	expect_cut(d.len / 2);
	buf_free(&d);
}

static void
test_cose_truncated_in_signature(void **state)
{
	struct buf d;

	std_doc(NULL, &d);
	expect_cut(d.len - 98);         /* before the signature head */
	expect_cut(d.len - 97);         /* inside it */
	expect_cut(d.len - 1);          /* last byte of r || s missing */
	buf_free(&d);
}

static void
test_cose_every_prefix_rejected(void **state)
{
	struct attest_opts o;
	struct attest_out a;
	struct vresult r;
	struct buf d;
	size_t n;

	memset(&o, 0, sizeof(o));
	o.roots = &roots;
	std_doc(NULL, &d);
	for (n = 0; n < d.len; n++) {
		vresult_init(&r);
		if (attest_verify(d.data, n, &o, &a, &r) != TEEC_FAIL ||
		    r.reason != R_MALFORMED || strcmp(failed_check(&r), "cose") != 0)
			fail_msg("prefix of %zu of %zu bytes: reason %s at %s", n,
			    d.len, reason_name(r.reason), failed_check(&r));
		attest_out_free(&a);
	}
	buf_free(&d);
}

/* ---- payload (AWS attestation_process.md section 2.2) --------------------- */

static void
expect_missing(const char *key)
{
	struct pl pl;

	pl_std(&pl, &tp);
	pl_del(&pl, key);
	EXPECT_PL(&pl, "payload", R_MALFORMED);
}

static void
test_payload_missing_module_id(void **state)
{
	expect_missing("module_id");
}

static void
test_payload_missing_digest(void **state)
{
	expect_missing("digest");
}

static void
test_payload_missing_timestamp(void **state)
{
	expect_missing("timestamp");
}

static void
test_payload_missing_pcrs(void **state)
{
	expect_missing("pcrs");
}

static void
test_payload_missing_certificate(void **state)
{
	expect_missing("certificate");
}

static void
test_payload_missing_cabundle(void **state)
{
	expect_missing("cabundle");
}

/* The CDDL marks public_key, user_data and nonce optional ("? key"). */
static void
test_payload_optional_fields_absent_accepted(void **state)
{
	struct pl pl;

	pl_std(&pl, &tp);
	pl_del(&pl, "public_key");
	pl_del(&pl, "user_data");
	pl_del(&pl, "nonce");
	EXPECT_PL(&pl, NULL, R_NONE);
}

static void
test_payload_not_a_map_rejected(void **state)
{
	static const uint8_t arr[] = { 0x80 };
	struct cose_knobs k;
	struct buf d;

	memset(&k, 0, sizeof(k));
	buf_init(&d, DOC_CAP);
	cose_make(&k, arr, sizeof(arr), &d);
	EXPECT(&d, NULL, "payload", R_MALFORMED);
	buf_free(&d);
}

static void
test_payload_module_id_empty(void **state)
{
	struct pl pl;

	pl_std(&pl, &tp);
	pl_set_text(&pl, "module_id", "");
	EXPECT_PL(&pl, "payload", R_MALFORMED);
}

static void
test_payload_module_id_not_text(void **state)
{
	struct pl pl;

	pl_std(&pl, &tp);
	pl_set_bytes(&pl, "module_id", "i-0123", 6);
	EXPECT_PL(&pl, "payload", R_MALFORMED);
}

static void
test_payload_module_id_invalid_utf8(void **state)
{
	static const uint8_t bad[] = { 0x64, 'i', '-', 0xc3, 0x28 };
	static const uint8_t surrogate[] = { 0x63, 0xed, 0xa0, 0x80 };
	struct pl pl;

	pl_std(&pl, &tp);
	pl_set_raw(&pl, "module_id", bad, sizeof(bad));
	EXPECT_PL(&pl, "payload", R_MALFORMED);
	pl_std(&pl, &tp);
	pl_set_raw(&pl, "module_id", surrogate, sizeof(surrogate));
	EXPECT_PL(&pl, "payload", R_MALFORMED);
}

static void
test_payload_module_id_nul_rejected(void **state)
{
	static const uint8_t nul[] = { 0x63, 'i', 0x00, '-' };
	struct pl pl;

	pl_std(&pl, &tp);
	pl_set_raw(&pl, "module_id", nul, sizeof(nul));
	EXPECT_PL(&pl, "payload", R_MALFORMED);
}

static void
test_payload_digest_sha256(void **state)
{
	struct pl pl;

	pl_std(&pl, &tp);
	pl_set_text(&pl, "digest", "SHA256");
	EXPECT_PL(&pl, "payload", R_MALFORMED);
}

static void
test_payload_digest_lower_case(void **state)
{
	struct pl pl;

	pl_std(&pl, &tp);
	pl_set_text(&pl, "digest", "sha384");
	EXPECT_PL(&pl, "payload", R_MALFORMED);
}

static void
test_payload_timestamp_zero(void **state)
{
	struct pl pl;

	pl_std(&pl, &tp);
	pl_set_uint(&pl, "timestamp", 0);
	EXPECT_PL(&pl, "payload", R_MALFORMED);
}

static void
test_payload_timestamp_negative(void **state)
{
	struct pl pl;

	pl_std(&pl, &tp);
	assert_int_equal(cbor_put_int(pl_slot(&pl, "timestamp"),
	    -(int64_t)T_NOW * 1000), 0);
	EXPECT_PL(&pl, "payload", R_MALFORMED);
}

static void
test_payload_timestamp_text(void **state)
{
	struct pl pl;

	pl_std(&pl, &tp);
	pl_set_text(&pl, "timestamp", "1767225600000");
	EXPECT_PL(&pl, "payload", R_MALFORMED);
}

/* Beyond every certificate's validity: the chain check refuses it, without overflow. */
static void
test_payload_timestamp_max_uint64(void **state)
{
	struct pl pl;

	pl_std(&pl, &tp);
	pl_set_uint(&pl, "timestamp", UINT64_MAX);
	EXPECT_PL(&pl, "chain", R_CHAIN_EXPIRED);
}

static void
test_payload_pcrs_empty_map(void **state)
{
	static const uint8_t empty[] = { 0xa0 };
	static const uint8_t iempty[] = { 0xbf, 0xff };
	struct pl pl;

	pl_std(&pl, &tp);
	pl_set_raw(&pl, "pcrs", empty, sizeof(empty));
	EXPECT_PL(&pl, "payload", R_MALFORMED);
	pl_std(&pl, &tp);
	pl_set_raw(&pl, "pcrs", iempty, sizeof(iempty));
	EXPECT_PL(&pl, "payload", R_MALFORMED);
}

static void
test_payload_pcrs_33_entries(void **state)
{
	unsigned idx[33], i;
	struct pl pl;

	for (i = 0; i < 33; i++)
		idx[i] = i % 32;        /* 33 entries can only repeat an index */
	pl_std(&pl, &tp);
	pl_set_pcrs(&pl, 33, idx, NULL, 0);
	EXPECT_PL(&pl, "payload", R_MALFORMED);
	pl_std(&pl, &tp);
	pl_set_pcrs(&pl, 33, idx, NULL, 1);
	EXPECT_PL(&pl, "payload", R_MALFORMED);
}

/* All 32 indexes 0..31 are the most a document holds. */
static void
test_payload_pcrs_32_entries_accepted(void **state)
{
	struct pl pl;

	pl_std(&pl, &tp);
	pl_set_pcrs(&pl, 32, NULL, NULL, 0);
	EXPECT_PL(&pl, NULL, R_NONE);
	pl_std(&pl, &tp);
	pl_set_pcrs(&pl, 32, NULL, NULL, 1);
	EXPECT_PL(&pl, NULL, R_NONE);
}

static void
test_payload_pcrs_index_32(void **state)
{
	static const unsigned idx[] = { 0, 1, 2, 32 };
	struct pl pl;

	pl_std(&pl, &tp);
	pl_set_pcrs(&pl, 4, idx, NULL, 0);
	EXPECT_PL(&pl, "payload", R_MALFORMED);
}

static void
test_payload_pcrs_index_not_uint(void **state)
{
	/* {-1: h'00' x 48} */
	struct pl pl;
	struct buf *b;
	uint8_t v[NITRO_PCR_BYTES];

	memset(v, 1, sizeof(v));
	pl_std(&pl, &tp);
	b = pl_slot(&pl, "pcrs");
	assert_int_equal(cbor_put_head(b, CBOR_MAP, 1), 0);
	assert_int_equal(cbor_put_int(b, -1), 0);
	assert_int_equal(cbor_put_bytes(b, v, sizeof(v)), 0);
	EXPECT_PL(&pl, "payload", R_MALFORMED);
}

static void
test_payload_pcrs_duplicate_index(void **state)
{
	static const unsigned idx[] = { 0, 1, 2, 1 };
	struct pl pl;

	pl_std(&pl, &tp);
	pl_set_pcrs(&pl, 4, idx, NULL, 0);
	EXPECT_PL(&pl, "payload", R_MALFORMED);
}

static void
test_payload_pcrs_value_47_bytes(void **state)
{
	static const size_t len[] = { 48, 47, 48 };
	struct pl pl;

	pl_std(&pl, &tp);
	pl_set_pcrs(&pl, 3, NULL, len, 0);
	EXPECT_PL(&pl, "payload", R_MALFORMED);
}

static void
test_payload_pcrs_value_0_and_65_bytes(void **state)
{
	static const size_t len0[] = { 48, 0, 48 };
	static const size_t len65[] = { 48, 65, 48 };
	struct pl pl;

	pl_std(&pl, &tp);
	pl_set_pcrs(&pl, 3, NULL, len0, 0);
	EXPECT_PL(&pl, "payload", R_MALFORMED);
	pl_std(&pl, &tp);
	pl_set_pcrs(&pl, 3, NULL, len65, 0);
	EXPECT_PL(&pl, "payload", R_MALFORMED);
}

/* SHA-256 and SHA-512 PCR banks. */
static void
test_payload_pcrs_value_32_and_64_bytes_accepted(void **state)
{
	static const size_t len32[] = { 32, 32, 32 };
	static const size_t len64[] = { 64, 64, 64, 64 };
	struct attest_out a;
	struct pl pl;
	struct buf d;

	pl_std(&pl, &tp);
	pl_set_pcrs(&pl, 3, NULL, len32, 0);
	EXPECT_PL(&pl, NULL, R_NONE);
	pl_std(&pl, &tp);
	pl_set_pcrs(&pl, 4, NULL, len64, 0);
	doc_make(&pl, NULL, &d);
	pl_free(&pl);
	expect_at(d.data, d.len, NULL, NULL, R_NONE, &a, __FILE__, __LINE__);
	assert_int_equal(a.doc.pcr_len[3], 64);
	assert_int_equal(a.doc.pcr[3][63], 0x13);
	attest_out_free(&a);
	buf_free(&d);
}

static void
test_payload_certificate_empty(void **state)
{
	struct pl pl;

	pl_std(&pl, &tp);
	pl_set_bytes(&pl, "certificate", "", 0);
	EXPECT_PL(&pl, "payload", R_MALFORMED);
}

static void
test_payload_certificate_1025_bytes(void **state)
{
	struct pl pl;

	pl_std(&pl, &tp);
	pl_set_filled(&pl, "certificate", 0x30, TEEC_MAX_CERT_BYTES + 1);
	EXPECT_PL(&pl, "payload", R_MALFORMED);
}

static void
test_payload_certificate_not_der(void **state)
{
	struct pl pl;
	uint8_t *junk;

	pl_std(&pl, &tp);
	pl_set_filled(&pl, "certificate", 0x30, 100);
	EXPECT_PL(&pl, "root", R_MALFORMED);
	/* the leaf's DER with one byte after it */
	assert_non_null(junk = malloc(tp.leaf_der_len + 1));
	memcpy(junk, tp.leaf_der, tp.leaf_der_len);
	junk[tp.leaf_der_len] = 0;
	pl_std(&pl, &tp);
	pl_set_bytes(&pl, "certificate", junk, tp.leaf_der_len + 1);
	free(junk);
	EXPECT_PL(&pl, "root", R_MALFORMED);
}

static void
test_payload_cabundle_empty_array(void **state)
{
	static const uint8_t empty[] = { 0x80 };
	static const uint8_t iempty[] = { 0x9f, 0xff };
	struct pl pl;

	pl_std(&pl, &tp);
	pl_set_raw(&pl, "cabundle", empty, sizeof(empty));
	EXPECT_PL(&pl, "payload", R_MALFORMED);
	pl_std(&pl, &tp);
	pl_set_raw(&pl, "cabundle", iempty, sizeof(iempty));
	EXPECT_PL(&pl, "payload", R_MALFORMED);
}

static void
test_payload_cabundle_entry_empty(void **state)
{
	const uint8_t *der[T_NINTER + 2];
	size_t len[T_NINTER + 2], i;
	struct pl pl;

	for (i = 0; i < tp.nbundle; i++) {
		der[i] = tp.bundle[i];
		len[i] = tp.bundle_len[i];
	}
	der[tp.nbundle] = (const uint8_t *)"";
	len[tp.nbundle] = 0;
	pl_std(&pl, &tp);
	pl_set_certs(&pl, "cabundle", der, len, tp.nbundle + 1);
	EXPECT_PL(&pl, "payload", R_MALFORMED);
}

static void
test_payload_cabundle_17_entries(void **state)
{
	const uint8_t *der[TEEC_MAX_CHAIN_CERTS + 1];
	size_t len[TEEC_MAX_CHAIN_CERTS + 1], i;
	struct pl pl;

	/* Small entries: the count is refused before any certificate is looked at. */
	for (i = 0; i < TEEC_MAX_CHAIN_CERTS + 1; i++) {
		der[i] = tp.bundle[0];
		len[i] = 8;
	}
	pl_std(&pl, &tp);
	pl_set_certs(&pl, "cabundle", der, len, TEEC_MAX_CHAIN_CERTS + 1);
	EXPECT_PL(&pl, "payload", R_MALFORMED);
}

static void
test_payload_cabundle_entry_1025_bytes(void **state)
{
	const uint8_t *der[2];
	size_t len[2];
	uint8_t *big;
	struct pl pl;

	assert_non_null(big = calloc(1, TEEC_MAX_CERT_BYTES + 1));
	der[0] = tp.bundle[0];
	len[0] = tp.bundle_len[0];
	der[1] = big;
	len[1] = TEEC_MAX_CERT_BYTES + 1;
	pl_std(&pl, &tp);
	pl_set_certs(&pl, "cabundle", der, len, 2);
	free(big);
	EXPECT_PL(&pl, "payload", R_MALFORMED);
}

/*
 * public_key, user_data, nonce: null or a byte string of 0..1024 bytes
 * (CDDL user_data = bytes .size (0..1024) / nil). The field name is the
 * test's state.
 */
static void
test_opt_null_accepted(void **state)
{
	const char *key = *state;
	struct attest_out a;
	struct pl pl;
	struct buf d;
	const struct nitro_opt *o;

	pl_std(&pl, &tp);
	pl_set_null(&pl, key);
	doc_make(&pl, NULL, &d);
	pl_free(&pl);
	expect_at(d.data, d.len, NULL, NULL, R_NONE, &a, __FILE__, __LINE__);
	o = strcmp(key, "public_key") == 0 ? &a.doc.public_key :
	    strcmp(key, "user_data") == 0 ? &a.doc.user_data : &a.doc.nonce;
	assert_false(o->present);
	attest_out_free(&a);
	buf_free(&d);
}

static void
test_opt_empty_accepted(void **state)
{
	const char *key = *state;
	struct attest_out a;
	struct pl pl;
	struct buf d;
	const struct nitro_opt *o;

	pl_std(&pl, &tp);
	pl_set_bytes(&pl, key, "", 0);
	doc_make(&pl, NULL, &d);
	pl_free(&pl);
	expect_at(d.data, d.len, NULL, NULL, R_NONE, &a, __FILE__, __LINE__);
	o = strcmp(key, "public_key") == 0 ? &a.doc.public_key :
	    strcmp(key, "user_data") == 0 ? &a.doc.user_data : &a.doc.nonce;
	assert_true(o->present);    /* null is not empty */
	assert_int_equal(o->n, 0);
	attest_out_free(&a);
	buf_free(&d);
}

static void
test_opt_1024_accepted(void **state)
{
	struct pl pl;

	pl_std(&pl, &tp);
	pl_set_filled(&pl, *state, 0x5a, TEEC_MAX_OPT_FIELD);
	EXPECT_PL(&pl, NULL, R_NONE);
}

static void
test_opt_1025_rejected(void **state)
{
	struct pl pl;

	pl_std(&pl, &tp);
	pl_set_filled(&pl, *state, 0x5a, TEEC_MAX_OPT_FIELD + 1);
	EXPECT_PL(&pl, "payload", R_MALFORMED);
}

static void
test_opt_text_rejected(void **state)
{
	struct pl pl;

	pl_std(&pl, &tp);
	pl_set_text(&pl, *state, "abcd");
	EXPECT_PL(&pl, "payload", R_MALFORMED);
}

static void
test_opt_false_rejected(void **state)
{
	static const uint8_t f[] = { 0xf4 };
	struct pl pl;

	pl_std(&pl, &tp);
	pl_set_raw(&pl, *state, f, sizeof(f));
	EXPECT_PL(&pl, "payload", R_MALFORMED);
}

static void
test_payload_duplicate_key(void **state)
{
	struct pl pl;

	/* the same value twice: only the repetition is wrong */
	pl_std(&pl, &tp);
	assert_int_equal(cbor_put_text(&pl_append(&pl, "digest")->val,
	    "SHA384"), 0);
	EXPECT_PL(&pl, "payload", R_MALFORMED);
}

static void
test_payload_duplicate_key_indefinite_map(void **state)
{
	struct pl pl;

	pl_std(&pl, &tp);
	pl.indefinite = 1;
	assert_int_equal(cbor_put_null(&pl_append(&pl, "nonce")->val), 0);
	EXPECT_PL(&pl, "payload", R_MALFORMED);
}

static void
test_payload_duplicate_unknown_key(void **state)
{
	struct pl pl;

	pl_std(&pl, &tp);
	assert_int_equal(cbor_put_uint(&pl_append(&pl, "x-extra")->val, 1), 0);
	assert_int_equal(cbor_put_uint(&pl_append(&pl, "x-extra")->val, 1), 0);
	EXPECT_PL(&pl, "payload", R_MALFORMED);
}

/* A duplicate key written with a non-minimal length head is the same key. */
static void
test_payload_duplicate_key_nonminimal_encoding(void **state)
{
	static const uint8_t key[] = { 0x78, 0x05, 'n', 'o', 'n', 'c', 'e' };
	struct pl pl;

	pl_std(&pl, &tp);
	assert_int_equal(cbor_put_null(&pl_append_rawkey(&pl, key,
	    sizeof(key))->val), 0);
	EXPECT_PL(&pl, "payload", R_MALFORMED);
}

static void
test_payload_unknown_key_accepted(void **state)
{
	/* ["a", {1: [h'00', -1, 1.5]}, 0(tag "x"), undefined, _ h'01' h'02'] */
	static const uint8_t val[] = {
		0x85, 0x61, 'a', 0xa1, 0x01, 0x83, 0x41, 0x00, 0x20,
		0xf9, 0x3e, 0x00, 0xc0, 0x61, 'x', 0xf7,
		0x5f, 0x41, 0x01, 0x41, 0x02, 0xff,
	};
	struct attest_out a;
	struct pl pl;
	struct buf d;

	pl_std(&pl, &tp);
	/* between known keys, so the parse must resume exactly after it */
	assert_int_equal(buf_append(&pl_insert(&pl, 3, "x-future")->val, val,
	    sizeof(val)), 0);
	doc_make(&pl, NULL, &d);
	pl_free(&pl);
	expect_at(d.data, d.len, NULL, NULL, R_NONE, &a, __FILE__, __LINE__);
	assert_int_equal(a.doc.unknown_keys, 1);
	assert_int_equal(a.doc.npcrs, T_NPCRS);
	attest_out_free(&a);
	buf_free(&d);
}

static void
test_payload_indefinite_map_accepted(void **state)
{
	struct attest_out a;
	struct pl pl;
	struct buf d;

	pl_std(&pl, &tp);
	pl.indefinite = 1;
	doc_make(&pl, NULL, &d);
	pl_free(&pl);
	expect_at(d.data, d.len, NULL, NULL, R_NONE, &a, __FILE__, __LINE__);
	assert_true(a.doc.payload_indefinite);
	attest_out_free(&a);
	buf_free(&d);
}

static void
test_payload_indefinite_map_missing_break(void **state)
{
	struct pl pl;

	pl_std(&pl, &tp);
	pl.indefinite = 1;
	pl.no_break = 1;
	EXPECT_PL(&pl, "payload", R_MALFORMED);
}

/* A break where the value of a key should be. */
static void
test_payload_indefinite_map_break_after_key(void **state)
{
	static const uint8_t brk[] = { 0xff };
	struct pl pl;

	pl_std(&pl, &tp);
	pl.indefinite = 1;
	pl.no_break = 1;
	pl_set_raw(&pl, "x-dangling", brk, sizeof(brk));
	EXPECT_PL(&pl, "payload", R_MALFORMED);
}

static void
test_payload_trailing_bytes(void **state)
{
	static const uint8_t zero[] = { 0x00 };
	static const uint8_t map[] = { 0xa0 };
	struct pl pl;

	pl_std(&pl, &tp);
	pl.trailing = zero;
	pl.ntrailing = 1;
	EXPECT_PL(&pl, "payload", R_MALFORMED);
	pl_std(&pl, &tp);
	pl.indefinite = 1;
	pl.trailing = map;
	pl.ntrailing = 1;
	EXPECT_PL(&pl, "payload", R_MALFORMED);
}

static void
test_payload_key_not_text(void **state)
{
	static const uint8_t one[] = { 0x01 };
	static const uint8_t bkey[] = { 0x45, 'n', 'o', 'n', 'c', 'e' };
	struct pl pl;

	pl_std(&pl, &tp);
	assert_int_equal(cbor_put_null(&pl_append_rawkey(&pl, one,
	    sizeof(one))->val), 0);
	EXPECT_PL(&pl, "payload", R_MALFORMED);
	pl_std(&pl, &tp);
	pl_del(&pl, "nonce");
	assert_int_equal(cbor_put_null(&pl_append_rawkey(&pl, bkey,
	    sizeof(bkey))->val), 0);
	EXPECT_PL(&pl, "payload", R_MALFORMED);
}

static void
test_payload_more_than_64_entries(void **state)
{
	char key[16];
	struct pl pl;
	unsigned i;

	pl_std(&pl, &tp);
	for (i = 0; pl.n <= TEEC_MAX_CBOR_ITEMS; i++) {
		snprintf(key, sizeof(key), "x%u", i);
		pl_set_uint(&pl, key, i);
	}
	EXPECT_PL(&pl, "payload", R_MALFORMED);
}

/* n nested arrays around 0 as the value of an unknown key. */
static void
pl_set_nested(struct pl *pl, const char *key, size_t n, int indefinite)
{
	struct buf *b = pl_slot(pl, key);
	size_t i;

	for (i = 0; i < n; i++)
		assert_int_equal(buf_putc(b, indefinite ? 0x9f : 0x81), 0);
	assert_int_equal(buf_putc(b, 0x00), 0);
	for (i = 0; indefinite && i < n; i++)
		assert_int_equal(buf_putc(b, 0xff), 0);
}

/* The payload map is level 1; TEEC_MAX_CBOR_DEPTH levels in all. */
static void
test_payload_nesting_at_cap_accepted(void **state)
{
	struct pl pl;

	pl_std(&pl, &tp);
	pl_set_nested(&pl, "x-deep", TEEC_MAX_CBOR_DEPTH - 1, 0);
	EXPECT_PL(&pl, NULL, R_NONE);
}

static void
test_payload_nesting_over_cap_rejected(void **state)
{
	struct pl pl;

	pl_std(&pl, &tp);
	pl_set_nested(&pl, "x-deep", TEEC_MAX_CBOR_DEPTH, 0);
	EXPECT_PL(&pl, "payload", R_MALFORMED);
}

/* 12000 levels of arrays, maps and tags: refused without recursing into them. */
static void
test_payload_nesting_bomb_in_unknown_value(void **state)
{
	struct pl pl;
	struct buf *b;
	size_t i;

	pl_std(&pl, &tp);
	pl_set_nested(&pl, "x-bomb", 12000, 0);
	EXPECT_PL(&pl, "payload", R_MALFORMED);
	pl_std(&pl, &tp);
	pl_set_nested(&pl, "x-bomb", 12000, 1);
	EXPECT_PL(&pl, "payload", R_MALFORMED);
	pl_std(&pl, &tp);
	b = pl_slot(&pl, "x-bomb");
	for (i = 0; i < 12000; i++)
		assert_int_equal(buf_append(b, "\xa1\x00", 2), 0);
	assert_int_equal(buf_putc(b, 0x00), 0);
	EXPECT_PL(&pl, "payload", R_MALFORMED);
	pl_std(&pl, &tp);
	b = pl_slot(&pl, "x-bomb");
	for (i = 0; i < 12000; i++)
		assert_int_equal(buf_putc(b, 0xc1), 0);
	assert_int_equal(buf_putc(b, 0x00), 0);
	EXPECT_PL(&pl, "payload", R_MALFORMED);
}

/* An unknown key whose array declares more entries than there are bytes. */
static void
test_payload_unknown_value_overlong_count(void **state)
{
	static const uint8_t v[] = { 0x9b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	    0xff, 0xff, 0x00 };
	static const uint8_t s[] = { 0x5b, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff,
	    0xff, 0xff, 0x00 };
	struct pl pl;

	pl_std(&pl, &tp);
	pl_set_raw(&pl, "x-big", v, sizeof(v));
	EXPECT_PL(&pl, "payload", R_MALFORMED);
	pl_std(&pl, &tp);
	pl_set_raw(&pl, "x-big", s, sizeof(s));
	EXPECT_PL(&pl, "payload", R_MALFORMED);
}

/* A payload of exactly TEEC_MAX_PAYLOAD_BYTES is accepted, one more byte is not. */
static void
test_payload_size_cap(void **state)
{
	struct pl pl;
	struct buf p;
	size_t fill = TEEC_MAX_PAYLOAD_BYTES - 4096, len;
	int round;

	for (round = 0; round < 2; round++) {
		/* grow the padding until the encoded payload hits the cap exactly */
		for (;;) {
			pl_std(&pl, &tp);
			pl_set_filled(&pl, "x-pad", 0, fill);
			buf_init(&p, DOC_CAP);
			pl_encode(&pl, &p);
			len = p.len;
			buf_free(&p);
			if (len >= TEEC_MAX_PAYLOAD_BYTES + (size_t)round)
				break;
			pl_free(&pl);
			fill += TEEC_MAX_PAYLOAD_BYTES + (size_t)round - len;
		}
		assert_int_equal(len, TEEC_MAX_PAYLOAD_BYTES + (size_t)round);
		if (round == 0)
			EXPECT_PL(&pl, NULL, R_NONE);
		else
			EXPECT_PL(&pl, "cose", R_MALFORMED);
	}
}

/* ---- chain (AWS attestation_process.md section 3.2.2) --------------------- */

/* Another root with the very same subject, and a whole chain under it. */
static void
test_chain_untrusted_root_same_subject(void **state)
{
	struct testpki_opts o;
	struct testpki other;
	struct buf d;

	opts_default(&o);
	make_pki(&o, &other);
	assert_int_equal(X509_NAME_cmp(X509_get_subject_name(other.root),
	    X509_get_subject_name(tp.root)), 0);
	pki_doc(&other, &d);
	EXPECT(&d, NULL, "root", R_UNTRUSTED_ROOT);
	buf_free(&d);
	testpki_free(&other);
}

/* The trusted root's key in a re-issued certificate: not byte-equal, so not trusted. */
static void
test_chain_root_reissued_same_key(void **state)
{
	const uint8_t *der[T_NINTER + 1];
	size_t len[T_NINTER + 1], i;
	X509 *twin;
	uint8_t *tder = NULL;
	size_t tlen = 0;
	struct pl pl;

	assert_non_null(twin = testpki_cert(tp.root_key, "test root (NOT AWS)",
	    NULL, NULL, T_NOW - 365 * 86400, T_NOW + 20 * 365 * 86400,
	    "critical,CA:TRUE", "critical,keyCertSign,cRLSign", 0));
	assert_int_equal(testpki_der(twin, &tder, &tlen), 0);
	for (i = 0; i < tp.nbundle; i++) {
		der[i] = tp.bundle[i];
		len[i] = tp.bundle_len[i];
	}
	der[0] = tder;
	len[0] = tlen;
	pl_std(&pl, &tp);
	pl_set_certs(&pl, "cabundle", der, len, tp.nbundle);
	EXPECT_PL(&pl, "root", R_UNTRUSTED_ROOT);
	free(tder);
	X509_free(twin);
}

/* cabundle is the trusted chain, but the leaf comes from another CA of the same names. */
static void
test_chain_leaf_signed_by_untrusted_ca(void **state)
{
	struct testpki_opts o;
	struct testpki other;
	struct cose_knobs k;
	struct pl pl;
	struct buf d;

	opts_default(&o);
	make_pki(&o, &other);
	pl_std(&pl, &tp);
	pl_set_bytes(&pl, "certificate", other.leaf_der, other.leaf_der_len);
	memset(&k, 0, sizeof(k));
	k.key = other.leaf_key;
	doc_make(&pl, &k, &d);
	pl_free(&pl);
	EXPECT(&d, NULL, "chain", R_CHAIN_INVALID);
	buf_free(&d);
	testpki_free(&other);
}

static void
test_chain_expired_intermediate(void **state)
{
	struct testpki_opts o;
	struct testpki p;
	struct teec_err err;
	struct buf d;

	opts_default(&o);
	o.expired_inter = 2;
	make_pki(&o, &p);
	/* its own root is trusted for this test only */
	assert_int_equal(roots_add_der(&roots, p.bundle[0], p.bundle_len[0],
	    &err), TEEC_OK);
	pki_doc(&p, &d);
	EXPECT(&d, NULL, "chain", R_CHAIN_EXPIRED);
	buf_free(&d);
	X509_free(roots.cert[roots.n - 1]);
	OPENSSL_free(roots.der[roots.n - 1]);
	roots.n--;
	testpki_free(&p);
}

/* --at a year before the root was issued. */
static void
test_chain_at_before_validity(void **state)
{
	struct vopts vo = { AT_FIXED, T_NOW - 2 * 365 * 86400, 0 };
	struct vopts ok = { AT_FIXED, T_NOW + 3600, 0 };
	struct buf d;

	std_doc(NULL, &d);
	EXPECT(&d, &vo, "chain", R_CHAIN_EXPIRED);
	EXPECT_OK(&d, &ok);
	buf_free(&d);
}

/* --at after the leaf's three hours. */
static void
test_chain_at_after_validity(void **state)
{
	struct vopts vo = { AT_FIXED, T_NOW + 4 * 3600, 0 };
	struct buf d;

	std_doc(NULL, &d);
	EXPECT(&d, &vo, "chain", R_CHAIN_EXPIRED);
	buf_free(&d);
}

/*
 * The document claims a time after its leaf expired; at --at the whole
 * chain is valid, so only the timestamp rule refuses it.
 */
static void
test_chain_document_time_outside_leaf_validity(void **state)
{
	struct vopts vo = { AT_FIXED, T_NOW, 0 };
	struct pl pl;
	struct buf d;

	pl_std(&pl, &tp);
	pl_set_uint(&pl, "timestamp", ((uint64_t)T_NOW + 5 * 3600) * 1000u);
	doc_make(&pl, NULL, &d);
	pl_free(&pl);
	EXPECT(&d, &vo, "chain", R_CHAIN_INVALID);
	/* at the document's own time, the leaf has expired */
	EXPECT(&d, NULL, "chain", R_CHAIN_EXPIRED);
	buf_free(&d);
	/* and before the leaf was issued */
	pl_std(&pl, &tp);
	pl_set_uint(&pl, "timestamp", ((uint64_t)T_NOW - 3600) * 1000u);
	doc_make(&pl, NULL, &d);
	pl_free(&pl);
	EXPECT(&d, &vo, "chain", R_CHAIN_INVALID);
	buf_free(&d);
}

/* Break one knob of the trusted PKI's shape; expect the chain check to fail. */
static void
expect_pki_knob(const struct testpki_opts *o, enum reason want)
{
	struct testpki p;
	struct teec_err err;
	struct buf d;

	make_pki(o, &p);
	assert_int_equal(roots_add_der(&roots, p.bundle[0], p.bundle_len[0],
	    &err), TEEC_OK);
	pki_doc(&p, &d);
	EXPECT(&d, NULL, "chain", want);
	buf_free(&d);
	X509_free(roots.cert[roots.n - 1]);
	OPENSSL_free(roots.der[roots.n - 1]);
	roots.n--;
	testpki_free(&p);
}

/* cA TRUE, with the Nitro leaf's keyUsage (no keyCertSign). */
static void
test_chain_leaf_is_ca(void **state)
{
	struct testpki_opts o;

	opts_default(&o);
	o.leaf_bc = "critical,CA:TRUE";
	expect_pki_knob(&o, R_CHAIN_INVALID);
}

/* No keyUsage at all: AWS requires digitalSignature on the leaf. */
static void
test_chain_leaf_without_key_usage(void **state)
{
	struct testpki_opts o;

	opts_default(&o);
	o.leaf_ku = "";
	expect_pki_knob(&o, R_CHAIN_INVALID);
}

/* A verification time no certificate can express. */
static void
test_chain_time_out_of_range(void **state)
{
	struct chain_cache cache;
	struct attest_opts o;
	struct attest_out a;
	struct vresult r;
	struct buf d;
	int64_t bad[] = { 253402300800LL, -62167219201LL, (int64_t)1 << 60 };
	size_t i;

	std_doc(NULL, &d);
	memset(&cache, 0, sizeof(cache));
	memset(&o, 0, sizeof(o));
	o.roots = &roots;
	o.cache = &cache;
	vresult_init(&r);
	assert_int_equal(attest_verify(d.data, d.len, &o, &a, &r), TEEC_OK);
	attest_out_free(&a);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		o.at_mode = AT_FIXED;
		o.at = bad[i];
		vresult_init(&r);
		assert_int_equal(attest_verify(d.data, d.len, &o, &a, &r), TEEC_FAIL);
		assert_int_equal(r.reason, R_CHAIN_EXPIRED);
		attest_out_free(&a);
		o.cache = NULL;
		vresult_init(&r);
		assert_int_equal(attest_verify(d.data, d.len, &o, &a, &r), TEEC_FAIL);
		assert_int_equal(r.reason, R_CHAIN_EXPIRED);
		attest_out_free(&a);
		o.cache = &cache;
	}
	buf_free(&d);
}

/* cA TRUE and keyCertSign: a CA by every reading. */
static void
test_chain_leaf_is_ca_with_key_cert_sign(void **state)
{
	struct testpki_opts o;

	opts_default(&o);
	o.leaf_bc = "critical,CA:TRUE";
	o.leaf_ku = "critical,digitalSignature,keyCertSign";
	expect_pki_knob(&o, R_CHAIN_INVALID);
}

/* No basicConstraints, but keyCertSign: a CA too (RFC 5280 section 4.2.1.3). */
static void
test_chain_leaf_key_cert_sign(void **state)
{
	struct testpki_opts o;

	opts_default(&o);
	o.leaf_bc = "";
	o.leaf_ku = "critical,digitalSignature,keyCertSign";
	expect_pki_knob(&o, R_CHAIN_INVALID);
}

static void
test_chain_leaf_without_digital_signature(void **state)
{
	struct testpki_opts o;

	opts_default(&o);
	o.leaf_ku = "critical,nonRepudiation,keyEncipherment";
	expect_pki_knob(&o, R_CHAIN_INVALID);
}

static void
test_chain_leaf_key_p256(void **state)
{
	struct testpki_opts o;

	opts_default(&o);
	o.leaf_key = TESTPKI_P256;
	expect_pki_knob(&o, R_CHAIN_INVALID);
}

static void
test_chain_leaf_key_rsa(void **state)
{
	struct testpki_opts o;

	opts_default(&o);
	o.ninter = 1;
	o.leaf_key = TESTPKI_RSA2048;
	expect_pki_knob(&o, R_CHAIN_INVALID);
}

static void
test_chain_intermediate_without_ca_flag(void **state)
{
	struct testpki_opts o;

	opts_default(&o);
	o.inter_bc = "critical,CA:FALSE";
	expect_pki_knob(&o, R_CHAIN_INVALID);
	/* no basicConstraints at all, keyCertSign only */
	o.inter_bc = "";
	expect_pki_knob(&o, R_CHAIN_INVALID);
}

static void
test_chain_intermediate_pathlen_violated(void **state)
{
	struct testpki_opts o;

	/* every intermediate pathlen:0, yet another CA below the first */
	opts_default(&o);
	o.inter_bc = "critical,CA:TRUE,pathlen:0";
	expect_pki_knob(&o, R_CHAIN_INVALID);
	/* the root allows one CA below it, there are three */
	opts_default(&o);
	o.root_bc = "critical,CA:TRUE,pathlen:1";
	expect_pki_knob(&o, R_CHAIN_INVALID);
}

/* pathlen:0 on the last intermediate only leaves the leaf below it: fine. */
static void
test_chain_pathlen_honoured_accepted(void **state)
{
	struct testpki_opts o;
	struct testpki p;
	struct teec_err err;
	struct buf d;

	opts_default(&o);
	o.ninter = 1;
	o.inter_bc = "critical,CA:TRUE,pathlen:0";
	make_pki(&o, &p);
	assert_int_equal(roots_add_der(&roots, p.bundle[0], p.bundle_len[0],
	    &err), TEEC_OK);
	pki_doc(&p, &d);
	EXPECT_OK(&d, NULL);
	buf_free(&d);
	X509_free(roots.cert[roots.n - 1]);
	OPENSSL_free(roots.der[roots.n - 1]);
	roots.n--;
	testpki_free(&p);
}

static void
test_chain_cabundle_wrong_order(void **state)
{
	const uint8_t *der[T_NINTER + 1];
	size_t len[T_NINTER + 1], i;
	struct pl pl;

	/* [ROOT, INTERM_3, INTERM_2, INTERM_1]: the NSM sends root first, then down */
	der[0] = tp.bundle[0];
	len[0] = tp.bundle_len[0];
	for (i = 1; i < tp.nbundle; i++) {
		der[i] = tp.bundle[tp.nbundle - i];
		len[i] = tp.bundle_len[tp.nbundle - i];
	}
	pl_std(&pl, &tp);
	pl_set_certs(&pl, "cabundle", der, len, tp.nbundle);
	EXPECT_PL(&pl, "chain", R_CHAIN_INVALID);
	/* two neighbours swapped */
	der[1] = tp.bundle[2];
	len[1] = tp.bundle_len[2];
	der[2] = tp.bundle[1];
	len[2] = tp.bundle_len[1];
	der[3] = tp.bundle[3];
	len[3] = tp.bundle_len[3];
	pl_std(&pl, &tp);
	pl_set_certs(&pl, "cabundle", der, len, tp.nbundle);
	EXPECT_PL(&pl, "chain", R_CHAIN_INVALID);
}

/* The root reversed to the end is no longer cabundle[0]. */
static void
test_chain_cabundle_root_last(void **state)
{
	const uint8_t *der[T_NINTER + 1];
	size_t len[T_NINTER + 1], i;
	struct pl pl;

	for (i = 0; i < tp.nbundle; i++) {
		der[i] = tp.bundle[tp.nbundle - 1 - i];
		len[i] = tp.bundle_len[tp.nbundle - 1 - i];
	}
	pl_std(&pl, &tp);
	pl_set_certs(&pl, "cabundle", der, len, tp.nbundle);
	EXPECT_PL(&pl, "root", R_UNTRUSTED_ROOT);
}

static void
test_chain_cabundle_extra_unrelated(void **state)
{
	const uint8_t *der[T_NINTER + 2];
	size_t len[T_NINTER + 2], i, at;
	struct testpki_opts o;
	struct testpki other;
	struct pl pl;

	opts_default(&o);
	o.ninter = 1;
	make_pki(&o, &other);
	/* an intermediate named like one of ours, at the end and in the middle */
	for (at = tp.nbundle; at >= 1; at -= 2) {
		size_t j = 0;

		for (i = 0; i < tp.nbundle + 1; i++)
			if (i == at) {
				der[i] = other.bundle[1];
				len[i] = other.bundle_len[1];
			} else {
				der[i] = tp.bundle[j];
				len[i] = tp.bundle_len[j];
				j++;
			}
		pl_std(&pl, &tp);
		pl_set_certs(&pl, "cabundle", der, len, tp.nbundle + 1);
		EXPECT_PL(&pl, "chain", R_CHAIN_INVALID);
		if (at < 2)
			break;
	}
	/* an end-entity certificate of another PKI, after the intermediates */
	for (i = 0; i < tp.nbundle; i++) {
		der[i] = tp.bundle[i];
		len[i] = tp.bundle_len[i];
	}
	der[tp.nbundle] = other.leaf_der;
	len[tp.nbundle] = other.leaf_der_len;
	pl_std(&pl, &tp);
	pl_set_certs(&pl, "cabundle", der, len, tp.nbundle + 1);
	EXPECT_PL(&pl, "chain", R_CHAIN_INVALID);
	testpki_free(&other);
}

/* A cabundle entry repeated: every entry must be used exactly once. */
static void
test_chain_cabundle_duplicate_entry(void **state)
{
	const uint8_t *der[T_NINTER + 2];
	size_t len[T_NINTER + 2], i;
	struct pl pl;

	for (i = 0; i < tp.nbundle; i++) {
		der[i] = tp.bundle[i];
		len[i] = tp.bundle_len[i];
	}
	der[tp.nbundle] = tp.bundle[tp.nbundle - 1];
	len[tp.nbundle] = tp.bundle_len[tp.nbundle - 1];
	pl_std(&pl, &tp);
	pl_set_certs(&pl, "cabundle", der, len, tp.nbundle + 1);
	EXPECT_PL(&pl, "chain", R_CHAIN_INVALID);
}

static void
test_chain_cabundle_missing_intermediate(void **state)
{
	const uint8_t *der[T_NINTER + 1];
	size_t len[T_NINTER + 1], i, j, skip;
	struct pl pl;

	for (skip = 1; skip < tp.nbundle; skip++) {
		for (i = j = 0; i < tp.nbundle; i++) {
			if (i == skip)
				continue;
			der[j] = tp.bundle[i];
			len[j] = tp.bundle_len[i];
			j++;
		}
		pl_std(&pl, &tp);
		pl_set_certs(&pl, "cabundle", der, len, j);
		EXPECT_PL(&pl, "chain", R_CHAIN_INVALID);
	}
}

/* The root alone in cabundle when the leaf hangs below intermediates. */
static void
test_chain_cabundle_root_only(void **state)
{
	struct pl pl;

	pl_std(&pl, &tp);
	pl_set_certs(&pl, "cabundle", tp.bundle, tp.bundle_len, 1);
	EXPECT_PL(&pl, "chain", R_CHAIN_INVALID);
}

/* The leaf is one of the CAs (signing with that CA's key). */
static void
test_chain_leaf_is_an_intermediate(void **state)
{
	struct cose_knobs k;
	struct pl pl;
	struct buf d;

	memset(&k, 0, sizeof(k));
	k.key = tp.inter_key[T_NINTER - 1];
	pl_std(&pl, &tp);
	pl_set_bytes(&pl, "certificate", tp.bundle[T_NINTER],
	    tp.bundle_len[T_NINTER]);
	pl_set_certs(&pl, "cabundle", tp.bundle, tp.bundle_len, T_NINTER);
	doc_make(&pl, &k, &d);
	pl_free(&pl);
	EXPECT(&d, NULL, "chain", R_CHAIN_INVALID);
	buf_free(&d);
}

/* ---- signature (section 3.2.3) -------------------------------------------- */

static void
test_signature_payload_byte_flipped(void **state)
{
	static const char id[] = "i-0123456789abcdef0-enc0123456789abcdef";
	struct buf d;
	uint8_t *p;

	std_doc(NULL, &d);
	p = memmem(d.data, d.len, id, sizeof(id) - 1);
	assert_non_null(p);
	p[5] ^= 0x01;           /* '2' -> '3': still a valid module_id */
	EXPECT(&d, NULL, "signature", R_BAD_SIGNATURE);
	buf_free(&d);
	/* a bit of a PCR value */
	std_doc(NULL, &d);
	p = memmem(d.data, d.len, std_pcrs[7], NITRO_PCR_BYTES);
	assert_non_null(p);
	p[10] ^= 0x80;
	EXPECT(&d, NULL, "signature", R_BAD_SIGNATURE);
	buf_free(&d);
}

static void
test_signature_other_p384_key(void **state)
{
	struct cose_knobs k;
	EVP_PKEY *key;

	assert_non_null(key = EVP_EC_gen("P-384"));
	memset(&k, 0, sizeof(k));
	k.key = key;
	EXPECT_COSE(&k, "signature", R_BAD_SIGNATURE);
	EVP_PKEY_free(key);
}

/* Signed by the intermediate that issued the leaf, not by the leaf. */
static void
test_signature_by_issuer_key(void **state)
{
	struct cose_knobs k;

	memset(&k, 0, sizeof(k));
	k.key = tp.inter_key[T_NINTER - 1];
	EXPECT_COSE(&k, "signature", R_BAD_SIGNATURE);
}

/* s replaced by n + s does not fit in 48 bytes; r = n is out of range. */
static void
test_signature_r_equals_order(void **state)
{
	EC_GROUP *g;
	struct buf d;

	assert_non_null(g = EC_GROUP_new_by_curve_name(NID_secp384r1));
	std_doc(NULL, &d);
	assert_int_equal(BN_bn2binpad(EC_GROUP_get0_order(g),
	    d.data + d.len - 96, 48), 48);
	EXPECT(&d, NULL, "signature", R_BAD_SIGNATURE);
	EC_GROUP_free(g);
	buf_free(&d);
}

/* ---- debug mode ----------------------------------------------------------- */

static void
test_debug_zero_pcrs_rejected(void **state)
{
	struct pl pl;

	pl_std(&pl, &tp);
	pl_zero_pcrs(&pl, 3);
	EXPECT_PL(&pl, "debug", R_DEBUG_ENCLAVE);
	/* all sixteen zero, as the emulator sends */
	pl_std(&pl, &tp);
	pl_zero_pcrs(&pl, T_NPCRS);
	EXPECT_PL(&pl, "debug", R_DEBUG_ENCLAVE);
}

static void
test_debug_zero_pcrs_allowed(void **state)
{
	struct vopts vo = { AT_DOCUMENT, 0, 1 };
	struct attest_out a;
	struct pl pl;
	struct buf d;

	pl_std(&pl, &tp);
	pl_zero_pcrs(&pl, 3);
	doc_make(&pl, NULL, &d);
	pl_free(&pl);
	expect_at(d.data, d.len, &vo, NULL, R_NONE, &a, __FILE__, __LINE__);
	assert_true(a.debug);
	attest_out_free(&a);
	buf_free(&d);
}

static void
test_debug_only_pcr0_zero_accepted(void **state)
{
	struct attest_out a;
	struct pl pl;
	struct buf d;

	pl_std(&pl, &tp);
	pl_zero_pcrs(&pl, 1);
	doc_make(&pl, NULL, &d);
	pl_free(&pl);
	expect_at(d.data, d.len, NULL, NULL, R_NONE, &a, __FILE__, __LINE__);
	assert_false(a.debug);
	attest_out_free(&a);
	buf_free(&d);
}

/* Zero PCR0-2 of a SHA-256 bank (32 bytes each) is debug mode too. */
static void
test_debug_zero_pcrs_32_byte_bank_rejected(void **state)
{
	static const size_t len[] = { 32, 32, 32 };
	struct pl pl;
	struct buf *b;
	uint8_t z[32];
	unsigned i;

	memset(z, 0, sizeof(z));
	pl_std(&pl, &tp);
	b = pl_slot(&pl, "pcrs");
	assert_int_equal(cbor_put_head(b, CBOR_MAP, 3), 0);
	for (i = 0; i < 3; i++) {
		assert_int_equal(cbor_put_uint(b, i), 0);
		assert_int_equal(cbor_put_bytes(b, z, len[i]), 0);
	}
	EXPECT_PL(&pl, "debug", R_DEBUG_ENCLAVE);
}

/* ---- input decoding (nitro_decode_input) ---------------------------------- */

static void
b64_of(const struct buf *raw, int pad, size_t wrap, const char *eol,
    struct buf *out)
{
	char *t;
	size_t n, i;

	assert_non_null(t = malloc(b64_encoded_len(raw->len) + 1));
	b64_encode(raw->data, raw->len, t);
	n = strlen(t);
	if (!pad)
		while (n > 0 && t[n - 1] == '=')
			n--;
	buf_init(out, 2 * DOC_CAP);
	for (i = 0; i < n; i++) {
		if (wrap > 0 && i > 0 && i % wrap == 0)
			assert_int_equal(buf_append(out, eol, strlen(eol)), 0);
		assert_int_equal(buf_putc(out, (uint8_t)t[i]), 0);
	}
	if (wrap > 0)
		assert_int_equal(buf_append(out, eol, strlen(eol)), 0);
	free(t);
}

static void
expect_decodes_to(const struct buf *in, const struct buf *raw)
{
	struct teec_err err = { "" };
	uint8_t *out = NULL;
	size_t n = 0;

	if (nitro_decode_input(in->data, in->len, &out, &n, &err) != TEEC_OK)
		fail_msg("nitro_decode_input: %s", err.msg);
	assert_int_equal(n, raw->len);
	assert_memory_equal(out, raw->data, n);
	expect_at(out, n, NULL, NULL, R_NONE, NULL, __FILE__, __LINE__);
	free(out);
}

static void
test_input_raw(void **state)
{
	struct buf d;

	std_doc(NULL, &d);
	expect_decodes_to(&d, &d);
	buf_free(&d);
}

static void
test_input_base64_padded(void **state)
{
	struct buf d, t;

	std_doc(NULL, &d);
	/* make the length need padding */
	if (d.len % 3 == 0) {
		buf_free(&d);
		std_doc(&(struct cose_knobs){ .tag = 18 }, &d);
	}
	assert_true(d.len % 3 != 0);
	b64_of(&d, 1, 0, "", &t);
	assert_int_equal(t.data[t.len - 1], '=');
	expect_decodes_to(&t, &d);
	buf_free(&t);
	buf_free(&d);
}

static void
test_input_base64_unpadded(void **state)
{
	struct buf d, t;

	std_doc(NULL, &d);
	if (d.len % 3 == 0) {
		buf_free(&d);
		std_doc(&(struct cose_knobs){ .tag = 18 }, &d);
	}
	b64_of(&d, 0, 0, "", &t);
	assert_true(t.data[t.len - 1] != '=');
	expect_decodes_to(&t, &d);
	buf_free(&t);
	buf_free(&d);
}

static void
test_input_base64_wrapped(void **state)
{
	struct buf d, t;

	std_doc(NULL, &d);
	b64_of(&d, 1, 76, "\n", &t);            /* PEM / base64(1) style */
	expect_decodes_to(&t, &d);
	buf_free(&t);
	b64_of(&d, 1, 64, "\r\n", &t);
	expect_decodes_to(&t, &d);
	buf_free(&t);
	buf_free(&d);
}

/* Text of base64 letters that is not base64 is refused, not taken as CBOR. */
static void
test_input_garbage_text(void **state)
{
	static const char *const bad[] = {
		"hello world",          /* 10 letters: not a whole number of quanta */
		"ab=c",                 /* padding inside */
		"abcd=",                /* a lone pad */
		"=====",
	};
	struct teec_err err = { "" };
	uint8_t *out;
	size_t n, i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		out = (uint8_t *)&n;
		if (nitro_decode_input((const uint8_t *)bad[i], strlen(bad[i]),
		    &out, &n, &err) != TEEC_FAIL)
			fail_msg("\"%s\" was accepted as base64", bad[i]);
		assert_null(out);
		free(out);
	}
}

/* Text outside the base64 alphabet is passed on as raw bytes, then refused as CBOR. */
static void
test_input_garbage_binary(void **state)
{
	static const char junk[] = "this is not a document!\n";
	struct teec_err err = { "" };
	uint8_t *out = NULL;
	size_t n = 0;

	assert_int_equal(nitro_decode_input((const uint8_t *)junk,
	    sizeof(junk) - 1, &out, &n, &err), TEEC_OK);
	assert_int_equal(n, sizeof(junk) - 1);
	expect_at(out, n, NULL, "cose", R_MALFORMED, NULL, __FILE__, __LINE__);
	free(out);
}

static void
test_input_64k_plus_1_rejected(void **state)
{
	struct teec_err err = { "" };
	struct buf d, t;
	uint8_t *out = NULL;
	size_t n = 0;

	std_doc(NULL, &d);
	while (d.len < TEEC_MAX_DOC_BYTES + 1)
		assert_int_equal(buf_putc(&d, 0), 0);
	/* raw */
	assert_int_equal(nitro_decode_input(d.data, d.len, &out, &n, &err),
	    TEEC_FAIL);
	assert_null(out);
	assert_non_null(strstr(err.msg, "larger"));
	EXPECT(&d, NULL, "cose", R_MALFORMED);
	/* as base64 */
	b64_of(&d, 1, 76, "\n", &t);
	assert_true(t.len <= TEEC_MAX_DOC_TEXT_BYTES);
	assert_int_equal(nitro_decode_input(t.data, t.len, &out, &n, &err),
	    TEEC_FAIL);
	assert_null(out);
	buf_free(&t);
	/* exactly the cap passes the size check (then fails as trailing bytes) */
	d.len = TEEC_MAX_DOC_BYTES;
	assert_int_equal(nitro_decode_input(d.data, d.len, &out, &n, &err),
	    TEEC_OK);
	assert_int_equal(n, TEEC_MAX_DOC_BYTES);
	free(out);
	buf_free(&d);
}

/* ---- the suite ------------------------------------------------------------ */

#define OPT_TEST(f, key) { #f "_" key, f, NULL, NULL, (void *)key }
#define OPT_TESTS(key) \
	OPT_TEST(test_opt_null_accepted, key), \
	OPT_TEST(test_opt_empty_accepted, key), \
	OPT_TEST(test_opt_1024_accepted, key), \
	OPT_TEST(test_opt_1025_rejected, key), \
	OPT_TEST(test_opt_text_rejected, key), \
	OPT_TEST(test_opt_false_rejected, key)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_standard_document_verifies),
		cmocka_unit_test(test_testpki_doc_verifies),
		cmocka_unit_test(test_cose_tag18_accepted),
		cmocka_unit_test(test_cose_other_tag_rejected),
		cmocka_unit_test(test_cose_array_of_3_rejected),
		cmocka_unit_test(test_cose_array_of_5_rejected),
		cmocka_unit_test(test_cose_indefinite_array_accepted),
		cmocka_unit_test(test_cose_indefinite_array_without_break_rejected),
		cmocka_unit_test(test_cose_not_an_array_rejected),
		cmocka_unit_test(test_cose_protected_alg_es256_rejected),
		cmocka_unit_test(test_cose_protected_extra_param_rejected),
		cmocka_unit_test(test_cose_protected_empty_bstr_rejected),
		cmocka_unit_test(test_cose_protected_not_bstr_rejected),
		cmocka_unit_test(test_cose_unprotected_nonempty_rejected),
		cmocka_unit_test(test_cose_unprotected_null_rejected),
		cmocka_unit_test(test_cose_unprotected_indefinite_empty_accepted),
		cmocka_unit_test(test_cose_payload_nil_rejected),
		cmocka_unit_test(test_cose_signature_95_bytes_rejected),
		cmocka_unit_test(test_cose_signature_97_bytes_rejected),
		cmocka_unit_test(test_cose_signature_64_bytes_rejected),
		cmocka_unit_test(test_cose_signature_all_zero_bad_signature),
		cmocka_unit_test(test_cose_signature_malleated_twin_accepted),
		cmocka_unit_test(test_cose_trailing_byte_rejected),
		cmocka_unit_test(test_cose_truncated_in_protected),
		cmocka_unit_test(test_cose_truncated_in_unprotected),
		cmocka_unit_test(test_cose_truncated_in_payload),
		cmocka_unit_test(test_cose_truncated_in_signature),
		cmocka_unit_test(test_cose_every_prefix_rejected),
		cmocka_unit_test(test_payload_missing_module_id),
		cmocka_unit_test(test_payload_missing_digest),
		cmocka_unit_test(test_payload_missing_timestamp),
		cmocka_unit_test(test_payload_missing_pcrs),
		cmocka_unit_test(test_payload_missing_certificate),
		cmocka_unit_test(test_payload_missing_cabundle),
		cmocka_unit_test(test_payload_optional_fields_absent_accepted),
		cmocka_unit_test(test_payload_not_a_map_rejected),
		cmocka_unit_test(test_payload_module_id_empty),
		cmocka_unit_test(test_payload_module_id_not_text),
		cmocka_unit_test(test_payload_module_id_invalid_utf8),
		cmocka_unit_test(test_payload_module_id_nul_rejected),
		cmocka_unit_test(test_payload_digest_sha256),
		cmocka_unit_test(test_payload_digest_lower_case),
		cmocka_unit_test(test_payload_timestamp_zero),
		cmocka_unit_test(test_payload_timestamp_negative),
		cmocka_unit_test(test_payload_timestamp_text),
		cmocka_unit_test(test_payload_timestamp_max_uint64),
		cmocka_unit_test(test_payload_pcrs_empty_map),
		cmocka_unit_test(test_payload_pcrs_33_entries),
		cmocka_unit_test(test_payload_pcrs_32_entries_accepted),
		cmocka_unit_test(test_payload_pcrs_index_32),
		cmocka_unit_test(test_payload_pcrs_index_not_uint),
		cmocka_unit_test(test_payload_pcrs_duplicate_index),
		cmocka_unit_test(test_payload_pcrs_value_47_bytes),
		cmocka_unit_test(test_payload_pcrs_value_0_and_65_bytes),
		cmocka_unit_test(test_payload_pcrs_value_32_and_64_bytes_accepted),
		cmocka_unit_test(test_payload_certificate_empty),
		cmocka_unit_test(test_payload_certificate_1025_bytes),
		cmocka_unit_test(test_payload_certificate_not_der),
		cmocka_unit_test(test_payload_cabundle_empty_array),
		cmocka_unit_test(test_payload_cabundle_entry_empty),
		cmocka_unit_test(test_payload_cabundle_17_entries),
		cmocka_unit_test(test_payload_cabundle_entry_1025_bytes),
		OPT_TESTS("public_key"),
		OPT_TESTS("user_data"),
		OPT_TESTS("nonce"),
		cmocka_unit_test(test_payload_duplicate_key),
		cmocka_unit_test(test_payload_duplicate_key_indefinite_map),
		cmocka_unit_test(test_payload_duplicate_unknown_key),
		cmocka_unit_test(test_payload_duplicate_key_nonminimal_encoding),
		cmocka_unit_test(test_payload_unknown_key_accepted),
		cmocka_unit_test(test_payload_indefinite_map_accepted),
		cmocka_unit_test(test_payload_indefinite_map_missing_break),
		cmocka_unit_test(test_payload_indefinite_map_break_after_key),
		cmocka_unit_test(test_payload_trailing_bytes),
		cmocka_unit_test(test_payload_key_not_text),
		cmocka_unit_test(test_payload_more_than_64_entries),
		cmocka_unit_test(test_payload_nesting_at_cap_accepted),
		cmocka_unit_test(test_payload_nesting_over_cap_rejected),
		cmocka_unit_test(test_payload_nesting_bomb_in_unknown_value),
		cmocka_unit_test(test_payload_unknown_value_overlong_count),
		cmocka_unit_test(test_payload_size_cap),
		cmocka_unit_test(test_chain_untrusted_root_same_subject),
		cmocka_unit_test(test_chain_root_reissued_same_key),
		cmocka_unit_test(test_chain_leaf_signed_by_untrusted_ca),
		cmocka_unit_test(test_chain_expired_intermediate),
		cmocka_unit_test(test_chain_at_before_validity),
		cmocka_unit_test(test_chain_at_after_validity),
		cmocka_unit_test(test_chain_document_time_outside_leaf_validity),
		cmocka_unit_test(test_chain_leaf_is_ca),
		cmocka_unit_test(test_chain_leaf_without_key_usage),
		cmocka_unit_test(test_chain_time_out_of_range),
		cmocka_unit_test(test_chain_leaf_is_ca_with_key_cert_sign),
		cmocka_unit_test(test_chain_leaf_key_cert_sign),
		cmocka_unit_test(test_chain_leaf_without_digital_signature),
		cmocka_unit_test(test_chain_leaf_key_p256),
		cmocka_unit_test(test_chain_leaf_key_rsa),
		cmocka_unit_test(test_chain_intermediate_without_ca_flag),
		cmocka_unit_test(test_chain_intermediate_pathlen_violated),
		cmocka_unit_test(test_chain_pathlen_honoured_accepted),
		cmocka_unit_test(test_chain_cabundle_wrong_order),
		cmocka_unit_test(test_chain_cabundle_root_last),
		cmocka_unit_test(test_chain_cabundle_extra_unrelated),
		cmocka_unit_test(test_chain_cabundle_duplicate_entry),
		cmocka_unit_test(test_chain_cabundle_missing_intermediate),
		cmocka_unit_test(test_chain_cabundle_root_only),
		cmocka_unit_test(test_chain_leaf_is_an_intermediate),
		cmocka_unit_test(test_signature_payload_byte_flipped),
		cmocka_unit_test(test_signature_other_p384_key),
		cmocka_unit_test(test_signature_by_issuer_key),
		cmocka_unit_test(test_signature_r_equals_order),
		cmocka_unit_test(test_debug_zero_pcrs_rejected),
		cmocka_unit_test(test_debug_zero_pcrs_allowed),
		cmocka_unit_test(test_debug_only_pcr0_zero_accepted),
		cmocka_unit_test(test_debug_zero_pcrs_32_byte_bank_rejected),
		cmocka_unit_test(test_input_raw),
		cmocka_unit_test(test_input_base64_padded),
		cmocka_unit_test(test_input_base64_unpadded),
		cmocka_unit_test(test_input_base64_wrapped),
		cmocka_unit_test(test_input_garbage_text),
		cmocka_unit_test(test_input_garbage_binary),
		cmocka_unit_test(test_input_64k_plus_1_rejected),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}

/* SPDX-License-Identifier: ISC */
/*
 * The Nitro certificate path: cabundle = [ROOT, INTERM_1 .. INTERM_N] and
 * the leaf in `certificate` (AWS attestation_process.md section 3.2.2).
 * Validated with OpenSSL at a given time, revocation off as AWS specifies,
 * and without X509_V_FLAG_X509_STRICT: the Nitro leaf has no AKI.
 */
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/params.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "common/buf.h"
#include "common/digest.h"
#include "common/encode.h"
#include "common/fileio.h"
#include "verify/chain.h"
#include "verify/es384.h"

/* 9999-12-31T23:59:59Z: the last second GeneralizedTime can state */
#define CHAIN_MAX_TIME 253402300799LL

void
roots_init(struct trust_roots *r)
{
	memset(r, 0, sizeof(*r));
}

void
roots_free(struct trust_roots *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->n; i++) {
		X509_free(r->cert[i]);
		OPENSSL_free(r->der[i]);
	}
	memset(r, 0, sizeof(*r));
}

static int
roots_add_x509(struct trust_roots *r, X509 *x, const char *what,
    const char *expect_sha256, struct teec_err *err)
{
	unsigned char *der = NULL, md[32];
	char hex[65];
	int len;

	if (r->n == TEEC_MAX_ROOTS)
		return teec_errf(err, TEEC_ERROR, "%s: more than %u trusted roots",
		    what, TEEC_MAX_ROOTS);
	if ((len = i2d_X509(x, &der)) <= 0)
		return teec_errf(err, TEEC_ERROR, "%s: cannot encode certificate", what);
	if (expect_sha256 != NULL) {
		SHA256(der, (size_t)len, md);
		hex_encode(md, sizeof(md), hex);
		if (strcmp(hex, expect_sha256) != 0) {
			OPENSSL_free(der);
			return teec_errf(err, TEEC_ERROR,
			    "%s: DER SHA-256 %s is not the pinned %s", what, hex,
			    expect_sha256);
		}
	}
	if (!X509_up_ref(x)) {
		OPENSSL_free(der);
		return teec_errf(err, TEEC_ERROR, "out of memory");
	}
	r->cert[r->n] = x;
	r->der[r->n] = der;
	r->der_len[r->n] = (size_t)len;
	r->n++;
	return TEEC_OK;
}

int
roots_add_der(struct trust_roots *r, const uint8_t *der, size_t n,
    struct teec_err *err)
{
	const unsigned char *p = der;
	X509 *x;
	int rc;

	if ((x = d2i_X509(NULL, &p, (long)n)) == NULL || p != der + n) {
		X509_free(x);
		return teec_errf(err, TEEC_ERROR, "not a DER certificate");
	}
	rc = roots_add_x509(r, x, "root", NULL, err);
	X509_free(x);
	return rc;
}

int
roots_add_pem(struct trust_roots *r, const char *path, const char *expect_sha256,
    struct teec_err *err)
{
	struct buf b;
	BIO *bio = NULL;
	X509 *x = NULL, *extra = NULL;
	int rc = TEEC_ERROR;

	if (read_file_capped(path, TEEC_MAX_PEM_BYTES, &b, err) != TEEC_OK)
		return TEEC_ERROR;
	if ((bio = BIO_new_mem_buf(b.data, (int)b.len)) == NULL) {
		teec_errf(err, TEEC_ERROR, "out of memory");
		goto out;
	}
	if ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) == NULL) {
		teec_errf(err, TEEC_ERROR, "%s: no PEM certificate", path);
		goto out;
	}
	if ((extra = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
		teec_errf(err, TEEC_ERROR, "%s: more than one certificate", path);
		goto out;
	}
	rc = roots_add_x509(r, x, path, expect_sha256, err);
out:
	ERR_clear_error();
	X509_free(x);
	X509_free(extra);
	BIO_free(bio);
	buf_free(&b);
	return rc;
}

static int
cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Read NAME.pem.sha256 if it exists: 64 hex digits, white space around. */
static int
read_pin(const char *pempath, char pin[65], int *have, struct teec_err *err)
{
	char path[TEEC_MAX_PATH_BYTES];
	struct buf b;
	size_t i, s = 0, e;
	uint8_t tmp[32];

	*have = 0;
	if ((size_t)snprintf(path, sizeof(path), "%s.sha256", pempath) >=
	    sizeof(path))
		return teec_errf(err, TEEC_ERROR, "%s: path too long", pempath);
	if (access(path, F_OK) != 0)
		return TEEC_OK;
	if (read_file_capped(path, 256, &b, err) != TEEC_OK)
		return TEEC_ERROR;
	e = b.len;
	while (s < e && strchr(" \t\r\n", b.data[s]) != NULL)
		s++;
	while (e > s && strchr(" \t\r\n", b.data[e - 1]) != NULL)
		e--;
	if (e - s != 64 || hex_decode_exact((char *)b.data + s, 64, tmp, 32) == -1) {
		buf_free(&b);
		return teec_errf(err, TEEC_ERROR, "%s: not a SHA-256 in hex", path);
	}
	for (i = 0; i < 64; i++)
		pin[i] = (char)(b.data[s + i] | 0x20);  /* hex digits: lower case */
	pin[64] = '\0';
	*have = 1;
	buf_free(&b);
	return TEEC_OK;
}

int
roots_load_store(struct trust_roots *r, const char *dir, struct teec_err *err)
{
	char rdir[TEEC_MAX_PATH_BYTES], path[TEEC_MAX_PATH_BYTES], pin[65];
	char *names[TEEC_MAX_ROOTS * 4];
	size_t nnames = 0, i, len, before = r->n;
	struct dirent *de;
	DIR *dp = NULL;
	int have, rc = TEEC_ERROR;

	if ((size_t)snprintf(rdir, sizeof(rdir), "%s/roots", dir) >= sizeof(rdir))
		return teec_errf(err, TEEC_ERROR, "%s: path too long", dir);
	if ((dp = opendir(rdir)) == NULL)
		return teec_errf(err, TEEC_ERROR, "%s: %s", rdir, strerror(errno));
	while ((de = readdir(dp)) != NULL) {
		len = strlen(de->d_name);
		if (len < 5 || strcmp(de->d_name + len - 4, ".pem") != 0 ||
		    de->d_name[0] == '.')
			continue;
		if (nnames == sizeof(names) / sizeof(names[0])) {
			teec_errf(err, TEEC_ERROR, "%s: too many files", rdir);
			goto out;
		}
		if ((names[nnames] = strdup(de->d_name)) == NULL) {
			teec_errf(err, TEEC_ERROR, "out of memory");
			goto out;
		}
		nnames++;
	}
	qsort(names, nnames, sizeof(names[0]), cmpstr);
	for (i = 0; i < nnames; i++) {
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", rdir,
		    names[i]) >= sizeof(path)) {
			teec_errf(err, TEEC_ERROR, "%s: path too long", rdir);
			goto out;
		}
		if (read_pin(path, pin, &have, err) != TEEC_OK ||
		    roots_add_pem(r, path, have ? pin : NULL, err) != TEEC_OK)
			goto out;
	}
	if (r->n == before) {
		teec_errf(err, TEEC_ERROR, "%s: no root certificate (*.pem)", rdir);
		goto out;
	}
	rc = TEEC_OK;
out:
	for (i = 0; i < nnames; i++)
		free(names[i]);
	closedir(dp);
	return rc;
}

int
asn1_time_secs(const ASN1_TIME *t, int64_t *out)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1)
		return -1;
	*out = (int64_t)timegm(&tm);
	return 0;
}

void
chain_info_free(struct chain_info *ci)
{
	if (ci == NULL)
		return;
	EVP_PKEY_free(ci->leaf_key);
	memset(ci, 0, sizeof(*ci));
}

static X509 *
der_x509(const uint8_t *der, size_t n)
{
	const unsigned char *p = der;
	X509 *x;

	if ((x = d2i_X509(NULL, &p, (long)n)) == NULL)
		return NULL;
	if (p != der + n) {             /* trailing bytes after the DER */
		X509_free(x);
		return NULL;
	}
	return x;
}

static void
describe(X509 *x, struct chain_cert *cc)
{
	BIO *bio;
	int n;

	memset(cc, 0, sizeof(*cc));
	if ((bio = BIO_new(BIO_s_mem())) != NULL) {
		X509_NAME_print_ex(bio, X509_get_subject_name(x), 0,
		    XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
		n = BIO_read(bio, cc->subject, sizeof(cc->subject) - 1);
		cc->subject[n > 0 ? n : 0] = '\0';
		BIO_free(bio);
	}
	asn1_time_secs(X509_get0_notBefore(x), &cc->not_before);
	asn1_time_secs(X509_get0_notAfter(x), &cc->not_after);
}

/*
 * Decode leaf and cabundle; xs[0] = leaf, xs[1..] = cabundle[n-1 .. 0].
 * anchor, when not NULL, is a trusted root byte-equal to cabundle[0]:
 * it stands for it instead of a second decoding of the same bytes.
 */
static int
decode_all(const struct nitro_doc *d, X509 *anchor, X509 **xs, size_t *nxs,
    size_t *bad)
{
	size_t i;

	*nxs = 0;
	if ((xs[0] = der_x509(d->cert, d->cert_len)) == NULL) {
		*bad = 0;
		return -1;
	}
	*nxs = 1;
	for (i = 0; i < d->ncabundle; i++) {
		size_t k = d->ncabundle - 1 - i;
		if (k == 0 && anchor != NULL && X509_up_ref(anchor) == 1)
			xs[1 + i] = anchor;
		else if ((xs[1 + i] = der_x509(d->cabundle[k],
		    d->cabundle_len[k])) == NULL) {
			*bad = k + 1;
			return -1;
		}
		(*nxs)++;
	}
	return 0;
}

static void
free_all(X509 **xs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		X509_free(xs[i]);
}

int
chain_describe(const struct nitro_doc *d, struct chain_info *ci)
{
	X509 *xs[TEEC_MAX_CHAIN_CERTS + 1];
	size_t n = 0, i, bad;
	int rc;

	memset(ci, 0, sizeof(*ci));
	rc = decode_all(d, NULL, xs, &n, &bad);
	for (i = 0; i < n; i++)
		describe(xs[i], &ci->certs[i]);
	ci->n = n;
	free_all(xs, n);
	ERR_clear_error();
	return rc;
}

static int
x509_err_is_time(int e)
{
	return e == X509_V_ERR_CERT_HAS_EXPIRED ||
	    e == X509_V_ERR_CERT_NOT_YET_VALID ||
	    e == X509_V_ERR_ERROR_IN_CERT_NOT_BEFORE_FIELD ||
	    e == X509_V_ERR_ERROR_IN_CERT_NOT_AFTER_FIELD;
}

static void
path_key(const struct nitro_doc *d, size_t root, uint8_t key[32])
{
	struct digest g;
	uint8_t md[32];
	uint64_t v;
	size_t i;

	if (digest_init(&g, EVP_sha256()) == -1) {
		memset(key, 0, 32);     /* never matches: slots hold real digests */
		return;
	}
	v = root;
	digest_update(&g, &v, sizeof(v));
	sha256(d->cert, d->cert_len, md);
	digest_update(&g, md, sizeof(md));
	for (i = 0; i < d->ncabundle; i++) {
		sha256(d->cabundle[i], d->cabundle_len[i], md);
		digest_update(&g, md, sizeof(md));
	}
	digest_final(&g, key);
}

static struct chain_cache_slot *
cache_find(struct chain_cache *c, const uint8_t key[32])
{
	static const uint8_t zero[32];
	size_t i;

	if (c == NULL || memcmp(key, zero, 32) == 0)
		return NULL;
	for (i = 0; i < c->n; i++)
		if (memcmp(c->slot[i].key, key, 32) == 0)
			return &c->slot[i];
	return NULL;
}

/*
 * Keep a validated path whose leaf passed its checks. Validity is kept
 * in seconds: X509_verify_cert() accepted every certificate's times, so
 * each is in the strict RFC 5280 form X509_cmp_time() requires, which
 * converts to whole seconds exactly.
 */
static void
cache_add(struct chain_cache *c, const uint8_t key[32], X509 **xs,
    size_t nxs, const struct chain_info *ci)
{
	struct chain_cache_slot *s;
	uint8_t point[CHAIN_CACHE_POINT_MAX];
	size_t i, plen = 0;
	int64_t nb, na;

	if (c == NULL || cache_find(c, key) != NULL)
		return;
	for (i = 0; i < nxs; i++)
		if (asn1_time_secs(X509_get0_notBefore(xs[i]), &nb) == -1 ||
		    asn1_time_secs(X509_get0_notAfter(xs[i]), &na) == -1 ||
		    nb != ci->certs[i].not_before || na != ci->certs[i].not_after)
			return;
	if (EVP_PKEY_get_octet_string_param(ci->leaf_key,
	    OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, point, sizeof(point),
	    &plen) != 1 || plen == 0 || plen > sizeof(point))
		return;
	s = &c->slot[c->next];
	memcpy(s->key, key, 32);
	s->n = nxs;
	memcpy(s->certs, ci->certs, nxs * sizeof(ci->certs[0]));
	memcpy(s->leaf_point, point, plen);
	s->leaf_point_len = plen;
	c->next = (c->next + 1) % CHAIN_CACHE_SLOTS;
	if (c->n < CHAIN_CACHE_SLOTS)
		c->n++;
}

/*
 * A path validated before: only time has to be checked again, with the
 * semantics X509_verify_cert() uses (X509_cmp_time(): valid from
 * notBefore inclusive until notAfter exclusive).
 */
static int
cached_times_ok(const struct chain_info *ci, int64_t at, int *e, int *depth)
{
	size_t i;

	for (i = 0; i < ci->n; i++) {
		if (ci->certs[i].not_before > at) {
			*e = X509_V_ERR_CERT_NOT_YET_VALID;
			*depth = (int)i;
			return 0;
		}
		if (ci->certs[i].not_after <= at) {
			*e = X509_V_ERR_CERT_HAS_EXPIRED;
			*depth = (int)i;
			return 0;
		}
	}
	return 1;
}

/* The cached leaf's P-384 public key, from its SEC1 point. */
static EVP_PKEY *
point_key(const uint8_t *point, size_t n)
{
	EVP_PKEY_CTX *pc;
	EVP_PKEY *k = NULL;
	OSSL_PARAM p[3];
	char group[] = SN_secp384r1;

	p[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
	    group, 0);
	p[1] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY,
	    (void *)(uintptr_t)point, n);
	p[2] = OSSL_PARAM_construct_end();
	if ((pc = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL)) == NULL ||
	    EVP_PKEY_fromdata_init(pc) != 1 ||
	    EVP_PKEY_fromdata(pc, &k, EVP_PKEY_PUBLIC_KEY, p) != 1) {
		EVP_PKEY_free(k);
		k = NULL;
	}
	EVP_PKEY_CTX_free(pc);
	return k;
}

int
chain_verify(const struct nitro_doc *d, const struct trust_roots *roots,
    int64_t at, struct chain_info *ci, struct vresult *r,
    struct chain_cache *cache)
{
	uint8_t key[32];
	struct chain_cache_slot *slot;
	X509 *xs[TEEC_MAX_CHAIN_CERTS + 1];
	X509_STORE *store = NULL;
	X509_STORE_CTX *ctx = NULL;
	STACK_OF(X509) *untrusted = NULL, *built;
	X509_VERIFY_PARAM *param;
	size_t nxs = 0, i, bad = 0, root = roots->n;
	int64_t ts, nb, na;
	int e, depth, rc = TEEC_FAIL;

	memset(ci, 0, sizeof(*ci));
	/* The anchor: cabundle[0] byte-equal to a pinned root (AWS 3.2.2). */
	for (i = 0; i < roots->n; i++)
		if (roots->der_len[i] == d->cabundle_len[0] &&
		    CRYPTO_memcmp(roots->der[i], d->cabundle[0],
		    d->cabundle_len[0]) == 0) {
			root = i;
			break;
		}
	/* A path seen before: no certificate is decoded again. */
	if (cache != NULL && root < roots->n && at >= 0 && at <= CHAIN_MAX_TIME) {
		path_key(d, root, key);
		if ((slot = cache_find(cache, key)) != NULL) {
			cache->hits++;
			ci->n = slot->n;
			memcpy(ci->certs, slot->certs, slot->n * sizeof(ci->certs[0]));
			vresult_ok(r, "root", "cabundle[0] is the trusted root %s",
			    ci->certs[ci->n - 1].subject);
			if (!cached_times_ok(ci, at, &e, &depth)) {
				vresult_fail(r, "chain", R_CHAIN_EXPIRED,
				    "%s (certificate %d of the path, 0 = leaf)",
				    X509_verify_cert_error_string(e), depth);
				goto out;
			}
			if ((ci->leaf_key = point_key(slot->leaf_point,
			    slot->leaf_point_len)) == NULL)
				goto oom;
			goto doc_time;
		}
	}
	if (decode_all(d, root < roots->n ? roots->cert[root] : NULL, xs, &nxs,
	    &bad) == -1) {
		vresult_fail(r, "root", R_MALFORMED, "%s is not a DER X.509 certificate",
		    bad == 0 ? "certificate" : "a cabundle entry");
		vresult_skip(r, "chain");
		goto out;
	}
	for (i = 0; i < nxs; i++)
		describe(xs[i], &ci->certs[i]);
	ci->n = nxs;
	if (root == roots->n) {
		vresult_fail(r, "root", R_UNTRUSTED_ROOT,
		    "cabundle[0] (%s) is not a trusted root",
		    ci->certs[nxs - 1].subject);
		vresult_skip(r, "chain");
		goto out;
	}
	vresult_ok(r, "root", "cabundle[0] is the trusted root %s",
	    ci->certs[nxs - 1].subject);
	if (at < 0 || at > CHAIN_MAX_TIME) {
		vresult_fail(r, "chain", R_CHAIN_EXPIRED,
		    "the verification time is outside what certificates can express");
		goto out;
	}

	if ((store = X509_STORE_new()) == NULL ||
	    X509_STORE_add_cert(store, roots->cert[root]) != 1 ||
	    (untrusted = sk_X509_new_null()) == NULL ||
	    (ctx = X509_STORE_CTX_new()) == NULL)
		goto oom;
	for (i = 1; i + 1 < nxs; i++)
		if (!sk_X509_push(untrusted, xs[i]))
			goto oom;
	if (X509_STORE_CTX_init(ctx, store, xs[0], untrusted) != 1)
		goto oom;
	param = X509_STORE_CTX_get0_param(ctx);
	X509_VERIFY_PARAM_set_time(param, (time_t)at);
	X509_VERIFY_PARAM_set_depth(param, TEEC_MAX_CHAIN_CERTS + 1);
	/* No X509_V_FLAG_PARTIAL_CHAIN: the path must end at the root. */
	X509_VERIFY_PARAM_clear_flags(param, X509_V_FLAG_PARTIAL_CHAIN |
	    X509_V_FLAG_X509_STRICT);
	if (X509_verify_cert(ctx) != 1) {
		e = X509_STORE_CTX_get_error(ctx);
		depth = X509_STORE_CTX_get_error_depth(ctx);
		vresult_fail(r, "chain", x509_err_is_time(e) ? R_CHAIN_EXPIRED :
		    R_CHAIN_INVALID, "%s (certificate %d of the path, 0 = leaf)",
		    X509_verify_cert_error_string(e), depth);
		goto out;
	}
	/* Every cabundle entry is used, in order: leaf, INTERM_N .. INTERM_1, ROOT. */
	built = X509_STORE_CTX_get0_chain(ctx);
	if ((size_t)sk_X509_num(built) != nxs) {
		vresult_fail(r, "chain", R_CHAIN_INVALID,
		    "the path has %d certificates; cabundle and leaf have %zu",
		    sk_X509_num(built), nxs);
		goto out;
	}
	for (i = 0; i < nxs; i++)
		if (X509_cmp(sk_X509_value(built, (int)i), xs[i]) != 0) {
			vresult_fail(r, "chain", R_CHAIN_INVALID,
			    "cabundle is not in path order at certificate %zu", i);
			goto out;
		}
	/*
	 * The leaf signs documents: an end entity (no cA, whatever its
	 * keyUsage) with a keyUsage that has digitalSignature (AWS 3.2.2),
	 * and a P-384 key.
	 */
	if (X509_check_ca(xs[0]) != 0 ||
	    (X509_get_extension_flags(xs[0]) & EXFLAG_CA) ||
	    !(X509_get_extension_flags(xs[0]) & EXFLAG_KUSAGE) ||
	    !(X509_get_key_usage(xs[0]) & KU_DIGITAL_SIGNATURE)) {
		vresult_fail(r, "chain", R_CHAIN_INVALID,
		    "the leaf is not an end-entity signing certificate");
		goto out;
	}
	if ((ci->leaf_key = X509_get_pubkey(xs[0])) == NULL ||
	    !es384_key_ok(ci->leaf_key)) {
		vresult_fail(r, "chain", R_CHAIN_INVALID,
		    "the leaf key is not ECDSA P-384");
		goto out;
	}
	if (cache != NULL)
		cache_add(cache, key, xs, nxs, ci);
doc_time:
	/* The document was made while its leaf was valid (NSM reuses a 3 h leaf). */
	ts = (int64_t)(d->timestamp_ms / 1000);
	nb = ci->certs[0].not_before;
	na = ci->certs[0].not_after;
	if (ts < nb || ts > na) {
		vresult_fail(r, "chain", R_CHAIN_INVALID,
		    "the document time lies outside its leaf certificate's validity");
		goto out;
	}
	vresult_ok(r, "chain", "%zu certificates, valid at the verification time",
	    ci->n);
	rc = TEEC_OK;
	goto out;
oom:
	vresult_fail(r, "chain", R_CHAIN_INVALID, "out of memory");
out:
	if (rc != TEEC_OK) {
		EVP_PKEY_free(ci->leaf_key);
		ci->leaf_key = NULL;
	}
	X509_STORE_CTX_free(ctx);
	sk_X509_free(untrusted);
	X509_STORE_free(store);
	free_all(xs, nxs);
	ERR_clear_error();
	return rc;
}

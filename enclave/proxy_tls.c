/* SPDX-License-Identifier: ISC */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "common/caps.h"
#include "common/policy.h"
#include "enclave/proxy_tls.h"

/* Leaf certificates kept for the build: one per host reached. */
#define LEAF_CACHE (TEEC_MAX_NET_ALLOW + 1)

struct leaf {
	char host[TEEC_MAX_HOSTNAME + 1];
	X509 *cert;
};

struct proxy_tls {
	EVP_PKEY *ca_key;
	X509 *ca;
	EVP_PKEY *leaf_key;
	time_t not_after;
	SSL_CTX *build_ctx;     /* server side, towards the build */
	SSL_CTX *origin_ctx;    /* client side, towards the origins */
	pthread_mutex_t lock;   /* leaves */
	int lock_ok;
	struct leaf leaves[LEAF_CACHE];
	size_t nleaves;
};

static void
ossl_why(char *why, size_t whysz, const char *what)
{
	unsigned long e = ERR_get_error();
	char buf[256];

	if (e != 0) {
		ERR_error_string_n(e, buf, sizeof(buf));
		snprintf(why, whysz, "%s: %s", what, buf);
	} else
		snprintf(why, whysz, "%s", what);
	ERR_clear_error();
}

/* A random positive 128-bit serial number (RFC 5280 section 4.1.2.2). */
static int
set_serial(X509 *x)
{
	uint8_t r[16];
	BIGNUM *bn = NULL;
	int ok = 0;

	if (RAND_bytes(r, sizeof(r)) != 1)
		return 0;
	r[0] &= 0x7f;
	r[0] |= 0x40;
	if ((bn = BN_bin2bn(r, sizeof(r), NULL)) != NULL &&
	    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) != NULL)
		ok = 1;
	BN_free(bn);
	return ok;
}

static int
add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *ext;
	int ok;

	X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
	if ((ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value)) == NULL)
		return 0;
	ok = X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	return ok;
}

static int
set_validity(X509 *x, time_t not_after)
{
	time_t now = time(NULL);

	return X509_time_adj_ex(X509_getm_notBefore(x), 0, -3600, &now) !=
	    NULL && X509_time_adj_ex(X509_getm_notAfter(x), 0, 0,
	    &not_after) != NULL;
}

static X509 *
make_ca(EVP_PKEY *key, time_t not_after)
{
	X509 *x;
	X509_NAME *name;

	if ((x = X509_new()) == NULL)
		return NULL;
	name = X509_get_subject_name(x);
	if (X509_set_version(x, 2) != 1 || !set_serial(x) ||
	    !set_validity(x, not_after) ||
	    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
	    (const unsigned char *)"teec", -1, -1, 0) != 1 ||
	    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	    (const unsigned char *)"teec per-build proxy CA", -1, -1, 0) != 1 ||
	    X509_set_issuer_name(x, name) != 1 ||
	    X509_set_pubkey(x, key) != 1 ||
	    !add_ext(x, x, NID_basic_constraints, "critical,CA:TRUE,pathlen:0") ||
	    !add_ext(x, x, NID_key_usage, "critical,keyCertSign,cRLSign") ||
	    !add_ext(x, x, NID_subject_key_identifier, "hash") ||
	    X509_sign(x, key, EVP_sha256()) == 0) {
		X509_free(x);
		return NULL;
	}
	return x;
}

static X509 *
make_leaf(struct proxy_tls *t, const char *host)
{
	X509 *x;
	X509_NAME *name;
	char san[TEEC_MAX_HOSTNAME + 8];

	if ((x = X509_new()) == NULL)
		return NULL;
	snprintf(san, sizeof(san), "%s:%s", policy_host_is_ipv4(host) ? "IP" :
	    "DNS", host);
	name = X509_get_subject_name(x);
	/* The common name holds at most 64 characters (RFC 5280 ub-common-name). */
	if (X509_set_version(x, 2) != 1 || !set_serial(x) ||
	    !set_validity(x, t->not_after) ||
	    (strlen(host) <= 64 && X509_NAME_add_entry_by_txt(name, "CN",
	    MBSTRING_ASC, (const unsigned char *)host, -1, -1, 0) != 1) ||
	    X509_set_issuer_name(x, X509_get_subject_name(t->ca)) != 1 ||
	    X509_set_pubkey(x, t->leaf_key) != 1 ||
	    !add_ext(x, t->ca, NID_basic_constraints, "critical,CA:FALSE") ||
	    !add_ext(x, t->ca, NID_key_usage, "critical,digitalSignature") ||
	    !add_ext(x, t->ca, NID_ext_key_usage, "serverAuth") ||
	    !add_ext(x, t->ca, NID_subject_alt_name, san) ||
	    !add_ext(x, t->ca, NID_subject_key_identifier, "hash") ||
	    !add_ext(x, t->ca, NID_authority_key_identifier, "keyid:always") ||
	    X509_sign(x, t->ca_key, EVP_sha256()) == 0) {
		X509_free(x);
		return NULL;
	}
	return x;
}

/* Every certificate of a PEM bundle into store; how many in *n. */
static int
load_bundle(X509_STORE *store, const uint8_t *p, size_t len, size_t *n,
    struct teec_err *err)
{
	STACK_OF(X509_INFO) *infos = NULL;
	X509_INFO *info;
	BIO *bio = NULL;
	int i, rc = TEEC_FAIL;

	*n = 0;
	if (len > TEEC_MAX_UPSTREAM_CA_BYTES) {
		teec_errf(err, TEEC_FAIL, "upstream CA bundle: larger than %u "
		    "bytes", TEEC_MAX_UPSTREAM_CA_BYTES);
		goto out;
	}
	if ((bio = BIO_new_mem_buf(p, (int)len)) == NULL) {
		rc = teec_errf(err, TEEC_ERROR, "out of memory");
		goto out;
	}
	if ((infos = PEM_X509_INFO_read_bio(bio, NULL, NULL, NULL)) == NULL) {
		teec_errf(err, TEEC_FAIL, "upstream CA bundle: not a PEM "
		    "certificate bundle");
		goto out;
	}
	for (i = 0; i < sk_X509_INFO_num(infos); i++) {
		info = sk_X509_INFO_value(infos, i);
		if (info->x509 == NULL)
			continue;
		if (X509_STORE_add_cert(store, info->x509) != 1) {
			ERR_clear_error();
			continue;	/* the same certificate twice */
		}
		(*n)++;
	}
	if (*n == 0) {
		teec_errf(err, TEEC_FAIL, "upstream CA bundle: no certificate");
		goto out;
	}
	rc = TEEC_OK;
out:
	ERR_clear_error();
	sk_X509_INFO_pop_free(infos, X509_INFO_free);
	BIO_free(bio);
	return rc;
}

int
proxy_tls_new(const uint8_t *upstream_ca, size_t upstream_ca_len,
    const char *system_ca, unsigned int valid_s, struct proxy_tls **out,
    struct teec_err *err)
{
	struct proxy_tls *t;
	size_t n;
	int rc = TEEC_ERROR;

	*out = NULL;
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return teec_errf(err, TEEC_ERROR, "out of memory");
	if (pthread_mutex_init(&t->lock, NULL) != 0) {
		teec_errf(err, TEEC_ERROR, "cannot create a lock");
		goto out;
	}
	t->lock_ok = 1;
	t->not_after = time(NULL) + (time_t)(valid_s != 0 ? valid_s : 86400);
	if ((t->ca_key = EVP_EC_gen("P-256")) == NULL ||
	    (t->leaf_key = EVP_EC_gen("P-256")) == NULL ||
	    (t->ca = make_ca(t->ca_key, t->not_after)) == NULL) {
		teec_errf(err, TEEC_ERROR, "cannot make the per-build CA");
		goto out;
	}
	if ((t->build_ctx = SSL_CTX_new(TLS_server_method())) == NULL ||
	    SSL_CTX_set_min_proto_version(t->build_ctx, TLS1_2_VERSION) != 1 ||
	    (t->origin_ctx = SSL_CTX_new(TLS_client_method())) == NULL ||
	    SSL_CTX_set_min_proto_version(t->origin_ctx, TLS1_2_VERSION) != 1) {
		teec_errf(err, TEEC_ERROR, "cannot set up TLS");
		goto out;
	}
	SSL_CTX_set_verify(t->origin_ctx, SSL_VERIFY_PEER, NULL);
	if (upstream_ca != NULL) {
		if ((rc = load_bundle(SSL_CTX_get_cert_store(t->origin_ctx),
		    upstream_ca, upstream_ca_len, &n, err)) != TEEC_OK)
			goto out;
	} else if (SSL_CTX_load_verify_locations(t->origin_ctx,
	    system_ca != NULL ? system_ca : PROXY_SYSTEM_CA, NULL) != 1)
		ERR_clear_error();	/* an empty store: nothing verifies */
	*out = t;
	t = NULL;
	rc = TEEC_OK;
out:
	ERR_clear_error();
	proxy_tls_free(t);
	return rc;
}

int
proxy_tls_ca_pem(const struct proxy_tls *t, struct buf *out,
    struct teec_err *err)
{
	BIO *bio;
	char *p;
	long n;
	int rc = TEEC_ERROR;

	if ((bio = BIO_new(BIO_s_mem())) == NULL ||
	    PEM_write_bio_X509(bio, t->ca) != 1 ||
	    (n = BIO_get_mem_data(bio, &p)) <= 0 ||
	    buf_append(out, p, (size_t)n) == -1)
		teec_errf(err, TEEC_ERROR, "cannot write the per-build CA");
	else
		rc = TEEC_OK;
	BIO_free(bio);
	return rc;
}

SSL *
proxy_tls_for_build(struct proxy_tls *t, const char *host, char *why,
    size_t whysz)
{
	X509 *leaf = NULL;
	SSL *ssl = NULL;
	size_t i;

	pthread_mutex_lock(&t->lock);
	for (i = 0; i < t->nleaves; i++)
		if (strcmp(t->leaves[i].host, host) == 0) {
			leaf = t->leaves[i].cert;
			break;
		}
	if (leaf == NULL && t->nleaves < LEAF_CACHE &&
	    (leaf = make_leaf(t, host)) != NULL) {
		snprintf(t->leaves[t->nleaves].host, sizeof(t->leaves[0].host),
		    "%s", host);
		t->leaves[t->nleaves++].cert = leaf;
	}
	if (leaf == NULL) {
		pthread_mutex_unlock(&t->lock);
		ossl_why(why, whysz, "cannot make a certificate for the build");
		return NULL;
	}
	if ((ssl = SSL_new(t->build_ctx)) == NULL ||
	    SSL_use_certificate(ssl, leaf) != 1 ||
	    SSL_use_PrivateKey(ssl, t->leaf_key) != 1 ||
	    SSL_add1_chain_cert(ssl, t->ca) != 1) {
		pthread_mutex_unlock(&t->lock);
		SSL_free(ssl);
		ossl_why(why, whysz, "cannot set up TLS towards the build");
		return NULL;
	}
	pthread_mutex_unlock(&t->lock);
	return ssl;
}

SSL *
proxy_tls_for_origin(struct proxy_tls *t, const char *host, char *why,
    size_t whysz)
{
	X509_VERIFY_PARAM *vp;
	SSL *ssl;
	int ip = policy_host_is_ipv4(host);

	if ((ssl = SSL_new(t->origin_ctx)) == NULL) {
		ossl_why(why, whysz, "cannot set up TLS towards the origin");
		return NULL;
	}
	vp = SSL_get0_param(ssl);
	X509_VERIFY_PARAM_set_hostflags(vp, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
	if ((ip && X509_VERIFY_PARAM_set1_ip_asc(vp, host) != 1) ||
	    (!ip && (X509_VERIFY_PARAM_set1_host(vp, host, 0) != 1 ||
	    SSL_set_tlsext_host_name(ssl, host) != 1))) {
		SSL_free(ssl);
		ossl_why(why, whysz, "cannot set up TLS towards the origin");
		return NULL;
	}
	return ssl;
}

void
proxy_tls_origin_error(SSL *ssl, char *why, size_t whysz)
{
	long v = SSL_get_verify_result(ssl);

	if (v != X509_V_OK) {
		ERR_clear_error();
		snprintf(why, whysz, "the origin's certificate does not verify: "
		    "%s", X509_verify_cert_error_string(v));
		return;
	}
	ossl_why(why, whysz, "TLS handshake with the origin failed");
}

void
proxy_tls_free(struct proxy_tls *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nleaves; i++)
		X509_free(t->leaves[i].cert);
	SSL_CTX_free(t->build_ctx);
	SSL_CTX_free(t->origin_ctx);
	X509_free(t->ca);
	/* EC private keys are cleansed when freed (BN_clear_free). */
	EVP_PKEY_free(t->ca_key);
	EVP_PKEY_free(t->leaf_key);
	if (t->lock_ok)
		pthread_mutex_destroy(&t->lock);
	free(t);
}

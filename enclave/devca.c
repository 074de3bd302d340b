/* SPDX-License-Identifier: ISC */
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include "common/buf.h"
#include "common/caps.h"
#include "common/fileio.h"
#include "enclave/devca.h"

#define ROOT_PEM  "root.pem"
#define ROOT_KEY  "root.key"

struct devca {
	char *dir;
	EVP_PKEY *key;
	X509 *root;
	uint8_t *der;
	size_t derlen;
};

/* One X.509v3 extension in openssl x509v3_config(5) syntax. */
struct ext_conf {
	int nid;
	const char *value;
};

int
devca_default_dir(char *out, size_t size, struct teec_err *err)
{
	const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
	int n;

	/* XDG Base Directory: a relative XDG_DATA_HOME is ignored. */
	if (xdg != NULL && xdg[0] == '/')
		n = snprintf(out, size, "%s/teec/dev-ca", xdg);
	else if (home != NULL && home[0] == '/')
		n = snprintf(out, size, "%s/.local/share/teec/dev-ca", home);
	else
		return teec_errf(err, TEEC_ERROR,
		    "no development CA directory: set XDG_DATA_HOME or HOME");
	if (n < 0 || (size_t)n >= size)
		return teec_errf(err, TEEC_ERROR,
		    "development CA directory name too long");
	return TEEC_OK;
}

/* mkdir -p with mode 0700 for every directory created here. */
static int
make_dirs(const char *dir, struct teec_err *err)
{
	char path[PATH_MAX];
	struct stat st;
	size_t i, n = strlen(dir);

	if (n == 0 || n >= sizeof(path))
		return teec_errf(err, TEEC_ERROR, "bad directory name");
	memcpy(path, dir, n + 1);
	for (i = 1; i <= n; i++) {
		if (path[i] != '/' && path[i] != '\0')
			continue;
		path[i] = '\0';
		if (mkdir(path, 0700) == -1 && errno != EEXIST &&
		    (stat(path, &st) == -1 || !S_ISDIR(st.st_mode)))
			return teec_errf(err, TEEC_ERROR, "%s: %s", path,
			    strerror(errno));
		path[i] = dir[i];
	}
	return TEEC_OK;
}

static int
check_dir(int dfd, const char *dir, struct teec_err *err)
{
	struct stat st;

	if (fstat(dfd, &st) == -1)
		return teec_errf(err, TEEC_ERROR, "%s: %s", dir,
		    strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return teec_errf(err, TEEC_ERROR, "%s: not a directory", dir);
	if (st.st_uid != geteuid())
		return teec_errf(err, TEEC_ERROR,
		    "%s: not owned by the current user; refusing to use it "
		    "as the development CA", dir);
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		return teec_errf(err, TEEC_ERROR,
		    "%s: writable by group or others; refusing to use it as "
		    "the development CA (chmod 700)", dir);
	return TEEC_OK;
}

/*
 * Read dir/name (no symlinks, regular file, ours) into b. *missing is set
 * when it does not exist. A key must not be readable by anyone else.
 */
static int
read_at(int dfd, const char *dir, const char *name, int is_key,
    struct buf *b, int *missing, struct teec_err *err)
{
	struct stat st;
	uint8_t chunk[4096];
	ssize_t r;
	int fd, rc = TEEC_ERROR;

	*missing = 0;
	buf_init(b, TEEC_MAX_PEM_BYTES);
	fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	if (fd == -1) {
		if (errno == ENOENT) {
			*missing = 1;
			return TEEC_OK;
		}
		return teec_errf(err, TEEC_ERROR, "%s/%s: %s", dir, name,
		    strerror(errno));
	}
	if (fstat(fd, &st) == -1) {
		teec_errf(err, TEEC_ERROR, "%s/%s: %s", dir, name,
		    strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		teec_errf(err, TEEC_ERROR, "%s/%s: not a regular file", dir,
		    name);
		goto out;
	}
	if (st.st_uid != geteuid() || (st.st_mode & (S_IWGRP | S_IWOTH))) {
		teec_errf(err, TEEC_ERROR, "%s/%s: not owned by the current "
		    "user or writable by others", dir, name);
		goto out;
	}
	if (is_key && (st.st_mode & (S_IRWXG | S_IRWXO))) {
		teec_errf(err, TEEC_ERROR, "%s/%s: private key accessible by "
		    "group or others (chmod 600)", dir, name);
		goto out;
	}
	for (;;) {
		r = read(fd, chunk, sizeof(chunk));
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			teec_errf(err, TEEC_ERROR, "%s/%s: %s", dir, name,
			    strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		if (buf_append(b, chunk, (size_t)r) == -1) {
			teec_errf(err, TEEC_ERROR, "%s/%s: larger than %u bytes",
			    dir, name, TEEC_MAX_PEM_BYTES);
			goto out;
		}
	}
	rc = TEEC_OK;
out:
	OPENSSL_cleanse(chunk, sizeof(chunk));
	close(fd);
	if (rc != TEEC_OK)
		buf_wipe_free(b);
	return rc;
}

static int
is_p384(EVP_PKEY *key)
{
	char group[64];
	size_t glen = 0;

	if (key == NULL || !EVP_PKEY_is_a(key, "EC"))
		return 0;
	if (EVP_PKEY_get_group_name(key, group, sizeof(group), &glen) != 1)
		return 0;
	return strcmp(group, "secp384r1") == 0;
}

static int
random_serial(X509 *x)
{
	uint8_t rnd[16];
	BIGNUM *bn = NULL;
	int ok = 0;

	if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		goto out;
	/* RFC 5280 4.1.2.2: positive, at most 20 octets; keep 16 octets. */
	rnd[0] = (rnd[0] & 0x7f) | 0x40;
	if ((bn = BN_bin2bn(rnd, sizeof(rnd), NULL)) == NULL)
		goto out;
	if (BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) == NULL)
		goto out;
	ok = 1;
out:
	BN_free(bn);
	return ok;
}

/*
 * Build and sign one certificate. issuer NULL makes it self-signed (the
 * subject name is also the issuer name, signed with key).
 */
static X509 *
make_cert(EVP_PKEY *key, const char *cn, X509 *issuer, EVP_PKEY *issuer_key,
    int64_t not_before, int64_t not_after, const struct ext_conf *exts,
    size_t nexts)
{
	X509 *x = NULL;
	X509_NAME *name = NULL;
	X509_EXTENSION *ex = NULL;
	X509V3_CTX ctx;
	size_t i;
	int ok = 0;

	if ((x = X509_new()) == NULL || !X509_set_version(x, X509_VERSION_3))
		goto out;
	if (!random_serial(x))
		goto out;
	if ((name = X509_NAME_new()) == NULL ||
	    !X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
	    (const unsigned char *)cn, -1, -1, 0) ||
	    !X509_set_subject_name(x, name))
		goto out;
	if (!X509_set_issuer_name(x, issuer != NULL ?
	    X509_get_subject_name(issuer) : name))
		goto out;
	if (ASN1_TIME_set(X509_getm_notBefore(x), (time_t)not_before) == NULL ||
	    ASN1_TIME_set(X509_getm_notAfter(x), (time_t)not_after) == NULL)
		goto out;
	if (!X509_set_pubkey(x, key))
		goto out;
	X509V3_set_ctx(&ctx, issuer != NULL ? issuer : x, x, NULL, NULL, 0);
	for (i = 0; i < nexts; i++) {
		ex = X509V3_EXT_conf_nid(NULL, &ctx, exts[i].nid,
		    exts[i].value);
		if (ex == NULL || !X509_add_ext(x, ex, -1))
			goto out;
		X509_EXTENSION_free(ex);
		ex = NULL;
	}
	if (X509_sign(x, issuer_key != NULL ? issuer_key : key,
	    EVP_sha384()) <= 0)
		goto out;
	ok = 1;
out:
	X509_EXTENSION_free(ex);
	X509_NAME_free(name);
	if (!ok) {
		X509_free(x);
		x = NULL;
	}
	return x;
}

static int
new_root(EVP_PKEY **keyp, X509 **certp, struct teec_err *err)
{
	static const struct ext_conf exts[] = {
		{ NID_basic_constraints, "critical,CA:TRUE" },
		{ NID_key_usage, "critical,keyCertSign,cRLSign" },
		{ NID_subject_key_identifier, "hash" },
	};
	EVP_PKEY *key = NULL;
	X509 *cert = NULL;
	int64_t now = (int64_t)time(NULL);

	if ((key = EVP_EC_gen("P-384")) == NULL)
		return teec_errf(err, TEEC_ERROR, "cannot generate a P-384 key");
	cert = make_cert(key, DEVCA_ROOT_CN, NULL, NULL, now,
	    now + (int64_t)DEVCA_ROOT_DAYS * 86400, exts,
	    sizeof(exts) / sizeof(exts[0]));
	if (cert == NULL) {
		EVP_PKEY_free(key);
		return teec_errf(err, TEEC_ERROR,
		    "cannot create the development root certificate");
	}
	*keyp = key;
	*certp = cert;
	return TEEC_OK;
}

/* PEM of the key (through secure memory) and of the cert, written atomically. */
static int
save_root(const char *dir, EVP_PKEY *key, X509 *cert, struct teec_err *err)
{
	char path[PATH_MAX];
	BIO *bio = NULL;
	BUF_MEM *bm = NULL;
	int rc = TEEC_ERROR;

	if ((bio = BIO_new(BIO_s_secmem())) == NULL ||
	    !PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0, NULL, NULL) ||
	    BIO_get_mem_ptr(bio, &bm) != 1) {
		teec_errf(err, TEEC_ERROR, "cannot encode the root key");
		goto out;
	}
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, ROOT_KEY) >=
	    sizeof(path)) {
		teec_errf(err, TEEC_ERROR, "%s: name too long", dir);
		goto out;
	}
	if (write_file_atomic(path, bm->data, bm->length, 0600, err) != TEEC_OK)
		goto out;
	BIO_free(bio);
	if ((bio = BIO_new(BIO_s_mem())) == NULL ||
	    !PEM_write_bio_X509(bio, cert) ||
	    BIO_get_mem_ptr(bio, &bm) != 1) {
		teec_errf(err, TEEC_ERROR, "cannot encode the root certificate");
		goto out;
	}
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, ROOT_PEM) >=
	    sizeof(path)) {
		teec_errf(err, TEEC_ERROR, "%s: name too long", dir);
		goto out;
	}
	if (write_file_atomic(path, bm->data, bm->length, 0600, err) != TEEC_OK)
		goto out;
	rc = TEEC_OK;
out:
	BIO_free(bio);
	return rc;
}

static int
load_root(const char *dir, const struct buf *pem, const struct buf *kpem,
    EVP_PKEY **keyp, X509 **certp, struct teec_err *err)
{
	BIO *bio = NULL;
	EVP_PKEY *key = NULL;
	X509 *cert = NULL;
	int rc = TEEC_ERROR;

	if ((bio = BIO_new_mem_buf(pem->data, (int)pem->len)) == NULL ||
	    (cert = PEM_read_bio_X509(bio, NULL, NULL, NULL)) == NULL) {
		teec_errf(err, TEEC_ERROR, "%s/%s: not a PEM certificate", dir,
		    ROOT_PEM);
		goto out;
	}
	BIO_free(bio);
	if ((bio = BIO_new_mem_buf(kpem->data, (int)kpem->len)) == NULL ||
	    (key = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL)) == NULL) {
		teec_errf(err, TEEC_ERROR, "%s/%s: not a PEM private key", dir,
		    ROOT_KEY);
		goto out;
	}
	if (!is_p384(key)) {
		teec_errf(err, TEEC_ERROR, "%s/%s: not an EC P-384 key", dir,
		    ROOT_KEY);
		goto out;
	}
	if (X509_check_private_key(cert, key) != 1) {
		teec_errf(err, TEEC_ERROR, "%s: %s does not match %s", dir,
		    ROOT_KEY, ROOT_PEM);
		goto out;
	}
	if (X509_check_issued(cert, cert) != X509_V_OK ||
	    X509_verify(cert, key) != 1 || !(X509_get_extension_flags(cert) &
	    EXFLAG_CA)) {
		teec_errf(err, TEEC_ERROR, "%s/%s: not a self-signed CA "
		    "certificate", dir, ROOT_PEM);
		goto out;
	}
	if (X509_cmp_current_time(X509_get0_notAfter(cert)) <= 0) {
		teec_errf(err, TEEC_ERROR, "%s/%s: the development root has "
		    "expired; remove the directory to make a new one", dir,
		    ROOT_PEM);
		goto out;
	}
	*keyp = key;
	*certp = cert;
	key = NULL;
	cert = NULL;
	rc = TEEC_OK;
out:
	BIO_free(bio);
	EVP_PKEY_free(key);
	X509_free(cert);
	ERR_clear_error();
	return rc;
}

int
devca_open(const char *dir, struct devca **out, struct teec_err *err)
{
	char defdir[PATH_MAX];
	struct devca *ca = NULL;
	struct buf pem, kpem;
	uint8_t *p;
	int dfd = -1, rc = TEEC_ERROR, pem_missing = 0, key_missing = 0, len;

	*out = NULL;
	buf_init(&pem, 0);
	buf_init(&kpem, 0);
	if (dir == NULL) {
		if (devca_default_dir(defdir, sizeof(defdir), err) != TEEC_OK)
			return TEEC_ERROR;
		dir = defdir;
	}
	if ((ca = calloc(1, sizeof(*ca))) == NULL ||
	    (ca->dir = strdup(dir)) == NULL) {
		teec_errf(err, TEEC_ERROR, "out of memory");
		goto out;
	}
	if (make_dirs(dir, err) != TEEC_OK)
		goto out;
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		teec_errf(err, TEEC_ERROR, "%s: %s", dir, strerror(errno));
		goto out;
	}
	if (check_dir(dfd, dir, err) != TEEC_OK)
		goto out;
	/* Serialise creation between concurrent first uses. */
	if (flock(dfd, LOCK_EX) == -1) {
		teec_errf(err, TEEC_ERROR, "%s: lock: %s", dir, strerror(errno));
		goto out;
	}
	if (read_at(dfd, dir, ROOT_PEM, 0, &pem, &pem_missing, err) != TEEC_OK)
		goto out;
	if (read_at(dfd, dir, ROOT_KEY, 1, &kpem, &key_missing, err) !=
	    TEEC_OK)
		goto out;
	if (pem_missing) {
		/*
		 * root.pem is written last: without it no document was ever
		 * signed, and a lone root.key is what an interrupted creation
		 * leaves. Make (or remake) both.
		 */
		if (new_root(&ca->key, &ca->root, err) != TEEC_OK ||
		    save_root(dir, ca->key, ca->root, err) != TEEC_OK)
			goto out;
	} else if (key_missing) {
		teec_errf(err, TEEC_ERROR, "%s: %s exists but %s is missing",
		    dir, ROOT_PEM, ROOT_KEY);
		goto out;
	} else if (load_root(dir, &pem, &kpem, &ca->key, &ca->root, err) !=
	    TEEC_OK)
		goto out;
	if ((len = i2d_X509(ca->root, NULL)) <= 0 ||
	    (ca->der = malloc((size_t)len)) == NULL) {
		teec_errf(err, TEEC_ERROR, "cannot encode the root certificate");
		goto out;
	}
	p = ca->der;
	if (i2d_X509(ca->root, &p) != len) {
		teec_errf(err, TEEC_ERROR, "cannot encode the root certificate");
		goto out;
	}
	ca->derlen = (size_t)len;
	*out = ca;
	ca = NULL;
	rc = TEEC_OK;
out:
	if (dfd != -1)
		close(dfd);     /* releases the lock */
	buf_free(&pem);
	buf_wipe_free(&kpem);
	devca_free(ca);
	return rc;
}

void
devca_root_der(const struct devca *ca, const uint8_t **der, size_t *len)
{
	*der = ca->der;
	*len = ca->derlen;
}

X509 *
devca_root_cert(const struct devca *ca)
{
	return ca->root;
}

const char *
devca_dir(const struct devca *ca)
{
	return ca->dir;
}

int
devca_issue_leaf(struct devca *ca, const char *cn, int64_t not_before,
    int64_t not_after, EVP_PKEY **keyp, X509 **certp, struct teec_err *err)
{
	/* The Nitro leaf: no SKI/AKI, no EKU (NITRO.md, certificate chain). */
	static const struct ext_conf exts[] = {
		{ NID_basic_constraints, "critical,CA:FALSE" },
		{ NID_key_usage, "digitalSignature,nonRepudiation" },
	};
	EVP_PKEY *key = NULL;
	X509 *cert = NULL;
	size_t n;

	*keyp = NULL;
	*certp = NULL;
	if (cn == NULL || (n = strlen(cn)) == 0 || n > DEVCA_MAX_CN)
		return teec_errf(err, TEEC_ERROR,
		    "leaf common name must be 1 to %u bytes", DEVCA_MAX_CN);
	if (not_after <= not_before || not_before < 0 ||
	    (int64_t)(time_t)not_after != not_after)
		return teec_errf(err, TEEC_ERROR, "bad leaf validity period");
	if ((key = EVP_EC_gen("P-384")) == NULL)
		return teec_errf(err, TEEC_ERROR, "cannot generate a P-384 key");
	cert = make_cert(key, cn, ca->root, ca->key, not_before, not_after,
	    exts, sizeof(exts) / sizeof(exts[0]));
	if (cert == NULL) {
		EVP_PKEY_free(key);
		ERR_clear_error();
		return teec_errf(err, TEEC_ERROR,
		    "cannot issue a development leaf certificate");
	}
	*keyp = key;
	*certp = cert;
	return TEEC_OK;
}

void
devca_free(struct devca *ca)
{
	if (ca == NULL)
		return;
	free(ca->dir);
	EVP_PKEY_free(ca->key);
	X509_free(ca->root);
	free(ca->der);
	free(ca);
}

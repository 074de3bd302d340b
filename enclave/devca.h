/* SPDX-License-Identifier: ISC */
#ifndef TEEC_DEVCA_H
#define TEEC_DEVCA_H

/*
 * The local development CA that signs emulated attestation documents.
 * Its root is never in the default trust store: documents it signs only
 * verify when a user explicitly trusts it.
 *
 * Layout of the directory (created 0700 on first use):
 *   root.pem   the self-signed P-384 root certificate
 *   root.key   its private key, PKCS#8 PEM, mode 0600
 */

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "common/status.h"

#define DEVCA_ROOT_CN        "teec local development root (NOT AWS)"
#define DEVCA_ROOT_DAYS      (20 * 365 + 5)   /* 20 years */
#define DEVCA_LEAF_SECS      (3 * 3600)       /* like a Nitro leaf */
#define DEVCA_LEAF_SUFFIX    ".local.teec"
#define DEVCA_MAX_CN         64u              /* RFC 5280 ub-common-name */

struct devca;

/*
 * Write the default directory into out (size bytes):
 * $XDG_DATA_HOME/teec/dev-ca when XDG_DATA_HOME is an absolute path, else
 * $HOME/.local/share/teec/dev-ca. TEEC_OK or TEEC_ERROR.
 */
int devca_default_dir(char *out, size_t size, struct teec_err *err);

/*
 * Open the CA in dir (NULL: the default), creating the directory and a new
 * root on first use. Refuses a directory that is not owned by the
 * effective user or is group- or world-writable, a key readable by others,
 * and a key that does not match the certificate.
 */
int devca_open(const char *dir, struct devca **out, struct teec_err *err);

/* The root certificate: DER bytes owned by ca, and the parsed object. */
void devca_root_der(const struct devca *ca, const uint8_t **der,
    size_t *len);
X509 *devca_root_cert(const struct devca *ca);

/* The directory in use. */
const char *devca_dir(const struct devca *ca);

/*
 * Issue a leaf shaped like a Nitro document leaf: fresh P-384 key, random
 * serial, subject and issuer by CN, critical CA:FALSE, non-critical
 * keyUsage digitalSignature + nonRepudiation, no key identifiers, valid
 * from not_before to not_after (seconds since the epoch), ecdsa-with-SHA384.
 * The caller frees *key and *cert.
 */
int devca_issue_leaf(struct devca *ca, const char *cn, int64_t not_before,
    int64_t not_after, EVP_PKEY **key, X509 **cert, struct teec_err *err);

void devca_free(struct devca *ca);

#endif

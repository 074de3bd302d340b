/* SPDX-License-Identifier: ISC */
#ifndef TEEC_PROXY_TLS_H
#define TEEC_PROXY_TLS_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/ssl.h>

#include "common/buf.h"
#include "common/status.h"

/*
 * TLS for the recording proxy (teec-enclave(8), NETWORK).
 *
 * Towards the build: a certificate authority made for one build, a P-256
 * key that exists only in the worker's memory and is wiped when the build
 * ends, self-signed, valid from an hour before now for valid_s seconds,
 * basicConstraints CA:TRUE pathlen:0. For each host the build reaches
 * through CONNECT, a leaf certificate signed by it on first use (one
 * P-256 key for all leaves, subjectAltName the CONNECT host as a DNS name
 * or an IP address, extendedKeyUsage serverAuth), kept for the build.
 *
 * Towards the origin: TLS 1.2 or later, the peer verified against one CA
 * bundle (the PEM bundle given with --upstream-ca, else the image's file
 * PROXY_SYSTEM_CA) and its name checked (RFC 6125: subjectAltName DNS
 * names without partial wildcards, or IP addresses).
 */

#define PROXY_SYSTEM_CA "/etc/ssl/certs/ca-certificates.crt"

struct proxy_tls;

/*
 * upstream_ca: PEM bytes (certificates only; at least one; at most
 * TEEC_MAX_UPSTREAM_CA_BYTES), or NULL for system_ca (NULL:
 * PROXY_SYSTEM_CA; a missing file leaves the store empty, so that every
 * upstream fails to verify). TEEC_OK, TEEC_FAIL (the given bundle holds
 * no certificate or is malformed), TEEC_ERROR.
 */
int proxy_tls_new(const uint8_t *upstream_ca, size_t upstream_ca_len,
    const char *system_ca, unsigned int valid_s, struct proxy_tls **out,
    struct teec_err *err);

/* The per-build CA certificate in PEM, appended to out. */
int proxy_tls_ca_pem(const struct proxy_tls *t, struct buf *out,
    struct teec_err *err);

/*
 * A server-side SSL for the build's end of a tunnel to host (canonical,
 * see common/policy.h), holding host's leaf certificate; or NULL with
 * why set.
 */
SSL *proxy_tls_for_build(struct proxy_tls *t, const char *host, char *why,
    size_t whysz);

/* A client-side SSL that will verify host; or NULL with why set. */
SSL *proxy_tls_for_origin(struct proxy_tls *t, const char *host, char *why,
    size_t whysz);

/* Why the handshake of an origin SSL failed, in words, into why. */
void proxy_tls_origin_error(SSL *ssl, char *why, size_t whysz);

void proxy_tls_free(struct proxy_tls *t);      /* accepts NULL */

#endif

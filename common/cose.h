/* SPDX-License-Identifier: ISC */
#ifndef TEEC_COSE_H
#define TEEC_COSE_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"

/* The protected header of every Nitro document: {1: -35} (alg ES384). */
extern const uint8_t cose_es384_protected[4];

/*
 * Append the COSE Sig_structure (RFC 9052 section 4.4)
 * ["Signature1", protected, h'', payload] to out, lengths re-encoded
 * minimally, the two byte strings used exactly as given. 0 or -1.
 * Both the verifier and the NSM emulator sign/verify over these bytes.
 */
int cose_sig_structure(const uint8_t *prot, size_t protlen,
    const uint8_t *payload, size_t n, struct buf *out);

#endif

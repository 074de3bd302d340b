/* SPDX-License-Identifier: ISC */
#include "common/cbor.h"
#include "common/cose.h"

const uint8_t cose_es384_protected[4] = { 0xa1, 0x01, 0x38, 0x22 };

int
cose_sig_structure(const uint8_t *prot, size_t protlen,
    const uint8_t *payload, size_t n, struct buf *out)
{
	if (cbor_put_head(out, CBOR_ARRAY, 4) == -1 ||
	    cbor_put_text(out, "Signature1") == -1 ||
	    cbor_put_bytes(out, prot, protlen) == -1 ||
	    cbor_put_bytes(out, NULL, 0) == -1 ||
	    cbor_put_bytes(out, payload, n) == -1)
		return -1;
	return 0;
}

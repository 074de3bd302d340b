/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer harness: the decoder of /dev/nsm responses
 * (nsm_dev_decode_attest, enclave/nsm.h). A response is untrusted input:
 * on failure doc must be exactly as before; on success the document was
 * appended and is at most TEEC_MAX_DOC_BYTES.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/caps.h"
#include "enclave/nsm.h"
#include "verify/nitro.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char pre[] = "pre";
	struct nitro_doc d;
	struct teec_err err = { "" };
	struct buf doc;
	int rc;

	buf_init(&doc, TEEC_MAX_DOC_BYTES + sizeof(pre));
	if (buf_append(&doc, pre, sizeof(pre) - 1) == -1)
		abort();
	rc = nsm_dev_decode_attest(data, size, &doc, &err);
	if (rc == TEEC_OK) {
		if (doc.len < sizeof(pre) - 1 ||
		    doc.len - (sizeof(pre) - 1) > TEEC_MAX_DOC_BYTES)
			abort();
		if (nitro_parse(doc.data + sizeof(pre) - 1,
		    doc.len - (sizeof(pre) - 1), &d, &err) == TEEC_OK)
			nitro_doc_free(&d);
	} else if (rc != TEEC_ERROR || doc.len != sizeof(pre) - 1 ||
	    memcmp(doc.data, pre, sizeof(pre)) != 0)
		abort();
	if (rc != TEEC_OK && err.msg[0] == '\0')
		abort();
	buf_free(&doc);
	return 0;
}

/* SPDX-License-Identifier: ISC */
/* libFuzzer harness: the COSE_Sign1 and Nitro payload parsers, and input decoding. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "verify/nitro.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nitro_doc d;
	struct nitro_doc p;
	uint8_t *raw = NULL;
	size_t rawlen;

	if (nitro_parse(data, size, &d, NULL) == TEEC_OK)
		nitro_doc_free(&d);
	/* the payload parser alone, as if the envelope had been signed */
	memset(&p, 0, sizeof(p));
	nitro_payload_parse(data, size, &p, NULL);
	nitro_doc_free(&p);
	if (nitro_decode_input(data, size, &raw, &rawlen, NULL) == TEEC_OK) {
		if (nitro_parse(raw, rawlen, &d, NULL) == TEEC_OK)
			nitro_doc_free(&d);
		free(raw);
	}
	return 0;
}

/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer harness: the SOURCE_BEGIN and BUNDLE_BEGIN payload decoders
 * (common/proto.h). What decodes must encode, and decode again to the same
 * values.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct proto_source_begin s, s2;
	struct proto_bundle_begin b, b2;
	struct buf out;

	if (proto_source_begin_decode(data, size, &s, NULL) == TEEC_OK) {
		if (proto_source_begin_encode(&s, &out, NULL) != TEEC_OK ||
		    proto_source_begin_decode(out.data, out.len, &s2, NULL) !=
		    TEEC_OK || memcmp(&s, &s2, sizeof(s)) != 0)
			abort();
		buf_free(&out);
	}
	if (proto_bundle_begin_decode(data, size, &b, NULL) == TEEC_OK) {
		if (proto_bundle_begin_encode(&b, &out, NULL) != TEEC_OK ||
		    proto_bundle_begin_decode(out.data, out.len, &b2, NULL) !=
		    TEEC_OK || memcmp(&b, &b2, sizeof(b)) != 0)
			abort();
		buf_free(&out);
	}
	return 0;
}

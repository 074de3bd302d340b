/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer harness: the decoder of /dev/nsm DescribePCR responses
 * (nsm_dev_decode_describe_pcr, enclave/nsm.h). A response is untrusted
 * input: on failure lock and data must be untouched and err set.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "enclave/nsm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t pcr[NITRO_PCR_BYTES], before[NITRO_PCR_BYTES];
	struct teec_err err = { "" };
	int lock = 7, rc;

	memset(pcr, 0x5a, sizeof(pcr));
	memcpy(before, pcr, sizeof(pcr));
	rc = nsm_dev_decode_describe_pcr(data, size, &lock, pcr, &err);
	if (rc == TEEC_OK) {
		if (lock != 0 && lock != 1)
			abort();
	} else if (rc != TEEC_ERROR || lock != 7 ||
	    memcmp(pcr, before, sizeof(pcr)) != 0 || err.msg[0] == '\0')
		abort();
	return 0;
}

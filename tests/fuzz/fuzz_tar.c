/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer harness: the bundle tar reader (verify/tar.h) over arbitrary
 * bytes from memory, every entry's data read through, with the smallest
 * read size so that headers and data straddle refills.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "verify/tar.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct teec_err err;
	struct tar_entry e;
	struct tar *t = NULL;
	const uint8_t *p;
	uint64_t got;
	size_t n, i;
	volatile uint8_t sum = 0;
	int done = 0, rc;

	if (tar_open_mem(&t, data, size, 1, 1u << 20, &err) != TEEC_OK)
		return 0;
	for (;;) {
		if (tar_next(t, &e, &done, &err) != TEEC_OK || done)
			break;
		if (strlen(e.name) == 0 || strlen(e.name) > TEEC_MAX_TAR_NAME ||
		    e.size > (1u << 20))
			abort();
		got = 0;
		while ((rc = tar_data(t, &p, &n, &err)) == TEEC_OK && n > 0) {
			got += n;
			/* touch every byte of the view (ASan checks it) */
			for (i = 0; i < n; i++)
				sum += p[i];
		}
		if (rc != TEEC_OK)
			break;
		if (got != e.size)
			abort();
	}
	tar_close(t);
	return 0;
}

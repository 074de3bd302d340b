/* SPDX-License-Identifier: ISC */
/* libFuzzer harness: the attestor identity read from a module_id. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "verify/quorum.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct quorum_attestor a, b;

	if (quorum_attestor((const char *)data, size, 0, &a) != TEEC_OK)
		return 0;
	/* what it keeps is bounded, terminated, and equal to itself */
	if (a.len > TEEC_MAX_MODULE_ID || a.id[a.len] != '\0' ||
	    strlen(a.id) > a.len || !quorum_attestor_equal(&a, &a))
		__builtin_trap();
	if (quorum_attestor((const char *)data, size, 0, &b) != TEEC_OK ||
	    !quorum_attestor_equal(&a, &b))
		__builtin_trap();
	return 0;
}

/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer harness: what teec-host reads from nitro-cli (host/nitro_cli.h):
 * the JSON of run-enclave, describe-enclaves and terminate-enclave, and
 * the error codes and root cause on its standard error. Whatever the
 * input, an accepted enclave ID is one teec may pass on.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "host/nitro_cli.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nitro_enclave e;
	struct teec_err err = { "" };
	const char *line;
	char *text, out[1024];
	size_t found, len;
	int code;

	if (nitro_parse_run(data, size, &e, &err) == TEEC_OK &&
	    (!nitro_id_ok(e.id) || e.cid < NITRO_CID_MIN ||
	    e.cid > NITRO_CID_MAX))
		abort();
	if (nitro_parse_describe(data, size, "teec-1-00000000", &e, &found,
	    &err) == TEEC_OK && found > 0 &&
	    (!nitro_id_ok(e.id) || strcmp(e.name, "teec-1-00000000") != 0))
		abort();
	(void)nitro_parse_terminate(data, size, "i-1-enc1", &err);
	if ((text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	code = nitro_error_code(text, &line, &len);
	if (code < -1 || code > 99 || line < text || line + len > text + size)
		abort();
	(void)nitro_error_class(code, text);
	nitro_error_text(text, out, sizeof(out));
	if (strlen(out) >= sizeof(out))
		abort();
	free(text);
	return 0;
}

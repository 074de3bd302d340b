/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer harness: build.json (common/buildcfg.h), the recipe the
 * enclave parses again from bytes the host sent. An accepted config must
 * hold what build.json(5) promises.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/buildcfg.h"
#include "common/caps.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
env_name_ok(const char *s)
{
	size_t i;

	if (s == NULL || !((s[0] >= 'A' && s[0] <= 'Z') ||
	    (s[0] >= 'a' && s[0] <= 'z') || s[0] == '_'))
		return 0;
	for (i = 1; s[i] != '\0'; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' &&
		    s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return 1;
}

/* build.json(5) output.files: relative, no empty, "." or ".." component, no backslash or control byte. */
static int
pattern_ok(const char *s)
{
	const char *p, *e;
	size_t len;

	if (s == NULL || s[0] == '\0' || s[0] == '/')
		return 0;
	for (p = s; *p != '\0'; p++)
		if (*p == '\\' || (unsigned char)*p < 0x20 || *p == 0x7f)
			return 0;
	for (p = s;; p = e + 1) {
		e = strchr(p, '/');
		len = e != NULL ? (size_t)(e - p) : strlen(p);
		if (len == 0 || (len == 1 && p[0] == '.') ||
		    (len == 2 && p[0] == '.' && p[1] == '.'))
			return 0;
		if (e == NULL)
			return 1;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buildcfg c;
	struct teec_err err;
	size_t i;

	if (buildcfg_parse(data, size, &c, &err) == TEEC_OK) {
		if (c.rawlen != size || (size > 0 && memcmp(c.raw, data,
		    size) != 0))
			abort();
		if (c.language == NULL || c.language[0] == '\0' ||
		    c.cmd == NULL || c.cmd[0] == '\0' ||
		    strlen(c.cmd) > TEEC_MAX_CMD_BYTES)
			abort();
		if (c.timeout < TEEC_TIMEOUT_MIN || c.timeout > TEEC_TIMEOUT_MAX)
			abort();
		if (c.nenv > TEEC_MAX_ENV_VARS ||
		    c.nfiles > TEEC_MAX_OUTPUT_PATTERNS)
			abort();
		for (i = 0; i < c.nenv; i++)
			if (!env_name_ok(c.env[i].name) ||
			    buildcfg_env_controlled(c.env[i].name) ||
			    c.env[i].value == NULL)
				abort();
		for (i = 0; i < c.nfiles; i++)
			if (!pattern_ok(c.files[i]))
				abort();
	} else if (c.raw != NULL || c.language != NULL || c.env != NULL ||
	    c.files != NULL)
		abort();        /* left empty on failure */
	buildcfg_free(&c);
	buildcfg_free(&c);
	return 0;
}

/* SPDX-License-Identifier: ISC */
/* Shared by the cmocka unit tests. */
#ifndef TEEC_TESTUTIL_H
#define TEEC_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

/* The shared fixtures directory, or NULL when it is not there. */
static inline const char *
fixtures_dir(void)
{
	const char *d = getenv("TEEC_FIXTURES");
	static char path[4000];

	if (d == NULL)
		d = "../shared/fixtures";
	snprintf(path, sizeof(path), "%s", d);
	return access(path, R_OK) == 0 ? path : NULL;
}

/* Skip the current test with a clear reason when the fixtures are absent. */
#define REQUIRE_FIXTURES() do { \
	if (fixtures_dir() == NULL) { \
		print_message("# skipped: ../shared/fixtures not found\n"); \
		skip(); \
	} \
} while (0)

#endif

/* SPDX-License-Identifier: ISC */
#include <sys/stat.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "verify/store.h"

#ifndef TEEC_DATADIR
#define TEEC_DATADIR "/usr/local/share/teec"
#endif

static int
is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static int
try(const char *p, char *out, size_t outlen)
{
	if (p == NULL || *p == '\0' || !is_dir(p))
		return 0;
	if ((size_t)snprintf(out, outlen, "%s", p) >= outlen)
		return 0;
	return 1;
}

int
store_resolve(const char *explicit_dir, char *out, size_t outlen,
    struct teec_err *err)
{
	char p[PATH_MAX + 32], exe[PATH_MAX];
	const char *e;
	ssize_t n;
	char *slash;

	if (explicit_dir != NULL) {
		if (try(explicit_dir, out, outlen))
			return TEEC_OK;
		return teec_errf(err, TEEC_ERROR, "%s: not a trust store directory",
		    explicit_dir);
	}
	if ((e = getenv("TEEC_TRUST_STORE")) != NULL && *e != '\0') {
		if (try(e, out, outlen))
			return TEEC_OK;
		return teec_errf(err, TEEC_ERROR,
		    "TEEC_TRUST_STORE=%s: not a trust store directory", e);
	}
	if ((e = getenv("XDG_CONFIG_HOME")) != NULL && *e == '/') {
		snprintf(p, sizeof(p), "%s/teec/trust-store", e);
		if (try(p, out, outlen))
			return TEEC_OK;
	} else if ((e = getenv("HOME")) != NULL && *e == '/') {
		snprintf(p, sizeof(p), "%s/.config/teec/trust-store", e);
		if (try(p, out, outlen))
			return TEEC_OK;
	}
	if (try("/etc/teec/trust-store", out, outlen))
		return TEEC_OK;
	if (try(TEEC_DATADIR "/trust-store", out, outlen))
		return TEEC_OK;
	/* A build tree: bin/teec-verify beside trust-store/. */
	if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) > 0) {
		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')) != NULL) {
			*slash = '\0';
			/* an installed tree moved as a whole: BIN/../share/teec */
			snprintf(p, sizeof(p), "%s/../share/teec/trust-store", exe);
			if (try(p, out, outlen))
				return TEEC_OK;
			snprintf(p, sizeof(p), "%s/../trust-store", exe);
			if (try(p, out, outlen))
				return TEEC_OK;
			snprintf(p, sizeof(p), "%s/../../trust-store", exe);
			if (try(p, out, outlen))
				return TEEC_OK;
		}
	}
	return teec_errf(err, TEEC_ERROR,
	    "no trust store found (give --trust-store DIR or set TEEC_TRUST_STORE)");
}

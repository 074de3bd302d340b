/* SPDX-License-Identifier: ISC */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/outpath.h"

int
outpath_default(const char *dir, char *out, size_t outsz,
    struct teec_err *err)
{
	char *real = NULL;
	const char *base;
	int rc = TEEC_ERROR;

	if ((real = realpath(dir, NULL)) == NULL) {
		teec_errf(err, TEEC_ERROR, "%s: %s", dir, strerror(errno));
		goto out;
	}
	base = strrchr(real, '/');
	base = base != NULL ? base + 1 : real;
	if (*base == '\0')
		base = OUTPATH_FALLBACK;
	if ((size_t)snprintf(out, outsz, "%s%s", base, OUTPATH_SUFFIX) >=
	    outsz) {
		teec_errf(err, TEEC_ERROR, "%s: name too long", dir);
		goto out;
	}
	rc = TEEC_OK;
out:
	free(real);
	return rc;
}

int
outpath_relative(const char *root, const char *out, int *inside, char *rel,
    size_t relsz, struct teec_err *err)
{
	char *rroot = NULL, *rdir = NULL, *dir = NULL, *slash;
	const char *base;
	size_t n;
	int rc = TEEC_ERROR;

	*inside = 0;
	n = strlen(out);
	if (n == 0 || out[n - 1] == '/') {
		teec_errf(err, TEEC_ERROR, "%s: not a file name", out);
		goto out;
	}
	if ((dir = strdup(out)) == NULL) {
		teec_errf(err, TEEC_ERROR, "out of memory");
		goto out;
	}
	if ((slash = strrchr(dir, '/')) != NULL) {
		base = out + (slash - dir) + 1;
		if (slash == dir)
			slash[1] = '\0';	/* "/name": the directory is "/" */
		else
			*slash = '\0';
	} else {
		base = out;
		strcpy(dir, ".");
	}
	if (strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
		teec_errf(err, TEEC_ERROR, "%s: not a file name", out);
		goto out;
	}
	if ((rroot = realpath(root, NULL)) == NULL) {
		teec_errf(err, TEEC_ERROR, "%s: %s", root, strerror(errno));
		goto out;
	}
	if ((rdir = realpath(dir, NULL)) == NULL) {
		teec_errf(err, TEEC_ERROR, "%s: %s", dir, strerror(errno));
		goto out;
	}
	n = strlen(rroot);
	if (strcmp(rroot, "/") == 0)
		n = 0;
	if (strcmp(rdir, rroot) == 0) {
		*inside = 1;
		if ((size_t)snprintf(rel, relsz, "%s", base) >= relsz)
			goto toolong;
	} else if (strncmp(rdir, rroot, n) == 0 && rdir[n] == '/') {
		*inside = 1;
		if ((size_t)snprintf(rel, relsz, "%s/%s", rdir + n + 1,
		    base) >= relsz)
			goto toolong;
	}
	rc = TEEC_OK;
	goto out;
toolong:
	*inside = 0;
	teec_errf(err, TEEC_ERROR, "%s: path too long", out);
out:
	free(rroot);
	free(rdir);
	free(dir);
	return rc;
}

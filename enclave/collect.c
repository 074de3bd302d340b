/* SPDX-License-Identifier: ISC */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "common/caps.h"
#include "common/digest.h"
#include "common/json.h"
#include "enclave/collect.h"
#include "report/report.h"

void
collect_free(struct collect *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; c->items != NULL && i < c->n; i++) {
		free(c->items[i].name);
		free(c->items[i].path);
	}
	free(c->items);
	memset(c, 0, sizeof(*c));
}

/* s with the glob(7) special characters escaped, so it matches itself. */
static char *
glob_escape(const char *s)
{
	char *out, *o;

	if ((out = malloc(2 * strlen(s) + 1)) == NULL)
		return NULL;
	for (o = out; *s != '\0'; s++) {
		if (strchr("*?[]\\", *s) != NULL)
			*o++ = '\\';
		*o++ = *s;
	}
	*o = '\0';
	return out;
}

static int
cmp_name(const void *a, const void *b)
{
	const struct collect_item *x = a, *y = b;

	return strcmp(x->name, y->name);
}

/* Sort by name and drop repeated names. */
static void
sort_unique(struct collect *c)
{
	size_t i, k;

	if (c->n == 0)
		return;
	qsort(c->items, c->n, sizeof(*c->items), cmp_name);
	for (i = 1, k = 1; i < c->n; i++) {
		if (strcmp(c->items[i].name, c->items[k - 1].name) == 0) {
			free(c->items[i].name);
			continue;
		}
		c->items[k++] = c->items[i];
	}
	c->n = k;
}

/* SHA-256 and SHA-384 of the regular file at path, in one pass. */
static int
hash_file(const char *path, const char *name, struct collect_item *it,
    struct teec_err *err)
{
	struct digest d256, d384;
	struct stat st, st2;
	uint8_t *b = NULL;
	uint64_t total = 0;
	ssize_t n;
	int fd = -1, rc = TEEC_ERROR;

	memset(&d256, 0, sizeof(d256));
	memset(&d384, 0, sizeof(d384));
	/* lstat first: opening a fifo would block, a device would act. */
	if (lstat(path, &st) == -1) {
		rc = teec_errf(err, TEEC_FAIL, "output %s: %s", name,
		    strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = teec_errf(err, TEEC_FAIL, "output %s: not a regular file",
		    name);
		goto out;
	}
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)) ==
	    -1 || fstat(fd, &st2) == -1) {
		rc = teec_errf(err, TEEC_FAIL, "output %s: %s", name,
		    strerror(errno));
		goto out;
	}
	if (!S_ISREG(st2.st_mode) || st2.st_dev != st.st_dev ||
	    st2.st_ino != st.st_ino) {
		rc = teec_errf(err, TEEC_FAIL, "output %s: changed while it was "
		    "read", name);
		goto out;
	}
	if ((uint64_t)st2.st_size > TEEC_MAX_ARTIFACT_BYTES) {
		rc = teec_errf(err, TEEC_FAIL, "output %s: larger than %llu "
		    "bytes", name, (unsigned long long)TEEC_MAX_ARTIFACT_BYTES);
		goto out;
	}
	if ((b = malloc(TEEC_IO_CHUNK)) == NULL ||
	    digest_init(&d256, EVP_sha256()) == -1 ||
	    digest_init(&d384, EVP_sha384()) == -1) {
		teec_errf(err, TEEC_ERROR, "out of memory");
		goto out;
	}
	for (;;) {
		n = read(fd, b, TEEC_IO_CHUNK);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			teec_errf(err, TEEC_ERROR, "output %s: %s", name,
			    strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		total += (uint64_t)n;
		if (total > TEEC_MAX_ARTIFACT_BYTES) {
			rc = teec_errf(err, TEEC_FAIL, "output %s: larger than "
			    "%llu bytes", name,
			    (unsigned long long)TEEC_MAX_ARTIFACT_BYTES);
			goto out;
		}
		if (digest_update(&d256, b, (size_t)n) == -1 ||
		    digest_update(&d384, b, (size_t)n) == -1) {
			teec_errf(err, TEEC_ERROR, "hashing failed");
			goto out;
		}
	}
	if (digest_final(&d256, it->sha256) == -1 ||
	    digest_final(&d384, it->sha384) == -1) {
		teec_errf(err, TEEC_ERROR, "hashing failed");
		goto out;
	}
	it->size = total;
	rc = TEEC_OK;
out:
	digest_free(&d256);
	digest_free(&d384);
	if (fd != -1)
		close(fd);
	free(b);
	return rc;
}

/*
 * Resolve the match rel (below root) and check it stays inside root;
 * then hash it. it->name is set already.
 */
static int
resolve_and_hash(const char *root, struct collect_item *it,
    struct teec_err *err)
{
	char full[PATH_MAX], real[PATH_MAX], name[128];
	size_t rootlen = strlen(root);

	json_safe_text(name, sizeof(name), it->name);
	if ((size_t)snprintf(full, sizeof(full), "%s/%s", root, it->name) >=
	    sizeof(full))
		return teec_errf(err, TEEC_FAIL, "output %s: path too long",
		    name);
	if (realpath(full, real) == NULL)
		return teec_errf(err, TEEC_FAIL, "output %s: %s", name,
		    errno == ENOENT ? "a symlink to nothing" : strerror(errno));
	if (strncmp(real, root, rootlen) != 0 || real[rootlen] != '/')
		return teec_errf(err, TEEC_FAIL, "output %s: resolves outside "
		    "the source directory", name);
	if ((it->path = strdup(real)) == NULL)
		return teec_errf(err, TEEC_ERROR, "out of memory");
	return hash_file(real, name, it, err);
}

/* Stop on a directory that exists but cannot be read (glob(3)). */
static int
glob_error(const char *path, int e)
{
	(void)path;
	return e != ENOENT && e != ENOTDIR;
}

/* Add the matches of one pattern to c (names only). */
static int
expand(const char *root, const char *eroot, const char *pattern, size_t idx,
    struct collect *c, size_t *cap, struct teec_err *err)
{
	char *full = NULL, pname[128], name[128];
	size_t rootlen = strlen(root), i;
	struct collect_item *grown;
	const char *rel;
	glob_t g;
	int r, rc = TEEC_ERROR, have_glob = 0;

	json_safe_text(pname, sizeof(pname), pattern);
	if (asprintf(&full, "%s/%s", eroot, pattern) == -1) {
		full = NULL;
		teec_errf(err, TEEC_ERROR, "out of memory");
		goto out;
	}
	memset(&g, 0, sizeof(g));
	/* POSIX glob(3) only: no GLOB_BRACE, GLOB_TILDE or GLOB_PERIOD. */
	r = glob(full, GLOB_NOSORT, glob_error, &g);
	have_glob = 1;
	if (r == GLOB_NOMATCH) {
		rc = teec_errf(err, TEEC_FAIL, "output.files[%zu] %s matched no "
		    "file", idx, pname);
		goto out;
	}
	if (r == GLOB_ABORTED) {
		rc = teec_errf(err, TEEC_FAIL, "output.files[%zu] %s: a "
		    "directory could not be read", idx, pname);
		goto out;
	}
	if (r != 0) {
		teec_errf(err, TEEC_ERROR, "out of memory");
		goto out;
	}
	if (g.gl_pathc > TEEC_MAX_SUBJECTS) {
		rc = teec_errf(err, TEEC_FAIL, "output.files[%zu] %s matched "
		    "more than %u files", idx, pname, TEEC_MAX_SUBJECTS);
		goto out;
	}
	for (i = 0; i < g.gl_pathc; i++) {
		if (strncmp(g.gl_pathv[i], root, rootlen) != 0 ||
		    g.gl_pathv[i][rootlen] != '/') {
			teec_errf(err, TEEC_ERROR, "glob returned a path outside "
			    "the source directory");
			goto out;
		}
		rel = g.gl_pathv[i] + rootlen + 1;
		if (!report_name_ok(rel, strlen(rel))) {
			json_safe_text(name, sizeof(name), rel);
			rc = teec_errf(err, TEEC_FAIL, "output %s: a name "
			    "report.json cannot carry (printable ASCII without "
			    "backslash, at most 245 bytes)", name);
			goto out;
		}
		if (c->n == *cap) {
			if ((grown = reallocarray(c->items, *cap * 2 + 16,
			    sizeof(*grown))) == NULL) {
				teec_errf(err, TEEC_ERROR, "out of memory");
				goto out;
			}
			c->items = grown;
			*cap = *cap * 2 + 16;
		}
		memset(&c->items[c->n], 0, sizeof(c->items[c->n]));
		if ((c->items[c->n].name = strdup(rel)) == NULL) {
			teec_errf(err, TEEC_ERROR, "out of memory");
			goto out;
		}
		c->n++;
	}
	sort_unique(c);
	if (c->n > TEEC_MAX_SUBJECTS) {
		rc = teec_errf(err, TEEC_FAIL, "output.files match more than "
		    "%u files", TEEC_MAX_SUBJECTS);
		goto out;
	}
	rc = TEEC_OK;
out:
	if (have_glob)
		globfree(&g);
	free(full);
	return rc;
}

int
collect_outputs(const char *srcdir, char *const *patterns, size_t npatterns,
    struct collect *out, struct teec_err *err)
{
	char root[PATH_MAX], *eroot = NULL;
	size_t cap = 0, i;
	int rc = TEEC_ERROR;

	memset(out, 0, sizeof(*out));
	if (npatterns == 0 || npatterns > TEEC_MAX_OUTPUT_PATTERNS) {
		teec_errf(err, TEEC_ERROR, "expected 1 to %u output patterns",
		    TEEC_MAX_OUTPUT_PATTERNS);
		goto out;
	}
	if (realpath(srcdir, root) == NULL) {
		teec_errf(err, TEEC_ERROR, "%s: %s", srcdir, strerror(errno));
		goto out;
	}
	if ((eroot = glob_escape(root)) == NULL) {
		teec_errf(err, TEEC_ERROR, "out of memory");
		goto out;
	}
	for (i = 0; i < npatterns; i++)
		if ((rc = expand(root, eroot, patterns[i], i, out, &cap,
		    err)) != TEEC_OK)
			goto out;
	for (i = 0; i < out->n; i++)
		if ((rc = resolve_and_hash(root, &out->items[i], err)) !=
		    TEEC_OK)
			goto out;
	rc = TEEC_OK;
out:
	free(eroot);
	if (rc != TEEC_OK)
		collect_free(out);
	return rc;
}

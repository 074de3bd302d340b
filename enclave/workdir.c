/* SPDX-License-Identifier: ISC */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "enclave/workdir.h"

static char *
join(const char *dir, const char *name)
{
	char *p = NULL;

	if (asprintf(&p, "%s/%s", dir, name) == -1)
		return NULL;
	return p;
}

void
workdir_free(struct workdir *w)
{
	if (w == NULL)
		return;
	free(w->root);
	free(w->src);
	free(w->home);
	free(w->tmp);
	free(w->tar);
	free(w->log);
	free(w->bundle);
	memset(w, 0, sizeof(*w));
}

int
workdir_create(const char *base, struct workdir *w, struct teec_err *err)
{
	char real[PATH_MAX], *tmpl = NULL;
	struct teec_err ignored;
	int rc = TEEC_ERROR;

	memset(w, 0, sizeof(*w));
	if (base == NULL) {
		base = getenv("TMPDIR");
		if (base == NULL || base[0] != '/')
			base = "/tmp";
	}
	if (realpath(base, real) == NULL) {
		teec_errf(err, TEEC_ERROR, "work directory base %s: %s", base,
		    strerror(errno));
		goto out;
	}
	if ((tmpl = join(strcmp(real, "/") == 0 ? "" : real,
	    "teec-work.XXXXXX")) == NULL) {
		teec_errf(err, TEEC_ERROR, "out of memory");
		goto out;
	}
	if (mkdtemp(tmpl) == NULL) {
		teec_errf(err, TEEC_ERROR, "creating a work directory in %s: %s",
		    real, strerror(errno));
		goto out;
	}
	w->root = tmpl;
	tmpl = NULL;
	if ((w->src = join(w->root, "src")) == NULL ||
	    (w->home = join(w->root, "home")) == NULL ||
	    (w->tmp = join(w->root, "tmp")) == NULL ||
	    (w->tar = join(w->root, "source.tar")) == NULL ||
	    (w->log = join(w->root, "build.log")) == NULL ||
	    (w->bundle = join(w->root, "bundle.teec")) == NULL) {
		teec_errf(err, TEEC_ERROR, "out of memory");
		goto out;
	}
	/* chmod: the modes must not depend on the worker's umask. */
	if (mkdir(w->src, 0700) == -1 || chmod(w->src, 0755) == -1 ||
	    mkdir(w->home, 0700) == -1 || chmod(w->home, 0755) == -1 ||
	    mkdir(w->tmp, 0700) == -1 || chmod(w->tmp, 0755) == -1) {
		teec_errf(err, TEEC_ERROR, "work directory %s: %s", w->root,
		    strerror(errno));
		goto out;
	}
	rc = TEEC_OK;
out:
	free(tmpl);
	if (rc != TEEC_OK) {
		if (w->root != NULL)
			(void)workdir_remove(w->root, &ignored);
		workdir_free(w);
	}
	return rc;
}

int
workdir_destroy(struct workdir *w, struct teec_err *err)
{
	int rc = TEEC_OK;

	if (w == NULL)
		return TEEC_OK;
	if (w->root != NULL)
		rc = workdir_remove(w->root, err);
	workdir_free(w);
	return rc;
}

/* State of one removal: the top directory, where deep subtrees go. */
struct rm {
	int topfd;
	unsigned long moved;
	int again;		/* something was moved to the top */
	struct teec_err *err;
	const char *path;
};

static int rm_contents(struct rm *r, int fd, int depth);

/* Remove the entry name in the directory dirfd. */
static int
rm_entry(struct rm *r, int dirfd, const char *name, int depth)
{
	char moved[64];
	struct stat st;
	int fd, rc;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == -1) {
		if (errno == ENOENT)
			return TEEC_OK;
		return teec_errf(r->err, TEEC_ERROR, "removing %s: %s", r->path,
		    strerror(errno));
	}
	if (!S_ISDIR(st.st_mode)) {
		if (unlinkat(dirfd, name, 0) == -1 && errno != ENOENT)
			return teec_errf(r->err, TEEC_ERROR, "removing %s: %s",
			    r->path, strerror(errno));
		return TEEC_OK;
	}
	if (depth >= WORKDIR_MAX_DEPTH) {
		do {
			snprintf(moved, sizeof(moved), ".teec-deep.%lu",
			    r->moved++);
			rc = renameat2(dirfd, name, r->topfd, moved,
			    RENAME_NOREPLACE);
		} while (rc == -1 && errno == EEXIST);
		if (rc == -1)
			return teec_errf(r->err, TEEC_ERROR, "removing %s: %s",
			    r->path, strerror(errno));
		r->again = 1;
		return TEEC_OK;
	}
	/* A directory the build made unreadable: it is ours, so open it up. */
	if ((st.st_mode & 0700) != 0700 &&
	    fchmodat(dirfd, name, 0700, 0) == -1)
		return teec_errf(r->err, TEEC_ERROR, "removing %s: %s", r->path,
		    strerror(errno));
	if ((fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1)
		return teec_errf(r->err, TEEC_ERROR, "removing %s: %s", r->path,
		    strerror(errno));
	rc = rm_contents(r, fd, depth + 1);
	close(fd);
	if (rc != TEEC_OK)
		return rc;
	if (unlinkat(dirfd, name, AT_REMOVEDIR) == -1 && errno != ENOENT)
		return teec_errf(r->err, TEEC_ERROR, "removing %s: %s", r->path,
		    strerror(errno));
	return TEEC_OK;
}

/* Empty the directory open at fd (fd stays open, owned by the caller). */
static int
rm_contents(struct rm *r, int fd, int depth)
{
	struct dirent *de;
	DIR *d;
	int dfd, rc = TEEC_OK, seen;

	if ((dfd = dup(fd)) == -1 || (d = fdopendir(dfd)) == NULL) {
		if (dfd != -1)
			close(dfd);
		return teec_errf(r->err, TEEC_ERROR, "removing %s: %s", r->path,
		    strerror(errno));
	}
	/* Until a pass finds nothing: readdir may skip renamed entries. */
	do {
		seen = 0;
		rewinddir(d);
		while ((errno = 0, de = readdir(d)) != NULL) {
			if (strcmp(de->d_name, ".") == 0 ||
			    strcmp(de->d_name, "..") == 0)
				continue;
			/* Entries moved to the top wait for the next pass. */
			if (depth == 0 && strncmp(de->d_name, ".teec-deep.",
			    11) == 0 && r->again)
				continue;
			seen = 1;
			if ((rc = rm_entry(r, fd, de->d_name, depth)) != TEEC_OK)
				goto out;
		}
		if (errno != 0) {
			rc = teec_errf(r->err, TEEC_ERROR, "removing %s: %s",
			    r->path, strerror(errno));
			goto out;
		}
	} while (seen);
out:
	closedir(d);
	return rc;
}

int
workdir_remove(const char *path, struct teec_err *err)
{
	struct stat st;
	struct rm r;
	int rc = TEEC_ERROR;

	memset(&r, 0, sizeof(r));
	r.topfd = -1;
	r.err = err;
	r.path = path;
	if (lstat(path, &st) == -1) {
		if (errno == ENOENT)
			return TEEC_OK;
		return teec_errf(err, TEEC_ERROR, "removing %s: %s", path,
		    strerror(errno));
	}
	if (!S_ISDIR(st.st_mode)) {
		if (unlink(path) == -1 && errno != ENOENT)
			return teec_errf(err, TEEC_ERROR, "removing %s: %s", path,
			    strerror(errno));
		return TEEC_OK;
	}
	if ((st.st_mode & 0700) != 0700 && chmod(path, 0700) == -1)
		return teec_errf(err, TEEC_ERROR, "removing %s: %s", path,
		    strerror(errno));
	if ((r.topfd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1) {
		teec_errf(err, TEEC_ERROR, "removing %s: %s", path,
		    strerror(errno));
		goto out;
	}
	/* Each pass removes what it can and moves deep subtrees up. */
	do {
		r.again = 0;
		if ((rc = rm_contents(&r, r.topfd, 0)) != TEEC_OK)
			goto out;
	} while (r.again);
	if (rmdir(path) == -1 && errno != ENOENT) {
		rc = teec_errf(err, TEEC_ERROR, "removing %s: %s", path,
		    strerror(errno));
		goto out;
	}
	rc = TEEC_OK;
out:
	if (r.topfd != -1)
		close(r.topfd);
	return rc;
}

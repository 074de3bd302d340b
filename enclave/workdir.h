/* SPDX-License-Identifier: ISC */
#ifndef TEEC_WORKDIR_H
#define TEEC_WORKDIR_H

#include "common/status.h"

/*
 * The worker's private directory for one build (teec-enclave(8), FILES),
 * created 0700 by mkdtemp(3) as BASE/teec-work.XXXXXX:
 *
 *	WORK/src	the unpacked source, the build's working directory
 *	WORK/home	the build's HOME
 *	WORK/tmp	the build's TMPDIR
 *	WORK/source.tar, WORK/build.log, WORK/bundle.teec
 *			the worker's own files, which the build may read
 *			but not write
 */
struct workdir {
	char *root;		/* absolute, no symlinks */
	char *src;
	char *home;
	char *tmp;
	char *tar;		/* WORK/source.tar */
	char *log;		/* WORK/build.log */
	char *bundle;		/* WORK/bundle.teec */
};

/*
 * Create WORK under base (NULL: $TMPDIR when it is an absolute path, else
 * /tmp) with src, home and tmp in it (0755). On failure nothing is left.
 */
int workdir_create(const char *base, struct workdir *w, struct teec_err *err);

/* Remove WORK and everything in it (workdir_remove) and free w. */
int workdir_destroy(struct workdir *w, struct teec_err *err);

/* Free the paths only (--keep); accepts a zeroed w. */
void workdir_free(struct workdir *w);

/*
 * rm -rf path without following any symlink, whatever the modes inside
 * (directories are made searchable and writable first) and however deep
 * (a subtree below WORKDIR_MAX_DEPTH levels is moved up and removed
 * from there, so open descriptors stay bounded). A missing path is
 * TEEC_OK. TEEC_ERROR when something could not be removed.
 */
#define WORKDIR_MAX_DEPTH 64
int workdir_remove(const char *path, struct teec_err *err);

#endif

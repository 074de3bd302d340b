/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer harness: safe extraction of an untrusted source tar
 * (unpack_tar_mem, enclave/unpack.h) into a fresh directory per input,
 * removed afterwards, with tiny caps. It also checks what unpack.h
 * promises: after a refusal the directory is empty; after success the
 * tree holds only regular files (0644 or 0755), directories (0755) and
 * symlinks that resolve inside the tree, within the caps.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/status.h"
#include "enclave/unpack.h"

#define FUZZ_MAX_ENTRIES  64u
#define FUZZ_MAX_BYTES    (256u * 1024u)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char top[PATH_MAX];      /* realpath of the directory of this input */
static size_t topn;
static uint64_t nfiles, nbytes;

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	if (remove(path) == -1 && errno != ENOENT)
		abort();
	return 0;
}

static int
check_entry(const char *path, const struct stat *st, int flag,
    struct FTW *ftw)
{
	char real[PATH_MAX];

	if (ftw->level == 0)
		return 0;
	switch (st->st_mode & S_IFMT) {
	case S_IFREG:
		if ((st->st_mode & 07777) != 0644 &&
		    (st->st_mode & 07777) != 0755)
			abort();
		nfiles++;
		nbytes += (uint64_t)st->st_size;
		break;
	case S_IFDIR:
		if ((st->st_mode & 07777) != 0755)
			abort();
		break;
	case S_IFLNK:
		/* Wherever it leads, if anywhere, it stays in the tree. */
		if (realpath(path, real) != NULL &&
		    (strncmp(real, top, topn) != 0 ||
		    (real[topn] != '\0' && real[topn] != '/')))
			abort();
		break;
	default:
		abort();        /* no devices, fifos, sockets */
	}
	return 0;
}

static int
dir_empty(const char *dir)
{
	struct dirent *de;
	DIR *d;
	int empty = 1;

	if ((d = opendir(dir)) == NULL)
		abort();
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			empty = 0;
	closedir(d);
	return empty;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct unpack_limits lim = {
		FUZZ_MAX_ENTRIES, FUZZ_MAX_BYTES
	};
	struct unpack_stats st;
	struct teec_err err = { "" };
	const char *tmp = getenv("TMPDIR");
	char dir[PATH_MAX];
	int rc;

	snprintf(dir, sizeof(dir), "%s/teec-fuzz-unpack.XXXXXX",
	    tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL || realpath(dir, top) == NULL)
		abort();
	topn = strlen(top);
	rc = unpack_tar_mem(data, size, dir, &lim, &st, &err);
	if (rc == TEEC_OK) {
		nfiles = nbytes = 0;
		if (nftw(dir, check_entry, 16, FTW_PHYS) == -1)
			abort();
		if (st.entries > FUZZ_MAX_ENTRIES || st.bytes > FUZZ_MAX_BYTES ||
		    nbytes > FUZZ_MAX_BYTES || nfiles != st.files)
			abort();
	} else if (!dir_empty(dir) || err.msg[0] == '\0')
		abort();
	if (nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS) == -1)
		abort();
	return 0;
}

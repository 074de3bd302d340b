/* SPDX-License-Identifier: ISC */
/*
 * Writing .teec bundles (teec-bundle(5), Tar encoding) with libarchive's
 * pax writer. Kept apart from the reader (verify/bundle.c) so that the
 * programs which only read bundles do not link libarchive.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "common/caps.h"
#include "verify/bundle.h"

/* One regular-file member, deterministic metadata (teec-bundle(5)). */
static int
put_member(struct archive *a, const char *name, int64_t size, int mode,
    const uint8_t *data, int fd, struct teec_err *err)
{
	struct archive_entry *e;
	uint8_t *b = NULL;
	int64_t left = size;
	ssize_t n;
	int rc = TEEC_ERROR;

	if ((e = archive_entry_new()) == NULL)
		return teec_errf(err, TEEC_ERROR, "out of memory");
	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, (mode_t)mode);
	archive_entry_set_size(e, size);
	archive_entry_set_mtime(e, 0, 0);
	archive_entry_set_uid(e, 0);
	archive_entry_set_gid(e, 0);
	if (archive_write_header(a, e) != ARCHIVE_OK) {
		teec_errf(err, TEEC_ERROR, "%s: %s", name, archive_error_string(a));
		goto out;
	}
	if (data != NULL) {
		if (archive_write_data(a, data, (size_t)size) != (la_ssize_t)size) {
			teec_errf(err, TEEC_ERROR, "%s: %s", name, archive_error_string(a));
			goto out;
		}
	} else {
		if ((b = malloc(TEEC_IO_CHUNK)) == NULL) {
			teec_errf(err, TEEC_ERROR, "out of memory");
			goto out;
		}
		while (left > 0) {
			n = read(fd, b, left < TEEC_IO_CHUNK ? (size_t)left : TEEC_IO_CHUNK);
			if (n == -1 && errno == EINTR)
				continue;
			if (n <= 0) {
				teec_errf(err, TEEC_ERROR, "%s: changed while being read", name);
				goto out;
			}
			if (archive_write_data(a, b, (size_t)n) != n) {
				teec_errf(err, TEEC_ERROR, "%s: %s", name, archive_error_string(a));
				goto out;
			}
			left -= n;
		}
	}
	rc = TEEC_OK;
out:
	free(b);
	archive_entry_free(e);
	return rc;
}

static int
put_file(struct archive *a, const char *name, const char *path,
    struct teec_err *err)
{
	struct stat st;
	int fd, rc;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1)
		return teec_errf(err, TEEC_ERROR, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		return teec_errf(err, TEEC_ERROR, "%s: not a regular file", path);
	}
	rc = put_member(a, name, (int64_t)st.st_size,
	    (st.st_mode & 0111) ? 0755 : 0644, NULL, fd, err);
	close(fd);
	return rc;
}

int
bundle_write(int fd, const uint8_t *report, size_t report_len,
    const uint8_t *att, size_t att_len, const char *log_path,
    const struct bundle_artifact *arts, size_t narts, struct teec_err *err)
{
	struct bundle_members m;

	memset(&m, 0, sizeof(m));
	m.report = report;
	m.report_len = report_len;
	m.att = att;
	m.att_len = att_len;
	m.log_path = log_path;
	m.arts = arts;
	m.narts = narts;
	return bundle_write_members(fd, &m, err);
}

int
bundle_write_members(int fd, const struct bundle_members *m,
    struct teec_err *err)
{
	struct archive *a;
	char name[TEEC_MAX_MEMBER_NAME + 1];
	size_t i;
	int rc = TEEC_ERROR;

	if ((a = archive_write_new()) == NULL)
		return teec_errf(err, TEEC_ERROR, "out of memory");
	/* pax only where ustar cannot say it (long names); no times beyond mtime */
	if (archive_write_set_format_pax_restricted(a) != ARCHIVE_OK ||
	    archive_write_set_bytes_in_last_block(a, 1) != ARCHIVE_OK ||
	    archive_write_open_fd(a, fd) != ARCHIVE_OK) {
		teec_errf(err, TEEC_ERROR, "bundle: %s", archive_error_string(a));
		goto out;
	}
	if (put_member(a, BUNDLE_REPORT, (int64_t)m->report_len, 0644,
	    m->report, -1, err) != TEEC_OK ||
	    put_member(a, BUNDLE_ATTESTATION, (int64_t)m->att_len, 0644, m->att,
	    -1, err) != TEEC_OK)
		goto out;
	if (m->log_path != NULL && put_file(a, BUNDLE_LOG, m->log_path, err) !=
	    TEEC_OK)
		goto out;
	if (m->network_path != NULL && put_file(a, BUNDLE_NETWORK,
	    m->network_path, err) != TEEC_OK)
		goto out;
	for (i = 0; i < m->narts; i++) {
		if ((size_t)snprintf(name, sizeof(name), "%s%s", BUNDLE_ARTIFACTS,
		    m->arts[i].name) >= sizeof(name) || !bundle_name_ok(name)) {
			teec_errf(err, TEEC_ERROR, "artifact name not allowed in a bundle");
			goto out;
		}
		if (put_file(a, name, m->arts[i].path, err) != TEEC_OK)
			goto out;
	}
	if (archive_write_close(a) != ARCHIVE_OK) {
		teec_errf(err, TEEC_ERROR, "bundle: %s", archive_error_string(a));
		goto out;
	}
	rc = TEEC_OK;
out:
	archive_write_free(a);
	return rc;
}

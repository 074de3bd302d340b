/* SPDX-License-Identifier: ISC */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <openssl/evp.h>

#include "common/caps.h"
#include "common/fileio.h"
#include "enclave/unpack.h"

/*
 * Extraction never goes through a path string: every entry is created
 * with *at() calls relative to a directory fd, walking its parents one
 * component at a time with O_NOFOLLOW | O_DIRECTORY. A symlink can
 * therefore never be written through, whatever the archive does.
 * libarchive only reads; it never writes to disk here.
 */

/* Names already seen, by the first 16 bytes of their SHA-256. */
#define SEEN_KEY	16
struct seen_slot {
	uint8_t used;
	uint8_t key[SEEN_KEY];
};

struct unpacker {
	struct archive *a;
	int rootfd;
	struct unpack_limits lim;
	struct unpack_stats st;
	struct seen_slot *seen;
	size_t nseen, seen_size;
	uint8_t *chunk;
	char norm[TEEC_MAX_PATH_BYTES + 1];
};

/* The name as a quoted-safe string: printable ASCII, the rest \xNN. */
static void
escape_name(const char *s, char *out, size_t outsz)
{
	static const char hex[] = "0123456789abcdef";
	const uint8_t *p = (const uint8_t *)(s != NULL ? s : "");
	size_t o = 0;

	for (; *p != '\0'; p++) {
		if (o + 4 + 4 >= outsz) {
			memcpy(out + o, "...", 3);
			o += 3;
			break;
		}
		if (*p >= 0x20 && *p < 0x7f && *p != '\\' && *p != '"')
			out[o++] = (char)*p;
		else {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[*p >> 4];
			out[o++] = hex[*p & 0x0f];
		}
	}
	out[o] = '\0';
}

static int
refuse(struct teec_err *err, int status, const char *name, const char *fmt,
    ...) __attribute__((format(printf, 4, 5)));

static int
refuse(struct teec_err *err, int status, const char *name, const char *fmt,
    ...)
{
	char ename[160], why[320];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	escape_name(name, ename, sizeof(ename));
	return teec_errf(err, status, "source entry \"%s\": %s", ename, why);
}

/*
 * Remember a normalised name. Returns 1 if it was new, 0 if seen before,
 * -1 when out of memory. The table holds at most max_entries names and
 * is kept at most half full.
 */
static int
seen_add(struct unpacker *u, const char *name, size_t len)
{
	struct seen_slot *t, *old;
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned int mdlen;
	size_t i, j, nsize, mask;
	uint64_t h;

	if (EVP_Digest(name, len, md, &mdlen, EVP_sha256(), NULL) != 1)
		return -1;
	if (2 * (u->nseen + 1) > u->seen_size) {
		nsize = u->seen_size ? 2 * u->seen_size : 1024;
		if ((t = calloc(nsize, sizeof(*t))) == NULL)
			return -1;
		old = u->seen;
		for (i = 0; i < u->seen_size; i++) {
			if (!old[i].used)
				continue;
			memcpy(&h, old[i].key, sizeof(h));
			for (j = h & (nsize - 1); t[j].used; j = (j + 1) &
			    (nsize - 1))
				;
			t[j] = old[i];
		}
		free(old);
		u->seen = t;
		u->seen_size = nsize;
	}
	mask = u->seen_size - 1;
	memcpy(&h, md, sizeof(h));
	for (j = h & mask; u->seen[j].used; j = (j + 1) & mask)
		if (memcmp(u->seen[j].key, md, SEEN_KEY) == 0)
			return 0;
	u->seen[j].used = 1;
	memcpy(u->seen[j].key, md, SEEN_KEY);
	u->nseen++;
	return 1;
}

/*
 * Check an entry name and normalise it into u->norm: components joined by
 * one '/', "." components dropped, one trailing '/' allowed on
 * directories. Sets *ncomp (0 for the root itself). Returns NULL or the
 * reason for refusing.
 */
static const char *
check_name(struct unpacker *u, const char *name, int is_dir, size_t *ncomp)
{
	const char *p, *c, *e;
	size_t len, clen, o = 0, n = 0;

	*ncomp = 0;
	if (name == NULL || name[0] == '\0')
		return "empty name";
	len = strlen(name);
	if (len > TEEC_MAX_PATH_BYTES)
		return "name longer than TEEC_MAX_PATH_BYTES";
	for (p = name; *p != '\0'; p++)
		if ((uint8_t)*p < 0x20 || (uint8_t)*p == 0x7f)
			return "control character in name";
	if (name[0] == '/')
		return "absolute path";
	if (name[len - 1] == '/') {
		if (!is_dir)
			return "trailing '/' on a non-directory";
		len--;
	}
	for (c = name; c <= name + len; c = e + 1) {
		if ((e = memchr(c, '/', (size_t)(name + len - c))) == NULL)
			e = name + len;
		clen = (size_t)(e - c);
		if (clen == 0)
			return "empty path component";
		if (clen == 1 && c[0] == '.')
			continue;
		if (clen == 2 && c[0] == '.' && c[1] == '.')
			return "'..' component";
		if (clen > NAME_MAX)
			return "path component longer than NAME_MAX";
		if (++n > TEEC_MAX_SOURCE_DEPTH)
			return "deeper than TEEC_MAX_SOURCE_DEPTH components";
		if (o > 0)
			u->norm[o++] = '/';
		memcpy(u->norm + o, c, clen);
		o += clen;
	}
	u->norm[o] = '\0';
	*ncomp = n;
	return NULL;
}

/*
 * A symlink target must be relative and, resolved lexically from the
 * directory holding the link (depth components below the root), stay
 * inside the tree. Every `..` must also come before the first name: a
 * target like "x/../.." where x is itself a symlink (say to ".") resolves
 * physically above where it reads lexically. With that form, by induction
 * over the links in the tree, no path through them leaves the root.
 * Returns NULL or the reason for refusing.
 */
static const char *
check_link_target(const char *t, size_t depth)
{
	const char *c, *e, *end;
	size_t clen, up = 0, names = 0;

	if (t == NULL || t[0] == '\0')
		return "empty symlink target";
	if (strlen(t) > TEEC_MAX_PATH_BYTES)
		return "symlink target longer than TEEC_MAX_PATH_BYTES";
	for (c = t; *c != '\0'; c++)
		if ((uint8_t)*c < 0x20 || (uint8_t)*c == 0x7f)
			return "control character in symlink target";
	if (t[0] == '/')
		return "absolute symlink target";
	end = t + strlen(t);
	for (c = t; c <= end; c = e + 1) {
		if ((e = memchr(c, '/', (size_t)(end - c))) == NULL)
			e = end;
		clen = (size_t)(e - c);
		if (clen == 0 || (clen == 1 && c[0] == '.'))
			continue;
		if (clen == 2 && c[0] == '.' && c[1] == '.') {
			if (names > 0)
				return "symlink target has '..' after a name";
			if (++up > depth)
				return "symlink target leaves the tree";
			continue;
		}
		names++;
	}
	return NULL;
}

/*
 * Open the directory that holds the last component of u->norm, creating
 * missing parents 0755, never following a symlink. *last points into
 * u->norm at the last component. Returns an fd (possibly u->rootfd, which
 * the caller must not close) or -1 with the status in *rc.
 */
static int
open_parent(struct unpacker *u, const char *name, const char **last,
    int *rc, struct teec_err *err)
{
	char *c = u->norm, *slash = NULL;
	int cur = u->rootfd, fd;

	while ((slash = strchr(c, '/')) != NULL) {
		*slash = '\0';
		fd = openat(cur, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
		if (fd == -1 && errno == ENOENT) {
			if (mkdirat(cur, c, 0755) == -1) {
				*rc = refuse(err, TEEC_ERROR, name,
				    "creating parent \"%s\": %s", u->norm,
				    strerror(errno));
				goto fail;
			}
			fd = openat(cur, c, O_RDONLY | O_DIRECTORY |
			    O_NOFOLLOW | O_CLOEXEC);
			if (fd != -1 && fchmod(fd, 0755) == -1) {
				close(fd);
				fd = -1;
			}
			if (fd != -1)
				u->st.dirs++;
		}
		if (fd == -1 && (errno == ELOOP || errno == ENOTDIR)) {
			/* The archive made it a file or a symlink earlier. */
			*rc = refuse(err, TEEC_FAIL, name,
			    "parent \"%s\" is not a directory", u->norm);
			goto fail;
		}
		if (fd == -1) {
			*rc = refuse(err, TEEC_ERROR, name, "opening parent "
			    "\"%s\": %s", u->norm, strerror(errno));
			goto fail;
		}
		*slash = '/';
		if (cur != u->rootfd)
			close(cur);
		cur = fd;
		c = slash + 1;
	}
	*last = c;
	return cur;
fail:
	if (slash != NULL)
		*slash = '/';
	if (cur != u->rootfd)
		close(cur);
	return -1;
}

static void
entry_times(struct archive_entry *ae, struct timespec ts[2])
{
	ts[0].tv_sec = 0;
	ts[0].tv_nsec = UTIME_OMIT;
	ts[1] = ts[0];
	if (archive_entry_mtime_is_set(ae)) {
		ts[0].tv_sec = archive_entry_mtime(ae);
		ts[0].tv_nsec = 0;
		ts[1] = ts[0];
	}
}

static int
extract_file(struct unpacker *u, struct archive_entry *ae, const char *name,
    int pfd, const char *last, struct teec_err *err)
{
	struct timespec ts[2];
	mode_t mode;
	la_int64_t size = archive_entry_size(ae);
	la_ssize_t r;
	int fd = -1, rc = TEEC_ERROR;

	if (archive_entry_size_is_set(ae) && (size < 0 ||
	    (uint64_t)size > u->lim.max_bytes - u->st.bytes)) {
		rc = refuse(err, TEEC_FAIL, name, "file content over the limit "
		    "of %llu bytes", (unsigned long long)u->lim.max_bytes);
		goto out;
	}
	mode = (archive_entry_perm(ae) & 0111) ? 0755 : 0644;
	fd = openat(pfd, last, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600);
	if (fd == -1 && errno == EEXIST) {
		rc = refuse(err, TEEC_FAIL, name, "already exists");
		goto out;
	}
	if (fd == -1) {
		rc = refuse(err, TEEC_ERROR, name, "%s", strerror(errno));
		goto out;
	}
	for (;;) {
		r = archive_read_data(u->a, u->chunk, TEEC_IO_CHUNK);
		if (r == 0)
			break;
		if (r < 0) {
			rc = refuse(err, TEEC_FAIL, name, "malformed content: %s",
			    archive_error_string(u->a));
			goto out;
		}
		if ((uint64_t)r > u->lim.max_bytes - u->st.bytes) {
			rc = refuse(err, TEEC_FAIL, name, "file content over "
			    "the limit of %llu bytes",
			    (unsigned long long)u->lim.max_bytes);
			goto out;
		}
		if (write_all(fd, u->chunk, (size_t)r) == -1) {
			rc = refuse(err, TEEC_ERROR, name, "%s", strerror(errno));
			goto out;
		}
		u->st.bytes += (uint64_t)r;
	}
	entry_times(ae, ts);
	if (fchmod(fd, mode) == -1 || futimens(fd, ts) == -1) {
		rc = refuse(err, TEEC_ERROR, name, "%s", strerror(errno));
		goto out;
	}
	rc = close(fd) == -1 ? refuse(err, TEEC_ERROR, name, "%s",
	    strerror(errno)) : TEEC_OK;
	fd = -1;
	if (rc == TEEC_OK)
		u->st.files++;
out:
	if (fd != -1)
		close(fd);
	return rc;
}

static int
extract_dir(struct unpacker *u, const char *name, int pfd, const char *last,
    struct teec_err *err)
{
	int fd = -1, rc = TEEC_ERROR, created = 1;

	if (mkdirat(pfd, last, 0755) == -1) {
		if (errno != EEXIST) {
			rc = refuse(err, TEEC_ERROR, name, "%s", strerror(errno));
			goto out;
		}
		/* Implied earlier by a deeper entry: fine if a directory. */
		created = 0;
	}
	fd = openat(pfd, last, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1 && (errno == ELOOP || errno == ENOTDIR)) {
		rc = refuse(err, TEEC_FAIL, name,
		    "already exists and is not a directory");
		goto out;
	}
	if (fd == -1 || fchmod(fd, 0755) == -1) {
		rc = refuse(err, TEEC_ERROR, name, "%s", strerror(errno));
		goto out;
	}
	if (created)
		u->st.dirs++;
	rc = TEEC_OK;
out:
	if (fd != -1)
		close(fd);
	return rc;
}

static int
extract_symlink(struct unpacker *u, struct archive_entry *ae,
    const char *name, size_t ncomp, int pfd, const char *last,
    struct teec_err *err)
{
	struct timespec ts[2];
	const char *target = archive_entry_symlink(ae), *why;
	char etarget[160];

	if ((why = check_link_target(target, ncomp - 1)) != NULL) {
		escape_name(target, etarget, sizeof(etarget));
		return refuse(err, TEEC_FAIL, name, "%s (\"%s\")", why, etarget);
	}
	if (symlinkat(target, pfd, last) == -1) {
		if (errno == EEXIST)
			return refuse(err, TEEC_FAIL, name, "already exists");
		return refuse(err, TEEC_ERROR, name, "%s", strerror(errno));
	}
	entry_times(ae, ts);
	if (utimensat(pfd, last, ts, AT_SYMLINK_NOFOLLOW) == -1)
		return refuse(err, TEEC_ERROR, name, "%s", strerror(errno));
	u->st.symlinks++;
	return TEEC_OK;
}

static const char *
type_name(mode_t type)
{
	switch (type) {
	case AE_IFCHR:
		return "character device";
	case AE_IFBLK:
		return "block device";
	case AE_IFIFO:
		return "fifo";
	case AE_IFSOCK:
		return "socket";
	default:
		return "unsupported file type";
	}
}

static int
extract_entry(struct unpacker *u, struct archive_entry *ae,
    struct teec_err *err)
{
	const char *name = archive_entry_pathname(ae), *why, *last = NULL;
	mode_t type = archive_entry_filetype(ae);
	size_t ncomp;
	int pfd = -1, rc = TEEC_ERROR, r;

	if (archive_entry_hardlink(ae) != NULL) {
		rc = refuse(err, TEEC_FAIL, name, "hard link");
		goto out;
	}
	if (type != AE_IFREG && type != AE_IFDIR && type != AE_IFLNK) {
		rc = refuse(err, TEEC_FAIL, name, "%s", type_name(type));
		goto out;
	}
	if ((why = check_name(u, name, type == AE_IFDIR, &ncomp)) != NULL) {
		rc = refuse(err, TEEC_FAIL, name, "%s", why);
		goto out;
	}
	if (ncomp == 0 && type != AE_IFDIR) {
		rc = refuse(err, TEEC_FAIL, name, "names the root directory");
		goto out;
	}
	if ((r = seen_add(u, u->norm, strlen(u->norm))) == -1) {
		rc = teec_errf(err, TEEC_ERROR, "out of memory");
		goto out;
	}
	if (r == 0) {
		rc = refuse(err, TEEC_FAIL, name, "duplicate entry");
		goto out;
	}
	if (ncomp == 0) {	/* "." or "./": the root, which exists */
		rc = TEEC_OK;
		goto out;
	}
	if ((pfd = open_parent(u, name, &last, &rc, err)) == -1)
		goto out;
	switch (type) {
	case AE_IFREG:
		rc = extract_file(u, ae, name, pfd, last, err);
		break;
	case AE_IFDIR:
		rc = extract_dir(u, name, pfd, last, err);
		break;
	default:
		rc = extract_symlink(u, ae, name, ncomp, pfd, last, err);
		break;
	}
out:
	if (pfd != -1 && pfd != u->rootfd)
		close(pfd);
	return rc;
}

/*
 * Remove everything inside dfd without following symlinks. Depth is
 * bounded by what extraction can create (TEEC_MAX_SOURCE_DEPTH), so at
 * most that many directories are open at once.
 */
static void
remove_contents(int dfd, size_t depth)
{
	struct dirent *de;
	DIR *d;
	size_t removed;
	int fd, sub;

	if (depth > TEEC_MAX_SOURCE_DEPTH + 1)
		return;
	if ((fd = dup(dfd)) == -1)
		return;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return;
	}
	/* Repeat until a pass removes nothing: readdir need not return
	 * every entry while the directory changes under it. */
	do {
		removed = 0;
		rewinddir(d);
		while ((de = readdir(d)) != NULL) {
			if (strcmp(de->d_name, ".") == 0 ||
			    strcmp(de->d_name, "..") == 0)
				continue;
			if (unlinkat(dfd, de->d_name, 0) == 0) {
				removed++;
				continue;
			}
			if (errno != EISDIR && errno != EPERM)
				continue;
			sub = openat(dfd, de->d_name, O_RDONLY | O_DIRECTORY |
			    O_NOFOLLOW | O_CLOEXEC);
			if (sub == -1)
				continue;
			remove_contents(sub, depth + 1);
			close(sub);
			if (unlinkat(dfd, de->d_name, AT_REMOVEDIR) == 0)
				removed++;
		}
	} while (removed > 0);
	closedir(d);
}

/* 1 if dfd has no entry but "." and "..", 0 if it has, -1 on error. */
static int
dir_is_empty(int dfd)
{
	struct dirent *de;
	DIR *d;
	int fd, empty = 1;

	if ((fd = dup(dfd)) == -1)
		return -1;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return -1;
	}
	errno = 0;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0) {
			empty = 0;
			break;
		}
	}
	if (de == NULL && errno != 0)
		empty = -1;
	closedir(d);
	return empty;
}

/* Runs the extraction on an archive already opened for reading. */
static int
unpack_run(struct unpacker *u, const char *dir, struct teec_err *err)
{
	struct archive_entry *ae;
	int r, rc = TEEC_ERROR, empty;

	if ((u->rootfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		teec_errf(err, TEEC_ERROR, "%s: %s", dir, strerror(errno));
		goto out;
	}
	if ((empty = dir_is_empty(u->rootfd)) != 1) {
		teec_errf(err, TEEC_ERROR, "%s: %s", dir, empty == 0 ?
		    "directory is not empty" : strerror(errno));
		close(u->rootfd);
		u->rootfd = -1;
		goto out;
	}
	if ((u->chunk = malloc(TEEC_IO_CHUNK)) == NULL) {
		teec_errf(err, TEEC_ERROR, "out of memory");
		goto out;
	}
	for (;;) {
		r = archive_read_next_header(u->a, &ae);
		if (r == ARCHIVE_EOF)
			break;
		if (r != ARCHIVE_OK) {
			/* Warnings too: a lossy read is not what was sent. */
			rc = teec_errf(err, TEEC_FAIL, "source archive: "
			    "malformed after %llu entries: %s",
			    (unsigned long long)u->st.entries,
			    archive_error_string(u->a));
			goto out;
		}
		if (u->st.entries >= u->lim.max_entries) {
			rc = teec_errf(err, TEEC_FAIL, "source archive: more "
			    "than %llu entries",
			    (unsigned long long)u->lim.max_entries);
			goto out;
		}
		u->st.entries++;
		if ((rc = extract_entry(u, ae, err)) != TEEC_OK)
			goto out;
		rc = TEEC_ERROR;
	}
	rc = TEEC_OK;
out:
	if (rc != TEEC_OK && u->rootfd != -1)
		remove_contents(u->rootfd, 0);
	return rc;
}

static int
unpack_common(int fd, const void *p, size_t n, const char *dir,
    const struct unpack_limits *lim, struct unpack_stats *st,
    struct teec_err *err)
{
	struct unpacker u;
	locale_t utf8 = (locale_t)0, old = (locale_t)0;
	int rc = TEEC_ERROR, r;

	/*
	 * pax stores names as UTF-8 (POSIX pax, "path"), which libarchive
	 * converts to this thread's locale: under "C" any non-ASCII name
	 * would fail to convert. Names are bytes here, so read them under
	 * C.UTF-8 (built into glibc since 2.35), for this thread only.
	 */
	if ((utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0)) !=
	    (locale_t)0)
		old = uselocale(utf8);

	memset(&u, 0, sizeof(u));
	u.rootfd = -1;
	u.lim.max_entries = TEEC_MAX_SOURCE_ENTRIES;
	u.lim.max_bytes = TEEC_MAX_SOURCE_BYTES;
	if (lim != NULL && lim->max_entries < u.lim.max_entries)
		u.lim.max_entries = lim->max_entries;
	if (lim != NULL && lim->max_bytes < u.lim.max_bytes)
		u.lim.max_bytes = lim->max_bytes;

	if ((u.a = archive_read_new()) == NULL) {
		teec_errf(err, TEEC_ERROR, "out of memory");
		goto out;
	}
	/* Tar only (ustar, pax, GNU), no compression filter. */
	if (archive_read_support_format_tar(u.a) != ARCHIVE_OK) {
		teec_errf(err, TEEC_ERROR, "libarchive: %s",
		    archive_error_string(u.a));
		goto out;
	}
	if (p != NULL)
		r = archive_read_open_memory(u.a, p, n);
	else
		r = archive_read_open_fd(u.a, fd, 64 * 1024);
	if (r != ARCHIVE_OK) {
		rc = teec_errf(err, TEEC_FAIL, "source archive: %s",
		    archive_error_string(u.a));
		goto out;
	}
	rc = unpack_run(&u, dir, err);
out:
	if (st != NULL)
		*st = u.st;
	if (u.rootfd != -1)
		close(u.rootfd);
	archive_read_free(u.a);
	free(u.seen);
	free(u.chunk);
	if (utf8 != (locale_t)0) {
		uselocale(old);
		freelocale(utf8);
	}
	return rc;
}

int
unpack_tar_fd(int fd, const char *dir, const struct unpack_limits *lim,
    struct unpack_stats *st, struct teec_err *err)
{
	return unpack_common(fd, NULL, 0, dir, lim, st, err);
}

int
unpack_tar_mem(const void *p, size_t n, const char *dir,
    const struct unpack_limits *lim, struct unpack_stats *st,
    struct teec_err *err)
{
	static const uint8_t empty = 0;

	return unpack_common(-1, p != NULL ? p : &empty, n, dir, lim, st,
	    err);
}

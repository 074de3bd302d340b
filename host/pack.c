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

#include <archive.h>
#include <archive_entry.h>
#include <openssl/evp.h>

#include "common/buf.h"
#include "common/caps.h"
#include "common/fileio.h"
#include "host/pack.h"

/* One path found by the walk, relative to the root. */
struct pent {
	char *path;
	mode_t type;		/* S_IFREG, S_IFDIR or S_IFLNK */
};

struct walker {
	struct pent *v;
	size_t n, size;
	const struct pack_opts *o;
	int have_out;		/* skip the output file itself */
	dev_t out_dev;
	ino_t out_ino;
	struct teec_err *err;
};

/* Where the archive goes: the caller's fd, hashed and counted. */
struct sink {
	int fd;
	EVP_MD_CTX *md;
	uint64_t bytes;
};

static void
walker_free(struct walker *w)
{
	size_t i;

	if (w == NULL)
		return;
	for (i = 0; i < w->n; i++)
		free(w->v[i].path);
	free(w->v);
	w->v = NULL;
	w->n = w->size = 0;
}

static int
excluded(const struct walker *w, const char *rel)
{
	const char *x;
	size_t i, len;

	if (w->o == NULL)
		return 0;
	for (i = 0; i < w->o->nexclude; i++) {
		if ((x = w->o->exclude[i]) == NULL)
			continue;
		while (x[0] == '.' && x[1] == '/')
			x += 2;
		len = strlen(x);
		while (len > 0 && x[len - 1] == '/')
			len--;
		if (len > 0 && strncmp(rel, x, len) == 0 && rel[len] == '\0')
			return 1;
	}
	return 0;
}

static const char *
refused_type(mode_t m)
{
	if (S_ISFIFO(m))
		return "fifo";
	if (S_ISSOCK(m))
		return "socket";
	if (S_ISCHR(m))
		return "character device";
	if (S_ISBLK(m))
		return "block device";
	return "unsupported file type";
}

static int
has_control(const char *s)
{
	for (; *s != '\0'; s++)
		if ((uint8_t)*s < 0x20 || (uint8_t)*s == 0x7f)
			return 1;
	return 0;
}

static int
cmp_pent(const void *a, const void *b)
{
	return strcmp(((const struct pent *)a)->path,
	    ((const struct pent *)b)->path);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Add the contents of dfd (whose path is prefix, "" for the root) to w,
 * recursing into directories. The names of one directory are read and the
 * directory closed before recursing, so one fd is open per level.
 */
static int
walk(struct walker *w, int dfd, const char *prefix, size_t depth)
{
	struct dirent *de;
	struct stat sb;
	struct pent *nv;
	DIR *d = NULL;
	char **names = NULL, **nn, *rel = NULL;
	size_t nnames = 0, sizenames = 0, i, rlen;
	int fd, sub = -1, rc = TEEC_ERROR;

	if ((fd = dup(dfd)) == -1 || (d = fdopendir(fd)) == NULL) {
		if (fd != -1)
			close(fd);
		teec_errf(w->err, TEEC_ERROR, "%s: %s", prefix[0] ? prefix :
		    ".", strerror(errno));
		goto out;
	}
	errno = 0;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (nnames == sizenames) {
			sizenames = sizenames ? 2 * sizenames : 64;
			if ((nn = reallocarray(names, sizenames,
			    sizeof(*names))) == NULL)
				goto oom;
			names = nn;
		}
		if ((names[nnames] = strdup(de->d_name)) == NULL)
			goto oom;
		nnames++;
		errno = 0;
	}
	if (errno != 0) {
		teec_errf(w->err, TEEC_ERROR, "%s: %s", prefix[0] ? prefix :
		    ".", strerror(errno));
		goto out;
	}
	closedir(d);
	d = NULL;
	/* Sorted here only so errors come in a stable order. */
	if (nnames > 1)
		qsort(names, nnames, sizeof(*names), cmp_str);

	for (i = 0; i < nnames; i++) {
		free(rel);
		rlen = strlen(prefix) + 1 + strlen(names[i]) + 1;
		if ((rel = malloc(rlen)) == NULL)
			goto oom;
		if (prefix[0] != '\0')
			snprintf(rel, rlen, "%s/%s", prefix, names[i]);
		else
			snprintf(rel, rlen, "%s", names[i]);
		if (excluded(w, rel))
			continue;
		if (fstatat(dfd, names[i], &sb, AT_SYMLINK_NOFOLLOW) == -1) {
			teec_errf(w->err, TEEC_ERROR, "%s: %s", rel,
			    strerror(errno));
			goto out;
		}
		if (w->have_out && S_ISREG(sb.st_mode) &&
		    sb.st_dev == w->out_dev && sb.st_ino == w->out_ino)
			continue;
		if (has_control(rel)) {
			rc = teec_errf(w->err, TEEC_FAIL,
			    "a path has a control character in its name "
			    "(below \"%s\")", prefix[0] ? prefix : ".");
			goto out;
		}
		if (depth + 1 > TEEC_MAX_SOURCE_DEPTH) {
			rc = teec_errf(w->err, TEEC_FAIL, "%.64s...: deeper "
			    "than %u components", rel, TEEC_MAX_SOURCE_DEPTH);
			goto out;
		}
		if (strlen(rel) > TEEC_MAX_PATH_BYTES) {
			rc = teec_errf(w->err, TEEC_FAIL, "%.64s...: path "
			    "longer than %u bytes", rel, TEEC_MAX_PATH_BYTES);
			goto out;
		}
		if (!S_ISREG(sb.st_mode) && !S_ISDIR(sb.st_mode) &&
		    !S_ISLNK(sb.st_mode)) {
			rc = teec_errf(w->err, TEEC_FAIL, "%s: %s: only regular "
			    "files, directories and symlinks can be packed",
			    rel, refused_type(sb.st_mode));
			goto out;
		}
		if (w->n >= TEEC_MAX_SOURCE_ENTRIES) {
			rc = teec_errf(w->err, TEEC_FAIL, "more than %u entries "
			    "in the tree", TEEC_MAX_SOURCE_ENTRIES);
			goto out;
		}
		if (w->n == w->size) {
			w->size = w->size ? 2 * w->size : 256;
			if ((nv = reallocarray(w->v, w->size,
			    sizeof(*w->v))) == NULL)
				goto oom;
			w->v = nv;
		}
		w->v[w->n].path = rel;
		w->v[w->n].type = sb.st_mode & S_IFMT;
		w->n++;
		rel = NULL;
		if (!S_ISDIR(sb.st_mode))
			continue;
		sub = openat(dfd, names[i], O_RDONLY | O_DIRECTORY |
		    O_NOFOLLOW | O_CLOEXEC);
		if (sub == -1) {
			teec_errf(w->err, TEEC_ERROR, "%s: %s",
			    w->v[w->n - 1].path, strerror(errno));
			goto out;
		}
		if ((rc = walk(w, sub, w->v[w->n - 1].path, depth + 1)) !=
		    TEEC_OK)
			goto out;
		rc = TEEC_ERROR;
		close(sub);
		sub = -1;
	}
	rc = TEEC_OK;
	goto out;
oom:
	teec_errf(w->err, TEEC_ERROR, "out of memory");
out:
	if (sub != -1)
		close(sub);
	if (d != NULL)
		closedir(d);
	for (i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	free(rel);
	return rc;
}

static la_ssize_t
sink_write(struct archive *a, void *arg, const void *p, size_t n)
{
	struct sink *s = arg;

	if (write_all(s->fd, p, n) == -1) {
		archive_set_error(a, errno, "writing the archive: %s",
		    strerror(errno));
		return -1;
	}
	if (EVP_DigestUpdate(s->md, p, n) != 1) {
		archive_set_error(a, EIO, "SHA-256 failed");
		return -1;
	}
	s->bytes += n;
	return (la_ssize_t)n;
}

/* Copy exactly size bytes of fd into the archive's current entry. */
static int
copy_file(struct archive *a, int fd, const char *path, int64_t size,
    uint8_t *chunk, struct teec_err *err)
{
	uint64_t left = (uint64_t)size;
	la_ssize_t w;
	ssize_t r;
	size_t want, off;

	while (left > 0) {
		want = left < TEEC_IO_CHUNK ? (size_t)left : TEEC_IO_CHUNK;
		r = read(fd, chunk, want);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			return teec_errf(err, TEEC_ERROR, "%s: %s", path,
			    strerror(errno));
		if (r == 0)
			return teec_errf(err, TEEC_ERROR,
			    "%s: file shrank while it was packed", path);
		for (off = 0; off < (size_t)r; off += (size_t)w) {
			w = archive_write_data(a, chunk + off, (size_t)r - off);
			if (w <= 0)
				return teec_errf(err, TEEC_ERROR, "%s: %s", path,
				    archive_error_string(a));
		}
		left -= (uint64_t)r;
	}
	while ((r = read(fd, chunk, 1)) == -1 && errno == EINTR)
		;
	if (r != 0)
		return teec_errf(err, TEEC_ERROR, r > 0 ?
		    "%s: file grew while it was packed" : "%s: read error",
		    path);
	return TEEC_OK;
}

/* Write one walked path as an archive entry. */
static int
pack_entry(struct archive *a, struct archive_entry *ae, int rootfd,
    const struct pent *pe, int64_t mtime, uint64_t *total, uint8_t *chunk,
    struct teec_err *err)
{
	struct stat sb;
	char *name = NULL, target[TEEC_MAX_PATH_BYTES + 2];
	size_t len;
	ssize_t tl;
	int fd = -1, rc = TEEC_ERROR;

	archive_entry_clear(ae);
	archive_entry_set_uid(ae, 0);
	archive_entry_set_gid(ae, 0);
	archive_entry_set_mtime(ae, (time_t)mtime, 0);
	archive_entry_set_size(ae, 0);

	switch (pe->type) {
	case S_IFDIR:
		len = strlen(pe->path);
		if ((name = malloc(len + 2)) == NULL) {
			teec_errf(err, TEEC_ERROR, "out of memory");
			goto out;
		}
		memcpy(name, pe->path, len);
		name[len] = '/';
		name[len + 1] = '\0';
		archive_entry_set_pathname(ae, name);
		archive_entry_set_filetype(ae, AE_IFDIR);
		archive_entry_set_perm(ae, 0755);
		break;
	case S_IFLNK:
		tl = readlinkat(rootfd, pe->path, target, sizeof(target));
		if (tl == -1) {
			teec_errf(err, TEEC_ERROR, "%s: %s", pe->path,
			    strerror(errno));
			goto out;
		}
		if ((size_t)tl > TEEC_MAX_PATH_BYTES) {
			rc = teec_errf(err, TEEC_FAIL, "%s: symlink target "
			    "longer than %u bytes", pe->path,
			    TEEC_MAX_PATH_BYTES);
			goto out;
		}
		target[tl] = '\0';
		if (tl == 0 || has_control(target)) {
			rc = teec_errf(err, TEEC_FAIL, "%s: symlink target is "
			    "empty or has a control character", pe->path);
			goto out;
		}
		archive_entry_set_pathname(ae, pe->path);
		archive_entry_set_filetype(ae, AE_IFLNK);
		archive_entry_set_perm(ae, 0777);
		archive_entry_set_symlink(ae, target);
		break;
	default:
		fd = openat(rootfd, pe->path, O_RDONLY | O_NOFOLLOW |
		    O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
		if (fd == -1 || fstat(fd, &sb) == -1) {
			teec_errf(err, TEEC_ERROR, "%s: %s", pe->path,
			    strerror(errno));
			goto out;
		}
		if (!S_ISREG(sb.st_mode)) {
			teec_errf(err, TEEC_ERROR, "%s: changed type while it "
			    "was packed", pe->path);
			goto out;
		}
		if ((uint64_t)sb.st_size > TEEC_MAX_SOURCE_BYTES - *total) {
			rc = teec_errf(err, TEEC_FAIL, "the tree holds more "
			    "than %llu bytes (at %s)",
			    (unsigned long long)TEEC_MAX_SOURCE_BYTES, pe->path);
			goto out;
		}
		*total += (uint64_t)sb.st_size;
		archive_entry_set_pathname(ae, pe->path);
		archive_entry_set_filetype(ae, AE_IFREG);
		archive_entry_set_perm(ae, (sb.st_mode & 0111) ? 0755 : 0644);
		archive_entry_set_size(ae, sb.st_size);
		break;
	}
	if (archive_write_header(a, ae) != ARCHIVE_OK) {
		teec_errf(err, TEEC_ERROR, "%s: %s", pe->path,
		    archive_error_string(a));
		goto out;
	}
	if (fd != -1 && (rc = copy_file(a, fd, pe->path,
	    archive_entry_size(ae), chunk, err)) != TEEC_OK)
		goto out;
	rc = TEEC_OK;
out:
	if (fd != -1)
		close(fd);
	free(name);
	return rc;
}

int
pack_tree(const char *root, int out_fd, const struct pack_opts *o,
    uint8_t sha256[32], uint64_t *bytes, struct teec_err *err)
{
	struct walker w;
	struct sink s;
	struct stat sb;
	struct archive *a = NULL;
	struct archive_entry *ae = NULL;
	uint8_t *chunk = NULL, dg[EVP_MAX_MD_SIZE];
	uint64_t total = 0;
	unsigned int dlen;
	size_t i;
	int rootfd = -1, rc = TEEC_ERROR, opened = 0;

	memset(&w, 0, sizeof(w));
	memset(&s, 0, sizeof(s));
	w.o = o;
	w.err = err;
	s.fd = out_fd;
	if (fstat(out_fd, &sb) == 0 && S_ISREG(sb.st_mode)) {
		w.have_out = 1;
		w.out_dev = sb.st_dev;
		w.out_ino = sb.st_ino;
	}
	if ((rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		teec_errf(err, TEEC_ERROR, "%s: %s", root, strerror(errno));
		goto out;
	}
	if ((rc = walk(&w, rootfd, "", 0)) != TEEC_OK)
		goto out;
	rc = TEEC_ERROR;
	if (w.n > 1)
		qsort(w.v, w.n, sizeof(*w.v), cmp_pent);

	if ((chunk = malloc(TEEC_IO_CHUNK)) == NULL ||
	    (s.md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(s.md, EVP_sha256(), NULL) != 1 ||
	    (a = archive_write_new()) == NULL ||
	    (ae = archive_entry_new()) == NULL) {
		teec_errf(err, TEEC_ERROR, "out of memory");
		goto out;
	}
	if (archive_write_set_format_pax_restricted(a) != ARCHIVE_OK ||
	    archive_write_set_format_option(a, "pax", "hdrcharset",
	    "BINARY") != ARCHIVE_OK ||
	    archive_write_open(a, &s, NULL, sink_write, NULL) != ARCHIVE_OK) {
		teec_errf(err, TEEC_ERROR, "libarchive: %s",
		    archive_error_string(a));
		goto out;
	}
	opened = 1;
	for (i = 0; i < w.n; i++) {
		rc = pack_entry(a, ae, rootfd, &w.v[i],
		    o != NULL ? o->mtime : 0, &total, chunk, err);
		if (rc != TEEC_OK)
			goto out;
		rc = TEEC_ERROR;
	}
	opened = 0;
	if (archive_write_close(a) != ARCHIVE_OK) {
		teec_errf(err, TEEC_ERROR, "%s", archive_error_string(a));
		goto out;
	}
	if (EVP_DigestFinal_ex(s.md, dg, &dlen) != 1 || dlen != 32) {
		teec_errf(err, TEEC_ERROR, "SHA-256 failed");
		goto out;
	}
	if (sha256 != NULL)
		memcpy(sha256, dg, 32);
	if (bytes != NULL)
		*bytes = s.bytes;
	rc = TEEC_OK;
out:
	if (opened)
		archive_write_fail(a);
	archive_entry_free(ae);
	archive_write_free(a);
	EVP_MD_CTX_free(s.md);
	free(chunk);
	walker_free(&w);
	if (rootfd != -1)
		close(rootfd);
	return rc;
}

/* 1 if s is exactly 40 hex digits (lowered in place), else 0. */
static int
sha1_hex(char *s, size_t len)
{
	size_t i;

	if (len != 40)
		return 0;
	for (i = 0; i < 40; i++) {
		if (s[i] >= 'A' && s[i] <= 'F')
			s[i] = (char)(s[i] - 'A' + 'a');
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' &&
		    s[i] <= 'f')))
			return 0;
	}
	return 1;
}

/* A ref name we are willing to turn into a path: refs/..., no tricks. */
static int
ref_ok(const char *r, size_t len)
{
	size_t i;

	if (len < 6 || len > 1024 || strncmp(r, "refs/", 5) != 0)
		return 0;
	for (i = 0; i < len; i++) {
		if ((uint8_t)r[i] <= 0x20 || (uint8_t)r[i] == 0x7f ||
		    r[i] == '\\')
			return 0;
		if (r[i] == '.' && (i + 1 < len && r[i + 1] == '.'))
			return 0;
		if (r[i] == '/' && (i + 1 == len || r[i + 1] == '/' ||
		    r[i + 1] == '.'))
			return 0;
	}
	return 1;
}

/* Read dir/name (bounded) with trailing white space cut. 0 or -1. */
static int
git_read(const char *dir, const char *name, struct buf *b)
{
	struct buf path;
	int rc = -1;

	buf_init(&path, PATH_MAX);
	memset(b, 0, sizeof(*b));
	if (buf_printf(&path, "%s/%s", dir, name) == -1)
		goto out;
	if (read_file_capped((char *)path.data, TEEC_MAX_GIT_FILE_BYTES, b,
	    NULL) != TEEC_OK)
		goto out;
	while (b->len > 0 && (b->data[b->len - 1] == '\n' ||
	    b->data[b->len - 1] == '\r' || b->data[b->len - 1] == ' '))
		b->data[--b->len] = '\0';
	rc = 0;
out:
	buf_free(&path);
	return rc;
}

/* Find "<hex> <ref>" in packed-refs text. 0 and out set, or -1. */
static int
packed_ref(const struct buf *pr, const char *ref, char out[41])
{
	const char *p = (const char *)pr->data, *end = p + pr->len, *nl;
	char line[41];
	size_t rlen = strlen(ref), llen;

	for (; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		llen = (size_t)(nl - p);
		if (llen > 0 && p[llen - 1] == '\r')
			llen--;
		if (llen != 41 + rlen || p[40] != ' ' ||
		    memcmp(p + 41, ref, rlen) != 0)
			continue;
		memcpy(line, p, 40);
		line[40] = '\0';
		if (!sha1_hex(line, 40))
			return -1;
		memcpy(out, line, 41);
		return 0;
	}
	return -1;
}

int
pack_git_commit(const char *root, char out[41])
{
	struct buf gitdir, common, head, ref, pr, f;
	struct stat sb;
	const char *rname, *gd;
	int rc = -1, hops;

	memset(&head, 0, sizeof(head));
	memset(&ref, 0, sizeof(ref));
	memset(&pr, 0, sizeof(pr));
	memset(&f, 0, sizeof(f));
	buf_init(&gitdir, PATH_MAX);
	buf_init(&common, PATH_MAX);

	if (buf_printf(&gitdir, "%s/.git", root) == -1 ||
	    stat((char *)gitdir.data, &sb) == -1)
		goto out;
	if (S_ISREG(sb.st_mode)) {
		/* A worktree or submodule: ".git" says where the dir is. */
		if (git_read(root, ".git", &f) == -1 ||
		    strncmp((char *)f.data, "gitdir: ", 8) != 0 ||
		    f.len == 8 || memchr(f.data, '\n', f.len) != NULL)
			goto out;
		gd = (char *)f.data + 8;
		buf_free(&gitdir);
		buf_init(&gitdir, PATH_MAX);
		if ((gd[0] == '/' ? buf_printf(&gitdir, "%s", gd) :
		    buf_printf(&gitdir, "%s/%s", root, gd)) == -1)
			goto out;
	} else if (!S_ISDIR(sb.st_mode))
		goto out;

	/* Linked worktrees keep refs in the common dir. */
	buf_free(&f);
	if (git_read((char *)gitdir.data, "commondir", &f) == 0 && f.len > 0 &&
	    memchr(f.data, '\n', f.len) == NULL) {
		if ((f.data[0] == '/' ? buf_printf(&common, "%s", f.data) :
		    buf_printf(&common, "%s/%s", gitdir.data, f.data)) == -1)
			goto out;
	} else if (buf_printf(&common, "%s", gitdir.data) == -1)
		goto out;

	if (git_read((char *)gitdir.data, "HEAD", &head) == -1)
		goto out;
	/* A symbolic ref may name another; follow a few. */
	for (hops = 0; hops < 5; hops++) {
		if (sha1_hex((char *)head.data, head.len)) {
			memcpy(out, head.data, 41);
			rc = 0;
			goto out;
		}
		if (head.len < 5 || strncmp((char *)head.data, "ref: ", 5) != 0)
			goto out;
		rname = (char *)head.data + 5;
		if (!ref_ok(rname, head.len - 5))
			goto out;
		buf_free(&ref);
		if (git_read((char *)gitdir.data, rname, &ref) == -1 &&
		    git_read((char *)common.data, rname, &ref) == -1) {
			/* Not loose: packed-refs, or an unborn branch. */
			if (git_read((char *)common.data, "packed-refs",
			    &pr) == -1)
				goto out;
			rc = packed_ref(&pr, rname, out);
			goto out;
		}
		buf_free(&head);
		head = ref;
		memset(&ref, 0, sizeof(ref));
	}
out:
	buf_free(&gitdir);
	buf_free(&common);
	buf_free(&head);
	buf_free(&ref);
	buf_free(&pr);
	buf_free(&f);
	return rc;
}

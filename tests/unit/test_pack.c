/* SPDX-License-Identifier: ISC */
#include <sys/mman.h>
#include <sys/stat.h>

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <locale.h>

#include <archive.h>
#include <archive_entry.h>
#include <openssl/evp.h>

#include "tests/unit/testutil.h"

#include "common/caps.h"
#include "common/fileio.h"
#include "enclave/unpack.h"
#include "host/pack.h"

struct env {
	char parent[64];
	char src[96];
};

static int
rm_cb(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	return remove(path);
}

static int
setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));

	if (e == NULL)
		return -1;
	snprintf(e->parent, sizeof(e->parent), "/tmp/teec-pack.XXXXXX");
	if (mkdtemp(e->parent) == NULL)
		return -1;
	snprintf(e->src, sizeof(e->src), "%s/src", e->parent);
	if (mkdir(e->src, 0755) == -1)
		return -1;
	*state = e;
	return 0;
}

static int
teardown(void **state)
{
	struct env *e = *state;

	nftw(e->parent, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
	free(e);
	return 0;
}

static void
at(const struct env *e, const char *rel, char *out, size_t n)
{
	snprintf(out, n, "%s/%s", e->src, rel);
}

static void
put(const struct env *e, const char *rel, const char *data, mode_t mode)
{
	char path[512];
	int fd;

	at(e, rel, path, sizeof(path));
	assert_true((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode)) !=
	    -1);
	assert_int_equal(write_all(fd, data, strlen(data)), 0);
	close(fd);
	assert_int_equal(chmod(path, mode), 0);
}

static void
mkd(const struct env *e, const char *rel)
{
	char path[512];

	at(e, rel, path, sizeof(path));
	assert_int_equal(mkdir(path, 0700), 0);
}

static void
lnk(const struct env *e, const char *rel, const char *target)
{
	char path[512];

	at(e, rel, path, sizeof(path));
	assert_int_equal(symlink(target, path), 0);
}

/* A small tree with every kind of entry. */
static void
make_tree(const struct env *e)
{
	mkd(e, "a");
	mkd(e, "a/sub");
	mkd(e, "empty");
	put(e, "a/x.c", "int x;\n", 0600);
	put(e, "a/sub/run.sh", "#!/bin/sh\necho hi\n", 0700);
	put(e, "a-b", "dash\n", 0644);
	put(e, "a.txt", "dot\n", 0664);
	put(e, "B", "upper\n", 0644);
	put(e, "zero", "", 0644);
	lnk(e, "link", "a/x.c");
}

/* Pack into a memfd; returns it rewound. */
static int
pack_to_memfd(const struct env *e, const struct pack_opts *o, int want,
    uint8_t sha[32], uint64_t *bytes, struct teec_err *err)
{
	int fd;

	assert_true((fd = memfd_create("tar", MFD_CLOEXEC)) != -1);
	assert_int_equal(pack_tree(e->src, fd, o, sha, bytes, err), want);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	return fd;
}

static uint8_t *
slurp(int fd, size_t *n)
{
	struct stat sb;
	uint8_t *p;

	assert_int_equal(fstat(fd, &sb), 0);
	*n = (size_t)sb.st_size;
	assert_non_null(p = malloc(*n + 1));
	assert_int_equal(pread(fd, p, *n, 0), (ssize_t)*n);
	return p;
}

static void
sha256_of(const uint8_t *p, size_t n, uint8_t out[32])
{
	unsigned int len;

	assert_int_equal(EVP_Digest(p, n, out, &len, EVP_sha256(), NULL), 1);
}

static void
test_deterministic(void **state)
{
	struct env *e = *state;
	struct pack_opts o = { 0 };
	struct teec_err err;
	struct timespec ts[2] = { { 12345, 0 }, { 987654321, 5 } };
	uint8_t sha1[32], sha2[32], calc[32], *p1, *p2;
	uint64_t b1, b2;
	size_t n1, n2;
	char path[512];
	int fd1, fd2;

	make_tree(e);
	fd1 = pack_to_memfd(e, &o, TEEC_OK, sha1, &b1, &err);

	/* Touch every mtime, change owners and modes within each class. */
	at(e, "a/x.c", path, sizeof(path));
	assert_int_equal(utimensat(AT_FDCWD, path, ts, 0), 0);
	assert_int_equal(chmod(path, 0640), 0);
	if (geteuid() == 0)
		assert_int_equal(lchown(path, 1234, 5678), 0);
	at(e, "a/sub/run.sh", path, sizeof(path));
	assert_int_equal(chmod(path, 0711), 0);
	at(e, "a", path, sizeof(path));
	assert_int_equal(utimensat(AT_FDCWD, path, ts, 0), 0);
	assert_int_equal(chmod(path, 0750), 0);
	at(e, "link", path, sizeof(path));
	assert_int_equal(utimensat(AT_FDCWD, path, ts, AT_SYMLINK_NOFOLLOW),
	    0);
	if (geteuid() == 0)
		assert_int_equal(lchown(path, 42, 42), 0);

	fd2 = pack_to_memfd(e, &o, TEEC_OK, sha2, &b2, &err);
	p1 = slurp(fd1, &n1);
	p2 = slurp(fd2, &n2);
	assert_int_equal(n1, n2);
	assert_int_equal(b1, n1);
	assert_int_equal(b2, n2);
	assert_memory_equal(p1, p2, n1);
	assert_memory_equal(sha1, sha2, 32);
	/* The digest is of exactly the bytes written. */
	sha256_of(p1, n1, calc);
	assert_memory_equal(calc, sha1, 32);
	free(p1);
	free(p2);
	close(fd1);
	close(fd2);
}

static void
test_change_changes_digest(void **state)
{
	struct env *e = *state;
	struct teec_err err;
	uint8_t sha1[32], sha2[32], sha3[32];
	char path[512];
	int fd;

	make_tree(e);
	close(pack_to_memfd(e, NULL, TEEC_OK, sha1, NULL, &err));
	put(e, "a/x.c", "int y;\n", 0600);	/* same size */
	close(pack_to_memfd(e, NULL, TEEC_OK, sha2, NULL, &err));
	assert_memory_not_equal(sha1, sha2, 32);
	/* The exec bit is content too. */
	at(e, "a/x.c", path, sizeof(path));
	assert_int_equal(chmod(path, 0755), 0);
	fd = pack_to_memfd(e, NULL, TEEC_OK, sha3, NULL, &err);
	close(fd);
	assert_memory_not_equal(sha2, sha3, 32);
}

static void
test_mtime_option(void **state)
{
	struct env *e = *state;
	struct pack_opts o0 = { 0 }, o1 = { .mtime = 1700000000 };
	struct archive *a;
	struct archive_entry *ae;
	struct teec_err err;
	uint8_t sha0[32], sha1[32], *p;
	size_t n;
	int fd;

	put(e, "f", "x", 0644);
	close(pack_to_memfd(e, &o0, TEEC_OK, sha0, NULL, &err));
	fd = pack_to_memfd(e, &o1, TEEC_OK, sha1, NULL, &err);
	assert_memory_not_equal(sha0, sha1, 32);
	p = slurp(fd, &n);
	assert_non_null(a = archive_read_new());
	archive_read_support_format_tar(a);
	assert_int_equal(archive_read_open_memory(a, p, n), ARCHIVE_OK);
	assert_int_equal(archive_read_next_header(a, &ae), ARCHIVE_OK);
	assert_int_equal(archive_entry_mtime(ae), 1700000000);
	archive_read_free(a);
	free(p);
	close(fd);
}

/* The member names, types and attributes, in archive order. */
struct member {
	char name[256];
	mode_t type, perm;
	char link[256];
	int64_t size;
};

static size_t
list_members(int fd, struct member *m, size_t max)
{
	struct archive *a;
	struct archive_entry *ae;
	uint8_t *p;
	size_t n, i = 0;
	int r;

	p = slurp(fd, &n);
	assert_non_null(a = archive_read_new());
	archive_read_support_format_tar(a);
	assert_int_equal(archive_read_open_memory(a, p, n), ARCHIVE_OK);
	while ((r = archive_read_next_header(a, &ae)) == ARCHIVE_OK) {
		assert_true(i < max);
		snprintf(m[i].name, sizeof(m[i].name), "%s",
		    archive_entry_pathname(ae));
		m[i].type = archive_entry_filetype(ae);
		m[i].perm = archive_entry_perm(ae);
		m[i].size = archive_entry_size(ae);
		snprintf(m[i].link, sizeof(m[i].link), "%s",
		    archive_entry_symlink(ae) ? archive_entry_symlink(ae) : "");
		assert_int_equal(archive_entry_uid(ae), 0);
		assert_int_equal(archive_entry_gid(ae), 0);
		/* The ustar fields are empty (the reader may say "" or NULL). */
		assert_true(archive_entry_uname(ae) == NULL ||
		    archive_entry_uname(ae)[0] == '\0');
		assert_true(archive_entry_gname(ae) == NULL ||
		    archive_entry_gname(ae)[0] == '\0');
		assert_int_equal(archive_entry_mtime(ae), 0);
		assert_int_equal(archive_entry_mtime_nsec(ae), 0);
		assert_false(archive_entry_atime_is_set(ae));
		assert_false(archive_entry_ctime_is_set(ae));
		assert_null(archive_entry_hardlink(ae));
		i++;
	}
	assert_int_equal(r, ARCHIVE_EOF);
	archive_read_free(a);
	free(p);
	return i;
}

static void
test_sorted_and_normalised(void **state)
{
	static const struct {
		const char *name;
		mode_t type, perm;
	} want[] = {
		{ "B", AE_IFREG, 0644 },
		{ "a/", AE_IFDIR, 0755 },
		{ "a-b", AE_IFREG, 0644 },
		{ "a.txt", AE_IFREG, 0644 },
		{ "a/sub/", AE_IFDIR, 0755 },
		{ "a/sub/run.sh", AE_IFREG, 0755 },
		{ "a/x.c", AE_IFREG, 0644 },
		{ "empty/", AE_IFDIR, 0755 },
		{ "link", AE_IFLNK, 0777 },
		{ "zero", AE_IFREG, 0644 },
	};
	struct env *e = *state;
	struct member m[32];
	struct teec_err err;
	size_t n, i;
	int fd;

	make_tree(e);
	fd = pack_to_memfd(e, NULL, TEEC_OK, NULL, NULL, &err);
	n = list_members(fd, m, 32);
	assert_int_equal(n, sizeof(want) / sizeof(want[0]));
	for (i = 0; i < n; i++) {
		assert_string_equal(m[i].name, want[i].name);
		assert_int_equal(m[i].type, want[i].type);
		assert_int_equal(m[i].perm, want[i].perm);
	}
	close(fd);
}

static void
test_symlink_preserved(void **state)
{
	struct env *e = *state;
	struct member m[8];
	struct teec_err err;
	size_t n;
	int fd;

	lnk(e, "dangling", "does/not/exist");
	lnk(e, "dir-link", "..");
	fd = pack_to_memfd(e, NULL, TEEC_OK, NULL, NULL, &err);
	n = list_members(fd, m, 8);
	assert_int_equal(n, 2);
	assert_string_equal(m[0].name, "dangling");
	assert_int_equal(m[0].type, AE_IFLNK);
	assert_string_equal(m[0].link, "does/not/exist");
	assert_int_equal(m[0].size, 0);
	assert_string_equal(m[1].name, "dir-link");
	assert_string_equal(m[1].link, "..");	/* stored as read */
	close(fd);
}

static void
test_exclude(void **state)
{
	static const char *const ex[] = { ".git", "./out/", "a/sub", "nope" };
	struct env *e = *state;
	struct pack_opts o = { .exclude = ex, .nexclude = 4 };
	struct member m[16];
	struct teec_err err;
	char path[512];
	size_t n;
	int fd;

	mkd(e, ".git");
	put(e, ".git/HEAD", "ref: refs/heads/main\n", 0644);
	mkd(e, "out");
	put(e, "out/o", "o", 0644);
	mkd(e, "a");
	mkd(e, "a/sub");
	put(e, "a/sub/f", "f", 0644);
	put(e, "a/subx", "kept", 0644);
	put(e, ".gitignore", "kept", 0644);
	/* The output file itself, in the tree and not named. */
	at(e, "self.tar", path, sizeof(path));
	assert_true((fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0644)) != -1);
	assert_int_equal(pack_tree(e->src, fd, &o, NULL, NULL, &err), TEEC_OK);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	n = list_members(fd, m, 16);
	assert_int_equal(n, 3);
	assert_string_equal(m[0].name, ".gitignore");
	assert_string_equal(m[1].name, "a/");
	assert_string_equal(m[2].name, "a/subx");
	close(fd);
}

static void
test_fifo_refused(void **state)
{
	struct env *e = *state;
	struct teec_err err;
	char path[512];
	int fd;

	mkd(e, "d");
	at(e, "d/pipe", path, sizeof(path));
	assert_int_equal(mkfifo(path, 0644), 0);
	assert_true((fd = memfd_create("tar", MFD_CLOEXEC)) != -1);
	assert_int_equal(pack_tree(e->src, fd, NULL, NULL, NULL, &err),
	    TEEC_FAIL);
	assert_non_null(strstr(err.msg, "d/pipe: fifo"));
	close(fd);
}

static void
test_missing_root(void **state)
{
	struct env *e = *state;
	struct teec_err err;
	char path[512];
	int fd;

	at(e, "nothing-here", path, sizeof(path));
	assert_true((fd = memfd_create("tar", MFD_CLOEXEC)) != -1);
	assert_int_equal(pack_tree(path, fd, NULL, NULL, NULL, &err),
	    TEEC_ERROR);
	assert_non_null(strstr(err.msg, "nothing-here"));
	close(fd);
}

static void
test_locale_independent(void **state)
{
	struct env *e = *state;
	struct teec_err err;
	uint8_t sha1[32], sha2[32];

	put(e, "caf\xc3\xa9.txt", "accent", 0644);
	put(e, "raw\xff", "not utf-8", 0644);
	assert_non_null(setlocale(LC_ALL, "C"));
	close(pack_to_memfd(e, NULL, TEEC_OK, sha1, NULL, &err));
	if (setlocale(LC_ALL, "C.UTF-8") == NULL) {
		print_message("note: C.UTF-8 locale not available\n");
		return;
	}
	close(pack_to_memfd(e, NULL, TEEC_OK, sha2, NULL, &err));
	setlocale(LC_ALL, "C");
	assert_memory_equal(sha1, sha2, 32);
}

/* Compare two trees: same names, types, modes, contents, link targets. */
static void
compare_trees(const char *a, const char *b)
{
	struct dirent *de;
	struct stat sa, sb;
	DIR *d;
	char pa[1024], pb[1024], ca[256], cb[256];
	ssize_t la, lb;
	int na = 0, nb = 0, fa, fb;

	assert_non_null(d = opendir(a));
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		na++;
		snprintf(pa, sizeof(pa), "%s/%s", a, de->d_name);
		snprintf(pb, sizeof(pb), "%s/%s", b, de->d_name);
		assert_int_equal(lstat(pa, &sa), 0);
		if (lstat(pb, &sb) != 0)
			fail_msg("%s missing after the round trip", pb);
		assert_int_equal(sa.st_mode & S_IFMT, sb.st_mode & S_IFMT);
		if (S_ISDIR(sa.st_mode)) {
			assert_int_equal(sb.st_mode & 07777, 0755);
			compare_trees(pa, pb);
		} else if (S_ISLNK(sa.st_mode)) {
			la = readlink(pa, ca, sizeof(ca));
			lb = readlink(pb, cb, sizeof(cb));
			assert_int_equal(la, lb);
			assert_memory_equal(ca, cb, (size_t)la);
		} else {
			assert_int_equal(sb.st_mode & 07777,
			    (sa.st_mode & 0111) ? 0755 : 0644);
			assert_int_equal(sa.st_size, sb.st_size);
			assert_true((fa = open(pa, O_RDONLY)) != -1);
			assert_true((fb = open(pb, O_RDONLY)) != -1);
			la = read(fa, ca, sizeof(ca));
			lb = read(fb, cb, sizeof(cb));
			assert_int_equal(la, lb);
			assert_memory_equal(ca, cb, (size_t)la);
			close(fa);
			close(fb);
		}
	}
	closedir(d);
	assert_non_null(d = opendir(b));
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			nb++;
	closedir(d);
	assert_int_equal(na, nb);
}

static void
test_roundtrip_unpack(void **state)
{
	struct env *e = *state;
	struct unpack_stats st;
	struct teec_err err;
	char dst[128], longname[400];
	uint8_t sha[32];
	int fd;

	make_tree(e);
	/* Past the 100-byte ustar fields: these need pax headers. */
	memset(longname, 'l', 150);
	longname[150] = '\0';
	mkd(e, longname);
	memcpy(longname + 150, "/", 1);
	memset(longname + 151, 'm', 150);
	longname[301] = '\0';
	put(e, longname, "long", 0755);
	lnk(e, "long-link", longname);
	put(e, "caf\xc3\xa9", "utf-8", 0644);
	put(e, "raw\xff", "not utf-8", 0644);

	fd = pack_to_memfd(e, NULL, TEEC_OK, sha, NULL, &err);
	snprintf(dst, sizeof(dst), "%s/dst", e->parent);
	assert_int_equal(mkdir(dst, 0755), 0);
	if (unpack_tar_fd(fd, dst, NULL, &st, &err) != TEEC_OK)
		fail_msg("unpack: %s", err.msg);
	assert_int_equal(st.symlinks, 2);
	compare_trees(e->src, dst);
	close(fd);
}

static void
test_empty_tree(void **state)
{
	struct env *e = *state;
	struct unpack_stats st;
	struct teec_err err;
	char dst[128];
	uint64_t bytes;
	int fd;

	fd = pack_to_memfd(e, NULL, TEEC_OK, NULL, &bytes, &err);
	assert_true(bytes >= 1024);
	snprintf(dst, sizeof(dst), "%s/dst", e->parent);
	assert_int_equal(mkdir(dst, 0755), 0);
	assert_int_equal(unpack_tar_fd(fd, dst, NULL, &st, &err), TEEC_OK);
	assert_int_equal(st.entries, 0);
	close(fd);
}

#define C1 "0123456789abcdef0123456789abcdef01234567"
#define C2 "89ABCDEF0123456789abcdef0123456789abcdef"

static void
test_git_loose_ref(void **state)
{
	struct env *e = *state;
	char out[41];

	assert_int_equal(pack_git_commit(e->src, out), -1);	/* no .git */
	mkd(e, ".git");
	mkd(e, ".git/refs");
	mkd(e, ".git/refs/heads");
	put(e, ".git/HEAD", "ref: refs/heads/main\n", 0644);
	assert_int_equal(pack_git_commit(e->src, out), -1);	/* unborn */
	put(e, ".git/refs/heads/main", C1 "\n", 0644);
	assert_int_equal(pack_git_commit(e->src, out), 0);
	assert_string_equal(out, C1);
}

static void
test_git_detached(void **state)
{
	struct env *e = *state;
	char out[41];

	mkd(e, ".git");
	put(e, ".git/HEAD", C2 "\n", 0644);
	assert_int_equal(pack_git_commit(e->src, out), 0);
	assert_string_equal(out, "89abcdef0123456789abcdef0123456789abcdef");
}

static void
test_git_packed_refs(void **state)
{
	struct env *e = *state;
	char out[41];

	mkd(e, ".git");
	put(e, ".git/HEAD", "ref: refs/heads/dev\n", 0644);
	put(e, ".git/packed-refs", "# pack-refs with: peeled fully-peeled "
	    "sorted\n" C2 " refs/heads/de\n" C1 " refs/heads/dev\n"
	    "^" C2 "\n", 0644);
	assert_int_equal(pack_git_commit(e->src, out), 0);
	assert_string_equal(out, C1);
}

static void
test_git_gitdir_file(void **state)
{
	struct env *e = *state;
	char out[41], path[512];

	/* A worktree: .git is a file; refs live in the common dir. */
	snprintf(path, sizeof(path), "%s/main.git", e->parent);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/main.git/wt", e->parent);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "gitdir: %s/main.git/wt\n", e->parent);
	put(e, ".git", path, 0644);
	put(e, "../main.git/wt/HEAD", "ref: refs/heads/feature\n", 0644);
	put(e, "../main.git/wt/commondir", "..\n", 0644);
	put(e, "../main.git/packed-refs", C1 " refs/heads/feature\n", 0644);
	assert_int_equal(pack_git_commit(e->src, out), 0);
	assert_string_equal(out, C1);
}

static void
test_git_malformed(void **state)
{
	struct env *e = *state;
	char out[41];

	mkd(e, ".git");
	put(e, ".git/HEAD", "0123", 0644);
	assert_int_equal(pack_git_commit(e->src, out), -1);
	put(e, ".git/HEAD", C1 "0", 0644);
	assert_int_equal(pack_git_commit(e->src, out), -1);
	put(e, ".git/HEAD", "ref: refs/../../etc/x\n", 0644);
	assert_int_equal(pack_git_commit(e->src, out), -1);
	put(e, ".git/HEAD", "ref: /etc/passwd\n", 0644);
	assert_int_equal(pack_git_commit(e->src, out), -1);
	put(e, ".git/HEAD", "ref: refs/heads/x\n", 0644);
	put(e, ".git/packed-refs", "zz23456789abcdef0123456789abcdef01234567"
	    " refs/heads/x\n", 0644);
	assert_int_equal(pack_git_commit(e->src, out), -1);
	/* SHA-256 object names do not fit. */
	put(e, ".git/HEAD", C1 C1 "\n", 0644);
	assert_int_equal(pack_git_commit(e->src, out), -1);
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_deterministic),
		T(test_change_changes_digest),
		T(test_mtime_option),
		T(test_sorted_and_normalised),
		T(test_symlink_preserved),
		T(test_exclude),
		T(test_fifo_refused),
		T(test_missing_root),
		T(test_locale_independent),
		T(test_roundtrip_unpack),
		T(test_empty_tree),
		T(test_git_loose_ref),
		T(test_git_detached),
		T(test_git_packed_refs),
		T(test_git_gitdir_file),
		T(test_git_malformed),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}

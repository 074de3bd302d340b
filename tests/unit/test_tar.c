/* SPDX-License-Identifier: ISC */
/*
 * The bundle tar reader (verify/tar.h): archives made block by block, one
 * test per rule and per kind of malformed header; then tars written by
 * GNU tar --format=pax and by bundle_write read back the same.
 */
#include "tests/unit/testutil.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <fcntl.h>

#include "common/digest.h"
#include "common/fileio.h"
#include "verify/bundle.h"
#include "verify/tar.h"

#define CAP (64ull * 1024 * 1024 * 1024)

/* An archive under construction. */
struct img {
	uint8_t p[256 * 1024];
	size_t n;
};

static struct img A;

static void
put_octal(uint8_t *h, size_t at, size_t w, uint64_t v)
{
	char tmp[32];

	snprintf(tmp, sizeof(tmp), "%0*llo", (int)w - 1, (unsigned long long)v);
	memcpy(h + at, tmp, w - 1);
	h[at + w - 1] = '\0';
}

static void
hdr_sum(uint8_t *h)
{
	unsigned long s = 0;
	size_t i;

	memset(h + 148, ' ', 8);
	for (i = 0; i < 512; i++)
		s += h[i];
	snprintf((char *)h + 148, 8, "%06lo", s);
	h[155] = ' ';
}

/* A ustar header as libarchive and GNU tar write one; not yet summed. */
static uint8_t *
hdr(const char *name, uint64_t size, char type)
{
	uint8_t *h = A.p + A.n;

	memset(h, 0, 512);
	memcpy(h, name, strlen(name));
	put_octal(h, 100, 8, 0644);
	put_octal(h, 108, 8, 0);
	put_octal(h, 116, 8, 0);
	put_octal(h, 124, 12, size);
	put_octal(h, 136, 12, 0);
	h[156] = (uint8_t)type;
	memcpy(h + 257, "ustar\0" "00", 8);
	A.n += 512;
	return h;
}

static void
data(const void *p, size_t n)
{
	memcpy(A.p + A.n, p, n);
	memset(A.p + A.n + n, 0, (512 - n % 512) % 512);
	A.n += (n + 511) / 512 * 512;
}

/* A regular member, summed. */
static void
member(const char *name, const char *text)
{
	hdr_sum(hdr(name, strlen(text), '0'));
	data(text, strlen(text));
}

/* A pax extended header with the given records, summed. */
static void
pax(const char *records)
{
	hdr_sum(hdr("PaxHeader/x", strlen(records), 'x'));
	data(records, strlen(records));
}

static void
end(void)
{
	memset(A.p + A.n, 0, 1024);
	A.n += 1024;
}

static int
reset(void **state)
{
	memset(&A, 0, sizeof(A));
	return 0;
}

/*
 * Read the whole archive: names joined with ",", data concatenated with
 * "|" between entries. Returns the status; msg gets the error.
 */
static int
read_all(const uint8_t *p, size_t n, size_t iosize, uint64_t cap,
    char *names, size_t nlen, char *body, size_t blen, char *msg)
{
	struct teec_err err = { "" };
	struct tar_entry e;
	struct tar *t = NULL;
	const uint8_t *d;
	size_t dn, bn = 0;
	int rc, done = 0, first = 1;

	names[0] = '\0';
	if (body)
		body[0] = '\0';
	msg[0] = '\0';
	assert_int_equal(tar_open_mem(&t, p, n, iosize, cap, &err), TEEC_OK);
	for (;;) {
		if ((rc = tar_next(t, &e, &done, &err)) != TEEC_OK || done)
			break;
		snprintf(names + strlen(names), nlen - strlen(names), "%s%s",
		    first ? "" : ",", e.name);
		if (body && !first && bn + 1 < blen)
			body[bn++] = '|';
		first = 0;
		for (;;) {
			if ((rc = tar_data(t, &d, &dn, &err)) != TEEC_OK)
				goto out;
			if (dn == 0)
				break;
			if (body && bn + dn < blen) {
				memcpy(body + bn, d, dn);
				bn += dn;
			}
		}
		if (body)
			body[bn] = '\0';
	}
out:
	if (rc != TEEC_OK) {
		snprintf(msg, TEEC_ERR_MAX, "%s", err.msg);
		/* sticky: the next call fails the same way */
		assert_int_equal(tar_next(t, &e, &done, &err), rc);
	}
	tar_close(t);
	return rc;
}

static void
ok(const char *want_names, const char *want_body)
{
	char names[8192], body[8192], msg[TEEC_ERR_MAX];

	if (read_all(A.p, A.n, 0, CAP, names, sizeof(names), body,
	    sizeof(body), msg) != TEEC_OK)
		fail_msg("refused: %s", msg);
	assert_string_equal(names, want_names);
	if (want_body)
		assert_string_equal(body, want_body);
}

static void
refused(const char *why)
{
	char names[8192], msg[TEEC_ERR_MAX];
	int rc = read_all(A.p, A.n, 0, CAP, names, sizeof(names), NULL, 0, msg);

	if (rc != TEEC_FAIL)
		fail_msg("status %d, wanted TEEC_FAIL (%s)", rc, why);
	if (strstr(msg, why) == NULL)
		fail_msg("\"%s\" does not say \"%s\"", msg, why);
}

/* --- what is accepted -------------------------------------------------- */

static void
test_two_members_read_back(void **state)
{
	member("report.json", "{}");
	member("attestation.cbor", "abc");
	end();
	ok("report.json,attestation.cbor", "{}|abc");
}

static void
test_only_end_marker(void **state)
{
	end();
	ok("", NULL);
}

static void
test_empty_member(void **state)
{
	member("a", "");
	member("b", "x");
	end();
	ok("a,b", "|x");
}

static void
test_nul_typeflag_is_regular(void **state)
{
	hdr_sum(hdr("a", 1, '\0'));
	data("x", 1);
	end();
	ok("a", "x");
}

static void
test_prefix_joined_to_name(void **state)
{
	uint8_t *h = hdr("file", 1, '0');

	memcpy(h + 345, "artifacts/deep", 14);
	hdr_sum(h);
	data("x", 1);
	end();
	ok("artifacts/deep/file", "x");
}

static void
test_pax_path_replaces_name(void **state)
{
	pax("31 path=artifacts/long-name.so\n");
	member("artifacts/long-na", "x");
	end();
	ok("artifacts/long-name.so", "x");
}

static void
test_pax_size_replaces_size(void **state)
{
	pax("9 size=5\n");
	hdr_sum(hdr("a", 0, '0'));
	data("hello", 5);
	end();
	ok("a", "hello");
}

static void
test_pax_ignored_keys(void **state)
{
	pax("30 mtime=1795549346.928042643\n30 atime=1795549346.923399339\n"
	    "30 ctime=1795549346.928042643\n12 uid=1000\n12 gid=1000\n"
	    "14 uname=user\n15 gname=group\n");
	member("a", "x");
	end();
	ok("a", "x");
}

static void
test_bytes_after_end_not_read(void **state)
{
	member("a", "x");
	end();
	memcpy(A.p + A.n, "garbage", 7);
	A.n += 7;
	ok("a", "x");
}

static void
test_numeric_fields_space_terminated(void **state)
{
	uint8_t *h = hdr("a", 1, '0');

	memcpy(h + 100, "000644 \0", 8);    /* old tar: digits, space, NUL */
	memcpy(h + 329, "0000000\0", 8);    /* devmajor written */
	hdr_sum(h);
	data("x", 1);
	end();
	ok("a", "x");
}

static void
test_data_in_pieces_small_buffer(void **state)
{
	static char big[100000], names[64], body[120000], msg[TEEC_ERR_MAX];
	size_t i;

	for (i = 0; i < sizeof(big) - 1; i++)
		big[i] = (char)('a' + i % 26);
	member("big", big);
	member("small", "y");
	end();
	assert_int_equal(read_all(A.p, A.n, 1, CAP, names, sizeof(names), body,
	    sizeof(body), msg), TEEC_OK);
	assert_string_equal(names, "big,small");
	assert_int_equal(strlen(body), sizeof(big) - 1 + 2);
	assert_memory_equal(body, big, sizeof(big) - 1);
}

static void
test_unread_data_skipped(void **state)
{
	struct teec_err err;
	struct tar_entry e;
	struct tar *t;
	int done;

	member("a", "skip me");
	member("b", "x");
	end();
	assert_int_equal(tar_open_mem(&t, A.p, A.n, 0, CAP, &err), TEEC_OK);
	assert_int_equal(tar_next(t, &e, &done, &err), TEEC_OK);
	assert_string_equal(e.name, "a");
	assert_int_equal(e.size, 7);
	assert_int_equal(e.mode, 0644);
	assert_int_equal(tar_next(t, &e, &done, &err), TEEC_OK);
	assert_string_equal(e.name, "b");
	assert_int_equal(e.offset, 1024);
	assert_int_equal(tar_next(t, &e, &done, &err), TEEC_OK);
	assert_int_equal(done, 1);
	assert_int_equal(tar_offset(t), 3072);
	tar_close(t);
}

/* The same archive through a pipe: streaming reads, no seeking. */
static void
test_reads_from_a_pipe(void **state)
{
	struct teec_err err;
	struct tar_entry e;
	struct tar *t;
	const uint8_t *d;
	size_t dn, total = 0;
	pid_t pid;
	int fds[2], done, st;

	member("a", "hello");
	hdr_sum(hdr("b", 150000, '0'));
	memset(A.p + A.n, 'z', 150000);
	A.n += (150000 + 511) / 512 * 512;
	end();
	assert_int_equal(pipe(fds), 0);
	if ((pid = fork()) == 0) {
		close(fds[0]);
		_exit(write_all(fds[1], A.p, A.n) == 0 ? 0 : 1);
	}
	close(fds[1]);
	assert_int_equal(tar_open_fd(&t, fds[0], 0, CAP, &err), TEEC_OK);
	assert_int_equal(tar_next(t, &e, &done, &err), TEEC_OK);
	assert_string_equal(e.name, "a");
	assert_int_equal(tar_next(t, &e, &done, &err), TEEC_OK);
	assert_string_equal(e.name, "b");
	do {
		assert_int_equal(tar_data(t, &d, &dn, &err), TEEC_OK);
		total += dn;
	} while (dn > 0);
	assert_int_equal(total, 150000);
	assert_int_equal(tar_next(t, &e, &done, &err), TEEC_OK);
	assert_int_equal(done, 1);
	tar_close(t);
	close(fds[0]);
	assert_int_equal(waitpid(pid, &st, 0), pid);
}

static void
test_read_error_is_error(void **state)
{
	struct teec_err err;
	struct tar_entry e;
	struct tar *t;
	int done;

	/* a directory: read(2) fails with EISDIR */
	int fd = open("/", O_RDONLY | O_DIRECTORY);

	assert_int_equal(tar_open_fd(&t, fd, 0, CAP, &err), TEEC_OK);
	assert_int_equal(tar_next(t, &e, &done, &err), TEEC_ERROR);
	tar_close(t);
	close(fd);
}

/* --- malformed headers ------------------------------------------------- */

static void
test_bad_checksum(void **state)
{
	uint8_t *h = hdr("a", 1, '0');

	hdr_sum(h);
	h[0] = 'b';
	data("x", 1);
	end();
	refused("checksum mismatch");
}

static void
test_signed_checksum_refused(void **state)
{
	uint8_t *h = hdr("caf\xc3\xa9", 1, '0');
	long s = 0;
	size_t i;

	memset(h + 148, ' ', 8);
	for (i = 0; i < 512; i++)
		s += (signed char)h[i];
	snprintf((char *)h + 148, 8, "%06lo", s);
	h[155] = ' ';
	data("x", 1);
	end();
	refused("signed-sum");
}

static void
test_checksum_not_octal(void **state)
{
	uint8_t *h = hdr("a", 1, '0');

	hdr_sum(h);
	h[148] = '9';
	data("x", 1);
	end();
	refused("malformed checksum");
}

static void
test_v7_no_magic(void **state)
{
	uint8_t *h = hdr("a", 1, '0');

	memset(h + 257, 0, 8);
	hdr_sum(h);
	data("x", 1);
	end();
	refused("no ustar magic");
}

static void
test_gnu_magic_refused(void **state)
{
	uint8_t *h = hdr("a", 1, '0');

	memcpy(h + 257, "ustar  \0", 8);
	hdr_sum(h);
	data("x", 1);
	end();
	refused("GNU tar format");
}

static void
test_bad_version(void **state)
{
	uint8_t *h = hdr("a", 1, '0');

	memcpy(h + 263, "01", 2);
	hdr_sum(h);
	data("x", 1);
	end();
	refused("no ustar magic");
}

static void
test_size_not_octal(void **state)
{
	uint8_t *h = hdr("a", 1, '0');

	memcpy(h + 124, "0000000000 8", 12);
	hdr_sum(h);
	data("x", 1);
	end();
	refused("malformed size");
}

static void
test_size_unterminated(void **state)
{
	uint8_t *h = hdr("a", 1, '0');

	memcpy(h + 124, "000000000001", 12);
	hdr_sum(h);
	data("x", 1);
	end();
	refused("malformed size");
}

static void
test_size_base256_refused(void **state)
{
	uint8_t *h = hdr("a", 1, '0');

	memset(h + 124, 0, 12);
	h[124] = 0x80;
	h[135] = 1;
	hdr_sum(h);
	data("x", 1);
	end();
	refused("malformed size");
}

static void
test_size_leading_space_refused(void **state)
{
	uint8_t *h = hdr("a", 1, '0');

	memcpy(h + 124, "          1\0", 12);
	hdr_sum(h);
	data("x", 1);
	end();
	refused("malformed size");
}

static void
test_size_empty_refused(void **state)
{
	uint8_t *h = hdr("a", 1, '0');

	memset(h + 124, 0, 12);
	hdr_sum(h);
	end();
	refused("malformed size");
}

static void
test_mode_not_octal(void **state)
{
	uint8_t *h = hdr("a", 1, '0');

	memcpy(h + 100, "0006x4\0", 8);
	hdr_sum(h);
	data("x", 1);
	end();
	refused("malformed numeric");
}

static void
test_mtime_garbage_after_terminator(void **state)
{
	uint8_t *h = hdr("a", 1, '0');

	memcpy(h + 136, "0000000000\0z", 12);
	hdr_sum(h);
	data("x", 1);
	end();
	refused("malformed numeric");
}

static void
test_size_over_cap(void **state)
{
	char names[64], msg[TEEC_ERR_MAX];

	hdr_sum(hdr("a", 077777777777ull, '0'));   /* 8 GiB - 1 */
	end();
	assert_int_equal(read_all(A.p, A.n, 0, 1024, names, sizeof(names),
	    NULL, 0, msg), TEEC_FAIL);
	assert_non_null(strstr(msg, "over the cap"));
}

static void
test_huge_size_truncated_data(void **state)
{
	/* 8 GiB - 1 announced, nothing behind: refused without allocating */
	hdr_sum(hdr("a", 077777777777ull, '0'));
	end();
	refused("data truncated");
}

static void
test_name_not_nul_padded(void **state)
{
	uint8_t *h = hdr("a", 1, '0');

	h[50] = 'z';
	hdr_sum(h);
	data("x", 1);
	end();
	refused("not NUL-padded");
}

static void
test_name_empty(void **state)
{
	hdr_sum(hdr("", 1, '0'));
	data("x", 1);
	end();
	refused("empty name");
}

static void
test_name_not_utf8(void **state)
{
	hdr_sum(hdr("caf\xe9", 1, '0'));
	data("x", 1);
	end();
	refused("not UTF-8");
}

static void
test_link_name_on_regular_file(void **state)
{
	uint8_t *h = hdr("a", 1, '0');

	memcpy(h + 157, "target", 6);
	hdr_sum(h);
	data("x", 1);
	end();
	refused("link name");
}

/* --- truncation and the end marker -------------------------------------- */

static void
test_truncated_header(void **state)
{
	member("a", "x");
	end();
	A.n = 300;
	refused("header at byte 0 truncated");
}

static void
test_truncated_data(void **state)
{
	member("a", "hello, world");
	end();
	A.n = 512 + 5;
	refused("data truncated");
}

static void
test_truncated_padding(void **state)
{
	member("a", "hello, world");
	end();
	A.n = 512 + 100;
	refused("padding truncated");
}

static void
test_missing_end(void **state)
{
	member("a", "x");
	refused("without the end-of-archive marker");
}

static void
test_empty_input(void **state)
{
	refused("without the end-of-archive marker");
}

static void
test_one_zero_block_then_eof(void **state)
{
	member("a", "x");
	A.n += 512;
	refused("not followed by another");
}

static void
test_zero_block_then_header(void **state)
{
	member("a", "x");
	A.n += 512;
	member("b", "y");
	end();
	refused("not followed by another");
}

/* --- pax extended headers ----------------------------------------------- */

static void
test_pax_length_too_long(void **state)
{
	pax("30 path=abc\n");
	member("a", "x");
	end();
	refused("length does not match");
}

static void
test_pax_length_too_short(void **state)
{
	pax("10 path=abc\n");
	member("a", "x");
	end();
	refused("length does not match");
}

static void
test_pax_length_leading_zero(void **state)
{
	pax("012 path=ab\n");
	member("a", "x");
	end();
	refused("malformed record length");
}

static void
test_pax_length_missing(void **state)
{
	pax(" path=abcdef\n");
	member("a", "x");
	end();
	refused("malformed record length");
}

static void
test_pax_record_without_equals(void **state)
{
	pax("11 pathabc\n");
	member("a", "x");
	end();
	refused("without key=value");
}

static void
test_pax_empty_key(void **state)
{
	pax("7 =abc\n");
	member("a", "x");
	end();
	refused("without key=value");
}

static void
test_pax_duplicate_key(void **state)
{
	pax("10 path=a\n10 path=b\n");
	member("c", "x");
	end();
	refused("twice");
}

static void
test_pax_unknown_key(void **state)
{
	pax("16 linkpath=abc\n");
	member("a", "x");
	end();
	refused("\"linkpath\" not accepted");
}

static void
test_pax_hdrcharset_refused(void **state)
{
	pax("21 hdrcharset=BINARY\n");
	member("a", "x");
	end();
	refused("not accepted");
}

static void
test_pax_path_not_utf8(void **state)
{
	pax("13 path=caf\xe9\n");
	member("a", "x");
	end();
	refused("not UTF-8");
}

static void
test_pax_path_with_nul(void **state)
{
	uint8_t *h = hdr("PaxHeader/x", 12, 'x');

	hdr_sum(h);
	data("12 path=a\0b\n", 12);
	member("a", "x");
	end();
	refused("not UTF-8");
}

static void
test_pax_path_empty(void **state)
{
	pax("8 path=\n");
	member("a", "x");
	end();
	refused("path empty");
}

static void
test_pax_size_malformed(void **state)
{
	pax("11 size=-1\n");
	member("a", "x");
	end();
	refused("malformed size");
}

static void
test_pax_size_overflow(void **state)
{
	pax("32 size=99999999999999999999999\n");
	member("a", "x");
	end();
	refused("malformed size");
}

static void
test_pax_size_over_cap(void **state)
{
	char names[64], msg[TEEC_ERR_MAX];

	pax("16 size=1048576\n");
	hdr_sum(hdr("a", 0, '0'));
	end();
	assert_int_equal(read_all(A.p, A.n, 0, 1024, names, sizeof(names),
	    NULL, 0, msg), TEEC_FAIL);
	assert_non_null(strstr(msg, "over the cap"));
}

static void
test_pax_empty_header(void **state)
{
	hdr_sum(hdr("PaxHeader/x", 0, 'x'));
	member("a", "x");
	end();
	refused("empty");
}

static void
test_pax_header_too_big(void **state)
{
	hdr_sum(hdr("PaxHeader/x", TEEC_MAX_TAR_PAX_BYTES + 1, 'x'));
	end();
	refused("over 16384");
}

static void
test_pax_truncated(void **state)
{
	pax("31 path=artifacts/long-name.so\n");
	A.n -= 512;
	refused("pax header at byte 0: truncated");
}

static void
test_pax_then_pax(void **state)
{
	pax("10 path=a\n");
	pax("10 path=b\n");
	member("c", "x");
	end();
	refused("follows another");
}

static void
test_pax_then_end(void **state)
{
	pax("10 path=a\n");
	end();
	refused("not followed by an entry");
}

/* --- refused types ------------------------------------------------------- */

static void
refused_type(char type, const char *why)
{
	member("a", "x");
	hdr_sum(hdr("b", 0, type));
	end();
	refused(why);
}

static void test_global_header_refused(void **state) { refused_type('g', "pax global"); }
static void test_hardlink_refused(void **state) { refused_type('1', "hard link"); }
static void test_symlink_refused(void **state) { refused_type('2', "symbolic link"); }
static void test_chardev_refused(void **state) { refused_type('3', "character device"); }
static void test_blockdev_refused(void **state) { refused_type('4', "block device"); }
static void test_directory_refused(void **state) { refused_type('5', "directory"); }
static void test_fifo_refused(void **state) { refused_type('6', "FIFO"); }
static void test_contiguous_refused(void **state) { refused_type('7', "contiguous"); }
static void test_gnu_longname_refused(void **state) { refused_type('L', "GNU long name"); }
static void test_gnu_longlink_refused(void **state) { refused_type('K', "GNU long link"); }
static void test_gnu_sparse_refused(void **state) { refused_type('S', "GNU sparse"); }
static void test_unknown_type_refused(void **state) { refused_type('V', "type flag 0x56"); }

/* --- the same members from GNU tar and from bundle_write ---------------- */

static const char *long_art =
    "artifacts/a-name-long-enough-that-ustar-cannot-hold-it-in-name-or-prefix-"
    "because-no-slash-splits-it-into-a-prefix-and-a-name-of-fitting-lengths.bin";

/* "name size sha256" lines for each member of the archive file. */
static void
listing(const char *path, char *out, size_t outlen)
{
	struct teec_err err = { "" };
	struct tar_entry e;
	struct tar *t;
	struct digest c;
	const uint8_t *d;
	uint8_t md[32];
	size_t dn, i;
	int fd, done = 0;

	out[0] = '\0';
	assert_true((fd = open(path, O_RDONLY)) != -1);
	assert_int_equal(tar_open_fd(&t, fd, 0, CAP, &err), TEEC_OK);
	for (;;) {
		if (tar_next(t, &e, &done, &err) != TEEC_OK)
			fail_msg("%s: %s", path, err.msg);
		if (done)
			break;
		assert_int_equal(digest_init(&c, EVP_sha256()), 0);
		do {
			if (tar_data(t, &d, &dn, &err) != TEEC_OK)
				fail_msg("%s: %s", path, err.msg);
			digest_update(&c, d, dn);
		} while (dn > 0);
		digest_final(&c, md);
		snprintf(out + strlen(out), outlen - strlen(out), "%s %llu ",
		    e.name, (unsigned long long)e.size);
		for (i = 0; i < 8; i++)
			snprintf(out + strlen(out), outlen - strlen(out), "%02x",
			    md[i]);
		snprintf(out + strlen(out), outlen - strlen(out), "\n");
	}
	tar_close(t);
	close(fd);
}

static void
put(const char *path, const void *p, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	assert_true(fd != -1);
	assert_int_equal(write_all(fd, p, n), 0);
	close(fd);
}

static void
test_gnu_tar_pax_and_bundle_write_agree(void **state)
{
	static char dir[] = "/tmp/teec-tar.XXXXXX";
	static char big[300000];
	struct bundle_artifact arts[2];
	struct teec_err err = { "" };
	char cmd[1024], p[512], a[4096], b[4096];
	const char *rep = "{\"report\":1}\n", *att = "\xd2\x84 cose bytes";
	int fd;

	if (system("tar --version >/dev/null 2>&1") != 0) {
		print_message("# skipped: no GNU tar\n");
		skip();
	}
	assert_non_null(mkdtemp(dir));
	snprintf(p, sizeof(p), "%s/m/artifacts", dir);
	snprintf(cmd, sizeof(cmd), "mkdir -p %s", p);
	assert_int_equal(system(cmd), 0);
	memset(big, 'q', sizeof(big));
	snprintf(p, sizeof(p), "%s/m/report.json", dir);
	put(p, rep, strlen(rep));
	snprintf(p, sizeof(p), "%s/m/attestation.cbor", dir);
	put(p, att, strlen(att));
	snprintf(p, sizeof(p), "%s/m/build.log", dir);
	put(p, "log\n", 4);
	snprintf(p, sizeof(p), "%s/m/artifacts/hello", dir);
	put(p, big, sizeof(big));
	snprintf(p, sizeof(p), "%s/m/%s", dir, long_art);
	put(p, "", 0);

	/* GNU tar, pax format, a pax header (times) before every member */
	snprintf(cmd, sizeof(cmd), "cd %s/m && tar --format=pax --owner=0 "
	    "--group=0 --numeric-owner -cf %s/gnu.tar report.json "
	    "attestation.cbor build.log artifacts/hello %s", dir, dir, long_art);
	assert_int_equal(system(cmd), 0);

	/* bundle_write */
	snprintf(p, sizeof(p), "%s/ours.teec", dir);
	assert_true((fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644)) != -1);
	arts[0].name = "hello";
	snprintf(a, sizeof(a), "%s/m/artifacts/hello", dir);
	arts[0].path = a;
	arts[1].name = long_art + strlen("artifacts/");
	snprintf(b, sizeof(b), "%s/m/%s", dir, long_art);
	arts[1].path = b;
	snprintf(cmd, sizeof(cmd), "%s/m/build.log", dir);
	if (bundle_write(fd, (const uint8_t *)rep, strlen(rep),
	    (const uint8_t *)att, strlen(att), cmd, arts, 2, &err) != TEEC_OK)
		fail_msg("bundle_write: %s", err.msg);
	close(fd);

	snprintf(p, sizeof(p), "%s/gnu.tar", dir);
	listing(p, a, sizeof(a));
	snprintf(p, sizeof(p), "%s/ours.teec", dir);
	listing(p, b, sizeof(b));
	assert_string_equal(a, b);
	assert_non_null(strstr(a, long_art));
	assert_non_null(strstr(a, "artifacts/hello 300000 "));
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

#define T(f) cmocka_unit_test_setup(f, reset)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_two_members_read_back),
		T(test_only_end_marker),
		T(test_empty_member),
		T(test_nul_typeflag_is_regular),
		T(test_prefix_joined_to_name),
		T(test_pax_path_replaces_name),
		T(test_pax_size_replaces_size),
		T(test_pax_ignored_keys),
		T(test_bytes_after_end_not_read),
		T(test_numeric_fields_space_terminated),
		T(test_data_in_pieces_small_buffer),
		T(test_unread_data_skipped),
		T(test_reads_from_a_pipe),
		T(test_read_error_is_error),
		T(test_bad_checksum),
		T(test_signed_checksum_refused),
		T(test_checksum_not_octal),
		T(test_v7_no_magic),
		T(test_gnu_magic_refused),
		T(test_bad_version),
		T(test_size_not_octal),
		T(test_size_unterminated),
		T(test_size_base256_refused),
		T(test_size_leading_space_refused),
		T(test_size_empty_refused),
		T(test_mode_not_octal),
		T(test_mtime_garbage_after_terminator),
		T(test_size_over_cap),
		T(test_huge_size_truncated_data),
		T(test_name_not_nul_padded),
		T(test_name_empty),
		T(test_name_not_utf8),
		T(test_link_name_on_regular_file),
		T(test_truncated_header),
		T(test_truncated_data),
		T(test_truncated_padding),
		T(test_missing_end),
		T(test_empty_input),
		T(test_one_zero_block_then_eof),
		T(test_zero_block_then_header),
		T(test_pax_length_too_long),
		T(test_pax_length_too_short),
		T(test_pax_length_leading_zero),
		T(test_pax_length_missing),
		T(test_pax_record_without_equals),
		T(test_pax_empty_key),
		T(test_pax_duplicate_key),
		T(test_pax_unknown_key),
		T(test_pax_hdrcharset_refused),
		T(test_pax_path_not_utf8),
		T(test_pax_path_with_nul),
		T(test_pax_path_empty),
		T(test_pax_size_malformed),
		T(test_pax_size_overflow),
		T(test_pax_size_over_cap),
		T(test_pax_empty_header),
		T(test_pax_header_too_big),
		T(test_pax_truncated),
		T(test_pax_then_pax),
		T(test_pax_then_end),
		T(test_global_header_refused),
		T(test_hardlink_refused),
		T(test_symlink_refused),
		T(test_chardev_refused),
		T(test_blockdev_refused),
		T(test_directory_refused),
		T(test_fifo_refused),
		T(test_contiguous_refused),
		T(test_gnu_longname_refused),
		T(test_gnu_longlink_refused),
		T(test_gnu_sparse_refused),
		T(test_unknown_type_refused),
		T(test_gnu_tar_pax_and_bundle_write_agree),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

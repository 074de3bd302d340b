/* SPDX-License-Identifier: ISC */
/*
 * EIF measurement (verify/eif.h) and the trust store writer
 * (verify/measure.h). Every image is synthetic, built here; every expected
 * PCR is computed independently with `openssl dgst -sha384` and the CRC
 * with a bit-at-a-time CRC-32.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <fcntl.h>

#include "tests/unit/testutil.h"

#include "common/buf.h"
#include "common/caps.h"
#include "common/cbor.h"
#include "common/fileio.h"
#include "verify/eif.h"
#include "verify/images.h"
#include "verify/measure.h"

static char tmpdir[] = "/tmp/teec-test-eif.XXXXXX";

/* Bytes of the test images. */
static uint8_t kernel[3000], cmdline[] = "console=ttyS0 reboot=k nit.target=/init";
static uint8_t meta[] = "{\"ImageName\":\"t\",\"ImageVersion\":\"1\"}";
static uint8_t rd1[1500], rd2[700], rd3[333];

struct sec {
	uint16_t type;
	const uint8_t *p;
	size_t n;
	uint16_t flags;
};

#define KERNEL  { EIF_SECTION_KERNEL, kernel, sizeof(kernel), 0 }
#define CMDLINE { EIF_SECTION_CMDLINE, cmdline, sizeof(cmdline) - 1, 0 }
#define META    { EIF_SECTION_METADATA, meta, sizeof(meta) - 1, 0 }
#define RD1     { EIF_SECTION_RAMDISK, rd1, sizeof(rd1), 0 }
#define RD2     { EIF_SECTION_RAMDISK, rd2, sizeof(rd2), 0 }
#define RD3     { EIF_SECTION_RAMDISK, rd3, sizeof(rd3), 0 }

static void
fill(uint8_t *p, size_t n, uint32_t seed)
{
	size_t i;

	for (i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		p[i] = (uint8_t)(seed >> 16);
	}
}

static int
setup_group(void **state)
{
	fill(kernel, sizeof(kernel), 1);
	fill(rd1, sizeof(rd1), 2);
	fill(rd2, sizeof(rd2), 3);
	fill(rd3, sizeof(rd3), 4);
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int
teardown_group(void **state)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* CRC-32/ISO-HDLC one bit at a time: a second code path for the CRC. */
static uint32_t
crc_bitwise(const uint8_t *p, size_t n)
{
	uint32_t c = 0xffffffffu;
	size_t i;
	int k;

	for (i = 0; i < n; i++) {
		c ^= p[i];
		for (k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
	}
	return ~c;
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static void
put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)(v >> 32));
	put32(p + 4, (uint32_t)v);
}

static uint64_t
be64_of(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = (v << 8) | p[i];
	return v;
}

/* Recompute the header CRC over everything but its own 4 bytes. */
static void
fix_crc(struct buf *b)
{
	struct buf t;

	buf_init(&t, b->len);
	assert_int_equal(buf_append(&t, b->data, 544), 0);
	assert_int_equal(buf_append(&t, b->data + 548, b->len - 548), 0);
	put32(b->data + 544, crc_bitwise(t.data, t.len));
	buf_free(&t);
}

/* An EIF as EifBuilder lays it out: header, then section header + data. */
static void
build(const struct sec *s, size_t ns, uint16_t version, struct buf *b)
{
	uint8_t hdr[548], sh[12];
	uint64_t off = 548;
	size_t i;

	memset(hdr, 0, sizeof(hdr));
	memcpy(hdr, ".eif", 4);
	put16(hdr + 4, version);
	put16(hdr + 6, 0);
	put64(hdr + 8, 1024ull * 1024 * 1024);
	put64(hdr + 16, 2);
	put16(hdr + 26, (uint16_t)ns);
	for (i = 0; i < ns; i++) {
		put64(hdr + 28 + 8 * i, off);
		put64(hdr + 284 + 8 * i, s[i].n);
		off += 12 + s[i].n;
	}
	buf_init(b, 64u * 1024 * 1024);
	assert_int_equal(buf_append(b, hdr, sizeof(hdr)), 0);
	for (i = 0; i < ns; i++) {
		put16(sh, s[i].type);
		put16(sh + 2, s[i].flags);
		put64(sh + 4, s[i].n);
		assert_int_equal(buf_append(b, sh, sizeof(sh)), 0);
		if (s[i].n > 0)
			assert_int_equal(buf_append(b, s[i].p, s[i].n), 0);
	}
	fix_crc(b);
}

static void
write_tmp(const char *name, const void *p, size_t n, char *path, size_t len)
{
	snprintf(path, len, "%s/%s", tmpdir, name);
	unlink(path);
	assert_int_equal(write_file_atomic(path, p, n, 0600, NULL), TEEC_OK);
}

/* Run a shell command whose standard output is exactly 48 bytes. */
static void
run48(const char *cmd, uint8_t out[48])
{
	uint8_t extra;
	FILE *f = popen(cmd, "r");

	assert_non_null(f);
	assert_int_equal(fread(out, 1, 48, f), 48);
	assert_int_equal(fread(&extra, 1, 1, f), 0);
	assert_int_equal(pclose(f), 0);
}

/* SHA-384(48 zero bytes || SHA-384(file)) with the openssl command. */
static void
openssl_pcr_file(const char *path, uint8_t out[48])
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd), "{ head -c 48 /dev/zero; openssl dgst -sha384 "
	    "-binary '%s'; } | openssl dgst -sha384 -binary", path);
	run48(cmd, out);
}

/* The expected PCR of the concatenation of up to four pieces. */
static void
expect_pcr(uint8_t out[48], const struct sec *s, size_t ns)
{
	char path[512];
	struct buf b;
	size_t i;

	buf_init(&b, 1u << 20);
	for (i = 0; i < ns; i++)
		if (s[i].n > 0)
			assert_int_equal(buf_append(&b, s[i].p, s[i].n), 0);
	write_tmp("measured", b.data ? b.data : (const uint8_t *)"", b.len, path,
	    sizeof(path));
	openssl_pcr_file(path, out);
	buf_free(&b);
}

static void
measured_ok(const struct buf *b, struct eif_measurement *m)
{
	struct teec_err err;

	memset(&err, 0, sizeof(err));
	if (eif_measure_mem(b->data, b->len, "t.eif", m, &err) != TEEC_OK)
		fail_msg("refused: %s", err.msg);
}

/* b must be refused as TEEC_FAIL with a message containing want. */
static void
refused(const struct buf *b, const char *want)
{
	struct eif_measurement m;
	struct teec_err err;

	memset(&err, 0, sizeof(err));
	assert_int_equal(eif_measure_mem(b->data, b->len, "t.eif", &m, &err),
	    TEEC_FAIL);
	if (strstr(err.msg, want) == NULL)
		fail_msg("message \"%s\" lacks \"%s\"", err.msg, want);
	assert_int_equal(m.pcr_mask, 0);
}

/* The CRC itself. */

static void
test_crc32_check_value(void **state)
{
	/* The catalogue check value of CRC-32/ISO-HDLC. */
	assert_int_equal(eif_crc32(0, "123456789", 9), 0xcbf43926u);
	assert_int_equal(eif_crc32(eif_crc32(0, "1234", 4), "56789", 5),
	    0xcbf43926u);
	assert_int_equal(eif_crc32(0, kernel, sizeof(kernel)),
	    crc_bitwise(kernel, sizeof(kernel)));
}

static void
test_pcr_of_empty_input(void **state)
{
	uint8_t want[48], got[48];

	expect_pcr(want, NULL, 0);
	eif_pcr_of("", 0, got);
	assert_memory_equal(got, want, 48);
}

/* Valid images. */

static void
test_valid_one_ramdisk(void **state)
{
	const struct sec s[] = { KERNEL, CMDLINE, META, RD1 };
	const struct sec p0[] = { KERNEL, CMDLINE, RD1 };
	struct eif_measurement m;
	uint8_t want[48];
	struct buf b;

	build(s, 4, 4, &b);
	measured_ok(&b, &m);
	assert_int_equal(m.version, 4);
	assert_int_equal(m.nsections, 4);
	assert_int_equal(m.nramdisks, 1);
	assert_int_equal(m.is_signed, 0);
	assert_int_equal(m.crc_checked, 1);
	assert_int_equal(m.size, b.len);
	assert_int_equal(m.pcr_mask, 7);
	assert_string_equal(eif_arch(m.flags), "x86_64");
	expect_pcr(want, p0, 3);
	assert_memory_equal(m.pcr[0], want, 48);
	/* One ramdisk: PCR1 covers the same bytes as PCR0. */
	assert_memory_equal(m.pcr[1], want, 48);
	/* PCR2 is the extend of SHA-384 of nothing, not zero. */
	expect_pcr(want, NULL, 0);
	assert_memory_equal(m.pcr[2], want, 48);
	assert_int_equal(m.sections[3].offset, 548 + 12 + sizeof(kernel) + 12 +
	    sizeof(cmdline) - 1 + 12 + sizeof(meta) - 1);
	buf_free(&b);
}

static void
test_valid_three_ramdisks(void **state)
{
	const struct sec s[] = { KERNEL, CMDLINE, META, RD1, RD2, RD3 };
	const struct sec p0[] = { KERNEL, CMDLINE, RD1, RD2, RD3 };
	const struct sec p1[] = { KERNEL, CMDLINE, RD1 };
	const struct sec p2[] = { RD2, RD3 };
	struct eif_measurement m;
	uint8_t want[48];
	struct buf b;

	build(s, 6, 4, &b);
	measured_ok(&b, &m);
	assert_int_equal(m.nramdisks, 3);
	expect_pcr(want, p0, 5);
	assert_memory_equal(m.pcr[0], want, 48);
	expect_pcr(want, p1, 3);
	assert_memory_equal(m.pcr[1], want, 48);
	expect_pcr(want, p2, 2);
	assert_memory_equal(m.pcr[2], want, 48);
	buf_free(&b);
}

static void
test_valid_two_ramdisks_version3_no_metadata(void **state)
{
	const struct sec s[] = { KERNEL, CMDLINE, RD1, RD2 };
	const struct sec p2[] = { RD2 };
	struct eif_measurement m;
	uint8_t want[48];
	struct buf b;

	build(s, 4, 3, &b);
	measured_ok(&b, &m);
	assert_int_equal(m.version, 3);
	assert_int_equal(m.nramdisks, 2);
	expect_pcr(want, p2, 1);
	assert_memory_equal(m.pcr[2], want, 48);
	buf_free(&b);
}

static void
test_valid_version1_has_no_crc(void **state)
{
	const struct sec s[] = { KERNEL, CMDLINE, RD1 };
	struct eif_measurement m;
	struct buf b;

	build(s, 3, 1, &b);
	put32(b.data + 544, 0xdeadbeef);
	measured_ok(&b, &m);
	assert_int_equal(m.crc_checked, 0);
	buf_free(&b);
}

static void
test_metadata_flags_and_headers_not_measured(void **state)
{
	const struct sec a[] = { KERNEL, CMDLINE, META, RD1, RD2 };
	struct sec c[] = { KERNEL, CMDLINE, RD1, RD2 };
	struct eif_measurement ma, mc;
	struct buf ba, bc;

	c[0].flags = 0x1234;
	c[3].flags = 7;
	build(a, 5, 4, &ba);
	build(c, 4, 4, &bc);
	put16(bc.data + 6, EIF_FLAG_ARM64);
	put64(bc.data + 16, 8);
	fix_crc(&bc);
	measured_ok(&ba, &ma);
	measured_ok(&bc, &mc);
	assert_string_equal(eif_arch(mc.flags), "aarch64");
	assert_memory_equal(ma.pcr, mc.pcr, sizeof(ma.pcr));
	buf_free(&ba);
	buf_free(&bc);
}

static void
test_large_ramdisk_streamed_in_chunks(void **state)
{
	size_t n = 2 * TEEC_IO_CHUNK + 12345;
	uint8_t *big = malloc(n);
	struct sec s[] = { KERNEL, CMDLINE, RD1, { EIF_SECTION_RAMDISK, NULL, 0, 0 } };
	struct eif_measurement m;
	uint8_t want[48];
	char path[512];
	struct buf b;

	assert_non_null(big);
	fill(big, n, 9);
	s[3].p = big;
	s[3].n = n;
	build(s, 4, 4, &b);
	write_tmp("big.eif", b.data, b.len, path, sizeof(path));
	memset(&m, 0, sizeof(m));
	assert_int_equal(eif_measure_file(path, &m, NULL), TEEC_OK);
	expect_pcr(want, s, 4);
	assert_memory_equal(m.pcr[0], want, 48);
	expect_pcr(want, s + 3, 1);
	assert_memory_equal(m.pcr[2], want, 48);
	buf_free(&b);
	free(big);
}

static void
test_file_and_pipe_equal_memory(void **state)
{
	const struct sec s[] = { KERNEL, CMDLINE, META, RD1, RD2 };
	struct eif_measurement mm, mf, mp;
	struct teec_err err;
	char path[512];
	struct buf b;
	int fds[2];
	pid_t pid;

	build(s, 5, 4, &b);
	measured_ok(&b, &mm);
	write_tmp("t.eif", b.data, b.len, path, sizeof(path));
	assert_int_equal(eif_measure_file(path, &mf, NULL), TEEC_OK);
	assert_memory_equal(mm.pcr, mf.pcr, sizeof(mm.pcr));
	/* A pipe has no size: the bounds are checked while reading. */
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid != -1);
	if (pid == 0) {
		close(fds[0]);
		_exit(write_all(fds[1], b.data, b.len) == 0 ? 0 : 1);
	}
	close(fds[1]);
	memset(&err, 0, sizeof(err));
	assert_int_equal(eif_measure_fd(fds[0], "pipe", &mp, &err), TEEC_OK);
	close(fds[0]);
	waitpid(pid, NULL, 0);
	assert_memory_equal(mm.pcr, mp.pcr, sizeof(mm.pcr));
	buf_free(&b);
}

static void
test_truncated_pipe_refused(void **state)
{
	const struct sec s[] = { KERNEL, CMDLINE, RD1 };
	struct eif_measurement m;
	struct teec_err err;
	struct buf b;
	int fds[2];
	pid_t pid;

	build(s, 3, 4, &b);
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid != -1);
	if (pid == 0) {
		close(fds[0]);
		_exit(write_all(fds[1], b.data, b.len - 10) == 0 ? 0 : 1);
	}
	close(fds[1]);
	memset(&err, 0, sizeof(err));
	assert_int_equal(eif_measure_fd(fds[0], "pipe", &m, &err), TEEC_FAIL);
	assert_non_null(strstr(err.msg, "truncated"));
	close(fds[0]);
	waitpid(pid, NULL, 0);
	buf_free(&b);
}

static void
test_directory_is_an_error(void **state)
{
	struct eif_measurement m;
	struct teec_err err;

	memset(&err, 0, sizeof(err));
	assert_int_equal(eif_measure_file(tmpdir, &m, &err), TEEC_ERROR);
	assert_non_null(strstr(err.msg, "directory"));
	assert_int_equal(eif_measure_file("/nonexistent/x.eif", &m, &err),
	    TEEC_ERROR);
}

/* Signed images: the signature section and PCR8. */

static char certpem[512], certder[512];

/* A self-signed P-384 certificate made by the openssl command. */
static void
make_cert(void)
{
	char cmd[4096], key[512];

	if (certpem[0] != '\0')
		return;
	snprintf(key, sizeof(key), "%s/signer.key", tmpdir);
	snprintf(certpem, sizeof(certpem), "%s/signer.pem", tmpdir);
	snprintf(certder, sizeof(certder), "%s/signer.der", tmpdir);
	snprintf(cmd, sizeof(cmd), "openssl req -x509 -newkey ec -pkeyopt "
	    "ec_paramgen_curve:secp384r1 -nodes -keyout '%s' -out '%s' "
	    "-subj /CN=eif-signer -days 2 2>/dev/null && openssl x509 -in '%s' "
	    "-outform DER -out '%s'", key, certpem, certpem, certder);
	assert_int_equal(system(cmd), 0);
}

/* serde_cbor's Vec<u8>: an array of unsigned integers. */
static void
cbor_u8_array(struct buf *b, const uint8_t *p, size_t n)
{
	size_t i;

	assert_int_equal(cbor_put_head(b, CBOR_ARRAY, n), 0);
	for (i = 0; i < n; i++)
		assert_int_equal(cbor_put_uint(b, p[i]), 0);
}

/* EifSignature = [PcrSignature { signing_certificate, signature }]. */
static void
make_sig(struct buf *b, const uint8_t *pem, size_t pemlen)
{
	static const uint8_t cose[] = { 0x84, 0x44, 0xa1, 0x01, 0x38, 0x22,
	    0xa0, 0x41, 0x00, 0x40 };

	buf_init(b, 1u << 20);
	assert_int_equal(cbor_put_head(b, CBOR_ARRAY, 1), 0);
	assert_int_equal(cbor_put_head(b, CBOR_MAP, 2), 0);
	assert_int_equal(cbor_put_text(b, "signing_certificate"), 0);
	cbor_u8_array(b, pem, pemlen);
	assert_int_equal(cbor_put_text(b, "signature"), 0);
	cbor_u8_array(b, cose, sizeof(cose));
}

static void
read_pem(struct buf *pem)
{
	make_cert();
	assert_int_equal(read_file_capped(certpem, 16384, pem, NULL), TEEC_OK);
}

/* A signed image whose signature section holds sig. */
static void
build_signed(const struct buf *sig, struct buf *b)
{
	struct sec s[] = { KERNEL, CMDLINE, META, RD1, RD2,
	    { EIF_SECTION_SIGNATURE, NULL, 0, 0 } };

	s[5].p = sig->data;
	s[5].n = sig->len;
	build(s, 6, 4, b);
}

static void
test_signed_pcr8_is_the_certificate(void **state)
{
	const struct sec u[] = { KERNEL, CMDLINE, META, RD1, RD2 };
	struct eif_measurement m, mu;
	struct buf pem, sig, b, bu;
	uint8_t want[48];

	read_pem(&pem);
	make_sig(&sig, pem.data, pem.len);
	build_signed(&sig, &b);
	measured_ok(&b, &m);
	assert_int_equal(m.is_signed, 1);
	assert_int_equal(m.pcr_mask, 0x107);
	openssl_pcr_file(certder, want);
	assert_memory_equal(m.pcr[8], want, 48);
	/* The signature section is in no other PCR. */
	build(u, 5, 4, &bu);
	measured_ok(&bu, &mu);
	assert_memory_equal(m.pcr, mu.pcr, 3 * 48);
	buf_free(&pem);
	buf_free(&sig);
	buf_free(&b);
	buf_free(&bu);
}

/* A signed image whose signature section is sig must be refused. */
static void
sig_refused(const struct buf *sig, const char *want)
{
	struct buf b;

	build_signed(sig, &b);
	refused(&b, want);
	buf_free(&b);
}

static void
test_signature_not_an_array(void **state)
{
	struct buf sig;

	buf_init(&sig, 64);
	assert_int_equal(cbor_put_head(&sig, CBOR_MAP, 0), 0);
	sig_refused(&sig, "not a CBOR array of PcrSignature");
	buf_free(&sig);
}

static void
test_signature_two_entries(void **state)
{
	struct buf pem, sig;

	read_pem(&pem);
	make_sig(&sig, pem.data, pem.len);
	sig.data[0] = 0x82;     /* array of 2, with one present: also short */
	sig_refused(&sig, "2 signatures");
	buf_free(&pem);
	buf_free(&sig);
}

static void
test_signature_certificate_as_byte_string(void **state)
{
	struct buf pem, sig;

	read_pem(&pem);
	buf_init(&sig, 1u << 20);
	assert_int_equal(cbor_put_head(&sig, CBOR_ARRAY, 1), 0);
	assert_int_equal(cbor_put_head(&sig, CBOR_MAP, 2), 0);
	assert_int_equal(cbor_put_text(&sig, "signing_certificate"), 0);
	assert_int_equal(cbor_put_bytes(&sig, pem.data, pem.len), 0);
	assert_int_equal(cbor_put_text(&sig, "signature"), 0);
	cbor_u8_array(&sig, (const uint8_t *)"x", 1);
	sig_refused(&sig, "signing_certificate is not a CBOR array");
	buf_free(&pem);
	buf_free(&sig);
}

static void
test_signature_value_over_255(void **state)
{
	struct buf sig;

	buf_init(&sig, 256);
	assert_int_equal(cbor_put_head(&sig, CBOR_ARRAY, 1), 0);
	assert_int_equal(cbor_put_head(&sig, CBOR_MAP, 2), 0);
	assert_int_equal(cbor_put_text(&sig, "signing_certificate"), 0);
	assert_int_equal(cbor_put_head(&sig, CBOR_ARRAY, 1), 0);
	assert_int_equal(cbor_put_uint(&sig, 256), 0);
	sig_refused(&sig, "signing_certificate[0] is not a byte value");
	buf_free(&sig);
}

static void
test_signature_unknown_key(void **state)
{
	struct buf sig;

	buf_init(&sig, 256);
	assert_int_equal(cbor_put_head(&sig, CBOR_ARRAY, 1), 0);
	assert_int_equal(cbor_put_head(&sig, CBOR_MAP, 2), 0);
	assert_int_equal(cbor_put_text(&sig, "signing_cert"), 0);
	cbor_u8_array(&sig, (const uint8_t *)"x", 1);
	sig_refused(&sig, "unexpected or repeated PcrSignature key");
	buf_free(&sig);
}

static void
test_signature_repeated_key(void **state)
{
	struct buf pem, sig;

	read_pem(&pem);
	buf_init(&sig, 1u << 20);
	assert_int_equal(cbor_put_head(&sig, CBOR_ARRAY, 1), 0);
	assert_int_equal(cbor_put_head(&sig, CBOR_MAP, 2), 0);
	assert_int_equal(cbor_put_text(&sig, "signing_certificate"), 0);
	cbor_u8_array(&sig, pem.data, pem.len);
	assert_int_equal(cbor_put_text(&sig, "signing_certificate"), 0);
	cbor_u8_array(&sig, pem.data, pem.len);
	sig_refused(&sig, "unexpected or repeated PcrSignature key");
	buf_free(&pem);
	buf_free(&sig);
}

static void
test_signature_trailing_bytes(void **state)
{
	struct buf pem, sig;

	read_pem(&pem);
	make_sig(&sig, pem.data, pem.len);
	assert_int_equal(buf_putc(&sig, 0), 0);
	sig_refused(&sig, "1 bytes after the PcrSignature array");
	buf_free(&pem);
	buf_free(&sig);
}

static void
test_signature_empty_signature(void **state)
{
	struct buf pem, sig;

	read_pem(&pem);
	buf_init(&sig, 1u << 20);
	assert_int_equal(cbor_put_head(&sig, CBOR_ARRAY, 1), 0);
	assert_int_equal(cbor_put_head(&sig, CBOR_MAP, 2), 0);
	assert_int_equal(cbor_put_text(&sig, "signing_certificate"), 0);
	cbor_u8_array(&sig, pem.data, pem.len);
	assert_int_equal(cbor_put_text(&sig, "signature"), 0);
	cbor_u8_array(&sig, NULL, 0);
	sig_refused(&sig, "the signature is empty");
	buf_free(&pem);
	buf_free(&sig);
}

static void
test_signature_certificate_not_pem(void **state)
{
	static const char junk[] = "not a certificate";
	struct buf sig;

	make_sig(&sig, (const uint8_t *)junk, sizeof(junk) - 1);
	sig_refused(&sig, "not a PEM certificate");
	buf_free(&sig);
}

static void
test_signature_certificate_bad_der(void **state)
{
	static const char bad[] = "-----BEGIN CERTIFICATE-----\nAAAA\n"
	    "-----END CERTIFICATE-----\n";
	struct buf sig;

	make_sig(&sig, (const uint8_t *)bad, sizeof(bad) - 1);
	sig_refused(&sig, "does not decode");
	buf_free(&sig);
}

static void
test_signature_certificate_encrypted_pem(void **state)
{
	static const char enc[] = "-----BEGIN CERTIFICATE-----\n"
	    "Proc-Type: 4,ENCRYPTED\n"
	    "DEK-Info: AES-128-CBC,00112233445566778899AABBCCDDEEFF\n\n"
	    "AAAAAAAAAAAAAAAAAAAAAA==\n-----END CERTIFICATE-----\n";
	struct buf sig;

	/* Refused without asking for a password. */
	make_sig(&sig, (const uint8_t *)enc, sizeof(enc) - 1);
	sig_refused(&sig, "does not decode");
	buf_free(&sig);
}

static void
test_signature_data_after_certificate(void **state)
{
	struct buf pem, sig;

	read_pem(&pem);
	assert_int_equal(buf_append(&pem, "junk\n", 5), 0);
	make_sig(&sig, pem.data, pem.len);
	sig_refused(&sig, "data after the signing certificate");
	buf_free(&pem);
	buf_free(&sig);
}

static void
test_signature_section_over_cap(void **state)
{
	struct buf sig;

	buf_init(&sig, TEEC_MAX_EIF_SIGNATURE_BYTES + 1);
	while (sig.len < TEEC_MAX_EIF_SIGNATURE_BYTES + 1)
		assert_int_equal(buf_putc(&sig, 0), 0);
	sig_refused(&sig, "a signature section of 65537 bytes");
	buf_free(&sig);
}

static void
test_signature_in_version2(void **state)
{
	const struct sec s[] = { KERNEL, CMDLINE, RD1,
	    { EIF_SECTION_SIGNATURE, rd3, sizeof(rd3), 0 } };
	struct buf b;

	build(s, 4, 2, &b);
	refused(&b, "a signature section in a version 2 EIF");
	buf_free(&b);
}

static void
test_signature_not_last(void **state)
{
	const struct sec s[] = { KERNEL, CMDLINE, RD1,
	    { EIF_SECTION_SIGNATURE, rd3, sizeof(rd3), 0 }, RD2 };
	struct buf b;

	build(s, 5, 4, &b);
	refused(&b, "the signature section is not the last section");
	buf_free(&b);
}

/* Malformed headers. */

static void
test_bad_magic(void **state)
{
	const struct sec s[] = { KERNEL, CMDLINE, RD1 };
	struct buf b;

	build(s, 3, 4, &b);
	memcpy(b.data, "\x7f" "ELF", 4);
	fix_crc(&b);
	refused(&b, "not an EIF: magic 7f454c46");
	buf_free(&b);
}

static void
test_bad_version_zero(void **state)
{
	const struct sec s[] = { KERNEL, CMDLINE, RD1 };
	struct buf b;

	build(s, 3, 0, &b);
	refused(&b, "EIF version 0");
	buf_free(&b);
}

static void
test_bad_version_newer(void **state)
{
	const struct sec s[] = { KERNEL, CMDLINE, RD1 };
	struct buf b;

	build(s, 3, 5, &b);
	refused(&b, "EIF version 5");
	buf_free(&b);
}

static void
test_section_count_over_cap(void **state)
{
	const struct sec s[] = { KERNEL, CMDLINE, RD1 };
	struct buf b;

	build(s, 3, 4, &b);
	put16(b.data + 26, TEEC_MAX_EIF_SECTIONS + 1);
	fix_crc(&b);
	refused(&b, "33 sections, over the format's limit of 32");
	put16(b.data + 26, 0xffff);
	fix_crc(&b);
	refused(&b, "65535 sections");
	buf_free(&b);
}

static void
test_section_count_too_few(void **state)
{
	const struct sec s[] = { KERNEL, CMDLINE };
	struct buf b;

	build(s, 2, 4, &b);
	refused(&b, "2 sections: an EIF has at least");
	buf_free(&b);
}

static void
test_truncated_header(void **state)
{
	const struct sec s[] = { KERNEL, CMDLINE, RD1 };
	struct buf b;

	build(s, 3, 4, &b);
	b.len = 547;
	refused(&b, "truncated EIF header: 547 bytes");
	b.len = 0;
	refused(&b, "truncated EIF header: 0 bytes");
	buf_free(&b);
}

static void
test_section_beyond_end_of_file(void **state)
{
	const struct sec s[] = { KERNEL, CMDLINE, RD1 };
	struct buf b;

	build(s, 3, 4, &b);
	b.len -= 1;
	refused(&b, "section 2 (offset");
	refused(&b, "extends beyond the end of the file");
	buf_free(&b);
}

static void
test_section_size_huge(void **state)
{
	const struct sec s[] = { KERNEL, CMDLINE, RD1 };
	struct buf b;

	build(s, 3, 4, &b);
	put64(b.data + 284 + 16, UINT64_MAX - 5);
	fix_crc(&b);
	refused(&b, "section 2: 18446744073709551610 bytes: the image would exceed");
	buf_free(&b);
}

static void
test_sections_overlap(void **state)
{
	const struct sec s[] = { KERNEL, CMDLINE, RD1 };
	struct buf b;

	build(s, 3, 4, &b);
	put64(b.data + 28 + 8, 548 + 12 + sizeof(kernel) - 4);
	fix_crc(&b);
	refused(&b, "section 1 at offset 3556 overlaps the section before");
	put64(b.data + 28 + 8, 548 + 12 + sizeof(kernel));
	put64(b.data + 28, 500);
	fix_crc(&b);
	refused(&b, "section 0 at offset 500 overlaps the EIF header");
	buf_free(&b);
}

static void
test_section_gap(void **state)
{
	const struct sec s[] = { KERNEL, CMDLINE, RD1 };
	struct buf b;

	build(s, 3, 4, &b);
	put64(b.data + 28 + 16, be64_of(b.data + 28 + 16) + 4);
	fix_crc(&b);
	refused(&b, "leaves a gap");
	buf_free(&b);
}

static void
test_unused_table_entry_not_zero(void **state)
{
	const struct sec s[] = { KERNEL, CMDLINE, RD1 };
	struct buf b;

	build(s, 3, 4, &b);
	put64(b.data + 284 + 8 * 31, 1);
	fix_crc(&b);
	refused(&b, "unused section table entry 31 is not zero");
	buf_free(&b);
}

static void
test_section_header_size_mismatch(void **state)
{
	const struct sec s[] = { KERNEL, CMDLINE, RD1 };
	struct buf b;

	build(s, 3, 4, &b);
	/* cmdline's section header: at 548 + 12 + kernel, size at +4. */
	put64(b.data + 548 + 12 + sizeof(kernel) + 4, 1);
	fix_crc(&b);
	refused(&b, "section 1 (cmdline): its header says 1 bytes");
	buf_free(&b);
}

static void
test_crc_mismatch(void **state)
{
	const struct sec s[] = { KERNEL, CMDLINE, META, RD1 };
	struct buf b;

	build(s, 4, 4, &b);
	b.data[b.len - 1] ^= 1;         /* one bit of the ramdisk */
	refused(&b, "CRC mismatch");
	b.data[b.len - 1] ^= 1;
	b.data[20] ^= 1;                /* default_cpus: unmeasured, but in the CRC */
	refused(&b, "CRC mismatch");
	buf_free(&b);
}

static void
test_trailing_data(void **state)
{
	const struct sec s[] = { KERNEL, CMDLINE, RD1 };
	struct buf b;

	build(s, 3, 4, &b);
	assert_int_equal(buf_putc(&b, 0), 0);
	refused(&b, "1 bytes after the last section");
	buf_free(&b);
}

/* Section types and order. */

static void
test_unknown_section_type(void **state)
{
	const struct sec s[] = { KERNEL, CMDLINE, { 6, rd2, sizeof(rd2), 0 }, RD1 };
	struct buf b;

	build(s, 4, 4, &b);
	refused(&b, "section 2: unknown section type 6");
	buf_free(&b);
}

static void
test_invalid_section_type(void **state)
{
	const struct sec s[] = { KERNEL, CMDLINE, { 0, rd2, sizeof(rd2), 0 }, RD1 };
	struct buf b;

	build(s, 4, 4, &b);
	refused(&b, "section 2: type 0 (EifSectionInvalid)");
	buf_free(&b);
}

static void
test_first_section_not_kernel(void **state)
{
	const struct sec s[] = { CMDLINE, KERNEL, RD1 };
	struct buf b;

	build(s, 3, 4, &b);
	refused(&b, "section 0 is a cmdline section; the first must be the kernel");
	buf_free(&b);
}

static void
test_second_section_not_cmdline(void **state)
{
	const struct sec s[] = { KERNEL, RD1, CMDLINE };
	struct buf b;

	build(s, 3, 4, &b);
	refused(&b, "section 1 is a ramdisk section; the second must be the cmdline");
	buf_free(&b);
}

static void
test_second_kernel(void **state)
{
	const struct sec s[] = { KERNEL, CMDLINE, RD1, KERNEL };
	struct buf b;

	build(s, 4, 4, &b);
	refused(&b, "section 3: a second kernel section");
	buf_free(&b);
}

static void
test_no_ramdisk(void **state)
{
	const struct sec s[] = { KERNEL, CMDLINE, META };
	struct buf b;

	build(s, 3, 4, &b);
	refused(&b, "no ramdisk section");
	buf_free(&b);
}

static void
test_metadata_in_version3(void **state)
{
	const struct sec s[] = { KERNEL, CMDLINE, META, RD1 };
	struct buf b;

	build(s, 4, 3, &b);
	refused(&b, "a metadata section in a version 3 EIF");
	buf_free(&b);
}

static void
test_metadata_after_ramdisk(void **state)
{
	const struct sec s[] = { KERNEL, CMDLINE, RD1, META };
	struct buf b;

	build(s, 4, 4, &b);
	refused(&b, "the metadata section comes after a ramdisk");
	buf_free(&b);
}

static void
test_two_metadata_sections(void **state)
{
	const struct sec s[] = { KERNEL, CMDLINE, META, META, RD1 };
	struct buf b;

	build(s, 5, 4, &b);
	refused(&b, "a second metadata section");
	buf_free(&b);
}

/* The trust store writer. */

static void
store_dir(const char *name, char *dir, size_t len)
{
	snprintf(dir, len, "%s/%s", tmpdir, name);
	assert_int_equal(mkdir(dir, 0700), 0);
}

static void
entry(struct image_entry *e, const char *name)
{
	unsigned i;

	memset(e, 0, sizeof(*e));
	e->name = name;
	e->language = "c";
	e->toolchain = "gcc 12.2.0";
	e->recipe = "enclave/images/c-gcc12/Dockerfile@0123456789abcdef0123456789abcdef01234567";
	e->pcr_mask = 7;
	for (i = 0; i < 3; i++)
		memset(e->pcr[i], 0x11 * (i + 1), EIF_PCR_BYTES);
	e->valid_from = 1789689600;
}

static void
load(const char *path, struct images *im)
{
	struct teec_err err;
	struct buf b;

	memset(&err, 0, sizeof(err));
	assert_int_equal(read_file_capped(path, TEEC_MAX_MANIFEST_BYTES, &b, NULL),
	    TEEC_OK);
	if (images_parse(path, b.data, b.len, im, &err) != TEEC_OK)
		fail_msg("%s", err.msg);
	buf_free(&b);
}

static void
test_add_to_store_without_manifest(void **state)
{
	struct image_entry e;
	struct teec_err err;
	struct images im;
	char dir[512], path[600];

	store_dir("store-new", dir, sizeof(dir));
	entry(&e, "c-gcc12@0123456789ab");
	memset(&err, 0, sizeof(err));
	if (measure_add_image(dir, &e, path, sizeof(path), &err) != TEEC_OK)
		fail_msg("%s", err.msg);
	load(path, &im);
	assert_int_equal(im.n, 1);
	assert_string_equal(im.v[0].name, "c-gcc12@0123456789ab");
	assert_string_equal(im.v[0].language, "c");
	assert_string_equal(im.v[0].toolchain, "gcc 12.2.0");
	assert_string_equal(im.v[0].recipe, e.recipe);
	assert_null(im.v[0].source);
	assert_int_equal(im.v[0].pcr_mask, 7);
	assert_memory_equal(im.v[0].pcr[2], e.pcr[2], 48);
	assert_int_equal(im.v[0].valid_from, 1789689600);
	assert_int_equal(im.v[0].has_until, 0);
	images_free(&im);
}

static void
test_add_keeps_existing_entries(void **state)
{
	static const char old[] = "{\"note\":\"mine \\u00e9\\n\",\"images\":[{"
	    "\"name\":\"old\",\"pcrs\":{\"0\":\"" "%s" "\",\"1\":\"%s\","
	    "\"2\":\"%s\",\"8\":\"%s\"},\"valid_from\":\"2025-01-01T00:00:00Z\","
	    "\"valid_until\":\"2026-01-01T00:00:00Z\",\"note\":\"x\"}]}";
	char hex[97], text[2048], dir[512], path[600];
	struct image_entry e;
	struct teec_err err;
	struct images im;

	memset(hex, 'a', 96);
	hex[96] = '\0';
	snprintf(text, sizeof(text), old, hex, hex, hex, hex);
	store_dir("store-old", dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/images.json", dir);
	assert_int_equal(write_file_atomic(path, text, strlen(text), 0640, NULL),
	    TEEC_OK);
	entry(&e, "new");
	e.pcr_mask |= 1u << 8;
	memset(e.pcr[8], 0x88, 48);
	e.note = "built by test";
	memset(&err, 0, sizeof(err));
	if (measure_add_image(dir, &e, path, sizeof(path), &err) != TEEC_OK)
		fail_msg("%s", err.msg);
	load(path, &im);
	assert_int_equal(im.n, 2);
	assert_string_equal(im.v[0].name, "old");
	assert_int_equal(im.v[0].pcr_mask, 0x107);
	assert_int_equal(im.v[0].has_until, 1);
	assert_string_equal(im.v[0].note, "x");
	assert_string_equal(im.v[1].name, "new");
	assert_int_equal(im.v[1].pcr_mask, 0x107);
	assert_memory_equal(im.v[1].pcr[8], e.pcr[8], 48);
	assert_string_equal(im.v[1].note, "built by test");
	images_free(&im);
}

/* An add that must fail and leave the manifest byte for byte as it was. */
static void
add_refused(const char *dir, const struct image_entry *e, const char *want)
{
	char path[600], mpath[600];
	struct teec_err err;
	struct buf before, after;
	int had;

	snprintf(mpath, sizeof(mpath), "%s/images.json", dir);
	had = access(mpath, F_OK) == 0;
	if (had)
		assert_int_equal(read_file_capped(mpath, TEEC_MAX_MANIFEST_BYTES,
		    &before, NULL), TEEC_OK);
	memset(&err, 0, sizeof(err));
	assert_int_equal(measure_add_image(dir, e, path, sizeof(path), &err),
	    TEEC_ERROR);
	if (strstr(err.msg, want) == NULL)
		fail_msg("message \"%s\" lacks \"%s\"", err.msg, want);
	if (!had) {
		assert_int_not_equal(access(mpath, F_OK), 0);
		return;
	}
	assert_int_equal(read_file_capped(mpath, TEEC_MAX_MANIFEST_BYTES, &after,
	    NULL), TEEC_OK);
	assert_int_equal(before.len, after.len);
	assert_memory_equal(before.data, after.data, before.len);
	buf_free(&before);
	buf_free(&after);
}

static void
test_add_duplicate_name_refused(void **state)
{
	struct image_entry e;
	char dir[512], path[600];

	store_dir("store-dup", dir, sizeof(dir));
	entry(&e, "same");
	assert_int_equal(measure_add_image(dir, &e, path, sizeof(path), NULL),
	    TEEC_OK);
	add_refused(dir, &e, "an image named \"same\" is already there");
}

static void
test_add_broken_manifest_refused(void **state)
{
	static const char broken[] = "{\"images\":[{\"name\":\"x\"}]}";
	struct image_entry e;
	char dir[512], path[600];

	store_dir("store-broken", dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/images.json", dir);
	assert_int_equal(write_file_atomic(path, broken, strlen(broken), 0644,
	    NULL), TEEC_OK);
	entry(&e, "new");
	add_refused(dir, &e, "images[0]");
}

static void
test_add_bad_text_refused(void **state)
{
	struct image_entry e;
	char dir[512];

	store_dir("store-text", dir, sizeof(dir));
	entry(&e, "tab\there");
	add_refused(dir, &e, "name: holds a control character");
	entry(&e, "");
	add_refused(dir, &e, "name: empty");
	entry(&e, "ok");
	e.language = "\xff";
	add_refused(dir, &e, "language: not UTF-8");
	entry(&e, "ok");
	e.pcr_mask = 3;
	add_refused(dir, &e, "PCR0, PCR1 and PCR2 are required");
}

static void
test_add_symlinked_manifest_refused(void **state)
{
	struct image_entry e;
	char dir[512], path[600], target[600];

	store_dir("store-link", dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/images.json", dir);
	snprintf(target, sizeof(target), "%s/elsewhere.json", tmpdir);
	assert_int_equal(write_file_atomic(target, "{\"images\":[]}", 13, 0644,
	    NULL), TEEC_OK);
	assert_int_equal(symlink(target, path), 0);
	entry(&e, "new");
	add_refused(dir, &e, "not a regular file");
}

static void
test_add_missing_store_refused(void **state)
{
	struct image_entry e;
	char dir[512];

	snprintf(dir, sizeof(dir), "%s/no-such-store", tmpdir);
	entry(&e, "new");
	add_refused(dir, &e, "No such file or directory");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crc32_check_value),
		cmocka_unit_test(test_pcr_of_empty_input),
		cmocka_unit_test(test_valid_one_ramdisk),
		cmocka_unit_test(test_valid_three_ramdisks),
		cmocka_unit_test(test_valid_two_ramdisks_version3_no_metadata),
		cmocka_unit_test(test_valid_version1_has_no_crc),
		cmocka_unit_test(test_metadata_flags_and_headers_not_measured),
		cmocka_unit_test(test_large_ramdisk_streamed_in_chunks),
		cmocka_unit_test(test_file_and_pipe_equal_memory),
		cmocka_unit_test(test_truncated_pipe_refused),
		cmocka_unit_test(test_directory_is_an_error),
		cmocka_unit_test(test_signed_pcr8_is_the_certificate),
		cmocka_unit_test(test_signature_not_an_array),
		cmocka_unit_test(test_signature_two_entries),
		cmocka_unit_test(test_signature_certificate_as_byte_string),
		cmocka_unit_test(test_signature_value_over_255),
		cmocka_unit_test(test_signature_unknown_key),
		cmocka_unit_test(test_signature_repeated_key),
		cmocka_unit_test(test_signature_trailing_bytes),
		cmocka_unit_test(test_signature_empty_signature),
		cmocka_unit_test(test_signature_certificate_not_pem),
		cmocka_unit_test(test_signature_certificate_bad_der),
		cmocka_unit_test(test_signature_certificate_encrypted_pem),
		cmocka_unit_test(test_signature_data_after_certificate),
		cmocka_unit_test(test_signature_section_over_cap),
		cmocka_unit_test(test_signature_in_version2),
		cmocka_unit_test(test_signature_not_last),
		cmocka_unit_test(test_bad_magic),
		cmocka_unit_test(test_bad_version_zero),
		cmocka_unit_test(test_bad_version_newer),
		cmocka_unit_test(test_section_count_over_cap),
		cmocka_unit_test(test_section_count_too_few),
		cmocka_unit_test(test_truncated_header),
		cmocka_unit_test(test_section_beyond_end_of_file),
		cmocka_unit_test(test_section_size_huge),
		cmocka_unit_test(test_sections_overlap),
		cmocka_unit_test(test_section_gap),
		cmocka_unit_test(test_unused_table_entry_not_zero),
		cmocka_unit_test(test_section_header_size_mismatch),
		cmocka_unit_test(test_crc_mismatch),
		cmocka_unit_test(test_trailing_data),
		cmocka_unit_test(test_unknown_section_type),
		cmocka_unit_test(test_invalid_section_type),
		cmocka_unit_test(test_first_section_not_kernel),
		cmocka_unit_test(test_second_section_not_cmdline),
		cmocka_unit_test(test_second_kernel),
		cmocka_unit_test(test_no_ramdisk),
		cmocka_unit_test(test_metadata_in_version3),
		cmocka_unit_test(test_metadata_after_ramdisk),
		cmocka_unit_test(test_two_metadata_sections),
		cmocka_unit_test(test_add_to_store_without_manifest),
		cmocka_unit_test(test_add_keeps_existing_entries),
		cmocka_unit_test(test_add_duplicate_name_refused),
		cmocka_unit_test(test_add_broken_manifest_refused),
		cmocka_unit_test(test_add_bad_text_refused),
		cmocka_unit_test(test_add_symlinked_manifest_refused),
		cmocka_unit_test(test_add_missing_store_refused),
	};

	return cmocka_run_group_tests(tests, setup_group, teardown_group);
}

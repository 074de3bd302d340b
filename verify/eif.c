/* SPDX-License-Identifier: ISC */
/*
 * EIF parser and measurement. The format and the measurement rules are
 * summarised in verify/eif.h with their sources in
 * aws-nitro-enclaves-image-format.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "common/buf.h"
#include "common/cbor.h"
#include "common/digest.h"
#include "verify/eif.h"

/* Field offsets in EifHeader (src/defs/mod.rs, EifHeader::to_be_bytes). */
#define HDR_MAGIC        0
#define HDR_VERSION      4
#define HDR_FLAGS        6
#define HDR_DEFAULT_MEM  8
#define HDR_DEFAULT_CPUS 16
#define HDR_RESERVED     24
#define HDR_NUM_SECTIONS 26
#define HDR_OFFSETS      28
#define HDR_SIZES        (HDR_OFFSETS + 8 * EIF_TABLE)
#define HDR_UNUSED       (HDR_SIZES + 8 * EIF_TABLE)
#define HDR_CRC          (HDR_UNUSED + 4)
#define EIF_TABLE        32     /* MAX_NUM_SECTIONS */

/* Keys of PcrSignature, serialised by serde_cbor as a map of two members. */
#define SIG_KEY_CERT     "signing_certificate"
#define SIG_KEY_SIG      "signature"
#define SIG_KEY_MAX      32

static const uint8_t eif_magic[4] = { '.', 'e', 'i', 'f' };

/* The bytes of an EIF, from memory or a file descriptor. */
struct src {
	const uint8_t *mem;
	size_t memlen;
	size_t off;
	int fd;                 /* -1: memory */
	const char *what;
};

/* CRC-32/ISO-HDLC: reflected polynomial 0xedb88320, init and xorout ~0. */
struct crc {
	uint32_t table[256];
	uint32_t v;
};

static void
crc_init(struct crc *c)
{
	uint32_t x;
	unsigned i, k;

	for (i = 0; i < 256; i++) {
		x = i;
		for (k = 0; k < 8; k++)
			x = (x & 1) ? 0xedb88320u ^ (x >> 1) : x >> 1;
		c->table[i] = x;
	}
	c->v = 0;
}

static void
crc_update(struct crc *c, const uint8_t *p, size_t n)
{
	uint32_t v = ~c->v;

	while (n-- > 0)
		v = c->table[(v ^ *p++) & 0xffu] ^ (v >> 8);
	c->v = ~v;
}

uint32_t
eif_crc32(uint32_t crc, const void *p, size_t n)
{
	struct crc c;

	crc_init(&c);
	c.v = crc;
	crc_update(&c, p, n);
	return c.v;
}

static void
extend(const uint8_t d[EIF_PCR_BYTES], uint8_t out[EIF_PCR_BYTES])
{
	uint8_t in[2 * EIF_PCR_BYTES];

	memset(in, 0, EIF_PCR_BYTES);
	memcpy(in + EIF_PCR_BYTES, d, EIF_PCR_BYTES);
	sha384(in, sizeof(in), out);
}

void
eif_pcr_of(const void *p, size_t n, uint8_t out[EIF_PCR_BYTES])
{
	uint8_t d[EIF_PCR_BYTES];

	sha384(p, n, d);
	extend(d, out);
}

const char *
eif_section_name(uint16_t type)
{
	switch (type) {
	case EIF_SECTION_INVALID:
		return "invalid";
	case EIF_SECTION_KERNEL:
		return "kernel";
	case EIF_SECTION_CMDLINE:
		return "cmdline";
	case EIF_SECTION_RAMDISK:
		return "ramdisk";
	case EIF_SECTION_SIGNATURE:
		return "signature";
	case EIF_SECTION_METADATA:
		return "metadata";
	default:
		return "unknown";
	}
}

const char *
eif_arch(uint16_t flags)
{
	return (flags & EIF_FLAG_ARM64) ? "aarch64" : "x86_64";
}

static uint16_t
be16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static uint32_t
be32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	    ((uint32_t)p[2] << 8) | p[3];
}

static uint64_t
be64(const uint8_t *p)
{
	return ((uint64_t)be32(p) << 32) | be32(p + 4);
}

/* Read up to n bytes; *got < n only at the end of the input. */
static int
src_read(struct src *s, uint8_t *p, size_t n, size_t *got,
    struct teec_err *err)
{
	size_t k = 0;
	ssize_t r;

	if (s->fd == -1) {
		k = s->memlen - s->off < n ? s->memlen - s->off : n;
		if (k > 0)
			memcpy(p, s->mem + s->off, k);
		s->off += k;
	} else {
		while (k < n) {
			r = read(s->fd, p + k, n - k);
			if (r == -1 && errno == EINTR)
				continue;
			if (r == -1)
				return teec_errf(err, TEEC_ERROR, "%s: %s", s->what,
				    strerror(errno));
			if (r == 0)
				break;
			k += (size_t)r;
		}
	}
	*got = k;
	return TEEC_OK;
}

/*
 * A Vec<u8> as serde_cbor writes it: a definite-length array of unsigned
 * integers 0..255 (RFC 8949 major types 4 and 0), appended to out when
 * out is not NULL. Returns the element count in *count.
 */
static int
sig_bytes(struct cbor_cur *c, const char *what, const char *field,
    struct buf *out, uint64_t *count, struct teec_err *err)
{
	struct cbor_head h;
	uint64_t i;

	if (cbor_read_head(c, &h) == -1 || h.major != CBOR_ARRAY || h.indef)
		return teec_errf(err, TEEC_FAIL,
		    "%s: signature section: %s is not a CBOR array of byte values",
		    what, field);
	if (h.arg > cbor_left(c))
		return teec_errf(err, TEEC_FAIL,
		    "%s: signature section: %s declares %" PRIu64
		    " bytes, more than the section holds", what, field, h.arg);
	for (i = 0; i < h.arg; i++) {
		struct cbor_head e;

		if (cbor_read_head(c, &e) == -1 || e.major != CBOR_UINT ||
		    e.arg > 255)
			return teec_errf(err, TEEC_FAIL,
			    "%s: signature section: %s[%" PRIu64 "] is not a byte value",
			    what, field, i);
		if (out != NULL && buf_putc(out, (uint8_t)e.arg) == -1)
			return teec_errf(err, TEEC_ERROR, "out of memory");
	}
	*count = h.arg;
	return TEEC_OK;
}

/* A PEM with an encryption header must fail, not ask for a password. */
static int
no_password(char *buf, int size, int rwflag, void *u)
{
	return -1;
}

/*
 * PCR8 from the signature section: EifSignature = Vec<PcrSignature>,
 * serialised with serde_cbor (src/defs/mod.rs; EifBuilder::
 * generate_eif_signature writes exactly one, PCR0's). PCR8 extends the
 * SHA-384 of the DER of the PEM signing certificate (EifBuilder::measure,
 * EifReader::from_eif).
 */
static int
parse_signature(const uint8_t *p, size_t n, const char *what,
    uint8_t pcr8[EIF_PCR_BYTES], struct teec_err *err)
{
	static const char begin[] = "-----BEGIN CERTIFICATE-----";
	struct cbor_cur c;
	struct cbor_head h;
	struct buf pem, key;
	BIO *bio = NULL;
	X509 *x = NULL;
	uint8_t *der = NULL, d[EIF_PCR_BYTES];
	uint64_t i, count;
	size_t skip;
	int have_cert = 0, have_sig = 0, derlen, r, rc = TEEC_FAIL;
	char rest[256];

	buf_init(&pem, TEEC_MAX_EIF_SIGNATURE_BYTES);
	buf_init(&key, SIG_KEY_MAX);
	cbor_cur_init(&c, p, n);
	if (cbor_read_head(&c, &h) == -1 || h.major != CBOR_ARRAY || h.indef) {
		teec_errf(err, TEEC_FAIL,
		    "%s: signature section: not a CBOR array of PcrSignature", what);
		goto out;
	}
	if (h.arg != 1) {
		teec_errf(err, TEEC_FAIL,
		    "%s: signature section: %" PRIu64 " signatures; an EIF holds "
		    "exactly one (PCR0's)", what, h.arg);
		goto out;
	}
	if (cbor_read_head(&c, &h) == -1 || h.major != CBOR_MAP || h.indef ||
	    h.arg != 2) {
		teec_errf(err, TEEC_FAIL, "%s: signature section: the PcrSignature "
		    "is not a map of signing_certificate and signature", what);
		goto out;
	}
	for (i = 0; i < 2; i++) {
		struct cbor_head k;

		key.len = 0;
		if (cbor_read_head(&c, &k) == -1 || k.major != CBOR_TEXT ||
		    cbor_read_string(&c, &k, SIG_KEY_MAX, &key) == -1) {
			teec_errf(err, TEEC_FAIL, "%s: signature section: a "
			    "PcrSignature key is not a short text string", what);
			goto out;
		}
		if (key.len == sizeof(SIG_KEY_CERT) - 1 &&
		    memcmp(key.data, SIG_KEY_CERT, key.len) == 0 && !have_cert) {
			if ((r = sig_bytes(&c, what, SIG_KEY_CERT, &pem, &count,
			    err)) != TEEC_OK) {
				rc = r;
				goto out;
			}
			have_cert = 1;
		} else if (key.len == sizeof(SIG_KEY_SIG) - 1 &&
		    memcmp(key.data, SIG_KEY_SIG, key.len) == 0 && !have_sig) {
			if ((r = sig_bytes(&c, what, SIG_KEY_SIG, NULL, &count,
			    err)) != TEEC_OK) {
				rc = r;
				goto out;
			}
			if (count == 0) {
				teec_errf(err, TEEC_FAIL,
				    "%s: signature section: the signature is empty", what);
				goto out;
			}
			have_sig = 1;
		} else {
			teec_errf(err, TEEC_FAIL, "%s: signature section: unexpected "
			    "or repeated PcrSignature key", what);
			goto out;
		}
	}
	if (cbor_left(&c) != 0) {
		teec_errf(err, TEEC_FAIL, "%s: signature section: %zu bytes after "
		    "the PcrSignature array", what, cbor_left(&c));
		goto out;
	}
	/* One PEM certificate (X509::from_pem), nothing but white space around. */
	for (skip = 0; skip < pem.len && isspace(pem.data[skip]); skip++)
		;
	if (pem.len - skip < sizeof(begin) - 1 ||
	    memcmp(pem.data + skip, begin, sizeof(begin) - 1) != 0) {
		teec_errf(err, TEEC_FAIL, "%s: signature section: the signing "
		    "certificate is not a PEM certificate", what);
		goto out;
	}
	if ((bio = BIO_new_mem_buf(pem.data + skip, (int)(pem.len - skip))) == NULL) {
		rc = teec_errf(err, TEEC_ERROR, "out of memory");
		goto out;
	}
	if ((x = PEM_read_bio_X509(bio, NULL, no_password, NULL)) == NULL) {
		teec_errf(err, TEEC_FAIL, "%s: signature section: the signing "
		    "certificate does not decode (PEM, X.509 DER)", what);
		goto out;
	}
	for (;;) {
		int nr = BIO_read(bio, rest, sizeof(rest)), j;

		if (nr <= 0)
			break;
		for (j = 0; j < nr; j++)
			if (!isspace((unsigned char)rest[j])) {
				teec_errf(err, TEEC_FAIL, "%s: signature section: data "
				    "after the signing certificate", what);
				goto out;
			}
	}
	if ((derlen = i2d_X509(x, &der)) <= 0) {
		rc = teec_errf(err, TEEC_ERROR, "out of memory");
		goto out;
	}
	sha384(der, (size_t)derlen, d);
	extend(d, pcr8);
	rc = TEEC_OK;
out:
	ERR_clear_error();
	OPENSSL_free(der);
	X509_free(x);
	BIO_free(bio);
	buf_free(&pem);
	buf_free(&key);
	return rc;
}

/* Where section i may stand, given what came before (EifBuilder::write_to). */
static int
check_order(const struct eif_measurement *m, size_t i, size_t num,
    uint16_t type, int seen_meta, const char *what, struct teec_err *err)
{
	const char *name = eif_section_name(type);

	if (i == 0 && type != EIF_SECTION_KERNEL)
		return teec_errf(err, TEEC_FAIL, "%s: section 0 is a %s section; "
		    "the first must be the kernel", what, name);
	if (i == 1 && type != EIF_SECTION_CMDLINE)
		return teec_errf(err, TEEC_FAIL, "%s: section 1 is a %s section; "
		    "the second must be the cmdline", what, name);
	if (i >= 2 && (type == EIF_SECTION_KERNEL || type == EIF_SECTION_CMDLINE))
		return teec_errf(err, TEEC_FAIL, "%s: section %zu: a second %s "
		    "section", what, i, name);
	if (type == EIF_SECTION_METADATA) {
		if (m->version < 4)
			return teec_errf(err, TEEC_FAIL, "%s: section %zu: a metadata "
			    "section in a version %u EIF (metadata is version 4 on)",
			    what, i, m->version);
		if (seen_meta)
			return teec_errf(err, TEEC_FAIL, "%s: section %zu: a second "
			    "metadata section", what, i);
		if (m->nramdisks > 0)
			return teec_errf(err, TEEC_FAIL, "%s: section %zu: the metadata "
			    "section comes after a ramdisk", what, i);
	}
	if (type == EIF_SECTION_SIGNATURE) {
		if (m->version < 3)
			return teec_errf(err, TEEC_FAIL, "%s: section %zu: a signature "
			    "section in a version %u EIF (signatures are version 3 on)",
			    what, i, m->version);
		if (i != num - 1)
			return teec_errf(err, TEEC_FAIL, "%s: section %zu: the signature "
			    "section is not the last section", what, i);
	}
	return TEEC_OK;
}

/* Check the header and its section table; fills m and off[], sz[]. */
static int
parse_header(const uint8_t *hdr, int size_known, uint64_t size,
    const char *what, struct eif_measurement *m, uint64_t *end_out,
    struct teec_err *err)
{
	uint64_t off, sz, end = EIF_HEADER_BYTES;
	uint16_t num;
	size_t i;

	if (memcmp(hdr + HDR_MAGIC, eif_magic, sizeof(eif_magic)) != 0)
		return teec_errf(err, TEEC_FAIL, "%s: not an EIF: magic %02x%02x%02x%02x, "
		    "not 2e656966 (\".eif\")", what, hdr[0], hdr[1], hdr[2], hdr[3]);
	m->version = be16(hdr + HDR_VERSION);
	if (m->version < EIF_VERSION_MIN || m->version > EIF_VERSION_MAX)
		return teec_errf(err, TEEC_FAIL, "%s: EIF version %u: teec reads "
		    "versions %u to %u", what, m->version, EIF_VERSION_MIN,
		    EIF_VERSION_MAX);
	m->flags = be16(hdr + HDR_FLAGS);
	m->default_mem = be64(hdr + HDR_DEFAULT_MEM);
	m->default_cpus = be64(hdr + HDR_DEFAULT_CPUS);
	m->crc32 = be32(hdr + HDR_CRC);
	num = be16(hdr + HDR_NUM_SECTIONS);
	if (num > TEEC_MAX_EIF_SECTIONS)
		return teec_errf(err, TEEC_FAIL, "%s: %u sections, over the format's "
		    "limit of %u", what, num, TEEC_MAX_EIF_SECTIONS);
	if (num < 3)
		return teec_errf(err, TEEC_FAIL, "%s: %u sections: an EIF has at least "
		    "a kernel, a cmdline and a ramdisk", what, num);
	m->nsections = num;
	for (i = 0; i < EIF_TABLE; i++) {
		off = be64(hdr + HDR_OFFSETS + 8 * i);
		sz = be64(hdr + HDR_SIZES + 8 * i);
		if (i >= num) {
			if (off != 0 || sz != 0)
				return teec_errf(err, TEEC_FAIL, "%s: EIF header: unused "
				    "section table entry %zu is not zero", what, i);
			continue;
		}
		if (off < end)
			return teec_errf(err, TEEC_FAIL, "%s: section %zu at offset %"
			    PRIu64 " overlaps %s, which ends at offset %" PRIu64, what,
			    i, off, i == 0 ? "the EIF header" : "the section before",
			    end);
		if (off > end)
			return teec_errf(err, TEEC_FAIL, "%s: section %zu at offset %"
			    PRIu64 " leaves a gap after offset %" PRIu64, what, i, off,
			    end);
		if (end > TEEC_MAX_EIF_BYTES - EIF_SECTION_HEADER_BYTES ||
		    sz > TEEC_MAX_EIF_BYTES - end - EIF_SECTION_HEADER_BYTES)
			return teec_errf(err, TEEC_FAIL, "%s: section %zu: %" PRIu64
			    " bytes: the image would exceed %llu bytes", what, i, sz,
			    (unsigned long long)TEEC_MAX_EIF_BYTES);
		if (size_known && (off + EIF_SECTION_HEADER_BYTES > size ||
		    sz > size - off - EIF_SECTION_HEADER_BYTES))
			return teec_errf(err, TEEC_FAIL, "%s: section %zu (offset %"
			    PRIu64 ", %" PRIu64 " bytes) extends beyond the end of the "
			    "file (%" PRIu64 " bytes)", what, i, off, sz, size);
		m->sections[i].offset = off;
		m->sections[i].size = sz;
		end = off + EIF_SECTION_HEADER_BYTES + sz;
	}
	if (size_known && end < size)
		return teec_errf(err, TEEC_FAIL, "%s: %" PRIu64 " bytes after the last "
		    "section (which ends at offset %" PRIu64 ")", what, size - end, end);
	*end_out = end;
	return TEEC_OK;
}

static int
measure(struct src *s, int size_known, uint64_t size,
    struct eif_measurement *m, struct teec_err *err)
{
	uint8_t hdr[EIF_HEADER_BYTES], sh[EIF_SECTION_HEADER_BYTES];
	uint8_t d[EIF_PCR_BYTES];
	struct digest h[3];
	struct crc crc;
	struct buf sig;
	uint8_t *chunk = NULL;
	uint64_t end = 0, pos, left;
	size_t i, got, want, k;
	int seen_meta = 0, rc = TEEC_FAIL;
	const char *what = s->what;

	memset(m, 0, sizeof(*m));
	memset(h, 0, sizeof(h));
	buf_init(&sig, TEEC_MAX_EIF_SIGNATURE_BYTES);
	crc_init(&crc);
	for (k = 0; k < 3; k++)
		if (digest_init(&h[k], EVP_sha384()) == -1) {
			rc = teec_errf(err, TEEC_ERROR, "out of memory");
			goto out;
		}
	if ((chunk = malloc(TEEC_IO_CHUNK)) == NULL) {
		rc = teec_errf(err, TEEC_ERROR, "out of memory");
		goto out;
	}
	if (size_known && size > TEEC_MAX_EIF_BYTES) {
		teec_errf(err, TEEC_FAIL, "%s: larger than %llu bytes", what,
		    (unsigned long long)TEEC_MAX_EIF_BYTES);
		goto out;
	}

	/* EifHeader (src/defs/mod.rs). */
	if ((rc = src_read(s, hdr, sizeof(hdr), &got, err)) != TEEC_OK)
		goto out;
	rc = TEEC_FAIL;
	if (got < sizeof(hdr)) {
		teec_errf(err, TEEC_FAIL, "%s: truncated EIF header: %zu bytes, the "
		    "header alone is %u", what, got, EIF_HEADER_BYTES);
		goto out;
	}
	if (parse_header(hdr, size_known, size, what, m, &end, err) != TEEC_OK)
		goto out;
	m->size = end;
	/* The CRC covers the header but its own last field (compute_crc). */
	crc_update(&crc, hdr, HDR_CRC);
	pos = EIF_HEADER_BYTES;

	/* Sections, in file order (EifReader::from_eif). */
	for (i = 0; i < m->nsections; i++) {
		struct eif_section *sec = &m->sections[i];
		uint16_t type;
		uint64_t ssize;

		if ((rc = src_read(s, sh, sizeof(sh), &got, err)) != TEEC_OK)
			goto out;
		rc = TEEC_FAIL;
		if (got < sizeof(sh)) {
			teec_errf(err, TEEC_FAIL, "%s: section %zu: truncated section "
			    "header at offset %" PRIu64 " (the file ends at %" PRIu64 ")",
			    what, i, pos, pos + got);
			goto out;
		}
		crc_update(&crc, sh, sizeof(sh));
		pos += sizeof(sh);
		type = be16(sh);
		ssize = be64(sh + 4);
		if (type == EIF_SECTION_INVALID) {
			teec_errf(err, TEEC_FAIL, "%s: section %zu: type 0 "
			    "(EifSectionInvalid)", what, i);
			goto out;
		}
		if (type > EIF_SECTION_METADATA) {
			teec_errf(err, TEEC_FAIL, "%s: section %zu: unknown section "
			    "type %u", what, i, type);
			goto out;
		}
		if (ssize != sec->size) {
			teec_errf(err, TEEC_FAIL, "%s: section %zu (%s): its header says "
			    "%" PRIu64 " bytes, the EIF header %" PRIu64, what, i,
			    eif_section_name(type), ssize, sec->size);
			goto out;
		}
		if (check_order(m, i, m->nsections, type, seen_meta, what, err) !=
		    TEEC_OK)
			goto out;
		if (type == EIF_SECTION_SIGNATURE &&
		    ssize > TEEC_MAX_EIF_SIGNATURE_BYTES) {
			teec_errf(err, TEEC_FAIL, "%s: section %zu: a signature section "
			    "of %" PRIu64 " bytes, over %u", what, i, ssize,
			    TEEC_MAX_EIF_SIGNATURE_BYTES);
			goto out;
		}
		sec->type = type;
		sec->flags = be16(sh + 2);
		if (type == EIF_SECTION_METADATA)
			seen_meta = 1;

		for (left = ssize; left > 0; left -= got) {
			want = left < TEEC_IO_CHUNK ? (size_t)left : TEEC_IO_CHUNK;
			if ((rc = src_read(s, chunk, want, &got, err)) != TEEC_OK)
				goto out;
			rc = TEEC_FAIL;
			crc_update(&crc, chunk, got);
			pos += got;
			switch (type) {
			case EIF_SECTION_KERNEL:
			case EIF_SECTION_CMDLINE:
				if (digest_update(&h[0], chunk, got) == -1 ||
				    digest_update(&h[1], chunk, got) == -1)
					goto hash_fail;
				break;
			case EIF_SECTION_RAMDISK:
				if (digest_update(&h[0], chunk, got) == -1 ||
				    digest_update(&h[m->nramdisks == 0 ? 1 : 2], chunk,
				    got) == -1)
					goto hash_fail;
				break;
			case EIF_SECTION_SIGNATURE:
				if (buf_append(&sig, chunk, got) == -1) {
					rc = teec_errf(err, TEEC_ERROR, "out of memory");
					goto out;
				}
				break;
			default:        /* metadata: only in the CRC */
				break;
			}
			if (got < want) {
				teec_errf(err, TEEC_FAIL, "%s: section %zu (%s): truncated: "
				    "the file ends at offset %" PRIu64 ", %" PRIu64
				    " bytes short", what, i, eif_section_name(type), pos,
				    left - got);
				goto out;
			}
		}
		if (type == EIF_SECTION_RAMDISK)
			m->nramdisks++;
		if (type == EIF_SECTION_SIGNATURE)
			m->is_signed = 1;
	}
	if (m->nramdisks == 0) {
		teec_errf(err, TEEC_FAIL, "%s: no ramdisk section", what);
		goto out;
	}
	if ((rc = src_read(s, chunk, 1, &got, err)) != TEEC_OK)
		goto out;
	rc = TEEC_FAIL;
	if (got != 0) {
		teec_errf(err, TEEC_FAIL, "%s: data after the last section (offset %"
		    PRIu64 ")", what, pos);
		goto out;
	}
	/* V1 -> V2 added the CRC (src/defs/mod.rs, CURRENT_VERSION). */
	if (m->version >= 2) {
		if (crc.v != m->crc32) {
			teec_errf(err, TEEC_FAIL, "%s: CRC mismatch: the header says "
			    "%08" PRIx32 ", the image's is %08" PRIx32, what, m->crc32,
			    crc.v);
			goto out;
		}
		m->crc_checked = 1;
	}
	for (k = 0; k < 3; k++) {
		if (digest_final(&h[k], d) == -1)
			goto hash_fail;
		extend(d, m->pcr[k]);
		m->pcr_mask |= 1u << k;
	}
	if (m->is_signed) {
		if ((rc = parse_signature(sig.data, sig.len, what, m->pcr[8],
		    err)) != TEEC_OK)
			goto out;
		m->pcr_mask |= 1u << 8;
	}
	rc = TEEC_OK;
	goto out;
hash_fail:
	rc = teec_errf(err, TEEC_ERROR, "SHA-384 failed");
out:
	for (k = 0; k < 3; k++)
		digest_free(&h[k]);
	free(chunk);
	buf_free(&sig);
	if (rc != TEEC_OK) {
		OPENSSL_cleanse(m->pcr, sizeof(m->pcr));
		m->pcr_mask = 0;
	}
	return rc;
}

int
eif_measure_mem(const uint8_t *p, size_t n, const char *what,
    struct eif_measurement *m, struct teec_err *err)
{
	struct src s;

	memset(&s, 0, sizeof(s));
	s.mem = p;
	s.memlen = p == NULL ? 0 : n;
	s.fd = -1;
	s.what = what;
	return measure(&s, 1, s.memlen, m, err);
}

int
eif_measure_fd(int fd, const char *what, struct eif_measurement *m,
    struct teec_err *err)
{
	struct stat st;
	struct src s;

	memset(m, 0, sizeof(*m));
	if (fstat(fd, &st) == -1)
		return teec_errf(err, TEEC_ERROR, "%s: %s", what, strerror(errno));
	if (S_ISDIR(st.st_mode))
		return teec_errf(err, TEEC_ERROR, "%s: is a directory", what);
	memset(&s, 0, sizeof(s));
	s.fd = fd;
	s.what = what;
	if (S_ISREG(st.st_mode))
		return measure(&s, 1, (uint64_t)st.st_size, m, err);
	return measure(&s, 0, 0, m, err);
}

int
eif_measure_file(const char *path, struct eif_measurement *m,
    struct teec_err *err)
{
	int fd, rc;

	if (strcmp(path, "-") == 0)
		return eif_measure_fd(STDIN_FILENO, "standard input", m, err);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1) {
		memset(m, 0, sizeof(*m));
		return teec_errf(err, TEEC_ERROR, "%s: %s", path, strerror(errno));
	}
	rc = eif_measure_fd(fd, path, m, err);
	close(fd);
	return rc;
}

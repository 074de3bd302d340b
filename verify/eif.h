/* SPDX-License-Identifier: ISC */
#ifndef TEEC_EIF_H
#define TEEC_EIF_H

/*
 * Enclave image files (EIF) and their measurements: PCR0, PCR1, PCR2 and,
 * for a signed image, PCR8, computed from the file alone.
 *
 * The format is the one of aws-nitro-enclaves-image-format (the crate that
 * nitro-cli builds and reads EIFs with): src/defs/mod.rs (EifHeader,
 * EifSectionHeader, EifSectionType, PcrSignature), src/utils/mod.rs
 * (EifBuilder: write_to, measure, compute_crc) and src/utils/eif_reader.rs
 * (EifReader::from_eif, the reader behind `nitro-cli describe-eif`).
 *
 * Layout (all integers big-endian):
 *   EifHeader, 548 bytes: magic ".eif", u16 version, u16 flags (bit 0:
 *   aarch64), u64 default_mem, u64 default_cpus, u16 reserved,
 *   u16 num_sections, u64 section_offsets[32], u64 section_sizes[32],
 *   u32 unused, u32 eif_crc32.
 *   Then num_sections sections, back to back, each a 12-byte
 *   EifSectionHeader (u16 type, u16 flags, u64 size) followed by size bytes
 *   of data. section_offsets[i] is the file offset of section i's header,
 *   section_sizes[i] the size of its data.
 *   Types: 1 kernel, 2 cmdline, 3 ramdisk, 4 signature (version 3 on),
 *   5 metadata (version 4 on); 0 is "invalid".
 *   eif_crc32 (version 2 on) is CRC-32/ISO-HDLC (the zlib crc32) over the
 *   header without its last 4 bytes, then every section header and its
 *   data, in file order.
 *
 * Measurements (EifHasher::tpm_extend_finalize_reset over a hasher without
 * cache, src/defs/eif_hasher.rs): each PCR is one extend of an all-zero
 * register, PCR = SHA-384(48 zero bytes || SHA-384(M)), where M is the
 * concatenation of section data in file order, never section headers:
 *   PCR0: kernel || cmdline || every ramdisk
 *   PCR1: kernel || cmdline || the first ramdisk
 *   PCR2: every ramdisk after the first (M empty with one ramdisk, so PCR2
 *         is then SHA-384(zeros || SHA-384("")), not zero)
 *   PCR8: the DER of the signing certificate, the PEM certificate held in
 *         the signature section (signed images only).
 * The EIF header, the metadata section and the signature section are not
 * part of PCR0..2.
 *
 * This parser accepts only the shape EifBuilder writes, and says why it
 * refuses anything else (a malformed image is never measured by a guess):
 * version 1..4; 3..32 sections; contiguous sections from offset 548 that
 * end exactly at the end of the file; unused table entries zero; section
 * order kernel, cmdline, [metadata], ramdisk..., [signature]; each section
 * header's size equal to the table's; the CRC (version 2 on); a signature
 * section holding exactly one PcrSignature whose certificate is one PEM
 * certificate. The signature itself (a COSE_Sign1 over PCR0) is not
 * checked: PCR8 identifies the certificate, not a signature's validity.
 *
 * Status: TEEC_OK; TEEC_FAIL for a malformed image (the message says what
 * and where); TEEC_ERROR for I/O errors and lack of memory. Messages start
 * with `what` (a file name).
 */

#include <stddef.h>
#include <stdint.h>

#include "common/caps.h"
#include "common/status.h"

#define EIF_HEADER_BYTES          548u
#define EIF_SECTION_HEADER_BYTES  12u
#define EIF_PCR_BYTES             48u
#define EIF_VERSION_MIN           1u
#define EIF_VERSION_MAX           4u     /* CURRENT_VERSION in src/defs/mod.rs */
#define EIF_FLAG_ARM64            0x1u   /* EIF_HDR_ARCH_ARM64 */

enum eif_section_type {
	EIF_SECTION_INVALID = 0,
	EIF_SECTION_KERNEL = 1,
	EIF_SECTION_CMDLINE = 2,
	EIF_SECTION_RAMDISK = 3,
	EIF_SECTION_SIGNATURE = 4,
	EIF_SECTION_METADATA = 5,
};

struct eif_section {
	uint16_t type;
	uint16_t flags;
	uint64_t offset;        /* file offset of its section header */
	uint64_t size;          /* bytes of data after the section header */
};

/* PCR indexes an EIF defines: 0, 1, 2 and 8. */
#define EIF_PCR_SLOTS 9

struct eif_measurement {
	uint16_t version;
	uint16_t flags;
	uint64_t default_mem;
	uint64_t default_cpus;
	uint32_t crc32;         /* the header's */
	int crc_checked;        /* version 2 on: it matched */
	uint64_t size;          /* bytes in the file */
	size_t nsections;
	size_t nramdisks;
	struct eif_section sections[TEEC_MAX_EIF_SECTIONS];
	int is_signed;
	uint32_t pcr_mask;      /* bit i: pcr[i] is set (0, 1, 2; 8 if signed) */
	uint8_t pcr[EIF_PCR_SLOTS][EIF_PCR_BYTES];
};

/* Measure n bytes at p (a whole EIF). */
int eif_measure_mem(const uint8_t *p, size_t n, const char *what,
    struct eif_measurement *m, struct teec_err *err);

/*
 * Measure the EIF read from fd, streamed in TEEC_IO_CHUNK pieces (memory
 * does not grow with the image). When fd is a regular file its size is
 * checked against the header before any section is read. The fd is read
 * to its end and not closed.
 */
int eif_measure_fd(int fd, const char *what, struct eif_measurement *m,
    struct teec_err *err);

/* Open path ("-": standard input; a directory is refused) and measure it. */
int eif_measure_file(const char *path, struct eif_measurement *m,
    struct teec_err *err);

/* "kernel", "cmdline", ... or "unknown". */
const char *eif_section_name(uint16_t type);
/* "x86_64" or "aarch64" from the header flags. */
const char *eif_arch(uint16_t flags);

/* CRC-32/ISO-HDLC (zlib's crc32): start with crc = 0, feed pieces. */
uint32_t eif_crc32(uint32_t crc, const void *p, size_t n);

/* The EIF PCR extend: out = SHA-384(48 zero bytes || SHA-384(p[0..n))). */
void eif_pcr_of(const void *p, size_t n, uint8_t out[EIF_PCR_BYTES]);

#endif

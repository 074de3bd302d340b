/* SPDX-License-Identifier: ISC */
#ifndef TEEC_NSM_H
#define TEEC_NSM_H

/*
 * Access to the Nitro Secure Module (NSM): the real device /dev/nsm inside
 * an enclave, or an emulator for local mode that produces documents of the
 * exact AWS Nitro format (COSE_Sign1 over the AttestationDocument map, see
 * the AWS nsm-api docs/attestation_process.md and RFC 9052), signed by a
 * leaf issued for each document by the development CA (enclave/devca.h).
 */

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "common/buf.h"
#include "common/cose.h"
#include "common/status.h"

#define NITRO_PCR_BYTES       48u   /* SHA-384 PCR bank */
#define NSM_EMU_PCRS          16u   /* PCR0..PCR15, as a real enclave shows */
#define NSM_DEV_PATH          "/dev/nsm"


/*
 * The fields of one AttestationDocument. Optional byte strings: a NULL
 * pointer is encoded as CBOR null (what the NSM emits when a field was not
 * requested), a non-NULL pointer with length 0 as an empty byte string.
 */
struct nitro_fields {
	const char *module_id;
	const char *digest;                 /* NULL: "SHA384" */
	uint64_t timestamp_ms;
	unsigned npcrs;
	const uint8_t (*pcrs)[NITRO_PCR_BYTES];
	const unsigned *pcr_index;          /* NULL: pcrs[i] has index i */
	const uint8_t *cert;
	size_t cert_len;
	const uint8_t *const *cabundle;     /* [root, intermediates...] */
	const size_t *cabundle_len;
	size_t ncabundle;
	const uint8_t *public_key;
	size_t public_key_len;
	const uint8_t *user_data;
	size_t user_data_len;
	const uint8_t *nonce;
	size_t nonce_len;
	int indefinite_map;                 /* top-level map as bf ... ff */
};

/*
 * Append the payload map to out, keys in the order the NSM emits them:
 * module_id, digest, timestamp, pcrs, certificate, cabundle, public_key,
 * user_data, nonce. Pure; no checks beyond what the encoding needs, so
 * tests can build documents a verifier must refuse. 0, or -1 when out's
 * cap is reached or a pointer that a count needs is NULL.
 */
int nitro_encode_payload(const struct nitro_fields *f, struct buf *out);


/*
 * Sign payload with an EC P-384 key and append the COSE_Sign1
 * [h'a1013822', {}, payload, r || s] to out: untagged like the NSM, or
 * with tag 18 (0xd2) when tagged is set. The signature is ES384 over the
 * Sig_structure, as 96 raw bytes (r and s big-endian, 48 bytes each).
 * TEEC_OK, or TEEC_ERROR with err set.
 */
int cose_sign1_es384(EVP_PKEY *key, const uint8_t *payload, size_t n,
    int tagged, struct buf *out, struct teec_err *err);

enum nsm_kind {
	NSM_AUTO,       /* the device if /dev/nsm exists, else the emulator */
	NSM_DEVICE,
	NSM_EMULATED,
};

struct nsm;

/*
 * Open the NSM. devca_dir is the emulator's development CA directory
 * (NULL: the default, see devca_open()); the device ignores it. AUTO never
 * falls back to the emulator when /dev/nsm exists but cannot be used.
 */
int nsm_open(enum nsm_kind kind, const char *devca_dir, struct nsm **out,
    struct teec_err *err);

/* The backend in use: NSM_DEVICE or NSM_EMULATED. */
enum nsm_kind nsm_get_kind(const struct nsm *n);

/* The emulator's module_id; NULL for the device (it is in the document). */
const char *nsm_module_id(const struct nsm *n);

/*
 * Request an attestation document binding user_data, nonce and public_key
 * (each: NULL = absent, encoded as null; length 0 with a pointer = empty
 * byte string). The request must fit the NSM request size, as the device
 * requires. doc is initialised here and holds the COSE_Sign1 bytes on
 * TEEC_OK; it is empty on error.
 */
int nsm_attest(struct nsm *n, const uint8_t *user_data, size_t ud_len,
    const uint8_t *nonce, size_t nonce_len, const uint8_t *public_key,
    size_t pk_len, struct buf *doc, struct teec_err *err);

void nsm_close(struct nsm *n);

/*
 * The device backend (enclave/nsm_dev.c). The message encoding and the
 * response decoding are pure functions over bytes.
 */

/*
 * Append the request {"Attestation": {"user_data": bstr|null,
 * "nonce": bstr|null, "public_key": bstr|null}} (nsm-api src/api/mod.rs,
 * serde externally tagged enum) to req. TEEC_ERROR if it would exceed
 * TEEC_NSM_REQUEST_MAX bytes (the device answers InputTooLarge).
 */
int nsm_dev_encode_attest(const uint8_t *user_data, size_t ud_len,
    const uint8_t *nonce, size_t nonce_len, const uint8_t *public_key,
    size_t pk_len, struct buf *req, struct teec_err *err);

/*
 * Decode a response to an Attestation request: {"Attestation":
 * {"document": bstr}} appends the document to doc (which the caller
 * initialised); {"Error": "<code>"} and anything else is TEEC_ERROR with a
 * message naming the NSM error code when it is a known one.
 */
int nsm_dev_decode_attest(const uint8_t *resp, size_t n, struct buf *doc,
    struct teec_err *err);

/*
 * A response {VARIANT: value} (serde's externally tagged enum) to the
 * request named variant: at most TEEC_NSM_RESPONSE_MAX bytes, a map of one
 * entry, its name variant; {"Error": "<code>"} is TEEC_ERROR naming the
 * code when it is a known one. body(c, name, arg, err) decodes the value
 * (name: a scratch buffer for field names); then nothing may follow.
 * TEEC_OK or TEEC_ERROR.
 */
struct cbor_cur;
typedef int (*nsm_dev_body_fn)(struct cbor_cur *c, struct buf *name,
    void *arg, struct teec_err *err);
int nsm_dev_decode_response(const uint8_t *resp, size_t n,
    const char *variant, nsm_dev_body_fn body, void *arg,
    struct teec_err *err);

/* A CBOR text of at most TEEC_MAX_NSM_NAME bytes into b (reset). 0 or -1. */
int nsm_dev_read_name(struct cbor_cur *c, struct buf *b);
/* 1 when b holds exactly the text s. */
int nsm_dev_name_is(const struct buf *b, const char *s);

/*
 * The documentation of an NSM ErrorCode named by the n bytes at name
 * ("InvalidIndex": "PCR index out of bounds"), or NULL for a name that is
 * not one (nsm-api src/api/mod.rs ErrorCode).
 */
const char *nsm_dev_error_what(const uint8_t *name, size_t n);

/*
 * Append the request {"DescribePCR": {"index": index}} (nsm-api
 * Request::DescribePCR, index: u16) to req.
 */
int nsm_dev_encode_describe_pcr(uint16_t index, struct buf *req,
    struct teec_err *err);

/*
 * Decode a response to a DescribePCR request: {"DescribePCR": {"lock":
 * bool, "data": bstr}} (nsm-api Response::DescribePCR; data is
 * serde_bytes). data must be NITRO_PCR_BYTES (the SHA-384 bank), lock a
 * CBOR boolean; both exactly once, other fields skipped as serde does. An
 * {"Error": "<code>"} response or any other shape is TEEC_ERROR with a
 * message naming the NSM error code when it is a known one. Nothing is
 * written to lock and data unless TEEC_OK.
 */
int nsm_dev_decode_describe_pcr(const uint8_t *resp, size_t n, int *lock,
    uint8_t data[NITRO_PCR_BYTES], struct teec_err *err);

/*
 * PCR index of the NSM in use: DescribePCR through the device (or the
 * transport of nsm_open_raw()); the emulator's PCRs are all zero and
 * locked.
 */
int nsm_describe_pcr(struct nsm *n, uint16_t index, int *lock,
    uint8_t data[NITRO_PCR_BYTES], struct teec_err *err);

/*
 * One NSM_IOCTL_RAW round trip, as nsm_dev_raw() does it: send reqlen
 * bytes, receive at most respcap into resp. The seam for tests: a device
 * NSM whose messages go to a stand-in instead of /dev/nsm.
 */
typedef int (*nsm_raw_fn)(void *arg, const uint8_t *req, size_t reqlen,
    uint8_t *resp, size_t respcap, size_t *resplen, struct teec_err *err);

/* An NSM of kind NSM_DEVICE whose round trips are raw(arg, ...). */
int nsm_open_raw(nsm_raw_fn raw, void *arg, struct nsm **out,
    struct teec_err *err);

/* open(2) /dev/nsm (or path) read-write. TEEC_OK and *fd, or TEEC_ERROR. */
int nsm_dev_open(const char *path, int *fd, struct teec_err *err);

/*
 * One NSM_IOCTL_RAW round trip: send req, receive at most respcap bytes
 * into resp (respcap should be TEEC_NSM_RESPONSE_MAX). TEEC_OK and
 * *resplen, or TEEC_ERROR.
 */
int nsm_dev_raw(int fd, const uint8_t *req, size_t reqlen, uint8_t *resp,
    size_t respcap, size_t *resplen, struct teec_err *err);

#endif

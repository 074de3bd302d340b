/* SPDX-License-Identifier: ISC */
/*
 * The /dev/nsm backend. Messages are CBOR encodings of the serde
 * externally tagged enums Request and Response of aws-nitro-enclaves-nsm-api
 * src/api/mod.rs; the transport is one NSM_IOCTL_RAW per message (Linux
 * drivers/misc/nsm.c, include/uapi/linux/nsm.h).
 */
#include <sys/ioctl.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/caps.h"
#include "common/cbor.h"
#include "enclave/nsm.h"

/* include/uapi/linux/nsm.h, not in every distribution's kernel headers. */
#define TEEC_NSM_MAGIC 0x0A
struct teec_nsm_iovec {
	uint64_t addr;          /* user space address */
	uint64_t len;           /* in: buffer size; out (response): bytes written */
};
struct teec_nsm_raw {
	struct teec_nsm_iovec request;
	struct teec_nsm_iovec response;
};
#define TEEC_NSM_IOCTL_RAW _IOWR(TEEC_NSM_MAGIC, 0x0, struct teec_nsm_raw)

_Static_assert(sizeof(struct teec_nsm_raw) == 32, "struct nsm_raw is 32 bytes");
#if defined(__x86_64__) || defined(__aarch64__)
_Static_assert(TEEC_NSM_IOCTL_RAW == 0xC0200A00u, "NSM_IOCTL_RAW");
#endif

/* nsm-api ErrorCode, in declaration order, with its documentation. */
static const struct {
	const char *name;
	const char *what;
} nsm_errors[] = {
	{ "Success", "no error reported as an error" },
	{ "InvalidArgument", "input argument(s) invalid" },
	{ "InvalidIndex", "PCR index out of bounds" },
	{ "InvalidResponse", "the response does not correspond to the request" },
	{ "ReadOnlyIndex", "the PCR is read-only" },
	{ "InvalidOperation", "the request cannot be fulfilled: missing "
	    "capabilities" },
	{ "BufferTooSmall", "the response buffer is too small" },
	{ "InputTooLarge", "the request is too large" },
	{ "InternalError", "internal error in the NSM" },
};

static int
put_opt(struct buf *b, const uint8_t *p, size_t n)
{
	if (p == NULL)
		return cbor_put_null(b);
	return cbor_put_bytes(b, p, n);
}

int
nsm_dev_encode_attest(const uint8_t *user_data, size_t ud_len,
    const uint8_t *nonce, size_t nonce_len, const uint8_t *public_key,
    size_t pk_len, struct buf *req, struct teec_err *err)
{
	struct buf m;
	int rc = TEEC_ERROR;

	/* Request::Attestation { user_data, nonce, public_key }, in order. */
	buf_init(&m, TEEC_NSM_REQUEST_MAX);
	if (cbor_put_head(&m, CBOR_MAP, 1) == -1 ||
	    cbor_put_text(&m, "Attestation") == -1 ||
	    cbor_put_head(&m, CBOR_MAP, 3) == -1 ||
	    cbor_put_text(&m, "user_data") == -1 ||
	    put_opt(&m, user_data, ud_len) == -1 ||
	    cbor_put_text(&m, "nonce") == -1 ||
	    put_opt(&m, nonce, nonce_len) == -1 ||
	    cbor_put_text(&m, "public_key") == -1 ||
	    put_opt(&m, public_key, pk_len) == -1) {
		teec_errf(err, TEEC_ERROR, "attestation request larger than "
		    "the NSM accepts (%u bytes): user_data, nonce and "
		    "public_key are too large (InputTooLarge)",
		    TEEC_NSM_REQUEST_MAX);
		goto out;
	}
	if (buf_append(req, m.data, m.len) == -1) {
		teec_errf(err, TEEC_ERROR, "NSM request buffer too small");
		goto out;
	}
	rc = TEEC_OK;
out:
	buf_free(&m);
	return rc;
}

/* A short name from the NSM that is safe to show: [A-Za-z0-9_]+. */
static int
is_ident(const struct buf *b)
{
	size_t i;

	if (b->len == 0)
		return 0;
	for (i = 0; i < b->len; i++) {
		uint8_t ch = b->data[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '_'))
			return 0;
	}
	return 1;
}

int
nsm_dev_name_is(const struct buf *b, const char *s)
{
	size_t n = strlen(s);

	return b->len == n && memcmp(b->data, s, n) == 0;
}

int
nsm_dev_read_name(struct cbor_cur *c, struct buf *b)
{
	struct cbor_head h;

	b->len = 0;
	if (cbor_read_head(c, &h) == -1 || h.major != CBOR_TEXT)
		return -1;
	return cbor_read_string(c, &h, TEEC_MAX_NSM_NAME, b);
}

const char *
nsm_dev_error_what(const uint8_t *name, size_t n)
{
	size_t i;

	for (i = 0; i < sizeof(nsm_errors) / sizeof(nsm_errors[0]); i++)
		if (strlen(nsm_errors[i].name) == n &&
		    memcmp(nsm_errors[i].name, name, n) == 0)
			return nsm_errors[i].what;
	return NULL;
}

/*
 * The value of {"Attestation": {"document": bstr}}. Other keys are skipped
 * (serde ignores unknown fields); "document" must appear exactly once.
 */
static int
decode_document(struct cbor_cur *c, struct buf *name, void *arg,
    struct teec_err *err)
{
	struct buf *doc = arg;
	struct cbor_head h, v;
	uint64_t i;
	int seen = 0;

	if (cbor_read_head(c, &h) == -1 || h.major != CBOR_MAP)
		return teec_errf(err, TEEC_ERROR,
		    "malformed NSM response: Attestation is not a map");
	for (i = 0;; i++) {
		if (!h.indef && i == h.arg)
			break;
		if (i >= TEEC_MAX_CBOR_ITEMS)
			return teec_errf(err, TEEC_ERROR,
			    "malformed NSM response: too many fields");
		if (h.indef && cbor_peek(c) == 0xff) {
			c->off++;
			break;
		}
		if (nsm_dev_read_name(c, name) == -1)
			return teec_errf(err, TEEC_ERROR,
			    "malformed NSM response: bad field name");
		if (cbor_read_head(c, &v) == -1 || v.is_break)
			return teec_errf(err, TEEC_ERROR,
			    "malformed NSM response: truncated field");
		if (!nsm_dev_name_is(name, "document")) {
			if (cbor_skip(c, &v, TEEC_MAX_CBOR_DEPTH,
			    TEEC_MAX_CBOR_ITEMS) == -1)
				return teec_errf(err, TEEC_ERROR,
				    "malformed NSM response: bad field value");
			continue;
		}
		if (seen)
			return teec_errf(err, TEEC_ERROR,
			    "malformed NSM response: duplicate document");
		seen = 1;
		if (v.major != CBOR_BYTES)
			return teec_errf(err, TEEC_ERROR,
			    "malformed NSM response: document is not a byte "
			    "string");
		if (cbor_read_string(c, &v, TEEC_MAX_DOC_BYTES, doc) == -1)
			return teec_errf(err, TEEC_ERROR,
			    "malformed NSM response: bad document");
	}
	if (!seen)
		return teec_errf(err, TEEC_ERROR,
		    "malformed NSM response: no document");
	return TEEC_OK;
}

int
nsm_dev_decode_response(const uint8_t *resp, size_t n, const char *variant,
    nsm_dev_body_fn body, void *arg, struct teec_err *err)
{
	struct cbor_cur c;
	struct cbor_head h;
	struct buf name;
	const char *what;
	int rc = TEEC_ERROR;

	buf_init(&name, TEEC_MAX_NSM_NAME);
	if (n == 0) {
		teec_errf(err, TEEC_ERROR, "empty NSM response");
		goto out;
	}
	if (n > TEEC_NSM_RESPONSE_MAX) {
		teec_errf(err, TEEC_ERROR, "NSM response larger than %u bytes",
		    TEEC_NSM_RESPONSE_MAX);
		goto out;
	}
	cbor_cur_init(&c, resp, n);
	if (cbor_read_head(&c, &h) == -1) {
		teec_errf(err, TEEC_ERROR, "malformed NSM %s response: "
		    "truncated", variant);
		goto out;
	}
	/* Unit variants ("LockPCR", ...) are bare text: none answers us. */
	if (h.major != CBOR_MAP || (!h.indef && h.arg != 1)) {
		teec_errf(err, TEEC_ERROR, "unexpected NSM response: not a "
		    "single-entry map");
		goto out;
	}
	if (nsm_dev_read_name(&c, &name) == -1) {
		teec_errf(err, TEEC_ERROR, "malformed NSM %s response: bad "
		    "variant name", variant);
		goto out;
	}
	if (nsm_dev_name_is(&name, "Error")) {
		if (nsm_dev_read_name(&c, &name) == -1)
			teec_errf(err, TEEC_ERROR, "malformed NSM error "
			    "response");
		else if ((what = nsm_dev_error_what(name.data, name.len)) !=
		    NULL)
			teec_errf(err, TEEC_ERROR, "NSM %s failed: %s (%s)",
			    variant, name.data, what);
		else
			teec_errf(err, TEEC_ERROR, "NSM %s failed with an "
			    "unknown error code", variant);
		goto out;
	}
	if (!nsm_dev_name_is(&name, variant)) {
		if (is_ident(&name))
			teec_errf(err, TEEC_ERROR, "unexpected NSM response %s "
			    "to the %s request", name.data, variant);
		else
			teec_errf(err, TEEC_ERROR, "unexpected NSM response "
			    "to the %s request", variant);
		goto out;
	}
	if (body(&c, &name, arg, err) != TEEC_OK)
		goto out;
	if (h.indef && (cbor_read_head(&c, &h) == -1 || !h.is_break)) {
		teec_errf(err, TEEC_ERROR, "malformed NSM %s response: no "
		    "break, or more than one variant", variant);
		goto out;
	}
	if (cbor_left(&c) != 0) {
		teec_errf(err, TEEC_ERROR, "malformed NSM %s response: %zu "
		    "trailing bytes", variant, cbor_left(&c));
		goto out;
	}
	rc = TEEC_OK;
out:
	buf_free(&name);
	return rc;
}

int
nsm_dev_decode_attest(const uint8_t *resp, size_t n, struct buf *doc,
    struct teec_err *err)
{
	size_t start = doc->len;
	int rc;

	rc = nsm_dev_decode_response(resp, n, "Attestation", decode_document,
	    doc, err);
	if (rc != TEEC_OK && doc->data != NULL) {
		doc->len = start;
		doc->data[start] = '\0';
	}
	return rc;
}

int
nsm_dev_open(const char *path, int *fd, struct teec_err *err)
{
	*fd = open(path, O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (*fd == -1) {
		if (errno == ENOENT)
			return teec_errf(err, TEEC_ERROR, "%s: no such device "
			    "(not inside a Nitro Enclave?)", path);
		return teec_errf(err, TEEC_ERROR, "%s: %s", path,
		    strerror(errno));
	}
	return TEEC_OK;
}

int
nsm_dev_raw(int fd, const uint8_t *req, size_t reqlen, uint8_t *resp,
    size_t respcap, size_t *resplen, struct teec_err *err)
{
	struct teec_nsm_raw raw;
	int r;

	*resplen = 0;
	if (reqlen == 0 || reqlen > TEEC_NSM_REQUEST_MAX)
		return teec_errf(err, TEEC_ERROR, "NSM request of %zu bytes "
		    "(must be 1 to %u)", reqlen, TEEC_NSM_REQUEST_MAX);
	if (respcap > TEEC_NSM_RESPONSE_MAX)
		respcap = TEEC_NSM_RESPONSE_MAX;
	memset(&raw, 0, sizeof(raw));
	raw.request.addr = (uint64_t)(uintptr_t)req;
	raw.request.len = reqlen;
	raw.response.addr = (uint64_t)(uintptr_t)resp;
	raw.response.len = respcap;
	do
		r = ioctl(fd, TEEC_NSM_IOCTL_RAW, &raw);
	while (r == -1 && errno == EINTR);
	if (r == -1) {
		if (errno == EMSGSIZE)
			return teec_errf(err, TEEC_ERROR, "NSM: the request is "
			    "too large (InputTooLarge)");
		return teec_errf(err, TEEC_ERROR, "NSM ioctl: %s",
		    strerror(errno));
	}
	if (raw.response.len > respcap)
		return teec_errf(err, TEEC_ERROR, "NSM reported a %llu-byte "
		    "response for a %zu-byte buffer",
		    (unsigned long long)raw.response.len, respcap);
	*resplen = (size_t)raw.response.len;
	return TEEC_OK;
}

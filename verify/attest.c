/* SPDX-License-Identifier: ISC */
#include <string.h>

#include "common/buf.h"
#include "common/caps.h"
#include "common/cose.h"
#include "common/status.h"
#include "verify/attest.h"
#include "verify/es384.h"

const char *const attest_check_names[] = {
	"cose", "payload", "root", "chain", "signature", "debug", NULL,
};

static void
skip_from(struct vresult *r, const char *first)
{
	size_t i;
	int on = 0;

	for (i = 0; attest_check_names[i] != NULL; i++) {
		if (strcmp(attest_check_names[i], first) == 0)
			on = 1;
		if (on)
			vresult_skip(r, attest_check_names[i]);
	}
}

void
attest_out_free(struct attest_out *out)
{
	if (out == NULL)
		return;
	nitro_doc_free(&out->doc);
	chain_info_free(&out->chain);
	memset(out, 0, sizeof(*out));
}

int
attest_verify(const uint8_t *p, size_t n, const struct attest_opts *o,
    struct attest_out *out, struct vresult *r)
{
	struct teec_err err = { "" };
	struct nitro_doc *d = &out->doc;
	struct buf tbs;
	int v;

	memset(out, 0, sizeof(*out));
	buf_init(&tbs, TEEC_MAX_PAYLOAD_BYTES + 128);

	/* RFC 9052 section 4.2 */
	if (nitro_cose_parse(p, n, &d->cose, &err) != TEEC_OK) {
		vresult_fail(r, "cose", R_MALFORMED, "%s", err.msg);
		skip_from(r, "payload");
		goto out;
	}
	vresult_ok(r, "cose", "COSE_Sign1%s, ES384, %zu-byte payload",
	    d->cose.tagged ? " (tagged)" : "", d->cose.payload_len);

	/* AWS attestation_process.md section 3.2.1: syntactic checks */
	if (nitro_payload_parse(d->cose.payload, d->cose.payload_len, d,
	    &err) != TEEC_OK) {
		vresult_fail(r, "payload", R_MALFORMED, "%s", err.msg);
		skip_from(r, "root");
		goto out;
	}
	out->parsed = 1;
	out->debug = nitro_is_debug(d);
	vresult_ok(r, "payload", "all fields well-formed%s",
	    d->payload_indefinite ? " (indefinite-length map)" : "");

	/* Section 3.2.2: the certificate path, at the chosen time. */
	out->at = o->at_mode == AT_FIXED ? o->at :
	    (int64_t)(d->timestamp_ms / 1000);
	if (chain_verify(d, o->roots, out->at, &out->chain, r, o->cache) != TEEC_OK) {
		skip_from(r, "signature");
		goto out;
	}

	/* Section 3.2.3: the COSE signature with the leaf key. */
	if (cose_sig_structure(d->cose.prot, d->cose.prot_len, d->cose.payload,
	    d->cose.payload_len, &tbs) == -1) {
		vresult_fail(r, "signature", R_MALFORMED, "document too large");
		skip_from(r, "debug");
		goto out;
	}
	v = es384_verify_raw(out->chain.leaf_key, tbs.data, tbs.len,
	    d->cose.sig, sizeof(d->cose.sig));
	if (v != 1) {
		vresult_fail(r, "signature", R_BAD_SIGNATURE,
		    "the COSE signature does not verify with the leaf key");
		skip_from(r, "debug");
		goto out;
	}
	vresult_ok(r, "signature", "ES384 signature by the leaf certificate");

	out->dev = o->dev_root != NULL && d->cabundle_len[0] == o->dev_root_len &&
	    memcmp(d->cabundle[0], o->dev_root, o->dev_root_len) == 0;
	/* Debug-mode enclaves measure PCR0, PCR1 and PCR2 as zero. */
	if (out->dev && out->debug)
		vresult_ok(r, "debug", "zero PCRs: a local development build (--dev)");
	else if (out->debug && !o->allow_debug)
		vresult_fail(r, "debug", R_DEBUG_ENCLAVE,
		    "PCR0, PCR1 and PCR2 are zero: a debug-mode enclave (--allow-debug accepts it)");
	else if (out->debug)
		vresult_ok(r, "debug", "debug-mode enclave, allowed by --allow-debug");
	else
		vresult_ok(r, "debug", "not a debug-mode enclave");
out:
	buf_free(&tbs);
	return r->status;
}

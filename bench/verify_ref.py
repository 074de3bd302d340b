#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""Reference verifier for bench/run.sh item 3: the checks of
`teec-verify attestation` on one AWS Nitro attestation document, written
plainly with Debian's python3-cryptography and python3-cbor2.

    verify_ref.py ROOT.pem DOC...

Checks, in teec-verify's order: COSE_Sign1 shape (RFC 9052 section 4.2;
protected header exactly {1: -35}, 96-byte signature), payload fields (AWS
attestation_process.md section 3.2.1), cabundle[0] byte-equal to the
pinned root, the path cabundle[0] -> ... -> certificate at the document's
timestamp (signatures, names, validity, CA flags and path lengths, key
usage), the leaf an end-entity P-384 signing key valid at the document's
time, the ES384 signature over the Sig_structure, and PCR0-2 not zero.
Exit 0 when every document verifies, 1 otherwise.
"""
import base64
import datetime
import hashlib
import sys

import cbor2
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

MAX_DOC = 64 * 1024
MAX_CERT = 1024
MAX_OPT = 1024


class Fail(Exception):
    pass


def need(cond, why):
    if not cond:
        raise Fail(why)


def decode_input(raw):
    text = raw.strip()
    try:
        return base64.b64decode(b"".join(text.split()), validate=True)
    except ValueError:
        return raw


def parse_cose(doc):
    need(len(doc) <= MAX_DOC, "document too large")
    obj = cbor2.loads(doc)
    if isinstance(obj, cbor2.CBORTag):
        need(obj.tag == 18, "not a COSE_Sign1 tag")
        obj = obj.value
    need(isinstance(obj, list) and len(obj) == 4, "not a 4-element COSE_Sign1")
    prot, unprot, payload, sig = obj
    need(isinstance(prot, bytes) and cbor2.loads(prot) == {1: -35},
         "protected header is not {1: -35}")
    need(unprot == {}, "unprotected header not empty")
    need(isinstance(payload, bytes), "payload not a byte string")
    need(isinstance(sig, bytes) and len(sig) == 96, "signature not 96 bytes")
    return prot, payload, sig


def parse_payload(payload):
    d = cbor2.loads(payload)
    need(isinstance(d, dict), "payload not a map")
    for k in ("module_id", "digest", "timestamp", "pcrs", "certificate",
              "cabundle"):
        need(k in d, "missing " + k)
    need(isinstance(d["module_id"], str) and d["module_id"], "module_id")
    need(d["digest"] == "SHA384", "digest")
    need(isinstance(d["timestamp"], int) and d["timestamp"] > 0, "timestamp")
    pcrs = d["pcrs"]
    need(isinstance(pcrs, dict) and 1 <= len(pcrs) <= 32, "pcrs")
    for i, v in pcrs.items():
        need(isinstance(i, int) and 0 <= i < 32, "pcr index")
        need(isinstance(v, bytes) and len(v) in (32, 48, 64), "pcr value")
    cert = d["certificate"]
    need(isinstance(cert, bytes) and 1 <= len(cert) <= MAX_CERT, "certificate")
    cab = d["cabundle"]
    need(isinstance(cab, list) and 1 <= len(cab) <= 16, "cabundle")
    for c in cab:
        need(isinstance(c, bytes) and 1 <= len(c) <= MAX_CERT, "cabundle entry")
    for k in ("public_key", "user_data", "nonce"):
        v = d.get(k)
        need(v is None or (isinstance(v, bytes) and len(v) <= MAX_OPT), k)
    return d


def ext(cert, oid):
    try:
        return cert.extensions.get_extension_for_oid(oid).value
    except x509.ExtensionNotFound:
        return None


def check_chain(d, root_der, at):
    cab = d["cabundle"]
    need(cab[0] == root_der, "cabundle[0] is not the trusted root")
    # path: leaf, INTERM_N .. INTERM_1, ROOT
    path = [x509.load_der_x509_certificate(d["certificate"])]
    path += [x509.load_der_x509_certificate(c) for c in reversed(cab)]
    for depth, c in enumerate(path):
        need(c.not_valid_before <= at < c.not_valid_after,
             "certificate %d not valid at the document time" % depth)
    for depth in range(len(path) - 1):
        child, issuer = path[depth], path[depth + 1]
        need(child.issuer == issuer.subject, "issuer name mismatch")
        bc = ext(issuer, x509.OID_BASIC_CONSTRAINTS)
        need(bc is not None and bc.ca, "issuer is not a CA")
        # RFC 5280 4.2.1.9: intermediates below the issuer, path[1..depth]
        need(bc.path_length is None or bc.path_length >= depth,
             "path length exceeded")
        ku = ext(issuer, x509.OID_KEY_USAGE)
        need(ku is None or ku.key_cert_sign, "issuer lacks keyCertSign")
        issuer.public_key().verify(
            child.signature, child.tbs_certificate_bytes,
            ec.ECDSA(child.signature_hash_algorithm))
    leaf = path[0]
    bc = ext(leaf, x509.OID_BASIC_CONSTRAINTS)
    need(bc is None or not bc.ca, "leaf is a CA")
    ku = ext(leaf, x509.OID_KEY_USAGE)
    need(ku is not None and ku.digital_signature and not ku.key_cert_sign,
         "leaf is not a signing certificate")
    key = leaf.public_key()
    need(isinstance(key, ec.EllipticCurvePublicKey) and
         isinstance(key.curve, ec.SECP384R1), "leaf key is not P-384")
    need(leaf.not_valid_before <= at <= leaf.not_valid_after,
         "document time outside the leaf's validity")
    return key


def verify(raw, root_der):
    prot, payload, sig = parse_cose(decode_input(raw))
    d = parse_payload(payload)
    at = datetime.datetime.utcfromtimestamp(d["timestamp"] // 1000)
    key = check_chain(d, root_der, at)
    tbs = cbor2.dumps(["Signature1", prot, b"", payload])
    der = encode_dss_signature(int.from_bytes(sig[:48], "big"),
                               int.from_bytes(sig[48:], "big"))
    key.verify(der, tbs, ec.ECDSA(hashes.SHA384()))
    pcrs = d["pcrs"]
    need(not all(pcrs.get(i, b"\0") == bytes(len(pcrs.get(i, b"\0")))
                 for i in (0, 1, 2)), "debug-mode enclave (zero PCRs)")


def main(argv):
    if len(argv) < 3:
        sys.stderr.write("usage: verify_ref.py ROOT.pem DOC...\n")
        return 2
    with open(argv[1], "rb") as f:
        root_der = x509.load_pem_x509_certificate(f.read()).public_bytes(
            serialization.Encoding.DER)
    try:
        with open(argv[1] + ".sha256") as f:
            pin = f.read().strip().lower()
    except FileNotFoundError:
        pin = None
    if pin is not None and hashlib.sha256(root_der).hexdigest() != pin:
        sys.stderr.write("%s: not the pinned root\n" % argv[1])
        return 2
    worst = 0
    for path in argv[2:]:
        with open(path, "rb") as f:
            raw = f.read(96 * 1024 + 1)
        try:
            verify(raw, root_der)
            print("%s: VERIFIED" % path)
        except (Fail, InvalidSignature, ValueError, TypeError, KeyError,
                cbor2.CBORDecodeError) as e:
            print("%s: NOT VERIFIED: %s" % (path, e or type(e).__name__))
            worst = 1
    return worst


if __name__ == "__main__":
    sys.exit(main(sys.argv))

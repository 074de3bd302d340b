/* SPDX-License-Identifier: ISC */
/*
 * Every cap on input that teec parses, in one place. A value that crosses a
 * trust boundary is checked against one of these before it is read or
 * allocated. Changing one is a format decision: say it in the man pages.
 */
#ifndef TEEC_CAPS_H
#define TEEC_CAPS_H

/* Attestation documents (AWS Nitro, COSE_Sign1). */
#define TEEC_MAX_DOC_BYTES        (64u * 1024u)  /* whole document, raw CBOR */
#define TEEC_MAX_DOC_TEXT_BYTES   (96u * 1024u)  /* base64 text of a document */
#define TEEC_MAX_PAYLOAD_BYTES    (48u * 1024u)  /* COSE payload byte string */
#define TEEC_MAX_CBOR_DEPTH       8u             /* nesting of arrays and maps */
#define TEEC_MAX_CBOR_ITEMS       64u            /* entries in one map or array */
#define TEEC_MAX_MODULE_ID        256u           /* module_id text */
#define TEEC_MAX_CERT_BYTES       1024u          /* one DER certificate (AWS spec: 1..1024) */
#define TEEC_MAX_CHAIN_CERTS      16u            /* cabundle entries */
#define TEEC_MAX_OPT_FIELD        1024u          /* public_key, user_data, nonce (AWS CDDL: 0..1024) */
#define TEEC_MAX_PCRS             32u            /* PCR indexes 0..31 */
#define TEEC_COSE_SIG_BYTES       96u            /* ES384 r || s */

/*
 * NSM device messages (Linux include/uapi/linux/nsm.h: NSM_REQUEST_MAX_SIZE,
 * NSM_RESPONSE_MAX_SIZE). A response is untrusted input to its decoder.
 */
#define TEEC_NSM_REQUEST_MAX      0x1000u        /* 4096: CBOR request */
#define TEEC_NSM_RESPONSE_MAX     0x3000u        /* 12288: CBOR response */
#define TEEC_MAX_NSM_NAME         32u            /* variant or error name */

/* Trust store. */
#define TEEC_MAX_ROOTS            16u            /* root certificates */
#define TEEC_MAX_PEM_BYTES        (16u * 1024u)  /* one root PEM file */
#define TEEC_MAX_MANIFEST_BYTES   (1024u * 1024u)/* images.json */
#define TEEC_MAX_IMAGES           4096u          /* entries in images.json */

/* JSON documents (report.json, build.json, images.json). */
#define TEEC_MAX_JSON_DEPTH       32u
#define TEEC_MAX_REPORT_BYTES     (4u * 1024u * 1024u)
#define TEEC_MAX_BUILD_JSON_BYTES (256u * 1024u)
#define TEEC_MAX_SUBJECTS         4096u
#define TEEC_MAX_DEPENDENCIES     65536u
#define TEEC_MAX_JSON_NUMBER      64u            /* characters of one JSON number */
#define TEEC_MAX_URI              2048u          /* one URI in report.json */
#define TEEC_MAX_REPORT_ENV       (TEEC_MAX_ENV_VARS + 64u) /* internalParameters.environment */
#define TEEC_MAX_REPORT_TEXT      1024u          /* a dependency's name or refusal reason */
#define TEEC_MAX_VERSION          64u            /* teec-enclave version text */
#define TEEC_MAX_HTTP_METHOD      16u            /* annotations.method */
#define TEEC_MAX_BYPRODUCTS       8u             /* runDetails.byproducts entries */

/* Build recipe (build.json, see build.json(5)). */
#define TEEC_MAX_LANGUAGE         64u            /* language */
#define TEEC_MAX_CMD_BYTES        (16u * 1024u)  /* input.cmd */
#define TEEC_MAX_ENV_VARS         256u           /* input.env members */
#define TEEC_MAX_ENV_NAME         128u           /* one variable name */
#define TEEC_MAX_ENV_VALUE        (16u * 1024u)  /* one variable value */
#define TEEC_MAX_OUTPUT_PATTERNS  256u           /* output.files entries */
#define TEEC_MAX_OUTPUT_PATTERN   1024u          /* one output path or pattern */
#define TEEC_TIMEOUT_MIN          1u             /* timeout, seconds */
#define TEEC_TIMEOUT_MAX          86400u
#define TEEC_TIMEOUT_DEFAULT      3600u

/* Bundles (.teec tar files). */
#define TEEC_MAX_BUNDLE_MEMBERS   4096u
#define TEEC_MAX_MEMBER_NAME      255u
#define TEEC_MAX_LOG_BYTES        (64ull * 1024u * 1024u)
#define TEEC_MAX_ARTIFACT_BYTES   (64ull * 1024u * 1024u * 1024u)
#define TEEC_MAX_SPOOL_BYTES      (8ull * 1024u * 1024u * 1024u) /* a bundle read from standard input, spooled to a temporary file */
#define TEEC_MAX_TAR_NAME         4096u          /* a tar entry's name, ustar or pax path, before the bundle's own rule */
#define TEEC_MAX_TAR_PAX_BYTES    (16u * 1024u)  /* one pax extended header's data */
#define TEEC_MAX_QUORUM_BUNDLES   256u           /* BUNDLE arguments of teec-verify quorum */

/* Rendered reports (teec-report show and diff). */
#define TEEC_MAX_RENDER_BYTES     (256u * 1024u * 1024u) /* one rendered page or diff */

/* Source archives unpacked by the worker. */
#define TEEC_MAX_SOURCE_ENTRIES   200000u
#define TEEC_MAX_SOURCE_BYTES     (8ull * 1024u * 1024u * 1024u)
#define TEEC_MAX_PATH_BYTES       4096u
#define TEEC_MAX_SOURCE_DEPTH     256u           /* path components of one entry */
#define TEEC_MAX_GIT_FILE_BYTES   (8u * 1024u * 1024u) /* .git/HEAD, a ref, packed-refs */

/* Host-worker protocol frames (common/frame.h). */
#define TEEC_MAX_FRAME_PAYLOAD    (1024u * 1024u)/* one frame's payload */
#define TEEC_MAX_FRAME_ERROR_MSG  1024u          /* ERROR frame message bytes */
#define TEEC_MAX_PROTO_JSON_BYTES 4096u          /* SOURCE_BEGIN, BUNDLE_BEGIN payload */
#define TEEC_MAX_LOG_FRAME        (64u * 1024u)  /* one LOG frame's payload */
#define TEEC_MAX_BUNDLE_BYTES     (64ull * 1024u * 1024u * 1024u) /* a whole bundle */

/*
 * Enclave image files (EIF), aws-nitro-enclaves-image-format src/defs/mod.rs.
 * The header's section table has a fixed MAX_NUM_SECTIONS = 32 entries.
 */
#define TEEC_MAX_EIF_SECTIONS     32u            /* num_sections (the format's own limit) */
#define TEEC_MAX_EIF_BYTES        (64ull * 1024u * 1024u * 1024u) /* a whole EIF */
#define TEEC_MAX_EIF_SIGNATURE_BYTES (64u * 1024u) /* signature section, parsed in memory */
#define TEEC_MAX_IMAGE_TEXT       1024u          /* a text field of an images.json entry */

/* nitro-cli, run by teec-host in Nitro mode (host/nitro_cli.h). */
#define TEEC_MAX_NITRO_CLI_OUTPUT (64u * 1024u)  /* its JSON on standard output */
#define TEEC_MAX_NITRO_CLI_ERRTEXT (8u * 1024u)  /* kept of its standard error */
#define TEEC_MAX_NITRO_ENCLAVES   256u           /* entries of describe-enclaves */
#define TEEC_MAX_NITRO_CPUS       1024u          /* CPUIDs entries, NumberOfCPUs */

/*
 * Recorded network (build.json network, teec-enclave(8) NETWORK): the
 * policy, the worker's HTTP proxy and the transcript in the bundle.
 */
#define TEEC_MAX_NET_ALLOW        256u           /* network.allow entries */
#define TEEC_MAX_HOSTNAME         253u           /* a DNS name (RFC 1035 2.3.4) */
#define TEEC_MAX_HTTP_HEAD        (64u * 1024u)  /* start line and header section */
#define TEEC_MAX_HTTP_FIELDS      128u           /* header fields in one head */
#define TEEC_MAX_HTTP_TARGET      TEEC_MAX_URI   /* request-target bytes */
#define TEEC_MAX_HTTP_CHUNK_LINE  1024u          /* chunk-size line with extensions */
#define TEEC_MAX_HTTP_TRAILERS    (16u * 1024u)  /* trailer section of a chunked body */
#define TEEC_MAX_HTTP_BODY        (8ull * 1024u * 1024u * 1024u) /* one response body */
#define TEEC_MAX_HTTP_REQ_BODY    (64u * 1024u * 1024u) /* one request body */
#define TEEC_MAX_NET_CONNS        64u            /* proxy connections at once */
#define TEEC_MAX_NET_EXCHANGES    16384u         /* recorded exchanges per build */
#define TEEC_MAX_NET_RECORD_TEXT  (3u * 1024u * 1024u) /* report.json bytes of a build's records */
#define TEEC_MAX_NET_LINE         8192u          /* one network.jsonl line */
#define TEEC_MAX_NET_TRANSCRIPT   (16u * 1024u * 1024u) /* network.jsonl */
#define TEEC_MAX_UPSTREAM_CA_BYTES (1024u * 1024u) /* --upstream-ca PEM bundle */
#define TEEC_MAX_SYSTEM_CA_BYTES  (4u * 1024u * 1024u) /* the image's CA bundle */
#define TEEC_NET_HEAD_MS          30000          /* a whole request or response head */
#define TEEC_NET_IDLE_MS          60000          /* no byte moved on an exchange */
#define TEEC_NET_EXCHANGE_MS      (30 * 60 * 1000) /* one exchange, start to end */
#define TEEC_NET_CONNECT_MS       30000          /* TCP connect and TLS handshakes */
#define TEEC_MAX_NET_RELAY        128u           /* NET_RELAY payload: "vsock:PORT", "unix:PATH" */
#define TEEC_MAX_NET_OPEN         (TEEC_MAX_HOSTNAME + 6u) /* NET_OPEN request: "HOST:PORT" */
#define TEEC_MAX_NET_REASON       200u           /* NET_OPEN reply's reason text */
#define TEEC_NET_OPEN_MS          10000          /* the relay's wait for a NET_OPEN request */

/* Streaming. */
#define TEEC_IO_CHUNK             (256u * 1024u)

#endif

/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer harness: the SOURCE_BEGIN, BUNDLE_BEGIN, NET_RELAY and
 * NET_OPEN payload decoders (common/proto.h). What decodes must encode,
 * and decode again to the same values.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct proto_source_begin s, s2;
	struct proto_bundle_begin b, b2;
	struct proto_relay r, r2;
	struct buf out;
	char text[TEEC_MAX_NET_RELAY + TEEC_MAX_NET_OPEN + 2];
	char host[TEEC_MAX_HOSTNAME + 1], host2[TEEC_MAX_HOSTNAME + 1];
	char reason[TEEC_MAX_NET_REASON + 1], reason2[TEEC_MAX_NET_REASON + 1];
	uint8_t reply[1 + TEEC_MAX_NET_REASON], st, st2;
	uint16_t port, port2;
	size_t n;

	if (proto_source_begin_decode(data, size, &s, NULL) == TEEC_OK) {
		if (proto_source_begin_encode(&s, &out, NULL) != TEEC_OK ||
		    proto_source_begin_decode(out.data, out.len, &s2, NULL) !=
		    TEEC_OK || memcmp(&s, &s2, sizeof(s)) != 0)
			abort();
		buf_free(&out);
	}
	if (proto_bundle_begin_decode(data, size, &b, NULL) == TEEC_OK) {
		if (proto_bundle_begin_encode(&b, &out, NULL) != TEEC_OK ||
		    proto_bundle_begin_decode(out.data, out.len, &b2, NULL) !=
		    TEEC_OK || memcmp(&b, &b2, sizeof(b)) != 0)
			abort();
		buf_free(&out);
	}
	if (proto_relay_decode(data, size, &r, NULL) == TEEC_OK) {
		if (proto_relay_encode(&r, text, NULL) != TEEC_OK ||
		    strlen(text) != size || memcmp(text, data, size) != 0 ||
		    proto_relay_decode((const uint8_t *)text, strlen(text), &r2,
		    NULL) != TEEC_OK || memcmp(&r, &r2, sizeof(r)) != 0)
			abort();
	}
	if (proto_net_open_decode(data, size, host, &port, NULL) == TEEC_OK) {
		if (proto_net_open_encode(host, port, text, NULL) != TEEC_OK ||
		    strlen(text) != size || memcmp(text, data, size) != 0 ||
		    proto_net_open_decode((const uint8_t *)text, strlen(text),
		    host2, &port2, NULL) != TEEC_OK || port != port2 ||
		    strcmp(host, host2) != 0)
			abort();
	}
	if (proto_net_reply_decode(data, size, &st, reason, NULL) == TEEC_OK) {
		proto_net_reply_encode(st, reason, reply, &n);
		if (n != size || memcmp(reply, data, size) != 0 ||
		    proto_net_reply_decode(reply, n, &st2, reason2, NULL) !=
		    TEEC_OK || st != st2 || strcmp(reason, reason2) != 0)
			abort();
	}
	return 0;
}

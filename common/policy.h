/* SPDX-License-Identifier: ISC */
#ifndef TEEC_POLICY_H
#define TEEC_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "common/caps.h"
#include "common/status.h"

/*
 * The network allow-list of build.json(5): "network": {"allow": [...]}.
 * An entry is HOST or HOST:PORT. HOST is a DNS name in lower case (labels
 * of letters, digits and '-', RFC 1123 section 2.1, at most 253 bytes, the
 * last label not all digits) or an IPv4 address in dotted-decimal form
 * without leading zeros. No wildcards, no IPv6, no trailing dot. PORT is
 * 1 to 65535 in decimal without leading zeros; without it the entry
 * allows ports 80 and 443. Matching is exact: a host is allowed only when
 * it is written the same way in the list.
 */

#define POLICY_ANY_WEB_PORT 0   /* net_rule.port: 80 and 443 */

struct net_rule {
	char host[TEEC_MAX_HOSTNAME + 1];
	uint16_t port;          /* POLICY_ANY_WEB_PORT or 1..65535 */
};

struct net_policy {
	struct net_rule *rules;
	size_t n;
};

/*
 * Check a host as a request names it (n bytes, not NUL-terminated) and
 * write its canonical form (lower case) to out, which holds
 * TEEC_MAX_HOSTNAME + 1 bytes. Upper-case letters are folded here (DNS
 * names are case-insensitive, RFC 4343) but refused in a policy entry.
 * 0, or -1 with *why set to a static reason.
 */
int policy_host_canon(const char *s, size_t n, char *out, const char **why);

/* 1 when host (canonical) is an IPv4 address literal, else 0. */
int policy_host_is_ipv4(const char *host);

/*
 * Parse one policy entry (NUL-terminated). 0, or -1 with *why set to a
 * static reason such as "port out of range (1 to 65535)".
 */
int policy_parse_entry(const char *s, struct net_rule *r, const char **why);

/*
 * Append an entry to p (at most TEEC_MAX_NET_ALLOW). TEEC_OK; TEEC_FAIL
 * when it is malformed or equal to an earlier entry (*dup gets the index
 * of that entry, else (size_t)-1) with *why set; TEEC_ERROR when out of
 * memory or over the cap.
 */
int policy_add(struct net_policy *p, const char *entry, size_t *dup,
    const char **why);

/* 1 when host (canonical) and port are allowed by p, else 0. */
int policy_allows(const struct net_policy *p, const char *host,
    uint16_t port);

/* Deep copy; TEEC_OK or TEEC_ERROR (out of memory). dst is zeroed first. */
int policy_copy(struct net_policy *dst, const struct net_policy *src);

/* Free what p holds and zero it; accepts NULL and a zeroed policy. */
void policy_free(struct net_policy *p);

#endif

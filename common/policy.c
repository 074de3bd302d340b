/* SPDX-License-Identifier: ISC */
#include <arpa/inet.h>

#include <stdlib.h>
#include <string.h>

#include "common/policy.h"

/*
 * build.json(5), network.allow. Hosts are compared as strings after this
 * check, so every spelling that could name the same address in another
 * way is refused rather than normalised: numbers that inet_aton(3) would
 * read (0x7f.1, 127.1, 017.0.0.1), trailing dots, IPv6 forms.
 */

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Dotted-decimal IPv4 (RFC 3986 section 3.2.2 dec-octet): 0..255, no
 * leading zeros, exactly four parts. */
static int
ipv4_strict(const char *s, size_t n)
{
	size_t i = 0, parts = 0, len;
	unsigned int v;

	while (parts < 4) {
		len = 0;
		v = 0;
		while (i < n && is_digit(s[i]) && len < 4) {
			v = v * 10 + (unsigned int)(s[i] - '0');
			i++;
			len++;
		}
		if (len == 0 || len > 3 || v > 255 ||
		    (len > 1 && s[i - len] == '0'))
			return 0;
		parts++;
		if (parts < 4) {
			if (i >= n || s[i] != '.')
				return 0;
			i++;
		}
	}
	return i == n;
}

int
policy_host_is_ipv4(const char *host)
{
	return ipv4_strict(host, strlen(host));
}

int
policy_host_canon(const char *s, size_t n, char *out, const char **why)
{
	struct in_addr a;
	size_t i, start, len;
	int numeric = 1, digits;
	char c;

	if (n == 0) {
		*why = "empty host";
		return -1;
	}
	if (n > TEEC_MAX_HOSTNAME) {
		*why = "host longer than 253 bytes";
		return -1;
	}
	if (s[0] == '[') {
		*why = "IPv6 addresses are not supported";
		return -1;
	}
	for (i = 0; i < n; i++) {
		c = s[i];
		if (c == '*') {
			*why = "wildcards are not supported";
			return -1;
		}
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		else if (!(c >= 'a' && c <= 'z') && !is_digit(c) && c != '.' &&
		    c != '-') {
			*why = "not a DNS name or an IPv4 address";
			return -1;
		}
		if (!is_digit(c) && c != '.')
			numeric = 0;
		out[i] = c;
	}
	out[n] = '\0';
	if (numeric) {
		if (!ipv4_strict(out, n)) {
			*why = "not an IPv4 address in dotted-decimal form "
			    "(four numbers 0 to 255, no leading zeros)";
			return -1;
		}
		return 0;
	}
	/* RFC 1123 section 2.1 host names; RFC 3696 section 2 last label. */
	for (start = 0;; start = i + 1) {
		for (i = start; i < n && out[i] != '.'; i++)
			;
		len = i - start;
		if (len == 0) {
			*why = "empty label (no leading, trailing or double dot)";
			return -1;
		}
		if (len > 63) {
			*why = "label longer than 63 bytes";
			return -1;
		}
		if (out[start] == '-' || out[i - 1] == '-') {
			*why = "label starts or ends with '-'";
			return -1;
		}
		if (i == n)
			break;
	}
	for (i = start, digits = 1; i < n; i++)
		if (!is_digit(out[i]))
			digits = 0;
	if (digits) {
		*why = "the last label is all digits";
		return -1;
	}
	if (inet_aton(out, &a) != 0) {
		*why = "reads as a numeric address";
		return -1;
	}
	return 0;
}

int
policy_parse_entry(const char *s, struct net_rule *r, const char **why)
{
	const char *colon = strchr(s, ':');
	size_t hlen = colon != NULL ? (size_t)(colon - s) : strlen(s), i, plen;
	unsigned long port = 0;

	memset(r, 0, sizeof(*r));
	if (policy_host_canon(s, hlen, r->host, why) == -1)
		return -1;
	if (memcmp(r->host, s, hlen) != 0) {
		*why = "host not in lower case";
		return -1;
	}
	if (colon == NULL) {
		r->port = POLICY_ANY_WEB_PORT;
		return 0;
	}
	plen = strlen(colon + 1);
	for (i = 0; i < plen; i++)
		if (!is_digit(colon[1 + i])) {
			*why = "port is not a decimal number";
			return -1;
		}
	if (plen == 0 || plen > 5) {
		*why = "port out of range (1 to 65535)";
		return -1;
	}
	for (i = 0; i < plen; i++)
		port = port * 10 + (unsigned long)(colon[1 + i] - '0');
	if (colon[1] == '0') {
		*why = plen == 1 ? "port out of range (1 to 65535)" :
		    "port has a leading zero";
		return -1;
	}
	if (port < 1 || port > 65535) {
		*why = "port out of range (1 to 65535)";
		return -1;
	}
	r->port = (uint16_t)port;
	return 0;
}

int
policy_add(struct net_policy *p, const char *entry, size_t *dup,
    const char **why)
{
	struct net_rule r, *nr;
	size_t i;

	*dup = (size_t)-1;
	if (p->n >= TEEC_MAX_NET_ALLOW) {
		*why = "too many entries";
		return TEEC_ERROR;
	}
	if (policy_parse_entry(entry, &r, why) == -1)
		return TEEC_FAIL;
	for (i = 0; i < p->n; i++)
		if (p->rules[i].port == r.port &&
		    strcmp(p->rules[i].host, r.host) == 0) {
			*dup = i;
			*why = "duplicate entry";
			return TEEC_FAIL;
		}
	if ((nr = reallocarray(p->rules, p->n + 1, sizeof(*nr))) == NULL) {
		*why = "out of memory";
		return TEEC_ERROR;
	}
	p->rules = nr;
	p->rules[p->n++] = r;
	return TEEC_OK;
}

int
policy_allows(const struct net_policy *p, const char *host, uint16_t port)
{
	size_t i;

	if (p == NULL || port == 0)
		return 0;
	for (i = 0; i < p->n; i++) {
		if (strcmp(p->rules[i].host, host) != 0)
			continue;
		if (p->rules[i].port == port)
			return 1;
		if (p->rules[i].port == POLICY_ANY_WEB_PORT &&
		    (port == 80 || port == 443))
			return 1;
	}
	return 0;
}

int
policy_copy(struct net_policy *dst, const struct net_policy *src)
{
	memset(dst, 0, sizeof(*dst));
	if (src->n == 0)
		return TEEC_OK;
	if ((dst->rules = calloc(src->n, sizeof(*dst->rules))) == NULL)
		return TEEC_ERROR;
	memcpy(dst->rules, src->rules, src->n * sizeof(*dst->rules));
	dst->n = src->n;
	return TEEC_OK;
}

void
policy_free(struct net_policy *p)
{
	if (p == NULL)
		return;
	free(p->rules);
	memset(p, 0, sizeof(*p));
}

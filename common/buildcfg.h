/* SPDX-License-Identifier: ISC */
#ifndef TEEC_BUILDCFG_H
#define TEEC_BUILDCFG_H

#include <stddef.h>
#include <stdint.h>

#include "common/policy.h"
#include "common/status.h"

/*
 * build.json, the build recipe (build.json(5)). teec-host reads it to
 * start a build; teec-enclave parses the same bytes again, because what
 * the host sends is not believed. Every string here is an owned copy.
 */
struct buildcfg_env {
	char *name;     /* [A-Za-z_][A-Za-z0-9_]*, not one the worker sets */
	char *value;
};

struct buildcfg {
	char *language;                 /* [a-z0-9][a-z0-9._+-]* */
	char *cmd;                      /* input.cmd, for sh -c */
	struct buildcfg_env *env;       /* input.env, in document order */
	size_t nenv;
	char **files;                   /* output.files, in document order */
	size_t nfiles;
	unsigned int timeout;           /* seconds */
	int has_network;                /* "network" is present */
	struct net_policy net;          /* network.allow, in document order */
	uint8_t *raw;                   /* build.json exactly as given, */
	size_t rawlen;                  /* recorded in the report */
};

/*
 * Parse and check n bytes of build.json into out (zeroed first). Every
 * invalid build.json returns TEEC_ERROR (a usage error: exit 2) with a
 * one-line message naming the field, e.g.
 * "build.json: input.cmd: expected a non-empty string". On failure out is
 * left empty; buildcfg_free() on it is harmless.
 */
int buildcfg_parse(const uint8_t *p, size_t n, struct buildcfg *out,
    struct teec_err *err);

/* Free what out holds and zero it; accepts NULL and half-built configs. */
void buildcfg_free(struct buildcfg *out);

/*
 * 1 if the worker sets the environment variable name itself, so that
 * input.env may not: SOURCE_DATE_EPOCH, TZ, LC_ALL, HOME, TMPDIR, PWD, the
 * proxy variables (http_proxy, HTTPS_PROXY, ...) and any name starting
 * with TEEC_, and the CA bundle variables of the recording proxy
 * (SSL_CERT_FILE, CURL_CA_BUNDLE, GIT_SSL_CAINFO, CARGO_HTTP_CAINFO,
 * REQUESTS_CA_BUNDLE, NODE_EXTRA_CA_CERTS). PATH may be set.
 */
int buildcfg_env_controlled(const char *name);

#endif

/* SPDX-License-Identifier: ISC */
#ifndef TEEC_CLI_H
#define TEEC_CLI_H

/*
 * The trust options that `teec-verify bundle` and `teec-report show`
 * share (teec-verify(1), teec-report(1)): --trust-store DIR, --root
 * FILE.pem (repeatable), --allow-debug, --at now|RFC3339|@UNIXSECONDS and
 * --dev. A main hands each option getopt_long() returns to trust_opt(),
 * then loads what they name with trust_load().
 */

#include <stddef.h>
#include <stdint.h>

#include "common/caps.h"
#include "common/status.h"
#include "verify/chain.h"
#include "verify/images.h"

/* getopt_long() values of the trust options; TRUST_LONGOPTS lists them. */
#define TRUST_OPT_ROOT        'r'
#define TRUST_OPT_STORE       's'
#define TRUST_OPT_AT          'a'
#define TRUST_OPT_ALLOW_DEBUG 'd'
#define TRUST_OPT_DEV         'D'

#define TRUST_LONGOPTS \
	{ "root", required_argument, NULL, TRUST_OPT_ROOT }, \
	{ "trust-store", required_argument, NULL, TRUST_OPT_STORE }, \
	{ "at", required_argument, NULL, TRUST_OPT_AT }, \
	{ "allow-debug", no_argument, NULL, TRUST_OPT_ALLOW_DEBUG }, \
	{ "dev", no_argument, NULL, TRUST_OPT_DEV }

struct trust_opts {
	const char *roots[TEEC_MAX_ROOTS];  /* --root, in order */
	size_t nroots;
	const char *store;                  /* --trust-store, or NULL */
	const char *at_arg;                 /* --at as given; NULL: document time */
	int64_t at;                         /* --at in seconds */
	int at_now;                         /* --at now */
	int allow_debug;
	int dev;
};

/*
 * Record one option. Returns 1 when ch is a trust option and it was
 * recorded, 0 when ch is not a trust option, and -1 on a usage error (an
 * option given twice, too many --root, a time --at does not take) with a
 * one-line message in msg.
 */
int trust_opt(struct trust_opts *o, int ch, const char *arg, char *msg,
    size_t msglen);

/* What the options name, loaded. */
struct trust {
	struct trust_roots roots;
	struct images images;
	char storedir[4096];                /* "" when none was resolved */
	const uint8_t *dev_root;            /* --dev: the development root's
	                                       DER, one of roots; else NULL */
	size_t dev_root_len;
};

/*
 * Load the trust: the trust store is resolved (store_resolve()) unless
 * roots were given and no images are wanted; the roots are the --root
 * files when any were given, else the store's; with --dev the local
 * development root (enclave/devca.h) is added, and must exist, and
 * t->dev_root points at it (for bundle_opts.dev_root); with
 * want_images, the store's images.json. TEEC_ERROR with err on any
 * problem (t is then empty); trust_free() in every case.
 */
int trust_load(const struct trust_opts *o, int want_images, struct trust *t,
    struct teec_err *err);
void trust_free(struct trust *t);

/* How the verification time was chosen: "document", "now" or "given". */
const char *trust_time_source(const struct trust_opts *o);

#endif

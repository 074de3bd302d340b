/* SPDX-License-Identifier: ISC */
/*
 * teec-verify: offline verification of AWS Nitro attestation documents,
 * teec bundles and quorums of attestors' bundles. See teec-verify(1).
 * Exit status: 0 verified, 1 not verified, 2 could not run.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "common/buf.h"
#include "common/cli.h"
#include "common/caps.h"
#include "common/encode.h"
#include "common/escape.h"
#include "common/fileio.h"
#include "common/status.h"
#include "common/timefmt.h"
#include "verify/attest.h"
#include "verify/chain.h"
#include "verify/render.h"
#include "verify/store.h"
#include "verify/bundle.h"
#include "verify/cli.h"
#include "verify/images.h"
#include "verify/measure.h"
#include "verify/quorum.h"

enum fmt { FMT_TEXT, FMT_JSON };

struct opts {
	struct trust_opts t;        /* --root, --trust-store, --at, --allow-debug, --dev */
	enum fmt fmt;
	int seen_format;
	int bundle;                 /* the bundle command: --dev allowed */
};

static const char *progname = "teec-verify";

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: teec-verify [bundle] [--trust-store DIR] [--root FILE.pem]...\n"
	    "           [--allow-debug] [--at now|RFC3339|@UNIXSECONDS] [--dev]\n"
	    "           [--format text|json] BUNDLE [FILE...]\n"
	    "       teec-verify attestation [--root FILE.pem]... [--trust-store DIR]\n"
	    "           [--at now|RFC3339|@UNIXSECONDS] [--allow-debug]\n"
	    "           [--format text|json] FILE...\n"
	    "       teec-verify quorum [--min N] [--trust-store DIR] [--root FILE.pem]...\n"
	    "           [--allow-debug] [--at now|RFC3339|@UNIXSECONDS] [--dev]\n"
	    "           [--format text|json] BUNDLE... [-- FILE...]\n"
	    "       teec-verify measure [--format text|json] IMAGE.eif\n"
	    "       teec-verify measure [--format text|json] --add NAME [--trust-store DIR]\n"
	    "           [--language TEXT] [--toolchain TEXT] [--recipe TEXT]\n"
	    "           [--source TEXT] [--note TEXT] IMAGE.eif\n"
	    "       teec-verify --help | --version\n");
}

#define die_usage(...) cli_usage_error(progname, usage, __VA_ARGS__)
#define errmsg(msg) cli_errmsg(progname, (msg))

static int
verify_one_attestation(const char *file, const struct opts *o,
    const struct trust_roots *roots, struct chain_cache *cache)
{
	struct teec_err err = { "" };
	struct attest_opts ao;
	struct attest_out a;
	struct vresult r;
	struct buf in, out;
	uint8_t *doc = NULL;
	size_t doclen = 0;
	char t[48];
	int over = 0, rc;

	memset(&a, 0, sizeof(a));
	buf_init(&out, 1024 * 1024);
	vresult_init(&r);
	if (read_file_upto(file, TEEC_MAX_DOC_TEXT_BYTES, &in, &over, &err) != TEEC_OK) {
		errmsg(err.msg);
		return TEEC_ERROR;
	}
	if (over) {
		vresult_fail(&r, "cose", R_MALFORMED, "input larger than %u bytes",
		    TEEC_MAX_DOC_TEXT_BYTES);
	} else if (nitro_decode_input(in.data, in.len, &doc, &doclen, &err) != TEEC_OK) {
		if (err.msg[0] != '\0' && doc == NULL && strcmp(err.msg, "out of memory") == 0) {
			buf_free(&in);
			errmsg(err.msg);
			return TEEC_ERROR;
		}
		vresult_fail(&r, "cose", R_MALFORMED, "%s", err.msg);
	} else {
		memset(&ao, 0, sizeof(ao));
		ao.roots = roots;
		ao.at_mode = o->t.at_arg ? AT_FIXED : AT_DOCUMENT;
		ao.at = o->t.at;
		ao.allow_debug = o->t.allow_debug;
		ao.cache = cache;
		attest_verify(doc, doclen, &ao, &a, &r);
	}
	if (r.status != TEEC_OK && r.nchecks == 1) {
		const char *const *n;
		for (n = attest_check_names + 1; *n != NULL; n++)
			vresult_skip(&r, *n);
	}
	if (o->fmt == FMT_JSON) {
		buf_printf(&out, "{\"file\":");
		json_str_any(&out, file, strlen(file));
		buf_putc(&out, ',');
		render_checks_json(&out, &r);
		if (a.parsed) {
			time_fmt(a.at, t, sizeof(t));
			buf_printf(&out, ",\"verification_time\":\"%s\",\"time_source\":\"%s\"",
			    t, o->t.at_arg == NULL ? "document" : o->t.at_now ? "now" : "given");
		} else
			buf_printf(&out, ",\"verification_time\":null,\"time_source\":null");
		buf_printf(&out, ",\"document\":");
		render_doc_json(&out, &a);
		buf_printf(&out, "}\n");
	} else {
		esc_term(&out, file, strlen(file));
		buf_printf(&out, ": ");
		render_checks_text(&out, &r);
		if (a.parsed) {
			time_fmt(a.at, t, sizeof(t));
			buf_printf(&out, "verification time %s (%s)\n", t, o->t.at_arg == NULL ?
			    "the document's own time" : o->t.at_now ? "now" : "--at");
		}
		render_doc_text(&out, &a);
	}
	if (out.data != NULL)
		fwrite(out.data, 1, out.len, stdout);
	rc = r.status;
	attest_out_free(&a);
	free(doc);
	buf_free(&in);
	buf_free(&out);
	return rc;
}

static void
json_subjects(struct buf *b, const struct bundle_out *bo)
{
	char hex[65];
	size_t i;

	buf_printf(b, ",\"subjects\":[");
	for (i = 0; bo->report_ok && i < bo->report.nsubjects; i++) {
		const struct report_subject *s = &bo->report.subjects[i];
		hex_encode(s->sha256, 32, hex);
		buf_printf(b, "%s{\"name\":", i ? "," : "");
		json_str_any(b, s->name, strlen(s->name));
		buf_printf(b, ",\"sha256\":\"%s\",\"checked\":%s,\"in_bundle\":%s,\"file_checked\":%s}",
		    hex, bo->verified && bo->subj[i].ok ? "true" : "false",
		    bo->subj[i].in_bundle ? "true" : "false",
		    bo->subj[i].file_checked ? "true" : "false");
	}
	buf_printf(b, "],\"image\":");
	if (!bo->image_ok)
		buf_printf(b, "null");
	else if (bo->image != NULL) {
		const struct image *im = bo->image;
		buf_printf(b, "{\"name\":");
		json_str_any(b, im->name, strlen(im->name));
		if (im->language) {
			buf_printf(b, ",\"language\":");
			json_str_any(b, im->language, strlen(im->language));
		}
		if (im->toolchain) {
			buf_printf(b, ",\"toolchain\":");
			json_str_any(b, im->toolchain, strlen(im->toolchain));
		}
		buf_printf(b, "}");
	} else
		buf_printf(b, "{\"name\":\"%s\"}", bo->dev_image ?
		    "local development build" : "debug-mode enclave");
}

static void
text_subjects(struct buf *b, const struct bundle_out *bo)
{
	char hex[65];
	size_t i;

	if (!bo->report_ok)
		return;
	buf_printf(b, "subjects\n");
	for (i = 0; i < bo->report.nsubjects; i++) {
		const struct report_subject *s = &bo->report.subjects[i];
		hex_encode(s->sha256, 32, hex);
		buf_printf(b, "  %s  %s  ", hex, !bo->verified ? "unverified" :
		    bo->subj[i].ok ? "checked" : "detached");
		esc_term(b, s->name, strlen(s->name));
		buf_putc(b, '\n');
	}
	if (bo->image != NULL && bo->image_ok) {
		buf_printf(b, "image\n  ");
		esc_term(b, bo->image->name, strlen(bo->image->name));
		buf_putc(b, '\n');
	}
}

static int
verify_one_bundle(const char *file, const struct opts *o,
    const struct trust *tr, const char *const *files, size_t nfiles)
{
	struct teec_err err = { "" };
	struct bundle_opts bo;
	struct bundle_out out;
	struct vresult r;
	struct buf b;
	char t[48];
	int rc;

	memset(&bo, 0, sizeof(bo));
	bo.roots = &tr->roots;
	bo.images = &tr->images;
	bo.at_mode = o->t.at_arg ? AT_FIXED : AT_DOCUMENT;
	bo.at = o->t.at;
	bo.allow_debug = o->t.allow_debug;
	bo.dev = o->t.dev;
	bo.dev_root = tr->dev_root;
	bo.dev_root_len = tr->dev_root_len;
	bo.files = files;
	bo.nfiles = nfiles;
	vresult_init(&r);
	rc = bundle_verify(file, &bo, &out, &r, &err);
	if (rc == TEEC_ERROR) {
		errmsg(err.msg);
		bundle_out_free(&out);
		return TEEC_ERROR;
	}
	buf_init(&b, 16u * 1024 * 1024);
	if (o->fmt == FMT_JSON) {
		buf_printf(&b, "{\"file\":");
		json_str_any(&b, file, strlen(file));
		buf_putc(&b, ',');
		render_checks_json(&b, &r);
		if (out.att.parsed) {
			time_fmt(out.att.at, t, sizeof(t));
			buf_printf(&b, ",\"verification_time\":\"%s\",\"time_source\":\"%s\"",
			    t, o->t.at_arg == NULL ? "document" : o->t.at_now ? "now" : "given");
		} else
			buf_printf(&b, ",\"verification_time\":null,\"time_source\":null");
		json_subjects(&b, &out);
		buf_printf(&b, ",\"document\":");
		render_doc_json(&b, &out.att);
		buf_printf(&b, "}\n");
	} else {
		esc_term(&b, file, strlen(file));
		buf_printf(&b, ": ");
		render_checks_text(&b, &r);
		if (out.att.parsed) {
			time_fmt(out.att.at, t, sizeof(t));
			buf_printf(&b, "verification time %s (%s)\n", t, o->t.at_arg == NULL ?
			    "the document's own time" : o->t.at_now ? "now" : "--at");
		}
		text_subjects(&b, &out);
	}
	if (b.data != NULL)
		fwrite(b.data, 1, b.len, stdout);
	buf_free(&b);
	bundle_out_free(&out);
	return r.status;
}

static int
run(int argc, char **argv, int bundle)
{
	static const struct option longopts[] = {
		TRUST_LONGOPTS,
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct teec_err err = { "" };
	struct trust trust;
	struct opts o;
	char msg[128];
	int ch, i, rc, worst = TEEC_OK;

	memset(&o, 0, sizeof(o));
	o.bundle = bundle;
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (ch) {
		case TRUST_OPT_DEV:
			if (!bundle)
				return die_usage("--dev is for bundles");
			/* FALLTHROUGH */
		case TRUST_OPT_ROOT:
		case TRUST_OPT_STORE:
		case TRUST_OPT_AT:
		case TRUST_OPT_ALLOW_DEBUG:
			if (trust_opt(&o.t, ch, optarg, msg, sizeof(msg)) == -1)
				return die_usage("%s", msg);
			break;
		case 'f':
			if (o.seen_format++)
				return die_usage("--format given twice");
			if (strcmp(optarg, "text") == 0)
				o.fmt = FMT_TEXT;
			else if (strcmp(optarg, "json") == 0)
				o.fmt = FMT_JSON;
			else
				return die_usage("--format: not text or json");
			break;
		case 'h':
			usage(stdout);
			return TEEC_OK;
		case 'V':
			printf("teec-verify %s\n", TEEC_VERSION);
			return TEEC_OK;
		case ':':
			return die_usage("option needs an argument");
		default:
			return cli_bad_option(progname, usage, argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return die_usage(bundle ? "no BUNDLE given" : "attestation: no FILE given");
	if (!bundle && o.t.nroots > 0 && o.t.store != NULL)
		return die_usage("--root and --trust-store cannot be combined");
	if (trust_load(&o.t, bundle, &trust, &err) != TEEC_OK) {
		errmsg(err.msg);
		return TEEC_ERROR;
	}
	if (bundle) {
		worst = verify_one_bundle(argv[optind], &o, &trust,
		    (const char *const *)argv + optind + 1,
		    (size_t)(argc - optind - 1));
	} else {
		struct chain_cache cache;

		memset(&cache, 0, sizeof(cache));
		for (i = optind; i < argc; i++) {
			rc = verify_one_attestation(argv[i], &o, &trust.roots, &cache);
			if (rc > worst)
				worst = rc;
		}
	}
	trust_free(&trust);
	return worst;
}

/* --min N: a decimal number from 1, no sign, no leading zero. 0 or -1. */
static int
parse_min(const char *s, size_t *out)
{
	size_t v = 0;

	if (s[0] < '1' || s[0] > '9')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9' || v > TEEC_MAX_QUORUM_BUNDLES)
			return -1;
		v = v * 10 + (size_t)(*s - '0');
	}
	*out = v;
	return 0;
}

#define quorum_usage(...) cli_sub_usage_error(progname, "quorum", usage, \
	__VA_ARGS__)

/*
 * teec-verify quorum: BUNDLE... [-- FILE...], see teec-verify(1), QUORUM.
 * Options come before the first BUNDLE.
 */
static int
cmd_quorum(int argc, char **argv)
{
	static const struct option longopts[] = {
		TRUST_LONGOPTS,
		{ "min", required_argument, NULL, 'm' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct teec_err err = { "" };
	struct quorum_opts qo;
	struct bundle_opts bo;
	struct quorum q;
	struct trust trust;
	struct opts o;
	struct buf b;
	const char *const *files = NULL;
	size_t min = 0, nbundles, nfiles = 0;
	char msg[128];
	int ch, i, sep = -1, nstdin = 0, seen_min = 0, rc;

	memset(&o, 0, sizeof(o));
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (ch) {
		case TRUST_OPT_DEV:
		case TRUST_OPT_ROOT:
		case TRUST_OPT_STORE:
		case TRUST_OPT_AT:
		case TRUST_OPT_ALLOW_DEBUG:
			if (trust_opt(&o.t, ch, optarg, msg, sizeof(msg)) == -1)
				return quorum_usage("%s", msg);
			break;
		case 'm':
			if (seen_min++)
				return quorum_usage("--min given twice");
			if (parse_min(optarg, &min) == -1)
				return quorum_usage("--min: not a number from 1 to %u",
				    TEEC_MAX_QUORUM_BUNDLES);
			break;
		case 'f':
			if (o.seen_format++)
				return quorum_usage("--format given twice");
			if (strcmp(optarg, "text") == 0)
				o.fmt = FMT_TEXT;
			else if (strcmp(optarg, "json") == 0)
				o.fmt = FMT_JSON;
			else
				return quorum_usage("--format: not text or json");
			break;
		case 'h':
			usage(stdout);
			return TEEC_OK;
		case 'V':
			printf("teec-verify %s\n", TEEC_VERSION);
			return TEEC_OK;
		case ':':
			return quorum_usage("option needs an argument");
		default:
			return cli_sub_bad_option(progname, "quorum", usage,
			    argv[optind - 1]);
		}
	}
	for (i = optind; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			sep = i;
			break;
		}
		if (strcmp(argv[i], "-") == 0 && nstdin++)
			return quorum_usage("standard input given twice");
		if (argv[i][0] == '-' && argv[i][1] != '\0')
			return quorum_usage("options go before the first BUNDLE");
	}
	nbundles = (size_t)((sep == -1 ? argc : sep) - optind);
	if (nbundles == 0)
		return quorum_usage("no BUNDLE given");
	if (nbundles > TEEC_MAX_QUORUM_BUNDLES)
		return quorum_usage("more than %u bundles",
		    TEEC_MAX_QUORUM_BUNDLES);
	if (min > nbundles)
		return quorum_usage("--min %zu: more than the %zu bundle%s given",
		    min, nbundles, nbundles == 1 ? "" : "s");
	if (sep != -1) {
		files = (const char *const *)argv + sep + 1;
		nfiles = (size_t)(argc - sep - 1);
		if (nfiles == 0)
			return quorum_usage("no FILE after --");
	}
	if (trust_load(&o.t, 1, &trust, &err) != TEEC_OK) {
		errmsg(err.msg);
		return TEEC_ERROR;
	}
	memset(&bo, 0, sizeof(bo));
	bo.roots = &trust.roots;
	bo.images = &trust.images;
	bo.at_mode = o.t.at_arg ? AT_FIXED : AT_DOCUMENT;
	bo.at = o.t.at;
	bo.allow_debug = o.t.allow_debug;
	bo.dev = o.t.dev;
	bo.dev_root = trust.dev_root;
	bo.dev_root_len = trust.dev_root_len;
	memset(&qo, 0, sizeof(qo));
	qo.bundle = &bo;
	qo.min = min;
	qo.files = files;
	qo.nfiles = nfiles;
	buf_init(&b, TEEC_MAX_RENDER_BYTES);
	rc = quorum_run((const char *const *)argv + optind, nbundles, &qo, &q,
	    &err);
	if (rc == TEEC_ERROR)
		cli_sub_errmsg(progname, "quorum", "%s", err.msg);
	else if ((o.fmt == FMT_JSON ? quorum_render_json(&b, &q) :
	    quorum_render_text(&b, &q)) != 0) {
		cli_sub_errmsg(progname, "quorum", "output larger than %u bytes",
		    TEEC_MAX_RENDER_BYTES);
		rc = TEEC_ERROR;
	} else if (b.data != NULL)
		fwrite(b.data, 1, b.len, stdout);
	buf_free(&b);
	quorum_free(&q);
	trust_free(&trust);
	return rc;
}

/*
 * OpenSSL, set up before its first use (the whole cost of a one-document
 * run is mostly OpenSSL's start-up and five P-384 verifications):
 *  - no configuration file: every algorithm teec-verify uses is fixed in
 *    its code (ES384, SHA-256/384, X.509 with P-384 keys, checked by name
 *    and size), so nothing openssl.cnf says can change a verdict; not
 *    reading it saves its parse, and OPENSSL_CONF cannot load providers
 *    or engines into the verifier;
 *  - no cleanup at exit: the process ends, its memory goes with it;
 *  - the DRBG: HASH-DRBG over SHA-256 (NIST SP 800-90A, like the default
 *    CTR-DRBG over AES-256, and of the same 256-bit strength). OpenSSL's
 *    ECDSA verification draws random numbers only to blind its scalar
 *    ladder, and the hash DRBG's first draw does not fetch every cipher.
 * A failure here is not fatal: OpenSSL then starts as it would anyway.
 */
static void
crypto_setup(void)
{
	OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG |
	    OPENSSL_INIT_NO_ATEXIT, NULL);
	RAND_set_DRBG_type(NULL, "HASH-DRBG", NULL, NULL, "SHA256");
}

int
main(int argc, char **argv)
{
	crypto_setup();
	if (argc < 2) {
		usage(stderr);
		return TEEC_ERROR;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return TEEC_OK;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("teec-verify %s\n", TEEC_VERSION);
		return TEEC_OK;
	}
	if (strcmp(argv[1], "attestation") == 0)
		return run(argc - 1, argv + 1, 0);
	if (strcmp(argv[1], "bundle") == 0)
		return run(argc - 1, argv + 1, 1);
	if (strcmp(argv[1], "quorum") == 0)
		return cmd_quorum(argc - 1, argv + 1);
	if (strcmp(argv[1], "measure") == 0)
		return cmd_measure(argc - 1, argv + 1);
	/* The bare form: teec-verify [options] BUNDLE [FILE...] */
	return run(argc, argv, 1);
}

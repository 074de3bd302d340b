/* SPDX-License-Identifier: ISC */
/*
 * teec-verify: offline verification of AWS Nitro attestation documents
 * and teec bundles. See teec-verify(1). Exit status: 0 verified, 1 not
 * verified, 2 could not run.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/caps.h"
#include "common/escape.h"
#include "common/fileio.h"
#include "common/status.h"
#include "common/timefmt.h"
#include "verify/attest.h"
#include "verify/chain.h"
#include "verify/render.h"
#include "verify/store.h"

#define MAX_ROOT_ARGS TEEC_MAX_ROOTS

enum fmt { FMT_TEXT, FMT_JSON };

struct opts {
	const char *roots[MAX_ROOT_ARGS];
	size_t nroots;
	const char *store;
	const char *at_arg;
	int64_t at;
	int at_now;
	int allow_debug;
	enum fmt fmt;
	int seen_format;
};

static const char *progname = "teec-verify";

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: teec-verify attestation [--root FILE.pem]... [--trust-store DIR]\n"
	    "           [--at now|RFC3339|@UNIXSECONDS] [--allow-debug]\n"
	    "           [--format text|json] FILE...\n"
	    "       teec-verify --help | --version\n");
}

static int __attribute__((format(printf, 1, 2)))
die_usage(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	usage(stderr);
	return TEEC_ERROR;
}

/* Print a message about untrusted input: escaped. */
static void
errline(const char *file, const char *msg)
{
	struct buf b;

	buf_init(&b, 8192);
	esc_term(&b, file, strlen(file));
	fprintf(stderr, "%s: %s: %s\n", progname, b.data ? (char *)b.data : "", msg);
	buf_free(&b);
}

static int
load_roots(const struct opts *o, struct trust_roots *roots, char *storedir,
    size_t storelen)
{
	struct teec_err err = { "" };
	size_t i;

	roots_init(roots);
	if (o->nroots > 0) {
		for (i = 0; i < o->nroots; i++)
			if (roots_add_pem(roots, o->roots[i], NULL, &err) != TEEC_OK)
				goto bad;
		snprintf(storedir, storelen, "(--root)");
		return TEEC_OK;
	}
	if (store_resolve(o->store, storedir, storelen, &err) != TEEC_OK ||
	    roots_load_store(roots, storedir, &err) != TEEC_OK)
		goto bad;
	return TEEC_OK;
bad:
	fprintf(stderr, "%s: %s\n", progname, err.msg);
	roots_free(roots);
	return TEEC_ERROR;
}

static int
verify_one_attestation(const char *file, const struct opts *o,
    const struct trust_roots *roots, size_t nfiles)
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
		fprintf(stderr, "%s: %s\n", progname, err.msg);
		return TEEC_ERROR;
	}
	if (over) {
		vresult_fail(&r, "cose", R_MALFORMED, "input larger than %u bytes",
		    TEEC_MAX_DOC_TEXT_BYTES);
	} else if (nitro_decode_input(in.data, in.len, &doc, &doclen, &err) != TEEC_OK) {
		if (err.msg[0] != '\0' && doc == NULL && strcmp(err.msg, "out of memory") == 0) {
			buf_free(&in);
			errline(file, err.msg);
			return TEEC_ERROR;
		}
		vresult_fail(&r, "cose", R_MALFORMED, "%s", err.msg);
	} else {
		memset(&ao, 0, sizeof(ao));
		ao.roots = roots;
		ao.at_mode = o->at_arg ? AT_FIXED : AT_DOCUMENT;
		ao.at = o->at;
		ao.allow_debug = o->allow_debug;
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
			    t, o->at_arg == NULL ? "document" : o->at_now ? "now" : "given");
		} else
			buf_printf(&out, ",\"verification_time\":null,\"time_source\":null");
		buf_printf(&out, ",\"document\":");
		render_doc_json(&out, &a);
		buf_printf(&out, "}\n");
	} else {
		if (nfiles > 1 || 1) {
			esc_term(&out, file, strlen(file));
			buf_printf(&out, ": ");
		}
		render_checks_text(&out, &r);
		if (a.parsed) {
			time_fmt(a.at, t, sizeof(t));
			buf_printf(&out, "verified at %s (%s)\n", t, o->at_arg == NULL ?
			    "the document's own time" : o->at_now ? "now" : "--at");
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

static int
cmd_attestation(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "trust-store", required_argument, NULL, 's' },
		{ "at", required_argument, NULL, 'a' },
		{ "allow-debug", no_argument, NULL, 'd' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct trust_roots roots;
	struct opts o;
	char storedir[4096];
	int ch, i, rc, worst = TEEC_OK;

	memset(&o, 0, sizeof(o));
	optind = 1;
	while ((ch = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'r':
			if (o.nroots == MAX_ROOT_ARGS)
				return die_usage("too many --root options");
			o.roots[o.nroots++] = optarg;
			break;
		case 's':
			if (o.store != NULL)
				return die_usage("--trust-store given twice");
			o.store = optarg;
			break;
		case 'a':
			if (o.at_arg != NULL)
				return die_usage("--at given twice");
			o.at_arg = optarg;
			if (time_parse_arg(optarg, &o.at, &o.at_now) == -1)
				return die_usage("--at %s: not now, RFC 3339 or @SECONDS", optarg);
			break;
		case 'd':
			if (o.allow_debug)
				return die_usage("--allow-debug given twice");
			o.allow_debug = 1;
			break;
		case 'f':
			if (o.seen_format++)
				return die_usage("--format given twice");
			if (strcmp(optarg, "text") == 0)
				o.fmt = FMT_TEXT;
			else if (strcmp(optarg, "json") == 0)
				o.fmt = FMT_JSON;
			else
				return die_usage("--format %s: not text or json", optarg);
			break;
		case 'h':
			usage(stdout);
			return TEEC_OK;
		default:
			usage(stderr);
			return TEEC_ERROR;
		}
	}
	if (optind >= argc)
		return die_usage("attestation: no FILE given");
	if (o.nroots > 0 && o.store != NULL)
		return die_usage("--root and --trust-store cannot be combined");
	if (load_roots(&o, &roots, storedir, sizeof(storedir)) != TEEC_OK)
		return TEEC_ERROR;
	for (i = optind; i < argc; i++) {
		rc = verify_one_attestation(argv[i], &o, &roots, (size_t)(argc - optind));
		if (rc > worst)
			worst = rc;
	}
	roots_free(&roots);
	return worst;
}

int
main(int argc, char **argv)
{
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
		return cmd_attestation(argc - 1, argv + 1);
	return die_usage("unknown command: %s", argv[1]);
}

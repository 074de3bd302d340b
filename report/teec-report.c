/* SPDX-License-Identifier: ISC */
/*
 * teec-report: render a bundle or a report.json for people or machines,
 * and compare two reports. See teec-report(1). Exit status: as
 * teec-verify for show (0 verified, 1 not verified, 2 could not run);
 * for diff 0 the reports agree, 1 they differ, 2 could not run.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/cli.h"
#include "common/caps.h"
#include "common/escape.h"
#include "common/status.h"
#include "report/diff.h"
#include "report/show.h"
#include "verify/cli.h"

static const char *progname = "teec-report";

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: teec-report show [--trust-store DIR] [--root FILE.pem]...\n"
	    "           [--allow-debug] [--at now|RFC3339|@UNIXSECONDS] [--dev]\n"
	    "           [--format text|markdown|html|json] BUNDLE|REPORT\n"
	    "       teec-report diff [--format text|markdown|json] A B\n"
	    "       teec-report --help | --version\n");
}

#define die_usage(...) cli_usage_error(progname, usage, __VA_ARGS__)
#define errmsg(msg) cli_errmsg(progname, (msg))

#define bad_option(argv) cli_bad_option(progname, usage, (argv)[optind - 1])

static int
parse_format(const char *arg, int html_ok, enum show_format *f)
{
	if (strcmp(arg, "text") == 0)
		*f = SHOW_TEXT;
	else if (strcmp(arg, "markdown") == 0)
		*f = SHOW_MARKDOWN;
	else if (strcmp(arg, "html") == 0 && html_ok)
		*f = SHOW_HTML;
	else if (strcmp(arg, "json") == 0)
		*f = SHOW_JSON;
	else
		return -1;
	return 0;
}

/* Write the whole rendering to standard output. */
static int
emit(const struct buf *b)
{
	if ((b->len > 0 && fwrite(b->data, 1, b->len, stdout) != b->len) ||
	    fflush(stdout) != 0) {
		errmsg("standard output: write error");
		return TEEC_ERROR;
	}
	return TEEC_OK;
}

static int
cmd_show(int argc, char **argv)
{
	static const struct option longopts[] = {
		TRUST_LONGOPTS,
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct teec_err err = { "" };
	struct trust_opts to;
	struct trust t;
	struct show_opts so;
	struct show s;
	struct buf out;
	enum show_format fmt = SHOW_TEXT;
	char msg[128];
	int ch, seen_format = 0, rc;

	memset(&to, 0, sizeof(to));
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			if (seen_format++)
				return die_usage("--format given twice");
			if (parse_format(optarg, 1, &fmt) == -1)
				return die_usage("--format: not text, markdown, html "
				    "or json");
			break;
		case 'h':
			usage(stdout);
			return TEEC_OK;
		case 'V':
			printf("teec-report %s\n", TEEC_VERSION);
			return TEEC_OK;
		case ':':
			return die_usage("option needs an argument");
		case '?':
			return bad_option(argv);
		default:
			if (trust_opt(&to, ch, optarg, msg, sizeof(msg)) == -1)
				return die_usage("%s", msg);
			break;
		}
	}
	if (optind >= argc)
		return die_usage("show: no BUNDLE or REPORT given");
	if (argc - optind > 1)
		return die_usage("show: one BUNDLE or REPORT at a time");
	if (trust_load(&to, 1, &t, &err) != TEEC_OK) {
		errmsg(err.msg);
		return TEEC_ERROR;
	}
	memset(&so, 0, sizeof(so));
	so.roots = &t.roots;
	so.images = &t.images;
	so.at_mode = to.at_arg ? AT_FIXED : AT_DOCUMENT;
	so.at = to.at;
	so.time_source = trust_time_source(&to);
	so.allow_debug = to.allow_debug;
	so.dev = to.dev;
	so.dev_root = t.dev_root;
	so.dev_root_len = t.dev_root_len;
	buf_init(&out, TEEC_MAX_RENDER_BYTES);
	if ((rc = show_load(argv[optind], &so, &s, &err)) == TEEC_ERROR)
		errmsg(err.msg);
	else if (show_render(&out, &s, fmt, &err) != TEEC_OK) {
		errmsg(err.msg);
		rc = TEEC_ERROR;
	} else if (emit(&out) != TEEC_OK)
		rc = TEEC_ERROR;
	buf_free(&out);
	show_free(&s);
	trust_free(&t);
	return rc;
}

static int
cmd_diff(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct teec_err err = { "" };
	struct show_opts so;
	struct show a, b;
	struct rdiff d;
	struct buf out;
	enum show_format fmt = SHOW_TEXT;
	int ch, seen_format = 0, rc;

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			if (seen_format++)
				return die_usage("--format given twice");
			if (parse_format(optarg, 0, &fmt) == -1)
				return die_usage("--format: not text, markdown or json");
			break;
		case 'h':
			usage(stdout);
			return TEEC_OK;
		case 'V':
			printf("teec-report %s\n", TEEC_VERSION);
			return TEEC_OK;
		case ':':
			return die_usage("option needs an argument");
		default:
			return bad_option(argv);
		}
	}
	if (argc - optind != 2)
		return die_usage("diff: two files, A and B, are needed");
	if (strcmp(argv[optind], "-") == 0 && strcmp(argv[optind + 1], "-") == 0)
		return die_usage("diff: standard input can be only one of A and B");
	/* No roots: the reports are read and parsed, not verified. */
	memset(&so, 0, sizeof(so));
	memset(&d, 0, sizeof(d));
	memset(&b, 0, sizeof(b));
	buf_init(&out, TEEC_MAX_RENDER_BYTES);
	if (show_load(argv[optind], &so, &a, &err) == TEEC_ERROR ||
	    show_load(argv[optind + 1], &so, &b, &err) == TEEC_ERROR ||
	    (rc = rdiff_compare(&a, &b, &d, &err)) == TEEC_ERROR) {
		errmsg(err.msg);
		rc = TEEC_ERROR;
	} else if (rdiff_render(&out, &a, &b, &d, fmt) != 0) {
		errmsg("the difference is too large to render");
		rc = TEEC_ERROR;
	} else if (emit(&out) != TEEC_OK)
		rc = TEEC_ERROR;
	buf_free(&out);
	rdiff_free(&d);
	show_free(&a);
	show_free(&b);
	return rc;
}

static const struct verb {
	const char *name;
	int (*run)(int, char **);
} verbs[] = {
	{ "show", cmd_show },
	{ "diff", cmd_diff },
};

int
main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return TEEC_ERROR;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return TEEC_OK;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("teec-report %s\n", TEEC_VERSION);
		return TEEC_OK;
	}
	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (strcmp(argv[1], verbs[i].name) == 0)
			return verbs[i].run(argc - 1, argv + 1);
	return die_usage("unknown command (show or diff)");
}

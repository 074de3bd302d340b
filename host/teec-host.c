/* SPDX-License-Identifier: ISC */
/*
 * teec-host: build a source tree into an attested bundle. See
 * teec-host(1). Exit status: 0 built and verified, 1 the build failed or
 * its bundle does not verify, 2 could not run.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/caps.h"
#include "common/cli.h"
#include "common/escape.h"
#include "common/fileio.h"
#include "common/status.h"
#include "host/client.h"
#include "host/launch_nitro.h"
#include "host/nitro_cli.h"
#include "host/progress.h"
#include "host/run.h"

static const char *progname = "teec-host";

/* What the user sees while a build runs. */
struct ui {
	int quiet;
	int tty;                /* standard error is a terminal */
	int active;             /* a progress line is set up */
	enum client_stream cur;
	struct progress p;
};

static struct run_state g_state;

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: teec-host build [-C DIR] [--config FILE] [--local] [-o OUT.teec]\n"
	    "           [--timeout S] [--unisolated] [--relay] [--upstream-ca FILE]\n"
	    "           [--quiet]\n"
	    "       teec-host build --eif IMAGE.eif [--cpus N] [--memory MiB] [--cid N]\n"
	    "           [--connect-timeout S] [--debug-mode] [--upstream-ca FILE]\n"
	    "           [-C DIR] [--config FILE] [-o OUT.teec] [--timeout S] [--quiet]\n"
	    "       teec-host --help | --version\n");
}

/* Messages may hold text from a file or from the worker: escaped. */
#define errmsg(msg) cli_errmsg(progname, (msg))
#define die_usage(...) cli_usage_error(progname, usage, __VA_ARGS__)

static void
on_signal(int sig)
{
	if (run_interrupt(&g_state, sig))
		_exit(128 + sig);	/* nothing started, nothing to undo */
}

static void
catch_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(&sa.sa_mask, sigs[i]);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
	/* A closed standard error must not kill us before cleaning up. */
	signal(SIGPIPE, SIG_IGN);
}

/* The build's own output, passed through as the worker sent it. */
static void
ui_log(void *arg, const uint8_t *p, size_t n)
{
	static const char cut[] = "teec-host: more build output than "
	    "teec-host shows: the rest is only in the bundle's build.log\n";
	struct ui *u = arg;

	if (u->quiet)
		return;
	if (p == NULL)
		write_all(STDERR_FILENO, cut, sizeof(cut) - 1);
	else
		write_all(STDERR_FILENO, p, n);
}

static void
ui_progress(void *arg, enum client_stream s, uint64_t done, uint64_t total)
{
	struct ui *u = arg;

	if (!u->active || u->cur != s) {
		progress_init(&u->p, STDERR_FILENO, u->tty && !u->quiet,
		    s == CLIENT_SOURCE ? "sending source" : "receiving bundle",
		    total);
		u->active = 1;
		u->cur = s;
	}
	progress_update(&u->p, done);
}

static void
ui_progress_end(void *arg, enum client_stream s)
{
	struct ui *u = arg;

	if (u->active)
		progress_clear(&u->p);
	u->active = 0;
}

static void
ui_note(void *arg, const char *line)
{
	struct ui *u = arg;

	if (!u->quiet)
		errmsg(line);
}

static void
summary(const struct run_result *res, const struct nitro_opts *nitro)
{
	const struct report *r = &res->bundle.report;
	struct buf b;
	size_t i;

	buf_init(&b, 1024 * 1024);
	buf_printf(&b, "bundle: ");
	esc_term(&b, res->out, strlen(res->out));
	if (nitro != NULL)
		buf_printf(&b, " (%llu bytes), checked with the trust store%s"
		    "\nsource: sha256 ", (unsigned long long)res->bundle_size,
		    nitro->debug_mode ? " (--allow-debug)" : "");
	else
		buf_printf(&b, " (%llu bytes), checked with the local "
		    "development root\nsource: sha256 ",
		    (unsigned long long)res->bundle_size);
	buf_hex(&b, res->source_sha256, 32);
	if (res->commit[0] != '\0')
		buf_printf(&b, "  commit %s", res->commit);
	buf_printf(&b, "\n");
	for (i = 0; i < r->nsubjects; i++) {
		buf_printf(&b, "output: sha256 ");
		buf_hex(&b, r->subjects[i].sha256, 32);
		buf_printf(&b, "  ");
		esc_term(&b, r->subjects[i].name, strlen(r->subjects[i].name));
		buf_printf(&b, "\n");
	}
	buf_printf(&b, "verify with: teec-verify bundle %s", nitro == NULL ?
	    "--dev " : nitro->debug_mode ? "--allow-debug " : "");
	esc_term(&b, res->out, strlen(res->out));
	buf_printf(&b, "\n");
	if (b.data != NULL)
		fwrite(b.data, 1, b.len, stdout);
	fflush(stdout);
	buf_free(&b);
}

static int
parse_seconds(const char *s, unsigned int *out)
{
	unsigned long v = 0;
	size_t i, n = strlen(s);

	if (n == 0 || n > 6 || s[0] == '0')
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v < TEEC_TIMEOUT_MIN || v > TEEC_TIMEOUT_MAX)
		return -1;
	*out = (unsigned int)v;
	return 0;
}

/* A decimal number from min to max, without sign or leading zeros. */
static int
parse_number(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	size_t i, n = strlen(s);

	if (n == 0 || n > 19 || (s[0] == '0' && n > 1))
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static void
ui_warn(void *arg, const char *line)
{
	errmsg(line);
}

static int
cmd_build(int argc, char **argv)
{
	enum { O_CONFIG = 256, O_LOCAL, O_TIMEOUT, O_UNISOLATED, O_QUIET,
	    O_EIF, O_CPUS, O_MEMORY, O_CID, O_CONNECT_TIMEOUT, O_DEBUG_MODE,
	    O_UPSTREAM_CA, O_RELAY };
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, O_CONFIG },
		{ "local", no_argument, NULL, O_LOCAL },
		{ "timeout", required_argument, NULL, O_TIMEOUT },
		{ "unisolated", no_argument, NULL, O_UNISOLATED },
		{ "quiet", no_argument, NULL, O_QUIET },
		{ "eif", required_argument, NULL, O_EIF },
		{ "cpus", required_argument, NULL, O_CPUS },
		{ "memory", required_argument, NULL, O_MEMORY },
		{ "cid", required_argument, NULL, O_CID },
		{ "connect-timeout", required_argument, NULL, O_CONNECT_TIMEOUT },
		{ "debug-mode", no_argument, NULL, O_DEBUG_MODE },
		{ "upstream-ca", required_argument, NULL, O_UPSTREAM_CA },
		{ "relay", no_argument, NULL, O_RELAY },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct teec_err err = { "" };
	struct client_events ev;
	struct run_result res;
	struct run_opts o;
	struct nitro_opts nitro;
	struct ui u;
	unsigned int seen = 0;
	uint64_t v;
	int ch, rc;

	memset(&o, 0, sizeof(o));
	memset(&nitro, 0, sizeof(nitro));
	memset(&u, 0, sizeof(u));
	o.dir = ".";
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":C:o:h", longopts, NULL)) != -1) {
		unsigned int bit = 0;

		switch (ch) {
		case 'C':
			bit = 1u << 0;
			o.dir = optarg;
			break;
		case O_CONFIG:
			bit = 1u << 1;
			o.config = optarg;
			break;
		case O_LOCAL:
			bit = 1u << 2;
			o.local = 1;
			break;
		case 'o':
			bit = 1u << 3;
			o.out = optarg;
			break;
		case O_TIMEOUT:
			bit = 1u << 4;
			if (parse_seconds(optarg, &o.timeout) == -1)
				return die_usage("--timeout: expected whole "
				    "seconds from %u to %u", TEEC_TIMEOUT_MIN,
				    TEEC_TIMEOUT_MAX);
			break;
		case O_UNISOLATED:
			bit = 1u << 5;
			o.unisolated = 1;
			break;
		case O_QUIET:
			bit = 1u << 6;
			u.quiet = 1;
			break;
		case O_EIF:
			bit = 1u << 7;
			nitro.eif = optarg;
			break;
		case O_CPUS:
			bit = 1u << 8;
			if (parse_number(optarg, 1, TEEC_MAX_NITRO_CPUS, &v) == -1)
				return die_usage("--cpus: expected 1 to %u",
				    TEEC_MAX_NITRO_CPUS);
			nitro.cpus = (unsigned int)v;
			break;
		case O_MEMORY:
			bit = 1u << 9;
			if (parse_number(optarg, NITRO_MEMORY_MIN_MIB,
			    RUN_MAX_MEMORY_MIB, &v) == -1)
				return die_usage("--memory: expected MiB from %u "
				    "to %u", NITRO_MEMORY_MIN_MIB,
				    RUN_MAX_MEMORY_MIB);
			nitro.memory_mib = v;
			break;
		case O_CID:
			bit = 1u << 10;
			if (parse_number(optarg, NITRO_CID_MIN, NITRO_CID_MAX,
			    &v) == -1)
				return die_usage("--cid: expected %u to %u",
				    NITRO_CID_MIN, NITRO_CID_MAX);
			nitro.cid = (uint32_t)v;
			break;
		case O_CONNECT_TIMEOUT:
			bit = 1u << 11;
			if (parse_number(optarg, 1, NITRO_CONNECT_TIMEOUT_MAX,
			    &v) == -1)
				return die_usage("--connect-timeout: expected "
				    "whole seconds from 1 to %u",
				    NITRO_CONNECT_TIMEOUT_MAX);
			nitro.connect_timeout_s = (unsigned int)v;
			break;
		case O_DEBUG_MODE:
			bit = 1u << 12;
			nitro.debug_mode = 1;
			break;
		case O_UPSTREAM_CA:
			bit = 1u << 13;
			if (optarg[0] == '\0')
				return die_usage("--upstream-ca: empty path");
			o.upstream_ca = optarg;
			break;
		case O_RELAY:
			bit = 1u << 14;
			o.relay = 1;
			break;
		case 'h':
			usage(stdout);
			return TEEC_OK;
		case ':':
			return die_usage("%s needs an argument",
			    argv[optind - 1]);
		default:
			return cli_bad_option(progname, usage, argv[optind - 1]);
		}
		if (seen & bit)
			return die_usage("%s given twice", argv[optind - 1]);
		seen |= bit;
	}
	if (optind != argc)
		return die_usage("unexpected argument %s", argv[optind]);
	if (o.dir[0] == '\0' || (o.config != NULL && o.config[0] == '\0') ||
	    (o.out != NULL && o.out[0] == '\0'))
		return die_usage("empty path");
	if (o.out != NULL && strcmp(o.out, "-") == 0)
		return die_usage("-o -: the bundle must go to a file");
	if (nitro.eif != NULL) {
		if (nitro.eif[0] == '\0')
			return die_usage("--eif: empty path");
		if (o.local)
			return die_usage("--local and --eif exclude each other");
		if (o.unisolated)
			return die_usage("--unisolated is for local mode: an "
			    "enclave image decides its own sandbox");
		if (o.relay)
			return die_usage("--relay is for local mode: an "
			    "enclave's network always goes through this host");
		if (o.upstream_ca != NULL && !nitro.debug_mode)
			return die_usage("--upstream-ca with --eif needs "
			    "--debug-mode: a production enclave does not take "
			    "this host's word on whom to trust");
		o.nitro = &nitro;
	} else if (seen & (0x1fu << 8))
		return die_usage("--cpus, --memory, --cid, --connect-timeout "
		    "and --debug-mode need --eif");

	u.tty = isatty(STDERR_FILENO);
	memset(&ev, 0, sizeof(ev));
	ev.arg = &u;
	ev.log = ui_log;
	ev.progress = ui_progress;
	ev.progress_end = ui_progress_end;
	o.ev = &ev;
	o.note = ui_note;
	o.note_arg = &u;
	nitro.note = ui_note;
	nitro.warn = ui_warn;
	nitro.note_arg = &u;
	if (nitro.debug_mode)
		errmsg("warning: --debug-mode: the enclave's console is open to "
		    "this host and its attestation shows PCR0, PCR1 and PCR2 as "
		    "zero: its bundle can never verify without --allow-debug");

	run_state_init(&g_state);
	catch_signals();
	rc = run_build(&o, &g_state, &res, &err);
	if (res.interrupted) {
		errmsg(err.msg);
		return 128 + (int)g_state.interrupted;
	}
	if (rc != TEEC_OK) {
		errmsg(err.msg);
		return rc;
	}
	summary(&res, o.nitro);
	run_result_free(&res);
	return TEEC_OK;
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
		printf("%s %s\n", progname, TEEC_VERSION);
		return TEEC_OK;
	}
	if (strcmp(argv[1], "build") == 0)
		return cmd_build(argc - 1, argv + 1);
	return die_usage("unknown command %s", argv[1]);
}

/* SPDX-License-Identifier: ISC */
/*
 * teec-enclave: the build worker (teec-enclave(8)). This file only parses
 * the command line, sets up signals and the connection, and maps the
 * result to an exit status; enclave/server.c does the work.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/caps.h"
#include "common/cli.h"
#include "common/fileio.h"
#include "common/status.h"
#include "enclave/listen.h"
#include "enclave/netshim.h"
#include "enclave/nsm.h"
#include "enclave/server.h"

#define PROG "teec-enclave"

static volatile sig_atomic_t stop;
static volatile sig_atomic_t conn_fd = -1;

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: " PROG " serve [--fd N | --listen unix:PATH|vsock:PORT]\n"
	    "                          [--nsm auto|device|emulated]"
	    " [--workdir DIR]\n"
	    "                          [--unisolated] [--keep]"
	    " [--upstream-ca FILE]\n"
	    "       " PROG " netshim --port N --socket PATH -- COMMAND ...\n"
	    "       " PROG " --help | --version\n");
}

#define usage_error(...) cli_usage_error(PROG, usage, __VA_ARGS__)

/*
 * SIGINT, SIGTERM or SIGHUP stops the build. The connection is shut down
 * for reading, so that no read waits for its time limit, while the host
 * still gets an ERROR and sees the connection close only once the build
 * is killed and the work directory removed. Repeated signals change
 * nothing: SIGKILL is the way to skip the cleanup.
 */
static void
on_signal(int sig)
{
	int saved = errno;

	(void)sig;
	stop = 1;
	if (conn_fd >= 0)
		(void)shutdown(conn_fd, SHUT_RD);
	errno = saved;
}

static void
setup_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;        /* no SA_RESTART: waits see EINTR */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* A connected stream socket given as a descriptor number. */
static int
parse_fd(const char *s, int *fd)
{
	struct stat st;
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (s[0] < '0' || s[0] > '9' || *end != '\0' || errno != 0 ||
	    v > INT_MAX)
		return usage_error("--fd: expected a descriptor number, got "
		    "\"%s\"", s);
	if (fstat((int)v, &st) == -1)
		return usage_error("--fd %s: not an open descriptor", s);
	if (!S_ISSOCK(st.st_mode))
		return usage_error("--fd %s: not a socket", s);
	*fd = (int)v;
	return TEEC_OK;
}

static int
cmd_serve(int argc, char *argv[])
{
	enum { O_FD = 256, O_LISTEN, O_NSM, O_WORKDIR, O_UNISOLATED, O_KEEP,
	    O_UPSTREAM_CA, O_HELP };
	static const struct option longopts[] = {
		{ "fd", required_argument, NULL, O_FD },
		{ "listen", required_argument, NULL, O_LISTEN },
		{ "nsm", required_argument, NULL, O_NSM },
		{ "workdir", required_argument, NULL, O_WORKDIR },
		{ "unisolated", no_argument, NULL, O_UNISOLATED },
		{ "keep", no_argument, NULL, O_KEEP },
		{ "upstream-ca", required_argument, NULL, O_UPSTREAM_CA },
		{ "help", no_argument, NULL, O_HELP },
		{ NULL, 0, NULL, 0 },
	};
	struct server_opts o;
	struct server_result res;
	struct teec_err err;
	struct buf ca;
	const char *fd_arg = NULL, *listen_arg = NULL, *nsm_arg = NULL;
	const char *ca_arg = NULL;
	int fd = 0, ch, rc, seen_unisolated = 0, seen_keep = 0;

	memset(&o, 0, sizeof(o));
	o.nsm = NSM_AUTO;
	o.stop = &stop;
	opterr = 0;
	optind = 1;
	while ((ch = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (ch) {
		case O_FD:
			if (fd_arg != NULL)
				return usage_error("--fd given twice");
			fd_arg = optarg;
			break;
		case O_LISTEN:
			if (listen_arg != NULL)
				return usage_error("--listen given twice");
			listen_arg = optarg;
			break;
		case O_NSM:
			if (nsm_arg != NULL)
				return usage_error("--nsm given twice");
			nsm_arg = optarg;
			if (strcmp(optarg, "auto") == 0)
				o.nsm = NSM_AUTO;
			else if (strcmp(optarg, "device") == 0)
				o.nsm = NSM_DEVICE;
			else if (strcmp(optarg, "emulated") == 0)
				o.nsm = NSM_EMULATED;
			else
				return usage_error("--nsm: expected auto, device "
				    "or emulated, got \"%s\"", optarg);
			break;
		case O_WORKDIR:
			if (o.workdir_base != NULL)
				return usage_error("--workdir given twice");
			if (optarg[0] == '\0')
				return usage_error("--workdir: empty path");
			o.workdir_base = optarg;
			break;
		case O_UNISOLATED:
			if (seen_unisolated++)
				return usage_error("--unisolated given twice");
			o.unisolated = 1;
			break;
		case O_KEEP:
			if (seen_keep++)
				return usage_error("--keep given twice");
			o.keep = 1;
			break;
		case O_UPSTREAM_CA:
			if (ca_arg != NULL)
				return usage_error("--upstream-ca given twice");
			if (optarg[0] == '\0')
				return usage_error("--upstream-ca: empty path");
			ca_arg = optarg;
			break;
		case 'h':
		case O_HELP:
			usage(stdout);
			return TEEC_OK;
		case ':':
			return usage_error("option %s needs a value",
			    argv[optind - 1]);
		default:
			return cli_bad_option(PROG, usage, argv[optind - 1]);
		}
	}
	if (optind != argc)
		return usage_error("unexpected argument \"%s\"", argv[optind]);
	if (fd_arg != NULL && listen_arg != NULL)
		return usage_error("--fd and --listen exclude each other");

	memset(&ca, 0, sizeof(ca));
	if (ca_arg != NULL) {
		if (read_file_capped(ca_arg, TEEC_MAX_UPSTREAM_CA_BYTES, &ca,
		    &err) != TEEC_OK) {
			fprintf(stderr, PROG ": --upstream-ca: %s\n", err.msg);
			return TEEC_ERROR;
		}
		o.upstream_ca = ca.data != NULL ? ca.data : (const uint8_t *)"";
		o.upstream_ca_len = ca.len;
	}

	setup_signals();
	if (listen_arg != NULL) {
		if (listen_accept(listen_arg, &stop, &fd, &err) != TEEC_OK) {
			fprintf(stderr, PROG ": %s\n", err.msg);
			return TEEC_ERROR;
		}
	} else if (parse_fd(fd_arg != NULL ? fd_arg : "0", &fd) != TEEC_OK)
		return TEEC_ERROR;
	(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
	conn_fd = fd;

	rc = server_serve(fd, &o, &res, &err);
	conn_fd = -1;
	close(fd);
	buf_free(&ca);
	/* A refusal reached the host in an ERROR frame; it says it. */
	if (rc == TEEC_ERROR && !stop && res.peer_error == 0)
		fprintf(stderr, PROG ": %s\n", err.msg);
	if (res.cleanup[0] != '\0')
		fprintf(stderr, PROG ": could not remove %s: %s\n", res.kept,
		    res.cleanup);
	else if (res.kept[0] != '\0')
		fprintf(stderr, PROG ": work directory kept: %s\n", res.kept);
	return rc;
}

/*
 * netshim: the first process of a sandboxed build with a network policy
 * (enclave/netshim.h). Not for people; the worker starts it through
 * bwrap(1). It ends as its command ended: with the same exit status, or
 * by the same signal.
 */
static int
cmd_netshim(int argc, char *argv[])
{
	struct netshim_opts o;
	struct teec_err err;
	const char *port = NULL;
	char *end;
	long v;
	int i, st;

	memset(&o, 0, sizeof(o));
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		if (i + 1 < argc && strcmp(argv[i], "--port") == 0 &&
		    port == NULL)
			port = argv[++i];
		else if (i + 1 < argc && strcmp(argv[i], "--socket") == 0 &&
		    o.socket == NULL)
			o.socket = argv[++i];
		else
			return usage_error("netshim: unexpected argument "
			    "\"%s\"", argv[i]);
	}
	if (port == NULL || o.socket == NULL || i >= argc ||
	    argv[i][0] != '/')
		return usage_error("netshim: expected --port N --socket PATH -- "
		    "/COMMAND ...");
	errno = 0;
	v = strtol(port, &end, 10);
	if (port[0] < '1' || port[0] > '9' || *end != '\0' || errno != 0 ||
	    v > 65535)
		return usage_error("netshim: --port: expected 1 to 65535");
	o.port = (uint16_t)v;
	o.argv = argv + i;
	signal(SIGPIPE, SIG_IGN);
	if (netshim_run(&o, &st, &err) != TEEC_OK) {
		fprintf(stderr, PROG " netshim: %s\n", err.msg);
		_exit(127);
	}
	fflush(NULL);
	if (WIFSIGNALED(st)) {
		signal(WTERMSIG(st), SIG_DFL);
		raise(WTERMSIG(st));
	}
	/* _exit: nothing of this process (sanitizer reports included) may
	 * change the command's status. */
	_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 127);
}

int
main(int argc, char *argv[])
{
	static const struct {
		const char *name;
		int (*fn)(int, char *[]);
	} verbs[] = {
		{ "serve", cmd_serve },
		{ "netshim", cmd_netshim },
	};
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
		printf(PROG " " TEEC_VERSION "\n");
		return TEEC_OK;
	}
	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (strcmp(argv[1], verbs[i].name) == 0)
			return verbs[i].fn(argc - 1, argv + 1);
	return usage_error("unknown command \"%s\"", argv[1]);
}

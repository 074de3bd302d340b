/* SPDX-License-Identifier: ISC */
/*
 * The test origin of tests/net/origin.h as a program, for the end-to-end
 * tests (tests/e2e/test_network.sh builds it with cc):
 *
 *	origin [--tls | --tls-wrong-name | --tls-self-signed] [--ca FILE]
 *	    PORTFILE
 *
 * listens on 127.0.0.1, a free port, writes the port number to PORTFILE
 * once it accepts connections (and, with TLS, its CA to FILE first), and
 * serves until SIGTERM or SIGINT.
 */
#include "tests/net/origin.h"

static volatile sig_atomic_t done;

static void
on_signal(int sig)
{
	(void)sig;
	done = 1;
}

int
main(int argc, char **argv)
{
	struct origin o;
	enum origin_tls tls = ORIGIN_PLAIN;
	const char *ca = NULL, *portfile = NULL;
	char tmp[4096];
	FILE *f;
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--tls") == 0)
			tls = ORIGIN_TLS;
		else if (strcmp(argv[i], "--tls-wrong-name") == 0)
			tls = ORIGIN_TLS_WRONG_NAME;
		else if (strcmp(argv[i], "--tls-self-signed") == 0)
			tls = ORIGIN_TLS_SELF_SIGNED;
		else if (strcmp(argv[i], "--ca") == 0 && i + 1 < argc)
			ca = argv[++i];
		else if (portfile == NULL && argv[i][0] != '-')
			portfile = argv[i];
		else {
			fprintf(stderr, "usage: origin [--tls | --tls-wrong-name "
			    "| --tls-self-signed] [--ca FILE] PORTFILE\n");
			return 2;
		}
	}
	if (portfile == NULL)
		return 2;
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	if (origin_start(&o, tls, 0) == -1) {
		fprintf(stderr, "origin: cannot start\n");
		return 1;
	}
	if (ca != NULL && tls != ORIGIN_PLAIN && origin_ca_pem(&o, ca) == -1) {
		fprintf(stderr, "origin: cannot write %s\n", ca);
		return 1;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp", portfile);
	if ((f = fopen(tmp, "w")) == NULL || fprintf(f, "%u\n", o.port) < 0 ||
	    fclose(f) != 0 || rename(tmp, portfile) != 0) {
		fprintf(stderr, "origin: cannot write %s\n", portfile);
		return 1;
	}
	while (!done)
		pause();
	_exit(0);
}

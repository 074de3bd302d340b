/* SPDX-License-Identifier: ISC */
/*
 * bench-xfer: the host-worker stream transport on its own, for
 * bench/run.sh. Two processes joined by a socketpair, as teec-host and
 * its local worker are (host/launch.c), move FILE with the protocol's
 * stream functions (common/frame.c: DATA frames, END with the SHA-256,
 * checked by the receiver):
 *
 *	source  the parent sends, the child receives (SOURCE_DATA)
 *	bundle  the child sends, the parent receives (BUNDLE_DATA)
 *
 *	bench-xfer [-k] [-o OUT] source|bundle FILE
 *	bench-xfer pack DIR OUT
 *
 * The receiver writes to OUT (default /dev/null; a regular file is
 * created or truncated). Prints "bytes seconds MB/s" (MB = 10^6 bytes),
 * the time from the first byte read to the verified END. With -k the
 * sender streams with the digest it announced before (the SHA-256 of
 * FILE, taken before the clock starts) as teec-host and the worker do;
 * without, it hashes as it sends. The pack form
 * packs DIR into OUT as teec-host does (host/pack.h) and prints the same
 * for that. Exit 0, or 1 when the transfer failed.
 */
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/caps.h"
#include "common/digest.h"
#include "common/frame.h"
#include "common/status.h"
#include "host/pack.h"

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int known;                       /* -k: the sender knows the digest */
static uint8_t known_sha[32];
static uint64_t known_size;

static int
do_send(int sock, const char *file, uint8_t type)
{
	struct teec_err err;
	int fd, rc;

	if ((fd = open(file, O_RDONLY | O_CLOEXEC)) == -1) {
		fprintf(stderr, "bench-xfer: %s: %s\n", file, strerror(errno));
		return 1;
	}
	if (known)
		rc = frame_send_stream_known(sock, fd, type, known_sha,
		    known_size, NULL, NULL, &err);
	else
		rc = frame_send_stream(sock, fd, type, NULL, NULL, NULL, NULL,
		    &err);
	close(fd);
	if (rc != TEEC_OK) {
		fprintf(stderr, "bench-xfer: send: %s\n", err.msg);
		return 1;
	}
	return 0;
}

static int
do_recv(int sock, const char *out, uint8_t type, uint64_t *bytes)
{
	struct teec_err err;
	int fd, rc;

	if ((fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) == -1) {
		fprintf(stderr, "bench-xfer: %s: %s\n", out, strerror(errno));
		return 1;
	}
	rc = frame_recv_stream(sock, fd, type, TEEC_MAX_BUNDLE_BYTES, 60000,
	    NULL, NULL, NULL, bytes, &err);
	close(fd);
	if (rc != TEEC_OK) {
		fprintf(stderr, "bench-xfer: receive: %s\n", err.msg);
		return 1;
	}
	return 0;
}

static int
do_pack(const char *dir, const char *out)
{
	struct teec_err err;
	uint64_t bytes = 0;
	double t0, t;
	int fd, rc;

	if ((fd = open(out, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) == -1) {
		fprintf(stderr, "bench-xfer: %s: %s\n", out, strerror(errno));
		return 1;
	}
	t0 = now_s();
	rc = pack_tree(dir, fd, NULL, NULL, &bytes, &err);
	t = now_s() - t0;
	close(fd);
	if (rc != TEEC_OK) {
		fprintf(stderr, "bench-xfer: pack: %s\n", err.msg);
		return 1;
	}
	printf("%llu %.6f %.1f\n", (unsigned long long)bytes, t,
	    (double)bytes / 1e6 / t);
	return 0;
}

int
main(int argc, char **argv)
{
	const char *out = "/dev/null", *file;
	uint64_t bytes = 0;
	uint8_t type;
	double t0, t;
	pid_t pid;
	int sv[2], ch, st, rc, parent_sends;

	while ((ch = getopt(argc, argv, "ko:")) != -1) {
		if (ch == 'k')
			known = 1;
		else if (ch == 'o')
			out = optarg;
		else
			goto usage;
	}
	argc -= optind;
	argv += optind;
	if (argc == 3 && strcmp(argv[0], "pack") == 0)
		return do_pack(argv[1], argv[2]);
	if (argc != 2)
		goto usage;
	if (strcmp(argv[0], "source") == 0) {
		type = FRAME_SOURCE_DATA;
		parent_sends = 1;
	} else if (strcmp(argv[0], "bundle") == 0) {
		type = FRAME_BUNDLE_DATA;
		parent_sends = 0;
	} else
		goto usage;
	file = argv[1];
	/* As teec-host and the worker do: the digest was taken before. */
	if (known) {
		struct teec_err err;

		if (sha256_file(file, known_sha, &known_size, &err) != TEEC_OK) {
			fprintf(stderr, "bench-xfer: %s\n", err.msg);
			return 1;
		}
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1) {
		perror("bench-xfer: socketpair");
		return 1;
	}
	t0 = now_s();
	if ((pid = fork()) == -1) {
		perror("bench-xfer: fork");
		return 1;
	}
	if (pid == 0) {
		close(sv[0]);
		if (parent_sends) {
			rc = do_recv(sv[1], out, type, &bytes);
			t = now_s() - t0;
			if (rc == 0)
				printf("%llu %.6f %.1f\n", (unsigned long long)bytes,
				    t, (double)bytes / 1e6 / t);
			fflush(stdout);
			_exit(rc);
		}
		_exit(do_send(sv[1], file, type));
	}
	close(sv[1]);
	if (parent_sends) {
		rc = do_send(sv[0], file, type);
		close(sv[0]);
		while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
			;
		if (rc == 0 && (!WIFEXITED(st) || WEXITSTATUS(st) != 0))
			rc = 1;
		return rc;
	}
	rc = do_recv(sv[0], out, type, &bytes);
	t = now_s() - t0;
	close(sv[0]);
	while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
		;
	if (rc == 0 && (!WIFEXITED(st) || WEXITSTATUS(st) != 0))
		rc = 1;
	if (rc == 0)
		printf("%llu %.6f %.1f\n", (unsigned long long)bytes, t,
		    (double)bytes / 1e6 / t);
	return rc;
usage:
	fprintf(stderr, "usage: bench-xfer [-k] [-o OUT] source|bundle FILE\n"
	    "       bench-xfer pack DIR OUT\n");
	return 2;
}

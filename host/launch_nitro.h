/* SPDX-License-Identifier: ISC */
#ifndef TEEC_LAUNCH_NITRO_H
#define TEEC_LAUNCH_NITRO_H

#include <stdint.h>

#include "common/status.h"
#include "host/launch.h"

/*
 * The worker in an AWS Nitro Enclave (teec-host(1), --eif): started with
 * "nitro-cli run-enclave", reached over vsock at the enclave's CID, and
 * terminated with "nitro-cli terminate-enclave --enclave-id ID" (its own
 * enclave only, never --all) whenever stop() is called, after a build,
 * a failure or a signal.
 *
 * start():
 *  1. The memory: --memory, or nitro_default_memory() of the EIF's size;
 *     refused at once when the free huge pages (the Nitro Enclaves
 *     allocator's pool) cannot hold it, on a machine with the Nitro
 *     Enclaves device.
 *  2. "nitro-cli run-enclave --enclave-name NAME --eif-path EIF
 *     --cpu-count N --memory MiB --enclave-cid CID [--debug-mode]", NAME
 *     "teec-PID-RANDOM", CID --cid or a random one from NITRO_CID_MIN to
 *     NITRO_CID_MAX. Busy errors (nitro_error_class()) are retried after
 *     a back-off that doubles from backoff_min_ms up to backoff_max_ms, at
 *     most run_attempts times in all. Its JSON is parsed strictly and must
 *     name the CID asked for. When nitro-cli's answer is lost (it timed
 *     out, its output is malformed), the enclave named NAME is looked up
 *     with "nitro-cli describe-enclaves" and terminated.
 *  3. connect() to CID:port until it accepts, at most connect_timeout_s
 *     seconds after run-enclave returned, retrying every
 *     NITRO_RETRY_MIN_MS, doubling up to NITRO_RETRY_MAX_MS.
 * A cancelled worker (launch_cancel(), from a signal handler) stops
 * waiting; a run-enclave under way is let finish, so that its enclave is
 * known and terminated. On any failure the enclave started is terminated
 * before start() returns.
 */

#define NITRO_CLI               "nitro-cli"
#define NITRO_VSOCK_PORT        5005u   /* enclave/images: --listen vsock:5005 */
#define NITRO_CPUS_DEFAULT      2u
#define NITRO_CONNECT_TIMEOUT_S 60u
#define NITRO_CONNECT_TIMEOUT_MAX 3600u
#define NITRO_RUN_TIMEOUT_MS    600000  /* one run-enclave: it waits for the boot */
#define NITRO_CLI_TIMEOUT_MS    60000   /* describe-enclaves, terminate-enclave */
#define NITRO_RUN_ATTEMPTS      6u
#define NITRO_BACKOFF_MIN_MS    1000u
#define NITRO_BACKOFF_MAX_MS    8000u
#define NITRO_TERMINATE_ATTEMPTS 3u
#define NITRO_RETRY_MIN_MS      250
#define NITRO_RETRY_MAX_MS      2000
#define NITRO_HUGEPAGES_DIR     "/sys/kernel/mm/hugepages"
#define NITRO_DEVICE            "/dev/nitro_enclaves"

/* Connect to cid:port within timeout_ms; returns as vsock_connect(). */
typedef int (*nitro_connect_fn)(void *arg, uint32_t cid, uint32_t port,
    int timeout_ms, int *fd, struct teec_err *err);

struct nitro_opts {
	const char *eif;                /* the enclave image file */
	unsigned int cpus;              /* 0: NITRO_CPUS_DEFAULT */
	uint64_t memory_mib;            /* 0: from the EIF's size */
	uint32_t cid;                   /* 0: a random one */
	unsigned int connect_timeout_s; /* 0: NITRO_CONNECT_TIMEOUT_S */
	int debug_mode;                 /* pass --debug-mode */
	/* What the user sees: progress (may be NULL), and problems that
	 * must be seen even with --quiet (may be NULL). */
	void (*note)(void *arg, const char *line);
	void (*warn)(void *arg, const char *line);
	void *note_arg;
	/* Seams, for tests; 0 and NULL are the defaults above. */
	const char *nitro_cli;          /* NITRO_CLI, on PATH */
	nitro_connect_fn connect;       /* vsock_connect() */
	void *connect_arg;
	uint32_t port;                  /* NITRO_VSOCK_PORT */
	const char *hugepages_dir;      /* NITRO_HUGEPAGES_DIR; "" skips */
	const char *device;             /* NITRO_DEVICE: the pool is looked
	                                   at only where it exists */
	unsigned int run_attempts;
	unsigned int backoff_min_ms, backoff_max_ms;
	int run_timeout_ms, cli_timeout_ms;
};

extern const struct launcher launch_nitro;

/* The memory start() asks for, in MiB: o->memory_mib or the default. */
int nitro_memory_for(const struct nitro_opts *o, uint64_t *mib,
    struct teec_err *err);

#endif

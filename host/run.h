/* SPDX-License-Identifier: ISC */
#ifndef TEEC_RUN_H
#define TEEC_RUN_H

#include <limits.h>
#include <signal.h>
#include <stdint.h>

#include "common/status.h"
#include "host/client.h"
#include "host/launch.h"
#include "host/launch_nitro.h"
#include "verify/bundle.h"

/*
 * One "teec-host build": read and check build.json, pack the tree, start
 * a worker, run the protocol, check the bundle it returns and only then
 * put it at OUT. The status is the exit status: TEEC_OK, TEEC_FAIL (the
 * build failed, the worker died or broke the protocol, the bundle does
 * not verify) or TEEC_ERROR (usage, an unreadable tree or build.json, the
 * worker could not be started, OUT could not be written). Nothing is
 * left at OUT, nor beside it, unless TEEC_OK.
 */

#define RUN_NITRO_DEVICE "/dev/nitro_enclaves"
#define RUN_MAX_MEMORY_MIB 4194304u     /* --memory: 4 TiB */

struct run_opts {
	const char *dir;                /* the source tree */
	const char *config;             /* NULL: DIR/build.json */
	const char *out;                /* NULL: outpath_default() */
	unsigned int timeout;           /* --timeout, 0: build.json's */
	int local;                      /* --local was given */
	int unisolated;
	const char *worker;             /* NULL: launch_find_worker() */
	const char *nitro_device;       /* NULL: RUN_NITRO_DEVICE */
	const char *devca_dir;          /* NULL: the default */
	const struct launcher *launcher;/* NULL: launch_local, or
	                                   launch_nitro with nitro */
	const struct nitro_opts *nitro; /* --eif: build in a Nitro Enclave */
	const char *trust_store;        /* NULL: the default (check.h) */
	const char *upstream_ca;        /* --upstream-ca FILE, or NULL; sent
	                                   in an UPSTREAM_CA frame (Nitro mode:
	                                   only with nitro->debug_mode) */
	int relay;                      /* --relay: the worker's network goes
	                                   through this host, as with --eif */
	const char *relay_tmpdir;       /* the relay's socket directory goes
	                                   here; NULL: $TMPDIR or /tmp */
	const struct client_events *ev; /* may be NULL */
	/* A one-line notice for the user (the mode chosen). */
	void (*note)(void *arg, const char *line);
	void *note_arg;
};

enum run_phase {
	RUN_SETUP = 0,  /* nothing to undo: a signal may end the process */
	RUN_ACTIVE,     /* a worker or a temporary file exists */
};

/*
 * Shared with a signal handler, which calls run_interrupt() and nothing
 * else of it.
 */
struct run_state {
	struct worker w;
	volatile sig_atomic_t phase;
	volatile sig_atomic_t interrupted;      /* the signal number */
};

struct run_result {
	char out[PATH_MAX];             /* where the bundle went */
	uint8_t source_sha256[32];
	uint64_t source_size;
	char commit[41];                /* "" when none */
	int64_t source_date_epoch;
	uint64_t bundle_size;
	struct bundle_out bundle;       /* the verified report, on TEEC_OK */
	int interrupted;                /* a signal ended the build */
};

void run_state_init(struct run_state *st);

/*
 * Async-signal-safe: record sig and stop the worker. Returns 1 when the
 * process may simply exit (RUN_SETUP), 0 when run_build() will clean up
 * and return with res->interrupted set.
 */
int run_interrupt(struct run_state *st, int sig);

int run_build(const struct run_opts *o, struct run_state *st,
    struct run_result *res, struct teec_err *err);
void run_result_free(struct run_result *res);

#endif

/* SPDX-License-Identifier: ISC */
#ifndef TEEC_LAUNCH_H
#define TEEC_LAUNCH_H

#include <sys/types.h>

#include <signal.h>
#include <stdint.h>

#include "common/status.h"

/*
 * Starting and stopping the worker that runs the build. Each way of
 * running it (a local child process now; a Nitro Enclave started with
 * nitro-cli and reached over vsock later) is one struct launcher, so the
 * rest of teec-host only sees a connected stream and a handle to stop.
 */

#define LAUNCH_WORKER_NAME  "teec-enclave"
#define LAUNCH_WORKER_FD    3           /* the worker's end, in the child */
#define LAUNCH_KILL_GRACE_MS 2000       /* SIGTERM, then SIGKILL after this */

struct nitro_opts;

struct launch_cfg {
	const char *worker;     /* program to run; NULL: launch_find_worker() */
	int unisolated;         /* pass --unisolated */
	const struct nitro_opts *nitro; /* launch_nitro: host/launch_nitro.h */
};

#define LAUNCH_ENCLAVE_ID_MAX 64        /* a Nitro enclave ID, with NUL */
#define LAUNCH_WORKBASE_MAX 4096        /* the local work base, with NUL */

/*
 * A running worker. fd is the host's end of the stream; pid the local
 * process to signal (the child, or in Nitro mode the process that holds
 * the enclave). Fields are read by a signal handler: see launch_cancel().
 */
struct worker {
	volatile pid_t pid;     /* -1: none */
	volatile int fd;        /* -1: none */
	int status;             /* wait(2) status once reaped */
	int reaped;
	volatile sig_atomic_t cancelled;        /* set by launch_cancel() */
	/* Nitro mode: the enclave to terminate ("" when none), and how. */
	char enclave_id[LAUNCH_ENCLAVE_ID_MAX];
	uint32_t cid;           /* Nitro mode: the enclave's CID; else 0 */
	/*
	 * Local mode: the private directory (0700) the worker makes its work
	 * directory in (--workdir), removed by stop() once the worker is
	 * reaped, so a worker killed mid-build leaves nothing behind; "" when
	 * none.
	 */
	char workbase[LAUNCH_WORKBASE_MAX];
	const struct nitro_opts *nitro;
};

struct launcher {
	const char *name;       /* "local" */
	/*
	 * Start a worker and connect to it. TEEC_OK, or TEEC_ERROR (could not
	 * start: exit 2) with nothing left running.
	 */
	int (*start)(const struct launch_cfg *cfg, struct worker *w,
	    struct teec_err *err);
	/*
	 * Close the stream, stop the worker if it still runs (SIGTERM,
	 * SIGKILL after LAUNCH_KILL_GRACE_MS) and reap it. With graceful
	 * set, first give it LAUNCH_KILL_GRACE_MS to exit by itself (after a
	 * build, to clean up). Safe to call twice and on a worker that never
	 * started.
	 */
	void (*stop)(struct worker *w, int graceful);
};

/* The local worker: a child connected by a socketpair on fd 3. */
extern const struct launcher launch_local;

void worker_init(struct worker *w);

/*
 * Async-signal-safe: ask the worker to stop (SIGTERM) and shut the stream
 * down so a blocked read or write returns at once, and mark it cancelled
 * so a start() still waiting gives up. The caller's main flow then calls
 * stop().
 */
void launch_cancel(struct worker *w);

/*
 * Wait up to timeout_ms for the worker to exit by itself and reap it.
 * 1 if it has exited (w->status holds its wait status), 0 if it still
 * runs.
 */
int launch_wait(struct worker *w, int timeout_ms);

/*
 * The worker program: LAUNCH_WORKER_NAME in the directory of
 * /proc/self/exe when it is executable there, else the bare name for a
 * PATH search. Writes a NUL-terminated path to out.
 */
int launch_find_worker(char *out, size_t outsz, struct teec_err *err);

/* Describe a wait status for a message: "exited with status 3",
 * "killed by signal 9". */
void launch_describe_status(int status, char *out, size_t outsz);

#endif

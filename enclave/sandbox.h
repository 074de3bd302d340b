/* SPDX-License-Identifier: ISC */
#ifndef TEEC_SANDBOX_H
#define TEEC_SANDBOX_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buildcfg.h"
#include "common/status.h"
#include "enclave/workdir.h"

/*
 * Running the build command (teec-enclave(8), SANDBOX).
 *
 * SANDBOX_NAMESPACES runs it under bubblewrap in new user, mount, PID,
 * network, IPC, UTS and (when possible) cgroup namespaces, without
 * capabilities, as a new session that dies with the worker. It sees a
 * read-only view of the host's root, with private /tmp, /run, /dev and
 * /proc, the paths in hide[] covered by empty directories, and the work
 * directory at the fixed path SANDBOX_VIEW (so that paths recorded in
 * outputs do not depend on where WORK is): SANDBOX_VIEW itself read-only,
 * its src, home and tmp writable. The network namespace has only a
 * loopback interface.
 *
 * SANDBOX_NONE (--unisolated) runs it as a plain child in its own process
 * group, in the real WORK/src.
 *
 * Either way: /bin/sh -c CMD, standard input /dev/null, standard output
 * and error one pipe, umask 022, no descriptor of the worker inherited,
 * signal dispositions reset, exactly the environment given.
 */

enum sandbox_mode {
	SANDBOX_NAMESPACES = 0,
	SANDBOX_NONE,
};

#define SANDBOX_VIEW		"/tmp/teec"
#define SANDBOX_HOSTNAME	"teec"
#define SANDBOX_PATH		"/usr/local/bin:/usr/bin:/bin"
#define SANDBOX_GRACE_MS	5000	/* SIGTERM, then SIGKILL after this */
#define SANDBOX_PROBE_S		10	/* time limit of sandbox_probe() */
#define SANDBOX_DRAIN_MS	1000	/* output read after the command exits */
#define SANDBOX_MAX_HIDE	8
/* With a network policy: the netshim and the proxy as the build sees them. */
#define SANDBOX_NETSHIM		"/run/teec-netshim"
#define SANDBOX_PROXY_SOCKET	SANDBOX_VIEW "/proxy.sock"
#define SANDBOX_PROXY_PORT	3128

/* "namespaces" or "none", as report.json's internalParameters.isolation. */
const char *sandbox_isolation(enum sandbox_mode mode);

/*
 * Look bwrap up in $PATH (the first executable regular file). TEEC_OK and
 * the absolute path in out, or TEEC_ERROR "bwrap not found on PATH".
 */
int sandbox_find_bwrap(char *out, size_t outsz, struct teec_err *err);

/*
 * Run `bwrap <the namespace options> ... /bin/true` once: TEEC_OK when
 * namespaces can be created here, else TEEC_ERROR with bwrap's first line
 * of output.
 */
int sandbox_probe(const char *bwrap, struct teec_err *err);

/*
 * The environment the build gets (build.json(5), teec-enclave(8)):
 * PATH (SANDBOX_PATH unless input.env sets it), HOME, TMPDIR and PWD as
 * the build sees WORK/home, WORK/tmp and WORK/src, TZ=UTC,
 * LC_ALL=C.UTF-8, SOURCE_DATE_EPOCH, and every input.env variable.
 * names[i] and values[i] list them sorted by name; envp is the
 * NULL-terminated NAME=VALUE form for execve(2).
 */
struct sandbox_env {
	size_t n;
	char **names;
	char **values;
	char **envp;
};

int sandbox_env_build(enum sandbox_mode mode, const struct workdir *wd,
    int64_t source_date_epoch, const struct buildcfg_env *extra,
    size_t nextra, struct sandbox_env *out, struct teec_err *err);
void sandbox_env_free(struct sandbox_env *e);	/* accepts a zeroed one */

/* The value of name in e, or NULL. */
const char *sandbox_env_get(const struct sandbox_env *e, const char *name);

/*
 * Set name=value in e (replacing an earlier value), keeping the names
 * sorted and envp in step. For the worker's own variables (the proxy's);
 * input.env has been added by sandbox_env_build(). TEEC_OK or TEEC_ERROR.
 */
int sandbox_env_set(struct sandbox_env *e, const char *name,
    const char *value, struct teec_err *err);

/*
 * Called with each piece of output (at most TEEC_MAX_LOG_FRAME bytes), and
 * when watch_fd is readable or hung up. A non-zero return stops the build
 * (SANDBOX_ABORTED).
 */
typedef int (*sandbox_output_fn)(void *arg, const uint8_t *p, size_t n);
typedef int (*sandbox_watch_fn)(void *arg);

struct sandbox_opts {
	enum sandbox_mode mode;
	const char *bwrap;              /* SANDBOX_NAMESPACES: its path */
	const struct workdir *wd;
	const char *cmd;
	char *const *envp;
	unsigned int timeout_s;         /* wall clock from the start */
	unsigned int grace_ms;          /* 0: SANDBOX_GRACE_MS */
	const char *const *hide;        /* absolute directories to cover */
	size_t nhide;                   /* at most SANDBOX_MAX_HIDE */
	/*
	 * SANDBOX_NAMESPACES with a network policy: the teec-enclave program,
	 * shown at SANDBOX_NETSHIM, runs the command as `netshim --port
	 * SANDBOX_PROXY_PORT --socket SANDBOX_PROXY_SOCKET -- /bin/sh -c CMD`
	 * (the proxy listens on WORK/proxy.sock). NULL: no network.
	 */
	const char *netshim;
	sandbox_output_fn on_output;
	int watch_fd;                   /* -1: none */
	sandbox_watch_fn on_watch;
	void *arg;
	/* Set (from a signal handler) to stop the build: SANDBOX_ABORTED. */
	const volatile sig_atomic_t *stop;
};

enum sandbox_end {
	SANDBOX_EXITED = 1,     /* status: the exit status */
	SANDBOX_SIGNALED,       /* status: the signal number */
	SANDBOX_TIMED_OUT,
	SANDBOX_ABORTED,        /* a callback or *stop asked for it */
};

struct sandbox_result {
	enum sandbox_end end;
	int status;
};

/*
 * Run the command and wait for it, passing its output to on_output. On
 * a timeout or an abort the command's process group gets SIGTERM, then
 * SIGKILL after the grace period; whatever is left of the group is
 * killed when the command exits. TEEC_OK when it ran (res says how it
 * ended), TEEC_ERROR when it could not be started.
 */
int sandbox_run(const struct sandbox_opts *o, struct sandbox_result *res,
    struct teec_err *err);

#endif

/* SPDX-License-Identifier: ISC */
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/caps.h"
#include "common/timefmt.h"
#include "enclave/sandbox.h"

const char *
sandbox_isolation(enum sandbox_mode mode)
{
	return mode == SANDBOX_NAMESPACES ? "namespaces" : "none";
}

int
sandbox_find_bwrap(char *out, size_t outsz, struct teec_err *err)
{
	const char *path = getenv("PATH"), *p, *colon;
	struct stat st;
	size_t len;
	int r;

	if (path == NULL || path[0] == '\0')
		path = SANDBOX_PATH;
	for (p = path;; p = colon + 1) {
		colon = strchr(p, ':');
		len = colon != NULL ? (size_t)(colon - p) : strlen(p);
		/* Only absolute entries: "" and "." would search the cwd. */
		if (len > 0 && p[0] == '/') {
			r = snprintf(out, outsz, "%.*s/bwrap", (int)len, p);
			if (r > 0 && (size_t)r < outsz && stat(out, &st) == 0 &&
			    S_ISREG(st.st_mode) && access(out, X_OK) == 0)
				return TEEC_OK;
		}
		if (colon == NULL)
			break;
	}
	if (outsz > 0)
		out[0] = '\0';
	return teec_errf(err, TEEC_ERROR, "bwrap (bubblewrap) not found on "
	    "PATH");
}

/* The environment. */

void
sandbox_env_free(struct sandbox_env *e)
{
	size_t i;

	if (e == NULL)
		return;
	for (i = 0; i < e->n; i++) {
		if (e->names != NULL)
			free(e->names[i]);
		if (e->values != NULL)
			free(e->values[i]);
		if (e->envp != NULL)
			free(e->envp[i]);
	}
	free(e->names);
	free(e->values);
	free(e->envp);
	memset(e, 0, sizeof(*e));
}

const char *
sandbox_env_get(const struct sandbox_env *e, const char *name)
{
	size_t i;

	for (i = 0; i < e->n; i++)
		if (strcmp(e->names[i], name) == 0)
			return e->values[i];
	return NULL;
}

int
sandbox_env_set(struct sandbox_env *e, const char *name, const char *value,
    struct teec_err *err)
{
	char **names = NULL, **values = NULL, **envp = NULL, *nv = NULL;
	char *nn = NULL, *line = NULL;
	size_t i, at;

	for (i = 0; i < e->n; i++)
		if (strcmp(e->names[i], name) == 0)
			break;
	if (asprintf(&line, "%s=%s", name, value) == -1) {
		line = NULL;
		goto oom;
	}
	if ((nv = strdup(value)) == NULL)
		goto oom;
	if (i < e->n) {
		free(e->values[i]);
		e->values[i] = nv;
		free(e->envp[i]);
		e->envp[i] = line;
		return TEEC_OK;
	}
	if ((nn = strdup(name)) == NULL ||
	    (names = calloc(e->n + 1, sizeof(char *))) == NULL ||
	    (values = calloc(e->n + 1, sizeof(char *))) == NULL ||
	    (envp = calloc(e->n + 2, sizeof(char *))) == NULL)
		goto oom;
	for (at = 0; at < e->n && strcmp(e->names[at], name) < 0; at++)
		;
	for (i = 0; i < e->n + 1; i++) {
		if (i < at) {
			names[i] = e->names[i];
			values[i] = e->values[i];
			envp[i] = e->envp[i];
		} else if (i == at) {
			names[i] = nn;
			values[i] = nv;
			envp[i] = line;
		} else {
			names[i] = e->names[i - 1];
			values[i] = e->values[i - 1];
			envp[i] = e->envp[i - 1];
		}
	}
	free(e->names);
	free(e->values);
	free(e->envp);
	e->names = names;
	e->values = values;
	e->envp = envp;
	e->n++;
	return TEEC_OK;
oom:
	free(line);
	free(nv);
	free(nn);
	free(names);
	free(values);
	free(envp);
	return teec_errf(err, TEEC_ERROR, "out of memory");
}

/* Set name=value, replacing an earlier value. */
static int
env_set(struct sandbox_env *e, size_t cap, const char *name,
    const char *value)
{
	size_t i;
	char *v;

	if ((v = strdup(value)) == NULL)
		return -1;
	for (i = 0; i < e->n; i++)
		if (strcmp(e->names[i], name) == 0) {
			free(e->values[i]);
			e->values[i] = v;
			return 0;
		}
	if (e->n == cap || (e->names[e->n] = strdup(name)) == NULL) {
		free(v);
		return -1;
	}
	e->values[e->n++] = v;
	return 0;
}

static int
cmp_index(const void *a, const void *b, void *arg)
{
	char **names = arg;

	return strcmp(names[*(const size_t *)a], names[*(const size_t *)b]);
}

int
sandbox_env_build(enum sandbox_mode mode, const struct workdir *wd,
    int64_t source_date_epoch, const struct buildcfg_env *extra,
    size_t nextra, struct sandbox_env *out, struct teec_err *err)
{
	char sde[32], *home = NULL, *tmp = NULL, *src = NULL;
	char **names = NULL, **values = NULL;
	size_t cap = 7 + nextra, i, *idx = NULL;
	int rc = TEEC_ERROR;

	memset(out, 0, sizeof(*out));
	if (nextra > TEEC_MAX_ENV_VARS) {
		teec_errf(err, TEEC_ERROR, "more than %u input.env variables",
		    TEEC_MAX_ENV_VARS);
		goto out;
	}
	for (i = 0; i < nextra; i++)
		if (buildcfg_env_controlled(extra[i].name)) {
			teec_errf(err, TEEC_ERROR, "input.env may not set a "
			    "variable the worker sets");
			goto out;
		}
	if (mode == SANDBOX_NAMESPACES) {
		if (asprintf(&src, "%s/src", SANDBOX_VIEW) == -1)
			src = NULL;
		if (asprintf(&home, "%s/home", SANDBOX_VIEW) == -1)
			home = NULL;
		if (asprintf(&tmp, "%s/tmp", SANDBOX_VIEW) == -1)
			tmp = NULL;
	} else {
		src = strdup(wd->src);
		home = strdup(wd->home);
		tmp = strdup(wd->tmp);
	}
	snprintf(sde, sizeof(sde), "%lld", (long long)source_date_epoch);
	if (src == NULL || home == NULL || tmp == NULL ||
	    (out->names = calloc(cap, sizeof(char *))) == NULL ||
	    (out->values = calloc(cap, sizeof(char *))) == NULL ||
	    (out->envp = calloc(cap + 1, sizeof(char *))) == NULL ||
	    env_set(out, cap, "PATH", SANDBOX_PATH) == -1 ||
	    env_set(out, cap, "HOME", home) == -1 ||
	    env_set(out, cap, "TMPDIR", tmp) == -1 ||
	    env_set(out, cap, "PWD", src) == -1 ||
	    env_set(out, cap, "TZ", "UTC") == -1 ||
	    env_set(out, cap, "LC_ALL", "C.UTF-8") == -1 ||
	    env_set(out, cap, "SOURCE_DATE_EPOCH", sde) == -1)
		goto oom;
	for (i = 0; i < nextra; i++)
		if (env_set(out, cap, extra[i].name, extra[i].value) == -1)
			goto oom;
	/* Sorted by name, so the report and the tests see one order. */
	if ((idx = calloc(out->n, sizeof(*idx))) == NULL ||
	    (names = calloc(out->n, sizeof(char *))) == NULL ||
	    (values = calloc(out->n, sizeof(char *))) == NULL)
		goto oom;
	for (i = 0; i < out->n; i++)
		idx[i] = i;
	qsort_r(idx, out->n, sizeof(*idx), cmp_index, out->names);
	for (i = 0; i < out->n; i++) {
		names[i] = out->names[idx[i]];
		values[i] = out->values[idx[i]];
	}
	free(out->names);
	free(out->values);
	out->names = names;
	out->values = values;
	names = values = NULL;
	for (i = 0; i < out->n; i++)
		if (asprintf(&out->envp[i], "%s=%s", out->names[i],
		    out->values[i]) == -1) {
			out->envp[i] = NULL;
			goto oom;
		}
	rc = TEEC_OK;
	goto out;
oom:
	teec_errf(err, TEEC_ERROR, "out of memory");
out:
	free(idx);
	free(names);
	free(values);
	free(src);
	free(home);
	free(tmp);
	if (rc != TEEC_OK)
		sandbox_env_free(out);
	return rc;
}

/* Running a child. */

/* The bwrap options that create the namespaces (bwrap(1)). */
static const char *const ns_args[] = {
	"--unshare-user", "--unshare-pid", "--unshare-net", "--unshare-ipc",
	"--unshare-uts", "--unshare-cgroup-try",
	"--hostname", SANDBOX_HOSTNAME,
	"--die-with-parent", "--new-session", "--cap-drop", "ALL",
	"--ro-bind", "/", "/",
	"--tmpfs", "/tmp", "--tmpfs", "/run",
	"--dev", "/dev", "--proc", "/proc",
};
#define NS_ARGS (sizeof(ns_args) / sizeof(ns_args[0]))

/* In the child: say why it could not start (the log shows it), and exit. */
static void __attribute__((noreturn))
child_fail(const char *what)
{
	static const char pre[] = "teec-enclave: cannot start the build "
	    "command: ";
	const char *why = strerror(errno);
	struct iovec iov[5];

	iov[0].iov_base = (void *)pre;
	iov[0].iov_len = sizeof(pre) - 1;
	iov[1].iov_base = (void *)what;
	iov[1].iov_len = strlen(what);
	iov[2].iov_base = (void *)": ";
	iov[2].iov_len = 2;
	iov[3].iov_base = (void *)why;
	iov[3].iov_len = strlen(why);
	iov[4].iov_base = (void *)"\n";
	iov[4].iov_len = 1;
	if (writev(STDERR_FILENO, iov, 5) == -1)
		_exit(126);
	_exit(127);
}

/*
 * In the child after fork(2): become a process group, take the pipe as
 * standard output and error, drop everything else of the worker, exec.
 * Only async-signal-safe calls.
 */
static void __attribute__((noreturn))
child_exec(const char *path, char *const argv[], char *const envp[],
    const char *dir, int out_fd)
{
	static const int sigs[] = { SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT,
	    SIGALRM, SIGCHLD, SIGUSR1, SIGUSR2 };
	sigset_t none;
	size_t i;
	int nul;

	(void)setpgid(0, 0);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		(void)signal(sigs[i], SIG_DFL);
	sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
	if ((nul = open("/dev/null", O_RDONLY)) == -1 ||
	    dup2(nul, STDIN_FILENO) == -1 ||
	    dup2(out_fd, STDOUT_FILENO) == -1 ||
	    dup2(out_fd, STDERR_FILENO) == -1)
		_exit(127);
	(void)close_range(3, ~0u, 0);
	umask(022);
	if (dir != NULL && chdir(dir) == -1)
		child_fail("chdir");
	execve(path, argv, envp);
	child_fail(path);
}

/* The child's state as the loop below sees it. */
struct child {
	pid_t pid;
	int pidfd;              /* -1: poll with a short tick instead */
	int out;                /* read end of the output pipe, -1 at EOF */
	int exited;             /* a zombie now (not reaped) */
	int reaped;
	int wstatus;
	int killing;            /* SIGTERM sent */
	int64_t kill_at;        /* when SIGKILL follows */
};

/* Has the child exited? Leaves it a zombie so its group id stays ours. */
static int
child_exited(struct child *c)
{
	siginfo_t si;

	if (c->exited)
		return 1;
	memset(&si, 0, sizeof(si));
	if (waitid(P_PID, (id_t)c->pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 &&
	    si.si_pid == c->pid)
		c->exited = 1;
	return c->exited;
}

static void
child_terminate(struct child *c, unsigned int grace_ms)
{
	if (c->killing || c->exited)
		return;
	(void)kill(-c->pid, SIGTERM);
	c->killing = 1;
	c->kill_at = mono_ms() + grace_ms;
}

/* Kill what is left of the group, then reap the leader. */
static void
child_reap(struct child *c)
{
	int st;

	if (c->reaped)
		return;
	(void)kill(-c->pid, SIGKILL);
	while (waitpid(c->pid, &st, 0) == -1 && errno == EINTR)
		;
	c->wstatus = st;
	c->reaped = 1;
}

struct loop {
	unsigned int timeout_s;
	unsigned int grace_ms;
	sandbox_output_fn on_output;
	int watch_fd;
	sandbox_watch_fn on_watch;
	void *arg;
	const volatile sig_atomic_t *stop;
};

/*
 * Start argv[0] (an absolute path) and wait for it as sandbox_run()
 * describes. res->end is set.
 */
static int
run_child(char *const argv[], char *const envp[], const char *dir,
    const struct loop *lo, struct sandbox_result *res, struct teec_err *err)
{
	struct pollfd pfd[3];
	struct child c;
	uint8_t *chunk = NULL;
	int64_t deadline, drain_end = -1, t, wait;
	int fds[2] = { -1, -1 }, np, iout = -1, iwatch = -1;
	int pr, rc = TEEC_ERROR;
	ssize_t r;

	memset(&c, 0, sizeof(c));
	c.pid = -1;
	c.pidfd = -1;
	c.out = -1;
	memset(res, 0, sizeof(*res));
	if ((chunk = malloc(TEEC_MAX_LOG_FRAME)) == NULL) {
		teec_errf(err, TEEC_ERROR, "out of memory");
		goto out;
	}
	if (pipe2(fds, O_CLOEXEC) == -1) {
		teec_errf(err, TEEC_ERROR, "pipe: %s", strerror(errno));
		goto out;
	}
	deadline = mono_ms() + (int64_t)lo->timeout_s * 1000;
	if ((c.pid = fork()) == -1) {
		teec_errf(err, TEEC_ERROR, "fork: %s", strerror(errno));
		goto out;
	}
	if (c.pid == 0)
		child_exec(argv[0], argv, envp, dir, fds[1]);
	/* Also here, so kill(-pid) works before the child gets to it. */
	(void)setpgid(c.pid, c.pid);
	close(fds[1]);
	fds[1] = -1;
	c.out = fds[0];
	fds[0] = -1;
	c.pidfd = pidfd_open(c.pid, 0);

	for (;;) {
		if (!c.exited && child_exited(&c)) {
			/* Stragglers of the group go now; the output drains. */
			(void)kill(-c.pid, SIGKILL);
			drain_end = mono_ms() + SANDBOX_DRAIN_MS;
		}
		if (c.exited && (c.out == -1 || mono_ms() >= drain_end))
			break;
		if (lo->stop != NULL && *lo->stop && !res->end) {
			res->end = SANDBOX_ABORTED;
			child_terminate(&c, lo->grace_ms);
		}
		t = mono_ms();
		if (!res->end && !c.exited && t >= deadline) {
			res->end = SANDBOX_TIMED_OUT;
			child_terminate(&c, lo->grace_ms);
		}
		if (c.killing && !c.exited && t >= c.kill_at)
			(void)kill(-c.pid, SIGKILL);

		if (c.exited)
			wait = drain_end - t;
		else if (c.killing)
			wait = c.kill_at > t ? c.kill_at - t : 100;
		else
			wait = deadline - t;
		if (c.pidfd == -1 && !c.exited && wait > 50)
			wait = 50;
		if (wait < 0)
			wait = 0;
		if (wait > INT_MAX)
			wait = INT_MAX;

		np = 0;
		iout = iwatch = -1;
		if (c.out != -1) {
			pfd[np].fd = c.out;
			pfd[np].events = POLLIN;
			iout = np++;
		}
		if (c.pidfd != -1 && !c.exited) {
			pfd[np].fd = c.pidfd;
			pfd[np].events = POLLIN;
			np++;
		}
		if (lo->watch_fd != -1 && !res->end && !c.exited) {
			pfd[np].fd = lo->watch_fd;
			pfd[np].events = POLLIN;
			iwatch = np++;
		}
		for (pr = 0; pr < np; pr++)
			pfd[pr].revents = 0;
		pr = poll(pfd, (nfds_t)np, (int)wait);
		if (pr == -1 && errno == EINTR)
			continue;
		if (pr == -1) {
			teec_errf(err, TEEC_ERROR, "poll: %s", strerror(errno));
			child_terminate(&c, 0);
			goto out;
		}
		if (iout != -1 && pfd[iout].revents != 0) {
			r = read(c.out, chunk, TEEC_MAX_LOG_FRAME);
			if (r == -1 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (r <= 0) {
				close(c.out);
				c.out = -1;
			} else if (lo->on_output != NULL && !res->end &&
			    lo->on_output(lo->arg, chunk, (size_t)r) != 0) {
				res->end = SANDBOX_ABORTED;
				child_terminate(&c, lo->grace_ms);
			}
		}
		if (iwatch != -1 && pfd[iwatch].revents != 0 && !res->end &&
		    (lo->on_watch == NULL || lo->on_watch(lo->arg) != 0)) {
			res->end = SANDBOX_ABORTED;
			child_terminate(&c, lo->grace_ms);
		}
	}
	child_reap(&c);
	if (!res->end) {
		if (WIFEXITED(c.wstatus)) {
			res->end = SANDBOX_EXITED;
			res->status = WEXITSTATUS(c.wstatus);
		} else {
			res->end = SANDBOX_SIGNALED;
			res->status = WIFSIGNALED(c.wstatus) ?
			    WTERMSIG(c.wstatus) : 0;
		}
	}
	rc = TEEC_OK;
out:
	if (c.pid > 0 && !c.reaped) {
		(void)kill(-c.pid, SIGKILL);
		child_reap(&c);
	}
	if (c.pidfd != -1)
		close(c.pidfd);
	if (c.out != -1)
		close(c.out);
	if (fds[0] != -1)
		close(fds[0]);
	if (fds[1] != -1)
		close(fds[1]);
	free(chunk);
	return rc;
}

/* Append arguments to a NULL-terminated vector with room for cap. */
static int
argv_add(const char **argv, size_t *n, size_t cap, const char *a)
{
	if (*n + 1 >= cap)
		return -1;
	argv[(*n)++] = a;
	argv[*n] = NULL;
	return 0;
}

/* Collects the first line of output for a message. */
static int
probe_output(void *arg, const uint8_t *p, size_t n)
{
	struct buf *b = arg;
	size_t i;

	for (i = 0; i < n && b->len + 1 < b->cap; i++) {
		if (p[i] == '\n' && b->len > 0)
			break;
		if (p[i] >= 0x20 && p[i] < 0x7f)
			(void)buf_putc(b, p[i]);
	}
	return 0;
}

int
sandbox_probe(const char *bwrap, struct teec_err *err)
{
	const char *argv[NS_ARGS + 8];
	char *const envp[] = { "PATH=" SANDBOX_PATH, NULL };
	struct sandbox_result res;
	struct loop lo;
	struct buf out;
	size_t n = 0, i;
	int rc = TEEC_ERROR;

	buf_init(&out, 200);
	memset(&lo, 0, sizeof(lo));
	lo.timeout_s = SANDBOX_PROBE_S;
	lo.grace_ms = 500;
	lo.on_output = probe_output;
	lo.watch_fd = -1;
	lo.arg = &out;
	argv[0] = NULL;
	if (argv_add(argv, &n, sizeof(argv) / sizeof(argv[0]), bwrap) == -1)
		goto out;
	for (i = 0; i < NS_ARGS; i++)
		(void)argv_add(argv, &n, sizeof(argv) / sizeof(argv[0]),
		    ns_args[i]);
	(void)argv_add(argv, &n, sizeof(argv) / sizeof(argv[0]), "--");
	(void)argv_add(argv, &n, sizeof(argv) / sizeof(argv[0]), "/bin/true");
	if ((rc = run_child((char *const *)argv, envp, "/", &lo, &res, err)) !=
	    TEEC_OK)
		goto out;
	if (res.end == SANDBOX_EXITED && res.status == 0) {
		rc = TEEC_OK;
		goto out;
	}
	if (res.end == SANDBOX_TIMED_OUT)
		rc = teec_errf(err, TEEC_ERROR, "cannot create namespaces for "
		    "the build: bwrap did not finish within %d s",
		    SANDBOX_PROBE_S);
	else
		rc = teec_errf(err, TEEC_ERROR, "cannot create namespaces for "
		    "the build: %s", out.len > 0 ? (char *)out.data :
		    "bwrap failed");
out:
	buf_free(&out);
	return rc;
}

int
sandbox_run(const struct sandbox_opts *o, struct sandbox_result *res,
    struct teec_err *err)
{
	const char *argv[NS_ARGS + 48 + 2 * SANDBOX_MAX_HIDE], *dir;
	const size_t cap = sizeof(argv) / sizeof(argv[0]);
	char vsrc[64], vhome[64], vtmp[64], port[16];
	struct loop lo;
	size_t n = 0, i;
	int bad = 0;

	memset(res, 0, sizeof(*res));
	if (o->wd == NULL || o->cmd == NULL || o->envp == NULL ||
	    o->timeout_s == 0 || o->nhide > SANDBOX_MAX_HIDE ||
	    (o->mode == SANDBOX_NAMESPACES && o->bwrap == NULL))
		return teec_errf(err, TEEC_ERROR, "sandbox: bad arguments");
	argv[0] = NULL;
	snprintf(vsrc, sizeof(vsrc), "%s/src", SANDBOX_VIEW);
	snprintf(vhome, sizeof(vhome), "%s/home", SANDBOX_VIEW);
	snprintf(vtmp, sizeof(vtmp), "%s/tmp", SANDBOX_VIEW);
	if (o->mode == SANDBOX_NAMESPACES) {
		bad |= argv_add(argv, &n, cap, o->bwrap);
		for (i = 0; i < NS_ARGS; i++)
			bad |= argv_add(argv, &n, cap, ns_args[i]);
		for (i = 0; i < o->nhide; i++) {
			bad |= argv_add(argv, &n, cap, "--tmpfs");
			bad |= argv_add(argv, &n, cap, o->hide[i]);
		}
		/* bwrap(1) takes bind sources from the host's view. */
		bad |= argv_add(argv, &n, cap, "--ro-bind");
		bad |= argv_add(argv, &n, cap, o->wd->root);
		bad |= argv_add(argv, &n, cap, SANDBOX_VIEW);
		bad |= argv_add(argv, &n, cap, "--bind");
		bad |= argv_add(argv, &n, cap, o->wd->src);
		bad |= argv_add(argv, &n, cap, vsrc);
		bad |= argv_add(argv, &n, cap, "--bind");
		bad |= argv_add(argv, &n, cap, o->wd->home);
		bad |= argv_add(argv, &n, cap, vhome);
		bad |= argv_add(argv, &n, cap, "--bind");
		bad |= argv_add(argv, &n, cap, o->wd->tmp);
		bad |= argv_add(argv, &n, cap, vtmp);
		if (o->netshim != NULL) {
			bad |= argv_add(argv, &n, cap, "--ro-bind");
			bad |= argv_add(argv, &n, cap, o->netshim);
			bad |= argv_add(argv, &n, cap, SANDBOX_NETSHIM);
		}
		bad |= argv_add(argv, &n, cap, "--chdir");
		bad |= argv_add(argv, &n, cap, vsrc);
		bad |= argv_add(argv, &n, cap, "--");
		if (o->netshim != NULL) {
			snprintf(port, sizeof(port), "%u", SANDBOX_PROXY_PORT);
			bad |= argv_add(argv, &n, cap, SANDBOX_NETSHIM);
			bad |= argv_add(argv, &n, cap, "netshim");
			bad |= argv_add(argv, &n, cap, "--port");
			bad |= argv_add(argv, &n, cap, port);
			bad |= argv_add(argv, &n, cap, "--socket");
			bad |= argv_add(argv, &n, cap, SANDBOX_PROXY_SOCKET);
			bad |= argv_add(argv, &n, cap, "--");
		}
		dir = "/";
	} else
		dir = o->wd->src;
	bad |= argv_add(argv, &n, cap, "/bin/sh");
	bad |= argv_add(argv, &n, cap, "-c");
	bad |= argv_add(argv, &n, cap, o->cmd);
	if (bad)
		return teec_errf(err, TEEC_ERROR, "sandbox: too many arguments");

	memset(&lo, 0, sizeof(lo));
	lo.timeout_s = o->timeout_s;
	lo.grace_ms = o->grace_ms != 0 ? o->grace_ms : SANDBOX_GRACE_MS;
	lo.on_output = o->on_output;
	lo.watch_fd = o->watch_fd;
	lo.on_watch = o->on_watch;
	lo.arg = o->arg;
	lo.stop = o->stop;
	return run_child((char *const *)argv, o->envp, dir, &lo, res, err);
}

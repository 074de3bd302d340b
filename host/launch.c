/* SPDX-License-Identifier: ISC */
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "enclave/workdir.h"
#include "host/launch.h"

#define WAIT_STEP_MS 10

void
worker_init(struct worker *w)
{
	memset(w, 0, sizeof(*w));
	w->pid = -1;
	w->fd = -1;
}

void
launch_cancel(struct worker *w)
{
	/* Only async-signal-safe calls: shutdown(2) and kill(2). */
	if (w == NULL)
		return;
	w->cancelled = 1;
	if (w->fd >= 0)
		shutdown(w->fd, SHUT_RDWR);
	if (w->pid > 0 && !w->reaped)
		kill(w->pid, SIGTERM);
}

/* 1 once the worker has exited (left unreaped, a zombie), 0 if not yet. */
static int
exited_within(struct worker *w, int timeout_ms)
{
	struct timespec ts = { 0, WAIT_STEP_MS * 1000000L };
	siginfo_t si;
	int waited = 0;

	for (;;) {
		memset(&si, 0, sizeof(si));
		if (waitid(P_PID, (id_t)w->pid, &si,
		    WEXITED | WNOHANG | WNOWAIT) == -1) {
			if (errno == EINTR)
				continue;
			return 1;	/* ECHILD: nothing left to wait for */
		}
		if (si.si_pid == w->pid)
			return 1;
		if (timeout_ms >= 0 && waited >= timeout_ms)
			return 0;
		nanosleep(&ts, NULL);
		waited += WAIT_STEP_MS;
	}
}

/*
 * Reap an exited worker. Anything it left behind in its process group is
 * killed first, while the zombie still holds the group id, so the id
 * cannot belong to anyone else yet.
 */
static void
reap(struct worker *w)
{
	pid_t r;
	int st = 0;

	kill(-w->pid, SIGKILL);
	do
		r = waitpid(w->pid, &st, 0);
	while (r == -1 && errno == EINTR);
	w->status = r == w->pid ? st : 0;
	w->reaped = 1;
}

int
launch_wait(struct worker *w, int timeout_ms)
{
	if (w->pid <= 0 || w->reaped)
		return 1;
	if (!exited_within(w, timeout_ms))
		return 0;
	reap(w);
	return 1;
}

/* The worker is gone: remove what it left in its work base. */
static void
drop_workbase(struct worker *w)
{
	struct teec_err e;

	if (w->workbase[0] == '\0')
		return;
	(void)workdir_remove(w->workbase, &e);
	w->workbase[0] = '\0';
}

/* A private directory for the worker's work directories. */
static int
make_workbase(struct worker *w, struct teec_err *err)
{
	const char *t = getenv("TMPDIR");
	int n;

	if (t == NULL || t[0] != '/')
		t = "/tmp";
	n = snprintf(w->workbase, sizeof(w->workbase), "%s/teec-host.XXXXXX",
	    t);
	if (n < 0 || (size_t)n >= sizeof(w->workbase)) {
		w->workbase[0] = '\0';
		return teec_errf(err, TEEC_ERROR, "TMPDIR is too long");
	}
	if (mkdtemp(w->workbase) == NULL) {
		int e = errno;

		w->workbase[0] = '\0';
		return teec_errf(err, TEEC_ERROR, "%s/teec-host.XXXXXX: %s", t,
		    strerror(e));
	}
	return TEEC_OK;
}

static void
local_stop(struct worker *w, int graceful)
{
	int fd = w->fd;

	if (fd >= 0) {
		w->fd = -1;
		close(fd);
	}
	if (w->pid <= 0 || w->reaped) {
		drop_workbase(w);
		return;
	}
	if (!exited_within(w, graceful ? LAUNCH_KILL_GRACE_MS : 0)) {
		kill(w->pid, SIGTERM);
		if (!exited_within(w, LAUNCH_KILL_GRACE_MS)) {
			kill(-w->pid, SIGKILL);
			kill(w->pid, SIGKILL);
			exited_within(w, -1);
		}
	}
	reap(w);
	drop_workbase(w);
}

int
launch_find_worker(char *out, size_t outsz, struct teec_err *err)
{
	char self[PATH_MAX];
	ssize_t n;
	char *slash;

	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		if ((slash = strrchr(self, '/')) != NULL) {
			*slash = '\0';
			if ((size_t)snprintf(out, outsz, "%s/%s", self,
			    LAUNCH_WORKER_NAME) < outsz &&
			    access(out, X_OK) == 0)
				return TEEC_OK;
		}
	}
	if ((size_t)snprintf(out, outsz, "%s", LAUNCH_WORKER_NAME) >= outsz)
		return teec_errf(err, TEEC_ERROR, "path buffer too small");
	return TEEC_OK;
}

void
launch_describe_status(int status, char *out, size_t outsz)
{
	if (WIFEXITED(status))
		snprintf(out, outsz, "exited with status %d",
		    WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(out, outsz, "killed by signal %d (%s)",
		    WTERMSIG(status), strsignal(WTERMSIG(status)));
	else
		snprintf(out, outsz, "ended with wait status 0x%x", status);
}

/*
 * In the child, between fork and exec: only async-signal-safe calls.
 * The worker's end becomes fd 3 (without close-on-exec), standard input
 * /dev/null, standard output a copy of standard error (teec-host's own
 * output stays its own). The child gets its own process group so a
 * terminal's Ctrl-C reaches teec-host alone, which then stops the worker
 * in order; and it is sent SIGTERM should teec-host die first.
 */
static void
child(const char *prog, char *const argv[], int sock, int efd, pid_t parent)
{
	struct sigaction sa;
	sigset_t none;
	int e, nul, sig;
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE,
	    SIGQUIT, SIGCHLD };

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	for (sig = 0; sig < (int)(sizeof(sigs) / sizeof(sigs[0])); sig++)
		sigaction(sigs[sig], &sa, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	setpgid(0, 0);
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) == -1)
		goto fail;
	if (getppid() != parent) {
		errno = ESRCH;
		goto fail;
	}
	if (sock == LAUNCH_WORKER_FD) {
		if (fcntl(sock, F_SETFD, 0) == -1)
			goto fail;
	} else if (dup2(sock, LAUNCH_WORKER_FD) == -1)
		goto fail;
	if ((nul = open("/dev/null", O_RDONLY)) == -1 ||
	    dup2(nul, STDIN_FILENO) == -1 || dup2(STDERR_FILENO,
	    STDOUT_FILENO) == -1)
		goto fail;
	if (nul > LAUNCH_WORKER_FD)
		close(nul);
	if (strchr(prog, '/') != NULL)
		execv(prog, argv);
	else
		execvp(prog, argv);
fail:
	e = errno;
	(void)!write(efd, &e, sizeof(e));
	_exit(127);
}

static int
local_start(const struct launch_cfg *cfg, struct worker *w,
    struct teec_err *err)
{
	char found[PATH_MAX];
	const char *prog = cfg != NULL ? cfg->worker : NULL;
	char *argv[13];
	int sv[2] = { -1, -1 }, ep[2] = { -1, -1 }, efd = -1, e = 0, rc;
	size_t k = 0;
	ssize_t n;
	pid_t pid, parent = getpid();

	worker_init(w);
	if (prog == NULL) {
		if ((rc = launch_find_worker(found, sizeof(found), err)) !=
		    TEEC_OK)
			return rc;
		prog = found;
	}
	argv[k++] = (char *)prog;
	argv[k++] = "serve";
	argv[k++] = "--fd";
	argv[k++] = "3";
	argv[k++] = "--nsm";
	argv[k++] = "emulated";
	if (cfg != NULL && cfg->unisolated)
		argv[k++] = "--unisolated";
	if ((rc = make_workbase(w, err)) != TEEC_OK)
		return rc;
	argv[k++] = "--workdir";
	argv[k++] = w->workbase;
	argv[k] = NULL;

	rc = TEEC_ERROR;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1 ||
	    pipe2(ep, O_CLOEXEC) == -1) {
		teec_errf(err, TEEC_ERROR, "cannot connect to the worker: %s",
		    strerror(errno));
		goto out;
	}
	/* The exec-error pipe must not sit on fd 3 in the child. */
	if ((efd = fcntl(ep[1], F_DUPFD_CLOEXEC, LAUNCH_WORKER_FD + 1)) ==
	    -1) {
		teec_errf(err, TEEC_ERROR, "fcntl: %s", strerror(errno));
		goto out;
	}
	if ((pid = fork()) == -1) {
		teec_errf(err, TEEC_ERROR, "fork: %s", strerror(errno));
		goto out;
	}
	if (pid == 0)
		child(prog, argv, sv[1], efd, parent);
	/* Mirror the child's setpgid so the group exists before any kill. */
	setpgid(pid, pid);
	close(efd);
	close(ep[1]);
	efd = ep[1] = -1;
	close(sv[1]);
	sv[1] = -1;
	do
		n = read(ep[0], &e, sizeof(e));
	while (n == -1 && errno == EINTR);
	w->pid = pid;
	if (n > 0) {
		teec_errf(err, TEEC_ERROR, "cannot run %s: %s", prog,
		    n == (ssize_t)sizeof(e) ? strerror(e) : "exec failed");
		launch_wait(w, -1);
		goto out;
	}
	w->fd = sv[0];
	sv[0] = -1;
	rc = TEEC_OK;
out:
	if (rc != TEEC_OK && (w->pid <= 0 || w->reaped))
		drop_workbase(w);
	if (sv[0] != -1)
		close(sv[0]);
	if (sv[1] != -1)
		close(sv[1]);
	if (ep[0] != -1)
		close(ep[0]);
	if (ep[1] != -1)
		close(ep[1]);
	if (efd != -1)
		close(efd);
	return rc;
}

const struct launcher launch_local = {
	.name = "local",
	.start = local_start,
	.stop = local_stop,
};

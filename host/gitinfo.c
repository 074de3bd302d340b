/* SPDX-License-Identifier: ISC */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/timefmt.h"
#include "host/gitinfo.h"

extern char **environ;

int
gitinfo_parse_time(const char *s, size_t n, int64_t *out)
{
	int64_t v = 0;
	size_t i;

	if (n > 0 && s[n - 1] == '\n')
		n--;
	if (n == 0 || n > 18 || (n > 1 && s[0] == '0'))
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

static int
hex40(const char *s)
{
	size_t i;

	for (i = 0; i < 40; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return s[40] == '\0';
}

int
gitinfo_commit_time(const char *git, const char *dir, const char *commit,
    int64_t *out)
{
	char buf[GITINFO_MAX_OUTPUT + 1];
	char **env = NULL;
	const char *prog = git != NULL ? git : "git";
	char *argv[] = { (char *)prog, "--no-pager", "-C", (char *)dir, "log",
	    "-1", "--format=%ct", (char *)commit, "--", NULL };
	struct pollfd pfd;
	size_t have = 0, ne = 0, i;
	int64_t deadline;
	ssize_t r;
	pid_t pid = -1;
	int p[2] = { -1, -1 }, st = 0, rc = -1, nul, left;

	if (commit == NULL || !hex40(commit))
		return -1;
	/* The environment without GIT_DIR, GIT_WORK_TREE and friends. */
	for (i = 0; environ != NULL && environ[i] != NULL; i++)
		ne++;
	if ((env = calloc(ne + 1, sizeof(*env))) == NULL)
		goto out;
	for (i = 0, ne = 0; environ != NULL && environ[i] != NULL; i++)
		if (strncmp(environ[i], "GIT_", 4) != 0)
			env[ne++] = environ[i];
	if (pipe2(p, O_CLOEXEC) == -1)
		goto out;
	if ((pid = fork()) == -1)
		goto out;
	if (pid == 0) {
		signal(SIGPIPE, SIG_DFL);
		if ((nul = open("/dev/null", O_RDWR)) == -1 ||
		    dup2(nul, STDIN_FILENO) == -1 ||
		    dup2(p[1], STDOUT_FILENO) == -1 ||
		    dup2(nul, STDERR_FILENO) == -1)
			_exit(127);
		if (strchr(prog, '/') != NULL)
			execve(prog, argv, env);
		else
			execvpe(prog, argv, env);
		_exit(127);
	}
	close(p[1]);
	p[1] = -1;
	deadline = mono_ms() + GITINFO_TIMEOUT_MS;
	for (;;) {
		left = (int)(deadline - mono_ms());
		if (left <= 0)
			goto out;
		pfd.fd = p[0];
		pfd.events = POLLIN;
		r = poll(&pfd, 1, left);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			goto out;
		r = read(p[0], buf + have, sizeof(buf) - 1 - have);
		if (r == -1 && errno == EINTR)
			continue;
		if (r < 0)
			goto out;
		if (r == 0)
			break;
		have += (size_t)r;
		if (have == sizeof(buf) - 1)
			goto out;	/* more than a time: not what we asked */
	}
	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR)
			goto out;
	pid = -1;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		goto out;
	rc = gitinfo_parse_time(buf, have, out);
out:
	if (pid > 0) {
		kill(pid, SIGKILL);
		while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
			;
	}
	if (p[0] != -1)
		close(p[0]);
	if (p[1] != -1)
		close(p[1]);
	free(env);
	return rc;
}

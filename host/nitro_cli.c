/* SPDX-License-Identifier: ISC */
#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
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

#include "common/caps.h"
#include "common/fileio.h"
#include "common/json.h"
#include "common/timefmt.h"
#include "host/nitro_cli.h"

#define RUN_DOC         "nitro-cli run-enclave output"
#define DESCRIBE_DOC    "nitro-cli describe-enclaves output"
#define TERMINATE_DOC   "nitro-cli terminate-enclave output"
#define JSON_DEPTH      4       /* [ { "CPUIDs": [ 1 ] } ] */
#define MIB             (1024u * 1024u)
#define EXEC_STEP_MS    100     /* how often a running nitro-cli is looked at */
#define EXEC_DRAIN_MS   200     /* for its output once it has exited */
#define MSG_TEXT_MAX    240     /* of nitro-cli's own words in a message */

int
nitro_id_ok(const char *id)
{
	size_t i, n = strlen(id);

	if (n == 0 || n >= sizeof(((struct nitro_enclave *)0)->id))
		return 0;
	for (i = 0; i < n; i++) {
		char c = id[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return 0;
	}
	return 1;
}

/*
 * The members of one enclave object that teec reads (json_output.rs).
 * With name_strict, an EnclaveName over 63 bytes is refused; otherwise
 * (describe-enclaves lists enclaves that are not teec's) it is left out.
 */
static int
read_enclave(const cJSON *obj, const char *doc, const char *path,
    int name_strict, struct nitro_enclave *out, struct teec_err *err)
{
	const cJSON *ids = NULL, *v;
	const char *id = NULL, *name = NULL;
	char sub[64];
	size_t n = 0, i;
	int64_t cid = 0, pid = 0, x;
	int rc;

	memset(out, 0, sizeof(*out));
	out->cpus = -1;
	out->memory_mib = -1;
	if ((rc = json_want_object(obj, doc, path, err)) != TEEC_OK)
		return rc;
	if ((rc = json_get_string(obj, doc, path, "EnclaveID", 0,
	    sizeof(out->id) - 1, &id, err)) != TEEC_OK)
		return rc;
	if (!nitro_id_ok(id))
		return teec_errf(err, TEEC_FAIL, "%s: %s%sEnclaveID: not an "
		    "enclave ID", doc, path, path[0] != '\0' ? "." : "");
	if ((rc = json_get_int(obj, doc, path, "EnclaveCID", 0, NITRO_CID_MIN,
	    NITRO_CID_MAX, &cid, err)) != TEEC_OK)
		return rc;
	if ((rc = json_get_string(obj, doc, path, "EnclaveName",
	    JSON_OPTIONAL | JSON_EMPTY_OK, name_strict ? sizeof(out->name) - 1 :
	    0, &name, err)) != TEEC_OK)
		return rc;
	if ((rc = json_get_int(obj, doc, path, "ProcessID", JSON_OPTIONAL, 0,
	    UINT32_MAX, &pid, err)) != TEEC_OK ||
	    (rc = json_get_int(obj, doc, path, "NumberOfCPUs", JSON_OPTIONAL, 0,
	    TEEC_MAX_NITRO_CPUS, &out->cpus, err)) != TEEC_OK ||
	    (rc = json_get_int(obj, doc, path, "MemoryMiB", JSON_OPTIONAL, 0,
	    JSON_INT_LIMIT, &out->memory_mib, err)) != TEEC_OK ||
	    (rc = json_get_array(obj, doc, path, "CPUIDs", JSON_OPTIONAL |
	    JSON_EMPTY_OK, TEEC_MAX_NITRO_CPUS, &ids, &n, err)) != TEEC_OK)
		return rc;
	for (i = 0, v = ids != NULL ? ids->child : NULL; i < n && v != NULL;
	    i++, v = v->next) {
		snprintf(sub, sizeof(sub), "%s%sCPUIDs[%zu]", path,
		    path[0] != '\0' ? "." : "", i);
		if ((rc = json_want_int(v, doc, sub, 0, UINT32_MAX, &x, err)) !=
		    TEEC_OK)
			return rc;
	}
	memcpy(out->id, id, strlen(id) + 1);
	if (name != NULL && strlen(name) < sizeof(out->name))
		memcpy(out->name, name, strlen(name) + 1);
	out->cid = (uint32_t)cid;
	return TEEC_OK;
}

/* Strict JSON of at most TEEC_MAX_NITRO_CLI_OUTPUT bytes; TEEC_FAIL if not. */
static int
parse(const char *doc, const uint8_t *p, size_t n, cJSON **out,
    struct teec_err *err)
{
	*out = NULL;
	if (n == 0)
		return teec_errf(err, TEEC_FAIL, "%s: empty", doc);
	if (n > TEEC_MAX_NITRO_CLI_OUTPUT)
		return teec_errf(err, TEEC_FAIL, "%s: more than %u bytes", doc,
		    TEEC_MAX_NITRO_CLI_OUTPUT);
	if (json_parse_strict(doc, p, n, JSON_DEPTH, out, err) != TEEC_OK)
		return TEEC_FAIL;
	return TEEC_OK;
}

int
nitro_parse_run(const uint8_t *p, size_t n, struct nitro_enclave *out,
    struct teec_err *err)
{
	cJSON *doc = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = parse(RUN_DOC, p, n, &doc, err)) != TEEC_OK)
		return rc;
	rc = read_enclave(doc, RUN_DOC, "", 1, out, err);
	cJSON_Delete(doc);
	if (rc != TEEC_OK)
		memset(out, 0, sizeof(*out));
	return rc == TEEC_OK ? TEEC_OK : TEEC_FAIL;
}

int
nitro_parse_describe(const uint8_t *p, size_t n, const char *name,
    struct nitro_enclave *out, size_t *found, struct teec_err *err)
{
	struct nitro_enclave e;
	const cJSON *v;
	cJSON *doc = NULL;
	char path[32];
	size_t count = 0, i;
	int rc;

	memset(out, 0, sizeof(*out));
	*found = 0;
	if ((rc = parse(DESCRIBE_DOC, p, n, &doc, err)) != TEEC_OK)
		return rc;
	if ((rc = json_want_array(doc, DESCRIBE_DOC, "", JSON_EMPTY_OK,
	    TEEC_MAX_NITRO_ENCLAVES, &count, err)) != TEEC_OK)
		goto out;
	for (i = 0, v = doc->child; i < count && v != NULL; i++, v = v->next) {
		snprintf(path, sizeof(path), "[%zu]", i);
		if ((rc = read_enclave(v, DESCRIBE_DOC, path, 0, &e, err)) !=
		    TEEC_OK)
			goto out;
		if (strcmp(e.name, name) != 0)
			continue;
		if (*found == 0)
			*out = e;
		(*found)++;
	}
	rc = TEEC_OK;
out:
	cJSON_Delete(doc);
	if (rc != TEEC_OK) {
		memset(out, 0, sizeof(*out));
		*found = 0;
		rc = TEEC_FAIL;
	}
	return rc;
}

int
nitro_parse_terminate(const uint8_t *p, size_t n, const char *id,
    struct teec_err *err)
{
	cJSON *doc = NULL;
	const char *got = NULL;
	int done = 0, rc;

	if ((rc = parse(TERMINATE_DOC, p, n, &doc, err)) != TEEC_OK)
		return rc;
	if ((rc = json_want_object(doc, TERMINATE_DOC, "", err)) != TEEC_OK ||
	    (rc = json_get_string(doc, TERMINATE_DOC, "", "EnclaveID", 0, 0,
	    &got, err)) != TEEC_OK ||
	    (rc = json_get_bool(doc, TERMINATE_DOC, "", "Terminated", 0, &done,
	    err)) != TEEC_OK)
		goto out;
	if (strcmp(got, id) != 0) {
		rc = teec_errf(err, TEEC_FAIL, "%s: EnclaveID: not the enclave "
		    "asked for", TERMINATE_DOC);
		goto out;
	}
	if (!done) {
		rc = teec_errf(err, TEEC_FAIL, "%s: Terminated: false",
		    TERMINATE_DOC);
		goto out;
	}
	rc = TEEC_OK;
out:
	cJSON_Delete(doc);
	return rc == TEEC_OK ? TEEC_OK : TEEC_FAIL;
}

int
nitro_error_code(const char *text, const char **line, size_t *linelen)
{
	const char *p, *start;

	*line = text;
	*linelen = strcspn(text, "\n");
	/* "[ E26 ] Insufficient memory requested. ..." (get_detailed_info). */
	for (p = text; (p = strstr(p, "[ E")) != NULL; p++) {
		if (p[3] < '0' || p[3] > '9' || p[4] < '0' || p[4] > '9' ||
		    p[5] != ' ' || p[6] != ']')
			continue;
		for (start = p; start > text && start[-1] != '\n'; start--)
			;
		*line = start;
		*linelen = strcspn(start, "\n");
		return (p[3] - '0') * 10 + (p[4] - '0');
	}
	return -1;
}

enum nitro_err_class
nitro_error_class(int code, const char *text)
{
	switch (code) {
	case 4:		/* SocketPairCreationFailure: "Retry the command" */
	case 5:		/* ProcessSpawnFailure: "retry the command" */
	case 15:	/* LockAcquireFailure */
	case 39:	/* EnclaveProcessConnectionFailure */
		return NITRO_ERR_BUSY;
	case 29:	/* IoctlFailure: busy only for these driver errors */
		if (strstr(text, "is already used") != NULL ||
		    strstr(text, "no CPUs are available in the pool") != NULL)
			return NITRO_ERR_BUSY;
		return NITRO_ERR_PERMANENT;
	default:
		return NITRO_ERR_PERMANENT;
	}
}

/*
 * The root cause in nitro-cli's backtrace (BACKTRACE=1,
 * document_errors.rs construct_backtrace): the last subaction, on the
 * line before "  Root error file:". NULL if there is none.
 */
static const char *
root_cause(const char *text, size_t *len)
{
	const char *end = strstr(text, "\n  Root error file:"), *p;

	if (end == NULL || end == text)
		return NULL;
	for (p = end; p > text && p[-1] != '\n'; p--)
		;
	while (p < end && *p == ' ')
		p++;
	if (p == end || strncmp(p, "Subactions:", 11) == 0)
		return NULL;
	*len = (size_t)(end - p);
	return p;
}

void
nitro_error_text(const char *text, char *out, size_t outsz)
{
	const char *line, *cause, *dot;
	size_t len, clen = 0;

	nitro_error_code(text, &line, &len);
	/* "[ E29 ] Ioctl failure. Such error is used as ...": the title. */
	if ((dot = memchr(line, '.', len)) != NULL && line[0] == '[')
		len = (size_t)(dot - line);
	if (len > MSG_TEXT_MAX)
		len = MSG_TEXT_MAX;
	if (len == 0) {
		line = "(no message)";
		len = strlen(line);
	}
	cause = root_cause(text, &clen);
	if (clen > MSG_TEXT_MAX)
		clen = MSG_TEXT_MAX;
	if (cause != NULL)
		snprintf(out, outsz, "%.*s: %.*s", (int)len, line, (int)clen,
		    cause);
	else
		snprintf(out, outsz, "%.*s", (int)len, line);
}

int
nitro_run_error(const char *text, int status, uint64_t memory_mib,
    unsigned int cpus, const char *eif, struct teec_err *err)
{
	const char *line;
	char what[2 * MSG_TEXT_MAX + 8];
	size_t len;
	int code = nitro_error_code(text, &line, &len);

	if (len > MSG_TEXT_MAX)
		len = MSG_TEXT_MAX;
	nitro_error_text(text, what, sizeof(what));
	switch (code) {
	case 19:
		return teec_errf(err, TEEC_ERROR, "nitro-cli could not open a "
		    "file it needs (E19): the enclave image %s, or "
		    "/dev/nitro_enclaves (is this a Nitro Enclaves parent "
		    "instance, and is this user in its group?): %s", eif,
		    what);
	case 22:
		return teec_errf(err, TEEC_ERROR, "the Nitro Enclaves CPU pool "
		    "has fewer than %u CPUs (E22): raise cpu_count in "
		    "/etc/nitro_enclaves/allocator.yaml and restart "
		    "nitro-enclaves-allocator.service (teec-runner(7)), or "
		    "lower --cpus", cpus);
	case 26:
		return teec_errf(err, TEEC_ERROR, "%llu MiB is too little "
		    "memory for %s (E26): nitro-cli needs at least %u times "
		    "the image's size; raise --memory",
		    (unsigned long long)memory_mib, eif,
		    NITRO_MEMORY_EIF_RATIO);
	case 27:
		return teec_errf(err, TEEC_ERROR, "the Nitro Enclaves "
		    "allocator has less than the %llu MiB asked for (E27): "
		    "raise memory_mib in /etc/nitro_enclaves/allocator.yaml "
		    "and restart nitro-enclaves-allocator.service "
		    "(teec-runner(7)), lower --memory, or end the enclaves "
		    "that nitro-cli describe-enclaves lists",
		    (unsigned long long)memory_mib);
	case 36:
		return teec_errf(err, TEEC_ERROR, "the enclave did not boot "
		    "(E36): %s is not an enclave image this instance can run, "
		    "or its signing certificate has expired", eif);
	case -1:
		if (WIFEXITED(status))
			return teec_errf(err, TEEC_ERROR, "nitro-cli run-enclave "
			    "exited with status %d: %s", WEXITSTATUS(status),
			    what);
		return teec_errf(err, TEEC_ERROR, "nitro-cli run-enclave was "
		    "killed by signal %d", WIFSIGNALED(status) ?
		    WTERMSIG(status) : 0);
	default:
		return teec_errf(err, TEEC_ERROR, "nitro-cli run-enclave "
		    "failed: %s", what);
	}
}

uint64_t
nitro_min_memory(uint64_t eif_bytes)
{
	uint64_t mib = eif_bytes / MIB + (eif_bytes % MIB != 0);

	return mib * NITRO_MEMORY_EIF_RATIO;
}

uint64_t
nitro_default_memory(uint64_t eif_bytes)
{
	uint64_t m = nitro_min_memory(eif_bytes) + NITRO_MEMORY_BUILD_MIB;

	return m < NITRO_MEMORY_MIN_MIB ? NITRO_MEMORY_MIN_MIB : m;
}

/* A decimal number of at most 18 digits, then optional white space. */
static int
parse_count(const char *s, const char *end, uint64_t *out)
{
	uint64_t v = 0;
	size_t n = 0;

	for (; s < end && *s >= '0' && *s <= '9'; s++, n++) {
		if (n >= 18)
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	if (n == 0)
		return -1;
	for (; s < end; s++)
		if (*s != '\n' && *s != ' ')
			return -1;
	*out = v;
	return 0;
}

int
nitro_hugepages_free(const char *dir, uint64_t *mib, struct teec_err *err)
{
	struct dirent *de;
	char path[PATH_MAX], text[32], *k;
	uint64_t kb, pages, total = 0;
	ssize_t n;
	DIR *d;
	int fd, rc = TEEC_ERROR;

	*mib = 0;
	if ((d = opendir(dir)) == NULL)
		return teec_errf(err, TEEC_ERROR, "%s: %s", dir,
		    strerror(errno));
	while ((de = readdir(d)) != NULL) {
		/* hugepages-2048kB, hugepages-1048576kB (sysfs-kernel-mm-hugepages) */
		if (strncmp(de->d_name, "hugepages-", 10) != 0 ||
		    (k = strstr(de->d_name + 10, "kB")) == NULL || k[2] != '\0' ||
		    parse_count(de->d_name + 10, k, &kb) == -1)
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s/free_hugepages",
		    dir, de->d_name) >= sizeof(path) ||
		    (fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
			teec_errf(err, TEEC_ERROR, "%s: cannot read", path);
			goto out;
		}
		n = read(fd, text, sizeof(text) - 1);
		close(fd);
		if (n <= 0 || parse_count(text, text + n, &pages) == -1 ||
		    kb > UINT64_MAX / 1024 / (pages + 1)) {
			teec_errf(err, TEEC_ERROR, "%s: not a page count", path);
			goto out;
		}
		total += pages * kb / 1024;
	}
	*mib = total;
	rc = TEEC_OK;
out:
	closedir(d);
	return rc;
}

extern char **environ;

/*
 * teec-host's environment with BACKTRACE=1, which makes nitro-cli print
 * its backtrace (the failed subactions down to the driver's own error)
 * on standard error (common/mod.rs construct_error_message). The strings
 * are environ's; free() the array only.
 */
static char **
cli_env(void)
{
	static char bt[] = "BACKTRACE=1";
	size_t n = 0, k = 0, i;
	char **envp;

	while (environ != NULL && environ[n] != NULL)
		n++;
	if ((envp = calloc(n + 2, sizeof(*envp))) == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		if (strncmp(environ[i], "BACKTRACE=", 10) != 0)
			envp[k++] = environ[i];
	envp[k++] = bt;
	envp[k] = NULL;
	return envp;
}

/*
 * Between fork and exec: only async-signal-safe calls. Standard output
 * and error go to the pipes, standard input is /dev/null, and the program
 * gets a process group of its own and default signal handling.
 */
static void
exec_child(char *const argv[], char *const envp[], int out, int errfd,
    int efd)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGQUIT,
	    SIGCHLD, SIGALRM };
	struct sigaction sa;
	sigset_t none;
	size_t i;
	int e, nul;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	setpgid(0, 0);
	if ((nul = open("/dev/null", O_RDONLY)) == -1 ||
	    dup2(nul, STDIN_FILENO) == -1 ||
	    dup2(out, STDOUT_FILENO) == -1 ||
	    dup2(errfd, STDERR_FILENO) == -1)
		goto fail;
	if (strchr(argv[0], '/') != NULL)
		execve(argv[0], argv, envp);
	else
		execvpe(argv[0], argv, envp);
fail:
	e = errno;
	(void)!write(efd, &e, sizeof(e));
	_exit(127);
}

/* Read what is there on fd into b (up to cap, the rest dropped). */
static int
drain(int *fd, struct buf *b, size_t cap, int *over)
{
	uint8_t chunk[4096];
	size_t room;
	ssize_t n;

	n = read(*fd, chunk, sizeof(chunk));
	if (n == -1 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (n <= 0) {
		close(*fd);
		*fd = -1;
		return 0;
	}
	room = b->len < cap ? cap - b->len : 0;
	if ((size_t)n > room)
		*over = 1;
	if (room > 0 && buf_append(b, chunk, (size_t)n < room ? (size_t)n :
	    room) == -1)
		return -1;
	return 0;
}

int
nitro_cli_exec(char *const argv[], int timeout_ms, struct buf *out,
    struct buf *errtext, int *status, int *timed_out, struct teec_err *err)
{
	const char *verb = argv[1] != NULL ? argv[1] : "";
	char **envp = NULL;
	struct pollfd pf[2];
	int op[2] = { -1, -1 }, ep[2] = { -1, -1 }, xp[2] = { -1, -1 };
	int fds[2] = { -1, -1 }, over = 0, dropped = 0, e = 0, st = 0;
	int rc = TEEC_ERROR, exited = 0;
	int64_t deadline = mono_ms() + timeout_ms, exited_at = 0, t;
	pid_t pid = -1, r;
	ssize_t n;
	size_t k;

	buf_init(out, TEEC_MAX_NITRO_CLI_OUTPUT);
	buf_init(errtext, TEEC_MAX_NITRO_CLI_ERRTEXT);
	*status = 0;
	*timed_out = 0;
	if ((envp = cli_env()) == NULL) {
		teec_errf(err, TEEC_ERROR, "out of memory");
		goto done;
	}
	if (pipe2(op, O_CLOEXEC) == -1 || pipe2(ep, O_CLOEXEC) == -1 ||
	    pipe2(xp, O_CLOEXEC) == -1) {
		teec_errf(err, TEEC_ERROR, "pipe: %s", strerror(errno));
		goto done;
	}
	if ((pid = fork()) == -1) {
		teec_errf(err, TEEC_ERROR, "fork: %s", strerror(errno));
		goto done;
	}
	if (pid == 0)
		exec_child(argv, envp, op[1], ep[1], xp[1]);
	/* Mirror the child's setpgid so the group exists before any kill. */
	setpgid(pid, pid);
	fds[0] = op[0];
	fds[1] = ep[0];
	op[0] = ep[0] = -1;
	close(op[1]);
	close(ep[1]);
	close(xp[1]);
	op[1] = ep[1] = xp[1] = -1;
	do
		n = read(xp[0], &e, sizeof(e));
	while (n == -1 && errno == EINTR);
	if (n > 0) {
		teec_errf(err, TEEC_ERROR, "cannot run %s: %s%s", argv[0],
		    n == (ssize_t)sizeof(e) ? strerror(e) : "exec failed",
		    e == ENOENT ? " (is aws-nitro-enclaves-cli installed?)" :
		    "");
		goto done;
	}
	/*
	 * Until it exits, and then until its output ends (or EXEC_DRAIN_MS
	 * more, should something it started hold the pipes).
	 */
	for (;;) {
		if (!exited) {
			do
				r = waitpid(pid, &st, WNOHANG);
			while (r == -1 && errno == EINTR);
			if (r == pid || r == -1) {
				exited = 1;
				exited_at = mono_ms();
				pid = -1;
			}
		}
		t = mono_ms();
		if (exited && ((fds[0] == -1 && fds[1] == -1) ||
		    t - exited_at >= EXEC_DRAIN_MS))
			break;
		if (!exited && t >= deadline) {
			*timed_out = 1;
			teec_errf(err, TEEC_ERROR, "%s %s did not finish within "
			    "%d s", argv[0], verb, timeout_ms / 1000);
			goto kill;
		}
		for (k = 0; k < 2; k++) {
			pf[k].fd = fds[k];
			pf[k].events = POLLIN;
			pf[k].revents = 0;
		}
		if (poll(pf, 2, EXEC_STEP_MS) == -1 && errno != EINTR) {
			teec_errf(err, TEEC_ERROR, "poll: %s", strerror(errno));
			goto kill;
		}
		if (fds[0] != -1 && (pf[0].revents & (POLLIN | POLLHUP |
		    POLLERR)) && drain(&fds[0], out, TEEC_MAX_NITRO_CLI_OUTPUT,
		    &over) == -1)
			goto nomem;
		if (over) {
			teec_errf(err, TEEC_ERROR, "%s %s printed more than %u "
			    "bytes", argv[0], verb, TEEC_MAX_NITRO_CLI_OUTPUT);
			goto kill;
		}
		if (fds[1] != -1 && (pf[1].revents & (POLLIN | POLLHUP |
		    POLLERR)) && drain(&fds[1], errtext,
		    TEEC_MAX_NITRO_CLI_ERRTEXT, &dropped) == -1)
			goto nomem;
	}
	*status = st;
	rc = TEEC_OK;
	goto done;
nomem:
	teec_errf(err, TEEC_ERROR, "out of memory");
kill:
	if (pid > 0)
		kill(-pid, SIGKILL);
done:
	for (k = 0; k < 2; k++)
		if (fds[k] != -1)
			close(fds[k]);
	if (pid > 0) {
		do
			r = waitpid(pid, &st, 0);
		while (r == -1 && errno == EINTR);
		*status = st;
	}
	if (op[0] != -1)
		close(op[0]);
	if (op[1] != -1)
		close(op[1]);
	if (ep[0] != -1)
		close(ep[0]);
	if (ep[1] != -1)
		close(ep[1]);
	if (xp[0] != -1)
		close(xp[0]);
	if (xp[1] != -1)
		close(xp[1]);
	free(envp);
	return rc;
}

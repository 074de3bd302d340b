/* SPDX-License-Identifier: ISC */
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/timefmt.h"
#include "host/launch_nitro.h"
#include "host/nitro_cli.h"
#include "host/vsock.h"

#define SLEEP_STEP_MS   50      /* how often a sleeping start() looks at cancel */
#define CONNECT_TRY_MS  2000    /* one connect attempt at most */

static void __attribute__((format(printf, 3, 4)))
say(const struct nitro_opts *o, int warning, const char *fmt, ...)
{
	void (*fn)(void *, const char *) = warning ? o->warn : o->note;
	char line[TEEC_ERR_MAX + 256];
	va_list ap;

	if (fn == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fn(o->note_arg, line);
}

static const char *
cli(const struct nitro_opts *o)
{
	return o->nitro_cli != NULL ? o->nitro_cli : NITRO_CLI;
}

/* Sleep ms, in steps; -1 as soon as w is cancelled. */
static int
pause_ms(const struct worker *w, int64_t ms)
{
	int64_t end = mono_ms() + ms, left;
	struct timespec ts;

	while (!w->cancelled && (left = end - mono_ms()) > 0) {
		if (left > SLEEP_STEP_MS)
			left = SLEEP_STEP_MS;
		ts.tv_sec = 0;
		ts.tv_nsec = (long)left * 1000000L;
		nanosleep(&ts, NULL);
	}
	return w->cancelled ? -1 : 0;
}

static int
random_u32(uint32_t *v, struct teec_err *err)
{
	ssize_t n;

	do
		n = getrandom(v, sizeof(*v), 0);
	while (n == -1 && errno == EINTR);
	if (n != (ssize_t)sizeof(*v))
		return teec_errf(err, TEEC_ERROR, "getrandom: %s",
		    n == -1 ? strerror(errno) : "short read");
	return TEEC_OK;
}

/* Run one nitro-cli command that prints JSON; TEEC_OK only on exit 0. */
static int
run_cli(const struct nitro_opts *o, char *const argv[], struct buf *out,
    struct buf *errtext, struct teec_err *err)
{
	char what[TEEC_ERR_MAX];
	int status, timed_out, rc;

	rc = nitro_cli_exec(argv, o->cli_timeout_ms > 0 ? o->cli_timeout_ms :
	    NITRO_CLI_TIMEOUT_MS, out, errtext, &status, &timed_out, err);
	if (rc != TEEC_OK)
		return rc;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return TEEC_OK;
	nitro_error_text((const char *)errtext->data, what, sizeof(what));
	return teec_errf(err, TEEC_ERROR, "%s %s failed: %s", argv[0],
	    argv[1], what);
}

/*
 * "nitro-cli terminate-enclave --enclave-id ID", NITRO_TERMINATE_ATTEMPTS
 * times at most, with a back-off.
 * TEEC_OK once nitro-cli says it is terminated.
 */
static int
terminate_id(const struct nitro_opts *o, const char *id, struct teec_err *err)
{
	char *argv[] = { (char *)cli(o), "terminate-enclave", "--enclave-id",
	    (char *)id, NULL };
	struct buf out, errtext;
	unsigned int i, delay = o->backoff_min_ms > 0 ? o->backoff_min_ms :
	    NITRO_BACKOFF_MIN_MS;
	int rc = TEEC_ERROR;

	for (i = 0; i < NITRO_TERMINATE_ATTEMPTS; i++) {
		if (i > 0) {
			struct timespec ts = { delay / 1000,
			    (long)(delay % 1000) * 1000000L };

			/* Not cut short by a signal: the enclave must go. */
			nanosleep(&ts, NULL);
			delay *= 2;
		}
		rc = run_cli(o, argv, &out, &errtext, err);
		if (rc == TEEC_OK)
			rc = nitro_parse_terminate(out.data, out.len, id, err);
		buf_free(&out);
		buf_free(&errtext);
		if (rc == TEEC_OK)
			break;
	}
	return rc;
}

/* Terminate id, or say loudly that it could not be done. */
static void
terminate(const struct nitro_opts *o, const char *id)
{
	struct teec_err err;

	if (terminate_id(o, id, &err) == TEEC_OK) {
		say(o, 0, "terminated enclave %s", id);
		return;
	}
	say(o, 1, "could not terminate enclave %s: %s; it still holds its CPUs "
	    "and memory: nitro-cli terminate-enclave --enclave-id %s", id,
	    err.msg, id);
}

/*
 * nitro-cli's answer to run-enclave was lost: find the enclave by the
 * name teec gave it and terminate it.
 */
static void
terminate_by_name(const struct nitro_opts *o, const char *name)
{
	char *argv[] = { (char *)cli(o), "describe-enclaves", NULL };
	struct nitro_enclave e;
	struct buf out, errtext;
	struct teec_err err;
	size_t found = 0;
	int rc;

	rc = run_cli(o, argv, &out, &errtext, &err);
	if (rc == TEEC_OK)
		rc = nitro_parse_describe(out.data, out.len, name, &e, &found,
		    &err);
	buf_free(&out);
	buf_free(&errtext);
	if (rc != TEEC_OK) {
		say(o, 1, "cannot tell whether enclave %s runs: %s; see "
		    "nitro-cli describe-enclaves", name, err.msg);
		return;
	}
	if (found > 1)
		say(o, 1, "%zu enclaves are named %s; terminating one (%s)",
		    found, name, e.id);
	if (found > 0)
		terminate(o, e.id);
}

int
nitro_memory_for(const struct nitro_opts *o, uint64_t *mib,
    struct teec_err *err)
{
	struct stat sb;

	*mib = 0;
	if (o->eif == NULL || o->eif[0] == '\0')
		return teec_errf(err, TEEC_ERROR, "no enclave image (--eif)");
	if (stat(o->eif, &sb) == -1)
		return teec_errf(err, TEEC_ERROR, "%s: %s", o->eif,
		    strerror(errno));
	if (!S_ISREG(sb.st_mode))
		return teec_errf(err, TEEC_ERROR, "%s: not a regular file",
		    o->eif);
	if (o->memory_mib == 0) {
		*mib = nitro_default_memory((uint64_t)sb.st_size);
		return TEEC_OK;
	}
	if (o->memory_mib < nitro_min_memory((uint64_t)sb.st_size) ||
	    o->memory_mib < NITRO_MEMORY_MIN_MIB)
		return teec_errf(err, TEEC_ERROR, "--memory %llu: %s needs at "
		    "least %llu MiB (%u times its size, and at least %u MiB)",
		    (unsigned long long)o->memory_mib, o->eif,
		    (unsigned long long)nitro_min_memory((uint64_t)sb.st_size),
		    NITRO_MEMORY_EIF_RATIO, NITRO_MEMORY_MIN_MIB);
	*mib = o->memory_mib;
	return TEEC_OK;
}

/* The free huge pages must hold mib, when the kernel says how many. */
static int
check_pool(const struct nitro_opts *o, uint64_t mib, struct teec_err *err)
{
	const char *dir = o->hugepages_dir != NULL ? o->hugepages_dir :
	    NITRO_HUGEPAGES_DIR;
	const char *dev = o->device != NULL ? o->device : NITRO_DEVICE;
	struct teec_err ignored;
	uint64_t free_mib;

	if (dir[0] == '\0' || access(dev, F_OK) != 0 ||
	    nitro_hugepages_free(dir, &free_mib, &ignored) != TEEC_OK)
		return TEEC_OK;		/* nitro-cli will say (E27) */
	if (free_mib >= mib)
		return TEEC_OK;
	return teec_errf(err, TEEC_ERROR, "the Nitro Enclaves allocator has "
	    "%llu MiB free and this build needs %llu MiB%s: raise memory_mib "
	    "in /etc/nitro_enclaves/allocator.yaml and restart "
	    "nitro-enclaves-allocator.service (teec-runner(7)), or end the "
	    "enclaves that nitro-cli describe-enclaves lists",
	    (unsigned long long)free_mib, (unsigned long long)mib,
	    o->memory_mib == 0 ? " (4 times the image, plus 1024 MiB for the "
	    "build; --memory sets it)" : "");
}

/* run-enclave until it starts or fails for good; fills e. */
static int
run_enclave(const struct nitro_opts *o, struct worker *w, char *const argv[],
    const char *name, uint32_t cid, uint64_t mib, unsigned int cpus,
    struct nitro_enclave *e, struct teec_err *err)
{
	unsigned int attempts = o->run_attempts > 0 ? o->run_attempts :
	    NITRO_RUN_ATTEMPTS, i;
	unsigned int delay = o->backoff_min_ms > 0 ? o->backoff_min_ms :
	    NITRO_BACKOFF_MIN_MS;
	unsigned int most = o->backoff_max_ms > 0 ? o->backoff_max_ms :
	    NITRO_BACKOFF_MAX_MS;
	struct buf out, errtext;
	const char *line;
	size_t len;
	int status, timed_out, code, rc = TEEC_ERROR;

	for (i = 1;; i++) {
		rc = nitro_cli_exec(argv, o->run_timeout_ms > 0 ?
		    o->run_timeout_ms : NITRO_RUN_TIMEOUT_MS, &out, &errtext,
		    &status, &timed_out, err);
		if (rc != TEEC_OK) {
			/* Unless it never ran, an enclave may have started. */
			if (!(WIFEXITED(status) && WEXITSTATUS(status) == 127))
				terminate_by_name(o, name);
			goto out;
		}
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
			break;
		code = nitro_error_code((const char *)errtext.data, &line,
		    &len);
		if (nitro_error_class(code, (const char *)errtext.data) !=
		    NITRO_ERR_BUSY || i >= attempts || w->cancelled) {
			rc = nitro_run_error((const char *)errtext.data, status,
			    mib, cpus, o->eif, err);
			goto out;
		}
		say(o, 0, "nitro-cli is busy (E%02d, attempt %u of %u): trying "
		    "again in %u.%u s", code, i, attempts, delay / 1000,
		    delay % 1000 / 100);
		buf_free(&out);
		buf_free(&errtext);
		if (pause_ms(w, delay) == -1)
			return teec_errf(err, TEEC_ERROR, "interrupted while "
			    "waiting for nitro-cli");
		delay = delay * 2 < most ? delay * 2 : most;
	}
	if (nitro_parse_run(out.data, out.len, e, err) != TEEC_OK) {
		char why[TEEC_ERR_MAX];

		memcpy(why, err->msg, sizeof(why));
		terminate_by_name(o, name);
		rc = teec_errf(err, TEEC_ERROR, "cannot read what nitro-cli "
		    "run-enclave printed: %s", why);
		goto out;
	}
	if (e->cid != cid) {
		terminate(o, e->id);
		rc = teec_errf(err, TEEC_ERROR, "nitro-cli started enclave %s "
		    "with CID %u, not the CID %u asked for", e->id, e->cid,
		    cid);
		goto out;
	}
	rc = TEEC_OK;
out:
	buf_free(&out);
	buf_free(&errtext);
	return rc;
}

/* Connect to the worker until it accepts or the time is up. */
static int
connect_worker(const struct nitro_opts *o, struct worker *w, uint32_t cid,
    struct teec_err *err)
{
	unsigned int secs = o->connect_timeout_s > 0 ? o->connect_timeout_s :
	    NITRO_CONNECT_TIMEOUT_S;
	uint32_t port = o->port > 0 ? o->port : NITRO_VSOCK_PORT;
	int64_t deadline = mono_ms() + (int64_t)secs * 1000, left;
	int64_t delay = NITRO_RETRY_MIN_MS;
	struct teec_err cerr;
	int fd = -1, rc;

	snprintf(cerr.msg, sizeof(cerr.msg), "no attempt made");
	for (;;) {
		if (w->cancelled)
			return teec_errf(err, TEEC_ERROR, "interrupted while "
			    "connecting to the enclave");
		if ((left = deadline - mono_ms()) <= 0)
			return teec_errf(err, TEEC_ERROR, "enclave %s did not "
			    "accept a connection on vsock port %u within %u s "
			    "(%s): its image must run teec-enclave serve "
			    "--listen vsock:%u; with --debug-mode, nitro-cli "
			    "console --enclave-id %s shows its console",
			    w->enclave_id, port, secs, cerr.msg, port,
			    w->enclave_id);
		if (o->connect != NULL)
			rc = o->connect(o->connect_arg, cid, port,
			    (int)(left < CONNECT_TRY_MS ? left : CONNECT_TRY_MS),
			    &fd, &cerr);
		else
			rc = vsock_connect(cid, port, (int)(left <
			    CONNECT_TRY_MS ? left : CONNECT_TRY_MS), &fd, &cerr);
		if (rc == TEEC_OK) {
			w->fd = fd;
			return TEEC_OK;
		}
		if (rc != TEEC_FAIL)
			return teec_errf(err, TEEC_ERROR, "cannot connect to "
			    "enclave %s: %s", w->enclave_id, cerr.msg);
		left = deadline - mono_ms();
		(void)pause_ms(w, delay < left ? delay : left);
		delay = delay * 2 < NITRO_RETRY_MAX_MS ? delay * 2 :
		    NITRO_RETRY_MAX_MS;
	}
}

static int
nitro_start(const struct launch_cfg *cfg, struct worker *w,
    struct teec_err *err)
{
	const struct nitro_opts *o = cfg != NULL ? cfg->nitro : NULL;
	struct nitro_enclave e;
	sig_atomic_t cancelled = w->cancelled;
	char name[64], cpus_s[16], mem_s[24], cid_s[16];
	char *argv[16];
	unsigned int cpus;
	uint64_t mib;
	uint32_t cid, r;
	size_t k = 0;
	int rc;

	worker_init(w);
	w->cancelled = cancelled;
	if (o == NULL)
		return teec_errf(err, TEEC_ERROR, "Nitro mode without options");
	w->nitro = o;
	cpus = o->cpus > 0 ? o->cpus : NITRO_CPUS_DEFAULT;
	if ((rc = nitro_memory_for(o, &mib, err)) != TEEC_OK ||
	    (rc = check_pool(o, mib, err)) != TEEC_OK)
		return rc;
	if ((cid = o->cid) == 0) {
		if ((rc = random_u32(&r, err)) != TEEC_OK)
			return rc;
		cid = NITRO_CID_MIN + r % (NITRO_CID_MAX - NITRO_CID_MIN + 1);
	} else if (cid < NITRO_CID_MIN || cid > NITRO_CID_MAX)
		return teec_errf(err, TEEC_ERROR, "CID %u: expected %u to %u",
		    cid, NITRO_CID_MIN, NITRO_CID_MAX);
	if ((rc = random_u32(&r, err)) != TEEC_OK)
		return rc;
	snprintf(name, sizeof(name), "teec-%ld-%08x", (long)getpid(), r);
	snprintf(cpus_s, sizeof(cpus_s), "%u", cpus);
	snprintf(mem_s, sizeof(mem_s), "%llu", (unsigned long long)mib);
	snprintf(cid_s, sizeof(cid_s), "%u", cid);
	argv[k++] = (char *)cli(o);
	argv[k++] = "run-enclave";
	argv[k++] = "--enclave-name";
	argv[k++] = name;
	argv[k++] = "--eif-path";
	argv[k++] = (char *)o->eif;
	argv[k++] = "--cpu-count";
	argv[k++] = cpus_s;
	argv[k++] = "--memory";
	argv[k++] = mem_s;
	argv[k++] = "--enclave-cid";
	argv[k++] = cid_s;
	if (o->debug_mode)
		argv[k++] = "--debug-mode";
	argv[k] = NULL;

	say(o, 0, "starting enclave %s: %s, %u CPUs, %llu MiB, CID %u%s",
	    name, o->eif, cpus, (unsigned long long)mib, cid,
	    o->debug_mode ? ", debug mode" : "");
	if ((rc = run_enclave(o, w, argv, name, cid, mib, cpus, &e, err)) !=
	    TEEC_OK)
		return rc;
	memcpy(w->enclave_id, e.id, sizeof(w->enclave_id));
	w->cid = cid;
	say(o, 0, "enclave %s runs (CID %u); connecting to vsock port %u",
	    e.id, e.cid, o->port > 0 ? o->port : NITRO_VSOCK_PORT);
	if ((rc = connect_worker(o, w, cid, err)) == TEEC_OK)
		return TEEC_OK;
	terminate(o, w->enclave_id);
	w->enclave_id[0] = '\0';
	return rc;
}

static void
nitro_stop(struct worker *w, int graceful)
{
	int fd = w->fd;

	(void)graceful;         /* the enclave's memory goes with it */
	if (fd >= 0) {
		w->fd = -1;
		close(fd);
	}
	if (w->enclave_id[0] != '\0' && w->nitro != NULL)
		terminate(w->nitro, w->enclave_id);
	w->enclave_id[0] = '\0';
}

const struct launcher launch_nitro = {
	.name = "nitro",
	.start = nitro_start,
	.stop = nitro_stop,
};

/* SPDX-License-Identifier: ISC */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "common/caps.h"
#include "common/digest.h"
#include "common/frame.h"
#include "enclave/buildlog.h"
#include "enclave/collect.h"
#include "enclave/netrec.h"
#include "enclave/worker.h"
#include "report/report.h"
#include "verify/bundle.h"

int
worker_uuid4(char out[37], struct teec_err *err)
{
	uint8_t b[16];

	if (RAND_bytes(b, sizeof(b)) != 1)
		return teec_errf(err, TEEC_ERROR, "no random bytes for the "
		    "invocation id");
	b[6] = (uint8_t)((b[6] & 0x0f) | 0x40);     /* version 4 */
	b[8] = (uint8_t)((b[8] & 0x3f) | 0x80);     /* variant 10 */
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3], b[4], b[5],
	    b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
	return TEEC_OK;
}

int
worker_image_pcrs(struct nsm *nsm, uint8_t pcrs[3][48], int *known,
    struct teec_err *err)
{
	uint8_t pcr[3][NITRO_PCR_BYTES];
	uint16_t i;
	int lock;

	memset(pcrs, 0, 3 * 48);
	*known = 0;
	if (nsm_get_kind(nsm) == NSM_EMULATED)
		return TEEC_OK;
	/*
	 * The image's measurements as the NSM holds them. Whether a PCR is
	 * locked does not matter here: the verifier compares these with the
	 * PCRs in the signed attestation document.
	 */
	for (i = 0; i < 3; i++)
		if (nsm_describe_pcr(nsm, i, &lock, pcr[i], err) != TEEC_OK)
			return TEEC_ERROR;
	memcpy(pcrs, pcr, sizeof(pcr));
	*known = 1;
	return TEEC_OK;
}

/* Output of the build: into build.log, and on to the caller. */
struct out_ctx {
	const struct worker_job *job;
	struct buildlog log;
	struct teec_err err;
	int failed;             /* writing the log failed: err */
};

static int
on_output(void *arg, const uint8_t *p, size_t n)
{
	struct out_ctx *o = arg;
	const char *notice;
	size_t kept;

	if (buildlog_add(&o->log, p, n, &kept, &notice, &o->err) != TEEC_OK) {
		o->failed = 1;
		return 1;
	}
	if (o->job->on_log == NULL)
		return 0;
	if (kept > 0 && o->job->on_log(o->job->arg, p, kept) != 0)
		return 1;
	if (notice != NULL && o->job->on_log(o->job->arg,
	    (const uint8_t *)notice, strlen(notice)) != 0)
		return 1;
	return 0;
}

static int
on_watch(void *arg)
{
	struct out_ctx *o = arg;

	if (o->job->on_watch == NULL)
		return 0;
	return o->job->on_watch(o->job->arg);
}

/* No bundle: err holds the message already. */
static int
failed(struct worker_fail *fail, uint16_t code)
{
	fail->code = code;
	return TEEC_FAIL;
}

/* " (the worker refused N network requests: see the log)", or "". */
static void
refused_note(const struct netrec *net, char *out, size_t outsz)
{
	out[0] = '\0';
	if (net->refused > 0)
		snprintf(out, outsz, " (the worker refused %zu network "
		    "request%s: see the log)", net->refused,
		    net->refused == 1 ? "" : "s");
}

/* Run the command; TEEC_OK only when it exited 0. */
static int
run_build(const struct worker_job *job, const struct sandbox_env *env,
    struct netrec *net, struct worker_fail *fail, struct teec_err *err)
{
	struct sandbox_result res;
	struct sandbox_opts so;
	struct out_ctx o;
	struct teec_err cerr;
	struct buf notes;
	char note[128];
	int rc;

	memset(&o, 0, sizeof(o));
	o.job = job;
	if (buildlog_open(&o.log, job->wd->log, job->log_cap != 0 ?
	    job->log_cap : TEEC_MAX_LOG_BYTES, err) != TEEC_OK)
		return failed(fail, FRAME_ERR_INTERNAL);
	memset(&so, 0, sizeof(so));
	so.mode = job->mode;
	so.bwrap = job->bwrap;
	so.wd = job->wd;
	so.cmd = job->cfg->cmd;
	so.envp = env->envp;
	so.timeout_s = job->timeout;
	so.grace_ms = job->grace_ms;
	so.hide = job->hide;
	so.nhide = job->nhide;
	so.on_output = on_output;
	so.watch_fd = job->watch_fd;
	so.on_watch = on_watch;
	so.arg = &o;
	so.stop = job->stop;
	if (net->px != NULL && job->mode == SANDBOX_NAMESPACES)
		so.netshim = net->netshim;
	rc = sandbox_run(&so, &res, err);
	/* The command has ended: so has its network; the log says what. */
	if (net->px != NULL) {
		buf_init(&notes, 1024 * 1024);
		netrec_stop(net, &notes);
		if (notes.len > 0 && !o.failed)
			(void)on_output(&o, notes.data, notes.len);
		buf_free(&notes);
	}
	refused_note(net, note, sizeof(note));
	if (buildlog_close(&o.log, &cerr) != TEEC_OK && rc == TEEC_OK &&
	    !o.failed) {
		o.failed = 1;
		o.err = cerr;
	}
	if (rc != TEEC_OK)
		return failed(fail, FRAME_ERR_INTERNAL);
	if (o.failed) {
		*err = o.err;
		return failed(fail, FRAME_ERR_INTERNAL);
	}
	switch (res.end) {
	case SANDBOX_EXITED:
		if (res.status == 0)
			return TEEC_OK;
		teec_errf(err, TEEC_FAIL, "the build command exited with "
		    "status %d%s", res.status, note);
		return failed(fail, FRAME_ERR_BUILD);
	case SANDBOX_SIGNALED:
		teec_errf(err, TEEC_FAIL, "the build command was killed by "
		    "signal %d (SIG%s)%s", res.status,
		    sigabbrev_np(res.status) != NULL ?
		    sigabbrev_np(res.status) : "?", note);
		return failed(fail, FRAME_ERR_BUILD);
	case SANDBOX_TIMED_OUT:
		teec_errf(err, TEEC_FAIL, "the build did not finish within "
		    "its time limit of %u s%s", job->timeout, note);
		return failed(fail, FRAME_ERR_BUILD);
	default:
		fail->stopped = 1;
		teec_errf(err, TEEC_FAIL, "the build was stopped");
		return failed(fail, FRAME_ERR_INTERNAL);
	}
}

int
worker_build(const struct worker_job *job, struct worker_fail *fail,
    struct teec_err *err)
{
	struct sandbox_env env;
	struct collect outs;
	struct report_subject *subj = NULL;
	struct bundle_artifact *arts = NULL;
	struct report_input in;
	struct bundle_members bm;
	struct netrec_opts no;
	struct netrec net;
	struct buf report, doc;
	uint8_t pcrs[3][48], log_sha[32], binding[REPORT_BINDING_LEN];
	uint8_t ca_sha[32];
	char uuid[37];
	int64_t started, finished;
	size_t i;
	int known = 0, fd = -1, rc = TEEC_FAIL;

	memset(fail, 0, sizeof(*fail));
	memset(&env, 0, sizeof(env));
	memset(&outs, 0, sizeof(outs));
	memset(&report, 0, sizeof(report));
	memset(&doc, 0, sizeof(doc));
	memset(&net, 0, sizeof(net));

	/* What does not depend on the build first: fail before running it. */
	if (worker_image_pcrs(job->nsm, pcrs, &known, err) != TEEC_OK ||
	    worker_uuid4(uuid, err) != TEEC_OK ||
	    sandbox_env_build(job->mode, job->wd, job->source_date_epoch,
	    job->cfg->env, job->cfg->nenv, &env, err) != TEEC_OK) {
		rc = failed(fail, FRAME_ERR_INTERNAL);
		goto out;
	}
	if (job->upstream_ca != NULL)
		sha256(job->upstream_ca, job->upstream_ca_len, ca_sha);
	if (job->cfg->has_network) {
		memset(&no, 0, sizeof(no));
		no.policy = &job->cfg->net;
		no.mode = job->mode;
		no.wd = job->wd;
		no.netshim = job->netshim;
		no.upstream_ca = job->upstream_ca;
		no.upstream_ca_len = job->upstream_ca_len;
		no.system_ca = job->system_ca;
		no.dial = job->dial;
		no.dial_arg = job->dial_arg;
		no.timeout = job->timeout;
		if (netrec_start(&net, &no, &env, err) != TEEC_OK) {
			rc = failed(fail, FRAME_ERR_INTERNAL);
			goto out;
		}
	}

	started = (int64_t)time(NULL);
	if ((rc = run_build(job, &env, &net, fail, err)) != TEEC_OK)
		goto out;
	if ((rc = collect_outputs(job->wd->src, job->cfg->files,
	    job->cfg->nfiles, &outs, err)) != TEEC_OK) {
		rc = failed(fail, rc == TEEC_FAIL ? FRAME_ERR_BUILD :
		    FRAME_ERR_INTERNAL);
		goto out;
	}
	finished = (int64_t)time(NULL);
	if (net.px != NULL && (rc = netrec_finish(&net, job->wd, err)) !=
	    TEEC_OK) {
		rc = failed(fail, rc == TEEC_FAIL ? FRAME_ERR_BUILD :
		    FRAME_ERR_INTERNAL);
		goto out;
	}

	if (sha256_file(job->wd->log, log_sha, NULL, err) != TEEC_OK ||
	    (subj = calloc(outs.n, sizeof(*subj))) == NULL ||
	    (arts = calloc(outs.n, sizeof(*arts))) == NULL) {
		if (subj == NULL || arts == NULL)
			teec_errf(err, TEEC_ERROR, "out of memory");
		rc = failed(fail, FRAME_ERR_INTERNAL);
		goto out;
	}
	for (i = 0; i < outs.n; i++) {
		subj[i].name = outs.items[i].name;
		memcpy(subj[i].sha256, outs.items[i].sha256, 32);
		memcpy(subj[i].sha384, outs.items[i].sha384, 48);
		subj[i].has_sha384 = 1;
		arts[i].name = outs.items[i].name;
		arts[i].path = outs.items[i].path;
	}

	memset(&in, 0, sizeof(in));
	in.build_json = job->cfg->raw;
	in.build_json_len = job->cfg->rawlen;
	in.source_sha256 = job->source_sha256;
	in.source_commit = job->source_commit;
	in.env_names = (const char *const *)env.names;
	in.env_values = (const char *const *)env.values;
	in.nenv = env.n;
	in.source_date_epoch = job->source_date_epoch;
	in.timeout = job->timeout;
	in.isolation = sandbox_isolation(job->mode);
	in.builder_id = nsm_get_kind(job->nsm) == NSM_DEVICE ?
	    WORKER_BUILDER_NITRO : WORKER_BUILDER_LOCAL;
	in.builder_version = TEEC_VERSION;
	in.invocation_id = uuid;
	in.started = started;
	in.finished = finished;
	in.subjects = subj;
	in.nsubjects = outs.n;
	in.log_sha256 = log_sha;
	in.deps = net.deps;
	in.ndeps = net.ndeps;
	in.net_sha256 = net.px != NULL ? net.transcript_sha256 : NULL;
	in.upstream_ca_sha256 = job->upstream_ca != NULL ? ca_sha : NULL;
	in.pcrs = known ? (const uint8_t (*)[48])pcrs : NULL;
	if (report_write(&in, &report, err) != TEEC_OK) {
		rc = failed(fail, FRAME_ERR_INTERNAL);
		goto out;
	}
	report_binding(report.data, report.len, binding);
	if (nsm_attest(job->nsm, binding, sizeof(binding), NULL, 0, NULL, 0,
	    &doc, err) != TEEC_OK) {
		rc = failed(fail, FRAME_ERR_INTERNAL);
		goto out;
	}
	if ((fd = open(job->wd->bundle, O_WRONLY | O_CREAT | O_EXCL |
	    O_NOFOLLOW | O_CLOEXEC, 0644)) == -1) {
		teec_errf(err, TEEC_ERROR, "%s: %s", job->wd->bundle,
		    strerror(errno));
		rc = failed(fail, FRAME_ERR_INTERNAL);
		goto out;
	}
	memset(&bm, 0, sizeof(bm));
	bm.report = report.data;
	bm.report_len = report.len;
	bm.att = doc.data;
	bm.att_len = doc.len;
	bm.log_path = job->wd->log;
	bm.network_path = net.transcript;
	bm.arts = arts;
	bm.narts = outs.n;
	if (bundle_write_members(fd, &bm, err) != TEEC_OK) {
		rc = failed(fail, FRAME_ERR_INTERNAL);
		goto out;
	}
	if (close(fd) == -1) {
		fd = -1;
		teec_errf(err, TEEC_ERROR, "%s: %s", job->wd->bundle,
		    strerror(errno));
		rc = failed(fail, FRAME_ERR_INTERNAL);
		goto out;
	}
	fd = -1;
	rc = TEEC_OK;
out:
	if (fd != -1)
		close(fd);
	if (rc != TEEC_OK)
		(void)unlink(job->wd->bundle);
	free(subj);
	free(arts);
	buf_free(&report);
	buf_free(&doc);
	collect_free(&outs);
	sandbox_env_free(&env);
	netrec_free(&net);
	return rc;
}

/* SPDX-License-Identifier: ISC */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/buildcfg.h"
#include "common/caps.h"
#include "common/digest.h"
#include "common/fileio.h"
#include "common/proto.h"
#include "host/check.h"
#include "host/gitinfo.h"
#include "host/outpath.h"
#include "host/pack.h"
#include "host/relay.h"
#include "host/run.h"

void
run_state_init(struct run_state *st)
{
	memset(st, 0, sizeof(*st));
	worker_init(&st->w);
	st->phase = RUN_SETUP;
}

int
run_interrupt(struct run_state *st, int sig)
{
	if (st->interrupted == 0)
		st->interrupted = sig;
	if (st->phase == RUN_SETUP)
		return 1;
	launch_cancel(&st->w);
	return 0;
}

void
run_result_free(struct run_result *res)
{
	if (res == NULL)
		return;
	bundle_out_free(&res->bundle);
	memset(&res->bundle, 0, sizeof(res->bundle));
}

static void
note(const struct run_opts *o, const char *line)
{
	if (o->note != NULL)
		o->note(o->note_arg, line);
}

/* An unnamed temporary file for the source archive: nothing to clean up. */
static int
source_tmpfile(struct run_state *st, struct teec_err *err)
{
	const char *dir = getenv("TMPDIR");
	char path[PATH_MAX];
	int fd;

	if (dir == NULL || dir[0] != '/')
		dir = "/tmp";
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd != -1)
		return fd;
	if ((size_t)snprintf(path, sizeof(path), "%s/teec-source.XXXXXX",
	    dir) >= sizeof(path)) {
		teec_errf(err, TEEC_ERROR, "TMPDIR is too long");
		return -1;
	}
	st->phase = RUN_ACTIVE;
	if ((fd = mkostemp(path, O_CLOEXEC)) == -1) {
		teec_errf(err, TEEC_ERROR, "%s: %s", path, strerror(errno));
		return -1;
	}
	unlink(path);
	return fd;
}

/*
 * The worker's ERROR as an exit status (proto_error_exit(): 2 for a
 * refused build.json and for a worker that could not run, 1 for a
 * refused archive and a failed build) and a message.
 */
static int
peer_status(const struct frame_error *fe, struct teec_err *err)
{
	int rc = proto_error_exit(fe);

	switch (fe->code) {
	case FRAME_ERR_BUILD:
		return teec_errf(err, rc, "build failed: %s", fe->msg);
	case FRAME_ERR_INPUT:
		if (rc == TEEC_ERROR)
			return teec_errf(err, rc, "%s", fe->msg);
		return teec_errf(err, rc, "the worker refused the source: %s",
		    fe->msg);
	default:
		return teec_errf(err, rc, "the worker failed (%s): %s",
		    proto_error_name(fe->code), fe->msg);
	}
}

static int
read_config(const struct run_opts *o, struct buf *raw, struct buildcfg *cfg,
    struct teec_err *err)
{
	char path[PATH_MAX];
	const char *p = o->config;

	if (p == NULL) {
		if ((size_t)snprintf(path, sizeof(path), "%s/build.json",
		    o->dir) >= sizeof(path))
			return teec_errf(err, TEEC_ERROR, "%s: path too long",
			    o->dir);
		p = path;
	}
	if (read_file_capped(p, TEEC_MAX_BUILD_JSON_BYTES, raw, err) !=
	    TEEC_OK)
		return TEEC_ERROR;
	if (buildcfg_parse(raw->data, raw->len, cfg, err) != TEEC_OK)
		return TEEC_ERROR;
	return TEEC_OK;
}

static void
choose_mode(const struct run_opts *o)
{
	const char *dev = o->nitro_device != NULL ? o->nitro_device :
	    RUN_NITRO_DEVICE;

	if (o->local || o->nitro != NULL)
		return;
	if (access(dev, F_OK) != 0)
		note(o, "no Nitro Enclaves device: building in local mode");
	else
		note(o, "a Nitro Enclaves device is here, but no --eif: "
		    "building in local mode");
}

int
run_build(const struct run_opts *o, struct run_state *st,
    struct run_result *res, struct teec_err *err)
{
	const struct launcher *l = o->launcher != NULL ? o->launcher :
	    o->nitro != NULL ? &launch_nitro : &launch_local;
	const char *exclude[2];
	struct launch_cfg lc;
	struct client_opts co;
	struct client_result cr;
	struct check_expect cx;
	struct pack_opts po;
	struct buildcfg cfg;
	struct atomic_file af;
	struct buf raw, ca;
	struct relay *relay = NULL;
	struct relay_opts ro;
	struct stat sb;
	sigset_t block, old;
	uint8_t ca_sha[32];
	char rel[PATH_MAX], how[128], why[TEEC_ERR_MAX];
	char relay_addr[TEEC_MAX_NET_RELAY + 1];
	int srcfd = -1, inside = 0, rc = TEEC_ERROR, started = 0, crc;
	unsigned int limit;

	memset(res, 0, sizeof(*res));
	memset(&cfg, 0, sizeof(cfg));
	memset(&af, 0, sizeof(af));
	af.fd = -1;
	buf_init(&raw, TEEC_MAX_BUILD_JSON_BYTES);
	buf_init(&ca, TEEC_MAX_UPSTREAM_CA_BYTES);

	/* 1. The tree, and build.json checked before anything happens. */
	if (stat(o->dir, &sb) == -1) {
		teec_errf(err, TEEC_ERROR, "%s: %s", o->dir, strerror(errno));
		goto out;
	}
	if (!S_ISDIR(sb.st_mode)) {
		teec_errf(err, TEEC_ERROR, "%s: not a directory", o->dir);
		goto out;
	}
	if (read_config(o, &raw, &cfg, err) != TEEC_OK)
		goto out;
	limit = cfg.timeout;
	if (o->timeout > cfg.timeout) {
		teec_errf(err, TEEC_ERROR, "--timeout %u: above build.json's "
		    "timeout of %u s (it can only lower it)", o->timeout,
		    cfg.timeout);
		goto out;
	}
	if (o->timeout > 0)
		limit = o->timeout;
	/*
	 * --upstream-ca: the worker trusts it for the build's HTTPS origins,
	 * and the report names its digest. A production enclave must not
	 * believe this host about whom to trust (and refuses the frame): only
	 * a local worker or a debug-mode enclave takes it.
	 */
	if (o->upstream_ca != NULL) {
		if (o->nitro != NULL && !o->nitro->debug_mode) {
			teec_errf(err, TEEC_ERROR, "--upstream-ca: a Nitro Enclave "
			    "does not take this host's word on whom to trust; "
			    "only a --debug-mode enclave (whose bundle verifies "
			    "only with --allow-debug) accepts it");
			goto out;
		}
		if (read_file_capped(o->upstream_ca, TEEC_MAX_UPSTREAM_CA_BYTES,
		    &ca, err) != TEEC_OK)
			goto out;
		sha256(ca.data != NULL ? ca.data : (const uint8_t *)"", ca.len,
		    ca_sha);
	}

	/* 2. Where the bundle goes; it is not part of the source. */
	if (o->out != NULL) {
		if (snprintf(res->out, sizeof(res->out), "%s", o->out) >=
		    (int)sizeof(res->out)) {
			teec_errf(err, TEEC_ERROR, "%s: path too long", o->out);
			goto out;
		}
	} else if (outpath_default(o->dir, res->out, sizeof(res->out), err) !=
	    TEEC_OK)
		goto out;
	if (stat(res->out, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		teec_errf(err, TEEC_ERROR, "%s: is a directory", res->out);
		goto out;
	}
	if (outpath_relative(o->dir, res->out, &inside, rel, sizeof(rel),
	    err) != TEEC_OK)
		goto out;
	choose_mode(o);

	/* 3. Pack: the commit, its time as SOURCE_DATE_EPOCH, the tar. */
	if (pack_git_commit(o->dir, res->commit) != 0)
		res->commit[0] = '\0';
	else if (gitinfo_commit_time(NULL, o->dir, res->commit,
	    &res->source_date_epoch) != 0)
		res->source_date_epoch = 0;
	if ((srcfd = source_tmpfile(st, err)) == -1)
		goto out;
	exclude[0] = ".git";
	exclude[1] = rel;
	memset(&po, 0, sizeof(po));
	po.mtime = res->source_date_epoch;
	po.exclude = exclude;
	po.nexclude = inside ? 2 : 1;
	if (pack_tree(o->dir, srcfd, &po, res->source_sha256,
	    &res->source_size, err) != TEEC_OK)
		goto out;	/* the tree cannot be sent as it is */
	if (st->interrupted)
		goto interrupted;

	/* 4. The temporary output beside OUT, then the worker. */
	st->phase = RUN_ACTIVE;
	if (atomic_open(&af, res->out, 0644, err) != TEEC_OK)
		goto out;
	/*
	 * The relay, before the worker: an enclave's only way out, and a
	 * local worker's with --relay (teec-host(1), NETWORK).
	 */
	if (cfg.has_network && (o->nitro != NULL || o->relay)) {
		memset(&ro, 0, sizeof(ro));
		ro.policy = &cfg.net;
		ro.vsock = o->nitro != NULL;
		ro.tmpdir = o->relay_tmpdir;
		ro.note = o->note;
		ro.note_arg = o->note_arg;
		if (relay_start(&ro, &relay, err) != TEEC_OK ||
		    proto_relay_encode(relay_address(relay), relay_addr, err) !=
		    TEEC_OK)
			goto out;
	}
	memset(&lc, 0, sizeof(lc));
	lc.worker = o->worker;
	lc.unisolated = o->unisolated;
	lc.nitro = o->nitro;
	if (l->start(&lc, &st->w, err) != TEEC_OK) {
		if (st->interrupted)
			goto interrupted;
		goto out;
	}
	started = 1;
	relay_set_peer_cid(relay, st->w.cid);
	if (st->interrupted) {
		launch_cancel(&st->w);
		goto interrupted;
	}

	/* 5. The conversation. */
	memset(&co, 0, sizeof(co));
	co.relay = relay != NULL ? relay_addr : NULL;
	if (o->upstream_ca != NULL) {
		co.upstream_ca = ca.data != NULL ? ca.data : (const uint8_t *)"";
		co.upstream_ca_len = ca.len;
	}
	co.build_json = raw.data;
	co.build_json_len = raw.len;
	co.source_fd = srcfd;
	co.source_size = res->source_size;
	memcpy(co.source_sha256, res->source_sha256, 32);
	co.commit = res->commit[0] != '\0' ? res->commit : NULL;
	co.source_date_epoch = res->source_date_epoch;
	co.timeout = o->timeout;
	co.build_timeout = limit;
	co.bundle_fd = af.fd;
	co.ev = o->ev;
	crc = client_build(st->w.fd, &co, &cr, err);
	/* Let a worker that is done remove its work directory. */
	l->stop(&st->w, !st->interrupted);
	started = 0;
	relay_free(relay);
	relay = NULL;
	if (st->interrupted)
		goto interrupted;
	if (crc != TEEC_OK) {
		memcpy(why, err->msg, sizeof(why));
		if (cr.peer_error)
			rc = peer_status(&cr.fe, err);
		else if (crc == TEEC_FAIL)
			rc = teec_errf(err, TEEC_FAIL, "the worker broke the "
			    "protocol: %s", why);
		else if (o->nitro != NULL)
			rc = teec_errf(err, TEEC_FAIL, "the worker stopped "
			    "before the bundle arrived: %s", why);
		else {
			launch_describe_status(st->w.status, how, sizeof(how));
			rc = teec_errf(err, TEEC_FAIL, "the worker stopped "
			    "before the bundle arrived: %s (%s %s)", why,
			    LAUNCH_WORKER_NAME, how);
		}
		goto out;
	}
	res->bundle_size = cr.bundle_size;

	/*
	 * 6. Check the bundle as teec-verify --dev would (local mode), or
	 * as teec-verify without --dev (Nitro mode), then commit.
	 */
	memset(&cx, 0, sizeof(cx));
	cx.source_sha256 = res->source_sha256;
	cx.commit = co.commit;
	cx.build_json = raw.data;
	cx.build_json_len = raw.len;
	cx.devca_dir = o->devca_dir;
	cx.trust_store = o->trust_store;
	cx.nitro = o->nitro != NULL;
	cx.allow_debug = o->nitro != NULL && o->nitro->debug_mode;
	cx.upstream_ca_sha256 = o->upstream_ca != NULL ? ca_sha : NULL;
	if ((rc = check_bundle(af.tmp, &cx, &res->bundle, err)) != TEEC_OK)
		goto out;
	rc = TEEC_ERROR;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, &old);
	if (!st->interrupted)
		rc = atomic_commit(&af, err);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (st->interrupted && rc != TEEC_OK)
		goto interrupted;
	goto out;

interrupted:
	res->interrupted = 1;
	rc = teec_errf(err, TEEC_FAIL, "interrupted by signal %d: no bundle "
	    "written", (int)st->interrupted);
out:
	if (started)
		l->stop(&st->w, 0);
	relay_free(relay);
	atomic_abort(&af);
	if (rc != TEEC_OK)
		run_result_free(res);
	if (srcfd != -1)
		close(srcfd);
	buildcfg_free(&cfg);
	buf_free(&raw);
	buf_free(&ca);
	return rc;
}

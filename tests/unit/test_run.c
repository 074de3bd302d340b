/* SPDX-License-Identifier: ISC */
/*
 * host/run.c, the whole "teec-host build" flow, with a fake worker behind
 * the launcher seam: what reaches OUT, what is refused before anything
 * starts, and that nothing is left behind when a build fails or is
 * interrupted.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <signal.h>

#include "tests/unit/testutil.h"
#include "tests/unit/hostfake.h"

#include "host/run.h"

static char dir[64], tree[96], outdir[96], ca[96], art[96], out[160];
static int g_script, g_starts;
static struct run_state *g_st;

static int
fake_start(const struct launch_cfg *cfg, struct worker *w,
    struct teec_err *err)
{
	pid_t pid;
	int fd = -1;

	worker_init(w);
	g_starts++;
	if ((pid = hf_spawn(g_script, ca, art, &fd)) == -1)
		return teec_errf(err, TEEC_ERROR, "fork failed");
	w->pid = pid;
	w->fd = fd;
	return TEEC_OK;
}

static const struct launcher fake = {
	.name = "fake",
	.start = fake_start,
	.stop = NULL,   /* set in setup: launch_local's */
};
static struct launcher fake_l;

static int
setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/teec-run.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(tree, sizeof(tree), "%s/hello", dir);
	snprintf(outdir, sizeof(outdir), "%s/out", dir);
	snprintf(ca, sizeof(ca), "%s/ca", dir);
	snprintf(art, sizeof(art), "%s/artifact", dir);
	snprintf(out, sizeof(out), "%s/hello.teec", outdir);
	fake_l = fake;
	fake_l.stop = launch_local.stop;
	if (mkdir(tree, 0755) == -1 || mkdir(outdir, 0755) == -1)
		return -1;
	return hf_write(art, "binary\n");
}

static int
teardown(void **state)
{
	hf_rmtree(dir);
	return 0;
}

static void
put(const char *rel, const char *text)
{
	char p[256];

	snprintf(p, sizeof(p), "%s/%s", tree, rel);
	assert_int_equal(hf_write(p, text), 0);
}

static int
count_entries(const char *d)
{
	DIR *dp = opendir(d);
	struct dirent *e;
	int n = 0;

	assert_non_null(dp);
	while ((e = readdir(dp)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(dp);
	return n;
}

struct notes {
	int n;
	char last[256];
};

static void
on_note(void *arg, const char *line)
{
	struct notes *nt = arg;

	nt->n++;
	snprintf(nt->last, sizeof(nt->last), "%s", line);
}

struct result {
	int rc;
	struct run_result res;
	struct teec_err err;
	struct notes notes;
};

static void
opts(struct run_opts *o, struct notes *nt)
{
	memset(o, 0, sizeof(*o));
	o->dir = tree;
	o->out = out;
	o->local = 1;
	o->devca_dir = ca;
	o->launcher = &fake_l;
	o->note = on_note;
	o->note_arg = nt;
}

static void
run(int script, struct run_opts *o, struct result *r)
{
	static struct run_state st;

	memset(r, 0, sizeof(*r));
	g_script = script;
	g_starts = 0;
	run_state_init(&st);
	g_st = &st;
	if (o->note_arg == NULL)
		o->note_arg = &r->notes;
	r->rc = run_build(o, &st, &r->res, &r->err);
	/* The worker is always reaped. */
	assert_true(st.w.pid <= 0 || st.w.reaped);
	assert_int_equal(st.w.fd, -1);
}

static void
nothing_at_out(void)
{
	assert_int_equal(access(out, F_OK), -1);
	assert_int_equal(count_entries(outdir), 0);
}

static void
good_tree(void)
{
	put("build.json", HF_BUILD_JSON);
	put("hello.c", "int main(void) { return 0; }\n");
}

static void
test_good_build(void **state)
{
	struct run_opts o;
	struct result r;

	good_tree();
	opts(&o, NULL);
	run(HF_GOOD_REAL, &o, &r);
	if (r.rc != TEEC_OK)
		fail_msg("run_build: %s", r.err.msg);
	assert_int_equal(g_starts, 1);
	assert_string_equal(r.res.out, out);
	assert_int_equal(access(out, R_OK), 0);
	assert_int_equal(count_entries(outdir), 1);
	assert_int_equal(r.res.bundle.report.nsubjects, 1);
	assert_memory_equal(r.res.bundle.report.source_sha256,
	    r.res.source_sha256, 32);
	assert_string_equal(r.res.commit, "");
	assert_int_equal(r.res.source_date_epoch, 0);
	assert_true(r.res.bundle_size > 0);
	assert_int_equal(r.notes.n, 0);
	run_result_free(&r.res);
	unlink(out);
}

static void
test_out_inside_tree_excluded(void **state)
{
	struct run_opts o;
	struct result r1, r2;
	char in[200];

	good_tree();
	snprintf(in, sizeof(in), "%s/hello.teec", tree);
	opts(&o, NULL);
	o.out = in;
	run(HF_GOOD_REAL, &o, &r1);
	assert_int_equal(r1.rc, TEEC_OK);
	assert_int_equal(access(in, R_OK), 0);
	o.note_arg = NULL;
	run(HF_GOOD_REAL, &o, &r2);
	assert_int_equal(r2.rc, TEEC_OK);
	/* The first bundle is not part of the second build's source. */
	assert_memory_equal(r1.res.source_sha256, r2.res.source_sha256, 32);
	run_result_free(&r1.res);
	run_result_free(&r2.res);
	unlink(in);
}

static void
test_source_change_changes_digest(void **state)
{
	struct run_opts o;
	struct result r1, r2;

	good_tree();
	opts(&o, NULL);
	run(HF_GOOD_REAL, &o, &r1);
	assert_int_equal(r1.rc, TEEC_OK);
	put("hello.c", "int main(void) { return 1; }\n");
	o.note_arg = NULL;
	run(HF_GOOD_REAL, &o, &r2);
	assert_int_equal(r2.rc, TEEC_OK);
	assert_memory_not_equal(r1.res.source_sha256, r2.res.source_sha256,
	    32);
	run_result_free(&r1.res);
	run_result_free(&r2.res);
	unlink(out);
}

static void
test_git_commit_and_epoch(void **state)
{
	struct run_opts o;
	struct result r;
	char cmd[512];

	if (system("git --version >/dev/null 2>&1") != 0)
		skip();
	good_tree();
	snprintf(cmd, sizeof(cmd), "cd %s && git init -q && git add . && "
	    "GIT_COMMITTER_DATE='@1600000000 +0000' git -c user.name=t "
	    "-c user.email=t@t commit -q -m m", tree);
	assert_int_equal(system(cmd), 0);
	opts(&o, NULL);
	run(HF_GOOD_REAL, &o, &r);
	if (r.rc != TEEC_OK)
		fail_msg("run_build: %s", r.err.msg);
	assert_int_equal(strlen(r.res.commit), 40);
	assert_int_equal(r.res.source_date_epoch, 1600000000);
	assert_non_null(r.res.bundle.report.source_commit);
	assert_string_equal(r.res.bundle.report.source_commit, r.res.commit);
	run_result_free(&r.res);
	unlink(out);
	snprintf(cmd, sizeof(cmd), "rm -rf %s/.git", tree);
	assert_int_equal(system(cmd), 0);
}

static void
test_broken_build_json(void **state)
{
	struct run_opts o;
	struct result r;

	put("build.json", "{\"language\":\"c\",\"input\":{\"cmd\":\"\"},"
	    "\"output\":{\"files\":[\"hello\"]}}");
	opts(&o, NULL);
	run(HF_GOOD_REAL, &o, &r);
	assert_int_equal(r.rc, TEEC_ERROR);
	assert_non_null(strstr(r.err.msg, "input.cmd"));
	assert_int_equal(g_starts, 0);
	nothing_at_out();
}

static void
test_build_json_syntax_position(void **state)
{
	struct run_opts o;
	struct result r;

	put("build.json", "{\"language\":\"c\",\n\"input\":}");
	opts(&o, NULL);
	run(HF_GOOD_REAL, &o, &r);
	assert_int_equal(r.rc, TEEC_ERROR);
	assert_non_null(strstr(r.err.msg, "build.json:2:"));
	assert_int_equal(g_starts, 0);
	nothing_at_out();
}

static void
test_missing_build_json(void **state)
{
	struct run_opts o;
	struct result r;
	char p[200];

	snprintf(p, sizeof(p), "%s/build.json", tree);
	unlink(p);
	opts(&o, NULL);
	run(HF_GOOD_REAL, &o, &r);
	assert_int_equal(r.rc, TEEC_ERROR);
	assert_non_null(strstr(r.err.msg, "build.json"));
	assert_int_equal(g_starts, 0);
	nothing_at_out();
}

static void
test_config_elsewhere(void **state)
{
	struct run_opts o;
	struct result r;
	char p[200];

	good_tree();
	snprintf(p, sizeof(p), "%s/other.json", dir);
	assert_int_equal(hf_write(p, "{}"), 0);
	opts(&o, NULL);
	o.config = p;
	run(HF_GOOD_REAL, &o, &r);
	assert_int_equal(r.rc, TEEC_ERROR);
	assert_non_null(strstr(r.err.msg, "language"));
	unlink(p);
	nothing_at_out();
}

static void
test_timeout_above_build_json(void **state)
{
	struct run_opts o;
	struct result r;

	good_tree();
	opts(&o, NULL);
	o.timeout = TEEC_TIMEOUT_DEFAULT + 1;
	run(HF_GOOD_REAL, &o, &r);
	assert_int_equal(r.rc, TEEC_ERROR);
	assert_non_null(strstr(r.err.msg, "--timeout"));
	assert_int_equal(g_starts, 0);
}

static void
test_missing_tree(void **state)
{
	struct run_opts o;
	struct result r;
	char p[200];

	snprintf(p, sizeof(p), "%s/nope", dir);
	opts(&o, NULL);
	o.dir = p;
	o.config = NULL;
	run(HF_GOOD_REAL, &o, &r);
	assert_int_equal(r.rc, TEEC_ERROR);
	assert_int_equal(g_starts, 0);
}

static void
test_out_is_directory(void **state)
{
	struct run_opts o;
	struct result r;

	good_tree();
	opts(&o, NULL);
	o.out = outdir;
	run(HF_GOOD_REAL, &o, &r);
	assert_int_equal(r.rc, TEEC_ERROR);
	assert_non_null(strstr(r.err.msg, "directory"));
	assert_int_equal(g_starts, 0);
}

static void
test_out_directory_missing(void **state)
{
	struct run_opts o;
	struct result r;
	char p[200];

	good_tree();
	snprintf(p, sizeof(p), "%s/nope/x.teec", dir);
	opts(&o, NULL);
	o.out = p;
	run(HF_GOOD_REAL, &o, &r);
	assert_int_equal(r.rc, TEEC_ERROR);
	assert_int_equal(g_starts, 0);
}

static void
test_worker_cannot_start(void **state)
{
	struct run_opts o;
	struct result r;
	char p[200];

	good_tree();
	snprintf(p, sizeof(p), "%s/no-teec-enclave", dir);
	opts(&o, NULL);
	o.launcher = NULL;	/* the real local launcher */
	o.worker = p;
	run(HF_GOOD_REAL, &o, &r);
	assert_int_equal(r.rc, TEEC_ERROR);
	assert_non_null(strstr(r.err.msg, "cannot run"));
	nothing_at_out();
}

static void
test_build_fails(void **state)
{
	struct run_opts o;
	struct result r;

	good_tree();
	opts(&o, NULL);
	run(HF_BUILD_FAILS, &o, &r);
	assert_int_equal(r.rc, TEEC_FAIL);
	assert_non_null(strstr(r.err.msg, "build failed: make exited"));
	nothing_at_out();
}

static void
test_worker_refuses_build_json(void **state)
{
	struct run_opts o;
	struct result r;

	good_tree();
	opts(&o, NULL);
	run(HF_ERROR_EARLY, &o, &r);
	assert_int_equal(r.rc, TEEC_ERROR);
	assert_non_null(strstr(r.err.msg, "build.json: input.cmd"));
	nothing_at_out();
}

static void
test_worker_cannot_run(void **state)
{
	struct run_opts o;
	struct result r;

	good_tree();
	opts(&o, NULL);
	run(HF_ERROR_AT_HELLO, &o, &r);
	assert_int_equal(r.rc, TEEC_ERROR);
	assert_non_null(strstr(r.err.msg, "INTERNAL"));
	nothing_at_out();
}

static void
test_worker_dies(void **state)
{
	struct run_opts o;
	struct result r;

	good_tree();
	opts(&o, NULL);
	run(HF_CLOSE_MIDBUILD, &o, &r);
	assert_int_equal(r.rc, TEEC_FAIL);
	assert_non_null(strstr(r.err.msg, "stopped before the bundle"));
	assert_non_null(strstr(r.err.msg, "exited with status 0"));
	nothing_at_out();
}

static void
test_worker_breaks_protocol(void **state)
{
	struct run_opts o;
	struct result r;

	good_tree();
	opts(&o, NULL);
	run(HF_WRONG_FRAME, &o, &r);
	assert_int_equal(r.rc, TEEC_FAIL);
	assert_non_null(strstr(r.err.msg, "broke the protocol"));
	nothing_at_out();
}

static void
test_bundle_does_not_verify(void **state)
{
	struct run_opts o;
	struct result r;

	good_tree();
	opts(&o, NULL);
	run(HF_JUNK_BUNDLE, &o, &r);
	assert_int_equal(r.rc, TEEC_FAIL);
	if (strstr(r.err.msg, "does not verify") == NULL)
		fail_msg("%s", r.err.msg);
	nothing_at_out();
}

static void
on_alarm(int sig)
{
	run_interrupt(g_st, SIGINT);
}

static void
test_interrupted(void **state)
{
	struct sigaction sa, old;
	struct run_opts o;
	struct result r;

	good_tree();
	opts(&o, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, &old);
	alarm(1);
	run(HF_HANG, &o, &r);
	sigaction(SIGALRM, &old, NULL);
	assert_int_equal(r.rc, TEEC_FAIL);
	assert_int_equal(r.res.interrupted, 1);
	assert_int_equal(g_st->interrupted, SIGINT);
	assert_non_null(strstr(r.err.msg, "interrupted"));
	nothing_at_out();
}

static void
test_interrupt_before_start(void **state)
{
	struct run_state st;

	run_state_init(&st);
	assert_int_equal(run_interrupt(&st, SIGTERM), 1);
	assert_int_equal(st.interrupted, SIGTERM);
	st.phase = RUN_ACTIVE;
	assert_int_equal(run_interrupt(&st, SIGINT), 0);
	assert_int_equal(st.interrupted, SIGTERM);	/* the first one */
}

static void
test_mode_notes(void **state)
{
	struct run_opts o;
	struct result r;

	good_tree();
	opts(&o, NULL);
	o.local = 0;
	o.nitro_device = "/nonexistent/nitro_enclaves";
	run(HF_BUILD_FAILS, &o, &r);
	assert_int_equal(r.notes.n, 1);
	assert_string_equal(r.notes.last,
	    "no Nitro Enclaves device: building in local mode");
	o.nitro_device = "/dev/null";
	o.note_arg = NULL;
	run(HF_BUILD_FAILS, &o, &r);
	assert_int_equal(r.notes.n, 1);
	assert_non_null(strstr(r.notes.last, "local mode"));
	nothing_at_out();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_build),
		cmocka_unit_test(test_out_inside_tree_excluded),
		cmocka_unit_test(test_source_change_changes_digest),
		cmocka_unit_test(test_git_commit_and_epoch),
		cmocka_unit_test(test_broken_build_json),
		cmocka_unit_test(test_build_json_syntax_position),
		cmocka_unit_test(test_missing_build_json),
		cmocka_unit_test(test_config_elsewhere),
		cmocka_unit_test(test_timeout_above_build_json),
		cmocka_unit_test(test_missing_tree),
		cmocka_unit_test(test_out_is_directory),
		cmocka_unit_test(test_out_directory_missing),
		cmocka_unit_test(test_worker_cannot_start),
		cmocka_unit_test(test_build_fails),
		cmocka_unit_test(test_worker_refuses_build_json),
		cmocka_unit_test(test_worker_cannot_run),
		cmocka_unit_test(test_worker_dies),
		cmocka_unit_test(test_worker_breaks_protocol),
		cmocka_unit_test(test_bundle_does_not_verify),
		cmocka_unit_test(test_interrupted),
		cmocka_unit_test(test_interrupt_before_start),
		cmocka_unit_test(test_mode_notes),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, setup, teardown);
}

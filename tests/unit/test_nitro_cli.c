/* SPDX-License-Identifier: ISC */
/*
 * host/nitro_cli.c: nitro-cli's JSON (run-enclave, describe-enclaves,
 * terminate-enclave) as its json_output.rs prints it, its error codes,
 * the memory rule, the huge page pool, and running it with a bounded read.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include "tests/unit/testutil.h"
#include "tests/unit/hostfake.h"

#include "common/caps.h"
#include "host/nitro_cli.h"

#define ID "i-0123456789abcdef0-enc0123456789abcdef"

/* As nitro-cli 1.3 prints it (serde_json::to_string_pretty). */
static const char run_ok[] =
    "{\n"
    "  \"EnclaveName\": \"teec-42-0badcafe\",\n"
    "  \"EnclaveID\": \"" ID "\",\n"
    "  \"ProcessID\": 7077,\n"
    "  \"EnclaveCID\": 16,\n"
    "  \"NumberOfCPUs\": 2,\n"
    "  \"CPUIDs\": [\n    1,\n    3\n  ],\n"
    "  \"MemoryMiB\": 1600\n"
    "}\n";

static char dir[64];

/* What nitro-cli prints with BACKTRACE=1 (construct_error_message). */
static const char e29_busy[] =
    "Start allocating memory...\n"
    "[ E29 ] Ioctl failure. Such error is used as a general ioctl error and "
    "appears whenever an ioctl fails. In this case, the error backtrace "
    "provides detailed information on what specifically failed during the "
    "ioctl.\n\n"
    "For more details, please visit https://docs.aws.amazon.com/enclaves/"
    "latest/user/cli-errors.html#E29\n\n"
    "Backtrace:\n"
    "  Action: Run Enclave\n"
    "  Subactions:\n"
    "    Failed to execute command `Run`\n"
    "    Failed to trigger enclave run\n"
    "    vCPUs initialization issue\n"
    "    Failed to add CPU with ID 1\n"
    "    Add vCPU ioctl failed\n"
    "    The provided vCPU is already used\n"
    "  Root error file: src/enclave_proc/resource_manager.rs\n"
    "  Root error line: 605\n"
    "  Build commit: not available\n\n"
    "If you open a support ticket, please provide the error log found at "
    "\"/var/log/nitro_enclaves/err2026-11-24T10:00:00.log\"\n";

static int
setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/teec-nitrocli.XXXXXX");
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	hf_rmtree(dir);
	return 0;
}

static int
run_parse(const char *text, struct nitro_enclave *e, struct teec_err *err)
{
	return nitro_parse_run((const uint8_t *)text, strlen(text), e, err);
}

static void
test_run_output(void **state)
{
	struct nitro_enclave e;
	struct teec_err err;

	assert_int_equal(run_parse(run_ok, &e, &err), TEEC_OK);
	assert_string_equal(e.id, ID);
	assert_string_equal(e.name, "teec-42-0badcafe");
	assert_int_equal(e.cid, 16);
	assert_int_equal(e.cpus, 2);
	assert_int_equal(e.memory_mib, 1600);
}

/* Versions before 1.2 print no EnclaveName nor ProcessID. */
static void
test_run_output_old_version(void **state)
{
	struct nitro_enclave e;
	struct teec_err err;

	assert_int_equal(run_parse("{\"EnclaveID\": \"" ID "\", \"EnclaveCID\": "
	    "4294967294, \"NumberOfCPUs\": 2, \"CPUIDs\": [1, 3], "
	    "\"MemoryMiB\": 512}", &e, &err), TEEC_OK);
	assert_string_equal(e.name, "");
	assert_int_equal(e.cid, 4294967294u);
}

/* Members a later nitro-cli adds are ignored. */
static void
test_run_output_unknown_member(void **state)
{
	struct nitro_enclave e;
	struct teec_err err;

	assert_int_equal(run_parse("{\"EnclaveID\": \"" ID "\", \"EnclaveCID\": "
	    "5, \"Flags\": \"NONE\", \"Future\": {\"x\": [1]}}", &e, &err),
	    TEEC_OK);
}

static void
expect_run_refused(const char *text, const char *why)
{
	struct nitro_enclave e;
	struct teec_err err;

	memset(&err, 0, sizeof(err));
	assert_int_equal(run_parse(text, &e, &err), TEEC_FAIL);
	if (strstr(err.msg, why) == NULL)
		fail_msg("\"%s\" not in \"%s\"", why, err.msg);
	assert_string_equal(e.id, "");
}

static void
test_run_output_not_json(void **state)
{
	expect_run_refused("Started enclave with enclave-cid: 16", "run-enclave output");
	expect_run_refused("", "empty");
	expect_run_refused("{\"EnclaveID\": \"" ID "\", \"EnclaveCID\": 16,}", "run-enclave output");
	expect_run_refused("{\"EnclaveID\": \"" ID "\", \"EnclaveCID\": 16} {}", "run-enclave output");
	expect_run_refused("[]", "expected an object");
}

static void
test_run_output_missing_id(void **state)
{
	expect_run_refused("{\"EnclaveCID\": 16}", "EnclaveID");
}

static void
test_run_output_missing_cid(void **state)
{
	expect_run_refused("{\"EnclaveID\": \"" ID "\"}", "EnclaveCID");
}

static void
test_run_output_bad_id(void **state)
{
	expect_run_refused("{\"EnclaveID\": \"\", \"EnclaveCID\": 16}", "EnclaveID");
	expect_run_refused("{\"EnclaveID\": \"i-1 --all\", \"EnclaveCID\": 16}", "not an enclave ID");
	expect_run_refused("{\"EnclaveID\": \"../x\", \"EnclaveCID\": 16}", "not an enclave ID");
	expect_run_refused("{\"EnclaveID\": 17, \"EnclaveCID\": 16}", "EnclaveID");
	expect_run_refused("{\"EnclaveID\": \"i-0123456789abcdef0-enc0123456789abcdef"
	    "0123456789abcdef0123456789\", \"EnclaveCID\": 16}", "EnclaveID");
}

static void
test_run_output_bad_cid(void **state)
{
	expect_run_refused("{\"EnclaveID\": \"" ID "\", \"EnclaveCID\": 3}", "EnclaveCID");
	expect_run_refused("{\"EnclaveID\": \"" ID "\", \"EnclaveCID\": 4294967295}", "EnclaveCID");
	expect_run_refused("{\"EnclaveID\": \"" ID "\", \"EnclaveCID\": 16.5}", "EnclaveCID");
	expect_run_refused("{\"EnclaveID\": \"" ID "\", \"EnclaveCID\": \"16\"}", "EnclaveCID");
	expect_run_refused("{\"EnclaveID\": \"" ID "\", \"EnclaveCID\": -16}", "EnclaveCID");
}

static void
test_run_output_bad_types(void **state)
{
	expect_run_refused("{\"EnclaveID\": \"" ID "\", \"EnclaveCID\": 16, "
	    "\"CPUIDs\": [1, \"3\"]}", "CPUIDs[1]");
	expect_run_refused("{\"EnclaveID\": \"" ID "\", \"EnclaveCID\": 16, "
	    "\"CPUIDs\": 1}", "CPUIDs");
	expect_run_refused("{\"EnclaveID\": \"" ID "\", \"EnclaveCID\": 16, "
	    "\"MemoryMiB\": null}", "MemoryMiB");
	expect_run_refused("{\"EnclaveID\": \"" ID "\", \"EnclaveCID\": 16, "
	    "\"NumberOfCPUs\": 100000}", "NumberOfCPUs");
	expect_run_refused("{\"EnclaveID\": \"" ID "\", \"EnclaveCID\": 16, "
	    "\"EnclaveName\": 5}", "EnclaveName");
	expect_run_refused("{\"EnclaveID\": \"" ID "\", \"EnclaveCID\": 16, "
	    "\"ProcessID\": -1}", "ProcessID");
}

static void
test_run_output_duplicate_member(void **state)
{
	expect_run_refused("{\"EnclaveID\": \"" ID "\", \"EnclaveCID\": 16, "
	    "\"EnclaveID\": \"i-2-enc3\"}", "EnclaveID");
}

static void
test_run_output_too_large(void **state)
{
	struct nitro_enclave e;
	struct teec_err err;
	uint8_t *big = calloc(1, TEEC_MAX_NITRO_CLI_OUTPUT + 1);

	assert_non_null(big);
	memset(big, ' ', TEEC_MAX_NITRO_CLI_OUTPUT + 1);
	assert_int_equal(nitro_parse_run(big, TEEC_MAX_NITRO_CLI_OUTPUT + 1,
	    &e, &err), TEEC_FAIL);
	assert_non_null(strstr(err.msg, "more than"));
	free(big);
}

static void
test_describe_finds_by_name(void **state)
{
	static const char text[] =
	    "[\n  {\n    \"EnclaveName\": \"other\",\n"
	    "    \"EnclaveID\": \"i-1-enc1\",\n    \"ProcessID\": 1,\n"
	    "    \"EnclaveCID\": 10,\n    \"NumberOfCPUs\": 2,\n"
	    "    \"CPUIDs\": [1, 3],\n    \"MemoryMiB\": 1600,\n"
	    "    \"State\": \"RUNNING\",\n    \"Flags\": \"NONE\"\n  },\n"
	    "  {\n    \"EnclaveName\": \"teec-7-00000001\",\n"
	    "    \"EnclaveID\": \"" ID "\",\n    \"EnclaveCID\": 11,\n"
	    "    \"State\": \"RUNNING\",\n    \"Flags\": \"DEBUG_MODE\"\n  }\n]\n";
	struct nitro_enclave e;
	struct teec_err err;
	size_t found;

	assert_int_equal(nitro_parse_describe((const uint8_t *)text,
	    strlen(text), "teec-7-00000001", &e, &found, &err), TEEC_OK);
	assert_int_equal(found, 1);
	assert_string_equal(e.id, ID);
	assert_int_equal(e.cid, 11);
	assert_int_equal(nitro_parse_describe((const uint8_t *)text,
	    strlen(text), "teec-7-00000002", &e, &found, &err), TEEC_OK);
	assert_int_equal(found, 0);
	assert_int_equal(nitro_parse_describe((const uint8_t *)"[]\n", 3,
	    "x", &e, &found, &err), TEEC_OK);
	assert_int_equal(found, 0);
}

/* A name teec never gives (too long) does not spoil the list. */
static void
test_describe_long_foreign_name(void **state)
{
	char text[512];
	struct nitro_enclave e;
	struct teec_err err;
	size_t found;

	snprintf(text, sizeof(text), "[{\"EnclaveName\": \"%0100d\", "
	    "\"EnclaveID\": \"i-1-enc1\", \"EnclaveCID\": 10}, "
	    "{\"EnclaveName\": \"mine\", \"EnclaveID\": \"i-2-enc2\", "
	    "\"EnclaveCID\": 12}]", 7);
	assert_int_equal(nitro_parse_describe((const uint8_t *)text,
	    strlen(text), "mine", &e, &found, &err), TEEC_OK);
	assert_int_equal(found, 1);
	assert_string_equal(e.id, "i-2-enc2");
}

static void
test_describe_malformed(void **state)
{
	static const char *bad[] = {
		"{\"EnclaveID\": \"i-1-enc1\", \"EnclaveCID\": 10}",
		"[{\"EnclaveName\": \"x\", \"EnclaveCID\": 10}]",
		"[{\"EnclaveName\": \"x\", \"EnclaveID\": \"i 1\", \"EnclaveCID\": 10}]",
		"[5]",
		"[{\"EnclaveID\": \"i-1-enc1\", \"EnclaveCID\": 10}",
		"not json",
	};
	struct nitro_enclave e;
	struct teec_err err;
	size_t found, i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		found = 99;
		assert_int_equal(nitro_parse_describe((const uint8_t *)bad[i],
		    strlen(bad[i]), "x", &e, &found, &err), TEEC_FAIL);
		assert_int_equal(found, 0);
	}
}

static void
test_describe_too_many(void **state)
{
	struct buf b;
	struct nitro_enclave e;
	struct teec_err err;
	size_t found, i;

	buf_init(&b, TEEC_MAX_NITRO_CLI_OUTPUT);
	assert_int_equal(buf_putc(&b, '['), 0);
	for (i = 0; i <= TEEC_MAX_NITRO_ENCLAVES; i++)
		assert_int_equal(buf_printf(&b, "%s{\"EnclaveID\":\"i-%zu\","
		    "\"EnclaveCID\":%zu}", i > 0 ? "," : "", i, i + 4), 0);
	assert_int_equal(buf_putc(&b, ']'), 0);
	assert_int_equal(nitro_parse_describe(b.data, b.len, "x", &e, &found,
	    &err), TEEC_FAIL);
	buf_free(&b);
}

static void
test_terminate_output(void **state)
{
	static const char ok[] = "{\n  \"EnclaveName\": \"teec-1-2\",\n"
	    "  \"EnclaveID\": \"" ID "\",\n  \"Terminated\": true\n}\n";
	struct teec_err err;

	assert_int_equal(nitro_parse_terminate((const uint8_t *)ok, strlen(ok),
	    ID, &err), TEEC_OK);
	assert_int_equal(nitro_parse_terminate((const uint8_t *)ok, strlen(ok),
	    "i-other-enc1", &err), TEEC_FAIL);
	assert_non_null(strstr(err.msg, "not the enclave"));
	assert_int_equal(nitro_parse_terminate((const uint8_t *)
	    "{\"EnclaveID\": \"" ID "\", \"Terminated\": false}", 60, ID, &err),
	    TEEC_FAIL);
	assert_int_equal(nitro_parse_terminate((const uint8_t *)
	    "{\"EnclaveID\": \"" ID "\"}", 46, ID, &err), TEEC_FAIL);
	assert_int_equal(nitro_parse_terminate((const uint8_t *)"", 0, ID,
	    &err), TEEC_FAIL);
}

static void
test_error_codes(void **state)
{
	const char *line;
	size_t len;

	assert_int_equal(nitro_error_code("Start allocating memory...\n"
	    "[ E26 ] Insufficient memory requested. User provided `memory` "
	    "is 5 MB\n\nFor more details, please visit ...", &line, &len), 26);
	assert_int_equal(strncmp(line, "[ E26 ] Insufficient", 20), 0);
	assert_int_equal(line[len], '\n');
	assert_int_equal(nitro_error_code("no code here\n", &line, &len), -1);
	assert_int_equal(len, 12);
	assert_int_equal(nitro_error_code("[ E2 ] [ Exx ] x [ E07 ]", &line,
	    &len), 7);
	assert_int_equal(nitro_error_code("", &line, &len), -1);
}

static void
test_error_text(void **state)
{
	char out[512];

	nitro_error_text(e29_busy, out, sizeof(out));
	assert_string_equal(out, "[ E29 ] Ioctl failure: The provided vCPU is "
	    "already used");
	nitro_error_text("[ E26 ] Insufficient memory requested. User provided "
	    "`memory` is 8 MB", out, sizeof(out));
	assert_string_equal(out, "[ E26 ] Insufficient memory requested");
	nitro_error_text("something broke\nsecond line", out, sizeof(out));
	assert_string_equal(out, "something broke");
	nitro_error_text("", out, sizeof(out));
	assert_string_equal(out, "(no message)");
	/* A backtrace without subactions has no root cause. */
	nitro_error_text("[ E11 ] Socket error. x\n  Subactions:\n  Root error "
	    "file: a.rs\n", out, sizeof(out));
	assert_string_equal(out, "[ E11 ] Socket error");
}

static void
test_error_classes(void **state)
{
	assert_int_equal(nitro_error_class(39, ""), NITRO_ERR_BUSY);
	assert_int_equal(nitro_error_class(15, ""), NITRO_ERR_BUSY);
	assert_int_equal(nitro_error_class(4, ""), NITRO_ERR_BUSY);
	assert_int_equal(nitro_error_class(5, ""), NITRO_ERR_BUSY);
	assert_int_equal(nitro_error_class(29, "[ E29 ] Ioctl failure.\n"
	    "  Subactions:\n    Failed to add CPU with ID 1\n"
	    "    The provided vCPU is already used"), NITRO_ERR_BUSY);
	assert_int_equal(nitro_error_class(29, e29_busy), NITRO_ERR_BUSY);
	assert_int_equal(nitro_error_class(29, "The enclave cannot be "
	    "created because no CPUs are available in the pool"),
	    NITRO_ERR_BUSY);
	assert_int_equal(nitro_error_class(29, "The memory region's address "
	    "is not aligned"), NITRO_ERR_PERMANENT);
	assert_int_equal(nitro_error_class(26, ""), NITRO_ERR_PERMANENT);
	assert_int_equal(nitro_error_class(27, ""), NITRO_ERR_PERMANENT);
	assert_int_equal(nitro_error_class(19, ""), NITRO_ERR_PERMANENT);
	assert_int_equal(nitro_error_class(-1, ""), NITRO_ERR_PERMANENT);
}

static void
expect_run_error(const char *text, int status, const char *want)
{
	struct teec_err err;

	assert_int_equal(nitro_run_error(text, status, 1036, 2, "img.eif",
	    &err), TEEC_ERROR);
	if (strstr(err.msg, want) == NULL)
		fail_msg("\"%s\" not in \"%s\"", want, err.msg);
}

static void
test_run_error_messages(void **state)
{
	expect_run_error("[ E19 ] File operation failure.", 19 << 8, "img.eif");
	expect_run_error("[ E19 ] File operation failure.", 19 << 8, "/dev/nitro_enclaves");
	expect_run_error("[ E22 ] Insufficient CPUs", 22 << 8, "cpu_count");
	expect_run_error("[ E22 ] Insufficient CPUs", 22 << 8, "--cpus");
	expect_run_error("[ E26 ] Insufficient memory requested", 26 << 8, "1036 MiB is too little");
	expect_run_error("[ E26 ] Insufficient memory requested", 26 << 8, "--memory");
	expect_run_error("[ E27 ] Insufficient memory available", 27 << 8, "memory_mib in /etc/nitro_enclaves/allocator.yaml");
	expect_run_error("[ E27 ] Insufficient memory available", 27 << 8, "nitro-enclaves-allocator.service");
	expect_run_error("[ E36 ] Enclave boot failure", 36 << 8, "did not boot");
	expect_run_error("x\n[ E44 ] Enclave console connection failure. Such "
	    "error appears when ...\n", 44 << 8,
	    "failed: [ E44 ] Enclave console connection failure");
	expect_run_error(e29_busy, 29 << 8, "failed: [ E29 ] Ioctl failure: "
	    "The provided vCPU is already used");
	expect_run_error("oops\nmore", 3 << 8, "exited with status 3: oops");
	expect_run_error("", 3 << 8, "(no message)");
	expect_run_error("", SIGKILL, "killed by signal 9");
}

static void
test_memory_rule(void **state)
{
	/* 4 times the EIF's size in MiB, rounded up, plus 1024 for the build. */
	assert_int_equal(nitro_min_memory(0), 0);
	assert_int_equal(nitro_min_memory(1), 4);
	assert_int_equal(nitro_min_memory(1024 * 1024), 4);
	assert_int_equal(nitro_min_memory(1024 * 1024 + 1), 8);
	assert_int_equal(nitro_min_memory(205ull * 1024 * 1024), 820);
	assert_int_equal(nitro_default_memory(205ull * 1024 * 1024), 1844);
	assert_int_equal(nitro_default_memory(0), 1024);
}

static void
mkpool(const char *sub, const char *text)
{
	char p[256];

	snprintf(p, sizeof(p), "%s/pool/%s", dir, sub);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/pool/%s/free_hugepages", dir, sub);
	assert_int_equal(hf_write(p, text), 0);
}

static void
test_hugepages(void **state)
{
	struct teec_err err;
	char p[128];
	uint64_t mib;

	snprintf(p, sizeof(p), "%s/pool", dir);
	assert_int_equal(mkdir(p, 0755), 0);
	assert_int_equal(nitro_hugepages_free(p, &mib, &err), TEEC_OK);
	assert_int_equal(mib, 0);
	mkpool("hugepages-2048kB", "512\n");
	mkpool("hugepages-1048576kB", "3\n");
	assert_int_equal(mkdir(strcat(p, "/not-a-pool"), 0755), 0);
	snprintf(p, sizeof(p), "%s/pool", dir);
	assert_int_equal(nitro_hugepages_free(p, &mib, &err), TEEC_OK);
	assert_int_equal(mib, 1024 + 3072);
	mkpool("hugepages-64kB", "x\n");
	assert_int_equal(nitro_hugepages_free(p, &mib, &err), TEEC_ERROR);
	assert_int_equal(nitro_hugepages_free("/nonexistent/pool", &mib, &err),
	    TEEC_ERROR);
}

static const char *
script(const char *name, const char *body)
{
	static char path[128];
	char text[2048];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(text, sizeof(text), "#!/bin/sh\n%s\n", body);
	assert_int_equal(hf_write(path, text), 0);
	assert_int_equal(chmod(path, 0755), 0);
	return path;
}

static void
test_exec_captures(void **state)
{
	char *argv[] = { (char *)script("cli1", "echo \"$*\"; echo oops >&2; "
	    "echo \"BACKTRACE=$BACKTRACE\"; "
	    "[ \"$(readlink /proc/self/fd/0)\" = /dev/null ] && echo nul; "
	    "[ \"$(ps -o pgid= $$ | tr -d ' ')\" = $$ ] && echo group; exit 3"),
	    "run-enclave", "--x", NULL };
	struct buf out, errtext;
	struct teec_err err;
	int status, timed_out;

	assert_int_equal(nitro_cli_exec(argv, 5000, &out, &errtext, &status,
	    &timed_out, &err), TEEC_OK);
	assert_string_equal((char *)out.data, "run-enclave --x\nBACKTRACE=1\n"
	    "nul\ngroup\n");
	assert_string_equal((char *)errtext.data, "oops\n");
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 3);
	assert_int_equal(timed_out, 0);
	buf_free(&out);
	buf_free(&errtext);
}

static void
test_exec_missing_program(void **state)
{
	char p[128];
	char *argv[] = { p, "describe-enclaves", NULL };
	struct buf out, errtext;
	struct teec_err err;
	int status, timed_out;

	snprintf(p, sizeof(p), "%s/no-nitro-cli", dir);
	assert_int_equal(nitro_cli_exec(argv, 5000, &out, &errtext, &status,
	    &timed_out, &err), TEEC_ERROR);
	assert_non_null(strstr(err.msg, "cannot run"));
	assert_non_null(strstr(err.msg, "aws-nitro-enclaves-cli"));
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 127);
	buf_free(&out);
	buf_free(&errtext);
}

/* pid is alive: it exists and is not a zombie. */
static int
running(pid_t pid)
{
	char p[64], text[256], *rp;
	FILE *f;
	int alive = 0;

	snprintf(p, sizeof(p), "/proc/%ld/stat", (long)pid);
	if ((f = fopen(p, "r")) == NULL)
		return 0;
	if (fgets(text, sizeof(text), f) != NULL &&
	    (rp = strrchr(text, ')')) != NULL && rp[1] == ' ')
		alive = rp[2] != 'Z' && rp[2] != 'X';
	fclose(f);
	return alive;
}

static void
test_exec_timeout_kills_group(void **state)
{
	char mark[160], *argv[] = { (char *)script("cli2",
	    "sleep 30 & echo $! >\"$0.child\"; wait"), "run-enclave", NULL };
	struct buf out, errtext;
	struct teec_err err;
	int status, timed_out;
	char text[32] = "";
	FILE *f;
	pid_t child;

	assert_int_equal(nitro_cli_exec(argv, 300, &out, &errtext, &status,
	    &timed_out, &err), TEEC_ERROR);
	assert_int_equal(timed_out, 1);
	assert_non_null(strstr(err.msg, "did not finish"));
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	snprintf(mark, sizeof(mark), "%s/cli2.child", dir);
	assert_non_null(f = fopen(mark, "r"));
	assert_non_null(fgets(text, sizeof(text), f));
	fclose(f);
	child = (pid_t)atoi(text);
	usleep(100000);
	assert_false(running(child));		/* its child went too */
	buf_free(&out);
	buf_free(&errtext);
}

static void
test_exec_too_much_output(void **state)
{
	char *argv[] = { (char *)script("cli3", "yes '{}'"), "describe-enclaves",
	    NULL };
	struct buf out, errtext;
	struct teec_err err;
	int status, timed_out;

	assert_int_equal(nitro_cli_exec(argv, 5000, &out, &errtext, &status,
	    &timed_out, &err), TEEC_ERROR);
	assert_non_null(strstr(err.msg, "printed more than"));
	assert_int_equal(timed_out, 0);
	buf_free(&out);
	buf_free(&errtext);
}

/* Standard error beyond its cap is read and dropped, not an error. */
static void
test_exec_long_stderr(void **state)
{
	char *argv[] = { (char *)script("cli4", "head -c 100000 /dev/zero | "
	    "tr '\\0' x >&2; echo '[]'"), "describe-enclaves", NULL };
	struct buf out, errtext;
	struct teec_err err;
	int status, timed_out;

	assert_int_equal(nitro_cli_exec(argv, 5000, &out, &errtext, &status,
	    &timed_out, &err), TEEC_OK);
	assert_int_equal(errtext.len, TEEC_MAX_NITRO_CLI_ERRTEXT);
	assert_string_equal((char *)out.data, "[]\n");
	buf_free(&out);
	buf_free(&errtext);
}

/* Something it leaves behind holding the pipes does not hold us up. */
static void
test_exec_daemon_holds_pipes(void **state)
{
	char *argv[] = { (char *)script("cli5", "echo '[]'; (sleep 5 &) ; "
	    "exit 0"), "describe-enclaves", NULL };
	struct buf out, errtext;
	struct teec_err err;
	struct timespec a, b;
	int status, timed_out;

	clock_gettime(CLOCK_MONOTONIC, &a);
	assert_int_equal(nitro_cli_exec(argv, 10000, &out, &errtext, &status,
	    &timed_out, &err), TEEC_OK);
	clock_gettime(CLOCK_MONOTONIC, &b);
	assert_true(b.tv_sec - a.tv_sec < 3);
	assert_string_equal((char *)out.data, "[]\n");
	buf_free(&out);
	buf_free(&errtext);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_run_output),
		cmocka_unit_test(test_run_output_old_version),
		cmocka_unit_test(test_run_output_unknown_member),
		cmocka_unit_test(test_run_output_not_json),
		cmocka_unit_test(test_run_output_missing_id),
		cmocka_unit_test(test_run_output_missing_cid),
		cmocka_unit_test(test_run_output_bad_id),
		cmocka_unit_test(test_run_output_bad_cid),
		cmocka_unit_test(test_run_output_bad_types),
		cmocka_unit_test(test_run_output_duplicate_member),
		cmocka_unit_test(test_run_output_too_large),
		cmocka_unit_test(test_describe_finds_by_name),
		cmocka_unit_test(test_describe_long_foreign_name),
		cmocka_unit_test(test_describe_malformed),
		cmocka_unit_test(test_describe_too_many),
		cmocka_unit_test(test_terminate_output),
		cmocka_unit_test(test_error_codes),
		cmocka_unit_test(test_error_text),
		cmocka_unit_test(test_error_classes),
		cmocka_unit_test(test_run_error_messages),
		cmocka_unit_test(test_memory_rule),
		cmocka_unit_test(test_hugepages),
		cmocka_unit_test(test_exec_captures),
		cmocka_unit_test(test_exec_missing_program),
		cmocka_unit_test(test_exec_timeout_kills_group),
		cmocka_unit_test(test_exec_too_much_output),
		cmocka_unit_test(test_exec_long_stderr),
		cmocka_unit_test(test_exec_daemon_holds_pipes),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, setup, teardown);
}

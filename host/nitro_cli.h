/* SPDX-License-Identifier: ISC */
#ifndef TEEC_NITRO_CLI_H
#define TEEC_NITRO_CLI_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/status.h"

/*
 * What teec-host knows of nitro-cli (aws-nitro-enclaves-cli, the AWS
 * Nitro Enclaves command line, version 1.2 or later): how to run it with
 * a bounded read of what it prints, how to read the JSON it prints
 * (src/common/json_output.rs: EnclaveRunInfo, EnclaveDescribeInfo,
 * EnclaveTerminateInfo), and what its error codes mean
 * (src/common/document_errors.rs; "Nitro Enclaves CLI error codes" in the
 * AWS Nitro Enclaves User Guide). Pure functions except nitro_cli_exec().
 */

/*
 * Enclave CIDs teec uses (vsock(7); nitro-cli's parse_enclave_cid): 0, 1
 * and 2 are well known, 3 is the parent instance, 2^32 - 1 is
 * VMADDR_CID_ANY, and wider CIDs are not supported by the vsock device.
 */
#define NITRO_CID_MIN           4u
#define NITRO_CID_MAX           4294967294u

/*
 * nitro-cli refuses less memory than this many times the EIF's size in
 * MiB, rounded up (resource_manager.rs ENCLAVE_MEMORY_EIF_SIZE_RATIO;
 * error E26).
 */
#define NITRO_MEMORY_EIF_RATIO  4u
/* What teec adds to that for the build itself: its tree, its tmpfs. */
#define NITRO_MEMORY_BUILD_MIB  1024u
/* The Nitro Enclaves driver's smallest enclave (ne_overview.rst). */
#define NITRO_MEMORY_MIN_MIB    64u

/* One enclave as run-enclave or describe-enclaves reports it. */
struct nitro_enclave {
	char id[64];            /* EnclaveID: [A-Za-z0-9_-], 1 to 63 bytes */
	char name[64];          /* EnclaveName, "" when absent */
	uint32_t cid;           /* EnclaveCID */
	int64_t cpus;           /* NumberOfCPUs, -1 when absent */
	int64_t memory_mib;     /* MemoryMiB, -1 when absent */
};

/*
 * The output of "nitro-cli run-enclave": one JSON object. Parsed with
 * common/json.h: the grammar strictly, duplicate members refused;
 * EnclaveID (an ID as above) and EnclaveCID (NITRO_CID_MIN to
 * NITRO_CID_MAX) are required; EnclaveName, ProcessID, NumberOfCPUs,
 * CPUIDs and MemoryMiB, when present, must have their types and ranges.
 * Other members are ignored: nitro-cli adds members over its versions.
 * TEEC_OK, or TEEC_FAIL with err naming what is wrong.
 */
int nitro_parse_run(const uint8_t *p, size_t n, struct nitro_enclave *out,
    struct teec_err *err);

/*
 * The output of "nitro-cli describe-enclaves": an array of at most
 * TEEC_MAX_NITRO_ENCLAVES objects, each with an EnclaveID. Finds the
 * enclaves named name: *found is their number and out the first.
 * TEEC_OK (also when none is), or TEEC_FAIL.
 */
int nitro_parse_describe(const uint8_t *p, size_t n, const char *name,
    struct nitro_enclave *out, size_t *found, struct teec_err *err);

/*
 * The output of "nitro-cli terminate-enclave": {"EnclaveID": id,
 * "Terminated": true} (EnclaveName may be there too). TEEC_OK when it
 * says that id was terminated, TEEC_FAIL otherwise.
 */
int nitro_parse_terminate(const uint8_t *p, size_t n, const char *id,
    struct teec_err *err);

/* An enclave ID teec passes on: [A-Za-z0-9_-], 1 to 63 bytes. 1 or 0. */
int nitro_id_ok(const char *id);

/*
 * nitro-cli prints its errors as "[ Enn ] text" on standard error. The
 * first such code in text, or -1. *line points to where that line begins
 * (text itself when there is none) and *linelen is its length.
 */
int nitro_error_code(const char *text, const char **line, size_t *linelen);

/*
 * nitro-cli's error in one line, for a message: the title of its "[ Enn ]"
 * line and, when its backtrace is there, the root cause ("[ E29 ] Ioctl
 * failure: The provided vCPU is already used"). Not escaped.
 */
void nitro_error_text(const char *text, char *out, size_t outsz);

enum nitro_err_class {
	NITRO_ERR_PERMANENT,    /* retrying does not help */
	NITRO_ERR_BUSY,         /* resources or nitro-cli's own processes are
	                           busy: retry after a while */
};

/*
 * Busy: E04 (socket pair creation) and E05 (process spawn), which the AWS
 * documentation says to retry; E15 (lock acquire failure); E39 (enclave
 * process connection failure); and E29 (ioctl failure) when the driver
 * says a CPU or memory region is still in use or the CPU pool has none
 * free (NE_ERR_VCPU_ALREADY_USED, NE_ERR_MEM_REGION_ALREADY_USED,
 * NE_ERR_NO_CPUS_AVAIL_IN_POOL), as while another enclave terminates.
 * Everything else is permanent.
 */
enum nitro_err_class nitro_error_class(int code, const char *text);

/*
 * A message for a failed "nitro-cli run-enclave" (exit status status,
 * standard error text), saying what to do for the errors an operator
 * meets: E19 (the EIF cannot be read), E22 (CPU pool too small), E26
 * (memory below 4 times the EIF), E27 (the allocator has too little
 * memory), E36 (the enclave did not boot). Returns TEEC_ERROR.
 */
int nitro_run_error(const char *text, int status, uint64_t memory_mib,
    unsigned int cpus, const char *eif, struct teec_err *err);

/*
 * The memory for an EIF of eif_bytes: NITRO_MEMORY_EIF_RATIO times its
 * size in MiB rounded up, plus NITRO_MEMORY_BUILD_MIB.
 */
uint64_t nitro_default_memory(uint64_t eif_bytes);
/* The least nitro-cli accepts for it: the ratio times its MiB. */
uint64_t nitro_min_memory(uint64_t eif_bytes);

/*
 * Free huge page memory, in MiB, as the kernel reports it under dir
 * (/sys/kernel/mm/hugepages: hugepages-SIZEkB/free_hugepages): the most
 * nitro-cli can give an enclave, since it maps only huge pages.
 * TEEC_OK and *mib, or TEEC_ERROR when dir cannot be read.
 */
int nitro_hugepages_free(const char *dir, uint64_t *mib,
    struct teec_err *err);

/*
 * Run nitro-cli: argv[0] is the program (searched on PATH when it has no
 * slash), with teec-host's environment and BACKTRACE=1 (so that it prints
 * the root cause of an error). Standard input is /dev/null; standard output is read into out
 * (initialised here), at most TEEC_MAX_NITRO_CLI_OUTPUT bytes; the first
 * TEEC_MAX_NITRO_CLI_ERRTEXT bytes of standard error go to errtext
 * (initialised here, NUL-terminated), the rest is read and dropped. The
 * program runs in its own process group, so that a Ctrl-C meant for
 * teec-host does not stop it half way; it is killed (the whole group)
 * after timeout_ms. *status is its wait(2) status.
 * TEEC_OK: it ran and exited (any status). TEEC_ERROR: it could not be
 * run (then *status is exit status 127), printed too much, or timed out
 * (then *timed_out is set).
 */
int nitro_cli_exec(char *const argv[], int timeout_ms, struct buf *out,
    struct buf *errtext, int *status, int *timed_out, struct teec_err *err);

#endif

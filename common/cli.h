/* SPDX-License-Identifier: ISC */
#ifndef TEEC_COMMON_CLI_H
#define TEEC_COMMON_CLI_H

#include <stdarg.h>
#include <stdio.h>

/* For the mains only: library code never prints. */

/* "PROG: MSG" on stderr, MSG escaped (it may quote a path or input). */
void cli_errmsg(const char *prog, const char *msg);
/* "PROG: MESSAGE", then the usage text on stderr; returns TEEC_ERROR (2). */
int cli_usage_error(const char *prog, void (*usage)(FILE *), const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The argument that getopt found unknown, escaped and cut at 100 bytes. */
int cli_bad_option(const char *prog, void (*usage)(FILE *), const char *arg);

/*
 * The same for a command that names itself after the program
 * ("teec-verify: measure: MESSAGE"): sub is put between PROG and the
 * message. cli_sub_errmsg() formats the message first (cut at
 * TEEC_ERR_MAX + 255 bytes), cli_sub_usage_error() and
 * cli_sub_bad_option() as their counterparts above (cut at
 * TEEC_ERR_MAX - 1 bytes).
 */
void cli_sub_errmsg(const char *prog, const char *sub, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int cli_sub_usage_error(const char *prog, const char *sub,
    void (*usage)(FILE *), const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int cli_sub_bad_option(const char *prog, const char *sub,
    void (*usage)(FILE *), const char *arg);

#endif

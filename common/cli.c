/* SPDX-License-Identifier: ISC */
#include <stdarg.h>
#include <string.h>

#include "common/buf.h"
#include "common/cli.h"
#include "common/escape.h"
#include "common/status.h"

/* "PROG: [SUB: ]MSG\n", MSG escaped: it may quote a path or input. */
static void
emit(const char *prog, const char *sub, const char *msg)
{
	struct buf b;

	buf_init(&b, 8192);
	esc_term(&b, msg, strlen(msg));
	if (sub != NULL)
		fprintf(stderr, "%s: %s: %s\n", prog, sub,
		    b.data ? (char *)b.data : "");
	else
		fprintf(stderr, "%s: %s\n", prog, b.data ? (char *)b.data : "");
	buf_free(&b);
}

static int __attribute__((format(printf, 4, 0)))
vusage_error(const char *prog, const char *sub, void (*usage)(FILE *),
    const char *fmt, va_list ap)
{
	char msg[TEEC_ERR_MAX];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	emit(prog, sub, msg);
	usage(stderr);
	return TEEC_ERROR;
}

static int
bad_option(const char *prog, const char *sub, void (*usage)(FILE *),
    const char *arg)
{
	char cut[101];

	snprintf(cut, sizeof(cut), "%s", arg);
	return sub != NULL ?
	    cli_sub_usage_error(prog, sub, usage, "unknown option %s", cut) :
	    cli_usage_error(prog, usage, "unknown option %s", cut);
}

void
cli_errmsg(const char *prog, const char *msg)
{
	emit(prog, NULL, msg);
}

int
cli_usage_error(const char *prog, void (*usage)(FILE *), const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vusage_error(prog, NULL, usage, fmt, ap);
	va_end(ap);
	return rc;
}

int
cli_bad_option(const char *prog, void (*usage)(FILE *), const char *arg)
{
	return bad_option(prog, NULL, usage, arg);
}

void
cli_sub_errmsg(const char *prog, const char *sub, const char *fmt, ...)
{
	char msg[TEEC_ERR_MAX + 256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	emit(prog, sub, msg);
}

int
cli_sub_usage_error(const char *prog, const char *sub, void (*usage)(FILE *),
    const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vusage_error(prog, sub, usage, fmt, ap);
	va_end(ap);
	return rc;
}

int
cli_sub_bad_option(const char *prog, const char *sub, void (*usage)(FILE *),
    const char *arg)
{
	return bad_option(prog, sub, usage, arg);
}

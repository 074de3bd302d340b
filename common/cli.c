/* SPDX-License-Identifier: ISC */
#include <stdarg.h>
#include <string.h>

#include "common/buf.h"
#include "common/cli.h"
#include "common/escape.h"
#include "common/status.h"

void
cli_errmsg(const char *prog, const char *msg)
{
	struct buf b;

	buf_init(&b, 8192);
	esc_term(&b, msg, strlen(msg));
	fprintf(stderr, "%s: %s\n", prog, b.data ? (char *)b.data : "");
	buf_free(&b);
}

int
cli_usage_error(const char *prog, void (*usage)(FILE *), const char *fmt, ...)
{
	char msg[TEEC_ERR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cli_errmsg(prog, msg);
	usage(stderr);
	return TEEC_ERROR;
}

int
cli_bad_option(const char *prog, void (*usage)(FILE *), const char *arg)
{
	char cut[101];

	snprintf(cut, sizeof(cut), "%s", arg);
	return cli_usage_error(prog, usage, "unknown option %s", cut);
}

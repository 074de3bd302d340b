/* SPDX-License-Identifier: ISC */
#include <stdarg.h>
#include <stdio.h>

#include "common/status.h"

int
teec_errf(struct teec_err *err, int status, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return status;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return status;
}

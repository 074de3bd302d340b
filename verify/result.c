/* SPDX-License-Identifier: ISC */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/status.h"
#include "verify/result.h"

static const char *const reason_names[R__COUNT] = {
	[R_NONE] = "NONE",
	[R_MALFORMED] = "MALFORMED",
	[R_UNTRUSTED_ROOT] = "UNTRUSTED_ROOT",
	[R_CHAIN_INVALID] = "CHAIN_INVALID",
	[R_CHAIN_EXPIRED] = "CHAIN_EXPIRED",
	[R_BAD_SIGNATURE] = "BAD_SIGNATURE",
	[R_DEBUG_ENCLAVE] = "DEBUG_ENCLAVE",
	[R_BAD_BUNDLE] = "BAD_BUNDLE",
	[R_UNKNOWN_IMAGE] = "UNKNOWN_IMAGE",
	[R_BINDING_MISMATCH] = "BINDING_MISMATCH",
	[R_BAD_REPORT] = "BAD_REPORT",
	[R_ARTIFACT_MISMATCH] = "ARTIFACT_MISMATCH",
	[R_FILE_MISMATCH] = "FILE_MISMATCH",
	[R_QUORUM_NOT_REACHED] = "QUORUM_NOT_REACHED",
};

const char *
reason_name(enum reason r)
{
	if ((int)r < 0 || r >= R__COUNT)
		return "UNKNOWN";
	return reason_names[r];
}

void
vresult_init(struct vresult *r)
{
	memset(r, 0, sizeof(*r));
	r->status = TEEC_OK;
	r->reason = R_NONE;
}

/* Keep details printable: they may quote untrusted bytes. */
static void
sanitize(char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			*s = '?';
}

static struct vcheck *
add(struct vresult *r, const char *name, enum vstate st)
{
	struct vcheck *c;

	if (r->nchecks == VCHECK_MAX)
		c = &r->checks[VCHECK_MAX - 1];
	else
		c = &r->checks[r->nchecks++];
	c->name = name;
	c->state = st;
	c->detail[0] = '\0';
	return c;
}

void
vresult_ok(struct vresult *r, const char *name, const char *fmt, ...)
{
	struct vcheck *c = add(r, name, V_OK);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->detail, sizeof(c->detail), fmt, ap);
	va_end(ap);
	sanitize(c->detail);
}

void
vresult_fail(struct vresult *r, const char *name, enum reason why,
    const char *fmt, ...)
{
	struct vcheck *c = add(r, name, V_FAILED);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->detail, sizeof(c->detail), fmt, ap);
	va_end(ap);
	sanitize(c->detail);
	if (r->status == TEEC_OK) {
		r->status = TEEC_FAIL;
		r->reason = why;
	}
}

void
vresult_skip(struct vresult *r, const char *name)
{
	add(r, name, V_SKIPPED);
}

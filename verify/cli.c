/* SPDX-License-Identifier: ISC */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/timefmt.h"
#include "enclave/devca.h"
#include "verify/cli.h"
#include "verify/store.h"

int
trust_opt(struct trust_opts *o, int ch, const char *arg, char *msg,
    size_t msglen)
{
	const char *why = NULL;

	switch (ch) {
	case TRUST_OPT_ROOT:
		if (o->nroots == TEEC_MAX_ROOTS)
			why = "too many --root options";
		else
			o->roots[o->nroots++] = arg;
		break;
	case TRUST_OPT_STORE:
		if (o->store != NULL)
			why = "--trust-store given twice";
		else
			o->store = arg;
		break;
	case TRUST_OPT_AT:
		if (o->at_arg != NULL)
			why = "--at given twice";
		else if (time_parse_arg(arg, &o->at, &o->at_now) == -1)
			why = "--at: not now, RFC 3339 or @SECONDS";
		else
			o->at_arg = arg;
		break;
	case TRUST_OPT_ALLOW_DEBUG:
		if (o->allow_debug)
			why = "--allow-debug given twice";
		o->allow_debug = 1;
		break;
	case TRUST_OPT_DEV:
		if (o->dev)
			why = "--dev given twice";
		o->dev = 1;
		break;
	default:
		return 0;
	}
	if (why == NULL)
		return 1;
	snprintf(msg, msglen, "%s", why);
	return -1;
}

void
trust_free(struct trust *t)
{
	if (t == NULL)
		return;
	roots_free(&t->roots);
	images_free(&t->images);
	memset(t, 0, sizeof(*t));
}

/* The local development root, which only --dev trusts. */
static int
add_dev_root(struct trust *t, struct teec_err *err)
{
	char dir[4096], path[4200];

	if (devca_default_dir(dir, sizeof(dir), err) != TEEC_OK)
		return TEEC_ERROR;
	snprintf(path, sizeof(path), "%s/root.pem", dir);
	if (access(path, R_OK) != 0)
		return teec_errf(err, TEEC_ERROR, "--dev: no local development "
		    "root at %s (it is made by the first local-mode build)", path);
	if (roots_add_pem(&t->roots, path, NULL, err) != TEEC_OK)
		return TEEC_ERROR;
	t->dev_root = t->roots.der[t->roots.n - 1];
	t->dev_root_len = t->roots.der_len[t->roots.n - 1];
	return TEEC_OK;
}

int
trust_load(const struct trust_opts *o, int want_images, struct trust *t,
    struct teec_err *err)
{
	size_t i;
	int rc = TEEC_ERROR;

	memset(t, 0, sizeof(*t));
	roots_init(&t->roots);
	if ((o->nroots == 0 || want_images) &&
	    store_resolve(o->store, t->storedir, sizeof(t->storedir), err) !=
	    TEEC_OK)
		goto out;
	if (o->nroots > 0) {
		for (i = 0; i < o->nroots; i++)
			if (roots_add_pem(&t->roots, o->roots[i], NULL, err) !=
			    TEEC_OK)
				goto out;
	} else if (roots_load_store(&t->roots, t->storedir, err) != TEEC_OK)
		goto out;
	if (o->dev && add_dev_root(t, err) != TEEC_OK)
		goto out;
	if (want_images && images_load_store(t->storedir, &t->images, err) !=
	    TEEC_OK)
		goto out;
	rc = TEEC_OK;
out:
	if (rc != TEEC_OK)
		trust_free(t);
	return rc;
}

const char *
trust_time_source(const struct trust_opts *o)
{
	return o->at_arg == NULL ? "document" : o->at_now ? "now" : "given";
}

/* SPDX-License-Identifier: ISC */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/caps.h"
#include "common/digest.h"
#include "common/fileio.h"
#include "enclave/netrec.h"
#include "enclave/proxy_tls.h"

/* A file of the worker's in WORK, O_EXCL, 0644. */
static int
put_file(const char *dir, const char *name, const void *p, size_t len,
    char **path_out, struct teec_err *err)
{
	char *path = NULL;
	int fd = -1, rc = TEEC_ERROR;

	if (asprintf(&path, "%s/%s", dir, name) == -1) {
		path = NULL;
		teec_errf(err, TEEC_ERROR, "out of memory");
		goto out;
	}
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0644)) == -1 || write_all(fd, p, len) == -1) {
		teec_errf(err, TEEC_ERROR, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (close(fd) == -1) {
		fd = -1;
		teec_errf(err, TEEC_ERROR, "%s: %s", path, strerror(errno));
		goto out;
	}
	fd = -1;
	if (path_out != NULL) {
		*path_out = path;
		path = NULL;
	}
	rc = TEEC_OK;
out:
	if (fd != -1)
		close(fd);
	free(path);
	return rc;
}

/* The program that runs as netshim: given, or this one. */
static int
find_netshim(const char *given, char *out, size_t outsz,
    struct teec_err *err)
{
	struct stat st;
	ssize_t r;

	if (given != NULL) {
		if ((size_t)snprintf(out, outsz, "%s", given) >= outsz)
			return teec_errf(err, TEEC_ERROR, "netshim: path too "
			    "long");
	} else {
		if ((r = readlink("/proc/self/exe", out, outsz - 1)) <= 0)
			return teec_errf(err, TEEC_ERROR, "/proc/self/exe: %s",
			    strerror(errno));
		out[r] = '\0';
	}
	if (out[0] != '/' || stat(out, &st) == -1 || !S_ISREG(st.st_mode) ||
	    access(out, X_OK) != 0)
		return teec_errf(err, TEEC_ERROR, "%s: not an executable file "
		    "to run as the network shim", out);
	return TEEC_OK;
}

int
netrec_start(struct netrec *n, const struct netrec_opts *o,
    struct sandbox_env *env, struct teec_err *err)
{
	static const char *const proxy_vars[] = { "http_proxy", "https_proxy",
	    "HTTP_PROXY", "HTTPS_PROXY", NULL };
	static const char *const bundle_vars[] = { "SSL_CERT_FILE",
	    "CURL_CA_BUNDLE", "GIT_SSL_CAINFO", "CARGO_HTTP_CAINFO",
	    "REQUESTS_CA_BUNDLE", NULL };
	struct proxy_opts po;
	struct teec_err ignored;
	struct buf ca, bundle;
	char *sock = NULL, url[64], view_ca[PATH_MAX], view_bundle[PATH_MAX];
	const char *view;
	size_t i;
	int over = 0, rc = TEEC_ERROR;

	memset(n, 0, sizeof(*n));
	buf_init(&ca, 64 * 1024);
	buf_init(&bundle, TEEC_MAX_SYSTEM_CA_BYTES + 64 * 1024);
	if (o->mode == SANDBOX_NAMESPACES && find_netshim(o->netshim,
	    n->netshim, sizeof(n->netshim), err) != TEEC_OK)
		goto out;
	if (o->mode == SANDBOX_NAMESPACES && asprintf(&sock, "%s/"
	    NETREC_SOCKET_NAME, o->wd->root) == -1) {
		sock = NULL;
		teec_errf(err, TEEC_ERROR, "out of memory");
		goto out;
	}
	memset(&po, 0, sizeof(po));
	po.policy = o->policy;
	po.unix_path = sock;
	po.upstream_ca = o->upstream_ca;
	po.upstream_ca_len = o->upstream_ca_len;
	po.system_ca = o->system_ca;
	/* The per-build CA outlives the build's time limit by a day. */
	po.valid_s = o->timeout + 86400;
	po.dial = o->dial;
	po.dial_arg = o->dial_arg;
	if (o->lim != NULL)
		po.lim = *o->lim;
	if ((rc = proxy_start(&po, &n->px, err)) != TEEC_OK)
		goto out;
	rc = TEEC_ERROR;

	/* The CA alone, and appended to the image's bundle. */
	if (proxy_ca_pem(n->px, &ca, err) != TEEC_OK)
		goto out;
	if (read_file_upto(o->system_ca != NULL ? o->system_ca :
	    PROXY_SYSTEM_CA, TEEC_MAX_SYSTEM_CA_BYTES, &bundle, &over,
	    &ignored) != TEEC_OK || over) {
		/* No bundle in the image: the CA alone. */
		buf_free(&bundle);
		buf_init(&bundle, TEEC_MAX_SYSTEM_CA_BYTES);
	}
	bundle.cap = TEEC_MAX_SYSTEM_CA_BYTES + ca.len + 1;
	if ((bundle.len > 0 && bundle.data[bundle.len - 1] != '\n' &&
	    buf_putc(&bundle, '\n') == -1) ||
	    buf_append(&bundle, ca.data, ca.len) == -1) {
		teec_errf(err, TEEC_ERROR, "out of memory");
		goto out;
	}
	if (put_file(o->wd->root, NETREC_CA_NAME, ca.data, ca.len, NULL,
	    err) != TEEC_OK ||
	    put_file(o->wd->root, NETREC_BUNDLE_NAME, bundle.data, bundle.len,
	    NULL, err) != TEEC_OK)
		goto out;

	/* What the build sees. */
	view = o->mode == SANDBOX_NAMESPACES ? SANDBOX_VIEW : o->wd->root;
	snprintf(url, sizeof(url), "http://127.0.0.1:%u",
	    o->mode == SANDBOX_NAMESPACES ? SANDBOX_PROXY_PORT :
	    proxy_port(n->px));
	if ((size_t)snprintf(view_ca, sizeof(view_ca), "%s/" NETREC_CA_NAME,
	    view) >= sizeof(view_ca) || (size_t)snprintf(view_bundle,
	    sizeof(view_bundle), "%s/" NETREC_BUNDLE_NAME, view) >=
	    sizeof(view_bundle)) {
		teec_errf(err, TEEC_ERROR, "%s: path too long", view);
		goto out;
	}
	for (i = 0; proxy_vars[i] != NULL; i++)
		if (sandbox_env_set(env, proxy_vars[i], url, err) != TEEC_OK)
			goto out;
	for (i = 0; bundle_vars[i] != NULL; i++)
		if (sandbox_env_set(env, bundle_vars[i], view_bundle, err) !=
		    TEEC_OK)
			goto out;
	if (sandbox_env_set(env, "NODE_EXTRA_CA_CERTS", view_ca, err) !=
	    TEEC_OK)
		goto out;
	rc = TEEC_OK;
out:
	free(sock);
	buf_free(&ca);
	buf_free(&bundle);
	if (rc != TEEC_OK)
		netrec_free(n);
	return rc;
}

void
netrec_stop(struct netrec *n, struct buf *notes)
{
	const struct proxy_record *r;
	size_t i, k;

	if (n->px == NULL || n->stopped)
		return;
	proxy_stop(n->px);
	n->stopped = 1;
	k = proxy_nrecords(n->px);
	for (i = 0; i < k; i++) {
		r = proxy_record(n->px, i);
		if (!r->dep.refused)
			continue;
		n->refused++;
		if (notes != NULL)
			(void)buf_printf(notes, "teec-enclave: network: refused "
			    "%s %s: %s\n", r->dep.method, r->dep.uri,
			    r->dep.reason);
	}
	n->overflow = proxy_overflow(n->px);
	if (notes != NULL) {
		(void)buf_printf(notes, "teec-enclave: network: %zu exchange%s "
		    "recorded, %zu refused or cut off\n", k, k == 1 ? "" : "s",
		    n->refused);
		if (n->overflow > 0)
			(void)buf_printf(notes, "teec-enclave: network: %llu "
			    "more could not be recorded and were refused\n",
			    (unsigned long long)n->overflow);
	}
}

int
netrec_finish(struct netrec *n, const struct workdir *wd,
    struct teec_err *err)
{
	struct buf tx;
	size_t i;
	int rc = TEEC_ERROR;

	memset(&tx, 0, sizeof(tx));
	netrec_stop(n, NULL);
	if (n->overflow > 0)
		return teec_errf(err, TEEC_FAIL, "the build made more network "
		    "requests than a report can record (%u at most, in %u "
		    "bytes of report): %llu were refused",
		    TEEC_MAX_NET_EXCHANGES, TEEC_MAX_NET_RECORD_TEXT,
		    (unsigned long long)n->overflow);
	if (proxy_transcript(n->px, &tx, err) != TEEC_OK)
		goto out;
	sha256(tx.data, tx.len, n->transcript_sha256);
	if (put_file(wd->root, NETREC_TRANSCRIPT_NAME, tx.data, tx.len,
	    &n->transcript, err) != TEEC_OK)
		goto out;
	n->ndeps = proxy_nrecords(n->px);
	if (n->ndeps > 0 && (n->deps = calloc(n->ndeps,
	    sizeof(*n->deps))) == NULL) {
		teec_errf(err, TEEC_ERROR, "out of memory");
		goto out;
	}
	for (i = 0; i < n->ndeps; i++)
		n->deps[i] = proxy_record(n->px, i)->dep;
	rc = TEEC_OK;
out:
	buf_free(&tx);
	return rc;
}

void
netrec_free(struct netrec *n)
{
	if (n == NULL)
		return;
	proxy_free(n->px);
	free(n->transcript);
	free(n->deps);
	memset(n, 0, sizeof(*n));
}

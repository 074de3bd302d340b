/* SPDX-License-Identifier: ISC */
/*
 * teec-report show: read a bundle or a bare report.json and judge it
 * (teec-report(1)). A bundle is verified by bundle_verify(), exactly as
 * teec-verify bundle does; a bare report.json is parsed strictly and,
 * carrying no attestation, never verifies.
 */
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
#include "report/show.h"
#include "report/view.h"
#include "verify/render.h"

#define SNIFF_BYTES 512u    /* one tar header block */

void
show_free(struct show *s)
{
	if (s == NULL)
		return;
	bundle_out_free(&s->b);
	report_free(&s->bare);
	memset(s, 0, sizeof(*s));
}

int
show_status(const struct show *s)
{
	if (s->kind == SHOW_REPORT)
		return TEEC_FAIL;
	return s->r.status == TEEC_OK ? TEEC_OK : TEEC_FAIL;
}

const struct report *
show_report(const struct show *s)
{
	if (s->kind == SHOW_REPORT)
		return s->bare_ok ? &s->bare : NULL;
	return s->b.report_ok ? &s->b.report : NULL;
}

/* RFC 8259 section 2: ws = space, tab, line feed, carriage return. */
static int
json_ws(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* A report.json starts with '{' after white space; a bundle with a tar header. */
static int
looks_like_report(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!json_ws(p[i]))
			return p[i] == '{';
	return 1;
}

/* Read up to cap bytes from fd, appended to b; *over when more followed. */
static int
read_rest(int fd, struct buf *b, size_t cap, int *over, const char *what,
    struct teec_err *err)
{
	uint8_t chunk[16384];
	ssize_t n;

	*over = 0;
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return teec_errf(err, TEEC_ERROR, "%s: %s", what,
			    strerror(errno));
		if (n == 0)
			return TEEC_OK;
		if (b->len + (size_t)n > cap) {
			*over = 1;
			return TEEC_OK;
		}
		if (buf_append(b, chunk, (size_t)n) == -1)
			return teec_errf(err, TEEC_ERROR, "out of memory");
	}
}

static void
load_report(struct show *s, const struct buf *b, int over)
{
	struct teec_err err = { "" };
	const struct report *rep = &s->bare;

	s->kind = SHOW_REPORT;
	if (over) {
		vresult_fail(&s->r, "report", R_BAD_REPORT,
		    "report.json: larger than %u bytes", TEEC_MAX_REPORT_BYTES);
		return;
	}
	sha256(b->data ? b->data : (const uint8_t *)"", b->len, s->report_sha256);
	s->have_report_bytes = 1;
	if (report_parse(b->data ? b->data : (const uint8_t *)"", b->len,
	    &s->bare, &err) != TEEC_OK) {
		report_free(&s->bare);
		vresult_fail(&s->r, "report", R_BAD_REPORT, "%s", err.msg);
		return;
	}
	s->bare_ok = 1;
	vresult_ok(&s->r, "report", "in-toto Statement v1, SLSA provenance v1, "
	    "%zu subject%s", rep->nsubjects, rep->nsubjects == 1 ? "" : "s");
}

/* Copy the sniffed bytes and the rest of fd into an unlinked temporary file. */
static int
spool(int fd, const char *what, const struct buf *head, int *out,
    struct teec_err *err)
{
	const char *dir = getenv("TMPDIR");
	char tmpl[4200];
	uint8_t *chunk = NULL;
	uint64_t total = head->len;
	ssize_t n;
	int t = -1, rc = TEEC_ERROR;

	if (dir == NULL || dir[0] != '/')
		dir = "/tmp";
	if ((size_t)snprintf(tmpl, sizeof(tmpl), "%s/teec-report.XXXXXX", dir) >=
	    sizeof(tmpl))
		return teec_errf(err, TEEC_ERROR, "TMPDIR is too long");
	if ((t = mkostemp(tmpl, O_CLOEXEC)) == -1)
		return teec_errf(err, TEEC_ERROR, "%s: %s", tmpl, strerror(errno));
	unlink(tmpl);
	if ((chunk = malloc(TEEC_IO_CHUNK)) == NULL) {
		teec_errf(err, TEEC_ERROR, "out of memory");
		goto out;
	}
	if (head->len > 0 && write_all(t, head->data, head->len) == -1)
		goto werr;
	for (;;) {
		n = read(fd, chunk, TEEC_IO_CHUNK);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			teec_errf(err, TEEC_ERROR, "%s: %s", what, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		if ((total += (uint64_t)n) > TEEC_MAX_SPOOL_BYTES) {
			teec_errf(err, TEEC_ERROR, "%s: a bundle larger than %llu "
			    "bytes (give it as a regular file)", what,
			    (unsigned long long)TEEC_MAX_SPOOL_BYTES);
			goto out;
		}
		if (write_all(t, chunk, (size_t)n) == -1)
			goto werr;
	}
	*out = t;
	t = -1;
	rc = TEEC_OK;
	goto out;
werr:
	teec_errf(err, TEEC_ERROR, "%s: %s", dir, strerror(errno));
out:
	free(chunk);
	if (t != -1)
		close(t);
	return rc;
}

static int
load_bundle(struct show *s, const char *path, const struct show_opts *o,
    struct teec_err *err)
{
	struct trust_roots none;
	struct images noimages = { 0, NULL };
	struct bundle_opts bo;
	int rc;

	s->kind = SHOW_BUNDLE;
	roots_init(&none);
	memset(&bo, 0, sizeof(bo));
	bo.roots = o->roots != NULL ? o->roots : &none;
	bo.images = o->images != NULL ? o->images : &noimages;
	bo.at_mode = o->at_mode;
	bo.at = o->at;
	bo.allow_debug = o->allow_debug;
	bo.dev = o->dev;
	bo.dev_root = o->dev_root;
	bo.dev_root_len = o->dev_root_len;
	rc = bundle_verify(path, &bo, &s->b, &s->r, err);
	if (rc == TEEC_ERROR)
		return TEEC_ERROR;
	if (s->b.report_bytes.data != NULL) {
		sha256(s->b.report_bytes.data, s->b.report_bytes.len,
		    s->report_sha256);
		s->have_report_bytes = 1;
	}
	return TEEC_OK;
}

int
show_load(const char *path, const struct show_opts *o, struct show *s,
    struct teec_err *err)
{
	struct buf head;
	struct stat st;
	char fdpath[64];
	int fd = -1, t = -1, over = 0, rc = TEEC_ERROR;
	int is_stdin = strcmp(path, "-") == 0;
	const char *what = is_stdin ? "standard input" : path;

	memset(s, 0, sizeof(*s));
	s->path = path;
	s->trusted = o->roots != NULL;
	s->time_source = o->time_source != NULL ? o->time_source : "document";
	vresult_init(&s->r);
	buf_init(&head, TEEC_MAX_REPORT_BYTES);

	if (is_stdin)
		fd = STDIN_FILENO;
	else if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		teec_errf(err, TEEC_ERROR, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (fstat(fd, &st) == -1) {
		teec_errf(err, TEEC_ERROR, "%s: %s", what, strerror(errno));
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		teec_errf(err, TEEC_ERROR, "%s: is a directory", what);
		goto out;
	}
	/* The first block tells a report (JSON) from a bundle (tar). */
	while (head.len < SNIFF_BYTES) {
		uint8_t c[SNIFF_BYTES];
		ssize_t n = read(fd, c, SNIFF_BYTES - head.len);

		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			teec_errf(err, TEEC_ERROR, "%s: %s", what, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		if (buf_append(&head, c, (size_t)n) == -1) {
			teec_errf(err, TEEC_ERROR, "out of memory");
			goto out;
		}
	}
	if (looks_like_report(head.data, head.len)) {
		if (read_rest(fd, &head, TEEC_MAX_REPORT_BYTES, &over, what,
		    err) != TEEC_OK)
			goto out;
		load_report(s, &head, over);
		rc = TEEC_OK;
		goto out;
	}
	if (!is_stdin && S_ISREG(st.st_mode)) {
		/* bundle_verify() reads the file itself, from its start. */
		close(fd);
		fd = -1;
		rc = load_bundle(s, path, o, err);
		goto out;
	}
	/* a pipe cannot be read again from its start: spool it */
	if (spool(fd, what, &head, &t, err) != TEEC_OK)
		goto out;
	snprintf(fdpath, sizeof(fdpath), "/dev/fd/%d", t);
	rc = load_bundle(s, fdpath, o, err);
out:
	if (fd != -1 && !is_stdin)
		close(fd);
	if (t != -1)
		close(t);
	buf_free(&head);
	if (rc == TEEC_ERROR)
		return TEEC_ERROR;
	return show_status(s);
}

int
show_headline(struct buf *b, const struct show *s)
{
	struct buf t;
	const uint8_t *nl;
	int rc;

	if (s->kind == SHOW_REPORT && s->bare_ok)
		return buf_printf(b, "UNVERIFIED: a bare report.json carries no "
		    "attestation");
	/* The first line of teec-verify's rendering, word for word. */
	buf_init(&t, b->cap);
	if (render_checks_text(&t, &s->r) != 0 || t.data == NULL) {
		buf_free(&t);
		return -1;
	}
	nl = memchr(t.data, '\n', t.len);
	rc = buf_append(b, t.data, nl ? (size_t)(nl - t.data) : t.len);
	buf_free(&t);
	return rc;
}

int
show_render(struct buf *b, const struct show *s, enum show_format f,
    struct teec_err *err)
{
	struct view v;
	int rc;

	if (f == SHOW_JSON) {
		if (show_render_json(b, s) != 0)
			return teec_errf(err, TEEC_ERROR, "the rendering is larger "
			    "than %zu bytes", b->cap);
		return TEEC_OK;
	}
	if (view_build(&v, s, err) != TEEC_OK)
		return TEEC_ERROR;
	rc = f == SHOW_MARKDOWN ? view_markdown(b, &v) :
	    f == SHOW_HTML ? view_html(b, &v) : view_text(b, &v);
	view_free(&v);
	if (rc != 0)
		return teec_errf(err, TEEC_ERROR, "the rendering is larger than "
		    "%zu bytes", b->cap);
	return TEEC_OK;
}

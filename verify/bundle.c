/* SPDX-License-Identifier: ISC */
/*
 * .teec bundles (teec-bundle(5)): read in one pass with the strict tar
 * reader of verify/tar.h (ustar and pax only, no compression), shape
 * checked member by member, artifacts hashed while streamed. Writing is
 * in verify/bundle_write.c.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "common/caps.h"
#include "common/digest.h"
#include "common/encode.h"
#include "common/fileio.h"
#include "report/netlog.h"
#include "verify/bundle.h"
#include "verify/tar.h"

#define SHAPE_MAX 256

struct reader {
	const struct bundle_opts *o;
	struct bundle_out *out;
	char shape[SHAPE_MAX];      /* first shape problem */
	char mismatch[SHAPE_MAX];   /* first artifact problem */
	int have_report, have_att;
	struct buf att;
	size_t members;
	char report_err[TEEC_ERR_MAX];
	char network[SHAPE_MAX];    /* first network.jsonl problem */
	size_t *order;              /* subject indexes sorted by name */
	uint8_t (*seen)[16];        /* SHA-256 prefixes of member names so far */
};

void
bundle_out_free(struct bundle_out *out)
{
	if (out == NULL)
		return;
	attest_out_free(&out->att);
	report_free(&out->report);
	buf_free(&out->report_bytes);
	free(out->subj);
	memset(out, 0, sizeof(*out));
}

static void __attribute__((format(printf, 2, 3)))
shape(struct reader *rd, const char *fmt, ...)
{
	va_list ap;

	if (rd->shape[0] != '\0')
		return;
	va_start(ap, fmt);
	vsnprintf(rd->shape, sizeof(rd->shape), fmt, ap);
	va_end(ap);
}

/* A member name teec can have: printable, relative, no "." or ".." parts. */
int
bundle_name_ok(const char *s)
{
	size_t n = strlen(s), i, start = 0;

	if (n == 0 || n > TEEC_MAX_MEMBER_NAME || s[0] == '/')
		return 0;
	for (i = 0; i <= n; i++) {
		if (i < n && ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] == 0x7f))
			return 0;
		if (i == n || s[i] == '/') {
			size_t len = i - start;
			if (len == 0 || (len == 1 && s[start] == '.') ||
			    (len == 2 && s[start] == '.' && s[start + 1] == '.'))
				return 0;
			start = i + 1;
		}
	}
	return 1;
}

static const struct report *cmp_report;

static int
cmp_subject(const void *a, const void *b)
{
	return strcmp(cmp_report->subjects[*(const size_t *)a].name,
	    cmp_report->subjects[*(const size_t *)b].name);
}

static long
find_subject(const struct reader *rd, const char *name)
{
	const struct report *rep = &rd->out->report;
	size_t lo = 0, hi = rep->nsubjects, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(name, rep->subjects[rd->order[mid]].name);
		if (c == 0)
			return (long)rd->order[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}

/* Read a small member whole, capped. 0, or -1 with the shape noted. */
static int
read_small(struct reader *rd, struct tar *t, const struct tar_entry *e,
    size_t cap, struct buf *b)
{
	struct teec_err err = { "" };
	const uint8_t *p;
	size_t n;

	buf_init(b, cap);
	if (e->size > cap) {
		shape(rd, "%s: over its size cap", e->name);
		return -1;
	}
	for (;;) {
		if (tar_data(t, &p, &n, &err) != TEEC_OK) {
			shape(rd, "%s: cannot be read (%s)", e->name, err.msg);
			return -1;
		}
		if (n == 0)
			break;
		if (buf_append(b, p, n) == -1) {
			shape(rd, "%s: over its size cap", e->name);
			return -1;
		}
	}
	if (b->data == NULL)
		buf_append(b, "", 0);
	return 0;
}

/* Stream a member through SHA-256. */
static int
hash_member(struct reader *rd, struct tar *t, const char *name,
    uint8_t md[32])
{
	struct teec_err err = { "" };
	struct digest c;
	const uint8_t *p;
	size_t n;

	if (digest_init(&c, EVP_sha256()) == -1) {
		shape(rd, "%s: out of memory", name);
		return -1;
	}
	for (;;) {
		if (tar_data(t, &p, &n, &err) != TEEC_OK) {
			shape(rd, "%s: cannot be read (%s)", name, err.msg);
			digest_free(&c);
			return -1;
		}
		if (n == 0)
			break;
		digest_update(&c, p, n);
	}
	digest_final(&c, md);
	return 0;
}

/* One line of network.jsonl against the report's dependency. */
static void
network_line(struct reader *rd, const uint8_t *p, size_t n)
{
	const struct report *rep = &rd->out->report;
	size_t i = rd->out->network_lines++;
	struct teec_err err = { "" };

	if (rd->network[0] != '\0' || !rd->out->report_ok)
		return;
	if (i >= rep->ndeps) {
		snprintf(rd->network, sizeof(rd->network), BUNDLE_NETWORK
		    ": line %zu: the report has only %zu network dependencies",
		    i, rep->ndeps);
		return;
	}
	if (netlog_check_line(p, n, i, &rep->deps[i], &err) != TEEC_OK)
		snprintf(rd->network, sizeof(rd->network), "%.250s", err.msg);
}

/*
 * network.jsonl, streamed: hashed, cut into lines, each line checked as
 * it ends (the report came first).
 */
static int
network_member(struct reader *rd, struct tar *t, const char *name)
{
	struct teec_err err = { "" };
	struct digest c;
	struct buf line;
	const uint8_t *iobuf;
	size_t n, start, end;
	int rc = -1, toolong = 0;

	buf_init(&line, TEEC_MAX_NET_LINE);
	if (digest_init(&c, EVP_sha256()) == -1) {
		shape(rd, "%s: out of memory", name);
		return -1;
	}
	for (;;) {
		if (tar_data(t, &iobuf, &n, &err) != TEEC_OK) {
			shape(rd, "%s: cannot be read (%s)", name, err.msg);
			digest_free(&c);
			goto out;
		}
		if (n == 0)
			break;
		digest_update(&c, iobuf, n);
		for (start = 0; start < n; start = end + 1) {
			for (end = start; end < n && iobuf[end] != '\n';
			    end++)
				;
			if (!toolong && buf_append(&line, iobuf + start,
			    end - start) == -1) {
				toolong = 1;
				if (rd->network[0] == '\0')
					snprintf(rd->network, sizeof(rd->network),
					    BUNDLE_NETWORK ": line %zu: longer "
					    "than %u bytes", rd->out->network_lines,
					    TEEC_MAX_NET_LINE);
			}
			if (end == n)
				break;
			if (toolong)
				rd->out->network_lines++;
			else
				network_line(rd, line.data != NULL ? line.data :
				    (const uint8_t *)"", line.len);
			line.len = 0;
			toolong = 0;
		}
	}
	if ((line.len > 0 || toolong) && rd->network[0] == '\0')
		snprintf(rd->network, sizeof(rd->network), BUNDLE_NETWORK
		    ": the last line does not end with a newline");
	digest_final(&c, rd->out->network_sha256);
	rc = 0;
out:
	buf_free(&line);
	return rc;
}

static void
after_report(struct reader *rd)
{
	struct bundle_out *out = rd->out;
	struct teec_err err = { "" };
	size_t i;

	if (report_parse(out->report_bytes.data, out->report_bytes.len,
	    &out->report, &err) != TEEC_OK) {
		snprintf(rd->report_err, sizeof(rd->report_err), "%s", err.msg);
		report_free(&out->report);
		return;
	}
	out->report_ok = 1;
	if (out->report.nsubjects > 0) {
		out->subj = calloc(out->report.nsubjects, sizeof(*out->subj));
		rd->order = calloc(out->report.nsubjects, sizeof(*rd->order));
		if (out->subj == NULL || rd->order == NULL) {
			snprintf(rd->report_err, sizeof(rd->report_err), "out of memory");
			out->report_ok = 0;
			return;
		}
		for (i = 0; i < out->report.nsubjects; i++)
			rd->order[i] = i;
		cmp_report = &out->report;
		qsort(rd->order, out->report.nsubjects, sizeof(size_t), cmp_subject);
	}
}

static void
artifact(struct reader *rd, struct tar *t, const char *name)
{
	struct bundle_out *out = rd->out;
	const char *sub = name + strlen(BUNDLE_ARTIFACTS);
	uint8_t md[32];
	long k = -1;

	out->nartifacts++;
	if (hash_member(rd, t, name, md) == -1)
		return;
	if (!out->report_ok)
		return;                 /* the report check says why */
	if ((k = find_subject(rd, sub)) < 0) {
		if (rd->mismatch[0] == '\0')
			snprintf(rd->mismatch, sizeof(rd->mismatch),
			    "%.200s is not a subject of the report", name);
		return;
	}
	out->subj[k].in_bundle = 1;
	out->subj[k].ok = CRYPTO_memcmp(md, out->report.subjects[k].sha256, 32) == 0;
	if (!out->subj[k].ok && rd->mismatch[0] == '\0')
		snprintf(rd->mismatch, sizeof(rd->mismatch),
		    "%.200s: SHA-256 differs from its subject's", name);
}

/* Remember a member name; 1 if it was seen before (names compared by SHA-256). */
static int
seen_before(struct reader *rd, const char *name)
{
	uint8_t md[32];
	size_t i, k = rd->members - 1;

	sha256(name, strlen(name), md);
	for (i = 0; i < k; i++)
		if (memcmp(rd->seen[i], md, 16) == 0)
			return 1;
	memcpy(rd->seen[k], md, 16);
	return 0;
}

static void
read_members(struct reader *rd, struct tar *t)
{
	struct teec_err err = { "" };
	struct tar_entry *e;
	const char *name;
	int end = 0;

	if ((e = malloc(sizeof(*e))) == NULL ||
	    (rd->seen = calloc(TEEC_MAX_BUNDLE_MEMBERS, sizeof(*rd->seen))) == NULL) {
		free(e);
		shape(rd, "%s", "out of memory");
		return;
	}
	for (;;) {
		if (tar_next(t, e, &end, &err) != TEEC_OK) {
			shape(rd, "not a valid tar stream (%s)", err.msg);
			break;
		}
		if (end)
			break;
		if (++rd->members > TEEC_MAX_BUNDLE_MEMBERS) {
			shape(rd, "%s", "too many members");
			break;
		}
		name = e->name;
		if (!bundle_name_ok(name)) {
			shape(rd, "%s", "a member has an unsafe name");
			break;
		}
		if (seen_before(rd, name)) {
			shape(rd, "%.200s: duplicate member", name);
			break;
		}
		if (rd->members == 1 && strcmp(name, BUNDLE_REPORT) != 0) {
			shape(rd, "the first member is not %s", BUNDLE_REPORT);
			break;
		}
		if (rd->members == 2 && strcmp(name, BUNDLE_ATTESTATION) != 0) {
			shape(rd, "the second member is not %s", BUNDLE_ATTESTATION);
			break;
		}
		if (strcmp(name, BUNDLE_REPORT) == 0) {
			rd->have_report = 1;
			if (read_small(rd, t, e, TEEC_MAX_REPORT_BYTES,
			    &rd->out->report_bytes) == -1)
				break;
			after_report(rd);
		} else if (strcmp(name, BUNDLE_ATTESTATION) == 0) {
			rd->have_att = 1;
			if (read_small(rd, t, e, TEEC_MAX_DOC_BYTES, &rd->att) == -1)
				break;
		} else if (strcmp(name, BUNDLE_LOG) == 0) {
			rd->out->has_log = 1;
			rd->out->log_size = e->size;
			if (e->size > TEEC_MAX_LOG_BYTES) {
				shape(rd, "%s: over its size cap", name);
				break;
			}
			if (hash_member(rd, t, name, rd->out->log_sha256) == -1)
				break;
		} else if (strcmp(name, BUNDLE_NETWORK) == 0) {
			rd->out->has_network = 1;
			rd->out->network_size = e->size;
			if (e->size > TEEC_MAX_NET_TRANSCRIPT) {
				shape(rd, "%s: over its size cap", name);
				break;
			}
			if (network_member(rd, t, name) == -1)
				break;
		} else if (strncmp(name, BUNDLE_ARTIFACTS, strlen(BUNDLE_ARTIFACTS)) == 0 &&
		    name[strlen(BUNDLE_ARTIFACTS)] != '\0') {
			/* the reader caps every entry at TEEC_MAX_ARTIFACT_BYTES */
			artifact(rd, t, name);
			if (rd->shape[0] != '\0')
				break;
		} else {
			shape(rd, "%s: not a member a bundle may have", name);
			break;
		}
	}
	free(e);
	if (rd->shape[0] == '\0' && !rd->have_report)
		shape(rd, "no %s", BUNDLE_REPORT);
	if (rd->shape[0] == '\0' && !rd->have_att)
		shape(rd, "no %s", BUNDLE_ATTESTATION);
}

static const char *
base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

static void
skip_rest(struct vresult *r, const char *from, int files)
{
	static const char *const order[] = { "image", "binding", "report",
	    "artifacts", "files", NULL };
	size_t i;
	int on = 0;

	for (i = 0; order[i] != NULL; i++) {
		if (strcmp(order[i], from) == 0)
			on = 1;
		if (on && (files || strcmp(order[i], "files") != 0))
			vresult_skip(r, order[i]);
	}
}

int
bundle_verify(const char *path, const struct bundle_opts *o,
    struct bundle_out *out, struct vresult *r, struct teec_err *err)
{
	struct reader rd;
	struct tar *t = NULL;
	struct attest_opts ao;
	uint8_t want[REPORT_BINDING_LEN], md[32];
	const struct nitro_doc *d;
	char why[256];
	size_t i, j, checked = 0, missing = 0;
	int fd = -1, rc = TEEC_ERROR, is_stdin = strcmp(path, "-") == 0;
	struct stat st;

	memset(out, 0, sizeof(*out));
	memset(&rd, 0, sizeof(rd));
	rd.o = o;
	rd.out = out;
	buf_init(&rd.att, TEEC_MAX_DOC_BYTES);
	buf_init(&out->report_bytes, TEEC_MAX_REPORT_BYTES);

	if (is_stdin)
		fd = STDIN_FILENO;
	else if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		teec_errf(err, TEEC_ERROR, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (fstat(fd, &st) == -1 || S_ISDIR(st.st_mode)) {
		teec_errf(err, TEEC_ERROR, "%s: is a directory", path);
		goto out;
	}
	/* Detached files must be readable before anything is judged. */
	for (i = 0; i < o->nfiles; i++)
		if (access(o->files[i], R_OK) != 0) {
			teec_errf(err, TEEC_ERROR, "%s: %s", o->files[i], strerror(errno));
			goto out;
		}
	/* Every entry is capped at the largest member a bundle may hold. */
	if (tar_open_fd(&t, fd, TAR_IO_DEFAULT, TEEC_MAX_ARTIFACT_BYTES, err) !=
	    TEEC_OK)
		goto out;
	read_members(&rd, t);

	/* 1. bundle shape */
	if (rd.shape[0] != '\0') {
		vresult_fail(r, "bundle", R_BAD_BUNDLE, "%s", rd.shape);
		for (i = 0; attest_check_names[i] != NULL; i++)
			vresult_skip(r, attest_check_names[i]);
		skip_rest(r, "image", o->nfiles > 0);
		rc = TEEC_FAIL;
		goto out;
	}
	vresult_ok(r, "bundle", "%zu members: report, attestation%s%s, %zu artifact%s",
	    rd.members, out->has_log ? ", build log" : "",
	    out->has_network ? ", network transcript" : "", out->nartifacts,
	    out->nartifacts == 1 ? "" : "s");

	/* 2. the attestation document */
	memset(&ao, 0, sizeof(ao));
	ao.roots = o->roots;
	ao.at_mode = o->at_mode;
	ao.at = o->at;
	ao.allow_debug = o->allow_debug;
	ao.dev_root = o->dev_root;
	ao.dev_root_len = o->dev_root_len;
	ao.cache = o->cache;
	if (attest_verify(rd.att.data, rd.att.len, &ao, &out->att, r) != TEEC_OK) {
		skip_rest(r, "image", o->nfiles > 0);
		rc = TEEC_FAIL;
		goto out;
	}
	d = &out->att.doc;

	/*
	 * 3. the enclave image. The development root only ever vouches for
	 * zero PCRs: it never stands for a trusted image.
	 */
	if (out->att.dev && !out->att.debug) {
		vresult_fail(r, "image", R_UNKNOWN_IMAGE,
		    "the local development root signed non-zero PCRs: no image is trusted that way");
		skip_rest(r, "binding", o->nfiles > 0);
		rc = TEEC_FAIL;
		goto out;
	} else if (out->att.dev) {
		out->dev_image = 1;
		out->image_ok = 1;
		vresult_ok(r, "image", "zero PCRs: a local development build, accepted by --dev");
	} else if (out->att.debug) {
		out->image_ok = 1;
		vresult_ok(r, "image", "zero PCRs: a debug-mode enclave, image unknown (accepted by --allow-debug)");
	} else if ((out->image = images_match(o->images, d, why, sizeof(why))) == NULL) {
		vresult_fail(r, "image", R_UNKNOWN_IMAGE, "%s", why);
		skip_rest(r, "binding", o->nfiles > 0);
		rc = TEEC_FAIL;
		goto out;
	} else {
		out->image_ok = 1;
		vresult_ok(r, "image", "PCRs match trusted image \"%.100s\"",
		    out->image->name);
	}

	/* 4. the binding: user_data = "teec-report-v1:" || SHA-384(report.json) */
	report_binding(out->report_bytes.data, out->report_bytes.len, want);
	if (!d->user_data.present || d->user_data.n != REPORT_BINDING_LEN ||
	    CRYPTO_memcmp(d->user_data.p, want, REPORT_BINDING_LEN) != 0) {
		vresult_fail(r, "binding", R_BINDING_MISMATCH, "%s",
		    !d->user_data.present ? "the document has no user_data" :
		    d->user_data.n >= REPORT_BINDING_PREFIX_LEN &&
		    memcmp(d->user_data.p, REPORT_BINDING_PREFIX,
		    REPORT_BINDING_PREFIX_LEN) != 0 ?
		    "user_data does not start with \"teec-report-v1:\"" :
		    "user_data is not the SHA-384 of this report.json");
		skip_rest(r, "report", o->nfiles > 0);
		rc = TEEC_FAIL;
		goto out;
	}
	vresult_ok(r, "binding", "user_data binds the SHA-384 of report.json");

	/* 5. report.json */
	if (!out->report_ok) {
		vresult_fail(r, "report", R_BAD_REPORT, "%s", rd.report_err);
		skip_rest(r, "artifacts", o->nfiles > 0);
		rc = TEEC_FAIL;
		goto out;
	}
	/* The report may repeat the image's PCRs; the signed ones are what count. */
	if (out->report.has_pcrs) {
		for (i = 0; i < 3; i++)
			if (d->pcr_len[i] != 48 ||
			    CRYPTO_memcmp(out->report.pcrs[i], d->pcr[i], 48) != 0)
				break;
		if (i < 3) {
			vresult_fail(r, "report", R_BAD_REPORT,
			    "the report's enclave-image PCR%zu differs from the attested one", i);
			skip_rest(r, "artifacts", o->nfiles > 0);
			rc = TEEC_FAIL;
			goto out;
		}
	}
	vresult_ok(r, "report", "in-toto Statement v1, SLSA provenance v1, %zu subject%s",
	    out->report.nsubjects, out->report.nsubjects == 1 ? "" : "s");

	/* 6. artifacts and the build log */
	if (rd.mismatch[0] != '\0') {
		vresult_fail(r, "artifacts", R_ARTIFACT_MISMATCH, "%s", rd.mismatch);
		skip_rest(r, "files", o->nfiles > 0);
		rc = TEEC_FAIL;
		goto out;
	}
	if (out->has_log && (!out->report.has_log ||
	    CRYPTO_memcmp(out->log_sha256, out->report.log_sha256, 32) != 0)) {
		vresult_fail(r, "artifacts", R_ARTIFACT_MISMATCH,
		    "build.log differs from the report's byproduct digest");
		skip_rest(r, "files", o->nfiles > 0);
		rc = TEEC_FAIL;
		goto out;
	}
	/*
	 * network.jsonl: the byproduct's digest, and line by line the same
	 * exchanges as the report's network dependencies, in order.
	 */
	if (out->has_network && (!out->report.has_net ||
	    CRYPTO_memcmp(out->network_sha256, out->report.net_sha256,
	    32) != 0 || rd.network[0] != '\0' ||
	    out->network_lines != out->report.ndeps)) {
		if (!out->report.has_net)
			vresult_fail(r, "artifacts", R_ARTIFACT_MISMATCH,
			    "network.jsonl is in the bundle but the report lists "
			    "no such byproduct");
		else if (CRYPTO_memcmp(out->network_sha256,
		    out->report.net_sha256, 32) != 0)
			vresult_fail(r, "artifacts", R_ARTIFACT_MISMATCH,
			    "network.jsonl differs from the report's byproduct "
			    "digest");
		else if (rd.network[0] != '\0')
			vresult_fail(r, "artifacts", R_ARTIFACT_MISMATCH, "%s",
			    rd.network);
		else
			vresult_fail(r, "artifacts", R_ARTIFACT_MISMATCH,
			    "network.jsonl has %zu lines, the report %zu network "
			    "dependencies", out->network_lines,
			    out->report.ndeps);
		skip_rest(r, "files", o->nfiles > 0);
		rc = TEEC_FAIL;
		goto out;
	}
	for (i = 0; i < out->report.nsubjects; i++)
		if (!out->subj[i].in_bundle)
			missing++;
	if (out->nartifacts == 0)
		vresult_ok(r, "artifacts", "detached: the bundle carries no artifacts");
	else
		vresult_ok(r, "artifacts", "every artifact matches its subject (%zu in the bundle%s)",
		    out->nartifacts, missing ? ", some subjects travel separately" : "");

	/* 7. detached files: a subject of the same base name and digest */
	if (o->nfiles > 0) {
		for (i = 0; i < o->nfiles; i++) {
			int found = 0, named = 0;

			if (sha256_file(o->files[i], md, NULL, err) != TEEC_OK) {
				rc = TEEC_ERROR;
				goto out;
			}
			for (j = 0; j < out->report.nsubjects; j++) {
				if (strcmp(base_name(out->report.subjects[j].name),
				    base_name(o->files[i])) != 0)
					continue;
				named = 1;
				if (CRYPTO_memcmp(md, out->report.subjects[j].sha256, 32) == 0) {
					out->subj[j].file_checked = 1;
					out->subj[j].ok = 1;
					found = 1;
				}
			}
			if (!found) {
				vresult_fail(r, "files", R_FILE_MISMATCH, named ?
				    "%.200s: its SHA-256 differs from the subject of that name" :
				    "%.200s: no subject of that name in the report",
				    base_name(o->files[i]));
				rc = TEEC_FAIL;
				goto out;
			}
			checked++;
		}
		vresult_ok(r, "files", "%zu file%s match their subjects", checked,
		    checked == 1 ? "" : "s");
	}
	rc = r->status;
	out->verified = rc == TEEC_OK;
out:
	tar_close(t);
	if (fd != -1 && !is_stdin)
		close(fd);
	buf_free(&rd.att);
	free(rd.order);
	free(rd.seen);
	return rc;
}

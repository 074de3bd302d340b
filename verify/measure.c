/* SPDX-License-Identifier: ISC */
/*
 * teec-verify measure: the PCRs of an EIF, and adding an image to a trust
 * store. See teec-verify(1), "teec-verify measure".
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cJSON.h>

#include "common/buf.h"
#include "common/caps.h"
#include "common/cli.h"
#include "common/encode.h"
#include "common/escape.h"
#include "common/fileio.h"
#include "common/json.h"
#include "common/timefmt.h"
#include "common/utf8.h"
#include "verify/images.h"
#include "verify/measure.h"
#include "verify/render.h"
#include "verify/store.h"

#define MANIFEST_NAME "images.json"
#define NEW_MANIFEST_NOTE "Trusted enclave images (teec-verify(1), TRUST STORE). " \
	"Entries are added by `teec-verify measure --add`, never deleted, only " \
	"end-dated (valid_until)."

static const char *progname = "teec-verify";

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: teec-verify measure [--format text|json] IMAGE.eif\n"
	    "       teec-verify measure [--format text|json] --add NAME\n"
	    "           [--trust-store DIR] [--language TEXT] [--toolchain TEXT]\n"
	    "           [--recipe TEXT] [--source TEXT] [--note TEXT] IMAGE.eif\n");
}

/* Every message may quote a path or input: escaped (common/cli.h). */
#define errmsg(...) cli_sub_errmsg(progname, "measure", __VA_ARGS__)
#define die_usage(...) cli_sub_usage_error(progname, "measure", usage, \
	__VA_ARGS__)

/* A text field of an entry: 1..TEEC_MAX_IMAGE_TEXT bytes, UTF-8, no controls. */
static int
check_text(const char *field, const char *s, struct teec_err *err)
{
	size_t i, n;

	if (s == NULL)
		return TEEC_OK;
	n = strlen(s);
	if (n == 0)
		return teec_errf(err, TEEC_ERROR, "%s: empty", field);
	if (n > TEEC_MAX_IMAGE_TEXT)
		return teec_errf(err, TEEC_ERROR, "%s: longer than %u bytes", field,
		    TEEC_MAX_IMAGE_TEXT);
	if (!utf8_valid((const uint8_t *)s, n))
		return teec_errf(err, TEEC_ERROR, "%s: not UTF-8", field);
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return teec_errf(err, TEEC_ERROR, "%s: holds a control character",
			    field);
	return TEEC_OK;
}

static int
add_string(cJSON *o, const char *key, const char *v)
{
	if (v == NULL)
		return 0;
	return cJSON_AddStringToObject(o, key, v) == NULL ? -1 : 0;
}

/* The entry as a cJSON object, members in the order teec-verify(1) lists. */
static cJSON *
entry_json(const struct image_entry *e)
{
	cJSON *o = NULL, *pcrs;
	char hex[2 * EIF_PCR_BYTES + 1], key[4], t[48];
	unsigned i;

	if ((o = cJSON_CreateObject()) == NULL)
		goto bad;
	if (add_string(o, "name", e->name) == -1 ||
	    add_string(o, "language", e->language) == -1 ||
	    add_string(o, "toolchain", e->toolchain) == -1 ||
	    add_string(o, "recipe", e->recipe) == -1 ||
	    add_string(o, "source", e->source) == -1 ||
	    add_string(o, "note", e->note) == -1)
		goto bad;
	if ((pcrs = cJSON_AddObjectToObject(o, "pcrs")) == NULL)
		goto bad;
	for (i = 0; i < EIF_PCR_SLOTS; i++) {
		if (!(e->pcr_mask & (1u << i)))
			continue;
		hex_encode(e->pcr[i], EIF_PCR_BYTES, hex);
		snprintf(key, sizeof(key), "%u", i);
		if (cJSON_AddStringToObject(pcrs, key, hex) == NULL)
			goto bad;
	}
	time_fmt(e->valid_from, t, sizeof(t));
	if (add_string(o, "valid_from", t) == -1)
		goto bad;
	return o;
bad:
	cJSON_Delete(o);
	return NULL;
}

static int
check_texts(const struct image_entry *e, struct teec_err *err)
{
	if (e->name == NULL)
		return teec_errf(err, TEEC_ERROR, "name: missing");
	if (check_text("name", e->name, err) != TEEC_OK ||
	    check_text("language", e->language, err) != TEEC_OK ||
	    check_text("toolchain", e->toolchain, err) != TEEC_OK ||
	    check_text("recipe", e->recipe, err) != TEEC_OK ||
	    check_text("source", e->source, err) != TEEC_OK ||
	    check_text("note", e->note, err) != TEEC_OK)
		return TEEC_ERROR;
	return TEEC_OK;
}

static int
check_entry(const struct image_entry *e, struct teec_err *err)
{
	if (check_texts(e, err) != TEEC_OK)
		return TEEC_ERROR;
	if ((e->pcr_mask & 7u) != 7u)
		return teec_errf(err, TEEC_ERROR, "PCR0, PCR1 and PCR2 are required");
	if (e->pcr_mask & ~((1u << EIF_PCR_SLOTS) - 1))
		return teec_errf(err, TEEC_ERROR, "a PCR index above %u",
		    EIF_PCR_SLOTS - 1);
	if (e->valid_from < 0 || e->valid_from > 253402300799LL)
		return teec_errf(err, TEEC_ERROR, "valid_from out of range");
	return TEEC_OK;
}

int
measure_add_image(const char *dir, const struct image_entry *e, char *path,
    size_t pathlen, struct teec_err *err)
{
	struct atomic_file af;
	struct images old, check;
	struct stat st;
	struct buf in, out;
	cJSON *root = NULL, *arr, *item;
	char *text = NULL;
	mode_t mode = 0644;
	size_t i;
	int dfd = -1, exists = 0, rc = TEEC_ERROR;

	memset(&old, 0, sizeof(old));
	memset(&check, 0, sizeof(check));
	memset(&af, 0, sizeof(af));
	af.fd = -1;
	buf_init(&in, TEEC_MAX_MANIFEST_BYTES);
	buf_init(&out, TEEC_MAX_MANIFEST_BYTES);
	if (pathlen > 0)
		path[0] = '\0';
	if (check_entry(e, err) != TEEC_OK)
		goto out;
	if ((size_t)snprintf(path, pathlen, "%s/%s", dir, MANIFEST_NAME) >= pathlen) {
		teec_errf(err, TEEC_ERROR, "%s: path too long", dir);
		goto out;
	}
	/* One writer at a time: the lock is on the store directory itself. */
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		teec_errf(err, TEEC_ERROR, "%s: %s", dir, strerror(errno));
		goto out;
	}
	while (flock(dfd, LOCK_EX) == -1) {
		if (errno != EINTR) {
			teec_errf(err, TEEC_ERROR, "%s: lock: %s", dir, strerror(errno));
			goto out;
		}
	}
	if (lstat(path, &st) == 0) {
		if (!S_ISREG(st.st_mode)) {
			teec_errf(err, TEEC_ERROR, "%s: not a regular file", path);
			goto out;
		}
		exists = 1;
		mode = st.st_mode & 0777;
	} else if (errno != ENOENT) {
		teec_errf(err, TEEC_ERROR, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (exists) {
		buf_free(&in);
		if (read_file_capped(path, TEEC_MAX_MANIFEST_BYTES, &in, err) != TEEC_OK)
			goto out;
		if (images_parse(path, in.data, in.len, &old, err) != TEEC_OK)
			goto out;
		for (i = 0; i < old.n; i++)
			if (strcmp(old.v[i].name, e->name) == 0) {
				teec_errf(err, TEEC_ERROR, "%s: an image named \"%s\" is "
				    "already there (entries are never replaced)", path,
				    e->name);
				goto out;
			}
		if (old.n >= TEEC_MAX_IMAGES) {
			teec_errf(err, TEEC_ERROR, "%s: already %u images, the most a "
			    "manifest holds", path, TEEC_MAX_IMAGES);
			goto out;
		}
		/* images_parse() accepted it, so this strict parse does too. */
		if (json_parse_strict(path, in.data, in.len, TEEC_MAX_JSON_DEPTH,
		    &root, err) != TEEC_OK)
			goto out;
	} else {
		if ((root = cJSON_CreateObject()) == NULL ||
		    cJSON_AddStringToObject(root, "note", NEW_MANIFEST_NOTE) == NULL ||
		    cJSON_AddArrayToObject(root, "images") == NULL) {
			teec_errf(err, TEEC_ERROR, "out of memory");
			goto out;
		}
	}
	if ((arr = cJSON_GetObjectItemCaseSensitive(root, "images")) == NULL ||
	    !cJSON_IsArray(arr)) {
		teec_errf(err, TEEC_ERROR, "%s: no images array", path);
		goto out;
	}
	if ((item = entry_json(e)) == NULL) {
		teec_errf(err, TEEC_ERROR, "out of memory");
		goto out;
	}
	if (!cJSON_AddItemToArray(arr, item)) {
		cJSON_Delete(item);
		teec_errf(err, TEEC_ERROR, "out of memory");
		goto out;
	}
	if ((text = cJSON_Print(root)) == NULL) {
		teec_errf(err, TEEC_ERROR, "out of memory");
		goto out;
	}
	if (buf_append(&out, text, strlen(text)) == -1 || buf_putc(&out, '\n') == -1) {
		teec_errf(err, TEEC_ERROR, "%s: would grow past %u bytes", path,
		    TEEC_MAX_MANIFEST_BYTES);
		goto out;
	}
	/* What teec-verify will read must be what was meant. */
	if (images_parse(path, out.data, out.len, &check, err) != TEEC_OK)
		goto out;
	if (check.n != old.n + 1 ||
	    strcmp(check.v[check.n - 1].name, e->name) != 0 ||
	    check.v[check.n - 1].pcr_mask != e->pcr_mask) {
		teec_errf(err, TEEC_ERROR, "%s: the new manifest does not read back",
		    path);
		goto out;
	}
	for (i = 0; i < EIF_PCR_SLOTS; i++)
		if ((e->pcr_mask & (1u << i)) &&
		    memcmp(check.v[check.n - 1].pcr[i], e->pcr[i], EIF_PCR_BYTES) != 0) {
			teec_errf(err, TEEC_ERROR, "%s: the new manifest does not read "
			    "back", path);
			goto out;
		}
	if (atomic_open(&af, path, (int)mode, err) != TEEC_OK)
		goto out;
	if (write_all(af.fd, out.data, out.len) == -1) {
		teec_errf(err, TEEC_ERROR, "%s: %s", path, strerror(errno));
		atomic_abort(&af);
		goto out;
	}
	if (atomic_commit(&af, err) != TEEC_OK)
		goto out;
	rc = TEEC_OK;
out:
	cJSON_free(text);
	cJSON_Delete(root);
	images_free(&old);
	images_free(&check);
	buf_free(&in);
	buf_free(&out);
	if (dfd != -1)
		close(dfd);     /* releases the lock */
	return rc;
}

enum fmt { FMT_TEXT, FMT_JSON };

static void
print_text(struct buf *b, const char *file, const struct eif_measurement *m)
{
	char hex[2 * EIF_PCR_BYTES + 1];
	unsigned i;

	esc_term(b, file, strlen(file));
	buf_printf(b, ": EIF version %u, %s, %zu sections, %zu ramdisk%s, %s\n",
	    m->version, eif_arch(m->flags), m->nsections, m->nramdisks,
	    m->nramdisks == 1 ? "" : "s", m->is_signed ? "signed" : "not signed");
	for (i = 0; i < EIF_PCR_SLOTS; i++) {
		if (!(m->pcr_mask & (1u << i)))
			continue;
		hex_encode(m->pcr[i], EIF_PCR_BYTES, hex);
		buf_printf(b, "PCR%u %s\n", i, hex);
	}
}

static void
print_json(struct buf *b, const char *file, const struct eif_measurement *m,
    const char *added, const char *manifest)
{
	char hex[2 * EIF_PCR_BYTES + 1];
	unsigned i, n = 0;

	buf_printf(b, "{\"file\":");
	json_str_any(b, file, strlen(file));
	buf_printf(b, ",\"version\":%u,\"arch\":\"%s\",\"sections\":%zu,"
	    "\"ramdisks\":%zu,\"signed\":%s,\"pcrs\":{", m->version,
	    eif_arch(m->flags), m->nsections, m->nramdisks,
	    m->is_signed ? "true" : "false");
	for (i = 0; i < EIF_PCR_SLOTS; i++) {
		if (!(m->pcr_mask & (1u << i)))
			continue;
		hex_encode(m->pcr[i], EIF_PCR_BYTES, hex);
		buf_printf(b, "%s\"%u\":\"%s\"", n++ ? "," : "", i, hex);
	}
	buf_printf(b, "}");
	if (added != NULL) {
		buf_printf(b, ",\"added\":{\"name\":");
		json_str_any(b, added, strlen(added));
		buf_printf(b, ",\"manifest\":");
		json_str_any(b, manifest, strlen(manifest));
		buf_printf(b, "}");
	}
	buf_printf(b, "}\n");
}

int
cmd_measure(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "add", required_argument, NULL, 'A' },
		{ "trust-store", required_argument, NULL, 's' },
		{ "language", required_argument, NULL, 'l' },
		{ "toolchain", required_argument, NULL, 't' },
		{ "recipe", required_argument, NULL, 'r' },
		{ "source", required_argument, NULL, 'S' },
		{ "note", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct teec_err err = { "" };
	struct eif_measurement m;
	struct image_entry e;
	struct buf out;
	const char *store = NULL, **field = NULL, *file;
	char storedir[PATH_MAX], manifest[PATH_MAX + 32];
	enum fmt fmt = FMT_TEXT;
	int ch, i, seen_format = 0;

	memset(&e, 0, sizeof(e));
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			if (seen_format++)
				return die_usage("--format given twice");
			if (strcmp(optarg, "text") == 0)
				fmt = FMT_TEXT;
			else if (strcmp(optarg, "json") == 0)
				fmt = FMT_JSON;
			else
				return die_usage("--format: not text or json");
			break;
		case 'A':
		case 'l':
		case 't':
		case 'r':
		case 'S':
		case 'n':
			field = ch == 'A' ? &e.name : ch == 'l' ? &e.language :
			    ch == 't' ? &e.toolchain : ch == 'r' ? &e.recipe :
			    ch == 'S' ? &e.source : &e.note;
			if (*field != NULL) {
				for (i = 0; longopts[i].val != ch; i++)
					;
				return die_usage("--%s given twice", longopts[i].name);
			}
			*field = optarg;
			break;
		case 's':
			if (store != NULL)
				return die_usage("--trust-store given twice");
			store = optarg;
			break;
		case 'h':
			usage(stdout);
			return TEEC_OK;
		case 'V':
			printf("teec-verify %s\n", TEEC_VERSION);
			return TEEC_OK;
		case ':':
			return die_usage("option needs an argument");
		default:
			for (i = 0; longopts[i].name != NULL; i++)
				if (optopt != 0 && longopts[i].val == optopt)
					return die_usage("--%s needs a value",
					    longopts[i].name);
			return cli_sub_bad_option(progname, "measure", usage,
			    argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return die_usage("no IMAGE.eif given");
	if (argc - optind > 1)
		return die_usage("one IMAGE.eif at a time");
	file = argv[optind];
	if (e.name == NULL && (store != NULL || e.language != NULL ||
	    e.toolchain != NULL || e.recipe != NULL || e.source != NULL ||
	    e.note != NULL))
		return die_usage("--trust-store, --language, --toolchain, --recipe, "
		    "--source and --note go with --add");
	if (e.name != NULL && check_texts(&e, &err) != TEEC_OK)
		return die_usage("%s", err.msg);
	if (e.name != NULL &&
	    store_resolve(store, storedir, sizeof(storedir), &err) != TEEC_OK) {
		errmsg("%s", err.msg);
		return TEEC_ERROR;
	}

	if (eif_measure_file(file, &m, &err) != TEEC_OK) {
		errmsg("%s", err.msg);
		return TEEC_ERROR;
	}
	manifest[0] = '\0';
	if (e.name != NULL) {
		memcpy(e.pcr, m.pcr, sizeof(e.pcr));
		e.pcr_mask = m.pcr_mask;
		e.valid_from = (int64_t)time(NULL);
		if (measure_add_image(storedir, &e, manifest, sizeof(manifest),
		    &err) != TEEC_OK) {
			errmsg("%s", err.msg);
			return TEEC_ERROR;
		}
	}
	buf_init(&out, 64 * 1024);
	if (fmt == FMT_JSON)
		print_json(&out, file, &m, e.name, manifest);
	else
		print_text(&out, file, &m);
	if (out.data != NULL)
		fwrite(out.data, 1, out.len, stdout);
	buf_free(&out);
	if (e.name != NULL)
		errmsg("added image \"%s\" to %s", e.name, manifest);
	return fflush(stdout) == 0 ? TEEC_OK : TEEC_ERROR;
}

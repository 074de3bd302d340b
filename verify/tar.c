/* SPDX-License-Identifier: ISC */
/*
 * The tar reader of verify/tar.h. Header layout: IEEE Std 1003.1-2017,
 * pax, "ustar Interchange Format" (offsets below); extended headers:
 * the same, "pax Extended Header".
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/utf8.h"
#include "verify/tar.h"

/* ustar header fields: offset, width. */
#define F_NAME      0, 100
#define F_MODE      100, 8
#define F_UID       108, 8
#define F_GID       116, 8
#define F_SIZE      124, 12
#define F_MTIME     136, 12
#define F_CHKSUM    148, 8
#define O_TYPEFLAG  156
#define F_LINKNAME  157, 100
#define O_MAGIC     257             /* magic[6] then version[2] */
#define F_DEVMAJOR  329, 8
#define F_DEVMINOR  337, 8
#define F_PREFIX    345, 155

/* pax keys: the ones read, then the ones ignored. */
enum { K_PATH, K_SIZE, K_MTIME, K_ATIME, K_CTIME, K_UID, K_GID, K_UNAME,
    K_GNAME, K_N };
static const char *const pax_keys[K_N] = { "path", "size", "mtime", "atime",
    "ctime", "uid", "gid", "uname", "gname" };

struct tar {
	int fd;                     /* -1: memory */
	const uint8_t *mem;
	size_t memlen, mempos;
	uint8_t *buf;
	size_t cap, pos, len;       /* buf[pos..len) not consumed yet */
	uint64_t off;               /* stream offset of buf[pos] */
	uint64_t max_size;
	uint64_t left;              /* data bytes left of the current entry */
	size_t pad;                 /* then padding bytes */
	int in_data;
	int done;
	int status;                 /* sticky failure */
	char msg[TEEC_ERR_MAX];
	/* the pending pax extended header */
	int pax;
	int have_path, have_size;
	uint64_t pax_size;
	char pax_path[TEEC_MAX_TAR_NAME + 1];
	uint8_t paxbuf[TEEC_MAX_TAR_PAX_BYTES];
};

static int __attribute__((format(printf, 3, 4)))
bad(struct tar *t, int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->msg, sizeof(t->msg), fmt, ap);
	va_end(ap);
	t->status = status;
	return status;
}

static int
sticky(struct tar *t, struct teec_err *err)
{
	return teec_errf(err, t->status, "%s", t->msg);
}

static int
tar_new(struct tar **tp, size_t iosize, uint64_t max_size,
    struct teec_err *err)
{
	struct tar *t;

	*tp = NULL;
	if (iosize == 0)
		iosize = TAR_IO_DEFAULT;
	if (iosize > TAR_IO_DEFAULT * 64)
		iosize = TAR_IO_DEFAULT * 64;
	if (iosize < TEEC_MAX_TAR_PAX_BYTES)     /* a whole pax header fits */
		iosize = TEEC_MAX_TAR_PAX_BYTES;
	iosize = (iosize + TAR_BLOCK - 1) / TAR_BLOCK * TAR_BLOCK;
	if ((t = calloc(1, sizeof(*t))) == NULL ||
	    (t->buf = malloc(iosize)) == NULL) {
		free(t);
		return teec_errf(err, TEEC_ERROR, "out of memory");
	}
	t->fd = -1;
	t->cap = iosize;
	t->max_size = max_size;
	*tp = t;
	return TEEC_OK;
}

int
tar_open_fd(struct tar **tp, int fd, size_t iosize, uint64_t max_size,
    struct teec_err *err)
{
	if (tar_new(tp, iosize, max_size, err) != TEEC_OK)
		return TEEC_ERROR;
	(*tp)->fd = fd;
	return TEEC_OK;
}

int
tar_open_mem(struct tar **tp, const uint8_t *p, size_t n, size_t iosize,
    uint64_t max_size, struct teec_err *err)
{
	if (tar_new(tp, iosize, max_size, err) != TEEC_OK)
		return TEEC_ERROR;
	(*tp)->mem = p;
	(*tp)->memlen = n;
	return TEEC_OK;
}

void
tar_close(struct tar *t)
{
	if (t == NULL)
		return;
	free(t->buf);
	free(t);
}

uint64_t
tar_offset(const struct tar *t)
{
	return t->off;
}

/* One read into buf[len..cap): adds what came (0 at the end of input). */
static int
fill_once(struct tar *t, size_t *got)
{
	size_t room = t->cap - t->len;
	ssize_t n;

	*got = 0;
	if (t->fd == -1) {
		n = (ssize_t)(t->memlen - t->mempos < room ?
		    t->memlen - t->mempos : room);
		memcpy(t->buf + t->len, t->mem + t->mempos, (size_t)n);
		t->mempos += (size_t)n;
	} else {
		do
			n = read(t->fd, t->buf + t->len, room);
		while (n == -1 && errno == EINTR);
		if (n == -1)
			return bad(t, TEEC_ERROR, "read at byte %llu: %s",
			    (unsigned long long)(t->off + (t->len - t->pos)),
			    strerror(errno));
	}
	t->len += (size_t)n;
	*got = (size_t)n;
	return TEEC_OK;
}

/*
 * At least k (<= cap) unconsumed bytes in the buffer, or all that is
 * left of the input: *avail.
 */
static int
need(struct tar *t, size_t k, size_t *avail)
{
	size_t got;

	if (t->len - t->pos < k && t->cap - t->pos < k) {
		memmove(t->buf, t->buf + t->pos, t->len - t->pos);
		t->len -= t->pos;
		t->pos = 0;
	}
	while (t->len - t->pos < k) {
		if (fill_once(t, &got) != TEEC_OK)
			return TEEC_ERROR;
		if (got == 0)
			break;
	}
	*avail = t->len - t->pos;
	return TEEC_OK;
}

static void
consume(struct tar *t, size_t n)
{
	t->pos += n;
	t->off += n;
	if (t->pos == t->len)
		t->pos = t->len = 0;
}

static int
all_zero(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != 0)
			return 0;
	return 1;
}

/*
 * A numeric field: octal digits, then at least one NUL or space, then
 * only NULs and spaces (ustar Interchange Format: "leading zero-filled
 * octal numbers ... terminated by one or more <space> or NUL
 * characters"). empty_ok: an all-NUL field reads as 0 (devmajor and
 * devminor of regular files). Base-256 (high bit of the first byte) is
 * not ustar and is refused. -1 when malformed.
 */
static int
octal(const uint8_t *h, size_t at, size_t w, int empty_ok, uint64_t *v)
{
	const uint8_t *f = h + at;
	size_t i = 0;

	*v = 0;
	if (empty_ok && all_zero(f, w))
		return 0;
	for (; i < w && f[i] >= '0' && f[i] <= '7'; i++) {
		if (*v > (UINT64_MAX >> 3))
			return -1;
		*v = (*v << 3) | (uint64_t)(f[i] - '0');
	}
	if (i == 0 || i == w)
		return -1;
	for (; i < w; i++)
		if (f[i] != '\0' && f[i] != ' ')
			return -1;
	return 0;
}

/* A text field: its length; the rest must be NUL. -1 when not. */
static long
text(const uint8_t *h, size_t at, size_t w)
{
	const uint8_t *f = h + at;
	const uint8_t *z = memchr(f, '\0', w);
	size_t n = z ? (size_t)(z - f) : w;

	if (!all_zero(f + n, w - n))
		return -1;
	return (long)n;
}

static const char *
type_name(uint8_t c)
{
	switch (c) {
	case '1': return "a hard link";
	case '2': return "a symbolic link";
	case '3': return "a character device";
	case '4': return "a block device";
	case '5': return "a directory";
	case '6': return "a FIFO";
	case '7': return "a contiguous file";
	case 'g': return "a pax global extended header";
	case 'L': return "a GNU long name header";
	case 'K': return "a GNU long link name header";
	case 'S': return "a GNU sparse file";
	default: return NULL;
	}
}

/* The checks every header block passes, whatever its type. */
static int
check_header(struct tar *t, const uint8_t *h, uint64_t at)
{
	unsigned long usum = 0;
	long ssum = 0;
	uint64_t v, sum;
	size_t i;

	if (memcmp(h + O_MAGIC, "ustar  \0", 8) == 0)
		return bad(t, TEEC_FAIL, "header at byte %llu: GNU tar format, "
		    "not POSIX ustar or pax", (unsigned long long)at);
	if (memcmp(h + O_MAGIC, "ustar\0" "00", 8) != 0)
		return bad(t, TEEC_FAIL, "header at byte %llu: no ustar magic "
		    "and version", (unsigned long long)at);
	if (octal(h, F_CHKSUM, 0, &sum) == -1)
		return bad(t, TEEC_FAIL, "header at byte %llu: malformed "
		    "checksum field", (unsigned long long)at);
	/* chksum: "the sum of all bytes in the header ... as unsigned" */
	for (i = 0; i < TAR_BLOCK; i++) {
		uint8_t c = (i >= 148 && i < 156) ? ' ' : h[i];
		usum += c;
		ssum += (signed char)c;
	}
	if (sum != usum)
		return bad(t, TEEC_FAIL, "header at byte %llu: %s",
		    (unsigned long long)at, (long)sum == ssum ?
		    "signed-sum checksum (historical, not ustar) refused" :
		    "checksum mismatch");
	if (octal(h, F_MODE, 0, &v) == -1 || octal(h, F_UID, 0, &v) == -1 ||
	    octal(h, F_GID, 0, &v) == -1 || octal(h, F_MTIME, 0, &v) == -1 ||
	    octal(h, F_DEVMAJOR, 1, &v) == -1 ||
	    octal(h, F_DEVMINOR, 1, &v) == -1)
		return bad(t, TEEC_FAIL, "header at byte %llu: malformed "
		    "numeric field", (unsigned long long)at);
	if (octal(h, F_SIZE, 0, &v) == -1)
		return bad(t, TEEC_FAIL, "header at byte %llu: malformed size "
		    "field", (unsigned long long)at);
	if (text(h, F_NAME) < 0 || text(h, F_PREFIX) < 0)
		return bad(t, TEEC_FAIL, "header at byte %llu: name or prefix "
		    "field not NUL-padded", (unsigned long long)at);
	return TEEC_OK;
}

/* A decimal pax value: digits, no leading zero, no overflow. */
static int
pax_decimal(const uint8_t *p, size_t n, uint64_t *v)
{
	size_t i;

	*v = 0;
	if (n == 0 || n > 20 || (p[0] == '0' && n > 1))
		return -1;
	for (i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9' ||
		    *v > (UINT64_MAX - (uint64_t)(p[i] - '0')) / 10)
			return -1;
		*v = *v * 10 + (uint64_t)(p[i] - '0');
	}
	return 0;
}

/* Records of one pax extended header, "%d %s=%s\n" each. */
static int
pax_parse(struct tar *t, const uint8_t *p, size_t n, uint64_t at)
{
	unsigned int seen = 0;
	size_t off = 0, i, d, reclen, klen;
	const uint8_t *rec, *key, *val, *eq;
	uint64_t len;
	int k;

	if (n == 0)
		return bad(t, TEEC_FAIL, "pax header at byte %llu: empty",
		    (unsigned long long)at);
	while (off < n) {
		rec = p + off;
		reclen = n - off;
		for (d = 0; d < reclen && d < 6 && rec[d] >= '0' &&
		    rec[d] <= '9'; d++)
			;
		if (d == 0 || d == reclen || rec[d] != ' ' ||
		    pax_decimal(rec, d, &len) == -1)
			return bad(t, TEEC_FAIL, "pax header at byte %llu: "
			    "malformed record length", (unsigned long long)at);
		/* LEN counts the whole record: digits, space, key=value, newline */
		if (len > reclen || len < d + 4 || rec[len - 1] != '\n')
			return bad(t, TEEC_FAIL, "pax header at byte %llu: a "
			    "record's length does not match its bytes",
			    (unsigned long long)at);
		key = rec + d + 1;
		eq = memchr(key, '=', (size_t)len - d - 2);
		if (eq == NULL || eq == key)
			return bad(t, TEEC_FAIL, "pax header at byte %llu: a "
			    "record without key=value", (unsigned long long)at);
		klen = (size_t)(eq - key);
		val = eq + 1;
		for (i = 0; i < klen; i++)
			if (key[i] <= 0x20 || key[i] >= 0x7f)
				break;
		for (k = 0; i == klen && k < K_N; k++)
			if (strlen(pax_keys[k]) == klen &&
			    memcmp(pax_keys[k], key, klen) == 0)
				break;
		if (i != klen || k == K_N)
			return bad(t, TEEC_FAIL, "pax header at byte %llu: key "
			    "\"%.*s\" not accepted", (unsigned long long)at,
			    i == klen && klen <= 64 ? (int)klen : 0, key);
		if (seen & (1u << k))
			return bad(t, TEEC_FAIL, "pax header at byte %llu: key "
			    "\"%s\" twice", (unsigned long long)at, pax_keys[k]);
		seen |= 1u << k;
		d = (size_t)(rec + len - 1 - val);     /* value bytes */
		if (k == K_PATH) {
			if (d == 0 || d > TEEC_MAX_TAR_NAME ||
			    memchr(val, '\0', d) != NULL || !utf8_valid(val, d))
				return bad(t, TEEC_FAIL, "pax header at byte %llu: "
				    "path empty, too long, or not UTF-8 text",
				    (unsigned long long)at);
			memcpy(t->pax_path, val, d);
			t->pax_path[d] = '\0';
			t->have_path = 1;
		} else if (k == K_SIZE) {
			if (pax_decimal(val, d, &t->pax_size) == -1)
				return bad(t, TEEC_FAIL, "pax header at byte %llu: "
				    "malformed size", (unsigned long long)at);
			t->have_size = 1;
		}
		off += (size_t)len;
	}
	return TEEC_OK;
}

/* Read the data of a pax header (size bytes, then padding). */
static int
pax_read(struct tar *t, uint64_t size, uint64_t at)
{
	size_t padded, avail;

	if (size > TEEC_MAX_TAR_PAX_BYTES)
		return bad(t, TEEC_FAIL, "pax header at byte %llu: %llu bytes, "
		    "over %u", (unsigned long long)at, (unsigned long long)size,
		    TEEC_MAX_TAR_PAX_BYTES);
	padded = ((size_t)size + TAR_BLOCK - 1) / TAR_BLOCK * TAR_BLOCK;
	if (need(t, padded, &avail) != TEEC_OK)
		return TEEC_ERROR;
	if (avail < padded)
		return bad(t, TEEC_FAIL, "pax header at byte %llu: truncated",
		    (unsigned long long)at);
	memcpy(t->paxbuf, t->buf + t->pos, (size_t)size);
	consume(t, padded);
	return pax_parse(t, t->paxbuf, (size_t)size, at);
}

static void
pax_clear(struct tar *t)
{
	t->pax = t->have_path = t->have_size = 0;
	t->pax_size = 0;
	t->pax_path[0] = '\0';
}

/* The entry's name: pax path, else prefix "/" name. */
static int
entry_name(struct tar *t, const uint8_t *h, struct tar_entry *e, uint64_t at)
{
	size_t nl, pl;

	if (t->have_path) {
		memcpy(e->name, t->pax_path, strlen(t->pax_path) + 1);
		return TEEC_OK;
	}
	nl = (size_t)text(h, F_NAME);
	pl = (size_t)text(h, F_PREFIX);
	if (nl == 0)
		return bad(t, TEEC_FAIL, "header at byte %llu: empty name",
		    (unsigned long long)at);
	if (pl > 0) {
		memcpy(e->name, h + 345, pl);
		e->name[pl] = '/';
		memcpy(e->name + pl + 1, h, nl);
		e->name[pl + 1 + nl] = '\0';
	} else {
		memcpy(e->name, h, nl);
		e->name[nl] = '\0';
	}
	if (!utf8_valid((const uint8_t *)e->name, strlen(e->name)))
		return bad(t, TEEC_FAIL, "header at byte %llu: name not UTF-8",
		    (unsigned long long)at);
	return TEEC_OK;
}

int
tar_data(struct tar *t, const uint8_t **p, size_t *n, struct teec_err *err)
{
	size_t avail, got;

	*p = NULL;
	*n = 0;
	if (t->status != TEEC_OK)
		return sticky(t, err);
	if (!t->in_data)
		return TEEC_OK;
	if (t->left > 0) {
		if (t->pos == t->len) {
			t->pos = t->len = 0;
			if (fill_once(t, &got) != TEEC_OK)
				return sticky(t, err);
			if (got == 0) {
				bad(t, TEEC_FAIL, "data truncated at byte %llu, "
				    "%llu bytes short", (unsigned long long)t->off,
				    (unsigned long long)t->left);
				return sticky(t, err);
			}
		}
		avail = t->len - t->pos;
		*n = (uint64_t)avail < t->left ? avail : (size_t)t->left;
		*p = t->buf + t->pos;
		t->left -= *n;
		consume(t, *n);
		/* the view stays valid: consume only moves indexes */
		return TEEC_OK;
	}
	if (t->pad > 0) {
		if (need(t, t->pad, &avail) != TEEC_OK)
			return sticky(t, err);
		if (avail < t->pad) {
			bad(t, TEEC_FAIL, "padding truncated at byte %llu",
			    (unsigned long long)(t->off + avail));
			return sticky(t, err);
		}
		consume(t, t->pad);
		t->pad = 0;
	}
	t->in_data = 0;
	return TEEC_OK;
}

int
tar_next(struct tar *t, struct tar_entry *e, int *end, struct teec_err *err)
{
	const uint8_t *h, *dp;
	uint64_t at, size, mode;
	size_t avail, dn;
	uint8_t type;

	*end = 0;
	memset(e, 0, sizeof(*e));
	if (t->status != TEEC_OK)
		return sticky(t, err);
	if (t->done) {
		*end = 1;
		return TEEC_OK;
	}
	while (t->in_data) {
		if (tar_data(t, &dp, &dn, err) != TEEC_OK)
			return t->status;
	}
	pax_clear(t);
	e->offset = t->off;
	for (;;) {
		at = t->off;
		if (need(t, TAR_BLOCK, &avail) != TEEC_OK)
			return sticky(t, err);
		if (avail == 0) {
			bad(t, TEEC_FAIL, "ends at byte %llu without the "
			    "end-of-archive marker", (unsigned long long)at);
			return sticky(t, err);
		}
		if (avail < TAR_BLOCK) {
			bad(t, TEEC_FAIL, "header at byte %llu truncated",
			    (unsigned long long)at);
			return sticky(t, err);
		}
		h = t->buf + t->pos;
		if (all_zero(h, TAR_BLOCK)) {
			/* end of archive: two zero blocks */
			if (t->pax) {
				bad(t, TEEC_FAIL, "pax header at byte %llu "
				    "not followed by an entry",
				    (unsigned long long)e->offset);
				return sticky(t, err);
			}
			consume(t, TAR_BLOCK);
			if (need(t, TAR_BLOCK, &avail) != TEEC_OK)
				return sticky(t, err);
			if (avail < TAR_BLOCK ||
			    !all_zero(t->buf + t->pos, TAR_BLOCK)) {
				bad(t, TEEC_FAIL, "a zero block at byte %llu not "
				    "followed by another (end-of-archive marker)",
				    (unsigned long long)at);
				return sticky(t, err);
			}
			consume(t, TAR_BLOCK);
			t->done = 1;
			*end = 1;
			return TEEC_OK;
		}
		if (check_header(t, h, at) != TEEC_OK)
			return sticky(t, err);
		type = h[O_TYPEFLAG];
		octal(h, F_SIZE, 0, &size);
		if (type != '0' && type != '\0' && type != 'x') {
			if (type_name(type) != NULL)
				bad(t, TEEC_FAIL, "header at byte %llu: %s, not a "
				    "regular file", (unsigned long long)at,
				    type_name(type));
			else
				bad(t, TEEC_FAIL, "header at byte %llu: type flag "
				    "0x%02x, not a regular file",
				    (unsigned long long)at, type);
			return sticky(t, err);
		}
		if (text(h, F_LINKNAME) != 0) {
			bad(t, TEEC_FAIL, "header at byte %llu: a link name on "
			    "a regular file or pax header", (unsigned long long)at);
			return sticky(t, err);
		}
		if (type == 'x') {
			if (t->pax) {
				bad(t, TEEC_FAIL, "pax header at byte %llu "
				    "follows another", (unsigned long long)at);
				return sticky(t, err);
			}
			consume(t, TAR_BLOCK);
			t->pax = 1;
			if (pax_read(t, size, at) != TEEC_OK)
				return sticky(t, err);
			continue;
		}
		if (entry_name(t, h, e, at) != TEEC_OK)
			return sticky(t, err);
		if (t->have_size)
			size = t->pax_size;
		if (size > t->max_size) {
			bad(t, TEEC_FAIL, "header at byte %llu: %llu bytes, over "
			    "the cap of %llu", (unsigned long long)at,
			    (unsigned long long)size,
			    (unsigned long long)t->max_size);
			return sticky(t, err);
		}
		octal(h, F_MODE, 0, &mode);
		e->mode = (unsigned int)(mode & 07777);
		e->size = size;
		e->pax = t->pax;
		consume(t, TAR_BLOCK);
		t->left = size;
		t->pad = (size_t)((TAR_BLOCK - size % TAR_BLOCK) % TAR_BLOCK);
		t->in_data = 1;
		return TEEC_OK;
	}
}

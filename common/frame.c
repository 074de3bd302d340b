/* SPDX-License-Identifier: ISC */
#include <sys/socket.h>

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "common/caps.h"
#include "common/fileio.h"
#include "common/frame.h"
#include "common/timefmt.h"
#include "common/utf8.h"

static const char *const type_names[] = {
	[FRAME_HELLO] = "HELLO",
	[FRAME_BUILD_JSON] = "BUILD_JSON",
	[FRAME_SOURCE_BEGIN] = "SOURCE_BEGIN",
	[FRAME_SOURCE_DATA] = "SOURCE_DATA",
	[FRAME_SOURCE_END] = "SOURCE_END",
	[FRAME_LOG] = "LOG",
	[FRAME_BUNDLE_BEGIN] = "BUNDLE_BEGIN",
	[FRAME_BUNDLE_DATA] = "BUNDLE_DATA",
	[FRAME_BUNDLE_END] = "BUNDLE_END",
	[FRAME_ERROR] = "ERROR",
	[FRAME_NET_RELAY] = "NET_RELAY",
	[FRAME_NET_OPEN] = "NET_OPEN",
	[FRAME_UPSTREAM_CA] = "UPSTREAM_CA",
};

int
frame_type_valid(unsigned int type)
{
	return type >= FRAME_HELLO && type <= FRAME_TYPE_MAX;
}

const char *
frame_type_name(unsigned int type)
{
	if (!frame_type_valid(type))
		return "unknown";
	return type_names[type];
}

void
frame_init(struct frame *f)
{
	memset(f, 0, sizeof(*f));
}

void
frame_free(struct frame *f)
{
	if (f == NULL)
		return;
	free(f->data);
	memset(f, 0, sizeof(*f));
}

/* The END type that closes a stream of data_type, or 0. */
static uint8_t
stream_end_type(uint8_t data_type)
{
	switch (data_type) {
	case FRAME_SOURCE_DATA:
		return FRAME_SOURCE_END;
	case FRAME_BUNDLE_DATA:
		return FRAME_BUNDLE_END;
	default:
		return 0;
	}
}

/*
 * Read exactly n bytes, waiting with poll() until deadline (a mono_ms()
 * value, or -1 for none). Returns 1 when complete, 0 at EOF (*got says
 * how far it came), -1 with errno set (ETIMEDOUT when the deadline
 * passed with nothing to read).
 */
static int
read_timed(int fd, uint8_t *p, size_t n, int64_t deadline, size_t *got)
{
	struct pollfd pfd;
	int64_t left;
	ssize_t r;
	int wait, pr;

	*got = 0;
	while (*got < n) {
		wait = -1;
		if (deadline >= 0) {
			left = deadline - mono_ms();
			if (left < 0)
				left = 0;
			wait = left > INT_MAX ? INT_MAX : (int)left;
		}
		pfd.fd = fd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		pr = poll(&pfd, 1, wait);
		if (pr == -1 && errno == EINTR)
			continue;
		if (pr == -1)
			return -1;
		if (pr == 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		r = read(fd, p + *got, n - *got);
		if (r == -1 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r == -1)
			return -1;
		if (r == 0)
			return 0;
		*got += (size_t)r;
	}
	return 1;
}

/* Write all of it; MSG_NOSIGNAL on sockets, write(2) on anything else. */
static int
send_all(int fd, const void *p, size_t n)
{
	const uint8_t *c = p;
	ssize_t w;

	while (n > 0) {
		w = send(fd, c, n, MSG_NOSIGNAL);
		if (w == -1 && errno == ENOTSOCK)
			w = write(fd, c, n);
		if (w == -1 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (w <= 0) {
			if (w == 0)
				errno = EIO;
			return -1;
		}
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

int
frame_send(int fd, uint8_t type, const void *p, size_t n,
    struct teec_err *err)
{
	uint8_t small[4096];

	if (!frame_type_valid(type))
		return teec_errf(err, TEEC_ERROR, "frame type %u is not defined",
		    type);
	if (n > TEEC_MAX_FRAME_PAYLOAD)
		return teec_errf(err, TEEC_ERROR,
		    "%s frame of %zu bytes exceeds the limit of %u bytes",
		    frame_type_name(type), n, TEEC_MAX_FRAME_PAYLOAD);
	if (n > 0 && p == NULL)
		return teec_errf(err, TEEC_ERROR, "%s frame without payload",
		    frame_type_name(type));
	small[0] = type;
	small[1] = 0;
	small[2] = 0;
	small[3] = 0;
	small[4] = (uint8_t)(n >> 24);
	small[5] = (uint8_t)(n >> 16);
	small[6] = (uint8_t)(n >> 8);
	small[7] = (uint8_t)n;
	/* Small frames go in one write so they are not split needlessly. */
	if (n <= sizeof(small) - FRAME_HEADER_BYTES) {
		if (n > 0)
			memcpy(small + FRAME_HEADER_BYTES, p, n);
		if (send_all(fd, small, FRAME_HEADER_BYTES + n) == -1)
			goto fail;
		return TEEC_OK;
	}
	if (send_all(fd, small, FRAME_HEADER_BYTES) == -1 ||
	    send_all(fd, p, n) == -1)
		goto fail;
	return TEEC_OK;
fail:
	return teec_errf(err, TEEC_ERROR, "sending %s frame: %s",
	    frame_type_name(type), strerror(errno));
}

static int
recv_io_err(struct teec_err *err, const char *what, int timeout_ms)
{
	if (errno == ETIMEDOUT)
		return teec_errf(err, TEEC_ERROR,
		    "timed out after %d ms waiting for %s", timeout_ms, what);
	return teec_errf(err, TEEC_ERROR, "reading %s: %s", what,
	    strerror(errno));
}

static int recv_impl(int fd, struct frame *f, size_t maxlen,
    const size_t *caps, int timeout_ms, struct teec_err *err);

int
frame_recv(int fd, struct frame *f, size_t maxlen, int timeout_ms,
    struct teec_err *err)
{
	return recv_impl(fd, f, maxlen, NULL, timeout_ms, err);
}

int
frame_recv_caps(int fd, struct frame *f, const size_t caps[FRAME_TYPE_MAX + 1],
    int timeout_ms, struct teec_err *err)
{
	return recv_impl(fd, f, 0, caps, timeout_ms, err);
}

static int
recv_impl(int fd, struct frame *f, size_t maxlen, const size_t *caps,
    int timeout_ms, struct teec_err *err)
{
	uint8_t h[FRAME_HEADER_BYTES], *p;
	int64_t deadline = -1;
	uint32_t len;
	uint16_t reserved;
	size_t got;
	int r;

	f->type = 0;
	f->len = 0;
	f->eof = 0;
	if (maxlen > TEEC_MAX_FRAME_PAYLOAD)
		maxlen = TEEC_MAX_FRAME_PAYLOAD;
	if (timeout_ms >= 0)
		deadline = mono_ms() + timeout_ms;

	if ((r = read_timed(fd, h, sizeof(h), deadline, &got)) == -1)
		return recv_io_err(err, "a frame header", timeout_ms);
	if (r == 0 && got == 0) {
		f->eof = 1;
		return teec_errf(err, TEEC_ERROR, "connection closed by peer");
	}
	if (r == 0)
		return teec_errf(err, TEEC_ERROR, "connection closed by peer "
		    "inside a frame header (%zu of %u bytes)", got,
		    FRAME_HEADER_BYTES);

	len = (uint32_t)h[4] << 24 | (uint32_t)h[5] << 16 |
	    (uint32_t)h[6] << 8 | h[7];
	reserved = (uint16_t)(h[2] << 8 | h[3]);
	if (!frame_type_valid(h[0]))
		return teec_errf(err, TEEC_FAIL, "unknown frame type %u", h[0]);
	if (h[1] != 0)
		return teec_errf(err, TEEC_FAIL,
		    "%s frame: flags 0x%02x, expected 0", frame_type_name(h[0]),
		    h[1]);
	if (reserved != 0)
		return teec_errf(err, TEEC_FAIL,
		    "%s frame: reserved field 0x%04x, expected 0",
		    frame_type_name(h[0]), reserved);
	if (caps != NULL)
		maxlen = caps[h[0]] < TEEC_MAX_FRAME_PAYLOAD ? caps[h[0]] :
		    TEEC_MAX_FRAME_PAYLOAD;
	if (len > maxlen)
		return teec_errf(err, TEEC_FAIL,
		    "%s frame: length %u exceeds the limit of %zu bytes",
		    frame_type_name(h[0]), len, maxlen);

	if (f->size < (size_t)len + 1) {
		if ((p = realloc(f->data, (size_t)len + 1)) == NULL)
			return teec_errf(err, TEEC_ERROR, "out of memory");
		f->data = p;
		f->size = (size_t)len + 1;
	}
	if ((r = read_timed(fd, f->data, len, deadline, &got)) == -1)
		return recv_io_err(err, "a frame payload", timeout_ms);
	if (r == 0)
		return teec_errf(err, TEEC_ERROR, "connection closed by peer "
		    "inside a %s frame (%zu of %u payload bytes)",
		    frame_type_name(h[0]), got, len);
	f->data[len] = '\0';
	f->type = h[0];
	f->len = len;
	return TEEC_OK;
}

void
frame_hello_encode(uint16_t version, uint8_t out[2])
{
	out[0] = (uint8_t)(version >> 8);
	out[1] = (uint8_t)version;
}

int
frame_hello_decode(const struct frame *f, uint16_t *version,
    struct teec_err *err)
{
	if (f->type != FRAME_HELLO)
		return teec_errf(err, TEEC_FAIL, "expected HELLO, got %s frame",
		    frame_type_name(f->type));
	if (f->len != 2)
		return teec_errf(err, TEEC_FAIL,
		    "HELLO payload is %zu bytes, expected 2", f->len);
	*version = (uint16_t)(f->data[0] << 8 | f->data[1]);
	return TEEC_OK;
}

int
frame_hello_check(const struct frame *f, uint16_t want, struct teec_err *err)
{
	uint16_t v = 0;
	int rc;

	if ((rc = frame_hello_decode(f, &v, err)) != TEEC_OK)
		return rc;
	if (v != want)
		return teec_errf(err, TEEC_FAIL, "protocol version mismatch: "
		    "peer speaks %u, this side speaks %u", v, want);
	return TEEC_OK;
}

int
frame_send_hello(int fd, uint16_t version, struct teec_err *err)
{
	uint8_t p[2];

	frame_hello_encode(version, p);
	return frame_send(fd, FRAME_HELLO, p, sizeof(p), err);
}

/*
 * Length of the UTF-8 character at p (RFC 3629 section 4, through
 * utf8_decode) when it is also printable: no C0 or C1 control, no DEL, no
 * bidirectional override or isolate (U+202A..E, U+2066..9) that could make
 * a message display other than it reads. 0 when the bytes do not pass.
 */
static size_t
utf8_printable_len(const uint8_t *p, size_t n)
{
	uint32_t cp;
	size_t len;

	if ((len = utf8_decode(p, n, &cp)) == 0)
		return 0;
	if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) ||
	    (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069))
		return 0;
	return len;
}

int
frame_send_error(int fd, uint16_t code, const char *msg,
    struct teec_err *err)
{
	uint8_t p[2 + TEEC_MAX_FRAME_ERROR_MSG];
	const uint8_t *m = (const uint8_t *)(msg != NULL ? msg : "");
	size_t mlen = strlen((const char *)m), o = 2, i = 0, k;

	p[0] = (uint8_t)(code >> 8);
	p[1] = (uint8_t)code;
	while (i < mlen) {
		if ((k = utf8_printable_len(m + i, mlen - i)) == 0) {
			if (o + 1 > sizeof(p))
				break;
			p[o++] = '?';
			i++;
			continue;
		}
		if (o + k > sizeof(p))
			break;
		memcpy(p + o, m + i, k);
		o += k;
		i += k;
	}
	return frame_send(fd, FRAME_ERROR, p, o, err);
}

int
frame_error_decode(const struct frame *f, struct frame_error *fe,
    struct teec_err *err)
{
	size_t i, k, n;

	memset(fe, 0, sizeof(*fe));
	if (f->type != FRAME_ERROR)
		return teec_errf(err, TEEC_FAIL, "expected ERROR, got %s frame",
		    frame_type_name(f->type));
	if (f->len < 2)
		return teec_errf(err, TEEC_FAIL,
		    "ERROR payload is %zu bytes, expected at least 2", f->len);
	n = f->len - 2;
	if (n > TEEC_MAX_FRAME_ERROR_MSG)
		return teec_errf(err, TEEC_FAIL, "ERROR message of %zu bytes "
		    "exceeds the limit of %u bytes", n, TEEC_MAX_FRAME_ERROR_MSG);
	for (i = 0; i < n; i += k) {
		if ((k = utf8_printable_len(f->data + 2 + i, n - i)) == 0)
			return teec_errf(err, TEEC_FAIL, "ERROR message: byte %zu "
			    "is not printable UTF-8", i);
	}
	fe->code = (uint16_t)(f->data[0] << 8 | f->data[1]);
	memcpy(fe->msg, f->data + 2, n);
	fe->msg[n] = '\0';
	return TEEC_OK;
}

/*
 * The DATA frames and the END frame of a stream. With known == NULL the
 * bytes are hashed as they go and sent until EOF; otherwise exactly want
 * bytes are sent and END carries known.
 */
static int
send_stream(int fd, int in_fd, uint8_t data_type, const uint8_t *known,
    uint64_t want, frame_progress_fn progress, void *arg, uint8_t sha256[32],
    uint64_t *bytes, struct teec_err *err)
{
	EVP_MD_CTX *md = NULL;
	uint8_t *chunk = NULL, dg[FRAME_SHA256_BYTES];
	uint8_t end_type = stream_end_type(data_type);
	uint64_t total = 0;
	size_t have, room;
	ssize_t r;
	unsigned int dlen;
	int rc = TEEC_ERROR, eof = 0;

	if (end_type == 0) {
		teec_errf(err, TEEC_ERROR, "%s is not a stream data frame",
		    frame_type_name(data_type));
		goto out;
	}
	if ((chunk = malloc(TEEC_IO_CHUNK)) == NULL || (known == NULL &&
	    ((md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1))) {
		teec_errf(err, TEEC_ERROR, "out of memory");
		goto out;
	}
	while (!eof) {
		/* Fill a whole chunk so frames are as large as they may be. */
		room = TEEC_IO_CHUNK;
		if (known != NULL && want - total < room)
			room = (size_t)(want - total);
		have = 0;
		while (have < room) {
			r = read(in_fd, chunk + have, room - have);
			if (r == -1 && errno == EINTR)
				continue;
			if (r == -1) {
				teec_errf(err, TEEC_ERROR, "reading %s stream: %s",
				    frame_type_name(data_type), strerror(errno));
				goto out;
			}
			if (r == 0) {
				eof = 1;
				break;
			}
			have += (size_t)r;
		}
		if (have == 0)
			break;
		if (known == NULL && EVP_DigestUpdate(md, chunk, have) != 1) {
			teec_errf(err, TEEC_ERROR, "SHA-256 failed");
			goto out;
		}
		if (frame_send(fd, data_type, chunk, have, err) != TEEC_OK)
			goto out;
		total += have;
		if (progress != NULL)
			progress(total, arg);
		if (known != NULL && total == want)
			break;
	}
	if (known != NULL) {
		/* Exactly the announced length: nothing missing, nothing after. */
		while ((r = read(in_fd, chunk, 1)) == -1 && errno == EINTR)
			;
		if (total != want || r != 0) {
			teec_errf(err, TEEC_ERROR, "the %s stream is not the "
			    "%llu bytes announced", frame_type_name(data_type),
			    (unsigned long long)want);
			goto out;
		}
		memcpy(dg, known, sizeof(dg));
	} else if (EVP_DigestFinal_ex(md, dg, &dlen) != 1 ||
	    dlen != sizeof(dg)) {
		teec_errf(err, TEEC_ERROR, "SHA-256 failed");
		goto out;
	}
	if (frame_send(fd, end_type, dg, sizeof(dg), err) != TEEC_OK)
		goto out;
	if (sha256 != NULL)
		memcpy(sha256, dg, sizeof(dg));
	if (bytes != NULL)
		*bytes = total;
	rc = TEEC_OK;
out:
	EVP_MD_CTX_free(md);
	free(chunk);
	return rc;
}

int
frame_send_stream(int fd, int in_fd, uint8_t data_type,
    frame_progress_fn progress, void *arg, uint8_t sha256[32],
    uint64_t *bytes, struct teec_err *err)
{
	return send_stream(fd, in_fd, data_type, NULL, 0, progress, arg,
	    sha256, bytes, err);
}

int
frame_send_stream_known(int fd, int in_fd, uint8_t data_type,
    const uint8_t sha256[32], uint64_t size, frame_progress_fn progress,
    void *arg, struct teec_err *err)
{
	return send_stream(fd, in_fd, data_type, sha256, size, progress, arg,
	    NULL, NULL, err);
}

int
frame_recv_stream(int fd, int out_fd, uint8_t data_type,
    uint64_t max_bytes, int timeout_ms, frame_progress_fn progress,
    void *arg, uint8_t sha256[32], uint64_t *bytes, struct teec_err *err)
{
	struct frame f;
	struct frame_error fe;
	EVP_MD_CTX *md = NULL;
	uint8_t dg[FRAME_SHA256_BYTES];
	uint8_t end_type = stream_end_type(data_type);
	uint64_t total = 0;
	unsigned int dlen;
	int rc = TEEC_ERROR;

	frame_init(&f);
	if (end_type == 0) {
		teec_errf(err, TEEC_ERROR, "%s is not a stream data frame",
		    frame_type_name(data_type));
		goto out;
	}
	if ((md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
		teec_errf(err, TEEC_ERROR, "out of memory");
		goto out;
	}
	for (;;) {
		if ((rc = frame_recv(fd, &f, TEEC_MAX_FRAME_PAYLOAD, timeout_ms,
		    err)) != TEEC_OK)
			goto out;
		rc = TEEC_ERROR;
		if (f.type == end_type)
			break;
		if (f.type == FRAME_ERROR) {
			if ((rc = frame_error_decode(&f, &fe, err)) == TEEC_OK)
				rc = teec_errf(err, TEEC_ERROR,
				    "peer error %u: %s", fe.code, fe.msg);
			goto out;
		}
		if (f.type != data_type) {
			rc = teec_errf(err, TEEC_FAIL,
			    "unexpected %s frame inside a %s stream",
			    frame_type_name(f.type), frame_type_name(data_type));
			goto out;
		}
		if (f.len > max_bytes || total > max_bytes - f.len) {
			rc = teec_errf(err, TEEC_FAIL, "%s stream exceeds the "
			    "limit of %llu bytes", frame_type_name(data_type),
			    (unsigned long long)max_bytes);
			goto out;
		}
		if (EVP_DigestUpdate(md, f.data, f.len) != 1) {
			teec_errf(err, TEEC_ERROR, "SHA-256 failed");
			goto out;
		}
		if (write_all(out_fd, f.data, f.len) == -1) {
			teec_errf(err, TEEC_ERROR, "writing %s stream: %s",
			    frame_type_name(data_type), strerror(errno));
			goto out;
		}
		total += f.len;
		if (progress != NULL)
			progress(total, arg);
	}
	if (f.len != FRAME_SHA256_BYTES) {
		rc = teec_errf(err, TEEC_FAIL, "%s payload is %zu bytes, "
		    "expected %u", frame_type_name(end_type), f.len,
		    FRAME_SHA256_BYTES);
		goto out;
	}
	if (EVP_DigestFinal_ex(md, dg, &dlen) != 1 || dlen != sizeof(dg)) {
		teec_errf(err, TEEC_ERROR, "SHA-256 failed");
		goto out;
	}
	if (CRYPTO_memcmp(dg, f.data, sizeof(dg)) != 0) {
		rc = teec_errf(err, TEEC_FAIL, "%s stream: SHA-256 of the %llu "
		    "bytes received does not match the one sent",
		    frame_type_name(data_type), (unsigned long long)total);
		goto out;
	}
	if (sha256 != NULL)
		memcpy(sha256, dg, sizeof(dg));
	if (bytes != NULL)
		*bytes = total;
	rc = TEEC_OK;
out:
	EVP_MD_CTX_free(md);
	frame_free(&f);
	return rc;
}

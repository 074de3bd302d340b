/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer harness: the host-worker frame decoder (common/frame.h). The
 * input is what the peer sent; it is served from a memfd, which poll(2)
 * always reports readable and read(2) ends with EOF, so frame_recv()
 * runs exactly as on a socket whose peer wrote these bytes and closed.
 * The first byte picks the reader: a sequence of frames (each HELLO and
 * ERROR payload decoded), or a SOURCE or BUNDLE stream.
 */
#include <sys/mman.h>

#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/caps.h"
#include "common/fileio.h"
#include "common/frame.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int in_fd = -1, null_fd = -1;

static void
serve(const uint8_t *p, size_t n)
{
	if (in_fd == -1 && (in_fd = memfd_create("fuzz-frame", MFD_CLOEXEC)) == -1)
		abort();
	if (null_fd == -1 && (null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC)) == -1)
		abort();
	if (ftruncate(in_fd, 0) == -1 || lseek(in_fd, 0, SEEK_SET) == -1 ||
	    (n > 0 && write_all(in_fd, p, n) == -1) ||
	    lseek(in_fd, 0, SEEK_SET) == -1)
		abort();
}

static void
frames(size_t maxlen)
{
	struct frame f;
	struct frame_error fe;
	struct teec_err err = { "" };
	uint16_t v;
	int rc;

	frame_init(&f);
	while ((rc = frame_recv(in_fd, &f, maxlen, 1000, &err)) == TEEC_OK) {
		if (!frame_type_valid(f.type) || f.len > maxlen ||
		    f.len > TEEC_MAX_FRAME_PAYLOAD || f.data == NULL ||
		    f.data[f.len] != '\0')
			abort();
		frame_hello_check(&f, TEEC_PROTOCOL_VERSION, &err);
		frame_hello_decode(&f, &v, &err);
		if (frame_error_decode(&f, &fe, &err) == TEEC_OK &&
		    strlen(fe.msg) != f.len - 2)
			abort();
	}
	if (rc != TEEC_FAIL && rc != TEEC_ERROR)
		abort();
	frame_free(&f);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct teec_err err = { "" };
	uint8_t dg[32];
	uint64_t n = 0, max;

	if (size < 1)
		return 0;
	serve(data + 1, size - 1);
	switch (data[0] % 4) {
	case 0:
		frames(TEEC_MAX_FRAME_PAYLOAD);
		break;
	case 1:
		frames(data[0] >> 2);   /* a small cap: 0..63 */
		break;
	default:
		max = (data[0] & 0x80) ? 64 : TEEC_MAX_FRAME_PAYLOAD;
		if (frame_recv_stream(in_fd, null_fd, data[0] % 4 == 2 ?
		    FRAME_SOURCE_DATA : FRAME_BUNDLE_DATA, max, 1000, NULL,
		    NULL, dg, &n, &err) == TEEC_OK && n > max)
			abort();
		break;
	}
	return 0;
}

/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer harness: the bundle reader over arbitrary bytes (written to a
 * temporary file, as bundles arrive), with an empty trust configuration.
 */
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/fileio.h"
#include "verify/bundle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	struct trust_roots roots;
	struct images im = { 0, NULL };
	struct bundle_opts o;
	struct bundle_out out;
	struct vresult r;
	struct teec_err err;
	int fd;

	if (path[0] == '\0') {
		snprintf(path, sizeof(path), "/tmp/teec-fuzz-bundle.XXXXXX");
		if ((fd = mkstemp(path)) == -1)
			abort();
		close(fd);
	}
	if ((fd = open(path, O_WRONLY | O_TRUNC)) == -1)
		abort();
	if (write_all(fd, data, size) == -1)
		abort();
	close(fd);
	roots_init(&roots);
	memset(&o, 0, sizeof(o));
	o.roots = &roots;
	o.images = &im;
	vresult_init(&r);
	bundle_verify(path, &o, &out, &r, &err);
	bundle_out_free(&out);
	return 0;
}

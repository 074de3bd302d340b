/* SPDX-License-Identifier: ISC */
/*
 * bench-batch: many bundles verified in one process, for bench/run.sh.
 * teec-verify takes one bundle per run; this drives the library the way a
 * batch would (verify/bundle.h), with one path cache for the whole batch
 * (bundle_opts.cache) unless -n is given.
 *
 *	bench-batch [-n] BUNDLE...
 *
 * Trust as `teec-verify bundle --dev` loads it (verify/cli.h). Prints
 * "bundles seconds bundles/s" and exits 0 when every bundle verified, 1
 * otherwise, 2 when it could not run. Nothing is rendered.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/status.h"
#include "verify/bundle.h"
#include "verify/chain.h"
#include "verify/cli.h"
#include "verify/result.h"

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Plain data, and large: not on the stack. */
static struct chain_cache cache;

int
main(int argc, char **argv)
{
	struct trust_opts to;
	struct trust tr;
	struct bundle_opts bo;
	struct bundle_out out;
	struct vresult r;
	struct teec_err err;
	double t0, t;
	int ch, i, rc, worst = TEEC_OK, nocache = 0;

	while ((ch = getopt(argc, argv, "n")) != -1) {
		if (ch != 'n')
			goto usage;
		nocache = 1;
	}
	if (optind >= argc)
		goto usage;
	memset(&to, 0, sizeof(to));
	to.dev = 1;
	if (trust_load(&to, 1, &tr, &err) != TEEC_OK) {
		fprintf(stderr, "bench-batch: %s\n", err.msg);
		return TEEC_ERROR;
	}
	memset(&bo, 0, sizeof(bo));
	bo.roots = &tr.roots;
	bo.images = &tr.images;
	bo.at_mode = AT_DOCUMENT;
	bo.dev = 1;
	bo.dev_root = tr.dev_root;
	bo.dev_root_len = tr.dev_root_len;
	bo.cache = nocache ? NULL : &cache;
	t0 = now_s();
	for (i = optind; i < argc; i++) {
		vresult_init(&r);
		rc = bundle_verify(argv[i], &bo, &out, &r, &err);
		if (rc == TEEC_OK && !out.verified)
			rc = TEEC_FAIL;
		if (rc != TEEC_OK)
			fprintf(stderr, "bench-batch: %s: %s\n", argv[i],
			    rc == TEEC_ERROR ? err.msg : "not verified");
		if (rc > worst)
			worst = rc;
		bundle_out_free(&out);
	}
	t = now_s() - t0;
	printf("%d %.6f %.1f\n", argc - optind, t, (argc - optind) / t);
	trust_free(&tr);
	return worst;
usage:
	fprintf(stderr, "usage: bench-batch [-n] BUNDLE...\n");
	return TEEC_ERROR;
}

#!/bin/sh
# SPDX-License-Identifier: ISC
# Run every fuzzer in build-fuzz/ for SECONDS (default 20) over seeds made
# from the shared fixtures (raw CBOR and base64), when they are present.
set -eu
secs=${1:-20}
top=$(cd "$(dirname "$0")/../.." && pwd)
fx=${TEEC_FIXTURES:-$top/../shared/fixtures}
work=$(mktemp -d "${TMPDIR:-/tmp}/teec-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
mkdir -p "$work/seeds"
if [ -d "$fx/nitro" ]; then
	for f in "$fx"/nitro/*/*.b64; do
		b=$(basename "$f" .b64)
		cp "$f" "$work/seeds/$b.b64"
		base64 -d "$f" >"$work/seeds/$b.cbor" 2>/dev/null || true
	done
else
	echo "fuzz: ../shared/fixtures not found: seeding from nothing"
fi
for f in "$top"/tests/fuzz/seeds/*; do [ -f "$f" ] && cp "$f" "$work/seeds/"; done
status=0 npass=0 nfail=0
for fz in "$top"/build-fuzz/fuzz_*; do
	[ -x "$fz" ] || continue
	name=$(basename "$fz")
	mkdir -p "$work/$name"
	echo "fuzz: $name for ${secs}s"
	if "$fz" -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
	    -artifact_prefix="$work/" "$work/$name" "$work/seeds" >"$work/$name.log" 2>&1; then
		tail -1 "$work/$name.log"
		echo "PASS: $name"
		npass=$((npass + 1))
	else
		tail -30 "$work/$name.log"
		echo "FAIL: $name"
		nfail=$((nfail + 1))
		status=1
	fi
done
echo "fuzz: $npass passed, $nfail failed"
exit $status

#!/bin/sh
# SPDX-License-Identifier: ISC
# The main job on data the project makes itself: build examples/hello in
# local mode (worker as a child, emulated NSM, development CA), verify the
# bundle, show its report; then, when the shared fixtures are beside the
# clone, verify a genuine AWS Nitro attestation document too.
set -eu
cd "$(dirname "$0")/.."
work=$(mktemp -d "${TMPDIR:-/tmp}/teec-demo.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
cp -R examples/hello "$work/hello"

echo "== teec-host build -C examples/hello -o hello.teec   (local mode)"
./bin/teec-host build -C "$work/hello" --local -o "$work/hello.teec"
echo
echo "== teec-verify bundle --dev hello.teec"
./bin/teec-verify bundle --dev "$work/hello.teec"
echo
echo "== without --dev a local build never verifies (exit 1 expected)"
./bin/teec-verify bundle "$work/hello.teec" | head -1 || true
if [ -x ./bin/teec-report ]; then
	echo
	echo "== teec-report show --dev hello.teec"
	./bin/teec-report show --dev "$work/hello.teec"
fi
echo
echo "== the artifact, taken out of the bundle and run"
tar -xOf "$work/hello.teec" artifacts/hello >"$work/hello.bin"
chmod +x "$work/hello.bin"
"$work/hello.bin"
fx=${TEEC_FIXTURES:-../shared/fixtures}
doc="$fx/nitro/real/blocky-nitrite-2024-09-07.b64"
if [ -f "$doc" ]; then
	echo
	echo "== teec-verify attestation (a genuine AWS Nitro document, at its own time)"
	./bin/teec-verify attestation "$doc"
fi

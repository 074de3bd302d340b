#!/bin/sh
# SPDX-License-Identifier: ISC
# The main job on data the project has at hand.
set -eu
cd "$(dirname "$0")/.."
fx=${TEEC_FIXTURES:-../shared/fixtures}
doc="$fx/nitro/real/blocky-nitrite-2024-09-07.b64"
if [ -f "$doc" ]; then
	echo "== teec-verify attestation $doc"
	./bin/teec-verify attestation "$doc"
else
	echo "demo: $doc not found (the shared fixtures are not beside this clone)" >&2
	exit 2
fi

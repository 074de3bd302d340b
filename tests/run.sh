#!/bin/sh
# SPDX-License-Identifier: ISC
# The test driver: every unit test binary (cmocka, TAP output) and every
# end-to-end script, tallied into one closing line "N passed, N failed".
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
: "${TEEC_BIN:=$top/bin}"
: "${TEEC_UNITS:=$top/build/tests}"
: "${TEEC_FIXTURES:=$top/../shared/fixtures}"
export TEEC_BIN TEEC_UNITS TEEC_FIXTURES
[ -d "$TEEC_FIXTURES" ] || echo "note: $TEEC_FIXTURES not found: tests that need the shared fixtures are skipped"

log=$(mktemp "${TMPDIR:-/tmp}/teec-tests.XXXXXX")
trap 'rm -f "$log"' EXIT INT TERM
pass=0 fail=0 skip=0

tally() {
	# $1: name of the suite; reads its output from $log.
	s=$(grep -cE '^((not )?ok [0-9]+ .*# ?SKIP|SKIP:)' "$log" | tr -d ' ')
	p=$(grep -E '^(ok|PASS:) ' "$log" | grep -cvE '# ?SKIP' | tr -d ' ')
	f=$(grep -E '^(not ok|FAIL:) ' "$log" | grep -cvE '# ?SKIP' | tr -d ' ')
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
	grep -E '^(not ok|FAIL:|SKIP:|# skipped)' "$log" | sed "s|^|  $1: |"
	printf '%-28s %4d passed, %d failed, %d skipped\n' "$1" "$p" "$f" "$s"
}

for t in "$TEEC_UNITS"/test_*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	(cd "$top" && CMOCKA_MESSAGE_OUTPUT=TAP "$t") >"$log" 2>&1
	rc=$?
	tally "$name"
	if [ $rc -ne 0 ] && ! grep -v SKIP "$log" | grep -q '^not ok' ; then
		echo "  $name: exited $rc without a failing test"
		sed 's/^/    /' "$log" | tail -20
		fail=$((fail + 1))
	fi
done

for t in "$top"/tests/e2e/test_*.sh; do
	[ -f "$t" ] || continue
	name=$(basename "$t" .sh)
	(cd "$top" && sh "$t") >"$log" 2>&1
	rc=$?
	tally "$name"
	if [ $rc -ne 0 ] && ! grep -q '^FAIL:' "$log"; then
		echo "  $name: exited $rc without a failing test"
		tail -20 "$log" | sed 's/^/    /'
		fail=$((fail + 1))
	fi
done

echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]

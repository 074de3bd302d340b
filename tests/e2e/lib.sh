# SPDX-License-Identifier: ISC
# Helpers for end-to-end tests. Each test prints one line: PASS: name,
# FAIL: name (with why), or SKIP: name: reason. Sourced by tests/e2e/test_*.sh.
set -u
: "${TEEC_BIN:=$(pwd)/bin}"
: "${TEEC_FIXTURES:=$(pwd)/../shared/fixtures}"
T=$(mktemp -d "${TMPDIR:-/tmp}/teec-e2e.XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM
NITRO="$TEEC_FIXTURES/nitro"

pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1${2:+: $2}"; }
skip() { echo "SKIP: $1: $2"; }

have_fixtures() { [ -d "$NITRO/real" ]; }

# expect_exit NAME CODE CMD...: run CMD, output in $T/out and $T/err.
expect_exit() {
	_n=$1 _want=$2
	shift 2
	"$@" >"$T/out" 2>"$T/err"
	_got=$?
	if [ "$_got" -eq "$_want" ]; then
		pass "$_n"
		return 0
	fi
	fail "$_n" "exit $_got, wanted $_want: $(head -c 300 "$T/err" | tr '\n' ' ')"
	return 1
}

# expect_grep NAME PATTERN FILE: FILE must contain the fixed string.
expect_grep() {
	if grep -qF -- "$2" "$3"; then pass "$1"; else fail "$1" "no '$2' in output"; fi
}

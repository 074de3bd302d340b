#!/bin/sh
# SPDX-License-Identifier: ISC
# End-to-end tests of `teec-verify quorum` (teec-verify(1), QUORUM) on
# bundles made by the real programs in local mode: builds of a
# reproducible project agree, a tampered bundle does not vote, a build
# that writes random bytes never reaches a quorum, bad arguments exit 2.
#
# Every local-mode bundle is anchored at the one local development root,
# so all of them are one attestor ("local development root"): agreement
# here is checked with --min 1, and the default majority is shown not to
# be reached by one machine. Quorums of several attestors are covered by
# tests/unit/test_quorum.c, whose documents carry distinct module_ids.
# Run from the repository root by tests/run.sh.
. tests/e2e/lib.sh

V="$TEEC_BIN/teec-verify"
H="$TEEC_BIN/teec-host"

# Hermetic: no trust store from the environment or the user's config, and
# a fresh development CA.
unset TEEC_TRUST_STORE
HOME="$T/home" XDG_CONFIG_HOME="$T/config" XDG_DATA_HOME="$T/data"
export HOME XDG_CONFIG_HOME XDG_DATA_HOME
mkdir -p "$HOME" "$XDG_CONFIG_HOME" "$XDG_DATA_HOME"

if [ ! -x "$V" ] || [ ! -x "$H" ]; then
	fail quorum_programs_built "$V or $H is not executable (run make)"
	exit 1
fi

# run CMD...: exit status in $rc, output in $T/out and $T/err.
run() {
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
}

# ok_if NAME WHY: PASS when WHY is empty, else FAIL with it.
ok_if() {
	if [ -z "$2" ]; then pass "$1"; else fail "$1" "$2"; fi
}

# expect_json NAME CODE JQ CMD...: exit CODE and the jq test JQ holds
# on the JSON in $T/out (CMD must produce --format json).
expect_json() {
	_n=$1 _c=$2 _q=$3
	shift 3
	run "$@"
	if [ "$rc" -ne "$_c" ]; then
		fail "$_n" "exit $rc, wanted $_c: $(head -c 300 "$T/err" | tr '\n' ' ')"
	elif ! jq -e "$_q" "$T/out" >/dev/null 2>&1; then
		fail "$_n" "not $_q: $(head -c 600 "$T/out")"
	else
		pass "$_n"
	fi
}

# expect_usage NAME WHAT CMD...: exit 2, standard error's first line is
# "teec-verify: quorum: ..." naming WHAT, and nothing on standard output.
expect_usage() {
	_n=$1 _w=$2
	shift 2
	run "$@"
	_first=$(head -n 1 "$T/err")
	if [ "$rc" -ne 2 ]; then
		fail "$_n" "exit $rc, wanted 2"
	elif ! printf '%s\n' "$_first" | grep -q '^teec-verify: quorum: '; then
		fail "$_n" "first line of standard error: '$_first'"
	elif ! printf '%s\n' "$_first" | grep -qF -- "$_w"; then
		fail "$_n" "'$_first' does not name '$_w'"
	elif [ -s "$T/out" ]; then
		fail "$_n" "standard output: $(head -c 200 "$T/out")"
	else
		pass "$_n"
	fi
}

# build PROJECT OUT: a local-mode build.
build() {
	"$H" build -C "$1" --local -o "$2" >"$T/build.out" 2>&1 ||
	    { fail "build_$(basename "$2" .teec)" "$(tail -n 3 "$T/build.out")"; exit 1; }
}

# flip FILE OFFSET: flip the lowest bit of the byte at OFFSET, in place.
flip() {
	_b=$(dd if="$1" bs=1 skip="$2" count=1 2>/dev/null | od -An -tu1 | tr -d ' ')
	# shellcheck disable=SC2059 # the format is the octal escape of one byte
	printf "\\$(printf '%03o' $((_b ^ 1)))" |
	    dd of="$1" bs=1 seek="$2" count=1 conv=notrunc 2>/dev/null
}

# ---------------------------------------------------------------------
# Usage errors, before any bundle is read.

E="$T/empty.teec"
: >"$E"
expect_usage no_bundle_exits_2 "no BUNDLE" "$V" quorum
expect_usage no_bundle_after_options_exits_2 "no BUNDLE" "$V" quorum --dev --min 1
expect_usage min_zero_exits_2 "--min" "$V" quorum --min 0 "$E"
expect_usage min_not_a_number_exits_2 "--min" "$V" quorum --min two "$E" "$E"
expect_usage min_signed_exits_2 "--min" "$V" quorum --min +1 "$E"
expect_usage min_above_bundles_exits_2 "--min 3" "$V" quorum --min 3 "$E" "$E"
expect_usage min_twice_exits_2 "--min given twice" "$V" quorum --min 1 --min 1 "$E"
expect_usage option_after_bundle_exits_2 "before the first BUNDLE" \
    "$V" quorum "$E" --min 1
expect_usage nothing_after_separator_exits_2 "no FILE after --" \
    "$V" quorum "$E" --
expect_usage stdin_twice_exits_2 "standard input given twice" "$V" quorum - -
expect_usage bad_format_exits_2 "--format" "$V" quorum --format yaml "$E"
expect_usage unknown_option_exits_2 "unknown option --bogus" "$V" quorum --bogus "$E"
run "$V" quorum --help
ok_if quorum_help_exits_0 "$([ "$rc" -eq 0 ] &&
    grep -qF 'teec-verify quorum [--min N]' "$T/out" || echo "exit $rc")"
run "$V" quorum --dev "$E"
ok_if dev_without_dev_ca_exits_2 "$([ "$rc" -eq 2 ] &&
    grep -qF 'dev-ca/root.pem' "$T/err" || echo "exit $rc: $(head -c 200 "$T/err")")"

# ---------------------------------------------------------------------
# Three builds of a reproducible project.

cp -R examples/hello "$T/hello"
build "$T/hello" "$T/h1.teec"
build "$T/hello" "$T/h2.teec"
build "$T/hello" "$T/h3.teec"
H3="$T/h1.teec $T/h2.teec $T/h3.teec"

# shellcheck disable=SC2086 # three paths without spaces
expect_json reproducible_builds_agree 0 \
    '.verified and .winner == 1 and (.claims | length) == 1 and
     .claims[0].bundles == [1,2,3] and .claims[0].attestors == 1 and
     .claims[0].attestor_ids == ["local development root"] and
     ([.bundles[].verified] == [true,true,true]) and
     ([.bundles[].counted] == [true,false,false]) and
     .bundles[0].attestor.kind == "development" and
     .claims[0].subjects[0].name == "hello"' \
    "$V" quorum --dev --min 1 --format json $H3

# One machine is one attestor: a majority of three needs two.
# shellcheck disable=SC2086
expect_json one_machine_is_one_attestor 1 \
    '(.verified | not) and .reason == "QUORUM_NOT_REACHED" and .min == 2 and
     .min_source == "majority" and .winner == null and
     .claims[0].attestors == 1' \
    "$V" quorum --dev --format json $H3

# shellcheck disable=SC2086
run "$V" quorum --dev --min 1 $H3
ok_if text_verdict_last "$([ "$rc" -eq 0 ] &&
    tail -n 1 "$T/out" | grep -qx 'VERIFIED: quorum reached: claim 1 has 1 attestor, 1 needed' ||
    echo "exit $rc, last line '$(tail -n 1 "$T/out")'")"
ok_if text_lists_bundles_and_claim "$(grep -q '^bundle 3 .*: VERIFIED, attestor local development root, claim 1, counted once with bundle 1$' "$T/out" &&
    grep -q '^claim 1: 1 attestor, 3 bundles$' "$T/out" &&
    grep -q '^  subject  [0-9a-f]\{64\}  hello$' "$T/out" || head -c 600 "$T/out")"

# Local bundles never vote without --dev.
# shellcheck disable=SC2086
expect_json without_dev_nothing_votes 1 \
    '.reason == "QUORUM_NOT_REACHED" and (.claims | length) == 0 and
     ([.bundles[].reason] | unique) == ["UNTRUSTED_ROOT"]' \
    "$V" quorum --min 1 --format json $H3

# Downloaded files against the winning claim.
tar -xOf "$T/h1.teec" artifacts/hello >"$T/hello.bin"
mkdir -p "$T/dl"
cp "$T/hello.bin" "$T/dl/hello"
# shellcheck disable=SC2086
expect_json file_matches_winner 0 \
    '.verified and .files[0].ok and .files[0].subject == "hello"' \
    "$V" quorum --dev --min 1 --format json $H3 -- "$T/dl/hello"
printf 'x' >>"$T/dl/hello"
# shellcheck disable=SC2086
expect_json file_differs_file_mismatch 1 \
    '.reason == "FILE_MISMATCH" and (.files[0].ok | not) and .winner == 1' \
    "$V" quorum --dev --min 1 --format json $H3 -- "$T/dl/hello"
# shellcheck disable=SC2086
expect_json file_other_name_file_mismatch 1 \
    '.reason == "FILE_MISMATCH" and (.detail | contains("no subject"))' \
    "$V" quorum --dev --min 1 --format json $H3 -- "$T/hello.bin"
# shellcheck disable=SC2086
run "$V" quorum --dev --min 1 $H3 -- "$T/dl/no-such"
ok_if missing_file_exits_2 "$([ "$rc" -eq 2 ] && grep -qF "$T/dl/no-such" "$T/err" ||
    echo "exit $rc: $(head -c 200 "$T/err")")"
run "$V" quorum --dev --min 1 "$T/h1.teec" "$T/no-such.teec"
ok_if missing_bundle_exits_2 "$([ "$rc" -eq 2 ] && grep -qF "$T/no-such.teec" "$T/err" &&
    [ ! -s "$T/out" ] || echo "exit $rc: $(head -c 200 "$T/err")")"

# One bundle from standard input.
# shellcheck disable=SC2016 # expanded by the inner shell
expect_json bundle_from_stdin 0 '.verified and .bundles[1].file == "-" and .claims[0].bundles == [1,2,3]' \
    sh -c '"$1" quorum --dev --min 1 --format json "$2" - "$3" <"$4"' \
    sh "$V" "$T/h1.teec" "$T/h3.teec" "$T/h2.teec"

# ---------------------------------------------------------------------
# One tampered bundle among three: it does not vote, the two others
# still agree (2 of 3 bundles; one attestor in local mode).

cp "$T/h2.teec" "$T/t2.teec"
flip "$T/t2.teec" 600       # inside report.json, the first member's data
expect_json tampered_bundle_does_not_vote 0 \
    '.verified and .claims[0].bundles == [1,3] and
     .bundles[1].verified == false and .bundles[1].reason == "BINDING_MISMATCH" and
     .bundles[1].claim == null' \
    "$V" quorum --dev --min 1 --format json "$T/h1.teec" "$T/t2.teec" "$T/h3.teec"
run "$V" quorum --dev --min 1 "$T/h1.teec" "$T/t2.teec" "$T/h3.teec"
ok_if tampered_bundle_text_reason "$(grep -q '^bundle 2 .*: NOT VERIFIED (BINDING_MISMATCH): ' "$T/out" ||
    head -c 400 "$T/out")"
expect_json garbage_bundle_does_not_vote 0 \
    '.verified and .bundles[1].reason == "BAD_BUNDLE"' \
    "$V" quorum --dev --min 1 --format json "$T/h1.teec" "$E" "$T/h3.teec"

# ---------------------------------------------------------------------
# A build that is not reproducible: three claims, a tie, no quorum.

mkdir -p "$T/random"
printf '%s\n' '{"language":"c","input":{"cmd":"head -c 16 /dev/urandom > out"},"output":{"files":["out"]}}' \
    >"$T/random/build.json"
build "$T/random" "$T/r1.teec"
build "$T/random" "$T/r2.teec"
build "$T/random" "$T/r3.teec"
expect_json random_output_three_claims 1 \
    '(.verified | not) and .reason == "QUORUM_NOT_REACHED" and
     (.claims | length) == 3 and .winner == null and
     ([.claims[].attestors] == [1,1,1]) and
     (.claims | map(.source_sha256) | unique | length) == 1 and
     (.claims | map(.build_sha256) | unique | length) == 1 and
     (.detail | contains("tie"))' \
    "$V" quorum --dev --min 1 --format json "$T/r1.teec" "$T/r2.teec" "$T/r3.teec"
expect_json random_output_default_majority 1 '.reason == "QUORUM_NOT_REACHED"' \
    "$V" quorum --dev --format json "$T/r1.teec" "$T/r2.teec" "$T/r3.teec"

# Two projects' bundles do not mix: another source is another claim.
expect_json other_project_other_claim 1 \
    '(.claims | length) == 2 and .claims[0].source_sha256 != .claims[1].source_sha256' \
    "$V" quorum --dev --min 1 --format json "$T/h1.teec" "$T/r1.teec"

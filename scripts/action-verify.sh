#!/bin/sh
# SPDX-License-Identifier: ISC
# The verify step of the teec GitHub Action (action.yml, mode: verify): a
# CI gate that fails unless teec-verify accepts every bundle. Each bundle's
# text report goes to the job summary.
#
# Inputs, as environment variables:
#   TEEC_INPUT_BUNDLES      one bundle per line; a line with * ? or [ is a
#                           pattern, expanded by the shell
#   TEEC_INPUT_TRUST_STORE  passed to teec-verify --trust-store
#   TEEC_INPUT_ALLOW_DEBUG  true or false (default false): --allow-debug
#   TEEC_BIN                where teec-verify is (default PATH)
# TEEC_ACTION_LOCAL=1 (tests only) verifies with --dev.
#
# Exit status: 0 every bundle verified; 1 one does not; 2 could not run
# (no bundles, a bad input, or teec-verify could not run).
set -u
prog=teec-action

die() {
	echo "$prog: $*" >&2
	exit 2
}

summary() {
	if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
		printf '%s\n' "$@" >>"$GITHUB_STEP_SUMMARY"
	fi
}

# escape: HTML text of standard input, for the job summary.
escape() {
	sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g'
}

verify=teec-verify
[ -n "${TEEC_BIN:-}" ] && verify="$TEEC_BIN/teec-verify"
bundles=${TEEC_INPUT_BUNDLES:-}
store=${TEEC_INPUT_TRUST_STORE:-}
debug=${TEEC_INPUT_ALLOW_DEBUG:-false}
case $debug in
true|false) ;;
*) die "input allow-debug: expected true or false, got '$debug'" ;;
esac
# teec-verify's options, as the positional parameters.
set --
[ "$debug" = true ] && set -- "$@" --allow-debug
[ "${TEEC_ACTION_LOCAL:-0}" = 1 ] && set -- "$@" --dev
[ -n "$store" ] && set -- "$@" --trust-store "$store"

work=$(mktemp -d "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/teec-action.XXXXXX") ||
    die "cannot make a temporary directory"
trap 'rm -rf "$work"' EXIT INT TERM

# The list: one path or pattern a line, empty lines skipped.
printf '%s\n' "$bundles" >"$work/lines"
: >"$work/list"
nl='
'
while IFS= read -r line; do
	[ -n "$line" ] || continue
	case $line in
	*[*?[]*)
		# Split on newlines only: the pattern is taken whole.
		old=$IFS
		IFS=$nl
		for f in $line; do
			printf '%s\n' "$f" >>"$work/list"
		done
		IFS=$old
		;;
	*) printf '%s\n' "$line" >>"$work/list" ;;
	esac
done <"$work/lines"
[ -s "$work/list" ] || die "input bundles: no bundle to verify"

worst=0
n=0
while IFS= read -r b; do
	n=$((n + 1))
	"$verify" bundle "$@" -- "$b" >"$work/report" 2>&1 </dev/null
	rc=$?
	cat "$work/report"
	name=$(printf '%s' "$b" | escape)
	case $rc in
	0) summary "## teec: $name verified" ;;
	1) summary "## teec: $name does NOT verify" ;;
	*) summary "## teec: $name could not be checked (teec-verify exit status $rc)" ;;
	esac
	summary "<pre>"
	if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
		escape <"$work/report" >>"$GITHUB_STEP_SUMMARY"
	fi
	summary "</pre>"
	if [ "$rc" -gt 1 ]; then
		worst=2
	elif [ "$rc" -eq 1 ] && [ "$worst" -eq 0 ]; then
		worst=1
	fi
done <"$work/list"
if [ -n "${GITHUB_OUTPUT:-}" ]; then
	if [ "$worst" -eq 0 ]; then v=true; else v=false; fi
	printf 'verified=%s\n' "$v" >>"$GITHUB_OUTPUT"
fi
echo "$prog: $n bundle(s) checked, exit status $worst" >&2
exit "$worst"

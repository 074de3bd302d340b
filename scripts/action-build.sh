#!/bin/sh
# SPDX-License-Identifier: ISC
# The build step of the teec GitHub Action (action.yml): build the source
# tree in a Nitro Enclave with teec-host, verify the bundle with
# teec-verify (its text report goes to the job summary), and upload the
# bundle and its artifacts to the release that triggered the workflow.
#
# Inputs come as environment variables (never pasted into the script):
#   TEEC_INPUT_DIRECTORY  the source tree (default .)
#   TEEC_INPUT_CONFIG     build.json (default DIRECTORY/build.json)
#   TEEC_INPUT_EIF        the enclave image file (required)
#   TEEC_INPUT_OUTPUT     the bundle's file name (default REPO.teec)
#   TEEC_INPUT_UPLOAD     true or false (default false)
#   TEEC_INPUT_TAG        the release's tag, for the upload
#   TEEC_INPUT_CPUS, TEEC_INPUT_MEMORY, TEEC_INPUT_CONNECT_TIMEOUT,
#   TEEC_INPUT_DEBUG_MODE (true/false)   passed to teec-host build
#   TEEC_INPUT_TRUST_STORE               passed to teec-verify
#   TEEC_BIN              where teec-host and teec-verify are (default PATH)
#   GH_TOKEN              for gh release upload
# and what GitHub sets: GITHUB_OUTPUT, GITHUB_STEP_SUMMARY,
# GITHUB_REPOSITORY, RUNNER_TEMP.
#
# TEEC_ACTION_LOCAL=1 is for the project's tests only: it builds in local
# mode (teec-host build --local) and verifies with --dev, so that the
# steps run on any Linux machine. Such a bundle proves nothing.
#
# Exit status: 0 built, verified (and uploaded); 1 the build failed or the
# bundle does not verify; 2 could not run (bad inputs, upload failed).
set -u
prog=teec-action

die() {
	echo "$prog: $*" >&2
	exit 2
}

# bool NAME VALUE: true or false, nothing else.
bool() {
	case $2 in
	true|false) ;;
	*) die "input $1: expected true or false, got '$2'" ;;
	esac
}

# escape: HTML text of standard input, for the job summary.
escape() {
	sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g'
}

# summary LINE...: append to the job summary, when there is one.
summary() {
	if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
		printf '%s\n' "$@" >>"$GITHUB_STEP_SUMMARY"
	fi
}

# output NAME VALUE: a step output.
output() {
	if [ -n "${GITHUB_OUTPUT:-}" ]; then
		printf '%s=%s\n' "$1" "$2" >>"$GITHUB_OUTPUT"
	fi
}

bin=${TEEC_BIN:-}
host=teec-host
verify=teec-verify
if [ -n "$bin" ]; then
	host="$bin/teec-host"
	verify="$bin/teec-verify"
fi
dir=${TEEC_INPUT_DIRECTORY:-.}
config=${TEEC_INPUT_CONFIG:-}
[ -n "$config" ] || config="$dir/build.json"
eif=${TEEC_INPUT_EIF:-}
out=${TEEC_INPUT_OUTPUT:-}
upload=${TEEC_INPUT_UPLOAD:-false}
tag=${TEEC_INPUT_TAG:-}
debug=${TEEC_INPUT_DEBUG_MODE:-false}
store=${TEEC_INPUT_TRUST_STORE:-}
local=${TEEC_ACTION_LOCAL:-0}
bool upload "$upload"
bool debug-mode "$debug"
if [ -z "$out" ]; then
	repo=${GITHUB_REPOSITORY:-}
	name=${repo##*/}
	[ -n "$name" ] || name=$(basename "$(cd "$dir" 2>/dev/null && pwd)")
	out="$name.teec"
fi
case $out in
*/*) die "input output: a file name, not a path ('$out')" ;;
-*|.*) die "input output: must not start with '-' or '.' ('$out')" ;;
esac

# Everything the upload needs is checked before the build.
if [ "$upload" = true ]; then
	[ -n "$tag" ] || die "upload: no release tag (run on: release, or set the tag input)"
	command -v gh >/dev/null 2>&1 || die "upload: gh (the GitHub CLI) is not on PATH"
fi

set -- build -C "$dir" --config "$config" -o "$out"
vflag=""
if [ "$local" = 1 ]; then
	echo "$prog: TEEC_ACTION_LOCAL=1: local mode, for tests only" >&2
	set -- "$@" --local
	vflag="--dev"
else
	[ -n "$eif" ] || die "input eif: the enclave image file is required"
	set -- "$@" --eif "$eif"
	[ -n "${TEEC_INPUT_CPUS:-}" ] && set -- "$@" --cpus "$TEEC_INPUT_CPUS"
	[ -n "${TEEC_INPUT_MEMORY:-}" ] && set -- "$@" --memory "$TEEC_INPUT_MEMORY"
	[ -n "${TEEC_INPUT_CONNECT_TIMEOUT:-}" ] &&
	    set -- "$@" --connect-timeout "$TEEC_INPUT_CONNECT_TIMEOUT"
	if [ "$debug" = true ]; then
		set -- "$@" --debug-mode
		vflag="--allow-debug"
	fi
fi

echo "$prog: $host $*" >&2
"$host" "$@"
rc=$?
if [ "$rc" -ne 0 ]; then
	summary "## teec: the build failed (teec-host exit status $rc)" \
	    "No bundle was made; the job log has the build's output."
	output verified false
	exit "$rc"
fi
output bundle "$out"

# Verify as anyone would; the text report goes to the summary.
work=$(mktemp -d "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/teec-action.XXXXXX") ||
    die "cannot make a temporary directory"
trap 'rm -rf "$work"' EXIT INT TERM
set --
[ -n "$vflag" ] && set -- "$vflag"
[ -n "$store" ] && set -- "$@" --trust-store "$store"
"$verify" bundle "$@" -- "$out" >"$work/report" 2>&1
vrc=$?
cat "$work/report"
name=$(printf '%s' "$out" | escape)
if [ "$vrc" -eq 0 ]; then
	summary "## teec: $name verified" "<pre>"
	output verified true
else
	summary "## teec: $name does NOT verify (teec-verify exit status $vrc)" "<pre>"
	output verified false
fi
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
	escape <"$work/report" >>"$GITHUB_STEP_SUMMARY"
fi
summary "</pre>"
[ "$vrc" -eq 0 ] || exit "$vrc"
[ "$upload" = true ] || exit 0

# The artifacts, by their base names beside the bundle.
mkdir "$work/x" "$work/assets" || die "cannot make $work"
tar -xf "$out" -C "$work/x" artifacts 2>/dev/null
set -- "$out"
if [ -d "$work/x/artifacts" ]; then
	find "$work/x/artifacts" -type f >"$work/list"
	while IFS= read -r f; do
		b=$(basename "$f")
		[ ! -e "$work/assets/$b" ] ||
		    die "two artifacts are named $b: give them different names"
		[ "$b" != "$out" ] || die "an artifact is named like the bundle: $b"
		cp "$f" "$work/assets/$b" || die "cannot copy $b"
	done <"$work/list"
	for f in "$work/assets"/*; do
		[ -e "$f" ] && set -- "$@" "$f"
	done
fi
if [ -n "${GITHUB_REPOSITORY:-}" ]; then
	gh release upload "$tag" "$@" --clobber --repo "$GITHUB_REPOSITORY"
else
	gh release upload "$tag" "$@" --clobber
fi
urc=$?
[ "$urc" -eq 0 ] || die "gh release upload to $tag failed (exit status $urc)"
summary "Uploaded to release $tag: $out and $(( $# - 1 )) artifact(s)."
exit 0

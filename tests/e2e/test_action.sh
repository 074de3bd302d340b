#!/bin/sh
# SPDX-License-Identifier: ISC
# The GitHub Action (action.yml, scripts/action-build.sh,
# scripts/action-verify.sh) run as its steps run, against local mode
# (TEEC_ACTION_LOCAL=1: teec-host build --local, teec-verify --dev) with a
# stand-in gh on PATH for the upload: outputs, job summary, upload
# arguments, and every way an input or a step can fail. Also: the scripts
# are shellcheck clean and action.yml passes inputs only through the
# environment.
# Run from the repository root by tests/run.sh.
. tests/e2e/lib.sh

top=$(pwd)
B="$top/scripts/action-build.sh"
VS="$top/scripts/action-verify.sh"
unset TEEC_TRUST_STORE GITHUB_OUTPUT GITHUB_STEP_SUMMARY GITHUB_REPOSITORY \
    TEEC_INPUT_DIRECTORY TEEC_INPUT_CONFIG TEEC_INPUT_EIF TEEC_INPUT_OUTPUT \
    TEEC_INPUT_UPLOAD TEEC_INPUT_TAG TEEC_INPUT_CPUS TEEC_INPUT_MEMORY \
    TEEC_INPUT_CONNECT_TIMEOUT TEEC_INPUT_DEBUG_MODE TEEC_INPUT_TRUST_STORE \
    TEEC_INPUT_BUNDLES TEEC_INPUT_ALLOW_DEBUG TEEC_ACTION_LOCAL
HOME="$T/home" XDG_CONFIG_HOME="$T/config" XDG_DATA_HOME="$T/data"
TMPDIR="$T/tmp" RUNNER_TEMP="$T/runner"
export HOME XDG_CONFIG_HOME XDG_DATA_HOME TMPDIR RUNNER_TEMP
mkdir -p "$HOME" "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$TMPDIR" "$RUNNER_TEMP" \
    "$T/gh" "$T/ws"

check() {
	_n=$1
	shift
	if "$@"; then pass "$_n"; else fail "$_n" "${why:-$*}"; fi
	why=""
}

# The scripts: POSIX sh, shellcheck clean.
if command -v shellcheck >/dev/null 2>&1; then
	if shellcheck -s sh "$B" "$VS" >"$T/sc.txt" 2>&1; then
		pass shellcheck_clean
	else
		fail shellcheck_clean "$(head -c 300 "$T/sc.txt")"
	fi
else
	skip shellcheck_clean "shellcheck is not installed"
fi
for s in "$B" "$VS"; do
	n=$(basename "$s" .sh)
	check "${n}_parses" sh -n "$s"
	check "${n}_spdx" grep -q '^# SPDX-License-Identifier: ISC' "$s"
done

# action.yml: inputs reach the scripts only as environment variables
# (an input pasted into a run: script could inject commands).
why=$(grep -n 'run:.*\${{' action.yml)
check action_run_no_expressions sh -c "! grep -q 'run:.*\\\${{' action.yml"
awk '/^ *run: \|/ { inrun = 1; ind = index($0, "run:"); next }
    inrun { match($0, /^ */); if (RLENGTH <= ind - 1 && $0 !~ /^ *$/) inrun = 0 }
    inrun && /\$\{\{/ { print; bad = 1 } END { exit bad }' action.yml >"$T/bad.txt"
why=$(cat "$T/bad.txt")
check action_run_blocks_no_expressions [ ! -s "$T/bad.txt" ]
check action_is_composite grep -q 'using: composite' action.yml
check action_runs_build_script grep -q 'run: sh "$GITHUB_ACTION_PATH/scripts/action-build.sh"' action.yml
check action_runs_verify_script grep -q 'run: sh "$GITHUB_ACTION_PATH/scripts/action-verify.sh"' action.yml
# Every variable a script reads is set by action.yml, and every input used.
for v in $(grep -oh 'TEEC_INPUT_[A-Z_]*' "$B" "$VS" | sort -u); do
	why="$v is read by a script but not set in action.yml"
	check "action_sets_$v" grep -q "^ *$v: \${{ inputs\\." action.yml
done
for i in $(sed -n '/^inputs:/,/^outputs:/p' action.yml | sed -n 's/^  \([a-z-]*\):$/\1/p'); do
	why="input $i is never used"
	check "action_uses_input_$i" grep -q "\${{ inputs\\.$i }}" action.yml
done
if python3 -c 'import yaml' 2>/dev/null; then
	check action_yaml_parses python3 -c 'import yaml; d = yaml.safe_load(open("action.yml")); assert d["runs"]["using"] == "composite"'
	# The README's example workflows are YAML too.
	check readme_examples_parse python3 -c "
import re, yaml
docs = re.findall(r'^\x60\x60\x60yaml\n(.*?)^\x60\x60\x60\$', open('README.md').read(), re.M | re.S)
assert len(docs) >= 2, len(docs)
for d in docs:
    w = yaml.safe_load(d)
    assert 'jobs' in w and w[True]['release']['types'] == ['published']
"
else
	skip action_yaml_parses "python3 yaml is not installed"
fi
check readme_release_trigger grep -q 'types: \[published\]' README.md
check readme_nitro_runner grep -qF 'runs-on: [self-hosted, nitro]' README.md

if ! command -v bwrap >/dev/null 2>&1 ||
    ! bwrap --unshare-user --unshare-net --ro-bind / / true 2>/dev/null; then
	skip action_builds "namespaces cannot be created here"
	exit 0
fi

# The stand-in gh: logs its arguments, keeps copies of what it uploads.
cat >"$T/gh/gh" <<EOF
#!/bin/sh
printf '%s\n' "\$*" >>"$T/gh/log"
[ -e "$T/gh/fail" ] && { echo 'HTTP 404: Not Found' >&2; exit 1; }
shift 3
for f in "\$@"; do [ -f "\$f" ] && cp "\$f" "$T/gh/"; done
exit 0
EOF
chmod +x "$T/gh/gh"
GHPATH="$T/gh:$PATH"
cp -R "$top/examples/hello" "$T/ws/hello"
rm -f "$T/ws/hello/hello" "$T/ws/hello"/*.teec

# build ENV...: the build step in $T/ws, as the runner would run it.
build() {
	: >"$T/output"
	: >"$T/summary"
	(cd "$T/ws" && env GITHUB_OUTPUT="$T/output" GITHUB_STEP_SUMMARY="$T/summary" \
	    TEEC_BIN="$TEEC_BIN" TEEC_ACTION_LOCAL=1 "$@" sh "$B") >"$T/out.txt" 2>"$T/err.txt"
	rc=$?
}

build PATH="$GHPATH" TEEC_INPUT_DIRECTORY=hello TEEC_INPUT_UPLOAD=true \
    TEEC_INPUT_TAG=v1.2.3 GITHUB_REPOSITORY=octo/hello
why="exit $rc: $(tail -c 300 "$T/err.txt")"
check build_upload [ "$rc" -eq 0 ]
check build_bundle_made [ -f "$T/ws/hello.teec" ]
check build_output_bundle grep -qx 'bundle=hello.teec' "$T/output"
check build_output_verified grep -qx 'verified=true' "$T/output"
check build_summary_verified grep -q '^## teec: hello.teec verified' "$T/summary"
check build_summary_report grep -q '^<pre>$' "$T/summary"
why=$(cat "$T/gh/log" 2>/dev/null)
check build_gh_called grep -Eq "^release upload v1\\.2\\.3 hello\\.teec $RUNNER_TEMP/teec-action\\.[A-Za-z0-9]+/assets/hello --clobber --repo octo/hello\$" "$T/gh/log"
tar -xOf "$T/ws/hello.teec" artifacts/hello >"$T/hello.expected" 2>/dev/null
check build_uploaded_artifact cmp -s "$T/gh/hello" "$T/hello.expected"
check build_uploaded_bundle cmp -s "$T/gh/hello.teec" "$T/ws/hello.teec"
check build_said_local grep -q 'TEEC_ACTION_LOCAL=1: local mode, for tests only' "$T/err.txt"
left=$(ls -A "$RUNNER_TEMP")
why="left: $left"
check build_temp_removed [ -z "$left" ]
cp "$T/ws/hello.teec" "$T/good.teec"
rm -f "$T/ws/hello.teec" "$T/gh/log" "$T/gh/hello" "$T/gh/hello.teec"

# No upload: gh is not called.
build PATH="$GHPATH" TEEC_INPUT_DIRECTORY=hello TEEC_INPUT_UPLOAD=false TEEC_INPUT_OUTPUT=app.teec
check build_no_upload [ "$rc" -eq 0 ] && check build_no_upload_no_gh [ ! -e "$T/gh/log" ]
check build_output_name [ -f "$T/ws/app.teec" ]
rm -f "$T/ws/app.teec"

# Upload without a release tag, or without gh: refused before the build.
build PATH="$GHPATH" TEEC_INPUT_DIRECTORY=hello TEEC_INPUT_UPLOAD=true
check upload_needs_tag [ "$rc" -eq 2 ]
check upload_needs_tag_msg grep -q 'no release tag' "$T/err.txt"
check upload_needs_tag_no_build [ ! -e "$T/ws/hello.teec" ]
build PATH=/usr/bin:/bin TEEC_INPUT_DIRECTORY=hello TEEC_INPUT_UPLOAD=true TEEC_INPUT_TAG=v1
check upload_needs_gh [ "$rc" -eq 2 ]
check upload_needs_gh_msg grep -q 'gh (the GitHub CLI) is not on PATH' "$T/err.txt"

# The upload fails.
: >"$T/gh/fail"
build PATH="$GHPATH" TEEC_INPUT_DIRECTORY=hello TEEC_INPUT_UPLOAD=true TEEC_INPUT_TAG=v1
check upload_fails [ "$rc" -eq 2 ]
check upload_fails_msg grep -q 'gh release upload to v1 failed' "$T/err.txt"
rm -f "$T/gh/fail" "$T/gh/log" "$T/ws/hello.teec"

# Bad inputs.
build TEEC_INPUT_DIRECTORY=hello TEEC_INPUT_UPLOAD=yes
check input_upload_bool [ "$rc" -eq 2 ] && check input_upload_bool_msg grep -q "expected true or false, got 'yes'" "$T/err.txt"
build TEEC_INPUT_DIRECTORY=hello TEEC_INPUT_DEBUG_MODE=1
check input_debug_bool [ "$rc" -eq 2 ]
build TEEC_INPUT_DIRECTORY=hello TEEC_INPUT_OUTPUT=out/x.teec
check input_output_path [ "$rc" -eq 2 ]
build TEEC_INPUT_DIRECTORY=hello TEEC_INPUT_OUTPUT=-x.teec
check input_output_dash [ "$rc" -eq 2 ]
(cd "$T/ws" && env TEEC_BIN="$TEEC_BIN" TEEC_INPUT_DIRECTORY=hello sh "$B") >"$T/out.txt" 2>"$T/err.txt"
rc=$?
check input_eif_required [ "$rc" -eq 2 ] && check input_eif_required_msg grep -q 'input eif' "$T/err.txt"

# Builds that fail: exit status of teec-host, summary says so, no upload.
mkdir -p "$T/ws/broken" "$T/ws/failing"
echo '{"language": "c"' >"$T/ws/broken/build.json"
build PATH="$GHPATH" TEEC_INPUT_DIRECTORY=broken TEEC_INPUT_UPLOAD=true TEEC_INPUT_TAG=v1
check broken_build_json [ "$rc" -eq 2 ]
check broken_summary grep -q 'the build failed (teec-host exit status 2)' "$T/summary"
check broken_output grep -qx 'verified=false' "$T/output"
check broken_no_gh [ ! -e "$T/gh/log" ]
printf '%s\n' '{"language":"c","input":{"cmd":"exit 3"},"output":{"files":["x"]}}' >"$T/ws/failing/build.json"
build PATH="$GHPATH" TEEC_INPUT_DIRECTORY=failing TEEC_INPUT_UPLOAD=true TEEC_INPUT_TAG=v1
check failing_build [ "$rc" -eq 1 ]
check failing_no_bundle [ ! -e "$T/ws/failing.teec" ]
check failing_no_gh [ ! -e "$T/gh/log" ]

# The verify step, as a CI gate.
verify() {
	: >"$T/output"
	: >"$T/summary"
	(cd "$T" && env GITHUB_OUTPUT="$T/output" GITHUB_STEP_SUMMARY="$T/summary" \
	    TEEC_BIN="$TEEC_BIN" "$@" sh "$VS") >"$T/out.txt" 2>"$T/err.txt"
	rc=$?
}
# A bad bundle: one byte of the report changed.
cp "$T/good.teec" "$T/bad.teec"
printf 'X' | dd of="$T/bad.teec" bs=1 seek=600 conv=notrunc 2>/dev/null

verify TEEC_ACTION_LOCAL=1 TEEC_INPUT_BUNDLES=good.teec
check gate_good [ "$rc" -eq 0 ]
check gate_good_summary grep -q '^## teec: good.teec verified' "$T/summary"
check gate_good_output grep -qx 'verified=true' "$T/output"
check gate_good_report grep -q 'report' "$T/summary"
verify TEEC_ACTION_LOCAL=1 TEEC_INPUT_BUNDLES="good.teec
bad.teec"
check gate_bad [ "$rc" -eq 1 ]
check gate_bad_summary grep -q '^## teec: bad.teec does NOT verify' "$T/summary"
check gate_bad_output grep -qx 'verified=false' "$T/output"
verify TEEC_ACTION_LOCAL=1 TEEC_INPUT_BUNDLES="good.teec
missing.teec
bad.teec"
check gate_missing [ "$rc" -eq 2 ]
check gate_missing_summary grep -q '^## teec: missing.teec could not be checked' "$T/summary"
verify TEEC_ACTION_LOCAL=1 TEEC_INPUT_BUNDLES='go*.teec'
check gate_pattern [ "$rc" -eq 0 ] && check gate_pattern_expanded grep -q '^## teec: good.teec verified' "$T/summary"
verify TEEC_ACTION_LOCAL=1 TEEC_INPUT_BUNDLES='*.teec'
check gate_pattern_all [ "$rc" -eq 1 ]
verify TEEC_ACTION_LOCAL=1 TEEC_INPUT_BUNDLES='

'
check gate_no_bundles [ "$rc" -eq 2 ]
verify TEEC_ACTION_LOCAL=1 TEEC_INPUT_BUNDLES=good.teec TEEC_INPUT_ALLOW_DEBUG=maybe
check gate_bad_allow_debug [ "$rc" -eq 2 ]
# Without the tests' local switch (no --dev), a local bundle never passes.
verify TEEC_INPUT_BUNDLES=good.teec
check gate_without_dev [ "$rc" -eq 1 ]
check gate_without_dev_reason grep -q 'UNTRUSTED_ROOT' "$T/summary"
# Text in the summary is HTML-escaped.
printf 'x' >"$T/a<b>.teec"
verify TEEC_ACTION_LOCAL=1 TEEC_INPUT_BUNDLES='a<b>.teec'
check gate_summary_escaped sh -c "grep -q '&lt;b&gt;' '$T/summary' || ! grep -q '<b>' '$T/summary'"

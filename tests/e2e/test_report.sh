#!/bin/sh
# SPDX-License-Identifier: ISC
# End-to-end tests of teec-report(1): the command line (usage errors exit
# 2, the man page SYNOPSIS is the usage), and show and diff on bundles
# that teec-host builds from examples/hello in local mode, and on bundles
# whose builds fetch from the test origin of tests/net/origin.h.
# Run from the repository root by tests/run.sh.
. tests/e2e/lib.sh

R="$TEEC_BIN/teec-report"
H="$TEEC_BIN/teec-host"
EXAMPLE=examples/hello

# Hermetic: the build tree's trust store, a fresh development CA.
unset TEEC_TRUST_STORE
HOME="$T/home" XDG_CONFIG_HOME="$T/config" XDG_DATA_HOME="$T/data"
export HOME XDG_CONFIG_HOME XDG_DATA_HOME
mkdir -p "$HOME" "$XDG_CONFIG_HOME" "$XDG_DATA_HOME"

if [ ! -x "$R" ]; then
	fail teec_report_built "$R is not executable (run make)"
	exit 1
fi

# run CMD...: run it, exit status in $rc, output in $T/out and $T/err.
run() {
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
}

# ok_if NAME WHY: PASS when WHY is empty, else FAIL with it.
ok_if() {
	if [ -z "$2" ]; then pass "$1"; else fail "$1" "$2"; fi
}

# no_raw_controls FILE: only printable ASCII and newlines.
no_raw_controls() {
	! LC_ALL=C tr -d '\n' <"$1" | LC_ALL=C grep -q '[^ -~]'
}

# -- Command line.

run "$R" --help
ok_if help_exits_0_prints_usage "$([ "$rc" -eq 0 ] &&
    grep -qF 'usage: teec-report show' "$T/out" || echo "exit $rc")"
run "$R" show --help
ok_if show_help_exits_0 "$([ "$rc" -eq 0 ] &&
    grep -qF 'teec-report diff' "$T/out" || echo "exit $rc")"
run "$R" --version
ok_if version_exits_0 "$([ "$rc" -eq 0 ] && grep -q '^teec-report [0-9]' "$T/out" ||
    echo "exit $rc")"

if command -v mandoc >/dev/null 2>&1 && [ -f man/teec-report.1 ]; then
	bs=$(printf '\b')
	want=$("$R" --help | sed 's/^usage://' | tr -s ' \n' '  ' | sed 's/^ //;s/ $//')
	got=$(mandoc -Tascii man/teec-report.1 | sed "s/.$bs//g" |
	    sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' | sed '1d;$d' |
	    tr -s ' \t\n' '   ' | sed 's/^ //;s/ $//')
	ok_if man_synopsis_equals_usage "$([ "$want" = "$got" ] ||
	    echo "usage '$want' but man '$got'")"
	run mandoc -Tlint -Wwarning man/teec-report.1
	ok_if man_lint_clean "$([ "$rc" -eq 0 ] || head -c 300 "$T/out")"
else
	skip man_synopsis_equals_usage "mandoc(1) or man/teec-report.1 missing"
	skip man_lint_clean "mandoc(1) or man/teec-report.1 missing"
fi

# Usage errors are found before any file is read: $E would exit 1.
E="$T/empty.json"
printf '{}\n' >"$E"
expect_exit no_arguments_exits_2 2 "$R"
expect_exit unknown_command_exits_2 2 "$R" render "$E"
expect_exit show_no_file_exits_2 2 "$R" show
expect_exit show_two_files_exits_2 2 "$R" show "$E" "$E"
expect_exit show_unknown_option_exits_2 2 "$R" show --bogus "$E"
ok_if unknown_option_prints_usage "$(grep -qF 'usage: teec-report' "$T/err" ||
    echo 'no usage on standard error')"
expect_exit show_bad_format_exits_2 2 "$R" show --format yaml "$E"
expect_exit show_repeated_format_exits_2 2 "$R" show --format json --format text "$E"
expect_exit show_format_needs_argument_exits_2 2 "$R" show "$E" --format
expect_exit show_repeated_at_exits_2 2 "$R" show --at now --at now "$E"
expect_exit show_bad_at_exits_2 2 "$R" show --at yesterday "$E"
expect_exit show_repeated_trust_store_exits_2 2 \
    "$R" show --trust-store trust-store --trust-store trust-store "$E"
expect_exit show_repeated_dev_exits_2 2 "$R" show --dev --dev "$E"
expect_exit diff_one_file_exits_2 2 "$R" diff "$E"
expect_exit diff_three_files_exits_2 2 "$R" diff "$E" "$E" "$E"
expect_exit diff_html_exits_2 2 "$R" diff --format html "$E" "$E"
expect_exit diff_trust_option_exits_2 2 "$R" diff --dev "$E" "$E"
expect_exit diff_stdin_twice_exits_2 2 "$R" diff - - </dev/null
expect_exit show_nonexistent_exits_2 2 "$R" show "$T/does-not-exist"
expect_exit show_directory_exits_2 2 "$R" show "$T"
expect_exit show_missing_trust_store_exits_2 2 "$R" show --trust-store "$T/none" "$E"
expect_exit diff_nonexistent_exits_2 2 "$R" diff "$E" "$T/does-not-exist"

# A malformed report is examined: exit 1, reason first.
run "$R" show "$E"
ok_if malformed_report_exits_1 "$([ "$rc" -eq 1 ] &&
    head -n 1 "$T/out" | grep -qF 'NOT VERIFIED (BAD_REPORT): report.json' ||
    echo "exit $rc: $(head -n 1 "$T/out")")"
expect_exit diff_malformed_report_exits_2 2 "$R" diff "$E" "$E"

# -- show and diff on real bundles.

NEED_BUNDLE="local_bundle_built show_dev_bundle_verifies show_without_dev_fails
show_html_self_contained show_markdown_tables show_json_verified
show_stdin_bundle show_pipe_path_bundle show_bare_report_unverified show_bare_report_stdin
diff_same_bundle_agrees diff_two_builds_agree diff_bundle_and_own_report_same_outputs
diff_changed_subject_differs diff_changed_command_differs diff_json_agree_false"

for need in "$H" "$TEEC_BIN/teec-enclave" "$EXAMPLE/build.json"; do
	if [ ! -e "$need" ]; then
		for t in $NEED_BUNDLE; do
			skip "$t" "$need does not exist yet"
		done
		exit 0
	fi
done

mkdir -p "$T/src"
cp -R "$EXAMPLE/." "$T/src/"
A="$T/a.teec" B="$T/b.teec"
"$H" build --local -C "$T/src" -o "$A" >"$T/build.out" 2>&1 &&
    "$H" build --local -C "$T/src" -o "$B" >>"$T/build.out" 2>&1
rc=$?
if [ "$rc" -ne 0 ] || [ ! -s "$A" ] || [ ! -s "$B" ]; then
	fail local_bundle_built "teec-host build exit $rc: $(tail -c 400 "$T/build.out" | tr '\n' ' ')"
	exit 1
fi
pass local_bundle_built

run "$R" show --dev "$A"
ok_if show_dev_bundle_verifies "$([ "$rc" -eq 0 ] &&
    [ "$(head -n 1 "$T/out")" = "$A: VERIFIED" ] &&
    grep -qF 'enclave clock, not attested time' "$T/out" &&
    no_raw_controls "$T/out" || echo "exit $rc: $(head -n 1 "$T/out")")"

run "$R" show "$A"
ok_if show_without_dev_fails "$([ "$rc" -eq 1 ] &&
    head -n 1 "$T/out" | grep -qF ': NOT VERIFIED (' ||
    echo "exit $rc: $(head -n 1 "$T/out")")"

run "$R" show --dev --format html "$A"
why=
[ "$rc" -eq 0 ] || why="exit $rc;"
head -n 1 "$T/out" | grep -qxF '<!DOCTYPE html>' || why="$why no doctype;"
grep -qiE '<script|<link|<img|src=|href=|url\(|@import' "$T/out" &&
    why="$why an external reference or a script;"
ok_if show_html_self_contained "$why"

run "$R" show --dev --format markdown "$A"
ok_if show_markdown_tables "$([ "$rc" -eq 0 ] &&
    grep -qF '| name | artifact | sha256 | sha384 |' "$T/out" &&
    grep -qF '**VERIFIED**' "$T/out" || echo "exit $rc")"

run "$R" show --dev --format json "$A"
ok_if show_json_verified "$([ "$rc" -eq 0 ] &&
    grep -qF '"kind":"bundle","verified":true,"reason":null' "$T/out" ||
    echo "exit $rc: $(head -c 200 "$T/out")")"

run sh -c '"$1" show --dev - <"$2"' sh "$R" "$A"
ok_if show_stdin_bundle "$([ "$rc" -eq 0 ] &&
    [ "$(head -n 1 "$T/out")" = "standard input: VERIFIED" ] || echo "exit $rc")"

run sh -c 'cat "$2" | "$1" show --dev /dev/fd/0' sh "$R" "$A"
ok_if show_pipe_path_bundle "$([ "$rc" -eq 0 ] &&
    [ "$(head -n 1 "$T/out")" = "/dev/fd/0: VERIFIED" ] || echo "exit $rc")"

# The bundle's own report.json, alone.
mkdir -p "$T/x"
tar -xf "$A" -C "$T/x" report.json
run "$R" show --dev "$T/x/report.json"
ok_if show_bare_report_unverified "$([ "$rc" -eq 1 ] &&
    head -n 1 "$T/out" | grep -qF ': UNVERIFIED: a bare report.json carries no attestation' ||
    echo "exit $rc: $(head -n 1 "$T/out")")"
run sh -c '"$1" show --format json - <"$2"' sh "$R" "$T/x/report.json"
ok_if show_bare_report_stdin "$([ "$rc" -eq 1 ] &&
    grep -qF '"kind":"report","verified":false,"reason":"UNVERIFIED"' "$T/out" ||
    echo "exit $rc")"

expect_exit diff_same_bundle_agrees 0 "$R" diff "$A" "$A"
run "$R" diff "$A" "$B"
ok_if diff_two_builds_agree "$([ "$rc" -eq 0 ] &&
    grep -qF 'AGREE: the same inputs and outputs' "$T/out" &&
    grep -qF 'differs (expected) run.invocationId' "$T/out" &&
    head -n 1 "$T/out" | grep -qF 'no trust decision' || echo "exit $rc")"
# Its own report: the same outputs; the image PCRs only when the report
# records them (a local build's does not: unknown is not agreement).
run "$R" diff "$A" "$T/x/report.json"
ok_if diff_bundle_and_own_report_same_outputs "$([ "$rc" -le 1 ] &&
    grep -qE '^(AGREE: |DIFFER: [0-9]+ inputs? and 0 outputs)' "$T/out" &&
    ! grep -qE 'subject|build\.|source\.|dependency' "$T/out" &&
    grep -qF 'none: a bare report.json' "$T/out" || echo "exit $rc")"

# A report whose first subject digest is changed (its first hex digit).
sed 's/\("subject":\[{"name":"[^"]*","digest":{"sha256":"\)\(.\)/\1X\2/' \
    "$T/x/report.json" | sed 's/"sha256":"X0/"sha256":"1/;s/"sha256":"X[1-9a-f]/"sha256":"0/' \
    >"$T/subject.json"
run "$R" diff "$A" "$T/subject.json"
ok_if diff_changed_subject_differs "$([ "$rc" -eq 1 ] &&
    grep -qE '^  differs +subject ' "$T/out" || echo "exit $rc: $(head -c 300 "$T/err")")"

sed 's/"input":{"cmd":"\([^"]*\)"/"input":{"cmd":"\1 V=1"/' "$T/x/report.json" \
    >"$T/command.json"
run "$R" diff "$T/x/report.json" "$T/command.json"
ok_if diff_changed_command_differs "$([ "$rc" -eq 1 ] &&
    grep -qF 'build.command' "$T/out" || echo "exit $rc: $(head -c 300 "$T/err")")"
run "$R" diff --format json "$T/x/report.json" "$T/command.json"
ok_if diff_json_agree_false "$([ "$rc" -eq 1 ] &&
    grep -qF '"agree":false' "$T/out" || echo "exit $rc")"

# -- show and diff on bundles with network dependencies: builds that fetch
# from the test origin over HTTP and HTTPS (as tests/e2e/test_network.sh).

NEED_NET="net_bundles_built show_net_table show_net_refused_row
show_net_byproducts show_net_upstream_ca show_net_markdown show_net_html
show_net_json show_net_no_upstream_ca diff_net_rebuild_agrees diff_net_dependency_table
diff_net_upstream_ca diff_net_markdown diff_net_json"

skip_net() {
	for t in $NEED_NET; do
		skip "$t" "$1"
	done
	exit 0
}
command -v bwrap >/dev/null 2>&1 &&
    bwrap --unshare-user --unshare-net --ro-bind / / true 2>/dev/null ||
    skip_net "bubblewrap cannot create namespaces here"
command -v curl >/dev/null 2>&1 || skip_net "no curl to fetch with"
command -v jq >/dev/null 2>&1 || skip_net "no jq for the JSON checks"
top=$(pwd)
${CC:-cc} -I"$top" -D_GNU_SOURCE -o "$T/origin" "$top/tests/net/origin.c" \
    $(pkg-config --cflags --libs libssl libcrypto) -lpthread 2>"$T/cc.err" ||
    skip_net "the test origin does not build: $(head -c 200 "$T/cc.err")"

pids=""
trap 'for p in $pids; do kill "$p" 2>/dev/null; done; rm -rf "$T"' EXIT INT TERM
# origin NAME [--tls]: started in the background; its port in $T/NAME.port.
origin() {
	_n=$1
	shift
	"$T/origin" "$@" --ca "$T/$_n.ca" "$T/$_n.port" </dev/null \
	    >"$T/$_n.out" 2>"$T/$_n.err" &
	pids="$pids $!"
	_i=0
	while [ ! -s "$T/$_n.port" ] && [ $_i -lt 200 ]; do sleep 0.05; _i=$((_i + 1)); done
}
origin plain
origin tls --tls
P=$(cat "$T/plain.port" 2>/dev/null)
S=$(cat "$T/tls.port" 2>/dev/null)
[ -n "$P" ] && [ -n "$S" ] || skip_net "no port from the test origins"

# netbuild NAME BODY [teec-host options]: a build that fetches /hello over
# HTTP, posts BODY to /echo, fetches /hello over HTTPS when it was given
# a CA bundle for the origin, and tries a host it may not reach.
netbuild() {
	_n=$1 _body=$2
	shift 2
	mkdir -p "$T/net/$_n"
	_https=""
	[ $# -gt 0 ] && _https=" && curl -sSf https://127.0.0.1:$S/hello >>out.txt"
	cat >"$T/net/$_n/build.json" <<EOF
{"language": "c", "input": {"cmd": "curl -sSf -o out.txt http://127.0.0.1:$P/hello && curl -sSf -d $_body http://127.0.0.1:$P/echo >>out.txt$_https; curl -sf http://127.0.0.1:1/x; true"},
 "output": {"files": ["out.txt"]},
 "network": {"allow": ["127.0.0.1:$P", "127.0.0.1:$S"]}}
EOF
	"$H" build --local -C "$T/net/$_n" -o "$T/$_n.teec" "$@" \
	    >>"$T/netbuild.out" 2>&1
}
netbuild n1 one --upstream-ca "$T/tls.ca" &&
    netbuild n1b one --upstream-ca "$T/tls.ca" &&
    netbuild n2 two
rc=$?
if [ "$rc" -ne 0 ] || [ ! -s "$T/n1.teec" ] || [ ! -s "$T/n2.teec" ]; then
	fail net_bundles_built "teec-host build exit $rc: $(tail -c 400 "$T/netbuild.out" | tr '\n' ' ')"
	exit 1
fi
pass net_bundles_built

HELLO_SHA=$(printf 'hello world\n' | sha256sum | cut -d' ' -f1)
ONE_SHA=$(printf 'one' | sha256sum | cut -d' ' -f1)
TWO_SHA=$(printf 'two' | sha256sum | cut -d' ' -f1)
CA_SHA=$(sha256sum <"$T/tls.ca" | cut -d' ' -f1)
NET_SHA=$(tar -xOf "$T/n1.teec" network.jsonl | sha256sum | cut -d' ' -f1)
NLINES=$(tar -xOf "$T/n1.teec" network.jsonl | wc -l | tr -d ' ')
NSIZE=$(tar -xOf "$T/n1.teec" network.jsonl | wc -c | tr -d " ")
HP="http://127\.0\.0\.1:$P"

# grep_line NAME FILE ERE: PASS when a line of FILE matches ERE.
grep_line() {
	if grep -qE -- "$3" "$2"; then pass "$1"; else
		fail "$1" "no line like '$3' in $(basename "$2")"
	fi
}

run "$R" show --dev "$T/n1.teec"
if [ "$rc" -ne 0 ]; then
	fail show_net_table "show exit $rc: $(head -n 1 "$T/out")"
else
	grep_line show_net_table "$T/out" \
	    "^  $HP/hello +GET +200 +12 +$HELLO_SHA\$"
fi
grep_line show_net_refused_row "$T/out" \
    '^  http://127\.0\.0\.1:1/x +GET +refused +not allowed by the network policy \(127\.0\.0\.1:1\)$'
grep_line show_net_byproducts "$T/out" \
    "^  network\.jsonl +$NSIZE +$NET_SHA +matches the bundle's member, $NLINES lines, each matching its dependency\$"
ok_if show_net_upstream_ca "$(grep -qxF "  CA bundle sha256  $CA_SHA" "$T/out" &&
    grep -qxF "  meaning           the build's HTTPS origins were verified against a CA bundle chosen by whoever started the build, not the image's" "$T/out" ||
    echo 'no upstream CA digest and meaning')"

run "$R" show --dev --format markdown "$T/n1.teec"
ok_if show_net_markdown "$([ "$rc" -eq 0 ] &&
    grep -qxF "| http://127.0.0.1:$P/hello | GET | 200 | 12 | \`$HELLO_SHA\` |" "$T/out" &&
    grep -qxF "| CA bundle sha256 | \`$CA_SHA\` |" "$T/out" ||
    echo "exit $rc")"

run "$R" show --dev --format html "$T/n1.teec"
ok_if show_net_html "$([ "$rc" -eq 0 ] &&
    grep -qxF "<tr><td>http://127.0.0.1:$P/hello</td><td>GET</td><td>200</td><td>12</td><td><code>$HELLO_SHA</code></td></tr>" "$T/out" &&
    grep -qF "<td><code>$NET_SHA</code></td>" "$T/out" || echo "exit $rc")"

run "$R" show --dev --format json "$T/n1.teec"
ok_if show_net_json "$([ "$rc" -eq 0 ] &&
    [ "$(jq -r '.report.upstreamCa.sha256' "$T/out")" = "$CA_SHA" ] &&
    [ "$(jq -r '.report.networkLog.sha256' "$T/out")" = "$NET_SHA" ] &&
    [ "$(jq -r '.byproducts[] | select(.name == "network.jsonl") | "\(.matches) \(.lines)"' "$T/out")" = "true $NLINES" ] &&
    [ "$(jq -r --arg u "http://127.0.0.1:$P/hello" '.report.dependencies[] | select(.uri == $u) | .sha256' "$T/out")" = "$HELLO_SHA" ] ||
    echo "exit $rc: $(head -c 200 "$T/out")")"

run "$R" show --dev "$T/n2.teec"
ok_if show_net_no_upstream_ca "$([ "$rc" -eq 0 ] &&
    grep -qxF "  CA bundle  the image's own" "$T/out" || echo "exit $rc")"

run "$R" diff "$T/n1.teec" "$T/n1b.teec"
ok_if diff_net_rebuild_agrees "$([ "$rc" -eq 0 ] &&
    grep -qF 'AGREE: the same inputs and outputs' "$T/out" &&
    ! grep -qF 'network dependencies' "$T/out" || echo "exit $rc")"

run "$R" diff "$T/n1.teec" "$T/n2.teec"
why=
[ "$rc" -eq 1 ] || why="exit $rc;"
grep -qxF '  network dependencies (matched by method and URI)' "$T/out" ||
    why="$why no table;"
grep -qE "^    differs +A +POST +$HP/echo +200 +3 +$ONE_SHA\$" "$T/out" ||
    why="$why no A row;"
grep -qE "^ +B +POST +$HP/echo +200 +3 +$TWO_SHA\$" "$T/out" ||
    why="$why no B row;"
grep -qE "^    only in A +A +GET +https://127\.0\.0\.1:$S/hello +200 +12 +$HELLO_SHA\$" "$T/out" ||
    why="$why no removed row;"
ok_if diff_net_dependency_table "$why"
ok_if diff_net_upstream_ca "$(grep -qxF '  only in A          upstreamCa' "$T/out" &&
    grep -qxF "      A  $CA_SHA" "$T/out" || echo 'no upstreamCa difference')"

run "$R" diff --format markdown "$T/n1.teec" "$T/n2.teec"
ok_if diff_net_markdown "$([ "$rc" -eq 1 ] &&
    grep -qxF '### Network dependencies (matched by method and URI)' "$T/out" &&
    grep -qxF "| **differs** | A | POST | \`http://127.0.0.1:$P/echo\` | 200 | 3 | \`$ONE_SHA\` |" "$T/out" ||
    echo "exit $rc")"

run "$R" diff --format json "$T/n1.teec" "$T/n2.teec"
ok_if diff_net_json "$([ "$rc" -eq 1 ] &&
    [ "$(jq -r '.dependencies[] | select(.method == "POST") | "\(.change) \(.a.sha256) \(.b.sha256)"' "$T/out")" = "differs $ONE_SHA $TWO_SHA" ] &&
    [ "$(jq -r '.inputs[] | select(.field == "upstreamCa") | .change' "$T/out")" = "only_a" ] ||
    echo "exit $rc: $(head -c 300 "$T/out")")"
exit 0

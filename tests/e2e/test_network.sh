#!/bin/sh
# SPDX-License-Identifier: ISC
# End-to-end tests of the recorded network (build.json(5) network,
# teec-enclave(8) NETWORK), all on 127.0.0.1: builds whose command fetches
# with curl from the test origin of tests/net/origin.h, over HTTP and
# HTTPS, allowed and refused; what report.json, network.jsonl and
# teec-report say; that the verifier holds the transcript to the report;
# that a build without a policy, or going around the proxy, reaches
# nothing; that hostile origins are cut off and recorded.
# The proxy's caps and time limits are covered by tests/unit/test_proxy.c.
# Run from the repository root by tests/run.sh.
. tests/e2e/lib.sh

H="$TEEC_BIN/teec-host"
V="$TEEC_BIN/teec-verify"
R="$TEEC_BIN/teec-report"
E="$TEEC_BIN/teec-enclave"
top=$(pwd)

unset TEEC_TRUST_STORE
HOME="$T/home" XDG_CONFIG_HOME="$T/config" XDG_DATA_HOME="$T/data"
TMPDIR="$T/tmp"
export HOME XDG_CONFIG_HOME XDG_DATA_HOME TMPDIR
mkdir -p "$HOME" "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$TMPDIR"

for p in "$H" "$E" "$V" "$R"; do
	if [ ! -x "$p" ]; then
		fail programs_built "$p is not executable (run make)"
		exit 1
	fi
done
if ! command -v bwrap >/dev/null 2>&1 ||
    ! bwrap --unshare-user --unshare-net --ro-bind / / true 2>/dev/null; then
	skip network "bubblewrap cannot create namespaces here"
	exit 0
fi
if ! command -v curl >/dev/null 2>&1; then
	skip network "no curl to fetch with"
	exit 0
fi
# The origin is a test program of its own, built here.
if ! ${CC:-cc} -I"$top" -D_GNU_SOURCE -o "$T/origin" "$top/tests/net/origin.c" \
    $(pkg-config --cflags --libs libssl libcrypto) -lpthread 2>"$T/cc.err"; then
	fail origin_built "$(head -c 300 "$T/cc.err")"
	exit 1
fi

pids=""
trap 'for p in $pids; do kill "$p" 2>/dev/null; done; rm -rf "$T"' EXIT INT TERM

# origin NAME [--tls...]: start one (not in a subshell: its pid is kept,
# and its output goes to files); its port in $T/NAME.port.
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
origin wrong --tls-wrong-name
P=$(cat "$T/plain.port" 2>/dev/null)
S=$(cat "$T/tls.port" 2>/dev/null)
W=$(cat "$T/wrong.port" 2>/dev/null)
if [ -z "$P" ] || [ -z "$S" ] || [ -z "$W" ]; then
	fail origins_started "no port from the test origins"
	exit 1
fi
pass origins_started

# project NAME CMD ALLOW: a source tree whose build runs CMD; ALLOW is the
# JSON of network.allow, or "" for no network member at all.
project() {
	_d="$T/src/$1"
	mkdir -p "$_d"
	if [ -n "$3" ]; then
		_net=", \"network\": {\"allow\": $3}"
	else
		_net=""
	fi
	cat >"$_d/build.json" <<EOF
{"language": "c", "input": {"cmd": "$2"},
 "output": {"files": ["out.txt"]}$_net}
EOF
	echo "$_d"
}

# build NAME CMD ALLOW [teec-host options]: $rc, $T/NAME.teec, $T/err.txt.
build() {
	_n=$1 _c=$2 _a=$3
	shift 3
	_d=$(project "$_n" "$_c" "$_a")
	rm -f "$T/$_n.teec"
	"$H" build --local -C "$_d" -o "$T/$_n.teec" "$@" >"$T/out.txt" 2>"$T/err.txt"
	rc=$?
}

# member BUNDLE NAME: a member's bytes on standard output.
member() { tar -xOf "$1" "$2" 2>/dev/null; }

expect_rc() {
	if [ "$rc" -eq "$2" ]; then pass "$1"; else
		fail "$1" "exit $rc, wanted $2: $(head -c 400 "$T/err.txt" | tr '\n' ' ')"
	fi
}

# has NAME FILE STRING / hasnt NAME FILE STRING
has() { if grep -qF -- "$3" "$2"; then pass "$1"; else fail "$1" "no '$3' in $(basename "$2")"; fi; }
hasnt() { if grep -qF -- "$3" "$2"; then fail "$1" "'$3' in $(basename "$2")"; else pass "$1"; fi; }

HELLO_SHA=$(printf 'hello world\n' | sha256sum | cut -d' ' -f1)
CHUNKED_SHA=$(printf 'hello chunked world\n' | sha256sum | cut -d' ' -f1)

# HTTP, allowed: fetched, recorded with the body's digest, verifies.
build http "curl -sSf -o out.txt http://127.0.0.1:$P/hello && curl -sSf http://127.0.0.1:$P/chunked >>out.txt" \
    "[\"127.0.0.1:$P\"]"
expect_rc http_allowed_builds 0
member "$T/http.teec" report.json >"$T/http.report"
member "$T/http.teec" network.jsonl >"$T/http.jsonl"
has http_report_uri "$T/http.report" "{\"uri\":\"http://127.0.0.1:$P/hello\",\"digest\":{\"sha256\":\"$HELLO_SHA\"},\"annotations\":{\"method\":\"GET\",\"status\":200,\"size\":12}}"
has http_report_chunked "$T/http.report" "{\"uri\":\"http://127.0.0.1:$P/chunked\",\"digest\":{\"sha256\":\"$CHUNKED_SHA\"}"
has http_report_network_policy "$T/http.report" "\"network\":{\"allow\":[\"127.0.0.1:$P\"]}"
has http_report_proxy_env "$T/http.report" "\"http_proxy\":\"http://127.0.0.1:3128\""
has http_transcript_line "$T/http.jsonl" "{\"seq\":0,\"conn\":1,\"tls\":false,\"method\":\"GET\",\"uri\":\"http://127.0.0.1:$P/hello\",\"status\":200,\"size\":12,\"sha256\":\"$HELLO_SHA\",\"requestSize\":0}"
NET_SHA=$(sha256sum <"$T/http.jsonl" | cut -d' ' -f1)
has http_transcript_byproduct "$T/http.report" "{\"name\":\"network.jsonl\",\"digest\":{\"sha256\":\"$NET_SHA\"}}"
expect_exit http_bundle_verifies 0 "$V" bundle --dev "$T/http.teec" &&
    expect_grep http_verify_mentions_transcript "network transcript" "$T/out"
if expect_exit http_report_shows 0 "$R" show --dev "$T/http.teec"; then
	if grep -F "http://127.0.0.1:$P/hello " "$T/out" | grep -F " 200 " |
	    grep -qF " $HELLO_SHA"; then
		pass http_report_table
	else
		fail http_report_table "no row with the URI, 200 and the digest"
	fi
fi

# The transcript must match the report: a changed line does not verify.
mkdir -p "$T/x"
tar -xf "$T/http.teec" -C "$T/x"
sed 's/"size":12/"size":13/' "$T/x/network.jsonl" >"$T/x/n" && mv "$T/x/n" "$T/x/network.jsonl"
(cd "$T/x" && tar --format=ustar --owner=0 --group=0 --numeric-owner --mtime=@0 \
    -cf "$T/tampered.teec" report.json attestation.cbor build.log network.jsonl \
    artifacts/out.txt)
expect_exit tampered_transcript_fails 1 "$V" bundle --dev "$T/tampered.teec" &&
    expect_grep tampered_transcript_reason "network.jsonl differs from the report's byproduct digest" "$T/out"
# Detached from its transcript, the bundle still verifies.
(cd "$T/x" && tar --format=ustar --owner=0 --group=0 --numeric-owner --mtime=@0 \
    -cf "$T/detached.teec" report.json attestation.cbor)
expect_exit detached_transcript_verifies 0 "$V" bundle --dev "$T/detached.teec"

# HTTP, not allowed: refused, said, and the build fails.
build denied "curl -sSf -o out.txt http://127.0.0.1:$P/hello" "[\"127.0.0.1:1\"]"
expect_rc http_denied_fails 1
has http_denied_logged "$T/err.txt" "teec-enclave: network: refused GET http://127.0.0.1:$P/hello: not allowed by the network policy (127.0.0.1:$P)"
has http_denied_message "$T/err.txt" "the worker refused 1 network request"
if [ ! -e "$T/denied.teec" ]; then pass http_denied_no_bundle; else fail http_denied_no_bundle "a bundle was written"; fi

# A refused attempt the build survives is in its report.
build survives "curl -sSf http://127.0.0.1:$P/hello -o /dev/null; curl -sf http://127.0.0.1:$W/x; echo ok >out.txt" \
    "[\"127.0.0.1:$P\"]"
expect_rc refused_attempt_build 0
member "$T/survives.teec" report.json >"$T/survives.report"
has refused_attempt_recorded "$T/survives.report" "{\"uri\":\"http://127.0.0.1:$W/x\",\"annotations\":{\"method\":\"GET\",\"refused\":true,\"reason\":\"not allowed by the network policy (127.0.0.1:$W)\"}}"
expect_exit refused_attempt_verifies 0 "$V" bundle --dev "$T/survives.teec"

# An empty allow list: everything refused, still recorded.
build empty "curl -sf http://127.0.0.1:$P/hello; echo ok >out.txt" "[]"
expect_rc empty_policy_builds 0
member "$T/empty.teec" network.jsonl >"$T/empty.jsonl"
has empty_policy_refusal "$T/empty.jsonl" "\"refused\":true"

# HTTPS with --upstream-ca: curl trusts the per-build CA, the worker the test CA.
build https "curl -sSf -o out.txt https://127.0.0.1:$S/hello" "[\"127.0.0.1:$S\"]" \
    --upstream-ca "$T/tls.ca"
expect_rc https_builds 0
member "$T/https.teec" report.json >"$T/https.report"
member "$T/https.teec" network.jsonl >"$T/https.jsonl"
has https_report_uri "$T/https.report" "{\"uri\":\"https://127.0.0.1:$S/hello\",\"digest\":{\"sha256\":\"$HELLO_SHA\"}"
has https_transcript_tls "$T/https.jsonl" "\"tls\":true,\"method\":\"GET\",\"uri\":\"https://127.0.0.1:$S/hello\""
CA_SHA=$(sha256sum <"$T/tls.ca" | cut -d' ' -f1)
has https_upstream_ca_digest "$T/https.report" "\"upstreamCa\":{\"digest\":{\"sha256\":\"$CA_SHA\"}}"
has https_ca_env "$T/https.report" "\"SSL_CERT_FILE\":\"/tmp/teec/proxy-ca-bundle.pem\""
expect_exit https_bundle_verifies 0 "$V" bundle --dev "$T/https.teec"

# HTTPS without the test CA: the origin does not verify.
build https_noca "curl -sSf -o out.txt https://127.0.0.1:$S/hello" "[\"127.0.0.1:$S\"]"
expect_rc https_unverified_fails 1
has https_unverified_logged "$T/err.txt" "refused CONNECT https://127.0.0.1:$S: the origin's certificate does not verify"

# A certificate for another name, even from the given CA: refused, recorded.
build https_wrong "curl -sf https://127.0.0.1:$W/hello; echo ok >out.txt" "[\"127.0.0.1:$W\"]" \
    --upstream-ca "$T/wrong.ca"
expect_rc https_wrong_name_build 0
member "$T/https_wrong.teec" report.json >"$T/wrong.report"
has https_wrong_name_recorded "$T/wrong.report" "{\"uri\":\"https://127.0.0.1:$W\",\"annotations\":{\"method\":\"CONNECT\",\"refused\":true,\"reason\":\"the origin's certificate does not verify: IP address mismatch\"}}"

# A bad --upstream-ca file.
echo "not a certificate" >"$T/bad.ca"
build badca "curl -sSf -o out.txt https://127.0.0.1:$S/hello" "[\"127.0.0.1:$S\"]" \
    --upstream-ca "$T/bad.ca"
expect_rc bad_upstream_ca_fails 2
has bad_upstream_ca_message "$T/err.txt" "upstream CA bundle"

# No policy: nothing to connect to at all.
build nopolicy "curl -sS --max-time 5 http://127.0.0.1:$P/hello -o out.txt" ""
expect_rc no_policy_fails 1
has no_policy_no_proxy "$T/err.txt" "Failed to connect to 127.0.0.1"
build nopolicy_env "env >out.txt" ""
expect_rc no_policy_env_builds 0
member "$T/nopolicy_env.teec" artifacts/out.txt >"$T/nopolicy.env"
hasnt no_policy_no_proxy_env "$T/nopolicy.env" "_proxy="
member "$T/nopolicy_env.teec" report.json >"$T/nopolicy.report"
hasnt no_policy_no_transcript "$T/nopolicy.report" "network.jsonl"
if member "$T/nopolicy_env.teec" network.jsonl >/dev/null; then
	fail no_policy_no_transcript_member "network.jsonl in the bundle"
else pass no_policy_no_transcript_member; fi

# With a policy, going around the proxy reaches nothing either.
build around "curl -sS --max-time 5 --noproxy '*' http://127.0.0.1:$P/hello -o out.txt" "[\"127.0.0.1:$P\"]"
expect_rc bypass_fails 1
has bypass_cannot_connect "$T/err.txt" "Failed to connect to 127.0.0.1"

# Hostile origins: cut off by the caps, recorded; the build goes on.
build hostile "curl -s http://127.0.0.1:$P/big-header -o /dev/null; curl -s http://127.0.0.1:$P/bad-status -o /dev/null; curl -s http://127.0.0.1:$P/smuggle -o /dev/null; curl -sSf http://127.0.0.1:$P/hello -o out.txt" \
    "[\"127.0.0.1:$P\"]"
expect_rc hostile_build 0
member "$T/hostile.teec" report.json >"$T/hostile.report"
has hostile_big_header "$T/hostile.report" "cut off: the origin's header section is over 65536 bytes"
has hostile_bad_status "$T/hostile.report" "cut off: the origin's response: malformed status line: bad status code"
has hostile_smuggle "$T/hostile.report" "both Transfer-Encoding and Content-Length"
has hostile_then_fetch "$T/hostile.report" "{\"uri\":\"http://127.0.0.1:$P/hello\",\"digest\":{\"sha256\":\"$HELLO_SHA\"}"
expect_exit hostile_bundle_verifies 0 "$V" bundle --dev "$T/hostile.teec"

# build.json: a malformed policy is a usage error naming the field.
build badpolicy "true" "[\"*.crates.io\"]"
expect_rc bad_policy_exit_2 2
has bad_policy_message "$T/err.txt" "build.json: network.allow[0]: wildcards are not supported"

# teec-enclave netshim: its arguments, and it ends as its command did.
expect_exit netshim_no_args 2 "$E" netshim
expect_exit netshim_bad_port 2 "$E" netshim --port 0 --socket /x -- /bin/true
expect_exit netshim_relative_command 2 "$E" netshim --port 3128 --socket /x -- true
NS="bwrap --unshare-net --ro-bind / / --dev /dev --proc /proc --"
expect_exit netshim_exit_status 3 $NS "$E" netshim --port 3128 --socket /x -- /bin/sh -c 'exit 3'
expect_exit netshim_signal 143 $NS "$E" netshim --port 3128 --socket /x -- /bin/sh -c 'kill -TERM $$'

# Nothing left of the workers.
_left=$(find "$TMPDIR" -mindepth 1 -maxdepth 1 -name 'teec-work.*' | head -n 3)
if [ -z "$_left" ]; then pass no_work_left; else fail no_work_left "$_left"; fi

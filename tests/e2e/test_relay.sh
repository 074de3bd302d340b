#!/bin/sh
# SPDX-License-Identifier: ISC
# End-to-end tests of the host's network relay (teec-host(1), NETWORK;
# teec-protocol(7), The relay channel) and of --upstream-ca in Nitro mode:
# `teec-host build --local --relay` routes the local worker's network
# through teec-host exactly as an enclave's goes, over a unix socket in
# place of vsock. All on 127.0.0.1, with the test origin of
# tests/net/origin.c. host/relay.c's limits and refusals are covered by
# tests/unit/test_relay.c.
# Run from the repository root by tests/run.sh.
. tests/e2e/lib.sh

H="$TEEC_BIN/teec-host"
V="$TEEC_BIN/teec-verify"
top=$(pwd)

unset TEEC_TRUST_STORE
HOME="$T/home" XDG_CONFIG_HOME="$T/config" XDG_DATA_HOME="$T/data"
TMPDIR="$T/tmp"
export HOME XDG_CONFIG_HOME XDG_DATA_HOME TMPDIR
mkdir -p "$HOME" "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$TMPDIR" "$T/fake"

for p in "$H" "$V" "$TEEC_BIN/teec-enclave"; do
	if [ ! -x "$p" ]; then
		fail programs_built "$p is not executable (run make)"
		exit 1
	fi
done

run() {
	"$@" >"$T/out.txt" 2>"$T/err.txt"
	rc=$?
}
expect_rc() {
	if [ "$rc" -eq "$2" ]; then pass "$1"; else
		fail "$1" "exit $rc, wanted $2: $(head -c 400 "$T/err.txt" | tr '\n' ' ')"
	fi
}
has() { if grep -qF -- "$3" "$2"; then pass "$1"; else fail "$1" "no '$3' in $(basename "$2")"; fi; }
hasnt() { if grep -qF -- "$3" "$2"; then fail "$1" "'$3' in $(basename "$2")"; else pass "$1"; fi; }

# The command line, which needs neither namespaces nor an origin.
mkdir -p "$T/src/cli"
echo '{"language": "c", "input": {"cmd": "true"}, "output": {"files": ["x"]}}' \
    >"$T/src/cli/build.json"
echo "not a certificate" >"$T/any.ca"
head -c 3145729 /dev/zero >"$T/image.eif"
run "$H" build -C "$T/src/cli" --eif "$T/image.eif" --relay -o "$T/x.teec"
expect_rc eif_relay_refused 2
has eif_relay_message "$T/err.txt" "--relay is for local mode"
run "$H" build -C "$T/src/cli" --eif "$T/image.eif" --upstream-ca "$T/any.ca" -o "$T/x.teec"
expect_rc eif_upstream_ca_without_debug_refused 2
has eif_upstream_ca_message "$T/err.txt" "--upstream-ca with --eif needs --debug-mode"
# With --debug-mode the options are taken: nitro-cli (a stand-in that
# fails) is asked for a debug-mode enclave.
cat >"$T/fake/nitro-cli" <<EOF2
#!/bin/sh
echo "\$*" >>"$T/fake/log"
echo '[ E19 ] File operation failure.' >&2
exit 19
EOF2
chmod +x "$T/fake/nitro-cli"
run env PATH="$T/fake:$PATH" "$H" build -C "$T/src/cli" --eif "$T/image.eif" \
    --debug-mode --upstream-ca "$T/any.ca" -o "$T/x.teec"
hasnt eif_upstream_ca_debug_accepted "$T/err.txt" "needs --debug-mode"
if grep -q -- "run-enclave .*--debug-mode" "$T/fake/log" 2>/dev/null; then
	pass eif_upstream_ca_debug_runs_enclave
else
	fail eif_upstream_ca_debug_runs_enclave "nitro-cli was not asked for a debug-mode enclave"
fi
if [ ! -e "$T/x.teec" ]; then pass eif_no_bundle; else fail eif_no_bundle "a bundle was written"; fi

if ! command -v bwrap >/dev/null 2>&1 ||
    ! bwrap --unshare-user --unshare-net --ro-bind / / true 2>/dev/null; then
	skip relay "bubblewrap cannot create namespaces here"
	exit 0
fi
if ! command -v curl >/dev/null 2>&1; then
	skip relay "no curl to fetch with"
	exit 0
fi
if ! ${CC:-cc} -I"$top" -D_GNU_SOURCE -o "$T/origin" "$top/tests/net/origin.c" \
    $(pkg-config --cflags --libs libssl libcrypto) -lpthread 2>"$T/cc.err"; then
	fail origin_built "$(head -c 300 "$T/cc.err")"
	exit 1
fi

pids=""
trap 'for p in $pids; do kill "$p" 2>/dev/null; done; rm -rf "$T"' EXIT INT TERM
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
if [ -z "$P" ] || [ -z "$S" ]; then
	fail origins_started "no port from the test origins"
	exit 1
fi
pass origins_started

# build NAME CMD ALLOW [teec-host options]: $rc, $T/NAME.teec, $T/err.txt.
build() {
	_n=$1 _c=$2 _a=$3
	shift 3
	_d="$T/src/$_n"
	mkdir -p "$_d"
	cat >"$_d/build.json" <<EOF2
{"language": "c", "input": {"cmd": "$_c"},
 "output": {"files": ["out.txt"]}, "network": {"allow": $_a}}
EOF2
	rm -f "$T/$_n.teec"
	run "$H" build --local --relay -C "$_d" -o "$T/$_n.teec" "$@"
}
member() { tar -xOf "$1" "$2" 2>/dev/null; }

HELLO_SHA=$(printf 'hello world\n' | sha256sum | cut -d' ' -f1)

# HTTP through the relay: fetched, recorded, verifies; the host says so.
build http "curl -sSf -o out.txt http://127.0.0.1:$P/hello" "[\"127.0.0.1:$P\"]"
expect_rc relay_http_builds 0
has relay_http_host_line "$T/err.txt" "teec-host: relay: 127.0.0.1:$P"
member "$T/http.teec" report.json >"$T/http.report"
has relay_http_report_uri "$T/http.report" "{\"uri\":\"http://127.0.0.1:$P/hello\",\"digest\":{\"sha256\":\"$HELLO_SHA\"},\"annotations\":{\"method\":\"GET\",\"status\":200,\"size\":12}}"
run "$V" bundle --dev "$T/http.teec"
expect_rc relay_http_bundle_verifies 0

# HTTPS through the relay, with the test CA sent in an UPSTREAM_CA frame:
# the host relays TLS bytes it cannot read.
build https "curl -sSf -o out.txt https://127.0.0.1:$S/hello" "[\"127.0.0.1:$S\"]" \
    --upstream-ca "$T/tls.ca"
expect_rc relay_https_builds 0
has relay_https_host_line "$T/err.txt" "teec-host: relay: 127.0.0.1:$S"
member "$T/https.teec" report.json >"$T/https.report"
has relay_https_report_uri "$T/https.report" "{\"uri\":\"https://127.0.0.1:$S/hello\",\"digest\":{\"sha256\":\"$HELLO_SHA\"}"
CA_SHA=$(sha256sum <"$T/tls.ca" | cut -d' ' -f1)
has relay_https_upstream_ca_digest "$T/https.report" "\"upstreamCa\":{\"digest\":{\"sha256\":\"$CA_SHA\"}}"
run "$V" bundle --dev "$T/https.teec"
expect_rc relay_https_bundle_verifies 0

# Not allowed: the worker refuses first and records it; the host relays
# nothing.
build denied "curl -sSf -o out.txt http://127.0.0.1:$P/hello" "[\"127.0.0.1:1\"]"
expect_rc relay_denied_fails 1
has relay_denied_logged "$T/err.txt" "refused GET http://127.0.0.1:$P/hello: not allowed by the network policy"
hasnt relay_denied_not_relayed "$T/err.txt" "teec-host: relay: 127.0.0.1:$P"
build denied2 "curl -sf http://127.0.0.1:$P/hello; echo ok >out.txt" "[\"127.0.0.1:1\"]"
expect_rc relay_denied_survivable_builds 0
member "$T/denied2.teec" report.json >"$T/denied2.report"
has relay_denied_recorded "$T/denied2.report" "\"refused\":true,\"reason\":\"not allowed by the network policy (127.0.0.1:$P)\""

# An allowed origin that is down: the host's dial fails, the worker
# records the host's reason.
build down "curl -sf http://127.0.0.1:1/x; echo ok >out.txt" "[\"127.0.0.1:1\"]"
expect_rc relay_dial_failure_builds 0
member "$T/down.teec" report.json >"$T/down.report"
has relay_dial_failure_recorded "$T/down.report" "the host relay refused: dial failed: cannot connect to 127.0.0.1:1"

# --quiet: no relay lines.
build quiet "curl -sSf -o out.txt http://127.0.0.1:$P/hello" "[\"127.0.0.1:$P\"]" --quiet
expect_rc relay_quiet_builds 0
hasnt relay_quiet_silent "$T/err.txt" "relay:"

# Nothing left behind: no relay socket directory.
if ls "$TMPDIR" | grep -q '^teec-relay\.'; then
	fail relay_no_dir_left "$(ls "$TMPDIR")"
else
	pass relay_no_dir_left
fi

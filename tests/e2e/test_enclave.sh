#!/bin/sh
# SPDX-License-Identifier: ISC
# End-to-end tests of teec-enclave (teec-enclave(8), teec-protocol(7)):
# its command line, its --listen socket, and builds through teec-host that
# check the sandbox from the inside (no writes outside the work directory,
# no way to the host's loopback) and that a stopped worker leaves nothing.
# The protocol itself, hostile archives and every ERROR are covered by
# tests/unit/test_server.c, which also drives this program over --fd 3.
# Run from the repository root by tests/run.sh.
. tests/e2e/lib.sh

E="$TEEC_BIN/teec-enclave"
H="$TEEC_BIN/teec-host"
V="$TEEC_BIN/teec-verify"
top=$(pwd)

unset TEEC_TRUST_STORE
HOME="$T/home" XDG_CONFIG_HOME="$T/config" XDG_DATA_HOME="$T/data"
TMPDIR="$T/tmp"
export HOME XDG_CONFIG_HOME XDG_DATA_HOME TMPDIR
mkdir -p "$HOME" "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$TMPDIR"

if [ ! -x "$E" ]; then
	fail teec_enclave_built "$E is not executable (run make)"
	exit 1
fi

# no_work NAME: nothing a worker made is left in $TMPDIR.
no_work() {
	_left=$(find "$TMPDIR" -mindepth 1 -maxdepth 1 \( -name 'teec-work.*' -o \
	    -name 'teec-host.*' \) | head -n 3)
	if [ -z "$_left" ]; then pass "$1"; else fail "$1" "left behind: $_left"; fi
}

# children_of PID: the processes whose parent is PID.
children_of() {
	for _d in /proc/[0-9]*; do
		_s=$( { cat "$_d/stat"; } 2>/dev/null) || continue
		_s=${_s##*) }
		# shellcheck disable=SC2086
		set -- $_s
		[ "$2" = "$_want" ] && echo "${_d#/proc/}"
	done
}

# running CMDLINE: a process runs with exactly this command line.
running() {
	for _d in /proc/[0-9]*; do
		[ "$( { tr '\000' ' ' <"$_d/cmdline"; } 2>/dev/null)" = "$1 " ] && return 0
	done
	return 1
}

# Command line.
expect_exit version 0 "$E" --version && expect_grep version_text "teec-enclave 0." "$T/out"
expect_exit help 0 "$E" --help
for opt in "--fd N" "--listen unix:PATH" "--nsm auto|device|emulated" \
    "--workdir DIR" "--unisolated" "--keep" "--help | --version"; do
	expect_grep "help_mentions_${opt%% *}" "$opt" "$T/out"
done
expect_exit serve_help 0 "$E" serve --help
expect_exit no_command 2 "$E"
expect_exit unknown_command 2 "$E" build
expect_exit fd_not_socket 2 "$E" serve --fd 1 && expect_grep fd_not_socket_msg "not a socket" "$T/err"
expect_exit fd_not_open 2 "$E" serve --fd 99
expect_exit fd_not_number 2 "$E" serve --fd 3x
expect_exit fd_and_listen 2 "$E" serve --fd 3 --listen "unix:$T/s"
expect_exit nsm_bad 2 "$E" serve --nsm tpm && expect_grep nsm_bad_msg "expected auto, device or emulated" "$T/err"
expect_exit keep_twice 2 "$E" serve --keep --keep
expect_exit extra_argument 2 "$E" serve now
expect_exit listen_bad_spec 2 "$E" serve --listen "tcp:127.0.0.1:9"
: >"$T/taken"
expect_exit listen_path_taken 2 "$E" serve --listen "unix:$T/taken" &&
    expect_grep listen_path_taken_msg "Address already in use" "$T/err"

# --listen: a signal while waiting for the connection ends it cleanly.
"$E" serve --listen "unix:$T/sock" --nsm emulated 2>"$T/listen.err" &
pid=$!
i=0
while [ ! -S "$T/sock" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
if [ -S "$T/sock" ]; then pass listen_creates_socket; else fail listen_creates_socket "no socket at $T/sock"; fi
kill -TERM "$pid"
wait "$pid"
rc=$?
if [ "$rc" -eq 2 ] && [ ! -e "$T/sock" ]; then
	pass listen_sigterm
else
	fail listen_sigterm "exit $rc, socket $( [ -e "$T/sock" ] && echo left || echo gone)"
fi

# Builds through teec-host.
if [ ! -x "$H" ]; then
	skip sandbox_builds "$H not built"
	exit 0
fi
if ! command -v bwrap >/dev/null 2>&1 ||
    ! bwrap --unshare-user --unshare-net --ro-bind / / true 2>/dev/null; then
	skip sandbox_builds "namespaces cannot be created here"
	exit 0
fi

# A listener on the host's loopback that the build must not reach.
perl -MIO::Socket::INET -e '
	my $s = IO::Socket::INET->new(Listen => 5, LocalAddr => "127.0.0.1",
	    LocalPort => 0, Proto => "tcp") or die "listen: $!";
	open(my $f, ">", "$ARGV[0].tmp") or die; print $f $s->sockport, "\n";
	close $f; rename("$ARGV[0].tmp", $ARGV[0]);
	$SIG{ALRM} = sub { exit 0 }; alarm 120;
	while (my $c = $s->accept) { close $c }' "$T/port" &
listener=$!
i=0
while [ ! -s "$T/port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
port=$(cat "$T/port" 2>/dev/null)
if [ -n "$port" ] && bash -c "exec 3<>/dev/tcp/127.0.0.1/$port" 2>/dev/null; then
	pass loopback_listener_reachable_from_host
else
	fail loopback_listener_reachable_from_host "no listener on port '$port'"
fi

# The probe: each escape that works is printed and fails the build. (The
# build's /tmp is its own: what it writes there, the host never sees;
# writes to the host's files are checked from outside afterwards.)
mkdir -p "$T/probe"
cat >"$T/probe/probe.sh" <<EOF
ok=1
touch "$T/teec-e2e-escape" 2>/dev/null
touch /etc/teec-e2e-escape 2>/dev/null && { echo "ESCAPE: wrote /etc"; ok=0; }
touch "\$HOME/../teec-e2e-escape" 2>/dev/null && { echo "ESCAPE: wrote \\\$HOME/.."; ok=0; }
bash -c 'exec 3<>/dev/tcp/127.0.0.1/$port' 2>/dev/null && { echo "ESCAPE: reached the host's loopback"; ok=0; }
test -r "$XDG_DATA_HOME/teec/dev-ca/root.key" && { echo "ESCAPE: read the dev CA key"; ok=0; }
[ "\$(umask)" = 0022 ] || { echo "umask \$(umask)"; ok=0; }
[ "\$TZ \$LC_ALL \$SOURCE_DATE_EPOCH" = "UTC C.UTF-8 0" ] || { echo "env \$TZ \$LC_ALL \$SOURCE_DATE_EPOCH"; ok=0; }
[ \$ok = 1 ] || exit 1
echo isolated > result.txt
EOF
printf '%s\n' '{"language":"sh","input":{"cmd":"sh probe.sh"},"output":{"files":["result.txt"]},"timeout":60}' \
    >"$T/probe/build.json"

expect_exit sandbox_build 0 "$H" build -C "$T/probe" --local -o "$T/probe.teec" ||
    sed 's/^/    /' "$T/err" | head -20
for f in /etc/teec-e2e-escape "$T/teec-e2e-escape"; do
	if [ -e "$f" ]; then fail "no_escape_$(basename "$f")" "$f exists"; rm -f "$f"; fi
done
no_work sandbox_build_cleans_up
if [ -x "$V" ] && [ -f "$T/probe.teec" ]; then
	expect_exit sandbox_bundle_verifies 0 "$V" bundle --dev --trust-store "$top/trust-store" \
	    --format json "$T/probe.teec"
	tar -xOf "$T/probe.teec" report.json >"$T/report.json" 2>/dev/null
	expect_grep sandbox_report_isolation '"isolation":"namespaces"' "$T/report.json"
	expect_grep sandbox_report_umask '"umask":"022"' "$T/report.json"
fi

# Without namespaces the host's loopback is reachable (so the probe above
# does test something), and a build that says so fails without a bundle.
mkdir -p "$T/net"
printf '%s\n' "{\"language\":\"sh\",\"input\":{\"cmd\":\"if bash -c 'exec 3<>/dev/tcp/127.0.0.1/$port' 2>/dev/null; then echo REACHED; exit 1; fi; echo > x\"},\"output\":{\"files\":[\"x\"]}}" \
    >"$T/net/build.json"
expect_exit net_isolated 0 "$H" build -C "$T/net" --local -o "$T/net.teec"
expect_exit net_unisolated_reaches_loopback 1 "$H" build -C "$T/net" --local --unisolated \
    -o "$T/net-none.teec"
expect_grep net_unisolated_says_so REACHED "$T/err"
if [ -e "$T/net-none.teec" ]; then fail unisolated_no_bundle "bundle written"; else pass unisolated_no_bundle; fi
no_work unisolated_build_cleans_up

# A worker stopped mid-build: the build dies with it, no bundle, no work
# directory left. The sleeps' length is unique to this run, so that a
# build of another suite running at the same time is not mistaken for ours.
mkdir -p "$T/slow"
naps="1000.$$"
printf '{"language":"sh","input":{"cmd":"echo started; sleep %s & sleep %s"},"output":{"files":["x"]}}\n' \
    "$naps" "$naps" >"$T/slow/build.json"
"$H" build -C "$T/slow" --local -o "$T/slow.teec" >"$T/slow.out" 2>"$T/slow.err" &
host=$!
worker=""
i=0
while [ -z "$worker" ] && [ $i -lt 200 ]; do
	grep -q started "$T/slow.err" "$T/slow.out" 2>/dev/null &&
	    worker=$(_want=$host children_of | head -n 1)
	[ -z "$worker" ] && sleep 0.05
	i=$((i + 1))
done
if [ -n "$worker" ]; then
	kill -TERM "$worker"
	wait "$host"
	rc=$?
	if [ "$rc" -ne 0 ] && [ ! -e "$T/slow.teec" ]; then
		pass worker_stopped_no_bundle
	else
		fail worker_stopped_no_bundle "teec-host exit $rc"
	fi
	sleep 0.2
	no_work worker_stopped_cleans_up
	if running "sleep $naps"; then
		fail worker_stopped_kills_build "a sleep $naps survived"
	else
		pass worker_stopped_kills_build
	fi
else
	kill -TERM "$host" 2>/dev/null
	wait "$host"
	fail worker_stopped_no_bundle "the build never started: $(head -c 300 "$T/slow.err")"
fi

# A worker killed outright (SIGKILL: it cannot clean up): teec-host
# removes the work directory it gave it.
"$H" build -C "$T/slow" --local -o "$T/slow.teec" >"$T/slow.out" 2>"$T/slow.err" &
host=$!
worker=""
i=0
while [ -z "$worker" ] && [ $i -lt 200 ]; do
	grep -q started "$T/slow.err" "$T/slow.out" 2>/dev/null &&
	    worker=$(_want=$host children_of | head -n 1)
	[ -z "$worker" ] && sleep 0.05
	i=$((i + 1))
done
if [ -n "$worker" ]; then
	if [ -n "$(find "$TMPDIR" -mindepth 2 -maxdepth 2 -name 'teec-work.*')" ]; then
		pass worker_killed_had_workdir
	else
		fail worker_killed_had_workdir "no work directory under a teec-host.* base"
	fi
	kill -KILL "$worker"
	wait "$host"
	rc=$?
	if [ "$rc" -ne 0 ] && [ ! -e "$T/slow.teec" ]; then
		pass worker_killed_no_bundle
	else
		fail worker_killed_no_bundle "teec-host exit $rc"
	fi
	no_work worker_killed_cleans_up
	# The build's own processes die with the sandbox (bwrap --die-with-parent).
	sleep 0.2
	if running "sleep $naps"; then
		fail worker_killed_kills_build "a sleep $naps survived"
	else
		pass worker_killed_kills_build
	fi
else
	kill -TERM "$host" 2>/dev/null
	wait "$host"
	fail worker_killed_no_bundle "the build never started: $(head -c 300 "$T/slow.err")"
fi

kill "$listener" 2>/dev/null
wait "$listener" 2>/dev/null
exit 0

#!/bin/sh
# SPDX-License-Identifier: ISC
# End-to-end tests of `teec-host build` (teec-host(1)) in local mode with
# the real teec-enclave: examples/hello builds into a bundle that verifies
# with --dev only, its artifact runs, builds are reproducible, failures
# leave no bundle and say why, the build is confined, and a dying worker
# or Ctrl-C leaves nothing behind.
# Run from the repository root by tests/run.sh.
. tests/e2e/lib.sh

H="$TEEC_BIN/teec-host"
V="$TEEC_BIN/teec-verify"
E="$TEEC_BIN/teec-enclave"
top=$(pwd)

# Hermetic: a fresh development CA and home, temporary files in $T/tmp.
orig_home=${HOME:-/root}
unset TEEC_TRUST_STORE
HOME="$T/home" XDG_CONFIG_HOME="$T/config" XDG_DATA_HOME="$T/data"
TMPDIR="$T/tmp"
export HOME XDG_CONFIG_HOME XDG_DATA_HOME TMPDIR
mkdir -p "$HOME" "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$TMPDIR" "$T/dest"

for p in "$H" "$E"; do
	if [ ! -x "$p" ]; then
		fail programs_built "$p is not executable (run make)"
		exit 1
	fi
done

# run CMD...: output in $T/out.txt and $T/err.txt, exit status in $rc.
run() {
	"$@" >"$T/out.txt" 2>"$T/err.txt"
	rc=$?
}

# check NAME CONDITION...: PASS if the test command succeeds.
check() {
	_n=$1
	shift
	if "$@"; then pass "$_n"; else fail "$_n" "${why:-$*}"; fi
	why=""
}

# clean NAME: nothing at all was left in $T/dest nor in $TMPDIR.
clean() {
	_left=$(ls -A "$T/dest" "$TMPDIR" 2>/dev/null | grep -v '^$' | grep -v ':$' | head -n 3)
	if [ -z "$_left" ]; then pass "$1"; else fail "$1" "left behind: $_left"; fi
	rm -rf "$T/dest"/* "$TMPDIR"/*
}

# digests BUNDLE: "SOURCE SUBJECTS" from its report.json.
digests() {
	tar -xOf "$1" report.json 2>/dev/null | sed -n \
	    's/.*"subject":\(\[[^]]*\]\).*"source":{"digest":{"sha256":"\([0-9a-f]*\)"}.*/\2 \1/p'
}

# Namespaces are needed (the worker refuses to build unisolated unasked).
if ! command -v bwrap >/dev/null 2>&1 ||
    ! bwrap --unshare-user --unshare-net --ro-bind / / true 2>/dev/null; then
	skip builds "namespaces cannot be created here"
	exit 0
fi

# The command line.
expect_exit version 0 "$H" --version && expect_grep version_text "teec-host 0." "$T/out"
expect_exit help 0 "$H" --help
# usage() equals the SYNOPSIS: the same options in the same order.
man_opts=$(sed -n '/^\.Sh SYNOPSIS/,/^\.Sh DESCRIPTION/p' man/teec-host.1 |
    sed -n 's/^\.Op Fl \(.*\)$/[-\1]/p' | sed -e 's/\\-/-/g' -e 's/ Ar / /' | tr '\n' ' ')
usage_opts=$(grep -o '\[[^]]*\]' "$T/out" | tr '\n' ' ')
why="man '$man_opts' vs usage '$usage_opts'"
check help_matches_man_synopsis [ -n "$man_opts" -a "$man_opts" = "$usage_opts" ]
expect_exit no_command 2 "$H"
expect_exit unknown_command 2 "$H" make
expect_exit unknown_option 2 "$H" build --no-such-option
expect_exit option_twice 2 "$H" build --local --local
expect_exit timeout_not_number 2 "$H" build --timeout 1m
expect_exit timeout_zero 2 "$H" build --timeout 0
expect_exit extra_argument 2 "$H" build now
expect_exit missing_tree 2 "$H" build -C "$T/nope" --local
clean usage_leaves_nothing

# The example builds; its bundle verifies with --dev and only with --dev.
cp -R "$top/examples/hello" "$T/hello"
rm -f "$T/hello/hello" "$T/hello"/*.teec
run "$H" build -C "$T/hello" --local -o "$T/dest/a.teec"
why="exit $rc: $(head -c 300 "$T/err.txt")"
check example_builds [ "$rc" -eq 0 -a -f "$T/dest/a.teec" ]
check summary_names_bundle grep -q "^bundle: $T/dest/a.teec" "$T/out.txt"
check summary_says_verify grep -qF "verify with: teec-verify bundle --dev $T/dest/a.teec" "$T/out.txt"
check build_output_shown grep -q 'hello\.c' "$T/err.txt"
check local_flag_no_note sh -c "! grep -q 'local mode' '$T/err.txt'"
cp "$T/dest/a.teec" "$T/a.teec"
rm -f "$T/dest/a.teec"
clean example_leaves_only_bundle

expect_exit bundle_verifies_with_dev 0 "$V" bundle --dev --trust-store "$top/trust-store" "$T/a.teec"
expect_exit bundle_fails_without_dev 1 "$V" bundle --trust-store "$top/trust-store" "$T/a.teec"
expect_grep bundle_fails_for_root UNTRUSTED_ROOT "$T/out"

# The artifact runs.
tar -xOf "$T/a.teec" artifacts/hello >"$T/hello.bin" 2>/dev/null && chmod +x "$T/hello.bin"
check artifact_runs sh -c "'$T/hello.bin' | grep -qx 'Hello from an attested build!'"

# The summary's digests are the report's.
src_a=$(digests "$T/a.teec")
why="report: '$src_a'"
check report_has_digests [ -n "$src_a" ]
check summary_source_digest grep -q "^source: sha256 ${src_a%% *}\$" "$T/out.txt"

# Without --local and without a Nitro device: one line says local mode.
if [ ! -e /dev/nitro_enclaves ]; then
	run "$H" build -C "$T/hello" -o "$T/dest/b.teec"
	check default_local_mode [ "$rc" -eq 0 ]
	check default_local_mode_said [ "$(grep -c 'no Nitro Enclaves device: building in local mode' "$T/err.txt")" -eq 1 ]
else
	skip default_local_mode "this machine has /dev/nitro_enclaves"
	"$H" build -C "$T/hello" --local --quiet -o "$T/dest/b.teec" >/dev/null 2>&1
fi

# Reproducible: the same source gives the same source and output digests.
src_b=$(digests "$T/dest/b.teec")
why="'$src_a' vs '$src_b'"
check same_source_same_digests [ -n "$src_b" -a "$src_a" = "$src_b" ]
rm -f "$T/dest/b.teec"

# A default OUT inside the tree is not part of the next build's source.
(cd "$T/hello" && "$H" build --local --quiet >"$T/out.txt" 2>"$T/err.txt")
check default_out_name [ -f "$T/hello/hello.teec" ]
check quiet_shows_no_log sh -c "! grep -q 'hello\.c' '$T/err.txt'"
check quiet_keeps_summary grep -q '^verify with:' "$T/out.txt"
(cd "$T/hello" && "$H" build --local --quiet >/dev/null 2>&1)
src_c=$(digests "$T/hello/hello.teec")
why="'$src_a' vs '$src_c'"
check out_in_tree_excluded [ "$src_a" = "$src_c" ]
rm -f "$T/hello/hello.teec"

# A changed source changes the source digest and the output digest.
sed 's/Hello from/Hello again from/' "$T/hello/hello.c" >"$T/hello.c.new" &&
    mv "$T/hello.c.new" "$T/hello/hello.c"
run "$H" build -C "$T/hello" --local --quiet -o "$T/dest/c.teec"
src_d=$(digests "$T/dest/c.teec")
why="'$src_a' vs '$src_d'"
check changed_source_builds [ "$rc" -eq 0 -a -n "$src_d" ]
check changed_source_digest [ "${src_a%% *}" != "${src_d%% *}" ]
check changed_output_digest [ "${src_a#* }" != "${src_d#* }" ]
rm -f "$T/dest/c.teec"
clean changed_source_leaves_nothing

# Failures: no bundle, a clear message, the documented exit status.
mkdir -p "$T/bad"
printf 'int main(void) { return 0; }\n' >"$T/bad/x.c"
printf '%s\n' '{"language":"sh","input":{"cmd":"echo building; exit 3"},"output":{"files":["x"]}}' \
    >"$T/bad/build.json"
run "$H" build -C "$T/bad" --local -o "$T/dest/bad.teec"
why="exit $rc: $(head -c 300 "$T/err.txt")"
check failing_command_exit_1 [ "$rc" -eq 1 ]
check failing_command_says_so grep -q 'build failed' "$T/err.txt"
check failing_command_log_shown grep -q '^building$' "$T/err.txt"
clean failing_command_no_bundle

printf '%s\n' '{"language":"sh","input":{"cmd":"true"},"output":{"files":["missing-output"]}}' \
    >"$T/bad/build.json"
run "$H" build -C "$T/bad" --local -o "$T/dest/bad.teec"
why="exit $rc: $(head -c 300 "$T/err.txt")"
check missing_output_exit_1 [ "$rc" -eq 1 ]
check missing_output_named grep -q 'missing-output' "$T/err.txt"
clean missing_output_no_bundle

printf '%s\n' '{"language":"sh","input":{"cmd":""},"output":{"files":["x"]}}' >"$T/bad/build.json"
run "$H" build -C "$T/bad" --local -o "$T/dest/bad.teec"
why="exit $rc: $(head -c 300 "$T/err.txt")"
check broken_build_json_exit_2 [ "$rc" -eq 2 ]
check broken_build_json_names_field grep -q 'build.json: input.cmd' "$T/err.txt"
clean broken_build_json_no_bundle

printf '{"language":"sh",\n "input":{"cmd":"true"},,}\n' >"$T/bad/build.json"
run "$H" build -C "$T/bad" --local -o "$T/dest/bad.teec"
check syntax_error_exit_2 [ "$rc" -eq 2 ]
check syntax_error_position grep -q 'build.json:2:' "$T/err.txt"
clean syntax_error_no_bundle

printf '%s\n' '{"language":"sh","input":{"cmd":"true"},"output":{"files":["x"]},"timeout":5}' \
    >"$T/bad/build.json"
run "$H" build -C "$T/bad" --local --timeout 6 -o "$T/dest/bad.teec"
check timeout_above_recipe_exit_2 [ "$rc" -eq 2 ]
printf '%s\n' '{"language":"sh","input":{"cmd":"sleep 5; echo > x"},"output":{"files":["x"]}}' \
    >"$T/bad/build.json"
run "$H" build -C "$T/bad" --local --timeout 1 -o "$T/dest/bad.teec"
why="exit $rc: $(head -c 300 "$T/err.txt")"
check timeout_lowered_fails [ "$rc" -eq 1 ]
clean timeout_no_bundle

# Confinement: no writes outside the work directory, no way to the host's
# loopback. A listener on 127.0.0.1 notes every connection's first line.
perl -MIO::Socket::INET -e '
	my $s = IO::Socket::INET->new(Listen => 5, LocalAddr => "127.0.0.1",
	    LocalPort => 0, Proto => "tcp", ReuseAddr => 1) or die "listen: $!";
	open(my $f, ">", "$ARGV[0].tmp") or die; print $f $s->sockport, "\n";
	close $f; rename("$ARGV[0].tmp", $ARGV[0]);
	$SIG{ALRM} = sub { exit 0 }; alarm 60;
	while (my $c = $s->accept) {
		my $l = <$c>; $l = "(nothing)\n" unless defined $l;
		open(my $g, ">>", $ARGV[1]) or die; print $g $l; close $g;
		close $c;
	}' "$T/port" "$T/heard" &
listener=$!
i=0
while [ ! -s "$T/port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
port=$(cat "$T/port" 2>/dev/null)

mkdir -p "$T/escape"
realhome=$HOME
cat >"$T/escape/probe.sh" <<EOF
for f in /tmp/teec-escape-$$ /var/tmp/teec-escape-$$ "$orig_home/teec-escape-$$" \
    "$realhome/teec-escape-$$" "\$HOME/../../teec-escape-$$" "$T/teec-escape-$$" \
    "$top/teec-escape-$$"; do
	touch "\$f" 2>/dev/null
done
bash -c 'echo from-the-build >/dev/tcp/127.0.0.1/$port' 2>/dev/null &&
    echo "reached the host's loopback"
echo done > result.txt
for f in /tmp/teec-escape-$$ /var/tmp/teec-escape-$$ "$orig_home/teec-escape-$$" \
    "$realhome/teec-escape-$$" "\$HOME/../../teec-escape-$$" "$T/teec-escape-$$" \
    "$top/teec-escape-$$"; do
	touch "\$f" 2>/dev/null
done
bash -c 'echo from-the-build >/dev/tcp/127.0.0.1/$port' 2>/dev/null &&
    echo "reached the host's loopback"
echo done > result.txt
EOF
printf '%s\n' '{"language":"sh","input":{"cmd":"sh probe.sh"},"output":{"files":["result.txt"]}}' \
    >"$T/escape/build.json"
run "$H" build -C "$T/escape" --local -o "$T/dest/escape.teec"
why="exit $rc: $(head -c 300 "$T/err.txt")"
check confined_build_runs [ "$rc" -eq 0 ]
escaped=""
for f in "/tmp/teec-escape-$$" /var/tmp/teec-escape-$$ "$orig_home/teec-escape-$$" \
    "$realhome/teec-escape-$$" "$T/teec-escape-$$" "$top/teec-escape-$$" "/teec-escape-$$" \
    "$(dirname "$T")/teec-escape-$$"; do
	[ -e "$f" ] && escaped="$escaped $f" && rm -f "$f"
done
why="written:$escaped"
check no_write_outside_workdir [ -z "$escaped" ]
check no_loopback_from_build sh -c "! grep -q from-the-build '$T/heard' 2>/dev/null"
check no_loopback_log sh -c "! grep -q 'reached the host' '$T/err.txt'"
# The listener works: the host itself reaches it.
bash -c "echo from-the-host >/dev/tcp/127.0.0.1/$port" 2>/dev/null
i=0
while ! grep -q from-the-host "$T/heard" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
check loopback_listener_works grep -q from-the-host "$T/heard"
kill "$listener" 2>/dev/null
wait "$listener" 2>/dev/null
rm -f "$T/dest/escape.teec"
clean confined_leaves_nothing

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

# slow_build: start a build that runs until stopped; $host is teec-host's
# pid, $worker teec-enclave's once the build runs ("" if it never did).
mkdir -p "$T/slow"
printf '%s\n' '{"language":"sh","input":{"cmd":"echo started; sleep 1000"},"output":{"files":["x"]}}' \
    >"$T/slow/build.json"
slow_build() {
	: >"$T/slow.err"
	"$H" build -C "$T/slow" --local -o "$T/dest/slow.teec" >"$T/slow.out" 2>"$T/slow.err" &
	host=$!
	worker=""
	i=0
	while [ $i -lt 200 ]; do
		if grep -q '^started$' "$T/slow.err" 2>/dev/null; then
			worker=$(_want=$host children_of | head -n 1)
			break
		fi
		sleep 0.05
		i=$((i + 1))
	done
}

# Killing the worker mid-build: exit 1, a clear message, nothing left.
slow_build
if [ -n "$worker" ]; then
	kill -KILL "$worker"
	wait "$host"
	rc=$?
	why="exit $rc: $(head -c 300 "$T/slow.err")"
	check killed_worker_exit_1 [ "$rc" -eq 1 ]
	check killed_worker_says_so grep -q 'worker stopped before the bundle arrived' "$T/slow.err"
	check killed_worker_no_bundle [ ! -e "$T/dest/slow.teec" ]
	# SIGKILL leaves the worker no chance to remove its work directory.
	rm -rf "$TMPDIR"/teec-work.*
	clean killed_worker_leaves_nothing
else
	kill -KILL "$host" 2>/dev/null
	fail killed_worker_exit_1 "the build never started: $(head -c 300 "$T/slow.err")"
fi

# Ctrl-C: the worker is stopped and reaped, no bundle, no temporary files.
slow_build
if [ -n "$worker" ]; then
	kill -INT "$host"
	wait "$host"
	rc=$?
	why="exit $rc: $(head -c 300 "$T/slow.err")"
	check sigint_exit_130 [ "$rc" -eq 130 ]
	check sigint_worker_reaped [ ! -d "/proc/$worker" ]
	check sigint_says_so grep -q 'interrupted' "$T/slow.err"
	clean sigint_leaves_nothing
else
	kill -KILL "$host" 2>/dev/null
	fail sigint_exit_130 "the build never started: $(head -c 300 "$T/slow.err")"
fi

slow_build
if [ -n "$worker" ]; then
	kill -TERM "$host"
	wait "$host"
	rc=$?
	why="exit $rc"
	check sigterm_exit_143 [ "$rc" -eq 143 ]
	clean sigterm_leaves_nothing
else
	kill -KILL "$host" 2>/dev/null
	fail sigterm_exit_143 "the build never started"
fi
exit 0

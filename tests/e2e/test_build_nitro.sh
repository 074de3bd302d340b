#!/bin/sh
# SPDX-License-Identifier: ISC
# End-to-end tests of `teec-host build --eif` (teec-host(1), NITRO MODE)
# with a stand-in nitro-cli on PATH. No enclave can run here, so the real
# vsock connection never succeeds: these tests check the command line,
# what nitro-cli is asked, the messages, and that every enclave started is
# terminated by its ID, after a failure and after Ctrl-C, with nothing
# left at OUT.
# Run from the repository root by tests/run.sh.
. tests/e2e/lib.sh

H="$TEEC_BIN/teec-host"
top=$(pwd)
unset TEEC_TRUST_STORE
HOME="$T/home" XDG_CONFIG_HOME="$T/config" XDG_DATA_HOME="$T/data"
TMPDIR="$T/tmp"
export HOME XDG_CONFIG_HOME XDG_DATA_HOME TMPDIR
mkdir -p "$HOME" "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$TMPDIR" "$T/dest" "$T/fake"

if [ ! -x "$H" ]; then
	fail programs_built "$H is not executable (run make)"
	exit 1
fi

ID=i-0123456789abcdef0-enc0123456789abcdef
# The stand-in: answers as nitro-cli's json_output.rs and document_errors.rs
# say; $T/fake/mode picks run-enclave's answer (ok, e27).
cat >"$T/fake/nitro-cli" <<EOF
#!/bin/sh
echo "\$*" >>"$T/fake/log"
case "\$1" in
run-enclave)
	if [ "\$(cat "$T/fake/mode")" = e27 ]; then
		echo '[ E27 ] Insufficient memory available. User provided \`memory\` is 1040 MB' >&2
		exit 27
	fi
	while [ \$# -gt 0 ]; do
		case "\$1" in --enclave-cid) cid=\$2;; --enclave-name) name=\$2;; esac
		shift
	done
	echo 'Start allocating memory...' >&2
	printf '{\n  "EnclaveName": "%s",\n  "EnclaveID": "$ID",\n  "ProcessID": 7,\n  "EnclaveCID": %s,\n  "NumberOfCPUs": 2,\n  "CPUIDs": [1, 3],\n  "MemoryMiB": 1040\n}\n' "\$name" "\$cid";;
terminate-enclave)
	printf '{"EnclaveID": "%s", "Terminated": true}\n' "\$3";;
*)	exit 1;;
esac
EOF
chmod +x "$T/fake/nitro-cli"
echo ok >"$T/fake/mode"
head -c 3145729 /dev/zero >"$T/image.eif"
cp -R "$top/examples/hello" "$T/hello"
rm -f "$T/hello/hello" "$T/hello"/*.teec
FP="$T/fake:$PATH"

# run CMD...: output in $T/out.txt and $T/err.txt, exit status in $rc.
run() {
	"$@" >"$T/out.txt" 2>"$T/err.txt"
	rc=$?
}

check() {
	_n=$1
	shift
	if "$@"; then pass "$_n"; else fail "$_n" "${why:-$*}"; fi
	why=""
}

clean() {
	_left=$(ls -A "$T/dest" "$TMPDIR" 2>/dev/null | grep -v '^$' | grep -v ':$' | head -n 3)
	if [ -z "$_left" ]; then pass "$1"; else fail "$1" "left behind: $_left"; fi
	rm -rf "$T/dest"/* "$TMPDIR"/*
}

# The command line.
expect_exit eif_and_local 2 "$H" build --eif "$T/image.eif" --local &&
    expect_grep eif_and_local_msg "exclude each other" "$T/err"
expect_exit eif_and_unisolated 2 "$H" build --eif "$T/image.eif" --unisolated
expect_exit cpus_needs_eif 2 "$H" build --cpus 2 &&
    expect_grep cpus_needs_eif_msg "need --eif" "$T/err"
expect_exit debug_needs_eif 2 "$H" build --local --debug-mode
expect_exit eif_empty 2 "$H" build --eif ""
expect_exit eif_twice 2 "$H" build --eif a.eif --eif b.eif
expect_exit cid_parent 2 "$H" build --eif "$T/image.eif" --cid 3
expect_exit cid_any 2 "$H" build --eif "$T/image.eif" --cid 4294967295
expect_exit cid_not_number 2 "$H" build --eif "$T/image.eif" --cid 0x10
expect_exit cpus_zero 2 "$H" build --eif "$T/image.eif" --cpus 0
expect_exit memory_too_small 2 "$H" build --eif "$T/image.eif" --memory 63
expect_exit memory_leading_zero 2 "$H" build --eif "$T/image.eif" --memory 0512
expect_exit connect_timeout_zero 2 "$H" build --eif "$T/image.eif" --connect-timeout 0
expect_exit connect_timeout_too_long 2 "$H" build --eif "$T/image.eif" --connect-timeout 3601
expect_exit help 0 "$H" --help &&
    expect_grep help_shows_eif "teec-host build --eif IMAGE.eif [--cpus N] [--memory MiB] [--cid N]" "$T/out"

# The image must be there, and hold enough memory.
run env PATH="$FP" "$H" build -C "$T/hello" --eif "$T/nope.eif" -o "$T/dest/a.teec"
check missing_eif [ "$rc" -eq 2 ]
check missing_eif_msg grep -q 'nope.eif: No such file' "$T/err.txt"
truncate -s 20971521 "$T/big.eif"
run env PATH="$FP" "$H" build -C "$T/hello" --eif "$T/big.eif" --memory 80 -o "$T/dest/a.teec"
check memory_below_image [ "$rc" -eq 2 ]
check memory_below_image_msg grep -q 'needs at least 84 MiB' "$T/err.txt"
check nothing_run_yet [ ! -e "$T/fake/log" ]
clean usage_leaves_nothing

# Without nitro-cli.
run env PATH=/usr/bin:/bin "$H" build -C "$T/hello" --eif "$T/image.eif" -o "$T/dest/a.teec"
check no_nitro_cli [ "$rc" -eq 2 ]
check no_nitro_cli_msg grep -q 'cannot run nitro-cli.*aws-nitro-enclaves-cli' "$T/err.txt"
clean no_nitro_cli_leaves_nothing

# The allocator has too little memory: a clear message, nothing started.
echo e27 >"$T/fake/mode"
run env PATH="$FP" "$H" build -C "$T/hello" --eif "$T/image.eif" -o "$T/dest/a.teec"
check allocator_too_small [ "$rc" -eq 2 ]
check allocator_too_small_msg grep -q 'allocator.yaml' "$T/err.txt"
check allocator_no_terminate sh -c "! grep -q terminate-enclave '$T/fake/log'"
clean allocator_leaves_nothing
rm -f "$T/fake/log"
echo ok >"$T/fake/mode"

# The enclave runs but nobody answers on vsock (there is no enclave): the
# build ends after --connect-timeout, and the enclave is terminated.
start=$(date +%s)
run env PATH="$FP" "$H" build -C "$T/hello" --eif "$T/image.eif" --connect-timeout 1 \
    --cpus 2 --cid 4242 -o "$T/dest/a.teec"
took=$(( $(date +%s) - start ))
why="exit $rc: $(head -c 300 "$T/err.txt")"
check never_accepts [ "$rc" -eq 2 ]
check never_accepts_msg grep -Eq 'did not accept a connection on vsock port 5005 within 1 s|no vsock' "$T/err.txt"
check never_accepts_bounded [ "$took" -le 10 ]
why=$(cat "$T/fake/log")
check run_enclave_args grep -Eq '^run-enclave --enclave-name teec-[0-9]+-[0-9a-f]{8} --eif-path '"$T"'/image.eif --cpu-count 2 --memory 1040 --enclave-cid 4242$' "$T/fake/log"
check terminated_by_id grep -qx "terminate-enclave --enclave-id $ID" "$T/fake/log"
check never_all sh -c "! grep -q -- '--all' '$T/fake/log'"
check terminate_said grep -q "terminated enclave $ID" "$T/err.txt"
clean never_accepts_leaves_nothing
rm -f "$T/fake/log"

# --debug-mode: passed on, and warned about even with --quiet.
run env PATH="$FP" "$H" build -C "$T/hello" --eif "$T/image.eif" --connect-timeout 1 \
    --debug-mode --quiet -o "$T/dest/a.teec"
check debug_mode_passed grep -q -- '--debug-mode$' "$T/fake/log"
check debug_mode_warned grep -q 'never verify without --allow-debug' "$T/err.txt"
check debug_quiet_no_notes sh -c "! grep -q 'starting enclave' '$T/err.txt'"
check debug_terminated grep -qx "terminate-enclave --enclave-id $ID" "$T/fake/log"
clean debug_leaves_nothing
rm -f "$T/fake/log"

# Ctrl-C while waiting for the worker: exit 130, the enclave terminated.
env PATH="$FP" "$H" build -C "$T/hello" --eif "$T/image.eif" --connect-timeout 60 \
    -o "$T/dest/a.teec" >"$T/out.txt" 2>"$T/err.txt" &
pid=$!
i=0
while ! grep -q run-enclave "$T/fake/log" 2>/dev/null && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
sleep 0.5
kill -INT "$pid"
wait "$pid"
rc=$?
why="exit $rc: $(head -c 300 "$T/err.txt")"
check sigint_exit_130 [ "$rc" -eq 130 ]
check sigint_terminated grep -qx "terminate-enclave --enclave-id $ID" "$T/fake/log"
check sigint_said grep -q 'interrupted' "$T/err.txt"
clean sigint_leaves_nothing

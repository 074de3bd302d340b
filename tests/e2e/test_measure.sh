#!/bin/sh
# SPDX-License-Identifier: ISC
# End-to-end tests of `teec-verify measure` (teec-verify(1)): PCRs of
# synthetic EIFs made by tests/e2e/eif.sh against `openssl dgst -sha384`,
# text and JSON output, malformed images (exit 2), and --add into a trust
# store that teec-verify then loads. Run from the repository root by
# tests/run.sh.
. tests/e2e/lib.sh
. tests/e2e/eif.sh

V="$TEEC_BIN/teec-verify"
unset TEEC_TRUST_STORE
HOME="$T/home" XDG_CONFIG_HOME="$T/xdg"
export HOME XDG_CONFIG_HOME
mkdir -p "$HOME" "$XDG_CONFIG_HOME"

if [ ! -x "$V" ]; then
	fail teec_verify_built "$V is not executable (run make)"
	exit 1
fi
if ! "$V" measure --help >/dev/null 2>&1; then
	skip measure "this teec-verify has no measure command"
	exit 0
fi

# The image pieces.
cd "$T" || exit 1
head -c 3000 /dev/urandom >k
printf 'console=ttyS0 reboot=k nit.target=/init' >c
printf '{"ImageName":"t","ImageVersion":"1"}' >m
head -c 1500 /dev/urandom >r1
head -c 700 /dev/urandom >r2
head -c 333 /dev/urandom >r3
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:secp384r1 -nodes \
    -keyout key.pem -out cert.pem -subj /CN=eif-signer -days 2 2>/dev/null
printf 'a COSE_Sign1 stands here' >cose
eif_signature cert.pem cose >sig
eif_make one.eif 4 1:k 2:c 5:m 3:r1
eif_make three.eif 4 1:k 2:c 5:m 3:r1 3:r2 3:r3
eif_make signed.eif 4 1:k 2:c 5:m 3:r1 3:r2 4:sig
head -c 100 /dev/urandom >junk.teec
cd - >/dev/null || exit 1

# check NAME WHY: PASS when WHY is empty, else FAIL with it.
check() {
	if [ -z "$2" ]; then pass "$1"; else fail "$1" "$2"; fi
}

# has FILE STRING: the fixed string is in FILE.
has() { grep -qF -- "$2" "$1"; }

# A fresh store with the shipped roots and manifest.
new_store() {
	rm -rf "${T:?}/$1"
	mkdir -p "$T/$1"
	cp -R trust-store/roots "$T/$1/roots"
	cp trust-store/images.json "$T/$1/images.json"
}

# The PCRs, computed with openssl.
P0_ONE=$(cd "$T" && eif_pcr k c r1)
P2_NONE=$(eif_pcr)
P0_THREE=$(cd "$T" && eif_pcr k c r1 r2 r3)
P2_THREE=$(cd "$T" && eif_pcr r2 r3)
P0_SIGNED=$(cd "$T" && eif_pcr k c r1 r2)
P2_SIGNED=$(cd "$T" && eif_pcr r2)
P8=$(eif_pcr8 "$T/cert.pem")

# Text output.
if expect_exit measure_text_runs 0 "$V" measure "$T/one.eif"; then
	why=""
	has "$T/out" "PCR0 $P0_ONE" || why="PCR0 differs from openssl's"
	has "$T/out" "PCR1 $P0_ONE" || why="PCR1 differs from openssl's"
	has "$T/out" "PCR2 $P2_NONE" || why="PCR2 differs from openssl's"
	has "$T/out" "PCR8" && why="PCR8 shown for an unsigned image"
	has "$T/out" "EIF version 4, x86_64, 4 sections, 1 ramdisk, not signed" ||
	    why="no summary line"
	check measure_text_one_ramdisk "$why"
fi

# JSON output.
if expect_exit measure_json_runs 0 "$V" measure --format json "$T/three.eif"; then
	why=""
	has "$T/out" "\"0\":\"$P0_THREE\"" || why="PCR0 differs from openssl's"
	has "$T/out" "\"1\":\"$P0_ONE\"" || why="PCR1 differs from openssl's"
	has "$T/out" "\"2\":\"$P2_THREE\"" || why="PCR2 differs from openssl's"
	has "$T/out" '"signed":false' || why="not signed:false"
	has "$T/out" '"ramdisks":3' || why="not ramdisks:3"
	[ "$(wc -l <"$T/out")" -eq 1 ] || why="not one line"
	check measure_json_three_ramdisks "$why"
fi

# A signed image: PCR8 is the signing certificate's.
if expect_exit measure_signed_runs 0 "$V" measure --format json "$T/signed.eif"; then
	why=""
	has "$T/out" "\"0\":\"$P0_SIGNED\"" || why="PCR0 differs from openssl's"
	has "$T/out" "\"2\":\"$P2_SIGNED\"" || why="PCR2 differs from openssl's"
	has "$T/out" "\"8\":\"$P8\"" || why="PCR8 differs from openssl's"
	has "$T/out" '"signed":true' || why="not signed:true"
	check measure_signed_pcr8 "$why"
fi

# Standard input gives the same PCRs as the file.
"$V" measure "$T/one.eif" | grep '^PCR' >"$T/file.pcrs"
if "$V" measure - <"$T/one.eif" >"$T/out" 2>"$T/err"; then
	if grep '^PCR' "$T/out" | cmp -s - "$T/file.pcrs"; then
		pass measure_stdin
	else
		fail measure_stdin "PCRs differ from the file's"
	fi
else
	fail measure_stdin "exit $?: $(head -c 200 "$T/err")"
fi

# Malformed images: exit 2, a reason, nothing on standard output.
# malformed NAME FILE WANT: measuring FILE exits 2 and says WANT.
malformed() {
	if expect_exit "$1" 2 "$V" measure "$2"; then
		why=""
		has "$T/err" "$3" || why="no '$3' in: $(head -c 200 "$T/err")"
		[ -s "$T/out" ] && why="output on stdout"
		check "$1_reason" "$why"
	fi
}

cp "$T/one.eif" "$T/magic.eif"
printf 'X' | dd of="$T/magic.eif" bs=1 seek=0 conv=notrunc 2>/dev/null
malformed measure_bad_magic "$T/magic.eif" "not an EIF"

cp "$T/one.eif" "$T/version.eif"
printf '\011' | dd of="$T/version.eif" bs=1 seek=5 conv=notrunc 2>/dev/null
malformed measure_bad_version "$T/version.eif" "EIF version 9"

size=$(wc -c <"$T/one.eif" | tr -d ' ')
last=$(tail -c 1 "$T/one.eif" | od -An -tu1 | tr -d ' ')
cp "$T/one.eif" "$T/crc.eif"
eif_be 1 $(((last + 1) % 256)) |
    dd of="$T/crc.eif" bs=1 seek=$((size - 1)) conv=notrunc 2>/dev/null
malformed measure_crc_mismatch "$T/crc.eif" "CRC mismatch"

head -c $((size - 1)) "$T/one.eif" >"$T/short.eif"
malformed measure_truncated "$T/short.eif" "extends beyond the end of the file"

head -c 100 "$T/one.eif" >"$T/hdr.eif"
malformed measure_truncated_header "$T/hdr.eif" "truncated EIF header: 100 bytes"

{ cat "$T/one.eif"; printf 'x'; } >"$T/trail.eif"
malformed measure_trailing_data "$T/trail.eif" "1 bytes after the last section"

: >"$T/empty.eif"
malformed measure_empty_file "$T/empty.eif" "truncated EIF header: 0 bytes"

malformed measure_directory "$T" "is a directory"
malformed measure_missing_file "$T/nope.eif" "No such file or directory"

# Usage errors: exit 2 and the usage.
expect_exit measure_no_file 2 "$V" measure
expect_exit measure_two_files 2 "$V" measure "$T/one.eif" "$T/three.eif"
expect_exit measure_store_without_add 2 "$V" measure --trust-store "$T" "$T/one.eif"
expect_exit measure_bad_format 2 "$V" measure --format xml "$T/one.eif"
expect_exit measure_add_twice 2 "$V" measure --add a --add b "$T/one.eif"
expect_exit measure_unknown_option 2 "$V" measure --frobnicate "$T/one.eif"
check measure_usage_shown "$( has "$T/err" "usage: teec-verify measure" || echo 'no usage')"

# --add: a new entry that teec-verify then loads.
new_store store
if expect_exit measure_add_runs 0 "$V" measure --add "c-gcc12@test" \
    --trust-store "$T/store" --language c --toolchain "gcc 12.2.0" \
    --recipe "enclave/images/c-gcc12/Dockerfile@0123456789abcdef" \
    "$T/one.eif"; then
	why=""
	has "$T/store/images.json" '"c-gcc12@test"' || why="no entry"
	has "$T/store/images.json" "\"$P0_ONE\"" || why="no PCR0"
	has "$T/store/images.json" '"valid_from"' || why="no valid_from"
	has "$T/err" 'added image "c-gcc12@test"' || why="no notice"
	has "$T/out" "PCR0 $P0_ONE" || why="no PCRs printed"
	check measure_add_entry_written "$why"
	# The store loads: a junk bundle is examined (1), not a broken store (2).
	expect_exit measure_add_store_loads 1 "$V" --trust-store "$T/store" \
	    "$T/junk.teec"
fi

cp "$T/store/images.json" "$T/before.json"
expect_exit measure_add_duplicate_refused 2 "$V" measure --add "c-gcc12@test" \
    --trust-store "$T/store" "$T/three.eif"
check measure_add_duplicate_unchanged "$(cmp -s "$T/store/images.json" \
    "$T/before.json" || echo 'images.json changed')"

if expect_exit measure_add_signed_runs 0 "$V" measure --format json \
    --add signed --trust-store "$T/store" "$T/signed.eif"; then
	why=""
	has "$T/store/images.json" "\"$P8\"" || why="no PCR8 in the entry"
	has "$T/out" '"added":{"name":"signed"' || why="no added member"
	check measure_add_signed_pcr8 "$why"
	expect_exit measure_add_signed_store_loads 1 "$V" --trust-store \
	    "$T/store" "$T/junk.teec"
fi

cp "$T/store/images.json" "$T/before.json"
expect_exit measure_add_malformed_image 2 "$V" measure --add bad \
    --trust-store "$T/store" "$T/crc.eif"
check measure_add_malformed_unchanged "$(cmp -s "$T/store/images.json" \
    "$T/before.json" || echo 'images.json changed')"

new_store broken
printf '{"images":[{"name":"x"}]}' >"$T/broken/images.json"
expect_exit measure_add_broken_store 2 "$V" measure --add new \
    --trust-store "$T/broken" "$T/one.eif"
check measure_add_broken_store_unchanged "$( [ "$(cat "$T/broken/images.json")" = \
    '{"images":[{"name":"x"}]}' ] || echo 'images.json changed')"

expect_exit measure_add_control_character 2 "$V" measure --add "$(printf 'a\033b')" \
    --trust-store "$T/store" "$T/one.eif"

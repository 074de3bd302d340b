#!/bin/sh
# SPDX-License-Identifier: ISC
# End-to-end tests of `teec-verify attestation` (teec-verify(1)): the
# genuine AWS documents in $NITRO/real, the documents that must be
# rejected in $NITRO/mock and $NITRO/negative, and the command line.
# Run from the repository root by tests/run.sh.
. tests/e2e/lib.sh

V="$TEEC_BIN/teec-verify"
SHIPPED_ROOT=trust-store/roots/aws-nitro-enclaves-root-g1.pem
AWS_ROOT_SHA256=641a0321a3e244efe456463195d606317ed7cdcc3c1756e09893f3c68f79bb5b
# The document the time tests use: its leaf is valid from
# 2022-09-15T17:43:24Z to 20:43:27Z, the document made at 17:43:28.848Z.
CAPE=cape-js-2022-09-15

# Hermetic trust store lookup: no environment or user store, so the
# default is the installed or build tree's store (teec-verify(1) TRUST STORE).
unset TEEC_TRUST_STORE
HOME="$T/home" XDG_CONFIG_HOME="$T/xdg"
export HOME XDG_CONFIG_HOME
mkdir -p "$HOME" "$XDG_CONFIG_HOME"

if [ ! -x "$V" ]; then
	fail teec_verify_built "$V is not executable (run make)"
	exit 1
fi

# run CMD...: run it, exit status in $rc, output in $T/out and $T/err.
run() {
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
}

# The first JSON "reason" in $T/out, or "null".
reason() {
	_r=$(sed -n 's/^.*"reason":"\([A-Z_]*\)".*$/\1/p' "$T/out" | head -n 1)
	echo "${_r:-null}"
}

# ok_if NAME WHY: PASS when WHY is empty, else FAIL with it.
ok_if() {
	if [ -z "$2" ]; then pass "$1"; else fail "$1" "$2"; fi
}

# need_fixtures NAME...: without the fixtures, one SKIP line per test
# NAME and return 1.
need_fixtures() {
	have_fixtures && return 0
	for _t in "$@"; do
		skip "$_t" "no Nitro fixtures in $NITRO (TEEC_FIXTURES is not the shared fixtures)"
	done
	return 1
}

# need_openssl NAME...: the same for openssl(1).
need_openssl() {
	command -v openssl >/dev/null 2>&1 && return 0
	for _t in "$@"; do
		skip "$_t" "openssl(1) is not installed"
	done
	return 1
}

# fact ENTRY KEY: a top-level value of ENTRY ("real/NAME.b64") in
# expected.json (pretty-printed: entries indented 1, members 2), unquoted.
fact() {
	awk -v k="\"$1\": {" -v f="\"$2\": " '
	    index($0, k) == 2 { on = 1; next }
	    on && /^ }/ { exit }
	    on && index($0, f) == 3 {
		v = substr($0, 3 + length(f))
		sub(/,$/, "", v)
		gsub(/^"|"$/, "", v)
		print v
		exit
	    }' "$NITRO/expected.json"
}

# expect_verdict NAME CODE REASON CMD...: exit CODE and JSON reason REASON
# (CMD must produce --format json).
expect_verdict() {
	_n=$1 _c=$2 _w=$3
	shift 3
	run "$@"
	if [ "$rc" -ne "$_c" ]; then
		fail "$_n" "exit $rc, wanted $_c: $(head -c 300 "$T/err" | tr '\n' ' ')"
	elif [ "$(reason)" != "$_w" ]; then
		fail "$_n" "reason $(reason), wanted $_w"
	else
		pass "$_n"
	fi
}

# no_raw_controls FILE: only printable ASCII and newlines.
no_raw_controls() {
	! LC_ALL=C tr -d '\n' <"$1" | LC_ALL=C grep -q '[^ -~]'
}

# ---------------------------------------------------------------------
# Command line (no fixtures needed).

run "$V" --help
if [ "$rc" -eq 0 ] && grep -qF 'teec-verify attestation [' "$T/out"; then
	pass help_exits_0_prints_usage
else
	fail help_exits_0_prints_usage "exit $rc"
fi

run "$V" attestation --help
if [ "$rc" -eq 0 ] && grep -qF 'teec-verify attestation [' "$T/out"; then
	pass attestation_help_exits_0
else
	fail attestation_help_exits_0 "exit $rc"
fi

run "$V" --version
if [ "$rc" -eq 0 ] && grep -q '^teec-verify [0-9]' "$T/out"; then
	pass version_exits_0
else
	fail version_exits_0 "exit $rc: $(head -c 100 "$T/out")"
fi

# The man page SYNOPSIS is the usage text, word for word.
if command -v mandoc >/dev/null 2>&1 && [ -f man/teec-verify.1 ]; then
	bs=$(printf '\b')
	want=$("$V" --help | sed 's/^usage://' | tr -s ' \n' '  ' | sed 's/^ //;s/ $//')
	got=$(mandoc -Tascii man/teec-verify.1 | sed "s/.$bs//g" |
	    sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' | sed '1d;$d' |
	    tr -s ' \t\n' '   ' | sed 's/^ //;s/ $//')
	if [ "$want" = "$got" ]; then
		pass man_synopsis_equals_usage
	else
		fail man_synopsis_equals_usage "usage '$want' but man '$got'"
	fi
else
	skip man_synopsis_equals_usage "mandoc(1) or man/teec-verify.1 missing"
fi

# Usage errors are found before any file is read: $E would exit 1.
E="$T/empty"
: >"$E"
expect_exit no_arguments_exits_2 2 "$V"
expect_exit unknown_command_exits_2 2 "$V" attest "$E"
expect_exit unknown_option_exits_2 2 "$V" attestation --bogus "$E"
ok_if unknown_option_prints_usage "$(grep -qF 'usage: teec-verify' "$T/err" ||
    echo 'no usage on standard error')"
expect_exit missing_file_exits_2 2 "$V" attestation
expect_exit missing_file_after_options_exits_2 2 "$V" attestation --format json
expect_exit repeated_format_exits_2 2 "$V" attestation --format json --format json "$E"
expect_exit repeated_format_differing_exits_2 2 \
    "$V" attestation --format text --format json "$E"
expect_exit bad_format_exits_2 2 "$V" attestation --format yaml "$E"
expect_exit repeated_at_exits_2 2 "$V" attestation --at now --at now "$E"
expect_exit repeated_trust_store_exits_2 2 \
    "$V" attestation --trust-store trust-store --trust-store trust-store "$E"
expect_exit repeated_allow_debug_exits_2 2 \
    "$V" attestation --allow-debug --allow-debug "$E"
expect_exit root_with_trust_store_exits_2 2 \
    "$V" attestation --root "$SHIPPED_ROOT" --trust-store trust-store "$E"
expect_exit trust_store_with_root_exits_2 2 \
    "$V" attestation --trust-store trust-store --root "$SHIPPED_ROOT" "$E"

why=
for a in yesterday 2022-09-15T18:00:00 2022-09-15 "2022-09-15T18:00:00+2:00" \
    2022-13-01T00:00:00Z 2022-02-30T00:00:00Z 2022-09-15T24:00:00Z \
    @ @-1 @+5 @12x @99999999999999999999 ""; do
	run "$V" attestation --at "$a" "$E"
	[ "$rc" -eq 2 ] || why="$why --at '$a' exit $rc;"
done
ok_if bad_at_exits_2 "$why"

expect_exit nonexistent_file_exits_2 2 "$V" attestation "$T/does-not-exist"
expect_exit directory_file_exits_2 2 "$V" attestation "$T"

expect_verdict empty_file_malformed 1 MALFORMED \
    "$V" attestation --format json "$T/empty"

printf 'This is not an attestation document.\n' >"$T/garbage"
expect_verdict garbage_text_malformed 1 MALFORMED \
    "$V" attestation --format json "$T/garbage"

printf 'bm90IGNib3I=\n' >"$T/b64-not-cbor"    # base64 of "not cbor"
expect_verdict base64_of_garbage_malformed 1 MALFORMED \
    "$V" attestation --format json "$T/b64-not-cbor"

printf 'A\n' >"$T/bad-b64"
expect_verdict invalid_base64_malformed 1 MALFORMED \
    "$V" attestation --format json "$T/bad-b64"

# Over the 96 KiB input cap, as text and as binary.
head -c 98305 /dev/zero | tr '\0' 'A' >"$T/big-text"
expect_verdict oversize_text_input_malformed 1 MALFORMED \
    "$V" attestation --format json "$T/big-text"
head -c 98305 /dev/zero >"$T/big-raw"
expect_verdict oversize_raw_input_malformed 1 MALFORMED \
    "$V" attestation --format json "$T/big-raw"
# Under the text cap, but decoding to more than the 64 KiB document cap.
head -c 90000 /dev/zero | tr '\0' 'A' >"$T/big-decoded"
expect_verdict oversize_decoded_document_malformed 1 MALFORMED \
    "$V" attestation --format json "$T/big-decoded"
run "$V" attestation --format json - <"$T/big-raw"
if [ "$rc" -eq 1 ] && [ "$(reason)" = MALFORMED ]; then
	pass oversize_stdin_malformed
else
	fail oversize_stdin_malformed "exit $rc, reason $(reason)"
fi

# Broken trust stores and roots: could not run.
mkdir -p "$T/store-empty" "$T/store-noroot/roots" "$T/store-badpin/roots" \
    "$T/store-pinned/roots" "$T/store-badpinfile/roots" "$T/store-notpem/roots"
expect_exit trust_store_without_roots_dir_exits_2 2 \
    "$V" attestation --trust-store "$T/store-empty" "$T/empty"
expect_exit trust_store_without_root_exits_2 2 \
    "$V" attestation --trust-store "$T/store-noroot" "$T/empty"
expect_exit trust_store_nonexistent_exits_2 2 \
    "$V" attestation --trust-store "$T/no-such-store" "$T/empty"
cp "$SHIPPED_ROOT" "$T/store-badpin/roots/x.pem"
echo 0000000000000000000000000000000000000000000000000000000000000000 \
    >"$T/store-badpin/roots/x.pem.sha256"
expect_exit trust_store_pin_mismatch_exits_2 2 \
    "$V" attestation --trust-store "$T/store-badpin" "$T/empty"
cp "$SHIPPED_ROOT" "$T/store-badpinfile/roots/x.pem"
echo not-a-digest >"$T/store-badpinfile/roots/x.pem.sha256"
expect_exit trust_store_malformed_pin_exits_2 2 \
    "$V" attestation --trust-store "$T/store-badpinfile" "$T/empty"
printf 'not a certificate\n' >"$T/store-notpem/roots/x.pem"
expect_exit trust_store_not_pem_exits_2 2 \
    "$V" attestation --trust-store "$T/store-notpem" "$T/empty"
cp "$SHIPPED_ROOT" "$T/store-pinned/roots/aws.pem"
echo "  $AWS_ROOT_SHA256" >"$T/store-pinned/roots/aws.pem.sha256"
expect_exit root_file_nonexistent_exits_2 2 \
    "$V" attestation --root "$T/no-such.pem" "$T/empty"
expect_exit root_file_not_pem_exits_2 2 \
    "$V" attestation --root "$T/garbage" "$T/empty"
cat "$SHIPPED_ROOT" "$SHIPPED_ROOT" >"$T/two-certs.pem"
expect_exit root_file_two_certs_exits_2 2 \
    "$V" attestation --root "$T/two-certs.pem" "$T/empty"
expect_exit env_trust_store_nonexistent_exits_2 2 \
    env TEEC_TRUST_STORE="$T/no-such-store" "$V" attestation "$T/empty"
expect_exit env_trust_store_broken_exits_2 2 \
    env TEEC_TRUST_STORE="$T/store-badpin" "$V" attestation "$T/empty"
# The explicit option wins over the environment, which wins over the user's store.
expect_exit trust_store_option_overrides_env 1 env TEEC_TRUST_STORE="$T/store-badpin" \
    "$V" attestation --trust-store "$T/store-pinned" "$T/empty"
mkdir -p "$T/xdg/teec"
cp -R "$T/store-badpin" "$T/xdg/teec/trust-store"
expect_exit xdg_config_home_store_used 2 "$V" attestation "$T/empty"
expect_exit env_overrides_xdg_store 1 \
    env TEEC_TRUST_STORE="$T/store-pinned" "$V" attestation "$T/empty"
rm -rf "$T/xdg/teec"
mkdir -p "$T/home/.config/teec"
cp -R "$T/store-badpin" "$T/home/.config/teec/trust-store"
(
	unset XDG_CONFIG_HOME
	expect_exit home_config_store_used 2 "$V" attestation "$T/empty"
)
rm -rf "$T/home/.config/teec"

# The shipped root is the AWS Nitro Enclaves Root G1, by DER SHA-256.
if need_openssl shipped_root_is_aws_root_g1; then
	got=$(openssl x509 -in "$SHIPPED_ROOT" -outform DER | openssl dgst -sha256 -r |
	    cut -d ' ' -f 1)
	ok_if shipped_root_is_aws_root_g1 \
	    "$([ "$got" = "$AWS_ROOT_SHA256" ] || echo "DER SHA-256 $got")"
fi

# The shipped store pins its root: another certificate in its place is
# a broken trust store.
if need_openssl shipped_pin_refuses_another_root; then
	mkdir -p "$T/store-swapped"
	cp -R trust-store/roots "$T/store-swapped/roots"
	chmod -R u+w "$T/store-swapped"
	if openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-384 -nodes \
	    -keyout "$T/swap.key" -out "$T/store-swapped/roots/$(basename "$SHIPPED_ROOT")" \
	    -subj /CN=aws.nitro-enclaves -days 1 >/dev/null 2>&1; then
		expect_exit shipped_pin_refuses_another_root 2 \
		    "$V" attestation --trust-store "$T/store-swapped" "$E"
	else
		fail shipped_pin_refuses_another_root "openssl req could not make a certificate"
	fi
fi

# File names reach the terminal escaped.
ctl="$T/$(printf 'name\033[2J\007')"
printf 'x' >"$ctl"
run "$V" attestation "$ctl"
if [ "$rc" -eq 1 ] && no_raw_controls "$T/out" &&
    grep -qF 'name\x1b[2J\x07' "$T/out"; then
	pass file_name_escaped_in_text
else
	fail file_name_escaped_in_text "exit $rc or raw control bytes in the output"
fi

# ---------------------------------------------------------------------
# Genuine AWS documents.

# One test per document and property; without the fixtures, one SKIP per kind.
if need_fixtures real_verifies_EACH debug_rejected_EACH debug_allowed_EACH \
    now_expired_EACH; then
	for f in "$NITRO"/real/*.b64; do
		n=$(basename "$f" .b64)
		debug=$(fact "real/$n.b64" debug)
		mid=$(fact "real/$n.b64" module_id)
		ts=$(fact "real/$n.b64" timestamp_ms)
		if [ -z "$debug" ] || [ -z "$mid" ] || [ -z "$ts" ]; then
			fail "real_${n}_in_expected_json" "no debug, module_id or timestamp_ms"
			continue
		fi
		if [ "$debug" = false ]; then
			run "$V" attestation --format json "$f"
			why=
			[ "$rc" -eq 0 ] || why="exit $rc, reason $(reason)"
			grep -qF "\"verified\":true,\"reason\":null" "$T/out" || why="$why; not verified"
			grep -qF "\"module_id\":\"$mid\"" "$T/out" || why="$why; no module_id $mid"
			grep -qF "\"timestamp\":$ts," "$T/out" || why="$why; no timestamp $ts"
			ok_if "real_verifies_$n" "$why"
			run "$V" attestation "$f"
			ok_if "real_verifies_text_$n" "$([ "$rc" -eq 0 ] &&
			    head -n 1 "$T/out" | grep -q ': VERIFIED$' || echo "exit $rc")"
		else
			expect_verdict "debug_rejected_$n" 1 DEBUG_ENCLAVE \
			    "$V" attestation --format json "$f"
			run "$V" attestation --allow-debug --format json "$f"
			why=
			[ "$rc" -eq 0 ] || why="exit $rc, reason $(reason)"
			grep -qF "\"module_id\":\"$mid\"" "$T/out" || why="$why; no module_id $mid"
			grep -qF "\"timestamp\":$ts," "$T/out" || why="$why; no timestamp $ts"
			grep -qF '"debug":true' "$T/out" || why="$why; not shown as debug"
			ok_if "debug_allowed_$n" "$why"
		fi
		expect_verdict "now_expired_$n" 1 CHAIN_EXPIRED \
		    "$V" attestation --allow-debug --at now --format json "$f"
	done
fi

# Each document, given as raw CBOR, gives the same verdict and facts.
if need_fixtures raw_cbor_same_as_base64; then
	why=
	for f in "$NITRO"/real/*.b64 "$NITRO"/mock/*.b64 "$NITRO"/negative/*.b64; do
		n=$(basename "$f" .b64)
		if ! base64 -d <"$f" >"$T/$n.cbor" 2>/dev/null; then
			why="$why $n: base64 -d failed;"
			continue
		fi
		"$V" attestation --allow-debug --format json "$f" >"$T/a" 2>/dev/null
		a=$?
		"$V" attestation --allow-debug --format json "$T/$n.cbor" >"$T/b" 2>/dev/null
		b=$?
		[ "$a" -eq "$b" ] || why="$why $n: exit $a vs $b;"
		sed 's/^{"file":"[^"]*",//' "$T/a" >"$T/a2"
		sed 's/^{"file":"[^"]*",//' "$T/b" >"$T/b2"
		cmp -s "$T/a2" "$T/b2" || why="$why $n: output differs;"
	done
	ok_if raw_cbor_same_as_base64 "$why"
fi

if need_fixtures stdin_base64_verifies; then
	expect_exit stdin_base64_verifies 0 "$V" attestation - <"$NITRO/real/$CAPE.b64"
fi
if need_fixtures stdin_raw_verifies; then
	base64 -d <"$NITRO/real/$CAPE.b64" >"$T/cape.cbor"
	expect_exit stdin_raw_verifies 0 "$V" attestation - <"$T/cape.cbor"
fi

# Base64 wrapped at 76 columns, as base64(1) writes it, verifies.
if need_fixtures wrapped_base64_verifies; then
	base64 -d <"$NITRO/real/$CAPE.b64" | base64 >"$T/wrapped.b64"
	expect_exit wrapped_base64_verifies 0 "$V" attestation "$T/wrapped.b64"
fi

# Several files: each one reported, the worst status wins.
if need_fixtures several_files_worst_status; then
	why=
	run "$V" attestation --format json "$NITRO/real/$CAPE.b64" "$NITRO/real/$CAPE.b64"
	[ "$rc" -eq 0 ] || why="two good: exit $rc;"
	[ "$(grep -c '^{"file"' "$T/out")" -eq 2 ] || why="$why not two JSON lines;"
	run "$V" attestation "$NITRO/real/$CAPE.b64" "$NITRO"/mock/*.b64
	[ "$rc" -eq 1 ] || why="$why good+mock: exit $rc;"
	run "$V" attestation "$NITRO"/mock/*.b64 "$T/does-not-exist" "$NITRO/real/$CAPE.b64"
	[ "$rc" -eq 2 ] || why="$why mock+missing+good: exit $rc;"
	grep -q ': VERIFIED$' "$T/out" ||
	    why="$why the file after the missing one was not verified;"
	ok_if several_files_worst_status "$why"
fi

# ---------------------------------------------------------------------
# Documents that must be rejected.

if need_fixtures rejected_EACH_MOCK_AND_NEGATIVE; then
	for f in "$NITRO"/mock/*.b64 "$NITRO"/negative/*.b64; do
		n=$(basename "$f" .b64)
		case $n in
		blocky-nitrite-selfsigned-*)	want=MALFORMED ;;      # unprotected header is null
		marlin-sdk-custom-*)		want=UNTRUSTED_ROOT ;; # Marlin's mock CA
		*AS-COMMITTED-corrupt)		want=MALFORMED ;;      # bytes missing in the payload
		eternis-rav-fixture-invalid*)	want=BAD_SIGNATURE ;;  # tampered content
		*)				want= ;;
		esac
		if [ -n "$want" ]; then
			expect_verdict "rejected_${n}" 1 "$want" \
			    "$V" attestation --allow-debug --format json "$f"
		else
			expect_exit "rejected_${n}" 1 "$V" attestation --allow-debug "$f"
		fi
	done
fi

# ---------------------------------------------------------------------
# Verification time.

if need_fixtures at_rfc3339_z_inside_leaf at_rfc3339_offset_inside_leaf \
    at_rfc3339_fraction_inside_leaf at_unix_seconds_inside_leaf \
    at_rfc3339_offset_outside_leaf at_one_day_later_expired \
    at_before_leaf_not_yet_valid at_reported_as_given \
    default_time_is_document_time; then
	f="$NITRO/real/$CAPE.b64"
	# The leaf is valid 2022-09-15T17:43:24Z .. 20:43:27Z.
	expect_exit at_rfc3339_z_inside_leaf 0 "$V" attestation --at 2022-09-15T18:00:00Z "$f"
	expect_exit at_rfc3339_offset_inside_leaf 0 \
	    "$V" attestation --at 2022-09-15T20:00:00+02:00 "$f"
	expect_exit at_rfc3339_fraction_inside_leaf 0 \
	    "$V" attestation --at 2022-09-15T18:00:00.999Z "$f"
	expect_exit at_unix_seconds_inside_leaf 0 "$V" attestation --at @1663264800 "$f"
	expect_verdict at_rfc3339_offset_outside_leaf 1 CHAIN_EXPIRED \
	    "$V" attestation --format json --at 2022-09-15T18:00:00-04:00 "$f"
	expect_verdict at_one_day_later_expired 1 CHAIN_EXPIRED \
	    "$V" attestation --format json --at 2022-09-16T18:00:00Z "$f"
	expect_verdict at_before_leaf_not_yet_valid 1 CHAIN_EXPIRED \
	    "$V" attestation --format json --at 2022-09-15T17:43:23Z "$f"
	run "$V" attestation --format json --at @1663264800 "$f"
	ok_if at_reported_as_given "$(grep -qF \
	    '"verification_time":"2022-09-15T18:00:00Z","time_source":"given"' "$T/out" ||
	    echo 'no verification_time 2022-09-15T18:00:00Z given')"
	run "$V" attestation --format json "$f"
	ok_if default_time_is_document_time "$(grep -qF \
	    '"verification_time":"2022-09-15T17:43:28Z","time_source":"document"' "$T/out" ||
	    echo 'verification_time is not the document timestamp')"
fi

# Every genuine document: valid at its own time, at its leaf's notBefore
# (an RFC 3339 time with +00:00), and expired one day later.
if need_fixtures at_inside_leaf_validity at_one_day_later_expired_all; then
	why="" why2=""
	for f in "$NITRO"/real/*.b64; do
		n=$(basename "$f" .b64)
		ts=$(fact "real/$n.b64" timestamp_ms)
		nb=$(fact "real/$n.b64" leaf_not_before)
		s=$((ts / 1000))
		run "$V" attestation --allow-debug --at "@$s" "$f"
		[ "$rc" -eq 0 ] || why="$why $n: @$s exit $rc;"
		run "$V" attestation --allow-debug --at "$nb" "$f"
		[ "$rc" -eq 0 ] || why="$why $n: $nb exit $rc;"
		run "$V" attestation --allow-debug --format json --at "@$((s + 86400))" "$f"
		[ "$rc" -eq 1 ] && [ "$(reason)" = CHAIN_EXPIRED ] ||
		    why2="$why2 $n: exit $rc reason $(reason);"
	done
	ok_if at_inside_leaf_validity "$why"
	ok_if at_one_day_later_expired_all "$why2"
fi

# ---------------------------------------------------------------------
# Trusted roots.

if need_fixtures root_aws_pem_verifies; then
	expect_exit root_aws_pem_verifies 0 \
	    "$V" attestation --root "$NITRO/aws_nitro_root_g1.pem" "$NITRO/real/$CAPE.b64"
fi
if need_fixtures trust_store_pinned_verifies; then
	expect_exit trust_store_pinned_verifies 0 \
	    "$V" attestation --trust-store "$T/store-pinned" "$NITRO/real/$CAPE.b64"
fi
if need_fixtures env_trust_store_honoured; then
	expect_exit env_trust_store_honoured 0 \
	    env TEEC_TRUST_STORE="$T/store-pinned" "$V" attestation "$NITRO/real/$CAPE.b64"
fi

if need_fixtures fake_root_untrusted fake_and_aws_roots_verify \
    env_trust_store_fake_untrusted && need_openssl fake_root_untrusted \
    fake_and_aws_roots_verify env_trust_store_fake_untrusted; then
	if openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-384 -nodes \
	    -keyout "$T/fake.key" -out "$T/fake.pem" -subj /CN=aws.nitro-enclaves \
	    -days 1 >/dev/null 2>&1; then
		why=
		for f in "$NITRO"/real/*.b64; do
			run "$V" attestation --allow-debug --format json --root "$T/fake.pem" "$f"
			[ "$rc" -eq 1 ] && [ "$(reason)" = UNTRUSTED_ROOT ] ||
			    why="$why $(basename "$f"): exit $rc reason $(reason);"
		done
		ok_if fake_root_untrusted "$why"
		expect_exit fake_and_aws_roots_verify 0 "$V" attestation \
		    --root "$T/fake.pem" --root "$NITRO/aws_nitro_root_g1.pem" \
		    "$NITRO/real/$CAPE.b64"
		mkdir -p "$T/store-fake/roots"
		cp "$T/fake.pem" "$T/store-fake/roots/fake.pem"
		expect_verdict env_trust_store_fake_untrusted 1 UNTRUSTED_ROOT \
		    env TEEC_TRUST_STORE="$T/store-fake" "$V" attestation --format json \
		    "$NITRO/real/$CAPE.b64"
	else
		fail fake_root_untrusted "openssl req could not make a P-384 certificate"
	fi
fi

# ---------------------------------------------------------------------
# Mutations of a genuine document.

if need_fixtures truncated_document_malformed truncated_base64_malformed \
    appended_byte_malformed appended_zero_byte_malformed \
    appended_byte_base64_malformed \
    tagged_cose_verifies double_tag_malformed other_tag_malformed \
    signature_byte_changed_bad_signature payload_byte_changed_bad_signature \
    module_id_controls_escaped module_id_controls_escaped_json; then
	raw="$T/cape.cbor"
	base64 -d <"$NITRO/real/$CAPE.b64" >"$raw"
	size=$(wc -c <"$raw" | tr -d ' ')

	why=
	for k in 1 2 4 8 100 1000 $((size / 2)) $((size - 97)) $((size - 1)); do
		head -c "$k" "$raw" >"$T/trunc"
		run "$V" attestation --format json "$T/trunc"
		[ "$rc" -eq 1 ] && [ "$(reason)" = MALFORMED ] ||
		    why="$why first $k bytes: exit $rc reason $(reason);"
	done
	ok_if truncated_document_malformed "$why"

	why=
	for k in 1000 1001 1002; do
		head -c "$k" "$NITRO/real/$CAPE.b64" >"$T/trunc.b64"
		run "$V" attestation --format json "$T/trunc.b64"
		[ "$rc" -eq 1 ] && [ "$(reason)" = MALFORMED ] ||
		    why="$why first $k characters: exit $rc reason $(reason);"
	done
	ok_if truncated_base64_malformed "$why"

	{ cat "$raw"; printf 'x'; } >"$T/appended"
	expect_verdict appended_byte_malformed 1 MALFORMED \
	    "$V" attestation --format json "$T/appended"
	{ cat "$raw"; printf '\000'; } >"$T/appended0"
	expect_verdict appended_zero_byte_malformed 1 MALFORMED \
	    "$V" attestation --format json "$T/appended0"
	{ base64 <"$T/appended0"; } >"$T/appended0.b64"
	expect_verdict appended_byte_base64_malformed 1 MALFORMED \
	    "$V" attestation --format json "$T/appended0.b64"

	# Tag 18 (COSE_Sign1_Tagged) is optional; no other tag, and only one.
	{ printf '\322'; cat "$raw"; } >"$T/tagged"
	run "$V" attestation --format json "$T/tagged"
	ok_if tagged_cose_verifies "$([ "$rc" -eq 0 ] &&
	    grep -qF '(tagged)' "$T/out" || echo "exit $rc reason $(reason)")"
	{ printf '\322\322'; cat "$raw"; } >"$T/tagged2"
	expect_verdict double_tag_malformed 1 MALFORMED \
	    "$V" attestation --format json "$T/tagged2"
	{ printf '\321'; cat "$raw"; } >"$T/tag17"
	expect_verdict other_tag_malformed 1 MALFORMED \
	    "$V" attestation --format json "$T/tag17"

	# The last byte of the signature changed.
	last=$(tail -c 1 "$raw" | od -An -tu1 | tr -d ' ')
	oct=$(printf '\\%o' $(((last + 1) % 256)))
	# shellcheck disable=SC2059 # $oct is the octal escape of one byte
	{ head -c $((size - 1)) "$raw"; printf "$oct"; } >"$T/badsig"
	expect_verdict signature_byte_changed_bad_signature 1 BAD_SIGNATURE \
	    "$V" attestation --format json "$T/badsig"

	# The module_id in the signed payload changed: first 'i' to 'I'.
	mid=$(fact "real/$CAPE.b64" module_id)
	off=$(grep -boaF "$mid" "$raw" 2>/dev/null | head -n 1 | cut -d : -f 1)
	if [ -z "$off" ]; then
		skip payload_byte_changed_bad_signature "grep -b cannot find byte offsets here"
		skip module_id_controls_escaped "grep -b cannot find byte offsets here"
		skip module_id_controls_escaped_json "grep -b cannot find byte offsets here"
	else
		{ head -c "$off" "$raw"; printf 'I'; tail -c +$((off + 2)) "$raw"; } >"$T/badpayload"
		expect_verdict payload_byte_changed_bad_signature 1 BAD_SIGNATURE \
		    "$V" attestation --format json "$T/badpayload"

		# 13 bytes of the module_id replaced by terminal escapes. The
		# signature fails, but the facts are shown: escaped.
		{ head -c "$off" "$raw"; printf '\033[31mEVIL\007\033[m'
		    tail -c +$((off + 14)) "$raw"; } >"$T/escapes"
		run "$V" attestation "$T/escapes"
		why=
		[ "$rc" -eq 1 ] || why="exit $rc;"
		no_raw_controls "$T/out" || why="$why raw control bytes in the text output;"
		grep -qF 'module_id   \x1b[31mEVIL\x07\x1b[m' "$T/out" ||
		    why="$why module_id not shown escaped;"
		ok_if module_id_controls_escaped "$why"
		run "$V" attestation --format json "$T/escapes"
		why=
		no_raw_controls "$T/out" || why="raw control bytes in the JSON output;"
		grep -qF '"module_id":"\u001b[31mEVIL\u0007\u001b[m' "$T/out" ||
		    why="$why module_id not JSON-escaped;"
		ok_if module_id_controls_escaped_json "$why"
	fi
fi

# null and the empty byte string are different facts.
if need_fixtures null_differs_from_empty; then
	run "$V" attestation --format json "$NITRO/real/marlin-sdk-aws-pcr16-2025-04-29.b64"
	why=
	grep -qF '"user_data":"",' "$T/out" || why="user_data is not the empty string;"
	grep -qF '"nonce":null,' "$T/out" || why="$why nonce is not null;"
	grep -qF '"16":"30e84b2d' "$T/out" || why="$why PCR16 missing;"
	ok_if null_differs_from_empty "$why"
fi

# The AWS documents from 2025 on use an indefinite-length payload map.
if need_fixtures indefinite_payload_map_verifies; then
	run "$V" attestation "$NITRO/real/base-nitro-validator-2026-01-03-repaired.b64"
	ok_if indefinite_payload_map_verifies "$([ "$rc" -eq 0 ] &&
	    grep -qF 'indefinite-length map' "$T/out" || echo "exit $rc")"
fi

# The checks, in their order, in the JSON output.
if need_fixtures json_checks_in_order; then
	run "$V" attestation --format json "$NITRO/real/$CAPE.b64"
	got=$(grep -o '"name":"[a-z]*"' "$T/out" | sed 's/"name":"//;s/"//' | tr '\n' ' ')
	want="cose payload root chain signature debug "
	ok_if json_checks_in_order "$([ "$got" = "$want" ] || echo "checks: $got")"
fi
exit 0

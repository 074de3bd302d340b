#!/bin/sh
# SPDX-License-Identifier: ISC
# End-to-end tests of `teec-verify bundle` (teec-verify(1), teec-bundle(5),
# teec-trust-store(5)) on bundles made by the real programs: teec-host
# builds examples/hello in local mode, then each way of breaking a copy
# with tar(1) or dd(1) must fail with its reason code.
# Run from the repository root by tests/run.sh.
. tests/e2e/lib.sh

V="$TEEC_BIN/teec-verify"
H="$TEEC_BIN/teec-host"
EXAMPLE=examples/hello
SHIPPED_ROOT=trust-store/roots/aws-nitro-enclaves-root-g1.pem

# Hermetic: no trust store from the environment or the user's config (the
# build tree's store is the default), and a fresh development CA.
unset TEEC_TRUST_STORE
HOME="$T/home" XDG_CONFIG_HOME="$T/config" XDG_DATA_HOME="$T/data"
export HOME XDG_CONFIG_HOME XDG_DATA_HOME
mkdir -p "$HOME" "$XDG_CONFIG_HOME" "$XDG_DATA_HOME"
DEVROOT="$XDG_DATA_HOME/teec/dev-ca/root.pem"

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

# detail CHECK: the detail of that check in the JSON in $T/out.
detail() {
	sed -n "s/^.*{\"name\":\"$1\",\"ok\":[a-z]*,\"state\":\"[a-z]*\",\"detail\":\"\([^\"]*\)\".*\$/\1/p" \
	    "$T/out" | head -n 1
}

# check_names: the names of the checks in the JSON in $T/out, in order.
check_names() {
	sed 's/"subjects":.*//' "$T/out" | grep -o '"name":"[a-z]*","ok"' |
	    sed 's/"name":"//;s/","ok"//' | tr '\n' ' '
}

# ok_if NAME WHY: PASS when WHY is empty, else FAIL with it.
ok_if() {
	if [ -z "$2" ]; then pass "$1"; else fail "$1" "$2"; fi
}

# expect_verdict NAME CODE REASON [DETAIL_CHECK DETAIL_TEXT] -- CMD...:
# exit CODE, JSON reason REASON and, when given, the detail of
# DETAIL_CHECK contains DETAIL_TEXT (CMD must produce --format json).
expect_verdict() {
	_n=$1 _c=$2 _w=$3 _dc='' _dt=''
	shift 3
	if [ "$1" != -- ]; then
		_dc=$1 _dt=$2
		shift 2
	fi
	shift
	run "$@"
	if [ "$rc" -ne "$_c" ]; then
		fail "$_n" "exit $rc, wanted $_c: $(head -c 300 "$T/err" | tr '\n' ' ')"
	elif [ "$(reason)" != "$_w" ]; then
		fail "$_n" "reason $(reason), wanted $_w: $(detail bundle)"
	elif [ -n "$_dc" ] && ! detail "$_dc" | grep -qF -- "$_dt"; then
		fail "$_n" "$_dc detail '$(detail "$_dc")' lacks '$_dt'"
	else
		pass "$_n"
	fi
}

# expect_error NAME WHAT CMD...: exit 2, and standard error names WHAT.
expect_error() {
	_n=$1 _w=$2
	shift 2
	run "$@"
	if [ "$rc" -ne 2 ]; then
		fail "$_n" "exit $rc, wanted 2"
	elif ! grep -qF -- "$_w" "$T/err"; then
		fail "$_n" "standard error does not name '$_w': $(head -c 300 "$T/err")"
	else
		pass "$_n"
	fi
}

sha256() {
	sha256sum "$1" | cut -d ' ' -f 1
}

# Tar surgery on bundles (ustar headers: name at 0, size at 124, type
# flag at 156, checksum at 148; data follows in 512-byte blocks).

# members FILE: one line "HEADER_OFFSET SIZE TYPEFLAG NAME" per header.
members() {
	_off=0 _len=$(wc -c <"$1")
	while [ $((_off + 512)) -le "$_len" ]; do
		dd if="$1" of="$T/hdr" bs=512 skip=$((_off / 512)) count=1 2>/dev/null
		_name=$(head -c 100 "$T/hdr" | tr -d '\000')
		[ -n "$_name" ] || break
		_size=$(dd if="$T/hdr" bs=1 skip=124 count=12 2>/dev/null | tr -dc '0-7')
		_size=$((0${_size:-0}))
		_type=$(dd if="$T/hdr" bs=1 skip=156 count=1 2>/dev/null | tr -d '\000')
		echo "$_off $_size ${_type:-0} $_name"
		_off=$((_off + 512 + (_size + 511) / 512 * 512))
	done
}

# member_offset FILE NAME: the offset of NAME's header, or nothing.
member_offset() {
	members "$1" | awk -v n="$2" '$4 == n { print $1; exit }'
}

# member_size FILE NAME
member_size() {
	members "$1" | awk -v n="$2" '$4 == n { print $2; exit }'
}

# flip FILE OFFSET: flip the lowest bit of the byte at OFFSET, in place.
flip() {
	_b=$(dd if="$1" bs=1 skip="$2" count=1 2>/dev/null | od -An -tu1 | tr -d ' ')
	# shellcheck disable=SC2059 # the format is the octal escape of one byte
	printf "\\$(printf '%03o' $((_b ^ 1)))" |
	    dd of="$1" bs=1 seek="$2" count=1 conv=notrunc 2>/dev/null
}

# rename_member FILE HEADER_OFFSET NEWNAME: rewrite the ustar name field
# and the header checksum, so the archive stays valid tar.
rename_member() {
	{ printf '%s' "$3"; head -c $((100 - ${#3})) /dev/zero; } |
	    dd of="$1" bs=1 seek="$2" count=100 conv=notrunc 2>/dev/null
	printf '        ' | dd of="$1" bs=1 seek=$(($2 + 148)) count=8 conv=notrunc 2>/dev/null
	_sum=$(dd if="$1" bs=512 skip=$(($2 / 512)) count=1 2>/dev/null |
	    od -An -v -tu1 | awk '{ for (i = 1; i <= NF; i++) s += $i } END { print s }')
	printf '%06o@ ' "$_sum" | tr '@' '\000' |
	    dd of="$1" bs=1 seek=$(($2 + 148)) count=8 conv=notrunc 2>/dev/null
}

# repack OUT: a ustar archive of the members extracted in $T/x named on
# standard input, one per line, in that order, with deterministic headers.
repack() {
	tar --format=ustar --owner=0 --group=0 --numeric-owner --mtime=@0 \
	    --no-recursion -cf "$1" -C "$T/x" --verbatim-files-from -T -
}

# ---------------------------------------------------------------------
# Command line and trust store (no bundle needed: these fail before the
# bundle is read).

E="$T/empty.teec"
: >"$E"

run "$V" bundle --help
ok_if bundle_help_exits_0 "$([ "$rc" -eq 0 ] &&
    grep -qF 'teec-verify [bundle]' "$T/out" || echo "exit $rc")"

expect_exit no_bundle_exits_2 2 "$V" bundle
expect_exit no_bundle_bare_exits_2 2 "$V" --format json
expect_exit dev_with_attestation_exits_2 2 "$V" attestation --dev "$E"
expect_exit repeated_dev_exits_2 2 "$V" --dev --dev "$E"
expect_exit nonexistent_bundle_exits_2 2 "$V" "$T/no-such.teec"
expect_exit directory_bundle_exits_2 2 "$V" bundle "$T"

# --dev needs the development root; this one has never been made.
expect_error dev_without_dev_ca_exits_2 "$T/nodev/teec/dev-ca/root.pem" \
    env XDG_DATA_HOME="$T/nodev" "$V" --dev "$E"
expect_error dev_without_dev_ca_home_exits_2 "$T/nohome/.local/share/teec/dev-ca/root.pem" \
    env -u XDG_DATA_HOME HOME="$T/nohome" "$V" --dev "$E"

printf 'This is not a tar file.\n' >"$T/garbage.teec"
expect_verdict not_a_tar_bad_bundle 1 BAD_BUNDLE -- \
    "$V" --format json "$T/garbage.teec"
expect_verdict empty_file_bad_bundle 1 BAD_BUNDLE -- "$V" --format json "$E"

# A trust store with a broken images.json cannot be used: exit 2, naming
# the file and the entry.
P=$(printf '%096d' 0 | tr 0 a)
# store NAME JSON: a store with the shipped roots and this images.json.
store() {
	mkdir -p "$T/$1/roots"
	cp trust-store/roots/* "$T/$1/roots/"
	printf '%s\n' "$2" >"$T/$1/images.json"
}
entry() {
	# entry PCR2 VALID_FROM EXTRA
	printf '{"name":"c-gcc12","pcrs":{"0":"%s","1":"%s","2":"%s"},"valid_from":"%s"%s}' \
	    "$P" "$P" "$1" "$2" "$3"
}
store store-good "{\"images\":[$(entry "$P" 2026-01-01T00:00:00Z '')]}"
store store-unknown "{\"images\":[$(entry "$P" 2026-01-01T00:00:00Z ',"colour":"red"')]}"
store store-unknown-top "{\"images\":[],\"version\":1}"
store store-dupkey "{\"images\":[$(entry "$P" 2026-01-01T00:00:00Z ',"name":"again"')]}"
store store-badhex "{\"images\":[$(entry "${P%?}g" 2026-01-01T00:00:00Z '')]}"
store store-shorthex "{\"images\":[$(entry "${P%??}" 2026-01-01T00:00:00Z '')]}"
store store-badtime "{\"images\":[$(entry "$P" 2026-01-01 '')]}"
store store-until-before "{\"images\":[$(entry "$P" 2026-01-01T00:00:00Z \
    ',"valid_until":"2025-01-01T00:00:00Z"')]}"
store store-nopcr2 "{\"images\":[{\"name\":\"x\",\"pcrs\":{\"0\":\"$P\",\"1\":\"$P\"},\"valid_from\":\"2026-01-01T00:00:00Z\"}]}"
store store-second "{\"images\":[$(entry "$P" 2026-01-01T00:00:00Z ''),$(entry "$P" 2026-13-01T00:00:00Z '')]}"

expect_exit good_images_json_accepted 1 "$V" --trust-store "$T/store-good" "$E"
expect_error images_json_unknown_key_exits_2 "$T/store-unknown/images.json: images[0].colour" \
    "$V" --trust-store "$T/store-unknown" "$E"
expect_error images_json_unknown_top_key_exits_2 "$T/store-unknown-top/images.json" \
    "$V" --trust-store "$T/store-unknown-top" "$E"
expect_error images_json_duplicate_key_exits_2 "$T/store-dupkey/images.json: images[0]" \
    "$V" --trust-store "$T/store-dupkey" "$E"
expect_error images_json_bad_hex_exits_2 "$T/store-badhex/images.json: images[0].pcrs.2" \
    "$V" --trust-store "$T/store-badhex" "$E"
expect_error images_json_short_hex_exits_2 "$T/store-shorthex/images.json: images[0].pcrs.2" \
    "$V" --trust-store "$T/store-shorthex" "$E"
expect_error images_json_bad_time_exits_2 "$T/store-badtime/images.json: images[0].valid_from" \
    "$V" --trust-store "$T/store-badtime" "$E"
expect_error images_json_until_before_from_exits_2 "$T/store-until-before/images.json: images[0]" \
    "$V" --trust-store "$T/store-until-before" "$E"
expect_error images_json_missing_pcr2_exits_2 "$T/store-nopcr2/images.json: images[0].pcrs" \
    "$V" --trust-store "$T/store-nopcr2" "$E"
expect_error images_json_second_entry_named_exits_2 "$T/store-second/images.json: images[1]" \
    "$V" --trust-store "$T/store-second" "$E"
# The same store found through the environment is just as broken.
expect_error images_json_broken_via_env_exits_2 "$T/store-dupkey/images.json" \
    env TEEC_TRUST_STORE="$T/store-dupkey" "$V" "$E"
# --root replaces the roots, not the images: the store is still read.
expect_error root_option_still_reads_images_json "$T/store-badhex/images.json" \
    "$V" --trust-store "$T/store-badhex" --root "$SHIPPED_ROOT" "$E"

# ---------------------------------------------------------------------
# Bundles made by teec-host in local mode.

NEED_BUNDLE="dev_ca_made_in_xdg_data_home
local_bundle_verifies_with_dev local_bundle_untrusted_without_dev
local_bundle_untrusted_with_allow_debug dev_root_as_root_with_allow_debug_verifies
dev_root_from_home_local_share another_dev_root_untrusted
bare_form_equals_bundle bare_form_equals_bundle_json stdin_bundle_verifies
json_has_verdict_checks_subjects_image json_checks_in_order
text_lists_subjects repacked_with_tar_verifies
artifact_byte_changed_artifact_mismatch report_byte_changed_binding_mismatch
attestation_byte_changed_rejected build_log_byte_changed_artifact_mismatch
members_reordered_bad_bundle extra_member_appended_bad_bundle
duplicate_report_appended_bad_bundle duplicate_artifact_appended_bad_bundle
artifact_not_a_subject_artifact_mismatch member_renamed_dotdot_bad_bundle
member_renamed_absolute_bad_bundle renamed_control_keeps_tar_valid
truncated_bundle_bad_bundle detached_bundle_verifies
detached_file_matches_exits_0 detached_file_json_checked
file_with_full_bundle_exits_0 modified_file_same_name_file_mismatch
file_other_name_file_mismatch files_check_last_in_json
unreadable_file_exits_2 directory_file_exits_2
image_from_trust_store_not_used_for_zero_pcrs"

# skip_all REASON: one SKIP line per test that needs a bundle.
skip_all() {
	for _t in $NEED_BUNDLE; do
		skip "$_t" "$1"
	done
}

for need in "$H" "$TEEC_BIN/teec-enclave" "$EXAMPLE/build.json"; do
	if [ ! -e "$need" ]; then
		skip local_bundle_built "$need does not exist yet"
		skip_all "$need does not exist yet"
		exit 0
	fi
done

# One build, in a copy of the example (the build must not touch the tree).
mkdir -p "$T/src"
cp -R "$EXAMPLE/." "$T/src/"
B="$T/hello.teec"
"$H" build --local -C "$T/src" -o "$B" >"$T/build.out" 2>&1
rc=$?
if [ "$rc" -ne 0 ] || [ ! -s "$B" ]; then
	fail local_bundle_built "teec-host build exit $rc: $(tail -c 400 "$T/build.out" | tr '\n' ' ')"
	skip_all "no bundle: the local build failed"
	exit 1
fi
pass local_bundle_built
ok_if dev_ca_made_in_xdg_data_home "$([ -s "$DEVROOT" ] || echo "no $DEVROOT")"

mkdir -p "$T/x"
tar -xf "$B" -C "$T/x"
# The first artifact: its subject name and extracted file.
ART=$(members "$B" | awk '$3 == "0" && $4 ~ /^artifacts\// { print $4; exit }')
if [ -z "$ART" ]; then
	fail local_bundle_has_artifact "the bundle of $EXAMPLE has no artifacts/ member"
	exit 1
fi
ANAME=${ART#artifacts/}
ABASE=$(basename "$ANAME")
AFILE="$T/x/$ART"
ASHA=$(sha256 "$AFILE")
ORDER=$(members "$B" | awk '$3 == "0" { print $4 }')

# -- Verdicts on the genuine bundle.

run "$V" --dev "$B"
ok_if local_bundle_verifies_with_dev "$([ "$rc" -eq 0 ] &&
    head -n 1 "$T/out" | grep -q ': VERIFIED$' ||
    echo "exit $rc: $(head -n 1 "$T/out") $(head -c 200 "$T/err")")"

expect_verdict local_bundle_untrusted_without_dev 1 UNTRUSTED_ROOT -- \
    "$V" --format json "$B"
expect_verdict local_bundle_untrusted_with_allow_debug 1 UNTRUSTED_ROOT -- \
    "$V" --allow-debug --format json "$B"
# The development root given as a root, and zero PCRs allowed: the same.
expect_exit dev_root_as_root_with_allow_debug_verifies 0 \
    "$V" --root "$DEVROOT" --allow-debug "$B"

# Without XDG_DATA_HOME, --dev reads ~/.local/share/teec/dev-ca.
mkdir -p "$T/home2/.local/share/teec/dev-ca"
cp "$DEVROOT" "$T/home2/.local/share/teec/dev-ca/root.pem"
expect_exit dev_root_from_home_local_share 0 \
    env -u XDG_DATA_HOME HOME="$T/home2" "$V" --dev "$B"

# Another machine's development root does not verify this bundle.
if command -v openssl >/dev/null 2>&1; then
	mkdir -p "$T/other/teec/dev-ca"
	if openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-384 -nodes \
	    -keyout "$T/other/teec/dev-ca/root.key" -out "$T/other/teec/dev-ca/root.pem" \
	    -subj "/CN=teec local development root (NOT AWS)" -days 1 >/dev/null 2>&1; then
		expect_verdict another_dev_root_untrusted 1 UNTRUSTED_ROOT -- \
		    env XDG_DATA_HOME="$T/other" "$V" --dev --format json "$B"
	else
		fail another_dev_root_untrusted "openssl req could not make a certificate"
	fi
else
	skip another_dev_root_untrusted "openssl(1) is not installed"
fi

# The bare form is the bundle command: the same output and exit status.
for fmt in text json; do
	"$V" bundle --dev --format "$fmt" "$B" >"$T/a" 2>&1
	a=$?
	"$V" --dev --format "$fmt" "$B" >"$T/b" 2>&1
	b=$?
	why=
	[ "$a" -eq 0 ] && [ "$b" -eq 0 ] || why="exit $a vs $b;"
	cmp -s "$T/a" "$T/b" || why="$why output differs;"
	[ "$fmt" = text ] && n=bare_form_equals_bundle || n=bare_form_equals_bundle_json
	ok_if "$n" "$why"
done

run "$V" --dev - <"$B"
ok_if stdin_bundle_verifies "$([ "$rc" -eq 0 ] || echo "exit $rc")"

# --format json: the verdict, every check, the subjects and the image.
run "$V" --dev --format json "$B"
why=
[ "$rc" -eq 0 ] || why="exit $rc;"
grep -qF '"verified":true,"reason":null,"checks":[' "$T/out" || why="$why no verdict;"
grep -qF "\"subjects\":[" "$T/out" || why="$why no subjects;"
grep -qF "{\"name\":\"$ANAME\",\"sha256\":\"$ASHA\",\"checked\":true,\"in_bundle\":true" \
    "$T/out" || why="$why no checked subject $ANAME with sha256 $ASHA;"
grep -qF '"image":{"name":"local development build"}' "$T/out" ||
    why="$why image is not the local development build;"
grep -qF '"document":{' "$T/out" || why="$why no document;"
[ "$(grep -c '' "$T/out")" -eq 1 ] || why="$why not one line;"
if command -v jq >/dev/null 2>&1; then
	jq -e '.verified == true and .reason == null and (.checks | length) == 11 and
	    (.subjects | length) >= 1 and (.subjects[0].sha256 | length) == 64 and
	    .image.name == "local development build"' "$T/out" >/dev/null ||
	    why="$why jq does not find the members;"
fi
ok_if json_has_verdict_checks_subjects_image "$why"
ok_if json_checks_in_order "$(
	got=$(check_names)
	want="bundle cose payload root chain signature debug image binding report artifacts "
	[ "$got" = "$want" ] || echo "checks: $got")"

run "$V" --dev "$B"
ok_if text_lists_subjects "$(grep -qE "^  $ASHA  checked  $ANAME\$" "$T/out" ||
    echo "no line for $ANAME")"

# A trust store whose image has other PCRs does not change a development
# build: zero PCRs are never matched against images.
expect_verdict image_from_trust_store_not_used_for_zero_pcrs 0 null \
    -- "$V" --dev --trust-store "$T/store-good" --format json "$B"

# The same members packed again with tar(1), in order: still a bundle.
echo "$ORDER" | repack "$T/repacked.teec"
expect_verdict repacked_with_tar_verifies 0 null -- \
    "$V" --dev --format json "$T/repacked.teec"

# -- Tampering, each on a copy; every one must fail with its reason.

off=$(member_offset "$B" "$ART")
cp "$B" "$T/t.teec"
flip "$T/t.teec" $((off + 512))
expect_verdict artifact_byte_changed_artifact_mismatch 1 ARTIFACT_MISMATCH \
    artifacts "$ART" -- "$V" --dev --format json "$T/t.teec"

size=$(member_size "$B" report.json)
cp "$B" "$T/t.teec"
flip "$T/t.teec" $((512 + size / 2))
expect_verdict report_byte_changed_binding_mismatch 1 BINDING_MISMATCH -- \
    "$V" --dev --format json "$T/t.teec"

# The last byte of the attestation document is the signature's.
off=$(member_offset "$B" attestation.cbor)
size=$(member_size "$B" attestation.cbor)
cp "$B" "$T/t.teec"
flip "$T/t.teec" $((off + 512 + size - 1))
expect_verdict attestation_byte_changed_rejected 1 BAD_SIGNATURE -- \
    "$V" --dev --format json "$T/t.teec"

if [ -n "$(member_offset "$B" build.log)" ] && [ "$(member_size "$B" build.log)" -gt 0 ]; then
	off=$(member_offset "$B" build.log)
	cp "$B" "$T/t.teec"
	flip "$T/t.teec" $((off + 512))
	expect_verdict build_log_byte_changed_artifact_mismatch 1 ARTIFACT_MISMATCH \
	    artifacts build.log -- "$V" --dev --format json "$T/t.teec"
else
	skip build_log_byte_changed_artifact_mismatch "the bundle has no build.log or it is empty"
fi

# attestation.cbor first, report.json second.
{ echo attestation.cbor; echo report.json; echo "$ORDER" | tail -n +3; } |
    repack "$T/t.teec"
expect_verdict members_reordered_bad_bundle 1 BAD_BUNDLE bundle "first member" -- \
    "$V" --dev --format json "$T/t.teec"

printf 'not part of a bundle\n' >"$T/x/notes.txt"
cp "$B" "$T/t.teec"
tar --format=ustar -rf "$T/t.teec" -C "$T/x" notes.txt
expect_verdict extra_member_appended_bad_bundle 1 BAD_BUNDLE bundle "notes.txt" -- \
    "$V" --dev --format json "$T/t.teec"

cp "$B" "$T/t.teec"
tar --format=ustar -rf "$T/t.teec" -C "$T/x" report.json
expect_verdict duplicate_report_appended_bad_bundle 1 BAD_BUNDLE bundle "duplicate" -- \
    "$V" --dev --format json "$T/t.teec"

cp "$B" "$T/t.teec"
tar --format=ustar -rf "$T/t.teec" -C "$T/x" "$ART"
expect_verdict duplicate_artifact_appended_bad_bundle 1 BAD_BUNDLE bundle "duplicate" -- \
    "$V" --dev --format json "$T/t.teec"

mkdir -p "$T/x/artifacts"
printf 'smuggled\n' >"$T/x/artifacts/zz-not-a-subject"
cp "$B" "$T/t.teec"
tar --format=ustar -rf "$T/t.teec" -C "$T/x" artifacts/zz-not-a-subject
expect_verdict artifact_not_a_subject_artifact_mismatch 1 ARTIFACT_MISMATCH \
    artifacts "not a subject" -- "$V" --dev --format json "$T/t.teec"

off=$(member_offset "$B" "$ART")
cp "$B" "$T/t.teec"
rename_member "$T/t.teec" "$off" ../x
expect_verdict member_renamed_dotdot_bad_bundle 1 BAD_BUNDLE bundle "unsafe name" -- \
    "$V" --dev --format json "$T/t.teec"

cp "$B" "$T/t.teec"
rename_member "$T/t.teec" "$off" /x
expect_verdict member_renamed_absolute_bad_bundle 1 BAD_BUNDLE bundle "unsafe name" -- \
    "$V" --dev --format json "$T/t.teec"

# The renaming keeps the tar valid: to another safe name, the member is
# read and found to be no subject.
cp "$B" "$T/t.teec"
rename_member "$T/t.teec" "$off" artifacts/zz-renamed
expect_verdict renamed_control_keeps_tar_valid 1 ARTIFACT_MISMATCH \
    artifacts "artifacts/zz-renamed" -- "$V" --dev --format json "$T/t.teec"

# Cut inside the attestation document.
off=$(member_offset "$B" attestation.cbor)
head -c $((off + 512 + 100)) "$B" >"$T/t.teec"
expect_verdict truncated_bundle_bad_bundle 1 BAD_BUNDLE -- \
    "$V" --dev --format json "$T/t.teec"

# -- Detached artifacts: files given beside the bundle.

D="$T/detached.teec"
echo "$ORDER" | grep -v '^artifacts/' | repack "$D"
expect_verdict detached_bundle_verifies 0 null artifacts "detached" -- \
    "$V" --dev --format json "$D"

mkdir -p "$T/dl"
cp "$AFILE" "$T/dl/$ABASE"
expect_exit detached_file_matches_exits_0 0 "$V" --dev "$D" "$T/dl/$ABASE"
run "$V" --dev --format json "$D" "$T/dl/$ABASE"
ok_if detached_file_json_checked "$(grep -qF \
    "{\"name\":\"$ANAME\",\"sha256\":\"$ASHA\",\"checked\":true,\"in_bundle\":false,\"file_checked\":true}" \
    "$T/out" || echo "subject $ANAME not file_checked")"
ok_if files_check_last_in_json "$(
	got=$(check_names)
	want="bundle cose payload root chain signature debug image binding report artifacts files "
	[ "$got" = "$want" ] || echo "checks: $got")"
expect_exit file_with_full_bundle_exits_0 0 "$V" --dev "$B" "$T/dl/$ABASE"

mkdir -p "$T/mod"
cp "$AFILE" "$T/mod/$ABASE"
printf 'x' >>"$T/mod/$ABASE"
expect_verdict modified_file_same_name_file_mismatch 1 FILE_MISMATCH files "differs" -- \
    "$V" --dev --format json "$D" "$T/mod/$ABASE"

cp "$AFILE" "$T/dl/zz-other-name"
expect_verdict file_other_name_file_mismatch 1 FILE_MISMATCH files "no subject" -- \
    "$V" --dev --format json "$D" "$T/dl/zz-other-name"

expect_error unreadable_file_exits_2 "$T/dl/no-such-file" \
    "$V" --dev "$D" "$T/dl/$ABASE" "$T/dl/no-such-file"
expect_exit directory_file_exits_2 2 "$V" --dev "$D" "$T/dl"
exit 0

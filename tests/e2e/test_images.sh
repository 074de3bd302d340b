#!/bin/sh
# SPDX-License-Identifier: ISC
# End-to-end tests of enclave/images/build-eif.sh with a fake `docker` and a
# fake `nitro-cli` on PATH: the fake nitro-cli writes a synthetic EIF
# (tests/e2e/eif.sh) and prints its PCRs as nitro-cli does, so the script's
# plumbing runs whole: the recipe checks, the git archive context, the
# cross-check against `teec-verify measure`, and the trust store entry.
# Run from the repository root by tests/run.sh.
. tests/e2e/lib.sh

V="$TEEC_BIN/teec-verify"
TOP=$(pwd)
unset TEEC_TRUST_STORE
HOME="$T/home" XDG_CONFIG_HOME="$T/xdg"
export HOME XDG_CONFIG_HOME
mkdir -p "$HOME" "$XDG_CONFIG_HOME"

if [ ! -x "$V" ]; then
	fail teec_verify_built "$V is not executable (run make)"
	exit 1
fi
if ! "$V" measure --help >/dev/null 2>&1; then
	skip images "this teec-verify has no measure command"
	exit 0
fi
if ! command -v git >/dev/null 2>&1; then
	skip images "git is not installed"
	exit 0
fi

if command -v shellcheck >/dev/null 2>&1; then
	if shellcheck -s sh enclave/images/build-eif.sh >"$T/sc" 2>&1; then
		pass images_shellcheck_clean
	else
		fail images_shellcheck_clean "$(head -c 300 "$T/sc")"
	fi
else
	skip images_shellcheck_clean "shellcheck is not installed"
fi

# A throwaway repository holding the recipes, committed.
R="$T/repo"
mkdir -p "$R/enclave"
cp -R enclave/images "$R/enclave/images"
gitq() {
	git -C "$R" -c user.name=teec-test -c user.email=test@example.invalid \
	    -c commit.gpgsign=false "$@" >/dev/null 2>&1
}
if ! { gitq init -q && gitq add -A && gitq commit -q -m recipes; }; then
	fail images_repo "could not make a git repository in $R"
	exit 1
fi
COMMIT=$(git -C "$R" rev-parse HEAD)
SHORT=$(printf '%.12s' "$COMMIT")

# The fake tools and the image pieces they put in every EIF.
F="$T/fake"
mkdir -p "$F/bin" "$F/blobs"
head -c 2000 /dev/urandom >"$F/blobs/kernel"
printf 'console=ttyS0 reboot=k' >"$F/blobs/cmdline"
printf '{"ImageName":"fake"}' >"$F/blobs/metadata"
head -c 900 /dev/urandom >"$F/blobs/init"
head -c 1200 /dev/urandom >"$F/blobs/app"
printf 'a COSE_Sign1 stands here' >"$F/blobs/cose"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:secp384r1 -nodes \
    -keyout "$T/key.pem" -out "$T/cert.pem" -subj /CN=eif-signer -days 2 \
    2>/dev/null

cat >"$F/bin/docker" <<'EOF'
#!/bin/sh
# Fake docker: "docker build ... -" records its arguments and the context
# tar it reads from standard input.
echo "docker $*" >>"$FAKE/log"
[ "$1" = build ] || exit 1
cat >"$FAKE/context.tar"
tar -tf "$FAKE/context.tar" >"$FAKE/context.list" || exit 1
EOF

cat >"$F/bin/nitro-cli" <<'EOF'
#!/bin/sh
# Fake nitro-cli: build-enclave writes a synthetic EIF and prints its
# measurements like nitro-cli (src/lib.rs build_from_docker).
. "$EIF_SH"
case ${1:-} in
--version) echo "Nitro CLI 1.4.2"; exit 0 ;;
build-enclave) shift ;;
*) exit 1 ;;
esac
echo "nitro-cli build-enclave $*" >>"$FAKE/log"
out="" cert=""
while [ $# -gt 0 ]; do
	case $1 in
	--docker-uri) shift 2 ;;
	--output-file) out=$2; shift 2 ;;
	--signing-certificate) cert=$2; shift 2 ;;
	--private-key) shift 2 ;;
	*) exit 1 ;;
	esac
done
b="$FAKE/blobs"
echo "Start building the Enclave Image..." >&2
set -- 1:"$b/kernel" 2:"$b/cmdline" 5:"$b/metadata" 3:"$b/init" 3:"$b/app"
p8=""
if [ -n "$cert" ]; then
	eif_signature "$cert" "$b/cose" >"$b/sig"
	set -- "$@" 4:"$b/sig"
	p8=$(eif_pcr8 "$cert")
fi
eif_make "$out" 4 "$@"
p0=$(eif_pcr "$b/kernel" "$b/cmdline" "$b/init" "$b/app")
p1=$(eif_pcr "$b/kernel" "$b/cmdline" "$b/init")
p2=$(eif_pcr "$b/app")
[ -z "${FAKE_WRONG_PCR1:-}" ] || p1=$(eif_pcr "$b/kernel")
echo "Enclave Image successfully created." >&2
printf '{\n  "Measurements": {\n    "HashAlgorithm": "Sha384 { ... }",\n'
printf '    "PCR0": "%s",\n    "PCR1": "%s",\n    "PCR2": "%s"' "$p0" "$p1" "$p2"
[ -z "$p8" ] || printf ',\n    "PCR8": "%s"' "$p8"
printf '\n  }\n}\n'
EOF
chmod +x "$F/bin/docker" "$F/bin/nitro-cli"

FAKE="$F" EIF_SH="$TOP/tests/e2e/eif.sh" TEEC_VERIFY="$V" PATH="$F/bin:$PATH"
export FAKE EIF_SH TEEC_VERIFY PATH

mkdir -p "$T/store"
cp -R trust-store/roots "$T/store/roots"
cp trust-store/images.json "$T/store/images.json"
head -c 100 /dev/urandom >"$T/junk.teec"
B="$R/enclave/images/build-eif.sh"

. tests/e2e/eif.sh
P0=$(eif_pcr "$F/blobs/kernel" "$F/blobs/cmdline" "$F/blobs/init" "$F/blobs/app")
P8=$(eif_pcr8 "$T/cert.pem")

# check NAME WHY: PASS when WHY is empty, else FAIL with it.
check() {
	if [ -z "$2" ]; then pass "$1"; else fail "$1" "$2"; fi
}
has() { grep -qF -- "$2" "$1"; }
# member FILE KEY VALUE: "KEY": "VALUE" in the pretty-printed JSON FILE.
member() { grep -qE "\"$2\":[[:space:]]*\"$3" "$1"; }
unchanged() {
	if cmp -s "$T/store/images.json" "$T/before.json"; then
		pass "$1"
	else
		fail "$1" "images.json changed"
	fi
}

# The c-gcc12 recipe, end to end.
if expect_exit images_build_c_gcc12 0 "$B" --trust-store "$T/store" \
    --output "$T/eifs" c-gcc12; then
	j="$T/store/images.json"
	why=""
	has "$j" "\"c-gcc12@$SHORT\"" || why="no entry named c-gcc12@$SHORT"
	member "$j" language 'c"' || why="no language"
	member "$j" toolchain 'gcc 12\.2\.0' || why="no toolchain"
	has "$j" "\"enclave/images/c-gcc12/Dockerfile@$COMMIT\"" || why="no recipe@commit"
	has "$j" "\"$P0\"" || why="no PCR0"
	has "$j" "Nitro CLI 1.4.2" || why="no nitro-cli version in the note"
	[ -f "$T/eifs/c-gcc12-$SHORT.eif" ] || why="no EIF in the output directory"
	check images_entry_written "$why"
	why=""
	has "$F/log" "docker build --build-arg SOURCE_DATE_EPOCH=" || why="no SOURCE_DATE_EPOCH"
	has "$F/log" "-f enclave/images/c-gcc12/Dockerfile -t teec-image-c-gcc12:$SHORT -" ||
	    why="docker build arguments: $(grep docker "$F/log")"
	has "$F/context.list" "enclave/images/c-gcc12/Dockerfile" || why="recipe not in the context"
	has "$F/log" "--docker-uri teec-image-c-gcc12:$SHORT" || why="nitro-cli not given the image"
	check images_docker_context_is_the_commit "$why"
	expect_exit images_store_loads 1 "$V" --trust-store "$T/store" "$T/junk.teec"
fi

for r in rust-1 go-1; do
	lang=${r%-1}
	if expect_exit "images_build_$lang" 0 "$B" --trust-store "$T/store" \
	    --output "$T/eifs" "$r"; then
		check "images_entry_$lang" "$(member "$T/store/images.json" \
		    language "$lang\"" || echo "no $lang entry")"
	fi
done

# The same name again: refused before anything is built.
cp "$T/store/images.json" "$T/before.json"
: >"$F/log"
expect_exit images_duplicate_refused 2 "$B" --trust-store "$T/store" \
    --output "$T/eifs" c-gcc12
check images_duplicate_builds_nothing "$( [ -s "$F/log" ] && echo 'docker or nitro-cli ran')"
unchanged images_duplicate_unchanged

# nitro-cli and teec disagree: exit 1, nothing added.
if FAKE_WRONG_PCR1=1 "$B" --trust-store "$T/store" --output "$T/eifs" \
    --name mismatch c-gcc12 >"$T/stdout" 2>"$T/err"; then
	rc=0
else
	rc=$?
fi
check images_mismatch_exit_1 "$( [ $rc -eq 1 ] || echo "exit $rc")"
check images_mismatch_reason "$(has "$T/err" "PCR1: nitro-cli says" || echo 'no PCR1 line')"
unchanged images_mismatch_unchanged

# A signed image: PCR8 checked and written.
if expect_exit images_build_signed 0 "$B" --trust-store "$T/store" \
    --output "$T/eifs" --name signed --signing-certificate "$T/cert.pem" \
    --private-key "$T/key.pem" c-gcc12; then
	check images_signed_pcr8 "$(has "$T/store/images.json" "\"$P8\"" ||
	    echo 'no PCR8 in the store')"
fi

# Recipes that must be refused before docker runs.
# refused NAME WANT ARGS...: build-eif.sh exits 2, says WANT, runs nothing.
refused() {
	_n=$1 _w=$2
	shift 2
	cp "$T/store/images.json" "$T/before.json"
	: >"$F/log"
	if expect_exit "$_n" 2 "$B" --output "$T/eifs" "$@"; then
		_why=""
		has "$T/err" "$_w" || _why="no '$_w' in: $(head -c 200 "$T/err")"
		[ -s "$F/log" ] && _why="docker or nitro-cli ran"
		check "${_n}_reason" "$_why"
	fi
	unchanged "${_n}_unchanged"
}

mkdir -p "$R/enclave/images/zero" "$R/enclave/images/tag" "$R/enclave/images/nolabel"
printf 'FROM debian@sha256:%s\nLABEL org.teec.language="c"\nLABEL org.teec.toolchain="t"\n' \
    0000000000000000000000000000000000000000000000000000000000000000 \
    >"$R/enclave/images/zero/Dockerfile"
printf 'FROM debian:bookworm-slim\nLABEL org.teec.language="c"\nLABEL org.teec.toolchain="t"\n' \
    >"$R/enclave/images/tag/Dockerfile"
printf 'FROM debian@sha256:%s\n' \
    3783cc01769c7b2b1b83a5c5ad96c815348e28ed7da68e2e3687004faa906251 \
    >"$R/enclave/images/nolabel/Dockerfile"
gitq add -A && gitq commit -q -m "bad recipes"
mkdir -p "$R/enclave/images/new"
cp "$R/enclave/images/c-gcc12/Dockerfile" "$R/enclave/images/new/Dockerfile"

refused images_placeholder_digest "placeholder" --trust-store "$T/store" zero
refused images_unpinned_base "not pinned by digest" --trust-store "$T/store" tag
refused images_no_labels "no LABEL org.teec.language" --trust-store "$T/store" nolabel
refused images_uncommitted_recipe "is not committed" --trust-store "$T/store" new
refused images_bad_recipe_name "RECIPE is a directory name" --trust-store "$T/store" ../c-gcc12
refused images_missing_store "not a trust store directory" \
    --trust-store "$T/nowhere" c-gcc12
refused images_key_without_certificate "go together" \
    --trust-store "$T/store" --private-key "$T/key.pem" c-gcc12

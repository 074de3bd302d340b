#!/bin/sh
# SPDX-License-Identifier: ISC
# Build one enclave image recipe, enclave/images/RECIPE/Dockerfile, into an
# EIF with `nitro-cli build-enclave`, check nitro-cli's PCRs against
# `teec-verify measure` of the same file, and add the image to a trust
# store with `teec-verify measure --add`. See enclave/images/README.
#
# The Docker context is `git archive HEAD`: the image holds exactly the
# committed tree whose commit the entry records, whatever the working tree.
#
# Exit status: 0 built, measured and added; 1 nitro-cli and teec-verify
# disagree on a PCR (nothing is added); 2 could not run.
set -eu

prog=build-eif.sh

usage() {
	cat <<'EOF'
usage: build-eif.sh [--trust-store DIR] [--output DIR] [--name NAME]
           [--signing-certificate CERT.pem --private-key KEY] RECIPE
       build-eif.sh --help
EOF
}

die() {
	echo "$prog: $*" >&2
	exit 2
}

usage_err() {
	echo "$prog: $*" >&2
	usage >&2
	exit 2
}

note() {
	echo "$prog: $*" >&2
}

store="" out="" name="" cert="" key=""
while [ $# -gt 0 ]; do
	case $1 in
	--trust-store|--output|--name|--signing-certificate|--private-key)
		[ $# -ge 2 ] || usage_err "$1 needs a value"
		[ -n "$2" ] || usage_err "$1: empty value"
		case $1 in
		--trust-store) [ -z "$store" ] || usage_err "$1 given twice"; store=$2 ;;
		--output) [ -z "$out" ] || usage_err "$1 given twice"; out=$2 ;;
		--name) [ -z "$name" ] || usage_err "$1 given twice"; name=$2 ;;
		--signing-certificate) [ -z "$cert" ] || usage_err "$1 given twice"; cert=$2 ;;
		--private-key) [ -z "$key" ] || usage_err "$1 given twice"; key=$2 ;;
		esac
		shift 2
		;;
	-h|--help)
		usage
		exit 0
		;;
	--)
		shift
		break
		;;
	-*)
		usage_err "unknown option $1"
		;;
	*)
		break
		;;
	esac
done
[ $# -eq 1 ] || usage_err "give exactly one RECIPE"
recipe=$1
case $recipe in
''|.*|*[!a-z0-9.-]*)
	usage_err "RECIPE is a directory name under enclave/images (a-z, 0-9, '.', '-')"
	;;
esac
if { [ -n "$cert" ] && [ -z "$key" ]; } || { [ -z "$cert" ] && [ -n "$key" ]; }; then
	usage_err "--signing-certificate and --private-key go together"
fi

# The recipe, as committed.
here=$(cd "$(dirname "$0")" && pwd -P)
top=$(git -C "$here" rev-parse --show-toplevel 2>/dev/null) ||
    die "$here is not in a git checkout"
rel="enclave/images/$recipe/Dockerfile"
commit=$(git -C "$top" rev-parse --verify 'HEAD^{commit}' 2>/dev/null) ||
    die "$top: no commit to build from"
git -C "$top" cat-file -e "HEAD:$rel" 2>/dev/null ||
    die "$rel is not committed: images are built from HEAD ($commit)"
short=$(printf '%.12s' "$commit")
if [ -n "$(git -C "$top" status --porcelain --untracked-files=no)" ]; then
	note "uncommitted changes in $top are not in the image: it is built from HEAD ($short)"
fi
dockerfile=$(git -C "$top" show "HEAD:$rel")

# Every base image pinned by digest, none by the placeholder digest.
froms=$(printf '%s\n' "$dockerfile" | grep -Ei '^[[:space:]]*FROM[[:space:]]') ||
    die "$rel: no FROM line"
unpinned=$(printf '%s\n' "$froms" |
    grep -Evi '^[[:space:]]*FROM[[:space:]]+(--platform=[^[:space:]]+[[:space:]]+)?[^[:space:]@$]+@sha256:[0-9a-f]{64}([[:space:]]|$)' || true)
[ -z "$unpinned" ] || die "$rel: base image not pinned by digest: $unpinned"
if printf '%s\n' "$froms" | grep -q '@sha256:0\{64\}'; then
	die "$rel: the base image digest is the placeholder of zeros: resolve the real digest first (README)"
fi

# label NAME: LABEL org.teec.NAME="VALUE" from the Dockerfile.
label() {
	printf '%s\n' "$dockerfile" |
	    sed -n "s/^LABEL[[:space:]]\{1,\}org\.teec\.$1=\"\([^\"]*\)\"[[:space:]]*\$/\1/p" |
	    head -n 1
}
language=$(label language)
toolchain=$(label toolchain)
[ -n "$language" ] || die "$rel: no LABEL org.teec.language=\"...\""
[ -n "$toolchain" ] || die "$rel: no LABEL org.teec.toolchain=\"...\""

# The tools.
tv=${TEEC_VERIFY:-}
if [ -z "$tv" ]; then
	if [ -x "$top/bin/teec-verify" ]; then
		tv=$top/bin/teec-verify
	else
		tv=$(command -v teec-verify) ||
		    die "teec-verify not found (run make, or set TEEC_VERIFY)"
	fi
fi
"$tv" measure --help >/dev/null 2>&1 || die "$tv has no measure command"
command -v docker >/dev/null 2>&1 || die "docker not found"
command -v nitro-cli >/dev/null 2>&1 || die "nitro-cli not found"

: "${store:=$top/trust-store}"
: "${out:=$top/build/images}"
: "${name:=$recipe@$short}"
[ -d "$store" ] || die "$store: not a trust store directory"
if [ -f "$store/images.json" ] && grep -qF "\"$name\"" "$store/images.json"; then
	die "$store/images.json already names \"$name\" (entries are never replaced; give --name)"
fi
mkdir -p "$out" || die "$out: cannot create"

base="$out/$recipe-$short"
tag="teec-image-$recipe:$short"
eif="$base.eif"
nitro_json="$base.nitro-cli.json"
teec_json="$base.measure.json"
context="$base.context.tar"
epoch=$(git -C "$top" log -1 --format=%ct "$commit")

# docker build from the committed tree.
note "building $tag from $rel at $commit"
git -C "$top" archive --format=tar -o "$context" "$commit" ||
    die "git archive failed"
if ! docker build --build-arg "SOURCE_DATE_EPOCH=$epoch" -f "$rel" -t "$tag" - <"$context"; then
	rm -f "$context"
	die "docker build failed"
fi
rm -f "$context"

# nitro-cli build-enclave: its measurements are the JSON on standard output.
set -- build-enclave --docker-uri "$tag" --output-file "$eif"
if [ -n "$cert" ]; then
	set -- "$@" --signing-certificate "$cert" --private-key "$key"
fi
note "nitro-cli $*"
nitro-cli "$@" >"$nitro_json" || die "nitro-cli build-enclave failed"

# nitro_pcr N: PCRn of nitro-cli's {"Measurements": {"PCR0": "HEX", ...}}.
nitro_pcr() {
	sed -n "s/^.*\"PCR$1\"[[:space:]]*:[[:space:]]*\"\([0-9a-fA-F]*\)\".*\$/\1/p" \
	    "$nitro_json" | tr 'A-F' 'a-f'
}

# The same file, measured by teec.
"$tv" measure --format json "$eif" >"$teec_json" ||
    die "teec-verify measure refused $eif"

# teec_pcr N: PCRn of teec-verify measure's {"pcrs": {"0": "HEX", ...}}.
teec_pcr() {
	sed -n "s/^.*\"pcrs\":{[^}]*\"$1\":\"\([0-9a-f]*\)\".*\$/\1/p" "$teec_json"
}

# is_pcr VALUE: 96 lower-case hex digits (SHA-384).
is_pcr() {
	case $1 in
	''|*[!0-9a-f]*) return 1 ;;
	esac
	[ ${#1} -eq 96 ]
}

agree=1
for i in 0 1 2 8; do
	n=$(nitro_pcr $i)
	t=$(teec_pcr $i)
	if [ $i -eq 8 ] && [ -z "$n" ] && [ -z "$t" ] && [ -z "$cert" ]; then
		continue
	fi
	if ! is_pcr "$n"; then
		note "PCR$i: nitro-cli gave no SHA-384 value (see $nitro_json)"
		agree=0
	elif [ "$n" != "$t" ]; then
		note "PCR$i: nitro-cli says ${n:-nothing}, teec-verify measure says ${t:-nothing}"
		agree=0
	fi
done
if [ $agree -ne 1 ]; then
	note "the measurements disagree: no trust store entry was written"
	exit 1
fi

# The trust store entry.
nitro_version=$(nitro-cli --version 2>/dev/null | head -n 1 | tr -cd '[:print:]') || true
: "${nitro_version:=nitro-cli}"
"$tv" measure --add "$name" --trust-store "$store" \
    --language "$language" --toolchain "$toolchain" \
    --recipe "$rel@$commit" \
    --note "built by enclave/images/build-eif.sh with $nitro_version from docker image $tag" \
    "$eif" >/dev/null || die "could not add \"$name\" to $store"
for i in 0 1 2 8; do
	v=$(teec_pcr $i)
	[ -z "$v" ] || note "PCR$i $v"
done
note "added \"$name\" to $store/images.json (EIF: $eif)"

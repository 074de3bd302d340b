#!/bin/sh
# SPDX-License-Identifier: ISC
# make bench: teec's performance figures (README.md, Performance). Each is
# a ratio taken side by side in this run or a median of many runs: these
# machines are noisy and absolute times drift. Prints a table and writes
# bench/results.json. Everything it makes lives in one temporary
# directory, removed at the end; loopback only (apt-get is used once, for
# python3-cbor2, when the Python reference lacks it).
#
# Environment: TEEC_BIN (the programs), TEEC_BENCH_BIN (bench-clock,
# bench-xfer, bench-batch), TEEC_FIXTURES (../shared/fixtures), BENCH_REPS
# (5), TMPDIR (the 1 and 4 GiB bundles are built there: 13 GiB free).
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
bin=${TEEC_BIN:-$root/bin}
bb=${TEEC_BENCH_BIN:-$root/build/bench}
fx=${TEEC_FIXTURES:-$root/../shared/fixtures}
reps=${BENCH_REPS:-5}
results=$root/bench/results.json
py=/usr/bin/python3
ncpu=$(nproc)
GiB=1073741824

work=$(mktemp -d "${TMPDIR:-/tmp}/teec-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM HUP
# The development CA of these local builds, and the shipped trust store.
export XDG_DATA_HOME="$work/data"
export TEEC_TRUST_STORE="$root/trust-store"
export LC_ALL=C
: >"$work/rows"

say() { printf '%s\n' "$*" >&2; }
die() { say "bench: $*"; exit 1; }

# tm [bench-clock options] -- COMMAND...: time it; sets ms (median wall
# time), rss (peak KiB) and st (exit status of the last run).
tm() {
	_l=$("$bb/bench-clock" "$@") || die "bench-clock $*: failed"
	read -r ms _ _ rss st <<EOF
$_l
EOF
}

# The median of the numbers on standard input.
median() {
	sort -g | awk '{ a[NR] = $1 } END {
		if (NR == 0) { print "null"; exit }
		if (NR % 2) print a[(NR + 1) / 2]
		else printf "%.6g\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

# calc EXPR: awk arithmetic, four significant digits.
calc() { awk "BEGIN { printf \"%.4g\\n\", $1 }"; }

# check EXPR: yes when it holds.
check() { awk "BEGIN { print (($1) ? \"yes\" : \"no\") }"; }

# row ITEM FIGURE VALUE UNIT GOAL MET: a line of the table and of the JSON
# (shown now on standard error, and in item order at the end).
row() {
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" "$6" \
	    >>"$work/rows"
	printf '  %-2s %-54s %9s %-5s %s\n' "$1" "$2" "$3" "$4" "$6" >&2
}

# pair N OUT WHAT: N timed runs of run_a (teec) and run_b (the reference),
# functions the caller defines around tm, in alternating order so drift
# hits both alike. Appends "ms_a ms_b rss_a" per repetition to OUT.
pair() {
	_n=$1 _out=$2 _what=$3 _i=0
	while [ $_i -lt "$_n" ]; do
		if [ $((_i % 2)) -eq 0 ]; then
			run_a
			_ma=$ms _ra=$rss _sa=$st
			run_b
		else
			run_b
			_mb=$ms _sb=$st
			run_a
			_ma=$ms _ra=$rss _sa=$st
			ms=$_mb st=$_sb
		fi
		[ "$_sa" = 0 ] || die "$_what: the teec run exited $_sa"
		[ "$st" = 0 ] || die "$_what: the reference run exited $st"
		echo "$_ma $ms $_ra" >>"$_out"
		_i=$((_i + 1))
	done
}

# host_build ARGS: a local attested build (its summary is not shown).
host_build() {
	"$bin/teec-host" build --local --quiet "$@" >/dev/null
}

# mkbundle DIR BYTES OUT: a real local build whose artifact is BYTES zero
# bytes (SHA-256 costs the same whatever the data); sets ms.
mkbundle() {
	mkdir -p "$1"
	printf '{"language":"c","input":{"cmd":"head -c %s /dev/zero >big"},"output":{"files":["big"]}}\n' \
	    "$2" >"$1/build.json"
	tm -n 1 -- "$bin/teec-host" build --local --quiet -C "$1" -o "$3"
	[ "$st" = 0 ] || die "the local build of a $2-byte artifact failed"
}

for f in "$bin/teec-verify" "$bin/teec-host" "$bb/bench-clock" \
    "$bb/bench-xfer" "$bb/bench-batch"; do
	[ -x "$f" ] || die "$f: missing (run make bench)"
done
for c in openssl taskset make cc; do
	command -v $c >/dev/null || die "$c: missing (make deps)"
done
[ -d "$fx/nitro/real" ] || die "$fx/nitro/real: missing (set TEEC_FIXTURES)"

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
kernel=$(uname -sr)
memk=$(awk '/^MemTotal/ { print $2 }' /proc/meminfo)
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
machine="$ncpu CPUs ($cpu), $kernel, $((memk / 1048576)) GiB RAM"
say "teec benchmarks: $machine; a few minutes..."

# --- 3. one genuine attestation document, whole process --------------------
doc=$fx/nitro/real/blocky-nitrite-2024-09-07.b64
rootpem=$root/trust-store/roots/aws-nitro-enclaves-root-g1.pem
if ! $py -c 'import cryptography, cbor2' 2>/dev/null &&
    [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
	say "  (installing python3-cryptography and python3-cbor2 for the reference)"
	apt-get install -y --no-install-recommends python3-cryptography \
	    python3-cbor2 >/dev/null 2>&1 || true
fi
havepy=no
$py -c 'import cryptography, cbor2' 2>/dev/null && havepy=yes
: >"$work/t3c"
: >"$work/t3p"
i=0
while [ $i -lt 4 ]; do
	tm -n 50 -w 3 -- "$bin/teec-verify" attestation "$doc"
	[ "$st" = 0 ] || die "teec-verify attestation: exit $st"
	echo "$ms" >>"$work/t3c"
	if [ $havepy = yes ]; then
		tm -n 8 -w 1 -- $py "$root/bench/verify_ref.py" "$rootpem" "$doc"
		[ "$st" = 0 ] || die "verify_ref.py: exit $st"
		echo "$ms" >>"$work/t3p"
	fi
	i=$((i + 1))
done
t3c=$(calc "$(median <"$work/t3c")")
row 3 "one document, teec-verify attestation, median" "$t3c" ms "<= 5" \
    "$(check "$t3c <= 5")"
if [ $havepy = yes ]; then
	t3p=$(calc "$(median <"$work/t3p")")
	r3=$(calc "$t3p / $t3c")
	row 3 "one document, Python reference / teec-verify" "$r3" x ">= 10" \
	    "$(check "$r3 >= 10")"
	row 3 "  Python reference (cryptography, cbor2), median" "$t3p" ms "" info
else
	row 3 "one document, Python reference / teec-verify" null x ">= 10" \
	    "not run: no python3-cryptography and python3-cbor2"
fi

# --- 4. a batch of documents in one process, on one core --------------------
set -- "$fx"/nitro/real/*.b64
ndist=$#
k=1
while [ $((k * ndist)) -lt 1000 ]; do
	for f in "$fx"/nitro/real/*.b64; do
		set -- "$@" "$f"
	done
	k=$((k + 1))
done
ndocs=$#
tm -n 5 -w 1 -- taskset -c 0 "$bin/teec-verify" attestation --allow-debug "$@"
[ "$st" = 0 ] || die "teec-verify attestation (batch): exit $st"
r4=$(calc "$ndocs / ($ms / 1000)")
row 4 "batch, $ndocs documents ($ndist distinct), one core" "$r4" doc/s \
    ">= 1000" "$(check "$r4 >= 1000")"
tm -n 5 -w 1 -- taskset -c 0 "$bin/teec-verify" attestation --allow-debug \
    "$fx"/nitro/real/*.b64
r4u=$(calc "$ndist / ($ms / 1000)")
row 4 "  the $ndist distinct documents once (no path repeats)" "$r4u" doc/s \
    "" info
# The ceiling: each document needs one ES384 verification at least.
ecv=$(taskset -c 0 openssl speed -seconds 1 ecdsap384 2>/dev/null |
    awk '/nistp384/ { v = $NF } END { print v + 0 }')
row 4 "  P-384 verifications/s, openssl speed, same core" "$(calc "$ecv")" \
    op/s "" info
# Bundles: teec-verify takes one per run, so bench-batch drives the library
# (bundle_verify with one path cache); 4 local builds of examples/hello.
i=0
while [ $i -lt 4 ]; do
	cp -R "$root/examples/hello" "$work/hb$i"
	host_build -C "$work/hb$i" -o "$work/hb$i.teec" ||
	    die "the local build of examples/hello failed"
	rm -rf "$work/hb$i"
	i=$((i + 1))
done
set --
i=0
while [ $i -lt 250 ]; do
	set -- "$@" "$work"/hb?.teec
	i=$((i + 1))
done
: >"$work/t4b"
: >"$work/t4n"
i=0
while [ $i -lt 3 ]; do
	taskset -c 0 "$bb/bench-batch" "$@" >>"$work/t4b" ||
	    die "bench-batch: a bundle did not verify"
	taskset -c 0 "$bb/bench-batch" -n "$@" >>"$work/t4n" ||
	    die "bench-batch -n: a bundle did not verify"
	i=$((i + 1))
done
row 4 "  $# bundles (4 distinct) in one process, path cache" \
    "$(calc "$(awk '{ print $3 }' "$work/t4b" | median)")" bdl/s "" info
row 4 "  the same without the path cache" \
    "$(calc "$(awk '{ print $3 }' "$work/t4n" | median)")" bdl/s "" info

# --- 1. bundle verification throughput, 1 GiB artifact ---------------------
b1=$work/b1.teec
mkbundle "$work/g1" $GiB "$b1"
tg1=$ms
rm -rf "$work/g1"
tm -n 1 -- openssl dgst -sha256 "$b1"                  # into the page cache
run_a() { tm -n 1 -- "$bin/teec-verify" bundle --dev "$b1"; }
run_b() { tm -n 1 -- openssl dgst -sha256 "$b1"; }
pair "$reps" "$work/t1" "bundle verification"
r1=$(calc "$(awk '{ print $1 / $2 }' "$work/t1" | median)")
size1=$(stat -c %s "$b1")
row 1 "1 GiB bundle: teec-verify bundle / openssl dgst -sha256" "$r1" x \
    "<= 1.10" "$(check "$r1 <= 1.10")"
row 1 "  teec-verify bundle, median" \
    "$(calc "$size1 / 1e6 / ($(awk '{ print $1 }' "$work/t1" | median) / 1000)")" \
    MB/s "" info
row 1 "  openssl dgst -sha256, median" \
    "$(calc "$size1 / 1e6 / ($(awk '{ print $2 }' "$work/t1" | median) / 1000)")" \
    MB/s "" info
row 1 "  the local build that made the 1 GiB bundle" "$(calc "$tg1 / 1000")" s \
    "" info

# --- 2. peak memory verifying the 1 GiB and a 4 GiB bundle ------------------
rss1=$(awk '{ print $3 }' "$work/t1" | sort -n | tail -1)
row 2 "peak RSS, teec-verify bundle, 1 GiB artifact" \
    "$(calc "$rss1 / 1024")" MiB "<= 16" "$(check "$rss1 <= 16384")"
free=$(df -Pk "$work" | awk 'NR == 2 { print $4 }')
if [ "$free" -gt $((13 * 1048576)) ]; then
	b4=$work/b4.teec
	mkbundle "$work/g4" $((4 * GiB)) "$b4"
	tg4=$ms
	rm -rf "$work/g4"
	tm -n 2 -- "$bin/teec-verify" bundle --dev "$b4"
	[ "$st" = 0 ] || die "teec-verify bundle (4 GiB): exit $st"
	rm -f "$b4"
	row 2 "peak RSS, teec-verify bundle, 4 GiB artifact" \
	    "$(calc "$rss / 1024")" MiB "<= 16" \
	    "$(check "$rss <= 16384 && $rss <= $rss1 + 1024")"
	row 2 "  the local build that made the 4 GiB bundle" \
	    "$(calc "$tg4 / 1000")" s "" info
else
	row 2 "peak RSS, teec-verify bundle, 4 GiB artifact" null MiB "<= 16" \
	    "not run: under 13 GiB free in ${TMPDIR:-/tmp}"
fi

# --- 6. source and bundle streaming over the local transport -----------------
# A 1 GiB tree (1024 files of 1 MiB) packed as teec-host packs it, and the
# 1 GiB bundle of item 1, each streamed as teec-host and the worker do
# (bench-xfer -k: DATA frames over a socketpair between two processes,
# the receiver hashing and checking; written to /dev/null).
mkdir -p "$work/tree"
head -c 1048576 /dev/urandom >"$work/blk"
d=0
while [ $d -lt 16 ]; do
	mkdir "$work/tree/d$d"
	f=0
	while [ $f -lt 64 ]; do
		cp "$work/blk" "$work/tree/d$d/f$f"
		f=$((f + 1))
	done
	d=$((d + 1))
done
read -r _ _ mbs <<EOF
$("$bb/bench-xfer" pack "$work/tree" "$work/tree.tar")
EOF
row 6 "  pack the 1 GiB tree (tar and SHA-256, to a file)" "$(calc "$mbs")" \
    MB/s "" info
: >"$work/t6s"
: >"$work/t6b"
i=0
while [ $i -lt "$reps" ]; do
	"$bb/bench-xfer" -k source "$work/tree.tar" | awk '{ print $3 }' \
	    >>"$work/t6s"
	"$bb/bench-xfer" -k bundle "$b1" | awk '{ print $3 }' >>"$work/t6b"
	i=$((i + 1))
done
[ "$(wc -l <"$work/t6s")" -eq "$reps" ] || die "bench-xfer source failed"
[ "$(wc -l <"$work/t6b")" -eq "$reps" ] || die "bench-xfer bundle failed"
# The ceiling: each side hashes (receiver) or reads and sends every byte.
sha=$(openssl speed -seconds 1 -bytes 262144 -evp sha256 2>/dev/null |
    awk '/^sha256/ { v = $NF } END { sub(/k$/, "", v); print v / 1000 }')
row 6 "  SHA-256 MB/s of one core, openssl speed, 256 KiB" "$(calc "$sha")" \
    MB/s "" info
r6s=$(calc "$(median <"$work/t6s")")
r6b=$(calc "$(median <"$work/t6b")")
row 6 "source stream, host to worker (1 GiB tar), median" "$r6s" MB/s \
    ">= 1000" "$(check "$r6s >= 1000")"
row 6 "bundle stream, worker to host (1 GiB bundle), median" "$r6b" MB/s \
    ">= 1000" "$(check "$r6b >= 1000")"
rm -f "$b1" "$work/tree.tar"
# The whole source path of a real build (pack, stream, unpack), less the
# same build of an empty tree.
printf '{"language":"c","input":{"cmd":"echo ok >out.txt"},"output":{"files":["out.txt"]}}\n' \
    >"$work/tree/build.json"
mkdir -p "$work/empty"
cp "$work/tree/build.json" "$work/empty/"
tm -n 1 -- "$bin/teec-host" build --local --quiet -C "$work/tree" \
    -o "$work/tree.teec"
[ "$st" = 0 ] || die "the 1 GiB tree build failed"
tt=$ms
tm -n 3 -- "$bin/teec-host" build --local --quiet -C "$work/empty" \
    -o "$work/empty.teec"
row 6 "  whole local build of the 1 GiB tree, less an empty one" \
    "$(calc "$GiB / 1e6 / (($tt - $ms) / 1000)")" MB/s "" info
rm -rf "$work/tree" "$work/tree.teec"

# --- 5. local attested builds against the bare build command -----------------
# examples/hello, and teec's own committed tree (make -j$ncpu all).
cp -R "$root/examples/hello" "$work/hello"
cp -R "$root/examples/hello" "$work/hello-bare"
run_a() {
	tm -n 1 -- "$bin/teec-host" build --local --quiet -C "$work/hello" \
	    -o "$work/hello.teec"
}
run_b() {
	make -s -C "$work/hello-bare" clean >/dev/null 2>&1
	# shellcheck disable=SC2016 # expanded by the inner shell
	tm -n 1 -- sh -c 'cd "$0" && exec make' "$work/hello-bare"
}
pair $((reps + 2)) "$work/t5h" "examples/hello"
ta=$(awk '{ print $1 }' "$work/t5h" | median)
tb=$(awk '{ print $2 }' "$work/t5h" | median)
row 5 "examples/hello: attested / bare make ($(calc "$tb / 1000") s)" \
    "$(calc "$ta / $tb")" x "<= 1.05+0.3s" \
    "$(check "$ta <= 1.05 * $tb + 300")"
row 5 "  examples/hello: attested build, median" "$(calc "$ta / 1000")" s "" \
    info
mkdir -p "$work/teec" "$work/teec-bare"
if git -C "$root" rev-parse HEAD >/dev/null 2>&1; then
	git -C "$root" archive --format=tar HEAD | tar -xf - -C "$work/teec"
else
	(cd "$root" && tar -cf - --exclude=./.git --exclude=./build \
	    --exclude=./build-asan --exclude=./build-fuzz --exclude=./bin \
	    --exclude=./bench/results.json .) | tar -xf - -C "$work/teec"
fi
cp -R "$work/teec/." "$work/teec-bare"
printf '{"language":"c","input":{"cmd":"make -j%s all"},"output":{"files":["bin/teec-verify","bin/teec-host","bin/teec-enclave"]}}\n' \
    "$ncpu" >"$work/teec.json"
run_a() {
	tm -n 1 -- "$bin/teec-host" build --local --quiet -C "$work/teec" \
	    --config "$work/teec.json" -o "$work/teec.teec"
}
run_b() {
	make -s -C "$work/teec-bare" clean >/dev/null 2>&1
	# shellcheck disable=SC2016 # expanded by the inner shell
	tm -n 1 -- sh -c 'cd "$0" && exec make -j"$1" all' "$work/teec-bare" \
	    "$ncpu"
}
pair 3 "$work/t5t" "teec's own tree"
ta=$(awk '{ print $1 }' "$work/t5t" | median)
tb=$(awk '{ print $2 }' "$work/t5t" | median)
row 5 "teec's tree: attested / bare make -j$ncpu ($(calc "$tb / 1000") s)" \
    "$(calc "$ta / $tb")" x "<= 1.05+0.3s" \
    "$(check "$ta <= 1.05 * $tb + 300")"

# --- the table, in item order, and results.json --------------------------------
sort -s -t "$(printf '\t')" -k1,1n "$work/rows" >"$work/sorted"
echo ""
echo "teec benchmarks, $started, commit $commit"
echo "$machine; medians of $reps side-by-side repetitions"
echo ""
printf '  %-2s %-54s %9s %-5s %-12s %s\n' "#" figure value unit goal met
awk -F '\t' '{ printf "  %-2s %-54s %9s %-5s %-12s %s\n", $1, $2, $3, $4, $5, $6 }' \
    "$work/sorted"
{
	printf '{\n  "date": "%s",\n  "commit": "%s",\n' "$started" "$commit"
	# shellcheck disable=SC1003 # tr deletes quotes and backslashes
	printf '  "machine": {"nproc": %s, "cpu": "%s", "kernel": "%s", "mem_gib": %s},\n' \
	    "$ncpu" "$(printf '%s' "$cpu" | tr -d '"\\')" "$kernel" \
	    "$((memk / 1048576))"
	printf '  "repetitions": %s,\n  "results": [\n' "$reps"
	awk -F '\t' '{
		v = ($3 == "null" || $3 == "") ? "null" : $3
		m = ($6 == "yes") ? "true" : ($6 == "no") ? "false" : "null"
		gsub(/"/, "", $2); sub(/^ +/, "", $2)
		printf "%s    {\"item\": %s, \"figure\": \"%s\", \"value\": %s, \"unit\": \"%s\", \"goal\": %s, \"met\": %s%s}",
		    (NR > 1 ? ",\n" : ""), $1, $2, v, $4,
		    ($5 == "" ? "null" : "\"" $5 "\""), m,
		    ($6 != "yes" && $6 != "no" && $6 != "info") ? ", \"note\": \"" $6 "\"" : ""
	} END { printf "\n" }' "$work/sorted"
	printf '  ]\n}\n'
} >"$results.tmp"
mv "$results.tmp" "$results"
echo ""
echo "written: $results"

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
# bench-xfer, bench-batch), TEEC_FIXTURES (../shared/fixtures), BENCH_REPS (5), TMPDIR
# (the 1 and 4 GiB bundles are built there: about 14 GiB free).
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

# bench-clock prints "median_ms min_ms max_ms maxrss_kib status".
clk() { "$bb/bench-clock" "$@"; }

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

# row ITEM FIGURE VALUE UNIT GOAL MET: a line of the table and of the JSON.
row() {
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" "$6" \
	    >>"$work/rows"
	printf '  %-2s %-54s %9s %-5s %-9s %s\n' "$1" "$2" "$3" "$4" "$5" "$6"
}

# pair N OUT WHAT: N timed runs of run_a and run_b (functions the caller
# defines, each printing one bench-clock line), in alternating order so
# drift hits both alike. Appends "ms_a ms_b rss_a" per run to OUT.
pair() {
	_n=$1 _out=$2 _what=$3 _i=0
	while [ $_i -lt "$_n" ]; do
		if [ $((_i % 2)) -eq 0 ]; then
			_la=$(run_a)
			_lb=$(run_b)
		else
			_lb=$(run_b)
			_la=$(run_a)
		fi
		set -- $_la
		_ma=$1 _ra=$4
		[ "$5" = 0 ] || die "$_what: the teec run exited $5"
		set -- $_lb
		[ "$5" = 0 ] || die "$_what: the reference run exited $5"
		echo "$_ma $1 $_ra" >>"$_out"
		_i=$((_i + 1))
	done
}

# host_build ARGS: a local attested build (its summary is not shown).
host_build() {
	"$bin/teec-host" build --local --quiet "$@" >/dev/null
}

# mkbundle DIR BYTES OUT: a real local build whose artifact is BYTES zero
# bytes (SHA-256 costs the same whatever the data).
mkbundle() {
	mkdir -p "$1"
	printf '{"language":"c","input":{"cmd":"head -c %s /dev/zero >big"},"output":{"files":["big"]}}\n' \
	    "$2" >"$1/build.json"
	set -- $(clk -n 1 -- "$bin/teec-host" build --local --quiet -C "$1" -o "$3")
	[ "$5" = 0 ] || die "the local build of a $2-byte artifact failed"
	echo "$1"
}

for f in "$bin/teec-verify" "$bin/teec-host" "$bb/bench-clock" "$bb/bench-xfer" \
    "$bb/bench-batch"; do
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
echo "teec benchmarks, $started: $ncpu CPUs ($cpu), $kernel,"
echo "$((memk / 1048576)) GiB RAM, commit $commit; $reps repetitions per ratio"
echo ""
printf '  %-2s %-54s %9s %-5s %-9s %s\n' "#" figure value unit goal met

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
	set -- $(clk -n 50 -w 3 -- "$bin/teec-verify" attestation "$doc")
	[ "$5" = 0 ] || die "teec-verify attestation: exit $5"
	echo "$1" >>"$work/t3c"
	if [ $havepy = yes ]; then
		set -- $(clk -n 8 -w 1 -- $py "$root/bench/verify_ref.py" "$rootpem" "$doc")
		[ "$5" = 0 ] || die "verify_ref.py: exit $5"
		echo "$1" >>"$work/t3p"
	fi
	i=$((i + 1))
done
t3c=$(calc "$(median <"$work/t3c")")
row 3 "one document, teec-verify attestation (median)" "$t3c" ms "<= 5" \
    "$(check "$t3c <= 5")"
if [ $havepy = yes ]; then
	t3p=$(calc "$(median <"$work/t3p")")
	r3=$(calc "$t3p / $t3c")
	row 3 "one document, Python reference / teec-verify" "$r3" x ">= 10" \
	    "$(check "$r3 >= 10")"
	row 3 "  Python reference (cryptography, cbor2; median)" "$t3p" ms "" info
else
	row 3 "one document, Python reference / teec-verify" null x ">= 10" \
	    "not run: no python3-cryptography and python3-cbor2"
fi

# --- 4. a batch of documents in one process, on one core --------------------
set -- "$fx"/nitro/real/*.b64
ndist=$#
: >"$work/list"
i=0
while [ $i -lt $(((1000 + ndist - 1) / ndist)) ]; do
	printf '%s\n' "$@" >>"$work/list"
	i=$((i + 1))
done
ndocs=$(wc -l <"$work/list")
set -- $(clk -n 3 -w 1 -- taskset -c 0 "$bin/teec-verify" attestation \
    --allow-debug $(cat "$work/list"))
[ "$5" = 0 ] || die "teec-verify attestation (batch): exit $5"
r4=$(calc "$ndocs / ($1 / 1000)")
row 4 "batch, $ndocs documents ($ndist distinct), one core" "$r4" doc/s \
    ">= 1000" "$(check "$r4 >= 1000")"
set -- $(clk -n 5 -w 1 -- taskset -c 0 "$bin/teec-verify" attestation \
    --allow-debug "$fx"/nitro/real/*.b64)
r4u=$(calc "$ndist / ($1 / 1000)")
row 4 "  the $ndist distinct documents once (no path repeats)" "$r4u" doc/s \
    "" info
# Bundles: teec-verify takes one per run, so bench-batch drives the library
# (bundle_verify with one path cache); 4 local builds of examples/hello.
: >"$work/blist"
i=0
while [ $i -lt 4 ]; do
	cp -R "$root/examples/hello" "$work/hb$i"
	host_build -C "$work/hb$i" -o "$work/hb$i.teec" ||
	    die "the local build of examples/hello failed"
	i=$((i + 1))
done
i=0
while [ $i -lt 250 ]; do
	printf '%s\n' "$work"/hb?.teec >>"$work/blist"
	i=$((i + 1))
done
: >"$work/t4b"
: >"$work/t4n"
i=0
while [ $i -lt 3 ]; do
	taskset -c 0 "$bb/bench-batch" $(cat "$work/blist") >>"$work/t4b" ||
	    die "bench-batch: a bundle did not verify"
	taskset -c 0 "$bb/bench-batch" -n $(cat "$work/blist") >>"$work/t4n" ||
	    die "bench-batch -n: a bundle did not verify"
	i=$((i + 1))
done
row 4 "  1000 bundles (4 distinct) in one process, path cache" \
    "$(awk '{ print $3 }' "$work/t4b" | median)" bdl/s "" info
row 4 "  the same without the path cache" \
    "$(awk '{ print $3 }' "$work/t4n" | median)" bdl/s "" info
rm -rf "$work"/hb?

# --- 1. bundle verification throughput, 1 GiB artifact ---------------------
b1=$work/b1.teec
tg1=$(mkbundle "$work/g1" $GiB "$b1")
clk -n 1 -- openssl dgst -sha256 "$b1" >/dev/null       # into the page cache
run_a() { clk -n 1 -- "$bin/teec-verify" bundle --dev "$b1"; }
run_b() { clk -n 1 -- openssl dgst -sha256 "$b1"; }
pair "$reps" "$work/t1" "bundle verification"
r1=$(awk '{ print $1 / $2 }' "$work/t1" | median)
r1=$(calc "$r1")
t1v=$(awk '{ print $1 }' "$work/t1" | median)
t1o=$(awk '{ print $2 }' "$work/t1" | median)
row 1 "1 GiB bundle: teec-verify bundle / openssl dgst -sha256" "$r1" x \
    "<= 1.10" "$(check "$r1 <= 1.10")"
row 1 "  teec-verify bundle (median)" \
    "$(calc "$(stat -c %s "$b1") / 1e6 / ($t1v / 1000)")" MB/s "" info
row 1 "  openssl dgst -sha256 (median)" \
    "$(calc "$(stat -c %s "$b1") / 1e6 / ($t1o / 1000)")" MB/s "" info
row 1 "  the local build that made the 1 GiB bundle" "$(calc "$tg1 / 1000")" s \
    "" info

# --- 2. peak memory verifying the 1 GiB and a 4 GiB bundle ------------------
rss1=$(awk '{ print $3 }' "$work/t1" | sort -n | tail -1)
row 2 "peak RSS, teec-verify bundle, 1 GiB artifact" \
    "$(calc "$rss1 / 1024")" MiB "<= 16" "$(check "$rss1 <= 16384")"
free=$(df -Pk "$work" | awk 'NR == 2 { print $4 }')
if [ "$free" -gt $((13 * 1048576)) ]; then
	b4=$work/b4.teec
	tg4=$(mkbundle "$work/g4" $((4 * GiB)) "$b4")
	rm -rf "$work/g4"
	set -- $(clk -n 2 -- "$bin/teec-verify" bundle --dev "$b4")
	[ "$5" = 0 ] || die "teec-verify bundle (4 GiB): exit $5"
	rss4=$4
	rm -f "$b4"
	row 2 "peak RSS, teec-verify bundle, 4 GiB artifact" \
	    "$(calc "$rss4 / 1024")" MiB "<= 16" \
	    "$(check "$rss4 <= 16384 && $rss4 <= $rss1 + 1024")"
	row 2 "  the local build that made the 4 GiB bundle" \
	    "$(calc "$tg4 / 1000")" s "" info
else
	row 2 "peak RSS, teec-verify bundle, 4 GiB artifact" null MiB "<= 16" \
	    "not run: under 13 GiB free in ${TMPDIR:-/tmp}"
fi

# --- 6. source and bundle streaming over the local transport -----------------
# A 1 GiB tree (1024 files of 1 MiB), packed as teec-host packs it; the
# bundle direction streams the 1 GiB bundle of item 1.
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
set -- $("$bb/bench-xfer" pack "$work/tree" "$work/tree.tar")
row 6 "  pack the 1 GiB tree (tar and SHA-256, to a file)" "$(calc "$3")" MB/s \
    "" info
: >"$work/t6s"
: >"$work/t6b"
i=0
while [ $i -lt "$reps" ]; do
	set -- $("$bb/bench-xfer" -k source "$work/tree.tar")
	echo "$3" >>"$work/t6s"
	set -- $("$bb/bench-xfer" -k bundle "$b1")
	echo "$3" >>"$work/t6b"
	i=$((i + 1))
done
r6s=$(median <"$work/t6s")
r6b=$(median <"$work/t6b")
row 6 "source stream, host to worker (1 GiB tar)" "$(calc "$r6s")" MB/s \
    ">= 1000" "$(check "$r6s >= 1000")"
row 6 "bundle stream, worker to host (1 GiB bundle)" "$(calc "$r6b")" MB/s \
    ">= 1000" "$(check "$r6b >= 1000")"
rm -f "$b1" "$work/tree.tar"
rm -rf "$work/g1"
# The whole source path of a real build (pack, stream, unpack), less the
# same build of an empty tree.
printf '{"language":"c","input":{"cmd":"echo ok >out.txt"},"output":{"files":["out.txt"]}}\n' \
    >"$work/tree/build.json"
mkdir -p "$work/empty"
cp "$work/tree/build.json" "$work/empty/"
set -- $(clk -n 1 -- "$bin/teec-host" build --local --quiet -C "$work/tree" \
    -o "$work/tree.teec")
[ "$5" = 0 ] || die "the 1 GiB tree build failed"
tt=$1
set -- $(clk -n 3 -- "$bin/teec-host" build --local --quiet -C "$work/empty" \
    -o "$work/empty.teec")
row 6 "  whole local build of the 1 GiB tree, less an empty one" \
    "$(calc "$GiB / 1e6 / (($tt - $1) / 1000)")" MB/s "" info
rm -rf "$work/tree" "$work/tree.teec"

# --- 5. local attested builds against the bare build command -----------------
# examples/hello, and teec's own committed tree (make -j$ncpu all).
cp -R "$root/examples/hello" "$work/hello"
cp -R "$root/examples/hello" "$work/hello-bare"
run_a() { clk -n 1 -- "$bin/teec-host" build --local --quiet -C "$work/hello" \
    -o "$work/hello.teec"; }
run_b() {
	make -s -C "$work/hello-bare" clean >/dev/null 2>&1
	clk -n 1 -- sh -c 'cd "$0" && exec make' "$work/hello-bare"
}
pair $((reps + 2)) "$work/t5h" "examples/hello"
ta=$(awk '{ print $1 }' "$work/t5h" | median)
tb=$(awk '{ print $2 }' "$work/t5h" | median)
r5h=$(calc "$ta / $tb")
row 5 "examples/hello: attested / bare make ($(calc "$tb / 1000") s)" "$r5h" x \
    "<= 1.05+0.3s" "$(check "$ta <= 1.05 * $tb + 300")"
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
run_a() { clk -n 1 -- "$bin/teec-host" build --local --quiet -C "$work/teec" \
    --config "$work/teec.json" -o "$work/teec.teec"; }
run_b() {
	make -s -C "$work/teec-bare" clean >/dev/null 2>&1
	clk -n 1 -- sh -c 'cd "$0" && exec make -j"$1" all' "$work/teec-bare" "$ncpu"
}
pair 3 "$work/t5t" "teec's own tree"
ta=$(awk '{ print $1 }' "$work/t5t" | median)
tb=$(awk '{ print $2 }' "$work/t5t" | median)
r5t=$(calc "$ta / $tb")
row 5 "teec's tree: attested / bare make -j$ncpu ($(calc "$tb / 1000") s)" \
    "$r5t" x "<= 1.05+0.3s" "$(check "$ta <= 1.05 * $tb + 300")"

# --- results.json --------------------------------------------------------------
{
	printf '{\n  "date": "%s",\n  "commit": "%s",\n' "$started" "$commit"
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
	} END { printf "\n" }' "$work/rows"
	printf '  ]\n}\n'
} >"$results.tmp"
mv "$results.tmp" "$results"
echo ""
echo "written: $results"

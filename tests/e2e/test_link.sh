#!/bin/sh
# SPDX-License-Identifier: ISC
# The programs that only read bundles do not load libarchive (and with it
# libxml2, ICU, libstdc++ and the compressors) on every run: they read
# tar with verify/tar.c. Only the writers, teec-enclave and teec-host,
# link it.
. tests/e2e/lib.sh

if ! command -v ldd >/dev/null 2>&1; then
	skip verify_no_libarchive "no ldd"
	skip report_no_libarchive "no ldd"
	exit 0
fi
for p in verify report; do
	f="$TEEC_BIN/teec-$p"
	if ! ldd "$f" >"$T/ldd.$p" 2>&1; then
		fail "${p}_no_libarchive" "ldd $f: $(head -c 200 "$T/ldd.$p")"
	elif grep -qE 'libarchive|libxml2|libicu' "$T/ldd.$p"; then
		# (libstdc++ is not checked: the UBSan runtime brings it)
		fail "${p}_no_libarchive" "$(grep -E 'libarchive|libxml2|libicu' \
		    "$T/ldd.$p" | awk '{ print $1 }' | tr '\n' ' ')"
	else
		pass "${p}_no_libarchive"
	fi
done
# the check is not vacuous: the writer does link it
if grep -q archive_write_new "$TEEC_BIN/teec-enclave" 2>/dev/null ||
    ldd "$TEEC_BIN/teec-enclave" | grep -q libarchive; then
	pass enclave_links_libarchive
else
	fail enclave_links_libarchive "teec-enclave has no libarchive: is ldd working?"
fi

# `make` alone builds the programs and nothing else (the demo is `make demo`).
if command -v make >/dev/null 2>&1; then
	top=$(pwd)
	if ! env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make -n -C "$top" \
	    --no-print-directory >"$T/make-n" 2>&1; then
		fail make_default_builds "make -n: $(head -c 200 "$T/make-n")"
	elif grep -q 'demo\.sh' "$T/make-n"; then
		fail make_default_builds "plain make would run the demo"
	else
		pass make_default_builds
	fi
	env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make -n -p -C "$top" \
	    --no-print-directory 2>/dev/null | grep -q '^\.DEFAULT_GOAL := all$' &&
	    pass make_default_goal_all || fail make_default_goal_all "the default goal is not all"
else
	skip make_default_builds "no make"
	skip make_default_goal_all "no make"
fi

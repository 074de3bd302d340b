#!/bin/sh
# SPDX-License-Identifier: ISC
# An installed tree finds its trust store beside its bin/ whatever the
# prefix; `make install` lays out programs, manuals and the trust store.
. tests/e2e/lib.sh
export HOME="$T/home" XDG_CONFIG_HOME="$T/home/.config"
unset TEEC_TRUST_STORE
mkdir -p "$HOME"
P="$T/prefix"
mkdir -p "$P/bin" "$P/share/teec"
cp "$TEEC_BIN/teec-verify" "$P/bin/"
cp -R trust-store "$P/share/teec/trust-store"
printf 'not a document' >"$T/garbage"

# exit 1 (examined, does not hold) proves a store was found; 2 would not
expect_exit relocated_prefix_finds_store 1 "$P/bin/teec-verify" attestation "$T/garbage"
if have_fixtures; then
	expect_exit relocated_prefix_verifies_aws_document 0 "$P/bin/teec-verify" attestation \
	    "$NITRO/real/cape-js-2022-09-15.b64"
else
	skip relocated_prefix_verifies_aws_document "../shared/fixtures not found"
fi
rm -rf "$P/share"
if [ -d /etc/teec/trust-store ] || [ -d /usr/local/share/teec/trust-store ]; then
	skip no_store_exits_2 "a system trust store is installed on this machine"
else
	expect_exit no_store_exits_2 2 "$P/bin/teec-verify" attestation "$T/garbage"
	expect_grep no_store_says_so "no trust store found" "$T/err"
fi

# make install into a staging directory (the programs are already built)
if [ "$(cd "$TEEC_BIN/.." && pwd)" = "$(pwd)" ]; then
	if make -s install PREFIX=/usr DESTDIR="$T/stage" >"$T/out" 2>"$T/err"; then
		ok=1
		for f in usr/bin/teec-verify usr/bin/teec-report usr/bin/teec-host \
		    usr/bin/teec-enclave usr/share/man/man1/teec-verify.1 \
		    usr/share/man/man5/teec-bundle.5 usr/share/man/man5/build.json.5 \
		    usr/share/teec/trust-store/roots/aws-nitro-enclaves-root-g1.pem \
		    usr/share/teec/trust-store/roots/aws-nitro-enclaves-root-g1.pem.sha256 \
		    usr/share/teec/trust-store/images.json; do
			[ -f "$T/stage/$f" ] || { ok=0; fail make_install_layout "no $f"; break; }
		done
		[ $ok -eq 1 ] && pass make_install_layout
		expect_exit staged_install_runs 1 "$T/stage/usr/bin/teec-verify" attestation "$T/garbage"
	else
		fail make_install_layout "$(head -c 300 "$T/err")"
	fi
else
	skip make_install_layout "programs are not the tree's bin/ (sanitizer build)"
	skip staged_install_runs "programs are not the tree's bin/ (sanitizer build)"
fi

#!/bin/sh
# SPDX-License-Identifier: ISC
# Install the Debian 12 packages teec needs to build and test, if missing.
set -eu
PKGS="build-essential pkg-config libssl-dev libcjson-dev libarchive-dev
libcmocka-dev openssl mandoc clang libclang-rt-14-dev curl bubblewrap
ca-certificates git shellcheck jq"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps: installing$missing" >&2
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null

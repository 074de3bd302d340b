# SPDX-License-Identifier: ISC
# Synthetic enclave image files (EIF) for the end-to-end tests, in POSIX sh
# with od, dd and openssl only: a second implementation of the layout and
# the PCRs, independent of teec's C code. Sourced by tests/e2e/test_*.sh and
# by the fake nitro-cli of test_images.sh.
#
# Layout (aws-nitro-enclaves-image-format src/defs/mod.rs, src/utils/mod.rs):
# a 548-byte header (".eif", u16 version, u16 flags, u64 default_mem,
# u64 default_cpus, u16 reserved, u16 num_sections, u64 offsets[32],
# u64 sizes[32], u32 unused, u32 crc32), then per section a 12-byte header
# (u16 type, u16 flags, u64 size) and its data; big-endian; the CRC-32 covers
# everything but its own 4 bytes.

# _eif_oct N: the octal escape of byte N, for printf.
_eif_oct() {
	printf '\\%d%d%d' $(($1 / 64)) $(($1 / 8 % 8)) $(($1 % 8))
}

# eif_be BYTES N: N as a BYTES-byte big-endian integer, on stdout.
eif_be() {
	_n=$1 _v=$2 _s=""
	while [ "$_n" -gt 0 ]; do
		_n=$((_n - 1))
		_s="$_s$(_eif_oct $(((_v >> (_n * 8)) & 255)))"
	done
	# shellcheck disable=SC2059
	printf "$_s"
}

# eif_crc32 < FILE: the CRC-32/ISO-HDLC of standard input, in decimal.
eif_crc32() {
	_c=4294967295
	for _b in $(od -An -v -tu1); do
		_c=$((_c ^ _b))
		_i=0
		while [ $_i -lt 8 ]; do
			if [ $((_c & 1)) -eq 1 ]; then
				_c=$(((_c >> 1) ^ 3988292384))
			else
				_c=$((_c >> 1))
			fi
			_i=$((_i + 1))
		done
	done
	echo $((_c ^ 4294967295))
}

# eif_u8_array FILE: FILE's bytes as serde_cbor writes a Vec<u8>: a CBOR
# array of unsigned integers (RFC 8949 major types 4 and 0).
eif_u8_array() {
	_len=$(wc -c <"$1" | tr -d ' ')
	if [ "$_len" -lt 24 ]; then
		eif_be 1 $((128 + _len))
	elif [ "$_len" -lt 256 ]; then
		eif_be 1 152; eif_be 1 "$_len"
	else
		eif_be 1 153; eif_be 2 "$_len"
	fi
	_s=""
	for _b in $(od -An -v -tu1 "$1"); do
		if [ "$_b" -lt 24 ]; then
			_s="$_s$(_eif_oct "$_b")"
		else
			_s="$_s\\030$(_eif_oct "$_b")"
		fi
	done
	# shellcheck disable=SC2059
	printf "$_s"
}

# eif_signature CERT.pem COSEFILE: the signature section, one PcrSignature
# {signing_certificate, signature} in a CBOR array, on stdout.
eif_signature() {
	eif_be 1 129; eif_be 1 162
	eif_be 1 115; printf 'signing_certificate'
	eif_u8_array "$1"
	eif_be 1 105; printf 'signature'
	eif_u8_array "$2"
}

# eif_make OUT VERSION TYPE:FILE...: an EIF with these sections in order
# (types: 1 kernel, 2 cmdline, 3 ramdisk, 4 signature, 5 metadata).
eif_make() {
	_out=$1 _ver=$2
	shift 2
	_body="$_out.body" _tab="$_out.tab"
	: >"$_body"
	_off=548 _num=0 _offs="" _sizes=""
	for _sec in "$@"; do
		_type=${_sec%%:*} _file=${_sec#*:}
		_size=$(wc -c <"$_file" | tr -d ' ')
		_offs="$_offs $_off" _sizes="$_sizes $_size"
		{ eif_be 2 "$_type"; eif_be 2 0; eif_be 8 "$_size"; cat "$_file"; } >>"$_body"
		_off=$((_off + 12 + _size)) _num=$((_num + 1))
	done
	{
		printf '.eif'
		eif_be 2 "$_ver"; eif_be 2 0
		eif_be 8 1073741824; eif_be 8 2
		eif_be 2 0; eif_be 2 "$_num"
		_k=0
		for _o in $_offs; do eif_be 8 "$_o"; _k=$((_k + 1)); done
		while [ $_k -lt 32 ]; do eif_be 8 0; _k=$((_k + 1)); done
		_k=0
		for _z in $_sizes; do eif_be 8 "$_z"; _k=$((_k + 1)); done
		while [ $_k -lt 32 ]; do eif_be 8 0; _k=$((_k + 1)); done
		eif_be 4 0
	} >"$_tab"
	_crc=$(cat "$_tab" "$_body" | eif_crc32)
	{ cat "$_tab"; eif_be 4 "$_crc"; cat "$_body"; } >"$_out"
	rm -f "$_body" "$_tab"
}

# eif_pcr FILE...: SHA-384(48 zero bytes || SHA-384(the files' bytes)), hex.
eif_pcr() {
	[ $# -gt 0 ] || set -- /dev/null
	{ head -c 48 /dev/zero; cat "$@" | openssl dgst -sha384 -binary; } |
	    openssl dgst -sha384 -r | cut -d' ' -f1
}

# eif_pcr8 CERT.pem: the PCR of the certificate's DER.
eif_pcr8() {
	{ head -c 48 /dev/zero; openssl x509 -in "$1" -outform DER |
	    openssl dgst -sha384 -binary; } | openssl dgst -sha384 -r | cut -d' ' -f1
}

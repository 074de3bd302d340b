# SPDX-License-Identifier: ISC
# teec: one plain Makefile. `make` builds bin/, `make check` runs every test.

PREFIX   ?= /usr/local
BINDIR   ?= $(PREFIX)/bin
MANDIR   ?= $(PREFIX)/share/man
DATADIR  ?= $(PREFIX)/share/teec
VERSION  := 0.1.0

CC       ?= cc
PKG      ?= pkg-config
PKGS     := libssl libcrypto libcjson libarchive
B        ?= build
BIN      ?= bin

WARN     := -Wall -Wextra -Wformat=2 -Wshadow -Wpointer-arith -Wstrict-prototypes \
            -Wmissing-prototypes -Wvla -Wno-unused-parameter
HARDEN   := -fstack-protector-strong -fPIE
OPT      ?= -O2 -g -D_FORTIFY_SOURCE=3
CFLAGS   ?=
CPPFLAGS += -I. -D_GNU_SOURCE -DTEEC_VERSION=\"$(VERSION)\" \
            -DTEEC_DATADIR=\"$(DATADIR)\"
ALL_CFLAGS = -std=gnu11 $(OPT) $(WARN) $(HARDEN) $(shell $(PKG) --cflags $(PKGS)) $(CFLAGS)
LDFLAGS  += -pie -Wl,-z,relro,-z,now
# --as-needed: a program records only the libraries it uses (teec-verify
# and teec-report read tar themselves and do not load libarchive). In
# LDLIBS, before the libraries, so that a LDFLAGS given on the command line
# (asan-check) keeps it.
LDLIBS   += -Wl,--as-needed $(shell $(PKG) --libs $(PKGS))

# Every .c under these folders except the mains (teec-*.c) goes into one
# static library; each program links what it uses from it.
LIBDIRS  := common verify report trust-store enclave host
LIBSRC   := $(foreach d,$(LIBDIRS),$(filter-out $(d)/teec-%.c,$(wildcard $(d)/*.c)))
LIBOBJ   := $(LIBSRC:%.c=$(B)/%.o)
MAINS    := $(foreach d,$(LIBDIRS),$(wildcard $(d)/teec-*.c))
PROGS    := $(patsubst %.c,$(BIN)/%,$(notdir $(MAINS)))
UNITSRC  := $(wildcard tests/unit/test_*.c)
UNITS    := $(UNITSRC:tests/unit/%.c=$(B)/tests/%)
MANPAGES := $(wildcard man/*.[1-8])

.DEFAULT_GOAL := all

.PHONY: all deps demo check unit e2e asan asan-check fuzz fuzz-run lint install clean bench

all: $(PROGS)

demo: all
	sh scripts/demo.sh

deps:
	sh scripts/deps.sh

$(B)/%.o: %.c $(wildcard */*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(B)/libteec.a: $(LIBOBJ)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

$(BIN)/%: $(B)/libteec.a
	@mkdir -p $(BIN)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(filter %/$*.c,$(MAINS)) $(B)/libteec.a $(LDLIBS)

$(B)/tests/%: tests/unit/%.c $(wildcard tests/unit/*.h) $(B)/libteec.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(shell $(PKG) --cflags cmocka) $(LDFLAGS) -o $@ $< \
	    $(B)/libteec.a $(LDLIBS) $(shell $(PKG) --libs cmocka)

# Programs are rebuilt when their main changes too.
define prog_dep
$(BIN)/$(basename $(notdir $(1))): $(1)
endef
$(foreach m,$(MAINS),$(eval $(call prog_dep,$(m))))

check: all $(UNITS)
	TEEC_BIN=$(abspath $(BIN)) TEEC_UNITS=$(abspath $(B)/tests) sh tests/run.sh

# The whole suite again, built with AddressSanitizer and UBSan.
asan-check:
	$(MAKE) B=build-asan BIN=build-asan/bin OPT="-O1 -g" \
	    HARDEN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	    LDFLAGS="-fsanitize=address,undefined" check

FUZZERS := $(patsubst tests/fuzz/%.c,build-fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZFLAGS := -std=gnu11 -g -O1 -fsanitize=address,undefined $(shell $(PKG) --cflags $(PKGS))
FUZZOBJ  := $(LIBSRC:%.c=build-fuzz/obj/%.o)
fuzz: $(FUZZERS)
build-fuzz/obj/%.o: %.c $(wildcard */*.h)
	@mkdir -p $(dir $@)
	clang $(CPPFLAGS) $(FUZZFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<
build-fuzz/libteec.a: $(FUZZOBJ)
	rm -f $@
	$(AR) rcs $@ $^
build-fuzz/%: tests/fuzz/%.c build-fuzz/libteec.a
	clang $(CPPFLAGS) $(FUZZFLAGS) -fsanitize=fuzzer -o $@ $< build-fuzz/libteec.a $(LDLIBS)

# A short run of every fuzzer over its seeds (CI).
fuzz-run: fuzz
	sh tests/fuzz/run.sh 20

# Benchmarks (bench/run.sh): a few minutes, not part of check. Prints a
# table and writes bench/results.json.
BENCHSRC := $(wildcard bench/*.c)
BENCHBIN := $(BENCHSRC:bench/%.c=$(B)/bench/bench-%)
$(B)/bench/bench-%: bench/%.c $(B)/libteec.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libteec.a $(LDLIBS)

bench: all $(BENCHBIN)
	TEEC_BIN=$(abspath $(BIN)) TEEC_BENCH_BIN=$(abspath $(B)/bench) sh bench/run.sh

lint:
	mandoc -Tlint -Wwarning $(MANPAGES)

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
	    $(DESTDIR)$(MANDIR)/man7 $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(DATADIR)/trust-store/roots
	install -m 755 $(PROGS) $(DESTDIR)$(BINDIR)
	for m in $(MANPAGES); do s=$${m##*.}; install -m 644 $$m $(DESTDIR)$(MANDIR)/man$$s/; done
	install -m 644 trust-store/roots/*.pem trust-store/roots/*.pem.sha256 \
	    $(DESTDIR)$(DATADIR)/trust-store/roots/
	install -m 644 trust-store/images.json $(DESTDIR)$(DATADIR)/trust-store/

clean:
	rm -rf build build-asan build-fuzz bin

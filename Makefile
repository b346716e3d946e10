# tafcard — build, test, sanitize, site, bench, install.   (GNU make)
#
#   make            build build/tafcard
#   make test       build everything, run every Criterion test binary
#   make sanitize   the same in build-san/ with ASan + UBSan
#   make site       install missing libraries (as root), build, render site/
#   make diff BASE=REV  the site at git REV against the working tree's (Markdown)
#   make bench      benchmarks: bench/run.sh writes bench/results.md
#   make install    copy the binary to $(DESTDIR)$(PREFIX)/bin
#   make clean      remove build/, build-san/, site/
#
# Variables: CC, CFLAGS (default -O2 -g), CPPFLAGS, LDFLAGS, LDLIBS,
# BUILD (build tree, default build), SANFLAGS (extra compile+link flags),
# TESTS (test names to build/run, default all tests/test_*.c, e.g.
# TESTS='jsonnum jsoncmp'), TEST_ARGS (passed to each test binary),
# PANEL_DIR, PREFIX, DESTDIR, PKG_CONFIG, V=1 for full command lines.

.DEFAULT_GOAL := all
SHELL := /bin/sh
# Every rule is written out here. Without make's built-in rules a no-op
# make (part of every `make site`) no longer searches them for each
# header listed in the .d files: 35 -> 9 ms.
MAKEFLAGS += --no-builtin-rules
.SUFFIXES:

CC         ?= cc
CFLAGS     ?= -O2 -g
PKG_CONFIG ?= pkg-config
BUILD      ?= build
PREFIX     ?= /usr/local
DESTDIR    ?=
SANFLAGS   ?=
TEST_ARGS  ?= --jobs 2

LIB_PKGS  := libxml-2.0 cairo libcjson sqlite3 libcrypto zlib
TEST_PKGS := criterion

# pkg-config flags are expanded lazily (=), after deps-check has run.
PKG_CFLAGS       = $(shell $(PKG_CONFIG) --cflags $(LIB_PKGS) 2>/dev/null)
PKG_LIBS         = $(shell $(PKG_CONFIG) --libs $(LIB_PKGS) 2>/dev/null)
PKG_TEST_CFLAGS  = $(shell $(PKG_CONFIG) --cflags $(TEST_PKGS) 2>/dev/null)
PKG_TEST_LIBS    = $(shell $(PKG_CONFIG) --libs $(TEST_PKGS) 2>/dev/null)

WARN      := -Wall -Wextra -Werror
STD_FLAGS := -std=c17 $(WARN) -D_POSIX_C_SOURCE=200809L
INCLUDES  := -Isrc -Itests
ALL_CFLAGS = $(STD_FLAGS) -pthread $(INCLUDES) $(CPPFLAGS) $(CFLAGS) $(SANFLAGS) $(PKG_CFLAGS)
ALL_LDFLAGS = $(LDFLAGS) $(SANFLAGS) -pthread

# ---- sources --------------------------------------------------------------
# make's own wildcard and sort (bytewise, as LC_ALL=C sort): no processes
# for a no-op make, which `make site` runs every time
SRC      := $(sort $(wildcard src/*.c src/*/*.c))
OBJ      := $(SRC:%.c=$(BUILD)/obj/%.o)
MAIN_OBJ := $(BUILD)/obj/src/main.o
LIB_OBJ  := $(filter-out $(MAIN_OBJ),$(OBJ))
BIN      := $(BUILD)/tafcard

SUPPORT_SRC := $(sort $(wildcard tests/support/*.c))
SUPPORT_OBJ := $(SUPPORT_SRC:%.c=$(BUILD)/obj/%.o)
ALL_TESTS   := $(patsubst tests/test_%.c,%,$(sort $(wildcard tests/test_*.c)))
TESTS       ?= $(ALL_TESTS)
TEST_BINS   := $(TESTS:%=$(BUILD)/tests/test_%)
TEST_OBJ    := $(TESTS:%=$(BUILD)/obj/tests/test_%.o)

DEPS := $(OBJ:.o=.d) $(SUPPORT_OBJ:.o=.d) $(TEST_OBJ:.o=.d)

ifeq ($(V),1)
Q :=
say = @:
else
Q := @
say = @printf '  %-6s %s\n' $(1) $(2);
endif

# ---- library check ---------------------------------------------------------
# $(call check_pkgs,names): fail with a clear message for each missing library.
define check_pkgs
@command -v $(PKG_CONFIG) >/dev/null 2>&1 || { \
  echo "tafcard build: missing tool $(PKG_CONFIG) (Debian package pkg-config); run scripts/install-deps.sh (needs root) or: apt-get install pkg-config" >&2; \
  exit 1; }
@missing=0; for p in $(1); do \
  if ! $(PKG_CONFIG) --exists "$$p"; then \
    case "$$p" in \
      libxml-2.0) deb=libxml2-dev ;; \
      cairo) deb=libcairo2-dev ;; \
      libcjson) deb=libcjson-dev ;; \
      sqlite3) deb=libsqlite3-dev ;; \
      libcrypto) deb=libssl-dev ;; \
      zlib) deb=zlib1g-dev ;; \
      criterion) deb=libcriterion-dev ;; \
      *) deb="?" ;; \
    esac; \
    echo "tafcard build: missing library $$p (Debian package $$deb); run scripts/install-deps.sh (needs root) or: apt-get install $$deb" >&2; \
    missing=1; \
  fi; \
done; exit $$missing
endef

.PHONY: all deps-check deps-check-tests test check sanitize site bench install clean

all: $(BIN)

deps-check: $(BUILD)/gen/deps-ok

# A stamp: the libraries are looked for when this build tree is new (or the
# stamp was removed), not on every make, whose no-op run is part of
# `make site`'s time.
$(BUILD)/gen/deps-ok:
	$(call check_pkgs,$(LIB_PKGS))
	@mkdir -p $(@D) && touch $@

deps-check-tests:
	$(call check_pkgs,$(LIB_PKGS) $(TEST_PKGS))

# ---- code identity ---------------------------------------------------------
# A digest of the sources and templates: `tafcard build` reuses a card from
# the previous site only when its inputs AND this digest are unchanged, so a
# changed formula or template never leaves stale cards behind. The header is
# rewritten only when the digest changes.
CODE_ID_H := $(BUILD)/gen/code_id.h
CODE_INPUTS := $(SRC) $(sort $(wildcard src/*.h src/*/*.h)) $(sort $(wildcard templates/*))
# A rule, not a $(shell) run by every make: `make site` after one changed
# preset is meant to take well under a second, make's own check included.
$(CODE_ID_H): $(CODE_INPUTS)
	@mkdir -p $(@D)
	@id=$$(cat $(CODE_INPUTS) | sha256sum | cut -c1-16); \
	  printf '#define TAF_CODE_ID "%s"\n' "$$id" > $@.new; \
	  if cmp -s $@.new $@; then rm -f $@.new; touch $@; else mv $@.new $@; fi
$(BUILD)/obj/src/card/load.o $(BUILD)/obj/src/cli/cmd_build.o: $(CODE_ID_H)
INCLUDES += -I$(BUILD)/gen

# ---- compile and link -----------------------------------------------------
$(BUILD)/obj/src/%.o: src/%.c | $(BUILD)/gen/deps-ok
	$(call say,CC,$<)
	@mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/obj/tests/%.o: tests/%.c | deps-check-tests
	$(call say,CC,$<)
	@mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) $(PKG_TEST_CFLAGS) -MMD -MP -c $< -o $@

$(BIN): $(OBJ)
	$(call say,LINK,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(OBJ) $(PKG_LIBS) $(LDLIBS) -lm

$(BUILD)/tests/test_%: $(BUILD)/obj/tests/test_%.o $(LIB_OBJ) $(SUPPORT_OBJ)
	$(call say,LINK,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $< $(LIB_OBJ) $(SUPPORT_OBJ) \
	  $(PKG_TEST_LIBS) $(PKG_LIBS) $(LDLIBS) -lm

.SECONDARY: $(TEST_OBJ) $(SUPPORT_OBJ)

-include $(DEPS)

# ---- tests ----------------------------------------------------------------
# Every test binary runs even if an earlier one fails; the target fails if
# any did. Tests find their data through TAF_TEST_DATA and the CLI through
# TAFCARD_BIN.
test: $(BIN) $(TEST_BINS)
	@failed=""; \
	for t in $(TEST_BINS); do \
	  echo "== $$t"; \
	  TAF_TEST_DATA='$(CURDIR)/tests' TAFCARD_BIN='$(abspath $(BIN))' \
	    "$$t" $(TEST_ARGS) || failed="$$failed $${t##*/}"; \
	done; \
	if [ -n "$$failed" ]; then echo "FAILED:$$failed" >&2; exit 1; fi; \
	echo "all $(words $(TEST_BINS)) test binaries passed"

check: test

SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

sanitize:
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  $(MAKE) BUILD=build-san CFLAGS='-O1 -g' SANFLAGS='$(SAN_FLAGS)' test

# ---- site -----------------------------------------------------------------
# ingest, calibrate and build; the build stages the site next to site/ and
# swaps it in, so a failure never leaves a half-written site/. Libraries
# are looked for (and installed when root) until a build tree has them.
PANEL_DIR ?= $(if $(wildcard ../shared/panel-source),../shared/panel-source,)

site:
	@need=0; \
	if [ -f $(BUILD)/gen/deps-ok ]; then :; \
	elif ! command -v $(PKG_CONFIG) >/dev/null 2>&1; then need=1; \
	else for p in $(LIB_PKGS); do $(PKG_CONFIG) --exists "$$p" || need=1; done; fi; \
	if [ $$need = 1 ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "site: installing missing libraries (scripts/install-deps.sh)"; \
	    sh scripts/install-deps.sh || exit 1; \
	  else \
	    echo "site: libraries missing and not root with apt-get; deps-check will say which" >&2; \
	  fi; \
	fi
	$(Q)$(MAKE) --no-print-directory all
	@set -e; \
	if [ -n '$(PANEL_DIR)' ] && [ -d '$(PANEL_DIR)' ]; then \
	  echo "site: panel present: $(PANEL_DIR)"; panel='$(PANEL_DIR)'; \
	else \
	  echo "site: panel missing (PANEL_DIR unset or not a directory): building cards from presets/ alone"; \
	  panel=none; \
	fi; \
	mkdir -p '$(dir $(SITE_DB))'; \
	./$(BIN) site --db '$(SITE_DB)' --panel "$$panel" --presets '$(SITE_PRESETS)' \
	  --calibration '$(dir $(SITE_DB))calibration.txt' --out '$(SITE_OUT)' -j $(SITE_JOBS)

# where make site reads and writes (make bench points them at its own
# work directory); the calibration table goes beside the database
SITE_DB      ?= site-data/taf.db
SITE_OUT     ?= site
SITE_PRESETS ?= presets
SITE_JOBS    ?= 2

# Open the main pages in headless Chromium from file://, fail on console
# errors or any non-file request, and save screenshots.
browser-test: site
	$(Q)sh scripts/browser-test.sh site site-data/screens

# ---- fuzz -------------------------------------------------------------------
# libFuzzer harnesses (tests/fuzz/fuzz_*.c), built with clang in build-fuzz/
# with -fsanitize=fuzzer,address,undefined, each run for FUZZ_SECONDS with
# its seed corpus tests/fuzz/corpus/NAME (read-only; new inputs go to
# build-fuzz/corpus/NAME). A crash, leak, UB report or timeout fails the
# target and leaves the input in build-fuzz/artifacts/ (turn it into a
# regression test). FUZZ_TARGETS picks harnesses (default all),
# FUZZ_FLAGS adds libFuzzer options. Executions per harness are printed and
# written to build-fuzz/stats.txt.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_BUILD   := build-fuzz
FUZZ_FLAGS   ?=
FUZZ_ALL     := $(patsubst tests/fuzz/fuzz_%.c,%,$(sort $(wildcard tests/fuzz/fuzz_*.c)))
FUZZ_TARGETS ?= $(FUZZ_ALL)
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

.PHONY: fuzz fuzz-build fault-test
.SECONDARY: $(FUZZ_TARGETS:%=$(BUILD)/obj/tests/fuzz/fuzz_%.o)
-include $(FUZZ_ALL:%=$(BUILD)/obj/tests/fuzz/fuzz_%.d)

fuzz-build:
	@command -v $(FUZZ_CC) >/dev/null 2>&1 || { \
	  echo "fuzz: $(FUZZ_CC) not found (Debian package clang); run scripts/install-deps.sh" >&2; exit 1; }
	$(Q)$(MAKE) --no-print-directory BUILD=$(FUZZ_BUILD) CC=$(FUZZ_CC) CFLAGS='-O1 -g' \
	  SANFLAGS='$(FUZZ_SAN) -fsanitize=fuzzer-no-link' \
	  $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/fuzz/fuzz_%)

$(BUILD)/fuzz/fuzz_%: $(BUILD)/obj/tests/fuzz/fuzz_%.o $(LIB_OBJ)
	$(call say,LINK,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(LDFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer -pthread -o $@ $< $(LIB_OBJ) \
	  $(PKG_LIBS) $(LDLIBS) -lm

fuzz: fuzz-build
	@mkdir -p $(FUZZ_BUILD)/artifacts; : > $(FUZZ_BUILD)/stats.txt; failed=""; \
	for h in $(FUZZ_TARGETS); do \
	  mkdir -p $(FUZZ_BUILD)/corpus/$$h; \
	  dict=""; [ -f tests/fuzz/$$h.dict ] && dict="-dict=tests/fuzz/$$h.dict"; \
	  echo "== fuzz $$h: $(FUZZ_SECONDS) s"; \
	  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  $(FUZZ_BUILD)/fuzz/fuzz_$$h -max_total_time=$(FUZZ_SECONDS) -timeout=20 \
	    -rss_limit_mb=2560 -max_len=65536 -print_final_stats=1 $$dict \
	    -artifact_prefix=$(FUZZ_BUILD)/artifacts/$$h- $(FUZZ_FLAGS) \
	    $(FUZZ_BUILD)/corpus/$$h tests/fuzz/corpus/$$h \
	    > $(FUZZ_BUILD)/$$h.log 2>&1; rc=$$?; \
	  execs=$$(sed -n 's/^stat::number_of_executed_units: *//p' $(FUZZ_BUILD)/$$h.log | tail -1); \
	  echo "$$h executions=$${execs:-?} exit=$$rc" | tee -a $(FUZZ_BUILD)/stats.txt; \
	  if [ $$rc -ne 0 ]; then tail -n 60 $(FUZZ_BUILD)/$$h.log; failed="$$failed $$h"; fi; \
	done; \
	if [ -n "$$failed" ]; then echo "fuzz: FAILED:$$failed (inputs in $(FUZZ_BUILD)/artifacts/)" >&2; exit 1; fi; \
	echo "fuzz: $(words $(FUZZ_TARGETS)) harnesses, no crash"

# Fault injection only (unwritable output, disk full, locked/corrupt/newer
# database, vanished input, kill -9 mid-build); also part of make test.
fault-test:
	$(Q)$(MAKE) --no-print-directory test TESTS='faults'

# ---- misc -----------------------------------------------------------------
# Benchmarks (issue 10): bench/run.sh measures the engine, D_f, the panel
# site, synthetic scale (bench/gen-configs), no-op and one-preset rebuilds
# and -j 1 vs -j 2, and writes bench/results.md. Knobs: BENCH_RUNS (3),
# BENCH_SCALE ("100 1000 10000"), BENCH_BUDGET (seconds, 480), PANEL_DIR.
BENCH_BUILD := $(BUILD)/bench
BENCH_TOOLS := $(BENCH_BUILD)/gen-configs $(BENCH_BUILD)/runstat $(BENCH_BUILD)/bench_df \
               $(BENCH_BUILD)/bench_card

bench: $(BIN) $(BENCH_TOOLS)
	$(Q)TAFCARD='$(BIN)' BENCH_GEN='$(BENCH_BUILD)/gen-configs' \
	  BENCH_RUNSTAT='$(BENCH_BUILD)/runstat' BENCH_DF='$(BENCH_BUILD)/bench_df' \
	  BENCH_CARD='$(BENCH_BUILD)/bench_card' \
	  PANEL_DIR='$(PANEL_DIR)' MAKE='$(MAKE)' sh bench/run.sh

$(BENCH_BUILD)/gen-configs $(BENCH_BUILD)/runstat: $(BENCH_BUILD)/%: bench/%.c
	$(call say,CC,$<)
	@mkdir -p $(@D)
	$(Q)$(CC) $(STD_FLAGS) $(CFLAGS) -o $@ $<

$(BENCH_BUILD)/bench_df $(BENCH_BUILD)/bench_card: $(BENCH_BUILD)/%: bench/%.c $(LIB_OBJ)
	$(call say,LINK,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIB_OBJ) $(PKG_LIBS) $(LDLIBS) -lm

install: $(BIN)
	install -d '$(DESTDIR)$(PREFIX)/bin'
	install -m 0755 $(BIN) '$(DESTDIR)$(PREFIX)/bin/tafcard'

clean:
	rm -rf build build-san site site.old .site.tmp.*

# ---- diff -------------------------------------------------------------------
# make diff BASE=<git rev>: the site at BASE (built in a temporary git
# worktree with its own build/ and its own database) against the site of the
# working tree (ingest + calibrate + build into a temporary directory; site/
# and site-data/ are not touched), both from the same PANEL_DIR, compared by
# `tafcard diff`. The report goes to stdout (Markdown by default), build logs
# to stderr. DIFF_FORMAT=markdown|json|text, DIFF_ARGS='--rtol 1e-6 ...',
# DIFF_OUT=FILE also writes the report to FILE. Exit 0 whether or not cards
# changed (the report says which); DIFF_STRICT=1 exits 1 when they did.
# The worktree and the temporary files are removed on every exit.
DIFF_FORMAT ?= markdown
DIFF_ARGS   ?=
DIFF_OUT    ?=
DIFF_STRICT ?=

.PHONY: diff
diff:
	@if [ -z '$(BASE)' ]; then \
	  echo "make diff: set BASE=<git rev>, e.g. make diff BASE=origin/main" >&2; exit 2; fi
	$(Q)$(MAKE) --no-print-directory all >&2
	@set -e; \
	base=$$(git rev-parse --verify --quiet '$(BASE)^{commit}') || { \
	  echo "make diff: '$(BASE)' is not a commit in this repository" >&2; exit 2; }; \
	tmp=$$(mktemp -d "$${TMPDIR:-/tmp}/tafcard-diff.XXXXXX"); \
	wt="$$tmp/base-src"; \
	cleanup() { \
	  git worktree remove --force "$$wt" >/dev/null 2>&1 || true; \
	  rm -rf "$$tmp"; git worktree prune >/dev/null 2>&1 || true; }; \
	trap cleanup EXIT; trap 'exit 130' INT TERM HUP; \
	panel=none; \
	if [ -n '$(PANEL_DIR)' ] && [ -d '$(PANEL_DIR)' ]; then panel=$$(cd '$(PANEL_DIR)' && pwd); fi; \
	echo "diff: base $(BASE) = $$base; panel: $$panel" >&2; \
	git worktree add --detach --quiet "$$wt" "$$base" >&2; \
	echo "diff: building tafcard at $(BASE)" >&2; \
	$(MAKE) -C "$$wt" --no-print-directory BUILD=build all >&2; \
	site() { \
	  ( cd "$$1" && \
	    "$$2" ingest --db "$$3.db" --panel "$$panel" --presets presets >&2 && \
	    { ! "$$2" help calibrate >/dev/null 2>&1 || \
	      "$$2" calibrate --db "$$3.db" >/dev/null; } && \
	    "$$2" build --db "$$3.db" --out "$$3" >&2 ); }; \
	echo "diff: site at $(BASE)" >&2; \
	site "$$wt" "$$wt/build/tafcard" "$$tmp/base-site"; \
	echo "diff: site of the working tree" >&2; \
	site '$(CURDIR)' '$(abspath $(BIN))' "$$tmp/head-site"; \
	rc=0; '$(abspath $(BIN))' diff "$$tmp/base-site" "$$tmp/head-site" \
	  --format '$(DIFF_FORMAT)' $(DIFF_ARGS) > "$$tmp/report" || rc=$$?; \
	if [ $$rc -gt 1 ]; then echo "make diff: tafcard diff failed (exit $$rc)" >&2; exit $$rc; fi; \
	cat "$$tmp/report"; \
	if [ -n '$(DIFF_OUT)' ]; then cp "$$tmp/report" '$(DIFF_OUT)'; fi; \
	if [ -n '$(DIFF_STRICT)' ] && [ $$rc = 1 ]; then exit 1; fi; \
	exit 0

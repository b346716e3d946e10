# tafcard — build, test, sanitize, site, bench, install.   (GNU make)
#
#   make            build build/tafcard
#   make test       build everything, run every Criterion test binary
#   make sanitize   the same in build-san/ with ASan + UBSan
#   make site       install missing libraries (as root), build, render site/
#   make bench      benchmarks (placeholder)
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

CC         ?= cc
CFLAGS     ?= -O2 -g
PKG_CONFIG ?= pkg-config
BUILD      ?= build
PREFIX     ?= /usr/local
DESTDIR    ?=
SANFLAGS   ?=
TEST_ARGS  ?= --jobs 2

LIB_PKGS  := libxml-2.0 cairo libcjson sqlite3 libcrypto
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
SRC      := $(shell find src -name '*.c' | LC_ALL=C sort)
OBJ      := $(SRC:%.c=$(BUILD)/obj/%.o)
MAIN_OBJ := $(BUILD)/obj/src/main.o
LIB_OBJ  := $(filter-out $(MAIN_OBJ),$(OBJ))
BIN      := $(BUILD)/tafcard

SUPPORT_SRC := $(shell find tests/support -name '*.c' 2>/dev/null | LC_ALL=C sort)
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

deps-check:
	$(call check_pkgs,$(LIB_PKGS))

deps-check-tests:
	$(call check_pkgs,$(LIB_PKGS) $(TEST_PKGS))

# ---- code identity ---------------------------------------------------------
# A digest of the sources and templates: `tafcard build` reuses a card from
# the previous site only when its inputs AND this digest are unchanged, so a
# changed formula or template never leaves stale cards behind. The header is
# rewritten only when the digest changes.
CODE_ID_H := $(BUILD)/gen/code_id.h
CODE_ID := $(shell cat $(SRC) $$(find src -name '*.h' | LC_ALL=C sort) \
             $$(find templates -type f | LC_ALL=C sort) 2>/dev/null | sha256sum | cut -c1-16)
$(shell mkdir -p $(BUILD)/gen; \
  printf '#define TAF_CODE_ID "%s"\n' '$(CODE_ID)' > $(CODE_ID_H).new; \
  cmp -s $(CODE_ID_H).new $(CODE_ID_H) || mv $(CODE_ID_H).new $(CODE_ID_H); rm -f $(CODE_ID_H).new)
INCLUDES += -I$(BUILD)/gen

# ---- compile and link -----------------------------------------------------
$(BUILD)/obj/src/%.o: src/%.c | deps-check
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
	  TAF_TEST_DATA='$(CURDIR)/tests' TAFCARD_BIN='$(CURDIR)/$(BIN)' \
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
# Placeholder until the site builder lands: one card JSON per preset.
# Rendered into a temporary directory next to site/ and renamed into place,
# so a failure never leaves a half-written site/.
PANEL_DIR ?= $(if $(wildcard ../shared/panel-source),../shared/panel-source,)

site:
	@need=0; \
	if ! command -v $(PKG_CONFIG) >/dev/null 2>&1; then need=1; \
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
	  echo "site: panel present: $(PANEL_DIR)"; \
	  ./$(BIN) ingest --db $(SITE_DB) --panel '$(PANEL_DIR)' --presets presets; \
	else \
	  echo "site: panel missing (PANEL_DIR unset or not a directory): building cards from presets/ alone"; \
	  ./$(BIN) ingest --db $(SITE_DB) --panel none --presets presets; \
	fi; \
	./$(BIN) calibrate --db $(SITE_DB) > site-data/calibration.txt; \
	./$(BIN) build --db $(SITE_DB) --out site -j $(SITE_JOBS)

SITE_DB   ?= site-data/taf.db
SITE_JOBS ?= 2

# Open the main pages in headless Chromium from file://, fail on console
# errors or any non-file request, and save screenshots.
browser-test: site
	$(Q)sh scripts/browser-test.sh site site-data/screens

# ---- misc -----------------------------------------------------------------
bench:
	@echo "bench: benchmarks land later (bench/); nothing to run yet"

install: $(BIN)
	install -d '$(DESTDIR)$(PREFIX)/bin'
	install -m 0755 $(BIN) '$(DESTDIR)$(PREFIX)/bin/tafcard'

clean:
	rm -rf build build-san site site.old .site.tmp.*

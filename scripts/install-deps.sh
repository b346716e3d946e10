#!/bin/sh
# Install the Debian packages tafcard needs to build, test and render.
# Runs apt-get directly as root, through sudo otherwise (if sudo exists).
set -eu

PKGS="libxml2-dev libcairo2-dev libcjson-dev libsqlite3-dev libssl-dev zlib1g-dev libcriterion-dev pkg-config fonts-dejavu-core make gcc"
# make fuzz: clang and its libFuzzer runtime (libclang-rt-N-dev, below)
PKGS="$PKGS clang"

if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "install-deps: not root and sudo is not available; as root run: apt-get install $PKGS" >&2
    exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-deps: apt-get not found; install the equivalents of: $PKGS" >&2
    exit 1
fi

$SUDO apt-get update
# shellcheck disable=SC2086  # PKGS is a word list on purpose
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $PKGS

# libFuzzer ships in clang's runtime package, libclang-rt-N-dev on Debian 12
# and later (N = clang's major version); older releases had it in clang.
if command -v clang >/dev/null 2>&1; then
    major=$(clang -dumpversion | cut -d. -f1)
    if apt-cache show "libclang-rt-$major-dev" >/dev/null 2>&1; then
        $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
            "libclang-rt-$major-dev"
    fi
fi

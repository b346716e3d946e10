#!/bin/sh
# Install the Debian packages tafcard needs to build, test and render.
# Runs apt-get directly as root, through sudo otherwise (if sudo exists).
set -eu

PKGS="libxml2-dev libcairo2-dev libcjson-dev libsqlite3-dev libssl-dev libcriterion-dev pkg-config fonts-dejavu-core make gcc"

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

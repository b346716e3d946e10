#!/bin/sh
# Open the main pages of a built site in headless Chromium from file://,
# save a screenshot of each, and fail on a console error, a failed image,
# or any request that is not a file:// URL.
# usage: scripts/browser-test.sh SITE_DIR SCREENS_DIR
set -eu
site=$(cd "$1" && pwd)
screens=$2
mkdir -p "$screens"
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
        browser=$(command -v chromium)
    else
        echo "browser-test: chromium is not installed (apt-get install chromium)" >&2
        exit 1
    fi
fi
# one card per family, plus index, panel, a compare page and methodology
pages="index.html panel.html methodology.html compare/X-2.html"
for fam in pythia gpt2 Qwen Llama gemma phi Mistral falcon bloom OLMo SmolLM deepseek Cerebras gpt-j; do
    card=$(ls -d "$site"/models/*/ 2>/dev/null | grep -i -- "$fam" | head -n 1 || true)
    [ -n "$card" ] && pages="$pages models/$(basename "$card")/index.html"
done
fail=0
for p in $pages; do
    name=$(echo "$p" | tr '/' '_' | sed 's/\.html$//')
    profile=$(mktemp -d)
    log="$screens/$name.log"
    # --enable-logging writes console messages and network errors to stderr
    timeout 90 "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$profile" --enable-logging=stderr --v=0 \
        --host-resolver-rules="MAP * ~NOTFOUND" --window-size=1280,2000 \
        --screenshot="$screens/$name.png" "file://$site/$p" >"$log" 2>&1 || true
    rm -rf "$profile"
    if [ ! -s "$screens/$name.png" ]; then
        echo "browser-test: no screenshot for $p" >&2
        fail=1
    fi
    if grep -E 'CONSOLE\(|Uncaught|ERR_FILE_NOT_FOUND|Failed to load resource' "$log" >/dev/null; then
        echo "browser-test: $p: console or load error:" >&2
        grep -E 'CONSOLE\(|Uncaught|ERR_FILE_NOT_FOUND|Failed to load resource' "$log" >&2
        fail=1
    fi
    # nothing on a page may be fetched from the network: src/href of
    # stylesheets, scripts and images must be relative
    if grep -oE '<(img|script|link)[^>]*(src|href)="(https?:)?//[^"]*"' "$site/$p" >/dev/null; then
        echo "browser-test: $p references a network resource" >&2
        fail=1
    fi
    echo "browser-test: $p -> $screens/$name.png"
done
exit $fail

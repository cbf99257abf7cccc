# Everything a developer or CI runs. Toolchain quirks live in scripts/env.sh (sourced by every
# script); scripts/setup.sh installs only what is missing.
SHELL := /usr/bin/env bash
PORT ?= 8080

.PHONY: setup build test test-hosts bench-import lint fmt inspector bench fuzz soak clean

## setup: install missing tools (wasm32 std, wasm-bindgen-cli, npm dev tools, Chromium)
setup:
	@bash scripts/setup.sh

## build: the npm package in pkg/ (wasm + glue + index.cjs)
build: setup
	@bash scripts/build.sh

## test-hosts: every host the package is tested in (tests/hosts: Node 18/20/22 plain and bundled,
## Next.js 16, Workers, Deno, Bun, Vite 7/8, webpack 5, import map), with a table of figures
test-hosts: setup build
	@bash scripts/test-hosts.sh

## lint: rustfmt check, clippy (native, all targets and features; wasm32 with the js feature)
lint: setup
	@bash scripts/lint.sh

## fmt: format the Rust code
fmt:
	cargo fmt

## test: build, lint, then native + wasm Rust tests, JS package tests, types and packaging checks
test: setup build lint
	@bash scripts/test.sh

## inspector: serve www/ at / and pkg/ at /pkg/ on 127.0.0.1:$(PORT)
inspector: setup build
	@PORT=$(PORT) node scripts/serve.mjs

## bench: this package against jose (benches/verify.mjs), on the packed package
bench: setup build
	@bash scripts/pack.sh benches
	node benches/verify.mjs

## bench-import: what importing the package costs Node, shipped entry vs alternatives (benches/import-cost.mjs)
bench-import: setup build
	@bash scripts/pack.sh benches
	node benches/import-cost.mjs

## soak: 1,000,000 mixed operations, then 1,000,000 OneLoginClient verifications through key rotations
## and 1,000,000 replay-store jtis, in one Node process; fails if wasm memory or the JS heap grows
soak: setup build
	@bash scripts/pack.sh tests
	node --expose-gc scripts/soak.mjs --ops $(or $(SOAK_OPS),1000000)

## fuzz: cargo fuzz every target for FUZZ_SECONDS each (default 60; the long run is FUZZ_SECONDS=600)
fuzz:
	@bash scripts/fuzz.sh $(or $(FUZZ_SECONDS),60)

## clean: remove build outputs and test artifacts (keeps node_modules and installed tools)
clean:
	cargo clean
	rm -rf pkg/wasm pkg/index.cjs pkg/*.tgz tests/artifacts tests/node_modules benches/node_modules

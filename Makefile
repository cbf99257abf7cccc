# Everything a developer or CI runs. Toolchain quirks live in scripts/env.sh (sourced by every
# script); scripts/setup.sh installs only what is missing.
SHELL := /usr/bin/env bash
PORT ?= 8080

.PHONY: help setup build test test-rust test-js test-browser test-hosts bench-import lint fmt inspector bench fuzz soak clean

## help: list the targets with what each does
help:
	@awk '/^## [a-z-]+: / { t = $$2; sub(/:$$/, "", t); d = $$0; sub(/^## [a-z-]+: /, "", d); printf "  %-14s %s\n", t, d }' $(firstword $(MAKEFILE_LIST))

## setup: install missing tools (wasm32 std, wasm-bindgen-cli, npm dev tools, Chromium)
setup:
	@bash scripts/setup.sh

## build: the npm package in pkg/ (wasm + glue + index.cjs)
build: setup
	@bash scripts/build.sh

## test-hosts: every host (Node 18/20/22 plain and bundled, Next.js, Workers, Deno, Bun, Vite, webpack, import map)
test-hosts: setup build
	@bash scripts/test-hosts.sh

## lint: rustfmt check, clippy -D warnings on every feature set (all targets and features; the core alone; the browser build's js without flow)
lint: setup
	@bash scripts/lint.sh

## fmt: format the Rust code
fmt:
	cargo fmt

## test: build, lint, then every suite below (one summary: total passed and failed)
test: setup build lint
	@bash scripts/test.sh

## test-rust: the Rust tests, native and compiled to wasm32 under Node (no build or lint)
test-rust: setup
	@bash scripts/test.sh rust

## test-js: npm pack, the JS package tests and the TypeScript type checks
test-js: setup build
	@bash scripts/test.sh js

## test-browser: npm pack, the packaging checks and the inspector end to end in Chromium
test-browser: setup build
	@bash scripts/test.sh browser

## inspector: serve www/ at / and pkg/ at /pkg/ on 127.0.0.1:$(PORT)
inspector: setup build
	@PORT=$(PORT) node scripts/serve.mjs

## bench: one table per host (Node, Chromium, Deno, Bun, Workers/workerd): ours vs jose, fast-jwt, jsonwebtoken, Rust jsonwebtoken (wasm32), raw verify; cold start, sizes (BENCH_QUICK=1: smoke run)
bench: setup build
	@bash scripts/pack.sh benches
	@bash scripts/bench-rust-jsonwebtoken.sh
	node benches/run.mjs

## bench-import: what importing the package costs Node, shipped entry vs alternatives (benches/import-cost.mjs)
bench-import: setup build
	@bash scripts/pack.sh benches
	node benches/import-cost.mjs

## soak: 1,000,000 mixed operations, then 1,000,000 OneLoginClient verifications through key rotations
## and 1,000,000 store jtis, in one Node process; fails if wasm memory or the JS heap grows
soak: setup build
	@bash scripts/pack.sh tests
	node --expose-gc tests/support/soak.mjs --ops $(or $(SOAK_OPS),1000000)

## fuzz: cargo fuzz every target for FUZZ_SECONDS each (default 60; the long run is FUZZ_SECONDS=600)
fuzz:
	@bash scripts/fuzz.sh $(or $(FUZZ_SECONDS),60)

## clean: remove build outputs and test artifacts (keeps node_modules and installed tools)
clean:
	cargo clean
	rm -rf pkg/wasm pkg/wasm-browser pkg/browser.js pkg/node.mjs pkg/index.cjs pkg/*.tgz tests/artifacts tests/node_modules benches/node_modules

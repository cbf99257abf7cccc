// Source of pkg/index.cjs (the require() entry), bundled by esbuild in scripts/build.sh.
// Instantiates the same .wasm synchronously, then exposes exactly the ESM API (with Node's
// crypto as the signature arithmetic, as in node.mjs).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { initSync } from '../index.js';
import { setHostCrypto } from '../wasm/govuk_one_login_tokens.js';
import { setHostVerifier } from '../host-crypto.js';
import { nodeVerify } from '../node-crypto.js';

// eslint-disable-next-line no-undef -- CommonJS output: __dirname is pkg/
initSync(readFileSync(path.join(__dirname, 'wasm/govuk_one_login_tokens_bg.wasm')));
setHostVerifier(nodeVerify);
setHostCrypto(true);

export * from '../index.js';
export { default } from '../index.js';

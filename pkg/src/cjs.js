// Source of pkg/index.cjs (the require() entry), bundled by esbuild in scripts/build.sh.
// Instantiates the same .wasm synchronously, then exposes exactly the ESM API. Like node.mjs, it
// lets the core use Node's native signature arithmetic (see host-crypto.js).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { initSync } from '../index.js';
import { setHostCrypto } from '../wasm/govuk_one_login_tokens.js';
import { setHostVerifier } from '../host-crypto.js';
import { nodeVerify } from '../node-crypto.js';

// CommonJS output: __dirname is pkg/. (Randomness needs no help here: in CommonJS, getrandom
// falls back to require('crypto') on Node 18, which has no global `crypto`.)
initSync(readFileSync(path.join(__dirname, 'wasm/govuk_one_login_tokens_bg.wasm')));
setHostVerifier(nodeVerify);
setHostCrypto(true);

export * from '../index.js';
export { default } from '../index.js';

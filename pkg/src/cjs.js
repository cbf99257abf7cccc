// Source of pkg/index.cjs (the require() entry), bundled by esbuild in scripts/build.sh.
// Instantiates the same .wasm synchronously, then exposes exactly the ESM API.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { initSync } from '../index.js';

// eslint-disable-next-line no-undef -- CommonJS output: __dirname is pkg/
initSync(readFileSync(path.join(__dirname, 'wasm/govuk_one_login_tokens_bg.wasm')));

export * from '../index.js';
export { default } from '../index.js';

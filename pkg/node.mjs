// Node ESM entry: instantiate the wasm synchronously, so `import` is ready without any await.
import { readFileSync } from 'node:fs';
import { webcrypto } from 'node:crypto';
import { initSync } from './index.js';

// Randomness (PKCE, state, nonce) comes from crypto.getRandomValues. Node 18 has no global
// `crypto` by default (Node >= 19 does); give it Node's own Web Crypto object, as Node 19+ would.
if (globalThis.crypto === undefined) globalThis.crypto = webcrypto;

initSync(readFileSync(new URL('./wasm/govuk_one_login_tokens_bg.wasm', import.meta.url)));

export * from './index.js';
export { default } from './index.js';

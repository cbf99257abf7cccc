// Node ESM entry: instantiate the wasm synchronously, so `import` is ready without any await,
// and let the core use Node's native signature arithmetic (see host-crypto.js).
import { readFileSync } from 'node:fs';
import { webcrypto } from 'node:crypto';
import { initSync } from './index.js';
import { setHostCrypto } from './wasm/govuk_one_login_tokens.js';
import { setHostVerifier } from './host-crypto.js';
import { nodeVerify } from './node-crypto.js';

// Randomness (PKCE, state, nonce) comes from crypto.getRandomValues. Node 18 has no global
// `crypto` by default (Node >= 19 does); give it Node's own Web Crypto object, as Node 19+ would.
if (globalThis.crypto === undefined) globalThis.crypto = webcrypto;

initSync(readFileSync(new URL('./wasm/govuk_one_login_tokens_bg.wasm', import.meta.url)));
setHostVerifier(nodeVerify);
setHostCrypto(true);

export * from './index.js';
export { default } from './index.js';

// Node ESM entry: instantiate the wasm synchronously, so `import` is ready without any await,
// and hand signature arithmetic to Node's crypto (synchronous, much faster than portable wasm).
import { readFileSync } from 'node:fs';
import { initSync } from './index.js';
import { setHostCrypto } from './wasm/govuk_one_login_tokens.js';
import { setHostVerifier } from './host-crypto.js';
import { nodeVerify } from './node-crypto.js';

initSync(readFileSync(new URL('./wasm/govuk_one_login_tokens_bg.wasm', import.meta.url)));
setHostVerifier(nodeVerify);
setHostCrypto(true);

export * from './index.js';
export { default } from './index.js';

// Node ESM entry: instantiate the wasm synchronously, so `import` is ready without any await.
import { readFileSync } from 'node:fs';
import { initSync } from './index.js';

initSync(readFileSync(new URL('./wasm/govuk_one_login_tokens_bg.wasm', import.meta.url)));

export * from './index.js';
export { default } from './index.js';

// govuk-one-login-tokens: ESM entry for browsers and bundlers (Node uses node.mjs / index.cjs,
// which load the same .wasm synchronously and re-export this file).
//
// Thin on purpose: Rust validates tokens, keys, claims and options. api.js adds the friendly
// `verifyX(token, { jwks | didDocument, ... })` / `signX({ privateKey, ... })` forms; client.js
// fetches and caches One Login's keys.
import wasmInit, { initSync as wasmInitSync } from './wasm/govuk_one_login_tokens.js';

export {
  createPkce,
  randomState,
  randomNonce,
  getEnvironment,
  buildAuthorizationUrl,
  errorCodes,
  checkList,
  tokenKinds,
  limits,
} from './wasm/govuk_one_login_tokens.js';
export { KeySet, DidDocument, SigningKey } from './classes.js';
export * from './api.js';
export { TokenError } from './errors.js';
export { OneLoginClient } from './client.js';
export { MemoryReplayStore, RedisReplayStore } from './replay-store.js';

/**
 * Load and instantiate the WebAssembly module. Needed once in browsers (`await init()`); a no-op
 * once loaded (always so in Node, where the entry points load it synchronously).
 * By default the .wasm is fetched from beside the glue (bundlers such as Vite rewrite that URL to
 * their hashed asset); pass a URL, Response, bytes or a `WebAssembly.Module` to load it yourself.
 */
export default async function init(moduleOrPath) {
  await wasmInit(moduleOrPath === undefined ? undefined : { module_or_path: moduleOrPath });
}

/** Instantiate synchronously from bytes or a compiled `WebAssembly.Module` (no-op when loaded). */
export function initSync(module) {
  wasmInitSync({ module });
}

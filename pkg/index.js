// govuk-one-login-tokens: ESM entry for bundlers and hosts without a more specific condition. The
// other hosts have their own entry points, chosen by export conditions in package.json:
//   browser.js            browsers ("browser" condition, import maps): this file and the wrapper
//                         bundled against the small browser build (pkg/wasm-browser/: decoding, key
//                         sets and the verifiers; scripts/bundle-entries.mjs)
//   browser-full.js       browsers, `govuk-one-login-tokens/full` (the inspector): the same against the
//                         full browser build (pkg/wasm-browser-full/), without the sign-in flow and signing
// The rest register a synchronous way to load the same .wasm (see ready.js) and re-export this file:
//   node.mjs / index.cjs  Node, Bun, Deno: the .wasm bytes embedded in JS (wasm/bytes.js), no file
//                         read; both are bundles (src/node.mjs, src/cjs.js) of node-setup.js and this file
//   edge.js               Cloudflare Workers (workerd), Next.js / Vercel edge (edge-light): the .wasm
//                         imported as a WebAssembly.Module, since those hosts forbid compiling bytes
//
// Thin on purpose: Rust validates tokens, keys, claims and options. api.js adds the friendly
// `verifyX(token, { jwks | didDocument, ... })` / `signX({ privateKey, ... })` forms; client.js
// fetches and caches One Login's keys.
import wasmInit, { initSync as wasmInitSync, isLoaded, wasmDirectory } from './wasm/govuk_one_login_tokens.js';
import { loadSynchronously, loaded, notLoaded } from './ready.js';

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
  safeReturnTo,
  lists,
} from './wasm/govuk_one_login_tokens.js';
export { KeySet, DidDocument, SigningKey } from './classes.js';
export * from './api.js';
export {
  createIdTokenVerifier,
  createIdTokenVerifierAsync,
  createLogoutTokenVerifier,
  createLogoutTokenVerifierAsync,
} from './prepared.js';
export { TokenError } from './errors.js';
export { OneLoginClient } from './client.js';
export { MemoryStore, RedisStore } from './store.js';

const WASM_FILE = 'govuk_one_login_tokens_bg.wasm';

// Where the .wasm is when no argument says. Bundlers (Vite build, webpack, Turbopack, Rollup) see
// the glue's `new URL('govuk_one_login_tokens_bg.wasm', import.meta.url)` and emit the file as an
// asset, so `undefined` (the glue's default) is right for them. Vite 7's dev server is the
// exception: it pre-bundles this package into node_modules/.vite/deps/ without the .wasm, so the
// default URL would fetch its HTML fallback. The package's own copy is still served from
// node_modules/, two folders up. (Built from parts, so no bundler mistakes it for an asset.)
function defaultLocation() {
  const here = import.meta.url;
  if (typeof here !== 'string' || !/\/node_modules\/\.vite\/deps(_[a-z]+)?\/[^/]*$/.test(here.split('?')[0])) {
    return undefined;
  }
  return new URL(['..', '..', 'govuk-one-login-tokens', wasmDirectory, WASM_FILE].join('/'), here);
}

/**
 * Load the WebAssembly module; resolves once every function is usable. Idempotent, and safe to
 * call concurrently. Browsers need it once (`await ready()`) before the first call; everywhere
 * else the module is ready on import and this resolves at once.
 * By default the .wasm is fetched from beside this file (bundlers rewrite that URL to their
 * asset); pass a URL, Response, bytes or a `WebAssembly.Module` (from any realm) to load it yourself.
 * @throws {TokenError} `ERR_NOT_INITIALIZED` when the module cannot be fetched or compiled.
 */
export async function ready(moduleOrBytesOrUrl) {
  if (isLoaded()) return;
  if (moduleOrBytesOrUrl === undefined && loadSynchronously(wasmInitSync)) return;
  const where = moduleOrBytesOrUrl ?? defaultLocation();
  try {
    await wasmInit(where === undefined ? undefined : { module_or_path: where });
  } catch (cause) {
    throw notLoaded(cause);
  }
  loaded();
}

/** The same as {@link ready}; the name wasm-bindgen packages use. */
export default ready;

/** Instantiate synchronously from bytes or a compiled `WebAssembly.Module` (no-op when loaded). */
export function initSync(module) {
  if (isLoaded()) return;
  try {
    wasmInitSync({ module });
  } catch (cause) {
    throw notLoaded(cause);
  }
  loaded();
}

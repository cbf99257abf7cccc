// govuk-one-login-tokens: ESM entry for browsers and bundlers (Node uses node.mjs / index.cjs,
// which load the same .wasm synchronously and re-export this file).
//
// Thin on purpose: Rust validates tokens, keys and options; this file only adds `init()` and the
// `verifyJwt(token, { jwks, ...options })` convenience over `KeySet` + `verifyJwtWithKeySet`.
import wasmInit, {
  initSync as wasmInitSync,
  KeySet,
  verifyJwtWithKeySet,
} from './wasm/govuk_one_login_tokens.js';
import { createTokenError } from './errors.js';

export {
  createPkce,
  pkceChallenge,
  pkceMatches,
  randomState,
  randomNonce,
  decodeJwt,
  KeySet,
  verifyJwtWithKeySet,
} from './wasm/govuk_one_login_tokens.js';
export { TokenError } from './errors.js';

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

/**
 * Verify a JWT's signature and registered claims and return its payload. `options.jwks` is a
 * `KeySet` (reused as is), a JWKS object, or a JWKS JSON string (parsed for this call only).
 */
export function verifyJwt(token, options) {
  if (options === null || typeof options !== 'object') {
    throw createTokenError('ERR_INVALID_ARGUMENT', 'verifyJwt options must be an object with "jwks"');
  }
  const { jwks, ...rest } = options;
  if (jwks === undefined || jwks === null) {
    throw createTokenError('ERR_INVALID_ARGUMENT', '"jwks" option is required');
  }
  if (jwks instanceof KeySet) return verifyJwtWithKeySet(token, jwks, rest);
  const keys = new KeySet(jwks);
  try {
    return verifyJwtWithKeySet(token, keys, rest);
  } finally {
    keys.free();
  }
}

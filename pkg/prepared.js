// Prepared verifiers (`createIdTokenVerifier`, `createLogoutTokenVerifier`) and the one-crossing
// `decodeJwt`. A prepared verifier's options are read, checked and resolved once, in the core
// (src/bindings/prepared.rs); each call then crosses into wasm with the token and the per-call
// values only, and the claims come back as the payload text the core has validated, parsed here
// once. Every check of the token runs on every call: nothing but the options is prepared.
//
// The fast path hands the core plain strings, so this file checks their types first (a
// non-string must never reach the glue's string copier); anything unusual (a non-string token,
// a per-call object with other members or types) goes to the core's `...Values` method, which
// reads the arguments itself and refuses them by name, exactly as the one-shot verifiers do.
import {
  PreparedIdTokenVerifier,
  PreparedLogoutTokenVerifier,
  decodeJwtText,
  inputBuffer,
  wasmMemory,
} from './wasm/govuk_one_login_tokens.js';
import { KeySet, requireLive } from './classes.js';
import { invalidArgument } from './errors.js';
import { withAsyncSignatures } from './async-signatures.js';
import { answering } from './host-crypto.js';
import { caps, refuseOversizedToken, refuseOversizedDocument } from './limits.js';

const encoder = new TextEncoder();
let inputView;
let inputVerifiers;

/**
 * Whether this build has the one-shot verifiers' input forms (`verifyIdTokenInput` & co.; the
 * small browser build leaves them out, and its entry has stand-ins that throw).
 */
export function hasInputVerifiers() {
  if (inputVerifiers === undefined) inputVerifiers = inputBuffer()[2] === 1;
  return inputVerifiers;
}

/**
 * Write `token` as UTF-8 into the core's input buffer (src/bindings/prepared.rs) with the host's
 * native encoder; returns its length in bytes, or `undefined` when it does not fit (the slow path
 * then refuses it by the cap). The view is made again after wasm memory has grown (which detaches
 * the old one).
 */
export function writeInput(token) {
  if (inputView === undefined || inputView.byteLength === 0) {
    const [address, size, hasInputVerifiers] = inputBuffer();
    inputView = new Uint8Array(wasmMemory().buffer, address, size);
    inputVerifiers = hasInputVerifiers === 1;
  }
  const { read, written } = encoder.encodeInto(token, inputView);
  return read === token.length ? written : undefined;
}

/**
 * The verifier's key set: a live `KeySet` is used as is (re-checked on every call: its owner may
 * free it); anything else (a JWKS object or text) is parsed once and lives as long as the verifier.
 */
function keysOf(fnName, options) {
  if (options === null || typeof options !== 'object') {
    throw invalidArgument('options', `${fnName} options must be an object with "jwks"`);
  }
  const given = options.jwks;
  if (given === undefined || given === null) {
    throw invalidArgument('jwks', '"jwks" option is required');
  }
  if (given instanceof KeySet) {
    requireLive(given, KeySet, 'jwks');
    return () => {
      requireLive(given, KeySet, 'jwks');
      return given;
    };
  }
  const parsed = new KeySet(refuseOversizedDocument(given, 'JWKS'));
  return () => parsed;
}

/**
 * The per-call values when they can take the fast path: a plain object whose own members are
 * `nonce` (a string, or `null` when none was sent) and optionally `accessToken` (a string).
 * `undefined` otherwise: the core then reads the object and says what is wrong.
 */
function fastCall(perCall) {
  if (perCall === null || typeof perCall !== 'object' || Object.getPrototypeOf(perCall) !== Object.prototype) return undefined;
  let nonce;
  let accessToken;
  let hasNonce = false;
  for (const name of Object.keys(perCall)) {
    const value = perCall[name];
    if (name === 'nonce' && (typeof value === 'string' || value === null)) {
      nonce = value;
      hasNonce = true;
    } else if (name === 'accessToken' && typeof value === 'string') {
      accessToken = value;
    } else {
      return undefined;
    }
  }
  return hasNonce ? { nonce, accessToken } : undefined;
}

function idTokenRunner(fnName, options) {
  const keys = keysOf(fnName, options);
  const prepared = new PreparedIdTokenVerifier(options);
  const maxTokenSize = caps().maxTokenSize;
  return (token, perCall) => {
    refuseOversizedToken(token, maxTokenSize);
    const call = typeof token === 'string' ? fastCall(perCall) : undefined;
    // The per-call values and the key set are read before the token is written: nothing runs
    // between the write and the core's copy of it.
    const keySet = keys();
    const length = call === undefined ? undefined : writeInput(token);
    const text =
      length === undefined
        ? prepared.verifyValues(token, keySet, perCall)
        : prepared.verify(length, keySet, call.nonce, call.accessToken);
    return JSON.parse(text);
  };
}

function logoutTokenRunner(fnName, options) {
  const keys = keysOf(fnName, options);
  const prepared = new PreparedLogoutTokenVerifier(options);
  const maxTokenSize = caps().maxTokenSize;
  return (token) => {
    refuseOversizedToken(token, maxTokenSize);
    const keySet = keys();
    const length = typeof token === 'string' ? writeInput(token) : undefined;
    const text = length === undefined ? prepared.verifyValue(token, keySet) : prepared.verify(length, keySet);
    return JSON.parse(text);
  };
}

/**
 * A prepared ID token verifier: `verify(token, { nonce, accessToken? })` returns the claims.
 * `options` are `verifyIdToken`'s without `nonce` and `accessToken`, checked now (a mistake
 * throws here, not at the first token).
 */
export function createIdTokenVerifier(options) {
  const run = idTokenRunner('createIdTokenVerifier', options);
  // A synchronous call decides its signatures with the host's synchronous verifier or the core's
  // arithmetic, never with an asynchronous verifier's answers (see api.js, withLive).
  return function verifyIdToken(token, perCall) {
    return answering(undefined, () => run(token, perCall));
  };
}

/** {@link createIdTokenVerifier}, verifying with WebCrypto where that is the fast way (a Promise). */
export function createIdTokenVerifierAsync(options) {
  const run = idTokenRunner('createIdTokenVerifierAsync', options);
  return async function verifyIdTokenAsync(token, perCall) {
    return withAsyncSignatures(() => run(token, perCall));
  };
}

/**
 * A prepared back-channel logout token verifier: `verify(token)` returns the claims (keep `jti`
 * to refuse replays). `options` are `verifyLogoutToken`'s, checked now.
 */
export function createLogoutTokenVerifier(options) {
  const run = logoutTokenRunner('createLogoutTokenVerifier', options);
  return function verifyLogoutToken(token) {
    return answering(undefined, () => run(token));
  };
}

/** {@link createLogoutTokenVerifier}, verifying with WebCrypto where that is the fast way. */
export function createLogoutTokenVerifierAsync(options) {
  const run = logoutTokenRunner('createLogoutTokenVerifierAsync', options);
  return async function verifyLogoutTokenAsync(token) {
    return withAsyncSignatures(() => run(token));
  };
}

/**
 * `decodeJwt(token)` for a string token within the default cap and no options: one crossing, the
 * core's validated `{ header, payload, signature }` text parsed once. `undefined` when the call
 * needs the general path (options, or a token that is not a string).
 */
export function decodeJwtFast(token, options) {
  if (options !== undefined || typeof token !== 'string') return undefined;
  refuseOversizedToken(token);
  const length = writeInput(token);
  return length === undefined ? undefined : JSON.parse(decodeJwtText(length));
}

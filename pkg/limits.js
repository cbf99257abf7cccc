// The size caps on every input from outside, refused here BEFORE the input is copied into wasm
// memory: wasm memory grows to hold whatever is passed in and never shrinks, so an attacker's
// 100 MB body would otherwise cost the process 100 MB (or more) for its whole life. The caps
// themselves are the core's (`limits()`, src/limits.rs), read once on first use (the browser
// build loads its wasm in `ready()`, after this module is imported); the core refuses the same
// sizes again, so these checks only move the refusal in front of the copy.
import { limits as coreLimits } from './wasm/govuk_one_login_tokens.js';
import { TokenError, invalidArgument } from './errors.js';

let cached;

/**
 * The caps, from the core: `{ maxTokenSize, maxLogoutBodySize, maxCallbackSize,
 * maxDocumentSize, maxResponseSize, maxOptionStringSize, maxJtiLength,
 * maxLogoutTokenLifetime, ... }` (bytes, characters for `maxJtiLength`, seconds for the
 * lifetime).
 */
export function caps() {
  cached ??= Object.freeze(coreLimits());
  return cached;
}

/**
 * The UTF-8 length of `text`, or `cap + 1` as soon as it is known to exceed `cap`. Cheap first:
 * a string has at least as many UTF-8 bytes as UTF-16 code units and at most three times as
 * many, so only a string between cap/3 and cap code units is counted byte by byte.
 */
export function utf8LengthUpTo(text, cap) {
  const units = text.length;
  if (units > cap) return cap + 1;
  if (units * 3 <= cap) return units; // at most `cap` bytes whatever it holds
  let bytes = 0;
  for (let i = 0; i < units; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < units) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4; // a surrogate pair is one 4-byte character
        i++;
      } else bytes += 3; // a lone surrogate becomes U+FFFD (3 bytes)
    } else bytes += 3;
    if (bytes > cap) return cap + 1;
  }
  return bytes;
}

/**
 * Throw a `TokenError` with `code` when `value` is a string larger than `cap` UTF-8 bytes;
 * anything else passes untouched (the core reports a wrong type). Returns `value`.
 *
 * @param {unknown} value
 * @param {{ cap: number, code: string, what: string, option?: string }} rule `option` names the
 *   option for `ERR_INVALID_ARGUMENT`.
 */
export function refuseOversized(value, { cap, code, what, option }) {
  if (typeof value === 'string' && utf8LengthUpTo(value, cap) > cap) {
    const message = `${what} is larger than ${cap} bytes`;
    throw code === 'ERR_INVALID_ARGUMENT' ? invalidArgument(option ?? 'options', message) : new TokenError(code, message);
  }
  return value;
}

/**
 * A token (ID, logout, core identity, or any JWT): `ERR_JWS_INVALID` (the core's code for it)
 * over `maxTokenSize`, or over `cap` when the caller chose one (`verifyJwt`'s `maxTokenSize`).
 */
export function refuseOversizedToken(token, cap = caps().maxTokenSize) {
  if (typeof token === 'string' && utf8LengthUpTo(token, cap) > cap) {
    throw new TokenError('ERR_JWS_INVALID', `token is larger than the ${cap}-byte limit`);
  }
  return token;
}

/**
 * A JWKS or DID document passed directly (text, or an object, measured as the JSON text the
 * core would parse): `ERR_JWKS_INVALID` over `maxDocumentSize`. Returns what to pass on: the
 * text, or the object's JSON text, so an object is stringified once.
 */
export function refuseOversizedDocument(document, what) {
  const rule = { cap: caps().maxDocumentSize, code: 'ERR_JWKS_INVALID', what: `the ${what}` };
  if (typeof document === 'string') return refuseOversized(document, rule);
  if (document !== null && typeof document === 'object' && Object.getPrototypeOf(document) !== null && !ArrayBuffer.isView(document)) {
    let text;
    try {
      text = JSON.stringify(document);
    } catch {
      return document; // the core reports an unusable document
    }
    return typeof text === 'string' ? refuseOversized(text, rule) : document;
  }
  return document;
}

/**
 * A back-channel logout body: a string (form text or the token), `URLSearchParams` or an object
 * of parameters; `ERR_JWT_INVALID` over `maxLogoutBodySize` (for an object, its `logout_token`).
 */
export function refuseOversizedLogoutBody(body) {
  const rule = { cap: caps().maxLogoutBodySize, code: 'ERR_JWT_INVALID', what: 'the back-channel logout body' };
  if (typeof body === 'string') return refuseOversized(body, rule);
  if (typeof URLSearchParams === 'function' && body instanceof URLSearchParams) {
    for (const value of body.getAll('logout_token')) refuseOversized(value, rule);
    return body;
  }
  if (body !== null && typeof body === 'object') {
    const own = Object.getOwnPropertyDescriptor(body, 'logout_token');
    if (own !== undefined && 'value' in own) refuseOversized(own.value, rule);
  }
  return body;
}

/**
 * An authorization callback: a URL string, a `URL`, `URLSearchParams` or an object of its
 * parameters; `ERR_OAUTH_AUTHORIZATION_ERROR` over `maxCallbackSize` (for an object, its
 * parameters together).
 */
export function refuseOversizedCallback(callback) {
  const cap = caps().maxCallbackSize;
  const rule = { cap, code: 'ERR_OAUTH_AUTHORIZATION_ERROR', what: 'the callback' };
  if (typeof callback === 'string') return refuseOversized(callback, rule);
  if (typeof URL === 'function' && callback instanceof URL) {
    refuseOversized(callback.href, rule);
  } else if (typeof URLSearchParams === 'function' && callback instanceof URLSearchParams) {
    refuseOversized(callback.toString(), rule);
  } else if (callback !== null && typeof callback === 'object') {
    let total = 0;
    for (const name of ['code', 'state', 'error', 'error_description']) {
      const own = Object.getOwnPropertyDescriptor(callback, name);
      if (own !== undefined && typeof own.value === 'string') total += utf8LengthUpTo(own.value, cap);
      if (total > cap) throw new TokenError(rule.code, `${rule.what} is larger than ${cap} bytes`);
    }
  }
  return callback;
}

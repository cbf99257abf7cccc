// The friendly verify/sign functions and the argument checks the wasm glue cannot do itself (a
// freed key set would reach Rust as a null pointer). Rust checks every other argument, strings
// included, and validates tokens, keys, claims and options; nothing here looks at a claim.
import {
  pkceChallenge as rawPkceChallenge,
  pkceMatches as rawPkceMatches,
  decodeJwt as rawDecodeJwt,
  verifyJwtWithKeySet as rawVerifyJwtWithKeySet,
  verifyIdTokenWithKeySet as rawVerifyIdTokenWithKeySet,
  verifyCoreIdentityWithDidDocument as rawVerifyCoreIdentityWithDidDocument,
  verifyLogoutTokenWithKeySet as rawVerifyLogoutTokenWithKeySet,
  signClientAssertionWithKey as rawSignClientAssertionWithKey,
  signRequestObjectWithKey as rawSignRequestObjectWithKey,
  inspectToken as rawInspectToken,
  verifyIdTokenInput,
  verifyJwtInput,
  verifyLogoutTokenInput,
} from './wasm/govuk_one_login_tokens.js';
import { KeySet, DidDocument, SigningKey, requireLive } from './classes.js';
import { invalidArgument } from './errors.js';
import { withAsyncSignatures } from './async-signatures.js';
import { answering } from './host-crypto.js';
import { refuseOversizedToken, refuseOversizedDocument } from './limits.js';
import { decodeJwtFast, hasInputVerifiers, writeInput } from './prepared.js';

// What a document option is, in the size refusal's message (a SigningKey is not capped here).
const DOCUMENT_NAMES = new Map([
  [KeySet, 'JWKS'],
  [DidDocument, 'DID document'],
]);

/** `given`, refused by the document cap before it reaches wasm memory (see limits.js). */
function cappedDocument(given, Class) {
  const what = DOCUMENT_NAMES.get(Class);
  return what === undefined ? given : refuseOversizedDocument(given, what);
}

/** A caller's own `maxTokenSize` (read as an own property), else the core's default cap. */
function tokenCap(options) {
  const own = options !== null && typeof options === 'object' ? Object.getOwnPropertyDescriptor(options, 'maxTokenSize') : undefined;
  return typeof own?.value === 'number' && Number.isSafeInteger(own.value) && own.value > 0 ? own.value : undefined;
}

/**
 * The one place that turns `options[name]` into a parsed instance of `Class`: an instance is
 * used as is (the caller owns it and reuses it); anything else (JSON text, a plain object, a
 * PEM) is parsed for this call only and freed afterwards, whatever happens.
 */
function withParsed(fnName, options, name, Class, use) {
  const given = requiredDocument(fnName, options, name);
  if (given instanceof Class) {
    requireLive(given, Class, name);
    return use(given);
  }
  const parsed = new Class(cappedDocument(given, Class));
  try {
    return use(parsed);
  } finally {
    parsed.free();
  }
}

/** {@link withParsed} for an asynchronous `use`: a parsed instance lives until it settles. */
async function withParsedAsync(fnName, options, name, Class, use) {
  const given = requiredDocument(fnName, options, name);
  if (given instanceof Class) {
    requireLive(given, Class, name);
    // A round after the first re-checks: the caller may free it while WebCrypto works.
    return use(() => {
      requireLive(given, Class, name);
      return given;
    });
  }
  const parsed = new Class(cappedDocument(given, Class));
  try {
    return await use(() => parsed);
  } finally {
    parsed.free();
  }
}

function requiredDocument(fnName, options, name) {
  if (options === null || typeof options !== 'object') {
    throw invalidArgument('options', `${fnName} options must be an object with "${name}"`);
  }
  const given = options[name];
  if (given === undefined || given === null) {
    throw invalidArgument(name, `"${name}" option is required`);
  }
  return given;
}

/**
 * Run every One Login check on a token without stopping at the first failure (the checks the
 * verifiers run): `{ kind, verdict, checks, header, claims, identity }`. For inspectors.
 */
export function inspectToken(token, options) {
  refuseOversizedToken(token);
  return answering(undefined, () => rawInspectToken(token, options));
}

/** Decode a JWT without verifying it: `{ header, payload, signature }`. */
export function decodeJwt(token, options) {
  // The common call (a string, no options) crosses once (prepared.js).
  const fast = decodeJwtFast(token, options);
  if (fast !== undefined) return fast;
  refuseOversizedToken(token, tokenCap(options));
  return rawDecodeJwt(token, options);
}

/** The S256 `code_challenge` of a `code_verifier`. */
export const pkceChallenge = rawPkceChallenge;

/** Whether `codeChallenge` is the S256 challenge of `codeVerifier`. */
export const pkceMatches = rawPkceMatches;

// The lower-level forms that take a parsed instance; kept for callers who manage key lifetimes
// themselves (OneLoginClient does).

/**
 * `raw`, with its parsed-instance argument (at `position`) checked to be live first. A
 * synchronous call decides its signatures with the host's synchronous verifier or the core's
 * arithmetic, never with an asynchronous verifier's answers, even when a caller's option getter
 * makes it in the middle of one (see async-signatures.js).
 */
function withLive(raw, position, Class, name) {
  const checked = (...args) => {
    requireLive(args[position], Class, name);
    // A verifier's token (first argument) is refused by its size before it reaches wasm memory.
    if (position === 1) refuseOversizedToken(args[0], tokenCap(args[2]));
    return answering(undefined, () => raw(...args));
  };
  return Object.defineProperty(checked, 'name', { value: raw.name });
}

/**
 * `raw(token, keys, options)`, with a string token written straight into wasm memory and passed
 * to `viaInput(length, keys, options)` (the same verification; see prepared.js): the glue would
 * copy it character by character. Anything else, or a token too long for the buffer, goes to `raw`.
 */
function withInput(raw, viaInput) {
  const call = (token, keys, options) => {
    const length =
      typeof token === 'string' && keys instanceof KeySet && keys.__wbg_ptr > 0 && hasInputVerifiers() ? writeInput(token) : undefined;
    return length === undefined ? raw(token, keys, options) : viaInput(length, keys, options);
  };
  return Object.defineProperty(call, 'name', { value: raw.name });
}

const rawJwt = withInput(rawVerifyJwtWithKeySet, verifyJwtInput);
const rawIdToken = withInput(rawVerifyIdTokenWithKeySet, verifyIdTokenInput);
const rawLogoutToken = withInput(rawVerifyLogoutTokenWithKeySet, verifyLogoutTokenInput);

export const verifyJwtWithKeySet = withLive(rawJwt, 1, KeySet, 'keys');
export const verifyIdTokenWithKeySet = withLive(rawIdToken, 1, KeySet, 'keys');
export const verifyCoreIdentityWithDidDocument = withLive(rawVerifyCoreIdentityWithDidDocument, 1, DidDocument, 'didDocument');
export const verifyLogoutTokenWithKeySet = withLive(rawLogoutToken, 1, KeySet, 'keys');
export const signClientAssertionWithKey = withLive(rawSignClientAssertionWithKey, 0, SigningKey, 'key');
export const signRequestObjectWithKey = withLive(rawSignRequestObjectWithKey, 0, SigningKey, 'key');

/**
 * Verify a JWT's signature and registered claims and return its payload. `options.jwks` is a
 * `KeySet` (reused as is), a JWKS object, or a JWKS JSON string (parsed for this call only).
 */
export function verifyJwt(token, options) {
  refuseOversizedToken(token, tokenCap(options));
  return withParsed('verifyJwt', options, 'jwks', KeySet, (keys) => verifyJwtWithKeySet(token, keys, options));
}

/** Verify a One Login ID token; returns its claims. `options.jwks` as for `verifyJwt`. */
export function verifyIdToken(token, options) {
  refuseOversizedToken(token, tokenCap(options));
  return withParsed('verifyIdToken', options, 'jwks', KeySet, (keys) => verifyIdTokenWithKeySet(token, keys, options));
}

/**
 * Verify a core identity credential JWT; returns `{ claims, identity }`. `options.didDocument`
 * is a `DidDocument` (reused) or the document as an object or JSON text.
 */
export function verifyCoreIdentity(token, options) {
  refuseOversizedToken(token, tokenCap(options));
  return withParsed('verifyCoreIdentity', options, 'didDocument', DidDocument, (did) =>
    verifyCoreIdentityWithDidDocument(token, did, options),
  );
}

/** Verify a back-channel logout token; returns its claims (keep `jti` to refuse replays). */
export function verifyLogoutToken(token, options) {
  refuseOversizedToken(token, tokenCap(options));
  return withParsed('verifyLogoutToken', options, 'jwks', KeySet, (keys) =>
    verifyLogoutTokenWithKeySet(token, keys, options),
  );
}

/**
 * Sign a `private_key_jwt` client assertion. `options.privateKey` is a `SigningKey` (reused) or
 * a PKCS#8 PEM / RSA private JWK (parsed for this call only).
 */
export function signClientAssertion(options) {
  return withParsed('signClientAssertion', options, 'privateKey', SigningKey, (key) =>
    signClientAssertionWithKey(key, options),
  );
}

/** Sign a JWT-secured authorization request (RS256) with the `buildAuthorizationUrl` parameters. */
export function signRequestObject(options) {
  return withParsed('signRequestObject', options, 'privateKey', SigningKey, (key) =>
    signRequestObjectWithKey(key, options),
  );
}

// The asynchronous twins: the same options, checks and errors as the functions above, as a
// Promise. Where the host has no synchronous native verifier (browsers, Workers, edge runtimes),
// WebCrypto does the signature arithmetic after the core's checks (async-signatures.js); in
// Node, Bun and Deno they run the synchronous functions (see node-setup.js).

/** {@link verifyJwt}, with the signature checked by WebCrypto where that is the fast way. */
export async function verifyJwtAsync(token, options) {
  refuseOversizedToken(token, tokenCap(options));
  return withParsedAsync('verifyJwtAsync', options, 'jwks', KeySet, (keys) =>
    withAsyncSignatures(() => rawJwt(token, keys(), options)),
  );
}

/** {@link verifyIdToken}, with the signature checked by WebCrypto where that is the fast way. */
export async function verifyIdTokenAsync(token, options) {
  refuseOversizedToken(token, tokenCap(options));
  return withParsedAsync('verifyIdTokenAsync', options, 'jwks', KeySet, (keys) =>
    withAsyncSignatures(() => rawIdToken(token, keys(), options)),
  );
}

/** {@link verifyCoreIdentity}, with the signature checked by WebCrypto where that is the fast way. */
export async function verifyCoreIdentityAsync(token, options) {
  refuseOversizedToken(token, tokenCap(options));
  return withParsedAsync('verifyCoreIdentityAsync', options, 'didDocument', DidDocument, (did) =>
    withAsyncSignatures(() => rawVerifyCoreIdentityWithDidDocument(token, did(), options)),
  );
}

/** {@link verifyLogoutToken}, with the signature checked by WebCrypto where that is the fast way. */
export async function verifyLogoutTokenAsync(token, options) {
  refuseOversizedToken(token, tokenCap(options));
  return withParsedAsync('verifyLogoutTokenAsync', options, 'jwks', KeySet, (keys) =>
    withAsyncSignatures(() => rawLogoutToken(token, keys(), options)),
  );
}

/**
 * govuk-one-login-tokens: verify GOV.UK One Login tokens (compact JWS/JWT, ES256 and RS256, JWKS)
 * and create PKCE, `state` and `nonce` values. A Rust core compiled to WebAssembly.
 *
 * In Node.js (ESM `import` or CommonJS `require`) every export is ready on load. In browsers and
 * bundlers, `await init()` once before calling anything else.
 *
 * Every failure throws a {@link TokenError} with a stable {@link ErrorCode}.
 *
 * @module
 */

/**
 * Every error code this package throws. They match panva/jose's codes and meanings where jose
 * has one, and are public API: a code is never renamed.
 *
 * - `ERR_JWT_INVALID`: the payload is not a JSON object (or the JWT is otherwise unusable).
 * - `ERR_JWS_INVALID`: segments, base64url, header or signature encoding is malformed.
 * - `ERR_JOSE_ALG_NOT_ALLOWED`: the header `alg` is not on the allow-list (`none`, `HS256`, …).
 * - `ERR_JOSE_NOT_SUPPORTED`: an unknown `crit` extension, `b64: false`, an unsupported key type.
 * - `ERR_JWK_INVALID`: a key is malformed or unacceptable (RSA under 2048 bits, point off the curve…).
 * - `ERR_JWKS_INVALID`: a key set is malformed.
 * - `ERR_JWKS_NO_MATCHING_KEY`: no key fits the token's `kid` and `alg`.
 * - `ERR_JWKS_MULTIPLE_MATCHING_KEYS`: more than one key fits.
 * - `ERR_JWS_SIGNATURE_VERIFICATION_FAILED`: the signature does not verify.
 * - `ERR_JWT_EXPIRED`: `exp` is in the past, beyond the clock tolerance.
 * - `ERR_JWT_CLAIM_VALIDATION_FAILED`: a claim is missing, of the wrong type or unexpected
 *   (see {@link TokenError.claim} and {@link TokenError.reason}).
 * - `ERR_INVALID_ARGUMENT`: the caller passed an invalid argument or option (a programming error).
 * - `ERR_RANDOM_UNAVAILABLE`: the host has no usable `crypto.getRandomValues`.
 */
export type ErrorCode =
  | 'ERR_JWT_INVALID'
  | 'ERR_JWS_INVALID'
  | 'ERR_JOSE_ALG_NOT_ALLOWED'
  | 'ERR_JOSE_NOT_SUPPORTED'
  | 'ERR_JWK_INVALID'
  | 'ERR_JWKS_INVALID'
  | 'ERR_JWKS_NO_MATCHING_KEY'
  | 'ERR_JWKS_MULTIPLE_MATCHING_KEYS'
  | 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED'
  | 'ERR_JWT_EXPIRED'
  | 'ERR_JWT_CLAIM_VALIDATION_FAILED'
  | 'ERR_INVALID_ARGUMENT'
  | 'ERR_RANDOM_UNAVAILABLE';

/**
 * Why a claim failed: `missing` (required but absent), `invalid` (present with the wrong type or
 * form), `check_failed` (well-formed but not what was expected, e.g. `iss` differs or `nbf` is
 * in the future).
 */
export type ClaimFailureReason = 'missing' | 'invalid' | 'check_failed';

/** The algorithms this package can verify. Anything else is refused before any key is looked at. */
export type Algorithm = 'ES256' | 'RS256';

/**
 * The one error class. Branch on `code`:
 *
 * ```js
 * try { verifyJwt(token, { jwks, issuer, audience }); }
 * catch (err) {
 *   if (err instanceof TokenError && err.code === 'ERR_JWT_EXPIRED') { ... }
 * }
 * ```
 */
export class TokenError extends Error {
  /** Create an error; the package creates these itself, so applications rarely need to. */
  constructor(
    code: ErrorCode,
    message: string,
    options?: { claim?: string; reason?: ClaimFailureReason; cause?: unknown },
  );
  /** Always `'TokenError'`. */
  name: 'TokenError';
  /** The stable machine-readable code. */
  code: ErrorCode;
  /** The claim concerned (`'exp'`, `'iss'`, `'aud'`, …), for claim failures only. */
  claim?: string;
  /** Why the claim failed, for `ERR_JWT_CLAIM_VALIDATION_FAILED` only. */
  reason?: ClaimFailureReason;
}

/** A JOSE header as decoded from a token (unverified unless it came from verification). */
export interface JwtHeader {
  /** The signature algorithm named by the token. */
  alg: string;
  /** Key ID, used to pick the key from the key set. */
  kid?: string;
  /** Media type, e.g. `'JWT'`. */
  typ?: string;
  /** Critical extensions; any unknown name makes verification fail. */
  crit?: string[];
  [parameter: string]: unknown;
}

/** A JWT claims set. Registered claims are typed; everything else is `unknown`. */
export interface JwtPayload {
  /** Issuer. */
  iss?: string;
  /** Subject. */
  sub?: string;
  /** Audience: one string or several. */
  aud?: string | string[];
  /** Expiry, Unix seconds. */
  exp?: number;
  /** Not before, Unix seconds. */
  nbf?: number;
  /** Issued at, Unix seconds. */
  iat?: number;
  /** JWT ID. */
  jti?: string;
  [claim: string]: unknown;
}

/** The three parts of a compact JWS, decoded without any verification. */
export interface DecodedJwt {
  /** The protected header, parsed. */
  header: JwtHeader;
  /** The payload, parsed as a JSON object. */
  payload: JwtPayload;
  /** The signature exactly as in the token (base64url, not decoded). */
  signature: string;
}

/** Options for {@link decodeJwt}. */
export interface DecodeOptions {
  /** Largest accepted token length in bytes, checked before any decoding. Default 65536. */
  maxTokenSize?: number;
}

/** Options for {@link verifyJwtWithKeySet} (and {@link verifyJwt}, which adds `jwks`). */
export interface VerifyOptions {
  /** Allowed `alg` values. Default: both `ES256` and `RS256`. */
  algorithms?: Algorithm[];
  /** Required exact `iss`. When given, a token without `iss` fails. */
  issuer?: string;
  /** Required audience: `aud` must equal it or, as an array, contain it. */
  audience?: string;
  /** The current time in Unix seconds (may be fractional). Default: the host clock. */
  now?: number;
  /** Allowed clock skew in seconds for `exp`, `nbf` and `iat`. Finite, non-negative; default 30. */
  clockTolerance?: number;
  /** Largest accepted token length in bytes, checked before any decoding. Default 65536. */
  maxTokenSize?: number;
  /** Require a `kid` header and an exact key match. */
  requireKid?: boolean;
}

/** A public JSON Web Key as it appears in a JWKS (only EC P-256 and RSA keys are usable). */
export interface Jwk {
  kty: string;
  kid?: string;
  alg?: string;
  use?: string;
  key_ops?: string[];
  crv?: string;
  x?: string;
  y?: string;
  n?: string;
  e?: string;
  [parameter: string]: unknown;
}

/** A JSON Web Key Set. */
export interface Jwks {
  keys: Jwk[];
  [member: string]: unknown;
}

/** What {@link verifyJwt} accepts as keys: a parsed {@link KeySet}, a JWKS object or its JSON text. */
export type JwksInput = KeySet | Jwks | string;

/** Options for {@link verifyJwt}: the keys plus every {@link VerifyOptions} field. */
export interface VerifyJwtOptions extends VerifyOptions {
  /** The keys to verify with. A `KeySet` is reused; a JWKS object or string is parsed per call. */
  jwks: JwksInput;
}

/** A key that was left out of a {@link KeySet}, and why. */
export interface RejectedKey {
  /** The key's `kid`, when it had one. */
  kid?: string;
  /** Why it was left out. */
  code: ErrorCode;
  /** A short description. */
  message: string;
}

/**
 * A parsed, validated JSON Web Key Set. Parse it once and reuse it for many verifications.
 * Unusable keys (unsupported types, RSA under 2048 bits, …) are left out and listed in `rejected`.
 * Holds WebAssembly memory: call `free()` when done, or rely on garbage collection.
 *
 * @throws {TokenError} `ERR_JWKS_INVALID` when the document is not a key set.
 */
export class KeySet {
  /** Parse a JWKS given as an object or as JSON text. */
  constructor(jwks: Jwks | string);
  /** How many keys are usable. */
  readonly size: number;
  /** The `kid` of each usable key, in document order (`undefined` for a key without one). */
  readonly kids: Array<string | undefined>;
  /** The keys that were left out, with the reason. */
  readonly rejected: RejectedKey[];
  /** Release the WebAssembly memory. The key set must not be used afterwards. */
  free(): void;
}

/** A PKCE pair (RFC 7636, S256). Keep `codeVerifier` secret; send `codeChallenge`. */
export interface Pkce {
  /** 43 base64url characters from 32 random bytes. */
  codeVerifier: string;
  /** base64url(SHA-256(codeVerifier)). */
  codeChallenge: string;
  /** Always `'S256'`. */
  codeChallengeMethod: 'S256';
}

/** Create a fresh PKCE verifier and its S256 challenge. @throws {TokenError} `ERR_RANDOM_UNAVAILABLE` */
export function createPkce(): Pkce;

/** The S256 challenge for a code verifier. @throws {TokenError} `ERR_INVALID_ARGUMENT` for a malformed verifier. */
export function pkceChallenge(codeVerifier: string): string;

/** Whether `codeChallenge` is the S256 challenge of `codeVerifier` (constant-time comparison). */
export function pkceMatches(codeVerifier: string, codeChallenge: string): boolean;

/** A fresh OAuth `state` value (at least 128 random bits, base64url). @throws {TokenError} `ERR_RANDOM_UNAVAILABLE` */
export function randomState(): string;

/** A fresh OpenID Connect `nonce` value (at least 128 random bits, base64url). @throws {TokenError} `ERR_RANDOM_UNAVAILABLE` */
export function randomNonce(): string;

/**
 * Decode a compact JWS **without verifying anything**. For inspection and debugging only; never
 * trust the result. @throws {TokenError} `ERR_JWS_INVALID`, `ERR_JWT_INVALID`, `ERR_INVALID_ARGUMENT`
 */
export function decodeJwt(token: string, options?: DecodeOptions): DecodedJwt;

/**
 * Verify a JWT's signature with a key from `keys`, then its registered claims, and return the
 * payload. @throws {TokenError} on any failure.
 */
export function verifyJwtWithKeySet(token: string, keys: KeySet, options?: VerifyOptions): JwtPayload;

/**
 * Verify a JWT's signature and registered claims and return its payload. `options.jwks` is a
 * {@link KeySet} (reused), a JWKS object or a JWKS JSON string (parsed for this call only).
 *
 * ```js
 * const payload = verifyJwt(idToken, { jwks, issuer, audience: clientId, algorithms: ['ES256'] });
 * ```
 *
 * @throws {TokenError} on any failure; `ERR_INVALID_ARGUMENT` when `jwks` is missing.
 */
export function verifyJwt(token: string, options: VerifyJwtOptions): JwtPayload;

/**
 * Load the WebAssembly module. Needed once in browsers and bundlers (`await init()`); a no-op once
 * loaded, and always in Node.js. Without an argument the `.wasm` next to the glue is fetched
 * (bundlers rewrite that URL to their asset); pass a URL, `Response`, bytes or a compiled module to
 * load it from elsewhere.
 */
export default function init(moduleOrPath?: InitInput | Promise<InitInput>): Promise<void>;

/** Instantiate synchronously from the `.wasm` bytes or a compiled module (a no-op once loaded). */
export function initSync(module: ArrayBuffer | ArrayBufferView | WebAssembly.Module): void;

/** Where {@link init} can load the `.wasm` from (the same inputs as wasm-bindgen's `init`). */
export type InitInput = string | URL | Request | Response | ArrayBuffer | ArrayBufferView | WebAssembly.Module;

/**
 * govuk-one-login-tokens: verify GOV.UK One Login tokens (ID tokens, core identity credentials,
 * logout tokens; ES256 and RS256), sign client assertions and request objects, and create PKCE,
 * `state` and `nonce` values. A Rust core compiled to WebAssembly. {@link OneLoginClient} adds
 * fetching and caching of One Login's keys.
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
 * - `ERR_JWKS_TIMEOUT`: ({@link OneLoginClient} and the CLI only) a JWKS or DID document did not
 *   arrive in time.
 * - `ERR_JWKS_FETCH_FAILED`: ({@link OneLoginClient} and the CLI only) a JWKS or DID document
 *   could not be fetched: network error, an answer other than HTTP 200, or unusable content.
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
  | 'ERR_RANDOM_UNAVAILABLE'
  | 'ERR_JWKS_TIMEOUT'
  | 'ERR_JWKS_FETCH_FAILED'
  | 'ERR_OAUTH_STATE_MISMATCH'
  | 'ERR_OAUTH_AUTHORIZATION_ERROR'
  | 'ERR_OAUTH_TOKEN_ERROR'
  | 'ERR_OAUTH_USERINFO_ERROR'
  | 'ERR_LOGOUT_TOKEN_REPLAYED';

/**
 * Why a claim failed: `missing` (required but absent), `invalid` (present with the wrong type or
 * form), `check_failed` (well-formed but not what was expected, e.g. `iss` differs or `nbf` is
 * in the future).
 */
export type ClaimFailureReason = 'missing' | 'invalid' | 'check_failed' | FlowFailureReason;

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

/** What a token was recognised as. */
export type TokenKind = 'id_token' | 'core_identity' | 'logout_token' | 'access_token' | 'jwt';

/** Inputs for {@link inspectToken}; each one left out skips the checks that need it. */
export interface InspectOptions {
  /** Inspect as this kind instead of the recognised one. */
  kind?: TokenKind | 'auto';
  /** The JWKS (ID, logout and access tokens), as JSON text or an object. */
  jwks?: Jwks | string;
  /** One Login's DID document (core identity credentials), as JSON text or an object. */
  didDocument?: object | string;
  environment?: Environment;
  /** The expected `iss`, overriding the environment's. */
  issuer?: string;
  clientId?: string;
  /** The nonce sent; `null` if none was sent. */
  nonce?: string | null;
  vtr?: string | string[];
  maxAge?: number;
  accessToken?: string;
  /** The ID token's `sub`, for a core identity credential. */
  sub?: string;
  /** Unix seconds to check at (default: now). */
  now?: number;
  clockTolerance?: number;
}

/** One check of an inspection. */
export interface InspectCheck {
  id: string;
  label: string;
  status: 'pass' | 'fail' | 'skipped';
  /** For a failure: the error code a verifier would throw. */
  code?: ErrorCode;
  message?: string;
  claim?: string;
  reason?: ClaimFailureReason;
  /** For a skipped check: why. */
  skipped?: 'prerequisite' | 'missing_input' | 'not_requested';
  /** For a skipped check: the option that would let it run. */
  input?: string;
  /** It read claims while the signature had not verified: a pass only says what the token claims. */
  unverified: boolean;
}

/** A name from a core identity credential. */
export interface IdentityName {
  givenNames: string[];
  familyNames: string[];
  fullName: string;
  validFrom?: string;
  validUntil?: string;
}

/** The result of {@link inspectToken}. */
export interface Inspection {
  kind: TokenKind;
  kindReason: string;
  /** `valid` only when every check ran and passed. */
  verdict: 'valid' | 'invalid' | 'incomplete';
  signatureVerified: boolean;
  header?: JwtHeader;
  /** The claims, verified only when `verdict` is `valid`. */
  claims?: JwtPayload;
  checks: InspectCheck[];
  identity?: { currentName: IdentityName | null; historicNames: IdentityName[]; birthDates: string[] };
}

/**
 * Run every One Login check on a token without stopping at the first failure (the same checks the
 * verifiers run), for inspectors and debugging. Token problems are failed checks, not exceptions.
 * @throws {TokenError} `ERR_INVALID_ARGUMENT` for bad options, `ERR_JWKS_INVALID` / `ERR_JWK_INVALID` for an unusable JWKS or DID document.
 */
export function inspectToken(token: string, options?: InspectOptions): Inspection;

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

// ---------------------------------------------------------------------------------------------
// GOV.UK One Login
// ---------------------------------------------------------------------------------------------

/** One Login's two environments. */
export type EnvironmentName = 'integration' | 'production';

/**
 * Any other One Login-like provider (the simulator, a test double). `baseUrl` derives everything
 * the way the simulator does (`http://localhost:3000` gives issuer `http://localhost:3000/`, the
 * same identity issuer, and DID id `did:web:localhost%3A3000`); any single value can be
 * overridden.
 */
export type CustomEnvironment = ({ baseUrl: string; issuer?: string } | { issuer: string; baseUrl?: string }) & {
  discoveryUrl?: string;
  jwksUrl?: string;
  authorizeUrl?: string;
  tokenUrl?: string;
  userinfoUrl?: string;
  endSessionUrl?: string;
  identityIssuer?: string;
  didUrl?: string;
  didId?: string;
};

/** Where tokens come from: `'integration'`, `'production'` or a {@link CustomEnvironment}. */
export type Environment = EnvironmentName | CustomEnvironment;

/** What {@link getEnvironment} returns: the URLs and identifiers of an environment. */
export interface EnvironmentInfo {
  /** OIDC issuer (`iss` of ID and logout tokens), with its trailing slash. */
  issuer: string;
  discoveryUrl: string;
  jwksUrl: string;
  authorizeUrl: string;
  tokenUrl: string;
  /** `iss` of core identity credentials. */
  identityIssuer: string;
  /** The only URL to fetch the DID document from (never a generic `did:web` resolver). */
  didUrl: string;
  /** The DID document's `id`, e.g. `did:web:identity.integration.account.gov.uk`. */
  didId: string;
}

/** The URLs and identifiers of a One Login environment. @throws {TokenError} `ERR_INVALID_ARGUMENT` */
export function getEnvironment(environment: Environment): EnvironmentInfo;

/** The expected issuer: from an environment, or given outright (`issuer` wins when both are set). */
export type IssuerOption = { environment: Environment; issuer?: string } | { issuer: string; environment?: Environment };

/**
 * A vector of trust as sent in `vtr`: the JSON text (`'["Cl.Cm.P2"]'`), one vector (`'Cl.Cm.P2'`)
 * or an array of vectors.
 */
export type Vtr = string | string[];

/** The checks of an ID token (without the keys). */
export interface IdTokenChecks {
  /** Your client ID: `aud` must contain it (and `azp` equal it when there are several audiences). */
  clientId: string;
  /** The nonce you sent, or `null` to state explicitly that you sent none. */
  nonce: string | null;
  /** The `vtr` you requested; `vot` must be its credential-trust part (default `Cl.Cm`). */
  vtr?: Vtr;
  /** The `max_age` you sent, in seconds: `auth_time` must be recent enough. */
  maxAge?: number;
  /** The access token from the same response: `at_hash` must match it. */
  accessToken?: string;
  /** The current time in Unix seconds. Default: the host clock. */
  now?: number;
  /** Allowed clock skew in seconds. Default 30. */
  clockTolerance?: number;
}

/** Options of {@link verifyIdTokenWithKeySet}. */
export type IdTokenOptions = IdTokenChecks & IssuerOption;

/** Options of {@link verifyIdToken}: the keys plus {@link IdTokenOptions}. */
export type VerifyIdTokenOptions = IdTokenOptions & { jwks: JwksInput };

/** The claims of a verified ID token. */
export interface IdTokenClaims extends JwtPayload {
  iss: string;
  sub: string;
  aud: string | string[];
  exp: number;
  iat: number;
  /** Credential trust level: `'Cl'` or `'Cl.Cm'`. */
  vot: string;
  nonce?: string;
  vtm?: string;
  sid?: string;
  auth_time?: number;
  at_hash?: string;
}

/** A One Login DID document (core identity signing keys), as published. */
export interface DidDocumentJson {
  id: string;
  assertionMethod: Array<{
    id: string;
    type: string;
    controller: string;
    publicKeyJwk: Jwk;
    [member: string]: unknown;
  }>;
  [member: string]: unknown;
}

/** What {@link verifyCoreIdentity} accepts: a parsed {@link DidDocument}, the document or its JSON text. */
export type DidDocumentInput = DidDocument | DidDocumentJson | string;

/**
 * A DID document parsed once, for many verifications. Holds WebAssembly memory: call `free()`
 * when done, or rely on garbage collection. @throws {TokenError} `ERR_JWKS_INVALID`
 */
export class DidDocument {
  /** Parse a DID document given as an object or as JSON text. */
  constructor(document: DidDocumentJson | string);
  /** The document's `id`. */
  readonly id: string;
  /** The `id`s of its `assertionMethod` entries (the full `kid`s tokens may name). */
  readonly assertionMethodIds: string[];
  /** Release the WebAssembly memory. The document must not be used afterwards. */
  free(): void;
}

/** The checks of a core identity credential (without the DID document). */
export interface CoreIdentityChecks {
  /** Your client ID (`aud`). */
  clientId: string;
  /** The verified ID token's `sub`: the credential's must equal it. */
  sub: string;
  /** The `vtr` you requested; `vot` must be its level of confidence (default `P2`). */
  vtr?: Vtr;
  /** The current time in Unix seconds. Default: the host clock. */
  now?: number;
  /** Allowed clock skew in seconds. Default 30. */
  clockTolerance?: number;
}

/** Options of {@link verifyCoreIdentityWithDidDocument}. */
export type CoreIdentityOptions = CoreIdentityChecks & IssuerOption;

/** Options of {@link verifyCoreIdentity}: the DID document plus {@link CoreIdentityOptions}. */
export type VerifyCoreIdentityOptions = CoreIdentityOptions & { didDocument: DidDocumentInput };

/** One name from the credential. */
export interface Name {
  /** Given names, in order. */
  givenNames: string[];
  /** Family names, in order. */
  familyNames: string[];
  /** Every part in document order, joined by spaces. */
  fullName: string;
  /** ISO date the name applies from, when known. */
  validFrom?: string;
  /** ISO date the name stopped applying (historic names only). */
  validUntil?: string;
}

/** A typed view of the person in a core identity credential. */
export interface Identity {
  /** The name without `validUntil`, or `null` if there is none. */
  currentName: Name | null;
  /** Names with `validUntil`. */
  historicNames: Name[];
  /** Every birth date, most confident first. */
  birthDates: string[];
  /** The first birth date, or `null`. */
  birthDate: string | null;
  /** The level of confidence reached (`vot`), e.g. `'P2'`. */
  levelOfConfidence: string;
}

/** The claims of a verified core identity credential. */
export interface CoreIdentityClaims extends JwtPayload {
  iss: string;
  sub: string;
  aud: string | string[];
  exp: number;
  /** Level of confidence, e.g. `'P2'`. */
  vot: string;
  vc: {
    type?: string[];
    credentialSubject: {
      name?: Array<{ validFrom?: string; validUntil?: string; nameParts: Array<{ value: string; type: string }> }>;
      birthDate?: Array<{ value: string }>;
      [member: string]: unknown;
    };
    [member: string]: unknown;
  };
}

/** What the core identity verifiers return. */
export interface CoreIdentityResult {
  claims: CoreIdentityClaims;
  identity: Identity;
}

/** The checks of a back-channel logout token (without the keys). */
export interface LogoutTokenChecks {
  /** Your client ID (`aud`). */
  clientId: string;
  /** The current time in Unix seconds. Default: the host clock. */
  now?: number;
  /** Allowed clock skew in seconds. Default 30. */
  clockTolerance?: number;
}

/** Options of {@link verifyLogoutTokenWithKeySet}. */
export type LogoutTokenOptions = LogoutTokenChecks & IssuerOption;

/** Options of {@link verifyLogoutToken}: the keys plus {@link LogoutTokenOptions}. */
export type VerifyLogoutTokenOptions = LogoutTokenOptions & { jwks: JwksInput };

/** The claims of a verified logout token. */
export interface LogoutTokenClaims extends JwtPayload {
  iss: string;
  sub: string;
  aud: string | string[];
  iat: number;
  exp: number;
  /** Remember it (One Login: for at least 3 minutes) and refuse a token that repeats it. */
  jti: string;
  events: { 'http://schemas.openid.net/event/backchannel-logout': Record<string, never> };
}

/**
 * Verify a One Login ID token and return its claims. `options.jwks` is a {@link KeySet} (reused),
 * a JWKS object or its JSON text (parsed for this call only).
 *
 * ```js
 * const claims = verifyIdToken(idToken, { jwks, environment: 'integration', clientId, nonce, vtr: 'Cl.Cm' });
 * ```
 *
 * @throws {TokenError} on any failure.
 */
export function verifyIdToken(token: string, options: VerifyIdTokenOptions): IdTokenClaims;

/** {@link verifyIdToken} with an already parsed key set. @throws {TokenError} */
export function verifyIdTokenWithKeySet(token: string, keys: KeySet, options: IdTokenOptions): IdTokenClaims;

/**
 * Verify a core identity credential (`https://vocab.account.gov.uk/v1/coreIdentityJWT`) against
 * One Login's DID document; returns the claims and a typed view of the person.
 * @throws {TokenError} on any failure.
 */
export function verifyCoreIdentity(token: string, options: VerifyCoreIdentityOptions): CoreIdentityResult;

/** {@link verifyCoreIdentity} with an already parsed DID document. @throws {TokenError} */
export function verifyCoreIdentityWithDidDocument(
  token: string,
  didDocument: DidDocument,
  options: CoreIdentityOptions,
): CoreIdentityResult;

/** Verify a back-channel logout token; returns its claims (keep `jti` to refuse replays). @throws {TokenError} */
export function verifyLogoutToken(token: string, options: VerifyLogoutTokenOptions): LogoutTokenClaims;

/** {@link verifyLogoutToken} with an already parsed key set. @throws {TokenError} */
export function verifyLogoutTokenWithKeySet(token: string, keys: KeySet, options: LogoutTokenOptions): LogoutTokenClaims;

/** An RSA private key as a JWK (`kty: 'RSA'` with `d`, `p`, `q`, …). */
export interface PrivateJwk extends Jwk {
  d: string;
}

/** What the signing functions accept: a parsed {@link SigningKey}, a PKCS#8 PEM or an RSA private JWK. */
export type SigningKeyInput = SigningKey | string | PrivateJwk;

/**
 * An RSA private key (≥ 2048 bits) for client assertions and request objects, parsed once.
 * Holds WebAssembly memory: call `free()` when done. @throws {TokenError}
 */
export class SigningKey {
  /** Parse a PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`) or an RSA private JWK (object or JSON text). */
  constructor(key: string | PrivateJwk);
  /** The modulus size in bits. */
  readonly bits: number;
  /** The JWK's `kid`, if it had one. */
  readonly kid: string | undefined;
  /** Release the WebAssembly memory. The key must not be used afterwards. */
  free(): void;
}

/** One Login accepts only RSA for `private_key_jwt` and request objects. */
export type SigningAlgorithm = 'RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512';

/** What goes into a client assertion, apart from the key and the audience. */
export interface ClientAssertionClaims {
  /** Your client ID: `iss` and `sub`. */
  clientId: string;
  /** Default `'RS256'`. */
  alg?: SigningAlgorithm;
  /** `iat`, Unix seconds (whole). Default: the host clock. */
  now?: number;
  /** Seconds until `exp`. Default 300. */
  lifetime?: number;
  /** Default: 256 random bits, base64url. */
  jti?: string;
  /** A `kid` header (needed when One Login reads your key from a JWKS URL). */
  kid?: string;
}

/** What goes into a client assertion (without the key): `aud` is `audience` or the environment's token URL. */
export type ClientAssertionOptions = ClientAssertionClaims &
  ({ audience: string; environment?: Environment } | { environment: Environment; audience?: string });

/** Options of {@link signClientAssertion}. `audience` defaults to the environment's token URL. */
export type SignClientAssertionOptions = ClientAssertionOptions & { privateKey: SigningKeyInput };

/**
 * Sign a `private_key_jwt` client assertion for the token endpoint (`client_assertion`).
 * @throws {TokenError}
 */
export function signClientAssertion(options: SignClientAssertionOptions): string;

/** {@link signClientAssertion} with an already parsed key. @throws {TokenError} */
export function signClientAssertionWithKey(key: SigningKey, options: ClientAssertionOptions): string;

/** The parameters of an authorization request, apart from where it goes. */
export interface AuthorizationParams {
  clientId: string;
  /** Exactly as registered. */
  redirectUri: string;
  /** Space-separated or an array; default `'openid'`. */
  scope?: string | string[];
  state: string;
  nonce: string;
  /** The S256 challenge (see {@link createPkce}). */
  codeChallenge: string;
  vtr?: Vtr;
  /** The `claims` request, as an object or JSON text. */
  claims?: string | Record<string, unknown>;
  /** `'en'` or `'cy'`. */
  uiLocales?: string;
  prompt?: string;
  maxAge?: number;
}

/** Options of {@link buildAuthorizationUrl}: the parameters and an environment or an `authorizeUrl`. */
export type AuthorizationUrlOptions = AuthorizationParams &
  ({ environment: Environment; authorizeUrl?: string } | { authorizeUrl: string; environment?: Environment });

/** The `/authorize` URL with every parameter correctly encoded. @throws {TokenError} `ERR_INVALID_ARGUMENT` */
export function buildAuthorizationUrl(options: AuthorizationUrlOptions): string;

/** Options of {@link signRequestObjectWithKey}. `audience` defaults to the authorize URL. */
export type RequestObjectOptions = AuthorizationUrlOptions & {
  audience?: string;
  now?: number;
  lifetime?: number;
  kid?: string;
};

/** Sign a JWT-secured authorization request (RS256) carrying the authorization parameters. @throws {TokenError} */
export function signRequestObject(options: RequestObjectOptions & { privateKey: SigningKeyInput }): string;

/** {@link signRequestObject} with an already parsed key. @throws {TokenError} */
export function signRequestObjectWithKey(key: SigningKey, options: RequestObjectOptions): string;

// ---------------------------------------------------------------------------------------------
// OneLoginClient
// ---------------------------------------------------------------------------------------------

/** Where a {@link OneLoginClient} gets its keys and issuers. */
export type OneLoginClientSource =
  | { environment: Environment }
  | {
      /** Expected `iss` of ID and logout tokens. */
      issuer: string;
      /** JWKS URL (https, or http on a loopback host). */
      jwksUri: string;
      /** DID document URL, needed for core identity. */
      didUri?: string;
      /** Expected `iss` of core identity credentials. Default: `issuer` (as the simulator does). */
      identityIssuer?: string;
      authorizeUrl?: string;
      tokenUrl?: string;
    };

/** Options of {@link OneLoginClient.create}. */
export type OneLoginClientOptions = OneLoginClientSource & OneLoginFlowOptions & {
  /** Your client ID. */
  clientId: string;
  /** The fetch to use. Default: the global `fetch`. */
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
  /** Sent with every fetch (One Login refuses requests without one). Default `govuk-one-login-tokens/<version>`. */
  userAgent?: string;
  /** Deadline for each fetch, headers and body. Default 5000. */
  timeoutMs?: number;
  /** Shortest gap between two fetches of one document (unknown kids, outages). Default 30000. */
  cooldownMs?: number;
  /** Milliseconds since the epoch, for the cache (tests). Default `Date.now`. */
  clock?: () => number;
};

/** The URLs and issuers a {@link OneLoginClient} uses. */
export interface OneLoginClientEndpoints {
  readonly issuer: string;
  readonly identityIssuer: string;
  readonly jwksUri: string;
  readonly didUri: string | undefined;
  readonly authorizeUrl: string | undefined;
  readonly tokenUrl: string | undefined;
}

/** Per-call options of {@link OneLoginClient.verifyIdToken} (issuer and client ID come from `create`). */
export type ClientIdTokenOptions = Omit<IdTokenChecks, 'clientId'>;
/** Per-call options of {@link OneLoginClient.verifyCoreIdentity}. */
export type ClientCoreIdentityOptions = Omit<CoreIdentityChecks, 'clientId'>;
/** Per-call options of {@link OneLoginClient.verifyLogoutToken}. */
export type ClientLogoutTokenOptions = Omit<LogoutTokenChecks, 'clientId'>;

/**
 * Verifies One Login tokens with keys fetched from the environment's fixed URLs (never from a
 * URL in a token), with a `User-Agent`; cached by `Cache-Control` max-age (10 minutes when
 * absent, at most a day), kept during an outage, refetched once on an unknown `kid` (then not
 * again within the cooldown), one fetch in flight per document.
 *
 * ```js
 * const oneLogin = OneLoginClient.create({ environment: 'integration', clientId });
 * const claims = await oneLogin.verifyIdToken(idToken, { nonce, accessToken });
 * ```
 */
export class OneLoginClient {
  private constructor();
  /** @throws {TokenError} `ERR_INVALID_ARGUMENT` for invalid options or a URL that is not https/loopback. */
  static create(options: OneLoginClientOptions): OneLoginClient;
  readonly clientId: string;
  readonly endpoints: OneLoginClientEndpoints;
  /** Fetch the JWKS (and the DID document, when configured) now, so the sync verifiers work. */
  hydrate(): Promise<void>;
  /** @throws {TokenError} including `ERR_JWKS_TIMEOUT` / `ERR_JWKS_FETCH_FAILED` when no keys could be loaded. */
  verifyIdToken(token: string, options: ClientIdTokenOptions): Promise<IdTokenClaims>;
  verifyCoreIdentity(token: string, options: ClientCoreIdentityOptions): Promise<CoreIdentityResult>;
  verifyLogoutToken(token: string, options?: ClientLogoutTokenOptions): Promise<LogoutTokenClaims>;
  /** With the cached keys; `ERR_INVALID_ARGUMENT` before {@link OneLoginClient.hydrate}. */
  verifyIdTokenSync(token: string, options: ClientIdTokenOptions): IdTokenClaims;
  verifyCoreIdentitySync(token: string, options: ClientCoreIdentityOptions): CoreIdentityResult;
  verifyLogoutTokenSync(token: string, options?: ClientLogoutTokenOptions): LogoutTokenClaims;
  /** {@link buildAuthorizationUrl} with this client's ID and authorize URL. */
  authorizationUrl(params: Omit<AuthorizationParams, 'clientId'> & { authorizeUrl?: string }): string;
  /** {@link signClientAssertion} with this client's ID and token URL as the default audience. */
  clientAssertion(params: Omit<ClientAssertionClaims, 'clientId'> & { privateKey: SigningKeyInput; audience?: string }): string;
  /** Free the cached documents; the next verification fetches again. */
  dispose(): void;
}

// ---------------------------------------------------------------------------------------------
// The relying-party flow (sign-in, userinfo, logout, back-channel logout). Kept in one block:
// these declarations merge into OneLoginClient, OneLoginClientEndpoints and TokenError above.
// ---------------------------------------------------------------------------------------------

/**
 * Flow failure reasons on {@link TokenError.reason}: `sub_mismatch` (userinfo about another
 * user, `ERR_OAUTH_USERINFO_ERROR`), or why an endpoint gave no usable answer
 * (`ERR_OAUTH_TOKEN_ERROR` / `ERR_OAUTH_USERINFO_ERROR`).
 */
export type FlowFailureReason = 'sub_mismatch' | 'timeout' | 'too_large' | 'network' | 'redirect' | 'aborted';

export interface TokenError {
  /** `ERR_OAUTH_…`: the OAuth `error` One Login sent (`access_denied`, `invalid_grant`, `invalid_token`…). */
  error?: string;
  /** `ERR_OAUTH_…`: its `error_description`. */
  errorDescription?: string;
  /** `ERR_OAUTH_TOKEN_ERROR` / `ERR_OAUTH_USERINFO_ERROR`: the HTTP status. */
  status?: number;
}

/** A store of logout-token `jti`s: `remember` is true the first time, false while remembered. */
export interface ReplayStore {
  remember(jti: string, ttlSeconds: number): Promise<boolean>;
}

/** In-process, bounded and expiring: right for one instance only. */
export class MemoryReplayStore implements ReplayStore {
  constructor(options?: { maxEntries?: number; clock?: () => number });
  readonly size: number;
  remember(jti: string, ttlSeconds: number): Promise<boolean>;
}

/** Shared by every instance of a service through Redis (node-redis 4+ or ioredis): one atomic `SET key 1 NX EX ttl`. */
export class RedisReplayStore implements ReplayStore {
  constructor(client: unknown, options?: { prefix?: string });
  remember(jti: string, ttlSeconds: number): Promise<boolean>;
}

/** The sign-in flow's options of {@link OneLoginClient.create}. */
export interface OneLoginFlowOptions {
  /** The registered redirect URI (default for {@link OneLoginClient.startSignIn}). */
  redirectUri?: string;
  /** `private_key_jwt`: a PKCS#8 PEM, an RSA private JWK, or a {@link SigningKey}. */
  privateKey?: SigningKeyInput;
  /** `client_secret_post` (One Login allows it only without identity). */
  clientSecret?: string;
  /** Client assertion algorithm. Default `RS256`. */
  clientAssertionAlg?: SigningAlgorithm;
  /** Client assertion `aud`: the token URL (default) or the issuer. */
  clientAssertionAudience?: 'tokenUrl' | 'issuer';
  /** Header `kid` of client assertions and request objects. */
  kid?: string;
  /** Allowed clock skew, seconds. Default 30. */
  clockTolerance?: number;
  /** Where logout-token `jti`s are remembered. Default: one {@link MemoryReplayStore} per client. */
  replayStore?: ReplayStore;
  userinfoUrl?: string;
  endSessionUrl?: string;
  discoveryUrl?: string;
}

export interface OneLoginClientEndpoints {
  readonly didId?: string;
  readonly discoveryUrl?: string;
  readonly userinfoUrl?: string;
  readonly endSessionUrl?: string;
}

export interface EnvironmentInfo {
  userinfoUrl: string;
  endSessionUrl: string;
}

/** A userinfo claim by short name, or its full `https://vocab.account.gov.uk/v1/…` URI. */
export type UserinfoClaimName = 'coreIdentityJWT' | 'address' | 'passport' | 'drivingPermit' | 'returnCode' | (string & {});

/** Options of {@link OneLoginClient.startSignIn}. */
export interface SignInOptions {
  redirectUri?: string;
  /** `'["Cl.Cm.P2"]'`, `'Cl.Cm'` or `['Cl.Cm.P2']`. Default: One Login's `Cl.Cm`. */
  vtr?: Vtr;
  /** `openid` is always included. */
  scope?: string | string[];
  /** Need an identity level (P1–P3) in `vtr`. */
  claims?: UserinfoClaimName[];
  uiLocales?: string;
  prompt?: string;
  maxAge?: number;
  /** Re-authentication: needs `requestObject: true`. */
  idTokenHint?: string;
  responseMode?: 'query' | 'fragment';
  /** Send the parameters as a signed request object (needs `privateKey`). */
  requestObject?: boolean;
}

/** What to keep (in the session) between the redirect and the callback. Plain JSON. */
export interface SignInTransaction {
  state: string;
  nonce: string;
  codeVerifier: string;
  redirectUri: string;
  vtr?: string;
  maxAge?: number;
  claims: string[];
  responseMode?: 'query' | 'fragment';
}

export interface PostalAddress {
  uprn?: number;
  organisationName?: string;
  departmentName?: string;
  subBuildingName?: string;
  buildingName?: string;
  buildingNumber?: string;
  dependentStreetName?: string;
  streetName?: string;
  doubleDependentAddressLocality?: string;
  dependentAddressLocality?: string;
  addressLocality?: string;
  addressRegion?: string;
  postalCode?: string;
  addressCountry?: string;
  poBoxNumber?: string;
  validFrom?: string;
  validUntil?: string;
  /** The current address: no `validUntil`, latest `validFrom`. */
  current: boolean;
}

export interface Passport {
  documentNumber: string;
  expiryDate: string;
  icaoIssuerCode?: string;
  issueDate?: string;
  validFrom?: string;
  validUntil?: string;
}

export interface DrivingPermit {
  personalNumber: string;
  expiryDate?: string;
  issueDate?: string;
  issueNumber?: string;
  issuedBy?: string;
  issuingCountry?: string;
  fullAddress?: string;
  validFrom?: string;
  validUntil?: string;
}

/** Typed views of One Login's userinfo claims; `null` when not sent. */
export interface UserinfoViews {
  sub: string;
  email: string | null;
  emailVerified: boolean | null;
  phoneNumber: string | null;
  phoneNumberVerified: boolean | null;
  walletSubjectId: string | null;
  addresses: PostalAddress[] | null;
  passports: Passport[] | null;
  drivingPermits: DrivingPermit[] | null;
  returnCodes: { code: string }[] | null;
}

export interface UserinfoResult extends UserinfoViews {
  /** The whole userinfo response, unknown members included. */
  userinfo: Record<string, unknown>;
  /** The core identity credential to verify, or null. */
  coreIdentityJWT: string | null;
}

export interface SignInTokens {
  sub: string;
  claims: IdTokenClaims;
  idToken: string;
  accessToken: string;
  expiresIn: number | null;
}

/** A verified identity. */
export interface SignInIdentity {
  levelOfConfidence: 'P1' | 'P2' | 'P3';
  currentName: { givenNames: string[]; familyNames: string[]; fullName: string; validFrom?: string; validUntil?: string } | null;
  historicNames: { givenNames: string[]; familyNames: string[]; fullName: string; validFrom?: string; validUntil?: string }[];
  birthDate: string | null;
  birthDates: string[];
  claims: CoreIdentityClaims;
}

export interface SignInResult extends UserinfoViews {
  claims: IdTokenClaims;
  idToken: string;
  accessToken: string;
  userinfo: Record<string, unknown>;
  /** `null` when no core identity credential arrived (never assumed). */
  identity: SignInIdentity | null;
}

export interface LogoutUrlOptions {
  idTokenHint?: string;
  /** Needs `idTokenHint`. */
  postLogoutRedirectUri?: string;
  state?: string;
  uiLocales?: string;
}

export interface DiscoveryDocument {
  issuer: string;
  authorizeUrl: string;
  tokenUrl: string;
  jwksUrl: string;
  userinfoUrl: string | null;
  endSessionUrl: string | null;
  tokenEndpointAuthSigningAlgs: string[];
}

export interface OneLoginClient {
  /** A new sign-in: redirect to `url`, keep `transaction`. @throws {TokenError} `ERR_INVALID_ARGUMENT` */
  startSignIn(options?: SignInOptions): { url: string; transaction: SignInTransaction };
  /**
   * The callback (URL, path and query, `URL`, `URLSearchParams` or its parameters), checked
   * against the transaction, then the token exchange, userinfo and core identity.
   * @throws {TokenError} `ERR_OAUTH_STATE_MISMATCH`, `ERR_OAUTH_AUTHORIZATION_ERROR`,
   *   `ERR_OAUTH_TOKEN_ERROR`, `ERR_OAUTH_USERINFO_ERROR`, and the token verifiers' codes.
   */
  completeSignIn(
    callback: string | URL | URLSearchParams | { code?: string; state?: string; error?: string; error_description?: string },
    transaction: SignInTransaction | null | undefined,
  ): Promise<SignInResult>;
  exchangeCode(code: string, transaction: SignInTransaction): Promise<SignInTokens>;
  fetchUserinfo(accessToken: string, options: { sub: string; transaction?: SignInTransaction }): Promise<UserinfoResult>;
  /** @throws {TokenError} `ERR_INVALID_ARGUMENT` (a redirect without `idTokenHint`, over 2048 characters) */
  logoutUrl(options?: LogoutUrlOptions): string;
  /** @throws {TokenError} `ERR_LOGOUT_TOKEN_REPLAYED` and the logout token verifier's codes. */
  handleBackChannelLogout(
    input: string | URLSearchParams | { logout_token: string },
    options?: { replayStore?: ReplayStore },
  ): Promise<{ sub: string; sid: string | null; jti: string }>;
  /** The discovery document (cached), or undefined without a discovery URL. */
  discovery(): Promise<DiscoveryDocument | undefined>;
}

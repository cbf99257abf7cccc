/**
 * govuk-one-login-tokens: verify GOV.UK One Login tokens (ID tokens, core identity credentials,
 * logout tokens; ES256 and RS256), sign client assertions and request objects, create PKCE,
 * `state` and `nonce` values, and run the sign-in flow ({@link OneLoginClient}, which also fetches
 * and caches One Login's keys). A Rust core compiled to WebAssembly. In browsers, `await ready()`
 * once first; elsewhere every export is ready on load. Every failure throws a {@link TokenError}.
 *
 * Every list, option and result type is generated from the Rust core
 * (`./wasm/govuk_one_login_tokens.d.ts`); this file adds only what the JavaScript wrapper itself
 * has: the forms that take a key document, `TokenError`'s union, `ready` and {@link OneLoginClient}.
 * @module
 */

import type {
  ClaimFailureReason, CoreIdentityResult, DidDocument, DidDocumentJson,
  DiscoveryDocument, EnvironmentInput, ErrorCode, IdTokenClaims, Jwks, JwtPayload,
  KeySet, LogoutTokenClaims, LogoutUrlOptions, PrivateJwk, PublicJwk, SignInIdentity, SignInOptions,
  SignInTransaction, SigningAlgorithm, SigningKey, SignerFailureReason, UserinfoViews,
} from './wasm/govuk_one_login_tokens.js';
import type * as Generated from './wasm/govuk_one_login_tokens.js';

// Every generated type; the declarations below replace the few the wrapper shapes itself.
export type * from './wasm/govuk_one_login_tokens.js';

// The wasm-bindgen classes are disposable (`using keys = …`); older TypeScript libs lack the symbol.
declare global { interface SymbolConstructor { readonly dispose: unique symbol } }

export {
  KeySet, DidDocument, SigningKey, createPkce, pkceChallenge, pkceMatches, randomState,
  randomNonce, decodeJwt, getEnvironment, inspectToken, errorCodes, checkList, tokenKinds, limits,
  lists
} from './wasm/govuk_one_login_tokens.js';

// --- Errors ---

type ClaimCode = 'ERR_JWT_CLAIM_VALIDATION_FAILED' | 'ERR_JWT_EXPIRED';
type OAuthCode = 'ERR_OAUTH_AUTHORIZATION_ERROR' | 'ERR_OAUTH_TOKEN_ERROR' | 'ERR_OAUTH_USERINFO_ERROR';

interface TokenErrorBase extends Error {
  readonly name: 'TokenError';
  readonly code: ErrorCode;
  /** The option the error is about (always for `ERR_INVALID_ARGUMENT`; also for a key document given as an option). */
  readonly option?: string;
}

/** A claim failed: `claim` names it, `reason` says why. */
export interface ClaimTokenError extends TokenErrorBase { readonly code: ClaimCode; readonly claim: string; readonly reason: ClaimFailureReason; }

/** A caller mistake: `option` names the option or argument (`maxAge`, `environment.issuer`). */
export interface ArgumentTokenError extends TokenErrorBase { readonly code: 'ERR_INVALID_ARGUMENT'; readonly option: string; }

/** An OAuth endpoint refused: what it said, and the HTTP status where there was one. */
export interface OAuthTokenError extends TokenErrorBase { readonly code: OAuthCode; readonly error?: string; readonly errorDescription?: string; readonly status?: number; readonly reason?: string; }

/** The client's CryptoKeyPair or signer did not sign (nothing was sent): `reason` says how; `cause` is what a signer threw. */
export interface SignerTokenError extends TokenErrorBase { readonly code: 'ERR_SIGNER_FAILED'; readonly reason: SignerFailureReason; readonly cause?: unknown; }

/** Every other failure: the code says it all. */
export interface OtherTokenError extends TokenErrorBase { readonly code: Exclude<ErrorCode, ClaimCode | OAuthCode | 'ERR_INVALID_ARGUMENT' | 'ERR_SIGNER_FAILED'>; }

/**
 * The one error this package throws, discriminated on `code`:
 *
 * ```ts
 * catch (e) {
 *   if (e instanceof TokenError) switch (e.code) {
 *     case 'ERR_JWT_EXPIRED': e.claim; break;          // 'exp'
 *     case 'ERR_INVALID_ARGUMENT': e.option; break;    // e.g. 'maxAge'
 *   }
 * }
 * ```
 */
export type TokenError = ClaimTokenError | ArgumentTokenError | OAuthTokenError | SignerTokenError | OtherTokenError;

/** The details a {@link TokenError} may carry beside its code and message. */
export interface TokenErrorDetails {
  claim?: string; reason?: string; option?: string; error?: string; errorDescription?: string; status?: number; cause?: unknown;
}

export declare const TokenError: {
  new (code: ErrorCode, message: string, details?: TokenErrorDetails): TokenError;
  readonly prototype: TokenError;
};

// --- Loading ---

/**
 * Load the WebAssembly module; resolves once every export is usable. Needed once in browsers
 * (`await ready()`); elsewhere the module is ready on import and this resolves at once.
 * Idempotent, and concurrent calls share one load. Without an argument the `.wasm` next to the
 * glue is fetched (bundlers rewrite that URL to their asset); pass a URL, `Response`, bytes or a
 * compiled `WebAssembly.Module` (from any realm) to load it from elsewhere.
 * @throws {TokenError} `ERR_NOT_INITIALIZED` when the module cannot be fetched, compiled or instantiated.
 */
export function ready(moduleOrPath?: InitInput | Promise<InitInput>): Promise<void>;

/** The same as {@link ready} (the name wasm-bindgen packages use). */
export default function init(moduleOrPath?: InitInput | Promise<InitInput>): Promise<void>;

/** Instantiate synchronously from the `.wasm` bytes or a compiled module (a no-op once loaded). */
export function initSync(module: ArrayBuffer | ArrayBufferView | WebAssembly.Module): void;

/** Where {@link init} can load the `.wasm` from (the same inputs as wasm-bindgen's `init`). */
export type InitInput = string | URL | Request | Response | ArrayBuffer | ArrayBufferView | WebAssembly.Module;

// --- The forms that take a key document in the options ---

/** A key set: a parsed {@link KeySet} (reused as is), the JWKS, or its JSON text. */
export type JwksInput = KeySet | Jwks | string;
/** A DID document: a parsed {@link DidDocument}, the document, or its JSON text. */
export type DidDocumentInput = DidDocument | DidDocumentJson | string;
/** A private key: a parsed {@link SigningKey}, a PKCS#8 PEM, or an RSA private JWK. */
export type SigningKeyInput = SigningKey | string | PrivateJwk;

/**
 * A key that signs outside this package (a KMS, an HSM): its public RSA JWK, and `sign`, which
 * returns the raw RSA signature of `data` (the modulus length; not base64, not DER) with the
 * client's `clientAssertionAlg`. The signature is checked under `publicJwk` before anything is sent.
 */
export interface ExternalSigner {
  /** The public RSA JWK (`kty`, `n`, `e`; a `kid` of its own is published; an `alg` must be `clientAssertionAlg`). */
  publicJwk: JsonWebKey | { kty: 'RSA'; n: string; e: string; kid?: string; alg?: SigningAlgorithm };
  sign(data: Uint8Array): Promise<Uint8Array | ArrayBuffer> | Uint8Array | ArrayBuffer;
}

/** A key held outside the package: a WebCrypto `CryptoKeyPair` (RSA; the private key may be non-extractable) or an {@link ExternalSigner}. */
export type ExternalKeyInput = CryptoKeyPair | ExternalSigner;

/** `OneLoginClient.create`'s `privateKey`: held by the package, or signing outside it. */
export type PrivateKeyInput = SigningKeyInput | ExternalKeyInput;

/** How a client signs: `'async'` for a key held outside (then `startSignIn` and `clientAssertion` return promises). */
export type ClientSigning = 'sync' | 'async';
/** The {@link ClientSigning} of a `privateKey` type: `'async'` exactly when it is a CryptoKeyPair or a signer. */
export type SigningOf<K> = [NonNullable<K>] extends [never] ? 'sync' : [NonNullable<K>] extends [ExternalKeyInput] ? 'async' : 'sync';
/** `T`, or a promise of it for a client whose key is held outside. */
export type Signed<S extends ClientSigning, T> = S extends 'async' ? Promise<T> : T;

/** The expected issuer comes from an environment or is given. */
export type IssuerOption = { environment: EnvironmentInput; issuer?: string } | { issuer: string; environment?: EnvironmentInput };

/** Options of {@link verifyJwtWithKeySet}. */
export type VerifyOptions = Omit<Generated.VerifyJwtOptions, 'jwks'>;
/** Options of {@link verifyJwt}. */
export type VerifyJwtOptions = VerifyOptions & { jwks: JwksInput };

/** Options of {@link verifyIdTokenWithKeySet}: `nonce` is required (`null` when none was sent). */
export type IdTokenOptions = Omit<Generated.VerifyIdTokenOptions, 'jwks' | 'environment' | 'issuer' | 'clientId' | 'nonce'> &
  IssuerOption & { clientId: string; nonce: string | null };
/** Options of {@link verifyIdToken}. */
export type VerifyIdTokenOptions = IdTokenOptions & { jwks: JwksInput };

/** Options of {@link verifyCoreIdentityWithDidDocument}. */
export type CoreIdentityOptions = Omit<Generated.VerifyCoreIdentityOptions, 'didDocument' | 'environment' | 'issuer' | 'clientId' | 'sub'> &
  IssuerOption & { clientId: string; sub: string };
/** Options of {@link verifyCoreIdentity}. */
export type VerifyCoreIdentityOptions = CoreIdentityOptions & { didDocument: DidDocumentInput };

/** Options of {@link verifyLogoutTokenWithKeySet}. */
export type LogoutTokenOptions = Omit<Generated.VerifyLogoutTokenOptions, 'jwks' | 'environment' | 'issuer' | 'clientId'> &
  IssuerOption & { clientId: string };
/** Options of {@link verifyLogoutToken}. */
export type VerifyLogoutTokenOptions = LogoutTokenOptions & { jwks: JwksInput };

/** Options of {@link signClientAssertionWithKey}: `aud` is `audience` or the environment's token URL. */
export type ClientAssertionOptions = Omit<Generated.SignClientAssertionOptions, 'privateKey' | 'environment' | 'audience' | 'clientId'> & {
  clientId: string;
} & ({ audience: string; environment?: EnvironmentInput } | { environment: EnvironmentInput; audience?: string });
/** Options of {@link signClientAssertion}. */
export type SignClientAssertionOptions = ClientAssertionOptions & { privateKey: SigningKeyInput };

/** The required parameters of an authorization request. */
type RequiredAuthorizationParams = { clientId: string; redirectUri: string; state: string; nonce: string; codeChallenge: string };
/** Where an authorization request goes: an environment or an `authorizeUrl`. */
type AuthorizeTarget = { environment: EnvironmentInput; authorizeUrl?: string } | { authorizeUrl: string; environment?: EnvironmentInput };

/** Options of {@link buildAuthorizationUrl}. */
export type AuthorizationUrlOptions = Omit<Generated.AuthorizationUrlOptions, keyof RequiredAuthorizationParams | 'environment' | 'authorizeUrl'> &
  RequiredAuthorizationParams &
  AuthorizeTarget;
/** Options of {@link signRequestObjectWithKey}. */
export type RequestObjectOptions = Omit<Generated.SignRequestObjectOptions, keyof RequiredAuthorizationParams | 'environment' | 'authorizeUrl' | 'privateKey'> &
  RequiredAuthorizationParams &
  AuthorizeTarget;

/** Verify a JWT's signature and registered claims and return its payload. @throws {TokenError} */
export function verifyJwt(token: string, options: VerifyJwtOptions): JwtPayload;
/** {@link verifyJwt} with an already parsed key set. @throws {TokenError} */
export function verifyJwtWithKeySet(token: string, keys: KeySet, options?: VerifyOptions): JwtPayload;

/**
 * Verify a One Login ID token and return its claims.
 *
 * ```js
 * const claims = verifyIdToken(idToken, { jwks, environment: 'integration', clientId, nonce, vtr: 'Cl.Cm' });
 * ```
 * @throws {TokenError}
 */
export function verifyIdToken(token: string, options: VerifyIdTokenOptions): IdTokenClaims;
/** {@link verifyIdToken} with an already parsed key set. @throws {TokenError} */
export function verifyIdTokenWithKeySet(token: string, keys: KeySet, options: IdTokenOptions): IdTokenClaims;

/**
 * Verify a core identity credential (`https://vocab.account.gov.uk/v1/coreIdentityJWT`) against
 * One Login's DID document; returns the claims and a typed view of the person. @throws {TokenError}
 */
export function verifyCoreIdentity(token: string, options: VerifyCoreIdentityOptions): CoreIdentityResult;
/** {@link verifyCoreIdentity} with an already parsed DID document. @throws {TokenError} */
export function verifyCoreIdentityWithDidDocument(token: string, didDocument: DidDocument, options: CoreIdentityOptions): CoreIdentityResult;

/** Verify a back-channel logout token; returns its claims (keep `jti` to refuse replays). @throws {TokenError} */
export function verifyLogoutToken(token: string, options: VerifyLogoutTokenOptions): LogoutTokenClaims;
/** {@link verifyLogoutToken} with an already parsed key set. @throws {TokenError} */
export function verifyLogoutTokenWithKeySet(token: string, keys: KeySet, options: LogoutTokenOptions): LogoutTokenClaims;

/**
 * The asynchronous twins of the four verifiers: the same options, checks, results and errors, as
 * a Promise. In browsers, Workers and edge runtimes WebCrypto does the signature arithmetic after
 * the core's checks (several times faster there); Node and Bun run the synchronous functions.
 */
export function verifyJwtAsync(token: string, options: VerifyJwtOptions): Promise<JwtPayload>;
/** {@link verifyIdToken} as a Promise; see {@link verifyJwtAsync}. */
export function verifyIdTokenAsync(token: string, options: VerifyIdTokenOptions): Promise<IdTokenClaims>;
/** {@link verifyCoreIdentity} as a Promise; see {@link verifyJwtAsync}. */
export function verifyCoreIdentityAsync(token: string, options: VerifyCoreIdentityOptions): Promise<CoreIdentityResult>;
/** {@link verifyLogoutToken} as a Promise; see {@link verifyJwtAsync}. */
export function verifyLogoutTokenAsync(token: string, options: VerifyLogoutTokenOptions): Promise<LogoutTokenClaims>;

// --- Prepared verifiers (options read once; see pkg/prepared.js) ---

/** Options of {@link createIdTokenVerifier}: {@link verifyIdToken}'s without the per-call `nonce` and `accessToken`. */
export type IdTokenVerifierOptions = Omit<VerifyIdTokenOptions, 'nonce' | 'accessToken'>;
/** The per-call values of a prepared ID token verifier. */
export interface IdTokenCall {
  /** The `nonce` you sent, or `null` if you sent none (required). */
  nonce: string | null;
  /** The access token from the same token response: makes `at_hash` required and checked. */
  accessToken?: string;
}
/** A prepared ID token verifier: every check runs on every call; only the options were read once. */
export type IdTokenVerifier = (token: string, call: IdTokenCall) => IdTokenClaims;
/** {@link IdTokenVerifier} as a Promise. */
export type IdTokenVerifierAsync = (token: string, call: IdTokenCall) => Promise<IdTokenClaims>;
/** A prepared logout token verifier. */
export type LogoutTokenVerifier = (token: string) => LogoutTokenClaims;
/** {@link LogoutTokenVerifier} as a Promise. */
export type LogoutTokenVerifierAsync = (token: string) => Promise<LogoutTokenClaims>;

/**
 * Read and check {@link verifyIdToken}'s options once (a mistake throws here); the verifier then
 * takes the token and the per-call `{ nonce, accessToken? }` only.
 *
 * ```js
 * const verifyIdToken = createIdTokenVerifier({ jwks, environment: 'integration', clientId, vtr: 'Cl.Cm' });
 * const claims = verifyIdToken(idToken, { nonce });
 * ```
 * @throws {TokenError}
 */
export function createIdTokenVerifier(options: IdTokenVerifierOptions): IdTokenVerifier;
/** {@link createIdTokenVerifier} whose verifier returns a Promise; see {@link verifyJwtAsync}. @throws {TokenError} */
export function createIdTokenVerifierAsync(options: IdTokenVerifierOptions): IdTokenVerifierAsync;
/** Read and check {@link verifyLogoutToken}'s options once; the verifier takes the token only. @throws {TokenError} */
export function createLogoutTokenVerifier(options: VerifyLogoutTokenOptions): LogoutTokenVerifier;
/** {@link createLogoutTokenVerifier} whose verifier returns a Promise. @throws {TokenError} */
export function createLogoutTokenVerifierAsync(options: VerifyLogoutTokenOptions): LogoutTokenVerifierAsync;

/** Sign a `private_key_jwt` client assertion for the token endpoint. @throws {TokenError} */
export function signClientAssertion(options: SignClientAssertionOptions): string;
/** {@link signClientAssertion} with an already parsed key. @throws {TokenError} */
export function signClientAssertionWithKey(key: SigningKey, options: ClientAssertionOptions): string;

/** The `/authorize` URL with every parameter correctly encoded. @throws {TokenError} `ERR_INVALID_ARGUMENT` */
export function buildAuthorizationUrl(options: AuthorizationUrlOptions): string;

/** Sign a JWT-secured authorization request (RS256) carrying the authorization parameters. @throws {TokenError} */
export function signRequestObject(options: RequestObjectOptions & { privateKey: SigningKeyInput }): string;
/** {@link signRequestObject} with an already parsed key. @throws {TokenError} */
export function signRequestObjectWithKey(key: SigningKey, options: RequestObjectOptions): string;

// --- OneLoginClient ---

/** Options of {@link OneLoginClient.create}: every member is checked by name in the core. */
export type OneLoginClientOptions = Omit<Generated.OneLoginClientOptions, 'environment' | 'clientId' | 'privateKey' | 'store' | 'fetch' | 'clock' | 'clientAssertionAlg' | 'clientAssertionAudience'> & {
  /** `"integration"`, `"production"`, or a custom environment (its endpoints go in here). */
  environment: EnvironmentInput;
  clientId: string;
  /**
   * `private_key_jwt`: a PKCS#8 PEM, an RSA private JWK, or a {@link SigningKey}; or a key held
   * outside: a WebCrypto `CryptoKeyPair` or an {@link ExternalSigner} (then `startSignIn` and
   * `clientAssertion` return promises, and a failing signer is `ERR_SIGNER_FAILED`).
   */
  privateKey?: PrivateKeyInput;
  clientAssertionAlg?: SigningAlgorithm;
  clientAssertionAudience?: 'tokenUrl' | 'issuer';
  /** Logout-token `jti`s and ended sessions (and One Login's documents with `cacheDocuments`). Default: one {@link MemoryStore} per client. */
  store?: Store;
  /** The fetch to use. Default: the global `fetch`. */
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
  /** Milliseconds since the epoch, for the caches and checks (tests). Default `Date.now`. */
  clock?: () => number;
};

/** The URLs and issuers a {@link OneLoginClient} uses (`getEnvironment`'s names). */
export type OneLoginClientEndpoints = Readonly<Generated.EnvironmentUrls>;

/** Per-call options of {@link OneLoginClient.verifyIdToken} (issuer and client ID come from `create`). */
export type ClientIdTokenOptions = Omit<Generated.ClientIdTokenOptions, 'nonce'> & { nonce: string | null };
/** Per-call options of {@link OneLoginClient.verifyCoreIdentity}. */
export type ClientCoreIdentityOptions = Omit<Generated.ClientCoreIdentityOptions, 'sub'> & { sub: string };
/** Per-call options of {@link OneLoginClient.verifyLogoutToken}. */
export type ClientLogoutTokenOptions = Generated.ClientLogoutTokenOptions;
/** What the route requires at the callback: a transaction asking for less is refused. */
export type CompleteSignInOptions = Generated.CompleteSignInOptions;

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
export class OneLoginClient<S extends ClientSigning = 'sync'> {
  private constructor();
  /** @throws {TokenError} `ERR_INVALID_ARGUMENT` for invalid options (a CryptoKeyPair or signer that cannot sign for `clientAssertionAlg`) or a URL that is not https/loopback. */
  static create<O extends OneLoginClientOptions>(options: O): OneLoginClient<SigningOf<O['privateKey']>>;
  readonly clientId: string;
  readonly endpoints: OneLoginClientEndpoints;
  /** Fetch the JWKS and the DID document now, so the sync verifiers work. */
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
  authorizationUrl(params: Omit<AuthorizationUrlOptions, 'clientId' | 'environment' | 'authorizeUrl'>): string;
  /** {@link signClientAssertion} with this client's ID, key and token URL as the default audience. */
  clientAssertion(params?: Omit<Generated.SignClientAssertionOptions, 'clientId' | 'privateKey' | 'environment'>): Signed<S, string>;
  /** Free the cached documents; the next verification fetches again. */
  dispose(): void;
  /** The JWKS to publish at your JWKS URL: the signing key's public JWK, then `additionalPublicKeys`. */
  publicJwks(): Promise<{ keys: PublicJwk[] }>;
  /** A new sign-in: redirect to `url`, keep `transaction`. @throws {TokenError} `ERR_INVALID_ARGUMENT`, `ERR_SIGNER_FAILED` (a key held outside) */
  startSignIn(options?: SignInOptions): Signed<S, { url: string; transaction: SignInTransaction }>;
  /**
   * The callback (URL, path and query, `URL`, `URLSearchParams` or its parameters), checked
   * against the transaction, then the token exchange, userinfo and core identity.
   * @throws {TokenError} `ERR_OAUTH_STATE_MISMATCH`, `ERR_OAUTH_AUTHORIZATION_ERROR`,
   *   `ERR_OAUTH_TOKEN_ERROR`, `ERR_OAUTH_USERINFO_ERROR`, `ERR_SIGNER_FAILED` (a key held
   *   outside, before the token request is sent), and the token verifiers' codes.
   */
  completeSignIn(callback: CallbackInput, transaction: SignInTransaction | null | undefined, options?: CompleteSignInOptions): Promise<SignInResult>;
  exchangeCode(code: string, transaction: SignInTransaction, options?: CompleteSignInOptions): Promise<SignInTokens>;
  fetchUserinfo(accessToken: string, options: { sub: string; transaction?: SignInTransaction }): Promise<UserinfoResult>;
  /** @throws {TokenError} `ERR_INVALID_ARGUMENT` (a redirect without `idTokenHint`, over 2048 characters) */
  logoutUrl(options?: LogoutUrlOptions): string;
  /** @throws {TokenError} `ERR_LOGOUT_TOKEN_REPLAYED` and the logout token verifier's codes. */
  handleBackChannelLogout(input: string | URLSearchParams | { logout_token: string }): Promise<{ sub: string; sid: string | null; jti: string; signedOutAt: number }>;
  /** True when One Login ended this session (a back-channel logout at or after `signedInAt`, on any instance sharing the store). */
  isSignedOut(session: { sub: string; signedInAt: number }): Promise<boolean>;
  /** The discovery document (cached). */
  discovery(): Promise<DiscoveryDocument>;
}

// --- The flow's stores and results (its options, transaction and claim views are generated) ---

/** `candidate` if a safe path to return to after a sign-in (one leading `/`, no `//host`, `\\`, space or control character, at most 2048 characters). */
export function safeReturnTo(candidate: unknown): string | undefined;

/**
 * What a client shares between the instances of a service: logout-token `jti`s (`remember` is
 * true the first time, false while remembered) and ended sessions (the latest sign-out per `sub`,
 * in seconds). Each method is atomic; the store only stores.
 */
export interface Store {
  remember(jti: string, ttlSeconds: number): Promise<boolean>;
  /** Keep `atSeconds` unless a later time is held; resolves whether the record changed. */
  recordSignOut(sub: string, atSeconds: number, ttlSeconds: number): Promise<boolean>;
  /** The latest recorded sign-out of `sub`, or null. */
  signedOutAt(sub: string): Promise<number | null>;
  /** `cacheDocuments`: the document record filed under `key` (text the client wrote and checks strictly on reading), or null. */
  getDocument?(key: string): Promise<string | null>;
  /** `cacheDocuments`: file `record` under `key` for `ttlSeconds`, replacing any. */
  putDocument?(key: string, record: string, ttlSeconds: number): Promise<void>;
}

/** A {@link Store} that can also keep One Login's documents, for `cacheDocuments: true`. */
export interface DocumentStore extends Store {
  getDocument(key: string): Promise<string | null>;
  putDocument(key: string, record: string, ttlSeconds: number): Promise<void>;
}

/** In-process and expiring (jtis bounded by `maxEntries`): right for one instance only. */
export class MemoryStore implements DocumentStore { constructor(options?: { maxEntries?: number; clock?: () => number }); readonly size: number }
export interface MemoryStore extends DocumentStore {}

/** Shared by every instance of a service through Redis (node-redis 4+ or ioredis): `SET NX EX` and one Lua script, atomic; documents with `SET EX`. */
export class RedisStore implements DocumentStore { constructor(client: unknown, options?: { prefix?: string }) }
export interface RedisStore extends DocumentStore {}

/** An authorization callback: the URL (or path and query), its query, or its parameters. */
type CallbackInput = string | URL | URLSearchParams | { code?: string; state?: string; error?: string; error_description?: string };

/** What {@link OneLoginClient.fetchUserinfo} returns: the checked response and its typed views. */
export interface UserinfoResult extends UserinfoViews {
  /** The whole userinfo response, unknown members included; the core identity credential to verify, or null. */
  userinfo: Record<string, unknown>; coreIdentityJWT: string | null;
}

/** What {@link OneLoginClient.exchangeCode} returns. */
export interface SignInTokens { sub: string; claims: IdTokenClaims; idToken: string; accessToken: string; expiresIn: number | null }

/** What {@link OneLoginClient.completeSignIn} returns. */
export interface SignInResult extends UserinfoViews {
  claims: IdTokenClaims; idToken: string; accessToken: string; userinfo: Record<string, unknown>;
  /** `null` when no core identity credential arrived (never assumed). */
  identity: SignInIdentity | null;
  /** When this sign-in completed, whole seconds (pass it to `isSignedOut`). */
  signedInAt: number;
}

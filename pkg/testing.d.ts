// Types of govuk-one-login-tokens/testing (pkg/testing.js): GOV.UK One Login inside a service's
// own tests. Node only; never loaded by the main entry.
/** The back-channel logout event claim name. */
export declare const LOGOUT_EVENT: 'http://schemas.openid.net/event/backchannel-logout';
/** One Login's vocabulary prefix. */
export declare const VOCAB: 'https://vocab.account.gov.uk/v1/';
/** One Login's identity claim URIs, by short name. */
export declare const CLAIM: {
  readonly coreIdentityJWT: 'https://vocab.account.gov.uk/v1/coreIdentityJWT';
  readonly address: 'https://vocab.account.gov.uk/v1/address';
  readonly passport: 'https://vocab.account.gov.uk/v1/passport';
  readonly drivingPermit: 'https://vocab.account.gov.uk/v1/drivingPermit';
  readonly returnCode: 'https://vocab.account.gov.uk/v1/returnCode';
  readonly inheritedIdentityJWT: 'https://vocab.account.gov.uk/v1/inheritedIdentityJWT';
};
/** The nonce a factory-made ID token carries unless one is given. */
export declare const TEST_NONCE: 'test-nonce';

export type AuthoriseErrorName = 'ACCESS_DENIED' | 'TEMPORARILY_UNAVAILABLE';
export type IdTokenErrorName =
  | 'INVALID_ISS'
  | 'INVALID_AUD'
  | 'INVALID_ALG_HEADER'
  | 'INVALID_SIGNATURE'
  | 'TOKEN_EXPIRED'
  | 'TOKEN_NOT_VALID_YET'
  | 'NONCE_NOT_MATCHING'
  | 'INCORRECT_VOT';
export type CoreIdentityErrorName = 'INVALID_ALG_HEADER' | 'INVALID_SIGNATURE' | 'INVALID_ISS' | 'INVALID_AUD' | 'INCORRECT_SUB' | 'TOKEN_EXPIRED';

/** The GOV.UK One Login simulator's error names, by the errorConfiguration member that takes them. */
export declare const SIMULATOR_ERRORS: {
  readonly authoriseErrors: readonly AuthoriseErrorName[];
  readonly idTokenErrors: readonly IdTokenErrorName[];
  readonly coreIdentityErrors: readonly CoreIdentityErrorName[];
};

type LevelOfConfidence = 'P0' | 'P1' | 'P2' | 'P3';
type JsonObject = { [name: string]: unknown };

/**
 * The GOV.UK One Login simulator's configuration body (POST /config), as `op.config()` and the
 * kit's `POST <url>/config` take it. Unknown members are refused by name.
 */
export interface SimulatorConfiguration {
  clientConfiguration?: {
    clientId?: string;
    /** PEM (SPKI) RSA public key that verifies client assertions and request objects. */
    publicKey?: string;
    publicKeySource?: 'STATIC' | 'JWKS';
    /** With publicKeySource JWKS: the client's JWKS URL (assertions must then carry a `kid`). */
    jwksUrl?: string;
    scopes?: Array<'openid' | 'email' | 'phone' | 'wallet-subject-id' | 'offline_access'>;
    redirectUrls?: string[];
    claims?: string[];
    identityVerificationSupported?: boolean;
    idTokenSigningAlgorithm?: 'ES256' | 'RS256';
    clientLoCs?: LevelOfConfidence[];
    postLogoutRedirectUrls?: string[];
  };
  responseConfiguration?: {
    sub?: string;
    email?: string;
    emailVerified?: boolean;
    phoneNumber?: string | null;
    phoneNumberVerified?: boolean;
    maxLoCAchieved?: LevelOfConfidence;
    coreIdentityVerifiableCredentials?: JsonObject | null;
    passportDetails?: JsonObject[] | null;
    drivingPermitDetails?: JsonObject[] | null;
    postalAddressDetails?: JsonObject[] | null;
    returnCodes?: Array<{ code: string }> | null;
  };
  /** Replaced by every body: a body without it clears every configured error (as the simulator does). */
  errorConfiguration?: {
    authoriseErrors?: AuthoriseErrorName[];
    idTokenErrors?: IdTokenErrorName[];
    coreIdentityErrors?: CoreIdentityErrorName[];
  };
  publishNewIdTokenSigningKeys?: boolean | 'true' | 'false';
  useNewIdTokenSigningKeys?: boolean | 'true' | 'false';
  /** Accepted only when it is the kit's own URL: the kit's issuer is its loopback address. */
  simulatorUrl?: string;
}

/** The kit's configuration as GET /config shows it (the simulator's shape). */
export interface SimulatorConfigurationView {
  clientConfiguration: JsonObject;
  errorConfiguration: { authoriseErrors: AuthoriseErrorName[]; idTokenErrors: IdTokenErrorName[]; coreIdentityErrors: CoreIdentityErrorName[] };
  responseConfiguration: JsonObject;
  simulatorUrl: string;
  publishNewIdTokenKeysEnabled: boolean;
  usingNewIdTokenSigningKeys: boolean;
}

/** Every URL and identifier of the kit (getEnvironment's shape). */
export interface TestEndpoints {
  issuer: string;
  discoveryUrl: string;
  jwksUrl: string;
  authorizeUrl: string;
  tokenUrl: string;
  userinfoUrl: string;
  endSessionUrl: string;
  identityIssuer: string;
  didUrl: string;
  didId: string;
}

export interface JsonWebKeySetLike {
  keys: JsonObject[];
}

export interface TokenOptions {
  /** `'unknown'`: sign with a key no JWKS or DID document holds; `'new'` (ID tokens): the rotation key. */
  key?: 'unknown' | 'new';
  /** Header members to override. */
  header?: JsonObject;
}

/** Token factories signed with the kit's keys. */
export interface TestTokens {
  readonly clientId: string;
  readonly sub: string;
  readonly issuer: string;
  /** `{ baseUrl }`, for `OneLoginClient.create({ environment })`. */
  readonly environment: { readonly baseUrl: string };
  readonly endpoints: Readonly<TestEndpoints>;
  /** The DID document that verifies core identity credentials. */
  readonly didDocument: JsonObject;
  /** The clock, Unix seconds. */
  now(): number;
  /** The JWKS that verifies ID, access and logout tokens (`publishNew`: with the rotation keys). */
  jwks(options?: { publishNew?: boolean }): JsonWebKeySetLike;
  /** An ID token; `claims` override any claim (`undefined` removes one). */
  idToken(claims?: JsonObject, options?: TokenOptions & { alg?: 'ES256' | 'RS256'; accessToken?: string }): string;
  /** An access token (a JWS, opaque to the service). */
  accessToken(claims?: JsonObject, options?: { alg?: 'ES256' | 'RS256'; key?: 'unknown' | 'new' }): string;
  /** A core identity credential signed with the DID document's key. */
  coreIdentity(claims?: JsonObject, options?: TokenOptions): string;
  /** A back-channel logout token (typ logout+jwt). */
  logoutToken(claims?: JsonObject & { sub?: string; sid?: string; jti?: string; iat?: number; exp?: number }, options?: TokenOptions): string;
}

export interface TestTokensOptions {
  /** A loopback URL (default `http://127.0.0.1`); the issuer is `${baseUrl}/`. */
  baseUrl?: string;
  /** `aud` of every token (default `test-client`). */
  clientId?: string;
  /** The user's pairwise `sub` (default: a fresh one). */
  sub?: string;
  /** The clock, Unix seconds (a number fixes it). */
  now?: number | (() => number);
}

/** Token factories with fresh keys, no server. */
export declare function createTestTokens(options?: TestTokensOptions): TestTokens;

export interface StartTestOneLoginOptions {
  /** The registered client (default: a fresh ID). */
  clientId?: string;
  /** The client's RSA public key (PEM, JWK or node:crypto KeyObject). Without it the kit makes a key pair. */
  publicKey?: string | object;
  /** Registers client_secret_post instead (authentication only). */
  clientSecret?: string;
  /** 0 (default): any free port. */
  port?: number;
  /** Refuse authorization requests without PKCE (default false, as the simulator). */
  requirePkce?: boolean;
  /** The kit's clock, Unix seconds. */
  now?: number | (() => number);
  /** A simulator configuration body applied at start. */
  configuration?: SimulatorConfiguration;
}

/** Faults beyond the simulator's, for `op.inject()`. */
export interface TestFaults {
  authorizeError?: string;
  errorDescription?: string;
  stateOverride?: string;
  token?: 'hang' | 'redirect' | 'html' | 'oversize' | { status: number; body?: string | JsonObject };
  tokenType?: string;
  noIdToken?: boolean;
  idTokenClaims?: JsonObject;
  idTokenKey?: 'unknown';
  userinfo?: 'hang' | 'oversize' | { status: number; body?: string };
  userinfoSub?: string;
  userinfoClaims?: JsonObject;
  discoveryIssuer?: string;
  /** A path whose body trickles one byte every 20 ms. */
  trickle?: string;
  /** A path whose headers promise 10^9 bytes that never come. */
  hugeContentLength?: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface BackChannelLogoutResult {
  status: number;
  body: string;
  token: string;
}

/** A running kit. */
export interface TestOneLogin {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** `${url}/` */
  readonly issuer: string;
  /** `{ baseUrl: url }`, for `OneLoginClient.create({ environment })`. */
  readonly environment: { readonly baseUrl: string };
  readonly endpoints: Readonly<TestEndpoints>;
  readonly clientId: string;
  /** The client's private key (PKCS#8 PEM) when the kit made it; otherwise undefined. */
  readonly privateKey: string | undefined;
  /** Token factories with this kit's keys and issuer. */
  readonly tokens: TestTokens;
  /** The configured user's sub. */
  readonly sub: string;
  /** The sub of the latest sign-in. */
  readonly lastSub: string;
  readonly jwks: JsonWebKeySetLike;
  readonly didDocument: JsonObject;
  readonly requests: RecordedRequest[];
  /** Apply a simulator configuration body; throws a TokenError (ERR_INVALID_ARGUMENT) naming a member it refuses. */
  config(body: SimulatorConfiguration): Promise<void>;
  configuration(): SimulatorConfigurationView;
  inject(faults: TestFaults): void;
  reset(): void;
  /** Play the browser: the Location /authorize redirects to (rejects with AuthorizeRejected otherwise). */
  authorize(authorizeUrl: string | URL): Promise<string>;
  userinfoFor(sub: string, profile?: JsonObject): void;
  logoutToken(claims?: JsonObject & { sub?: string; sid?: string; jti?: string; iat?: number; exp?: number }, options?: TokenOptions): string;
  /** POST a logout token to the service's back-channel logout URI, as One Login does. */
  sendBackChannelLogout(url: string, claims?: JsonObject | string, options?: TokenOptions): Promise<BackChannelLogoutResult>;
  backChannelLogout(url: string, claims?: JsonObject | string, options?: TokenOptions): Promise<BackChannelLogoutResult>;
  /** Stop the server and free its port. */
  close(): Promise<void>;
}

/** Start a One Login on http://127.0.0.1 (a free port unless `port` is given). */
export declare function startTestOneLogin(options?: StartTestOneLoginOptions): Promise<TestOneLogin>;

/** A browser-visible refusal at /authorize. */
export declare class AuthorizeRejected extends Error {
  readonly status: number;
  readonly body: string;
}

/** The vtr grammar the kit applies: the lowest vector, or undefined when invalid. */
export declare function parseVtr(raw: string | undefined): { c: 'Cl' | 'Cl.Cm'; p: number } | undefined;

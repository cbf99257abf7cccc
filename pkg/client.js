// OneLoginClient: One Login's keys fetched, cached and rotated for the verify functions, in the
// spirit of aws-jwt-verify (`create`, async `verify…`, `verify…Sync` after `hydrate()`).
//
// Verification itself is synchronous wasm, so a key set is never replaced while a verification
// is using it: every verify reads the current instance and uses it without an await in between
// (on the WebCrypto path, each round reads it afresh), and the old instance is freed when the
// next document replaces it.
import {
  getEnvironment,
  buildAuthorizationUrl,
  startSignIn as rawStartSignIn,
  startSignInWithKey,
  checkCallback,
  tokenRequestBody,
  tokenRequestBodyWithKey,
  checkTokenResponse,
  verifyTokenResponseWithKeySet,
  checkUserinfoResponse,
  verifySignInIdentityWithDidDocument,
  checkDidDocumentId,
  buildLogoutUrl,
  logoutTokenFromBody,
  replayTtlSeconds,
  parseDiscovery,
  checkClientOptions,
  checkAccessToken, // [issue 22 sec] finding 8
} from './wasm/govuk_one_login_tokens.js';
import { refuseOversizedLogoutBody, refuseOversizedCallback } from './limits.js'; // [issue 22 sec] finding 1
import { KeySet, DidDocument, SigningKey } from './classes.js';
import {
  verifyIdTokenWithKeySet,
  verifyCoreIdentityWithDidDocument,
  verifyLogoutTokenWithKeySet,
  signClientAssertion,
} from './api.js';
// The async methods call the core directly: their signatures are decided in rounds by
// withAsyncSignatures, which the synchronous wrappers above would switch off.
import {
  verifyIdTokenWithKeySet as rawVerifyIdTokenWithKeySet,
  verifyCoreIdentityWithDidDocument as rawVerifyCoreIdentityWithDidDocument,
  verifyLogoutTokenWithKeySet as rawVerifyLogoutTokenWithKeySet,
} from './wasm/govuk_one_login_tokens.js';
import { TokenError, invalidArgument, createTokenError } from './errors.js';
import { checkDocumentUrl, fetchDocument, DEFAULT_TIMEOUT_MS, DEFAULT_USER_AGENT } from './fetch.js';
import { request, HttpFailure } from './http.js';
import { MemoryReplayStore } from './replay-store.js';
import { withAsyncSignatures } from './async-signatures.js';

/** Used when a document says nothing about caching (One Login sends max-age itself). */
export const DEFAULT_MAX_AGE_SECONDS = 600;
/** Longest we trust a document without asking again, whatever its max-age says. */
export const MAX_MAX_AGE_SECONDS = 86_400;
/** Shortest gap between two fetches of one document (unknown kids, no-store, outages). */
export const DEFAULT_COOLDOWN_MS = 30_000;

const argument = (option, message) => invalidArgument(option, message);
const CREATE = Symbol('OneLoginClient.create');

/** One remote document (a JWKS or a DID document), parsed once and replaced on refresh. */
class RemoteDocument {
  #url;
  #what;
  #parse;
  #http;
  #clock;
  #cooldownMs;
  #value;
  #freshUntil = -Infinity;
  #lastFetchStarted = -Infinity;
  #inflight;

  constructor({ url, what, parse, http, clock, cooldownMs }) {
    this.#url = url;
    this.#what = what;
    this.#parse = parse;
    this.#http = http;
    this.#clock = clock;
    this.#cooldownMs = cooldownMs;
  }

  get what() {
    return this.#what;
  }

  /** The parsed document, or `undefined` before the first successful fetch. */
  get current() {
    return this.#value;
  }

  get #stale() {
    return this.#clock() >= this.#freshUntil;
  }

  /** Make sure `current` is loaded and fresh (or, during an outage, the last good copy). */
  async ensureFresh() {
    if (this.#value === undefined || this.#stale) await this.#refresh();
  }

  /**
   * A token named a key we do not have: fetch again, unless a fetch ran within the cooldown
   * (then a flood of made-up kids costs nothing). Returns whether a fetch happened.
   */
  async refetchForUnknownKey() {
    if (this.#inflight !== undefined) {
      await this.#inflight;
      return true;
    }
    if (this.#clock() - this.#lastFetchStarted < this.#cooldownMs) return false;
    await this.#refresh();
    return true;
  }

  /** For the sync verifiers, which cannot wait: start a refresh if one is due, ignore its outcome. */
  refreshInBackground({ unknownKey = false } = {}) {
    const due = unknownKey ? this.#clock() - this.#lastFetchStarted >= this.#cooldownMs : this.#stale;
    if (due && this.#inflight === undefined) this.#refresh().catch(() => {});
  }

  /** Exactly one fetch in flight: concurrent callers share its promise. */
  #refresh() {
    if (this.#inflight === undefined) {
      this.#lastFetchStarted = this.#clock();
      this.#inflight = this.#load().finally(() => {
        this.#inflight = undefined;
      });
    }
    return this.#inflight;
  }

  async #load() {
    let parsed;
    let maxAgeSeconds;
    try {
      const fetched = await fetchDocument(this.#url, { what: this.#what, ...this.#http });
      maxAgeSeconds = fetched.maxAgeSeconds;
      try {
        parsed = this.#parse(fetched.text);
      } catch (error) {
        throw new TokenError('ERR_JWKS_FETCH_FAILED', `the ${this.#what} at ${this.#url} is unusable: ${error.message}`, {
          cause: error,
        });
      }
    } catch (error) {
      // One Login's advice: during an outage keep trusting the cached copy; try again after the
      // cooldown rather than on every verification.
      if (this.#value === undefined) throw error;
      this.#freshUntil = this.#clock() + this.#cooldownMs;
      return;
    }
    const previous = this.#value;
    this.#value = parsed;
    previous?.free();
    const seconds = Math.min(maxAgeSeconds ?? DEFAULT_MAX_AGE_SECONDS, MAX_MAX_AGE_SECONDS);
    // no-store / max-age=0 would otherwise mean a fetch per verification.
    this.#freshUntil = this.#clock() + Math.max(seconds * 1000, this.#cooldownMs);
  }

  dispose() {
    this.#value?.free();
    this.#value = undefined;
    this.#freshUntil = -Infinity;
  }
}

function optionalNumber(options, name, { min = 0 } = {}) {
  const value = options[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw argument(name, `option "${name}" must be a finite number >= ${min}`);
  }
  return value;
}

function optionalString(options, name) {
  const value = options[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') throw argument(name, `option "${name}" must be a non-empty string`);
  return value;
}

function perCall(options) {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object') throw argument('options', 'verify options must be an object');
  return options;
}

/** One Login's token and userinfo answers are a few KB; anything near this is not theirs. */
export const MAX_RESPONSE_BYTES = 64 * 1024;

/** An OAuth endpoint that could not be reached or answered nothing usable. */
function endpointFailure(code, endpoint, error) {
  if (!(error instanceof HttpFailure)) return error;
  const why = {
    timeout: 'did not answer within the deadline',
    too_large: 'answered more than the size limit',
    redirect: 'answered with a redirect (never followed)',
    network: 'could not be reached',
    aborted: 'was aborted',
  }[error.kind];
  return new TokenError(code, `the ${endpoint} endpoint ${why ?? 'failed'}: ${error.message}`, { cause: error, reason: error.kind });
}

/** The callback as the core reads it: text (URL, path and query, query) or an object of parameters. */
function callbackInput(callback) {
  if (callback instanceof URL) return callback.href;
  if (callback instanceof URLSearchParams) return `?${callback.toString()}`;
  return callback;
}

/** Whether an error means "the document has no key for this token" (worth one refetch). */
const isUnknownKey = (error) => error instanceof TokenError && error.code === 'ERR_JWKS_NO_MATCHING_KEY';

/**
 * Verifies One Login tokens with keys it fetches from the environment's fixed URLs. Create one
 * per process (per environment and client ID) and share it.
 */
export class OneLoginClient {
  #clientId;
  #endpoints;
  #jwks;
  #did;
  #discovery;
  #flow;

  /** Use `OneLoginClient.create(...)`. */
  constructor(token, config) {
    if (token !== CREATE) throw argument('options', 'use OneLoginClient.create(options)');
    this.#clientId = config.clientId;
    this.#endpoints = config.endpoints;
    this.#jwks = config.jwks;
    this.#did = config.did;
    this.#discovery = config.discovery;
    this.#flow = config.flow;
  }

  /**
   * @param {object} options `{ environment | { issuer, jwksUri, didUri?, identityIssuer?,
   *   authorizeUrl?, tokenUrl? }, clientId, fetch?, userAgent?, timeoutMs?, cooldownMs?, clock? }`
   */
  static create(options) {
    if (options === null || typeof options !== 'object') throw argument('options', 'OneLoginClient.create options must be an object');
    checkClientOptions(options);
    const clientId = optionalString(options, 'clientId');
    if (clientId === undefined) throw argument('clientId', 'option "clientId" is required');
    let endpoints;
    if (options.environment !== undefined) {
      for (const name of ['issuer', 'jwksUri', 'didUri', 'identityIssuer']) {
        if (options[name] !== undefined) {
          throw argument(name, `pass "environment" or "${name}", not both (an environment object may override ${name})`);
        }
      }
      const env = getEnvironment(options.environment);
      endpoints = {
        issuer: env.issuer,
        identityIssuer: env.identityIssuer,
        jwksUri: env.jwksUrl,
        didUri: env.didUrl,
        didId: env.didId,
        discoveryUrl: env.discoveryUrl,
        authorizeUrl: env.authorizeUrl,
        tokenUrl: env.tokenUrl,
        userinfoUrl: env.userinfoUrl,
        endSessionUrl: env.endSessionUrl,
      };
    } else {
      const issuer = optionalString(options, 'issuer');
      const jwksUri = optionalString(options, 'jwksUri');
      if (issuer === undefined || jwksUri === undefined) {
        throw argument('environment', 'pass "environment", or "issuer" and "jwksUri" (and "didUri" for core identity)');
      }
      endpoints = {
        issuer,
        // The simulator signs credentials with its OIDC issuer; real One Login does not, and
        // its environments set identityIssuer.
        identityIssuer: optionalString(options, 'identityIssuer') ?? issuer,
        jwksUri,
        didUri: optionalString(options, 'didUri'),
        authorizeUrl: optionalString(options, 'authorizeUrl'),
        tokenUrl: optionalString(options, 'tokenUrl'),
        userinfoUrl: optionalString(options, 'userinfoUrl'),
        endSessionUrl: optionalString(options, 'endSessionUrl'),
        discoveryUrl: optionalString(options, 'discoveryUrl'),
      };
    }
    endpoints.jwksUri = checkDocumentUrl(endpoints.jwksUri, 'JWKS');
    if (endpoints.didUri !== undefined) endpoints.didUri = checkDocumentUrl(endpoints.didUri, 'DID document');
    for (const [name, what] of [
      ['discoveryUrl', 'discovery document'],
      ['tokenUrl', 'token endpoint'],
      ['userinfoUrl', 'userinfo endpoint'],
      ['authorizeUrl', 'authorization endpoint'], // [issue 22 sec] finding 6
      ['endSessionUrl', 'end-session endpoint'], // [issue 22 sec] finding 6
    ]) {
      if (endpoints[name] !== undefined) endpoints[name] = checkDocumentUrl(endpoints[name], what, name); // [issue 22 sec] names the option
    }
    const flow = flowConfig(options);

    if (options.fetch !== undefined && typeof options.fetch !== 'function') throw argument('fetch', 'option "fetch" must be a function');
    if (options.clock !== undefined && typeof options.clock !== 'function') throw argument('clock', 'option "clock" must be a function');
    const http = {
      fetch: options.fetch ?? globalThis.fetch?.bind(globalThis),
      userAgent: optionalString(options, 'userAgent') ?? DEFAULT_USER_AGENT,
      timeoutMs: optionalNumber(options, 'timeoutMs', { min: 1 }) ?? DEFAULT_TIMEOUT_MS,
    };
    const clock = options.clock ?? Date.now;
    const cooldownMs = optionalNumber(options, 'cooldownMs') ?? DEFAULT_COOLDOWN_MS;
    const common = { http, clock, cooldownMs };
    const parseDid = (text) => {
      const did = new DidDocument(text);
      // The document must be the environment's DID, not merely served from its URL.
      if (endpoints.didId !== undefined) {
        try {
          checkDidDocumentId(did, endpoints.didId);
        } catch (error) {
          did.free();
          throw error;
        }
      }
      return did;
    };
    const parseDiscoveryDocument = (text) => ({ ...parseDiscovery(text, endpoints.issuer), free() {} });
    return new OneLoginClient(CREATE, {
      clientId,
      endpoints: Object.freeze(endpoints),
      jwks: new RemoteDocument({ url: endpoints.jwksUri, what: 'JWKS', parse: (t) => new KeySet(t), ...common }),
      did:
        endpoints.didUri === undefined
          ? undefined
          : new RemoteDocument({ url: endpoints.didUri, what: 'DID document', parse: parseDid, ...common }),
      discovery:
        endpoints.discoveryUrl === undefined
          ? undefined
          : new RemoteDocument({ url: endpoints.discoveryUrl, what: 'discovery document', parse: parseDiscoveryDocument, ...common }),
      flow: { ...flow, http, clock, cooldownMs },
    });
  }

  /** The client ID every verification expects. */
  get clientId() {
    return this.#clientId;
  }

  /**
   * The URLs and issuers in use: `{ issuer, identityIssuer, jwksUri, didUri, didId, discoveryUrl,
   * authorizeUrl, tokenUrl, userinfoUrl, endSessionUrl }`.
   */
  get endpoints() {
    return this.#endpoints;
  }

  /** Fetch the JWKS (and the DID document, when configured) now, so the sync verifiers work. */
  async hydrate() {
    await Promise.all([this.#jwks, this.#did].filter(Boolean).map((doc) => doc.ensureFresh()));
  }

  #didDocument() {
    if (this.#did === undefined) throw argument('didUri', 'this client has no DID document URL: pass "didUri" to create()');
    return this.#did;
  }

  /** The async path: fresh keys, then at most one refetch when the token names an unknown key. */
  async #verify(doc, verifyWith) {
    await doc.ensureFresh();
    // Each round of the WebCrypto path reads the document afresh: a refresh that lands
    // meanwhile frees the copy a previous round used.
    const verifyCurrent = () => withAsyncSignatures(() => verifyWith(doc.current));
    try {
      return await verifyCurrent();
    } catch (error) {
      if (!isUnknownKey(error)) throw error;
      if (!(await doc.refetchForUnknownKey())) {
        // Say why no fresh copy was tried: during a key rotation this reads differently from
        // "One Login has no such key".
        throw new TokenError(
          error.code,
          `${error.message}; the ${doc.what} was not fetched again because it was fetched within the last ${Math.round(this.#flow.cooldownMs / 1000)} s (cooldown): a newly rotated key is picked up once the cooldown has passed`,
          { cause: error },
        );
      }
    }
    try {
      return await verifyCurrent();
    } catch (error) {
      if (!isUnknownKey(error)) throw error;
      throw new TokenError(error.code, `${error.message}, even in the ${doc.what} fetched again just now`, { cause: error });
    }
  }

  #verifySync(doc, verifyWith) {
    const keys = doc.current;
    if (keys === undefined) {
      throw argument('options', `the ${doc.what} is not loaded yet: await client.hydrate() (or an async verify) first`);
    }
    doc.refreshInBackground();
    try {
      return verifyWith(keys);
    } catch (error) {
      if (isUnknownKey(error)) doc.refreshInBackground({ unknownKey: true });
      throw error;
    }
  }

  #idOptions(options) {
    return { ...perCall(options), issuer: this.#endpoints.issuer, clientId: this.#clientId };
  }

  #identityOptions(options) {
    return { ...perCall(options), issuer: this.#endpoints.identityIssuer, clientId: this.#clientId };
  }

  /** Verify an ID token: `{ nonce, vtr?, maxAge?, accessToken?, now?, clockTolerance? }`. */
  async verifyIdToken(token, options) {
    const o = this.#idOptions(options);
    return this.#verify(this.#jwks, (keys) => rawVerifyIdTokenWithKeySet(token, keys, o));
  }

  /** Verify a core identity credential: `{ sub, vtr?, now?, clockTolerance? }` → `{ claims, identity }`. */
  async verifyCoreIdentity(token, options) {
    const o = this.#identityOptions(options);
    return this.#verify(this.#didDocument(), (did) => rawVerifyCoreIdentityWithDidDocument(token, did, o));
  }

  /** Verify a back-channel logout token: `{ now?, clockTolerance? }` → claims (keep `jti`). */
  async verifyLogoutToken(token, options) {
    const o = this.#idOptions(options);
    return this.#verify(this.#jwks, (keys) => rawVerifyLogoutTokenWithKeySet(token, keys, o));
  }

  verifyIdTokenSync(token, options) {
    const o = this.#idOptions(options);
    return this.#verifySync(this.#jwks, (keys) => verifyIdTokenWithKeySet(token, keys, o));
  }

  verifyCoreIdentitySync(token, options) {
    const o = this.#identityOptions(options);
    return this.#verifySync(this.#didDocument(), (did) => verifyCoreIdentityWithDidDocument(token, did, o));
  }

  verifyLogoutTokenSync(token, options) {
    const o = this.#idOptions(options);
    return this.#verifySync(this.#jwks, (keys) => verifyLogoutTokenWithKeySet(token, keys, o));
  }

  /** `buildAuthorizationUrl` with this client's ID and authorize URL filled in. */
  authorizationUrl(params) {
    if (params === null || typeof params !== 'object') throw argument('options', 'authorizationUrl params must be an object');
    const authorizeUrl = this.#endpoints.authorizeUrl ?? params.authorizeUrl;
    return buildAuthorizationUrl({ ...params, authorizeUrl, clientId: this.#clientId });
  }

  /**
   * `signClientAssertion` with this client's ID and token URL (as `audience`) filled in:
   * `{ privateKey, alg?, now?, lifetime?, jti?, kid?, audience? }`.
   */
  clientAssertion(params) {
    if (params === null || typeof params !== 'object') throw argument('options', 'clientAssertion params must be an object');
    return signClientAssertion({ ...params, clientId: this.#clientId, audience: params.audience ?? this.#endpoints.tokenUrl });
  }

  // --- the sign-in flow ------------------------------------------------------------------------
  // Every rule is in the core (the wasm exports above); these methods do the I/O.

  #now() {
    return this.#flow.clock() / 1000;
  }

  #required(name) {
    const value = this.#endpoints[name];
    if (value === undefined) throw argument(name, `this client has no "${name}": pass "environment" (or "${name}") to create()`);
    return value;
  }

  #signInClient() {
    return {
      clientId: this.#clientId,
      authorizeUrl: this.#required('authorizeUrl'),
      redirectUri: this.#flow.redirectUri,
      clientSecretPost: this.#flow.signingKey === undefined && this.#flow.clientSecret !== undefined,
      kid: this.#flow.kid,
      now: this.#now(),
    };
  }

  /**
   * Start a sign-in: `{ url, transaction }`. Redirect the browser to `url`; keep `transaction`
   * (plain JSON) in the session for `completeSignIn`. Options: `{ redirectUri, vtr, scope,
   * claims, uiLocales, prompt, maxAge, idTokenHint, responseMode, requestObject }`.
   */
  startSignIn(options) {
    const key = this.#flow.signingKey;
    return key === undefined
      ? rawStartSignIn(this.#signInClient(), options)
      : startSignInWithKey(key, this.#signInClient(), options);
  }

  /** The discovery document, fetched and cached like the JWKS; its issuer must be this environment's. */
  async discovery() {
    if (this.#discovery === undefined) return undefined;
    await this.#discovery.ensureFresh();
    const { free: _free, ...document } = this.#discovery.current;
    return document;
  }

  /** POST one form to an endpoint through the one bounded HTTP exchange. */
  async #send(url, init, code, endpoint) {
    const { http } = this.#flow;
    try {
      return await request(url, {
        ...init,
        fetch: http.fetch,
        timeoutMs: http.timeoutMs,
        userAgent: http.userAgent,
        maxBytes: MAX_RESPONSE_BYTES,
      });
    } catch (error) {
      throw endpointFailure(code, endpoint, error);
    }
  }

  /**
   * Exchange an authorization code: `{ sub, claims, idToken, accessToken, expiresIn }`, the ID
   * token verified with every One Login rule against the transaction (nonce, vtr, max_age,
   * at_hash).
   */
  async exchangeCode(code, transaction) {
    const { signingKey, clientSecret } = this.#flow;
    if (signingKey === undefined && clientSecret === undefined) {
      throw argument('privateKey', 'this client cannot call the token endpoint: pass "privateKey" or "clientSecret" to create()');
    }
    // The discovery document is read (and its issuer checked) before a code is sent anywhere.
    await this.#discovery?.ensureFresh();
    const tokenUrl = this.#required('tokenUrl');
    const body =
      signingKey !== undefined
        ? tokenRequestBodyWithKey(signingKey, code, transaction, {
            clientId: this.#clientId,
            audience: this.#flow.assertionAudience === 'issuer' ? this.#endpoints.issuer : tokenUrl,
            alg: this.#flow.assertionAlg,
            kid: this.#flow.kid,
            now: this.#now(),
          })
        : tokenRequestBody(code, transaction, { clientId: this.#clientId, clientSecret });
    const response = await this.#send(
      tokenUrl,
      { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body },
      'ERR_OAUTH_TOKEN_ERROR',
      'token',
    );
    const tokens = checkTokenResponse(response.status, response.text);
    const context = { issuer: this.#endpoints.issuer, clientId: this.#clientId, now: this.#now(), clockTolerance: this.#flow.clockTolerance };
    const claims = await this.#verify(this.#jwks, (keys) => verifyTokenResponseWithKeySet(tokens, keys, transaction, context));
    return { sub: claims.sub, claims, idToken: tokens.idToken, accessToken: tokens.accessToken, expiresIn: tokens.expiresIn };
  }

  /**
   * Fetch userinfo with an access token: `{ userinfo, sub, email, emailVerified, phoneNumber,
   * phoneNumberVerified, walletSubjectId, addresses, passports, drivingPermits, returnCodes,
   * coreIdentityJWT }`. `sub` (the ID token's) is required: a response about anyone else is refused.
   */
  async fetchUserinfo(accessToken, options) {
    const { sub, transaction } = perCall(options);
    if (typeof accessToken !== 'string' || accessToken === '') throw argument('accessToken', 'fetchUserinfo: accessToken must be a non-empty string');
    checkAccessToken(accessToken); // [issue 22 sec] finding 8: before Headers sees it
    if (typeof sub !== 'string' || sub === '') throw argument('sub', 'fetchUserinfo: option "sub" (the ID token\'s sub) is required');
    const response = await this.#send(
      this.#required('userinfoUrl'),
      { method: 'GET', headers: { Authorization: `Bearer ${accessToken}` } },
      'ERR_OAUTH_USERINFO_ERROR',
      'userinfo',
    );
    const checked = checkUserinfoResponse(response.status, response.headers.get('www-authenticate') ?? undefined, response.text, {
      sub,
      transaction: transaction ?? undefined,
    });
    return { userinfo: checked.userinfo, ...checked.claims, coreIdentityJWT: checked.coreIdentityJWT };
  }

  /**
   * The whole callback: state, error, token exchange, ID token, userinfo, core identity. Returns
   * `{ sub, claims, idToken, accessToken, userinfo, identity, addresses, passports,
   * drivingPermits, returnCodes, walletSubjectId, email, emailVerified, phoneNumber,
   * phoneNumberVerified }`; `identity` is `null` when no credential arrived.
   */
  async completeSignIn(callback, transaction) {
    refuseOversizedCallback(callback); // [issue 22 sec] finding 1: before wasm memory
    // State first: on a mismatch (or no transaction) nothing is sent anywhere.
    const code = checkCallback(callbackInput(callback), transaction);
    const tokens = await this.exchangeCode(code, transaction);
    const { coreIdentityJWT, userinfo, ...views } = await this.fetchUserinfo(tokens.accessToken, { sub: tokens.sub, transaction });
    let identity = null;
    if (coreIdentityJWT !== null && coreIdentityJWT !== undefined) {
      const context = {
        identityIssuer: this.#endpoints.identityIssuer,
        clientId: this.#clientId,
        didId: this.#endpoints.didId,
        sub: tokens.sub,
        now: this.#now(),
        clockTolerance: this.#flow.clockTolerance,
      };
      identity = await this.#verify(this.#didDocument(), (did) =>
        verifySignInIdentityWithDidDocument(coreIdentityJWT, did, transaction, context),
      );
    }
    return { ...views, sub: tokens.sub, claims: tokens.claims, idToken: tokens.idToken, accessToken: tokens.accessToken, userinfo, identity };
  }

  /** One Login's logout URL: `{ idTokenHint, postLogoutRedirectUri, state, uiLocales }`. */
  logoutUrl(options) {
    return buildLogoutUrl(this.#required('endSessionUrl'), options);
  }

  /**
   * A back-channel logout request: `input` is the form body (string, URLSearchParams, or the
   * parsed object) or the logout token. Verifies the token, then refuses a `jti` already seen
   * (`ERR_LOGOUT_TOKEN_REPLAYED`) using `replayStore` (default: this client's in-memory store;
   * a service with several instances must pass a shared one such as RedisReplayStore).
   * Returns `{ sub, sid, jti }`: end every session of `sub`, then answer HTTP 200.
   */
  async handleBackChannelLogout(input, options) {
    const { replayStore } = perCall(options);
    const body = input instanceof URLSearchParams ? input.toString() : typeof input?.get === 'function' ? (input.get('logout_token') ?? '') : input;
    const token = logoutTokenFromBody(refuseOversizedLogoutBody(body)); // [issue 22 sec] finding 1
    const claims = await this.verifyLogoutToken(token, { now: this.#now(), clockTolerance: this.#flow.clockTolerance });
    const store = replayStore ?? this.#flow.replayStore;
    if (typeof store?.remember !== 'function') throw argument('replayStore', 'option "replayStore" must have an async remember(jti, ttlSeconds)');
    const ttl = replayTtlSeconds(claims.exp, this.#now(), this.#flow.clockTolerance ?? 30);
    if (!(await store.remember(claims.jti, ttl))) {
      throw createTokenError('ERR_LOGOUT_TOKEN_REPLAYED', 'this logout token (its jti) was already received: a replay is refused');
    }
    return { sub: claims.sub, sid: claims.sid ?? null, jti: claims.jti };
  }

  /** Free the cached documents' WebAssembly memory; the next verification fetches again. */
  dispose() {
    this.#jwks.dispose();
    this.#did?.dispose();
    this.#discovery?.dispose();
    if (this.#flow.ownsKey) this.#flow.signingKey?.free();
  }
}

/** The sign-in flow's part of `create()`'s options. */
function flowConfig(options) {
  if (options.privateKey !== undefined && options.clientSecret !== undefined) {
    throw argument('privateKey', 'pass "privateKey" (private_key_jwt) or "clientSecret" (client_secret_post), not both');
  }
  let signingKey;
  let ownsKey = false;
  if (options.privateKey !== undefined) {
    if (options.privateKey instanceof SigningKey) {
      signingKey = options.privateKey;
    } else {
      signingKey = new SigningKey(options.privateKey);
      ownsKey = true;
    }
  }
  const assertionAudience = options.clientAssertionAudience ?? 'tokenUrl';
  if (assertionAudience !== 'tokenUrl' && assertionAudience !== 'issuer') {
    throw argument('clientAssertionAudience', 'option "clientAssertionAudience" must be "tokenUrl" or "issuer"');
  }
  const replayStore = options.replayStore ?? new MemoryReplayStore();
  if (typeof replayStore?.remember !== 'function') throw argument('replayStore', 'option "replayStore" must have an async remember(jti, ttlSeconds)');
  return {
    signingKey,
    ownsKey,
    clientSecret: optionalString(options, 'clientSecret'),
    redirectUri: optionalString(options, 'redirectUri'),
    kid: optionalString(options, 'kid'),
    assertionAlg: optionalString(options, 'clientAssertionAlg'),
    assertionAudience,
    clockTolerance: optionalNumber(options, 'clockTolerance'),
    replayStore,
  };
}

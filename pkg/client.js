// OneLoginClient: One Login's keys fetched, cached and rotated for the verify functions, in the
// spirit of aws-jwt-verify (`create`, async `verify…`, `verify…Sync` after `hydrate()`).
//
// Verification itself is synchronous wasm, so a key set is never replaced while a verification
// is using it: every verify reads the current instance and uses it without an await in between
// (on the WebCrypto path, each round reads it afresh), and the old instance is freed when the
// next document replaces it.
import {
  clientStartSignIn,
  clientBeginCompletion,
  clientCheckUserinfoOptions,
  clientCheckUserinfo,
  clientAssertion,
  clientPublicJwks,
  logoutTokenFromBody,
  isSignedOut as isSignedOutRule,
  signOutRecordTtl,
  checkAccessToken,
} from './wasm/govuk_one_login_tokens.js';
import { refuseOversizedLogoutBody, refuseOversizedCallback } from './limits.js';
import { KeySet, DidDocument } from './classes.js';
import { TokenError, invalidArgument, createTokenError } from './errors.js';
import { fetchDocument } from './fetch.js';
import { request, HttpFailure } from './http.js';
import { MemoryStore } from './store.js';
// doc-cache: the documents kept in the store (cacheDocuments)
import { DocumentCache } from './document-cache.js';
import { withAsyncSignatures } from './async-signatures.js';
import { answering } from './host-crypto.js';
// the sign-in/logout outcome messages (diagnostics.js)
import { instrumentSignIn } from './diagnostics.js';
// signers: the key in any of its forms; a CryptoKeyPair's or a signer's signatures (client-keys.js)
import { clientConfigOf, startSignInExternal, clientAssertionExternal, tokenRequestBodyExternal } from './client-keys.js';

const argument = (option, message) => invalidArgument(option, message);
/** signers: the adapters' synchronous check of sign-in options (one symbol across bundles). */
export const PROBE_SIGN_IN = Symbol.for('govuk-one-login-tokens.probeSignIn');
const CREATE = Symbol('OneLoginClient.create');

/**
 * One remote document (the discovery document, a JWKS or a DID document), parsed once and
 * replaced on refresh. How long a copy stays fresh is the core's rule (`freshUntil`: its
 * Cache-Control max-age, 10 minutes without one, at most a day, at least the cooldown).
 * doc-cache: with a `cache` (cacheDocuments), a load first reads the copy another instance
 * stored, and every fetched copy is stored; a refetch for an unknown key always fetches.
 */
class RemoteDocument {
  #url;
  #kind;
  #what;
  #parse;
  #http;
  #clock;
  #cooldownMs;
  #freshUntilOf;
  #cache;
  #checkStored;
  #value;
  #freshUntil = -Infinity;
  #lastFetchStarted = -Infinity;
  #inflight;

  constructor({ url, kind, what, parse, http, clock, cooldownMs, freshUntil, cache, checkStored }) {
    this.#url = url;
    this.#kind = kind;
    this.#what = what;
    this.#parse = parse;
    this.#http = http;
    this.#clock = clock;
    this.#cooldownMs = cooldownMs;
    this.#freshUntilOf = freshUntil;
    this.#cache = cache;
    this.#checkStored = checkStored;
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

  /** Whether `ensureFresh` would fetch. */
  get due() {
    return this.#value === undefined || this.#stale;
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
    // A load in flight that fetched is as new as a copy gets; one that read the store is not.
    if (this.#inflight !== undefined && (await this.#inflight)) return true;
    if (this.#clock() - this.#lastFetchStarted < this.#cooldownMs) return false;
    await this.#refresh({ fromStore: false });
    return true;
  }

  /** For the sync verifiers, which cannot wait: start a refresh if one is due, ignore its outcome. */
  refreshInBackground({ unknownKey = false } = {}) {
    const due = unknownKey ? this.#clock() - this.#lastFetchStarted >= this.#cooldownMs : this.#stale;
    if (due && this.#inflight === undefined) this.#refresh({ fromStore: !unknownKey }).catch(() => {});
  }

  /**
   * Exactly one load in flight: concurrent callers share its promise, which resolves to whether
   * it fetched (rather than read the store).
   */
  #refresh({ fromStore = true } = {}) {
    if (this.#inflight === undefined) {
      this.#inflight = this.#load(fromStore).finally(() => {
        this.#inflight = undefined;
      });
    }
    return this.#inflight;
  }

  #replace(value, freshUntil) {
    const previous = this.#value;
    this.#value = value;
    previous?.free();
    this.#freshUntil = freshUntil;
  }

  /** A stored copy: parsed as a fetched one, then the core's further check of stored copies. */
  #parseStored(text) {
    const value = this.#parse(text);
    try {
      this.#checkStored?.(value);
    } catch (error) {
      value.free();
      throw error;
    }
    return value;
  }

  async #load(fromStore) {
    if (fromStore && this.#cache !== undefined) {
      const stored = await this.#cache.read(this.#kind, (text) => this.#parseStored(text));
      if (stored !== undefined) {
        this.#replace(stored.value, stored.freshUntilMs);
        return false;
      }
    }
    // The cooldown counts fetches only: a copy read from the store may predate a rotation.
    this.#lastFetchStarted = this.#clock();
    let parsed;
    let fetched;
    try {
      fetched = await fetchDocument(this.#url, { what: this.#what, ...this.#http });
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
      return true;
    }
    const fetchedAt = this.#clock();
    const freshUntil = this.#freshUntilOf(fetchedAt, fetched.maxAgeSeconds);
    this.#replace(parsed, freshUntil);
    // Awaited, so a serverless instance frozen after its response has stored it.
    await this.#cache?.write(this.#kind, fetched.text, fetchedAt, freshUntil);
    return true;
  }

  dispose() {
    this.#value?.free();
    this.#value = undefined;
    this.#freshUntil = -Infinity;
  }
}

/**
 * A member the wrapper itself reads (a function, a store, a key): own properties only, so a
 * polluted `Object.prototype` never supplies one. The core checks every other member.
 */
function own(options, name) {
  return options !== null && typeof options === 'object' && Object.hasOwn(options, name) ? options[name] : undefined;
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
 * Verifies One Login tokens with keys it fetches from the environment's fixed URLs, and runs
 * the sign-in. Create one per process (per environment and client ID) and share it. Its
 * configuration is resolved and checked once, in the core (`ClientConfig`); this class only
 * fetches, caches and stores.
 */
export class OneLoginClient {
  #config;
  #endpoints;
  #jwks;
  #did;
  #discovery;
  #clock;
  #cooldownMs;
  #http;
  #store;
  #external; // signers: a key that signs outside the core (CryptoKeyPair, { publicJwk, sign })

  /** Use `OneLoginClient.create(...)`. */
  constructor(token, parts) {
    if (token !== CREATE) throw argument('options', 'use OneLoginClient.create(options)');
    this.#config = parts.config;
    this.#endpoints = parts.endpoints;
    this.#clock = parts.clock;
    this.#cooldownMs = parts.http.cooldownMs;
    this.#http = parts.http;
    this.#store = parts.store;
    this.#external = parts.external;
    const config = parts.config;
    const common = {
      http: parts.http,
      clock: parts.clock,
      cooldownMs: parts.http.cooldownMs,
      // doc-cache: the core's freshness rule, and the store's copies when cacheDocuments is on
      freshUntil: (fetchedAtMs, maxAgeSeconds) => config.documentFreshUntil(fetchedAtMs, maxAgeSeconds),
      cache: parts.documentCache,
    };
    this.#jwks = new RemoteDocument({
      url: this.#endpoints.jwksUrl,
      kind: 'jwks',
      what: 'JWKS',
      parse: (t) => new KeySet(t),
      checkStored: (keys) => config.checkStoredKeySet(keys),
      ...common,
    });
    this.#did = new RemoteDocument({
      url: this.#endpoints.didUrl,
      kind: 'did',
      what: 'DID document',
      checkStored: (did) => config.checkStoredDidDocument(did),
      // The document must be the environment's DID, not merely served from its URL.
      parse: (text) => {
        const did = new DidDocument(text);
        try {
          config.checkDidDocument(did);
        } catch (error) {
          did.free();
          throw error;
        }
        return did;
      },
      ...common,
    });
    this.#discovery = new RemoteDocument({
      url: this.#endpoints.discoveryUrl,
      kind: 'discovery',
      what: 'discovery document',
      parse: (text) => ({ ...config.parseDiscovery(text), free() {} }),
      ...common,
    });
  }

  /**
   * @param {object} options `{ environment, clientId, redirectUri?, privateKey? | clientSecret?,
   *   clientAssertionAlg?, clientAssertionAudience?, kid?, clockTolerance?, store?, sessionLifetime?, fetch?,
   *   clock?, userAgent? | serviceName? + serviceUrl?, timeoutMs?, cooldownMs?, requestObject? }`: every member is checked by name in the core.
   */
  static create(options) {
    if (options === null || typeof options !== 'object') throw argument('options', 'OneLoginClient.create options must be an object');
    // signers: a PEM, JWK, SigningKey, CryptoKeyPair or { publicJwk, sign } (client-keys.js)
    const { config, external } = clientConfigOf(options);
    const fetchFn = own(options, 'fetch');
    const givenClock = own(options, 'clock');
    if (fetchFn !== undefined && typeof fetchFn !== 'function') throw argument('fetch', 'option "fetch" must be a function');
    if (givenClock !== undefined && typeof givenClock !== 'function') throw argument('clock', 'option "clock" must be a function');
    const clock = givenClock ?? Date.now;
    // One store for logout-token replays and ended sessions.
    const store = own(options, 'store') ?? new MemoryStore();
    if (!['remember', 'recordSignOut', 'signedOutAt'].every((method) => typeof store?.[method] === 'function')) {
      throw argument('store', 'option "store" must have remember(jti, ttlSeconds), recordSignOut(sub, atSeconds, ttlSeconds) and signedOutAt(sub) (MemoryStore, RedisStore)');
    }
    const settings = config.http;
    const http = {
      fetch: fetchFn ?? globalThis.fetch?.bind(globalThis),
      userAgent: settings.userAgent,
      timeoutMs: settings.timeoutMs,
      cooldownMs: settings.cooldownMs,
    };
    // doc-cache: documents shared through the store only when asked for (cacheDocuments).
    let documentCache;
    if (settings.cacheDocuments) {
      if (!['getDocument', 'putDocument'].every((method) => typeof store[method] === 'function')) {
        throw argument('cacheDocuments', 'option "cacheDocuments" needs a store with getDocument(key) and putDocument(key, record, ttlSeconds) (MemoryStore, RedisStore)');
      }
      // The browser build has no records: a page shares no store with other instances.
      if (typeof config.readDocumentRecord !== 'function') throw argument('cacheDocuments', 'option "cacheDocuments" is for servers: this build (the browser\'s) has no document cache');
      documentCache = new DocumentCache({ store, config, clock, timeoutMs: settings.timeoutMs });
    }
    return new OneLoginClient(CREATE, {
      config,
      external,
      endpoints: Object.freeze(config.endpoints),
      http,
      clock,
      store,
      documentCache,
    });
  }

  /** The client ID every verification expects. */
  get clientId() {
    return this.#config.clientId;
  }

  /**
   * The URLs and issuers in use: `{ issuer, identityIssuer, discoveryUrl, jwksUrl, didUrl, didId,
   * authorizeUrl, tokenUrl, userinfoUrl, endSessionUrl }`.
   */
  get endpoints() {
    return this.#endpoints;
  }

  /** Fetch the JWKS and the DID document now, so the sync verifiers work. */
  async hydrate() {
    await Promise.all([this.#jwks, this.#did].map((doc) => doc.ensureFresh()));
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
          `${error.message}; the ${doc.what} was not fetched again because it was fetched within the last ${Math.round(this.#cooldownMs / 1000)} s (cooldown): a newly rotated key is picked up once the cooldown has passed`,
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

  /** Verify an ID token: `{ nonce, vtr?, maxAge?, accessToken?, now?, clockTolerance? }`. */
  async verifyIdToken(token, options) {
    // Options refused before a fetch they would cause (otherwise the verification reads them).
    if (this.#jwks.due) this.#config.checkVerifyOptions('idToken', options);
    const now = this.#now();
    return this.#verify(this.#jwks, (keys) => this.#config.verifyIdToken(token, keys, options, now));
  }

  /** Verify a core identity credential: `{ sub, vtr?, now?, clockTolerance? }` → `{ claims, identity }`. */
  async verifyCoreIdentity(token, options) {
    // Options refused before a fetch they would cause (otherwise the verification reads them).
    if (this.#did.due) this.#config.checkVerifyOptions('coreIdentity', options);
    const now = this.#now();
    return this.#verify(this.#did, (did) => this.#config.verifyCoreIdentity(token, did, options, now));
  }

  /** Verify a back-channel logout token: `{ now?, clockTolerance? }` → claims (keep `jti`). */
  async verifyLogoutToken(token, options) {
    // Options refused before a fetch they would cause (otherwise the verification reads them).
    if (this.#jwks.due) this.#config.checkVerifyOptions('logoutToken', options);
    const now = this.#now();
    return this.#verify(this.#jwks, (keys) => this.#config.verifyLogoutToken(token, keys, options, now));
  }

  verifyIdTokenSync(token, options) {
    const now = this.#now();
    return answering(undefined, () => this.#verifySync(this.#jwks, (keys) => this.#config.verifyIdToken(token, keys, options, now)));
  }

  verifyCoreIdentitySync(token, options) {
    const now = this.#now();
    return answering(undefined, () => this.#verifySync(this.#did, (did) => this.#config.verifyCoreIdentity(token, did, options, now)));
  }

  verifyLogoutTokenSync(token, options) {
    const now = this.#now();
    return answering(undefined, () => this.#verifySync(this.#jwks, (keys) => this.#config.verifyLogoutToken(token, keys, options, now)));
  }

  /** `buildAuthorizationUrl` with this client's ID and authorize URL filled in. */
  authorizationUrl(params) {
    return this.#config.authorizationUrl(params);
  }

  /** A client assertion for the token endpoint: `{ alg?, now?, lifetime?, jti?, kid?, audience? }`. */
  clientAssertion(params) {
    // signers: an external key's assertion is asynchronous (the signature is)
    if (this.#external !== undefined) return clientAssertionExternal(this.#config, this.#external, params, this.#now(), this.#http.timeoutMs);
    return clientAssertion(this.#config, params, this.#now());
  }

  // --- the sign-in flow ------------------------------------------------------------------------
  // Every rule is in the core (ClientConfig and SignInCompletion); these methods do the I/O.

  #now() {
    return this.#clock() / 1000;
  }

  /**
   * Start a sign-in: `{ url, transaction }`. Redirect the browser to `url`; keep `transaction`
   * (plain JSON) in the session for `completeSignIn`, and delete it once used. Options:
   * `{ redirectUri, vtr, scope, claims, uiLocales, prompt, maxAge, idTokenHint, responseMode,
   * requestObject }`.
   */
  /**
   * signers: the transaction a sign-in with `options` would keep, synchronously for every key (an
   * external key's without a request object): the Express adapter checks its options at start-up.
   */
  [PROBE_SIGN_IN](options) {
    const unsigned = this.#external === undefined || options === null || typeof options !== 'object' ? options : { ...options, requestObject: false };
    return clientStartSignIn(this.#config, unsigned, this.#now()).transaction;
  }

  startSignIn(options) {
    // signers: with a CryptoKeyPair or a signer, a promise (the request object's signature is)
    if (this.#external !== undefined) return startSignInExternal(this.#config, this.#external, options, this.#now(), this.#http.timeoutMs);
    return clientStartSignIn(this.#config, options, this.#now());
  }

  /**
   * The JWKS to publish at your JWKS URL, `{ keys }`: the signing key's public JWK (`kid`
   * the client's `kid`, else the key's own, else its RFC 7638 thumbprint), then
   * `additionalPublicKeys`. Async, so a key held elsewhere can answer later.
   */
  async publicJwks() {
    await this.#external?.ready; // signers: a CryptoKeyPair's public key, exported
    return clientPublicJwks(this.#config);
  }

  /** The discovery document, fetched and cached like the JWKS; its issuer must be this environment's. */
  async discovery() {
    await this.#discovery.ensureFresh();
    const { free: _free, ...document } = this.#discovery.current;
    return document;
  }

  /** One bounded HTTP exchange with an endpoint. */
  async #send(url, init, code, endpoint) {
    const http = this.#http;
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

  /** The token step of a completion: `{ claims, idToken, accessToken, expiresIn }`. */
  async #exchange(completion, code) {
    // signers: an external key's assertion, its signature checked by the core before anything is sent
    const body =
      this.#external === undefined
        ? completion.tokenRequestBody(this.#config, code)
        : await tokenRequestBodyExternal(completion, this.#config, this.#external, code, this.#http.timeoutMs);
    // The discovery document is read (and its issuer checked) before a code is sent anywhere.
    await this.#discovery.ensureFresh();
    const response = await this.#send(
      this.#endpoints.tokenUrl,
      { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body },
      'ERR_OAUTH_TOKEN_ERROR',
      'token',
    );
    completion.acceptTokenResponse(response.status, response.text);
    return this.#verify(this.#jwks, (keys) => completion.verifyTokens(this.#config, keys));
  }

  /** Run `steps` with a completion of `transaction`, freed afterwards whatever happens. */
  async #completing(transaction, options, steps) {
    const completion = clientBeginCompletion(this.#config, transaction, options, this.#now());
    try {
      return await steps(completion);
    } finally {
      completion.free();
    }
  }

  /**
   * Exchange an authorization code: `{ sub, claims, idToken, accessToken, expiresIn }`, the ID
   * token verified with every One Login rule against the transaction (nonce, vtr, max_age,
   * at_hash). `options`: the route's minimum `{ vtr?, maxAge? }` (see `completeSignIn`).
   */
  async exchangeCode(code, transaction, options) {
    return this.#completing(transaction, options, async (completion) => {
      const tokens = await this.#exchange(completion, code);
      return { sub: tokens.claims.sub, ...tokens };
    });
  }

  /** The userinfo request, with the access token checked before it goes into a header. */
  async #userinfo(accessToken) {
    if (typeof accessToken !== 'string' || accessToken === '') throw argument('accessToken', 'accessToken must be a non-empty string');
    // A token that cannot be a bearer token is refused before Headers sees it.
    checkAccessToken(accessToken);
    return this.#send(
      this.#endpoints.userinfoUrl,
      { method: 'GET', headers: { Authorization: `Bearer ${accessToken}` } },
      'ERR_OAUTH_USERINFO_ERROR',
      'userinfo',
    );
  }

  /**
   * Fetch userinfo with an access token: `{ userinfo, sub, email, emailVerified, phoneNumber,
   * phoneNumberVerified, walletSubjectId, addresses, passports, drivingPermits, returnCodes,
   * coreIdentityJWT }`. Options `{ sub, transaction? }`: `sub` (the ID token's) is required: a
   * response about anyone else is refused.
   */
  async fetchUserinfo(accessToken, options) {
    clientCheckUserinfoOptions(this.#config, options);
    const response = await this.#userinfo(accessToken);
    const checked = clientCheckUserinfo(this.#config, response.status, response.headers.get('www-authenticate') ?? undefined, response.text, options);
    return { userinfo: checked.userinfo, ...checked.claims, coreIdentityJWT: checked.coreIdentityJWT };
  }

  /**
   * The whole callback: state, error, token exchange, ID token, userinfo, core identity. Returns
   * `{ sub, claims, idToken, accessToken, userinfo, identity, addresses, passports,
   * drivingPermits, returnCodes, walletSubjectId, email, emailVerified, phoneNumber,
   * phoneNumberVerified }`; `identity` is `null` when no credential arrived.
   *
   * `options` states what the route requires, `{ vtr?, maxAge? }` (default `Cl.Cm`): the
   * transaction is the caller's storage, so a transaction asking for less is refused before any
   * request. Delete the transaction once this returns or throws.
   */
  async completeSignIn(callback, transaction, options) {
    // By its size, before anything is copied into wasm memory.
    refuseOversizedCallback(callback);
    return this.#completing(transaction, options, async (completion) => {
      // State first: on a mismatch nothing is sent anywhere.
      const code = completion.checkCallback(callbackInput(callback));
      const tokens = await this.#exchange(completion, code);
      const sub = tokens.claims.sub;
      const response = await this.#userinfo(tokens.accessToken);
      const { coreIdentityJWT, userinfo, claims: views } = completion.checkUserinfo(
        this.#config,
        response.status,
        response.headers.get('www-authenticate') ?? undefined,
        response.text,
        sub,
      );
      let identity = null;
      if (coreIdentityJWT !== null && coreIdentityJWT !== undefined) {
        identity = await this.#verify(this.#did, (did) => completion.verifyIdentity(this.#config, coreIdentityJWT, did, sub));
      }
      // signedInAt (whole seconds, this instance's clock) is what isSignedOut compares.
      const signedInAt = Math.floor(this.#now());
      return { ...views, sub, claims: tokens.claims, idToken: tokens.idToken, accessToken: tokens.accessToken, userinfo, identity, signedInAt };
    });
  }

  /** One Login's logout URL: `{ idTokenHint, postLogoutRedirectUri, state, uiLocales }`. */
  logoutUrl(options) {
    return this.#config.logoutUrl(options);
  }

  /**
   * A back-channel logout request: `input` is the form body (string, URLSearchParams, or the
   * parsed object) or the logout token. Verifies the token, refuses a `jti` already seen
   * (`ERR_LOGOUT_TOKEN_REPLAYED`), then records in the client's `store` that every session of
   * `sub` signed in until now has ended (`isSignedOut` answers true for them, on every instance
   * sharing the store). Returns `{ sub, sid, jti, signedOutAt }`: answer HTTP 200.
   */
  async handleBackChannelLogout(input, options) {
    this.#config.checkBackChannelLogoutOptions(options);
    const body = input instanceof URLSearchParams ? input.toString() : typeof input?.get === 'function' ? (input.get('logout_token') ?? '') : input;
    const token = logoutTokenFromBody(refuseOversizedLogoutBody(body));
    const now = this.#now();
    const claims = await this.verifyLogoutToken(token, { now });
    const store = this.#store;
    // The replay check comes first: a replayed token must not move the sign-out time forward.
    if (!(await store.remember(claims.jti, this.#config.replayTtlSeconds(claims.exp, now)))) {
      throw createTokenError('ERR_LOGOUT_TOKEN_REPLAYED', 'this logout token (its jti) was already received: a replay is refused');
    }
    // The latest sign-out of sub, kept as long as a session can live.
    const signedOutAt = Math.floor(this.#now());
    await store.recordSignOut(claims.sub, signedOutAt, signOutRecordTtl(this.#config.sessionLifetime));
    return { sub: claims.sub, sid: claims.sid ?? null, jti: claims.jti, signedOutAt };
  }

  /**
   * Whether One Login ended this session: `true` when a back-channel logout for `sub` was
   * handled, by any instance sharing the store, at or after `signedInAt` (completeSignIn's), or
   * when the session is older than `sessionLifetime`.
   * @param {{ sub: string, signedInAt: number }} session
   */
  async isSignedOut(session) {
    if (session === null || typeof session !== 'object') throw argument('session', 'isSignedOut takes { sub, signedInAt }');
    const { sub, signedInAt } = session;
    if (typeof sub !== 'string' || sub === '') throw argument('sub', 'isSignedOut: "sub" must be a non-empty string');
    const signedOutAt = await this.#store.signedOutAt(sub);
    return isSignedOutRule(signedInAt, signedOutAt, this.#now(), this.#config.sessionLifetime);
  }

  /** Free the cached documents' WebAssembly memory; the next verification fetches again. */
  dispose() {
    this.#jwks.dispose();
    this.#did.dispose();
    this.#discovery.dispose();
  }
}

// each sign-in and logout step publishes its outcome on govuk-one-login-tokens:sign-in.
instrumentSignIn(OneLoginClient);

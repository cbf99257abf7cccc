// OneLoginClient: One Login's keys fetched, cached and rotated for the verify functions, in the
// spirit of aws-jwt-verify (`create`, async `verify…`, `verify…Sync` after `hydrate()`).
//
// Verification itself is synchronous wasm, so a key set is never replaced while a verification
// is using it: every verify reads the current instance and uses it without an await in between,
// and the old instance is freed when the next document replaces it.
import { getEnvironment, buildAuthorizationUrl } from './wasm/govuk_one_login_tokens.js';
import { KeySet, DidDocument } from './classes.js';
import {
  verifyIdTokenWithKeySet,
  verifyCoreIdentityWithDidDocument,
  verifyLogoutTokenWithKeySet,
  signClientAssertion,
} from './api.js';
import { TokenError, invalidArgument } from './errors.js';
import { checkDocumentUrl, fetchDocument, DEFAULT_TIMEOUT_MS, DEFAULT_USER_AGENT } from './fetch.js';

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

  /** Use `OneLoginClient.create(...)`. */
  constructor(token, config) {
    if (token !== CREATE) throw argument('options', 'use OneLoginClient.create(options)');
    this.#clientId = config.clientId;
    this.#endpoints = config.endpoints;
    this.#jwks = config.jwks;
    this.#did = config.did;
  }

  /**
   * @param {object} options `{ environment | { issuer, jwksUri, didUri?, identityIssuer?,
   *   authorizeUrl?, tokenUrl? }, clientId, fetch?, userAgent?, timeoutMs?, cooldownMs?, clock? }`
   */
  static create(options) {
    if (options === null || typeof options !== 'object') throw argument('options', 'OneLoginClient.create options must be an object');
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
        authorizeUrl: env.authorizeUrl,
        tokenUrl: env.tokenUrl,
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
      };
    }
    endpoints.jwksUri = checkDocumentUrl(endpoints.jwksUri, 'JWKS');
    if (endpoints.didUri !== undefined) endpoints.didUri = checkDocumentUrl(endpoints.didUri, 'DID document');

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
    return new OneLoginClient(CREATE, {
      clientId,
      endpoints: Object.freeze(endpoints),
      jwks: new RemoteDocument({ url: endpoints.jwksUri, what: 'JWKS', parse: (t) => new KeySet(t), ...common }),
      did:
        endpoints.didUri === undefined
          ? undefined
          : new RemoteDocument({ url: endpoints.didUri, what: 'DID document', parse: (t) => new DidDocument(t), ...common }),
    });
  }

  /** The client ID every verification expects. */
  get clientId() {
    return this.#clientId;
  }

  /** The URLs and issuers in use: `{ issuer, identityIssuer, jwksUri, didUri, authorizeUrl, tokenUrl }`. */
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
    try {
      return verifyWith(doc.current);
    } catch (error) {
      if (!isUnknownKey(error) || !(await doc.refetchForUnknownKey())) throw error;
    }
    return verifyWith(doc.current);
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
    return this.#verify(this.#jwks, (keys) => verifyIdTokenWithKeySet(token, keys, o));
  }

  /** Verify a core identity credential: `{ sub, vtr?, now?, clockTolerance? }` → `{ claims, identity }`. */
  async verifyCoreIdentity(token, options) {
    const o = this.#identityOptions(options);
    return this.#verify(this.#didDocument(), (did) => verifyCoreIdentityWithDidDocument(token, did, o));
  }

  /** Verify a back-channel logout token: `{ now?, clockTolerance? }` → claims (keep `jti`). */
  async verifyLogoutToken(token, options) {
    const o = this.#idOptions(options);
    return this.#verify(this.#jwks, (keys) => verifyLogoutTokenWithKeySet(token, keys, o));
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

  /** Free the cached documents' WebAssembly memory; the next verification fetches again. */
  dispose() {
    this.#jwks.dispose();
    this.#did?.dispose();
  }
}

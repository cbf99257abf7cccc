// govuk-one-login-tokens/testing: GOV.UK One Login inside a service's own tests (Node only; never
// loaded by the main entry).
//
//   startTestOneLogin()  an in-process One Login on http://127.0.0.1:<free port>: discovery, JWKS,
//                        DID document, /authorize (a 302 straight back, as the simulator does),
//                        /token (private_key_jwt or client_secret_post, PKCE S256), /userinfo,
//                        /logout, back-channel logout tokens, and the GOV.UK One Login simulator's
//                        configuration contract (`op.config(body)`, `POST /config`) with its error
//                        names (govuk-one-login/simulator docs/configuration.md, configured-errors.md).
//   createTestTokens()   the same tokens without a server: ID tokens, core identity credentials and
//                        logout tokens signed with the kit's keys, and the JWKS and DID document
//                        that verify them.
//
// Shapes, limits, error codes and descriptions follow One Login's relying-party contract; where the
// simulator's behaviour is what a service's set-up relies on (its configuration body, its error
// names and what each does to a token) the kit does exactly what the simulator's source does.
// Safety: every issuer here is a loopback URL, so a client configured for `integration` or
// `production` refuses every token the kit makes. Keys are generated per kit and never leave the
// process. Only node:http, node:crypto and this package's own exports are used.
import { createServer } from 'node:http';
import {
  constants as cryptoConstants,
  createHash,
  createPublicKey,
  generateKeyPair,
  generateKeyPairSync,
  KeyObject,
  randomBytes,
  randomUUID,
  sign as cryptoSign,
  timingSafeEqual,
  verify as cryptoVerify,
} from 'node:crypto';
import { TokenError, getEnvironment } from 'govuk-one-login-tokens';

export const LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';
export const VOCAB = 'https://vocab.account.gov.uk/v1/';
export const CLAIM = Object.freeze({
  coreIdentityJWT: `${VOCAB}coreIdentityJWT`,
  address: `${VOCAB}address`,
  passport: `${VOCAB}passport`,
  drivingPermit: `${VOCAB}drivingPermit`,
  returnCode: `${VOCAB}returnCode`,
  inheritedIdentityJWT: `${VOCAB}inheritedIdentityJWT`,
});

/**
 * The simulator's error names (src/constants.ts: AUTHORISE_ERRORS, ID_TOKEN_ERRORS,
 * CORE_IDENTITY_ERRORS), by the `errorConfiguration` member that takes them.
 */
export const SIMULATOR_ERRORS = Object.freeze({
  authoriseErrors: Object.freeze(['ACCESS_DENIED', 'TEMPORARILY_UNAVAILABLE']),
  idTokenErrors: Object.freeze([
    'INVALID_ISS',
    'INVALID_AUD',
    'INVALID_ALG_HEADER',
    'INVALID_SIGNATURE',
    'TOKEN_EXPIRED',
    'TOKEN_NOT_VALID_YET',
    'NONCE_NOT_MATCHING',
    'INCORRECT_VOT',
  ]),
  coreIdentityErrors: Object.freeze(['INVALID_ALG_HEADER', 'INVALID_SIGNATURE', 'INVALID_ISS', 'INVALID_AUD', 'INCORRECT_SUB', 'TOKEN_EXPIRED']),
});

/** The nonce a factory-made ID token carries unless one is given. */
export const TEST_NONCE = 'test-nonce';

const IDENTITY_CLAIMS = [CLAIM.coreIdentityJWT, CLAIM.address, CLAIM.passport, CLAIM.drivingPermit, CLAIM.returnCode];
const VALID_CLAIMS = new Set([...IDENTITY_CLAIMS, CLAIM.inheritedIdentityJWT]);
/** One Login's scopes (the simulator knows the first three; the kit also takes wallet-subject-id). */
const VALID_SCOPES = ['openid', 'email', 'phone', 'wallet-subject-id', 'offline_access'];
const VALID_PROMPTS = new Set(['none', 'login', 'consent', 'select_account', 'create']);
const VALID_LOCS = ['P0', 'P1', 'P2', 'P3'];
/** One Login verifies client assertions and request objects with the client's RSA key only. */
const RSA_ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
const HASH_OF = { RS256: 'sha256', RS384: 'sha384', RS512: 'sha512', PS256: 'sha256', PS384: 'sha384', PS512: 'sha512', ES256: 'sha256' };
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

// Lifetimes and limits (seconds, bytes): One Login's, or the simulator's where it sets them.
const CODE_TTL = 300;
const ACCESS_TOKEN_TTL = 180;
const ID_TOKEN_TTL = 120;
const LOGOUT_TOKEN_TTL = 120;
const ONE_DAY = 86_400;
const CLOCK_SKEW = 30;
const AUTHORIZE_QUERY_LIMIT = 4096;
const OTHER_QUERY_LIMIT = 2048;
const MAX_REQUEST_BODY = 1024 * 1024;
const OVERSIZE_BYTES = 10 * 1024 * 1024;
const JWKS_FETCH_TIMEOUT_MS = 5000;

// What the simulator writes into a broken token (src/constants.ts, src/components/utils/).
const SIMULATOR_INVALID_ISSUER = 'https://example.com/identity-provider';
const SIMULATOR_INVALID_KEY_KID = '60c01993-94cd-4d32-a4da-2a44dba7e45b';

/** Descriptions One Login sends with each redirected error code. */
const AUTHORIZE_ERROR_DESCRIPTIONS = {
  invalid_request: 'Invalid request',
  invalid_scope: 'Invalid, unknown or malformed scope',
  unsupported_response_type: 'Unsupported response type',
  request_uri_not_supported: 'Request URI not supported',
  unauthorized_client: 'Unauthorized client',
  unmet_authentication_requirements: 'Unmet authentication requirements',
  temporarily_unavailable: 'The authorization server is temporarily unavailable',
  access_denied: 'Access denied for security reasons, a new authentication request may be successful',
  login_required: 'Login required',
  server_error: 'Unexpected server error',
};

/** The refusal each simulator authorise error redirects with (authorise-get-controller.ts). */
const SIMULATOR_AUTHORISE_ERRORS = {
  ACCESS_DENIED: ['access_denied', 'Access denied by resource owner or authorization server'],
  TEMPORARILY_UNAVAILABLE: ['temporarily_unavailable', ''],
};

/** Default bodies for `op.inject({ token: { status } })`. */
const TOKEN_ERROR_BODIES = {
  400: { error: 'invalid_grant', error_description: 'Invalid grant' },
  401: { error: 'invalid_client', error_description: 'Client authentication failed' },
};

/** The simulator's default response configuration (src/config.ts; docs/default-config-values.md). */
function simulatorResponseDefaults() {
  return {
    sub: 'urn:fdc:gov.uk:2022:56P4CMsGh_02YOlWpd8PAOI-2sVlB2nsNU7mcLZYhYw=',
    email: 'test@example.com',
    emailVerified: true,
    phoneNumber: '07123456789',
    phoneNumberVerified: true,
    maxLoCAchieved: 'P2',
    coreIdentityVerifiableCredentials: {
      type: ['VerifiableCredential', 'IdentityCheckCredential'],
      credentialSubject: {
        name: [{ nameParts: [{ value: 'GEOFFREY', type: 'GivenName' }, { value: 'HEARNSHAW', type: 'FamilyName' }] }],
        birthDate: [{ value: '1955-04-19' }],
      },
    },
    passportDetails: null,
    drivingPermitDetails: null,
    postalAddressDetails: [
      {
        addressCountry: 'GB',
        buildingName: '',
        streetName: 'FRAMPTON ROAD',
        postalCode: 'GL1 5QB',
        buildingNumber: '26',
        addressLocality: 'GLOUCESTER',
        validFrom: '2000-01-01',
        uprn: 100120472196,
        subBuildingName: '',
      },
    ],
    returnCodes: [],
  };
}

// --- small helpers ------------------------------------------------------------------------------
const b64u = (bytes) => Buffer.from(bytes).toString('base64url');
const sha256 = (text) => createHash('sha256').update(text).digest();
const newSub = () => `urn:fdc:gov.uk:2022:${b64u(randomBytes(32))}`;
const own = (object, name) => Object.prototype.hasOwnProperty.call(object, name);
const isPlainObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);
/** The simulator's "random" claim value: 32 random bytes read as UTF-8 (randomBytes(32).toString()). */
const simulatorGarbage = () => randomBytes(32).toString();

/** `target` with `overrides` applied: a value of `undefined` removes that member. */
function applyOverrides(target, overrides = {}) {
  const out = { ...target };
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) delete out[name];
    else out[name] = value;
  }
  return out;
}

/** The closest of `known` to `name` (edit distance at most 3, or a prefix), for "did you mean". */
function nearest(name, known) {
  const lower = name.toLowerCase();
  let best = known.find((candidate) => lower.length >= 4 && candidate.toLowerCase().startsWith(lower));
  let bestDistance = best === undefined ? 4 : 0;
  for (const candidate of known) {
    const d = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best;
}

function editDistance(a, b) {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

const refuse = (option, message) => new TokenError('ERR_INVALID_ARGUMENT', message, { option });

/** Refuse members of `object` not in `known`, naming the first one (and the nearest known name). */
function onlyKnownMembers(object, known, where, what) {
  for (const name of Object.keys(object)) {
    if (known.includes(name)) continue;
    const path = where === '' ? name : `${where}.${name}`;
    const near = nearest(name, known);
    throw refuse(path, `unknown member "${path}" of ${what}${near === undefined ? '' : `; did you mean "${near}"?`}`);
  }
}

// --- JWS ----------------------------------------------------------------------------------------
/** What node:crypto needs to sign or verify with `alg` and `key`. */
function keyInput(alg, key) {
  if (alg === 'ES256') return { key, dsaEncoding: 'ieee-p1363' };
  if (alg.startsWith('PS')) return { key, padding: cryptoConstants.RSA_PKCS1_PSS_PADDING, saltLength: cryptoConstants.RSA_PSS_SALTLEN_DIGEST };
  return key;
}

/** A compact JWS signed synchronously with `key` (ES256 or RS256, as `header.alg` says). */
function signJws(key, header, payload) {
  const input = `${b64u(JSON.stringify(header))}.${b64u(JSON.stringify(payload))}`;
  return `${input}.${b64u(cryptoSign(HASH_OF[header.alg], Buffer.from(input), keyInput(header.alg, key)))}`;
}

/**
 * The header and payload of a compact JWS whose signature verifies with `publicKey` under one of
 * `algorithms` (expiry is not checked), or `undefined`.
 */
function verifiedJws(token, publicKey, algorithms) {
  const parts = String(token).split('.');
  if (parts.length !== 3) return undefined;
  try {
    const header = JSON.parse(Buffer.from(parts[0], 'base64url'));
    if (!algorithms.includes(header?.alg)) return undefined;
    const ok = cryptoVerify(HASH_OF[header.alg], Buffer.from(`${parts[0]}.${parts[1]}`), keyInput(header.alg, publicKey), Buffer.from(parts[2], 'base64url'));
    if (!ok) return undefined;
    const payload = JSON.parse(Buffer.from(parts[1], 'base64url'));
    return isPlainObject(payload) ? { header, payload } : undefined;
  } catch {
    return undefined;
  }
}

/** The decoded payload of a compact JWS, unverified, or `undefined`. */
function decodePayload(token) {
  try {
    const payload = JSON.parse(Buffer.from(String(token).split('.')[1], 'base64url'));
    return isPlainObject(payload) ? payload : undefined;
  } catch {
    return undefined;
  }
}

/** The simulator's INVALID_ALG_HEADER: the header swapped for `{ alg: HS256, kid }`, signature kept. */
function withSimulatorInvalidHeader(token, didController) {
  const kid = didController === undefined ? SIMULATOR_INVALID_KEY_KID : `${didController}#${SIMULATOR_INVALID_KEY_KID}`;
  const [, payload, signature] = token.split('.');
  return [b64u(JSON.stringify({ alg: 'HS256', kid })), payload, signature].join('.');
}

/** The simulator's INVALID_SIGNATURE: the signature swapped for 32 random bytes. */
function withSimulatorFakeSignature(token) {
  const [header, payload] = token.split('.');
  return [header, payload, b64u(randomBytes(32))].join('.');
}

// --- keys ---------------------------------------------------------------------------------------
function ecKey(kid) {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const { kty, crv, x, y } = publicKey.export({ format: 'jwk' });
  return { kid, alg: 'ES256', privateKey, publicKey, jwk: { kty, crv, x, y } };
}

function rsaKeyFrom({ privateKey, publicKey }, kid) {
  const { kty, n, e } = publicKey.export({ format: 'jwk' });
  return { kid, alg: 'RS256', privateKey, publicKey, jwk: { kty, n, e } };
}

const rsaKeySync = (kid) => rsaKeyFrom(generateKeyPairSync('rsa', { modulusLength: 2048 }), kid);
const rsaKeyAsync = (kid) =>
  new Promise((resolve, reject) =>
    generateKeyPair('rsa', { modulusLength: 2048 }, (error, publicKey, privateKey) => (error ? reject(error) : resolve(rsaKeyFrom({ publicKey, privateKey }, kid)))),
  );

/**
 * The kit's signing keys: ES256 and RS256 ID-token keys (current and "new", for the simulator's
 * key rotation), the DID document's core identity key, and a stranger key no document holds.
 * RSA keys are slow to make, so they are made once needed (or ahead, in the background: warm()).
 */
class KeyRing {
  #rsa;
  #rsaPending;
  constructor() {
    this.ec = ecKey(randomUUID());
    this.ecNew = ecKey(randomUUID());
    this.identity = ecKey(randomUUID());
    this.stranger = ecKey(randomUUID());
    this.rsaKids = [randomUUID(), randomUUID()];
  }
  /** Make the RSA keys in the background; resolves when they exist. */
  warm() {
    if (this.#rsa !== undefined) return Promise.resolve();
    this.#rsaPending ??= Promise.all(this.rsaKids.map(rsaKeyAsync)).then((keys) => {
      this.#rsa ??= keys;
    });
    return this.#rsaPending;
  }
  /** [current, new] RS256 keys (made now, synchronously, when warm() has not finished). */
  rsa() {
    this.#rsa ??= this.rsaKids.map(rsaKeySync);
    return this.#rsa;
  }
  /** The ID-token signing key for `alg`, the new one when `useNew`. */
  idTokenKey(alg, useNew) {
    if (alg === 'RS256') return this.rsa()[useNew ? 1 : 0];
    return useNew ? this.ecNew : this.ec;
  }
  /** Whether the RSA keys exist yet. */
  get hasRsa() {
    return this.#rsa !== undefined;
  }
  /**
   * Every published ID-token key: both current keys, and the new ones once published (as the
   * simulator does). `withRsa: false` leaves out RSA keys not made yet (no token can need them).
   */
  publishedKeys(publishNew, { withRsa = true } = {}) {
    const [rsa, rsaNew] = withRsa || this.hasRsa ? this.rsa() : [];
    return [this.ec, rsa, ...(publishNew ? [this.ecNew, rsaNew] : [])].filter(Boolean);
  }
  /** The JWKS of publishedKeys(). */
  jwks(publishNew, options) {
    return { keys: this.publishedKeys(publishNew, options).map((k) => ({ ...k.jwk, kid: k.kid, alg: k.alg, use: 'sig' })) };
  }
}

/** A public key from PEM (SPKI, with or without its armour, as the simulator takes), a JWK or a KeyObject. */
function toPublicKey(value, option) {
  try {
    if (value instanceof KeyObject) return value.type === 'public' ? value : createPublicKey(value);
    if (isPlainObject(value)) return createPublicKey({ key: value, format: 'jwk' });
    if (typeof value === 'string') {
      const pem = value.includes('-----BEGIN') ? value : `-----BEGIN PUBLIC KEY-----\n${value}\n-----END PUBLIC KEY-----`;
      return createPublicKey(pem);
    }
  } catch (cause) {
    throw new TokenError('ERR_INVALID_ARGUMENT', `"${option}" is not a public key the kit can read (PEM, JWK or KeyObject)`, { option, cause });
  }
  throw refuse(option, `"${option}" must be a PEM public key, a public JWK or a KeyObject`);
}

// --- the vtr grammar ----------------------------------------------------------------------------
/**
 * The vectors of a `vtr` as One Login parses it: a JSON array of vectors; C components sorted
 * must be `Cl` or `Cl.Cm`; at most one of P0–P3; identity (P1+) needs `Cl.Cm`; identity and
 * non-identity vectors are not mixed. `[{ c, p }]`, or `undefined` when invalid.
 */
function parseVectors(raw) {
  let list = ['Cl.Cm'];
  if (raw !== undefined && raw !== '') {
    let parsed;
    try {
      parsed = JSON.parse(raw);
    } catch {
      return undefined;
    }
    if (!Array.isArray(parsed) || !parsed.every((v) => typeof v === 'string')) return undefined;
    if (parsed.length > 0) list = parsed;
  }
  const vectors = [];
  for (const vector of list) {
    const parts = vector.split('.');
    const c = parts.filter((x) => x.startsWith('C')).sort().join('.');
    const ps = parts.filter((x) => x.startsWith('P'));
    if (c !== 'Cl' && c !== 'Cl.Cm') return undefined;
    if (ps.length > 1 || (ps.length === 1 && !VALID_LOCS.includes(ps[0]))) return undefined;
    const p = ps.length === 1 ? Number(ps[0].slice(1)) : 0;
    if (p > 0 && c !== 'Cl.Cm') return undefined;
    vectors.push({ c, p });
  }
  const identity = vectors.filter((v) => v.p > 0).length;
  if (identity > 0 && identity < vectors.length) return undefined;
  return vectors;
}

/** `vtr` as One Login reads it: the lowest vector `{ c, p }` (by P, then C), or `undefined` when invalid. */
export function parseVtr(raw) {
  const vectors = parseVectors(raw);
  if (vectors === undefined) return undefined;
  const [lowest] = [...vectors].sort((a, b) => a.p - b.p || a.c.length - b.c.length);
  return { c: lowest.c, p: lowest.p };
}

// --- token factories ----------------------------------------------------------------------------
const LOOPBACK = /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\/?$/;

/**
 * Token factories with the kit's keys, no server needed.
 *
 * @param {object} [options]
 * @param {string} [options.baseUrl='http://127.0.0.1'] a loopback URL: the issuer is `${baseUrl}/`
 * @param {string} [options.clientId='test-client'] `aud` of every token
 * @param {string} [options.sub] the user's pairwise `sub` (default: a fresh one)
 * @param {number | (() => number)} [options.now] the clock, Unix seconds (a number fixes it)
 */
export function createTestTokens(options = {}) {
  if (!isPlainObject(options)) throw refuse('options', 'createTestTokens options must be an object');
  onlyKnownMembers(options, ['baseUrl', 'clientId', 'sub', 'now'], '', 'createTestTokens options');
  return new TestTokens(options, new KeyRing());
}

function clockFrom(now, option) {
  if (now === undefined) return () => Math.floor(Date.now() / 1000);
  if (typeof now === 'number') return () => now;
  if (typeof now === 'function') return () => Math.floor(now());
  throw refuse(option, `"${option}" must be Unix seconds or a function returning them`);
}

class TestTokens {
  #keys;
  #clock;
  #sub;
  constructor({ baseUrl = 'http://127.0.0.1', clientId = 'test-client', sub = newSub(), now }, keys) {
    if (typeof baseUrl !== 'string' || !LOOPBACK.test(baseUrl)) {
      throw refuse('baseUrl', 'the kit\'s tokens are issued by a loopback URL only (http://127.0.0.1:<port>, http://localhost:<port>)');
    }
    if (typeof clientId !== 'string' || clientId === '') throw refuse('clientId', '"clientId" must be a non-empty string');
    if (typeof sub !== 'function' && (typeof sub !== 'string' || sub === '')) throw refuse('sub', '"sub" must be a non-empty string');
    this.#keys = keys;
    this.#clock = clockFrom(now, 'now');
    this.#sub = typeof sub === 'function' ? sub : () => sub;
    this.clientId = clientId;
    this.environment = Object.freeze({ baseUrl: baseUrl.replace(/\/$/, '') });
    this.endpoints = Object.freeze(getEnvironment(this.environment));
    this.issuer = this.endpoints.issuer;
  }

  /** The user's pairwise `sub` (the default `sub` of every token). */
  get sub() {
    return this.#sub();
  }

  /** The clock, Unix seconds. */
  now() {
    return this.#clock();
  }

  /**
   * The JWKS that verifies ID, access and logout tokens (`{ publishNew }`: with the rotation keys).
   * Its RSA keys are there once an RS256 token has been made (RSA keys are slow to make).
   */
  jwks({ publishNew = false } = {}) {
    return this.#keys.jwks(publishNew, { withRsa: false });
  }

  /** The DID document that verifies core identity credentials. */
  get didDocument() {
    const didId = this.endpoints.didId;
    const k = this.#keys.identity;
    return {
      '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/jwk/v1'],
      id: didId,
      assertionMethod: [{ type: 'JsonWebKey', id: `${didId}#${k.kid}`, controller: didId, publicKeyJwk: { ...k.jwk, alg: 'ES256' } }],
    };
  }

  #signer(key, alg = 'ES256', useNew = false) {
    if (key === 'unknown') return this.#keys.stranger;
    if (alg !== 'ES256' && alg !== 'RS256') throw refuse('alg', '"alg" must be "ES256" or "RS256"');
    return this.#keys.idTokenKey(alg, useNew || key === 'new');
  }

  /**
   * An ID token as One Login issues it. `claims` override any claim (`undefined` removes one);
   * `accessToken` sets `at_hash`. Options: `alg` (`ES256` | `RS256`), `key` (`'new'`: the rotation
   * key; `'unknown'`: a key no JWKS holds), `header` (members to override).
   */
  idToken(claims = {}, { alg = 'ES256', key, header = {}, accessToken } = {}) {
    const t = this.now();
    const signer = this.#signer(key, alg);
    const base = {
      iat: t,
      exp: t + ID_TOKEN_TTL,
      ...(accessToken === undefined ? {} : { at_hash: b64u(sha256(accessToken).subarray(0, 16)) }),
      sub: this.sub,
      aud: this.clientId,
      iss: this.issuer,
      sid: b64u(randomBytes(16)),
      vot: 'Cl.Cm',
      nonce: TEST_NONCE,
      vtm: `${this.endpoints.issuer}trustmark`,
      auth_time: t,
    };
    return signJws(signer.privateKey, { alg: signer.alg, kid: signer.kid, ...header }, applyOverrides(base, claims));
  }

  /** An access token (a JWS, opaque to the service). */
  accessToken(claims = {}, { alg = 'ES256', key } = {}) {
    const t = this.now();
    const signer = this.#signer(key, alg);
    const base = { exp: t + ACCESS_TOKEN_TTL, iat: t, iss: this.issuer, jti: randomUUID(), client_id: this.clientId, sub: this.sub, scope: ['openid'] };
    return signJws(signer.privateKey, { alg: signer.alg, kid: signer.kid }, applyOverrides(base, claims));
  }

  /**
   * A core identity credential as the simulator issues it (signed with the DID document's key,
   * `kid` = `<did>#<key id>`): `vot` P2, the simulator's default credential. `claims` override
   * any claim; options `key: 'unknown'`, `header`.
   */
  coreIdentity(claims = {}, { key, header = {} } = {}) {
    const t = this.now();
    const signer = key === 'unknown' ? this.#keys.stranger : this.#keys.identity;
    const base = {
      vot: 'P2',
      vc: simulatorResponseDefaults().coreIdentityVerifiableCredentials,
      vtm: `${this.endpoints.issuer}trustmark`,
      iss: this.endpoints.identityIssuer,
      sub: this.sub,
      nbf: t,
      exp: t + ONE_DAY,
      aud: this.clientId,
      iat: t,
    };
    return signJws(signer.privateKey, { kid: `${this.endpoints.didId}#${signer.kid}`, alg: 'ES256', ...header }, applyOverrides(base, claims));
  }

  /**
   * A back-channel logout token (header `typ: logout+jwt`, ES256): iss, aud, sub, iat, exp = iat +
   * 120, a fresh `jti`, the logout event; `sid` only when given. `claims` override any claim;
   * options `key: 'unknown'`, `header`.
   */
  logoutToken({ sub = this.sub, sid, jti = randomUUID(), iat = this.now(), exp, ...overrides } = {}, { key, header = {} } = {}) {
    const claims = applyOverrides(
      { iss: this.issuer, sub, aud: this.clientId, iat, exp: exp ?? iat + LOGOUT_TOKEN_TTL, jti, events: { [LOGOUT_EVENT]: {} }, ...(sid === undefined ? {} : { sid }) },
      overrides,
    );
    const signer = key === 'unknown' ? this.#keys.stranger : this.#keys.ec;
    return signJws(signer.privateKey, { alg: 'ES256', kid: signer.kid, typ: 'logout+jwt', ...header }, claims);
  }
}

// --- the simulator's configuration body ---------------------------------------------------------
const CLIENT_MEMBERS = [
  'clientId',
  'publicKey',
  'publicKeySource',
  'jwksUrl',
  'scopes',
  'redirectUrls',
  'claims',
  'identityVerificationSupported',
  'idTokenSigningAlgorithm',
  'clientLoCs',
  'postLogoutRedirectUrls',
];
const RESPONSE_MEMBERS = [
  'sub',
  'email',
  'emailVerified',
  'phoneNumber',
  'phoneNumberVerified',
  'maxLoCAchieved',
  'coreIdentityVerifiableCredentials',
  'passportDetails',
  'drivingPermitDetails',
  'postalAddressDetails',
  'returnCodes',
];
const ERROR_MEMBERS = ['authoriseErrors', 'idTokenErrors', 'coreIdentityErrors'];
const BODY_MEMBERS = ['clientConfiguration', 'responseConfiguration', 'errorConfiguration', 'publishNewIdTokenSigningKeys', 'useNewIdTokenSigningKeys', 'simulatorUrl'];
const BODY = 'the simulator\'s configuration body';

const isUrl = (value) => {
  try {
    return typeof value === 'string' && Boolean(new URL(value).protocol);
  } catch {
    return false;
  }
};

/** Check one member's value; `rule` is [test, what it must be]. */
function checkValue(path, value, [test, must]) {
  if (!test(value)) throw refuse(path, `"${path}" must be ${must}`);
}
const listOf = (itemTest, { min = 0 } = {}) => (v) => Array.isArray(v) && v.length >= min && v.every(itemTest);
const oneOf = (values) => (v) => values.includes(v);
const isBoolean = (v) => typeof v === 'boolean';
const isString = (v) => typeof v === 'string';
const orNull = (test) => (v) => v === null || test(v);
const quoted = (values) => values.map((v) => `"${v}"`).join(', ');

const CLIENT_RULES = {
  clientId: [isString, 'a string'],
  publicKey: [isString, 'a PEM public key (a string)'],
  publicKeySource: [oneOf(['STATIC', 'JWKS']), '"STATIC" or "JWKS"'],
  jwksUrl: [isUrl, 'a URL'],
  scopes: [listOf(oneOf(VALID_SCOPES)), `an array of ${quoted(VALID_SCOPES)}`],
  redirectUrls: [listOf(isUrl), 'an array of URLs'],
  claims: [listOf(oneOf([...VALID_CLAIMS])), `an array of ${quoted([...VALID_CLAIMS])}`],
  identityVerificationSupported: [isBoolean, 'true or false'],
  idTokenSigningAlgorithm: [oneOf(['ES256', 'RS256']), '"ES256" or "RS256"'],
  clientLoCs: [listOf(oneOf(VALID_LOCS), { min: 1 }), `a non-empty array of ${quoted(VALID_LOCS)}`],
  postLogoutRedirectUrls: [listOf(isUrl), 'an array of URLs'],
};
const RESPONSE_RULES = {
  sub: [isString, 'a string'],
  email: [isString, 'a string'],
  emailVerified: [isBoolean, 'true or false'],
  phoneNumber: [orNull(isString), 'a string or null'],
  phoneNumberVerified: [isBoolean, 'true or false'],
  maxLoCAchieved: [oneOf(VALID_LOCS), quoted(VALID_LOCS)],
  coreIdentityVerifiableCredentials: [orNull(isPlainObject), 'an object or null'],
  passportDetails: [orNull(listOf(isPlainObject)), 'an array of objects or null'],
  drivingPermitDetails: [orNull(listOf(isPlainObject)), 'an array of objects or null'],
  postalAddressDetails: [orNull(listOf(isPlainObject)), 'an array of objects or null'],
  returnCodes: [orNull(listOf((c) => isPlainObject(c) && isString(c.code))), 'an array of { "code": string } or null'],
};
/** The simulator's isBoolean() takes the strings "true" and "false" as well. */
const booleanish = (v) => v === true || v === false || v === 'true' || v === 'false';

/**
 * Check a configuration body completely before any of it applies; refuse with ERR_INVALID_ARGUMENT
 * naming the member. Returns the body's changes in the kit's terms.
 */
function readConfigBody(body, kitUrl) {
  if (!isPlainObject(body)) throw refuse('body', `${BODY} must be a JSON object`);
  onlyKnownMembers(body, BODY_MEMBERS, '', BODY);
  if (body.simulatorUrl !== undefined && String(body.simulatorUrl).replace(/\/$/, '') !== kitUrl) {
    throw refuse('simulatorUrl', `"simulatorUrl" cannot move the kit: its URL (and issuer) is its loopback address ${kitUrl}`);
  }
  const section = (name, members, rules) => {
    const value = body[name];
    if (value === undefined) return undefined;
    if (!isPlainObject(value)) throw refuse(name, `"${name}" must be an object`);
    onlyKnownMembers(value, members, name, BODY);
    for (const [member, given] of Object.entries(value)) if (rules !== undefined) checkValue(`${name}.${member}`, given, rules[member]);
    return value;
  };
  const client = section('clientConfiguration', CLIENT_MEMBERS, CLIENT_RULES);
  const response = section('responseConfiguration', RESPONSE_MEMBERS, RESPONSE_RULES);
  const errors = section('errorConfiguration', ERROR_MEMBERS);
  if (errors !== undefined) {
    for (const [member, names] of Object.entries(errors)) {
      const known = SIMULATOR_ERRORS[member];
      const path = `errorConfiguration.${member}`;
      if (!Array.isArray(names)) throw refuse(path, `"${path}" must be an array of error names`);
      for (const name of names) {
        if (!known.includes(name)) {
          const near = typeof name === 'string' ? nearest(name, known) : undefined;
          throw refuse(path, `"${path}": unknown error name ${JSON.stringify(name)} (known: ${known.join(', ')})${near === undefined ? '' : `; did you mean "${near}"?`}`);
        }
      }
    }
  }
  for (const name of ['publishNewIdTokenSigningKeys', 'useNewIdTokenSigningKeys']) {
    if (body[name] !== undefined && !booleanish(body[name])) throw refuse(name, `"${name}" must be true or false`);
  }
  const publicKey = client?.publicKey === undefined ? undefined : toPublicKey(client.publicKey, 'clientConfiguration.publicKey');
  const flag = (v) => (v === undefined ? undefined : v === true || v === 'true');
  return {
    client,
    publicKey,
    response,
    errors,
    publishNew: flag(body.publishNewIdTokenSigningKeys),
    useNew: flag(body.useNewIdTokenSigningKeys),
  };
}

// --- the server ---------------------------------------------------------------------------------
/**
 * A browser-visible refusal at /authorize (One Login shows it instead of redirecting back): the
 * HTTP status (400, 403, 500) and the body.
 */
export class AuthorizeRejected extends Error {
  constructor(status, body) {
    super(`the test One Login refused the authorization request: HTTP ${status} ${body}`);
    this.name = 'AuthorizeRejected';
    this.status = status;
    this.body = body;
  }
}

const START_OPTIONS = ['clientId', 'publicKey', 'clientSecret', 'port', 'requirePkce', 'now', 'configuration'];

/**
 * Start a One Login on http://127.0.0.1:<port> (a free port unless `port` is given).
 *
 * @param {object} [options]
 * @param {string} [options.clientId] the registered client (default: a fresh ID)
 * @param {string | object | KeyObject} [options.publicKey] the client's RSA public key (PEM, JWK or
 *   KeyObject): registers private_key_jwt. Without it (and without `clientSecret`) the kit makes a
 *   key pair and hands back `privateKey` (PKCS#8 PEM).
 * @param {string} [options.clientSecret] registers client_secret_post instead (authentication only)
 * @param {number} [options.port=0] 0: any free port
 * @param {boolean} [options.requirePkce=false] refuse an authorization request without PKCE (the
 *   simulator's PKCE_ENABLED); a code_challenge that is sent is always checked
 * @param {number | (() => number)} [options.now] the kit's clock, Unix seconds
 * @param {object} [options.configuration] a simulator configuration body applied at start
 */
export async function startTestOneLogin(options = {}) {
  if (!isPlainObject(options)) throw refuse('options', 'startTestOneLogin options must be an object');
  onlyKnownMembers(options, START_OPTIONS, '', 'startTestOneLogin options');
  const { clientId = `test-client-${randomBytes(8).toString('hex')}`, publicKey, clientSecret, port = 0, requirePkce = false, now, configuration } = options;
  if (typeof clientId !== 'string' || clientId === '') throw refuse('clientId', '"clientId" must be a non-empty string');
  if (publicKey !== undefined && clientSecret !== undefined) throw refuse('publicKey', 'pass "publicKey" (private_key_jwt) or "clientSecret" (client_secret_post), not both');
  if (clientSecret !== undefined && (typeof clientSecret !== 'string' || clientSecret === '')) throw refuse('clientSecret', '"clientSecret" must be a non-empty string');
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw refuse('port', '"port" must be an integer from 0 to 65535');
  if (typeof requirePkce !== 'boolean') throw refuse('requirePkce', '"requirePkce" must be true or false');
  const clock = clockFrom(now, 'now');
  const nowSeconds = () => clock();

  const keys = new KeyRing();
  // Every key exists before the kit answers (the RSA ones, slow to make, on the thread pool and
  // side by side), so no request waits for one and the JWKS never changes under a client.
  const rsaReady = keys.warm();
  let privateKey;
  let clientKey;
  if (publicKey !== undefined) {
    clientKey = toPublicKey(publicKey, 'publicKey');
  } else if (clientSecret === undefined) {
    const pair = await rsaKeyAsync(undefined);
    clientKey = pair.publicKey;
    privateKey = pair.privateKey.export({ type: 'pkcs8', format: 'pem' });
  }
  await rsaReady;

  // The registration and what the next sign-in returns: the simulator's configuration. Defaults:
  // a client registered for every scope, claim and level of confidence, any redirect URI until
  // redirectUrls is set, and the simulator's default user.
  const client = {
    clientId,
    publicKey: clientKey,
    publicKeySource: 'STATIC',
    jwksUrl: undefined,
    clientSecret,
    scopes: [...VALID_SCOPES],
    redirectUrls: [],
    claims: [...VALID_CLAIMS],
    identityVerificationSupported: true,
    idTokenSigningAlgorithm: 'ES256',
    clientLoCs: [...VALID_LOCS],
    postLogoutRedirectUrls: [],
  };
  let response = simulatorResponseDefaults();
  let errors = { authoriseErrors: [], idTokenErrors: [], coreIdentityErrors: [] };
  let publishNew = false;
  let useNew = false;

  /** @type {Record<string, unknown>} */
  let faults = {};
  const requests = [];
  const codes = new Map();
  const accessTokens = new Map();
  const usedAssertionIds = new Set();
  const clientJwksCache = new Map();
  let nextUser;
  let lastSub;
  const openResponses = new Set();

  const server = createServer((req, res) => {
    openResponses.add(res);
    res.on('close', () => openResponses.delete(res));
    handle(req, res).catch((error) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`test One Login error: ${error.message}`);
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const base = `http://127.0.0.1:${server.address().port}`;
  const tokens = new TestTokens({ baseUrl: base, clientId, now: clock, sub: () => response.sub }, keys);
  const endpoints = tokens.endpoints;
  const issuer = endpoints.issuer;
  const trustmark = `${base}/trustmark`;

  function discovery() {
    return {
      issuer: faults.discoveryIssuer ?? issuer,
      authorization_endpoint: endpoints.authorizeUrl,
      token_endpoint: endpoints.tokenUrl,
      userinfo_endpoint: endpoints.userinfoUrl,
      end_session_endpoint: endpoints.endSessionUrl,
      jwks_uri: endpoints.jwksUrl,
      registration_endpoint: `${base}/connect/register`,
      trustmarks: trustmark,
      scopes_supported: ['openid', 'email', 'phone', 'offline_access'],
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['private_key_jwt', 'client_secret_post'],
      token_endpoint_auth_signing_alg_values_supported: RSA_ALGS,
      id_token_signing_alg_values_supported: ['ES256', 'RS256'],
      ui_locales_supported: ['en', 'cy'],
      subject_types_supported: ['public', 'pairwise'],
      claim_types_supported: ['normal'],
      claims_supported: [
        'sub',
        'email',
        'email_verified',
        'phone_number',
        'phone_number_verified',
        'wallet_subject_id',
        CLAIM.passport,
        CLAIM.drivingPermit,
        CLAIM.coreIdentityJWT,
        CLAIM.address,
        CLAIM.inheritedIdentityJWT,
        CLAIM.returnCode,
      ],
      request_parameter_supported: true,
      request_uri_parameter_supported: false,
      backchannel_logout_supported: true,
      backchannel_logout_session_supported: false,
      service_documentation: 'https://docs.sign-in.service.gov.uk/',
      op_policy_uri: `${base}/privacy-notice`,
      op_tos_uri: `${base}/terms-and-conditions`,
    };
  }

  // --- configuration ----------------------------------------------------------------------------
  /** Apply a configuration body the simulator's way: client and response members merge, errors replace. */
  function configure(body) {
    const change = readConfigBody(body, base);
    const willPublish = change.publishNew ?? publishNew;
    // Publishing turned off stops the use of the new keys too, unless the body asks for both.
    const willUse = change.useNew ?? (willPublish ? useNew : false);
    if (willUse && !willPublish) {
      throw refuse('useNewIdTokenSigningKeys', 'Cannot enabled useNewIdTokenSigningKeys whilst publishNewIdTokenSigningKeys is false');
    }
    if (change.client !== undefined) {
      for (const [name, value] of Object.entries(change.client)) client[name] = name === 'publicKey' ? change.publicKey : structuredClone(value);
      if (change.client.jwksUrl !== undefined || change.client.publicKeySource !== undefined) clientJwksCache.clear();
    }
    if (change.response !== undefined) response = { ...response, ...structuredClone(change.response) };
    // As the simulator: a body without errorConfiguration clears every configured error.
    errors = {
      authoriseErrors: [...(change.errors?.authoriseErrors ?? [])],
      idTokenErrors: [...(change.errors?.idTokenErrors ?? [])],
      coreIdentityErrors: [...(change.errors?.coreIdentityErrors ?? [])],
    };
    publishNew = willPublish;
    useNew = willUse;
  }

  /** The configuration as the simulator's GET /config shows it. */
  function currentConfiguration() {
    return {
      clientConfiguration: {
        ...structuredClone({ ...client, publicKey: undefined, clientSecret: undefined }),
        publicKey: client.publicKey?.export({ type: 'spki', format: 'pem' }),
        token_auth_method: client.clientSecret === undefined ? 'private_key_jwt' : 'client_secret_post',
      },
      errorConfiguration: structuredClone(errors),
      responseConfiguration: structuredClone(response),
      simulatorUrl: base,
      publishNewIdTokenKeysEnabled: publishNew,
      usingNewIdTokenSigningKeys: useNew,
    };
  }

  if (configuration !== undefined) {
    try {
      configure(configuration);
    } catch (error) {
      await closeServer();
      throw error;
    }
  }

  // --- responses --------------------------------------------------------------------------------
  const json = (res, status, body, headers = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const text = (res, status, body, headers = {}) => {
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
    res.end(body);
  };
  const redirect = (res, location) => {
    res.writeHead(302, { location, 'cache-control': 'no-store' });
    res.end();
  };
  /** An endless body, one byte every 20 ms, until the client hangs up or the kit closes. */
  const trickle = (res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    const timer = setInterval(() => res.write('{'), 20);
    res.on('close', () => clearInterval(timer));
  };
  /** Headers that promise 10^9 bytes, then nothing. */
  const hugeContentLength = (res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000000000' });
    res.write('{');
  };
  /** 10 MB of JSON-looking bytes, streamed (no Content-Length), as fast as the client reads. */
  const oversize = (res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"padding":"');
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    let sent = 0;
    const pump = () => {
      while (!res.destroyed && !res.writableEnded) {
        if (sent >= OVERSIZE_BYTES) return res.end('"}');
        sent += chunk.length;
        if (!res.write(chunk)) return;
      }
    };
    res.on('drain', pump);
    pump();
  };
  /** Never answers (close() ends it). */
  const hang = () => {};

  // --- the client's keys ------------------------------------------------------------------------
  /**
   * The client's public key for a JWS with `header`: the static key, or the key with the header's
   * `kid` from the client's JWKS URL (publicKeySource JWKS). Throws when the JWKS cannot be used
   * (the simulator's JwksError).
   */
  async function clientKeyFor(header) {
    if (client.publicKeySource !== 'JWKS') return client.publicKey;
    if (typeof header?.kid !== 'string') throw new Error('No kid present in request object header, cannot verify JWT signature');
    if (client.jwksUrl === undefined) throw new Error('No JWKS url set');
    const cacheKey = `${client.jwksUrl} ${header.kid}`;
    if (!clientJwksCache.has(cacheKey)) {
      const r = await fetch(client.jwksUrl, { signal: AbortSignal.timeout(JWKS_FETCH_TIMEOUT_MS), headers: { 'user-agent': 'govuk-one-login-tokens-testing' } });
      if (!r.ok) throw new Error(`the client's JWKS answered HTTP ${r.status}`);
      const jwk = (await r.json())?.keys?.find((k) => k.kid === header.kid);
      if (jwk === undefined) throw new Error(`no key with kid ${header.kid} in the client's JWKS`);
      clientJwksCache.set(cacheKey, createPublicKey({ key: jwk, format: 'jwk' }));
    }
    return clientJwksCache.get(cacheKey);
  }

  const headerOf = (token) => {
    try {
      return JSON.parse(Buffer.from(String(token).split('.')[0], 'base64url'));
    } catch {
      return undefined;
    }
  };

  // --- /authorize -------------------------------------------------------------------------------
  /** Redirect to the client with `params`, in the query or the fragment. */
  function callback(res, redirectUri, responseMode, params) {
    const url = new URL(redirectUri);
    const search = new URLSearchParams(params);
    if (responseMode === 'fragment') url.hash = search.toString();
    else for (const [k, v] of search) url.searchParams.append(k, v);
    redirect(res, url.href);
  }

  const redirectRegistered = (uri) => (client.redirectUrls.length === 0 ? isUrl(uri) : client.redirectUrls.includes(uri));

  async function authorize(req, res, query) {
    if (req.method !== 'GET') return text(res, 405, 'Method not allowed', { allow: 'GET' });
    // The WAF's limit, on the raw (percent-encoded) query string.
    if (query.length > AUTHORIZE_QUERY_LIMIT) return text(res, 403, 'The request could not be satisfied');
    // API Gateway keeps the last value of a repeated parameter.
    const q = Object.fromEntries(new URLSearchParams(query));
    if (query === '' || !q.client_id) return text(res, 400, 'Request is missing parameters');
    if (q.client_id !== client.clientId) return text(res, 400, 'Invalid request');

    let p = q;
    let jar = false;
    if (q.request !== undefined) {
      const outcome = await requestObject(q);
      if (outcome.serverError) return json(res, 500, { error: 'server_error', error_description: 'Unexpected server error' });
      if (outcome.status) return text(res, outcome.status, outcome.body);
      if (outcome.error) return callback(res, outcome.redirectUri, outcome.responseMode, outcome.error);
      p = outcome.params;
      jar = true;
    } else if (!q.redirect_uri) {
      return text(res, 400, 'Request is missing parameters');
    }
    if (!redirectRegistered(p.redirect_uri)) return text(res, 400, 'Invalid request');
    const responseMode = p.response_mode ?? 'query';
    if (responseMode !== 'query' && responseMode !== 'fragment') return text(res, 400, 'Invalid request');

    const fail = (error, description, withState = true) =>
      callback(res, p.redirect_uri, responseMode, {
        error,
        error_description: description ?? AUTHORIZE_ERROR_DESCRIPTIONS[error] ?? error,
        ...(withState && p.state !== undefined ? { state: p.state } : {}),
      });

    if (q.request_uri !== undefined) return fail('request_uri_not_supported');
    if (q.response_type !== 'code' || p.response_type !== 'code') return fail('unsupported_response_type');
    const scopes = (p.scope ?? '').split(' ').filter(Boolean);
    if (!scopes.includes('openid')) return fail('invalid_request');
    // Known scopes the client is registered for (the simulator's scope-validator).
    if (!scopes.every((s) => VALID_SCOPES.includes(s) && client.scopes.includes(s))) return fail('invalid_scope');
    if (!p.state) return fail('invalid_request', 'Request is missing state parameter', false);
    if (!p.nonce) return fail('invalid_request', 'Request is missing nonce parameter');
    if (p.prompt !== undefined) {
      const prompts = p.prompt.split(' ');
      if (!prompts.every((x) => VALID_PROMPTS.has(x))) return fail('invalid_request');
      if (prompts.includes('select_account')) return fail('unmet_authentication_requirements');
    }
    if (p.max_age !== undefined) {
      if (!/^-?\d+$/.test(p.max_age)) return fail('invalid_request', jar ? 'Max age could not be parsed to an integer' : 'Invalid request');
      if (Number(p.max_age) < 0) return fail('invalid_request', `Max age is negative in ${jar ? 'request object' : 'query params'}`);
    }
    if (p.channel !== undefined && p.channel !== 'web' && p.channel !== 'generic_app') {
      return fail('invalid_request', 'Invalid value for channel parameter.');
    }
    if (p.code_challenge === undefined) {
      if (requirePkce) return fail('invalid_request', 'Request is missing code_challenge parameter, but PKCE is enforced.');
    } else {
      if (p.code_challenge.trim() === '') return fail('invalid_request', 'Invalid value for code_challenge parameter.');
      if (p.code_challenge_method === undefined) {
        return fail(
          'invalid_request',
          'Request is missing code_challenge_method parameter. code_challenge_method is required when code_challenge is present.',
        );
      }
      if (p.code_challenge_method !== 'S256') return fail('invalid_request', 'Invalid value for code_challenge_method parameter.');
    }
    const vectors = parseVectors(p.vtr);
    if (vectors === undefined) return fail('invalid_request', 'Request vtr not valid');
    const vot = parseVtr(p.vtr);
    // The simulator's vtr-validator: levels the client may ask for, and identity only when enabled.
    const levels = vectors.filter((v) => v.p > 0).map((v) => `P${v.p}`);
    if (vot.p > 0 && (!levels.every((l) => client.clientLoCs.includes(l)) || !client.identityVerificationSupported)) {
      return fail('invalid_request', 'Request vtr not valid');
    }
    if (vot.p > 0 && client.publicKey === undefined && client.publicKeySource !== 'JWKS') return fail('invalid_request', 'Request vtr is not permitted');
    let requested = [];
    if (p.claims !== undefined) {
      let parsed;
      try {
        parsed = JSON.parse(p.claims);
      } catch {
        return fail('invalid_request');
      }
      const userinfo = parsed?.userinfo ?? {};
      if (typeof parsed !== 'object' || parsed === null || typeof userinfo !== 'object' || userinfo === null) return fail('invalid_request');
      requested = Object.keys(userinfo);
      if (!requested.every((name) => VALID_CLAIMS.has(name) && client.claims.includes(name))) return fail('invalid_request', 'Request contains invalid claims');
    }

    // Re-authentication (JAR only): the hint's signature and audience are checked, not its expiry.
    let user = nextUser ?? { sub: response.sub, profile: {} };
    if (jar && p.id_token_hint !== undefined) {
      const hint = verifiedIdTokenHint(p.id_token_hint);
      if (hint === undefined) return fail('invalid_request', 'Unable to validate id_token_hint');
      if (![hint.aud].flat().includes(client.clientId)) return fail('invalid_request', 'Invalid id_token_hint for client');
      if (nextUser === undefined) user = { sub: hint.sub, profile: {} };
    }

    // The simulator's authorise errors, after the request is validated (ACCESS_DENIED first).
    for (const name of SIMULATOR_ERRORS.authoriseErrors) {
      if (errors.authoriseErrors.includes(name)) return fail(...SIMULATOR_AUTHORISE_ERRORS[name]);
    }
    if (typeof faults.authorizeError === 'string') {
      return fail(faults.authorizeError, faults.errorDescription ?? AUTHORIZE_ERROR_DESCRIPTIONS[faults.authorizeError]);
    }

    nextUser = undefined;
    lastSub = user.sub;
    const code = b64u(randomBytes(32));
    codes.set(code, {
      redirectUri: p.redirect_uri,
      codeChallenge: p.code_challenge,
      nonce: p.nonce,
      scopes,
      // Claims are dropped unless an identity level (P1+) was requested.
      claims: vot.p > 0 ? requested.filter((name) => IDENTITY_CLAIMS.includes(name)) : [],
      vot,
      user,
      // What userinfo returns is fixed when the code is issued.
      response: structuredClone(response),
      sid: b64u(randomBytes(16)),
      authTime: nowSeconds(),
      expiresAt: nowSeconds() + CODE_TTL,
      used: false,
    });
    return callback(res, p.redirect_uri, responseMode, { code, state: faults.stateOverride ?? p.state });
  }

  /** The payload of an ID token this kit signed with a key it publishes, or `undefined`. */
  function verifiedIdTokenHint(token) {
    // An RS256 hint can only come from an RSA key already made.
    for (const key of keys.publishedKeys(publishNew, { withRsa: false })) {
      const verified = verifiedJws(token, key.publicKey, [key.alg]);
      if (verified !== undefined) return verified.payload;
    }
    return undefined;
  }

  /**
   * A signed request object: `{ params }` (its claims, as strings), or a refusal `{ status, body }`
   * / `{ error, redirectUri, responseMode }` / `{ serverError }`.
   */
  async function requestObject(q) {
    const token = q.request;
    const header = headerOf(token);
    if (!isPlainObject(header) || header.alg === 'none' || token.split('.').length !== 3) return { status: 400, body: 'Invalid request' };
    if (client.publicKey === undefined && client.publicKeySource !== 'JWKS') return { status: 400, body: 'Trust chain validation failed' };
    let key;
    try {
      key = await clientKeyFor(header);
    } catch {
      return { serverError: true };
    }
    const verified = verifiedJws(token, key, RSA_ALGS);
    if (verified === undefined) return { status: 400, body: 'Trust chain validation failed' };
    const claims = verified.payload;
    const t = nowSeconds();
    if (claims.exp !== undefined && !(typeof claims.exp === 'number' && claims.exp + CLOCK_SKEW > t)) return { status: 400, body: 'Invalid request' };
    if (claims.nbf !== undefined && !(typeof claims.nbf === 'number' && claims.nbf - CLOCK_SKEW <= t)) return { status: 400, body: 'Invalid request' };
    if (typeof claims.redirect_uri !== 'string' || !redirectRegistered(claims.redirect_uri)) return { status: 400, body: 'Invalid request' };
    const responseMode = claims.response_mode ?? 'query';
    if (responseMode !== 'query' && responseMode !== 'fragment') return { status: 400, body: 'Invalid request' };
    const refusal = (error, description, withState = true) => ({
      redirectUri: claims.redirect_uri,
      responseMode,
      error: {
        error,
        error_description: description ?? AUTHORIZE_ERROR_DESCRIPTIONS[error],
        ...(withState && typeof claims.state === 'string' ? { state: claims.state } : {}),
      },
    });
    if (typeof claims.state !== 'string' || claims.state === '') return refusal('invalid_request', 'Request is missing state parameter', false);
    if (q.response_type !== 'code') return refusal('unsupported_response_type');
    if (!(q.scope ?? '').split(' ').includes('openid')) return refusal('invalid_request');
    if (claims.client_id !== q.client_id) return refusal('unauthorized_client');
    if (claims.request !== undefined || claims.request_uri !== undefined) return refusal('invalid_request');
    const authorizeUrl = endpoints.authorizeUrl;
    if (!(claims.aud === authorizeUrl || (Array.isArray(claims.aud) && claims.aud.includes(authorizeUrl)))) {
      return refusal('access_denied', 'Access denied by resource owner or authorization server');
    }
    if (claims.iss !== client.clientId) return refusal('unauthorized_client');
    if (claims.response_type !== 'code') return refusal('unsupported_response_type');
    if (claims.sub === client.clientId) return refusal('invalid_request', 'The JWT sub (subject) claim must not equal the client_id');
    if (claims.login_hint !== undefined && String(claims.login_hint).length > 256) return refusal('invalid_request', 'login_hint parameter is invalid');
    // The authorization request is rebuilt from the object's claims only.
    const params = {};
    for (const [name, value] of Object.entries(claims)) {
      if (value === null || value === undefined) continue;
      params[name] = typeof value === 'string' ? value : JSON.stringify(value);
    }
    if (typeof claims.max_age === 'number') params.max_age = String(claims.max_age);
    return { params };
  }

  // --- /token -----------------------------------------------------------------------------------
  const tokenError = (res, status, error, description) =>
    json(res, status, { error, error_description: description }, { 'cache-control': 'no-cache, no-store', pragma: 'no-cache' });

  /** Client authentication: undefined when it passes, else the refusal `[status, error, description]`. */
  async function authenticateClient(f) {
    if (f.client_assertion !== undefined && f.client_assertion_type !== undefined) {
      // The simulator's stricter rule: only the jwt-bearer assertion type.
      if (f.client_assertion_type !== JWT_BEARER) return [400, 'invalid_request', 'Invalid private_key_jwt'];
      const claims = decodePayload(f.client_assertion);
      if (claims === undefined) return [400, 'invalid_request', 'Invalid private_key_jwt'];
      if (f.client_id !== undefined && f.client_id !== claims.sub) return [400, 'invalid_request', 'Invalid private_key_jwt'];
      if (claims.sub !== client.clientId) return [401, 'invalid_client', 'Client authentication failed'];
      if (client.publicKey === undefined && client.publicKeySource !== 'JWKS') return [401, 'invalid_client', 'Client is not registered to use private_key_jwt'];
      let key;
      try {
        key = await clientKeyFor(headerOf(f.client_assertion));
      } catch {
        return [500, 'server_error', 'Failed to fetch or parse JWKS to verify signature of private_key_jwt'];
      }
      if (verifiedJws(f.client_assertion, key, RSA_ALGS) === undefined) return [401, 'invalid_client', 'Invalid signature in private_key_jwt'];
      // aud: the token URL or the issuer; in an array every member must be one (the simulator's rule).
      const audiences = [claims.aud].flat();
      const audOk = audiences.length > 0 && audiences.every((a) => a === endpoints.tokenUrl || a === issuer);
      if (claims.iss !== client.clientId || !audOk) return [401, 'invalid_client', 'Invalid signature in private_key_jwt'];
      if (typeof claims.exp !== 'number') return [401, 'invalid_client', 'Invalid signature in private_key_jwt'];
      if (claims.exp + CLOCK_SKEW <= nowSeconds()) return [400, 'invalid_grant', 'private_key_jwt has expired'];
      // One Login's docs: jti is required and single use.
      if (typeof claims.jti !== 'string' || claims.jti === '' || usedAssertionIds.has(claims.jti)) {
        return [401, 'invalid_client', 'private_key_jwt jti is missing or has been used before'];
      }
      usedAssertionIds.add(claims.jti);
      return undefined;
    }
    if (f.client_secret !== undefined && f.client_id !== undefined) {
      if (f.client_id !== client.clientId) return [401, 'invalid_client', 'Client authentication failed'];
      if (client.clientSecret === undefined) return [401, 'invalid_client', 'Client is not registered to use client_secret_post'];
      if (!timingSafeEqual(sha256(f.client_secret), sha256(client.clientSecret))) return [401, 'invalid_client', 'Invalid client secret'];
      return undefined;
    }
    return [400, 'invalid_request', 'Invalid token authentication method used'];
  }

  /** The ID token for a grant: One Login's claims, then the simulator's configured idTokenErrors. */
  function idTokenFor(grant, accessToken, t) {
    const broken = new Set(errors.idTokenErrors);
    const claims = applyOverrides(
      {
        iat: broken.has('TOKEN_NOT_VALID_YET') ? t + ONE_DAY : t,
        exp: broken.has('TOKEN_EXPIRED') ? t - ONE_DAY : t + ID_TOKEN_TTL,
        at_hash: b64u(sha256(accessToken).subarray(0, 16)),
        sub: grant.user.sub,
        aud: broken.has('INVALID_AUD') ? simulatorGarbage() : client.clientId,
        iss: broken.has('INVALID_ISS') ? SIMULATOR_INVALID_ISSUER : issuer,
        sid: grant.sid,
        vot: broken.has('INCORRECT_VOT') ? (grant.vot.c === 'Cl.Cm' ? 'Cl' : 'Cl.Cm') : grant.vot.c,
        nonce: broken.has('NONCE_NOT_MATCHING') ? simulatorGarbage() : grant.nonce,
        vtm: trustmark,
        auth_time: grant.authTime,
      },
      faults.idTokenClaims,
    );
    const signer = faults.idTokenKey === 'unknown' ? keys.stranger : keys.idTokenKey(client.idTokenSigningAlgorithm, useNew);
    let token = signJws(signer.privateKey, { alg: signer.alg, kid: signer.kid }, claims);
    if (broken.has('INVALID_ALG_HEADER')) token = withSimulatorInvalidHeader(token);
    if (broken.has('INVALID_SIGNATURE')) token = withSimulatorFakeSignature(token);
    return token;
  }

  async function token(req, res, body) {
    const fault = faults.token;
    if (fault === 'hang') return hang();
    if (fault === 'redirect') return redirect(res, `${base}/elsewhere`);
    if (fault === 'html') return text(res, 200, '<!DOCTYPE html><html><body>Service unavailable</body></html>', { 'content-type': 'text/html' });
    if (fault === 'oversize') return oversize(res);
    if (typeof fault === 'object' && fault !== null) {
      const payload = fault.body ?? TOKEN_ERROR_BODIES[fault.status] ?? 'Internal server error';
      return typeof payload === 'string' ? text(res, fault.status, payload) : json(res, fault.status, payload);
    }
    if (req.method !== 'POST') return text(res, 405, 'Method not allowed', { allow: 'POST' });

    const f = Object.fromEntries(new URLSearchParams(body));
    if (!f.grant_type) return tokenError(res, 400, 'invalid_request', 'Request is missing grant_type parameter');
    if (f.grant_type !== 'authorization_code') return tokenError(res, 400, 'unsupported_grant_type', 'Unsupported grant type');
    const refusal = await authenticateClient(f);
    if (refusal !== undefined) return tokenError(res, ...refusal);
    if (!f.code) return tokenError(res, 400, 'invalid_request', 'Request is missing code parameter');
    if (!f.redirect_uri) return tokenError(res, 400, 'invalid_request', 'Request is missing redirect_uri parameter');

    // The code is burned as soon as client authentication passes, before the other checks.
    const grant = codes.get(f.code);
    if (grant === undefined || grant.used || grant.expiresAt <= nowSeconds()) return tokenError(res, 400, 'invalid_grant', 'Invalid grant');
    grant.used = true;
    if (f.redirect_uri !== grant.redirectUri) return tokenError(res, 400, 'invalid_grant', 'Invalid grant');
    const verifier = f.code_verifier;
    const pkceOk =
      grant.codeChallenge === undefined
        ? verifier === undefined
        : typeof verifier === 'string' && /^[A-Za-z0-9\-._~]{43,128}$/.test(verifier) && b64u(sha256(verifier)) === grant.codeChallenge;
    if (!pkceOk) return tokenError(res, 400, 'invalid_grant', 'PKCE code verification failed');

    if (client.idTokenSigningAlgorithm === 'RS256') await rsaReady;
    const t = nowSeconds();
    const accessClaims = {
      exp: t + ACCESS_TOKEN_TTL,
      iat: t,
      iss: issuer,
      jti: randomUUID(),
      client_id: client.clientId,
      sub: grant.user.sub,
      sid: grant.sid,
      scope: grant.scopes,
      ...(grant.claims.length > 0 ? { claims: grant.claims } : {}),
    };
    const accessToken = signJws(keys.ec.privateKey, { alg: 'ES256', kid: keys.ec.kid }, accessClaims);
    accessTokens.set(accessToken, { grant, expiresAt: accessClaims.exp });
    const reply = {
      access_token: accessToken,
      token_type: faults.tokenType ?? 'Bearer',
      expires_in: ACCESS_TOKEN_TTL,
      ...(faults.noIdToken ? {} : { id_token: idTokenFor(grant, accessToken, t) }),
    };
    return json(res, 200, reply, { 'cache-control': 'no-cache, no-store', pragma: 'no-cache' });
  }

  // --- /userinfo --------------------------------------------------------------------------------
  /** The core identity credential, as the simulator makes it, then its configured coreIdentityErrors. */
  function coreIdentityJwt(grant, vc) {
    const broken = new Set(errors.coreIdentityErrors);
    const t = nowSeconds();
    const claims = applyOverrides(
      {
        vot: grant.response.maxLoCAchieved,
        vc,
        vtm: trustmark,
        iss: broken.has('INVALID_ISS') ? simulatorGarbage() : endpoints.identityIssuer,
        sub: broken.has('INCORRECT_SUB') ? simulatorGarbage() : grant.user.sub,
        nbf: t,
        exp: broken.has('TOKEN_EXPIRED') ? t - ONE_DAY : t + ONE_DAY,
        aud: broken.has('INVALID_AUD') ? simulatorGarbage() : client.clientId,
        iat: t,
      },
      grant.user.profile.coreIdentityClaims,
    );
    let jwt = signJws(keys.identity.privateKey, { kid: `${endpoints.didId}#${keys.identity.kid}`, alg: 'ES256' }, claims);
    if (broken.has('INVALID_ALG_HEADER')) jwt = withSimulatorInvalidHeader(jwt, endpoints.didId);
    if (broken.has('INVALID_SIGNATURE')) jwt = withSimulatorFakeSignature(jwt);
    return jwt;
  }

  /**
   * The userinfo document: the response configuration as the simulator reads it (members by scope;
   * identity claims when granted and configured, i.e. not null), then the grant's userinfoFor()
   * profile on top.
   */
  function userinfoDocument(grant) {
    const config = grant.response;
    const profile = grant.user.profile;
    const doc = { sub: grant.user.sub };
    const put = (name, value) => {
      if (value !== undefined && value !== null) doc[name] = value;
    };
    const pick = (name, fallback) => (own(profile, name) ? profile[name] : fallback);
    if (grant.scopes.includes('email')) {
      const email = pick('email', config.email);
      put('email', email);
      if (email !== undefined && email !== null) put('email_verified', pick('email_verified', config.emailVerified));
    }
    if (grant.scopes.includes('phone')) {
      const phone = pick('phone_number', config.phoneNumber);
      put('phone_number', phone);
      const verifiedDefault = own(profile, 'phone_number') ? phone !== undefined && phone !== null : config.phoneNumberVerified;
      put('phone_number_verified', pick('phone_number_verified', verifiedDefault));
    }
    if (grant.scopes.includes('wallet-subject-id')) {
      put('wallet_subject_id', pick('wallet_subject_id', `urn:fdc:wallet.account.gov.uk:2024:${b64u(sha256(`127.0.0.1${grant.user.sub}`))}`));
    }
    const granted = client.identityVerificationSupported ? grant.claims : [];
    const configured = {
      [CLAIM.drivingPermit]: config.drivingPermitDetails,
      [CLAIM.passport]: config.passportDetails,
      [CLAIM.address]: config.postalAddressDetails,
      [CLAIM.returnCode]: config.returnCodes,
    };
    for (const name of granted) {
      if (name === CLAIM.coreIdentityJWT) {
        const vc = config.coreIdentityVerifiableCredentials;
        put(name, own(profile, name) ? profile[name] : vc ? coreIdentityJwt(grant, vc) : undefined);
      } else {
        put(name, pick(name, configured[name]));
      }
    }
    // Members the profile adds that are not scope- or claim-bound are always sent.
    const bound = new Set(['email', 'email_verified', 'phone_number', 'phone_number_verified', 'wallet_subject_id', 'coreIdentityClaims', ...IDENTITY_CLAIMS]);
    for (const [name, value] of Object.entries(profile)) if (!bound.has(name)) put(name, value);
    return applyOverrides({ ...doc, ...(faults.userinfoSub !== undefined ? { sub: faults.userinfoSub } : {}) }, faults.userinfoClaims);
  }

  function userinfo(req, res) {
    const fault = faults.userinfo;
    if (fault === 'hang') return hang();
    if (fault === 'oversize') return oversize(res);
    if (typeof fault === 'object' && fault !== null) {
      const headers = fault.status === 401 ? { 'www-authenticate': 'Bearer error="invalid_token", error_description="Invalid access token"' } : {};
      return text(res, fault.status, fault.body ?? '', headers);
    }
    if (req.method !== 'GET') return text(res, 405, 'Method not allowed', { allow: 'GET' });
    const authorization = req.headers.authorization;
    if (authorization === undefined) return text(res, 401, '', { 'www-authenticate': 'Bearer' });
    const accessToken = /^Bearer (\S+)$/.exec(authorization)?.[1];
    const record = accessToken === undefined ? undefined : accessTokens.get(accessToken);
    if (record === undefined || record.expiresAt <= nowSeconds()) {
      return text(res, 401, '', { 'www-authenticate': 'Bearer error="invalid_token", error_description="Invalid access token"' });
    }
    return json(res, 200, userinfoDocument(record.grant));
  }

  // --- /logout ----------------------------------------------------------------------------------
  function logout(req, res, query) {
    if (req.method !== 'GET') return text(res, 405, 'Method not allowed', { allow: 'GET' });
    if (query.length > OTHER_QUERY_LIMIT) return text(res, 403, 'The request could not be satisfied');
    const q = Object.fromEntries(new URLSearchParams(query));
    const signedOut = new URL(`${base}/signed-out`);
    const withState = (url) => {
      if (q.state !== undefined) url.searchParams.append('state', q.state);
      return url.href;
    };
    const error = (code, description) => {
      signedOut.searchParams.append('error_code', code);
      signedOut.searchParams.append('error_description', description);
      return redirect(res, withState(signedOut));
    };
    if (q.id_token_hint === undefined) return redirect(res, withState(signedOut));
    // Only the hint's signature is checked, never its expiry.
    const hint = verifiedIdTokenHint(q.id_token_hint);
    if (hint === undefined) return error('invalid_request', 'unable to validate id_token_hint');
    const aud = [hint.aud].flat()[0];
    if (aud === undefined || hint.sub === undefined || q.post_logout_redirect_uri === undefined) return redirect(res, withState(signedOut));
    if (aud !== client.clientId) return error('unauthorized_client', 'client not found');
    if (!isUrl(q.post_logout_redirect_uri)) return error('invalid_request', 'invalid post logout redirect URI');
    if (!client.postLogoutRedirectUrls.includes(q.post_logout_redirect_uri)) {
      return error('invalid_request', 'client registry does not contain post_logout_redirect_uri');
    }
    return redirect(res, withState(new URL(q.post_logout_redirect_uri)));
  }

  // --- /config ----------------------------------------------------------------------------------
  function config(req, res, body) {
    if (req.method === 'GET') return json(res, 200, currentConfiguration());
    if (req.method !== 'POST') return text(res, 405, 'Method not allowed', { allow: 'GET, POST' });
    let parsed;
    try {
      parsed = body === '' ? {} : JSON.parse(body);
    } catch {
      return json(res, 400, { errors: { body: { msg: 'the body is not JSON', path: '', location: 'body' } } });
    }
    try {
      configure(parsed);
    } catch (error) {
      if (!(error instanceof TokenError)) throw error;
      return json(res, 400, { errors: { [error.option]: { msg: error.message, path: error.option, location: 'body' } } });
    }
    return text(res, 200, '');
  }

  // --- routing ----------------------------------------------------------------------------------
  async function handle(req, res) {
    const [path, query = ''] = req.url.split(/\?(.*)/s, 2);
    const record = { method: req.method, path, query, headers: req.headers, body: '' };
    requests.push(record);
    if (faults.trickle === path) return trickle(res);
    if (faults.hugeContentLength === path) return hugeContentLength(res);

    const chunks = [];
    let size = 0;
    for await (const chunk of req) {
      size += chunk.length;
      if (size > MAX_REQUEST_BODY) return text(res, 413, 'Request entity too large');
      chunks.push(chunk);
    }
    record.body = Buffer.concat(chunks).toString('utf8');

    switch (path) {
      case '/.well-known/openid-configuration':
        return json(res, 200, discovery(), { 'cache-control': 'max-age=86400' });
      case '/.well-known/jwks.json':
        await rsaReady;
        return json(res, 200, keys.jwks(publishNew), { 'cache-control': 'max-age=86400' });
      case '/.well-known/did.json':
        return json(res, 200, tokens.didDocument, { 'cache-control': 'max-age=3600, private' });
      case '/authorize':
        return authorize(req, res, query);
      case '/token':
        return token(req, res, record.body);
      case '/userinfo':
        return userinfo(req, res);
      case '/logout':
        return logout(req, res, query);
      case '/config':
        return config(req, res, record.body);
      case '/signed-out':
        return text(res, 200, 'You have signed out', { 'content-type': 'text/html' });
      case '/trustmark':
        return json(res, 200, { idp: issuer, trustmark_provider: issuer, C: ['Cl', 'Cl.Cm'], P: VALID_LOCS });
      case '/elsewhere':
        // Where the token 'redirect' fault points: a client that follows redirects lands here.
        return json(res, 200, { access_token: 'followed-a-redirect', token_type: 'Bearer', expires_in: 180 });
      default:
        return text(res, 404, 'Not found');
    }
  }

  async function closeServer() {
    for (const res of openResponses) res.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }

  const logoutToken = (claims = {}, tokenOptions = {}) => tokens.logoutToken({ sub: lastSub ?? response.sub, ...claims }, tokenOptions);
  /**
   * Deliver a logout token as One Login does: POST `logout_token=<JWS>` as a form to the service's
   * back-channel URI, 15 s timeout, no redirects followed. Only status 200 counts as delivered.
   * `claims`/`tokenOptions` are logoutToken()'s; a string `claims` is sent as the token itself.
   */
  async function sendBackChannelLogout(uri, claims = {}, tokenOptions = {}) {
    const sent = typeof claims === 'string' ? claims : logoutToken(claims, tokenOptions);
    const reply = await fetch(uri, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'govuk-one-login-tokens-testing' },
      body: new URLSearchParams({ logout_token: sent }),
      redirect: 'manual',
      signal: AbortSignal.timeout(15_000),
    });
    return { status: reply.status, body: await reply.text(), token: sent };
  }

  return {
    url: base,
    issuer,
    environment: tokens.environment,
    endpoints,
    clientId,
    privateKey,
    tokens,
    /** The configured user's `sub` (the next sign-in's, unless userinfoFor or an id_token_hint says otherwise). */
    get sub() {
      return response.sub;
    },
    /** The sub of the latest sign-in (the default for logoutToken). */
    get lastSub() {
      return lastSub ?? response.sub;
    },
    /** The JWKS as served now. */
    get jwks() {
      return keys.jwks(publishNew);
    },
    get didDocument() {
      return tokens.didDocument;
    },
    /** Every request the kit received: `{ method, path, query, headers, body }`. */
    requests,
    /** Apply a simulator configuration body (as POST /config does); refuses unknown members by name. */
    async config(body) {
      configure(body);
      if (client.idTokenSigningAlgorithm === 'RS256' || publishNew) await rsaReady;
    },
    /** The configuration as GET /config shows it. */
    configuration() {
      return currentConfiguration();
    },
    /** Add faults beyond the simulator's (merged into the current set); they stay until reset(). */
    inject(more) {
      faults = { ...faults, ...more };
    },
    /** Clear every injected fault. */
    reset() {
      faults = {};
    },
    /**
     * Play the browser: GET the authorization URL (it must be this kit's /authorize) and return the
     * Location the kit redirects to. A refusal shown in the browser instead rejects with AuthorizeRejected.
     */
    async authorize(authorizeUrl) {
      const url = new URL(authorizeUrl);
      if (`${url.origin}${url.pathname}` !== endpoints.authorizeUrl) {
        throw refuse('authorizeUrl', `op.authorize: not this kit's authorize endpoint: ${url.origin}${url.pathname}`);
      }
      const reply = await fetch(url, { redirect: 'manual', headers: { 'user-agent': 'govuk-one-login-tokens-testing-browser' } });
      const body = await reply.text();
      if (reply.status === 302) return reply.headers.get('location');
      throw new AuthorizeRejected(reply.status, body);
    },
    /**
     * Who signs in next and what their userinfo holds (used once): `profile` members replace the
     * configured ones (`email`, `phone_number`, `phone_number_verified`, `wallet_subject_id`, a claim
     * URI such as CLAIM.address; `undefined` makes one absent); `coreIdentityClaims` overrides
     * claims of the core identity credential; any other member is always sent.
     */
    userinfoFor(sub, profile = {}) {
      nextUser = { sub, profile };
    },
    logoutToken,
    sendBackChannelLogout,
    /** The same as sendBackChannelLogout. */
    backChannelLogout: sendBackChannelLogout,
    /** Stop the server and free its port. */
    close: closeServer,
  };
}

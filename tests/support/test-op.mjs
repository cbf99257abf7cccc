// A test OpenID Provider that keeps GOV.UK One Login's relying-party contract, for the sign-in
// flow's tests: discovery, JWKS, DID document, /authorize (query or signed request object),
// /token (private_key_jwt or client_secret_post, PKCE S256), /userinfo, /logout, and signed
// back-channel logout tokens. Shapes, limits, error codes and descriptions follow
// /work/shared/reference/onelogin-rp-reference.md (the orchestration code, or the simulator where
// the brief asks for its stricter or clearer behaviour; each such place says so).
//
// Every response can be broken on purpose with `op.inject(faults)` (see FAULTS below), so a test
// can prove the relying party refuses it. Node-only (node:http, node:crypto) and test-only: keys
// are generated at start and never leave the process.
import { createServer } from 'node:http';
import { createHash, randomBytes, randomUUID, sign as cryptoSign, verify as cryptoVerify, KeyObject, timingSafeEqual } from 'node:crypto';
import { generateKeyPair, exportJWK, importJWK, compactVerify } from 'jose';

export const LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';
export const VOCAB = 'https://vocab.account.gov.uk/v1/';
export const CLAIM = {
  coreIdentityJWT: `${VOCAB}coreIdentityJWT`,
  address: `${VOCAB}address`,
  passport: `${VOCAB}passport`,
  drivingPermit: `${VOCAB}drivingPermit`,
  returnCode: `${VOCAB}returnCode`,
  inheritedIdentityJWT: `${VOCAB}inheritedIdentityJWT`,
};
const IDENTITY_CLAIMS = [CLAIM.coreIdentityJWT, CLAIM.address, CLAIM.passport, CLAIM.drivingPermit, CLAIM.returnCode];
const VALID_CLAIMS = new Set([...IDENTITY_CLAIMS, CLAIM.inheritedIdentityJWT]);
const VALID_SCOPES = new Set(['openid', 'email', 'phone', 'offline_access', 'wallet-subject-id']);
const VALID_PROMPTS = new Set(['none', 'login', 'consent', 'select_account', 'create']);
/** One Login verifies client assertions and request objects with the client's RSA key only. */
const RSA_ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

// Lifetimes and limits (seconds, bytes), as the reference gives them.
const CODE_TTL = 300;
const ACCESS_TOKEN_TTL = 180;
const ID_TOKEN_TTL = 120;
const LOGOUT_TOKEN_TTL = 120;
const CORE_IDENTITY_TTL = 1800;
const CLOCK_SKEW = 30;
const AUTHORIZE_QUERY_LIMIT = 4096;
const OTHER_QUERY_LIMIT = 2048;
const MAX_REQUEST_BODY = 1024 * 1024;
const OVERSIZE_BYTES = 10 * 1024 * 1024;

/** Descriptions One Login sends with each redirected error code (reference §1.8). */
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

/** Default bodies for `op.inject({ token: { status } })` (reference §2.4). */
const TOKEN_ERROR_BODIES = {
  400: { error: 'invalid_grant', error_description: 'Invalid grant' },
  401: { error: 'invalid_client', error_description: 'Client authentication failed' },
};

/** What a default user's userinfo holds (the shapes of the reference's §3 examples). */
const DEFAULT_PROFILE = {
  email: 'test@example.com',
  phone_number: '+447700900123',
  [CLAIM.address]: [
    {
      uprn: 100120472196,
      buildingNumber: '26',
      streetName: 'FRAMPTON ROAD',
      addressLocality: 'GLOUCESTER',
      postalCode: 'GL1 5QB',
      addressCountry: 'GB',
      validFrom: '2000-01-01',
    },
  ],
  [CLAIM.passport]: [{ documentNumber: '123456789', icaoIssuerCode: 'GBR', expiryDate: '2029-02-02' }],
  [CLAIM.drivingPermit]: [
    { personalNumber: 'DOE99802085J99FG', expiryDate: '2033-01-18', issueNumber: '5', issuedBy: 'DVLA', issueDate: '2023-01-18' },
  ],
  [CLAIM.returnCode]: [{ code: 'A' }],
};
const DEFAULT_CREDENTIAL_SUBJECT = {
  name: [
    {
      nameParts: [
        { value: 'KENNETH', type: 'GivenName' },
        { value: 'DECERQUEIRA', type: 'FamilyName' },
      ],
    },
  ],
  birthDate: [{ value: '1965-07-08' }],
};

const b64u = (bytes) => Buffer.from(bytes).toString('base64url');
const sha256 = (text) => createHash('sha256').update(text).digest();
const newSub = () => `urn:fdc:gov.uk:2022:${b64u(randomBytes(32))}`;

/** A compact JWS, signed synchronously (ES256, raw r||s signature). */
function signEs256(privateKey, header, payload) {
  const input = `${b64u(JSON.stringify(header))}.${b64u(JSON.stringify(payload))}`;
  const signature = cryptoSign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${b64u(signature)}`;
}

/** The payload of an ES256 JWS if its signature verifies with `publicKey` (expiry is not checked). */
function verifiedPayload(token, publicKey) {
  const parts = String(token).split('.');
  if (parts.length !== 3) return undefined;
  try {
    const header = JSON.parse(Buffer.from(parts[0], 'base64url'));
    if (header.alg !== 'ES256') return undefined;
    const ok = cryptoVerify('sha256', Buffer.from(`${parts[0]}.${parts[1]}`), { key: publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(parts[2], 'base64url'));
    return ok ? JSON.parse(Buffer.from(parts[1], 'base64url')) : undefined;
  } catch {
    return undefined;
  }
}

/** `target` with `overrides` applied: a value of `undefined` removes that member. */
function applyOverrides(target, overrides = {}) {
  const out = { ...target };
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) delete out[name];
    else out[name] = value;
  }
  return out;
}

async function makeEcKey(kid) {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const { kty, crv, x, y } = await exportJWK(publicKey);
  return { kid, privateKey: KeyObject.from(privateKey), publicKey: KeyObject.from(publicKey), jwk: { kty, crv, x, y } };
}

/**
 * `vtr` as One Login parses it (reference §1.3): a JSON array of vectors; C components sorted
 * must be `Cl` or `Cl.Cm`; at most one of P0–P3; identity (P1+) needs `Cl.Cm`; identity and
 * non-identity vectors are not mixed. Returns the lowest vector `{ c, p }` (by P, then C), or
 * `undefined` when invalid.
 */
export function parseVtr(raw) {
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
    if (ps.length > 1 || (ps.length === 1 && !['P0', 'P1', 'P2', 'P3'].includes(ps[0]))) return undefined;
    const p = ps.length === 1 ? Number(ps[0].slice(1)) : 0;
    if (p > 0 && c !== 'Cl.Cm') return undefined;
    vectors.push({ c, p });
  }
  const identity = vectors.filter((v) => v.p > 0).length;
  if (identity > 0 && identity < vectors.length) return undefined;
  return vectors.sort((a, b) => a.p - b.p || a.c.length - b.c.length)[0];
}

/**
 * A browser-visible refusal at /authorize (One Login shows it instead of redirecting back): the
 * HTTP status (400, 403, 500) and the plain-text body.
 */
export class AuthorizeRejected extends Error {
  constructor(status, body) {
    super(`the test OP refused the authorization request: HTTP ${status} ${body}`);
    this.name = 'AuthorizeRejected';
    this.status = status;
    this.body = body;
  }
}

/**
 * Start a test OP on 127.0.0.1 (a free port).
 *
 * @param {object} options
 * @param {string} options.clientId the one registered client
 * @param {object} [options.clientPublicJwk] the client's public RSA JWK: registers private_key_jwt
 * @param {string} [options.clientSecret] registers client_secret_post (authentication-only: an
 *   identity `vtr` is "not permitted" for a client without a public key, as in One Login)
 * @param {string[]} options.redirectUris registered redirect URIs (exact string match)
 * @param {string[]} [options.postLogoutRedirectUris] registered post-logout redirect URIs
 * @param {number | (() => number)} [options.now] the OP's clock, Unix seconds (a number fixes it)
 * @param {boolean} [options.requirePkce=true] the client is registered with PKCE enforced
 * @param {string} [options.sub] the default user's pairwise `sub`
 */
export async function startTestOp({
  clientId,
  clientPublicJwk,
  clientSecret,
  redirectUris = [],
  postLogoutRedirectUris = [],
  now,
  requirePkce = true,
  sub: defaultSub = newSub(),
} = {}) {
  if (typeof clientId !== 'string' || clientId === '') throw new TypeError('startTestOp: clientId is required');
  if (clientPublicJwk === undefined && clientSecret === undefined) {
    throw new TypeError('startTestOp: register the client with clientPublicJwk (private_key_jwt) or clientSecret (client_secret_post)');
  }
  const clock = typeof now === 'function' ? now : typeof now === 'number' ? () => now : () => Math.floor(Date.now() / 1000);
  const nowSeconds = () => Math.floor(clock());

  const [signing, spare, identity, stranger] = await Promise.all([
    makeEcKey(randomBytes(32).toString('hex')),
    makeEcKey(randomBytes(32).toString('hex')),
    makeEcKey(randomUUID()),
    makeEcKey(randomBytes(32).toString('hex')),
  ]);

  /** @type {Record<string, unknown>} */
  let faults = {};
  const requests = [];
  const codes = new Map();
  const accessTokens = new Map();
  const usedAssertionIds = new Set();
  let nextUser;
  let lastSub = defaultSub;
  const openResponses = new Set();

  const server = createServer((req, res) => {
    openResponses.add(res);
    res.on('close', () => openResponses.delete(res));
    handle(req, res).catch((error) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`test OP error: ${error.message}`);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = server.address().port;
  const base = `http://127.0.0.1:${port}`;
  const issuer = `${base}/`;
  const didId = `did:web:127.0.0.1%3A${port}`;
  const environment = {
    issuer,
    discoveryUrl: `${base}/.well-known/openid-configuration`,
    jwksUrl: `${base}/.well-known/jwks.json`,
    authorizeUrl: `${base}/authorize`,
    tokenUrl: `${base}/token`,
    userinfoUrl: `${base}/userinfo`,
    endSessionUrl: `${base}/logout`,
    didUrl: `${base}/.well-known/did.json`,
    didId,
    // Like the simulator, this OP signs core identity credentials as its own issuer.
    identityIssuer: issuer,
  };
  const trustmark = `${base}/trustmark`;
  const jwks = {
    keys: [
      { ...signing.jwk, kid: signing.kid, alg: 'ES256', use: 'sig' },
      // One Login's JWKS also holds a key it does not sign ID tokens with.
      { ...spare.jwk, kid: spare.kid, alg: 'ES256', use: 'sig' },
    ],
  };
  const didDocument = {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/jwk/v1'],
    id: didId,
    assertionMethod: [
      { type: 'JsonWebKey', id: `${didId}#${identity.kid}`, controller: didId, publicKeyJwk: { ...identity.jwk, alg: 'ES256' } },
    ],
  };

  function discovery() {
    return {
      issuer: faults.discoveryIssuer ?? issuer,
      authorization_endpoint: environment.authorizeUrl,
      token_endpoint: environment.tokenUrl,
      userinfo_endpoint: environment.userinfoUrl,
      end_session_endpoint: environment.endSessionUrl,
      jwks_uri: environment.jwksUrl,
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

  // --- responses ----------------------------------------------------------------------------
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
  /** An endless body, one byte every 20 ms, until the client hangs up or the OP closes. */
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
  /** Never answers (the OP's close() ends it). */
  const hang = () => {};

  // --- /authorize ---------------------------------------------------------------------------
  /** Redirect to the client with `params`, in the query or the fragment. */
  function callback(res, redirectUri, responseMode, params) {
    const url = new URL(redirectUri);
    const search = new URLSearchParams(params);
    if (responseMode === 'fragment') url.hash = search.toString();
    else for (const [k, v] of search) url.searchParams.append(k, v);
    redirect(res, url.href);
  }

  async function authorize(req, res, query) {
    if (req.method !== 'GET') return text(res, 405, 'Method not allowed', { allow: 'GET' });
    // The WAF's limit, on the raw (percent-encoded) query string.
    if (query.length > AUTHORIZE_QUERY_LIMIT) return text(res, 403, 'The request could not be satisfied');
    // API Gateway keeps the last value of a repeated parameter.
    const q = Object.fromEntries(new URLSearchParams(query));
    if (query === '' || !q.client_id) return text(res, 400, 'Request is missing parameters');
    if (q.client_id !== clientId) return text(res, 400, 'Invalid request');

    let p = q;
    let jar = false;
    if (q.request !== undefined) {
      const outcome = await requestObject(q);
      if (outcome.status) return text(res, outcome.status, outcome.body);
      if (outcome.error) return callback(res, outcome.redirectUri, outcome.responseMode, outcome.error);
      p = outcome.params;
      jar = true;
    } else if (!q.redirect_uri) {
      return text(res, 400, 'Request is missing parameters');
    }
    if (!redirectUris.includes(p.redirect_uri)) return text(res, 400, 'Invalid request');
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
    if (!scopes.every((s) => VALID_SCOPES.has(s))) return fail('invalid_scope');
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
    const vot = parseVtr(p.vtr);
    if (vot === undefined) return fail('invalid_request', 'Request vtr not valid');
    if (vot.p > 0 && clientPublicJwk === undefined) return fail('invalid_request', 'Request vtr is not permitted');
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
      if (!requested.every((name) => VALID_CLAIMS.has(name))) return fail('invalid_request', 'Request contains invalid claims');
    }

    // Re-authentication (JAR only): the hint's signature and audience are checked, not its expiry.
    let user = nextUser ?? { sub: defaultSub, profile: {} };
    if (jar && p.id_token_hint !== undefined) {
      const hint = verifiedPayload(p.id_token_hint, signing.publicKey);
      if (hint === undefined) return fail('invalid_request', 'Unable to validate id_token_hint');
      if (![hint.aud].flat().includes(clientId)) return fail('invalid_request', 'Invalid id_token_hint for client');
      if (nextUser === undefined) user = { sub: hint.sub, profile: {} };
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
      // Claims are dropped unless an identity level (P1+) was requested (reference §1.4).
      claims: vot.p > 0 ? requested.filter((name) => IDENTITY_CLAIMS.includes(name)) : [],
      vot,
      user,
      sid: b64u(randomBytes(16)),
      authTime: nowSeconds(),
      expiresAt: nowSeconds() + CODE_TTL,
      used: false,
    });
    return callback(res, p.redirect_uri, responseMode, { code, state: faults.stateOverride ?? p.state });
  }

  /**
   * A signed request object (reference §1.5): `{ params }` (its claims, as strings), or a
   * refusal `{ status, body }` / `{ error, redirectUri, responseMode }`.
   */
  async function requestObject(q) {
    const token = q.request;
    let header;
    try {
      header = JSON.parse(Buffer.from(token.split('.')[0], 'base64url'));
    } catch {
      return { status: 400, body: 'Invalid request' };
    }
    if (typeof header !== 'object' || header === null || header.alg === 'none' || token.split('.').length !== 3) {
      return { status: 400, body: 'Invalid request' };
    }
    if (clientPublicJwk === undefined) return { status: 400, body: 'Trust chain validation failed' };
    let claims;
    try {
      const { payload } = await compactVerify(token, (h) => importJWK(clientPublicJwk, h.alg), { algorithms: RSA_ALGS });
      claims = JSON.parse(new TextDecoder().decode(payload));
    } catch {
      return { status: 400, body: 'Trust chain validation failed' };
    }
    if (typeof claims !== 'object' || claims === null) return { status: 400, body: 'Invalid request' };
    const t = nowSeconds();
    if (claims.exp !== undefined && !(typeof claims.exp === 'number' && claims.exp + CLOCK_SKEW > t)) return { status: 400, body: 'Invalid request' };
    if (claims.nbf !== undefined && !(typeof claims.nbf === 'number' && claims.nbf - CLOCK_SKEW <= t)) return { status: 400, body: 'Invalid request' };
    if (typeof claims.redirect_uri !== 'string' || !redirectUris.includes(claims.redirect_uri)) return { status: 400, body: 'Invalid request' };
    const responseMode = claims.response_mode ?? 'query';
    if (responseMode !== 'query' && responseMode !== 'fragment') return { status: 400, body: 'Invalid request' };
    const refuse = (error, description, withState = true) => ({
      redirectUri: claims.redirect_uri,
      responseMode,
      error: {
        error,
        error_description: description ?? AUTHORIZE_ERROR_DESCRIPTIONS[error],
        ...(withState && typeof claims.state === 'string' ? { state: claims.state } : {}),
      },
    });
    if (typeof claims.state !== 'string' || claims.state === '') return refuse('invalid_request', 'Request is missing state parameter', false);
    if (q.response_type !== 'code') return refuse('unsupported_response_type');
    if (!(q.scope ?? '').split(' ').includes('openid')) return refuse('invalid_request');
    if (claims.client_id !== q.client_id) return refuse('unauthorized_client');
    if (claims.request !== undefined || claims.request_uri !== undefined) return refuse('invalid_request');
    const authorizeUrl = environment.authorizeUrl;
    if (!(claims.aud === authorizeUrl || (Array.isArray(claims.aud) && claims.aud.includes(authorizeUrl)))) {
      return refuse('access_denied', 'Access denied by resource owner or authorization server');
    }
    if (claims.iss !== clientId) return refuse('unauthorized_client');
    if (claims.response_type !== 'code') return refuse('unsupported_response_type');
    if (claims.sub === clientId) return refuse('invalid_request', 'The JWT sub (subject) claim must not equal the client_id');
    if (claims.login_hint !== undefined && String(claims.login_hint).length > 256) return refuse('invalid_request', 'login_hint parameter is invalid');
    // The authorization request is rebuilt from the object's claims only.
    const params = {};
    for (const [name, value] of Object.entries(claims)) {
      if (value === null || value === undefined) continue;
      params[name] = typeof value === 'string' ? value : JSON.stringify(value);
    }
    if (typeof claims.max_age === 'number') params.max_age = String(claims.max_age);
    return { params };
  }

  // --- /token -------------------------------------------------------------------------------
  const tokenError = (res, status, error, description) =>
    json(res, status, { error, error_description: description }, { 'cache-control': 'no-cache, no-store', pragma: 'no-cache' });

  /** Client authentication (reference §2.1–2.2): undefined when it passes, else the refusal `[status, error, description]`. */
  async function authenticateClient(f) {
    if (f.client_assertion !== undefined && f.client_assertion_type !== undefined) {
      // The simulator's stricter rule: only the jwt-bearer assertion type.
      if (f.client_assertion_type !== JWT_BEARER) return [400, 'invalid_request', 'Invalid private_key_jwt'];
      let claims;
      try {
        claims = JSON.parse(Buffer.from(f.client_assertion.split('.')[1], 'base64url'));
      } catch {
        return [400, 'invalid_request', 'Invalid private_key_jwt'];
      }
      if (typeof claims !== 'object' || claims === null) return [400, 'invalid_request', 'Invalid private_key_jwt'];
      if (f.client_id !== undefined && f.client_id !== claims.sub) return [400, 'invalid_request', 'Invalid private_key_jwt'];
      // The simulator's status for private_key_jwt client failures: 401.
      if (claims.sub !== clientId) return [401, 'invalid_client', 'Client authentication failed'];
      if (clientPublicJwk === undefined) return [401, 'invalid_client', 'Client is not registered to use private_key_jwt'];
      try {
        await compactVerify(f.client_assertion, (h) => importJWK(clientPublicJwk, h.alg), { algorithms: RSA_ALGS });
      } catch {
        return [401, 'invalid_client', 'Invalid signature in private_key_jwt'];
      }
      // aud: the token URL or the issuer; in an array every member must be one (the simulator's rule).
      const audiences = [claims.aud].flat();
      const audOk = audiences.length > 0 && audiences.every((a) => a === environment.tokenUrl || a === issuer);
      if (claims.iss !== clientId || !audOk) return [401, 'invalid_client', 'Invalid signature in private_key_jwt'];
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
      if (f.client_id !== clientId) return [401, 'invalid_client', 'Client authentication failed'];
      if (clientSecret === undefined) return [401, 'invalid_client', 'Client is not registered to use client_secret_post'];
      const given = sha256(f.client_secret);
      if (!timingSafeEqual(given, sha256(clientSecret))) return [401, 'invalid_client', 'Invalid client secret'];
      return undefined;
    }
    return [400, 'invalid_request', 'Invalid token authentication method used'];
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

    const t = nowSeconds();
    const accessClaims = {
      exp: t + ACCESS_TOKEN_TTL,
      iat: t,
      iss: issuer,
      jti: randomUUID(),
      client_id: clientId,
      sub: grant.user.sub,
      sid: grant.sid,
      scope: grant.scopes,
      ...(grant.claims.length > 0 ? { claims: grant.claims } : {}),
    };
    const accessToken = signEs256(signing.privateKey, { alg: 'ES256', kid: signing.kid }, accessClaims);
    accessTokens.set(accessToken, { grant, expiresAt: accessClaims.exp });
    const idClaims = applyOverrides(
      {
        at_hash: b64u(sha256(accessToken).subarray(0, 16)),
        sub: grant.user.sub,
        aud: clientId,
        iss: issuer,
        vot: grant.vot.c,
        exp: t + ID_TOKEN_TTL,
        iat: t,
        nonce: grant.nonce,
        vtm: trustmark,
        sid: grant.sid,
        auth_time: grant.authTime,
      },
      faults.idTokenClaims,
    );
    const idKey = faults.idTokenKey === 'unknown' ? stranger : signing;
    const response = {
      access_token: accessToken,
      token_type: faults.tokenType ?? 'Bearer',
      expires_in: ACCESS_TOKEN_TTL,
      ...(faults.noIdToken ? {} : { id_token: signEs256(idKey.privateKey, { kid: idKey.kid, alg: 'ES256' }, idClaims) }),
    };
    return json(res, 200, response, { 'cache-control': 'no-cache, no-store', pragma: 'no-cache' });
  }

  // --- /userinfo ----------------------------------------------------------------------------
  function coreIdentityJwt(grant) {
    const t = nowSeconds();
    const claims = applyOverrides(
      {
        iss: environment.identityIssuer,
        sub: grant.user.sub,
        aud: clientId,
        nbf: t,
        iat: t,
        exp: t + CORE_IDENTITY_TTL,
        vot: `P${grant.vot.p}`,
        vtm: trustmark,
        vc: {
          type: ['VerifiableCredential', 'IdentityCheckCredential'],
          credentialSubject: DEFAULT_CREDENTIAL_SUBJECT,
        },
      },
      grant.user.profile.coreIdentityClaims,
    );
    return signEs256(identity.privateKey, { kid: `${didId}#${identity.kid}`, alg: 'ES256' }, claims);
  }

  function userinfoDocument(grant) {
    const profile = { ...DEFAULT_PROFILE, ...grant.user.profile };
    const doc = { sub: grant.user.sub };
    // A member the profile sets to undefined is absent even when its scope or claim asks for it.
    const put = (name, value) => {
      if (value !== undefined) doc[name] = value;
    };
    if (grant.scopes.includes('email')) {
      put('email', profile.email);
      put('email_verified', profile.email === undefined ? undefined : (profile.email_verified ?? true));
    }
    if (grant.scopes.includes('phone')) {
      put('phone_number', profile.phone_number);
      put('phone_number_verified', profile.phone_number_verified ?? profile.phone_number !== undefined);
    }
    if (grant.scopes.includes('wallet-subject-id')) {
      put('wallet_subject_id', profile.wallet_subject_id ?? `urn:fdc:wallet.account.gov.uk:2024:${b64u(sha256(`127.0.0.1${grant.user.sub}`))}`);
    }
    for (const name of grant.claims) {
      put(name, name === CLAIM.coreIdentityJWT && !(name in grant.user.profile) ? coreIdentityJwt(grant) : profile[name]);
    }
    // Members the profile adds that are not scope- or claim-bound are always sent.
    const bound = new Set(['email', 'email_verified', 'phone_number', 'phone_number_verified', 'wallet_subject_id', 'coreIdentityClaims', ...IDENTITY_CLAIMS]);
    for (const [name, value] of Object.entries(grant.user.profile)) if (!bound.has(name)) put(name, value);
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
    // One Login reads the header key `Authorization` case-sensitively; Node lower-cases all.
    const authorization = req.headers.authorization;
    if (authorization === undefined) return text(res, 401, '', { 'www-authenticate': 'Bearer' });
    const accessToken = /^Bearer (\S+)$/.exec(authorization)?.[1];
    const record = accessToken === undefined ? undefined : accessTokens.get(accessToken);
    if (record === undefined || record.expiresAt <= nowSeconds()) {
      return text(res, 401, '', { 'www-authenticate': 'Bearer error="invalid_token", error_description="Invalid access token"' });
    }
    return json(res, 200, userinfoDocument(record.grant));
  }

  // --- /logout ------------------------------------------------------------------------------
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
    const hint = verifiedPayload(q.id_token_hint, signing.publicKey);
    if (hint === undefined) return error('invalid_request', 'unable to validate id_token_hint');
    const aud = [hint.aud].flat()[0];
    if (aud === undefined || hint.sub === undefined || q.post_logout_redirect_uri === undefined) return redirect(res, withState(signedOut));
    if (aud !== clientId) return error('unauthorized_client', 'client not found');
    try {
      new URL(q.post_logout_redirect_uri);
    } catch {
      return error('invalid_request', 'invalid post logout redirect URI');
    }
    if (!postLogoutRedirectUris.includes(q.post_logout_redirect_uri)) {
      return error('invalid_request', 'client registry does not contain post_logout_redirect_uri');
    }
    return redirect(res, withState(new URL(q.post_logout_redirect_uri)));
  }

  // --- routing ------------------------------------------------------------------------------
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
        return json(res, 200, jwks, { 'cache-control': 'max-age=86400' });
      case '/.well-known/did.json':
        return json(res, 200, didDocument, { 'cache-control': 'max-age=3600, private' });
      case '/authorize':
        return authorize(req, res, query);
      case '/token':
        return token(req, res, record.body);
      case '/userinfo':
        return userinfo(req, res);
      case '/logout':
        return logout(req, res, query);
      case '/signed-out':
        return text(res, 200, 'You have signed out', { 'content-type': 'text/html' });
      case '/trustmark':
        return json(res, 200, { idp: issuer, trustmark_provider: issuer, C: ['Cl', 'Cl.Cm'], P: ['P0', 'P1', 'P2', 'P3'] });
      case '/elsewhere':
        // Where the token 'redirect' fault points: a client that follows redirects lands here.
        return json(res, 200, { access_token: 'followed-a-redirect', token_type: 'Bearer', expires_in: 180 });
      default:
        return text(res, 404, 'Not found');
    }
  }

  return {
    issuer,
    environment,
    clientId,
    /** The default user's `sub` (the next sign-in's, unless userinfoFor or an id_token_hint says otherwise). */
    sub: defaultSub,
    /** The sub of the latest sign-in (the default for logoutToken). */
    get lastSub() {
      return lastSub;
    },
    jwks,
    didDocument,
    requests,
    /** Add faults (merged into the current set); they stay until reset(). */
    inject(more) {
      faults = { ...faults, ...more };
    },
    /** Clear every fault. */
    reset() {
      faults = {};
    },
    /**
     * Play the browser: GET the authorization URL (it must be this OP's /authorize) and return
     * the Location the OP redirects to. A refusal shown in the browser instead (400, 403, 500)
     * rejects with AuthorizeRejected.
     */
    async authorize(authorizeUrl) {
      const url = new URL(authorizeUrl);
      if (`${url.origin}${url.pathname}` !== environment.authorizeUrl) {
        throw new Error(`op.authorize: not this OP's authorize endpoint: ${url.origin}${url.pathname}`);
      }
      const response = await fetch(url, { redirect: 'manual', headers: { 'user-agent': 'test-op-browser' } });
      const body = await response.text();
      if (response.status === 302) return response.headers.get('location');
      throw new AuthorizeRejected(response.status, body);
    },
    /**
     * A signed back-channel logout token (header typ logout+jwt, ES256, the OP's kid). Claims
     * default to One Login's: iss, aud = clientId, sub = the latest sign-in's, iat now, exp iat +
     * 120, a fresh UUID jti, the back-channel logout event; no nonce, no sid unless given. Any
     * claim can be overridden (`undefined` removes it); `options.key: 'unknown'` signs with a key
     * not in the JWKS; `options.header` overrides header members.
     */
    logoutToken({ sub = lastSub, sid, jti = randomUUID(), iat = nowSeconds(), exp, ...overrides } = {}, { key, header = {} } = {}) {
      const claims = applyOverrides(
        {
          iss: issuer,
          sub,
          aud: clientId,
          iat,
          exp: exp ?? iat + LOGOUT_TOKEN_TTL,
          jti,
          events: { [LOGOUT_EVENT]: {} },
          ...(sid !== undefined ? { sid } : {}),
        },
        overrides,
      );
      const signer = key === 'unknown' ? stranger : signing;
      return signEs256(signer.privateKey, { alg: 'ES256', kid: signer.kid, typ: 'logout+jwt', ...header }, claims);
    },
    /**
     * Deliver a logout token as One Login does (reference §5.1): POST `logout_token=<JWS>` as a
     * form to the relying party's back-channel URI, 15 s timeout, no redirects followed. Only
     * status 200 counts as delivered at One Login. `claims`/`options` are logoutToken()'s; a
     * string `claims` is sent as the token itself. Resolves `{ status, body, token }`.
     */
    async backChannelLogout(uri, claims = {}, options = {}) {
      const token = typeof claims === 'string' ? claims : this.logoutToken(claims, options);
      const response = await fetch(uri, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'test-op-backchannel' },
        body: new URLSearchParams({ logout_token: token }),
        redirect: 'manual',
        signal: AbortSignal.timeout(15_000),
      });
      return { status: response.status, body: await response.text(), token };
    },
    /**
     * Who signs in next and what their userinfo holds: `profile` members replace the defaults
     * (`email`, `phone_number`, `phone_number_verified`, `wallet_subject_id`, or a full claim URI
     * such as CLAIM.address; `undefined` makes one absent); `coreIdentityClaims` overrides claims
     * of the signed core identity credential; any other member is always sent. Used once.
     */
    userinfoFor(sub, profile = {}) {
      nextUser = { sub, profile };
    },
    async close() {
      for (const res of openResponses) res.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

// Nothing secret leaks: every failure the sign-in flow can produce, driven against the in-repo
// test OP (tests/support/test-op.mjs) with known secret values, is scanned for them. A secret is
// the client's private key (the PKCS#8 body of its PEM, and the private members of its JWK), the
// client secret, and every authorization code, PKCE verifier, client assertion, ID token, access
// token and logout token that went over the wire during the test (recorded from the requests and
// responses themselves, so none is missed). No error message or stack, no property of an error
// (own or inherited, enumerable or not, recursively, `cause` included), and nothing written to
// console.* may contain a secret or any 16-character piece of one.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { OneLoginClient, TokenError } from 'govuk-one-login-tokens';
import { startTestOp, CLAIM } from '../support/test-op.mjs';

const CLIENT_ID = 'secrets-client';
const SECRET_CLIENT_ID = 'secrets-secret-client';
const REDIRECT_URI = 'https://rp.example/callback';
const POST_LOGOUT_URI = 'https://rp.example/signed-out';
const PIECE = 16;
const TOKEN_PATTERN = /[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/g;

/** Every secret value seen, by what it is. */
const secrets = new Map();
function secret(kind, value) {
  if (typeof value !== 'string' || value.length < PIECE) return;
  // The first, most specific name stays (a token is also seen again in a response body).
  if (!secrets.has(value)) secrets.set(value, kind);
}
/** The PEM's body: the armour lines are public words, the base64 between them is the key. */
const pemBody = (pem) => pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');

/** Everything each failure exposed: `{ label, error }`. */
const failures = [];
/** Everything written to console.* while the flow ran. */
const consoleLines = [];

let op;
let secretOp;
let rsa;
let privatePem;
let privateJwk;
let clientSecret;
const realConsole = {};

/** A fetch that records every secret crossing the wire (request forms, bearer tokens, response bodies). */
function recordingFetch(url, init = {}) {
  if (typeof init.body === 'string') {
    const form = new URLSearchParams(init.body);
    secret('authorization code', form.get('code'));
    secret('code verifier', form.get('code_verifier'));
    secret('client assertion', form.get('client_assertion'));
    secret('client secret', form.get('client_secret'));
  }
  const authorization = new Headers(init.headers).get('authorization');
  if (authorization?.startsWith('Bearer ')) secret('access token', authorization.slice(7));
  return globalThis.fetch(url, init).then((response) => {
    // A copy of the body, read on the side without delaying the client (endless bodies never end).
    if (response.status === 200 && response.body) {
      response
        .clone()
        .text()
        .then((text) => {
          for (const [token] of text.matchAll(TOKEN_PATTERN)) secret('token from a response', token);
        })
        .catch(() => {});
    }
    return response;
  });
}

function client(extra = {}) {
  return OneLoginClient.create({
    environment: op.environment,
    clientId: CLIENT_ID,
    redirectUri: REDIRECT_URI,
    privateKey: privatePem,
    timeoutMs: 400,
    fetch: recordingFetch,
    ...extra,
  });
}

/** Run one failing step; its error is kept for the scan. It must fail. */
async function fails(label, step) {
  let error;
  try {
    await step();
  } catch (e) {
    error = e;
  }
  assert.ok(error !== undefined, `${label}: expected a failure`);
  failures.push({ label, error });
  return error;
}

/** Start a sign-in and play the browser; the code and the verifier are secrets from here on. */
async function signIn(c, options = {}, theOp = op) {
  const { url, transaction } = c.startSignIn(options);
  secret('code verifier', transaction.codeVerifier);
  const callback = await theOp.authorize(url);
  const params = new URL(callback).searchParams;
  secret('authorization code', params.get('code'));
  return { transaction, callback, code: params.get('code') };
}

before(async () => {
  rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  privatePem = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' });
  privateJwk = { ...rsa.privateKey.export({ format: 'jwk' }), kid: 'secrets-key' };
  clientSecret = randomBytes(32).toString('base64url');
  secret('private key (PEM body)', pemBody(privatePem));
  for (const name of ['d', 'p', 'q', 'dp', 'dq', 'qi']) secret(`private key (JWK ${name})`, privateJwk[name]);
  secret('client secret', clientSecret);
  op = await startTestOp({
    clientId: CLIENT_ID,
    clientPublicJwk: rsa.publicKey.export({ format: 'jwk' }),
    redirectUris: [REDIRECT_URI],
    postLogoutRedirectUris: [POST_LOGOUT_URI],
  });
  secretOp = await startTestOp({ clientId: SECRET_CLIENT_ID, clientSecret, redirectUris: [REDIRECT_URI] });
  for (const name of ['log', 'info', 'warn', 'error', 'debug', 'trace', 'dir']) {
    realConsole[name] = console[name];
    console[name] = (...args) => consoleLines.push(args.map((a) => (typeof a === 'string' ? a : inspect(a, { depth: 8 }))).join(' '));
  }
});

after(async () => {
  Object.assign(console, realConsole);
  await Promise.all([op?.close(), secretOp?.close()]);
});

/** Every string an error exposes: message, stack, every own and inherited property, recursively. */
function exposedStrings(value, out = [], seen = new Set(), depth = 0) {
  if (typeof value === 'string') {
    out.push(value);
    return out;
  }
  if (value === null || (typeof value !== 'object' && typeof value !== 'function') || seen.has(value) || depth > 12) return out;
  seen.add(value);
  if (value instanceof Error) out.push(String(value), inspect(value, { depth: 8, showHidden: true }));
  const names = new Set();
  for (let o = value; o !== null && o !== Object.prototype && o !== Error.prototype && o !== Function.prototype; o = Object.getPrototypeOf(o)) {
    for (const name of Object.getOwnPropertyNames(o)) names.add(name);
  }
  for (const name of names) {
    if (name === 'constructor' || name === 'prototype') continue;
    let member;
    try {
      member = value[name];
    } catch {
      continue;
    }
    if (typeof member === 'function') continue;
    exposedStrings(member, out, seen, depth + 1);
  }
  return out;
}

/** The secrets (by kind) that `text` contains, or a 16-character piece of. */
function leaks(text, pieces) {
  const found = new Set();
  for (let i = 0; i + PIECE <= text.length; i++) {
    const kind = pieces.get(text.slice(i, i + PIECE));
    if (kind !== undefined) found.add(kind);
  }
  return [...found];
}

test('no error, error property or console line of any flow failure contains a secret', async (t) => {
  const oneLogin = client();
  const IDENTITY = { vtr: ['Cl.Cm.P2'], scope: ['openid', 'email', 'phone'], claims: ['coreIdentityJWT', 'address', 'passport', 'drivingPermit', 'returnCode'] };

  // A good sign-in first: its ID token and access token are secrets for everything below.
  const good = await signIn(oneLogin, IDENTITY);
  const signedIn = await oneLogin.completeSignIn(good.callback, good.transaction);
  for (const [kind, value] of [
    ['ID token', signedIn.idToken],
    ['access token', signedIn.accessToken],
    ['core identity credential', signedIn.userinfo[CLAIM.coreIdentityJWT]],
  ]) {
    secrets.delete(value);
    secret(kind, value);
  }

  // --- the callback: state mismatch, no transaction, repeated parameters, authorize errors ---
  {
    const s = await signIn(oneLogin);
    const other = oneLogin.startSignIn().transaction;
    secret('code verifier', other.codeVerifier);
    await fails('state mismatch', () => oneLogin.completeSignIn(s.callback, other));
    await fails('no transaction', () => oneLogin.completeSignIn(s.callback, undefined));
    await fails('transaction as text', () => oneLogin.completeSignIn(s.callback, JSON.stringify(s.transaction)));
    await fails('repeated code', () => oneLogin.completeSignIn(`${s.callback}&code=${s.code}`, s.transaction));
    await fails('broken %-escape beside the code', () => oneLogin.completeSignIn(`${s.callback}&x=%ZZ${s.code}`, s.transaction));
    op.inject({ stateOverride: `forged-${s.code}` });
    const forged = await signIn(oneLogin);
    await fails('forged state', () => oneLogin.completeSignIn(forged.callback, forged.transaction));
    op.reset();
  }
  for (const error of ['access_denied', 'login_required', 'temporarily_unavailable', 'invalid_request', 'server_error']) {
    op.inject({ authorizeError: error });
    const s = await signIn(oneLogin);
    await fails(`authorize error ${error}`, () => oneLogin.completeSignIn(s.callback, s.transaction));
    op.reset();
  }

  // --- every fault of the token endpoint, the ID token, userinfo and the core identity ---
  const faults = [
    { token: { status: 400 } },
    { token: { status: 401 } },
    { token: { status: 500 } },
    { token: 'hang' },
    { token: 'redirect' },
    { token: 'html' },
    { token: 'oversize' },
    { tokenType: 'DPoP' },
    { noIdToken: true },
    { trickle: '/token' },
    { hugeContentLength: '/token' },
    { idTokenClaims: { aud: 'another-client' } },
    { idTokenClaims: { nonce: 'another-nonce' } },
    { idTokenClaims: { at_hash: 'AAAAAAAAAAAAAAAAAAAAAA' } },
    { idTokenClaims: { vot: 'Cl' } },
    { idTokenClaims: { iss: 'https://oidc.account.gov.uk/' } },
    { idTokenClaims: { exp: 1 } },
    { idTokenClaims: { sub: undefined } },
    { idTokenKey: 'unknown' },
    { userinfo: { status: 401 } },
    { userinfo: { status: 500, body: 'oops' } },
    { userinfo: 'hang' },
    { userinfo: 'oversize' },
    { trickle: '/userinfo' },
    { hugeContentLength: '/userinfo' },
    { userinfoSub: 'urn:fdc:gov.uk:2022:someone-else' },
    { userinfoClaims: { [CLAIM.address]: { postalCode: 'GL1 5QB' } } },
    { userinfoClaims: { [CLAIM.passport]: [{ icaoIssuerCode: 'GBR' }] } },
    { userinfoClaims: { [CLAIM.drivingPermit]: 'DOE99802085J99FG' } },
    { userinfoClaims: { [CLAIM.returnCode]: [{ code: 7 }] } },
    { userinfoClaims: { email: 5 } },
    { userinfoClaims: { [CLAIM.coreIdentityJWT]: 'not-a-token' } },
  ];
  for (const fault of faults) {
    const s = await signIn(oneLogin, IDENTITY);
    op.inject(fault);
    await fails(JSON.stringify(fault), () => oneLogin.completeSignIn(s.callback, s.transaction));
    op.reset();
  }
  for (const claims of [{ sub: 'urn:fdc:gov.uk:2022:someone-else' }, { vot: 'P1' }, { exp: 1 }]) {
    op.userinfoFor(op.sub, { coreIdentityClaims: claims });
    const s = await signIn(oneLogin, IDENTITY);
    await fails(`core identity ${JSON.stringify(claims)}`, () => oneLogin.completeSignIn(s.callback, s.transaction));
  }

  // --- documents: discovery for another issuer, the wrong DID, endless or huge bodies ---
  for (const [fault, extra] of [
    [{ discoveryIssuer: 'https://oidc.account.gov.uk/' }, {}],
    [{ trickle: '/.well-known/openid-configuration' }, {}],
    [{ hugeContentLength: '/.well-known/jwks.json' }, {}],
    [{ trickle: '/.well-known/did.json' }, {}],
    [{}, { environment: { ...op.environment, didId: 'did:web:identity.account.gov.uk' } }],
  ]) {
    const fresh = client(extra);
    try {
      const s = await signIn(fresh, IDENTITY);
      op.inject(fault);
      await fails(`documents ${JSON.stringify(fault)} ${Object.keys(extra)}`, () => fresh.completeSignIn(s.callback, s.transaction));
    } finally {
      op.reset();
      fresh.dispose();
    }
  }

  // --- key rotation refusals: an unknown kid within the cooldown, and after a refetch ---
  for (const cooldownMs of [60_000, 0]) {
    const rotating = client({ cooldownMs });
    try {
      const first = await signIn(rotating);
      await rotating.completeSignIn(first.callback, first.transaction);
      const s = await signIn(rotating);
      op.inject({ idTokenKey: 'unknown' });
      await fails(`unknown kid, cooldown ${cooldownMs}`, () => rotating.completeSignIn(s.callback, s.transaction));
    } finally {
      op.reset();
      rotating.dispose();
    }
  }

  // --- the steps apart, with wrong arguments carrying secrets ---
  {
    const s = await signIn(oneLogin);
    await fails('codeVerifier of the wrong type', () => oneLogin.exchangeCode(s.code, { ...s.transaction, codeVerifier: 42 }));
    await fails('transaction without state', () => oneLogin.exchangeCode(s.code, { nonce: s.transaction.nonce, codeVerifier: s.transaction.codeVerifier }));
    await fails('code as an object', () => oneLogin.exchangeCode({ code: s.code }, s.transaction));
    await fails('code spent', async () => {
      await oneLogin.exchangeCode(s.code, s.transaction);
      await oneLogin.exchangeCode(s.code, s.transaction);
    });
    await fails('userinfo: sub of the wrong type', () => oneLogin.fetchUserinfo(signedIn.accessToken, { sub: 5 }));
    await fails('userinfo: another sub', () => oneLogin.fetchUserinfo(signedIn.accessToken, { sub: 'someone-else' }));
    await fails('userinfo: unknown access token', () => oneLogin.fetchUserinfo(`${signedIn.accessToken}x`, { sub: signedIn.sub }));
    await fails('userinfo: access token of the wrong type', () => oneLogin.fetchUserinfo({ token: signedIn.accessToken }, { sub: signedIn.sub }));
  }

  // --- sign-in and logout-URL options with secrets in the wrong places ---
  const badOptions = [
    { maxAge: signedIn.accessToken },
    { idTokenHint: signedIn.idToken },
    { vtr: signedIn.accessToken },
    { vtr: [good.transaction.codeVerifier] },
    { claims: [signedIn.accessToken] },
    { prompt: signedIn.idToken.repeat(8) },
    { responseMode: clientSecret },
    { redirectUri: [good.code] },
    { uiLocales: signedIn.accessToken.repeat(20) },
    { requestObject: true, idTokenHint: 42 },
  ];
  for (const options of badOptions) await fails(`startSignIn ${Object.keys(options)}`, () => oneLogin.startSignIn(options));
  for (const options of [
    { postLogoutRedirectUri: POST_LOGOUT_URI, state: signedIn.accessToken },
    { idTokenHint: signedIn.idToken, state: signedIn.accessToken.repeat(4) },
    { idTokenHint: signedIn.idToken, postLogoutRedirectUri: signedIn.accessToken.repeat(4) },
    { idTokenHint: 5, state: clientSecret },
    { idTokenHint: signedIn.idToken, uiLocales: '' },
  ]) {
    await fails(`logoutUrl ${Object.keys(options)}`, () => oneLogin.logoutUrl(options));
  }

  // --- client configuration: broken, weak or misplaced keys and secrets ---
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const ecPem = ec.privateKey.export({ type: 'pkcs8', format: 'pem' });
  secret('EC private key (PEM body)', pemBody(ecPem));
  const weak = generateKeyPairSync('rsa', { modulusLength: 1024 });
  const weakPem = weak.privateKey.export({ type: 'pkcs8', format: 'pem' });
  secret('1024-bit private key (PEM body)', pemBody(weakPem));
  const lines = privatePem.trim().split('\n');
  const flipped = privatePem.replace(/(\n[A-Za-z0-9+/]{30})([A-Za-z0-9+/])/, (_, a, b) => a + (b === 'A' ? 'B' : 'A'));
  const badKeys = [
    ['truncated PEM', `${lines.slice(0, Math.floor(lines.length / 2)).join('\n')}\n${lines.at(-1)}\n`],
    ['PEM with a changed character', flipped],
    ['PEM without its armour', pemBody(privatePem)],
    ['PKCS#1 PEM', rsa.privateKey.export({ type: 'pkcs1', format: 'pem' })],
    ['EC key', ecPem],
    ['1024-bit key', weakPem],
    ['public key', rsa.publicKey.export({ type: 'spki', format: 'pem' })],
    ['JWK without d', JSON.stringify({ ...privateJwk, d: undefined })],
    ['JWK with d not base64url', JSON.stringify({ ...privateJwk, d: `${privateJwk.d}!` })],
    ['JWK with d a number', JSON.stringify({ ...privateJwk, d: 5 })],
    ['JWK text with trailing bytes', `${JSON.stringify(privateJwk)}${privateJwk.d}`],
    ['JWK text truncated', JSON.stringify(privateJwk).slice(0, 900)],
    ['JWK with kty EC', JSON.stringify({ ...privateJwk, kty: 'EC' })],
    ['JWK with a mismatched p', JSON.stringify({ ...privateJwk, p: privateJwk.q })],
    ['JWK object with n a number', { ...privateJwk, n: 5 }],
  ];
  for (const [label, privateKey] of badKeys) {
    if (typeof privateKey === 'string') secret(`key material (${label})`, pemBody(privateKey).length > 200 ? pemBody(privateKey) : undefined);
    await fails(`create: ${label}`, () => client({ privateKey }));
  }
  for (const [label, extra] of [
    ['privateKey and clientSecret', { clientSecret }],
    ['clientSecret a number', { privateKey: undefined, clientSecret: 1234567890123456789012 }],
    ['clientSecret an object', { privateKey: undefined, clientSecret: { value: clientSecret } }],
    ['a secret as clientId', { clientId: { clientSecret } }],
    ['a secret as a URL', { environment: { ...op.environment, tokenUrl: `ftp://${clientSecret}@x/token` } }],
    ['a secret as a URL with credentials', { environment: { ...op.environment, tokenUrl: `https://user:${clientSecret}@x/token` } }],
    ['clientAssertionAlg', { clientAssertionAlg: clientSecret }],
  ]) {
    await fails(`create: ${label}`, async () => {
      const c = client(extra);
      try {
        const s = await signIn(c);
        await c.completeSignIn(s.callback, s.transaction);
      } finally {
        c.dispose();
      }
    });
  }

  // --- client_secret_post: the secret refused by the OP, and identity refused for it ---
  {
    const secretClient = OneLoginClient.create({
      environment: secretOp.environment,
      clientId: SECRET_CLIENT_ID,
      redirectUri: REDIRECT_URI,
      clientSecret,
      timeoutMs: 400,
      fetch: recordingFetch,
    });
    const wrongSecret = OneLoginClient.create({
      environment: secretOp.environment,
      clientId: SECRET_CLIENT_ID,
      redirectUri: REDIRECT_URI,
      clientSecret: `${clientSecret}x`,
      fetch: recordingFetch,
    });
    try {
      await fails('client_secret_post with identity', () => secretClient.startSignIn(IDENTITY));
      const s = await signIn(wrongSecret, {}, secretOp);
      await fails('client_secret_post: wrong secret', () => wrongSecret.completeSignIn(s.callback, s.transaction));
      const s2 = await signIn(secretClient, {}, secretOp);
      await fails('client_secret_post: identity transaction', () =>
        secretClient.exchangeCode(s2.code, { ...s2.transaction, vtr: '["Cl.Cm.P2"]' }),
      );
      secretOp.inject({ token: { status: 401, body: { error: 'invalid_client' } } });
      const s3 = await signIn(secretClient, {}, secretOp);
      await fails('client_secret_post: 401', () => secretClient.completeSignIn(s3.callback, s3.transaction));
    } finally {
      secretOp.reset();
      secretClient.dispose();
      wrongSecret.dispose();
    }
  }

  // --- back-channel logout: replays, broken bodies and bad tokens ---
  {
    const token = op.logoutToken();
    secret('logout token', token);
    await oneLogin.handleBackChannelLogout(token);
    await fails('replayed logout token', () => oneLogin.handleBackChannelLogout(`logout_token=${token}`));
    await fails('two logout_token parameters', () => oneLogin.handleBackChannelLogout(`logout_token=${token}&logout_token=${token}`));
    await fails('broken %-escape', () => oneLogin.handleBackChannelLogout(`logout_token=${token}%Z`));
    const down = async () => {
      throw new Error('store down');
    };
    const storeDown = client({ store: { remember: down, recordSignOut: down, signedOutAt: down } });
    await fails('a store that throws', () => storeDown.handleBackChannelLogout(op.logoutToken()));
    await fails('a store that throws (isSignedOut)', () => storeDown.isSignedOut({ sub: op.lastSub, signedInAt: 1 }));
    storeDown.dispose();
    await fails('no store', async () => client({ store: {} }));
    const bad = [
      `${token}x`,
      token.split('.').reverse().join('.'),
      op.logoutToken({ aud: 'another-client' }),
      op.logoutToken({ iss: 'https://elsewhere.example/' }),
      op.logoutToken({ exp: 1, iat: 0 }),
      op.logoutToken({ events: undefined }),
      op.logoutToken({ nonce: 'n' }),
      op.logoutToken({ jti: 5 }),
      op.logoutToken({}, { key: 'unknown' }),
      op.logoutToken({}, { header: { typ: 'JWT' } }),
      signedIn.idToken,
      signedIn.accessToken,
    ];
    for (const [i, badToken] of bad.entries()) {
      secret('logout token', badToken);
      await fails(`bad logout token ${i}`, () => oneLogin.handleBackChannelLogout({ logout_token: badToken }));
    }
  }
  oneLogin.dispose();

  // Let the side copies of response bodies finish (they only add secrets to look for).
  await new Promise((resolve) => setTimeout(resolve, 100));

  // --- the scan ---
  const pieces = new Map();
  for (const [value, kind] of secrets) {
    for (let i = 0; i + PIECE <= value.length; i++) pieces.set(value.slice(i, i + PIECE), kind);
  }
  const found = [];
  let strings = 0;
  const codes = new Map();
  for (const { label, error } of failures) {
    // The caller's own store's errors are passed through unchanged (and scanned all the same).
    if (!label.startsWith('a store that throws')) assert.ok(error instanceof TokenError, `${label}: not a TokenError: ${inspect(error)}`);
    codes.set(error.code, (codes.get(error.code) ?? 0) + 1);
    for (const text of exposedStrings(error)) {
      strings += 1;
      const kinds = leaks(text, pieces);
      if (kinds.length > 0) found.push(`${label} (${error.code}): ${kinds.join(', ')} in ${JSON.stringify(text.slice(0, 300))}`);
    }
  }
  for (const line of consoleLines) {
    const kinds = leaks(line, pieces);
    if (kinds.length > 0) found.push(`console: ${kinds.join(', ')}`);
  }
  const kinds = new Map();
  for (const kind of secrets.values()) kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
  t.diagnostic(`${failures.length} failures, ${strings} strings scanned, ${secrets.size} secrets (${[...kinds].map(([k, n]) => `${k} ${n}`).join(', ')}), ${consoleLines.length} console lines`);
  t.diagnostic(`codes: ${[...codes].map(([c, n]) => `${c} ${n}`).join(', ')}`);
  assert.deepEqual(found, []);
  // The scan saw every kind of secret and a broad range of refusals.
  for (const kind of ['authorization code', 'code verifier', 'client assertion', 'client secret', 'ID token', 'access token', 'logout token', 'token from a response']) {
    assert.ok(kinds.has(kind), `no ${kind} was recorded`);
  }
  assert.ok(failures.length >= 110, `${failures.length} failures`);
  for (const code of [
    'ERR_OAUTH_STATE_MISMATCH',
    'ERR_OAUTH_AUTHORIZATION_ERROR',
    'ERR_OAUTH_TOKEN_ERROR',
    'ERR_OAUTH_USERINFO_ERROR',
    'ERR_JWT_CLAIM_VALIDATION_FAILED',
    'ERR_JWKS_NO_MATCHING_KEY',
    'ERR_JWKS_FETCH_FAILED',
    'ERR_JWKS_TIMEOUT',
    'ERR_LOGOUT_TOKEN_REPLAYED',
    'ERR_INVALID_ARGUMENT',
    'ERR_JWT_EXPIRED',
  ]) {
    assert.ok(codes.has(code), `no ${code} among the failures`);
  }
});

// Issue 22, finding 1: every input from outside is refused by its size BEFORE it is copied into
// wasm memory. Each case feeds about 100 MB (a token, a logout body, a JWKS and a DID document
// passed directly, a callback URL, an option string) and asserts the TokenError and its code AND
// that the wasm linear memory did not grow by a single page (it never shrinks, so one oversized
// body used to cost the process 100 MB or more for its whole life, or trapped the module).
// Finding 8's typed failures are driven here too: a non-Latin-1 access token, a 2,000-character
// jti, and a callback with a broken %-escape (finding 7) through the client.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import {
  OneLoginClient,
  TokenError,
  KeySet,
  DidDocument,
  verifyIdToken,
  verifyLogoutToken,
  verifyCoreIdentity,
  verifyIdTokenAsync,
  decodeJwt,
  inspectToken,
  limits,
} from 'govuk-one-login-tokens';
import { makeOneLogin, logoutToken, idToken, coreIdentityToken, NOW, CLIENT_ID, ISSUER, NONCE, SUB } from './onelogin-fixtures.mjs';

// The glue module the package loaded, for its wasm memory (as scripts/soak.mjs reads it).
const require = createRequire(new URL('../', import.meta.url));
const pkgDir = require.resolve('govuk-one-login-tokens/package.json').replace(/package\.json$/, '');
const glue = await import(pathToFileURL(`${pkgDir}wasm/govuk_one_login_tokens.js`).href);
const wasmBytes = () => glue.initSync().memory.buffer.byteLength;

const MB100 = 100 * 1024 * 1024;
const HUGE = 'A'.repeat(MB100);
// About 100 MB of UTF-8 in a third as many UTF-16 code units.
const HUGE_EUROS = '€'.repeat(Math.ceil(MB100 / 3));

let ol;
let server;
let base;
let client;

before(async () => {
  ol = await makeOneLogin();
  server = createServer((req, res) => {
    if (req.url === '/jwks') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=86400' });
      res.end(JSON.stringify(ol.jwks));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${server.address().port}`;
  client = OneLoginClient.create({
    environment: { issuer: ISSUER, jwksUrl: `${base}/jwks`, authorizeUrl: `${base}/authorize`, userinfoUrl: `${base}/userinfo` },
    clientId: CLIENT_ID,
    redirectUri: 'https://rp.example/callback',
    clock: () => NOW * 1000,
  });
  // The JWKS only (this server has no DID document), for the sync verifiers.
  await client.verifyLogoutToken(logoutToken(ol.es)).catch(() => {});
});

after(async () => {
  client?.dispose();
  await new Promise((resolve) => server.close(resolve));
});

/** `fn` throws (or rejects with) a TokenError with `code` (and `details`), and wasm memory stays put. */
async function refusedWithoutGrowth(label, fn, code, details = {}) {
  const before = wasmBytes();
  let error;
  try {
    await fn();
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof TokenError, `${label}: expected a TokenError, got ${error?.name}: ${error?.message}`);
  assert.equal(error.code, code, `${label}: ${error.message}`);
  for (const [name, value] of Object.entries(details)) assert.equal(error[name], value, `${label}: ${name}`);
  assert.equal(wasmBytes(), before, `${label}: wasm memory grew from ${before} to ${wasmBytes()} bytes`);
}

test('the caps come from the core and are the ones documented', () => {
  const caps = limits();
  assert.equal(caps.maxTokenSize, 64 * 1024);
  assert.equal(caps.maxLogoutBodySize, 64 * 1024 + 1024);
  assert.equal(caps.maxCallbackSize, 16 * 1024);
  assert.equal(caps.maxDocumentSize, 256 * 1024);
  assert.equal(caps.maxResponseSize, 64 * 1024);
  assert.equal(caps.maxOptionStringSize, 256 * 1024);
  assert.equal(caps.maxJtiLength, 1024);
  assert.equal(caps.maxLogoutTokenLifetime, 600);
});

test('warm-up: every path works at a normal size (so later calls need no new pages)', async () => {
  const logout = logoutToken(ol.es);
  assert.equal((await client.handleBackChannelLogout(`logout_token=${logout}`)).sub, SUB);
  assert.equal(verifyIdToken(idToken(ol.es), { jwks: JSON.stringify(ol.jwks), nonce: NONCE, issuer: ISSUER, clientId: CLIENT_ID, now: NOW }).sub, SUB);
  assert.equal(verifyCoreIdentity(coreIdentityToken(ol.identity), { didDocument: JSON.stringify(ol.didDocument), issuer: 'https://identity.integration.account.gov.uk/', clientId: CLIENT_ID, sub: SUB, now: NOW }).claims.sub, SUB);
  new KeySet(JSON.stringify(ol.jwks)).free();
  new DidDocument(JSON.stringify(ol.didDocument)).free();
  decodeJwt(logout);
  inspectToken(logout);
  const { transaction } = client.startSignIn();
  await assert.rejects(client.completeSignIn('/callback?state=other&code=c', transaction), { code: 'ERR_OAUTH_STATE_MISMATCH' });
});

test('a 100 MB token is refused before wasm memory, by every verifier and the client', async () => {
  const options = { jwks: ol.jwks, nonce: NONCE, issuer: ISSUER, clientId: CLIENT_ID, now: NOW };
  for (const [label, token] of [['ASCII', HUGE], ['euros', HUGE_EUROS]]) {
    await refusedWithoutGrowth(`verifyIdToken ${label}`, () => verifyIdToken(token, options), 'ERR_JWS_INVALID');
    await refusedWithoutGrowth(`verifyIdTokenAsync ${label}`, () => verifyIdTokenAsync(token, options), 'ERR_JWS_INVALID');
    await refusedWithoutGrowth(`verifyLogoutToken ${label}`, () => verifyLogoutToken(token, options), 'ERR_JWS_INVALID');
    await refusedWithoutGrowth(`decodeJwt ${label}`, () => decodeJwt(token), 'ERR_JWS_INVALID');
    await refusedWithoutGrowth(`inspectToken ${label}`, () => inspectToken(token), 'ERR_JWS_INVALID');
    await refusedWithoutGrowth(`client.verifyIdToken ${label}`, () => client.verifyIdToken(token, { nonce: NONCE, now: NOW }), 'ERR_JWS_INVALID');
    await refusedWithoutGrowth(`client.verifyLogoutTokenSync ${label}`, () => client.verifyLogoutTokenSync(token), 'ERR_JWS_INVALID');
  }
});

test('a 100 MB back-channel logout body is refused before wasm memory (string, URLSearchParams, object)', async () => {
  for (const [label, body] of [
    ['form string', `logout_token=${HUGE}`],
    ['bare token string', HUGE],
    ['euros', `logout_token=${HUGE_EUROS}`],
    ['URLSearchParams', new URLSearchParams({ logout_token: HUGE })],
    ['parsed object', { logout_token: HUGE }],
  ]) {
    await refusedWithoutGrowth(`handleBackChannelLogout ${label}`, () => client.handleBackChannelLogout(body), 'ERR_JWT_INVALID');
  }
});

test('a 100 MB JWKS or DID document passed directly is refused before wasm memory', async () => {
  const token = idToken(ol.es);
  const options = { nonce: NONCE, issuer: ISSUER, clientId: CLIENT_ID, now: NOW };
  const hugeJwks = `{"keys":[],"pad":"${HUGE}"}`;
  await refusedWithoutGrowth('verifyIdToken jwks text', () => verifyIdToken(token, { ...options, jwks: hugeJwks }), 'ERR_JWKS_INVALID');
  await refusedWithoutGrowth('verifyIdToken jwks object', () => verifyIdToken(token, { ...options, jwks: { keys: [], pad: HUGE } }), 'ERR_JWKS_INVALID');
  await refusedWithoutGrowth('verifyIdTokenAsync jwks text', () => verifyIdTokenAsync(token, { ...options, jwks: hugeJwks }), 'ERR_JWKS_INVALID');
  // The classes are guarded in the core's boundary itself (no JavaScript in front of them).
  await refusedWithoutGrowth('new KeySet(text)', () => new KeySet(hugeJwks), 'ERR_JWKS_INVALID');
  await refusedWithoutGrowth('new KeySet(object)', () => new KeySet({ keys: [], pad: HUGE }), 'ERR_JWKS_INVALID');
  const identity = coreIdentityToken(ol.identity);
  const hugeDid = `{"id":"did:web:x","pad":"${HUGE_EUROS}"}`;
  await refusedWithoutGrowth(
    'verifyCoreIdentity did text',
    () => verifyCoreIdentity(identity, { ...options, sub: SUB, didDocument: hugeDid }),
    'ERR_JWKS_INVALID',
  );
  await refusedWithoutGrowth('new DidDocument(text)', () => new DidDocument(hugeDid), 'ERR_JWKS_INVALID');
});

test('a 100 MB callback URL is refused before wasm memory (text, URL, object)', async () => {
  const { transaction } = client.startSignIn();
  for (const [label, callback] of [
    ['path and query', `/callback?state=${transaction.state}&code=${HUGE}`],
    ['URL', new URL(`https://rp.example/callback?state=${transaction.state}&code=${HUGE}`)],
    ['parameters', { state: transaction.state, code: HUGE }],
  ]) {
    await refusedWithoutGrowth(`completeSignIn ${label}`, () => client.completeSignIn(callback, transaction), 'ERR_OAUTH_AUTHORIZATION_ERROR');
  }
});

test('a 100 MB option string is refused before wasm memory, naming the option', async () => {
  const token = idToken(ol.es);
  await refusedWithoutGrowth(
    'verifyIdToken nonce',
    () => verifyIdToken(token, { jwks: ol.jwks, nonce: HUGE, issuer: ISSUER, clientId: CLIENT_ID, now: NOW }),
    'ERR_INVALID_ARGUMENT',
    { option: 'nonce' },
  );
});

test('finding 8: a non-Latin-1 access token is a TokenError before any request', async () => {
  for (const accessToken of ['tök€n', 'a\r\nX-Injected: 1']) {
    await refusedWithoutGrowth(`fetchUserinfo ${JSON.stringify(accessToken)}`, () => client.fetchUserinfo(accessToken, { sub: SUB }), 'ERR_INVALID_ARGUMENT', {
      option: 'accessToken',
    });
  }
});

test('finding 8: a 2,000-character jti is a claim error before the replay store is asked', async () => {
  let asked = 0;
  const store = {
    async remember() {
      asked++;
      return true;
    },
    async recordSignOut() {
      return true;
    },
    async signedOutAt() {
      return null;
    },
  };
  const withStore = OneLoginClient.create({
    environment: { issuer: ISSUER, jwksUrl: `${base}/jwks` },
    clientId: CLIENT_ID,
    clock: () => NOW * 1000,
    store,
  });
  const token = logoutToken(ol.es, { jti: 'j'.repeat(2000) });
  await refusedWithoutGrowth('handleBackChannelLogout long jti', () => withStore.handleBackChannelLogout(`logout_token=${token}`), 'ERR_JWT_CLAIM_VALIDATION_FAILED', {
    claim: 'jti',
  });
  assert.equal(asked, 0);
  // At the store's maximum the token is accepted.
  const atMax = logoutToken(ol.es, { jti: 'j'.repeat(limits().maxJtiLength) });
  assert.equal((await withStore.handleBackChannelLogout(`logout_token=${atMax}`)).sub, SUB);
  assert.equal(asked, 1);
});

test('finding 5: a logout token living ten years is refused (the replay window would not cover it)', async () => {
  const token = logoutToken(ol.es, { exp: NOW + 10 * 365 * 86_400, jti: 'ten-years' });
  await assert.rejects(client.handleBackChannelLogout(`logout_token=${token}`), (e) => e instanceof TokenError && e.code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' && e.claim === 'exp');
});

test('finding 4: a logout token does not verify as an ID token', async () => {
  const token = logoutToken(ol.es, { vot: 'Cl.Cm', nonce: NONCE });
  await assert.rejects(client.verifyIdToken(token, { nonce: NONCE, now: NOW }), (e) => e instanceof TokenError && e.code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' && e.claim === 'typ');
  const untyped = logoutToken(ol.es, { vot: 'Cl.Cm', nonce: NONCE }, { typ: undefined });
  await assert.rejects(client.verifyIdToken(untyped, { nonce: NONCE, now: NOW }), (e) => e instanceof TokenError && e.claim === 'events');
});

test('finding 7: a callback parameter with %+1 is refused, not read as byte 0x01', async () => {
  const { transaction } = client.startSignIn();
  await assert.rejects(
    client.completeSignIn(`/callback?state=${transaction.state}&code=%+1`, transaction),
    (e) => e instanceof TokenError && e.code === 'ERR_OAUTH_AUTHORIZATION_ERROR',
  );
});

test('finding 6: configured endpoints obey the URL rule, naming the option', () => {
  for (const [option, url] of [
    ['authorizeUrl', 'javascript:alert(1)'],
    ['endSessionUrl', 'http://evil.example/'],
    ['tokenUrl', 'http://evil.example/token'],
  ]) {
    assert.throws(
      () => OneLoginClient.create({ environment: { baseUrl: 'http://localhost:3000', [option]: url }, clientId: CLIENT_ID }),
      (e) => e instanceof TokenError && e.code === 'ERR_INVALID_ARGUMENT' && e.option === `environment.${option}`,
      `environment.${option}: ${url}`,
    );
  }
});

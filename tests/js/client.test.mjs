// OneLoginClient against a real HTTP server on 127.0.0.1 (port 0): caching by Cache-Control,
// rotation, outages, the unknown-kid cooldown, one fetch in flight, timeouts, URL rules, and the
// headers One Login requires. Time for the cache is an injected clock, so nothing sleeps.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { createPublicKey } from 'node:crypto';
import { jwtVerify } from 'jose';
import { OneLoginClient, TokenError, pkceChallenge } from 'govuk-one-login-tokens';
import {
  makeOneLogin,
  idToken,
  coreIdentityToken,
  logoutToken,
  NOW,
  CLIENT_ID,
  ISSUER,
  IDENTITY_ISSUER,
  SUB,
  NONCE,
} from './onelogin-fixtures.mjs';
import { makeKey } from './fixtures.mjs';

const VERSION = JSON.parse(readFileSync(new URL('../node_modules/govuk-one-login-tokens/package.json', import.meta.url))).version;
const JWKS_PATH = '/.well-known/jwks.json';
const DID_PATH = '/.well-known/did.json';

let ol;
let stranger;
let server;
let base;
/** What the server answers, per path; tests change it. */
let routes;
/** Every request the server saw: { path, headers }. */
let seen;

const count = (path) => seen.filter((r) => r.path === path).length;

function reset({ jwks = ol.jwks, did = ol.didDocument, cacheControl = 'max-age=86400' } = {}) {
  seen = [];
  routes = {
    [JWKS_PATH]: { status: 200, body: JSON.stringify(jwks), headers: { 'cache-control': cacheControl } },
    [DID_PATH]: { status: 200, body: JSON.stringify(did), headers: { 'cache-control': 'max-age=3600, private' } },
  };
}

before(async () => {
  ol = await makeOneLogin();
  stranger = await makeKey('ES256', { kid: 'e'.repeat(64) });
  reset();
  server = createServer((req, res) => {
    seen.push({ path: req.url, headers: req.headers });
    const route = routes[req.url] ?? { status: 404, body: 'not found' };
    const send = () => {
      res.writeHead(route.status, { 'content-type': 'application/json', ...route.headers });
      if (route.stallBodyMs) {
        res.write(route.body.slice(0, 10));
        setTimeout(() => res.end(route.body.slice(10)), route.stallBodyMs);
      } else {
        res.end(route.body);
      }
    };
    if (route.delayMs) setTimeout(send, route.delayMs);
    else send();
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${server.address().port}`;
});

after(() => {
  server.closeAllConnections();
  server.close();
});

/** A client on the test server with a controllable clock (milliseconds). */
function client(extra = {}, environment = {}) {
  const clock = { t: 1_000_000_000_000 };
  const c = OneLoginClient.create({
    environment: { issuer: ISSUER, identityIssuer: IDENTITY_ISSUER, jwksUrl: `${base}${JWKS_PATH}`, didUrl: `${base}${DID_PATH}`, didId: 'did:web:identity.integration.account.gov.uk', ...environment },
    clientId: CLIENT_ID,
    clock: () => clock.t,
    ...extra,
  });
  return { c, clock };
}

const verifyId = (c, key) => c.verifyIdToken(idToken(key), { nonce: NONCE, now: NOW });

async function rejectsWith(promise, code) {
  await assert.rejects(promise, (e) => {
    assert.ok(e instanceof TokenError, `expected a TokenError, got ${e}`);
    assert.equal(e.code, code, e.message);
    return true;
  });
}

test('first use fetches the JWKS once, with User-Agent and accept headers', async () => {
  reset();
  const { c } = client();
  assert.equal((await verifyId(c, ol.es)).sub, SUB);
  assert.equal((await verifyId(c, ol.rs)).sub, SUB);
  assert.equal(count(JWKS_PATH), 1);
  assert.equal(count(DID_PATH), 0, 'the DID document is fetched only when needed');
  const { headers } = seen[0];
  assert.equal(headers['user-agent'], `govuk-one-login-tokens/${VERSION}`);
  assert.equal(headers.accept, 'application/json');

  reset();
  const custom = client({ userAgent: 'my-service/2.0 (+https://my.service.gov.uk)' }).c;
  await verifyId(custom, ol.es);
  assert.equal(seen[0].headers['user-agent'], 'my-service/2.0 (+https://my.service.gov.uk)');
});

test('the version in the default User-Agent is package.json\'s', () => {
  const source = readFileSync(new URL('../node_modules/govuk-one-login-tokens/version.js', import.meta.url), 'utf8');
  assert.ok(source.includes(`'${VERSION}'`), 'version.js is in step with package.json');
});

test('max-age is respected (and Age subtracted); 10 minutes without Cache-Control', async () => {
  reset({ cacheControl: 'max-age=60' });
  const { c, clock } = client();
  await verifyId(c, ol.es);
  clock.t += 59_000;
  await verifyId(c, ol.es);
  assert.equal(count(JWKS_PATH), 1, 'fresh within max-age');
  clock.t += 2_000;
  await verifyId(c, ol.es);
  assert.equal(count(JWKS_PATH), 2, 'refetched once stale');

  reset({ cacheControl: 'public, max-age=120' });
  routes[JWKS_PATH].headers.age = '100';
  const aged = client();
  await verifyId(aged.c, ol.es);
  aged.clock.t += 31_000;
  await verifyId(aged.c, ol.es);
  assert.equal(count(JWKS_PATH), 2, 'max-age 120 minus Age 100 leaves 20 s (floored at the 30 s cooldown)');

  reset();
  delete routes[JWKS_PATH].headers['cache-control'];
  const plain = client();
  await verifyId(plain.c, ol.es);
  plain.clock.t += 599_000;
  await verifyId(plain.c, ol.es);
  assert.equal(count(JWKS_PATH), 1);
  plain.clock.t += 2_000;
  await verifyId(plain.c, ol.es);
  assert.equal(count(JWKS_PATH), 2);
});

test('no-store / no-cache: reused for the cooldown, not refetched per verification', async () => {
  for (const cacheControl of ['no-store', 'no-cache', 'max-age=0']) {
    reset({ cacheControl });
    const { c, clock } = client();
    for (let i = 0; i < 20; i += 1) await verifyId(c, ol.es);
    assert.equal(count(JWKS_PATH), 1, cacheControl);
    clock.t += 30_000;
    await verifyId(c, ol.es);
    assert.equal(count(JWKS_PATH), 2, cacheControl);
  }
});

test('rotation: an unknown kid triggers exactly one refetch, then verifies', async () => {
  reset({ jwks: { keys: [ol.es.jwk] } });
  const { c, clock } = client();
  await verifyId(c, ol.es);
  // One Login publishes the new key (here the RS256 one) and starts using it.
  routes[JWKS_PATH].body = JSON.stringify({ keys: [ol.es.jwk, ol.rs.jwk] });
  clock.t += 31_000;
  assert.equal((await verifyId(c, ol.rs)).sub, SUB);
  assert.equal(count(JWKS_PATH), 2);
  // The old key is retired: once the cache expires, its tokens fail.
  routes[JWKS_PATH].body = JSON.stringify({ keys: [ol.rs.jwk] });
  clock.t += 86_400_000;
  await rejectsWith(verifyId(c, ol.es), 'ERR_JWKS_NO_MATCHING_KEY');
  assert.equal(count(JWKS_PATH), 3, 'expiry refetch; the unknown kid then falls in the cooldown');
});

test('cooldown: repeated unknown kids cause no second fetch within 30 s', async () => {
  reset();
  const { c, clock } = client();
  await verifyId(c, ol.es);
  clock.t += 31_000;
  await rejectsWith(verifyId(c, stranger), 'ERR_JWKS_NO_MATCHING_KEY');
  assert.equal(count(JWKS_PATH), 2, 'one refetch for the first unknown kid');
  for (let i = 0; i < 50; i += 1) {
    clock.t += 500;
    await rejectsWith(verifyId(c, stranger), 'ERR_JWKS_NO_MATCHING_KEY');
  }
  assert.equal(count(JWKS_PATH), 2, 'none during the cooldown');
  clock.t += 6_000;
  await rejectsWith(verifyId(c, stranger), 'ERR_JWKS_NO_MATCHING_KEY');
  assert.equal(count(JWKS_PATH), 3, 'one more after it');
});

test('no fetch storm: 100 concurrent verifies share one fetch (cold, and on a rotation)', async () => {
  reset({ jwks: { keys: [ol.es.jwk] } });
  const { c, clock } = client();
  const cold = await Promise.all(Array.from({ length: 100 }, () => verifyId(c, ol.es)));
  assert.equal(cold.length, 100);
  assert.equal(count(JWKS_PATH), 1);

  routes[JWKS_PATH].body = JSON.stringify({ keys: [ol.es.jwk, ol.rs.jwk] });
  clock.t += 31_000;
  const rotated = await Promise.all(Array.from({ length: 100 }, (_, i) => verifyId(c, i % 2 ? ol.rs : ol.es)));
  assert.ok(rotated.every((claims) => claims.sub === SUB));
  assert.equal(count(JWKS_PATH), 2);

  const storm = await Promise.allSettled(Array.from({ length: 100 }, () => verifyId(c, stranger)));
  assert.ok(storm.every((r) => r.status === 'rejected' && r.reason.code === 'ERR_JWKS_NO_MATCHING_KEY'));
  assert.equal(count(JWKS_PATH), 2, 'inside the cooldown, made-up kids fetch nothing');
});

test('outage: cached keys keep working while the server answers 503 or is gone', async () => {
  reset({ cacheControl: 'max-age=60' });
  const { c, clock } = client();
  await c.hydrate();
  assert.equal(count(JWKS_PATH), 1);
  assert.equal(count(DID_PATH), 1);

  routes[JWKS_PATH] = { status: 503, body: 'unavailable' };
  clock.t += 61_000;
  assert.equal((await verifyId(c, ol.es)).sub, SUB, 'stale but kept');
  assert.equal(count(JWKS_PATH), 2, 'the refresh was attempted');
  await verifyId(c, ol.es);
  assert.equal(count(JWKS_PATH), 2, 'and not retried on every call');
  clock.t += 31_000;
  await verifyId(c, ol.es);
  assert.equal(count(JWKS_PATH), 3, 'retried after the cooldown');

  // The server goes away completely.
  const gone = createServer();
  await new Promise((resolve) => gone.listen(0, '127.0.0.1', resolve));
  const goneUrl = `http://127.0.0.1:${gone.address().port}${JWKS_PATH}`;
  await new Promise((resolve) => gone.close(resolve));
  reset();
  const fetches = [];
  const down = OneLoginClient.create({
    environment: { issuer: ISSUER, jwksUrl: goneUrl },
    clientId: CLIENT_ID,
    clock: () => clock.t,
    // Serve the first answer from the live server, then let the real fetch hit the closed port.
    fetch: (url, init) => {
      fetches.push(url);
      return fetch(fetches.length === 1 ? `${base}${JWKS_PATH}` : url, init);
    },
  });
  await verifyId(down, ol.es);
  clock.t += 86_400_001;
  assert.equal((await verifyId(down, ol.es)).sub, SUB, 'connection refused: cached keys used');
  assert.equal(fetches.length, 2);

  // Without anything cached, an outage is an error.
  routes[JWKS_PATH] = { status: 503, body: 'unavailable' };
  await rejectsWith(verifyId(client().c, ol.es), 'ERR_JWKS_FETCH_FAILED');
});

test('timeouts: slow headers or a stalled body give ERR_JWKS_TIMEOUT', async () => {
  reset();
  routes[JWKS_PATH].delayMs = 400;
  const t0 = Date.now();
  await rejectsWith(verifyId(client({ timeoutMs: 100 }).c, ol.es), 'ERR_JWKS_TIMEOUT');
  assert.ok(Date.now() - t0 < 380, 'gave up at the deadline');
  reset();
  routes[JWKS_PATH].stallBodyMs = 400;
  await rejectsWith(verifyId(client({ timeoutMs: 100 }).c, ol.es), 'ERR_JWKS_TIMEOUT');
});

test('only HTTP 200 with a usable document; redirects are not followed', async () => {
  for (const [route, why] of [
    [{ status: 404, body: 'nope' }, 'not found'],
    [{ status: 204, body: '' }, 'no content'],
    [{ status: 302, body: '', headers: { location: `${base}/elsewhere` } }, 'redirect'],
    [{ status: 200, body: '<html>' }, 'not JSON'],
    [{ status: 200, body: '{"keys":"no"}' }, 'not a JWKS'],
    [{ status: 200, body: JSON.stringify({ keys: [], pad: 'x'.repeat(300_000) }) }, 'too large'],
  ]) {
    reset();
    routes[JWKS_PATH] = route;
    routes['/elsewhere'] = { status: 200, body: JSON.stringify(ol.jwks) };
    const error = await verifyId(client().c, ol.es).then(
      () => assert.fail(`${why}: verified`),
      (e) => e,
    );
    assert.ok(error instanceof TokenError, why);
    assert.equal(error.code, 'ERR_JWKS_FETCH_FAILED', `${why}: ${error.message}`);
    assert.equal(count('/elsewhere'), 0, why);
  }
});

test('URLs: https or loopback http only, checked at create; a token never chooses the URL', async () => {
  for (const jwksUri of ['http://example.com/jwks.json', 'http://10.0.0.1/jwks.json', 'ftp://127.0.0.1/x', 'file:///etc/passwd', 'not a url', 'https://user:pw@example.com/']) {
    assert.throws(
      () => OneLoginClient.create({ environment: { issuer: ISSUER, jwksUrl: jwksUri }, clientId: CLIENT_ID }),
      (e) => e instanceof TokenError && e.code === 'ERR_INVALID_ARGUMENT',
      jwksUri,
    );
  }
  const calls = [];
  const fakeFetch = async (url, init) => {
    calls.push({ url, init });
    return new Response(JSON.stringify(ol.jwks), { status: 200, headers: { 'cache-control': 'max-age=60' } });
  };
  for (const jwksUri of ['https://example.com/jwks.json', 'http://localhost:9/jwks.json', 'http://[::1]:9/jwks.json']) {
    const c = OneLoginClient.create({ environment: { issuer: ISSUER, jwksUrl: jwksUri }, clientId: CLIENT_ID, fetch: fakeFetch });
    await verifyId(c, ol.es);
  }
  assert.deepEqual(
    calls.map((call) => call.url),
    ['https://example.com/jwks.json', 'http://localhost:9/jwks.json', 'http://[::1]:9/jwks.json'],
  );
  assert.equal(calls[0].init.redirect, 'manual');
  assert.ok(calls[0].init.signal instanceof AbortSignal);
  // The environments fetch their fixed URLs.
  const integration = OneLoginClient.create({ environment: 'integration', clientId: CLIENT_ID, fetch: fakeFetch });
  assert.equal(integration.endpoints.jwksUrl, 'https://oidc.integration.account.gov.uk/.well-known/jwks.json');
  assert.equal(integration.endpoints.didUrl, 'https://identity.integration.account.gov.uk/.well-known/did.json');
  await integration.verifyIdToken(idToken(ol.es), { nonce: NONCE, now: NOW });
  assert.equal(calls.at(-1).url, 'https://oidc.integration.account.gov.uk/.well-known/jwks.json');
  // A simulator environment object must be loopback (or https) too.
  assert.throws(() => OneLoginClient.create({ environment: { baseUrl: 'http://sim.example:3000' }, clientId: CLIENT_ID }), /https/);
});

test('create: argument errors are ERR_INVALID_ARGUMENT', () => {
  const bad = [
    undefined,
    {},
    { environment: 'integration' },
    { environment: 'staging', clientId: CLIENT_ID },
    { environment: 'integration', issuer: ISSUER, clientId: CLIENT_ID },
    { issuer: ISSUER, clientId: CLIENT_ID },
    { environment: 'integration', clientId: CLIENT_ID, fetch: 'no' },
    { environment: 'integration', clientId: CLIENT_ID, timeoutMs: 0 },
    { environment: 'integration', clientId: CLIENT_ID, cooldownMs: -1 },
    { environment: 'integration', clientId: CLIENT_ID, userAgent: '' },
  ];
  for (const options of bad) {
    assert.throws(
      () => OneLoginClient.create(options),
      (e) => e instanceof TokenError && e.code === 'ERR_INVALID_ARGUMENT',
      JSON.stringify(options),
    );
  }
  assert.throws(() => new OneLoginClient({}), (e) => e.code === 'ERR_INVALID_ARGUMENT');
});

test('sync verifiers: a clear error before hydrate(), synchronous afterwards', async () => {
  reset();
  const { c } = client();
  assert.throws(
    () => c.verifyIdTokenSync(idToken(ol.es), { nonce: NONCE, now: NOW }),
    (e) => e instanceof TokenError && e.code === 'ERR_INVALID_ARGUMENT' && /hydrate/.test(e.message),
  );
  assert.throws(() => c.verifyCoreIdentitySync(coreIdentityToken(ol.identity), { sub: SUB, now: NOW }), /hydrate/);
  await c.hydrate();
  assert.equal(c.verifyIdTokenSync(idToken(ol.es), { nonce: NONCE, now: NOW }).sub, SUB);
  assert.equal(c.verifyLogoutTokenSync(logoutToken(ol.es), { now: NOW }).jti, '30642c87-6167-413f-8ace-f1643c59e398');
  const { identity } = c.verifyCoreIdentitySync(coreIdentityToken(ol.identity), { sub: SUB, now: NOW });
  assert.equal(identity.currentName.fullName, 'Alice Jane Doe');
  assert.throws(() => c.verifyIdTokenSync(idToken(ol.es), { nonce: 'other', now: NOW }), (e) => e.claim === 'nonce');
});

test('sync verifiers refresh in the background when stale or on an unknown kid', async () => {
  reset({ jwks: { keys: [ol.es.jwk] }, cacheControl: 'max-age=60' });
  const { c, clock } = client();
  await c.hydrate();
  routes[JWKS_PATH].body = JSON.stringify({ keys: [ol.es.jwk, ol.rs.jwk] });
  clock.t += 31_000;
  assert.throws(() => c.verifyIdTokenSync(idToken(ol.rs), { nonce: NONCE, now: NOW }), (e) => e.code === 'ERR_JWKS_NO_MATCHING_KEY');
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(count(JWKS_PATH), 2);
  assert.equal(c.verifyIdTokenSync(idToken(ol.rs), { nonce: NONCE, now: NOW }).sub, SUB, 'the background fetch brought the key');
});

test('async verifiers: core identity (DID document) and logout token; options from create win', async () => {
  reset();
  const { c } = client();
  const result = await c.verifyCoreIdentity(coreIdentityToken(ol.identity), { sub: SUB, now: NOW, vtr: ['Cl.Cm.P2'] });
  assert.equal(result.identity.birthDate, '1970-01-01');
  assert.equal(count(DID_PATH), 1);
  assert.equal(seen.find((r) => r.path === DID_PATH).headers['user-agent'], `govuk-one-login-tokens/${VERSION}`);
  await rejectsWith(c.verifyCoreIdentity(coreIdentityToken(ol.identity), { sub: 'someone-else', now: NOW }), 'ERR_JWT_CLAIM_VALIDATION_FAILED');
  assert.equal((await c.verifyLogoutToken(logoutToken(ol.es), { now: NOW })).sub, SUB);
  // A per-call issuer or clientId cannot loosen what the client was created for: refused by name.
  await rejectsWith(
    c.verifyIdToken(idToken(ol.es, { iss: 'https://evil.example/' }), { nonce: NONCE, now: NOW, issuer: 'https://evil.example/' }),
    'ERR_INVALID_ARGUMENT',
  );
  await rejectsWith(c.verifyIdToken(42, { nonce: NONCE }), 'ERR_INVALID_ARGUMENT');
  await rejectsWith(c.verifyIdToken(idToken(ol.es), 'nonce'), 'ERR_INVALID_ARGUMENT');
  c.dispose();
  await c.verifyLogoutToken(logoutToken(ol.es), { now: NOW });
  assert.equal(count(JWKS_PATH), 2, 'dispose() dropped the cache; the next verify fetched again');
});

test('environment object (simulator on loopback): issuers and URLs derived, tokens verified', async () => {
  reset();
  const simIssuer = `${base}/`;
  const c = OneLoginClient.create({ environment: { baseUrl: base }, clientId: CLIENT_ID });
  assert.equal(c.endpoints.issuer, simIssuer);
  assert.equal(c.endpoints.identityIssuer, simIssuer);
  assert.equal((await c.verifyIdToken(idToken(ol.es, { iss: simIssuer }), { nonce: NONCE, now: NOW })).iss, simIssuer);
  assert.equal(count(JWKS_PATH), 1);
});

test('authorizationUrl and clientAssertion fill in the client ID and the environment URLs', async () => {
  const c = OneLoginClient.create({ environment: 'integration', clientId: CLIENT_ID });
  const url = new URL(
    c.authorizationUrl({ redirectUri: 'https://rp.example/cb', state: 's', nonce: NONCE, codeChallenge: pkceChallenge('b'.repeat(43)), vtr: 'Cl.Cm' }),
  );
  assert.equal(url.origin + url.pathname, 'https://oidc.integration.account.gov.uk/authorize');
  assert.equal(url.searchParams.get('client_id'), CLIENT_ID);
  assert.equal(url.searchParams.get('scope'), 'openid');
  const signer = OneLoginClient.create({ environment: 'integration', clientId: CLIENT_ID, privateKey: ol.rp.pem });
  for (const alg of ['RS256', 'PS256']) {
    const jwt = signer.clientAssertion({ alg, now: NOW });
    const { payload } = await jwtVerify(jwt, createPublicKey(ol.rp.privateKey), {
      algorithms: [alg],
      issuer: CLIENT_ID,
      subject: CLIENT_ID,
      audience: 'https://oidc.integration.account.gov.uk/token',
      currentDate: new Date(NOW * 1000),
    });
    assert.equal(payload.exp, NOW + 300);
  }
  // Without a key, or with the key passed per call (the client holds it), nothing is signed.
  assert.throws(() => c.clientAssertion({ alg: 'RS256' }), (e) => e.code === 'ERR_INVALID_ARGUMENT' && e.option === 'privateKey');
  assert.throws(() => signer.clientAssertion({ privateKey: ol.rp.pem }), (e) => e.code === 'ERR_INVALID_ARGUMENT');
});

// The service's own keys and observability (issue 19): the diagnostics channels during real
// sign-ins against the test OP (one message per HTTP exchange and per sign-in step, no secret in
// any message, nothing published without subscribers).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import diagnostics from 'node:diagnostics_channel';
import { OneLoginClient } from 'govuk-one-login-tokens';
import { startTestOp } from '../support/test-op.mjs';

const CLIENT_ID = 'keys-client';
const REDIRECT_URI = 'https://rp.example/callback';

let op;
let current;

before(async () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  current = { privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }), privateJwk: privateKey.export({ format: 'jwk' }), publicKey };
  op = await startTestOp({ clientId: CLIENT_ID, clientPublicJwk: publicKey.export({ format: 'jwk' }), redirectUris: [REDIRECT_URI] });
});
after(async () => {
  await op.close();
});

function client(extra = {}) {
  return OneLoginClient.create({
    environment: op.environment,
    clientId: CLIENT_ID,
    userAgent: 'keys-tests/1.0',
    redirectUri: REDIRECT_URI,
    privateKey: current.privatePem,
    timeoutMs: 1500,
    ...extra,
  });
}

const lastAssertion = () => new URLSearchParams(op.requests.filter((r) => r.path === '/token').at(-1).body).get('client_assertion');

test('diagnostics: one http message per exchange and one per sign-in step, none carrying a secret', async () => {
  const messages = { http: [], signIn: [] };
  const onHttp = (m) => messages.http.push(m);
  const onSignIn = (m) => messages.signIn.push(m);
  diagnostics.subscribe('govuk-one-login-tokens:http', onHttp);
  diagnostics.subscribe('govuk-one-login-tokens:sign-in', onSignIn);
  const secrets = [];
  let c;
  try {
    c = client();
    const { url, transaction } = await c.startSignIn({ requestObject: true });
    // The transaction's secrets (state, nonce, code verifier), not the URLs it also records.
    const transactionSecrets = Object.values(transaction).filter((v) => typeof v === 'string' && v.length >= 8 && !/^https?:\/\//.test(v));
    assert.ok(transactionSecrets.length >= 3, Object.keys(transaction).join());
    secrets.push(...transactionSecrets, new URL(url).searchParams.get('request'));
    const callback = await op.authorize(url);
    secrets.push(new URL(callback).searchParams.get('code'));
    const signedIn = await c.completeSignIn(callback, transaction);
    secrets.push(signedIn.idToken, signedIn.accessToken, signedIn.sub, lastAssertion(), current.privatePem);
    // Refusals: a replayed code, a state mismatch, an unknown option.
    await assert.rejects(c.completeSignIn(callback, transaction));
    const otherState = new URL(callback);
    otherState.searchParams.set('state', 'another-state-value');
    await assert.rejects(c.completeSignIn(otherState.href, transaction));
    assert.throws(() => c.startSignIn({ redirectUrl: REDIRECT_URI }));
  } finally {
    diagnostics.unsubscribe('govuk-one-login-tokens:http', onHttp);
    diagnostics.unsubscribe('govuk-one-login-tokens:sign-in', onSignIn);
  }
  const tokenExchange = messages.http.find((m) => m.url.endsWith('/token'));
  assert.deepEqual(Object.keys(tokenExchange).sort(), ['durationMs', 'method', 'status', 'url']);
  assert.equal(tokenExchange.method, 'POST');
  assert.equal(tokenExchange.status, 200);
  assert.ok(messages.http.some((m) => m.url.endsWith('/userinfo')));
  const outcomes = messages.signIn.map((m) => `${m.operation}:${m.outcome}:${m.code ?? ''}`);
  assert.ok(outcomes.includes('startSignIn:ok:'), outcomes.join());
  assert.ok(outcomes.includes('completeSignIn:ok:'), outcomes.join());
  assert.ok(outcomes.includes('completeSignIn:error:ERR_OAUTH_STATE_MISMATCH'), outcomes.join());
  assert.ok(outcomes.includes('completeSignIn:error:ERR_OAUTH_TOKEN_ERROR'), outcomes.join());
  assert.ok(outcomes.includes('startSignIn:error:ERR_INVALID_ARGUMENT'), outcomes.join());
  const text = JSON.stringify(messages);
  for (const secret of secrets) {
    assert.ok(typeof secret === 'string' && secret.length >= 8);
    for (const piece of [secret, secret.slice(0, 16), secret.slice(-16)]) assert.ok(!text.includes(piece), `a message carries a secret: ${piece}`);
  }
  // Nothing is published (or measured) without subscribers.
  const before = messages.http.length;
  const quiet = client();
  await quiet.discovery();
  assert.equal(messages.http.length, before);
  quiet.dispose();
  c.dispose();
});

test('One Login\'s current contract: offline_access refused, requestObject by default, the suggested User-Agent', async () => {
  const c = client();
  assert.throws(() => c.startSignIn({ scope: 'openid offline_access' }), (error) => error.code === 'ERR_INVALID_ARGUMENT' && error.option === 'scope' && /March 2024/.test(error.message));
  const jar = client({ requestObject: true });
  assert.ok(new URL(jar.startSignIn({}).url).searchParams.has('request'));
  assert.ok(!new URL(jar.startSignIn({ requestObject: false }).url).searchParams.has('request'));
  assert.ok(!new URL(c.startSignIn({}).url).searchParams.has('request'));
  // The default signs with the private key: a client without one is refused at create().
  assert.throws(
    () => OneLoginClient.create({ environment: op.environment, clientId: CLIENT_ID, clientSecret: 'a-client-secret', requestObject: true }),
    (error) => error.code === 'ERR_INVALID_ARGUMENT' && error.option === 'requestObject',
  );
  const from = op.requests.length;
  const named = client({ userAgent: undefined, serviceName: 'my-service/1.2', serviceUrl: 'https://my-service.gov.uk' });
  await named.discovery();
  const ua = op.requests.slice(from).find((r) => r.path.includes('openid-configuration'))?.headers?.['user-agent'];
  assert.match(ua ?? '', /^my-service\/1\.2 \(https:\/\/my-service\.gov\.uk\) govuk-one-login-tokens\/\d+\.\d+\.\d+$/);
  assert.throws(() => client({ userAgent: undefined, serviceName: 'my service' }), (error) => error.option === 'serviceName');
  assert.throws(() => client({ serviceName: 'my-service' }), (error) => error.option === 'userAgent');
  assert.throws(() => client({ userAgent: undefined, serviceUrl: 'https://my-service.gov.uk' }), (error) => error.option === 'serviceName');
  for (const x of [c, jar, named]) x.dispose();
});

test('publicJwks(): the public JWK with the RFC 7638 thumbprint as kid, never a private member; every assertion and request object carries it', async () => {
  const { createHash } = await import('node:crypto');
  const { publicKey: nextPublic } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const nextPem = nextPublic.export({ type: 'spki', format: 'pem' });
  const c = client({ additionalPublicKeys: [nextPem] });
  const { keys } = await c.publicJwks();
  assert.equal(keys.length, 2);
  for (const key of keys) {
    assert.deepEqual(Object.keys(key).sort(), ['alg', 'e', 'kid', 'kty', 'n', 'use']);
    assert.equal(key.use, 'sig');
    assert.equal(key.alg, 'RS256');
  }
  // The thumbprint Node computes for the same key (its JWK export, hashed per RFC 7638).
  const { n, e } = current.publicKey.export({ format: 'jwk' });
  const thumbprint = createHash('sha256').update(JSON.stringify({ e, kty: 'RSA', n })).digest('base64url');
  assert.equal(keys[0].kid, thumbprint);
  assert.equal(keys[0].n, n);
  assert.equal(keys[1].n, nextPublic.export({ format: 'jwk' }).n);
  assert.notEqual(keys[1].kid, keys[0].kid);
  // A sign-in: the request object and the client assertion name the published kid.
  const header = (jwt) => JSON.parse(Buffer.from(jwt.split('.')[0], 'base64url'));
  const { url, transaction } = c.startSignIn({ requestObject: true });
  assert.equal(header(new URL(url).searchParams.get('request')).kid, thumbprint);
  const signedIn = await c.completeSignIn(await op.authorize(url), transaction);
  assert.equal(signedIn.sub, op.sub);
  assert.equal(header(lastAssertion()).kid, thumbprint);
  c.dispose();
  // The same key twice, a private key among the public ones, a non-array, a client without a key: refused at create().
  const currentPublicPem = current.publicKey.export({ type: 'spki', format: 'pem' });
  for (const bad of [[currentPublicPem], [current.privatePem], currentPublicPem, [current.privateJwk], [42]]) {
    assert.throws(
      () => client({ additionalPublicKeys: bad }),
      (error) => error.code === 'ERR_INVALID_ARGUMENT' && error.option === 'additionalPublicKeys',
      JSON.stringify(bad).slice(0, 60),
    );
  }
  assert.throws(
    () => OneLoginClient.create({ environment: op.environment, clientId: CLIENT_ID, clientSecret: 'a-client-secret', additionalPublicKeys: [nextPem] }),
    (error) => error.option === 'additionalPublicKeys',
  );
});

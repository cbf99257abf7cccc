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

// --- issue 19 part 1: keys held outside the core, against a JWKS URL serving publicJwks() -------
// A second test OP reads the service's keys from a JWKS URL (the simulator's publicKeySource
// JWKS): a 127.0.0.1 server answering with `await served.publicJwks()`, so every sign-in below is
// accepted only if the kid in the assertion and the request object is listed there and the
// signature verifies under that key.
import { createServer } from 'node:http';
import { webcrypto, sign as nodeSign, createHash, createPublicKey, verify as nodeVerify, constants as cryptoConstants } from 'node:crypto';
import { TokenError } from 'govuk-one-login-tokens';
import { AuthorizeRejected } from '../support/test-op.mjs';

let jwksOp;
let jwksServer;
let jwksUrl;
let served; // the client whose publicJwks() the JWKS URL answers with
let jwksRequests = 0;
const pairs = {};

const pemPair = () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { privateKey, publicKey, privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }), publicPem: publicKey.export({ type: 'spki', format: 'pem' }) };
};

before(async () => {
  pairs.a = pemPair();
  pairs.b = pemPair();
  jwksServer = createServer(async (req, res) => {
    jwksRequests += 1;
    try {
      const body = JSON.stringify(await served.publicJwks());
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    } catch (error) {
      res.writeHead(500).end(String(error?.code));
    }
  });
  await new Promise((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
  jwksUrl = `http://127.0.0.1:${jwksServer.address().port}/.well-known/jwks.json`;
  jwksOp = await startTestOp({ clientId: CLIENT_ID, clientPublicJwk: pairs.a.publicKey.export({ format: 'jwk' }), redirectUris: [REDIRECT_URI] });
  await jwksOp.config({ clientConfiguration: { publicKeySource: 'JWKS', jwksUrl } });
});
after(async () => {
  await jwksOp.close();
  await new Promise((resolve) => jwksServer.close(resolve));
});

/** A client of the JWKS-reading OP. */
function jwksClient(extra = {}) {
  return OneLoginClient.create({
    environment: jwksOp.environment,
    clientId: CLIENT_ID,
    userAgent: 'keys-tests/1.0',
    redirectUri: REDIRECT_URI,
    privateKey: pairs.a.privatePem,
    timeoutMs: 1500,
    ...extra,
  });
}

/** The OP forgets the client keys it fetched (its cache is reset when the key source is configured). */
const forgetClientKeys = () => jwksOp.config({ clientConfiguration: { jwksUrl } });

/** A whole sign-in against the JWKS-reading OP (a request object unless told otherwise). */
async function jwksSignIn(c, options = { requestObject: true }) {
  const { url, transaction } = await c.startSignIn(options);
  const callback = await jwksOp.authorize(url);
  return c.completeSignIn(callback, transaction);
}

const headerOf = (jwt) => JSON.parse(Buffer.from(jwt.split('.')[0], 'base64url'));
const tokenRequests = () => jwksOp.requests.filter((r) => r.path === '/token');
const lastJwksAssertion = () => new URLSearchParams(tokenRequests().at(-1).body).get('client_assertion');

/** A KMS-shaped signer around a Node key: the private key stays in the closure. */
function nodeSigner({ privateKey, publicKey }, sign) {
  return {
    publicJwk: publicKey.export({ format: 'jwk' }),
    sign: sign ?? (async (data) => nodeSign('sha256', data, privateKey)),
  };
}

async function webCryptoPair(name, { hash = 'SHA-256', modulusLength = 2048, usages = ['sign', 'verify'] } = {}) {
  return webcrypto.subtle.generateKey({ name, modulusLength, publicExponent: new Uint8Array([1, 0, 1]), hash }, false, usages);
}

test('sign-ins against a JWKS URL serving publicJwks(): a PEM, a non-extractable CryptoKeyPair (RS256, PS256) and a signer', async (t) => {
  const kinds = [
    ['PEM', async () => ({ privateKey: pairs.a.privatePem })],
    ['CryptoKeyPair RS256', async () => ({ privateKey: await webCryptoPair('RSASSA-PKCS1-v1_5') })],
    ['CryptoKeyPair PS256', async () => ({ privateKey: await webCryptoPair('RSA-PSS'), clientAssertionAlg: 'PS256' })],
    ['signer', async () => ({ privateKey: nodeSigner(pairs.b) })],
  ];
  for (const [kind, options] of kinds) {
    const extra = await options();
    if (kind.startsWith('CryptoKeyPair')) assert.equal(extra.privateKey.privateKey.extractable, false);
    const c = jwksClient(extra);
    served = c;
    await forgetClientKeys();
    const { keys } = await c.publicJwks();
    assert.equal(keys.length, 1);
    assert.deepEqual(Object.keys(keys[0]).sort(), ['alg', 'e', 'kid', 'kty', 'n', 'use']);
    const alg = extra.clientAssertionAlg ?? 'RS256';
    assert.equal(keys[0].alg, alg);
    // The kid is the RFC 7638 thumbprint of the key, whichever form holds it.
    assert.equal(keys[0].kid, createHash('sha256').update(JSON.stringify({ e: keys[0].e, kty: 'RSA', n: keys[0].n })).digest('base64url'));
    // startSignIn is a promise for a key held outside (the request object's signature is).
    const started = c.startSignIn({ requestObject: true });
    assert.equal(typeof started.then, extra.privateKey === pairs.a.privatePem ? 'undefined' : 'function', kind);
    const { url, transaction } = await started;
    const jar = new URL(url).searchParams.get('request');
    assert.deepEqual(headerOf(jar), { alg, kid: keys[0].kid });
    const signedIn = await c.completeSignIn(await jwksOp.authorize(url), transaction);
    assert.equal(signedIn.sub, jwksOp.sub);
    assert.deepEqual(headerOf(lastJwksAssertion()), { alg, typ: 'JWT', kid: keys[0].kid });
    // A second, timed sign-in (documents cached): start, the OP's redirect, completion.
    const from = performance.now();
    assert.equal((await jwksSignIn(c)).sub, jwksOp.sub);
    const ms = performance.now() - from;
    // Signing alone: 20 client assertions.
    const began = performance.now();
    for (let i = 0; i < 20; i += 1) await c.clientAssertion({});
    t.diagnostic(`${kind}: a whole sign-in (request object, token, userinfo) ${ms.toFixed(1)} ms; clientAssertion ${((performance.now() - began) / 20).toFixed(2)} ms each`);
    c.dispose();
  }
});

test('rotation: the OP accepts the new key while the old one is listed, and refuses the old one once it is dropped', async () => {
  const old = jwksClient({ privateKey: pairs.a.privatePem });
  // 1. Publish the new key beside the old one (the old key still signs).
  served = jwksClient({ privateKey: pairs.a.privatePem, additionalPublicKeys: [pairs.b.publicPem] });
  await forgetClientKeys();
  assert.equal((await served.publicJwks()).keys.length, 2);
  assert.equal((await jwksSignIn(old)).sub, jwksOp.sub);
  // 2. Switch signing to the new key (here a signer), the old one still listed: accepted.
  const rotated = jwksClient({ privateKey: nodeSigner(pairs.b), additionalPublicKeys: [pairs.a.publicPem] });
  assert.equal((await jwksSignIn(rotated)).sub, jwksOp.sub);
  assert.equal(headerOf(lastJwksAssertion()).kid, (await rotated.publicJwks()).keys[0].kid);
  // The old key's assertions are still accepted while it is listed.
  assert.equal((await jwksSignIn(old, {})).sub, jwksOp.sub);
  // 3. Remove the old key; once the OP's cache has moved on, the old key is refused.
  served = rotated;
  served = jwksClient({ privateKey: nodeSigner(pairs.b) });
  await forgetClientKeys();
  assert.equal((await served.publicJwks()).keys.length, 1);
  await assert.rejects(jwksSignIn(old, {}), (error) => error instanceof TokenError && error.code === 'ERR_OAUTH_TOKEN_ERROR');
  await assert.rejects(jwksSignIn(old), (error) => error instanceof AuthorizeRejected);
  assert.equal((await jwksSignIn(rotated)).sub, jwksOp.sub);
  for (const c of [old, rotated, served]) c.dispose();
});

test('request objects signed by a signer and by a CryptoKeyPair are accepted; clientAssertion() is a promise for them', async () => {
  const pair = await webCryptoPair('RSA-PSS');
  for (const extra of [{ privateKey: nodeSigner(pairs.b) }, { privateKey: pair, clientAssertionAlg: 'PS256' }]) {
    const c = jwksClient({ ...extra, requestObject: true });
    served = c;
    await forgetClientKeys();
    const { keys } = await c.publicJwks();
    const { url, transaction } = await c.startSignIn({ vtr: ['Cl.Cm.P2'], claims: ['coreIdentityJWT'] });
    const jar = new URL(url).searchParams.get('request');
    assert.ok(jar, 'the client default sends a request object');
    // The request object verifies under the published key with its alg (PSS salt = hash length).
    const key = createPublicKey({ key: keys[0], format: 'jwk' });
    const [h, p, s] = jar.split('.');
    const pss = keys[0].alg === 'PS256' ? { padding: cryptoConstants.RSA_PKCS1_PSS_PADDING, saltLength: 32 } : {};
    assert.ok(nodeVerify('sha256', Buffer.from(`${h}.${p}`), { key, ...pss }, Buffer.from(s, 'base64url')));
    const signedIn = await c.completeSignIn(await jwksOp.authorize(url), transaction, { vtr: ['Cl.Cm.P2'] });
    assert.equal(signedIn.sub, jwksOp.sub);
    assert.ok(signedIn.identity !== null);
    // clientAssertion(): a promise; an alg the signer does not make is refused.
    const assertion = c.clientAssertion({});
    assert.equal(typeof assertion.then, 'function');
    assert.equal(headerOf(await assertion).kid, keys[0].kid);
    await assert.rejects(c.clientAssertion({ alg: 'RS512' }), (error) => error.code === 'ERR_INVALID_ARGUMENT' && error.option === 'alg');
    c.dispose();
  }
});

test('a signer that throws, hangs, answers no bytes, the wrong length or a wrong signature: ERR_SIGNER_FAILED, nothing sent to /token', async () => {
  served = jwksClient({ privateKey: nodeSigner(pairs.b) });
  await forgetClientKeys();
  const messages = [];
  const onSignIn = (m) => messages.push(m);
  diagnostics.subscribe('govuk-one-login-tokens:sign-in', onSignIn);
  const cases = [
    ['threw', async () => { throw new Error('AccessDeniedException: arn:aws:kms:eu-west-2:123456789012:key/secret-key-id'); }],
    ['threw', () => { throw new TypeError('not async at all'); }],
    ['timeout', () => new Promise(() => {})],
    ['not_bytes', async (data) => nodeSign('sha256', data, pairs.b.privateKey).toString('base64')],
    ['not_bytes', async (data) => ({ Signature: nodeSign('sha256', data, pairs.b.privateKey) })],
    ['wrong_length', async (data) => Buffer.from(nodeSign('sha256', data, pairs.b.privateKey).toString('base64url'))],
    ['wrong_length', async () => new Uint8Array(0)],
    ['bad_signature', async (data) => nodeSign('sha256', data, pairs.a.privateKey)],
    ['bad_signature', async (data) => nodeSign('sha512', data, pairs.b.privateKey)],
    ['bad_signature', async (data) => nodeSign('sha256', data, { key: pairs.b.privateKey, padding: cryptoConstants.RSA_PKCS1_PSS_PADDING })],
    ['bad_signature', async () => new Uint8Array(256).fill(7).buffer],
  ];
  try {
    for (const [reason, sign] of cases) {
      const c = jwksClient({ privateKey: nodeSigner(pairs.b, sign), timeoutMs: 200 });
      const refused = (error) => {
        assert.ok(error instanceof TokenError, String(error));
        assert.equal(error.code, 'ERR_SIGNER_FAILED', error.message);
        assert.equal(error.reason, reason, error.message);
        assert.ok(!error.message.includes('arn:aws'), error.message);
        return true;
      };
      // The request object is refused before the browser is sent anywhere...
      const from = performance.now();
      await assert.rejects(c.startSignIn({ requestObject: true }), refused);
      if (reason === 'timeout') assert.ok(performance.now() - from < 1000, 'the deadline is the client\'s timeoutMs');
      // ...and the client assertion before the token endpoint is called.
      const { url, transaction } = await c.startSignIn({});
      const callback = await jwksOp.authorize(url);
      const before = tokenRequests().length;
      await assert.rejects(c.completeSignIn(callback, transaction), refused);
      assert.equal(tokenRequests().length, before, `${reason}: nothing was sent to /token`);
      // The code is still good: a working client of the same registration completes it.
      assert.equal((await served.completeSignIn(callback, transaction)).sub, jwksOp.sub);
      c.dispose();
    }
  } finally {
    diagnostics.unsubscribe('govuk-one-login-tokens:sign-in', onSignIn);
  }
  // Every failure is on the sign-in channel with its code and reason, and no key material.
  for (const operation of ['startSignIn', 'completeSignIn']) {
    const reasons = new Set(messages.filter((m) => m.operation === operation && m.code === 'ERR_SIGNER_FAILED').map((m) => m.reason));
    assert.deepEqual([...reasons].sort(), ['bad_signature', 'not_bytes', 'threw', 'timeout', 'wrong_length'], operation);
  }
  const text = JSON.stringify(messages);
  const { n } = pairs.b.publicKey.export({ format: 'jwk' });
  for (const secret of [n.slice(0, 24), 'arn:aws', pairs.b.privatePem.slice(40, 80)]) assert.ok(!text.includes(secret), secret);
  served.dispose();
});

test('create() refuses a CryptoKeyPair or a signer that cannot sign for the client, naming what is wrong', async () => {
  const invalid = (option) => (error) => error instanceof TokenError && error.code === 'ERR_INVALID_ARGUMENT' && error.option === option;
  // A CryptoKeyPair of another algorithm, hash or size than clientAssertionAlg.
  const pss = await webCryptoPair('RSA-PSS');
  assert.throws(() => jwksClient({ privateKey: pss }), (e) => invalid('privateKey')(e) && /RSA-PSS/.test(e.message) && /RS256/.test(e.message));
  const rs384 = await webCryptoPair('RSASSA-PKCS1-v1_5', { hash: 'SHA-384' });
  assert.throws(() => jwksClient({ privateKey: rs384 }), invalid('privateKey'));
  assert.doesNotThrow(() => jwksClient({ privateKey: rs384, clientAssertionAlg: 'RS384' }).dispose());
  const small = await webCryptoPair('RSASSA-PKCS1-v1_5', { modulusLength: 1024 });
  assert.throws(() => jwksClient({ privateKey: small }), (e) => invalid('privateKey')(e) && /2048/.test(e.message));
  const ec = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
  assert.throws(() => jwksClient({ privateKey: ec }), invalid('privateKey'));
  // A signer without sign, without publicJwk, or with a public key that is not one.
  const good = nodeSigner(pairs.b);
  assert.throws(() => jwksClient({ privateKey: { publicJwk: good.publicJwk } }), invalid('privateKey.sign'));
  assert.throws(() => jwksClient({ privateKey: { publicJwk: good.publicJwk, sign: 'KMS' } }), invalid('privateKey.sign'));
  assert.throws(() => jwksClient({ privateKey: { sign: good.sign } }), invalid('privateKey.publicJwk'));
  assert.throws(() => jwksClient({ privateKey: { ...good, publicJwk: pairs.b.privateKey.export({ format: 'jwk' }) } }), invalid('privateKey.publicJwk'));
  const ecJwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
  assert.throws(() => jwksClient({ privateKey: { ...good, publicJwk: ecJwk } }), invalid('privateKey.publicJwk'));
  const smallJwk = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' });
  assert.throws(() => jwksClient({ privateKey: { ...good, publicJwk: smallJwk } }), invalid('privateKey.publicJwk'));
  assert.throws(() => jwksClient({ privateKey: { ...good, publicJwk: { ...good.publicJwk, alg: 'PS256' } } }), (e) => invalid('privateKey.publicJwk')(e) && /clientAssertionAlg/.test(e.message));
  // The same key listed again beside it.
  assert.throws(() => jwksClient({ privateKey: good, additionalPublicKeys: [pairs.b.publicPem] }), invalid('additionalPublicKeys'));
  // A signer's key with a kid keeps it; the client's kid replaces it everywhere.
  const named = jwksClient({ privateKey: { ...good, publicJwk: { ...good.publicJwk, kid: 'kms-2026-12' } } });
  assert.equal((await named.publicJwks()).keys[0].kid, 'kms-2026-12');
  const renamed = jwksClient({ privateKey: good, kid: 'service-key-7' });
  assert.equal((await renamed.publicJwks()).keys[0].kid, 'service-key-7');
  assert.equal(headerOf(await renamed.clientAssertion({})).kid, 'service-key-7');
  for (const c of [named, renamed]) c.dispose();
});

// examples/kms-signer.mjs: a KMS-shaped signer (a local stand-in with AWS KMS's calls), end to end.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));
const PACKED = fileURLToPath(new URL('../node_modules/govuk-one-login-tokens', import.meta.url));

test('examples/kms-signer.mjs: a sign-in whose assertion and request object a KMS stand-in signs, accepted by the OP reading publicJwks()', async () => {
  // The example imports the package by name: examples/node_modules points at the packed copy.
  const link = `${EXAMPLES}node_modules/govuk-one-login-tokens`;
  if (!existsSync(link)) {
    mkdirSync(`${EXAMPLES}node_modules`, { recursive: true });
    symlinkSync(PACKED, link, 'dir');
  }
  const { LocalKms, oneLoginWithKms } = await import(new URL('../../examples/kms-signer.mjs', import.meta.url));
  const kms = new LocalKms();
  const { KeyMetadata } = await kms.createKey({ KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' });
  const c = await oneLoginWithKms({ kms, keyId: KeyMetadata.KeyId, environment: jwksOp.environment, clientId: CLIENT_ID, redirectUri: REDIRECT_URI, requestObject: true });
  served = c;
  await forgetClientKeys();
  const signedIn = await jwksSignIn(c, {});
  assert.equal(signedIn.sub, jwksOp.sub);
  // Two signatures, both the KMS's: the request object and the client assertion.
  assert.equal(kms.signatures, 2);
  const { keys } = await c.publicJwks();
  assert.equal(headerOf(lastJwksAssertion()).kid, keys[0].kid);
  // A re-authentication's request object (it embeds the ID token) is signed by the KMS too.
  const again = await c.startSignIn({ idTokenHint: signedIn.idToken, prompt: 'login' });
  assert.equal(headerOf(new URL(again.url).searchParams.get('request')).kid, keys[0].kid);
  assert.equal(kms.signatures, 3);
  c.dispose();
  // Run as a user would: it prints the JWKS to publish and a sign-in URL with a request object.
  const child = spawn(process.execPath, [`${EXAMPLES}kms-signer.mjs`], {
    env: { ...process.env, ONE_LOGIN_ENVIRONMENT: JSON.stringify(jwksOp.environment), ONE_LOGIN_CLIENT_ID: CLIENT_ID, ONE_LOGIN_REDIRECT_URI: REDIRECT_URI },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  const code = await new Promise((resolve) => child.once('exit', resolve));
  assert.equal(code, 0);
  const [jwks, url] = out.trim().split('\n');
  assert.equal(JSON.parse(jwks).keys.length, 1);
  assert.ok(new URL(url).searchParams.has('request'));
});

// The Express adapter with a signer: its start-up check is synchronous for every key, and a whole
// sign-in through its routes has the request object and the client assertion signed outside.
import express from 'express';
import session from 'express-session';
import { oneLoginExpress } from 'govuk-one-login-tokens/express';

test('the Express adapter signs in with a signer: request object and assertion signed outside, accepted by the OP', async () => {
  const c = jwksClient({ privateKey: nodeSigner(pairs.b), requestObject: true });
  served = c;
  await forgetClientKeys();
  const app = express();
  app.use(session({ secret: 'keys-test-session-secret', resave: false, saveUninitialized: false }));
  const { router, requireSignIn } = oneLoginExpress(c, { signInOptions: { scope: ['openid', 'email'] } });
  app.use(router);
  app.get('/account', requireSignIn(), (req, res) => res.send(`signed in as ${req.oneLogin.sub}`));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  try {
    let cookie = '';
    const get = async (url) => {
      const reply = await fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });
      const set = reply.headers.get('set-cookie');
      if (set) cookie = set.split(';')[0];
      return reply;
    };
    const toSignIn = await get(`${base}/account`);
    assert.equal(toSignIn.status, 302);
    const start = await get(new URL(toSignIn.headers.get('location'), base).href);
    assert.equal(start.status, 302);
    const authorize = start.headers.get('location');
    const jar = new URL(authorize).searchParams.get('request');
    assert.equal(headerOf(jar).kid, (await c.publicJwks()).keys[0].kid);
    const callback = new URL(await jwksOp.authorize(authorize));
    const before = tokenRequests().length;
    const done = await get(`${base}${callback.pathname}${callback.search}`);
    assert.equal(done.status, 302, await done.text());
    assert.equal(tokenRequests().length, before + 1);
    const account = await get(new URL(done.headers.get('location'), base).href);
    assert.equal(await account.text(), `signed in as ${jwksOp.sub}`);
  } finally {
    await new Promise((resolve) => server.close(resolve));
    c.dispose();
  }
});

test('a CryptoKeyPair whose public key cannot be exported, or is not its private key\'s: refused at first use, nothing sent', async () => {
  const pair = await webCryptoPair('RSASSA-PKCS1-v1_5');
  const algorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  const jwk = await webcrypto.subtle.exportKey('jwk', pair.publicKey);
  // An imported public key can be non-extractable: the JWKS cannot be made from it.
  const hidden = await webcrypto.subtle.importKey('jwk', jwk, algorithm, false, ['verify']);
  const c = jwksClient({ privateKey: { privateKey: pair.privateKey, publicKey: hidden } });
  await assert.rejects(c.publicJwks(), (error) => error.code === 'ERR_INVALID_ARGUMENT' && error.option === 'privateKey' && /extractable/.test(error.message));
  await assert.rejects(c.startSignIn({}), (error) => error.code === 'ERR_INVALID_ARGUMENT');
  c.dispose();
  // Another pair's public key: the first signature does not verify under it.
  const other = await webCryptoPair('RSASSA-PKCS1-v1_5');
  const mixed = jwksClient({ privateKey: { privateKey: pair.privateKey, publicKey: other.publicKey } });
  served = mixed;
  const { url, transaction } = await mixed.startSignIn({});
  const before = tokenRequests().length;
  await assert.rejects(mixed.completeSignIn(await jwksOp.authorize(url), transaction), (error) => error.code === 'ERR_SIGNER_FAILED' && error.reason === 'bad_signature');
  await assert.rejects(mixed.startSignIn({ requestObject: true }), (error) => error.code === 'ERR_SIGNER_FAILED' && error.reason === 'bad_signature');
  assert.equal(tokenRequests().length, before);
  mixed.dispose();
});

// Happy paths of the public API, with keys and tokens generated here (ES256, RS256 2048 and 4096).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import init, {
  createPkce,
  pkceChallenge,
  pkceMatches,
  randomState,
  randomNonce,
  decodeJwt,
  KeySet,
  verifyJwt,
  verifyJwtWithKeySet,
  initSync,
  TokenError,
} from 'govuk-one-login-tokens';
import { makeKey, jwksOf, claims, signJwt, verifyOpts, NOW, ISSUER, AUDIENCE } from './fixtures.mjs';

const B64URL = /^[A-Za-z0-9_-]+$/;
let es;
let rs2048;
let rs4096;
before(async () => {
  [es, rs2048, rs4096] = await Promise.all([
    makeKey('ES256'),
    makeKey('RS256', { bits: 2048 }),
    makeKey('RS256', { bits: 4096 }),
  ]);
});

test('init() resolves and is a no-op in Node (already instantiated on import)', async () => {
  assert.equal(typeof init, 'function');
  assert.equal(await init(), undefined);
  assert.equal(initSync(new Uint8Array([0])), undefined, 'initSync is a no-op once loaded');
});

test('createPkce: shape, lengths, S256, uniqueness', () => {
  const seen = new Set();
  for (let i = 0; i < 200; i += 1) {
    const pkce = createPkce();
    assert.deepEqual(Object.keys(pkce).sort(), ['codeChallenge', 'codeChallengeMethod', 'codeVerifier']);
    assert.equal(pkce.codeChallengeMethod, 'S256');
    assert.equal(pkce.codeVerifier.length, 43);
    assert.equal(pkce.codeChallenge.length, 43);
    assert.match(pkce.codeVerifier, B64URL);
    assert.match(pkce.codeChallenge, B64URL);
    assert.equal(pkceChallenge(pkce.codeVerifier), pkce.codeChallenge);
    assert.equal(pkceMatches(pkce.codeVerifier, pkce.codeChallenge), true);
    assert.ok(!seen.has(pkce.codeVerifier));
    seen.add(pkce.codeVerifier);
  }
});

test('randomState / randomNonce: >= 128 bits of base64url, unique', () => {
  for (const fn of [randomState, randomNonce]) {
    const values = new Set(Array.from({ length: 200 }, () => fn()));
    assert.equal(values.size, 200);
    for (const v of values) {
      assert.match(v, B64URL);
      assert.ok(v.length >= 22, `${fn.name} too short: ${v}`); // 22 base64url chars = 132 bits
    }
  }
});

for (const name of ['ES256', 'RS256-2048', 'RS256-4096']) {
  const key = () => ({ ES256: es, 'RS256-2048': rs2048, 'RS256-4096': rs4096 })[name];

  test(`${name}: decodeJwt returns header, payload and the raw signature without verifying`, async () => {
    const token = await signJwt(key(), claims({ nonce: 'n-1' }));
    const decoded = decodeJwt(token);
    assert.deepEqual(Object.keys(decoded).sort(), ['header', 'payload', 'signature']);
    assert.deepEqual(decoded.header, { alg: key().alg, kid: key().kid, typ: 'JWT' });
    assert.deepEqual(decoded.payload, claims({ nonce: 'n-1' }));
    assert.equal(decoded.signature, token.split('.')[2]);
    // No verification: an expired token signed by nobody we know still decodes.
    assert.equal(decodeJwt(await signJwt(key(), claims({ exp: 1 }))).payload.exp, 1);
  });

  test(`${name}: verifyJwt with a JWKS object, a JSON string and a KeySet`, async () => {
    const token = await signJwt(key(), claims({ nonce: 'n-2' }));
    const jwks = jwksOf(es, rs2048, rs4096);
    const expected = claims({ nonce: 'n-2' });
    assert.deepEqual(verifyJwt(token, { jwks, ...verifyOpts() }), expected);
    assert.deepEqual(verifyJwt(token, { jwks: JSON.stringify(jwks), ...verifyOpts() }), expected);
    const keys = new KeySet(jwks);
    try {
      assert.equal(keys.size, 3);
      assert.deepEqual(keys.kids, [es.kid, rs2048.kid, rs4096.kid]);
      assert.deepEqual(keys.rejected, []);
      assert.deepEqual(verifyJwt(token, { jwks: keys, ...verifyOpts() }), expected);
      assert.deepEqual(verifyJwtWithKeySet(token, keys, verifyOpts({ algorithms: [key().alg] })), expected);
      // Without issuer/audience expectations the signature and time claims still apply.
      assert.deepEqual(verifyJwtWithKeySet(token, keys, { now: NOW }), expected);
    } finally {
      keys.free();
    }
  });
}

test('KeySet reuse: one set, many tokens and algorithms, then free()', async () => {
  const keys = new KeySet(JSON.stringify(jwksOf(es, rs2048)));
  try {
    for (let i = 0; i < 20; i += 1) {
      const key = i % 2 ? es : rs2048;
      const token = await signJwt(key, claims({ jti: `t-${i}` }));
      assert.equal(verifyJwt(token, { jwks: keys, ...verifyOpts() }).jti, `t-${i}`);
    }
  } finally {
    keys.free();
  }
});

test('KeySet reports unusable keys but keeps the usable ones', () => {
  const keys = new KeySet({
    keys: [es.jwk, { kty: 'oct', kid: 'hmac', k: 'c2VjcmV0' }, { kty: 'OKP', crv: 'Ed25519', kid: 'ed', x: 'AAAA' }],
  });
  try {
    assert.equal(keys.size, 1);
    assert.deepEqual(keys.rejected.map((r) => r.kid).sort(), ['ed', 'hmac']);
    for (const r of keys.rejected) {
      assert.match(r.code, /^ERR_/);
      assert.equal(typeof r.message, 'string');
    }
  } finally {
    keys.free();
  }
});

test('verify options: audience in an array, clock tolerance, now, requireKid, maxTokenSize', async () => {
  const token = await signJwt(es, claims({ aud: ['other', AUDIENCE] }));
  const jwks = jwksOf(es);
  assert.deepEqual(verifyJwt(token, { jwks, issuer: ISSUER, audience: AUDIENCE, now: NOW }).aud, ['other', AUDIENCE]);
  // exp is NOW + 120: valid up to exp + tolerance.
  assert.ok(verifyJwt(token, { jwks, now: NOW + 120 + 29 }));
  assert.throws(() => verifyJwt(token, { jwks, now: NOW + 120 + 31 }), { code: 'ERR_JWT_EXPIRED' });
  assert.ok(verifyJwt(token, { jwks, now: NOW + 150, clockTolerance: 60 }));
  assert.ok(verifyJwt(token, { jwks, now: NOW, requireKid: true }));
  assert.throws(() => verifyJwt(token, { jwks, now: NOW, maxTokenSize: 100 }), TokenError);
  assert.ok(verifyJwt(token, { jwks, now: NOW, maxTokenSize: token.length }));
  assert.throws(() => decodeJwt(token, { maxTokenSize: 100 }), TokenError);
});

test('verifyJwt without `now` uses the host clock', async () => {
  const now = Math.floor(Date.now() / 1000);
  const fresh = await signJwt(es, claims({ iat: now, nbf: now, exp: now + 60 }));
  assert.ok(verifyJwt(fresh, { jwks: jwksOf(es), issuer: ISSUER, audience: AUDIENCE }));
  const old = await signJwt(es, claims({ iat: now - 600, nbf: now - 600, exp: now - 300 }));
  assert.throws(() => verifyJwt(old, { jwks: jwksOf(es) }), { code: 'ERR_JWT_EXPIRED' });
});

// Every error code, provoked from JavaScript: each is a TokenError with the exact code (and
// claim/reason where they apply).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, createSign } from 'node:crypto';
import { exportJWK } from 'jose';
import {
  verifyJwt,
  verifyJwtWithKeySet,
  decodeJwt,
  KeySet,
  pkceChallenge,
  randomState,
  randomNonce,
  createPkce,
  errorCodes,
  TokenError,
} from 'govuk-one-login-tokens';
import { makeKey, jwksOf, claims, signJwt, signRaw, verifyOpts, b64uJson, NOW, AUDIENCE } from './fixtures.mjs';

// Every code is defined once, in Rust; this file provokes each one but these, which need a
// network or the sign-in flow and are provoked where those are tested.
const PROVOKED_ELSEWHERE = new Map([
  ['ERR_JWKS_TIMEOUT', 'client.test.mjs'],
  ['ERR_JWKS_FETCH_FAILED', 'client.test.mjs'],
  ['ERR_OAUTH_STATE_MISMATCH', 'flow.test.mjs'],
  ['ERR_OAUTH_AUTHORIZATION_ERROR', 'flow.test.mjs'],
  ['ERR_OAUTH_TOKEN_ERROR', 'flow.test.mjs'],
  ['ERR_OAUTH_USERINFO_ERROR', 'flow.test.mjs'],
  ['ERR_LOGOUT_TOKEN_REPLAYED', 'flow.test.mjs'],
  ['ERR_NOT_INITIALIZED', '../package/loading.test.mjs'],
  ['ERR_SERVER_ONLY', '../package/browser.test.mjs'],
  ['ERR_SIGNER_FAILED', 'keys.test.mjs'],
  ['ERR_FULL_ENTRY_ONLY', '../package/browser.test.mjs'],
]);
const ALL_CODES = errorCodes().filter((code) => !PROVOKED_ELSEWHERE.has(code));
const seen = new Set();

/** Assert `fn` throws a TokenError with this code (and claim/reason when given). */
function throwsCode(fn, code, { claim, reason } = {}) {
  let error;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  assert.ok(error, `expected ${code}, but nothing was thrown`);
  assert.ok(error instanceof TokenError, `expected a TokenError, got ${error?.constructor?.name}: ${error?.message}`);
  assert.ok(error instanceof Error);
  assert.equal(error.name, 'TokenError');
  assert.equal(error.code, code, `message: ${error.message}`);
  assert.equal(typeof error.message, 'string');
  assert.ok(error.message.length > 0);
  if (claim !== undefined) assert.equal(error.claim, claim);
  if (reason !== undefined) assert.equal(error.reason, reason);
  // A caller mistake names the option (or argument) it is about, so a form can mark the field.
  if (code === 'ERR_INVALID_ARGUMENT') assert.equal(typeof error.option, 'string', error.message);
  else assert.equal(error.option, undefined);
  if (code !== 'ERR_JWT_CLAIM_VALIDATION_FAILED' && code !== 'ERR_JWT_EXPIRED') {
    assert.equal(error.claim, undefined);
    assert.equal(error.reason, undefined);
  }
  seen.add(code);
  return error;
}

let es;
let es2;
let rs;
let keys;
before(async () => {
  es = await makeKey('ES256', { kid: 'es' });
  es2 = await makeKey('ES256', { kid: 'es2' });
  rs = await makeKey('RS256', { kid: 'rs' });
  keys = new KeySet(jwksOf(es, rs));
});
test('the list of codes comes from the core and names every fetch and flow code too', () => {
  assert.ok(ALL_CODES.includes('ERR_JWT_EXPIRED'));
  for (const code of PROVOKED_ELSEWHERE.keys()) assert.ok(errorCodes().includes(code), code);
  assert.equal(new Set(errorCodes()).size, errorCodes().length);
});

after(() => {
  keys.free();
  assert.deepEqual([...seen].sort(), [...ALL_CODES].sort(), 'every error code was provoked');
});

test('ERR_JWT_INVALID: a payload that is not a JSON object', () => {
  for (const payload of ['[1,2]', '"text"', '42', 'null', 'not json']) {
    const token = signRaw(es, { alg: 'ES256', kid: 'es' }, payload);
    throwsCode(() => verifyJwt(token, { jwks: keys, ...verifyOpts() }), 'ERR_JWT_INVALID');
    throwsCode(() => decodeJwt(token), 'ERR_JWT_INVALID');
  }
});

test('ERR_JWS_INVALID: malformed compact serialization, base64url, header or signature encoding', () => {
  const good = signRaw(es, { alg: 'ES256', kid: 'es' }, claims());
  const [h, p, s] = good.split('.');
  const cases = [
    '',
    'abc',
    `${h}.${p}`,
    `${h}.${p}.${s}.x`,
    `${h}=.${p}.${s}`, // padding
    `${h}.${p}.${s.slice(0, 10)}+${s.slice(11)}`, // non-alphabet character
    `${h} .${p}.${s}`, // whitespace
    `${b64uJson('["ES256"]')}.${p}.${s}`, // header not an object
    `${b64uJson('{"alg":"ES256","alg":"ES256"}')}.${p}.${s}`, // duplicate member
  ];
  for (const token of cases) {
    throwsCode(() => verifyJwt(token, { jwks: keys, ...verifyOpts() }), 'ERR_JWS_INVALID');
  }
  throwsCode(() => decodeJwt('a.b'), 'ERR_JWS_INVALID');
});

test('ERR_JOSE_ALG_NOT_ALLOWED: none, HMAC, unknown and not-allowed algorithms', () => {
  const payload = b64uJson(claims());
  throwsCode(() => verifyJwt(`${b64uJson({ alg: 'none' })}.${payload}.`, { jwks: keys, ...verifyOpts() }), 'ERR_JOSE_ALG_NOT_ALLOWED');
  for (const alg of ['HS256', 'PS256', 'ES384', 'EdDSA']) {
    const token = `${b64uJson({ alg, kid: 'es' })}.${payload}.${Buffer.alloc(64, 7).toString('base64url')}`;
    throwsCode(() => verifyJwt(token, { jwks: keys, ...verifyOpts() }), 'ERR_JOSE_ALG_NOT_ALLOWED');
  }
  const token = signRaw(es, { alg: 'ES256', kid: 'es' }, claims());
  throwsCode(() => verifyJwt(token, { jwks: keys, ...verifyOpts({ algorithms: ['RS256'] }) }), 'ERR_JOSE_ALG_NOT_ALLOWED');
});

test('ERR_JOSE_NOT_SUPPORTED: unknown crit extension', () => {
  const crit = signRaw(es, { alg: 'ES256', kid: 'es', crit: ['urn:example:ext'], 'urn:example:ext': 1 }, claims());
  throwsCode(() => verifyJwt(crit, { jwks: keys, ...verifyOpts() }), 'ERR_JOSE_NOT_SUPPORTED');
  // b64:false (RFC 7797) is refused too; as in jose, a JWT with an unencoded payload is ERR_JWT_INVALID.
  const b64 = signRaw(es, { alg: 'ES256', kid: 'es', b64: false, crit: ['b64'] }, claims());
  throwsCode(() => verifyJwt(b64, { jwks: keys, ...verifyOpts() }), 'ERR_JWT_INVALID');
});

test('ERR_JWK_INVALID: the token names a key that was rejected (RSA under 2048 bits)', async () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
  const weak = { alg: 'RS256', kid: 'weak', privateKey, publicKey, jwk: { ...(await exportJWK(publicKey)), kid: 'weak', alg: 'RS256' } };
  const set = new KeySet(jwksOf(es, weak));
  try {
    assert.equal(set.size, 1);
    assert.equal(set.rejected.length, 1);
    assert.equal(set.rejected[0].kid, 'weak');
    assert.equal(set.rejected[0].code, 'ERR_JWK_INVALID');
    const token = signRaw(weak, { alg: 'RS256', kid: 'weak' }, claims());
    throwsCode(() => verifyJwtWithKeySet(token, set, verifyOpts()), 'ERR_JWK_INVALID');
  } finally {
    set.free();
  }
  // An EC point that is not on the curve is rejected the same way.
  const offCurve = { ...es.jwk, kid: 'off', y: es2.jwk.y };
  const token = signRaw({ ...es, kid: 'off' }, { alg: 'ES256', kid: 'off' }, claims());
  throwsCode(() => verifyJwt(token, { jwks: { keys: [offCurve] }, ...verifyOpts() }), 'ERR_JWK_INVALID');
});

test('ERR_JWKS_INVALID: not a key set', () => {
  for (const jwks of ['not json', '[]', '{"keys":{}}', '{}', { keys: 'x' }, { keys: [1] }, { nokeys: [] }]) {
    throwsCode(() => new KeySet(jwks), 'ERR_JWKS_INVALID');
  }
  throwsCode(() => verifyJwt(signRaw(es, { alg: 'ES256' }, claims()), { jwks: '{"keys":7}', ...verifyOpts() }), 'ERR_JWKS_INVALID');
});

test('ERR_JWKS_NO_MATCHING_KEY: unknown kid, or no key for the alg', async () => {
  const token = signRaw(es, { alg: 'ES256', kid: 'missing' }, claims());
  throwsCode(() => verifyJwt(token, { jwks: keys, ...verifyOpts() }), 'ERR_JWKS_NO_MATCHING_KEY');
  const rsOnly = signRaw(es, { alg: 'ES256' }, claims());
  throwsCode(() => verifyJwt(rsOnly, { jwks: jwksOf(rs), ...verifyOpts() }), 'ERR_JWKS_NO_MATCHING_KEY');
  throwsCode(() => verifyJwt(rsOnly, { jwks: { keys: [] }, ...verifyOpts() }), 'ERR_JWKS_NO_MATCHING_KEY');
});

test('ERR_JWKS_MULTIPLE_MATCHING_KEYS: two keys fit', () => {
  const dupA = { ...es.jwk, kid: 'dup' };
  const dupB = { ...es2.jwk, kid: 'dup' };
  const token = signRaw(es, { alg: 'ES256', kid: 'dup' }, claims());
  throwsCode(() => verifyJwt(token, { jwks: { keys: [dupA, dupB] }, ...verifyOpts() }), 'ERR_JWKS_MULTIPLE_MATCHING_KEYS');
  const noKid = signRaw(es, { alg: 'ES256' }, claims());
  throwsCode(() => verifyJwt(noKid, { jwks: jwksOf(es, es2), ...verifyOpts() }), 'ERR_JWKS_MULTIPLE_MATCHING_KEYS');
});

test('ERR_JWS_SIGNATURE_VERIFICATION_FAILED: signed by another key', async () => {
  const token = await signJwt({ ...es2, kid: 'es' });
  throwsCode(() => verifyJwt(token, { jwks: keys, ...verifyOpts() }), 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
  const other = await makeKey('RS256', { kid: 'rs' });
  const rsToken = await signJwt(other);
  throwsCode(() => verifyJwt(rsToken, { jwks: keys, ...verifyOpts() }), 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
  // ES256 takes raw r||s (64 bytes) only: a DER signature or any other length fails (as in jose).
  const good = signRaw(es, { alg: 'ES256', kid: 'es' }, claims());
  const input = good.split('.').slice(0, 2).join('.');
  const der = createSign('sha256').update(input).sign({ key: es.privateKey, dsaEncoding: 'der' });
  for (const sig of [der, Buffer.alloc(63, 1), Buffer.alloc(65, 1), Buffer.alloc(0)]) {
    throwsCode(() => verifyJwt(`${input}.${sig.toString('base64url')}`, { jwks: keys, ...verifyOpts() }), 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
  }
});

test('ERR_JWT_EXPIRED: exp in the past beyond the clock tolerance', async () => {
  const token = await signJwt(es, claims({ exp: NOW - 31 }));
  throwsCode(() => verifyJwt(token, { jwks: keys, ...verifyOpts() }), 'ERR_JWT_EXPIRED', { claim: 'exp' });
  // Within the default 30 s tolerance it still verifies; with 0 it does not.
  const edge = await signJwt(es, claims({ exp: NOW - 29 }));
  assert.equal(verifyJwt(edge, { jwks: keys, ...verifyOpts() }).sub, claims().sub);
  throwsCode(() => verifyJwt(edge, { jwks: keys, ...verifyOpts({ clockTolerance: 0 }) }), 'ERR_JWT_EXPIRED');
});

test('ERR_JWT_CLAIM_VALIDATION_FAILED: missing, invalid and failed claims', async () => {
  const cases = [
    [claims({ iss: undefined }), 'iss', 'missing'],
    [claims({ aud: undefined }), 'aud', 'missing'],
    [claims({ iss: 'https://evil.example/' }), 'iss', 'check_failed'],
    [claims({ aud: ['someone-else'] }), 'aud', 'check_failed'],
    [claims({ nbf: NOW + 60 }), 'nbf', 'check_failed'],
    [claims({ exp: String(NOW + 60) }), 'exp', 'invalid'],
    [claims({ nbf: true }), 'nbf', 'invalid'],
    [claims({ iat: 'yesterday' }), 'iat', 'invalid'],
    [claims({ iss: 42 }), 'iss', 'invalid'],
    [claims({ aud: [AUDIENCE, 7] }), 'aud', 'invalid'],
  ];
  for (const [payload, claim, reason] of cases) {
    const token = signRaw(es, { alg: 'ES256', kid: 'es' }, payload);
    throwsCode(() => verifyJwt(token, { jwks: keys, ...verifyOpts() }), 'ERR_JWT_CLAIM_VALIDATION_FAILED', { claim, reason });
  }
});

test('ERR_INVALID_ARGUMENT: bad arguments and options', () => {
  const token = signRaw(es, { alg: 'ES256', kid: 'es' }, claims());
  throwsCode(() => verifyJwt(token, {}), 'ERR_INVALID_ARGUMENT');
  throwsCode(() => verifyJwt(token), 'ERR_INVALID_ARGUMENT');
  throwsCode(() => verifyJwt(token, null), 'ERR_INVALID_ARGUMENT');
  throwsCode(() => verifyJwt(token, { jwks: keys, ...verifyOpts({ clockTolerance: -1 }) }), 'ERR_INVALID_ARGUMENT');
  throwsCode(() => verifyJwt(token, { jwks: keys, ...verifyOpts({ clockTolerance: Infinity }) }), 'ERR_INVALID_ARGUMENT');
  throwsCode(() => verifyJwt(token, { jwks: keys, ...verifyOpts({ now: NaN }) }), 'ERR_INVALID_ARGUMENT');
  throwsCode(() => pkceChallenge('too-short'), 'ERR_INVALID_ARGUMENT');
});

test('ERR_RANDOM_UNAVAILABLE: the host random source fails', () => {
  const { crypto } = globalThis;
  const original = crypto.getRandomValues;
  crypto.getRandomValues = () => {
    throw new Error('no randomness here');
  };
  try {
    throwsCode(() => randomState(), 'ERR_RANDOM_UNAVAILABLE');
    throwsCode(() => randomNonce(), 'ERR_RANDOM_UNAVAILABLE');
    throwsCode(() => createPkce(), 'ERR_RANDOM_UNAVAILABLE');
  } finally {
    crypto.getRandomValues = original;
  }
  assert.equal(typeof randomState(), 'string');
});

test('TokenError is exported, constructible, and what the package throws', () => {
  const e = new TokenError('ERR_JWT_INVALID', 'x', { claim: 'iss', reason: 'invalid' });
  assert.ok(e instanceof Error);
  assert.equal(e.name, 'TokenError');
  assert.equal(e.code, 'ERR_JWT_INVALID');
  assert.equal(e.claim, 'iss');
  assert.equal(e.reason, 'invalid');
  assert.ok(typeof e.stack === 'string');
});

// The prepared verifiers (createIdTokenVerifier, createLogoutTokenVerifier and their async twins)
// and the one-crossing decodeJwt: every One Login check fires through them (one broken claim or
// header member each), they agree with the one-shot verifiers on every outcome (value, or code
// and claim) over generated and mutated tokens, per-call mistakes and random arguments are
// TokenErrors, and a freed key set or an oversized token is refused before wasm sees it.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  createIdTokenVerifier,
  createIdTokenVerifierAsync,
  createLogoutTokenVerifier,
  createLogoutTokenVerifierAsync,
  verifyIdToken,
  verifyLogoutToken,
  decodeJwt,
  KeySet,
  TokenError,
} from 'govuk-one-login-tokens';
import { makeOneLogin, idToken, idClaims, logoutToken, signRaw, NOW, CLIENT_ID, NONCE, ACCESS_TOKEN, SUB } from './onelogin-fixtures.mjs';
import { flipByte, prng } from './fixtures.mjs';

let ol;
before(async () => {
  ol = await makeOneLogin();
});

const base = (extra = {}) => ({ jwks: ol.jwks, environment: 'integration', clientId: CLIENT_ID, now: NOW, ...extra });

/** `{ value }` or `{ code, claim, option }` of a call, sync or async. */
async function outcome(fn) {
  try {
    return { value: await fn() };
  } catch (e) {
    assert.ok(e instanceof TokenError, `not a TokenError: ${e?.constructor?.name}: ${e?.message}`);
    return { code: e.code, claim: e.claim, option: e.option, message: e.message };
  }
}

/**
 * The outcome of one ID token through the one-shot verifier, the prepared one and the prepared
 * async one; asserts all three agree and returns it.
 */
async function threeWays(token, creation, perCall) {
  const oneShot = await outcome(() => verifyIdToken(token, { ...creation, ...perCall }));
  const prepared = await outcome(() => createIdTokenVerifier(creation)(token, perCall));
  const preparedAsync = await outcome(() => createIdTokenVerifierAsync(creation)(token, perCall));
  assert.deepEqual(prepared, oneShot, `prepared vs verifyIdToken: ${token.slice(0, 40)}...`);
  assert.deepEqual(preparedAsync, oneShot, `prepared async vs verifyIdToken: ${token.slice(0, 40)}...`);
  return oneShot;
}

test('createIdTokenVerifier: the claims verifyIdToken returns, with every key set form (sync and async)', async () => {
  const keys = new KeySet(ol.jwks);
  try {
    for (const key of [ol.es, ol.rs]) {
      for (const jwks of [ol.jwks, JSON.stringify(ol.jwks), keys]) {
        const token = idToken(key);
        const verify = createIdTokenVerifier(base({ jwks }));
        assert.deepEqual(verify(token, { nonce: NONCE }), idClaims());
        assert.deepEqual(verify(token, { nonce: NONCE, accessToken: ACCESS_TOKEN }), idClaims());
        assert.deepEqual(await createIdTokenVerifierAsync(base({ jwks }))(token, { nonce: NONCE }), idClaims());
      }
    }
    // One verifier, many calls: the per-call values change, the options stay.
    const verify = createIdTokenVerifier(base({ jwks: keys }));
    const noNonce = idToken(ol.es, { nonce: undefined });
    assert.equal(verify(noNonce, { nonce: null }).sub, SUB);
    assert.equal(verify(idToken(ol.es), { nonce: NONCE }).sub, SUB);
    await assert.rejects(() => Promise.resolve().then(() => verify(idToken(ol.es), { nonce: null })), { code: 'ERR_JWT_CLAIM_VALIDATION_FAILED', claim: 'nonce' });
  } finally {
    keys.free();
  }
});

test('every One Login ID token check fires through the prepared verifiers, as through verifyIdToken', async () => {
  const es = ol.es;
  const header = { kid: es.kid, alg: 'ES256' };
  const cases = [
    // [name, token, creation extra, per-call, code, claim]
    ['format', 'not.a-token', {}, { nonce: NONCE }, 'ERR_JWS_INVALID'],
    ['alg none', signRaw(es, { ...header, alg: 'none' }, idClaims()), {}, { nonce: NONCE }, 'ERR_JOSE_ALG_NOT_ALLOWED'],
    ['alg HS256', signRaw(es, { ...header, alg: 'HS256' }, idClaims()), {}, { nonce: NONCE }, 'ERR_JOSE_ALG_NOT_ALLOWED'],
    ['kid missing', signRaw(es, { alg: 'ES256' }, idClaims()), {}, { nonce: NONCE }, 'ERR_JWS_INVALID'],
    ['kid not found', idToken({ ...es, kid: 'f'.repeat(64) }), {}, { nonce: NONCE }, 'ERR_JWKS_NO_MATCHING_KEY'],
    ['alg does not match the key', idToken({ ...ol.rs, kid: es.kid }), {}, { nonce: NONCE }, 'ERR_JWKS_NO_MATCHING_KEY'],
    ['signature', flipByte(idToken(es), 2, 5), {}, { nonce: NONCE }, 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED'],
    ['typ logout+jwt', signRaw(es, { ...header, typ: 'logout+jwt' }, idClaims()), {}, { nonce: NONCE }, 'ERR_JWT_CLAIM_VALIDATION_FAILED', 'typ'],
    ['events claim', idToken(es, { events: {} }), {}, { nonce: NONCE }, 'ERR_JWT_CLAIM_VALIDATION_FAILED', 'events'],
    ['iat missing', idToken(es, { iat: undefined }), {}, { nonce: NONCE }, 'ERR_JWT_CLAIM_VALIDATION_FAILED', 'iat'],
    ['iss', idToken(es, { iss: 'https://oidc.account.gov.uk/' }), {}, { nonce: NONCE }, 'ERR_JWT_CLAIM_VALIDATION_FAILED', 'iss'],
    ['aud', idToken(es, { aud: 'someone-else' }), {}, { nonce: NONCE }, 'ERR_JWT_CLAIM_VALIDATION_FAILED', 'aud'],
    ['azp with several audiences', idToken(es, { aud: [CLIENT_ID, 'other'] }), {}, { nonce: NONCE }, 'ERR_JWT_CLAIM_VALIDATION_FAILED', 'azp'],
    ['azp of another client', idToken(es, { azp: 'other' }), {}, { nonce: NONCE }, 'ERR_JWT_CLAIM_VALIDATION_FAILED', 'azp'],
    ['exp', idToken(es, { exp: NOW - 60 }), {}, { nonce: NONCE }, 'ERR_JWT_EXPIRED', 'exp'],
    ['iat in the future', idToken(es, { iat: NOW + 3600, exp: NOW + 3700 }), {}, { nonce: NONCE }, 'ERR_JWT_CLAIM_VALIDATION_FAILED', 'iat'],
    ['sub missing', idToken(es, { sub: undefined }), {}, { nonce: NONCE }, 'ERR_JWT_CLAIM_VALIDATION_FAILED', 'sub'],
    ['nonce differs', idToken(es, { nonce: 'another' }), {}, { nonce: NONCE }, 'ERR_JWT_CLAIM_VALIDATION_FAILED', 'nonce'],
    ['nonce missing', idToken(es, { nonce: undefined }), {}, { nonce: NONCE }, 'ERR_JWT_CLAIM_VALIDATION_FAILED', 'nonce'],
    ['nonce not requested', idToken(es), {}, { nonce: null }, 'ERR_JWT_CLAIM_VALIDATION_FAILED', 'nonce'],
    ['vot below Cl.Cm', idToken(es, { vot: 'Cl' }), {}, { nonce: NONCE }, 'ERR_JWT_CLAIM_VALIDATION_FAILED', 'vot'],
    ['vot not the vtr', idToken(es), { vtr: 'Cl' }, { nonce: NONCE }, 'ERR_JWT_CLAIM_VALIDATION_FAILED', 'vot'],
    ['auth_time beyond max_age', idToken(es, { auth_time: NOW - 3600 }), { maxAge: 300 }, { nonce: NONCE }, 'ERR_JWT_CLAIM_VALIDATION_FAILED', 'auth_time'],
    ['auth_time missing with max_age', idToken(es, { auth_time: undefined }), { maxAge: 300 }, { nonce: NONCE }, 'ERR_JWT_CLAIM_VALIDATION_FAILED', 'auth_time'],
    ['at_hash', idToken(es), {}, { nonce: NONCE, accessToken: 'a-different-access-token' }, 'ERR_JWT_CLAIM_VALIDATION_FAILED', 'at_hash'],
    ['at_hash missing', idToken(es, { at_hash: undefined }), {}, { nonce: NONCE, accessToken: ACCESS_TOKEN }, 'ERR_JWT_CLAIM_VALIDATION_FAILED', 'at_hash'],
    ['sid not a string', idToken(es, { sid: 7 }), {}, { nonce: NONCE }, 'ERR_JWT_CLAIM_VALIDATION_FAILED', 'sid'],
    ['vtm not a string', idToken(es, { vtm: [] }), {}, { nonce: NONCE }, 'ERR_JWT_CLAIM_VALIDATION_FAILED', 'vtm'],
  ];
  for (const [name, token, extra, perCall, code, claim] of cases) {
    const got = await threeWays(token, base(extra), perCall);
    assert.equal(got.code, code, `${name}: ${got.message ?? 'accepted'}`);
    if (claim !== undefined) assert.equal(got.claim, claim, `${name}: ${got.message}`);
  }
});

test('per-call and creation mistakes are TokenErrors naming the option', async () => {
  const token = idToken(ol.es);
  const verify = createIdTokenVerifier(base());
  const invalid = (fn, option) => assert.throws(fn, (e) => e instanceof TokenError && e.code === 'ERR_INVALID_ARGUMENT' && (option === undefined || e.option === option));
  invalid(() => verify(token, {}), 'nonce');
  invalid(() => verify(token), 'nonce');
  invalid(() => verify(token, { nonce: '' }), 'nonce');
  invalid(() => verify(token, { nonce: 7 }));
  invalid(() => verify(token, { nonce: NONCE, accessToken: 'é' }), 'accessToken');
  invalid(() => verify(token, { nonce: NONCE, accessToken: 7 }));
  invalid(() => verify(token, { nonce: NONCE, nonse: 1 }));
  invalid(() => verify(token, { nonce: NONCE, maxAge: 1 }));
  invalid(() => verify(7, { nonce: NONCE }));
  invalid(() => createIdTokenVerifier(base({ nonce: NONCE })), 'nonce');
  invalid(() => createIdTokenVerifier(base({ accessToken: ACCESS_TOKEN })), 'accessToken');
  invalid(() => createIdTokenVerifier(base({ clientId: undefined })), 'clientId');
  invalid(() => createIdTokenVerifier(base({ jwks: undefined })), 'jwks');
  invalid(() => createIdTokenVerifier(base({ vtr: 42 })));
  invalid(() => createIdTokenVerifier(base({ clockTolerance: 10_000 })));
  invalid(() => createIdTokenVerifier(base({ clientld: CLIENT_ID })));
  invalid(() => createIdTokenVerifier());
  assert.throws(() => createIdTokenVerifier(base({ jwks: '{"keys":' })), { code: 'ERR_JWKS_INVALID' });
  // A prototype's members are not the caller's.
  const inherited = Object.create({ nonce: NONCE });
  invalid(() => verify(token, inherited));
  // The caller's KeySet, freed after the verifier was made.
  const keys = new KeySet(ol.jwks);
  const withKeys = createIdTokenVerifier(base({ jwks: keys }));
  assert.equal(withKeys(token, { nonce: NONCE }).sub, SUB);
  keys.free();
  invalid(() => withKeys(token, { nonce: NONCE }), 'jwks');
  invalid(() => createIdTokenVerifierAsync(base({ jwks: keys })), 'jwks');
  // An oversized token: refused by its size (ERR_JWS_INVALID), before it is copied into wasm.
  assert.throws(() => verify('a'.repeat(70_000), { nonce: NONCE }), { code: 'ERR_JWS_INVALID' });
  await assert.rejects(createIdTokenVerifierAsync(base())('a'.repeat(70_000), { nonce: NONCE }), { code: 'ERR_JWS_INVALID' });
});

test('random arguments to the prepared verifiers are TokenErrors, never anything else', async () => {
  const rand = prng(21);
  const token = idToken(ol.es);
  const values = [
    undefined, null, 0, -1, NaN, 1e308, true, '', 'x', token, NONCE, Symbol('s'), 10n, [], [NONCE], {}, { nonce: NONCE },
    { nonce: null }, { nonce: [NONCE] }, { nonce: { toString: () => NONCE } }, new Uint8Array(4), () => NONCE, new Date(NOW * 1000),
    Object.create(null), { length: 1e9 }, 'é'.repeat(30_000), new String(token),
  ];
  const verify = createIdTokenVerifier(base());
  const verifyAsync = createIdTokenVerifierAsync(base());
  const logout = createLogoutTokenVerifier(base());
  for (let i = 0; i < 600; i++) {
    const a = rand.pick(values);
    const b = rand.pick(values);
    for (const fn of [() => verify(a, b), () => verifyAsync(a, b), () => logout(a), () => createIdTokenVerifier(a), () => createLogoutTokenVerifier(a), () => decodeJwt(a, b)]) {
      await outcome(fn); // asserts any failure is a TokenError
    }
  }
  // The module still works afterwards.
  assert.equal(verify(token, { nonce: NONCE }).sub, SUB);
});

test('prepared vs one-shot verifiers agree on generated and mutated ID tokens', async () => {
  const rand = prng(2101);
  const claimVariants = [
    {}, { aud: [CLIENT_ID] }, { aud: [CLIENT_ID, 'x'], azp: CLIENT_ID }, { exp: NOW - 31 }, { exp: NOW - 29 }, { iat: NOW + 29 }, { iat: NOW + 31 },
    { nonce: 'x' }, { vot: 'Cl' }, { vot: 'P2' }, { sid: null }, { auth_time: 'yesterday' }, { sub: '' }, { iss: `${'https://oidc.integration.account.gov.uk/'}x` },
    { nbf: NOW + 100 }, { extra: { deep: [1, 2, { x: 'é😀' }] } }, { big: 1e21, small: -0.000001, neg: -0 },
  ];
  const creations = [{}, { vtr: 'Cl' }, { maxAge: 120 }, { clockTolerance: 0 }, { vtr: ['Cl.Cm'] }];
  const perCalls = [{ nonce: NONCE }, { nonce: null }, { nonce: NONCE, accessToken: ACCESS_TOKEN }, { nonce: NONCE, accessToken: 'other' }];
  let accepted = 0;
  const N = 300;
  for (let i = 0; i < N; i++) {
    let token = idToken(rand.pick([ol.es, ol.rs]), rand.pick(claimVariants));
    if (rand.chance(0.3)) {
      const seg = rand.int(3);
      const len = Buffer.from(token.split('.')[seg], 'base64url').length;
      token = flipByte(token, seg, rand.int(len), 1 << rand.int(8));
    }
    const got = await threeWays(token, base(rand.pick(creations)), rand.pick(perCalls));
    if ('value' in got) accepted++;
  }
  // Both outcomes were exercised.
  assert.ok(accepted > 10 && accepted < N - 10, `accepted ${accepted} of ${N}`);
});

test('createLogoutTokenVerifier: the claims and errors of verifyLogoutToken', async () => {
  const cases = [
    logoutToken(ol.es),
    logoutToken(ol.es, {}, { typ: undefined }),
    logoutToken(ol.es, { nonce: 'x' }),
    logoutToken(ol.es, { events: {} }),
    logoutToken(ol.es, { sub: undefined }),
    logoutToken(ol.es, { exp: NOW - 60 }),
    logoutToken(ol.es, { vot: 'Cl' }),
    logoutToken(ol.es, { exp: NOW + 3600 }),
    logoutToken(ol.es, {}, { typ: 'JWT' }),
    logoutToken(ol.rs),
    flipByte(logoutToken(ol.es), 2, 3),
    idToken(ol.es),
  ];
  const verify = createLogoutTokenVerifier(base());
  const verifyAsync = createLogoutTokenVerifierAsync(base());
  let accepted = 0;
  for (const token of cases) {
    const oneShot = await outcome(() => verifyLogoutToken(token, base()));
    assert.deepEqual(await outcome(() => verify(token)), oneShot);
    assert.deepEqual(await outcome(() => verifyAsync(token)), oneShot);
    if ('value' in oneShot) accepted++;
  }
  assert.equal(accepted, 2);
});

test('decodeJwt: the one-crossing path returns what the general path does (value or error)', () => {
  const tokens = [
    idToken(ol.es),
    idToken(ol.rs, { extra: { x: ['é', 1.5, null] } }),
    signRaw(ol.es, { alg: 'ES256', kid: 'k', typ: 'JWT' }, { a: 1 }),
    'e30.e30.',
    'e30.W10.c2ln',
    'a.b',
    `${Buffer.from('{"alg":"ES256","alg":"x"}').toString('base64url')}.e30.c2ln`,
    'x'.repeat(70_000),
  ];
  for (const token of tokens) {
    const general = (() => {
      try {
        return { value: decodeJwt(token, { maxTokenSize: 65536 }) };
      } catch (e) {
        return { code: e.code, message: e.message };
      }
    })();
    const fast = (() => {
      try {
        return { value: decodeJwt(token) };
      } catch (e) {
        assert.ok(e instanceof TokenError);
        return { code: e.code, message: e.message };
      }
    })();
    assert.deepEqual(fast, general, token.slice(0, 40));
  }
  assert.deepEqual(decodeJwt(idToken(ol.es)).payload, idClaims());
});

// The One Login wrapper functions: happy paths with every input form (parsed instance reused,
// object, JSON text, PEM), representative rejections with their exact code and claim, client
// assertions and request objects checked by jose, and the authorize URL's encoding.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { jwtVerify, decodeProtectedHeader } from 'jose';
import {
  verifyIdToken,
  verifyIdTokenWithKeySet,
  verifyCoreIdentity,
  verifyCoreIdentityWithDidDocument,
  verifyLogoutToken,
  verifyLogoutTokenWithKeySet,
  signClientAssertion,
  signClientAssertionWithKey,
  signRequestObject,
  buildAuthorizationUrl,
  getEnvironment,
  decodeJwt,
  pkceChallenge,
  pkceMatches,
  verifyJwt,
  KeySet,
  DidDocument,
  SigningKey,
  TokenError,
} from 'govuk-one-login-tokens';
import {
  makeOneLogin,
  idToken,
  idClaims,
  coreIdentityToken,
  logoutToken,
  atHash,
  NOW,
  CLIENT_ID,
  ISSUER,
  IDENTITY_ISSUER,
  DID_ID,
  SUB,
  NONCE,
  ACCESS_TOKEN,
  LOGOUT_EVENT,
} from './onelogin-fixtures.mjs';
import { flipByte } from './fixtures.mjs';

let ol;
before(async () => {
  ol = await makeOneLogin();
});

/** Assert `fn` throws a TokenError with exactly this code and (when given) claim. */
function rejects(fn, code, claim) {
  let error;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof TokenError, `expected TokenError ${code}, got ${error?.constructor?.name}: ${error?.message}`);
  assert.equal(error.code, code, error.message);
  if (claim !== undefined) assert.equal(error.claim, claim, error.message);
  return error;
}

const idOpts = (extra = {}) => ({
  jwks: ol.jwks,
  environment: 'integration',
  clientId: CLIENT_ID,
  nonce: NONCE,
  now: NOW,
  ...extra,
});

test('getEnvironment: the presets and a simulator base URL', () => {
  assert.deepEqual(getEnvironment('integration'), {
    issuer: ISSUER,
    discoveryUrl: 'https://oidc.integration.account.gov.uk/.well-known/openid-configuration',
    jwksUrl: 'https://oidc.integration.account.gov.uk/.well-known/jwks.json',
    authorizeUrl: 'https://oidc.integration.account.gov.uk/authorize',
    tokenUrl: 'https://oidc.integration.account.gov.uk/token',
    userinfoUrl: 'https://oidc.integration.account.gov.uk/userinfo',
    endSessionUrl: 'https://oidc.integration.account.gov.uk/logout',
    identityIssuer: IDENTITY_ISSUER,
    didUrl: 'https://identity.integration.account.gov.uk/.well-known/did.json',
    didId: DID_ID,
  });
  assert.equal(getEnvironment('production').issuer, 'https://oidc.account.gov.uk/');
  const sim = getEnvironment({ baseUrl: 'http://localhost:3000' });
  assert.equal(sim.issuer, 'http://localhost:3000/');
  assert.equal(sim.identityIssuer, 'http://localhost:3000/');
  assert.equal(sim.didId, 'did:web:localhost%3A3000');
  assert.equal(sim.userinfoUrl, 'http://localhost:3000/userinfo');
  assert.equal(sim.endSessionUrl, 'http://localhost:3000/logout');
  rejects(() => getEnvironment('staging'), 'ERR_INVALID_ARGUMENT');
  rejects(() => getEnvironment({}), 'ERR_INVALID_ARGUMENT');
});

test('verifyIdToken: ES256 and RS256, jwks as object, JSON text and a reused KeySet', () => {
  const keys = new KeySet(ol.jwks);
  try {
    for (const key of [ol.es, ol.rs]) {
      const token = idToken(key);
      const opts = { vtr: '["Cl.Cm.P2"]', accessToken: ACCESS_TOKEN, maxAge: 300 };
      assert.deepEqual(verifyIdToken(token, idOpts(opts)), idClaims());
      assert.deepEqual(verifyIdToken(token, idOpts({ ...opts, jwks: JSON.stringify(ol.jwks) })), idClaims());
      assert.deepEqual(verifyIdToken(token, idOpts({ ...opts, jwks: keys })), idClaims());
      assert.deepEqual(verifyIdTokenWithKeySet(token, keys, idOpts(opts)), idClaims());
      assert.equal(keys.size, 2, 'a KeySet passed in is reused, not freed');
      // issuer instead of environment; vtr as an array and as one vector.
      const { environment: _e, ...noEnv } = idOpts({ issuer: ISSUER, vtr: ['Cl.Cm.P2'] });
      assert.equal(verifyIdToken(token, noEnv).sub, SUB);
      assert.equal(verifyIdToken(token, idOpts({ vtr: 'Cl.Cm' })).vot, 'Cl.Cm');
    }
  } finally {
    keys.free();
  }
});

test('verifyIdToken: nonce null only for a token without one', () => {
  const noNonce = idToken(ol.es, { nonce: undefined });
  assert.equal(verifyIdToken(noNonce, idOpts({ nonce: null })).nonce, undefined);
  rejects(() => verifyIdToken(idToken(ol.es), idOpts({ nonce: null })), 'ERR_JWT_CLAIM_VALIDATION_FAILED', 'nonce');
  rejects(() => verifyIdToken(noNonce, idOpts()), 'ERR_JWT_CLAIM_VALIDATION_FAILED', 'nonce');
  const { nonce: _n, ...withoutNonce } = idOpts();
  rejects(() => verifyIdToken(idToken(ol.es), withoutNonce), 'ERR_INVALID_ARGUMENT');
});

test('verifyIdToken: each rule fails with its code and claim', () => {
  const cases = [
    [{ iss: 'https://oidc.account.gov.uk/' }, {}, 'ERR_JWT_CLAIM_VALIDATION_FAILED', 'iss'],
    [{ aud: 'someone-else' }, {}, 'ERR_JWT_CLAIM_VALIDATION_FAILED', 'aud'],
    [{ aud: [CLIENT_ID, 'other'] }, {}, 'ERR_JWT_CLAIM_VALIDATION_FAILED', 'azp'],
    [{ exp: NOW - 60 }, {}, 'ERR_JWT_EXPIRED', 'exp'],
    [{ iat: NOW + 3600, exp: NOW + 3700 }, {}, 'ERR_JWT_CLAIM_VALIDATION_FAILED', 'iat'],
    [{ nonce: 'another' }, {}, 'ERR_JWT_CLAIM_VALIDATION_FAILED', 'nonce'],
    [{ vot: 'Cl' }, {}, 'ERR_JWT_CLAIM_VALIDATION_FAILED', 'vot'],
    [{ vot: 'Cl.Cm' }, { vtr: 'Cl' }, 'ERR_JWT_CLAIM_VALIDATION_FAILED', 'vot'],
    [{ auth_time: NOW - 3600 }, { maxAge: 300 }, 'ERR_JWT_CLAIM_VALIDATION_FAILED', 'auth_time'],
    [{}, { accessToken: 'a-different-access-token' }, 'ERR_JWT_CLAIM_VALIDATION_FAILED', 'at_hash'],
  ];
  for (const [claims, opts, code, claim] of cases) {
    rejects(() => verifyIdToken(idToken(ol.es, claims), idOpts(opts)), code, claim);
  }
  // Keys and algorithms.
  const stranger = { ...ol.es, kid: 'f'.repeat(64) };
  rejects(() => verifyIdToken(idToken(stranger), idOpts()), 'ERR_JWKS_NO_MATCHING_KEY');
  const wrongAlg = { ...ol.rs, kid: ol.es.kid }; // RS256 signature under the ES256 key's kid
  rejects(() => verifyIdToken(idToken(wrongAlg), idOpts()), 'ERR_JWKS_NO_MATCHING_KEY');
  const tampered = flipByte(idToken(ol.es), 2, 5);
  rejects(() => verifyIdToken(tampered, idOpts()), 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
  // Caller mistakes.
  rejects(() => verifyIdToken(idToken(ol.es), idOpts({ environment: undefined })), 'ERR_INVALID_ARGUMENT');
  rejects(() => verifyIdToken(idToken(ol.es), idOpts({ clientId: undefined })), 'ERR_INVALID_ARGUMENT');
  rejects(() => verifyIdToken(idToken(ol.es), idOpts({ jwks: undefined })), 'ERR_INVALID_ARGUMENT');
  rejects(() => verifyIdToken(idToken(ol.es), idOpts({ jwks: '{"keys":' })), 'ERR_JWKS_INVALID');
  rejects(() => verifyIdToken(idToken(ol.es), idOpts({ vtr: 42 })), 'ERR_INVALID_ARGUMENT');
  rejects(() => verifyIdToken(idToken(ol.es)), 'ERR_INVALID_ARGUMENT');
});

test('verifyCoreIdentity: { claims, identity } with the DID document as object, text and instance', () => {
  const token = coreIdentityToken(ol.identity);
  const opts = { environment: 'integration', clientId: CLIENT_ID, sub: SUB, now: NOW };
  const did = new DidDocument(ol.didDocument);
  try {
    assert.equal(did.id, DID_ID);
    assert.deepEqual(did.assertionMethodIds, [ol.identity.kid]);
    const results = [
      verifyCoreIdentity(token, { ...opts, didDocument: ol.didDocument }),
      verifyCoreIdentity(token, { ...opts, didDocument: JSON.stringify(ol.didDocument) }),
      verifyCoreIdentity(token, { ...opts, didDocument: did, vtr: '["Cl.Cm.P2"]' }),
      verifyCoreIdentityWithDidDocument(token, did, opts),
    ];
    for (const result of results) {
      assert.deepEqual(Object.keys(result).sort(), ['claims', 'identity']);
      assert.equal(result.claims.iss, IDENTITY_ISSUER);
      assert.deepEqual(result.identity, {
        currentName: { givenNames: ['Alice', 'Jane'], familyNames: ['Doe'], fullName: 'Alice Jane Doe', validFrom: '2020-03-01' },
        historicNames: [{ givenNames: ['Alice'], familyNames: ['O’Donnell'], fullName: 'Alice O’Donnell', validUntil: '2020-03-01' }],
        birthDates: ['1970-01-01', '1970-01-02'],
        birthDate: '1970-01-01',
        levelOfConfidence: 'P2',
      });
    }
  } finally {
    did.free();
  }
});

test('verifyCoreIdentity: each rule fails with its code and claim', () => {
  const opts = { didDocument: ol.didDocument, environment: 'integration', clientId: CLIENT_ID, sub: SUB, now: NOW };
  const cases = [
    [{ iss: ISSUER }, 'ERR_JWT_CLAIM_VALIDATION_FAILED', 'iss'],
    [{ aud: 'someone-else' }, 'ERR_JWT_CLAIM_VALIDATION_FAILED', 'aud'],
    [{ sub: 'urn:fdc:gov.uk:2022:someone-else' }, 'ERR_JWT_CLAIM_VALIDATION_FAILED', 'sub'],
    [{ nbf: NOW + 3600 }, 'ERR_JWT_CLAIM_VALIDATION_FAILED', 'nbf'],
    [{ exp: NOW - 60 }, 'ERR_JWT_EXPIRED', 'exp'],
    [{ vot: 'P1' }, 'ERR_JWT_CLAIM_VALIDATION_FAILED', 'vot'],
  ];
  for (const [claims, code, claim] of cases) {
    rejects(() => verifyCoreIdentity(coreIdentityToken(ol.identity, claims), opts), code, claim);
  }
  // The kid must name this document and one of its keys; only ES256.
  const otherDid = { ...ol.identity, kid: `did:web:identity.account.gov.uk#${'c'.repeat(64)}` };
  rejects(() => verifyCoreIdentity(coreIdentityToken(otherDid), opts), 'ERR_JWKS_NO_MATCHING_KEY');
  const unknownKey = { ...ol.identity, kid: `${DID_ID}#${'d'.repeat(64)}` };
  rejects(() => verifyCoreIdentity(coreIdentityToken(unknownKey), opts), 'ERR_JWKS_NO_MATCHING_KEY');
  // RS256 under the identity kid is refused before any key is looked at.
  const rsa = { ...ol.rs, kid: ol.identity.kid };
  rejects(() => verifyCoreIdentity(coreIdentityToken(rsa, {}, { alg: 'RS256' }), opts), 'ERR_JOSE_ALG_NOT_ALLOWED');
  rejects(() => verifyCoreIdentity(coreIdentityToken(ol.identity), { ...opts, sub: undefined }), 'ERR_INVALID_ARGUMENT');
  rejects(() => verifyCoreIdentity(coreIdentityToken(ol.identity), { ...opts, vtr: 'Cl.Cm' }), 'ERR_INVALID_ARGUMENT');
  rejects(() => verifyCoreIdentity(coreIdentityToken(ol.identity), { ...opts, didDocument: { id: 1 } }), 'ERR_JWKS_INVALID');
});

test('verifyLogoutToken: returns the claims with jti; each rule fails with its claim', () => {
  const opts = { jwks: ol.jwks, environment: 'integration', clientId: CLIENT_ID, now: NOW };
  const claims = verifyLogoutToken(logoutToken(ol.es), opts);
  assert.equal(claims.jti, '30642c87-6167-413f-8ace-f1643c59e398');
  assert.deepEqual(claims.events, { [LOGOUT_EVENT]: {} });
  const keys = new KeySet(ol.jwks);
  try {
    assert.equal(verifyLogoutTokenWithKeySet(logoutToken(ol.es, {}, { typ: undefined }), keys, opts).sub, SUB);
    assert.equal(verifyLogoutToken(logoutToken(ol.es), { ...opts, jwks: keys }).sub, SUB);
  } finally {
    keys.free();
  }
  const cases = [
    [{ nonce: 'x' }, 'ERR_JWT_CLAIM_VALIDATION_FAILED', 'nonce'],
    [{ events: {} }, 'ERR_JWT_CLAIM_VALIDATION_FAILED', 'events'],
    [{ events: { [LOGOUT_EVENT]: { extra: 1 } } }, 'ERR_JWT_CLAIM_VALIDATION_FAILED', 'events'],
    [{ sub: undefined }, 'ERR_JWT_CLAIM_VALIDATION_FAILED', 'sub'],
    [{ aud: 'someone-else' }, 'ERR_JWT_CLAIM_VALIDATION_FAILED', 'aud'],
    [{ exp: NOW - 60 }, 'ERR_JWT_EXPIRED', 'exp'],
  ];
  for (const [extra, code, claim] of cases) rejects(() => verifyLogoutToken(logoutToken(ol.es, extra), opts), code, claim);
  rejects(() => verifyLogoutToken(logoutToken(ol.es, {}, { typ: 'JWT' }), opts), 'ERR_JWT_CLAIM_VALIDATION_FAILED', 'typ');
  rejects(() => verifyLogoutToken(logoutToken(ol.rs), opts), 'ERR_JOSE_ALG_NOT_ALLOWED');
});

test('signClientAssertion: RS256 and PS256, PEM / JWK / SigningKey, verified by jose', async () => {
  const publicKey = createPublicKey(ol.rp.privateKey);
  const audience = 'https://oidc.integration.account.gov.uk/token';
  const key = new SigningKey(ol.rp.pem);
  try {
    assert.equal(key.bits, 2048);
    assert.equal(new SigningKey(ol.rp.jwk).kid, 'rp-key-1');
    for (const alg of ['RS256', 'PS256']) {
      for (const privateKey of [ol.rp.pem, ol.rp.jwk, JSON.stringify(ol.rp.jwk), key]) {
        const jwt = signClientAssertion({ privateKey, clientId: CLIENT_ID, environment: 'integration', alg, now: NOW });
        const { payload, protectedHeader } = await jwtVerify(jwt, publicKey, {
          algorithms: [alg],
          issuer: CLIENT_ID,
          subject: CLIENT_ID,
          audience,
          currentDate: new Date(NOW * 1000),
        });
        assert.equal(protectedHeader.alg, alg);
        assert.equal(payload.iat, NOW);
        assert.equal(payload.exp, NOW + 300, 'default lifetime 5 minutes');
        assert.match(payload.jti, /^[A-Za-z0-9_-]{16,}$/);
      }
      assert.equal(key.bits, 2048, 'the SigningKey passed in stays usable');
    }
    // Explicit audience, lifetime, jti and kid; jti differs per call otherwise.
    const jwt = signClientAssertionWithKey(key, {
      clientId: CLIENT_ID,
      audience: ISSUER,
      now: NOW,
      lifetime: 60,
      jti: 'fixed-jti',
      kid: 'rp-key-1',
    });
    const { payload } = await jwtVerify(jwt, publicKey, { audience: ISSUER, currentDate: new Date(NOW * 1000) });
    assert.deepEqual(payload, { iss: CLIENT_ID, sub: CLIENT_ID, aud: ISSUER, jti: 'fixed-jti', iat: NOW, exp: NOW + 60 });
    assert.equal(decodeProtectedHeader(jwt).kid, 'rp-key-1');
    const a = decodeJwt(signClientAssertion({ privateKey: key, clientId: CLIENT_ID, audience, now: NOW })).payload.jti;
    const b = decodeJwt(signClientAssertion({ privateKey: key, clientId: CLIENT_ID, audience, now: NOW })).payload.jti;
    assert.notEqual(a, b);
  } finally {
    key.free();
  }
  rejects(() => signClientAssertion({ privateKey: ol.rp.pem, clientId: CLIENT_ID, audience, alg: 'ES256' }), 'ERR_JOSE_NOT_SUPPORTED');
  rejects(() => signClientAssertion({ privateKey: ol.rp.pem, clientId: CLIENT_ID }), 'ERR_INVALID_ARGUMENT');
  rejects(() => signClientAssertion({ clientId: CLIENT_ID, audience }), 'ERR_INVALID_ARGUMENT');
  rejects(() => signClientAssertion({ privateKey: 'not a key', clientId: CLIENT_ID, audience }), 'ERR_INVALID_ARGUMENT');
  rejects(() => signClientAssertion(), 'ERR_INVALID_ARGUMENT');
});

const authParams = (extra = {}) => ({
  environment: 'integration',
  clientId: CLIENT_ID,
  redirectUri: 'https://rp.example/callback?x=1&y=2',
  scope: ['openid', 'email'],
  state: 'st/ate+1',
  nonce: NONCE,
  codeChallenge: pkceChallenge('a'.repeat(43)),
  ...extra,
});

test('buildAuthorizationUrl: every parameter encoded, vtr and claims as JSON', () => {
  const claims = { userinfo: { 'https://vocab.account.gov.uk/v1/coreIdentityJWT': null } };
  const url = new URL(buildAuthorizationUrl(authParams({ vtr: ['Cl.Cm.P2'], claims, uiLocales: 'cy', prompt: 'login', maxAge: 0 })));
  assert.equal(url.origin + url.pathname, 'https://oidc.integration.account.gov.uk/authorize');
  const p = url.searchParams;
  assert.equal(p.get('response_type'), 'code');
  assert.equal(p.get('client_id'), CLIENT_ID);
  assert.equal(p.get('redirect_uri'), 'https://rp.example/callback?x=1&y=2');
  assert.equal(p.get('scope'), 'openid email');
  assert.equal(p.get('state'), 'st/ate+1');
  assert.equal(p.get('nonce'), NONCE);
  assert.equal(p.get('code_challenge_method'), 'S256');
  assert.equal(pkceMatches('a'.repeat(43), p.get('code_challenge')), true);
  assert.deepEqual(JSON.parse(p.get('vtr')), ['Cl.Cm.P2']);
  assert.deepEqual(JSON.parse(p.get('claims')), claims);
  assert.equal(p.get('ui_locales'), 'cy');
  assert.equal(p.get('prompt'), 'login');
  assert.equal(p.get('max_age'), '0');
  // Nothing unencoded that a WAF or a server could split differently.
  assert.doesNotMatch(url.search, /[ "{}[\]]/);
  assert.doesNotMatch(url.search.slice(1), /[?/]/);
  // A single vector and the JSON text give the same vtr.
  const one = new URL(buildAuthorizationUrl(authParams({ vtr: 'Cl.Cm' }))).searchParams.get('vtr');
  assert.deepEqual(JSON.parse(one), ['Cl.Cm']);
  const simulator = buildAuthorizationUrl(authParams({ environment: { baseUrl: 'http://localhost:3000' } }));
  assert.ok(simulator.startsWith('http://localhost:3000/authorize?'));
  rejects(() => buildAuthorizationUrl(authParams({ nonce: undefined })), 'ERR_INVALID_ARGUMENT');
  rejects(() => buildAuthorizationUrl(authParams({ environment: undefined })), 'ERR_INVALID_ARGUMENT');
});

test('signRequestObject: RS256 JWT with the authorize parameters, verified by jose', async () => {
  const jwt = signRequestObject({ privateKey: ol.rp.pem, ...authParams({ vtr: '["Cl.Cm.P2"]', now: NOW }) });
  const { payload, protectedHeader } = await jwtVerify(jwt, createPublicKey(ol.rp.privateKey), {
    algorithms: ['RS256'],
    issuer: CLIENT_ID,
    audience: 'https://oidc.integration.account.gov.uk/authorize',
    currentDate: new Date(NOW * 1000),
  });
  assert.equal(protectedHeader.alg, 'RS256');
  assert.equal(payload.client_id, CLIENT_ID);
  assert.equal(payload.response_type, 'code');
  assert.equal(payload.redirect_uri, 'https://rp.example/callback?x=1&y=2');
  assert.equal(payload.scope, 'openid email');
  assert.equal(payload.state, 'st/ate+1');
  assert.equal(payload.nonce, NONCE);
  assert.deepEqual(payload.vtr, ['Cl.Cm.P2']);
  assert.ok(payload.exp > NOW);
  rejects(() => signRequestObject(authParams()), 'ERR_INVALID_ARGUMENT');
});

test('guards: non-string tokens, wrong or freed instances are TokenErrors, never crashes', () => {
  for (const bad of [123, undefined, null, {}, ['a.b.c'], Symbol('x')]) {
    rejects(() => decodeJwt(bad), 'ERR_INVALID_ARGUMENT');
    rejects(() => verifyIdToken(bad, idOpts()), 'ERR_INVALID_ARGUMENT');
    rejects(() => verifyJwt(bad, { jwks: ol.jwks }), 'ERR_INVALID_ARGUMENT');
    rejects(() => pkceChallenge(bad), 'ERR_INVALID_ARGUMENT');
    rejects(() => pkceMatches(bad, 'x'), 'ERR_INVALID_ARGUMENT');
  }
  const keys = new KeySet(ol.jwks);
  keys.free();
  rejects(() => verifyIdToken(idToken(ol.es), idOpts({ jwks: keys })), 'ERR_INVALID_ARGUMENT');
  rejects(() => verifyIdTokenWithKeySet(idToken(ol.es), keys, idOpts()), 'ERR_INVALID_ARGUMENT');
  rejects(() => verifyIdTokenWithKeySet(idToken(ol.es), ol.jwks, idOpts()), 'ERR_INVALID_ARGUMENT');
  const did = new DidDocument(ol.didDocument);
  // A DidDocument where a JWKS belongs is not a key set.
  rejects(() => verifyIdToken(idToken(ol.es), idOpts({ jwks: did })), 'ERR_JWKS_INVALID');
  did.free();
  rejects(() => verifyCoreIdentityWithDidDocument('a.b.c', did, {}), 'ERR_INVALID_ARGUMENT');
  // The module still works after all of that.
  assert.equal(verifyIdToken(idToken(ol.es), idOpts()).sub, SUB);
  assert.equal(atHash(ACCESS_TOKEN).length, 22);
});

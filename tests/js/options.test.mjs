// Typed options: every exported function reads its options as one Rust struct, so a misspelled
// member is refused by name (with the nearest known name), a member of the wrong type names
// itself and the expected type, and every ERR_INVALID_ARGUMENT carries `option`.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  verifyIdToken,
  verifyJwt,
  verifyLogoutToken,
  verifyCoreIdentity,
  decodeJwt,
  inspectToken,
  buildAuthorizationUrl,
  getEnvironment,
  KeySet,
  TokenError,
} from 'govuk-one-login-tokens';
import { makeOneLogin, idToken, idClaims, CLIENT_ID, NONCE, NOW } from './onelogin-fixtures.mjs';

let keys;
let jwksJson;
let token;
const idOpts = () => ({ environment: 'integration', clientId: CLIENT_ID, nonce: NONCE, now: NOW });
before(async () => {
  const oneLogin = await makeOneLogin();
  keys = new KeySet(oneLogin.jwks);
  jwksJson = JSON.stringify(oneLogin.jwks);
  token = await idToken(oneLogin.es, { auth_time: NOW - 1000 });
});

function refused(fn, option, messagePart) {
  let error;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof TokenError, `expected a TokenError, got ${error}`);
  assert.equal(error.code, 'ERR_INVALID_ARGUMENT', error.message);
  assert.equal(error.option, option, error.message);
  if (messagePart) assert.ok(error.message.includes(messagePart), error.message);
  return error;
}

test('the check a misspelled option was meant to switch on is never silently off', () => {
  // maxAge: 1 refuses this token (auth_time 1000 s ago); each misspelling is refused by name.
  assert.throws(() => verifyIdToken(token, { ...idOpts(), jwks: keys, maxAge: 1 }), { code: 'ERR_JWT_CLAIM_VALIDATION_FAILED' });
  for (const [wrong, right] of [
    ['maxage', 'maxAge'],
    ['max_age', 'maxAge'],
    ['accesstoken', 'accessToken'],
    ['access_token', 'accessToken'],
    ['clocktolerance', 'clockTolerance'],
    ['clientID', 'clientId'],
    ['nounce', 'nonce'],
  ]) {
    refused(
      () => verifyIdToken(token, { ...idOpts(), jwks: keys, [wrong]: 1 }),
      wrong,
      `unknown option "${wrong}"; did you mean "${right}"?`,
    );
  }
  refused(() => verifyIdToken(token, { ...idOpts(), jwks: keys, colour: 'blue' }), 'colour', 'unknown option "colour"');
});

test('every exported function refuses unknown members', () => {
  refused(() => verifyJwt(token, { jwks: keys, now: NOW, audiance: 'x' }), 'audiance', 'did you mean "audience"?');
  refused(() => verifyLogoutToken(token, { ...idOpts(), jwks: keys, nonce: undefined, jtI: 'x' }), 'jtI');
  refused(() => verifyCoreIdentity(token, { ...idOpts(), didDocument: { id: 'did:web:x', assertionMethod: [] }, nonce: undefined, sub: 's', subject: 's' }), 'subject');
  refused(() => decodeJwt(token, { maxTokenSise: 10 }), 'maxTokenSise', 'did you mean "maxTokenSize"?');
  refused(() => inspectToken(token, { didDocumnet: '{}' }), 'didDocumnet', 'did you mean "didDocument"?');
  refused(() => buildAuthorizationUrl({ environment: 'integration', redirect_uri: 'x' }), 'redirect_uri', 'did you mean "redirectUri"?');
  // Nested objects too: the custom environment names the member by its path.
  refused(() => getEnvironment({ baseUrl: 'http://localhost:3000', jwksUri: 'x' }), 'environment.jwksUri', 'did you mean "jwksUrl"?');
});

test('a member of the wrong type names itself and the expected type, never echoing the value', () => {
  const secret = 'eyJhbGciOiJFUzI1NiJ9.c2VjcmV0.c2ln';
  const e = refused(() => verifyIdToken(token, { ...idOpts(), jwks: keys, maxAge: secret }), 'maxAge', 'a number');
  assert.ok(!e.message.includes(secret), e.message);
  refused(() => verifyIdToken(token, { ...idOpts(), jwks: keys, requireKid: true }), 'requireKid');
  refused(() => verifyJwt(token, { jwks: keys, algorithms: 'ES256' }), 'algorithms', 'an array');
  refused(() => verifyIdToken(token, { ...idOpts(), jwks: keys, vtr: 7 }), 'vtr', 'a string or an array of strings');
  refused(() => verifyIdToken(token, { ...idOpts(), jwks: keys, clockTolerance: NaN }), 'clockTolerance');
  refused(() => verifyIdToken(token, { ...idOpts(), jwks: keys, maxAge: 1.5 }), 'maxAge');
});

test('undefined is absent, null is an explicit opt-out', () => {
  // `nonce: undefined` (an unset session value) must not mean "no nonce was sent".
  refused(() => verifyIdToken(token, { ...idOpts(), jwks: keys, nonce: undefined }), 'nonce', 'null if you sent none');
  // Other members set to undefined are simply absent.
  assert.equal(verifyIdToken(token, { ...idOpts(), jwks: keys, maxAge: undefined, accessToken: undefined }).sub, idClaims().sub);
});

test('a throwing getter in an options object is a TokenError, and the key set stays usable', () => {
  const options = { ...idOpts(), jwks: keys };
  Object.defineProperty(options, 'maxAge', { enumerable: true, get() { throw new Error('boom'); } });
  refused(() => verifyIdToken(token, options), 'options', 'could not be read');
  assert.equal(verifyIdToken(token, { ...idOpts(), jwks: keys }).sub, idClaims().sub);
});

test('verifyIdToken and inspectToken agree over every vtr form and option mistake', () => {
  const forms = [undefined, '["Cl.Cm"]', 'Cl.Cm', ['Cl.Cm'], '["Cl"]', '["Cl.Cm.P2"]', ['Cl.Cm.P2', 'Cl.Cm.P1'], '[]', 'nonsense', 7];
  const outcome = (fn) => {
    try {
      fn();
      return 'accepted';
    } catch (e) {
      return e.code === 'ERR_INVALID_ARGUMENT' ? `${e.code} ${e.option}` : `${e.code} ${e.claim ?? ''}`;
    }
  };
  for (const vtr of forms) {
    const options = { ...idOpts(), ...(vtr === undefined ? {} : { vtr }) };
    const verified = outcome(() => verifyIdToken(token, { ...options, jwks: keys }));
    const inspected = outcome(() => {
      const result = inspectToken(token, { ...options, kind: 'id_token', jwks: jwksJson });
      if (result.verdict === 'valid') return;
      const failed = result.checks.find((c) => c.status === 'fail');
      throw Object.assign(new Error(failed.message), { code: failed.code, claim: failed.claim });
    });
    assert.equal(inspected, verified, `vtr ${JSON.stringify(vtr)}`);
  }
});

test('OneLoginClient.create refuses a misspelled option instead of quietly using a default', async () => {
  const { OneLoginClient } = await import('govuk-one-login-tokens');
  const base = { environment: 'integration', clientId: 'c' };
  // A misspelled store would leave a multi-instance service on the per-process default.
  refused(() => OneLoginClient.create({ ...base, stores: {} }), 'stores', 'did you mean "store"?');
  refused(() => OneLoginClient.create({ ...base, userAgnet: 'svc/1' }), 'userAgnet', 'did you mean "userAgent"?');
  refused(() => OneLoginClient.create({ ...base, timeoutMs: '5000' }), 'timeoutMs', 'a number');
  assert.equal(OneLoginClient.create({ ...base, userAgent: 'svc/1', fetch: globalThis.fetch }).clientId, 'c');
});

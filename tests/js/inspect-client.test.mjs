// inspectToken on the service's own JWTs (issue 19 part 6): client assertions and request objects
// made by this package's signer pass every check against the service's published keys; each
// broken rule fails exactly its own check, with what One Login answers in the message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { SignJWT } from 'jose';
import { OneLoginClient, inspectToken, signClientAssertion, signRequestObject } from 'govuk-one-login-tokens';

const CLIENT_ID = 'inspect-client';
const REDIRECT_URI = 'https://rp.example/callback';
const TOKEN_URL = 'https://oidc.integration.account.gov.uk/token';
const AUTHORIZE_URL = 'https://oidc.integration.account.gov.uk/authorize';
const NOW = Math.floor(Date.now() / 1000);

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pem = privateKey.export({ type: 'pkcs8', format: 'pem' });
const client = OneLoginClient.create({ environment: 'integration', clientId: CLIENT_ID, redirectUri: REDIRECT_URI, privateKey: pem, userAgent: 'inspect-client-tests/1.0' });
const jwks = await client.publicJwks();
const kid = jwks.keys[0].kid;
const inputs = { serviceKeys: jwks, clientId: CLIENT_ID, environment: 'integration' };

const authParams = { clientId: CLIENT_ID, redirectUri: REDIRECT_URI, state: 'state-1', nonce: 'nonce-1', codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', environment: 'integration' };

/** A JWT no signer of this package would make, signed with the service's key. */
function signed(claims, header = { alg: 'RS256', kid }) {
  return new SignJWT(claims).setProtectedHeader(header).sign(privateKey);
}

const failures = (result) => result.checks.filter((c) => c.status === 'fail');
const check = (result, id) => result.checks.find((c) => c.id === id);

test('an assertion and a request object the client made pass every check', () => {
  const assertion = inspectToken(client.clientAssertion(), inputs);
  assert.equal(assertion.kind, 'client_assertion');
  assert.deepEqual(failures(assertion), []);
  assert.equal(assertion.verdict, 'valid');
  assert.equal(assertion.signatureVerified, true);
  assert.ok(['sub_is_iss', 'endpoint_aud', 'client_lifetime', 'client_jti'].every((id) => check(assertion, id)?.status === 'pass'));

  const jar = inspectToken(signRequestObject({ privateKey: pem, ...authParams }), inputs);
  assert.equal(jar.kind, 'request_object');
  assert.equal(jar.verdict, 'valid', JSON.stringify(failures(jar)));
  assert.ok(['client_id', 'response_type', 'scope', 'no_nested_request'].every((id) => check(jar, id)?.status === 'pass'));
});

test('each broken rule of an assertion fails its own check with One Login\'s answer', async () => {
  const base = { iss: CLIENT_ID, sub: CLIENT_ID, aud: TOKEN_URL, jti: 'jti-1', iat: NOW, exp: NOW + 300 };
  const cases = [
    ['another client', signClientAssertion({ privateKey: pem, clientId: 'someone-else', environment: 'integration', kid }), 'iss', 'invalid_client "Invalid signature in private_key_jwt"'],
    ['aud the authorize URL', client.clientAssertion({ audience: AUTHORIZE_URL }), 'endpoint_aud', 'invalid_client'],
    ['expired', client.clientAssertion({ now: NOW - 1000 }), 'exp', 'invalid_grant "private_key_jwt has expired"'],
    ['a retired kid', client.clientAssertion({ kid: 'retired' }), 'kid_found', 'invalid_client'],
    ['sub is not iss', await signed({ ...base, sub: 'someone' }), 'sub_is_iss', 'invalid_client'],
    ['two hours', await signed({ ...base, exp: NOW + 7200 }), 'client_lifetime', 'recommends 5 minutes'],
    ['no kid', await signed(base, { alg: 'RS256' }), 'kid', 'invalid_client'],
  ];
  for (const [name, token, id, answer] of cases) {
    const result = inspectToken(token, inputs);
    assert.equal(result.kind, 'client_assertion', name);
    const failed = failures(result);
    assert.deepEqual(failed.map((c) => c.id), [id], name);
    assert.ok(failed[0].message.includes(answer), `${name}: ${failed[0].message}`);
    assert.equal(result.verdict, 'invalid', name);
  }
});

test('each broken rule of a request object fails its own check with One Login\'s answer', async () => {
  const base = { iss: CLIENT_ID, aud: AUTHORIZE_URL, client_id: CLIENT_ID, response_type: 'code', redirect_uri: REDIRECT_URI, scope: 'openid', state: 's', nonce: 'n', iat: NOW, exp: NOW + 300 };
  const cases = [
    ['aud the token URL', signRequestObject({ privateKey: pem, ...authParams, audience: TOKEN_URL }), 'endpoint_aud', 'error=access_denied'],
    ['another client_id', await signed({ ...base, client_id: 'someone-else' }), 'client_id', 'error=unauthorized_client'],
    ['response_type token', await signed({ ...base, response_type: 'token' }), 'response_type', 'error=unsupported_response_type'],
    ['no openid', await signed({ ...base, scope: 'email' }), 'scope', 'error=invalid_request'],
    ['no nonce', await signed({ ...base, nonce: undefined }), 'required', '"Request is missing nonce parameter"'],
  ];
  for (const [name, token, id, answer] of cases) {
    const result = inspectToken(token, inputs);
    assert.equal(result.kind, 'request_object', name);
    const failed = failures(result);
    assert.deepEqual(failed.map((c) => c.id), [id], name);
    assert.ok(failed[0].message.includes(answer), `${name}: ${failed[0].message}`);
  }
});

test('without the service keys the signature waits for them; a PEM is one static key', () => {
  const assertion = client.clientAssertion();
  const bare = inspectToken(assertion, { clientId: CLIENT_ID, environment: 'integration' });
  assert.equal(bare.verdict, 'incomplete');
  const signature = check(bare, 'signature');
  assert.equal(signature.skipped, 'missing_input');
  assert.equal(signature.input, 'serviceKeys');
  assert.match(signature.inputLabel, /public key/);

  const spki = publicKey.export({ type: 'spki', format: 'pem' });
  const withPem = inspectToken(assertion, { ...inputs, serviceKeys: spki });
  assert.equal(withPem.verdict, 'valid');
  assert.equal(check(withPem, 'kid_found').skipped, 'not_requested');
});

test('the service keys option is typed and checked: unknown members and private keys are refused by name', () => {
  const assertion = client.clientAssertion();
  assert.throws(() => inspectToken(assertion, { ...inputs, serviceKey: jwks }), (e) => e.code === 'ERR_INVALID_ARGUMENT' && /did you mean "serviceKeys"/.test(e.message));
  const privateJwk = privateKey.export({ format: 'jwk' });
  assert.throws(() => inspectToken(assertion, { ...inputs, serviceKeys: privateJwk }), (e) => e.code === 'ERR_JWK_INVALID' && e.option === 'serviceKeys');
  assert.throws(() => inspectToken(assertion, { ...inputs, serviceKeys: 'not a key' }), (e) => e.code === 'ERR_JWK_INVALID' && e.option === 'serviceKeys');
});

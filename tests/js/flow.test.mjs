// The whole relying-party flow of OneLoginClient against the in-repo test OP
// (tests/support/test-op.mjs): sign-in with private_key_jwt and client_secret_post, identity with
// every userinfo claim view, every injected fault refused with its code (and nothing accepted),
// logout URL, back-channel logout with replay refusal, discovery and DID document checks.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { exportJWK } from 'jose';
import { OneLoginClient, TokenError, SigningKey } from 'govuk-one-login-tokens';
import { startTestOp, CLAIM } from '../support/test-op.mjs';

const CLIENT_ID = 'flow-client';
const SECRET_CLIENT_ID = 'flow-secret-client';
const REDIRECT_URI = 'https://rp.example/callback';
const POST_LOGOUT_URI = 'https://rp.example/signed-out';
const USER_AGENT = 'flow-tests/1.0';

let op;
let secretOp;
let privatePem;
let oneLogin;

before(async () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  privatePem = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' });
  op = await startTestOp({
    clientId: CLIENT_ID,
    clientPublicJwk: await exportJWK(rsa.publicKey),
    redirectUris: [REDIRECT_URI],
    postLogoutRedirectUris: [POST_LOGOUT_URI],
  });
  secretOp = await startTestOp({ clientId: SECRET_CLIENT_ID, clientSecret: 's3cret', redirectUris: [REDIRECT_URI] });
  oneLogin = client();
});
after(async () => {
  oneLogin.dispose();
  await Promise.all([op.close(), secretOp.close()]);
});
afterEach(() => {
  op.reset();
  secretOp.reset();
});

function client(extra = {}) {
  return OneLoginClient.create({
    environment: op.environment,
    clientId: CLIENT_ID,
    userAgent: USER_AGENT,
    redirectUri: REDIRECT_URI,
    privateKey: privatePem,
    timeoutMs: 1500,
    ...extra,
  });
}

/** Start a sign-in and play the browser: `{ callback, transaction, url }`. */
async function signIn(c = oneLogin, options = {}, theOp = op) {
  const { url, transaction } = c.startSignIn(options);
  const callback = await theOp.authorize(url);
  return { url, transaction, callback };
}

/** The requests the OP saw to one path since `from`. */
const requestsTo = (path, from = 0, theOp = op) => theOp.requests.slice(from).filter((r) => r.path === path);

async function refused(promise, code, check = () => {}) {
  await assert.rejects(promise, (error) => {
    assert.ok(error instanceof TokenError, `${error?.name}: ${error?.message}`);
    assert.equal(error.code, code, error.message);
    check(error);
    return true;
  });
}

const IDENTITY = { vtr: ['Cl.Cm.P2'], scope: ['openid', 'email', 'phone'], claims: ['coreIdentityJWT', 'address', 'passport', 'drivingPermit', 'returnCode'] };

test('a complete sign-in with private_key_jwt: ID token, userinfo, no identity asked', async () => {
  const { transaction, callback, url } = await signIn(oneLogin, { scope: ['openid', 'email'] });
  assert.deepEqual(Object.keys(transaction).sort(), ['claims', 'clientId', 'codeVerifier', 'issuer', 'nonce', 'redirectUri', 'state']);
  assert.equal(JSON.parse(JSON.stringify(transaction)).state, transaction.state);
  assert.ok(new URL(url).searchParams.get('code_challenge'));
  const before = op.requests.length;
  const signedIn = await oneLogin.completeSignIn(new URL(callback).pathname + new URL(callback).search, JSON.parse(JSON.stringify(transaction)));
  assert.equal(signedIn.sub, op.sub);
  assert.equal(signedIn.claims.sub, op.sub);
  assert.equal(signedIn.claims.nonce, transaction.nonce);
  assert.equal(signedIn.userinfo.sub, op.sub);
  assert.equal(signedIn.email, 'test@example.com');
  assert.equal(signedIn.emailVerified, true);
  assert.equal(signedIn.identity, null);
  for (const name of ['addresses', 'passports', 'drivingPermits', 'returnCodes', 'phoneNumber', 'walletSubjectId']) {
    assert.equal(signedIn[name], null, name);
  }
  assert.match(signedIn.idToken, /^ey/);
  assert.match(signedIn.accessToken, /^ey/);
  // The wire: token request with private_key_jwt and PKCE, userinfo with Bearer, our User-Agent.
  const [token] = requestsTo('/token', before);
  const form = new URLSearchParams(token.body);
  assert.equal(form.get('grant_type'), 'authorization_code');
  assert.equal(form.get('code_verifier'), transaction.codeVerifier);
  assert.equal(form.get('client_assertion_type'), 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
  assert.equal(form.get('client_secret'), null);
  assert.equal(token.headers['user-agent'], USER_AGENT);
  const [userinfo] = requestsTo('/userinfo', before);
  assert.equal(userinfo.headers.authorization, `Bearer ${signedIn.accessToken}`);
  assert.equal(userinfo.headers['user-agent'], USER_AGENT);
});

test('a complete sign-in with identity: core identity and every userinfo claim view', async () => {
  const { transaction, callback } = await signIn(oneLogin, IDENTITY);
  assert.equal(transaction.vtr, '["Cl.Cm.P2"]');
  const signedIn = await oneLogin.completeSignIn(callback, transaction);
  assert.equal(signedIn.identity.levelOfConfidence, 'P2');
  assert.deepEqual(signedIn.identity.currentName.givenNames, ['KENNETH']);
  assert.equal(signedIn.identity.currentName.fullName, 'KENNETH DECERQUEIRA');
  assert.equal(signedIn.identity.birthDate, '1965-07-08');
  assert.equal(signedIn.identity.claims.sub, signedIn.sub);
  assert.deepEqual(signedIn.addresses, [
    { uprn: 100120472196, buildingNumber: '26', streetName: 'FRAMPTON ROAD', addressLocality: 'GLOUCESTER', postalCode: 'GL1 5QB', addressCountry: 'GB', validFrom: '2000-01-01', current: true },
  ]);
  assert.deepEqual(signedIn.passports, [{ documentNumber: '123456789', icaoIssuerCode: 'GBR', expiryDate: '2029-02-02' }]);
  assert.equal(signedIn.drivingPermits[0].personalNumber, 'DOE99802085J99FG');
  assert.equal(signedIn.drivingPermits[0].issuedBy, 'DVLA');
  assert.deepEqual(signedIn.returnCodes, [{ code: 'A' }]);
  assert.equal(signedIn.phoneNumber, '+447700900123');
  assert.equal(signedIn.phoneNumberVerified, true);
  assert.equal(typeof signedIn.userinfo[CLAIM.coreIdentityJWT], 'string');
});

test('identity requested but not sent: identity is null and return codes are kept', async () => {
  op.userinfoFor(op.sub, { [CLAIM.coreIdentityJWT]: undefined, [CLAIM.returnCode]: [{ code: 'B' }, { code: 'C' }], wallet_subject_id: 'urn:fdc:wallet.account.gov.uk:2024:abc' });
  const { transaction, callback } = await signIn(oneLogin, { ...IDENTITY, scope: ['openid', 'wallet-subject-id'] });
  const signedIn = await oneLogin.completeSignIn(callback, transaction);
  assert.equal(signedIn.identity, null);
  assert.deepEqual(signedIn.returnCodes, [{ code: 'B' }, { code: 'C' }]);
  assert.equal(signedIn.walletSubjectId, 'urn:fdc:wallet.account.gov.uk:2024:abc');
});

test('a complete sign-in with client_secret_post, which One Login allows only without identity', async () => {
  const secretClient = OneLoginClient.create({
    environment: secretOp.environment,
    clientId: SECRET_CLIENT_ID,
    redirectUri: REDIRECT_URI,
    clientSecret: 's3cret',
    userAgent: USER_AGENT,
  });
  try {
    const { transaction, callback } = await signIn(secretClient, { scope: 'openid email' }, secretOp);
    const before = secretOp.requests.length;
    const signedIn = await secretClient.completeSignIn(callback, transaction);
    assert.equal(signedIn.sub, secretOp.sub);
    const form = new URLSearchParams(requestsTo('/token', before, secretOp)[0].body);
    assert.equal(form.get('client_id'), SECRET_CLIENT_ID);
    assert.equal(form.get('client_secret'), 's3cret');
    assert.equal(form.get('client_assertion'), null);
    assert.throws(() => secretClient.startSignIn(IDENTITY), (e) => e.code === 'ERR_INVALID_ARGUMENT' && /client_secret_post/.test(e.message));
  } finally {
    secretClient.dispose();
  }
});

test('callback forms: URL, URLSearchParams, object and fragment', async () => {
  for (const form of ['url', 'params', 'object']) {
    const { transaction, callback } = await signIn();
    const url = new URL(callback);
    const input = form === 'url' ? url : form === 'params' ? url.searchParams : Object.fromEntries(url.searchParams);
    assert.equal((await oneLogin.completeSignIn(input, transaction)).sub, op.sub, form);
  }
  const { transaction, callback } = await signIn(oneLogin, { responseMode: 'fragment', maxAge: 3600 });
  assert.ok(new URL(callback).hash.includes('code='));
  assert.equal((await oneLogin.completeSignIn(callback, transaction)).sub, op.sub);
});

test('state mismatch or no transaction: ERR_OAUTH_STATE_MISMATCH and no request reaches the OP', async () => {
  const { transaction, callback } = await signIn();
  const before = op.requests.length;
  const other = oneLogin.startSignIn().transaction;
  await refused(oneLogin.completeSignIn(callback, other), 'ERR_OAUTH_STATE_MISMATCH');
  await refused(oneLogin.completeSignIn(callback, undefined), 'ERR_OAUTH_STATE_MISMATCH');
  await refused(oneLogin.completeSignIn(callback, null), 'ERR_OAUTH_STATE_MISMATCH');
  op.inject({ stateOverride: 'forged-state' });
  const forged = await signIn();
  const afterAuthorize = op.requests.length;
  await refused(oneLogin.completeSignIn(forged.callback, forged.transaction), 'ERR_OAUTH_STATE_MISMATCH');
  assert.equal(op.requests.length, afterAuthorize, 'nothing sent after a forged state');
  assert.equal(requestsTo('/token', before).length, 0);
  assert.ok(transaction);
});

test('every authorize error redirect: ERR_OAUTH_AUTHORIZATION_ERROR with error and description', async () => {
  for (const error of [
    'access_denied',
    'login_required',
    'temporarily_unavailable',
    'invalid_request',
    'invalid_scope',
    'unauthorized_client',
    'unmet_authentication_requirements',
    'server_error',
    'unsupported_response_type',
    'request_uri_not_supported',
  ]) {
    op.inject({ authorizeError: error });
    const { transaction, callback } = await signIn();
    const before = op.requests.length;
    await refused(oneLogin.completeSignIn(callback, transaction), 'ERR_OAUTH_AUTHORIZATION_ERROR', (e) => {
      assert.equal(e.error, error);
      assert.equal(typeof e.errorDescription, 'string');
    });
    assert.equal(op.requests.length, before, `${error}: nothing sent`);
  }
});

test('token endpoint faults: ERR_OAUTH_TOKEN_ERROR with status and error', async () => {
  const cases = [
    [{ token: { status: 400 } }, (e) => (assert.equal(e.status, 400), assert.equal(e.error, 'invalid_grant'))],
    [{ token: { status: 401 } }, (e) => (assert.equal(e.status, 401), assert.equal(e.error, 'invalid_client'))],
    [{ token: { status: 500 } }, (e) => (assert.equal(e.status, 500), assert.equal(e.error, undefined))],
    [{ token: 'hang' }, (e) => assert.equal(e.reason, 'timeout')],
    [{ token: 'redirect' }, (e) => assert.equal(e.reason, 'redirect')],
    [{ token: 'html' }, (e) => assert.equal(e.status, 200)],
    [{ token: 'oversize' }, (e) => assert.equal(e.reason, 'too_large')],
    [{ tokenType: 'DPoP' }, (e) => assert.match(e.message, /Bearer/)],
    [{ noIdToken: true }, (e) => assert.match(e.message, /id_token/)],
  ];
  for (const [fault, check] of cases) {
    const { transaction, callback } = await signIn();
    op.inject(fault);
    const before = op.requests.length;
    await refused(oneLogin.completeSignIn(callback, transaction), 'ERR_OAUTH_TOKEN_ERROR', check);
    assert.equal(requestsTo('/userinfo', before).length, 0, `${JSON.stringify(fault)}: no userinfo request`);
    assert.equal(requestsTo('/elsewhere', before).length, 0, 'no redirect followed');
    op.reset();
  }
});

test('an ID token for another client, another nonce, or signed by an unknown key is refused', async () => {
  const cases = [
    [{ idTokenClaims: { aud: 'another-client' } }, 'ERR_JWT_CLAIM_VALIDATION_FAILED', 'aud'],
    [{ idTokenClaims: { nonce: 'another-nonce' } }, 'ERR_JWT_CLAIM_VALIDATION_FAILED', 'nonce'],
    [{ idTokenClaims: { at_hash: 'AAAAAAAAAAAAAAAAAAAAAA' } }, 'ERR_JWT_CLAIM_VALIDATION_FAILED', 'at_hash'],
    [{ idTokenClaims: { vot: 'Cl' } }, 'ERR_JWT_CLAIM_VALIDATION_FAILED', 'vot'],
    [{ idTokenClaims: { iss: 'https://oidc.account.gov.uk/' } }, 'ERR_JWT_CLAIM_VALIDATION_FAILED', 'iss'],
    [{ idTokenKey: 'unknown' }, 'ERR_JWKS_NO_MATCHING_KEY', undefined],
  ];
  for (const [fault, code, claim] of cases) {
    const { transaction, callback } = await signIn();
    op.inject(fault);
    const before = op.requests.length;
    await refused(oneLogin.completeSignIn(callback, transaction), code, (e) => assert.equal(e.claim, claim));
    assert.equal(requestsTo('/userinfo', before).length, 0);
    op.reset();
  }
});

test('userinfo faults: 401 with WWW-Authenticate, sub mismatch, malformed claims, hang, oversize', async () => {
  const cases = [
    [{ userinfo: { status: 401 } }, (e) => (assert.equal(e.status, 401), assert.equal(e.error, 'invalid_token'), assert.equal(e.errorDescription, 'Invalid access token'))],
    [{ userinfo: { status: 500, body: 'oops' } }, (e) => assert.equal(e.status, 500)],
    [{ userinfoSub: 'urn:fdc:gov.uk:2022:someone-else' }, (e) => (assert.equal(e.reason, 'sub_mismatch'), assert.equal(e.claim, 'sub'))],
    [{ userinfoClaims: { [CLAIM.address]: { postalCode: 'GL1 5QB' } } }, (e) => assert.equal(e.claim, CLAIM.address)],
    [{ userinfoClaims: { [CLAIM.address]: [{ buildingNumber: 26 }] } }, (e) => assert.equal(e.claim, CLAIM.address)],
    [{ userinfoClaims: { [CLAIM.passport]: [{ icaoIssuerCode: 'GBR', expiryDate: '2029-02-02' }] } }, (e) => assert.equal(e.claim, CLAIM.passport)],
    [{ userinfoClaims: { [CLAIM.passport]: 'GBR123456789' } }, (e) => assert.equal(e.claim, CLAIM.passport)],
    [{ userinfo: 'hang' }, (e) => assert.equal(e.reason, 'timeout')],
    [{ userinfo: 'oversize' }, (e) => assert.equal(e.reason, 'too_large')],
  ];
  for (const [fault, check] of cases) {
    const { transaction, callback } = await signIn(oneLogin, IDENTITY);
    op.inject(fault);
    await refused(oneLogin.completeSignIn(callback, transaction), 'ERR_OAUTH_USERINFO_ERROR', check);
    op.reset();
  }
});

test('a core identity credential for another user or below the requested level is refused', async () => {
  for (const [claims, claim] of [
    [{ sub: 'urn:fdc:gov.uk:2022:someone-else' }, 'sub'],
    [{ vot: 'P1' }, 'vot'],
  ]) {
    op.userinfoFor(op.sub, { coreIdentityClaims: claims });
    const { transaction, callback } = await signIn(oneLogin, IDENTITY);
    await refused(oneLogin.completeSignIn(callback, transaction), 'ERR_JWT_CLAIM_VALIDATION_FAILED', (e) => assert.equal(e.claim, claim));
  }
});

test('the steps apart: exchangeCode and fetchUserinfo', async () => {
  const { transaction, callback } = await signIn(oneLogin, { scope: 'openid email' });
  const code = new URL(callback).searchParams.get('code');
  const tokens = await oneLogin.exchangeCode(code, transaction);
  assert.equal(tokens.sub, op.sub);
  assert.equal(tokens.expiresIn, 180);
  const info = await oneLogin.fetchUserinfo(tokens.accessToken, { sub: tokens.sub });
  assert.equal(info.email, 'test@example.com');
  assert.equal(info.userinfo.sub, op.sub);
  await refused(oneLogin.fetchUserinfo(tokens.accessToken, { sub: 'someone-else' }), 'ERR_OAUTH_USERINFO_ERROR', (e) => assert.equal(e.reason, 'sub_mismatch'));
  // The code is single use.
  await refused(oneLogin.exchangeCode(code, transaction), 'ERR_OAUTH_TOKEN_ERROR', (e) => assert.equal(e.error, 'invalid_grant'));
});

test('request objects (JAR), re-authentication, client assertion algorithms and audiences', async () => {
  const first = await signIn();
  const signedIn = await oneLogin.completeSignIn(first.callback, first.transaction);
  const { url, transaction } = oneLogin.startSignIn({ requestObject: true, prompt: 'login', idTokenHint: signedIn.idToken });
  assert.deepEqual([...new URL(url).searchParams.keys()].sort(), ['client_id', 'request', 'response_type', 'scope']);
  const again = await oneLogin.completeSignIn(await op.authorize(url), transaction);
  assert.equal(again.sub, signedIn.sub);
  assert.throws(() => oneLogin.startSignIn({ idTokenHint: signedIn.idToken }), (e) => e.code === 'ERR_INVALID_ARGUMENT' && e.option === undefined ? /request object/.test(e.message) : true);
  const key = new SigningKey(privatePem);
  for (const [alg, audience] of [
    ['RS384', 'tokenUrl'],
    ['RS512', 'issuer'],
    ['PS256', 'tokenUrl'],
    ['PS384', 'issuer'],
    ['PS512', 'tokenUrl'],
  ]) {
    const c = client({ privateKey: key, clientAssertionAlg: alg, clientAssertionAudience: audience });
    const { transaction: t, callback } = await signIn(c);
    const before = op.requests.length;
    assert.equal((await c.completeSignIn(callback, t)).sub, op.sub, alg);
    const assertion = new URLSearchParams(requestsTo('/token', before)[0].body).get('client_assertion');
    const [header, payload] = assertion.split('.').slice(0, 2).map((p) => JSON.parse(Buffer.from(p, 'base64url')));
    assert.equal(header.alg, alg);
    assert.equal(payload.aud, audience === 'issuer' ? op.issuer : op.environment.tokenUrl);
    c.dispose();
  }
  key.free();
});

test('sign-in options are checked before anything is sent', () => {
  const cases = [
    [{ claims: ['address'] }, /identity level/],
    [{ vtr: ['Cl.Cm.P2'], claims: ['name'] }, /unknown claim/],
    [{ responseMode: 'form_post' }, /responseMode/],
    [{ redirectURI: REDIRECT_URI }, /redirectURI/],
    [{ uiLocales: 'x'.repeat(5000) }, /4096/],
  ];
  for (const [options, message] of cases) {
    assert.throws(() => oneLogin.startSignIn(options), (e) => e instanceof TokenError && e.code === 'ERR_INVALID_ARGUMENT' && message.test(e.message), JSON.stringify(options).slice(0, 60));
  }
});

test('logout URL: end_session_endpoint, id_token_hint required with a redirect, 2048 limit', async () => {
  const { transaction, callback } = await signIn();
  const { idToken } = await oneLogin.completeSignIn(callback, transaction);
  const url = oneLogin.logoutUrl({ idTokenHint: idToken, postLogoutRedirectUri: POST_LOGOUT_URI, state: 'bye' });
  assert.ok(url.startsWith(`${op.environment.endSessionUrl}?id_token_hint=`));
  const response = await fetch(url, { redirect: 'manual' });
  assert.equal(response.headers.get('location'), `${POST_LOGOUT_URI}?state=bye`);
  assert.equal(oneLogin.logoutUrl(), op.environment.endSessionUrl);
  assert.throws(() => oneLogin.logoutUrl({ postLogoutRedirectUri: POST_LOGOUT_URI }), (e) => e.code === 'ERR_INVALID_ARGUMENT' && /idTokenHint/.test(e.message));
  assert.throws(() => oneLogin.logoutUrl({ idTokenHint: idToken, state: 'x'.repeat(2048) }), (e) => e.code === 'ERR_INVALID_ARGUMENT' && /2048/.test(e.message));
  assert.equal(oneLogin.endpoints.endSessionUrl, op.environment.endSessionUrl);
  assert.equal(oneLogin.endpoints.userinfoUrl, op.environment.userinfoUrl);
});

test('back-channel logout: every body form, and a replayed token is refused', async () => {
  const forms = [
    (t) => t,
    (t) => `logout_token=${t}`,
    (t) => new URLSearchParams({ logout_token: t }),
    (t) => ({ logout_token: t }),
  ];
  for (const form of forms) {
    const token = op.logoutToken();
    const result = await oneLogin.handleBackChannelLogout(form(token));
    assert.equal(result.sub, op.lastSub);
    assert.equal(result.sid, null);
    assert.match(result.jti, /^[0-9a-f-]{36}$/);
    await refused(oneLogin.handleBackChannelLogout(form(token)), 'ERR_LOGOUT_TOKEN_REPLAYED');
  }
  // The client's own default store.
  const token = op.logoutToken({ sid: 'session-1' });
  assert.equal((await oneLogin.handleBackChannelLogout(token)).sid, 'session-1');
  await refused(oneLogin.handleBackChannelLogout(token), 'ERR_LOGOUT_TOKEN_REPLAYED');
  // Bad tokens are refused before the store sees them.
  await refused(oneLogin.handleBackChannelLogout('logout_token='), 'ERR_JWT_INVALID');
  await refused(oneLogin.handleBackChannelLogout(op.logoutToken({ aud: 'another-client' })), 'ERR_JWT_CLAIM_VALIDATION_FAILED');
  await refused(oneLogin.handleBackChannelLogout(op.logoutToken({ events: undefined })), 'ERR_JWT_CLAIM_VALIDATION_FAILED');
});

test('discovery: cached, and refused when its issuer is not the environment\'s', async () => {
  const document = await oneLogin.discovery();
  assert.equal(document.issuer, op.issuer);
  assert.equal(document.userinfoUrl, op.environment.userinfoUrl);
  assert.equal(document.endSessionUrl, op.environment.endSessionUrl);
  op.inject({ discoveryIssuer: 'https://oidc.account.gov.uk/' });
  const fresh = client();
  try {
    const { transaction, callback } = await signIn(fresh);
    const before = op.requests.length;
    await refused(fresh.completeSignIn(callback, transaction), 'ERR_JWKS_FETCH_FAILED', (e) => assert.match(e.message, /issuer/));
    assert.equal(requestsTo('/token', before).length, 0, 'no code sent');
  } finally {
    fresh.dispose();
  }
});

test('the DID document must be the environment\'s DID', async () => {
  const wrong = client({ environment: { ...op.environment, didId: 'did:web:identity.account.gov.uk' } });
  try {
    const { transaction, callback } = await signIn(wrong, IDENTITY);
    await refused(wrong.completeSignIn(callback, transaction), 'ERR_JWKS_FETCH_FAILED', (e) => assert.match(e.message, /DID/));
  } finally {
    wrong.dispose();
  }
});

test('an unknown kid within the refetch cooldown says so', async () => {
  const c = client({ cooldownMs: 60_000 });
  try {
    const { transaction, callback } = await signIn(c);
    await c.completeSignIn(callback, transaction);
    const second = await signIn(c);
    op.inject({ idTokenKey: 'unknown' });
    await refused(c.completeSignIn(second.callback, second.transaction), 'ERR_JWKS_NO_MATCHING_KEY', (e) => assert.match(e.message, /cooldown/));
  } finally {
    c.dispose();
  }
});

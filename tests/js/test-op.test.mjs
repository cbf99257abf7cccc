// The test OP (tests/support/test-op.mjs: the package's test kit, govuk-one-login-tokens/testing,
// set up as these tests expect) proved with plain fetch and jose: a full authorize -> token ->
// userinfo round trip whose tokens verify against the OP's JWKS and DID document, One Login's
// refusals (PKCE, client assertion, authorize rules, userinfo bearer), logout, and every
// injectable fault, each observed on the wire.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { SignJWT, exportJWK, createLocalJWKSet, jwtVerify, importJWK, decodeProtectedHeader, decodeJwt } from 'jose';
import { startTestOp, AuthorizeRejected, CLAIM, LOGOUT_EVENT, parseVtr } from '../support/test-op.mjs';

const CLIENT_ID = 'test-op-client';
const REDIRECT_URI = 'https://rp.example/callback';
const POST_LOGOUT_URI = 'https://rp.example/signed-out';
const b64u = (bytes) => Buffer.from(bytes).toString('base64url');

let op;
let rsa;
let other;

before(async () => {
  rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  other = generateKeyPairSync('rsa', { modulusLength: 2048 });
  op = await startTestOp({
    clientId: CLIENT_ID,
    clientPublicJwk: await exportJWK(rsa.publicKey),
    redirectUris: [REDIRECT_URI],
    postLogoutRedirectUris: [POST_LOGOUT_URI],
  });
});
after(() => op.close());
afterEach(() => op.reset());

/** A client assertion as One Login's docs ask for it; `claims`/`key`/`alg` break it on purpose. */
function assertion({ claims = {}, key = rsa.privateKey, alg = 'RS256' } = {}) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ iss: CLIENT_ID, sub: CLIENT_ID, aud: op.environment.tokenUrl, jti: randomUUID(), iat: now, exp: now + 300, ...claims })
    .setProtectedHeader({ alg })
    .sign(key);
}

function pkce() {
  const verifier = b64u(randomBytes(32));
  return { verifier, challenge: b64u(createHash('sha256').update(verifier).digest()) };
}

/** An authorization URL with every One Login parameter; `params` overrides (undefined drops one). */
function authorizeUrl(params = {}) {
  const all = {
    response_type: 'code',
    scope: 'openid email phone',
    client_id: CLIENT_ID,
    redirect_uri: REDIRECT_URI,
    state: 'state-123',
    nonce: 'nonce-456',
    vtr: '["Cl.Cm"]',
    code_challenge: params.code_challenge ?? pkce().challenge,
    code_challenge_method: 'S256',
    ...params,
  };
  const url = new URL(op.environment.authorizeUrl);
  for (const [k, v] of Object.entries(all)) if (v !== undefined) url.searchParams.set(k, v);
  return url.href;
}

/** POST /token; `form` overrides fields (undefined drops one). Returns { status, headers, body }. */
async function tokenRequest(form) {
  const fields = Object.fromEntries(Object.entries(form).filter(([, v]) => v !== undefined));
  const r = await fetch(op.environment.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'test' },
    body: new URLSearchParams(fields),
    redirect: 'manual',
  });
  const raw = await r.text();
  let body = raw;
  try {
    body = JSON.parse(raw);
  } catch {}
  return { status: r.status, headers: r.headers, body };
}

/** Authorize and return { code, verifier, callback } for `params`. */
async function authorizeCode(params = {}) {
  const { verifier, challenge } = pkce();
  const callback = new URL(await op.authorize(authorizeUrl({ code_challenge: challenge, ...params })));
  return { code: callback.searchParams.get('code'), verifier, callback };
}

/** Exchange a code the way a private_key_jwt client does; `form` overrides fields. */
async function exchange(code, verifier, form = {}) {
  return tokenRequest({
    grant_type: 'authorization_code',
    code,
    redirect_uri: REDIRECT_URI,
    code_verifier: verifier,
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: await assertion(),
    ...form,
  });
}

/** A whole sign-in up to the token response. */
async function signIn(params = {}, form = {}) {
  const { code, verifier } = await authorizeCode(params);
  return exchange(code, verifier, form);
}

const userinfo = (accessToken, init = {}) =>
  fetch(op.environment.userinfoUrl, { headers: { authorization: `Bearer ${accessToken}` }, ...init });

async function keySet() {
  return createLocalJWKSet(await (await fetch(op.environment.jwksUrl)).json());
}

test('discovery, JWKS and DID document: One Login shapes, this OP\'s URLs', async () => {
  const r = await fetch(op.environment.discoveryUrl);
  assert.equal(r.headers.get('cache-control'), 'max-age=86400');
  const d = await r.json();
  assert.equal(d.issuer, op.issuer);
  assert.match(op.issuer, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  assert.equal(d.authorization_endpoint, op.environment.authorizeUrl);
  assert.equal(d.token_endpoint, op.environment.tokenUrl);
  assert.equal(d.userinfo_endpoint, op.environment.userinfoUrl);
  assert.equal(d.end_session_endpoint, op.environment.endSessionUrl);
  assert.equal(d.jwks_uri, op.environment.jwksUrl);
  assert.deepEqual(d.token_endpoint_auth_methods_supported, ['private_key_jwt', 'client_secret_post']);
  assert.deepEqual(d.token_endpoint_auth_signing_alg_values_supported, ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512']);
  assert.equal(d.backchannel_logout_supported, true);
  assert.equal(d.backchannel_logout_session_supported, false);
  assert.deepEqual(d.code_challenge_methods_supported, ['S256']);
  assert.equal('claims_parameter_supported' in d, false, 'absent, as at One Login');

  const jwks = await (await fetch(op.environment.jwksUrl)).json();
  // The simulator's JWKS: an ES256 key and an RS256 key (for idTokenSigningAlgorithm RS256).
  assert.deepEqual(jwks.keys.map((k) => `${k.kty} ${k.alg}`), ['EC ES256', 'RSA RS256']);
  assert.ok(jwks.keys.every((k) => typeof k.kid === 'string' && !('d' in k)));

  const port = new URL(op.issuer).port;
  assert.equal(op.environment.didId, `did:web:127.0.0.1%3A${port}`);
  assert.equal(op.environment.identityIssuer, op.issuer);
  const did = await (await fetch(op.environment.didUrl)).json();
  assert.equal(did.id, op.environment.didId);
  const [method] = did.assertionMethod;
  assert.match(method.id, new RegExp(`^${op.environment.didId}#[0-9a-f-]+$`));
  assert.equal(method.controller, did.id);
  assert.equal(method.publicKeyJwk.crv, 'P-256');
  assert.equal('d' in method.publicKeyJwk, false, 'no private part');
});

test('round trip: authorize -> token (private_key_jwt, PKCE) -> userinfo with identity claims', async () => {
  const claims = JSON.stringify({ userinfo: { [CLAIM.coreIdentityJWT]: null, [CLAIM.address]: null, [CLAIM.returnCode]: null } });
  const { code, verifier, callback } = await authorizeCode({ vtr: '["Cl.Cm.P2"]', claims, scope: 'openid email phone' });
  assert.equal(`${callback.origin}${callback.pathname}`, REDIRECT_URI);
  assert.equal(callback.searchParams.get('state'), 'state-123');
  assert.equal(callback.searchParams.has('iss'), false, 'One Login sends no iss in the callback');
  assert.match(code, /^[A-Za-z0-9_-]{43}$/);

  const r = await exchange(code, verifier);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.headers.get('cache-control'), 'no-cache, no-store');
  assert.deepEqual(Object.keys(r.body).sort(), ['access_token', 'expires_in', 'id_token', 'token_type']);
  assert.equal(r.body.token_type, 'Bearer');
  assert.equal(r.body.expires_in, 180);

  const header = decodeProtectedHeader(r.body.id_token);
  assert.deepEqual(Object.keys(header).sort(), ['alg', 'kid']);
  const { payload: id } = await jwtVerify(r.body.id_token, await keySet(), { issuer: op.issuer, audience: CLIENT_ID, algorithms: ['ES256'] });
  assert.equal(id.nonce, 'nonce-456');
  assert.equal(id.vot, 'Cl.Cm');
  assert.equal(id.vtm, `${op.issuer}trustmark`);
  assert.equal(id.sub, op.sub);
  assert.equal(id.exp - id.iat, 120);
  assert.ok(typeof id.sid === 'string' && typeof id.auth_time === 'number');
  assert.equal(id.at_hash, b64u(createHash('sha256').update(r.body.access_token).digest().subarray(0, 16)));

  const u = await userinfo(r.body.access_token);
  assert.equal(u.status, 200);
  const doc = await u.json();
  assert.equal(doc.sub, id.sub);
  assert.equal(doc.email, 'test@example.com');
  assert.equal(doc.email_verified, true);
  assert.equal(doc.phone_number, '+447700900123');
  assert.equal(doc.phone_number_verified, true);
  assert.ok(Array.isArray(doc[CLAIM.address]) && doc[CLAIM.address][0].postalCode);
  assert.deepEqual(doc[CLAIM.returnCode], [{ code: 'A' }]);
  assert.equal(CLAIM.passport in doc, false, 'only what was requested');

  // The core identity credential verifies with the DID document's key, found by the full kid.
  const credential = doc[CLAIM.coreIdentityJWT];
  const { kid } = decodeProtectedHeader(credential);
  const did = await (await fetch(op.environment.didUrl)).json();
  const method = did.assertionMethod.find((m) => m.id === kid);
  assert.ok(method, `kid ${kid} is in the DID document`);
  const { payload: core } = await jwtVerify(credential, await importJWK(method.publicKeyJwk, 'ES256'), {
    issuer: op.environment.identityIssuer,
    audience: CLIENT_ID,
    algorithms: ['ES256'],
  });
  assert.equal(core.sub, id.sub);
  assert.equal(core.vot, 'P2');
  assert.equal(core.vc.credentialSubject.birthDate[0].value, '1965-07-08');

  // The code was single use.
  const again = await exchange(code, verifier);
  assert.deepEqual([again.status, again.body.error], [400, 'invalid_grant']);
});

test('identity claims are dropped without a P level; scopes decide email and phone', async () => {
  const claims = JSON.stringify({ userinfo: { [CLAIM.coreIdentityJWT]: null } });
  const r = await signIn({ vtr: '["Cl.Cm"]', claims, scope: 'openid' });
  const doc = await (await userinfo(r.body.access_token)).json();
  assert.deepEqual(Object.keys(doc), ['sub']);
});

test('PKCE: wrong, missing or unexpected verifier is invalid_grant; the OP enforces a challenge', async () => {
  for (const code_verifier of [b64u(randomBytes(32)), undefined, 'short']) {
    const r = await signIn({}, { code_verifier });
    assert.deepEqual([r.status, r.body.error, r.body.error_description], [400, 'invalid_grant', 'PKCE code verification failed'], String(code_verifier));
  }
  const missing = new URL(await op.authorize(authorizeUrl({ code_challenge: undefined, code_challenge_method: undefined })));
  assert.equal(missing.searchParams.get('error'), 'invalid_request');
  assert.equal(missing.searchParams.get('error_description'), 'Request is missing code_challenge parameter, but PKCE is enforced.');
  const plain = new URL(await op.authorize(authorizeUrl({ code_challenge_method: 'plain' })));
  assert.equal(plain.searchParams.get('error_description'), 'Invalid value for code_challenge_method parameter.');
});

test('client assertion: key, iss/sub, aud, exp, jti reuse and assertion type are all checked', async () => {
  const reused = await assertion();
  const cases = [
    [{ client_assertion: await assertion({ key: other.privateKey }) }, 401, 'invalid_client'],
    [{ client_assertion: await assertion({ claims: { aud: 'https://elsewhere.example/token' } }) }, 401, 'invalid_client'],
    [{ client_assertion: await assertion({ claims: { aud: [op.environment.tokenUrl, 'https://x.example/'] } }) }, 401, 'invalid_client'],
    [{ client_assertion: await assertion({ claims: { iss: 'someone-else' } }) }, 401, 'invalid_client'],
    [{ client_assertion: await assertion({ claims: { sub: 'someone-else', iss: 'someone-else' } }) }, 401, 'invalid_client'],
    [{ client_assertion: await assertion({ claims: { exp: Math.floor(Date.now() / 1000) - 60 } }) }, 400, 'invalid_grant'],
    [{ client_assertion: await assertion({ claims: { jti: undefined } }) }, 401, 'invalid_client'],
    [{ client_assertion_type: 'urn:something-else' }, 400, 'invalid_request'],
    [{ client_assertion: 'not.a.jwt' }, 400, 'invalid_request'],
    [{ client_assertion: undefined, client_assertion_type: undefined }, 400, 'invalid_request'],
  ];
  for (const [form, status, error] of cases) {
    const r = await signIn({}, form);
    assert.deepEqual([r.status, r.body.error], [status, error], JSON.stringify(form).slice(0, 120));
  }
  // The issuer is also a valid audience; a jti is single use.
  assert.equal((await signIn({}, { client_assertion: await assertion({ claims: { aud: op.issuer } }) })).status, 200);
  assert.equal((await signIn({}, { client_assertion: reused })).status, 200);
  const replay = await signIn({}, { client_assertion: reused });
  assert.deepEqual([replay.status, replay.body.error], [401, 'invalid_client']);
});

test('token: grant_type, code and redirect_uri rules', async () => {
  assert.equal((await signIn({}, { grant_type: undefined })).body.error_description, 'Request is missing grant_type parameter');
  assert.equal((await signIn({}, { grant_type: 'refresh_token' })).body.error, 'unsupported_grant_type');
  assert.equal((await signIn({}, { code: undefined })).body.error_description, 'Request is missing code parameter');
  assert.equal((await signIn({}, { code: 'made-up' })).body.error, 'invalid_grant');
  const wrongRedirect = await signIn({}, { redirect_uri: 'https://rp.example/other' });
  assert.deepEqual([wrongRedirect.status, wrongRedirect.body.error], [400, 'invalid_grant']);
});

test('client_secret_post client: the secret is checked; identity vtr is not permitted', async () => {
  const secretOp = await startTestOp({ clientId: 'secret-client', clientSecret: 's3cret', redirectUris: [REDIRECT_URI] });
  try {
    const url = new URL(secretOp.environment.authorizeUrl);
    const { verifier, challenge } = pkce();
    const params = { response_type: 'code', scope: 'openid', client_id: 'secret-client', redirect_uri: REDIRECT_URI, state: 's', nonce: 'n', code_challenge: challenge, code_challenge_method: 'S256' };
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    const code = new URL(await secretOp.authorize(url.href)).searchParams.get('code');
    const post = (secret) =>
      fetch(secretOp.environment.tokenUrl, {
        method: 'POST',
        body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier, client_id: 'secret-client', client_secret: secret }),
      });
    const wrong = await post('wrong');
    assert.deepEqual([wrong.status, (await wrong.json()).error], [401, 'invalid_client']);
    const right = await post('s3cret');
    assert.equal(right.status, 200);
    // The failed attempt did not burn the code (client authentication comes first).
    url.searchParams.set('vtr', '["Cl.Cm.P2"]');
    const refused = new URL(await secretOp.authorize(url.href));
    assert.equal(refused.searchParams.get('error_description'), 'Request vtr is not permitted');
  } finally {
    await secretOp.close();
  }
});

test('authorize: browser-visible refusals, the 4096-byte limit, and redirected errors', async () => {
  const refusal = async (url) => {
    const error = await op.authorize(url).then(
      (location) => assert.fail(`redirected to ${location}`),
      (e) => e,
    );
    assert.ok(error instanceof AuthorizeRejected, String(error));
    return [error.status, error.body];
  };
  assert.deepEqual(await refusal(authorizeUrl({ redirect_uri: 'https://evil.example/cb' })), [400, 'Invalid request']);
  assert.deepEqual(await refusal(authorizeUrl({ client_id: 'unknown' })), [400, 'Invalid request']);
  assert.deepEqual(await refusal(authorizeUrl({ client_id: undefined })), [400, 'Request is missing parameters']);
  assert.deepEqual(await refusal(authorizeUrl({ response_mode: 'form_post' })), [400, 'Invalid request']);

  // The limit is on the raw query string: exactly 4096 passes, 4097 is the WAF's 403.
  const base = authorizeUrl({ ui_locales: '' });
  const pad = 4096 - new URL(base).search.length + 1;
  const at = `${base}${'x'.repeat(pad)}`;
  assert.equal(new URL(at).search.length - 1, 4096);
  assert.ok(new URL(await op.authorize(at)).searchParams.get('code'));
  assert.deepEqual(await refusal(`${at}x`), [403, 'The request could not be satisfied']);

  const redirected = async (params) => {
    const cb = new URL(await op.authorize(authorizeUrl(params)));
    return [cb.searchParams.get('error'), cb.searchParams.get('error_description'), cb.searchParams.get('state')];
  };
  assert.deepEqual(await redirected({ state: undefined }), ['invalid_request', 'Request is missing state parameter', null]);
  assert.deepEqual(await redirected({ nonce: undefined }), ['invalid_request', 'Request is missing nonce parameter', 'state-123']);
  assert.deepEqual(await redirected({ response_type: 'token' }), ['unsupported_response_type', 'Unsupported response type', 'state-123']);
  assert.deepEqual((await redirected({ scope: 'email' }))[0], 'invalid_request');
  assert.deepEqual((await redirected({ scope: 'openid profile' }))[0], 'invalid_scope');
  for (const vtr of ['Cl.Cm', '["Cl.P2"]', '["Cm"]', '["Cl.Cm.P2","Cl.Cm"]', '["Cl.Cm.P4"]']) {
    assert.deepEqual((await redirected({ vtr }))[1], 'Request vtr not valid', vtr);
  }
  assert.deepEqual((await redirected({ claims: '{"userinfo":{"name":null}}' }))[1], 'Request contains invalid claims');
  assert.deepEqual((await redirected({ prompt: 'select_account' }))[0], 'unmet_authentication_requirements');
  // response_mode=fragment puts the answer in the fragment.
  const fragment = new URL(await op.authorize(authorizeUrl({ response_mode: 'fragment' })));
  assert.equal(fragment.search, '');
  assert.ok(new URLSearchParams(fragment.hash.slice(1)).get('code'));
});

test('a signed request object (JAR) is honoured; a bad signature or audience is refused', async () => {
  const { verifier, challenge } = pkce();
  const jar = (claims = {}, key = rsa.privateKey) =>
    new SignJWT({
      aud: op.environment.authorizeUrl,
      iss: CLIENT_ID,
      client_id: CLIENT_ID,
      response_type: 'code',
      redirect_uri: REDIRECT_URI,
      scope: 'openid email',
      state: 'jar-state',
      nonce: 'jar-nonce',
      vtr: ['Cl.Cm'],
      code_challenge: challenge,
      code_challenge_method: 'S256',
      ...claims,
    })
      .setProtectedHeader({ alg: 'RS256' })
      .setExpirationTime('5m')
      .sign(key);
  const url = async (claims, key) => {
    const u = new URL(op.environment.authorizeUrl);
    u.search = new URLSearchParams({ response_type: 'code', scope: 'openid', client_id: CLIENT_ID, request: await jar(claims, key) }).toString();
    return u.href;
  };
  const ok = new URL(await op.authorize(await url()));
  assert.equal(ok.searchParams.get('state'), 'jar-state');
  const r = await exchange(ok.searchParams.get('code'), verifier);
  assert.equal(decodeJwt(r.body.id_token).nonce, 'jar-nonce');

  await assert.rejects(op.authorize(await url({}, other.privateKey)), (e) => e.status === 400 && e.body === 'Trust chain validation failed');
  const wrongAud = new URL(await op.authorize(await url({ aud: op.issuer })));
  assert.equal(wrongAud.searchParams.get('error'), 'access_denied');
});

test('userinfo: bearer rules and the WWW-Authenticate challenge', async () => {
  const none = await fetch(op.environment.userinfoUrl);
  assert.deepEqual([none.status, none.headers.get('www-authenticate')], [401, 'Bearer']);
  const bad = await userinfo('made-up-token');
  assert.equal(bad.status, 401);
  assert.equal(bad.headers.get('www-authenticate'), 'Bearer error="invalid_token", error_description="Invalid access token"');
  assert.equal(await bad.text(), '');
});

test('userinfoFor: the next sign-in is that user, with those members', async () => {
  op.userinfoFor('urn:fdc:gov.uk:2022:someone', { phone_number: undefined, [CLAIM.passport]: [{ documentNumber: '1', icaoIssuerCode: 'D', expiryDate: '2030-01-01' }], coreIdentityClaims: { vot: 'P1' } });
  const claims = JSON.stringify({ userinfo: { [CLAIM.passport]: null, [CLAIM.coreIdentityJWT]: null } });
  const r = await signIn({ vtr: '["Cl.Cm.P2"]', claims });
  assert.equal(decodeJwt(r.body.id_token).sub, 'urn:fdc:gov.uk:2022:someone');
  const doc = await (await userinfo(r.body.access_token)).json();
  assert.equal(doc.sub, 'urn:fdc:gov.uk:2022:someone');
  assert.equal('phone_number' in doc, false);
  assert.equal(doc.phone_number_verified, false);
  assert.equal(doc[CLAIM.passport][0].icaoIssuerCode, 'D');
  assert.equal(decodeJwt(doc[CLAIM.coreIdentityJWT]).vot, 'P1');
  assert.equal(op.lastSub, 'urn:fdc:gov.uk:2022:someone');
  // Used once: the sign-in after is the default user again.
  assert.equal(decodeJwt((await signIn()).body.id_token).sub, op.sub);
});

test('logoutToken: One Login\'s logout token, verifiable with the JWKS; overrides and a stranger key', async () => {
  const token = op.logoutToken({ sub: 'urn:fdc:gov.uk:2022:abc' });
  assert.equal(typeof token, 'string');
  const { payload, protectedHeader } = await jwtVerify(token, await keySet(), { issuer: op.issuer, audience: CLIENT_ID, typ: 'logout+jwt' });
  assert.equal(protectedHeader.alg, 'ES256');
  assert.equal(payload.sub, 'urn:fdc:gov.uk:2022:abc');
  assert.deepEqual(payload.events, { [LOGOUT_EVENT]: {} });
  assert.equal(payload.exp - payload.iat, 120);
  assert.match(payload.jti, /^[0-9a-f-]{36}$/);
  assert.equal('nonce' in payload, false);
  assert.equal('sid' in payload, false);
  const custom = decodeJwt(op.logoutToken({ sub: 's', sid: 'sid-1', jti: 'j', iat: 100, events: undefined, aud: 'other' }));
  assert.deepEqual(custom, { iss: op.issuer, sub: 's', aud: 'other', iat: 100, exp: 220, jti: 'j', sid: 'sid-1' });
  await assert.rejects(jwtVerify(op.logoutToken({}, { key: 'unknown' }), await keySet()), { code: 'ERR_JWKS_NO_MATCHING_KEY' });
});

test('backChannelLogout: POSTs logout_token as a form to the RP, and reports its status', async () => {
  const { createServer } = await import('node:http');
  const received = [];
  const rp = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ method: req.method, type: req.headers['content-type'], body });
      res.writeHead(received.length === 1 ? 200 : 400).end();
    });
  });
  await new Promise((resolve) => rp.listen(0, '127.0.0.1', resolve));
  try {
    const uri = `http://127.0.0.1:${rp.address().port}/backchannel-logout`;
    const first = await op.backChannelLogout(uri, { sub: 'urn:fdc:gov.uk:2022:abc' });
    assert.equal(first.status, 200);
    assert.deepEqual([received[0].method, received[0].type], ['POST', 'application/x-www-form-urlencoded']);
    const sent = new URLSearchParams(received[0].body).get('logout_token');
    assert.equal(sent, first.token);
    assert.equal(decodeJwt(sent).sub, 'urn:fdc:gov.uk:2022:abc');
    // The same token again (a replay), sent as given.
    const replay = await op.backChannelLogout(uri, first.token);
    assert.equal(replay.status, 400);
    assert.equal(new URLSearchParams(received[1].body).get('logout_token'), first.token);
  } finally {
    rp.close();
  }
});

test('logout: redirects to a registered post-logout URI with state, else to the signed-out page', async () => {
  const r = await signIn();
  const logout = async (params) => {
    const url = new URL(op.environment.endSessionUrl);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    const res = await fetch(url, { redirect: 'manual' });
    assert.equal(res.status, 302);
    return new URL(res.headers.get('location'));
  };
  const ok = await logout({ id_token_hint: r.body.id_token, post_logout_redirect_uri: POST_LOGOUT_URI, state: 'bye' });
  assert.equal(ok.href, `${POST_LOGOUT_URI}?state=bye`);
  const unregistered = await logout({ id_token_hint: r.body.id_token, post_logout_redirect_uri: 'https://evil.example/', state: 'bye' });
  assert.equal(unregistered.pathname, '/signed-out');
  assert.equal(unregistered.searchParams.get('error_description'), 'client registry does not contain post_logout_redirect_uri');
  const noHint = await logout({ post_logout_redirect_uri: POST_LOGOUT_URI });
  assert.equal(noHint.href, `${op.issuer}signed-out`);
  const forged = await logout({ id_token_hint: op.logoutToken({}, { key: 'unknown' }), post_logout_redirect_uri: POST_LOGOUT_URI });
  assert.equal(forged.searchParams.get('error_description'), 'unable to validate id_token_hint');
  const long = new URL(op.environment.endSessionUrl);
  long.searchParams.set('state', 'x'.repeat(2100));
  assert.equal((await fetch(long, { redirect: 'manual' })).status, 403);
});

test('faults at authorize: an error code, and a callback with another state', async () => {
  op.inject({ authorizeError: 'access_denied' });
  const denied = new URL(await op.authorize(authorizeUrl()));
  assert.deepEqual([denied.searchParams.get('error'), denied.searchParams.get('state'), denied.searchParams.has('code')], ['access_denied', 'state-123', false]);
  assert.match(denied.searchParams.get('error_description'), /Access denied/);
  op.inject({ authorizeError: 'temporarily_unavailable', errorDescription: 'try later' });
  const busy = new URL(await op.authorize(authorizeUrl()));
  assert.deepEqual([busy.searchParams.get('error'), busy.searchParams.get('error_description')], ['temporarily_unavailable', 'try later']);
  op.reset();
  op.inject({ stateOverride: 'other' });
  const swapped = new URL(await op.authorize(authorizeUrl()));
  assert.equal(swapped.searchParams.get('state'), 'other');
  assert.ok(swapped.searchParams.get('code'));
});

test('faults at token: statuses, hang, redirect, html, oversize, token type, ID token changes', async () => {
  op.inject({ token: { status: 400 } });
  assert.deepEqual((await signIn()).body, { error: 'invalid_grant', error_description: 'Invalid grant' });
  op.inject({ token: { status: 401 } });
  assert.deepEqual([(await signIn()).status, (await signIn()).body.error], [401, 'invalid_client']);
  op.inject({ token: { status: 500 } });
  assert.deepEqual([(await signIn()).status, (await signIn()).body], [500, 'Internal server error']);
  op.inject({ token: { status: 400, body: { error: 'invalid_request', error_description: 'x' } } });
  assert.equal((await signIn()).body.error, 'invalid_request');

  op.inject({ token: 'hang' });
  await assert.rejects(
    fetch(op.environment.tokenUrl, { method: 'POST', body: 'x', signal: AbortSignal.timeout(200) }),
    (e) => e.name === 'TimeoutError',
  );

  op.inject({ token: 'redirect' });
  const before = op.requests.length;
  const redirected = await signIn();
  assert.equal(redirected.status, 302);
  assert.equal(redirected.headers.get('location'), `${new URL(op.issuer).origin}/elsewhere`);
  assert.equal(op.requests.slice(before).some((r) => r.path === '/elsewhere'), false);

  op.inject({ token: 'html' });
  const html = await signIn();
  assert.deepEqual([html.status, html.headers.get('content-type')], [200, 'text/html']);

  op.inject({ token: 'oversize' });
  const big = await fetch(op.environment.tokenUrl, { method: 'POST', body: 'x' });
  assert.equal(big.headers.get('content-length'), null, 'streamed, not declared');
  let bytes = 0;
  for await (const chunk of big.body) bytes += chunk.length;
  assert.ok(bytes > 10_000_000, `${bytes} bytes`);

  op.reset();
  op.inject({ tokenType: 'mac', noIdToken: true });
  const mac = await signIn();
  assert.deepEqual([mac.body.token_type, 'id_token' in mac.body], ['mac', false]);

  op.reset();
  op.inject({ idTokenClaims: { aud: 'other-client', nonce: 'wrong', vot: undefined } });
  const changed = decodeJwt((await signIn()).body.id_token);
  assert.deepEqual([changed.aud, changed.nonce, 'vot' in changed], ['other-client', 'wrong', false]);
  // The overridden token is still properly signed: only its claims are wrong.
  op.reset();
  op.inject({ idTokenKey: 'unknown' });
  const stranger = (await signIn()).body.id_token;
  await assert.rejects(jwtVerify(stranger, await keySet()), { code: 'ERR_JWKS_NO_MATCHING_KEY' });
});

test('faults at userinfo: 401, another sub, malformed claims, hang, oversize', async () => {
  const { access_token } = (await signIn({ vtr: '["Cl.Cm.P2"]', claims: JSON.stringify({ userinfo: { [CLAIM.address]: null } }) })).body;
  op.inject({ userinfo: { status: 401 } });
  const denied = await userinfo(access_token);
  assert.deepEqual([denied.status, denied.headers.get('www-authenticate')], [401, 'Bearer error="invalid_token", error_description="Invalid access token"']);
  op.reset();
  op.inject({ userinfoSub: 'someone-else', userinfoClaims: { [CLAIM.address]: 'not-an-array', email_verified: 'yes' } });
  const doc = await (await userinfo(access_token)).json();
  assert.deepEqual([doc.sub, doc[CLAIM.address], doc.email_verified], ['someone-else', 'not-an-array', 'yes']);
  op.reset();
  op.inject({ userinfo: 'hang' });
  await assert.rejects(userinfo(access_token, { signal: AbortSignal.timeout(200) }), (e) => e.name === 'TimeoutError');
  op.inject({ userinfo: 'oversize' });
  let bytes = 0;
  for await (const chunk of (await userinfo(access_token)).body) bytes += chunk.length;
  assert.ok(bytes > 10_000_000);
});

test('faults anywhere: discovery issuer, a trickling body, a Content-Length that never delivers', async () => {
  op.inject({ discoveryIssuer: 'https://evil.example/' });
  assert.equal((await (await fetch(op.environment.discoveryUrl)).json()).issuer, 'https://evil.example/');

  op.inject({ trickle: '/.well-known/jwks.json' });
  const t0 = Date.now();
  const res = await fetch(op.environment.jwksUrl);
  const reader = res.body.getReader();
  let got = 0;
  while (got < 5) got += (await reader.read()).value.length;
  assert.ok(Date.now() - t0 >= 60, 'bytes arrive slowly');
  await reader.cancel();

  op.inject({ hugeContentLength: '/userinfo' });
  const huge = await fetch(op.environment.userinfoUrl, { signal: AbortSignal.timeout(300) });
  assert.equal(huge.headers.get('content-length'), '1000000000');
  await assert.rejects(huge.text(), (e) => e.name === 'TimeoutError' || e.name === 'AbortError');

  op.reset();
  assert.equal((await (await fetch(op.environment.discoveryUrl)).json()).issuer, op.issuer);
  assert.equal((await fetch(op.environment.jwksUrl)).headers.get('content-length') !== '1000000000', true);
});

test('requests are recorded: method, path, headers, body', async () => {
  const before = op.requests.length;
  await signIn();
  const seen = op.requests.slice(before);
  assert.deepEqual(seen.map((r) => `${r.method} ${r.path}`), ['GET /authorize', 'POST /token']);
  assert.match(seen[1].body, /grant_type=authorization_code/);
  assert.equal(seen[1].headers['user-agent'], 'test');
  assert.match(seen[0].query, /client_id=test-op-client/);
});

test('parseVtr: One Login\'s vtr grammar', () => {
  assert.deepEqual(parseVtr(undefined), { c: 'Cl.Cm', p: 0 });
  assert.deepEqual(parseVtr('[]'), { c: 'Cl.Cm', p: 0 });
  assert.deepEqual(parseVtr('["Cm.Cl"]'), { c: 'Cl.Cm', p: 0 });
  assert.deepEqual(parseVtr('["P2.Cl.Cm"]'), { c: 'Cl.Cm', p: 2 });
  assert.deepEqual(parseVtr('["Cl.Cm.P2","Cl.Cm.P1"]'), { c: 'Cl.Cm', p: 1 });
  assert.deepEqual(parseVtr('["Cl.Cm","Cl"]'), { c: 'Cl', p: 0 });
  assert.deepEqual(parseVtr('["Cl.Cm.P0","Cl"]'), { c: 'Cl', p: 0 });
  for (const bad of ['Cl.Cm', '"Cl.Cm"', '[1]', '["Cl.P1"]', '["Cl.Cm.P2.P1"]', '["Cl.Cm.P2","Cl.Cm"]']) assert.equal(parseVtr(bad), undefined, bad);
});

// The one place this file uses the package: what the OP issues is what the package verifies, with
// op.environment passed as the environment (the DID id, identity issuer and kids line up).
test('the package verifies the OP\'s ID token, core identity and logout token via op.environment', async () => {
  const { OneLoginClient, signClientAssertion } = await import('govuk-one-login-tokens');
  const client = OneLoginClient.create({ environment: op.environment, clientId: CLIENT_ID });
  assert.equal(client.endpoints.didUrl, op.environment.didUrl);
  const claims = JSON.stringify({ userinfo: { [CLAIM.coreIdentityJWT]: null } });
  const assertionJwt = signClientAssertion({ privateKey: rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }), clientId: CLIENT_ID, audience: op.environment.tokenUrl });
  const r = await signIn({ vtr: '["Cl.Cm.P2"]', claims }, { client_assertion: assertionJwt });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const id = await client.verifyIdToken(r.body.id_token, { nonce: 'nonce-456', accessToken: r.body.access_token });
  assert.equal(id.sub, op.sub);
  const doc = await (await userinfo(r.body.access_token)).json();
  const identity = await client.verifyCoreIdentity(doc[CLAIM.coreIdentityJWT], { sub: id.sub });
  assert.equal(identity.claims.vot, 'P2');
  const logout = await client.verifyLogoutToken(op.logoutToken());
  assert.equal(logout.sub, op.lastSub);
  client.dispose?.();
});

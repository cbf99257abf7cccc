// Differential testing of the sign-in flow against openid-client 6 (panva, OpenID Certified):
// both run the same sign-ins (PKCE S256, state, nonce; private_key_jwt or client_secret_post)
// against the in-repo test OP (tests/support/test-op.mjs), one case per injected fault or ID
// token variant, each with its own authorization and code. Every case is classified: both
// accept, both refuse, or one accepts and the other refuses. A disagreement must be listed in
// DELIBERATE below with its reason (SECURITY.md lists the same table with the counts); an
// unexplained one fails, and so does any case where we accept what openid-client refuses
// unless it is listed.
//
// openid-client is configured as its documentation says for this OP: discovery of the issuer
// (allowInsecureRequests because the test OP is plain http on 127.0.0.1), the client's
// private key as a CryptoKey, authorizationCodeGrant with pkceCodeVerifier, expectedState and
// expectedNonce, then fetchUserInfo with the ID token's sub. Its defaults stay as they are
// (30 s clock tolerance; ID token signatures of token responses not verified unless
// enableNonRepudiationChecks is called; no at_hash check in the code flow).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes, webcrypto } from 'node:crypto';
import * as oidc from 'openid-client';
import { OneLoginClient } from 'govuk-one-login-tokens';
import { startTestOp, CLAIM } from '../support/test-op.mjs';

const CLIENT_ID = 'differential-client';
const SECRET_CLIENT_ID = 'differential-secret-client';
const REDIRECT_URI = 'https://rp.example/callback';
const TIMEOUT_MS = 600;
const IDENTITY = { vtr: ['Cl.Cm.P2'], scope: ['openid', 'email', 'phone'], claims: ['coreIdentityJWT', 'address', 'passport', 'drivingPermit', 'returnCode'] };
const IDENTITY_CLAIMS = ['coreIdentityJWT', 'address', 'passport', 'drivingPermit', 'returnCode'].map((c) => CLAIM[c]);

/**
 * Every case where the two disagree on purpose: the case's name → the reason (a row of
 * SECURITY.md). `we refuse` means openid-client accepts; none is the other way round.
 */
const REASONS = {
  vot: 'One Login `vot` must match the requested `vtr` (openid-client does not know `vot`)',
  at_hash: '`at_hash` is required and checked against the access token (One Login always sends it; openid-client skips it in the code flow, where OIDC makes it optional)',
  signature: 'the ID token signature is verified with One Login\'s JWKS (openid-client does not verify token-endpoint ID tokens by default)',
  claimViews: 'userinfo claims are read into typed views and a malformed One Login claim is refused (openid-client returns userinfo as untyped JSON)',
  coreIdentity: 'the core identity credential is verified (DID key, `sub`, `vot`, expiry); openid-client passes it on unread',
  did: 'the DID document must be the environment\'s DID (`id`); openid-client never fetches it',
  futureIat: '`iat` in the future beyond the tolerance is refused, as One Login\'s guidance asks (openid-client checks `iat` is a number only)',
  tokenType: 'only `token_type` Bearer is accepted (openid-client also accepts DPoP)',
};
const DELIBERATE = new Map([
  ['id token vot Cl', REASONS.vot],
  ['id token vot missing', REASONS.vot],
  ['id token at_hash wrong', REASONS.at_hash],
  ['id token without at_hash', REASONS.at_hash],
  ['id token signed by an unknown key', REASONS.signature],
  ['id token iat 120 s ahead', REASONS.futureIat],
  ['token_type DPoP', REASONS.tokenType],
  ['userinfo address not a list', REASONS.claimViews],
  ['userinfo passport without documentNumber', REASONS.claimViews],
  ['userinfo drivingPermit a string', REASONS.claimViews],
  ['userinfo returnCode code a number', REASONS.claimViews],
  ['userinfo email a number', REASONS.claimViews],
  ['userinfo coreIdentityJWT not a JWT', REASONS.coreIdentity],
  ['core identity for another sub', REASONS.coreIdentity],
  ['core identity at P1 for P2', REASONS.coreIdentity],
  ['core identity expired', REASONS.coreIdentity],
  ['DID document of another DID', REASONS.did],
]);

let op;
let secretOp;
let privatePem;
let cryptoKey;
let clientSecret;
let ours;
let oursSecret;
let theirs;
let theirsSecret;

before(async () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  privatePem = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' });
  cryptoKey = await webcrypto.subtle.importKey(
    'pkcs8',
    rsa.privateKey.export({ type: 'pkcs8', format: 'der' }),
    { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  clientSecret = randomBytes(32).toString('base64url');
  op = await startTestOp({ clientId: CLIENT_ID, clientPublicJwk: rsa.publicKey.export({ format: 'jwk' }), redirectUris: [REDIRECT_URI] });
  secretOp = await startTestOp({ clientId: SECRET_CLIENT_ID, clientSecret, redirectUris: [REDIRECT_URI] });
  ours = ourClient();
  oursSecret = OneLoginClient.create({ environment: secretOp.environment, clientId: SECRET_CLIENT_ID, redirectUri: REDIRECT_URI, clientSecret, timeoutMs: TIMEOUT_MS });
  const options = { execute: [oidc.allowInsecureRequests], timeout: TIMEOUT_MS / 1000 };
  theirs = await oidc.discovery(new URL(op.issuer), CLIENT_ID, {}, oidc.PrivateKeyJwt(cryptoKey), options);
  theirsSecret = await oidc.discovery(new URL(secretOp.issuer), SECRET_CLIENT_ID, {}, oidc.ClientSecretPost(clientSecret), options);
});

after(async () => {
  ours?.dispose();
  oursSecret?.dispose();
  await Promise.all([op?.close(), secretOp?.close()]);
});

function ourClient(extra = {}) {
  return OneLoginClient.create({ environment: op.environment, clientId: CLIENT_ID, redirectUri: REDIRECT_URI, privateKey: privatePem, timeoutMs: TIMEOUT_MS, ...extra });
}

/** Our whole sign-in: `{ accepted, code? }`. */
async function ourSignIn(client, theOp, options) {
  try {
    const { url, transaction } = client.startSignIn(options);
    const callback = await theOp.authorize(url);
    await client.completeSignIn(callback, transaction);
    return { accepted: true };
  } catch (error) {
    return { accepted: false, code: error.code ?? error.name, message: error.message };
  }
}

/** openid-client's sign-in with the same parameters: authorization code grant, then userinfo. */
async function theirSignIn(config, theOp, options) {
  try {
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const params = {
      redirect_uri: REDIRECT_URI,
      scope: ['openid', ...(options.scope ?? []).filter((s) => s !== 'openid')].join(' '),
      state,
      nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
    };
    if (options.vtr) params.vtr = JSON.stringify(options.vtr);
    if (options.claims) params.claims = JSON.stringify({ userinfo: Object.fromEntries(IDENTITY_CLAIMS.map((c) => [c, null])) });
    const url = oidc.buildAuthorizationUrl(config, params);
    const callback = await theOp.authorize(url.href);
    const tokens = await oidc.authorizationCodeGrant(config, new URL(callback), { pkceCodeVerifier: codeVerifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true });
    const { sub } = tokens.claims();
    await oidc.fetchUserInfo(config, tokens.access_token, sub);
    return { accepted: true };
  } catch (error) {
    return { accepted: false, code: error.code ?? error.name, message: error.message };
  }
}

const now = () => Math.floor(Date.now() / 1000);

/** A sign-in that has not settled after 15 s fails the test naming the case (never a silent hang). */
function guard(label, promise) {
  let timer;
  const limit = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${label}: no outcome after 15 s`)), 15_000);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

/**
 * The cases: `[name, setup]`; `setup(op)` injects the fault and returns the sign-in options
 * (`{ identity: true }` for an identity sign-in, `secret: true` for client_secret_post, `ours`
 * for a client of our own with other options).
 */
const CASES = [
  ['sign-in, authentication only', () => ({})],
  ['sign-in with identity', () => ({ identity: true })],
  ['client_secret_post sign-in', () => ({ secret: true })],
  ['client_secret_post, wrong secret at the OP', () => ({ secret: true, wrongSecret: true })],
  ...['access_denied', 'login_required', 'temporarily_unavailable', 'invalid_request', 'server_error'].map((error) => [`authorize error ${error}`, (o) => (o.inject({ authorizeError: error }), {})]),
  ['state forged by the OP', (o) => (o.inject({ stateOverride: 'forged' }), {})],
  ['token HTTP 400', (o) => (o.inject({ token: { status: 400 } }), {})],
  ['token HTTP 401', (o) => (o.inject({ token: { status: 401 } }), {})],
  ['token HTTP 500', (o) => (o.inject({ token: { status: 500 } }), {})],
  ['token endpoint hangs', (o) => (o.inject({ token: 'hang' }), {})],
  ['token endpoint redirects', (o) => (o.inject({ token: 'redirect' }), {})],
  ['token endpoint answers HTML', (o) => (o.inject({ token: 'html' }), {})],
  ['token endpoint answers 10 MB', (o) => (o.inject({ token: 'oversize' }), {})],
  ['token endpoint trickles', (o) => (o.inject({ trickle: '/token' }), {})],
  ['token endpoint promises 1 GB', (o) => (o.inject({ hugeContentLength: '/token' }), {})],
  ['token_type DPoP', (o) => (o.inject({ tokenType: 'DPoP' }), {})],
  ['token_type bearer (lower case)', (o) => (o.inject({ tokenType: 'bearer' }), {})],
  ['token_type MAC', (o) => (o.inject({ tokenType: 'MAC' }), {})],
  ['no id_token', (o) => (o.inject({ noIdToken: true }), {})],
  ['id token for another client', (o) => (o.inject({ idTokenClaims: { aud: 'another-client' } }), {})],
  ['id token aud array with ours only', (o) => (o.inject({ idTokenClaims: { aud: [CLIENT_ID] } }), {})],
  ['id token aud array with another, no azp', (o) => (o.inject({ idTokenClaims: { aud: [CLIENT_ID, 'another-client'] } }), {})],
  ['id token aud array with another, azp ours', (o) => (o.inject({ idTokenClaims: { aud: [CLIENT_ID, 'another-client'], azp: CLIENT_ID } }), {})],
  ['id token another nonce', (o) => (o.inject({ idTokenClaims: { nonce: 'another-nonce' } }), {})],
  ['id token without nonce', (o) => (o.inject({ idTokenClaims: { nonce: undefined } }), {})],
  ['id token another issuer', (o) => (o.inject({ idTokenClaims: { iss: 'https://oidc.account.gov.uk/' } }), {})],
  ['id token issuer without trailing slash', (o) => (o.inject({ idTokenClaims: { iss: o.issuer.slice(0, -1) } }), {})],
  ['id token without sub', (o) => (o.inject({ idTokenClaims: { sub: undefined } }), {})],
  ['id token expired 60 s ago', (o) => (o.inject({ idTokenClaims: { exp: now() - 60 } }), {})],
  ['id token expired 10 s ago (within tolerance)', (o) => (o.inject({ idTokenClaims: { exp: now() - 10 } }), {})],
  ['id token without exp', (o) => (o.inject({ idTokenClaims: { exp: undefined } }), {})],
  ['id token without iat', (o) => (o.inject({ idTokenClaims: { iat: undefined } }), {})],
  ['id token iat 120 s ahead', (o) => (o.inject({ idTokenClaims: { iat: now() + 120 } }), {})],
  ['id token iat an hour ago', (o) => (o.inject({ idTokenClaims: { iat: now() - 3600 } }), {})],
  ['id token nbf 120 s ahead', (o) => (o.inject({ idTokenClaims: { nbf: now() + 120 } }), {})],
  ['id token exp a string', (o) => (o.inject({ idTokenClaims: { exp: String(now() + 100) } }), {})],
  ['id token vot Cl', (o) => (o.inject({ idTokenClaims: { vot: 'Cl' } }), {})],
  ['id token vot missing', (o) => (o.inject({ idTokenClaims: { vot: undefined } }), {})],
  ['id token at_hash wrong', (o) => (o.inject({ idTokenClaims: { at_hash: 'AAAAAAAAAAAAAAAAAAAAAA' } }), {})],
  ['id token without at_hash', (o) => (o.inject({ idTokenClaims: { at_hash: undefined } }), {})],
  ['id token without sid', (o) => (o.inject({ idTokenClaims: { sid: undefined } }), {})],
  ['id token signed by an unknown key', (o) => (o.inject({ idTokenKey: 'unknown' }), {})],
  ['userinfo HTTP 401', (o) => (o.inject({ userinfo: { status: 401 } }), {})],
  ['userinfo HTTP 500', (o) => (o.inject({ userinfo: { status: 500, body: 'oops' } }), {})],
  ['userinfo hangs', (o) => (o.inject({ userinfo: 'hang' }), {})],
  ['userinfo answers 10 MB', (o) => (o.inject({ userinfo: 'oversize' }), {})],
  ['userinfo trickles', (o) => (o.inject({ trickle: '/userinfo' }), {})],
  ['userinfo for another sub', (o) => (o.inject({ userinfoSub: 'urn:fdc:gov.uk:2022:someone-else' }), {})],
  ['userinfo without sub', (o) => (o.inject({ userinfoClaims: { sub: undefined } }), {})],
  ['userinfo address not a list', (o) => (o.inject({ userinfoClaims: { [CLAIM.address]: { postalCode: 'GL1 5QB' } } }), { identity: true })],
  ['userinfo passport without documentNumber', (o) => (o.inject({ userinfoClaims: { [CLAIM.passport]: [{ icaoIssuerCode: 'GBR', expiryDate: '2029-02-02' }] } }), { identity: true })],
  ['userinfo drivingPermit a string', (o) => (o.inject({ userinfoClaims: { [CLAIM.drivingPermit]: 'DOE99802085J99FG' } }), { identity: true })],
  ['userinfo returnCode code a number', (o) => (o.inject({ userinfoClaims: { [CLAIM.returnCode]: [{ code: 7 }] } }), { identity: true })],
  ['userinfo email a number', (o) => (o.inject({ userinfoClaims: { email: 5 } }), {})],
  ['userinfo coreIdentityJWT not a JWT', (o) => (o.inject({ userinfoClaims: { [CLAIM.coreIdentityJWT]: 'not-a-token' } }), { identity: true })],
  ['userinfo with an unknown extra member', (o) => (o.inject({ userinfoClaims: { favouriteColour: 'green' } }), { identity: true })],
  ['core identity for another sub', (o) => (o.userinfoFor(o.sub, { coreIdentityClaims: { sub: 'urn:fdc:gov.uk:2022:someone-else' } }), { identity: true })],
  ['core identity at P1 for P2', (o) => (o.userinfoFor(o.sub, { coreIdentityClaims: { vot: 'P1' } }), { identity: true })],
  ['core identity expired', (o) => (o.userinfoFor(o.sub, { coreIdentityClaims: { exp: now() - 3600 } }), { identity: true })],
  ['identity requested, no credential sent', (o) => (o.userinfoFor(o.sub, { [CLAIM.coreIdentityJWT]: undefined }), { identity: true })],
  ['DID document of another DID', (o) => ({ identity: true, ours: { environment: { ...o.environment, didId: 'did:web:identity.account.gov.uk' } } })],
  ['discovery for another issuer', (o) => (o.inject({ discoveryIssuer: 'https://oidc.account.gov.uk/' }), { fresh: true })],
];

/**
 * openid-client reads discovery once (in `before`), as a service would; a case about the
 * discovery document itself makes a fresh configuration on each side.
 */
async function theirFreshConfig() {
  return oidc.discovery(new URL(op.issuer), CLIENT_ID, {}, oidc.PrivateKeyJwt(cryptoKey), { execute: [oidc.allowInsecureRequests], timeout: TIMEOUT_MS / 1000 });
}

test('the flow against openid-client 6: every case classified, every disagreement deliberate', { timeout: 90_000 }, async (t) => {
  const results = [];
  for (const [name, setup] of CASES) {
    op.reset();
    secretOp.reset();
    const theOpOf = (s) => (s.secret ? secretOp : op);
    const spec = setup(op);
    const theOp = theOpOf(spec);
    const options = spec.identity ? IDENTITY : { scope: ['openid', 'email'] };
    let ourClientForCase = spec.secret ? oursSecret : ours;
    let theirConfig = spec.secret ? theirsSecret : theirs;
    const owned = [];
    if (spec.ours || spec.fresh) {
      ourClientForCase = ourClient(spec.ours ?? {});
      owned.push(ourClientForCase);
    }
    if (spec.wrongSecret) {
      ourClientForCase = OneLoginClient.create({ environment: secretOp.environment, clientId: SECRET_CLIENT_ID, redirectUri: REDIRECT_URI, clientSecret: `${clientSecret}x`, timeoutMs: TIMEOUT_MS });
      owned.push(ourClientForCase);
      theirConfig = await oidc.discovery(new URL(secretOp.issuer), SECRET_CLIENT_ID, {}, oidc.ClientSecretPost(`${clientSecret}x`), { execute: [oidc.allowInsecureRequests] });
    }
    // The two sign-ins run side by side (each with its own authorization and code), so a
    // hanging endpoint costs one deadline, not two.
    const [our, their] = await Promise.all([
      guard(`${name} (ours)`, ourSignIn(ourClientForCase, theOp, options)),
      guard(
        `${name} (openid-client)`,
        spec.fresh ? theirFreshConfig().then((c) => theirSignIn(c, theOp, options), (e) => ({ accepted: false, code: e.code ?? e.name, message: e.message })) : theirSignIn(theirConfig, theOp, options),
      ),
    ]);
    for (const c of owned) c.dispose();
    const verdict = our.accepted && their.accepted ? 'both accept' : !our.accepted && !their.accepted ? 'both refuse' : our.accepted ? 'we accept, openid-client refuses' : 'we refuse, openid-client accepts';
    results.push({ name, verdict, our, their });
  }
  op.reset();

  const counts = new Map();
  const unexplained = [];
  for (const { name, verdict, our, their } of results) {
    const reason = DELIBERATE.get(name);
    const disagree = verdict.startsWith('we ');
    const key = disagree ? `${verdict}: ${reason ?? 'UNEXPLAINED'}` : verdict;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    if (disagree && reason === undefined) unexplained.push(`${name}: ${verdict} (ours ${our.code ?? 'ok'}: ${our.message ?? ''}; openid-client ${their.code ?? 'ok'}: ${their.message ?? ''})`);
    if (!disagree && reason !== undefined) unexplained.push(`${name}: listed as deliberate but ${verdict}`);
    if (verdict === 'we accept, openid-client refuses' && reason === undefined) unexplained.push(`${name}: WE ACCEPT what openid-client refuses`);
  }
  for (const [key, n] of [...counts].sort()) t.diagnostic(`${n} ${key}`);
  for (const r of results) t.diagnostic(`${r.verdict.padEnd(32)} ${r.name} (ours ${r.our.code ?? 'ok'}, openid-client ${r.their.code ?? 'ok'})`);
  assert.deepEqual(unexplained, []);
  // The baselines must pass on both sides, or every fault case would be "both refuse" by accident.
  for (const name of ['sign-in, authentication only', 'sign-in with identity', 'client_secret_post sign-in']) {
    assert.equal(results.find((r) => r.name === name).verdict, 'both accept', name);
  }
  assert.equal(results.filter((r) => r.verdict === 'we accept, openid-client refuses').length, 0);
});

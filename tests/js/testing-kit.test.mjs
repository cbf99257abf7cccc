// The test kit, govuk-one-login-tokens/testing, as a service uses it: whole sign-ins through
// OneLoginClient against startTestOneLogin(), the GOV.UK One Login simulator's configuration
// contract (op.config and POST /config, unknown members refused by name), every simulator error
// name refused by OneLoginClient exactly as the simulator's own broken tokens are (read in place
// from ../shared/vectors/simulator, never copied), the simulator's documented configuration
// examples replayed (tests/support/data/simulator-config-examples.json, with provenance), two kits
// at once, close() freeing the port, the serverless token factories, and the median sign-in time.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generateKeyPairSync } from 'node:crypto';
import {
  OneLoginClient,
  TokenError,
  KeySet,
  DidDocument,
  verifyIdToken,
  verifyCoreIdentity,
  verifyLogoutToken,
  decodeJwt,
} from 'govuk-one-login-tokens';
import { startTestOneLogin, createTestTokens, SIMULATOR_ERRORS, CLAIM, TEST_NONCE } from 'govuk-one-login-tokens/testing';

const REDIRECT_URI = 'http://localhost:8080/oidc/authorization-code/callback';
const IDENTITY = { vtr: ['Cl.Cm.P2'], scope: ['openid', 'email', 'phone'], claims: ['coreIdentityJWT', 'address', 'returnCode'] };
const EXAMPLES = JSON.parse(readFileSync(new URL('../support/data/simulator-config-examples.json', import.meta.url), 'utf8'));
const VECTORS = fileURLToPath(new URL('../../../shared/vectors/simulator/', import.meta.url));
const vectorsPresent = existsSync(VECTORS);
if (!vectorsPresent && process.env.CI) throw new Error(`CI is set but the vectors folder ${VECTORS} is missing`);

const started = [];
/** A kit the test file closes at the end. */
async function kit(options) {
  const op = await startTestOneLogin(options);
  started.push(op);
  return op;
}
after(() => Promise.all(started.map((op) => op.close())));

const clients = [];
after(() => clients.forEach((c) => c.dispose()));
function clientFor(op, extra = {}) {
  const c = OneLoginClient.create({ environment: op.environment, clientId: op.clientId, privateKey: op.privateKey, redirectUri: REDIRECT_URI, timeoutMs: 3000, ...extra });
  clients.push(c);
  return c;
}

/** A whole sign-in: start, the browser's trip through /authorize, complete. */
async function signIn(op, client, options = IDENTITY) {
  const { url, transaction } = client.startSignIn(options);
  const callback = await op.authorize(url);
  return client.completeSignIn(callback, transaction);
}

/** The TokenError a promise rejects with: `[code, claim?]`. */
async function refusal(promise) {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof TokenError, `${error?.name}: ${error?.message}`);
    return error.claim === undefined ? [error.code] : [error.code, error.claim];
  }
  assert.fail('accepted');
}

function syncRefusal(fn) {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof TokenError, `${error?.name}: ${error?.message}`);
    return error.claim === undefined ? [error.code] : [error.code, error.claim];
  }
  assert.fail('accepted');
}

test('the entry point: server-only export, not loaded by the main entry, no jose', () => {
  const manifest = JSON.parse(readFileSync(new URL('../node_modules/govuk-one-login-tokens/package.json', import.meta.url), 'utf8'));
  assert.deepEqual(manifest.exports['./testing'], { types: './testing.d.ts', node: './testing.js' });
  assert.ok(manifest.files.includes('testing.js') && manifest.files.includes('testing.d.ts'));
  assert.equal(manifest.dependencies, undefined, 'the package has no dependencies');
  const kitSource = readFileSync(new URL('../node_modules/govuk-one-login-tokens/testing.js', import.meta.url), 'utf8');
  const imports = [...kitSource.matchAll(/^import [^;]*? from '([^']+)';$/gm)].map((m) => m[1]).sort();
  assert.deepEqual(imports, ['govuk-one-login-tokens', 'node:crypto', 'node:http']);
  for (const entry of ['node.mjs', 'index.js', 'index.cjs', 'edge.js', 'browser.js']) {
    const text = readFileSync(new URL(`../node_modules/govuk-one-login-tokens/${entry}`, import.meta.url), 'utf8');
    assert.equal(/testing(\.js)?['"]/.test(text), false, `${entry} does not load the kit`);
  }
});

test('a whole sign-in with the defaults: generated key, the simulator\'s default user, identity verified', async () => {
  const op = await kit();
  assert.match(op.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.deepEqual(op.environment, { baseUrl: op.url });
  assert.equal(op.issuer, `${op.url}/`);
  assert.match(op.privateKey, /^-----BEGIN PRIVATE KEY-----/);
  const signedIn = await signIn(op, clientFor(op));
  assert.equal(signedIn.sub, EXAMPLES.defaults.responseConfiguration.sub);
  assert.equal(signedIn.email, 'test@example.com');
  assert.equal(signedIn.phoneNumber, '07123456789');
  assert.deepEqual(signedIn.identity.currentName.givenNames, ['GEOFFREY']);
  assert.equal(signedIn.identity.birthDate, '1955-04-19');
  assert.equal(signedIn.addresses[0].postalCode, 'GL1 5QB');
  assert.deepEqual(signedIn.returnCodes, []);
  assert.equal(signedIn.claims.vot, 'Cl.Cm');
  assert.equal(signedIn.claims.iss, op.issuer);
  // /authorize answered at once with a 302 (op.authorize refuses anything else).
  assert.deepEqual(op.requests.filter((r) => r.path === '/authorize').map((r) => r.method), ['GET']);
});

test('two kits at once: own ports, keys and configuration; one kit\'s tokens are refused by the other\'s client', async () => {
  const [a, b] = await Promise.all([kit({ clientId: 'same-client' }), kit({ clientId: 'same-client' })]);
  assert.notEqual(a.url, b.url);
  await b.config({ responseConfiguration: { sub: 'urn:fdc:gov.uk:2022:kit-b' } });
  const [ca, cb] = [clientFor(a), clientFor(b)];
  const [inA, inB] = await Promise.all([signIn(a, ca), signIn(b, cb)]);
  assert.equal(inA.sub, EXAMPLES.defaults.responseConfiguration.sub);
  assert.equal(inB.sub, 'urn:fdc:gov.uk:2022:kit-b');
  assert.notDeepEqual(a.jwks.keys.map((k) => k.kid), b.jwks.keys.map((k) => k.kid));
  // Same client ID, other kit: wrong issuer, and no key for its kid.
  const [code] = await refusal(cb.verifyLogoutToken(a.logoutToken()));
  assert.ok(['ERR_JWT_CLAIM_VALIDATION_FAILED', 'ERR_JWKS_NO_MATCHING_KEY'].includes(code), code);
  assert.deepEqual(await refusal(ca.verifyIdToken(b.tokens.idToken({ iss: a.issuer }), { nonce: TEST_NONCE })), ['ERR_JWKS_NO_MATCHING_KEY']);
});

test('close() frees the port; a port can be asked for', async () => {
  const op = await startTestOneLogin();
  const port = Number(new URL(op.url).port);
  assert.equal((await fetch(`${op.url}/.well-known/openid-configuration`)).status, 200);
  await op.close();
  await assert.rejects(fetch(`${op.url}/.well-known/openid-configuration`));
  // The same port, free again: a plain server and then a kit take it.
  const plain = createServer();
  await new Promise((resolve, reject) => plain.once('error', reject).listen(port, '127.0.0.1', resolve));
  await new Promise((resolve) => plain.close(resolve));
  const again = await kit({ port });
  assert.equal(again.url, `http://127.0.0.1:${port}`);
  await assert.rejects(startTestOneLogin({ port }), { code: 'EADDRINUSE' });
});

test('/config and op.config refuse what they do not know, naming the member (did you mean)', async () => {
  const op = await kit();
  const post = (body) => fetch(`${op.url}/config`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const cases = [
    [{ clientConfiguration: { redirectUris: [REDIRECT_URI] } }, 'clientConfiguration.redirectUris', /did you mean "redirectUrls"/],
    [{ clientConfig: {} }, 'clientConfig', /did you mean "clientConfiguration"/],
    [{ responseConfiguration: { phone: '07700900000' } }, 'responseConfiguration.phone', /unknown member/],
    [{ errorConfiguration: { idTokenErrors: ['INVALID_ISSUER'] } }, 'errorConfiguration.idTokenErrors', /did you mean "INVALID_ISS"/],
    [{ errorConfiguration: { tokenErrors: [] } }, 'errorConfiguration.tokenErrors', /did you mean "idTokenErrors"/],
    [{ clientConfiguration: { scopes: ['openid', 'profile'] } }, 'clientConfiguration.scopes', /must be an array of/],
    [{ clientConfiguration: { idTokenSigningAlgorithm: 'HS256' } }, 'clientConfiguration.idTokenSigningAlgorithm', /"ES256" or "RS256"/],
    [{ clientConfiguration: { clientLoCs: [] } }, 'clientConfiguration.clientLoCs', /non-empty/],
    [{ clientConfiguration: { publicKey: 'not a key' } }, 'clientConfiguration.publicKey', /public key/],
    [{ useNewIdTokenSigningKeys: true }, 'useNewIdTokenSigningKeys', /whilst publishNewIdTokenSigningKeys is false/],
  ];
  for (const [body, member, message] of cases) {
    const r = await post(body);
    assert.equal(r.status, 400, member);
    const { errors } = await r.json();
    assert.deepEqual(Object.keys(errors), [member]);
    assert.match(errors[member].msg, message);
    await assert.rejects(op.config(body), (e) => e instanceof TokenError && e.code === 'ERR_INVALID_ARGUMENT' && e.option === member && message.test(e.message));
  }
  // Nothing of a refused body applied: the next sign-in is the default one.
  await op.config({ clientConfiguration: { redirectUrls: [REDIRECT_URI] } });
  assert.equal((await signIn(op, clientFor(op))).sub, EXAMPLES.defaults.responseConfiguration.sub);
  assert.equal((await post({ clientConfiguration: { redirectUrls: [REDIRECT_URI] } })).status, 200);
  const current = await (await fetch(`${op.url}/config`)).json();
  assert.deepEqual(current.clientConfiguration.redirectUrls, [REDIRECT_URI]);
  assert.equal(current.simulatorUrl, op.url);
  await assert.rejects(startTestOneLogin({ clientID: 'x' }), (e) => e.option === 'clientID' && /did you mean "clientId"/.test(e.message));
});

// --- every simulator error name -------------------------------------------------------------------
const vectorDir = (...parts) => `${VECTORS}${parts.join('/')}`;
const readVector = (...parts) => readFileSync(vectorDir(...parts), 'utf8').trim();

/** How OneLoginClient's verification refuses the simulator's own token for `name` (`[code, claim?]`). */
function simulatorRefusal(kind, name) {
  const params = JSON.parse(readVector('negative-es256', kind, name, 'flow-params.json'));
  const accessToken = readVector('negative-es256', kind, name, 'access_token.jwt');
  const now = decodeJwt(accessToken).payload.iat;
  const environment = { baseUrl: params.sim_public_url };
  const jwks = new KeySet(readVector('es256', 'jwks.json'));
  const did = new DidDocument(readVector('es256', 'did.json'));
  try {
    const idOptions = { jwks, environment, clientId: params.client_id, nonce: params.nonce, vtr: params.vtr, accessToken, now };
    const idToken = readVector('negative-es256', kind, name, 'id_token.jwt');
    if (kind === 'id_token') return syncRefusal(() => verifyIdToken(idToken, idOptions));
    const { sub } = verifyIdToken(idToken, idOptions);
    const credential = readVector('negative-es256', kind, name, 'coreIdentityJWT.jwt');
    return syncRefusal(() => verifyCoreIdentity(credential, { didDocument: did, environment, clientId: params.client_id, sub, vtr: params.vtr, now }));
  } finally {
    jwks.free();
    did.free();
  }
}

test('every simulator ID token and core identity error name: OneLoginClient refuses the kit\'s token as it refuses the simulator\'s', { skip: vectorsPresent ? false : `no ${VECTORS}` }, async () => {
  const op = await kit();
  const client = clientFor(op);
  for (const [member, kind] of [['idTokenErrors', 'id_token'], ['coreIdentityErrors', 'core_identity']]) {
    const recorded = readdirSync(vectorDir('negative-es256', kind)).sort();
    assert.deepEqual(recorded, [...SIMULATOR_ERRORS[member]].sort(), `the vectors hold one journey per ${member} name`);
    for (const name of SIMULATOR_ERRORS[member]) {
      await op.config({ errorConfiguration: { [member]: [name] } });
      const expected = simulatorRefusal(kind, name);
      assert.deepEqual(await refusal(signIn(op, client)), expected, `${member} ${name}`);
    }
  }
  // A body without errorConfiguration clears them (as the simulator does): the sign-in passes again.
  await op.config({});
  assert.equal((await signIn(op, client)).identity.birthDate, '1955-04-19');
});

test('every simulator authorise error name: the refusal the simulator redirects with', async () => {
  const op = await kit();
  const client = clientFor(op);
  const expected = {
    ACCESS_DENIED: ['access_denied', 'Access denied by resource owner or authorization server'],
    TEMPORARILY_UNAVAILABLE: ['temporarily_unavailable', ''],
  };
  assert.deepEqual(Object.keys(expected), [...SIMULATOR_ERRORS.authoriseErrors]);
  for (const name of SIMULATOR_ERRORS.authoriseErrors) {
    await op.config({ errorConfiguration: { authoriseErrors: [name] } });
    const { url, transaction } = client.startSignIn(IDENTITY);
    const before = op.requests.length;
    const callback = new URL(await op.authorize(url));
    assert.equal(`${callback.origin}${callback.pathname}`, REDIRECT_URI);
    assert.deepEqual([callback.searchParams.get('error'), callback.searchParams.get('error_description'), callback.searchParams.get('state')], [...expected[name], transaction.state]);
    await assert.rejects(client.completeSignIn(callback.href, transaction), (e) => {
      assert.ok(e instanceof TokenError);
      assert.equal(e.code, 'ERR_OAUTH_AUTHORIZATION_ERROR', e.message);
      assert.equal(e.error, expected[name][0]);
      return true;
    });
    assert.deepEqual(op.requests.slice(before).map((r) => r.path), ['/authorize'], 'nothing sent to /token');
  }
});

// --- the simulator's documented configuration examples ---------------------------------------------
test('the simulator\'s documented configuration examples, replayed (provenance in the data file)', async (t) => {
  assert.match(EXAMPLES.provenance.commit, /^[0-9a-f]{40}$/);
  const op = await kit();
  const client = clientFor(op);

  // Defaults (docs/default-config-values.md).
  const initial = op.configuration();
  for (const [name, value] of Object.entries(EXAMPLES.defaults.responseConfiguration)) assert.deepEqual(initial.responseConfiguration[name], value, name);
  for (const [name, value] of Object.entries(EXAMPLES.defaults.clientConfiguration)) assert.deepEqual(initial.clientConfiguration[name], value, name);

  const [clientExample, responseExample, urlExample, errorExample, publishExample, useExample, jwksExample] = EXAMPLES.examples;
  const post = (body) => fetch(`${op.url}/config`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  await t.test(clientExample.source, async () => {
    assert.equal((await post(clientExample.body)).status, 200);
    assert.equal(op.configuration().clientConfiguration.clientId, 'aClientId');
    // The kit now answers for aClientId only; scopes are openid, phone, email.
    const other = clientFor(op, { clientId: 'aClientId' });
    const signedIn = await signIn(op, other, { scope: ['openid', 'phone', 'email'] });
    assert.equal(signedIn.claims.aud, 'aClientId');
    // The old client ID is no longer registered: One Login's page, not a redirect.
    await assert.rejects(signIn(op, client), (e) => e.name === 'AuthorizeRejected' && e.status === 400);
    await op.config({ clientConfiguration: { clientId: op.clientId, scopes: ['openid', 'email', 'phone'] } });
  });

  await t.test(responseExample.source, async () => {
    assert.equal((await post(responseExample.body)).status, 200);
    const signedIn = await signIn(op, client, { scope: ['openid', 'email'] });
    assert.deepEqual([signedIn.sub, signedIn.email], ['someSubjectIdentifier', 'anExampleEmail@example.com']);
  });

  await t.test(urlExample.source, async () => {
    const r = await post(urlExample.body);
    assert.equal(r.status, 400);
    assert.deepEqual(Object.keys((await r.json()).errors), [urlExample.kitRefuses]);
    // Its own URL is accepted.
    assert.equal((await post({ simulatorUrl: op.url })).status, 200);
  });

  await t.test(errorExample.source, async () => {
    assert.equal((await post(errorExample.body)).status, 200);
    // ACCESS_DENIED wins at /authorize, before any token is made.
    await assert.rejects(signIn(op, client), (e) => e.code === 'ERR_OAUTH_AUTHORIZATION_ERROR' && e.error === 'access_denied');
    await op.config({ errorConfiguration: { idTokenErrors: ['INVALID_ISS'], coreIdentityErrors: ['INVALID_ALG_HEADER'] } });
    assert.deepEqual(await refusal(signIn(op, client)), ['ERR_JWT_CLAIM_VALIDATION_FAILED', 'iss']);
    await op.config({ errorConfiguration: { coreIdentityErrors: ['INVALID_ALG_HEADER'] } });
    assert.deepEqual(await refusal(signIn(op, client)), ['ERR_JOSE_ALG_NOT_ALLOWED']);
    await op.config({});
  });

  await t.test(`${publishExample.source}; then ${useExample.source}`, async () => {
    const before = op.jwks.keys.map((k) => k.kid);
    const first = await signIn(op, client);
    assert.equal((await post(useExample.body)).status, 400, 'useNew before publishNew is refused, as the simulator does');
    assert.equal((await post(publishExample.body)).status, 200);
    const published = (await (await fetch(op.endpoints.jwksUrl)).json()).keys.map((k) => k.kid);
    assert.equal(published.length, before.length + 2, 'a new ES256 and a new RS256 key');
    assert.deepEqual(published.slice(0, before.length), before);
    assert.equal((await post(useExample.body)).status, 200);
    // The client has the old JWKS cached; the new kid makes it fetch again (beyond the cooldown,
    // as in a real rotation: a fresh client here).
    const fresh = clientFor(op);
    const rotated = await signIn(op, fresh);
    const kid = JSON.parse(Buffer.from(rotated.idToken.split('.')[0], 'base64url')).kid;
    assert.ok(!before.includes(kid) && published.includes(kid), 'signed with a newly published key');
    assert.notEqual(kid, JSON.parse(Buffer.from(first.idToken.split('.')[0], 'base64url')).kid);
  });

  await t.test(jwksExample.source, async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = { ...rsa.publicKey.export({ format: 'jwk' }), kid: 'service-key-1', use: 'sig', alg: 'RS256' };
    const served = [];
    const jwksServer = createServer((req, res) => {
      served.push(req.url);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    try {
      const jwksUrl = `http://127.0.0.1:${jwksServer.address().port}/.well-known/jwks.json`;
      assert.equal((await post({ clientConfiguration: { ...jwksExample.body.clientConfiguration, jwksUrl } })).status, 200);
      const withKid = clientFor(op, { privateKey: rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }), kid: 'service-key-1' });
      assert.equal((await signIn(op, withKid)).sub, 'someSubjectIdentifier');
      assert.ok(served.length >= 1, 'the kit read the service\'s JWKS');
      // Without a kid the kit cannot pick the key: the simulator's server_error.
      const withoutKid = clientFor(op, { privateKey: rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }) });
      await assert.rejects(signIn(op, withoutKid), (e) => e.code === 'ERR_OAUTH_TOKEN_ERROR' && e.error === 'server_error');
    } finally {
      jwksServer.close();
    }
  });
});

test('idTokenSigningAlgorithm RS256: the ID token is RS256 and verifies; identity off refuses identity levels', async () => {
  const op = await kit({ configuration: { clientConfiguration: { idTokenSigningAlgorithm: 'RS256' } } });
  const client = clientFor(op);
  const signedIn = await signIn(op, client);
  assert.equal(JSON.parse(Buffer.from(signedIn.idToken.split('.')[0], 'base64url')).alg, 'RS256');
  await op.config({ clientConfiguration: { identityVerificationSupported: false } });
  await assert.rejects(signIn(op, client), (e) => e.code === 'ERR_OAUTH_AUTHORIZATION_ERROR' && e.errorDescription === 'Request vtr not valid');
  assert.equal((await signIn(op, client, { scope: ['openid'] })).identity, null);
  await op.config({ clientConfiguration: { identityVerificationSupported: true, clientLoCs: ['P0', 'P1'] } });
  await assert.rejects(signIn(op, client), (e) => e.error === 'invalid_request');
});

test('back-channel logout: op.sendBackChannelLogout posts what OneLoginClient.handleBackChannelLogout accepts, once', async () => {
  const op = await kit();
  const client = clientFor(op);
  const seen = [];
  const service = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    try {
      seen.push(await client.handleBackChannelLogout(body));
      res.writeHead(200).end();
    } catch (error) {
      res.writeHead(400).end(error.code);
    }
  });
  await new Promise((resolve) => service.listen(0, '127.0.0.1', resolve));
  try {
    const url = `http://127.0.0.1:${service.address().port}/back-channel-logout`;
    const first = await op.sendBackChannelLogout(url, { sub: 'urn:fdc:gov.uk:2022:leaving' });
    assert.equal(first.status, 200);
    assert.equal(seen[0].sub, 'urn:fdc:gov.uk:2022:leaving');
    const replay = await op.sendBackChannelLogout(url, first.token);
    assert.deepEqual([replay.status, replay.body], [400, 'ERR_LOGOUT_TOKEN_REPLAYED']);
    const stranger = await op.sendBackChannelLogout(url, {}, { key: 'unknown' });
    assert.equal(stranger.status, 400);
  } finally {
    service.close();
  }
});

test('token factories without a server: ID token, core identity, logout token, with overrides; the JWKS and DID document verify them', () => {
  const tokens = createTestTokens({ clientId: 'unit-client' });
  const environment = tokens.environment;
  const jwks = tokens.jwks();
  const id = verifyIdToken(tokens.idToken(), { jwks, environment, clientId: 'unit-client', nonce: TEST_NONCE });
  assert.equal(id.sub, tokens.sub);
  assert.equal(id.iss, 'http://127.0.0.1/');
  const at = 'an-access-token';
  assert.equal(verifyIdToken(tokens.idToken({ nonce: 'n-1' }, { accessToken: at }), { jwks, environment, clientId: 'unit-client', nonce: 'n-1', accessToken: at }).nonce, 'n-1');
  assert.equal(syncRefusal(() => verifyIdToken(tokens.idToken({ exp: tokens.now() - 3600 }), { jwks, environment, clientId: 'unit-client', nonce: TEST_NONCE }))[0], 'ERR_JWT_EXPIRED');
  assert.deepEqual(syncRefusal(() => verifyIdToken(tokens.idToken({ vot: undefined }), { jwks, environment, clientId: 'unit-client', nonce: TEST_NONCE }))[0], 'ERR_JWT_CLAIM_VALIDATION_FAILED');
  assert.deepEqual(syncRefusal(() => verifyIdToken(tokens.idToken({}, { key: 'unknown' }), { jwks, environment, clientId: 'unit-client', nonce: TEST_NONCE })), ['ERR_JWKS_NO_MATCHING_KEY']);
  assert.equal(jwks.keys.length, 1, 'no RSA key made yet');
  const rs = tokens.idToken({}, { alg: 'RS256' });
  assert.equal(verifyIdToken(rs, { jwks: tokens.jwks(), environment, clientId: 'unit-client', nonce: TEST_NONCE }).sub, tokens.sub);

  const core = verifyCoreIdentity(tokens.coreIdentity({ vot: 'P2' }), { didDocument: tokens.didDocument, environment, clientId: 'unit-client', sub: tokens.sub });
  assert.equal(core.claims.vot, 'P2');
  assert.equal(core.identity.birthDate, '1955-04-19');
  assert.deepEqual(syncRefusal(() => verifyCoreIdentity(tokens.coreIdentity({ sub: 'someone-else' }), { didDocument: tokens.didDocument, environment, clientId: 'unit-client', sub: tokens.sub })), ['ERR_JWT_CLAIM_VALIDATION_FAILED', 'sub']);

  const logout = verifyLogoutToken(tokens.logoutToken({ sid: 'sid-1' }), { jwks, environment, clientId: 'unit-client' });
  assert.deepEqual([logout.sub, logout.sid], [tokens.sub, 'sid-1']);

  // Safety: a client of a real environment refuses the kit's tokens, even with the kit's keys.
  assert.deepEqual(syncRefusal(() => verifyIdToken(tokens.idToken(), { jwks, environment: 'integration', clientId: 'unit-client', nonce: TEST_NONCE })), ['ERR_JWT_CLAIM_VALIDATION_FAILED', 'iss']);
  for (const baseUrl of ['https://oidc.integration.account.gov.uk', 'https://example.com', 'http://10.0.0.1']) {
    assert.throws(() => createTestTokens({ baseUrl }), (e) => e instanceof TokenError && e.option === 'baseUrl');
  }
  assert.throws(() => createTestTokens({ clientID: 'x' }), (e) => e.option === 'clientID' && /did you mean "clientId"/.test(e.message));
});

test('safety: the kit\'s issuer is its loopback URL; an integration client refuses its tokens', async () => {
  const op = await kit();
  assert.match(op.issuer, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  const integration = OneLoginClient.create({ environment: 'integration', clientId: op.clientId });
  clients.push(integration);
  const [code] = syncRefusal(() => verifyIdToken(op.tokens.idToken(), { jwks: op.jwks, environment: 'integration', clientId: op.clientId, nonce: TEST_NONCE }));
  assert.equal(code, 'ERR_JWT_CLAIM_VALIDATION_FAILED');
  assert.equal(integration.endpoints.issuer, 'https://oidc.integration.account.gov.uk/');
});

test('the median whole sign-in through the kit (Node)', async (t) => {
  const op = await kit();
  const client = clientFor(op);
  await signIn(op, client); // warm: keys fetched and cached
  const times = [];
  for (let i = 0; i < 60; i++) {
    const t0 = performance.now();
    const signedIn = await signIn(op, client);
    times.push(performance.now() - t0);
    assert.ok(signedIn.identity);
  }
  times.sort((a, b) => a - b);
  const median = times[times.length >> 1];
  t.diagnostic(`median whole sign-in (identity, P2, private_key_jwt) through the kit: ${median.toFixed(2)} ms (p90 ${times[Math.floor(times.length * 0.9)].toFixed(2)} ms, ${times.length} runs)`);
  // The target is under 20 ms; the bound here leaves room for a loaded CI machine.
  assert.ok(median < 200, `median ${median} ms`);
});

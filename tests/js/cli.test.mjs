// The govuk-one-login-tokens CLI as a user runs it: JSON on stdout, exit 0 / 1 / 2, the token as an
// argument or on stdin, key documents from files or (loopback/https) URLs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createPublicKey } from 'node:crypto';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { jwtVerify } from 'jose';
import { makeOneLogin, idToken, logoutToken, NOW, CLIENT_ID, SUB, NONCE, ACCESS_TOKEN } from './onelogin-fixtures.mjs';

const PKG = new URL('../node_modules/govuk-one-login-tokens/', import.meta.url);
const CLI = fileURLToPath(new URL('cli.js', PKG));
let ol;
let dir;
let server;
let base;
const requests = [];

before(async () => {
  ol = await makeOneLogin();
  dir = mkdtempSync(`${tmpdir()}/ol-cli-`);
  writeFileSync(`${dir}/jwks.json`, JSON.stringify(ol.jwks));
  writeFileSync(`${dir}/did.json`, JSON.stringify(ol.didDocument));
  writeFileSync(`${dir}/rp.pem`, ol.rp.pem);
  server = createServer((req, res) => {
    requests.push({ url: req.url, ua: req.headers['user-agent'] });
    res.writeHead(req.url === '/jwks.json' ? 200 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify(ol.jwks));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${server.address().port}`;
});

after(() => {
  rmSync(dir, { recursive: true, force: true });
  server.close();
});

async function cli(args, input) {
  const child = promisify(execFile)(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  child.child.stdin.end(input ?? '');
  try {
    const { stdout, stderr } = await child;
    return { status: 0, stdout, json: stdout.startsWith('{') ? JSON.parse(stdout) : undefined, stderr };
  } catch (e) {
    if (typeof e.code !== 'number') throw e;
    return { status: e.code, stdout: e.stdout, json: e.stdout ? JSON.parse(e.stdout) : undefined, stderr: e.stderr };
  }
}

const idArgs = (...extra) => [
  'verify-id-token',
  '--environment', 'integration',
  '--jwks', `${dir}/jwks.json`,
  '--client-id', CLIENT_ID,
  '--now', String(NOW),
  ...extra,
];

test('package.json declares the bin, and cli.js is a node script', () => {
  const manifest = JSON.parse(readFileSync(new URL('package.json', PKG), 'utf8'));
  assert.deepEqual(manifest.bin, { 'govuk-one-login-tokens': './cli.js' });
  assert.ok(manifest.files.includes('cli.js'));
  assert.ok(readFileSync(CLI, 'utf8').startsWith('#!/usr/bin/env node\n'));
});

test('--help exits 0 with the usage on stdout; usage errors exit 2 with it on stderr', async () => {
  const help = await cli(['--help']);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /Usage: govuk-one-login-tokens <command>/);
  for (const [args, pending] of [
    [],
    ['frobnicate'],
    ['decode', '--bogus-flag', 'x'],
    idArgs(ol.es.kid), // no --nonce / --no-nonce
    idArgs('--nonce', 'a', '--no-nonce', 'x'),
    idArgs('--nonce', NONCE, '--now', 'yesterday', 'x'),
    ['verify-id-token', '--jwks', `${dir}/missing.json`, '--client-id', CLIENT_ID, '--nonce', NONCE, '--environment', 'integration', 'x'],
    ['verify-id-token', '--jwks', 'http://example.com/jwks.json', '--client-id', CLIENT_ID, '--nonce', NONCE, '--issuer', 'https://x/', 'x'],
    ['verify-id-token', '--jwks', `${dir}/jwks.json`, '--nonce', NONCE, '--environment', 'integration', idToken(ol.es)], // no --client-id
    ['verify-id-token', '--jwks', `${dir}/jwks.json`, '--client-id', CLIENT_ID, '--nonce', NONCE, idToken(ol.es)], // no issuer
    ['sign-client-assertion', '--client-id', CLIENT_ID],
  ].map((args) => [args, cli(args)])) {
    const r = await pending;
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stdout}`);
    assert.equal(r.stdout, '', args.join(' '));
    assert.match(r.stderr, /Usage:/, args.join(' '));
  }
});

test('verify-id-token: claims on success (token as argument or on stdin), error JSON and exit 1 on rejection', async () => {
  const token = idToken(ol.es);
  const ok = await cli(idArgs('--nonce', NONCE, '--access-token', ACCESS_TOKEN, '--vtr', 'Cl.Cm', '--max-age', '300', token));
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(ok.json.sub, SUB);
  const stdin = await cli(idArgs('--nonce', NONCE, '-'), `${idToken(ol.rs)}\n`);
  assert.equal(stdin.status, 0, stdin.stderr);
  assert.equal(stdin.json.sub, SUB);
  const implicit = await cli(idArgs('--nonce', NONCE), token);
  assert.equal(implicit.status, 0, implicit.stderr);

  const bad = await cli(idArgs('--nonce', 'not-the-nonce', token));
  assert.equal(bad.status, 1);
  assert.deepEqual(Object.keys(bad.json.error), ['code', 'claim', 'reason', 'message']);
  assert.equal(bad.json.error.code, 'ERR_JWT_CLAIM_VALIDATION_FAILED');
  assert.equal(bad.json.error.claim, 'nonce');
  assert.equal(bad.json.error.reason, 'check_failed');
  const noNonce = await cli(idArgs('--no-nonce', token));
  assert.equal(noNonce.json.error.claim, 'nonce', 'a token with a nonce is refused when none was sent');
  const garbage = await cli(idArgs('--nonce', NONCE, 'not-a-jwt'));
  assert.equal(garbage.status, 1);
  assert.deepEqual(garbage.json.error, { code: 'ERR_JWS_INVALID', claim: null, reason: null, message: garbage.json.error.message });
});

test('--jwks URL: fetched from loopback with the User-Agent; a 404 is a fetch failure (exit 1)', async () => {
  requests.length = 0;
  const ok = await cli(idArgs('--nonce', NONCE, '--jwks', `${base}/jwks.json`, idToken(ol.es)));
  assert.equal(ok.status, 0, ok.stderr);
  assert.deepEqual(requests, [{ url: '/jwks.json', ua: requests[0].ua }]);
  assert.match(requests[0].ua, /^govuk-one-login-tokens\/\d+\.\d+\.\d+/);
  const custom = await cli(idArgs('--nonce', NONCE, '--jwks', `${base}/jwks.json`, '--user-agent', 'my-rp/1', idToken(ol.es)));
  assert.equal(custom.status, 0);
  assert.equal(requests[1].ua, 'my-rp/1');
  const missing = await cli(idArgs('--nonce', NONCE, '--jwks', `${base}/gone.json`, idToken(ol.es)));
  assert.equal(missing.status, 1);
  assert.equal(missing.json.error.code, 'ERR_JWKS_FETCH_FAILED');
});

test('verify-core-identity and verify-logout-token', async () => {
  const { coreIdentityToken } = await import('./onelogin-fixtures.mjs');
  const core = await cli([
    'verify-core-identity', '--environment', 'integration', '--did', `${dir}/did.json`,
    '--client-id', CLIENT_ID, '--sub', SUB, '--now', String(NOW), coreIdentityToken(ol.identity),
  ]);
  assert.equal(core.status, 0, core.stderr);
  assert.equal(core.json.identity.currentName.fullName, 'Alice Jane Doe');
  assert.equal(core.json.claims.vot, 'P2');
  const logout = await cli([
    'verify-logout-token', '--environment', 'integration', '--jwks', `${dir}/jwks.json`,
    '--client-id', CLIENT_ID, '--now', String(NOW), logoutToken(ol.es),
  ]);
  assert.equal(logout.status, 0, logout.stderr);
  assert.equal(logout.json.jti, '30642c87-6167-413f-8ace-f1643c59e398');
});

test('decode and pkce', async () => {
  const decoded = await cli(['decode', idToken(ol.es)]);
  assert.equal(decoded.status, 0);
  assert.deepEqual(decoded.json.header, { kid: ol.es.kid, alg: 'ES256' });
  assert.equal(decoded.json.payload.nonce, NONCE);
  const pair = await cli(['pkce']);
  assert.equal(pair.json.codeChallengeMethod, 'S256');
  assert.equal(pair.json.codeVerifier.length, 43);
  // RFC 7636 appendix B.
  const rfc = await cli(['pkce', 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk']);
  assert.equal(rfc.json.codeChallenge, 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  const bad = await cli(['pkce', 'short']);
  assert.equal(bad.status, 2);
});

test('sign-client-assertion: RS256 to PS512, verified by jose', async () => {
  for (const alg of ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512']) {
    const r = await cli([
      'sign-client-assertion', '--private-key', `${dir}/rp.pem`, '--client-id', CLIENT_ID,
      '--environment', 'integration', '--alg', alg, '--now', String(NOW), '--kid', 'rp-key-1',
    ]);
    assert.equal(r.status, 0, r.stderr);
    const { payload, protectedHeader } = await jwtVerify(r.json.clientAssertion, createPublicKey(ol.rp.privateKey), {
      algorithms: [alg],
      issuer: CLIENT_ID,
      subject: CLIENT_ID,
      audience: 'https://oidc.integration.account.gov.uk/token',
      currentDate: new Date(NOW * 1000),
    });
    assert.equal(protectedHeader.kid, 'rp-key-1');
    assert.equal(payload.exp, NOW + 300);
  }
  const aud = await cli(['sign-client-assertion', '--private-key', `${dir}/rp.pem`, '--client-id', CLIENT_ID, '--audience', 'http://localhost:3000/token']);
  assert.equal(aud.status, 0, aud.stderr);
});

test('logout-url: the environment\'s end_session_endpoint, the hint rule and the 2048 limit', async () => {
  const r = await cli([
    'logout-url', '--environment', 'integration', '--id-token-hint', 'a.b.c',
    '--post-logout-redirect-uri', 'https://rp.example/signed-out', '--state', 's1',
  ]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(
    r.json.url,
    'https://oidc.integration.account.gov.uk/logout?id_token_hint=a.b.c&post_logout_redirect_uri=https%3A%2F%2Frp.example%2Fsigned-out&state=s1',
  );
  const sim = await cli(['logout-url', '--environment', 'http://localhost:3000']);
  assert.equal(sim.json.url, 'http://localhost:3000/logout');
  const noHint = await cli(['logout-url', '--environment', 'integration', '--post-logout-redirect-uri', 'https://rp.example/']);
  assert.equal(noHint.status, 2);
  assert.match(noHint.stderr, /idTokenHint/);
  const long = await cli(['logout-url', '--environment', 'production', '--id-token-hint', 'x'.repeat(2100)]);
  assert.equal(long.status, 2);
  assert.match(long.stderr, /2048/);
  assert.equal((await cli(['logout-url'])).status, 2);
});
test('keygen: private_key.pem (PKCS#8, 0600) and public_key.pem (SPKI), the JWKS on stdout, never an overwrite; the pair signs in', async () => {
  const { statSync, readdirSync } = await import('node:fs');
  const { OneLoginClient } = await import('govuk-one-login-tokens');
  const { startTestOp } = await import('../support/test-op.mjs');
  const keyDir = mkdtempSync(`${tmpdir()}/ol-keygen-`);
  try {
    const made = await cli(['keygen', '--dir', keyDir]);
    assert.equal(made.status, 0, made.stderr);
    assert.deepEqual(readdirSync(keyDir).sort(), ['private_key.pem', 'public_key.pem']);
    assert.equal(statSync(`${keyDir}/private_key.pem`).mode & 0o777, 0o600);
    const privatePem = readFileSync(`${keyDir}/private_key.pem`, 'utf8');
    const publicPem = readFileSync(`${keyDir}/public_key.pem`, 'utf8');
    assert.match(privatePem, /^-----BEGIN PRIVATE KEY-----\n/);
    assert.match(publicPem, /^-----BEGIN PUBLIC KEY-----\n/);
    const [jwk] = made.json.keys;
    assert.equal(made.json.keys.length, 1);
    assert.deepEqual(Object.keys(jwk).sort(), ['alg', 'e', 'kid', 'kty', 'n', 'use']);
    assert.equal(jwk.n, createPublicKey(publicPem).export({ format: 'jwk' }).n);
    // Refused: either file already there; nothing is changed.
    const again = await cli(['keygen', '--dir', keyDir]);
    assert.equal(again.status, 2);
    assert.match(again.stderr, /already exists/);
    assert.equal(readFileSync(`${keyDir}/private_key.pem`, 'utf8'), privatePem);
    rmSync(`${keyDir}/private_key.pem`);
    const onlyPublic = await cli(['keygen', '--dir', keyDir]);
    assert.equal(onlyPublic.status, 2);
    assert.equal(readFileSync(`${keyDir}/public_key.pem`, 'utf8'), publicPem);
    assert.deepEqual(readdirSync(keyDir), ['public_key.pem']);
    writeFileSync(`${keyDir}/private_key.pem`, privatePem);
    // A sign-in with the generated pair: the test OP registers the printed JWK.
    const op = await startTestOp({ clientId: 'keygen-client', clientPublicJwk: jwk, redirectUris: ['https://rp.example/cb'] });
    try {
      const client = OneLoginClient.create({ environment: op.environment, clientId: 'keygen-client', redirectUri: 'https://rp.example/cb', privateKey: privatePem });
      const { url, transaction } = client.startSignIn({ requestObject: true });
      const signedIn = await client.completeSignIn(await op.authorize(url), transaction);
      assert.equal(signedIn.sub, op.sub);
      client.dispose();
    } finally {
      await op.close();
    }
  } finally {
    rmSync(keyDir, { recursive: true, force: true });
  }
});

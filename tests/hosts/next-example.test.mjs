// examples/next (App Router, iron-session, route handlers for sign-in, callback, sign-out and
// back-channel logout, isSignedOut on each request) built with `next build` and run with
// `next start`, against the in-repo test OP: one sign-in, the protected page, a back-channel
// logout that ends the session at its next request, a replay refused, and sign-out.
// The example is copied into tests/hosts/next-example/ so that next, react and iron-session
// resolve from tests/hosts/node_modules (with the packed package).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK } from 'jose';
import { HOSTS, ROOT, run, serve, freePort } from './harness.mjs';
import { startTestOp } from '../support/test-op.mjs';

const APP = `${HOSTS}next-example/`;
const NEXT = `${HOSTS}node_modules/next/dist/bin/next`;
const CLIENT_ID = 'next-example-client';
let op;
let server;
let base;
let dir;

before(async () => {
  rmSync(APP, { recursive: true, force: true });
  for (const part of ['app', 'lib']) cpSync(`${ROOT}examples/next/${part}`, `${APP}${part}`, { recursive: true });
  await run(process.execPath, [NEXT, 'build', APP]);
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  dir = mkdtempSync(join(tmpdir(), 'next-example-'));
  const keyFile = join(dir, 'private_key.pem');
  writeFileSync(keyFile, rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  op = await startTestOp({
    clientId: CLIENT_ID,
    clientPublicJwk: await exportJWK(rsa.publicKey),
    redirectUris: [`${base}/api/callback`],
    postLogoutRedirectUris: [`${base}/`],
  });
  server = await serve('next-example', process.execPath, [NEXT, 'start', APP, '-p', String(port), '-H', '127.0.0.1'], {
    url: `${base}/`,
    timeoutMs: 120_000,
    env: {
      ONE_LOGIN_ENVIRONMENT: op.issuer.replace(/\/$/, ''),
      ONE_LOGIN_CLIENT_ID: CLIENT_ID,
      ONE_LOGIN_PRIVATE_KEY_FILE: keyFile,
      ONE_LOGIN_POST_LOGOUT_REDIRECT_URI: `${base}/`,
      SESSION_PASSWORD: randomBytes(32).toString('hex'),
      BASE_URL: base,
    },
  });
});

after(async () => {
  await server?.stop();
  await op?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A browser: one cookie jar, redirects followed by hand. */
function browser() {
  const jar = new Map();
  return async function visit(url, init = {}) {
    const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const response = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers ?? {}), ...(cookie ? { cookie } : {}) } });
    for (const set of response.headers.getSetCookie()) {
      const [pair] = set.split(';');
      const at = pair.indexOf('=');
      const [name, value] = [pair.slice(0, at).trim(), pair.slice(at + 1)];
      if (value === '' || /max-age=0/i.test(set)) jar.delete(name);
      else jar.set(name, value);
    }
    return { status: response.status, location: response.headers.get('location'), text: await response.text() };
  };
}

test('Next.js example: sign in, back-channel logout ends the session, replay refused, sign out', async () => {
  const visit = browser();
  const sub = `urn:fdc:gov.uk:2022:next-${Date.now()}`;
  op.userinfoFor(sub);
  const account = await visit(`${base}/account`);
  assert.equal(account.status, 307, account.text.slice(0, 200));
  assert.equal(new URL(account.location, base).pathname, '/api/sign-in');
  const toOp = await visit(new URL(account.location, base).href);
  assert.equal(toOp.status, 307);
  assert.ok(toOp.location.startsWith(op.environment.authorizeUrl), toOp.location);
  const callback = await op.authorize(toOp.location);
  const forged = await visit(callback.replace(/state=[^&]+/, 'state=forged'));
  assert.equal(forged.status, 400);
  assert.match(forged.text, /ERR_OAUTH_STATE_MISMATCH/);
  // The forged callback used no transaction: start again.
  op.userinfoFor(sub);
  const again = await visit(`${base}/api/sign-in?returnTo=${encodeURIComponent('//evil.example')}`);
  const back = await visit(await op.authorize(again.location));
  assert.equal(back.status, 307, back.text.slice(0, 200));
  assert.equal(new URL(back.location, base).href, `${base}/`, 'an unsafe returnTo lands on /');
  const signedIn = await visit(`${base}/account`);
  assert.equal(signedIn.status, 200);
  assert.match(signedIn.text, /Your account: .*test@example\.com/);

  const token = op.logoutToken({ sub });
  const delivered = await op.backChannelLogout(`${base}/api/back-channel-logout`, token);
  assert.equal(delivered.status, 200, delivered.body);
  assert.equal((await visit(`${base}/account`)).status, 307, 'the session ended at its next request');
  const replay = await op.backChannelLogout(`${base}/api/back-channel-logout`, token);
  assert.equal(replay.status, 400);
  assert.match(replay.body, /ERR_LOGOUT_TOKEN_REPLAYED/);

  const out = await visit(`${base}/api/sign-out`);
  assert.equal(out.status, 307);
  assert.ok(out.location.startsWith(`${op.environment.endSessionUrl}?id_token_hint=`), out.location);
});

// examples/express started as a user would (node server.mjs with its environment variables)
// against the test OP, driven through one sign-in, sign-out and a back-channel logout with fetch:
// redirects followed by hand, the session cookie kept.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { exportJWK } from 'jose';
import { startTestOp } from '../support/test-op.mjs';

const EXAMPLE = fileURLToPath(new URL('../../examples/express/', import.meta.url));
const PACKED = fileURLToPath(new URL('../node_modules/govuk-one-login-tokens', import.meta.url));
const CLIENT_ID = 'express-example-client';

let op;
let server;
let base;
let dir;

/** The example imports the package by name: point it at the packed copy the JS tests use. */
function linkPackage() {
  const target = join(EXAMPLE, 'node_modules', 'govuk-one-login-tokens');
  if (existsSync(target)) return;
  mkdirSync(join(EXAMPLE, 'node_modules'), { recursive: true });
  symlinkSync(PACKED, target, 'dir');
}

async function freePort() {
  const s = createServer();
  await new Promise((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address();
  await new Promise((resolve) => s.close(resolve));
  return port;
}

before(async () => {
  linkPackage();
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  dir = mkdtempSync(join(tmpdir(), 'express-example-'));
  const keyFile = join(dir, 'private_key.pem');
  writeFileSync(keyFile, rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  op = await startTestOp({
    clientId: CLIENT_ID,
    clientPublicJwk: await exportJWK(rsa.publicKey),
    redirectUris: [`${base}/oidc/authorization-code/callback`],
    postLogoutRedirectUris: [`${base}/`],
  });
  // The two variables the README documents, plus this test's client, port and address.
  server = spawn(process.execPath, [join(EXAMPLE, 'server.mjs')], {
    env: {
      ...process.env,
      ONE_LOGIN_ENVIRONMENT: op.issuer.replace(/\/$/, ''),
      ONE_LOGIN_PRIVATE_KEY_FILE: keyFile,
      ONE_LOGIN_CLIENT_ID: CLIENT_ID,
      ONE_LOGIN_POST_LOGOUT_REDIRECT_URI: `${base}/`,
      PORT: String(port),
      BASE_URL: base,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((_, reject) => server.once('exit', (code) => reject(new Error(`the example exited with ${code}`))));
  const listening = new Promise((resolve) => createInterface({ input: server.stdout }).on('line', (l) => l.startsWith('listening') && resolve()));
  await Promise.race([listening, exited]);
});

after(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
  await op?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A browser with one cookie jar that follows redirects by hand. */
function browser() {
  const jar = new Map();
  return async function visit(url, init = {}) {
    const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const response = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers ?? {}), ...(cookie ? { cookie } : {}) } });
    for (const set of response.headers.getSetCookie()) {
      const [pair] = set.split(';');
      const [name, value] = pair.split('=');
      jar.set(name.trim(), value);
    }
    return { status: response.status, location: response.headers.get('location'), text: await response.text() };
  };
}

test('the Express example: sign in, see the user, sign out', async () => {
  const visit = browser();
  assert.match((await visit(`${base}/`)).text, /Not signed in/);
  const toOp = await visit(`${base}/sign-in`);
  assert.equal(toOp.status, 302);
  assert.ok(toOp.location.startsWith(op.environment.authorizeUrl), toOp.location);
  const callback = await op.authorize(toOp.location);
  assert.ok(callback.startsWith(`${base}/oidc/authorization-code/callback?`), callback);
  const home = await visit(callback);
  assert.equal(home.status, 302, home.text);
  assert.equal(home.location, '/');
  assert.equal((await visit(`${base}/`)).text, `Signed in as ${op.sub} (test@example.com)`);

  const out = await visit(`${base}/sign-out`);
  assert.equal(out.status, 302);
  assert.ok(out.location.startsWith(`${op.environment.endSessionUrl}?id_token_hint=`), out.location);
  assert.match((await visit(`${base}/`)).text, /Not signed in/);
});

test('the Express example: a forged callback is refused; back-channel logout ends the session once', async () => {
  const visit = browser();
  const toOp = await visit(`${base}/sign-in`);
  const callback = await op.authorize(toOp.location);
  const forged = callback.replace(/state=[^&]+/, 'state=forged');
  const refused = await visit(forged);
  assert.equal(refused.status, 400);
  assert.match(refused.text, /ERR_OAUTH_STATE_MISMATCH/);
  await visit(callback);
  assert.match((await visit(`${base}/`)).text, /^Signed in/);

  const token = op.logoutToken({ sub: op.sub });
  const first = await op.backChannelLogout(`${base}/back-channel-logout`, token);
  assert.equal(first.status, 200, first.body);
  assert.match((await visit(`${base}/`)).text, /Not signed in/);
  const replay = await op.backChannelLogout(`${base}/back-channel-logout`, token);
  assert.equal(replay.status, 400);
  assert.match(replay.body, /ERR_LOGOUT_TOKEN_REPLAYED/);
});

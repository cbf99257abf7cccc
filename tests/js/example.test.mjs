// examples/express started as a user would (node server.mjs with its environment variables),
// twice: two instances of the service behind one real redis-server (sessions in connect-redis,
// the client's RedisStore), against the test OP, driven with fetch through a sign-in on one
// instance seen on the other, a back-channel logout delivered to one that ends the session on
// the other, a replay, a forged callback, step-up to identity and sign-out. Redirects are
// followed by hand; one cookie jar (cookies are per host, not per port).
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
import { startRedis } from '../support/redis.mjs';

const EXAMPLE = fileURLToPath(new URL('../../examples/express/', import.meta.url));
const PACKED = fileURLToPath(new URL('../node_modules/govuk-one-login-tokens', import.meta.url));
const CLIENT_ID = 'express-example-client';

let op;
let redis;
let servers = [];
let base;
let other;
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

/** One instance: node server.mjs with the README's variables; resolves once it listens. */
async function startServer(port, env) {
  const child = spawn(process.execPath, [join(EXAMPLE, 'server.mjs')], { env: { ...process.env, ...env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'inherit'] });
  servers.push(child);
  const exited = new Promise((_, reject) => child.once('exit', (code) => reject(new Error(`the example exited with ${code}`))));
  const listening = new Promise((resolve) => createInterface({ input: child.stdout }).on('line', (l) => l.startsWith('listening') && resolve()));
  await Promise.race([listening, exited]);
}

before(async () => {
  linkPackage();
  redis = await startRedis();
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  dir = mkdtempSync(join(tmpdir(), 'express-example-'));
  const keyFile = join(dir, 'private_key.pem');
  writeFileSync(keyFile, rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  const [port, otherPort] = [await freePort(), await freePort()];
  base = `http://127.0.0.1:${port}`;
  other = `http://127.0.0.1:${otherPort}`;
  op = await startTestOp({
    clientId: CLIENT_ID,
    clientPublicJwk: await exportJWK(rsa.publicKey),
    redirectUris: [`${base}/oidc/authorization-code/callback`],
    postLogoutRedirectUris: [`${base}/`],
  });
  // The variables the README documents, plus this test's client, ports and address. Both
  // instances are one service: one BASE_URL, one Redis, one session secret.
  const env = {
    ONE_LOGIN_ENVIRONMENT: op.issuer.replace(/\/$/, ''),
    ONE_LOGIN_PRIVATE_KEY_FILE: keyFile,
    ONE_LOGIN_CLIENT_ID: CLIENT_ID,
    ONE_LOGIN_POST_LOGOUT_REDIRECT_URI: `${base}/`,
    REDIS_URL: redis.url,
    SESSION_SECRET: 'example-test-session-secret',
    BASE_URL: base,
  };
  await Promise.all([startServer(port, env), startServer(otherPort, env)]);
});

after(async () => {
  for (const server of servers) {
    if (server.exitCode !== null) continue;
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
  await op?.close();
  await redis?.stop();
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

/** The callback delivered to `instance` (the load balancer's pick). */
const to = (instance, url) => `${instance}${new URL(url).pathname}${new URL(url).search}`;

/** Sign in from the account page: returns the account page as the browser then sees it. */
async function signIn(visit, start = base, finish = start) {
  const toSignIn = await visit(`${start}/account`);
  assert.equal(toSignIn.status, 302);
  const toOp = await visit(`${start}${toSignIn.location}`);
  assert.ok(toOp.location.startsWith(op.environment.authorizeUrl), toOp.location);
  const back = await visit(to(finish, await op.authorize(toOp.location)));
  assert.equal(back.status, 302, back.text);
  assert.equal(back.location, '/account');
  return visit(`${finish}/account`);
}

test('the Express example: sign in on one instance, seen on the other; the GOV.UK header signs out', async () => {
  const visit = browser();
  assert.match((await visit(`${base}/`)).text, /Sign in/);
  const account = await signIn(visit, base, other);
  assert.equal(account.status, 200, account.text);
  assert.match(account.text, /Signed in as test@example\.com/);
  assert.match(account.text, /class="govuk-header__link" href="\/sign-out">Sign out/);
  assert.match((await visit(`${base}/account`)).text, /Signed in as/);

  const out = await visit(`${other}/sign-out`);
  assert.equal(out.status, 302);
  assert.ok(out.location.startsWith(`${op.environment.endSessionUrl}?id_token_hint=`), out.location);
  assert.equal((await visit(`${base}/account`)).status, 302, 'signed out on both');
});

test('the Express example: a forged callback is refused; back-channel logout to one instance ends the session on the other once', async () => {
  const visit = browser();
  const toSignIn = await visit(`${base}/sign-in`);
  const callback = await op.authorize(toSignIn.location);
  const refused = await visit(callback.replace(/state=[^&]+/, 'state=forged'));
  assert.equal(refused.status, 400);
  assert.match(refused.text, /ERR_OAUTH_STATE_MISMATCH/);
  const sub = `urn:fdc:gov.uk:2022:example-${Date.now()}`;
  op.userinfoFor(sub);
  assert.equal((await signIn(visit)).status, 200);

  const token = op.logoutToken({ sub });
  const first = await op.backChannelLogout(`${other}/back-channel-logout`, token);
  assert.equal(first.status, 200, first.body);
  assert.equal((await visit(`${base}/account`)).status, 302, 'ended on the other instance');
  const replay = await op.backChannelLogout(`${base}/back-channel-logout`, token);
  assert.equal(replay.status, 400);
  assert.match(replay.body, /ERR_LOGOUT_TOKEN_REPLAYED/);
});

test('the Express example: the identity page steps up to Cl.Cm.P2 with the claims', async () => {
  const visit = browser();
  assert.equal((await signIn(visit)).status, 200);
  const stepUp = await visit(`${other}/identity`);
  assert.equal(stepUp.status, 302);
  assert.equal(new URL(stepUp.location).searchParams.get('vtr'), '["Cl.Cm.P2"]');
  const back = await visit(to(base, await op.authorize(stepUp.location)));
  assert.equal(back.location, '/identity');
  const page = await visit(`${other}/identity`);
  assert.equal(page.status, 200, page.text);
  assert.match(page.text, /Identity checked \(P2\)/);
});

test('the Express example in a real browser (Playwright, Chromium): sign in through the kit, see the user, sign out', async () => {
  const { launchChromium } = await import('../package/chromium.mjs');
  const browserProcess = await launchChromium();
  try {
    const page = await browserProcess.newPage();
    // /account -> /sign-in -> the kit's /authorize (302 straight back) -> the callback -> /account
    const response = await page.goto(`${base}/account`);
    assert.equal(response.status(), 200);
    assert.equal(new URL(page.url()).pathname, '/account');
    assert.match(await page.textContent('body'), /Signed in as test@example\.com/);
    // The header's sign-out link ends the session, goes through One Login's (the kit's) logout
    // and comes back to the post-logout page, signed out.
    await Promise.all([page.waitForURL(`${base}/`), page.click('a.govuk-header__link[href="/sign-out"]')]);
    assert.match(await page.textContent('body'), /Sign in/);
    assert.ok(op.requests.some((r) => r.path === new URL(op.environment.endSessionUrl).pathname), 'the browser went through the logout endpoint');
  } finally {
    await browserProcess.close();
  }
});

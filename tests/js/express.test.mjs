// govuk-one-login-tokens/express with real parts: two Express instances of one service (A and B,
// each with its own OneLoginClient, its own Redis connections, its own port) behind one real
// redis-server (tests/support/redis.mjs) that holds the sessions (express-session +
// connect-redis) and the client's RedisStore (A on node-redis, B on ioredis), against the
// in-repo test OP. A browser is played with fetch and one cookie jar (cookies are per host, not
// per port, so the jar is the load balancer's single origin).
import { test, before, after, mock } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import express from 'express';
import session from 'express-session';
import { RedisStore as SessionStore } from 'connect-redis';
import { createClient } from 'redis';
import { Redis } from 'ioredis';
import { exportJWK } from 'jose';
import { OneLoginClient, RedisStore, TokenError } from 'govuk-one-login-tokens';
import { oneLoginExpress, SIGN_IN_EXPIRY_MS } from 'govuk-one-login-tokens/express';
import { startRedis } from '../support/redis.mjs';
import { startTestOp, CLAIM } from '../support/test-op.mjs';

const CLIENT_ID = 'express-adapter-client';
const COOKIE = 'service.sid';
const SERVICE = 'https://service.example';

let redis;
let op;
let a;
let b;
const closers = [];

async function listen(app) {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  closers.push(() => new Promise((resolve) => server.close(resolve)));
  return `http://127.0.0.1:${server.address().port}`;
}

/** One instance of the service: its own clients and connections, the shared Redis. */
async function startInstance(name, { pem, redirectUri, postLogoutRedirectUri, useIoredis }) {
  const sessionRedis = createClient({ socket: { host: '127.0.0.1', port: redis.port } });
  await sessionRedis.connect();
  const storeRedis = useIoredis ? new Redis(redis.port, '127.0.0.1', { maxRetriesPerRequest: 1 }) : sessionRedis;
  closers.push(async () => {
    if (useIoredis) await storeRedis.quit();
    await sessionRedis.close();
  });
  const client = OneLoginClient.create({
    environment: op.environment,
    clientId: CLIENT_ID,
    redirectUri,
    privateKey: pem,
    store: new RedisStore(storeRedis),
    userAgent: `express-adapter-test/${name}`,
  });
  closers.push(() => client.dispose());
  const app = express();
  app.use(
    session({
      name: COOKIE,
      store: new SessionStore({ client: sessionRedis, prefix: 'sess:' }),
      secret: 'test-only-session-secret',
      resave: false,
      saveUninitialized: false,
      cookie: { httpOnly: true, sameSite: 'lax' },
    }),
  );
  const auth = oneLoginExpress(client, {
    postLogoutRedirectUri,
    signInOptions: { scope: ['openid', 'email'] },
    inPersonReturn: { path: '/in-person-return', screen: '/identity-check-done', claims: ['coreIdentityJWT', 'passport'], returnTo: '/account' },
  });
  app.use(auth.router);
  app.get('/', (req, res) => res.type('text').send(`instance ${name}`));
  app.get('/account', auth.requireSignIn(), (req, res) => res.json({ instance: name, user: req.oneLogin }));
  app.get('/identity', auth.requireSignIn({ vtr: 'Cl.Cm.P2', claims: ['coreIdentityJWT', 'address'] }), (req, res) =>
    res.json({ instance: name, user: req.oneLogin }),
  );
  app.get(['/one', '/two'], auth.requireSignIn(), (req, res) => res.type('text').send(req.path));
  app.get('/identity-check-done', auth.requireSignIn(), (req, res) => res.type('text').send('in-person check done: continue at /in-person-return/identity'));
  // What reaches the service's own error handler: a 500 here fails the tests that forbid one.
  app.use((error, req, res, _next) => res.status(500).type('text').send(`unhandled: ${error.code ?? error.message}`));
  return { name, client, auth, base: await listen(app), sessionRedis };
}

before(async () => {
  redis = await startRedis();
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  // The service's public address (the registered URIs); the browser's callback reaches A or B
  // on its own port, as a load balancer in front of both would route it.
  op = await startTestOp({
    clientId: CLIENT_ID,
    clientPublicJwk: await exportJWK(rsa.publicKey),
    redirectUris: [`${SERVICE}/oidc/callback`],
    postLogoutRedirectUris: [`${SERVICE}/`],
  });
  const pem = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' });
  const common = { pem, redirectUri: `${SERVICE}/oidc/callback`, postLogoutRedirectUri: `${SERVICE}/` };
  a = await startInstance('A', { ...common, useIoredis: false });
  b = await startInstance('B', { ...common, useIoredis: true });
});

after(async () => {
  for (const close of closers.reverse()) await close();
  await op?.close();
  await redis?.stop();
});

/** A browser: one cookie jar for the service's host, redirects followed by hand. */
function browser() {
  const jar = new Map();
  async function visit(url, init = {}) {
    const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const response = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers ?? {}), ...(cookie ? { cookie } : {}) } });
    for (const set of response.headers.getSetCookie()) {
      const [pair] = set.split(';');
      const at = pair.indexOf('=');
      jar.set(pair.slice(0, at).trim(), pair.slice(at + 1));
    }
    return { status: response.status, location: response.headers.get('location'), text: await response.text() };
  }
  visit.cookie = () => jar.get(COOKIE);
  return visit;
}

/** The callback One Login sends the browser to, delivered to `instance` (the load balancer's pick). */
const on = (instance, url) => {
  const target = new URL(url, instance.base);
  return `${instance.base}${target.pathname}${target.search}`;
};

/** A fresh user for each test: sign-ins of one sub within seconds of its logout would be ended by it. */
function newUser() {
  const sub = `urn:fdc:gov.uk:2022:${randomUUID()}`;
  op.userinfoFor(sub);
  return sub;
}

/** Sign in through `instance` from `path` (a protected page): returns the page's final answer. */
async function signIn(visit, instance, path = '/account') {
  const toSignIn = await visit(`${instance.base}${path}`);
  assert.equal(toSignIn.status, 302, toSignIn.text);
  assert.equal(toSignIn.location, `/sign-in?returnTo=${encodeURIComponent(path)}`);
  const toOp = await visit(`${instance.base}${toSignIn.location}`);
  assert.equal(toOp.status, 302, toOp.text);
  assert.ok(toOp.location.startsWith(op.environment.authorizeUrl), toOp.location);
  const back = await visit(on(instance, await op.authorize(toOp.location)));
  assert.equal(back.status, 302, back.text);
  assert.equal(back.location, path);
  return visit(`${instance.base}${path}`);
}

/** Every session record in Redis, parsed. */
async function sessions() {
  const keys = await a.sessionRedis.keys('sess:*');
  return Promise.all(keys.map(async (key) => ({ key, value: JSON.parse(await a.sessionRedis.get(key)) })));
}

test('a sign-in on A is seen on B; the session id changes at sign-in', async () => {
  const visit = browser();
  const sub = newUser();
  const toSignIn = await visit(`${a.base}/account`);
  assert.equal(toSignIn.status, 302);
  const toOp = await visit(`${a.base}${toSignIn.location}`);
  const before = visit.cookie();
  assert.ok(before, 'the sign-in was kept in a session');
  const back = await visit(on(a, await op.authorize(toOp.location)));
  assert.equal(back.status, 302, back.text);
  assert.notEqual(visit.cookie(), before, 'a new session id at sign-in');
  const onB = await visit(`${b.base}/account`);
  assert.equal(onB.status, 200, onB.text);
  const { instance, user } = JSON.parse(onB.text);
  assert.equal(instance, 'B');
  assert.equal(user.sub, sub);
  assert.equal(user.email, 'test@example.com');
  assert.equal(user.vot, 'Cl.Cm');
  assert.equal(user.identity, null);
  assert.ok(Math.abs(user.signedInAt - Date.now() / 1000) < 10, String(user.signedInAt));
  // The pre-sign-in session is gone from Redis.
  const ids = (await sessions()).map((s) => s.key);
  const unsigned = decodeURIComponent(before).replace(/^s:/, '').split('.')[0];
  assert.ok(!ids.includes(`sess:${unsigned}`), 'the old session id no longer exists');
});

test('a back-channel logout posted to B ends the session on A at its next request; a replay gets 400', async () => {
  const visit = browser();
  const sub = newUser();
  assert.equal((await signIn(visit, a)).status, 200);
  assert.equal((await visit(`${a.base}/account`)).status, 200);
  const token = op.logoutToken({ sub });
  const delivered = await op.backChannelLogout(`${b.base}/back-channel-logout`, token);
  assert.equal(delivered.status, 200, delivered.body);
  const ended = await visit(`${a.base}/account`);
  assert.equal(ended.status, 302);
  assert.equal(ended.location, '/sign-in?returnTo=%2Faccount');
  assert.equal((await visit(`${b.base}/account`)).status, 302, 'and on B');
  const replay = await op.backChannelLogout(`${a.base}/back-channel-logout`, token);
  assert.equal(replay.status, 400);
  assert.match(replay.body, /ERR_LOGOUT_TOKEN_REPLAYED/);
  // Bad bodies and tokens: 400, never 500.
  for (const body of ['', 'logout_token=', 'logout_token=a.b.c', 'x'.repeat(20_000), 'logout_token=%ZZ']) {
    const response = await fetch(`${b.base}/back-channel-logout`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    assert.equal(response.status, 400, `${body.slice(0, 20)}: ${await response.text()}`);
  }
  const forged = await op.backChannelLogout(`${b.base}/back-channel-logout`, { sub }, { key: 'unknown' });
  assert.equal(forged.status, 400);
});

test('step-up: a route needing Cl.Cm.P2 and claims asks One Login for them and gets the typed identity; the JWT is not stored', async () => {
  const visit = browser();
  newUser();
  assert.equal((await signIn(visit, a)).status, 200);
  const stepUp = await visit(`${b.base}/identity`);
  assert.equal(stepUp.status, 302);
  const authorize = new URL(stepUp.location);
  assert.equal(`${authorize.origin}${authorize.pathname}`, op.environment.authorizeUrl);
  assert.deepEqual(JSON.parse(authorize.searchParams.get('vtr')), ['Cl.Cm.P2']);
  const claims = JSON.parse(authorize.searchParams.get('claims'));
  assert.deepEqual(Object.keys(claims.userinfo).sort(), [CLAIM.address, CLAIM.coreIdentityJWT].sort());
  const back = await visit(on(b, await op.authorize(stepUp.location)));
  assert.equal(back.status, 302, back.text);
  assert.equal(back.location, '/identity');
  const page = await visit(`${a.base}/identity`);
  assert.equal(page.status, 200, page.text);
  const { user } = JSON.parse(page.text);
  assert.equal(user.identity.levelOfConfidence, 'P2');
  assert.ok(user.identity.currentName.fullName.length > 0);
  assert.equal(user.identity.claims, undefined, 'the credential itself is not kept');
  assert.equal(user.addresses[0].postalCode, 'GL1 5QB');
  // The session holds one JWT: the ID token (for the logout hint); no core identity credential.
  const mine = (await sessions()).filter((s) => s.value.oneLogin?.user?.sub === user.sub);
  assert.equal(mine.length, 1);
  const jwts = JSON.stringify(mine[0].value).match(/eyJ[\w-]+\.[\w-]+\.[\w-]+/g);
  assert.deepEqual(jwts, [mine[0].value.oneLogin.idToken]);
  assert.doesNotMatch(JSON.stringify(mine[0].value), /coreIdentityJWT"?:\s*"ey/);
  // Met now: no further sign-in.
  assert.equal((await visit(`${b.base}/identity`)).status, 200);
});

test('two tabs: sign-ins in flight complete in either order', async () => {
  for (const order of [
    [0, 1],
    [1, 0],
  ]) {
    const visit = browser();
    newUser();
    const starts = [];
    for (const path of ['/one', '/two']) {
      const toSignIn = await visit(`${a.base}${path}`);
      const toOp = await visit(`${a.base}${toSignIn.location}`);
      assert.equal(toOp.status, 302);
      starts.push({ path, url: toOp.location });
    }
    // The OP only knows the next sign-in's user once: both tabs are the same person.
    const callbacks = [];
    for (const start of starts) callbacks.push(await op.authorize(start.url));
    for (const i of order) {
      const back = await visit(on(i === 0 ? a : b, callbacks[i]));
      assert.equal(back.status, 302, `tab ${i}: ${back.text}`);
      assert.equal(back.location, starts[i].path);
    }
    assert.equal((await visit(`${b.base}/one`)).text, '/one');
  }
});

test('returnTo stays on the service: //host, absolute URLs and backslashes go to /', async () => {
  for (const returnTo of ['//evil.example', '//evil.example/path', 'https://evil.example/', '/\\evil.example', '/\t/evil.example', 'javascript:alert(1)']) {
    const visit = browser();
    newUser();
    const toOp = await visit(`${a.base}/sign-in?returnTo=${encodeURIComponent(returnTo)}`);
    assert.equal(toOp.status, 302);
    const back = await visit(on(a, await op.authorize(toOp.location)));
    assert.equal(back.status, 302, back.text);
    assert.equal(back.location, '/', JSON.stringify(returnTo));
  }
  // A path of the service is kept, query and all.
  const visit = browser();
  newUser();
  const toOp = await visit(`${a.base}/sign-in?returnTo=${encodeURIComponent('/one?tab=2')}`);
  assert.equal((await visit(on(a, await op.authorize(toOp.location)))).location, '/one?tab=2');
});

test('a forged or refused callback answers 4xx with its code, never 500; login_required ends the local session', async () => {
  const visit = browser();
  newUser();
  const toOp = await visit(`${a.base}/sign-in`);
  const callback = await op.authorize(toOp.location);
  for (const forged of [
    callback.replace(/state=[^&]+/, 'state=forged'),
    callback.replace(/code=[^&]+/, 'code=made-up'),
    '/oidc/callback',
    '/oidc/callback?state=&code=',
    '/oidc/callback?code=a&code=b&state=c',
  ]) {
    const refused = await visit(on(a, forged));
    assert.ok(refused.status >= 400 && refused.status < 500, `${forged}: ${refused.status} ${refused.text}`);
    assert.match(refused.text, /^ERR_[A-Z_]+: /);
  }
  // Without any session cookie at all.
  const stranger = browser();
  const noSession = await stranger(on(b, callback));
  assert.equal(noSession.status, 400);
  assert.match(noSession.text, /ERR_OAUTH_STATE_MISMATCH/);

  // One Login answers login_required: the local session (signed in) ends too.
  const user = browser();
  newUser();
  assert.equal((await signIn(user, a)).status, 200);
  op.inject({ authorizeError: 'login_required' });
  try {
    const toOpAgain = await user(`${a.base}/sign-in`);
    const refused = await user(on(a, await op.authorize(toOpAgain.location)));
    assert.equal(refused.status, 400);
    assert.match(refused.text, /ERR_OAUTH_AUTHORIZATION_ERROR/);
  } finally {
    op.reset();
  }
  assert.equal((await user(`${a.base}/account`)).status, 302, 'signed out locally');
});

test('sign-out ends the session and redirects to One Login with the ID token hint', async () => {
  const visit = browser();
  const sub = newUser();
  assert.equal((await signIn(visit, a)).status, 200);
  const idToken = (await sessions()).find((s) => s.value.oneLogin?.user?.sub === sub).value.oneLogin.idToken;
  const out = await visit(`${b.base}/sign-out`);
  assert.equal(out.status, 302);
  const logout = new URL(out.location);
  assert.equal(`${logout.origin}${logout.pathname}`, op.environment.endSessionUrl);
  assert.equal(logout.searchParams.get('id_token_hint'), idToken);
  assert.equal(logout.searchParams.get('post_logout_redirect_uri'), `${SERVICE}/`);
  assert.equal((await sessions()).filter((s) => s.value.oneLogin?.user?.sub === sub).length, 0, 'the session is gone from Redis');
  assert.equal((await visit(`${a.base}/account`)).status, 302);
  // Signing out without a session still lands on One Login's logout (no hint).
  const anonymous = await browser()(`${a.base}/sign-out`);
  assert.equal(anonymous.location, op.environment.endSessionUrl);
});

test('options are checked at start-up: unknown members are named, paths must be the service\'s', () => {
  const refused = (make, option) =>
    assert.throws(make, (e) => e instanceof TokenError && e.code === 'ERR_INVALID_ARGUMENT' && e.option === option, option);
  refused(() => a.auth.requireSignIn({ vtrr: 'Cl.Cm.P2' }), 'vtrr');
  refused(() => a.auth.requireSignIn({ vtr: 'Cl.Cm.P9' }), 'vtr');
  refused(() => a.auth.requireSignIn({ claims: ['shoeSize'] }), 'claims');
  refused(() => oneLoginExpress(a.client, { postLogoutRedirectUrl: '/' }), 'postLogoutRedirectUrl');
  refused(() => oneLoginExpress(a.client, { paths: { signIn: '//evil.example' } }), 'paths.signIn');
  refused(() => oneLoginExpress(a.client, { signInOptions: { vtr: 'Cl.Cm.P9' } }), 'vtr');
  refused(() => oneLoginExpress({}, {}), 'client');
});

test('at most five sign-ins in flight per session: the oldest is dropped first', async () => {
  const visit = browser();
  newUser();
  const urls = [];
  for (let i = 0; i < 6; i++) urls.push((await visit(`${a.base}/sign-in?returnTo=/one`)).location);
  const callbacks = [];
  for (const url of urls) callbacks.push(await op.authorize(url));
  const oldest = await visit(on(a, callbacks[0]));
  assert.equal(oldest.status, 400);
  assert.match(oldest.text, /ERR_OAUTH_STATE_MISMATCH/);
  const newest = await visit(on(a, callbacks[5]));
  assert.equal(newest.status, 302, newest.text);
  assert.equal(newest.location, '/one');
  // Used once: the same callback again is refused.
  assert.equal((await visit(on(b, callbacks[5]))).status, 400);
});

test('in-person identity return: Cl.Cm first, the service\'s screen, then Cl.Cm.P2 with the claims', async () => {
  const visit = browser();
  newUser();
  const landing = await visit(`${a.base}/in-person-return`);
  assert.equal(landing.status, 302);
  const first = new URL(landing.location);
  assert.deepEqual(JSON.parse(first.searchParams.get('vtr')), ['Cl.Cm']);
  assert.equal(first.searchParams.get('claims'), null, 'authentication only');
  const screen = await visit(on(b, await op.authorize(landing.location)));
  assert.equal(screen.status, 302, screen.text);
  assert.equal(screen.location, '/identity-check-done');
  assert.match((await visit(`${a.base}/identity-check-done`)).text, /in-person check done/);
  const toIdentity = await visit(`${a.base}/in-person-return/identity`);
  assert.equal(toIdentity.status, 302);
  const second = new URL(toIdentity.location);
  assert.deepEqual(JSON.parse(second.searchParams.get('vtr')), ['Cl.Cm.P2']);
  assert.deepEqual(Object.keys(JSON.parse(second.searchParams.get('claims')).userinfo).sort(), [CLAIM.coreIdentityJWT, CLAIM.passport].sort());
  const back = await visit(on(a, await op.authorize(toIdentity.location)));
  assert.equal(back.location, '/in-person-return/identity');
  const end = await visit(`${b.base}/in-person-return/identity`);
  assert.equal(end.location, '/account');
  const { user } = JSON.parse((await visit(`${b.base}/account`)).text);
  assert.equal(user.identity.levelOfConfidence, 'P2');
  assert.equal(user.passports[0].documentNumber, '123456789');
});

test('the main entry never loads express or express-session; the /express entry needs them', async () => {
  // The packed tarball installed alone, where no express can be found: the main entry works,
  // the adapter's entry names what it is missing.
  const { mkdtempSync, mkdirSync, rmSync, readdirSync } = await import('node:fs');
  const { execFileSync } = await import('node:child_process');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { fileURLToPath } = await import('node:url');
  const artifacts = fileURLToPath(new URL('../artifacts/', import.meta.url));
  const tarball = readdirSync(artifacts).find((name) => /^govuk-one-login-tokens-.*\.tgz$/.test(name));
  const dir = mkdtempSync(join(tmpdir(), 'express-peer-'));
  try {
    const target = join(dir, 'node_modules', 'govuk-one-login-tokens');
    mkdirSync(target, { recursive: true });
    execFileSync('tar', ['-xzf', join(artifacts, tarball), '-C', target, '--strip-components=1']);
    const main = execFileSync(process.execPath, ['--input-type=module', '-e', "const m = await import('govuk-one-login-tokens'); console.log(typeof m.OneLoginClient, typeof m.safeReturnTo)"], { cwd: dir, encoding: 'utf8' });
    assert.equal(main.trim(), 'function function');
    let missing = '';
    try {
      execFileSync(process.execPath, ['--input-type=module', '-e', "await import('govuk-one-login-tokens/express')"], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      missing = error.stderr;
    }
    assert.match(missing, /Cannot find package 'express'/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a sign-in in flight expires after 10 minutes', async () => {
  const visit = browser();
  newUser();
  const toOp = await visit(`${a.base}/sign-in?returnTo=/one`);
  const callback = await op.authorize(toOp.location);
  // Only Date moves (the adapter's clock); the callback is refused before anything is sent.
  mock.timers.enable({ apis: ['Date'], now: Date.now() + SIGN_IN_EXPIRY_MS + 1000 });
  let expired;
  try {
    expired = await visit(on(a, callback));
  } finally {
    mock.timers.reset();
  }
  assert.equal(expired.status, 400, expired.text);
  assert.match(expired.text, /ERR_OAUTH_STATE_MISMATCH/);
});

// Several instances of one service share back-channel logout replay protection and ended
// sessions through Redis: two OneLoginClient instances in two Node processes (one on node-redis,
// one on ioredis), one real redis-server (tests/support/redis.mjs), one test OP. A logout token
// accepted by one instance is refused by the other with ERR_LOGOUT_TOKEN_REPLAYED, and the
// other sees the session ended.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startRedis } from '../support/redis.mjs';
import { startTestOp } from '../support/test-op.mjs';

const CLIENT_ID = 'redis-flow-client';
const INSTANCE = fileURLToPath(new URL('../support/logout-instance.mjs', import.meta.url));

let redis;
let op;
let instances;

/** Start one service instance; `call(body)` resolves to its `{ result }` or `{ error }`. */
async function startInstance(kind) {
  const child = spawn(process.execPath, [INSTANCE, kind, String(redis.port), CLIENT_ID, JSON.stringify(op.environment)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const waiting = new Map();
  let nextId = 0;
  let ready;
  const readyPromise = new Promise((resolve) => {
    ready = resolve;
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  createInterface({ input: child.stdout }).on('line', (line) => {
    const message = JSON.parse(line);
    if (message.ready) return ready(message);
    waiting.get(message.id)?.(message);
    waiting.delete(message.id);
  });
  const hello = await Promise.race([readyPromise, exited.then((code) => Promise.reject(new Error(`${kind} instance exited with ${code}`)))]);
  return {
    pid: hello.pid,
    call(body) {
      const id = nextId++;
      const answer = new Promise((resolve) => waiting.set(id, resolve));
      child.stdin.write(`${JSON.stringify({ id, body })}\n`);
      return answer;
    },
    isSignedOut(session) {
      const id = nextId++;
      const answer = new Promise((resolve) => waiting.set(id, resolve));
      child.stdin.write(`${JSON.stringify({ id, session })}\n`);
      return answer;
    },
    async stop() {
      child.stdin.end();
      await exited;
    },
  };
}

before(async () => {
  redis = await startRedis();
  op = await startTestOp({ clientId: CLIENT_ID, clientSecret: 'unused', redirectUris: ['https://rp.example/callback'] });
  instances = await Promise.all([startInstance('node-redis'), startInstance('ioredis')]);
});

after(async () => {
  await Promise.all((instances ?? []).map((i) => i.stop()));
  await op?.close();
  await redis?.stop();
});

test('two processes share one RedisStore: a token replayed to the other instance is refused', async () => {
  const [a, b] = instances;
  assert.notEqual(a.pid, b.pid);
  assert.notEqual(a.pid, process.pid);

  const token = op.logoutToken();
  const first = await a.call(`logout_token=${token}`);
  assert.equal(first.error, undefined, first.error?.message);
  assert.equal(first.result.sub, op.lastSub);
  const replay = await b.call(`logout_token=${token}`);
  assert.equal(replay.error?.code, 'ERR_LOGOUT_TOKEN_REPLAYED');
  assert.equal((await a.call(token)).error?.code, 'ERR_LOGOUT_TOKEN_REPLAYED', 'and to the first instance too');

  // The other way round, with a fresh token.
  const second = op.logoutToken();
  assert.equal((await b.call(second)).result?.jti !== undefined, true);
  assert.equal((await a.call(second)).error?.code, 'ERR_LOGOUT_TOKEN_REPLAYED');
});

test('the same token delivered to both instances at once is accepted exactly once', async () => {
  const [a, b] = instances;
  for (let round = 0; round < 10; round++) {
    const token = op.logoutToken();
    const answers = await Promise.all([a.call(token), b.call(token)]);
    const accepted = answers.filter((x) => x.result !== undefined);
    const refused = answers.filter((x) => x.error?.code === 'ERR_LOGOUT_TOKEN_REPLAYED');
    assert.equal(accepted.length, 1, JSON.stringify(answers));
    assert.equal(refused.length, 1, JSON.stringify(answers));
  }
});

test('an invalid token is refused by verification before it reaches the store', async () => {
  const [a, b] = instances;
  const forged = op.logoutToken({}, { key: 'unknown' });
  assert.equal((await a.call(forged)).error?.code, 'ERR_JWKS_NO_MATCHING_KEY');
  assert.equal((await b.call(op.logoutToken({ aud: 'another-client' }))).error?.code, 'ERR_JWT_CLAIM_VALIDATION_FAILED');
});

test('a logout handled by one instance ends the session on the other, for that user only', async () => {
  const [a, b] = instances;
  const sub = `urn:fdc:gov.uk:2022:${'ended-on-both'.padEnd(43, 'x')}`;
  const signedInAt = Math.floor(Date.now() / 1000) - 60;
  assert.equal((await b.isSignedOut({ sub, signedInAt })).result, false, 'nothing recorded yet');
  const handled = await a.call(op.logoutToken({ sub }));
  assert.equal(handled.error, undefined, handled.error?.message);
  assert.ok(handled.result.signedOutAt >= signedInAt);
  assert.equal((await b.isSignedOut({ sub, signedInAt })).result, true, 'ended on the other instance');
  assert.equal((await a.isSignedOut({ sub, signedInAt })).result, true);
  // A sign-in in the same second as the logout counts as ended (at or after; the rule's other
  // cases are its unit tests in src/onelogin/sessions.rs).
  assert.equal((await b.isSignedOut({ sub, signedInAt: handled.result.signedOutAt })).result, true);
  // Another user is not affected.
  assert.equal((await b.isSignedOut({ sub: `${sub}-other`, signedInAt })).result, false);
});

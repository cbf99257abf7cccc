// Replay stores for back-channel logout jtis, imported by name from the packed package.
// MemoryReplayStore: first/second/expiry and the bound, on an injected clock. RedisReplayStore:
// a real redis-server (tests/support/redis.mjs) shared by two separate Node processes, one using
// node-redis and one ioredis, each with its own client: what one remembers the other refuses,
// expiry works, concurrent claims of one jti have exactly one winner, keys are prefix + SHA-256,
// and a broken connection rejects (fails closed).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createClient } from 'redis';
import { Redis } from 'ioredis';
import { MemoryReplayStore, RedisReplayStore } from 'govuk-one-login-tokens';
import { startRedis } from '../support/redis.mjs';

const DEFAULT_PREFIX = 'govuk-one-login-tokens:logout-jti:';
const sha256hex = (text) => createHash('sha256').update(text).digest('hex');

test('memory: true the first time, false while remembered, true again after expiry', async () => {
  const clock = { t: 1_000_000 };
  const store = new MemoryReplayStore({ clock: () => clock.t });
  assert.equal(await store.remember('jti-1', 180), true);
  assert.equal(await store.remember('jti-1', 180), false);
  assert.equal(await store.remember('jti-2', 180), true, 'another jti is independent');
  clock.t += 179_999;
  assert.equal(await store.remember('jti-1', 180), false, 'still inside the window');
  clock.t += 1;
  assert.equal(await store.remember('jti-1', 180), true, 'expired at exactly ttl');
  assert.equal(await store.remember('jti-1', 180), false, 'and remembered afresh');
  // A fractional ttl is rounded up to whole seconds, like Redis EX.
  assert.equal(await store.remember('jti-3', 0.2), true);
  clock.t += 999;
  assert.equal(await store.remember('jti-3', 0.2), false);
});

test('memory: bounded — expired entries go first, then the oldest live one (the documented weakness)', async () => {
  const clock = { t: 0 };
  const store = new MemoryReplayStore({ maxEntries: 3, clock: () => clock.t });
  for (const jti of ['a', 'b', 'c']) assert.equal(await store.remember(jti, 10), true);
  assert.equal(store.size, 3);
  clock.t = 5_000;
  assert.equal(await store.remember('d', 10), true);
  assert.equal(store.size, 3, 'never grows past maxEntries');
  // 'a' was evicted under pressure although it had not expired: its replay now passes.
  assert.equal(await store.remember('a', 10), true);
  assert.equal(store.size, 3);
  // ...which evicted 'b'; 'c' and 'd' are still refused.
  assert.equal(await store.remember('c', 10), false);
  assert.equal(await store.remember('d', 10), false);
  // Once entries expire, they are dropped before any live one is evicted.
  clock.t = 10_000; // 'c' (t=0) has expired; 'd' and 'a' (t=5000) have not
  assert.equal(await store.remember('e', 10), true);
  assert.equal(await store.remember('d', 10), false, 'live entries survived');
  assert.equal(await store.remember('a', 10), false, 'live entries survived');
  for (let i = 0; i < 1000; i++) await store.remember(`x${i}`, 10);
  assert.equal(store.size, 3);
});

test('arguments: a non-empty jti of bounded length and a positive ttl', async () => {
  const store = new MemoryReplayStore();
  for (const [jti, ttl] of [['', 10], [undefined, 10], [42, 10], ['x'.repeat(1025), 10], ['j', 0], ['j', -1], ['j', NaN], ['j', '10'], ['j', Infinity]]) {
    await assert.rejects(store.remember(jti, ttl), TypeError, `${String(jti).slice(0, 10)} ${ttl}`);
  }
  assert.equal(await store.remember('x'.repeat(1024), 10), true);
  assert.throws(() => new MemoryReplayStore({ maxEntries: 0 }), TypeError);
  assert.throws(() => new RedisReplayStore({}), TypeError);
  assert.throws(() => new RedisReplayStore({ set() {} }), TypeError, 'neither node-redis nor ioredis');
  assert.throws(() => new RedisReplayStore(undefined), TypeError);
});

// --- Redis ------------------------------------------------------------------------------------
let redis;
let children;

/** A replay-client.mjs process: `remember(jti, ttl)` round-trips over its stdio. */
function startChild(kind, port, prefix) {
  const script = fileURLToPath(new URL('../support/replay-client.mjs', import.meta.url));
  const child = spawn(process.execPath, [script, kind, String(port), ...(prefix ? [prefix] : [])], {
    cwd: fileURLToPath(new URL('.', import.meta.url)),
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const waiting = new Map();
  let nextId = 0;
  let onReady;
  const ready = new Promise((resolve, reject) => {
    onReady = resolve;
    child.once('exit', (code) => reject(new Error(`${kind} client exited early (${code})`)));
  });
  createInterface({ input: child.stdout }).on('line', (line) => {
    const message = JSON.parse(line);
    if (message.ready) return onReady();
    const { resolve, reject } = waiting.get(message.id);
    waiting.delete(message.id);
    if ('error' in message) reject(new Error(message.error));
    else resolve(message.result);
  });
  return {
    kind,
    pid: child.pid,
    ready,
    remember(jti, ttl) {
      const id = nextId++;
      const answer = new Promise((resolve, reject) => waiting.set(id, { resolve, reject }));
      child.stdin.write(`${JSON.stringify({ id, jti, ttl })}\n`);
      return answer;
    },
    async close() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.stdin.end();
      await exited;
    },
  };
}

before(async () => {
  redis = await startRedis();
  children = [startChild('node-redis', redis.port), startChild('ioredis', redis.port)];
  await Promise.all(children.map((c) => c.ready));
});

after(async () => {
  await Promise.all((children ?? []).map((c) => c.close()));
  await redis?.stop();
});

test('redis: two processes (node-redis, ioredis) share one store: one remembers, the other refuses', async () => {
  const [nodeRedis, ioredis] = children;
  assert.notEqual(nodeRedis.pid, ioredis.pid);
  assert.equal(await nodeRedis.remember('shared-1', 180), true);
  assert.equal(await ioredis.remember('shared-1', 180), false);
  assert.equal(await nodeRedis.remember('shared-1', 180), false);
  assert.equal(await ioredis.remember('shared-2', 180), true);
  assert.equal(await nodeRedis.remember('shared-2', 180), false);
});

test('redis: a jti expires after its ttl (1 s)', async () => {
  const [nodeRedis, ioredis] = children;
  assert.equal(await ioredis.remember('short-lived', 1), true);
  assert.equal(await nodeRedis.remember('short-lived', 1), false);
  await new Promise((resolve) => setTimeout(resolve, 1100));
  assert.equal(await nodeRedis.remember('short-lived', 1), true, 'forgotten after 1 s');
  assert.equal(await ioredis.remember('short-lived', 1), false);
});

test('redis: concurrent claims of one jti from both processes have exactly one winner', async () => {
  const claims = [];
  for (let i = 0; i < 20; i++) for (const child of children) claims.push(child.remember('race', 180));
  const results = await Promise.all(claims);
  assert.equal(results.filter(Boolean).length, 1, JSON.stringify(results));
});

test('redis: the key is prefix + SHA-256 hex of the jti, with the ttl set; odd jtis make plain keys', async () => {
  const raw = createClient({ socket: { host: '127.0.0.1', port: redis.port } });
  await raw.connect();
  try {
    const odd = 'a b\r\n*3\r\n$3\r\nDEL:*';
    assert.equal(await children[0].remember(odd, 180), true);
    const key = `${DEFAULT_PREFIX}${sha256hex(odd)}`;
    assert.equal(await raw.get(key), '1');
    const ttl = await raw.ttl(key);
    assert.ok(ttl > 170 && ttl <= 180, `ttl ${ttl}`);
    const keys = await raw.keys('*');
    assert.ok(keys.every((k) => /^govuk-one-login-tokens:logout-jti:[0-9a-f]{64}$/.test(k)), keys.join(' '));

    // A custom prefix separates stores; the same jti is new under it.
    const store = new RedisReplayStore(raw, { prefix: 'svc-a:' });
    assert.equal(await store.remember(odd, 60), true);
    assert.equal(await raw.exists(`svc-a:${sha256hex(odd)}`), 1);
  } finally {
    await raw.close();
  }
});

test('redis: errors reject (fail closed), never "first time"', async () => {
  // node-redis: a closed client.
  const closed = createClient({ socket: { host: '127.0.0.1', port: redis.port } });
  await closed.connect();
  const nodeStore = new RedisReplayStore(closed);
  assert.equal(await nodeStore.remember('before-close', 60), true);
  await closed.close();
  await assert.rejects(nodeStore.remember('after-close', 60));

  // ioredis: no connection and no offline queue.
  const offline = new Redis(redis.port, '127.0.0.1', { lazyConnect: true, enableOfflineQueue: false });
  await assert.rejects(new RedisReplayStore(offline).remember('offline', 60));
  offline.disconnect();

  // A server that is gone: a fresh Redis, stopped under a connected client.
  const doomed = await startRedis();
  const client = new Redis(doomed.port, '127.0.0.1', { maxRetriesPerRequest: 0, retryStrategy: () => null });
  const store = new RedisReplayStore(client);
  assert.equal(await store.remember('j', 60), true);
  await doomed.stop();
  await assert.rejects(store.remember('k', 60));
  client.disconnect();
});

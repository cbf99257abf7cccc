// The client's store (logout-token jtis and ended sessions), imported by name from the packed
// package. MemoryStore: first/second/expiry and the bound, the latest sign-out kept, on an
// injected clock. RedisStore: a real redis-server (tests/support/redis.mjs) shared by two
// separate Node processes, one using node-redis and one ioredis, each with its own client: what
// one remembers the other refuses, expiry works, concurrent claims of one jti have exactly one
// winner, concurrent sign-outs keep the latest whatever their order, keys are prefix + SHA-256,
// and a broken connection rejects (fails closed).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createClient } from 'redis';
import { Redis } from 'ioredis';
import { MemoryStore, RedisStore, TokenError, OneLoginClient } from 'govuk-one-login-tokens';
import { startRedis } from '../support/redis.mjs';

const DEFAULT_PREFIX = 'govuk-one-login-tokens:';
const sha256hex = (text) => createHash('sha256').update(text).digest('hex');

test('memory: true the first time, false while remembered, true again after expiry', async () => {
  const clock = { t: 1_000_000 };
  const store = new MemoryStore({ clock: () => clock.t });
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
  const store = new MemoryStore({ maxEntries: 3, clock: () => clock.t });
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

test('memory: the latest sign-out is kept, whatever the order; it expires after its ttl', async () => {
  const clock = { t: 1_000_000 };
  const store = new MemoryStore({ clock: () => clock.t });
  assert.equal(await store.signedOutAt('user-1'), null);
  assert.equal(await store.recordSignOut('user-1', 1_700_000_100, 60), true);
  assert.equal(await store.recordSignOut('user-1', 1_700_000_050, 60), false, 'an earlier time changes nothing');
  assert.equal(await store.recordSignOut('user-1', 1_700_000_100, 60), false, 'nor does the same time');
  assert.equal(await store.signedOutAt('user-1'), 1_700_000_100);
  assert.equal(await store.signedOutAt('user-2'), null, 'another sub is independent');
  clock.t += 30_000;
  assert.equal(await store.recordSignOut('user-1', 1_700_000_130, 60), true, 'a later one replaces it');
  clock.t += 59_999;
  assert.equal(await store.signedOutAt('user-1'), 1_700_000_130, 'kept for its own ttl');
  clock.t += 1;
  assert.equal(await store.signedOutAt('user-1'), null, 'forgotten at exactly ttl');
  assert.equal(await store.recordSignOut('user-1', 1_700_000_000, 60), true, 'an expired record is no obstacle');
});

/** A refusal of one argument: a TokenError ERR_INVALID_ARGUMENT naming it. */
const invalid = (option) => (error) => error instanceof TokenError && error.code === 'ERR_INVALID_ARGUMENT' && error.option === option;

test('arguments: non-empty ids of bounded length, positive ttls, times >= 0; TokenError naming each', async () => {
  const store = new MemoryStore();
  for (const [jti, ttl, option] of [['', 10, 'jti'], [undefined, 10, 'jti'], [42, 10, 'jti'], ['x'.repeat(1025), 10, 'jti'], ['j', 0, 'ttlSeconds'], ['j', -1, 'ttlSeconds'], ['j', NaN, 'ttlSeconds'], ['j', '10', 'ttlSeconds'], ['j', Infinity, 'ttlSeconds']]) {
    await assert.rejects(store.remember(jti, ttl), invalid(option), `${String(jti).slice(0, 10)} ${ttl}`);
  }
  assert.equal(await store.remember('x'.repeat(1024), 10), true);
  for (const [sub, at, ttl, option] of [['', 1, 10, 'sub'], [null, 1, 10, 'sub'], ['s', -1, 10, 'atSeconds'], ['s', NaN, 10, 'atSeconds'], ['s', '1', 10, 'atSeconds'], ['s', 1, 0, 'ttlSeconds']]) {
    await assert.rejects(store.recordSignOut(sub, at, ttl), invalid(option), `${sub} ${at} ${ttl}`);
  }
  await assert.rejects(store.signedOutAt(''), invalid('sub'));
  assert.throws(() => new MemoryStore({ maxEntries: 0 }), invalid('maxEntries'));
  assert.throws(() => new RedisStore({}), invalid('client'));
  assert.throws(() => new RedisStore({ set() {}, get() {}, eval() {} }), invalid('client'), 'neither node-redis nor ioredis');
  assert.throws(() => new RedisStore(undefined), invalid('client'));
});

test('client.isSignedOut: the core\'s rule over the store (equal times, the 5 s tolerance, the lifetime)', async () => {
  const clock = { ms: 1_700_000_000_000 };
  const store = new MemoryStore({ clock: () => clock.ms });
  const client = OneLoginClient.create({ environment: 'integration', clientId: 'c', store, sessionLifetime: 3600, clock: () => clock.ms });
  const now = clock.ms / 1000;
  const sub = 'urn:fdc:gov.uk:2022:someone';
  assert.equal(await client.isSignedOut({ sub, signedInAt: now - 60 }), false, 'no logout recorded');
  await store.recordSignOut(sub, now - 30, 3605);
  assert.equal(await client.isSignedOut({ sub, signedInAt: now - 60 }), true, 'a logout after the sign-in');
  assert.equal(await client.isSignedOut({ sub, signedInAt: now - 30 }), true, 'equal times');
  assert.equal(await client.isSignedOut({ sub, signedInAt: now - 25 }), true, 'within the 5 s allowed between instances');
  assert.equal(await client.isSignedOut({ sub, signedInAt: now - 24 }), false, 'a sign-in after it');
  assert.equal(await client.isSignedOut({ sub: 'someone-else', signedInAt: now - 3599 }), false);
  assert.equal(await client.isSignedOut({ sub: 'someone-else', signedInAt: now - 3600 }), true, 'older than sessionLifetime');
  for (const [session, option] of [[{ sub, signedInAt: '1700000000' }, 'signedInAt'], [{ sub, signedInAt: NaN }, 'signedInAt'], [{ sub: '', signedInAt: now }, 'sub'], [null, 'session']]) {
    await assert.rejects(client.isSignedOut(session), invalid(option), JSON.stringify(session));
  }
  assert.throws(() => OneLoginClient.create({ environment: 'integration', clientId: 'c', sessionLifetime: 0 }), invalid('sessionLifetime'));
  assert.throws(() => OneLoginClient.create({ environment: 'integration', clientId: 'c', store: { remember() {} } }), invalid('store'));
  client.dispose();
});

// --- Redis ------------------------------------------------------------------------------------
let redis;
let children;

/** A store-client.mjs process: each RedisStore method round-trips over its stdio. */
function startChild(kind, port, prefix) {
  const script = fileURLToPath(new URL('../support/store-client.mjs', import.meta.url));
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
    call(method, ...args) {
      const id = nextId++;
      const answer = new Promise((resolve, reject) => waiting.set(id, { resolve, reject }));
      child.stdin.write(`${JSON.stringify({ id, method, args })}\n`);
      return answer;
    },
    remember(jti, ttl) {
      return this.call('remember', jti, ttl);
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
    const key = `${DEFAULT_PREFIX}logout-jti:${sha256hex(odd)}`;
    assert.equal(await raw.get(key), '1');
    const ttl = await raw.ttl(key);
    assert.ok(ttl > 170 && ttl <= 180, `ttl ${ttl}`);
    assert.equal(await children[1].call('recordSignOut', odd, 1_700_000_000, 600), true);
    const signOutKey = `${DEFAULT_PREFIX}signed-out:${sha256hex(odd)}`;
    assert.equal(await raw.get(signOutKey), '1700000000');
    const signOutTtl = await raw.ttl(signOutKey);
    assert.ok(signOutTtl > 590 && signOutTtl <= 600, `ttl ${signOutTtl}`);
    const keys = await raw.keys('*');
    assert.ok(keys.every((k) => /^govuk-one-login-tokens:(logout-jti|signed-out):[0-9a-f]{64}$/.test(k)), keys.join(' '));

    // A custom prefix separates stores; the same jti is new under it.
    const store = new RedisStore(raw, { prefix: 'svc-a:' });
    assert.equal(await store.remember(odd, 60), true);
    assert.equal(await raw.exists(`svc-a:logout-jti:${sha256hex(odd)}`), 1);
    assert.equal(await store.signedOutAt(odd), null);

    // A record that is not a time is refused, never read as "not signed out".
    await raw.set(`svc-a:signed-out:${sha256hex('garbled')}`, 'yesterday');
    await assert.rejects(store.signedOutAt('garbled'), /not a time/);
    // ...and the script replaces it with a time.
    assert.equal(await store.recordSignOut('garbled', 5, 60), true);
    assert.equal(await store.signedOutAt('garbled'), 5);
  } finally {
    await raw.close();
  }
});

test('redis: errors reject (fail closed), never "first time"', async () => {
  // node-redis: a closed client.
  const closed = createClient({ socket: { host: '127.0.0.1', port: redis.port } });
  await closed.connect();
  const nodeStore = new RedisStore(closed);
  assert.equal(await nodeStore.remember('before-close', 60), true);
  await closed.close();
  await assert.rejects(nodeStore.remember('after-close', 60));
  await assert.rejects(nodeStore.recordSignOut('after-close', 1, 60));
  await assert.rejects(nodeStore.signedOutAt('after-close'));

  // ioredis: no connection and no offline queue.
  const offline = new Redis(redis.port, '127.0.0.1', { lazyConnect: true, enableOfflineQueue: false });
  await assert.rejects(new RedisStore(offline).remember('offline', 60));
  offline.disconnect();

  // A server that is gone: a fresh Redis, stopped under a connected client.
  const doomed = await startRedis();
  const client = new Redis(doomed.port, '127.0.0.1', { maxRetriesPerRequest: 0, retryStrategy: () => null });
  const store = new RedisStore(client);
  assert.equal(await store.remember('j', 60), true);
  await doomed.stop();
  await assert.rejects(store.remember('k', 60));
  await assert.rejects(store.signedOutAt('k'));
  client.disconnect();
});

test('redis: ten concurrent logouts and sign-in checks from two processes keep the latest sign-out', async () => {
  const [nodeRedis, ioredis] = children;
  const sub = 'concurrent-user';
  const base = 1_700_000_000;
  // Ten sign-outs at distinct times, sent in a shuffled order, half from each process, while both
  // processes read the record; the latest time must win whatever order Redis runs them in.
  const times = Array.from({ length: 10 }, (_, i) => base + i * 7);
  const shuffled = [...times].sort(() => Math.random() - 0.5);
  const writes = shuffled.map((at, i) => (i % 2 === 0 ? nodeRedis : ioredis).call('recordSignOut', sub, at, 600));
  const reads = Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? ioredis : nodeRedis).call('signedOutAt', sub));
  const [changed, seen] = await Promise.all([Promise.all(writes), Promise.all(reads)]);
  assert.ok(changed.filter(Boolean).length >= 1, JSON.stringify(changed));
  // Every read saw nothing yet or one of the recorded times, never a torn value.
  for (const value of seen) assert.ok(value === null || times.includes(value), String(value));
  assert.equal(await nodeRedis.call('signedOutAt', sub), times.at(-1));
  assert.equal(await ioredis.call('signedOutAt', sub), times.at(-1));
  // The writes that changed the record did so in increasing order of time: exactly those that
  // were later than every write applied before them. The latest one always changes it.
  assert.equal(changed[shuffled.indexOf(times.at(-1))], true);

  // Ten rounds of the same time from both processes at once: exactly one changes the record.
  for (let round = 1; round <= 10; round++) {
    const at = times.at(-1) + round;
    const answers = await Promise.all([nodeRedis.call('recordSignOut', sub, at, 600), ioredis.call('recordSignOut', sub, at, 600)]);
    assert.equal(answers.filter(Boolean).length, 1, JSON.stringify(answers));
  }
  assert.equal(await ioredis.call('signedOutAt', sub), times.at(-1) + 10);
});

test('redis: a sign-out record expires after its ttl (1 s)', async () => {
  const [nodeRedis, ioredis] = children;
  assert.equal(await nodeRedis.call('recordSignOut', 'short-lived-user', 42, 1), true);
  assert.equal(await ioredis.call('signedOutAt', 'short-lived-user'), 42);
  await new Promise((resolve) => setTimeout(resolve, 1100));
  assert.equal(await ioredis.call('signedOutAt', 'short-lived-user'), null);
});

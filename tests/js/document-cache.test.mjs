// The shared document cache (`cacheDocuments: true`): OneLoginClients sharing a store read the
// discovery document, JWKS and DID document one of them fetched instead of fetching them, with
// a real redis-server (tests/support/redis.mjs) and the test kit's One Login (which counts the
// requests per path). A stored record is refused, and the document fetched again, when it is
// corrupt, oversized, holds an unusable document or is another URL's; a stale one is not used;
// a JWKS without the token's key is fetched again (and the store updated) even while the
// stored copy is fresh; a store that fails or hangs only means fetching. MemoryStore works too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import diagnostics from 'node:diagnostics_channel';
import { createClient } from 'redis';
import { Redis } from 'ioredis';
import { OneLoginClient, MemoryStore, RedisStore, TokenError } from 'govuk-one-login-tokens';
import { startTestOneLogin } from 'govuk-one-login-tokens/testing';
import { startRedis } from '../support/redis.mjs';

const REDIRECT_URI = 'http://localhost:8080/oidc/authorization-code/callback';
const IDENTITY = { vtr: ['Cl.Cm.P2'], scope: ['openid', 'email'], claims: ['coreIdentityJWT'] };
const FORMAT = 'govuk-one-login-tokens/document-record/1';

let redis;
let op;
const connections = [];
const clients = [];

before(async () => {
  redis = await startRedis();
  op = await startTestOneLogin();
});

after(async () => {
  clients.forEach((client) => client.dispose());
  await Promise.all(connections.map((connection) => connection.quit().catch(() => {})));
  await op?.close();
  await redis?.stop();
});

/** A connected node-redis client, closed at the end. */
async function nodeRedis(url = redis.url) {
  const connection = createClient({ url });
  connection.on('error', () => {});
  await connection.connect();
  connections.push(connection);
  return connection;
}

/** A client of the kit's One Login, disposed at the end. */
function clientOf(store, extra = {}) {
  const client = OneLoginClient.create({
    environment: op.environment,
    clientId: op.clientId,
    privateKey: op.privateKey,
    redirectUri: REDIRECT_URI,
    timeoutMs: 3000,
    store,
    cacheDocuments: true,
    ...extra,
  });
  clients.push(client);
  return client;
}

/** A whole sign-in with a core identity (so the DID document is needed too). */
async function signIn(client) {
  const { url, transaction } = client.startSignIn(IDENTITY);
  const callback = await op.authorize(url);
  const result = await client.completeSignIn(callback, transaction, { vtr: 'Cl.Cm.P2' });
  assert.ok(result.identity, 'the core identity was verified');
  return result;
}

const PATHS = () => ({
  discovery: new URL(op.endpoints.discoveryUrl).pathname,
  jwks: new URL(op.endpoints.jwksUrl).pathname,
  did: new URL(op.endpoints.didUrl).pathname,
});

/** The document requests made while `run` runs: `{ discovery, jwks, did }` counts. */
async function documentRequests(run) {
  const from = op.requests.length;
  const result = await run();
  const paths = PATHS();
  const counts = { discovery: 0, jwks: 0, did: 0 };
  for (const request of op.requests.slice(from)) {
    for (const [kind, path] of Object.entries(paths)) if (request.method === 'GET' && request.path === path) counts[kind] += 1;
  }
  return { counts, result };
}

/** The messages published on the documents channel while `run` runs. */
async function documentMessages(run) {
  const messages = [];
  const listener = (message) => messages.push(message);
  diagnostics.subscribe('govuk-one-login-tokens:documents', listener);
  try {
    const result = await run();
    return { messages, result };
  } finally {
    diagnostics.unsubscribe('govuk-one-login-tokens:documents', listener);
  }
}

/** A record as the client writes it (the test's own copy of the format, to forge ones). */
function recordOf(kind, url, document, { fetchedAtMs = Date.now(), freshUntilMs = fetchedAtMs + 600_000, extra = {} } = {}) {
  return `${JSON.stringify({ format: FORMAT, kind, url, fetchedAtMs, freshUntilMs, ...extra })}\n${document}`;
}

const key = (kind) => `${kind} ${op.endpoints[`${kind}Url`]}`;

test('two clients sharing a RedisStore: the second fetches no document the first fetched', async () => {
  const prefix = 'share:';
  const first = clientOf(new RedisStore(await nodeRedis(), { prefix }));
  const cold = await documentRequests(() => signIn(first));
  assert.deepEqual(cold.counts, { discovery: 1, jwks: 1, did: 1 });

  // Another instance (its own connection, ioredis this time), cold: every document from Redis.
  const ioredis = new Redis(redis.port, '127.0.0.1', { lazyConnect: true });
  await ioredis.connect();
  connections.push(ioredis);
  const second = clientOf(new RedisStore(ioredis, { prefix }));
  const { messages, result: warm } = await documentMessages(() => documentRequests(() => signIn(second)));
  assert.deepEqual(warm.counts, { discovery: 0, jwks: 0, did: 0 }, 'no document request at all');
  const reads = messages.filter((m) => m.operation === 'read').map((m) => `${m.document}:${m.outcome}`);
  assert.deepEqual(reads.sort(), ['did:hit', 'discovery:hit', 'jwks:hit']);
  assert.equal(messages.filter((m) => m.operation === 'write').length, 0, 'nothing fetched, nothing written');
  for (const message of messages) {
    assert.equal(typeof message.durationMs, 'number');
    assert.deepEqual(Object.keys(message).sort(), ['document', 'durationMs', 'operation', 'outcome'], 'names and outcomes only');
  }

  // The records: prefix + document: + SHA-256 of kind and URL, kept as long as the document's max-age.
  const raw = await nodeRedis();
  const keys = (await raw.keys(`${prefix}document:*`)).sort();
  assert.equal(keys.length, 3);
  for (const k of keys) assert.match(k, /^share:document:[0-9a-f]{64}$/);
  const ttls = (await Promise.all(keys.map((k) => raw.ttl(k)))).sort((a, b) => a - b);
  assert.ok(ttls[0] > 3590 && ttls[0] <= 3600, `the DID document for its max-age=3600: ${ttls}`);
  assert.ok(ttls[2] > 86390 && ttls[2] <= 86400, `discovery and JWKS for max-age=86400: ${ttls}`);
});

test('without cacheDocuments the store holds no document and each client fetches its own', async () => {
  const connection = await nodeRedis();
  const store = new RedisStore(connection, { prefix: 'off:' });
  await signIn(clientOf(store, { cacheDocuments: false }));
  const { counts } = await documentRequests(() => signIn(clientOf(store, { cacheDocuments: undefined })));
  assert.deepEqual(counts, { discovery: 1, jwks: 1, did: 1 });
  assert.deepEqual(await connection.keys('off:document:*'), []);
});

test('a corrupt, oversized, unusable or foreign record is refused, the document fetched and the record replaced', async () => {
  const connection = await nodeRedis();
  const store = new RedisStore(connection, { prefix: 'corrupt:' });
  const jwks = JSON.stringify(op.jwks);
  const did = JSON.stringify(op.didDocument);
  const jwksBadKey = JSON.stringify({ keys: [{ ...op.jwks.keys[0], x: 'AAAA' }] });
  const otherUrl = 'http://127.0.0.1:1/.well-known/jwks.json';
  const cases = [
    ['jwks', 'not a record at all', 'malformed'],
    ['jwks', recordOf('jwks', op.endpoints.jwksUrl, '{"keys": [ not json'), 'unusable'],
    ['jwks', recordOf('jwks', op.endpoints.jwksUrl, jwksBadKey), 'unusable'],
    ['jwks', recordOf('jwks', otherUrl, jwks), 'other_document'],
    ['jwks', recordOf('did', op.endpoints.jwksUrl, jwks), 'other_document'],
    ['jwks', recordOf('jwks', op.endpoints.jwksUrl, jwks, { extra: { trusted: true } }), 'malformed'],
    ['jwks', recordOf('jwks', op.endpoints.jwksUrl, jwks, { fetchedAtMs: Date.now() + 3_600_000 }), 'bad_times'],
    ['jwks', recordOf('jwks', op.endpoints.jwksUrl, `${jwks}${' '.repeat(300 * 1024)}`), 'oversize'],
    ['did', recordOf('did', op.endpoints.didUrl, JSON.stringify({ ...op.didDocument, id: 'did:web:attacker.example' })), 'unusable'],
    ['did', recordOf('did', op.endpoints.didUrl, did.replace('{', '{"id":"duplicate",')), 'unusable'],
    ['discovery', recordOf('discovery', op.endpoints.discoveryUrl, '{"issuer":"https://evil.example/"}'), 'unusable'],
  ];
  for (const [kind, record, reason] of cases) {
    await store.putDocument(key(kind), record, 600);
    const client = clientOf(store);
    const { messages, result } = await documentMessages(() => documentRequests(() => signIn(client)));
    assert.equal(result.counts[kind], 1, `${kind} ${reason}: fetched again`);
    const read = messages.find((m) => m.operation === 'read' && m.document === kind);
    assert.equal(read.outcome, 'refused', `${kind} ${reason}`);
    assert.equal(read.reason, reason, `${kind} ${reason}`);
    if (reason === 'unusable') assert.match(read.code, /^ERR_[A-Z_]+$/);
    assert.ok(messages.some((m) => m.operation === 'write' && m.document === kind && m.outcome === 'ok'), 'the fetched copy stored');
    const replaced = await store.getDocument(key(kind));
    assert.ok(replaced.startsWith(`{"format":"${FORMAT}","kind":"${kind}"`), 'the record was replaced');
    // ...so the next cold client finds it good.
    const { counts } = await documentRequests(() => signIn(clientOf(store)));
    assert.deepEqual(counts, { discovery: 0, jwks: 0, did: 0 }, `${kind} ${reason}: then read from the store`);
  }
  // A stored value that is not text (a store of another kind) is refused the same way.
  const odd = new MemoryStore();
  const oddClient = clientOf({ ...storeMethods(odd), getDocument: async () => ({ keys: [] }) });
  const { messages, result } = await documentMessages(() => documentRequests(() => signIn(oddClient)));
  assert.deepEqual(result.counts, { discovery: 1, jwks: 1, did: 1 });
  assert.deepEqual(messages.filter((m) => m.operation === 'read').map((m) => m.reason), ['malformed', 'malformed', 'malformed']);
});

/** A store object made of `store`'s methods (bound). */
function storeMethods(store) {
  const methods = {};
  for (const name of ['remember', 'recordSignOut', 'signedOutAt', 'getDocument', 'putDocument']) methods[name] = store[name].bind(store);
  return methods;
}

test('expiry: a record expires with its document\'s max-age, and a stale one is not used, on its own times', async () => {
  const clock = { t: Date.now() };
  const store = new MemoryStore({ clock: () => clock.t });
  await signIn(clientOf(store));
  // An hour later (the store's clock) the DID document (max-age=3600) has expired; the JWKS
  // and discovery (a day) have not.
  clock.t += 3_600_000;
  const later = await documentRequests(() => signIn(clientOf(store)));
  assert.deepEqual(later.counts, { discovery: 0, jwks: 0, did: 1 });
  clock.t = Date.now();
  const now = () => clock.t;
  // A record the store still returns, past its freshUntil (a store that does not expire, or
  // another clock): the record's own times decide.
  const record = recordOf('jwks', op.endpoints.jwksUrl, JSON.stringify(op.jwks), { fetchedAtMs: clock.t - 700_000, freshUntilMs: clock.t - 100_000 });
  await store.putDocument(key('jwks'), record, 86_400);
  const { messages, result } = await documentMessages(() => documentRequests(() => signIn(clientOf(store, { clock: now }))));
  assert.equal(result.counts.jwks, 1);
  assert.deepEqual(
    messages.filter((m) => m.operation === 'read' && m.document === 'jwks').map((m) => [m.outcome, m.reason]),
    [['miss', 'stale']],
  );
  // A record claiming to be fresh for longer than any document is used is refused.
  await store.putDocument(key('jwks'), recordOf('jwks', op.endpoints.jwksUrl, JSON.stringify(op.jwks), { fetchedAtMs: clock.t, freshUntilMs: clock.t + 2 * 86_400_000 }), 600);
  const forever = await documentRequests(() => signIn(clientOf(store, { clock: now })));
  assert.equal(forever.counts.jwks, 1);
});

test('a rotated key: a fresh stored JWKS without the token\'s key is fetched again and the store updated', async () => {
  const connection = await nodeRedis();
  const store = new RedisStore(connection, { prefix: 'rotate:' });
  await signIn(clientOf(store));
  const before = await store.getDocument(key('jwks'));
  try {
    await op.config({ publishNewIdTokenSigningKeys: true, useNewIdTokenSigningKeys: true });
    const rotated = await documentRequests(() => signIn(clientOf(store)));
    assert.deepEqual(rotated.counts, { discovery: 0, jwks: 1, did: 0 }, 'the unknown kid forced one fetch, despite the store');
    const after = await store.getDocument(key('jwks'));
    assert.notEqual(after, before, 'the store holds the new JWKS');
    const newest = await documentRequests(() => signIn(clientOf(store)));
    assert.deepEqual(newest.counts, { discovery: 0, jwks: 0, did: 0 }, 'and the next instance reads it');
  } finally {
    await op.config({ publishNewIdTokenSigningKeys: false, useNewIdTokenSigningKeys: false });
  }
});

test('a store that is down or hangs: the documents are fetched and the sign-in works', async () => {
  // A Redis that stops: node-redis queues commands while it reconnects (a hang), bounded by timeoutMs.
  const doomed = await startRedis();
  const connection = await nodeRedis(doomed.url);
  const store = new RedisStore(connection, { prefix: 'down:' });
  await doomed.stop();
  const client = clientOf(store, { timeoutMs: 500 });
  const started = Date.now();
  const { messages, result } = await documentMessages(() => documentRequests(() => signIn(client)));
  assert.deepEqual(result.counts, { discovery: 1, jwks: 1, did: 1 });
  assert.ok(Date.now() - started < 10_000);
  for (const kind of ['discovery', 'jwks', 'did']) {
    const read = messages.find((m) => m.operation === 'read' && m.document === kind);
    assert.equal(read.outcome, 'error');
    assert.ok(['timeout', 'store_error'].includes(read.reason), read.reason);
    const write = messages.find((m) => m.operation === 'write' && m.document === kind);
    assert.equal(write.outcome, 'error');
  }
  connection.destroy?.();
  // A store whose methods throw at once.
  const failing = { ...storeMethods(new MemoryStore()), getDocument: () => Promise.reject(Object.assign(new Error('ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' })), putDocument: () => { throw new Error('read only'); } };
  const { messages: failed, result: fetched } = await documentMessages(() => documentRequests(() => signIn(clientOf(failing))));
  assert.deepEqual(fetched.counts, { discovery: 1, jwks: 1, did: 1 });
  const read = failed.find((m) => m.operation === 'read');
  assert.deepEqual([read.outcome, read.reason, read.errorCode], ['error', 'store_error', 'ECONNREFUSED']);
  assert.ok(!JSON.stringify(failed).includes('127.0.0.1'), 'no store message or address published');
});

test('MemoryStore: documents shared by two clients in one process, expiring, bounded', async () => {
  const store = new MemoryStore();
  await signIn(clientOf(store));
  const { counts } = await documentRequests(() => signIn(clientOf(store)));
  assert.deepEqual(counts, { discovery: 0, jwks: 0, did: 0 });

  const clock = { t: 0 };
  const small = new MemoryStore({ clock: () => clock.t });
  assert.equal(await small.getDocument('k'), null);
  await small.putDocument('k', 'record', 1.5);
  assert.equal(await small.getDocument('k'), 'record');
  clock.t = 1999;
  assert.equal(await small.getDocument('k'), 'record');
  clock.t = 2000;
  assert.equal(await small.getDocument('k'), null, 'expired at ceil(ttl)');
  for (let i = 0; i < 100; i++) await small.putDocument(`k${i}`, 'r', 60);
  assert.equal(await small.getDocument('k0'), null, 'the oldest went first');
  assert.equal(await small.getDocument('k99'), 'r');
});

test('arguments: cacheDocuments needs a store that can hold documents; the stores check theirs', async () => {
  const sessionsOnly = { remember: async () => true, recordSignOut: async () => true, signedOutAt: async () => null };
  const refusal = (fn) => {
    try {
      fn();
    } catch (error) {
      assert.ok(error instanceof TokenError, error.message);
      return [error.code, error.option];
    }
    assert.fail('accepted');
  };
  assert.deepEqual(refusal(() => clientOf(sessionsOnly)), ['ERR_INVALID_ARGUMENT', 'cacheDocuments']);
  assert.deepEqual(refusal(() => clientOf(new MemoryStore(), { cacheDocuments: 'yes' })), ['ERR_INVALID_ARGUMENT', 'cacheDocuments']);
  clientOf(sessionsOnly, { cacheDocuments: false }); // fine: the store is for sessions only
  // An own property only: a polluted prototype turns nothing on.
  Object.prototype.cacheDocuments = true;
  try {
    OneLoginClient.create({ environment: op.environment, clientId: op.clientId, store: sessionsOnly }).dispose();
  } finally {
    delete Object.prototype.cacheDocuments;
  }
  for (const store of [new MemoryStore(), new RedisStore(await nodeRedis())]) {
    await assert.rejects(store.getDocument(''), { code: 'ERR_INVALID_ARGUMENT', option: 'key' });
    await assert.rejects(store.getDocument('x'.repeat(16 * 1024 + 1)), { code: 'ERR_INVALID_ARGUMENT', option: 'key' });
    await assert.rejects(store.putDocument('k', 42, 60), { code: 'ERR_INVALID_ARGUMENT', option: 'record' });
    await assert.rejects(store.putDocument('k', 'r', 0), { code: 'ERR_INVALID_ARGUMENT', option: 'ttlSeconds' });
  }
});

test('measured: a cold client\'s first sign-in with and without a warm store', async (t) => {
  const connection = await nodeRedis();
  const warmStore = new RedisStore(connection, { prefix: 'measure:' });
  await signIn(clientOf(warmStore));
  const rounds = 21;
  const runs = { cold: { load: [], signIn: [] }, warm: { load: [], signIn: [] } };
  const counts = {};
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  // Interleaved, so the machine's load falls on both alike.
  for (let i = 0; i < rounds; i++) {
    for (const [name, makeClient] of [['cold', () => clientOf(new MemoryStore())], ['warm', () => clientOf(warmStore)]]) {
      // The three documents alone (what a cold start pays before its first verification)...
      const loader = makeClient();
      let started = performance.now();
      await Promise.all([loader.discovery(), loader.hydrate()]);
      runs[name].load.push(performance.now() - started);
      // ...and a whole first sign-in with a core identity.
      const client = makeClient();
      started = performance.now();
      ({ counts: counts[name] } = await documentRequests(() => signIn(client)));
      runs[name].signIn.push(performance.now() - started);
    }
  }
  assert.deepEqual(counts.cold, { discovery: 1, jwks: 1, did: 1 });
  assert.deepEqual(counts.warm, { discovery: 0, jwks: 0, did: 0 });
  // The same document loads with 50 ms added before each document request (a stand-in for a
  // round trip to One Login from a cloud region; the kit itself answers in about a millisecond).
  const remote = { cold: [], warm: [] };
  const slowRequests = { cold: 0, warm: 0 };
  for (let i = 0; i < 11; i++) {
    for (const [name, store] of [['cold', new MemoryStore()], ['warm', warmStore]]) {
      const slowFetch = async (url, init) => {
        slowRequests[name] += 1;
        await new Promise((resolve) => setTimeout(resolve, 50));
        return fetch(url, init);
      };
      const loader = clientOf(store, { fetch: slowFetch });
      const started = performance.now();
      await Promise.all([loader.discovery(), loader.hydrate()]);
      remote[name].push(performance.now() - started);
    }
  }
  assert.deepEqual(slowRequests, { cold: 33, warm: 0 });
  const ms = (values) => `${median(values).toFixed(2)} ms`;
  t.diagnostic(`with 50 ms per document request: documents ${ms(remote.cold)} without a store, ${ms(remote.warm)} with a warm one`);
  t.diagnostic(
    `cold client, medians of ${rounds}: without a store ${JSON.stringify(counts.cold)} documents ${ms(runs.cold.load)}, first sign-in ${ms(runs.cold.signIn)}; ` +
      `warm Redis store ${JSON.stringify(counts.warm)} documents ${ms(runs.warm.load)}, first sign-in ${ms(runs.warm.signIn)} (the kit on 127.0.0.1: no network latency)`,
  );
});

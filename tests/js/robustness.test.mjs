// No panic, trap or stray error type crosses the boundary: random values of every JS type go
// to every export of the package (functions, constructors, static and instance methods,
// getters, on live, freed and foreign instances), and each call must return or throw a
// TokenError. Afterwards the module must still work. A Rust panic would surface as
// `RuntimeError: unreachable`, a corrupted heap as `memory access out of bounds`, a null
// pointer as a plain `Error`: all fail here.
//
// Out of scope, by the language rather than by choice: calling a class constructor without
// `new` (a TypeError from the engine), a TokenError message that cannot become a string (as
// with Error), and an exception thrown by the caller's own getter or
// Proxy trap, which is passed through unchanged (checked below: it is the caller's value).
//
// ROBUST_SEED / ROBUST_ITERATIONS reproduce or lengthen a run.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as pkg from 'govuk-one-login-tokens';
import { makeKey, jwksOf, signJwt, verifyOpts, prng, ISSUER, AUDIENCE } from './fixtures.mjs';

const { KeySet, DidDocument, SigningKey, TokenError, OneLoginClient } = pkg;
const SEED = Number(process.env.ROBUST_SEED ?? 0xb0a7);
const ITERATIONS = Number(process.env.ROBUST_ITERATIONS ?? 400);


let es;
let rs;
let goodJwks;
let goodToken;
let privatePem;
before(async () => {
  es = await makeKey('ES256', { kid: 'es' });
  rs = await makeKey('RS256', { kid: 'rs' });
  goodJwks = jwksOf(es, rs);
  goodToken = await signJwt(es);
  privatePem = rs.privateKey.export({ type: 'pkcs8', format: 'pem' });
});

// Names the options objects are made of, so random values reach the real option readers.
const OPTION_NAMES = [
  'jwks', 'didDocument', 'privateKey', 'issuer', 'audience', 'now', 'clockTolerance', 'algorithms', 'maxTokenSize',
  'requireKid', 'environment', 'clientId', 'nonce', 'vtr', 'maxAge', 'accessToken', 'sub', 'alg', 'lifetime', 'jti',
  'kid', 'redirectUri', 'scope', 'state', 'codeChallenge', 'claims', 'uiLocales', 'prompt', 'authorizeUrl', 'baseUrl',
  'fetch', 'userAgent', 'timeoutMs', 'cooldownMs', 'jwksUri', 'didUri', 'identityIssuer', 'clock', 'keys', 'kty',
];

const THROWN = Symbol('caller-thrown');
const deep = (n, leaf) => { let v = leaf; for (let i = 0; i < n; i++) v = { a: v }; return v; };
const deepArray = (n) => { let v = []; for (let i = 0; i < n; i++) v = [v]; return v; };
const HUGE = 'A'.repeat(10 * 1024 * 1024);

function randomString(r) {
  switch (r.int(9)) {
    case 0: return '';
    case 1: return String.fromCharCode(...Array.from({ length: r.int(40) }, () => r.int(128)));
    case 2: return String.fromCharCode(...Array.from({ length: r.int(40) }, () => r.int(0x10000))); // lone surrogates included
    case 3: return '\ud800' + 'x'.repeat(r.int(5)) + '\udfff';
    case 4: return Array.from({ length: 3 }, () => Buffer.from(randomBytes(r, r.int(60))).toString('base64url')).join('.');
    case 5: return goodToken.slice(0, r.int(goodToken.length)) + randomString(r).slice(0, 3);
    case 6: return r.pick(['ES256', 'RS256', 'none', 'integration', 'production', ISSUER, AUDIENCE, '{}', '[]', '{"keys":[]}', 'null', '-----BEGIN PRIVATE KEY-----\nAA==\n-----END PRIVATE KEY-----']);
    case 7: return r.chance(0.1) ? HUGE : 'x'.repeat(r.int(200_000));
    default: return JSON.stringify(randomJson(r, 3));
  }
}

function randomBytes(r, n) {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = r.int(256);
  return b;
}

function randomJson(r, depth) {
  switch (depth <= 0 ? r.int(4) : r.int(6)) {
    case 0: return r.int(1e6) - 5e5;
    case 1: return randomString({ ...r, int: (n) => Math.min(r.int(n), 20) }).slice(0, 20);
    case 2: return r.chance(0.5);
    case 3: return null;
    case 4: return Array.from({ length: r.int(4) }, () => randomJson(r, depth - 1));
    default: return Object.fromEntries(Array.from({ length: r.int(5) }, () => [r.pick(OPTION_NAMES), randomJson(r, depth - 1)]));
  }
}

function randomValue(r, depth = 2) {
  switch (r.int(22)) {
    case 0: return undefined;
    case 1: return null;
    case 2: return r.pick([0, -0, 1, -1, 1.5, NaN, Infinity, -Infinity, 2 ** 53, -(2 ** 31), 4294967296, 1e308]);
    case 3: return BigInt(r.int(1000)) ** 5n;
    case 4: return r.chance(0.5);
    case 5: return Symbol('s');
    case 6: case 7: case 8: return randomString(r);
    case 9: return randomBytes(r, r.int(100));
    case 10: return r.pick([new ArrayBuffer(8), new Uint16Array(3), new DataView(new ArrayBuffer(2)), Buffer.from('abc')]);
    case 11: return Array.from({ length: r.int(4) }, () => randomValue(r, depth - 1));
    case 12: return deep(r.pick([10, 1000, 10_000]), r.chance(0.5) ? 'x' : 1);
    case 13: return deepArray(r.pick([40, 10_000, 100_000]));
    case 14: return { length: r.pick([-1, 2 ** 32, 1e9, NaN]), 0: 'a' }; // what broke the string copier
    case 15: return () => {};
    case 16: return new Date(r.int(2e12));
    case 17: return r.pick([{ keys: [] }, { keys: [es.jwk] }, goodJwks, { keys: [{ ...es.jwk, d: 'AAAA' }] }, { keys: 'x' }]);
    case 18: return r.chance(0.5) ? privatePem : { kty: 'RSA', n: 'AQAB', e: 'AQAB', d: 'AQAB' };
    case 19: return r.pick([new KeySet(goodJwks), freedKeySet(), Object.create(KeySet.prototype)]);
    case 20: {
      const o = {};
      o.self = o; // cyclic: JSON.stringify throws
      return o;
    }
    default:
      return depth <= 0
        ? {}
        : Object.fromEntries(Array.from({ length: r.int(6) }, () => [r.pick(OPTION_NAMES), randomValue(r, depth - 1)]));
  }
}

function freedKeySet() {
  const k = new KeySet(goodJwks);
  k.free();
  return k;
}

const counts = new Map();
const failures = [];
const inc = (k) => counts.set(k, (counts.get(k) ?? 0) + 1);

function describe(v) {
  if (typeof v === 'string') return `string(${v.length}) ${JSON.stringify(v.slice(0, 40))}`;
  if (typeof v === 'bigint' || typeof v === 'symbol') return String(v);
  try { return `${Object.prototype.toString.call(v)} ${JSON.stringify(v)?.slice(0, 60)}`; } catch { return Object.prototype.toString.call(v); }
}

/** Run `fn`; it must return, or throw a TokenError (or the caller's own THROWN value). */
function check(name, fn, args) {
  let result;
  try {
    result = fn();
  } catch (e) {
    if (e === THROWN) return inc(`${name}: caller's exception passed through`);
    if (e instanceof TokenError && e.code === 'ERR_INVALID_ARGUMENT' && typeof e.option !== 'string') {
      failures.push(`${name}(${args.map(describe).join(', ')}) threw ERR_INVALID_ARGUMENT without an option: ${e.message}`);
      return undefined;
    }
    if (e instanceof TokenError && typeof e.code === 'string' && e.code.startsWith('ERR_')) return inc(`${name}: TokenError`);
    failures.push(`${name}(${args.map(describe).join(', ')}) threw ${e?.constructor?.name}: ${e?.message}`);
    return undefined;
  }
  inc(`${name}: returned`);
  return result;
}

async function checkAsync(name, fn, args) {
  const p = check(name, fn, args);
  if (!(p instanceof Promise)) return;
  try {
    await p;
  } catch (e) {
    if (e === THROWN || (e instanceof TokenError && e.code?.startsWith('ERR_'))) return;
    failures.push(`${name}(${args.map(describe).join(', ')}) rejected with ${e?.constructor?.name}: ${e?.message}`);
  }
}

/** A sanity check that the module still works: a known-good verification and PKCE. */
function stillWorks() {
  const payload = pkg.verifyJwt(goodToken, { jwks: goodJwks, ...verifyOpts() });
  assert.equal(payload.iss, ISSUER);
  const { codeVerifier, codeChallenge } = pkg.createPkce();
  assert.equal(pkg.pkceChallenge(codeVerifier), codeChallenge);
}

const fakeFetch = async () =>
  new Response(JSON.stringify(goodJwks), { status: 200, headers: { 'content-type': 'application/json' } });

test(`every export, ${ITERATIONS} rounds of random arguments (seed ${SEED})`, { timeout: 300_000 }, async () => {
  const r = prng(SEED);
  const functions = Object.entries(pkg).filter(([name, v]) => typeof v === 'function' && !/^[A-Z]/.test(name));
  const classes = { KeySet, DidDocument, SigningKey };
  assert.ok(functions.length >= 20, `found ${functions.length} functions`);
  const client = OneLoginClient.create({ environment: 'integration', clientId: AUDIENCE, fetch: fakeFetch });
  const clientMethods = Object.getOwnPropertyNames(OneLoginClient.prototype).filter((n) => n !== 'constructor' && n !== 'dispose');

  for (let i = 0; i < ITERATIONS; i++) {
    const args = () => Array.from({ length: r.int(4) }, () => randomValue(r));
    for (const [name, fn] of functions) {
      const a = args();
      // `ready` (the default export) and the async verifiers return a Promise: await it.
      if (name === 'default' || name.endsWith('Async')) {
        await checkAsync(name, () => fn(...a), a);
        continue;
      }
      check(name, () => fn(...a), a);
    }
    // A throwing getter in an options object: its exception must come out unchanged.
    check('verifyJwt(throwing getter)', () => pkg.verifyJwt(goodToken, { jwks: goodJwks, get issuer() { throw THROWN; } }), []);

    for (const [name, Class] of Object.entries(classes)) {
      const a = args();
      const instance = check(`new ${name}`, () => new Class(...a), a);
      const live = name === 'KeySet' ? new KeySet(goodJwks) : name === 'SigningKey' ? new SigningKey(privatePem) : instance;
      const freed = name === 'KeySet' ? freedKeySet() : undefined;
      const proto = Class.prototype;
      for (const key of Reflect.ownKeys(proto)) {
        if (key === 'constructor' || key === '__destroy_into_raw') continue;
        const desc = Object.getOwnPropertyDescriptor(proto, key);
        const call = (self) => (desc.get ? desc.get.call(self) : desc.value.call(self, ...args()));
        const label = `${name}.${String(key)}`;
        if (desc.get || key !== 'free') {
          if (live instanceof Class) check(label, () => call(live), []);
          if (freed) check(`${label} (freed)`, () => call(freed), []);
        }
        const foreign = randomValue(r);
        check(`${label} (this = random)`, () => call(foreign), [foreign]);
      }
      if (live instanceof Class) {
        check(`${name}.free`, () => live.free(), []);
        check(`${name}.free (twice)`, () => live.free(), []);
      }
      if (instance instanceof Class && instance !== live) instance.free();
    }

    // Like Error's, TokenError's constructor turns the message into a string (a Symbol or a
    // 100,000-deep array cannot be), so code and message are strings here; options are random.
    const options = randomValue(r);
    check('new TokenError', () => new TokenError(randomString(r), randomString(r), options), [options]);
    const ca = args();
    check('OneLoginClient.create', () => OneLoginClient.create(...ca)?.dispose(), ca);
    for (const m of clientMethods) {
      const a = args();
      const desc = Object.getOwnPropertyDescriptor(OneLoginClient.prototype, m);
      if (desc.get) check(`OneLoginClient#${m}`, () => client[m], []);
      else await checkAsync(`OneLoginClient#${m}`, () => client[m](...a), a);
    }
    if (i % 50 === 0) stillWorks();
  }
  client.dispose();
  stillWorks();
  const rows = [...counts].sort(([a], [b]) => a.localeCompare(b));
  console.log(`robustness (seed ${SEED}, ${ITERATIONS} rounds): ${rows.reduce((n, [, c]) => n + c, 0)} calls\n${rows.map(([k, n]) => `  ${String(n).padStart(6)}  ${k}`).join('\n')}`);
  assert.deepEqual(failures.slice(0, 10), [], `${failures.length} calls threw something other than a TokenError`);
});

test('a non-string token never reaches the glue\'s string copier (the memory-corruption bug)', async () => {
  // The raw glue too, not only the wrapper: the check lives in Rust (`token_arg` in src/bindings/mod.rs).
  const { createRequire } = await import('node:module');
  const dir = createRequire(import.meta.url).resolve('govuk-one-login-tokens/package.json').replace(/package\.json$/, '');
  const glue = await import(new URL(`file://${dir}wasm/govuk_one_login_tokens.js`).href);
  const bad = [{ length: -1 }, { length: 2 ** 32 }, { length: 1e9, 0: 'a' }, 5, null, undefined, Symbol('t'), [1, 2], new Uint8Array(4), 10n];
  const keys = new KeySet(goodJwks);
  try {
    for (const token of bad) {
      for (const fn of [
        () => pkg.decodeJwt(token),
        () => pkg.verifyJwt(token, { jwks: keys, ...verifyOpts() }),
        () => pkg.verifyJwtWithKeySet(token, keys, verifyOpts()),
        () => pkg.verifyIdTokenWithKeySet(token, keys, { issuer: ISSUER, clientId: AUDIENCE, nonce: null }),
        () => pkg.verifyLogoutTokenWithKeySet(token, keys, { issuer: ISSUER, clientId: AUDIENCE }),
        () => pkg.pkceChallenge(token),
        () => pkg.pkceMatches(token, token),
        () => glue.decodeJwt(token),
        () => glue.verifyJwtWithKeySet(token, keys, verifyOpts()),
        () => glue.pkceChallenge(token),
      ]) {
        assert.throws(fn, (e) => e instanceof TokenError && e.code === 'ERR_INVALID_ARGUMENT', describe(token));
      }
    }
    stillWorks();
  } finally {
    keys.free();
  }
});

test('a 10 MB token is refused by the size cap without growing wasm memory', async () => {
  const { createRequire } = await import('node:module');
  const dir = createRequire(import.meta.url).resolve('govuk-one-login-tokens/package.json').replace(/package\.json$/, '');
  const glue = await import(new URL(`file://${dir}wasm/govuk_one_login_tokens.js`).href);
  const { memory } = glue.initSync(); // already loaded: returns the instance's exports
  const before = memory.buffer.byteLength;
  const token = `${'A'.repeat(5 * 1024 * 1024)}.${'B'.repeat(5 * 1024 * 1024)}.C`;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    assert.throws(() => pkg.decodeJwt(token), (e) => e.code === 'ERR_JWS_INVALID');
    assert.throws(() => pkg.verifyJwt(token, { jwks: goodJwks, ...verifyOpts() }), (e) => e.code === 'ERR_JWS_INVALID');
    assert.ok(performance.now() - t0 < 200, 'refused in well under a second');
  }
  assert.equal(memory.buffer.byteLength, before, 'wasm memory did not grow');
});

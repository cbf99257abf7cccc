// Memory soak: many mixed operations in one Node process, sampling the wasm linear memory and
// the JS heap. `make soak` runs 1,000,000 operations; `make test` runs 50,000
// (tests/js/soak.test.mjs). Exits non-zero on growth:
//
//   - wasm memory: must not grow at all after warm-up. Linear memory only ever grows (by 64 KiB
//     pages) and the operation mix repeats, so once the allocator has seen every shape of
//     request, any further page is memory that was never given back: a leak in Rust or a
//     handle the glue never freed.
//   - JS heap (`heapUsed` after a full `gc()`): at most 2 MB above the post-warm-up sample.
//     A full GC leaves a few hundred KB of noise (inline caches, compiled code); a leak of one
//     small object (≥ 40 bytes) per operation would exceed 2 MB within 50,000 operations, and
//     a leaked error object (message, stack, ~1 KB) within a few thousand.
//
// It also checks that a KeySet that is never freed is reclaimed through wasm-bindgen's
// FinalizationRegistry: rounds of dropped KeySets must stop growing wasm memory once the
// registry frees the earlier rounds.
//
// Then two more soaks, each N operations as well (--flow-ops N to choose another N), with the same two limits after their own
// warm-up:
//   - OneLoginClient: N ID-token verifications (async verifyIdToken, one in ten refused) with
//     keys fetched from a JWKS server on 127.0.0.1 whose key rotates every N/10 verifications:
//     each rotation is an unknown kid, one refetch, a new KeySet and the old one freed.
//   - MemoryStore: N logout-token jtis remembered with an injected clock that moves 20 ms
//     per jti, so entries expire (180 s time to live: about 9,000 live at once, under the
//     10,000 bound); every 10th jti is replayed and must be refused.
//
// Usage: node --expose-gc tests/support/soak.mjs [--ops N] (after scripts/pack.sh tests)
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { setImmediate as tick } from 'node:timers/promises';
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';

if (typeof global.gc !== 'function') {
  console.error('soak: run with node --expose-gc');
  process.exit(2);
}
const { values } = parseArgs({ options: { ops: { type: 'string', default: '1000000' }, 'flow-ops': { type: 'string' } } });
const OPS = Number(values.ops);
// The OneLoginClient and store soaks (default: as many as --ops).
const FLOW_OPS = Number(values['flow-ops'] ?? values.ops);
const SAMPLES = 20;
const WARMUP = Math.max(10_000, Math.floor(OPS / 10));
const HEAP_LIMIT = 2 * 1024 * 1024;

// The package exactly as installed for the tests (scripts/pack.sh tests), and the very glue
// module it loaded, for the wasm memory.
const testsDir = new URL('../', import.meta.url);
const require = createRequire(testsDir);
const pkgDir = require.resolve('govuk-one-login-tokens/package.json').replace(/package\.json$/, '');
const pkg = await import(pathToFileURL(`${pkgDir}node.mjs`).href);
const glue = await import(pathToFileURL(`${pkgDir}wasm/govuk_one_login_tokens.js`).href);
await pkg.ready(); // Node loads the module on first use; make that now
const wasmMemory = glue.initSync().memory; // already loaded: returns the instance's exports
const fixtures = await import(new URL('js/fixtures.mjs', testsDir).href);
const onelogin = await import(new URL('js/onelogin-fixtures.mjs', testsDir).href);

const { KeySet, DidDocument, SigningKey, TokenError } = pkg;
const { jwksOf, claims, signJwt, signRaw, verifyOpts, NOW, ISSUER } = fixtures;
const { DID_ID } = onelogin;

// Keys made here rather than by the test fixtures: Node 20 can deadlock when a garbage
// collection during a JWK export finalizes the key-generation job that made that very key
// (both take the key's mutex; seen once, as a hung soak). Collecting between generation and
// export, which only this --expose-gc process can do, rules that out.
function freshKey(alg, kid) {
  const pair = alg === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('rsa', { modulusLength: 2048 });
  global.gc();
  return { alg, kid, ...pair, jwk: { ...pair.publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig' } };
}
const es = freshKey('ES256', 'es');
const rs = freshKey('RS256', 'rs');
const other = freshKey('ES256', 'es');
const identity = freshKey('ES256', `${DID_ID}#identity`);
const jwks = jwksOf(es, rs);
const jwksText = JSON.stringify(jwks);
const { kid: _kid, use: _use, ...identityJwk } = identity.jwk;
const didText = JSON.stringify({
  '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/jwk/v1'],
  id: DID_ID,
  assertionMethod: [{ id: identity.kid, type: 'JsonWebKey', controller: DID_ID, publicKeyJwk: identityJwk }],
});
const pem = rs.privateKey.export({ type: 'pkcs8', format: 'pem' });
const keys = new KeySet(jwks);

const good = { es: await signJwt(es), rs: await signJwt(rs) };
// One token per kind of failure the verifier reports.
const bad = {
  expired: await signJwt(es, claims({ exp: NOW - 3600 })),
  notYet: await signJwt(rs, claims({ nbf: NOW + 3600 })),
  audience: await signJwt(es, claims({ aud: 'someone-else' })),
  issuer: await signJwt(rs, claims({ iss: `${ISSUER}x` })),
  claimType: await signJwt(es, claims({ exp: 'tomorrow' })),
  signature: await signJwt(other),
  algNone: signRaw(es, { alg: 'none', kid: 'es' }, claims()),
  unknownKid: signRaw(es, { alg: 'ES256', kid: 'nope' }, claims()),
  duplicate: signRaw(es, '{"alg":"ES256","alg":"ES256","kid":"es"}', claims()),
  crit: signRaw(es, { alg: 'ES256', kid: 'es', crit: ['urn:x'], 'urn:x': 1 }, claims()),
  segments: 'a.b',
  base64: `${good.es}=`,
  oversize: `${good.es}${'A'.repeat(70_000)}`,
  notString: 42,
};
const badNames = Object.keys(bad);

let failures = 0;
const expectError = (fn) => {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof TokenError)) throw e;
    failures++;
    return e;
  }
  throw new Error('expected a TokenError');
};

// The mix: weights roughly as a service sees them (mostly verification), but every kind of
// operation and failure appears every few hundred operations.
const OPERATIONS = [
  [20, 'verify ES256 (KeySet reused)', () => pkg.verifyJwt(good.es, { jwks: keys, ...verifyOpts() })],
  [10, 'verify RS256 (KeySet reused)', () => pkg.verifyJwt(good.rs, { jwks: keys, ...verifyOpts() })],
  [4, 'verify with a JWKS object per call', () => pkg.verifyJwt(good.es, { jwks, ...verifyOpts() })],
  [2, 'verify with JWKS text per call', () => pkg.verifyJwt(good.rs, { jwks: jwksText, ...verifyOpts() })],
  [20, 'verify failures (each kind in turn)', (i) => expectError(() => pkg.verifyJwt(bad[badNames[i % badNames.length]], { jwks: keys, ...verifyOpts() }))],
  [10, 'decodeJwt', () => pkg.decodeJwt(good.rs)],
  [4, 'decodeJwt failure', () => expectError(() => pkg.decodeJwt('not.a.token'))],
  [5, 'KeySet create + free', () => new KeySet(jwks).free()],
  [1, 'KeySet refused (error object)', () => expectError(() => new KeySet('{"keys":1}'))],
  [2, 'DidDocument create + free', () => new DidDocument(didText).free()],
  [1, 'SigningKey create + free', () => new SigningKey(pem).free()],
  [5, 'createPkce + pkceMatches', () => { const p = pkg.createPkce(); if (!pkg.pkceMatches(p.codeVerifier, p.codeChallenge)) throw new Error('pkce'); }],
  [2, 'randomState / randomNonce', () => pkg.randomState() + pkg.randomNonce()],
  [2, 'freed KeySet refused', () => { const k = new KeySet(jwks); k.free(); expectError(() => k.size); }],
];
const schedule = OPERATIONS.flatMap(([weight, , fn]) => Array(weight).fill(fn));
const counts = OPERATIONS.map(() => 0);
const scheduleIndex = OPERATIONS.flatMap(([weight], k) => Array(weight).fill(k));

const MB = (n) => `${(n / 1024 / 1024).toFixed(2)} MB`;
function sample() {
  global.gc();
  global.gc();
  return { wasm: wasmMemory.buffer.byteLength, heap: process.memoryUsage().heapUsed, rss: process.memoryUsage().rss };
}

const t0 = performance.now();
let baseline;
const rows = [];
for (let i = 0; i < OPS; i++) {
  const slot = i % schedule.length;
  schedule[slot](i);
  counts[scheduleIndex[slot]]++;
  if (i + 1 === WARMUP) {
    baseline = sample();
    rows.push({ ops: i + 1, ...baseline });
  } else if (i + 1 > WARMUP && ((i + 1 - WARMUP) % Math.ceil((OPS - WARMUP) / SAMPLES) === 0 || i + 1 === OPS)) {
    rows.push({ ops: i + 1, ...sample() });
    // Let FinalizationRegistry callbacks and other queued work run, as a server's event loop would.
    await tick();
  }
}
const seconds = (performance.now() - t0) / 1000;
keys.free();

console.log(`soak: ${OPS.toLocaleString('en')} operations in ${seconds.toFixed(1)} s (${Math.round(OPS / seconds).toLocaleString('en')} ops/s), ${failures.toLocaleString('en')} of them refusals (TokenError); warm-up ${WARMUP.toLocaleString('en')}`);
for (const [k, [, name]] of OPERATIONS.entries()) console.log(`  ${String(counts[k]).padStart(9)}  ${name}`);
console.log('       ops   wasm memory   JS heap (after gc)   RSS');
for (const r of rows) console.log(`${String(r.ops).padStart(10)}   ${MB(r.wasm).padStart(11)}   ${MB(r.heap).padStart(18)}   ${MB(r.rss).padStart(9)}`);
const last = rows.at(-1);
const heapGrowth = last.heap - baseline.heap;
const wasmGrowth = last.wasm - baseline.wasm;
console.log(`after warm-up: wasm memory ${wasmGrowth >= 0 ? '+' : ''}${wasmGrowth} bytes, JS heap ${heapGrowth >= 0 ? '+' : ''}${(heapGrowth / 1024).toFixed(0)} KB (limit ${MB(HEAP_LIMIT)})`);

// KeySets that are dropped without free(): wasm-bindgen registers every instance with a
// FinalizationRegistry, so once the JS objects are collected their Rust halves are freed.
// Round 1 grows memory; later rounds must fit in what the registry gave back.
const ROUND = 2000;
const roundSizes = [];
for (let round = 0; round < 6; round++) {
  for (let i = 0; i < ROUND; i++) new KeySet(jwks); // eslint-disable-line no-new
  for (let k = 0; k < 5; k++) {
    global.gc();
    await tick();
  }
  roundSizes.push(wasmMemory.buffer.byteLength);
}
console.log(`forgotten KeySets (${ROUND} per round, never freed): wasm memory after each round ${roundSizes.map(MB).join(', ')}`);
const forgottenGrowth = roundSizes.at(-1) - roundSizes[1];

// --- OneLoginClient: verifications with the key rotating on a local JWKS server -----------------
const { OneLoginClient, MemoryStore } = pkg;
const ol = onelogin;
const ROTATE_EVERY = Math.max(1, Math.floor(FLOW_OPS / 10));
let current;
let jwksBody;
let jwksFetches = 0;
function rotate(n) {
  current = freshKey('ES256', `rotating-${n}`);
  // One Login-shaped: the ID token claims of the fixtures, signed by the current key.
  current.good = ol.idToken(current);
  current.refused = ol.idToken(current, { nonce: 'another-nonce' });
  jwksBody = JSON.stringify({ keys: [current.jwk] });
}
rotate(0);
const server = createServer((req, res) => {
  jwksFetches++;
  res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=86400' });
  res.end(jwksBody);
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const client = OneLoginClient.create({
  environment: { issuer: ol.ISSUER, jwksUrl: `http://127.0.0.1:${server.address().port}/jwks` },
  clientId: ol.CLIENT_ID,
  cooldownMs: 0,
});
const idOptions = { nonce: ol.NONCE, accessToken: ol.ACCESS_TOKEN, now: ol.NOW };
let clientRefusals = 0;
let clientBaseline;
const clientRows = [];
const c0 = performance.now();
for (let i = 0; i < FLOW_OPS; i++) {
  if (i > 0 && i % ROTATE_EVERY === 0) rotate(i / ROTATE_EVERY);
  if (i % 10 === 9) {
    try {
      await client.verifyIdToken(current.refused, idOptions);
      throw new Error('soak: a token with another nonce was accepted');
    } catch (e) {
      if (!(e instanceof TokenError) || e.code !== 'ERR_JWT_CLAIM_VALIDATION_FAILED') throw e;
      clientRefusals++;
    }
  } else {
    const verified = await client.verifyIdToken(current.good, idOptions);
    if (verified.sub !== ol.SUB) throw new Error('soak: unexpected sub');
  }
  if (i + 1 === ROTATE_EVERY) {
    clientBaseline = sample();
    clientRows.push({ ops: i + 1, ...clientBaseline });
  } else if (i + 1 > ROTATE_EVERY && ((i + 1) % Math.ceil(FLOW_OPS / SAMPLES) === 0 || i + 1 === FLOW_OPS)) {
    clientRows.push({ ops: i + 1, ...sample() });
  }
}
const clientSeconds = (performance.now() - c0) / 1000;
client.dispose();
await new Promise((resolve) => server.close(resolve));
console.log(`OneLoginClient: ${FLOW_OPS.toLocaleString('en')} ID-token verifications in ${clientSeconds.toFixed(1)} s (${Math.round(FLOW_OPS / clientSeconds).toLocaleString('en')}/s), ${clientRefusals.toLocaleString('en')} refused; key rotated every ${ROTATE_EVERY.toLocaleString('en')} (${Math.floor((FLOW_OPS - 1) / ROTATE_EVERY)} rotations, ${jwksFetches} JWKS fetches)`);
console.log('       ops   wasm memory   JS heap (after gc)   RSS');
for (const r of clientRows) console.log(`${String(r.ops).padStart(10)}   ${MB(r.wasm).padStart(11)}   ${MB(r.heap).padStart(18)}   ${MB(r.rss).padStart(9)}`);
const clientWasmGrowth = clientRows.at(-1).wasm - clientBaseline.wasm;
const clientHeapGrowth = clientRows.at(-1).heap - clientBaseline.heap;
console.log(`after warm-up: wasm memory ${clientWasmGrowth >= 0 ? '+' : ''}${clientWasmGrowth} bytes, JS heap ${clientHeapGrowth >= 0 ? '+' : ''}${(clientHeapGrowth / 1024).toFixed(0)} KB`);

// --- MemoryStore: a million jtis expiring under an injected clock ----------------------
let fakeNow = 0;
const store = new MemoryStore({ maxEntries: 10_000, clock: () => fakeNow });
const STORE_WARMUP = Math.max(Math.min(20_000, Math.floor(FLOW_OPS / 2)), Math.floor(FLOW_OPS / 10));
let replaysRefused = 0;
let storeBaseline;
let maxSize = 0;
const storeRows = [];
const s0 = performance.now();
for (let i = 0; i < FLOW_OPS; i++) {
  fakeNow += 20;
  const jti = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
  if (!(await store.remember(jti, 180))) throw new Error(`soak: a fresh jti was refused (${i})`);
  if (i % 10 === 0) {
    if (await store.remember(jti, 180)) throw new Error(`soak: a replayed jti was accepted (${i})`);
    replaysRefused++;
  }
  maxSize = Math.max(maxSize, store.size);
  if (i + 1 === STORE_WARMUP) {
    storeBaseline = sample();
    storeRows.push({ ops: i + 1, size: store.size, ...storeBaseline });
  } else if (i + 1 > STORE_WARMUP && ((i + 1) % Math.ceil(FLOW_OPS / SAMPLES) === 0 || i + 1 === FLOW_OPS)) {
    storeRows.push({ ops: i + 1, size: store.size, ...sample() });
  }
}
const storeSeconds = (performance.now() - s0) / 1000;
console.log(`MemoryStore: ${FLOW_OPS.toLocaleString('en')} jtis in ${storeSeconds.toFixed(1)} s, ${replaysRefused.toLocaleString('en')} replays refused, at most ${maxSize.toLocaleString('en')} live (bound 10,000; 180 s at 20 ms per jti is 9,000)`);
console.log('      jtis     live   JS heap (after gc)   RSS');
for (const r of storeRows) console.log(`${String(r.ops).padStart(10)}   ${String(r.size).padStart(6)}   ${MB(r.heap).padStart(18)}   ${MB(r.rss).padStart(9)}`);
const storeHeapGrowth = storeRows.at(-1).heap - storeBaseline.heap;
console.log(`after warm-up: JS heap ${storeHeapGrowth >= 0 ? '+' : ''}${(storeHeapGrowth / 1024).toFixed(0)} KB`);

let ok = true;
if (clientWasmGrowth > 0) {
  console.error(`FAIL: OneLoginClient soak: wasm memory grew by ${clientWasmGrowth} bytes after warm-up`);
  ok = false;
}
if (clientHeapGrowth > HEAP_LIMIT) {
  console.error(`FAIL: OneLoginClient soak: JS heap grew by ${MB(clientHeapGrowth)} after warm-up (limit ${MB(HEAP_LIMIT)})`);
  ok = false;
}
if (storeHeapGrowth > HEAP_LIMIT) {
  console.error(`FAIL: replay store soak: JS heap grew by ${MB(storeHeapGrowth)} after warm-up (limit ${MB(HEAP_LIMIT)})`);
  ok = false;
}
if (maxSize > 9_100) {
  console.error(`FAIL: replay store: ${maxSize} live entries; expired ones are not dropped`);
  ok = false;
}
if (wasmGrowth > 0) {
  console.error(`FAIL: wasm memory grew by ${wasmGrowth} bytes after warm-up`);
  ok = false;
}
if (heapGrowth > HEAP_LIMIT) {
  console.error(`FAIL: JS heap grew by ${MB(heapGrowth)} after warm-up (limit ${MB(HEAP_LIMIT)})`);
  ok = false;
}
if (forgottenGrowth > 0) {
  console.error(`FAIL: forgotten KeySets are not reclaimed (wasm memory +${forgottenGrowth} bytes after round 2)`);
  ok = false;
}
console.log(ok ? 'soak: ok (wasm memory flat, JS heap flat, forgotten KeySets reclaimed, OneLoginClient through key rotations flat, replay store flat)' : 'soak: FAILED');
process.exit(ok ? 0 : 1);

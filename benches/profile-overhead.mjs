// Where a verification's microseconds go besides the signature arithmetic (issue 21's profile):
// `node benches/profile-overhead.mjs` after `bash scripts/build.sh`. Runs the package from pkg/
// (not packed) so it can swap the host verifier for one that answers "valid" at once, leaving
// only the library's own work: copying strings in, option reading, checks, the result out.
// Prints CPU µs per call for each variant, measured side by side in interleaved rounds.
import './../pkg/node-setup.js';
import * as ours from '../pkg/index.js';
import { setHostVerifier } from '../pkg/host-crypto.js';
import { nodeVerify } from '../pkg/node-crypto.js';
import { makeFixtures } from './fixtures.mjs';
import { ISSUER, CLIENT_ID, NONCE, median } from './lib.mjs';

// CPU time of this process (user + system), not wall time: the machine is shared, and a
// descheduled process's wall clock keeps running while its CPU clock does not.
const cpuUs = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};

/** Interleaved rounds (order rotated), median CPU µs per call of each row. */
function compare(rows, tokens, { rounds, roundMs }) {
  const samples = rows.map(() => []);
  let next = 0;
  for (const r of rows) for (let k = 0; k < 50; k++) r.fn(tokens[k % tokens.length]);
  for (let round = 0; round < rounds; round++) {
    for (let j = 0; j < rows.length; j++) {
      const i = (j + round) % rows.length;
      const fn = rows[i].fn;
      let calls = 0;
      const t0 = cpuUs();
      let spent = 0;
      while (spent < roundMs * 1000) {
        for (let k = 0; k < 20; k++) fn(tokens[next++ % tokens.length]);
        calls += 20;
        spent = cpuUs() - t0;
      }
      samples[i].push(spent / calls);
    }
  }
  return rows.map((r, i) => ({ name: r.name, us: median(samples[i]) }));
}

const fixtures = makeFixtures();
const now = fixtures.now;
const params = { rounds: Number(process.env.BENCH_ROUNDS ?? 5), roundMs: Number(process.env.BENCH_ROUND_MS ?? 150) };
const instant = () => true;

for (const f of fixtures.algs) {
  const keySet = new ours.KeySet(f.jwks);
  const opts = { jwks: keySet, issuer: ISSUER, clientId: CLIENT_ID, nonce: NONCE, now };
  const prepared = typeof ours.createIdTokenVerifier === 'function' ? ours.createIdTokenVerifier({ jwks: keySet, issuer: ISSUER, clientId: CLIENT_ID, now }) : undefined;
  const perCall = { nonce: NONCE };
  const withVerifier = (v, fn) => (t) => {
    setHostVerifier(v);
    try {
      return fn(t);
    } finally {
      setHostVerifier(nodeVerify);
    }
  };
  const rows = [
    { name: 'verifyIdToken (node crypto)', fn: (t) => ours.verifyIdToken(t, opts) },
    { name: 'verifyIdToken (instant signature)', fn: withVerifier(instant, (t) => ours.verifyIdToken(t, opts)) },
    { name: 'verifyIdTokenWithKeySet (instant signature)', fn: withVerifier(instant, (t) => ours.verifyIdTokenWithKeySet(t, keySet, opts)) },
    { name: 'decodeJwt', fn: (t) => ours.decodeJwt(t) },
    { name: 'JSON.parse(payload) alone', fn: (t) => JSON.parse(Buffer.from(t.split('.')[1], 'base64url').toString()) },
    { name: 'TextEncoder.encodeInto(token) alone', fn: (() => { const buf = new Uint8Array(8192); const enc = new TextEncoder(); return (t) => enc.encodeInto(t, buf).written; })() },
  ];
  if (prepared) {
    rows.push(
      { name: 'prepared verifier (node crypto)', fn: (t) => prepared(t, perCall) },
      { name: 'prepared verifier (instant signature)', fn: withVerifier(instant, (t) => prepared(t, perCall)) },
    );
  }
  const result = compare(rows, f.tokens, params);
  console.log(`\n${f.label}`);
  for (const r of result) console.log(`  ${r.name.padEnd(48)} ${r.us.toFixed(2).padStart(8)} µs`);
  keySet.free();
}

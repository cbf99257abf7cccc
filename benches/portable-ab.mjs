// A/B of the portable (browser-path) signature arithmetic between two builds of the package, in
// one Node process: `node benches/portable-ab.mjs A_DIR B_DIR`, where each DIR is an unpacked
// package (the directory holding wasm/govuk_one_login_tokens.js). Each build runs as its own
// wasm instance loaded with initSync, so Node's host crypto stays off, as in benches/verify.mjs.
//
// Every alg gets one key and TOKENS distinct tokens (distinct `jti`), so nothing can reuse a
// result; rounds interleave A and B and the report gives medians of µs per verification. After
// a warm-up pass (which also checks that both builds verify every token), each round verifies
// every token once with each build. Nothing here is a pass/fail test.
//
// Measured on 2026-12-03 (shared 2-core machine, Node 20; A = the `p256` and `rsa` crates as
// published, B = src/portable/; two runs): ES256 878.8 → 203.1 µs (x4.33) and 1294.6 → 308.8 µs
// (x4.19); RS256-2048 565.0 → 94.1 µs (x6.00) and 861.7 → 141.9 µs (x6.07); RS256-4096
// 2382.8 → 324.8 µs (x7.34) and 3508.1 → 475.7 µs (x7.37).
import { generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import path from 'node:path';

const [dirA, dirB] = process.argv.slice(2);
if (!dirA || !dirB) {
  console.error('usage: node benches/portable-ab.mjs A_DIR B_DIR');
  process.exit(2);
}
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 11);
const TOKENS = Number(process.env.BENCH_TOKENS ?? 200);

async function load(dir) {
  const glue = pathToFileURL(path.resolve(dir, 'wasm/govuk_one_login_tokens.js'));
  const module = await import(`${glue.href}?portable-ab`);
  module.initSync({ module: readFileSync(path.resolve(dir, 'wasm/govuk_one_login_tokens_bg.wasm')) });
  return module;
}

const b64url = (data) => Buffer.from(data).toString('base64url');
const now = Math.floor(Date.now() / 1000);
const issuer = 'https://oidc.integration.account.gov.uk/';
const audience = 'bench-client';

function fixture(alg, keyOptions) {
  const { privateKey, publicKey } = generateKeyPairSync(alg === 'ES256' ? 'ec' : 'rsa', keyOptions);
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid: `${alg}-key`, alg, use: 'sig' };
  const header = b64url(JSON.stringify({ alg, kid: jwk.kid }));
  const tokens = Array.from({ length: TOKENS }, (_, i) => {
    const payload = b64url(JSON.stringify({
      iss: issuer, aud: audience, sub: 'urn:fdc:gov.uk:2022:bench', iat: now, exp: now + 600, jti: `token-${i}`,
    }));
    const input = `${header}.${payload}`;
    const signature = alg === 'ES256'
      ? sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' })
      : sign('sha256', Buffer.from(input), privateKey);
    return `${input}.${b64url(signature)}`;
  });
  return { jwks: { keys: [jwk] }, tokens };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const builds = { A: await load(dirA), B: await load(dirB) };
const options = { issuer, audience, now };
const rows = [];
for (const [label, alg, keyOptions] of [
  ['ES256', 'ES256', { namedCurve: 'P-256' }],
  ['RS256-2048', 'RS256', { modulusLength: 2048 }],
  ['RS256-4096', 'RS256', { modulusLength: 4096 }],
]) {
  const f = fixture(alg, keyOptions);
  const keySets = Object.fromEntries(Object.entries(builds).map(([name, m]) => [name, new m.KeySet(f.jwks)]));
  for (const [name, m] of Object.entries(builds)) {
    for (const token of f.tokens) {
      const claims = m.verifyJwtWithKeySet(token, keySets[name], options);
      if (claims.iss !== issuer) throw new Error(`${name} ${label}: unexpected claims`);
    }
  }
  const samples = { A: [], B: [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, m] of Object.entries(builds)) {
      const start = performance.now();
      for (const token of f.tokens) m.verifyJwtWithKeySet(token, keySets[name], options);
      samples[name].push(((performance.now() - start) * 1000) / f.tokens.length);
    }
  }
  for (const keySet of Object.values(keySets)) keySet.free();
  const [a, b] = [median(samples.A), median(samples.B)];
  rows.push({ label, a, b });
  console.log(`${label.padEnd(11)} A ${a.toFixed(1).padStart(8)} µs  B ${b.toFixed(1).padStart(8)} µs  A/B x${(a / b).toFixed(2)}`);
}
console.log(`${ROUNDS} interleaved rounds of ${TOKENS} distinct tokens per alg; medians; Node ${process.version}.`);

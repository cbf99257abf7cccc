// `make bench`: this package against jose, measured side by side in one process.
//
// The machines this runs on are noisy, so every contender runs in interleaved rounds and
// the report gives medians per round and ratios against jose from the same run. Nothing
// here is a pass/fail test; it prints numbers for people to read.
import { generateKeyPairSync } from 'node:crypto';
import * as jose from 'jose';
import { readFileSync } from 'node:fs';
import { KeySet, verifyJwt, decodeJwt } from 'govuk-one-login-tokens';

// A second, separate instance of the same .wasm without Node's native arithmetic switched on:
// the portable code path that browsers run (their WebCrypto is asynchronous only).
const glueUrl = new URL('./node_modules/govuk-one-login-tokens/wasm/govuk_one_login_tokens.js', import.meta.url);
// The query string makes it a separate module instance, hence a separate wasm instance.
const portable = await import(`${glueUrl.href}?portable`);
portable.initSync({ module: readFileSync(new URL('govuk_one_login_tokens_bg.wasm', glueUrl)) });

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const MIN_ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 300);
const now = Math.floor(Date.now() / 1000);

async function fixture(alg, keyOptions) {
  const { privateKey, publicKey } = generateKeyPairSync(alg === 'ES256' ? 'ec' : 'rsa', keyOptions);
  const jwk = { ...(await jose.exportJWK(publicKey)), kid: `${alg}-key`, alg, use: 'sig' };
  const token = await new jose.SignJWT({
    sub: 'urn:fdc:gov.uk:2022:bench', nonce: 'n', vot: 'Cl.Cm', sid: 's', auth_time: now,
    vtm: 'https://oidc.integration.account.gov.uk/trustmark',
  })
    .setProtectedHeader({ alg, kid: jwk.kid })
    .setIssuer('https://oidc.integration.account.gov.uk/')
    .setAudience('bench-client')
    .setIssuedAt(now)
    .setExpirationTime(now + 120)
    .sign(privateKey);
  return { jwks: { keys: [jwk] }, token, publicKey };
}

// Runs `fn` repeatedly for at least MIN_ROUND_MS and returns microseconds per call.
async function timeRound(fn) {
  let calls = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < MIN_ROUND_MS) {
    for (let i = 0; i < 20; i++) await fn();
    calls += 20;
    elapsed = performance.now() - start;
  }
  return (elapsed * 1000) / calls;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function compare(title, contenders) {
  const samples = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
  for (const fn of Object.values(contenders)) await fn(); // warm-up and sanity check
  for (let r = 0; r < ROUNDS; r++) {
    for (const [name, fn] of Object.entries(contenders)) samples[name].push(await timeRound(fn));
  }
  const base = median(samples[Object.keys(contenders).find((k) => k.startsWith('jose'))]);
  console.log(`\n${title}`);
  for (const [name, xs] of Object.entries(samples)) {
    const m = median(xs);
    console.log(`  ${name.padEnd(44)} ${m.toFixed(1).padStart(9)} µs/op  ${(1e6 / m).toFixed(0).padStart(7)} ops/s  x${(base / m).toFixed(2)} vs jose`);
  }
}

const opts = { issuer: 'https://oidc.integration.account.gov.uk/', audience: 'bench-client', currentDate: new Date(now * 1000) };
for (const [alg, keyOptions] of [
  ['ES256', { namedCurve: 'P-256' }],
  ['RS256', { modulusLength: 2048 }],
  ['RS256', { modulusLength: 4096 }],
]) {
  const f = await fixture(alg, keyOptions);
  const keySet = new KeySet(f.jwks);
  const portableKeySet = new portable.KeySet(f.jwks);
  const joseLocal = jose.createLocalJWKSet(f.jwks);
  const joseKey = await jose.importJWK(f.jwks.keys[0], alg);
  const ours = { issuer: opts.issuer, audience: opts.audience, now };
  const bits = alg === 'ES256' ? 'P-256' : `${keyOptions.modulusLength}-bit`;
  await compare(`verify ${alg} (${bits}) ID-token-shaped JWT`, {
    'jose jwtVerify, createLocalJWKSet (async)': () => jose.jwtVerify(f.token, joseLocal, opts),
    'jose jwtVerify, imported CryptoKey (async)': () => jose.jwtVerify(f.token, joseKey, opts),
    'ours verifyJwt, KeySet parsed once (sync)': () => verifyJwt(f.token, { ...ours, jwks: keySet }),
    'ours verifyJwt, JWKS object per call (sync)': () => verifyJwt(f.token, { ...ours, jwks: f.jwks }),
    'ours, portable wasm arithmetic (browser path)': () => portable.verifyJwtWithKeySet(f.token, portableKeySet, ours),
  });
  keySet.free();
  portableKeySet.free();
  if (alg === 'ES256') {
    await compare('decode without verification', {
      'jose decodeJwt + decodeProtectedHeader': () => [jose.decodeJwt(f.token), jose.decodeProtectedHeader(f.token)],
      'ours decodeJwt': () => decodeJwt(f.token),
    });
  }
}
console.log(`\n${ROUNDS} interleaved rounds of >= ${MIN_ROUND_MS} ms each; medians; Node ${process.version}.`);

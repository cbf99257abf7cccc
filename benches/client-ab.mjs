// Per-call cost of OneLoginClient.verifyIdToken (async and sync) and of a whole completeSignIn,
// for two builds of the package side by side in one process (interleaved rounds, medians):
//   node benches/client-ab.mjs <before package dir> [<after package dir>]
// The after package defaults to tests/node_modules/govuk-one-login-tokens (scripts/pack.sh tests).
// Both clients sign in against one test kit (govuk-one-login-tokens/testing of the after build).
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const [beforeDir, afterDir = 'tests/node_modules/govuk-one-login-tokens'] = process.argv.slice(2);
if (!beforeDir) {
  console.error('usage: node benches/client-ab.mjs <before package dir> [<after package dir>]');
  process.exit(2);
}
const load = (dir, file) => import(pathToFileURL(resolve(dir, file)).href);
const builds = { before: await load(beforeDir, 'node.mjs'), after: await load(afterDir, 'node.mjs') };
const { startTestOneLogin } = await load(afterDir, 'testing.js');

const op = await startTestOneLogin({ clientId: 'bench-client' });
const REDIRECT = 'https://rp.example/callback';
await op.config({ clientConfiguration: { redirectUrls: [REDIRECT] } });
const clients = Object.fromEntries(
  Object.entries(builds).map(([name, pkg]) => [
    name,
    pkg.OneLoginClient.create({ environment: op.environment, clientId: op.clientId, privateKey: op.privateKey, redirectUri: REDIRECT }),
  ]),
);
for (const c of Object.values(clients)) await c.hydrate();

// One signed-in ID token to verify over and over (verified as of its own iat).
const { url, transaction } = clients.after.startSignIn();
const signedIn = await clients.after.completeSignIn(await op.authorize(url), transaction);
const idOptions = { nonce: transaction.nonce, accessToken: signedIn.accessToken, now: signedIn.claims.iat };

const median = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1];
async function perCall(fn, n) {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await fn();
  return ((performance.now() - t0) * 1000) / n;
}
const rows = {
  'verifyIdToken (async), µs': (c) => perCall(() => c.verifyIdToken(signedIn.idToken, idOptions), 2000),
  'verifyIdTokenSync, µs': (c) => perCall(() => c.verifyIdTokenSync(signedIn.idToken, idOptions), 2000),
  'completeSignIn (whole, with the kit), µs': (c) =>
    perCall(async () => {
      const s = c.startSignIn();
      // The kit's /authorize over a pooled connection the server may just have closed: once more.
      const callback = await op.authorize(s.url).catch(() => op.authorize(s.url));
      await c.completeSignIn(callback, s.transaction);
    }, 40),
};
const ROUNDS = 7;
console.log(`| per call | before | after | after / before |\n|---|---|---|---|`);
for (const [name, run] of Object.entries(rows)) {
  const times = { before: [], after: [] };
  for (let r = 0; r < ROUNDS; r++) {
    for (const which of r % 2 ? ['after', 'before'] : ['before', 'after']) times[which].push(await run(clients[which]));
  }
  const [b, a] = [median(times.before), median(times.after)];
  console.log(`| ${name} | ${b.toFixed(1)} | ${a.toFixed(1)} | ${(a / b).toFixed(2)} |`);
}
await op.close();

// Cold start for Node, Deno and Bun, run by benches/run.mjs as a fresh process each time:
// `cold.mjs ours|jose FIXTURES` prints the milliseconds from just before importing the library
// to just after its first verification of one ES256 ID token (the fixture file is read first).
import { readFileSync } from 'node:fs';

const args = globalThis.Deno ? Deno.args : process.argv.slice(2);
const [which, file] = args;
const fixtures = JSON.parse(readFileSync(file, 'utf8'));
const f = fixtures.algs[0];
const token = f.tokens[0];
const options = { issuer: 'https://oidc.integration.account.gov.uk/', audience: 'bench-client' };

const t0 = performance.now();
if (which === 'ours') {
  const m = await import('govuk-one-login-tokens');
  m.verifyIdToken(token, { jwks: f.jwks, issuer: options.issuer, clientId: options.audience, nonce: 'bench-nonce', now: fixtures.now });
} else {
  const jose = await import('jose');
  await jose.jwtVerify(token, jose.createLocalJWKSet(f.jwks), { ...options, currentDate: new Date(fixtures.now * 1000) });
}
const ms = performance.now() - t0;
console.log(JSON.stringify({ ms }));
